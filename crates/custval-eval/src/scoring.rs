//! From raw indicator values to 0–100 scores, keeping every parameter needed to explain a
//! customer's points afterwards (`customer show` recomputes nothing from the data: it reads
//! the raw value, these parameters and the weight).
//!
//! Normalizations, each onto [0, 1] with 1 the better end (cost indicators reversed):
//! - `minmax`: linear between the 1st and 99th percentiles, clamped — robust min-max, so that
//!   one very large customer does not push everyone else to zero;
//! - `log_minmax`: the same on `ln(1 + max(x, 0))`, for skewed money amounts;
//! - `rank`: mid-rank percentile among the customers with a value;
//! - `zscore`: the standard normal CDF of the z-score (a z-score itself is unbounded);
//! - `none`: the value clamped to [0, 1] (rates and probabilities already are).
//!
//! Missing values follow the indicator's rule: `zero` and `median`/`min` impute a raw value
//! before normalizing; `worst` gives the normalized value 0; `exclude` drops the indicator for
//! that customer and spreads its weight over the customer's other indicators in proportion.
//!
//! Degenerate columns (issue 17): nothing is ever scored "between 0 and 0" to full marks.
//! - A benefit indicator never pays for a raw value at or below zero: a zero count or amount
//!   (no inquiries, no referrals, no wallet gap) normalizes to 0 whatever the anchors are.
//! - Under `rank`, customers tied at the minimum get 0, not the mid-rank of their tie.
//! - Under `minmax`/`log_minmax` with equal anchors (at least 98 % of the base on one value),
//!   only values above the anchor score (1), values at it score 0 when it is the minimum.
//! - An indicator missing for everyone, or with one value for everyone, tells customers
//!   apart in nothing: [`NormParams::degenerate`] says so, and the engine excludes it from
//!   the run and spreads its weight over the other indicators of its dimension.

use custval_i18n::Note;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Benefit (more is better) or cost (less is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Benefit,
    Cost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Norm {
    Minmax,
    LogMinmax,
    Rank,
    Zscore,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    Zero,
    Median,
    Min,
    Worst,
    Exclude,
}

/// What was computed for one indicator over all customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormParams {
    pub direction: Direction,
    pub norm: Norm,
    pub missing: Missing,
    /// Lower and upper anchors (percentiles 1 and 99, on the log scale for `log_minmax`).
    pub lo: f64,
    pub hi: f64,
    pub mean: f64,
    pub sd: f64,
    /// The raw value imputed for missing values, when the rule imputes.
    pub imputed: Option<f64>,
    /// Customers with a value.
    pub known: u64,
    /// Smallest and largest raw value scored (imputed ones included; 0 when none).
    #[serde(default)]
    pub min: f64,
    #[serde(default)]
    pub max: f64,
    /// Sorted known values for `rank` (kept only while normalizing, not stored).
    #[serde(skip)]
    pub sorted: Vec<f64>,
}

/// Type-7 quantile of sorted values.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    // The scoring cuts clamp q and read "no values" as NaN (a NaN q stays NaN).
    custval_base::quantile::quantile_sorted(sorted, q.clamp(0.0, 1.0)).unwrap_or(f64::NAN)
}

fn transform(norm: Norm, x: f64) -> f64 {
    match norm {
        Norm::LogMinmax => x.max(0.0).ln_1p(),
        _ => x,
    }
}

/// Standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; error < 1.5e-7, ample for a
/// score).
fn phi(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + y)
    } else {
        0.5 * (1.0 - y)
    }
}

impl NormParams {
    /// Fits the parameters on one indicator's raw values (`NaN` = missing).
    pub fn fit(raw: &[f64], direction: Direction, norm: Norm, missing: Missing) -> NormParams {
        let mut sorted: Vec<f64> = raw.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        let imputed = match missing {
            Missing::Zero => Some(0.0),
            Missing::Median => Some(quantile_sorted(&sorted, 0.5)).filter(|v| v.is_finite()),
            Missing::Min => sorted.first().copied(),
            Missing::Worst | Missing::Exclude => None,
        };
        // Imputed values take part in the anchors, as they take part in the scores.
        let n_missing = raw.len() - sorted.len();
        if let (Some(v), true) = (imputed, n_missing > 0) {
            let at = sorted.partition_point(|x| *x < v);
            sorted.splice(at..at, std::iter::repeat_n(v, n_missing));
        }
        let t: Vec<f64> = sorted.iter().map(|v| transform(norm, *v)).collect();
        let (lo, hi) = (quantile_sorted(&t, 0.01), quantile_sorted(&t, 0.99));
        let n = t.len().max(1) as f64;
        let mean = t.iter().sum::<f64>() / n;
        let sd =
            (t.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
        NormParams {
            direction,
            norm,
            missing,
            lo: if lo.is_finite() { lo } else { 0.0 },
            hi: if hi.is_finite() { hi } else { 0.0 },
            mean: if mean.is_finite() { mean } else { 0.0 },
            sd: if sd.is_finite() { sd } else { 0.0 },
            imputed,
            known: (raw.len() - n_missing) as u64,
            min: sorted.first().copied().unwrap_or(0.0),
            max: sorted.last().copied().unwrap_or(0.0),
            sorted,
        }
    }

    /// Why the indicator tells no customer from another in this run, if it does not: no
    /// value for anyone, or one value for everyone (imputed values included; a `worst`
    /// rule with missing values still separates the known from the unknown).
    pub fn degenerate(&self, customers: usize) -> Option<Note> {
        if self.known == 0 {
            let rule = format!("note-missing-{:?}", self.missing).to_lowercase();
            return Some(
                Note::msg("note-indicator-no-value")
                    .arg("rule", Note::msg(&rule))
                    .arg("customers", customers.to_string()),
            );
        }
        let unknown_differs = self.missing == Missing::Worst && (self.known as usize) < customers;
        if self.min == self.max && !unknown_differs {
            let v = crate::helpers::fmt_value(self.min);
            return Some(if (self.known as usize) < customers {
                Note::msg("note-indicator-same-value-known")
                    .arg("value", v)
                    .arg("known", self.known.to_string())
            } else {
                Note::msg("note-indicator-same-value").arg("value", v)
            });
        }
        None
    }

    /// The normalized value of a raw value; `None` when the customer is excluded.
    pub fn normalize(&self, raw: f64) -> Option<f64> {
        let x = if raw.is_finite() {
            raw
        } else {
            match (self.missing, self.imputed) {
                (Missing::Exclude, _) => return None,
                (Missing::Worst, _) | (_, None) => return Some(0.0),
                (_, Some(v)) => v,
            }
        };
        // A benefit indicator never pays for nothing (issue 17: zero referrals earned points
        // when everyone had zero).
        if self.direction == Direction::Benefit && x <= 0.0 {
            return Some(0.0);
        }
        let t = transform(self.norm, x);
        let r = match self.norm {
            Norm::Minmax | Norm::LogMinmax => {
                if self.hi > self.lo {
                    ((t - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0)
                } else if t > self.lo {
                    1.0
                } else if t < self.lo || transform(self.norm, self.min) >= self.lo {
                    // At (or below) a common value that is the base's minimum: the worst end.
                    0.0
                } else {
                    1.0
                }
            }
            Norm::Rank => {
                let m = self.sorted.len();
                let below = self.sorted.partition_point(|v| *v < x) as f64;
                if m < 2 || below == 0.0 {
                    // Tied at (or below) the minimum: the minimum score, not a mid-rank.
                    0.0
                } else {
                    let equal = self.sorted.partition_point(|v| *v <= x) as f64 - below;
                    // Mid-rank percentile: ties share the mean of their ranks.
                    ((below + (equal - 1.0).max(0.0) / 2.0) / (m as f64 - 1.0)).clamp(0.0, 1.0)
                }
            }
            Norm::Zscore => {
                if self.sd > 0.0 {
                    phi((t - self.mean) / self.sd)
                } else {
                    0.0
                }
            }
            Norm::None => t.clamp(0.0, 1.0),
        };
        Some(match self.direction {
            Direction::Benefit => r,
            Direction::Cost => 1.0 - r,
        })
    }
}

/// Points of each indicator for one customer: 100 × weight × normalized value, with the
/// weights of excluded indicators spread over the others. Sums to the customer's score.
pub fn points(normalized_row: &[f64], weights: &[f64]) -> Vec<f64> {
    let present: f64 = normalized_row
        .iter()
        .zip(weights)
        .filter(|(v, _)| v.is_finite())
        .map(|(_, w)| w)
        .sum();
    normalized_row
        .iter()
        .zip(weights)
        .map(|(v, w)| {
            if v.is_finite() && present > 0.0 {
                100.0 * w / present * v
            } else {
                0.0
            }
        })
        .collect()
}

/// Scores every customer on one dimension: the sum of its [`points`], 0–100. `columns` are
/// the dimension's normalized indicator columns (`NaN` = excluded), `weights` one per column.
pub fn score_dimension(columns: &[&[f64]], weights: &[f64]) -> Vec<f64> {
    let n = columns.first().map_or(0, |c| c.len());
    (0..n)
        .into_par_iter()
        .map(|i| {
            let row: Vec<f64> = columns.iter().map(|c| c[i]).collect();
            points(&row, weights).iter().sum()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robust_minmax_clamps_outliers_and_reverses_costs() {
        let raw: Vec<f64> = (0..=100).map(f64::from).chain([1e9]).collect();
        let p = NormParams::fit(&raw, Direction::Benefit, Norm::Minmax, Missing::Zero);
        assert_eq!(p.normalize(1e9), Some(1.0));
        assert!(p.normalize(50.0).is_some_and(|v| (v - 0.5).abs() < 0.02));
        let c = NormParams::fit(&raw, Direction::Cost, Norm::Minmax, Missing::Zero);
        assert!(c.normalize(0.0).is_some_and(|v| v > 0.99));
    }

    #[test]
    fn missing_rules() {
        let raw = [1.0, 2.0, 3.0, f64::NAN];
        let med = NormParams::fit(&raw, Direction::Benefit, Norm::Rank, Missing::Median);
        assert_eq!(med.imputed, Some(2.0));
        assert_eq!(med.normalize(f64::NAN), med.normalize(2.0));
        let worst = NormParams::fit(&raw, Direction::Benefit, Norm::Minmax, Missing::Worst);
        assert_eq!(worst.normalize(f64::NAN), Some(0.0));
        let ex = NormParams::fit(&raw, Direction::Benefit, Norm::Minmax, Missing::Exclude);
        assert_eq!(ex.normalize(f64::NAN), None);
    }

    #[test]
    fn rank_gives_ties_the_same_percentile() {
        let raw = [1.0, 2.0, 2.0, 3.0];
        let p = NormParams::fit(&raw, Direction::Benefit, Norm::Rank, Missing::Zero);
        assert_eq!(p.normalize(2.0), Some(1.5 / 3.0));
        assert_eq!(p.normalize(3.0), Some(1.0));
    }

    #[test]
    fn issue_17_ties_at_the_minimum_get_the_minimum_rank() {
        // Before: a zero tied with half the base got the mid-rank, about 0.5.
        let raw = [5.0, 5.0, 5.0, 6.0, 7.0, 8.0];
        let p = NormParams::fit(&raw, Direction::Benefit, Norm::Rank, Missing::Zero);
        assert_eq!(p.normalize(5.0), Some(0.0));
        assert_eq!(p.normalize(8.0), Some(1.0));
        let c = NormParams::fit(&raw, Direction::Cost, Norm::Rank, Missing::Zero);
        assert_eq!(c.normalize(5.0), Some(1.0));
    }

    #[test]
    fn issue_17_a_zero_count_or_amount_never_earns_points() {
        // Nearly everybody at zero: the 1st and 99th percentiles are both 0.
        let mut raw = vec![0.0; 200];
        raw[0] = 3.0;
        for norm in [
            Norm::Minmax,
            Norm::LogMinmax,
            Norm::Rank,
            Norm::Zscore,
            Norm::None,
        ] {
            let p = NormParams::fit(&raw, Direction::Benefit, norm, Missing::Zero);
            assert_eq!(p.normalize(0.0), Some(0.0), "{norm:?}");
            assert_eq!(p.normalize(f64::NAN), Some(0.0), "{norm:?} imputed zero");
            assert!(p.normalize(3.0).is_some_and(|v| v > 0.0), "{norm:?}");
            assert_eq!(p.degenerate(200), None);
        }
        // Whatever the minimum: negative values below zero do not lift zero.
        let signed = [-10.0, -5.0, 0.0, 0.0, 4.0, 8.0];
        for norm in [Norm::Minmax, Norm::Rank, Norm::Zscore] {
            let p = NormParams::fit(&signed, Direction::Benefit, norm, Missing::Zero);
            assert_eq!(p.normalize(0.0), Some(0.0), "{norm:?}");
            assert_eq!(p.normalize(-10.0), Some(0.0), "{norm:?}");
        }
        // A cost indicator at zero (no complaints) stays the best.
        let c = NormParams::fit(&raw, Direction::Cost, Norm::Minmax, Missing::Zero);
        assert_eq!(c.normalize(0.0), Some(1.0));
        assert_eq!(c.normalize(3.0), Some(0.0));
    }

    #[test]
    fn issue_17_missing_for_all_or_constant_is_degenerate() {
        let none = [f64::NAN; 4];
        let p = NormParams::fit(&none, Direction::Benefit, Norm::Minmax, Missing::Zero);
        assert!(
            p.degenerate(4)
                .is_some_and(|w| w.to_string().contains("no customer has a value"))
        );
        let same = [2.0; 4];
        let p = NormParams::fit(&same, Direction::Benefit, Norm::LogMinmax, Missing::Zero);
        assert!(
            p.degenerate(4)
                .is_some_and(|w| w.to_string().contains("same value 2"))
        );
        let imputed = [2.0, f64::NAN, 2.0];
        let p = NormParams::fit(&imputed, Direction::Benefit, Norm::Rank, Missing::Median);
        assert!(p.degenerate(3).is_some());
        // Known values all equal, but `worst` sets the unknown apart: not degenerate.
        let p = NormParams::fit(&imputed, Direction::Benefit, Norm::Rank, Missing::Worst);
        assert_eq!(p.degenerate(3), None);
        let varied = [1.0, 2.0];
        let p = NormParams::fit(&varied, Direction::Benefit, Norm::Minmax, Missing::Zero);
        assert_eq!(p.degenerate(2), None);
    }

    #[test]
    fn excluded_weight_is_spread_and_points_sum_to_the_score() {
        let pts = points(&[1.0, f64::NAN, 0.5], &[0.5, 0.25, 0.25]);
        assert_eq!(pts[1], 0.0);
        assert!((pts[0] - 100.0 * 0.5 / 0.75).abs() < 1e-12);
        let s = score_dimension(&[&[1.0], &[f64::NAN], &[0.5]], &[0.5, 0.25, 0.25]);
        assert!((s[0] - pts.iter().sum::<f64>()).abs() < 1e-12);
    }

    #[test]
    fn phi_matches_known_values() {
        assert!((phi(0.0) - 0.5).abs() < 1e-7);
        assert!((phi(1.96) - 0.975_002).abs() < 1e-5);
        assert!((phi(-1.0) - 0.158_655).abs() < 1e-5);
    }
}
