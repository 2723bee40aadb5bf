//! How figures are printed, in one place so that a figure reads the same in a sentence, a
//! report, a web page and an export.
//!
//! Two families, because the copies this module replaces served two purposes:
//! - **In a sentence** (an explained rule, an alert, a SWOT finding): [`fixed`], [`trimmed`],
//!   [`percent`] and [`money`]. No thousands separators except in money, percentages trimmed
//!   (`20%`, `12.5%`), money with two decimals and the caller's currency symbol, often none
//!   (`1,234,567.50`, `-¥1,234.50`). Non-finite values print as Rust prints them;
//!   callers leave missing figures out of their sentences first (see [`crate::known`]).
//! - **In a table cell** (reports and web pages): [`grouped`], [`count`], [`percent_cell`],
//!   [`money_brief`] and the dates. Thousands grouped, percentages always with one decimal
//!   (`12.0%`, so a column lines up), money in yuan in the reader's style ([`BigAmounts`]), and
//!   NaN or ±∞ shown as [`DASH`]: a report never prints `NaN` or `inf`.
//!
//! In both, a value that rounds to zero prints without a minus sign (`-0.0001` → `0.0`): "-0.0"
//! reads like a bug.

/// What a missing or non-finite number is shown as in a table.
pub const DASH: &str = "—";

/// `x` with `decimals` digits after the point, no grouping, and no minus sign on a value that
/// rounds to zero.
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// [`fixed`] with trailing zeros trimmed: at most `decimals` decimals, 0.1 → "0.1", 12.0 → "12".
pub fn trimmed(x: f64, decimals: usize) -> String {
    let s = fixed(x, decimals);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A share in a sentence: a percentage with at most one decimal, 0.2 → "20%", 0.125 → "12.5%".
pub fn percent(share: f64) -> String {
    format!("{}%", trimmed(share * 100.0, 1))
}

/// Money in a sentence: two decimals and thousands separators, `currency` (may be empty) in
/// front of the digits and the minus sign in front of both: -1234567.5 with "¥" →
/// "-¥1,234,567.50".
pub fn money(x: f64, currency: &str) -> String {
    let s = group_integer_part(&fixed(x, 2));
    match s.strip_prefix('-') {
        Some(digits) => format!("-{currency}{digits}"),
        None => format!("{currency}{s}"),
    }
}

/// Inserts `,` every three digits, counted from the right, of a string of ASCII digits:
/// "1234567" → "1,234,567".
pub fn group_thousands(digits: &str) -> String {
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

/// A table cell: `x` with `decimals` decimals and grouped thousands (`-1,234.57`); [`DASH`] if
/// not finite.
pub fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return DASH.to_string();
    }
    group_integer_part(&fixed(x, decimals))
}

/// Groups the digits before the point of a number printed by [`fixed`], after its sign
/// ("inf" and "NaN" have fewer than four characters and come back as they are).
fn group_integer_part(s: &str) -> String {
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    match digits.split_once('.') {
        Some((int, frac)) => format!("{sign}{}.{frac}", group_thousands(int)),
        None => format!("{sign}{}", group_thousands(digits)),
    }
}

/// A count with grouped thousands: `12,345`.
pub fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// A share in a table cell: a percentage with one decimal, `0.1234` → `12.3%`, `1.0` →
/// `100.0%`; [`DASH`] if not finite.
pub fn percent_cell(share: f64) -> String {
    let pct = share * 100.0;
    // A huge finite share overflows to infinity when scaled.
    if !pct.is_finite() {
        return DASH.to_string();
    }
    format!("{}%", grouped(pct, 1))
}

/// How [`money_brief`] writes large amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BigAmounts {
    /// Grouped thousands: `¥1,234,568` (English).
    Grouped,
    /// 万 (10⁴) from ¥10,000 on and 亿 (10⁸) from ¥1亿 on, as Chinese business reports do:
    /// `¥123.5万`, `¥2.50亿`.
    WanYi,
    /// K (10³), M (10⁶) and B (10⁹) from 10,000 on, for English where space is short:
    /// `$12.3K`, `$1.23M`.
    KiloMega,
}

/// The currency amounts are in: an ISO 4217 code, and the symbol a reader expects in front of
/// the digits. The store's figures carry no currency; the config's `[ui] currency` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
}

impl Currency {
    /// Renminbi, the default.
    pub const CNY: Currency = Currency { code: *b"CNY" };

    /// A currency from its ISO 4217 code (three ASCII letters, any case); `None` otherwise.
    pub fn parse(code: &str) -> Option<Currency> {
        let b = code.trim().as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        Some(Currency {
            code: [
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ],
        })
    }

    /// The ISO code (`CNY`).
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("CNY")
    }

    /// The symbol in front of the digits: `¥`, `$`, `€`, …; for codes without a well-known
    /// symbol, the code and a space (`CHF 1,234`).
    pub fn prefix(&self) -> String {
        match &self.code {
            b"CNY" | b"JPY" => "¥".to_string(),
            b"USD" => "$".to_string(),
            b"EUR" => "€".to_string(),
            b"GBP" => "£".to_string(),
            b"HKD" => "HK$".to_string(),
            b"TWD" => "NT$".to_string(),
            b"SGD" => "S$".to_string(),
            b"AUD" => "A$".to_string(),
            b"CAD" => "C$".to_string(),
            b"KRW" => "₩".to_string(),
            b"INR" => "₹".to_string(),
            _ => format!("{} ", self.code()),
        }
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::CNY
    }
}

/// Money in yuan for a table cell: [`money_cell`] in [`Currency::CNY`].
pub fn money_brief(x: f64, big: BigAmounts) -> String {
    money_cell(x, big, Currency::CNY)
}

/// Money for a table cell, the currency's symbol in front of the digits and the minus sign in
/// front of both. Amounts under 100 keep two decimals (`¥12.50`); larger ones, and zero, are
/// whole units (`¥1,234,568`), because cents of a customer's value are noise; `big` says how
/// large amounts are written. [`DASH`] if not finite.
pub fn money_cell(x: f64, big: BigAmounts, currency: Currency) -> String {
    if !x.is_finite() {
        return DASH.to_string();
    }
    let a = x.abs();
    let body = match big {
        BigAmounts::WanYi if a >= 1e4 => {
            let wan = format!("{:.1}", a / 1e4);
            // 9999.96万 would print as 10000.0万: that is 1亿.
            if wan.parse::<f64>().unwrap_or(f64::INFINITY) >= 1e4 {
                format!("{}亿", grouped(a / 1e8, 2))
            } else {
                format!("{wan}万")
            }
        }
        BigAmounts::KiloMega if a >= 1e4 => kilo_mega(a),
        _ if a >= 100.0 || a == 0.0 => grouped(a, 0),
        _ => grouped(a, 2),
    };
    let zero = body.bytes().all(|b| matches!(b, b'0' | b'.'));
    let sign = if x < 0.0 && !zero { "-" } else { "" };
    format!("{sign}{}{body}", currency.prefix())
}

/// Money in full for a tooltip or an export: thousands grouped, two decimals, the currency's
/// symbol (`-$1,234,567.50`). [`DASH`] if not finite.
pub fn money_full(x: f64, currency: Currency) -> String {
    if !x.is_finite() {
        return DASH.to_string();
    }
    money(x, &currency.prefix())
}

/// 12,345 → `12.3K`, 1,234,567 → `1.23M`, 4.5e9 → `4.50B`; three significant figures, and a
/// value that rounds up to the next unit moves to it (999,950 → `1.00M`).
fn kilo_mega(a: f64) -> String {
    let units = [(1e9, "B"), (1e6, "M"), (1e3, "K")];
    let mut i = units.iter().position(|(u, _)| a >= *u).unwrap_or(2);
    loop {
        let (u, suffix) = units[i];
        let v = a / u;
        let decimals = if v >= 100.0 {
            0
        } else if v >= 10.0 {
            1
        } else {
            2
        };
        let s = format!("{v:.decimals$}");
        if i > 0 && s.parse::<f64>().unwrap_or(0.0) >= 1000.0 {
            i -= 1;
            continue;
        }
        return format!("{s}{suffix}");
    }
}

/// An ISO 8601 date, `YYYY-MM-DD`. Years outside 0000..=9999 use ISO's expanded form with a
/// sign (`-0001-12-31`, `+10000-01-01`), so every date reads back unambiguously.
pub fn iso_date(year: i64, month: u32, day: u32) -> String {
    if (0..=9999).contains(&year) {
        format!("{year:04}-{month:02}-{day:02}")
    } else if year < 0 {
        format!("-{:04}-{month:02}-{day:02}", -year)
    } else {
        format!("+{year}-{month:02}-{day:02}")
    }
}

/// A date as Chinese readers write it: `2025年6月30日`.
pub fn chinese_date(year: i64, month: u32, day: u32) -> String {
    format!("{year}年{month}月{day}日")
}

/// XML-escapes text for element content and attribute values (SVG labels, titles, tooltips);
/// control characters other than tab and line breaks are dropped (XML 1.0 forbids them).
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_figures() {
        assert_eq!(fixed(-0.0, 1), "0.0");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.06, 1), "-0.1");
        assert_eq!(fixed(81.23, 1), "81.2");
        assert_eq!(trimmed(0.1, 3), "0.1");
        assert_eq!(trimmed(12.0, 2), "12");
        assert_eq!(trimmed(-0.0001, 2), "0");
        assert_eq!(trimmed(2.54, 1), "2.5");
        assert_eq!(percent(0.2), "20%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(1.0 - 0.7), "30%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn sentence_money_groups_thousands() {
        assert_eq!(money(1_234_567.5, ""), "1,234,567.50");
        assert_eq!(money(1234.5, "¥"), "¥1,234.50");
        assert_eq!(money(-1_234_567.0, "¥"), "-¥1,234,567.00");
        assert_eq!(money(12.0, "$"), "$12.00");
        assert_eq!(money(999.0, ""), "999.00");
        assert_eq!(money(999.999, ""), "1,000.00");
        assert_eq!(money(-12_345.678, ""), "-12,345.68");
        assert_eq!(money(-0.001, "¥"), "¥0.00");
        assert_eq!(money(0.0, ""), "0.00");
        assert_eq!(money(f64::INFINITY, ""), "inf");
        assert_eq!(money(f64::NEG_INFINITY, "¥"), "-¥inf");
        assert_eq!(money(f64::NAN, ""), "NaN");
    }

    #[test]
    fn cells() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(grouped(-1234.567, 2), "-1,234.57");
        assert_eq!(grouped(1234.0, 0), "1,234");
        assert_eq!(grouped(-0.0001, 1), "0.0");
        assert_eq!(grouped(f64::NAN, 1), DASH);
        assert_eq!(percent_cell(0.1234), "12.3%");
        assert_eq!(percent_cell(1.0), "100.0%");
        assert_eq!(percent_cell(-0.0), "0.0%");
        assert_eq!(percent_cell(f64::NAN), DASH);
    }

    #[test]
    fn brief_money() {
        let en = |x| money_brief(x, BigAmounts::Grouped);
        let zh = |x| money_brief(x, BigAmounts::WanYi);
        assert_eq!(en(1_234_567.4), "¥1,234,567");
        assert_eq!(en(12.5), "¥12.50");
        assert_eq!(en(-2500.0), "-¥2,500");
        assert_eq!(en(0.0), "¥0");
        assert_eq!(en(-0.001), "¥0.00");
        assert_eq!(en(f64::INFINITY), DASH);
        assert_eq!(zh(1_234_000.0), "¥123.4万");
        assert_eq!(zh(9_999.0), "¥9,999");
        assert_eq!(zh(10_000.0), "¥1.0万");
        assert_eq!(zh(99_999_999.0), "¥1.00亿");
        assert_eq!(zh(250_000_000.0), "¥2.50亿");
        assert_eq!(zh(-56_000.0), "-¥5.6万");
        assert_eq!(zh(f64::NAN), DASH);
    }

    #[test]
    fn currencies_and_short_english_amounts() {
        let usd = Currency::parse("usd").unwrap();
        assert_eq!(usd.code(), "USD");
        assert_eq!(
            money_cell(1_234_567.4, BigAmounts::Grouped, usd),
            "$1,234,567"
        );
        assert_eq!(money_cell(-12_345.0, BigAmounts::KiloMega, usd), "-$12.3K");
        assert_eq!(money_cell(999_950.0, BigAmounts::KiloMega, usd), "$1.00M");
        assert_eq!(money_cell(4.5e9, BigAmounts::KiloMega, usd), "$4.50B");
        assert_eq!(money_cell(9_999.0, BigAmounts::KiloMega, usd), "$9,999");
        let chf = Currency::parse("CHF").unwrap();
        assert_eq!(money_cell(150.0, BigAmounts::Grouped, chf), "CHF 150");
        assert_eq!(money_full(-1234.5, usd), "-$1,234.50");
        assert_eq!(Currency::parse("US"), None);
        assert_eq!(Currency::parse("U$D"), None);
        assert_eq!(Currency::default(), Currency::CNY);
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date(1970, 1, 1), "1970-01-01");
        assert_eq!(iso_date(0, 1, 1), "0000-01-01");
        assert_eq!(iso_date(-1, 12, 31), "-0001-12-31");
        assert_eq!(iso_date(10_000, 1, 1), "+10000-01-01");
        assert_eq!(chinese_date(2025, 6, 30), "2025年6月30日");
    }

    proptest::proptest! {
        #[test]
        fn grouped_reads_back_within_rounding(x in -1e12f64..1e12, d in 0usize..4) {
            let text = grouped(x, d);
            let back: f64 = text.replace(',', "").parse().unwrap_or(f64::NAN);
            // Rounding to d decimals, plus the parse's own error at this magnitude.
            let tolerance = 0.5 * 10f64.powi(-(d as i32)) + 4.0 * f64::EPSILON * x.abs();
            proptest::prop_assert!((back - x).abs() <= tolerance, "{} -> {}", x, text);
        }

        #[test]
        fn cells_never_print_nan_or_inf(bits in proptest::num::u64::ANY, zh in proptest::bool::ANY) {
            // Every f64 bit pattern, NaN payloads and infinities included.
            let x = f64::from_bits(bits);
            let big = if zh { BigAmounts::WanYi } else { BigAmounts::Grouped };
            for text in [money_brief(x, big), percent_cell(x), grouped(x, 2)] {
                proptest::prop_assert!(!text.contains("NaN") && !text.contains("inf"), "{}", text);
                proptest::prop_assert!(text == DASH || text.chars().any(|c| c.is_ascii_digit()), "{}", text);
            }
        }

        #[test]
        fn sentence_money_is_grouped_fixed(x in -1e12f64..1e12) {
            proptest::prop_assert_eq!(money(x, ""), grouped(x, 2));
        }
    }
}
