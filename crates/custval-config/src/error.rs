//! Errors and warnings that name the key and the line, and the source map that finds them.
//!
//! Lines are found by *key path* rather than stored in the config types: [`SourceMap`] walks
//! the span-preserving parse of the text (`toml::de::DeTable`) once and records, for every key
//! path (`indicator[3].formula`, `weights.current.expert.spend_12m`), the spans of the key and
//! its value. Validation then reports an error by path and the map turns it into a line and
//! column; serde errors, which carry only a byte span, are turned into the innermost path
//! whose key or value covers it. Paths index arrays from 1 (`indicator[1]` is the first
//! `[[indicator]]` block), as a person counts blocks in the file.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// What kind of problem a [`ConfigError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The text is not valid TOML.
    Syntax,
    /// Valid TOML of the wrong shape: unknown key, missing key, wrong type, unknown choice, or
    /// a field the chosen method needs.
    Schema,
    /// The same indicator id, action id or playbook class twice.
    Duplicate,
    /// An invalid id, or a name that refers to nothing (tier basis, cluster feature, class
    /// variable or value).
    Name,
    /// A formula or `when` rule that does not compile.
    Formula,
    /// A number out of its range (quantiles, cuts, weights of the two dimensions, …).
    Range,
    /// Expert weights or an AHP `order` that do not match the dimension's indicators.
    Weights,
    /// An AHP matrix that cannot be read or analyzed.
    Ahp,
}

/// A configuration error: which key, where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The kind of problem.
    pub kind: ErrorKind,
    /// The key path, e.g. `indicator[3].formula` (arrays count from 1); empty when the
    /// problem is not inside any key (a syntax error between tables).
    pub key: String,
    /// 1-based line in the file, when the config came from text.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the config came from text.
    pub column: Option<usize>,
    /// What is wrong, with a suggestion where one helps.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_located(f, self.line, self.column, &self.key, &self.message)
    }
}

/// Something valid but doubtful (an inconsistent AHP matrix, a field the method ignores).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The key path.
    pub key: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is doubtful and what to do.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_located(f, self.line, None, &self.key, &self.message)
    }
}

fn write_located(
    f: &mut fmt::Formatter<'_>,
    line: Option<usize>,
    column: Option<usize>,
    key: &str,
    message: &str,
) -> fmt::Result {
    match (line, column) {
        (Some(l), Some(c)) => write!(f, "line {l}, column {c}: ")?,
        (Some(l), None) => write!(f, "line {l}: ")?,
        _ => {}
    }
    if !key.is_empty() {
        write!(f, "{key}: ")?;
    }
    f.write_str(message)
}

#[derive(Debug, Clone)]
struct Entry {
    path: String,
    key: Range<usize>,
    value: Range<usize>,
}

/// Spans of every key path of a TOML text.
#[derive(Debug, Clone)]
pub(crate) struct SourceMap<'t> {
    text: &'t str,
    entries: Vec<Entry>,
    index: HashMap<String, usize>,
}

/// A key as it appears in a path: bare when it can be, quoted otherwise.
fn path_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_owned()
    } else {
        format!("{key:?}")
    }
}

/// Joins a parent path and a key.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        path_key(key)
    } else {
        format!("{parent}.{}", path_key(key))
    }
}

/// The parent of a path (`a.b[2].c` → `a.b[2]` → `a.b` → `a` → ``).
fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = if path.ends_with(']') {
        path.rfind('[')
    } else {
        path.rfind('.')
    };
    Some(cut.map_or("", |i| &path[..i]))
}

impl<'t> SourceMap<'t> {
    /// Records every key path of `root`, parsed from `text`.
    pub(crate) fn new(text: &'t str, root: &DeTable<'_>) -> Self {
        let mut map = SourceMap {
            text,
            entries: Vec::new(),
            index: HashMap::new(),
        };
        map.walk_table(root, "");
        for (i, e) in map.entries.iter().enumerate() {
            map.index.entry(e.path.clone()).or_insert(i);
        }
        map
    }

    fn walk_table(&mut self, table: &DeTable<'_>, prefix: &str) {
        for (key, value) in table.iter() {
            let path = join(prefix, key.get_ref());
            self.entries.push(Entry {
                path: path.clone(),
                key: key.span(),
                value: value.span(),
            });
            self.walk_value(value.get_ref(), &path);
        }
    }

    fn walk_value(&mut self, value: &DeValue<'_>, path: &str) {
        match value {
            DeValue::Table(t) => self.walk_table(t, path),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{}]", i + 1);
                    self.entries.push(Entry {
                        path: item_path.clone(),
                        key: item.span(),
                        value: item.span(),
                    });
                    self.walk_value(item.get_ref(), &item_path);
                }
            }
            _ => {}
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        line_column(self.text, offset)
    }

    /// Where `path` is: its value's start, or, for a path not in the file (a default was
    /// used), the nearest enclosing key that is.
    pub(crate) fn offset_of(&self, path: &str) -> Option<usize> {
        let mut p = Some(path);
        while let Some(cur) = p {
            if let Some(&i) = self.index.get(cur) {
                // A value's start; for a table, its `[header]`.
                return Some(self.entries[i].value.start);
            }
            p = parent(cur);
        }
        None
    }

    /// Whether `path` is written in the file.
    pub(crate) fn contains(&self, path: &str) -> bool {
        self.index.contains_key(path)
    }

    /// The innermost key path whose key or value covers byte `offset`.
    pub(crate) fn path_at(&self, offset: usize) -> Option<&str> {
        let covers = |r: &Range<usize>| {
            r.start <= offset && (offset < r.end || r.is_empty() && offset == r.start)
        };
        if let Some(e) = self.entries.iter().rev().find(|e| covers(&e.key)) {
            return Some(&e.path);
        }
        self.entries
            .iter()
            .filter(|e| covers(&e.value))
            .min_by_key(|e| (e.value.len(), usize::MAX - e.path.len()))
            .map(|e| e.path.as_str())
    }

    /// The byte offset in the file of byte `offset` inside the string value at `path`, when
    /// the string is written without escapes (so offsets line up); else the value's start.
    pub(crate) fn offset_in_string(
        &self,
        path: &str,
        decoded: &str,
        offset: usize,
    ) -> Option<usize> {
        let &i = self.index.get(path)?;
        let span = self.entries[i].value.clone();
        let raw = self.text.get(span.clone())?;
        let (open, close) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            let newline = if raw[3..].starts_with("\r\n") {
                2
            } else {
                usize::from(raw[3..].starts_with('\n'))
            };
            (3 + newline, 3)
        } else {
            (1, 1)
        };
        let inner = raw.get(open..raw.len().saturating_sub(close));
        if inner == Some(decoded) && offset <= decoded.len() {
            Some(span.start + open + offset)
        } else {
            Some(span.start)
        }
    }
}

/// 1-based (line, column) of byte `offset` in `text`; the column counts characters.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# c\n[[indicator]]\nid = \"a\"\n\n[[indicator]]\nid = 'b'\nformula = 'x + y'\n\n[weights.current]\nspend = 0.5\n\"odd key\" = 1\n";

    #[test]
    fn paths_and_positions() {
        let table = DeTable::parse(TEXT).unwrap();
        let map = SourceMap::new(TEXT, table.get_ref());
        let pos = |p: &str| map.offset_of(p).map(|o| map.position(o));
        assert_eq!(pos("indicator[1]"), Some((2, 1)));
        assert_eq!(pos("indicator[1].id"), Some((3, 6)));
        assert_eq!(pos("indicator[2].formula"), Some((7, 11)));
        assert_eq!(pos("weights.current.spend"), Some((10, 9)));
        assert_eq!(pos("weights.current"), Some((9, 1)));
        assert_eq!(pos("weights.current.\"odd key\""), Some((11, 13)));
        // Absent keys fall back to the enclosing table.
        assert_eq!(pos("indicator[2].missing"), Some((5, 1)));
        assert_eq!(pos("weights.potential.method"), Some((9, 2)));
        assert_eq!(pos("budget.total"), None);
        assert!(map.contains("indicator[2].formula") && !map.contains("budget"));
        // The innermost path covering an offset.
        let at = |line: usize, col: usize| {
            let offset = TEXT
                .split_inclusive('\n')
                .take(line - 1)
                .map(str::len)
                .sum::<usize>()
                + col
                - 1;
            map.path_at(offset).map(str::to_owned)
        };
        assert_eq!(at(7, 12).as_deref(), Some("indicator[2].formula"));
        assert_eq!(at(3, 1).as_deref(), Some("indicator[1].id"));
        assert_eq!(at(5, 3).as_deref(), Some("indicator[2]"));
        // Offsets inside a plain string map to the file.
        let o = map
            .offset_in_string("indicator[2].formula", "x + y", 4)
            .unwrap();
        assert_eq!(map.position(o), (7, 16));
    }

    #[test]
    fn parents_and_display() {
        assert_eq!(parent("a.b[2].c"), Some("a.b[2]"));
        assert_eq!(parent("a.b[2]"), Some("a.b"));
        assert_eq!(parent("a"), Some(""));
        assert_eq!(parent(""), None);
        assert_eq!(join("a", "b c"), "a.\"b c\"");
        let e = ConfigError {
            kind: ErrorKind::Range,
            key: "tiers.a".into(),
            line: Some(3),
            column: Some(5),
            message: "too big".into(),
        };
        assert_eq!(e.to_string(), "line 3, column 5: tiers.a: too big");
        assert_eq!(line_column("ab\n客户x", 9), (2, 3));
    }
}
