//! Issue 18, privacy at rest, end to end on the real binary: `init` creates the key file,
//! personal fields are encrypted in the file, `customer show` reads them with the key and says
//! why not without it, `customer forget` erases them and is audited.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::ws::Ws;
use common::{fails, json, ok};

const CUSTOMERS: &str = "customer_id,name,industry,owner,phone,email\n\
    K1,Wang Fang Flowers,retail,rep01,+86 138 1111 2222,wang.fang@example.cn\n\
    K2,Li Lei Tools,retail,rep02,+86 139 3333 4444,li.lei@example.cn\n";
const ORDERS: &str = "order_id,customer_id,order_date,amount\n\
    O1,K1,2025-01-05,120\nO2,K1,2025-03-05,80\nO3,K2,2025-02-01,40\nO4,K2,2025-05-01,60\n";

fn workspace() -> Ws {
    let ws = Ws::empty();
    let c = ws.write("customers.csv", CUSTOMERS);
    let o = ws.write("orders.csv", ORDERS);
    ok(&ws.cmd(&["import", "customers", &c]).output().expect("run"));
    ok(&ws
        .cmd(&["import", "transactions", &o])
        .output()
        .expect("run"));
    ok(&ws
        .cmd(&["evaluate", "--as-of", "2025-06-30"])
        .output()
        .expect("run"));
    ws
}

fn file_bytes(ws: &Ws) -> Vec<u8> {
    let mut b = std::fs::read(&ws.db).expect("db");
    if let Ok(w) = std::fs::read(format!("{}-wal", ws.db)) {
        b.extend(w);
    }
    b
}

fn has(hay: &[u8], s: &str) -> bool {
    hay.windows(s.len()).any(|w| w == s.as_bytes())
}

#[test]
fn init_creates_a_private_key_and_the_store_holds_no_phone_or_email() {
    let ws = workspace();
    let key = ws.root.join("custval.key");
    assert!(key.exists(), "init wrote custval.key beside custval.db");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("key").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Every command closes the store: the file (and any WAL) is all there is.
    let bytes = file_bytes(&ws);
    assert!(has(&bytes, "K1"));
    for secret in ["1111 2222", "3333 4444", "wang.fang@", "li.lei@"] {
        assert!(!has(&bytes, secret), "{secret} is in the SQLite file");
    }
    let key_text = std::fs::read_to_string(&key).expect("key");
    assert!(!has(&bytes, key_text.trim()));

    let shown = json(
        &ws.cmd(&["customer", "show", "K1", "--format", "json"])
            .output()
            .expect("run"),
    );
    assert_eq!(shown["personal"]["status"], "available");
    assert_eq!(shown["personal"]["phone"], "+86 138 1111 2222");
    assert_eq!(shown["personal"]["email"], "wang.fang@example.cn");
    assert!(shown["score"].is_number(), "the usual fields stay");
}

#[test]
fn without_the_key_the_rest_works_and_personal_data_says_why() {
    let ws = workspace();
    std::fs::rename(ws.root.join("custval.key"), ws.root.join("elsewhere.key")).expect("mv");
    // Lists, evaluations and the explanation work without the key…
    ok(&ws.cmd(&["customers", "list"]).output().expect("run"));
    let out = ws
        .cmd(&["customer", "show", "K1", "--format", "json"])
        .output()
        .expect("run");
    let shown = json(&out);
    assert_eq!(shown["personal"]["status"], "unavailable");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no key was given"), "{err}");
    // …importing personal fields is refused in one line, naming the fix…
    let c = ws.write("more.csv", "customer_id,phone\nK3,+86 137 5555 6666\n");
    let e = fails(ws.cmd(&["import", "customers", &c]).env("CUSTVAL_KEY", ""));
    assert!(e.contains("CUSTVAL_KEY"), "{e}");
    // …a wrong key is named as such, and a malformed one is an error.
    let other = "ab".repeat(32);
    let out = ws
        .cmd(&["customer", "show", "K1"])
        .env("CUSTVAL_KEY", &other)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("sealed with key"));
    let e = fails(
        ws.cmd(&["customers", "list"])
            .env("CUSTVAL_KEY", "not-a-key"),
    );
    assert!(e.contains("CUSTVAL_KEY: not a key"), "{e}");
    // The key given another way opens it again.
    let shown = json(
        &ws.cmd(&["customer", "show", "K1", "--format", "json"])
            .env("CUSTVAL_KEY_FILE", ws.path("elsewhere.key"))
            .output()
            .expect("run"),
    );
    assert_eq!(shown["personal"]["phone"], "+86 138 1111 2222");
}

#[test]
fn forget_erases_personal_data_keeps_the_scores_and_is_audited() {
    let ws = workspace();
    let before = json(
        &ws.cmd(&["customer", "show", "K1", "--format", "json"])
            .output()
            .expect("run"),
    );
    let e = fails(&mut ws.cmd(&["customer", "forget", "K1", "--reason", " "]));
    assert!(e.contains("--reason"), "{e}");
    let done = json(
        &ws.cmd(&[
            "customer",
            "forget",
            "K1",
            "--reason",
            "erasure request 7",
            "--format",
            "json",
        ])
        .output()
        .expect("run"),
    );
    assert_eq!(done["already"], false);
    let after = json(
        &ws.cmd(&["customer", "show", "K1", "--format", "json"])
            .output()
            .expect("run"),
    );
    assert_eq!(after["personal"]["status"], "forgotten");
    assert_eq!(after["name"], serde_json::Value::Null);
    // The history stays: the same score, tier and CLV.
    for f in ["score", "tier", "clv", "spend_12m"] {
        assert_eq!(after[f], before[f], "{f}");
    }
    let text = String::from_utf8_lossy(ok(&ws
        .cmd(&["customer", "show", "K1"])
        .output()
        .expect("run")))
    .to_string();
    assert!(text.contains("Personal data erased on"), "{text}");
    // Idempotent, and an unknown id is one clear line.
    let again = String::from_utf8_lossy(ok(&ws
        .cmd(&["customer", "forget", "K1", "--reason", "again"])
        .output()
        .expect("run")))
    .to_string();
    assert!(again.contains("already forgotten"), "{again}");
    let e = fails(&mut ws.cmd(&["customer", "forget", "NOPE", "--reason", "x"]));
    assert!(e.contains("unknown customer \"NOPE\""), "{e}");
    // Nothing of K1's name or contact is left in the file; K2 is untouched.
    let bytes = file_bytes(&ws);
    for gone in ["Wang Fang Flowers", "1111 2222", "wang.fang@"] {
        assert!(!has(&bytes, gone), "{gone} still in the file");
    }
    let k2 = json(
        &ws.cmd(&["customer", "show", "K2", "--format", "json"])
            .output()
            .expect("run"),
    );
    assert_eq!(k2["personal"]["email"], "li.lei@example.cn");
    // Works without the key too: erasing needs none.
    std::fs::remove_file(ws.root.join("custval.key")).expect("rm");
    ok(&ws
        .cmd(&["customer", "forget", "K2", "--reason", "request 8"])
        .output()
        .expect("run"));
}
