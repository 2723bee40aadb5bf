//! The evaluation engine: given a company's data as of a date and a plan (the resolved
//! `custval.toml`), compute every customer's features, indicators, current-value, potential
//! and total scores, classes, CLV and recommended actions, each with what explains it.
//!
//! Pure computation: no I/O, no clock, no database. The store loads a
//! [`custval_model::Dataset`]; this crate turns it into [`custval_model::CustomerResult`]s and
//! a [`RunSummary`]; the store saves both as one immutable run. The same engine serves a full
//! evaluation ([`evaluate`]), a backtest on past dates, and a provisional update of a few
//! customers between two runs ([`rescore`], with the run's parameters frozen).
//!
//! Design choices: features are a typed table (one [`features::Feature`] per column; names
//! only at the configuration's edge); the plan is the engine's own form of a configuration,
//! with formulas as compiled closures over numeric slots; details are built on demand, batch
//! by batch, because a million of them do not fit in memory at once; the modules form no
//! cycle: shared types, the error and small helpers sit in leaf modules.
//!
//! Modules, in the order a run uses them:
//! - [`plan`]: what to compute; [`from_config`]: a validated `custval.toml` as a plan;
//! - [`features`]: built-in per-customer figures as of the date (no leakage);
//! - [`clv`]: the purchase and spend models, P(alive), expected purchases and CLV;
//! - [`accounts`]: wallet, cross-sell and risk from `custval-accounts`;
//! - `pipeline` (internal): indicator columns, normalization and scores, shared by the
//!   engine, [`calibrate`] and [`rescore`];
//! - [`scoring`]: normalizations and points; [`calibrate`]: weights fitted on the company's own
//!   history;
//! - [`classes`]: tiers, classes, budget and the stored result; [`hysteresis`]: tiers kept
//!   against the previous run;
//! - [`details`]: the per-customer explanation, built on demand; [`breakdown`]: what a CLV
//!   and a 12-month profit are made of;
//! - [`engine`]: the steps in order; `frozen` (internal, re-exported by [`rescore`]): the
//!   run's population figures a provisional update reuses; [`rescore`]: that update;
//! - [`progress`]: the steps of a run as a front end shows them, and the hook they are
//!   reported to (no-op by default);
//! - [`types`]: plain data several steps share; `error` and `helpers` (internal): the error
//!   type and small formatting helpers, re-exported here.

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
pub mod progress;
pub mod reasons;
pub mod rescore;
pub mod scoring;
pub mod types;

pub use engine::{
    Evaluation, RunSummary, evaluate, evaluate_owned, evaluate_reporting, evaluate_with,
};
pub use error::EvalError;
pub use helpers::{feature_label, format_day};
pub use progress::{NoProgress, Progress, Step};

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
