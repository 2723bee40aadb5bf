//! Account plans: one JSON document per customer (the store does not read it), replaced whole
//! on every save, each save audited with its author so that a plan's history is in the log.

use sqlx::{Row, SqlitePool};

use super::now_rfc3339;
use crate::StoreError;
use crate::error::ctx;
use crate::types::StoredPlan;

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
