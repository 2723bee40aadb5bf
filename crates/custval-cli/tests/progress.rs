//! Progress bars on a terminal, and nothing extra anywhere else (issue 21): the long commands
//! (import, evaluate, report, an export) run under a real pseudo-terminal and draw their
//! steps with a percentage; with stderr not a terminal, or with `-q`, stderr carries no bar,
//! and `--format json` prints the same document either way.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::io::Read;
use std::path::Path;

use common::ws::Ws;
use common::{custval, json, ok};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use serde_json::Value;

/// What a command wrote to the terminal (stderr, and stdout unless redirected), and whether it
/// succeeded. `args` run through `sh -c` so that stdout can go to a file while stderr stays on
/// the terminal: `stdout_to` names that file.
fn on_terminal(ws: &Ws, args: &[&str], stdout_to: Option<&Path>) -> String {
    let bin = assert_cmd::cargo::cargo_bin("custval");
    let mut line = format!("exec '{}' --db '{}'", bin.display(), ws.db);
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    if let Some(p) = stdout_to {
        line.push_str(&format!(" > '{}'", p.display()));
    }
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 160,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new("sh");
    cmd.args(["-c", &line]);
    cmd.cwd(&ws.root);
    cmd.env("TERM", "xterm-256color");
    for k in ["CUSTVAL_LOG", "CUSTVAL_KEY", "CUSTVAL_KEY_FILE", "NO_COLOR"] {
        cmd.env_remove(k);
    }
    let mut child = pair.slave.spawn_command(cmd).expect("spawn under the pty");
    // The child holds the terminal now; reading ends when it closes it.
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let read = std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = [0u8; 8192];
        // Linux answers EIO once the last writer has gone: that is the end.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    });
    let status = child.wait().expect("wait");
    drop(pair.master);
    let out = String::from_utf8_lossy(&read.join().expect("reader thread")).to_string();
    assert!(status.success(), "{args:?} failed on the terminal: {out}");
    out
}

/// A percentage drawn by a bar: digits then `%`.
fn has_percent(text: &str) -> bool {
    text.match_indices('%')
        .any(|(i, _)| i > 0 && text.as_bytes()[i - 1].is_ascii_digit())
}

/// Nothing a bar would draw: no escape sequence, no carriage return, no step label.
fn assert_no_bar(stderr: &[u8], what: &str) {
    let text = String::from_utf8_lossy(stderr);
    assert!(
        !text.contains('\u{1b}'),
        "{what}: escape codes on stderr: {text:?}"
    );
    assert!(
        !text.contains('\r'),
        "{what}: carriage return on stderr: {text:?}"
    );
    for label in [
        "evaluate:",
        "import:",
        "report:",
        "customers:",
        "generating",
        "eta",
    ] {
        assert!(!text.contains(label), "{what}: {label:?} on stderr: {text}");
    }
}

/// The run's figures without what differs between two runs of the same data (its number,
/// its time, the previous run it was compared with).
fn comparable(mut v: Value) -> Value {
    let o = v.as_object_mut().expect("an object");
    for k in ["run", "seconds", "previous_run", "provisional"] {
        o.remove(k);
    }
    v
}

#[test]
fn long_commands_draw_bars_on_a_terminal_and_nothing_elsewhere() {
    let ws = Ws::empty();
    let data = ws.root.join("data");
    let out = custval()
        .args([
            "generate",
            "--customers",
            "400",
            "--months",
            "18",
            "--seed",
            "5",
        ])
        .args(["--output", &data.display().to_string()])
        .output()
        .unwrap();
    ok(&out);
    assert_no_bar(&out.stderr, "generate to a pipe");
    let term = on_terminal(
        &ws,
        &[
            "generate",
            "--customers",
            "50",
            "--output",
            &ws.path("small"),
        ],
        None,
    );
    assert!(term.contains("generating"), "{term}");

    // import: the bytes read, then the store transaction.
    let file = data.join("transactions.csv").display().to_string();
    let import_json = ws.root.join("import.json");
    let term = on_terminal(
        &ws,
        &["import", "transactions", &file, "--format", "json"],
        Some(&import_json),
    );
    assert!(term.contains("import: reading"), "{term}");
    assert!(has_percent(&term), "no percentage: {term}");
    let imported: Value = serde_json::from_slice(&std::fs::read(&import_json).unwrap())
        .expect("stdout redirected from the terminal is one JSON document");
    assert!(imported["accepted"].as_u64().unwrap() > 0, "{imported}");
    for t in ["customers", "costs", "payments"] {
        let f = data.join(format!("{t}.csv")).display().to_string();
        let out = ws
            .cmd(&["import", t, &f, "--format", "json"])
            .output()
            .unwrap();
        assert_no_bar(&out.stderr, "import to a pipe");
        json(&out);
    }

    // evaluate: each step by name, a percentage on the counted ones; stdout (to a file) is
    // the JSON a run without a terminal prints.
    let as_of = "2026-03-31";
    let eval_json = ws.root.join("evaluate.json");
    let term = on_terminal(
        &ws,
        &["evaluate", "--as-of", as_of, "--format", "json"],
        Some(&eval_json),
    );
    for step in [
        "evaluate: load",
        "evaluate: features",
        "evaluate: CLV fit",
        "evaluate: scores",
        "evaluate: write",
    ] {
        assert!(term.contains(step), "{step:?} not drawn: {term}");
    }
    assert!(has_percent(&term), "no percentage: {term}");
    assert!(term.contains("eta"), "no ETA: {term}");
    let on_term: Value =
        serde_json::from_slice(&std::fs::read(&eval_json).unwrap()).expect("one JSON document");

    let piped = ws
        .cmd(&["evaluate", "--as-of", as_of, "--format", "json"])
        .output()
        .unwrap();
    assert_no_bar(&piped.stderr, "evaluate to a pipe");
    let piped = json(&piped);
    let quiet = ws
        .cmd(&["-q", "evaluate", "--as-of", as_of, "--format", "json"])
        .output()
        .unwrap();
    assert!(quiet.stderr.is_empty(), "-q: {:?}", quiet.stderr);
    let quiet = json(&quiet);
    assert_eq!(comparable(on_term.clone()), comparable(piped));
    assert_eq!(comparable(on_term), comparable(quiet));

    // report and an export: one spinner per phase.
    let report = ws.path("report.html");
    let term = on_terminal(&ws, &["report", "--output", &report], None);
    assert!(term.contains("report: reading results"), "{term}");
    assert!(term.contains("report: writing"), "{term}");
    assert!(Path::new(&report).exists());
    let xlsx = ws.path("customers.xlsx");
    let term = on_terminal(
        &ws,
        &["customers", "list", "--format", "xlsx", "--output", &xlsx],
        None,
    );
    assert!(term.contains("customers: writing"), "{term}");
    let out = ws
        .cmd(&["report", "--output", &ws.path("again.html")])
        .output()
        .unwrap();
    assert_no_bar(&out.stderr, "report to a pipe");

    // -q on a terminal: not a byte of progress.
    let term = on_terminal(
        &ws,
        &["-q", "evaluate", "--as-of", as_of, "--format", "json"],
        Some(&ws.root.join("quiet.json")),
    );
    assert!(
        !term.contains("evaluate:") && !term.contains('\u{1b}'),
        "-q drew on the terminal: {term:?}"
    );

    // Issue 21: in Chinese the bars speak Chinese; only indicatif's time units (3s, 1m) and
    // the byte rates stay Latin.
    let term = on_terminal(
        &ws,
        &[
            "--lang", "zh", "evaluate", "--as-of", as_of, "--format", "json",
        ],
        Some(&ws.root.join("zh.json")),
    );
    let text = without_escapes(&term);
    for words in ["评估: 加载", "评估: 特征", "评估: 得分", "剩余"] {
        assert!(text.contains(words), "{words:?} not drawn: {text}");
    }
    let left: Vec<String> = custval_i18n::scan::latin_words(&text)
        .into_iter()
        .filter(|w| !["s", "ms", "m", "h"].contains(&w.as_str()))
        .collect();
    assert!(
        left.is_empty(),
        "untranslated on the zh bars: {left:?}\n{text}"
    );
}

/// `text` without terminal escape sequences (`ESC [ … letter`).
fn without_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}
