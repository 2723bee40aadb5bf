//! Issue 18 end to end: `custval token create|list|revoke`, `custval user list|passwd` and
//! `custval audit` on the real binary; a token revoked from the command line is refused by a
//! running server at its next request; no token text is in the store file.

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

use common::{custval, fails, json, ok};
use serde_json::Value;

fn store() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("custval.db").display().to_string();
    ok(&custval().args(["--db", &db, "init"]).output().expect("run"));
    (dir, db)
}

fn run(db: &str, args: &[&str]) -> std::process::Output {
    custval()
        .args(["--db", db])
        .args(args)
        .env("USER", "ops")
        .output()
        .expect("run")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(ok(out)).trim().to_string()
}

/// GET on loopback with a bearer token: (status, body).
fn get(base: &str, path: &str, token: &str) -> (u16, String) {
    common::http::get(base, path, Some(token))
}

#[test]
fn tokens_are_created_listed_revoked_and_refused() {
    let (_dir, db) = store();
    ok(&run(&db, &["user", "add", "ann", "--role", "analyst"]));
    ok(&run(&db, &["user", "add", "bob", "--role", "admin"]));

    // The old form still works: 90 days by default.
    let t1 = stdout(&run(&db, &["token", "create", "--user", "ann"]));
    assert!(t1.starts_with("cvt_") && t1.len() == 68, "{t1}");
    let t2 = stdout(&run(
        &db,
        &["token", "create", "--user", "ann", "--expires", "2w"],
    ));
    let t3 = stdout(&run(
        &db,
        &["token", "create", "--user", "bob", "--expires", "365d"],
    ));
    // Tokens always expire, within a year; bad lifetimes are usage errors (exit 2).
    for bad in ["never", "366d", "0d", "3m", "soon"] {
        let out = run(&db, &["token", "create", "--user", "ann", "--expires", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    fails(custval().args(["--db", &db, "token", "create", "--user", "nobody"]));

    let list = json(&run(&db, &["token", "list", "--format", "json"]));
    let items = list.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 3);
    let days = |t: &Value| {
        let c = chrono::DateTime::parse_from_rfc3339(t["created_at"].as_str().unwrap_or(""));
        let e = chrono::DateTime::parse_from_rfc3339(t["expires_at"].as_str().unwrap_or(""));
        (e.expect("expires") - c.expect("created")).num_days()
    };
    // Newest first.
    assert_eq!(
        items
            .iter()
            .map(|t| (t["user"].as_str().unwrap_or(""), days(t)))
            .collect::<Vec<_>>(),
        [("bob", 365), ("ann", 14), ("ann", 90)]
    );
    for t in &items {
        for key in [
            "id",
            "user",
            "created_at",
            "expires_at",
            "last_used_at",
            "status",
        ] {
            assert!(t.get(key).is_some(), "{key} in {t}");
        }
        assert_eq!(t["status"], "active");
    }
    let ann = json(&run(
        &db,
        &["token", "list", "--user", "ann", "--format", "json"],
    ));
    assert_eq!(ann.as_array().map(Vec::len), Some(2));
    fails(custval().args(["--db", &db, "token", "list", "--user", "nobody"]));
    let table = stdout(&run(&db, &["token", "list"]));
    assert!(table.contains("last used") && table.contains("active"));
    // Never a token (nor any 64-hex-digit hash) in a listing.
    for out in [list.to_string(), table] {
        for t in [&t1, &t2, &t3] {
            assert!(!out.contains(&t[4..]), "{out}");
        }
    }
    let id1 = items[2]["id"].as_i64().expect("id").to_string();
    let id2 = items[1]["id"].as_i64().expect("id").to_string();

    // A server; the token works, then is revoked from another process and refused at once.
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
    assert_eq!(get(&url, "/api/v1/runs", &t1).0, 200);
    assert_eq!(get(&url, "/api/v1/runs", &t2).0, 200);
    ok(&run(&db, &["token", "revoke", &id1]));
    let (status, body) = get(&url, "/api/v1/runs", &t1);
    assert_eq!(status, 401);
    let body: Value = serde_json::from_str(&body).expect("the JSON error body");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("token revoked at")),
        "{body}"
    );
    assert_eq!(get(&url, "/api/v1/runs", &t2).0, 200);
    let pid = server.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    assert!(server.wait().expect("wait").success());

    // Revoking twice is harmless; an unknown id is an error.
    let again = run(&db, &["token", "revoke", &id1]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already revoked"));
    ok(&again);
    fails(custval().args(["--db", &db, "token", "revoke", "999"]));

    let list = json(&run(&db, &["token", "list", "--format", "json"]));
    let by_id = |id: &str| {
        list.as_array()
            .and_then(|a| {
                a.iter()
                    .find(|t| t["id"].as_i64().map(|i| i.to_string()).as_deref() == Some(id))
                    .cloned()
            })
            .unwrap_or_default()
    };
    assert_eq!(by_id(&id1)["status"], "revoked");
    assert!(by_id(&id1)["revoked_at"].is_string());
    // The server recorded the uses.
    assert!(by_id(&id2)["last_used_at"].is_string(), "{list}");
    assert!(by_id(&id2)["revoked_at"].is_null());

    // Creations and the revocation are audited, as the OS user, from the command line.
    let log = json(&run(
        &db,
        &["audit", "--action", "token", "--format", "json"],
    ));
    let entries: Vec<(String, String, String)> = log
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or("").to_string(),
                e["actor"].as_str().unwrap_or("").to_string(),
                e["source"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(entries.len(), 4, "{log}");
    assert_eq!(entries[0].0, "revoke_token");
    assert!(entries[1..].iter().all(|e| e.0 == "create_token"));
    assert!(entries.iter().all(|e| e.1 == "cli:ops" && e.2 == "cli:ops"));

    // The store file holds no token text (only SHA-256 hashes).
    let bytes = std::fs::read(&db).expect("the store file");
    for t in [&t1, &t2, &t3] {
        let secret = &t.as_bytes()[4..];
        assert!(!bytes.windows(secret.len()).any(|w| w == secret));
    }
}

#[test]
fn users_are_listed_and_passwords_changed_and_everything_audited() {
    let (_dir, db) = store();
    let pw = stdout(&run(&db, &["user", "add", "root", "--role", "admin"]));
    assert_eq!(pw.len(), 16);
    ok(&custval()
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
        .expect("run"));

    let users = json(&run(&db, &["user", "list", "--format", "json"]));
    assert_eq!(
        users,
        serde_json::json!([
            {"name": "rita", "role": "sales", "owner_id": "rep02", "has_password": true,
             "created_at": users[0]["created_at"]},
            {"name": "root", "role": "admin", "owner_id": null, "has_password": true,
             "created_at": users[1]["created_at"]},
        ])
    );
    let table = stdout(&run(&db, &["user", "list"]));
    assert!(table.contains("rita") && table.contains("rep02") && table.contains("password"));

    // A password from stdin prints nothing; a generated one is printed once.
    let out = custval()
        .args(["--db", &db, "user", "passwd", "rita", "--password-stdin"])
        .write_stdin("another long secret\n")
        .output()
        .expect("run");
    assert!(ok(&out).is_empty());
    let generated = stdout(&run(&db, &["user", "passwd", "root"]));
    assert_eq!(generated.len(), 16);
    assert_ne!(generated, pw);
    // Too short, unknown user: one clean error line, nothing changed.
    fails(
        custval()
            .args(["--db", &db, "user", "passwd", "rita", "--password-stdin"])
            .write_stdin("short\n"),
    );
    fails(
        custval()
            .args(["--db", &db, "user", "passwd", "nobody", "--password-stdin"])
            .write_stdin("long enough really\n"),
    );

    let log = json(&run(&db, &["audit", "--format", "json"]));
    let actions: Vec<(&str, &str)> = log
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["action"].as_str().unwrap_or(""),
                        e["subject"].as_str().unwrap_or(""),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        actions,
        [
            ("set_password", "root"),
            ("set_password", "rita"),
            ("add_user", "rita"),
            ("add_user", "root"),
        ]
    );
    // No secret in the log.
    let text = log.to_string();
    assert!(!text.contains(&generated) && !text.contains("another long secret"));
    // --limit and --action.
    let one = json(&run(&db, &["audit", "--limit", "1", "--format", "json"]));
    assert_eq!(one.as_array().map(Vec::len), Some(1));
    let adds = json(&run(
        &db,
        &["audit", "--action", "add_user", "--format", "json"],
    ));
    assert_eq!(adds.as_array().map(Vec::len), Some(2));
    let table = stdout(&run(&db, &["audit"]));
    assert!(table.contains("from") && table.contains("cli:ops"));

    // The audit log refuses to be rewritten even by the owner of the file: see the store's
    // regression test; here, the entries survive every command above.
    assert_eq!(log.as_array().map(Vec::len), Some(4));
}

/// Issue 18: a customer list written to a file is an export, audited with who and from where
/// (the web app's exports were; the command line's were not).
#[test]
fn regression_a_cli_export_to_a_file_is_audited() {
    let (dir, db) = store();
    let data = dir.path().join("data").display().to_string();
    ok(&run(
        &db,
        &[
            "generate",
            "--customers",
            "200",
            "--months",
            "24",
            "--seed",
            "3",
            "--output",
            &data,
        ],
    ));
    for t in ["customers", "transactions"] {
        ok(&run(&db, &["import", t, &format!("{data}/{t}.csv")]));
    }
    ok(&run(&db, &["evaluate", "--as-of", "2025-06-30"]));
    // On the terminal: a view, not an export.
    ok(&run(&db, &["customers", "list", "--limit", "5"]));
    let none = json(&run(
        &db,
        &["audit", "--action", "export", "--format", "json"],
    ));
    assert_eq!(none.as_array().map(Vec::len), Some(0));
    let file = dir.path().join("a.csv").display().to_string();
    ok(&run(
        &db,
        &["customers", "list", "--tier", "A", "--output", &file],
    ));
    let log = json(&run(
        &db,
        &["audit", "--action", "export", "--format", "json"],
    ));
    let e = &log[0];
    assert_eq!(e["action"], "export_customers");
    assert_eq!(
        (e["actor"].as_str(), e["source"].as_str()),
        (Some("cli:ops"), Some("cli:ops"))
    );
    assert_eq!(e["detail"]["file"], file.as_str());
    assert_eq!(e["detail"]["tier"], "A");
    assert!(e["detail"]["rows"].as_u64().is_some_and(|n| n > 0));
}
