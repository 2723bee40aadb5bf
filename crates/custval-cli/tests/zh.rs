//! Issue 21, Chinese in the CLI, end to end on the real binary: `customer show`, `customers
//! list` and `alerts` in Chinese contain no Latin word beyond the catalogue's allow-list (the
//! data's own ids, names and owners aside); `[ui] lang` in custval.toml chooses the language
//! and `--lang` wins; a bad `[ui]` value is one error line naming its line; quarantine reasons
//! and common errors come out in Chinese; JSON keeps its ids.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::collections::BTreeSet;

use common::{custval, fails, json, ok};
use serde_json::Value;

/// A generated workspace evaluated at two dates (so that the second run raises alerts).
fn workspace() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("custval.db").display().to_string();
    let data = dir.path().join("data").display().to_string();
    ok(&custval()
        .args(["generate", "--customers", "300", "--months", "24"])
        .args(["--seed", "5", "--output", &data])
        .output()
        .expect("run"));
    ok(&custval().args(["--db", &db, "init"]).output().expect("run"));
    for t in [
        "customers",
        "transactions",
        "costs",
        "payments",
        "surveys",
        "interactions",
    ] {
        let file = format!("{data}/{t}.csv");
        ok(&custval()
            .args(["--db", &db, "import", t, &file])
            .output()
            .expect("run"));
    }
    for as_of in ["2025-03-31", "2025-06-30"] {
        ok(&custval()
            .args(["--db", &db, "evaluate", "--as-of", as_of])
            .output()
            .expect("run"));
    }
    (dir, db)
}

fn stdout(db: &str, args: &[&str]) -> String {
    let out = custval()
        .args(["--db", db])
        .args(args)
        .output()
        .expect("run");
    String::from_utf8_lossy(ok(&out)).to_string()
}

/// Latin words of `text` that are neither on the catalogue's allow-list nor the data's own
/// (customer ids, owners: a company's codes are not text to translate).
fn untranslated(text: &str, data: &BTreeSet<String>) -> Vec<String> {
    // An e-mail address is the customer's own data, shown as stored.
    let text: String = text
        .lines()
        .filter(|l| !l.contains('@'))
        .collect::<Vec<_>>()
        .join("\n");
    let mut words = custval_i18n::scan::latin_words(&text);
    words.retain(|w| !data.contains(w));
    words.dedup();
    words
}

/// The data's own Latin words: every customer's id and owner, as the scan splits them.
fn data_words(db: &str) -> BTreeSet<String> {
    let rows = json(
        &custval()
            .args(["--db", db, "customers", "list", "--format", "json"])
            .output()
            .expect("run"),
    );
    let mut words = BTreeSet::new();
    for r in rows.as_array().expect("rows") {
        for k in ["customer_id", "owner", "name", "industry"] {
            if let Some(v) = r[k].as_str() {
                words.extend(custval_i18n::scan::latin_words(v));
            }
        }
    }
    words
}

#[test]
fn chinese_tables_have_no_untranslated_words() {
    let (_dir, db) = workspace();
    let data = data_words(&db);

    let list = stdout(&db, &["--lang", "zh", "customers", "list"]);
    assert!(
        list.contains("客户编号") && list.contains("价值类别"),
        "{list}"
    );
    assert_eq!(untranslated(&list, &data), Vec::<String>::new(), "{list}");
    // Filters too: a Chinese class name, and the list still Chinese.
    let most = stdout(
        &db,
        &[
            "--lang",
            "zh",
            "customers",
            "list",
            "--class",
            "最有价值客户",
        ],
    );
    assert_eq!(untranslated(&most, &data), Vec::<String>::new(), "{most}");

    let alerts = stdout(&db, &["--lang", "zh", "alerts", "--all"]);
    assert!(alerts.contains("预警"), "{alerts}");
    assert_eq!(
        untranslated(&alerts, &data),
        Vec::<String>::new(),
        "{alerts}"
    );

    // The top customer, and customers with alerts (their explanations are the longest).
    let rows = json(
        &custval()
            .args(["--db", &db, "customers", "list", "--format", "json"])
            .output()
            .expect("run"),
    );
    let mut ids: Vec<String> = rows
        .as_array()
        .expect("rows")
        .iter()
        .take(3)
        .map(|r| r["customer_id"].as_str().expect("id").to_string())
        .collect();
    let alerted = json(
        &custval()
            .args(["--db", &db, "alerts", "--all", "--format", "json"])
            .output()
            .expect("run"),
    );
    ids.extend(
        alerted
            .as_array()
            .expect("alerts")
            .iter()
            .take(3)
            .map(|a| a["customer_id"].as_str().expect("id").to_string()),
    );
    for id in &ids {
        let show = stdout(&db, &["--lang", "zh", "customer", "show", id]);
        assert!(
            show.contains("得分依据") && show.contains("分类依据"),
            "{show}"
        );
        assert_eq!(untranslated(&show, &data), Vec::<String>::new(), "{show}");
        // JSON keeps its ids whatever the language.
        let v: Value = json(
            &custval()
                .args(["--db", &db, "--lang", "zh", "customer", "show", id])
                .args(["--format", "json"])
                .output()
                .expect("run"),
        );
        let class = v["class"].as_str().expect("class");
        assert!(class.is_ascii(), "{class}");
    }
}

#[test]
fn the_config_chooses_the_language_and_the_flag_wins() {
    let (dir, db) = workspace();
    let cfg = dir.path().join("custval.toml");
    let text = std::fs::read_to_string(&cfg).expect("config");
    assert!(text.contains("\nlang = \"en\""), "the default says en");
    std::fs::write(&cfg, text.replacen("\nlang = \"en\"", "\nlang = \"zh\"", 1)).expect("write");
    let zh = stdout(&db, &["customers", "list", "--limit", "3"]);
    assert!(zh.contains("客户编号"), "{zh}");
    let en = stdout(&db, &["--lang", "en", "customers", "list", "--limit", "3"]);
    assert!(en.contains("customer") && !en.contains("客户编号"), "{en}");
    // Common errors in Chinese.
    let err = fails(custval().args(["--db", &db, "customers", "list", "--tier", "Z"]));
    assert!(err.contains("未知的等级") && err.contains("Z"), "{err}");
    let err = fails(custval().args(["--db", &db, "customer", "show", "NOBODY"]));
    assert!(
        err.contains("NOBODY") && !err.contains("is not in"),
        "{err}"
    );

    // A bad [ui] value is one line naming the file, the line and the key.
    assert!(
        text.contains("\ncurrency = \"CNY\""),
        "the default says CNY"
    );
    std::fs::write(
        &cfg,
        text.replacen("\ncurrency = \"CNY\"", "\ncurrency = \"rmb\"", 1),
    )
    .expect("write");
    let err = fails(custval().args(["--db", &db, "customers", "list"]));
    assert!(
        err.contains("custval.toml") && err.contains("ui.currency") && err.contains("line"),
        "{err}"
    );
}

#[test]
fn quarantine_reasons_and_errors_in_chinese() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("custval.db").display().to_string();
    ok(&custval().args(["--db", &db, "init"]).output().expect("run"));
    let file = dir.path().join("tx.csv");
    std::fs::write(
        &file,
        "order_id,customer_id,order_date,amount\n1,C1,2024-01-05,100\n2,C1,soon,50\n3,C2,2024-02-01,abc\n",
    )
    .expect("write");
    let out = custval()
        .args(["--db", &db, "--lang", "zh", "import", "transactions"])
        .arg(&file)
        .output()
        .expect("run");
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("被拒收"), "{err}");
    let q = std::fs::read_to_string(dir.path().join("tx.quarantine.csv"))
        .or_else(|_| std::fs::read_to_string(dir.path().join("tx.csv.quarantine.csv")))
        .expect("the quarantine file");
    assert!(q.contains("中的日期无效") && q.contains("soon"), "{q}");
    assert!(q.contains("中的数字无效") && q.contains("abc"), "{q}");
    assert!(!q.contains("bad date"), "{q}");

    // In English the reasons are the sentences they always were.
    let file2 = dir.path().join("tx2.csv");
    std::fs::write(
        &file2,
        "order_id,customer_id,order_date,amount\n9,C3,2024-01-05,100\n10,C3,soon,50\n",
    )
    .expect("write");
    ok(&custval()
        .args(["--db", &db, "import", "transactions"])
        .arg(&file2)
        .output()
        .expect("run"));
    let q = std::fs::read_to_string(dir.path().join("tx2.quarantine.csv"))
        .or_else(|_| std::fs::read_to_string(dir.path().join("tx2.csv.quarantine.csv")))
        .expect("the quarantine file");
    assert!(
        q.contains("bad date in order_date: \"\"soon\"\" is not a date"),
        "{q}"
    );

    // No run yet, a missing file: Chinese lines.
    let err = fails(custval().args(["--db", &db, "--lang", "zh", "alerts"]));
    assert!(err.contains("还没有评估批次"), "{err}");
    let err = fails(
        custval()
            .args(["--db", &db, "--lang", "zh", "import", "transactions"])
            .arg(dir.path().join("nothing.csv")),
    );
    assert!(err.contains("文件不存在"), "{err}");
}
