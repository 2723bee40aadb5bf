//! Entropy weights (熵权法).
//!
//! For `m` rows and column `j` with values `x_ij ≥ 0` after normalization:
//! `p_ij = x_ij / Σ_i x_ij`, `e_j = −(1/ln m) Σ_i p_ij ln p_ij` (with `p ln p = 0` at `p = 0`, the
//! limit, no epsilon), `d_j = 1 − e_j`, `w_j = d_j / Σ_k d_k`.
//!
//! A column without variation carries no information: `d_j = 0`, weight 0. If every column is
//! like that, the weights are equal (`1/n`) rather than 0/0.

use serde::{Deserialize, Serialize};

use crate::Direction;
use crate::error::Result;
use crate::normalize::{Method, normalize};
use crate::util::{check_objective_input, min_max};

/// Which values the proportions `p_ij` are taken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// Min-max normalize first (cost columns reversed: `(max − x)/(max − min)`), then take
    /// proportions. Common in the Chinese 熵权法 literature; works with negative raw values;
    /// the worst row of each column gets `p = 0`. The default.
    #[default]
    MinMax,
    /// Proportions of the raw values: `x/Σx` for benefit columns (needs `x ≥ 0`) and
    /// `(1/x)/Σ(1/x)` for cost columns (needs `x > 0`), as in pymcdm's `entropy_weights`
    /// (which ignores direction) and pyDecision's `entropy_method` (which adds 1e-9 epsilons).
    RawProportions,
}

/// Entropy weights with the default [`Variant::MinMax`]; `columns[j][i]` is indicator `j` of
/// row `i`.
///
/// # Errors
/// Fewer than 2 rows (ln m = 0), ragged or non-finite input, a direction count that differs
/// from the column count.
pub fn weights(columns: &[Vec<f64>], directions: &[Direction]) -> Result<Vec<f64>> {
    weights_with(columns, directions, Variant::MinMax)
}

/// Entropy weights with an explicit [`Variant`].
///
/// # Errors
/// As [`weights`]; for [`Variant::RawProportions`] also negative values, or non-positive values
/// in cost columns ([`WeightsError::OutOfDomain`]).
pub fn weights_with(
    columns: &[Vec<f64>],
    directions: &[Direction],
    variant: Variant,
) -> Result<Vec<f64>> {
    let m = check_objective_input("entropy weights", columns, directions)?;
    let normalized = match variant {
        Variant::MinMax => normalize(columns, directions, Method::MinMax)?,
        Variant::RawProportions => normalize(columns, directions, Method::Sum)?,
    };
    let ln_m = (m as f64).ln();
    let d: Vec<f64> = columns
        .iter()
        .zip(&normalized)
        .map(|(raw, x)| {
            let (lo, hi) = min_max(raw);
            if lo == hi {
                // No variation, no information (min-max would give all 1, sum all 1/m: e = 1).
                return 0.0;
            }
            let total: f64 = x.iter().sum();
            let e = -x
                .iter()
                .map(|v| {
                    let p = v / total;
                    if p > 0.0 { p * p.ln() } else { 0.0 }
                })
                .sum::<f64>()
                / ln_m;
            // e ≤ 1 in exact arithmetic; clamp rounding so d is never −1e-16.
            (1.0 - e).max(0.0)
        })
        .collect();
    Ok(from_divergence(&d))
}

/// `d / Σd`, or equal weights when every `d` is 0.
pub(crate) fn from_divergence(d: &[f64]) -> Vec<f64> {
    let total: f64 = d.iter().sum();
    if total > 0.0 {
        d.iter().map(|v| v / total).collect()
    } else {
        vec![1.0 / d.len() as f64; d.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WeightsError;

    #[test]
    fn hand_computed_two_by_two() {
        // Column 0: min-max gives 0, 1 → p = 0, 1 → e = 0 (p ln p = 0 at p = 0), d = 1.
        // Column 1: 5, 5 → constant → d = 0.
        let w = weights(&[vec![1.0, 2.0], vec![5.0, 5.0]], &[Direction::Benefit; 2]).unwrap();
        assert_eq!(w, vec![1.0, 0.0]);
    }

    #[test]
    fn hand_computed_three_rows() {
        // Min-max of [0, 1, 2] → [0, .5, 1] → p = [0, 1/3, 2/3];
        // e = −(1/3 ln 1/3 + 2/3 ln 2/3)/ln 3.
        // Cost column [3, 2, 1] reversed → the same values → the same e.
        let p: [f64; 2] = [1.0 / 3.0, 2.0 / 3.0];
        let e = -(p[0] * p[0].ln() + p[1] * p[1].ln()) / 3f64.ln();
        let w = weights(
            &[
                vec![0.0, 1.0, 2.0],
                vec![3.0, 2.0, 1.0],
                vec![0.0, 0.0, 1.0],
            ],
            &[Direction::Benefit, Direction::Cost, Direction::Benefit],
        )
        .unwrap();
        // Third column: p = [0, 0, 1] → e = 0 → d = 1.
        let d = [1.0 - e, 1.0 - e, 1.0];
        let s: f64 = d.iter().sum();
        for (a, b) in w.iter().zip(d.iter().map(|v| v / s)) {
            assert!((a - b).abs() < 1e-15);
        }
    }

    #[test]
    fn all_constant_gives_equal_weights() {
        let w = weights(&[vec![2.0; 4], vec![0.0; 4]], &[Direction::Benefit; 2]).unwrap();
        assert_eq!(w, vec![0.5, 0.5]);
        let w = weights_with(
            &[vec![0.0; 4], vec![1.0, 2.0, 3.0, 4.0]],
            &[Direction::Benefit; 2],
            Variant::RawProportions,
        )
        .unwrap();
        assert_eq!(w, vec![0.0, 1.0]);
    }

    #[test]
    fn one_row_is_an_error() {
        assert!(matches!(
            weights(&[vec![1.0]], &[Direction::Benefit]).unwrap_err(),
            WeightsError::TooFewRows { found: 1, .. }
        ));
    }
}
