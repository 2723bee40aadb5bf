//! Rule [`Rule::LongFunction`]: a non-test function longer than
//! [`MAX_FN_LINES`] lines, counted from its `fn` line to its closing brace, unless the comment
//! directly above it says why.
//!
//! The reason is a comment containing "Long because" (in any case) among the comment lines
//! directly above the function: its doc comment, or plain `//` comments above, between or under
//! its attributes. A blank line or code ends that block. Functions under `#[cfg(test)]` or
//! `#[test]` are not checked; neither are declarations without a body.

use std::path::Path;

use super::lex::Code;
use super::{Offence, Rule};

/// Longest function allowed without a reason, in lines (the `fn` line to the closing brace).
pub const MAX_FN_LINES: usize = 120;

/// The words that mark the reason, matched without regard to case.
pub const REASON_MARK: &str = "long because";

/// Whether the comment block directly above line `fn_line` (1-based) of `text`, through the
/// function's attributes, holds [`REASON_MARK`].
fn has_reason(lines: &[&str], fn_line: usize) -> bool {
    let mut i = fn_line.saturating_sub(1); // index of the `fn` line
    let mut in_attribute = false;
    while i > 0 {
        i -= 1;
        let t = lines[i].trim();
        if in_attribute {
            // Inside a multi-line attribute, looking for its `#[`.
            in_attribute = !t.starts_with("#[");
            continue;
        }
        if t.starts_with("//") {
            if t.to_lowercase().contains(REASON_MARK) {
                return true;
            }
        } else if t.starts_with("#[") {
            continue;
        } else if t.ends_with(']') {
            in_attribute = true;
        } else {
            return false; // blank, or code
        }
    }
    false
}

/// Each function of `text` with a body, as (name, `fn` line, closing line), skipping test code.
pub fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let code = Code::non_test(text);
    let mut out = Vec::new();
    for i in code.words("fn") {
        let Some((name, mut j)) = code.ident(code.skip_space(i + 2)) else {
            continue; // `fn(u8) -> u8`, a function pointer type
        };
        // The body opens at the first `{` outside the signature's parentheses and brackets; a
        // `;` first means a declaration without a body.
        let mut depth = 0usize;
        let open = loop {
            match code.at(j) {
                None => break None,
                Some('(' | '[') => depth += 1,
                Some(')' | ']') => depth = depth.saturating_sub(1),
                Some(';') if depth == 0 => break None,
                Some('{') if depth == 0 => break Some(j),
                _ => {}
            }
            j += 1;
        };
        let Some(open) = open else { continue };
        if let Some(close) = code.closing_brace(open) {
            out.push((name, code.line(i), code.line(close)));
        }
    }
    out
}

/// Rule 6 on one file: every non-test function over [`MAX_FN_LINES`] lines without a reason.
pub fn check_file(path: &Path, text: &str) -> Vec<Offence> {
    let lines: Vec<&str> = text.lines().collect();
    functions(text)
        .into_iter()
        .filter_map(|(name, first, last)| {
            let n = last + 1 - first;
            (n > MAX_FN_LINES && !has_reason(&lines, first)).then(|| Offence {
                path: path.to_path_buf(),
                line: first,
                rule: Rule::LongFunction,
                message: format!(
                    "`fn {name}` is {n} lines (limit {MAX_FN_LINES}): split it, or say why in a `// Long because …` comment above it"
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A function `name` of exactly `lines` lines (the `fn` line to the closing brace).
    fn function(name: &str, lines: usize) -> String {
        let mut s = format!("fn {name}() {{\n");
        for _ in 0..lines - 2 {
            s.push_str("    step();\n");
        }
        s.push_str("}\n");
        s
    }

    fn long(text: &str) -> Vec<(usize, String)> {
        check_file(Path::new("crates/a/src/x.rs"), text)
            .into_iter()
            .map(|o| (o.line, o.message))
            .collect()
    }

    #[test]
    fn over_the_limit_without_a_reason_fails() {
        let text = format!("{}\n{}", function("fits", 120), function("too_long", 121));
        let found = long(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 122);
        assert!(
            found[0]
                .1
                .starts_with("`fn too_long` is 121 lines (limit 120)")
        );
    }

    #[test]
    fn a_reason_directly_above_is_accepted() {
        let body = function("f", 130);
        for above in [
            "// Long because the steps read in order.\n",
            "/// Does f.\n///\n/// Long because one table drives it.\n#[allow(clippy::x)]\n",
            "// long because: a single match over every case\n#[inline]\n",
            "#[allow(\n    clippy::too_many_lines\n)]\n// Long because under the attribute.\n",
        ] {
            assert!(long(&format!("{above}{body}")).is_empty(), "{above}");
        }
        for above in [
            "// Long because it was long.\n\n",
            "// Long because of g.\nfn g() {}\n",
            "/// Does f.\n",
        ] {
            assert_eq!(long(&format!("{above}{body}")).len(), 1, "{above}");
        }
    }

    #[test]
    fn tests_declarations_and_pointer_types_are_not_checked() {
        let body = function("f", 130).replace("fn f()", "fn f(g: fn(u8) -> u8)");
        let text = format!(
            "trait T {{\n    fn decl(&self) -> u8;\n}}\n#[cfg(test)]\nmod tests {{\n{body}}}\n#[test]\n{body}"
        );
        assert!(long(&text).is_empty());
        assert_eq!(long(&body).len(), 1);
    }

    #[test]
    fn nested_functions_are_counted_on_their_own() {
        let inner = function("inner", 125);
        let text = format!("fn outer() {{\n{inner}}}\n");
        let found: Vec<usize> = long(&text).into_iter().map(|(l, _)| l).collect();
        assert_eq!(found, [1, 2]);
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        let mut text = String::from("fn f() {\n    let s = \"}}}\";\n    // }\n");
        for _ in 0..125 {
            text.push_str("    step();\n");
        }
        text.push_str("}\n");
        assert_eq!(functions(&text), [("f".to_string(), 1, 129)]);
    }
}
