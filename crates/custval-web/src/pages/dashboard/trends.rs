//! The dashboard's trends across runs: customers and 12-month spend per tier, alerts raised
//! and still open, and the CLV holdout check (predicted vs actual repeat purchases), one bar
//! or stack per run, the latest runs up to the one shown.
//!
//! Why here and not in custval-report: the report draws one run; these charts draw a series of
//! runs from the store's per-run figures (`crate::cache::RunPoint`). They are inline SVG in
//! the report's style (its CSS classes `grid`, `tick`, `legend`, `value`, which the web's
//! stylesheet already styles) with a table view, handed to the page as the report's
//! [`ChartView`] so that the dashboard lays out every chart alike. Tiers keep their fixed
//! colours (`custval_base::palette`); every segment carries a `<title>` with its run, date and
//! full figure, which is what a pointer or a screen reader shows.

use std::fmt::Write;

use custval_base::palette;
use custval_i18n::Arg;
use custval_model::TIERS;
use custval_report::{ChartView, TableCell};

use crate::cache::RunPoint;
use crate::i18n::{self, Lang, Msg};

/// Most runs a trend shows (the latest ones, up to the run shown).
pub const MAX_RUNS: usize = 12;

/// One run of a trend: its figures and the alerts of it still open now.
pub struct Point<'a> {
    pub run: &'a RunPoint,
    pub open_alerts: u64,
}

/// The trend charts of `points` (oldest first), in the dashboard's order.
pub fn charts(points: &[Point<'_>], lang: Lang) -> Vec<ChartView> {
    let runs: Vec<RunLabel> = points.iter().map(|p| RunLabel::of(p.run, lang)).collect();
    let tier_series: Vec<Series> = TIERS
        .iter()
        .enumerate()
        .map(|(i, t)| Series {
            label: format!("{} {t}", Msg::Tier.text(lang)),
            colour: palette::colour(t, i),
        })
        .collect();
    let mut out = vec![
        BarChart {
            id: "trend-tiers",
            title: Msg::DashTrendTiers.text(lang),
            desc: Msg::DashTrendTiersDesc.text(lang),
            series: tier_series.clone(),
            runs: &runs,
            values: points
                .iter()
                .map(|p| p.run.tiers.iter().map(|t| Some(t.0 as f64)).collect())
                .collect(),
            stacked: true,
            short: &|x: f64| i18n::count(x as u64),
            full: &|x: f64| {
                custval_i18n::format(
                    lang,
                    "web-dash-customers",
                    &[("n", Arg::Str(&i18n::count(x as u64)))],
                )
            },
            lang,
        }
        .draw(),
        BarChart {
            id: "trend-spend",
            title: Msg::DashTrendSpend.text(lang),
            desc: Msg::DashTrendSpendDesc.text(lang),
            series: tier_series,
            runs: &runs,
            values: points
                .iter()
                .map(|p| p.run.tiers.iter().map(|t| Some(t.1)).collect())
                .collect(),
            stacked: true,
            short: &|x: f64| custval_i18n::money_short(lang, x),
            full: &custval_i18n::money_full,
            lang,
        }
        .draw(),
        BarChart {
            id: "trend-alerts",
            title: Msg::DashTrendAlerts.text(lang),
            desc: Msg::DashTrendAlertsDesc.text(lang),
            series: vec![
                Series {
                    label: Msg::DashAlertsRaised.text(lang).to_string(),
                    colour: palette::colour("warning", 0),
                },
                Series {
                    label: Msg::DashAlertsOpen.text(lang).to_string(),
                    colour: palette::colour("critical", 1),
                },
            ],
            runs: &runs,
            values: points
                .iter()
                .map(|p| vec![Some(p.run.alerts as f64), Some(p.open_alerts as f64)])
                .collect(),
            stacked: false,
            short: &|x: f64| i18n::count(x as u64),
            full: &|x: f64| i18n::count(x as u64),
            lang,
        }
        .draw(),
    ];
    if points.iter().any(|p| p.run.calibration.is_some()) {
        out.push(clv_chart(points, &runs, lang));
    }
    out
}

/// Predicted against actual repeat purchases of each run's holdout check, with its error and
/// length in the table view.
fn clv_chart(points: &[Point<'_>], runs: &[RunLabel], lang: Lang) -> ChartView {
    let mut clv = BarChart {
        id: "trend-clv",
        title: Msg::DashTrendClv.text(lang),
        desc: Msg::DashTrendClvDesc.text(lang),
        series: vec![
            Series {
                label: Msg::DashPredicted.text(lang).to_string(),
                colour: palette::PALETTE[0],
            },
            Series {
                label: Msg::DashActual.text(lang).to_string(),
                colour: palette::PALETTE[2],
            },
        ],
        runs,
        values: points
            .iter()
            .map(|p| {
                let c = p.run.calibration;
                vec![c.map(|c| c.predicted), c.map(|c| c.actual)]
            })
            .collect(),
        stacked: false,
        short: &|x: f64| i18n::fixed(x, 0),
        full: &|x: f64| i18n::fixed(x, 1),
        lang,
    }
    .draw();
    // The table view adds what the bars do not show: the error and the holdout's length.
    clv.headers.push(head(Msg::DashMae.text(lang), true));
    clv.headers
        .push(head(Msg::DashHoldoutDays.text(lang), true));
    for (row, p) in clv.rows.iter_mut().zip(points) {
        let c = p.run.calibration;
        row.push(cell(i18n::opt_fixed(c.map(|c| c.mae), 3), true));
        row.push(cell(
            c.map_or_else(|| i18n::DASH.to_string(), |c| c.holdout_days.to_string()),
            true,
        ));
    }
    clv.note = Some(Msg::DashTrendClvNote.text(lang).to_string());
    clv
}

/// A run as the trends name it: on the axis by its as-of date, in tooltips and tables by its
/// number too.
struct RunLabel {
    name: String,
    date: String,
    axis: String,
}

impl RunLabel {
    fn of(p: &RunPoint, lang: Lang) -> RunLabel {
        let (y, m, d) = custval_model::date::ymd_from_days(p.as_of);
        RunLabel {
            name: custval_i18n::format(
                lang,
                "web-dash-run",
                &[("id", Arg::Str(&p.id.to_string()))],
            ),
            date: i18n::date(lang, p.as_of),
            // ISO on the axis in both languages: the shortest date that reads without a key.
            axis: custval_base::format::iso_date(i64::from(y), m, d),
        }
    }
}

#[derive(Clone)]
struct Series {
    label: String,
    colour: &'static str,
}

/// A bar chart with one stack (or one group of bars) per run.
struct BarChart<'a> {
    id: &'static str,
    title: &'static str,
    desc: &'static str,
    series: Vec<Series>,
    runs: &'a [RunLabel],
    /// Per run, per series; `None`: the run has no such figure.
    values: Vec<Vec<Option<f64>>>,
    /// Stacked (parts of one whole, with a total) or side by side.
    stacked: bool,
    /// A figure where space is short (axis, labels on the bars).
    short: &'a dyn Fn(f64) -> String,
    /// A figure in full (tooltips, table).
    full: &'a dyn Fn(f64) -> String,
    lang: Lang,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 36.0;

impl BarChart<'_> {
    fn draw(self) -> ChartView {
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let base = TOP + plot_h;
        let val = |v: &Option<f64>| v.filter(|x| x.is_finite()).unwrap_or(0.0).max(0.0);
        let max = self
            .values
            .iter()
            .map(|r| {
                if self.stacked {
                    r.iter().map(val).sum()
                } else {
                    r.iter().map(val).fold(0.0, f64::max)
                }
            })
            .fold(0.0, f64::max);
        let ticks = nice_ticks(max);
        let top = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
        let y = |v: f64| base - v / top * plot_h;
        let mut svg = Svg::new(self.id, self.title, self.desc);
        for t in &ticks {
            svg.line(LEFT, y(*t), LEFT + plot_w, y(*t), "grid");
            svg.text(LEFT - 6.0, y(*t) + 4.0, "end", "tick", &(self.short)(*t));
        }
        svg.line(LEFT, base, LEFT + plot_w, base, "axis");
        let mut x = LEFT;
        for s in &self.series {
            svg.rect(x, 10.0, 12.0, 12.0, s.colour, &s.label);
            svg.text(x + 16.0, 20.0, "start", "legend", &s.label);
            x += 16.0 + label_width(&s.label) + 18.0;
        }
        let n = self.runs.len().max(1);
        let group = plot_w / n as f64;
        // Every k-th date on the axis, so that ISO dates (about 64 units) never overlap.
        let every = ((64.0 / group).ceil() as usize).max(1);
        for (i, (run, vals)) in self.runs.iter().zip(&self.values).enumerate() {
            let centre = LEFT + group * (i as f64 + 0.5);
            if (self.runs.len() - 1 - i) % every == 0 {
                svg.text(centre, base + 16.0, "middle", "tick", &run.axis);
            }
            let tip = |what: &str, v: Option<f64>| {
                let value = v.map_or_else(
                    || Msg::DashNoFigure.text(self.lang).to_string(),
                    |v| (self.full)(v),
                );
                custval_i18n::format(
                    self.lang,
                    "web-dash-tip",
                    &[
                        ("run", Arg::Str(&run.name)),
                        ("date", Arg::Str(&run.date)),
                        ("what", Arg::Str(what)),
                        ("value", Arg::Str(&value)),
                    ],
                )
            };
            if vals.iter().all(Option::is_none) {
                svg.text(centre, base - 6.0, "middle", "tick", i18n::DASH);
                continue;
            }
            if self.stacked {
                let w = (group * 0.56).min(56.0);
                let mut acc = 0.0;
                for (s, v) in self.series.iter().zip(vals) {
                    let h = val(v);
                    svg.rect(
                        centre - w / 2.0,
                        y(acc + h),
                        w,
                        y(acc) - y(acc + h),
                        s.colour,
                        &tip(&s.label, *v),
                    );
                    acc += h;
                }
                let total = tip(Msg::DashTotal.text(self.lang), Some(acc));
                svg.text_tip(centre, y(acc) - 5.0, "value", &(self.short)(acc), &total);
            } else {
                let k = self.series.len().max(1) as f64;
                let w = (group * 0.72 / k).min(32.0);
                for (j, (s, v)) in self.series.iter().zip(vals).enumerate() {
                    let left = centre - w * k / 2.0 + w * j as f64;
                    let h = val(v);
                    svg.rect(
                        left,
                        y(h),
                        w - 1.0,
                        base - y(h),
                        s.colour,
                        &tip(&s.label, *v),
                    );
                    if n <= 6 && v.is_some() {
                        svg.text_tip(
                            left + w / 2.0,
                            y(h) - 4.0,
                            "value",
                            &(self.short)(h),
                            &tip(&s.label, *v),
                        );
                    }
                }
            }
        }
        let (headers, rows) = self.table();
        ChartView {
            id: self.id.to_string(),
            title: self.title.to_string(),
            desc: self.desc.to_string(),
            svg: svg.finish(),
            headers,
            rows,
            note: None,
        }
    }

    /// The chart's table view: a row per run, a column per series (and the total if stacked).
    fn table(&self) -> (Vec<TableCell>, Vec<Vec<TableCell>>) {
        let val = |v: &Option<f64>| v.filter(|x| x.is_finite()).unwrap_or(0.0).max(0.0);
        let mut headers = vec![
            head(Msg::Run.text(self.lang), false),
            head(Msg::AsOf.text(self.lang), false),
        ];
        headers.extend(self.series.iter().map(|s| head(&s.label, true)));
        if self.stacked {
            headers.push(head(Msg::DashTotal.text(self.lang), true));
        }
        let rows = self
            .runs
            .iter()
            .zip(&self.values)
            .map(|(run, vals)| {
                let mut row = vec![cell(run.name.clone(), false), cell(run.date.clone(), false)];
                row.extend(vals.iter().map(|v| {
                    cell(
                        v.map_or_else(|| i18n::DASH.to_string(), |v| (self.full)(v)),
                        true,
                    )
                }));
                if self.stacked {
                    row.push(cell((self.full)(vals.iter().map(val).sum()), true));
                }
                row
            })
            .collect();
        (headers, rows)
    }
}

fn head(text: &str, numeric: bool) -> TableCell {
    cell(text.to_string(), numeric)
}

fn cell(text: String, numeric: bool) -> TableCell {
    TableCell { text, numeric }
}

/// Width of a legend label in viewBox units at the legend's 12 px: wide characters count two.
fn label_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 6.8 } else { 12.0 })
        .sum()
}

/// Round ticks from 0 to at least `max`: steps of 1, 2 or 5 × 10^k, about four of them.
fn nice_ticks(max: f64) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
        // Counts step by whole numbers.
        .max(1.0);
    let steps = (max / step).ceil() as usize;
    (0..=steps).map(|i| i as f64 * step).collect()
}

/// A coordinate with at most one decimal; never `NaN`.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_string();
    }
    let s = format!("{x:.1}");
    s.strip_suffix(".0").unwrap_or(&s).to_string()
}

/// Labels carry user-chosen tier and run names.
use custval_base::format::xml_escape as esc;

/// An SVG document being written, with an accessible name and description.
struct Svg(String);

impl Svg {
    fn new(id: &str, title: &str, desc: &str) -> Svg {
        let (id, title, desc) = (esc(id), esc(title), esc(desc));
        Svg(format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
            w = num(WIDTH),
            h = num(HEIGHT),
        ))
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        let _ = write!(
            self.0,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{class}"/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, tip: &str) {
        let _ = write!(
            self.0,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>"#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            esc(fill),
            esc(tip)
        );
    }

    fn text(&mut self, x: f64, y: f64, anchor: &str, class: &str, text: &str) {
        let _ = write!(
            self.0,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" class="{class}">{}</text>"#,
            num(x),
            num(y),
            esc(text)
        );
    }

    /// Centred text with a tooltip (a bar's figure, its full value on hover).
    fn text_tip(&mut self, x: f64, y: f64, class: &str, text: &str, tip: &str) {
        let _ = write!(
            self.0,
            r#"<text x="{}" y="{}" text-anchor="middle" class="{class}"><title>{}</title>{}</text>"#,
            num(x),
            num(y),
            esc(tip),
            esc(text)
        );
    }

    fn finish(mut self) -> String {
        self.0.push_str("</svg>");
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Calibration;

    fn point(id: i64, day: i32, a: u64, alerts: u64, calib: bool) -> RunPoint {
        RunPoint {
            id,
            as_of: day,
            tiers: vec![(a, 1_500_000.0), (20, 300_000.0), (200, 50_000.0)],
            alerts,
            calibration: calib.then_some(Calibration {
                predicted: 410.4,
                actual: 388.0,
                mae: 0.412,
                holdout_days: 90,
            }),
        }
    }

    #[test]
    fn every_run_is_drawn_with_its_figures_and_fixed_colours() {
        let (p1, p2) = (
            point(1, 20_000, 12, 30, false),
            point(2, 20_090, 15, 41, true),
        );
        let pts = [
            Point {
                run: &p1,
                open_alerts: 30,
            },
            Point {
                run: &p2,
                open_alerts: 7,
            },
        ];
        let charts = charts(&pts, Lang::Zh);
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            ["trend-tiers", "trend-spend", "trend-alerts", "trend-clv"]
        );
        let tiers = &charts[0].svg;
        assert!(
            tiers.contains("评估批次 2 · 2025年1月2日 · 等级 A：15 位客户"),
            "{tiers}"
        );
        assert!(tiers.contains(palette::colour("A", 0)));
        assert!(charts[1].svg.contains("¥150.0万") || charts[1].svg.contains("¥1,500,000"));
        assert!(charts[2].svg.contains("仍未处理：7"));
        assert!(charts[3].rows[0].iter().any(|c| c.text == i18n::DASH));
        assert_eq!(
            charts[3].rows[1].last().map(|c| c.text.as_str()),
            Some("90")
        );
        for c in &charts {
            assert!(
                custval_i18n::scan::latin_words(&custval_i18n::scan::html_text(&c.svg)).is_empty()
            );
            assert!(!c.svg.contains("NaN"));
        }
    }

    #[test]
    fn ticks_cover_the_largest_figure() {
        assert_eq!(nice_ticks(7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(0.0), vec![0.0, 1.0]);
        assert_eq!(nice_ticks(3.0), vec![0.0, 1.0, 2.0, 3.0]);
        assert!(
            nice_ticks(1_234_567.0)
                .last()
                .is_some_and(|t| *t >= 1_234_567.0)
        );
    }
}
