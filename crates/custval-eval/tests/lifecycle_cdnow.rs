//! Issue 17 on the real CDNOW base (23,570 customers, 1997-01..1998-06) evaluated as of
//! 1998-06-30 with the default `custval.toml`, and on a generated company: lifecycle stages
//! follow the purchase rhythm, one-time buyers long gone are not certainly alive, and a
//! profit × loyalty matrix without a profit measure classifies nobody.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::collections::{BTreeMap, HashMap};

use common::{cdnow, day, plan};
use custval_eval::evaluate;
use custval_model::{CustomerInfo, Dataset, Day, Tx};

/// What a run shows about issue 17's invariants.
struct Figures {
    lifecycle: BTreeMap<String, u64>,
    one_time_gone: usize,
    one_time_gone_certain: usize,
}

fn check_invariants(data: &Dataset, as_of: Day) -> (Figures, custval_eval::engine::RunSummary) {
    let plan = plan();
    let ev = evaluate(data, as_of, &plan).expect("evaluate");
    let mut f = Figures {
        lifecycle: BTreeMap::new(),
        one_time_gone: 0,
        one_time_gone_certain: 0,
    };
    let days_by_cust = {
        let mut m: HashMap<u32, Vec<Day>> = HashMap::new();
        for t in data.tx.iter().filter(|t| t.day <= as_of && t.amount > 0.0) {
            m.entry(t.cust).or_default().push(t.day);
        }
        m
    };
    for (c, r) in ev.results.iter().enumerate() {
        *f.lifecycle.entry(r.lifecycle.clone()).or_default() += 1;
        let mut days = days_by_cust.get(&(c as u32)).cloned().unwrap_or_default();
        days.sort_unstable();
        days.dedup();
        let in_year = days.iter().filter(|d| **d > as_of - 365).count();
        if !days.is_empty() && in_year == 0 {
            assert!(
                !matches!(r.lifecycle.as_str(), "new" | "growing" | "loyal"),
                "customer {} has no order in 12 months but is {}",
                r.customer_id,
                r.lifecycle
            );
        }
        if days.len() == 1 && in_year == 0 {
            f.one_time_gone += 1;
            if r.p_alive.is_some_and(|p| p >= 0.99) {
                f.one_time_gone_certain += 1;
            }
        }
        if days.len() == 1 && r.lifecycle == "new" {
            assert!(as_of - days[0] <= 90, "customer {}", r.customer_id);
        }
    }
    (f, ev.summary)
}

#[test]
fn issue_17_cdnow_lifecycle_follows_the_rhythm_and_p_alive_can_say_gone() {
    let data = cdnow();
    assert_eq!(data.customers.len(), 23_570);
    let (f, summary) = check_invariants(&data, day("1998-06-30"));
    let share = f.one_time_gone_certain as f64 / f.one_time_gone.max(1) as f64;
    let choice = summary.clv.choice.as_ref().expect("a model choice");
    eprintln!(
        "CDNOW as of 1998-06-30: lifecycle {:?}; one-time buyers without an order for a year: {}, \
         P(alive) >= 0.99: {} ({:.2}%); model {} (holdout MAE {:?}): {}; p_alive x=0 from {:?}",
        f.lifecycle,
        f.one_time_gone,
        f.one_time_gone_certain,
        100.0 * share,
        choice.name,
        choice.holdout_mae,
        choice.why,
        choice.p_alive_x0_model
    );
    // Before issue 17: 11,840 of 11,908 (99.4%).
    assert!(f.one_time_gone > 10_000);
    assert!(share < 0.05, "{share}");
    assert!(choice.holdout_mae.is_some() && !choice.why.is_empty());
    // Nobody's first order is within 90 days of 1998-06-30 (all joined in 1997 Q1).
    assert_eq!(f.lifecycle.get("new"), None);
    // No cost data: profit is 0 or missing for everybody, so no profit × loyalty classes.
    let pl = &summary.classes.counts["profit_loyalty"];
    assert_eq!(pl.keys().collect::<Vec<_>>(), ["not_classified"]);
    assert!(
        summary
            .classes
            .not_classified
            .contains_key("profit_loyalty")
    );
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.to_string().starts_with("profit × loyalty not classified"))
    );
}

#[test]
fn issue_17_cdnow_before_the_first_order_has_no_internal_classification_error() {
    let data = cdnow();
    match evaluate(&data, day("1996-12-31"), &plan()) {
        Ok(ev) => {
            assert!(ev.results.iter().all(|r| r.lifecycle == "prospect"));
            assert!(
                ev.results
                    .iter()
                    .all(|r| r.profit_loyalty == "not_classified")
            );
        }
        Err(e) => {
            let text = e.to_string();
            assert!(!text.contains("no finite value"), "{text}");
        }
    }
}

/// A generated company: 600 customers with weekly to half-yearly rhythms, a third of them
/// stopping a year before the as-of date, a quarter buying once.
fn company() -> Dataset {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut d = Dataset {
        categories: vec!["a".into()],
        ..Dataset::default()
    };
    for c in 0..600u32 {
        d.customers.push(CustomerInfo {
            id: format!("G{c:03}"),
            ..CustomerInfo::default()
        });
        let gap = 7.0 + 175.0 * next();
        let start = 19_000.0 + 600.0 * next();
        let stop = match c % 3 {
            0 => 20_000.0 - 365.0 - 60.0 * next(),
            _ => 20_000.0,
        };
        let mut t = start;
        let mut k = 0;
        while t < stop && (c % 4 != 0 || k == 0) {
            d.tx.push(Tx {
                cust: c,
                category: 0,
                day: t as i32,
                cost: f32::NAN,
                amount: 20.0 + 100.0 * next(),
            });
            t += gap * (0.5 + next());
            k += 1;
        }
    }
    d.sort();
    d
}

#[test]
fn issue_17_generated_company_keeps_the_invariants() {
    let data = company();
    let (f, summary) = check_invariants(&data, 20_000);
    eprintln!(
        "generated: lifecycle {:?}; one-time buyers gone a year {} of which P(alive) >= 0.99: {}; model {:?}",
        f.lifecycle,
        f.one_time_gone,
        f.one_time_gone_certain,
        summary
            .clv
            .choice
            .as_ref()
            .map(|c| (&c.name, c.holdout_mae))
    );
    assert!(f.lifecycle.contains_key("declining") || f.lifecycle.contains_key("churned"));
    assert!(f.one_time_gone_certain * 10 <= f.one_time_gone.max(1));
}
