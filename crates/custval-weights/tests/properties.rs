//! Property tests: invariants that must hold for every input, not just the worked examples.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_weights::normalize::{self, Method};
use custval_weights::{Direction, ahp, combine, critic, entropy, score, sensitivity, topsis};
use proptest::prelude::*;

/// Column-major tables of small integers (as f64): 2–12 rows, 1–6 columns. Integers keep
/// scaling exact enough that invariance can be checked to 1e-9.
fn table() -> impl Strategy<Value = Vec<Vec<f64>>> {
    (2usize..12, 1usize..6).prop_flat_map(|(m, n)| {
        prop::collection::vec(
            prop::collection::vec((0u32..1000).prop_map(f64::from), m),
            n,
        )
    })
}

fn table_with_dirs() -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<Direction>)> {
    table().prop_flat_map(|t| {
        let n = t.len();
        (
            Just(t),
            prop::collection::vec(
                prop_oneof![Just(Direction::Benefit), Just(Direction::Cost)],
                n,
            ),
        )
    })
}

fn positive(t: &[Vec<f64>]) -> Vec<Vec<f64>> {
    t.iter()
        .map(|c| c.iter().map(|v| v + 1.0).collect())
        .collect()
}

fn assert_weights(w: &[f64]) {
    let sum: f64 = w.iter().sum();
    assert!((sum - 1.0).abs() < 1e-12, "sum {sum}: {w:?}");
    assert!(w.iter().all(|v| v.is_finite() && *v >= 0.0), "{w:?}");
}

fn all_weights(t: &[Vec<f64>], d: &[Direction]) -> Vec<Vec<f64>> {
    vec![
        entropy::weights(t, d).unwrap(),
        entropy::weights_with(&positive(t), d, entropy::Variant::RawProportions).unwrap(),
        critic::weights(t, d).unwrap(),
    ]
}

proptest! {
    #[test]
    fn objective_weights_sum_to_one((t, d) in table_with_dirs()) {
        for w in all_weights(&t, &d) {
            assert_weights(&w);
        }
    }

    #[test]
    fn permuting_columns_permutes_weights((t, d) in table_with_dirs(), shift in 0usize..6) {
        let n = t.len();
        let k = shift % n;
        let mut pt = t.clone();
        pt.rotate_left(k);
        let mut pd = d.clone();
        pd.rotate_left(k);
        for (w, pw) in all_weights(&t, &d).into_iter().zip(all_weights(&pt, &pd)) {
            let mut expected = w.clone();
            expected.rotate_left(k);
            for (a, b) in pw.iter().zip(&expected) {
                prop_assert!((a - b).abs() < 1e-12, "{pw:?} vs {expected:?}");
            }
        }
    }

    #[test]
    fn scaling_a_benefit_column_changes_nothing(
        (t, d) in table_with_dirs(),
        col in 0usize..6,
        scale in prop_oneof![Just(0.001), Just(0.5), Just(3.0), Just(1000.0)],
    ) {
        let j = col % t.len();
        let mut d = d;
        d[j] = Direction::Benefit;
        let mut scaled = t.clone();
        for v in &mut scaled[j] {
            *v *= scale;
        }
        let pairs = [
            (entropy::weights(&t, &d).unwrap(), entropy::weights(&scaled, &d).unwrap()),
            (
                entropy::weights_with(&positive(&t), &d, entropy::Variant::RawProportions).unwrap(),
                {
                    // Raw proportions are scale-invariant for x, not for x + 1: scale the shifted data.
                    let mut p = positive(&t);
                    for v in &mut p[j] {
                        *v *= scale;
                    }
                    entropy::weights_with(&p, &d, entropy::Variant::RawProportions).unwrap()
                },
            ),
            (critic::weights(&t, &d).unwrap(), critic::weights(&scaled, &d).unwrap()),
        ];
        for (a, b) in pairs {
            for (x, y) in a.iter().zip(&b) {
                prop_assert!((x - y).abs() < 1e-9, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn constant_and_zero_columns_never_nan((t, d) in table_with_dirs(), value in prop_oneof![Just(0.0), Just(7.0)]) {
        let m = t[0].len();
        let mut with = t.clone();
        with.push(vec![value; m]);
        let mut dirs = d.clone();
        dirs.push(Direction::Benefit);
        for w in all_weights(&with, &dirs) {
            assert_weights(&w);
            if w.len() > 1 && t.iter().any(|c| c.iter().any(|v| *v != c[0])) {
                prop_assert_eq!(*w.last().unwrap(), 0.0);
            }
        }
        for method in [Method::MinMax, Method::Vector, Method::Sum, Method::ZScore, Method::RankPercentile, Method::Log] {
            let dirs: Vec<Direction> = if method == Method::Sum { vec![Direction::Benefit; with.len()] } else { dirs.clone() };
            let n = normalize::normalize(&with, &dirs, method).unwrap();
            prop_assert!(n.iter().flatten().all(|v| v.is_finite()), "{method:?}");
        }
        let r = topsis::rank(&with, &vec![1.0; with.len()], &dirs).unwrap();
        prop_assert!(r.closeness.iter().all(|c| (0.0..=1.0).contains(c)));
    }

    #[test]
    fn contributions_add_up_to_the_score((t, d) in table_with_dirs(), raw_w in prop::collection::vec(0.01f64..10.0, 6)) {
        let w = &raw_w[..t.len()];
        let s = score::weighted_raw(&t, &d, w, Method::MinMax).unwrap();
        for (score, parts) in s.scores.iter().zip(&s.contributions) {
            prop_assert_eq!(*score, parts.iter().fold(0.0, |a, c| a + c));
            prop_assert!((-1e-9..=100.0 + 1e-9).contains(score));
        }
    }

    #[test]
    fn topsis_is_well_formed((t, d) in table_with_dirs(), raw_w in prop::collection::vec(0.01f64..10.0, 6)) {
        let w = &raw_w[..t.len()];
        let r = topsis::rank(&t, w, &d).unwrap();
        let m = t[0].len();
        prop_assert!(r.closeness.iter().all(|c| (0.0..=1.0).contains(c)));
        prop_assert!(r.rank.iter().all(|k| (1..=m).contains(k)));
        prop_assert!(r.rank.contains(&1));
        // A better closeness never has a worse rank.
        for i in 0..m {
            for k in 0..m {
                if r.closeness[i] > r.closeness[k] + 1e-9 {
                    prop_assert!(r.rank[i] < r.rank[k]);
                }
            }
        }
    }

    #[test]
    fn consistent_matrices_give_back_their_weights(raw in prop::collection::vec(0.05f64..1.0, 1..10)) {
        let total: f64 = raw.iter().sum();
        let w: Vec<f64> = raw.iter().map(|v| v / total).collect();
        let r = ahp::analyze(&ahp::Matrix::from_weights(&w).unwrap(), ahp::RiTable::Saaty).unwrap();
        prop_assert_eq!(r.cr, 0.0);
        for (a, b) in r.weights.iter().zip(&w) {
            prop_assert!((a - b).abs() < 1e-13, "{:?} vs {:?}", r.weights, w);
        }
    }

    #[test]
    fn harker_recovers_any_single_missing_entry(raw in prop::collection::vec(0.05f64..1.0, 3..8), pick in 0usize..100) {
        let n = raw.len();
        let total: f64 = raw.iter().sum();
        let w: Vec<f64> = raw.iter().map(|v| v / total).collect();
        let pairs: Vec<(usize, usize)> = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).collect();
        let (i, j) = pairs[pick % pairs.len()];
        let rows: Vec<Vec<Option<f64>>> = (0..n)
            .map(|r| (0..n).map(|c| ((r, c) != (i, j) && (r, c) != (j, i)).then(|| w[r] / w[c])).collect())
            .collect();
        let r = ahp::analyze(&ahp::Matrix::from_rows(&rows).unwrap(), ahp::RiTable::Saaty).unwrap();
        for (a, b) in r.weights.iter().zip(&w) {
            prop_assert!((a - b).abs() < 1e-13);
        }
        prop_assert_eq!(r.cr, 0.0);
    }

    #[test]
    fn saaty_scale_matrices_are_well_formed(n in 1usize..10, picks in prop::collection::vec(0usize..17, 45)) {
        // Random judgements on Saaty's scale 1/9 … 9 in the upper triangle.
        let scale: Vec<f64> = (1..=9).rev().map(|k| 1.0 / f64::from(k)).chain((2..=9).map(f64::from)).collect();
        let mut it = picks.iter();
        let rows: Vec<Vec<Option<f64>>> = (0..n)
            .map(|i| (0..n).map(|j| if j > i { it.next().map(|p| scale[*p]) } else if j == i { Some(1.0) } else { None }).collect())
            .collect();
        let r = ahp::analyze(&ahp::Matrix::from_rows(&rows).unwrap(), ahp::RiTable::Saaty).unwrap();
        assert_weights(&r.weights);
        prop_assert!(r.weights.iter().all(|w| *w > 0.0));
        prop_assert!(r.lambda_max >= n as f64 && r.ci >= 0.0 && r.cr >= 0.0 && r.cr.is_finite());
        prop_assert_eq!(r.consistent, r.cr < 0.1);
    }

    #[test]
    fn combined_and_perturbed_weights_sum_to_one(
        s in prop::collection::vec(0.0f64..10.0, 1..8),
        alpha in 0.0f64..=1.0,
        delta in 0.001f64..0.5,
        k in 0usize..8,
    ) {
        prop_assume!(s.iter().sum::<f64>() > 0.0);
        let o: Vec<f64> = s.iter().rev().map(|v| v + 1.0).collect();
        assert_weights(&combine::linear(&s, &o, alpha).unwrap());
        assert_weights(&combine::multiplicative(&s, &o).unwrap());
        let k = k % s.len();
        assert_weights(&sensitivity::perturb(&s, k, delta).unwrap());
        assert_weights(&sensitivity::perturb(&s, k, -delta).unwrap());
    }
}

/// Wide-ranging real values (negative, tiny, large, repeated) in 2–10 rows × 1–5 columns.
fn wild_table() -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<Direction>)> {
    (2usize..10, 1usize..5).prop_flat_map(|(m, n)| {
        let value = prop_oneof![
            -1e9f64..1e9,
            -1.0f64..1.0,
            Just(0.0),
            Just(1e-300),
            Just(5.0),
        ];
        (
            prop::collection::vec(prop::collection::vec(value, m), n),
            prop::collection::vec(
                prop_oneof![Just(Direction::Benefit), Just(Direction::Cost)],
                n,
            ),
        )
    })
}

proptest! {
    #[test]
    fn never_nan_on_wild_values((t, d) in wild_table()) {
        assert_weights(&entropy::weights(&t, &d).unwrap());
        assert_weights(&critic::weights(&t, &d).unwrap());
        let r = topsis::rank(&t, &vec![1.0; t.len()], &d).unwrap();
        prop_assert!(r.closeness.iter().all(|c| (0.0..=1.0).contains(c)), "{:?}", r.closeness);
        for method in [Method::MinMax, Method::Vector, Method::ZScore, Method::RankPercentile] {
            let n = normalize::normalize(&t, &d, method).unwrap();
            prop_assert!(n.iter().flatten().all(|v| v.is_finite()), "{method:?}");
        }
        let s = score::weighted_raw(&t, &d, &vec![1.0; t.len()], Method::MinMax).unwrap();
        prop_assert!(s.scores.iter().all(|v| v.is_finite()));
    }
}

proptest! {
    #[test]
    fn incomplete_matrices_are_completed_or_rejected(
        n in 2usize..9,
        picks in prop::collection::vec(0usize..17, 36),
        gaps in prop::collection::vec(prop::bool::weighted(0.3), 36),
    ) {
        let scale: Vec<f64> = (1..=9).rev().map(|k| 1.0 / f64::from(k)).chain((2..=9).map(f64::from)).collect();
        // Upper-triangle pairs in row order; pair k is judged unless gaps[k].
        let pairs: Vec<(usize, usize)> = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).collect();
        let k = pairs.len();
        let rows: Vec<Vec<Option<f64>>> = (0..n)
            .map(|r| {
                (0..n)
                    .map(|c| match pairs.iter().position(|p| *p == (r, c)) {
                        Some(p) if !gaps[p] => Some(scale[picks[p]]),
                        Some(_) => None,
                        None if r == c => Some(1.0),
                        None => None,
                    })
                    .collect()
            })
            .collect();
        let m = ahp::Matrix::from_rows(&rows).unwrap();
        match ahp::analyze(&m, ahp::RiTable::Saaty) {
            Ok(r) => {
                assert_weights(&r.weights);
                prop_assert!(r.weights.iter().all(|w| *w > 0.0));
                prop_assert!(r.cr.is_finite() && r.cr >= 0.0);
                let completed = r.completed.unwrap_or_default();
                prop_assert!(completed.iter().flatten().all(|v| v.is_finite() && *v > 0.0));
                prop_assert_eq!(r.missing, gaps[..k].iter().filter(|g| **g).count());
            }
            Err(e) => prop_assert!(matches!(e, custval_weights::WeightsError::Disconnected { .. }), "{e}"),
        }
    }
}
