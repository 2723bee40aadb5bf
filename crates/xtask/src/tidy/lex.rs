//! The light lexical pass every code-reading tidy rule stands on: comments and literals blanked
//! out ([`code_lines`]), test code found ([`test_lines`]), and a flat view of a file's code with
//! line numbers ([`Code`]) for the rules that follow braces across lines.
//!
//! A full parser (`syn`) would be exact, but it would be the only dependency of this crate and
//! the rules need no more than this: words, paths, braces and line numbers.

/// The file's lines with comments and the contents of string and character literals blanked
/// out, so that a `mod x;` in a message or `crate::a` in a comment is not mistaken for code.
/// Line numbers are preserved (newlines inside comments and strings are kept).
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

pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether a code line opens a test-only item: `#[cfg(test)]`, `#[cfg(all(test, …))]` or
/// `#[test]`.
fn opens_test_item(code: &str) -> bool {
    let t = code.trim_start();
    t.starts_with("#[cfg(test)]") || t.starts_with("#[cfg(all(test") || t.starts_with("#[test]")
}

/// For each of `code`'s lines (as given by [`code_lines`]), whether it belongs to test code: an
/// item under `#[cfg(test)]` or `#[test]`, from the attribute to the item's end (its closing
/// brace, or the `;` of `mod tests;`).
pub fn test_lines(code: &[String]) -> Vec<bool> {
    let mut test = vec![false; code.len()];
    let mut i = 0;
    while i < code.len() {
        if !opens_test_item(&code[i]) {
            i += 1;
            continue;
        }
        // The attribute itself ends at its `]`; the item is what follows.
        let start = i;
        let mut depth = 0usize;
        // Parentheses and brackets, so that the `;` of `[u8; 4]` does not end the item.
        let mut nesting = 0usize;
        let mut end = code.len() - 1;
        let mut in_attr = true;
        'lines: for (j, line) in code.iter().enumerate().skip(start) {
            let from = if j == start {
                line.find("#[").map_or(0, |p| p + 2)
            } else {
                0
            };
            for c in line[from..].chars() {
                if in_attr {
                    if c == ']' {
                        in_attr = false;
                    }
                    continue;
                }
                match c {
                    '(' | '[' => nesting += 1,
                    ')' | ']' => nesting = nesting.saturating_sub(1),
                    '{' => depth += 1,
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = j;
                            break 'lines;
                        }
                    }
                    ';' if depth == 0 && nesting == 0 => {
                        end = j;
                        break 'lines;
                    }
                    _ => {}
                }
            }
        }
        for t in &mut test[start..=end] {
            *t = true;
        }
        i = end + 1;
    }
    test
}

/// A file's code (comments and literals blanked, test code blanked too) as one run of
/// characters, with the line each character is on.
pub struct Code {
    chars: Vec<char>,
    line: Vec<usize>,
}

impl Code {
    /// The non-test code of `text`.
    pub fn non_test(text: &str) -> Code {
        let lines = code_lines(text);
        let test = test_lines(&lines);
        let mut chars = Vec::new();
        let mut line = Vec::new();
        for (i, (l, is_test)) in lines.iter().zip(&test).enumerate() {
            if !is_test {
                chars.extend(l.chars());
                line.extend(std::iter::repeat_n(i + 1, l.chars().count()));
            }
            chars.push('\n');
            line.push(i + 1);
        }
        Code { chars, line }
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    pub fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// The 1-based line of the character at `i`.
    pub fn line(&self, i: usize) -> usize {
        self.line.get(i).or(self.line.last()).copied().unwrap_or(1)
    }

    /// Whether the word `word` starts at `i` (no identifier character on either side).
    pub fn word_at(&self, i: usize, word: &str) -> bool {
        let n = word.chars().count();
        let before_ok = i == 0 || !self.at(i - 1).is_some_and(is_ident_char);
        before_ok
            && word
                .chars()
                .enumerate()
                .all(|(k, c)| self.at(i + k) == Some(c))
            && !self.at(i + n).is_some_and(is_ident_char)
    }

    /// Every position where the word `word` starts.
    pub fn words(&self, word: &str) -> Vec<usize> {
        let first = word.chars().next();
        (0..self.chars.len())
            .filter(|&i| self.at(i) == first && self.word_at(i, word))
            .collect()
    }

    /// The first position at or after `i` that is not whitespace.
    pub fn skip_space(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(char::is_whitespace) {
            i += 1;
        }
        i
    }

    /// The last position before `i` that is not whitespace.
    pub fn prev_non_space(&self, i: usize) -> Option<usize> {
        (0..i).rev().find(|&j| !self.chars[j].is_whitespace())
    }

    /// The identifier starting at `i` (with `r#` stripped), and the position after it.
    pub fn ident(&self, i: usize) -> Option<(String, usize)> {
        let mut i = i;
        if self.at(i) == Some('r') && self.at(i + 1) == Some('#') {
            i += 2;
        }
        let first = self.at(i)?;
        if !(first.is_alphabetic() || first == '_') {
            return None;
        }
        let mut end = i;
        while self.at(end).is_some_and(is_ident_char) {
            end += 1;
        }
        Some((self.chars[i..end].iter().collect(), end))
    }

    /// Whether `::` starts at `i`.
    pub fn path_sep(&self, i: usize) -> bool {
        self.at(i) == Some(':') && self.at(i + 1) == Some(':')
    }

    /// The position of the brace closing the one at `open`, if any.
    pub fn closing_brace(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for i in open..self.chars.len() {
            match self.chars[i] {
                '{' => depth += 1,
                '}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_mask(text: &str) -> Vec<bool> {
        test_lines(&code_lines(text))
    }

    #[test]
    fn test_items_are_marked_from_attribute_to_end() {
        let text = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\nfn b() {}\n";
        assert_eq!(test_mask(text), [false, true, true, true, true, false]);
        let text = "#[cfg(test)]\n#[path = \"x_tests.rs\"]\nmod tests;\nfn b() {}\n";
        assert_eq!(test_mask(text), [true, true, true, false]);
        let text = "#[test]\nfn t() {\n    let s = \"}\";\n}\nfn b() {}\n";
        assert_eq!(test_mask(text), [true, true, true, true, false]);
        let text = "#[cfg(all(test, unix))] fn t() {}\nfn b() {}\n";
        assert_eq!(test_mask(text), [true, false]);
        let text = "#[cfg(test)]\nfn t() -> [u8; 2] {\n    [0; 2]\n}\nfn b() {}\n";
        assert_eq!(test_mask(text), [true, true, true, true, false]);
    }

    #[test]
    fn code_keeps_lines_and_finds_words() {
        let code = Code::non_test("use a;\n#[cfg(test)]\nuse b;\nfn used() { user(); }\n");
        let uses: Vec<usize> = code
            .words("use")
            .into_iter()
            .map(|i| code.line(i))
            .collect();
        assert_eq!(uses, [1]);
        let open = (0..code.len()).find(|&i| code.at(i) == Some('{')).unwrap();
        assert_eq!(code.line(code.closing_brace(open).unwrap()), 4);
        assert_eq!(code.ident(code.skip_space(open - 3)), None);
        assert!(code.ident(0).is_some_and(|(w, end)| w == "use" && end == 3));
    }
}
