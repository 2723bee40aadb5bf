//! Micro-benchmarks: likelihood evaluation, fitting and prediction on the CDNOW sample
//! (2,357 customers), and on that sample repeated 400 times with jittered ages (~940k
//! customers) for the large-scale likelihood.

// Benchmark code: a failed unwrap, expect or panic stops the run loudly, as it should.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use custval_clv::{
    ClvData, FitOptions, FittedModel, Model, PredictOptions, fit, log_likelihood, predict,
};

fn cdnow() -> ClvData {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/cdnow_customers_summary.csv"
    );
    let text = std::fs::read_to_string(path).expect("CDNOW summary");
    let mut cols: [Vec<f64>; 4] = Default::default();
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line
            .split(',')
            .skip(1)
            .map(|v| v.parse().expect("number"))
            .collect();
        for (c, v) in cols.iter_mut().zip(f) {
            c.push(v);
        }
    }
    let [x, tx, t, m] = cols;
    let mut d = ClvData::rft(x, tx, t);
    d.monetary_value = m;
    d
}

/// The sample 400 times, each copy's T (and recency, capped) shifted by whole days.
fn large(base: &ClvData) -> ClvData {
    let mut d = ClvData::default();
    for k in 0..400 {
        let shift = f64::from(k % 60) / 7.0;
        for i in 0..base.len() {
            d.frequency.push(base.frequency[i]);
            d.recency.push(base.recency[i]);
            d.t.push(base.t[i] + shift);
        }
    }
    d
}

fn benches(c: &mut Criterion) {
    let data = cdnow();
    let big = large(&data);
    let bg = FittedModel::from_params(
        Model::BgNbd,
        &[("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)],
    )
    .expect("params");
    let pn = FittedModel::from_params(
        Model::ParetoNbd,
        &[
            ("r", 0.553),
            ("alpha", 10.58),
            ("s", 0.606),
            ("beta", 11.67),
        ],
    )
    .expect("params");
    c.bench_function("ll_bgnbd_cdnow", |b| {
        b.iter(|| log_likelihood(black_box(&bg), &data))
    });
    c.bench_function("ll_pnbd_cdnow", |b| {
        b.iter(|| log_likelihood(black_box(&pn), &data))
    });
    c.bench_function("ll_bgnbd_940k", |b| {
        b.iter(|| log_likelihood(black_box(&bg), &big))
    });
    let opts = FitOptions::default();
    c.bench_function("fit_bgnbd_cdnow", |b| {
        b.iter(|| fit(Model::BgNbd, black_box(&data), &opts))
    });
    c.bench_function("fit_pnbd_cdnow", |b| {
        b.iter(|| fit(Model::ParetoNbd, black_box(&data), &opts))
    });
    c.bench_function("fit_gg_cdnow", |b| {
        b.iter(|| fit(Model::GammaGamma, black_box(&data), &opts))
    });
    let popts = PredictOptions {
        horizon: 39.0,
        ..PredictOptions::default()
    };
    c.bench_function("predict_bgnbd_cdnow", |b| {
        b.iter(|| predict(&bg, black_box(&data), &popts))
    });
}

criterion_group! {
    name = clv;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(clv);
