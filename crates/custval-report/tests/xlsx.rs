//! The workbook: sheet names per language, typed cells, formats, frozen headers, atomic writes.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::io::Read;
use std::path::Path;

use common::representative;
use custval_report::*;

/// Every file of the archive, by name.
fn unzip(path: &Path) -> std::collections::BTreeMap<String, String> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        out.insert(entry.name().unwrap().to_string(), text);
    }
    out
}

/// Sheet names in workbook order, from xl/workbook.xml.
fn sheet_names(files: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let wb = &files["xl/workbook.xml"];
    wb.split("<sheet ")
        .skip(1)
        .map(|s| {
            let start = s.find("name=\"").unwrap() + 6;
            let end = start + s[start..].find('"').unwrap();
            s[start..end].to_string()
        })
        .collect()
}

#[test]
fn english_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    let data = representative(Lang::En);
    write_xlsx(&data, &path).unwrap();
    let files = unzip(&path);
    let names = sheet_names(&files);
    assert_eq!(
        names,
        [
            "Summary",
            "Tiers",
            "Classes",
            "Weights",
            "Budget",
            "Top customers",
            "CLV calibration",
            "Migration",
            "Alerts",
            "Overrides",
            "Backtest"
        ]
    );
    assert_eq!(names, xlsx_sheet_names(&data));

    let strings = &files["xl/sharedStrings.xml"];
    for text in [
        "top customers making 80% of 12-month spend",
        "Customer 1",
        "C00050",
        "dedicated account manager",
        "AHP CR = 0.03 (Saaty RI)",
        "Share of value",
    ] {
        assert!(strings.contains(text), "{text}");
    }
    // User text is stored as text, XML-escaped.
    assert!(strings.contains("&lt;script&gt;"));

    // Tiers sheet: customers and the value share are numbers, not text.
    let tiers = &files["xl/worksheets/sheet2.xml"];
    assert!(tiers.contains("<v>2469</v>"), "{tiers}");
    assert!(tiers.contains("<v>0.8</v>"));
    assert!(tiers.contains("<v>9876543.21</v>"));
    // Top customers: P(alive) as a number.
    assert!(files["xl/worksheets/sheet6.xml"].contains("<v>0.97</v>"));
    // Calibration: predicted minus actual, computed.
    assert!(files["xl/worksheets/sheet7.xml"].contains("<v>1411</v>"));

    // Every sheet has a frozen header row and set column widths.
    for i in 1..=names.len() {
        let sheet = &files[&format!("xl/worksheets/sheet{i}.xml")];
        assert!(sheet.contains(r#"ySplit="1""#), "sheet{i} not frozen");
        assert!(sheet.contains("<cols>"), "sheet{i} has no widths");
    }
    // Shares as percentages, a bold header font.
    let styles = &files["xl/styles.xml"];
    assert!(styles.contains(r#"formatCode="0.0%""#));
    assert!(styles.contains("<b/>"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temporary file left behind"
    );
}

#[test]
fn chinese_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("报告.xlsx");
    write_report(&representative(Lang::Zh), &path).unwrap();
    let files = unzip(&path);
    assert_eq!(
        sheet_names(&files),
        [
            "摘要",
            "客户分级",
            "客户分类",
            "权重",
            "预算",
            "重点客户",
            "CLV校准",
            "等级迁移",
            "预警",
            "人工调整",
            "回测"
        ]
    );
    let strings = &files["xl/sharedStrings.xml"];
    for text in [
        "价值占比",
        "生命周期阶段",
        "成本型（越小越好）",
        "建议行动",
        "上期等级",
        "新客户",
        "已流失",
        "重点客户降级",
        "严重",
        "直至撤销",
        "基尼系数",
        "综合得分",
        "提升度 10",
    ] {
        assert!(strings.contains(text), "{text}");
    }
}

#[test]
fn empty_workbook_and_nan_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.xlsx");
    write_xlsx(&ReportData::default(), &path).unwrap();
    let files = unzip(&path);
    assert_eq!(sheet_names(&files).len(), 6);

    let mut data = representative(Lang::En);
    data.top_customers[0].clv = f64::NAN;
    data.tiers[0].value = f64::INFINITY;
    write_xlsx(&data, &path).unwrap();
    for (name, text) in unzip(&path) {
        assert!(!text.contains("NaN") && !text.contains(">inf<"), "{name}");
    }
}

#[test]
fn xlsx_errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("r.xlsx");
    let err = write_xlsx(&ReportData::default(), &path).unwrap_err();
    assert!(matches!(err, ReportError::MissingDirectory { .. }));
    assert!(err.to_string().contains("r.xlsx"), "{err}");
}

/// The `<c>` element of cell `reference` (e.g. `C2`) in a sheet's XML.
fn cell_xml<'a>(sheet: &'a str, reference: &str) -> &'a str {
    let start = sheet
        .find(&format!(r#"<c r="{reference}""#))
        .unwrap_or_else(|| panic!("no cell {reference}"));
    let rest = &sheet[start..];
    let end = rest
        .find("</c>")
        .map(|e| e + 4)
        .or_else(|| rest.find("/>").map(|e| e + 2))
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn dynamics_sheets_hold_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    let data = representative(Lang::En);
    write_xlsx(&data, &path).unwrap();
    let files = unzip(&path);
    let strings = &files["xl/sharedStrings.xml"];
    for text in [
        // Headers.
        "Tier in the previous run",
        "Tier in this run",
        "Share of the previous tier",
        "What happened",
        "Suggested action",
        "Author",
        "Until",
        "Gini",
        "Spearman ρ",
        "Value in top 20%",
        "Lift 1",
        "Lift 10",
        // Translated ids and the none row and column.
        "New",
        "Gone",
        "Key account dropped a tier",
        "Critical",
        "Overall score",
        "RFM score",
        "until cleared",
        // The summary's dynamics rows.
        "Tier migration since run",
        "Hysteresis kept 37 customers",
        "Alerts of this run · Warning",
        "score ranks realized value best",
    ] {
        assert!(strings.contains(text), "{text}");
    }

    // Migration, long form: 15 cells (none → none left out) under a header row. A → A is row 2:
    // 2,100 customers, 2,100 of A's 2,450 (a fraction), value share 0.7, all numbers.
    let migration = &files["xl/worksheets/sheet8.xml"];
    assert_eq!(migration.matches("<row ").count(), 16);
    assert!(cell_xml(migration, "C2").contains("<v>2100</v>"));
    let of_row: f64 = cell_xml(migration, "D2")
        .split("<v>")
        .nth(1)
        .and_then(|v| v.split("</v>").next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!((of_row - 2100.0 / 2450.0).abs() < 1e-12, "{of_row}");
    assert!(cell_xml(migration, "E2").contains("<v>0.7</v>"));
    // Alerts: one row per alert; overrides: two.
    assert_eq!(
        files["xl/worksheets/sheet9.xml"].matches("<row ").count(),
        5
    );
    assert_eq!(
        files["xl/worksheets/sheet10.xml"].matches("<row ").count(),
        3
    );
    // Backtest: Gini as a number, the best method marked, an empty cell for a missing value,
    // and ten lift columns (F..P) after the top-20% share.
    let backtest = &files["xl/worksheets/sheet11.xml"];
    assert!(cell_xml(backtest, "C2").contains("<v>0.6234</v>"));
    assert!(cell_xml(backtest, "F2").contains("<v>0.621</v>"));
    assert!(cell_xml(backtest, "P2").contains("<v>"));
    assert!(!backtest.contains(r#"<c r="Q2""#));
    assert!(!backtest.contains(r#"<c r="E4""#), "clv has no Spearman");
    assert!(!backtest.contains(r#"<c r="B3""#), "rfm is not the best");
    assert!(cell_xml(backtest, "B2").contains(r#"t="s""#));
    let styles = &files["xl/styles.xml"];
    assert!(styles.contains(r#"formatCode="0.00""#));
}

#[test]
fn dynamics_sheets_only_for_parts_the_report_has() {
    let mut data = representative(Lang::En);
    data.dynamics = Dynamics::default();
    assert_eq!(xlsx_sheet_names(&data).len(), 7);
    data.dynamics.backtest = representative(Lang::En).dynamics.backtest;
    assert_eq!(xlsx_sheet_names(&data).last(), Some(&"Backtest"));
    assert_eq!(xlsx_sheet_names(&data).len(), 8);

    // NaN lifts and shares are left blank, never written.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nan.xlsx");
    let mut data = representative(Lang::Zh);
    if let Some(b) = data.dynamics.backtest.as_mut() {
        b.methods[0].lift_by_decile[0] = f64::NAN;
        b.methods[0].gini = Some(f64::INFINITY);
    }
    if let Some(m) = data.dynamics.migration.as_mut() {
        m.value_share[0][0] = f64::NAN;
    }
    write_xlsx(&data, &path).unwrap();
    for (name, text) in unzip(&path) {
        assert!(!text.contains("NaN") && !text.contains(">inf<"), "{name}");
    }
}

/// The shared strings of the workbook, in index order.
fn shared_strings(files: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    files["xl/sharedStrings.xml"]
        .split("<si>")
        .skip(1)
        .map(|si| {
            // One <t> per plain string; the text runs between '>' and '</t>'.
            si.split("<t")
                .skip(1)
                .filter_map(|t| {
                    let start = t.find('>')? + 1;
                    let end = t.find("</t>")?;
                    Some(&t[start..end])
                })
                .collect::<String>()
        })
        .collect()
}

/// Issue 21: in a Chinese workbook, sheet names and every column header are Chinese (the
/// scan's allow-list aside: CLV, RFM, …); money cells keep full numbers with the currency's
/// symbol in their format; tiers and classes are filled with their fixed colours.
#[test]
fn chinese_workbook_headers_money_format_and_colours() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    let data = common::chinese();
    write_xlsx(&data, &path).unwrap();
    let files = unzip(&path);
    let names = sheet_names(&files);
    for name in &names {
        let words = custval_i18n::scan::latin_words(name);
        assert!(words.is_empty(), "sheet {name}: {words:?}");
    }
    let strings = shared_strings(&files);
    for i in 1..=names.len() {
        let sheet = &files[&format!("xl/worksheets/sheet{i}.xml")];
        let start = sheet.find("<row r=\"1\"").expect("a header row");
        let row = &sheet[start..start + sheet[start..].find("</row>").unwrap()];
        for v in row.split("<v>").skip(1) {
            let k: usize = v[..v.find('<').unwrap()].parse().unwrap();
            let header = &strings[k];
            let words = custval_i18n::scan::latin_words(header);
            assert!(words.is_empty(), "sheet{i} header {header}: {words:?}");
        }
    }
    // Full amounts: the tiers' value is the number itself, shown with ¥ and two decimals.
    assert!(files["xl/worksheets/sheet2.xml"].contains("<v>9876543.21</v>"));
    let styles = &files["xl/styles.xml"];
    assert!(
        styles.contains("formatCode=\"&quot;¥&quot;#,##0.00"),
        "money format with the currency symbol"
    );
    // Tier A and most_valuable cells are filled with their fixed colours.
    let argb = |c: &str| format!("FF{}", c.trim_start_matches('#').to_ascii_uppercase());
    for id in ["A", "C", "most_valuable", "critical"] {
        let c = argb(custval_base::palette::colour(id, 9));
        assert!(styles.contains(&c), "{id} fill {c}");
    }
}
