//! The report as an Excel workbook: one sheet per table a manager may want to sort or filter.
//!
//! Design choices:
//! - **Sheets are described as data first** ([`SheetSpec`]: headers, a number format per column,
//!   rows of [`custval_export::Cell`]) and written by one function, so every sheet gets the same
//!   treatment: bold frozen header, autofilter, widths from the content.
//! - **Numbers stay numbers**: money, counts, scores and shares are written as numeric cells with
//!   a display format (`#,##0.00`, `0.0%`, …), never as preformatted text, so Excel can sum and
//!   sort them. Shares are fractions with a percentage format. NaN and infinities are left blank.
//! - **Sheet names and headers follow the report's language**, and so do the names of ids the
//!   report knows (methods, normalizations, playbook fields, rules); id columns keep the ids for
//!   filtering, and cell text from the data (rules, playbooks, actions) is written as given.
//! - **Money keeps its full value** with a number format that shows the process's currency
//!   symbol (`"¥"#,##0.00`); tiers, classes and severities are filled with their fixed colours
//!   (custval-base's `palette`), white text on the dark ones.
//! - The workbook is built in memory (a report is small: ~50 top customers, tens of classes) and
//!   written atomically as bytes.

use custval_export::Cell;
use rust_xlsxwriter::{ColNum, Color, Format, RowNum, Workbook, Worksheet, XlsxError};

use crate::data::ReportData;
use crate::dyn_charts::{cell, share, tier_label};
use crate::format::date_time;
use crate::i18n::{
    Lang, Msg, budget_basis, dimension_name, direction_name, method_name, normalization_name,
    parameter_name, playbook_field, rule_name, severity_name, weight_method,
};
use crate::svg::display_width;
use custval_base::palette;

/// How a column's numbers are displayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fmt {
    /// Text or Excel's General format.
    General,
    /// Whole counts: `#,##0`.
    Count,
    /// Money: `#,##0.00`.
    Money,
    /// Fractions shown as percentages: `0.0%`.
    Percent,
    /// Scores on 0–100: `0.0`.
    Score,
    /// Weights and rank statistics: `0.000`.
    Weight,
    /// Ratios such as lift: `0.00`.
    Ratio,
    /// Long text that may hold line breaks: wrapped.
    Wrap,
}

impl Fmt {
    fn number_format(self) -> Option<String> {
        Some(
            match self {
                Fmt::General | Fmt::Wrap => return None,
                Fmt::Count => "#,##0",
                // The full amount with the process's currency symbol.
                Fmt::Money => return Some(money_format(&custval_i18n::currency().prefix())),
                Fmt::Percent => "0.0%",
                Fmt::Score => "0.0",
                Fmt::Weight => "0.000",
                Fmt::Ratio => "0.00",
            }
            .to_string(),
        )
    }
}

/// Excel's number format for money: the currency's symbol as quoted literal text, then the
/// amount with thousands grouped and two decimals (`"¥"#,##0.00;-"¥"#,##0.00`).
fn money_format(prefix: &str) -> String {
    let quoted = format!("\"{}\"", prefix.replace('"', ""));
    format!("{quoted}#,##0.00;-{quoted}#,##0.00")
}

/// One worksheet before it is written.
struct SheetSpec {
    name: &'static str,
    columns: Vec<(String, Fmt)>,
    rows: Vec<Vec<Cell>>,
    /// Cells filled with a tier's or class's fixed colour: (row in `rows`, column, colour).
    fills: Vec<(usize, usize, &'static str)>,
}

/// The fixed colour of a tier, class or severity id (custval-base's palette), if it has one.
fn fixed_colour(id: &str) -> Option<&'static str> {
    palette::tier(id).or_else(|| palette::class(id))
}

/// Fills for column `col` of `ids` (one id per row, in row order), where an id has a colour;
/// ids without a fixed colour take the palette's colour at their position when `by_position`.
fn fills_of<'a>(
    col: usize,
    ids: impl Iterator<Item = &'a str>,
    by_position: bool,
) -> Vec<(usize, usize, &'static str)> {
    ids.enumerate()
        .filter_map(|(row, id)| {
            let colour = if by_position {
                Some(palette::colour(id, row))
            } else {
                fixed_colour(id)
            };
            colour.map(|c| (row, col, c))
        })
        .collect()
}

fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

fn int(n: u64) -> Cell {
    // Counts beyond i64 do not occur; saturate rather than fail.
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn columns(lang: Lang, cols: &[(Msg, Fmt)]) -> Vec<(String, Fmt)> {
    cols.iter()
        .map(|(m, f)| (m.text(lang).to_string(), *f))
        .collect()
}

fn summary(data: &ReportData) -> SheetSpec {
    let lang = data.language;
    let run = &data.run;
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![text(Msg::Run.text(lang)), Cell::Int(run.id)],
        vec![text(Msg::AsOf.text(lang)), text(&run.as_of)],
        vec![
            text(Msg::CreatedAt.text(lang)),
            text(&date_time(lang, &run.created_at)),
        ],
        vec![text(Msg::Customers.text(lang)), int(run.customers)],
        vec![text(Msg::Seconds.text(lang)), Cell::Number(run.seconds)],
    ];
    if !data.tiers.is_empty() {
        let total: f64 = data.tiers.iter().map(|t| t.value).sum();
        rows.push(vec![text(Msg::Value.text(lang)), Cell::Number(total)]);
    }
    if let Some(m) = &run.clv_model {
        let yes_no = if m.converged { Msg::Yes } else { Msg::No };
        rows.push(vec![
            text(Msg::Model.text(lang)),
            text(custval_i18n::name(lang, custval_i18n::Kind::Model, &m.name)),
        ]);
        for (name, value) in &m.parameters {
            let label = format!("{} {}", Msg::Parameter.text(lang), parameter_name(name));
            rows.push(vec![Cell::Text(label), Cell::Number(*value)]);
        }
        rows.push(vec![
            text(Msg::LogLikelihood.text(lang)),
            Cell::Number(m.log_likelihood),
        ]);
        rows.push(vec![
            text(Msg::Converged.text(lang)),
            text(yes_no.text(lang)),
        ]);
    }
    for line in &run.config_summary {
        rows.push(vec![text(Msg::Configuration.text(lang)), text(line)]);
    }
    for n in &data.weight_notes {
        let label = format!(
            "{} · {}",
            Msg::Weight.text(lang),
            dimension_name(lang, &n.dimension)
        );
        rows.push(vec![Cell::Text(label), text(&n.note)]);
    }
    for a in &data.alerts {
        rows.push(vec![text(Msg::Alert.text(lang)), text(a)]);
    }
    dynamics_summary(data, &mut rows);
    for n in &data.notes {
        rows.push(vec![text(Msg::Note.text(lang)), text(n)]);
    }
    SheetSpec {
        fills: Vec::new(),
        name: Msg::SheetSummary.text(lang),
        columns: columns(lang, &[(Msg::Item, Fmt::General), (Msg::Value, Fmt::Wrap)]),
        rows,
    }
}

fn tiers(data: &ReportData) -> SheetSpec {
    let lang = data.language;
    let total: u64 = data.tiers.iter().map(|t| t.customers).sum();
    let rows = data
        .tiers
        .iter()
        .map(|t| {
            let share = if total == 0 {
                Cell::Empty
            } else {
                Cell::Number(t.customers as f64 / total as f64)
            };
            vec![
                text(&t.tier),
                int(t.customers),
                share,
                Cell::Number(t.value),
                Cell::Number(t.value_share),
                text(&t.rule),
            ]
        })
        .collect();
    SheetSpec {
        fills: fills_of(0, data.tiers.iter().map(|t| t.tier.as_str()), true),
        name: Msg::SheetTiers.text(lang),
        columns: columns(
            lang,
            &[
                (Msg::Tier, Fmt::General),
                (Msg::Customers, Fmt::Count),
                (Msg::CustomerShare, Fmt::Percent),
                (Msg::Value, Fmt::Money),
                (Msg::ValueShare, Fmt::Percent),
                (Msg::Rule, Fmt::Wrap),
            ],
        ),
        rows,
    }
}

fn classes(data: &ReportData) -> SheetSpec {
    let lang = data.language;
    let rows = data
        .classes
        .iter()
        .map(|c| {
            let colon = Msg::Colon.text(lang);
            let playbook: Vec<String> = c
                .playbook
                .iter()
                .map(|(field, text)| format!("{}{colon}{text}", playbook_field(lang, field)))
                .collect();
            vec![
                text(dimension_name(lang, &c.dimension)),
                text(&c.class),
                text(&c.label),
                int(c.customers),
                Cell::Number(c.value),
                text(&c.rule),
                text(&playbook.join("\n")),
            ]
        })
        .collect();
    SheetSpec {
        fills: fills_of(1, data.classes.iter().map(|c| c.class.as_str()), false),
        name: Msg::SheetClasses.text(lang),
        columns: columns(
            lang,
            &[
                (Msg::Dimension, Fmt::General),
                (Msg::Class, Fmt::General),
                (Msg::Label, Fmt::General),
                (Msg::Customers, Fmt::Count),
                (Msg::Value, Fmt::Money),
                (Msg::Rule, Fmt::Wrap),
                (Msg::Playbook, Fmt::Wrap),
            ],
        ),
        rows,
    }
}

fn weights(data: &ReportData) -> SheetSpec {
    let lang = data.language;
    let rows = data
        .weights
        .iter()
        .map(|w| {
            vec![
                text(dimension_name(lang, &w.dimension)),
                text(&w.indicator),
                text(&w.label),
                text(weight_method(lang, &w.method)),
                Cell::Number(w.weight),
                text(direction_name(lang, &w.direction)),
                text(normalization_name(lang, &w.normalization)),
            ]
        })
        .collect();
    SheetSpec {
        fills: Vec::new(),
        name: Msg::SheetWeights.text(lang),
        columns: columns(
            lang,
            &[
                (Msg::Dimension, Fmt::General),
                (Msg::Indicator, Fmt::General),
                (Msg::Label, Fmt::General),
                (Msg::Method, Fmt::General),
                (Msg::Weight, Fmt::Weight),
                (Msg::Direction, Fmt::General),
                (Msg::Normalization, Fmt::General),
            ],
        ),
        rows,
    }
}

fn budget(data: &ReportData) -> SheetSpec {
    let lang = data.language;
    let rows = data
        .budget
        .iter()
        .map(|b| {
            vec![
                text(&b.class),
                text(&b.label),
                Cell::Number(b.amount),
                Cell::Number(b.share),
                text(budget_basis(lang, &b.basis)),
            ]
        })
        .collect();
    SheetSpec {
        fills: fills_of(0, data.budget.iter().map(|b| b.class.as_str()), true),
        name: Msg::SheetBudget.text(lang),
        columns: columns(
            lang,
            &[
                (Msg::Class, Fmt::General),
                (Msg::Label, Fmt::General),
                (Msg::Amount, Fmt::Money),
                (Msg::Share, Fmt::Percent),
                (Msg::Basis, Fmt::Wrap),
            ],
        ),
        rows,
    }
}

fn top_customers(data: &ReportData) -> SheetSpec {
    let lang = data.language;
    let rows = data
        .top_customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                int(i as u64 + 1),
                text(&c.customer_id),
                text(&c.name),
                text(&c.tier),
                text(&c.value_class),
                text(&c.lifecycle),
                Cell::Number(c.score),
                Cell::Number(c.value_score),
                Cell::Number(c.potential_score),
                Cell::Number(c.clv),
                Cell::Number(c.p_alive),
                text(&c.actions.join("\n")),
            ]
        })
        .collect();
    SheetSpec {
        fills: [
            fills_of(3, data.top_customers.iter().map(|c| c.tier.as_str()), false),
            fills_of(
                4,
                data.top_customers.iter().map(|c| c.value_class_id.as_str()),
                false,
            ),
            fills_of(
                5,
                data.top_customers.iter().map(|c| c.lifecycle_id.as_str()),
                false,
            ),
        ]
        .concat(),
        name: Msg::SheetTop.text(lang),
        columns: columns(
            lang,
            &[
                (Msg::Rank, Fmt::Count),
                (Msg::CustomerId, Fmt::General),
                (Msg::Label, Fmt::General),
                (Msg::Tier, Fmt::General),
                (Msg::ValueClass, Fmt::General),
                (Msg::Lifecycle, Fmt::General),
                (Msg::Score, Fmt::Score),
                (Msg::ValueScoreShort, Fmt::Score),
                (Msg::PotentialScoreShort, Fmt::Score),
                (Msg::Clv, Fmt::Money),
                (Msg::PAlive, Fmt::Percent),
                (Msg::Actions, Fmt::Wrap),
            ],
        ),
        rows,
    }
}

fn calibration(data: &ReportData) -> Option<SheetSpec> {
    let lang = data.language;
    let rows = data.run.clv_model.as_ref()?.calibration.as_ref()?;
    Some(SheetSpec {
        fills: Vec::new(),
        name: Msg::SheetCalibration.text(lang),
        columns: columns(
            lang,
            &[
                (Msg::Bucket, Fmt::General),
                (Msg::Customers, Fmt::Count),
                (Msg::Predicted, Fmt::Ratio),
                (Msg::Actual, Fmt::Ratio),
                (Msg::Difference, Fmt::Ratio),
            ],
        ),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    text(&r.bucket),
                    int(r.customers),
                    Cell::Number(r.predicted),
                    Cell::Number(r.actual),
                    Cell::Number(r.predicted - r.actual),
                ]
            })
            .collect(),
    })
}

/// The dynamics section's figures and sentences, as rows of the summary sheet.
fn dynamics_summary(data: &ReportData, rows: &mut Vec<Vec<Cell>>) {
    let lang = data.language;
    let d = &data.dynamics;
    let label = |m: Msg| text(m.text(lang));
    if let Some(m) = &d.migration {
        rows.push(vec![label(Msg::MigrationSince), Cell::Int(m.from_run)]);
        for (msg, n) in [
            (Msg::Stayed, m.stayed),
            (Msg::Upgraded, m.upgraded),
            (Msg::Downgraded, m.downgraded),
            (Msg::Entered, m.entered),
            (Msg::Left, m.left),
        ] {
            rows.push(vec![label(msg), int(n)]);
        }
        rows.push(vec![label(Msg::Migration), text(&m.explain)]);
    }
    if let Some(h) = &d.hysteresis {
        rows.push(vec![label(Msg::Hysteresis), text(h)]);
    }
    for (sev, n) in &d.alert_counts {
        let name = format!(
            "{} · {}",
            Msg::RunAlerts.text(lang),
            severity_name(lang, sev)
        );
        rows.push(vec![Cell::Text(name), int(*n)]);
    }
    if let Some(b) = &d.backtest {
        rows.push(vec![label(Msg::Backtest), text(&b.explain)]);
    }
}

/// The migration matrix in long form: one row per (previous tier, current tier) cell.
fn migration(data: &ReportData) -> Option<SheetSpec> {
    let lang = data.language;
    let m = data.dynamics.migration.as_ref()?;
    let k = m.labels.len();
    let mut rows = Vec::new();
    let mut fills = Vec::new();
    for (i, from) in m.labels.iter().enumerate() {
        let row_sum: u64 = (0..k).map(|j| cell(m, i, j)).sum();
        for (j, to) in m.labels.iter().enumerate() {
            // Nobody can be missing from both runs.
            if from == "none" && to == "none" {
                continue;
            }
            let n = cell(m, i, j);
            let of_row = if row_sum == 0 {
                Cell::Empty
            } else {
                Cell::Number(n as f64 / row_sum as f64)
            };
            for (col, id) in [(0, from), (1, to)] {
                if let Some(colour) = fixed_colour(id) {
                    fills.push((rows.len(), col, colour));
                }
            }
            rows.push(vec![
                Cell::Text(tier_label(lang, from, true)),
                Cell::Text(tier_label(lang, to, false)),
                int(n),
                of_row,
                Cell::Number(share(m, i, j)),
            ]);
        }
    }
    Some(SheetSpec {
        fills,
        name: Msg::SheetMigration.text(lang),
        columns: columns(
            lang,
            &[
                (Msg::PreviousTier, Fmt::General),
                (Msg::CurrentTier, Fmt::General),
                (Msg::Customers, Fmt::Count),
                (Msg::ShareOfPrevious, Fmt::Percent),
                (Msg::ValueShare, Fmt::Percent),
            ],
        ),
        rows,
    })
}

/// The run's alerts listed in the report.
fn run_alerts(data: &ReportData) -> Option<SheetSpec> {
    let lang = data.language;
    let alerts = &data.dynamics.alerts;
    if alerts.is_empty() {
        return None;
    }
    Some(SheetSpec {
        fills: fills_of(3, alerts.iter().map(|a| a.severity.as_str()), false),
        name: Msg::SheetAlerts.text(lang),
        columns: columns(
            lang,
            &[
                (Msg::CustomerId, Fmt::General),
                (Msg::Label, Fmt::General),
                (Msg::Rule, Fmt::General),
                (Msg::Severity, Fmt::General),
                (Msg::WhatHappened, Fmt::Wrap),
                (Msg::SuggestedAction, Fmt::Wrap),
            ],
        ),
        rows: alerts
            .iter()
            .map(|a| {
                vec![
                    text(&a.customer_id),
                    text(a.name.as_deref().unwrap_or("")),
                    text(rule_name(lang, &a.rule)),
                    text(severity_name(lang, &a.severity)),
                    text(&a.explain),
                    text(&a.action),
                ]
            })
            .collect(),
    })
}

/// Manual overrides in force.
fn overrides(data: &ReportData) -> Option<SheetSpec> {
    let lang = data.language;
    let list = &data.dynamics.overrides;
    if list.is_empty() {
        return None;
    }
    Some(SheetSpec {
        fills: fills_of(1, list.iter().map(|o| o.tier.as_str()), false),
        name: Msg::SheetOverrides.text(lang),
        columns: columns(
            lang,
            &[
                (Msg::CustomerId, Fmt::General),
                (Msg::Tier, Fmt::General),
                (Msg::Author, Fmt::General),
                (Msg::Reason, Fmt::Wrap),
                (Msg::Until, Fmt::General),
            ],
        ),
        rows: list
            .iter()
            .map(|o| {
                vec![
                    text(&o.customer_id),
                    text(&o.tier),
                    text(&o.author),
                    text(&o.reason),
                    text(o.until.as_deref().unwrap_or(Msg::UntilCleared.text(lang))),
                ]
            })
            .collect(),
    })
}

/// One row per backtested method: its measures and its lift per decile.
fn backtest(data: &ReportData) -> Option<SheetSpec> {
    let lang = data.language;
    let b = data.dynamics.backtest.as_ref()?;
    let deciles = b
        .methods
        .iter()
        .map(|m| m.lift_by_decile.len())
        .max()
        .unwrap_or(0);
    let mut cols = columns(
        lang,
        &[
            (Msg::Method, Fmt::General),
            (Msg::Best, Fmt::General),
            (Msg::Gini, Fmt::Weight),
            (Msg::Auc, Fmt::Weight),
            (Msg::Spearman, Fmt::Weight),
            (Msg::TopShare, Fmt::Percent),
        ],
    );
    cols.extend((1..=deciles).map(|d| (format!("{} {d}", Msg::Lift.text(lang)), Fmt::Ratio)));
    let number = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Number);
    let rows = b
        .methods
        .iter()
        .map(|m| {
            let best = b.best.as_deref() == Some(m.name.as_str());
            let mut row = vec![
                text(method_name(lang, &m.name)),
                if best {
                    text(Msg::Yes.text(lang))
                } else {
                    Cell::Empty
                },
                number(m.gini),
                number(m.auc),
                number(m.spearman),
                number(m.top_share),
            ];
            row.extend((0..deciles).map(|d| number(m.lift_by_decile.get(d).copied())));
            row
        })
        .collect();
    Some(SheetSpec {
        fills: Vec::new(),
        name: Msg::SheetBacktest.text(lang),
        columns: cols,
        rows,
    })
}

/// Width in Excel character units of what a cell shows.
fn shown_width(cell: &Cell, fmt: Fmt) -> usize {
    match cell {
        Cell::Empty => 0,
        // A wrapped cell is as wide as its longest line.
        Cell::Text(s) => s.lines().map(display_width).max().unwrap_or(0),
        Cell::Number(x) if !x.is_finite() => 0,
        Cell::Number(x) => match fmt {
            Fmt::Percent => 7,
            // Digits, grouping commas, two decimals, sign.
            _ => format!("{:.2}", x.abs()).len() * 4 / 3 + 2,
        },
        Cell::Int(i) => i.to_string().len() * 4 / 3 + 1,
        Cell::Date(_) => 10,
        Cell::Bool(_) => 5,
    }
}

/// `format` with a `#rrggbb` background, its text white on dark colours and black on light ones.
fn with_fill(format: Format, colour: &str) -> Format {
    let rgb = u32::from_str_radix(colour.trim_start_matches('#'), 16).unwrap_or(0x9AA3AD);
    let (r, g, b) = ((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
    // Relative luminance, roughly (ITU-R BT.601 weights).
    let light = (299 * r + 587 * g + 114 * b) / 1000 > 150;
    format
        .set_background_color(Color::RGB(rgb))
        .set_font_color(if light { Color::Black } else { Color::White })
}

fn write_sheet(sheet: &mut Worksheet, spec: &SheetSpec) -> Result<(), XlsxError> {
    sheet.set_name(spec.name)?;
    let bold = Format::new().set_bold();
    let formats: Vec<Format> = spec
        .columns
        .iter()
        .map(|(_, f)| match (f, f.number_format()) {
            (Fmt::Wrap, _) => Format::new().set_text_wrap(),
            (_, Some(nf)) => Format::new().set_num_format(&nf),
            (_, None) => Format::new(),
        })
        .collect();
    for (col, (title, fmt)) in spec.columns.iter().enumerate() {
        let col = col as ColNum;
        sheet.write_string_with_format(0, col, title, &bold)?;
        let content = spec
            .rows
            .iter()
            .filter_map(|r| r.get(col as usize))
            .map(|c| shown_width(c, *fmt))
            .max()
            .unwrap_or(0);
        let width = (content.max(display_width(title) + 2) + 1) as f64;
        sheet.set_column_width(col, width.clamp(8.0, 60.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, row) in spec.rows.iter().enumerate() {
        let r = (i + 1) as RowNum;
        for (c, (cell, format)) in row.iter().zip(&formats).enumerate() {
            let col = c as ColNum;
            let filled;
            let format = match spec.fills.iter().find(|(fr, fc, _)| *fr == i && *fc == c) {
                Some((_, _, colour)) => {
                    filled = with_fill(format.clone(), colour);
                    &filled
                }
                None => format,
            };
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string_with_format(r, col, s, format)?;
                }
                Cell::Number(x) if x.is_finite() => {
                    sheet.write_number_with_format(r, col, *x, format)?;
                }
                Cell::Number(_) => {}
                Cell::Int(i) => {
                    sheet.write_number_with_format(r, col, *i as f64, format)?;
                }
                Cell::Date(d) => {
                    sheet.write_string(r, col, custval_export::format_date(*d))?;
                }
                Cell::Bool(b) => {
                    sheet.write_boolean(r, col, *b)?;
                }
            }
        }
    }
    if !spec.rows.is_empty() && !spec.columns.is_empty() {
        let last_col = (spec.columns.len() - 1) as ColNum;
        sheet.autofilter(0, 0, spec.rows.len() as RowNum, last_col)?;
    }
    Ok(())
}

/// The sheets of the workbook, in order. Calibration, migration, alerts, overrides and backtest
/// only when the report has them, so an empty part adds no empty sheet.
fn sheets(data: &ReportData) -> Vec<SheetSpec> {
    let mut out = vec![
        summary(data),
        tiers(data),
        classes(data),
        weights(data),
        budget(data),
        top_customers(data),
    ];
    out.extend(calibration(data));
    out.extend(migration(data));
    out.extend(run_alerts(data));
    out.extend(overrides(data));
    out.extend(backtest(data));
    out
}

/// The sheet names [`build`] produces for `data`, in order.
pub(crate) fn sheet_names(data: &ReportData) -> Vec<&'static str> {
    sheets(data).iter().map(|s| s.name).collect()
}

/// Builds the workbook and returns the bytes of the `.xlsx` file.
pub(crate) fn build(data: &ReportData) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    for spec in sheets(data) {
        let sheet = workbook.add_worksheet();
        write_sheet(sheet, &spec)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_per_language() {
        let mut data = ReportData::default();
        assert_eq!(
            sheet_names(&data),
            [
                "Summary",
                "Tiers",
                "Classes",
                "Weights",
                "Budget",
                "Top customers"
            ]
        );
        data.language = Lang::Zh;
        data.run.clv_model = Some(crate::data::ClvModel {
            calibration: Some(Vec::new()),
            ..Default::default()
        });
        assert_eq!(
            sheet_names(&data),
            [
                "摘要",
                "客户分级",
                "客户分类",
                "权重",
                "预算",
                "重点客户",
                "CLV校准"
            ]
        );
    }

    #[test]
    fn empty_report_builds() {
        let bytes = build(&ReportData::default()).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
