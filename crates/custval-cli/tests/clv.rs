//! End-to-end tests of `custval clv fit|predict|summary|holdout` on the reference data sets.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{custval, data, fails, json, ok};

fn fixture() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../custval-clv/tests/fixtures/lifetimes_reference.json");
    serde_json::from_str(&std::fs::read_to_string(p).expect("fixture")).expect("fixture json")
}

fn fit_json(model: &str, file: &str) -> Value {
    let out = custval()
        .args(["clv", "fit", "--model", model, "--input"])
        .arg(data(file))
        .args(["--format", "json"])
        .output()
        .expect("run");
    json(&out)
}

fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} ± {tol}"
    );
}

fn param_keys(v: &Value) -> Vec<String> {
    v["params"]
        .as_object()
        .expect("params object")
        .keys()
        .cloned()
        .collect()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Key order of the raw JSON text (serde_json::Value may sort keys).
fn raw_params_order(model: &str, file: &str) -> String {
    let out = custval()
        .args(["clv", "fit", "--model", model, "--input"])
        .arg(data(file))
        .args(["--format", "json"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(ok(&out)).to_string();
    let start = text.find("\"params\":{").expect("params") + "\"params\":{".len();
    let end = start + text[start..].find('}').expect("end of params");
    text[start..end]
        .split(',')
        .filter_map(|kv| kv.split('"').nth(1))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn bgnbd_fit_reproduces_fader_hardie_lee_2005() {
    let v = fit_json("bgnbd", "cdnow_customers_summary.csv");
    assert_eq!(v["model"], "bgnbd");
    let p = &v["params"];
    close("r", f(&p["r"]), 0.243, 0.0005);
    close("alpha", f(&p["alpha"]), 4.414, 0.0005);
    close("a", f(&p["a"]), 0.793, 0.0005);
    close("b", f(&p["b"]), 2.426, 0.0005);
    close("LL", f(&v["log_likelihood"]), -9582.4, 0.05);
    assert_eq!(v["n_customers"], 2357);
    assert_eq!(v["converged"], true);
    assert!(v["iterations"].as_u64().is_some());
    assert!(f(&v["seconds"]) >= 0.0);
    assert_eq!(
        raw_params_order("bgnbd", "cdnow_customers_summary.csv"),
        "r,alpha,a,b"
    );
}

#[test]
fn mbgnbd_fit_converges_on_cdnow() {
    let v = fit_json("mbgnbd", "cdnow_customers_summary.csv");
    assert_eq!(v["converged"], true);
    assert_eq!(param_keys(&v).len(), 4);
    assert_eq!(
        raw_params_order("mbgnbd", "cdnow_customers_summary.csv"),
        "r,alpha,a,b"
    );
    // Same data, one more way to stay: the likelihood is at least as good as BG/NBD's.
    assert!(f(&v["log_likelihood"]) > -9583.0);
}

#[test]
fn pareto_nbd_fit_reproduces_published_figures() {
    let v = fit_json("pnbd", "cdnow_customers_summary.csv");
    let p = &v["params"];
    close("r", f(&p["r"]), 0.553, 0.0005);
    close("alpha", f(&p["alpha"]), 10.58, 0.005);
    close("s", f(&p["s"]), 0.606, 0.0005);
    close("beta", f(&p["beta"]), 11.67, 0.005);
    close("LL", f(&v["log_likelihood"]), -9595.0, 0.05);
    assert_eq!(v["converged"], true);
    assert_eq!(
        raw_params_order("pnbd", "cdnow_customers_summary.csv"),
        "r,alpha,s,beta"
    );
}

#[test]
fn gamma_gamma_fit_reproduces_fader_hardie_2013() {
    let v = fit_json("gg", "cdnow_customers_summary.csv");
    let p = &v["params"];
    close("p", f(&p["p"]), 6.25, 0.005);
    close("q", f(&p["q"]), 3.74, 0.005);
    close("v", f(&p["v"]), 15.44, 0.01);
    assert_eq!(v["n_customers"], 946);
    assert_eq!(
        raw_params_order("gg", "cdnow_customers_summary.csv"),
        "p,q,v"
    );
}

#[test]
fn bgbb_fit_reproduces_fader_hardie_shang_2010() {
    let v = fit_json("bgbb", "donations.csv");
    let p = &v["params"];
    close("alpha", f(&p["alpha"]), 1.204, 0.0005);
    close("beta", f(&p["beta"]), 0.750, 0.0005);
    close("gamma", f(&p["gamma"]), 0.657, 0.0005);
    close("delta", f(&p["delta"]), 2.783, 0.0005);
    close("LL", f(&v["log_likelihood"]), -33225.6, 0.05);
    assert_eq!(v["n_customers"], 11104);
    assert_eq!(
        raw_params_order("bgbb", "donations.csv"),
        "alpha,beta,gamma,delta"
    );
}

#[test]
fn sbg_fit_on_cohort_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("alive.csv");
    // Fader & Hardie (2007), "regular" customers: 1000, 631, 468, 382, 326, 289, 262, 241.
    std::fs::write(&file, "alive\n1000\n631\n468\n382\n326\n289\n262\n241\n").expect("write");
    let out = custval()
        .args(["clv", "fit", "--model", "sbg", "--input"])
        .arg(&file)
        .args(["--format", "json"])
        .output()
        .expect("run");
    let v = json(&out);
    assert_eq!(v["converged"], true);
    assert_eq!(v["n_customers"], 1000);
    // The paper's estimates for the regular segment: alpha = 0.704, beta = 1.182.
    close("alpha", f(&v["params"]["alpha"]), 0.704, 0.01);
    close("beta", f(&v["params"]["beta"]), 1.182, 0.01);
}

#[test]
fn fit_table_is_the_default_format() {
    let out = custval()
        .args(["clv", "fit", "--model", "bgnbd", "--input"])
        .arg(data("cdnow_customers_summary.csv"))
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(ok(&out)).to_string();
    for want in [
        "alpha",
        "log-likelihood",
        "-9582.4",
        "converged",
        "2,357",
        "seconds",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
}

fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let headers = lines
        .next()
        .expect("header")
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (headers, rows)
}

#[test]
fn summary_reproduces_the_cdnow_calibration_summary() {
    let out = custval()
        .args(["clv", "summary", "--transactions"])
        .arg(data("cdnow_sample_transactions.csv"))
        .args([
            "--customer-col",
            "customer_id",
            "--date-col",
            "date",
            "--amount-col",
            "amount",
            "--observation-end",
            "1997-09-30",
            "--unit",
            "week",
        ])
        .output()
        .expect("run");
    let stdout = ok(&out);
    assert!(stdout.starts_with("\u{feff}".as_bytes()), "CSV with BOM");
    let (headers, rows) = read_csv(stdout);
    let want = std::fs::read(data("cdnow_customers_summary.csv")).expect("reference");
    let (want_headers, want_rows) = read_csv(&want);
    assert_eq!(headers, want_headers);
    assert_eq!(rows.len(), 2357);
    assert_eq!(rows.len(), want_rows.len());
    for (got, want) in rows.iter().zip(&want_rows) {
        assert_eq!(got[0], want[0], "customer order");
        for c in 1..want.len() {
            let g: f64 = got[c].parse().expect("number");
            let w: f64 = want[c].parse().expect("number");
            // The reference is rounded half-up to 2 decimals.
            assert!(
                (g - w).abs() <= 0.005 + 1e-9,
                "customer {} column {}: {g} vs {w}",
                got[0],
                want_headers[c]
            );
        }
    }
    // The default unit is the week: same output without --unit.
    let default = custval()
        .args(["clv", "summary", "--transactions"])
        .arg(data("cdnow_sample_transactions.csv"))
        .args([
            "--customer-col",
            "customer_id",
            "--date-col",
            "date",
            "--amount-col",
            "amount",
            "--observation-end",
            "1997-09-30",
        ])
        .output()
        .expect("run");
    assert_eq!(ok(&default), stdout);
}

#[test]
fn summary_with_holdout_feeds_the_holdout_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("cal.csv");
    let out = custval()
        .args(["clv", "summary", "--transactions"])
        .arg(data("cdnow_sample_transactions.csv"))
        .args([
            "--customer-col",
            "customer_id",
            "--date-col",
            "date",
            "--observation-end",
            "1998-06-30",
            "--calibration-end",
            "1997-09-30",
            "--unit",
            "week",
            "--output",
        ])
        .arg(&file)
        .output()
        .expect("run");
    ok(&out);
    let (headers, rows) = read_csv(&std::fs::read(&file).expect("written"));
    assert_eq!(
        headers,
        [
            "customer_id",
            "frequency",
            "recency",
            "T",
            "frequency_holdout",
            "duration_holdout"
        ]
    );
    assert_eq!(rows.len(), 2357);
    // 273 days from 1997-10-01 to 1998-06-30 = 39 weeks.
    assert!(rows.iter().all(|r| r[5] == "39"));

    let out = custval()
        .args(["clv", "holdout", "--model", "bgnbd", "--input"])
        .arg(&file)
        .args(["--format", "json"])
        .output()
        .expect("run");
    let v = json(&out);
    close("r", f(&v["fit"]["params"]["r"]), 0.243, 0.0005);
    assert_eq!(v["buckets"].as_array().map(Vec::len), Some(8));
    let total_actual: f64 = rows
        .iter()
        .map(|r| r[4].parse::<f64>().unwrap_or(0.0))
        .sum();
    close("total actual", f(&v["total_actual"]), total_actual, 1e-9);
    assert!(f(&v["mae"]) > 0.0 && f(&v["rmse"]) >= f(&v["mae"]));

    let out = custval()
        .args(["clv", "holdout", "--model", "pnbd", "--input"])
        .arg(&file)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(ok(&out)).to_string();
    assert!(text.contains("7+") && text.contains("MAE"), "{text}");
}

const BGNBD_REF: &str =
    "r=0.2425929282798216,alpha=4.413532265271803,a=0.7928859664405851,b=2.42575238262545";

/// The fixture's customer rows as a CSV with an id column first.
fn fixture_input(dir: &Path, r: &Value) -> PathBuf {
    let rows = &r["rows"];
    let col = |k: &str| -> Vec<f64> { rows[k].as_array().expect("column").iter().map(f).collect() };
    let (x, tx, t, m) = (
        col("frequency"),
        col("recency"),
        col("T"),
        col("monetary_value"),
    );
    let mut text = String::from("id,frequency,recency,T,monetary_value,segment\n");
    for i in 0..x.len() {
        text.push_str(&format!(
            "c{i:03},{},{},{},{},s{}\n",
            x[i],
            tx[i],
            t[i],
            m[i],
            i % 3
        ));
    }
    let file = dir.join("fixture.csv");
    std::fs::write(&file, text).expect("write");
    file
}

fn rel_close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1e-12),
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn predict_with_params_matches_lifetimes_and_keeps_input_columns() {
    let r = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = fixture_input(dir.path(), &r);
    let out = custval()
        .args(["clv", "predict", "--model", "bgnbd", "--params", BGNBD_REF])
        .args(["--horizon", "39", "--format", "json", "--input"])
        .arg(&file)
        .output()
        .expect("run");
    let stdout = ok(&out).to_vec();
    let v: Value = serde_json::from_slice(&stdout).expect("json");
    let rows = v.as_array().expect("array");
    let want_e = r["bgnbd"]["conditional_expected_39"].as_array().expect("e");
    let want_p = r["bgnbd"]["p_alive"].as_array().expect("p");
    assert_eq!(rows.len(), want_e.len());
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["id"], format!("c{i:03}"), "input order");
        assert_eq!(row["segment"], format!("s{}", i % 3));
        assert!(row["frequency"].is_number() && row["T"].is_number());
        rel_close(
            &format!("E row {i}"),
            f(&row["expected_purchases"]),
            f(&want_e[i]),
            1e-8,
        );
        rel_close(
            &format!("P row {i}"),
            f(&row["p_alive"]),
            f(&want_p[i]),
            1e-8,
        );
        assert!(row.get("clv").is_none());
    }
    // Key order in the document: input columns first, then the added ones.
    let text = String::from_utf8_lossy(&stdout);
    let first = &text[..text.find('}').expect("object")];
    let order: Vec<usize> = [
        "\"id\"",
        "\"frequency\"",
        "\"recency\"",
        "\"T\"",
        "\"monetary_value\"",
        "\"segment\"",
        "\"expected_purchases\"",
        "\"p_alive\"",
    ]
    .iter()
    .map(|k| first.find(k).expect("key present"))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{first}");

    // CSV: BOM, input columns first, then the added ones.
    let out = custval()
        .args(["clv", "predict", "--model", "bgnbd", "--params", BGNBD_REF])
        .args(["--horizon", "39", "--format", "csv", "--input"])
        .arg(&file)
        .output()
        .expect("run");
    let bytes = ok(&out);
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let (headers, csv_rows) = read_csv(bytes);
    assert_eq!(
        headers,
        [
            "id",
            "frequency",
            "recency",
            "T",
            "monetary_value",
            "segment",
            "expected_purchases",
            "p_alive"
        ]
    );
    assert_eq!(csv_rows[0][0], "c000");
    rel_close(
        "csv E row 0",
        csv_rows[0][6].parse().unwrap_or(f64::NAN),
        f(&want_e[0]),
        1e-8,
    );
}

#[test]
fn predict_clv_matches_lifetimes_customer_lifetime_value() {
    let r = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = fixture_input(dir.path(), &r);
    let gg = &r["gg"]["params"];
    let spend = format!("p={},q={},v={}", f(&gg["p"]), f(&gg["q"]), f(&gg["v"]));
    let out_file = dir.path().join("pred.json");
    let out = custval()
        .args(["clv", "predict", "--model", "bgnbd", "--params", BGNBD_REF])
        .args(["--spend-params", &spend])
        // lifetimes: 12 monthly steps of 4.345 weeks at 1% per month.
        .args([
            "--horizon",
            "52.14",
            "--period",
            "4.345",
            "--discount-rate",
            "0.01",
        ])
        .arg("--input")
        .arg(&file)
        .arg("--output")
        .arg(&out_file)
        .output()
        .expect("run");
    ok(&out);
    let v: Value =
        serde_json::from_slice(&std::fs::read(&out_file).expect("written")).expect("json");
    let rows = v.as_array().expect("array");
    let want_s = r["gg"]["expected_spend"].as_array().expect("spend");
    let want_c = r["gg"]["clv_bgnbd_12_months_1pct_monthly"]
        .as_array()
        .expect("clv");
    for (i, row) in rows.iter().enumerate() {
        rel_close(
            &format!("spend {i}"),
            f(&row["expected_spend"]),
            f(&want_s[i]),
            1e-8,
        );
        rel_close(&format!("clv {i}"), f(&row["clv"]), f(&want_c[i]), 1e-7);
    }
}

#[test]
fn predict_fit_and_fit_spend_on_cdnow() {
    let out = custval()
        .args(["clv", "predict", "--model", "pnbd", "--fit", "--fit-spend"])
        .args([
            "--horizon",
            "52",
            "--margin",
            "0.3",
            "--format",
            "json",
            "--input",
        ])
        .arg(data("cdnow_customers_summary.csv"))
        .output()
        .expect("run");
    let v = json(&out);
    let rows = v.as_array().expect("array");
    assert_eq!(rows.len(), 2357);
    assert_eq!(rows[0]["customer_id"], 1);
    assert_eq!(rows[2356]["customer_id"], 2357);
    for row in rows {
        let p = f(&row["p_alive"]);
        assert!((0.0..=1.0).contains(&p));
        assert!(f(&row["clv"]).is_finite() && f(&row["clv"]) >= 0.0);
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("fitted pnbd") && err.contains("fitted gg"),
        "{err}"
    );
}

#[test]
fn predict_bgbb_matches_lifetimes() {
    let r = fixture();
    let b = &r["bgbb"];
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bgbb.csv");
    let col = |k: &str| -> Vec<f64> {
        b["rows"][k]
            .as_array()
            .expect("col")
            .iter()
            .map(f)
            .collect()
    };
    let (x, tx, n) = (col("frequency"), col("recency"), col("periods"));
    let mut text = String::from("frequency,recency,periods\n");
    for i in 0..x.len() {
        text.push_str(&format!("{},{},{}\n", x[i], tx[i], n[i]));
    }
    std::fs::write(&file, text).expect("write");
    let p = &b["params"];
    let params = format!(
        "alpha={},beta={},gamma={},delta={}",
        f(&p["alpha"]),
        f(&p["beta"]),
        f(&p["gamma"]),
        f(&p["delta"])
    );
    let out = custval()
        .args(["clv", "predict", "--model", "bgbb", "--params", &params])
        .args(["--horizon", "5", "--format", "json", "--input"])
        .arg(&file)
        .output()
        .expect("run");
    let v = json(&out);
    let want = b["conditional_expected_5"].as_array().expect("e");
    for (i, row) in v.as_array().expect("array").iter().enumerate() {
        rel_close(
            &format!("bgbb E row {i}"),
            f(&row["expected_purchases"]),
            f(&want[i]),
            1e-8,
        );
    }
}

#[test]
fn bad_inputs_fail_with_one_line() {
    let summary = data("cdnow_customers_summary.csv");
    // Unknown parameter name.
    let err = fails(
        custval()
            .args(["clv", "predict", "--model", "bgnbd", "--params", "r=1,x=2"])
            .args(["--horizon", "10", "--input"])
            .arg(&summary),
    );
    assert!(err.contains("--params") && err.contains("`x`"), "{err}");
    // Missing parameter.
    let err = fails(
        custval()
            .args([
                "clv",
                "predict",
                "--model",
                "pnbd",
                "--params",
                "r=1,alpha=2,s=1",
            ])
            .args(["--horizon", "10", "--input"])
            .arg(&summary),
    );
    assert!(err.contains("beta"), "{err}");
    // Not a number.
    let err = fails(
        custval()
            .args(["clv", "predict", "--model", "bgnbd", "--params", "r=abc"])
            .args(["--horizon", "10", "--input"])
            .arg(&summary),
    );
    assert!(err.contains("abc"), "{err}");
    // Missing column: names the file, the column and the model's columns.
    let err = fails(
        custval()
            .args(["clv", "fit", "--model", "bgnbd", "--input"])
            .arg(data("cdnow_sample_transactions.csv")),
    );
    assert!(
        err.contains("cdnow_sample_transactions.csv") && err.contains("\"frequency\""),
        "{err}"
    );
    let err = fails(
        custval()
            .args(["clv", "fit", "--model", "bgbb", "--input"])
            .arg(&summary),
    );
    assert!(err.contains("\"periods\""), "{err}");
    // Spend model without monetary_value.
    let err = fails(
        custval()
            .args(["clv", "predict", "--model", "bgbb", "--fit", "--fit-spend"])
            .args(["--horizon", "5", "--input"])
            .arg(data("donations.csv")),
    );
    assert!(err.contains("monetary_value"), "{err}");
    // A spend model is not a purchase model.
    fails(
        custval()
            .args(["clv", "predict", "--model", "gg", "--params", "p=1,q=2,v=3"])
            .args(["--horizon", "5", "--input"])
            .arg(&summary),
    );
    // Unknown model: a usage error (exit 2) from clap.
    custval()
        .args(["clv", "fit", "--model", "nbd", "--input"])
        .arg(&summary)
        .assert()
        .code(2);
    // Missing file.
    let err = fails(
        custval()
            .args(["clv", "fit", "--model", "bgnbd", "--input"])
            .arg(data("no_such_file.csv")),
    );
    assert!(err.contains("no_such_file.csv"), "{err}");
}

#[test]
fn bad_rows_are_quarantined_with_line_and_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "id,frequency,recency,T\n\
         a,1,2,3\n\
         b,-1,0,3\n\
         c,1,5,3\n\
         d,0,1,3\n\
         e,x,1,2\n\
         f,2,3,10\n\
         g,3,3,12\n",
    )
    .expect("write");
    let out = custval()
        .args(["clv", "predict", "--model", "bgnbd", "--params", BGNBD_REF])
        .args(["--horizon", "10", "--format", "json", "--input"])
        .arg(&file)
        .output()
        .expect("run");
    let v = json(&out);
    let ids: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["a", "f", "g"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("4 of 7 rows rejected"), "{err}");
    let q = std::fs::read_to_string(dir.path().join("bad.quarantine.csv")).expect("quarantine");
    assert!(q.contains("3,frequency = -1 is negative"), "{q}");
    assert!(q.contains("4,recency = 5 is greater than T = 3"), "{q}");
    assert!(
        q.contains("5,recency = 1 must be 0 when frequency is 0"),
        "{q}"
    );
    assert!(q.contains("6,\"bad number in frequency"), "{q}");

    // --strict: the first bad row fails the command, on one line.
    let err = fails(
        custval()
            .args(["clv", "fit", "--model", "bgnbd", "--strict", "--input"])
            .arg(&file),
    );
    assert!(err.contains("line 3") && err.contains("negative"), "{err}");

    // Nothing usable at all.
    let all_bad = dir.path().join("all_bad.csv");
    std::fs::write(&all_bad, "frequency,recency,T\n-1,0,1\n2,5,1\n").expect("write");
    let err = fails(
        custval()
            .args(["clv", "fit", "--model", "pnbd", "--input"])
            .arg(&all_bad),
    );
    assert!(err.contains("none of the 2 rows"), "{err}");
}

#[test]
fn summary_errors_are_one_line() {
    let tx = data("cdnow_sample_transactions.csv");
    let err = fails(
        custval()
            .args(["clv", "summary", "--transactions"])
            .arg(&tx)
            .args([
                "--customer-col",
                "client",
                "--date-col",
                "date",
                "--observation-end",
                "1997-09-30",
            ]),
    );
    assert!(err.contains("client"), "{err}");
    let err = fails(
        custval()
            .args(["clv", "summary", "--transactions"])
            .arg(&tx)
            .args([
                "--customer-col",
                "customer_id",
                "--date-col",
                "date",
                "--observation-end",
                "1997-09-30",
                "--calibration-end",
                "1997-12-31",
            ]),
    );
    assert!(err.contains("--calibration-end"), "{err}");
    let err = fails(
        custval()
            .args(["clv", "summary", "--transactions"])
            .arg(&tx)
            .args([
                "--customer-col",
                "customer_id",
                "--date-col",
                "date",
                "--observation-end",
                "1990-01-01",
            ]),
    );
    assert!(err.contains("no customer"), "{err}");
}

#[test]
fn option_and_cohort_errors_are_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("alive.csv");
    std::fs::write(&file, "alive\n1000\n631\n700\n").expect("write");
    let err = fails(
        custval()
            .args(["clv", "fit", "--model", "sbg", "--input"])
            .arg(&file),
    );
    assert!(
        err.contains("line 4") && err.contains("non-increasing"),
        "{err}"
    );
    let err = fails(
        custval()
            .args(["clv", "predict", "--model", "bgnbd", "--params", BGNBD_REF])
            .args(["--horizon=-3", "--input"])
            .arg(data("cdnow_customers_summary.csv")),
    );
    assert!(err.contains("horizon"), "{err}");
    let err = fails(
        custval()
            .args([
                "clv",
                "fit",
                "--model",
                "bgnbd",
                "--penalizer=-1",
                "--input",
            ])
            .arg(data("cdnow_customers_summary.csv")),
    );
    assert!(err.contains("--penalizer"), "{err}");
}

#[test]
fn predict_reads_xlsx_and_keeps_typed_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("customers.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["name", "Frequency", "Recency", "t", "score"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    let rows = [
        ("ann", 2.0, 30.43, 38.86, 1.5),
        ("bob", 0.0, 0.0, 38.86, 7.0),
    ];
    for (r, (name, x, tx, t, score)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *name).expect("cell");
        ws.write_number(r, 1, *x).expect("cell");
        ws.write_number(r, 2, *tx).expect("cell");
        ws.write_number(r, 3, *t).expect("cell");
        ws.write_number(r, 4, *score).expect("cell");
    }
    wb.save(&file).expect("save");
    let out = custval()
        .args(["clv", "predict", "--model", "bgnbd", "--params", BGNBD_REF])
        .args(["--horizon", "39", "--format", "json", "--input"])
        .arg(&file)
        .output()
        .expect("run");
    let v = json(&out);
    let rows = v.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["name"], "ann");
    assert_eq!(rows[0]["score"], 1.5);
    assert_eq!(rows[1]["score"], 7);
    assert_eq!(rows[0]["Frequency"], 2);
    rel_close(
        "xlsx E",
        f(&rows[0]["expected_purchases"]),
        1.2259104241744259,
        1e-8,
    );
}

fn fit_path_json(model: &str, path: &Path) -> Value {
    let out = custval()
        .args(["clv", "fit", "--model", model, "--input"])
        .arg(path)
        .args(["--format", "json"])
        .output()
        .expect("run");
    json(&out)
}

/// A plain summary of 700 KB is read in byte ranges, one per thread, and a fit keeps only
/// its distinct (frequency, recency, T) rows with their counts. The fit must be the general
/// reader's (forced by quoting one header name), bit for bit, through the warm-started
/// BG/NBD fit (over 10,000 distinct rows) as well.
#[test]
fn a_plain_file_fits_exactly_like_the_general_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    // CDNOW's customers 13 times over, T shifted by whole days: 30,641 rows, over 10,000
    // distinct (x, t_x, T).
    let text = std::fs::read_to_string(data("cdnow_customers_summary.csv")).expect("cdnow");
    let mut body = String::new();
    for k in 0..13 {
        for (i, line) in text.lines().skip(1).enumerate() {
            let v: Vec<f64> = line
                .split(',')
                .map(|x| x.trim().parse().expect("number"))
                .collect();
            let t = v[3] + f64::from(k) / 7.0;
            body.push_str(&format!("{k}-{i},{},{:.6},{t:.6}\n", v[1], v[2]));
        }
    }
    let plain = dir.path().join("plain.csv");
    let quoted = dir.path().join("quoted.csv");
    std::fs::write(&plain, format!("id,frequency,recency,T\n{body}")).expect("write");
    std::fs::write(&quoted, format!("id,\"frequency\",recency,T\n{body}")).expect("write");
    for model in ["bgnbd", "mbgnbd"] {
        let a = fit_path_json(model, &plain);
        let b = fit_path_json(model, &quoted);
        assert_eq!(a["n_customers"], 13 * 2357);
        for key in [
            "n_customers",
            "iterations",
            "log_likelihood",
            "converged",
            "params",
        ] {
            assert_eq!(a[key], b[key], "{model} {key}");
        }
    }
}
