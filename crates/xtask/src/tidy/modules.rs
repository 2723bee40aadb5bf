//! Rule [`Rule::ModuleCycle`]: no cycle between the modules of a
//! crate, so that each module can be read, tested and moved with only what it depends on.
//!
//! How the graph is built, for each crate (a `src/lib.rs` or `src/main.rs` and the modules it
//! declares):
//! - **Nodes** are the crate's file modules, found by following `mod name;` from the crate root
//!   to its file (`name.rs`, or `mod.rs` in a folder `name`), then to their own children. Test
//!   code does not count: items under `#[cfg(test)]` or `#[test]` are blanked, and a module
//!   declared under `#[cfg(test)]` is not visited. An inline `mod x { … }` is read as part of its
//!   file (a `super::` inside one is taken as the file's), and `#[path]` attributes are not
//!   followed: the workspace uses neither outside tests.
//! - **References** are the paths that start with `crate::` or `super::` in non-test code, in
//!   `use` declarations (with their `{…}` groups) and in expressions and types alike. A path
//!   names the deepest file module its leading segments reach (`crate::a::b::Item` is `a::b` when
//!   `a` has a file module `b`, else `a`). A name a module imports with `use` (or re-exports
//!   with `pub use`, as a crate root does) is followed to where it comes from, so
//!   `crate::Engine` re-exported from `engine` counts as a reference to `engine`. Glob imports
//!   are not followed.
//! - **The tree is not a cycle.** A module is part of its parent: a child using its parent's
//!   items (`super::X`) and a parent using its children (declaring them, re-exporting them) is
//!   the normal shape of a tree and gives no edge. A reference from module `A` to module `B`
//!   counts between the two **siblings** under their closest common ancestor that contain them:
//!   `crate::engine::run` used in module `classes::round` is an edge `classes -> engine`, and
//!   `super::accounts::x` used in `pages/customers.rs` is an edge `pages::customers ->
//!   pages::accounts`. So cycles are found between top-level modules and between siblings at any
//!   depth, and the crate root (which owns everything) is never part of one.
//!
//! A cycle is reported once per strongly connected set of siblings, as one of its cycles with
//! the place of each step's first reference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::lex::Code;
use super::{Offence, Rule};

/// A module's path inside its crate (`[]` is the crate root, `["pages", "customers"]` is
/// `pages::customers`).
type ModPath = Vec<String>;

/// One crate's file modules.
struct Module {
    /// Relative to the crate's `src/`.
    file: PathBuf,
    code: Code,
}

/// Where a reference was written: file relative to `src/`, and 1-based line.
type Place = (PathBuf, usize);

fn show(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// The `mod name;` declarations of a file's non-test code.
fn declared_modules(code: &Code) -> Vec<String> {
    let mut out = Vec::new();
    for i in code.words("mod") {
        let j = code.skip_space(i + 3);
        let Some((name, after)) = code.ident(j) else {
            continue;
        };
        if code.at(code.skip_space(after)) == Some(';') {
            out.push(name);
        }
    }
    out
}

/// The file of module `name` declared in `parent` (relative to `src/`), among `files`.
fn child_file(parent: &Path, name: &str, files: &BTreeMap<PathBuf, String>) -> Option<PathBuf> {
    let stem = parent.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let dir = parent.parent().unwrap_or(Path::new(""));
    // A crate root or a `mod.rs` holds its children beside it; `a.rs` holds them in `a/`.
    let holds_beside =
        stem == "mod" || (dir.as_os_str().is_empty() && matches!(stem, "lib" | "main"));
    let dir = if holds_beside {
        dir.to_path_buf()
    } else {
        dir.join(stem)
    };
    [
        dir.join(format!("{name}.rs")),
        dir.join(name).join("mod.rs"),
    ]
    .into_iter()
    .find(|p| files.contains_key(p))
}

/// The modules reachable from the crate root `root` (relative to `src/`) through non-test
/// `mod name;` declarations.
fn module_tree(root: &Path, files: &BTreeMap<PathBuf, String>) -> BTreeMap<ModPath, Module> {
    let mut out = BTreeMap::new();
    let mut todo = vec![(Vec::new(), root.to_path_buf())];
    while let Some((path, file)) = todo.pop() {
        let Some(text) = files.get(&file) else {
            continue;
        };
        let code = Code::non_test(text);
        for name in declared_modules(&code) {
            if let Some(child) = child_file(&file, &name, files) {
                let mut p = path.clone();
                p.push(name);
                todo.push((p, child));
            }
        }
        out.insert(path, Module { file, code });
    }
    out
}

/// A path's segments as written (`self`, `super` and `crate` included), with `*` for a glob.
pub(crate) type Segments = Vec<String>;

/// Parses the path or use-tree starting at `i` (`a::b::C`, `a::{b, c::D as E}`, `a::*`),
/// appending every leaf path, after `prefix`, with its `as` name to `out`.
pub(crate) fn parse_tree(
    code: &Code,
    i: usize,
    prefix: &Segments,
    out: &mut Vec<(Segments, Option<String>)>,
) {
    let mut segs = prefix.clone();
    let mut i = code.skip_space(i);
    loop {
        if code.at(i) == Some('{') {
            // A group: trees separated by commas, up to the matching brace.
            let mut j = i + 1;
            loop {
                j = code.skip_space(j);
                match code.at(j) {
                    Some('}') | None => return,
                    Some(',') => j += 1,
                    _ => {
                        let end = tree_end(code, j);
                        parse_tree(code, j, &segs, out);
                        if end <= j {
                            return;
                        }
                        j = end;
                    }
                }
            }
        }
        if code.at(i) == Some('*') {
            segs.push("*".into());
            out.push((segs, None));
            return;
        }
        let Some((name, after)) = code.ident(i) else {
            if segs.len() > prefix.len() {
                out.push((segs, None));
            }
            return;
        };
        segs.push(name);
        let next = code.skip_space(after);
        if code.path_sep(next) {
            i = code.skip_space(next + 2);
            continue;
        }
        // `as alias` renames the leaf.
        let alias = if code.word_at(next, "as") {
            code.ident(code.skip_space(next + 2)).map(|(a, _)| a)
        } else {
            None
        };
        out.push((segs, alias));
        return;
    }
}

/// The end of the use-tree starting at `i` inside a group: the next `,` or `}` at depth 0.
fn tree_end(code: &Code, i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while let Some(c) = code.at(j) {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return j,
            '}' => depth -= 1,
            ',' if depth == 0 => return j,
            _ => {}
        }
        j += 1;
    }
    j
}

/// Turns the segments written in module `at` into a path from the crate root, if they start
/// with `crate`, `self` or `super` (or, with `children` given, with the name of a child module
/// of `at`, as a `use` may). `None` for an external crate's path.
fn absolute(
    at: &[String],
    segs: &[String],
    children: Option<&BTreeSet<String>>,
) -> Option<Segments> {
    let first = segs.first()?;
    let mut base: Segments = at.to_vec();
    let mut rest = segs;
    match first.as_str() {
        "crate" => {
            base.clear();
            rest = &segs[1..];
        }
        "self" => rest = &segs[1..],
        "super" => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        name if children.is_some_and(|c| c.contains(name)) => {}
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// One crate's module graph: its modules, the names each imports, and the references.
struct Graph {
    modules: BTreeMap<ModPath, Module>,
    /// Per module: imported (or re-exported) name -> the path it stands for.
    aliases: BTreeMap<ModPath, BTreeMap<String, Segments>>,
}

impl Graph {
    fn new(modules: BTreeMap<ModPath, Module>) -> Graph {
        let mut aliases: BTreeMap<ModPath, BTreeMap<String, Segments>> = BTreeMap::new();
        for (path, m) in &modules {
            let children: BTreeSet<String> = modules
                .keys()
                .filter(|k| k.len() == path.len() + 1 && k.starts_with(path))
                .filter_map(|k| k.last().cloned())
                .collect();
            let names = aliases.entry(path.clone()).or_default();
            for i in m.code.words("use") {
                let mut leaves = Vec::new();
                parse_tree(&m.code, i + 3, &Vec::new(), &mut leaves);
                for (segs, alias) in leaves {
                    let Some(abs) = absolute(path, &segs, Some(&children)) else {
                        continue;
                    };
                    let last = segs.last().cloned().unwrap_or_default();
                    let name = match (alias, last.as_str()) {
                        (Some(a), _) => a,
                        (None, "*") => continue,
                        (None, "self") => {
                            let Some(n) = abs.iter().rev().nth(1) else {
                                continue;
                            };
                            n.clone()
                        }
                        (None, _) => last,
                    };
                    let target: Segments = abs.into_iter().filter(|s| s != "self").collect();
                    names.insert(name, target);
                }
            }
        }
        Graph { modules, aliases }
    }

    /// The deepest file module `segs` (a path from the crate root) reaches, following imports.
    fn resolve(&self, segs: &[String], hops: usize) -> ModPath {
        let mut cur: ModPath = Vec::new();
        for (i, s) in segs.iter().enumerate() {
            let mut next = cur.clone();
            next.push(s.clone());
            if self.modules.contains_key(&next) {
                cur = next;
                continue;
            }
            let target = self.aliases.get(&cur).and_then(|a| a.get(s));
            match target {
                // A bounded number of hops: `use` chains could loop (`a` imports `b::X`, `b`
                // imports `a::X`), which the compiler rejects but this reading cannot tell.
                Some(target) if hops < 8 => {
                    let mut full = target.clone();
                    full.extend(segs[i + 1..].iter().cloned());
                    return self.resolve(&full, hops + 1);
                }
                _ => break,
            }
        }
        cur
    }

    /// Every reference of module `at` to another module: (target, place).
    fn references(&self, at: &ModPath, m: &Module) -> Vec<(ModPath, Place)> {
        let mut out = Vec::new();
        let code = &m.code;
        let starts = code.words("crate").into_iter().chain(code.words("super"));
        for i in starts {
            // `crate` and `super` are both five characters long.
            if !code.path_sep(code.skip_space(i + 5)) {
                continue; // `pub(crate)`, `pub(super)`
            }
            // Only where a path starts: not after `::` (the second `super` of `super::super`),
            // `$` (`$crate` in a macro) or `in` (`pub(in crate::a)`).
            if let Some(p) = code.prev_non_space(i) {
                let prev = code.at(p);
                if prev == Some('$') || prev == Some(':') {
                    continue;
                }
                if p >= 1 && code.word_at(p - 1, "in") {
                    continue;
                }
            }
            let mut leaves = Vec::new();
            parse_tree(code, i, &Vec::new(), &mut leaves);
            for (segs, _) in leaves {
                if let Some(abs) = absolute(at, &segs, None) {
                    let target = self.resolve(&abs, 0);
                    out.push((target, (m.file.clone(), code.line(i))));
                }
            }
        }
        out
    }

    /// Edges between siblings (see the module docs), each with the place of its first reference.
    fn sibling_edges(&self) -> BTreeMap<(ModPath, ModPath), Place> {
        let mut edges: BTreeMap<(ModPath, ModPath), Place> = BTreeMap::new();
        for (at, m) in &self.modules {
            for (target, place) in self.references(at, m) {
                let common = at.iter().zip(&target).take_while(|(a, b)| a == b).count();
                if common == at.len() || common == target.len() {
                    continue; // the same module, an ancestor or a descendant
                }
                let key = (at[..=common].to_vec(), target[..=common].to_vec());
                let entry = edges.entry(key).or_insert_with(|| place.clone());
                if place < *entry {
                    *entry = place;
                }
            }
        }
        edges
    }
}

/// Strongly connected sets of two or more nodes (Tarjan's algorithm, iterative).
fn cycles_in(nodes: &[ModPath], next: &BTreeMap<ModPath, Vec<ModPath>>) -> Vec<Vec<ModPath>> {
    let index_of: BTreeMap<&ModPath, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n, i)).collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            next.get(n)
                .map(|v| v.iter().filter_map(|m| index_of.get(m).copied()).collect())
                .unwrap_or_default()
        })
        .collect();
    let n = nodes.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut counter = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next successor to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(top) = work.last_mut() {
            let (v, k) = *top;
            if let Some(&w) = succ[v].get(k) {
                top.1 += 1;
                if index[w] == usize::MAX {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut set = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    set.push(nodes[w].clone());
                    if w == v {
                        break;
                    }
                }
                if set.len() > 1 {
                    set.sort();
                    out.push(set);
                }
            }
        }
    }
    out.sort();
    out
}

/// A shortest cycle through the first node of `set`, within `set` (breadth-first).
fn one_cycle(set: &[ModPath], next: &BTreeMap<ModPath, Vec<ModPath>>) -> Vec<ModPath> {
    let start = &set[0];
    let inside: BTreeSet<&ModPath> = set.iter().collect();
    let mut came_from: BTreeMap<&ModPath, &ModPath> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for w in next.get(v).into_iter().flatten() {
            if !inside.contains(w) {
                continue;
            }
            if w == start {
                let mut cycle = vec![v.clone()];
                let mut cur = v;
                while cur != start {
                    let Some(&p) = came_from.get(cur) else {
                        break;
                    };
                    cycle.push(p.clone());
                    cur = p;
                }
                cycle.reverse();
                return cycle;
            }
            if !came_from.contains_key(w) && w != start {
                came_from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    vec![start.clone()]
}

/// The files of a crate's non-test module tree (from `lib.rs` and `main.rs`), relative to
/// `src/`.
pub fn non_test_files(files: &BTreeMap<PathBuf, String>) -> BTreeSet<PathBuf> {
    ["lib.rs", "main.rs"]
        .into_iter()
        .map(PathBuf::from)
        .filter(|root| files.contains_key(root))
        .flat_map(|root| module_tree(&root, files).into_values().map(|m| m.file))
        .collect()
}

/// Rule 5 on one crate: `files` maps paths relative to `src/` to their text; `src` is the
/// `src/` folder relative to the workspace root (to name files in offences) and `name` the
/// crate's name (to name the crate in messages).
pub fn check_crate(name: &str, src: &Path, files: &BTreeMap<PathBuf, String>) -> Vec<Offence> {
    let mut out = Vec::new();
    for root in ["lib.rs", "main.rs"] {
        let root = PathBuf::from(root);
        if !files.contains_key(&root) {
            continue;
        }
        let graph = Graph::new(module_tree(&root, files));
        let edges = graph.sibling_edges();
        let mut next: BTreeMap<ModPath, Vec<ModPath>> = BTreeMap::new();
        let mut nodes = BTreeSet::new();
        for (a, b) in edges.keys() {
            next.entry(a.clone()).or_default().push(b.clone());
            nodes.insert(a.clone());
            nodes.insert(b.clone());
        }
        let nodes: Vec<ModPath> = nodes.into_iter().collect();
        for set in cycles_in(&nodes, &next) {
            let cycle = one_cycle(&set, &next);
            let mut steps = Vec::new();
            let mut names: Vec<String> = cycle.iter().map(|m| show(m)).collect();
            names.push(show(&cycle[0]));
            let mut first_place = None;
            for (k, a) in cycle.iter().enumerate() {
                let b = &cycle[(k + 1) % cycle.len()];
                if let Some((file, line)) = edges.get(&(a.clone(), b.clone())) {
                    first_place.get_or_insert((file.clone(), *line));
                    steps.push(format!(
                        "{} -> {} at {}:{line}",
                        show(a),
                        show(b),
                        src.join(file).display()
                    ));
                }
            }
            let others: Vec<String> = set
                .iter()
                .filter(|m| !cycle.contains(m))
                .map(|m| show(m))
                .collect();
            let also = if others.is_empty() {
                String::new()
            } else {
                format!("; also tangled: {}", others.join(", "))
            };
            let (file, line) = first_place.unwrap_or_else(|| (root.clone(), 1));
            out.push(Offence {
                path: src.join(file),
                line,
                rule: Rule::ModuleCycle,
                message: format!(
                    "module cycle in {name}: {} ({}{also}): move what both sides need into a module of its own",
                    names.join(" -> "),
                    steps.join("; ")
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cycles `check_crate` reports for a crate made of `files` (path, text), as their
    /// `a -> b -> a` part.
    fn cycles(files: &[(&str, &str)]) -> Vec<String> {
        let files: BTreeMap<PathBuf, String> = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        check_crate("demo", Path::new("crates/demo/src"), &files)
            .into_iter()
            .map(|o| {
                assert_eq!(o.rule, Rule::ModuleCycle);
                let after = o.message.split("module cycle in demo: ").nth(1).unwrap();
                after.split(" (").next().unwrap().to_string()
            })
            .collect()
    }

    #[test]
    fn two_modules_using_each_other_are_a_cycle() {
        let found = cycles(&[
            ("lib.rs", "mod a;\nmod b;\n"),
            ("a.rs", "use crate::b::X;\npub fn g() {}\n"),
            (
                "b.rs",
                "pub struct X;\npub fn f() {\n    crate::a::g()\n}\n",
            ),
        ]);
        assert_eq!(found, ["a -> b -> a"]);
    }

    #[test]
    fn the_offence_names_each_step_and_its_place() {
        let files: BTreeMap<PathBuf, String> = [
            ("lib.rs", "mod a;\nmod b;\n"),
            ("a.rs", "\nuse crate::b::X;\n"),
            ("b.rs", "use crate::a::Y;\n"),
        ]
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
        let found = check_crate("demo", Path::new("crates/demo/src"), &files);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, PathBuf::from("crates/demo/src/a.rs"));
        assert_eq!(found[0].line, 2);
        assert!(
            found[0]
                .message
                .contains("a -> b at crates/demo/src/a.rs:2; b -> a at crates/demo/src/b.rs:1"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_longer_cycle_is_reported_once_with_its_path() {
        let found = cycles(&[
            (
                "lib.rs",
                "mod engine;\nmod classes;\nmod details;\nmod types;\n",
            ),
            (
                "engine.rs",
                "use crate::classes::classify;\nuse crate::types::T;\n",
            ),
            ("classes.rs", "use crate::details::detail;\n"),
            (
                "details.rs",
                "use crate::engine::Frozen;\nuse crate::types::T;\n",
            ),
            ("types.rs", "pub struct T;\n"),
        ]);
        assert_eq!(found, ["classes -> details -> engine -> classes"]);
    }

    #[test]
    fn parents_and_children_are_a_tree_not_a_cycle() {
        let found = cycles(&[
            ("lib.rs", "mod a;\npub use a::g;\npub fn root_helper() {}\n"),
            (
                "a.rs",
                "mod c;\nuse c::Y;\npub fn g() { crate::root_helper() }\n",
            ),
            (
                "a/c.rs",
                "use super::g;\nuse crate::a::g as h;\npub struct Y;\n",
            ),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn re_exports_are_followed_to_their_module() {
        let found = cycles(&[
            (
                "lib.rs",
                "mod engine;\nmod classes;\npub use engine::Engine;\n",
            ),
            ("classes.rs", "use crate::Engine;\npub struct Class;\n"),
            (
                "engine.rs",
                "use crate::classes::Class;\npub struct Engine;\n",
            ),
        ]);
        assert_eq!(found, ["classes -> engine -> classes"]);
        // Through a parent's private import too: `super::X` where the parent imported X.
        let found = cycles(&[
            ("lib.rs", "mod a;\nmod b;\nuse b::X;\n"),
            ("a.rs", "use super::X;\npub fn g() {}\n"),
            ("b.rs", "pub struct X;\nfn f() { crate::a::g() }\n"),
        ]);
        assert_eq!(found, ["a -> b -> a"]);
    }

    #[test]
    fn grouped_and_relative_paths_count() {
        let found = cycles(&[
            ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
            (
                "a.rs",
                "use crate::{\n    b::X,\n    c::{self, Y as Z},\n};\npub struct W;\n",
            ),
            ("b.rs", "pub struct X;\n"),
            ("c.rs", "pub struct Y;\nfn f() -> super::a::W { todo() }\n"),
        ]);
        assert_eq!(found, ["a -> c -> a"]);
    }

    #[test]
    fn siblings_deeper_in_the_tree_are_checked_too() {
        let found = cycles(&[
            ("lib.rs", "mod pages;\n"),
            ("pages/mod.rs", "mod customers;\nmod accounts;\n"),
            (
                "pages/customers.rs",
                "use super::accounts::x;\npub fn y() {}\n",
            ),
            (
                "pages/accounts.rs",
                "pub fn x() { crate::pages::customers::y() }\n",
            ),
        ]);
        assert_eq!(
            found,
            ["pages::accounts -> pages::customers -> pages::accounts"]
        );
        // A grandchild reaching its parent's sibling with `super::super`.
        let found = cycles(&[
            ("lib.rs", "mod a;\nmod b;\n"),
            ("a.rs", "mod inner;\n"),
            ("a/inner.rs", "use super::super::b::X;\n"),
            ("b.rs", "pub struct X;\nuse crate::a::Q;\n"),
        ]);
        assert_eq!(found, ["a -> b -> a"]);
    }

    #[test]
    fn test_code_and_non_paths_do_not_count() {
        let found = cycles(&[
            ("lib.rs", "mod a;\nmod b;\n#[cfg(test)]\nmod helpers;\n"),
            ("a.rs", "use crate::b::X;\npub(crate) fn g() {}\n"),
            (
                "b.rs",
                "pub struct X;\npub(in crate::b) fn h() {}\nmacro_rules! m { () => { $crate::a::g() } }\n\
                 #[cfg(test)]\nmod tests {\n    use crate::a::g;\n}\n#[test]\nfn t() { crate::a::g() }\n\
                 // crate::a::g in a comment\nconst S: &str = \"crate::a::g\";\n",
            ),
            ("helpers.rs", "use crate::a::g;\nuse crate::b::X;\n"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn test_only_module_files_are_not_in_the_tree() {
        let files: BTreeMap<PathBuf, String> = [
            (
                "lib.rs",
                "mod a;\n#[cfg(test)]\n#[path = \"a_tests.rs\"]\nmod tests;\n",
            ),
            ("a.rs", "mod b;\n"),
            ("a/b.rs", ""),
            ("a_tests.rs", ""),
            ("tests.rs", ""),
        ]
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
        let found: Vec<PathBuf> = non_test_files(&files).into_iter().collect();
        assert_eq!(
            found,
            [
                PathBuf::from("a/b.rs"),
                PathBuf::from("a.rs"),
                PathBuf::from("lib.rs")
            ]
        );
    }
}
