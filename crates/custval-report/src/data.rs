//! The report's input: plain, serializable structs that the caller fills from the store.
//!
//! Design choices:
//! - **Already-computed numbers only.** The renderer does no modelling; it formats and draws what
//!   it is given, so the report shows exactly what the run stored.
//! - **Shares are fractions** (`0.8` means 80 %) everywhere: tier and budget shares, the Pareto
//!   curve. Scores are on 0–100.
//! - **Nothing is assumed finite or non-empty.** NaN or infinite numbers are shown as a dash and
//!   never reach the SVG coordinates; empty lists render as a "no data" line.
//! - **The RFM grid is a fixed 5 × 5 array**, so a caller cannot pass a cell outside R, F ∈ 1..=5
//!   and the renderer needs no validation step.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// Everything one report shows. `Default` is an empty report (run 0, no customers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportData {
    /// Language of every label and of number formatting.
    pub language: Lang,
    /// The evaluation run the report describes.
    pub run: RunInfo,
    /// ABC tiers, in display order (normally A, B, C).
    pub tiers: Vec<TierRow>,
    /// Classes of every classification dimension, with their rules and playbooks.
    pub classes: Vec<ClassRow>,
    /// Pareto/Lorenz curve: (cumulative share of customers, cumulative share of value), both in
    /// 0..=1, customers sorted by value descending. At most ~200 points (the caller downsamples).
    pub pareto: Vec<(f64, f64)>,
    /// Value × potential matrix.
    pub scatter: Scatter,
    /// Customers and mean monetary value per RFM cell.
    pub rfm_heatmap: RfmHeatmap,
    /// CLV distribution, bins in ascending order.
    pub clv_histogram: Vec<HistogramBin>,
    /// Indicator weights.
    pub weights: Vec<WeightRow>,
    /// Notes per weight dimension (e.g. the AHP consistency ratio).
    pub weight_notes: Vec<WeightNote>,
    /// Marketing and service budget per class.
    pub budget: Vec<BudgetRow>,
    /// The most valuable customers with their next actions (the caller passes ~50).
    pub top_customers: Vec<TopCustomer>,
    /// Warnings a reader must see (e.g. "P(alive) fell for 12 A customers").
    pub alerts: Vec<String>,
    /// Other remarks (e.g. configuration warnings).
    pub notes: Vec<String>,
    /// Dynamic management: migrations since the previous run, the run's alerts, overrides,
    /// and how well rankings predicted realized value. Empty parts are not shown.
    pub dynamics: Dynamics,
}

/// The report's dynamics section (动态管理): what changed since the previous run and how well
/// the rankings worked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dynamics {
    /// Tier migration from the previous run to this one; `None` for a first run.
    pub migration: Option<MigrationView>,
    /// What hysteresis held back against the previous run, in a sentence.
    pub hysteresis: Option<String>,
    /// Alerts by severity (`critical`, `warning`, `info`), most severe first.
    pub alert_counts: Vec<(String, u64)>,
    /// The most severe alerts of the run (the caller passes ~50), most severe first.
    pub alerts: Vec<AlertRow>,
    /// Manual tier overrides in force.
    pub overrides: Vec<OverrideRow>,
    /// A backtest of the rankings, when the caller ran one.
    pub backtest: Option<BacktestView>,
}

/// A migration matrix between two runs: rows are tiers in the earlier run, columns in this one;
/// the last label is `none` (customers in only one of the runs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MigrationView {
    pub from_run: i64,
    pub from_as_of: String,
    pub labels: Vec<String>,
    /// Customers per cell.
    pub matrix: Vec<Vec<u64>>,
    /// Share of 12-month spend per cell (fractions; the `none` column uses the earlier run).
    pub value_share: Vec<Vec<f64>>,
    pub stayed: u64,
    pub upgraded: u64,
    pub downgraded: u64,
    pub entered: u64,
    pub left: u64,
    /// The matrix in a sentence, in the report's language.
    pub explain: String,
}

/// One alert as a reader sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertRow {
    pub customer_id: String,
    pub name: Option<String>,
    /// Rule id, e.g. `spend_drop`.
    pub rule: String,
    /// `critical`, `warning` or `info`.
    pub severity: String,
    /// What happened, with its figures, in the report's language.
    pub explain: String,
    /// Suggested action, in the report's language.
    pub action: String,
}

/// A manual tier override in force.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OverrideRow {
    pub customer_id: String,
    pub tier: String,
    pub author: String,
    pub reason: String,
    /// Last day, ISO `YYYY-MM-DD`; `None` until cleared.
    pub until: Option<String>,
}

/// How well each ranking at a date ordered the value realized in the following horizon.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BacktestView {
    pub as_of: String,
    pub horizon_days: i32,
    pub customers: u64,
    pub methods: Vec<BacktestMethod>,
    /// The method with the highest Gini.
    pub best: Option<String>,
    /// The comparison in a sentence, in the report's language.
    pub explain: String,
}

/// One ranking method's backtest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BacktestMethod {
    /// `score`, `rfm`, `clv` or an external ranking's name.
    pub name: String,
    pub gini: Option<f64>,
    pub auc: Option<f64>,
    pub spearman: Option<f64>,
    /// Ten values, best predicted decile first: the decile's share of realized value ÷ 0.1.
    pub lift_by_decile: Vec<f64>,
    /// Share of realized value captured by the top 20% predicted.
    pub top_share: Option<f64>,
}

/// The run's identity, size and CLV model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    /// Run id in the store.
    pub id: i64,
    /// Evaluation date, ISO `YYYY-MM-DD`.
    pub as_of: String,
    /// When the run was created: `YYYY-MM-DD HH:MM[:SS]` in the reader's local time (an RFC 3339
    /// stamp is accepted too); shown as a date and time in the report's language.
    pub created_at: String,
    /// Customers evaluated.
    pub customers: u64,
    /// Wall-clock seconds the run took.
    pub seconds: f64,
    /// One line per configuration item worth showing (e.g. "ABC cut: 80% / 95% of value").
    pub config_summary: Vec<String>,
    /// The fitted CLV model, if the run fitted one.
    pub clv_model: Option<ClvModel>,
}

/// A fitted CLV model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClvModel {
    /// Model name, e.g. "BG/NBD + Gamma-Gamma".
    pub name: String,
    /// Fitted parameters by name (r, alpha, a, b, …), in display order.
    pub parameters: Vec<(String, f64)>,
    /// Log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Whether the optimizer reported convergence.
    pub converged: bool,
    /// Calibration/holdout comparison, if the run made one.
    pub calibration: Option<Vec<CalibrationRow>>,
}

/// One bucket of the calibration/holdout comparison.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalibrationRow {
    /// Bucket label, e.g. "0 purchases" or "7+".
    pub bucket: String,
    /// Customers in the bucket.
    pub customers: u64,
    /// Predicted holdout purchases (or value).
    pub predicted: f64,
    /// Actual holdout purchases (or value).
    pub actual: f64,
}

/// One ABC tier.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TierRow {
    /// Tier name: "A", "B", "C".
    pub tier: String,
    /// Customers in the tier.
    pub customers: u64,
    /// Value of the tier's customers (currency).
    pub value: f64,
    /// The tier's share of total value, 0..=1.
    pub value_share: f64,
    /// Why a customer is in the tier, e.g. "top customers making 80% of 12-month spend".
    pub rule: String,
}

/// One class of one classification dimension.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassRow {
    /// Dimension id: "value_class", "lifecycle", "potential_tier", "profit_loyalty", "cluster"
    /// (known ids get a translated heading; others are shown as given).
    pub dimension: String,
    /// Class id within the dimension.
    pub class: String,
    /// Human-readable class name.
    pub label: String,
    /// Customers in the class.
    pub customers: u64,
    /// Value of the class's customers (currency).
    pub value: f64,
    /// The rule that puts a customer in the class.
    pub rule: String,
    /// Playbook: (field, text), e.g. ("service level", "dedicated account manager").
    pub playbook: Vec<(String, String)>,
}

/// The value × potential scatter plot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scatter {
    /// Sampled customers (at most ~3000).
    pub points: Vec<ScatterPoint>,
    /// Current-value cut (0–100) between "low" and "high" value.
    pub x_cut: f64,
    /// Potential cut (0–100) between "low" and "high" potential.
    pub y_cut: f64,
}

/// One customer on the scatter plot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScatterPoint {
    /// Current value score, 0–100.
    pub x: f64,
    /// Potential score, 0–100.
    pub y: f64,
    /// The customer's class (colours the point).
    pub class: String,
}

/// RFM grid: `customers[r - 1][f - 1]` and `mean_monetary[r - 1][f - 1]` for R, F in 1..=5.
/// The report draws R = 5 at the top and F = 1 on the left.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RfmHeatmap {
    /// Customers per cell.
    pub customers: [[u64; 5]; 5],
    /// Mean monetary value per cell (ignored where the cell has no customers).
    pub mean_monetary: [[f64; 5]; 5],
}

/// One bin of the CLV histogram: customers with `lo <= CLV < hi`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistogramBin {
    /// Lower edge (currency).
    pub lo: f64,
    /// Upper edge (currency).
    pub hi: f64,
    /// Customers in the bin.
    pub customers: u64,
}

/// One indicator's weight.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WeightRow {
    /// Dimension the indicator belongs to (e.g. "value", "potential").
    pub dimension: String,
    /// Indicator id.
    pub indicator: String,
    /// Human-readable indicator name.
    pub label: String,
    /// Weighting method, e.g. "AHP", "entropy", "CRITIC", "manual".
    pub method: String,
    /// The weight (normally a fraction; weights of a dimension sum to 1).
    pub weight: f64,
    /// "benefit" (higher is better) or "cost" (lower is better); other text is shown as given.
    pub direction: String,
    /// Normalization, e.g. "min-max", "z-score".
    pub normalization: String,
}

/// A note on one weight dimension.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WeightNote {
    /// The dimension the note is about.
    pub dimension: String,
    /// The note, e.g. "AHP CR = 0.03 (Saaty RI)".
    pub note: String,
}

/// Budget allocated to one class.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BudgetRow {
    /// Class id.
    pub class: String,
    /// Human-readable class name.
    pub label: String,
    /// Amount (currency).
    pub amount: f64,
    /// Share of the total budget, 0..=1.
    pub share: f64,
    /// How the amount was derived, e.g. "proportional to value".
    pub basis: String,
}

/// One of the top customers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TopCustomer {
    /// Customer id.
    pub customer_id: String,
    /// Display name (already masked if the caller's role requires it).
    pub name: String,
    /// ABC tier.
    pub tier: String,
    /// Value class, as a reader sees it (e.g. "Most valuable").
    pub value_class: String,
    /// Value class id (`most_valuable`), for its fixed colour; empty when unknown.
    pub value_class_id: String,
    /// Lifecycle stage, as a reader sees it.
    pub lifecycle: String,
    /// Lifecycle stage id (`loyal`), for its fixed colour; empty when unknown.
    pub lifecycle_id: String,
    /// Overall score, 0–100.
    pub score: f64,
    /// Current value score, 0–100.
    pub value_score: f64,
    /// Potential score, 0–100.
    pub potential_score: f64,
    /// Customer lifetime value (currency); NaN when the run fitted no CLV model.
    pub clv: f64,
    /// Probability alive, 0..=1; NaN when unknown.
    pub p_alive: f64,
    /// Recommended next actions, each with its reason.
    pub actions: Vec<String>,
}
