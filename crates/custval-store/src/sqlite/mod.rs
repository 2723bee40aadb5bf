//! [`SqliteStore`]: every role of the [`Store`](crate::Store) on an embedded SQLite file,
//! through `sqlx`.
//!
//! Opening sets the pragmas the crate docs explain (WAL, `synchronous=NORMAL`, foreign keys,
//! busy timeout) and applies the embedded migrations. Migrations run under `BEGIN IMMEDIATE`
//! so that two processes opening a fresh file at once do not both try to create the schema;
//! an up-to-date store is recognised first without taking the write lock, so opening never
//! waits for a running import. Queries are runtime-checked `sqlx::query` (no
//! `DATABASE_URL` at build time). The work is split by subject: `import` (with `batch`), `load`
//! (with `load_plan`, its SQL, and `load_order`), `runs`, `provisional`, `alerts`, `plans`,
//! `privacy` (personal data) and `admin` (customer pages, overrides, audit log, users and
//! tokens); `roles` maps each role trait's methods onto them.

mod admin;
mod alerts;
mod batch;
mod import;
mod load;
mod load_order;
mod load_plan;
mod plans;
mod privacy;
mod provisional;
mod roles;
mod runs;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use import::SqliteImport;
pub use privacy::{Forgotten, KeyReport, Personal};

use crate::StoreError;
use crate::error::BUSY_TIMEOUT_SECS;
use crate::types::OpenOptions;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The migration files, for error messages (sqlx reports a version number only).
const MIGRATION_FILES: &[&str] = &[
    "0001_init.sql",
    "0002_dynamics.sql",
    "0003_accounts.sql",
    "0004_result_order.sql",
    "0005_provisional.sql",
    "0006_detail_dict.sql",
    "0007_alert_counts.sql",
    "0008_audit_tokens.sql",
    "0009_privacy.sql",
];

/// Connections in the pool: enough for a web server's concurrent reads (WAL lets them run
/// beside the one writer), few enough that page caches stay bounded.
const MAX_CONNECTIONS: u32 = 4;
/// Rows sqlx's worker thread may run ahead of the reader: large enough that a dataset load
/// (which drains rows in bursts, see `load`) never makes the worker block and wait for it,
/// at about 400 bytes a row when a reader falls that far behind.
const ROW_BUFFER: usize = 65_536;
/// Page size of a new store (an existing one keeps its own: WAL mode fixes it). 16 KiB pages
/// cut SQLite's work for a bulk import of 20M order lines from 37.8 s to 29.8 s (sqlite3, the
/// same rows: fewer B-tree splits and WAL frames); 32 and 64 KiB measured no better.
const PAGE_SIZE: u32 = 16 * 1024;
/// Page cache per connection, in KiB (SQLite's negative `cache_size`).
pub(crate) const CACHE_KIB: i64 = 64 * 1024;

/// A store on a SQLite file. Cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
    /// The key for personal fields this store was opened with ([`SqliteStore::unlock`]).
    privacy: std::sync::Arc<privacy::KeyState>,
}

impl SqliteStore {
    /// Opens (or with `options.create`, creates) the store at a file path or `sqlite:` URL and
    /// brings its schema up to date. A `postgres://` URL is [`StoreError::Unsupported`].
    pub async fn open(path_or_url: &str, options: OpenOptions) -> Result<SqliteStore, StoreError> {
        let lower = path_or_url.trim().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Err(StoreError::Unsupported {
                what: "PostgreSQL stores are planned but not available in this build; \
                       use a SQLite file path (the default is ./custval.db)"
                    .to_string(),
            });
        }
        let base = if lower.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(path_or_url.trim())
                .map_err(|e| StoreError::sql(format!("reading the store URL {path_or_url}"), e))?
        } else {
            SqliteConnectOptions::new().filename(path_or_url)
        };
        let path = base.get_filename().to_path_buf();
        if !options.create && !path.exists() {
            return Err(StoreError::NotInitialised { path });
        }
        let connect = base
            .create_if_missing(options.create)
            .page_size(PAGE_SIZE)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(BUSY_TIMEOUT_SECS))
            .pragma("cache_size", (-CACHE_KIB).to_string())
            .pragma("temp_store", "MEMORY")
            // Deleted and overwritten content is zeroed where that costs no extra I/O, so that
            // a forgotten customer's name does not linger in the file's free space (issue 18).
            .pragma("secure_delete", "FAST")
            .row_buffer_size(ROW_BUFFER);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(BUSY_TIMEOUT_SECS + 30))
            .connect_with(connect)
            .await
            .map_err(|e| StoreError::sql(format!("opening the store {}", path.display()), e))?;
        migrate(&pool, &path).await?;
        Ok(SqliteStore {
            pool,
            path,
            privacy: std::sync::Arc::default(),
        })
    }

    /// Gives the store the key of its personal fields (`None`: no key). A key other than the
    /// one the store's values are sealed with is not an error here: everything but personal
    /// data keeps working, and the report's `problem` says why personal data cannot be read.
    /// With the right key, the plaintext phone and e-mail an older store still holds are
    /// sealed now (`sealed_now`).
    pub async fn unlock(
        &mut self,
        key: Option<crate::crypto::Key>,
    ) -> Result<KeyReport, StoreError> {
        let (state, report) = privacy::unlock(&self.pool, key).await?;
        self.privacy = state;
        Ok(report)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Copies the WAL into the database file, truncates it, waits for open connections to
    /// finish and closes them: afterwards the database file alone holds every committed write,
    /// so a plain file copy is a complete backup (issue 18: a copy made right after an import
    /// held 0 customers, the rows being still in `custval.db-wal`).
    pub async fn close(&self) {
        if !self.pool.is_closed() {
            batch::checkpoint(&self.pool).await;
        }
        self.pool.close().await;
    }

    /// A consistent copy of the store at `dest` (SQLite's `VACUUM INTO`: one read transaction,
    /// so concurrent writers neither block it nor tear it), written to a temporary file beside
    /// `dest` and renamed into place. An existing `dest` is replaced only when the copy is
    /// complete.
    pub async fn backup(&self, dest: &Path) -> Result<(), StoreError> {
        let dir = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "backup.db".to_string());
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let target = tmp.to_string_lossy().into_owned();
        let done = sqlx::query("VACUUM INTO ?")
            .bind(&target)
            .execute(&self.pool)
            .await;
        if let Err(e) = done {
            let _ = std::fs::remove_file(&tmp);
            return Err(StoreError::sql(
                format!("backing up to {}", dest.display()),
                e,
            ));
        }
        std::fs::rename(&tmp, dest).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            StoreError::sql(
                format!("moving the backup into place at {}", dest.display()),
                sqlx::Error::Io(e),
            )
        })
    }

    /// Starts an import transaction (this store's
    /// [`ImportStore::begin_import`](crate::ImportStore::begin_import)).
    pub async fn import(&self) -> Result<SqliteImport, StoreError> {
        SqliteImport::begin(&self.pool, self.privacy.clone()).await
    }
}

/// Latest migration version this build knows.
fn latest_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

fn migration_file(version: i64) -> String {
    MIGRATION_FILES
        .iter()
        .find(|f| {
            let digits: String = f.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<i64>().ok() == Some(version)
        })
        .map(|f| format!("migrations/{f}"))
        .unwrap_or_else(|| format!("version {version}"))
}

/// Applies missing migrations, unless the schema is already current.
async fn migrate(pool: &SqlitePool, path: &Path) -> Result<(), StoreError> {
    let doing = || format!("checking the schema of {}", path.display());
    let has_table: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await
    .map_err(|e| StoreError::sql(doing(), e))?;
    if has_table > 0 {
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(pool)
                .await
                .map_err(|e| StoreError::sql(doing(), e))?;
        let applied = applied.unwrap_or(0);
        if applied > latest_version() {
            return Err(StoreError::Migration {
                path: path.to_path_buf(),
                file: migration_file(applied),
                message: format!(
                    "the store was created by a newer custval (schema version {applied}, this \
                     build knows up to {}); upgrade custval",
                    latest_version()
                ),
            });
        }
        if applied == latest_version() {
            return Ok(());
        }
    }
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| StoreError::sql(format!("upgrading the store {}", path.display()), e))?;
    MIGRATOR
        .run(&mut *tx)
        .await
        .map_err(|e| migration_error(path, e))?;
    tx.commit()
        .await
        .map_err(|e| StoreError::sql(format!("upgrading the store {}", path.display()), e))?;
    tracing::debug!(path = %path.display(), version = latest_version(), "store schema upgraded");
    Ok(())
}

fn migration_error(path: &Path, e: MigrateError) -> StoreError {
    let (file, message) = match &e {
        MigrateError::ExecuteMigration(source, v) => (migration_file(*v), source.to_string()),
        MigrateError::VersionMismatch(v) => (
            migration_file(*v),
            "this migration was applied but has been modified since; the store and this build \
             of custval disagree about the schema"
                .to_string(),
        ),
        MigrateError::VersionMissing(v) => (
            migration_file(*v),
            "the store was created by a newer custval; upgrade custval".to_string(),
        ),
        MigrateError::Dirty(v) => (
            migration_file(*v),
            "a previous upgrade stopped half-way; restore the file from a backup".to_string(),
        ),
        MigrateError::Execute(source) if crate::error::is_busy(source) => {
            return StoreError::Busy {
                doing: format!("upgrading the store {}", path.display()),
                seconds: BUSY_TIMEOUT_SECS,
            };
        }
        other => ("migrations".to_string(), other.to_string()),
    };
    StoreError::Migration {
        path: path.to_path_buf(),
        file,
        message,
    }
}

/// Current time as stored in `created_at` columns.
pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A `u64` count from SQLite's `i64`.
pub(crate) fn count(n: i64) -> u64 {
    n.max(0) as u64
}

/// A new store in its own temporary directory (kept alive by the `TempDir`), for the unit
/// tests of this module's children.
#[cfg(test)]
pub(crate) async fn temp_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("custval.db");
    let store = SqliteStore::open(path.to_str().unwrap(), OpenOptions { create: true })
        .await
        .unwrap();
    (dir, store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_files_match_the_migrations_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        on_disk.sort();
        assert_eq!(on_disk, MIGRATION_FILES);
        assert_eq!(MIGRATOR.iter().count(), MIGRATION_FILES.len());
        assert_eq!(migration_file(1), "migrations/0001_init.sql");
        assert_eq!(migration_file(99), "version 99");
    }

    /// Regression guard for the bulk writers' `PRAGMA foreign_keys = OFF` (imports and run
    /// writes): it must die with the writer's connection, whether it committed, was dropped or
    /// failed, and a new store gets 16 KiB pages.
    #[tokio::test]
    async fn imports_do_not_leak_foreign_keys_off_and_new_stores_use_16k_pages() {
        use crate::prelude::*;
        use crate::{CustomerResult, TxRecord};
        let (_dir, store) = temp_store().await;
        let line = |order: &str| TxRecord {
            order_id: Some(order.to_string()),
            customer_id: "C1".to_string(),
            date: 20_000,
            amount: 10.0,
            cost: None,
            category: None,
            quantity: None,
            channel: None,
        };
        let mut s = store.begin_import().await.unwrap();
        s.transactions(&[line("O1")]).await.unwrap();
        s.commit().await.unwrap();
        {
            let mut s = store.begin_import().await.unwrap();
            s.transactions(&[line("O2")]).await.unwrap();
        }
        let result = CustomerResult {
            customer_id: "C1".to_string(),
            tier: "A".to_string(),
            value_class: "maintain".to_string(),
            potential_tier: "low".to_string(),
            lifecycle: "new".to_string(),
            profit_loyalty: "x".to_string(),
            detail: "{}".to_string(),
            ..CustomerResult::default()
        };
        store
            .create_run(1, "", "{}", 0.0, std::slice::from_ref(&result), &[])
            .await
            .unwrap();
        // Fails inside the run's transaction (an alert of no known severity).
        let bad = crate::NewAlert {
            customer_id: "C1".to_string(),
            owner: None,
            rule: "r".to_string(),
            severity: "loud".to_string(),
            body: "{}".to_string(),
        };
        assert!(
            store
                .create_run(2, "", "{}", 0.0, &[result], &[bad])
                .await
                .is_err()
        );
        assert_eq!(store.runs().await.unwrap().len(), 1);
        // Every connection the pool can hand out (the dropped session's is closed, so a
        // fresh one may be opened) enforces foreign keys.
        let mut held = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            let mut c = store.pool.acquire().await.unwrap();
            let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&mut *c)
                .await
                .unwrap();
            assert_eq!(on, 1);
            held.push(c);
        }
        let page: i64 = sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(&mut *held[0])
            .await
            .unwrap();
        assert_eq!(page, i64::from(PAGE_SIZE));
        drop(held);
        assert_eq!(store.table_counts().await.unwrap().transactions, 1);
    }

    /// Schema v4 renumbers the results of runs written before it (ascending score order) so
    /// that ids follow the list order, and keeps each detail with its result.
    #[tokio::test]
    async fn migration_4_renumbers_old_runs_in_list_order() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        for sql in [
            include_str!("../../migrations/0001_init.sql"),
            include_str!("../../migrations/0002_dynamics.sql"),
            include_str!("../../migrations/0003_accounts.sql"),
        ] {
            sqlx::raw_sql(sql).execute(&pool).await.unwrap();
        }
        sqlx::raw_sql(
            "INSERT INTO runs VALUES (1, 0, 't', 3, 0, '', '{}'), (2, 1, 't', 3, 0, '', '{}');
             INSERT INTO results (id, run_id, customer_id, tier, value_class, potential_tier,
                 lifecycle, profit_loyalty, score, value_score, potential_score) VALUES
                 (1, 1, 'c', 'C', 'v', 'p', 'l', 'q', 1.0, 0, 0),
                 (2, 1, 'b', 'A', 'v', 'p', 'l', 'q', 5.0, 0, 0),
                 (3, 1, 'a', 'A', 'v', 'p', 'l', 'q', 5.0, 0, 0),
                 (4, 2, 'a', 'B', 'v', 'p', 'l', 'q', 2.0, 0, 0),
                 (5, 2, 'b', 'B', 'v', 'p', 'l', 'q', 3.0, 0, 0),
                 (6, 2, 'c', 'A', 'v', 'p', 'l', 'q', 9.0, 0, 0);
             INSERT INTO result_details SELECT id, 'detail of ' || run_id || customer_id
                 FROM results;",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::raw_sql(include_str!("../../migrations/0004_result_order.sql"))
            .execute(&pool)
            .await
            .unwrap();
        let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT r.id, r.run_id, r.customer_id, d.detail FROM results r \
             JOIN result_details d ON d.id = r.id ORDER BY r.id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let got: Vec<(i64, i64, &str, &str)> = rows
            .iter()
            .map(|(i, r, c, d)| (*i, *r, c.as_str(), d.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1, 1, "a", "detail of 1a"),
                (2, 1, "b", "detail of 1b"),
                (3, 1, "c", "detail of 1c"),
                (4, 2, "c", "detail of 2c"),
                (5, 2, "b", "detail of 2b"),
                (6, 2, "a", "detail of 2a"),
            ]
        );
        // The details still follow their results.
        sqlx::query("DELETE FROM results WHERE run_id = 2")
            .execute(&pool)
            .await
            .unwrap();
        let details: i64 = sqlx::query_scalar("SELECT count(*) FROM result_details")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(details, 3);
    }
}
