//! The summary builder rebuilds the published CDNOW calibration summary from the transactions.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::read_csv;
use custval_clv::{SummaryOptions, TimeUnit, days_from_civil, summarize};

fn parse_date(s: &str) -> i32 {
    let mut it = s.split('-').map(|p| p.parse::<u32>().expect("date part"));
    let (y, m, d) = (
        it.next().expect("y"),
        it.next().expect("m"),
        it.next().expect("d"),
    );
    days_from_civil(y as i32, m, d)
}

fn transactions() -> (Vec<u32>, Vec<i32>, Vec<f64>) {
    let (_, rows) = read_csv("cdnow_sample_transactions.csv");
    let ids = rows.iter().map(|r| r[0].parse().expect("id")).collect();
    let days = rows.iter().map(|r| parse_date(&r[1])).collect();
    let amounts = rows.iter().map(|r| r[3].parse().expect("amount")).collect();
    (ids, days, amounts)
}

#[test]
fn rebuilds_cdnow_customers_summary_to_two_decimals() {
    let (ids, days, amounts) = transactions();
    let opts = SummaryOptions {
        observation_end: days_from_civil(1997, 9, 30),
        calibration_end: None,
        unit: TimeUnit::Week,
    };
    let got = summarize(&ids, &days, Some(&amounts), &opts).expect("summary");
    let (_, want) = read_csv("cdnow_customers_summary.csv");
    assert_eq!(got.len(), want.len());
    for ((id, s), row) in got.iter().zip(&want) {
        assert_eq!(id.to_string(), row[0]);
        let cols = [
            ("frequency", s.frequency),
            ("recency", s.recency),
            ("T", s.t),
            ("monetary_value", s.monetary_value),
        ];
        for (j, (name, value)) in cols.iter().enumerate() {
            let published: f64 = row[j + 1].parse().expect("number");
            // Two decimals in the file: the rebuilt value must round to it (half-way cases
            // like 22.345 may go either way in binary, hence the 1e-9).
            assert!(
                (value - published).abs() <= 0.005 + 1e-9,
                "customer {id} {name}: rebuilt {value}, file {published}"
            );
        }
    }
    // T = 272 days / 7 for the customers who joined on 1997-01-01.
    assert!((got[0].1.t - 272.0 / 7.0).abs() < 1e-12);
}

#[test]
fn calibration_split_counts_holdout_purchase_days() {
    let (ids, days, amounts) = transactions();
    let opts = SummaryOptions {
        observation_end: days_from_civil(1998, 6, 30),
        calibration_end: Some(days_from_civil(1997, 9, 30)),
        unit: TimeUnit::Week,
    };
    let got = summarize(&ids, &days, Some(&amounts), &opts).expect("summary");
    // The calibration part is the published summary again.
    let (_, want) = read_csv("cdnow_customers_summary.csv");
    assert_eq!(got.len(), 2357);
    for ((_, s), row) in got.iter().zip(&want) {
        let f: f64 = row[1].parse().expect("frequency");
        assert_eq!(s.frequency, f);
        assert_eq!(s.duration_holdout, Some(273.0 / 7.0));
    }
    // lifetimes' calibration_and_holdout_data (freq="D", freq_multiplier=7) on the same file
    // counts 1,882 holdout purchase days (tests/fixtures/lifetimes_reference.json).
    let holdout: f64 = got.iter().filter_map(|(_, s)| s.frequency_holdout).sum();
    assert_eq!(holdout, 1882.0);
}

#[test]
fn customers_joining_after_the_end_are_excluded() {
    let opts = SummaryOptions {
        observation_end: 100,
        calibration_end: None,
        unit: TimeUnit::Month,
    };
    let got = summarize(&[1, 1, 2], &[10, 40, 101], None, &opts).expect("summary");
    assert_eq!(got.len(), 1);
    assert!((got[0].1.recency - 30.0 / (365.25 / 12.0)).abs() < 1e-12);
}
