//! Helpers for callers holding a row-major table with column names (the CLI): transpose to
//! this crate's column-major layout, resolve `--cost` names to directions, parse `--weights`.

use serde::Serialize;

use crate::Direction;
use crate::error::{Result, WeightsError};

/// Weights with their column names: the JSON of `custval weights entropy|critic`,
/// `{"columns": [...], "weights": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedWeights {
    /// Indicator column names, in table order.
    pub columns: Vec<String>,
    /// One weight per column (sum 1).
    pub weights: Vec<f64>,
}

impl NamedWeights {
    /// Pairs names with weights.
    ///
    /// # Errors
    /// Different lengths.
    pub fn new(columns: Vec<String>, weights: Vec<f64>) -> Result<NamedWeights> {
        if columns.len() != weights.len() {
            return Err(WeightsError::LengthMismatch {
                what: "weights (one per column name)".to_owned(),
                expected: columns.len(),
                found: weights.len(),
            });
        }
        Ok(NamedWeights { columns, weights })
    }
}

/// Rows (one per customer or alternative) → columns (one per indicator).
///
/// # Errors
/// No rows or no columns, or a row whose length differs from the first row's (0-based row
/// index in `LengthMismatch`).
pub fn columns_from_rows(rows: &[Vec<f64>]) -> Result<Vec<Vec<f64>>> {
    let first = rows.first().ok_or(WeightsError::TooFewRows {
        method: "a table",
        min: 1,
        found: 0,
    })?;
    let n = first.len();
    if n == 0 {
        return Err(WeightsError::NoColumns);
    }
    if let Some(i) = rows.iter().position(|r| r.len() != n) {
        return Err(WeightsError::LengthMismatch {
            what: format!("values in row {i} (as many as row 0)"),
            expected: n,
            found: rows[i].len(),
        });
    }
    Ok((0..n)
        .map(|j| rows.iter().map(|r| r[j]).collect())
        .collect())
}

/// Directions for the named columns: those listed in `cost` (matched case-insensitively, as
/// the CLI matches column names) are cost columns, the rest benefit.
///
/// # Errors
/// A cost name that is not a column ([`WeightsError::UnknownColumn`], listing the columns).
pub fn directions_from_cost_names<S: AsRef<str>, T: AsRef<str>>(
    columns: &[S],
    cost: &[T],
) -> Result<Vec<Direction>> {
    let mut dirs = vec![Direction::Benefit; columns.len()];
    for name in cost {
        let name = name.as_ref().trim();
        let j = columns
            .iter()
            .position(|c| c.as_ref().trim().eq_ignore_ascii_case(name))
            .ok_or_else(|| WeightsError::UnknownColumn {
                name: name.to_owned(),
                available: columns
                    .iter()
                    .map(|c| c.as_ref().to_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        dirs[j] = Direction::Cost;
    }
    Ok(dirs)
}

/// Parses a comma-separated list of weights such as `"0.5,0.3,0.2"` or `"5, 3, 2"`
/// (whitespace allowed; fractions `1/3` allowed). The values are returned as written; callers
/// normalize with [`crate::expert::direct`] (every function taking weights also does).
///
/// # Errors
/// An empty list or an entry that is not a number ([`WeightsError::BadListEntry`], 1-based
/// position).
pub fn parse_weight_list(text: &str) -> Result<Vec<f64>> {
    if text.trim().is_empty() {
        return Err(WeightsError::NoColumns);
    }
    text.split(',')
        .enumerate()
        .map(|(i, token)| {
            let token = token.trim();
            let bad = || WeightsError::BadListEntry {
                position: i + 1,
                token: token.to_owned(),
            };
            let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
            match token.split_once('/') {
                Some((a, b)) => match (number(a), number(b)) {
                    (Some(a), Some(b)) if b != 0.0 => Ok(a / b),
                    _ => Err(bad()),
                },
                None => number(token).ok_or_else(bad),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_and_errors() {
        let cols = columns_from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]]).unwrap();
        assert_eq!(cols, vec![vec![1.0, 3.0, 5.0], vec![2.0, 4.0, 6.0]]);
        assert!(matches!(
            columns_from_rows(&[vec![1.0, 2.0], vec![3.0]]).unwrap_err(),
            WeightsError::LengthMismatch { found: 1, .. }
        ));
    }

    #[test]
    fn cost_names_case_insensitive() {
        let d = directions_from_cost_names(&["Revenue", "Recency"], &["recency"]).unwrap();
        assert_eq!(d, vec![Direction::Benefit, Direction::Cost]);
        let e = directions_from_cost_names(&["Revenue"], &["margin"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown column `margin` in the cost list (columns: Revenue)"
        );
    }

    #[test]
    fn weight_lists() {
        assert_eq!(
            parse_weight_list("0.5, 0.3,0.2").unwrap(),
            vec![0.5, 0.3, 0.2]
        );
        assert_eq!(parse_weight_list("1/4,3/4").unwrap(), vec![0.25, 0.75]);
        assert_eq!(
            parse_weight_list("1,x").unwrap_err(),
            WeightsError::BadListEntry {
                position: 2,
                token: "x".into()
            }
        );
        assert!(parse_weight_list("").is_err());
    }
}
