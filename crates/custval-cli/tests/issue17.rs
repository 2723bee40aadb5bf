//! Issue 17 on a generated company, through the real binary: no loss-making customer in tier
//! A, loss-makers in the negative-value class with the cost named, no contradictory actions,
//! and "Review credit terms" only for materially late payers.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::collections::HashSet;

use common::ws::Ws;
use serde_json::Value;

/// Families of the default `custval.toml`: a customer gets at most one action of each.
fn family(id: &str) -> Option<&'static str> {
    match id {
        "protect_key_account"
        | "grow_secondary"
        | "review_abandonment"
        | "upgrade_candidate"
        | "playbook:value_class:negative_value"
        | "playbook:lifecycle:loyal"
        | "playbook:lifecycle:growing" => Some("relationship"),
        "win_back_call"
        | "onboarding"
        | "playbook:lifecycle:prospect"
        | "playbook:lifecycle:new"
        | "playbook:lifecycle:declining"
        | "playbook:lifecycle:churned" => Some("lifecycle"),
        _ => None,
    }
}

#[test]
fn issue_17_generated_company_no_loss_maker_in_a_and_no_contradictory_actions() {
    let ws = Ws::generated(400, 24);
    let run = ws.run_json(&["evaluate", "--as-of", "2026-06-30", "--format", "json"]);
    assert!(run["excluded_indicators"].is_array(), "{run}");
    let all = ws.run_json(&["customers", "list", "--format", "json"]);
    let all = all.as_array().expect("array");
    for c in all {
        if c["clv"].as_f64().is_some_and(|v| v < 0.0) {
            assert_eq!(c["value_class"], "negative_value", "{c}");
        }
        if c["value_class"] == "negative_value" {
            assert_ne!(c["tier"], "A", "a loss-maker in tier A: {c}");
        }
    }
    let mut credit = 0usize;
    let mut capped = 0usize;
    for c in all {
        let id = c["customer_id"].as_str().expect("id");
        let show = ws.run_json(&["customer", "show", id, "--format", "json"]);
        let ids: Vec<&str> = show["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .filter_map(|a| a["id"].as_str())
            .collect();
        let mut seen = HashSet::new();
        for a in &ids {
            if let Some(f) = family(a) {
                assert!(seen.insert(f), "{id}: two {f} actions: {ids:?}");
            }
        }
        if ids.contains(&"review_credit_terms") {
            credit += 1;
        }
        let rule = show["rules"]["tier"]["rule"].as_str().unwrap_or("");
        if rule.contains("capped at B") {
            capped += 1;
            assert_eq!(show["tier"], "B", "{show}");
            assert_eq!(show["class"], "negative_value", "{show}");
        }
        if show["class"] == "negative_value" {
            let why = show["rules"]["value_class"]["rule"].as_str().unwrap_or("");
            assert!(why.contains("< 0"), "{why}");
        }
    }
    eprintln!(
        "{} customers: {capped} capped at B, {credit} with review_credit_terms",
        all.len()
    );
    // Materially late payers only: a few percent of the base at most.
    assert!(credit * 10 <= all.len(), "{credit} of {}", all.len());
    let _: &Value = &run;
}
