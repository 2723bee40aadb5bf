//! The report's charts for other pages: the web dashboard and customer page draw the same
//! server-side SVG charts as the HTML report instead of shipping a JavaScript chart library.
//!
//! This is a thin public face over the private `charts` module: it converts a chart and its
//! table view into plain public structs and changes nothing in how the report renders. The
//! SVG markup uses the CSS classes of the report (`grid`, `tick`, `axis`, `legend`, …): a page
//! embedding it styles them (the report's template shows the rules).

use crate::charts::{self, Chart, HBar};
use crate::data::{BacktestView, MigrationView, ReportData};
use crate::dyn_charts;
use crate::i18n::Lang;

/// Which chart of a run to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// Share of customers and of value per tier.
    Tiers,
    /// Pareto curve with the 80 % line.
    Pareto,
    /// Value × potential scatter coloured by class.
    Scatter,
    /// RFM heatmap (R × F).
    Rfm,
    /// CLV histogram.
    ClvHistogram,
    /// Indicator weights.
    Weights,
    /// Budget per class.
    Budget,
    /// Tier migration since the previous run as a heatmap ("No data." for a first run).
    Migration,
    /// Tier flows from the previous run to this one.
    TierFlows,
    /// Backtest lift by decile per ranking method ("No data." without a backtest).
    Lift,
}

impl ChartKind {
    /// Every chart, in the report's order.
    pub const ALL: [ChartKind; 10] = [
        ChartKind::Tiers,
        ChartKind::Pareto,
        ChartKind::Scatter,
        ChartKind::Rfm,
        ChartKind::ClvHistogram,
        ChartKind::Weights,
        ChartKind::Budget,
        ChartKind::Migration,
        ChartKind::TierFlows,
        ChartKind::Lift,
    ];
}

/// One cell of a chart's table view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableCell {
    /// The formatted value.
    pub text: String,
    /// A number (right-aligned).
    pub numeric: bool,
}

/// A chart ready to embed: escaped SVG markup and the same numbers as a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartView {
    /// Id unique among a run's charts; also the prefix of the SVG's element ids.
    pub id: String,
    /// Title, in the data's language.
    pub title: String,
    /// One-sentence description (the SVG's `<desc>`).
    pub desc: String,
    /// Complete `<svg>` markup; its text is escaped, so it may be inserted unescaped.
    pub svg: String,
    /// Header of the table view.
    pub headers: Vec<TableCell>,
    /// Rows of the table view.
    pub rows: Vec<Vec<TableCell>>,
    /// A sentence to show above the table (what it summarises), if any.
    pub note: Option<String>,
}

impl From<Chart> for ChartView {
    fn from(c: Chart) -> ChartView {
        let cell = |t: &crate::charts::Td| TableCell {
            text: t.text.clone(),
            numeric: t.num,
        };
        ChartView {
            id: c.id.to_string(),
            headers: c.table.header_cells().iter().map(cell).collect(),
            rows: c
                .table
                .rows
                .iter()
                .map(|r| r.iter().map(cell).collect())
                .collect(),
            title: c.title,
            desc: c.desc,
            svg: c.svg,
            note: c.note,
        }
    }
}

/// The run's migration, or an empty one (drawn as "No data.").
fn migration(data: &ReportData) -> MigrationView {
    data.dynamics.migration.clone().unwrap_or_default()
}

/// Draws one chart of `data`, exactly as the HTML report does.
pub fn chart(data: &ReportData, kind: ChartKind) -> ChartView {
    let lang = data.language;
    match kind {
        ChartKind::Tiers => charts::tiers(data),
        ChartKind::Pareto => charts::pareto(data),
        ChartKind::Scatter => charts::scatter(data),
        ChartKind::Rfm => charts::rfm(data),
        ChartKind::ClvHistogram => charts::clv_histogram(data),
        ChartKind::Weights => charts::weights(lang, &data.weights),
        ChartKind::Budget => charts::budget(lang, &data.budget),
        ChartKind::Migration => dyn_charts::migration_heatmap(lang, &migration(data)),
        ChartKind::TierFlows => dyn_charts::tier_flows(lang, &migration(data)),
        ChartKind::Lift => {
            let none = BacktestView::default();
            dyn_charts::lift(lang, data.dynamics.backtest.as_ref().unwrap_or(&none))
        }
    }
    .into()
}

/// One bar of [`bar_chart`].
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Label left of the bar (long labels are shortened in the drawing, not in the table).
    pub label: String,
    /// Length of the bar (negative and non-finite values draw no bar).
    pub value: f64,
    /// The value as shown after the bar and in the table.
    pub value_text: String,
}

/// A horizontal bar chart in the report's style (used for a customer's score contributions).
/// `id` must be unique in the page; the table view has the columns `headers` (label, value).
pub fn bar_chart(id: &str, title: &str, lang: Lang, headers: [&str; 2], bars: &[Bar]) -> ChartView {
    let hb: Vec<HBar> = bars
        .iter()
        .map(|b| HBar {
            label: b.label.clone(),
            value: b.value,
            value_text: b.value_text.clone(),
            colour: None,
            full: None,
        })
        .collect();
    let svg = charts::hbars(id, title, title, lang, &hb, charts::PALETTE[0]);
    ChartView {
        id: id.to_string(),
        title: title.to_string(),
        desc: title.to_string(),
        svg,
        headers: vec![
            TableCell {
                text: headers[0].to_string(),
                numeric: false,
            },
            TableCell {
                text: headers[1].to_string(),
                numeric: true,
            },
        ],
        rows: bars
            .iter()
            .map(|b| {
                vec![
                    TableCell {
                        text: b.label.clone(),
                        numeric: false,
                    },
                    TableCell {
                        text: b.value_text.clone(),
                        numeric: true,
                    },
                ]
            })
            .collect(),
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chart_draws_on_empty_data() {
        let data = ReportData::default();
        for k in ChartKind::ALL {
            let c = chart(&data, k);
            assert!(c.svg.starts_with("<svg"), "{k:?}");
            assert!(!c.title.is_empty());
        }
    }

    #[test]
    fn bar_chart_escapes_labels_and_keeps_a_table() {
        let c = bar_chart(
            "contrib",
            "Points",
            Lang::En,
            ["Indicator", "Points"],
            &[Bar {
                label: "<spend>".into(),
                value: 12.5,
                value_text: "12.5".into(),
            }],
        );
        assert!(c.svg.contains("&lt;spend&gt;"));
        assert!(!c.svg.contains("<spend>"));
        assert_eq!(c.rows[0][0].text, "<spend>");
        assert!(c.rows[0][1].numeric);
    }
}
