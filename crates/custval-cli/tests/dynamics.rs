//! End-to-end tests of dynamic management on the real binary and a real SQLite file, on
//! generated data whose true behaviour is known (`truth.csv`): monthly history in one command,
//! migrations, alerts (and their delivery to a real local webhook), overrides, backtests.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use common::ws::Ws;
use common::{fails, ok};
use serde_json::Value;

/// `truth.csv` rows as maps of column → text.
fn truth(ws: &Ws) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(ws.root.join("data/truth.csv")).expect("truth.csv");
    let headers = r.headers().expect("headers").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Days since 1970-01-01 of a YYYY-MM-DD date.
fn day(s: &str) -> i64 {
    let (y, m, d) = (
        s[0..4].parse::<i64>().expect("y"),
        s[5..7].parse::<i64>().expect("m"),
        s[8..10].parse::<i64>().expect("d"),
    );
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

#[test]
fn monthly_history_migrations_alerts_override_and_backtest() {
    let ws = Ws::generated(1500, 24);
    // Monthly history in one command.
    let out = ws.run_json(&[
        "evaluate",
        "--from",
        "2025-07-01",
        "--to",
        "2026-06-30",
        "--every",
        "month",
        "--format",
        "json",
    ]);
    let runs = out["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 12, "{out}");
    let first = runs[0]["run"].as_i64().expect("id");
    let last = runs[11]["run"].as_i64().expect("id");
    assert!(runs[0]["previous_run"].is_null());
    assert_eq!(runs[1]["previous_run"], runs[0]["run"]);

    // The runs list: CLV calibration over time and what each run raised.
    let lines = ws.run_json(&["runs", "--format", "json"]);
    let lines = lines.as_array().expect("runs");
    assert_eq!(lines.len(), 12);
    assert!(
        lines
            .iter()
            .all(|l| l["clv_predicted_purchases"].is_number())
    );
    assert!(
        lines[1..]
            .iter()
            .all(|l| l["tier_changes_held_back"].is_number())
    );

    // Migrations: the contract's matrix with the extra "none" row and column.
    let m = ws.run_json(&[
        "migrations",
        "--from",
        &first.to_string(),
        "--to",
        &last.to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(m["from"], first);
    assert_eq!(m["tiers"], serde_json::json!(["A", "B", "C"]));
    assert_eq!(m["labels"], serde_json::json!(["A", "B", "C", "none"]));
    let matrix: Vec<Vec<u64>> = serde_json::from_value(m["matrix"].clone()).expect("matrix");
    assert_eq!(matrix.len(), 4);
    let total: u64 = matrix.iter().flatten().sum();
    let (n_first, n_last) = (
        runs[0]["customers"].as_u64().expect("n"),
        runs[11]["customers"].as_u64().expect("n"),
    );
    // Every customer of either run is in exactly one cell.
    assert_eq!(
        total,
        n_last + matrix[0..3].iter().map(|r| r[3]).sum::<u64>()
    );
    assert_eq!(
        matrix[0..3].iter().flatten().sum::<u64>(),
        n_first,
        "rows A..C hold the first run's customers"
    );
    let shares: Vec<Vec<f64>> = serde_json::from_value(m["value_share"].clone()).expect("s");
    let to_share: f64 = shares.iter().map(|r| r[..3].iter().sum::<f64>()).sum();
    assert!(
        (to_share - 1.0).abs() < 1e-9,
        "to-run shares sum to 1: {to_share}"
    );
    // The customers behind a cell are listable, as many as the cell counts.
    let cell = ws.run_json(&[
        "migrations",
        "--from",
        &first.to_string(),
        "--to",
        &last.to_string(),
        "--cell",
        "A,B",
        "--format",
        "json",
    ]);
    assert_eq!(cell.as_array().expect("ids").len() as u64, matrix[0][1]);

    // Alerts since the generator's trends began (six months before the end, 2026-01-01): the
    // contract's fields, and the cohort built to decline raises decline alerts far more often
    // than the stable one.
    let since_trends: Vec<&Value> = runs
        .iter()
        .filter(|r| r["as_of"].as_str() >= Some("2026-01-31"))
        .collect();
    assert_eq!(since_trends.len(), 6);
    let mut alerted: HashMap<String, HashSet<String>> = HashMap::new();
    for r in &since_trends {
        // --all: since issue 17 the default is the top 50.
        let list = ws.run_json(&[
            "alerts",
            "--run",
            &r["run"].to_string(),
            "--all",
            "--format",
            "json",
        ]);
        for a in list.as_array().expect("array") {
            for key in ["customer_id", "rule", "severity", "evidence", "action"] {
                assert!(!a[key].is_null(), "{key} missing in {a}");
            }
            alerted
                .entry(a["rule"].as_str().expect("rule").to_string())
                .or_default()
                .insert(a["customer_id"].as_str().expect("id").to_string());
        }
    }
    let t = truth(&ws);
    let cohort = |trend: &str| -> Vec<&HashMap<String, String>> {
        t.iter()
            .filter(|r| r["trend"] == trend && r["orders"] != "0")
            .collect()
    };
    let rate = |rows: &[&HashMap<String, String>], rules: &[&str]| -> f64 {
        let hit = rows
            .iter()
            .filter(|r| {
                rules.iter().any(|rule| {
                    alerted
                        .get(*rule)
                        .is_some_and(|s| s.contains(&r["customer_id"]))
                })
            })
            .count();
        hit as f64 / rows.len().max(1) as f64
    };
    let (declining, stable, growing) = (cohort("decline"), cohort("stable"), cohort("grow"));
    assert!(
        declining.len() >= 20 && growing.len() >= 20,
        "generator cohorts"
    );
    let decline_rules = ["spend_drop", "p_alive_low", "key_account_dropped"];
    // Since issue 17 only material customers (the top fifth by value) raise warnings, so
    // the cohorts are compared among the customers of tier A when the trends began (the
    // largest accounts; small decliners no longer alert, by design) and
    // still alive at the end: the generator's "stable" cohort drops out by BG/NBD too (more than
    // half of the A/B ones with seed 3), and an alert for a customer who really lapsed is right.
    let mut material: HashSet<String> = HashSet::new();
    for tier in ["A"] {
        let list = ws.run_json(&[
            "customers",
            "list",
            "--run",
            &runs[5]["run"].to_string(),
            "--tier",
            tier,
            "--limit",
            "1000000",
            "--format",
            "json",
        ]);
        for c in list.as_array().expect("customers") {
            material.insert(c["customer_id"].as_str().expect("id").to_string());
        }
    }
    fn among<'a>(
        rows: &[&'a HashMap<String, String>],
        material: &HashSet<String>,
    ) -> Vec<&'a HashMap<String, String>> {
        rows.iter()
            .filter(|r| {
                material.contains(&r["customer_id"])
                    && (r["dropout_day"].is_empty() || r["dropout_day"].as_str() > "2026-06-30")
            })
            .copied()
            .collect()
    }
    let (declining_m, stable_m) = (among(&declining, &material), among(&stable, &material));
    let (d, s) = (
        rate(&declining_m, &decline_rules),
        rate(&stable_m, &decline_rules),
    );
    eprintln!(
        "decline alerts among tier A: declining {d:.2} of {} vs stable {s:.2} of {}",
        declining_m.len(),
        stable_m.len()
    );
    assert!(
        declining_m.len() >= 10,
        "{} declining in A",
        declining_m.len()
    );
    assert!(stable_m.len() >= 10, "{} stable in A", stable_m.len());
    assert!(d > 0.5 && d > s + 0.15, "declining {d:.2} vs stable {s:.2}");
    // The customers built to grow, alive and small (tier C in some run), are flagged as
    // upgrade candidates far more often than the stable ones.
    let mut ever_c: HashSet<String> = HashSet::new();
    for r in &since_trends {
        let list = ws.run_json(&[
            "customers",
            "list",
            "--run",
            &r["run"].to_string(),
            "--tier",
            "C",
            "--limit",
            "1000000",
            "--format",
            "json",
        ]);
        for c in list.as_array().expect("customers") {
            ever_c.insert(c["customer_id"].as_str().expect("id").to_string());
        }
    }
    fn small_alive<'a>(
        rows: &[&'a HashMap<String, String>],
        ever_c: &HashSet<String>,
    ) -> Vec<&'a HashMap<String, String>> {
        rows.iter()
            .filter(|r| r["dropout_day"].is_empty() && ever_c.contains(&r["customer_id"]))
            .copied()
            .collect()
    }
    let (grow_c, stable_c) = (
        small_alive(&growing, &ever_c),
        small_alive(&stable, &ever_c),
    );
    assert!(grow_c.len() >= 8, "{} growing C customers", grow_c.len());
    let (g, s) = (
        rate(&grow_c, &["upgrade_candidate"]),
        rate(&stable_c, &["upgrade_candidate"]),
    );
    eprintln!(
        "upgrade candidates: growing {g:.2} of {} vs stable {s:.2} of {}",
        grow_c.len(),
        stable_c.len()
    );
    assert!(g > 1.5 * s && g > 0.4, "growing {g:.2} vs stable {s:.2}");

    // Override: wins over the computed tier, shown with author and reason, then cleared.
    let list = ws.run_json(&["customers", "list", "--tier", "C", "--format", "json"]);
    let id = list[0]["customer_id"]
        .as_str()
        .expect("a C customer")
        .to_string();
    ok(&ws
        .cmd(&[
            "override",
            &id,
            "--tier",
            "A",
            "--reason",
            "strategic hospital account",
            "--until",
            "2099-12-31",
            "--author",
            "ann",
        ])
        .output()
        .expect("run"));
    let shown = ws.run_json(&["customer", "show", &id, "--format", "json"]);
    assert_eq!(shown["tier"], "A");
    let o = &shown["override"];
    assert_eq!(o["tier"], "A");
    assert_eq!(o["reason"], "strategic hospital account");
    assert_eq!(o["author"], "ann");
    assert_eq!(o["until"], "2099-12-31");
    assert_eq!(o["computed_tier"], "C");
    let listed = ws.run_json(&["customers", "list", "--search", &id, "--format", "json"]);
    assert_eq!(listed[0]["tier"], "A", "the override is shown in lists too");
    let note = listed[0]["override"].as_str().expect("override note");
    assert!(
        note.contains("ann") && note.contains("strategic hospital account"),
        "{note}"
    );
    ok(&ws.cmd(&["override", &id, "--clear"]).output().expect("run"));
    let shown = ws.run_json(&["customer", "show", &id, "--format", "json"]);
    assert_eq!(shown["tier"], "C");
    assert!(shown["override"].is_null());
    let err = fails(&mut ws.cmd(&["override", &id, "--tier", "Z", "--reason", "x"]));
    assert!(err.contains("valid: A, B, C"), "{err}");

    // Class KPIs over the last quarter, against the quarter before, and a strategy's effect:
    // the treated list is the tier-A customers of the first run, who bought more.
    let a_ids: Vec<String> = ws
        .run_json(&[
            "customers",
            "list",
            "--run",
            &runs[8]["run"].to_string(),
            "--tier",
            "A",
            "--limit",
            "100000",
            "--format",
            "json",
        ])
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["customer_id"].as_str().expect("id").to_string())
        .collect();
    let treated = ws.write(
        "treated.csv",
        &format!("customer_id\n{}\n", a_ids.join("\n")),
    );
    let k = ws.run_json(&[
        "kpis",
        "--from",
        &runs[8]["run"].to_string(),
        "--to",
        &last.to_string(),
        "--by",
        "tier",
        "--treated",
        &treated,
        "--format",
        "json",
    ]);
    let classes = k["kpis"]["classes"].as_array().expect("classes");
    assert_eq!(classes.len(), 3, "{k}");
    assert!(k["changes"].as_array().is_some_and(|c| c.len() == 3));
    let eff = &k["treatment"];
    assert_eq!(eff["treated"].as_u64(), Some(a_ids.len() as u64));
    let rev = &eff["revenue"];
    assert!(rev["difference"].as_f64().expect("diff") > 0.0, "{eff}");
    assert!(rev["ci_low"].as_f64() <= rev["difference"].as_f64());
    assert!(
        eff["verdict"][0]
            .as_str()
            .expect("verdict")
            .contains("95% CI")
    );

    // Backtest: which ranking at mid-2025 ordered the next year's spend best. The true
    // expected spend (from the generating parameters) must beat a random order by far.
    let as_of = day("2025-06-30");
    let mut truth_csv = String::from("customer_id,score\n");
    let mut random_csv = String::from("customer_id,score\n");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for r in &t {
        let alive = r["dropout_day"].is_empty() || day(&r["dropout_day"]) > as_of;
        let signed = day(&r["signup_date"]) <= as_of;
        let lambda: f64 = r["lambda"].parse().expect("lambda");
        let spend: f64 = r["expected_spend_per_order"].parse().expect("spend");
        let score = if alive && signed { lambda * spend } else { 0.0 };
        truth_csv.push_str(&format!("{},{score}\n", r["customer_id"]));
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        random_csv.push_str(&format!("{},{}\n", r["customer_id"], x % 1_000_000));
    }
    let tp = ws.write("truth_clv.csv", &truth_csv);
    let rp = ws.write("random.csv", &random_csv);
    let b = ws.run_json(&[
        "backtest",
        "--as-of",
        "2025-06-30",
        "--horizon",
        "365",
        "--compare",
        &tp,
        "--compare",
        &rp,
        "--format",
        "json",
    ]);
    assert_eq!(b["as_of"], "2025-06-30");
    assert_eq!(b["horizon_days"], 365);
    for method in ["score", "rfm", "clv", "truth_clv", "random"] {
        for key in ["gini", "spearman", "lift_top_decile"] {
            assert!(b["methods"][method][key].is_number(), "{method}.{key}: {b}");
        }
    }
    let gini = |m: &str| b["methods"][m]["gini"].as_f64().expect("gini");
    assert!(
        gini("truth_clv") > gini("random") + 0.3,
        "truth {} vs random {}",
        gini("truth_clv"),
        gini("random")
    );
    assert!(gini("random").abs() < 0.2, "random {}", gini("random"));
    assert!(gini("score") > 0.3 && gini("clv") > 0.3, "{b}");
    assert!(b["best"].is_string());
}

/// A one-shot HTTP server on a free port that records the first request's body.
fn webhook() -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut len = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).expect("header");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().expect("length");
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).expect("body");
        let mut w = stream;
        w.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            .expect("answer");
        String::from_utf8(body).expect("utf-8")
    });
    (url, handle)
}

#[test]
fn alerts_are_posted_to_the_configured_webhook() {
    let ws = Ws::generated(300, 24);
    ws.run_json(&[
        "evaluate",
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        "--every",
        "quarter",
        "--format",
        "json",
    ]);
    let (url, server) = webhook();
    let config = std::fs::read_to_string(ws.root.join("custval.toml")).expect("config");
    let config = config
        .replacen("url = \"\"", &format!("url = \"{url}\""), 1)
        .replacen("min_severity = \"warning\"", "min_severity = \"info\"", 1);
    std::fs::write(ws.root.join("custval.toml"), config).expect("write");
    let d = ws.run_json(&["alerts", "--deliver", "--format", "json"]);
    let body: Value = serde_json::from_str(&server.join().expect("server")).expect("json body");
    let sent = body["alerts"].as_array().expect("alerts").len();
    assert_eq!(d["sent"].as_u64(), Some(sent as u64));
    assert_eq!(d["status"], 204);
    assert!(sent > 0, "{body}");
    assert!(body["alerts"][0]["evidence"].is_object());
    // Nothing listens any more: a clear error, not a panic.
    let err = fails(&mut ws.cmd(&["alerts", "--deliver"]));
    assert!(err.contains("delivering alerts to"), "{err}");
}
