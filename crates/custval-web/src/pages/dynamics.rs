//! Dynamic management pages: the alerts of a run (acknowledge, assign) and the comparison of
//! two runs as a migration matrix (counts and value share, with the customers behind a cell
//! one click away in the list of the later run).
//!
//! Alerts follow the customer rules: a sales user sees only the alerts of their customers;
//! managers and admins acknowledge and assign (audited by the store). The migration matrix
//! describes whole runs, so it is on the runs side (analysts and admins).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use custval_app::AppError;
use custval_store::{AlertQuery, Store, StoreError};
use serde::Deserialize;

use super::{PageError, Viewer, check_csrf, render, some};
use crate::Shared;
use crate::auth::{self, Permission, may};
use crate::i18n::{self, Lang, Msg};
use crate::views::{Chrome, Texts, encode, query};
use custval_i18n::Kind;

/// Alerts per page.
const ALERTS_PER_PAGE: u64 = 50;

/// One alert, formatted.
pub struct AlertRow {
    pub id: i64,
    /// The severity id (`critical`, `warning`, `info`), for styling.
    pub severity: String,
    /// The severity in the page's language.
    pub severity_label: String,
    pub customer: String,
    /// The customer's name, when known.
    pub name: String,
    /// Money at risk or to gain, formatted ("" when the alert has none).
    pub at_stake: String,
    /// The amount in full, for hover ("" when none).
    pub at_stake_full: String,
    pub href: String,
    pub owner: String,
    /// The rule's name in the page's language (custval-i18n's domain names).
    pub rule: String,
    /// The rule's id (`spend_drop`), for styling and scripts.
    pub rule_id: String,
    pub explain: String,
    pub action: String,
    /// The evidence as (figure, value) lines in the page's language.
    pub evidence: Vec<(String, String)>,
    /// The status in the page's language.
    pub status: String,
    pub open: bool,
    pub assignee: String,
    pub acknowledged_by: String,
    /// On the first row of a customer's group on the page: how many rows the group has there
    /// (the customer and owner cells span them); 0 on the group's other rows.
    pub group_rows: usize,
}

/// Formats alerts for `lang`, one group per row (see [`group_rows`] for grouping).
pub fn alert_rows(alerts: Vec<custval_app::dynamics::AlertOut>, lang: Lang) -> Vec<AlertRow> {
    let zh = lang == Lang::Zh;
    alerts
        .into_iter()
        .map(|a| AlertRow {
            id: a.id,
            severity_label: custval_i18n::name(lang, Kind::Severity, &a.severity).to_string(),
            href: format!("/customers/{}?run={}", encode(&a.customer_id), a.run),
            severity: a.severity,
            customer: a.customer_id,
            name: a.name.unwrap_or_default(),
            at_stake: if a.at_stake > 0.0 {
                i18n::money(lang, a.at_stake)
            } else {
                String::new()
            },
            at_stake_full: if a.at_stake > 0.0 {
                custval_i18n::money_full(a.at_stake)
            } else {
                String::new()
            },
            owner: a.owner.unwrap_or_default(),
            rule: custval_i18n::name(lang, Kind::Rule, &a.rule).to_string(),
            rule_id: a.rule,
            explain: if zh { a.explain_zh } else { a.explain },
            action: if zh { a.action_zh } else { a.action },
            evidence: evidence_lines(&a.evidence, lang),
            open: a.status == "open",
            status: match a.status.as_str() {
                "open" => Msg::StatusOpen.text(lang).to_string(),
                "acknowledged" => Msg::StatusAcknowledged.text(lang).to_string(),
                _ => a.status,
            },
            assignee: a.assignee.unwrap_or_default(),
            acknowledged_by: a.acknowledged_by.unwrap_or_default(),
            group_rows: 1,
        })
        .collect()
}

/// Ranked alerts grouped by customer (issue 21): a customer's alerts together, in rank order,
/// and customers in the order of their first — most severe, then largest — alert, so the page
/// reads as a work list per customer without losing the ranking.
pub fn grouped(
    alerts: Vec<custval_app::dynamics::AlertOut>,
) -> Vec<custval_app::dynamics::AlertOut> {
    let mut order: Vec<Vec<custval_app::dynamics::AlertOut>> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for a in alerts {
        let i = *at.entry(a.customer_id.clone()).or_insert_with(|| {
            order.push(Vec::new());
            order.len() - 1
        });
        order[i].push(a);
    }
    order.into_iter().flatten().collect()
}

/// Marks the first row of each run of one customer's rows with the run's length (the rows a
/// page shows of a group), the others with 0.
pub fn group_rows(rows: &mut [AlertRow]) {
    let mut i = 0;
    while i < rows.len() {
        let n = rows[i..]
            .iter()
            .take_while(|r| r.customer == rows[i].customer)
            .count();
        rows[i].group_rows = n;
        for r in &mut rows[i + 1..i + n] {
            r.group_rows = 0;
        }
        i += n;
    }
}

/// Evidence figures that are amounts of money.
const MONEY_FIGURES: [&str; 4] = ["at_stake", "value", "material_value", "critical_at_stake"];

/// An alert's evidence (a JSON object of figure → number or label) as lines a reader
/// understands: the figure's name and the value formatted, labels (tiers, classes, risk levels,
/// the basis of an amount) named in `lang`. A figure without a name is shown by its id.
pub fn evidence_lines(evidence: &serde_json::Value, lang: Lang) -> Vec<(String, String)> {
    let Some(map) = evidence.as_object() else {
        return Vec::new();
    };
    map.iter()
        .map(|(k, v)| {
            let label = evidence_label(k, lang);
            let value = match v {
                serde_json::Value::Number(n) => {
                    let x = n.as_f64().unwrap_or(f64::NAN);
                    if MONEY_FIGURES.contains(&k.as_str()) {
                        i18n::money(lang, x)
                    } else {
                        i18n::fixed(x, 2)
                    }
                }
                serde_json::Value::String(t) => evidence_text(k, t, lang),
                serde_json::Value::Bool(true) => Msg::Yes.text(lang).to_string(),
                serde_json::Value::Bool(false) => Msg::No.text(lang).to_string(),
                other => other.to_string(),
            };
            (label, value)
        })
        .collect()
}

/// The key-account risk rules, whose evidence figures the store-level rule names by the
/// rule's variant in lower case (`paymentdelayincrease`).
const RISK_RULES: [&str; 6] = [
    "payment_delay_increase",
    "payment_delay_level",
    "overdue_ratio",
    "spend_drop",
    "orders_drop",
    "complaints",
];

fn evidence_label(key: &str, lang: Lang) -> String {
    let id = format!("web-acc-ev-{key}");
    if custval_i18n::has(Lang::En, &id) {
        return custval_i18n::text(lang, &id).to_string();
    }
    match RISK_RULES.iter().find(|r| r.replace('_', "") == key) {
        Some(r) => custval_i18n::name(lang, Kind::RiskRule, r).to_string(),
        None => key.to_string(),
    }
}

fn evidence_text(key: &str, value: &str, lang: Lang) -> String {
    let lookup = |id: String| {
        custval_i18n::has(Lang::En, &id).then(|| custval_i18n::text(lang, &id).to_string())
    };
    match key {
        "at_stake_basis" => lookup(format!("web-acc-basis-{value}")),
        "compared_with" => lookup(format!("web-acc-base-{value}")),
        _ => None,
    }
    .or_else(|| {
        let risk = custval_i18n::name(lang, Kind::Risk, value);
        (risk != value).then(|| risk.to_string())
    })
    .unwrap_or_else(|| crate::views::any_class_label(value, lang))
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    t: Texts,
    chrome: Chrome,
    run_label: String,
    run_id: i64,
    rows: Vec<AlertRow>,
    statuses: Vec<Choice>,
    severities: Vec<Choice>,
    users: Vec<String>,
    can_act: bool,
    page_label: String,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct AlertParams {
    run: Option<i64>,
    status: Option<String>,
    severity: Option<String>,
    page: Option<u64>,
    done: Option<String>,
}

fn choices(values: &[(&str, Msg)], selected: &Option<String>, lang: Lang) -> Vec<Choice> {
    let sel = some(selected);
    let mut out = vec![Choice {
        value: String::new(),
        label: Msg::All.text(lang).to_string(),
        selected: sel.is_none(),
    }];
    for (v, m) in values {
        out.push(Choice {
            value: (*v).to_string(),
            label: m.text(lang).to_string(),
            selected: sel.as_deref() == Some(*v),
        });
    }
    out
}

pub async fn alerts<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Query(p): Query<AlertParams>,
) -> Result<Response, PageError> {
    let lang = v.lang;
    let run = match custval_app::pick_run(&app.store, p.run).await {
        Ok(r) => r,
        Err(AppError::NoRuns)
        | Err(AppError::Store(StoreError::RunNotFound(_)))
        | Err(AppError::Invalid { what: "run", .. }) => {
            return Err(v.fail(StatusCode::NOT_FOUND, Msg::NoRuns));
        }
        Err(e) => return Err(v.internal(e)),
    };
    let page_no = p.page.unwrap_or(1).max(1);
    let q = AlertQuery {
        run: Some(run.id),
        owner: auth::scope(&v.user),
        status: some(&p.status),
        severity: some(&p.severity),
        ..AlertQuery::default()
    };
    // Issue 17: the most severe first, then the most money at stake, as `custval alerts` —
    // not by customer id. A run's alerts are few enough (≤ 10 % of customers) to rank whole.
    let ranked = match custval_app::dynamics::ranked_alerts(&app.store, &q, None).await {
        Ok(r) => r,
        Err(AppError::Invalid { .. }) => {
            return Err(v.fail(StatusCode::BAD_REQUEST, Msg::BadRequest));
        }
        Err(e) => return Err(v.internal(e)),
    };
    let start =
        usize::try_from((page_no - 1).saturating_mul(ALERTS_PER_PAGE)).unwrap_or(usize::MAX);
    // Issue 21: grouped per customer, groups in the order of their worst alert.
    let found: Vec<_> = grouped(ranked.alerts)
        .into_iter()
        .skip(start)
        .take(ALERTS_PER_PAGE as usize)
        .collect();
    let more = ranked.total > start.saturating_add(found.len());
    let can_act = may(v.user.role, Permission::Alerts);
    let users = if can_act {
        app.store
            .users()
            .await
            .map_err(|e| v.internal(e))?
            .into_iter()
            .map(|u| u.name)
            .collect()
    } else {
        Vec::new()
    };
    let link = |page: u64| {
        let status = p.status.clone().unwrap_or_default();
        let severity = p.severity.clone().unwrap_or_default();
        let page = page.to_string();
        let run = run.id.to_string();
        format!(
            "/alerts{}",
            query(&[
                ("run", &run),
                ("status", &status),
                ("severity", &severity),
                ("page", &page)
            ])
        )
    };
    let mut chrome = v.chrome(Msg::Alerts.text(lang), "/alerts");
    chrome.flash = match p.done.as_deref() {
        Some("ack") => Some(Msg::AlertAcknowledged.text(lang).to_string()),
        Some("assigned") => Some(Msg::AlertAssigned.text(lang).to_string()),
        _ => None,
    };
    let page = AlertsPage {
        t: Texts(lang),
        chrome,
        run_label: format!(
            "{} {} · {} {}",
            Msg::Run.text(lang),
            run.id,
            Msg::AsOf.text(lang),
            i18n::date(lang, run.as_of)
        ),
        run_id: run.id,
        rows: {
            let mut rows = alert_rows(found, lang);
            group_rows(&mut rows);
            rows
        },
        statuses: choices(
            &[
                ("open", Msg::StatusOpen),
                ("acknowledged", Msg::StatusAcknowledged),
            ],
            &p.status,
            lang,
        ),
        severities: choices(
            &[
                ("critical", Msg::SeverityCritical),
                ("warning", Msg::SeverityWarning),
                ("info", Msg::SeverityInfo),
            ],
            &p.severity,
            lang,
        ),
        users,
        can_act,
        page_label: format!("{} {page_no}", Msg::PageWord.text(lang)),
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: more.then(|| link(page_no + 1)),
    };
    render(&v, &page)
}

/// The alert if it exists and `v` may see it (see `custval_app::access`); 404 otherwise.
async fn visible_alert<S: Store>(
    app: &Shared<S>,
    v: &Viewer,
    id: i64,
) -> Result<custval_store::StoredAlert, PageError> {
    custval_app::access::visible_alert(&app.store, v.actor(), id)
        .await
        .map_err(|e| v.app_error(e))
}

#[derive(Deserialize)]
pub struct AlertForm {
    csrf: Option<String>,
    assignee: Option<String>,
    back: Option<String>,
}

fn back_to(f: &AlertForm, done: &str) -> Response {
    let base = crate::views::safe_next(f.back.as_deref());
    let sep = if base.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{base}{sep}done={done}")).into_response()
}

pub async fn acknowledge<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<AlertForm>,
) -> Result<Response, PageError> {
    check_csrf(&v, f.csrf.as_deref())?;
    visible_alert(&app, &v, id).await?;
    if !may(v.user.role, Permission::Alerts) {
        return Err(v.fail(StatusCode::FORBIDDEN, Msg::Forbidden));
    }
    app.store
        .acknowledge_alert(id, &v.user.name)
        .await
        .map_err(|e| v.internal(e))?;
    Ok(back_to(&f, "ack"))
}

pub async fn assign<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<AlertForm>,
) -> Result<Response, PageError> {
    check_csrf(&v, f.csrf.as_deref())?;
    visible_alert(&app, &v, id).await?;
    if !may(v.user.role, Permission::Alerts) {
        return Err(v.fail(StatusCode::FORBIDDEN, Msg::Forbidden));
    }
    let assignee = some(&f.assignee);
    if let Some(name) = &assignee
        && app
            .store
            .user(name)
            .await
            .map_err(|e| v.internal(e))?
            .is_none()
    {
        return Err(v.fail(StatusCode::BAD_REQUEST, Msg::BadRequest));
    }
    app.store
        .assign_alert(id, assignee.as_deref(), &v.user.name)
        .await
        .map_err(|e| v.internal(e))?;
    Ok(back_to(&f, "assigned"))
}

// ---------------------------------------------------------------------------------------
// compare two runs

pub struct MatrixCell {
    pub count: String,
    pub share: String,
    pub href: Option<String>,
    pub diagonal: bool,
    /// 0–4: how dark the cell is drawn (by count).
    pub shade: u8,
}

pub struct MatrixRow {
    pub label: String,
    pub cells: Vec<MatrixCell>,
}

pub struct RunChoice {
    pub id: i64,
    pub label: String,
    pub from: bool,
    pub to: bool,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    t: Texts,
    chrome: Chrome,
    runs: Vec<RunChoice>,
    title: String,
    labels: Vec<String>,
    rows: Vec<MatrixRow>,
    explain: String,
    summary: Vec<(&'static str, String)>,
    empty: bool,
}

#[derive(Deserialize)]
pub struct CompareParams {
    from: Option<i64>,
    to: Option<i64>,
}

pub async fn compare<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Query(p): Query<CompareParams>,
) -> Result<Response, PageError> {
    if !may(v.user.role, Permission::Runs) {
        return Err(v.fail(StatusCode::FORBIDDEN, Msg::Forbidden));
    }
    let lang = v.lang;
    let runs = app.store.runs().await.map_err(|e| v.internal(e))?;
    // Default: the latest run against the one before it.
    let to = p.to.or_else(|| runs.first().map(|r| r.id));
    let from = p.from.or_else(|| {
        let pos = runs.iter().position(|r| Some(r.id) == to)?;
        runs.get(pos + 1).map(|r| r.id)
    });
    let label = |id: i64| {
        runs.iter()
            .find(|r| r.id == id)
            .map(|r| {
                format!(
                    "{} {id} · {}",
                    Msg::Run.text(lang),
                    i18n::date(lang, r.as_of)
                )
            })
            .unwrap_or_else(|| id.to_string())
    };
    let choices = runs
        .iter()
        .map(|r| RunChoice {
            id: r.id,
            label: label(r.id),
            from: Some(r.id) == from,
            to: Some(r.id) == to,
        })
        .collect();
    let mut page = ComparePage {
        t: Texts(lang),
        chrome: v.chrome(Msg::Migrations.text(lang), "/runs"),
        runs: choices,
        title: String::new(),
        labels: Vec::new(),
        rows: Vec::new(),
        explain: String::new(),
        summary: Vec::new(),
        empty: true,
    };
    let (Some(from), Some(to)) = (from, to) else {
        return render(&v, &page);
    };
    let m = match custval_app::dynamics::migrations(&app.store, from, to).await {
        Ok(m) => m,
        Err(AppError::Store(StoreError::RunNotFound(_))) => {
            return Err(v.fail(StatusCode::NOT_FOUND, Msg::NotFound));
        }
        Err(e) => return Err(v.internal(e)),
    };
    let max = m.matrix.iter().flatten().copied().max().unwrap_or(0).max(1);
    let none = |l: &str| {
        if l == "none" {
            Msg::NotInRun.text(lang).to_string()
        } else {
            l.to_string()
        }
    };
    page.title = format!("{} → {}", label(from), label(to));
    page.labels = m.labels.iter().map(|l| none(l)).collect();
    page.rows = m
        .matrix
        .iter()
        .enumerate()
        .map(|(i, row)| MatrixRow {
            label: none(&m.labels[i]),
            cells: row
                .iter()
                .enumerate()
                .map(|(j, &n)| {
                    let to_tier = &m.labels[j];
                    MatrixCell {
                        count: i18n::count(n),
                        share: i18n::percent(
                            m.value_share
                                .get(i)
                                .and_then(|r| r.get(j))
                                .copied()
                                .unwrap_or(0.0),
                        ),
                        // The customers now in a tier are in the later run's list.
                        href: (to_tier != "none" && n > 0)
                            .then(|| format!("/customers?run={to}&tier={}", encode(to_tier))),
                        diagonal: i == j,
                        shade: ((n as f64 / max as f64) * 4.0).round() as u8,
                    }
                })
                .collect(),
        })
        .collect();
    page.explain = if lang == Lang::Zh {
        m.explain_zh.clone()
    } else {
        m.explain.clone()
    };
    page.summary = vec![
        (Msg::Stayed.text(lang), i18n::count(m.stayed)),
        (Msg::Upgraded.text(lang), i18n::count(m.upgraded)),
        (Msg::Downgraded.text(lang), i18n::count(m.downgraded)),
        (Msg::Entered.text(lang), i18n::count(m.entered)),
        (Msg::Left.text(lang), i18n::count(m.left)),
    ];
    page.empty = false;
    render(&v, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, customer: &str) -> AlertRow {
        AlertRow {
            id,
            severity: String::new(),
            severity_label: String::new(),
            customer: customer.into(),
            name: String::new(),
            at_stake: String::new(),
            at_stake_full: String::new(),
            href: String::new(),
            owner: String::new(),
            rule: String::new(),
            rule_id: String::new(),
            explain: String::new(),
            action: String::new(),
            evidence: Vec::new(),
            status: String::new(),
            open: true,
            assignee: String::new(),
            acknowledged_by: String::new(),
            group_rows: 1,
        }
    }

    #[test]
    fn a_customers_rows_span_from_its_first() {
        let mut rows = vec![row(1, "C1"), row(2, "C1"), row(3, "C2"), row(4, "C1")];
        group_rows(&mut rows);
        let spans: Vec<usize> = rows.iter().map(|r| r.group_rows).collect();
        assert_eq!(spans, [2, 0, 1, 1]);
    }

    #[test]
    fn evidence_reads_as_named_figures() {
        let ev = serde_json::json!({
            "at_stake": 13000.0,
            "at_stake_basis": "spend_fall",
            "previous_class": "most_valuable",
            "risk": "high",
            "paymentdelayincrease": 9.5,
            "compared_with": "previous_12_months",
        });
        let lines = evidence_lines(&ev, Lang::Zh);
        let get = |k: &str| {
            lines
                .iter()
                .find(|(l, _)| l == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("{k} in {lines:?}"))
        };
        assert_eq!(get("涉及金额"), "¥1.3万");
        assert_eq!(get("金额口径"), "近12个月消费的降幅");
        assert_eq!(get("上次分类"), "最有价值客户");
        assert_eq!(get("风险等级"), "高风险");
        assert_eq!(get("付款延迟增加"), "9.50");
        assert_eq!(get("对比期"), "前12个月");
        let en = evidence_lines(&ev, Lang::En);
        assert!(en.iter().any(|(l, v)| l == "At stake" && v == "¥13,000"));
    }
}
