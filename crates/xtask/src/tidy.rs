//! The tidy checks: what review would otherwise have to catch, over the whole workspace.
//!
//! Rules (each offence is reported with `file:line`):
//! 1. [`Rule::MissingHeader`]: a source file of `crates/*/src` whose first non-blank line is not
//!    a `//!` (or `/*!`) doc comment saying what the crate or module is for.
//! 2. [`Rule::UnexplainedTodo`]: a `TODO` or `FIXME` (upper case, as a word, anywhere in the
//!    file; quoted as `` `TODO` `` or `"TODO"` it is a mention, not a marker) without an
//!    explanation of at least [`MIN_TODO_EXPLANATION`] characters, written as `TODO(reason)`,
//!    `TODO(reason): text` or `TODO: text` (reason and text together count).
//! 3. [`Rule::LongFile`]: a source file over [`MAX_LINES`] lines.
//! 4. [`Rule::OutsidePath`]: a path that leaves the repository, such as the `shared/` folder that
//!    happens to sit beside the development checkout, in any code, test, bench or script of the
//!    whole tree (see [`check_self_contained`]). A fresh clone has nothing beside it, so what the
//!    tests and benchmarks read must live inside (`testdata/`).
//! 5. [`Rule::ModuleCycle`]: a cycle between the modules of a crate ([`modules`]).
//! 6. [`Rule::LongFunction`]: a non-test function over [`long_fns::MAX_FN_LINES`] lines without
//!    a `// Long because …` comment above it ([`long_fns`]).
//! 7. [`Rule::MissingFile`]: documentation naming a file that is not in the repository
//!    ([`doc_refs`]).
//! 8. [`Rule::PureIo`]: file system, network, process or async code in one of the pure crates
//!    of ARCHITECTURE.md ([`pure`]).
//!
//! Code that can panic (`unwrap`, `expect`, `panic!`, `todo!`, `unimplemented!`,
//! `unreachable!`, `dbg!`) is not a tidy rule: clippy finds it, with the lints of the
//! workspace's `Cargo.toml` and `clippy.toml`, from the compiler's view of what is test code.
//!
//! Rules 1–3, 5, 6 and 8 look at `crates/*/src` only: directories named `tests`, `benches` or
//! `examples` inside `src/` are skipped (test code); the crates' own `tests/`, `benches/` and
//! `examples/` are outside `src/` and never visited. Rules 5, 6 and 8 skip test code in files
//! too: items under `#[cfg(test)]` or `#[test]`, and modules declared under `#[cfg(test)]`.
//! Rules 4 and 7 look at every file.
//!
//! Rules 5–7 came with issue 20, while the code they judge was still being reworked:
//! [`ENFORCE_STRUCTURE`] says whether the workspace test fails on them. `cargo run -p xtask --
//! tidy` lists them either way.

pub mod doc_refs;
pub mod lex;
pub mod long_fns;
pub mod modules;
pub mod pure;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

pub use lex::code_lines;
use lex::is_ident_char;

/// Longest source file allowed, in lines.
pub const MAX_LINES: usize = 1200;
/// Shortest acceptable explanation after `TODO`/`FIXME`, in characters.
pub const MIN_TODO_EXPLANATION: usize = 10;
/// Whether the workspace test fails on the structure rules ([`Rule::is_structure`]): module
/// cycles, long functions and references to missing files.
pub const ENFORCE_STRUCTURE: bool = true;
const SKIPPED_DIRS: [&str; 3] = ["tests", "benches", "examples"];

/// Which rule an offence breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    MissingHeader,
    UnexplainedTodo,
    LongFile,
    OutsidePath,
    ModuleCycle,
    LongFunction,
    MissingFile,
    PureIo,
    Unreadable,
}

impl Rule {
    /// The rules [`ENFORCE_STRUCTURE`] switches.
    pub fn is_structure(self) -> bool {
        matches!(
            self,
            Rule::ModuleCycle | Rule::LongFunction | Rule::MissingFile
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::MissingHeader => "header",
            Rule::UnexplainedTodo => "todo",
            Rule::LongFile => "length",
            Rule::OutsidePath => "outside",
            Rule::ModuleCycle => "cycle",
            Rule::LongFunction => "long-fn",
            Rule::MissingFile => "missing-file",
            Rule::PureIo => "pure-io",
            Rule::Unreadable => "unreadable",
        })
    }
}

/// One broken rule at one place.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Offence {
    /// Path relative to the workspace root (as given to [`check_file`]).
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
    pub rule: Rule,
    pub message: String,
}

impl fmt::Display for Offence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: [{}] {}",
            self.path.display(),
            self.line,
            self.rule,
            self.message
        )
    }
}

/// A directory that could not be listed.
#[derive(Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl fmt::Display for WalkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: cannot list: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WalkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

pub(crate) fn list(dir: &Path) -> Result<Vec<PathBuf>, WalkError> {
    let entries = fs::read_dir(dir).map_err(|source| WalkError {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| WalkError {
            path: dir.to_path_buf(),
            source,
        })?;
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), WalkError> {
    for path in list(dir)? {
        if path.is_dir() {
            let skipped = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| SKIPPED_DIRS.contains(&n));
            if !skipped {
                collect_rs(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Every `crates/*/src/**/*.rs` under `root`, sorted, without `tests`/`benches`/`examples`
/// directories.
pub fn source_files(root: &Path) -> Result<Vec<PathBuf>, WalkError> {
    let mut out = Vec::new();
    for krate in list(&root.join("crates"))? {
        let src = krate.join("src");
        if src.is_dir() {
            collect_rs(&src, &mut out)?;
        }
    }
    Ok(out)
}

/// Runs every rule on the workspace at `root`; offences sorted by path and line, paths relative
/// to `root`.
pub fn check_workspace(root: &Path) -> Result<Vec<Offence>, WalkError> {
    let mut offences = Vec::new();
    // Per crate: its `src/` relative to `root`, and its files relative to `src/`.
    let mut crates: BTreeMap<PathBuf, BTreeMap<PathBuf, String>> = BTreeMap::new();
    for path in source_files(root)? {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        match fs::read_to_string(&path) {
            Ok(text) => {
                offences.extend(check_file(&rel, &text));
                if let Some((src, in_src)) = split_src(&rel) {
                    crates.entry(src).or_default().insert(in_src, text);
                }
            }
            Err(e) => offences.push(Offence {
                path: rel,
                line: 1,
                rule: Rule::Unreadable,
                message: format!("cannot read as UTF-8 text: {e}"),
            }),
        }
    }
    for (src, files) in &crates {
        offences.extend(check_crate(src, files));
    }
    offences.extend(check_self_contained(root)?);
    offences.extend(doc_refs::check_tree(root)?);
    offences.sort();
    Ok(offences)
}

/// A path under a crate's `src/` split into that `src/` and the rest.
fn split_src(rel: &Path) -> Option<(PathBuf, PathBuf)> {
    let parts: Vec<_> = rel.components().collect();
    let at = parts.iter().position(|c| c.as_os_str() == "src")?;
    let src: PathBuf = parts[..=at].iter().collect();
    let rest: PathBuf = parts[at + 1..].iter().collect();
    Some((src, rest))
}

/// The rules that need a whole crate (its module tree), on one crate: `src` is its `src/`
/// relative to the workspace root, `files` its source files relative to `src/`. Module cycles
/// are found over the crate's module tree; long functions and a pure crate's I/O in the files
/// that tree reaches (so a test module kept in a file of its own is not checked).
pub fn check_crate(src: &Path, files: &BTreeMap<PathBuf, String>) -> Vec<Offence> {
    let name = src.parent().and_then(|p| p.file_name()).map_or_else(
        || src.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let pure = pure::PURE_CRATES.contains(&name.as_str());
    let mut out = modules::check_crate(&name, src, files);
    for file in modules::non_test_files(files) {
        if let Some(text) = files.get(&file) {
            out.extend(long_fns::check_file(&src.join(&file), text));
            if pure {
                out.extend(pure::check_file(&src.join(&file), text));
            }
        }
    }
    out
}

/// Extensions of the files rule 4 reads: code, build files and scripts (documentation may tell
/// the project's history, it cannot break a build).
const SCRIPT_EXTENSIONS: [&str; 6] = ["rs", "sh", "py", "toml", "js", "sql"];
/// Folders rule 4 does not enter: version control, build output, the data itself.
const UNWALKED_DIRS: [&str; 4] = [".git", "target", "node_modules", "testdata"];

/// Paths that leave the repository. Written in pieces so that this file does not match itself.
fn outside_patterns() -> [String; 5] {
    let up = "..";
    let shared = "shared";
    [
        format!("{up}/{shared}"),
        format!("{shared}/data"),
        format!("{shared}/tools"),
        format!("/work/{shared}"),
        format!("{up}/{up}/{up}/"),
    ]
}

fn collect_scripts(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), WalkError> {
    for path in list(dir)? {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !UNWALKED_DIRS.contains(&name) {
                collect_scripts(&path, out)?;
            }
        } else {
            let ext = path.extension().and_then(|e| e.to_str());
            // `.ci/run` and other extension-less scripts under `.ci/`.
            let ci_script = ext.is_none()
                && path
                    .parent()
                    .and_then(|p| p.file_name())
                    .is_some_and(|n| n == ".ci");
            if ci_script || ext.is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e)) {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// Rule 4 on one file's text: every line naming a path outside the repository.
pub fn check_paths(path: &Path, text: &str) -> Vec<Offence> {
    let patterns = outside_patterns();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(p) = patterns.iter().find(|p| line.contains(p.as_str())) {
            out.push(Offence {
                path: path.to_path_buf(),
                line: i + 1,
                rule: Rule::OutsidePath,
                message: format!(
                    "`{p}` reaches outside the repository: a fresh clone has nothing there (keep the file in testdata/)"
                ),
            });
        }
    }
    out
}

/// Rule 4 over the whole tree at `root`: code, tests, benches, build files and scripts.
pub fn check_self_contained(root: &Path) -> Result<Vec<Offence>, WalkError> {
    let mut files = Vec::new();
    collect_scripts(root, &mut files)?;
    let mut offences = Vec::new();
    for path in files {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        // Binary or non-UTF-8 files cannot hold a path we would read.
        if let Ok(text) = fs::read_to_string(&path) {
            offences.extend(check_paths(&rel, &text));
        }
    }
    Ok(offences)
}

/// Rules 1–3 on one file. `path` is only used to name the file in offences.
pub fn check_file(path: &Path, text: &str) -> Vec<Offence> {
    let mut out = Vec::new();
    let offence = |line: usize, rule: Rule, message: String| Offence {
        path: path.to_path_buf(),
        line,
        rule,
        message,
    };

    let first = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty());
    let ok = first.is_some_and(|(_, l)| {
        let l = l.trim_start();
        l.starts_with("//!") || l.starts_with("/*!")
    });
    if !ok {
        out.push(offence(
            first.map_or(1, |(i, _)| i + 1),
            Rule::MissingHeader,
            "the file does not open with a `//!` doc block (what the crate or module is for, its design choices)".into(),
        ));
    }

    for (i, line) in text.lines().enumerate() {
        for (word, rest) in todo_markers(line) {
            if !todo_is_explained(rest) {
                out.push(offence(
                    i + 1,
                    Rule::UnexplainedTodo,
                    format!(
                        "`{word}` without an explanation: write `{word}(reason): text` or `{word}: text` (at least {MIN_TODO_EXPLANATION} characters)"
                    ),
                ));
            }
        }
    }

    let n = text.lines().count();
    if n > MAX_LINES {
        out.push(offence(
            MAX_LINES + 1,
            Rule::LongFile,
            format!("{n} lines (limit {MAX_LINES}): split the file"),
        ));
    }
    out
}

/// Each `TODO`/`FIXME` standing as a word in `line`, with the text that follows it.
fn todo_markers(line: &str) -> Vec<(&'static str, &str)> {
    let mut found = Vec::new();
    for word in ["TODO", "FIXME"] {
        let mut from = 0;
        while let Some(pos) = line[from..].find(word) {
            let start = from + pos;
            let end = start + word.len();
            // A word character before or after means another word (`TODOS`, `MY_TODO`); a
            // backtick or quote before means the word is being quoted, not used as a marker.
            let before_ok = !line[..start]
                .chars()
                .next_back()
                .is_some_and(|c| is_ident_char(c) || matches!(c, '`' | '"' | '\''));
            let after_ok = !line[end..].chars().next().is_some_and(is_ident_char);
            if before_ok && after_ok {
                found.push((word, &line[end..]));
            }
            from = end;
        }
    }
    found
}

/// Whether the text after a `TODO`/`FIXME` explains it: `(reason)` and/or `: text`, with reason
/// and text together at least [`MIN_TODO_EXPLANATION`] characters.
pub fn todo_is_explained(rest: &str) -> bool {
    let mut rest = rest;
    let mut explanation = 0;
    if let Some(after) = rest.strip_prefix('(') {
        let Some(close) = after.find(')') else {
            return false;
        };
        explanation += after[..close].trim().chars().count();
        rest = &after[close + 1..];
    }
    let rest = rest.trim_start();
    if let Some(text) = rest.strip_prefix(':') {
        explanation += text.trim().chars().count();
    } else if explanation == 0 {
        return false; // bare `TODO`, or `TODO something` without the colon
    }
    explanation >= MIN_TODO_EXPLANATION
}
