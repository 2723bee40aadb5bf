//! End-to-end tests of `custval serve`, `custval user add` and `custval token create` on the
//! real binary: the URL is the first stdout line, the API answers with a created token, a
//! sales token sees only its owner's customers, and SIGTERM stops the server cleanly.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::http::{get, request, set_cookie};
use common::{custval, fails, json, ok};
use serde_json::Value;

/// A generated and evaluated workspace (the demo's steps, small).
fn workspace() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("custval.db").display().to_string();
    let data = dir.path().join("data").display().to_string();
    ok(&custval()
        .args([
            "generate",
            "--customers",
            "300",
            "--months",
            "24",
            "--seed",
            "5",
        ])
        .args(["--output", &data])
        .output()
        .expect("run"));
    ok(&custval().args(["--db", &db, "init"]).output().expect("run"));
    for t in ["customers", "transactions", "costs"] {
        let file = format!("{data}/{t}.csv");
        ok(&custval()
            .args(["--db", &db, "import", t, &file])
            .output()
            .expect("run"));
    }
    json(
        &custval()
            .args([
                "--db",
                &db,
                "evaluate",
                "--as-of",
                "2025-06-30",
                "--format",
                "json",
            ])
            .output()
            .expect("run"),
    );
    (dir, db)
}

#[test]
fn demo_serve_prints_credentials_that_log_in() {
    let dir = tempfile::tempdir().expect("tmp");
    let demo = dir.path().join("demo").display().to_string();
    let bin = assert_cmd::cargo::cargo_bin("custval");
    let mut server = Command::new(bin)
        .args([
            "demo",
            "--customers",
            "300",
            "--months",
            "24",
            "--dir",
            &demo,
        ])
        .args(["--serve", "--listen", "127.0.0.1:0"])
        .env_remove("CUSTVAL_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("demo");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let mut password = None;
    let mut url = None;
    for line in lines.by_ref() {
        let line = line.expect("utf-8");
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"admin") && words.len() >= 2 {
            password = Some(words[1].to_string());
        }
        if line.starts_with("http://127.0.0.1:") {
            url = Some(line);
            break;
        }
    }
    let (url, password) = (url.expect("the URL"), password.expect("admin's password"));
    let (status, head, page) = request(&url, "GET", "/login", "", "");
    assert_eq!(status, 200);
    let token = set_cookie(&head, "custval_login").expect("login cookie");
    assert!(page.contains(&token));
    let form = format!("user=admin&password={password}&token={token}");
    let (status, head, _) = request(
        &url,
        "POST",
        "/login",
        &format!(
            "Cookie: custval_login={token}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        ),
        &form,
    );
    assert_eq!(status, 303, "{head}");
    let session = set_cookie(&head, "custval_session").expect("session");
    let (status, _, page) = request(
        &url,
        "GET",
        "/",
        &format!("Cookie: custval_session={session}\r\nAccept-Language: zh-CN\r\n"),
        "",
    );
    assert_eq!(status, 200);
    assert!(page.contains("仪表盘"));
    let pid = server.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    assert!(server.wait().expect("wait").success());
}

#[test]
fn user_add_token_create_and_serve() {
    let (_dir, db) = workspace();
    // A generated password is printed once on stdout.
    let out = custval()
        .args(["--db", &db, "user", "add", "boss", "--role", "admin"])
        .output()
        .expect("run");
    let pw = String::from_utf8_lossy(ok(&out)).trim().to_string();
    assert_eq!(pw.len(), 16, "{pw}");
    // A password from stdin is not printed.
    let out = custval()
        .args([
            "--db",
            &db,
            "user",
            "add",
            "rita",
            "--role",
            "sales",
            "--owner-id",
            "rep02",
        ])
        .arg("--password-stdin")
        .write_stdin("a long enough secret\n")
        .output()
        .expect("run");
    assert!(ok(&out).is_empty());
    // Usage errors: unknown role, a sales user without owner, a duplicate user.
    fails(custval().args(["--db", &db, "user", "add", "x", "--role", "boss"]));
    fails(custval().args(["--db", &db, "user", "add", "x", "--role", "sales"]));
    fails(custval().args(["--db", &db, "user", "add", "boss", "--role", "admin"]));
    fails(custval().args(["--db", &db, "token", "create", "--user", "nobody"]));

    let token = |user: &str| {
        let out = custval()
            .args(["--db", &db, "token", "create", "--user", user])
            .output()
            .expect("run");
        String::from_utf8_lossy(ok(&out)).trim().to_string()
    };
    let admin_token = token("boss");
    let sales_token = token("rita");
    assert!(admin_token.len() >= 32 && !admin_token.contains(char::is_whitespace));

    let bin = assert_cmd::cargo::cargo_bin("custval");
    let mut server = Command::new(bin)
        .args(["--db", &db, "serve", "--listen", "127.0.0.1:0"])
        .env_remove("CUSTVAL_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let url = lines.next().expect("a first line").expect("utf-8");
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
        "{url}"
    );
    assert!(!url.ends_with(":0/"));

    let (status, _) = get(&url, "/healthz", None);
    assert_eq!(status, 200);
    let (status, _) = get(&url, "/api/v1/customers", None);
    assert_eq!(status, 401);
    let (status, body) = get(
        &url,
        "/api/v1/customers?tier=A&page=1&per_page=50",
        Some(&admin_token),
    );
    assert_eq!(status, 200);
    let page: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(page["page"], 1);
    assert_eq!(page["per_page"], 50);
    let customers = page["customers"].as_array().cloned().unwrap_or_default();
    assert!(!customers.is_empty());
    assert!(customers.iter().all(|c| c["tier"] == "A"));

    // GET /api/v1/customers/{id} is what `customer show --format json` prints.
    let id = customers[0]["customer_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let (status, body) = get(&url, &format!("/api/v1/customers/{id}"), Some(&admin_token));
    assert_eq!(status, 200);
    let api: Value = serde_json::from_str(&body).expect("json");
    let cli = json(
        &custval()
            .args(["--db", &db, "customer", "show", &id, "--format", "json"])
            .output()
            .expect("run"),
    );
    for key in [
        "customer_id",
        "score",
        "tier",
        "class",
        "contributions",
        "actions",
    ] {
        assert_eq!(api[key], cli[key], "{key}");
    }

    // The sales token: only rep02's customers; another owner's customer is 404.
    let (_, body) = get(&url, "/api/v1/customers?per_page=1000", Some(&sales_token));
    let mine: Value = serde_json::from_str(&body).expect("json");
    let list = mine["customers"].as_array().cloned().unwrap_or_default();
    assert!(!list.is_empty());
    assert!(list.iter().all(|c| c["owner"] == "rep02"));
    let other = customers
        .iter()
        .find(|c| c["owner"] != "rep02")
        .and_then(|c| c["customer_id"].as_str())
        .unwrap_or("")
        .to_string();
    let (status, _) = get(
        &url,
        &format!("/api/v1/customers/{other}"),
        Some(&sales_token),
    );
    assert_eq!(status, 404);

    // SIGTERM ends it cleanly.
    let pid = server.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = server.wait().expect("wait");
    assert!(status.success(), "{status:?}");
}
