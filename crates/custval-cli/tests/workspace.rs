//! End-to-end tests of the workspace commands on the real binary and a real SQLite file:
//! init → import → evaluate → customers list / customer show → report, and what happens with
//! bad input (nothing stored, previous state intact, one clear error line).

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::path::Path;

use common::ws::Ws;
use common::{custval, data, fails, json, ok};
use serde_json::Value;

#[test]
fn the_whole_journey_on_generated_data() {
    let ws = Ws::generated(300, 24);
    // Re-importing the same orders stores nothing and says so.
    let again = ws.run_json(&[
        "import",
        "transactions",
        &ws.path("data/transactions.csv"),
        "--format",
        "json",
    ]);
    assert_eq!(again["accepted"], 0);
    assert_eq!(again["duplicates"], again["read"]);
    assert_eq!(again["quarantine"], Value::Null);

    let run = ws.run_json(&["evaluate", "--as-of", "2026-06-30", "--format", "json"]);
    assert_eq!(run["as_of"], "2026-06-30");
    let n = run["customers"].as_u64().expect("customers");
    assert!((250..=300).contains(&n), "{run}");
    let tiers = run["tiers"].as_object().expect("tiers");
    let sum: u64 = tiers.values().filter_map(Value::as_u64).sum();
    assert_eq!(sum, n);
    assert!(
        tiers["A"].as_u64().unwrap_or(0) < tiers["C"].as_u64().unwrap_or(0),
        "Pareto: few A, many C: {run}"
    );
    assert!(run["classes"]["value_class"].is_object() && run["classes"]["lifecycle"].is_object());
    assert!(run["seconds"].as_f64().is_some());

    // List: JSON, filtered, and files that open in Excel.
    let a = ws.run_json(&["customers", "list", "--tier", "A", "--format", "json"]);
    let a = a.as_array().expect("array");
    assert_eq!(a.len() as u64, tiers["A"].as_u64().unwrap_or(0));
    assert!(a.iter().all(|c| c["tier"] == "A"));
    let scores: Vec<f64> = a.iter().filter_map(|c| c["score"].as_f64()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "sorted by score");
    let csv = ws.path("list.csv");
    ok(&ws
        .cmd(&[
            "customers",
            "list",
            "--class",
            "most_valuable",
            "--output",
            &csv,
        ])
        .output()
        .expect("run"));
    let bytes = std::fs::read(&csv).expect("csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let xlsx = ws.path("list.xlsx");
    ok(&ws
        .cmd(&["customers", "list", "--format", "xlsx", "--output", &xlsx])
        .output()
        .expect("run"));
    assert!(std::fs::read(&xlsx).expect("xlsx").starts_with(b"PK"));

    // Show: the contract's fields, and points that add up to the score.
    let id = a[0]["customer_id"].as_str().expect("id").to_string();
    let show = ws.run_json(&["customer", "show", &id, "--format", "json"]);
    for k in [
        "score",
        "tier",
        "class",
        "lifecycle_stage",
        "clv",
        "p_alive",
        "contributions",
        "actions",
    ] {
        assert!(show.get(k).is_some(), "customer show lacks {k}: {show}");
    }
    let points: f64 = show["contributions"]
        .as_object()
        .expect("contributions")
        .values()
        .filter_map(Value::as_f64)
        .sum();
    let score = show["score"].as_f64().expect("score");
    assert!(
        (points - score).abs() < 1e-6,
        "points {points} vs score {score}"
    );
    assert_eq!(show["tier"], "A");
    assert!(
        show["rules"]["tier"]["rule"]
            .as_str()
            .is_some_and(|r| r.contains("80%")),
        "{show}"
    );
    for a in show["actions"].as_array().expect("actions") {
        assert!(
            a["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "an action without a reason: {a}"
        );
    }
    let text = String::from_utf8_lossy(ok(&ws
        .cmd(&["customer", "show", &id])
        .output()
        .expect("run")))
    .to_string();
    assert!(
        text.contains("Why this score") && text.contains("Why these classes"),
        "{text}"
    );

    // Report: one self-contained HTML file with charts, and a workbook.
    let html = ws.path("report.html");
    ok(&ws
        .cmd(&["report", "--output", &html])
        .output()
        .expect("run"));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.matches("<svg").count() >= 5, "charts");
    assert!(!page.contains("<script src") && !page.contains("NaN"));
    let xl = ws.path("report.xlsx");
    ok(&ws.cmd(&["report", "--output", &xl]).output().expect("run"));
    assert!(std::fs::metadata(&xl).expect("xlsx").len() > 1000);

    // A series of runs, and the first run still there afterwards.
    let series = ws.run_json(&[
        "evaluate",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--every",
        "month",
        "--format",
        "json",
    ]);
    let runs = series["runs"].as_array().expect("runs");
    let dates: Vec<&str> = runs.iter().filter_map(|r| r["as_of"].as_str()).collect();
    assert_eq!(dates, ["2026-01-31", "2026-02-28", "2026-03-31"]);
    let first = run["run"].as_i64().expect("run id").to_string();
    let again = ws.run_json(&["customer", "show", &id, "--run", &first, "--format", "json"]);
    assert_eq!(again["score"], show["score"], "an old run is immutable");
}

#[test]
fn an_earlier_as_of_date_sees_no_later_data() {
    let ws = Ws::generated(120, 24);
    let early = ws.run_json(&["evaluate", "--as-of", "2024-12-31", "--format", "json"]);
    let late = ws.run_json(&["evaluate", "--as-of", "2026-06-30", "--format", "json"]);
    assert!(
        early["customers"].as_u64() < late["customers"].as_u64(),
        "{early} {late}"
    );
    // Every customer's 12-month spend as of the early date only counts orders up to it.
    let tx = std::fs::read_to_string(ws.root.join("data/transactions.csv")).expect("tx");
    let mut spend: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    for line in tx.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[2] <= "2024-12-31" && f[2] > "2023-12-31" {
            *spend.entry(f[1].to_string()).or_default() += f[3].parse::<f64>().unwrap_or(0.0);
        }
    }
    let run = early["run"].as_i64().expect("run").to_string();
    let list = ws.run_json(&["customers", "list", "--run", &run, "--format", "json"]);
    for c in list.as_array().expect("list") {
        let id = c["customer_id"].as_str().expect("id");
        let want = spend.get(id).copied().unwrap_or(0.0);
        let got = c["spend_12m"].as_f64().unwrap_or(0.0);
        assert!(
            (want - got).abs() < 1e-6 * want.abs().max(1.0),
            "{id}: {got} vs {want}"
        );
    }
}

#[test]
fn a_bad_file_stores_nothing_and_says_why() {
    let ws = Ws::empty();
    let good = ws.write(
        "good.csv",
        "order_id,customer_id,order_date,amount\nO1,C1,2025-01-02,100\nO2,C2,2025-01-03,50\n",
    );
    // A missing column: the whole file is refused.
    let nocol = ws.write(
        "nocol.csv",
        "order_id,client,order_date,amount\nO1,C1,2025-01-02,100\n",
    );
    let err = fails(&mut ws.cmd(&["import", "transactions", &nocol]));
    assert!(
        err.contains("customer_id") && err.contains("--map"),
        "{err}"
    );
    // Nothing readable: refused, quarantine written, nothing stored.
    let bad = ws.write(
        "bad.csv",
        "order_id,customer_id,order_date,amount\nO1,C1,not a date,100\nO2,C2,2025-01-03,abc\n",
    );
    let err = fails(&mut ws.cmd(&["import", "transactions", &bad]));
    assert!(err.contains("line 2"), "{err}");
    let j = ws.run_json(&["import", "transactions", &good, "--format", "json"]);
    assert_eq!(j["accepted"], 2, "the failed imports stored nothing: {j}");
    // Some bad rows: the good ones are stored, the bad ones quarantined with line and reason.
    let mixed = ws.write("mixed.csv", "order_id,customer_id,order_date,amount\nO3,C1,2025-02-01,10\nO4,,2025-02-01,10\nO5,C3,2025-02-30,10\n");
    let j = ws.run_json(&["import", "transactions", &mixed, "--format", "json"]);
    assert_eq!(
        (
            j["read"].as_u64(),
            j["accepted"].as_u64(),
            j["rejected"].as_u64()
        ),
        (Some(3), Some(1), Some(2)),
        "{j}"
    );
    let q = std::fs::read_to_string(j["quarantine"].as_str().expect("quarantine path"))
        .expect("quarantine");
    assert!(q.starts_with('\u{feff}'), "quarantine opens in Excel: {q}");
    assert!(q.contains("\n3,missing customer_id,O4"), "{q}");
    assert!(q.contains("\n4,\"bad date in order_date"), "{q}");
}

#[test]
fn chinese_headers_map_by_alias_or_flag() {
    let ws = Ws::empty();
    let f = ws.write("订单.csv", "订单号,客户编号,下单日期,金额,品类\nA1,甲,2025-03-01,\"¥1,200.00\",药品\nA2,乙,2025年3月2日,300,器械\n");
    let j = ws.run_json(&["import", "transactions", &f, "--format", "json"]);
    assert_eq!(j["accepted"], 2, "{j}");
    let g = ws.write("custom.csv", "单据,客户,日子,钱\nB1,甲,2025-04-01,10\n");
    let j = ws.run_json(&[
        "import",
        "transactions",
        &g,
        "--map",
        "order_id=单据,customer_id=客户,order_date=日子,amount=钱",
        "--format",
        "json",
    ]);
    assert_eq!(j["accepted"], 1, "{j}");
    let err = fails(&mut ws.cmd(&["import", "transactions", &g, "--map", "amout=钱"]));
    assert!(err.contains("amout"), "{err}");
}

#[test]
fn config_errors_name_the_key_and_line_and_keep_runs_intact() {
    let ws = Ws::generated(80, 24);
    ws.run_json(&["evaluate", "--as-of", "2026-06-30", "--format", "json"]);
    let cfg = ws.root.join("custval.toml");
    let text = std::fs::read_to_string(&cfg).expect("config");
    let broken = text.replacen("basis = \"spend_12m\"", "basis = \"spend12m\"", 1);
    assert_ne!(broken, text, "the default config has a tier basis");
    std::fs::write(&cfg, broken).expect("write");
    let err = fails(&mut ws.cmd(&["evaluate", "--as-of", "2026-06-30"]));
    assert!(
        err.contains("line") && err.contains("tiers.basis") && err.contains("spend_12m"),
        "{err}"
    );
    let list = ws.run_json(&["customers", "list", "--format", "json"]);
    assert!(
        !list.as_array().expect("list").is_empty(),
        "the earlier run is still there"
    );
}

#[test]
fn commands_before_init_say_what_to_do() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("none.db").display().to_string();
    let err = fails(custval().args(["--db", &db, "customers", "list"]));
    assert!(err.contains("custval init"), "{err}");
    assert!(!Path::new(&db).exists(), "no store is created by a read");
}

#[test]
fn cdnow_transactions_evaluate() {
    let ws = Ws::empty();
    let file = data("cdnow_sample_transactions.csv");
    let j = ws.run_json(&[
        "import",
        "transactions",
        &file.display().to_string(),
        "--map",
        "order_date=date",
        "--format",
        "json",
    ]);
    assert_eq!(j["rejected"], 0, "{j}");
    // Rows without an order id are keyed naturally; a second import adds nothing.
    let again = ws.run_json(&[
        "import",
        "transactions",
        &file.display().to_string(),
        "--map",
        "order_date=date",
        "--format",
        "json",
    ]);
    assert_eq!(again["accepted"], 0, "{again}");
    let run = ws.run_json(&["evaluate", "--as-of", "1998-06-30", "--format", "json"]);
    assert_eq!(run["customers"], 2357, "{run}");
    let top = ws.run_json(&["customers", "list", "--limit", "1", "--format", "json"]);
    let p = top[0]["p_alive"]
        .as_f64()
        .expect("a fitted CLV model gives P(alive)");
    assert!((0.0..=1.0).contains(&p));
}

#[test]
fn concurrent_evaluations_both_land_intact() {
    let ws = Ws::generated(150, 24);
    let spawn = |date: &str| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("custval"))
            .current_dir(&ws.root)
            .args([
                "--db", &ws.db, "evaluate", "--as-of", date, "--format", "json",
            ])
            .output()
            .expect("spawn")
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("2026-06-30"));
        let b = s.spawn(|| spawn("2025-12-31"));
        (a.join().expect("a"), b.join().expect("b"))
    });
    let (ra, rb) = (json(&a), json(&b));
    assert_ne!(ra["run"], rb["run"]);
    for r in [&ra, &rb] {
        let id = r["run"].as_i64().expect("run").to_string();
        let list = ws.run_json(&["customers", "list", "--run", &id, "--format", "json"]);
        assert_eq!(
            list.as_array().map(Vec::len),
            r["customers"].as_u64().map(|n| n as usize),
            "run {id} is complete"
        );
    }
}

/// Customers in a SQLite file, read by a fresh store (no WAL beside it).
fn customers_in(path: &std::path::Path) -> u64 {
    use custval_store::prelude::*;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let s = custval_store::SqliteStore::open(
            &path.display().to_string(),
            custval_store::OpenOptions { create: false },
        )
        .await
        .expect("open copy");
        let n = s.customer_count().await.expect("count");
        s.close().await;
        n
    })
}

/// Issue 18: `init; import customers c.csv; cp custval.db backup.db` gave a backup with 0
/// customers: the rows were still in `custval.db-wal`. Every command now closes the store with
/// its WAL checkpointed; `custval backup` makes a consistent copy at any time.
#[test]
fn regression_a_plain_copy_after_a_command_holds_its_writes() {
    let ws = Ws::empty();
    let csv = ws.write(
        "c.csv",
        "customer_id,name,industry\nK1,甲公司,医药\nK2,乙公司,零售\nK3,丙公司,医药\n",
    );
    let j = ws.run_json(&["import", "customers", &csv, "--format", "json"]);
    assert_eq!(j["accepted"], 3, "{j}");
    let wal = ws.root.join("custval.db-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "the WAL is empty after the command"
    );
    let copy = ws.root.join("copy.db");
    std::fs::copy(ws.root.join("custval.db"), &copy).expect("cp");
    assert_eq!(customers_in(&copy), 3);

    let backup = ws.root.join("backup.db");
    ok(&ws
        .cmd(&["backup", &backup.display().to_string()])
        .output()
        .expect("run"));
    assert_eq!(customers_in(&backup), 3);
    // No silent overwrite; --force replaces.
    let err = common::fails(&mut ws.cmd(&["backup", &backup.display().to_string()]));
    assert!(err.contains("--force"), "{err}");
    ok(&ws
        .cmd(&["backup", &backup.display().to_string(), "--force"])
        .output()
        .expect("run"));
    assert_eq!(customers_in(&backup), 3);
}
