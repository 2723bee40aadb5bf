//! One evaluation: data as of a date in, one explained result per customer out.
//!
//! The steps, in order (each one reads only what the previous ones produced):
//! 1. built-in features as of the date ([`crate::features`]), then the CLV step
//!    ([`crate::clv`]) which fills P(alive), expected purchases and CLV;
//! 2. indicators: each formula over the features (and earlier indicators);
//! 3. normalization per indicator with its missing-data rule ([`crate::scoring`]);
//! 4. weights per dimension (given, entropy, CRITIC or combined), then the current-value,
//!    potential and total scores;
//! 5. classes ([`crate::classes`]), then actions from playbooks and rules, then the budget.
//!
//! Determinism: the same data, date and plan give the same results (k-means is seeded;
//! parallel steps write to fixed positions).

use std::borrow::Cow;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use custval_model::{CustomerResult, Dataset, Day};

use crate::EvalError;
use crate::clv::{ClvReport, apply as apply_clv};
use crate::features::{FEATURES, FeatureTable, compute as compute_features};
use crate::plan::{Dimension, Objective, Plan, WeightPlan};
use crate::scoring::{NormParams, score_dimension};

/// Days of history held out for the CLV holdout check.
pub const HOLDOUT_DAYS: Day = 182;

/// Weights of one dimension as used, with where they came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DimensionWeights {
    pub dimension: Dimension,
    pub method: String,
    pub note: String,
    /// (indicator id, weight) in plan order.
    pub weights: Vec<(String, f64)>,
}

/// An indicator as used in a run: its definition and normalization parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorUsed {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    pub unit: String,
    pub dimension: Dimension,
    pub formula: String,
    pub params: NormParams,
    /// Weight within its dimension.
    pub weight: f64,
    /// Why the indicator was left out of this run (weight 0, its weight spread over the
    /// other indicators of its dimension); `None` when it was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
}

/// An indicator left out of a run because it tells no customer apart (issue 17).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedIndicator {
    pub id: String,
    pub why: String,
}

/// Everything computed for the run as a whole.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunSummary {
    pub as_of: Day,
    pub customers: u64,
    pub indicators: Vec<IndicatorUsed>,
    pub weights: Vec<DimensionWeights>,
    pub current_weight: f64,
    pub potential_weight: f64,
    pub clv: ClvReport,
    pub classes: crate::classes::ClassSummary,
    pub budget: Option<crate::classes::Budget>,
    pub notes: Vec<String>,
    /// Indicators left out of this run: missing for everyone or one value for everyone.
    #[serde(default)]
    pub excluded_indicators: Vec<ExcludedIndicator>,
    /// Dimensions whose weights were calibrated on this company's history (issue 17).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calibration: Vec<crate::calibrate::CalibrationReport>,
    /// What tier hysteresis held back against the previous run (`None`: no previous run).
    #[serde(default)]
    pub hysteresis: Option<custval_dynamics::HysteresisSummary>,
    /// What a provisional update needs beyond the above to rescore a few customers with this
    /// run's parameters ([`crate::rescore`]); `None` in runs stored before it was kept, and
    /// read leniently (a summary never fails to load because of it).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rescore::lenient"
    )]
    pub frozen: Option<crate::rescore::Frozen>,
}

/// The result of [`evaluate`].
pub struct Evaluation<'p> {
    pub summary: RunSummary,
    /// One result per customer, in the dataset's order, with an empty `detail`: details are
    /// built from [`Self::details`] when needed (see [`crate::details`]).
    pub results: Vec<CustomerResult>,
    /// R + F + M score per result (NaN without purchases): a ranking backtests compare with.
    pub rfm_score: Vec<f64>,
    /// What each result's detail is built from.
    pub details: crate::details::DetailContext<'p>,
}

impl Evaluation<'_> {
    /// Fills every result's `detail` (for small evaluations and tests: a million details take
    /// about 2 GB; the run write builds them batch by batch instead).
    pub fn fill_details(&mut self) {
        self.details.fill(&mut self.results);
    }
}

/// Objective weights from normalized columns (excluded values count as 0 for the weights).
fn objective_weights(
    normalized: &[&Vec<f64>],
    objective: Objective,
) -> Result<Vec<f64>, EvalError> {
    let cols: Vec<Vec<f64>> = normalized
        .iter()
        .map(|c| {
            c.iter()
                .map(|v| if v.is_finite() { *v } else { 0.0 })
                .collect()
        })
        .collect();
    let dirs = vec![custval_weights::Direction::Benefit; cols.len()];
    let w = match objective {
        Objective::Entropy => custval_weights::entropy::weights(&cols, &dirs),
        Objective::Critic => custval_weights::critic::weights(&cols, &dirs),
    };
    w.map_err(|e| EvalError::Weights(e.to_string()))
}

fn dimension_weights(
    plan: &WeightPlan,
    normalized: &[&Vec<f64>],
    ids: &[String],
    dimension: Dimension,
    excluded: &[bool],
    calibrated: Option<&(Vec<f64>, String)>,
) -> Result<DimensionWeights, EvalError> {
    // Excluded indicators take no part: objective weights are computed over the others, and
    // given weights are spread over the others in proportion (their own weights renormalized).
    let keep: Vec<usize> = (0..ids.len())
        .filter(|k| !excluded.get(*k).copied().unwrap_or(false))
        .collect();
    let keep: Vec<usize> = if keep.is_empty() {
        (0..ids.len()).collect()
    } else {
        keep
    };
    let subset =
        |w: &[f64]| -> Vec<f64> { keep.iter().filter_map(|k| w.get(*k).copied()).collect() };
    let kept_cols: Vec<&Vec<f64>> = keep.iter().map(|k| normalized[*k]).collect();
    let (method, note, w) = match plan {
        WeightPlan::Given { weights, note } => (
            note.split(',').next().unwrap_or("given").to_string(),
            note.clone(),
            renormalize(&subset(weights)),
        ),
        WeightPlan::Entropy => (
            "entropy".into(),
            "entropy weights from this run's normalized data".into(),
            objective_weights(&kept_cols, Objective::Entropy)?,
        ),
        WeightPlan::Calibrated { prior, note, .. } => match calibrated {
            Some((w, why)) => ("calibrated".into(), why.clone(), renormalize(&subset(w))),
            None => (
                "calibrated".into(),
                format!("{note} (not calibrated)"),
                renormalize(&subset(prior)),
            ),
        },
        WeightPlan::Critic => (
            "critic".into(),
            "CRITIC weights from this run's normalized data".into(),
            objective_weights(&kept_cols, Objective::Critic)?,
        ),
        WeightPlan::Combined {
            subjective,
            note,
            objective,
            alpha,
        } => {
            let o = objective_weights(&kept_cols, *objective)?;
            let w = custval_weights::combine::linear(&renormalize(&subset(subjective)), &o, *alpha)
                .map_err(|e| EvalError::Weights(e.to_string()))?;
            (
                "combined".into(),
                format!(
                    "{alpha} × ({note}) + {} × {} weights from this run's data",
                    1.0 - alpha,
                    match objective {
                        Objective::Entropy => "entropy",
                        Objective::Critic => "CRITIC",
                    }
                ),
                w,
            )
        }
    };
    if w.len() != keep.len() {
        return Err(EvalError::Weights(format!(
            "{} weights for {} {:?} indicators",
            w.len(),
            keep.len(),
            dimension
        )));
    }
    let mut full = vec![0.0; ids.len()];
    for (k, wk) in keep.iter().zip(w) {
        full[*k] = wk;
    }
    let dropped: Vec<&str> = (0..ids.len())
        .filter(|k| !keep.contains(k))
        .map(|k| ids[k].as_str())
        .collect();
    let note = if dropped.is_empty() {
        note
    } else {
        format!(
            "{note}; excluded (no variation in this run, weight spread over the others in proportion): {}",
            dropped.join(", ")
        )
    };
    Ok(DimensionWeights {
        dimension,
        method,
        note,
        weights: ids.iter().cloned().zip(full).collect(),
    })
}

/// Weights scaled to sum 1 (unchanged when they sum to 0).
fn renormalize(w: &[f64]) -> Vec<f64> {
    let sum: f64 = w.iter().sum();
    if sum > 0.0 {
        w.iter().map(|v| v / sum).collect()
    } else {
        w.to_vec()
    }
}

/// Runs one evaluation of `data` as of `as_of`, with no previous run (no hysteresis).
pub fn evaluate<'p>(
    data: &Dataset,
    as_of: Day,
    plan: &'p Plan,
) -> Result<Evaluation<'p>, EvalError> {
    evaluate_with(data, as_of, plan, None)
}

/// Runs one evaluation of `data` as of `as_of`; `previous` holds the previous run's tiers
/// and streaks, which hysteresis compares with.
pub fn evaluate_with<'p>(
    data: &Dataset,
    as_of: Day,
    plan: &'p Plan,
    previous: Option<&crate::hysteresis::PreviousTiers>,
) -> Result<Evaluation<'p>, EvalError> {
    evaluate_cow(Cow::Borrowed(data), as_of, plan, previous)
}

/// [`evaluate_with`] on a dataset it may consume: the fact tables (order lines, costs,
/// payments, …, about a gigabyte at a million customers) are freed as soon as the features
/// and key-account figures are computed, before the classes and results are built.
pub fn evaluate_owned<'p>(
    data: Dataset,
    as_of: Day,
    plan: &'p Plan,
    previous: Option<&crate::hysteresis::PreviousTiers>,
) -> Result<Evaluation<'p>, EvalError> {
    evaluate_cow(Cow::Owned(data), as_of, plan, previous)
}

fn evaluate_cow<'p>(
    mut owned: Cow<'_, Dataset>,
    as_of: Day,
    plan: &'p Plan,
    previous: Option<&crate::hysteresis::PreviousTiers>,
) -> Result<Evaluation<'p>, EvalError> {
    let data: &Dataset = &owned;
    let n = data.customers.len();
    if n == 0 {
        return Err(EvalError::NoCustomers);
    }
    let calibration_end = as_of - HOLDOUT_DAYS;
    let t0 = std::time::Instant::now();
    let dim_cols = dimension_columns(plan)?;
    // Before this run's own tables exist, so that the two evaluations it takes at earlier
    // dates do not add to the peak memory.
    let calibrated = crate::calibrate::calibrate_plan(data, as_of, plan, &dim_cols);
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "calibration");
    let mut table: FeatureTable = compute_features(data, as_of, calibration_end);
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "features");
    let fmt = |d: Day| crate::format_day(d);
    let clv = apply_clv(&mut table, as_of, calibration_end, &plan.clv, &fmt);
    let accounts_cfg = plan.accounts.settings();
    let (accounts, accounts_model) =
        crate::accounts::apply(data, as_of, &mut table, &accounts_cfg)?;
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "key accounts");
    // Only customers and category names are read from here on.
    if let Cow::Owned(d) = &mut owned {
        d.release_facts();
    }
    let data: &Dataset = &owned;
    let mut notes = clv.notes.clone();
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "clv");

    let ni = plan.indicators.len();
    // Classes known before the scores, which indicator formulas may read.
    let pre = crate::classes::pre_classes(&table, plan)?;
    let raw = indicator_columns(data, &table, &pre, plan);
    let params = fit_params(plan, &raw);
    let normalized = normalize_columns(&params, &raw);
    let why_excluded: Vec<Option<String>> = params.iter().map(|p| p.degenerate(n)).collect();

    let mut weights = Vec::new();
    let mut calibration = Vec::new();
    for (((dim, wp), cols), cal) in [
        (Dimension::Current, &plan.weights_current),
        (Dimension::Potential, &plan.weights_potential),
    ]
    .into_iter()
    .zip(&dim_cols)
    .zip(calibrated)
    {
        let ids: Vec<String> = cols
            .iter()
            .map(|j| plan.indicators[*j].id.clone())
            .collect();
        let norm_refs: Vec<&Vec<f64>> = cols.iter().map(|j| &normalized[*j]).collect();
        let excluded: Vec<bool> = cols.iter().map(|j| why_excluded[*j].is_some()).collect();
        let used = cal.map(
            |crate::calibrate::Calibrated {
                 weights: w,
                 note,
                 report,
             }| {
                let which = match dim {
                    Dimension::Current => "current-value",
                    Dimension::Potential => "potential",
                };
                notes.push(format!("{which} weights: {note}"));
                calibration.extend(report);
                (w, note)
            },
        );
        weights.push(dimension_weights(
            wp,
            &norm_refs,
            &ids,
            dim,
            &excluded,
            used.as_ref(),
        )?);
    }
    let mut weight_of = vec![0.0; ni];
    for (dw, cols) in weights.iter().zip(&dim_cols) {
        for ((_, w), j) in dw.weights.iter().zip(cols) {
            weight_of[*j] = *w;
        }
    }
    let (value_score, potential_score, total) =
        dimension_scores(plan, &normalized, &dim_cols, &weights);

    let indicators_used: Vec<IndicatorUsed> = plan
        .indicators
        .iter()
        .zip(params)
        .zip(&weight_of)
        .zip(why_excluded)
        .map(|(((ind, p), w), why)| IndicatorUsed {
            id: ind.id.clone(),
            name_en: ind.name_en.clone(),
            name_zh: ind.name_zh.clone(),
            unit: ind.unit.clone(),
            dimension: ind.dimension,
            formula: ind.formula_text.clone(),
            params: p,
            // An exclusion that left a dimension empty was undone: its indicators are used.
            excluded: why.filter(|_| *w == 0.0),
            weight: *w,
        })
        .collect();

    let excluded_indicators: Vec<ExcludedIndicator> = indicators_used
        .iter()
        .filter_map(|i| {
            i.excluded.as_ref().map(|why| ExcludedIndicator {
                id: i.id.clone(),
                why: why.clone(),
            })
        })
        .collect();
    for e in &excluded_indicators {
        notes.push(format!(
            "indicator {} excluded from this run: {}",
            e.id, e.why
        ));
    }

    let scores = crate::classes::Scores {
        value: &value_score,
        potential: &potential_score,
        total: &total,
    };
    tracing::debug!(
        seconds = t0.elapsed().as_secs_f64(),
        "indicators and scores"
    );
    let mut classified = crate::classes::classify(
        data,
        &table,
        &raw,
        &indicators_used,
        &scores,
        plan,
        pre,
        previous,
        &mut notes,
    )?;
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "classes");
    let results = crate::classes::results(data, &table, &scores, &classified, &accounts);
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "results");
    let frozen = crate::rescore::Frozen::capture(crate::rescore::Capture {
        data,
        table: &table,
        raw: &raw,
        indicators: &indicators_used,
        scores: &scores,
        classified: &classified,
        plan,
        accounts: accounts_model,
    })?;
    let summary = RunSummary {
        frozen: Some(frozen),
        hysteresis: classified.hysteresis.summary.take(),
        as_of,
        customers: n as u64,
        indicators: indicators_used.clone(),
        weights,
        current_weight: plan.current_weight,
        potential_weight: plan.potential_weight,
        clv,
        classes: std::mem::take(&mut classified.summary),
        budget: classified.budget.take(),
        notes,
        excluded_indicators,
        calibration,
    };
    let rfm_score = std::mem::take(&mut classified.rfm_sum);
    let details = crate::details::DetailContext::new(
        data,
        plan,
        crate::details::Parts {
            table,
            raw,
            normalized,
            indicators: indicators_used,
            value: value_score,
            potential: potential_score,
            total,
            cl: classified,
            accounts,
        },
    );
    Ok(Evaluation {
        summary,
        results,
        rfm_score,
        details,
    })
}

/// Each indicator's normalization fitted on its raw column.
fn fit_params(plan: &Plan, raw: &[Vec<f64>]) -> Vec<NormParams> {
    plan.indicators
        .par_iter()
        .zip(raw.par_iter())
        .map(|(ind, col)| NormParams::fit(col, ind.direction, ind.norm, ind.missing))
        .collect()
}

/// Normalized indicator columns (plan order) of an evaluation at `at`: steps 1–3 without
/// the CLV holdout check, for weight calibration on earlier dates.
pub(crate) fn normalized_at(
    data: &Dataset,
    at: Day,
    plan: &Plan,
) -> Result<Vec<Vec<f64>>, EvalError> {
    let mut table = compute_features(data, at, at);
    let fmt = |d: Day| crate::format_day(d);
    let _ = apply_clv(&mut table, at, at, &plan.clv, &fmt);
    crate::accounts::apply(data, at, &mut table, &plan.accounts.settings())?;
    let pre = crate::classes::pre_classes(&table, plan)?;
    let raw = indicator_columns(data, &table, &pre, plan);
    let params = fit_params(plan, &raw);
    Ok(normalize_columns(&params, &raw))
}

/// Indicator values in plan order (one column per indicator): each formula over a customer's
/// features, its pre-score classes and master data, and the indicators before it.
pub(crate) fn indicator_columns(
    data: &Dataset,
    table: &FeatureTable,
    pre: &crate::classes::PreClasses,
    plan: &Plan,
) -> Vec<Vec<f64>> {
    let n = data.customers.len();
    let nf = FEATURES.len();
    let ni = plan.indicators.len();
    let raw_rows: Vec<Vec<f64>> = (0..n)
        .into_par_iter()
        .map(|c| {
            let info = &data.customers[c];
            let texts: [&str; 10] = [
                "",
                "",
                "",
                pre.lifecycle[c].class.id(),
                "",
                info.industry.as_deref().unwrap_or(""),
                info.region.as_deref().unwrap_or(""),
                info.size.as_deref().unwrap_or(""),
                info.owner.as_deref().unwrap_or(""),
                pre.rfm[c].as_deref().unwrap_or(""),
            ];
            let mut slots: Vec<f64> = Vec::with_capacity(nf + ni);
            slots.extend(table.columns.iter().map(|col| col[c]));
            for ind in &plan.indicators {
                let v = (ind.formula)(&slots, &texts);
                slots.push(if v.is_finite() { v } else { f64::NAN });
            }
            slots.split_off(nf)
        })
        .collect();
    (0..ni)
        .map(|j| raw_rows.iter().map(|r| r[j]).collect())
        .collect()
}

/// Normalized columns (`NaN` = excluded) with given parameters.
pub(crate) fn normalize_columns(params: &[NormParams], raw: &[Vec<f64>]) -> Vec<Vec<f64>> {
    params
        .par_iter()
        .zip(raw.par_iter())
        .map(|(p, col)| {
            col.iter()
                .map(|v| p.normalize(*v).unwrap_or(f64::NAN))
                .collect()
        })
        .collect()
}

/// Positions of the current-value and the potential indicators in plan order.
pub(crate) fn dimension_columns(plan: &Plan) -> Result<[Vec<usize>; 2], EvalError> {
    let of = |dim: Dimension| -> Result<Vec<usize>, EvalError> {
        let cols: Vec<usize> = (0..plan.indicators.len())
            .filter(|j| plan.indicators[*j].dimension == dim)
            .collect();
        if cols.is_empty() {
            return Err(EvalError::Plan(format!("no {dim:?} indicators")));
        }
        Ok(cols)
    };
    Ok([of(Dimension::Current)?, of(Dimension::Potential)?])
}

/// Current-value, potential and total scores from normalized columns and the weights of the
/// two dimensions (in [`dimension_columns`] order).
pub(crate) fn dimension_scores(
    plan: &Plan,
    normalized: &[Vec<f64>],
    dim_cols: &[Vec<usize>; 2],
    weights: &[DimensionWeights],
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let dim_score = |cols: &[usize], dw: &DimensionWeights| -> Vec<f64> {
        let columns: Vec<&[f64]> = cols.iter().map(|j| normalized[*j].as_slice()).collect();
        let w: Vec<f64> = dw.weights.iter().map(|(_, w)| *w).collect();
        score_dimension(&columns, &w)
    };
    let (value, potential) = match weights {
        [current, pot, ..] => (
            dim_score(&dim_cols[0], current),
            dim_score(&dim_cols[1], pot),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let total = value
        .iter()
        .zip(&potential)
        .map(|(v, p)| plan.current_weight * v + plan.potential_weight * p)
        .collect();
    (value, potential, total)
}
