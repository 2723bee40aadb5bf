//! Expert weights (专家打分法): given directly, averaged over experts, or as points allocated.

use crate::error::{Result, WeightsError};

/// Normalizes direct weights to sum to 1.
///
/// # Errors
/// A negative or non-finite weight (with its position), an empty list, or all zeros.
pub fn direct(weights: &[f64]) -> Result<Vec<f64>> {
    if weights.is_empty() {
        return Err(WeightsError::NoColumns);
    }
    if let Some(index) = weights.iter().position(|w| !w.is_finite() || *w < 0.0) {
        return Err(WeightsError::BadWeight {
            index,
            value: weights[index],
        });
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return Err(WeightsError::ZeroWeights);
    }
    Ok(weights.iter().map(|w| w / total).collect())
}

/// Averages several experts' weights: each expert's vector is normalized first, then the
/// arithmetic mean is taken, so every expert counts equally whatever scale they wrote in
/// (one may write 5, 3, 2 and another 0.5, 0.3, 0.2).
///
/// # Errors
/// No experts, experts with different numbers of weights, or any expert's weights invalid
/// (see [`direct`]).
pub fn average(experts: &[Vec<f64>]) -> Result<Vec<f64>> {
    let first = experts.first().ok_or(WeightsError::NoColumns)?;
    let n = first.len();
    let mut acc = vec![0.0; n];
    for (e, weights) in experts.iter().enumerate() {
        if weights.len() != n {
            return Err(WeightsError::LengthMismatch {
                what: format!("weights from expert {} (as many as expert 1)", e + 1),
                expected: n,
                found: weights.len(),
            });
        }
        for (a, w) in acc.iter_mut().zip(direct(weights)?) {
            *a += w;
        }
    }
    let k = experts.len() as f64;
    // Re-normalize so the sum is 1 up to one rounding, not up to k accumulated ones.
    direct(&acc.iter().map(|a| a / k).collect::<Vec<_>>())
}

/// Weights from points allocation: the expert distributes `budget` points (e.g. 100) over the
/// indicators; weight = points / budget.
///
/// # Errors
/// Negative or non-finite points, a budget that is not positive, or points that do not add up
/// to the budget (relative tolerance 1e-9).
pub fn points(points: &[f64], budget: f64) -> Result<Vec<f64>> {
    if !(budget.is_finite() && budget > 0.0) {
        return Err(WeightsError::InvalidParameter {
            name: "budget",
            value: budget,
            expected: "a positive number of points",
        });
    }
    let weights = direct(points)?;
    let total: f64 = points.iter().sum();
    if (total - budget).abs() > 1e-9 * budget {
        return Err(WeightsError::InvalidParameter {
            name: "points total",
            value: total,
            expected: "the points must add up to the budget",
        });
    }
    Ok(weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_normalizes_and_rejects_bad_input() {
        assert_eq!(direct(&[1.0, 3.0]).unwrap(), vec![0.25, 0.75]);
        assert_eq!(
            direct(&[1.0, -3.0]).unwrap_err(),
            WeightsError::BadWeight {
                index: 1,
                value: -3.0
            }
        );
        assert_eq!(direct(&[0.0, 0.0]).unwrap_err(), WeightsError::ZeroWeights);
    }

    #[test]
    fn experts_count_equally_whatever_their_scale() {
        let w = average(&[vec![5.0, 3.0, 2.0], vec![0.1, 0.3, 0.6]]).unwrap();
        let expected = [0.3, 0.3, 0.4];
        for (a, b) in w.iter().zip(expected) {
            assert!((a - b).abs() < 1e-15);
        }
        assert!(average(&[vec![1.0], vec![1.0, 2.0]]).is_err());
    }

    #[test]
    fn points_must_match_budget() {
        assert_eq!(
            points(&[50.0, 30.0, 20.0], 100.0).unwrap(),
            vec![0.5, 0.3, 0.2]
        );
        assert!(points(&[50.0, 30.0], 100.0).is_err());
    }
}
