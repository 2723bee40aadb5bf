//! The `custval.toml` schema: plain serde types the engine reads.
//!
//! Design choices:
//! - Every struct denies unknown fields, so `normalisation = …` or `[weight.current]` is an
//!   error with its line rather than a silently ignored setting.
//! - Every section and field has a default equal to the shipped default configuration
//!   (a test checks they agree), so a minimal file works; the list sections (indicators,
//!   weights, playbooks, actions) are filled in by [`crate::parse`] when absent.
//! - Weights are one flat struct per dimension with a `method` and the fields each method
//!   uses, rather than a tagged enum: serde's tagged enums lose the TOML spans, and a flat
//!   struct lets validation say exactly which field a method is missing.
//! - No spans are stored in these types: they stay plain data for the engine and for tests
//!   that build a config in code. Lines are found by key path in the source text instead
//!   (see [`crate::error`]).

use std::collections::BTreeMap;
use std::fmt;

use custval_weights::ahp::RiTable;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::features;

/// The whole evaluation system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[evaluation]`: CLV model and how the two dimensions combine.
    #[serde(default)]
    pub evaluation: Evaluation,
    /// `[tiers]`: ABC tiers.
    #[serde(default)]
    pub tiers: Tiers,
    /// `[classes]`: value × potential, potential tiers, clusters, lifecycle, profit × loyalty.
    #[serde(default)]
    pub classes: Classes,
    /// `[[indicator]]` blocks, in file order (formulas may use indicators above them).
    #[serde(rename = "indicator", default)]
    pub indicators: Vec<Indicator>,
    /// `[weights.current]` and `[weights.potential]`.
    #[serde(default)]
    pub weights: Weights,
    /// `[budget]`: marketing and service budget allocation.
    #[serde(default)]
    pub budget: Budget,
    /// `[[playbook]]` blocks: what the company does for each class.
    #[serde(rename = "playbook", default)]
    pub playbooks: Vec<Playbook>,
    /// `[[action]]` blocks: per-customer recommended actions.
    #[serde(rename = "action", default)]
    pub actions: Vec<Action>,
    /// `[hysteresis]`: when a customer's tier may change between runs.
    #[serde(default)]
    pub hysteresis: custval_dynamics::HysteresisConfig,
    /// `[alerts.<rule>]`: the alert rules a run applies against the previous run.
    #[serde(default)]
    pub alerts: custval_dynamics::AlertConfig,
    /// `[webhook]`: where `custval alerts --deliver` posts a run's alerts.
    #[serde(default)]
    pub webhook: Webhook,
    /// `[accounts]`: key-account management (wallet estimates, cross-sell, SWOT, risk).
    #[serde(default)]
    pub accounts: Accounts,
    /// `[ui]`: the language of outputs and the currency of amounts.
    #[serde(default)]
    pub ui: Ui,
}

/// `[ui]`: how every output reads — the CLI's tables and messages, the report, the web app's
/// default — whatever the data: the language, and the currency the store's amounts are in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ui {
    /// `en` or `zh`; a command's `--lang` wins.
    pub lang: UiLang,
    /// ISO 4217 code of the amounts (`CNY`, `USD`, `EUR`, …): three upper-case letters.
    pub currency: String,
}

impl Default for Ui {
    fn default() -> Ui {
        Ui {
            lang: UiLang::En,
            currency: "CNY".to_string(),
        }
    }
}

/// `[accounts]`: which customers get account plans, and the key-account computations'
/// settings (`[accounts.wallet]`, `[accounts.cross_sell]`, `[accounts.swot]`, `[accounts.risk]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Accounts {
    /// Tiers whose customers get an account plan with SWOT suggestions.
    pub plan_tiers: Vec<String>,
    pub wallet: custval_accounts::WalletConfig,
    pub cross_sell: custval_accounts::CrossSellConfig,
    pub swot: custval_accounts::SwotConfig,
    pub risk: custval_accounts::RiskConfig,
}

impl Default for Accounts {
    fn default() -> Accounts {
        Accounts {
            plan_tiers: vec!["A".to_string()],
            wallet: Default::default(),
            cross_sell: Default::default(),
            swot: Default::default(),
            risk: Default::default(),
        }
    }
}

impl Accounts {
    /// The computations' settings as one value.
    pub fn settings(&self) -> custval_accounts::AccountsConfig {
        custval_accounts::AccountsConfig {
            wallet: self.wallet,
            cross_sell: self.cross_sell,
            swot: self.swot,
            risk: self.risk,
        }
    }
}

/// `[webhook]`: an HTTP endpoint that receives a run's alerts as one JSON POST.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Webhook {
    /// `http://` or `https://` URL; empty for none.
    pub url: String,
    /// Lowest severity sent: `info`, `warning` (the default) or `critical`.
    pub min_severity: Option<String>,
}

impl Default for Webhook {
    fn default() -> Webhook {
        Webhook {
            url: String::new(),
            min_severity: Some("warning".to_string()),
        }
    }
}

/// Declares a snake_case enum with `as_str`, `ALL` and `Display`.
macro_rules! names {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in the TOML file.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names! {
    /// Language of the outputs meant for people (JSON and CSV keep their ids in any).
    UiLang {
        /// English.
        En = "en",
        /// Simplified Chinese (简体中文).
        Zh = "zh",
    }
}

names! {
    /// Purchase model for CLV and P(alive).
    ClvModel {
        /// Chosen per run among BG/NBD, MBG/NBD and Pareto/NBD by holdout error, then
        /// likelihood (the run summary says which and why).
        Auto = "auto",
        /// BG/NBD (Fader, Hardie & Lee 2005).
        Bgnbd = "bgnbd",
        /// MBG/NBD (Batislam et al. 2007).
        Mbgnbd = "mbgnbd",
        /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
        Pnbd = "pnbd",
    }
}

names! {
    /// Time unit of the CLV fit.
    TimeUnit {
        /// Days.
        Day = "day",
        /// Weeks (days / 7).
        Week = "week",
        /// Months (days / 30.4375).
        Month = "month",
    }
}

names! {
    /// How ABC tiers are cut.
    TierMethod {
        /// By cumulative share of the basis: A while the running total is within `a` of the
        /// grand total, B within `b`, C after.
        CumulativeShare = "cumulative_share",
        /// By share of customers: the first `a` of customers (sorted by the basis) are A, up
        /// to `b` B, the rest C.
        Count = "count",
    }
}

names! {
    /// The two dimensions of customer value.
    Dimension {
        /// Current value (当前价值).
        Current = "current",
        /// Future potential (未来潜力).
        Potential = "potential",
    }
}

names! {
    /// Whether more of an indicator is better.
    Direction {
        /// More is better.
        Benefit = "benefit",
        /// Less is better.
        Cost = "cost",
    }
}

names! {
    /// How an indicator is brought to 0..1 before weighting.
    Normalization {
        /// (x − min) / (max − min).
        Minmax = "minmax",
        /// Percentile rank.
        Rank = "rank",
        /// Standard score (the engine maps it to 0..1).
        Zscore = "zscore",
        /// ln(1 + x), then min-max: for skewed amounts.
        LogMinmax = "log_minmax",
        /// Already in 0..1 (rates, probabilities).
        None = "none",
    }
}

names! {
    /// What a customer without a value of the indicator gets.
    MissingRule {
        /// The raw value 0.
        Zero = "zero",
        /// The median of the customers who have a value.
        Median = "median",
        /// The minimum observed value.
        Min = "min",
        /// The lowest normalized score (0, whatever the direction).
        Worst = "worst",
        /// Left out: the indicator's weight is spread over the customer's other indicators.
        Exclude = "exclude",
    }
}

names! {
    /// How a dimension's weights are obtained.
    WeightMethod {
        /// Given directly in `expert` (专家打分法).
        Expert = "expert",
        /// Pairwise comparison matrix (层次分析法).
        Ahp = "ahp",
        /// Entropy weights from the data (熵权法).
        Entropy = "entropy",
        /// CRITIC weights from the data.
        Critic = "critic",
        /// `alpha` × subjective + (1 − alpha) × objective.
        Combined = "combined",
        /// Every indicator the same weight.
        Equal = "equal",
        /// `alpha` × the `prior` weights (expert or AHP) + (1 − alpha) × weights fitted on an
        /// earlier as-of date to rank the following period's net spend, with an out-of-time
        /// check (issue 17).
        Calibrated = "calibrated",
    }
}

names! {
    /// The subjective half of combined weights.
    Subjective {
        /// The `expert` table.
        Expert = "expert",
        /// The `order` + `matrix` AHP.
        Ahp = "ahp",
    }
}

names! {
    /// The objective half of combined weights (or an objective method alone).
    Objective {
        /// Entropy weights.
        Entropy = "entropy",
        /// CRITIC weights.
        Critic = "critic",
    }
}

names! {
    /// What the budget is allocated in proportion to.
    BudgetBasis {
        /// The classes' 12-month spend.
        Value = "value",
        /// The classes' predicted CLV.
        Clv = "clv",
    }
}

/// The profit margin used for CLV.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Margin {
    /// Each customer's observed gross margin from cost data; 1.0 without cost data.
    #[default]
    Observed,
    /// A fixed margin in (0, 1].
    Fixed(f64),
}

impl Serialize for Margin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Margin::Observed => s.serialize_str("observed"),
            Margin::Fixed(v) => s.serialize_f64(*v),
        }
    }
}

impl<'de> Deserialize<'de> for Margin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Margin;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"observed\" or a number in (0, 1]")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Margin, E> {
                if v == "observed" {
                    Ok(Margin::Observed)
                } else {
                    Err(E::custom(format!(
                        "margin must be \"observed\" or a number in (0, 1], found \"{v}\""
                    )))
                }
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Margin, E> {
                Ok(Margin::Fixed(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Margin, E> {
                Ok(Margin::Fixed(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Margin, E> {
                Ok(Margin::Fixed(v as f64))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `[evaluation]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Evaluation {
    /// Purchase model (default `auto`: chosen per run by holdout error and likelihood).
    pub clv_model: ClvModel,
    /// CLV horizon in months, 1..=120 (default 12).
    pub clv_horizon_months: u32,
    /// Annual discount rate in [0, 1) (default 0.10).
    pub annual_discount_rate: f64,
    /// Time unit of the CLV fit (default `week`).
    pub time_unit: TimeUnit,
    /// Profit margin for CLV (default observed).
    pub margin: Margin,
    /// Weight of the current value score in the total score (default 0.6).
    pub current_weight: f64,
    /// Weight of the potential score (default 0.4); the two add up to 1.
    pub potential_weight: f64,
}

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation {
            clv_model: ClvModel::Auto,
            clv_horizon_months: 12,
            annual_discount_rate: 0.10,
            time_unit: TimeUnit::Week,
            margin: Margin::Observed,
            current_weight: 0.6,
            potential_weight: 0.4,
        }
    }
}

/// `[tiers]`: ABC by a value basis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tiers {
    /// A numeric feature, an indicator id, or a result variable (`score`, …); default
    /// `spend_12m`.
    pub basis: String,
    /// Default `cumulative_share`.
    pub method: TierMethod,
    /// Upper cut of A, in (0, 1) (default 0.80).
    pub a: f64,
    /// Upper cut of B, in (a, 1] (default 0.95).
    pub b: f64,
    /// Whether a loss-making customer (net contribution or predicted CLV below zero) may be in
    /// tier A; false (the default): it is capped at B, and its tier rule says so.
    pub loss_makers_top_tier: bool,
}

impl Default for Tiers {
    fn default() -> Self {
        Tiers {
            basis: "spend_12m".into(),
            method: TierMethod::CumulativeShare,
            a: 0.80,
            b: 0.95,
            loss_makers_top_tier: false,
        }
    }
}

/// `[classes]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Classes {
    /// Current value scores at or above this quantile are `most_valuable` (0.8).
    pub value_high_quantile: f64,
    /// Potential scores at or above this quantile are high potential (0.7).
    pub potential_high_quantile: f64,
    /// Share of customers in the high potential tier (0.2).
    pub potential_tier_high: f64,
    /// Share of customers in the medium potential tier (0.3); the rest are low.
    pub potential_tier_medium: f64,
    /// Features or indicators for k-means clustering.
    pub cluster_features: Vec<String>,
    /// Fewest clusters tried (2).
    pub k_min: u32,
    /// Most clusters tried (8).
    pub k_max: u32,
    /// Seed of the clustering (42).
    pub seed: u64,
    /// Profit axis of the profitability × loyalty matrix (`net_contribution_12m`).
    pub profit_measure: String,
    /// Loyalty axis (`tenure_days`).
    pub loyalty_measure: String,
    /// Profit at or above this quantile is high (0.5).
    pub profit_quantile: f64,
    /// Loyalty at or above this quantile is long-term (0.5).
    pub loyalty_quantile: f64,
    /// `[classes.lifecycle]` thresholds.
    pub lifecycle: Lifecycle,
}

impl Default for Classes {
    fn default() -> Self {
        Classes {
            value_high_quantile: 0.8,
            potential_high_quantile: 0.7,
            potential_tier_high: 0.2,
            potential_tier_medium: 0.3,
            cluster_features: [
                "recency_days",
                "orders_12m",
                "spend_12m",
                "aov_12m",
                "categories_12m",
                "tenure_days",
            ]
            .map(String::from)
            .to_vec(),
            k_min: 2,
            k_max: 8,
            seed: 42,
            profit_measure: "net_contribution_12m".into(),
            loyalty_measure: "tenure_days".into(),
            profit_quantile: 0.5,
            loyalty_quantile: 0.5,
            lifecycle: Lifecycle::default(),
        }
    }
}

/// `[classes.lifecycle]`: thresholds of the lifecycle rules (first match wins: prospect,
/// new, churned, declining, loyal, growing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Lifecycle {
    /// A first order at most this many days ago makes a customer new (90).
    pub new_days: f64,
    /// P(alive) below this is churned (0.15).
    pub churn_p_alive: f64,
    /// No order for more than this many days is churned (540).
    pub churn_recency_days: f64,
    /// P(alive) below this is declining (0.5).
    pub decline_p_alive: f64,
    /// Six-month spend growth below this is declining (−0.3).
    pub decline_spend_growth: f64,
    /// Loyal needs at least this tenure in days (730).
    pub loyal_tenure_days: f64,
    /// Loyal needs at least this many orders in 12 months (4).
    pub loyal_orders_12m: u32,
    /// Loyal needs at least this P(alive) (0.7).
    pub loyal_p_alive: f64,
    /// Recency above this many expected gaps between orders (the customer's own mean gap,
    /// else the base's median) is lapsed: declining (2).
    pub lapse_ratio: f64,
    /// With no order in the last 12 months, recency above this many expected gaps is
    /// churned (4).
    pub churn_ratio: f64,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle {
            new_days: 90.0,
            churn_p_alive: 0.15,
            churn_recency_days: 540.0,
            decline_p_alive: 0.5,
            decline_spend_growth: -0.3,
            loyal_tenure_days: 730.0,
            loyal_orders_12m: 4,
            loyal_p_alive: 0.7,
            lapse_ratio: 2.0,
            churn_ratio: 4.0,
        }
    }
}

/// One `[[indicator]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Unique snake_case id; later formulas may use it.
    pub id: String,
    /// English label (defaults to the built-in feature's label, else the id).
    #[serde(default)]
    pub name: String,
    /// Chinese label.
    #[serde(default)]
    pub name_zh: String,
    /// Current value or potential.
    pub dimension: Dimension,
    /// The formula; `None` means the built-in feature named like the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// Default `benefit`.
    #[serde(default = "benefit")]
    pub direction: Direction,
    /// Default `minmax`.
    #[serde(default = "minmax")]
    pub normalization: Normalization,
    /// Default `zero`.
    #[serde(default = "zero")]
    pub missing: MissingRule,
    /// Unit shown in reports.
    #[serde(default)]
    pub unit: String,
    /// Free-text definition for reports.
    #[serde(default)]
    pub description: String,
}

fn benefit() -> Direction {
    Direction::Benefit
}
fn minmax() -> Normalization {
    Normalization::Minmax
}
fn zero() -> MissingRule {
    MissingRule::Zero
}

impl Indicator {
    /// The formula text: the one given, or the id (a built-in feature).
    pub fn formula_text(&self) -> &str {
        self.formula.as_deref().unwrap_or(&self.id)
    }

    /// English label: `name`, else the built-in feature's label, else the id.
    pub fn label_en(&self) -> &str {
        match (self.name.is_empty(), features::feature(&self.id)) {
            (false, _) => &self.name,
            (true, Some(f)) => f.label_en,
            (true, None) => &self.id,
        }
    }

    /// Chinese label: `name_zh`, else the built-in feature's label, else the English label.
    pub fn label_zh(&self) -> &str {
        match (self.name_zh.is_empty(), features::feature(&self.id)) {
            (false, _) => &self.name_zh,
            (true, Some(f)) => f.label_zh,
            (true, None) => self.label_en(),
        }
    }
}

/// `[weights]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    /// `[weights.current]`.
    pub current: DimensionWeights,
    /// `[weights.potential]`.
    pub potential: DimensionWeights,
}

impl Weights {
    /// The block of one dimension.
    pub fn get(&self, dimension: Dimension) -> &DimensionWeights {
        match dimension {
            Dimension::Current => &self.current,
            Dimension::Potential => &self.potential,
        }
    }
}

/// `[weights.<dimension>]`: the method and the fields it uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DimensionWeights {
    /// Default `equal`.
    pub method: WeightMethod,
    /// Indicator id → weight, for `expert` (or `combined` with `subjective = "expert"`);
    /// exactly the dimension's indicators, summing to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expert: Option<BTreeMap<String, f64>>,
    /// Indicator ids in the order of the AHP matrix rows; exactly the dimension's indicators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<String>>,
    /// The AHP comparison matrix in custval-weights' text form (rows by line breaks or `;`,
    /// entries by spaces, fractions like `1/3`, `?` for a missing judgement).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matrix: Option<String>,
    /// Random-index table for the consistency ratio (default `saaty`).
    pub ri: RiTable,
    /// For `combined`: the subjective weights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subjective: Option<Subjective>,
    /// For `combined`: the objective weights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<Objective>,
    /// For `combined`: share of the subjective weights, in [0, 1] (default 0.5); for
    /// `calibrated`: share of the prior weights.
    pub alpha: f64,
    /// For `calibrated`: the judgement the fitted weights are blended with (`expert` or
    /// `ahp`, whose fields must then be given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior: Option<Subjective>,
    /// For `calibrated`: the period whose net spend the weights are fitted to rank, in days
    /// (default 365; shortened to a third of the history when the history is shorter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub horizon_days: Option<u32>,
}

impl Default for DimensionWeights {
    fn default() -> Self {
        DimensionWeights {
            method: WeightMethod::Equal,
            expert: None,
            order: None,
            matrix: None,
            ri: RiTable::Saaty,
            subjective: None,
            objective: None,
            alpha: 0.5,
            prior: None,
            horizon_days: None,
        }
    }
}

/// `[budget]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Budget {
    /// Total budget to allocate, ≥ 0 (0 disables the allocation); default 1 000 000.
    pub total: f64,
    /// Allocate in proportion to value or CLV (default `value`).
    pub basis: BudgetBasis,
    /// The class variable whose values share the budget (default `value_class`).
    pub by: String,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            total: 1_000_000.0,
            basis: BudgetBasis::Value,
            by: "value_class".into(),
        }
    }
}

/// One `[[playbook]]`: what the company does for the customers of one class. Every text has
/// an English and a Chinese version; empty means "nothing specific".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// `"<variable>:<value>"`, e.g. `"value_class:most_valuable"`, `"tier:A"`.
    pub class: String,
    /// The goal for the class (e.g. retain, grow, win back).
    #[serde(default)]
    pub goal: String,
    /// Chinese goal.
    #[serde(default)]
    pub goal_zh: String,
    /// Service level.
    #[serde(default)]
    pub service_level: String,
    /// Chinese service level.
    #[serde(default)]
    pub service_level_zh: String,
    /// How often to contact the customer.
    #[serde(default)]
    pub contact_frequency: String,
    /// Chinese contact frequency.
    #[serde(default)]
    pub contact_frequency_zh: String,
    /// Account-manager assignment.
    #[serde(default)]
    pub account_manager: String,
    /// Chinese account-manager assignment.
    #[serde(default)]
    pub account_manager_zh: String,
    /// Pricing and discount policy.
    #[serde(default)]
    pub discount_policy: String,
    /// Chinese pricing and discount policy.
    #[serde(default)]
    pub discount_policy_zh: String,
    /// Cross-sell and up-sell.
    #[serde(default)]
    pub cross_sell: String,
    /// Chinese cross-sell and up-sell.
    #[serde(default)]
    pub cross_sell_zh: String,
    /// Retention or win-back.
    #[serde(default)]
    pub retention: String,
    /// Chinese retention or win-back.
    #[serde(default)]
    pub retention_zh: String,
    /// Criteria for strategic abandonment.
    #[serde(default)]
    pub abandonment: String,
    /// Chinese criteria for strategic abandonment.
    #[serde(default)]
    pub abandonment_zh: String,
    /// The action family of the playbook's action (see [`Action::family`]): a playbook yields
    /// to a firing `[[action]]` of its family, and to an earlier playbook of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

impl Playbook {
    /// The class as (variable, value), if `class` has the `variable:value` form.
    pub fn class_parts(&self) -> Option<(&str, &str)> {
        let (var, value) = self.class.split_once(':')?;
        Some((var.trim(), value.trim()))
    }

    /// The non-empty fields as (field name, English, Chinese), in documentation order.
    pub fn fields(&self) -> Vec<(&'static str, &str, &str)> {
        [
            ("goal", &self.goal, &self.goal_zh),
            ("service_level", &self.service_level, &self.service_level_zh),
            (
                "contact_frequency",
                &self.contact_frequency,
                &self.contact_frequency_zh,
            ),
            (
                "account_manager",
                &self.account_manager,
                &self.account_manager_zh,
            ),
            (
                "discount_policy",
                &self.discount_policy,
                &self.discount_policy_zh,
            ),
            ("cross_sell", &self.cross_sell, &self.cross_sell_zh),
            ("retention", &self.retention, &self.retention_zh),
            ("abandonment", &self.abandonment, &self.abandonment_zh),
        ]
        .into_iter()
        .filter(|(_, en, zh)| !en.is_empty() || !zh.is_empty())
        .map(|(name, en, zh)| (name, en.as_str(), zh.as_str()))
        .collect()
    }
}

/// One `[[action]]`: a rule recommending an action to the customers it matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Unique snake_case id.
    pub id: String,
    /// A true/false formula.
    pub when: String,
    /// What to do (English).
    pub text: String,
    /// What to do (Chinese).
    #[serde(default)]
    pub text_zh: String,
    /// 1 = most urgent (default 3).
    #[serde(default = "default_priority")]
    pub priority: u32,
    /// Actions of one family are alternatives (e.g. `relationship`: abandon, renew, protect,
    /// grow): a customer gets only the most urgent one that fires, which names those it
    /// overrode. No family: never in conflict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

fn default_priority() -> u32 {
    3
}
