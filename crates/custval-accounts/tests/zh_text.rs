//! The Chinese sentences of key-account findings (wallet, peer groups, risk, SWOT) hold no
//! English word: ids such as size bands and peer-group keys are named, not printed raw.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_accounts::{
    CrossSell, CrossSellSource, Explain, RiskConfig, RiskFacts, SwotConfig, SwotFacts,
    WalletConfig, WalletInput, assess_risk, estimate_wallets, peers::group_label, suggest_swot,
};
use custval_i18n::Lang;
use custval_i18n::scan::latin_words;

fn input<'a>(industry: Option<&'a str>, size: Option<&'a str>, spend: f64) -> WalletInput<'a> {
    WalletInput {
        industry,
        size,
        spend_12m: spend,
        ..WalletInput::default()
    }
}

fn assert_chinese(text: &str) {
    assert!(
        latin_words(text).is_empty(),
        "{text}: {:?}",
        latin_words(text)
    );
}

#[test]
fn peer_groups_are_named_in_chinese() {
    assert_eq!(
        group_label(Lang::Zh, "industry=金融, size=key"),
        "行业=金融、规模=大客户"
    );
    assert_eq!(group_label(Lang::Zh, "industry=金融"), "行业=金融");
    assert_eq!(
        group_label(Lang::En, "industry=金融, size=key"),
        "industry=金融, size=key"
    );
}

#[test]
fn wallet_sentences_in_chinese_name_groups_and_bands() {
    // 医药/large: ten buyers; 医药/small: three buyers and a non-buyer (falls back to the
    // industry); 医药/key: one top spender (beyond its group: the size-band fit); 零售:
    // too few peers; one customer without an industry.
    let mut base: Vec<_> = (1..=10)
        .map(|k| input(Some("医药"), Some("large"), 10.0 * k as f64))
        .collect();
    for s in [5.0, 6.0, 7.0, 0.0] {
        base.push(input(Some("医药"), Some("small"), s));
    }
    base.push(input(Some("医药"), Some("key"), 500.0));
    base.push(input(Some("零售"), Some("key"), 70.0));
    base.push(input(None, Some("large"), 40.0));
    let est = estimate_wallets(&base, &WalletConfig::default()).unwrap();
    for e in &est {
        assert_chinese(&e.explain_zh());
    }
    let fallback = est[13].explain_zh();
    assert!(fallback.contains("行业=医药、规模=小型"), "{fallback}");
}

#[test]
fn risk_and_swot_sentences_in_chinese() {
    let f = RiskFacts {
        avg_payment_delay_days: Some(35.0),
        prev_avg_payment_delay_days: Some(20.0),
        overdue_amount: Some(30_000.0),
        spend_12m: Some(120_000.0),
        prev_spend_12m: Some(200_000.0),
        orders_12m: Some(4.0),
        prev_orders_12m: Some(12.0),
        complaints_12m: Some(5),
    };
    let a = assess_risk(&f, &RiskConfig::default());
    assert!(!a.evidence.is_empty());
    for e in &a.evidence {
        assert_chinese(&e.explain_zh);
    }
    let f = SwotFacts {
        gross_margin_rate: Some(0.32),
        gross_margin_percentile: Some(0.82),
        tenure_days: Some(1500.0),
        nps: Some(9.5),
        csat: Some(4.8),
        avg_payment_delay_days: Some(23.0),
        service_cost_share: Some(0.2),
        wallet_gap: Some(90_000.0),
        share_of_wallet: Some(0.25),
        cross_sell: vec![CrossSell {
            category: 0,
            score: 0.45,
            source: CrossSellSource::Rule {
                antecedent: 1,
                support: 0.1,
                confidence: 0.45,
                lift: 2.0,
            },
        }],
        p_alive: Some(0.6),
        prev_p_alive: Some(0.85),
        satisfaction: Some(3.5),
        prev_satisfaction: Some(4.5),
        spend_12m: Some(70.0),
        prev_spend_12m: Some(100.0),
        complaints_12m: Some(3),
        ..SwotFacts::default()
    };
    let names = vec!["试剂".to_string(), "耗材".to_string()];
    let s = suggest_swot(&f, &SwotConfig::default(), &names);
    assert!(s.len() >= 8, "{s:?}");
    for p in &s {
        assert_chinese(&p.text_zh);
    }
}
