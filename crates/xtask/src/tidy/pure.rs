//! Rule [`Rule::PureIo`]: the pure crates ([`PURE_CRATES`]) name no file
//! system, network, process, database or async runtime in non-test code.
//!
//! ARCHITECTURE.md's invariant: those crates take numbers and return numbers or typed errors,
//! so they can be tested and fuzzed without a disk, and reused by any front end. The rule reads
//! paths as written (`std::fs::read`, `use std::{fs, io}`, `tokio::spawn`); their tests may read
//! `testdata/`, so test code is not checked.

use std::path::Path;

use super::lex::Code;
use super::modules::parse_tree;
use super::{Offence, Rule};

/// The crates the invariant names (keep in step with ARCHITECTURE.md).
pub const PURE_CRATES: [&str; 9] = [
    "custval-segment",
    "custval-weights",
    "custval-clv",
    "custval-classify",
    "custval-config",
    "custval-eval",
    "custval-model",
    "custval-dynamics",
    "custval-accounts",
];

/// Modules of `std` that reach outside the process's memory.
pub const STD_IO: [&str; 4] = ["fs", "net", "process", "io"];
/// Crates that do I/O or run async code.
pub const IO_CRATES: [&str; 4] = ["tokio", "sqlx", "reqwest", "axum"];

/// Rule 8 on one file of a pure crate: every path into [`STD_IO`] or [`IO_CRATES`].
pub fn check_file(path: &Path, text: &str) -> Vec<Offence> {
    let code = Code::non_test(text);
    let mut out = Vec::new();
    let mut report = |i: usize, what: String| {
        out.push(Offence {
            path: path.to_path_buf(),
            line: code.line(i),
            rule: Rule::PureIo,
            message: format!(
                "`{what}` in a pure crate: take the data as arguments and leave I/O to the caller"
            ),
        });
    };
    for i in code.words("std") {
        if code
            .prev_non_space(i)
            .is_some_and(|p| code.at(p) == Some(':'))
        {
            continue; // `x::std::…` is not the standard library
        }
        let mut leaves = Vec::new();
        parse_tree(&code, i, &Vec::new(), &mut leaves);
        if let Some(bad) = leaves
            .iter()
            .find_map(|(segs, _)| segs.get(1).filter(|s| STD_IO.contains(&s.as_str())))
        {
            report(i, format!("std::{bad}"));
        }
    }
    for krate in IO_CRATES {
        for i in code.words(krate) {
            if code.path_sep(code.skip_space(i + krate.len())) {
                report(i, krate.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<usize> {
        check_file(Path::new("crates/custval-clv/src/x.rs"), text)
            .into_iter()
            .map(|o| o.line)
            .collect()
    }

    #[test]
    fn io_paths_are_found_in_code_only() {
        let text = concat!(
            "use std::fs;\n",
            "use std::{collections::HashMap, io::Write};\n",
            "fn f() { let _ = std::process::id(); }\n",
            "async fn g() { tokio::task::yield_now().await }\n",
            "use std::fmt;\n",
            "// std::fs in a comment\n",
            "const S: &str = \"std::net\";\n",
            "#[cfg(test)]\n",
            "mod tests {\n",
            "    use std::fs;\n",
            "}\n",
        );
        assert_eq!(lines(text), [1, 2, 3, 4]);
    }
}
