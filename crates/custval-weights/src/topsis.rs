//! TOPSIS (Hwang & Yoon 1981) with vector normalization.
//!
//! `r_ij = x_ij / ‖x_j‖₂` (a zero-norm column gives 0), `v_ij = w_j r_ij`; the ideal takes the
//! column maximum of `v` for benefit and the minimum for cost columns, the anti-ideal the
//! opposite; `D⁺`, `D⁻` are Euclidean distances to them; closeness `C = D⁻/(D⁺ + D⁻)` in [0, 1].
//! When a row is at both (every row identical), `D⁺ + D⁻ = 0` and `C = 0.5`.
//! Rank 1 = highest closeness; equal closeness (within 1e-12 relative) shares the better rank
//! and the next rank is skipped ("1224" competition ranking).

use serde::Serialize;

use crate::Direction;
use crate::error::Result;
use crate::expert::direct;
use crate::util::{check_columns, check_len, competition_ranks};

/// TOPSIS output, in input row order. `closeness` and `rank` are the CLI contract of
/// `custval rank topsis`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopsisResult {
    /// Relative closeness to the ideal, in [0, 1].
    pub closeness: Vec<f64>,
    /// 1 = best.
    pub rank: Vec<usize>,
    /// Distance to the ideal solution, D⁺.
    pub distance_to_ideal: Vec<f64>,
    /// Distance to the anti-ideal solution, D⁻.
    pub distance_to_anti_ideal: Vec<f64>,
}

/// Ranks rows by TOPSIS; `columns[j][i]` is indicator `j` of row `i`; weights are normalized to
/// sum 1 (any positive scale works).
///
/// # Errors
/// Ragged, empty or non-finite input; weight or direction counts that differ from the column
/// count; invalid weights.
pub fn rank(
    columns: &[Vec<f64>],
    weights: &[f64],
    directions: &[Direction],
) -> Result<TopsisResult> {
    let m = check_columns(columns)?;
    check_len("weights (one per column)", columns.len(), weights.len())?;
    check_len(
        "directions (one per column)",
        columns.len(),
        directions.len(),
    )?;
    let w = direct(weights)?;
    let v: Vec<Vec<f64>> = columns
        .iter()
        .zip(&w)
        .map(|(col, wj)| {
            let norm = col.iter().map(|x| x * x).sum::<f64>().sqrt();
            col.iter()
                .map(|x| if norm > 0.0 { wj * x / norm } else { 0.0 })
                .collect()
        })
        .collect();
    let (ideal, anti): (Vec<f64>, Vec<f64>) = v
        .iter()
        .zip(directions)
        .map(|(col, dir)| {
            let (lo, hi) = crate::util::min_max(col);
            match dir {
                Direction::Benefit => (hi, lo),
                Direction::Cost => (lo, hi),
            }
        })
        .unzip();
    let dist = |target: &[f64], i: usize| -> f64 {
        v.iter()
            .zip(target)
            .map(|(col, t)| (col[i] - t).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let d_plus: Vec<f64> = (0..m).map(|i| dist(&ideal, i)).collect();
    let d_minus: Vec<f64> = (0..m).map(|i| dist(&anti, i)).collect();
    let closeness: Vec<f64> = d_plus
        .iter()
        .zip(&d_minus)
        .map(|(p, n)| if p + n > 0.0 { n / (p + n) } else { 0.5 })
        .collect();
    Ok(TopsisResult {
        rank: competition_ranks(&closeness),
        closeness,
        distance_to_ideal: d_plus,
        distance_to_anti_ideal: d_minus,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_two_rows() {
        // Two rows, one benefit column [3, 4]: r = [.6, .8]; ideal .8, anti .6.
        let r = rank(&[vec![3.0, 4.0]], &[1.0], &[Direction::Benefit]).unwrap();
        assert_eq!(r.closeness, vec![0.0, 1.0]);
        assert_eq!(r.rank, vec![2, 1]);
        let c = rank(&[vec![3.0, 4.0]], &[1.0], &[Direction::Cost]).unwrap();
        assert_eq!(c.rank, vec![1, 2]);
    }

    #[test]
    fn identical_rows_tie_at_half() {
        let r = rank(
            &[vec![2.0; 3], vec![0.0; 3]],
            &[1.0, 1.0],
            &[Direction::Benefit; 2],
        )
        .unwrap();
        assert_eq!(r.closeness, vec![0.5; 3]);
        assert_eq!(r.rank, vec![1; 3]);
    }
}
