//! Lifecycle stage per customer (生命周期): prospect, new, growing, loyal, declining, churned,
//! each with the goal the documents give it (acquisition, conversion, growth, retention,
//! reactivation, win-back).
//!
//! Recency is judged against the customer's purchase rhythm (issue 17): the *expected gap* is
//! the customer's own mean time between orders when it has bought more than once, else the
//! base's typical gap (median over repeat buyers of their mean gap). The recency ratio is
//! recency / expected gap, so a quarterly buyer 100 days out (ratio 1.1) is on time and a
//! weekly buyer 60 days out (ratio 8.6) has lapsed.
//!
//! Rules, evaluated in this order, first match wins:
//! 1. no order up to the as-of date → `prospect` (潜在客户);
//! 2. first order within `new_days` (90) of the as-of date (and an order in the last 12
//!    months) → `new` (新客户, 首次购买);
//! 3. P(alive) < 0.15, or last order more than 540 days ago, or no order in the last 12 months
//!    and recency more than `churn_ratio` (4) expected gaps → `churned` (流失客户);
//! 4. P(alive) < 0.5, or recency more than `lapse_ratio` (2) expected gaps (lapsed), or no
//!    order in the last 12 months, or a single order whose first-purchase window (`new_days`)
//!    has passed, or spend of the last 6 months more than 30 % below the 6 months before →
//!    `declining` (衰退客户);
//! 5. tenure ≥ 730 days and ≥ 4 orders in the last 12 months and P(alive) ≥ 0.7 → `loyal`
//!    (忠诚客户);
//! 6. otherwise → `growing` (成长客户, 重复购买), and the sentence names the loyal condition
//!    that is not yet met.
//!
//! So a customer with no order in the last 12 months is never new, growing or loyal, and a
//! one-time buyer is new only within `new_days` of its order. New comes before churned and
//! declining: a customer whose first order is weeks old has no history to decline from, and
//! model-based P(alive) is least reliable then. Churned comes before declining so the stronger
//! signal wins.
//!
//! P(alive) must be a probability the model can actually tell: BG/NBD gives 1 by construction
//! to a customer without a repeat purchase, so the caller passes the P(alive) of a model that
//! can tell (or none).
//!
//! Missing inputs: a test whose input is unknown (`None`, NaN) is skipped, so a company without
//! a CLV model still gets stages from recency, rhythm and spend; the loyal sentence says when
//! P(alive) was not checked. The loyal tenure test is the exception: without a tenure it falls
//! back to days since the first order, and with neither it fails (loyalty is not assumed).

use serde::{Deserialize, Serialize};

use crate::ClassifyError;
use crate::explain::{Assigned, Explain, fixed, known, percent};

/// A lifecycle stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    /// 潜在客户: no purchase yet.
    Prospect,
    /// 新客户 / 首次购买: first purchase recent, or only one so far.
    New,
    /// 成长客户 / 重复购买: repeat buyer, not yet loyal.
    Growing,
    /// 忠诚客户: long tenure, frequent, alive.
    Loyal,
    /// 衰退客户: P(alive) or spend falling.
    Declining,
    /// 流失客户: very likely gone.
    Churned,
}

impl LifecycleStage {
    /// Every stage, in lifecycle order.
    pub const ALL: [LifecycleStage; 6] = [
        LifecycleStage::Prospect,
        LifecycleStage::New,
        LifecycleStage::Growing,
        LifecycleStage::Loyal,
        LifecycleStage::Declining,
        LifecycleStage::Churned,
    ];

    /// Stable snake_case id (the serde name).
    pub fn id(self) -> &'static str {
        match self {
            LifecycleStage::Prospect => "prospect",
            LifecycleStage::New => "new",
            LifecycleStage::Growing => "growing",
            LifecycleStage::Loyal => "loyal",
            LifecycleStage::Declining => "declining",
            LifecycleStage::Churned => "churned",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            LifecycleStage::Prospect => "prospect",
            LifecycleStage::New => "new customer",
            LifecycleStage::Growing => "growing customer",
            LifecycleStage::Loyal => "loyal customer",
            LifecycleStage::Declining => "declining customer",
            LifecycleStage::Churned => "churned customer",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            LifecycleStage::Prospect => "潜在客户",
            LifecycleStage::New => "新客户",
            LifecycleStage::Growing => "成长客户",
            LifecycleStage::Loyal => "忠诚客户",
            LifecycleStage::Declining => "衰退客户",
            LifecycleStage::Churned => "流失客户",
        }
    }

    /// What the company should aim for with customers in this stage.
    pub fn goal(self) -> StageGoal {
        match self {
            LifecycleStage::Prospect => StageGoal::Acquisition,
            LifecycleStage::New => StageGoal::Conversion,
            LifecycleStage::Growing => StageGoal::Growth,
            LifecycleStage::Loyal => StageGoal::Retention,
            LifecycleStage::Declining => StageGoal::Reactivation,
            LifecycleStage::Churned => StageGoal::WinBack,
        }
    }
}

/// The goal of a lifecycle stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageGoal {
    /// 获取: win the first purchase.
    Acquisition,
    /// 转化: turn a first purchase into repeat buying.
    Conversion,
    /// 增长: raise frequency and spend.
    Growth,
    /// 保持: keep the customer.
    Retention,
    /// 挽回: stop the decline.
    Reactivation,
    /// 赢回: win a lost customer back.
    WinBack,
}

impl StageGoal {
    /// Stable snake_case id (the serde name).
    pub fn id(self) -> &'static str {
        match self {
            StageGoal::Acquisition => "acquisition",
            StageGoal::Conversion => "conversion",
            StageGoal::Growth => "growth",
            StageGoal::Retention => "retention",
            StageGoal::Reactivation => "reactivation",
            StageGoal::WinBack => "win_back",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            StageGoal::Acquisition => "acquisition",
            StageGoal::Conversion => "conversion",
            StageGoal::Growth => "growth",
            StageGoal::Retention => "retention",
            StageGoal::Reactivation => "reactivation",
            StageGoal::WinBack => "win-back",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            StageGoal::Acquisition => "获取",
            StageGoal::Conversion => "转化",
            StageGoal::Growth => "增长",
            StageGoal::Retention => "保持",
            StageGoal::Reactivation => "挽回",
            StageGoal::WinBack => "赢回",
        }
    }
}

/// What the lifecycle rules need to know about one customer at the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct LifecycleInput {
    /// Orders up to the as-of date.
    pub orders_total: u32,
    /// Days from the first order to the as-of date.
    pub days_since_first: Option<f64>,
    /// Days from the last order to the as-of date.
    pub recency_days: Option<f64>,
    /// Probability the customer is still active (e.g. BG/NBD), in [0, 1].
    pub p_alive: Option<f64>,
    /// Spend of the last 6 months over the 6 months before, minus 1 (−0.3 = 30 % less).
    pub spend_growth_6m: Option<f64>,
    /// Length of the relationship in days (first order, or contract start, to the as-of date).
    pub tenure_days: Option<f64>,
    /// Orders in the last 12 months.
    pub orders_12m: u32,
    /// The gap between orders this customer's recency is judged against, in days: its own
    /// mean time between orders (repeat buyers), else the base's typical gap.
    #[serde(default)]
    pub expected_gap_days: Option<f64>,
    /// Whether `expected_gap_days` is the customer's own mean gap (`false`: the base's).
    #[serde(default)]
    pub own_rhythm: bool,
}

/// Recency against the purchase rhythm: the figures a rhythm sentence names.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rhythm {
    /// Days since the last order.
    pub recency_days: f64,
    /// The expected gap between orders, in days.
    pub expected_gap_days: f64,
    /// The customer's own mean gap (`true`) or the base's typical gap (`false`).
    pub own: bool,
}

impl Rhythm {
    /// Recency / expected gap (how many usual gaps have passed since the last order).
    pub fn ratio(&self) -> f64 {
        self.recency_days / self.expected_gap_days
    }

    fn en(&self) -> String {
        format!(
            "last order {} days ago = {}× the expected gap of {} days ({})",
            fixed(self.recency_days, 0),
            fixed(self.ratio(), 1),
            fixed(self.expected_gap_days, 0),
            if self.own {
                "its own mean time between orders"
            } else {
                "the base's median time between orders; no repeat purchase of its own"
            }
        )
    }

    fn zh(&self) -> String {
        format!(
            "最近一次购买距今 {} 天，为预期购买间隔 {} 天（{}）的 {} 倍",
            fixed(self.recency_days, 0),
            fixed(self.expected_gap_days, 0),
            if self.own {
                "其自身平均购买间隔"
            } else {
                "全体客户购买间隔中位数；本人尚无重复购买"
            },
            fixed(self.ratio(), 1)
        )
    }
}

impl LifecycleInput {
    /// Recency against the expected gap, when both are known and the gap is positive.
    pub fn rhythm(&self) -> Option<Rhythm> {
        let recency_days = self.recency_days.and_then(known)?;
        let expected_gap_days = self
            .expected_gap_days
            .and_then(known)
            .filter(|g| *g > 0.0)?;
        Some(Rhythm {
            recency_days,
            expected_gap_days,
            own: self.own_rhythm,
        })
    }
}

/// Thresholds of the lifecycle rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LifecycleThresholds {
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
    /// Loyal needs at least this P(alive) when it is known (0.7).
    pub loyal_p_alive: f64,
    /// Recency above this many expected gaps is lapsed: declining (2).
    pub lapse_ratio: f64,
    /// With no order in the last 12 months, recency above this many expected gaps is
    /// churned (4).
    pub churn_ratio: f64,
}

impl Default for LifecycleThresholds {
    fn default() -> Self {
        Self {
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

impl LifecycleThresholds {
    /// Checks that every threshold is finite, probabilities lie in [0, 1], day counts are not
    /// negative, and the churn P(alive) line is not above the decline line.
    pub fn validate(&self) -> Result<(), ClassifyError> {
        let days = [
            ("new_days", self.new_days),
            ("churn_recency_days", self.churn_recency_days),
            ("loyal_tenure_days", self.loyal_tenure_days),
        ];
        for (field, value) in days {
            if !(value.is_finite() && value >= 0.0) {
                return Err(ClassifyError::Config {
                    field,
                    value,
                    reason: "must be a finite number of days ≥ 0",
                });
            }
        }
        let probs = [
            ("churn_p_alive", self.churn_p_alive),
            ("decline_p_alive", self.decline_p_alive),
            ("loyal_p_alive", self.loyal_p_alive),
        ];
        for (field, value) in probs {
            if !(0.0..=1.0).contains(&value) {
                return Err(ClassifyError::Config {
                    field,
                    value,
                    reason: "must be a probability in [0, 1]",
                });
            }
        }
        if self.churn_p_alive > self.decline_p_alive {
            return Err(ClassifyError::Config {
                field: "churn_p_alive",
                value: self.churn_p_alive,
                reason: "must not exceed decline_p_alive",
            });
        }
        for (field, value) in [
            ("lapse_ratio", self.lapse_ratio),
            ("churn_ratio", self.churn_ratio),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(ClassifyError::Config {
                    field,
                    value,
                    reason: "must be a finite ratio > 0",
                });
            }
        }
        if self.churn_ratio < self.lapse_ratio {
            return Err(ClassifyError::Config {
                field: "churn_ratio",
                value: self.churn_ratio,
                reason: "must not be below lapse_ratio",
            });
        }
        if !self.decline_spend_growth.is_finite() {
            return Err(ClassifyError::Config {
                field: "decline_spend_growth",
                value: self.decline_spend_growth,
                reason: "must be a finite growth rate",
            });
        }
        Ok(())
    }
}

/// The loyal condition a growing customer does not meet yet (the first one failing).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "gap")]
pub enum LoyalGap {
    /// Tenure below the line, or unknown.
    Tenure { tenure_days: Option<f64>, line: f64 },
    /// Too few orders in the last 12 months.
    Orders { orders_12m: u32, line: u32 },
    /// P(alive) known and below the line.
    PAlive { p_alive: f64, line: f64 },
}

impl LoyalGap {
    fn en(&self) -> String {
        match *self {
            LoyalGap::Tenure {
                tenure_days: Some(t),
                line,
            } => format!("tenure {} days < {}", fixed(t, 0), fixed(line, 0)),
            LoyalGap::Tenure {
                tenure_days: None, ..
            } => "tenure unknown".to_string(),
            LoyalGap::Orders { orders_12m, line } => {
                format!("{orders_12m} orders in 12 months < {line}")
            }
            LoyalGap::PAlive { p_alive, line } => {
                format!("P(alive) {} < {}", fixed(p_alive, 2), fixed(line, 2))
            }
        }
    }

    fn zh(&self) -> String {
        match *self {
            LoyalGap::Tenure {
                tenure_days: Some(t),
                line,
            } => format!("客户关系时长 {} 天 < {} 天", fixed(t, 0), fixed(line, 0)),
            LoyalGap::Tenure {
                tenure_days: None, ..
            } => "客户关系时长未知".to_string(),
            LoyalGap::Orders { orders_12m, line } => {
                format!("近12个月 {orders_12m} 单 < {line} 单")
            }
            LoyalGap::PAlive { p_alive, line } => {
                format!("存活概率 {} < {}", fixed(p_alive, 2), fixed(line, 2))
            }
        }
    }
}

/// Why a customer is in its stage, with the figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum LifecycleRule {
    /// Rule 1.
    NoPurchase,
    /// Rule 2.
    FirstPurchaseRecent {
        days_since_first: f64,
        new_days: f64,
    },
    /// Rule 3, by P(alive).
    ChurnedPAlive { p_alive: f64, line: f64 },
    /// Rule 3, by recency.
    ChurnedRecency { recency_days: f64, line: f64 },
    /// Rule 4, by P(alive).
    DecliningPAlive { p_alive: f64, line: f64 },
    /// Rule 4, by six-month spend growth.
    DecliningSpend { growth: f64, line: f64 },
    /// Stored by runs before issue 17 (a one-time buyer past `new_days` was still new); no
    /// longer produced, kept so that older runs still explain themselves.
    SingleOrder { days_since_first: Option<f64> },
    /// Rule 3, by rhythm: no order in 12 months and recency above `churn_ratio` gaps.
    ChurnedRhythm { rhythm: Rhythm, line: f64 },
    /// Rule 4, lapsed: recency above `lapse_ratio` expected gaps.
    Lapsed { rhythm: Rhythm, line: f64 },
    /// Rule 4, no order in the last 12 months.
    NoOrder12m {
        recency_days: Option<f64>,
        rhythm: Option<Rhythm>,
    },
    /// Rule 4, a one-time buyer whose first-purchase window has passed without a second order.
    NotConverted {
        days_since_first: Option<f64>,
        new_days: f64,
        rhythm: Option<Rhythm>,
    },
    /// Rule 5; `tenure_days` is the figure tested (tenure, or days since the first order).
    Loyal {
        tenure_days: f64,
        tenure_line: f64,
        orders_12m: u32,
        orders_line: u32,
        p_alive: Option<f64>,
        p_alive_line: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rhythm: Option<Rhythm>,
    },
    /// Rule 6.
    Growing {
        orders_total: u32,
        gap: LoyalGap,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rhythm: Option<Rhythm>,
    },
}

fn with_rhythm_en(s: String, rhythm: Option<Rhythm>) -> String {
    match rhythm {
        Some(r) => format!("{s}; {}", r.en()),
        None => s,
    }
}

fn with_rhythm_zh(s: String, rhythm: Option<Rhythm>) -> String {
    match rhythm {
        Some(r) => format!("{s}；{}", r.zh()),
        None => s,
    }
}

impl Explain for LifecycleRule {
    fn explain_en(&self) -> String {
        match *self {
            LifecycleRule::NoPurchase => "no purchase up to the as-of date".to_string(),
            LifecycleRule::FirstPurchaseRecent {
                days_since_first,
                new_days,
            } => format!(
                "first purchase {} days ago ≤ {} days",
                fixed(days_since_first, 0),
                fixed(new_days, 0)
            ),
            LifecycleRule::ChurnedPAlive { p_alive, line } => format!(
                "P(alive) {} < churn line {}",
                fixed(p_alive, 2),
                fixed(line, 2)
            ),
            LifecycleRule::ChurnedRecency { recency_days, line } => format!(
                "last purchase {} days ago > {} days",
                fixed(recency_days, 0),
                fixed(line, 0)
            ),
            LifecycleRule::DecliningPAlive { p_alive, line } => format!(
                "P(alive) {} < decline line {}",
                fixed(p_alive, 2),
                fixed(line, 2)
            ),
            LifecycleRule::DecliningSpend { growth, line } => format!(
                "spend of the last 6 months {} against the 6 months before, below {}",
                percent(growth),
                percent(line)
            ),
            LifecycleRule::SingleOrder { days_since_first } => match days_since_first {
                Some(d) => format!(
                    "one order only, {} days ago: not yet a repeat buyer",
                    fixed(d, 0)
                ),
                None => "one order only: not yet a repeat buyer".to_string(),
            },
            LifecycleRule::ChurnedRhythm { rhythm, line } => format!(
                "no order in the last 12 months and {} > churn line {}×",
                rhythm.en(),
                fixed(line, 1)
            ),
            LifecycleRule::Lapsed { rhythm, line } => {
                format!("lapsed: {} > lapse line {}×", rhythm.en(), fixed(line, 1))
            }
            LifecycleRule::NoOrder12m {
                recency_days,
                rhythm,
            } => with_rhythm_en(
                match (recency_days, rhythm) {
                    (Some(r), None) => format!(
                        "no order in the last 12 months (last order {} days ago)",
                        fixed(r, 0)
                    ),
                    _ => "no order in the last 12 months".to_string(),
                },
                rhythm,
            ),
            LifecycleRule::NotConverted {
                days_since_first,
                new_days,
                rhythm,
            } => with_rhythm_en(
                match days_since_first {
                    Some(d) => format!(
                        "one order only, {} days ago: no second order within the first {} days",
                        fixed(d, 0),
                        fixed(new_days, 0)
                    ),
                    None => format!(
                        "one order only: no second order within the first {} days",
                        fixed(new_days, 0)
                    ),
                },
                rhythm,
            ),
            LifecycleRule::Loyal {
                tenure_days,
                tenure_line,
                orders_12m,
                orders_line,
                p_alive,
                p_alive_line,
                rhythm,
            } => {
                let alive = match p_alive {
                    Some(p) => format!("P(alive) {} ≥ {}", fixed(p, 2), fixed(p_alive_line, 2)),
                    None => "P(alive) unknown, not checked".to_string(),
                };
                with_rhythm_en(
                    format!(
                        "tenure {} days ≥ {}, {orders_12m} orders in 12 months ≥ {orders_line}, {alive}",
                        fixed(tenure_days, 0),
                        fixed(tenure_line, 0)
                    ),
                    rhythm,
                )
            }
            LifecycleRule::Growing {
                orders_total,
                gap,
                rhythm,
            } => with_rhythm_en(
                format!(
                    "repeat buyer ({orders_total} orders), neither churned nor declining; not yet loyal: {}",
                    gap.en()
                ),
                rhythm,
            ),
        }
    }

    fn explain_zh(&self) -> String {
        match *self {
            LifecycleRule::NoPurchase => "截至评估日尚无购买".to_string(),
            LifecycleRule::FirstPurchaseRecent {
                days_since_first,
                new_days,
            } => format!(
                "首次购买距今 {} 天 ≤ {} 天",
                fixed(days_since_first, 0),
                fixed(new_days, 0)
            ),
            LifecycleRule::ChurnedPAlive { p_alive, line } => {
                format!("存活概率 {} < 流失线 {}", fixed(p_alive, 2), fixed(line, 2))
            }
            LifecycleRule::ChurnedRecency { recency_days, line } => format!(
                "最近一次购买距今 {} 天 > {} 天",
                fixed(recency_days, 0),
                fixed(line, 0)
            ),
            LifecycleRule::DecliningPAlive { p_alive, line } => {
                format!("存活概率 {} < 衰退线 {}", fixed(p_alive, 2), fixed(line, 2))
            }
            LifecycleRule::DecliningSpend { growth, line } => format!(
                "近6个月消费额较前6个月变化 {}，低于 {}",
                percent(growth),
                percent(line)
            ),
            LifecycleRule::SingleOrder { days_since_first } => match days_since_first {
                Some(d) => format!("仅购买一次（距今 {} 天），尚未重复购买", fixed(d, 0)),
                None => "仅购买一次，尚未重复购买".to_string(),
            },
            LifecycleRule::ChurnedRhythm { rhythm, line } => format!(
                "近12个月无订单，且{}，超过流失线 {} 倍",
                rhythm.zh(),
                fixed(line, 1)
            ),
            LifecycleRule::Lapsed { rhythm, line } => format!(
                "已脱离购买节奏：{}，超过脱离线 {} 倍",
                rhythm.zh(),
                fixed(line, 1)
            ),
            LifecycleRule::NoOrder12m {
                recency_days,
                rhythm,
            } => with_rhythm_zh(
                match (recency_days, rhythm) {
                    (Some(r), None) => {
                        format!("近12个月无订单（最近一次购买距今 {} 天）", fixed(r, 0))
                    }
                    _ => "近12个月无订单".to_string(),
                },
                rhythm,
            ),
            LifecycleRule::NotConverted {
                days_since_first,
                new_days,
                rhythm,
            } => with_rhythm_zh(
                match days_since_first {
                    Some(d) => format!(
                        "仅购买一次（距今 {} 天），首购后 {} 天内未再次购买",
                        fixed(d, 0),
                        fixed(new_days, 0)
                    ),
                    None => format!("仅购买一次，首购后 {} 天内未再次购买", fixed(new_days, 0)),
                },
                rhythm,
            ),
            LifecycleRule::Loyal {
                tenure_days,
                tenure_line,
                orders_12m,
                orders_line,
                p_alive,
                p_alive_line,
                rhythm,
            } => {
                let alive = match p_alive {
                    Some(p) => format!("存活概率 {} ≥ {}", fixed(p, 2), fixed(p_alive_line, 2)),
                    None => "存活概率未知，未检查".to_string(),
                };
                with_rhythm_zh(
                    format!(
                        "客户关系时长 {} 天 ≥ {} 天，近12个月 {orders_12m} 单 ≥ {orders_line} 单，{alive}",
                        fixed(tenure_days, 0),
                        fixed(tenure_line, 0)
                    ),
                    rhythm,
                )
            }
            LifecycleRule::Growing {
                orders_total,
                gap,
                rhythm,
            } => with_rhythm_zh(
                format!(
                    "重复购买（共 {orders_total} 单），未流失也未衰退；尚未达到忠诚：{}",
                    gap.zh()
                ),
                rhythm,
            ),
        }
    }
}

fn assigned(class: LifecycleStage, rule: LifecycleRule) -> Assigned<LifecycleStage, LifecycleRule> {
    Assigned { class, rule }
}

/// The inputs the rules test, with unknown figures (`None`, NaN) as `None`.
struct Known {
    first: Option<f64>,
    recency: Option<f64>,
    p_alive: Option<f64>,
    growth: Option<f64>,
    rhythm: Option<Rhythm>,
    /// No order in the last 12 months: never new, growing or loyal (issue 17).
    quiet_year: bool,
}

impl Known {
    fn of(c: &LifecycleInput) -> Known {
        Known {
            first: c.days_since_first.and_then(known),
            recency: c.recency_days.and_then(known),
            p_alive: c.p_alive.and_then(known),
            growth: c.spend_growth_6m.and_then(known),
            rhythm: c.rhythm(),
            quiet_year: c.orders_12m == 0,
        }
    }
}

/// The stage of one customer (rules of the module header, in order). Thresholds are assumed
/// valid; [`classify_lifecycle`] checks them.
pub fn lifecycle_stage(
    c: &LifecycleInput,
    t: &LifecycleThresholds,
) -> Assigned<LifecycleStage, LifecycleRule> {
    use LifecycleStage as S;
    let k = Known::of(c);
    if c.orders_total == 0 {
        return assigned(S::Prospect, LifecycleRule::NoPurchase);
    }
    if let Some(d) = k.first.filter(|d| *d <= t.new_days && !k.quiet_year) {
        return assigned(
            S::New,
            LifecycleRule::FirstPurchaseRecent {
                days_since_first: d,
                new_days: t.new_days,
            },
        );
    }
    if let Some(rule) = churned(&k, t) {
        return assigned(S::Churned, rule);
    }
    if let Some(rule) = declining(c, &k, t) {
        return assigned(S::Declining, rule);
    }
    loyal_or_growing(c, &k, t)
}

/// Rule 3: the first churn signal, if any.
fn churned(k: &Known, t: &LifecycleThresholds) -> Option<LifecycleRule> {
    if let Some(p) = k.p_alive.filter(|p| *p < t.churn_p_alive) {
        let line = t.churn_p_alive;
        return Some(LifecycleRule::ChurnedPAlive { p_alive: p, line });
    }
    if let Some(r) = k.recency.filter(|r| *r > t.churn_recency_days) {
        return Some(LifecycleRule::ChurnedRecency {
            recency_days: r,
            line: t.churn_recency_days,
        });
    }
    k.rhythm
        .filter(|r| k.quiet_year && r.ratio() > t.churn_ratio)
        .map(|r| LifecycleRule::ChurnedRhythm {
            rhythm: r,
            line: t.churn_ratio,
        })
}

/// Rule 4: the first decline signal, if any.
fn declining(c: &LifecycleInput, k: &Known, t: &LifecycleThresholds) -> Option<LifecycleRule> {
    if let Some(p) = k.p_alive.filter(|p| *p < t.decline_p_alive) {
        let line = t.decline_p_alive;
        return Some(LifecycleRule::DecliningPAlive { p_alive: p, line });
    }
    if let Some(r) = k.rhythm.filter(|r| r.ratio() > t.lapse_ratio) {
        return Some(LifecycleRule::Lapsed {
            rhythm: r,
            line: t.lapse_ratio,
        });
    }
    if k.quiet_year {
        return Some(LifecycleRule::NoOrder12m {
            recency_days: k.recency,
            rhythm: k.rhythm,
        });
    }
    if c.orders_total == 1 {
        return Some(LifecycleRule::NotConverted {
            days_since_first: k.first,
            new_days: t.new_days,
            rhythm: k.rhythm,
        });
    }
    k.growth
        .filter(|g| *g < t.decline_spend_growth)
        .map(|g| LifecycleRule::DecliningSpend {
            growth: g,
            line: t.decline_spend_growth,
        })
}

/// Rules 5 and 6: loyal when every loyal condition holds, else growing with the first one
/// that fails.
fn loyal_or_growing(
    c: &LifecycleInput,
    k: &Known,
    t: &LifecycleThresholds,
) -> Assigned<LifecycleStage, LifecycleRule> {
    use LifecycleStage as S;
    let (p_alive, rhythm) = (k.p_alive, k.rhythm);
    let tenure = c.tenure_days.and_then(known).or(k.first);
    let gap = match tenure {
        Some(d) if d >= t.loyal_tenure_days => None,
        _ => Some(LoyalGap::Tenure {
            tenure_days: tenure,
            line: t.loyal_tenure_days,
        }),
    }
    .or_else(|| {
        (c.orders_12m < t.loyal_orders_12m).then_some(LoyalGap::Orders {
            orders_12m: c.orders_12m,
            line: t.loyal_orders_12m,
        })
    })
    .or_else(|| {
        p_alive
            .filter(|p| *p < t.loyal_p_alive)
            .map(|p| LoyalGap::PAlive {
                p_alive: p,
                line: t.loyal_p_alive,
            })
    });
    match (gap, tenure) {
        (None, Some(tenure_days)) => assigned(
            S::Loyal,
            LifecycleRule::Loyal {
                tenure_days,
                tenure_line: t.loyal_tenure_days,
                orders_12m: c.orders_12m,
                orders_line: t.loyal_orders_12m,
                p_alive,
                p_alive_line: t.loyal_p_alive,
                rhythm,
            },
        ),
        (gap, _) => assigned(
            S::Growing,
            LifecycleRule::Growing {
                orders_total: c.orders_total,
                gap: gap.unwrap_or(LoyalGap::Tenure {
                    tenure_days: None,
                    line: t.loyal_tenure_days,
                }),
                rhythm,
            },
        ),
    }
}

/// The stage of every customer, after checking the thresholds.
pub fn classify_lifecycle(
    inputs: &[LifecycleInput],
    t: &LifecycleThresholds,
) -> Result<Vec<Assigned<LifecycleStage, LifecycleRule>>, ClassifyError> {
    t.validate()?;
    Ok(inputs.iter().map(|c| lifecycle_stage(c, t)).collect())
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
