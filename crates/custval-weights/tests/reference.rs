//! Comparison with pymcdm 1.4 and pyDecision 5.1 on the cases in `fixtures/reference.json`
//! (produced by `fixtures/reference.py`; versions recorded in the file).
//!
//! Where the libraries' conventions differ from ours, the test says so and either compares on
//! inputs where the conventions coincide or widens the tolerance by the documented epsilon:
//!
//! - pymcdm `entropy_weights` takes raw proportions `x/Σx` and ignores direction; it sets the
//!   entropy of a column containing a zero to 0 (a column with one zero then dominates), where
//!   we use `p ln p = 0`. Both fixture matrices are strictly positive, so our
//!   `Variant::RawProportions` with all-benefit directions must match to rounding.
//! - pyDecision `entropy_method` is raw proportions with `(1/x)/Σ(1/x)` for cost columns (our
//!   `RawProportions`), but adds 1e-9 to `x` for cost columns, inside `ln`, and to `d`: agreement
//!   to ~1e-7, not to rounding.
//! - pymcdm `critic_weights` ignores direction: compare with all-benefit directions.
//! - pyDecision `critic_method` reverses cost columns like us but adds 1e-10 to the min-max
//!   denominator: agreement to ~1e-8.
//! - TOPSIS: pymcdm with `vector_normalization` (cost as `1 − r`, ideal = max) is algebraically
//!   the classical form we use; pyDecision is the classical form. Both to rounding.
//! - pyDecision `ahp_method(wd="max_eigen")` uses numpy's eigen-solver and Saaty's 1980 RI.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_weights::{Direction, ahp, critic, entropy, topsis};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/reference.json");

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Row-major JSON matrix → our column-major layout.
fn columns(v: &Value) -> Vec<Vec<f64>> {
    let rows: Vec<Vec<f64>> = v.as_array().expect("rows").iter().map(floats).collect();
    (0..rows[0].len())
        .map(|j| rows.iter().map(|r| r[j]).collect())
        .collect()
}

fn directions(v: &Value) -> Vec<Direction> {
    floats(v)
        .into_iter()
        .map(|t| {
            if t > 0.0 {
                Direction::Benefit
            } else {
                Direction::Cost
            }
        })
        .collect()
}

fn assert_close(what: &str, ours: &[f64], theirs: &[f64], tol: f64) {
    assert_eq!(ours.len(), theirs.len(), "{what}: length");
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        assert!(
            (a - b).abs() <= tol,
            "{what}[{i}]: ours {a}, reference {b}, tolerance {tol}"
        );
    }
}

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("fixture parses")
}

#[test]
fn entropy_matches_pymcdm_and_pydecision() {
    for case in fixture()["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let cols = columns(&case["matrix"]);
        let benefit = vec![Direction::Benefit; cols.len()];
        let ours = entropy::weights_with(&cols, &benefit, entropy::Variant::RawProportions)
            .expect("entropy");
        assert_close(
            &format!("{name} pymcdm entropy"),
            &ours,
            &floats(&case["pymcdm_entropy"]),
            1e-12,
        );

        let dirs = directions(&case["types"]);
        let ours =
            entropy::weights_with(&cols, &dirs, entropy::Variant::RawProportions).expect("entropy");
        assert_close(
            &format!("{name} pyDecision entropy"),
            &ours,
            &floats(&case["pydecision_entropy"]),
            1e-6,
        );
    }
}

#[test]
fn critic_matches_pymcdm_and_pydecision() {
    for case in fixture()["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let cols = columns(&case["matrix"]);
        let benefit = vec![Direction::Benefit; cols.len()];
        let ours = critic::weights(&cols, &benefit).expect("critic");
        assert_close(
            &format!("{name} pymcdm critic"),
            &ours,
            &floats(&case["pymcdm_critic"]),
            1e-12,
        );

        let dirs = directions(&case["types"]);
        let ours = critic::weights(&cols, &dirs).expect("critic");
        assert_close(
            &format!("{name} pyDecision critic"),
            &ours,
            &floats(&case["pydecision_critic"]),
            1e-8,
        );
    }
}

#[test]
fn topsis_matches_pymcdm_and_pydecision() {
    for case in fixture()["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let cols = columns(&case["matrix"]);
        let w = floats(&case["weights"]);
        let dirs = directions(&case["types"]);
        let ours = topsis::rank(&cols, &w, &dirs).expect("topsis");
        assert_close(
            &format!("{name} pymcdm topsis"),
            &ours.closeness,
            &floats(&case["pymcdm_topsis_vector"]),
            1e-12,
        );
        assert_close(
            &format!("{name} pyDecision topsis"),
            &ours.closeness,
            &floats(&case["pydecision_topsis"]),
            1e-12,
        );
        let benefit = vec![Direction::Benefit; cols.len()];
        let ours = topsis::rank(&cols, &w, &benefit).expect("topsis");
        assert_close(
            &format!("{name} pymcdm topsis all benefit"),
            &ours.closeness,
            &floats(&case["pymcdm_topsis_vector_all_benefit"]),
            1e-12,
        );
    }
}

#[test]
fn phones_topsis_ranks() {
    // The classic phone example with equal weights: phone 3 best, phone 2 worst; phones 1 and 4
    // are close (0.5343 vs 0.5347) but not tied.
    let case = &fixture()["cases"][0];
    let r = topsis::rank(
        &columns(&case["matrix"]),
        &floats(&case["weights"]),
        &directions(&case["types"]),
    )
    .expect("topsis");
    assert_eq!(r.rank, vec![3, 5, 1, 2, 4]);
}

#[test]
fn ahp_matches_pydecision_max_eigen() {
    for case in fixture()["ahp"].as_array().expect("ahp") {
        let name = case["name"].as_str().expect("name");
        let r = ahp::analyze_str(case["matrix"].as_str().expect("text"), ahp::RiTable::Saaty)
            .expect("ahp");
        assert_close(
            &format!("{name} weights"),
            &r.weights,
            &floats(&case["weights"]),
            1e-10,
        );
        let cr = case["cr"].as_f64().expect("cr");
        assert!(
            (r.cr - cr).abs() < 1e-10,
            "{name} CR: ours {}, pyDecision {cr}",
            r.cr
        );
    }
}
