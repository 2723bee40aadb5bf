//! The dynamics section's charts: the tier migration matrix as a heatmap, the tier flows between
//! two runs, and the backtest's lift by decile.
//!
//! Design choices:
//! - **Same conventions as the other charts** (module `charts`): fixed layouts in viewBox units,
//!   every text escaped by the SVG writer, every coordinate finite, a table view per chart and a
//!   "No data." drawing when there is nothing to draw.
//! - **The heatmap's shade follows the square root of the count.** Most customers stay in their
//!   tier, so a linear scale would paint the diagonal dark and every move the same pale colour;
//!   the square root keeps moves of tens next to stays of thousands distinguishable. The legend
//!   prints the counts each shade stands for, and the diagonal (stayed) is outlined.
//! - **The flow chart is a two-column Sankey** with bands as cubic Bézier ribbons, coloured by
//!   the previous tier, and one scale for both columns, so a band is as wide at both ends. It
//!   draws only what the matrix holds; the table view lists every non-empty flow.
//! - **The `none` label** is the matrix's extra row and column (customers in one run only): it
//!   reads "New" as a previous tier and "Gone" as a current tier, and is drawn in grey.
//! - The matrix is not trusted to be square or as long as its labels: a missing cell counts 0
//!   customers and an unknown share prints a dash.

use crate::charts::{
    Chart, HEAT_DARK, HEAT_LIGHT, PALETTE, TableView, WIDTH, finite, legend_row, nm, no_data, txt,
    y_axis,
};
use crate::data::{BacktestMethod, BacktestView, MigrationView};
use crate::format::{DASH, count, fixed, percent};
use crate::i18n::{Lang, Msg, method_name};
use crate::svg::{Anchor, Svg, mix, nice_ticks, num, truncate};

/// The label of the migration matrix's extra row and column.
const NONE: &str = "none";
/// Colour of the `none` row and column.
const NONE_COLOUR: &str = "#9aa3ad";

/// Customers in cell (i, j); 0 when the matrix has no such cell.
pub(crate) fn cell(m: &MigrationView, i: usize, j: usize) -> u64 {
    m.matrix.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0)
}

/// Value share of cell (i, j); NaN (shown as a dash) when unknown.
pub(crate) fn share(m: &MigrationView, i: usize, j: usize) -> f64 {
    m.value_share
        .get(i)
        .and_then(|r| r.get(j))
        .copied()
        .unwrap_or(f64::NAN)
}

/// A tier label as a reader sees it: `none` is "New" as a previous tier (`row`) and "Gone" as a
/// current tier.
pub(crate) fn tier_label(lang: Lang, label: &str, row: bool) -> String {
    match (label, row) {
        (NONE, true) => Msg::NoneFrom.text(lang).to_string(),
        (NONE, false) => Msg::NoneTo.text(lang).to_string(),
        _ => label.to_string(),
    }
}

/// A tier's fixed colour (custval-base's palette; grey for `none`), the same as on every page.
fn tier_colour(i: usize, label: &str) -> &'static str {
    if label == NONE {
        NONE_COLOUR
    } else {
        custval_base::palette::colour(label, i)
    }
}

/// Row sums and column sums of the k × k matrix.
fn margins(m: &MigrationView) -> (Vec<u64>, Vec<u64>) {
    let k = m.labels.len();
    let rows = (0..k)
        .map(|i| (0..k).map(|j| cell(m, i, j)).sum())
        .collect();
    let cols = (0..k)
        .map(|j| (0..k).map(|i| cell(m, i, j)).sum())
        .collect();
    (rows, cols)
}

/// The migration matrix as a heatmap: rows are the previous run's tiers, columns this run's.
pub(crate) fn migration_heatmap(lang: Lang, m: &MigrationView) -> Chart {
    let id = "migration";
    let (title, desc) = (
        Msg::ChartMigration.text(lang),
        Msg::ChartMigrationDesc.text(lang),
    );
    let table = migration_table(lang, m);
    let k = m.labels.len();
    let max = (0..k)
        .flat_map(|i| (0..k).map(move |j| (i, j)))
        .map(|(i, j)| cell(m, i, j))
        .max()
        .unwrap_or(0);
    let svg = if max == 0 {
        no_data(id, title, desc, lang)
    } else {
        let grid = HeatGrid::new(k);
        let mut svg = Svg::new(id, WIDTH, grid.top + k as f64 * grid.ch + 40.0, title, desc);
        draw_heatmap(&mut svg, lang, m, &grid, max);
        svg.finish()
    };
    Chart {
        id,
        title: title.to_string(),
        desc: desc.to_string(),
        svg,
        table,
        note: Some(Msg::MigrationShareNote.text(lang).to_string()),
    }
}

/// The heatmap's table view: counts with value shares, and the row and column totals.
fn migration_table(lang: Lang, m: &MigrationView) -> TableView {
    let k = m.labels.len();
    let (row_sums, col_sums) = margins(m);
    let mut headers = vec![Msg::MatrixCorner.text(lang).to_string()];
    headers.extend(m.labels.iter().map(|l| tier_label(lang, l, false)));
    headers.push(Msg::Total.text(lang).to_string());
    let mut table = TableView {
        headers,
        rows: Vec::new(),
    };
    let both = |n: u64, s: f64| format!("{} ({})", count(n), percent(s));
    for (i, label) in m.labels.iter().enumerate() {
        let mut row = vec![txt(tier_label(lang, label, true))];
        row.extend(m.labels.iter().enumerate().map(|(j, to)| {
            // Nobody is missing from both runs: that cell is not a number of customers.
            if label == NONE && to == NONE {
                nm(DASH)
            } else {
                nm(both(cell(m, i, j), share(m, i, j)))
            }
        }));
        row.push(nm(count(row_sums[i])));
        table.rows.push(row);
    }
    if k > 0 {
        let mut row = vec![txt(Msg::Total.text(lang))];
        row.extend(col_sums.iter().map(|&n| nm(count(n))));
        row.push(nm(count(row_sums.iter().sum())));
        table.rows.push(row);
    }
    table
}

/// The heatmap's layout: the grid's top-left corner and its cell size.
struct HeatGrid {
    left: f64,
    top: f64,
    /// Cell width (narrower when there are many tiers) and height.
    cw: f64,
    ch: f64,
}

impl HeatGrid {
    fn new(k: usize) -> HeatGrid {
        let left = 150.0;
        HeatGrid {
            left,
            top: 64.0,
            cw: ((WIDTH - left - 130.0) / k as f64).min(110.0),
            ch: 58.0,
        }
    }
}

/// Axis titles, tier labels, one cell per pair of tiers, the outline note and the colour scale.
fn draw_heatmap(svg: &mut Svg, lang: Lang, m: &MigrationView, g: &HeatGrid, max: u64) {
    let HeatGrid { left, top, cw, ch } = *g;
    let k = m.labels.len();
    svg.text(
        left + k as f64 * cw / 2.0,
        20.0,
        Anchor::Middle,
        "axistitle",
        Msg::CurrentTier.text(lang),
    );
    svg.vertical_text(
        18.0,
        top + k as f64 * ch / 2.0,
        "axistitle",
        Msg::PreviousTier.text(lang),
    );
    for (j, label) in m.labels.iter().enumerate() {
        svg.text(
            left + (j as f64 + 0.5) * cw,
            top - 10.0,
            Anchor::Middle,
            "category",
            &truncate(&tier_label(lang, label, false), 12),
        );
    }
    for (i, from) in m.labels.iter().enumerate() {
        let y = top + i as f64 * ch;
        let from_label = tier_label(lang, from, true);
        svg.text(
            left - 10.0,
            y + ch / 2.0 + 4.0,
            Anchor::End,
            "category",
            &truncate(&from_label, 16),
        );
        for j in 0..k {
            heat_cell(svg, lang, m, g, (i, j), &from_label, max);
        }
    }
    svg.text(
        left,
        top + k as f64 * ch + 22.0,
        Anchor::Start,
        "tick-left",
        Msg::StayedOutline.text(lang),
    );
    heat_legend(svg, lang, left + k as f64 * cw + 30.0, top, max);
}

/// Cell (i, j) of the heatmap: its shade, count and value share; the diagonal outlined and the
/// none → none cell blank.
fn heat_cell(
    svg: &mut Svg,
    lang: Lang,
    m: &MigrationView,
    g: &HeatGrid,
    (i, j): (usize, usize),
    from_label: &str,
    max: u64,
) {
    let HeatGrid { left, top, cw, ch } = *g;
    let (from, to) = (&m.labels[i], &m.labels[j]);
    let (x, y) = (left + j as f64 * cw, top + i as f64 * ch);
    let n = cell(m, i, j);
    let to_label = tier_label(lang, to, false);
    let tip = format!(
        "{from_label} → {to_label}{}{}, {} {}",
        Msg::Colon.text(lang),
        count(n),
        Msg::ValueShare.text(lang),
        percent(share(m, i, j))
    );
    if from == NONE && to == NONE {
        svg.rect(x, y, cw - 2.0, ch - 2.0, "#f2f4f7", &tip);
        svg.text(
            x + cw / 2.0 - 1.0,
            y + ch / 2.0 + 4.0,
            Anchor::Middle,
            "cell small",
            DASH,
        );
        return;
    }
    let t = (n as f64 / max as f64).sqrt();
    svg.rect(
        x,
        y,
        cw - 2.0,
        ch - 2.0,
        &mix(HEAT_LIGHT, HEAT_DARK, t),
        &tip,
    );
    if i == j {
        svg.outline(x + 1.0, y + 1.0, cw - 4.0, ch - 4.0, "stay");
    }
    let class = if t > 0.5 { "cell-on-dark" } else { "cell" };
    svg.text(
        x + cw / 2.0 - 1.0,
        y + ch / 2.0 - 2.0,
        Anchor::Middle,
        class,
        &count(n),
    );
    svg.text(
        x + cw / 2.0 - 1.0,
        y + ch / 2.0 + 14.0,
        Anchor::Middle,
        &format!("{class} small"),
        &percent(share(m, i, j)),
    );
}

/// Colour scale: five shades from 0 to the largest cell, on the square-root scale.
fn heat_legend(svg: &mut Svg, lang: Lang, lx: f64, top: f64, max: u64) {
    svg.text(
        lx,
        top - 10.0,
        Anchor::Start,
        "legend",
        Msg::Customers.text(lang),
    );
    for s in 0..5 {
        let t = 1.0 - s as f64 / 4.0;
        let y = top + s as f64 * 28.0;
        let value = (t * t * max as f64).round() as u64;
        let colour = mix(HEAT_LIGHT, HEAT_DARK, t);
        svg.rect(lx, y, 22.0, 26.0, &colour, &count(value));
        svg.text(
            lx + 30.0,
            y + 17.0,
            Anchor::Start,
            "tick-left",
            &count(value),
        );
    }
}

/// Tier flows from the previous run (left) to this run (right) as a two-column Sankey.
pub(crate) fn tier_flows(lang: Lang, m: &MigrationView) -> Chart {
    let id = "flows";
    let (title, desc) = (Msg::ChartFlows.text(lang), Msg::ChartFlowsDesc.text(lang));
    let (row_sums, col_sums) = margins(m);
    let table = flows_table(lang, m, &row_sums);
    let total: u64 = row_sums.iter().sum();
    let svg = if total == 0 {
        no_data(id, title, desc, lang)
    } else {
        let sankey = Sankey::new(row_sums, col_sums, total);
        let mut svg = Svg::new(id, WIDTH, Sankey::HEIGHT, title, desc);
        let from_heading = format!("{} #{}", Msg::PreviousRun.text(lang), m.from_run);
        svg.text(
            sankey.x0 + Sankey::NODE_W,
            22.0,
            Anchor::End,
            "axistitle",
            &from_heading,
        );
        svg.text(
            sankey.x1,
            22.0,
            Anchor::Start,
            "axistitle",
            Msg::ThisRun.text(lang),
        );
        sankey.draw_bands(&mut svg, lang, m);
        sankey.draw_nodes(&mut svg, lang, m);
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

/// The flows' table view: every non-empty flow with its share of the previous tier.
fn flows_table(lang: Lang, m: &MigrationView, row_sums: &[u64]) -> TableView {
    let mut table = TableView::new(
        lang,
        &[
            Msg::PreviousTier,
            Msg::CurrentTier,
            Msg::Customers,
            Msg::ShareOfPrevious,
            Msg::ValueShare,
        ],
    );
    for (i, from) in m.labels.iter().enumerate() {
        for (j, to) in m.labels.iter().enumerate() {
            let n = cell(m, i, j);
            if n == 0 {
                continue;
            }
            let of_row = n as f64 / row_sums[i] as f64;
            table.rows.push(vec![
                txt(tier_label(lang, from, true)),
                txt(tier_label(lang, to, false)),
                nm(count(n)),
                nm(percent(of_row)),
                nm(percent(share(m, i, j))),
            ]);
        }
    }
    table
}

/// The Sankey's layout: one vertical scale for both columns and each node's top.
struct Sankey {
    row_sums: Vec<u64>,
    col_sums: Vec<u64>,
    /// Height per customer.
    scale: f64,
    /// Node tops of the left (previous run) and right columns; `None` for an empty node.
    left_y: Vec<Option<f64>>,
    right_y: Vec<Option<f64>>,
    /// x of the left and right node columns.
    x0: f64,
    x1: f64,
}

impl Sankey {
    const HEIGHT: f64 = 380.0;
    const TOP: f64 = 44.0;
    const BOTTOM: f64 = 16.0;
    const GAP: f64 = 12.0;
    const NODE_W: f64 = 14.0;

    fn new(row_sums: Vec<u64>, col_sums: Vec<u64>, total: u64) -> Sankey {
        let (top, gap) = (Self::TOP, Self::GAP);
        let avail = Self::HEIGHT - top - Self::BOTTOM;
        let nonzero = |sums: &[u64]| sums.iter().filter(|&&n| n > 0).count().max(1) as f64;
        let scale = ((avail - gap * (nonzero(&row_sums) - 1.0)) / total as f64)
            .min((avail - gap * (nonzero(&col_sums) - 1.0)) / total as f64)
            .max(0.0);
        // Each column centred vertically.
        let place = |sums: &[u64]| -> Vec<Option<f64>> {
            let used = total as f64 * scale + gap * (nonzero(sums) - 1.0);
            let mut y = top + (avail - used).max(0.0) / 2.0;
            sums.iter()
                .map(|&n| {
                    if n == 0 {
                        return None;
                    }
                    let at = y;
                    y += n as f64 * scale + gap;
                    Some(at)
                })
                .collect()
        };
        let (left_y, right_y) = (place(&row_sums), place(&col_sums));
        Sankey {
            row_sums,
            col_sums,
            scale,
            left_y,
            right_y,
            x0: 190.0,
            x1: WIDTH - 190.0 - Self::NODE_W,
        }
    }

    /// One ribbon per non-empty flow, stacked in label order at both ends.
    fn draw_bands(&self, svg: &mut Svg, lang: Lang, m: &MigrationView) {
        let colon = Msg::Colon.text(lang);
        let k = m.labels.len();
        let (xa, xb) = (self.x0 + Self::NODE_W, self.x1);
        let xm = (xa + xb) / 2.0;
        let mut out_off = vec![0.0; k];
        let mut in_off = vec![0.0; k];
        for (i, from) in m.labels.iter().enumerate() {
            for (j, to) in m.labels.iter().enumerate() {
                let n = cell(m, i, j);
                let (Some(ly), Some(ry)) = (self.left_y[i], self.right_y[j]) else {
                    continue;
                };
                if n == 0 {
                    continue;
                }
                let th = n as f64 * self.scale;
                let (ys, ye) = (ly + out_off[i], ry + in_off[j]);
                out_off[i] += th;
                in_off[j] += th;
                let d = format!(
                    "M{a},{ys}C{m},{ys} {m},{ye} {b},{ye}L{b},{ye2}C{m},{ye2} {m},{ys2} {a},{ys2}Z",
                    a = num(xa),
                    b = num(xb),
                    m = num(xm),
                    ys = num(ys),
                    ye = num(ye),
                    ys2 = num(ys + th),
                    ye2 = num(ye + th),
                );
                let tip = format!(
                    "{} → {}{colon}{}",
                    tier_label(lang, from, true),
                    tier_label(lang, to, false),
                    count(n)
                );
                svg.path(&d, tier_colour(i, from), "flow", &tip);
            }
        }
    }

    /// The tiers of both columns as bars with their labels and counts.
    fn draw_nodes(&self, svg: &mut Svg, lang: Lang, m: &MigrationView) {
        let colon = Msg::Colon.text(lang);
        let node_w = Self::NODE_W;
        let sides = [
            (&self.left_y, &self.row_sums, self.x0, true),
            (&self.right_y, &self.col_sums, self.x1, false),
        ];
        for (ys, sums, x, row) in sides {
            for (i, label) in m.labels.iter().enumerate() {
                let Some(y) = ys[i] else { continue };
                let h = sums[i] as f64 * self.scale;
                let name = tier_label(lang, label, row);
                let text = format!("{} · {}", truncate(&name, 14), count(sums[i]));
                svg.rect(
                    x,
                    y,
                    node_w,
                    h.max(1.0),
                    tier_colour(i, label),
                    &format!("{name}{colon}{}", count(sums[i])),
                );
                let (tx, anchor) = if row {
                    (x - 8.0, Anchor::End)
                } else {
                    (x + node_w + 8.0, Anchor::Start)
                };
                svg.text(tx, y + h / 2.0 + 4.0, anchor, "category", &text);
            }
        }
    }
}

/// Lift by predicted decile, one line per backtested method, with the random line at 1.
pub(crate) fn lift(lang: Lang, b: &BacktestView) -> Chart {
    let id = "lift";
    let (title, desc) = (Msg::ChartLift.text(lang), Msg::ChartLiftDesc.text(lang));
    let methods: Vec<_> = b
        .methods
        .iter()
        .filter(|m| !m.lift_by_decile.is_empty())
        .collect();
    let n = methods
        .iter()
        .map(|m| m.lift_by_decile.len())
        .max()
        .unwrap_or(0);
    let table = lift_table(lang, &methods, n);
    let finite_max = methods
        .iter()
        .flat_map(|m| m.lift_by_decile.iter())
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, |a, &v| a.max(v));
    let svg = if n == 0 || !finite_max.is_finite() {
        no_data(id, title, desc, lang)
    } else {
        let height = 360.0;
        let mut svg = Svg::new(id, WIDTH, height, title, desc);
        draw_lift(&mut svg, lang, b, &methods, n, finite_max, height);
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

/// The lift chart's table view: one row per decile, one column per method.
fn lift_table(lang: Lang, methods: &[&BacktestMethod], n: usize) -> TableView {
    let mut headers = vec![Msg::Decile.text(lang).to_string()];
    headers.extend(
        methods
            .iter()
            .map(|m| method_name(lang, &m.name).to_string()),
    );
    let mut table = TableView {
        headers,
        rows: Vec::new(),
    };
    for d in 0..n {
        let mut row = vec![nm((d + 1).to_string())];
        row.extend(methods.iter().map(|m| {
            nm(m.lift_by_decile
                .get(d)
                .map_or_else(|| DASH.to_string(), |v| fixed(*v, 2)))
        }));
        table.rows.push(row);
    }
    table
}

/// Axes, the random line, one line of dots per method (the best one thicker) and the legend.
fn draw_lift(
    svg: &mut Svg,
    lang: Lang,
    b: &BacktestView,
    methods: &[&BacktestMethod],
    n: usize,
    finite_max: f64,
    height: f64,
) {
    let plot = (64.0, 48.0, WIDTH - 88.0, height - 48.0 - 60.0);
    let (left, top, w, h) = plot;
    let ticks = nice_ticks(finite_max.max(1.0), 5);
    let scale = y_axis(svg, plot, &ticks, |t| fixed(t, 1));
    let x_of = |d: usize| left + (d as f64 + 0.5) * w / n as f64;
    let y_of = |v: f64| top + h - finite(v).clamp(0.0, scale) / scale * h;
    for d in 0..n {
        svg.text(
            x_of(d),
            top + h + 18.0,
            Anchor::Middle,
            "tick",
            &(d + 1).to_string(),
        );
    }
    let y1 = y_of(1.0);
    svg.line(left, y1, left + w, y1, "cut");
    svg.text(
        left + w - 4.0,
        y1 - 6.0,
        Anchor::End,
        "cutlabel",
        Msg::RandomLine.text(lang),
    );
    let best = b.best.as_deref();
    let names = lift_names(lang, methods, best);
    for (k, m) in methods.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let width = if Some(m.name.as_str()) == best {
            3.5
        } else {
            2.0
        };
        // A non-finite value breaks the line rather than drawing a false point.
        let mut segment: Vec<(f64, f64)> = Vec::new();
        for (d, v) in m.lift_by_decile.iter().enumerate() {
            if v.is_finite() {
                segment.push((x_of(d), y_of(*v)));
            } else if !segment.is_empty() {
                svg.series(&segment, colour, width);
                segment.clear();
            }
        }
        if !segment.is_empty() {
            svg.series(&segment, colour, width);
        }
        for (d, v) in m.lift_by_decile.iter().enumerate() {
            if v.is_finite() {
                svg.dot(x_of(d), y_of(*v), 3.5, colour);
            }
        }
    }
    let entries: Vec<(&str, &str)> = names
        .iter()
        .enumerate()
        .map(|(k, name)| (PALETTE[k % PALETTE.len()], name.as_str()))
        .collect();
    legend_row(svg, left, 20.0, &entries);
    svg.text(
        left + w / 2.0,
        height - 14.0,
        Anchor::Middle,
        "axistitle",
        Msg::DecileAxis.text(lang),
    );
    svg.vertical_text(16.0, top + h / 2.0, "axistitle", Msg::Lift.text(lang));
}

/// The methods' names for the legend, the best one tagged.
fn lift_names(lang: Lang, methods: &[&BacktestMethod], best: Option<&str>) -> Vec<String> {
    methods
        .iter()
        .map(|m| {
            let name = method_name(lang, &m.name);
            let tag = Msg::Best.text(lang);
            if Some(m.name.as_str()) != best {
                name.to_string()
            } else if lang == Lang::Zh {
                format!("{name}（{tag}）")
            } else {
                format!("{name} ({tag})")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> MigrationView {
        MigrationView {
            from_run: 3,
            labels: vec!["A".into(), "B".into(), "none".into()],
            matrix: vec![vec![8, 2, 1], vec![1, 20, 0], vec![3, 0, 0]],
            value_share: vec![
                vec![0.6, 0.05, 0.02],
                vec![0.03, 0.3, 0.0],
                vec![0.02, 0.0, 0.0],
            ],
            ..Default::default()
        }
    }

    #[test]
    fn heatmap_table_is_the_matrix_with_totals() {
        let c = migration_heatmap(Lang::En, &view());
        assert_eq!(
            c.table.headers,
            ["Previous \\ current", "A", "B", "Gone", "Total"]
        );
        let row =
            |r: usize| -> Vec<&str> { c.table.rows[r].iter().map(|t| t.text.as_str()).collect() };
        assert_eq!(row(0), ["A", "8 (60.0%)", "2 (5.0%)", "1 (2.0%)", "11"]);
        assert_eq!(row(2)[0], "New");
        assert_eq!(row(3), ["Total", "12", "22", "1", "35"]);
        // The diagonal is outlined: A→A and B→B, not none→none.
        assert_eq!(c.svg.matches(r#"class="stay""#).count(), 2);
    }

    #[test]
    fn flows_keep_band_widths_and_list_non_empty_flows() {
        let c = tier_flows(Lang::En, &view());
        // Six non-empty cells.
        assert_eq!(c.table.rows.len(), 6);
        let first: Vec<&str> = c.table.rows[0].iter().map(|t| t.text.as_str()).collect();
        // 8 of A's 11 previous customers stayed.
        assert_eq!(first, ["A", "A", "8", "72.7%", "60.0%"]);
        assert_eq!(c.svg.matches("<path").count(), 6);
    }

    #[test]
    fn ragged_matrix_and_nan_shares_draw_cleanly() {
        let mut m = view();
        m.matrix = vec![vec![5]];
        m.value_share = vec![vec![f64::NAN, f64::INFINITY]];
        for c in [migration_heatmap(Lang::Zh, &m), tier_flows(Lang::Zh, &m)] {
            assert!(
                !c.svg.contains("NaN") && !c.svg.contains("inf"),
                "{}",
                c.svg
            );
        }
        m.matrix.clear();
        let c = tier_flows(Lang::En, &m);
        assert!(c.svg.contains("No data."));
        assert!(c.table.rows.is_empty());
    }

    #[test]
    fn lift_draws_one_line_per_method_and_breaks_at_nan() {
        let b = BacktestView {
            methods: vec![
                BacktestMethod {
                    name: "score".into(),
                    lift_by_decile: vec![4.0, 2.5, 1.5, 0.8, 0.5, 0.3, 0.2, 0.1, 0.1, 0.0],
                    ..Default::default()
                },
                BacktestMethod {
                    name: "rfm".into(),
                    lift_by_decile: vec![3.0, f64::NAN, 1.0, 1.0, 1.0, 1.0, 0.8, 0.5, 0.4, 0.3],
                    ..Default::default()
                },
                BacktestMethod {
                    name: "none".into(),
                    ..Default::default()
                },
            ],
            best: Some("score".into()),
            ..Default::default()
        };
        let c = lift(Lang::En, &b);
        assert_eq!(c.table.headers, ["Decile", "Overall score", "RFM score"]);
        assert_eq!(c.table.rows.len(), 10);
        assert_eq!(c.table.rows[1][2].text, DASH);
        // score: one segment; rfm: two (broken at the NaN).
        assert_eq!(c.svg.matches("<polyline").count(), 3);
        assert!(c.svg.contains("Overall score (best)"));
        assert!(c.svg.contains(r#"stroke-width="3.5""#));
        assert!(!c.svg.contains("NaN"));
        let empty = lift(Lang::En, &BacktestView::default());
        assert!(empty.svg.contains("No data."));
    }
}
