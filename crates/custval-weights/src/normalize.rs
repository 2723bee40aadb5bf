//! Normalization of indicator columns, with direction, and winsorization.
//!
//! All functions take columns (`columns[j][i]` = indicator `j` of row `i`) and return new
//! columns of the same shape. Formulas, for a column `x` of `m` values (see the crate docs for
//! the reasoning):
//!
//! | method | benefit | cost | column without variation |
//! |---|---|---|---|
//! | `MinMax` | (x − min)/(max − min) | (max − x)/(max − min) | all 1 |
//! | `Vector` | x/‖x‖₂ | 1 − x/‖x‖₂ | ‖x‖₂ = 0: all 0 (benefit), all 1 (cost) |
//! | `Sum` | x/Σx (x ≥ 0) | (1/x)/Σ(1/x) (x > 0) | Σx = 0: all 1/m |
//! | `ZScore` | (x − mean)/s, s sample sd | −(x − mean)/s | s = 0: all 0 |
//! | `RankPercentile` | (r − 1)/(m − 1), r = mid-rank ascending | 1 − that | all 0.5 |
//! | `Log` | min-max of ln(1 + x) (x > −1) | reversed min-max of ln(1 + x) | all 1 |

use custval_base::quantile::quantile_sorted;
use serde::{Deserialize, Serialize};

use crate::Direction;
use crate::error::{Result, WeightsError};
use crate::util::{check_columns, check_len, mean, min_max};

/// A normalization formula (see the module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Linear onto [0, 1]; the default for scores because every value lands in 0–1.
    #[default]
    MinMax,
    /// Divide by the Euclidean norm (TOPSIS); cost as 1 − r like pymcdm.
    Vector,
    /// Proportions of the column total; cost through reciprocals.
    Sum,
    /// Standard score with the sample standard deviation; cost negated.
    ZScore,
    /// Mid-rank percentile in [0, 1]; robust to outliers.
    RankPercentile,
    /// `ln(1 + x)` then min-max; compresses skewed amounts such as spend.
    Log,
}

/// Normalizes every column with its direction.
///
/// # Errors
/// Ragged or empty input, non-finite values, a direction count that differs from the column
/// count, or values outside a method's domain (`Sum`: negatives, and zeros in cost columns;
/// `Log`: values ≤ −1).
pub fn normalize(
    columns: &[Vec<f64>],
    directions: &[Direction],
    method: Method,
) -> Result<Vec<Vec<f64>>> {
    check_columns(columns)?;
    check_len(
        "directions (one per column)",
        columns.len(),
        directions.len(),
    )?;
    columns
        .iter()
        .zip(directions)
        .enumerate()
        .map(|(j, (col, &dir))| normalize_column(j, col, dir, method))
        .collect()
}

fn normalize_column(j: usize, x: &[f64], dir: Direction, method: Method) -> Result<Vec<f64>> {
    let cost = dir == Direction::Cost;
    Ok(match method {
        Method::MinMax => min_max_norm(x, cost),
        Method::Vector => {
            let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
            x.iter()
                .map(|v| {
                    // A zero-norm column is all zeros: r = 0 is the limit, not 0/0.
                    let r = if norm > 0.0 { v / norm } else { 0.0 };
                    if cost { 1.0 - r } else { r }
                })
                .collect()
        }
        Method::Sum => sum_norm(j, x, cost)?,
        Method::ZScore => {
            let mu = mean(x);
            let s = sample_sd(x);
            x.iter()
                .map(|v| {
                    let z = if s > 0.0 { (v - mu) / s } else { 0.0 };
                    if cost { -z } else { z }
                })
                .collect()
        }
        Method::RankPercentile => {
            let m = x.len();
            let ranks = mid_ranks(x);
            ranks
                .iter()
                .map(|&r| {
                    let p = if m > 1 {
                        (r - 1.0) / (m as f64 - 1.0)
                    } else {
                        0.5
                    };
                    if cost { 1.0 - p } else { p }
                })
                .collect()
        }
        Method::Log => {
            if let Some(row) = x.iter().position(|&v| v <= -1.0) {
                return Err(WeightsError::OutOfDomain {
                    column: j,
                    row,
                    value: x[row],
                    requirement: "log normalization takes ln(1 + x) and needs x > -1",
                });
            }
            let logged: Vec<f64> = x.iter().map(|v| v.ln_1p()).collect();
            min_max_norm(&logged, cost)
        }
    })
}

fn min_max_norm(x: &[f64], cost: bool) -> Vec<f64> {
    let (lo, hi) = min_max(x);
    let range = hi - lo;
    x.iter()
        .map(|&v| {
            if range > 0.0 {
                if cost {
                    (hi - v) / range
                } else {
                    (v - lo) / range
                }
            } else {
                // No variation: every row is at the best observed value (pymcdm does the same).
                1.0
            }
        })
        .collect()
}

fn sum_norm(j: usize, x: &[f64], cost: bool) -> Result<Vec<f64>> {
    let m = x.len() as f64;
    if cost {
        if let Some(row) = x.iter().position(|&v| v <= 0.0) {
            return Err(WeightsError::OutOfDomain {
                column: j,
                row,
                value: x[row],
                requirement: "sum normalization of a cost column uses 1/x and needs x > 0",
            });
        }
        let total: f64 = x.iter().map(|v| 1.0 / v).sum();
        Ok(x.iter().map(|v| (1.0 / v) / total).collect())
    } else {
        if let Some(row) = x.iter().position(|&v| v < 0.0) {
            return Err(WeightsError::OutOfDomain {
                column: j,
                row,
                value: x[row],
                requirement: "sum normalization needs x >= 0",
            });
        }
        let total: f64 = x.iter().sum();
        Ok(x.iter()
            .map(|v| if total > 0.0 { v / total } else { 1.0 / m })
            .collect())
    }
}

/// Sample standard deviation (divisor m − 1); 0 for fewer than two values.
pub(crate) fn sample_sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let mu = mean(x);
    let ss: f64 = x.iter().map(|v| (v - mu) * (v - mu)).sum();
    (ss / (x.len() as f64 - 1.0)).sqrt()
}

/// 1-based ascending ranks, ties get the mean of the ranks they span.
fn mid_ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && x[order[end]] == x[order[start]] {
            end += 1;
        }
        // Positions start..end hold equal values: ranks start+1 ..= end, mean (start+1+end)/2.
        let r = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = r;
        }
        start = end;
    }
    ranks
}

/// Clamps every column to its `[lower, upper]` percentiles (fractions in [0, 1], e.g. 0.01 and
/// 0.99), percentiles by linear interpolation (numpy's default). Apply before normalizing so one
/// extreme customer does not squash everyone else into a corner of the range.
///
/// # Errors
/// Ragged, empty or non-finite input, or `!(0 <= lower <= upper <= 1)`.
pub fn winsorize(columns: &[Vec<f64>], lower: f64, upper: f64) -> Result<Vec<Vec<f64>>> {
    if !(0.0..=1.0).contains(&lower) {
        return Err(WeightsError::InvalidParameter {
            name: "lower",
            value: lower,
            expected: "a fraction in [0, 1]",
        });
    }
    if !(lower..=1.0).contains(&upper) {
        return Err(WeightsError::InvalidParameter {
            name: "upper",
            value: upper,
            expected: "a fraction in [lower, 1]",
        });
    }
    check_columns(columns)?;
    Ok(columns
        .iter()
        .map(|col| {
            let mut sorted = col.clone();
            sorted.sort_by(f64::total_cmp);
            // check_columns refused empty columns; 0.0 for one is what this returned before.
            let lo = quantile_sorted(&sorted, lower).unwrap_or(0.0);
            let hi = quantile_sorted(&sorted, upper).unwrap_or(0.0);
            col.iter().map(|v| v.clamp(lo, hi)).collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(x: &[f64], dir: Direction, method: Method) -> Vec<f64> {
        normalize(&[x.to_vec()], &[dir], method).unwrap().remove(0)
    }

    #[test]
    fn min_max_benefit_and_cost() {
        assert_eq!(
            one(&[1.0, 3.0, 5.0], Direction::Benefit, Method::MinMax),
            vec![0.0, 0.5, 1.0]
        );
        assert_eq!(
            one(&[1.0, 3.0, 5.0], Direction::Cost, Method::MinMax),
            vec![1.0, 0.5, 0.0]
        );
    }

    #[test]
    fn constant_columns_never_nan() {
        for method in [
            Method::MinMax,
            Method::Vector,
            Method::Sum,
            Method::ZScore,
            Method::RankPercentile,
            Method::Log,
        ] {
            for dir in [Direction::Benefit, Direction::Cost] {
                let zeros = if method == Method::Sum && dir == Direction::Cost {
                    vec![2.0; 3]
                } else {
                    vec![0.0; 3]
                };
                for v in one(&zeros, dir, method) {
                    assert!(v.is_finite(), "{method:?} {dir:?}");
                }
            }
        }
        assert_eq!(
            one(&[4.0; 3], Direction::Benefit, Method::MinMax),
            vec![1.0; 3]
        );
        assert_eq!(
            one(&[4.0; 3], Direction::Benefit, Method::RankPercentile),
            vec![0.5; 3]
        );
        assert_eq!(
            one(&[0.0; 4], Direction::Benefit, Method::Sum),
            vec![0.25; 4]
        );
    }

    #[test]
    fn vector_and_sum() {
        let v = one(&[3.0, 4.0], Direction::Benefit, Method::Vector);
        assert!((v[0] - 0.6).abs() < 1e-15 && (v[1] - 0.8).abs() < 1e-15);
        let s = one(&[1.0, 3.0], Direction::Benefit, Method::Sum);
        assert_eq!(s, vec![0.25, 0.75]);
        let c = one(&[1.0, 3.0], Direction::Cost, Method::Sum);
        assert!((c[0] - 0.75).abs() < 1e-15);
    }

    #[test]
    fn z_score_uses_sample_sd() {
        let z = one(&[1.0, 2.0, 3.0], Direction::Benefit, Method::ZScore);
        assert_eq!(z, vec![-1.0, 0.0, 1.0]);
    }

    #[test]
    fn rank_percentile_mid_ranks() {
        let r = one(
            &[10.0, 20.0, 20.0, 30.0, 5.0],
            Direction::Benefit,
            Method::RankPercentile,
        );
        // ranks 2, 3.5, 3.5, 5, 1 → (r − 1)/4
        assert_eq!(r, vec![0.25, 0.625, 0.625, 1.0, 0.0]);
    }

    #[test]
    fn log_is_log1p_then_min_max() {
        let l = one(
            &[0.0, (1.0f64).exp() - 1.0, (2.0f64).exp() - 1.0],
            Direction::Benefit,
            Method::Log,
        );
        assert!((l[1] - 0.5).abs() < 1e-12);
        assert!(normalize(&[vec![-1.0, 2.0]], &[Direction::Benefit], Method::Log).is_err());
    }

    #[test]
    fn domain_errors_name_the_cell() {
        let err = normalize(
            &[vec![1.0, 2.0], vec![1.0, -2.0]],
            &[Direction::Benefit; 2],
            Method::Sum,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            WeightsError::OutOfDomain {
                column: 1,
                row: 1,
                ..
            }
        ));
        let err = normalize(
            &[vec![1.0, f64::NAN]],
            &[Direction::Benefit],
            Method::MinMax,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            WeightsError::NonFinite {
                column: 0,
                row: 1,
                ..
            }
        ));
    }

    #[test]
    fn winsorize_clamps_to_percentiles() {
        let col: Vec<f64> = (0..=100).map(f64::from).collect();
        let w = winsorize(&[col], 0.05, 0.95).unwrap().remove(0);
        assert_eq!(w[0], 5.0);
        assert_eq!(w[100], 95.0);
        assert_eq!(w[50], 50.0);
        assert!(winsorize(&[vec![1.0]], 0.9, 0.1).is_err());
    }
}
