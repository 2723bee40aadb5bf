//! Numbers as a manager reads them, per language: custval-base's table formats with the
//! report's language, plus the report's own parameter and score formats.
//!
//! Design choices:
//! - **Money**: English groups thousands (`¥1,234,568`); Chinese switches to 万 (10⁴) from
//!   ¥10,000 on (`¥123.5万`) and to 亿 (10⁸) from ¥1亿 on, as Chinese business reports do, so a
//!   column of large amounts stays short. Amounts under ¥100 keep two decimals (`¥12.50`); larger
//!   ones, and zero, are whole yuan, because cents of a customer's value are noise.
//! - **Shares** are fractions in and one-decimal percentages out (`0.1234` → `12.3%`).
//! - **NaN and infinities become an em dash** (`—`): a report must never print `NaN` or `inf`.
//! - A value that rounds to zero prints without a minus sign (`-0.0001` → `0.0`).

use crate::i18n::Lang;

// The figures themselves are custval-base's, the same the web pages print.
pub(crate) use custval_base::format::{DASH, count, grouped as fixed, percent_cell as percent};

/// An amount of money in `lang`'s style (see the module header).
pub(crate) fn money(lang: Lang, x: f64) -> String {
    custval_i18n::money(lang, x)
}

/// About four significant digits, for model parameters (`0.2425`, `4.414`, `79.41`).
pub(crate) fn significant(x: f64) -> String {
    if !x.is_finite() {
        return DASH.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor();
    let decimals = (3.0 - magnitude).clamp(0.0, 6.0) as usize;
    fixed(x, decimals)
}

/// A score on 0–100 with one decimal.
pub(crate) fn score(x: f64) -> String {
    fixed(x, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_money_uses_wan_and_yi() {
        // 1,234,000 yuan is 123.4万 (万 = 10,000).
        assert_eq!(money(Lang::Zh, 1_234_000.0), "¥123.4万");
        assert_eq!(money(Lang::Zh, 9_999.0), "¥9,999");
        assert_eq!(money(Lang::Zh, 10_000.0), "¥1.0万");
        assert_eq!(money(Lang::Zh, 99_999_999.0), "¥1.00亿");
        assert_eq!(money(Lang::Zh, 250_000_000.0), "¥2.50亿");
        assert_eq!(money(Lang::Zh, -56_000.0), "-¥5.6万");
        assert_eq!(money(Lang::Zh, f64::NAN), DASH);
    }

    #[test]
    fn percentages_and_parameters() {
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(-0.0), "0.0%");
        assert_eq!(percent(f64::NAN), DASH);
        // BG/NBD CDNOW estimates (Fader, Hardie & Lee 2005): r=0.243, alpha=4.414, a=0.793, b=2.426.
        assert_eq!(significant(0.242_59), "0.2426");
        assert_eq!(significant(4.413_6), "4.414");
        assert_eq!(significant(-9582.43), "-9,582");
        assert_eq!(significant(0.000_123_4), "0.000123");
        assert_eq!(significant(0.0), "0");
        assert_eq!(score(87.46), "87.5");
    }

    proptest::proptest! {
        #[test]
        fn nothing_prints_nan_or_inf(bits in proptest::num::u64::ANY, zh in proptest::bool::ANY) {
            // Every f64 bit pattern, NaN payloads and infinities included.
            let x = f64::from_bits(bits);
            let lang = if zh { Lang::Zh } else { Lang::En };
            for text in [money(lang, x), percent(x), significant(x), fixed(x, 2), score(x)] {
                proptest::prop_assert!(!text.contains("NaN") && !text.contains("inf"), "{}", text);
                proptest::prop_assert!(text == DASH || text.chars().any(|c| c.is_ascii_digit()), "{}", text);
            }
            let m = money(lang, x);
            proptest::prop_assert!(m == DASH || m.starts_with('¥') || m.starts_with("-¥"), "{}", m);
        }
    }
}
