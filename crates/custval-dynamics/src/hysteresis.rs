//! Hysteresis (滞后规则) so customers do not flip tiers on noise.
//!
//! Each run computes a *raw* tier from the ranking metric (ABC by cumulative value share, so the
//! run has cutoffs: the metric where A ends, where B ends, …). The *effective* tier is what the
//! business sees; it follows the raw tier only when one of two configurable rules agrees:
//! - **margin** `m` (relative band): a customer leaves its previous tier only if its metric is
//!   beyond that tier's boundary by more than `m`: below `cutoff − m·|cutoff|` to drop, above
//!   `cutoff + m·|cutoff|` to rise (`|cutoff|` keeps the band the right way round for a negative
//!   metric such as a negative CLV; a cutoff of 0 has no band). `m = 0` switches the rule off.
//!   A missing (non-finite) metric cannot be tested, so the rule is skipped and the sentence
//!   says so.
//! - **consecutive runs** `N`: the raw tier must differ from the effective tier for `N`
//!   consecutive runs before the effective tier changes; `N = 1` means no delay.
//!
//! Combined, a run counts towards the streak only when the customer is beyond the margin, so
//! both together read "beyond the margin for N consecutive runs". A run within the margin (or
//! with the raw tier back to the effective one) resets the streak to 0. The caller stores the
//! returned `streak` and passes it back next run as `streak_before`. When the change happens the
//! customer moves straight to its raw tier (A can fall to C in one step if the metric says so).
//!
//! With margin 0 and `N = 1` the effective tier always equals the raw tier (a tested invariant).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DynamicsError;
use crate::explain::{Explain, known, money, percent};

/// The two hysteresis rules; both may be active, either, or none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HysteresisConfig {
    /// Relative band around a tier boundary, in `[0, 1)`; 0 switches the rule off. Default 0.10.
    pub margin: f64,
    /// Consecutive runs the raw tier must differ before the effective tier changes, ≥ 1; 1
    /// switches the rule off. Default 1.
    pub consecutive_runs: u32,
}

impl Default for HysteresisConfig {
    fn default() -> Self {
        Self {
            margin: 0.10,
            consecutive_runs: 1,
        }
    }
}

impl HysteresisConfig {
    /// Both rules off: the effective tier is always the raw tier.
    pub fn off() -> Self {
        Self {
            margin: 0.0,
            consecutive_runs: 1,
        }
    }

    /// Checks `0 ≤ margin < 1` and `consecutive_runs ≥ 1`.
    pub fn validate(&self) -> Result<(), DynamicsError> {
        if !(self.margin >= 0.0 && self.margin < 1.0) {
            return Err(DynamicsError::Config {
                field: "margin",
                value: self.margin,
                reason: "must be at least 0 and below 1",
            });
        }
        if self.consecutive_runs == 0 {
            return Err(DynamicsError::Config {
                field: "consecutive_runs",
                value: 0.0,
                reason: "must be at least 1 (1 means no delay)",
            });
        }
        Ok(())
    }
}

/// A run's tiers (best first) and the cutoffs between them on the ranking metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierScale {
    tiers: Vec<String>,
    bounds: Vec<f64>,
}

impl TierScale {
    /// `bounds[i]` is the boundary between `tiers[i]` and `tiers[i + 1]` (the lowest metric still
    /// in `tiers[i]`), so there is one bound fewer than tiers and bounds do not increase.
    pub fn new(tiers: &[&str], bounds: &[f64]) -> Result<Self, DynamicsError> {
        if tiers.is_empty() {
            return Err(DynamicsError::NoTiers);
        }
        for (i, t) in tiers.iter().enumerate() {
            if tiers[..i].contains(t) {
                return Err(DynamicsError::DuplicateTier(t.to_string()));
            }
        }
        if bounds.len() + 1 != tiers.len() {
            return Err(DynamicsError::LengthMismatch {
                what: "bounds",
                expected: tiers.len() - 1,
                got: bounds.len(),
            });
        }
        for (i, &b) in bounds.iter().enumerate() {
            if !b.is_finite() {
                return Err(DynamicsError::NotFinite {
                    what: "bound",
                    index: i,
                    value: b,
                });
            }
            if i > 0 && b > bounds[i - 1] {
                return Err(DynamicsError::Config {
                    field: "bounds",
                    value: b,
                    reason: "bounds must not increase from the best tier to the worst",
                });
            }
        }
        Ok(Self {
            tiers: tiers.iter().map(|t| t.to_string()).collect(),
            bounds: bounds.to_vec(),
        })
    }

    /// Tier labels, best first.
    pub fn tiers(&self) -> &[String] {
        &self.tiers
    }

    /// Boundaries between consecutive tiers.
    pub fn bounds(&self) -> &[f64] {
        &self.bounds
    }

    /// Position of a tier label (0 = best).
    pub fn index_of(&self, tier: &str) -> Option<usize> {
        self.tiers.iter().position(|t| t == tier)
    }

    /// The tier the bounds alone give a metric (`≥` a bound is in the better tier); a missing
    /// metric gets the worst tier. Handy when the caller has no raw tier of its own.
    pub fn tier_for(&self, metric: f64) -> &str {
        let i = match known(metric) {
            Some(x) => self
                .bounds
                .iter()
                .position(|&b| x >= b)
                .unwrap_or(self.bounds.len()),
            None => self.bounds.len(),
        };
        &self.tiers[i]
    }

    fn index(&self, tier: &str) -> Result<usize, DynamicsError> {
        self.index_of(tier)
            .ok_or_else(|| DynamicsError::UnknownTier {
                tier: tier.to_string(),
                customer_id: String::new(),
            })
    }
}

/// One customer's figures for this run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HysteresisInput<'a> {
    /// The ranking metric this run (non-finite = missing).
    pub metric: f64,
    /// The tier computed this run.
    pub raw_tier: &'a str,
    /// The effective tier after the previous run; `None` for a customer's first run.
    pub previous: Option<&'a str>,
    /// Consecutive earlier runs counted towards a change (the `streak` returned last run).
    pub streak_before: u32,
}

/// Which way the raw tier points from the previous effective tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Towards a better tier.
    Up,
    /// Towards a worse tier.
    Down,
}

/// The margin test, with its figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MarginTest {
    /// Which boundary was tested: `Down` tests the previous tier's lower boundary.
    pub direction: Direction,
    /// The cutoff between the previous tier and its neighbour.
    pub boundary: f64,
    /// The boundary moved by the margin: the value the metric had to pass.
    pub threshold: f64,
    /// The relative margin.
    pub margin: f64,
}

/// Why the effective tier stayed although the raw tier differs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "because")]
pub enum KeptBecause {
    /// The metric crossed the boundary but not by more than the margin.
    WithinMargin(MarginTest),
    /// Fewer consecutive runs than required.
    TooFewRuns {
        /// Consecutive runs so far, this one included.
        streak: u32,
        /// Runs required.
        required: u32,
    },
}

/// What hysteresis did for one customer this run, with the figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum TierDecision {
    /// No previous tier: the raw tier is taken as is.
    Initial {
        /// The raw (and effective) tier.
        tier: String,
    },
    /// The raw tier equals the previous effective tier.
    Unchanged {
        /// The raw (and effective) tier.
        tier: String,
    },
    /// The effective tier follows the raw tier.
    Changed {
        /// Previous effective tier.
        from: String,
        /// New effective tier (the raw tier).
        to: String,
        /// The ranking metric this run.
        metric: f64,
        /// The margin test passed, when the margin rule was active and the metric known.
        margin: Option<MarginTest>,
        /// Consecutive runs (this one included) and runs required.
        streak: u32,
        /// Consecutive runs required.
        required: u32,
    },
    /// The effective tier stays although the raw tier differs.
    Kept {
        /// The effective tier, unchanged.
        kept: String,
        /// The raw tier that was not followed.
        raw: String,
        /// The ranking metric this run.
        metric: f64,
        /// Which rule held the change back, with its figures.
        because: KeptBecause,
    },
}

impl TierDecision {
    /// Is this a raw tier change that hysteresis held back?
    pub fn is_suppressed(&self) -> bool {
        matches!(self, TierDecision::Kept { .. })
    }
}

/// The effective tier and how it was decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierOutcome {
    /// The tier the business sees after this run.
    pub effective: String,
    /// Pass back as `streak_before` next run.
    pub streak: u32,
    /// The decision with its figures.
    pub decision: TierDecision,
}

/// Applies the hysteresis rules to one customer. Errors on an invalid config or a tier label
/// not in the scale.
pub fn apply_hysteresis(
    cfg: &HysteresisConfig,
    scale: &TierScale,
    input: &HysteresisInput<'_>,
) -> Result<TierOutcome, DynamicsError> {
    cfg.validate()?;
    let r = scale.index(input.raw_tier)?;
    let raw = input.raw_tier.to_string();
    let Some(previous) = input.previous else {
        return Ok(TierOutcome {
            effective: raw.clone(),
            streak: 0,
            decision: TierDecision::Initial { tier: raw },
        });
    };
    let p = scale.index(previous)?;
    if p == r {
        return Ok(TierOutcome {
            effective: raw.clone(),
            streak: 0,
            decision: TierDecision::Unchanged { tier: raw },
        });
    }
    let kept = previous.to_string();
    let metric = input.metric;

    let margin = match known(metric) {
        Some(x) if cfg.margin > 0.0 => {
            let (direction, boundary) = if r > p {
                (Direction::Down, scale.bounds[p])
            } else {
                (Direction::Up, scale.bounds[p - 1])
            };
            let band = cfg.margin * boundary.abs();
            let test = MarginTest {
                direction,
                boundary,
                threshold: match direction {
                    Direction::Down => boundary - band,
                    Direction::Up => boundary + band,
                },
                margin: cfg.margin,
            };
            let beyond = match direction {
                Direction::Down => x < test.threshold,
                Direction::Up => x > test.threshold,
            };
            if !beyond {
                return Ok(TierOutcome {
                    effective: kept.clone(),
                    streak: 0,
                    decision: TierDecision::Kept {
                        kept,
                        raw,
                        metric,
                        because: KeptBecause::WithinMargin(test),
                    },
                });
            }
            Some(test)
        }
        _ => None,
    };

    let streak = input.streak_before.saturating_add(1);
    let required = cfg.consecutive_runs;
    if streak < required {
        return Ok(TierOutcome {
            effective: kept.clone(),
            streak,
            decision: TierDecision::Kept {
                kept,
                raw,
                metric,
                because: KeptBecause::TooFewRuns { streak, required },
            },
        });
    }
    Ok(TierOutcome {
        effective: raw.clone(),
        streak: 0,
        decision: TierDecision::Changed {
            from: kept,
            to: raw,
            metric,
            margin,
            streak,
            required,
        },
    })
}

fn metric_text(x: f64) -> String {
    match known(x) {
        Some(x) => money(x, ""),
        None => "unknown".to_string(),
    }
}

fn metric_text_zh(x: f64) -> String {
    match known(x) {
        Some(x) => money(x, ""),
        None => "未知".to_string(),
    }
}

fn margin_en(t: &MarginTest, tier: &str, beyond: bool) -> String {
    let (side, cmp) = match t.direction {
        Direction::Down => ("lower", "below"),
        Direction::Up => ("upper", "above"),
    };
    let sign = match t.direction {
        Direction::Down => "minus",
        Direction::Up => "plus",
    };
    if beyond {
        format!(
            "{cmp} {tier}'s {side} boundary {} {sign} the {} margin ({})",
            money(t.boundary, ""),
            percent(t.margin),
            money(t.threshold, "")
        )
    } else {
        format!(
            "past {tier}'s {side} boundary {} but not {cmp} it by more than the {} margin ({})",
            money(t.boundary, ""),
            percent(t.margin),
            money(t.threshold, "")
        )
    }
}

fn margin_zh(t: &MarginTest, tier: &str, beyond: bool) -> String {
    let (side, cmp, sign) = match t.direction {
        Direction::Down => ("下限", "低于", "减去"),
        Direction::Up => ("上限", "高于", "加上"),
    };
    if beyond {
        format!(
            "{cmp} {tier} 等级{side} {} {sign} {} 缓冲带（{}）",
            money(t.boundary, ""),
            percent(t.margin),
            money(t.threshold, "")
        )
    } else {
        format!(
            "越过 {tier} 等级{side} {}，但未超出 {} 缓冲带（{}）",
            money(t.boundary, ""),
            percent(t.margin),
            money(t.threshold, "")
        )
    }
}

impl Explain for TierDecision {
    fn explain_en(&self) -> String {
        match self {
            TierDecision::Initial { tier } => {
                format!("first run for this customer: tier {tier} as computed")
            }
            TierDecision::Unchanged { tier } => {
                format!("computed tier {tier} is the same as the previous tier")
            }
            TierDecision::Changed {
                from,
                to,
                metric,
                margin,
                streak,
                required,
            } => {
                let why = match margin {
                    Some(t) => format!(
                        "metric {} is {}",
                        metric_text(*metric),
                        margin_en(t, from, true)
                    ),
                    None if known(*metric).is_none() => format!(
                        "metric {}, so the margin was not tested",
                        metric_text(*metric)
                    ),
                    None => format!("metric {}, no margin rule", metric_text(*metric)),
                };
                let runs = if *required > 1 {
                    format!(
                        "; computed tier differed for {streak} consecutive runs ({required} required)"
                    )
                } else {
                    String::new()
                };
                format!("moved from tier {from} to tier {to}: {why}{runs}")
            }
            TierDecision::Kept {
                kept,
                raw,
                metric,
                because,
            } => {
                let why = match because {
                    KeptBecause::WithinMargin(t) => format!(
                        "metric {} is {}",
                        metric_text(*metric),
                        margin_en(t, kept, false)
                    ),
                    KeptBecause::TooFewRuns { streak, required } => format!(
                        "the computed tier has differed for {streak} consecutive run{}, {required} required",
                        if *streak == 1 { "" } else { "s" }
                    ),
                };
                format!("kept in tier {kept} although the computed tier is {raw}: {why}")
            }
        }
    }

    fn explain_zh(&self) -> String {
        match self {
            TierDecision::Initial { tier } => format!("首次评估：按计算结果定为 {tier} 等级"),
            TierDecision::Unchanged { tier } => format!("计算等级 {tier} 与上期等级相同"),
            TierDecision::Changed {
                from,
                to,
                metric,
                margin,
                streak,
                required,
            } => {
                let why = match margin {
                    Some(t) => format!(
                        "指标值 {} {}",
                        metric_text_zh(*metric),
                        margin_zh(t, from, true)
                    ),
                    None if known(*metric).is_none() => "指标值未知，未检验缓冲带".to_string(),
                    None => format!("指标值 {}，未设缓冲带规则", metric_text_zh(*metric)),
                };
                let runs = if *required > 1 {
                    format!("；计算等级已连续 {streak} 次运行不同（要求 {required} 次）")
                } else {
                    String::new()
                };
                format!("由 {from} 等级调整为 {to} 等级：{why}{runs}")
            }
            TierDecision::Kept {
                kept,
                raw,
                metric,
                because,
            } => {
                let why = match because {
                    KeptBecause::WithinMargin(t) => format!(
                        "指标值 {} {}",
                        metric_text_zh(*metric),
                        margin_zh(t, kept, false)
                    ),
                    KeptBecause::TooFewRuns { streak, required } => {
                        format!("计算等级已连续 {streak} 次运行不同，需连续 {required} 次")
                    }
                };
                format!("保持 {kept} 等级（计算等级为 {raw}）：{why}")
            }
        }
    }
}

/// Raw tier changes of one (previous effective tier → raw tier) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairEffect {
    /// Previous effective tier.
    pub from: String,
    /// Raw tier this run.
    pub to: String,
    /// Raw changes of this pair (applied + suppressed).
    pub raw_changes: u64,
    /// Changes that became effective.
    pub applied: u64,
    /// Changes held back by the margin rule.
    pub suppressed_by_margin: u64,
    /// Changes held back by the consecutive-runs rule.
    pub suppressed_by_runs: u64,
}

impl PairEffect {
    /// Changes held back by either rule.
    pub fn suppressed(&self) -> u64 {
        self.suppressed_by_margin + self.suppressed_by_runs
    }
}

/// The effect of hysteresis over one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HysteresisSummary {
    /// Decisions counted.
    pub customers: u64,
    /// Customers without a previous tier.
    pub initial: u64,
    /// Customers whose raw tier differs from the previous effective tier.
    pub raw_changes: u64,
    /// Raw changes that became effective.
    pub applied: u64,
    /// Raw changes held back by the margin.
    pub suppressed_by_margin: u64,
    /// Raw changes held back by the consecutive-runs rule.
    pub suppressed_by_runs: u64,
    /// Per tier pair, in tier order (from, then to); pairs without raw changes are left out.
    pub pairs: Vec<PairEffect>,
}

impl HysteresisSummary {
    /// Raw changes held back by either rule.
    pub fn suppressed(&self) -> u64 {
        self.suppressed_by_margin + self.suppressed_by_runs
    }
}

/// Summarizes the decisions of one run. Pairs are ordered by the scale's tier order; a label
/// the scale does not know sorts after the known ones (by label).
pub fn summarize_hysteresis<'a>(
    scale: &TierScale,
    decisions: impl IntoIterator<Item = &'a TierDecision>,
) -> HysteresisSummary {
    let mut s = HysteresisSummary {
        customers: 0,
        initial: 0,
        raw_changes: 0,
        applied: 0,
        suppressed_by_margin: 0,
        suppressed_by_runs: 0,
        pairs: Vec::new(),
    };
    let key = |t: &str| (scale.index_of(t).unwrap_or(usize::MAX), t.to_string());
    // Keyed by (tier position, label) of both ends so that pairs come out in tier order.
    type PairKey = ((usize, String), (usize, String));
    let mut pairs: BTreeMap<PairKey, PairEffect> = BTreeMap::new();
    for d in decisions {
        s.customers += 1;
        let (from, to) = match d {
            TierDecision::Initial { .. } => {
                s.initial += 1;
                continue;
            }
            TierDecision::Unchanged { .. } => continue,
            TierDecision::Changed { from, to, .. } => (from, to),
            TierDecision::Kept { kept, raw, .. } => (kept, raw),
        };
        s.raw_changes += 1;
        let e = pairs
            .entry((key(from), key(to)))
            .or_insert_with(|| PairEffect {
                from: from.clone(),
                to: to.clone(),
                raw_changes: 0,
                applied: 0,
                suppressed_by_margin: 0,
                suppressed_by_runs: 0,
            });
        e.raw_changes += 1;
        match d {
            TierDecision::Kept {
                because: KeptBecause::WithinMargin(_),
                ..
            } => {
                e.suppressed_by_margin += 1;
                s.suppressed_by_margin += 1;
            }
            TierDecision::Kept { .. } => {
                e.suppressed_by_runs += 1;
                s.suppressed_by_runs += 1;
            }
            _ => {
                e.applied += 1;
                s.applied += 1;
            }
        }
    }
    s.pairs = pairs.into_values().collect();
    s
}

impl Explain for HysteresisSummary {
    fn explain_en(&self) -> String {
        format!(
            "{} of {} customers had a different computed tier than their previous tier: {} changes \
             applied, {} held back ({} within the margin, {} waiting for consecutive runs)",
            self.raw_changes,
            self.customers,
            self.applied,
            self.suppressed(),
            self.suppressed_by_margin,
            self.suppressed_by_runs
        )
    }

    fn explain_zh(&self) -> String {
        format!(
            "{} 个客户中有 {} 个计算等级与上期等级不同：{} 个已调整，{} 个因滞后规则保持原等级\
             （{} 个在缓冲带内，{} 个未达连续运行次数）",
            self.customers,
            self.raw_changes,
            self.applied,
            self.suppressed(),
            self.suppressed_by_margin,
            self.suppressed_by_runs
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale() -> TierScale {
        TierScale::new(&["A", "B", "C"], &[1000.0, 200.0]).unwrap()
    }

    fn input<'a>(
        metric: f64,
        raw: &'a str,
        prev: Option<&'a str>,
        streak: u32,
    ) -> HysteresisInput<'a> {
        HysteresisInput {
            metric,
            raw_tier: raw,
            previous: prev,
            streak_before: streak,
        }
    }

    fn cfg(margin: f64, runs: u32) -> HysteresisConfig {
        HysteresisConfig {
            margin,
            consecutive_runs: runs,
        }
    }

    #[test]
    fn margin_holds_a_small_drop() {
        let out =
            apply_hysteresis(&cfg(0.1, 1), &scale(), &input(950.0, "B", Some("A"), 0)).unwrap();
        assert_eq!(out.effective, "A");
        assert_eq!(out.streak, 0);
        let TierDecision::Kept {
            because: KeptBecause::WithinMargin(t),
            ..
        } = &out.decision
        else {
            panic!("{:?}", out.decision)
        };
        assert_eq!(t.direction, Direction::Down);
        assert_eq!(t.boundary, 1000.0);
        assert_eq!(t.threshold, 900.0);
        let en = out.decision.explain_en();
        assert!(
            en.contains("950.00")
                && en.contains("1,000.00")
                && en.contains("900.00")
                && en.contains("10%"),
            "{en}"
        );
        let zh = out.decision.explain_zh();
        assert!(zh.contains("保持 A 等级") && zh.contains("900.00"), "{zh}");
    }

    #[test]
    fn margin_lets_a_large_drop_through_to_the_raw_tier() {
        let out =
            apply_hysteresis(&cfg(0.1, 1), &scale(), &input(150.0, "C", Some("A"), 0)).unwrap();
        assert_eq!(out.effective, "C");
        assert!(
            matches!(out.decision, TierDecision::Changed { ref margin, .. } if margin.is_some())
        );
        assert!(
            out.decision
                .explain_en()
                .contains("moved from tier A to tier C")
        );
    }

    #[test]
    fn margin_on_the_way_up() {
        // B → A needs more than 1000 × 1.1 = 1100.
        let s = scale();
        let kept = apply_hysteresis(&cfg(0.1, 1), &s, &input(1100.0, "A", Some("B"), 0)).unwrap();
        assert_eq!(kept.effective, "B");
        let moved = apply_hysteresis(&cfg(0.1, 1), &s, &input(1100.5, "A", Some("B"), 0)).unwrap();
        assert_eq!(moved.effective, "A");
    }

    #[test]
    fn negative_cutoff_band_points_the_right_way() {
        let s = TierScale::new(&["A", "B"], &[-100.0]).unwrap();
        // Dropping below −100 needs < −110.
        let kept = apply_hysteresis(&cfg(0.1, 1), &s, &input(-105.0, "B", Some("A"), 0)).unwrap();
        assert_eq!(kept.effective, "A");
        let moved = apply_hysteresis(&cfg(0.1, 1), &s, &input(-111.0, "B", Some("A"), 0)).unwrap();
        assert_eq!(moved.effective, "B");
    }

    #[test]
    fn consecutive_runs_delay_the_change() {
        let s = scale();
        let c = cfg(0.0, 3);
        let r1 = apply_hysteresis(&c, &s, &input(100.0, "C", Some("B"), 0)).unwrap();
        assert_eq!((r1.effective.as_str(), r1.streak), ("B", 1));
        assert!(
            r1.decision
                .explain_en()
                .contains("1 consecutive run, 3 required")
        );
        let r2 = apply_hysteresis(&c, &s, &input(100.0, "C", Some("B"), r1.streak)).unwrap();
        assert_eq!((r2.effective.as_str(), r2.streak), ("B", 2));
        let r3 = apply_hysteresis(&c, &s, &input(100.0, "C", Some("B"), r2.streak)).unwrap();
        assert_eq!((r3.effective.as_str(), r3.streak), ("C", 0));
        assert!(
            r3.decision.explain_zh().contains("已连续 3 次运行不同"),
            "{}",
            r3.decision.explain_zh()
        );
        // Back to the effective tier resets the streak.
        let back = apply_hysteresis(&c, &s, &input(300.0, "B", Some("B"), 2)).unwrap();
        assert_eq!(back.streak, 0);
    }

    #[test]
    fn both_rules_count_only_runs_beyond_the_margin() {
        let s = scale();
        let c = cfg(0.1, 2);
        // Within the margin: kept and the streak resets even if it was running.
        let within = apply_hysteresis(&c, &s, &input(190.0, "C", Some("B"), 1)).unwrap();
        assert_eq!((within.effective.as_str(), within.streak), ("B", 0));
        let beyond1 = apply_hysteresis(&c, &s, &input(150.0, "C", Some("B"), 0)).unwrap();
        assert_eq!((beyond1.effective.as_str(), beyond1.streak), ("B", 1));
        let beyond2 = apply_hysteresis(&c, &s, &input(150.0, "C", Some("B"), 1)).unwrap();
        assert_eq!(beyond2.effective, "C");
    }

    #[test]
    fn missing_metric_skips_the_margin() {
        let out =
            apply_hysteresis(&cfg(0.1, 1), &scale(), &input(f64::NAN, "C", Some("A"), 0)).unwrap();
        assert_eq!(out.effective, "C");
        assert!(out.decision.explain_en().contains("margin was not tested"));
        assert!(out.decision.explain_zh().contains("未检验缓冲带"));
    }

    #[test]
    fn first_run_and_unchanged() {
        let s = scale();
        let first = apply_hysteresis(&cfg(0.1, 2), &s, &input(5.0, "C", None, 0)).unwrap();
        assert_eq!(first.decision, TierDecision::Initial { tier: "C".into() });
        let same = apply_hysteresis(&cfg(0.1, 2), &s, &input(5.0, "C", Some("C"), 0)).unwrap();
        assert_eq!(same.decision, TierDecision::Unchanged { tier: "C".into() });
    }

    #[test]
    fn invalid_config_and_scale() {
        let s = scale();
        let i = input(5.0, "C", None, 0);
        assert!(apply_hysteresis(&cfg(1.0, 1), &s, &i).is_err());
        assert!(apply_hysteresis(&cfg(-0.1, 1), &s, &i).is_err());
        assert!(apply_hysteresis(&cfg(f64::NAN, 1), &s, &i).is_err());
        assert!(apply_hysteresis(&cfg(0.1, 0), &s, &i).is_err());
        assert!(apply_hysteresis(&cfg(0.1, 1), &s, &input(5.0, "Z", None, 0)).is_err());
        assert!(TierScale::new(&["A", "B"], &[]).is_err());
        assert!(TierScale::new(&["A", "B", "C"], &[1.0, 2.0]).is_err());
        assert!(TierScale::new(&["A", "A"], &[1.0]).is_err());
    }

    #[test]
    fn config_from_json_with_defaults_and_unknown_fields() {
        let c: HysteresisConfig = serde_json::from_str(r#"{"consecutive_runs": 3}"#).unwrap();
        assert_eq!(c, cfg(0.10, 3));
        assert!(serde_json::from_str::<HysteresisConfig>(r#"{"margn": 0.2}"#).is_err());
    }

    #[test]
    fn tier_for_uses_bounds() {
        let s = scale();
        assert_eq!(s.tier_for(1000.0), "A");
        assert_eq!(s.tier_for(999.0), "B");
        assert_eq!(s.tier_for(200.0), "B");
        assert_eq!(s.tier_for(10.0), "C");
        assert_eq!(s.tier_for(f64::NAN), "C");
    }

    #[test]
    fn summary_counts_pairs() {
        let s = scale();
        let c = cfg(0.1, 2);
        let inputs = [
            input(950.0, "B", Some("A"), 0),  // margin
            input(100.0, "C", Some("A"), 0),  // runs
            input(100.0, "C", Some("A"), 1),  // applied
            input(500.0, "B", Some("B"), 0),  // unchanged
            input(500.0, "B", None, 0),       // initial
            input(5000.0, "A", Some("C"), 1), // applied
        ];
        let decisions: Vec<TierDecision> = inputs
            .iter()
            .map(|i| apply_hysteresis(&c, &s, i).unwrap().decision)
            .collect();
        let sum = summarize_hysteresis(&s, &decisions);
        assert_eq!(sum.customers, 6);
        assert_eq!(sum.initial, 1);
        assert_eq!(sum.raw_changes, 4);
        assert_eq!(sum.applied, 2);
        assert_eq!((sum.suppressed_by_margin, sum.suppressed_by_runs), (1, 1));
        let pairs: Vec<(&str, &str, u64, u64)> = sum
            .pairs
            .iter()
            .map(|p| {
                (
                    p.from.as_str(),
                    p.to.as_str(),
                    p.raw_changes,
                    p.suppressed(),
                )
            })
            .collect();
        assert_eq!(
            pairs,
            [("A", "B", 1, 1), ("A", "C", 2, 1), ("C", "A", 1, 0)]
        );
        assert!(
            sum.explain_en().contains("2 changes applied, 2 held back"),
            "{}",
            sum.explain_en()
        );
        assert!(sum.explain_zh().contains("2 个因滞后规则保持原等级"));
    }
}
