//! Provisional rescoring equals the engine: (a) rescoring every customer of a run with the
//! run's own data and date reproduces the run's results exactly; (b) after new orders,
//! rescoring only the affected customers equals rescoring everybody on the new data, restricted
//! to them, and the affected customers' results do change.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use std::collections::{BTreeSet, HashMap};

use custval_eval::hysteresis::PreviousTiers;
use custval_eval::rescore::rescore;
use custval_eval::{RunSummary, evaluate, evaluate_with};
use custval_model::{
    Cost, CustomerInfo, CustomerResult, Dataset, Day, Interaction, InteractionKind, Payment,
    Survey, Tx,
};

const D0: Day = 19_700;
const D1: Day = 19_900;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A deterministic B2B company of `n` customers over 1000 days: three industries and three
/// sizes, purchase rates and spend over two orders of magnitude, some customers stopping,
/// costs, invoices paid late or not at all, complaints and surveys, six categories.
fn company(n: u32) -> Dataset {
    let mut r = Rng(0x2545_f491_4f6c_dd1d);
    let mut d = Dataset {
        categories: ["a", "b", "c", "d", "e", "f"].map(String::from).to_vec(),
        ..Dataset::default()
    };
    let industries = ["pharma", "retail", "energy"];
    let sizes = ["small", "medium", "large"];
    for c in 0..n {
        d.customers.push(CustomerInfo {
            id: format!("C{c:04}"),
            industry: Some(industries[(c % 3) as usize].into()),
            size: Some(sizes[((c / 3) % 3) as usize].into()),
            region: Some(if c % 2 == 0 { "north" } else { "south" }.into()),
            owner: Some(format!("rep{}", c % 4)),
            signup: Some(19_000),
            wallet: (c % 11 == 0).then_some(50_000.0),
            ..CustomerInfo::default()
        });
        let gap = 5.0 + 80.0 * r.next();
        let size = 40.0 * (1.0 + 30.0 * r.next() * r.next());
        let stop = if c % 4 == 0 { 19_400 } else { 20_100 };
        let mut day = 19_000.0 + gap * r.next();
        let favourite = c % 6;
        while day < f64::from(stop) {
            let amount = size * (0.5 + r.next());
            let category = if r.next() < 0.6 {
                favourite
            } else {
                (r.next() * 6.0) as u32
            };
            d.tx.push(Tx {
                cust: c,
                category,
                day: day as i32,
                cost: (amount * (0.4 + 0.3 * r.next())) as f32,
                amount,
            });
            if r.next() < 0.3 {
                let due = day as i32 + 30;
                let late = (r.next() * 60.0) as i32 - 10;
                d.payments.push(Payment {
                    cust: c,
                    invoice: day as i32,
                    due,
                    paid: (r.next() > 0.05).then_some(due + late),
                    amount: Some(amount),
                });
            }
            day += gap * (0.5 + r.next());
        }
        for period in [19_300, 19_665] {
            d.costs.push(Cost {
                cust: c,
                period,
                sales: if c % 7 == 0 { 5_000.0 } else { 20.0 * r.next() },
                service: 30.0 * r.next(),
            });
        }
        if c % 5 == 0 {
            d.interactions.push(Interaction {
                cust: c,
                day: 19_500 + (r.next() * 400.0) as i32,
                kind: InteractionKind::Complaint,
            });
        }
        if c % 3 == 1 {
            d.surveys.push(Survey {
                cust: c,
                day: 19_600 + (r.next() * 300.0) as i32,
                csat: Some(1.0 + 4.0 * r.next()),
                nps: Some((r.next() * 10.0).round()),
            });
        }
    }
    d.sort();
    d
}

fn plan() -> custval_eval::plan::Plan {
    let (plan, _) =
        custval_eval::from_config::plan(custval_config::DEFAULT_TOML).expect("default config");
    plan
}

/// The summary as a store keeps it: through JSON.
fn stored(summary: &RunSummary) -> RunSummary {
    let text = serde_json::to_string(summary).expect("encode");
    serde_json::from_str(&text).expect("decode")
}

fn tiers_of(results: &[CustomerResult]) -> PreviousTiers {
    results
        .iter()
        .map(|r| (r.customer_id.clone(), (r.tier.clone(), r.tier_streak)))
        .collect()
}

/// Only the rows of `keep` (customer ids), re-keyed densely and with categories renumbered
/// over the rows kept, as a store's subset load returns them (here in reverse order, so that
/// no index agrees with the full dataset's by chance).
fn subset(d: &Dataset, keep: &BTreeSet<String>) -> Dataset {
    let mut map = HashMap::new();
    let mut out = Dataset::default();
    for (k, c) in d.customers.iter().enumerate() {
        if keep.contains(&c.id) {
            map.insert(k as u32, out.customers.len() as u32);
            out.customers.push(c.clone());
        }
    }
    let mut used: Vec<u32> =
        d.tx.iter()
            .filter(|t| map.contains_key(&t.cust))
            .map(|t| t.category)
            .collect();
    used.sort_unstable();
    used.dedup();
    used.reverse();
    out.categories = used
        .iter()
        .map(|c| d.categories[*c as usize].clone())
        .collect();
    for t in &d.tx {
        if let Some(c) = map.get(&t.cust) {
            let category = used
                .iter()
                .position(|u| *u == t.category)
                .map_or(u32::MAX, |i| i as u32);
            out.tx.push(Tx {
                cust: *c,
                category,
                ..*t
            });
        }
    }
    macro_rules! copy {
        ($field:ident) => {
            for x in &d.$field {
                if let Some(c) = map.get(&x.cust) {
                    let mut y = x.clone();
                    y.cust = *c;
                    out.$field.push(y);
                }
            }
        };
    }
    copy!(costs);
    copy!(interactions);
    copy!(surveys);
    copy!(contracts);
    copy!(payments);
    out.sort();
    out
}

fn assert_same(got: &[CustomerResult], want: &[CustomerResult]) {
    assert_eq!(got.len(), want.len());
    let mut differ = 0;
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.customer_id, w.customer_id);
        if g != w {
            differ += 1;
            if differ <= 3 {
                eprintln!("differs:\n got {g:?}\nwant {w:?}");
            }
        }
    }
    assert_eq!(differ, 0, "{differ} of {} results differ", want.len());
}

#[test]
fn frozen_rescoring_of_every_customer_reproduces_the_run() {
    let data = company(600);
    let plan = plan();
    let mut run = evaluate(&data, D1, &plan).expect("evaluate");
    // Results leave the engine without details; a rescore builds them: compare those too.
    run.fill_details();
    let summary = stored(&run.summary);
    assert!(
        summary.frozen.is_some(),
        "the run keeps its frozen parameters"
    );
    let again = rescore(&data, D1, &plan, &summary, None).expect("rescore");
    assert_same(&again, &run.results);
    // The classes are not all alike: the comparison covers every kind of result.
    let tiers: BTreeSet<&str> = run.results.iter().map(|r| r.tier.as_str()).collect();
    assert_eq!(tiers.len(), 3);
    assert!(run.results.iter().any(|r| r.cluster.is_some()));
    assert!(run.results.iter().any(|r| r.risk.is_some()));
}

/// Issue 17 (item 3): every customer's stored CLV parts multiply out to its CLV and its
/// profit waterfall adds up to its net contribution, in the run and in a provisional update.
#[test]
fn clv_parts_and_profit_waterfall_add_up_for_every_customer() {
    use custval_eval::classes::Detail;
    let data = company(600);
    let plan = plan();
    let mut run = evaluate(&data, D1, &plan).expect("evaluate");
    run.fill_details();
    let summary = stored(&run.summary);
    let again = rescore(&data, D1, &plan, &summary, None).expect("rescore");
    for results in [&run.results, &again] {
        let (mut with_clv, mut with_cost) = (0, 0);
        for r in results.iter() {
            let d: Detail = serde_json::from_str(&r.detail).expect("detail");
            match (r.clv, d.clv_parts) {
                (Some(clv), Some(p)) => {
                    with_clv += 1;
                    let tol = 1e-6 * clv.abs().max(p.discounted_profit().abs()) + 0.01;
                    assert!(
                        (p.clv() - clv).abs() <= tol,
                        "{}: parts {p:?} make {} not {clv}",
                        r.customer_id,
                        p.clv()
                    );
                    assert!(p.purchases >= 0.0 && p.spend >= 0.0);
                    assert!(p.discount.is_none_or(|f| f > 0.0 && f <= 1.0));
                    with_cost += usize::from(p.cost_12m.is_some_and(|c| c > 0.0));
                }
                (None, None) => {}
                (clv, p) => panic!("{}: clv {clv:?} but parts {p:?}", r.customer_id),
            }
            let w = d.profit.expect("every customer has a waterfall");
            assert!((w.revenue - w.returns - r.spend_12m.unwrap_or(0.0)).abs() < 0.011);
            let net = w.net.expect("the company has costs");
            assert!(w.product_cost.is_some() || w.revenue == 0.0);
            assert!(
                (w.steps_total() - net).abs() < 0.03,
                "{}: {w:?}",
                r.customer_id
            );
        }
        assert!(with_clv > 500, "{with_clv} customers with a CLV");
        assert!(
            with_cost > 500,
            "{with_cost} customers with a cost to serve"
        );
    }
}

#[test]
fn frozen_rescoring_reproduces_a_run_with_hysteresis() {
    let data = company(600);
    let plan = plan();
    let first = evaluate(&data, D0, &plan).expect("first run");
    let previous = tiers_of(&first.results);
    let mut run = evaluate_with(&data, D1, &plan, Some(&previous)).expect("second run");
    run.fill_details();
    assert!(
        run.results
            .iter()
            .any(|r| r.raw_tier.is_some() || r.tier_streak > 0)
    );
    let summary = stored(&run.summary);
    let again = rescore(&data, D1, &plan, &summary, Some(&previous)).expect("rescore");
    assert_same(&again, &run.results);
}

#[test]
fn rescoring_the_affected_customers_equals_rescoring_everybody() {
    let base = company(600);
    let plan = plan();
    let mut run = evaluate(&base, D1, &plan).expect("evaluate");
    run.fill_details();
    let summary = stored(&run.summary);
    // New orders after the run for 40 customers, one of them in a category it never bought.
    let mut data = base.clone();
    let mut affected = BTreeSet::new();
    for k in 0..40u32 {
        let c = k * 13 % 600;
        affected.insert(data.customers[c as usize].id.clone());
        for j in 0..=(k % 3) {
            data.tx.push(Tx {
                cust: c,
                category: (k + j) % 6,
                day: D1 + 1 + (k as i32 % 10),
                cost: 100.0,
                amount: 500.0 + 400.0 * f64::from(k),
            });
        }
    }
    data.sort();
    let as_of = D1 + 14;
    let everybody = rescore(&data, as_of, &plan, &summary, None).expect("rescore all");
    let some = subset(&data, &affected);
    assert_ne!(some.categories, data.categories);
    let incremental = rescore(&some, as_of, &plan, &summary, None).expect("rescore some");
    let want: Vec<CustomerResult> = everybody
        .iter()
        .filter(|r| affected.contains(&r.customer_id))
        .cloned()
        .collect();
    assert_same(&incremental, &want);
    // The new orders are in the provisional results.
    let before: HashMap<&str, &CustomerResult> = run
        .results
        .iter()
        .map(|r| (r.customer_id.as_str(), r))
        .collect();
    let grew = incremental
        .iter()
        .filter(|r| r.spend_12m > before[r.customer_id.as_str()].spend_12m)
        .count();
    assert_eq!(grew, affected.len());
}

#[test]
fn a_run_without_frozen_parameters_is_refused() {
    let data = company(100);
    let plan = plan();
    let mut run = evaluate(&data, D1, &plan).expect("evaluate");
    // Results leave the engine without details; a rescore builds them: compare those too.
    run.fill_details();
    let mut summary = stored(&run.summary);
    summary.frozen = None;
    assert!(rescore(&data, D1, &plan, &summary, None).is_err());
    // An unreadable frozen part leaves the summary readable, without it.
    let mut v = serde_json::to_value(&run.summary).expect("encode");
    v["frozen"] = serde_json::json!({"categories": 3});
    let back: RunSummary = serde_json::from_value(v).expect("summary still loads");
    assert!(back.frozen.is_none());
}
