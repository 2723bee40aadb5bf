//! Application services: what the command line and the web server both do with a store.
//!
//! The CLI and the web app must show the same numbers with the same explanations: a customer
//! explained on the page is the JSON that `customer show` prints, a run evaluated from the web
//! is the run `custval evaluate` writes. So the steps that join the store to the pure engines —
//! evaluate and store a run, explain one customer, build a report's data — live here once,
//! generic over the [`Store`] trait, and the two front ends only parse input and render output.
//!
//! This crate does I/O only through the store it is given; it never reads files, parses
//! arguments, prints or touches HTTP. Errors are typed ([`AppError`]); the binaries flatten
//! them.

pub mod access;
mod by_id;
pub mod customers;
pub mod dynamics;
pub mod explain;
pub mod filters;
pub mod key_accounts;
pub mod overrides;
pub mod plans;
pub mod provisional;
pub mod report_data;

use std::collections::BTreeMap;
use std::time::Instant;

use custval_eval::RunSummary;
use custval_eval::plan::Plan;
use custval_eval::progress::{NoProgress, Progress, Step};
use custval_model::{Day, RunId, RunInfo};
use custval_store::{Store, StoreError};
use serde::Serialize;

/// What can go wrong in an application service.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Eval(#[from] custval_eval::EvalError),
    #[error("run {run}: unreadable run summary: {source}")]
    Summary {
        run: RunId,
        source: serde_json::Error,
    },
    #[error("run {run}: unreadable result of {customer}: {source}")]
    Detail {
        run: RunId,
        customer: String,
        source: serde_json::Error,
    },
    #[error("run {run}: the summary cannot be stored: {source}")]
    Encode {
        run: RunId,
        source: serde_json::Error,
    },
    #[error("the store has no evaluation run yet: run custval evaluate --as-of DATE first")]
    NoRuns,
    #[error("customer {customer:?} is not in run {run}")]
    NotInRun { run: RunId, customer: String },
    #[error("{0}")]
    Dynamics(String),
    /// A filter or argument names a tier, class, rule or run that does not exist (issue 17:
    /// an empty list would look like "nobody matches").
    #[error("unknown {what} {value:?}; valid: {valid}")]
    Invalid {
        what: &'static str,
        value: String,
        valid: String,
    },
    /// `evaluate --as-of` a date with no order up to it.
    #[error("{0}")]
    NoData(String),
    #[error("account plan: {0}")]
    Plan(String),
    #[error("delivering alerts to {url}: {message}")]
    Webhook { url: String, message: String },
    /// Not in the run, not known at all, or not the actor's to see: one answer for the three
    /// (see [`access`]).
    #[error("unknown customer {0:?}")]
    UnknownCustomer(String),
    /// No such alert, or its customer is not the actor's to see.
    #[error("unknown alert {0}")]
    UnknownAlert(i64),
    /// The actor's role may not do this.
    #[error("your role may not do this")]
    Forbidden,
    /// A value the user typed that cannot be used (`what` names the field: `reason`, `until`).
    #[error("{message}")]
    BadInput { what: &'static str, message: String },
}

/// Today (UTC) as a day number: the day overrides are judged on (in force up to and including
/// their last day), for every front end.
pub fn today() -> Day {
    use chrono::Datelike;
    let d = chrono::Utc::now().date_naive();
    custval_model::date::days_from_ymd(d.year(), d.month(), d.day()).unwrap_or_default()
}

/// The engine's summary stored with a run.
pub fn summary(run: &RunInfo) -> Result<RunSummary, AppError> {
    serde_json::from_str(&run.meta).map_err(|e| AppError::Summary {
        run: run.id,
        source: e,
    })
}

/// The run asked for, or the latest one (the latest as-of date, ties: the latest created).
/// An unknown run id is [`AppError::Invalid`] listing the runs there are.
pub async fn pick_run<S: Store>(store: &S, run: Option<RunId>) -> Result<RunInfo, AppError> {
    match run {
        Some(id) => match store.run(id).await {
            Ok(r) => Ok(r),
            Err(StoreError::RunNotFound(_)) => Err(unknown_run(store, id).await),
            Err(e) => Err(e.into()),
        },
        None => store.latest_run().await?.ok_or(AppError::NoRuns),
    }
}

/// The error for a run id that does not exist, listing the runs (latest first).
pub async fn unknown_run<S: Store>(store: &S, id: RunId) -> AppError {
    let valid = match store.runs().await {
        Ok(runs) if runs.is_empty() => "none yet (run custval evaluate --as-of DATE)".to_string(),
        Ok(runs) => runs
            .iter()
            .map(|r| format!("{} ({})", r.id, custval_eval::format_day(r.as_of)))
            .collect::<Vec<_>>()
            .join(", "),
        Err(e) => return e.into(),
    };
    AppError::Invalid {
        what: "run",
        value: id.to_string(),
        valid,
    }
}

/// One customer of a run explained, with the override in force on `today` and the tier
/// history. `None` when the customer is not in the run.
pub async fn customer_view<S: Store>(
    store: &S,
    run: &RunInfo,
    customer_id: &str,
    today: Day,
) -> Result<Option<explain::Shown>, AppError> {
    let Some(result) = store.result(run.id, customer_id).await? else {
        return Ok(None);
    };
    let ov = store.active_override(customer_id, today).await?;
    let history = store.tier_history(customer_id).await?;
    // A provisional update since the run replaces the figures, marked as such; only on the
    // latest run (a newer run supersedes it, an older run is shown as it was).
    if let Some((p, alerts)) = provisional::of_customer(store, run, customer_id).await? {
        let mut shown = explain::explain(run, &p.result, ov, history)?;
        shown.as_of = custval_eval::format_day(p.as_of);
        shown.provisional = Some(provisional::mark(run, &p, &result, alerts));
        return Ok(Some(shown));
    }
    explain::explain(run, &result, ov, history).map(Some)
}

fn notes_in_english<S: serde::Serializer>(
    notes: &[custval_i18n::Note],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(notes.iter().map(ToString::to_string))
}

/// What one evaluation did: the `evaluate --format json` object of the CLI contract.
#[derive(Debug, Clone, Serialize)]
pub struct RunOut {
    pub run: RunId,
    pub as_of: String,
    pub customers: u64,
    pub tiers: BTreeMap<String, u64>,
    pub classes: BTreeMap<String, BTreeMap<String, u64>>,
    pub seconds: f64,
    /// Written in English in JSON (the CLI contract); the CLI's text output renders them in the
    /// reader's language.
    #[serde(serialize_with = "notes_in_english")]
    pub notes: Vec<custval_i18n::Note>,
    /// Indicators left out of the run (missing for everyone or constant), with why.
    pub excluded_indicators: Vec<custval_eval::engine::ExcludedIndicator>,
    /// The run compared with for hysteresis and alerts.
    pub previous_run: Option<RunId>,
    /// Alerts raised against the previous run, by severity.
    pub alerts: BTreeMap<String, u64>,
    /// Computed tier changes hysteresis held back.
    pub tier_changes_held_back: u64,
    /// The purchase model the run used: `name`, `why`, `holdout_mae` (and the candidates).
    pub clv_model: Option<custval_eval::clv::ModelChoice>,
    /// Orders imported while the evaluation ran (after it loaded its data) kept provisional
    /// against this run (issue 18); absent when there were none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisional: Option<provisional::UpdateOut>,
}

/// Evaluates the store's data as of `as_of` with `plan` (whose source text `config` is
/// stored with the run) and writes the run.
pub async fn evaluate_one<S: Store>(
    store: &S,
    as_of: Day,
    config: &str,
    plan: &Plan,
) -> Result<RunOut, AppError> {
    evaluate_one_then(store, as_of, config, plan, std::future::ready(())).await
}

/// [`evaluate_one`], awaiting `after_load` once the data is loaded: tests import there, as if
/// an import had committed while the evaluation ran.
#[doc(hidden)]
pub async fn evaluate_one_then<S: Store>(
    store: &S,
    as_of: Day,
    config: &str,
    plan: &Plan,
    after_load: impl std::future::Future<Output = ()>,
) -> Result<RunOut, AppError> {
    evaluate_inner(store, as_of, config, plan, after_load, &NoProgress).await
}

/// [`evaluate_one`], reporting each step to `progress`: the load and the write here, the
/// engine's steps from the engine, the write once per chunk of details built.
pub async fn evaluate_one_reporting<S: Store>(
    store: &S,
    as_of: Day,
    config: &str,
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<RunOut, AppError> {
    evaluate_inner(store, as_of, config, plan, std::future::ready(()), progress).await
}

// Long because it is the one sequence of a run (load, evaluate, alerts, write, provisional
// rows, the answer); its parts are already functions of the store, engine and dynamics.
async fn evaluate_inner<S: Store>(
    store: &S,
    as_of: Day,
    config: &str,
    plan: &Plan,
    after_load: impl std::future::Future<Output = ()>,
    progress: &dyn Progress,
) -> Result<RunOut, AppError> {
    let start = Instant::now();
    progress.report(Step::Load, 0, 0);
    // Taken before the load, so that every order line the load may have missed is after it.
    let mark = store.order_mark().await?;
    // The previous run is read twice, so that its million rows are never in memory together
    // with the dataset: only its tiers during the evaluation, the whole snapshot after it.
    let previous = store.previous_run(as_of).await?.map(|p| p.id);
    let tiers = match previous {
        Some(id) => Some(dynamics::read_previous_tiers(store, id).await?),
        None => None,
    };
    let data = store.load_dataset(as_of).await?;
    after_load.await;
    if data.tx.is_empty() {
        // Nothing to evaluate: say so plainly, not through whatever step fails first on an
        // empty base (issue 17: "classification: loyalty has no finite value…").
        let when = custval_eval::format_day(as_of);
        return Err(AppError::NoData(match store.first_order_day().await? {
            Some(first) => format!(
                "no orders up to {when}: the first order is dated {}; evaluate as of that date or later",
                custval_eval::format_day(first)
            ),
            None => "no orders in the store: import transactions first \
                     (custval import transactions FILE)"
                .to_string(),
        }));
    }
    let eval =
        custval_eval::engine::evaluate_reporting(data, as_of, plan, tiers.as_ref(), progress)?;
    drop(tiers);
    let details = &eval.details;
    let results = &eval.results;
    let detail = move |i: usize| details.detail_json(i, &results[i]);
    let alerts = match previous {
        Some(id) => {
            progress.report(Step::Alerts, 0, 0);
            let before = dynamics::PreviousRun::read(store, id).await?;
            tracing::debug!(seconds = start.elapsed().as_secs_f64(), "previous run read");
            let raised = dynamics::run_alerts(&plan.alerts, results, &detail, &before)?;
            drop(before);
            tracing::debug!(
                seconds = start.elapsed().as_secs_f64(),
                alerts = raised.len(),
                "alerts raised"
            );
            dynamics::new_since(store, id, raised).await?
        }
        None => Vec::new(),
    };
    let mut by_severity = BTreeMap::new();
    for a in &alerts {
        *by_severity.entry(a.severity.clone()).or_insert(0) += 1;
    }
    let held_back = eval
        .summary
        .hysteresis
        .as_ref()
        .map_or(0, |h| h.suppressed());
    let meta =
        serde_json::to_string(&eval.summary).map_err(|e| AppError::Encode { run: 0, source: e })?;
    let seconds = start.elapsed().as_secs_f64();
    tracing::debug!(seconds, bytes = meta.len(), "evaluated");
    // Details are built while the run is written, batch by batch: counting them shows the
    // write's progress without the store knowing (one relaxed add per detail).
    let total = results.len() as u64;
    let built = std::sync::atomic::AtomicU64::new(0);
    progress.report(Step::Write, 0, total);
    let counted = |i: usize| {
        let n = built.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if n % custval_eval::progress::CHUNK == 0 {
            progress.report(Step::Write, n.min(total), total);
        }
        detail(i)
    };
    let run = store
        .create_run_with_details(as_of, config, &meta, seconds, results, &counted, alerts)
        .await?;
    progress.report(Step::Write, total, total);
    // The run is stored whatever happens here: a failed update only leaves those customers
    // without their provisional figures until the next import or evaluation.
    let kept = provisional::keep_since(store, run, mark)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!("provisional update of the orders imported during the run: {e}");
            None
        });
    let mut tiers: BTreeMap<String, u64> = custval_model::TIERS
        .into_iter()
        .map(|t| (t.to_string(), 0))
        .collect();
    let mut classes = BTreeMap::new();
    for (var, counts) in &eval.summary.classes.counts {
        let m: BTreeMap<String, u64> = counts.iter().map(|(k, v)| (k.clone(), v.0)).collect();
        if var == "tier" {
            tiers.extend(m);
        } else if var != "industry" {
            classes.insert(var.clone(), m);
        }
    }
    Ok(RunOut {
        run,
        as_of: custval_eval::format_day(as_of),
        customers: eval.summary.customers,
        tiers,
        classes,
        seconds: start.elapsed().as_secs_f64(),
        notes: eval.summary.notes,
        excluded_indicators: eval.summary.excluded_indicators,
        previous_run: previous,
        alerts: by_severity,
        tier_changes_held_back: held_back,
        clv_model: eval.summary.clv.choice.clone(),
        provisional: kept,
    })
}
