//! Calendar dates as days since 1970-01-01 converted to Excel serial numbers (ISO text is
//! custval-model's `format_date`, re-exported by this crate).

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
    fn excel_serials() {
        assert_eq!(excel_serial(0), Some(25_569.0));
        assert_eq!(excel_serial(19_723), Some(45_292.0)); // 2024-01-01
        assert_eq!(excel_serial(-25_508), Some(61.0)); // 1900-03-01
        assert_eq!(excel_serial(-25_509), None);
        assert_eq!(excel_serial(2_932_896), Some(2_958_465.0)); // 9999-12-31
        assert_eq!(excel_serial(2_932_897), None);
    }
}
