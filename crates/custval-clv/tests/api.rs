//! The API the CLI uses: named parameters, errors, predictions and the holdout report. (The
//! library's source rules, no panics and no I/O, are the workspace's: clippy's lints and
//! `cargo test -p xtask`.)

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{cdnow, read_csv};
use custval_clv::{
    ClvData, ClvError, FitOptions, FittedModel, Model, PredictOptions, SummaryOptions, TimeUnit,
    days_from_civil, fit, holdout_report, predict, summarize,
};

#[test]
fn from_params_names_missing_and_unknown_parameters() {
    let ok = FittedModel::from_params(
        Model::BgNbd,
        &[("b", 2.426), ("r", 0.243), ("alpha", 4.414), ("a", 0.793)],
    )
    .expect("valid");
    assert_eq!(ok.params()[0], ("r", 0.243));
    let missing = FittedModel::from_params(Model::BgNbd, &[("r", 0.2), ("alpha", 4.0), ("a", 0.8)]);
    assert!(
        matches!(&missing, Err(ClvError::Parameter { problem: "missing", name, .. }) if name == "b")
    );
    let unknown =
        FittedModel::from_params(Model::GammaGamma, &[("p", 1.0), ("q", 2.0), ("gamma", 3.0)]);
    let msg = unknown.expect_err("unknown").to_string();
    assert!(
        msg.contains("unknown parameter `gamma`") && msg.contains("p, q, v"),
        "{msg}"
    );
    let negative = FittedModel::from_params(
        Model::ShiftedBetaGeometric,
        &[("alpha", -1.0), ("beta", 1.0)],
    );
    assert!(matches!(
        negative,
        Err(ClvError::InvalidParameter { name: "alpha", .. })
    ));
    assert_eq!("pnbd".parse::<Model>(), Ok(Model::ParetoNbd));
}

#[test]
fn invalid_rows_are_reported_with_their_index() {
    let data = ClvData::rft(
        vec![1.0, 2.0, 1.0],
        vec![1.0, 5.0, 1.0],
        vec![3.0, 4.0, 2.0],
    );
    let err = fit(Model::BgNbd, &data, &FitOptions::default()).expect_err("recency > T");
    assert!(
        matches!(
            err,
            ClvError::InvalidValue {
                row: 1,
                column: "recency",
                ..
            }
        ),
        "{err}"
    );
    let err = fit(Model::BgNbd, &ClvData::default(), &FitOptions::default()).expect_err("empty");
    assert!(matches!(err, ClvError::Empty(_)));
    let bad_init = FitOptions {
        initial: Some(vec![1.0; 4]),
        ..FitOptions::default()
    };
    let data = ClvData::spend(vec![1.0, 2.0], vec![10.0, 20.0]);
    assert!(matches!(
        fit(Model::GammaGamma, &data, &bad_init),
        Err(ClvError::Parameter { .. })
    ));
    let bgbb = ClvData::rft(vec![0.0], vec![2.0], vec![6.0]);
    let err = fit(Model::BgBb, &bgbb, &FitOptions::default()).expect_err("x = 0, t_x > 0");
    assert!(
        matches!(
            err,
            ClvError::InvalidValue {
                row: 0,
                column: "recency",
                ..
            }
        ),
        "{err}"
    );
    let data = ClvData::spend(vec![0.0, 0.0], vec![0.0, 0.0]);
    assert!(matches!(
        fit(Model::GammaGamma, &data, &FitOptions::default()),
        Err(ClvError::Empty(_))
    ));
}

#[test]
fn fit_serializes_like_the_cli_contract() {
    let f = fit(Model::BgNbd, &cdnow(), &FitOptions::default()).expect("fit");
    let json = serde_json::to_value(&f).expect("json");
    assert_eq!(json["model"], "bgnbd");
    let keys: Vec<&String> = json["params"].as_object().expect("map").keys().collect();
    assert_eq!(keys.len(), 4);
    assert!(json["params"]["alpha"].as_f64().is_some());
    assert_eq!(json["n_customers"], 2357);
    assert_eq!(json["converged"], true);
}

#[test]
fn penalizer_shrinks_parameters() {
    let plain = fit(Model::BgNbd, &cdnow(), &FitOptions::default()).expect("fit");
    let opts = FitOptions {
        penalizer: 0.1,
        ..FitOptions::default()
    };
    let pen = fit(Model::BgNbd, &cdnow(), &opts).expect("fit");
    let norm = |f: &custval_clv::Fit| f.params.iter().map(|(_, v)| v * v).sum::<f64>();
    assert!(norm(&pen) < norm(&plain));
    assert!(pen.log_likelihood < plain.log_likelihood);
}

#[test]
fn predictions_with_spend_model_and_clv() {
    let data = cdnow();
    let bg = fit(Model::BgNbd, &data, &FitOptions::default())
        .expect("fit")
        .fitted;
    let FittedModel::GammaGamma(gg) = fit(Model::GammaGamma, &data, &FitOptions::default())
        .expect("gg")
        .fitted
    else {
        unreachable!()
    };
    let opts = PredictOptions {
        horizon: 52.0,
        discount_rate: 0.002,
        margin: 0.3,
        spend: Some(gg),
        ..PredictOptions::default()
    };
    let p = predict(&bg, &data, &opts).expect("predict");
    assert_eq!(p.len(), data.len());
    for (i, row) in p.iter().enumerate() {
        let e = bg
            .conditional_expected_purchases(52.0, data.frequency[i], data.recency[i], data.t[i])
            .expect("E");
        assert_eq!(row.expected_purchases, e);
        let clv = row.clv.expect("clv");
        // Discounting and margin make CLV smaller than margin × spend × purchases.
        assert!(clv > 0.0 && clv <= 0.3 * row.expected_spend.expect("spend") * e + 1e-9);
    }
}

#[test]
fn holdout_report_on_cdnow() {
    let (_, rows) = read_csv("cdnow_sample_transactions.csv");
    let ids: Vec<u32> = rows.iter().map(|r| r[0].parse().expect("id")).collect();
    let days: Vec<i32> = rows
        .iter()
        .map(|r| {
            let p: Vec<u32> = r[1].split('-').map(|v| v.parse().expect("date")).collect();
            days_from_civil(p[0] as i32, p[1], p[2])
        })
        .collect();
    let opts = SummaryOptions {
        observation_end: days_from_civil(1998, 6, 30),
        calibration_end: Some(days_from_civil(1997, 9, 30)),
        unit: TimeUnit::Week,
    };
    let s = summarize(&ids, &days, None, &opts).expect("summary");
    let col = |f: fn(&custval_clv::CustomerSummary) -> f64| {
        s.iter().map(|(_, c)| f(c)).collect::<Vec<_>>()
    };
    let data = ClvData::rft(col(|c| c.frequency), col(|c| c.recency), col(|c| c.t));
    let model = fit(Model::BgNbd, &data, &FitOptions::default())
        .expect("fit")
        .fitted;
    let report = holdout_report(
        &model,
        &data,
        &col(|c| c.frequency_holdout.unwrap_or(0.0)),
        &col(|c| c.duration_holdout.unwrap_or(0.0)),
    )
    .expect("report");
    println!("{}", report.to_table());
    assert_eq!(report.n_customers, 2357.0);
    assert_eq!(report.total_actual, 1882.0);
    assert_eq!(report.buckets.len(), 8);
    assert_eq!(report.buckets[7].frequency, "7+");
    let n: f64 = report.buckets.iter().map(|b| b.n_customers).sum();
    assert_eq!(n, 2357.0);
    // Regression value: the row-wise expectations are checked against lifetimes in
    // tests/lifetimes.rs; in total BG/NBD forecasts 1,653.4 of the 1,882 holdout purchase days
    // (it under-forecasts the customers with 1–2 calibration purchases most).
    assert!((report.total_predicted - 1653.4).abs() < 0.1, "{report:?}");
    assert!((report.buckets[0].predicted_mean - report.buckets[0].actual_mean).abs() < 0.02);
    assert!(report.rmse >= report.mae && report.mae > 0.0);
    let json = serde_json::to_value(&report).expect("json");
    assert!(json["buckets"][0]["predicted_mean"].as_f64().is_some());
}

/// Above 60,000 patterns BG/NBD fits a sample first and finishes with the sample's Hessian;
/// the estimate must be the plain L-BFGS one (an explicit `initial` disables the warm start).
#[test]
fn large_fit_warm_start_matches_plain_lbfgs() {
    let base = cdnow();
    let mut big = ClvData::default();
    for k in 0..150 {
        let shift = f64::from(k % 60) / 7.0;
        for i in 0..base.len() {
            big.frequency.push(base.frequency[i]);
            big.recency.push(base.recency[i]);
            big.t.push(base.t[i] + shift);
        }
    }
    for model in [Model::BgNbd, Model::MbgNbd] {
        let warm = fit(model, &big, &FitOptions::default()).expect("warm fit");
        let plain = fit(
            model,
            &big,
            &FitOptions {
                initial: Some(vec![1.0, 1.0, 1.0, 1.0]),
                ..FitOptions::default()
            },
        )
        .expect("plain fit");
        assert!(warm.converged && plain.converged);
        for ((name, w), (_, p)) in warm.params.iter().zip(&plain.params) {
            // Both stop at a gradient norm of 1e-7; a and b are strongly correlated, which
            // leaves ~1e-6 of play along their ridge.
            assert!((w / p - 1.0).abs() < 1e-5, "{model} {name}: {w} vs {p}");
        }
        assert!(
            (warm.log_likelihood - plain.log_likelihood).abs() < 1e-10 * plain.log_likelihood.abs(),
            "{} vs {}",
            warm.log_likelihood,
            plain.log_likelihood
        );
    }
}

/// The CLI hands a large plain file to `fit` already counted (one row per distinct
/// (x, t_x, T) with its customers as `weights`, in whatever order its reader threads met
/// them). That must be the same fit, bit for bit, as one row per customer: same patterns, same
/// starting points (the mean T is taken over the sorted patterns), same optimizer path —
/// through the warm-started BG/NBD fit (over 10,000 patterns) and the plain ones.
#[test]
fn counted_customers_fit_exactly_like_one_row_each() {
    let base = cdnow();
    let mut big = ClvData::default();
    for k in 0..12 {
        let shift = f64::from(k) / 7.0;
        for i in 0..base.len() {
            big.frequency.push(base.frequency[i]);
            big.recency.push(base.recency[i]);
            big.t.push(base.t[i] + shift);
        }
    }
    // Counted, in reverse order of first appearance.
    let mut counts: std::collections::HashMap<(u64, u64, u64), f64> = Default::default();
    let mut order = Vec::new();
    for i in 0..big.len() {
        let key = (
            big.frequency[i].to_bits(),
            big.recency[i].to_bits(),
            big.t[i].to_bits(),
        );
        let c = counts.entry(key).or_insert(0.0);
        if *c == 0.0 {
            order.push(key);
        }
        *c += 1.0;
    }
    order.reverse();
    let col = |f: fn(&(u64, u64, u64)) -> u64| -> Vec<f64> {
        order.iter().map(|k| f64::from_bits(f(k))).collect()
    };
    let counted = ClvData::rft(col(|k| k.0), col(|k| k.1), col(|k| k.2))
        .with_weights(order.iter().map(|k| counts[k]).collect());
    assert!(counted.len() > 10_000 && counted.len() < big.len());
    for model in [Model::BgNbd, Model::MbgNbd, Model::ParetoNbd] {
        let one = fit(model, &big, &FitOptions::default()).expect("fit");
        let many = fit(model, &counted, &FitOptions::default()).expect("counted fit");
        assert_eq!(one.n_customers, many.n_customers);
        assert_eq!(one.iterations, many.iterations, "{model}");
        assert_eq!(
            one.log_likelihood.to_bits(),
            many.log_likelihood.to_bits(),
            "{model}"
        );
        for ((name, a), (_, b)) in one.params.iter().zip(&many.params) {
            assert_eq!(a.to_bits(), b.to_bits(), "{model} {name}: {a} vs {b}");
        }
    }
}

/// regression_bgnbd_gradient_nan_at_b_one: at b = 1 the x = 0 rows computed 0 × 1/(b+x−1)
/// = NaN in the gradient, so a fit starting there failed with "did not converge".
#[test]
fn regression_bgnbd_gradient_nan_at_b_one() {
    let opts = FitOptions {
        initial: Some(vec![1.0, 1.0, 1.0, 1.0]),
        ..FitOptions::default()
    };
    let f = fit(Model::BgNbd, &cdnow(), &opts).expect("fit from b = 1");
    assert!(f.converged);
    assert!((f.log_likelihood + 9582.4).abs() < 0.05);
}
