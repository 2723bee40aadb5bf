//! End-to-end tests: the real `custval` binary on real files.

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
use common::{custval, data, fails, json};

fn rfm_args(file: &Path, c: &str, d: &str, a: &str, as_of: &str) -> Vec<String> {
    [
        "rfm",
        "--transactions",
        &file.display().to_string(),
        "--customer-col",
        c,
        "--date-col",
        d,
        "--amount-col",
        a,
        "--as-of",
        as_of,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn rfm_on_cdnow_matches_independent_totals() {
    let out = custval()
        .args(rfm_args(
            &data("cdnow_transactions.csv"),
            "customer_id",
            "date",
            "amount",
            "1998-06-30",
        ))
        .args(["--format", "json"])
        .output()
        .expect("run");
    let v = json(&out);
    let customers = v["customers"].as_array().expect("customers");
    // 23,570 customers and $2,500,315.63 in 69,659 rows: the CDNOW master file's known totals.
    assert_eq!(customers.len(), 23_570);
    assert_eq!(v["input"]["read"], 69_659);
    let total: f64 = customers
        .iter()
        .map(|c| c["monetary"].as_f64().unwrap_or(0.0))
        .sum();
    assert!((total - 2_500_315.63).abs() < 0.01, "{total}");
    let c2 = &customers[1];
    assert_eq!(c2["customer_id"], "2");
    assert_eq!(c2["frequency"], 2);
    assert_eq!(c2["monetary"], 89.0);
    assert_eq!(c2["recency_days"], 534, "1997-01-12 to 1998-06-30");
    for c in customers {
        let (r, f, m) = (
            c["r_score"].as_u64().unwrap_or(0),
            c["f_score"].as_u64().unwrap_or(0),
            c["m_score"].as_u64().unwrap_or(0),
        );
        assert!((1..=5).contains(&r) && (1..=5).contains(&f) && (1..=5).contains(&m));
        assert_eq!(c["rfm_score"].as_u64(), Some(100 * r + 10 * f + m));
    }
    let t = &v["thresholds"];
    assert_eq!(t["frequency"].as_array().map(Vec::len), Some(4));
    // Type-7 median of frequency over customers is 1 (most CDNOW customers bought once).
    assert_eq!(t["frequency"][1], 1.0);
}

#[test]
fn rfm_cn8_names_eight_classes() {
    let out = custval()
        .args(rfm_args(
            &data("cdnow_transactions.csv"),
            "customer_id",
            "date",
            "amount",
            "1998-06-30",
        ))
        .args(["--segments", "cn8", "--format", "json"])
        .output()
        .expect("run");
    let v = json(&out);
    let mut names: Vec<String> = v["customers"]
        .as_array()
        .expect("customers")
        .iter()
        .map(|c| c["segment"].as_str().unwrap_or("").to_string())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 8, "{names:?}");
    assert!(names.contains(&"重要价值客户".to_string()));
    assert!(v["thresholds"]["cn8"]["monetary"].as_f64().is_some());
}

/// A GBK export with Chinese headers, Chinese date forms, currency amounts and dirty rows.
fn gbk_file(dir: &Path) -> PathBuf {
    let text = "客户编号,客户名称,订单日期,金额\r\n\
                C001,甲公司,2024年1月31日,\"￥1,200.00\"\r\n\
                C001,甲公司,2024/3/1,(200.00)\r\n\
                C002,乙公司,20240215,￥500\r\n\
                C003,丙公司,2024-02-30,100\r\n\
                ,丁公司,2024-03-01,100\r\n\
                C004,戊公司,2024-03-10,一百元\r\n\
                C002,乙公司,2024-03-20,300\r\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    let path = dir.join("订单.csv");
    std::fs::write(&path, &bytes).expect("write");
    path
}

#[test]
fn regression_gbk_chinese_headers_and_quarantine() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = gbk_file(dir.path());
    let q = dir.path().join("rejected.csv");
    let out = custval()
        .args(rfm_args(
            &file,
            "客户编号",
            "订单日期",
            "金额",
            "2024-03-31",
        ))
        .args(["--format", "json", "--quarantine", &q.display().to_string()])
        .output()
        .expect("run");
    let v = json(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 of 7 rows rejected"), "{stderr}");
    assert_eq!(v["input"]["rejected"], 3);
    let customers = v["customers"].as_array().expect("customers");
    assert_eq!(customers.len(), 2);
    assert_eq!(customers[0]["customer_id"], "C001");
    assert_eq!(
        customers[0]["monetary"], 1000.0,
        "refund in parentheses nets"
    );
    assert_eq!(customers[0]["recency_days"], 30);
    assert_eq!(customers[1]["monetary"], 800.0);
    // The quarantine file: UTF-8 with BOM, line numbers as in a text editor, reasons.
    let qbytes = std::fs::read(&q).expect("quarantine written");
    assert!(qbytes.starts_with(b"\xEF\xBB\xBF"));
    let qtext = String::from_utf8(qbytes[3..].to_vec()).expect("utf8");
    assert!(qtext.contains("客户编号"), "{qtext}");
    assert!(qtext.contains("5,\"bad date in 订单日期"), "{qtext}");
    assert!(qtext.contains("6,missing 客户编号"), "{qtext}");
    assert!(qtext.contains("7,\"bad number in 金额"), "{qtext}");
    assert!(qtext.contains("丙公司"));
}

#[test]
fn strict_mode_refuses_dirty_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = gbk_file(dir.path());
    let err = fails(
        custval()
            .args(rfm_args(
                &file,
                "客户编号",
                "订单日期",
                "金额",
                "2024-03-31",
            ))
            .arg("--strict"),
    );
    assert!(err.contains("--strict") && err.contains("line 5"), "{err}");
}

#[test]
fn bad_inputs_fail_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = |name: &str| dir.path().join(name);
    std::fs::write(p("empty.csv"), b"").expect("w");
    std::fs::write(p("header.csv"), b"customer_id,date,amount\n").expect("w");
    std::fs::write(p("garbage.csv"), [0u8, 159, 146, 150, 0, 1, 2, 255, 254]).expect("w");
    std::fs::write(p("ok.csv"), b"customer_id,date,amount\nA,2024-01-01,10\n").expect("w");
    std::fs::write(p("x.doc"), b"hello").expect("w");
    let mut long = b"customer_id,date,amount\nA,2024-01-01,".to_vec();
    long.extend(std::iter::repeat_n(b'9', 9 << 20));
    std::fs::write(p("long.csv"), &long).expect("w");
    // Valid UTF-8 first, then GBK bytes: a file that mixes encodings.
    let mut mixed = b"customer_id,date,amount\n".to_vec();
    for i in 0..20_000 {
        mixed.extend(format!("C{i},2024-01-01,10\n").as_bytes());
    }
    mixed.extend(encoding_rs::GBK.encode("甲公司,2024-01-01,10\n").0.iter());
    std::fs::write(p("mixed.csv"), &mixed).expect("w");

    let run = |file: &Path| {
        let mut c = custval();
        c.args(rfm_args(
            file,
            "customer_id",
            "date",
            "amount",
            "2024-12-31",
        ));
        c
    };
    assert!(fails(&mut run(&p("missing.csv"))).contains("missing.csv"));
    assert!(fails(&mut run(&p("empty.csv"))).contains("empty"));
    assert!(fails(&mut run(&p("header.csv"))).contains("no data rows"));
    assert!(fails(&mut run(&p("garbage.csv"))).contains("not a text table"));
    assert!(fails(&mut run(&p("x.doc"))).contains("unsupported file type"));
    assert!(fails(&mut run(&p("long.csv"))).contains("longer than"));
    let e = fails(&mut run(&p("mixed.csv")));
    assert!(e.contains("line 20002") && e.contains("UTF-8"), "{e}");
    let e = fails(custval().args(rfm_args(
        &p("ok.csv"),
        "客户",
        "date",
        "amount",
        "2024-12-31",
    )));
    assert!(
        e.contains("no column named \"客户\"") && e.contains("customer_id, date, amount"),
        "{e}"
    );
    // Usage errors are clap's: exit 2.
    let out = custval()
        .args(["rfm", "--as-of", "nope"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn abc_classes_and_formats() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("values.csv");
    std::fs::write(&f, "id;value\nA;50\nB;30\nC;10\nD;5\nE;5\nA;0\n").expect("w");
    let out = custval()
        .args([
            "abc",
            "--input",
            &f.display().to_string(),
            "--id-col",
            "id",
            "--value-col",
            "value",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    let v = json(&out);
    let classes: Vec<&str> = v
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["class"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(classes, ["A", "A", "B", "B", "C"]);
    assert_eq!(v[1]["cumulative_share"], 0.8);
    let xlsx = dir.path().join("abc.xlsx");
    custval()
        .args([
            "abc",
            "--input",
            &f.display().to_string(),
            "--id-col",
            "id",
            "--value-col",
            "value",
            "--output",
            &xlsx.display().to_string(),
        ])
        .assert()
        .success();
    assert!(
        std::fs::metadata(&xlsx)
            .map(|m| m.len() > 1000)
            .unwrap_or(false)
    );
    let out = custval()
        .args([
            "abc",
            "--input",
            &f.display().to_string(),
            "--id-col",
            "id",
            "--value-col",
            "value",
            "--format",
            "csv",
        ])
        .output()
        .expect("run");
    assert!(
        out.stdout
            .starts_with(b"\xEF\xBB\xBFid,value,share,cumulative_share,class")
    );
}

#[test]
fn ahp_matrix_published_example() {
    let out = custval()
        .args([
            "weights",
            "ahp",
            "--matrix",
            "1 3 5; 1/3 1 3; 1/5 1/3 1",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    let v = json(&out);
    let w: Vec<f64> = v["weights"]
        .as_array()
        .expect("w")
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    for (got, want) in w.iter().zip([0.6370, 0.2583, 0.1047]) {
        assert!((got - want).abs() < 5e-4, "{got} vs {want}");
    }
    assert!((v["lambda_max"].as_f64().unwrap_or(0.0) - 3.0385).abs() < 5e-4);
    assert!((v["cr"].as_f64().unwrap_or(0.0) - 0.033).abs() < 1e-3);
    assert_eq!(v["consistent"], true);
    let e = fails(custval().args(["weights", "ahp", "--matrix", "1 3; 1/2 1"]));
    assert!(e.contains("matrix"), "{e}");
}

#[test]
fn entropy_critic_topsis_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("ind.csv");
    std::fs::write(
        &f,
        "customer,revenue,margin,complaints\nA,100,0.3,2\nB,80,0.5,0\nC,20,0.1,5\n",
    )
    .expect("w");
    for method in ["entropy", "critic"] {
        let v = json(
            &custval()
                .args([
                    "weights",
                    method,
                    "--input",
                    &f.display().to_string(),
                    "--cost",
                    "complaints",
                    "--format",
                    "json",
                ])
                .output()
                .expect("run"),
        );
        assert_eq!(
            v["columns"],
            serde_json::json!(["revenue", "margin", "complaints"])
        );
        let s: f64 = v["weights"]
            .as_array()
            .expect("w")
            .iter()
            .filter_map(Value::as_f64)
            .sum();
        assert!((s - 1.0).abs() < 1e-9);
    }
    let v = json(
        &custval()
            .args([
                "rank",
                "topsis",
                "--input",
                &f.display().to_string(),
                "--weights",
                "0.5,0.3,0.2",
                "--cost",
                "complaints",
                "--format",
                "json",
            ])
            .output()
            .expect("run"),
    );
    assert_eq!(v["rank"], serde_json::json!([2, 1, 3]));
    assert_eq!(v["closeness"].as_array().map(Vec::len), Some(3));
}

#[test]
fn generate_is_deterministic_and_parquet_agrees_with_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let pq = dir.path().join("pq");
    for (d, fmt) in [(&a, "csv"), (&b, "csv"), (&pq, "parquet")] {
        custval()
            .args([
                "generate",
                "--customers",
                "300",
                "--seed",
                "7",
                "--output",
                &d.display().to_string(),
                "--format",
                fmt,
            ])
            .assert()
            .success();
    }
    let read = |p: PathBuf| std::fs::read(p).expect("read");
    assert_eq!(
        read(a.join("transactions.csv")),
        read(b.join("transactions.csv"))
    );
    for f in [
        "customers.csv",
        "costs.csv",
        "interactions.csv",
        "surveys.csv",
        "contracts.csv",
        "payments.csv",
        "truth.csv",
    ] {
        assert!(a.join(f).exists(), "{f}");
    }
    let head = String::from_utf8(read(a.join("transactions.csv"))).expect("utf8");
    let header = head.lines().next().unwrap_or("");
    for col in [
        "order_id",
        "customer_id",
        "order_date",
        "amount",
        "cost",
        "category",
    ] {
        assert!(header.split(',').any(|h| h == col), "{header}");
    }
    let rfm = |file: PathBuf| {
        json(
            &custval()
                .args(rfm_args(
                    &file,
                    "customer_id",
                    "order_date",
                    "amount",
                    "2026-06-30",
                ))
                .args(["--format", "json"])
                .output()
                .expect("run"),
        )["customers"]
            .clone()
    };
    assert_eq!(
        rfm(a.join("transactions.csv")),
        rfm(pq.join("transactions.parquet"))
    );
}

#[test]
fn xlsx_input_with_dates_as_cells() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("orders.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let datefmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    ws.write(0, 0, "客户").expect("w");
    ws.write(0, 1, "日期").expect("w");
    ws.write(0, 2, "金额").expect("w");
    let rows = [
        ("甲", 2024, 1, 31, 100.0),
        ("甲", 2024, 2, 29, 50.0),
        ("乙", 2024, 3, 1, 70.0),
    ];
    for (i, (c, y, m, d, a)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write(r, 0, *c).expect("w");
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).expect("date");
        ws.write_with_format(r, 1, &date, &datefmt).expect("w");
        ws.write(r, 2, *a).expect("w");
    }
    ws.write(4, 0, "丙").expect("w");
    ws.write(4, 1, "2024/3/15").expect("w");
    ws.write(4, 2, "¥1,000").expect("w");
    wb.save(&path).expect("save");
    let v = json(
        &custval()
            .args(rfm_args(&path, "客户", "日期", "金额", "2024-03-31"))
            .args(["--format", "json"])
            .output()
            .expect("run"),
    );
    let c = v["customers"].as_array().expect("customers");
    let get = |id: &str| {
        c.iter()
            .find(|x| x["customer_id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(get("甲")["monetary"], 150.0);
    assert_eq!(get("甲")["recency_days"], 31);
    assert_eq!(get("丙")["monetary"], 1000.0);
    assert_eq!(get("丙")["recency_days"], 16);
}

#[test]
fn demo_runs() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = custval()
        .args([
            "demo",
            "--customers",
            "200",
            "--dir",
            &dir.path().join("demo").display().to_string(),
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let demo = dir.path().join("demo");
    assert!(text.contains("Report:"), "{text}");
    for f in [
        "custval.db",
        "custval.toml",
        "report.html",
        "report-zh.html",
    ] {
        assert!(demo.join(f).exists(), "{f} missing");
    }
    let html = std::fs::read_to_string(demo.join("report.html")).expect("report");
    assert!(
        html.contains("<svg") && html.contains("most"),
        "report without charts"
    );
}

/// Issue 16: `custval --version` names the commit the binary was built from.
#[test]
fn version_names_the_commit() {
    let out = custval().arg("--version").output().expect("run");
    let text = String::from_utf8_lossy(common::ok(&out)).to_string();
    assert!(
        text.starts_with(&format!("custval {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    let commit = text.split("(commit ").nth(1).unwrap_or("").trim_end();
    assert!(commit.ends_with(')') && commit.len() > 1, "{text}");
}

/// Issue 16: completions for the three shells come from the same clap definition.
#[test]
fn completions_for_bash_zsh_fish() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef custval"),
        ("fish", "complete -c custval"),
    ] {
        let out = custval()
            .args(["completions", shell])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(common::ok(&out)).to_string();
        assert!(text.contains(marker), "{shell}: no {marker:?}");
        // Subcommands and their options are in it (fish writes `-l as-of`).
        assert!(
            text.contains("evaluate") && text.contains("as-of"),
            "{shell}"
        );
    }
    fails_usage(custval().args(["completions", "powershell-9"]));
}

fn fails_usage(cmd: &mut assert_cmd::Command) {
    let out = cmd.output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}

/// Issue 16: the reference data the tests read is inside the repository.
#[test]
fn reference_data_is_in_the_repository() {
    let path = data("cdnow_transactions.csv");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (path, root) = (
        path.canonicalize()
            .expect("testdata/cdnow_transactions.csv exists"),
        root.canonicalize().expect("root"),
    );
    assert!(
        path.starts_with(&root),
        "{} is outside {}",
        path.display(),
        root.display()
    );
}
