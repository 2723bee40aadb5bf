//! The workspace tidy test: runs [`xtask::tidy`] over the workspace and fails with the full
//! list of offences (`file:line: [rule] message`), so one run shows everything to fix. The same
//! list is printed by `cargo run -p xtask -- tidy`.
//!
//! The rules themselves are tested below and in the `tidy` modules' unit tests on small
//! synthetic sources, so a change to a rule shows up there before it shows up as a flood of
//! offences (or a silent pass) across the workspace.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use std::path::{Path, PathBuf};

use xtask::tidy::{
    ENFORCE_STRUCTURE, MAX_LINES, Rule, check_file, check_paths, check_workspace, code_lines,
    todo_is_explained,
};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask has a workspace root two levels up")
        .to_path_buf()
}

/// Every rule; the structure rules (module cycles, long functions, references to missing
/// files) only while [`ENFORCE_STRUCTURE`] is on.
#[test]
fn workspace_is_tidy() {
    let offences: Vec<_> = check_workspace(&workspace_root())
        .expect("walk the workspace")
        .into_iter()
        .filter(|o| ENFORCE_STRUCTURE || !o.rule.is_structure())
        .collect();
    let list: Vec<String> = offences.iter().map(ToString::to_string).collect();
    assert!(
        offences.is_empty(),
        "{} tidy offence(s):\n{}",
        offences.len(),
        list.join("\n")
    );
}

#[test]
fn the_walk_finds_this_crate_and_skips_test_directories() {
    let files = xtask::tidy::source_files(&workspace_root()).expect("walk");
    assert!(
        files
            .iter()
            .any(|p| p.ends_with("crates/xtask/src/tidy.rs"))
    );
    assert!(
        files
            .iter()
            .all(|p| !p.components().any(|c| c.as_os_str() == "tests"))
    );
}

fn rules(path: &str, text: &str) -> Vec<(usize, Rule)> {
    check_file(Path::new(path), text)
        .into_iter()
        .map(|o| (o.line, o.rule))
        .collect()
}

#[test]
fn every_source_file_needs_a_doc_header() {
    assert_eq!(
        rules("crates/a/src/lib.rs", "\n//! What it is.\nfn f() {}\n"),
        []
    );
    assert_eq!(rules("crates/a/src/main.rs", "/*! Block header. */\n"), []);
    assert_eq!(
        rules("crates/a/src/lib.rs", "// plain comment\n//! late\n"),
        [(1, Rule::MissingHeader)]
    );
    assert_eq!(
        rules("crates/a/src/main.rs", "\n\nuse std::io;\n"),
        [(3, Rule::MissingHeader)]
    );
    assert_eq!(rules("crates/a/src/lib.rs", ""), [(1, Rule::MissingHeader)]);
    assert_eq!(
        rules("crates/a/src/bin/tool.rs", "fn main() {}\n"),
        [(1, Rule::MissingHeader)]
    );
    // Modules too: a module says why it exists.
    assert_eq!(
        rules("crates/a/src/parse.rs", "fn f() {}\n"),
        [(1, Rule::MissingHeader)]
    );
    assert_eq!(
        rules("crates/a/src/parse.rs", "//! Parsing.\nfn f() {}\n"),
        []
    );
}

/// Panics are clippy's (the workspace lints), not a text match: the tidy rules leave code that
/// unwraps alone.
#[test]
fn panics_are_left_to_clippy() {
    let src = "//! Header.\nfn a(x: Option<u8>) -> u8 { x.unwrap() }\nfn c() { panic!(\"no\") }\n";
    assert_eq!(rules("crates/a/src/lib.rs", src), []);
}

#[test]
fn lexer_keeps_line_numbers_through_multiline_strings_and_comments() {
    let src = "let s = \"a\nb\";\n/* x\ny */ let t = 1;\nlet c = '\\'';\nlet r = br#\"z\n\"#;\nend";
    let lines = code_lines(src);
    assert_eq!(lines.len(), src.lines().count());
    assert_eq!(lines[3], " let t = 1;");
    assert_eq!(lines[4], "let c = '';");
    assert_eq!(lines[7], "end");
}

#[test]
fn todos_need_an_explanation() {
    assert!(todo_is_explained(
        "(gbk): detect GB18030 four-byte sequences"
    ));
    assert!(todo_is_explained(": handle the 1900 leap-year bug"));
    assert!(todo_is_explained("(waiting for parquet 61 to ship)"));
    assert!(!todo_is_explained(""));
    assert!(!todo_is_explained(": fix"));
    assert!(!todo_is_explained("(bob)"));
    assert!(!todo_is_explained(" handle this later without a colon"));
    assert!(!todo_is_explained("(unclosed reason: text here"));

    let src = "//! H.\n// TODO\n// FIXME: later\n// TODO(perf): avoid the copy per row\n\
               fn todo_list() {}\n// TODOS and MY_TODO are not markers\n// FIXME(x)\n// the `TODO` word quoted is a mention\n";
    assert_eq!(
        rules("crates/a/src/lib.rs", src),
        [
            (2, Rule::UnexplainedTodo),
            (3, Rule::UnexplainedTodo),
            (7, Rule::UnexplainedTodo),
        ]
    );
}

#[test]
fn long_files_are_reported_once() {
    let long = "//! H.\n".to_string() + &"fn f() {}\n".repeat(MAX_LINES);
    assert_eq!(
        rules("crates/a/src/lib.rs", &long),
        [(MAX_LINES + 1, Rule::LongFile)]
    );
    let fits = "//! H.\n".to_string() + &"\n".repeat(MAX_LINES - 1);
    assert_eq!(rules("crates/a/src/lib.rs", &fits), []);
}

#[test]
fn offences_print_as_file_line() {
    let o = &check_file(Path::new("crates/a/src/x.rs"), "//! X.\n// TODO\n")[0];
    assert_eq!(
        o.to_string(),
        "crates/a/src/x.rs:2: [todo] `TODO` without an explanation: write `TODO(reason): text` or `TODO: text` (at least 10 characters)"
    );
}

/// Issue 16: the tests read a data folder beside the checkout (three levels up from a crate),
/// which a fresh clone does not have. The rule must catch that shape in code and scripts, and leave in-repo paths alone.
#[test]
fn paths_outside_the_repository_are_found() {
    let (up, sh) = ("..", "shared");
    let outside = [
        format!(".join(\"{up}/{up}/{up}/{sh}/data\")"),
        format!("peers=\"$root/{up}/{sh}/tools/peers.sh\""),
        format!("DATA = \"/work/{sh}/data\""),
        format!("concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{up}/{up}/{up}/elsewhere.csv\")"),
    ];
    for line in &outside {
        let found = check_paths(Path::new("crates/a/tests/t.rs"), line);
        assert_eq!(found.len(), 1, "not caught: {line}");
        assert_eq!(found[0].rule, Rule::OutsidePath);
    }
    let inside = [
        ".join(\"../../testdata\")",
        "root=\"$(cd \"$here/../..\" && pwd)\"",
        "// every customer's data is shared with the web server",
    ];
    for line in inside {
        assert_eq!(
            check_paths(Path::new("crates/a/tests/t.rs"), line),
            [],
            "{line}"
        );
    }
}
