//! Dynamic management (动态管理) and effect evaluation (效果评估): the computation behind
//! comparing evaluation runs.
//!
//! TODO(header): full design notes are written once all modules exist.

pub mod alerts;
pub mod backtest;
pub mod explain;
pub mod hysteresis;
pub mod kpi;
pub mod migration;
mod stats;

pub use alerts::{
    Alert, AlertConfig, AlertContext, AlertRule, CustomerFacts, CutoffAmong, Evidence,
    KeyAccountDroppedRule, PAliveLowRule, PaymentDelayRule, SatisfactionRule, Severity,
    SpendDropRule, UpgradeCandidateRule, ValueClass, alerts_for_customer, alerts_for_run,
    upgrade_cutoff,
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
