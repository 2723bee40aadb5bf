//! Near-real-time updates: after an import, the customers it touched are rescored with the
//! latest run's frozen parameters, stored as a provisional state beside the run, and shown
//! marked as such until the next full run supersedes them.
//!
//! Why frozen parameters: cut points, weights, normalization anchors, the CLV fit and the peer
//! groups describe the whole customer base; a few thousand customers cannot refit them (see
//! `custval_eval::rescore`). So an update costs what those customers' data cost to load and
//! score — seconds — and a provisional result equals what a full rescoring with the run's
//! parameters would say of that customer.
//!
//! The provisional as-of date is the latest order day of the import, or the run's date when
//! the import holds nothing later: a date taken from the data (not the clock) keeps an update
//! reproducible and keeps recency from growing over days nobody has data for, and every
//! customer of one import is scored as of the same day. Hysteresis compares with the tiers the
//! run itself compared with (its previous run), since a provisional result is the run's result
//! redone on fresher data. Alerts compare each provisional result with the run's result of the
//! same customer, drop those the run already raised (same customer and rule), and are kept as
//! provisional alerts; the upgrade-candidate rule is left out, its cutoff being a quantile of
//! the whole base.
//!
//! Updates and evaluations may overlap (issue 18). An update stores its results only while its
//! run is still the latest (the store checks inside the write), else it rescores against the
//! new run. An evaluation notes the newest order line before loading its data
//! ([`custval_store::Store::order_mark`]) and, once its run is stored, rescores the customers
//! of the lines imported since ([`keep_since`]): their orders are not in the run, and the
//! updates their imports made against the previous run stopped counting when the run was
//! stored.

use std::collections::BTreeMap;
use std::time::Instant;

use custval_model::{CustomerResult, Day, RunId, RunInfo};
use custval_store::{ProvisionalAlert, ProvisionalResult, Store};
use serde::Serialize;

use crate::AppError;

/// What one update did: the `provisional` object of `import --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateOut {
    /// The run whose parameters scored the customers.
    pub based_on_run: RunId,
    pub as_of: String,
    /// Customers rescored.
    pub customers: u64,
    /// Of them, customers whose tier changed against the run.
    pub tier_changes: u64,
    /// Alerts raised (after dropping those the run already raised).
    pub alerts: u64,
    pub alerts_by_severity: BTreeMap<String, u64>,
    pub seconds: f64,
}

/// How a shown customer is marked provisional.
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    pub based_on_run: RunId,
    /// The run's own as-of date.
    pub run_as_of: String,
    /// The date the provisional figures are as of.
    pub as_of: String,
    pub updated_at: String,
    /// What the run itself said.
    pub run_tier: String,
    pub run_score: f64,
    pub note: String,
    pub note_zh: String,
    /// Alerts the update raised for this customer (JSON bodies).
    pub alerts: Vec<serde_json::Value>,
}

/// How often an update rescores against a run stored while it was computing before giving
/// up: each retry needs another evaluation to finish within one update, so two is plenty.
const ATTEMPTS: usize = 3;

/// Rescores `customer_ids` (the customers an import touched) with the latest run's
/// parameters as of `max(run date, latest_day)` and stores the provisional results and
/// alerts. `None` when the store has no run yet (nothing to be provisional against).
///
/// When an evaluation stores a newer run while the update computes, the store refuses the
/// results (they would replace the new run's provisional rows with figures of the old run)
/// and the update starts again against the new run.
pub async fn update<S: Store>(
    store: &S,
    customer_ids: &[String],
    latest_day: Option<Day>,
) -> Result<Option<UpdateOut>, AppError> {
    let start = Instant::now();
    for _ in 0..ATTEMPTS {
        let Some(run) = store.latest_run().await? else {
            return Ok(None);
        };
        if let Some(out) = update_against(store, &run, customer_ids, latest_day, start).await? {
            return Ok(Some(out));
        }
    }
    Err(AppError::Dynamics(format!(
        "provisional update: newer runs were stored {ATTEMPTS} times while it ran; \
         the next import or evaluation updates these customers"
    )))
}

/// Keeps the provisional state of the orders imported after `mark` (see
/// [`Store::order_mark`]): an evaluation takes the mark before loading its data and calls this
/// once its run is stored. An import that committed after the load is not in the run, and its
/// provisional update (scored against the previous run) stopped counting when the run was
/// stored; so its customers are rescored against the new run (issue 18). `None` when no order
/// came in meanwhile, or when `run` is not the latest run (a backfill: the latest run's
/// provisional rows still count).
pub async fn keep_since<S: Store>(
    store: &S,
    run: RunId,
    mark: i64,
) -> Result<Option<UpdateOut>, AppError> {
    let (ids, latest_day) = store.ordering_since(mark).await?;
    if ids.is_empty() || store.latest_run().await?.is_none_or(|l| l.id != run) {
        return Ok(None);
    }
    update(store, &ids, latest_day).await
}

/// One attempt of [`update`] against `run`; `None` when a newer run was stored meanwhile.
async fn update_against<S: Store>(
    store: &S,
    run: &RunInfo,
    customer_ids: &[String],
    latest_day: Option<Day>,
    start: Instant,
) -> Result<Option<UpdateOut>, AppError> {
    let summary = crate::summary(run)?;
    let (plan, _) = custval_eval::from_config::plan(&run.config)
        .map_err(|e| AppError::Dynamics(format!("run {}: its configuration: {e}", run.id)))?;
    let as_of = latest_day.map_or(run.as_of, |d| d.max(run.as_of));
    let data = store.load_dataset_for(customer_ids, as_of).await?;
    let ids: Vec<String> = data.customers.iter().map(|c| c.id.clone()).collect();
    let previous = match store.previous_run(run.as_of).await? {
        Some(p) => Some(crate::dynamics::previous_tiers(
            &store.snapshot_of(p.id, &ids).await?,
        )),
        None => None,
    };
    let results = custval_eval::rescore::rescore(&data, as_of, &plan, &summary, previous.as_ref())?;
    drop(data);
    let base = store.snapshot_of(run.id, &ids).await?;
    // Judged by the run's materiality cutoffs: a few customers' own quantiles mean nothing.
    let material = crate::dynamics::run_materiality(store, run.id, &plan.alerts).await?;
    let raised =
        crate::dynamics::alerts_with_cutoff(&plan.alerts, &results, &base, None, material)?;
    let alerts = crate::dynamics::new_since(store, run.id, raised).await?;
    let run_tier: BTreeMap<&str, &str> = base
        .iter()
        .map(|r| (r.customer_id.as_str(), r.tier.as_str()))
        .collect();
    let tier_changes = results
        .iter()
        .filter(|r| {
            run_tier
                .get(r.customer_id.as_str())
                .is_some_and(|t| *t != r.tier)
        })
        .count() as u64;
    if !store
        .save_provisional(run.id, as_of, &results, &alerts)
        .await?
    {
        return Ok(None);
    }
    let mut by_severity = BTreeMap::new();
    for a in &alerts {
        *by_severity.entry(a.severity.clone()).or_insert(0) += 1;
    }
    Ok(Some(UpdateOut {
        based_on_run: run.id,
        as_of: custval_eval::format_day(as_of),
        customers: results.len() as u64,
        tier_changes,
        alerts: alerts.len() as u64,
        alerts_by_severity: by_severity,
        seconds: start.elapsed().as_secs_f64(),
    }))
}

/// True when `run` is the latest run: only then do provisional results based on it count.
pub(crate) async fn is_latest<S: Store>(store: &S, run: &RunInfo) -> Result<bool, AppError> {
    Ok(store.latest_run().await?.is_some_and(|l| l.id == run.id))
}

/// A customer's provisional result and alerts based on `run`, when `run` is the latest run.
pub async fn of_customer<S: Store>(
    store: &S,
    run: &RunInfo,
    customer_id: &str,
) -> Result<Option<(ProvisionalResult, Vec<ProvisionalAlert>)>, AppError> {
    if !is_latest(store, run).await? {
        return Ok(None);
    }
    let Some(p) = store
        .provisional(run.id, &[customer_id.to_string()])
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let alerts = store.provisional_alerts(run.id, Some(customer_id)).await?;
    Ok(Some((p, alerts)))
}

/// Provisional results based on `run` of some customers (a page of a list), by customer id;
/// empty unless `run` is the latest run.
pub async fn of_customers<S: Store>(
    store: &S,
    run: &RunInfo,
    customer_ids: &[String],
) -> Result<BTreeMap<String, ProvisionalResult>, AppError> {
    if customer_ids.is_empty() || !is_latest(store, run).await? {
        return Ok(BTreeMap::new());
    }
    Ok(store
        .provisional(run.id, customer_ids)
        .await?
        .into_iter()
        .map(|p| (p.result.customer_id.clone(), p))
        .collect())
}

/// The mark of a provisional result `p` of `run`, whose own result was `stored`.
pub fn mark(
    run: &RunInfo,
    p: &ProvisionalResult,
    stored: &CustomerResult,
    alerts: Vec<ProvisionalAlert>,
) -> Mark {
    let (as_of, run_as_of) = (
        custval_eval::format_day(p.as_of),
        custval_eval::format_day(run.as_of),
    );
    Mark {
        based_on_run: run.id,
        note: format!(
            "PROVISIONAL as of {as_of}: rescored after new data with the parameters of run {} \
             (as of {run_as_of}); the next full evaluation replaces it. The run said tier {}, \
             score {:.1}.",
            run.id, stored.tier, stored.score
        ),
        note_zh: format!(
            "临时结果（截至 {as_of}）：导入新数据后按第 {} 次评估（截至 {run_as_of}）的参数重新计算；\
             下次完整评估将取代它。该次评估的结论为 {} 级，得分 {:.1}。",
            run.id, stored.tier, stored.score
        ),
        run_as_of,
        as_of,
        updated_at: p.created_at.clone(),
        run_tier: stored.tier.clone(),
        run_score: stored.score,
        alerts: alerts
            .iter()
            .filter_map(|a| serde_json::from_str(&a.body).ok())
            .collect(),
    }
}
