//! The alert rules' configuration: one struct per rule, each with `enabled` and its thresholds,
//! all deserializable with defaults and rejecting unknown fields, so a typo in a config file is
//! an error instead of a silently ignored setting.

use serde::{Deserialize, Serialize};

use crate::DynamicsError;

/// A most-valuable (or best-tier) customer dropped a tier or left the most-valuable class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeyAccountDroppedRule {
    /// Rule on or off.
    pub enabled: bool,
}

impl Default for KeyAccountDroppedRule {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// P(alive) fell below a threshold, or by more than a fraction, since the previous run; both
/// need the previous P(alive) at or above the threshold (an alert is a change, not a state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PAliveLowRule {
    /// Rule on or off.
    pub enabled: bool,
    /// Alert when P(alive) is below this (0–1); `None` turns this test off. Default 0.5.
    pub threshold: Option<f64>,
    /// Alert when P(alive) fell by more than this fraction of its previous value; `None` turns
    /// this test off. Default 0.3.
    pub max_relative_drop: Option<f64>,
}

impl Default for PAliveLowRule {
    fn default() -> Self {
        Self {
            enabled: true,
            threshold: Some(0.5),
            max_relative_drop: Some(0.3),
        }
    }
}

/// Spend down more than a fraction against the comparison period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpendDropRule {
    /// Rule on or off.
    pub enabled: bool,
    /// Alert when spend fell by more than this fraction. Default 0.3.
    pub max_drop: f64,
    /// Ignore customers whose comparison spend is below this (tiny accounts swing wildly).
    /// Default 0.
    pub min_previous_spend: f64,
}

impl Default for SpendDropRule {
    fn default() -> Self {
        Self {
            enabled: true,
            max_drop: 0.3,
            min_previous_spend: 0.0,
        }
    }
}

/// Average payment delay grew by more than some days and is above a floor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentDelayRule {
    /// Rule on or off.
    pub enabled: bool,
    /// Alert when the delay grew by more than this many days. Default 10.
    pub min_increase_days: f64,
    /// …and the current delay is above this many days. Default 15.
    pub floor_days: f64,
}

impl Default for PaymentDelayRule {
    fn default() -> Self {
        Self {
            enabled: true,
            min_increase_days: 10.0,
            floor_days: 15.0,
        }
    }
}

/// Satisfaction fell by more than some points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SatisfactionRule {
    /// Rule on or off.
    pub enabled: bool,
    /// Alert when satisfaction fell by more than this many points of the caller's scale.
    /// Default 1 (a 1–5 CSAT); use e.g. 20 for NPS.
    pub min_fall: f64,
}

impl Default for SatisfactionRule {
    fn default() -> Self {
        Self {
            enabled: true,
            min_fall: 1.0,
        }
    }
}

/// Whose potential scores set the upgrade cutoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutoffAmong {
    /// Only the customers in the candidate tiers (the top decile of C).
    Candidates,
    /// All customers.
    All,
}

/// A customer in a low tier whose potential score is in the top share: an upgrade candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpgradeCandidateRule {
    /// Rule on or off.
    pub enabled: bool,
    /// Tiers whose customers can be candidates. Default `["C"]`.
    pub tiers: Vec<String>,
    /// Share of the top potential scores that qualifies. Default 0.1 (top decile).
    pub top_share: f64,
    /// Population the cutoff is computed over. Default all customers (issue 17: the top
    /// decile of tier C alone was 1,901 CDNOW customers, 8 % of the base, when C is three
    /// quarters of it; the top decile of everybody held 195).
    pub cutoff_among: CutoffAmong,
}

impl Default for UpgradeCandidateRule {
    fn default() -> Self {
        Self {
            enabled: true,
            tiers: vec!["C".to_string()],
            top_share: 0.1,
            cutoff_among: CutoffAmong::All,
        }
    }
}

/// Which customers are worth an alert and which alerts are critical, relative to the base
/// (issue 17: absolute thresholds raised 21,482 alerts for 23,570 CDNOW customers). A
/// customer's value is the largest of its 12-month spend now, a year earlier and at the
/// previous run, and its CLV; the cutoffs are type-7 quantiles of that value over the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MaterialityRule {
    /// Only customers whose value is within this top share of the base raise warnings and
    /// critical alerts. 1 switches the gate off. Default 0.2.
    pub top_share: f64,

    /// A key account's alert is critical only when its money at stake reaches the value at
    /// this top share's cutoff; below it, a warning. Default 0.05.
    pub critical_top_share: f64,
}

impl Default for MaterialityRule {
    fn default() -> Self {
        Self {
            top_share: 0.2,
            critical_top_share: 0.05,
        }
    }
}

/// Every alert rule; each can be switched off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertConfig {
    /// `key_account_dropped`.
    pub key_account_dropped: KeyAccountDroppedRule,
    /// `p_alive_low`.
    pub p_alive_low: PAliveLowRule,
    /// `spend_drop`.
    pub spend_drop: SpendDropRule,
    /// `payment_delay_growing`.
    pub payment_delay_growing: PaymentDelayRule,
    /// `satisfaction_falling`.
    pub satisfaction_falling: SatisfactionRule,
    /// `upgrade_candidate`.
    pub upgrade_candidate: UpgradeCandidateRule,
    /// `[alerts.materiality]`: who may alert and what is critical, relative to the base.
    pub materiality: MaterialityRule,
}

fn config_err(field: &'static str, value: f64, reason: &'static str) -> DynamicsError {
    DynamicsError::Config {
        field,
        value,
        reason,
    }
}

fn check(
    ok: bool,
    field: &'static str,
    value: f64,
    reason: &'static str,
) -> Result<(), DynamicsError> {
    if ok {
        Ok(())
    } else {
        Err(config_err(field, value, reason))
    }
}

impl AlertConfig {
    /// Checks every threshold's range.
    pub fn validate(&self) -> Result<(), DynamicsError> {
        if let Some(t) = self.p_alive_low.threshold {
            check(
                (0.0..=1.0).contains(&t),
                "p_alive_low.threshold",
                t,
                "must be within 0 and 1",
            )?;
        }
        if let Some(d) = self.p_alive_low.max_relative_drop {
            check(
                d > 0.0 && d < 1.0,
                "p_alive_low.max_relative_drop",
                d,
                "must be strictly between 0 and 1",
            )?;
        }
        let s = &self.spend_drop;
        check(
            s.max_drop > 0.0 && s.max_drop < 1.0,
            "spend_drop.max_drop",
            s.max_drop,
            "must be strictly between 0 and 1",
        )?;
        check(
            s.min_previous_spend >= 0.0,
            "spend_drop.min_previous_spend",
            s.min_previous_spend,
            "must be at least 0",
        )?;
        let p = &self.payment_delay_growing;
        check(
            p.min_increase_days >= 0.0,
            "payment_delay_growing.min_increase_days",
            p.min_increase_days,
            "must be at least 0",
        )?;
        check(
            p.floor_days.is_finite(),
            "payment_delay_growing.floor_days",
            p.floor_days,
            "must be a finite number",
        )?;
        let f = self.satisfaction_falling.min_fall;
        check(
            f >= 0.0,
            "satisfaction_falling.min_fall",
            f,
            "must be at least 0",
        )?;
        let m = &self.materiality;
        check(
            m.top_share > 0.0 && m.top_share <= 1.0,
            "materiality.top_share",
            m.top_share,
            "must be above 0 and at most 1",
        )?;
        check(
            m.critical_top_share > 0.0 && m.critical_top_share <= 1.0,
            "materiality.critical_top_share",
            m.critical_top_share,
            "must be above 0 and at most 1",
        )?;
        let u = self.upgrade_candidate.top_share;
        check(
            u > 0.0 && u < 1.0,
            "upgrade_candidate.top_share",
            u,
            "must be strictly between 0 and 1",
        )
    }
}
