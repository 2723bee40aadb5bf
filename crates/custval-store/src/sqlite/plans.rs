//! Account plans: one JSON document per customer (the store does not read it), replaced whole
//! on every save, each save audited with its author so that a plan's history is in the log.
//!
//! The key-account reads of the web app live here too: the next review and the open alerts of
//! one list page (one query with a `VALUES` list of ids, each an index lookup), the plans with a
//! review date in review order (plans are few — one per key account someone edited — so this
//! joins each to its result by the `(run_id, customer_id)` key rather than scanning a tier), and
//! the count of a run's open alerts (an `alerts_run` index range). Only `next_review` is read out
//! of the JSON (`json_extract`), so the plan document stays the app's format.

use sqlx::{Row, SqlitePool};

use super::{count, now_rfc3339};
use crate::StoreError;
use crate::error::ctx;
use crate::types::{PlanFacts, StoredPlan};

pub(crate) async fn get(
    pool: &SqlitePool,
    customer_id: &str,
) -> Result<Option<StoredPlan>, StoreError> {
    const DOING: &str = "reading an account plan";
    let row = sqlx::query(
        "SELECT customer_id, plan, updated_at, updated_by FROM account_plans \
         WHERE customer_id = ?",
    )
    .bind(customer_id)
    .fetch_optional(pool)
    .await
    .map_err(ctx(DOING))?;
    row.map(|r| {
        let plan: String = r.try_get(1)?;
        Ok(StoredPlan {
            customer_id: r.try_get(0)?,
            plan: serde_json::from_str(&plan).unwrap_or(serde_json::Value::Null),
            updated_at: r.try_get(2)?,
            updated_by: r.try_get(3)?,
        })
    })
    .transpose()
    .map_err(ctx(DOING))
}

pub(crate) async fn save(
    pool: &SqlitePool,
    customer_id: &str,
    plan: &serde_json::Value,
    actor: &str,
) -> Result<(), StoreError> {
    const DOING: &str = "saving an account plan";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let known: Option<i64> = sqlx::query_scalar("SELECT key FROM customers WHERE customer_id = ?")
        .bind(customer_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    if known.is_none() {
        return Err(StoreError::UnknownCustomer(customer_id.to_string()));
    }
    sqlx::query(
        "INSERT INTO account_plans (customer_id, plan, updated_at, updated_by) \
         VALUES (?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET \
         plan = excluded.plan, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(customer_id)
    .bind(plan.to_string())
    .bind(now_rfc3339())
    .bind(actor)
    .execute(&mut *tx)
    .await
    .map_err(ctx(DOING))?;
    super::admin::audit(
        &mut tx,
        actor,
        "save_account_plan",
        &format!("customer {customer_id}"),
        plan,
    )
    .await?;
    tx.commit().await.map_err(ctx(DOING))
}

/// Most ids per `facts` query (SQLite's bound-parameter limit is far above).
const FACTS_MAX: usize = 1000;

pub(crate) async fn facts(
    pool: &SqlitePool,
    run: i64,
    customer_ids: &[String],
) -> Result<Vec<PlanFacts>, StoreError> {
    const DOING: &str = "reading key-account plan facts";
    let mut out = Vec::with_capacity(customer_ids.len());
    for chunk in customer_ids.chunks(FACTS_MAX) {
        let values = vec!["(?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "WITH ids (pos, id) AS (VALUES {values}) \
             SELECT ids.id, p.customer_id IS NOT NULL, json_extract(p.plan, '$.next_review'), \
             (SELECT count(*) FROM alerts a \
              WHERE a.customer_id = ids.id AND a.run_id = ? AND a.status = 'open') \
             FROM ids LEFT JOIN account_plans p ON p.customer_id = ids.id ORDER BY ids.pos"
        );
        let mut q = sqlx::query(&sql);
        for (i, id) in chunk.iter().enumerate() {
            q = q.bind(i as i64).bind(id.as_str());
        }
        let rows = q.bind(run).fetch_all(pool).await.map_err(ctx(DOING))?;
        for r in rows {
            let review: Option<String> = r.try_get(2).map_err(ctx(DOING))?;
            let open: i64 = r.try_get(3).map_err(ctx(DOING))?;
            out.push(PlanFacts {
                customer_id: r.try_get(0).map_err(ctx(DOING))?,
                has_plan: r.try_get(1).map_err(ctx(DOING))?,
                next_review: review.filter(|d| !d.is_empty()),
                open_alerts: count(open),
            });
        }
    }
    Ok(out)
}

pub(crate) async fn reviews(
    pool: &SqlitePool,
    run: i64,
    tiers: &[String],
    owner: Option<&str>,
) -> Result<Vec<(String, String)>, StoreError> {
    const DOING: &str = "listing account plan reviews";
    if tiers.is_empty() {
        return Ok(Vec::new());
    }
    let tier_list = vec!["?"; tiers.len()].join(", ");
    let by_owner = if owner.is_some() {
        " AND r.owner = ?"
    } else {
        ""
    };
    // CROSS JOIN keeps the (few) plans as the outer loop: SQLite would otherwise walk the
    // whole tier's index range and probe the plans.
    let sql = format!(
        "SELECT p.customer_id, json_extract(p.plan, '$.next_review') AS review \
         FROM account_plans p CROSS JOIN results r \
         ON r.run_id = ? AND r.customer_id = p.customer_id \
         WHERE review IS NOT NULL AND review <> '' AND r.tier IN ({tier_list}){by_owner} \
         ORDER BY review, p.customer_id"
    );
    let mut q = sqlx::query(&sql).bind(run);
    for t in tiers {
        q = q.bind(t.as_str());
    }
    if let Some(o) = owner {
        q = q.bind(o);
    }
    let rows = q.fetch_all(pool).await.map_err(ctx(DOING))?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(ctx(DOING))
}

pub(crate) async fn open_alert_count(
    pool: &SqlitePool,
    run: i64,
    owner: Option<&str>,
) -> Result<u64, StoreError> {
    const DOING: &str = "counting open alerts";
    // Kept by the run write and a trigger (migrations/0007_alert_counts.sql), not counted.
    let n: i64 = match owner {
        Some(o) => sqlx::query_scalar(
            "SELECT ifnull(sum(n), 0) FROM alert_open_counts WHERE run_id = ? AND owner = ?",
        )
        .bind(run)
        .bind(o),
        None => {
            sqlx::query_scalar("SELECT ifnull(sum(n), 0) FROM alert_open_counts WHERE run_id = ?")
                .bind(run)
        }
    }
    .fetch_one(pool)
    .await
    .map_err(ctx(DOING))?;
    Ok(count(n))
}
