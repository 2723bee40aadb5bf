//! Effect evaluation (效果评估): class KPIs period over period, and treated vs untreated
//! differences with confidence intervals.
//!
//! Design choices:
//! - **Class KPIs** take each customer's class at run 1 and what happened until run 2, so a
//!   class's retention rate (留存率) is the share of the class that bought again: the question
//!   is "how did the customers we called A behave", not "how many A customers are there now".
//!   Non-finite revenue, margin or CLV is missing: left out of that sum or average, with the
//!   count of known values reported beside it.
//! - **Welch's interval** for a difference in means does not assume equal variances, which is
//!   the safe default when a strategy targets a few large customers and the rest are many small
//!   ones. Degrees of freedom by Welch–Satterthwaite; the t quantile is computed by hand
//!   (`stats`). Missing values are dropped and counted; each group needs two values.
//! - **Retention rates** are compared with the normal-approximation (Wald) interval;
//!   `approximation_ok` says whether every group has at least 5 successes and 5 failures, the
//!   usual rule of thumb below which the interval is unreliable.
//! - This is a comparison of groups, not a causal estimate: if treated customers were chosen
//!   because they were already better, the difference says so too. The sentences speak of
//!   "treated customers spent more", never "the strategy caused".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DynamicsError;
use crate::explain::{known, money, num, percent};
use crate::stats::{mean_var, normal_quantile, t_quantile};

/// One customer: its class at run 1 and its outcomes until run 2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassOutcome<'a> {
    /// Class (or tier) label at run 1.
    pub class: &'a str,
    /// Bought at least once in the period.
    pub purchased: bool,
    /// Revenue in the period (non-finite = missing).
    pub revenue: f64,
    /// Gross margin in the period (non-finite = missing).
    pub margin: f64,
    /// CLV estimated at run 1 (non-finite = missing).
    pub clv: f64,
}

/// KPIs of one class over one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassKpi {
    /// Class label (`"all"` for the total row).
    pub class: String,
    /// Customers in the class at run 1.
    pub customers: u64,
    /// Of those, customers who bought in the period.
    pub retained: u64,
    /// `retained / customers`; `None` for an empty class.
    pub retention_rate: Option<f64>,
    /// Sum of known revenue.
    pub revenue: f64,
    /// Customers with known revenue.
    pub revenue_known: u64,
    /// Sum of known margin; `None` when no margin is known.
    pub margin: Option<f64>,
    /// Customers with known margin.
    pub margin_known: u64,
    /// Mean of known CLVs; `None` when none is known.
    pub average_clv: Option<f64>,
    /// Customers with known CLV.
    pub clv_known: u64,
}

impl ClassKpi {
    fn empty(class: &str) -> Self {
        Self {
            class: class.to_string(),
            customers: 0,
            retained: 0,
            retention_rate: None,
            revenue: 0.0,
            revenue_known: 0,
            margin: None,
            margin_known: 0,
            average_clv: None,
            clv_known: 0,
        }
    }
}

/// Sums for one class while scanning.
#[derive(Default)]
struct Acc {
    customers: u64,
    retained: u64,
    revenue: f64,
    revenue_known: u64,
    margin: f64,
    margin_known: u64,
    clv: f64,
    clv_known: u64,
}

impl Acc {
    fn add(&mut self, o: &ClassOutcome<'_>) {
        self.customers += 1;
        self.retained += u64::from(o.purchased);
        if let Some(r) = known(o.revenue) {
            self.revenue += r;
            self.revenue_known += 1;
        }
        if let Some(m) = known(o.margin) {
            self.margin += m;
            self.margin_known += 1;
        }
        if let Some(c) = known(o.clv) {
            self.clv += c;
            self.clv_known += 1;
        }
    }

    fn finish(&self, class: &str) -> ClassKpi {
        ClassKpi {
            class: class.to_string(),
            customers: self.customers,
            retained: self.retained,
            retention_rate: (self.customers > 0)
                .then(|| self.retained as f64 / self.customers as f64),
            revenue: self.revenue,
            revenue_known: self.revenue_known,
            margin: (self.margin_known > 0).then_some(self.margin),
            margin_known: self.margin_known,
            average_clv: (self.clv_known > 0).then(|| self.clv / self.clv_known as f64),
            clv_known: self.clv_known,
        }
    }
}

/// KPIs per class and for all customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassKpis {
    /// Classes of `order` first (present even when empty), then any other class by label.
    pub classes: Vec<ClassKpi>,
    /// All customers together, labelled `"all"`.
    pub total: ClassKpi,
}

/// Computes class KPIs over one period. `order` lists the classes to show first, in that order.
pub fn class_kpis(order: &[&str], rows: &[ClassOutcome<'_>]) -> ClassKpis {
    let mut by_class: BTreeMap<&str, Acc> = BTreeMap::new();
    let mut total = Acc::default();
    for r in rows {
        by_class.entry(r.class).or_default().add(r);
        total.add(r);
    }
    let mut classes = Vec::with_capacity(by_class.len().max(order.len()));
    for &c in order {
        classes.push(
            by_class
                .remove(c)
                .map_or_else(|| ClassKpi::empty(c), |a| a.finish(c)),
        );
    }
    for (c, a) in by_class {
        classes.push(a.finish(c));
    }
    ClassKpis {
        classes,
        total: total.finish("all"),
    }
}

/// A class's KPIs against the previous period's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiChange {
    /// This period's KPIs.
    pub current: ClassKpi,
    /// The previous period's KPIs of the same class, if it existed.
    pub previous: Option<ClassKpi>,
    /// Retention rate difference (current − previous, as a fraction: 0.03 = 3 points).
    pub retention_change: Option<f64>,
    /// Revenue difference.
    pub revenue_change: Option<f64>,
    /// Revenue difference relative to the previous revenue (when that was positive).
    pub revenue_change_rel: Option<f64>,
    /// Margin difference.
    pub margin_change: Option<f64>,
    /// Average CLV difference.
    pub average_clv_change: Option<f64>,
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

/// Compares each current class with the previous period's class of the same label.
pub fn kpi_changes(current: &[ClassKpi], previous: &[ClassKpi]) -> Vec<KpiChange> {
    current
        .iter()
        .map(|c| {
            let p = previous.iter().find(|p| p.class == c.class);
            let rev_p = p.map(|p| p.revenue);
            KpiChange {
                current: c.clone(),
                previous: p.cloned(),
                retention_change: diff(c.retention_rate, p.and_then(|p| p.retention_rate)),
                revenue_change: diff(Some(c.revenue), rev_p),
                revenue_change_rel: rev_p.filter(|&r| r > 0.0).map(|r| (c.revenue - r) / r),
                margin_change: diff(c.margin, p.and_then(|p| p.margin)),
                average_clv_change: diff(c.average_clv, p.and_then(|p| p.average_clv)),
            }
        })
        .collect()
}

fn signed_points(x: f64) -> String {
    let s = num(x * 100.0, 1);
    if s.starts_with('-') || s == "0" {
        s
    } else {
        format!("+{s}")
    }
}

fn signed_money(x: f64, currency: &str) -> String {
    let s = money(x, currency);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

fn signed_percent(x: f64) -> String {
    let s = percent(x);
    if s.starts_with('-') || s == "0%" {
        s
    } else {
        format!("+{s}")
    }
}

impl KpiChange {
    /// One line: the KPIs with their changes, money prefixed by `currency`.
    pub fn explain_en(&self, currency: &str) -> String {
        let c = &self.current;
        let mut parts = vec![format!("{} customers", c.customers)];
        if let Some(r) = c.retention_rate {
            let ch = self
                .retention_change
                .map_or(String::new(), |d| format!(" ({} points)", signed_points(d)));
            parts.push(format!("retention {}{ch}", percent(r)));
        }
        let ch = match (self.revenue_change, self.revenue_change_rel) {
            (_, Some(rel)) => format!(" ({})", signed_percent(rel)),
            (Some(d), None) => format!(" ({})", signed_money(d, currency)),
            _ => String::new(),
        };
        parts.push(format!("revenue {}{ch}", money(c.revenue, currency)));
        if let Some(m) = c.margin {
            let ch = self.margin_change.map_or(String::new(), |d| {
                format!(" ({})", signed_money(d, currency))
            });
            parts.push(format!("margin {}{ch}", money(m, currency)));
        }
        if let Some(v) = c.average_clv {
            let ch = self.average_clv_change.map_or(String::new(), |d| {
                format!(" ({})", signed_money(d, currency))
            });
            parts.push(format!("average CLV {}{ch}", money(v, currency)));
        }
        let vs = if self.previous.is_some() {
            ", changes against the previous period"
        } else {
            ", no previous period"
        };
        format!("{}: {}{vs}", c.class, parts.join(", "))
    }

    /// The same line in Chinese, the class shown by its id.
    pub fn explain_zh(&self, currency: &str) -> String {
        self.explain_zh_as(currency, &self.current.class)
    }

    /// The same line in Chinese, the class shown as `class_name` (its Chinese name: the id
    /// alone does not say which dimension it belongs to).
    pub fn explain_zh_as(&self, currency: &str, class_name: &str) -> String {
        let c = &self.current;
        let mut parts = vec![format!("客户 {} 个", c.customers)];
        if let Some(r) = c.retention_rate {
            let ch = self.retention_change.map_or(String::new(), |d| {
                format!("（{} 个百分点）", signed_points(d))
            });
            parts.push(format!("留存率 {}{ch}", percent(r)));
        }
        let ch = match (self.revenue_change, self.revenue_change_rel) {
            (_, Some(rel)) => format!("（{}）", signed_percent(rel)),
            (Some(d), None) => format!("（{}）", signed_money(d, currency)),
            _ => String::new(),
        };
        parts.push(format!("收入 {}{ch}", money(c.revenue, currency)));
        if let Some(m) = c.margin {
            let ch = self.margin_change.map_or(String::new(), |d| {
                format!("（{}）", signed_money(d, currency))
            });
            parts.push(format!("毛利 {}{ch}", money(m, currency)));
        }
        if let Some(v) = c.average_clv {
            let ch = self.average_clv_change.map_or(String::new(), |d| {
                format!("（{}）", signed_money(d, currency))
            });
            parts.push(format!("平均客户终身价值 {}{ch}", money(v, currency)));
        }
        let vs = if self.previous.is_some() {
            "，括号内为与上期相比的变化"
        } else {
            "，无上期数据"
        };
        format!("{class_name}：{}{vs}", parts.join("，"))
    }
}

/// Settings of the effect intervals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EffectConfig {
    /// Confidence level of the intervals, in (0, 1). Default 0.95.
    pub level: f64,
}

impl Default for EffectConfig {
    fn default() -> Self {
        Self { level: 0.95 }
    }
}

impl EffectConfig {
    /// Checks that the level lies strictly between 0 and 1.
    pub fn validate(&self) -> Result<(), DynamicsError> {
        check_level(self.level)
    }
}

fn check_level(level: f64) -> Result<(), DynamicsError> {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(DynamicsError::Config {
            field: "level",
            value: level,
            reason: "must be strictly between 0 and 1",
        })
    }
}

/// Difference in mean outcome, treated − untreated, with Welch's interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanDifference {
    /// Treated customers with a known outcome.
    pub n_treated: usize,
    /// Untreated customers with a known outcome.
    pub n_untreated: usize,
    /// Values dropped as missing (treated, untreated).
    pub missing: (usize, usize),
    /// Mean outcome of the treated group.
    pub mean_treated: f64,
    /// Mean outcome of the untreated group.
    pub mean_untreated: f64,
    /// Sample standard deviation of the treated group.
    pub sd_treated: f64,
    /// Sample standard deviation of the untreated group.
    pub sd_untreated: f64,
    /// `mean_treated − mean_untreated`.
    pub difference: f64,
    /// Standard error of the difference.
    pub std_error: f64,
    /// Welch–Satterthwaite degrees of freedom (`n₁ + n₂ − 2` when both groups are constant).
    pub df: f64,
    /// Confidence level.
    pub level: f64,
    /// The two-sided Student-t critical value.
    pub t_critical: f64,
    /// Lower end of the interval.
    pub ci_low: f64,
    /// Upper end of the interval.
    pub ci_high: f64,
    /// The interval lies entirely above or below 0.
    pub excludes_zero: bool,
}

/// Welch's confidence interval for `mean(treated) − mean(untreated)`. Non-finite values are
/// missing. Errors when a group has fewer than 2 known values or `level` is not in (0, 1).
pub fn welch_difference(
    treated: &[f64],
    untreated: &[f64],
    level: f64,
) -> Result<MeanDifference, DynamicsError> {
    check_level(level)?;
    let a: Vec<f64> = treated.iter().copied().filter(|v| v.is_finite()).collect();
    let b: Vec<f64> = untreated
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    for (what, g) in [("the treated group", &a), ("the untreated group", &b)] {
        if g.len() < 2 {
            return Err(DynamicsError::TooFew {
                what,
                needed: 2,
                got: g.len(),
            });
        }
    }
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (m1, v1) = mean_var(&a);
    let (m2, v2) = mean_var(&b);
    let (s1, s2) = (v1 / n1, v2 / n2);
    let se2 = s1 + s2;
    let df = if se2 > 0.0 {
        se2 * se2 / (s1 * s1 / (n1 - 1.0) + s2 * s2 / (n2 - 1.0))
    } else {
        n1 + n2 - 2.0
    };
    let se = se2.sqrt();
    let t = t_quantile(0.5 + level / 2.0, df);
    let d = m1 - m2;
    let (lo, hi) = (d - t * se, d + t * se);
    Ok(MeanDifference {
        n_treated: a.len(),
        n_untreated: b.len(),
        missing: (treated.len() - a.len(), untreated.len() - b.len()),
        mean_treated: m1,
        mean_untreated: m2,
        sd_treated: v1.sqrt(),
        sd_untreated: v2.sqrt(),
        difference: d,
        std_error: se,
        df,
        level,
        t_critical: t,
        ci_low: lo,
        ci_high: hi,
        excludes_zero: lo > 0.0 || hi < 0.0,
    })
}

impl MeanDifference {
    /// A plain-language verdict, money prefixed by `currency` (use "" for counts), e.g.
    /// "treated customers spent ¥120.00 more on average than untreated customers (95% CI
    /// ¥30.00 to ¥210.00; …); the interval excludes 0".
    pub fn verdict_en(&self, currency: &str) -> String {
        let way = if self.difference >= 0.0 {
            "more"
        } else {
            "less"
        };
        let tail = if self.excludes_zero {
            "the interval excludes 0, so the difference is unlikely to be chance"
        } else {
            "the interval includes 0, so the data cannot tell the difference from chance"
        };
        format!(
            "treated customers spent {} {way} on average than untreated customers ({} CI {} to {}; \
             mean {} vs {}, n = {} vs {}); {tail}",
            money(self.difference.abs(), currency),
            percent(self.level),
            money(self.ci_low, currency),
            money(self.ci_high, currency),
            money(self.mean_treated, currency),
            money(self.mean_untreated, currency),
            self.n_treated,
            self.n_untreated
        )
    }

    /// The verdict in Chinese.
    pub fn verdict_zh(&self, currency: &str) -> String {
        let way = if self.difference >= 0.0 { "多" } else { "少" };
        let tail = if self.excludes_zero {
            "区间不包含 0，差异不太可能出于偶然"
        } else {
            "区间包含 0，不能排除差异出于偶然"
        };
        format!(
            "实施策略的客户平均比未实施的客户{way}消费 {}（{} 置信区间 {} 至 {}；均值 {} 对 {}，\
             样本 {} 对 {}）；{tail}",
            money(self.difference.abs(), currency),
            percent(self.level),
            money(self.ci_low, currency),
            money(self.ci_high, currency),
            money(self.mean_treated, currency),
            money(self.mean_untreated, currency),
            self.n_treated,
            self.n_untreated
        )
    }
}

/// Difference in retention rates (proportions), treated − untreated, with a Wald interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProportionDifference {
    /// Treated customers.
    pub n_treated: u64,
    /// Untreated customers.
    pub n_untreated: u64,
    /// Share of treated customers retained.
    pub rate_treated: f64,
    /// Share of untreated customers retained.
    pub rate_untreated: f64,
    /// `rate_treated − rate_untreated`.
    pub difference: f64,
    /// Standard error of the difference (unpooled).
    pub std_error: f64,
    /// Confidence level.
    pub level: f64,
    /// The two-sided normal critical value.
    pub z_critical: f64,
    /// Lower end of the interval.
    pub ci_low: f64,
    /// Upper end of the interval.
    pub ci_high: f64,
    /// The interval lies entirely above or below 0.
    pub excludes_zero: bool,
    /// Every group has at least 5 successes and 5 failures (the normal approximation's rule of
    /// thumb).
    pub approximation_ok: bool,
}

/// Compares two proportions (e.g. retained / customers) with the normal-approximation interval.
/// Errors on an empty group, more successes than customers, or `level` not in (0, 1).
pub fn proportion_difference(
    successes_treated: u64,
    n_treated: u64,
    successes_untreated: u64,
    n_untreated: u64,
    level: f64,
) -> Result<ProportionDifference, DynamicsError> {
    check_level(level)?;
    for (what, k, n) in [
        ("the treated group", successes_treated, n_treated),
        ("the untreated group", successes_untreated, n_untreated),
    ] {
        if n == 0 {
            return Err(DynamicsError::TooFew {
                what,
                needed: 1,
                got: 0,
            });
        }
        if k > n {
            return Err(DynamicsError::Config {
                field: "successes",
                value: k as f64,
                reason: "more successes than customers",
            });
        }
    }
    let (n1, n2) = (n_treated as f64, n_untreated as f64);
    let p1 = successes_treated as f64 / n1;
    let p2 = successes_untreated as f64 / n2;
    let se = (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt();
    let z = normal_quantile(0.5 + level / 2.0);
    let d = p1 - p2;
    let (lo, hi) = (d - z * se, d + z * se);
    let ok = |k: u64, n: u64| k >= 5 && n - k >= 5;
    Ok(ProportionDifference {
        n_treated,
        n_untreated,
        rate_treated: p1,
        rate_untreated: p2,
        difference: d,
        std_error: se,
        level,
        z_critical: z,
        ci_low: lo,
        ci_high: hi,
        excludes_zero: lo > 0.0 || hi < 0.0,
        approximation_ok: ok(successes_treated, n_treated) && ok(successes_untreated, n_untreated),
    })
}

impl ProportionDifference {
    /// A plain-language verdict on retention.
    pub fn verdict_en(&self) -> String {
        let way = if self.difference >= 0.0 {
            "higher"
        } else {
            "lower"
        };
        let tail = if self.excludes_zero {
            "the interval excludes 0"
        } else {
            "the interval includes 0, so the data cannot tell the difference from chance"
        };
        let caution = if self.approximation_ok {
            ""
        } else {
            " (few retained or lost customers: the normal approximation is rough)"
        };
        format!(
            "retention of treated customers was {} points {way} ({} of {} vs {} of {}; {} CI {} \
             to {} points); {tail}{caution}",
            num(self.difference.abs() * 100.0, 1),
            percent(self.rate_treated),
            self.n_treated,
            percent(self.rate_untreated),
            self.n_untreated,
            percent(self.level),
            num(self.ci_low * 100.0, 1),
            num(self.ci_high * 100.0, 1)
        )
    }

    /// The verdict in Chinese.
    pub fn verdict_zh(&self) -> String {
        let way = if self.difference >= 0.0 { "高" } else { "低" };
        let tail = if self.excludes_zero {
            "区间不包含 0"
        } else {
            "区间包含 0，不能排除差异出于偶然"
        };
        let caution = if self.approximation_ok {
            ""
        } else {
            "（留存或流失客户过少，正态近似仅供参考）"
        };
        format!(
            "实施策略客户的留存率{way} {} 个百分点（{} 个中 {} 对 {} 个中 {}；{} 置信区间 {} 至 {} \
             个百分点）；{tail}{caution}",
            num(self.difference.abs() * 100.0, 1),
            self.n_treated,
            percent(self.rate_treated),
            self.n_untreated,
            percent(self.rate_untreated),
            percent(self.level),
            num(self.ci_low * 100.0, 1),
            num(self.ci_high * 100.0, 1)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn o(class: &str, purchased: bool, revenue: f64, margin: f64, clv: f64) -> ClassOutcome<'_> {
        ClassOutcome {
            class,
            purchased,
            revenue,
            margin,
            clv,
        }
    }

    #[test]
    fn class_kpis_by_hand() {
        let rows = [
            o("A", true, 100.0, 30.0, 500.0),
            o("A", false, 0.0, 0.0, 300.0),
            o("B", true, 50.0, f64::NAN, f64::NAN),
            o("Z", true, 10.0, 1.0, 10.0),
        ];
        let k = class_kpis(&["A", "B", "C"], &rows);
        let names: Vec<&str> = k.classes.iter().map(|c| c.class.as_str()).collect();
        assert_eq!(names, ["A", "B", "C", "Z"]);
        let a = &k.classes[0];
        assert_eq!((a.customers, a.retained), (2, 1));
        assert_eq!(a.retention_rate, Some(0.5));
        assert_eq!(a.revenue, 100.0);
        assert_eq!(a.margin, Some(30.0));
        assert_eq!(a.average_clv, Some(400.0));
        let b = &k.classes[1];
        assert_eq!((b.margin, b.average_clv, b.margin_known), (None, None, 0));
        assert_eq!(k.classes[2].retention_rate, None);
        assert_eq!(k.total.customers, 4);
        assert_eq!(k.total.revenue, 160.0);
        assert_eq!(k.total.retention_rate, Some(0.75));
    }

    #[test]
    fn period_over_period() {
        let before = class_kpis(
            &["A"],
            &[
                o("A", true, 100.0, 20.0, 400.0),
                o("A", true, 100.0, 20.0, 400.0),
            ],
        );
        let after = class_kpis(
            &["A", "B"],
            &[
                o("A", true, 150.0, 30.0, 450.0),
                o("A", false, 0.0, 0.0, 350.0),
            ],
        );
        let ch = kpi_changes(&after.classes, &before.classes);
        assert_eq!(ch.len(), 2);
        let a = &ch[0];
        assert_eq!(a.retention_change, Some(-0.5));
        assert_eq!(a.revenue_change, Some(-50.0));
        assert_eq!(a.revenue_change_rel, Some(-0.25));
        assert_eq!(a.margin_change, Some(-10.0));
        assert_eq!(a.average_clv_change, Some(0.0));
        let en = a.explain_en("¥");
        assert!(en.contains("retention 50% (-50 points)"), "{en}");
        assert!(en.contains("revenue ¥150.00 (-25%)"), "{en}");
        let zh = a.explain_zh("¥");
        assert!(zh.contains("留存率 50%（-50 个百分点）"), "{zh}");
        // The caller names the class: the Chinese line then holds no English word.
        let zh = a.explain_zh_as("$", "最有价值客户");
        assert!(zh.starts_with("最有价值客户：客户 "), "{zh}");
        assert!(zh.contains("收入 $150.00"), "{zh}");
        assert!(custval_i18n::scan::latin_words(&zh).is_empty(), "{zh}");
        assert!(ch[1].previous.is_none());
        assert!(ch[1].explain_en("¥").contains("no previous period"));
    }

    #[test]
    fn welch_matches_r_on_student_sleep_data() {
        // R: t.test(extra ~ group, data = sleep) → df = 17.776, 95% CI −3.3654832 to 0.2054832.
        let g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
        let g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
        let w = welch_difference(&g1, &g2, 0.95).unwrap();
        assert!(close(w.mean_treated, 0.75, 1e-12));
        assert!(close(w.mean_untreated, 2.33, 1e-12));
        assert!(close(w.df, 17.776, 5e-4));
        assert!(close(w.ci_low, -3.365_483_2, 1e-6), "{}", w.ci_low);
        assert!(close(w.ci_high, 0.205_483_2, 1e-6), "{}", w.ci_high);
        assert!(!w.excludes_zero);
        assert!(close(w.difference / w.std_error, -1.8608, 1e-4));
        assert!(w.verdict_en("").contains("the interval includes 0"));
    }

    #[test]
    fn welch_small_example_by_hand() {
        // Means 3 and 6, variances 2.5 and 10: se² = 0.5 + 2 = 2.5, df = 6.25 / (0.0625 + 1).
        let w = welch_difference(
            &[1.0, 2.0, 3.0, 4.0, 5.0, f64::NAN],
            &[2.0, 4.0, 6.0, 8.0, 10.0],
            0.95,
        )
        .unwrap();
        assert_eq!(w.missing, (1, 0));
        assert!(close(w.difference, -3.0, 1e-12));
        assert!(close(w.std_error, 2.5f64.sqrt(), 1e-12));
        assert!(close(w.df, 6.25 / 1.0625, 1e-12));
        // Between the table values for df 6 (2.447) and df 5 (2.571).
        assert!(w.t_critical > 2.447 && w.t_critical < 2.571);
        assert!(close(w.ci_high, -3.0 + w.t_critical * 2.5f64.sqrt(), 1e-12));
    }

    #[test]
    fn welch_verdicts_read_well() {
        let treated = [200.0, 220.0, 240.0, 260.0];
        let untreated = [100.0, 110.0, 120.0, 130.0];
        let w = welch_difference(&treated, &untreated, 0.95).unwrap();
        assert!(w.excludes_zero);
        let en = w.verdict_en("¥");
        assert!(
            en.starts_with("treated customers spent ¥115.00 more"),
            "{en}"
        );
        assert!(
            en.contains("95% CI ¥") && en.contains("the interval excludes 0"),
            "{en}"
        );
        let zh = w.verdict_zh("¥");
        assert!(
            zh.contains("多消费 ¥115.00") && zh.contains("区间不包含 0"),
            "{zh}"
        );
    }

    #[test]
    fn welch_errors_and_constant_groups() {
        assert!(welch_difference(&[1.0], &[1.0, 2.0], 0.95).is_err());
        assert!(welch_difference(&[1.0, 2.0], &[1.0, 2.0], 1.0).is_err());
        let w = welch_difference(&[5.0, 5.0], &[3.0, 3.0, 3.0], 0.95).unwrap();
        assert_eq!((w.ci_low, w.ci_high, w.df), (2.0, 2.0, 3.0));
        assert!(w.excludes_zero);
    }

    #[test]
    fn proportions_by_hand() {
        // 0.6 vs 0.5 with 100 each: se = √(0.24/100 + 0.25/100) = 0.07.
        let p = proportion_difference(60, 100, 50, 100, 0.95).unwrap();
        assert!(close(p.std_error, 0.07, 1e-12));
        let z = 1.959_963_984_540_054;
        assert!(close(p.ci_low, 0.1 - z * 0.07, 1e-9));
        assert!(close(p.ci_high, 0.1 + z * 0.07, 1e-9));
        assert!(!p.excludes_zero && p.approximation_ok);
        assert!(
            p.verdict_en().starts_with(
                "retention of treated customers was 10 points higher (60% of 100 vs 50% of 100"
            ),
            "{}",
            p.verdict_en()
        );
        assert!(p.verdict_zh().contains("留存率高 10 个百分点"));
        let rare = proportion_difference(2, 50, 40, 50, 0.9).unwrap();
        assert!(!rare.approximation_ok && rare.excludes_zero);
        assert!(rare.verdict_en().contains("rough"));
        assert!(proportion_difference(3, 2, 1, 2, 0.95).is_err());
        assert!(proportion_difference(0, 0, 1, 2, 0.95).is_err());
    }

    #[test]
    fn effect_config_defaults() {
        let c: EffectConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(c.level, 0.95);
        assert!(serde_json::from_str::<EffectConfig>(r#"{"levle": 0.9}"#).is_err());
    }
}
