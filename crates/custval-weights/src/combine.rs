//! Combined subjective + objective weights.

use crate::error::{Result, WeightsError};
use crate::expert::direct;
use crate::util::check_len;

/// Linear combination `α·subjective + (1 − α)·objective`, both normalized first.
///
/// # Errors
/// `α` outside [0, 1], vectors of different lengths, or invalid weights (see
/// [`crate::expert::direct`]).
pub fn linear(subjective: &[f64], objective: &[f64], alpha: f64) -> Result<Vec<f64>> {
    if !(0.0..=1.0).contains(&alpha) {
        return Err(WeightsError::InvalidParameter {
            name: "alpha",
            value: alpha,
            expected: "a number in [0, 1]",
        });
    }
    check_len(
        "objective weights (as many as subjective)",
        subjective.len(),
        objective.len(),
    )?;
    let s = direct(subjective)?;
    let o = direct(objective)?;
    direct(
        &s.iter()
            .zip(&o)
            .map(|(s, o)| alpha * s + (1.0 - alpha) * o)
            .collect::<Vec<_>>(),
    )
}

/// Multiplicative combination `w_s·w_o / Σ w_s·w_o`.
///
/// # Errors
/// Vectors of different lengths, invalid weights, or no indicator with both weights positive
/// ([`WeightsError::ZeroWeights`]).
pub fn multiplicative(subjective: &[f64], objective: &[f64]) -> Result<Vec<f64>> {
    check_len(
        "objective weights (as many as subjective)",
        subjective.len(),
        objective.len(),
    )?;
    let s = direct(subjective)?;
    let o = direct(objective)?;
    direct(&s.iter().zip(&o).map(|(s, o)| s * o).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_and_multiplicative_by_hand() {
        let s = [0.5, 0.3, 0.2];
        let o = [0.2, 0.2, 0.6];
        let l = linear(&s, &o, 0.5).unwrap();
        for (a, b) in l.iter().zip([0.35, 0.25, 0.4]) {
            assert!((a - b).abs() < 1e-15);
        }
        // products 0.10, 0.06, 0.12 → / 0.28
        let m = multiplicative(&s, &o).unwrap();
        for (a, b) in m.iter().zip([0.10 / 0.28, 0.06 / 0.28, 0.12 / 0.28]) {
            assert!((a - b).abs() < 1e-15);
        }
        assert!(linear(&s, &o, 1.5).is_err());
        assert_eq!(
            multiplicative(&[1.0, 0.0], &[0.0, 1.0]).unwrap_err(),
            WeightsError::ZeroWeights
        );
    }
}
