//! Fuzzes the date parser of custval-ingest (`parse::parse_date`, `days_from_excel_serial`).
//!
//! Properties: no panic; a date that parses lies in 0001-01-01..=9999-12-31; it prints
//! (`format_date`) to text that parses back to the same day, and so do the other forms the
//! parser documents (`Y/M/D`, `YYYYMMDD`, `Y年M月D日`, with a time after it); any day number in
//! range survives print → parse; an Excel serial gives a day in range or nothing.
#![no_main]

use custval_ingest::parse::{
    days_from_excel_serial, days_from_ymd, format_date, parse_date, ymd_from_days,
};
use libfuzzer_sys::fuzz_target;

fn check_day(d: i32) {
    let (first, last) = custval_fuzz::date_range();
    assert!((first..=last).contains(&d), "day {d} out of range");
    let (y, m, dd) = ymd_from_days(d);
    assert_eq!(days_from_ymd(y, m, dd), Some(d));
    let iso = format_date(d);
    for text in [
        iso.clone(),
        format!("{iso} 10:22"),
        format!("{iso}T10:22:00Z"),
        format!("  {iso}\t"),
        format!("{y:04}/{m}/{dd}"),
        format!("{y:04}.{m:02}.{dd:02}"),
        format!("{y:04}{m:02}{dd:02}"),
        format!("{y:04}年{m}月{dd}日"),
    ] {
        assert_eq!(
            parse_date(&text),
            Some(d),
            "{text:?} should be day {d} ({iso})"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(d) = parse_date(&text) {
        check_day(d);
    }
    if let Some(bytes) = data.get(..4) {
        let d = i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        let (first, last) = custval_fuzz::date_range();
        // Map any i32 into the valid span so that most inputs test a real day.
        let span = i64::from(last) - i64::from(first) + 1;
        let day = i64::from(first) + (i64::from(d) - i64::from(first)).rem_euclid(span);
        check_day(day as i32);
    }
    if let Some(bytes) = data.get(..8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        if let Some(d) = days_from_excel_serial(f64::from_le_bytes(b)) {
            check_day(d);
        }
    }
});
