//! Near-real-time updates end to end, on the real binary and a real SQLite file: importing
//! order lines after a run rescores the customers they touch with the run's parameters, shows
//! them as provisional (with their as-of date and the run they are based on), and the next
//! full run supersedes them. Re-importing a customer's own orders up to the run's date gives a
//! provisional result identical to the run's: the subset load and the frozen rescoring are the
//! run's own computation.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::fmt::Write as _;

use common::ws::Ws;
use serde_json::Value;

fn show(ws: &Ws, id: &str) -> Value {
    ws.run_json(&["customer", "show", id, "--format", "json"])
}

/// The header and the order lines of `id` in the generated transactions file.
fn orders_of(ws: &Ws, id: &str) -> String {
    let text = std::fs::read_to_string(ws.root.join("data/transactions.csv")).expect("read");
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().expect("header"));
    for l in lines.filter(|l| l.split(',').nth(1) == Some(id)) {
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[test]
fn an_import_updates_the_touched_customers_provisionally_until_the_next_run() {
    let ws = Ws::generated(600, 24);
    let run = ws.run_json(&["evaluate", "--as-of", "2026-06-30", "--format", "json"]);
    let run_id = run["run"].as_u64().expect("run id");
    let list = ws.run_json(&["customers", "list", "--limit", "100000", "--format", "json"]);
    let rows = list.as_array().expect("list");
    let id_of = |tier: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r["tier"] == tier && r["spend_12m"].as_f64().is_some_and(|s| s > 0.0))
            .map(|r| r["customer_id"].as_str().expect("id").to_string())
            .collect()
    };
    let (a, c) = (id_of("A"), id_of("C"));
    let (key, small, other) = (a[0].clone(), c[0].clone(), c[1].clone());
    let before_key = show(&ws, &key);
    let before_small = show(&ws, &small);
    assert!(before_small["provisional"].is_null());

    // (1) A customer's own orders again (all duplicates): nothing changed, so nothing is
    // rescored or marked provisional and no alert is raised (issue 17: it used to rescore the
    // customer and report alerts that appeared nowhere). That a rescoring with the run's data
    // reproduces the run exactly is custval-eval's tests/rescore.rs.
    let same = ws.root.join("same.csv");
    std::fs::write(&same, orders_of(&ws, &key)).expect("write");
    let j = ws.run_json(&[
        "import",
        "transactions",
        &same.display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(j["accepted"], 0, "{j}");
    assert!(j["provisional"].is_null(), "{j}");
    let again = show(&ws, &key);
    assert!(again["provisional"].is_null(), "{again}");
    for field in [
        "score",
        "value_score",
        "potential_score",
        "tier",
        "class",
        "potential_tier",
        "lifecycle_stage",
        "profit_loyalty",
        "cluster",
        "rfm_segment",
        "clv",
        "p_alive",
        "spend_12m",
        "contributions",
        "indicators",
        "rules",
        "actions",
        "cross_sell",
        "wallet",
        "risk",
        "swot_suggestions",
    ] {
        assert_eq!(again[field], before_key[field], "{field}");
    }

    // (2) New orders after the run for a small customer: rescored in seconds as of the
    // latest order day, marked provisional, with the run it is based on.
    let mut csv = String::from("order_id,customer_id,order_date,amount,cost,category\n");
    for (k, day) in ["2026-07-03", "2026-07-08", "2026-07-10"]
        .iter()
        .enumerate()
    {
        writeln!(csv, "NEW-{k},{small},{day},250000.00,100000.00,技术服务").expect("fmt");
    }
    let new = ws.root.join("new.csv");
    std::fs::write(&new, csv).expect("write");
    let j = ws.run_json(&[
        "import",
        "transactions",
        &new.display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(j["accepted"], 3, "{j}");
    let p = &j["provisional"];
    assert_eq!(p["customers"], 1, "{j}");
    assert_eq!(p["as_of"], "2026-07-10", "{j}");
    assert!(p["seconds"].as_f64().is_some_and(|s| s < 30.0), "{j}");
    let after = show(&ws, &small);
    let mark = &after["provisional"];
    assert_eq!(mark["based_on_run"], run_id, "{after}");
    assert_eq!(mark["as_of"], "2026-07-10");
    assert_eq!(mark["run_as_of"], "2026-06-30");
    assert_eq!(mark["run_tier"], before_small["tier"]);
    assert_eq!(after["as_of"], "2026-07-10");
    assert!(
        after["spend_12m"].as_f64() > before_small["spend_12m"].as_f64(),
        "{after}"
    );
    // 750 000 of new orders make it a top customer against the run's tier boundaries.
    assert_eq!(after["tier"], "A", "{after}");
    let text = String::from_utf8(
        ws.cmd(&["customer", "show", &small])
            .output()
            .expect("run")
            .stdout,
    )
    .expect("utf-8");
    assert!(text.contains("PROVISIONAL as of 2026-07-10"), "{text}");
    assert!(text.contains("临时结果"), "{text}");
    // The list marks it too; an untouched customer is the run's.
    let list = ws.run_json(&["customers", "list", "--limit", "100000", "--format", "json"]);
    let row = |id: &str| {
        list.as_array()
            .expect("list")
            .iter()
            .find(|r| r["customer_id"] == id)
            .cloned()
            .expect("row")
    };
    assert_eq!(row(&small)["provisional"]["as_of"], "2026-07-10");
    assert_eq!(row(&small)["tier"], "A");
    assert!(row(&other)["provisional"].is_null());
    assert!(show(&ws, &other)["provisional"].is_null());

    // --no-update leaves the run's figures.
    let mut csv = String::from("order_id,customer_id,order_date,amount\n");
    writeln!(csv, "NEW-X,{other},2026-07-09,100.00").expect("fmt");
    let quiet = ws.root.join("quiet.csv");
    std::fs::write(&quiet, csv).expect("write");
    let j = ws.run_json(&[
        "import",
        "transactions",
        &quiet.display().to_string(),
        "--no-update",
        "--format",
        "json",
    ]);
    assert!(j["provisional"].is_null(), "{j}");
    assert!(show(&ws, &other)["provisional"].is_null());

    // The next full run supersedes the provisional state.
    let next = ws.run_json(&["evaluate", "--as-of", "2026-07-10", "--format", "json"]);
    let shown = show(&ws, &small);
    assert!(shown["provisional"].is_null(), "{shown}");
    assert_eq!(shown["run"], next["run"]);
    // The old run, asked for by id, is shown as it was.
    let old = ws.run_json(&[
        "customer",
        "show",
        &small,
        "--run",
        &run_id.to_string(),
        "--format",
        "json",
    ]);
    assert!(old["provisional"].is_null());
    assert_eq!(old["tier"], before_small["tier"]);
}
