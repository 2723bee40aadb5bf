//! Fuzzes the amount parser of custval-ingest (`parse::parse_number`).
//!
//! Properties: no panic; a parsed number is finite; it prints (`Display`) to text that parses
//! back to the very same number; and any finite number written as exports write it — plain,
//! in exponent form, with thousands separators, a currency sign or code, in parentheses for a
//! negative, or as a percentage — parses to that number.
#![no_main]

use custval_ingest::parse::parse_number;
use libfuzzer_sys::fuzz_target;

/// `1234567.5` → `1,234,567.5` (the digits before the point grouped by three).
fn thousands(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn check_number(x: f64) {
    assert!(x.is_finite());
    let plain = x.to_string();
    let forms = [
        (plain.clone(), x),
        (format!("{x:e}"), x),
        (format!(" {plain} "), x),
        (thousands(&plain), x),
        (format!("¥{}", thousands(&plain)), x),
        (format!("{plain} CNY"), x),
        (format!("RMB {plain}"), x),
        (format!("{plain}元"), x),
        (format!("{plain}%"), x / 100.0),
    ];
    for (text, want) in forms {
        assert_eq!(parse_number(&text), Some(want), "{text:?}");
    }
    // Only for a positive sign: `(-0)` is rightly refused (two minus signs).
    if x.is_sign_positive() {
        assert_eq!(parse_number(&format!("({plain})")), Some(-x), "({plain})");
        assert_eq!(parse_number(&format!("{plain}-")), Some(-x), "{plain}-");
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(v) = parse_number(&text) {
        check_number(v);
    }
    if let Some(bytes) = data.get(..8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        let x = f64::from_le_bytes(b);
        if x.is_finite() {
            check_number(x);
        }
    }
});
