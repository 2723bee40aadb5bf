//! Cross-sell end to end: support, confidence and lift on the market-basket transactions of
//! Tan, Steinbach & Kumar, *Introduction to Data Mining*, Table 6.1 (figures computed by hand
//! below), peer penetration, the merge of both sources, and invariants over random bases.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_accounts::{
    AssociationRules, CrossSellConfig, CrossSellInput, CrossSellModel, CrossSellSource, PeerLevel,
    suggest_cross_sell,
};
use proptest::prelude::*;

const BREAD: u32 = 0;
const MILK: u32 = 1;
const DIAPERS: u32 = 2;
const BEER: u32 = 3;
const EGGS: u32 = 4;
const COLA: u32 = 5;

/// Table 6.1: {Bread, Milk}, {Bread, Diapers, Beer, Eggs}, {Milk, Diapers, Beer, Cola},
/// {Bread, Milk, Diapers, Beer}, {Bread, Milk, Diapers, Cola}.
fn textbook() -> Vec<Vec<u32>> {
    vec![
        vec![BREAD, MILK],
        vec![BREAD, DIAPERS, BEER, EGGS],
        vec![MILK, DIAPERS, BEER, COLA],
        vec![BREAD, MILK, DIAPERS, BEER],
        vec![BREAD, MILK, DIAPERS, COLA],
    ]
}

fn names() -> Vec<String> {
    ["bread", "milk", "diapers", "beer", "eggs", "cola"]
        .map(String::from)
        .to_vec()
}

fn all_rules() -> CrossSellConfig {
    CrossSellConfig {
        min_support: 0.0,
        min_confidence: 0.0,
        min_lift: 0.0,
        ..CrossSellConfig::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn textbook_support_confidence_lift() {
    let r = AssociationRules::mine(&textbook(), &all_rules()).unwrap();
    assert_eq!(r.baskets(), 5);
    // {Diapers} → {Beer}: σ(Diapers, Beer) = 3 (baskets 2, 3, 4), σ(Diapers) = 4, σ(Beer) = 3:
    // s = 3/5 = 0.6, c = 3/4 = 0.75, lift = 0.75 / (3/5) = 1.25.
    let d_b = r.rule(DIAPERS, BEER).unwrap();
    assert_eq!(
        (d_b.both, d_b.antecedent_count, d_b.consequent_count),
        (3, 4, 3)
    );
    assert!(close(d_b.support, 0.6) && close(d_b.confidence, 0.75) && close(d_b.lift, 1.25));
    // {Beer} → {Diapers}: c = 3/3 = 1, lift = 1 / (4/5) = 1.25.
    let b_d = r.rule(BEER, DIAPERS).unwrap();
    assert!(close(b_d.support, 0.6) && close(b_d.confidence, 1.0) && close(b_d.lift, 1.25));
    // {Bread} → {Milk}: σ = 3 (baskets 1, 4, 5): s = 0.6, c = 3/4, lift = 0.75 / 0.8 = 0.9375.
    let br_m = r.rule(BREAD, MILK).unwrap();
    assert!(close(br_m.confidence, 0.75) && close(br_m.lift, 0.9375));
    // {Eggs} → {Beer}: s = 1/5, c = 1, lift = 1 / 0.6 = 5/3.
    let e_b = r.rule(EGGS, BEER).unwrap();
    assert!(close(e_b.support, 0.2) && close(e_b.confidence, 1.0));
    assert!(close(e_b.lift, 5.0 / 3.0));
    // {Milk} → {Cola}: σ = 2, σ(Milk) = 4, σ(Cola) = 2: c = 0.5, lift = 0.5 / 0.4 = 1.25.
    let m_c = r.rule(MILK, COLA).unwrap();
    assert!(close(m_c.support, 0.4) && close(m_c.confidence, 0.5) && close(m_c.lift, 1.25));
    // Pairs never seen together have no rule.
    assert!(r.rule(EGGS, COLA).is_none());
}

#[test]
fn thresholds_filter_rules() {
    let cfg = CrossSellConfig {
        min_support: 0.5,
        min_confidence: 0.5,
        min_lift: 1.1,
        ..CrossSellConfig::default()
    };
    let r = AssociationRules::mine(&textbook(), &cfg).unwrap();
    // Pairs with support ≥ 0.5: Diapers–Beer, Milk–Diapers, Bread–Milk, Bread–Diapers (0.6
    // each); only Diapers–Beer has lift above 1.1 (1.25 both ways).
    let kept: Vec<(u32, u32)> = r
        .rules()
        .iter()
        .map(|x| (x.antecedent, x.consequent))
        .collect();
    assert_eq!(kept, [(DIAPERS, BEER), (BEER, DIAPERS)]);
    // At support ≥ 0.3 the pairs with Cola (0.4) join: Milk → Cola (c = 0.5, lift 1.25),
    // Cola → Milk (c = 1, lift 1.25), and the same for Diapers.
    let cfg = CrossSellConfig {
        min_support: 0.3,
        ..cfg
    };
    let r = AssociationRules::mine(&textbook(), &cfg).unwrap();
    let kept: Vec<(u32, u32)> = r
        .rules()
        .iter()
        .map(|x| (x.antecedent, x.consequent))
        .collect();
    assert_eq!(
        kept,
        [
            (MILK, COLA),
            (DIAPERS, BEER),
            (DIAPERS, COLA),
            (BEER, DIAPERS),
            (COLA, MILK),
            (COLA, DIAPERS)
        ]
    );
    // Rules of one antecedent come by confidence descending.
    assert!(close(r.from_antecedent(DIAPERS)[0].confidence, 0.75));
    assert!(close(r.from_antecedent(DIAPERS)[1].confidence, 0.5));
}

#[test]
fn rules_suggest_what_is_not_bought() {
    let cfg = CrossSellConfig {
        min_support: 0.5,
        min_confidence: 0.5,
        min_lift: 1.1,
        ..CrossSellConfig::default()
    };
    let customers = [
        CrossSellInput {
            bought: &[DIAPERS],
            ..CrossSellInput::default()
        },
        CrossSellInput {
            bought: &[BEER, MILK, BEER],
            ..CrossSellInput::default()
        },
        CrossSellInput {
            bought: &[BEER, DIAPERS],
            ..CrossSellInput::default()
        },
    ];
    let s = suggest_cross_sell(&customers, &textbook(), &cfg).unwrap();
    assert_eq!(s[0].len(), 1);
    assert_eq!(s[0][0].category, BEER);
    assert!(close(s[0][0].score, 0.75));
    assert_eq!(
        s[0][0].explain_en(&names()),
        "beer: 75% of baskets with diapers also hold beer (confidence), lift 1.25 over the base rate, support 60%"
    );
    assert_eq!(s[1][0].category, DIAPERS);
    assert!(matches!(
        s[1][0].source,
        CrossSellSource::Rule { antecedent: BEER, confidence, .. } if close(confidence, 1.0)
    ));
    assert!(s[2].is_empty());
}

/// Twenty pharma/large customers: everyone buys 1; 12 of them (60 %) buy 2; 8 (40 %) buy 3;
/// 4 (20 %) buy 4.
fn pharma() -> Vec<Vec<u32>> {
    (0..20)
        .map(|i| {
            let mut b = vec![1];
            if i < 12 {
                b.push(2);
            }
            if i >= 12 {
                b.push(3);
            }
            if i < 4 {
                b.push(4);
            }
            b
        })
        .collect()
}

#[test]
fn peers_penetration_and_merge_with_rules() {
    let baskets = pharma();
    let customers: Vec<CrossSellInput<'_>> = baskets
        .iter()
        .map(|b| CrossSellInput {
            industry: Some("pharma"),
            size: Some("large"),
            bought: b,
        })
        .collect();
    let cfg = CrossSellConfig {
        min_penetration: 0.3,
        min_support: 0.05,
        min_confidence: 0.5,
        min_lift: 1.0,
        ..CrossSellConfig::default()
    };
    let model = CrossSellModel::fit(&customers, &baskets, &cfg).unwrap();
    // Customer 12 bought {1, 3}: peers suggest 2 (12/20 = 60 %); 4 is under the floor (20 %).
    let s = model.suggest(&customers[12]);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].category, 2);
    assert_eq!(
        s[0].source,
        CrossSellSource::Peers {
            penetration: 0.6,
            peers: 20,
            level: PeerLevel::IndustrySize
        }
    );
    assert!(
        s[0].explain_zh(&[])
            .contains("20 个可比客户（同行业同规模）中 60% 已购买"),
        "{}",
        s[0].explain_zh(&[])
    );
    // Customer 4 bought {1, 2}: peers suggest 3 (40 %); the rule 2 → 4 has confidence
    // 4/12 = 33 %, below 50 %, so it is not kept.
    let s = model.suggest(&customers[4]);
    assert_eq!(s.iter().map(|x| x.category).collect::<Vec<_>>(), [3]);
    assert!(close(s[0].score, 0.4));
    // A customer of the same group who bought only 4: the rule 4 → 2 (confidence 4/4 = 1,
    // lift 1 / 0.6) outranks the peers' 60 % for category 2; 3 comes from peers (40 %).
    let c = CrossSellInput {
        industry: Some("pharma"),
        size: Some("large"),
        bought: &[4],
    };
    let s = model.suggest(&c);
    assert_eq!(s.iter().map(|x| x.category).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(matches!(
        s[1].source,
        CrossSellSource::Rule { antecedent: 4, .. }
    ));
    // Rule 4 → 1 (confidence 1) and peers' 100 % for 1 tie: the peers source wins.
    assert!(matches!(s[0].source, CrossSellSource::Peers { .. }));
    // An unknown industry gets no peer suggestions, only rules (3 → 1: confidence 1, lift 1).
    let lone = CrossSellInput {
        bought: &[3],
        ..CrossSellInput::default()
    };
    let s = model.suggest(&lone);
    assert_eq!(s.len(), 1);
    assert!(matches!(
        s[0].source,
        CrossSellSource::Rule { antecedent: 3, .. }
    ));
}

#[test]
fn max_suggestions_is_respected() {
    let baskets = pharma();
    let customers: Vec<CrossSellInput<'_>> = baskets
        .iter()
        .map(|b| CrossSellInput {
            industry: Some("pharma"),
            size: None,
            bought: b,
        })
        .collect();
    let cfg = CrossSellConfig {
        max_suggestions: 1,
        min_penetration: 0.1,
        ..CrossSellConfig::default()
    };
    let model = CrossSellModel::fit::<Vec<u32>>(&customers, &[], &cfg).unwrap();
    let s = model.suggest(&CrossSellInput {
        industry: Some("pharma"),
        size: Some("tiny"),
        bought: &[],
    });
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].category, 1);
    assert!(matches!(
        s[0].source,
        CrossSellSource::Peers {
            level: PeerLevel::Industry,
            ..
        }
    ));
    assert_eq!(model.rules().baskets(), 0);
}

proptest! {
    #[test]
    fn never_suggests_what_was_bought(
        rows in proptest::collection::vec(
            (0usize..3, 0usize..2, proptest::collection::vec(0u32..8, 0..6)),
            1..120,
        ),
        k in 1usize..6,
        min_peers in 1usize..5,
    ) {
        let industries = [Some("a"), Some("b"), None];
        let sizes = [Some("s"), None];
        let customers: Vec<CrossSellInput<'_>> = rows
            .iter()
            .map(|(i, s, b)| CrossSellInput { industry: industries[*i], size: sizes[*s], bought: b })
            .collect();
        let baskets: Vec<&[u32]> = customers.iter().map(|c| c.bought).collect();
        let cfg = CrossSellConfig {
            max_suggestions: k,
            min_peers,
            min_penetration: 0.1,
            min_support: 0.0,
            min_confidence: 0.0,
            min_lift: 0.0,
            ..CrossSellConfig::default()
        };
        let all = suggest_cross_sell(&customers, &baskets, &cfg).unwrap();
        for (c, s) in customers.iter().zip(&all) {
            prop_assert!(s.len() <= k);
            let mut cats: Vec<u32> = s.iter().map(|x| x.category).collect();
            for x in s {
                prop_assert!(!c.bought.contains(&x.category));
                prop_assert!((0.0..=1.0).contains(&x.score));
            }
            for w in s.windows(2) {
                prop_assert!(w[0].score >= w[1].score);
            }
            cats.sort_unstable();
            cats.dedup();
            prop_assert_eq!(cats.len(), s.len());
        }
    }
}

/// A million customers, 200 categories, about eight categories each: fit and suggest.
/// `cargo test -p custval-accounts --release --test cross_sell -- --ignored --nocapture`.
#[test]
#[ignore]
fn scale_one_million() {
    let industries: Vec<String> = (0..40).map(|i| format!("industry{i}")).collect();
    let sizes = ["small", "medium", "large", "xl"];
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let baskets: Vec<Vec<u32>> = (0..1_000_000usize)
        .map(|i| {
            let k = 4 + (next() % 9) as usize;
            // Each industry leans to its own 20 categories, so rules and peers have signal.
            (0..k)
                .map(|_| {
                    let r = next();
                    if r % 3 == 0 {
                        (r >> 8) as u32 % 200
                    } else {
                        ((i % 40) as u32 * 5 + (r >> 8) as u32 % 20) % 200
                    }
                })
                .collect()
        })
        .collect();
    let customers: Vec<CrossSellInput<'_>> = baskets
        .iter()
        .enumerate()
        .map(|(i, b)| CrossSellInput {
            industry: Some(industries[i % 40].as_str()),
            size: Some(sizes[(i / 40) % 4]),
            bought: b,
        })
        .collect();
    let t = std::time::Instant::now();
    // Low floors (pairs here have support ≈ 0.008 and confidence ≈ 0.2) so that thousands of
    // rules are kept and used.
    let cfg = CrossSellConfig {
        min_support: 0.001,
        min_confidence: 0.1,
        ..CrossSellConfig::default()
    };
    let model = CrossSellModel::fit(&customers, &baskets, &cfg).unwrap();
    let fit = t.elapsed();
    let all: Vec<_> = customers.iter().map(|c| model.suggest(c)).collect();
    eprintln!(
        "1M customers: fit {fit:?}, suggest {:?}, {} rules",
        t.elapsed() - fit,
        model.rules().rules().len()
    );
    assert_eq!(all.len(), 1_000_000);
    assert!(!model.rules().rules().is_empty());
}
