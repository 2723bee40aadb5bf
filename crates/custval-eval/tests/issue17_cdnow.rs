//! Issue 17 on the real CDNOW base (23,570 customers, transactions only: no cost, category,
//! inquiry, referral or wallet data), as of 1998-06-30: indicators that tell nobody apart are
//! excluded from the run, and a zero count or amount earns no points.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{cdnow, day, plan};
use custval_eval::evaluate;

#[test]
fn issue_17_cdnow_constant_indicators_are_excluded_and_zero_earns_no_points() {
    let data = cdnow();
    assert_eq!(data.customers.len(), 23_570);
    let plan = plan();
    let eval = evaluate(&data, day("1998-06-30"), &plan).expect("evaluate");
    let s = &eval.summary;
    let excluded: Vec<&str> = s
        .excluded_indicators
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    eprintln!("excluded on CDNOW: {:?}", s.excluded_indicators);
    // Nobody has categories, inquiries, referrals, cross-sell or wallet data.
    for id in [
        "categories_12m",
        "inquiries_12m",
        "referrals_12m",
        "cross_sell_gap",
        "wallet_gap",
    ] {
        assert!(excluded.contains(&id), "{id} not excluded: {excluded:?}");
    }
    // What varies is kept.
    for id in [
        "spend_12m",
        "orders_12m",
        "active_tenure_days",
        "clv_12m",
        "p_alive",
    ] {
        assert!(!excluded.contains(&id), "{id} excluded: {excluded:?}");
    }
    for ind in &s.indicators {
        assert_eq!(ind.excluded.is_some(), excluded.contains(&ind.id.as_str()));
        if ind.excluded.is_some() {
            assert_eq!(ind.weight, 0.0, "{}", ind.id);
        }
    }
    // The weights of each dimension still add up to 1 (re-spread over the kept ones).
    for dw in &s.weights {
        let sum: f64 = dw.weights.iter().map(|(_, w)| w).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{:?}: {sum}", dw.dimension);
    }

    let benefit: Vec<bool> = s
        .indicators
        .iter()
        .map(|i| i.params.direction == custval_eval::scoring::Direction::Benefit)
        .collect();
    let mut zeros_checked = 0u64;
    for (c, r) in eval.results.iter().enumerate() {
        let d = eval.details.detail(c, r);
        // Points add up to the score.
        let sum: f64 = d.points.iter().sum();
        assert!(
            (sum - r.score).abs() < 1e-6,
            "{}: {sum} vs {}",
            r.customer_id,
            r.score
        );
        for (j, raw) in d.raw.iter().enumerate() {
            if benefit[j] && raw.is_some_and(|v| v == 0.0) {
                assert_eq!(d.points[j], 0.0, "{} {}", r.customer_id, s.indicators[j].id);
                zeros_checked += 1;
            }
            if s.indicators[j].excluded.is_some() {
                assert_eq!(d.points[j], 0.0);
            }
        }
    }
    // Thousands of customers bought nothing in the last 12 months or did not grow.
    assert!(zeros_checked > 10_000, "{zeros_checked}");
}
