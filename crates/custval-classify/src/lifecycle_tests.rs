//! Tests of the lifecycle rules (kept beside `lifecycle.rs`, which would exceed the file limit).

use super::*;
use proptest::prelude::*;

fn t() -> LifecycleThresholds {
    LifecycleThresholds::default()
}

fn repeat_buyer() -> LifecycleInput {
    LifecycleInput {
        orders_total: 12,
        days_since_first: Some(1000.0),
        recency_days: Some(20.0),
        p_alive: Some(0.9),
        spend_growth_6m: Some(0.1),
        tenure_days: Some(1000.0),
        orders_12m: 6,
        ..Default::default()
    }
}

#[test]
fn prospect_and_new() {
    let p = lifecycle_stage(&LifecycleInput::default(), &t());
    assert_eq!(p.class, LifecycleStage::Prospect);
    assert_eq!(p.class.goal(), StageGoal::Acquisition);
    assert_eq!(p.rule_zh(), "截至评估日尚无购买");
    let n = lifecycle_stage(
        &LifecycleInput {
            orders_total: 2,
            days_since_first: Some(35.0),
            recency_days: Some(3.0),
            p_alive: Some(0.05),
            orders_12m: 2,
            ..Default::default()
        },
        &t(),
    );
    // New wins over a low P(alive): rule 2 comes before rule 3.
    assert_eq!(n.class, LifecycleStage::New);
    assert_eq!(n.rule_en(), "first purchase 35 days ago ≤ 90 days");
    assert_eq!(n.class.goal(), StageGoal::Conversion);
}

#[test]
fn churned_before_declining() {
    let c = LifecycleInput {
        p_alive: Some(0.1),
        spend_growth_6m: Some(-0.9),
        ..repeat_buyer()
    };
    let a = lifecycle_stage(&c, &t());
    assert_eq!(a.class, LifecycleStage::Churned);
    assert_eq!(a.rule_en(), "P(alive) 0.10 < churn line 0.15");
    assert_eq!(a.class.goal(), StageGoal::WinBack);
    let r = LifecycleInput {
        p_alive: None,
        recency_days: Some(600.0),
        ..repeat_buyer()
    };
    let a = lifecycle_stage(&r, &t());
    assert_eq!(a.class, LifecycleStage::Churned);
    assert_eq!(a.rule_zh(), "最近一次购买距今 600 天 > 540 天");
}

#[test]
fn declining_by_p_alive_or_spend() {
    let a = lifecycle_stage(
        &LifecycleInput {
            p_alive: Some(0.42),
            ..repeat_buyer()
        },
        &t(),
    );
    assert_eq!(a.class, LifecycleStage::Declining);
    assert_eq!(a.class.goal(), StageGoal::Reactivation);
    let b = lifecycle_stage(
        &LifecycleInput {
            spend_growth_6m: Some(-0.45),
            ..repeat_buyer()
        },
        &t(),
    );
    assert_eq!(b.class, LifecycleStage::Declining);
    assert_eq!(
        b.rule_en(),
        "spend of the last 6 months -45% against the 6 months before, below -30%"
    );
    assert_eq!(b.rule_zh(), "近6个月消费额较前6个月变化 -45%，低于 -30%");
}

#[test]
fn issue_17_single_order_is_new_only_within_new_days() {
    // Issue 17: a one-time buyer 200 days out used to stay "new" (goal: onboarding).
    let a = lifecycle_stage(
        &LifecycleInput {
            orders_total: 1,
            days_since_first: Some(200.0),
            recency_days: Some(200.0),
            p_alive: Some(1.0),
            orders_12m: 1,
            ..Default::default()
        },
        &t(),
    );
    assert_eq!(a.class, LifecycleStage::Declining);
    assert_eq!(
        a.rule_en(),
        "one order only, 200 days ago: no second order within the first 90 days"
    );
    assert_eq!(
        a.rule_zh(),
        "仅购买一次（距今 200 天），首购后 90 天内未再次购买"
    );
    let fresh = lifecycle_stage(
        &LifecycleInput {
            orders_total: 1,
            days_since_first: Some(30.0),
            recency_days: Some(30.0),
            orders_12m: 1,
            expected_gap_days: Some(80.0),
            ..Default::default()
        },
        &t(),
    );
    assert_eq!(fresh.class, LifecycleStage::New);
}

#[test]
fn issue_17_one_time_buyer_400_days_out_is_never_new() {
    for p_alive in [None, Some(1.0), Some(0.6), Some(0.3), Some(0.05)] {
        for gap in [None, Some(30.0), Some(200.0), Some(1000.0)] {
            let a = lifecycle_stage(
                &LifecycleInput {
                    orders_total: 1,
                    days_since_first: Some(400.0),
                    recency_days: Some(400.0),
                    p_alive,
                    tenure_days: Some(400.0),
                    orders_12m: 0,
                    expected_gap_days: gap,
                    ..Default::default()
                },
                &t(),
            );
            assert!(
                matches!(a.class, LifecycleStage::Declining | LifecycleStage::Churned),
                "{p_alive:?} {gap:?}: {:?}",
                a.class
            );
        }
    }
    // Base gap 80 days: 400 days out is 5 gaps, above the churn line of 4.
    let a = lifecycle_stage(
        &LifecycleInput {
            orders_total: 1,
            days_since_first: Some(400.0),
            recency_days: Some(400.0),
            expected_gap_days: Some(80.0),
            ..Default::default()
        },
        &t(),
    );
    assert_eq!(a.class, LifecycleStage::Churned);
    assert_eq!(
        a.rule_en(),
        "no order in the last 12 months and last order 400 days ago = 5.0× the expected gap \
         of 80 days (the base's median time between orders; no repeat purchase of its own) \
         > churn line 4.0×"
    );
}

#[test]
fn issue_17_recency_is_judged_against_the_rhythm() {
    // A quarterly buyer 100 days out is on time; a weekly buyer 60 days out has lapsed.
    let quarterly = LifecycleInput {
        orders_total: 9,
        days_since_first: Some(820.0),
        recency_days: Some(100.0),
        p_alive: None,
        spend_growth_6m: Some(0.0),
        tenure_days: Some(820.0),
        orders_12m: 4,
        expected_gap_days: Some(91.0),
        own_rhythm: true,
    };
    let a = lifecycle_stage(&quarterly, &t());
    assert_eq!(a.class, LifecycleStage::Loyal);
    assert!(
        a.rule_en()
            .ends_with("last order 100 days ago = 1.1× the expected gap of 91 days (its own mean time between orders)"),
        "{}",
        a.rule_en()
    );
    let weekly = LifecycleInput {
        orders_total: 40,
        days_since_first: Some(340.0),
        recency_days: Some(60.0),
        tenure_days: Some(340.0),
        orders_12m: 40,
        expected_gap_days: Some(7.0),
        own_rhythm: true,
        ..quarterly
    };
    let b = lifecycle_stage(&weekly, &t());
    assert_eq!(b.class, LifecycleStage::Declining);
    assert_eq!(
        b.rule_en(),
        "lapsed: last order 60 days ago = 8.6× the expected gap of 7 days (its own mean time \
         between orders) > lapse line 2.0×"
    );
    assert_eq!(
        b.rule_zh(),
        "已脱离购买节奏：最近一次购买距今 60 天，为预期购买间隔 7 天（其自身平均购买间隔）的 8.6 倍，超过脱离线 2.0 倍"
    );
    // The same weekly buyer 10 days out is fine.
    let c = lifecycle_stage(
        &LifecycleInput {
            recency_days: Some(10.0),
            ..weekly
        },
        &t(),
    );
    assert_eq!(c.class, LifecycleStage::Growing);
}

#[test]
fn issue_17_a_quiet_year_is_never_growing() {
    // 14 months without an order, repeat buyer, P(alive) high: declining, not growing.
    let a = lifecycle_stage(
        &LifecycleInput {
            recency_days: Some(425.0),
            orders_12m: 0,
            p_alive: Some(0.8),
            spend_growth_6m: None,
            ..repeat_buyer()
        },
        &t(),
    );
    assert_eq!(a.class, LifecycleStage::Declining);
    assert_eq!(
        a.rule_en(),
        "no order in the last 12 months (last order 425 days ago)"
    );
    assert_eq!(a.rule_zh(), "近12个月无订单（最近一次购买距今 425 天）");
}

#[test]
fn loyal_and_growing_name_the_gap() {
    let a = lifecycle_stage(&repeat_buyer(), &t());
    assert_eq!(a.class, LifecycleStage::Loyal);
    assert_eq!(
        a.rule_en(),
        "tenure 1000 days ≥ 730, 6 orders in 12 months ≥ 4, P(alive) 0.90 ≥ 0.70"
    );
    assert_eq!(a.class.goal(), StageGoal::Retention);
    let no_model = lifecycle_stage(
        &LifecycleInput {
            p_alive: None,
            ..repeat_buyer()
        },
        &t(),
    );
    assert_eq!(no_model.class, LifecycleStage::Loyal);
    assert!(
        no_model
            .rule_en()
            .ends_with("P(alive) unknown, not checked")
    );
    let short = lifecycle_stage(
        &LifecycleInput {
            tenure_days: Some(400.0),
            days_since_first: Some(400.0),
            ..repeat_buyer()
        },
        &t(),
    );
    assert_eq!(short.class, LifecycleStage::Growing);
    assert!(
        short
            .rule_en()
            .ends_with("not yet loyal: tenure 400 days < 730")
    );
    assert_eq!(short.class.goal(), StageGoal::Growth);
    let few = lifecycle_stage(
        &LifecycleInput {
            orders_12m: 2,
            ..repeat_buyer()
        },
        &t(),
    );
    assert!(few.rule_zh().ends_with("近12个月 2 单 < 4 单"));
    let cool = lifecycle_stage(
        &LifecycleInput {
            p_alive: Some(0.6),
            ..repeat_buyer()
        },
        &t(),
    );
    assert_eq!(cool.class, LifecycleStage::Growing);
    assert!(cool.rule_en().ends_with("P(alive) 0.60 < 0.70"));
    let unknown = lifecycle_stage(
        &LifecycleInput {
            tenure_days: None,
            days_since_first: None,
            ..repeat_buyer()
        },
        &t(),
    );
    assert_eq!(unknown.class, LifecycleStage::Growing);
    assert!(unknown.rule_en().ends_with("tenure unknown"));
}

#[test]
fn tenure_falls_back_to_days_since_first() {
    let a = lifecycle_stage(
        &LifecycleInput {
            tenure_days: None,
            ..repeat_buyer()
        },
        &t(),
    );
    assert_eq!(a.class, LifecycleStage::Loyal);
}

#[test]
fn thresholds_are_checked() {
    let bad = LifecycleThresholds {
        churn_p_alive: 0.6,
        ..t()
    };
    assert!(matches!(
        classify_lifecycle(&[], &bad),
        Err(ClassifyError::Config {
            field: "churn_p_alive",
            ..
        })
    ));
    let nan = LifecycleThresholds {
        new_days: f64::NAN,
        ..t()
    };
    assert!(classify_lifecycle(&[], &nan).is_err());
    let inverted = LifecycleThresholds {
        churn_ratio: 1.5,
        ..t()
    };
    assert!(classify_lifecycle(&[], &inverted).is_err());
    assert_eq!(classify_lifecycle(&[], &t()), Ok(vec![]));
}

#[test]
fn ids_and_goals() {
    for s in LifecycleStage::ALL {
        assert_eq!(
            serde_json::to_string(&s).ok(),
            Some(format!("\"{}\"", s.id()))
        );
        assert!(!s.label_zh().is_empty() && !s.goal().label_zh().is_empty());
    }
    assert_eq!(
        serde_json::to_string(&StageGoal::WinBack).ok().as_deref(),
        Some("\"win_back\"")
    );
}

proptest! {
    #[test]
    fn every_customer_gets_one_stage_and_a_sentence(
        orders_total in 0u32..20,
        first in proptest::option::of(0.0f64..3000.0),
        recency in proptest::option::of(0.0f64..3000.0),
        p_alive in proptest::option::of(0.0f64..=1.0),
        growth in proptest::option::of(-1.0f64..3.0),
        tenure in proptest::option::of(0.0f64..3000.0),
        orders_12m in 0u32..20,
        gap in proptest::option::of(0.0f64..400.0),
        own in proptest::bool::ANY,
    ) {
        let c = LifecycleInput {
            orders_total,
            days_since_first: first,
            recency_days: recency,
            p_alive,
            spend_growth_6m: growth,
            tenure_days: tenure,
            orders_12m,
            expected_gap_days: gap,
            own_rhythm: own,
        };
        let a = lifecycle_stage(&c, &t());
        prop_assert!(!a.rule_en().is_empty() && !a.rule_zh().is_empty());
        prop_assert_eq!(a.class == LifecycleStage::Prospect, orders_total == 0);
        if a.class == LifecycleStage::Loyal {
            prop_assert!(orders_12m >= 4);
        }
        // Issue 17: a quiet year is never new, growing or loyal; a one-time buyer is new
        // only within new_days.
        if orders_12m == 0 {
            prop_assert!(!matches!(a.class, LifecycleStage::New | LifecycleStage::Growing | LifecycleStage::Loyal));
        }
        if orders_total == 1 && a.class == LifecycleStage::New {
            prop_assert!(first.is_some_and(|d| d <= 90.0));
        }
    }
}
