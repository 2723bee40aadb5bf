//! Dynamic management over the store: what a run compares with the previous run (hysteresis,
//! alerts), migration matrices between two runs, and the alert lists users work through.
//!
//! The rules and matrices are `custval-dynamics`'; this module only turns stored results into
//! its plain inputs and its outputs into what the store keeps and the front ends show. Runs are
//! compared through [`Store::snapshot`], a narrow scan without the per-customer explanations.

use std::collections::BTreeMap;

use custval_dynamics::alerts::materiality_of_values;
use custval_dynamics::{
    AlertConfig, AlertContext, CustomerFacts, Materiality, Migration, TierEntry, ValueClass,
    alerts_for_customer, cell_members, customer_value, migration_matrix, upgrade_cutoff_of,
};
use custval_eval::hysteresis::PreviousTiers;
use custval_model::{CustomerResult, RunId, TIERS};
use custval_store::{AlertQuery, NewAlert, Store, StoredAlert};
use serde::Serialize;

use crate::AppError;
use crate::by_id::ById;
use custval_i18n::Lang::{self, En, Zh};
use custval_i18n::{Kind, format, name, text};

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
        name: r.name.clone(),
        tier: Some(r.tier.clone()),
        value_class: value_class(&r.value_class),
        score: Some(r.score),
        potential_score: Some(r.potential_score),
        p_alive: r.p_alive,
        spend_12m: r.spend_12m,
        spend_prev_12m: r.signals.spend_prev_12m,
        avg_payment_delay_days: r.signals.payment_delay,
        satisfaction: r.signals.csat,
        clv: r.clv,
        lifecycle: Some(r.lifecycle.clone()),
    }
}

/// The previous run's tiers and streaks, for hysteresis.
pub fn previous_tiers(previous: &[CustomerResult]) -> PreviousTiers {
    previous
        .iter()
        .map(|r| (r.customer_id.clone(), (r.tier.clone(), r.tier_streak)))
        .collect()
}

/// [`previous_tiers`] of a stored run, read one row at a time (a million whole results are
/// never in memory for it).
pub async fn read_previous_tiers<S: Store>(
    store: &S,
    id: RunId,
) -> Result<PreviousTiers, AppError> {
    let mut tiers = PreviousTiers::new();
    store
        .snapshot_each(id, |r| {
            tiers.insert(r.customer_id, (r.tier, r.tier_streak));
        })
        .await?;
    Ok(tiers)
}

/// The materiality cutoffs of a stored run (what its own alerts were judged by), read one row
/// at a time; a provisional update judges its few customers by them.
pub async fn run_materiality<S: Store>(
    store: &S,
    id: RunId,
    cfg: &AlertConfig,
) -> Result<Option<Materiality>, AppError> {
    let mut values = Vec::new();
    store
        .snapshot_each(id, |r| {
            if let Some(v) = customer_value(&facts(&r), None) {
                values.push(v);
            }
        })
        .await?;
    Ok(custval_dynamics::alerts::materiality_of_values(
        &cfg.materiality,
        &values,
    ))
}

fn dynamics_error(e: custval_dynamics::DynamicsError) -> AppError {
    AppError::Dynamics(e.to_string())
}

/// The previous run as the alert rules read it: each customer's facts and risk level, and
/// nothing else of its results. A run compares with a million of these while it holds its own
/// results; the whole previous `CustomerResult`s (about 0.9 GB at a million customers, names,
/// classes and all) were what pushed an evaluation with a previous run past 4 GiB.
#[derive(Debug, Default)]
pub struct PreviousRun {
    facts: Vec<CustomerFacts>,
    risk: Vec<Option<Box<str>>>,
}

impl PreviousRun {
    /// Adds one result of the previous run.
    pub fn push(&mut self, r: &CustomerResult) {
        let mut f = facts(r);
        // Alerts carry the current run's name; a million previous names are not kept.
        f.name = None;
        self.facts.push(f);
        self.risk.push(r.risk.as_deref().map(Box::from));
    }

    /// The previous run from its results.
    pub fn from_results(rows: &[CustomerResult]) -> PreviousRun {
        let mut p = PreviousRun::default();
        for r in rows {
            p.push(r);
        }
        p
    }

    /// Reads the run `id` from the store, one row at a time.
    pub async fn read<S: Store>(store: &S, id: RunId) -> Result<PreviousRun, AppError> {
        let mut p = PreviousRun::default();
        store.snapshot_each(id, |r| p.push(&r)).await?;
        Ok(p)
    }
}

/// The alerts a run raises against the previous run, ready to store. `detail(i)` is the JSON
/// detail of `current[i]` (a run's results leave the engine without it), read only for the
/// few customers whose alert quotes their risk evidence.
pub fn run_alerts(
    cfg: &AlertConfig,
    current: &[CustomerResult],
    detail: &(dyn Fn(usize) -> String + Sync),
    previous: &PreviousRun,
) -> Result<Vec<NewAlert>, AppError> {
    // The run-level cutoffs from the two or three figures they read, customer by customer:
    // a million whole `CustomerFacts` at once (~0.3 GB) were the alert step's largest
    // allocation beside the results (issue 19). Same values as `upgrade_cutoff` and
    // `materiality` over the facts.
    let cutoff = upgrade_cutoff_of(
        &cfg.upgrade_candidate,
        current
            .iter()
            .map(|r| (Some(r.tier.as_str()), Some(r.potential_score))),
    );
    let values: Vec<f64> = current
        .iter()
        .filter_map(|r| customer_value(&facts(r), None))
        .collect();
    let material = materiality_of_values(&cfg.materiality, &values);
    drop(values);
    alerts_for_facts(cfg, current, detail, previous, cutoff, material)
}

/// [`run_alerts`] with a given upgrade-candidate cutoff (`None`: that rule does not fire) and
/// materiality cutoffs (those of the base run: a few customers' own quantiles would mean
/// nothing), for comparisons over a few customers; their results carry their details.
pub fn alerts_with_cutoff(
    cfg: &AlertConfig,
    current: &[CustomerResult],
    previous: &[CustomerResult],
    cutoff: Option<f64>,
    material: Option<Materiality>,
) -> Result<Vec<NewAlert>, AppError> {
    let detail = |i: usize| current[i].detail.clone();
    let previous = PreviousRun::from_results(previous);
    alerts_for_facts(cfg, current, &detail, &previous, cutoff, material)
}

/// The rules customer by customer, each alert turned into what the store keeps as soon as it
/// is raised: a month between two synthetic runs of a million customers raised 750k alerts,
/// and holding them all as rule outputs (texts in two languages, evidence) beside their
/// stored form was the largest allocation of the evaluation. The order is
/// `alerts_for_run`'s: severity (critical first), money at stake, customer id, rule.
fn alerts_for_facts(
    cfg: &AlertConfig,
    current: &[CustomerResult],
    detail: &(dyn Fn(usize) -> String + Sync),
    previous: &PreviousRun,
    cutoff: Option<f64>,
    material: Option<Materiality>,
) -> Result<Vec<NewAlert>, AppError> {
    cfg.validate().map_err(dynamics_error)?;
    let mut ctx = AlertContext::new(&TIERS);
    ctx.currency = custval_i18n::currency().prefix();
    ctx.upgrade_cutoff = cutoff;
    ctx.materiality = material;
    // One index of the previous run by customer id serves the rules and the risk alert.
    let before = ById::new(&previous.facts)?;
    let mut raised = Vec::new();
    // Bodies are written into one reused buffer and copied out at their exact length:
    // `serde_json::to_string` grows by doubling, so a ~520-byte body sat in a 1 KiB block
    // (0.37 GB of 747k alerts' memory was that slack).
    let mut buf = Vec::with_capacity(4096);
    for r in current {
        let now = facts(r);
        let was = before
            .get(now.customer_id.as_str())
            .map(|i| &previous.facts[i]);
        for a in alerts_for_customer(cfg, &ctx, &now, was) {
            buf.clear();
            serde_json::to_writer(&mut buf, &a)
                .map_err(|e| AppError::Encode { run: 0, source: e })?;
            // serde_json writes UTF-8 only; the check is the cheap way to say so without unsafe.
            let body = String::from_utf8(buf.clone()).map_err(|e| AppError::Encode {
                run: 0,
                source: serde::ser::Error::custom(e),
            })?;
            let alert = NewAlert {
                customer_id: a.customer_id,
                owner: r.owner.clone(),
                rule: a.rule.id().to_string(),
                severity: a.severity.id().to_string(),
                body,
            };
            raised.push((a.severity, a.at_stake, a.rule, alert));
        }
    }
    raised.sort_by(|(sa, ka, ra, a), (sb, kb, rb, b)| {
        custval_dynamics::alerts::rank(
            (*sa, *ka, a.customer_id.as_str(), *ra),
            (*sb, *kb, b.customer_id.as_str(), *rb),
        )
    });
    let mut out: Vec<NewAlert> = raised.into_iter().map(|(_, _, _, a)| a).collect();
    out.extend(risky_key_accounts(
        current,
        detail,
        previous,
        &before,
        material.as_ref(),
    ));
    // The list grew by doubling (and was collected in place from the wider ranked tuples): a
    // few tens of MB of slack at a million customers, held until the run write frees it.
    out.shrink_to_fit();
    Ok(out)
}

fn risky(level: Option<&str>) -> bool {
    matches!(level, Some("medium" | "high"))
}

/// A key account (tier A or most valuable) whose risk level became medium or high since the
/// previous run (风险客户): one alert with the risk rules that fired as evidence.
fn risky_key_accounts(
    current: &[CustomerResult],
    detail: &(dyn Fn(usize) -> String + Sync),
    previous: &PreviousRun,
    index: &ById,
    material: Option<&Materiality>,
) -> Vec<NewAlert> {
    let mut out = Vec::new();
    for (i, r) in current.iter().enumerate() {
        let key = r.tier == TIERS[0] || r.value_class == "most_valuable";
        if !key || !risky(r.risk.as_deref()) {
            continue;
        }
        // Only customers of the previous run: `was` is their risk level then.
        let Some(was) = index
            .get(r.customer_id.as_str())
            .map(|i| previous.risk[i].as_deref())
        else {
            continue;
        };
        if risky(was) {
            continue;
        }
        // The same materiality as the rules of custval-dynamics: a key account is usually
        // material, but the gate is the base's, not the tier's.
        let now = facts(r);
        let value = customer_value(
            &now,
            index
                .get(r.customer_id.as_str())
                .map(|i| &previous.facts[i]),
        );
        if material.is_some_and(|m| value.is_none_or(|v| v < m.min_value)) {
            continue;
        }
        let at_stake = r
            .spend_12m
            .filter(|s| s.is_finite())
            .unwrap_or(0.0)
            .max(0.0);
        let critical = r.risk.as_deref() == Some("high")
            && material.is_none_or(|m| at_stake >= m.critical_at_stake);
        let severity = if critical { "critical" } else { "warning" };
        let level = r.risk.clone().unwrap_or_default();
        let detail: Option<custval_eval::classes::Detail> = serde_json::from_str(&detail(i)).ok();
        let evidence = detail
            .and_then(|d| d.risk)
            .map(|a| a.evidence)
            .unwrap_or_default();
        let why_en: Vec<String> = evidence.iter().map(|e| e.explain_en.clone()).collect();
        let why_zh: Vec<String> = evidence.iter().map(|e| e.explain_zh.clone()).collect();
        let mut ev = serde_json::Map::new();
        ev.insert("risk".into(), level.clone().into());
        ev.insert("previous".into(), was.unwrap_or("none").into());
        for e in &evidence {
            ev.insert(format!("{:?}", e.rule).to_lowercase(), e.value.into());
        }
        ev.insert("at_stake".into(), at_stake.into());
        ev.insert("at_stake_basis".into(), "spend_12m".into());
        if let Some(m) = material {
            ev.insert("critical_at_stake".into(), m.critical_at_stake.into());
        }
        let money = format!(
            "{}{}",
            custval_i18n::currency().prefix(),
            custval_export::grouped(at_stake, 2)
        );
        let body = serde_json::json!({
            "customer_id": r.customer_id,
            "name": r.name,
            "rule": "key_account_risky",
            "severity": severity,
            "key_account": true,
            "at_stake": at_stake,
            "evidence": ev,
            "action_en": text(En, "explain-risky-key-account-action"),
            "action_zh": text(Zh, "explain-risky-key-account-action"),
            "explain_en": risky_text(En, &level, &why_en, &money),
            "explain_zh": risky_text(Zh, name(Zh, Kind::Risk, &level), &why_zh, &money),
        });
        out.push(NewAlert {
            customer_id: r.customer_id.clone(),
            owner: r.owner.clone(),
            rule: "key_account_risky".into(),
            severity: severity.into(),
            body: body.to_string(),
        });
    }
    out
}

/// The sentence of a key-account risk alert: `level` as the language names it, the risk
/// rules that fired, the money at stake (with its currency).
fn risky_text(lang: Lang, level: &str, why: &[String], money: &str) -> String {
    let why = why.join(text(lang, "explain-list-sep"));
    format(
        lang,
        "explain-risky-key-account",
        &[
            ("level", level.into()),
            ("why", why.as_str().into()),
            ("money", money.into()),
        ],
    )
}

/// Drops the alerts whose customer and rule already alerted in the previous run: a condition
/// that persists (spend still down, still paying late) is one alert, kept open until someone
/// acknowledges it, not one more alert per run.
pub async fn new_since<S: Store>(
    store: &S,
    previous: RunId,
    raised: Vec<NewAlert>,
) -> Result<Vec<NewAlert>, AppError> {
    let seen: std::collections::HashSet<(String, String)> =
        store.alert_keys(previous).await?.into_iter().collect();
    let mut kept: Vec<NewAlert> = raised
        .into_iter()
        .filter(|a| !seen.contains(&(a.customer_id.clone(), a.rule.clone())))
        .collect();
    kept.shrink_to_fit();
    Ok(kept)
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
    let from_run = crate::pick_run(store, Some(from)).await?;
    let to_run = crate::pick_run(store, Some(to)).await?;
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
    // Unknown tiers or runs are errors naming the valid ones (issue 17), not an empty cell.
    let (from_tier, to_tier) = (
        crate::filters::cell_tier(from_tier)?,
        crate::filters::cell_tier(to_tier)?,
    );
    crate::pick_run(store, Some(from)).await?;
    crate::pick_run(store, Some(to)).await?;
    let a = store.snapshot(from).await?;
    let b = store.snapshot(to).await?;
    cell_members(&TIERS, &entries(&a), &entries(&b), &from_tier, &to_tier).map_err(dynamics_error)
}

/// An alert as `alerts --format json` prints it: the contract's fields first.
#[derive(Debug, Clone, Serialize)]
pub struct AlertOut {
    pub id: i64,
    pub run: RunId,
    pub customer_id: String,
    /// The customer's name (issue 17), when known.
    pub name: Option<String>,
    pub rule: String,
    pub severity: String,
    /// Money at risk or to gain, in the store's currency; `evidence.at_stake_basis` says what
    /// it measures (0 for alerts stored before it existed).
    pub at_stake: f64,
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
    /// Reads the body by field name: rules of `custval-dynamics` and the store-level rules
    /// (`key_account_risky`) write the same fields.
    fn from(a: StoredAlert) -> AlertOut {
        let text = |k: &str| {
            a.body
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        AlertOut {
            id: a.id,
            run: a.run,
            name: a
                .body
                .get("name")
                .and_then(|v| v.as_str())
                .map(str::to_string),
            at_stake: a
                .body
                .get("at_stake")
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0),
            evidence: a.body.get("evidence").cloned().unwrap_or_default(),
            action: text("action_en"),
            action_zh: text("action_zh"),
            explain: text("explain_en"),
            explain_zh: text("explain_zh"),
            key_account: a
                .body
                .get("key_account")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
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

/// A run's alerts ranked for a person to work through (issue 17): `custval alerts`.
#[derive(Debug, Clone, Serialize)]
pub struct RankedAlerts {
    pub run: RunId,
    pub as_of: String,
    /// Alerts matching the filters.
    pub total: usize,
    /// The shown alerts: by severity, then money at stake (largest first), at most the limit.
    pub alerts: Vec<AlertOut>,
}

impl RankedAlerts {
    /// The shown alerts grouped by customer, customers in the order of their first alert.
    pub fn by_customer(&self) -> Vec<(&str, Vec<&AlertOut>)> {
        let mut order: Vec<(&str, Vec<&AlertOut>)> = Vec::new();
        let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for a in &self.alerts {
            let i = *at.entry(a.customer_id.as_str()).or_insert_with(|| {
                order.push((a.customer_id.as_str(), Vec::new()));
                order.len() - 1
            });
            order[i].1.push(a);
        }
        order
    }
}

/// A run's alerts (the latest run when `query.run` is `None`), filters checked (an unknown rule
/// or severity is [`AppError::Invalid`]), ranked by severity then money at stake, the first
/// `limit` kept (`None`: all).
pub async fn ranked_alerts<S: Store>(
    store: &S,
    query: &AlertQuery,
    limit: Option<usize>,
) -> Result<RankedAlerts, AppError> {
    let mut q = crate::filters::alert_query(query.clone())?;
    let run = crate::pick_run(store, q.run).await?;
    q.run = Some(run.id);
    q.offset = 0;
    q.limit = 0;
    let mut all: Vec<AlertOut> = store
        .alerts(&q)
        .await?
        .into_iter()
        .map(AlertOut::from)
        .collect();
    all.sort_by(|a, b| {
        severity_rank(&b.severity)
            .cmp(&severity_rank(&a.severity))
            .then_with(|| b.at_stake.total_cmp(&a.at_stake))
            .then_with(|| a.customer_id.cmp(&b.customer_id))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    let total = all.len();
    if let Some(n) = limit {
        all.truncate(n);
    }
    Ok(RankedAlerts {
        run: run.id,
        as_of: custval_eval::format_day(run.as_of),
        total,
        alerts: all,
    })
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

/// One run in a list of runs: what it covered, what it raised, and how its CLV model's
/// predictions held up in its own holdout (calibration over time).
#[derive(Debug, Clone, Serialize)]
pub struct RunLine {
    pub run: RunId,
    pub as_of: String,
    pub created_at: String,
    pub customers: u64,
    pub seconds: f64,
    pub tiers: BTreeMap<String, u64>,
    /// Alerts by severity.
    pub alerts: BTreeMap<String, u64>,
    /// Computed tier changes hysteresis held back against the previous run.
    pub tier_changes_held_back: Option<u64>,
    /// The CLV model's holdout: predicted vs actual repeat purchases of the customers known at
    /// the calibration end.
    pub clv_holdout_days: Option<i32>,
    pub clv_predicted_purchases: Option<f64>,
    pub clv_actual_purchases: Option<f64>,
    pub clv_mae: Option<f64>,
}

/// Every run, oldest first, with its alerts and CLV calibration.
pub async fn run_lines<S: Store>(store: &S) -> Result<Vec<RunLine>, AppError> {
    let mut runs = store.runs().await?;
    runs.reverse();
    let mut out = Vec::with_capacity(runs.len());
    for run in runs {
        let summary = crate::summary(&run)?;
        let mut alerts = BTreeMap::new();
        for a in store
            .alerts(&AlertQuery {
                run: Some(run.id),
                ..AlertQuery::default()
            })
            .await?
        {
            *alerts.entry(a.severity).or_insert(0) += 1;
        }
        let tiers = summary
            .classes
            .counts
            .get("tier")
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.0)).collect())
            .unwrap_or_default();
        let cal = summary.clv.calibration.as_ref();
        out.push(RunLine {
            run: run.id,
            as_of: custval_eval::format_day(run.as_of),
            created_at: run.created_at.clone(),
            customers: run.customers,
            seconds: run.seconds,
            tiers,
            alerts,
            tier_changes_held_back: summary.hysteresis.as_ref().map(|h| h.suppressed()),
            clv_holdout_days: cal.map(|c| c.holdout_days),
            clv_predicted_purchases: cal.map(|c| c.total_predicted),
            clv_actual_purchases: cal.map(|c| c.total_actual),
            clv_mae: cal.map(|c| c.mae),
        });
    }
    Ok(out)
}

/// Treated vs untreated over one period: the difference in revenue (Welch interval) and in
/// retention (normal-approximation interval).
#[derive(Debug, Clone, Serialize)]
pub struct TreatmentEffect {
    /// The class the comparison is restricted to (`None`: every customer of the `from` run).
    pub class: Option<String>,
    pub treated: u64,
    pub untreated: u64,
    pub revenue: Option<custval_dynamics::MeanDifference>,
    pub retention: Option<custval_dynamics::ProportionDifference>,
    pub verdict: Vec<String>,
    pub verdict_zh: Vec<String>,
}

/// `kpis`: class KPIs over the period between two runs, the change against the period before,
/// and optionally the effect of a strategy on the customers it treated.
#[derive(Debug, Clone, Serialize)]
pub struct KpiReport {
    pub from: RunId,
    pub to: RunId,
    pub from_as_of: String,
    pub to_as_of: String,
    /// The class variable customers are grouped by (at the `from` run).
    pub by: String,
    pub kpis: custval_dynamics::ClassKpis,
    /// The same KPIs for the period before (the run before `from` up to `from`), and the
    /// changes; `None` when `from` is the first run.
    pub previous_from: Option<RunId>,
    pub changes: Option<Vec<custval_dynamics::KpiChange>>,
    pub treatment: Option<TreatmentEffect>,
    pub explain: Vec<String>,
    pub explain_zh: Vec<String>,
}

/// The class variables KPIs can be grouped by.
pub const KPI_GROUPS: [&str; 5] = [
    "tier",
    "value_class",
    "potential_tier",
    "lifecycle",
    "profit_loyalty",
];

/// A class of the dimension `by` as `lang` names it (tiers are letters in every language).
fn group_name<'a>(lang: Lang, by: &str, class: &'a str) -> &'a str {
    let kind = match by {
        "tier" => return class,
        "potential_tier" => Kind::Potential,
        "lifecycle" => Kind::Lifecycle,
        "profit_loyalty" => Kind::Loyalty,
        _ => Kind::Class,
    };
    name(lang, kind, class)
}

fn group_of<'a>(r: &'a CustomerResult, by: &str) -> &'a str {
    match by {
        "tier" => &r.tier,
        "potential_tier" => &r.potential_tier,
        "lifecycle" => &r.lifecycle,
        "profit_loyalty" => &r.profit_loyalty,
        _ => &r.value_class,
    }
}

/// Per customer: bought in `(start, end]`, net revenue and gross margin (order lines with a
/// known cost) in that period. `data` is loaded as of `end` or later; rows after `end` are
/// not counted.
fn period_outcomes(
    data: &custval_model::Dataset,
    start: custval_model::Day,
    end: custval_model::Day,
) -> std::collections::HashMap<String, (bool, f64, f64)> {
    let mut out: std::collections::HashMap<String, (bool, f64, f64)> =
        std::collections::HashMap::new();
    let mut any_cost = false;
    for t in &data.tx {
        if t.day > start && t.day <= end {
            let e = out
                .entry(data.customers[t.cust as usize].id.clone())
                .or_insert((false, 0.0, 0.0));
            e.0 |= t.amount > 0.0;
            e.1 += t.amount;
            if t.cost.is_finite() {
                any_cost = true;
                e.2 += t.amount - f64::from(t.cost);
            }
        }
    }
    // Without any cost data the margin is unknown, not zero.
    if !any_cost {
        for e in out.values_mut() {
            e.2 = f64::NAN;
        }
    }
    out
}

type Kpis = (
    Vec<CustomerResult>,
    Vec<(bool, f64, f64)>,
    custval_dynamics::ClassKpis,
);

/// The KPIs of `from`'s customers over `(from.as_of, end]`, from one loaded dataset.
async fn kpis_between<S: Store>(
    store: &S,
    data: &custval_model::Dataset,
    from: &custval_model::RunInfo,
    end: custval_model::Day,
    by: &str,
) -> Result<Kpis, AppError> {
    let rows = store.snapshot(from.id).await?;
    let outcomes = period_outcomes(data, from.as_of, end);
    // A customer without orders in the period made no margin, unless margins are unknown.
    let no_margin = if outcomes.values().any(|o| o.2.is_nan()) {
        f64::NAN
    } else {
        0.0
    };
    let per: Vec<(bool, f64, f64)> = rows
        .iter()
        .map(|r| {
            outcomes
                .get(&r.customer_id)
                .copied()
                .unwrap_or((false, 0.0, no_margin))
        })
        .collect();
    let outs: Vec<custval_dynamics::ClassOutcome<'_>> = rows
        .iter()
        .zip(&per)
        .map(|(r, o)| custval_dynamics::ClassOutcome {
            class: group_of(r, by),
            purchased: o.0,
            revenue: o.1,
            margin: o.2,
            clv: r.clv.unwrap_or(f64::NAN),
        })
        .collect();
    let mut order: Vec<&str> = outs.iter().map(|o| o.class).collect();
    order.sort_unstable();
    order.dedup();
    let kpis = custval_dynamics::class_kpis(&order, &outs);
    Ok((rows, per, kpis))
}

/// Class KPIs over `(from, to]`, against the period before, and the treated-vs-untreated
/// effect when `treated` lists the customers a strategy reached.
pub async fn kpis<S: Store>(
    store: &S,
    from: RunId,
    to: RunId,
    by: &str,
    treated: Option<(&std::collections::HashSet<String>, Option<&str>)>,
    level: f64,
) -> Result<KpiReport, AppError> {
    let (a, b) = (store.run(from).await?, store.run(to).await?);
    if b.as_of <= a.as_of {
        return Err(AppError::Dynamics(format!(
            "run {to} ({}) is not after run {from} ({})",
            custval_eval::format_day(b.as_of),
            custval_eval::format_day(a.as_of)
        )));
    }
    // One load serves both periods: the one before ends where this one starts.
    let data = store.load_dataset(b.as_of).await?;
    let (rows, per, kpis) = kpis_between(store, &data, &a, b.as_of, by).await?;
    let previous = store.previous_run(a.as_of).await?;
    let (previous_from, changes) = match &previous {
        Some(p) => {
            let (_, _, before) = kpis_between(store, &data, p, a.as_of, by).await?;
            (
                Some(p.id),
                Some(custval_dynamics::kpi_changes(
                    &kpis.classes,
                    &before.classes,
                )),
            )
        }
        None => (None, None),
    };
    let cur = custval_i18n::currency().prefix();
    let (mut explain, mut explain_zh): (Vec<String>, Vec<String>) = match &changes {
        Some(c) => (
            c.iter().map(|k| k.explain_en(&cur)).collect(),
            c.iter()
                .map(|k| k.explain_zh_as(&cur, group_name(Zh, by, &k.current.class)))
                .collect(),
        ),
        None => kpis
            .classes
            .iter()
            .map(|k| {
                let rate = k
                    .retention_rate
                    .map_or_else(|| "—".into(), |r| format!("{:.1}%", 100.0 * r));
                let rev = custval_export::grouped(k.revenue, 2);
                (
                    format!(
                        "{}: {} customers, {rate} bought again, revenue {cur}{rev}",
                        k.class, k.customers
                    ),
                    format!(
                        "{}：{} 位客户，{rate} 再次购买，收入 {cur}{rev}",
                        group_name(Zh, by, &k.class),
                        k.customers
                    ),
                )
            })
            .unzip(),
    };
    let treatment =
        treated.map(|(ids, class)| treatment_effect(&rows, &per, by, ids, class, level));
    if let Some(t) = &treatment {
        explain.extend(t.verdict.iter().cloned());
        explain_zh.extend(t.verdict_zh.iter().cloned());
    }
    Ok(KpiReport {
        from,
        to,
        from_as_of: custval_eval::format_day(a.as_of),
        to_as_of: custval_eval::format_day(b.as_of),
        by: by.to_string(),
        kpis,
        previous_from,
        changes,
        treatment,
        explain,
        explain_zh,
    })
}

/// Revenue and retention of the treated customers (of one class, or all) against the others
/// over the period, with confidence intervals at `level`.
fn treatment_effect(
    rows: &[CustomerResult],
    per: &[(bool, f64, f64)],
    by: &str,
    ids: &std::collections::HashSet<String>,
    class: Option<&str>,
    level: f64,
) -> TreatmentEffect {
    let (mut rev_t, mut rev_u) = (Vec::new(), Vec::new());
    let (mut kept_t, mut kept_u) = (0u64, 0u64);
    for (r, o) in rows.iter().zip(per) {
        if class.is_some_and(|c| group_of(r, by) != c) {
            continue;
        }
        if ids.contains(&r.customer_id) {
            rev_t.push(o.1);
            kept_t += u64::from(o.0);
        } else {
            rev_u.push(o.1);
            kept_u += u64::from(o.0);
        }
    }
    let (nt, nu) = (rev_t.len() as u64, rev_u.len() as u64);
    let revenue = custval_dynamics::welch_difference(&rev_t, &rev_u, level).ok();
    let retention = custval_dynamics::proportion_difference(kept_t, nt, kept_u, nu, level).ok();
    let mut verdict = Vec::new();
    let mut verdict_zh = Vec::new();
    if let Some(m) = &revenue {
        let cur = custval_i18n::currency().prefix();
        verdict.push(m.verdict_en(&cur));
        verdict_zh.push(m.verdict_zh(&cur));
    }
    if let Some(p) = &retention {
        verdict.push(p.verdict_en());
        verdict_zh.push(p.verdict_zh());
    }
    if verdict.is_empty() {
        verdict.push(format!(
            "too few customers to compare ({nt} treated, {nu} untreated; at least 2 each)"
        ));
        verdict_zh.push(format!(
            "样本过少，无法比较（处理组 {nt}，对照组 {nu}；每组至少 2）"
        ));
    }
    TreatmentEffect {
        class: class.map(str::to_string),
        treated: nt,
        untreated: nu,
        revenue,
        retention,
        verdict,
        verdict_zh,
    }
}

#[cfg(test)]
mod tests;
