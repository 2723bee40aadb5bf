//! One shape for every classified customer: the class plus the rule that put it there.
//!
//! Rules are enums holding only the figures their sentence names, so a million results cost
//! tens of megabytes; the sentences are rendered when someone looks (a customer-360 page, an
//! export). The number formatting helpers live here so that every module prints figures the
//! same way (scores with one decimal, money with two, shares as trimmed percentages).

use serde::{Deserialize, Serialize};

/// A rule that can say in words, with its figures, why a customer got its class.
pub trait Explain {
    /// The rule as a short English sentence naming the figures.
    fn explain_en(&self) -> String;
    /// The rule as a short Chinese sentence naming the figures.
    fn explain_zh(&self) -> String;
}

/// A customer's class and the rule that decided it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Assigned<C, R> {
    /// The class (a small `Copy` enum with a snake_case id).
    pub class: C,
    /// The deciding rule with its figures.
    pub rule: R,
}

impl<C, R: Explain> Assigned<C, R> {
    /// The deciding rule in English, e.g. "current value score 81.2 ≥ high cut 64.0 (top 20%)".
    pub fn rule_en(&self) -> String {
        self.rule.explain_en()
    }

    /// The deciding rule in Chinese, e.g. "当前价值得分 81.2 ≥ 高值线 64.0（前20%）".
    pub fn rule_zh(&self) -> String {
        self.rule.explain_zh()
    }
}

/// `x` with `decimals` digits after the point; a value that rounds to zero never prints a
/// minus sign ("-0.0" reads like a bug in a sentence).
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// A share in [0, 1] as a percentage with at most one decimal: 0.2 → "20%", 0.125 → "12.5%".
pub(crate) fn percent(share: f64) -> String {
    let s = fixed(share * 100.0, 1);
    let s = s.strip_suffix(".0").unwrap_or(&s);
    format!("{s}%")
}

/// The finite value of `x`, or `None` for NaN and ±∞ (treated as missing everywhere).
pub(crate) fn known(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Checks that a quantile or share lies strictly between 0 and 1.
pub(crate) fn open_unit(field: &'static str, value: f64) -> Result<(), crate::ClassifyError> {
    if value > 0.0 && value < 1.0 {
        Ok(())
    } else {
        Err(crate::ClassifyError::Config {
            field,
            value,
            reason: "must be strictly between 0 and 1",
        })
    }
}

/// Checks that a per-customer input has one entry per customer.
pub(crate) fn same_len(
    what: &'static str,
    expected: usize,
    got: usize,
) -> Result<(), crate::ClassifyError> {
    if expected == got {
        Ok(())
    } else {
        Err(crate::ClassifyError::LengthMismatch {
            what,
            expected,
            got,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_trims_whole_numbers() {
        assert_eq!(percent(0.2), "20%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(0.3), "30%");
        assert_eq!(percent(1.0 - 0.7), "30%");
    }

    #[test]
    fn fixed_has_no_negative_zero() {
        assert_eq!(fixed(-0.0, 1), "0.0");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.06, 1), "-0.1");
        assert_eq!(fixed(81.23, 1), "81.2");
    }

    #[test]
    fn known_drops_non_finite() {
        assert_eq!(known(1.5), Some(1.5));
        assert_eq!(known(f64::NAN), None);
        assert_eq!(known(f64::INFINITY), None);
    }
}
