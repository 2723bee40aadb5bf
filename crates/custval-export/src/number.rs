//! Plain-text numbers for CSV: no `.0` on integers, no scientific notation at ordinary
//! magnitudes.

/// Text for a finite number, `None` for NaN and infinities (written as empty cells).
pub(crate) fn format_number(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    let mut out = String::new();
    write_number(&mut out, x);
    Some(out)
}

/// Appends a number's text (nothing for NaN and infinities) without an intermediate String:
/// CSV output of large tables spends most of its time here.
pub(crate) fn write_number(out: &mut String, x: f64) {
    use std::fmt::Write;
    if !x.is_finite() {
        return;
    }
    if x == 0.0 {
        out.push('0'); // also -0.0
        return;
    }
    let a = x.abs();
    // Writing to a String cannot fail.
    let _ = if (1e-7..1e21).contains(&a) {
        write!(out, "{x}")
    } else {
        write!(out, "{x:e}")
    };
}

/// Human-friendly text for a number: fixed decimals and thousands grouping (`1,234,567.89`),
/// for tables and explanations read by people (not for CSV cells, which stay plain).
pub fn grouped(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    // A negative number that rounds to zero is shown without its sign.
    if x < 0.0 && s.bytes().any(|c| c.is_ascii_digit() && c != b'0') {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn grouped_numbers() {
        use super::grouped;
        assert_eq!(grouped(1234567.891, 2), "1,234,567.89");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(-1000.0, 1), "-1,000.0");
        assert_eq!(grouped(-0.0001, 2), "0.00");
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(format_number(1234.5).as_deref(), Some("1234.5"));
        assert_eq!(format_number(1234.0).as_deref(), Some("1234"));
        assert_eq!(format_number(-0.0).as_deref(), Some("0"));
        assert_eq!(format_number(-12.25).as_deref(), Some("-12.25"));
        assert_eq!(format_number(0.1).as_deref(), Some("0.1"));
        assert_eq!(
            format_number(1e20).as_deref(),
            Some("100000000000000000000")
        );
        assert_eq!(format_number(1e21).as_deref(), Some("1e21"));
        assert_eq!(format_number(1.5e-8).as_deref(), Some("1.5e-8"));
        assert_eq!(format_number(0.000_000_1).as_deref(), Some("0.0000001"));
        assert_eq!(format_number(f64::NAN), None);
        assert_eq!(format_number(f64::NEG_INFINITY), None);
    }

    #[test]
    fn round_trips() {
        for x in [
            0.1 + 0.2,
            1.0 / 3.0,
            123_456_789.123_456_78,
            2.5e-7,
            9.007_199_254_740_993e15,
        ] {
            let s = format_number(x).unwrap_or_default();
            assert_eq!(s.parse::<f64>().ok(), Some(x), "{s}");
        }
    }
}
