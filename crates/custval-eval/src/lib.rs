//! The evaluation engine: given a company's data as of a date and a plan (the resolved
//! `custval.toml`), compute every customer's features, indicators, current-value, potential
//! and total scores, classes, CLV and recommended actions, each with what explains it.
//!
//! Pure computation: no I/O, no clock, no database. The store loads a
//! [`custval_model::Dataset`]; this crate turns it into [`custval_model::CustomerResult`]s and
//! a [`engine::RunSummary`]; the store saves both as one immutable run. That split is what
//! lets the same engine serve a full evaluation, a backtest on past dates, and (later) an
//! incremental update of a few customers.
//!
//! Module map: [`features`] (built-in per-customer figures), [`clv`] (probabilistic models),
//! [`scoring`] (normalization and points), [`plan`] (what to compute), [`classes`] (classes,
//! actions, budget, the stored detail), [`engine`] (the steps in order).

pub mod accounts;
pub mod breakdown;
pub mod calibrate;
pub mod classes;
pub mod clv;
pub mod details;
pub mod engine;
pub mod features;
pub mod from_config;
pub mod hysteresis;
pub mod plan;
pub mod rescore;
pub mod scoring;

pub use engine::{Evaluation, RunSummary, evaluate, evaluate_owned, evaluate_with};

/// Why an evaluation could not be completed. Nothing is stored when one occurs.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("there are no customers as of this date; import transactions or customers first")]
    NoCustomers,
    #[error("weights: {0}")]
    Weights(String),
    #[error("classification: {0}")]
    Classify(String),
    #[error("plan: {0}")]
    Plan(String),
}

/// ISO date of a day number.
pub fn format_day(d: custval_model::Day) -> String {
    custval_model::date::format_date(d)
}

/// (year, month, day) of a day number.
pub fn civil(d: custval_model::Day) -> (i32, u32, u32) {
    custval_model::date::ymd_from_days(d)
}

/// English and Chinese label of a built-in feature (the id itself when unknown).
pub fn feature_label(id: &str) -> (String, String) {
    match custval_config::features::feature(id) {
        Some(f) => (f.label_en.to_string(), f.label_zh.to_string()),
        None => (id.to_string(), id.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_format_as_iso_dates() {
        assert_eq!(super::format_day(0), "1970-01-01");
        assert_eq!(super::format_day(19_723), "2024-01-01");
        assert_eq!(super::format_day(-1), "1969-12-31");
    }

    #[test]
    fn engine_features_are_the_configs_builtin_features() {
        let ours: Vec<&str> = super::features::FEATURES.to_vec();
        let theirs: Vec<&str> = custval_config::features::BUILTIN_FEATURES
            .iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(ours, theirs);
    }
}
