//! Fits a model to a CSV summary and prints the CLI's JSON plus timings: the library alone,
//! without the CLI's reading and output, for timing a fit (the benchmarks themselves run
//! `custval clv fit`; see benchmarks/clv/RESULTS.md).
//!
//! ```text
//! cargo run --release -p custval-clv --example fit_csv -- bgnbd FILE [--predict HORIZON] [--clv]
//! ```
//! `--clv` adds spend and discounted CLV to the timed predictions (Gamma-Gamma at the CDNOW
//! estimates p = 6.25, q = 3.74, v = 15.44 when the file has no monetary_value column; 1% per
//! period).
//! Columns by header name: frequency, recency, T (or periods), monetary_value, weights.

use std::time::Instant;

use custval_clv::{ClvData, FitOptions, GammaGamma, Model, PredictOptions, fit, predict};

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
    // Field position → column slot, so rows are parsed without per-row allocations.
    let mut slot_of: Vec<Option<usize>> = vec![None; header.len()];
    for (slot, i) in idx.iter().enumerate() {
        if let Some(i) = i {
            slot_of[*i] = Some(slot);
        }
    }
    let wanted = idx.iter().filter(|i| i.is_some()).count();
    let rows = text.len() / 16;
    let mut cols: [Vec<f64>; 5] = std::array::from_fn(|_| Vec::with_capacity(rows));
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let mut got = 0;
        for (field, slot) in line.split(',').zip(&slot_of) {
            if let Some(slot) = slot {
                cols[*slot].push(parse_number(field.trim())?);
                got += 1;
            }
        }
        if got != wanted {
            return Err(format!("short row: {line}").into());
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
        let with_clv = args.iter().any(|a| a == "--clv");
        if with_clv && data.monetary_value.is_empty() {
            data.monetary_value = vec![0.0; data.len()];
        }
        let opts = PredictOptions {
            horizon: h,
            discount_rate: 0.01,
            spend: with_clv.then_some(GammaGamma {
                p: 6.25,
                q: 3.74,
                v: 15.44,
            }),
            ..PredictOptions::default()
        };
        let p = predict(&f.fitted, &data, &opts)?;
        out["seconds_predict"] = t1.elapsed().as_secs_f64().into();
        out["predicted_total"] = p.iter().map(|r| r.expected_purchases).sum::<f64>().into();
        if with_clv {
            out["clv_total"] = p.iter().filter_map(|r| r.clv).sum::<f64>().into();
        }
    }
    out["seconds"] = start.elapsed().as_secs_f64().into();
    println!("{out}");
    Ok(())
}

/// Plain decimals ("12.345678") parsed as mantissa / 10^k, which is exactly the correctly
/// rounded value while the mantissa fits 2^53 and k ≤ 22 (Clinger's fast path); anything else
/// goes to `str::parse`. A third of the time of a million-row file went to float parsing.
fn parse_number(s: &str) -> Result<f64, std::num::ParseFloatError> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let bytes = s.as_bytes();
    let mut mantissa: u64 = 0;
    let mut digits = 0;
    let mut decimals: Option<usize> = None;
    for &b in bytes {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return s.parse(),
        }
    }
    let k = decimals.unwrap_or(0);
    if digits == 0 || digits > 15 || k >= POW10.len() {
        return s.parse();
    }
    Ok(mantissa as f64 / POW10[k])
}
