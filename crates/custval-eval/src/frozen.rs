//! The figures a run fixes from its whole population and a provisional update must reuse
//! ([`Frozen`], kept in the run summary), and how they are captured from a finished
//! evaluation. Apart from the rescoring itself so that the engine, which captures them, and
//! the rescoring, which reads the engine's summary, do not depend on each other.
//!
//! Population distributions are kept whole up to [`MAX_KNOTS`] values and as that many evenly
//! spaced quantiles above it (see `rescore`'s module docs for what that means for accuracy).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use custval_model::Dataset;

use crate::accounts::AccountsModel;
use crate::classes::{AbcRule, Classified, Scores};
use crate::error::EvalError;
use crate::features::{Feature, FeatureTable};
use crate::plan::Plan;
use crate::types::IndicatorUsed;

/// Most values kept of a population distribution (see the module docs).
pub const MAX_KNOTS: usize = 2048;

/// The run's tier boundaries and cumulative-share curve.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrozenTiers {
    /// False when the run could not cut tiers (every customer C).
    pub abc_ok: bool,
    /// Lowest tier-basis value of the computed A tier, and of B.
    pub a_low: Option<f64>,
    pub b_low: Option<f64>,
    /// The boundaries hysteresis measured against.
    pub bounds: (f64, f64),
    /// Sum of the tier basis over all customers.
    pub total: f64,
    /// (value, cumulative share up to and including it), value descending.
    pub curve: Vec<(f64, f64)>,
    /// The curve holds every customer.
    pub exact: bool,
}

impl FrozenTiers {
    /// Computed tier and its rule for a tier-basis value.
    pub(crate) fn assign(&self, value: f64, plan: &Plan) -> (String, AbcRule) {
        let tp = &plan.tiers;
        if !self.abc_ok {
            return (
                "C".into(),
                AbcRule {
                    value: 0.0,
                    cumulative_share: 1.0,
                    cut: 1.0,
                    by_count: tp.by_count,
                    capped: None,
                },
            );
        }
        let (tier, cut) = if self.a_low.is_some_and(|a| value >= a) {
            ("A", tp.a)
        } else if self.b_low.is_some_and(|b| value >= b) {
            ("B", tp.b)
        } else {
            ("C", 1.0)
        };
        (
            tier.into(),
            AbcRule {
                value,
                cumulative_share: self.cumulative_share(value),
                cut,
                by_count: tp.by_count,
                capped: None,
            },
        )
    }

    /// Share of the run's total held by customers ranked down to one of this value: the run's
    /// cumulative share of everything above it, plus its own share.
    fn cumulative_share(&self, value: f64) -> f64 {
        let own = if self.total > 0.0 {
            value / self.total
        } else {
            0.0
        };
        let i = self.curve.partition_point(|k| k.0 > value);
        if i == 0 {
            return own;
        }
        if self.exact || i == self.curve.len() {
            return self.curve[i - 1].1 + own;
        }
        // Between two kept quantiles: linear in value.
        let (v0, c0) = self.curve[i - 1];
        let (v1, c1) = self.curve[i];
        if v0 > v1 {
            c0 + (c1 - c0) * (v0 - value) / (v0 - v1)
        } else {
            c1
        }
    }
}

/// What a provisional update needs from a run beyond the rest of the run summary (indicator
/// parameters and weights, the CLV fit, the class cuts and cluster centroids are there).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frozen {
    /// The run's category names, in the dataset's order: the cross-sell model's indices.
    pub categories: Vec<String>,
    /// Industry growth by industry (industries without a value are absent).
    pub industry_growth: BTreeMap<String, f64>,
    pub accounts: AccountsModel,
    /// Known gross margins, ascending (thinned above [`MAX_KNOTS`]).
    pub sorted_margins: Vec<f64>,
    /// Known average payment delays, ascending (thinned), for `payment_delay_percentile`
    /// (empty in runs stored before it: the percentile is then unknown).
    #[serde(default)]
    pub sorted_delays: Vec<f64>,
    /// Per indicator: the sorted values rank normalization places a value among (empty for
    /// other normalizations).
    pub rank_sorted: Vec<Vec<f64>>,
    pub tiers: FrozenTiers,
    /// RFM breaks `[recency, frequency, monetary]`; `None` when the run had no RFM segments.
    pub rfm_breaks: Option<[Vec<f64>; 3]>,
}

/// What [`Frozen::capture`] reads from a finished evaluation.
pub struct Capture<'a> {
    pub data: &'a Dataset,
    pub table: &'a FeatureTable,
    pub raw: &'a [Vec<f64>],
    pub indicators: &'a [IndicatorUsed],
    pub scores: &'a Scores<'a>,
    pub classified: &'a Classified,
    pub plan: &'a Plan,
    pub accounts: AccountsModel,
}

/// Keeps `sorted` whole up to [`MAX_KNOTS`] values, else that many evenly spaced ones (first
/// and last included).
pub fn thin<T: Copy>(sorted: &[T]) -> Vec<T> {
    let n = sorted.len();
    if n <= MAX_KNOTS {
        return sorted.to_vec();
    }
    (0..MAX_KNOTS)
        .map(|k| sorted[((k as f64) * (n - 1) as f64 / (MAX_KNOTS - 1) as f64).round() as usize])
        .collect()
}

pub(crate) fn tier_values(
    plan: &Plan,
    table: &FeatureTable,
    raw: &[Vec<f64>],
    indicators: &[IndicatorUsed],
    scores: &Scores,
) -> Result<Vec<f64>, EvalError> {
    let basis = crate::classes::column(&plan.tiers.basis, table, raw, indicators, scores)
        .ok_or_else(|| {
            EvalError::Plan(format!(
                "tier basis {:?} is not a feature, indicator or \"score\"",
                plan.tiers.basis
            ))
        })?;
    Ok(basis
        .iter()
        .map(|v| if v.is_finite() { v.max(0.0) } else { 0.0 })
        .collect())
}

fn rfm_breaks(v: &serde_json::Value) -> Option<[Vec<f64>; 3]> {
    let get = |k: &str| -> Option<Vec<f64>> {
        v.get(k)?
            .as_array()?
            .iter()
            .map(serde_json::Value::as_f64)
            .collect()
    };
    Some([get("recency_days")?, get("frequency")?, get("monetary")?])
}

impl Frozen {
    /// The frozen figures of an evaluation, from its intermediate results.
    pub fn capture(c: Capture<'_>) -> Result<Frozen, EvalError> {
        let n = c.data.customers.len();
        let mut industry_growth = BTreeMap::new();
        let growth = c.table.col(Feature::IndustryGrowth);
        for (info, v) in c.data.customers.iter().zip(growth) {
            if let (Some(ind), true) = (&info.industry, v.is_finite()) {
                industry_growth.insert(ind.clone(), *v);
            }
        }
        let margins = crate::accounts::sorted_known(c.table, Feature::GrossMargin12m);
        let delays = crate::accounts::sorted_known(c.table, Feature::AvgPaymentDelayDays);
        let rank_sorted = c
            .indicators
            .iter()
            .map(|i| match i.params.norm {
                crate::scoring::Norm::Rank => thin(&i.params.sorted),
                _ => Vec::new(),
            })
            .collect();

        let values = tier_values(c.plan, c.table, c.raw, c.indicators, c.scores)?;
        let cl = c.classified;
        let computed: Vec<String> = (0..n)
            .map(|k| {
                cl.hysteresis.raw[k]
                    .clone()
                    .unwrap_or_else(|| cl.tier[k].clone())
            })
            .collect();
        let lowest = |t: &str| {
            (0..n)
                .filter(|&k| computed[k] == t)
                .map(|k| values[k])
                .min_by(f64::total_cmp)
        };
        let total: f64 = values.iter().sum();
        // The run cut tiers unless every rule is the all-C default.
        let abc_ok = total > 0.0 && cl.tier_rule.iter().any(|r| r.cut < 1.0 || r.value > 0.0);
        let mut curve: Vec<(f64, f64)> = cl
            .tier_rule
            .iter()
            .map(|r| (r.value, r.cumulative_share))
            .collect();
        curve.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.total_cmp(&b.1)));
        let exact = curve.len() <= MAX_KNOTS;
        let tiers = FrozenTiers {
            abc_ok,
            a_low: lowest("A"),
            b_low: lowest("B"),
            bounds: crate::hysteresis::bounds(&computed, &values),
            total,
            curve: thin(&curve),
            exact,
        };
        Ok(Frozen {
            categories: c.data.categories.clone(),
            industry_growth,
            accounts: c.accounts,
            sorted_margins: thin(&margins),
            sorted_delays: thin(&delays),
            rank_sorted,
            tiers,
            rfm_breaks: cl.summary.rfm_thresholds.as_ref().and_then(rfm_breaks),
        })
    }
}

/// Reads a [`Frozen`] field, and `None` if it cannot be read: a summary must always load,
/// whatever became of the parameters kept for provisional updates.
pub fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Frozen>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}
