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
mod error;
pub mod features;
pub mod from_config;
mod frozen;
mod helpers;
pub mod hysteresis;
mod pipeline;
pub mod plan;
pub mod rescore;
pub mod scoring;
pub mod types;

pub use engine::{Evaluation, RunSummary, evaluate, evaluate_owned, evaluate_with};
pub use error::EvalError;
pub use helpers::{feature_label, format_day};

/// (year, month, day) of a day number.
pub fn civil(d: custval_model::Day) -> (i32, u32, u32) {
    custval_model::date::ymd_from_days(d)
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
