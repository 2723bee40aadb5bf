//! From a customer's transactions to the (frequency, recency, T, monetary value) summary the
//! models take, with an optional calibration/holdout split.
//!
//! Conventions (those of the CDNOW summary in Fader, Hardie & Lee 2005 and of lifetimes'
//! `summary_data_from_transaction_data` with daily frequency):
//! * purchases on the same day merge into one purchase whose amount is the day's sum;
//! * frequency = number of repeat purchase days (purchase days after the first);
//! * recency = time from the first to the last purchase day, T = time from the first purchase
//!   day to the end date (whole days, end date minus first date: a customer who joined on
//!   1997-01-01 has T = 272 days = 38.86 weeks on 1997-09-30);
//! * monetary_value = mean amount of the repeat purchase days, 0 when there are none.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ClvError;

/// The time unit of recency, T and the holdout duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Day,
    /// 7 days.
    Week,
    /// 365.25 / 12 = 30.4375 days (an average Gregorian month, so that 12 months are a year).
    Month,
}

impl TimeUnit {
    /// Length of the unit in days.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
            TimeUnit::Month => 365.25 / 12.0,
        }
    }
}

/// Where the observation (and calibration) ends, as days since 1970-01-01, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryOptions {
    pub observation_end: i32,
    /// With a calibration end, the summary describes the calibration period and the purchases
    /// after it (up to `observation_end`) become `frequency_holdout`.
    pub calibration_end: Option<i32>,
    pub unit: TimeUnit,
}

/// One customer's summary.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CustomerSummary {
    pub frequency: f64,
    pub recency: f64,
    #[serde(rename = "T")]
    pub t: f64,
    pub monetary_value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_holdout: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_holdout: Option<f64>,
}

/// Summarizes one customer's purchases (`days` in any order; `amounts` parallel to `days`, or
/// `None` when there is no amount column). Returns `None` for a customer whose first purchase
/// falls after the (calibration) end, or who has no purchase at all.
pub fn summarize_customer(
    days: &[i32],
    amounts: Option<&[f64]>,
    opts: &SummaryOptions,
) -> Result<Option<CustomerSummary>, ClvError> {
    if let Some(a) = amounts
        && a.len() != days.len()
    {
        return Err(ClvError::LengthMismatch {
            column: "amount",
            expected: days.len(),
            got: a.len(),
        });
    }
    let cal_end = opts.calibration_end.unwrap_or(opts.observation_end);
    if cal_end > opts.observation_end {
        return Err(ClvError::InvalidOption {
            name: "calibration_end",
            reason: "is after the observation end",
        });
    }
    // Day → summed amount, ordered by day; purchases after the observation end are ignored.
    let mut per_day: BTreeMap<i32, f64> = BTreeMap::new();
    for (i, &d) in days.iter().enumerate() {
        if d > opts.observation_end {
            continue;
        }
        let amount = amounts.map_or(0.0, |a| a[i]);
        if !amount.is_finite() {
            return Err(ClvError::Transaction {
                index: i,
                reason: "amount is not a finite number",
            });
        }
        *per_day.entry(d).or_insert(0.0) += amount;
    }
    let Some((&first, _)) = per_day.iter().next() else {
        return Ok(None);
    };
    if first > cal_end {
        return Ok(None);
    }
    let unit = opts.unit.days();
    let mut last = first;
    let mut repeat_days = 0usize;
    let mut repeat_sum = 0.0;
    let mut holdout = 0usize;
    for (&d, &amount) in per_day.iter().skip(1) {
        if d <= cal_end {
            repeat_days += 1;
            repeat_sum += amount;
            last = d;
        } else {
            holdout += 1;
        }
    }
    let monetary_value = if repeat_days > 0 {
        repeat_sum / repeat_days as f64
    } else {
        0.0
    };
    let with_holdout = opts.calibration_end.is_some();
    Ok(Some(CustomerSummary {
        frequency: repeat_days as f64,
        recency: f64::from(last - first) / unit,
        t: f64::from(cal_end - first) / unit,
        monetary_value,
        frequency_holdout: with_holdout.then_some(holdout as f64),
        duration_holdout: with_holdout.then(|| f64::from(opts.observation_end - cal_end) / unit),
    }))
}

/// Summarizes every customer of a transaction table given as parallel columns. Returns one
/// `(customer key, summary)` per included customer, ordered by key.
pub fn summarize<K: Ord + Clone>(
    customers: &[K],
    days: &[i32],
    amounts: Option<&[f64]>,
    opts: &SummaryOptions,
) -> Result<Vec<(K, CustomerSummary)>, ClvError> {
    if customers.len() != days.len() {
        return Err(ClvError::LengthMismatch {
            column: "date",
            expected: customers.len(),
            got: days.len(),
        });
    }
    if let Some(a) = amounts
        && a.len() != days.len()
    {
        return Err(ClvError::LengthMismatch {
            column: "amount",
            expected: days.len(),
            got: a.len(),
        });
    }
    let mut order: Vec<usize> = (0..customers.len()).collect();
    order.sort_by(|&i, &j| customers[i].cmp(&customers[j]));
    let mut out = Vec::new();
    let mut start = 0;
    let mut d = Vec::new();
    let mut a = Vec::new();
    while start < order.len() {
        let key = &customers[order[start]];
        let mut end = start;
        d.clear();
        a.clear();
        while end < order.len() && &customers[order[end]] == key {
            d.push(days[order[end]]);
            if let Some(am) = amounts {
                a.push(am[order[end]]);
            }
            end += 1;
        }
        let am = amounts.map(|_| a.as_slice());
        let s = summarize_customer(&d, am, opts).map_err(|e| match e {
            ClvError::Transaction { index, reason } => ClvError::Transaction {
                index: order[start + index],
                reason,
            },
            other => other,
        })?;
        if let Some(s) = s {
            out.push((key.clone(), s));
        }
        start = end;
    }
    Ok(out)
}

/// Days since 1970-01-01 of a proleptic Gregorian date, so that callers and tests need no date
/// crate (custval-model's calendar, the workspace's one civil-date routine).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    custval_model::date::days_from_civil(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            days_from_civil(1997, 9, 30) - days_from_civil(1997, 1, 1),
            272
        );
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28),
            2
        );
    }

    #[test]
    fn same_day_merge_and_holdout() {
        let opts = SummaryOptions {
            observation_end: 100,
            calibration_end: Some(50),
            unit: TimeUnit::Day,
        };
        let s = summarize_customer(
            &[10, 10, 20, 30, 60, 60, 120],
            Some(&[1.0, 2.0, 4.0, 6.0, 1.0, 1.0, 9.0]),
            &opts,
        )
        .ok()
        .flatten();
        let s = s.unwrap_or_else(|| panic!("customer expected"));
        assert_eq!(s.frequency, 2.0);
        assert_eq!(s.recency, 20.0);
        assert_eq!(s.t, 40.0);
        assert_eq!(s.monetary_value, 5.0);
        assert_eq!(s.frequency_holdout, Some(1.0));
        assert_eq!(s.duration_holdout, Some(50.0));
        assert_eq!(summarize_customer(&[51], None, &opts), Ok(None));
    }
}
