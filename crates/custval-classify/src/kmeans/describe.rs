//! Clusters described in words from their centroid's z-scores.
//!
//! A feature is worth naming when the centroid sits at least 0.5 standard deviations from the
//! overall mean ("high"/"low", 较高/较低), and "very" from 1.5 (很高/很低). The strongest (by
//! |z|, lower feature index on ties) come first, at most three, so a description stays a
//! phrase a marketer can read aloud. z-scores are unit-free, which is why one pair of
//! thresholds serves spend, counts and days alike.

use serde::{Deserialize, Serialize};

use super::FeatureSpec;

/// |z| at or above which a feature is named.
pub const NOTABLE_Z: f64 = 0.5;
/// |z| at or above which a feature is "very" high or low.
pub const VERY_Z: f64 = 1.5;
/// At most this many features per description.
pub const MAX_TRAITS: usize = 3;

/// How far a centroid sits from the mean on one feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// z ≤ −1.5.
    VeryLow,
    /// −1.5 < z ≤ −0.5.
    Low,
    /// 0.5 ≤ z < 1.5.
    High,
    /// z ≥ 1.5.
    VeryHigh,
}

impl Level {
    /// The level of a z-score, or `None` when it is within ±0.5 of the mean.
    pub fn of(z: f64) -> Option<Level> {
        if z >= VERY_Z {
            Some(Level::VeryHigh)
        } else if z >= NOTABLE_Z {
            Some(Level::High)
        } else if z <= -VERY_Z {
            Some(Level::VeryLow)
        } else if z <= -NOTABLE_Z {
            Some(Level::Low)
        } else {
            None
        }
    }

    /// English word.
    pub fn label_en(self) -> &'static str {
        match self {
            Level::VeryLow => "very low",
            Level::Low => "low",
            Level::High => "high",
            Level::VeryHigh => "very high",
        }
    }

    /// Chinese word, placed after the feature label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Level::VeryLow => "很低",
            Level::Low => "较低",
            Level::High => "较高",
            Level::VeryHigh => "很高",
        }
    }
}

/// One named feature of a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClusterTrait {
    /// Column index of the feature.
    pub feature: usize,
    /// The centroid's z-score on it.
    pub z: f64,
    /// Its level.
    pub level: Level,
}

/// The named features of a centroid, strongest first, at most [`MAX_TRAITS`].
pub(super) fn traits(centroid_z: &[f64]) -> Vec<ClusterTrait> {
    let mut out: Vec<ClusterTrait> = centroid_z
        .iter()
        .enumerate()
        .filter_map(|(feature, &z)| Level::of(z).map(|level| ClusterTrait { feature, z, level }))
        .collect();
    out.sort_by(|a, b| {
        b.z.abs()
            .total_cmp(&a.z.abs())
            .then(a.feature.cmp(&b.feature))
    });
    out.truncate(MAX_TRAITS);
    out
}

pub(super) fn describe_en(traits: &[ClusterTrait], features: &[FeatureSpec]) -> String {
    if traits.is_empty() {
        return "close to average on every feature".to_string();
    }
    traits
        .iter()
        .map(|t| {
            let label = features.get(t.feature).map_or("?", |f| f.label_en.as_str());
            format!("{} {label}", t.level.label_en())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn describe_zh(traits: &[ClusterTrait], features: &[FeatureSpec]) -> String {
    if traits.is_empty() {
        return "各项特征均接近平均水平".to_string();
    }
    traits
        .iter()
        .map(|t| {
            let label = features.get(t.feature).map_or("?", |f| f.label_zh.as_str());
            format!("{label}{}", t.level.label_zh())
        })
        .collect::<Vec<_>>()
        .join("，")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features() -> Vec<FeatureSpec> {
        vec![
            FeatureSpec::new("spend_12m").with_labels("12-month spend", "近12个月消费额"),
            FeatureSpec::new("recency_days").with_labels("days since last order", "距上次购买天数"),
            FeatureSpec::new("orders_12m"),
            FeatureSpec::new("returns"),
        ]
    }

    #[test]
    fn strongest_first_at_most_three() {
        let t = traits(&[1.8, -0.7, 0.2, 0.9]);
        let f = features();
        assert_eq!(
            describe_en(&t, &f),
            "very high 12-month spend, high returns, low days since last order"
        );
        assert_eq!(
            describe_zh(&t, &f),
            "近12个月消费额很高，returns较高，距上次购买天数较低"
        );
        let four = traits(&[1.0, -1.0, 0.6, -0.6]);
        assert_eq!(four.len(), 3);
        assert_eq!(four[0].feature, 0);
        assert_eq!(four[1].feature, 1);
    }

    #[test]
    fn average_cluster_says_so() {
        let t = traits(&[0.1, -0.49, 0.0, 0.3]);
        assert!(t.is_empty());
        assert_eq!(
            describe_en(&t, &features()),
            "close to average on every feature"
        );
        assert_eq!(describe_zh(&t, &features()), "各项特征均接近平均水平");
    }

    #[test]
    fn level_boundaries() {
        assert_eq!(Level::of(0.5), Some(Level::High));
        assert_eq!(Level::of(-0.5), Some(Level::Low));
        assert_eq!(Level::of(1.5), Some(Level::VeryHigh));
        assert_eq!(Level::of(-1.5), Some(Level::VeryLow));
        assert_eq!(Level::of(0.49), None);
        assert_eq!(Level::of(f64::NAN), None);
    }
}
