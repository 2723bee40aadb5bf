//! Fits a model to a CSV summary and prints the CLI's JSON plus timings — a stand-in for
//! `custval clv fit` in benchmarks until the CLI is wired.
//!
//! ```text
//! cargo run --release -p custval-clv --example fit_csv -- bgnbd FILE [--predict HORIZON]
//! ```
//! Columns by header name: frequency, recency, T (or periods), monetary_value, weights.

use std::time::Instant;

use custval_clv::{ClvData, FitOptions, Model, PredictOptions, fit, predict};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let args: Vec<String> = std::env::args().collect();
    let (Some(model), Some(path)) = (args.get(1), args.get(2)) else {
        return Err("usage: fit_csv MODEL FILE [--predict HORIZON]".into());
    };
    let model: Model = model.parse()?;
    let horizon: Option<f64> = match args.iter().position(|a| a == "--predict") {
        Some(i) => Some(
            args.get(i + 1)
                .ok_or("--predict needs a horizon")?
                .parse()?,
        ),
        None => None,
    };
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or("empty file")?
        .split(',')
        .map(str::trim)
        .collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(h));
    let idx = [
        col(&["frequency"]),
        col(&["recency"]),
        col(&["T", "periods"]),
        col(&["monetary_value"]),
        col(&["weights"]),
    ];
    let mut cols: [Vec<f64>; 5] = Default::default();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        for (c, i) in cols.iter_mut().zip(idx) {
            if let Some(i) = i {
                c.push(fields.get(i).ok_or("short row")?.trim().parse()?);
            }
        }
    }
    let [frequency, recency, t, monetary_value, weights] = cols;
    let mut data = ClvData::rft(frequency, recency, t);
    data.monetary_value = monetary_value;
    if idx[4].is_some() {
        data.weights = Some(weights);
    }
    let read = start.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let f = fit(model, &data, &FitOptions::default())?;
    let fit_seconds = t0.elapsed().as_secs_f64();
    let mut out = serde_json::to_value(&f)?;
    out["seconds_read"] = read.into();
    out["seconds_fit"] = fit_seconds.into();
    if let Some(h) = horizon {
        let t1 = Instant::now();
        let opts = PredictOptions {
            horizon: h,
            ..PredictOptions::default()
        };
        let p = predict(&f.fitted, &data, &opts)?;
        out["seconds_predict"] = t1.elapsed().as_secs_f64().into();
        out["predicted_total"] = p.iter().map(|r| r.expected_purchases).sum::<f64>().into();
    }
    out["seconds"] = start.elapsed().as_secs_f64().into();
    println!("{out}");
    Ok(())
}
