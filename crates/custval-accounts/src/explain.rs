//! Shared wording helpers: the one trait every explained result implements, and the number
//! formats every sentence uses.
//!
//! Figures are printed the same way in every module so that a figure in a sentence can be
//! found again in an export: money with two decimals and thousands separators, shares as
//! trimmed percentages, days and counts without decimals unless they have a fraction. A value
//! that rounds to zero never prints a minus sign ("-0.0" reads like a bug).

/// A result that can say, with its figures, how it was reached.
pub trait Explain {
    /// A short English sentence naming the figures.
    fn explain_en(&self) -> String;
    /// The same sentence in Chinese, in the product's Chinese terms (客户份额, 风险客户, …).
    fn explain_zh(&self) -> String;
}

/// `x` with `decimals` digits after the point and no negative zero.
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// Money: two decimals with thousands separators, e.g. 1234567.5 → "1,234,567.50".
pub(crate) fn money(x: f64) -> String {
    let s = fixed(x, 2);
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if !int.bytes().all(|b| b.is_ascii_digit()) {
        // "inf" or "NaN": nothing to group.
        return s;
    }
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A share as a percentage with at most one decimal: 0.2 → "20%", 0.125 → "12.5%".
pub(crate) fn percent(share: f64) -> String {
    let s = fixed(share * 100.0, 1);
    let s = s.strip_suffix(".0").unwrap_or(&s);
    format!("{s}%")
}

/// A plain figure (days, scores, counts): at most one decimal, trimmed: 30.0 → "30", 2.5 → "2.5".
pub(crate) fn num(x: f64) -> String {
    let s = fixed(x, 1);
    match s.strip_suffix(".0") {
        Some(t) => t.to_string(),
        None => s,
    }
}

/// A ratio with two decimals (lift, confidence as a fraction).
pub(crate) fn ratio(x: f64) -> String {
    fixed(x, 2)
}

/// The finite value of `x`, or `None` for NaN and ±∞ (missing everywhere in this crate).
pub(crate) fn known(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The finite value inside an option, or `None`.
pub(crate) fn known_opt(x: Option<f64>) -> Option<f64> {
    x.and_then(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1_234_567.5), "1,234,567.50");
        assert_eq!(money(999.0), "999.00");
        assert_eq!(money(1000.0), "1,000.00");
        assert_eq!(money(-12_345.678), "-12,345.68");
        assert_eq!(money(-0.001), "0.00");
        assert_eq!(money(0.0), "0.00");
    }

    #[test]
    fn percent_and_num_trim() {
        assert_eq!(percent(0.2), "20%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(num(30.0), "30");
        assert_eq!(num(2.54), "2.5");
        assert_eq!(num(-0.01), "0");
        assert_eq!(ratio(1.256), "1.26");
    }

    #[test]
    fn known_drops_non_finite() {
        assert_eq!(known(1.5), Some(1.5));
        assert_eq!(known(f64::NAN), None);
        assert_eq!(known_opt(Some(f64::INFINITY)), None);
        assert_eq!(known_opt(None), None);
    }
}
