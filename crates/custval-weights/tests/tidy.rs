//! Tidy checks review would otherwise have to catch, run as a test so the build fails on them.
//!
//! - Every source file opens with a `//!` header saying what it is for.
//! - No `unwrap()`, `expect(`, `panic!`, `todo!`, `unimplemented!` or `unreachable!` in library
//!   code outside `#[cfg(test)]` (the CLI must never see a panic on bad input).
//! - No bare `TODO`: write `TODO(reason): …` or `TODO: …` with an explanation.
//! - No source file longer than 1000 lines.

use std::fs;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 1000;
const FORBIDDEN: [&str; 6] = [
    ".unwrap()",
    ".expect(",
    "panic!(",
    "todo!(",
    "unimplemented!(",
    "unreachable!(",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    assert!(!files.is_empty());
    files
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn every_file_has_a_header() {
    for (path, text) in sources() {
        assert!(
            text.starts_with("//!"),
            "{} does not start with a `//!` header",
            path.display()
        );
    }
}

#[test]
fn no_panics_in_library_code() {
    let mut problems = Vec::new();
    for (path, text) in sources() {
        for (no, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break; // tests live at the end of each file
            }
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for pat in FORBIDDEN {
                if code.contains(pat) {
                    problems.push(format!(
                        "{}:{}: `{pat}` in library code: {}",
                        path.display(),
                        no + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn todos_are_explained() {
    for (path, text) in sources() {
        for (no, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("TODO") {
                let rest = line[pos + 4..].trim_start();
                let explained = (rest.starts_with('(') || rest.starts_with(':')) && rest.len() > 12;
                assert!(explained, "{}:{}: unexplained TODO", path.display(), no + 1);
            }
        }
    }
}

#[test]
fn files_stay_readable() {
    for (path, text) in sources() {
        let n = text.lines().count();
        assert!(
            n <= MAX_LINES,
            "{} has {n} lines (limit {MAX_LINES}); split it",
            path.display()
        );
    }
}
