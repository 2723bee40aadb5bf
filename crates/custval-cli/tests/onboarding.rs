//! Issue 21, onboarding, end to end on the real binary: `serve` on a store without users says
//! how to create the first admin; the demo prints commands that work as typed (its real run
//! numbers) and will not erase saved account plans or overrides without `--force`.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{custval, fails, json, ok};

/// Starts `custval serve` on `db` at a free port, reads the URL line, stops the server with
/// SIGTERM and returns what it wrote on stderr.
fn serve_stderr(db: &str) -> String {
    let bin = assert_cmd::cargo::cargo_bin("custval");
    let mut server = Command::new(bin)
        .args(["--db", db, "serve", "--listen", "127.0.0.1:0"])
        .env_remove("CUSTVAL_LOG")
        .env_remove("CUSTVAL_KEY")
        .env_remove("CUSTVAL_KEY_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut first = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("the URL line");
    assert!(first.starts_with("http://127.0.0.1:"), "{first}");
    let pid = server.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    let mut err = String::new();
    server
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    assert!(server.wait().expect("wait").success(), "{err}");
    err
}

#[test]
fn serve_on_a_store_without_users_says_how_to_create_the_first_admin() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("custval.db").display().to_string();
    ok(&custval().args(["--db", &db, "init"]).output().expect("run"));
    let err = serve_stderr(&db);
    // The command works as printed: it names this store.
    let hint = format!("custval --db {db} user add NAME --role admin");
    assert!(err.contains(&hint), "{err}");
    assert!(err.contains("no users"), "{err}");
    let at = err.find(&hint).expect("hint");
    assert!(
        at < err.find("serving").expect("serving line"),
        "the hint comes before serving: {err}"
    );

    // Once an admin exists, the hint is gone.
    ok(&custval()
        .args(["--db", &db, "user", "add", "root", "--role", "admin"])
        .output()
        .expect("run"));
    let err = serve_stderr(&db);
    assert!(!err.contains("user add"), "{err}");
}

/// Runs the demo in `dir`; returns its stdout, or its failure's stderr.
fn demo(dir: &Path, extra: &[&str]) -> std::process::Output {
    custval()
        .args(["demo", "--customers", "200", "--months", "24", "--dir"])
        .arg(dir)
        .args(extra)
        .output()
        .expect("run")
}

#[test]
fn demo_prints_real_runs_and_keeps_saved_work_unless_forced() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("demo");
    let out = demo(&dir, &[]);
    let text = String::from_utf8_lossy(ok(&out)).to_string();
    let db = dir.join("custval.db").display().to_string();

    // The migrations hint names the first and the last run, and works as typed.
    let line = text
        .lines()
        .find(|l| l.contains(" migrations --from "))
        .unwrap_or_else(|| panic!("no migrations hint: {text}"));
    assert!(!line.contains('<'), "a placeholder: {line}");
    let words: Vec<&str> = line.split_whitespace().collect();
    let after = |flag: &str| -> i64 {
        let at = words.iter().position(|w| *w == flag).expect(flag);
        words[at + 1].parse().expect("a run number")
    };
    let runs = json(
        &custval()
            .args(["--db", &db, "runs", "--format", "json"])
            .output()
            .expect("run"),
    );
    let ids: Vec<i64> = runs
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["run"].as_i64().expect("id"))
        .collect();
    assert!(ids.len() > 1, "{runs}");
    assert_eq!(after("--from"), *ids.iter().min().expect("runs"));
    assert_eq!(after("--to"), *ids.iter().max().expect("runs"));
    ok(&custval()
        .args(&words[1..])
        .output()
        .expect("the printed command"));

    // A demo folder with nothing saved is simply made afresh.
    ok(&demo(&dir, &[]));

    // An override and an account plan are work someone did: the demo keeps them…
    let top = text
        .lines()
        .find_map(|l| l.split(" customer show ").nth(1))
        .expect("a customer show hint")
        .trim()
        .to_string();
    ok(&custval()
        .args(["--db", &db, "override", &top, "--tier", "C"])
        .args(["--reason", "demo check"])
        .output()
        .expect("run"));
    ok(&custval()
        .args(["--db", &db, "plan", "edit", &top, "--goal", "grow 10%"])
        .output()
        .expect("run"));
    let err = fails(
        custval()
            .args(["demo", "--customers", "200", "--months", "24", "--dir"])
            .arg(&dir),
    );
    for said in [
        "1 saved account plan",
        "1 tier override in force",
        "--dir",
        "backup",
        "--force",
    ] {
        assert!(err.contains(said), "{said:?} not in {err}");
    }
    let shown = json(
        &custval()
            .args(["--db", &db, "customer", "show", &top, "--format", "json"])
            .output()
            .expect("run"),
    );
    assert_eq!(shown["override"]["reason"], "demo check", "{shown}");

    // …until --force starts afresh.
    ok(&demo(&dir, &["--force"]));
    let shown = json(
        &custval()
            .args(["--db", &db, "customer", "show", &top, "--format", "json"])
            .output()
            .expect("run"),
    );
    assert!(shown["override"].is_null(), "{shown}");
}

/// Every option has help text: spot-check the three the issue named, as a user sees them.
#[test]
fn the_list_filters_are_explained_in_help() {
    let out = custval()
        .args(["customers", "list", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(ok(&out)).to_string();
    let lines: Vec<&str> = help.lines().collect();
    for flag in ["--tier", "--industry", "--owner"] {
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(flag))
            .unwrap_or_else(|| panic!("{flag} not in {help}"));
        let rest = lines[at].trim_start()[flag.len()..].trim();
        // `--tier <TIER>  Only this tier…`, or (clap's layout when the help is long) the text
        // on the next, more indented line.
        let same_line = rest.split_once('>').map_or(rest, |(_, t)| t).trim();
        let next_line = lines.get(at + 1).map_or("", |l| {
            let indent = |s: &str| s.len() - s.trim_start().len();
            if indent(l) > indent(lines[at]) && !l.trim_start().starts_with('-') {
                l.trim()
            } else {
                ""
            }
        });
        assert!(
            !same_line.is_empty() || !next_line.is_empty(),
            "{flag} has no help: {help}"
        );
    }
}
