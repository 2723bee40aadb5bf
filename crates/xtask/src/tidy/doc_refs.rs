//! Rule [`Rule::MissingFile`]: documentation that names a file of
//! this repository which is not in it (a design note, a style guide or a data folder that only
//! existed beside a development checkout). A reader of a fresh clone cannot follow such a
//! reference; the text should point to a file that is here or say what it needs to say.
//!
//! Where: the `//!` and `///` doc comments of every `.rs` file, and every `.md` file, of the
//! tree (not `.git`, `target` or `node_modules`).
//!
//! What counts as a reference, kept narrow so that the rule stays quiet on prose:
//! - a span in backticks, or the target of a Markdown link `[text](target)`, that is a path
//!   ending in `.md`, `.rs`, `.toml`, `.sql` or `.csv` (letters, digits, `_`, `-`, `.` and `/`
//!   only, so `*.rs`, `<name>.csv` and URLs are left alone);
//! - a name in capitals ending in `.md` anywhere in the text, the way design notes and guides
//!   are usually named.
//!
//! Leading `./` and `../` are ignored. A reference without a `/` is then checked only when it
//! ends in `.md`: a bare `orders.csv` or `custval.toml` is usually a user's file, not one of
//! ours. A reference with a `/` exists when some file of the tree ends with it (so a crate's
//! `tests/cli.rs` and `../../testdata/donations.csv` both resolve); a bare `.md` name exists when
//! some file of the tree has that name.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::{Offence, Rule, WalkError, list};

/// File types a reference may name.
const EXTENSIONS: [&str; 5] = ["md", "rs", "toml", "sql", "csv"];
/// Folders not walked: version control, build output, installed packages.
const UNWALKED: [&str; 3] = [".git", "target", "node_modules"];

/// Every file under `root` (relative, with `/` separators), without [`UNWALKED`] folders.
fn all_files(root: &Path) -> Result<Vec<String>, WalkError> {
    let mut out = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for path in list(&dir)? {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !UNWALKED.contains(&name) {
                    todo.push(path);
                }
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The files of the tree, to check references against.
pub struct Tree {
    paths: BTreeSet<String>,
    names: BTreeSet<String>,
}

impl Tree {
    /// A tree of the given files (relative paths with `/` separators).
    pub fn new<I: IntoIterator<Item = String>>(files: I) -> Tree {
        let paths: BTreeSet<String> = files.into_iter().collect();
        let names = paths
            .iter()
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
            .collect();
        Tree { paths, names }
    }

    /// Whether `reference` (see the module docs) names a file of the tree.
    pub fn has(&self, reference: &str) -> bool {
        let r = strip_up(reference);
        if !r.contains('/') {
            return self.names.contains(r);
        }
        let tail = format!("/{r}");
        self.paths.contains(r) || self.paths.iter().any(|p| p.ends_with(&tail))
    }
}

/// `reference` without its leading `./` and `../`.
fn strip_up(reference: &str) -> &str {
    let mut r = reference;
    while let Some(rest) = r.strip_prefix("./").or_else(|| r.strip_prefix("../")) {
        r = rest;
    }
    r
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// Whether `s` looks like a path to one of [`EXTENSIONS`] (see the module docs).
fn looks_like_file(s: &str) -> bool {
    let s = strip_up(s);
    let Some((stem, ext)) = s.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty()
        && !stem.ends_with('/')
        && EXTENSIONS.contains(&ext)
        && s.chars().all(is_path_char)
        && (s.contains('/') || ext == "md")
}

/// The references to files in one line of documentation.
pub fn references(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Spans in backticks: the odd-numbered pieces between backticks.
    for (k, span) in line.split('`').enumerate() {
        if k % 2 == 1 && looks_like_file(span) {
            out.push(span.to_string());
        }
    }
    // Markdown link targets, without a `#fragment`.
    let mut rest = line;
    while let Some(p) = rest.find("](") {
        let after = &rest[p + 2..];
        let end = after.find(')').unwrap_or(after.len());
        let target = after[..end].split('#').next().unwrap_or("");
        if looks_like_file(target) {
            out.push(target.to_string());
        }
        rest = &after[end.min(after.len())..];
    }
    // Names in capitals ending in `.md`, written as plain words.
    for word in
        line.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')))
    {
        let word = word.trim_end_matches('.');
        if let Some(stem) = word.strip_suffix(".md") {
            let name = stem.rsplit('/').next().unwrap_or(stem);
            let capitals = name.chars().any(|c| c.is_ascii_uppercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit());
            if capitals && !out.iter().any(|o| o == word) {
                out.push(word.to_string());
            }
        }
    }
    out
}

/// The documentation lines of a file: every line of a `.md` file, the `//!` and `///` lines of a
/// `.rs` file, as (1-based line, text).
fn doc_lines(path: &Path, text: &str) -> Vec<(usize, String)> {
    let markdown = path.extension().is_some_and(|e| e == "md");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            markdown || t.starts_with("//!") || t.starts_with("///")
        })
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

/// Rule 7 on one file's text: each reference to a file that `tree` does not have.
pub fn check_file(path: &Path, text: &str, tree: &Tree) -> Vec<Offence> {
    let mut out = Vec::new();
    for (line, doc) in doc_lines(path, text) {
        for r in references(&doc) {
            if !tree.has(&r) {
                out.push(Offence {
                    path: path.to_path_buf(),
                    line,
                    rule: Rule::MissingFile,
                    message: format!(
                        "`{r}` is not in this repository: point to a file that is, or say here what it says"
                    ),
                });
            }
        }
    }
    out
}

/// Rule 7 over the tree at `root`: every `.md` file and every `.rs` file's doc comments.
pub fn check_tree(root: &Path) -> Result<Vec<Offence>, WalkError> {
    let files = all_files(root)?;
    let tree = Tree::new(files.iter().cloned());
    let mut out = Vec::new();
    for rel in files {
        let rel = PathBuf::from(rel);
        if !rel.extension().is_some_and(|e| e == "md" || e == "rs") {
            continue;
        }
        if let Ok(text) = fs::read_to_string(root.join(&rel)) {
            out.extend(check_file(&rel, &text, &tree));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Tree {
        Tree::new(
            [
                "README.md",
                "benchmarks/README.md",
                "crates/eval/src/engine.rs",
                "crates/eval/tests/rescore.rs",
                "testdata/donations.csv",
            ]
            .map(String::from),
        )
    }

    #[test]
    fn references_are_backticked_or_linked_paths_and_capital_md_names() {
        let line = concat!(
            "see `crates/eval/src/engine.rs`, [the notes](benchmarks/README.md#run) and ",
            "GUIDE.md's rules; not `*.rs`, `<name>.csv`, `custval.toml`, `a b.md`, ",
            "[site](https://example.invalid/x.md) or readme.md in prose"
        );
        assert_eq!(
            references(line),
            [
                "crates/eval/src/engine.rs",
                "benchmarks/README.md",
                "GUIDE.md"
            ]
        );
    }

    /// A plain path with a hyphen was cut at it, and its tail taken for a missing file.
    #[test]
    fn regression_a_hyphenated_path_is_one_reference() {
        assert_eq!(
            references("see crates/custval-synth/BENCH.md for the figures"),
            ["crates/custval-synth/BENCH.md"]
        );
    }

    #[test]
    fn a_reference_exists_by_its_end_or_its_name() {
        let t = tree();
        assert!(t.has("crates/eval/src/engine.rs"));
        assert!(t.has("tests/rescore.rs"));
        assert!(t.has("../../testdata/donations.csv"));
        assert!(t.has("README.md"));
        assert!(!t.has("docs/schema.md"));
        assert!(!t.has("GUIDE.md"));
        assert!(!t.has("src/rescore.rs"));
        assert!(!t.has("ine.rs"));
    }

    #[test]
    fn only_doc_comments_of_rust_files_are_read() {
        let text = concat!(
            "//! Header naming `spec/cli.md`.\n",
            "// A plain comment naming `spec/cli.md`.\n",
            "/// An item doc naming GUIDE.md.\n",
            "const S: &str = \"spec/cli.md\";\n",
            "    /// Indented: `./orders.csv` is a user's file, `tests/rescore.rs` is here.\n",
        );
        let found: Vec<(usize, Rule)> =
            check_file(Path::new("crates/eval/src/x.rs"), text, &tree())
                .into_iter()
                .map(|o| (o.line, o.rule))
                .collect();
        assert_eq!(found, [(1, Rule::MissingFile), (3, Rule::MissingFile)]);
        let md = check_file(Path::new("notes.md"), "Read `spec/cli.md`.\n", &tree());
        assert_eq!(md.len(), 1);
    }
}
