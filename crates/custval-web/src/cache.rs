//! The dashboard of a run, computed once and kept in memory.
//!
//! A run is immutable, so its aggregates (tiers, classes, Pareto curve, scatter, CLV
//! histogram, top customers) never change: they are computed on first use — or when the
//! server starts, for the latest run — and served from memory afterwards, which keeps the
//! dashboard fast at a million customers. One entry per (run, owner scope): a sales user's
//! dashboard covers only their customers. Concurrent first requests for the same entry wait
//! for one computation instead of starting several (a `OnceCell` per key). The number of
//! entries is bounded; scoped entries are dropped first when it is reached.
//!
//! Results are read without the engine's per-customer detail (kilobytes each) except for the
//! top customers, whose actions the dashboard shows: the whole run from the store's narrow
//! snapshot, an owner's customers in pages of [`CHUNK`] from the owner index. The aggregation itself is `custval_app::report_data::build`, the same
//! code as the HTML report, run on a blocking thread.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use custval_app::AppError;
use custval_model::{CustomerResult, RunId, RunInfo};
use custval_report::{ChartKind, ChartView, Lang, ReportData};
use custval_store::{ResultQuery, ResultSort, Store};
use tokio::sync::OnceCell;

use crate::App;

/// Results read per store call while computing a dashboard.
const CHUNK: u64 = 100_000;
/// Results whose detail is kept (the report's top-customer list takes 50).
const TOP_WITH_DETAIL: usize = 50;
/// Most dashboards kept.
const MAX_ENTRIES: usize = 64;

/// Why a dashboard could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum DashError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Store(#[from] custval_store::StoreError),
    #[error("computing the dashboard: {0}")]
    Task(String),
}

/// Per tier or class: customers and 12-month spend.
pub type Counts = BTreeMap<String, (u64, f64)>;

/// A run's dashboard in both languages.
pub struct Dash {
    /// English and Chinese report data (index with [`Dash::lang`]).
    pub data: [ReportData; 2],
    /// The charts, per language.
    pub charts: [Vec<ChartView>; 2],
    /// Customers and spend per tier.
    pub tiers: Counts,
    /// Customers and spend per value class.
    pub classes: Counts,
    /// Customers covered.
    pub customers: u64,
    /// Their total 12-month spend.
    pub spend: f64,
}

impl Dash {
    /// Index of `lang` in the per-language arrays.
    pub fn lang(lang: Lang) -> usize {
        match lang {
            Lang::En => 0,
            Lang::Zh => 1,
        }
    }
}

type Key = (RunId, Option<String>);

/// Dashboards by (run, owner scope).
#[derive(Default)]
pub struct DashboardCache {
    map: Mutex<HashMap<Key, Arc<OnceCell<Arc<Dash>>>>>,
    /// The figures of each run the dashboard's trends draw.
    pub trends: TrendCache,
}

impl DashboardCache {
    fn cell(&self, key: Key) -> Arc<OnceCell<Arc<Dash>>> {
        let Ok(mut map) = self.map.lock() else {
            return Arc::new(OnceCell::new());
        };
        if !map.contains_key(&key) && map.len() >= MAX_ENTRIES {
            let scoped: Vec<Key> = map.keys().filter(|k| k.1.is_some()).cloned().collect();
            if scoped.is_empty() {
                map.clear();
            } else {
                for k in scoped {
                    map.remove(&k);
                }
            }
        }
        map.entry(key).or_default().clone()
    }

    /// The dashboard of `run` for `scope` (an owner id, or everything), computed if needed.
    pub async fn get<S: Store>(
        &self,
        store: &S,
        run: &RunInfo,
        scope: Option<String>,
    ) -> Result<Arc<Dash>, DashError> {
        let cell = self.cell((run.id, scope.clone()));
        let dash = cell.get_or_try_init(|| compute(store, run, scope)).await?;
        Ok(dash.clone())
    }
}

/// Computes the latest run's unscoped dashboard.
pub async fn prewarm<S: Store>(app: &App<S>) -> Result<(), DashError> {
    if let Some(run) = app.store.latest_run().await? {
        let started = std::time::Instant::now();
        app.cache.get(&app.store, &run, None).await?;
        tracing::info!(
            run = run.id,
            seconds = started.elapsed().as_secs_f64(),
            "dashboard ready"
        );
    }
    Ok(())
}

/// Strips what the aggregates do not read; empty strings allocate nothing.
fn strip(r: &mut CustomerResult) {
    r.detail = String::new();
    r.name = None;
    r.industry = None;
    r.region = None;
    r.owner = None;
    r.customer_id = String::new();
    r.potential_tier = String::new();
    r.profit_loyalty = String::new();
    r.lifecycle = String::new();
    r.rfm_segment = None;
}

/// Reads a run's results (scoped to an owner) with the detail kept for the top ones only.
/// The whole run comes from the store's narrow snapshot (no details) plus one query for the
/// top customers' details; an owner's results come in pages from the owner index.
async fn light_results<S: Store>(
    store: &S,
    run: RunId,
    owner: Option<String>,
) -> Result<Vec<CustomerResult>, DashError> {
    if owner.is_none() {
        let top = store
            .results(
                run,
                &ResultQuery {
                    limit: TOP_WITH_DETAIL as u64,
                    ..ResultQuery::default()
                },
            )
            .await?;
        let mut details: HashMap<String, CustomerResult> = top
            .results
            .into_iter()
            .map(|r| (r.customer_id.clone(), r))
            .collect();
        let mut all = store.snapshot(run).await?;
        for r in &mut all {
            match details.remove(&r.customer_id) {
                Some(full) => *r = full,
                None => strip(r),
            }
        }
        return Ok(all);
    }
    let mut out = Vec::new();
    let mut offset = 0u64;
    loop {
        let q = ResultQuery {
            owner: owner.clone(),
            sort: ResultSort::Score,
            offset,
            limit: CHUNK,
            ..ResultQuery::default()
        };
        let page = store.results(run, &q).await?;
        let n = page.results.len() as u64;
        for mut r in page.results {
            if out.len() >= TOP_WITH_DETAIL {
                strip(&mut r);
            }
            out.push(r);
        }
        if n < CHUNK {
            break;
        }
        offset += CHUNK;
    }
    Ok(out)
}

async fn compute<S: Store>(
    store: &S,
    run: &RunInfo,
    scope: Option<String>,
) -> Result<Arc<Dash>, DashError> {
    let results = light_results(store, run.id, scope.clone()).await?;
    let summary = custval_app::summary(run)?;
    let run = run.clone();
    let scoped = scope.is_some();
    let task = tokio::task::spawn_blocking(move || {
        let mut tiers = Counts::new();
        let mut classes = Counts::new();
        let mut spend = 0.0;
        for r in &results {
            let s = r.spend_12m.unwrap_or(0.0).max(0.0);
            spend += s;
            let t = tiers.entry(r.tier.clone()).or_default();
            t.0 += 1;
            t.1 += s;
            let c = classes.entry(r.value_class.clone()).or_default();
            c.0 += 1;
            c.1 += s;
        }
        let build = |lang: Lang| {
            let zh = lang == Lang::Zh;
            let playbooks = custval_eval::from_config::playbook_lines(&run.config, zh);
            let mut data =
                custval_app::report_data::build(&run, &summary, &results, &playbooks, lang);
            if scoped {
                // The heatmap and the class table come from the whole run's summary: a sales
                // user sees only figures of their own customers.
                data.rfm_heatmap = Default::default();
                data.classes.clear();
            }
            let kinds: &[ChartKind] = if scoped {
                &[
                    ChartKind::Tiers,
                    ChartKind::Pareto,
                    ChartKind::Scatter,
                    ChartKind::ClvHistogram,
                ]
            } else {
                &[
                    ChartKind::Tiers,
                    ChartKind::Pareto,
                    ChartKind::Scatter,
                    ChartKind::Rfm,
                    ChartKind::ClvHistogram,
                ]
            };
            let charts = kinds
                .iter()
                .map(|k| custval_report::chart(&data, *k))
                .collect();
            (data, charts)
        };
        let (en, en_charts) = build(Lang::En);
        let (zh, zh_charts) = build(Lang::Zh);
        Dash {
            data: [en, zh],
            charts: [en_charts, zh_charts],
            tiers,
            classes,
            customers: results.len() as u64,
            spend,
        }
    });
    match task.await {
        Ok(d) => Ok(Arc::new(d)),
        Err(e) => Err(DashError::Task(e.to_string())),
    }
}

/// Most trend points kept (a point is a few numbers).
const MAX_POINTS: usize = 4096;

/// A run's holdout check of its purchase model: repeat purchases predicted and made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calibration {
    pub predicted: f64,
    pub actual: f64,
    /// Mean absolute error per customer.
    pub mae: f64,
    pub holdout_days: i32,
}

/// What the dashboard's trends show of one run (for one owner scope): fixed once the run is
/// written, so kept. Open alerts are not here: acknowledging changes them.
#[derive(Clone, Debug, PartialEq)]
pub struct RunPoint {
    pub id: RunId,
    pub as_of: custval_model::Day,
    /// Customers and 12-month spend per tier, in [`custval_model::TIERS`] order.
    pub tiers: Vec<(u64, f64)>,
    /// Alerts the run raised (of the scope's customers).
    pub alerts: u64,
    /// The run's CLV holdout check, when it had enough history for one (run-wide).
    pub calibration: Option<Calibration>,
}

/// Trend points by (run, its creation time, owner scope): the creation time keys out a run id
/// SQLite reuses after a delete.
type PointKey = (RunId, String, Option<String>);

/// The trend points of runs, computed on first use.
#[derive(Default)]
pub struct TrendCache {
    map: Mutex<HashMap<PointKey, Arc<RunPoint>>>,
}

impl TrendCache {
    /// The trend point of `run` for `scope` (an owner id, or everything). The whole run's
    /// comes from its summary and one count; an owner's tiers from one narrow scan of the run.
    pub async fn point<S: Store>(
        &self,
        store: &S,
        run: &RunInfo,
        scope: Option<&str>,
    ) -> Result<Arc<RunPoint>, DashError> {
        let key = (run.id, run.created_at.clone(), scope.map(str::to_string));
        if let Some(p) = self.map.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(p);
        }
        let point = Arc::new(run_point(store, run, scope).await?);
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= MAX_POINTS {
                m.clear();
            }
            m.insert(key, point.clone());
        }
        Ok(point)
    }
}

async fn run_point<S: Store>(
    store: &S,
    run: &RunInfo,
    scope: Option<&str>,
) -> Result<RunPoint, DashError> {
    let summary = custval_app::summary(run)?;
    let tiers = match scope {
        None => {
            let counts = summary.classes.counts.get("tier");
            custval_model::TIERS
                .iter()
                .map(|t| {
                    counts
                        .and_then(|c| c.get(*t))
                        .map_or((0, 0.0), |(n, spend, _)| (*n, *spend))
                })
                .collect()
        }
        Some(owner) => {
            let mut acc = vec![(0u64, 0.0f64); custval_model::TIERS.len()];
            store
                .snapshot_each(run.id, |r| {
                    if r.owner.as_deref() == Some(owner)
                        && let Some(i) = custval_model::TIERS.iter().position(|t| *t == r.tier)
                    {
                        acc[i].0 += 1;
                        acc[i].1 += r.spend_12m.unwrap_or(0.0).max(0.0);
                    }
                })
                .await?;
            acc
        }
    };
    Ok(RunPoint {
        id: run.id,
        as_of: run.as_of,
        tiers,
        alerts: store.alert_count(run.id, scope).await?,
        calibration: summary.clv.calibration.as_ref().map(|c| Calibration {
            predicted: c.total_predicted,
            actual: c.total_actual,
            mae: c.mae,
            holdout_days: c.holdout_days,
        }),
    })
}

/// Most runs whose plan tiers are kept.
const MAX_TIER_ENTRIES: usize = 32;

/// The plan tiers of each run's config (`[accounts] plan_tiers`), read once per run: finding
/// them compiles the whole config (milliseconds), and the key-account pages need them on
/// every request. Runs are immutable, so an entry never goes stale.
#[derive(Default)]
pub struct PlanTierCache {
    map: Mutex<HashMap<RunId, Arc<Vec<String>>>>,
}

impl PlanTierCache {
    /// The plan tiers of `run`.
    pub fn get(&self, run: &RunInfo) -> Arc<Vec<String>> {
        if let Some(t) = self.map.lock().ok().and_then(|m| m.get(&run.id).cloned()) {
            return t;
        }
        let tiers = Arc::new(custval_app::key_accounts::plan_tiers(run));
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= MAX_TIER_ENTRIES {
                m.clear();
            }
            m.insert(run.id, tiers.clone());
        }
        tiers
    }
}
