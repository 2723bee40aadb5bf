//! Tokens of the formula language, each with its byte span.
//!
//! The lexer is separate from the parser so that common slips from other languages (`=`,
//! `&&`, `||`, `!`) get a targeted hint at the exact column instead of a generic "unexpected
//! token" from the parser.

use super::FormulaError;

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Num(f64),
    Ident(String),
    Str(String),
    Plus,
    Minus,
    Star,
    Slash,
    LParen,
    RParen,
    Comma,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    And,
    Or,
    Not,
    True,
    False,
    Eof,
}

impl Tok {
    /// How the token reads in an error message.
    pub(super) fn describe(&self) -> String {
        match self {
            Tok::Num(v) => format!("number {v}"),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Str(s) => format!("text '{s}'"),
            Tok::Plus => "`+`".into(),
            Tok::Minus => "`-`".into(),
            Tok::Star => "`*`".into(),
            Tok::Slash => "`/`".into(),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Lt => "`<`".into(),
            Tok::Le => "`<=`".into(),
            Tok::Gt => "`>`".into(),
            Tok::Ge => "`>=`".into(),
            Tok::EqEq => "`==`".into(),
            Tok::Ne => "`!=`".into(),
            Tok::And => "`and`".into(),
            Tok::Or => "`or`".into(),
            Tok::Not => "`not`".into(),
            Tok::True => "`true`".into(),
            Tok::False => "`false`".into(),
            Tok::Eof => "the end of the formula".into(),
        }
    }
}

/// A token and where it is: byte offsets `start..end` into the source.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// Splits `src` into tokens, ending with [`Tok::Eof`].
pub(super) fn lex(src: &str) -> Result<Vec<Token>, FormulaError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = |tok: Tok| Token {
            tok,
            start,
            end: start + 1,
        };
        let token = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'+' => single(Tok::Plus),
            b'-' => single(Tok::Minus),
            b'*' => single(Tok::Star),
            b'/' => single(Tok::Slash),
            b'(' => single(Tok::LParen),
            b')' => single(Tok::RParen),
            b',' => single(Tok::Comma),
            b'<' | b'>' | b'=' | b'!' => comparison(src, start)?,
            b'&' | b'|' => {
                let hint = if c == b'&' { "and" } else { "or" };
                return Err(FormulaError::at(
                    src,
                    start,
                    format!("`{}` is not an operator; write `{hint}`", c as char),
                ));
            }
            b'\'' | b'"' => text(src, start)?,
            b'0'..=b'9' | b'.' => number(src, start)?,
            c if c.is_ascii_alphabetic() || c == b'_' => word(src, start),
            _ => {
                let ch = src[start..].chars().next().unwrap_or('?');
                return Err(FormulaError::at(
                    src,
                    start,
                    format!("unexpected character `{ch}`"),
                ));
            }
        };
        i = token.end;
        out.push(token);
    }
    out.push(Token {
        tok: Tok::Eof,
        start: src.len(),
        end: src.len(),
    });
    Ok(out)
}

/// `<`, `<=`, `>`, `>=`, `==` or `!=` at `start`; a lone `=` or `!` is an error that says
/// what to write instead.
fn comparison(src: &str, start: usize) -> Result<Token, FormulaError> {
    let bytes = src.as_bytes();
    let c = bytes[start];
    let two = bytes.get(start + 1).copied() == Some(b'=');
    let tok = match (c, two) {
        (b'<', false) => Tok::Lt,
        (b'<', true) => Tok::Le,
        (b'>', false) => Tok::Gt,
        (b'>', true) => Tok::Ge,
        (b'=', true) => Tok::EqEq,
        (b'!', true) => Tok::Ne,
        (b'=', false) => {
            return Err(FormulaError::at(
                src,
                start,
                "`=` is not an operator here; compare with `==`",
            ));
        }
        _ => {
            return Err(FormulaError::at(
                src,
                start,
                "`!` is not an operator; write `not` (or `!=` to compare)",
            ));
        }
    };
    let end = if two { start + 2 } else { start + 1 };
    Ok(Token { tok, start, end })
}

/// A text literal in single or double quotes starting at `start` (no escapes).
fn text(src: &str, start: usize) -> Result<Token, FormulaError> {
    let bytes = src.as_bytes();
    let quote = bytes[start];
    let body = start + 1;
    let Some(len) = bytes[body..].iter().position(|&b| b == quote) else {
        return Err(FormulaError::at(
            src,
            start,
            "text is not closed: add the matching quote",
        ));
    };
    Ok(Token {
        tok: Tok::Str(src[body..body + len].to_owned()),
        start,
        end: body + len + 1,
    })
}

/// A finite decimal number starting at `start`, not glued to a following name.
fn number(src: &str, start: usize) -> Result<Token, FormulaError> {
    let bytes = src.as_bytes();
    let end = number_end(bytes, start);
    let text = &src[start..end];
    let value = match text.parse::<f64>() {
        Ok(v) if v.is_finite() && end > start => v,
        Ok(_) => {
            return Err(FormulaError::at(
                src,
                start,
                format!("number `{text}` is too large"),
            ));
        }
        Err(_) => {
            return Err(FormulaError::at(
                src,
                start,
                format!("`{text}` is not a number"),
            ));
        }
    };
    // `2x` or `1.5e3e`: a number glued to a name is a typo, not a product.
    if bytes
        .get(end)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
    {
        return Err(FormulaError::at(
            src,
            start,
            format!(
                "`{}` is not a number (write `*` to multiply)",
                &src[start..glued_end(bytes, end)]
            ),
        ));
    }
    Ok(Token {
        tok: Tok::Num(value),
        start,
        end,
    })
}

/// A keyword or a name starting at `start`.
fn word(src: &str, start: usize) -> Token {
    let end = word_end(src.as_bytes(), start);
    let word = &src[start..end];
    let tok = match word {
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "true" => Tok::True,
        "false" => Tok::False,
        _ => Tok::Ident(word.to_owned()),
    };
    Token { tok, start, end }
}

/// End of a decimal literal `digits[.digits][e[+-]digits]` (also `.5`).
fn number_end(bytes: &[u8], start: usize) -> usize {
    let digits = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(i + 1);
    } else if i == start {
        // A lone `.`: return an empty literal, reported as not a number.
        return start + 1;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            i = digits(j);
        }
    }
    i
}

/// End of the letters, digits, `_` and `.` glued to a number, for the error message.
fn glued_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
    {
        i += 1;
    }
    i
}

/// End of an identifier-like word (ASCII letters, digits, `_`).
fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn tokens_and_spans() {
        let t = lex("spend_12m >= 1.5e3").unwrap();
        assert_eq!(t[0].tok, Tok::Ident("spend_12m".into()));
        assert_eq!((t[1].start, t[1].end), (10, 12));
        assert_eq!(t[2].tok, Tok::Num(1500.0));
        assert_eq!(
            kinds("'a' \"b\" .5 not"),
            vec![
                Tok::Str("a".into()),
                Tok::Str("b".into()),
                Tok::Num(0.5),
                Tok::Not,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn hints_for_other_languages() {
        assert!(lex("a = 1").unwrap_err().message.contains("=="));
        assert!(lex("a && b").unwrap_err().message.contains("and"));
        assert!(lex("a || b").unwrap_err().message.contains("or"));
        assert!(lex("!a").unwrap_err().message.contains("not"));
        let e = lex("2x").unwrap_err();
        assert!(e.message.contains("`2x`"), "{}", e.message);
        assert!(lex("1e999").unwrap_err().message.contains("too large"));
        assert_eq!(lex("tier == 'A").unwrap_err().offset, 8);
        assert!(lex(".").is_err());
        assert!(lex("1.2.3").unwrap_err().message.contains("`1.2.3`"));
    }
}
