//! One evaluation: data as of a date in, one explained result per customer out.
//!
//! The steps, in order (each one reads only what the previous ones produced):
//! 0. calibrated weights, when the plan asks for them ([`crate::calibrate`]: steps 1–3 at two
//!    earlier dates, run first so that their tables are gone before this run's exist);
//! 1. built-in features as of the date ([`crate::features`]), then the CLV step
//!    ([`crate::clv`]) which fills P(alive), expected purchases and CLV, then the key-account
//!    figures ([`crate::accounts`]); an owned dataset's fact tables are freed here;
//! 2. indicators: each formula over the features, the pre-score classes (lifecycle, RFM) and
//!    earlier indicators (`pipeline`);
//! 3. normalization per indicator with its missing-data rule ([`crate::scoring`]);
//! 4. weights per dimension (given, entropy, CRITIC, combined or calibrated), then the
//!    current-value, potential and total scores;
//! 5. tiers with hysteresis, classes and the budget ([`crate::classes`]), the stored results,
//!    and the population figures a provisional update reuses (`frozen`, in the summary).
//!
//! Each result's detail (its actions from rules and playbooks, SWOT, the figures behind its
//! points) is built later, on demand, from [`Evaluation::details`] ([`crate::details`]).
//!
//! Determinism: the same data, date and plan give the same results (k-means is seeded;
//! parallel steps write to fixed positions).

use std::borrow::Cow;

use custval_i18n::Note;
use serde::{Deserialize, Serialize};

use custval_model::{CustomerResult, Dataset, Day};

use crate::accounts::{AccountsModel, AccountsOut};
use crate::clv::{ClvReport, apply as apply_clv};
use crate::error::EvalError;
use crate::features::{FeatureTable, compute_reporting as compute_features};
pub use crate::pipeline::HOLDOUT_DAYS;
use crate::pipeline::{
    dimension_columns, dimension_scores, fit_params, indicator_columns, normalize_columns,
};
use crate::plan::{Dimension, Objective, Plan, WeightPlan};
use crate::progress::{NoProgress, Progress, Step};
use crate::scoring::NormParams;
pub use crate::types::{DimensionWeights, ExcludedIndicator, IndicatorUsed};

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
    /// What the run noted (weights, exclusions, model choices), rendered when read.
    pub notes: Vec<Note>,
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
    /// run's parameters (the `rescore` module); `None` in runs stored before it was kept, and
    /// read leniently (a summary never fails to load because of it).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::frozen::lenient"
    )]
    pub frozen: Option<crate::frozen::Frozen>,
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
    calibrated: Option<&(Vec<f64>, Note)>,
    names_zh: &[String],
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
            given_method(note),
            note.clone(),
            renormalize(&subset(weights)),
        ),
        WeightPlan::Entropy => (
            "entropy".into(),
            Note::msg("note-weights-entropy"),
            objective_weights(&kept_cols, Objective::Entropy)?,
        ),
        WeightPlan::Calibrated { prior, note, .. } => match calibrated {
            Some((w, why)) => ("calibrated".into(), why.clone(), renormalize(&subset(w))),
            None => (
                "calibrated".into(),
                Note::msg("note-weights-not-calibrated").arg("prior", note.clone()),
                renormalize(&subset(prior)),
            ),
        },
        WeightPlan::Critic => (
            "critic".into(),
            Note::msg("note-weights-critic"),
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
                Note::msg("note-weights-combined")
                    .arg("alpha", alpha.to_string())
                    .arg("prior", note.clone())
                    .arg("rest", (1.0 - alpha).to_string())
                    .arg(
                        "objective",
                        Note::msg(match objective {
                            Objective::Entropy => "note-objective-entropy",
                            Objective::Critic => "note-objective-critic",
                        }),
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
    let dropped: Vec<usize> = (0..ids.len()).filter(|k| !keep.contains(k)).collect();
    let note = if dropped.is_empty() {
        note
    } else {
        let list = |names: &[String], sep: &str| {
            dropped
                .iter()
                .filter_map(|k| names.get(*k).map(String::as_str))
                .collect::<Vec<_>>()
                .join(sep)
        };
        Note::msg("note-weights-excluded")
            .arg("note", note)
            .arg("names", Note::both(list(ids, ", "), list(names_zh, "、")))
    };
    Ok(DimensionWeights {
        dimension,
        method,
        note,
        weights: ids.iter().cloned().zip(full).collect(),
    })
}

/// The method column of given weights, from the note on where they come from.
fn given_method(note: &Note) -> String {
    match note.id() {
        Some("note-prior-ahp") => "AHP".into(),
        Some("note-prior-expert") => "expert".into(),
        Some("note-prior-equal") => "equal".into(),
        _ => note.to_string(),
    }
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
    evaluate_cow(Cow::Borrowed(data), as_of, plan, previous, &NoProgress)
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
    evaluate_cow(Cow::Owned(data), as_of, plan, previous, &NoProgress)
}

/// [`evaluate_owned`], reporting each step to `progress` (features per chunk of customers).
pub fn evaluate_reporting<'p>(
    data: Dataset,
    as_of: Day,
    plan: &'p Plan,
    previous: Option<&crate::hysteresis::PreviousTiers>,
    progress: &dyn Progress,
) -> Result<Evaluation<'p>, EvalError> {
    evaluate_cow(Cow::Owned(data), as_of, plan, previous, progress)
}

/// Calibrated weights, if the plan asks for them (reported as their own step).
fn calibrate(
    data: &Dataset,
    as_of: Day,
    plan: &Plan,
    dim_cols: &[Vec<usize>; 2],
    progress: &dyn Progress,
) -> [Option<crate::calibrate::Calibrated>; 2] {
    if [&plan.weights_current, &plan.weights_potential]
        .iter()
        .any(|w| matches!(w, WeightPlan::Calibrated { .. }))
    {
        progress.report(Step::Calibrate, 0, 0);
    }
    crate::calibrate::calibrate_plan(data, as_of, plan, dim_cols)
}

fn evaluate_cow<'p>(
    mut owned: Cow<'_, Dataset>,
    as_of: Day,
    plan: &'p Plan,
    previous: Option<&crate::hysteresis::PreviousTiers>,
    progress: &dyn Progress,
) -> Result<Evaluation<'p>, EvalError> {
    let data: &Dataset = &owned;
    let n = data.customers.len();
    if n == 0 {
        return Err(EvalError::NoCustomers);
    }
    let t0 = std::time::Instant::now();
    let dim_cols = dimension_columns(plan)?;
    // Before this run's own tables exist, so that the two evaluations it takes at earlier
    // dates do not add to the peak memory.
    let calibrated = calibrate(data, as_of, plan, &dim_cols, progress);
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "calibration");
    let (table, clv, (accounts, accounts_model)) =
        customer_figures(data, as_of, plan, t0, progress)?;
    // Only customers and category names are read from here on.
    if let Cow::Owned(d) = &mut owned {
        d.release_facts();
    }
    let data: &Dataset = &owned;
    let mut notes = clv.notes.clone();
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "clv");

    // Classes known before the scores, which indicator formulas may read.
    progress.report(Step::Scores, 0, 0);
    let pre = crate::classes::pre_classes(&table, plan)?;
    let raw = indicator_columns(data, &table, &pre, plan);
    let params = fit_params(plan, &raw);
    let normalized = normalize_columns(&params, &raw);
    let why_excluded: Vec<Option<Note>> = params.iter().map(|p| p.degenerate(n)).collect();

    let (weights, calibration) = run_weights(
        plan,
        &normalized,
        &dim_cols,
        calibrated,
        &why_excluded,
        &mut notes,
    )?;
    let (value_score, potential_score, total) =
        dimension_scores(plan, &normalized, &dim_cols, &weights);
    let indicators_used = indicators_used(plan, params, &weights, &dim_cols, &why_excluded);
    let excluded_indicators =
        excluded_indicators(plan, &indicators_used, &why_excluded, &mut notes);

    let scores = crate::classes::Scores {
        value: &value_score,
        potential: &potential_score,
        total: &total,
    };
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "scores");
    progress.report(Step::Classes, 0, 0);
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
    let frozen = crate::frozen::Frozen::capture(crate::frozen::Capture {
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

/// Step 1: the features, the CLV step and the key-account figures of every customer.
fn customer_figures(
    data: &Dataset,
    as_of: Day,
    plan: &Plan,
    t0: std::time::Instant,
    progress: &dyn Progress,
) -> Result<(FeatureTable, ClvReport, (AccountsOut, AccountsModel)), EvalError> {
    let calibration_end = as_of - HOLDOUT_DAYS;
    let mut table: FeatureTable = compute_features(data, as_of, calibration_end, progress);
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "features");
    let fmt = |d: Day| crate::helpers::format_day(d);
    progress.report(Step::ClvFit, 0, 0);
    let clv = apply_clv(&mut table, as_of, calibration_end, &plan.clv, &fmt);
    progress.report(Step::KeyAccounts, 0, 0);
    let accounts = crate::accounts::apply(data, as_of, &mut table, &plan.accounts.settings())?;
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "key accounts");
    Ok((table, clv, accounts))
}

/// Each dimension's weights as used (calibrated ones noted in `notes`), and the reports of
/// the calibrations that ran.
fn run_weights(
    plan: &Plan,
    normalized: &[Vec<f64>],
    dim_cols: &[Vec<usize>; 2],
    calibrated: [Option<crate::calibrate::Calibrated>; 2],
    why_excluded: &[Option<Note>],
    notes: &mut Vec<Note>,
) -> Result<
    (
        Vec<DimensionWeights>,
        Vec<crate::calibrate::CalibrationReport>,
    ),
    EvalError,
> {
    let mut weights = Vec::new();
    let mut calibration = Vec::new();
    for (((dim, wp), cols), cal) in [
        (Dimension::Current, &plan.weights_current),
        (Dimension::Potential, &plan.weights_potential),
    ]
    .into_iter()
    .zip(dim_cols)
    .zip(calibrated)
    {
        let ids: Vec<String> = cols
            .iter()
            .map(|j| plan.indicators[*j].id.clone())
            .collect();
        let names_zh: Vec<String> = cols
            .iter()
            .map(|j| plan.indicators[*j].name_zh.clone())
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
                    Dimension::Current => "note-dimension-current",
                    Dimension::Potential => "note-dimension-potential",
                };
                notes.push(
                    Note::msg("note-dimension-weights")
                        .arg("dimension", Note::msg(which))
                        .arg("note", note.clone()),
                );
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
            &names_zh,
        )?);
    }
    Ok((weights, calibration))
}

/// The plan's indicators as this run used them: normalization, weight and exclusion.
fn indicators_used(
    plan: &Plan,
    params: Vec<NormParams>,
    weights: &[DimensionWeights],
    dim_cols: &[Vec<usize>; 2],
    why_excluded: &[Option<Note>],
) -> Vec<IndicatorUsed> {
    let mut weight_of = vec![0.0; plan.indicators.len()];
    for (dw, cols) in weights.iter().zip(dim_cols) {
        for ((_, w), j) in dw.weights.iter().zip(cols) {
            weight_of[*j] = *w;
        }
    }
    plan.indicators
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
            excluded: why.as_ref().filter(|_| *w == 0.0).map(Note::to_string),
            weight: *w,
        })
        .collect()
}

/// The indicators left out of this run, each also noted in `notes`.
fn excluded_indicators(
    plan: &Plan,
    used: &[IndicatorUsed],
    why_excluded: &[Option<Note>],
    notes: &mut Vec<Note>,
) -> Vec<ExcludedIndicator> {
    let mut excluded = Vec::new();
    for ((i, why), ind) in used.iter().zip(why_excluded).zip(&plan.indicators) {
        let (Some(text), Some(why)) = (&i.excluded, why) else {
            continue;
        };
        notes.push(
            Note::msg("note-indicator-excluded")
                .arg("name", Note::both(i.id.clone(), ind.name_zh.clone()))
                .arg("why", why.clone()),
        );
        excluded.push(ExcludedIndicator {
            id: i.id.clone(),
            why: text.clone(),
        });
    }
    excluded
}
