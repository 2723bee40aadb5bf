//! The HTML report: self-contained, well-formed, escaped, complete, and free of NaN.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::representative;
use custval_report::*;

const VOID: [&str; 6] = ["meta", "br", "hr", "img", "input", "link"];

/// Checks that every element is closed in order (the report closes every non-void element), that
/// no raw `<` appears in text, and returns the number of elements seen.
fn check_well_formed(html: &str) -> usize {
    let mut stack: Vec<String> = Vec::new();
    let mut seen = 0;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let after = &rest[lt + 1..];
        if let Some(body) = after.strip_prefix("!DOCTYPE") {
            rest = &body[body.find('>').expect("doctype closed") + 1..];
            continue;
        }
        let gt = after.find('>').expect("tag closed");
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        assert!(!tag.contains('<'), "raw '<' inside tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> with nothing open"));
            assert_eq!(open, name.trim(), "mismatched close");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(!name.is_empty(), "not a tag: <{tag}>");
        seen += 1;
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "style" {
            let end = rest.find("</style>").expect("style closed");
            rest = &rest[end + "</style>".len()..];
            continue;
        }
        stack.push(name);
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    seen
}

/// Checks the rules every rendering must follow, whatever the data.
fn check_common(html: &str, data: &ReportData) {
    let lang = data.language;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(r#"<meta charset="utf-8">"#));
    assert!(html.contains(&format!(
        r#"<html lang="{}">"#,
        if lang == Lang::Zh { "zh-CN" } else { "en" }
    )));
    assert!(html.contains(r#"name="viewport""#));
    assert!(html.contains("@media print"));
    check_well_formed(html);

    // Nothing is loaded from anywhere: the only URL is the SVG namespace.
    let without_ns = html.replace(r#"xmlns="http://www.w3.org/2000/svg""#, "");
    for banned in [
        "http://",
        "https://",
        "<script",
        "<link",
        " src=",
        "@import",
        "url(",
        "@font-face",
    ] {
        assert!(!without_ns.contains(banned), "found {banned}");
    }

    for id in SECTION_IDS {
        assert!(
            html.contains(&format!(r#"<section id="{id}">"#)),
            "section {id}"
        );
        assert!(
            html.contains(&format!(r##"href="#{id}""##)),
            "toc link {id}"
        );
    }

    // Seven charts, plus the migration heatmap and flows and the lift chart when the data has
    // them; each an accessible SVG directly followed by its table view.
    let dynamics = &data.dynamics;
    let expected = 7
        + 2 * usize::from(dynamics.migration.is_some())
        + usize::from(dynamics.backtest.is_some());
    let opens = html.matches("<svg").count();
    assert_eq!(opens, expected);
    assert_eq!(html.matches("</svg>").count(), opens);
    for (i, part) in html.split("</svg>").enumerate().skip(1) {
        assert!(
            part.trim_start().starts_with("<details"),
            "chart {i} has no table view"
        );
        assert!(
            part.contains("<table>"),
            "chart {i}'s table view has no table"
        );
    }
    for svg in html.split("<svg").skip(1) {
        let head = &svg[..svg.find('>').unwrap_or(0)];
        assert!(head.contains("aria-label="), "{head}");
        assert!(head.contains(r#"role="img""#), "{head}");
        assert!(
            svg.trim_start_matches(|c| c != '>').starts_with("><title"),
            "title first"
        );
    }

    assert!(!html.contains("NaN"), "NaN in the report");
    assert!(!html.contains("inf"), "inf in the report");
}

#[test]
fn representative_report_in_english() {
    let data = representative(Lang::En);
    let html = render_html(&data).unwrap();
    check_common(&html, &data);

    assert!(html.contains("Customer evaluation report"));
    assert!(html.contains("How tiers and classes are decided"));
    // Every rule and playbook text is shown.
    for t in &data.tiers {
        let escaped = t
            .rule
            .replace('<', "&#60;")
            .replace('>', "&#62;")
            .replace('\'', "&#39;");
        assert!(
            html.contains(&escaped) || html.contains(&t.rule),
            "{}",
            t.rule
        );
    }
    for text in [
        "value score ≥ 60 and potential score ≥ 60",
        "dedicated account manager",
        "monthly visit",
        "spend down 30% year on year",
    ] {
        assert!(html.contains(text), "{text}");
    }
    // Weights: method, direction, normalization, notes.
    for text in [
        "AHP",
        "Entropy",
        "benefit (higher is better)",
        "cost (lower is better)",
        "z-score",
        "AHP CR = 0.03 (Saaty RI)",
    ] {
        assert!(html.contains(text), "{text}");
    }
    // CLV model: parameters to four significant digits, log-likelihood, calibration.
    for text in [
        "BG/NBD + Gamma-Gamma",
        "0.2426",
        "4.414",
        "-9,582.43",
        "Calibration against the holdout period",
        "7+",
    ] {
        assert!(html.contains(text), "{text}");
    }
    // Money, counts and shares in English style.
    for text in [
        "¥9,876,543",
        "2,469",
        "80.0%",
        "¥600,000",
        "¥123,456",
        // A chart label where space is short, the full amount on hover.
        "¥600K (60.0%)",
        "¥600,000.00",
    ] {
        assert!(html.contains(text), "{text}");
    }
    // Pareto curve y = 1 - (1 - x)^5 reaches 80 % at x = 1 - 0.2^(1/5) = 27.52 %.
    assert!(html.contains("Share of customers making 80% of value: 27.5%"));
    // Top customers with their actions, and the alert shown in the summary and the notes.
    assert!(html.contains("C00050"));
    assert!(html.contains("quarterly business review (most valuable)"));
    assert!(html.contains(r##"<a href="#notes">Alerts: 1</a>"##));
    // The empty RFM cell shows a dash.
    assert!(html.contains(">—</text>"));
}

#[test]
fn representative_report_in_chinese() {
    let data = representative(Lang::Zh);
    let html = render_html(&data).unwrap();
    check_common(&html, &data);
    for text in [
        "客户价值评估报告",
        "分级与分类规则",
        "价值×潜力分类",
        "生命周期阶段",
        "效益型（越大越好）",
        "数据表",
        "¥987.7万",
        "¥60.0万 (60.0%)",
        "¥12.3万",
    ] {
        assert!(html.contains(text), "{text}");
    }
    for english in [
        "How tiers and classes are decided",
        "Table view",
        "Top customers and next actions",
    ] {
        assert!(!html.contains(english), "{english}");
    }
}

#[test]
fn user_text_is_escaped_everywhere() {
    for lang in [Lang::En, Lang::Zh] {
        let html = render_html(&representative(lang)).unwrap();
        assert!(!html.contains("<script"));
        assert!(!html.contains("alert('x')"));
        // askama's escaping in the page, the SVG writer's in the charts.
        assert!(html.contains("&#60;script&#62;"));
        assert!(html.contains("&lt;script&gt;"));
    }
}

#[test]
fn empty_report_renders_without_nan() {
    for lang in [Lang::En, Lang::Zh] {
        let data = ReportData {
            language: lang,
            ..ReportData::default()
        };
        let html = render_html(&data).unwrap();
        check_common(&html, &data);
        assert!(html.contains(Msg::NoData.text(lang)));
        assert!(html.contains(Msg::NoClvModel.text(lang)));
        assert!(html.contains(Msg::NoNotes.text(lang)));
    }
}

#[test]
fn non_finite_numbers_never_reach_the_page() {
    let mut data = representative(Lang::En);
    let nan = f64::NAN;
    data.run.seconds = f64::INFINITY;
    data.tiers[0].value = nan;
    data.tiers[1].value_share = f64::NEG_INFINITY;
    data.classes[0].value = nan;
    data.pareto.push((nan, 0.5));
    data.pareto.push((0.5, f64::INFINITY));
    data.scatter.x_cut = nan;
    data.scatter.points[0].x = f64::INFINITY;
    data.scatter.points[1].y = nan;
    data.rfm_heatmap.mean_monetary[2][2] = nan;
    data.clv_histogram[0].lo = f64::NEG_INFINITY;
    data.weights[0].weight = nan;
    data.budget[0].amount = f64::INFINITY;
    data.top_customers[0].clv = nan;
    data.top_customers[0].p_alive = nan;
    if let Some(m) = data.run.clv_model.as_mut() {
        m.log_likelihood = nan;
        m.parameters[0].1 = f64::INFINITY;
        m.converged = false;
    }
    if let Some(m) = data.dynamics.migration.as_mut() {
        m.value_share[0][0] = nan;
        m.value_share[1][2] = f64::INFINITY;
    }
    if let Some(b) = data.dynamics.backtest.as_mut() {
        b.methods[0].gini = Some(nan);
        b.methods[0].lift_by_decile[3] = nan;
        b.methods[1].lift_by_decile[0] = f64::INFINITY;
        b.methods[2].top_share = Some(f64::NEG_INFINITY);
    }
    let html = render_html(&data).unwrap();
    check_common(&html, &data);
    assert!(html.contains("The optimizer did not converge"));
}

#[test]
fn empty_rfm_grid_and_single_point_curve() {
    let mut data = representative(Lang::En);
    data.rfm_heatmap = RfmHeatmap::default();
    data.pareto = vec![(1.0, 1.0)];
    data.scatter.points.clear();
    data.clv_histogram = vec![HistogramBin {
        lo: 0.0,
        hi: 0.0,
        customers: 0,
    }];
    let html = render_html(&data).unwrap();
    check_common(&html, &data);
}

#[test]
fn write_html_is_atomic_and_names_the_path_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let data = representative(Lang::En);
    std::fs::write(&path, "old").unwrap();
    write_html(&data, &path).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        render_html(&data).unwrap()
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temporary file left behind"
    );

    let missing = dir.path().join("no-such-dir").join("report.html");
    let err = write_html(&data, &missing).unwrap_err();
    assert!(matches!(err, ReportError::MissingDirectory { .. }));
    assert!(err.to_string().contains("no-such-dir"), "{err}");

    let err = write_report(&data, &dir.path().join("report.pdf")).unwrap_err();
    assert!(matches!(err, ReportError::UnknownFormat { .. }));
    assert!(err.to_string().contains("report.pdf"), "{err}");

    let upper = dir.path().join("REPORT.HTM");
    write_report(&data, &upper).unwrap();
    assert!(
        std::fs::read_to_string(&upper)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

#[test]
fn input_round_trips_through_json_and_defaults_missing_fields() {
    let mut data = representative(Lang::Zh);
    // JSON has no NaN: serde_json writes null, which does not read back as f64.
    data.rfm_heatmap.mean_monetary[0][4] = 0.0;
    let json = serde_json::to_string(&data).unwrap();
    assert!(json.contains(r#""language":"zh""#));
    let back: ReportData = serde_json::from_str(&json).unwrap();
    // serde_json's default float parsing may differ in the last bit, so compare what is shown.
    assert!(render_html(&back).unwrap() == render_html(&data).unwrap());
    assert_eq!(back.top_customers.len(), 50);
    assert_eq!(back.scatter.points.len(), data.scatter.points.len());

    let partial: ReportData = serde_json::from_str(r#"{"run":{"id":3}}"#).unwrap();
    assert_eq!(partial.run.id, 3);
    assert_eq!(partial.language, Lang::En);
    check_common(&render_html(&partial).unwrap(), &partial);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Whatever numbers the caller passes (NaN payloads, infinities, subnormals, huge values),
    /// the page stays well-formed and prints no NaN or inf.
    #[test]
    fn any_numbers_render_cleanly(bits in proptest::collection::vec(proptest::num::u64::ANY, 32), zh in proptest::bool::ANY) {
        let f = |i: usize| f64::from_bits(bits[i]);
        let lang = if zh { Lang::Zh } else { Lang::En };
        let mut data = representative(lang);
        data.run.seconds = f(0);
        data.tiers[0].value = f(1);
        data.tiers[0].value_share = f(2);
        data.classes[0].value = f(3);
        data.pareto = vec![(f(4), f(5)), (f(6), f(7)), (1.0, 1.0)];
        data.scatter.x_cut = f(8);
        data.scatter.y_cut = f(9);
        data.scatter.points[0].x = f(10);
        data.scatter.points[0].y = f(11);
        data.rfm_heatmap.mean_monetary[1][1] = f(12);
        data.clv_histogram[0].lo = f(13);
        data.clv_histogram[0].hi = f(14);
        data.weights[0].weight = f(15);
        data.weights[1].weight = f(16);
        data.budget[0].amount = f(17);
        data.budget[0].share = f(18);
        data.top_customers[0].clv = f(19);
        data.top_customers[0].p_alive = f(20);
        data.top_customers[0].score = f(21);
        if let Some(m) = data.run.clv_model.as_mut() {
            m.log_likelihood = f(22);
            m.parameters[0].1 = f(23);
        }
        if let Some(m) = data.dynamics.migration.as_mut() {
            m.value_share[0][1] = f(24);
            m.value_share[3][3] = f(25);
        }
        if let Some(b) = data.dynamics.backtest.as_mut() {
            b.methods[0].lift_by_decile[0] = f(26);
            b.methods[0].lift_by_decile[9] = f(27);
            b.methods[1].lift_by_decile[4] = f(28);
            b.methods[1].gini = Some(f(29));
            b.methods[2].auc = Some(f(30));
            b.methods[2].top_share = Some(f(31));
        }
        let html = render_html(&data).unwrap();
        check_common(&html, &data);
    }
}

/// The `<section id="dynamics">` element's markup.
fn dynamics_section(html: &str) -> &str {
    let start = html
        .find(r#"<section id="dynamics">"#)
        .expect("dynamics section");
    let end = start + html[start..].find("</section>").expect("section closed");
    &html[start..end]
}

/// The markup of one chart's `<figure>`.
fn figure<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let start = html.find(&format!(r#"<figure class="chart-block" id="chart-{id}">"#))?;
    let end = start + html[start..].find("</figure>")?;
    Some(&html[start..end])
}

#[test]
fn dynamics_section_in_english() {
    let data = representative(Lang::En);
    let html = render_html(&data).unwrap();
    check_common(&html, &data);
    // Between the charts and the budget, in the page and in the contents.
    let pos = |needle: &str| html.find(needle).unwrap_or(usize::MAX);
    assert!(pos(r#"<section id="charts">"#) < pos(r#"<section id="dynamics">"#));
    assert!(pos(r#"<section id="dynamics">"#) < pos(r#"<section id="budget">"#));
    assert!(pos(r##"href="#charts""##) < pos(r##"href="#dynamics""##));
    assert!(html.contains(r##"<a href="#dynamics">Dynamics</a>"##));
    // The summary points at the run's alerts.
    assert!(html.contains(
        r##"<a href="#dynamics-alerts">Alerts of this run: Critical 2 · Warning 5 · Info 1</a>"##
    ));

    let s = dynamics_section(&html);
    // Migration: heading, figures, sentence, heatmap and flows with their table views.
    assert!(s.contains("Tier migration since run #16 (as of 2024-03-31)"));
    for (label, value) in [
        ("Stayed", "10,600"),
        ("Moved up", "749"),
        ("Moved down", "640"),
        ("Entered", "356"),
        ("Left", "450"),
    ] {
        assert!(
            s.contains(&format!(
                r#"<div class="k">{label}</div><div class="v">{value}</div>"#
            )),
            "{label}"
        );
    }
    assert!(s.contains("10,600 stayed in their tier"));
    let heat = figure(s, "migration").expect("heatmap");
    assert!(heat.contains("Migration matrix"));
    assert!(heat.contains(r#"<details class="table-view">"#));
    // Rows: previous tier; columns: current tier with the none column as "Gone".
    assert!(heat.contains("<th>Previous \\ current</th>"));
    assert!(heat.contains(r#"<th class="num">Gone</th>"#));
    assert!(heat.contains(
        r#"<td>A</td><td class="num">2,100 (70.0%)</td><td class="num">250 (2.0%)</td>"#
    ));
    assert!(heat.contains(r#"<td>New</td><td class="num">20 (0.5%)</td>"#));
    assert!(heat.contains(
        r#"<td class="num">282 (0.4%)</td><td class="num">—</td><td class="num">356</td>"#
    ));
    assert!(heat.contains("except in the Gone column"));
    // Column totals are this run's tiers.
    assert!(heat.contains(r#"<td>Total</td><td class="num">2,469</td><td class="num">3,704</td><td class="num">6,172</td><td class="num">450</td><td class="num">12,795</td>"#));
    // One text per cell count in the drawing, the none/none cell as a dash.
    assert!(heat.contains(">2,100</text>"));
    assert!(heat.contains(">70.0%</text>"));
    assert_eq!(heat.matches(r#"class="stay""#).count(), 3);
    let flows = figure(s, "flows").expect("flows");
    assert!(flows.contains("Tier flows"));
    assert!(flows.contains("Previous run #16"));
    // 15 non-empty cells: 15 bands and 15 table rows.
    assert_eq!(flows.matches("<path").count(), 15);
    assert_eq!(flows.matches("<tr>").count(), 16);
    // 2,100 of A's 2,450 previous customers stayed.
    assert!(
        flows.contains(
            r#"<td>A</td><td>A</td><td class="num">2,100</td><td class="num">85.7%</td>"#
        )
    );
    // Hysteresis, alerts with badges, overrides.
    assert!(s.contains("<strong>Hysteresis: </strong>Hysteresis kept 37 customers"));
    assert!(s.contains(r#"<span class="badge sev-critical">Critical 2</span>"#));
    assert!(s.contains(r#"<td><span class="badge sev-warning">Warning</span></td>"#));
    assert!(s.contains(r#"<td><span class="badge sev-notice">Info</span></td>"#));
    assert!(s.contains("<td>Key account dropped a tier</td>"));
    assert!(s.contains("<td>Upgrade candidate</td>"));
    assert!(s.contains("account manager visit within 2 weeks"));
    // 4 of 8 alerts listed.
    assert!(s.contains("Most severe alerts shown: 4 of 8"));
    assert!(s.contains("<td>C00042</td><td>A</td><td>li.wei</td>"));
    assert!(s.contains("<td>2024-12-31</td>"));
    assert!(s.contains("<td>until cleared</td>"));
    // Backtest: the methods table with the best highlighted, and the lift chart.
    assert!(s.contains("As of: 2023-06-30 · Horizon: 365 days · Customers: 11,802"));
    assert!(s.contains(r#"<tr class="best"><td>Overall score <span class="badge sev-best">best</span></td><td class="num">0.623</td><td class="num">0.812</td><td class="num">0.552</td><td class="num">62.1%</td></tr>"#));
    assert_eq!(s.matches(r#"class="best""#).count(), 1);
    assert!(s.contains("<td>RFM score</td>"));
    // A method without figures shows dashes.
    assert!(s.contains(r#"<td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td></tr>"#));
    let lift = figure(s, "lift").expect("lift chart");
    assert!(lift.contains("random = 1"));
    assert!(lift.contains("Overall score (best)"));
    // Three methods with lifts: three lines of ten points; ten decile rows in the table.
    assert_eq!(lift.matches("<polyline").count(), 3);
    assert_eq!(lift.matches("<circle").count(), 30);
    assert!(lift.contains(r#"<td class="num">1</td><td class="num">3.83</td><td class="num">2.65</td><td class="num">3.27</td>"#));
    assert!(lift.contains(r#"<td class="num">10</td>"#));
}

#[test]
fn dynamics_section_in_chinese() {
    let data = representative(Lang::Zh);
    let html = render_html(&data).unwrap();
    check_common(&html, &data);
    let s = dynamics_section(&html);
    for text in [
        "<h2>动态管理</h2>",
        "等级迁移：对比批次 #16（基准日 2024年3月31日）",
        "迁移矩阵",
        "上期 \\ 本期",
        "新客户",
        "已流失",
        "等级流向",
        "上期 #16",
        "本期等级",
        "等级不变",
        "10,600 个等级不变",
        "迟滞（防频繁变动）",
        "本批次预警",
        r#"<span class="badge sev-critical">严重</span>"#,
        "<td>重点客户降级</td>",
        "生效中的人工等级调整",
        "<td>直至撤销</td>",
        "回测",
        "观察期：365 天",
        "综合得分 <span class=\"badge sev-best\">最佳</span>",
        "十分位提升度",
        "随机 = 1",
        "数据表",
    ] {
        assert!(s.contains(text), "{text}");
    }
    assert!(html.contains("本批次预警：严重 2 · 警告 5 · 提示 1"));
    for english in [
        "Tier migration",
        "Moved up",
        "Table view",
        "Lift by decile",
        "until cleared",
    ] {
        assert!(!s.contains(english), "{english}");
    }
}

#[test]
fn empty_dynamics_parts_say_so_and_draw_nothing() {
    for lang in [Lang::En, Lang::Zh] {
        let mut data = representative(lang);
        data.dynamics = Dynamics::default();
        let html = render_html(&data).unwrap();
        check_common(&html, &data);
        let s = dynamics_section(&html);
        for m in [
            Msg::NoMigration,
            Msg::NoRunAlerts,
            Msg::NoOverrides,
            Msg::NoBacktest,
        ] {
            assert!(s.contains(m.text(lang)), "{m:?}");
        }
        assert!(!s.contains("<svg"));
        assert!(!s.contains("<table"));
        assert!(!s.contains(Msg::Hysteresis.text(lang)));
        assert!(!html.contains("#dynamics-alerts"));
    }

    // A first run with alerts but no backtest: no migration charts, no lift chart.
    let mut data = representative(Lang::En);
    data.dynamics.migration = None;
    data.dynamics.backtest = None;
    data.dynamics.hysteresis = None;
    let html = render_html(&data).unwrap();
    check_common(&html, &data);
    let s = dynamics_section(&html);
    assert!(s.contains(Msg::NoMigration.text(Lang::En)));
    assert!(s.contains(Msg::NoBacktest.text(Lang::En)));
    assert!(figure(s, "migration").is_none() && figure(s, "lift").is_none());
    assert!(s.contains("sev-critical"));

    // A migration whose matrix is all zeros and a backtest without lifts draw "No data.".
    let mut data = representative(Lang::En);
    if let Some(m) = data.dynamics.migration.as_mut() {
        for row in &mut m.matrix {
            row.iter_mut().for_each(|n| *n = 0);
        }
    }
    if let Some(b) = data.dynamics.backtest.as_mut() {
        b.methods.iter_mut().for_each(|m| m.lift_by_decile.clear());
    }
    let html = render_html(&data).unwrap();
    check_common(&html, &data);
    let s = dynamics_section(&html);
    assert_eq!(s.matches(">No data.</text>").count(), 3);
}

#[test]
fn dynamics_text_is_escaped() {
    for lang in [Lang::En, Lang::Zh] {
        let mut data = representative(lang);
        if let Some(m) = data.dynamics.migration.as_mut() {
            m.labels[1] = common::EVIL.into();
            m.explain = common::EVIL.into();
        }
        data.dynamics.hysteresis = Some(common::EVIL.into());
        data.dynamics.alerts[0].rule = common::EVIL.into();
        data.dynamics.alerts[0].severity = common::EVIL.into();
        data.dynamics.alert_counts.push((common::EVIL.into(), 3));
        if let Some(b) = data.dynamics.backtest.as_mut() {
            b.methods[1].name = common::EVIL.into();
            b.best = Some(common::EVIL.into());
            b.as_of = common::EVIL.into();
        }
        let html = render_html(&data).unwrap();
        check_common(&html, &data);
        let s = dynamics_section(&html);
        assert!(!html.contains("<script"));
        assert!(!html.contains("alert('x')"));
        // In the page (askama) and in the SVGs (the SVG writer): a tier label, a method name.
        assert!(s.contains("&#60;script&#62;"));
        assert!(figure(s, "migration").is_some_and(|f| f.contains("&lt;script&gt;")));
        assert!(figure(s, "flows").is_some_and(|f| f.contains("&lt;script&gt;")));
        assert!(figure(s, "lift").is_some_and(|f| f.contains("&lt;script&gt;")));
        // An unknown severity gets the neutral badge class, never a class from the data.
        assert!(s.contains(r#"<span class="badge sev-other">"#));
    }
}

/// Issue 21: a Chinese report has no Latin word a reader would not expect — no engine id, no
/// English label — besides the allow-list (custval_i18n::scan) and the data's own Latin
/// strings (customer ids, the CLV model's parameter symbols).
#[test]
fn chinese_report_has_no_untranslated_word() {
    let data = common::chinese();
    let html = render_html(&data).unwrap();
    let own = common::own_latin(&data);
    let text = custval_i18n::scan::html_text(&html);
    let left: Vec<String> = custval_i18n::scan::latin_words(&text)
        .into_iter()
        .filter(|w| !own.contains(w))
        .collect();
    assert!(left.is_empty(), "untranslated in the zh report: {left:?}");
    // The SVG charts' own texts (legends, axis labels, hover titles) are scanned too.
    assert!(html.contains("<svg"), "charts drawn");
}

/// Issue 21: every tier and known class keeps its fixed colour wherever it appears, whatever
/// order the data lists it in.
#[test]
fn tiers_and_classes_have_fixed_colours() {
    let mut data = common::chinese();
    let html = render_html(&data).unwrap();
    let most = custval_base::palette::colour("most_valuable", 9);
    let tier_a = custval_base::palette::colour("A", 9);
    assert!(html.contains(&format!("background:{most}")), "class swatch");
    assert!(
        html.contains(&format!("background:{tier_a}")),
        "tier swatch"
    );
    // Reversing the scatter's classes and the budget does not move a colour.
    data.scatter.points.reverse();
    data.budget.reverse();
    let again = render_html(&data).unwrap();
    let legend = format!("fill=\"{most}\"><title>最有价值客户</title>");
    for h in [&html, &again] {
        assert!(
            figure(h, "scatter").unwrap().contains(&legend),
            "scatter legend"
        );
    }
    let budget = figure(&again, "budget").unwrap();
    assert!(
        budget.contains(&format!("fill=\"{most}\"")),
        "budget bar of most_valuable"
    );
}

/// Issue 21: short amounts where space is short, with the full figure on hover; a readable
/// local date and time instead of a raw timestamp; long names cut to one line with the whole
/// name on hover.
#[test]
fn short_money_full_on_hover_dates_and_clipped_names() {
    let data = common::chinese();
    let html = render_html(&data).unwrap();
    // The value tile: 万 with the full amount in its title.
    let total: f64 = data.tiers.iter().map(|t| t.value).sum();
    assert!(
        html.contains(&format!("title=\"{}\"", custval_i18n::money_full(total))),
        "full amount on hover"
    );
    assert!(html.contains(&custval_i18n::money_short(Lang::Zh, total)));
    // The created-at tile: a Chinese date and time, no ISO stamp.
    assert!(
        html.contains("2024年7月1日 16:05"),
        "readable date and time"
    );
    assert!(!html.contains("2024-07-01 16:05:09"));
    // Alert names: one line, cut, whole on hover.
    let name = "北京某某信息技术有限公司华北区域销售与服务中心";
    assert!(html.contains(&format!(
        "<span class=\"clip\" title=\"{name}\">{name}</span>"
    )));
    assert!(html.contains("span.clip {"), "the clip style is defined");
}
