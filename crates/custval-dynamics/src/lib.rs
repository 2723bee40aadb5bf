//! Dynamic management (动态管理) and effect evaluation (效果评估): the computation behind
//! comparing evaluation runs.
//!
//! Every evaluation run is an immutable, dated snapshot. This crate takes what two runs (or a
//! run and the period after it) say about each customer and computes:
//! - [`migration`]: the migration matrix (迁移矩阵) between two runs — counts and value shares per
//!   (from tier, to tier) cell, with a `none` row and column for customers in only one run, and
//!   the customers behind any cell;
//! - [`hysteresis`]: the effective tier (等级) after a margin band and/or N consecutive runs, so
//!   customers do not flip tiers on noise, each decision explained, and the run's summary of
//!   suppressed changes;
//! - [`alerts`]: alert rules (预警) — key account dropped, P(alive) low, spend drop, payment
//!   delays growing, satisfaction falling, upgrade candidate — with evidence, severity and a
//!   suggested action;
//! - [`backtest`]: how well a score ranks the value realized afterwards (Gini, AUC, Spearman,
//!   lift by decile), also to compare scoring methods;
//! - [`kpi`]: class KPIs period over period and treated-vs-untreated differences with
//!   confidence intervals.
//!
//! # What it is not for
//! No store, no I/O, no clock, no randomness, no async: callers (the store, the CLI's
//! `custval migrations|alerts|backtest`, the report) load runs and pass plain values — `&str`
//! tier labels, `f64` with NaN for missing or `Option<f64>` — and persist what comes back.
//! Overrides, webhooks and scheduling of periodic runs live elsewhere.
//!
//! # Everything explains itself
//! Hysteresis decisions, alerts, matrices, backtests and KPI lines carry their figures and say
//! in English and Chinese what was decided and why ([`Explain`], or `explain_en(currency)`
//! where money needs a currency symbol). Rule ids and enum values are stable snake_case serde
//! names, and every configuration struct deserializes with defaults and rejects unknown fields.
//!
//! # Choices a newcomer would otherwise question
//! - **Gini on the "top 20% of realized value" label** ([`backtest`]): tiering exists to find the
//!   few customers who make most of the value (二八法则), so the measure asks how well the score
//!   finds them, not how well it orders the long tail. AUC is the Mann–Whitney U with ties
//!   counted half; Gini = 2·AUC − 1 (1 perfect, −1 reversed, ≈ 0 random).
//! - **Ties never favour input order**: ranks are averaged over ties (AUC, Spearman), and in
//!   lift by decile a tied group's value is spread evenly over the positions it occupies, so a
//!   decile boundary through a tie splits it proportionally. Missing predictions rank last.
//! - **Missing facts never raise an alert** ([`alerts`]): an alert is a claim that something
//!   happened, and an unknown figure is no evidence. A rule fires only when every number it
//!   compares is known; gaps belong in a data-quality report, not in the alert list.
//! - **Value share of customers who left** ([`migration`]) is their value in the previous run
//!   over that run's total (they have no value in the new run); all other cells use the new
//!   run's value, so those columns sum to 1.
//! - **Hysteresis rules combine as "beyond the margin for N consecutive runs"**; with margin 0
//!   and N = 1 the effective tier is always the raw tier.
//! - **Statistics are written by hand** ([`kpi`]): the Student-t quantile inverts a t CDF built on
//!   the regularized incomplete beta function, checked against published t-table values and
//!   against R's Welch test on Student's sleep data.
//!
//! Scale: migration and alerts are O(n) with hashing; backtests sort (O(n log n)). One million
//! customers per run is the design point.

pub mod alerts;
pub mod backtest;
pub mod explain;
mod hash;
pub mod hysteresis;
pub mod kpi;
pub mod migration;
mod stats;

pub use alerts::{
    Alert, AlertConfig, AlertContext, AlertRule, CustomerFacts, CutoffAmong, Evidence,
    KeyAccountDroppedRule, Materiality, MaterialityRule, PAliveLowRule, PaymentDelayRule,
    SatisfactionRule, Severity, SpendDropRule, StakeBasis, UpgradeCandidateRule, ValueClass,
    alerts_for_customer, alerts_for_run, customer_value, materiality, upgrade_cutoff,
    upgrade_cutoff_of,
};
pub use backtest::{
    MethodQuality, RankQuality, RankingComparison, TOP_FRACTION, compare_rankings, rank_quality,
};
pub use explain::Explain;
pub use hysteresis::{
    Direction, HysteresisConfig, HysteresisInput, HysteresisSummary, KeptBecause, MarginTest,
    PairEffect, TierDecision, TierOutcome, TierScale, apply_hysteresis, summarize_hysteresis,
};
pub use kpi::{
    ClassKpi, ClassKpis, ClassOutcome, EffectConfig, KpiChange, MeanDifference,
    ProportionDifference, class_kpis, kpi_changes, proportion_difference, welch_difference,
};
pub use migration::{Migration, NONE, TierEntry, cell_members, migration_matrix};

/// Errors from inputs and configuration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DynamicsError {
    /// No tier labels were given.
    #[error("no tiers given")]
    NoTiers,
    /// A tier label is reserved (`none` marks customers present in only one run).
    #[error("tier label {0:?} is reserved")]
    ReservedTier(String),
    /// A tier label appears twice.
    #[error("tier {0:?} is listed more than once")]
    DuplicateTier(String),
    /// A tier label is not among the given tiers.
    #[error("tier {tier:?} (customer {customer_id:?}) is not one of the given tiers")]
    UnknownTier { tier: String, customer_id: String },
    /// A customer id appears twice in one run.
    #[error("customer {customer_id:?} appears more than once in the {run} run")]
    DuplicateCustomer {
        run: &'static str,
        customer_id: String,
    },
    /// Two per-customer inputs disagree in length.
    #[error("{what} has {got} entries but {expected} were expected")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// A configuration value is outside its allowed range.
    #[error("{field} = {value} is invalid: {reason}")]
    Config {
        field: &'static str,
        value: f64,
        reason: &'static str,
    },
    /// An input that must be finite is not.
    #[error("{what} at index {index} is {value}, not a finite number")]
    NotFinite {
        what: &'static str,
        index: usize,
        value: f64,
    },
    /// Too few observations to compute a statistic.
    #[error("{what} needs at least {needed} observations, got {got}")]
    TooFew {
        what: &'static str,
        needed: usize,
        got: usize,
    },
}
