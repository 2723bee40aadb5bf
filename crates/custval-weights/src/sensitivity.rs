//! Sensitivity of classes and ranks to each weight.
//!
//! Each weight `w_k` in turn is moved to `clamp(w_k ± δ, 0, 1)` and the others are rescaled
//! proportionally so the sum stays 1 (`w_i · (1 − w_k')/(1 − w_k)`; if `w_k` was 1 the rest is
//! shared equally). The scores are recomputed, classified again, and the report counts the rows
//! whose class changed and the largest rank move.
//!
//! Classes are whatever a function of the full score vector says (0 = best class), so the same
//! analysis serves fixed score cuts ([`by_thresholds`]) and cumulative-share ABC
//! ([`by_cumulative_share`]), whose boundaries depend on all scores at once.

use serde::Serialize;

use crate::error::{Result, WeightsError};
use crate::expert::direct;
use crate::score::weighted;
use crate::util::{competition_ranks, nearly_equal};

/// One weight moved one way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightMove {
    /// 0-based indicator whose weight moved.
    pub indicator: usize,
    /// The signed step asked for (+δ or −δ).
    pub delta: f64,
    /// Its weight after the move (after clamping to [0, 1]).
    pub weight: f64,
    /// All weights after the move (sum 1).
    pub weights: Vec<f64>,
    /// Rows whose class changed.
    pub class_changes: usize,
    /// Largest |new rank − old rank| over rows (competition ranks, 1 = best score).
    pub max_rank_change: usize,
}

/// Result of [`analyze`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityReport {
    /// Classes at the given weights.
    pub base_classes: Vec<usize>,
    /// Ranks at the given weights.
    pub base_ranks: Vec<usize>,
    /// For each indicator, the move by +δ then by −δ.
    pub moves: Vec<WeightMove>,
}

/// Weights after moving `weights[k]` by `delta` and rescaling the rest.
///
/// # Errors
/// Invalid weights or `k` out of range.
pub fn perturb(weights: &[f64], k: usize, delta: f64) -> Result<Vec<f64>> {
    let w = direct(weights)?;
    let wk = *w.get(k).ok_or(WeightsError::LengthMismatch {
        what: format!("weights (indicator {k} was asked for)"),
        expected: k + 1,
        found: w.len(),
    })?;
    if w.len() == 1 {
        return Ok(w);
    }
    let new_k = (wk + delta).clamp(0.0, 1.0);
    let rest = 1.0 - wk;
    let moved: Vec<f64> = w
        .iter()
        .enumerate()
        .map(|(i, wi)| {
            if i == k {
                new_k
            } else if rest > 0.0 {
                wi * (1.0 - new_k) / rest
            } else {
                (1.0 - new_k) / (w.len() - 1) as f64
            }
        })
        .collect();
    // Re-normalize to absorb rounding; cannot be all zero since the moved weights sum to 1.
    direct(&moved)
}

/// Sensitivity of the weighted score ([`crate::score::weighted`]) to each weight.
///
/// # Errors
/// `δ` not in (0, 1), or any error of [`weighted`].
pub fn analyze<F>(
    normalized: &[Vec<f64>],
    weights: &[f64],
    delta: f64,
    classify: F,
) -> Result<SensitivityReport>
where
    F: Fn(&[f64]) -> Vec<usize>,
{
    analyze_with(
        weights,
        delta,
        |w| Ok(weighted(normalized, w)?.scores),
        classify,
    )
}

/// Like [`analyze`] for any scoring function of the weights (e.g. TOPSIS closeness).
///
/// # Errors
/// `δ` not in (0, 1), or any error of `score`.
pub fn analyze_with<S, F>(
    weights: &[f64],
    delta: f64,
    score: S,
    classify: F,
) -> Result<SensitivityReport>
where
    S: Fn(&[f64]) -> Result<Vec<f64>>,
    F: Fn(&[f64]) -> Vec<usize>,
{
    if !(delta > 0.0 && delta < 1.0) {
        return Err(WeightsError::InvalidParameter {
            name: "delta",
            value: delta,
            expected: "a weight step in (0, 1), e.g. 0.05",
        });
    }
    let base = direct(weights)?;
    let base_scores = score(&base)?;
    let base_classes = classify(&base_scores);
    let base_ranks = competition_ranks(&base_scores);
    let mut moves = Vec::with_capacity(2 * base.len());
    for k in 0..base.len() {
        for step in [delta, -delta] {
            let w = perturb(&base, k, step)?;
            let scores = score(&w)?;
            let classes = classify(&scores);
            let ranks = competition_ranks(&scores);
            moves.push(WeightMove {
                indicator: k,
                delta: step,
                weight: w[k],
                class_changes: classes
                    .iter()
                    .zip(&base_classes)
                    .filter(|(a, b)| a != b)
                    .count(),
                max_rank_change: ranks
                    .iter()
                    .zip(&base_ranks)
                    .map(|(a, b)| a.abs_diff(*b))
                    .max()
                    .unwrap_or(0),
                weights: w,
            });
        }
    }
    Ok(SensitivityReport {
        base_classes,
        base_ranks,
        moves,
    })
}

/// Classes by fixed score cuts, e.g. `[70.0, 40.0]`: class 0 for score ≥ 70, 1 for ≥ 40, 2
/// below (cuts in any order).
pub fn by_thresholds(cuts: &[f64]) -> impl Fn(&[f64]) -> Vec<usize> + use<> {
    let mut cuts = cuts.to_vec();
    cuts.sort_by(|a, b| b.total_cmp(a));
    move |scores: &[f64]| {
        scores
            .iter()
            .map(|s| cuts.iter().take_while(|c| s < *c).count())
            .collect()
    }
}

/// Cumulative-share classes (ABC / Pareto), e.g. `[0.8, 0.95]`: rows sorted by score
/// descending; a row is class 0 (A) while the share of the total held by the rows before it is
/// below 0.8 (so the row that crosses 80 % is still A), class 1 (B) below 0.95, else class 2.
/// Equal scores get the same (better) class. Negative scores count as 0; a zero total puts
/// everyone in class 0.
pub fn by_cumulative_share(shares: &[f64]) -> impl Fn(&[f64]) -> Vec<usize> + use<> {
    let mut shares = shares.to_vec();
    shares.sort_by(f64::total_cmp);
    move |scores: &[f64]| {
        let total: f64 = scores.iter().map(|s| s.max(0.0)).sum();
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        let mut classes = vec![0; scores.len()];
        let mut before = 0.0;
        let mut previous: Option<(f64, usize)> = None;
        for &i in &order {
            let class = match previous {
                Some((s, c)) if nearly_equal(s, scores[i]) => c,
                _ if total > 0.0 => shares.iter().filter(|&&c| before / total >= c).count(),
                _ => 0,
            };
            classes[i] = class;
            previous = Some((scores[i], class));
            before += scores[i].max(0.0);
        }
        classes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perturb_rescales_the_rest() {
        let w = perturb(&[0.5, 0.3, 0.2], 0, 0.1).unwrap();
        for (a, b) in w.iter().zip([0.6, 0.24, 0.16]) {
            assert!((a - b).abs() < 1e-15);
        }
        let w = perturb(&[1.0, 0.0], 0, -0.2).unwrap();
        assert!((w[1] - 0.2).abs() < 1e-15);
        let w = perturb(&[0.5, 0.5], 1, 0.9).unwrap();
        assert_eq!(w, vec![0.0, 1.0]);
    }

    #[test]
    fn thresholds_and_shares() {
        let t = by_thresholds(&[40.0, 70.0]);
        assert_eq!(t(&[80.0, 70.0, 69.9, 10.0]), vec![0, 0, 1, 2]);
        let abc = by_cumulative_share(&[0.8, 0.95]);
        // shares before: 0, .5, .8, .9, .95 (total 100)
        assert_eq!(abc(&[50.0, 30.0, 10.0, 5.0, 5.0]), vec![0, 0, 1, 1, 1]);
        assert_eq!(abc(&[50.0, 30.0, 10.0, 6.0, 4.0]), vec![0, 0, 1, 1, 2]);
        assert_eq!(abc(&[0.0, 0.0]), vec![0, 0]);
    }

    #[test]
    fn report_counts_class_changes() {
        // Two indicators that disagree: moving weight flips the order of rows 0 and 1.
        let cols = [vec![1.0, 0.0], vec![0.0, 1.0]];
        let r = analyze(&cols, &[0.55, 0.45], 0.1, by_thresholds(&[50.0])).unwrap();
        assert_eq!(r.base_classes, vec![0, 1]);
        assert_eq!(r.moves.len(), 4);
        let down0 = &r.moves[1];
        assert_eq!(
            (down0.indicator, down0.class_changes, down0.max_rank_change),
            (0, 2, 1)
        );
        let up0 = &r.moves[0];
        assert_eq!((up0.class_changes, up0.max_rank_change), (0, 0));
        assert!(analyze(&cols, &[0.5, 0.5], 0.0, by_thresholds(&[50.0])).is_err());
    }
}
