//! AHP (层次分析法): principal-eigenvector weights, consistency, incomplete matrices, hierarchies.
//!
//! ```
//! use custval_weights::ahp::{self, RiTable};
//! let m = ahp::parse_matrix("1 3 5; 1/3 1 3; 1/5 1/3 1")?;
//! let r = ahp::analyze(&m, RiTable::Saaty)?;
//! assert!((r.weights[0] - 0.6370).abs() < 1e-4 && r.consistent);
//! # Ok::<(), custval_weights::WeightsError>(())
//! ```

mod hierarchy;
mod matrix;
mod ri;

pub use hierarchy::{Hierarchy, HierarchyResult, NodeResult};
pub use matrix::{MAX_JUDGEMENT, Matrix, RECIPROCAL_TOLERANCE, geometric_mean, parse_matrix};
pub use ri::RiTable;

use serde::Serialize;

use crate::error::{Result, WeightsError};

/// Consistency threshold: a matrix is accepted when CR < 0.1 (Saaty).
pub const CR_THRESHOLD: f64 = 0.1;

/// Power iteration runs until the vector stops changing, or until the change has not shrunk
/// for `EIGEN_STALL` iterations while already below `EIGEN_NOISE`: then it is jittering at the
/// level of rounding (weights ≤ 1, one ulp ≤ 1.1e-16), and the residual error is of that
/// order. Stopping earlier at a fixed tolerance leaves an error of tolerance·r/(1 − r) for a
/// convergence ratio r, visible in the 15th digit for Harker matrices.
const EIGEN_STALL: usize = 20;
const EIGEN_NOISE: f64 = 1e-13;
/// Upper bound on power iterations; reciprocal matrices converge in tens.
const EIGEN_MAX_ITERATIONS: usize = 1_000_000;

/// The analysis of one comparison matrix. The first five fields are the CLI contract of
/// `custval weights ahp --matrix`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AhpResult {
    /// Normalized principal eigenvector (sums to 1).
    pub weights: Vec<f64>,
    /// Principal eigenvalue λmax (of the Harker-completed matrix when judgements are missing).
    pub lambda_max: f64,
    /// Consistency index (λmax − n)/(n − 1); 0 for n ≤ 2.
    pub ci: f64,
    /// Consistency ratio CI/RI; 0 for n ≤ 2.
    pub cr: f64,
    /// CR < 0.1 (always true for n ≤ 2).
    pub consistent: bool,
    /// Matrix size.
    pub n: usize,
    /// The random index used.
    pub ri: f64,
    /// The table it came from.
    pub ri_table: RiTable,
    /// Missing judgements above the diagonal (filled by Harker's method).
    pub missing: usize,
    /// The matrix with missing judgements replaced by `w_i/w_j` (only when some were missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<Vec<Vec<f64>>>,
    /// Given judgements above the diagonal, most inconsistent first.
    pub inconsistent_judgements: Vec<Judgement>,
    /// Power iterations used.
    pub iterations: usize,
}

/// How far one given judgement is from what the weights imply, to guide an expert's revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    /// 1-based row `i`.
    pub row: usize,
    /// 1-based column `j`.
    pub column: usize,
    /// The judgement `a_ij` as given.
    pub given: f64,
    /// The value consistent with the weights, `w_i / w_j`.
    pub implied: f64,
    /// `ε_ij = a_ij · w_j / w_i` (1 when consistent).
    pub ratio: f64,
    /// `|ln ε_ij|`: symmetric in over- and under-statement; the sort key.
    pub log_deviation: f64,
}

/// Weights, λmax, CI, CR and the most inconsistent judgements of `matrix`.
///
/// Missing judgements are handled by Harker's (1987) method: the missing `a_ij` are set to 0
/// and each diagonal entry becomes `1 + (missing in that row)`; the principal eigenvector of
/// that matrix is the eigenvector of the matrix completed with `a_ij = w_i/w_j`, and so is its
/// eigenvalue. CR then uses the table's RI for the full `n` (no Forman-style adjustment for
/// fewer judgements; completed entries are consistent by construction, so CR reads a little
/// optimistic when many judgements are missing).
///
/// # Errors
/// [`WeightsError::Disconnected`] when missing judgements split the items into groups never
/// compared; [`WeightsError::NoRandomIndex`] when `n` is beyond the table (n ≥ 3 only).
pub fn analyze(matrix: &Matrix, table: RiTable) -> Result<AhpResult> {
    let n = matrix.n();
    // Fail before any work when the table cannot judge this size.
    let ri = table.ri(n)?;
    check_connected(matrix)?;
    let harker = harker_matrix(matrix);
    let (weights, lambda_raw, iterations) = principal_eigen(&harker, n)?;
    let (lambda_max, ci, cr, ri) = if n <= 2 {
        // 1×1 and reciprocal 2×2 matrices are consistent by definition; report exact values
        // rather than λmax = 2.0000000000000004.
        (n as f64, 0.0, 0.0, ri)
    } else {
        // λmax ≥ n for positive reciprocal matrices, with equality exactly when the matrix is
        // consistent; snap rounding noise (|λ − n| ≤ 1e-12·n) to n so a consistent matrix
        // reports CI = CR = 0, not ±1e-16.
        let lambda = if lambda_raw - n as f64 <= 1e-12 * n as f64 {
            n as f64
        } else {
            lambda_raw
        };
        let ci = (lambda - n as f64) / (n as f64 - 1.0);
        (lambda, ci, ci / ri, ri)
    };
    let missing = matrix.missing();
    let completed = (missing > 0).then(|| {
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| matrix.get(i, j).unwrap_or(weights[i] / weights[j]))
                    .collect()
            })
            .collect()
    });
    Ok(AhpResult {
        inconsistent_judgements: judgements(matrix, &weights),
        weights,
        lambda_max,
        ci,
        cr,
        consistent: cr < CR_THRESHOLD,
        n,
        ri,
        ri_table: table,
        missing,
        completed,
        iterations,
    })
}

/// Parses and analyzes in one call (what `custval weights ahp --matrix` needs).
///
/// # Errors
/// See [`parse_matrix`] and [`analyze`].
pub fn analyze_str(text: &str, table: RiTable) -> Result<AhpResult> {
    analyze(&parse_matrix(text)?, table)
}

/// Given judgements above the diagonal sorted by `|ln(a_ij w_j / w_i)|`, largest first (ties
/// by position, so the order is deterministic).
fn judgements(matrix: &Matrix, w: &[f64]) -> Vec<Judgement> {
    let n = matrix.n();
    let mut out: Vec<Judgement> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .filter_map(|(i, j)| {
            let given = matrix.get(i, j)?;
            let ratio = given * w[j] / w[i];
            Some(Judgement {
                row: i + 1,
                column: j + 1,
                given,
                implied: w[i] / w[j],
                ratio,
                log_deviation: ratio.ln().abs(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.log_deviation
            .total_cmp(&a.log_deviation)
            .then((a.row, a.column).cmp(&(b.row, b.column)))
    });
    out
}

/// Harker's matrix: missing entries 0, diagonal 1 + missing count of the row.
fn harker_matrix(matrix: &Matrix) -> Vec<f64> {
    let n = matrix.n();
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        let mut missing = 0usize;
        for j in 0..n {
            match matrix.get(i, j) {
                Some(v) => c[i * n + j] = v,
                None => missing += 1,
            }
        }
        c[i * n + i] = 1.0 + missing as f64;
    }
    c
}

/// Every item must be linked to item 1 by given judgements, else the weights of the separate
/// groups have no common scale and no completion is defined.
fn check_connected(matrix: &Matrix) -> Result<()> {
    let n = matrix.n();
    let mut seen = vec![false; n];
    let mut stack = vec![0];
    seen[0] = true;
    while let Some(i) = stack.pop() {
        for (j, s) in seen.iter_mut().enumerate() {
            if !*s && matrix.get(i, j).is_some() {
                *s = true;
                stack.push(j);
            }
        }
    }
    match seen.iter().position(|s| !s) {
        Some(i) => Err(WeightsError::Disconnected { item: i + 1 }),
        None => Ok(()),
    }
}

/// Principal eigenvector (normalized to sum 1), its eigenvalue and the iterations used.
///
/// Power iteration suffices here: a positive reciprocal matrix (or Harker's non-negative
/// matrix of a connected comparison graph, whose diagonal is positive) is primitive, so by
/// Perron–Frobenius the dominant eigenvalue is real, simple and strictly largest in modulus,
/// and its eigenvector is positive; the iteration converges geometrically at rate |λ₂/λ₁|,
/// which is small for judgement matrices (and 0 for consistent ones). A general eigen-solver
/// would add a dependency and complex arithmetic for no gain.
fn principal_eigen(a: &[f64], n: usize) -> Result<(Vec<f64>, f64, usize)> {
    let mut w = vec![1.0 / n as f64; n];
    let mut change = f64::INFINITY;
    let mut best = f64::INFINITY;
    let mut stalled = 0;
    for iteration in 1..=EIGEN_MAX_ITERATIONS {
        let y = mat_vec(a, &w, n);
        let sum: f64 = y.iter().sum();
        let next: Vec<f64> = y.iter().map(|v| v / sum).collect();
        change = next
            .iter()
            .zip(&w)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        w = next;
        if change < best {
            best = change;
            stalled = 0;
        } else {
            stalled += 1;
        }
        // Done at the tolerance, or when the change has stopped shrinking at the level of
        // rounding noise (it can jitter at ~1e-16 instead of reaching the tolerance).
        if change == 0.0 || (stalled >= EIGEN_STALL && best <= EIGEN_NOISE) {
            // Σw = 1, so λ = Σ_i (A w)_i.
            let lambda = mat_vec(a, &w, n).iter().sum();
            return Ok((w, lambda, iteration));
        }
    }
    Err(WeightsError::NoConvergence {
        iterations: EIGEN_MAX_ITERATIONS,
        change,
    })
}

fn mat_vec(a: &[f64], w: &[f64], n: usize) -> Vec<f64> {
    a.chunks(n)
        .map(|row| row.iter().zip(w).map(|(x, y)| x * y).sum())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_by_three_reference() {
        let r = analyze_str("1 3 5; 1/3 1 3; 1/5 1/3 1", RiTable::Saaty).unwrap();
        let expected = [0.6370, 0.2583, 0.1047];
        for (w, e) in r.weights.iter().zip(expected) {
            assert!((w - e).abs() < 5e-5, "{w} vs {e}");
        }
        assert!((r.lambda_max - 3.0385).abs() < 5e-5);
        assert!((r.cr - 0.033).abs() < 5e-4);
        assert!(r.consistent);
        assert_eq!(r.inconsistent_judgements.len(), 3);
    }

    #[test]
    fn small_matrices_are_consistent() {
        let r = analyze_str("1 4; 1/4 1", RiTable::Saaty).unwrap();
        assert_eq!(
            (r.ci, r.cr, r.lambda_max, r.consistent),
            (0.0, 0.0, 2.0, true)
        );
        assert!((r.weights[0] - 0.8).abs() < 1e-14);
        let one = analyze_str("1", RiTable::Saaty).unwrap();
        assert_eq!(one.weights, vec![1.0]);
    }

    #[test]
    fn disconnected_incomplete_matrix_is_an_error() {
        let m = parse_matrix("1 2 ? ?; 1/2 1 ? ?; ? ? 1 3; ? ? 1/3 1").unwrap();
        assert_eq!(
            analyze(&m, RiTable::Saaty).unwrap_err(),
            WeightsError::Disconnected { item: 3 }
        );
    }

    #[test]
    fn too_large_for_table() {
        let w: Vec<f64> = (1..=11).map(f64::from).collect();
        let m = Matrix::from_weights(&w).unwrap();
        assert!(matches!(
            analyze(&m, RiTable::Saaty).unwrap_err(),
            WeightsError::NoRandomIndex { n: 11, max: 10, .. }
        ));
        assert!(analyze(&m, RiTable::AlonsoLamata).is_ok());
    }
}
