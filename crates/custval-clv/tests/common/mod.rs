//! Test helpers: read the reference CSV files of `testdata/` (tests may do I/O).
#![allow(dead_code)]

use std::path::PathBuf;

pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(name)
}

/// A CSV with a header and comma-separated fields, as (header, rows of strings).
pub fn read_csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(data_path(name)).expect("reference data file");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .next()
        .expect("header")
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(|s| s.trim().to_string()).collect())
        .collect();
    (header, rows)
}

/// Numeric columns by name.
pub fn columns(name: &str, wanted: &[&str]) -> Vec<Vec<f64>> {
    let (header, rows) = read_csv(name);
    wanted
        .iter()
        .map(|w| {
            let j = header.iter().position(|h| h == w).expect("column");
            rows.iter()
                .map(|r| r[j].parse::<f64>().expect("number"))
                .collect()
        })
        .collect()
}

pub fn cdnow() -> custval_clv::ClvData {
    let c = columns(
        "cdnow_customers_summary.csv",
        &["frequency", "recency", "T", "monetary_value"],
    );
    let mut d = custval_clv::ClvData::rft(c[0].clone(), c[1].clone(), c[2].clone());
    d.monetary_value = c[3].clone();
    d
}

pub fn donations() -> custval_clv::ClvData {
    let c = columns(
        "donations.csv",
        &["frequency", "recency", "periods", "weights"],
    );
    custval_clv::ClvData::rft(c[0].clone(), c[1].clone(), c[2].clone()).with_weights(c[3].clone())
}

pub fn param(fit: &custval_clv::Fit, name: &str) -> f64 {
    fit.params
        .iter()
        .find(|(n, _)| *n == name)
        .expect("param")
        .1
}

/// |got − want| within `rel` relative or half a unit in the last published digit.
pub fn assert_close(what: &str, got: f64, want: f64, abs: f64) {
    assert!(
        (got - want).abs() <= abs,
        "{what}: got {got}, published {want} (tolerance {abs})"
    );
}
