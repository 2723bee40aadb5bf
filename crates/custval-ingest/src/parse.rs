//! Parsing of the two field types that real exports get wrong most often: dates and amounts.
//!
//! Dates become day numbers (days since 1970-01-01, `i32`), so that recency, tenure and
//! calendar arithmetic are plain integer operations everywhere downstream. The accepted forms
//! are the ones Chinese and international ERP/CRM exports produce; ambiguous forms such as
//! `03/04/2024` (US or European?) are rejected rather than guessed.

pub use custval_model::date::{days_from_ymd, format_date, ymd_from_days};

/// Day number of Excel's serial date 0 (1899-12-30, which absorbs Excel's 1900 leap-year bug
/// for every serial after 60).
const EXCEL_EPOCH: i32 = -25_569;

/// Converts an Excel serial date (days since 1899-12-30, fraction = time of day).
pub fn days_from_excel_serial(serial: f64) -> Option<i32> {
    // 1 = 1900-01-01, 2958465 = 9999-12-31; anything else is not a date.
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    Some(EXCEL_EPOCH + serial.floor() as i32)
}

/// Why a date field was rejected; becomes the quarantine reason.
pub const BAD_DATE: &str =
    "not a date (expected e.g. 2024-01-31, 2024/1/31, 20240131, 2024年1月31日 or an Excel serial)";

/// Parses a date in any accepted form. A time of day after the date is ignored.
pub fn parse_date(text: &str) -> Option<i32> {
    let s = text.trim();
    let b = s.as_bytes();
    // Fast path: ISO `YYYY-MM-DD`, optionally followed by a time.
    if b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && (b.len() == 10 || matches!(b[10], b' ' | b'T' | b't'))
    {
        if let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
        {
            return days_from_ymd(y as i32, m, d);
        }
    }
    parse_date_slow(s)
}

fn parse_date_slow(s: &str) -> Option<i32> {
    // Cut a trailing time: "2024/1/31 10:22", "2024-01-31T10:22:00Z".
    let date_part = s.split([' ', 'T', 't']).next().unwrap_or(s);
    let b = date_part.as_bytes();
    if b.is_empty() {
        return None;
    }
    // Pure digits: YYYYMMDD or an Excel serial.
    if b.iter().all(u8::is_ascii_digit) {
        if b.len() == 8 {
            let y = digits(&b[0..4])?;
            let m = digits(&b[4..6])?;
            let d = digits(&b[6..8])?;
            return days_from_ymd(y as i32, m, d);
        }
        if b.len() <= 7 {
            return days_from_excel_serial(digits(b)? as f64);
        }
        return None;
    }
    // Excel serial with a time fraction: "45322.5".
    if b.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && b.iter().filter(|c| **c == b'.').count() == 1
    {
        if let Ok(v) = date_part.parse::<f64>() {
            if b.iter().position(|c| *c == b'.').unwrap_or(0) <= 7 && v >= 1.0 {
                return days_from_excel_serial(v);
            }
        }
    }
    // Y-M-D with one of - / . or 年 月 日 as separators, year first.
    let mut parts = [0u32; 3];
    let mut n = 0;
    let mut cur: Option<u32> = None;
    let mut width = [0usize; 3];
    for ch in date_part.chars() {
        if let Some(dg) = ch.to_digit(10) {
            if n >= 3 {
                return None;
            }
            cur = Some(cur.unwrap_or(0).checked_mul(10)?.checked_add(dg)?);
            width[n] += 1;
        } else if matches!(ch, '-' | '/' | '.' | '年' | '月' | '日') {
            match cur.take() {
                Some(v) => {
                    if n >= 3 {
                        return None;
                    }
                    parts[n] = v;
                    n += 1;
                }
                None => return None,
            }
            if ch == '日' && n != 3 {
                return None;
            }
        } else {
            return None;
        }
    }
    if let Some(v) = cur {
        if n >= 3 {
            return None;
        }
        parts[n] = v;
        n += 1;
    }
    // Year must come first and have four digits: D/M/Y versus M/D/Y cannot be told apart.
    if n != 3 || width[0] != 4 || width[1] > 2 || width[2] > 2 {
        return None;
    }
    days_from_ymd(parts[0] as i32, parts[1], parts[2])
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut v: u32 = 0;
    if b.is_empty() {
        return None;
    }
    for c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
    }
    Some(v)
}

/// Why a number field was rejected; becomes the quarantine reason.
pub const BAD_NUMBER: &str =
    "not a number (expected e.g. 1234.5, 1,234.50, ¥1,234, (120.00) or -120)";

/// Parses an amount or other number as exports write it: thousands separators, currency signs
/// (¥ ￥ $ € £, 元, RMB, CNY), a leading or trailing minus, parentheses for negatives, full-width
/// digits, and a trailing `%` (divided by 100). Never returns NaN or infinity.
pub fn parse_number(text: &str) -> Option<f64> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    // Fast path: plain ASCII decimal.
    let b = s.as_bytes();
    if b.iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'))
        && b.iter().any(u8::is_ascii_digit)
    {
        if let Ok(v) = s.parse::<f64>() {
            return v.is_finite().then_some(v);
        }
    }
    parse_number_slow(s)
}

fn parse_number_slow(s: &str) -> Option<f64> {
    let mut negative = false;
    let mut t = s.trim();
    if t.starts_with('(') && t.ends_with(')') && t.len() >= 2 {
        negative = true;
        t = t[1..t.len() - 1].trim();
    }
    let mut percent = false;
    let mut clean = String::with_capacity(t.len());
    let mut saw_digit = false;
    for ch in t.chars() {
        let ch = full_width_to_ascii(ch);
        match ch {
            '0'..='9' => {
                saw_digit = true;
                clean.push(ch);
            }
            '.' | 'e' | 'E' => clean.push(ch),
            '-' | '−' => {
                if negative {
                    return None;
                }
                negative = true;
            }
            '+' => {}
            ',' | '\'' | '_' | ' ' | '\u{a0}' | '，' => {}
            '¥' | '￥' | '$' | '€' | '£' | '元' => {}
            '%' => percent = true,
            _ => {
                // Currency codes around the number: RMB 1,200 or 1200 CNY.
                if ch.is_ascii_alphabetic() {
                    clean.push(ch);
                } else {
                    return None;
                }
            }
        }
    }
    for code in ["RMB", "CNY", "USD", "EUR", "rmb", "cny", "usd", "eur"] {
        if let Some(pos) = clean.find(code) {
            clean.replace_range(pos..pos + code.len(), "");
        }
    }
    if !saw_digit
        || clean
            .chars()
            .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return None;
    }
    let mut v: f64 = clean.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    if percent {
        v /= 100.0;
    }
    Some(if negative { -v } else { v })
}

fn full_width_to_ascii(ch: char) -> char {
    match ch {
        '０'..='９' => char::from_u32(ch as u32 - '０' as u32 + '0' as u32).unwrap_or(ch),
        '．' => '.',
        '－' => '-',
        _ => ch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for d in [-700_000, -1, 0, 1, 10_000, 19_753, 2_000_000] {
            let (y, m, dd) = ymd_from_days(d);
            assert_eq!(days_from_ymd(y, m, dd), Some(d));
        }
        assert_eq!(days_from_ymd(1970, 1, 1), Some(0));
        assert_eq!(days_from_ymd(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_ymd(2023, 2, 29), None);
        assert_eq!(days_from_ymd(2024, 2, 29), Some(19_782));
    }

    #[test]
    fn date_forms() {
        let want = days_from_ymd(2024, 1, 31);
        for s in [
            "2024-01-31",
            "2024/1/31",
            "2024/01/31",
            "2024.1.31",
            "20240131",
            "2024年1月31日",
            "2024年01月31日",
            "2024-01-31 10:22:00",
            "2024-01-31T10:22:00Z",
            "2024/1/31 9:05",
            "45322",
            "45322.75",
            " 2024-01-31 ",
        ] {
            assert_eq!(parse_date(s), want, "{s}");
        }
        for s in [
            "",
            "31/01/2024",
            "01/31/2024",
            "2024-13-01",
            "2024-02-30",
            "abc",
            "2024-1",
            "0",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn number_forms() {
        let cases = [
            ("1234.5", 1234.5),
            ("1,234.50", 1234.5),
            ("¥1,234", 1234.0),
            ("￥1,234.00", 1234.0),
            ("$ 12", 12.0),
            ("(120.00)", -120.0),
            ("-120", -120.0),
            ("120-", -120.0),
            ("１２３", 123.0),
            ("1200元", 1200.0),
            ("RMB 1,200", 1200.0),
            ("12%", 0.12),
            ("1e3", 1000.0),
        ];
        for (s, v) in cases {
            let got = parse_number(s);
            assert!(got.is_some_and(|g| (g - v).abs() < 1e-9), "{s}: {got:?}");
        }
        for s in [
            "", "abc", "NaN", "inf", "-", "1.2.3", "--1", "(-1)", "12abc",
        ] {
            assert_eq!(parse_number(s), None, "{s}");
        }
    }
}
