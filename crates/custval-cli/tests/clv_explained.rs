//! Issue 17 (item 3), through the real binary: `customer show` says what a customer's CLV is
//! made of (`clv_parts`) and how its 12-month profit comes about (`profit`), consistently
//! with the CLV and the spend the run stored; missing cost data stays missing.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::ws::Ws;
use serde_json::Value;

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64()
        .unwrap_or_else(|| panic!("{k} is not a number: {v}"))
}

/// The parts multiply out to the CLV; the waterfall adds up to the net contribution.
fn check(show: &Value, costs_known: bool) {
    let id = &show["customer_id"];
    let p = &show["clv_parts"];
    let clv = show["clv"].as_f64();
    match clv {
        Some(clv) => {
            assert!(p.is_object(), "{id}: CLV without parts");
            let factor = p["discount"]["factor"].as_f64().unwrap_or(0.0);
            let made =
                f(p, "expected_purchases") * factor * f(p, "expected_spend") * f(p, "margin")
                    - f(p, "cost_to_serve");
            assert!(
                (made - clv).abs() <= 1e-6 * clv.abs().max(1.0) + 0.01,
                "{id}: parts make {made}, CLV {clv}: {p}"
            );
            assert!((f(p, "clv") - clv).abs() < 1e-9);
            assert_eq!(
                p["formula"].as_str().map(|s| s.starts_with("CLV =")),
                Some(true)
            );
            assert!(p["model"].is_string(), "{id}: {p}");
            assert!(f(&p["discount"], "annual_rate") > 0.0);
            assert!(
                p["explain"]
                    .as_str()
                    .is_some_and(|s| s.contains("expected purchases"))
            );
            assert!(
                p["explain_zh"]
                    .as_str()
                    .is_some_and(|s| s.contains("预计购买次数"))
            );
            if costs_known {
                assert!(p["cost_12m"].is_number(), "{id}: {p}");
            } else {
                assert!(p["cost_12m"].is_null(), "{id}: {p}");
                assert_eq!(f(p, "cost_to_serve"), 0.0);
            }
        }
        None => assert!(p.is_null(), "{id}: parts without a CLV"),
    }
    let w = &show["profit"];
    let spend = show["spend_12m"].as_f64().unwrap_or(0.0);
    assert!(
        (f(w, "revenue") - f(w, "returns") - spend).abs() < 0.011,
        "{id}: {w}"
    );
    let steps = w["steps"].as_array().expect("steps");
    let ids: Vec<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "revenue",
            "returns",
            "product_cost",
            "sales_cost",
            "service_cost",
            "net_contribution"
        ]
    );
    if costs_known {
        assert!(
            w["sales_cost"].is_number() && w["service_cost"].is_number(),
            "{w}"
        );
    } else {
        // No cost file: missing, not zero.
        assert!(
            w["sales_cost"].is_null() && w["service_cost"].is_null(),
            "{w}"
        );
        assert!(steps[3]["amount"].is_null() && steps[4]["amount"].is_null());
    }
    if let Some(net) = w["net_contribution"].as_f64() {
        let total: f64 = steps[..5].iter().filter_map(|s| s["amount"].as_f64()).sum();
        assert!(
            (total - net).abs() < 0.03,
            "{id}: steps {total} vs net {net}: {w}"
        );
        assert_eq!(steps[5]["amount"].as_f64(), Some(net));
    }
}

#[test]
fn issue_17_customer_show_explains_clv_and_profit() {
    let ws = Ws::generated(300, 24);
    ws.run_json(&["evaluate", "--as-of", "2026-06-30", "--format", "json"]);
    let all = ws.run_json(&["customers", "list", "--format", "json"]);
    let all = all.as_array().expect("array");
    let mut shown = 0;
    for c in all.iter().step_by(7) {
        let id = c["customer_id"].as_str().expect("id");
        let show = ws.run_json(&["customer", "show", id, "--format", "json"]);
        check(&show, true);
        shown += 1;
    }
    assert!(shown >= 40);
    // The text says the same in lines.
    let id = all[0]["customer_id"].as_str().expect("id");
    let out = ws.cmd(&["customer", "show", id]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CLV explained"), "{text}");
    assert!(text.contains("expected purchases"), "{text}");
    assert!(text.contains("discount factor"), "{text}");
    assert!(text.contains("Profit, 12 months to 2026-06-30"), "{text}");
    assert!(text.contains("Net contribution"), "{text}");
}

#[test]
fn issue_17_without_cost_data_the_costs_stay_missing() {
    let generated = Ws::generated(80, 24);
    let ws = Ws::empty();
    let file = generated.root.join("data").join("transactions.csv");
    ws.run_json(&[
        "import",
        "transactions",
        &file.display().to_string(),
        "--format",
        "json",
    ]);
    ws.run_json(&["evaluate", "--as-of", "2026-06-30", "--format", "json"]);
    let all = ws.run_json(&["customers", "list", "--format", "json"]);
    let all = all.as_array().expect("array");
    for c in all.iter().step_by(5) {
        let id = c["customer_id"].as_str().expect("id");
        let show = ws.run_json(&["customer", "show", id, "--format", "json"]);
        check(&show, false);
    }
    let id = all[0]["customer_id"].as_str().expect("id");
    let out = ws.cmd(&["customer", "show", id]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no data, not deducted"), "{text}");
    assert!(text.contains("no cost data"), "{text}");
}
