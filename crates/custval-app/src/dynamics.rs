//! Dynamic management over the store: what a run compares with the previous run (hysteresis,
//! alerts), migration matrices between two runs, and the alert lists users work through.
//!
//! The rules and matrices are `custval-dynamics`'; this module only turns stored results into
//! its plain inputs and its outputs into what the store keeps and the front ends show. Runs are
//! compared through [`Store::snapshot`], a narrow scan without the per-customer explanations.

use std::collections::BTreeMap;

use custval_dynamics::{
    Alert, AlertConfig, AlertContext, CustomerFacts, Migration, TierEntry, ValueClass,
    alerts_for_run, cell_members, migration_matrix, upgrade_cutoff,
};
use custval_eval::hysteresis::PreviousTiers;
use custval_model::{CustomerResult, RunId};
use custval_store::{AlertQuery, NewAlert, Store, StoredAlert};
use serde::Serialize;

use crate::AppError;

/// Tier labels, best first.
pub const TIERS: [&str; 3] = ["A", "B", "C"];

fn value_class(id: &str) -> Option<ValueClass> {
    match id {
        "most_valuable" => Some(ValueClass::MostValuable),
        "secondary" => Some(ValueClass::Secondary),
        "maintain" => Some(ValueClass::Maintain),
        "negative_value" => Some(ValueClass::NegativeValue),
        _ => None,
    }
}

/// What the alert rules read of one stored result. Satisfaction is the CSAT average (1–5):
/// NPS is on another scale and is not mixed in.
pub fn facts(r: &CustomerResult) -> CustomerFacts {
    CustomerFacts {
        customer_id: r.customer_id.clone(),
        tier: Some(r.tier.clone()),
        value_class: value_class(&r.value_class),
        score: Some(r.score),
        potential_score: Some(r.potential_score),
        p_alive: r.p_alive,
        spend_12m: r.spend_12m,
        spend_prev_12m: r.signals.spend_prev_12m,
        avg_payment_delay_days: r.signals.payment_delay,
        satisfaction: r.signals.csat,
    }
}

/// The previous run's tiers and streaks, for hysteresis.
pub fn previous_tiers(previous: &[CustomerResult]) -> PreviousTiers {
    previous
        .iter()
        .map(|r| (r.customer_id.clone(), (r.tier.clone(), r.tier_streak)))
        .collect()
}

fn dynamics_error(e: custval_dynamics::DynamicsError) -> AppError {
    AppError::Dynamics(e.to_string())
}

/// The alerts a run raises against the previous run's results, ready to store.
pub fn run_alerts(
    cfg: &AlertConfig,
    current: &[CustomerResult],
    previous: &[CustomerResult],
) -> Result<Vec<NewAlert>, AppError> {
    let cur: Vec<CustomerFacts> = current.iter().map(facts).collect();
    let prev: Vec<CustomerFacts> = previous.iter().map(facts).collect();
    let mut ctx = AlertContext::new(&TIERS);
    ctx.upgrade_cutoff = upgrade_cutoff(&cfg.upgrade_candidate, &cur);
    let owners: BTreeMap<&str, Option<&str>> = current
        .iter()
        .map(|r| (r.customer_id.as_str(), r.owner.as_deref()))
        .collect();
    let alerts = alerts_for_run(cfg, &ctx, &cur, &prev).map_err(dynamics_error)?;
    alerts
        .into_iter()
        .map(|a| {
            let body =
                serde_json::to_string(&a).map_err(|e| AppError::Encode { run: 0, source: e })?;
            Ok(NewAlert {
                owner: owners
                    .get(a.customer_id.as_str())
                    .copied()
                    .flatten()
                    .map(str::to_string),
                customer_id: a.customer_id,
                rule: a.rule.id().to_string(),
                severity: a.severity.id().to_string(),
                body,
            })
        })
        .collect()
}

/// Drops the alerts whose customer and rule already alerted in the previous run: a condition
/// that persists (spend still down, still paying late) is one alert, kept open until someone
/// acknowledges it, not one more alert per run.
pub async fn new_since<S: Store>(
    store: &S,
    previous: RunId,
    raised: Vec<NewAlert>,
) -> Result<Vec<NewAlert>, AppError> {
    let before = store
        .alerts(&AlertQuery {
            run: Some(previous),
            ..AlertQuery::default()
        })
        .await?;
    let seen: std::collections::HashSet<(String, String)> = before
        .into_iter()
        .map(|a| (a.customer_id, a.rule))
        .collect();
    Ok(raised
        .into_iter()
        .filter(|a| !seen.contains(&(a.customer_id.clone(), a.rule.clone())))
        .collect())
}

/// `migrations --format json`: the contract's object plus the matrix's own figures.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationReport {
    pub from: RunId,
    pub to: RunId,
    pub from_as_of: String,
    pub to_as_of: String,
    /// The tiers, best first (rows and columns also have `none`, last).
    pub tiers: Vec<String>,
    /// Row and column labels: the tiers, then `none`.
    pub labels: Vec<String>,
    /// Rows: tier in `from`; columns: tier in `to`.
    pub matrix: Vec<Vec<u64>>,
    pub value_share: Vec<Vec<f64>>,
    /// What value shares measure.
    pub value_basis: String,
    pub stayed: u64,
    pub upgraded: u64,
    pub downgraded: u64,
    pub entered: u64,
    pub left: u64,
    pub explain: String,
    pub explain_zh: String,
}

fn entries(rows: &[CustomerResult]) -> Vec<TierEntry<'_>> {
    rows.iter()
        .map(|r| TierEntry::new(&r.customer_id, &r.tier, r.spend_12m.unwrap_or(0.0)))
        .collect()
}

/// The migration matrix between two stored runs (value share: 12-month spend).
pub async fn migrations<S: Store>(
    store: &S,
    from: RunId,
    to: RunId,
) -> Result<MigrationReport, AppError> {
    let (from_run, to_run) = (store.run(from).await?, store.run(to).await?);
    let a = store.snapshot(from).await?;
    let b = store.snapshot(to).await?;
    let m: Migration =
        migration_matrix(&TIERS, &entries(&a), &entries(&b)).map_err(dynamics_error)?;
    use custval_dynamics::Explain;
    Ok(MigrationReport {
        from,
        to,
        from_as_of: custval_eval::format_day(from_run.as_of),
        to_as_of: custval_eval::format_day(to_run.as_of),
        tiers: TIERS.iter().map(|t| t.to_string()).collect(),
        labels: m.tiers.clone(),
        explain: m.explain_en(),
        explain_zh: m.explain_zh(),
        matrix: m.matrix,
        value_share: m.value_share,
        value_basis: "spend_12m".into(),
        stayed: m.stayed,
        upgraded: m.upgraded,
        downgraded: m.downgraded,
        entered: m.entered,
        left: m.left,
    })
}

/// The customers behind one cell of the migration matrix (`none` for "not in that run").
pub async fn migration_cell<S: Store>(
    store: &S,
    from: RunId,
    to: RunId,
    from_tier: &str,
    to_tier: &str,
) -> Result<Vec<String>, AppError> {
    let a = store.snapshot(from).await?;
    let b = store.snapshot(to).await?;
    cell_members(&TIERS, &entries(&a), &entries(&b), from_tier, to_tier).map_err(dynamics_error)
}

/// An alert as `alerts --format json` prints it: the contract's fields first.
#[derive(Debug, Clone, Serialize)]
pub struct AlertOut {
    pub id: i64,
    pub run: RunId,
    pub customer_id: String,
    pub rule: String,
    pub severity: String,
    pub evidence: serde_json::Value,
    pub action: String,
    pub action_zh: String,
    pub explain: String,
    pub explain_zh: String,
    pub key_account: bool,
    pub owner: Option<String>,
    pub status: String,
    pub assignee: Option<String>,
    pub acknowledged_by: Option<String>,
}

impl From<StoredAlert> for AlertOut {
    fn from(a: StoredAlert) -> AlertOut {
        let body: Option<Alert> = serde_json::from_value(a.body.clone()).ok();
        let text = |f: fn(&Alert) -> &String| body.as_ref().map(f).cloned().unwrap_or_default();
        AlertOut {
            id: a.id,
            run: a.run,
            evidence: a.body.get("evidence").cloned().unwrap_or_default(),
            action: text(|b| &b.action_en),
            action_zh: text(|b| &b.action_zh),
            explain: text(|b| &b.explain_en),
            explain_zh: text(|b| &b.explain_zh),
            key_account: body.as_ref().is_some_and(|b| b.key_account),
            customer_id: a.customer_id,
            rule: a.rule,
            severity: a.severity,
            owner: a.owner,
            status: a.status,
            assignee: a.assignee,
            acknowledged_by: a.acknowledged_by,
        }
    }
}

/// Alerts of a run (the latest when `query.run` is `None`).
pub async fn alerts<S: Store>(store: &S, query: &AlertQuery) -> Result<Vec<AlertOut>, AppError> {
    let mut q = query.clone();
    if q.run.is_none() {
        q.run = Some(crate::pick_run(store, None).await?.id);
    }
    Ok(store
        .alerts(&q)
        .await?
        .into_iter()
        .map(AlertOut::from)
        .collect())
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" => 2,
        "warning" => 1,
        _ => 0,
    }
}

/// What a webhook delivery did.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub url: String,
    pub sent: usize,
    pub status: u16,
}

/// Posts a run's alerts at or above `min_severity` to `url` as one JSON document
/// `{"run", "as_of", "alerts": [...]}` and records them as delivered when the endpoint answers
/// 2xx.
pub async fn deliver<S: Store>(
    store: &S,
    run: RunId,
    url: &str,
    min_severity: &str,
) -> Result<Delivery, AppError> {
    let info = store.run(run).await?;
    let all = alerts(
        store,
        &AlertQuery {
            run: Some(run),
            ..AlertQuery::default()
        },
    )
    .await?;
    let floor = severity_rank(min_severity);
    let chosen: Vec<AlertOut> = all
        .into_iter()
        .filter(|a| severity_rank(&a.severity) >= floor)
        .collect();
    let doc = serde_json::json!({
        "run": run,
        "as_of": custval_eval::format_day(info.as_of),
        "alerts": chosen,
    });
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| AppError::Webhook {
            url: url.to_string(),
            message: e.to_string(),
        })?;
    let resp = client
        .post(url)
        .json(&doc)
        .send()
        .await
        .map_err(|e| AppError::Webhook {
            url: url.to_string(),
            message: e.to_string(),
        })?;
    let status = resp.status();
    if !status.is_success() {
        return Err(AppError::Webhook {
            url: url.to_string(),
            message: format!("the endpoint answered {status}"),
        });
    }
    let ids: Vec<i64> = chosen.iter().map(|a| a.id).collect();
    store.mark_alerts_delivered(&ids).await?;
    Ok(Delivery {
        url: url.to_string(),
        sent: ids.len(),
        status: status.as_u16(),
    })
}

/// `backtest --format json`: how well each ranking at `as_of` orders the value realized in
/// the following `horizon_days`.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestReport {
    pub as_of: String,
    pub horizon_days: i32,
    /// Customers known at the as-of date (the ones ranked).
    pub customers: usize,
    /// Net spend of those customers in the horizon.
    pub realized_total: f64,
    pub methods: BTreeMap<String, custval_dynamics::RankQuality>,
    /// The method with the highest Gini.
    pub best: Option<String>,
    pub explain: String,
    pub explain_zh: String,
}

/// Evaluates the store's data as of `as_of` with `plan` (nothing is stored) and measures how
/// well the score, the RFM score, the CLV and any `extra` rankings (name, score per customer
/// id) order each customer's net spend in `(as_of, as_of + horizon_days]`. Only customers known
/// at `as_of` are ranked; customers missing from an extra ranking rank last.
pub async fn backtest<S: Store>(
    store: &S,
    as_of: custval_model::Day,
    horizon_days: i32,
    plan: &custval_eval::plan::Plan,
    extra: &[(String, std::collections::HashMap<String, f64>)],
) -> Result<BacktestReport, AppError> {
    let data = store.load_dataset(as_of).await?;
    let eval = custval_eval::evaluate(&data, as_of, plan)?;
    drop(data);
    let end = as_of + horizon_days;
    let later = store.load_dataset(end).await?;
    let mut realized_by_id: std::collections::HashMap<&str, f64> =
        std::collections::HashMap::with_capacity(later.customers.len());
    for t in &later.tx {
        if t.day > as_of && t.day <= end {
            let id = later.customers[t.cust as usize].id.as_str();
            *realized_by_id.entry(id).or_insert(0.0) += t.amount;
        }
    }
    let realized: Vec<f64> = eval
        .results
        .iter()
        .map(|r| {
            realized_by_id
                .get(r.customer_id.as_str())
                .copied()
                .unwrap_or(0.0)
        })
        .collect();
    let nan = f64::NAN;
    let score: Vec<f64> = eval.results.iter().map(|r| r.score).collect();
    let clv: Vec<f64> = eval.results.iter().map(|r| r.clv.unwrap_or(nan)).collect();
    let mut methods: Vec<(String, Vec<f64>)> = vec![
        ("score".into(), score),
        ("rfm".into(), eval.rfm_score.clone()),
        ("clv".into(), clv),
    ];
    for (name, by_id) in extra {
        let v = eval
            .results
            .iter()
            .map(|r| by_id.get(&r.customer_id).copied().unwrap_or(nan))
            .collect();
        methods.push((name.clone(), v));
    }
    let refs: Vec<(&str, &[f64])> = methods
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let cmp = custval_dynamics::compare_rankings(&refs, &realized).map_err(dynamics_error)?;
    use custval_dynamics::Explain;
    Ok(BacktestReport {
        as_of: custval_eval::format_day(as_of),
        horizon_days,
        customers: realized.len(),
        realized_total: realized.iter().sum(),
        explain: cmp.explain_en(),
        explain_zh: cmp.explain_zh(),
        best: cmp.best.clone(),
        methods: cmp
            .methods
            .into_iter()
            .map(|m| (m.method, m.quality))
            .collect(),
    })
}
