//! Calendar dates as days since 1970-01-01, converted to ISO text and Excel serial numbers.

/// `(year, month, day)` of the proleptic Gregorian calendar for days since 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i32) -> (i64, u32, u32) {
    let z = i64::from(days) + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// ISO 8601 date (`YYYY-MM-DD`) for days since 1970-01-01. Years outside 0000..=9999 use the
/// ISO expanded form with a sign (`-0001-12-31`, `+10000-01-01`).
pub fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{d:02}")
    } else if y < 0 {
        format!("-{:04}-{m:02}-{d:02}", -y)
    } else {
        format!("+{y}-{m:02}-{d:02}")
    }
}

/// Excel's serial number of 1970-01-01 (1900 date system).
const EXCEL_EPOCH_1970: i64 = 25_569;
/// 1900-03-01: serials before it are shifted by Excel's fictitious 1900-02-29.
const FIRST_SAFE_SERIAL: i64 = 61;
/// 9999-12-31, the last date Excel displays.
const LAST_SERIAL: i64 = 2_958_465;

/// The Excel serial date for days since 1970-01-01, or `None` when Excel cannot show it
/// faithfully (before 1900-03-01 or after 9999-12-31).
pub(crate) fn excel_serial(days: i32) -> Option<f64> {
    let serial = i64::from(days) + EXCEL_EPOCH_1970;
    (FIRST_SAFE_SERIAL..=LAST_SERIAL)
        .contains(&serial)
        .then_some(serial as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(-1), "1969-12-31");
        assert_eq!(format_date(11_016), "2000-02-29");
        assert_eq!(format_date(19_723), "2024-01-01");
        assert_eq!(format_date(-719_528), "0000-01-01");
        assert_eq!(format_date(-719_529), "-0001-12-31");
        assert_eq!(format_date(2_932_897), "+10000-01-01");
        // extremes do not overflow
        let _ = format_date(i32::MIN);
        let _ = format_date(i32::MAX);
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial(0), Some(25_569.0));
        assert_eq!(excel_serial(19_723), Some(45_292.0)); // 2024-01-01
        assert_eq!(excel_serial(-25_508), Some(61.0)); // 1900-03-01
        assert_eq!(excel_serial(-25_509), None);
        assert_eq!(excel_serial(2_932_896), Some(2_958_465.0)); // 9999-12-31
        assert_eq!(excel_serial(2_932_897), None);
    }
}
