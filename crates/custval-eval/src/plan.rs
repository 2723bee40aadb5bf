//! The evaluation plan: the engine's own, resolved form of a configuration.
//!
//! Why not read `custval-config` types directly: the engine should be testable with a plan
//! built in code, and the configuration format should be free to evolve (new spellings, new
//! sugar) without touching the computation. `custval-config` validates a `custval.toml`;
//! `from_config` turns the validated config into a [`Plan`], in which formulas
//! are compiled closures over numeric *slots*: first every built-in feature in
//! [`crate::features::FEATURES`] order, then every indicator in plan order. String variables
//! have the slots of [`STRING_VARS`].

use std::sync::Arc;

use custval_i18n::Note;
use serde::{Deserialize, Serialize};

use crate::clv::ClvSettings;
use crate::scoring::{Direction, Missing, Norm};
pub use crate::types::Dimension;

/// String variables an action rule can test, in slot order.
pub const STRING_VARS: &[&str] = &[
    "tier",
    "value_class",
    "potential_tier",
    "lifecycle",
    "profit_loyalty",
    "industry",
    "region",
    "size",
    "owner",
    "rfm_segment",
];

/// A numeric formula over the numeric and string slots; returns `NaN` for missing.
pub type NumFn = Arc<dyn Fn(&[f64], &[&str]) -> f64 + Send + Sync>;
/// A condition over the numeric and string slots.
pub type BoolFn = Arc<dyn Fn(&[f64], &[&str]) -> bool + Send + Sync>;

/// One indicator of the indicator system.
#[derive(Clone)]
pub struct IndicatorPlan {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    pub unit: String,
    pub dimension: Dimension,
    pub direction: Direction,
    pub norm: Norm,
    pub missing: Missing,
    /// The formula as written, for explanations.
    pub formula_text: String,
    pub formula: NumFn,
}

/// How a dimension's weights are obtained.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum WeightPlan {
    /// Given weights (expert scoring or AHP), one per indicator of the dimension in plan
    /// order, with a note on where they come from (e.g. "AHP, CR = 0.03").
    Given {
        weights: Vec<f64>,
        note: Note,
    },
    Entropy,
    Critic,
    /// `alpha` × the given weights + (1 − alpha) × the objective ones.
    Combined {
        subjective: Vec<f64>,
        note: Note,
        objective: Objective,
        alpha: f64,
    },
    /// `alpha` × the prior (given) weights + (1 − alpha) × weights fitted to rank the net
    /// spend of the `horizon_days` after an earlier as-of date (the `calibrate` module).
    Calibrated {
        prior: Vec<f64>,
        note: Note,
        alpha: f64,
        horizon_days: i32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    Entropy,
    Critic,
}

/// ABC tiers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TierPlan {
    /// A feature or indicator id, or "score".
    pub basis: String,
    /// Cut by cumulative share of customers instead of value.
    pub by_count: bool,
    pub a: f64,
    pub b: f64,
    /// Whether a loss-making customer (negative net contribution or CLV) may be in tier A;
    /// false: capped at B.
    #[serde(default)]
    pub loss_makers_top_tier: bool,
}

/// Class settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassPlan {
    pub value_high_quantile: f64,
    pub potential_high_quantile: f64,
    pub potential_tier_high: f64,
    pub potential_tier_medium: f64,
    pub cluster_features: Vec<String>,
    pub k_min: usize,
    pub k_max: usize,
    pub seed: u64,
    pub profit_quantile: f64,
    pub loyalty_quantile: f64,
    pub lifecycle: custval_classify::LifecycleThresholds,
    pub profit_measure: String,
    pub loyalty_measure: String,
}

/// A playbook: what the company does for one class.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlaybookPlan {
    /// A [`STRING_VARS`] name, e.g. `value_class`.
    pub variable: String,
    pub value: String,
    /// (field, English, Chinese), e.g. ("service_level", "Dedicated team", "专属团队").
    pub fields: Vec<(String, String, String)>,
    /// Action family (see [`ActionPlan::family`]).
    #[serde(default)]
    pub family: Option<String>,
}

/// A per-customer action rule.
#[derive(Clone)]
pub struct ActionPlan {
    pub id: String,
    pub when_text: String,
    pub when: BoolFn,
    /// Numeric and string variables the condition reads (for the reason).
    pub variables: Vec<String>,
    pub text_en: String,
    pub text_zh: String,
    pub priority: i64,
    /// Actions of one family are alternatives: a customer keeps only the most urgent firing
    /// one (rules before playbooks), which names those it overrode.
    pub family: Option<String>,
}

/// Budget allocation across the values of one class variable.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BudgetPlan {
    pub total: f64,
    /// "value" (12-month spend) or "clv".
    pub basis: String,
    /// A [`STRING_VARS`] name.
    pub by: String,
}

/// Everything an evaluation needs besides the data.
#[derive(Clone)]
pub struct Plan {
    pub indicators: Vec<IndicatorPlan>,
    pub weights_current: WeightPlan,
    pub weights_potential: WeightPlan,
    pub current_weight: f64,
    pub potential_weight: f64,
    pub clv: ClvSettings,
    pub tiers: TierPlan,
    pub classes: ClassPlan,
    pub playbooks: Vec<PlaybookPlan>,
    pub actions: Vec<ActionPlan>,
    pub budget: Option<BudgetPlan>,
    /// When a tier may change against the previous run (off when there is none).
    pub hysteresis: custval_dynamics::HysteresisConfig,
    /// Alert rules, applied by the caller that knows the previous run.
    pub alerts: custval_dynamics::AlertConfig,
    /// Where alerts are posted (`None`: no delivery) and the lowest severity posted.
    pub webhook: Option<(String, String)>,
    /// Key accounts: plan tiers, wallet, cross-sell, SWOT and risk settings.
    pub accounts: custval_config::Accounts,
}
