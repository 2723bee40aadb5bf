//! The tidy checks: what review would otherwise have to catch, over every `crates/*/src` tree.
//!
//! Rules (each offence is reported with `file:line`):
//! 1. [`Rule::MissingHeader`]: a crate root (`lib.rs`, `main.rs`, or a file directly in
//!    `src/bin/`) whose first non-blank line is not a `//!` (or `/*!`) doc comment.
//! 2. [`Rule::Panic`]: one of [`FORBIDDEN`] (`.unwrap()`, `.expect(`, `panic!(`, `todo!(`,
//!    `unimplemented!(`) in code, in libraries and binaries alike (a binary must not panic on a
//!    user's input either). Comments and string literals do not count; everything from the first
//!    `#[cfg(test)]` line of a file on is test code and is not checked.
//! 3. [`Rule::UnexplainedTodo`]: a `TODO` or `FIXME` (upper case, as a word, anywhere in the
//!    file; quoted as `` `TODO` `` or `"TODO"` it is a mention, not a marker) without an explanation of at least [`MIN_TODO_EXPLANATION`] characters, written as
//!    `TODO(reason)`, `TODO(reason): text` or `TODO: text` (reason and text together count).
//! 4. [`Rule::LongFile`]: a source file over [`MAX_LINES`] lines.
//! 5. [`Rule::OutsidePath`]: a path that leaves the repository, such as the `shared/` folder that
//!    happens to sit beside the development checkout, in any code, test, bench or script of the
//!    whole tree (see [`check_self_contained`]). A fresh clone has nothing beside it, so what the
//!    tests and benchmarks read must live inside (`testdata/`).
//!
//! Rules 1–4 look at `crates/*/src` only: directories named `tests`, `benches` or `examples`
//! inside `src/` are skipped (test code); the crates' own `tests/`, `benches/` and `examples/`
//! are outside `src/` and never visited. Rule 5 looks at every file.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// Longest source file allowed, in lines.
pub const MAX_LINES: usize = 1200;
/// Shortest acceptable explanation after `TODO`/`FIXME`, in characters.
pub const MIN_TODO_EXPLANATION: usize = 10;
/// Calls that panic, forbidden in non-test code.
pub const FORBIDDEN: [&str; 5] = [
    ".unwrap()",
    ".expect(",
    "panic!(",
    "todo!(",
    "unimplemented!(",
];
const SKIPPED_DIRS: [&str; 3] = ["tests", "benches", "examples"];

/// Which rule an offence breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    MissingHeader,
    Panic,
    UnexplainedTodo,
    LongFile,
    OutsidePath,
    Unreadable,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::MissingHeader => "header",
            Rule::Panic => "panic",
            Rule::UnexplainedTodo => "todo",
            Rule::LongFile => "length",
            Rule::OutsidePath => "outside",
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

fn list(dir: &Path) -> Result<Vec<PathBuf>, WalkError> {
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

/// Runs every rule on every source file of the workspace at `root`; offences sorted by path and
/// line, paths relative to `root`.
pub fn check_workspace(root: &Path) -> Result<Vec<Offence>, WalkError> {
    let mut offences = Vec::new();
    for path in source_files(root)? {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        match fs::read_to_string(&path) {
            Ok(text) => offences.extend(check_file(&rel, &text)),
            Err(e) => offences.push(Offence {
                path: rel,
                line: 1,
                rule: Rule::Unreadable,
                message: format!("cannot read as UTF-8 text: {e}"),
            }),
        }
    }
    offences.extend(check_self_contained(root)?);
    offences.sort();
    Ok(offences)
}

/// Extensions of the files rule 5 reads: code, build files and scripts (documentation may tell
/// the project's history, it cannot break a build).
const SCRIPT_EXTENSIONS: [&str; 6] = ["rs", "sh", "py", "toml", "js", "sql"];
/// Folders rule 5 does not enter: version control, build output, the data itself.
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

/// Rule 5 on one file's text: every line naming a path outside the repository.
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

/// Rule 5 over the whole tree at `root`: code, tests, benches, build files and scripts.
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

/// Is this file a crate root that needs a `//!` header?
fn is_crate_root(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str());
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str());
    matches!(name, Some("lib.rs" | "main.rs")) || parent == Some("bin")
}

/// All rules on one file. `path` is only used to name the file in offences and to tell whether it
/// is a crate root.
pub fn check_file(path: &Path, text: &str) -> Vec<Offence> {
    let mut out = Vec::new();
    let offence = |line: usize, rule: Rule, message: String| Offence {
        path: path.to_path_buf(),
        line,
        rule,
        message,
    };

    if is_crate_root(path) {
        let first = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty());
        let ok = first.is_some_and(|(_, l)| {
            let l = l.trim_start();
            l.starts_with("//!") || l.starts_with("/*!")
        });
        if !ok {
            out.push(offence(
                first.map_or(1, |(i, _)| i + 1),
                Rule::MissingHeader,
                "crate root does not open with a `//!` doc block (what the crate is for, its design choices)".into(),
            ));
        }
    }

    for (i, code) in code_lines(text).iter().enumerate() {
        if code.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        for pat in FORBIDDEN {
            if code.contains(pat) {
                out.push(offence(
                    i + 1,
                    Rule::Panic,
                    format!("`{pat}` outside `#[cfg(test)]`: return an error instead"),
                ));
            }
        }
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

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
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

/// The file's lines with comments and the contents of string and character literals blanked
/// out, so that `"… .unwrap() …"` in a message or `// never .unwrap()` in a comment is not
/// mistaken for code. Line numbers are preserved (newlines inside comments and strings are kept).
pub fn code_lines(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().filter(|&c| c != '\r').collect();
    let at = |i: usize| chars.get(i).copied();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev_ident = i > 0 && is_ident_char(chars[i - 1]);
        if c == '/' && at(i + 1) == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == Some('*') {
            let mut depth = 1;
            i += 2;
            while i < chars.len() && depth > 0 {
                if chars[i] == '/' && at(i + 1) == Some('*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == Some('/') {
                    depth -= 1;
                    i += 2;
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == '"' {
            out.push_str("\"\"");
            i += 1;
            while i < chars.len() {
                match chars[i] {
                    '\\' => {
                        if at(i + 1) == Some('\n') {
                            out.push('\n');
                        }
                        i += 2;
                    }
                    '"' => {
                        i += 1;
                        break;
                    }
                    ch => {
                        if ch == '\n' {
                            out.push('\n');
                        }
                        i += 1;
                    }
                }
            }
        } else if let Some(len) = raw_string_start(&chars, i, prev_ident) {
            // r"…", r#"…"#, br"…", cr"…": ends at a quote followed by the same number of #.
            let hashes = len.saturating_sub(2 + usize::from(c != 'r'));
            out.push_str("\"\"");
            i += len;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| at(i + k) == Some('#')) {
                    i += 1 + hashes;
                    break;
                }
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
        } else if c == '\'' {
            if at(i + 1) == Some('\\') {
                // '\n', '\'', '\u{..}'
                let mut j = i + 3;
                while j < chars.len() && chars[j] != '\'' && chars[j] != '\n' {
                    j += 1;
                }
                out.push_str("''");
                i = j + 1;
            } else if at(i + 2) == Some('\'') {
                out.push_str("''");
                i += 3;
            } else {
                out.push('\''); // a lifetime or a label
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out.lines().map(str::to_string).collect()
}

/// The length of a raw string literal's opening (`r"`, `r##"`, `br#"`, …) at `i`, if one starts
/// there.
fn raw_string_start(chars: &[char], i: usize, prev_ident: bool) -> Option<usize> {
    if prev_ident {
        return None;
    }
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some(j + 1 - i)
}
