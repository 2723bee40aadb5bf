//! Risk customers (风险客户, 风险管理): rules over payment behaviour, credit exposure,
//! shrinking business and complaints, a level per customer with the evidence, and the alert
//! when a key account becomes risky.
//!
//! # Rules (each can be disabled and weighted in config)
//! | section | triggers when | default |
//! |---|---|---|
//! | `payment_delay` | average payment delay grew by ≥ `increase_days` against the previous period, or is ≥ `level_days` | 10 days, 30 days, weight 1 |
//! | `overdue` | overdue amount ≥ `max_ratio` × 12-month spend (or any overdue amount with no spend) | 20 %, weight 2 |
//! | `shrinking` | 12-month spend or order count fell by ≥ `drop` against the previous 12 months | 30 %, weight 1 |
//! | `complaints` | complaints in 12 months ≥ `min_count` | 3, weight 1 |
//!
//! Credit exposure weighs double by default: it is the loss the company can limit at once.
//!
//! # Level
//! The score is the sum of the weights of the *sections* that triggered (a section with two
//! triggered conditions, such as a high and a rising delay, counts once but shows both pieces
//! of evidence). Score ≥ `levels.high` (3) → high, ≥ `levels.medium` (2) → medium, ≥
//! `levels.low` (1) → low, else none. Weights are never negative, so one more triggered rule
//! can never lower the level.
//!
//! # Missing facts never trigger
//! A rule whose figures are unknown (`None` or non-finite) is skipped, and a drop needs a
//! previous figure above zero: a customer without history cannot shrink. Unknown is not
//! evidence; the data-quality report is the place to chase missing payments.

use serde::{Deserialize, Serialize};

use crate::AccountsError;
use crate::explain::{known_opt, money, num, percent};

/// What the risk rules look at, per customer; `None` = unknown.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RiskFacts {
    /// Average payment delay in days over the last 12 months.
    pub avg_payment_delay_days: Option<f64>,
    /// The same over the previous 12 months.
    pub prev_avg_payment_delay_days: Option<f64>,
    /// Amount invoiced, due and unpaid at the as-of date.
    pub overdue_amount: Option<f64>,
    /// Net spend of the last 12 months.
    pub spend_12m: Option<f64>,
    /// Net spend of the 12 months before.
    pub prev_spend_12m: Option<f64>,
    /// Orders in the last 12 months.
    pub orders_12m: Option<f64>,
    /// Orders in the 12 months before.
    pub prev_orders_12m: Option<f64>,
    /// Complaints in the last 12 months.
    pub complaints_12m: Option<u32>,
}

/// The payment delay rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentDelayRule {
    /// Checked at all (true).
    pub enabled: bool,
    /// Weight in the risk score (1).
    pub weight: f64,
    /// Growth of the average delay, in days, that triggers (10).
    pub increase_days: f64,
    /// Average delay, in days, that triggers on its own (30).
    pub level_days: f64,
}

impl Default for PaymentDelayRule {
    fn default() -> Self {
        Self {
            enabled: true,
            weight: 1.0,
            increase_days: 10.0,
            level_days: 30.0,
        }
    }
}

/// The overdue-against-spend (credit exposure) rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OverdueRule {
    /// Checked at all (true).
    pub enabled: bool,
    /// Weight in the risk score (2).
    pub weight: f64,
    /// Overdue / 12-month spend that triggers (0.2).
    pub max_ratio: f64,
}

impl Default for OverdueRule {
    fn default() -> Self {
        Self {
            enabled: true,
            weight: 2.0,
            max_ratio: 0.2,
        }
    }
}

/// The shrinking-business rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShrinkingRule {
    /// Checked at all (true).
    pub enabled: bool,
    /// Weight in the risk score (1).
    pub weight: f64,
    /// Relative drop of spend or orders that triggers (0.3).
    pub drop: f64,
}

impl Default for ShrinkingRule {
    fn default() -> Self {
        Self {
            enabled: true,
            weight: 1.0,
            drop: 0.3,
        }
    }
}

/// The complaints rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ComplaintsRule {
    /// Checked at all (true).
    pub enabled: bool,
    /// Weight in the risk score (1).
    pub weight: f64,
    /// Complaints in 12 months that trigger (3).
    pub min_count: u32,
}

impl Default for ComplaintsRule {
    fn default() -> Self {
        Self {
            enabled: true,
            weight: 1.0,
            min_count: 3,
        }
    }
}

/// Score cuts of the levels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskLevels {
    /// Lowest score of the low level (1).
    pub low: f64,
    /// Lowest score of the medium level (2).
    pub medium: f64,
    /// Lowest score of the high level (3).
    pub high: f64,
}

impl Default for RiskLevels {
    fn default() -> Self {
        Self {
            low: 1.0,
            medium: 2.0,
            high: 3.0,
        }
    }
}

impl RiskLevels {
    /// The level of a risk score (see the module header).
    pub fn level(&self, score: f64) -> RiskLevel {
        if score >= self.high {
            RiskLevel::High
        } else if score >= self.medium {
            RiskLevel::Medium
        } else if score >= self.low && score > 0.0 {
            RiskLevel::Low
        } else {
            RiskLevel::None
        }
    }
}

/// The risk rules and level cuts.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskConfig {
    /// Payment delay trend or level.
    pub payment_delay: PaymentDelayRule,
    /// Overdue amount against spend.
    pub overdue: OverdueRule,
    /// Shrinking spend or orders.
    pub shrinking: ShrinkingRule,
    /// Complaints.
    pub complaints: ComplaintsRule,
    /// Level cuts.
    pub levels: RiskLevels,
}

impl RiskConfig {
    /// Weights finite and ≥ 0, thresholds finite (drops and ratios ≥ 0), cuts 0 < low ≤ medium
    /// ≤ high.
    pub fn validate(&self) -> Result<(), AccountsError> {
        let bad = |field, value, reason| {
            Err(AccountsError::Config {
                field,
                value,
                reason,
            })
        };
        for (field, w) in [
            ("risk.payment_delay.weight", self.payment_delay.weight),
            ("risk.overdue.weight", self.overdue.weight),
            ("risk.shrinking.weight", self.shrinking.weight),
            ("risk.complaints.weight", self.complaints.weight),
            ("risk.overdue.max_ratio", self.overdue.max_ratio),
            ("risk.shrinking.drop", self.shrinking.drop),
        ] {
            if !(w.is_finite() && w >= 0.0) {
                return bad(field, w, "must be a finite number ≥ 0");
            }
        }
        for (field, v) in [
            (
                "risk.payment_delay.increase_days",
                self.payment_delay.increase_days,
            ),
            (
                "risk.payment_delay.level_days",
                self.payment_delay.level_days,
            ),
        ] {
            if !v.is_finite() {
                return bad(field, v, "must be a finite number");
            }
        }
        let l = &self.levels;
        if !(l.low.is_finite() && l.low > 0.0) {
            return bad("risk.levels.low", l.low, "must be a finite number > 0");
        }
        if !(l.medium >= l.low && l.medium.is_finite()) {
            return bad(
                "risk.levels.medium",
                l.medium,
                "must be finite and ≥ levels.low",
            );
        }
        if !(l.high >= l.medium && l.high.is_finite()) {
            return bad(
                "risk.levels.high",
                l.high,
                "must be finite and ≥ levels.medium",
            );
        }
        Ok(())
    }
}

/// A risk level.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// No rule triggered (or too little weight).
    #[default]
    None,
    /// 低风险.
    Low,
    /// 中风险.
    Medium,
    /// 高风险.
    High,
}

impl RiskLevel {
    /// Stable snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            RiskLevel::None => "none",
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            RiskLevel::None => "no risk",
            RiskLevel::Low => "low risk",
            RiskLevel::Medium => "medium risk",
            RiskLevel::High => "high risk",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            RiskLevel::None => "无风险",
            RiskLevel::Low => "低风险",
            RiskLevel::Medium => "中风险",
            RiskLevel::High => "高风险",
        }
    }

    /// A risk customer (风险客户) worth an alert: medium or high.
    pub fn is_risky(self) -> bool {
        self >= RiskLevel::Medium
    }
}

/// Which condition triggered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskRule {
    /// Average payment delay grew (value: growth in days).
    PaymentDelayIncrease,
    /// Average payment delay is high (value: days).
    PaymentDelayLevel,
    /// Overdue against 12-month spend (value: the ratio; with no spend, the overdue amount
    /// and a threshold of 0).
    OverdueRatio,
    /// 12-month spend fell (value: relative drop).
    SpendDrop,
    /// 12-month order count fell (value: relative drop).
    OrdersDrop,
    /// Many complaints (value: count).
    Complaints,
}

impl RiskRule {
    /// Stable snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            RiskRule::PaymentDelayIncrease => "payment_delay_increase",
            RiskRule::PaymentDelayLevel => "payment_delay_level",
            RiskRule::OverdueRatio => "overdue_ratio",
            RiskRule::SpendDrop => "spend_drop",
            RiskRule::OrdersDrop => "orders_drop",
            RiskRule::Complaints => "complaints",
        }
    }
}

/// One triggered condition with its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskEvidence {
    /// The condition.
    pub rule: RiskRule,
    /// The customer's figure.
    pub value: f64,
    /// The configured threshold it reached.
    pub threshold: f64,
    /// The English sentence.
    pub explain_en: String,
    /// The Chinese sentence.
    pub explain_zh: String,
}

/// A customer's risk level and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RiskAssessment {
    /// The level.
    pub level: RiskLevel,
    /// Sum of the weights of the triggered rule sections.
    pub score: f64,
    /// Every triggered condition, in rule order.
    pub evidence: Vec<RiskEvidence>,
}

impl RiskAssessment {
    /// Flagged as a risk customer at all (any level above none).
    pub fn flagged(&self) -> bool {
        self.level > RiskLevel::None
    }
}

/// Relative drop from `prev` to `cur` when both are known and `prev > 0`.
fn relative_drop(prev: Option<f64>, cur: Option<f64>) -> Option<(f64, f64, f64)> {
    let (p, c) = (known_opt(prev)?, known_opt(cur)?);
    (p > 0.0).then(|| ((p - c) / p, p, c))
}

/// Assesses one customer. Call [`RiskConfig::validate`] once beforehand; an invalid config
/// still gives an answer (rules compare with whatever thresholds are set).
///
/// Each enabled rule section adds its weight once when any of its conditions triggers.
pub fn assess_risk(f: &RiskFacts, cfg: &RiskConfig) -> RiskAssessment {
    let sections = [
        (
            cfg.payment_delay.weight,
            cfg.payment_delay
                .enabled
                .then(|| payment_delay(f, &cfg.payment_delay)),
        ),
        (
            cfg.overdue.weight,
            cfg.overdue.enabled.then(|| overdue(f, &cfg.overdue)),
        ),
        (
            cfg.shrinking.weight,
            cfg.shrinking.enabled.then(|| shrinking(f, &cfg.shrinking)),
        ),
        (
            cfg.complaints.weight,
            cfg.complaints
                .enabled
                .then(|| complaints(f, &cfg.complaints)),
        ),
    ];
    let mut evidence = Vec::new();
    let mut score = 0.0;
    for (weight, found) in sections {
        let found = found.unwrap_or_default();
        if !found.is_empty() {
            score += weight;
            evidence.extend(found);
        }
    }
    RiskAssessment {
        level: cfg.levels.level(score),
        score,
        evidence,
    }
}

fn evidence(rule: RiskRule, value: f64, threshold: f64, en: String, zh: String) -> RiskEvidence {
    RiskEvidence {
        rule,
        value,
        threshold,
        explain_en: en,
        explain_zh: zh,
    }
}

/// The payment-delay section: a growing and a high average delay.
fn payment_delay(f: &RiskFacts, pd: &PaymentDelayRule) -> Vec<RiskEvidence> {
    let mut out = Vec::new();
    let cur = known_opt(f.avg_payment_delay_days);
    if let (Some(c), Some(p)) = (cur, known_opt(f.prev_avg_payment_delay_days)) {
        let inc = c - p;
        if inc >= pd.increase_days {
            out.push(evidence(
                RiskRule::PaymentDelayIncrease,
                inc,
                pd.increase_days,
                format!(
                    "average payment delay rose from {} to {} days (+{} ≥ +{})",
                    num(p),
                    num(c),
                    num(inc),
                    num(pd.increase_days)
                ),
                format!(
                    "平均付款延迟从 {} 天增至 {} 天（+{} ≥ +{}）",
                    num(p),
                    num(c),
                    num(inc),
                    num(pd.increase_days)
                ),
            ));
        }
    }
    if let Some(c) = cur.filter(|c| *c >= pd.level_days) {
        out.push(evidence(
            RiskRule::PaymentDelayLevel,
            c,
            pd.level_days,
            format!(
                "average payment delay {} days ≥ {}",
                num(c),
                num(pd.level_days)
            ),
            format!("平均付款延迟 {} 天 ≥ {} 天", num(c), num(pd.level_days)),
        ));
    }
    out
}

/// The overdue section: overdue against 12-month spend (or overdue with no spend).
fn overdue(f: &RiskFacts, od: &OverdueRule) -> Vec<RiskEvidence> {
    let mut out = Vec::new();
    if let (Some(o), Some(s)) = (known_opt(f.overdue_amount), known_opt(f.spend_12m)) {
        if o > 0.0 && s <= 0.0 {
            out.push(evidence(
                RiskRule::OverdueRatio,
                o,
                0.0,
                format!(
                    "overdue amount {} with no spend in the last 12 months",
                    money(o)
                ),
                format!("逾期金额 {}，而近12个月无消费", money(o)),
            ));
        } else if s > 0.0 && o / s >= od.max_ratio && o > 0.0 {
            out.push(evidence(
                RiskRule::OverdueRatio,
                o / s,
                od.max_ratio,
                format!(
                    "overdue amount {} is {} of 12-month spend {} (≥ {})",
                    money(o),
                    percent(o / s),
                    money(s),
                    percent(od.max_ratio)
                ),
                format!(
                    "逾期金额 {} 占近12个月消费 {} 的 {}（≥ {}）",
                    money(o),
                    money(s),
                    percent(o / s),
                    percent(od.max_ratio)
                ),
            ));
        }
    }
    out
}

/// The shrinking section: 12-month spend and order count fell.
fn shrinking(f: &RiskFacts, sh: &ShrinkingRule) -> Vec<RiskEvidence> {
    let mut out = Vec::new();
    if let Some((d, p, c)) = relative_drop(f.prev_spend_12m, f.spend_12m).filter(|x| x.0 >= sh.drop)
    {
        out.push(evidence(
            RiskRule::SpendDrop,
            d,
            sh.drop,
            format!(
                "12-month spend fell {} from {} to {} (≥ {})",
                percent(d),
                money(p),
                money(c),
                percent(sh.drop)
            ),
            format!(
                "近12个月消费从 {} 降至 {}，下降 {}（≥ {}）",
                money(p),
                money(c),
                percent(d),
                percent(sh.drop)
            ),
        ));
    }
    if let Some((d, p, c)) =
        relative_drop(f.prev_orders_12m, f.orders_12m).filter(|x| x.0 >= sh.drop)
    {
        out.push(evidence(
            RiskRule::OrdersDrop,
            d,
            sh.drop,
            format!(
                "orders in 12 months fell {} from {} to {} (≥ {})",
                percent(d),
                num(p),
                num(c),
                percent(sh.drop)
            ),
            format!(
                "近12个月订单数从 {} 降至 {}，下降 {}（≥ {}）",
                num(p),
                num(c),
                percent(d),
                percent(sh.drop)
            ),
        ));
    }
    out
}

/// The complaints section.
fn complaints(f: &RiskFacts, cp: &ComplaintsRule) -> Vec<RiskEvidence> {
    let mut out = Vec::new();
    if let Some(n) = f.complaints_12m.filter(|n| *n >= cp.min_count) {
        out.push(evidence(
            RiskRule::Complaints,
            f64::from(n),
            f64::from(cp.min_count),
            format!("{n} complaints in 12 months (≥ {})", cp.min_count),
            format!("近12个月投诉 {n} 次（≥ {} 次）", cp.min_count),
        ));
    }
    out
}

/// True when the customer is risky now ([`RiskLevel::is_risky`]: medium or high) and was not
/// at the previous assessment. A customer with no previous assessment (new, or the first run)
/// counts as not risky before, so it alerts; skip alerts on a first run if that is unwanted.
pub fn became_risky(prev: Option<&RiskAssessment>, cur: &RiskAssessment) -> bool {
    cur.level.is_risky() && !prev.is_some_and(|p| p.level.is_risky())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_delay_counts_once_with_two_pieces_of_evidence() {
        let f = RiskFacts {
            avg_payment_delay_days: Some(35.0),
            prev_avg_payment_delay_days: Some(20.0),
            ..RiskFacts::default()
        };
        let a = assess_risk(&f, &RiskConfig::default());
        assert_eq!(a.score, 1.0);
        assert_eq!(a.level, RiskLevel::Low);
        let rules: Vec<_> = a.evidence.iter().map(|e| e.rule).collect();
        assert_eq!(
            rules,
            [RiskRule::PaymentDelayIncrease, RiskRule::PaymentDelayLevel]
        );
        assert_eq!(
            a.evidence[0].explain_en,
            "average payment delay rose from 20 to 35 days (+15 ≥ +10)"
        );
        assert_eq!(a.evidence[1].explain_zh, "平均付款延迟 35 天 ≥ 30 天");
    }

    #[test]
    fn overdue_against_spend() {
        let cfg = RiskConfig::default();
        let f = RiskFacts {
            overdue_amount: Some(30_000.0),
            spend_12m: Some(120_000.0),
            ..RiskFacts::default()
        };
        let a = assess_risk(&f, &cfg);
        assert_eq!(a.level, RiskLevel::Medium);
        assert_eq!(a.evidence[0].value, 0.25);
        assert_eq!(
            a.evidence[0].explain_en,
            "overdue amount 30,000.00 is 25% of 12-month spend 120,000.00 (≥ 20%)"
        );
        let f = RiskFacts {
            overdue_amount: Some(500.0),
            spend_12m: Some(0.0),
            ..RiskFacts::default()
        };
        let a = assess_risk(&f, &cfg);
        assert_eq!(a.evidence[0].threshold, 0.0);
        assert_eq!(a.evidence[0].value, 500.0);
        let f = RiskFacts {
            overdue_amount: Some(0.0),
            spend_12m: Some(0.0),
            ..RiskFacts::default()
        };
        assert_eq!(assess_risk(&f, &cfg).level, RiskLevel::None);
    }

    #[test]
    fn shrinking_and_complaints_reach_high() {
        let f = RiskFacts {
            spend_12m: Some(60.0),
            prev_spend_12m: Some(100.0),
            orders_12m: Some(5.0),
            prev_orders_12m: Some(10.0),
            complaints_12m: Some(4),
            overdue_amount: Some(0.0),
            ..RiskFacts::default()
        };
        let a = assess_risk(&f, &RiskConfig::default());
        assert_eq!(a.score, 2.0);
        assert_eq!(a.level, RiskLevel::Medium);
        assert_eq!(a.evidence.len(), 3);
        assert!((a.evidence[0].value - 0.4).abs() < 1e-12);
        assert_eq!(a.evidence[1].value, 0.5);
        assert_eq!(a.evidence[2].explain_en, "4 complaints in 12 months (≥ 3)");
        let f = RiskFacts {
            avg_payment_delay_days: Some(45.0),
            ..f
        };
        assert_eq!(
            assess_risk(&f, &RiskConfig::default()).level,
            RiskLevel::High
        );
    }

    #[test]
    fn missing_facts_never_trigger() {
        let f = RiskFacts {
            avg_payment_delay_days: Some(f64::NAN),
            prev_avg_payment_delay_days: Some(0.0),
            overdue_amount: Some(1000.0),
            spend_12m: None,
            prev_spend_12m: Some(0.0),
            orders_12m: Some(0.0),
            prev_orders_12m: None,
            complaints_12m: None,
        };
        let a = assess_risk(&f, &RiskConfig::default());
        assert_eq!(a, RiskAssessment::default());
    }

    #[test]
    fn disabled_rules_do_not_trigger() {
        let mut cfg = RiskConfig::default();
        cfg.complaints.enabled = false;
        let f = RiskFacts {
            complaints_12m: Some(10),
            ..RiskFacts::default()
        };
        assert!(!assess_risk(&f, &cfg).flagged());
    }

    #[test]
    fn alert_only_when_crossing_into_risky() {
        let at = |level| RiskAssessment {
            level,
            ..RiskAssessment::default()
        };
        assert!(became_risky(None, &at(RiskLevel::Medium)));
        assert!(became_risky(
            Some(&at(RiskLevel::Low)),
            &at(RiskLevel::High)
        ));
        assert!(!became_risky(
            Some(&at(RiskLevel::Medium)),
            &at(RiskLevel::High)
        ));
        assert!(!became_risky(
            Some(&at(RiskLevel::None)),
            &at(RiskLevel::Low)
        ));
        assert!(!became_risky(
            Some(&at(RiskLevel::High)),
            &at(RiskLevel::None)
        ));
    }

    #[test]
    fn config_validation_and_serde() {
        assert!(RiskConfig::default().validate().is_ok());
        let mut c = RiskConfig::default();
        c.overdue.weight = -1.0;
        assert!(c.validate().is_err());
        let mut c = RiskConfig::default();
        c.levels.medium = 0.5;
        assert!(c.validate().is_err());
        let c: RiskConfig =
            serde_json::from_str(r#"{"complaints": {"enabled": false}, "levels": {"high": 4}}"#)
                .unwrap();
        assert!(!c.complaints.enabled);
        assert_eq!(c.complaints.min_count, 3);
        assert_eq!(c.levels.high, 4.0);
        assert!(serde_json::from_str::<RiskConfig>(r#"{"overdue": {"ratio": 1}}"#).is_err());
    }
}
