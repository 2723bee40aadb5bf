//! Potential tiers (high / medium / low) by quantile cuts of the potential score.
//!
//! Potential tiers sit beside the value × potential matrix: where the matrix only asks "high
//! potential or not", sales planning wants three bands. Defaults: the top 20 %
//! of potential scores are high, the next 30 % medium, the rest low. The cuts are type-7
//! quantiles at `1 − high_share` and `1 − high_share − medium_share`; "at or above a cut"
//! wins the higher tier, so ties at a cut all go up. A missing score (NaN) is low, and its
//! sentence says the score is unknown.

use serde::{Deserialize, Serialize};

use crate::ClassifyError;
use crate::explain::{Assigned, Explain, fixed, known, open_unit, percent};
use custval_base::quantile::quantiles;

/// A potential tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PotentialTier {
    /// 高潜力.
    High,
    /// 中潜力.
    Medium,
    /// 低潜力.
    Low,
}

impl PotentialTier {
    /// Every tier, highest first.
    pub const ALL: [PotentialTier; 3] = [
        PotentialTier::High,
        PotentialTier::Medium,
        PotentialTier::Low,
    ];

    /// Stable snake_case id (the serde name).
    pub fn id(self) -> &'static str {
        match self {
            PotentialTier::High => "high",
            PotentialTier::Medium => "medium",
            PotentialTier::Low => "low",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            PotentialTier::High => "high potential",
            PotentialTier::Medium => "medium potential",
            PotentialTier::Low => "low potential",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            PotentialTier::High => "高潜力",
            PotentialTier::Medium => "中潜力",
            PotentialTier::Low => "低潜力",
        }
    }
}

/// Shares of customers meant for the top two tiers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PotentialTierConfig {
    /// Share of customers in the high tier (0.2).
    pub high_share: f64,
    /// Share of customers in the medium tier, below the high ones (0.3).
    pub medium_share: f64,
}

impl Default for PotentialTierConfig {
    fn default() -> Self {
        Self {
            high_share: 0.2,
            medium_share: 0.3,
        }
    }
}

impl PotentialTierConfig {
    /// Both shares strictly between 0 and 1, and together below 1 (so a low tier exists).
    pub fn validate(&self) -> Result<(), ClassifyError> {
        open_unit("high_share", self.high_share)?;
        open_unit("medium_share", self.medium_share)?;
        let top = self.high_share + self.medium_share;
        if top < 1.0 {
            Ok(())
        } else {
            Err(ClassifyError::Config {
                field: "high_share + medium_share",
                value: top,
                reason: "must be below 1",
            })
        }
    }
}

/// The cuts actually used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PotentialTierCuts {
    /// Potential score at the `1 − high_share` quantile.
    pub high_cut: f64,
    /// Potential score at the `1 − high_share − medium_share` quantile.
    pub medium_cut: f64,
    /// Configured share of the high tier.
    pub high_share: f64,
    /// Configured share of high and medium together.
    pub top_share: f64,
}

/// Why a customer got its tier, with the figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum TierRule {
    /// Score at or above the high cut.
    High {
        score: f64,
        high_cut: f64,
        high_share: f64,
    },
    /// Score below the high cut, at or above the medium cut.
    Medium {
        score: f64,
        high_cut: f64,
        medium_cut: f64,
        top_share: f64,
    },
    /// Score below the medium cut.
    Low {
        score: f64,
        medium_cut: f64,
        top_share: f64,
    },
    /// Score missing: counted as low.
    Unknown,
}

impl Explain for TierRule {
    fn explain_en(&self) -> String {
        match *self {
            TierRule::High {
                score,
                high_cut,
                high_share,
            } => format!(
                "potential score {} ≥ high cut {} (top {})",
                fixed(score, 1),
                fixed(high_cut, 1),
                percent(high_share)
            ),
            TierRule::Medium {
                score,
                high_cut,
                medium_cut,
                top_share,
            } => format!(
                "potential score {} < high cut {} and ≥ medium cut {} (top {})",
                fixed(score, 1),
                fixed(high_cut, 1),
                fixed(medium_cut, 1),
                percent(top_share)
            ),
            TierRule::Low {
                score,
                medium_cut,
                top_share,
            } => format!(
                "potential score {} < medium cut {} (top {})",
                fixed(score, 1),
                fixed(medium_cut, 1),
                percent(top_share)
            ),
            TierRule::Unknown => "potential score unknown, counted as low".to_string(),
        }
    }

    fn explain_zh(&self) -> String {
        match *self {
            TierRule::High {
                score,
                high_cut,
                high_share,
            } => format!(
                "潜力得分 {} ≥ 高潜力线 {}（前{}）",
                fixed(score, 1),
                fixed(high_cut, 1),
                percent(high_share)
            ),
            TierRule::Medium {
                score,
                high_cut,
                medium_cut,
                top_share,
            } => format!(
                "潜力得分 {} < 高潜力线 {}，且 ≥ 中潜力线 {}（前{}）",
                fixed(score, 1),
                fixed(high_cut, 1),
                fixed(medium_cut, 1),
                percent(top_share)
            ),
            TierRule::Low {
                score,
                medium_cut,
                top_share,
            } => format!(
                "潜力得分 {} < 中潜力线 {}（前{}）",
                fixed(score, 1),
                fixed(medium_cut, 1),
                percent(top_share)
            ),
            TierRule::Unknown => "潜力得分未知，按低潜力处理".to_string(),
        }
    }
}

/// The tier of one score against given cuts.
pub fn potential_tier(score: f64, cuts: &PotentialTierCuts) -> Assigned<PotentialTier, TierRule> {
    let Some(s) = known(score) else {
        return Assigned {
            class: PotentialTier::Low,
            rule: TierRule::Unknown,
        };
    };
    if s >= cuts.high_cut {
        Assigned {
            class: PotentialTier::High,
            rule: TierRule::High {
                score: s,
                high_cut: cuts.high_cut,
                high_share: cuts.high_share,
            },
        }
    } else if s >= cuts.medium_cut {
        Assigned {
            class: PotentialTier::Medium,
            rule: TierRule::Medium {
                score: s,
                high_cut: cuts.high_cut,
                medium_cut: cuts.medium_cut,
                top_share: cuts.top_share,
            },
        }
    } else {
        Assigned {
            class: PotentialTier::Low,
            rule: TierRule::Low {
                score: s,
                medium_cut: cuts.medium_cut,
                top_share: cuts.top_share,
            },
        }
    }
}

/// Cuts from the potential scores of all customers, then one tier per customer.
///
/// Errors: no customers, invalid shares, or no finite score at all.
pub fn classify_potential_tier(
    scores: &[f64],
    cfg: &PotentialTierConfig,
) -> Result<(PotentialTierCuts, Vec<Assigned<PotentialTier, TierRule>>), ClassifyError> {
    cfg.validate()?;
    if scores.is_empty() {
        return Err(ClassifyError::Empty);
    }
    let top_share = cfg.high_share + cfg.medium_share;
    let q = quantiles(scores, &[1.0 - cfg.high_share, 1.0 - top_share])
        .ok_or(ClassifyError::NoFiniteValues("potential_scores"))?;
    let cuts = PotentialTierCuts {
        high_cut: q[0],
        medium_cut: q[1],
        high_share: cfg.high_share,
        top_share,
    };
    let out = scores.iter().map(|s| potential_tier(*s, &cuts)).collect();
    Ok((cuts, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_to_hundred_splits_20_30_50() {
        let scores: Vec<f64> = (1..=100).map(f64::from).collect();
        let (cuts, out) =
            classify_potential_tier(&scores, &PotentialTierConfig::default()).unwrap();
        // R: quantile(1:100, c(.8, .5)) = 80.2, 50.5
        assert!((cuts.high_cut - 80.2).abs() < 1e-9);
        assert!((cuts.medium_cut - 50.5).abs() < 1e-9);
        let count = |t| out.iter().filter(|a| a.class == t).count();
        assert_eq!(count(PotentialTier::High), 20);
        assert_eq!(count(PotentialTier::Medium), 30);
        assert_eq!(count(PotentialTier::Low), 50);
        assert_eq!(
            out[99].rule_en(),
            "potential score 100.0 ≥ high cut 80.2 (top 20%)"
        );
        assert_eq!(out[99].rule_zh(), "潜力得分 100.0 ≥ 高潜力线 80.2（前20%）");
        assert_eq!(
            out[59].rule_en(),
            "potential score 60.0 < high cut 80.2 and ≥ medium cut 50.5 (top 50%)"
        );
        assert_eq!(out[0].rule_zh(), "潜力得分 1.0 < 中潜力线 50.5（前50%）");
    }

    #[test]
    fn missing_scores_are_low_and_say_so() {
        let (_, out) =
            classify_potential_tier(&[1.0, f64::NAN, 3.0], &PotentialTierConfig::default())
                .unwrap();
        assert_eq!(out[1].class, PotentialTier::Low);
        assert!(out[1].rule_en().contains("unknown"));
        assert!(out[1].rule_zh().contains("未知"));
    }

    #[test]
    fn bad_shares_are_rejected() {
        let cfg = PotentialTierConfig {
            high_share: 0.6,
            medium_share: 0.4,
        };
        assert!(matches!(
            classify_potential_tier(&[1.0], &cfg),
            Err(ClassifyError::Config { .. })
        ));
        assert_eq!(
            classify_potential_tier(&[], &PotentialTierConfig::default()).unwrap_err(),
            ClassifyError::Empty
        );
    }

    proptest! {
        // With distinct values, each tier holds its configured share within one customer
        // (type-7 cuts sit between two order statistics).
        #[test]
        fn shares_close_to_configured(
            n in 10usize..2000,
            high in 0.05f64..0.5,
            medium in 0.05f64..0.45,
            seed in 0u64..1000,
        ) {
            let mut rng = crate::rng::SplitMix64::new(seed);
            let scores: Vec<f64> = (0..n).map(|i| i as f64 + 0.5 * rng.next_f64()).collect();
            let cfg = PotentialTierConfig { high_share: high, medium_share: medium };
            let (_, out) = classify_potential_tier(&scores, &cfg).unwrap();
            let nf = n as f64;
            let highs = out.iter().filter(|a| a.class == PotentialTier::High).count() as f64;
            let tops = out.iter().filter(|a| a.class != PotentialTier::Low).count() as f64;
            prop_assert!((highs - high * nf).abs() <= 1.0 + 1e-9, "high {} vs {}", highs, high * nf);
            prop_assert!((tops - (high + medium) * nf).abs() <= 1.0 + 1e-9);
        }
    }
}
