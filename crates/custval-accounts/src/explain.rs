//! Shared wording helpers: the one trait every explained result implements and the number
//! formats every sentence uses (both custval-base's), plus this crate's two conventions.
//!
//! Figures are printed the same way in every module so that a figure in a sentence can be
//! found again in an export: money with two decimals and thousands separators, shares as
//! trimmed percentages, days and counts without decimals unless they have a fraction. A value
//! that rounds to zero never prints a minus sign ("-0.0" reads like a bug).

pub use custval_base::Explain;
pub(crate) use custval_base::format::{fixed, percent};
pub(crate) use custval_base::{known, known_opt};

/// Money in this crate's sentences: two decimals, thousands separators, no currency symbol.
pub(crate) fn money(x: f64) -> String {
    custval_base::format::money(x, "")
}

/// A plain figure (days, scores, counts): at most one decimal, trimmed: 30.0 → "30", 2.5 → "2.5".
pub(crate) fn num(x: f64) -> String {
    custval_base::format::trimmed(x, 1)
}

/// A ratio with two decimals (lift, confidence as a fraction).
pub(crate) fn ratio(x: f64) -> String {
    custval_base::format::fixed(x, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_ratio_and_money() {
        assert_eq!(money(-12_345.678), "-12,345.68");
        assert_eq!(num(30.0), "30");
        assert_eq!(num(2.54), "2.5");
        assert_eq!(num(-0.01), "0");
        assert_eq!(ratio(1.256), "1.26");
    }
}
