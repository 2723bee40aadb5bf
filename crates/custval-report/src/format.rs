//! Numbers as a manager reads them, per language.
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

/// What a missing or non-finite number is shown as.
pub(crate) const DASH: &str = "—";

/// Inserts `,` every three digits of a string of ASCII digits.
fn group_digits(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` with `decimals` decimals and grouped thousands; [`DASH`] if not finite.
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return DASH.to_string();
    }
    let body = format!("{:.*}", decimals, x.abs());
    let (int_part, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body.as_str(), None),
    };
    let is_zero = body.bytes().all(|b| b == b'0' || b == b'.');
    let mut out = String::new();
    if x < 0.0 && !is_zero {
        out.push('-');
    }
    out.push_str(&group_digits(int_part));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A count with grouped thousands: `12,345`.
pub(crate) fn count(n: u64) -> String {
    group_digits(&n.to_string())
}

/// An amount of money in `lang`'s style (see the module header).
pub(crate) fn money(lang: Lang, x: f64) -> String {
    if !x.is_finite() {
        return DASH.to_string();
    }
    let a = x.abs();
    let body = match lang {
        Lang::Zh if a >= 1e4 => {
            let wan = format!("{:.1}", a / 1e4);
            // 9999.96万 would print as 10000.0万: that is 1亿.
            if wan.parse::<f64>().unwrap_or(f64::INFINITY) >= 1e4 {
                format!("{}亿", fixed(a / 1e8, 2))
            } else {
                format!("{wan}万")
            }
        }
        _ if a >= 100.0 || a == 0.0 => fixed(a, 0),
        _ => fixed(a, 2),
    };
    let zero = body.bytes().all(|b| matches!(b, b'0' | b'.'));
    if x < 0.0 && !zero {
        format!("-¥{body}")
    } else {
        format!("¥{body}")
    }
}

/// A share (fraction) as a percentage with one decimal: `0.1234` → `12.3%`.
pub(crate) fn percent(share: f64) -> String {
    let pct = share * 100.0;
    // A huge finite share overflows to infinity when scaled.
    if !pct.is_finite() {
        return DASH.to_string();
    }
    format!("{}%", fixed(pct, 1))
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
    fn grouping() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(fixed(-1234.567, 2), "-1,234.57");
        assert_eq!(fixed(-0.0001, 1), "0.0");
        assert_eq!(fixed(f64::NAN, 1), DASH);
    }

    #[test]
    fn english_money() {
        assert_eq!(money(Lang::En, 1_234_567.4), "¥1,234,567");
        assert_eq!(money(Lang::En, 12.5), "¥12.50");
        assert_eq!(money(Lang::En, -2500.0), "-¥2,500");
        assert_eq!(money(Lang::En, 0.0), "¥0");
        assert_eq!(money(Lang::En, -0.001), "¥0.00");
        assert_eq!(money(Lang::En, f64::INFINITY), DASH);
    }

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
        fn fixed_reads_back_within_rounding(x in -1e12f64..1e12, d in 0usize..4) {
            let text = fixed(x, d);
            let back: f64 = text.replace(',', "").parse().unwrap();
            // Rounding to d decimals, plus the parse's own error at this magnitude.
            let tolerance = 0.5 * 10f64.powi(-(d as i32)) + 4.0 * f64::EPSILON * x.abs();
            proptest::prop_assert!((back - x).abs() <= tolerance, "{} -> {}", x, text);
        }

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
