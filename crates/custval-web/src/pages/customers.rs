//! The customer pages: the filtered, sorted, paginated list; its CSV (UTF-8 with BOM) and
//! XLSX exports (audited); the customer-360 page; and the override form (audited by the store).
//!
//! A sales user's list and exports are filtered by their owner id in the store query, and a
//! customer they do not own is 404 on every page, exactly as if it did not exist. The list
//! reads one page from the store per request: the store's `(run, column, score)` indexes and
//! its per-run counts keep that fast at a million customers, whatever the page.

mod charts;
mod texts;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use custval_app::AppError;
use custval_app::customers::{ListRow, Lister};
use custval_app::explain::Shown;
use custval_app::overrides;
use custval_export::Table;
use custval_model::{CustomerRecord, RunInfo, TIERS, TxRecord};
use custval_report::{Bar, ChartView};
use custval_store::Personal;
use custval_store::{ResultQuery, Store};
use serde::Deserialize;

use super::{PageError, Viewer, check_csrf, parse_day, render, run_for, some, today, visible};
use crate::Shared;
use crate::auth::{self, Permission, may};
use crate::i18n::{self, Lang, Msg};
use crate::views::{Chrome, Texts, any_class_label, channel_label, class_label, encode, query};

/// Customers per list page.
pub const PER_PAGE: u64 = 50;
/// Excel's row limit (one row is the header).
const XLSX_MAX_ROWS: u64 = 1_048_575;
/// Most purchases shown on the customer page.
const TIMELINE: u64 = 30;

/// The list's filters, from the query string (empty fields mean no filter).
#[derive(Deserialize, Default, Clone)]
pub struct ListParams {
    pub run: Option<i64>,
    pub tier: Option<String>,
    pub class: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub owner: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<u64>,
}

impl ListParams {
    /// The list's filters (the list service forces a sales user's owner).
    fn query(&self) -> ResultQuery {
        ResultQuery {
            tier: some(&self.tier),
            class: some(&self.class),
            industry: some(&self.industry),
            region: some(&self.region),
            owner: some(&self.owner),
            search: some(&self.q),
            sort: self
                .sort
                .as_deref()
                .and_then(|s| s.parse().ok())
                .unwrap_or_default(),
            ..ResultQuery::default()
        }
    }

    /// The list of `run` these filters select for `v`.
    async fn lister<'s, S: Store>(
        &self,
        app: &'s Shared<S>,
        v: &Viewer,
        run: RunInfo,
    ) -> Result<Lister<'s, S>, PageError> {
        Lister::new(&app.store, v.actor(), run, self.query(), today())
            .await
            .map_err(|e| v.app_error(e))
    }

    /// Query-string pairs of the filters (not the page).
    fn pairs(&self, run: i64) -> Vec<(&'static str, String)> {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        vec![
            ("run", run.to_string()),
            ("tier", o(&self.tier)),
            ("class", o(&self.class)),
            ("industry", o(&self.industry)),
            ("region", o(&self.region)),
            ("owner", o(&self.owner)),
            ("q", o(&self.q)),
            ("sort", o(&self.sort)),
        ]
    }

    fn href(&self, path: &str, run: i64, page: Option<u64>) -> String {
        let mut pairs = self.pairs(run);
        if let Some(p) = page {
            pairs.push(("page", p.to_string()));
        }
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        format!("{path}{}", query(&refs))
    }
}

pub struct Row {
    pub id: String,
    pub href: String,
    pub name: String,
    pub tier: String,
    /// The override's note when one is in force (the tier shown is the override's).
    pub overridden: Option<String>,
    /// The provisional mark when the row shows an update's figures.
    pub provisional: Option<String>,
    pub class: String,
    pub lifecycle: String,
    pub score: String,
    pub clv: String,
    pub spend: String,
    pub p_alive: String,
    pub industry: String,
    pub region: String,
    pub owner: String,
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "customers.html")]
struct ListPage {
    t: Texts,
    chrome: Chrome,
    run_id: i64,
    run_label: String,
    total: String,
    rows: Vec<Row>,
    tiers: Vec<Opt>,
    classes: Vec<Opt>,
    industries: Vec<Opt>,
    sorts: Vec<Opt>,
    region: String,
    owner: String,
    q: String,
    show_owner_filter: bool,
    page_label: String,
    prev: Option<String>,
    next: Option<String>,
    csv: String,
    xlsx: String,
}

fn options(values: Vec<(String, String)>, selected: &Option<String>, lang: Lang) -> Vec<Opt> {
    let mut out = vec![Opt {
        value: String::new(),
        label: Msg::All.text(lang).to_string(),
        selected: some(selected).is_none(),
    }];
    for (value, label) in values {
        out.push(Opt {
            selected: some(selected).as_deref() == Some(value.as_str()),
            value,
            label,
        });
    }
    out
}

fn row(r: &ListRow, run: i64, lang: Lang) -> Row {
    Row {
        href: format!("/customers/{}?run={run}", encode(&r.customer_id)),
        id: r.customer_id.clone(),
        name: r.name.clone().unwrap_or_default(),
        tier: r.tier.clone(),
        overridden: r.override_.clone(),
        provisional: r.provisional.as_ref().map(|p| texts::provisional(p, lang)),
        class: class_label("value_class", &r.value_class, lang),
        lifecycle: class_label("lifecycle", &r.lifecycle, lang),
        score: i18n::fixed(r.score, 1),
        clv: i18n::opt_money(lang, r.clv),
        spend: i18n::opt_money(lang, r.spend_12m),
        p_alive: r
            .p_alive
            .map_or_else(|| i18n::DASH.to_string(), i18n::percent),
        industry: r.industry.clone().unwrap_or_default(),
        region: r.region.clone().unwrap_or_default(),
        owner: r.owner.clone().unwrap_or_default(),
    }
}

pub async fn customers<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let lang = v.lang;
    let run = run_for(&app, &v, p.run).await?;
    let page_no = p.page.unwrap_or(1).max(1);
    let lister = p.lister(&app, &v, run.clone()).await?;
    let page = lister
        .page((page_no - 1) * PER_PAGE, PER_PAGE)
        .await
        .map_err(|e| v.app_error(e))?;
    let pages = page.total.div_ceil(PER_PAGE).max(1);

    // Filter choices from the run's summary counts.
    let summary = custval_app::summary(&run).ok();
    let counts = summary.as_ref().map(|s| &s.classes.counts);
    let keys = |dim: &str| -> Vec<String> {
        counts
            .and_then(|c| c.get(dim))
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut class_values = Vec::new();
    for dim in [
        "value_class",
        "potential_tier",
        "lifecycle",
        "profit_loyalty",
    ] {
        for k in keys(dim) {
            if !class_values.iter().any(|(v, _): &(String, String)| *v == k) {
                class_values.push((k.clone(), any_class_label(&k, lang)));
            }
        }
    }
    let industries = keys("industry")
        .into_iter()
        .map(|k| (k.clone(), k))
        .collect();
    let sorts = [
        ("score", Msg::Score),
        ("clv", Msg::Clv),
        ("spend_12m", Msg::Spend12m),
        ("customer_id", Msg::CustomerId),
        ("name", Msg::Name),
    ];
    let sort_now = p.sort.clone().filter(|s| !s.is_empty());
    let page_view = ListPage {
        t: Texts(lang),
        chrome: v.chrome(Msg::Customers.text(lang), "/customers"),
        run_id: run.id,
        run_label: format!(
            "{} {} · {} {}",
            Msg::Run.text(lang),
            run.id,
            Msg::AsOf.text(lang),
            i18n::date(lang, run.as_of)
        ),
        total: i18n::count(page.total),
        rows: page.rows.iter().map(|r| row(r, run.id, lang)).collect(),
        tiers: options(
            TIERS
                .iter()
                .map(|t| ((*t).to_string(), (*t).to_string()))
                .collect(),
            &p.tier,
            lang,
        ),
        classes: options(class_values, &p.class, lang),
        industries: options(industries, &p.industry, lang),
        sorts: sorts
            .iter()
            .map(|(k, m)| Opt {
                value: (*k).to_string(),
                label: m.text(lang).to_string(),
                selected: sort_now.as_deref().unwrap_or("score") == *k,
            })
            .collect(),
        region: p.region.clone().unwrap_or_default(),
        owner: p.owner.clone().unwrap_or_default(),
        q: p.q.clone().unwrap_or_default(),
        show_owner_filter: auth::scope(&v.user).is_none(),
        page_label: format!("{} {page_no} / {pages}", Msg::PageWord.text(lang)),
        prev: (page_no > 1).then(|| p.href("/customers", run.id, Some(page_no - 1))),
        next: (page_no < pages).then(|| p.href("/customers", run.id, Some(page_no + 1))),
        csv: p.href("/export/customers.csv", run.id, None),
        xlsx: p.href("/export/customers.xlsx", run.id, None),
    };
    render(&v, &page_view)
}

// ---------------------------------------------------------------------------------------
// exports

/// The filtered list as a table (at most `max` rows, the columns of every customer export),
/// and audits the export.
async fn export_table<S: Store>(
    app: &Shared<S>,
    v: &Viewer,
    p: &ListParams,
    format: &str,
    max: u64,
) -> Result<(RunInfo, Table), PageError> {
    let run = run_for(app, v, p.run).await?;
    let lister = p.lister(app, v, run.clone()).await?;
    let mut table = custval_app::customers::export_table();
    // The service reads the store in chunks and keeps no details.
    lister
        .for_each_chunk(50_000, |rows| {
            let room = (max as usize).saturating_sub(table.rows.len());
            table
                .rows
                .extend(rows.iter().take(room).map(ListRow::cells));
        })
        .await
        .map_err(|e| v.app_error(e))?;
    let q = lister.query();
    app.store
        .audit(
            &v.user.name,
            "export_customers",
            &format!("run {}", run.id),
            &serde_json::json!({
                "format": format,
                "rows": table.rows.len(),
                "tier": q.tier, "class": q.class, "industry": q.industry,
                "region": q.region, "owner": q.owner, "search": q.search,
            }),
        )
        .await
        .map_err(|e| v.internal(e))?;
    Ok((run, table))
}

fn attachment(content_type: &'static str, name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

pub async fn export_csv<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let (run, table) = export_table(&app, &v, &p, "csv", u64::MAX / 2).await?;
    let bytes = tokio::task::spawn_blocking(move || custval_export::csv_bytes(&table))
        .await
        .map_err(|e| v.internal(e))?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        format!("customers-run{}.csv", run.id),
        bytes,
    ))
}

pub async fn export_xlsx<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let (run, table) = export_table(&app, &v, &p, "xlsx", XLSX_MAX_ROWS).await?;
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        // custval-export writes files atomically; a private temporary directory holds it.
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join("customers.xlsx");
        custval_export::write_table(&path, custval_export::TableFormat::Xlsx, &table)
            .map_err(|e| e.to_string())?;
        std::fs::read(&path).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| v.internal(e))?
    .map_err(|e| v.internal(e))?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("customers-run{}.xlsx", run.id),
        bytes,
    ))
}

// ---------------------------------------------------------------------------------------
// customer 360

pub struct Kv {
    pub label: &'static str,
    pub value: String,
}

pub struct IndicatorRow {
    pub name: String,
    pub dimension: String,
    pub raw: String,
    pub normalized: String,
    pub weight: String,
    pub points: String,
    pub how: String,
}

pub struct RuleRow {
    pub what: &'static str,
    pub class: String,
    pub rule: String,
}

pub struct HistoryRow {
    pub run: i64,
    pub as_of: String,
    pub tier: String,
    pub score: String,
    pub current: bool,
}

pub struct TxRow {
    pub date: String,
    pub order: String,
    pub amount: String,
    pub category: String,
    pub channel: String,
}

/// A line of the profit waterfall: its label, amount and whether it is deducted or the total.
pub struct ProfitRow {
    pub label: String,
    pub amount: String,
    pub kind: &'static str,
}

pub struct ActionRow {
    pub text: String,
    pub reason: String,
}

pub struct OverrideView {
    pub tier: String,
    pub reason: String,
    pub author: String,
    pub until: String,
    pub computed: String,
}

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerPage {
    t: Texts,
    chrome: Chrome,
    id: String,
    name: String,
    tier: String,
    run_label: String,
    back: String,
    facts: Vec<Kv>,
    contact: Vec<Kv>,
    masked: bool,
    chart: ChartView,
    formula: String,
    indicators: Vec<IndicatorRow>,
    rules: Vec<RuleRow>,
    history: Vec<HistoryRow>,
    timeline: Vec<TxRow>,
    actions: Vec<ActionRow>,
    cross_sell: Vec<String>,
    ov: Option<OverrideView>,
    alerts: Vec<super::dynamics::AlertRow>,
    can_override: bool,
    /// The override form's tier choices, the tier shown selected.
    tier_choices: Vec<Opt>,
    /// The monthly spend line and the tier strip (inline SVG).
    spend: ChartView,
    strip: String,
    action_set: String,
    action_clear: String,
    key: super::accounts::KeyPanel,
    /// The CLV formula with the figures, and the parts as rows.
    clv_line: Option<String>,
    clv_rows: Vec<Kv>,
    profit_rows: Vec<ProfitRow>,
}

#[derive(Deserialize)]
pub struct CustomerParams {
    run: Option<i64>,
    done: Option<String>,
    err: Option<String>,
}

pub async fn customer<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(id): Path<String>,
    Query(p): Query<CustomerParams>,
) -> Result<Response, PageError> {
    let lang = v.lang;
    let run = run_for(&app, &v, p.run).await?;
    let result = visible(&app, &v, &run, &id).await?;
    let key = super::accounts::key_panel(&app, &v, &run, result).await?;
    let shown = custval_app::customer_view(&app.store, &run, &id, today())
        .await
        .map_err(|e| v.internal(e))?
        .ok_or_else(|| v.fail(StatusCode::NOT_FOUND, Msg::NotFound))?;
    let master = app
        .store
        .customer(&id)
        .await
        .map_err(|e| v.internal(e))?
        .unwrap_or_default();
    let txs = app
        .store
        .transactions_of(&id, TIMELINE)
        .await
        .map_err(|e| v.internal(e))?;
    let personal = app.store.personal(&id).await.map_err(|e| v.internal(e))?;
    // The spend line ends with the run's month, like every other figure of the page.
    let months = app
        .store
        .monthly_spend(&id, charts::range_start(run.as_of), run.as_of)
        .await
        .map_err(|e| v.internal(e))?;
    let summary = custval_app::summary(&run).ok();
    let alerts = custval_app::dynamics::alerts(
        &app.store,
        &custval_store::AlertQuery {
            run: Some(run.id),
            customer_id: Some(id.clone()),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| v.internal(e))?;

    let mut chrome = v.chrome(
        format!("{} · {}", shown.name.clone().unwrap_or_default(), id),
        "/customers",
    );
    (chrome.flash, chrome.error) = form_messages(&p, lang);
    let (clv_line, clv_rows, profit_rows) = money_views(&shown, lang);
    let enc = encode(&id);
    let page = CustomerPage {
        clv_line,
        clv_rows,
        profit_rows,
        alerts: super::dynamics::alert_rows(alerts, lang),
        t: Texts(lang),
        chrome,
        name: shown.name.clone().unwrap_or_default(),
        tier: shown.tier.clone(),
        run_label: format!(
            "{} {} · {} {}",
            Msg::Run.text(lang),
            run.id,
            Msg::AsOf.text(lang),
            i18n::date(lang, run.as_of)
        ),
        back: format!("/customers?run={}", run.id),
        facts: fact_rows(&shown, &master, lang),
        contact: contact_rows(&v, &master, personal),
        masked: !may(v.user.role, Permission::PersonalData),
        chart: contribution_chart(&shown, lang),
        formula: texts::formula(&shown, summary.as_ref(), lang),
        indicators: indicator_rows(&shown, summary.as_ref(), lang),
        rules: rule_rows(&shown, lang),
        history: history_rows(&shown, run.id, lang),
        timeline: timeline_rows(&txs, lang),
        actions: action_rows(&shown, lang),
        cross_sell: shown.cross_sell.clone(),
        ov: override_view(&shown, lang),
        can_override: may(v.user.role, Permission::Override),
        tier_choices: TIERS
            .iter()
            .map(|t| Opt {
                value: (*t).to_string(),
                label: (*t).to_string(),
                selected: *t == shown.tier,
            })
            .collect(),
        spend: charts::spend_line(&months, run.as_of, lang),
        strip: charts::tier_strip(&shown.tier_history, run.id, lang),
        action_set: format!("/customers/{enc}/override"),
        action_clear: format!("/customers/{enc}/override/clear"),
        key,
        id,
    };
    render(&v, &page)
}

/// The flash and the error line a form's redirect asks for (`?done=…`, `?err=…`).
fn form_messages(p: &CustomerParams, lang: Lang) -> (Option<String>, Option<String>) {
    let flash = match p.done.as_deref() {
        Some("saved") => Some(Msg::OverrideSaved),
        Some("cleared") => Some(Msg::OverrideCleared),
        Some("plan") => Some(Msg::PlanSaved),
        _ => None,
    };
    let error = match p.err.as_deref() {
        Some("reason") => Some(Msg::ReasonRequired),
        Some("tier") => Some(Msg::BadTier),
        Some("date") => Some(Msg::BadDate),
        _ => None,
    };
    let text = |m: Option<Msg>| m.map(|m| m.text(lang).to_string());
    (text(flash), text(error))
}

/// Indicators by points, as bars.
fn contribution_chart(shown: &Shown, lang: Lang) -> ChartView {
    let zh = lang == Lang::Zh;
    let mut inds: Vec<&custval_app::explain::IndicatorLine> = shown.indicators.iter().collect();
    inds.sort_by(|a, b| b.points.total_cmp(&a.points));
    let bars: Vec<Bar> = inds
        .iter()
        .map(|i| Bar {
            label: if zh {
                i.name_zh.clone()
            } else {
                i.name.clone()
            },
            value: i.points,
            value_text: i18n::fixed(i.points, 2),
        })
        .collect();
    custval_report::bar_chart(
        "contrib",
        Msg::ContributionChart.text(lang),
        lang,
        [Msg::Indicator.text(lang), Msg::Points.text(lang)],
        &bars,
    )
}

/// The key figures and classes beside the chart.
fn fact_rows(shown: &Shown, master: &CustomerRecord, lang: Lang) -> Vec<Kv> {
    let kv = |label: Msg, value: String| Kv {
        label: label.text(lang),
        value,
    };
    let p_alive = match (shown.p_alive, &shown.p_alive_note) {
        (Some(p), _) => i18n::percent(p),
        // Issue 17: a fit with no drop-out says nothing about a quiet customer.
        (None, Some(_)) => Msg::PAliveNotIdentified.text(lang).to_string(),
        (None, None) => i18n::DASH.to_string(),
    };
    vec![
        kv(Msg::Score, i18n::fixed(shown.score, 1)),
        kv(Msg::ValueScore, i18n::fixed(shown.value_score, 1)),
        kv(Msg::PotentialScore, i18n::fixed(shown.potential_score, 1)),
        kv(Msg::Clv, i18n::opt_money(lang, shown.clv)),
        kv(Msg::PAlive, p_alive),
        kv(Msg::Spend12m, i18n::opt_money(lang, shown.spend_12m)),
        kv(
            Msg::ValueClass,
            class_label("value_class", &shown.class, lang),
        ),
        kv(
            Msg::PotentialTier,
            class_label("potential_tier", &shown.potential_tier, lang),
        ),
        kv(
            Msg::Lifecycle,
            class_label("lifecycle", &shown.lifecycle_stage, lang),
        ),
        kv(
            Msg::ProfitLoyalty,
            class_label("profit_loyalty", &shown.profit_loyalty, lang),
        ),
        kv(
            Msg::RfmSegment,
            shown
                .rfm_segment
                .as_deref()
                .map_or_else(|| i18n::DASH.into(), |s| class_label("rfm", s, lang)),
        ),
        kv(Msg::Industry, shown.industry.clone().unwrap_or_default()),
        kv(Msg::Region, master.region.clone().unwrap_or_default()),
        kv(Msg::Owner, shown.owner.clone().unwrap_or_default()),
    ]
}

/// Phone and e-mail as the viewer may see them, and the state of erased or locked fields.
fn contact_rows(v: &Viewer, master: &CustomerRecord, personal: Option<Personal>) -> Vec<Kv> {
    let lang = v.lang;
    let mut contact = Vec::new();
    if let Some(ph) = &master.phone {
        contact.push(Kv {
            label: Msg::Phone.text(lang),
            value: auth::mask(&v.user, ph),
        });
    }
    if let Some(em) = &master.email {
        contact.push(Kv {
            label: Msg::Email.text(lang),
            value: auth::mask(&v.user, em),
        });
    }
    // Personal fields erased (`customer forget`) or stored encrypted without a key here.
    let personal_state = match personal {
        Some(Personal::Forgotten { at }) => Some(texts::erased_on(&at, lang)),
        Some(Personal::Unavailable { .. }) => Some(Msg::PersonalUnavailable.text(lang).to_string()),
        _ => None,
    };
    if let Some(value) = personal_state {
        contact.push(Kv {
            label: Msg::PersonalData.text(lang),
            value,
        });
    }
    contact
}

fn indicator_rows(
    shown: &Shown,
    summary: Option<&custval_eval::RunSummary>,
    lang: Lang,
) -> Vec<IndicatorRow> {
    let zh = lang == Lang::Zh;
    shown
        .indicators
        .iter()
        .map(|i| IndicatorRow {
            name: if zh {
                i.name_zh.clone()
            } else {
                i.name.clone()
            },
            dimension: custval_i18n::name(lang, custval_i18n::Kind::Dimension, &i.dimension)
                .to_string(),
            raw: i18n::opt_fixed(i.raw, 2),
            normalized: i18n::opt_fixed(i.normalized, 3),
            weight: i18n::fixed(i.weight, 3),
            points: i18n::fixed(i.points, 2),
            how: texts::how(&i.id, &i.how, summary, lang),
        })
        .collect()
}

/// The rule behind the tier and each class.
fn rule_rows(shown: &Shown, lang: Lang) -> Vec<RuleRow> {
    let zh = lang == Lang::Zh;
    let rule_names = [
        ("tier", Msg::Tier),
        ("value_class", Msg::ValueClass),
        ("potential_tier", Msg::PotentialTier),
        ("lifecycle", Msg::Lifecycle),
        ("profit_loyalty", Msg::ProfitLoyalty),
    ];
    rule_names
        .iter()
        .filter_map(|(k, m)| {
            shown.rules.get(*k).map(|c| RuleRow {
                what: m.text(lang),
                class: if *k == "tier" {
                    c.class.clone()
                } else {
                    class_label(k, &c.class, lang)
                },
                rule: if zh {
                    c.rule_zh.clone()
                } else {
                    c.rule.clone()
                },
            })
        })
        .collect()
}

/// Tier history, newest first, the run shown marked.
fn history_rows(shown: &Shown, run: i64, lang: Lang) -> Vec<HistoryRow> {
    shown
        .tier_history
        .iter()
        .rev()
        .map(|h| HistoryRow {
            run: h.run,
            as_of: i18n::date(lang, h.as_of),
            tier: h.tier.clone(),
            score: i18n::fixed(h.score, 1),
            current: h.run == run,
        })
        .collect()
}

fn timeline_rows(txs: &[TxRecord], lang: Lang) -> Vec<TxRow> {
    txs.iter()
        .map(|t| TxRow {
            date: i18n::date(lang, t.date),
            order: t.order_id.clone().unwrap_or_default(),
            amount: i18n::money(lang, t.amount),
            category: t.category.clone().unwrap_or_default(),
            channel: t
                .channel
                .as_deref()
                .map_or_else(String::new, |c| channel_label(c, lang)),
        })
        .collect()
}

fn action_rows(shown: &Shown, lang: Lang) -> Vec<ActionRow> {
    let zh = lang == Lang::Zh;
    shown
        .actions
        .iter()
        .map(|a| ActionRow {
            text: if zh {
                a.text_zh.clone()
            } else {
                a.text.clone()
            },
            reason: if zh {
                a.reason_zh.clone()
            } else {
                a.reason.clone()
            },
        })
        .collect()
}

fn override_view(shown: &Shown, lang: Lang) -> Option<OverrideView> {
    shown.override_.as_ref().map(|o| OverrideView {
        tier: o.tier.clone(),
        reason: o.reason.clone(),
        author: o.author.clone(),
        until: o
            .until
            .as_deref()
            .and_then(parse_day)
            .map_or_else(|| Msg::Open.text(lang).to_string(), |d| i18n::date(lang, d)),
        computed: o.computed_tier.clone(),
    })
}

#[derive(Deserialize)]
pub struct OverrideForm {
    csrf: Option<String>,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    reason: String,
    until: Option<String>,
}

pub async fn override_set<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<OverrideForm>,
) -> Result<Response, PageError> {
    check_csrf(&v, f.csrf.as_deref())?;
    let back = |q: &str| Redirect::to(&format!("/customers/{}?{q}", encode(&id))).into_response();
    let until = match some(&f.until) {
        None => None,
        Some(s) => match parse_day(&s) {
            Some(d) => Some(d),
            None => return Ok(back("err=date")),
        },
    };
    let new = overrides::NewOverride {
        customer_id: &id,
        tier: &f.tier,
        reason: &f.reason,
        until,
    };
    match overrides::set(&app.store, v.actor(), &new, today()).await {
        Ok(_) => Ok(back("done=saved")),
        // The form says which field to fix.
        Err(AppError::Invalid { what: "tier", .. }) => Ok(back("err=tier")),
        Err(AppError::BadInput { what: "reason", .. }) => Ok(back("err=reason")),
        Err(AppError::BadInput { .. }) => Ok(back("err=date")),
        Err(e) => Err(v.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct ClearForm {
    csrf: Option<String>,
}

pub async fn override_clear<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(id): Path<String>,
    Form(f): Form<ClearForm>,
) -> Result<Response, PageError> {
    check_csrf(&v, f.csrf.as_deref())?;
    overrides::clear(&app.store, v.actor(), &id)
        .await
        .map_err(|e| v.app_error(e))?;
    Ok(Redirect::to(&format!("/customers/{}?done=cleared", encode(&id))).into_response())
}

/// The CLV parts and the profit waterfall of the customer page (issue 17, item 3).
fn money_views(
    shown: &custval_app::explain::Shown,
    lang: Lang,
) -> (Option<String>, Vec<Kv>, Vec<ProfitRow>) {
    let zh = lang == Lang::Zh;
    let (line, rows) = match &shown.clv_parts {
        Some(p) => {
            let model = match (&p.model, p.holdout_mae) {
                (Some(m), Some(mae)) => format!(
                    "{} ({})",
                    custval_i18n::name(lang, custval_i18n::Kind::Model, m),
                    i18n::fixed(mae, 3)
                ),
                (Some(m), None) => {
                    custval_i18n::name(lang, custval_i18n::Kind::Model, m).to_string()
                }
                (None, _) => i18n::DASH.to_string(),
            };
            let cost = match p.cost_12m {
                Some(c) => format!(
                    "{} = {} × {}",
                    i18n::money(lang, p.cost_to_serve),
                    i18n::money(lang, c),
                    i18n::fixed(p.cost_p_alive, 3)
                ),
                None => format!(
                    "{} ({})",
                    i18n::money(lang, 0.0),
                    Msg::NotDeducted.text(lang)
                ),
            };
            let rows = vec![
                Kv {
                    label: Msg::PurchaseModel.text(lang),
                    value: model,
                },
                Kv {
                    label: Msg::ExpectedPurchases.text(lang),
                    value: i18n::fixed(p.expected_purchases, 3),
                },
                Kv {
                    label: Msg::DiscountLabel.text(lang),
                    value: format!(
                        "{}, {}",
                        i18n::percent(p.discount.annual_rate),
                        p.discount
                            .factor
                            .map_or_else(|| i18n::DASH.to_string(), |f| i18n::fixed(f, 3))
                    ),
                },
                Kv {
                    label: Msg::ExpectedSpend.text(lang),
                    value: i18n::money(lang, p.expected_spend),
                },
                Kv {
                    label: Msg::MarginLabel.text(lang),
                    value: i18n::percent(p.margin),
                },
                Kv {
                    label: Msg::CostToServe.text(lang),
                    value: cost,
                },
                Kv {
                    label: Msg::Clv.text(lang),
                    value: i18n::money(lang, p.clv),
                },
            ];
            let line = if zh {
                p.explain_zh.clone()
            } else {
                p.explain.clone()
            };
            (Some(line), rows)
        }
        None => (None, Vec::new()),
    };
    let profit = shown.profit.as_ref().map_or_else(Vec::new, |w| {
        w.steps
            .iter()
            .map(|s| ProfitRow {
                label: if zh {
                    s.label_zh.clone()
                } else {
                    s.label.clone()
                },
                amount: s.amount.map_or_else(
                    || format!("{} ({})", i18n::DASH, Msg::NotDeducted.text(lang)),
                    |a| i18n::money(lang, a),
                ),
                kind: match s.id.as_str() {
                    "net_contribution" => "total",
                    "revenue" => "start",
                    _ => "step",
                },
            })
            .collect()
    });
    (line, rows, profit)
}
