//! Tier overrides: a manager's judgement that wins over the computed tier wherever a tier is
//! shown (the customer page, every list and export, `customer show`), until cleared or until
//! its last day. The one place that decides who may set one and what a valid one is; the
//! store writes it and its audit entry in one transaction.
//!
//! The checks run in a fixed order, whatever the front end: the customer must exist and be
//! the actor's to see (else [`AppError::UnknownCustomer`], so that a sales user cannot probe
//! for other owners' customers), then the role must allow overriding
//! ([`AppError::Forbidden`]), then the values must be usable (tier, reason, last day).

use custval_model::Day;
use custval_store::{Override, Store};

use crate::AppError;
use crate::access::{Actor, Permission};

/// An override to set, as typed by the user.
#[derive(Debug, Clone)]
pub struct NewOverride<'a> {
    pub customer_id: &'a str,
    /// `A`, `B` or `C`, any case.
    pub tier: &'a str,
    pub reason: &'a str,
    /// Last day in force (inclusive); `None` until cleared.
    pub until: Option<Day>,
}

/// Customer `id` exists and `actor` may see it: its result in the latest run, else its
/// master data, decides.
async fn check_customer<S: Store>(store: &S, actor: Actor<'_>, id: &str) -> Result<(), AppError> {
    let unknown = || AppError::UnknownCustomer(id.to_string());
    let run_owner = match store.latest_run().await? {
        Some(run) => store.result(run.id, id).await?.map(|r| r.owner),
        None => None,
    };
    let known = match &run_owner {
        Some(_) => true,
        None => store.customer(id).await?.is_some(),
    };
    if !known
        || !actor
            .may_see(store, id, run_owner.flatten().as_deref())
            .await?
    {
        return Err(unknown());
    }
    Ok(())
}

/// Sets (or replaces) customer `o.customer_id`'s override; `today` bounds `until`. Returns
/// the override as stored.
pub async fn set<S: Store>(
    store: &S,
    actor: Actor<'_>,
    o: &NewOverride<'_>,
    today: Day,
) -> Result<Override, AppError> {
    check_customer(store, actor, o.customer_id).await?;
    actor.require(Permission::Override)?;
    let tier = crate::filters::tier(o.tier)?;
    let reason = o.reason.trim();
    if reason.is_empty() {
        return Err(AppError::BadInput {
            what: "reason",
            message: "an override needs a reason".into(),
        });
    }
    if let Some(u) = o.until
        && u < today
    {
        return Err(AppError::BadInput {
            what: "until",
            message: format!(
                "the last day {} is in the past",
                custval_eval::format_day(u)
            ),
        });
    }
    store
        .set_override(o.customer_id, &tier, reason, actor.name(), o.until)
        .await?;
    // Read back: what is in force is what the store kept (its creation time included).
    store
        .active_override(o.customer_id, today)
        .await?
        .ok_or_else(|| AppError::UnknownCustomer(o.customer_id.to_string()))
}

/// Clears customer `id`'s override; false when there was none.
pub async fn clear<S: Store>(store: &S, actor: Actor<'_>, id: &str) -> Result<bool, AppError> {
    check_customer(store, actor, id).await?;
    actor.require(Permission::Override)?;
    Ok(store.clear_override(id, actor.name()).await?)
}
