//! Plain data shared by several steps: what a run used (indicators, weights, exclusions) and
//! the CLV parts row the CLV step hands to the feature table and the breakdown. Kept apart
//! from the behaviour modules so that none of them has to name another just for a type;
//! each type is re-exported where it was first defined (`engine`, `breakdown`, `plan`).

use serde::{Deserialize, Serialize};

use crate::scoring::NormParams;

/// The two scored dimensions an indicator belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Current,
    Potential,
}

/// Weights of one dimension as used, with where they came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DimensionWeights {
    pub dimension: Dimension,
    pub method: String,
    /// Where the weights come from, rendered in the reader's language.
    pub note: custval_i18n::Note,
    /// (indicator id, weight) in plan order.
    pub weights: Vec<(String, f64)>,
}

/// An indicator as used in a run: its definition and normalization parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorUsed {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    pub unit: String,
    pub dimension: Dimension,
    pub formula: String,
    pub params: NormParams,
    /// Weight within its dimension.
    pub weight: f64,
    /// Why the indicator was left out of this run (weight 0, its weight spread over the
    /// other indicators of its dimension); `None` when it was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
}

/// An indicator left out of a run because it tells no customer apart (issue 17).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedIndicator {
    pub id: String,
    pub why: String,
}

/// Where a customer's CLV margin comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarginFrom {
    /// Its own observed gross margin over the last 12 months.
    Customer,
    /// The company's observed gross margin (or 1, i.e. revenue, without cost of goods).
    Company,
    /// The configured `clv_margin`.
    Configured,
}

impl MarginFrom {
    /// The id used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            MarginFrom::Customer => "customer",
            MarginFrom::Company => "company",
            MarginFrom::Configured => "configured",
        }
    }
}

/// Where a customer's expected spend per purchase comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpendFrom {
    /// Gamma-Gamma's conditional expected spend.
    #[default]
    GammaGamma,
    /// Without a spend model: the customer's mean repeat-purchase spend.
    MeanRepeatSpend,
    /// Without a spend model and without a repeat purchase: its 12-month spend.
    Spend12m,
}

impl SpendFrom {
    /// The id used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            SpendFrom::GammaGamma => "gamma_gamma",
            SpendFrom::MeanRepeatSpend => "mean_repeat_spend",
            SpendFrom::Spend12m => "spend_12m",
        }
    }

    pub(crate) fn is_gamma_gamma(&self) -> bool {
        *self == SpendFrom::GammaGamma
    }
}

/// One customer's CLV parts as the prediction produced them (not in the feature columns).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClvPartsRow {
    /// Expected purchases over the horizon, undiscounted (P(alive) included).
    pub purchases: f64,
    /// The same, discounted.
    pub discounted: f64,
    /// Expected spend per purchase.
    pub spend: f64,
    pub spend_from: SpendFrom,
    pub margin: f64,
    pub margin_from: MarginFrom,
    /// Sales + service cost of the last 12 months (`NaN`: no cost data).
    pub cost_12m: f64,
    /// The P(alive) the cost is weighted by: the purchase model's own.
    pub cost_weight: f64,
}
