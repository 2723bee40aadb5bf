//! Small formatting and conversion helpers shared by the steps: a leaf module (it names no
//! other module of the crate but the error type), so that using one never ties two steps
//! together. `format_day` and `feature_label` are re-exported at the crate root.

use crate::error::EvalError;

/// ISO date of a day number.
pub fn format_day(d: custval_model::Day) -> String {
    custval_model::date::format_date(d)
}

/// English and Chinese label of a built-in feature (the id itself when unknown).
pub fn feature_label(id: &str) -> (String, String) {
    match custval_config::features::feature(id) {
        Some(f) => (f.label_en.to_string(), f.label_zh.to_string()),
        None => (id.to_string(), id.to_string()),
    }
}

/// `Some` for a finite value, `None` for a missing (`NaN`) or infinite one.
pub(crate) fn opt(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Rounds to 6 significant digits: explanations need no more, and JSON stays short.
pub(crate) fn round6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let mag = 10f64.powi(5 - x.abs().log10().floor() as i32);
    let r = (x * mag).round() / mag;
    if r.is_finite() { r } else { x }
}

/// A classification error as the crate's error.
pub(crate) fn ce(e: custval_classify::ClassifyError) -> EvalError {
    EvalError::Classify(e.to_string())
}

/// A figure in an explanation: whole numbers and large values without decimals, others with
/// three; `missing` when not finite.
pub(crate) fn fmt_value(v: f64) -> String {
    if !v.is_finite() {
        "missing".into()
    } else if (v.fract() == 0.0 && v.abs() < 1e15) || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}
