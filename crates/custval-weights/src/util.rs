//! Small checks shared by the modules.

use crate::error::{Result, WeightsError};

/// Checks that `columns` is non-empty, rectangular and finite; returns the row count.
pub(crate) fn check_columns(columns: &[Vec<f64>]) -> Result<usize> {
    let first = columns.first().ok_or(WeightsError::NoColumns)?;
    let m = first.len();
    for (j, col) in columns.iter().enumerate() {
        if col.len() != m {
            return Err(WeightsError::LengthMismatch {
                what: format!("values in column {j} (one per row, like column 0)"),
                expected: m,
                found: col.len(),
            });
        }
        check_finite(j, col)?;
    }
    Ok(m)
}

/// The checks every objective weighting method makes: a rectangular finite table, one
/// direction per column, and at least two rows (one row has no dispersion). Returns the row
/// count.
pub(crate) fn check_objective_input(
    method: &'static str,
    columns: &[Vec<f64>],
    directions: &[crate::Direction],
) -> Result<usize> {
    let m = check_columns(columns)?;
    check_len(
        "directions (one per column)",
        columns.len(),
        directions.len(),
    )?;
    if m < 2 {
        return Err(WeightsError::TooFewRows {
            method,
            min: 2,
            found: m,
        });
    }
    Ok(m)
}

/// Fails on the first NaN or infinite value of column `j`.
pub(crate) fn check_finite(j: usize, col: &[f64]) -> Result<()> {
    match col.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(WeightsError::NonFinite {
            column: j,
            row,
            value: col[row],
        }),
        None => Ok(()),
    }
}

/// Checks that there is one entry per column.
pub(crate) fn check_len(what: &str, expected: usize, found: usize) -> Result<()> {
    if expected == found {
        Ok(())
    } else {
        Err(WeightsError::LengthMismatch {
            what: what.to_owned(),
            expected,
            found,
        })
    }
}

/// Minimum and maximum of a non-empty finite slice.
pub(crate) fn min_max(col: &[f64]) -> (f64, f64) {
    col.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// Arithmetic mean (0 for an empty slice).
pub(crate) fn mean(col: &[f64]) -> f64 {
    if col.is_empty() {
        0.0
    } else {
        col.iter().sum::<f64>() / col.len() as f64
    }
}

/// Competition ranks ("1224"): 1 = largest value; values within `1e-12` relative of each other
/// share the better rank, so rounding noise does not split true ties.
pub(crate) fn competition_ranks(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let mut ranks = vec![0; values.len()];
    let mut current_rank = 1;
    for (pos, &i) in order.iter().enumerate() {
        if pos > 0 {
            let prev = values[order[pos - 1]];
            if !nearly_equal(prev, values[i]) {
                current_rank = pos + 1;
            }
        }
        ranks[i] = current_rank;
    }
    ranks
}

/// Equal up to a relative tolerance of 1e-12 (absolute near zero).
pub(crate) fn nearly_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_ties_share_the_better_rank() {
        assert_eq!(competition_ranks(&[0.5, 0.9, 0.5, 0.1]), vec![2, 1, 2, 4]);
    }
}
