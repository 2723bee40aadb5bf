//! Calendar arithmetic on day numbers (days since 1970-01-01), shared by ingestion (parsing),
//! the engine (windows, period ends) and every output (ISO dates).
//!
//! Hand-written rather than `chrono`: these functions sit in the innermost loop of every import
//! and are a dozen integer operations each.

/// Days since 1970-01-01 of a proleptic Gregorian date, or `None` when the date does not exist
/// or its year is outside 1..=9999 (what the importers accept).
pub fn days_from_ymd(year: i32, month: u32, day: u32) -> Option<i32> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if !(1..=9999).contains(&year) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Days since 1970-01-01 of a proleptic Gregorian (year, month, day), without checking that the
/// date exists: the one "days from civil" routine (H. Hinnant's algorithm) every crate calls.
/// Callers that read dates from users go through [`days_from_ymd`].
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian (year, month, day) of a day number; the inverse of
/// [`days_from_civil`], exact over the whole `i32` range (computed in `i64`, so the extremes
/// do not overflow).
pub fn ymd_from_days(days: i32) -> (i32, u32, u32) {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    // |days| < 2^31 keeps |y| under 6 million.
    (y as i32, m, d)
}

/// ISO `YYYY-MM-DD` text of a day number (ISO's expanded form with a sign outside years
/// 0000..=9999; see `custval_base::format::iso_date`).
pub fn format_date(days: i32) -> String {
    let (y, m, d) = ymd_from_days(days);
    custval_base::format::iso_date(i64::from(y), m, d)
}

/// Whether `year` has a 29 February.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` of `year`; 0 for a month outside 1..=12.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        assert_eq!(days_from_civil(2024, 1, 1), 19_723);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(0, 1, 1), -719_528);
        assert_eq!(ymd_from_days(-719_529), (-1, 12, 31));
        assert_eq!(ymd_from_days(2_932_897), (10_000, 1, 1));
        assert_eq!(days_from_ymd(2025, 6, 30), Some(20_269));
        assert_eq!(days_from_ymd(2023, 2, 29), None);
        assert_eq!(days_from_ymd(1900, 2, 29), None);
        assert_eq!(days_from_ymd(2000, 2, 29), Some(11_016));
        assert_eq!(days_from_ymd(0, 1, 1), None);
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(-1), "1969-12-31");
        assert_eq!(format_date(-719_529), "-0001-12-31");
        assert_eq!(format_date(2_932_897), "+10000-01-01");
        // The extremes do not overflow.
        for z in [i32::MAX, i32::MIN] {
            let (y, m, d) = ymd_from_days(z);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
        }
    }

    #[test]
    fn leap_years() {
        assert!(is_leap(2000) && is_leap(2024) && !is_leap(1900) && !is_leap(2023));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2024, 13), 0);
    }

    #[test]
    fn round_trip_near_the_epoch() {
        for z in -800_000..800_000 {
            let (y, m, d) = ymd_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    proptest::proptest! {
        #[test]
        fn round_trip(z in -1_000_000_000i32..1_000_000_000) {
            let (y, m, d) = ymd_from_days(z);
            proptest::prop_assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            proptest::prop_assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
