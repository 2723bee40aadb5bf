//! Helpers of the CDNOW integration tests: the CDNOW file as the engine sees it, a date parser
//! and the default plan (tests may read `testdata/`).
#![allow(dead_code)]

use std::collections::HashMap;

use custval_model::date::days_from_ymd;
use custval_model::{CustomerInfo, Dataset, Day, NO_CATEGORY, Tx};

/// `YYYY-MM-DD` as a day number.
pub fn day(s: &str) -> Day {
    let mut it = s.split('-').map(|p| p.parse::<u32>().expect("date part"));
    let (y, m, d) = (
        it.next().expect("year"),
        it.next().expect("month"),
        it.next().expect("day"),
    );
    days_from_ymd(y as i32, m, d).expect("valid date")
}

/// The CDNOW file as the engine sees it after `import transactions`: customers in order of
/// first appearance, one line per row, no category, no cost.
pub fn cdnow() -> Dataset {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/cdnow_transactions.csv"
    );
    let text = std::fs::read_to_string(path).expect("testdata/cdnow_transactions.csv");
    let mut d = Dataset::default();
    let mut key: HashMap<String, u32> = HashMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let cust = *key.entry(f[0].to_string()).or_insert_with(|| {
            d.customers.push(CustomerInfo {
                id: f[0].to_string(),
                ..CustomerInfo::default()
            });
            (d.customers.len() - 1) as u32
        });
        d.tx.push(Tx {
            cust,
            category: NO_CATEGORY,
            day: day(f[1]),
            cost: f32::NAN,
            amount: f[3].parse().expect("amount"),
        });
    }
    d.sort();
    d
}

/// The plan of the default `custval.toml`.
pub fn plan() -> custval_eval::plan::Plan {
    custval_eval::from_config::plan(custval_config::DEFAULT_TOML)
        .expect("default config")
        .0
}
