//! The report's charts: each one an inline SVG plus a table of the same numbers.
//!
//! Design choices:
//! - **A chart is drawn from the report data only**, with fixed layouts in viewBox units; the
//!   browser scales it. No chart needs JavaScript, fonts or network.
//! - **Every chart has a table view** ([`TableView`]) rendered under it in a `<details>` element,
//!   for screen readers, for copying numbers, and for anyone who cannot tell colours apart. The
//!   scatter plot's table summarises its points per class and quadrant: a table of 3,000 points
//!   helps nobody.
//! - **Empty data draws a small "No data." chart** rather than an empty frame, so a report of an
//!   empty run still has every section.
//! - **Colours**: every tier and known class has its fixed colour (custval-base's `palette`,
//!   Okabe–Ito hues distinguishable with the common colour-vision deficiencies), the same in
//!   every chart, table swatch, web page and XLSX fill whatever the data's order; unknown ids
//!   (clusters) take the palette by position. The heatmap is a single-hue scale so its order
//!   reads without a legend of hues.
//! - **Short amounts where space is short** (chart labels, small cells: `¥123.5万`, `$1.23M`)
//!   with the full amount in the element's hover title.
//! - Histogram bins are drawn with equal widths whatever their value ranges: the caller chooses
//!   the bins, and equal widths keep every bin readable when ranges are uneven (log-like bins).

use crate::data::{BudgetRow, HistogramBin, ReportData, RfmHeatmap, Scatter, TierRow, WeightRow};
use crate::format::{count, fixed, money, money_full, money_short, percent, score};
use crate::i18n::{Lang, Msg, budget_basis, class_name, dimension_name};
use crate::svg::{Anchor, Svg, display_width, mix, nice_ticks, truncate};
use custval_base::palette;

/// Okabe–Ito colours, in the order classes receive them.
pub(crate) const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442",
];
pub(crate) const WIDTH: f64 = 720.0;
/// Legend shades for "light bar" and "full bar" when each bar takes its tier's colour.
const LIGHT_GREY: &str = "#c4cad1";
const DARK_GREY: &str = "#5b6470";

/// A light shade of a `#rrggbb` colour (55 % towards white), for a second bar of one tier.
pub(crate) fn lighter(colour: &str) -> String {
    let channel = |i: usize| {
        colour
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(128)
    };
    let rgb = (channel(1), channel(3), channel(5));
    mix(rgb, (255, 255, 255), 0.55)
}
pub(crate) const HEAT_LIGHT: (u8, u8, u8) = (239, 243, 255);
pub(crate) const HEAT_DARK: (u8, u8, u8) = (8, 48, 107);

/// One table cell: its text, whether it is a number (right-aligned), an optional colour swatch
/// (a tier's or class's fixed colour) and an optional hover text (the full figure of a short
/// amount).
#[derive(Clone, Debug, Default)]
pub(crate) struct Td {
    pub text: String,
    pub num: bool,
    pub dot: Option<&'static str>,
    pub title: Option<String>,
    /// Kept to one line, cut with an ellipsis, the whole text on hover (names).
    pub clip: bool,
}

impl Td {
    /// The cell with a colour swatch before its text.
    pub(crate) fn with_dot(mut self, colour: &'static str) -> Td {
        self.dot = Some(colour);
        self
    }

    /// The cell on one line, cut with an ellipsis when long, the whole text on hover.
    pub(crate) fn clipped(mut self) -> Td {
        self.title = Some(self.text.clone());
        self.clip = true;
        self
    }

    /// The cell with a hover text.
    pub(crate) fn with_title(mut self, title: impl Into<String>) -> Td {
        self.title = Some(title.into());
        self
    }
}

pub(crate) fn txt(s: impl Into<String>) -> Td {
    Td {
        text: s.into(),
        ..Td::default()
    }
}

pub(crate) fn nm(s: impl Into<String>) -> Td {
    Td {
        text: s.into(),
        num: true,
        ..Td::default()
    }
}

/// The numbers behind a chart, as a table.
#[derive(Clone, Debug, Default)]
pub(crate) struct TableView {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Td>>,
}

/// A chart ready for the template.
#[derive(Clone, Debug)]
pub(crate) struct Chart {
    /// Unique id within the page (also the SVG ids' prefix).
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    /// Complete, escaped `<svg>` markup.
    pub svg: String,
    pub table: TableView,
    /// A sentence shown above the table (e.g. what the table summarises).
    pub note: Option<String>,
}

impl TableView {
    /// Header cells, right-aligned where the first row's cell is a number.
    pub(crate) fn header_cells(&self) -> Vec<Td> {
        let first = self.rows.first();
        self.headers
            .iter()
            .enumerate()
            .map(|(i, h)| Td {
                text: h.clone(),
                num: first.and_then(|r| r.get(i)).is_some_and(|c| c.num),
                ..Td::default()
            })
            .collect()
    }

    pub(crate) fn new(lang: Lang, headers: &[Msg]) -> TableView {
        TableView {
            headers: headers.iter().map(|m| m.text(lang).to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// A chart that says "No data." in place of the drawing.
pub(crate) fn no_data(id: &str, title: &str, desc: &str, lang: Lang) -> String {
    let mut svg = Svg::new(id, WIDTH, 80.0, title, desc);
    svg.text(
        WIDTH / 2.0,
        45.0,
        Anchor::Middle,
        "nodata",
        Msg::NoData.text(lang),
    );
    svg.finish()
}

/// A finite value or zero.
pub(crate) fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// Horizontal grid lines and labels for a 0..=max vertical axis; returns the scale top.
pub(crate) fn y_axis(
    svg: &mut Svg,
    plot: (f64, f64, f64, f64),
    ticks: &[f64],
    label: impl Fn(f64) -> String,
) -> f64 {
    let (left, top, w, h) = plot;
    let top_value = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    for &t in ticks {
        let y = top + h - t / top_value * h;
        svg.line(left, y, left + w, y, "grid");
        svg.text(left - 6.0, y + 4.0, Anchor::End, "tick", &label(t));
    }
    svg.line(left, top + h, left + w, top + h, "axis");
    svg.line(left, top, left, top + h, "axis");
    top_value
}

/// Legend entries in a row starting at (x, y).
pub(crate) fn legend_row(svg: &mut Svg, x: f64, y: f64, entries: &[(&str, &str)]) {
    let mut x = x;
    for (colour, label) in entries {
        svg.rect(x, y - 10.0, 12.0, 12.0, colour, label);
        svg.text(x + 17.0, y, Anchor::Start, "legend", label);
        x += 17.0 + display_width(label) as f64 * 7.0 + 24.0;
    }
}

/// Tier distribution: per tier, a bar for its share of customers and one for its share of value.
pub(crate) fn tiers(data: &ReportData) -> Chart {
    let lang = data.language;
    let colon = Msg::Colon.text(lang);
    let (id, title, desc) = ("tiers", Msg::ChartTiers, Msg::ChartTiersDesc);
    let (title, desc) = (title.text(lang), desc.text(lang));
    let total: u64 = data.tiers.iter().map(|t| t.customers).sum();
    let customer_share = |t: &TierRow| {
        if total == 0 {
            0.0
        } else {
            t.customers as f64 / total as f64
        }
    };
    let mut table = TableView::new(
        lang,
        &[
            Msg::Tier,
            Msg::Customers,
            Msg::CustomerShare,
            Msg::Value,
            Msg::ValueShare,
        ],
    );
    for t in &data.tiers {
        table.rows.push(vec![
            txt(&t.tier),
            nm(count(t.customers)),
            nm(percent(customer_share(t))),
            nm(money(lang, t.value)),
            nm(percent(t.value_share)),
        ]);
    }
    let svg = if data.tiers.is_empty() {
        no_data(id, title, desc, lang)
    } else {
        let height = 340.0;
        let plot = (56.0, 44.0, WIDTH - 72.0, height - 44.0 - 40.0);
        let (left, top, w, h) = plot;
        let mut svg = Svg::new(id, WIDTH, height, title, desc);
        let ticks = nice_ticks(1.0, 5);
        let max = y_axis(&mut svg, plot, &ticks, |t| format!("{:.0}%", t * 100.0));
        let customers_label = Msg::CustomerShare.text(lang);
        let value_label = Msg::ValueShare.text(lang);
        // Each tier keeps its fixed colour; the customer bar is its light shade, the value bar
        // the full colour, and the legend shows the two shades in grey.
        legend_row(
            &mut svg,
            left,
            18.0,
            &[(LIGHT_GREY, customers_label), (DARK_GREY, value_label)],
        );
        let group = w / data.tiers.len() as f64;
        let bar = (group * 0.32).min(72.0);
        for (i, t) in data.tiers.iter().enumerate() {
            let centre = left + group * (i as f64 + 0.5);
            let full = palette::colour(&t.tier, i);
            let light = lighter(full);
            let bars = [
                (
                    customer_share(t),
                    light.as_str(),
                    count(t.customers),
                    centre - bar - 2.0,
                ),
                (
                    finite(t.value_share).clamp(0.0, 1.0),
                    full,
                    percent(t.value_share),
                    centre + 2.0,
                ),
            ];
            for (share, colour, label, x) in bars {
                let bh = share / max * h;
                let tip = format!("{} {}{colon}{}", Msg::Tier.text(lang), t.tier, label);
                svg.rect(x, top + h - bh, bar, bh, colour, &tip);
                svg.text(
                    x + bar / 2.0,
                    top + h - bh - 5.0,
                    Anchor::Middle,
                    "value",
                    &label,
                );
            }
            svg.text(
                centre,
                top + h + 20.0,
                Anchor::Middle,
                "category",
                &truncate(&t.tier, 16),
            );
        }
        svg.finish()
    };
    Chart {
        id,
        title: title.to_string(),
        desc: desc.to_string(),
        svg,
        table,
        note: None,
    }
}

/// Where the Pareto curve first reaches `level` of value, by linear interpolation between points;
/// `None` if it never does. `points` must be sorted by x and start at (0, 0).
pub(crate) fn pareto_reach(points: &[(f64, f64)], level: f64) -> Option<f64> {
    let i = points.iter().position(|&(_, y)| y >= level)?;
    if i == 0 {
        return Some(points[0].0);
    }
    let (x0, y0) = points[i - 1];
    let (x1, y1) = points[i];
    Some(x0 + (level - y0) * (x1 - x0) / (y1 - y0))
}

/// The curve's points, finite, clamped to the unit square, sorted, starting at (0, 0).
fn pareto_points(raw: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = raw
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|&(x, y)| (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    if pts.first() != Some(&(0.0, 0.0)) {
        pts.insert(0, (0.0, 0.0));
    }
    pts
}

/// Pareto curve with the 80 % line and where the curve crosses it.
pub(crate) fn pareto(data: &ReportData) -> Chart {
    let lang = data.language;
    let colon = Msg::Colon.text(lang);
    let id = "pareto";
    let (title, desc) = (Msg::ChartPareto.text(lang), Msg::ChartParetoDesc.text(lang));
    let mut table = TableView::new(lang, &[Msg::CumCustomers, Msg::CumValue]);
    for &(x, y) in &data.pareto {
        table.rows.push(vec![nm(percent(x)), nm(percent(y))]);
    }
    let pts = pareto_points(&data.pareto);
    let reach = pareto_reach(&pts, 0.8);
    let note = reach.map(|x| format!("{}{colon}{}", Msg::ParetoReach.text(lang), percent(x)));
    let svg = if pts.len() < 2 {
        no_data(id, title, desc, lang)
    } else {
        let height = 420.0;
        let plot = (64.0, 20.0, WIDTH - 88.0, height - 20.0 - 60.0);
        let (left, top, w, h) = plot;
        let mut svg = Svg::new(id, WIDTH, height, title, desc);
        let ticks = nice_ticks(1.0, 5);
        y_axis(&mut svg, plot, &ticks, |t| format!("{:.0}%", t * 100.0));
        for &t in &ticks {
            let x = left + t * w;
            svg.text(
                x,
                top + h + 18.0,
                Anchor::Middle,
                "tick",
                &format!("{:.0}%", t * 100.0),
            );
        }
        let map = |(x, y): (f64, f64)| (left + x * w, top + h - y * h);
        svg.line(left, top + h, left + w, top, "diagonal");
        let y80 = top + h - 0.8 * h;
        svg.line(left, y80, left + w, y80, "cut");
        svg.text(
            left + w - 4.0,
            y80 - 6.0,
            Anchor::End,
            "cutlabel",
            Msg::Line80.text(lang),
        );
        let mapped: Vec<(f64, f64)> = pts.iter().map(|&p| map(p)).collect();
        svg.polyline(&mapped, "curve");
        if let Some(x) = reach {
            let px = left + x * w;
            svg.line(px, y80, px, top + h, "cut");
            svg.text(
                px + 6.0,
                top + h - 8.0,
                Anchor::Start,
                "cutlabel",
                &percent(x),
            );
        }
        svg.text(
            left + w / 2.0,
            height - 14.0,
            Anchor::Middle,
            "axistitle",
            Msg::CumCustomers.text(lang),
        );
        svg.vertical_text(16.0, top + h / 2.0, "axistitle", Msg::CumValue.text(lang));
        svg.finish()
    };
    Chart {
        id,
        title: title.to_string(),
        desc: desc.to_string(),
        svg,
        table,
        note,
    }
}

/// Classes in order of first appearance, with their colours: a known class its fixed colour
/// (custval-base's palette), an unknown one the palette's colour at its position.
pub(crate) fn class_colours(scatter: &Scatter) -> Vec<(&str, &'static str)> {
    let mut out: Vec<(&str, &'static str)> = Vec::new();
    for p in &scatter.points {
        if !out.iter().any(|(c, _)| *c == p.class) {
            out.push((&p.class, palette::colour(&p.class, out.len())));
        }
    }
    out
}

/// Per-class summary of the scatter points: count, mean x, mean y, and quadrant counts
/// (high value & high potential, high & low, low & high, low & low).
struct ClassSummary {
    points: u64,
    sum_x: f64,
    sum_y: f64,
    quadrants: [u64; 4],
}

/// Value × potential scatter coloured by class, with the cut lines.
pub(crate) fn scatter(data: &ReportData) -> Chart {
    let lang = data.language;
    let id = "scatter";
    let (title, desc) = (
        Msg::ChartScatter.text(lang),
        Msg::ChartScatterDesc.text(lang),
    );
    let s = &data.scatter;
    let colours = class_colours(s);
    let (x_cut, y_cut) = (
        finite(s.x_cut).clamp(0.0, 100.0),
        finite(s.y_cut).clamp(0.0, 100.0),
    );
    let mut summaries: Vec<ClassSummary> = colours
        .iter()
        .map(|_| ClassSummary {
            points: 0,
            sum_x: 0.0,
            sum_y: 0.0,
            quadrants: [0; 4],
        })
        .collect();
    let drawable = |x: f64, y: f64| x.is_finite() && y.is_finite();
    for p in s.points.iter().filter(|p| drawable(p.x, p.y)) {
        let Some(k) = colours.iter().position(|(c, _)| *c == p.class) else {
            continue;
        };
        let (x, y) = (p.x.clamp(0.0, 100.0), p.y.clamp(0.0, 100.0));
        let sm = &mut summaries[k];
        sm.points += 1;
        sm.sum_x += x;
        sm.sum_y += y;
        let q = match (x >= x_cut, y >= y_cut) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => 2,
            (false, false) => 3,
        };
        sm.quadrants[q] += 1;
    }
    let mut table = TableView::new(
        lang,
        &[
            Msg::Class,
            Msg::Points,
            Msg::MeanValueScore,
            Msg::MeanPotentialScore,
            Msg::HighValueHighPotential,
            Msg::HighValueLowPotential,
            Msg::LowValueHighPotential,
            Msg::LowValueLowPotential,
        ],
    );
    for ((class, _), sm) in colours.iter().zip(&summaries) {
        let mean = |sum: f64| {
            if sm.points == 0 {
                f64::NAN
            } else {
                sum / sm.points as f64
            }
        };
        let mut row = vec![
            txt(class_name(lang, "value_class", class)).with_dot(palette::colour(class, 0)),
            nm(count(sm.points)),
            nm(score(mean(sm.sum_x))),
            nm(score(mean(sm.sum_y))),
        ];
        row.extend(sm.quadrants.iter().map(|&q| nm(count(q))));
        table.rows.push(row);
    }
    let note = Some(format!(
        "{} ({} = {}, {} = {})",
        Msg::ScatterSummaryNote.text(lang),
        Msg::ValueScore.text(lang),
        score(x_cut),
        Msg::PotentialScore.text(lang),
        score(y_cut)
    ));
    let total: u64 = summaries.iter().map(|s| s.points).sum();
    let svg = if total == 0 {
        no_data(id, title, desc, lang)
    } else {
        draw_scatter(data, &colours, &summaries, (x_cut, y_cut))
    };
    Chart {
        id,
        title: title.to_string(),
        desc: desc.to_string(),
        svg,
        table,
        note,
    }
}

fn draw_scatter(
    data: &ReportData,
    colours: &[(&str, &'static str)],
    summaries: &[ClassSummary],
    (x_cut, y_cut): (f64, f64),
) -> String {
    let lang = data.language;
    let (height, left, top, size) = (470.0, 60.0, 16.0, 400.0);
    let mut svg = Svg::new(
        "scatter",
        WIDTH,
        height,
        Msg::ChartScatter.text(lang),
        Msg::ChartScatterDesc.text(lang),
    );
    let ticks = nice_ticks(100.0, 5);
    y_axis(&mut svg, (left, top, size, size), &ticks, |t| {
        format!("{t:.0}")
    });
    for &t in &ticks {
        svg.text(
            left + t / 100.0 * size,
            top + size + 18.0,
            Anchor::Middle,
            "tick",
            &format!("{t:.0}"),
        );
    }
    let map_x = |x: f64| left + x / 100.0 * size;
    let map_y = |y: f64| top + size - y / 100.0 * size;
    quadrant_names(&mut svg, lang, (left, top, size));
    svg.raw(r#"<g class="points">"#);
    for p in &data.scatter.points {
        if !(p.x.is_finite() && p.y.is_finite()) {
            continue;
        }
        let colour = colours
            .iter()
            .find(|(c, _)| *c == p.class)
            .map_or(PALETTE[0], |(_, col)| *col);
        svg.dot(
            map_x(p.x.clamp(0.0, 100.0)),
            map_y(p.y.clamp(0.0, 100.0)),
            2.6,
            colour,
        );
    }
    svg.raw("</g>");
    svg.line(map_x(x_cut), top, map_x(x_cut), top + size, "cut");
    svg.line(left, map_y(y_cut), left + size, map_y(y_cut), "cut");
    let cut = Msg::Cut.text(lang);
    svg.text(
        map_x(x_cut) + 4.0,
        top + size - 22.0,
        Anchor::Start,
        "cutlabel",
        &format!("{cut} {}", score(x_cut)),
    );
    svg.text(
        left + size - 4.0,
        map_y(y_cut) - 5.0,
        Anchor::End,
        "cutlabel",
        &format!("{cut} {}", score(y_cut)),
    );
    svg.text(
        left + size / 2.0,
        height - 14.0,
        Anchor::Middle,
        "axistitle",
        Msg::ValueScore.text(lang),
    );
    svg.vertical_text(
        16.0,
        top + size / 2.0,
        "axistitle",
        Msg::PotentialScore.text(lang),
    );
    scatter_legend(
        &mut svg,
        lang,
        colours,
        summaries,
        (left + size + 28.0, top),
    );
    svg.finish()
}

/// Quadrant names in the corners of the square plot (left, top, size), under the points.
fn quadrant_names(svg: &mut Svg, lang: Lang, (left, top, size): (f64, f64, f64)) {
    let pad = 6.0;
    for (msg, x, y, anchor) in [
        (
            Msg::HighValueHighPotential,
            left + size - pad,
            top + 14.0,
            Anchor::End,
        ),
        (
            Msg::LowValueHighPotential,
            left + pad,
            top + 14.0,
            Anchor::Start,
        ),
        (
            Msg::HighValueLowPotential,
            left + size - pad,
            top + size - pad,
            Anchor::End,
        ),
        (
            Msg::LowValueLowPotential,
            left + pad,
            top + size - pad,
            Anchor::Start,
        ),
    ] {
        svg.text(x, y, anchor, "quadrant", msg.text(lang));
    }
}

/// Legend at (lx, top) on the right; classes beyond what fits are summarised in one line.
fn scatter_legend(
    svg: &mut Svg,
    lang: Lang,
    colours: &[(&str, &'static str)],
    summaries: &[ClassSummary],
    (lx, top): (f64, f64),
) {
    let max_rows = 18;
    for (i, ((class, colour), sm)) in colours.iter().zip(summaries).enumerate() {
        let y = top + 14.0 + i as f64 * 22.0;
        if i == max_rows {
            let rest = colours.len() - max_rows;
            svg.text(lx, y, Anchor::Start, "legend", &format!("… +{rest}"));
            break;
        }
        let name = class_name(lang, "value_class", class);
        svg.rect(lx, y - 10.0, 12.0, 12.0, colour, name);
        let label = format!("{} ({})", truncate(name, 22), count(sm.points));
        svg.text(lx + 18.0, y, Anchor::Start, "legend", &label);
    }
}

/// [`cell_mean`] in the short form, for the chart's small cells.
fn cell_mean_short(lang: Lang, heat: &RfmHeatmap, r: usize, f: usize) -> String {
    if heat.customers[r][f] == 0 {
        crate::format::DASH.to_string()
    } else {
        money_short(lang, heat.mean_monetary[r][f])
    }
}

/// Mean monetary text of one heatmap cell (a dash when the cell is empty).
fn cell_mean(lang: Lang, heat: &RfmHeatmap, r: usize, f: usize) -> String {
    if heat.customers[r][f] == 0 {
        crate::format::DASH.to_string()
    } else {
        money(lang, heat.mean_monetary[r][f])
    }
}

/// RFM heatmap: R 5..1 from the top, F 1..5 from the left, shaded by customers.
pub(crate) fn rfm(data: &ReportData) -> Chart {
    let lang = data.language;
    let id = "rfm";
    let (title, desc) = (Msg::ChartRfm.text(lang), Msg::ChartRfmDesc.text(lang));
    let heat = &data.rfm_heatmap;
    let table = rfm_table(lang, heat);
    let max = heat.customers.iter().flatten().copied().max().unwrap_or(0);
    let svg = if max == 0 {
        no_data(id, title, desc, lang)
    } else {
        let height = RFM_TOP + 5.0 * RFM_CH + 64.0;
        let mut svg = Svg::new(id, WIDTH, height, title, desc);
        draw_rfm(&mut svg, lang, heat, max, height);
        svg.finish()
    };
    Chart {
        id,
        title: title.to_string(),
        desc: desc.to_string(),
        svg,
        table,
        note: None,
    }
}

/// The RFM heatmap's table view: one row per (R, F) cell, R = 5 first.
fn rfm_table(lang: Lang, heat: &RfmHeatmap) -> TableView {
    let mut table = TableView::new(
        lang,
        &[
            Msg::RecencyScore,
            Msg::FrequencyScore,
            Msg::Customers,
            Msg::MeanMonetary,
        ],
    );
    for r in (0..5).rev() {
        for f in 0..5 {
            table.rows.push(vec![
                nm((r + 1).to_string()),
                nm((f + 1).to_string()),
                nm(count(heat.customers[r][f])),
                nm(cell_mean(lang, heat, r, f)),
            ]);
        }
    }
    table
}

// The RFM heatmap's layout: grid corner and cell size.
const RFM_LEFT: f64 = 92.0;
const RFM_TOP: f64 = 16.0;
const RFM_CW: f64 = 100.0;
const RFM_CH: f64 = 64.0;

/// The RFM grid with its axis labels and colour scale.
fn draw_rfm(svg: &mut Svg, lang: Lang, heat: &RfmHeatmap, max: u64, height: f64) {
    let (left, top, cw, ch) = (RFM_LEFT, RFM_TOP, RFM_CW, RFM_CH);
    for row in 0..5 {
        let r = 4 - row; // R = 5 on the top row
        let y = top + row as f64 * ch;
        svg.text(
            left - 10.0,
            y + ch / 2.0 + 4.0,
            Anchor::End,
            "category",
            &format!("R={}", r + 1),
        );
        for f in 0..5 {
            rfm_cell(svg, lang, heat, max, (r, f), (left + f as f64 * cw, y));
        }
    }
    for f in 0..5 {
        let x = left + f as f64 * cw + cw / 2.0;
        svg.text(
            x,
            top + 5.0 * ch + 16.0,
            Anchor::Middle,
            "category",
            &format!("F={}", f + 1),
        );
    }
    svg.text(
        left + 2.5 * cw,
        height - 12.0,
        Anchor::Middle,
        "axistitle",
        Msg::FrequencyScore.text(lang),
    );
    svg.vertical_text(
        18.0,
        top + 2.5 * ch,
        "axistitle",
        Msg::RecencyScore.text(lang),
    );
    rfm_legend(svg, lang, max, left + 5.0 * cw + 40.0);
}

/// Cell (r, f) at (x, y): its shade, customer count and mean monetary value.
fn rfm_cell(
    svg: &mut Svg,
    lang: Lang,
    heat: &RfmHeatmap,
    max: u64,
    (r, f): (usize, usize),
    (x, y): (f64, f64),
) {
    let (cw, ch) = (RFM_CW, RFM_CH);
    let n = heat.customers[r][f];
    let t = n as f64 / max as f64;
    let colon = Msg::Colon.text(lang);
    let mut tip = format!("R={} F={}{colon}{}", r + 1, f + 1, count(n));
    if n > 0 {
        let mean = money_full(heat.mean_monetary[r][f]);
        tip.push_str(&format!(" · {}{colon}{mean}", Msg::MeanMonetary.text(lang)));
    }
    svg.rect(
        x,
        y,
        cw - 2.0,
        ch - 2.0,
        &mix(HEAT_LIGHT, HEAT_DARK, t),
        &tip,
    );
    let class = if t > 0.5 { "cell-on-dark" } else { "cell" };
    svg.text(
        x + cw / 2.0 - 1.0,
        y + ch / 2.0 - 2.0,
        Anchor::Middle,
        class,
        &count(n),
    );
    let small = format!("{class} small");
    svg.text(
        x + cw / 2.0 - 1.0,
        y + ch / 2.0 + 15.0,
        Anchor::Middle,
        &small,
        &cell_mean_short(lang, heat, r, f),
    );
}

/// Colour scale at `lx`: five steps from 0 to the largest cell.
fn rfm_legend(svg: &mut Svg, lang: Lang, max: u64, lx: f64) {
    let top = RFM_TOP;
    svg.text(
        lx,
        top + 4.0,
        Anchor::Start,
        "legend",
        Msg::Customers.text(lang),
    );
    for i in 0..5 {
        let t = 1.0 - i as f64 / 4.0;
        let y = top + 14.0 + i as f64 * 28.0;
        let value = (t * max as f64).round() as u64;
        svg.rect(
            lx,
            y,
            22.0,
            26.0,
            &mix(HEAT_LIGHT, HEAT_DARK, t),
            &count(value),
        );
        svg.text(
            lx + 30.0,
            y + 17.0,
            Anchor::Start,
            "tick-left",
            &count(value),
        );
    }
}

/// CLV histogram: customers per CLV range.
pub(crate) fn clv_histogram(data: &ReportData) -> Chart {
    let lang = data.language;
    let colon = Msg::Colon.text(lang);
    let id = "clv";
    let (title, desc) = (Msg::ChartClv.text(lang), Msg::ChartClvDesc.text(lang));
    let bins: &[HistogramBin] = &data.clv_histogram;
    let total: u64 = bins.iter().map(|b| b.customers).sum();
    let mut table = TableView::new(
        lang,
        &[Msg::From, Msg::To, Msg::Customers, Msg::CustomerShare],
    );
    for b in bins {
        let share = if total == 0 {
            0.0
        } else {
            b.customers as f64 / total as f64
        };
        table.rows.push(vec![
            nm(money(lang, b.lo)),
            nm(money(lang, b.hi)),
            nm(count(b.customers)),
            nm(percent(share)),
        ]);
    }
    let svg = if total == 0 {
        no_data(id, title, desc, lang)
    } else {
        let height = 340.0;
        let plot = (64.0, 20.0, WIDTH - 84.0, height - 20.0 - 64.0);
        let (left, top, w, h) = plot;
        let mut svg = Svg::new(id, WIDTH, height, title, desc);
        let max = bins.iter().map(|b| b.customers).max().unwrap_or(1) as f64;
        let ticks = nice_ticks(max, 5);
        let scale = y_axis(&mut svg, plot, &ticks, |t| count(t.round() as u64));
        let bw = w / bins.len() as f64;
        let every = bins.len().div_ceil(8);
        for (i, b) in bins.iter().enumerate() {
            let x = left + i as f64 * bw;
            let bh = b.customers as f64 / scale * h;
            let tip = format!(
                "{} – {}{colon}{}",
                money_full(b.lo),
                money_full(b.hi),
                count(b.customers)
            );
            svg.rect(x + 1.0, top + h - bh, bw - 2.0, bh, PALETTE[2], &tip);
            if i % every == 0 {
                svg.text(
                    x,
                    top + h + 18.0,
                    Anchor::Middle,
                    "tick",
                    &money_short(lang, b.lo),
                );
            }
        }
        if let Some(last) = bins.last() {
            if bins.len() % every == 0 {
                svg.text(
                    left + w,
                    top + h + 18.0,
                    Anchor::Middle,
                    "tick",
                    &money_short(lang, last.hi),
                );
            }
        }
        svg.text(
            left + w / 2.0,
            height - 14.0,
            Anchor::Middle,
            "axistitle",
            Msg::ClvRange.text(lang),
        );
        svg.vertical_text(16.0, top + h / 2.0, "axistitle", Msg::Customers.text(lang));
        svg.finish()
    };
    Chart {
        id,
        title: title.to_string(),
        desc: desc.to_string(),
        svg,
        table,
        note: None,
    }
}

/// One bar of a horizontal bar chart.
pub(crate) struct HBar {
    pub(crate) label: String,
    pub(crate) value: f64,
    pub(crate) value_text: String,
    /// The bar's own colour (a class's fixed colour); `None` takes the chart's colour.
    pub(crate) colour: Option<&'static str>,
    /// The value in full for the hover text, when `value_text` is a short form.
    pub(crate) full: Option<String>,
}

/// Horizontal bars with labels on the left and values after the bars.
pub(crate) fn hbars(
    id: &str,
    title: &str,
    desc: &str,
    lang: Lang,
    bars: &[HBar],
    colour: &str,
) -> String {
    let colon = Msg::Colon.text(lang);
    if bars.is_empty() {
        return no_data(id, title, desc, lang);
    }
    let (row_h, top, label_w) = (24.0, 10.0, 250.0);
    let height = top * 2.0 + bars.len() as f64 * row_h;
    let max = bars.iter().map(|b| finite(b.value)).fold(0.0, f64::max);
    let bar_max = WIDTH - label_w - 150.0;
    let mut svg = Svg::new(id, WIDTH, height, title, desc);
    for (i, b) in bars.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let len = if max > 0.0 {
            finite(b.value).max(0.0) / max * bar_max
        } else {
            0.0
        };
        svg.text(
            label_w - 8.0,
            y + 16.0,
            Anchor::End,
            "category",
            &truncate(&b.label, 34),
        );
        svg.rect(
            label_w,
            y + 4.0,
            len,
            row_h - 8.0,
            b.colour.unwrap_or(colour),
            &format!(
                "{}{colon}{}",
                b.label,
                b.full.as_deref().unwrap_or(&b.value_text)
            ),
        );
        svg.text(
            label_w + len + 6.0,
            y + 16.0,
            Anchor::Start,
            "value",
            &b.value_text,
        );
    }
    svg.line(label_w, top, label_w, height - top, "axis");
    svg.finish()
}

/// Indicator weights as horizontal bars.
pub(crate) fn weights(lang: Lang, rows: &[WeightRow]) -> Chart {
    let id = "weights";
    let title = Msg::ChartWeights.text(lang);
    let mut table = TableView::new(
        lang,
        &[Msg::Dimension, Msg::Indicator, Msg::Method, Msg::Weight],
    );
    let mut bars = Vec::with_capacity(rows.len());
    for w in rows {
        let label = if w.label.is_empty() {
            &w.indicator
        } else {
            &w.label
        };
        table.rows.push(vec![
            txt(dimension_name(lang, &w.dimension)),
            txt(label.as_str()),
            txt(crate::i18n::weight_method(lang, &w.method)),
            nm(fixed(w.weight, 3)),
        ]);
        bars.push(HBar {
            label: format!("{} · {}", dimension_name(lang, &w.dimension), label),
            value: w.weight,
            value_text: fixed(w.weight, 3),
            colour: None,
            full: None,
        });
    }
    Chart {
        id,
        title: title.to_string(),
        desc: title.to_string(),
        svg: hbars(id, title, title, lang, &bars, PALETTE[0]),
        table,
        note: None,
    }
}

/// Budget per class as horizontal bars.
pub(crate) fn budget(lang: Lang, rows: &[BudgetRow]) -> Chart {
    let id = "budget";
    let title = Msg::ChartBudget.text(lang);
    let mut table = TableView::new(lang, &[Msg::Class, Msg::Amount, Msg::Share, Msg::Basis]);
    let mut bars = Vec::with_capacity(rows.len());
    for (i, b) in rows.iter().enumerate() {
        let colour = palette::colour(&b.class, i);
        let label = if b.label.is_empty() || b.label == b.class {
            class_name(lang, "value_class", &b.class)
        } else {
            &b.label
        };
        table.rows.push(vec![
            txt(label).with_dot(colour),
            nm(money(lang, b.amount)).with_title(money_full(b.amount)),
            nm(percent(b.share)),
            txt(budget_basis(lang, &b.basis)),
        ]);
        bars.push(HBar {
            label: label.to_string(),
            value: b.amount,
            value_text: format!("{} ({})", money_short(lang, b.amount), percent(b.share)),
            colour: Some(colour),
            full: Some(money_full(b.amount)),
        });
    }
    Chart {
        id,
        title: title.to_string(),
        desc: title.to_string(),
        svg: hbars(id, title, title, lang, &bars, PALETTE[1]),
        table,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ScatterPoint;

    #[test]
    fn pareto_reach_interpolates() {
        // 20 % of customers hold 60 %, 40 % hold 90 %: 80 % is reached at 20 + 20 × (20/30) %.
        let pts = pareto_points(&[(0.2, 0.6), (0.4, 0.9), (1.0, 1.0)]);
        let x = pareto_reach(&pts, 0.8).unwrap_or(f64::NAN);
        assert!((x - (0.2 + 0.2 * 2.0 / 3.0)).abs() < 1e-12, "{x}");
        // Equality line: 80 % of customers make 80 % of value.
        let diag = pareto_points(&[(0.5, 0.5), (1.0, 1.0)]);
        assert!((pareto_reach(&diag, 0.8).unwrap_or(f64::NAN) - 0.8).abs() < 1e-12);
        assert_eq!(pareto_reach(&pareto_points(&[(1.0, 0.5)]), 0.8), None);
    }

    #[test]
    fn pareto_points_are_cleaned() {
        let pts = pareto_points(&[(1.2, 1.0), (f64::NAN, 0.3), (0.5, -0.1)]);
        assert_eq!(pts, vec![(0.0, 0.0), (0.5, 0.0), (1.0, 1.0)]);
    }

    #[test]
    fn classes_get_colours_in_order_and_cycle() {
        let s = Scatter {
            points: (0..10)
                .map(|i| ScatterPoint {
                    x: 1.0,
                    y: 1.0,
                    class: format!("c{i}"),
                })
                .collect(),
            x_cut: 50.0,
            y_cut: 50.0,
        };
        let c = class_colours(&s);
        assert_eq!(c.len(), 10);
        assert_eq!(c[0], ("c0", PALETTE[0]));
        assert_eq!(c[8].1, PALETTE[0]);
    }

    #[test]
    fn scatter_summary_counts_quadrants() {
        let mut data = ReportData::default();
        let pt = |x: f64, y: f64, c: &str| ScatterPoint {
            x,
            y,
            class: c.into(),
        };
        data.scatter = Scatter {
            points: vec![
                pt(80.0, 80.0, "a"),
                pt(10.0, 90.0, "a"),
                pt(f64::NAN, 1.0, "a"),
                pt(60.0, 10.0, "b"),
            ],
            x_cut: 50.0,
            y_cut: 50.0,
        };
        let chart = scatter(&data);
        let a: Vec<&str> = chart.table.rows[0]
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(a, ["a", "2", "45.0", "85.0", "1", "0", "1", "0"]);
        let b: Vec<&str> = chart.table.rows[1]
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(b, ["b", "1", "60.0", "10.0", "0", "1", "0", "0"]);
    }
}
