//! Account plans (JSON round trip, validation, the suggestion draft), SWOT suggestions fed by
//! the wallet and cross-sell results, and the risk level's monotonicity.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_accounts::{
    AccountPlan, AccountsConfig, CrossSell, CrossSellSource, Lang, PeerLevel, PlanAction,
    PlanError, Quadrant, RiskAssessment, RiskConfig, RiskFacts, RiskLevel, RiskLevels, SwotConfig,
    SwotFacts, assess_risk, became_risky, suggest_swot, suggested_code,
};
use proptest::prelude::*;

fn plan() -> AccountPlan {
    let mut p = AccountPlan::new("C-0042");
    p.owner = Some("li.wei".into());
    p.goals = vec!["Grow share of wallet to 40%".into()];
    p.swot.strengths = vec!["Long relationship with the procurement head".into()];
    p.next_review = Some("2025-09-30".into());
    p.actions = vec![
        PlanAction {
            date: "2025-06-03".into(),
            action: "Quarterly business review".into(),
            outcome: Some("Agreed to trial oncology line".into()),
        },
        PlanAction {
            date: "2025-07-15".into(),
            action: "Sent oncology samples".into(),
            outcome: None,
        },
    ];
    p
}

#[test]
fn plan_round_trips_as_json() {
    let p = plan();
    assert_eq!(p.validate(), Ok(()));
    let json = serde_json::to_string(&p).unwrap();
    assert!(!json.contains("dismissed_suggestions"));
    let back: AccountPlan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    // A minimal record: only the customer id.
    let min: AccountPlan = serde_json::from_str(r#"{"customer_id": "C-1"}"#).unwrap();
    assert_eq!(min, AccountPlan::new("C-1"));
    // Typos are rejected, not ignored.
    assert!(serde_json::from_str::<AccountPlan>(r#"{"customer_id": "C-1", "goal": []}"#).is_err());
}

#[test]
fn plan_validation_reports_every_problem() {
    let mut p = plan();
    p.customer_id = " ".into();
    p.goals.push("  ".into());
    p.swot.threats.push(String::new());
    p.actions.push(PlanAction {
        date: "2025-02-30".into(),
        action: "".into(),
        outcome: None,
    });
    p.next_review = Some("2025-07-01".into());
    let problems = p.problems();
    assert_eq!(
        problems,
        [
            PlanError::EmptyCustomerId,
            PlanError::BlankEntry {
                field: "goals[1]".into()
            },
            PlanError::BlankEntry {
                field: "swot.threats[0]".into()
            },
            PlanError::BadDate {
                field: "actions[2].date".into(),
                value: "2025-02-30".into()
            },
            PlanError::EmptyAction { index: 2 },
            PlanError::ReviewBeforeLastAction {
                next_review: "2025-07-01".into(),
                last_action: "2025-07-15".into()
            },
        ]
    );
    assert_eq!(p.validate(), Err(PlanError::EmptyCustomerId));
    assert_eq!(
        problems[5].to_string(),
        "next_review 2025-07-01 is before the last action on 2025-07-15"
    );
    let mut p = plan();
    p.next_review = Some("30/09/2025".into());
    assert_eq!(
        p.validate(),
        Err(PlanError::BadDate {
            field: "next_review".into(),
            value: "30/09/2025".into()
        })
    );
    // A review on the day of the last action is fine.
    let mut p = plan();
    p.next_review = Some("2025-07-15".into());
    assert_eq!(p.validate(), Ok(()));
}

fn facts() -> SwotFacts {
    SwotFacts {
        gross_margin_rate: Some(0.31),
        gross_margin_percentile: Some(0.9),
        tenure_days: Some(2000.0),
        avg_payment_delay_days: Some(40.0),
        wallet_gap: Some(61.0),
        share_of_wallet: Some(30.0 / 91.0),
        cross_sell: vec![CrossSell {
            category: 2,
            score: 0.6,
            source: CrossSellSource::Peers {
                penetration: 0.6,
                peers: 20,
                level: PeerLevel::IndustrySize,
            },
        }],
        spend_12m: Some(30.0),
        prev_spend_12m: Some(50.0),
        ..SwotFacts::default()
    }
}

#[test]
fn suggestions_name_their_figures_and_merge_as_marked_drafts() {
    let names: Vec<String> = ["a", "b", "oncology"].map(String::from).to_vec();
    let s = suggest_swot(&facts(), &SwotConfig::default(), &names);
    for p in &s {
        assert!(!p.figure.is_empty() && p.value.is_finite() && p.threshold.is_finite());
        assert!(!p.text_en.is_empty() && !p.text_zh.is_empty());
    }
    let quadrants: Vec<Quadrant> = s.iter().map(|p| p.quadrant).collect();
    assert_eq!(
        quadrants,
        [
            Quadrant::Strength,
            Quadrant::Strength,
            Quadrant::Weakness,
            Quadrant::Opportunity,
            Quadrant::Opportunity,
            Quadrant::Threat
        ]
    );
    let cross = s.iter().find(|p| p.code == "cross_sell:2").unwrap();
    assert_eq!(cross.figure, "peer_penetration");
    assert!(
        cross
            .text_en
            .contains("oncology: bought by 60% of 20 comparable customers")
    );

    let draft = plan().with_suggestions(&s, Lang::En);
    assert_eq!(draft.swot.strengths.len(), 3);
    assert_eq!(draft.swot.strengths[0], plan().swot.strengths[0]);
    assert_eq!(
        suggested_code(&draft.swot.strengths[1]),
        Some("high_margin")
    );
    assert!(draft.swot.weaknesses[0].starts_with("[suggested:late_payment] Slow payment"));
    assert_eq!(draft.validate(), Ok(()));

    // Merging again with fresh figures replaces the marked entries, keeps the user's.
    let mut newer = facts();
    newer.avg_payment_delay_days = Some(10.0);
    let s2 = suggest_swot(&newer, &SwotConfig::default(), &names);
    let again = draft.with_suggestions(&s2, Lang::Zh);
    assert!(again.swot.weaknesses.is_empty());
    assert_eq!(again.swot.strengths.len(), 3);
    assert!(again.swot.strengths[1].starts_with("[建议:high_margin] 利润率高"));

    // The user adopts one (marker removed) and dismisses its code: it is not proposed again.
    let mut adopted = again.clone();
    adopted.swot.strengths[1] = "High margin account".into();
    adopted.dismissed_suggestions.push("high_margin".into());
    let third = adopted.with_suggestions(&s2, Lang::En);
    assert_eq!(
        third.swot.strengths,
        [
            "Long relationship with the procurement head",
            "High margin account",
            "[suggested:long_tenure] Long relationship: tenure 2000 days (5.5 years) ≥ 1095 days"
        ]
    );
}

#[test]
fn risk_alert_when_a_key_account_becomes_risky() {
    let cfg = RiskConfig::default();
    let before = assess_risk(
        &RiskFacts {
            avg_payment_delay_days: Some(12.0),
            overdue_amount: Some(1_000.0),
            spend_12m: Some(100_000.0),
            ..RiskFacts::default()
        },
        &cfg,
    );
    assert_eq!(before.level, RiskLevel::None);
    let now = assess_risk(
        &RiskFacts {
            avg_payment_delay_days: Some(31.0),
            prev_avg_payment_delay_days: Some(12.0),
            overdue_amount: Some(25_000.0),
            spend_12m: Some(100_000.0),
            ..RiskFacts::default()
        },
        &cfg,
    );
    assert_eq!(now.level, RiskLevel::High);
    assert_eq!(now.score, 3.0);
    assert!(became_risky(Some(&before), &now));
    assert!(!became_risky(Some(&now), &now));
    let json = serde_json::to_string(&now).unwrap();
    let back: RiskAssessment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, now);
    assert!(json.contains("\"level\":\"high\""));
    assert!(json.contains("\"rule\":\"overdue_ratio\""));
}

#[test]
fn whole_config_from_json_with_defaults() {
    let c: AccountsConfig =
        serde_json::from_str(r#"{"wallet": {"min_peers": 5}, "risk": {"overdue": {"weight": 3}}}"#)
            .unwrap();
    assert_eq!(c.wallet.min_peers, 5);
    assert_eq!(c.wallet.percentile, 0.9);
    assert_eq!(c.risk.overdue.weight, 3.0);
    assert!(c.validate().is_ok());
    assert!(serde_json::from_str::<AccountsConfig>(r#"{"wallets": {}}"#).is_err());
}

fn opt(range: std::ops::Range<f64>) -> impl Strategy<Value = Option<f64>> {
    prop_oneof![Just(None), Just(Some(f64::NAN)), range.prop_map(Some)]
}

prop_compose! {
    fn risk_facts()(
        d in opt(0.0..90.0), pd in opt(0.0..90.0), o in opt(0.0..1e5), s in opt(-100.0..1e5),
        ps in opt(0.0..1e5), n in opt(0.0..50.0), pn in opt(0.0..50.0),
        c in proptest::option::of(0u32..8),
    ) -> RiskFacts {
        RiskFacts {
            avg_payment_delay_days: d,
            prev_avg_payment_delay_days: pd,
            overdue_amount: o,
            spend_12m: s,
            prev_spend_12m: ps,
            orders_12m: n,
            prev_orders_12m: pn,
            complaints_12m: c,
        }
    }
}

proptest! {
    /// Enabling more rules never lowers the level, and the level never falls as the score
    /// grows.
    #[test]
    fn risk_level_is_monotone_in_triggered_rules(
        f in risk_facts(),
        on in proptest::collection::vec(any::<bool>(), 4),
        w in proptest::collection::vec(0.0f64..3.0, 4),
    ) {
        let mut all = RiskConfig::default();
        all.payment_delay.weight = w[0];
        all.overdue.weight = w[1];
        all.shrinking.weight = w[2];
        all.complaints.weight = w[3];
        let mut some = all;
        some.payment_delay.enabled = on[0];
        some.overdue.enabled = on[1];
        some.shrinking.enabled = on[2];
        some.complaints.enabled = on[3];
        let full = assess_risk(&f, &all);
        let part = assess_risk(&f, &some);
        prop_assert!(full.level >= part.level);
        prop_assert!(full.score >= part.score);
        prop_assert!(full.evidence.len() >= part.evidence.len());
        for e in &full.evidence {
            prop_assert!(e.value.is_finite() && e.threshold.is_finite());
            prop_assert!(!e.explain_en.is_empty() && !e.explain_zh.is_empty());
        }
    }

    #[test]
    fn level_never_falls_as_score_grows(a in 0.0f64..10.0, b in 0.0f64..10.0) {
        let levels = RiskLevels::default();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(levels.level(lo) <= levels.level(hi));
    }

    #[test]
    fn missing_facts_never_trigger(f in risk_facts()) {
        let blank = RiskFacts {
            avg_payment_delay_days: None,
            prev_avg_payment_delay_days: None,
            overdue_amount: None,
            spend_12m: None,
            prev_spend_12m: None,
            orders_12m: None,
            prev_orders_12m: None,
            complaints_12m: None,
        };
        prop_assert_eq!(assess_risk(&blank, &RiskConfig::default()).level, RiskLevel::None);
        // Blanking one fact at a time never adds evidence.
        let full = assess_risk(&f, &RiskConfig::default());
        let fewer = RiskFacts { overdue_amount: None, prev_spend_12m: None, ..f };
        prop_assert!(assess_risk(&fewer, &RiskConfig::default()).evidence.len() <= full.evidence.len());
    }
}
