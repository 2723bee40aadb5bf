//! The profitability × loyalty matrix of Reinartz & Kumar ("The Mismanagement of Customer
//! Loyalty", Harvard Business Review, July 2002): true friends, butterflies, barnacles and
//! strangers.
//!
//! Their point is that loyal customers are not automatically profitable, so the two axes are
//! measured separately: profit (e.g. margin or CLV) and loyalty (e.g. tenure or expected
//! lifetime). Each axis is split at a type-7 quantile of the known values, the median by
//! default; "high" means at or above the cut. A missing value (`None`, NaN) counts as low and
//! the sentence says it was unknown, so a customer is never promoted on data nobody has.
//!
//! | | short-term | long-term |
//! |---|---|---|
//! | high profit | butterfly (蝴蝶) | true friend (真正的朋友) |
//! | low profit | stranger (陌生人) | barnacle (藤壶) |
//!
//! A matrix needs two measures that tell customers apart. When an axis has no known value, or
//! the same value for every customer who has one (profit on a base without cost data: every
//! customer 0), nobody is classified (issue 17): every customer gets
//! [`ProfitLoyaltyClass::NotClassified`] and the rule says which axis and why, instead of
//! quadrants that only echo the other axis.

use serde::{Deserialize, Serialize};

use crate::ClassifyError;
use crate::explain::{Assigned, Explain, fixed, known, open_unit, percent, same_len};
use custval_base::quantile::quantile;

/// A quadrant of the profitability × loyalty matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfitLoyaltyClass {
    /// High profit, long-term.
    TrueFriend,
    /// High profit, short-term.
    Butterfly,
    /// Low profit, long-term.
    Barnacle,
    /// Low profit, short-term.
    Stranger,
    /// Not classified: an axis is missing or constant across the base (see the rule).
    NotClassified,
}

impl ProfitLoyaltyClass {
    /// Every quadrant (without [`ProfitLoyaltyClass::NotClassified`]).
    pub const ALL: [ProfitLoyaltyClass; 4] = [
        ProfitLoyaltyClass::TrueFriend,
        ProfitLoyaltyClass::Butterfly,
        ProfitLoyaltyClass::Barnacle,
        ProfitLoyaltyClass::Stranger,
    ];

    /// Stable snake_case id (the serde name).
    pub fn id(self) -> &'static str {
        match self {
            ProfitLoyaltyClass::TrueFriend => "true_friend",
            ProfitLoyaltyClass::Butterfly => "butterfly",
            ProfitLoyaltyClass::Barnacle => "barnacle",
            ProfitLoyaltyClass::Stranger => "stranger",
            ProfitLoyaltyClass::NotClassified => "not_classified",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            ProfitLoyaltyClass::TrueFriend => "true friend",
            ProfitLoyaltyClass::Butterfly => "butterfly",
            ProfitLoyaltyClass::Barnacle => "barnacle",
            ProfitLoyaltyClass::Stranger => "stranger",
            ProfitLoyaltyClass::NotClassified => "not classified",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            ProfitLoyaltyClass::TrueFriend => "真正的朋友",
            ProfitLoyaltyClass::Butterfly => "蝴蝶",
            ProfitLoyaltyClass::Barnacle => "藤壶",
            ProfitLoyaltyClass::Stranger => "陌生人",
            ProfitLoyaltyClass::NotClassified => "未分类",
        }
    }

    /// The treatment the quadrant suggests, in English.
    pub fn goal_en(self) -> &'static str {
        match self {
            ProfitLoyaltyClass::TrueFriend => {
                "keep in steady, not too frequent contact; reward loyalty"
            }
            ProfitLoyaltyClass::Butterfly => {
                "profit while they buy, stop investing once they lapse"
            }
            ProfitLoyaltyClass::Barnacle => {
                "measure share of wallet: up-sell and cross-sell if it is low, cut service cost if the wallet is small"
            }
            ProfitLoyaltyClass::Stranger => {
                "no relationship investment; make every transaction profitable"
            }
            ProfitLoyaltyClass::NotClassified => {
                "none from this matrix: supply the missing measure (e.g. cost data) first"
            }
        }
    }

    /// The treatment the quadrant suggests, in Chinese.
    pub fn goal_zh(self) -> &'static str {
        match self {
            ProfitLoyaltyClass::TrueFriend => "保持稳定而不过度的联系，回馈忠诚",
            ProfitLoyaltyClass::Butterfly => "趁其购买时获利，流失后停止投入",
            ProfitLoyaltyClass::Barnacle => {
                "评估钱包份额：份额低则交叉销售与向上销售，钱包小则控制服务成本"
            }
            ProfitLoyaltyClass::Stranger => "不做关系投入，确保每笔交易盈利",
            ProfitLoyaltyClass::NotClassified => "本矩阵不给建议：请先补充缺失的度量（如成本数据）",
        }
    }
}

/// Where each axis is split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProfitLoyaltyConfig {
    /// Profit at or above this quantile is high (0.5: the median).
    pub profit_quantile: f64,
    /// Loyalty at or above this quantile is long-term (0.5: the median).
    pub loyalty_quantile: f64,
}

impl Default for ProfitLoyaltyConfig {
    fn default() -> Self {
        Self {
            profit_quantile: 0.5,
            loyalty_quantile: 0.5,
        }
    }
}

impl ProfitLoyaltyConfig {
    /// Both quantiles strictly between 0 and 1.
    pub fn validate(&self) -> Result<(), ClassifyError> {
        open_unit("profit_quantile", self.profit_quantile)?;
        open_unit("loyalty_quantile", self.loyalty_quantile)
    }
}

/// An axis of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfitLoyaltyAxis {
    Profit,
    Loyalty,
}

impl ProfitLoyaltyAxis {
    fn en(self) -> &'static str {
        match self {
            ProfitLoyaltyAxis::Profit => "profit",
            ProfitLoyaltyAxis::Loyalty => "loyalty",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            ProfitLoyaltyAxis::Profit => "利润",
            ProfitLoyaltyAxis::Loyalty => "忠诚度",
        }
    }
}

/// Why the matrix classified nobody.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "why")]
pub enum NotClassified {
    /// The axis has no known value for any customer.
    Missing { axis: ProfitLoyaltyAxis },
    /// Every customer with a known value has this same value.
    Constant {
        axis: ProfitLoyaltyAxis,
        value: f64,
        known: u64,
    },
}

impl Explain for NotClassified {
    fn explain_en(&self) -> String {
        match *self {
            NotClassified::Missing { axis } => format!(
                "profit × loyalty not classified: no customer has a {} figure",
                axis.en()
            ),
            NotClassified::Constant { axis, value, known } => format!(
                "profit × loyalty not classified: {} is {} for all {known} customers who have it, so it cannot tell them apart (e.g. no cost data)",
                axis.en(),
                fixed(value, 2)
            ),
        }
    }
    fn explain_zh(&self) -> String {
        match *self {
            NotClassified::Missing { axis } => {
                format!("盈利性×忠诚度未分类：没有任何客户有{}数据", axis.zh())
            }
            NotClassified::Constant { axis, value, known } => format!(
                "盈利性×忠诚度未分类：有{}数据的 {known} 位客户全部为 {}，无法区分客户（例如缺少成本数据）",
                axis.zh(),
                fixed(value, 2)
            ),
        }
    }
}

/// The cuts actually used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProfitLoyaltyCuts {
    /// Profit at the profit quantile (0 when not classified).
    pub profit_cut: f64,
    /// Loyalty at the loyalty quantile (0 when not classified).
    pub loyalty_cut: f64,
    /// The quantile behind `profit_cut`.
    pub profit_quantile: f64,
    /// The quantile behind `loyalty_cut`.
    pub loyalty_quantile: f64,
    /// Set when the matrix classifies nobody, with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_classified: Option<NotClassified>,
}

/// The figures behind a quadrant; `None` means unknown (counted as low).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProfitLoyaltyRule {
    pub profit: Option<f64>,
    pub profit_cut: f64,
    pub profit_quantile: f64,
    pub loyalty: Option<f64>,
    pub loyalty_cut: f64,
    pub loyalty_quantile: f64,
    /// Set when the customer is not classified, with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_classified: Option<NotClassified>,
}

fn cut_name_en(q: f64) -> String {
    if q == 0.5 {
        "median".to_string()
    } else {
        format!("{} quantile", percent(q))
    }
}

fn cut_name_zh(q: f64) -> String {
    if q == 0.5 {
        "中位数".to_string()
    } else {
        format!("{}分位数", percent(q))
    }
}

fn axis_en(what: &str, x: Option<f64>, cut: f64, q: f64, high: &str, low: &str) -> String {
    let name = cut_name_en(q);
    match x {
        Some(x) if x >= cut => {
            format!("{what} {} ≥ {name} {} → {high}", fixed(x, 2), fixed(cut, 2))
        }
        Some(x) => format!("{what} {} < {name} {} → {low}", fixed(x, 2), fixed(cut, 2)),
        None => format!("{what} unknown → counted as {low}"),
    }
}

fn axis_zh(what: &str, x: Option<f64>, cut: f64, q: f64, high: &str, low: &str) -> String {
    let name = cut_name_zh(q);
    match x {
        Some(x) if x >= cut => {
            format!("{what} {} ≥ {name} {} → {high}", fixed(x, 2), fixed(cut, 2))
        }
        Some(x) => format!("{what} {} < {name} {} → {low}", fixed(x, 2), fixed(cut, 2)),
        None => format!("{what}未知 → 按{low}处理"),
    }
}

impl Explain for ProfitLoyaltyRule {
    fn explain_en(&self) -> String {
        if let Some(n) = &self.not_classified {
            return n.explain_en();
        }
        format!(
            "{}; {}",
            axis_en(
                "profit",
                self.profit,
                self.profit_cut,
                self.profit_quantile,
                "high profit",
                "low profit"
            ),
            axis_en(
                "loyalty",
                self.loyalty,
                self.loyalty_cut,
                self.loyalty_quantile,
                "long-term",
                "short-term"
            )
        )
    }

    fn explain_zh(&self) -> String {
        if let Some(n) = &self.not_classified {
            return n.explain_zh();
        }
        format!(
            "{}；{}",
            axis_zh(
                "利润",
                self.profit,
                self.profit_cut,
                self.profit_quantile,
                "高利润",
                "低利润"
            ),
            axis_zh(
                "忠诚度",
                self.loyalty,
                self.loyalty_cut,
                self.loyalty_quantile,
                "长期",
                "短期"
            )
        )
    }
}

/// The quadrant of one customer against given cuts.
pub fn profit_loyalty_class(
    profit: Option<f64>,
    loyalty: Option<f64>,
    cuts: &ProfitLoyaltyCuts,
) -> Assigned<ProfitLoyaltyClass, ProfitLoyaltyRule> {
    let profit = profit.and_then(known);
    let loyalty = loyalty.and_then(known);
    let high_profit = profit.is_some_and(|p| p >= cuts.profit_cut);
    let long_term = loyalty.is_some_and(|l| l >= cuts.loyalty_cut);
    let class = match (high_profit, long_term) {
        _ if cuts.not_classified.is_some() => ProfitLoyaltyClass::NotClassified,
        (true, true) => ProfitLoyaltyClass::TrueFriend,
        (true, false) => ProfitLoyaltyClass::Butterfly,
        (false, true) => ProfitLoyaltyClass::Barnacle,
        (false, false) => ProfitLoyaltyClass::Stranger,
    };
    Assigned {
        class,
        rule: ProfitLoyaltyRule {
            profit,
            profit_cut: cuts.profit_cut,
            profit_quantile: cuts.profit_quantile,
            loyalty,
            loyalty_cut: cuts.loyalty_cut,
            loyalty_quantile: cuts.loyalty_quantile,
            not_classified: cuts.not_classified,
        },
    }
}

/// Why an axis cannot split the base, if it cannot: no known value, or one value for all.
fn degenerate(axis: ProfitLoyaltyAxis, known: &[f64]) -> Option<NotClassified> {
    let Some(&first) = known.first() else {
        return Some(NotClassified::Missing { axis });
    };
    known
        .iter()
        .all(|v| *v == first)
        .then_some(NotClassified::Constant {
            axis,
            value: first,
            known: known.len() as u64,
        })
}

/// Cuts from the known values of each axis, then one quadrant per customer. An axis without
/// any known value, or with one value for every customer who has one, classifies nobody: the
/// cuts carry the reason and every customer is [`ProfitLoyaltyClass::NotClassified`].
///
/// Errors: no customers, lengths that differ, or quantiles outside (0, 1).
pub fn classify_profit_loyalty(
    profit: &[Option<f64>],
    loyalty: &[Option<f64>],
    cfg: &ProfitLoyaltyConfig,
) -> Result<
    (
        ProfitLoyaltyCuts,
        Vec<Assigned<ProfitLoyaltyClass, ProfitLoyaltyRule>>,
    ),
    ClassifyError,
> {
    cfg.validate()?;
    let n = profit.len();
    if n == 0 {
        return Err(ClassifyError::Empty);
    }
    same_len("loyalty", n, loyalty.len())?;
    let column =
        |xs: &[Option<f64>]| -> Vec<f64> { xs.iter().filter_map(|x| x.and_then(known)).collect() };
    let (p, l) = (column(profit), column(loyalty));
    let not_classified = degenerate(ProfitLoyaltyAxis::Profit, &p)
        .or_else(|| degenerate(ProfitLoyaltyAxis::Loyalty, &l));
    let cuts = ProfitLoyaltyCuts {
        profit_cut: quantile(&p, cfg.profit_quantile).unwrap_or(0.0),
        loyalty_cut: quantile(&l, cfg.loyalty_quantile).unwrap_or(0.0),
        profit_quantile: cfg.profit_quantile,
        loyalty_quantile: cfg.loyalty_quantile,
        not_classified,
    };
    let out = profit
        .iter()
        .zip(loyalty)
        .map(|(p, l)| profit_loyalty_class(*p, *l, &cuts))
        .collect();
    Ok((cuts, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn four_quadrants_at_the_median() {
        let profit = [Some(10.0), Some(10.0), Some(1.0), Some(1.0), None];
        let loyalty = [Some(5.0), Some(1.0), Some(5.0), Some(1.0), Some(5.0)];
        let (cuts, out) =
            classify_profit_loyalty(&profit, &loyalty, &ProfitLoyaltyConfig::default()).unwrap();
        // Medians of the known values: profit (1, 1, 10, 10) → 5.5; loyalty (1, 1, 5, 5, 5) → 5.
        assert_eq!(cuts.profit_cut, 5.5);
        assert_eq!(cuts.loyalty_cut, 5.0);
        let classes: Vec<_> = out.iter().map(|a| a.class).collect();
        use ProfitLoyaltyClass::*;
        assert_eq!(
            classes,
            [TrueFriend, Butterfly, Barnacle, Stranger, Barnacle]
        );
        assert_eq!(
            out[0].rule_en(),
            "profit 10.00 ≥ median 5.50 → high profit; loyalty 5.00 ≥ median 5.00 → long-term"
        );
        assert_eq!(
            out[4].rule_zh(),
            "利润未知 → 按低利润处理；忠诚度 5.00 ≥ 中位数 5.00 → 长期"
        );
        assert!(
            out[4]
                .rule_en()
                .starts_with("profit unknown → counted as low profit")
        );
    }

    #[test]
    fn other_quantiles_are_named() {
        let cfg = ProfitLoyaltyConfig {
            profit_quantile: 0.7,
            loyalty_quantile: 0.5,
        };
        let (_, out) =
            // Two loyalty values: one known value alone would be constant (not classified).
            classify_profit_loyalty(&[Some(1.0), Some(2.0)], &[Some(1.0), Some(2.0)], &cfg)
                .unwrap();
        assert!(out[0].rule_en().contains("70% quantile"));
        assert!(out[0].rule_zh().contains("70%分位数"));
    }

    #[test]
    fn errors() {
        let cfg = ProfitLoyaltyConfig::default();
        let (cuts, out) = classify_profit_loyalty(&[None], &[Some(1.0)], &cfg).unwrap();
        assert_eq!(
            cuts.not_classified,
            Some(NotClassified::Missing {
                axis: ProfitLoyaltyAxis::Profit
            })
        );
        assert_eq!(out[0].class, ProfitLoyaltyClass::NotClassified);
        assert!(matches!(
            classify_profit_loyalty(&[Some(1.0)], &[], &cfg),
            Err(ClassifyError::LengthMismatch { .. })
        ));
        for c in ProfitLoyaltyClass::ALL {
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.id())
            );
        }
    }

    #[test]
    fn issue_17_constant_profit_classifies_nobody() {
        // CDNOW has no cost data: every customer with a profit figure has 0.
        let profit = [Some(0.0), None, Some(0.0), Some(0.0)];
        let loyalty = [Some(400.0), Some(500.0), Some(450.0), Some(30.0)];
        let (cuts, out) =
            classify_profit_loyalty(&profit, &loyalty, &ProfitLoyaltyConfig::default()).unwrap();
        assert!(cuts.not_classified.is_some());
        assert!(
            out.iter()
                .all(|a| a.class == ProfitLoyaltyClass::NotClassified)
        );
        assert_eq!(
            out[1].rule_en(),
            "profit × loyalty not classified: profit is 0.00 for all 3 customers who have it, so it cannot tell them apart (e.g. no cost data)"
        );
        assert!(out[0].rule_zh().starts_with("盈利性×忠诚度未分类"));
        assert_eq!(ProfitLoyaltyClass::NotClassified.id(), "not_classified");
        // Stored cuts place a later customer the same way (provisional updates).
        let later = profit_loyalty_class(Some(5.0), Some(900.0), &cuts);
        assert_eq!(later.class, ProfitLoyaltyClass::NotClassified);
        // Old stored rules (without the field) still read.
        let old: ProfitLoyaltyRule = serde_json::from_str(
            r#"{"profit":1.0,"profit_cut":0.5,"profit_quantile":0.5,"loyalty":null,"loyalty_cut":1.0,"loyalty_quantile":0.5}"#,
        )
        .unwrap();
        assert!(old.not_classified.is_none());
    }

    proptest! {
        #[test]
        fn quadrant_matches_both_axes(
            rows in proptest::collection::vec(
                (proptest::option::of(-100.0f64..100.0), proptest::option::of(0.0f64..50.0)),
                1..200,
            )
        ) {
            let p: Vec<_> = rows.iter().map(|r| r.0).collect();
            let l: Vec<_> = rows.iter().map(|r| r.1).collect();
            match classify_profit_loyalty(&p, &l, &ProfitLoyaltyConfig::default()) {
                Err(e) => prop_assert!(false, "{e}"),
                Ok((cuts, out)) if cuts.not_classified.is_some() => {
                    prop_assert!(out.iter().all(|a| a.class == ProfitLoyaltyClass::NotClassified));
                }
                Ok((cuts, out)) => {
                    prop_assert_eq!(out.len(), rows.len());
                    for (a, (p, l)) in out.iter().zip(&rows) {
                        let hp = p.is_some_and(|p| p >= cuts.profit_cut);
                        let lt = l.is_some_and(|l| l >= cuts.loyalty_cut);
                        let high = matches!(a.class, ProfitLoyaltyClass::TrueFriend | ProfitLoyaltyClass::Butterfly);
                        let long = matches!(a.class, ProfitLoyaltyClass::TrueFriend | ProfitLoyaltyClass::Barnacle);
                        prop_assert_eq!(hp, high);
                        prop_assert_eq!(lt, long);
                    }
                }
            }
        }
    }
}
