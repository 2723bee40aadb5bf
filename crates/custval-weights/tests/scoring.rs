//! Scores, TOPSIS and sensitivity on small cases computed by hand, plus a snapshot of a full
//! sensitivity report.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_weights::normalize::Method;
use custval_weights::{Direction, entropy, score, sensitivity, topsis};

fn close(what: &str, a: f64, b: f64) {
    assert!((a - b).abs() < 1e-14, "{what}: {a} vs {b}");
}

/// c1 = [3, 4, 0] benefit (norm 5), c2 = [1, 2, 2] cost (norm 3), weights ½, ½:
/// v1 = [.3, .4, 0], v2 = [1/6, 1/3, 1/3]; ideal (.4, 1/6), anti-ideal (0, 1/3).
/// Row 1: D⁺ = 3/30, D⁻ = √106/30 → C = √106/(3 + √106).
/// Row 2: D⁺ = 5/30, D⁻ = 12/30 → C = 12/17.
/// Row 3: D⁺ = 13/30, D⁻ = 0 → C = 0.
#[test]
fn topsis_by_hand() {
    let r = topsis::rank(
        &[vec![3.0, 4.0, 0.0], vec![1.0, 2.0, 2.0]],
        &[1.0, 1.0],
        &[Direction::Benefit, Direction::Cost],
    )
    .unwrap();
    let s = 106f64.sqrt();
    close("C1", r.closeness[0], s / (3.0 + s));
    close("C2", r.closeness[1], 12.0 / 17.0);
    close("C3", r.closeness[2], 0.0);
    close("D+1", r.distance_to_ideal[0], 0.1);
    close("D+3", r.distance_to_ideal[2], 13.0 / 30.0);
    assert_eq!(r.rank, vec![1, 2, 3]);
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["closeness"].is_array() && json["rank"].is_array());
}

#[test]
fn topsis_ties_share_the_better_rank() {
    // Rows 1 and 3 are identical; row 2 is best.
    let r = topsis::rank(
        &[vec![1.0, 3.0, 1.0, 0.0], vec![2.0, 2.0, 2.0, 1.0]],
        &[0.5, 0.5],
        &[Direction::Benefit; 2],
    )
    .unwrap();
    assert_eq!(r.closeness[0], r.closeness[2]);
    assert_eq!(r.rank, vec![2, 1, 2, 4]);
}

/// Entropy, min-max variant, by hand: c1 = [10, 20, 30] → [0, .5, 1] → p = [0, 1/3, 2/3];
/// c2 (cost) = [5, 5, 1] → reversed min-max [0, 0, 1] → p = [0, 0, 1] → e = 0, d = 1.
#[test]
fn entropy_min_max_by_hand() {
    let w = entropy::weights(
        &[vec![10.0, 20.0, 30.0], vec![5.0, 5.0, 1.0]],
        &[Direction::Benefit, Direction::Cost],
    )
    .unwrap();
    let e1 =
        -((1.0f64 / 3.0) * (1.0f64 / 3.0).ln() + (2.0f64 / 3.0) * (2.0f64 / 3.0).ln()) / 3f64.ln();
    let d = [1.0 - e1, 1.0];
    close("w1", w[0], d[0] / (d[0] + d[1]));
    close("w2", w[1], d[1] / (d[0] + d[1]));
}

#[test]
fn weighted_score_explained() {
    // Revenue (benefit) and days since last order (cost), weights 0.7 / 0.3.
    let s = score::weighted_raw(
        &[vec![100.0, 50.0, 0.0], vec![10.0, 40.0, 70.0]],
        &[Direction::Benefit, Direction::Cost],
        &[0.7, 0.3],
        Method::MinMax,
    )
    .unwrap();
    close("score 1", s.scores[0], 100.0);
    close("score 2", s.scores[1], 35.0 + 15.0);
    close("score 3", s.scores[2], 0.0);
    close("revenue points of row 2", s.contributions[1][0], 35.0);
}

#[test]
fn sensitivity_report_snapshot() {
    // Six customers, three indicators already normalized to [0, 1].
    let cols = vec![
        vec![1.0, 0.8, 0.6, 0.4, 0.2, 0.0],
        vec![0.1, 0.9, 0.3, 0.8, 0.5, 1.0],
        vec![0.5, 0.5, 1.0, 0.0, 0.7, 0.2],
    ];
    let weights = [0.5, 0.3, 0.2];
    let fixed = sensitivity::analyze(
        &cols,
        &weights,
        0.1,
        sensitivity::by_thresholds(&[70.0, 45.0]),
    )
    .unwrap();
    let abc = sensitivity::analyze(
        &cols,
        &weights,
        0.1,
        sensitivity::by_cumulative_share(&[0.5, 0.8]),
    )
    .unwrap();
    // Every move keeps the weights a distribution.
    for m in fixed.moves.iter().chain(&abc.moves) {
        close("sum", m.weights.iter().sum::<f64>(), 1.0);
    }
    insta::assert_json_snapshot!(
        "sensitivity",
        serde_json::json!({ "thresholds": fixed, "cumulative_share": abc })
    );

    // TOPSIS closeness as the score, classes by fixed cuts on closeness.
    let dirs = [Direction::Benefit; 3];
    let t = sensitivity::analyze_with(
        &weights,
        0.1,
        |w| Ok(topsis::rank(&cols, w, &dirs)?.closeness),
        sensitivity::by_thresholds(&[0.6, 0.4]),
    )
    .unwrap();
    assert_eq!(t.moves.len(), 6);
}
