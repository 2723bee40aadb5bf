//! Classes, actions and budget of one evaluation, and the stored per-customer result.
//!
//! Every class comes with its rule (from `custval-classify`, or the ABC cut for tiers) and the
//! rule is stored with the result as data, so that `customer show` can say in either language
//! why the customer is where it is, long after the run.
//!
//! Actions (chosen per customer when its detail is built, in `details`; their types and their
//! rendering in words are here), in the order a customer sees them: the action rules of the
//! plan whose condition holds (by priority), each with the figures its condition read; then a
//! cross-sell offer when the customer's industry peers commonly buy categories it has not
//! bought and its class is one to grow; then the playbooks of its classes, one action per
//! family. At most [`MAX_ACTIONS`].

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use custval_classify::{
    Assigned, Explain, FeatureSpec, KMeansConfig, LifecycleInput, LifecycleRule, LifecycleStage,
    PotentialTier, PotentialTierConfig, ProfitLoyaltyClass, ProfitLoyaltyConfig, ProfitLoyaltyRule,
    TierRule, ValueClass, ValuePotentialConfig, ValueRule,
};
use custval_i18n::Lang::{En, Zh};
use custval_i18n::Note;
use custval_model::{CustomerResult, Dataset, Signals};

use crate::error::EvalError;
use crate::features::{Feature, FeatureTable};
use crate::helpers::{ce, opt};
use crate::plan::Plan;
use crate::reasons;
use crate::types::IndicatorUsed;

/// Most actions listed per customer.
pub const MAX_ACTIONS: usize = 5;

/// The three scores of every customer.
pub struct Scores<'a> {
    pub value: &'a [f64],
    pub potential: &'a [f64],
    pub total: &'a [f64],
}

/// Why a customer has its ABC tier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AbcRule {
    /// The customer's value on the tier basis.
    pub value: f64,
    /// Cumulative share (of value, or of customers) up to and including this customer.
    pub cumulative_share: f64,
    /// The cut the share fell within (1.0 for the last tier).
    pub cut: f64,
    pub by_count: bool,
    /// Set when the customer's value put it in the top tier but it loses money, so it was
    /// capped at the second tier (`[tiers] loss_makers_top_tier = false`, the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capped: Option<TierCap>,
}

/// Why a top-tier customer by value was capped at the second tier: the figure that is negative.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TierCap {
    /// The tier its value gave it (A).
    pub by_value: char,
    /// The tier it was capped at (B).
    pub capped_at: char,
    pub figure: LossFigure,
    pub value: f64,
}

/// Which figure makes a customer loss-making.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossFigure {
    NetContribution,
    Clv,
}

impl LossFigure {
    pub fn label_en(self) -> &'static str {
        match self {
            LossFigure::NetContribution => "net contribution",
            LossFigure::Clv => "predicted CLV",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            LossFigure::NetContribution => "净贡献",
            LossFigure::Clv => "预测客户终身价值",
        }
    }
}

impl AbcRule {
    pub fn explain_en(&self, tier: &str, basis: &str) -> String {
        let what = if self.by_count { "customers" } else { "total" };
        let tier = match &self.capped {
            Some(cap) => cap.by_value.to_string(),
            None => tier.to_string(),
        };
        let base = format!(
            "{basis} {:.2}: ranked customers down to this one make {:.1}% of {what}, within the {tier} cut of {:.0}%",
            self.value,
            100.0 * self.cumulative_share,
            100.0 * self.cut
        );
        match &self.capped {
            Some(cap) => format!(
                "tier {} by value, capped at {}: {} {} < 0, and a loss-making customer is never in the top tier ([tiers] loss_makers_top_tier = false) ({base})",
                cap.by_value,
                cap.capped_at,
                cap.figure.label_en(),
                fmt_money(cap.value)
            ),
            None => base,
        }
    }
    pub fn explain_zh(&self, tier: &str, basis: &str) -> String {
        let what = if self.by_count { "客户数" } else { "总值" };
        let tier = match &self.capped {
            Some(cap) => cap.by_value.to_string(),
            None => tier.to_string(),
        };
        let base = format!(
            "{basis} {:.2}：按价值排序累计至该客户占{what}的 {:.1}%，在 {tier} 类界限 {:.0}% 之内",
            self.value,
            100.0 * self.cumulative_share,
            100.0 * self.cut
        );
        match &self.capped {
            Some(cap) => format!(
                "按价值为 {} 类，降为 {} 类：{} {} < 0，亏损客户不进入最高等级（配置文件分层设置的默认规则）（{base}）",
                cap.by_value,
                cap.capped_at,
                cap.figure.label_zh(),
                fmt_money(cap.value)
            ),
            None => base,
        }
    }
}

fn fmt_money(v: f64) -> String {
    format!("{v:.2}")
}

/// Whether customer `c` loses money, and by which figure: a negative net contribution first,
/// else a negative predicted CLV.
pub(crate) fn loss_figure(table: &FeatureTable, c: usize) -> Option<(LossFigure, f64)> {
    let at = |feature: Feature| table.col(feature).get(c).copied().and_then(opt);
    if let Some(n) = at(Feature::NetContribution12m).filter(|v| *v < 0.0) {
        return Some((LossFigure::NetContribution, n));
    }
    at(Feature::Clv12m)
        .filter(|v| *v < 0.0)
        .map(|v| (LossFigure::Clv, v))
}

/// The loss facts of customer `c` for the value × potential matrix.
pub(crate) fn loss_facts(table: &FeatureTable, c: usize) -> custval_classify::LossFacts {
    let at = |feature: Feature| table.col(feature).get(c).copied().and_then(opt);
    let revenue = at(Feature::Spend12m);
    custval_classify::LossFacts {
        net: at(Feature::NetContribution12m),
        clv: at(Feature::Clv12m),
        costs: custval_classify::CostBreakdown {
            revenue,
            goods: match (revenue, at(Feature::GrossProfit12m)) {
                (Some(r), Some(g)) => Some(r - g),
                _ => None,
            },
            sales: at(Feature::SalesCost12m),
            service: at(Feature::ServiceCost12m),
            returns: at(Feature::Returns12m),
        },
    }
}

/// Caps loss-making customers of the top tier at the second (issue 17: 35 negative-value
/// customers sat in tier A). Runs after hysteresis, so that a loss-maker kept in A by
/// hysteresis is capped too; the capped tier is then explained by the cap (its tier rule),
/// and the hysteresis decision, which no longer holds, is dropped.
pub(crate) fn cap_loss_makers(
    plan: &Plan,
    table: &FeatureTable,
    tier: &mut [String],
    tier_rule: &mut [AbcRule],
    hysteresis: &mut crate::hysteresis::Applied,
) {
    if plan.tiers.loss_makers_top_tier {
        return;
    }
    for c in 0..tier.len() {
        if tier[c] != "A" {
            continue;
        }
        let Some((figure, value)) = loss_figure(table, c) else {
            continue;
        };
        tier[c] = "B".to_string();
        tier_rule[c].capped = Some(TierCap {
            by_value: 'A',
            capped_at: 'B',
            figure,
            value,
        });
        // The cap decides the tier now: a hysteresis decision ("moved from B to A", "kept in
        // A") would contradict it.
        if let Some(r) = hysteresis.raw.get_mut(c) {
            *r = None;
        }
        if let Some(d) = hysteresis.decisions.get_mut(c) {
            *d = None;
        }
    }
}

/// One recommended action with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: String,
    pub text: String,
    pub text_zh: String,
    /// Which class or indicator triggered it, with the figures.
    pub reason: String,
    pub reason_zh: String,
    pub source: String,
}

/// Where an action comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Rule,
    CrossSell,
    Playbook,
}

/// An action as stored: which rule or playbook, and the customer's figures. The words come
/// from the run's own config when the action is shown ([`render_actions`]), so a million
/// stored results do not repeat the same sentences a million times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAction {
    pub id: String,
    pub source: Source,
    /// Rule: `variable = value, …`; cross-sell: class and industry; playbook: the field.
    pub figures: String,
    /// Actions of the same family this one overrode (ids), most urgent first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrode: Vec<String>,
}

/// The playbook field a customer's action is taken from: the first of these that is set.
pub(crate) fn playbook_field(pb: &crate::plan::PlaybookPlan) -> Option<&str> {
    [
        "retention",
        "cross_sell",
        "abandonment",
        "service_level",
        "contact_frequency",
    ]
    .into_iter()
    .find(|want| {
        pb.fields
            .iter()
            .any(|(f, en, _)| f == want && !en.is_empty())
    })
}

/// Stored actions in words, with their reasons, from the plan of the run that made them.
pub fn render_actions(stored: &[StoredAction], plan: &Plan, cross_sell: &[String]) -> Vec<Action> {
    stored
        .iter()
        .map(|s| (s, render_action(s, plan, cross_sell)))
        .map(|(s, mut a)| {
            if !s.overrode.is_empty() {
                let family = action_family(s, plan).unwrap_or_default();
                a.reason
                    .push_str(&reasons::overrides(En, &s.overrode, &family, plan));
                a.reason_zh
                    .push_str(&reasons::overrides(Zh, &s.overrode, &family, plan));
            }
            a
        })
        .collect()
}

/// The family of a stored action's rule or playbook, if it has one.
pub(crate) fn action_family(s: &StoredAction, plan: &Plan) -> Option<String> {
    match s.source {
        Source::Playbook => {
            let (var, value) = s.id.strip_prefix("playbook:")?.split_once(':')?;
            plan.playbooks
                .iter()
                .find(|p| p.variable == var && p.value == value)
                .and_then(|p| p.family.clone())
        }
        Source::Rule => plan
            .actions
            .iter()
            .find(|a| a.id == s.id)
            .and_then(|a| a.family.clone()),
        Source::CrossSell => None,
    }
}

fn render_action(s: &StoredAction, plan: &Plan, cross_sell: &[String]) -> Action {
    {
        match s.source {
            Source::Rule => {
                let rule = plan.actions.iter().find(|a| a.id == s.id);
                let when = rule.map_or("", |r| r.when_text.as_str());
                Action {
                    id: s.id.clone(),
                    text: rule.map_or_else(|| s.id.clone(), |r| r.text_en.clone()),
                    text_zh: rule.map_or_else(|| s.id.clone(), |r| r.text_zh.clone()),
                    reason: reasons::rule_reason(En, &s.id, when, &s.figures, plan),
                    reason_zh: reasons::rule_reason(Zh, &s.id, when, &s.figures, plan),
                    source: "rule".into(),
                }
            }
            Source::CrossSell => {
                let list = cross_sell
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                Action {
                    id: s.id.clone(),
                    text: format!(
                        "Offer {list}: comparable customers buy it, or what the customer buys predicts it"
                    ),
                    text_zh: format!("推荐 {list}：同类客户普遍购买，或其已购品类的关联规则所示"),
                    reason: reasons::cross_sell_reason(En, &s.figures, cross_sell.len(), plan),
                    reason_zh: reasons::cross_sell_reason(Zh, &s.figures, cross_sell.len(), plan),
                    source: "cross_sell".into(),
                }
            }
            Source::Playbook => {
                let mut parts = s.id.splitn(3, ':').skip(1);
                let (var, value) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let pb = plan
                    .playbooks
                    .iter()
                    .find(|p| p.variable == var && p.value == value);
                let line = pb.and_then(|p| p.fields.iter().find(|(f, _, _)| *f == s.figures));
                Action {
                    id: s.id.clone(),
                    text: line.map_or_else(|| s.id.clone(), |l| l.1.clone()),
                    text_zh: line.map_or_else(|| s.id.clone(), |l| l.2.clone()),
                    reason: reasons::playbook_reason(En, var, value, &s.figures, plan),
                    reason_zh: reasons::playbook_reason(Zh, var, value, &s.figures, plan),
                    source: "playbook".into(),
                }
            }
        }
    }
}

/// What `CustomerResult::detail` holds (JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Detail {
    /// Raw indicator values in run order (`null` = missing).
    pub raw: Vec<Option<f64>>,
    /// Normalized values (`null` = excluded).
    pub norm: Vec<Option<f64>>,
    /// Points of the total score per indicator (dimension points × dimension weight).
    pub points: Vec<f64>,
    pub tier_rule: AbcRule,
    /// Why the tier differs from the computed one, or changed despite hysteresis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hysteresis: Option<custval_dynamics::TierDecision>,
    pub value_rule: ValueRule,
    pub potential_rule: TierRule,
    pub lifecycle_rule: LifecycleRule,
    pub profit_loyalty_rule: ProfitLoyaltyRule,
    pub actions: Vec<StoredAction>,
    /// Categories the customer's peers buy (or that its purchases predict) and it has not.
    pub cross_sell: Vec<String>,
    /// Why each cross-sell category, English and Chinese (key accounts and growth customers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cross_sell_why: Vec<(String, String)>,
    /// The wallet estimate behind share of wallet and wallet gap (key accounts and growth
    /// customers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet: Option<custval_accounts::WalletEstimate>,
    /// Risk level and evidence, when any risk rule fired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<custval_accounts::RiskAssessment>,
    /// Data-driven SWOT suggestions, for customers in the plan tiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub swot: Vec<custval_accounts::SwotSuggestion>,
    /// What the CLV is made of (absent without a CLV, and in runs stored before issue 17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clv_parts: Option<crate::breakdown::ClvParts>,
    /// The 12-month profit waterfall (absent in runs stored before issue 17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profit: Option<crate::breakdown::Profit>,
}

/// Counts and value per class, for the run summary.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ClassSummary {
    pub tier_basis: String,
    pub tier_cuts: Vec<f64>,
    pub tiers_by_count: bool,
    /// variable → class → (customers, spend_12m, clv_12m).
    pub counts: BTreeMap<String, BTreeMap<String, (u64, f64, f64)>>,
    pub value_cut: f64,
    pub potential_cut: f64,
    pub potential_tier_cuts: (f64, f64),
    pub profit_cut: f64,
    pub loyalty_cut: f64,
    pub clusters: Vec<ClusterInfo>,
    /// How k was chosen and what was imputed (a text in runs stored before notes were messages).
    pub cluster_selection: Note,
    pub rfm_thresholds: Option<serde_json::Value>,
    /// Buyers per (R score − 1, F score − 1) cell, and their mean monetary value.
    pub rfm_grid: [[u64; 5]; 5],
    pub rfm_grid_monetary: [[f64; 5]; 5],
    /// The cuts as used, kept for provisional updates between runs (absent in older runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_potential_cuts: Option<custval_classify::ValuePotentialCuts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub potential_tier_cut_set: Option<custval_classify::PotentialTierCuts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profit_loyalty_cuts: Option<custval_classify::ProfitLoyaltyCuts>,
    /// Classifications that classified nobody, with why (variable → reason, English); the
    /// customers' class is then `not_classified` (issue 17).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_classified: BTreeMap<String, String>,
    /// Scaling and centroids of the behavioural clusters, to place a customer between runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_model: Option<ClusterModel>,
}

/// What places a customer in a behavioural cluster: the run's scaling and centroids.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterModel {
    pub standardization: custval_classify::Standardization,
    pub centroids_z: Vec<Vec<f64>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterInfo {
    pub id: u32,
    pub size: u64,
    pub description_en: String,
    pub description_zh: String,
}

/// Budget lines with their rules in words.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Budget {
    pub total: f64,
    pub basis: String,
    pub by: String,
    /// (class, basis sum, amount, share, rule)
    pub lines: Vec<(String, f64, f64, f64, String)>,
}

/// Per-customer classes.
pub struct Classified {
    pub tier: Vec<String>,
    pub tier_rule: Vec<AbcRule>,
    pub hysteresis: crate::hysteresis::Applied,
    pub value: Vec<Assigned<ValueClass, ValueRule>>,
    pub potential: Vec<Assigned<PotentialTier, TierRule>>,
    pub lifecycle: Vec<Assigned<LifecycleStage, LifecycleRule>>,
    pub profit_loyalty: Vec<Assigned<ProfitLoyaltyClass, ProfitLoyaltyRule>>,
    pub cluster: Vec<Option<u32>>,
    pub rfm: Vec<Option<String>>,
    /// R + F + M scores (3–15), NaN for customers without purchases.
    pub rfm_sum: Vec<f64>,
    pub summary: ClassSummary,
    pub budget: Option<Budget>,
}

/// A numeric column by id: a built-in feature, an indicator, or "score".
pub(crate) fn column<'a>(
    id: &str,
    table: &'a FeatureTable,
    raw: &'a [Vec<f64>],
    indicators: &[IndicatorUsed],
    scores: &'a Scores,
) -> Option<&'a [f64]> {
    if id == "score" {
        return Some(scores.total);
    }
    if let Some(j) = indicators.iter().position(|i| i.id == id) {
        return Some(&raw[j]);
    }
    table.get(id)
}

/// Classes that do not depend on the scores (indicator formulas may read them).
pub struct PreClasses {
    pub lifecycle: Vec<Assigned<LifecycleStage, LifecycleRule>>,
    pub rfm: Vec<Option<String>>,
    pub rfm_sum: Vec<f64>,
    pub rfm_thresholds: Option<serde_json::Value>,
    pub rfm_grid: [[u64; 5]; 5],
    pub rfm_grid_monetary: [[f64; 5]; 5],
}

/// Lifecycle stages and RFM segments, from the features alone.
pub fn pre_classes(table: &FeatureTable, plan: &Plan) -> Result<PreClasses, EvalError> {
    pre_classes_with(table, plan, None)
}

/// RFM breaks of a run for [`pre_classes_with`]: `Some(None)` when the run had no RFM
/// segments (too few buyers), so that none are made up from a few customers either.
pub type RunRfmBreaks<'a> = Option<Option<&'a [Vec<f64>; 3]>>;

/// [`pre_classes`], with the RFM breaks of a run (`[recency, frequency, monetary]`) instead of
/// breaks from these customers: how a provisional update scores a few customers.
pub fn pre_classes_with(
    table: &FeatureTable,
    plan: &Plan,
    rfm_breaks: RunRfmBreaks<'_>,
) -> Result<PreClasses, EvalError> {
    let n = table.purchase_days.len();
    let f = |feature: Feature| table.col(feature);
    let buyers: Vec<usize> = (0..n)
        .filter(|c| table.purchase_days[*c].days > 0)
        .collect();
    let mut rfm_thresholds = None;
    let mut rfm_grid = [[0u64; 5]; 5];
    let mut rfm_grid_monetary = [[0.0; 5]; 5];
    let lc_inputs: Vec<LifecycleInput> = (0..n)
        .map(|c| {
            let p = &table.purchase_days[c];
            LifecycleInput {
                orders_total: p.days,
                days_since_first: opt(f(Feature::AgeDays)[c]),
                recency_days: opt(f(Feature::RecencyDays)[c]),
                p_alive: opt(f(Feature::PAlive)[c]),
                spend_growth_6m: opt(f(Feature::SpendGrowth6m)[c]),
                tenure_days: opt(f(Feature::TenureDays)[c]),
                orders_12m: f(Feature::Orders12m)[c] as u32,
                expected_gap_days: table.expected_gap(c).map(|g| g.0),
                own_rhythm: table.expected_gap(c).is_some_and(|g| g.1),
            }
        })
        .collect();
    let lifecycle =
        custval_classify::classify_lifecycle(&lc_inputs, &plan.classes.lifecycle).map_err(ce)?;
    // RFM segments for buyers, from the same purchase days.
    let mut rfm = vec![None; n];
    let mut rfm_sum = vec![f64::NAN; n];
    let rv: Vec<custval_segment::rfm::RfmValues> = buyers
        .iter()
        .map(|&c| custval_segment::rfm::RfmValues {
            recency_days: f(Feature::RecencyDays)[c] as i64,
            frequency: u64::from(table.purchase_days[c].days),
            monetary: f(Feature::SpendTotal)[c],
        })
        .collect();
    let scored = match rfm_breaks {
        Some(None) => None,
        Some(Some([r, f, m])) => Some((
            None,
            rv.iter()
                .map(|v| custval_segment::rfm::score_one(v, 5, r, f, m))
                .collect::<Vec<_>>(),
        )),
        None if rv.len() >= 5 => custval_segment::rfm::score(&rv, 5)
            .ok()
            .map(|(th, sc)| (serde_json::to_value(&th).ok(), sc)),
        None => None,
    };
    {
        if let Some((th, sc)) = scored {
            let rules = custval_segment::rfm::RuleSet::default_table();
            let mut sums = [[0.0; 5]; 5];
            for (k, &c) in buyers.iter().enumerate() {
                rfm[c] = Some(rules.name(&sc[k], 5).to_string());
                rfm_sum[c] = f64::from(sc[k].r_score + sc[k].f_score + sc[k].m_score);
                let (r, fr) = (
                    usize::from(sc[k].r_score.clamp(1, 5)) - 1,
                    usize::from(sc[k].f_score.clamp(1, 5)) - 1,
                );
                rfm_grid[r][fr] += 1;
                sums[r][fr] += rv[k].monetary;
            }
            for ((m_row, n_row), s_row) in rfm_grid_monetary.iter_mut().zip(&rfm_grid).zip(&sums) {
                for ((m, count), sum) in m_row.iter_mut().zip(n_row).zip(s_row) {
                    *m = if *count > 0 { sum / *count as f64 } else { 0.0 };
                }
            }

            rfm_thresholds = th;
        }
    }

    Ok(PreClasses {
        lifecycle,
        rfm,
        rfm_sum,
        rfm_thresholds,
        rfm_grid,
        rfm_grid_monetary,
    })
}

/// Where a class's measure is read from: a feature, an indicator or the score (see
/// [`column`]).
struct Measures<'a> {
    /// Customers.
    n: usize,
    table: &'a FeatureTable,
    raw: &'a [Vec<f64>],
    indicators: &'a [IndicatorUsed],
    scores: &'a Scores<'a>,
}

impl<'a> Measures<'a> {
    fn column(&self, id: &str) -> Option<&'a [f64]> {
        column(id, self.table, self.raw, self.indicators, self.scores)
    }
}

/// Assigns every class.
#[allow(clippy::too_many_arguments)]
pub fn classify(
    data: &Dataset,
    table: &FeatureTable,
    raw: &[Vec<f64>],
    indicators: &[IndicatorUsed],
    scores: &Scores,
    plan: &Plan,
    pre: PreClasses,
    previous: Option<&crate::hysteresis::PreviousTiers>,
    notes: &mut Vec<Note>,
) -> Result<Classified, EvalError> {
    let PreClasses {
        lifecycle,
        rfm,
        rfm_sum,
        rfm_thresholds,
        rfm_grid,
        rfm_grid_monetary,
    } = pre;
    let measures = Measures {
        n: data.customers.len(),
        table,
        raw,
        indicators,
        scores,
    };
    let mut summary = ClassSummary::default();
    let (tier, tier_rule, hysteresis) =
        tiers(data, &measures, plan, previous, &mut summary, notes)?;
    summary.rfm_thresholds = rfm_thresholds;
    summary.rfm_grid = rfm_grid;
    summary.rfm_grid_monetary = rfm_grid_monetary;
    let (value, potential) = value_potential(table, scores, plan, &mut summary)?;
    let profit_loyalty = profit_loyalty(&measures, plan, &mut summary, notes)?;
    let cluster = clusters(&measures, plan, &mut summary, notes);
    let mut classified = Classified {
        tier,
        tier_rule,
        hysteresis,
        value,
        potential,
        lifecycle,
        profit_loyalty,
        cluster,
        rfm,
        rfm_sum,
        summary,
        budget: None,
    };
    let counts = class_counts(data, table, &classified);
    if let Some(bp) = &plan.budget {
        classified.budget = budget(bp, &counts, notes);
    }
    classified.summary.counts = counts;
    Ok(classified)
}

/// ABC tiers on the plan's basis (customers with nothing on it are C), then hysteresis
/// against the previous run and the cap on loss makers.
fn tiers(
    data: &Dataset,
    measures: &Measures,
    plan: &Plan,
    previous: Option<&crate::hysteresis::PreviousTiers>,
    summary: &mut ClassSummary,
    notes: &mut Vec<Note>,
) -> Result<(Vec<String>, Vec<AbcRule>, crate::hysteresis::Applied), EvalError> {
    let n = data.customers.len();
    let tp = &plan.tiers;
    let basis = measures.column(&tp.basis).ok_or_else(|| {
        EvalError::Plan(format!(
            "tier basis {:?} is not a feature, indicator or \"score\"",
            tp.basis
        ))
    })?;
    let values: Vec<f64> = basis
        .iter()
        .map(|v| if v.is_finite() { v.max(0.0) } else { 0.0 })
        .collect();
    let cuts = [tp.a, tp.b];
    let mut tier = vec!["C".to_string(); n];
    let mut tier_rule = vec![
        AbcRule {
            value: 0.0,
            cumulative_share: 1.0,
            cut: 1.0,
            by_count: tp.by_count,
            capped: None,
        };
        n
    ];
    let abc_basis = if tp.by_count {
        custval_segment::abc::Basis::Count
    } else {
        custval_segment::abc::Basis::Value
    };
    match custval_segment::abc::classify_with(&values, &cuts, abc_basis, true) {
        Ok(rows) => {
            for r in rows {
                let k = (r.class.as_bytes()[0] - b'A') as usize;
                tier_rule[r.index] = AbcRule {
                    value: r.value,
                    cumulative_share: r.cumulative_share,
                    cut: cuts.get(k).copied().unwrap_or(1.0),
                    by_count: tp.by_count,
                    capped: None,
                };
                tier[r.index] = r.class;
            }
        }
        Err(e) => notes.push(Note::msg("note-tiers-failed").arg("error", e.to_string())),
    }
    let ids: Vec<&str> = data.customers.iter().map(|c| c.id.as_str()).collect();
    let mut hysteresis =
        crate::hysteresis::apply(&plan.hysteresis, &ids, &values, &mut tier, previous)?;
    cap_loss_makers(
        plan,
        measures.table,
        &mut tier,
        &mut tier_rule,
        &mut hysteresis,
    );
    summary.tier_basis = tp.basis.clone();
    summary.tier_cuts = cuts.to_vec();
    summary.tiers_by_count = tp.by_count;
    Ok((tier, tier_rule, hysteresis))
}

type ValueClasses = Vec<Assigned<ValueClass, ValueRule>>;
type PotentialTiers = Vec<Assigned<PotentialTier, TierRule>>;

/// Value × potential classes (loss makers apart) and potential tiers, on the scores.
fn value_potential(
    table: &FeatureTable,
    scores: &Scores,
    plan: &Plan,
    summary: &mut ClassSummary,
) -> Result<(ValueClasses, PotentialTiers), EvalError> {
    let cp = &plan.classes;
    let n = scores.value.len();
    let loss: Vec<custval_classify::LossFacts> = (0..n).map(|c| loss_facts(table, c)).collect();
    let (vp_cuts, value) = custval_classify::classify_value_potential_with_loss(
        scores.value,
        scores.potential,
        &loss,
        &ValuePotentialConfig {
            value_high_quantile: cp.value_high_quantile,
            potential_high_quantile: cp.potential_high_quantile,
        },
    )
    .map_err(ce)?;
    summary.value_cut = vp_cuts.value_cut;
    summary.value_potential_cuts = Some(vp_cuts);
    summary.potential_cut = vp_cuts.potential_cut;
    let (pt_cuts, potential) = custval_classify::classify_potential_tier(
        scores.potential,
        &PotentialTierConfig {
            high_share: cp.potential_tier_high,
            medium_share: cp.potential_tier_medium,
        },
    )
    .map_err(ce)?;
    summary.potential_tier_cuts = (pt_cuts.high_cut, pt_cuts.medium_cut);
    summary.potential_tier_cut_set = Some(pt_cuts);
    Ok((value, potential))
}

/// Profit × loyalty classes on the plan's two measures.
fn profit_loyalty(
    measures: &Measures,
    plan: &Plan,
    summary: &mut ClassSummary,
    notes: &mut Vec<Note>,
) -> Result<Vec<Assigned<ProfitLoyaltyClass, ProfitLoyaltyRule>>, EvalError> {
    let cp = &plan.classes;
    let n = measures.n;
    let known = |id: &str| -> Vec<Option<f64>> {
        let col = measures.column(id).unwrap_or(&[]);
        (0..n).map(|c| col.get(c).copied().and_then(opt)).collect()
    };
    let (profit, loyal) = (known(&cp.profit_measure), known(&cp.loyalty_measure));
    let (pl_cuts, classes) = custval_classify::classify_profit_loyalty(
        &profit,
        &loyal,
        &ProfitLoyaltyConfig {
            profit_quantile: cp.profit_quantile,
            loyalty_quantile: cp.loyalty_quantile,
        },
    )
    .map_err(ce)?;
    if let Some(why) = &pl_cuts.not_classified {
        let text = format!(
            "{} (profit measure {}, loyalty measure {})",
            why.explain_en(),
            cp.profit_measure,
            cp.loyalty_measure
        );
        let (profit_zh, loyalty_zh) = (
            crate::helpers::feature_label(&cp.profit_measure).1,
            crate::helpers::feature_label(&cp.loyalty_measure).1,
        );
        notes.push(Note::both(
            text.clone(),
            format!(
                "{}（利润指标：{profit_zh}，忠诚度指标：{loyalty_zh}）",
                why.explain_zh()
            ),
        ));
        summary
            .not_classified
            .insert("profit_loyalty".to_string(), text);
    }
    summary.profit_cut = pl_cuts.profit_cut;
    summary.profit_loyalty_cuts = Some(pl_cuts);
    summary.loyalty_cut = pl_cuts.loyalty_cut;
    Ok(classes)
}

/// Behavioural clusters over buyers only (prospects have no behaviour to cluster).
fn clusters(
    measures: &Measures,
    plan: &Plan,
    summary: &mut ClassSummary,
    notes: &mut Vec<Note>,
) -> Vec<Option<u32>> {
    let cp = &plan.classes;
    let table = measures.table;
    let n = measures.n;
    let mut cluster = vec![None; n];
    let buyers: Vec<usize> = (0..n)
        .filter(|c| table.purchase_days[*c].days > 0)
        .collect();
    let specs: Vec<FeatureSpec> = cp
        .cluster_features
        .iter()
        .map(|id| {
            let label = crate::helpers::feature_label(id);
            FeatureSpec::new(id.clone()).with_labels(label.0, label.1)
        })
        .collect();
    let cols: Vec<&[f64]> = cp
        .cluster_features
        .iter()
        .filter_map(|id| measures.column(id))
        .collect();
    if cols.len() != specs.len() || specs.is_empty() || buyers.len() <= cp.k_max.max(cp.k_min) * 3 {
        notes.push(Note::msg("note-clusters-too-few"));
        return cluster;
    }
    let mut m = Vec::with_capacity(buyers.len() * cols.len());
    for &c in &buyers {
        m.extend(cols.iter().map(|col| col[c]));
    }
    let cfg = KMeansConfig {
        k_min: cp.k_min,
        k_max: cp.k_max,
        seed: cp.seed,
        ..KMeansConfig::default()
    };
    match custval_classify::kmeans_cluster(&specs, &m, &cfg) {
        Ok(cl) => {
            for (k, &c) in buyers.iter().enumerate() {
                cluster[c] = cl.labels.get(k).copied();
            }
            summary.cluster_selection = Note::both(cl.selection_en(), cl.selection_zh());
            summary.cluster_model = Some(ClusterModel {
                standardization: cl.standardization.clone(),
                centroids_z: cl.centroids_z.clone(),
            });
            summary.clusters = (0..cl.k)
                .map(|i| ClusterInfo {
                    id: i as u32,
                    size: cl.sizes[i] as u64,
                    description_en: cl.descriptions_en[i].clone(),
                    description_zh: cl.descriptions_zh[i].clone(),
                })
                .collect();
        }
        Err(e) => notes.push(Note::msg("note-clusters-failed").arg("error", e.to_string())),
    }
    cluster
}

/// Per class variable and class: (customers, 12-month spend, CLV), unknowns counted as 0.
type ClassCounts = BTreeMap<String, BTreeMap<String, (u64, f64, f64)>>;

/// Customers, spend and CLV per class of every class variable.
fn class_counts(data: &Dataset, table: &FeatureTable, cl: &Classified) -> ClassCounts {
    let spend = table.col(Feature::Spend12m);
    let clv = table.col(Feature::Clv12m);
    let mut counts = ClassCounts::new();
    for c in 0..data.customers.len() {
        let s = if spend[c].is_finite() { spend[c] } else { 0.0 };
        let v = if clv[c].is_finite() { clv[c] } else { 0.0 };
        for (var, class) in [
            ("tier", cl.tier[c].clone()),
            ("value_class", cl.value[c].class.id().to_string()),
            ("potential_tier", cl.potential[c].class.id().to_string()),
            ("lifecycle", cl.lifecycle[c].class.id().to_string()),
            (
                "profit_loyalty",
                cl.profit_loyalty[c].class.id().to_string(),
            ),
            (
                "cluster",
                cl.cluster[c].map_or_else(|| "none".into(), |k| k.to_string()),
            ),
            (
                "industry",
                data.customers[c]
                    .industry
                    .clone()
                    .unwrap_or_else(|| "unknown".into()),
            ),
        ] {
            let e = counts
                .entry(var.to_string())
                .or_default()
                .entry(class)
                .or_insert((0, 0.0, 0.0));
            e.0 += 1;
            e.1 += s;
            e.2 += v;
        }
    }
    counts
}

/// The plan's budget spread over the classes of its variable, by spend or CLV.
fn budget(
    bp: &crate::plan::BudgetPlan,
    counts: &ClassCounts,
    notes: &mut Vec<Note>,
) -> Option<Budget> {
    let by = counts.get(&bp.by).cloned().unwrap_or_default();
    let bases: Vec<(String, f64)> = by
        .iter()
        .map(|(k, (_, s, v))| {
            (
                k.clone(),
                if bp.basis == "clv" {
                    v.max(0.0)
                } else {
                    s.max(0.0)
                },
            )
        })
        .collect();
    match custval_classify::allocate_budget(bp.total, &bases, &[]) {
        Ok(a) => Some(Budget {
            total: a.total,
            basis: bp.basis.clone(),
            by: bp.by.clone(),
            lines: a
                .lines
                .iter()
                .map(|l| {
                    (
                        l.class.clone(),
                        l.basis,
                        l.amount,
                        l.share,
                        l.rule.explain_en(),
                    )
                })
                .collect(),
        }),
        Err(e) => {
            notes.push(Note::msg("note-budget-failed").arg("error", e.to_string()));
            None
        }
    }
}

/// Builds the stored results, without their details: those are built later, batch by batch
/// as the run is written, from a `details::DetailContext`, so that a million
/// serialized explanations are never in memory at once.
pub fn results(
    data: &Dataset,
    table: &FeatureTable,
    scores: &Scores,
    cl: &Classified,
    accounts: &crate::accounts::AccountsOut,
) -> Vec<CustomerResult> {
    let signal = |f: Feature| table.col(f);
    let signal_cols = [
        signal(Feature::SpendPrev12m),
        signal(Feature::Orders12m),
        signal(Feature::AvgPaymentDelayDays),
        signal(Feature::OverdueAmount),
        signal(Feature::Csat),
        signal(Feature::Nps),
        signal(Feature::Complaints12m),
    ];
    let clv = table.col(Feature::Clv12m);
    let p_alive = table.col(Feature::PAlive);
    (0..data.customers.len())
        .into_par_iter()
        .map(|c| {
            let info = &data.customers[c];
            let sig = |k: usize| signal_cols[k].get(c).copied().and_then(opt);
            CustomerResult {
                customer_id: info.id.clone(),
                name: info.name.clone(),
                industry: info.industry.clone(),
                region: info.region.clone(),
                owner: info.owner.clone(),
                tier: cl.tier[c].clone(),
                value_class: cl.value[c].class.id().to_string(),
                potential_tier: cl.potential[c].class.id().to_string(),
                lifecycle: cl.lifecycle[c].class.id().to_string(),
                profit_loyalty: cl.profit_loyalty[c].class.id().to_string(),
                cluster: cl.cluster[c],
                rfm_segment: cl.rfm[c].clone(),
                score: scores.total[c],
                value_score: scores.value[c],
                potential_score: scores.potential[c],
                spend_12m: opt(table.columns[0][c]),
                clv: opt(clv[c]),
                p_alive: opt(p_alive[c]),
                risk: (accounts.risk[c].level != custval_accounts::RiskLevel::None)
                    .then(|| accounts.risk[c].level.id().to_string()),
                raw_tier: cl.hysteresis.raw[c].clone(),
                tier_streak: cl.hysteresis.streak[c],
                signals: Signals {
                    spend_prev_12m: sig(0),
                    orders_12m: sig(1),
                    payment_delay: sig(2),
                    overdue: sig(3),
                    csat: sig(4),
                    nps: sig(5),
                    complaints_12m: sig(6),
                },
                detail: String::new(),
            }
        })
        .collect()
}
