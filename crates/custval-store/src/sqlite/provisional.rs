//! Provisional results and alerts (`migrations/0005_provisional.sql`), and the narrow reads a
//! provisional update needs: some customers' results of a run, by id, and the order lines
//! stored since a mark.
//!
//! Sets of customer ids travel as one JSON array bound to `json_each`, so that ten thousand
//! customers are one statement, not ten thousand.

use futures::TryStreamExt;
use sqlx::Row;
use sqlx::sqlite::SqlitePool;

use custval_model::{CustomerResult, Day, RunId};

use super::now_rfc3339;
use super::runs::{RESULT_COLS_NO_DETAIL, customer_result};
use crate::StoreError;
use crate::detail_codec::DetailReader;
use crate::error::ctx;
use crate::provisional::{ProvisionalAlert, ProvisionalResult};
use crate::types::NewAlert;

fn ids_json(ids: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(ids).map_err(|e| StoreError::InvalidRecord {
        table: "customers",
        row: 0,
        reason: e.to_string(),
    })
}

/// Results of some customers in a run, without their detail, by customer id.
pub(crate) async fn snapshot_of(
    pool: &SqlitePool,
    run_id: RunId,
    ids: &[String],
) -> Result<Vec<CustomerResult>, StoreError> {
    const DOING: &str = "reading some results of a run";
    let sql = format!(
        "SELECT {RESULT_COLS_NO_DETAIL} FROM results r WHERE r.run_id = ?1 AND r.customer_id IN \
         (SELECT value FROM json_each(?2)) ORDER BY r.customer_id"
    );
    let json = ids_json(ids)?;
    let mut rows = sqlx::query(&sql).bind(run_id).bind(json).fetch(pool);
    let mut out = Vec::new();
    while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
        out.push(customer_result(&row, &mut DetailReader::plain()).map_err(ctx(DOING))?);
    }
    Ok(out)
}

/// The newest order line's id, 0 in an empty store. Order lines get increasing ids (rowids,
/// never deleted), so the lines an import stores after this call have larger ids.
pub(crate) async fn order_mark(pool: &SqlitePool) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT ifnull(max(id), 0) FROM transactions")
        .fetch_one(pool)
        .await
        .map_err(ctx("reading the newest order line"))
}

/// The customers of the order lines stored after `mark` (see [`order_mark`]), by id, and the
/// latest day among those lines.
pub(crate) async fn ordering_since(
    pool: &SqlitePool,
    mark: i64,
) -> Result<(Vec<String>, Option<Day>), StoreError> {
    const DOING: &str = "reading the customers of recent order lines";
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT c.customer_id, max(t.day) FROM transactions t JOIN customers c ON c.key = t.cust \
         WHERE t.id > ? GROUP BY c.customer_id ORDER BY c.customer_id",
    )
    .bind(mark)
    .fetch_all(pool)
    .await
    .map_err(ctx(DOING))?;
    let latest = rows.iter().map(|r| r.1 as Day).max();
    Ok((rows.into_iter().map(|r| r.0).collect(), latest))
}

/// Replaces these customers' provisional results and alerts in one transaction, and drops
/// every provisional row based on another run (a newer run superseded them). Writes nothing
/// and returns false when `run_id` is no longer the latest run (issue 18: an update that
/// started before an evaluation stored its run must not delete the rows based on the new run;
/// the caller rescores against it instead). The check and the write are one `IMMEDIATE`
/// transaction, so no run can be stored between them.
pub(crate) async fn save(
    pool: &SqlitePool,
    run_id: RunId,
    as_of: Day,
    results: &[CustomerResult],
    alerts: &[NewAlert],
) -> Result<bool, StoreError> {
    const DOING: &str = "storing provisional results";
    let now = now_rfc3339();
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let latest: Option<RunId> = sqlx::query_scalar(super::runs::LATEST_RUN_ID)
        .fetch_optional(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    if latest != Some(run_id) {
        tx.rollback().await.map_err(ctx(DOING))?;
        return Ok(false);
    }
    for table in ["provisional_results", "provisional_alerts"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE run_id <> ?"))
            .bind(run_id)
            .execute(&mut *tx)
            .await
            .map_err(ctx(DOING))?;
    }
    let ids: Vec<String> = results.iter().map(|r| r.customer_id.clone()).collect();
    sqlx::query(
        "DELETE FROM provisional_alerts WHERE customer_id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids_json(&ids)?)
    .execute(&mut *tx)
    .await
    .map_err(ctx(DOING))?;
    for r in results {
        let doc = serde_json::to_string(r).map_err(|e| StoreError::InvalidRecord {
            table: "provisional_results",
            row: 0,
            reason: e.to_string(),
        })?;
        sqlx::query(
            "INSERT OR REPLACE INTO provisional_results (customer_id, run_id, as_of, created_at, \
             tier, value_class, potential_tier, lifecycle, score, spend_12m, clv, p_alive, risk, \
             result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&r.customer_id)
        .bind(run_id)
        .bind(as_of)
        .bind(&now)
        .bind(&r.tier)
        .bind(&r.value_class)
        .bind(&r.potential_tier)
        .bind(&r.lifecycle)
        .bind(if r.score.is_finite() { r.score } else { 0.0 })
        .bind(r.spend_12m.filter(|v| v.is_finite()))
        .bind(r.clv.filter(|v| v.is_finite()))
        .bind(r.p_alive.filter(|v| v.is_finite()))
        .bind(&r.risk)
        .bind(doc)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    }
    for a in alerts {
        sqlx::query(
            "INSERT INTO provisional_alerts (run_id, customer_id, owner, rule, severity, body, \
             created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(run_id)
        .bind(&a.customer_id)
        .bind(&a.owner)
        .bind(&a.rule)
        .bind(&a.severity)
        .bind(&a.body)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    }
    tx.commit().await.map_err(ctx(DOING))?;
    Ok(true)
}

/// `+run_id`: look the customers up by key; with the run index SQLite scanned every
/// provisional row of the run (58 ms per customer page with 10k of them at 1M).
const RESULTS_SQL: &str = "SELECT run_id, as_of, created_at, result FROM provisional_results \
     WHERE customer_id IN (SELECT value FROM json_each(?2)) AND +run_id = ?1 \
     ORDER BY customer_id";

/// Provisional results based on `run_id` of these customers, by customer id.
pub(crate) async fn results(
    pool: &SqlitePool,
    run_id: RunId,
    ids: &[String],
) -> Result<Vec<ProvisionalResult>, StoreError> {
    const DOING: &str = "reading provisional results";
    let rows = sqlx::query(RESULTS_SQL)
        .bind(run_id)
        .bind(ids_json(ids)?)
        .fetch_all(pool)
        .await
        .map_err(ctx(DOING))?;
    decode_results(&rows)
}

/// Every provisional result based on `run_id`, by customer id.
pub(crate) async fn all(
    pool: &SqlitePool,
    run_id: RunId,
) -> Result<Vec<ProvisionalResult>, StoreError> {
    const DOING: &str = "reading provisional results";
    let rows = sqlx::query(
        "SELECT run_id, as_of, created_at, result FROM provisional_results \
         WHERE run_id = ? ORDER BY customer_id",
    )
    .bind(run_id)
    .fetch_all(pool)
    .await
    .map_err(ctx(DOING))?;
    decode_results(&rows)
}

fn decode_results(rows: &[sqlx::sqlite::SqliteRow]) -> Result<Vec<ProvisionalResult>, StoreError> {
    const DOING: &str = "reading provisional results";
    rows.iter()
        .map(|row| {
            let doc: String = row.try_get(3).map_err(ctx(DOING))?;
            let as_of: i64 = row.try_get(1).map_err(ctx(DOING))?;
            Ok(ProvisionalResult {
                run_id: row.try_get(0).map_err(ctx(DOING))?,
                as_of: as_of as Day,
                created_at: row.try_get(2).map_err(ctx(DOING))?,
                result: serde_json::from_str(&doc).map_err(|e| StoreError::InvalidRecord {
                    table: "provisional_results",
                    row: 0,
                    reason: e.to_string(),
                })?,
            })
        })
        .collect()
}

/// How many customers have a provisional result based on `run_id`.
pub(crate) async fn count(pool: &SqlitePool, run_id: RunId) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM provisional_results WHERE run_id = ?")
        .bind(run_id)
        .fetch_one(pool)
        .await
        .map_err(ctx("counting provisional results"))?;
    Ok(super::count(n))
}

/// Provisional alerts based on `run_id`, of one customer or of all, most recent first.
pub(crate) async fn alerts(
    pool: &SqlitePool,
    run_id: RunId,
    customer_id: Option<&str>,
) -> Result<Vec<ProvisionalAlert>, StoreError> {
    const DOING: &str = "reading provisional alerts";
    let rows = sqlx::query(
        "SELECT run_id, customer_id, owner, rule, severity, body, created_at \
         FROM provisional_alerts WHERE run_id = ?1 AND (?2 IS NULL OR customer_id = ?2) \
         ORDER BY id DESC",
    )
    .bind(run_id)
    .bind(customer_id)
    .fetch_all(pool)
    .await
    .map_err(ctx(DOING))?;
    rows.iter()
        .map(|row| {
            Ok(ProvisionalAlert {
                run_id: row.try_get(0)?,
                customer_id: row.try_get(1)?,
                owner: row.try_get(2)?,
                rule: row.try_get(3)?,
                severity: row.try_get(4)?,
                body: row.try_get(5)?,
                created_at: row.try_get(6)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(ctx(DOING))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the provisional lookup of a customer page scanned every provisional row of
    /// the run through the `run_id` index (58 ms at 10k rows); it must search by customer id.
    #[tokio::test]
    async fn provisional_lookup_searches_by_customer_id() {
        let (_dir, store) = super::super::temp_store().await;
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {RESULTS_SQL}"))
                .bind(1_i64)
                .bind(r#"["C1"]"#)
                .fetch_all(&store.pool)
                .await
                .unwrap();
        let detail: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
        assert!(
            detail
                .iter()
                .any(|d| d.contains("provisional_results") && d.contains("(customer_id=?)")),
            "{detail:?}"
        );
    }
}
