//! [`SqliteStore`]: the [`Store`] on an embedded SQLite file, through `sqlx`.
//!
//! Opening sets the pragmas the crate docs explain (WAL, `synchronous=NORMAL`, foreign keys,
//! busy timeout) and applies the embedded migrations. Migrations run under `BEGIN IMMEDIATE`
//! so that two processes opening a fresh file at once do not both try to create the schema;
//! an up-to-date store is recognised first without taking the write lock, so opening never
//! waits for a running import. Queries are runtime-checked `sqlx::query` (no
//! `DATABASE_URL` at build time). The work is split by subject: `import` (with `batch`), `load`,
//! `runs` and `admin` (customer pages, overrides, audit log, users).

mod admin;
mod alerts;
mod batch;
mod import;
mod load;
mod load_order;
mod plans;
mod privacy;
mod provisional;
mod runs;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use custval_model::{CustomerRecord, CustomerResult, Dataset, Day, RunId, RunInfo, TxRecord};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use import::SqliteImport;
pub use privacy::{Forgotten, KeyReport, Personal};

use crate::access::{Account, AuditQuery, NewToken, TokenCheck, TokenInfo};
use crate::error::{BUSY_TIMEOUT_SECS, ctx};
use crate::types::{
    AlertQuery, AuditEntry, NewAlert, OpenOptions, Override, PlanFacts, ResultPage, ResultQuery,
    Role, StoredAlert, StoredPlan, TableCounts, TierPoint, User,
};
use crate::{Store, StoreError};

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

    /// Starts an import transaction (the [`Store::begin_import`] of this store).
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

impl Store for SqliteStore {
    type Import = SqliteImport;

    async fn begin_import(&self) -> Result<SqliteImport, StoreError> {
        SqliteImport::begin(&self.pool, self.privacy.clone()).await
    }

    async fn load_dataset(&self, as_of: Day) -> Result<Dataset, StoreError> {
        load::load(&self.pool, None, as_of).await
    }

    async fn load_dataset_for(
        &self,
        customer_ids: &[String],
        as_of: Day,
    ) -> Result<Dataset, StoreError> {
        load::load(&self.pool, Some(customer_ids), as_of).await
    }

    async fn create_run(
        &self,
        as_of: Day,
        config: &str,
        meta: &str,
        seconds: f64,
        results: &[CustomerResult],
        alerts: &[NewAlert],
    ) -> Result<RunId, StoreError> {
        let run = runs::NewRun {
            as_of,
            config,
            meta,
            seconds,
            results,
            details: runs::Details::Stored,
            alerts: alerts.to_vec(),
        };
        runs::create_run(&self.pool, run).await
    }

    async fn create_run_with_details(
        &self,
        as_of: Day,
        config: &str,
        meta: &str,
        seconds: f64,
        results: &[CustomerResult],
        detail: &(dyn Fn(usize) -> String + Sync),
        alerts: Vec<NewAlert>,
    ) -> Result<RunId, StoreError> {
        let run = runs::NewRun {
            as_of,
            config,
            meta,
            seconds,
            results,
            details: runs::Details::Built(detail),
            alerts,
        };
        runs::create_run(&self.pool, run).await
    }

    async fn previous_run(&self, as_of: Day) -> Result<Option<RunInfo>, StoreError> {
        runs::previous_run(&self.pool, as_of).await
    }

    async fn snapshot(&self, run: RunId) -> Result<Vec<CustomerResult>, StoreError> {
        runs::snapshot(&self.pool, run).await
    }

    async fn snapshot_each<F: FnMut(CustomerResult) + Send>(
        &self,
        run: RunId,
        each: F,
    ) -> Result<(), StoreError> {
        runs::snapshot_each(&self.pool, run, each).await
    }

    async fn snapshot_of(
        &self,
        run: RunId,
        customer_ids: &[String],
    ) -> Result<Vec<CustomerResult>, StoreError> {
        provisional::snapshot_of(&self.pool, run, customer_ids).await
    }

    async fn save_provisional(
        &self,
        run: RunId,
        as_of: Day,
        results: &[CustomerResult],
        alerts: &[NewAlert],
    ) -> Result<bool, StoreError> {
        provisional::save(&self.pool, run, as_of, results, alerts).await
    }

    async fn order_mark(&self) -> Result<i64, StoreError> {
        provisional::order_mark(&self.pool).await
    }

    async fn ordering_since(&self, mark: i64) -> Result<(Vec<String>, Option<Day>), StoreError> {
        provisional::ordering_since(&self.pool, mark).await
    }

    async fn provisional(
        &self,
        run: RunId,
        customer_ids: &[String],
    ) -> Result<Vec<crate::ProvisionalResult>, StoreError> {
        provisional::results(&self.pool, run, customer_ids).await
    }

    async fn provisional_all(
        &self,
        run: RunId,
    ) -> Result<Vec<crate::ProvisionalResult>, StoreError> {
        provisional::all(&self.pool, run).await
    }

    async fn provisional_count(&self, run: RunId) -> Result<u64, StoreError> {
        provisional::count(&self.pool, run).await
    }

    async fn provisional_alerts(
        &self,
        run: RunId,
        customer_id: Option<&str>,
    ) -> Result<Vec<crate::ProvisionalAlert>, StoreError> {
        provisional::alerts(&self.pool, run, customer_id).await
    }

    async fn alerts(&self, query: &AlertQuery) -> Result<Vec<StoredAlert>, StoreError> {
        alerts::list(&self.pool, query).await
    }

    async fn alert_keys(&self, run: RunId) -> Result<Vec<(String, String)>, StoreError> {
        sqlx::query_as("SELECT customer_id, rule FROM alerts WHERE run_id = ?")
            .bind(run)
            .fetch_all(&self.pool)
            .await
            .map_err(ctx("reading a run's alerts"))
    }

    async fn alert(&self, id: i64) -> Result<Option<StoredAlert>, StoreError> {
        alerts::one(&self.pool, id).await
    }

    async fn acknowledge_alert(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        alerts::acknowledge(&self.pool, id, actor).await
    }

    async fn assign_alert(
        &self,
        id: i64,
        assignee: Option<&str>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        alerts::assign(&self.pool, id, assignee, actor).await
    }

    async fn account_plan(&self, customer_id: &str) -> Result<Option<StoredPlan>, StoreError> {
        plans::get(&self.pool, customer_id).await
    }

    async fn save_account_plan(
        &self,
        customer_id: &str,
        plan: &serde_json::Value,
        actor: &str,
    ) -> Result<(), StoreError> {
        plans::save(&self.pool, customer_id, plan, actor).await
    }

    async fn plan_facts(
        &self,
        run: RunId,
        customer_ids: &[String],
    ) -> Result<Vec<PlanFacts>, StoreError> {
        plans::facts(&self.pool, run, customer_ids).await
    }

    async fn plan_reviews(
        &self,
        run: RunId,
        tiers: &[String],
        owner: Option<&str>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        plans::reviews(&self.pool, run, tiers, owner).await
    }

    async fn open_alert_count(&self, run: RunId, owner: Option<&str>) -> Result<u64, StoreError> {
        plans::open_alert_count(&self.pool, run, owner).await
    }

    async fn mark_alerts_delivered(&self, ids: &[i64]) -> Result<(), StoreError> {
        alerts::mark_delivered(&self.pool, ids).await
    }

    async fn runs(&self) -> Result<Vec<RunInfo>, StoreError> {
        runs::runs(&self.pool).await
    }

    async fn run(&self, id: RunId) -> Result<RunInfo, StoreError> {
        runs::run(&self.pool, id)
            .await?
            .ok_or(StoreError::RunNotFound(id))
    }

    async fn latest_run(&self) -> Result<Option<RunInfo>, StoreError> {
        runs::latest_run(&self.pool).await
    }

    async fn delete_run(&self, id: RunId) -> Result<(), StoreError> {
        runs::delete_run(&self.pool, id).await
    }

    async fn results(&self, run: RunId, query: &ResultQuery) -> Result<ResultPage, StoreError> {
        runs::results(&self.pool, run, query).await
    }

    async fn result(
        &self,
        run: RunId,
        customer_id: &str,
    ) -> Result<Option<CustomerResult>, StoreError> {
        runs::result(&self.pool, run, customer_id).await
    }

    async fn tier_history(&self, customer_id: &str) -> Result<Vec<TierPoint>, StoreError> {
        runs::tier_history(&self.pool, customer_id).await
    }

    async fn customer(&self, customer_id: &str) -> Result<Option<CustomerRecord>, StoreError> {
        let Some(mut rec) = admin::customer(&self.pool, customer_id).await? else {
            return Ok(None);
        };
        // Personal fields are sealed: filled in when this store has the key.
        match privacy::personal(&self.pool, &self.privacy, customer_id).await? {
            Some(Personal::Available { phone, email }) => {
                rec.phone = phone;
                rec.email = email;
            }
            _ => {
                rec.phone = None;
                rec.email = None;
            }
        }
        Ok(Some(rec))
    }

    async fn customer_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
            .fetch_one(&self.pool)
            .await
            .map_err(ctx("counting customers"))?;
        Ok(n.max(0) as u64)
    }

    async fn transactions_of(
        &self,
        customer_id: &str,
        limit: u64,
    ) -> Result<Vec<TxRecord>, StoreError> {
        admin::transactions_of(&self.pool, customer_id, limit).await
    }

    async fn table_counts(&self) -> Result<TableCounts, StoreError> {
        admin::table_counts(&self.pool).await
    }

    async fn first_order_day(&self) -> Result<Option<Day>, StoreError> {
        sqlx::query_scalar("SELECT min(day) FROM transactions")
            .fetch_one(&self.pool)
            .await
            .map_err(ctx("reading the first order day"))
    }

    async fn set_override(
        &self,
        customer_id: &str,
        tier: &str,
        reason: &str,
        author: &str,
        until: Option<Day>,
    ) -> Result<(), StoreError> {
        admin::set_override(&self.pool, customer_id, tier, reason, author, until).await
    }

    async fn clear_override(&self, customer_id: &str, author: &str) -> Result<bool, StoreError> {
        admin::clear_override(&self.pool, customer_id, author).await
    }

    async fn active_override(
        &self,
        customer_id: &str,
        today: Day,
    ) -> Result<Option<Override>, StoreError> {
        Ok(
            admin::active_overrides(&self.pool, Some(customer_id), today)
                .await?
                .pop(),
        )
    }

    async fn active_overrides(&self, today: Day) -> Result<Vec<Override>, StoreError> {
        admin::active_overrides(&self.pool, None, today).await
    }

    async fn audit(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(ctx("writing the audit log"))?;
        admin::audit(&mut conn, actor, action, subject, detail).await
    }

    async fn audit_log(&self, limit: u64) -> Result<Vec<AuditEntry>, StoreError> {
        admin::audit_log(&self.pool, limit).await
    }

    async fn add_user(
        &self,
        name: &str,
        role: Role,
        owner_id: Option<&str>,
        password: Option<&str>,
    ) -> Result<User, StoreError> {
        admin::add_user(&self.pool, name, role, owner_id, password).await
    }

    async fn verify_password(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        admin::verify_password(&self.pool, name, password).await
    }

    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        admin::user(&self.pool, name).await
    }

    async fn update_user(
        &self,
        name: &str,
        role: Role,
        owner_id: Option<&str>,
        actor: &str,
    ) -> Result<User, StoreError> {
        admin::update_user(&self.pool, name, role, owner_id, actor).await
    }

    async fn delete_user(&self, name: &str, actor: &str) -> Result<(), StoreError> {
        admin::delete_user(&self.pool, name, actor).await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        admin::users(&self.pool).await
    }

    async fn create_token(&self, name: &str) -> Result<String, StoreError> {
        admin::create_token(&self.pool, name).await
    }

    async fn user_for_token(&self, token: &str) -> Result<Option<User>, StoreError> {
        admin::user_for_token(&self.pool, token).await
    }

    async fn create_token_for(
        &self,
        name: &str,
        days: u32,
        actor: &str,
    ) -> Result<NewToken, StoreError> {
        admin::create_token_for(&self.pool, name, days, actor).await
    }

    async fn tokens(&self, user: Option<&str>) -> Result<Vec<TokenInfo>, StoreError> {
        admin::tokens(&self.pool, user).await
    }

    async fn revoke_token(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        admin::revoke_token(&self.pool, id, actor).await
    }

    async fn check_token(&self, token: &str) -> Result<TokenCheck, StoreError> {
        admin::check_token(&self.pool, token).await
    }

    async fn set_password(
        &self,
        name: &str,
        password: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        admin::set_password(&self.pool, name, password, actor).await
    }

    async fn account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        admin::account(&self.pool, name).await
    }

    async fn audit_query(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        admin::audit_query(&self.pool, query).await
    }

    async fn personal(&self, customer_id: &str) -> Result<Option<Personal>, StoreError> {
        privacy::personal(&self.pool, &self.privacy, customer_id).await
    }

    async fn forget_customer(
        &self,
        customer_id: &str,
        reason: &str,
        actor: &str,
    ) -> Result<Forgotten, StoreError> {
        privacy::forget(&self.pool, customer_id, reason, actor).await
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
        use crate::{CustomerResult, ImportSession, Store, TxRecord};
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
