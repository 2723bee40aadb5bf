//! Month arithmetic and allocation-free date text on days since 1970-01-01 (the Arrow `Date32`
//! unit), over custval-model's calendar: the hot loop formats tens of millions of dates and
//! must not allocate.

// The calendar itself is custval-model's, the one civil-date routine of the workspace.
pub(crate) use custval_model::date::{days_from_civil, ymd_from_days as civil_from_days};

/// Month index (`year * 12 + month - 1`) of a day.
pub(crate) fn month_index(day: i32) -> i32 {
    let (y, m, _) = civil_from_days(day);
    y * 12 + m as i32 - 1
}

/// First day of a month index.
pub(crate) fn month_start(month_index: i32) -> i32 {
    days_from_civil(
        month_index.div_euclid(12),
        month_index.rem_euclid(12) as u32 + 1,
        1,
    )
}

/// Last day of a month index.
pub(crate) fn month_end(month_index: i32) -> i32 {
    month_start(month_index + 1) - 1
}

/// Appends `YYYY-MM-DD`.
pub(crate) fn push_date(out: &mut Vec<u8>, day: i32) {
    let (y, m, d) = civil_from_days(day);
    push_year(out, y);
    out.push(b'-');
    push2(out, m);
    out.push(b'-');
    push2(out, d);
}

/// Appends `YYYY-MM` for a month index.
pub(crate) fn push_period(out: &mut Vec<u8>, month_index: i32) {
    push_year(out, month_index.div_euclid(12));
    out.push(b'-');
    push2(out, month_index.rem_euclid(12) as u32 + 1);
}

/// `YYYY-MM-DD` as a `String` (for tests).
#[cfg(test)]
pub(crate) fn date_string(day: i32) -> String {
    let mut v = Vec::with_capacity(10);
    push_date(&mut v, day);
    String::from_utf8_lossy(&v).into_owned()
}

/// `YYYY-MM` as a `String`.
pub(crate) fn period_string(month_index: i32) -> String {
    let mut v = Vec::with_capacity(7);
    push_period(&mut v, month_index);
    String::from_utf8_lossy(&v).into_owned()
}

fn push_year(out: &mut Vec<u8>, y: i32) {
    if (0..10_000).contains(&y) {
        let y = y as u32;
        out.extend_from_slice(&[
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
        ]);
    } else {
        out.extend_from_slice(y.to_string().as_bytes());
    }
}

fn push2(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates_and_periods() {
        let day = days_from_civil(2026, 6, 30);
        assert_eq!(date_string(day), "2026-06-30");
        assert_eq!(period_string(month_index(day)), "2026-06");
        assert_eq!(
            date_string(month_end(month_index(days_from_civil(2024, 2, 3)))),
            "2024-02-29"
        );
        assert_eq!(date_string(month_start(month_index(day) + 1)), "2026-07-01");
    }
}
