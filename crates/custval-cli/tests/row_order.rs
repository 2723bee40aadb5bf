//! Issue 19: real exports list orders by date or in no order at all, not grouped by customer.
//! `rfm`, `abc` and `clv summary` must give the same figures for the same rows in any order.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use std::path::Path;

mod common;
use common::{custval, data};

/// CDNOW's rows as shipped (by customer), by date, and in a fixed pseudo-random order.
fn orders(dir: &Path) -> Vec<std::path::PathBuf> {
    let text = std::fs::read_to_string(data("cdnow_transactions.csv")).expect("CDNOW");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.collect();
    let mut by_date = rows.clone();
    by_date.sort_by_key(|r| r.split(',').nth(1).unwrap_or_default().to_string());
    let mut shuffled = rows.clone();
    let n = shuffled.len();
    for i in 0..n {
        shuffled.swap(i, (i * 7919 + 104_729) % n);
    }
    [
        ("customer", rows),
        ("date", by_date),
        ("shuffled", shuffled),
    ]
    .into_iter()
    .map(|(name, rows)| {
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).expect("write");
        path
    })
    .collect()
}

fn run(args: &[&str], file: &Path) -> Vec<u8> {
    let out = custval()
        .args(
            args.iter()
                .map(|a| a.replace("FILE", &file.display().to_string())),
        )
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{args:?} on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn rfm_abc_and_clv_summary_do_not_depend_on_row_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = orders(dir.path());
    let rfm = [
        "rfm",
        "--transactions",
        "FILE",
        "--customer-col",
        "customer_id",
        "--date-col",
        "date",
        "--amount-col",
        "amount",
        "--as-of",
        "1998-06-30",
        "--format",
        "csv",
    ];
    let summary = [
        "clv",
        "summary",
        "--transactions",
        "FILE",
        "--customer-col",
        "customer_id",
        "--date-col",
        "date",
        "--amount-col",
        "amount",
        "--observation-end",
        "1998-06-30",
    ];
    let abc = [
        "abc",
        "--input",
        "FILE",
        "--id-col",
        "customer_id",
        "--value-col",
        "amount",
        "--format",
        "csv",
    ];
    let want_rfm = run(&rfm, &files[0]);
    let want_summary = run(&summary, &files[0]);
    // ABC lists ids by value, and ids of equal value by id, so ids and classes must match line
    // for line; shares are sums of the same amounts added in another order, equal to the last
    // few bits.
    let abc_rows = |out: Vec<u8>| -> Vec<(String, String, Vec<f64>)> {
        let text = String::from_utf8(out).expect("UTF-8");
        text.lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                let nums = f[1..4].iter().map(|x| x.parse().expect("number")).collect();
                (f[0].to_string(), f[4].to_string(), nums)
            })
            .collect()
    };
    let want_abc = abc_rows(run(&abc, &files[0]));
    assert_eq!(want_abc.len(), 23_570, "every CDNOW customer");
    for f in &files[1..] {
        assert!(run(&rfm, f) == want_rfm, "rfm differs on {}", f.display());
        assert!(
            run(&summary, f) == want_summary,
            "clv summary differs on {}",
            f.display()
        );
        let got = abc_rows(run(&abc, f));
        assert_eq!(got.len(), want_abc.len());
        for (g, w) in got.iter().zip(&want_abc) {
            assert_eq!((&g.0, &g.1), (&w.0, &w.1), "abc on {}", f.display());
            for (a, b) in g.2.iter().zip(&w.2) {
                assert!(
                    (a - b).abs() <= 1e-9 * b.abs().max(1e-12),
                    "{}: {a} vs {b}",
                    g.0
                );
            }
        }
    }
}
