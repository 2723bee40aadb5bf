//! The customer page's two small charts: the monthly spend line of the last 24 months and the
//! tier strip (one coloured cell per run).
//!
//! Why here and not in custval-report: both are drawn from one customer's rows (the store's
//! monthly sums, the tier history), which the report never shows. Both are inline SVG whose
//! colours are presentation attributes, because the Content-Security-Policy forbids inline
//! styles; every text is escaped, since the markup is inserted unescaped. Tiers take their fixed
//! colours from `custval_base::palette`, the same as on every page and in the report.

use std::fmt::Write;

use custval_base::palette;
use custval_model::Day;
use custval_model::date::{days_from_civil, ymd_from_days};
use custval_report::{ChartView, TableCell};
use custval_store::{MonthSpend, TierPoint};

use crate::i18n::{self, Lang, Msg};

/// Months on the spend line.
pub const MONTHS: u32 = 24;

/// The spend line's first day: the first of the month `MONTHS - 1` months before `end`'s.
pub fn range_start(end: Day) -> Day {
    let (y, m, _) = ymd_from_days(end);
    let (y, m) = shift(y, m, 1 - MONTHS as i32);
    days_from_civil(y, m, 1)
}

/// `(year, month)` moved by `by` months.
fn shift(y: i32, m: u32, by: i32) -> (i32, u32) {
    let n = y * 12 + m as i32 - 1 + by;
    (n.div_euclid(12), n.rem_euclid(12) as u32 + 1)
}

/// A month as a reader writes it: `2025-06`, `2025年6月`.
pub fn month_label(lang: Lang, y: i32, m: u32) -> String {
    match lang {
        Lang::En => format!("{y}-{m:02}"),
        Lang::Zh => format!("{y}年{m}月"),
    }
}

use custval_base::format::xml_escape as escape;

/// A coordinate with one decimal; non-finite values become 0.
fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.1}")
    } else {
        "0".to_string()
    }
}

fn cell(text: String, numeric: bool) -> TableCell {
    TableCell { text, numeric }
}

/// A "nice" upper bound for an axis over `0..=max` (1, 2, 2.5 or 5 × 10ⁿ).
fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|k| k * p)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * p)
}

// Geometry of the spend line, in viewBox units.
const W: f64 = 720.0;
const H: f64 = 230.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 40.0;

/// The net spend of each of the `MONTHS` months ending with `end`'s month (months without
/// orders at zero), as a line with a point per month (its figure on hover) and a table view.
// Long because it draws the whole chart (axes, grid, line, points, labels) in one pass.
pub fn spend_line(months: &[MonthSpend], end: Day, lang: Lang) -> ChartView {
    let (ey, em, _) = ymd_from_days(end);
    let series: Vec<(i32, u32, f64, u64)> = (0..MONTHS as i32)
        .map(|k| {
            let (y, m) = shift(ey, em, k + 1 - MONTHS as i32);
            let found = months.iter().find(|s| s.year == y && s.month == m);
            (
                y,
                m,
                found.map_or(0.0, |s| s.amount),
                found.map_or(0, |s| s.lines),
            )
        })
        .collect();
    let title = Msg::MonthlySpend.text(lang);
    let desc = Msg::MonthlySpendDesc.text(lang);
    let hi = nice_ceiling(series.iter().map(|s| s.2).fold(0.0, f64::max));
    // Returns can make a month negative: the axis then goes below zero.
    let min = series.iter().map(|s| s.2).fold(0.0, f64::min);
    let lo = if min < 0.0 { -nice_ceiling(-min) } else { 0.0 };
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let x = |i: usize| LEFT + pw * (i as f64 + 0.5) / f64::from(MONTHS);
    let y = |v: f64| TOP + ph * (hi - v) / (hi - lo);

    let mut svg = String::with_capacity(8192);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" class="chart" role="img" aria-labelledby="spend-title spend-desc" aria-label="{t}"><title id="spend-title">{t}</title><desc id="spend-desc">{d}</desc>"#,
        t = escape(title),
        d = escape(desc),
    );
    // Grid and money ticks: four steps between the bounds.
    for k in 0..=4 {
        let v = lo + (hi - lo) * f64::from(k) / 4.0;
        let _ = write!(
            svg,
            r#"<line x1="{x1}" y1="{yy}" x2="{x2}" y2="{yy}" class="{c}"/><text x="{tx}" y="{ty}" text-anchor="end" class="tick-left">{label}</text>"#,
            x1 = num(LEFT),
            x2 = num(W - RIGHT),
            yy = num(y(v)),
            c = if v == 0.0 { "axis" } else { "grid" },
            tx = num(LEFT - 6.0),
            ty = num(y(v) + 4.0),
            label = escape(&custval_i18n::money_short(lang, v)),
        );
    }
    // Month labels: every third month, and the last.
    for (i, (yy, m, _, _)) in series.iter().enumerate() {
        if i % 3 == (MONTHS as usize - 1) % 3 {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="middle" class="tick">{}</text>"#,
                num(x(i)),
                num(H - BOTTOM + 18.0),
                escape(&month_label(lang, *yy, *m)),
            );
        }
    }
    let points: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{},{}", num(x(i)), num(y(s.2))))
        .collect();
    let _ = write!(
        svg,
        r#"<polyline points="{}" class="curve" fill="none" stroke="{}"/>"#,
        points.join(" "),
        palette::PALETTE[0],
    );
    for (i, (yy, m, v, _)) in series.iter().enumerate() {
        let tip = custval_i18n::format(
            lang,
            "web-cust-month-spend",
            &[
                ("month", month_label(lang, *yy, *m).as_str().into()),
                ("amount", custval_i18n::money_full(*v).as_str().into()),
            ],
        );
        let _ = write!(
            svg,
            r#"<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>"#,
            num(x(i)),
            num(y(*v)),
            palette::PALETTE[0],
            escape(&tip),
        );
    }
    svg.push_str("</svg>");

    let total: f64 = series.iter().map(|s| s.2).sum();
    let note = if series.iter().all(|s| s.3 == 0) {
        Msg::NoSpend.text(lang).to_string()
    } else {
        custval_i18n::format(
            lang,
            "web-cust-spend-total",
            &[
                ("total", i18n::money(lang, total).as_str().into()),
                ("months", f64::from(MONTHS).into()),
            ],
        )
    };
    ChartView {
        id: "spend".to_string(),
        title: title.to_string(),
        desc: desc.to_string(),
        svg,
        headers: vec![
            cell(Msg::Month.text(lang).to_string(), false),
            cell(Msg::NetSpend.text(lang).to_string(), true),
            cell(Msg::OrderLines.text(lang).to_string(), true),
        ],
        rows: series
            .iter()
            .rev()
            .map(|(yy, m, v, n)| {
                vec![
                    cell(month_label(lang, *yy, *m), false),
                    cell(i18n::money(lang, *v), true),
                    cell(i18n::count(*n), true),
                ]
            })
            .collect(),
        note: Some(note),
    }
}

/// The tier history as a strip: one cell per run, oldest first, in the tier's fixed colour,
/// the run, its date, tier and score on hover; the run shown is outlined.
pub fn tier_strip(history: &[TierPoint], current: i64, lang: Lang) -> String {
    const CELL: f64 = 30.0;
    const GAP: f64 = 3.0;
    const HIGH: f64 = 30.0;
    let n = history.len().max(1) as f64;
    let width = n * CELL + (n - 1.0) * GAP + 4.0;
    let title = Msg::TierStrip.text(lang);
    let mut svg = String::with_capacity(512 + history.len() * 256);
    // A fixed height and `meet`: cells keep their size and shrink only when many runs must fit.
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" height="{h}" preserveAspectRatio="xMinYMid meet" class="tier-strip" role="img" aria-label="{t}"><title>{t}</title>"#,
        w = num(width),
        h = num(HIGH + 4.0),
        t = escape(title),
    );
    for (i, p) in history.iter().enumerate() {
        let x0 = 2.0 + i as f64 * (CELL + GAP);
        let fill = palette::tier(&p.tier).unwrap_or(palette::NEUTRAL);
        let tip = custval_i18n::format(
            lang,
            "web-cust-strip-cell",
            &[
                ("run", p.run.into()),
                ("date", i18n::date(lang, p.as_of).as_str().into()),
                ("tier", p.tier.as_str().into()),
                ("score", i18n::fixed(p.score, 1).as_str().into()),
            ],
        );
        let outline = if p.run == current {
            r##" stroke="#1b1f24" stroke-width="3""##
        } else {
            ""
        };
        let _ = write!(
            svg,
            r##"<g class="strip-cell" data-run="{run}"><rect x="{x}" y="2" width="{c}" height="{hh}" rx="4" fill="{fill}"{outline}/><text x="{tx}" y="{ty}" text-anchor="middle" fill="#fff" font-weight="700" font-size="14">{tier}</text><title>{tip}</title></g>"##,
            run = p.run,
            x = num(x0),
            c = num(CELL),
            hh = num(HIGH),
            tx = num(x0 + CELL / 2.0),
            ty = num(2.0 + HIGH / 2.0 + 5.0),
            tier = escape(&p.tier),
            tip = escape(&tip),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Day {
        days_from_civil(y, m, d)
    }

    #[test]
    fn the_range_is_24_whole_months() {
        assert_eq!(range_start(day(2025, 6, 30)), day(2023, 7, 1));
        assert_eq!(range_start(day(2025, 1, 1)), day(2023, 2, 1));
        assert_eq!(shift(2025, 1, -1), (2024, 12));
        assert_eq!(shift(2024, 12, 1), (2025, 1));
    }

    #[test]
    fn the_line_has_a_point_per_month_and_the_table_the_figures() {
        let months = [
            MonthSpend {
                year: 2025,
                month: 6,
                amount: 12_000.0,
                lines: 2,
            },
            MonthSpend {
                year: 2024,
                month: 1,
                amount: -300.0,
                lines: 1,
            },
        ];
        let c = spend_line(&months, day(2025, 6, 30), Lang::Zh);
        assert_eq!(c.svg.matches("<circle").count(), 24);
        assert_eq!(c.rows.len(), 24);
        assert_eq!(c.rows[0][0].text, "2025年6月");
        assert_eq!(c.rows[0][1].text, i18n::money(Lang::Zh, 12_000.0));
        assert_eq!(c.rows[23][0].text, "2023年7月");
        assert!(c.svg.contains("2024年1月"));
        assert!(custval_i18n::scan::latin_words(&custval_i18n::scan::html_text(&c.svg)).is_empty());
        assert_eq!(nice_ceiling(12_000.0), 20_000.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }

    #[test]
    fn strip_cells_take_the_tier_colours() {
        let h = [
            TierPoint {
                run: 1,
                as_of: day(2025, 3, 31),
                tier: "B".into(),
                score: 50.0,
            },
            TierPoint {
                run: 2,
                as_of: day(2025, 6, 30),
                tier: "A".into(),
                score: 70.0,
            },
        ];
        let s = tier_strip(&h, 2, Lang::Zh);
        assert_eq!(s.matches("class=\"strip-cell\"").count(), 2);
        assert!(s.contains(palette::tier("A").unwrap_or_default()));
        assert!(s.contains(palette::tier("B").unwrap_or_default()));
        assert!(s.contains("2025年3月31日"));
        assert!(custval_i18n::scan::latin_words(&custval_i18n::scan::html_text(&s)).is_empty());
    }
}
