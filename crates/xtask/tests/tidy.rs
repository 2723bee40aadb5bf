//! The workspace tidy test: runs [`xtask::tidy`] over every `crates/*/src` tree and fails with
//! the full list of offences (`file:line: [rule] message`), so one run shows everything to fix.
//! The same list is printed by `cargo run -p xtask -- tidy`.
//!
//! The rules themselves are tested below on small synthetic sources, so a change to a rule shows
//! up here before it shows up as a flood of offences (or a silent pass) across the workspace.

use std::path::{Path, PathBuf};

use xtask::tidy::{
    MAX_LINES, Rule, check_file, check_paths, check_workspace, code_lines, todo_is_explained,
};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask has a workspace root two levels up")
        .to_path_buf()
}

#[test]
fn workspace_is_tidy() {
    let offences = check_workspace(&workspace_root()).expect("walk the workspace");
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
fn crate_roots_need_a_doc_header() {
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
    // Modules need no header (a module doc is good style, not a rule).
    assert_eq!(rules("crates/a/src/parse.rs", "fn f() {}\n"), []);
}

#[test]
fn panics_are_found_in_code_but_not_in_comments_strings_or_tests() {
    let src = r##"//! Header.
fn a(x: Option<u8>) -> u8 { x.unwrap() }
fn b(x: Result<u8, ()>) -> u8 { x.expect("why") }
fn c() { panic!("no"); todo!(); unimplemented!() }
fn d(x: Option<u8>) -> u8 { x.unwrap_or(0) } // a comment saying .unwrap() is bad
/* block .unwrap()
   still a comment panic!( */
fn e() -> &'static str { "text with .unwrap() and panic!(" }
fn f() -> &'static str { r#"raw "quoted" .expect( text"# }
fn g() -> char { '"' }
fn h<'a>(s: &'a str) -> &'a str { s.trim() }
fn i(x: Option<u8>) -> u8 { x.unwrap() }
#[cfg(test)]
mod tests {
    fn t() { None::<u8>.unwrap(); panic!("fine in tests"); }
}
"##;
    assert_eq!(
        rules("crates/a/src/lib.rs", src),
        [
            (2, Rule::Panic),
            (3, Rule::Panic),
            (4, Rule::Panic),
            (4, Rule::Panic),
            (4, Rule::Panic),
            (12, Rule::Panic),
        ]
    );
}

#[test]
fn binaries_must_not_panic_either() {
    assert_eq!(
        rules(
            "crates/cli/src/main.rs",
            "//! CLI.\nfn main() { std::fs::read(\"x\").unwrap(); }\n"
        ),
        [(2, Rule::Panic)]
    );
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
    let o = &check_file(Path::new("crates/a/src/x.rs"), "fn f() { todo!() }\n")[0];
    assert_eq!(
        o.to_string(),
        "crates/a/src/x.rs:1: [panic] `todo!(` outside `#[cfg(test)]`: return an error instead"
    );
}

/// Issue 16: the tests read `../../../shared/data` beside the checkout, which a fresh clone does
/// not have. The rule must catch that shape in code and scripts, and leave in-repo paths alone.
#[test]
fn paths_outside_the_repository_are_found() {
    let up = "..";
    let outside = [
        format!(".join(\"{up}/{up}/{up}/shared/data\")"),
        format!("peers=\"$root/{up}/shared/tools/peers.sh\""),
        format!("DATA = \"/work/shared/data\""),
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
