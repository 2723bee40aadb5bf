//! Issue 21: the Chinese report of a realistic workspace — the demo company (every table
//! imported, a year of quarterly runs, alerts, migrations and a backtest) — reads in Chinese:
//! no engine id or English label is left once the data's own Latin strings are set aside.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{custval, ok};

/// The CLV model's parameter symbols (`r`, `a`, `b`, …, as the literature names them): the first
/// cell of each row of the parameter table in the report's CLV section.
fn parameter_symbols(html: &str) -> Vec<String> {
    let Some(start) = html.find("<section id=\"clv-model\">") else {
        return Vec::new();
    };
    let section = &html[start..start + html[start..].find("</section>").unwrap_or(0)];
    section
        .split("<tr><td>")
        .skip(1)
        .filter_map(|row| row.split('<').next())
        .map(str::to_string)
        .collect()
}

/// The customer ids of the generated company (the first column of customers.csv).
fn customer_ids(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("customers.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| l.trim_start_matches('\u{feff}').split(',').next())
        .map(|id| id.trim_matches('"').to_string())
        .collect()
}

#[test]
fn the_demo_report_in_chinese_has_no_untranslated_word() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    ok(&custval()
        .args(["demo", "--customers", "400", "--dir"])
        .arg(&demo)
        .output()
        .unwrap());
    let html = std::fs::read_to_string(demo.join("report-zh.html")).unwrap();
    let mut own = customer_ids(&demo);
    own.extend(parameter_symbols(&html));
    own.sort();
    let text = custval_i18n::scan::html_text(&html);
    let mut left: Vec<String> = custval_i18n::scan::latin_words(&text)
        .into_iter()
        .filter(|w| own.binary_search(w).is_err())
        .collect();
    left.sort();
    left.dedup();
    assert!(left.is_empty(), "untranslated in the zh report: {left:?}");

    // The workbook of the same run writes in Chinese too.
    let xlsx = demo.join("报告.xlsx");
    ok(&custval()
        .args(["--db"])
        .arg(demo.join("custval.db"))
        .args(["report", "--lang", "zh", "--output"])
        .arg(&xlsx)
        .output()
        .unwrap());
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 0);
}
