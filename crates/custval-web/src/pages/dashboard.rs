//! The dashboard: charts first (issue 21) — the trends across the latest runs (module
//! [`trends`]), then the run's tiers, Pareto curve, value × potential scatter, RFM heatmap and
//! CLV distribution (the report's SVG charts), each with a table view — then the tables: classes,
//! the comparison with the previous run, open alerts and the top customers with their next
//! actions. Figures come from the in-memory cache (`crate::cache`); a sales user's dashboard
//! covers only their customers.

mod trends;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use custval_app::AppError;
use custval_model::RunInfo;
use custval_report::ChartView;
use custval_store::Store;
use serde::Deserialize;

use super::{PageError, Viewer, render};
use crate::Shared;
use crate::auth;
use crate::cache::{Counts, Dash};
use crate::i18n::{self, Msg};
use crate::views::{Chrome, Texts, class_label, encode};

#[derive(Deserialize)]
pub struct RunParam {
    pub run: Option<i64>,
}

pub struct Card {
    pub label: &'static str,
    pub value: String,
    /// The figure in full, shown on hover, when the tile shortens it.
    pub title: Option<String>,
    /// Where the figure is listed, if anywhere.
    pub href: Option<String>,
}

pub struct CompareRow {
    pub tier: String,
    /// The tier's fixed colour.
    pub colour: &'static str,
    pub prev: String,
    pub cur: String,
    pub change: String,
    pub prev_spend: String,
    pub cur_spend: String,
}

pub struct ClassLine {
    pub id: String,
    /// The class's fixed colour.
    pub colour: &'static str,
    pub label: String,
    pub customers: String,
    pub share: String,
    pub spend: String,
}

pub struct TopLine {
    pub id: String,
    pub href: String,
    pub name: String,
    pub tier: String,
    pub tier_colour: &'static str,
    pub class: String,
    pub score: String,
    pub clv: String,
    pub actions: Vec<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    t: Texts,
    chrome: Chrome,
    run: Option<String>,
    run_id: i64,
    scoped: bool,
    cards: Vec<Card>,
    charts: &'a [ChartView],
    /// Trends across runs; empty with a note below two runs.
    trends: Vec<ChartView>,
    trends_note: Option<&'static str>,
    classes: Vec<ClassLine>,
    compare: Vec<CompareRow>,
    prev_label: Option<String>,
    top: Vec<TopLine>,
    alerts: Vec<super::dynamics::AlertRow>,
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", i18n::count(n.unsigned_abs()))
    } else if n < 0 {
        format!("-{}", i18n::count(n.unsigned_abs()))
    } else {
        "0".to_string()
    }
}

/// Tier counts of a run from its summary (the whole run, cheap at any size).
fn summary_tiers(run: &RunInfo) -> Option<Counts> {
    let s = custval_app::summary(run).ok()?;
    let tiers = s.classes.counts.get("tier")?;
    Some(
        tiers
            .iter()
            .map(|(k, (n, spend, _))| (k.clone(), (*n, *spend)))
            .collect(),
    )
}

pub async fn dashboard<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Query(q): Query<RunParam>,
) -> Result<Response, PageError> {
    let lang = v.lang;
    let title = Msg::Dashboard.text(lang);
    let run = match custval_app::pick_run(&app.store, q.run).await {
        Ok(r) => r,
        Err(AppError::NoRuns) => return no_runs(&v, title),
        Err(AppError::Store(custval_store::StoreError::RunNotFound(_)))
        | Err(AppError::Invalid { what: "run", .. }) => {
            return Err(v.fail(StatusCode::NOT_FOUND, Msg::NotFound));
        }
        Err(e) => return Err(v.internal(e)),
    };
    let scope = auth::scope(&v.user);
    let dash = app
        .cache
        .get(&app.store, &run, scope.clone())
        .await
        .map_err(|e| v.internal(e))?;
    let li = Dash::lang(lang);
    let runs = app.store.runs().await.map_err(|e| v.internal(e))?;
    let (compare, prev_label) = tier_compare(&app, &v, &runs, &run, scope.clone(), &dash).await?;
    let trends = run_trends(&app, &v, &runs, &run, scope.as_deref()).await?;
    // Counted per request (acknowledging changes it): one index range of the run's alerts.
    let open_alerts = app
        .store
        .open_alert_count(run.id, scope.as_deref())
        .await
        .map_err(|e| v.internal(e))?;
    // The most severe open alerts of the run (the user's customers only, for sales).
    let open = custval_store::AlertQuery {
        run: Some(run.id),
        owner: scope.clone(),
        status: Some("open".into()),
        limit: 5,
        ..Default::default()
    };
    let alerts = custval_app::dynamics::alerts(&app.store, &open)
        .await
        .map_err(|e| v.internal(e))?;
    let page = DashboardPage {
        alerts: super::dynamics::alert_rows(alerts, lang),
        t: Texts(lang),
        chrome: v.chrome(title, "/"),
        run: Some(format!(
            "{} {} · {} {}",
            Msg::Run.text(lang),
            run.id,
            Msg::AsOf.text(lang),
            i18n::date(lang, run.as_of)
        )),
        run_id: run.id,
        scoped: scope.is_some(),
        cards: cards(&run, &dash, open_alerts, lang),
        charts: &dash.charts[li],
        trends_note: (trends.is_empty()).then(|| Msg::DashTrendsNeedTwo.text(lang)),
        trends,
        classes: class_lines(&dash, lang),
        compare,
        prev_label,
        top: top_lines(&dash.data[li], run.id, lang),
    };
    render(&v, &page)
}

/// The dashboard of a store without runs: a note saying what to do.
fn no_runs(v: &Viewer, title: &str) -> Result<Response, PageError> {
    let lang = v.lang;
    let mut chrome = v.chrome(title, "/");
    chrome.flash = Some(Msg::NoRuns.text(lang).to_string());
    let page = DashboardPage {
        t: Texts(lang),
        chrome,
        run: None,
        run_id: 0,
        scoped: false,
        cards: Vec::new(),
        charts: &[],
        trends: Vec::new(),
        trends_note: None,
        classes: Vec::new(),
        compare: Vec::new(),
        prev_label: None,
        top: Vec::new(),
        alerts: Vec::new(),
    };
    render(v, &page)
}

/// Tiers against the previous run (the next older one in the store's newest-first list),
/// and that run's label; empty without one.
async fn tier_compare<S: Store>(
    app: &Shared<S>,
    v: &Viewer,
    runs: &[RunInfo],
    run: &RunInfo,
    scope: Option<String>,
    dash: &Dash,
) -> Result<(Vec<CompareRow>, Option<String>), PageError> {
    let lang = v.lang;
    let Some(p) = runs.iter().skip_while(|r| r.id != run.id).nth(1).cloned() else {
        return Ok((Vec::new(), None));
    };
    let prev_tiers = if scope.is_some() {
        app.cache
            .get(&app.store, &p, scope)
            .await
            .map(|d| d.tiers.clone())
            .ok()
    } else {
        summary_tiers(&p)
    };
    let Some(pt) = prev_tiers else {
        return Ok((Vec::new(), None));
    };
    let label = format!(
        "{} {} · {}",
        Msg::Run.text(lang),
        p.id,
        i18n::date(lang, p.as_of)
    );
    let rows = custval_model::TIERS
        .iter()
        .map(|tier| {
            let (pn, ps) = pt.get(*tier).copied().unwrap_or_default();
            let (cn, cs) = dash.tiers.get(*tier).copied().unwrap_or_default();
            CompareRow {
                tier: tier.to_string(),
                colour: custval_base::palette::colour(tier, 0),
                prev: i18n::count(pn),
                cur: i18n::count(cn),
                change: signed(cn as i64 - pn as i64),
                prev_spend: i18n::money(lang, ps),
                cur_spend: i18n::money(lang, cs),
            }
        })
        .collect();
    Ok((rows, Some(label)))
}

fn cards(run: &RunInfo, dash: &Dash, open_alerts: u64, lang: i18n::Lang) -> Vec<Card> {
    let a_share = dash.tiers.get("A").map_or(0.0, |(_, s)| {
        if dash.spend > 0.0 {
            s / dash.spend
        } else {
            0.0
        }
    });
    vec![
        Card {
            label: Msg::AsOf.text(lang),
            value: i18n::date(lang, run.as_of),
            title: None,
            href: None,
        },
        Card {
            label: Msg::DashEvaluatedAt.text(lang),
            value: i18n::datetime(lang, &run.created_at),
            title: None,
            href: None,
        },
        Card {
            label: Msg::CustomerCount.text(lang),
            value: i18n::count(dash.customers),
            title: None,
            href: None,
        },
        Card {
            label: Msg::Spend12m.text(lang),
            value: custval_i18n::money_short(lang, dash.spend),
            title: Some(custval_i18n::money_full(dash.spend)),
            href: None,
        },
        Card {
            label: Msg::OpenAlertsCount.text(lang),
            value: i18n::count(open_alerts),
            title: None,
            href: Some(format!("/alerts?run={}&status=open", run.id)),
        },
        Card {
            label: Msg::TierACard.text(lang),
            value: format!(
                "{} · {}",
                i18n::count(dash.tiers.get("A").map_or(0, |t| t.0)),
                i18n::percent(a_share)
            ),
            title: None,
            href: None,
        },
    ]
}

fn class_lines(dash: &Dash, lang: i18n::Lang) -> Vec<ClassLine> {
    dash.classes
        .iter()
        .enumerate()
        .map(|(i, (id, (n, s)))| ClassLine {
            id: id.clone(),
            colour: custval_base::palette::colour(id, i),
            label: class_label("value_class", id, lang),
            customers: i18n::count(*n),
            share: i18n::percent(if dash.customers > 0 {
                *n as f64 / dash.customers as f64
            } else {
                0.0
            }),
            spend: i18n::money(lang, *s),
        })
        .collect()
}

/// The 15 best-scored customers with their first two actions.
fn top_lines(data: &custval_report::ReportData, run: i64, lang: i18n::Lang) -> Vec<TopLine> {
    data.top_customers
        .iter()
        .take(15)
        .map(|c| TopLine {
            id: c.customer_id.clone(),
            href: format!("/customers/{}?run={run}", encode(&c.customer_id)),
            name: c.name.clone(),
            tier: c.tier.clone(),
            tier_colour: custval_base::palette::colour(&c.tier, 0),
            class: c.value_class.clone(),
            score: i18n::fixed(c.score, 1),
            clv: i18n::money(lang, c.clv),
            actions: c.actions.iter().take(2).cloned().collect(),
        })
        .collect()
}

/// The trend charts of the latest runs up to `run` (oldest first), or none below two runs.
async fn run_trends<S: Store>(
    app: &Shared<S>,
    v: &Viewer,
    runs: &[RunInfo],
    run: &RunInfo,
    scope: Option<&str>,
) -> Result<Vec<ChartView>, PageError> {
    let mut window: Vec<&RunInfo> = runs
        .iter()
        .skip_while(|r| r.id != run.id)
        .take(trends::MAX_RUNS)
        .collect();
    if window.len() < 2 {
        return Ok(Vec::new());
    }
    window.reverse();
    let mut points = Vec::with_capacity(window.len());
    for r in window {
        let point = app
            .cache
            .trends
            .point(&app.store, r, scope)
            .await
            .map_err(|e| v.internal(e))?;
        let open = app
            .store
            .open_alert_count(r.id, scope)
            .await
            .map_err(|e| v.internal(e))?;
        points.push((point, open));
    }
    let points: Vec<trends::Point<'_>> = points
        .iter()
        .map(|(run, open_alerts)| trends::Point {
            run,
            open_alerts: *open_alerts,
        })
        .collect();
    Ok(trends::charts(&points, v.lang))
}
