//! The engine on a small company built in code, with the default `custval.toml`: properties
//! every evaluation must have, whatever the data.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_eval::classes::Detail;
use custval_eval::evaluate;
use custval_model::{Cost, CustomerInfo, Dataset, Tx};

/// A deterministic company: 200 customers, purchase rates and spend spread over two orders of
/// magnitude, a fifth of them costly to serve, a third stopping halfway.
fn company() -> Dataset {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut d = Dataset {
        categories: vec!["a".into(), "b".into(), "c".into()],
        ..Dataset::default()
    };
    for c in 0..200u32 {
        d.customers.push(CustomerInfo {
            id: format!("C{c:03}"),
            industry: Some(if c % 2 == 0 { "pharma" } else { "retail" }.into()),
            signup: Some(19_000),
            ..CustomerInfo::default()
        });
        let gap = 5.0 + 60.0 * next();
        let size = 50.0 * (1.0 + 20.0 * next() * next());
        let stop = if c % 3 == 0 { 19_000 + 400 } else { 20_000 };
        let mut day = 19_000.0 + gap * next();
        while day < f64::from(stop) {
            let amount = size * (0.5 + next());
            d.tx.push(Tx {
                cust: c,
                category: (next() * 3.0) as u32,
                day: day as i32,
                cost: (amount * 0.6) as f32,
                amount,
            });
            day += gap * (0.5 + next());
        }
        if c % 5 == 0 {
            // Costly to serve: a cost to serve far above its margin.
            d.costs.push(Cost {
                cust: c,
                period: 19_700,
                sales: 50_000.0,
                service: 50_000.0,
            });
        } else {
            d.costs.push(Cost {
                cust: c,
                period: 19_700,
                sales: 10.0,
                service: 10.0,
            });
        }
    }
    d.sort();
    d
}

fn plan() -> custval_eval::plan::Plan {
    let (plan, warnings) =
        custval_eval::from_config::plan(custval_config::DEFAULT_TOML).expect("default config");
    assert!(warnings.is_empty(), "{warnings:?}");
    plan
}

#[test]
fn scores_are_explained_by_their_points_and_runs_are_deterministic() {
    let data = company();
    let plan = plan();
    let mut a = evaluate(&data, 19_999, &plan).expect("evaluate");
    let mut b = evaluate(&data, 19_999, &plan).expect("evaluate");
    // Details are built on demand; compare them too.
    a.fill_details();
    b.fill_details();
    assert_eq!(a.results.len(), 200);
    for (x, y) in a.results.iter().zip(&b.results) {
        assert_eq!(x, y, "same data, date and plan give the same result");
    }
    for r in &a.results {
        assert!(
            r.score.is_finite() && (0.0..=100.0).contains(&r.score),
            "{r:?}"
        );
        let d: Detail = serde_json::from_str(&r.detail).expect("detail");
        let sum: f64 = d.points.iter().sum();
        assert!(
            (sum - r.score).abs() < 1e-9,
            "{}: points {sum} vs score {}",
            r.customer_id,
            r.score
        );
    }
    let weights: f64 = a
        .summary
        .weights
        .iter()
        .map(|w| w.weights.iter().map(|(_, x)| x).sum::<f64>())
        .sum();
    assert!(
        (weights - 2.0).abs() < 1e-9,
        "each dimension's weights sum to 1"
    );
    assert!(
        a.summary.clv.purchases.is_some(),
        "{:?}",
        a.summary.clv.notes
    );
}

#[test]
fn costly_customers_are_negative_value_and_tiers_follow_the_pareto_cut() {
    let data = company();
    let plan = plan();
    let e = evaluate(&data, 19_999, &plan).expect("evaluate");
    for (c, r) in e.results.iter().enumerate() {
        if c % 5 == 0 && r.spend_12m.unwrap_or(0.0) > 0.0 {
            assert_eq!(
                r.value_class, "negative_value",
                "{} costs 100,000 to serve",
                r.customer_id
            );
        }
    }
    let total: f64 = e.results.iter().filter_map(|r| r.spend_12m).sum();
    let a: f64 = e
        .results
        .iter()
        .filter(|r| r.tier == "A")
        .filter_map(|r| r.spend_12m)
        .sum();
    let a_count = e.results.iter().filter(|r| r.tier == "A").count();
    assert!(
        a / total <= 0.8 + 1e-9 && a / total > 0.6,
        "A holds {:.3} of spend",
        a / total
    );
    assert!(a_count < 100, "A is the minority: {a_count}");
}

#[test]
fn nothing_after_the_as_of_date_is_used() {
    let data = company();
    let plan = plan();
    let mut early = evaluate(&data, 19_300, &plan).expect("evaluate");
    let mut cut = data.clone();
    cut.tx.retain(|t| t.day <= 19_300);
    cut.costs.retain(|c| c.period <= 19_300);
    let mut same = evaluate(&cut, 19_300, &plan).expect("evaluate");
    early.fill_details();
    same.fill_details();
    for (x, y) in early.results.iter().zip(&same.results) {
        assert_eq!(x, y, "later rows changed an earlier evaluation");
    }
    // The default calibrates its weights at earlier dates: that too read nothing later.
    assert!(
        !early.summary.calibration.is_empty(),
        "{:?}",
        early.summary.notes
    );
    assert_eq!(early.summary.calibration, same.summary.calibration);
}

/// Issue 17: calibrated weights are fitted on the company's history, checked out of time, used
/// only when the check improves on the prior, and stated in the run's notes.
#[test]
fn issue_17_calibrated_weights_are_checked_out_of_time_and_stated() {
    let data = company();
    let plan = plan();
    let e = evaluate(&data, 19_999, &plan).expect("evaluate");
    let cal = &e.summary.calibration;
    assert_eq!(cal.len(), 2, "{:?}", e.summary.notes);
    for (c, dw) in cal.iter().zip(&e.summary.weights) {
        assert!(c.customers_fit >= 10 && c.customers_check >= 10);
        let (prior, blended) = (c.check_gini_prior.unwrap(), c.check_gini_blended.unwrap());
        assert_eq!(c.applied, blended > prior, "{c:?}");
        let used: f64 = c.used.iter().map(|(_, w)| w).sum();
        assert!((used - 1.0).abs() < 1e-3, "{c:?}");
        assert_eq!(dw.method, "calibrated");
        assert!(
            dw.note.to_string().contains("out-of-time check"),
            "{}",
            dw.note
        );
        assert!(
            e.summary
                .notes
                .iter()
                .any(|n| n.to_string().contains(&format!("Gini {prior:.3}"))),
            "{:?}",
            e.summary.notes
        );
    }
}

/// Freeing the fact tables half-way (`evaluate_owned`) changes no result and no detail.
#[test]
fn an_owned_evaluation_equals_a_borrowed_one() {
    let data = company();
    let plan = plan();
    let mut borrowed = evaluate(&data, 19_999, &plan).expect("evaluate");
    let mut owned =
        custval_eval::evaluate_owned(data.clone(), 19_999, &plan, None).expect("evaluate");
    borrowed.fill_details();
    owned.fill_details();
    assert_eq!(borrowed.results, owned.results);
    assert_eq!(
        serde_json::to_string(&borrowed.summary).unwrap(),
        serde_json::to_string(&owned.summary).unwrap()
    );
}

/// Issue 17: a loss-maker (here a fifth of the base costs 100,000 to serve) is never in tier
/// A by default, its tier rule says why, and the option lets it back in.
#[test]
fn issue_17_loss_makers_are_capped_below_the_top_tier() {
    let data = company();
    let mut plan = plan();
    let mut e = evaluate(&data, 19_999, &plan).expect("evaluate");
    e.fill_details();
    let mut capped = 0;
    for r in &e.results {
        let d: Detail = serde_json::from_str(&r.detail).expect("detail");
        if r.value_class == "negative_value" {
            assert_ne!(r.tier, "A", "{}", r.customer_id);
        }
        if let Some(cap) = d.tier_rule.capped {
            capped += 1;
            assert_eq!(r.tier, "B");
            let why = d.tier_rule.explain_en(&r.tier, "spend_12m");
            assert!(
                why.starts_with("tier A by value, capped at B: net contribution -"),
                "{why}"
            );
            assert!(cap.value < 0.0);
            // The value rule names the costs behind the loss, largest first.
            let v = custval_classify::Explain::explain_en(&d.value_rule);
            assert!(v.contains("largest costs: sales cost 50000.00"), "{v}");
        }
    }
    plan.tiers.loss_makers_top_tier = true;
    let free = evaluate(&data, 19_999, &plan).expect("evaluate");
    let in_a = free
        .results
        .iter()
        .filter(|r| r.tier == "A" && r.value_class == "negative_value")
        .count();
    assert_eq!(in_a, capped, "the cap moved exactly the loss-makers of A");
    assert!(
        capped > 0,
        "the company has loss-makers worth tier A by spend"
    );
}

/// Issue 17: indicators nobody has (inquiries, referrals, …) are left out of the run, their
/// weight spread over the dimension's other indicators in proportion.
#[test]
fn issue_17_degenerate_indicators_are_excluded_and_their_weight_respread() {
    let data = company();
    let mut plan = plan();
    // The default calibrates the weights; exclusion still leaves the excluded at 0.
    let calibrated = evaluate(&data, 19_999, &plan).expect("evaluate");
    for dw in &calibrated.summary.weights {
        let sum: f64 = dw.weights.iter().map(|(_, w)| w).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{dw:?}");
        for (id, w) in &dw.weights {
            if calibrated
                .summary
                .excluded_indicators
                .iter()
                .any(|x| &x.id == id)
            {
                assert_eq!(*w, 0.0, "{id}");
            }
        }
    }
    // Given (AHP) weights keep their ratios among the kept indicators.
    if let custval_eval::plan::WeightPlan::Calibrated { prior, note, .. } = &plan.weights_current {
        plan.weights_current = custval_eval::plan::WeightPlan::Given {
            weights: prior.clone(),
            note: note.clone(),
        };
    }
    let e = evaluate(&data, 19_999, &plan).expect("evaluate");
    let ex: Vec<&str> = e
        .summary
        .excluded_indicators
        .iter()
        .map(|x| x.id.as_str())
        .collect();
    assert!(
        ex.contains(&"inquiries_12m") && ex.contains(&"referrals_12m"),
        "{ex:?}"
    );
    assert!(!ex.contains(&"spend_12m"));
    let custval_eval::plan::WeightPlan::Given { weights: given, .. } = &plan.weights_current else {
        panic!("the default current weights are AHP")
    };
    let current = &e.summary.weights[0];
    let kept: f64 = current
        .weights
        .iter()
        .zip(given)
        .filter(|((id, _), _)| !ex.contains(&id.as_str()))
        .map(|(_, g)| g)
        .sum();
    for ((id, w), g) in current.weights.iter().zip(given) {
        if ex.contains(&id.as_str()) {
            assert_eq!(*w, 0.0, "{id}");
        } else {
            assert!((w - g / kept).abs() < 1e-12, "{id}: {w} vs {}", g / kept);
        }
    }
}

/// Issue 17: no customer gets two actions of one family (abandon and renew, onboarding and
/// win-back); the kept one names what it overrode.
#[test]
fn issue_17_no_customer_gets_two_actions_of_a_family() {
    let data = company();
    let plan = plan();
    let mut e = evaluate(&data, 19_999, &plan).expect("evaluate");
    e.fill_details();
    let family = |id: &str| -> Option<String> {
        if let Some(rest) = id.strip_prefix("playbook:") {
            let (var, value) = rest.split_once(':')?;
            return plan
                .playbooks
                .iter()
                .find(|p| p.variable == var && p.value == value)?
                .family
                .clone();
        }
        plan.actions.iter().find(|a| a.id == id)?.family.clone()
    };
    let mut overrides = 0;
    for r in &e.results {
        let d: Detail = serde_json::from_str(&r.detail).expect("detail");
        let mut seen = Vec::new();
        for a in &d.actions {
            if let Some(f) = family(&a.id) {
                assert!(!seen.contains(&f), "{}: two {f} actions", r.customer_id);
                seen.push(f);
            }
            overrides += a.overrode.len();
        }
    }
    assert!(overrides > 0, "the company has conflicting candidates");
}
