//! Multi-row INSERT statements, shared by imports and runs.
//!
//! One statement carries [`BATCH`] rows as bound parameters (`VALUES (?,…),(?,…)`): one
//! prepared statement per table and batch size, cached by sqlx on the connection, instead of
//! a statement per row. [`run_batches`] builds the parameters of batch `i + 1` on the calling
//! thread while sqlx's worker thread executes batch `i`, so that the two cores overlap.

use sqlx::Sqlite;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteConnection};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_sql_groups() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b) VALUES ", 2, 3, " X"),
            "INSERT INTO t (a, b) VALUES (?,?),(?,?),(?,?) X"
        );
        let b = BatchSql::new("P ", 1, "", 2 * BATCH + 3);
        assert_eq!(b.for_rows(3), "P (?),(?),(?)");
        assert_eq!(b.for_rows(BATCH).matches('?').count(), BATCH);
    }
}
