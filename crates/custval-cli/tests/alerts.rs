//! Issue 17 end to end: alerts ranked by money at stake and few enough to act on, "the latest
//! run" by as-of date after a backfill, strict filters, a re-import that changes nothing, and
//! a clear error for an as-of date before the first order.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::ws::Ws;
use common::{fails, ok};
use serde_json::Value;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(ok(out)).to_string()
}

#[test]
fn issue_17_alerts_latest_run_filters_reimport_and_early_as_of() {
    let ws = Ws::generated(600, 24);

    // An as-of date before the first order: one clear line naming the first order date.
    let err = fails(&mut ws.cmd(&["evaluate", "--as-of", "2000-01-31"]));
    assert!(
        err.contains("no orders up to 2000-01-31") && err.contains("the first order is dated"),
        "{err}"
    );
    assert!(!err.contains("finite value"), "{err}");

    let first = ws.run_json(&["evaluate", "--as-of", "2026-03-31", "--format", "json"]);
    let latest = ws.run_json(&["evaluate", "--as-of", "2026-06-30", "--format", "json"]);
    let latest_id = latest["run"].as_i64().expect("id");
    let customers = latest["customers"].as_f64().expect("n");

    // Alerts: few enough to act on, each with its name and money at stake.
    let all = ws.run_json(&["alerts", "--all", "--format", "json"]);
    let all = all.as_array().expect("array");
    let ids: std::collections::HashSet<&str> = all
        .iter()
        .filter_map(|a| a["customer_id"].as_str())
        .collect();
    let critical = all.iter().filter(|a| a["severity"] == "critical").count();
    eprintln!(
        "{} alerts for {} customers of {customers}, {critical} critical",
        all.len(),
        ids.len()
    );
    assert!((ids.len() as f64) <= 0.10 * customers, "{}", ids.len());
    assert!((critical as f64) <= 0.02 * customers, "{critical}");
    for a in all {
        for key in [
            "customer_id",
            "name",
            "rule",
            "severity",
            "evidence",
            "action",
            "at_stake",
        ] {
            assert!(a.get(key).is_some(), "{key} missing in {a}");
        }
        assert!(a["at_stake"].as_f64().is_some_and(|x| x >= 0.0), "{a}");
        assert!(a["evidence"]["at_stake_basis"].is_string(), "{a}");
    }
    let rank = |a: &Value| match a["severity"].as_str() {
        Some("critical") => 2,
        Some("warning") => 1,
        _ => 0,
    };
    for w in all.windows(2) {
        let (x, y) = (&w[0], &w[1]);
        assert!(
            rank(x) > rank(y)
                || (rank(x) == rank(y) && x["at_stake"].as_f64() >= y["at_stake"].as_f64()),
            "order: {x} then {y}"
        );
    }
    if all.len() > 3 {
        let out = ws.cmd(&["alerts", "--limit", "3"]).output().expect("run");
        let text = stdout(&out);
        assert!(
            text.contains(&format!("3 of {} alerts shown", all.len()))
                && text.contains("--all for every one"),
            "{text}"
        );
        let top = ws.run_json(&["alerts", "--limit", "3", "--format", "json"]);
        assert_eq!(top.as_array().map(Vec::len), Some(3));
        assert_eq!(top[0], all[0]);
    }

    // Strict filters: exit 1 naming the valid values.
    let err = fails(&mut ws.cmd(&["customers", "list", "--tier", "Z"]));
    assert!(err.contains("A, B, C"), "{err}");
    let err = fails(&mut ws.cmd(&["customers", "list", "--class", "nonsense"]));
    assert!(err.contains("most_valuable (最有价值客户)"), "{err}");
    let zh = ws.run_json(&[
        "customers",
        "list",
        "--class",
        "最有价值客户",
        "--format",
        "json",
    ]);
    let en = ws.run_json(&[
        "customers",
        "list",
        "--class",
        "most_valuable",
        "--format",
        "json",
    ]);
    assert_eq!(zh, en);
    let err = fails(&mut ws.cmd(&["alerts", "--rule", "x"]));
    assert!(err.contains("spend_drop"), "{err}");
    let err = fails(&mut ws.cmd(&["alerts", "--run", "999"]));
    assert!(err.contains(&format!("{latest_id} (2026-06-30)")), "{err}");
    let err = fails(&mut ws.cmd(&["customers", "list", "--run", "999"]));
    assert!(err.contains("2026-03-31"), "{err}");
    let (from, to) = (first["run"].to_string(), latest_id.to_string());
    let err = fails(&mut ws.cmd(&["migrations", "--from", &from, "--to", &to, "--cell", "A,Z"]));
    assert!(err.contains("A, B, C, none"), "{err}");

    // A backfill of older dates does not become "the latest run", and says so.
    let out = ws
        .cmd(&[
            "evaluate",
            "--from",
            "2025-07-01",
            "--to",
            "2025-12-31",
            "--every",
            "quarter",
        ])
        .output()
        .expect("run");
    let err = stderr(&out);
    ok(&out);
    assert!(
        err.contains(&format!("older than run {latest_id} as of 2026-06-30")),
        "{err}"
    );
    let runs = ws.run_json(&["runs", "--format", "json"]);
    let runs = runs.as_array().expect("runs");
    assert_eq!(runs.last().map(|r| &r["run"]), Some(&latest["run"]));
    let dates: Vec<&str> = runs.iter().filter_map(|r| r["as_of"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    let text = stdout(&ws.cmd(&["alerts"]).output().expect("run"));
    assert!(
        text.contains(&format!("run {latest_id} as of 2026-06-30")),
        "{text}"
    );

    // Re-importing a file already imported changes nothing and raises nothing.
    let file = ws.path("data/transactions.csv");
    let out = ws
        .cmd(&["import", "transactions", &file])
        .output()
        .expect("run");
    let text = stdout(&out);
    assert!(
        text.contains("0 new rows (") && text.contains("duplicates): nothing changed"),
        "{text}"
    );
    assert!(!text.contains("provisional"), "{text}");
    let j = ws.run_json(&["import", "transactions", &file, "--format", "json"]);
    assert_eq!(j["accepted"], 0);
    assert!(j["provisional"].is_null(), "{j}");
    let id = all
        .first()
        .and_then(|a| a["customer_id"].as_str())
        .unwrap_or("C000001");
    let shown = ws.run_json(&["customer", "show", id, "--format", "json"]);
    assert!(shown["provisional"].is_null(), "{shown}");
}
