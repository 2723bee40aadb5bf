//! The value × potential matrix (悟空CRM, "评估客户的发展战略"): most valuable, secondary,
//! maintain and negative-value customers.
//!
//! The matrix splits customers by actual value (实际价值: present value of future profit minus
//! service cost), strategic value (战略价值: what a deliberate acquisition effort would add) and
//! service cost. Here current value and potential arrive as scores (e.g. 0–100 from the weighted
//! model) and the cost side as an optional net contribution. Rules, first match wins:
//! 1. net contribution known and < 0, or predicted CLV (profit net of cost to serve) known and
//!    < 0 → `negative_value` (负值客户): costs exceed profit, whatever the scores say (issue 17:
//!    a customer with CLV −70k was "most valuable"). `None` means costs are unknown and this
//!    rule never fires; the sentence of the class finally chosen says so. The sentence of a
//!    negative-value customer names its costs, largest first ([`CostBreakdown`]).
//! 2. value score ≥ value cut → `most_valuable` (最有价值客户; typically ~5 % of customers, ~40 %
//!    of revenue; the default cut is the top 20 % by score, configurable).
//! 3. potential score ≥ potential cut → `secondary` (二级客户: low actual, high strategic value).
//! 4. otherwise → `maintain` (维持客户: low value, low potential, not loss-making).
//!
//! Cuts are type-7 quantiles of the scores over all customers ([`mod@crate::quantile`]). A missing
//! score (NaN) is never above a cut, and its sentence says "unknown". For negative-value
//! customers the sentence also says whether potential is high, because the method asks to convert
//! the promising ones and strategically abandon the rest.

use serde::{Deserialize, Serialize};

use crate::ClassifyError;
use crate::explain::{Assigned, Explain, fixed, known, open_unit, percent, same_len};
use custval_base::quantile::quantile;

/// A class of the value × potential matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueClass {
    /// 最有价值客户: high current value.
    MostValuable,
    /// 二级客户: low current value, high potential (strategic) value.
    Secondary,
    /// 维持客户: low value, low potential, but not loss-making.
    Maintain,
    /// 负值客户: costs exceed profit.
    NegativeValue,
}

impl ValueClass {
    /// Every class, in rule order of presentation (best first).
    pub const ALL: [ValueClass; 4] = [
        ValueClass::MostValuable,
        ValueClass::Secondary,
        ValueClass::Maintain,
        ValueClass::NegativeValue,
    ];

    /// Stable snake_case id (the serde name).
    pub fn id(self) -> &'static str {
        match self {
            ValueClass::MostValuable => "most_valuable",
            ValueClass::Secondary => "secondary",
            ValueClass::Maintain => "maintain",
            ValueClass::NegativeValue => "negative_value",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            ValueClass::MostValuable => "most valuable customer",
            ValueClass::Secondary => "secondary customer",
            ValueClass::Maintain => "maintain customer",
            ValueClass::NegativeValue => "negative-value customer",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            ValueClass::MostValuable => "最有价值客户",
            ValueClass::Secondary => "二级客户",
            ValueClass::Maintain => "维持客户",
            ValueClass::NegativeValue => "负值客户",
        }
    }

    /// The strategy the matrix gives the class, in English.
    pub fn goal_en(self) -> &'static str {
        match self {
            ValueClass::MostValuable => "retain: priority service, loyalty, act on any decline",
            ValueClass::Secondary => "grow: cross-sell and up-sell to realise the potential",
            ValueClass::Maintain => "maintain at low cost",
            ValueClass::NegativeValue => {
                "convert the promising ones, strategically abandon the rest, keep them satisfied"
            }
        }
    }

    /// The strategy the matrix gives the class, in Chinese.
    pub fn goal_zh(self) -> &'static str {
        match self {
            ValueClass::MostValuable => "保持：优先服务，培养忠诚，扭转衰退趋势",
            ValueClass::Secondary => "获取增长：交叉销售与向上销售，挖掘潜在价值",
            ValueClass::Maintain => "低成本维持",
            ValueClass::NegativeValue => "有前途的努力转化，其余战略性放弃，并处理好满意度",
        }
    }
}

/// Quantiles that set the cuts, computed over all customers' scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValuePotentialConfig {
    /// Value scores at or above this quantile are most valuable (0.8: the top 20 %).
    pub value_high_quantile: f64,
    /// Potential scores at or above this quantile are high potential (0.7: the top 30 %).
    pub potential_high_quantile: f64,
}

impl Default for ValuePotentialConfig {
    fn default() -> Self {
        Self {
            value_high_quantile: 0.8,
            potential_high_quantile: 0.7,
        }
    }
}

impl ValuePotentialConfig {
    /// Checks that both quantiles lie strictly between 0 and 1.
    pub fn validate(&self) -> Result<(), ClassifyError> {
        open_unit("value_high_quantile", self.value_high_quantile)?;
        open_unit("potential_high_quantile", self.potential_high_quantile)
    }
}

/// The cuts actually used, for display next to the classes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValuePotentialCuts {
    /// Value score at the value quantile.
    pub value_cut: f64,
    /// Potential score at the potential quantile.
    pub potential_cut: f64,
    /// The quantile behind `value_cut`.
    pub value_quantile: f64,
    /// The quantile behind `potential_cut`.
    pub potential_quantile: f64,
}

/// The costs of the last 12 months that a loss can come from, each `None` when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CostBreakdown {
    /// Net revenue of the period (for shares).
    #[serde(default)]
    pub revenue: Option<f64>,
    /// Cost of goods (revenue − gross profit).
    #[serde(default)]
    pub goods: Option<f64>,
    /// Sales cost (cost to acquire and sell).
    #[serde(default)]
    pub sales: Option<f64>,
    /// Service cost (cost to serve).
    #[serde(default)]
    pub service: Option<f64>,
    /// Returned amounts.
    #[serde(default)]
    pub returns: Option<f64>,
}

impl CostBreakdown {
    /// The known costs other than the goods sold, largest first, as (English name, Chinese
    /// name, amount): what eats the margin.
    pub fn largest_first(&self) -> Vec<(&'static str, &'static str, f64)> {
        let mut v: Vec<(&'static str, &'static str, f64)> = [
            ("sales cost", "销售成本", self.sales),
            ("service cost", "服务成本", self.service),
            ("returns", "退货", self.returns),
        ]
        .into_iter()
        .filter_map(|(en, zh, x)| known(x?).filter(|x| *x > 0.0).map(|x| (en, zh, x)))
        .collect();
        v.sort_by(|a, b| b.2.total_cmp(&a.2));
        v
    }

    /// "sales cost 120,000.00 (35.0% of revenue), service cost …", largest first; empty when
    /// no cost is known.
    pub fn explain_en(&self) -> String {
        self.list(|(en, _, x)| (en, x))
    }

    /// The same in Chinese.
    pub fn explain_zh(&self) -> String {
        self.list(|(_, zh, x)| (zh, x))
    }

    fn list(
        &self,
        pick: impl Fn((&'static str, &'static str, f64)) -> (&'static str, f64),
    ) -> String {
        let revenue = self.revenue.and_then(known).filter(|r| *r > 0.0);
        self.largest_first()
            .into_iter()
            .map(|c| {
                let (name, x) = pick(c);
                match revenue {
                    Some(r) => format!("{name} {} ({})", fixed(x, 2), percent(x / r)),
                    None => format!("{name} {}", fixed(x, 2)),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What decides whether a customer loses money: net contribution, predicted CLV and the
/// costs behind them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LossFacts {
    /// Net contribution of the last 12 months (gross profit − sales and service cost).
    pub net: Option<f64>,
    /// Predicted CLV, net of cost to serve.
    pub clv: Option<f64>,
    /// The costs, for the explanation.
    pub costs: CostBreakdown,
}

/// Why a customer got its [`ValueClass`], with the figures. Scores are `NaN` when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum ValueRule {
    /// Rule 1: known net contribution below zero.
    NegativeContribution {
        net: f64,
        potential: f64,
        potential_cut: f64,
        /// The costs behind the loss (absent in runs stored before issue 17).
        #[serde(default)]
        costs: CostBreakdown,
    },
    /// Rule 1, second half: net contribution not negative (or unknown), predicted CLV below
    /// zero.
    NegativeClv {
        clv: f64,
        potential: f64,
        potential_cut: f64,
        #[serde(default)]
        costs: CostBreakdown,
    },
    /// Rule 2: value score at or above the value cut.
    HighValue {
        value: f64,
        value_cut: f64,
        value_quantile: f64,
    },
    /// Rule 3: value below its cut, potential at or above its cut.
    HighPotential {
        value: f64,
        value_cut: f64,
        potential: f64,
        potential_cut: f64,
        potential_quantile: f64,
    },
    /// Rule 4: both below their cuts; `net` is `None` when costs are unknown.
    Maintain {
        value: f64,
        value_cut: f64,
        potential: f64,
        potential_cut: f64,
        net: Option<f64>,
    },
}

/// "value score 40.0 < high cut 64.0" or "value score unknown (counted as below …)".
fn below_en(what: &str, score: f64, cut_name: &str, cut: f64) -> String {
    match known(score) {
        Some(s) => format!("{what} {} < {cut_name} {}", fixed(s, 1), fixed(cut, 1)),
        None => format!(
            "{what} unknown (counted as below {cut_name} {})",
            fixed(cut, 1)
        ),
    }
}

fn below_zh(what: &str, score: f64, cut_name: &str, cut: f64) -> String {
    match known(score) {
        Some(s) => format!("{what} {} < {cut_name} {}", fixed(s, 1), fixed(cut, 1)),
        None => format!("{what}未知（按低于{cut_name} {} 处理）", fixed(cut, 1)),
    }
}

fn tail_en(potential: f64, potential_cut: f64) -> String {
    match known(potential) {
        Some(p) if p >= potential_cut => format!(
            "potential score {} ≥ potential cut {}, so worth trying to convert",
            fixed(p, 1),
            fixed(potential_cut, 1)
        ),
        _ => format!(
            "{}, so a candidate for strategic abandonment",
            below_en("potential score", potential, "potential cut", potential_cut)
        ),
    }
}

fn tail_zh(potential: f64, potential_cut: f64) -> String {
    match known(potential) {
        Some(p) if p >= potential_cut => format!(
            "潜力得分 {} ≥ 潜力线 {}，值得努力转化",
            fixed(p, 1),
            fixed(potential_cut, 1)
        ),
        _ => format!(
            "{}，可考虑战略性放弃",
            below_zh("潜力得分", potential, "潜力线", potential_cut)
        ),
    }
}

fn costs_en(c: &CostBreakdown) -> String {
    let list = c.explain_en();
    if list.is_empty() {
        String::new()
    } else {
        format!(" (largest costs: {list})")
    }
}

fn costs_zh(c: &CostBreakdown) -> String {
    let list = c.explain_zh();
    if list.is_empty() {
        String::new()
    } else {
        format!("（主要成本：{list}）")
    }
}

impl Explain for ValueRule {
    fn explain_en(&self) -> String {
        match *self {
            ValueRule::NegativeContribution {
                net,
                potential,
                potential_cut,
                costs,
            } => format!(
                "net contribution {} < 0: costs exceed profit{}; {}",
                fixed(net, 2),
                costs_en(&costs),
                tail_en(potential, potential_cut)
            ),
            ValueRule::NegativeClv {
                clv,
                potential,
                potential_cut,
                costs,
            } => format!(
                "predicted CLV {} < 0: the customer is expected to cost more than it brings{}; {}",
                fixed(clv, 2),
                costs_en(&costs),
                tail_en(potential, potential_cut)
            ),
            ValueRule::HighValue {
                value,
                value_cut,
                value_quantile,
            } => format!(
                "current value score {} ≥ high cut {} (top {})",
                fixed(value, 1),
                fixed(value_cut, 1),
                percent(1.0 - value_quantile)
            ),
            ValueRule::HighPotential {
                value,
                value_cut,
                potential,
                potential_cut,
                potential_quantile,
            } => format!(
                "{}, potential score {} ≥ potential cut {} (top {})",
                below_en("current value score", value, "high cut", value_cut),
                fixed(potential, 1),
                fixed(potential_cut, 1),
                percent(1.0 - potential_quantile)
            ),
            ValueRule::Maintain {
                value,
                value_cut,
                potential,
                potential_cut,
                net,
            } => {
                let cost = match net {
                    Some(n) => format!("net contribution {} ≥ 0", fixed(n, 2)),
                    None => "costs unknown, so not checked for negative value".to_string(),
                };
                format!(
                    "{}, {}, {cost}",
                    below_en("current value score", value, "high cut", value_cut),
                    below_en("potential score", potential, "potential cut", potential_cut)
                )
            }
        }
    }

    fn explain_zh(&self) -> String {
        match *self {
            ValueRule::NegativeContribution {
                net,
                potential,
                potential_cut,
                costs,
            } => format!(
                "净贡献 {} < 0：成本超过利润{}；{}",
                fixed(net, 2),
                costs_zh(&costs),
                tail_zh(potential, potential_cut)
            ),
            ValueRule::NegativeClv {
                clv,
                potential,
                potential_cut,
                costs,
            } => format!(
                "预测客户终身价值 {} < 0：预计成本超过贡献{}；{}",
                fixed(clv, 2),
                costs_zh(&costs),
                tail_zh(potential, potential_cut)
            ),
            ValueRule::HighValue {
                value,
                value_cut,
                value_quantile,
            } => format!(
                "当前价值得分 {} ≥ 高值线 {}（前{}）",
                fixed(value, 1),
                fixed(value_cut, 1),
                percent(1.0 - value_quantile)
            ),
            ValueRule::HighPotential {
                value,
                value_cut,
                potential,
                potential_cut,
                potential_quantile,
            } => format!(
                "{}，潜力得分 {} ≥ 潜力线 {}（前{}）",
                below_zh("当前价值得分", value, "高值线", value_cut),
                fixed(potential, 1),
                fixed(potential_cut, 1),
                percent(1.0 - potential_quantile)
            ),
            ValueRule::Maintain {
                value,
                value_cut,
                potential,
                potential_cut,
                net,
            } => {
                let cost = match net {
                    Some(n) => format!("净贡献 {} ≥ 0", fixed(n, 2)),
                    None => "成本未知，未判断是否负值".to_string(),
                };
                format!(
                    "{}，{}，{cost}",
                    below_zh("当前价值得分", value, "高值线", value_cut),
                    below_zh("潜力得分", potential, "潜力线", potential_cut)
                )
            }
        }
    }
}

/// Classifies one customer against given cuts (the rule order of the module header), with
/// net contribution only (no CLV, no cost breakdown).
pub fn value_class(
    value: f64,
    potential: f64,
    net_contribution: Option<f64>,
    cuts: &ValuePotentialCuts,
) -> Assigned<ValueClass, ValueRule> {
    value_class_with_loss(
        value,
        potential,
        &LossFacts {
            net: net_contribution,
            ..LossFacts::default()
        },
        cuts,
    )
}

/// Classifies one customer against given cuts (the rule order of the module header): a
/// negative net contribution or a negative predicted CLV makes it `negative_value`.
pub fn value_class_with_loss(
    value: f64,
    potential: f64,
    loss: &LossFacts,
    cuts: &ValuePotentialCuts,
) -> Assigned<ValueClass, ValueRule> {
    let net = loss.net.and_then(known);
    let (value_cut, potential_cut) = (cuts.value_cut, cuts.potential_cut);
    if let Some(net) = net.filter(|n| *n < 0.0) {
        return Assigned {
            class: ValueClass::NegativeValue,
            rule: ValueRule::NegativeContribution {
                net,
                potential,
                potential_cut,
                costs: loss.costs,
            },
        };
    }
    if let Some(clv) = loss.clv.and_then(known).filter(|v| *v < 0.0) {
        return Assigned {
            class: ValueClass::NegativeValue,
            rule: ValueRule::NegativeClv {
                clv,
                potential,
                potential_cut,
                costs: loss.costs,
            },
        };
    }
    if known(value).is_some_and(|v| v >= value_cut) {
        return Assigned {
            class: ValueClass::MostValuable,
            rule: ValueRule::HighValue {
                value,
                value_cut,
                value_quantile: cuts.value_quantile,
            },
        };
    }
    if known(potential).is_some_and(|p| p >= potential_cut) {
        return Assigned {
            class: ValueClass::Secondary,
            rule: ValueRule::HighPotential {
                value,
                value_cut,
                potential,
                potential_cut,
                potential_quantile: cuts.potential_quantile,
            },
        };
    }
    Assigned {
        class: ValueClass::Maintain,
        rule: ValueRule::Maintain {
            value,
            value_cut,
            potential,
            potential_cut,
            net,
        },
    }
}

/// Cuts from the configured quantiles of all customers' scores, then one class per customer.
///
/// `value_scores`, `potential_scores` and `net_contribution` hold one entry per customer, in
/// the same order. Errors: no customers, lengths that differ, quantiles outside (0, 1), or a
/// score column without any finite value.
pub fn classify_value_potential(
    value_scores: &[f64],
    potential_scores: &[f64],
    net_contribution: &[Option<f64>],
    cfg: &ValuePotentialConfig,
) -> Result<(ValuePotentialCuts, Vec<Assigned<ValueClass, ValueRule>>), ClassifyError> {
    let loss: Vec<LossFacts> = net_contribution
        .iter()
        .map(|n| LossFacts {
            net: *n,
            ..LossFacts::default()
        })
        .collect();
    classify_value_potential_with_loss(value_scores, potential_scores, &loss, cfg)
}

/// [`classify_value_potential`] with each customer's [`LossFacts`] (net contribution,
/// predicted CLV and costs): a negative CLV also makes a customer `negative_value`.
pub fn classify_value_potential_with_loss(
    value_scores: &[f64],
    potential_scores: &[f64],
    loss: &[LossFacts],
    cfg: &ValuePotentialConfig,
) -> Result<(ValuePotentialCuts, Vec<Assigned<ValueClass, ValueRule>>), ClassifyError> {
    cfg.validate()?;
    let n = value_scores.len();
    if n == 0 {
        return Err(ClassifyError::Empty);
    }
    same_len("potential_scores", n, potential_scores.len())?;
    same_len("net_contribution", n, loss.len())?;
    let cuts = ValuePotentialCuts {
        value_cut: quantile(value_scores, cfg.value_high_quantile)
            .ok_or(ClassifyError::NoFiniteValues("value_scores"))?,
        potential_cut: quantile(potential_scores, cfg.potential_high_quantile)
            .ok_or(ClassifyError::NoFiniteValues("potential_scores"))?,
        value_quantile: cfg.value_high_quantile,
        potential_quantile: cfg.potential_high_quantile,
    };
    let out = value_scores
        .iter()
        .zip(potential_scores)
        .zip(loss)
        .map(|((v, p), l)| value_class_with_loss(*v, *p, l, &cuts))
        .collect();
    Ok((cuts, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cuts() -> ValuePotentialCuts {
        ValuePotentialCuts {
            value_cut: 64.0,
            potential_cut: 50.0,
            value_quantile: 0.8,
            potential_quantile: 0.7,
        }
    }

    #[test]
    fn rule_order_negative_first() {
        let c = cuts();
        let a = value_class(90.0, 90.0, Some(-10.0), &c);
        assert_eq!(a.class, ValueClass::NegativeValue);
        assert!(a.rule_en().contains("net contribution -10.00 < 0"));
        assert!(a.rule_en().contains("worth trying to convert"));
        assert!(a.rule_zh().contains("值得努力转化"));
        let b = value_class(10.0, 10.0, Some(-0.5), &c);
        assert!(b.rule_en().contains("strategic abandonment"));
        assert!(b.rule_zh().contains("战略性放弃"));
    }

    #[test]
    fn issue_17_negative_clv_is_negative_value_and_names_the_largest_cost() {
        let c = cuts();
        let loss = LossFacts {
            net: Some(1_000.0),
            clv: Some(-70_000.0),
            costs: CostBreakdown {
                revenue: Some(400_000.0),
                goods: Some(200_000.0),
                sales: Some(140_000.0),
                service: Some(63_600.0),
                returns: None,
            },
        };
        let a = value_class_with_loss(95.0, 90.0, &loss, &c);
        assert_eq!(a.class, ValueClass::NegativeValue);
        let en = a.rule_en();
        assert!(en.starts_with("predicted CLV -70000.00 < 0"), "{en}");
        let sales = en.find("sales cost 140000.00 (35").unwrap();
        let service = en.find("service cost 63600.00 (15.9").unwrap();
        assert!(sales < service, "largest first: {en}");
        assert!(a.rule_zh().contains("销售成本"));
        // A negative net contribution is named first when both are negative.
        let both = LossFacts {
            net: Some(-5.0),
            ..loss
        };
        assert!(matches!(
            value_class_with_loss(95.0, 90.0, &both, &c).rule,
            ValueRule::NegativeContribution { .. }
        ));
        // Stored rules from before issue 17 (no costs field) still load.
        let old: ValueRule = serde_json::from_str(
            r#"{"rule":"negative_contribution","net":-1.0,"potential":1.0,"potential_cut":2.0}"#,
        )
        .unwrap();
        assert!(
            old.explain_en()
                .starts_with("net contribution -1.00 < 0: costs exceed profit;")
        );
    }

    #[test]
    fn unknown_costs_are_never_negative() {
        let c = cuts();
        let a = value_class(10.0, 10.0, None, &c);
        assert_eq!(a.class, ValueClass::Maintain);
        assert!(a.rule_en().contains("costs unknown"));
        assert!(a.rule_zh().contains("成本未知"));
        let nan = value_class(10.0, 10.0, Some(f64::NAN), &c);
        assert_eq!(nan.class, ValueClass::Maintain);
    }

    #[test]
    fn the_sentences_name_the_figures() {
        let c = cuts();
        let a = value_class(81.23, 10.0, Some(5.0), &c);
        assert_eq!(a.class, ValueClass::MostValuable);
        assert_eq!(
            a.rule_en(),
            "current value score 81.2 ≥ high cut 64.0 (top 20%)"
        );
        assert_eq!(a.rule_zh(), "当前价值得分 81.2 ≥ 高值线 64.0（前20%）");
        let s = value_class(40.0, 75.34, None, &c);
        assert_eq!(s.class, ValueClass::Secondary);
        assert_eq!(
            s.rule_en(),
            "current value score 40.0 < high cut 64.0, potential score 75.3 ≥ potential cut 50.0 (top 30%)"
        );
        assert_eq!(
            s.rule_zh(),
            "当前价值得分 40.0 < 高值线 64.0，潜力得分 75.3 ≥ 潜力线 50.0（前30%）"
        );
        let m = value_class(f64::NAN, 20.0, Some(3.0), &c);
        assert_eq!(m.class, ValueClass::Maintain);
        assert_eq!(
            m.rule_en(),
            "current value score unknown (counted as below high cut 64.0), potential score 20.0 < potential cut 50.0, net contribution 3.00 ≥ 0"
        );
    }

    #[test]
    fn cut_ties_go_high() {
        let c = cuts();
        assert_eq!(
            value_class(64.0, 0.0, None, &c).class,
            ValueClass::MostValuable
        );
        assert_eq!(
            value_class(0.0, 50.0, None, &c).class,
            ValueClass::Secondary
        );
    }

    #[test]
    fn cuts_are_type_7_quantiles() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let p: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let net = vec![None; 10];
        let (cuts, out) =
            classify_value_potential(&v, &p, &net, &ValuePotentialConfig::default()).unwrap();
        // R: quantile(1:10, .8) = 8.2, quantile(1:10, .7) = 7.3
        assert!((cuts.value_cut - 8.2).abs() < 1e-12);
        assert!((cuts.potential_cut - 7.3).abs() < 1e-12);
        let classes: Vec<ValueClass> = out.iter().map(|a| a.class).collect();
        use ValueClass::*;
        // values 9, 10 most valuable; potentials 10, 9, 8 (values 1..3) secondary.
        assert_eq!(
            classes,
            [
                Secondary,
                Secondary,
                Secondary,
                Maintain,
                Maintain,
                Maintain,
                Maintain,
                Maintain,
                MostValuable,
                MostValuable
            ]
        );
    }

    #[test]
    fn input_errors_are_typed() {
        let cfg = ValuePotentialConfig::default();
        assert_eq!(
            classify_value_potential(&[], &[], &[], &cfg).unwrap_err(),
            ClassifyError::Empty
        );
        assert!(matches!(
            classify_value_potential(&[1.0], &[1.0, 2.0], &[None], &cfg),
            Err(ClassifyError::LengthMismatch {
                what: "potential_scores",
                ..
            })
        ));
        assert_eq!(
            classify_value_potential(&[f64::NAN], &[1.0], &[None], &cfg).unwrap_err(),
            ClassifyError::NoFiniteValues("value_scores")
        );
        let bad = ValuePotentialConfig {
            value_high_quantile: 1.0,
            ..cfg
        };
        assert!(matches!(
            classify_value_potential(&[1.0], &[1.0], &[None], &bad),
            Err(ClassifyError::Config {
                field: "value_high_quantile",
                ..
            })
        ));
    }

    #[test]
    fn ids_are_the_serde_names() {
        for c in ValueClass::ALL {
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.id())
            );
        }
    }

    proptest! {
        #[test]
        fn every_customer_gets_exactly_one_class_consistent_with_cuts(
            rows in proptest::collection::vec(
                (0.0f64..100.0, 0.0f64..100.0, proptest::option::of(-50.0f64..50.0)),
                1..300,
            )
        ) {
            let v: Vec<f64> = rows.iter().map(|r| r.0).collect();
            let p: Vec<f64> = rows.iter().map(|r| r.1).collect();
            let net: Vec<Option<f64>> = rows.iter().map(|r| r.2).collect();
            let (cuts, out) =
                classify_value_potential(&v, &p, &net, &ValuePotentialConfig::default()).unwrap();
            prop_assert_eq!(out.len(), rows.len());
            for (a, (v, p, net)) in out.iter().zip(&rows) {
                let expected = if net.is_some_and(|n| n < 0.0) {
                    ValueClass::NegativeValue
                } else if *v >= cuts.value_cut {
                    ValueClass::MostValuable
                } else if *p >= cuts.potential_cut {
                    ValueClass::Secondary
                } else {
                    ValueClass::Maintain
                };
                prop_assert_eq!(a.class, expected);
                prop_assert!(!a.rule_en().is_empty() && !a.rule_zh().is_empty());
            }
        }
    }
}
