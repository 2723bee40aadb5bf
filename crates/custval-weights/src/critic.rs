//! CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995).
//!
//! Columns are min-max normalized with cost columns reversed; then
//! `C_j = σ_j · Σ_k (1 − r_jk)` with `σ_j` the sample standard deviation (divisor m − 1) and
//! `r_jk` Pearson's correlation; `w_j = C_j / Σ C_k`. The divisor does not matter for the
//! weights (it scales every `σ_j` alike); m − 1 matches pymcdm and pyDecision.
//!
//! A column without variation has `σ = 0`, hence `C = 0` and weight 0; its correlation with
//! other columns is undefined, and it is left out of their conflict sums, so adding a constant
//! column never changes the other weights (pyDecision instead sets r = 0 there, which adds 1 to
//! every other column's sum). If every column is constant, the weights are equal. If the
//! non-constant columns have no conflict at all (a single one, or all perfectly correlated),
//! every `C_j` is 0 and they share the weight equally, constant columns still getting 0.

use crate::Direction;
use crate::entropy::from_divergence;
use crate::error::Result;
use crate::normalize::{Method, normalize, sample_sd};
use crate::util::{check_objective_input, mean};

/// CRITIC weights; `columns[j][i]` is indicator `j` of row `i`.
///
/// # Errors
/// Fewer than 2 rows, ragged or non-finite input, a direction count that differs from the
/// column count.
pub fn weights(columns: &[Vec<f64>], directions: &[Direction]) -> Result<Vec<f64>> {
    check_objective_input("CRITIC weights", columns, directions)?;
    let x = normalize(columns, directions, Method::MinMax)?;
    let sd: Vec<f64> = x.iter().map(|c| sample_sd(c)).collect();
    let centered: Vec<Vec<f64>> = x
        .iter()
        .map(|c| {
            let mu = mean(c);
            c.iter().map(|v| v - mu).collect()
        })
        .collect();
    let n = x.len();
    let info: Vec<f64> = (0..n)
        .map(|j| {
            if sd[j] <= 0.0 {
                return 0.0;
            }
            let conflict: f64 = (0..n)
                .filter(|&k| sd[k] > 0.0)
                .map(|k| 1.0 - pearson(&centered[j], &centered[k]))
                .sum();
            sd[j] * conflict
        })
        .collect();
    if info.iter().all(|c| *c == 0.0) {
        // Every informative column is perfectly correlated with the others (or there is only
        // one): no conflict anywhere, so the informative columns share the weight equally and
        // constant ones still get 0.
        let informative: Vec<f64> = sd
            .iter()
            .map(|s| if *s > 0.0 { 1.0 } else { 0.0 })
            .collect();
        return Ok(from_divergence(&informative));
    }
    Ok(from_divergence(&info))
}

/// Pearson correlation of two centered, non-constant columns, clamped to [−1, 1].
fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let ab: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let aa: f64 = a.iter().map(|x| x * x).sum();
    let bb: f64 = b.iter().map(|x| x * x).sum();
    (ab / (aa * bb).sqrt()).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        // Normalized: c0 = [0, .5, 1], c1 = [1, .5, 0] (perfectly anti-correlated), σ equal.
        // C0 = σ (0 + 2), C1 = σ (2 + 0) → equal weights.
        let w = weights(
            &[vec![1.0, 2.0, 3.0], vec![6.0, 4.0, 2.0]],
            &[Direction::Benefit; 2],
        )
        .unwrap();
        assert!((w[0] - 0.5).abs() < 1e-15 && (w[1] - 0.5).abs() < 1e-15);
        // Reversing the second (cost) makes them perfectly correlated: conflict 0 each → equal.
        let w = weights(
            &[
                vec![1.0, 2.0, 3.0],
                vec![6.0, 4.0, 2.0],
                vec![0.0, 0.0, 3.0],
            ],
            &[Direction::Benefit, Direction::Cost, Direction::Benefit],
        )
        .unwrap();
        // c0 = c1 = [0, .5, 1], c2 = [0, 0, 1]; σ0 = .5, σ2 = 1/√3; r02 = √3/2.
        let r = 3f64.sqrt() / 2.0;
        let s2 = 1.0 / 3f64.sqrt();
        let c = [0.5 * (1.0 - r), 0.5 * (1.0 - r), s2 * 2.0 * (1.0 - r)];
        let total: f64 = c.iter().sum();
        for (a, b) in w.iter().zip(c.iter().map(|v| v / total)) {
            assert!((a - b).abs() < 1e-14, "{a} {b}");
        }
    }

    #[test]
    fn constant_column_changes_nothing_else() {
        let base = weights(
            &[vec![1.0, 2.0, 4.0], vec![3.0, 1.0, 2.0]],
            &[Direction::Benefit; 2],
        )
        .unwrap();
        let with = weights(
            &[vec![1.0, 2.0, 4.0], vec![7.0; 3], vec![3.0, 1.0, 2.0]],
            &[Direction::Benefit; 3],
        )
        .unwrap();
        assert_eq!(with[1], 0.0);
        assert!((with[0] - base[0]).abs() < 1e-15 && (with[2] - base[1]).abs() < 1e-15);
        assert_eq!(
            weights(&[vec![1.0; 3], vec![2.0; 3]], &[Direction::Cost; 2]).unwrap(),
            vec![0.5, 0.5]
        );
        // One informative column: it takes all the weight (regression found by proptest).
        assert_eq!(
            weights(
                &[vec![1.0, 5.0, 2.0], vec![2.0; 3]],
                &[Direction::Benefit; 2]
            )
            .unwrap(),
            vec![1.0, 0.0]
        );
        // Two perfectly correlated columns: no conflict, equal shares.
        assert_eq!(
            weights(
                &[vec![1.0, 2.0, 3.0], vec![2.0, 4.0, 6.0]],
                &[Direction::Benefit; 2]
            )
            .unwrap(),
            vec![0.5, 0.5]
        );
    }
}
