//! Fuzzes the AHP pairwise-matrix parser of custval-weights (`ahp::parse_matrix`, the text of
//! `--matrix` and of `custval.toml`'s `matrix = "…"`) and the hierarchy TOML reader, with the
//! analysis behind both.
//!
//! Properties: no panic; a matrix that parses prints (`Display`) to text that parses back to
//! the same matrix; its analysis, under every RI table, gives one weight per item, each finite
//! and non-negative, summing to 1, with λmax, CI and CR finite; a hierarchy that parses
//! analyzes to global weights that sum to 1.
#![no_main]

use custval_weights::ahp::{Hierarchy, RiTable, analyze, parse_matrix};
use libfuzzer_sys::fuzz_target;

fn check_weights(weights: &[f64], what: &str) {
    let sum: f64 = weights.iter().sum();
    assert!(
        weights.iter().all(|w| w.is_finite() && *w >= 0.0),
        "{what}: weights {weights:?}"
    );
    assert!((sum - 1.0).abs() < 1e-6, "{what}: weights sum to {sum}");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(matrix) = parse_matrix(&text) {
        let printed = matrix.to_string();
        let again = parse_matrix(&printed)
            .unwrap_or_else(|e| panic!("{printed:?} printed from a valid matrix: {e}"));
        assert_eq!(again, matrix, "print → parse changed the matrix");
        for table in RiTable::ALL {
            if let Ok(result) = analyze(&matrix, table) {
                assert_eq!(result.weights.len(), matrix.n());
                check_weights(&result.weights, "matrix");
                assert!(result.lambda_max.is_finite() && result.ci.is_finite());
                assert!(result.cr.is_finite(), "CR {}", result.cr);
            }
        }
    }
    if let Ok(hierarchy) = Hierarchy::from_toml_str(&text) {
        if let Ok(result) = hierarchy.analyze() {
            let global: Vec<f64> = result.global_weights.iter().map(|(_, w)| *w).collect();
            check_weights(&global, "hierarchy");
        }
    }
});
