//! Alert rules (预警规则): per customer, compare this run's facts with the previous run's and
//! raise explained alerts with evidence, severity and a suggested action.
//!
//! Design choices:
//! - **Missing facts never raise an alert.** Every fact is optional (and a non-finite number
//!   counts as missing); a rule fires only when every figure it compares is known. An alert
//!   claims something happened, and an unknown figure is no evidence: a customer without a
//!   survey has not become unsatisfied. Data gaps are a data-quality report's business.
//! - **Strict comparisons**: "down more than 30%" fires at 30.01%, not at 30%; "below 0.5"
//!   fires at 0.49.
//! - **Key accounts** (重点客户) are customers in the best tier of the context or in the
//!   most-valuable class, in this run or the previous one. Their warnings escalate to
//!   critical when the money at stake reaches the run's critical amount ([`stake`]);
//!   `upgrade_candidate` is good news and always info.
//! - **Money at stake** (issue 17): every alert carries `at_stake`, in the store's currency,
//!   and says in its evidence (`at_stake_basis`) and sentence what it measures. Only
//!   customers whose value is in the top share of the base raise warnings ([`stake`]).
//! - **Changes, not states**: every rule compares two runs, `p_alive_low` included. It fires
//!   when P(alive) falls below the threshold, or by more than the allowed share, from a
//!   previous run at or above the threshold; a customer who lapsed long ago does not alert
//!   again every run. A previous P(alive) of exactly 1 (BG/NBD's answer for a customer without
//!   a repeat purchase) is no information and counts as unknown.
//! - **Deterministic order** ([`alerts_for_run`]): severity (critical first), money at stake
//!   (largest first), customer id, then rule in the order of [`AlertRule::ALL`].
//! - Customers of the previous run missing from this one raise nothing here: they left, and the
//!   migration matrix reports them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DynamicsError;
use crate::explain::{fixed, known_opt, money, num, percent};
use crate::hash::{FastMap, fast_map};

mod config;
pub mod stake;

pub use config::{
    AlertConfig, CutoffAmong, KeyAccountDroppedRule, MaterialityRule, PAliveLowRule,
    PaymentDelayRule, SatisfactionRule, SpendDropRule, UpgradeCandidateRule,
};
pub use stake::{
    Materiality, StakeBasis, customer_value, materiality, materiality_of_values, upgrade_cutoff,
    upgrade_cutoff_of,
};

/// The value × potential classes of `custval-classify` (one definition for the workspace).
pub use custval_classify::ValueClass;

/// What one run knows about one customer; every figure is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerFacts {
    /// Customer id.
    pub customer_id: String,
    /// The customer's name, carried into its alerts (the current run's facts only).
    pub name: Option<String>,
    /// Effective tier label (one of the context's tiers).
    pub tier: Option<String>,
    /// Value × potential class.
    pub value_class: Option<ValueClass>,
    /// Overall value score.
    pub score: Option<f64>,
    /// Potential score.
    pub potential_score: Option<f64>,
    /// Probability the customer is still active (0–1).
    pub p_alive: Option<f64>,
    /// Spend in the last 12 months.
    pub spend_12m: Option<f64>,
    /// Spend in the comparison period: the 12 months before, or the same period last year.
    pub spend_prev_12m: Option<f64>,
    /// Average payment delay in days.
    pub avg_payment_delay_days: Option<f64>,
    /// Satisfaction on the caller's scale (CSAT or NPS).
    pub satisfaction: Option<f64>,
    /// Customer lifetime value (money).
    pub clv: Option<f64>,
    /// Lifecycle stage id (`new`, `growing`, `declining`, `churned`, …).
    pub lifecycle: Option<String>,
}

impl CustomerFacts {
    /// Facts with only the id set.
    pub fn new(customer_id: impl Into<String>) -> Self {
        Self {
            customer_id: customer_id.into(),
            ..Self::default()
        }
    }
}

/// What the rules need to know about the run as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertContext {
    /// Tier labels, best first; the first is the key-account tier.
    pub tiers: Vec<String>,
    /// Potential score at the top-share cutoff for upgrade candidates ([`upgrade_cutoff`]);
    /// `None` switches the upgrade rule off for this run.
    pub upgrade_cutoff: Option<f64>,
    /// Currency symbol put in front of money in sentences, e.g. "¥".
    pub currency: String,
    /// The run's materiality cutoffs ([`materiality`]); `None`: every customer may alert and
    /// every key account's warning is critical.
    #[serde(default)]
    pub materiality: Option<Materiality>,
}

impl AlertContext {
    /// A context with the given tiers, no upgrade cutoff and "¥" as currency.
    pub fn new(tiers: &[&str]) -> Self {
        Self {
            tiers: tiers.iter().map(|t| t.to_string()).collect(),
            upgrade_cutoff: None,
            currency: "¥".to_string(),
            materiality: None,
        }
    }

    fn rank(&self, tier: Option<&str>) -> Option<usize> {
        let t = tier?;
        self.tiers.iter().position(|x| x == t)
    }

    fn is_key(&self, f: &CustomerFacts) -> bool {
        f.value_class == Some(ValueClass::MostValuable) || self.rank(f.tier.as_deref()) == Some(0)
    }
}

/// The rule behind an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertRule {
    /// A key account dropped a tier or left the most-valuable class.
    KeyAccountDropped,
    /// P(alive) below a threshold or sharply down.
    PAliveLow,
    /// Spend down against the comparison period.
    SpendDrop,
    /// Average payment delay growing.
    PaymentDelayGrowing,
    /// Satisfaction falling.
    SatisfactionFalling,
    /// A low-tier customer with top potential.
    UpgradeCandidate,
}

impl AlertRule {
    /// Every rule, in evaluation and presentation order.
    pub const ALL: [AlertRule; 6] = [
        AlertRule::KeyAccountDropped,
        AlertRule::PAliveLow,
        AlertRule::SpendDrop,
        AlertRule::PaymentDelayGrowing,
        AlertRule::SatisfactionFalling,
        AlertRule::UpgradeCandidate,
    ];

    /// Stable snake_case id (the serde name).
    pub fn id(self) -> &'static str {
        match self {
            AlertRule::KeyAccountDropped => "key_account_dropped",
            AlertRule::PAliveLow => "p_alive_low",
            AlertRule::SpendDrop => "spend_drop",
            AlertRule::PaymentDelayGrowing => "payment_delay_growing",
            AlertRule::SatisfactionFalling => "satisfaction_falling",
            AlertRule::UpgradeCandidate => "upgrade_candidate",
        }
    }

    /// English name.
    pub fn label_en(self) -> &'static str {
        match self {
            AlertRule::KeyAccountDropped => "key account dropped",
            AlertRule::PAliveLow => "probability alive low",
            AlertRule::SpendDrop => "spend drop",
            AlertRule::PaymentDelayGrowing => "payment delays growing",
            AlertRule::SatisfactionFalling => "satisfaction falling",
            AlertRule::UpgradeCandidate => "upgrade candidate",
        }
    }

    /// Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            AlertRule::KeyAccountDropped => "重点客户降级",
            AlertRule::PAliveLow => "存活概率过低",
            AlertRule::SpendDrop => "消费下滑",
            AlertRule::PaymentDelayGrowing => "付款延迟增加",
            AlertRule::SatisfactionFalling => "满意度下降",
            AlertRule::UpgradeCandidate => "升级候选",
        }
    }
}

/// How urgent an alert is; orders info < warning < critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Good news or a note (upgrade candidates).
    Info,
    /// Needs attention this period.
    Warning,
    /// Needs action now (key accounts).
    Critical,
}

impl Severity {
    /// Stable snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// One figure of an alert's evidence: a number or a label (a tier, a class).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Evidence {
    /// A figure (serialized as a JSON number).
    Number(f64),
    /// A label such as a tier or class id (serialized as a JSON string).
    Text(String),
}

/// One alert (预警) for one customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The customer.
    pub customer_id: String,
    /// The rule that fired.
    pub rule: AlertRule,
    /// How urgent.
    pub severity: Severity,
    /// Whether the customer is a key account (escalates severity).
    pub key_account: bool,
    /// The customer's name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Money at risk (or to gain, for an upgrade) in the store's currency; what it measures is
    /// the evidence's `at_stake_basis`.
    #[serde(default)]
    pub at_stake: f64,
    /// The figures behind the alert: `previous`, `current`, `threshold`, `change`, … by name.
    pub evidence: BTreeMap<String, Evidence>,
    /// Suggested action in English.
    pub action_en: String,
    /// Suggested action in Chinese.
    pub action_zh: String,
    /// What happened, with the figures, in English.
    pub explain_en: String,
    /// What happened, with the figures, in Chinese.
    pub explain_zh: String,
}

/// Builds an alert's evidence map from `(name, value)` pairs.
fn evidence(pairs: &[(&str, Evidence)]) -> BTreeMap<String, Evidence> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn n(x: f64) -> Evidence {
    Evidence::Number(x)
}

fn txt(s: &str) -> Evidence {
    Evidence::Text(s.to_string())
}

struct Draft {
    rule: AlertRule,
    base: Severity,
    at_stake: (f64, StakeBasis),
    evidence: BTreeMap<String, Evidence>,
    action_en: &'static str,
    action_zh: &'static str,
    explain_en: String,
    explain_zh: String,
}

/// Runs every enabled rule on one customer. `previous` is the same customer's facts at the
/// previous run, if it was there. Alerts come in the order of [`AlertRule::ALL`].
pub fn alerts_for_customer(
    cfg: &AlertConfig,
    ctx: &AlertContext,
    current: &CustomerFacts,
    previous: Option<&CustomerFacts>,
) -> Vec<Alert> {
    let key = ctx.is_key(current) || previous.is_some_and(|p| ctx.is_key(p));
    let mut drafts = Vec::new();
    if cfg.key_account_dropped.enabled {
        drafts.extend(key_account_dropped(ctx, current, previous));
    }
    if cfg.p_alive_low.enabled {
        drafts.extend(p_alive_low(&cfg.p_alive_low, current, previous));
    }
    if cfg.spend_drop.enabled {
        drafts.extend(spend_drop(&cfg.spend_drop, ctx, current, previous));
    }
    if cfg.payment_delay_growing.enabled {
        drafts.extend(payment_delay(&cfg.payment_delay_growing, current, previous));
    }
    if cfg.satisfaction_falling.enabled {
        drafts.extend(satisfaction(&cfg.satisfaction_falling, current, previous));
    }
    if cfg.upgrade_candidate.enabled {
        drafts.extend(upgrade(&cfg.upgrade_candidate, ctx, current));
    }
    let value = customer_value(current, previous);
    let m = ctx.materiality;
    drafts
        .into_iter()
        // Warnings only for customers whose value is material in this base; upgrade candidates
        // (info, good news) are few by their own rule (the top potential decile of everybody).
        .filter(|d| {
            d.base == Severity::Info || m.is_none_or(|m| value.is_some_and(|v| v >= m.min_value))
        })
        .map(|mut d| {
            let (stake, basis) = d.at_stake;
            let stake = if stake.is_finite() {
                stake.max(0.0)
            } else {
                0.0
            };
            let critical = key && m.is_none_or(|m| stake >= m.critical_at_stake);
            let severity = if d.base == Severity::Warning && critical {
                Severity::Critical
            } else {
                d.base
            };
            let money_s = money(stake, &ctx.currency);
            d.evidence.insert("at_stake".into(), n(stake));
            d.evidence.insert("at_stake_basis".into(), txt(basis.id()));
            let mut en = format!(
                "{}; {money_s} at stake ({})",
                d.explain_en,
                basis.label_en()
            );
            let mut zh = format!(
                "{}；涉及金额 {money_s}（{}）",
                d.explain_zh,
                basis.label_zh()
            );
            if let (Some(m), Some(v)) = (m, value) {
                d.evidence.insert("value".into(), n(v));
                if severity != Severity::Info {
                    d.evidence.insert("material_value".into(), n(m.min_value));
                }
                if key && severity != Severity::Info {
                    d.evidence
                        .insert("critical_at_stake".into(), n(m.critical_at_stake));
                    let cut = money(m.critical_at_stake, &ctx.currency);
                    if severity == Severity::Critical {
                        en.push_str(&format!(
                            "; key account with at least {cut} at stake: critical"
                        ));
                        zh.push_str(&format!("；重点客户且涉及金额不低于 {cut}：紧急"));
                    } else {
                        en.push_str(&format!("; key account, under {cut} at stake: a warning"));
                        zh.push_str(&format!("；重点客户，涉及金额低于 {cut}：一般预警"));
                    }
                }
            }
            Alert {
                customer_id: current.customer_id.clone(),
                rule: d.rule,
                severity,
                key_account: key,
                name: current.name.clone(),
                at_stake: stake,
                evidence: d.evidence,
                action_en: d.action_en.to_string(),
                action_zh: d.action_zh.to_string(),
                explain_en: en,
                explain_zh: zh,
            }
        })
        .collect()
}

fn key_account_dropped(
    ctx: &AlertContext,
    cur: &CustomerFacts,
    prev: Option<&CustomerFacts>,
) -> Option<Draft> {
    let prev = prev?;
    if !ctx.is_key(prev) {
        return None;
    }
    let mut en = Vec::new();
    let mut zh = Vec::new();
    let mut ev = Vec::new();
    if let (Some(p), Some(c)) = (
        ctx.rank(prev.tier.as_deref()),
        ctx.rank(cur.tier.as_deref()),
    ) {
        if c > p {
            let (pt, ct) = (&ctx.tiers[p], &ctx.tiers[c]);
            en.push(format!("dropped from tier {pt} to tier {ct}"));
            zh.push(format!("由 {pt} 等级降至 {ct} 等级"));
            ev.push(("previous_tier", txt(pt)));
            ev.push(("current_tier", txt(ct)));
        }
    }
    if let (Some(ValueClass::MostValuable), Some(c)) = (prev.value_class, cur.value_class) {
        if c != ValueClass::MostValuable {
            en.push(format!("left the most valuable class for {}", c.label_en()));
            zh.push(format!("由最有价值客户变为{}", c.label_zh()));
            ev.push(("previous_class", txt(ValueClass::MostValuable.id())));
            ev.push(("current_class", txt(c.id())));
        }
    }
    if en.is_empty() {
        return None;
    }
    let mut score_en = String::new();
    let mut score_zh = String::new();
    if let (Some(p), Some(c)) = (known_opt(prev.score), known_opt(cur.score)) {
        score_en = format!(" (score {} → {})", fixed(p, 1), fixed(c, 1));
        score_zh = format!("（得分 {} → {}）", fixed(p, 1), fixed(c, 1));
        ev.push(("previous_score", n(p)));
        ev.push(("current_score", n(c)));
    }
    let stake = known_opt(prev.spend_12m)
        .map(|s| (s, StakeBasis::SpendPreviousRun))
        .or_else(|| known_opt(cur.clv).map(|c| (c, StakeBasis::Clv)))
        .unwrap_or((0.0, StakeBasis::SpendPreviousRun));
    Some(Draft {
        rule: AlertRule::KeyAccountDropped,
        // A key account by definition: critical when the amount at stake is large.
        base: Severity::Warning,
        at_stake: stake,
        evidence: evidence(&ev),
        action_en: "Account manager to contact the customer this week, find the cause of the \
                    decline and agree a retention plan",
        action_zh: "客户经理本周内联系客户，查明下滑原因并制定挽留方案",
        explain_en: format!("key account {}{score_en}", en.join(" and ")),
        explain_zh: format!("重点客户{}{score_zh}", zh.join("，")),
    })
}

fn p_alive_low(
    rule: &PAliveLowRule,
    cur: &CustomerFacts,
    prev: Option<&CustomerFacts>,
) -> Option<Draft> {
    let c = known_opt(cur.p_alive)?;
    // P(alive) of exactly 1 is what BG/NBD says of every customer without a repeat purchase:
    // no information, so its first repeat purchase "dropping" it is no evidence (issue 17).
    let p = prev
        .and_then(|p| known_opt(p.p_alive))
        .filter(|&p| p < 1.0 - 1e-9);
    // A change, not a state: both tests need the previous run's P(alive) at or above the
    // threshold, so a customer who lapsed long ago does not alert again every run.
    let healthy_before = |p: f64| rule.threshold.is_none_or(|t| p >= t);
    let below = match p {
        Some(p) if healthy_before(p) => rule.threshold.filter(|&t| c < t),
        _ => None,
    };
    let drop = match (p, rule.max_relative_drop) {
        (Some(p), Some(max)) if p > 0.0 && healthy_before(p) && (p - c) / p > max => {
            Some(((p - c) / p, max))
        }
        _ => None,
    };
    if below.is_none() && drop.is_none() {
        return None;
    }
    let mut ev = vec![("current", n(c))];
    let mut en = Vec::new();
    let mut zh = Vec::new();
    if let Some(p) = p {
        ev.push(("previous", n(p)));
    }
    if let Some(t) = below {
        ev.push(("threshold", n(t)));
        en.push(format!(
            "probability alive {} is below the threshold {}",
            fixed(c, 2),
            fixed(t, 2)
        ));
        zh.push(format!("存活概率 {} 低于阈值 {}", fixed(c, 2), fixed(t, 2)));
    }
    if let (Some((change, max)), Some(p)) = (drop, p) {
        ev.push(("change", n(-change)));
        ev.push(("max_relative_drop", n(max)));
        en.push(format!(
            "probability alive fell from {} to {} (−{}, more than the allowed {})",
            fixed(p, 2),
            fixed(c, 2),
            percent(change),
            percent(max)
        ));
        zh.push(format!(
            "存活概率由 {} 降至 {}（下降 {}，超过 {}）",
            fixed(p, 2),
            fixed(c, 2),
            percent(change),
            percent(max)
        ));
    }
    let fall = p.map_or(0.0, |p| (p - c).max(0.0));
    let spend = prev.and_then(|p| known_opt(p.spend_12m)).unwrap_or(0.0);
    Some(Draft {
        rule: AlertRule::PAliveLow,
        base: Severity::Warning,
        at_stake: (spend * fall, StakeBasis::SpendTimesPAliveFall),
        evidence: evidence(&ev),
        action_en: "Reach out with a retention offer before the customer lapses",
        action_zh: "在客户流失前主动联系，提供挽留方案",
        explain_en: en.join("; "),
        explain_zh: zh.join("；"),
    })
}

fn spend_drop(
    rule: &SpendDropRule,
    ctx: &AlertContext,
    cur: &CustomerFacts,
    prev: Option<&CustomerFacts>,
) -> Option<Draft> {
    let c = known_opt(cur.spend_12m)?;
    // The same customer's comparison period first; the previous run's 12-month spend otherwise.
    let (p, base_en, base_zh, base_id) = match known_opt(cur.spend_prev_12m) {
        Some(p) => (
            p,
            "the previous 12 months",
            "前12个月",
            "previous_12_months",
        ),
        None => (
            prev.and_then(|p| known_opt(p.spend_12m))?,
            "the 12 months before the previous run",
            "上次运行时的近12个月",
            "previous_run",
        ),
    };
    if p <= 0.0 || p < rule.min_previous_spend {
        return None;
    }
    let change = (c - p) / p;
    if -change <= rule.max_drop {
        return None;
    }
    // A change, not a state: when the previous run already showed a fall beyond the threshold
    // against its own comparison period, the condition persists and alerted then (or was
    // already below when alerts began).
    if base_id == "previous_12_months" {
        if let Some((pc, pp)) =
            prev.and_then(|x| Some((known_opt(x.spend_12m)?, known_opt(x.spend_prev_12m)?)))
        {
            if pp > 0.0 && pp >= rule.min_previous_spend && (pp - pc) / pp > rule.max_drop {
                return None;
            }
        }
    }
    let cur_s = money(c, &ctx.currency);
    let prev_s = money(p, &ctx.currency);
    Some(Draft {
        rule: AlertRule::SpendDrop,
        base: Severity::Warning,
        at_stake: (p - c, StakeBasis::SpendFall),
        evidence: evidence(&[
            ("current", n(c)),
            ("previous", n(p)),
            ("change", n(change)),
            ("threshold", n(rule.max_drop)),
            ("compared_with", txt(base_id)),
        ]),
        action_en: "Review the account's recent orders and talk to the customer about the decline",
        action_zh: "查看近期订单，就消费下滑与客户沟通",
        explain_en: format!(
            "spend in the last 12 months {cur_s} is {} below {prev_s} in {base_en} (alert above {})",
            percent(-change),
            percent(rule.max_drop)
        ),
        explain_zh: format!(
            "近12个月消费 {cur_s} 比{base_zh}的 {prev_s} 下降 {}（预警线 {}）",
            percent(-change),
            percent(rule.max_drop)
        ),
    })
}

fn payment_delay(
    rule: &PaymentDelayRule,
    cur: &CustomerFacts,
    prev: Option<&CustomerFacts>,
) -> Option<Draft> {
    let c = known_opt(cur.avg_payment_delay_days)?;
    let p = known_opt(prev?.avg_payment_delay_days)?;
    let change = c - p;
    if change <= rule.min_increase_days || c <= rule.floor_days {
        return None;
    }
    Some(Draft {
        rule: AlertRule::PaymentDelayGrowing,
        base: Severity::Warning,
        at_stake: (known_opt(cur.spend_12m).unwrap_or(0.0), StakeBasis::Spend),
        evidence: evidence(&[
            ("current", n(c)),
            ("previous", n(p)),
            ("change", n(change)),
            ("threshold", n(rule.min_increase_days)),
            ("floor", n(rule.floor_days)),
        ]),
        action_en: "Check the credit exposure, agree payment terms and consider limiting credit",
        action_zh: "核查信用敞口，沟通付款条件，必要时限制赊销额度",
        explain_en: format!(
            "average payment delay grew from {} to {} days (+{}, alert above +{} days once over {} days)",
            fixed(p, 1),
            fixed(c, 1),
            fixed(change, 1),
            num(rule.min_increase_days, 1),
            num(rule.floor_days, 1)
        ),
        explain_zh: format!(
            "平均付款延迟由 {} 天增至 {} 天（增加 {} 天，预警线：增加超过 {} 天且高于 {} 天）",
            fixed(p, 1),
            fixed(c, 1),
            fixed(change, 1),
            num(rule.min_increase_days, 1),
            num(rule.floor_days, 1)
        ),
    })
}

fn satisfaction(
    rule: &SatisfactionRule,
    cur: &CustomerFacts,
    prev: Option<&CustomerFacts>,
) -> Option<Draft> {
    let c = known_opt(cur.satisfaction)?;
    let p = known_opt(prev?.satisfaction)?;
    let fall = p - c;
    if fall <= rule.min_fall {
        return None;
    }
    Some(Draft {
        rule: AlertRule::SatisfactionFalling,
        base: Severity::Warning,
        at_stake: (known_opt(cur.spend_12m).unwrap_or(0.0), StakeBasis::Spend),
        evidence: evidence(&[
            ("current", n(c)),
            ("previous", n(p)),
            ("change", n(-fall)),
            ("threshold", n(rule.min_fall)),
        ]),
        action_en: "Follow up on recent service issues and complaints with the customer",
        action_zh: "跟进近期服务问题与投诉，改善客户体验",
        explain_en: format!(
            "satisfaction fell from {} to {} (−{} points, alert above {})",
            num(p, 2),
            num(c, 2),
            num(fall, 2),
            num(rule.min_fall, 2)
        ),
        explain_zh: format!(
            "满意度由 {} 降至 {}（下降 {} 分，预警线 {} 分）",
            num(p, 2),
            num(c, 2),
            num(fall, 2),
            num(rule.min_fall, 2)
        ),
    })
}

fn upgrade(rule: &UpgradeCandidateRule, ctx: &AlertContext, cur: &CustomerFacts) -> Option<Draft> {
    let cutoff = ctx.upgrade_cutoff?;
    let tier = cur.tier.as_deref()?;
    if !rule.tiers.iter().any(|t| t == tier) {
        return None;
    }
    // Issue 17: a lapsing customer is a win-back case, not an upgrade (on a base of one-time
    // buyers, recent "potential" put 8 % of all customers in this rule).
    if matches!(cur.lifecycle.as_deref(), Some("declining" | "churned")) {
        return None;
    }
    let s = known_opt(cur.potential_score)?;
    if s < cutoff {
        return None;
    }
    let (among_en, among_zh) = match rule.cutoff_among {
        CutoffAmong::Candidates => (
            format!("among tier {} customers", rule.tiers.join("/")),
            format!("{} 等级客户中", rule.tiers.join("/")),
        ),
        CutoffAmong::All => ("among all customers".to_string(), "全部客户中".to_string()),
    };
    let stake = known_opt(cur.clv)
        .map(|c| (c, StakeBasis::Clv))
        .unwrap_or((known_opt(cur.spend_12m).unwrap_or(0.0), StakeBasis::Spend));
    Some(Draft {
        rule: AlertRule::UpgradeCandidate,
        base: Severity::Info,
        at_stake: stake,
        evidence: evidence(&[
            ("current", n(s)),
            ("threshold", n(cutoff)),
            ("top_share", n(rule.top_share)),
            ("current_tier", txt(tier)),
        ]),
        action_en: "Invest in development: cross-sell and up-sell to grow the account",
        action_zh: "投入发展资源：交叉销售与向上销售，培育为高价值客户",
        explain_en: format!(
            "tier {tier} customer with potential score {} ≥ {}, the top {} cutoff {among_en}: a candidate for upgrade",
            fixed(s, 1),
            fixed(cutoff, 1),
            percent(rule.top_share)
        ),
        explain_zh: format!(
            "{tier} 等级客户潜力得分 {} ≥ {among_zh}前{}的分界线 {}，可作为升级候选",
            fixed(s, 1),
            percent(rule.top_share),
            fixed(cutoff, 1)
        ),
    })
}

/// Runs the rules over a whole run. Previous facts are matched by customer id; customers only
/// in `previous` raise nothing. Alerts are ordered by [`rank`]. Errors on an invalid config or a customer id twice in one run.
pub fn alerts_for_run(
    cfg: &AlertConfig,
    ctx: &AlertContext,
    current: &[CustomerFacts],
    previous: &[CustomerFacts],
) -> Result<Vec<Alert>, DynamicsError> {
    cfg.validate()?;
    let mut prev: FastMap<&str, &CustomerFacts> = fast_map(previous.len());
    for p in previous {
        if prev.insert(p.customer_id.as_str(), p).is_some() {
            return Err(DynamicsError::DuplicateCustomer {
                run: "previous",
                customer_id: p.customer_id.clone(),
            });
        }
    }
    let mut seen: FastMap<&str, ()> = fast_map(current.len());
    let mut out = Vec::new();
    for c in current {
        if seen.insert(c.customer_id.as_str(), ()).is_some() {
            return Err(DynamicsError::DuplicateCustomer {
                run: "current",
                customer_id: c.customer_id.clone(),
            });
        }
        out.extend(alerts_for_customer(
            cfg,
            ctx,
            c,
            prev.get(c.customer_id.as_str()).copied(),
        ));
    }
    out.sort_by(|a, b| {
        rank(
            (a.severity, a.at_stake, a.customer_id.as_str(), a.rule),
            (b.severity, b.at_stake, b.customer_id.as_str(), b.rule),
        )
    });
    Ok(out)
}

/// The list order of alerts: severity (critical first), money at stake (largest first),
/// customer id, rule.
pub fn rank(
    a: (Severity, f64, &str, AlertRule),
    b: (Severity, f64, &str, AlertRule),
) -> std::cmp::Ordering {
    b.0.cmp(&a.0)
        .then_with(|| b.1.total_cmp(&a.1))
        .then_with(|| a.2.cmp(b.2))
        .then_with(|| a.3.cmp(&b.3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> AlertContext {
        AlertContext::new(&["A", "B", "C"])
    }

    fn facts(id: &str, tier: &str) -> CustomerFacts {
        CustomerFacts {
            tier: Some(tier.to_string()),
            ..CustomerFacts::new(id)
        }
    }

    fn only(alerts: &[Alert], rule: AlertRule) -> &Alert {
        let hits: Vec<&Alert> = alerts.iter().filter(|a| a.rule == rule).collect();
        assert_eq!(hits.len(), 1, "{alerts:#?}");
        hits[0]
    }

    #[test]
    fn key_account_drop_is_critical_with_figures() {
        let prev = CustomerFacts {
            score: Some(81.0),
            value_class: Some(ValueClass::MostValuable),
            ..facts("k", "A")
        };
        let cur = CustomerFacts {
            score: Some(62.0),
            value_class: Some(ValueClass::Secondary),
            ..facts("k", "B")
        };
        let alerts = alerts_for_customer(&AlertConfig::default(), &ctx(), &cur, Some(&prev));
        let a = only(&alerts, AlertRule::KeyAccountDropped);
        assert_eq!(a.severity, Severity::Critical);
        assert_eq!(a.evidence["previous_tier"], Evidence::Text("A".into()));
        assert_eq!(a.evidence["current_score"], Evidence::Number(62.0));
        assert!(
            a.explain_en.contains("dropped from tier A to tier B"),
            "{}",
            a.explain_en
        );
        assert!(a.explain_en.contains("81.0 → 62.0"));
        assert!(
            a.explain_zh.contains("由 A 等级降至 B 等级"),
            "{}",
            a.explain_zh
        );
        assert!(a.explain_zh.contains("二级客户"));
    }

    #[test]
    fn non_key_drop_is_not_a_key_account_alert() {
        let alerts = alerts_for_customer(
            &AlertConfig::default(),
            &ctx(),
            &facts("x", "C"),
            Some(&facts("x", "B")),
        );
        assert!(alerts.is_empty(), "{alerts:?}");
    }

    #[test]
    fn p_alive_threshold_and_relative_drop() {
        let cfg = AlertConfig::default();
        let prev = CustomerFacts {
            p_alive: Some(0.9),
            ..facts("p", "B")
        };
        let cur = CustomerFacts {
            p_alive: Some(0.6),
            ..facts("p", "B")
        };
        let a = alerts_for_customer(&cfg, &ctx(), &cur, Some(&prev));
        let a = only(&a, AlertRule::PAliveLow);
        assert_eq!(a.severity, Severity::Warning);
        assert!(
            a.explain_en.contains("fell from 0.90 to 0.60"),
            "{}",
            a.explain_en
        );
        assert!(!a.explain_en.contains("threshold"));
        // Falling below the threshold alerts; being below it (no history, or already below
        // at the previous run) does not: an alert is a change.
        let low = CustomerFacts {
            p_alive: Some(0.4),
            ..facts("p", "B")
        };
        let was_ok = CustomerFacts {
            p_alive: Some(0.55),
            ..facts("p", "B")
        };
        let a = alerts_for_customer(&cfg, &ctx(), &low, Some(&was_ok));
        assert!(
            only(&a, AlertRule::PAliveLow)
                .explain_zh
                .contains("低于阈值 0.50")
        );
        assert!(alerts_for_customer(&cfg, &ctx(), &low, None).is_empty());
        let lapsed = CustomerFacts {
            p_alive: Some(0.3),
            ..facts("p", "B")
        };
        let gone = CustomerFacts {
            p_alive: Some(0.01),
            ..facts("p", "B")
        };
        assert!(
            alerts_for_customer(&cfg, &ctx(), &gone, Some(&lapsed)).is_empty(),
            "regression_p_alive_alert_repeats_for_lapsed_customers"
        );
        // A 20% fall to 0.72 is within the allowed 30%.
        let fine = CustomerFacts {
            p_alive: Some(0.72),
            ..facts("p", "B")
        };
        assert!(alerts_for_customer(&cfg, &ctx(), &fine, Some(&prev)).is_empty());
    }

    #[test]
    fn spend_drop_against_the_same_period_or_previous_run() {
        let cfg = AlertConfig::default();
        let cur = CustomerFacts {
            spend_12m: Some(600.0),
            spend_prev_12m: Some(1000.0),
            ..facts("s", "B")
        };
        let a = alerts_for_customer(&cfg, &ctx(), &cur, None);
        let a = only(&a, AlertRule::SpendDrop);
        assert_eq!(a.evidence["change"], Evidence::Number(-0.4));
        // Issue 17: the sentence ends with the money at stake and what it measures.
        assert_eq!(
            a.explain_en,
            "spend in the last 12 months ¥600.00 is 40% below ¥1,000.00 in the previous 12 months (alert above 30%); ¥400.00 at stake (the fall in 12-month spend)"
        );
        assert_eq!(a.at_stake, 400.0);
        assert!(a.explain_zh.contains("下降 40%"));
        // Falling back to the previous run.
        let prev = CustomerFacts {
            spend_12m: Some(1000.0),
            ..facts("s", "A")
        };
        let cur = CustomerFacts {
            spend_12m: Some(500.0),
            ..facts("s", "A")
        };
        let a = alerts_for_customer(&cfg, &ctx(), &cur, Some(&prev));
        let a = only(&a, AlertRule::SpendDrop);
        assert_eq!(a.severity, Severity::Critical, "key account escalates");
        assert_eq!(
            a.evidence["compared_with"],
            Evidence::Text("previous_run".into())
        );
        // Exactly 30% does not alert (strict).
        let cur = CustomerFacts {
            spend_12m: Some(700.0),
            ..facts("s", "B")
        };
        let prev = CustomerFacts {
            spend_12m: Some(1000.0),
            ..facts("s", "B")
        };
        assert!(alerts_for_customer(&cfg, &ctx(), &cur, Some(&prev)).is_empty());
    }

    /// Issue 17: a fall against the same period a year earlier that the previous run already
    /// showed is a state, not a change: it does not alert again (on CDNOW, every customer who
    /// bought only in early 1997 "dropped" at every run).
    #[test]
    fn issue_17_a_spend_fall_already_shown_at_the_previous_run_does_not_alert() {
        let cfg = AlertConfig::default();
        let prev = CustomerFacts {
            spend_12m: Some(0.0),
            spend_prev_12m: Some(800.0),
            ..facts("s", "C")
        };
        let cur = CustomerFacts {
            spend_12m: Some(0.0),
            spend_prev_12m: Some(500.0),
            ..facts("s", "C")
        };
        assert!(alerts_for_customer(&cfg, &ctx(), &cur, Some(&prev)).is_empty());
        let was_fine = CustomerFacts {
            spend_12m: Some(900.0),
            spend_prev_12m: Some(800.0),
            ..facts("s", "C")
        };
        let a = alerts_for_customer(&cfg, &ctx(), &cur, Some(&was_fine));
        assert_eq!(only(&a, AlertRule::SpendDrop).at_stake, 500.0);
    }

    #[test]
    fn payment_delay_needs_growth_and_floor() {
        let cfg = AlertConfig::default();
        let prev = CustomerFacts {
            avg_payment_delay_days: Some(10.0),
            ..facts("d", "C")
        };
        let cur = CustomerFacts {
            avg_payment_delay_days: Some(25.0),
            ..facts("d", "C")
        };
        let a = alerts_for_customer(&cfg, &ctx(), &cur, Some(&prev));
        let a = only(&a, AlertRule::PaymentDelayGrowing);
        assert!(
            a.explain_en.contains("from 10.0 to 25.0 days (+15.0"),
            "{}",
            a.explain_en
        );
        // Grew 12 days but only to 14: under the floor.
        let prev = CustomerFacts {
            avg_payment_delay_days: Some(2.0),
            ..facts("d", "C")
        };
        let cur = CustomerFacts {
            avg_payment_delay_days: Some(14.0),
            ..facts("d", "C")
        };
        assert!(alerts_for_customer(&cfg, &ctx(), &cur, Some(&prev)).is_empty());
    }

    #[test]
    fn satisfaction_falling() {
        let prev = CustomerFacts {
            satisfaction: Some(4.5),
            ..facts("f", "B")
        };
        let cur = CustomerFacts {
            satisfaction: Some(3.0),
            ..facts("f", "B")
        };
        let a = alerts_for_customer(&AlertConfig::default(), &ctx(), &cur, Some(&prev));
        let a = only(&a, AlertRule::SatisfactionFalling);
        assert!(
            a.explain_en.contains("fell from 4.5 to 3 (−1.5 points"),
            "{}",
            a.explain_en
        );
        assert!(a.explain_zh.contains("下降 1.5 分"));
    }

    #[test]
    fn a_lapsing_customer_is_no_upgrade_candidate() {
        let cfg = AlertConfig::default();
        let mut c = ctx();
        c.upgrade_cutoff = Some(50.0);
        let lapsing = CustomerFacts {
            potential_score: Some(90.0),
            lifecycle: Some("declining".into()),
            ..facts("d", "C")
        };
        let growing = CustomerFacts {
            lifecycle: Some("growing".into()),
            ..lapsing.clone()
        };
        let growing = CustomerFacts {
            customer_id: "g".into(),
            ..growing
        };
        let alerts = alerts_for_run(&cfg, &c, &[lapsing, growing], &[]).unwrap();
        let ids: Vec<&str> = alerts.iter().map(|a| a.customer_id.as_str()).collect();
        assert_eq!(ids, ["g"], "{alerts:?}");
    }

    #[test]
    fn upgrade_candidates_in_the_top_decile_of_c() {
        let mut cfg = AlertConfig::default();
        cfg.upgrade_candidate.cutoff_among = CutoffAmong::Candidates;
        let mut all: Vec<CustomerFacts> = (0..10)
            .map(|i| CustomerFacts {
                potential_score: Some(i as f64 * 10.0),
                ..facts(&format!("c{i}"), "C")
            })
            .collect();
        all.push(CustomerFacts {
            potential_score: Some(100.0),
            ..facts("a", "A")
        });
        let cutoff = upgrade_cutoff(&cfg.upgrade_candidate, &all).unwrap();
        // Type 7 at 0.9 of 0, 10, …, 90: 81.
        assert!((cutoff - 81.0).abs() < 1e-9);
        let mut c = ctx();
        c.upgrade_cutoff = Some(cutoff);
        let alerts = alerts_for_run(&cfg, &c, &all, &[]).unwrap();
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].customer_id, "c9");
        assert_eq!(alerts[0].severity, Severity::Info);
        assert!(
            alerts[0]
                .explain_en
                .contains("90.0 ≥ 81.0, the top 10% cutoff among tier C")
        );
        assert!(
            alerts[0]
                .explain_zh
                .contains("C 等级客户中前10%的分界线 81.0"),
            "{}",
            alerts[0].explain_zh
        );
    }

    #[test]
    fn missing_facts_never_alert() {
        let cfg = AlertConfig::default();
        let mut c = ctx();
        c.upgrade_cutoff = Some(0.0);
        let prev = CustomerFacts {
            value_class: Some(ValueClass::MostValuable),
            p_alive: Some(0.9),
            spend_12m: Some(1000.0),
            avg_payment_delay_days: Some(1.0),
            satisfaction: Some(5.0),
            ..facts("m", "A")
        };
        let cur = CustomerFacts {
            tier: None,
            p_alive: Some(f64::NAN),
            ..CustomerFacts::new("m")
        };
        assert!(alerts_for_customer(&cfg, &c, &cur, Some(&prev)).is_empty());
    }

    #[test]
    fn disabled_rules_stay_quiet_and_run_order_is_deterministic() {
        let mut cfg = AlertConfig::default();
        cfg.spend_drop.enabled = false;
        let prev = vec![
            CustomerFacts {
                spend_12m: Some(100.0),
                p_alive: Some(0.9),
                ..facts("b", "A")
            },
            CustomerFacts {
                spend_12m: Some(100.0),
                p_alive: Some(0.8),
                ..facts("a", "B")
            },
        ];
        let cur = vec![
            CustomerFacts {
                spend_12m: Some(1.0),
                p_alive: Some(0.2),
                ..facts("a", "B")
            },
            CustomerFacts {
                spend_12m: Some(1.0),
                p_alive: Some(0.2),
                ..facts("b", "B")
            },
        ];
        let alerts = alerts_for_run(&cfg, &ctx(), &cur, &prev).unwrap();
        let got: Vec<(&str, &str, Severity)> = alerts
            .iter()
            .map(|a| (a.customer_id.as_str(), a.rule.id(), a.severity))
            .collect();
        assert_eq!(
            got,
            [
                ("b", "key_account_dropped", Severity::Critical),
                ("b", "p_alive_low", Severity::Critical),
                ("a", "p_alive_low", Severity::Warning),
            ]
        );
        let dup = vec![facts("a", "B"), facts("a", "C")];
        assert!(alerts_for_run(&cfg, &ctx(), &dup, &[]).is_err());
    }

    #[test]
    fn config_deserializes_with_defaults_and_rejects_unknown_fields() {
        let cfg: AlertConfig = serde_json::from_str(
            r#"{"spend_drop": {"max_drop": 0.5}, "upgrade_candidate": {"enabled": false}}"#,
        )
        .unwrap();
        assert_eq!(cfg.spend_drop.max_drop, 0.5);
        assert!(cfg.spend_drop.enabled);
        assert!(!cfg.upgrade_candidate.enabled);
        assert_eq!(cfg.p_alive_low, PAliveLowRule::default());
        assert!(serde_json::from_str::<AlertConfig>(r#"{"spend_dorp": {}}"#).is_err());
        assert!(serde_json::from_str::<AlertConfig>(r#"{"spend_drop": {"max": 1}}"#).is_err());
        let bad = AlertConfig {
            spend_drop: SpendDropRule {
                max_drop: 1.5,
                ..SpendDropRule::default()
            },
            ..AlertConfig::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn alert_serializes_with_snake_case_ids() {
        let cur = CustomerFacts {
            p_alive: Some(0.1),
            ..facts("z", "C")
        };
        let before = CustomerFacts {
            p_alive: Some(0.7),
            ..facts("z", "C")
        };
        let a = alerts_for_customer(&AlertConfig::default(), &ctx(), &cur, Some(&before));
        let json = serde_json::to_value(&a[0]).unwrap();
        assert_eq!(json["rule"], "p_alive_low");
        assert_eq!(json["severity"], "warning");
        assert_eq!(json["evidence"]["current"], 0.1);
    }
}
