//! Multi-row INSERT statements, shared by imports and runs.
//!
//! One statement carries [`BATCH`] rows as bound parameters (`VALUES (?,…),(?,…)`): one
//! prepared statement per table and batch size, cached by sqlx on the connection, instead of
//! a statement per row. [`run_batches`] builds the parameters of batch `i + 1` on the calling
//! thread while sqlx's worker thread executes batch `i`, so that the two cores overlap.
//!
//! Every multi-row statement is `INSERT OR FAIL` (imports add `ON CONFLICT DO NOTHING` or
//! `DO UPDATE` for their keys), on a connection with foreign keys off ([`begin_bulk`]). With
//! the default `ABORT` resolution, or with immediate foreign-key checks, SQLite must be able to
//! undo half a statement, so it copies every existing page a statement touches into a
//! statement journal first; a run's dozen indexes touch thousands of pages per 500 rows. `FAIL`
//! keeps the rows before a failing one instead of undoing them, which changes nothing here: a
//! failed statement fails its whole transaction, which is rolled back. Measured with sqlite3
//! on the same rows in 500-row statements: a 1M-customer run's results 22.0 s → 10.6 s, 21M
//! order lines 41.4 s → 31.8 s. Foreign keys can be off because the store writes every key
//! itself: an import's customer keys come from its own customer map, a run's ids from its own
//! counter.

use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteConnection};
use sqlx::{Sqlite, SqlitePool};

use crate::StoreError;
use crate::error::ctx;

/// Rows per INSERT statement: 500 × at most 10 columns stays far below SQLite's limit of
/// 32766 bound parameters, and larger batches measured no faster.
pub(crate) const BATCH: usize = 500;

/// `prefix (?,…),(?,…) suffix` with `rows` groups of `cols` placeholders.
pub(crate) fn values_sql(prefix: &str, cols: usize, rows: usize, suffix: &str) -> String {
    let group = format!("({})", vec!["?"; cols].join(","));
    let mut s = String::with_capacity(prefix.len() + suffix.len() + rows * (group.len() + 1));
    s.push_str(prefix);
    for i in 0..rows {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&group);
    }
    s.push_str(suffix);
    s
}

/// The two statements a call needs: full batches and the shorter tail.
pub(crate) struct BatchSql {
    full: String,
    tail: String,
    tail_rows: usize,
}

impl BatchSql {
    pub(crate) fn new(prefix: &str, cols: usize, suffix: &str, rows: usize) -> BatchSql {
        let tail_rows = rows % BATCH;
        BatchSql {
            full: values_sql(prefix, cols, BATCH, suffix),
            tail: values_sql(prefix, cols, tail_rows.max(1), suffix),
            tail_rows,
        }
    }

    pub(crate) fn for_rows(&self, n: usize) -> &str {
        if n == self.tail_rows {
            &self.tail
        } else {
            &self.full
        }
    }
}

pub(crate) type Q<'q> = Query<'q, Sqlite, SqliteArguments<'q>>;

/// Arguments for `rows` rows of `cols` columns, allocated once (growing the list value by
/// value showed up in profiles).
pub(crate) fn arguments<'q>(rows: usize, cols: usize) -> SqliteArguments<'q> {
    let mut args = SqliteArguments::default();
    sqlx::Arguments::reserve(&mut args, rows * cols, 0);
    args
}

/// Appends values to an argument list (encoding a number or a string cannot fail, but the
/// API says it may).
macro_rules! add_values {
    ($args:expr, $doing:expr, $($v:expr),+ $(,)?) => {{
        $( sqlx::Arguments::add(&mut $args, $v)
            .map_err(|e| StoreError::sql($doing, sqlx::Error::Encode(e)))?; )+
    }};
}

/// Executes `batches` statements built by `build(i)`, building the next one while the current
/// one runs on sqlx's worker thread. Returns the rows affected.
pub(crate) async fn run_batches<'q>(
    conn: &mut SqliteConnection,
    batches: usize,
    mut build: impl FnMut(usize) -> Result<Q<'q>, StoreError>,
    doing: &'static str,
) -> Result<u64, StoreError> {
    let mut affected = 0;
    let mut next = (batches > 0).then(|| build(0)).transpose()?;
    let mut i = 0;
    while let Some(q) = next.take() {
        i += 1;
        let more = i < batches;
        // `join` polls the statement first (handing it to the worker thread), then builds the
        // next batch on this thread while the worker executes.
        let (done, built) = tokio::join!(q.execute(&mut *conn), async { more.then(|| build(i)) });
        affected += done.map_err(ctx(doing))?.rows_affected();
        next = built.transpose()?;
    }
    Ok(affected)
}

pub(crate) use add_values as add;

/// A connection taken out of the pool for one bulk write, with foreign keys off and inside
/// `BEGIN IMMEDIATE` (see the module docs). It is closed instead of returned to the pool when
/// dropped, so the pragma never reaches other work, and SQLite rolls back a transaction left
/// open on a closed connection: dropping it without [`commit_bulk`] stores nothing.
pub(crate) async fn begin_bulk(
    pool: &SqlitePool,
    doing: &'static str,
) -> Result<PoolConnection<Sqlite>, StoreError> {
    let mut conn = pool.acquire().await.map_err(ctx(doing))?;
    conn.close_on_drop();
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .map_err(ctx(doing))?;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *conn)
        .await
        .map_err(ctx(doing))?;
    Ok(conn)
}

/// Rows from which a bulk write checkpoints the WAL after its commit.
pub(crate) const LARGE_WRITE: u64 = 100_000;

/// Copies the WAL into the database and truncates it, after a large commit. A large commit
/// leaves a WAL as large as the data: until it is reset every page read searches its index (a
/// re-import of 20M lines ran 3-6× slower), and the next process to open the store first
/// re-reads all of it (the first `customer show` after a 1M-customer run took 0.2-0.9 s).
/// Best effort: a reader holding an old snapshot past the busy timeout only postpones it.
pub(crate) async fn checkpoint(pool: &SqlitePool) {
    if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await
    {
        tracing::debug!(error = %e, "checkpoint after a large write postponed");
    }
}

/// Commits a [`begin_bulk`] transaction and closes its connection.
pub(crate) async fn commit_bulk(
    mut conn: PoolConnection<Sqlite>,
    doing: &'static str,
) -> Result<(), StoreError> {
    sqlx::query("COMMIT")
        .execute(&mut *conn)
        .await
        .map_err(ctx(doing))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_sql_groups() {
        assert_eq!(
            values_sql("INSERT OR FAIL INTO t (a, b) VALUES ", 2, 3, " X"),
            "INSERT OR FAIL INTO t (a, b) VALUES (?,?),(?,?),(?,?) X"
        );
        let b = BatchSql::new("P ", 1, "", 2 * BATCH + 3);
        assert_eq!(b.for_rows(3), "P (?),(?),(?)");
        assert_eq!(b.for_rows(BATCH).matches('?').count(), BATCH);
    }
}
