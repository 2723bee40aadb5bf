//! Key-account pages (issue 9): the key-account panel of the customer-360 page (wallet and
//! share of wallet with the peer group, risk with its evidence, cross-sell with its figures,
//! SWOT suggestions, the saved account plan), the plan editor, and the `/accounts` list.
//!
//! Everything shown is read back from the run's stored detail through `custval-app`
//! (`key_accounts`, `plans`), so the page, `custval plan show` and the API agree. The editor
//! saves through `custval_app::plans::save_plan`, which validates with the same rules as
//! `custval plan edit` and has the store audit every save. Suggestions are never saved
//! silently: the form shows them as marked lines (`[suggested:code] …`) that the user keeps,
//! rewrites or deletes. Every role may edit the plans of the customers it can see (see
//! `auth::Permission::Plans`); another owner's customer is 404 for a sales user, as on every
//! customer page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use custval_accounts::{
    AccountPlan, PlanAction, PlanError, Quadrant, SwotSuggestion, suggested_code,
};
use custval_app::AppError;
use custval_app::key_accounts::{KeyAccount, KeyAccountQuery, KeySort};
use custval_app::plans::PlanView;
use custval_i18n::{Arg, Kind};
use custval_model::{CustomerResult, RunInfo};
use custval_store::Store;
use serde::Deserialize;

use super::{PageError, Viewer, check_csrf, parse_day, render, run_for, some, today, visible};
use crate::Shared;
use crate::auth::{self, Permission, may};
use crate::i18n::{self, Lang, Msg};
use crate::views::{Chrome, Texts, encode, query};

/// Key accounts per list page.
const PER_PAGE: u64 = 50;

fn plan_lang(lang: Lang) -> custval_accounts::Lang {
    match lang {
        Lang::En => custval_accounts::Lang::En,
        Lang::Zh => custval_accounts::Lang::Zh,
    }
}

fn pick(lang: Lang, en: &str, zh: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Zh => zh.to_string(),
    }
}

/// A risk level id in the page's language (custval-i18n's domain names: 高风险, not "high").
pub fn risk_label(level: &str, lang: Lang) -> String {
    custval_i18n::name(lang, Kind::Risk, level).to_string()
}

/// The name of a figure behind a SWOT suggestion (`avg_payment_delay_days`) in `lang`; a
/// figure without a name is shown by its id.
fn figure_name(figure: &str, lang: Lang) -> String {
    let id = format!("web-acc-figure-{figure}");
    if custval_i18n::has(Lang::En, &id) {
        custval_i18n::text(lang, &id).to_string()
    } else {
        figure.to_string()
    }
}

/// A peer group label (`industry=医药, size=key`) in `lang`.
fn peer_group_label(group: &str, lang: Lang) -> String {
    custval_accounts::peers::group_label(lang, group)
}

/// An entry of a saved plan as a reader sees it: a suggestion's marker (`[建议:code]`) is
/// dropped, since the page shows a badge instead.
fn entry_text(entry: &str) -> String {
    match suggested_code(entry) {
        Some(_) => entry
            .split_once(']')
            .map_or(entry, |(_, rest)| rest)
            .trim()
            .to_string(),
        None => entry.to_string(),
    }
}

/// A plan field path of custval-accounts (`next_review`, `goals[0]`, `actions[2].date`,
/// `swot.threats[1]`) as a reader names it, lines counted from 1.
fn field_label(field: &str, lang: Lang) -> String {
    let (head, index) = match field.split_once('[') {
        Some((h, rest)) => (
            h,
            rest.split(']')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .map(|n| n + 1),
        ),
        None => (field, None),
    };
    let n = |i: usize| Arg::from(i);
    match (head, index) {
        ("next_review", _) => custval_i18n::text(lang, "web-acc-field-next_review").to_string(),
        ("goals", Some(i)) => custval_i18n::format(lang, "web-acc-field-goal", &[("n", n(i))]),
        ("actions", Some(i)) => {
            custval_i18n::format(lang, "web-acc-field-action-date", &[("n", n(i))])
        }
        (swot, Some(i)) if swot.starts_with("swot.") => {
            let q = QUADRANTS
                .iter()
                .find(|(_, id)| Some(*id) == swot.strip_prefix("swot."))
                .map_or(swot, |(q, _)| quadrant_label(*q, lang));
            custval_i18n::format(
                lang,
                "web-acc-field-swot",
                &[("quadrant", Arg::Str(q)), ("n", n(i))],
            )
        }
        _ => field.to_string(),
    }
}

/// A plan problem in `lang`. English keeps custval-accounts' own message, word for word what
/// `custval plan edit` and the API say; Chinese names the field as the form labels it.
fn problem_text(e: &PlanError, lang: Lang) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        PlanError::EmptyCustomerId => {
            custval_i18n::text(lang, "web-acc-plan-no-customer").to_string()
        }
        PlanError::BadDate { field, value } => custval_i18n::format(
            lang,
            "web-acc-plan-bad-date",
            &[
                ("field", Arg::from(&field_label(field, lang))),
                ("value", Arg::from(value)),
            ],
        ),
        PlanError::EmptyAction { index } => custval_i18n::format(
            lang,
            "web-acc-plan-empty-action",
            &[("n", Arg::from(index + 1))],
        ),
        PlanError::BlankEntry { field } => custval_i18n::format(
            lang,
            "web-acc-plan-blank",
            &[("field", Arg::from(&field_label(field, lang)))],
        ),
        PlanError::ReviewBeforeLastAction {
            next_review,
            last_action,
        } => custval_i18n::format(
            lang,
            "web-acc-plan-review-before",
            &[
                ("review", Arg::from(&review_text(lang, next_review))),
                ("last", Arg::from(&review_text(lang, last_action))),
            ],
        ),
    }
}

fn quadrant_label(q: Quadrant, lang: Lang) -> &'static str {
    match q {
        Quadrant::Strength => Msg::Strengths,
        Quadrant::Weakness => Msg::Weaknesses,
        Quadrant::Opportunity => Msg::Opportunities,
        Quadrant::Threat => Msg::Threats,
    }
    .text(lang)
}

const QUADRANTS: [(Quadrant, &str); 4] = [
    (Quadrant::Strength, "strengths"),
    (Quadrant::Weakness, "weaknesses"),
    (Quadrant::Opportunity, "opportunities"),
    (Quadrant::Threat, "threats"),
];

/// Is `day` (`YYYY-MM-DD`) before today?
fn overdue(day: &str) -> bool {
    parse_day(day).is_some_and(|d| d < today())
}

fn review_text(lang: Lang, day: &str) -> String {
    parse_day(day).map_or_else(|| day.to_string(), |d| i18n::date(lang, d))
}

// ---------------------------------------------------------------------------------------
// the panel on the customer page

pub struct WalletLine {
    pub source: String,
    pub wallet: String,
    pub share: String,
    pub gap: String,
    pub spend: String,
    pub peer_group: Option<String>,
    pub peers: Option<String>,
    pub percentile: Option<String>,
    /// Why there is no estimate.
    pub none: Option<String>,
    pub explain: String,
}

pub struct EvidenceLine {
    pub text: String,
    pub figure: String,
}

pub struct CrossSellLine {
    pub category: String,
    pub why: String,
}

pub struct SuggestionLine {
    pub quadrant: &'static str,
    pub code: String,
    pub text: String,
    /// The figure behind it: name, the customer's value and the threshold.
    pub figure: String,
}

pub struct Entry {
    pub text: String,
    pub suggested: bool,
}

pub struct QuadrantView {
    pub id: &'static str,
    pub label: &'static str,
    pub entries: Vec<Entry>,
}

pub struct ActionLine {
    pub date: String,
    pub action: String,
    pub outcome: String,
}

/// The saved plan as shown.
pub struct PlanLines {
    pub saved: Option<String>,
    pub owner: String,
    pub next_review: Option<String>,
    pub overdue: bool,
    pub goals: Vec<String>,
    pub swot: Vec<QuadrantView>,
    pub actions: Vec<ActionLine>,
}

/// The key-account panel of the customer page.
pub struct KeyPanel {
    pub in_plan_tiers: bool,
    pub wallet: Option<WalletLine>,
    pub risk: Option<String>,
    pub risk_level: String,
    pub risk_evidence: Vec<EvidenceLine>,
    pub cross_sell: Vec<CrossSellLine>,
    pub suggestions: Vec<SuggestionLine>,
    pub plan: PlanLines,
    pub show_plan: bool,
    pub can_edit: bool,
    pub edit_href: String,
}

fn figure_text(s: &SwotSuggestion, lang: Lang) -> String {
    format!(
        "{} = {} ({} {})",
        figure_name(&s.figure, lang),
        i18n::fixed(s.value, 2),
        Msg::Threshold.text(lang),
        i18n::fixed(s.threshold, 2)
    )
}

fn suggestion_lines(list: &[SwotSuggestion], lang: Lang) -> Vec<SuggestionLine> {
    list.iter()
        .map(|s| SuggestionLine {
            quadrant: quadrant_label(s.quadrant, lang),
            code: s.code.clone(),
            text: pick(lang, &s.text_en, &s.text_zh),
            figure: figure_text(s, lang),
        })
        .collect()
}

fn plan_lines(view: &PlanView, lang: Lang) -> PlanLines {
    let p = &view.plan;
    PlanLines {
        saved: match (&view.updated_at, &view.updated_by) {
            (Some(at), Some(by)) => Some(format!("{} · {by}", i18n::timestamp(at))),
            _ => None,
        },
        owner: p.owner.clone().unwrap_or_default(),
        overdue: p.next_review.as_deref().is_some_and(overdue),
        next_review: p.next_review.as_deref().map(|d| review_text(lang, d)),
        goals: p.goals.clone(),
        swot: QUADRANTS
            .iter()
            .map(|(q, id)| QuadrantView {
                id,
                label: quadrant_label(*q, lang),
                entries: p
                    .swot
                    .list(*q)
                    .iter()
                    .map(|e| Entry {
                        suggested: suggested_code(e).is_some(),
                        text: entry_text(e),
                    })
                    .collect(),
            })
            .collect(),
        actions: p
            .actions
            .iter()
            .map(|a| ActionLine {
                date: review_text(lang, &a.date),
                action: a.action.clone(),
                outcome: a.outcome.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

fn wallet_line(w: &custval_app::key_accounts::WalletView, lang: Lang) -> WalletLine {
    WalletLine {
        source: match w.source.as_str() {
            "known" => Msg::WalletKnown.text(lang).to_string(),
            "peers" => Msg::WalletPeers.text(lang).to_string(),
            _ => Msg::NoEstimate.text(lang).to_string(),
        },
        wallet: i18n::opt_money(lang, w.wallet),
        share: w
            .share_of_wallet
            .map_or_else(|| i18n::DASH.to_string(), i18n::percent),
        gap: i18n::opt_money(lang, w.wallet_gap),
        spend: i18n::opt_money(lang, w.spend_12m),
        peer_group: w.peer_group.as_deref().map(|g| peer_group_label(g, lang)),
        peers: w.peers.map(|n| i18n::count(n as u64)),
        percentile: w.percentile.map(i18n::percent),
        none: match lang {
            Lang::En => w.no_estimate_en.clone(),
            Lang::Zh => w.no_estimate_zh.clone(),
        },
        explain: pick(lang, &w.explain_en, &w.explain_zh),
    }
}

fn panel(key: &KeyAccount, view: &PlanView, v: &Viewer, id: &str) -> KeyPanel {
    let lang = v.lang;
    let risk = key.risk.as_ref();
    KeyPanel {
        in_plan_tiers: key.in_plan_tiers,
        wallet: key.wallet.as_ref().map(|w| wallet_line(w, lang)),
        risk: risk.map(|r| {
            format!(
                "{} ({} {})",
                risk_label(&r.level, lang),
                Msg::RiskScore.text(lang),
                i18n::fixed(r.score, 2)
            )
        }),
        risk_level: risk.map_or_else(|| "none".to_string(), |r| r.level.clone()),
        risk_evidence: risk
            .map(|r| {
                r.evidence
                    .iter()
                    .map(|e| EvidenceLine {
                        text: pick(lang, &e.explain_en, &e.explain_zh),
                        figure: format!(
                            "{} ({} {})",
                            i18n::fixed(e.value, 2),
                            Msg::Threshold.text(lang),
                            i18n::fixed(e.threshold, 2)
                        ),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        cross_sell: key
            .cross_sell
            .iter()
            .map(|c| CrossSellLine {
                category: c.category.clone(),
                why: match lang {
                    Lang::En => c.why_en.clone(),
                    Lang::Zh => c.why_zh.clone(),
                }
                .unwrap_or_default(),
            })
            .collect(),
        suggestions: suggestion_lines(&key.suggestions, lang),
        plan: plan_lines(view, lang),
        show_plan: key.in_plan_tiers || view.saved,
        can_edit: may(v.user.role, Permission::Plans),
        edit_href: format!("/customers/{}/plan", encode(id)),
    }
}

/// The key-account panel of `result` (a result of `run` that `v` may see).
pub async fn key_panel<S: Store>(
    app: &Shared<S>,
    v: &Viewer,
    run: &RunInfo,
    result: CustomerResult,
) -> Result<KeyPanel, PageError> {
    let tiers = app.plan_tiers.get(run);
    let key =
        custval_app::key_accounts::key_account(run, &result, &tiers).map_err(|e| v.internal(e))?;
    let id = result.customer_id.clone();
    let view = custval_app::plans::plan_view_with_tiers(
        &app.store,
        run,
        result,
        &tiers,
        plan_lang(v.lang),
    )
    .await
    .map_err(|e| v.internal(e))?;
    Ok(panel(&key, &view, v, &id))
}

// ---------------------------------------------------------------------------------------
// the plan editor

pub struct DismissOpt {
    pub code: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    t: Texts,
    chrome: Chrome,
    id: String,
    name: String,
    tier: String,
    back: String,
    action: String,
    not_plan_tier: bool,
    saved: Option<String>,
    problems: Vec<String>,
    owner: String,
    next_review: String,
    goals: String,
    swot: Vec<(&'static str, &'static str, String)>,
    actions: String,
    dismissed: String,
    suggestions: Vec<SuggestionLine>,
    dismiss: Vec<DismissOpt>,
}

fn lines(v: &[String]) -> String {
    v.join("\n")
}

fn plan_page(
    v: &Viewer,
    result: &CustomerResult,
    view: &PlanView,
    form: &AccountPlan,
    problems: Vec<String>,
) -> PlanPage {
    let lang = v.lang;
    let enc = encode(&result.customer_id);
    PlanPage {
        t: Texts(lang),
        chrome: v.chrome(
            format!(
                "{} · {}",
                Msg::AccountPlan.text(lang),
                result.name.clone().unwrap_or_default()
            ),
            "/accounts",
        ),
        id: result.customer_id.clone(),
        name: result.name.clone().unwrap_or_default(),
        tier: result.tier.clone(),
        back: format!("/customers/{enc}"),
        action: format!("/customers/{enc}/plan"),
        not_plan_tier: !view.in_plan_tiers,
        saved: plan_lines(view, lang).saved,
        problems,
        owner: form.owner.clone().unwrap_or_default(),
        next_review: form.next_review.clone().unwrap_or_default(),
        goals: lines(&form.goals),
        swot: QUADRANTS
            .iter()
            .map(|(q, id)| (*id, quadrant_label(*q, lang), lines(form.swot.list(*q))))
            .collect(),
        actions: form
            .actions
            .iter()
            .map(|a| match &a.outcome {
                Some(o) => format!("{} | {} | {o}", a.date, a.action),
                None => format!("{} | {}", a.date, a.action),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        dismissed: lines(&form.dismissed_suggestions),
        suggestions: suggestion_lines(&view.suggestions, lang),
        dismiss: view
            .suggestions
            .iter()
            .filter(|s| !form.dismissed_suggestions.contains(&s.code))
            .map(|s| DismissOpt {
                code: s.code.clone(),
                label: format!(
                    "{} · {}",
                    quadrant_label(s.quadrant, lang),
                    pick(lang, &s.text_en, &s.text_zh)
                ),
            })
            .collect(),
    }
}

/// The customer (latest run unless `run` is given) and their plan view, if `v` may edit it.
async fn editable<S: Store>(
    app: &Shared<S>,
    v: &Viewer,
    id: &str,
    run: Option<i64>,
) -> Result<(CustomerResult, PlanView), PageError> {
    let run = run_for(app, v, run).await?;
    let result = visible(app, v, &run, id).await?;
    if !may(v.user.role, Permission::Plans) {
        return Err(v.fail(StatusCode::FORBIDDEN, Msg::Forbidden));
    }
    let tiers = app.plan_tiers.get(&run);
    let view = custval_app::plans::plan_view_with_tiers(
        &app.store,
        &run,
        result.clone(),
        &tiers,
        plan_lang(v.lang),
    )
    .await
    .map_err(|e| v.internal(e))?;
    Ok((result, view))
}

#[derive(Deserialize)]
pub struct PlanParams {
    run: Option<i64>,
}

/// `GET /customers/{id}/plan`: the editor, filled with the saved plan and the current
/// suggestions as marked lines (the draft `custval plan show` prints).
pub async fn plan_form<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(id): Path<String>,
    Query(p): Query<PlanParams>,
) -> Result<Response, PageError> {
    let (result, view) = editable(&app, &v, &id, p.run).await?;
    let page = plan_page(&v, &result, &view, &view.draft, Vec::new());
    render(&v, &page)
}

/// Non-empty trimmed lines of a text area.
fn text_lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The plan a submitted form describes (not yet validated). Actions are written as in
/// `custval plan edit --action`: `DATE | what was done | outcome`.
fn plan_from_form(id: &str, form: &[(String, String)]) -> AccountPlan {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut plan = AccountPlan::new(id);
    plan.owner = some(&Some(get("owner").to_string()));
    plan.next_review = some(&Some(get("next_review").to_string()));
    plan.goals = text_lines(get("goals"));
    for (q, name) in QUADRANTS {
        *plan.swot.list_mut(q) = text_lines(get(name));
    }
    plan.actions = text_lines(get("actions"))
        .iter()
        .map(|l| {
            let mut parts = l.splitn(3, '|').map(str::trim);
            PlanAction {
                date: parts.next().unwrap_or_default().to_string(),
                action: parts.next().unwrap_or_default().to_string(),
                outcome: parts.next().filter(|o| !o.is_empty()).map(str::to_string),
            }
        })
        .collect();
    let mut dismissed = text_lines(get("dismissed"));
    for (n, code) in form {
        let code = code.trim();
        if n == "dismiss" && !code.is_empty() && !dismissed.iter().any(|d| d == code) {
            dismissed.push(code.to_string());
        }
    }
    // A dismissed suggestion leaves the SWOT too, unless the user made it their own text.
    for (q, _) in QUADRANTS {
        plan.swot
            .list_mut(q)
            .retain(|e| suggested_code(e).is_none_or(|c| !dismissed.iter().any(|d| d == c)));
    }
    plan.dismissed_suggestions = dismissed;
    plan
}

/// `POST /customers/{id}/plan`: validates and saves (audited), then back to the customer.
/// An invalid plan is shown again with its problems and what was typed (422).
pub async fn plan_save<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let token = form
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, t)| t.as_str());
    check_csrf(&v, token)?;
    let (result, view) = editable(&app, &v, &id, None).await?;
    let plan = plan_from_form(&id, &form);
    let problems: Vec<String> = plan
        .problems()
        .iter()
        .map(|e| problem_text(e, v.lang))
        .collect();
    if !problems.is_empty() {
        let page = plan_page(&v, &result, &view, &plan, problems);
        let body = page.render().map_err(|e| v.internal(e))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response());
    }
    match custval_app::plans::save_plan(&app.store, &plan, &v.user.name).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/customers/{}?done=plan#key-account", encode(&id)))
                .into_response(),
        ),
        Err(AppError::Plan(msg)) => {
            let page = plan_page(&v, &result, &view, &plan, vec![msg]);
            let body = page.render().map_err(|e| v.internal(e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
        }
        Err(e) => Err(v.internal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// the key-accounts list

pub struct AccountRow {
    pub id: String,
    pub href: String,
    pub name: String,
    pub tier: String,
    pub risk: String,
    pub risk_level: String,
    pub share: String,
    pub spend: String,
    pub score: String,
    pub review: String,
    pub overdue: bool,
    pub has_plan: bool,
    pub alerts: String,
    pub alerts_href: String,
    pub owner: String,
}

pub struct SortLink {
    pub label: &'static str,
    pub href: String,
    pub active: bool,
}

pub struct TierLink {
    pub label: String,
    pub href: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    t: Texts,
    chrome: Chrome,
    run_label: String,
    scoped: bool,
    total: String,
    plan_tiers: String,
    rows: Vec<AccountRow>,
    sorts: Vec<SortLink>,
    tiers: Vec<TierLink>,
    review_order: bool,
    page_label: String,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct AccountsParams {
    run: Option<i64>,
    tier: Option<String>,
    sort: Option<String>,
    page: Option<u64>,
}

fn accounts_href(run: i64, tier: &Option<String>, sort: KeySort, page: u64) -> String {
    let tier = tier.clone().unwrap_or_default();
    let run = run.to_string();
    let page = page.to_string();
    let mut pairs = vec![("run", run.as_str()), ("sort", sort.id())];
    if !tier.is_empty() {
        pairs.push(("tier", tier.as_str()));
    }
    if page != "1" {
        pairs.push(("page", page.as_str()));
    }
    format!("/accounts{}", query(&pairs))
}

/// `GET /accounts`: the key accounts of a run, a page at a time (a sales user's own only).
pub async fn accounts<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Query(p): Query<AccountsParams>,
) -> Result<Response, PageError> {
    let lang = v.lang;
    let run = run_for(&app, &v, p.run).await?;
    let sort: KeySort = p
        .sort
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|_| v.fail(StatusCode::BAD_REQUEST, Msg::BadRequest))?;
    let tier = some(&p.tier);
    let page_no = p.page.unwrap_or(1).max(1);
    let scope = auth::scope(&v.user);
    let q = KeyAccountQuery {
        tier: tier.clone(),
        owner: scope.clone(),
        sort,
        offset: (page_no - 1).saturating_mul(PER_PAGE),
        limit: PER_PAGE,
    };
    let tiers = app.plan_tiers.get(&run);
    let page = custval_app::key_accounts::key_accounts(&app.store, &run, &tiers, &q, today())
        .await
        .map_err(|e| v.internal(e))?;
    let pages = page.total.div_ceil(PER_PAGE).max(1);
    let rows = page
        .rows
        .iter()
        .map(|r| {
            let enc = encode(&r.customer_id);
            AccountRow {
                href: format!("/customers/{enc}?run={}", run.id),
                alerts_href: format!("/customers/{enc}?run={}#customer-alerts", run.id),
                id: r.customer_id.clone(),
                name: r.name.clone().unwrap_or_default(),
                tier: r.tier.clone(),
                risk: r
                    .risk
                    .as_deref()
                    .map_or_else(|| i18n::DASH.to_string(), |l| risk_label(l, lang)),
                risk_level: r.risk.clone().unwrap_or_else(|| "none".to_string()),
                share: r
                    .share_of_wallet
                    .map_or_else(|| i18n::DASH.to_string(), i18n::percent),
                spend: i18n::opt_money(lang, r.spend_12m),
                score: i18n::fixed(r.score, 1),
                overdue: r.next_review.as_deref().is_some_and(overdue),
                review: r
                    .next_review
                    .as_deref()
                    .map_or_else(|| i18n::DASH.to_string(), |d| review_text(lang, d)),
                has_plan: r.has_plan,
                alerts: i18n::count(r.open_alerts),
                owner: r.owner.clone().unwrap_or_default(),
            }
        })
        .collect();
    let sorts = [
        (KeySort::Score, Msg::Score),
        (KeySort::Spend12m, Msg::Spend12m),
        (KeySort::Clv, Msg::Clv),
        (KeySort::Name, Msg::Name),
        (KeySort::Review, Msg::NextReview),
    ]
    .into_iter()
    .map(|(s, m)| SortLink {
        label: m.text(lang),
        href: accounts_href(run.id, &tier, s, 1),
        active: s == sort,
    })
    .collect();
    let mut tiers = Vec::new();
    if page.plan_tiers.len() > 1 {
        tiers.push(TierLink {
            label: Msg::AllPlanTiers.text(lang).to_string(),
            href: accounts_href(run.id, &None, sort, 1),
            active: tier.is_none(),
        });
        for t in &page.plan_tiers {
            tiers.push(TierLink {
                label: t.clone(),
                href: accounts_href(run.id, &Some(t.clone()), sort, 1),
                active: tier.as_deref() == Some(t.as_str()),
            });
        }
    }
    let view = AccountsPage {
        t: Texts(lang),
        chrome: v.chrome(Msg::KeyAccounts.text(lang), "/accounts"),
        run_label: format!(
            "{} {} · {} {}",
            Msg::Run.text(lang),
            run.id,
            Msg::AsOf.text(lang),
            i18n::date(lang, run.as_of)
        ),
        scoped: scope.is_some(),
        total: i18n::count(page.total),
        plan_tiers: page.plan_tiers.join(", "),
        rows,
        sorts,
        tiers,
        review_order: sort == KeySort::Review,
        page_label: format!("{} {page_no} / {pages}", Msg::PageWord.text(lang)),
        prev: (page_no > 1).then(|| accounts_href(run.id, &tier, sort, page_no - 1)),
        next: (page_no < pages).then(|| accounts_href(run.id, &tier, sort, page_no + 1)),
    };
    render(&v, &view)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_form_becomes_a_plan() {
        let f = form(&[
            ("csrf", "x"),
            ("owner", " rep01 "),
            ("next_review", "2026-01-15"),
            ("goals", "Grow 20 %\n\n  Renew the contract  \n"),
            (
                "strengths",
                "Pays on time\n[suggested:high_margin] margin 40 %",
            ),
            ("weaknesses", "[suggested:late_payment] slow payer"),
            ("opportunities", ""),
            ("threats", "New competitor"),
            (
                "actions",
                "2025-11-02 | Visit | Agreed a pilot\n2025-12-01|Call",
            ),
            ("dismissed", "spend_down"),
            ("dismiss", "late_payment"),
        ]);
        let p = plan_from_form("C1", &f);
        assert_eq!(p.customer_id, "C1");
        assert_eq!(p.owner.as_deref(), Some("rep01"));
        assert_eq!(p.next_review.as_deref(), Some("2026-01-15"));
        assert_eq!(p.goals, ["Grow 20 %", "Renew the contract"]);
        assert_eq!(
            p.swot.strengths,
            ["Pays on time", "[suggested:high_margin] margin 40 %"]
        );
        assert!(
            p.swot.weaknesses.is_empty(),
            "a dismissed suggestion leaves the SWOT"
        );
        assert_eq!(p.swot.threats, ["New competitor"]);
        assert_eq!(p.dismissed_suggestions, ["spend_down", "late_payment"]);
        assert_eq!(p.actions.len(), 2);
        assert_eq!(p.actions[0].outcome.as_deref(), Some("Agreed a pilot"));
        assert_eq!(
            (p.actions[1].date.as_str(), p.actions[1].action.as_str()),
            ("2025-12-01", "Call")
        );
        assert!(p.problems().is_empty(), "{:?}", p.problems());
    }

    #[test]
    fn a_bad_form_is_reported_with_the_cli_rules() {
        let f = form(&[
            ("next_review", "2025-02-30"),
            ("actions", "yesterday | Visit\n2025-01-01"),
        ]);
        let problems: Vec<String> = plan_from_form("C1", &f)
            .problems()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                "next_review = \"2025-02-30\" is not a date written YYYY-MM-DD",
                "actions[0].date = \"yesterday\" is not a date written YYYY-MM-DD",
                "actions[1] has no action text",
            ]
        );
    }
}
