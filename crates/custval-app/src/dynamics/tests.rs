//! Tests of the run-over-run services: alerts, migrations, KPIs and their texts.
use super::*;
use custval_dynamics::{alerts_for_run, materiality, upgrade_cutoff};

fn result(i: usize, shift: f64) -> CustomerResult {
    let f = (i as f64 * 0.37 + shift).sin().abs();
    CustomerResult {
        customer_id: format!("C{i:04}"),
        owner: (i % 3 != 0).then(|| format!("rep{}", i % 5)),
        tier: TIERS[(i + shift as usize) % 3].to_string(),
        value_class: ["most_valuable", "secondary", "maintain", "negative_value"]
            [(i + 2 * shift as usize) % 4]
            .to_string(),
        score: 100.0 * f,
        potential_score: 100.0 * (1.0 - f),
        p_alive: Some(f),
        spend_12m: Some(1000.0 * f + shift * 300.0),
        signals: custval_model::Signals {
            spend_prev_12m: Some(1000.0 * (1.0 - f)),
            payment_delay: Some(30.0 * f + shift * 10.0),
            csat: Some(1.0 + 4.0 * f),
            ..Default::default()
        },
        ..CustomerResult::default()
    }
}

/// The previous run is indexed by a sorted list of positions: a customer in it twice is
/// still refused, and every customer is found (in whatever order the run was read).
#[test]
fn the_previous_run_is_found_by_id_and_refused_with_a_customer_twice() {
    let previous: Vec<CustomerResult> = (0..300).rev().map(|i| result(i, 0.0)).collect();
    let prev = PreviousRun::from_results(&previous);
    let by_id = ById::new(&prev.facts).unwrap();
    for (i, r) in previous.iter().enumerate() {
        assert_eq!(by_id.get(&r.customer_id), Some(i));
    }
    assert_eq!(by_id.get("C9999"), None);
    let mut twice = previous.clone();
    twice.push(result(17, 0.5));
    let err =
        alerts_with_cutoff(&AlertConfig::default(), &previous, &twice, None, None).unwrap_err();
    assert!(
        err.to_string()
            .contains("customer C0017 appears twice in the previous run"),
        "{err}"
    );
}

/// The customer-by-customer path raises exactly what `alerts_for_run` over the whole run
/// raised, in the same order, with the same owners and bodies.
#[test]
fn streamed_alerts_equal_the_whole_run_rules() {
    let cfg = AlertConfig::default();
    let previous: Vec<CustomerResult> = (0..400).map(|i| result(i, 0.0)).collect();
    let current: Vec<CustomerResult> = (50..450).map(|i| result(i, 1.0)).collect();
    let cur: Vec<CustomerFacts> = current.iter().map(facts).collect();
    let prev: Vec<CustomerFacts> = previous.iter().map(facts).collect();
    let cutoff = upgrade_cutoff(&cfg.upgrade_candidate, &cur);
    let mut ctx = AlertContext::new(&TIERS);
    ctx.upgrade_cutoff = cutoff;
    ctx.materiality = materiality(&cfg.materiality, &cur);
    let whole = alerts_for_run(&cfg, &ctx, &cur, &prev).unwrap();
    assert!(whole.len() > 20, "{} alerts", whole.len());
    let streamed = run_alerts(
        &cfg,
        &current,
        &|_| String::new(),
        &PreviousRun::from_results(&previous),
    )
    .unwrap();
    let streamed: Vec<&NewAlert> = streamed
        .iter()
        .filter(|a| a.rule != "key_account_risky")
        .collect();
    assert_eq!(streamed.len(), whole.len());
    for (s, w) in streamed.iter().zip(&whole) {
        assert_eq!(s.customer_id, w.customer_id);
        assert_eq!(s.rule, w.rule.id());
        assert_eq!(s.severity, w.severity.id());
        assert_eq!(s.body, serde_json::to_string(w).unwrap());
        let owner = current
            .iter()
            .find(|r| r.customer_id == w.customer_id)
            .and_then(|r| r.owner.clone());
        assert_eq!(s.owner, owner);
    }
}

/// Every alert's Chinese text (the rules' and the key-account risk alert's) holds no
/// English word: risk levels by their Chinese names, money with the process's currency.
#[test]
fn alert_texts_in_chinese_have_no_english_words() {
    let previous: Vec<CustomerResult> = (0..400).map(|i| result(i, 0.0)).collect();
    let mut current: Vec<CustomerResult> = (50..450).map(|i| result(i, 1.0)).collect();
    let mut before = previous.clone();
    before[60].risk = Some("low".into());
    current[10].tier = TIERS[0].to_string();
    current[10].risk = Some("high".into());
    let alerts =
        alerts_with_cutoff(&AlertConfig::default(), &current, &before, None, None).unwrap();
    let risky: Vec<&NewAlert> = alerts
        .iter()
        .filter(|a| a.rule == "key_account_risky")
        .collect();
    assert_eq!(risky.len(), 1);
    assert!(alerts.len() > 20, "{} alerts", alerts.len());
    for a in &alerts {
        let body: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        for key in ["explain_zh", "action_zh"] {
            let zh = body[key].as_str().unwrap();
            let words = custval_i18n::scan::latin_words(zh);
            assert!(words.is_empty(), "{}: {zh}: {words:?}", a.rule);
        }
    }
    let body: serde_json::Value = serde_json::from_str(&risky[0].body).unwrap();
    let zh = body["explain_zh"].as_str().unwrap();
    assert!(zh.starts_with("重点客户变为高风险客户"), "{zh}");
    let en = body["explain_en"].as_str().unwrap();
    assert!(en.starts_with("key account became high risk"), "{en}");
    assert!(en.contains("¥"), "{en}");
}
