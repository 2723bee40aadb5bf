//! Provisional rescoring: a few customers re-evaluated between two full runs, with the
//! parameters of the latest run frozen.
//!
//! A full run fixes figures from the whole population: each indicator's normalization
//! parameters, the weights (entropy and CRITIC read every customer), the CLV fit, the ABC,
//! potential-tier, value × potential, profit × loyalty and RFM cut points, the k-means scaling
//! and centroids, industry growth, the wallet peer groups and the cross-sell model. Refitting
//! them on the handful of customers an import touched would be wrong (the "top 20 %" of ten
//! customers is not the company's top 20 %), so a provisional update **freezes** them at the
//! run's values ([`Frozen`], kept in the run summary) and recomputes only what belongs to each
//! customer: its features as of the provisional date, its CLV from the run's fitted models, its
//! wallet share against the run's peers, its indicators, normalized values, scores, classes
//! against the run's cuts, hysteresis against the run's boundaries and previous tiers, risk,
//! SWOT and actions. Every step is the engine's own function ([`crate::engine`],
//! [`crate::classes`], [`crate::clv`], [`crate::accounts`]); this module only feeds them the
//! frozen figures. So a customer's provisional result depends on its own data and the run, and
//! nothing else: rescoring a subset equals rescoring everybody and keeping the subset.
//!
//! What "equal to a full evaluation" means, and what the tests prove: (a) rescoring every
//! customer of a run with the run's own data and as-of date reproduces the run's results (tiers,
//! classes, scores, actions, detail); (b) after new data, rescoring the affected customers
//! equals a frozen rescoring of all customers on the new data, restricted to them.
//!
//! Population distributions that a customer is placed in (the ABC cumulative-share curve, the
//! sorted values of rank-normalized indicators, the gross margins behind the SWOT margin
//! percentile) are kept whole up to [`MAX_KNOTS`] customers and as that many evenly spaced
//! quantiles above it: exact for small bases, within 1/[`MAX_KNOTS`] of the rank otherwise, so
//! that a million-customer run's summary does not carry millions of numbers. Tiers use the
//! run's lowest A and B values, exact at any size (ties at a boundary aside).
//!
//! Not recomputed, because they describe the run, not a customer: the run summary (class
//! counts, budget, CLV holdout check, hysteresis counts).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Deserializer, Serialize};

use custval_classify::{Assigned, ValueClass, ValueRule};
use custval_model::{CustomerResult, Dataset, Day, NO_CATEGORY};

use crate::EvalError;
use crate::accounts::AccountsModel;
use crate::classes::{AbcRule, ClassSummary, Classified, Scores};
use crate::engine::{
    HOLDOUT_DAYS, IndicatorUsed, RunSummary, dimension_columns, dimension_scores,
    indicator_columns, normalize_columns,
};
use crate::features::{FeatureTable, compute as compute_features, feature_index};
use crate::hysteresis::PreviousTiers;
use crate::plan::Plan;

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
    fn assign(&self, value: f64, plan: &Plan) -> (String, AbcRule) {
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

/// What a provisional update needs from a run beyond the rest of [`RunSummary`] (indicator
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

fn tier_values(
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
        if let Some(g) = c.table.get("industry_growth") {
            for (info, v) in c.data.customers.iter().zip(g) {
                if let (Some(ind), true) = (&info.industry, v.is_finite()) {
                    industry_growth.insert(ind.clone(), *v);
                }
            }
        }
        let margins = crate::accounts::sorted_known(c.table, "gross_margin_12m");
        let delays = crate::accounts::sorted_known(c.table, "avg_payment_delay_days");
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

/// `data` with its category indices renumbered into the run's (names the run did not know
/// are appended), so that the run's cross-sell model reads the same categories. A store loads
/// categories densely over the rows it loads, so a subset has fewer and other indices.
fn align_categories<'a>(data: &'a Dataset, run: &[String]) -> Cow<'a, Dataset> {
    if data.categories.len() <= run.len() && data.categories[..] == run[..data.categories.len()] {
        return Cow::Borrowed(data);
    }
    let mut names = run.to_vec();
    let mut index: HashMap<&str, u32> = run
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i as u32))
        .collect();
    let mut extra = Vec::new();
    let remap: Vec<u32> = data
        .categories
        .iter()
        .map(|s| match index.get(s.as_str()) {
            Some(i) => *i,
            None => {
                let i = (run.len() + extra.len()) as u32;
                extra.push(s.clone());
                i
            }
        })
        .collect();
    index.clear();
    names.extend(extra);
    let mut out = data.clone();
    for t in &mut out.tx {
        if t.category != NO_CATEGORY {
            t.category = remap
                .get(t.category as usize)
                .copied()
                .unwrap_or(NO_CATEGORY);
        }
    }
    out.categories = names;
    Cow::Owned(out)
}

/// Missing frozen figures: the run is older than provisional updates.
fn missing(what: &str) -> EvalError {
    EvalError::Plan(format!(
        "the run keeps no {what} for provisional updates (it predates them); run a full evaluation"
    ))
}

/// Rescores `data`'s customers as of `as_of` with the parameters of the run `summary`
/// describes, whose configuration `plan` is; `previous` holds the tiers and streaks that run
/// compared with (hysteresis). Results in `data`'s customer order. See the module docs.
pub fn rescore(
    data: &Dataset,
    as_of: Day,
    plan: &Plan,
    summary: &RunSummary,
    previous: Option<&PreviousTiers>,
) -> Result<Vec<CustomerResult>, EvalError> {
    let frozen = summary
        .frozen
        .as_ref()
        .ok_or_else(|| missing("frozen parameters"))?;
    if data.customers.is_empty() {
        return Ok(Vec::new());
    }
    if summary.indicators.len() != plan.indicators.len()
        || frozen.rank_sorted.len() != plan.indicators.len()
    {
        return Err(EvalError::Plan(
            "the run's indicators differ from its configuration".into(),
        ));
    }
    let data = align_categories(data, &frozen.categories);
    let data = data.as_ref();
    let mut table = compute_features(data, as_of, as_of - HOLDOUT_DAYS);
    // Industry growth is an industry's figure: the run's.
    if let Some(k) = feature_index("industry_growth") {
        for (c, info) in data.customers.iter().enumerate() {
            table.columns[k][c] = info
                .industry
                .as_ref()
                .and_then(|i| frozen.industry_growth.get(i))
                .copied()
                .unwrap_or(f64::NAN);
        }
    }
    if let Some(fitted) = &summary.clv.fitted {
        // A failed prediction leaves the CLV features missing, as it would in a run.
        let _ = crate::clv::predict_into(
            &mut table,
            as_of,
            &plan.clv,
            fitted,
            summary.clv.fallback_margin,
        );
    }
    let accounts_cfg = plan.accounts.settings();
    let accounts = crate::accounts::apply_fitted(
        data,
        as_of,
        &mut table,
        &accounts_cfg,
        &frozen.accounts,
        &frozen.sorted_margins,
        &frozen.sorted_delays,
    );
    let pre = crate::classes::pre_classes_with(&table, plan, Some(frozen.rfm_breaks.as_ref()))?;
    let raw = indicator_columns(data, &table, &pre, plan);
    let params: Vec<crate::scoring::NormParams> = summary
        .indicators
        .iter()
        .zip(&frozen.rank_sorted)
        .map(|(i, sorted)| {
            let mut p = i.params.clone();
            p.sorted.clone_from(sorted);
            p
        })
        .collect();
    let normalized = normalize_columns(&params, &raw);
    let dim_cols = dimension_columns(plan)?;
    let (value, potential, total) =
        dimension_scores(plan, &normalized, &dim_cols, &summary.weights);
    let scores = Scores {
        value: &value,
        potential: &potential,
        total: &total,
    };
    let classified = classify_frozen(
        data,
        &table,
        &raw,
        &summary.indicators,
        &scores,
        plan,
        pre,
        previous,
        summary,
    )?;
    let mut results = crate::classes::results(data, &table, &scores, &classified, &accounts);
    // A provisional update covers a few customers: their details are built right away.
    let details = crate::details::DetailContext::new(
        data,
        plan,
        crate::details::Parts {
            table,
            raw,
            normalized,
            indicators: summary.indicators.clone(),
            value,
            potential,
            total,
            cl: classified,
            accounts,
        },
    );
    details.fill(&mut results);
    Ok(results)
}

/// Every class of each customer against the run's cuts (the per-customer rules of
/// `custval-classify`, which the run's own classification applies after fitting its cuts).
#[allow(clippy::too_many_arguments)]
fn classify_frozen(
    data: &Dataset,
    table: &FeatureTable,
    raw: &[Vec<f64>],
    indicators: &[IndicatorUsed],
    scores: &Scores,
    plan: &Plan,
    pre: crate::classes::PreClasses,
    previous: Option<&PreviousTiers>,
    summary: &RunSummary,
) -> Result<Classified, EvalError> {
    let frozen = summary
        .frozen
        .as_ref()
        .ok_or_else(|| missing("frozen parameters"))?;
    let cs = &summary.classes;
    let n = data.customers.len();
    let values = tier_values(plan, table, raw, indicators, scores)?;
    let (mut tier, mut tier_rule): (Vec<String>, Vec<AbcRule>) =
        values.iter().map(|v| frozen.tiers.assign(*v, plan)).unzip();
    let ids: Vec<&str> = data.customers.iter().map(|c| c.id.as_str()).collect();
    let mut hysteresis = crate::hysteresis::apply_with_bounds(
        &plan.hysteresis,
        &ids,
        &values,
        &mut tier,
        previous,
        frozen.tiers.bounds,
    )?;
    crate::classes::cap_loss_makers(plan, table, &mut tier, &mut tier_rule, &mut hysteresis);

    let vp = cs
        .value_potential_cuts
        .as_ref()
        .ok_or_else(|| missing("value × potential cuts"))?;
    let known = |v: f64| v.is_finite().then_some(v);
    let value: Vec<Assigned<ValueClass, ValueRule>> = (0..n)
        .map(|c| {
            custval_classify::value_class_with_loss(
                scores.value[c],
                scores.potential[c],
                &crate::classes::loss_facts(table, c),
                vp,
            )
        })
        .collect();
    let pt = cs
        .potential_tier_cut_set
        .as_ref()
        .ok_or_else(|| missing("potential-tier cuts"))?;
    let potential = scores
        .potential
        .iter()
        .map(|s| custval_classify::potential_tier(*s, pt))
        .collect();
    let pl = cs
        .profit_loyalty_cuts
        .as_ref()
        .ok_or_else(|| missing("profit × loyalty cuts"))?;
    let cp = &plan.classes;
    let col = |id: &str| crate::classes::column(id, table, raw, indicators, scores).unwrap_or(&[]);
    let (profit_col, loyal_col) = (col(&cp.profit_measure), col(&cp.loyalty_measure));
    let profit_loyalty = (0..n)
        .map(|c| {
            custval_classify::profit_loyalty_class(
                profit_col.get(c).copied().and_then(known),
                loyal_col.get(c).copied().and_then(known),
                pl,
            )
        })
        .collect();
    let cluster_cols: Vec<&[f64]> = cp.cluster_features.iter().map(|id| col(id)).collect();
    let cluster = (0..n)
        .map(|c| {
            let model = cs.cluster_model.as_ref()?;
            if table.purchase_days[c].days == 0 {
                return None;
            }
            let row: Vec<f64> = cluster_cols
                .iter()
                .map(|k| k.get(c).copied().unwrap_or(f64::NAN))
                .collect();
            custval_classify::nearest_cluster(&model.standardization, &model.centroids_z, &row)
        })
        .collect();
    let crate::classes::PreClasses {
        lifecycle,
        rfm,
        rfm_sum,
        ..
    } = pre;
    Ok(Classified {
        tier,
        tier_rule,
        hysteresis,
        value,
        potential,
        lifecycle,
        profit_loyalty,
        cluster,
        rfm,
        rfm_sum,
        summary: ClassSummary::default(),
        budget: None,
    })
}
