//! ABC (Pareto) classes by cumulative share of value or of customers.

use serde::Serialize;

use crate::SegmentError;

/// What the cuts are applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Cumulative share of total value (the classic 80/15/5 split).
    Value,
    /// Cumulative share of customers (top 20 % of customers are A, …).
    Count,
}

/// One classified item, in descending order of value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbcRow {
    /// Position of the item in the caller's input.
    pub index: usize,
    pub value: f64,
    pub share: f64,
    pub cumulative_share: f64,
    pub class: String,
}

/// Class labels: A, B, C, … one more than the number of cuts.
pub fn label(k: usize) -> String {
    char::from_u32('A' as u32 + k as u32).map_or_else(|| format!("Z{k}"), |c| c.to_string())
}

/// Absorbs float noise in cumulative sums, so that a share of exactly 0.8 is "within 0.8".
const EPS: f64 = 1e-9;

/// Sorts by value (descending; ties keep input order) and assigns classes by each item's own
/// cumulative position, as `custval abc` documents: equal values straddling a cut get
/// different classes. Tiers of customers use [`classify_with`] with ties together.
pub fn classify(values: &[f64], cuts: &[f64], basis: Basis) -> Result<Vec<AbcRow>, SegmentError> {
    classify_with(values, cuts, basis, false)
}

/// [`classify`], and with `ties_together` equal values get one class: the one the first of
/// them reaches (issue 17: 40 identical customers were tiered A 32, B 6, C 2 by input order).
/// A class may then hold a little more than its cut when a tie straddles it, and the tied
/// items report the cumulative share of the first of them (equal values have no order).
pub fn classify_with(
    values: &[f64],
    cuts: &[f64],
    basis: Basis,
    ties_together: bool,
) -> Result<Vec<AbcRow>, SegmentError> {
    if values.is_empty() {
        return Err(SegmentError::Empty);
    }
    let ok_cuts = !cuts.is_empty()
        && cuts.iter().all(|c| *c > 0.0 && *c <= 1.0)
        && cuts.windows(2).all(|w| w[0] < w[1])
        && cuts.len() < 25;
    if !ok_cuts {
        return Err(SegmentError::Cuts(cuts.to_vec()));
    }
    if let Some((row, value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(SegmentError::NotFinite { row, value: *value });
    }
    let total: f64 = values.iter().sum();
    if total <= 0.0 {
        return Err(SegmentError::NonPositiveTotal(total));
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*b].total_cmp(&values[*a]).then(a.cmp(b)));
    let n = values.len() as f64;
    let mut cum = 0.0;
    // (value, class index, cumulative share) of the first of the current run of equal values.
    let mut tie: Option<(f64, usize, f64)> = None;
    Ok(order
        .into_iter()
        .enumerate()
        .map(|(rank, index)| {
            let value = values[index];
            let share = value / total;
            cum += share;
            let position = match basis {
                Basis::Value => cum,
                Basis::Count => (rank + 1) as f64 / n,
            };
            let (k, shown) = match tie {
                Some((v, k, first)) if ties_together && v == value => (k, first),
                _ => (
                    cuts.iter()
                        .position(|c| position <= c + EPS)
                        .unwrap_or(cuts.len()),
                    cum,
                ),
            };
            tie = Some((value, k, shown));
            AbcRow {
                index,
                value,
                share,
                cumulative_share: shown,
                class: label(k),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 17: identical customers were split across tiers by input order.
    #[test]
    fn equal_values_get_one_class() {
        let rows = classify_with(&[7.0; 40], &[0.8, 0.95], Basis::Value, true).expect("abc");
        assert!(rows.iter().all(|r| r.class == "A"));
        let rows = classify_with(&[3.0, 2.0, 2.0, 2.0, 1.0], &[0.2, 0.5], Basis::Count, true)
            .expect("abc");
        let classes: Vec<_> = rows.iter().map(|r| r.class.as_str()).collect();
        assert_eq!(classes, ["A", "B", "B", "B", "C"]);
    }

    #[test]
    fn pareto_split() {
        let values = [50.0, 30.0, 10.0, 5.0, 5.0];
        let rows = classify(&values, &[0.8, 0.95], Basis::Value).expect("abc");
        let classes: Vec<_> = rows.iter().map(|r| r.class.as_str()).collect();
        assert_eq!(classes, ["A", "A", "B", "B", "C"]);
        assert!((rows[4].cumulative_share - 1.0).abs() < 1e-12);
        assert_eq!(rows[3].index, 3, "ties keep input order");
        // With ties together the two equal 5s share the class the first of them reaches, and
        // its cumulative share.
        let rows = classify_with(&values, &[0.8, 0.95], Basis::Value, true).expect("abc");
        let classes: Vec<_> = rows.iter().map(|r| r.class.as_str()).collect();
        assert_eq!(classes, ["A", "A", "B", "B", "B"]);
        assert!((rows[4].cumulative_share - 0.95).abs() < 1e-12);
    }

    #[test]
    fn by_count() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        let rows = classify(&values, &[0.2, 0.5], Basis::Count).expect("abc");
        let a = rows.iter().filter(|r| r.class == "A").count();
        let b = rows.iter().filter(|r| r.class == "B").count();
        assert_eq!((a, b), (2, 3));
    }

    #[test]
    fn bad_input() {
        assert_eq!(
            classify(&[], &[0.8], Basis::Value),
            Err(SegmentError::Empty)
        );
        assert!(classify(&[1.0], &[0.9, 0.8], Basis::Value).is_err());
        assert!(classify(&[-1.0, 0.5], &[0.8], Basis::Value).is_err());
        assert!(classify(&[f64::NAN], &[0.8], Basis::Value).is_err());
    }
}
