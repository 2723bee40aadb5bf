//! The public API end to end, the way the evaluation engine uses it: one entry per customer
//! into every classifier, then the budget split by value class.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_classify::{
    Assigned, ClassifyError, FeatureSpec, KMeansConfig, LifecycleInput, LifecycleStage,
    LifecycleThresholds, PotentialTier, PotentialTierConfig, ProfitLoyaltyClass,
    ProfitLoyaltyConfig, ValueClass, ValuePotentialConfig, allocate_budget, classify_lifecycle,
    classify_potential_tier, classify_profit_loyalty, classify_value_potential, kmeans_cluster,
};
// The cuts are custval-base's type-7 quantiles.
use custval_base::quantile::quantile;

/// A small deterministic population: 1 000 customers, a fifth of them big spenders.
struct Population {
    value: Vec<f64>,
    potential: Vec<f64>,
    net: Vec<Option<f64>>,
    lifecycle: Vec<LifecycleInput>,
    features: Vec<f64>,
}

fn population() -> Population {
    let n = 1000;
    let mut p = Population {
        value: Vec::new(),
        potential: Vec::new(),
        net: Vec::new(),
        lifecycle: Vec::new(),
        features: Vec::new(),
    };
    for i in 0..n {
        let big = i % 5 == 0;
        let value = if big {
            70.0 + (i % 30) as f64
        } else {
            (i % 60) as f64
        };
        let potential = ((i * 37) % 100) as f64;
        p.value.push(value);
        p.potential.push(potential);
        p.net.push(match i % 10 {
            3 => Some(-25.0),
            7 => None,
            _ => Some(value * 3.0),
        });
        p.lifecycle.push(LifecycleInput {
            orders_total: (i % 13) as u32,
            days_since_first: Some((i * 7 % 1500) as f64),
            recency_days: Some((i * 3 % 700) as f64),
            p_alive: (i % 4 != 0).then_some((i % 100) as f64 / 100.0),
            spend_growth_6m: Some(((i % 21) as f64 - 10.0) / 10.0),
            tenure_days: None,
            orders_12m: (i % 9) as u32,
            expected_gap_days: Some(20.0 + (i % 90) as f64),
            own_rhythm: i % 13 > 1,
        });
        let (spend, recency) = if big { (5000.0, 20.0) } else { (300.0, 200.0) };
        p.features.push(spend + (i % 7) as f64 * 10.0);
        p.features.push(recency + (i % 11) as f64);
    }
    p
}

/// Explained in both languages, the Chinese without an English word (issue 21).
fn explained<C, R: custval_classify::Explain>(a: &Assigned<C, R>) -> bool {
    let zh = a.rule_zh();
    let words = custval_i18n::scan::latin_words(&zh);
    assert!(words.is_empty(), "{zh}: {words:?}");
    !a.rule_en().is_empty() && !zh.is_empty()
}

#[test]
fn every_classifier_on_one_population() {
    let p = population();
    let n = p.value.len();

    let (cuts, classes) = classify_value_potential(
        &p.value,
        &p.potential,
        &p.net,
        &ValuePotentialConfig::default(),
    )
    .unwrap();
    assert_eq!(classes.len(), n);
    assert_eq!(Some(cuts.value_cut), quantile(&p.value, 0.8));
    assert!(classes.iter().all(explained));
    let negative = classes
        .iter()
        .filter(|a| a.class == ValueClass::NegativeValue)
        .count();
    assert_eq!(negative, n / 10);
    for a in &classes {
        if a.class == ValueClass::MostValuable {
            assert!(a.rule_en().starts_with("current value score"));
            assert!(a.rule_zh().contains("（前20%）"));
        }
    }

    let (_, tiers) =
        classify_potential_tier(&p.potential, &PotentialTierConfig::default()).unwrap();
    let high = tiers
        .iter()
        .filter(|a| a.class == PotentialTier::High)
        .count();
    assert!((190..=210).contains(&high), "{high}");

    let stages = classify_lifecycle(&p.lifecycle, &LifecycleThresholds::default()).unwrap();
    assert_eq!(stages.len(), n);
    assert!(stages.iter().all(explained));
    for (a, c) in stages.iter().zip(&p.lifecycle) {
        assert_eq!(a.class == LifecycleStage::Prospect, c.orders_total == 0);
    }
    for stage in LifecycleStage::ALL {
        assert!(!stage.goal().label_zh().is_empty());
    }

    let profit: Vec<Option<f64>> = p.net.clone();
    let loyalty: Vec<Option<f64>> = p.lifecycle.iter().map(|c| c.days_since_first).collect();
    let (_, quads) =
        classify_profit_loyalty(&profit, &loyalty, &ProfitLoyaltyConfig::default()).unwrap();
    assert!(quads.iter().all(explained));
    assert!(
        ProfitLoyaltyClass::ALL
            .iter()
            .all(|q| quads.iter().any(|a| a.class == *q))
    );

    let features = [
        FeatureSpec::new("spend_12m").with_labels("12-month spend", "近12个月消费额"),
        FeatureSpec::new("recency_days").with_labels("days since last order", "距上次购买天数"),
    ];
    let clusters = kmeans_cluster(&features, &p.features, &KMeansConfig::default()).unwrap();
    assert_eq!(clusters.k, 2);
    assert_eq!(clusters.sizes, [800, 200]);
    assert!(clusters.descriptions_en[1].contains("very high 12-month spend"));
    assert!(clusters.descriptions_zh[1].contains("近12个月消费额很高"));
    assert!(clusters.rule_en(0).unwrap().contains("cluster 1"));

    // Budget by value class, in proportion to the summed value scores, with a win-back floor.
    let bases: Vec<(String, f64)> = ValueClass::ALL
        .iter()
        .map(|c| {
            let sum = classes
                .iter()
                .zip(&p.value)
                .filter(|(a, _)| a.class == *c)
                .map(|(_, v)| *v)
                .sum();
            (c.id().to_string(), sum)
        })
        .collect();
    let floors = [("negative_value".to_string(), 0.05)];
    let budget = allocate_budget(123_456.78, &bases, &floors).unwrap();
    let cents: i64 = budget.lines.iter().map(|l| l.amount_cents).sum();
    assert_eq!(cents, 12_345_678);
    assert!(budget.lines.iter().all(|l| {
        let zh = l.rule_zh();
        assert!(custval_i18n::scan::latin_words(&zh).is_empty(), "{zh}");
        !l.rule_en().is_empty() && !zh.is_empty()
    }));
}

#[test]
fn results_serialize_with_snake_case_ids() {
    let (_, out) = classify_value_potential(
        &[90.0, 10.0],
        &[10.0, 90.0],
        &[None, None],
        &ValuePotentialConfig::default(),
    )
    .unwrap();
    let json = serde_json::to_string(&out[0]).unwrap();
    assert!(json.contains("\"class\":\"most_valuable\""), "{json}");
    assert!(json.contains("\"rule\":{\"rule\":\"high_value\""), "{json}");
    let back: Assigned<ValueClass, custval_classify::ValueRule> =
        serde_json::from_str(&json).unwrap();
    assert_eq!(back, out[0]);
}

#[test]
fn errors_are_typed_and_readable() {
    let e = classify_value_potential(&[1.0], &[], &[None], &ValuePotentialConfig::default())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "potential_scores has 0 entries but 1 customers were given"
    );
    let e = kmeans_cluster(
        &[FeatureSpec::new("x")],
        &[1.0, 2.0],
        &KMeansConfig::default(),
    )
    .unwrap_err();
    assert!(matches!(e, ClassifyError::TooFewPoints { n: 2, .. }));
}
