//! The workbook: sheet names per language, typed cells, formats, frozen headers, atomic writes.

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
            "CLV calibration"
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
            "CLV校准"
        ]
    );
    let strings = &files["xl/sharedStrings.xml"];
    for text in ["价值占比", "生命周期阶段", "成本型（越小越好）", "建议行动"]
    {
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
