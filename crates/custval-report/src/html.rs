//! The HTML report: a view model of preformatted strings, rendered by an askama template.
//!
//! Design choices:
//! - **All formatting happens in Rust** (numbers per language, translated labels, SVG charts),
//!   so the template only lays out strings and cannot print a raw `f64`.
//! - **askama escapes every value** (the template is `.html`); the only unescaped values are the
//!   chart SVGs, which the `svg` module escapes itself.
//! - **One file, no references**: CSS is inline in the template, charts are inline SVG, and there
//!   is no script, font or image to load, so the report works offline and as an e-mail
//!   attachment. `@media print` rules keep charts and cards whole on paper and print the heatmap's
//!   colours.
//! - **Nothing overflows**: tiles show short amounts (full figure on hover) and a date and time in
//!   the reader's language, never a raw timestamp; names in the alert and top-customer tables
//!   stay on one line, cut with an ellipsis, the whole name on hover.
//! - **In Chinese, no engine id shows**: class ids, indicator ids and the like appear beside
//!   their names in English only (for whoever edits custval.toml).

use askama::Template;

use crate::charts::{self, Chart, TableView, Td};
use crate::data::{ClvModel, ReportData};
use crate::dynamics::{self, DynamicsView};
use crate::format::{
    DASH, count, date_time, fixed, money, money_full, money_short, percent, score, significant,
};
use crate::i18n::{
    Lang, Msg, budget_basis, class_name, dimension_name, direction_name, normalization_name,
    parameter_name, playbook_field, weight_method,
};
use custval_base::palette;

/// Label lookup for the template: `t.get(Msg::…)`.
#[derive(Clone, Copy)]
struct Texts(Lang);

impl Texts {
    fn get(&self, m: Msg) -> &'static str {
        m.text(self.0)
    }
}

/// A headline figure in the summary, with its full figure or raw value on hover when the tile
/// shows a short form.
struct Card {
    label: &'static str,
    value: String,
    title: Option<String>,
}

/// One class's rule and playbook.
struct ClassView<'a> {
    /// The class id, shown beside the name in English only (a Chinese reader needs the name).
    code: Option<&'a str>,
    label: &'a str,
    colour: &'static str,
    customers: String,
    value: String,
    value_full: String,
    rule: &'a str,
    playbook: Vec<(&'a str, &'a str)>,
}

/// The classes of one dimension.
struct ClassGroup<'a> {
    heading: String,
    classes: Vec<ClassView<'a>>,
}

/// The CLV model's section.
struct ClvView {
    name: String,
    log_likelihood: String,
    converged: bool,
    parameters: TableView,
    calibration: Option<TableView>,
}

/// One of the top customers, formatted.
struct TopView<'a> {
    rank: usize,
    cells: Vec<Td>,
    actions: &'a [String],
}

/// A section's anchor and heading, for the table of contents.
struct SectionLink {
    id: &'static str,
    title: &'static str,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    t: Texts,
    html_lang: &'static str,
    title: String,
    subtitle: String,
    sections: Vec<SectionLink>,
    cards: Vec<Card>,
    config: &'a [String],
    tier_table: TableView,
    tier_rules: Vec<(&'a str, &'static str, &'a str)>,
    class_groups: Vec<ClassGroup<'a>>,
    weight_table: TableView,
    weight_notes: Vec<(String, &'a str)>,
    weights_chart: Chart,
    clv: Option<ClvView>,
    charts: Vec<Chart>,
    dynamics: DynamicsView<'a>,
    budget_table: TableView,
    budget_chart: Chart,
    top_headers: Vec<Td>,
    top: Vec<TopView<'a>>,
    alerts: &'a [String],
    notes: &'a [String],
    footer: String,
}

/// Section anchors, in page order. Tests check that each is present.
pub const SECTION_IDS: [&str; 9] = [
    "summary",
    "rules",
    "weights",
    "clv-model",
    "charts",
    "dynamics",
    "budget",
    "top-customers",
    "notes",
];

use crate::charts::{nm as tn, txt as td};

fn headers(lang: Lang, msgs: &[Msg]) -> Vec<String> {
    msgs.iter().map(|m| m.text(lang).to_string()).collect()
}

fn tier_table(data: &ReportData) -> TableView {
    let lang = data.language;
    let mut table = TableView {
        headers: headers(
            lang,
            &[
                Msg::Tier,
                Msg::Customers,
                Msg::CustomerShare,
                Msg::Value,
                Msg::ValueShare,
            ],
        ),
        rows: Vec::new(),
    };
    let total_customers: u64 = data.tiers.iter().map(|t| t.customers).sum();
    let total_value: f64 = data.tiers.iter().map(|t| t.value).sum();
    let total_share: f64 = data.tiers.iter().map(|t| t.value_share).sum();
    for (i, t) in data.tiers.iter().enumerate() {
        let share = if total_customers == 0 {
            0.0
        } else {
            t.customers as f64 / total_customers as f64
        };
        table.rows.push(vec![
            td(&t.tier).with_dot(palette::colour(&t.tier, i)),
            tn(count(t.customers)),
            tn(percent(share)),
            tn(money(lang, t.value)),
            tn(percent(t.value_share)),
        ]);
    }
    if !data.tiers.is_empty() {
        let all = if total_customers == 0 { 0.0 } else { 1.0 };
        table.rows.push(vec![
            td(Msg::Total.text(lang)),
            tn(count(total_customers)),
            tn(percent(all)),
            tn(money(lang, total_value)),
            tn(percent(total_share)),
        ]);
    }
    table
}

fn class_groups(data: &ReportData) -> Vec<ClassGroup<'_>> {
    let lang = data.language;
    let mut order: Vec<&str> = Vec::new();
    for c in &data.classes {
        if !order.contains(&c.dimension.as_str()) {
            order.push(&c.dimension);
        }
    }
    order
        .into_iter()
        .map(|dim| ClassGroup {
            heading: dimension_name(lang, dim).to_string(),
            classes: data
                .classes
                .iter()
                .filter(|c| c.dimension == dim)
                .enumerate()
                .map(|(i, c)| {
                    let label = if c.label.is_empty() || c.label == c.class {
                        class_name(lang, dim, &c.class)
                    } else {
                        &c.label
                    };
                    ClassView {
                        code: (lang == Lang::En && label != c.class).then_some(c.class.as_str()),
                        label,
                        colour: palette::colour(&c.class, i),
                        customers: count(c.customers),
                        value: money(lang, c.value),
                        value_full: money_full(c.value),
                        rule: &c.rule,
                        playbook: c
                            .playbook
                            .iter()
                            .map(|(f, t)| (playbook_field(lang, f), t.as_str()))
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect()
}

fn weight_table(data: &ReportData) -> TableView {
    let lang = data.language;
    let mut table = TableView {
        headers: headers(
            lang,
            &[
                Msg::Dimension,
                Msg::Indicator,
                Msg::Method,
                Msg::Weight,
                Msg::Direction,
                Msg::Normalization,
            ],
        ),
        rows: Vec::new(),
    };
    for w in &data.weights {
        // The indicator's id helps whoever edits custval.toml; a Chinese reader gets the name.
        let indicator = if w.label.is_empty() || w.label == w.indicator {
            w.indicator.clone()
        } else if lang == Lang::Zh {
            w.label.clone()
        } else {
            format!("{} ({})", w.label, w.indicator)
        };
        table.rows.push(vec![
            td(dimension_name(lang, &w.dimension)),
            td(indicator),
            td(weight_method(lang, &w.method)),
            tn(fixed(w.weight, 3)),
            td(direction_name(lang, &w.direction)),
            td(normalization_name(lang, &w.normalization)),
        ]);
    }
    table
}

fn clv_view(lang: Lang, model: &ClvModel) -> ClvView {
    let mut parameters = TableView {
        headers: headers(lang, &[Msg::Parameter, Msg::Estimate]),
        rows: Vec::new(),
    };
    for (name, value) in &model.parameters {
        parameters
            .rows
            .push(vec![td(parameter_name(name)), tn(significant(*value))]);
    }
    let calibration = model.calibration.as_ref().map(|rows| {
        let mut table = TableView {
            headers: headers(
                lang,
                &[
                    Msg::Bucket,
                    Msg::Customers,
                    Msg::Predicted,
                    Msg::Actual,
                    Msg::Difference,
                ],
            ),
            rows: Vec::new(),
        };
        for r in rows {
            table.rows.push(vec![
                td(&r.bucket),
                tn(count(r.customers)),
                tn(fixed(r.predicted, 2)),
                tn(fixed(r.actual, 2)),
                tn(fixed(r.predicted - r.actual, 2)),
            ]);
        }
        table
    });
    ClvView {
        name: custval_i18n::name(lang, custval_i18n::Kind::Model, &model.name).to_string(),
        log_likelihood: fixed(model.log_likelihood, 2),
        converged: model.converged,
        parameters,
        calibration,
    }
}

fn budget_table(data: &ReportData) -> TableView {
    let lang = data.language;
    let mut table = TableView {
        headers: headers(lang, &[Msg::Class, Msg::Amount, Msg::Share, Msg::Basis]),
        rows: Vec::new(),
    };
    for (i, b) in data.budget.iter().enumerate() {
        let label = if b.label.is_empty() || b.label == b.class {
            class_name(lang, "value_class", &b.class)
        } else {
            &b.label
        };
        table.rows.push(vec![
            td(label).with_dot(palette::colour(&b.class, i)),
            tn(money(lang, b.amount)).with_title(money_full(b.amount)),
            tn(percent(b.share)),
            td(budget_basis(lang, &b.basis)),
        ]);
    }
    if !data.budget.is_empty() {
        let amount: f64 = data.budget.iter().map(|b| b.amount).sum();
        let share: f64 = data.budget.iter().map(|b| b.share).sum();
        table.rows.push(vec![
            td(Msg::Total.text(lang)),
            tn(money(lang, amount)).with_title(money_full(amount)),
            tn(percent(share)),
            td(""),
        ]);
    }
    table
}

fn top_customers(data: &ReportData) -> (Vec<Td>, Vec<TopView<'_>>) {
    let lang = data.language;
    let head = [
        (Msg::Rank, true),
        (Msg::CustomerId, false),
        (Msg::Label, false),
        (Msg::Tier, false),
        (Msg::ValueClass, false),
        (Msg::Lifecycle, false),
        (Msg::Score, true),
        (Msg::ValueScoreShort, true),
        (Msg::PotentialScoreShort, true),
        (Msg::Clv, true),
        (Msg::PAlive, true),
    ];
    let head = head
        .iter()
        .map(|(m, num)| Td {
            text: m.text(lang).to_string(),
            num: *num,
            ..Td::default()
        })
        .collect();
    let rows = data
        .top_customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let dot = |cell: Td, id: &str| match palette::tier(id).or_else(|| palette::class(id)) {
                Some(colour) => cell.with_dot(colour),
                None => cell,
            };
            TopView {
                rank: i + 1,
                cells: vec![
                    td(&c.customer_id),
                    td(&c.name).clipped(),
                    dot(td(&c.tier), &c.tier),
                    dot(td(&c.value_class), &c.value_class_id),
                    dot(td(&c.lifecycle), &c.lifecycle_id),
                    tn(score(c.score)),
                    tn(score(c.value_score)),
                    tn(score(c.potential_score)),
                    tn(money(lang, c.clv)).with_title(money_full(c.clv)),
                    tn(percent(c.p_alive)),
                ],
                actions: &c.actions,
            }
        })
        .collect();
    (head, rows)
}

fn cards(data: &ReportData) -> Vec<Card> {
    let lang = data.language;
    let run = &data.run;
    let total_value: f64 = data.tiers.iter().map(|t| t.value).sum();
    let or_dash = |s: &str| {
        if s.is_empty() {
            DASH.to_string()
        } else {
            s.to_string()
        }
    };
    let card = |label: Msg, value: String| Card {
        label: label.text(lang),
        value,
        title: None,
    };
    vec![
        card(Msg::Run, format!("#{}", run.id)),
        card(Msg::AsOf, or_dash(&date_time(lang, &run.as_of))),
        card(Msg::Customers, count(run.customers)),
        if data.tiers.is_empty() {
            card(Msg::Value, DASH.to_string())
        } else {
            Card {
                title: Some(money_full(total_value)),
                ..card(Msg::Value, money_short(lang, total_value))
            }
        },
        card(
            Msg::RunTime,
            if run.seconds.is_finite() {
                format!("{}{}", fixed(run.seconds, 1), Msg::SecondsUnit.text(lang))
            } else {
                DASH.to_string()
            },
        ),
        card(Msg::CreatedAt, or_dash(&date_time(lang, &run.created_at))),
    ]
}

/// Renders the whole report as one self-contained HTML document.
pub(crate) fn render(data: &ReportData) -> Result<String, askama::Error> {
    let lang = data.language;
    let title = Msg::ReportTitle.text(lang).to_string();
    let subtitle = format!(
        "{} #{} · {} {}",
        Msg::Run.text(lang),
        data.run.id,
        Msg::AsOf.text(lang),
        if data.run.as_of.is_empty() {
            DASH.to_string()
        } else {
            date_time(lang, &data.run.as_of)
        }
    );
    let section_msgs = [
        Msg::SecSummary,
        Msg::SecRules,
        Msg::SecWeights,
        Msg::SecClv,
        Msg::SecCharts,
        Msg::SecDynamics,
        Msg::SecBudget,
        Msg::SecTop,
        Msg::SecNotes,
    ];
    let sections = SECTION_IDS
        .iter()
        .zip(section_msgs)
        .map(|(id, m)| SectionLink {
            id,
            title: m.text(lang),
        })
        .collect();
    let (top_headers, top) = top_customers(data);
    let page = Page {
        t: Texts(lang),
        html_lang: lang.html_tag(),
        footer: format!(
            "{} · {} #{} · {}",
            Msg::GeneratedBy.text(lang),
            Msg::Run.text(lang),
            data.run.id,
            date_time(lang, &data.run.created_at)
        ),
        title,
        subtitle,
        sections,
        cards: cards(data),
        config: &data.run.config_summary,
        tier_table: tier_table(data),
        tier_rules: data
            .tiers
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    t.tier.as_str(),
                    palette::colour(&t.tier, i),
                    t.rule.as_str(),
                )
            })
            .collect(),
        class_groups: class_groups(data),
        weight_table: weight_table(data),
        weight_notes: data
            .weight_notes
            .iter()
            .map(|n| {
                (
                    dimension_name(lang, &n.dimension).to_string(),
                    n.note.as_str(),
                )
            })
            .collect(),
        weights_chart: charts::weights(lang, &data.weights),
        clv: data.run.clv_model.as_ref().map(|m| clv_view(lang, m)),
        charts: vec![
            charts::tiers(data),
            charts::pareto(data),
            charts::scatter(data),
            charts::rfm(data),
            charts::clv_histogram(data),
        ],
        dynamics: dynamics::view(lang, &data.dynamics),
        budget_table: budget_table(data),
        budget_chart: charts::budget(lang, &data.budget),
        top_headers,
        top,
        alerts: &data.alerts,
        notes: &data.notes,
    };
    page.render()
}
