//! Properties every model must keep on any input: probabilities in [0, 1], expectations that
//! grow with the horizon, and no NaN or inf, even at x up to 10⁴ and t_x, T up to 10⁴.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_clv::{BgBb, BgNbd, FittedModel, GammaGamma, ParetoNbd, ShiftedBetaGeometric};
use proptest::prelude::*;

/// (x, t_x, T) with t_x ≤ T and x = 0 ⇒ t_x = 0.
fn history() -> impl Strategy<Value = (f64, f64, f64)> {
    (0u32..=10_000, 0.0f64..=1.0, 0.0f64..=10_000.0).prop_map(|(x, share, t)| {
        let tx = if x == 0 { 0.0 } else { share * t };
        (f64::from(x), tx, t)
    })
}

fn purchase_models() -> impl Strategy<Value = FittedModel> {
    let p = || 0.01f64..20.0;
    prop_oneof![
        (p(), p(), p(), p()).prop_map(|(r, alpha, a, b)| FittedModel::BgNbd(BgNbd {
            r,
            alpha,
            a,
            b,
            modified: false
        })),
        (p(), p(), p(), p()).prop_map(|(r, alpha, a, b)| FittedModel::MbgNbd(BgNbd {
            r,
            alpha,
            a,
            b,
            modified: true
        })),
        (p(), p(), p(), p()).prop_map(|(r, alpha, s, beta)| FittedModel::ParetoNbd(ParetoNbd {
            r,
            alpha,
            s,
            beta
        })),
    ]
}

fn check(model: &FittedModel, x: f64, tx: f64, t: f64) -> Result<(), TestCaseError> {
    let ll = model
        .log_likelihood(x, tx, t)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    // A density in t_x, so positive values are legitimate.
    prop_assert!(ll.is_finite(), "ll = {ll}");
    let pa = model
        .p_alive(x, tx, t)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!((0.0..=1.0).contains(&pa), "p_alive = {pa}");
    let mut prev = 0.0;
    for h in [0.5, 1.0, 10.0, 100.0, 1000.0] {
        let e = model
            .conditional_expected_purchases(h, x, tx, t)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(e.is_finite() && e >= 0.0, "E[Y({h})] = {e}");
        prop_assert!(e >= prev * (1.0 - 1e-9), "E[Y({h})] = {e} < {prev}");
        prev = e;
    }
    let mut prev = 0.0;
    for h in [0.5, 1.0, 10.0, 100.0, 1000.0] {
        let e = model
            .expected_purchases(h)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(
            e.is_finite() && e >= prev * (1.0 - 1e-9),
            "E[X({h})] = {e} after {prev}"
        );
        prev = e;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn purchase_models_stay_in_range(model in purchase_models(), (x, tx, t) in history()) {
        check(&model, x, tx, t)?;
    }

    #[test]
    fn bgbb_stays_in_range(
        (alpha, beta, gamma, delta) in (0.05f64..20.0, 0.05f64..20.0, 0.05f64..20.0, 0.05f64..20.0),
        n in 0u32..=300, share_tx in 0.0f64..=1.0, share_x in 0.0f64..=1.0,
    ) {
        let n = f64::from(n);
        let tx = (share_tx * n).floor();
        let x = if tx == 0.0 { 0.0 } else { (share_x * tx).floor().max(1.0) };
        let m = FittedModel::BgBb(BgBb { alpha, beta, gamma, delta });
        check(&m, x, tx, n)?;
    }

    #[test]
    fn gamma_gamma_spend_is_finite(
        (p, q, v) in (0.01f64..50.0, 1.01f64..50.0, 0.01f64..1000.0),
        x in 1u32..=10_000, m in 0.01f64..1e5,
    ) {
        let gg = GammaGamma { p, q, v };
        let x = f64::from(x);
        let s = gg.conditional_expected_spend(x, m);
        prop_assert!(s.is_finite() && s > 0.0);
        // A weighted mean of the population mean and the customer's own mean.
        let pop = p * v / (q - 1.0);
        prop_assert!(s >= pop.min(m) * (1.0 - 1e-9) && s <= pop.max(m) * (1.0 + 1e-9));
        prop_assert!(gg.log_likelihood(x, m).is_finite());
    }

    #[test]
    fn sbg_survival_and_derl(alpha in 0.01f64..20.0, beta in 0.01f64..20.0, t in 0u32..=10_000, d in 0.001f64..1.0) {
        let m = ShiftedBetaGeometric { alpha, beta };
        let t = f64::from(t);
        let s = m.survival(t);
        prop_assert!((0.0..=1.0).contains(&s));
        prop_assert!(m.survival(t + 1.0) <= s);
        let r = m.retention(t + 1.0);
        prop_assert!((0.0..=1.0).contains(&r));
        let derl = m.derl(d, t).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // At most every future period paid: Σ_{k≥0} (1+d)^{−k} = (1+d)/d.
        prop_assert!(derl.is_finite() && derl >= 0.0 && derl <= (1.0 + d) / d * (1.0 + 1e-9), "derl = {derl}");
    }
}

/// The grid the issue names: every corner of x ∈ {0, 1, 10⁴}, T ∈ {0, 1e-3, 10⁴}.
#[test]
fn extreme_grid_has_no_nan_or_inf() {
    let models = [
        FittedModel::BgNbd(BgNbd {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
            modified: false,
        }),
        FittedModel::MbgNbd(BgNbd {
            r: 0.525,
            alpha: 6.183,
            a: 0.891,
            b: 1.614,
            modified: true,
        }),
        FittedModel::ParetoNbd(ParetoNbd {
            r: 0.553,
            alpha: 10.58,
            s: 0.606,
            beta: 11.67,
        }),
        FittedModel::ParetoNbd(ParetoNbd {
            r: 0.553,
            alpha: 1e4,
            s: 0.606,
            beta: 1e-3,
        }),
        FittedModel::ParetoNbd(ParetoNbd {
            r: 5.0,
            alpha: 1e-3,
            s: 0.1,
            beta: 1e4,
        }),
    ];
    for m in &models {
        for x in [0.0, 1.0, 100.0, 1e4] {
            for t in [0.0, 1e-3, 1.0, 1e2, 1e4] {
                for tx in [0.0, t / 2.0, t] {
                    let tx = if x == 0.0 { 0.0 } else { tx };
                    let ll = m.log_likelihood(x, tx, t).unwrap_or(f64::NAN);
                    assert!(ll.is_finite(), "{m:?} ll({x},{tx},{t}) = {ll}");
                    let pa = m.p_alive(x, tx, t).unwrap_or(f64::NAN);
                    assert!(
                        (0.0..=1.0).contains(&pa),
                        "{m:?} p_alive({x},{tx},{t}) = {pa}"
                    );
                    let e = m
                        .conditional_expected_purchases(1e4, x, tx, t)
                        .unwrap_or(f64::NAN);
                    assert!(e.is_finite() && e >= 0.0, "{m:?} E({x},{tx},{t}) = {e}");
                }
            }
        }
    }
}

/// BG/BB at up to 10⁴ opportunities and transactions.
#[test]
fn bgbb_extreme_grid_has_no_nan_or_inf() {
    for (alpha, beta, gamma, delta) in [
        (1.204, 0.750, 0.657, 2.783),
        (0.05, 20.0, 20.0, 0.05),
        (20.0, 0.05, 0.05, 20.0),
    ] {
        let m = FittedModel::BgBb(BgBb {
            alpha,
            beta,
            gamma,
            delta,
        });
        for n in [0.0_f64, 1.0, 100.0, 1e4] {
            for (x, tx) in [(0.0, 0.0), (1.0, 1.0), (n / 2.0, n), (n, n), (1.0, n)] {
                let (x, tx) = (x.floor().min(tx), tx.min(n));
                let x = if tx == 0.0 { 0.0 } else { x.max(1.0).min(tx) };
                let ll = m.log_likelihood(x, tx, n).unwrap_or(f64::NAN);
                assert!(
                    ll.is_finite() && ll <= 1e-12,
                    "{m:?} ll({x},{tx},{n}) = {ll}"
                );
                let pa = m.p_alive(x, tx, n).unwrap_or(f64::NAN);
                assert!(
                    (0.0..=1.0).contains(&pa),
                    "{m:?} p_alive({x},{tx},{n}) = {pa}"
                );
                let e = m
                    .conditional_expected_purchases(1e4, x, tx, n)
                    .unwrap_or(f64::NAN);
                assert!((0.0..=1e4).contains(&e), "{m:?} E({x},{tx},{n}) = {e}");
            }
        }
    }
}

/// regression_bgnbd_a_plus_b_below_one: c = a+b−1 ≤ 0 for x = 0 used to feed a non-positive c
/// into the series; the rearranged sum must join the regular formula continuously.
#[test]
fn regression_bgnbd_a_plus_b_below_one() {
    let at = |a: f64| {
        BgNbd {
            r: 0.5,
            alpha: 3.0,
            a,
            b: 0.3,
            modified: false,
        }
        .conditional_expected_purchases(10.0, 0.0, 0.0, 5.0)
    };
    let (below, above) = (at(0.7 - 1e-7), at(0.7 + 1e-7));
    assert!(below.is_finite() && above.is_finite());
    assert!((below - above).abs() < 1e-5 * above, "{below} vs {above}");
}
