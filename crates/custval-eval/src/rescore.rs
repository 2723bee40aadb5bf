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
//! SWOT and actions. Every step is the engine's own function (`pipeline`,
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
use std::collections::HashMap;

use custval_classify::{Assigned, ValueClass, ValueRule};
use custval_model::{CustomerResult, Dataset, Day, NO_CATEGORY};

use crate::classes::{AbcRule, ClassSummary, Classified, Scores};
use crate::engine::RunSummary;
use crate::error::EvalError;
use crate::features::{Feature, FeatureTable, compute as compute_features};
use crate::frozen::tier_values;
pub use crate::frozen::{Capture, Frozen, FrozenTiers, MAX_KNOTS, lenient, thin};
use crate::hysteresis::PreviousTiers;
use crate::pipeline::{
    HOLDOUT_DAYS, dimension_columns, dimension_scores, indicator_columns, normalize_columns,
};
use crate::plan::Plan;
use crate::types::IndicatorUsed;

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

/// Customers' features, CLV and key-account figures as of `as_of`, with the run's
/// industry growth, fitted CLV models and key-account model.
fn frozen_features(
    data: &Dataset,
    as_of: Day,
    plan: &Plan,
    summary: &RunSummary,
    frozen: &Frozen,
) -> (FeatureTable, crate::accounts::AccountsOut) {
    let mut table = compute_features(data, as_of, as_of - HOLDOUT_DAYS);
    // Industry growth is an industry's figure: the run's.
    let growth = table.col_mut(Feature::IndustryGrowth);
    for (x, info) in growth.iter_mut().zip(&data.customers) {
        *x = info
            .industry
            .as_ref()
            .and_then(|i| frozen.industry_growth.get(i))
            .copied()
            .unwrap_or(f64::NAN);
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
    (table, accounts)
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
    let (table, accounts) = frozen_features(data, as_of, plan, summary, frozen);
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

/// Each buyer's nearest of the run's clusters (`None` for prospects, or when the run had no
/// clusters).
fn nearest_clusters(
    table: &FeatureTable,
    cols: &[&[f64]],
    model: Option<&crate::classes::ClusterModel>,
) -> Vec<Option<u32>> {
    (0..table.purchase_days.len())
        .map(|c| {
            let model = model?;
            if table.purchase_days[c].days == 0 {
                return None;
            }
            let row: Vec<f64> = cols
                .iter()
                .map(|k| k.get(c).copied().unwrap_or(f64::NAN))
                .collect();
            custval_classify::nearest_cluster(&model.standardization, &model.centroids_z, &row)
        })
        .collect()
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
    let cluster = nearest_clusters(table, &cluster_cols, cs.cluster_model.as_ref());
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
