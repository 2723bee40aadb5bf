//! SWOT suggestions for a key account (SWOT分析, part of its account plan): data-driven hints
//! that pre-fill an account plan, each naming the figure behind it.
//!
//! These are **suggestions** ([`SwotSuggestion`]), never the account manager's SWOT: the plan
//! keeps the user's own text ([`crate::plan`]), and suggestions enter it only as marked draft
//! entries. Every rule compares one named figure with one configured threshold, and the
//! suggestion carries both (`figure`, `value`, `threshold`), so a page can show "gross margin
//! percentile 0.82 ≥ 0.75" next to the sentence.
//!
//! | quadrant | code | figure | rule (defaults) |
//! |---|---|---|---|
//! | strength | `high_margin` | `gross_margin_percentile` | ≥ 0.75 (top quarter of the base) |
//! | strength | `long_tenure` | `tenure_days` | ≥ 1 095 (three years) |
//! | strength | `high_nps` | `nps` | ≥ 9 (a promoter on the 0–10 scale) |
//! | strength | `high_csat` | `csat` | ≥ 4.5 (on 1–5) |
//! | weakness | `loss_making` | `net_contribution_12m` or `clv_12m` | < 0, naming the costs largest first |
//! | weakness | `late_payment` | `avg_payment_delay_days` | ≥ 15 |
//! | weakness | `payment_slipping` | `payment_delay_trend_days` | ≥ +7 against the previous period |
//! | weakness | `high_sales_cost`, `high_service_cost` | `sales_cost_share`, `service_cost_share` | ≥ 0.15 of revenue, the larger share first |
//! | weakness | `detractor` | `nps` | ≤ 6 (a detractor) |
//! | opportunity | `wallet_gap` | `share_of_wallet` | ≤ 0.5 with a gap > 0 |
//! | opportunity | `cross_sell` | `peer_penetration` / `rule_confidence` | ≥ 0.3, at most 3 |
//! | threat | `p_alive_falling` | `p_alive_drop` | previous − now ≥ 0.1 |
//! | threat | `satisfaction_falling` | `satisfaction_drop` | (before − now) / before ≥ 0.1 |
//! | threat | `spend_down` | `spend_drop` | (previous − now) / previous ≥ 0.2 |
//! | threat | `complaints` | `complaints_12m` | ≥ 3 |
//!
//! A missing figure never produces a suggestion. Drops are stored as positive numbers, so for
//! every rule except `wallet_gap` and `detractor` the suggestion means `value ≥ threshold`.

use serde::{Deserialize, Serialize};

use crate::AccountsError;
use crate::cross_sell::{CrossSell, CrossSellSource};
use crate::explain::{known_opt, money, num, percent};

/// A SWOT quadrant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// 优势.
    Strength,
    /// 劣势.
    Weakness,
    /// 机会.
    Opportunity,
    /// 威胁.
    Threat,
}

impl Quadrant {
    /// Stable snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            Quadrant::Strength => "strength",
            Quadrant::Weakness => "weakness",
            Quadrant::Opportunity => "opportunity",
            Quadrant::Threat => "threat",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Quadrant::Strength => "strength",
            Quadrant::Weakness => "weakness",
            Quadrant::Opportunity => "opportunity",
            Quadrant::Threat => "threat",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Quadrant::Strength => "优势",
            Quadrant::Weakness => "劣势",
            Quadrant::Opportunity => "机会",
            Quadrant::Threat => "威胁",
        }
    }
}

/// What the SWOT rules look at for one customer; `None` (or NaN) = unknown.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SwotFacts {
    /// Gross margin / revenue of the last 12 months.
    pub gross_margin_rate: Option<f64>,
    /// Its percentile among all customers, in [0, 1].
    pub gross_margin_percentile: Option<f64>,
    /// Days since the first order or signup (合作时长).
    pub tenure_days: Option<f64>,
    /// Net Promoter answer, 0–10 (mean of the last 12 months).
    pub nps: Option<f64>,
    /// Satisfaction (CSAT), 1–5.
    pub csat: Option<f64>,
    /// Average payment delay in days.
    pub avg_payment_delay_days: Option<f64>,
    /// Change of the average payment delay against the previous period, in days.
    pub payment_delay_trend_days: Option<f64>,
    /// Service cost / revenue of the last 12 months.
    pub service_cost_share: Option<f64>,
    /// Sales cost / revenue of the last 12 months.
    #[serde(default)]
    pub sales_cost_share: Option<f64>,
    /// Net contribution of the last 12 months (gross profit − sales and service cost).
    #[serde(default)]
    pub net_contribution: Option<f64>,
    /// Predicted CLV, net of cost to serve.
    #[serde(default)]
    pub clv: Option<f64>,
    /// Revenue of the last 12 months, for cost shares.
    #[serde(default)]
    pub revenue: Option<f64>,
    /// The costs a loss can come from, as (figure id, amount): e.g. ("sales_cost_12m", …),
    /// ("service_cost_12m", …), ("returns_12m", …).
    #[serde(default)]
    pub costs: Vec<(String, f64)>,
    /// Wallet gap (see [`crate::wallet`]).
    pub wallet_gap: Option<f64>,
    /// Share of wallet in [0, 1].
    pub share_of_wallet: Option<f64>,
    /// Cross-sell suggestions, best first.
    pub cross_sell: Vec<CrossSell>,
    /// Probability alive now.
    pub p_alive: Option<f64>,
    /// Probability alive at the previous run.
    pub prev_p_alive: Option<f64>,
    /// Satisfaction now (CSAT or the company's own scale).
    pub satisfaction: Option<f64>,
    /// Satisfaction at the previous measurement.
    pub prev_satisfaction: Option<f64>,
    /// Net spend of the last 12 months.
    pub spend_12m: Option<f64>,
    /// Net spend of the 12 months before.
    pub prev_spend_12m: Option<f64>,
    /// Complaints in the last 12 months.
    pub complaints_12m: Option<u32>,
}

/// Thresholds of the SWOT rules (see the module table).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SwotConfig {
    /// Gross margin percentile of a strength (0.75).
    pub high_margin_percentile: f64,
    /// Tenure in days of a strength (1 095).
    pub long_tenure_days: f64,
    /// NPS answer of a strength (9).
    pub high_nps: f64,
    /// CSAT of a strength (4.5).
    pub high_csat: f64,
    /// Average payment delay in days of a weakness (15).
    pub late_payment_days: f64,
    /// Growth of the payment delay in days of a weakness (7).
    pub payment_delay_rise_days: f64,
    /// Service cost share of revenue of a weakness (0.15).
    pub high_service_cost_share: f64,
    /// Sales cost share of revenue of a weakness (0.15).
    pub high_sales_cost_share: f64,
    /// NPS answer at or below which the customer is a detractor (6).
    pub detractor_nps: f64,
    /// Share of wallet at or below which the gap is an opportunity (0.5).
    pub max_share_of_wallet: f64,
    /// Smallest wallet gap worth naming (0: any gap).
    pub min_wallet_gap: f64,
    /// Lowest cross-sell score named (0.3).
    pub min_cross_sell_score: f64,
    /// Most cross-sell opportunities named (3).
    pub max_cross_sell: usize,
    /// Fall of P(alive), in probability points, of a threat (0.1).
    pub p_alive_drop: f64,
    /// Relative fall of satisfaction of a threat (0.1).
    pub satisfaction_drop: f64,
    /// Relative fall of 12-month spend of a threat (0.2).
    pub spend_drop: f64,
    /// Complaints in 12 months of a threat (3).
    pub complaints: u32,
}

impl Default for SwotConfig {
    fn default() -> Self {
        Self {
            high_margin_percentile: 0.75,
            long_tenure_days: 1095.0,
            high_nps: 9.0,
            high_csat: 4.5,
            late_payment_days: 15.0,
            payment_delay_rise_days: 7.0,
            high_service_cost_share: 0.15,
            high_sales_cost_share: 0.15,
            detractor_nps: 6.0,
            max_share_of_wallet: 0.5,
            min_wallet_gap: 0.0,
            min_cross_sell_score: 0.3,
            max_cross_sell: 3,
            p_alive_drop: 0.1,
            satisfaction_drop: 0.1,
            spend_drop: 0.2,
            complaints: 3,
        }
    }
}

impl SwotConfig {
    /// Every threshold finite; shares and percentiles in [0, 1].
    pub fn validate(&self) -> Result<(), AccountsError> {
        for (field, v) in [
            ("swot.high_margin_percentile", self.high_margin_percentile),
            ("swot.high_service_cost_share", self.high_service_cost_share),
            ("swot.high_sales_cost_share", self.high_sales_cost_share),
            ("swot.max_share_of_wallet", self.max_share_of_wallet),
            ("swot.min_cross_sell_score", self.min_cross_sell_score),
            ("swot.p_alive_drop", self.p_alive_drop),
            ("swot.satisfaction_drop", self.satisfaction_drop),
            ("swot.spend_drop", self.spend_drop),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(AccountsError::Config {
                    field,
                    value: v,
                    reason: "must be between 0 and 1",
                });
            }
        }
        for (field, v) in [
            ("swot.long_tenure_days", self.long_tenure_days),
            ("swot.high_nps", self.high_nps),
            ("swot.high_csat", self.high_csat),
            ("swot.late_payment_days", self.late_payment_days),
            ("swot.payment_delay_rise_days", self.payment_delay_rise_days),
            ("swot.detractor_nps", self.detractor_nps),
            ("swot.min_wallet_gap", self.min_wallet_gap),
        ] {
            if !v.is_finite() {
                return Err(AccountsError::Config {
                    field,
                    value: v,
                    reason: "must be a finite number",
                });
            }
        }
        Ok(())
    }
}

/// One data-driven SWOT hint: a suggestion, not the user's SWOT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwotSuggestion {
    /// The quadrant.
    pub quadrant: Quadrant,
    /// Stable snake_case rule id, e.g. "late_payment" (cross-sell: `cross_sell:<category id>`).
    pub code: String,
    /// The figure behind it, e.g. "avg_payment_delay_days".
    pub figure: String,
    /// The customer's figure.
    pub value: f64,
    /// The configured threshold.
    pub threshold: f64,
    /// English sentence naming the figure.
    pub text_en: String,
    /// Chinese sentence naming the figure.
    pub text_zh: String,
}

fn point(
    out: &mut Vec<SwotSuggestion>,
    quadrant: Quadrant,
    code: &str,
    figure: &str,
    (value, threshold): (f64, f64),
    text_en: String,
    text_zh: String,
) {
    out.push(SwotSuggestion {
        quadrant,
        code: code.to_string(),
        figure: figure.to_string(),
        value,
        threshold,
        text_en,
        text_zh,
    });
}

/// Relative fall from `prev` to `cur` when both are known and `prev > 0`.
fn fall(prev: Option<f64>, cur: Option<f64>) -> Option<(f64, f64, f64)> {
    let (p, c) = (known_opt(prev)?, known_opt(cur)?);
    (p > 0.0).then(|| ((p - c) / p, p, c))
}

/// The figure that makes a customer loss-making: a negative net contribution first, else a
/// negative predicted CLV.
fn loss(f: &SwotFacts) -> Option<(&'static str, &'static str, &'static str, f64)> {
    if let Some(n) = known_opt(f.net_contribution).filter(|n| *n < 0.0) {
        return Some(("net_contribution_12m", "net contribution", "净贡献", n));
    }
    known_opt(f.clv)
        .filter(|v| *v < 0.0)
        .map(|v| ("clv_12m", "predicted CLV", "预测客户终身价值", v))
}

/// The known positive costs, largest first, as (English, Chinese, amount, share of revenue).
fn costs_largest_first(f: &SwotFacts) -> Vec<(&'static str, &'static str, f64, Option<f64>)> {
    let revenue = known_opt(f.revenue).filter(|r| *r > 0.0);
    let mut v: Vec<(&'static str, &'static str, f64, Option<f64>)> = f
        .costs
        .iter()
        .filter_map(|(id, x)| {
            let (en, zh) = match id.as_str() {
                "sales_cost_12m" => ("sales cost", "销售成本"),
                "service_cost_12m" => ("service cost", "服务成本"),
                "returns_12m" => ("returns", "退货"),
                "discounts_12m" => ("discounts", "折扣"),
                _ => ("other cost", "其他成本"),
            };
            known_opt(Some(*x))
                .filter(|x| *x > 0.0)
                .map(|x| (en, zh, x, revenue.map(|r| x / r)))
        })
        .collect();
    v.sort_by(|a, b| b.2.total_cmp(&a.2));
    v
}

/// The SWOT suggestions of one customer, strengths first, then weaknesses, opportunities and
/// threats, each quadrant in the module table's order. `categories` names cross-sell
/// categories by id (may be empty).
pub fn suggest_swot(f: &SwotFacts, cfg: &SwotConfig, categories: &[String]) -> Vec<SwotSuggestion> {
    let mut out = Vec::new();
    strengths(f, cfg, &mut out);
    weaknesses(f, cfg, &mut out);
    opportunities(f, cfg, categories, &mut out);
    threats(f, cfg, &mut out);
    out
}

/// High margin, long tenure, a promoter's NPS, high CSAT.
fn strengths(f: &SwotFacts, cfg: &SwotConfig, o: &mut Vec<SwotSuggestion>) {
    use Quadrant::Strength;
    if let Some(p) =
        known_opt(f.gross_margin_percentile).filter(|p| *p >= cfg.high_margin_percentile)
    {
        let rate_en = known_opt(f.gross_margin_rate)
            .map(|r| format!("gross margin rate {}, ", percent(r)))
            .unwrap_or_default();
        let rate_zh = known_opt(f.gross_margin_rate)
            .map(|r| format!("毛利率 {}，", percent(r)))
            .unwrap_or_default();
        point(
            o,
            Strength,
            "high_margin",
            "gross_margin_percentile",
            (p, cfg.high_margin_percentile),
            format!(
                "High margin: {rate_en}at percentile {} of customers (≥ {})",
                percent(p),
                percent(cfg.high_margin_percentile)
            ),
            format!(
                "利润率高：{rate_zh}位于客户的第 {} 百分位（≥ {}）",
                percent(p),
                percent(cfg.high_margin_percentile)
            ),
        );
    }
    if let Some(t) = known_opt(f.tenure_days).filter(|t| *t >= cfg.long_tenure_days) {
        point(
            o,
            Strength,
            "long_tenure",
            "tenure_days",
            (t, cfg.long_tenure_days),
            format!(
                "Long relationship: tenure {} days ({} years) ≥ {} days",
                num(t),
                num(t / 365.25),
                num(cfg.long_tenure_days)
            ),
            format!(
                "合作时长长：{} 天（{} 年）≥ {} 天",
                num(t),
                num(t / 365.25),
                num(cfg.long_tenure_days)
            ),
        );
    }
    if let Some(n) = known_opt(f.nps).filter(|n| *n >= cfg.high_nps) {
        point(
            o,
            Strength,
            "high_nps",
            "nps",
            (n, cfg.high_nps),
            format!(
                "Promoter: NPS answer {} ≥ {} (0–10)",
                num(n),
                num(cfg.high_nps)
            ),
            format!(
                "推荐者：NPS 评分 {} ≥ {}（0–10分）",
                num(n),
                num(cfg.high_nps)
            ),
        );
    }
    if let Some(c) = known_opt(f.csat).filter(|c| *c >= cfg.high_csat) {
        point(
            o,
            Strength,
            "high_csat",
            "csat",
            (c, cfg.high_csat),
            format!("Satisfied: CSAT {} ≥ {}", num(c), num(cfg.high_csat)),
            format!("满意度高：满意度评分 {} ≥ {}", num(c), num(cfg.high_csat)),
        );
    }
}

/// Loss-making, slow or slipping payment, high cost shares, a detractor's NPS.
fn weaknesses(f: &SwotFacts, cfg: &SwotConfig, o: &mut Vec<SwotSuggestion>) {
    use Quadrant::Weakness;
    loss_making(f, o);
    if let Some(d) = known_opt(f.avg_payment_delay_days).filter(|d| *d >= cfg.late_payment_days) {
        point(
            o,
            Weakness,
            "late_payment",
            "avg_payment_delay_days",
            (d, cfg.late_payment_days),
            format!(
                "Slow payment: average payment delay {} days ≥ {}",
                num(d),
                num(cfg.late_payment_days)
            ),
            format!(
                "付款慢：平均付款延迟 {} 天 ≥ {} 天",
                num(d),
                num(cfg.late_payment_days)
            ),
        );
    }
    if let Some(t) =
        known_opt(f.payment_delay_trend_days).filter(|t| *t >= cfg.payment_delay_rise_days)
    {
        point(
            o,
            Weakness,
            "payment_slipping",
            "payment_delay_trend_days",
            (t, cfg.payment_delay_rise_days),
            format!(
                "Payments slipping: average delay up {} days on the previous period (≥ {})",
                num(t),
                num(cfg.payment_delay_rise_days)
            ),
            format!(
                "付款变慢：平均付款延迟比上期增加 {} 天（≥ {} 天）",
                num(t),
                num(cfg.payment_delay_rise_days)
            ),
        );
    }
    cost_shares(f, cfg, o);
    if let Some(n) = known_opt(f.nps).filter(|n| *n <= cfg.detractor_nps) {
        point(
            o,
            Weakness,
            "detractor",
            "nps",
            (n, cfg.detractor_nps),
            format!(
                "Detractor: NPS answer {} ≤ {} (0–10)",
                num(n),
                num(cfg.detractor_nps)
            ),
            format!(
                "贬损者：NPS 评分 {} ≤ {}（0–10分）",
                num(n),
                num(cfg.detractor_nps)
            ),
        );
    }
}

/// The loss-making weakness, naming the largest costs.
fn loss_making(f: &SwotFacts, o: &mut Vec<SwotSuggestion>) {
    if let Some((figure, what_en, what_zh, v)) = loss(f) {
        let costs = costs_largest_first(f);
        let list_en: Vec<String> = costs
            .iter()
            .map(|(en, _, x, share)| match share {
                Some(sh) => format!("{en} {} ({} of revenue)", money(*x), percent(*sh)),
                None => format!("{en} {}", money(*x)),
            })
            .collect();
        let list_zh: Vec<String> = costs
            .iter()
            .map(|(_, zh, x, share)| match share {
                Some(sh) => format!("{zh} {}（占收入 {}）", money(*x), percent(*sh)),
                None => format!("{zh} {}", money(*x)),
            })
            .collect();
        point(
            o,
            Quadrant::Weakness,
            "loss_making",
            figure,
            (v, 0.0),
            if list_en.is_empty() {
                format!("Loss-making: {what_en} {} < 0", money(v))
            } else {
                format!(
                    "Loss-making: {what_en} {} < 0; largest costs: {}",
                    money(v),
                    list_en.join(", ")
                )
            },
            if list_zh.is_empty() {
                format!("亏损：{what_zh} {} < 0", money(v))
            } else {
                format!(
                    "亏损：{what_zh} {} < 0；主要成本：{}",
                    money(v),
                    list_zh.join("，")
                )
            },
        );
    }
}

/// Sales and service cost shares above their thresholds.
fn cost_shares(f: &SwotFacts, cfg: &SwotConfig, o: &mut Vec<SwotSuggestion>) {
    // Cost shares above their thresholds, the larger share first: the one eating the margin
    // most is named first (issue 17: service cost was blamed while sales cost was larger).
    let mut cost_points: Vec<(&str, &str, &str, &str, f64, f64)> = [
        (
            "high_sales_cost",
            "sales_cost_share",
            "High sales cost",
            "销售成本高",
            f.sales_cost_share,
            cfg.high_sales_cost_share,
        ),
        (
            "high_service_cost",
            "service_cost_share",
            "High service cost",
            "服务成本高",
            f.service_cost_share,
            cfg.high_service_cost_share,
        ),
    ]
    .into_iter()
    .filter_map(|(code, figure, en, zh, share, th)| {
        known_opt(share)
            .filter(|s| *s >= th)
            .map(|s| (code, figure, en, zh, s, th))
    })
    .collect();
    cost_points.sort_by(|a, b| b.4.total_cmp(&a.4));
    for (code, figure, en, zh, s, th) in cost_points {
        point(
            o,
            Quadrant::Weakness,
            code,
            figure,
            (s, th),
            format!("{en}: {} of revenue ≥ {}", percent(s), percent(th)),
            format!("{zh}：占收入 {} ≥ {}", percent(s), percent(th)),
        );
    }
}

/// A share-of-wallet gap and the categories to cross-sell.
fn opportunities(
    f: &SwotFacts,
    cfg: &SwotConfig,
    categories: &[String],
    o: &mut Vec<SwotSuggestion>,
) {
    use Quadrant::Opportunity;
    if let (Some(share), Some(gap)) = (known_opt(f.share_of_wallet), known_opt(f.wallet_gap)) {
        if share <= cfg.max_share_of_wallet && gap > cfg.min_wallet_gap && gap > 0.0 {
            point(
                o,
                Opportunity,
                "wallet_gap",
                "share_of_wallet",
                (share, cfg.max_share_of_wallet),
                format!(
                    "Share-of-wallet gap: share of wallet {} ≤ {}, {} more could be won",
                    percent(share),
                    percent(cfg.max_share_of_wallet),
                    money(gap)
                ),
                format!(
                    "客户份额有缺口：客户份额 {} ≤ {}，尚有 {} 可争取",
                    percent(share),
                    percent(cfg.max_share_of_wallet),
                    money(gap)
                ),
            );
        }
    }
    let named = f
        .cross_sell
        .iter()
        .filter(|c| c.score >= cfg.min_cross_sell_score)
        .take(cfg.max_cross_sell);
    for c in named {
        let figure = match c.source {
            CrossSellSource::Peers { .. } => "peer_penetration",
            CrossSellSource::Rule { .. } => "rule_confidence",
        };
        point(
            o,
            Opportunity,
            &format!("cross_sell:{}", c.category),
            figure,
            (c.score, cfg.min_cross_sell_score),
            format!("Category not yet bought: {}", c.explain_en(categories)),
            format!("尚未购买的品类：{}", c.explain_zh(categories)),
        );
    }
}

/// Falling P(alive), satisfaction or spend, and complaints.
fn threats(f: &SwotFacts, cfg: &SwotConfig, o: &mut Vec<SwotSuggestion>) {
    use Quadrant::Threat;
    if let (Some(now), Some(before)) = (known_opt(f.p_alive), known_opt(f.prev_p_alive)) {
        let d = before - now;
        if d >= cfg.p_alive_drop && d > 0.0 {
            point(
                o,
                Threat,
                "p_alive_falling",
                "p_alive_drop",
                (d, cfg.p_alive_drop),
                format!(
                    "Falling P(alive): probability alive fell from {} to {} (−{} ≥ {})",
                    percent(before),
                    percent(now),
                    percent(d),
                    percent(cfg.p_alive_drop)
                ),
                format!(
                    "存活概率下降：从 {} 降至 {}（−{} ≥ {}）",
                    percent(before),
                    percent(now),
                    percent(d),
                    percent(cfg.p_alive_drop)
                ),
            );
        }
    }
    if let Some((d, p, c)) = fall(f.prev_satisfaction, f.satisfaction)
        .filter(|x| x.0 >= cfg.satisfaction_drop && x.0 > 0.0)
    {
        point(
            o,
            Threat,
            "satisfaction_falling",
            "satisfaction_drop",
            (d, cfg.satisfaction_drop),
            format!(
                "Falling satisfaction: from {} to {} (−{} ≥ {})",
                num(p),
                num(c),
                percent(d),
                percent(cfg.satisfaction_drop)
            ),
            format!(
                "满意度下降：从 {} 降至 {}（−{} ≥ {}）",
                num(p),
                num(c),
                percent(d),
                percent(cfg.satisfaction_drop)
            ),
        );
    }
    if let Some((d, p, c)) =
        fall(f.prev_spend_12m, f.spend_12m).filter(|x| x.0 >= cfg.spend_drop && x.0 > 0.0)
    {
        point(
            o,
            Threat,
            "spend_down",
            "spend_drop",
            (d, cfg.spend_drop),
            format!(
                "Spend down: 12-month spend fell from {} to {} (−{} ≥ {})",
                money(p),
                money(c),
                percent(d),
                percent(cfg.spend_drop)
            ),
            format!(
                "消费下降：近12个月消费从 {} 降至 {}（−{} ≥ {}）",
                money(p),
                money(c),
                percent(d),
                percent(cfg.spend_drop)
            ),
        );
    }
    if let Some(n) = f.complaints_12m.filter(|n| *n >= cfg.complaints && *n > 0) {
        point(
            o,
            Threat,
            "complaints",
            "complaints_12m",
            (f64::from(n), f64::from(cfg.complaints)),
            format!("Complaints: {n} in 12 months (≥ {})", cfg.complaints),
            format!("投诉：近12个月 {n} 次（≥ {} 次）", cfg.complaints),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cross_sell::PeerLevel;

    fn codes(v: &[SwotSuggestion]) -> Vec<&str> {
        v.iter().map(|s| s.code.as_str()).collect()
    }

    #[test]
    fn each_quadrant_from_its_figure() {
        let f = SwotFacts {
            gross_margin_rate: Some(0.32),
            gross_margin_percentile: Some(0.82),
            tenure_days: Some(1500.0),
            nps: Some(9.5),
            avg_payment_delay_days: Some(23.0),
            service_cost_share: Some(0.2),
            wallet_gap: Some(90_000.0),
            share_of_wallet: Some(0.25),
            cross_sell: vec![CrossSell {
                category: 0,
                score: 0.45,
                source: CrossSellSource::Peers {
                    penetration: 0.45,
                    peers: 40,
                    level: PeerLevel::IndustrySize,
                },
            }],
            p_alive: Some(0.6),
            prev_p_alive: Some(0.85),
            satisfaction: Some(3.5),
            prev_satisfaction: Some(4.5),
            spend_12m: Some(70.0),
            prev_spend_12m: Some(100.0),
            complaints_12m: Some(1),
            ..SwotFacts::default()
        };
        let names = vec!["oncology".to_string()];
        let s = suggest_swot(&f, &SwotConfig::default(), &names);
        assert_eq!(
            codes(&s),
            [
                "high_margin",
                "long_tenure",
                "high_nps",
                "late_payment",
                "high_service_cost",
                "wallet_gap",
                "cross_sell:0",
                "p_alive_falling",
                "satisfaction_falling",
                "spend_down"
            ]
        );
        let by = |c: &str| s.iter().find(|p| p.code == c).unwrap();
        assert_eq!(by("late_payment").figure, "avg_payment_delay_days");
        assert_eq!(
            by("late_payment").text_en,
            "Slow payment: average payment delay 23 days ≥ 15"
        );
        assert_eq!(
            by("high_margin").text_en,
            "High margin: gross margin rate 32%, at percentile 82% of customers (≥ 75%)"
        );
        assert_eq!(
            by("wallet_gap").text_zh,
            "客户份额有缺口：客户份额 25% ≤ 50%，尚有 90,000.00 可争取"
        );
        assert!(by("cross_sell:0").text_en.contains("oncology"));
        assert!((by("p_alive_falling").value - 0.25).abs() < 1e-12);
        assert_eq!(by("spend_down").quadrant, Quadrant::Threat);
        assert!((by("spend_down").value - 0.3).abs() < 1e-12);
    }

    #[test]
    fn nothing_from_missing_or_unremarkable_figures() {
        assert!(suggest_swot(&SwotFacts::default(), &SwotConfig::default(), &[]).is_empty());
        let f = SwotFacts {
            nps: Some(8.0),
            tenure_days: Some(f64::NAN),
            p_alive: Some(0.9),
            prev_p_alive: Some(0.8),
            spend_12m: Some(10.0),
            prev_spend_12m: Some(0.0),
            share_of_wallet: Some(1.0),
            wallet_gap: Some(0.0),
            complaints_12m: Some(0),
            ..SwotFacts::default()
        };
        assert!(suggest_swot(&f, &SwotConfig::default(), &[]).is_empty());
    }

    #[test]
    fn detractor_and_slipping_payments() {
        let f = SwotFacts {
            nps: Some(4.0),
            payment_delay_trend_days: Some(9.0),
            complaints_12m: Some(5),
            ..SwotFacts::default()
        };
        let s = suggest_swot(&f, &SwotConfig::default(), &[]);
        assert_eq!(codes(&s), ["payment_slipping", "detractor", "complaints"]);
        assert_eq!(s[1].text_zh, "贬损者：NPS 评分 4 ≤ 6（0–10分）");
    }

    #[test]
    fn issue_17_a_loss_maker_is_told_its_largest_cost_first() {
        // The reported customer: service cost 15.9 % of revenue was blamed, while sales cost
        // (35 %) is what ate its margin.
        let f = SwotFacts {
            clv: Some(-70_000.0),
            net_contribution: Some(12_000.0),
            revenue: Some(400_000.0),
            service_cost_share: Some(0.159),
            sales_cost_share: Some(0.35),
            costs: vec![
                ("service_cost_12m".into(), 63_600.0),
                ("sales_cost_12m".into(), 140_000.0),
                ("returns_12m".into(), 0.0),
            ],
            ..SwotFacts::default()
        };
        let s = suggest_swot(&f, &SwotConfig::default(), &[]);
        assert_eq!(
            codes(&s),
            ["loss_making", "high_sales_cost", "high_service_cost"]
        );
        assert_eq!(s[0].figure, "clv_12m");
        assert_eq!(
            s[0].text_en,
            "Loss-making: predicted CLV -70,000.00 < 0; largest costs: sales cost 140,000.00 (35% of revenue), service cost 63,600.00 (15.9% of revenue)"
        );
        assert!(s[0].text_zh.starts_with("亏损：预测客户终身价值"));
    }

    #[test]
    fn config_checks() {
        assert!(SwotConfig::default().validate().is_ok());
        let c = SwotConfig {
            spend_drop: 2.0,
            ..SwotConfig::default()
        };
        assert!(c.validate().is_err());
        assert!(serde_json::from_str::<SwotConfig>(r#"{"high_nsp": 9}"#).is_err());
    }
}
