//! The steps every evaluation shares up to the scores: indicator columns over the features,
//! their normalization, the dimensions' columns and scores. The engine runs them for a run,
//! weight calibration for its earlier dates and provisional rescoring with a run's frozen
//! parameters, so they live below all three.

use rayon::prelude::*;

use custval_model::{Dataset, Day};

use crate::clv::apply as apply_clv;
use crate::error::EvalError;
use crate::features::{FEATURES, FeatureTable, compute as compute_features};
use crate::plan::{Dimension, Plan};
use crate::scoring::{NormParams, score_dimension};
use crate::types::DimensionWeights;

/// Days of history held out for the CLV holdout check.
pub const HOLDOUT_DAYS: Day = 182;

/// Each indicator's normalization fitted on its raw column.
pub(crate) fn fit_params(plan: &Plan, raw: &[Vec<f64>]) -> Vec<NormParams> {
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
    let fmt = |d: Day| crate::helpers::format_day(d);
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
