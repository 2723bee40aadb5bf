//! Pairwise comparison matrices: parsing, validation, group aggregation.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Result, WeightsError};

/// How far `a_ij · a_ji` may be from 1 before the pair is rejected as not reciprocal.
/// 2 % accepts rounded decimals such as `0.33` for 1/3 or `0.14` for 1/7, and rejects real
/// disagreements such as `0.3` against `3` (10 %).
pub const RECIPROCAL_TOLERANCE: f64 = 0.02;

/// Largest judgement accepted (and its reciprocal the smallest). Far beyond Saaty's 1–9 scale,
/// it only keeps the arithmetic finite: with n ≤ 20 (the largest RI table) weight ratios stay
/// below 1e171.
pub const MAX_JUDGEMENT: f64 = 1e9;

/// A positive reciprocal comparison matrix, possibly with missing judgements.
///
/// Invariants: square, `n ≥ 1`; diagonal 1; for every pair either both `a_ij` and `a_ji` are
/// missing or `a_ji = 1/a_ij` exactly (the upper triangle is authoritative, see
/// [`parse_matrix`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    n: usize,
    // Row-major; `None` = missing judgement.
    entries: Vec<Option<f64>>,
}

impl Matrix {
    /// Builds a matrix from rows (`None` = missing), validating it like [`parse_matrix`]
    /// (positions in errors are 1-based).
    ///
    /// # Errors
    /// Empty, not square, non-positive or non-finite entries, diagonal ≠ 1, pairs that are not
    /// reciprocal within [`RECIPROCAL_TOLERANCE`].
    pub fn from_rows(rows: &[Vec<Option<f64>>]) -> Result<Matrix> {
        let n = rows.len();
        if n == 0 {
            return Err(WeightsError::EmptyMatrix);
        }
        // Ragged rows are reported against the first row, which is what a reader compares with.
        let width = rows[0].len();
        if let Some(i) = rows.iter().position(|r| r.len() != width) {
            return Err(WeightsError::NotSquare {
                row: i + 1,
                found: rows[i].len(),
                expected: width,
            });
        }
        if width != n {
            return Err(WeightsError::RowCount {
                rows: n,
                columns: width,
            });
        }
        let mut entries = Vec::with_capacity(n * n);
        for (i, row) in rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                if let Some(v) = *v {
                    if !v.is_finite() || v <= 0.0 {
                        return Err(WeightsError::NonPositive {
                            row: i + 1,
                            column: j + 1,
                            value: v,
                        });
                    }
                    if !(1.0 / MAX_JUDGEMENT..=MAX_JUDGEMENT).contains(&v) {
                        return Err(WeightsError::JudgementRange {
                            row: i + 1,
                            column: j + 1,
                            value: v,
                            max: MAX_JUDGEMENT,
                        });
                    }
                }
            }
            entries.extend_from_slice(row);
        }
        for i in 0..n {
            match entries[i * n + i] {
                Some(v) if (v - 1.0).abs() > 1e-9 => {
                    return Err(WeightsError::Diagonal {
                        index: i + 1,
                        value: v,
                    });
                }
                _ => entries[i * n + i] = Some(1.0),
            }
            for j in i + 1..n {
                let (upper, lower) = (entries[i * n + j], entries[j * n + i]);
                let value = match (upper, lower) {
                    (Some(u), Some(l)) => {
                        let product = u * l;
                        if (product - 1.0).abs() > RECIPROCAL_TOLERANCE {
                            return Err(WeightsError::NotReciprocal {
                                row: j + 1,
                                column: i + 1,
                                value: l,
                                mirror: u,
                                product,
                                tolerance: RECIPROCAL_TOLERANCE,
                            });
                        }
                        Some(u)
                    }
                    // One side given: the other is its reciprocal (lets experts fill one triangle).
                    (Some(u), None) => Some(u),
                    (None, Some(l)) => Some(1.0 / l),
                    (None, None) => None,
                };
                entries[i * n + j] = value;
                entries[j * n + i] = value.map(|u| 1.0 / u);
            }
        }
        Ok(Matrix { n, entries })
    }

    /// The perfectly consistent matrix `a_ij = w_i / w_j`.
    ///
    /// # Errors
    /// Empty weights or a weight that is not finite and positive.
    pub fn from_weights(weights: &[f64]) -> Result<Matrix> {
        if weights.is_empty() {
            return Err(WeightsError::EmptyMatrix);
        }
        if let Some(index) = weights.iter().position(|w| !(w.is_finite() && *w > 0.0)) {
            return Err(WeightsError::BadWeight {
                index,
                value: weights[index],
            });
        }
        let rows: Vec<Vec<Option<f64>>> = weights
            .iter()
            .map(|wi| weights.iter().map(|wj| Some(wi / wj)).collect())
            .collect();
        Matrix::from_rows(&rows)
    }

    /// Size `n` of the `n`×`n` matrix.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Entry `a_ij` (0-based), `None` if missing or out of range.
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        if i < self.n && j < self.n {
            self.entries[i * self.n + j]
        } else {
            None
        }
    }

    /// Number of missing judgements above the diagonal.
    pub fn missing(&self) -> usize {
        (0..self.n)
            .flat_map(|i| (i + 1..self.n).map(move |j| (i, j)))
            .filter(|&(i, j)| self.get(i, j).is_none())
            .count()
    }

    /// The rows, `None` for missing judgements.
    pub fn rows(&self) -> Vec<Vec<Option<f64>>> {
        self.entries.chunks(self.n).map(<[_]>::to_vec).collect()
    }
}

impl Serialize for Matrix {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.rows().serialize(serializer)
    }
}

impl FromStr for Matrix {
    type Err = WeightsError;
    fn from_str(s: &str) -> Result<Self> {
        parse_matrix(s)
    }
}

impl fmt::Display for Matrix {
    /// Writes the matrix back in the text format (`?` for missing judgements).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, row) in self.entries.chunks(self.n).enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            for (j, v) in row.iter().enumerate() {
                if j > 0 {
                    f.write_str(" ")?;
                }
                match v {
                    Some(v) => write!(f, "{v}")?,
                    None => f.write_str("?")?,
                }
            }
        }
        Ok(())
    }
}

/// Parses `"1 3 5; 1/3 1 3; 1/5 1/3 1"`.
///
/// Rows are separated by `;` or line breaks (blank rows are skipped, so a trailing `;` is
/// fine), entries by whitespace. An entry is a decimal (`3`, `0.5`), a fraction (`1/3`,
/// `1/2.5`) or `?` for a missing judgement. `0` is rejected rather than read as "missing", so
/// a typo never silently becomes a gap. When only one of `a_ij`, `a_ji` is given the other is
/// its reciprocal; when both are given they must be reciprocal within
/// [`RECIPROCAL_TOLERANCE`] and the upper-triangle value is kept exactly.
///
/// # Errors
/// [`WeightsError::BadToken`], [`WeightsError::NonPositive`], [`WeightsError::NotSquare`],
/// [`WeightsError::Diagonal`], [`WeightsError::NotReciprocal`], [`WeightsError::EmptyMatrix`],
/// each with the 1-based row and column.
pub fn parse_matrix(text: &str) -> Result<Matrix> {
    let mut rows = Vec::new();
    for line in text.split([';', '\n']) {
        if line.trim().is_empty() {
            continue;
        }
        let row_no = rows.len() + 1;
        let row = line
            .split_whitespace()
            .enumerate()
            .map(|(j, token)| parse_token(token, row_no, j + 1))
            .collect::<Result<Vec<_>>>()?;
        rows.push(row);
    }
    Matrix::from_rows(&rows)
}

fn parse_token(token: &str, row: usize, column: usize) -> Result<Option<f64>> {
    if token == "?" {
        return Ok(None);
    }
    let bad = || WeightsError::BadToken {
        row,
        column,
        token: token.to_owned(),
    };
    let number = |s: &str| -> Result<f64> {
        // `f64::from_str` accepts "inf" and "NaN"; judgements must be ordinary numbers.
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(bad()),
        }
    };
    let value = match token.split_once('/') {
        Some((num, den)) => {
            let (num, den) = (number(num)?, number(den)?);
            if den == 0.0 {
                return Err(bad());
            }
            num / den
        }
        None => number(token)?,
    };
    if value <= 0.0 {
        return Err(WeightsError::NonPositive { row, column, value });
    }
    Ok(Some(value))
}

/// Combines several experts' matrices by the element-wise geometric mean (Aczél & Saaty 1983:
/// the only aggregation that keeps reciprocity). A judgement missing for some experts is the
/// geometric mean of those who gave it; missing for all, it stays missing.
///
/// # Errors
/// No matrices, or matrices of different sizes ([`WeightsError::ExpertSize`]).
pub fn geometric_mean(matrices: &[Matrix]) -> Result<Matrix> {
    let first = matrices.first().ok_or(WeightsError::EmptyMatrix)?;
    let n = first.n;
    for (expert, m) in matrices.iter().enumerate() {
        if m.n != n {
            return Err(WeightsError::ExpertSize {
                expert,
                found: m.n,
                expected: n,
            });
        }
    }
    let mut entries = vec![Some(1.0); n * n];
    for i in 0..n {
        for j in i + 1..n {
            let logs: Vec<f64> = matrices
                .iter()
                .filter_map(|m| m.get(i, j))
                .map(f64::ln)
                .collect();
            let value = if logs.is_empty() {
                None
            } else {
                Some((logs.iter().sum::<f64>() / logs.len() as f64).exp())
            };
            entries[i * n + j] = value;
            entries[j * n + i] = value.map(|v| 1.0 / v);
        }
    }
    Ok(Matrix { n, entries })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fractions_decimals_and_missing() {
        let m = parse_matrix("1 3 0.5; 1/3 1 ?; 2 ? 1;").unwrap();
        assert_eq!(m.n(), 3);
        assert_eq!(m.get(1, 0), Some(1.0 / 3.0));
        assert_eq!(m.get(0, 2), Some(0.5));
        assert_eq!(m.get(1, 2), None);
        assert_eq!(m.missing(), 1);
        // Upper triangle only.
        let u = parse_matrix("1 3 5; ? 1 3; ? ? 1").unwrap();
        assert_eq!(u.get(2, 0), Some(0.2));
        assert_eq!(
            u.to_string(),
            "1 3 5; 0.3333333333333333 1 3; 0.2 0.3333333333333333 1"
        );
    }

    #[test]
    fn errors_carry_positions() {
        assert_eq!(
            parse_matrix("1 3; 1/3 x").unwrap_err(),
            WeightsError::BadToken {
                row: 2,
                column: 2,
                token: "x".into()
            }
        );
        assert_eq!(
            parse_matrix("1 0; 1 1").unwrap_err(),
            WeightsError::NonPositive {
                row: 1,
                column: 2,
                value: 0.0
            }
        );
        assert!(matches!(
            parse_matrix("1 3 5; 1/3 1").unwrap_err(),
            WeightsError::NotSquare {
                row: 2,
                found: 2,
                expected: 3
            }
        ));
        assert!(matches!(
            parse_matrix("1 3 5; 1/3 1 3").unwrap_err(),
            WeightsError::RowCount {
                rows: 2,
                columns: 3
            }
        ));
        assert!(matches!(
            parse_matrix("1 3; 1/3 1; 1 1").unwrap_err(),
            WeightsError::RowCount {
                rows: 3,
                columns: 2
            }
        ));
        assert!(matches!(
            parse_matrix("1 3; 0.3 1").unwrap_err(),
            WeightsError::NotReciprocal {
                row: 2,
                column: 1,
                ..
            }
        ));
        assert!(matches!(
            parse_matrix("2 3; 1/3 1").unwrap_err(),
            WeightsError::Diagonal { index: 1, .. }
        ));
        assert!(matches!(
            parse_matrix("1 1/0; 1 1").unwrap_err(),
            WeightsError::BadToken { .. }
        ));
        assert!(matches!(
            parse_matrix("1 inf; 1 1").unwrap_err(),
            WeightsError::BadToken { .. }
        ));
        assert_eq!(parse_matrix(" ; ").unwrap_err(), WeightsError::EmptyMatrix);
        assert!(matches!(
            parse_matrix("1 1e10; 1e-10 1").unwrap_err(),
            WeightsError::JudgementRange {
                row: 1,
                column: 2,
                ..
            }
        ));
        // Rounded decimals are accepted; the upper value is kept.
        let m = parse_matrix("1 3; 0.33 1").unwrap();
        assert_eq!(m.get(1, 0), Some(1.0 / 3.0));
    }

    #[test]
    fn geometric_mean_of_two_experts() {
        let a = parse_matrix("1 2; 1/2 1").unwrap();
        let b = parse_matrix("1 8; 1/8 1").unwrap();
        let g = geometric_mean(&[a, b]).unwrap();
        assert!((g.get(0, 1).unwrap() - 4.0).abs() < 1e-12);
        assert!((g.get(1, 0).unwrap() - 0.25).abs() < 1e-12);
        let c = parse_matrix("1").unwrap();
        assert!(matches!(
            geometric_mean(&[g, c]).unwrap_err(),
            WeightsError::ExpertSize {
                expert: 1,
                found: 1,
                expected: 2
            }
        ));
    }
}
