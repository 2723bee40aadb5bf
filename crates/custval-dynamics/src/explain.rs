//! The shared way of saying things: the [`Explain`] trait every decision and alert follows, and
//! the number formatting every sentence uses.
//!
//! Keeping the formatting in one place means a share prints the same in a migration matrix, an
//! alert and a KPI line (percentages trimmed, money with thousands separators and two decimals,
//! no "-0.0").

/// Something that can say in words, with its figures, what it decided and why.
pub trait Explain {
    /// A short English sentence naming the figures.
    fn explain_en(&self) -> String;
    /// The same sentence in Chinese.
    fn explain_zh(&self) -> String;
}

/// `x` with `decimals` digits after the point; a value that rounds to zero never prints a minus
/// sign ("-0.0" reads like a bug in a sentence).
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// A number with up to `decimals` decimals, trailing zeros trimmed: 0.1 → "0.1", 12.0 → "12".
pub(crate) fn num(x: f64, decimals: usize) -> String {
    let s = fixed(x, decimals);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A share as a percentage with at most one decimal: 0.2 → "20%", 0.125 → "12.5%".
pub(crate) fn percent(share: f64) -> String {
    format!("{}%", num(share * 100.0, 1))
}

/// Money with two decimals and thousands separators, `currency` in front of the digits and the
/// minus sign in front of both: -1234.5 with "¥" → "-¥1,234.50".
pub(crate) fn money(x: f64, currency: &str) -> String {
    let s = fixed(x, 2);
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{currency}{grouped}")
    } else {
        format!("{sign}{currency}{grouped}.{frac}")
    }
}

/// The finite value of `x`, or `None` for NaN and ±∞ (treated as missing everywhere).
pub(crate) fn known(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The finite value inside an `Option`, so `Some(NaN)` counts as missing too.
pub(crate) fn known_opt(x: Option<f64>) -> Option<f64> {
    x.and_then(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_and_num_trim() {
        assert_eq!(percent(0.2), "20%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(1.0 - 0.7), "30%");
        assert_eq!(num(0.1, 3), "0.1");
        assert_eq!(num(12.0, 2), "12");
        assert_eq!(num(-0.0001, 2), "0");
    }

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1234.5, "¥"), "¥1,234.50");
        assert_eq!(money(-1234567.0, "¥"), "-¥1,234,567.00");
        assert_eq!(money(999.999, ""), "1,000.00");
        assert_eq!(money(12.0, "$"), "$12.00");
        assert_eq!(money(-0.001, "¥"), "¥0.00");
    }

    #[test]
    fn known_drops_non_finite() {
        assert_eq!(known(1.5), Some(1.5));
        assert_eq!(known(f64::NAN), None);
        assert_eq!(known_opt(Some(f64::INFINITY)), None);
        assert_eq!(known_opt(None), None);
    }
}
