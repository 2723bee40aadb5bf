//! Allocation-free number formatting for the CSV hot loop.

/// Appends the decimal digits of `v`.
pub(crate) fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `v` left-padded with zeros to at least `width` digits.
pub(crate) fn push_u64_padded(out: &mut Vec<u8>, v: u64, width: usize) {
    let digits = digits(v);
    for _ in digits..width {
        out.push(b'0');
    }
    push_u64(out, v);
}

/// Number of decimal digits of `v` (1 for 0).
pub(crate) fn digits(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// Appends an amount in cents as `123.45` (`-0.50` for negatives).
pub(crate) fn push_cents(out: &mut Vec<u8>, cents: i64) {
    if cents < 0 {
        out.push(b'-');
    }
    let c = cents.unsigned_abs();
    push_u64(out, c / 100);
    out.push(b'.');
    let frac = (c % 100) as u8;
    out.extend_from_slice(&[b'0' + frac / 10, b'0' + frac % 10]);
}

/// Appends `v` in Rust's shortest round-trip notation (used for the truth table's
/// parameters, which tests read back exactly).
pub(crate) fn push_float(out: &mut Vec<u8>, v: f64) {
    use std::io::Write as _;
    if v.is_finite() {
        // Writing into a Vec cannot fail.
        let _ = write!(out, "{v}");
    }
}

/// Rounds a non-negative money amount in currency units to cents.
pub(crate) fn to_cents(v: f64) -> i64 {
    if v.is_finite() {
        (v * 100.0).round().clamp(-9.0e17, 9.0e17) as i64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8(v).unwrap_or_default()
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(s(|v| push_u64(v, 0)), "0");
        assert_eq!(s(|v| push_u64(v, u64::MAX)), u64::MAX.to_string());
        assert_eq!(s(|v| push_u64_padded(v, 42, 5)), "00042");
        assert_eq!(s(|v| push_u64_padded(v, 123_456, 3)), "123456");
        assert_eq!(s(|v| push_cents(v, 123_405)), "1234.05");
        assert_eq!(s(|v| push_cents(v, -50)), "-0.50");
        assert_eq!(s(|v| push_float(v, 0.0123456789)), "0.0123456789");
        assert_eq!(s(|v| push_float(v, -2.5)), "-2.5");
        assert_eq!(s(|v| push_float(v, f64::NAN)), "");
        assert_eq!(to_cents(12.345_1), 1235);
        assert_eq!(digits(0), 1);
        assert_eq!(digits(1_000_000), 7);
    }
}
