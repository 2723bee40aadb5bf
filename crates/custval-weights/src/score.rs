//! Weighted score (自定义加权评分) on 0–100 with per-indicator contributions.

use serde::Serialize;

use crate::Direction;
use crate::error::{Result, WeightsError};
use crate::expert::direct;
use crate::normalize::{Method, normalize};
use crate::util::{check_columns, check_len};

/// Scores and their explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreResult {
    /// Score of each row, 0–100.
    pub scores: Vec<f64>,
    /// `contributions[i][j]` = points indicator `j` gives row `i` = 100 · w_j · x_ij. Row `i`'s
    /// points, added left to right, are bit-for-bit `scores[i]` (the score is computed as that
    /// sum, so the explanation never disagrees with the score).
    pub contributions: Vec<Vec<f64>>,
    /// The normalized weights used (sum 1).
    pub weights: Vec<f64>,
}

/// Weighted sum of already-normalized columns (`normalized[j][i]` in [0, 1], direction already
/// applied) times 100. Weights are normalized to sum 1 first.
///
/// # Errors
/// Ragged or non-finite input, a value outside [0, 1] (with column and row), a weight count
/// that differs from the column count, invalid weights.
pub fn weighted(normalized: &[Vec<f64>], weights: &[f64]) -> Result<ScoreResult> {
    let m = check_columns(normalized)?;
    check_len("weights (one per column)", normalized.len(), weights.len())?;
    let w = direct(weights)?;
    for (j, col) in normalized.iter().enumerate() {
        if let Some(row) = col.iter().position(|v| !(0.0..=1.0).contains(v)) {
            return Err(WeightsError::OutOfDomain {
                column: j,
                row,
                value: col[row],
                requirement: "weighted scores need normalized values in [0, 1]",
            });
        }
    }
    let contributions: Vec<Vec<f64>> = (0..m)
        .map(|i| {
            normalized
                .iter()
                .zip(&w)
                .map(|(col, wj)| 100.0 * wj * col[i])
                .collect()
        })
        .collect();
    let scores = contributions
        .iter()
        .map(|row| row.iter().fold(0.0, |acc, c| acc + c))
        .collect();
    Ok(ScoreResult {
        scores,
        contributions,
        weights: w,
    })
}

/// Normalizes raw columns with `method` and directions, then [`weighted`]. Use a method that
/// lands in [0, 1] (`MinMax`, the default; `RankPercentile`; `Log`; `Vector` or `Sum` for
/// non-negative data); `ZScore` is rejected by the range check.
///
/// # Errors
/// See [`normalize`] and [`weighted`].
pub fn weighted_raw(
    columns: &[Vec<f64>],
    directions: &[Direction],
    weights: &[f64],
    method: Method,
) -> Result<ScoreResult> {
    weighted(&normalize(columns, directions, method)?, weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_with_contributions() {
        let r = weighted(&[vec![1.0, 0.0, 0.5], vec![0.0, 1.0, 0.5]], &[3.0, 1.0]).unwrap();
        assert_eq!(r.scores, vec![75.0, 25.0, 50.0]);
        assert_eq!(r.contributions[2], vec![37.5, 12.5]);
        let err = weighted(&[vec![1.5]], &[1.0]).unwrap_err();
        assert!(matches!(
            err,
            WeightsError::OutOfDomain {
                column: 0,
                row: 0,
                ..
            }
        ));
    }

    #[test]
    fn raw_with_cost_column() {
        let r = weighted_raw(
            &[vec![10.0, 20.0], vec![5.0, 1.0]],
            &[Direction::Benefit, Direction::Cost],
            &[1.0, 1.0],
            Method::MinMax,
        )
        .unwrap();
        assert_eq!(r.scores, vec![0.0, 100.0]);
    }
}
