//! Calibration/holdout validation: how well a model fitted on the calibration period predicts
//! the purchases of the holdout period.

use std::fmt::Write as _;

use serde::Serialize;

use crate::data::ClvData;
use crate::error::ClvError;
use crate::model::FittedModel;

/// Calibration-frequency buckets 0, 1, …, 6 and "7+".
const BUCKETS: usize = 8;

/// One calibration-frequency bucket.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HoldoutBucket {
    /// "0" … "6", "7+".
    pub frequency: String,
    pub n_customers: f64,
    pub actual_mean: f64,
    pub predicted_mean: f64,
    pub actual_total: f64,
    pub predicted_total: f64,
}

/// The holdout report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HoldoutReport {
    pub model: String,
    pub n_customers: f64,
    pub buckets: Vec<HoldoutBucket>,
    /// Mean absolute error per customer (weights applied).
    pub mae: f64,
    /// Root mean squared error per customer.
    pub rmse: f64,
    pub total_predicted: f64,
    pub total_actual: f64,
}

impl HoldoutReport {
    /// A plain-text table for terminals.
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:>9} {:>10} {:>12} {:>12}",
            "frequency", "customers", "actual", "predicted"
        );
        for b in &self.buckets {
            let _ = writeln!(
                s,
                "{:>9} {:>10.0} {:>12.3} {:>12.3}",
                b.frequency, b.n_customers, b.actual_mean, b.predicted_mean
            );
        }
        let _ = writeln!(
            s,
            "total actual {:.1}, predicted {:.1}; MAE {:.4}, RMSE {:.4} per customer",
            self.total_actual, self.total_predicted, self.mae, self.rmse
        );
        s
    }
}

/// Compares `model`'s conditional expectations over each customer's `duration_holdout` with
/// the `frequency_holdout` actually observed. `data` holds the calibration summaries.
pub fn holdout_report(
    model: &FittedModel,
    data: &ClvData,
    frequency_holdout: &[f64],
    duration_holdout: &[f64],
) -> Result<HoldoutReport, ClvError> {
    let discrete = matches!(model, FittedModel::BgBb(_));
    data.validate_rft(model.model().name(), discrete)?;
    for (column, v) in [
        ("frequency_holdout", frequency_holdout),
        ("duration_holdout", duration_holdout),
    ] {
        if v.len() != data.len() {
            return Err(ClvError::LengthMismatch {
                column,
                expected: data.len(),
                got: v.len(),
            });
        }
        if let Some(row) = v.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
            return Err(crate::data::invalid(
                row,
                column,
                v[row],
                "must be finite and >= 0",
            ));
        }
    }
    let mut n = [0.0; BUCKETS];
    let mut act = [0.0; BUCKETS];
    let mut pred = [0.0; BUCKETS];
    let (mut abs, mut sq, mut total_w) = (0.0, 0.0, 0.0);
    for i in 0..data.len() {
        let w = data.weight(i);
        let x = data.frequency[i];
        let p = model.conditional_expected_purchases(
            duration_holdout[i],
            x,
            data.recency[i],
            data.t[i],
        )?;
        let a = frequency_holdout[i];
        let b = (x as usize).min(BUCKETS - 1);
        n[b] += w;
        act[b] += w * a;
        pred[b] += w * p;
        abs += w * (p - a).abs();
        sq += w * (p - a) * (p - a);
        total_w += w;
    }
    let buckets = (0..BUCKETS)
        .map(|b| HoldoutBucket {
            frequency: if b + 1 == BUCKETS {
                format!("{b}+")
            } else {
                b.to_string()
            },
            n_customers: n[b],
            actual_mean: if n[b] > 0.0 { act[b] / n[b] } else { 0.0 },
            predicted_mean: if n[b] > 0.0 { pred[b] / n[b] } else { 0.0 },
            actual_total: act[b],
            predicted_total: pred[b],
        })
        .collect();
    let tw = total_w.max(f64::MIN_POSITIVE);
    Ok(HoldoutReport {
        model: model.model().name().to_string(),
        n_customers: total_w,
        buckets,
        mae: abs / tw,
        rmse: (sq / tw).sqrt(),
        total_predicted: pred.iter().sum(),
        total_actual: act.iter().sum(),
    })
}
