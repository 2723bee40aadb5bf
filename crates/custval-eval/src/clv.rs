//! The CLV step of an evaluation: fit the configured purchase model and Gamma-Gamma on the
//! purchase history up to the as-of date, predict each customer's next-12-months purchases,
//! probability of being alive and discounted profit, and check the model on a holdout.
//!
//! Choices stated once:
//! - **CLV is profit, not revenue**, as the seeds define a customer's value: discounted expected
//!   spend × the customer's own observed gross margin (else the company's; a configured
//!   `clv_margin` replaces both) − the cost to serve, taken as the last 12 months' sales + service cost weighted by
//!   P(alive). Without cost data the cost to serve is zero and the report says so.
//! - **Discounting is monthly**: the annual rate becomes `(1 + r)^(1/12) − 1` per month.
//! - **The holdout check** refits the same model on the purchases up to `as_of − holdout`
//!   and compares its predictions for the holdout with what happened, so every run states its
//!   fit on the user's own data. It is skipped (with a note) when too few customers have a
//!   calibration history.
//! - **The purchase model is chosen per run** (`clv_model = "auto"`, issue 17) among BG/NBD,
//!   MBG/NBD and Pareto/NBD: the lowest holdout MAE wins; candidates within 1 % of it are
//!   separated by log-likelihood on the full history (all have 4 parameters, so this is AIC).
//!   The summary states the choice, why, and each candidate's figures.
//! - **P(alive) must be able to say "gone"**: BG/NBD gives P(alive) = 1 by construction to a
//!   customer without a repeat purchase (x = 0). When BG/NBD is the model, those customers'
//!   P(alive) comes from the best candidate that can tell (MBG/NBD or Pareto/NBD), and the
//!   summary says so; their CLV stays BG/NBD's.
//! - A model that cannot be fitted (too few repeat buyers) does not stop the evaluation: the
//!   CLV features stay missing, the indicators' missing-data rules apply, and a warning says why.
//!   Below [`MIN_REPEATERS`] customers with a repeat purchase nothing is fitted at all: the
//!   optimizers would only wander towards degenerate limits.
//! - **A fit that found no drop-out says nothing about a quiet customer** (issue 17): when the
//!   chosen model expects fewer than [`MIN_DROPOUT_SHARE`] of customers to have left within the
//!   observed span (a base seen for about a year often fits the no-drop-out limit), P(alive) is
//!   not shown and a note says why; the lifecycle's rhythm rule judges who is lapsing.

use custval_clv::{ClvData, FitOptions, Model, PredictOptions, TimeUnit, holdout_report, predict};
use custval_i18n::{Kind, Lang, Note, name};
use serde::{Deserialize, Serialize};

use crate::features::{Feature, FeatureTable, PurchaseSummary};
use crate::types::{ClvPartsRow, MarginFrom, SpendFrom};

/// What the CLV step needs from the configuration.
#[derive(Debug, Clone)]
pub struct ClvSettings {
    /// The purchase model, or `None` to choose per run (see the module docs).
    pub model: Option<Model>,
    pub unit: TimeUnit,
    pub horizon_months: f64,
    pub annual_discount_rate: f64,
    /// A fixed margin, or `None` for the observed gross margin.
    pub margin: Option<f64>,
    /// Length of the holdout for the calibration report, in days.
    pub holdout_days: i32,
}

/// A fitted model as reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelReport {
    pub model: String,
    pub params: Vec<(String, f64)>,
    pub log_likelihood: f64,
    pub customers: f64,
    pub converged: bool,
    pub iterations: u64,
    pub grad_norm: f64,
}

/// Predicted vs actual repeat purchases in the holdout, by calibration frequency.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Calibration {
    pub calibration_end: String,
    pub holdout_days: i32,
    /// (calibration frequency, customers, predicted total, actual total).
    pub buckets: Vec<(String, f64, f64, f64)>,
    pub mae: f64,
    pub rmse: f64,
    pub total_predicted: f64,
    pub total_actual: f64,
}

/// One candidate purchase model of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Candidate {
    pub name: String,
    /// Mean absolute error per customer of the holdout check (`None`: not checked).
    pub holdout_mae: Option<f64>,
    /// Log-likelihood on the full history up to the as-of date.
    pub log_likelihood: f64,
    pub converged: bool,
}

/// Which purchase model the run used, and why (`evaluate --format json` prints it as
/// `clv_model`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelChoice {
    pub name: String,
    pub why: String,
    pub holdout_mae: Option<f64>,
    pub candidates: Vec<Candidate>,
    /// The model whose P(alive) customers without a repeat purchase get, when the chosen
    /// model gives them 1 by construction (BG/NBD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_alive_x0_model: Option<String>,
}

/// Everything the CLV step says about itself.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ClvReport {
    /// The purchase model chosen and why (absent in runs stored before issue 17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<ModelChoice>,
    pub purchases: Option<ModelReport>,
    pub spend: Option<ModelReport>,
    pub calibration: Option<Calibration>,
    /// The margin used when a customer has no cost data of its own.
    pub fallback_margin: f64,
    /// What the CLV step noted, rendered when read.
    pub notes: Vec<Note>,
    /// The fitted models themselves, so that a provisional update can predict for a few
    /// customers with this run's fit (absent in runs stored before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted: Option<FittedClv>,
}

/// The purchase model and the spend model of a run, as fitted.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct FittedClv {
    pub purchases: custval_clv::FittedModel,
    pub spend: Option<custval_clv::GammaGamma>,
    /// P(alive) of customers without a repeat purchase when `purchases` cannot tell (BG/NBD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_alive_x0: Option<custval_clv::FittedModel>,
    /// The run's typical gap between orders (days), which one-time buyers are judged against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_gap_days: Option<f64>,
    /// False when the fit found no drop-out in the observed span (issue 17): P(alive) is then
    /// ≈ 1 for everyone by the fit, not by the data, and is not shown as a probability.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub p_alive_identified: bool,
}

fn yes() -> bool {
    true
}

fn is_true(v: &bool) -> bool {
    *v
}

/// Below this share of customers expected to have dropped out within the observed span, the
/// purchase model has not identified a drop-out process (see [`FittedClv::p_alive_identified`]).
pub const MIN_DROPOUT_SHARE: f64 = 0.01;

/// Models whose P(alive) is 1 by construction for a customer without a repeat purchase.
fn blind_at_x0(m: Model) -> bool {
    m == Model::BgNbd
}

/// The note that says CLV is on revenue for want of cost data (read by `customer show`).
pub const NO_COGS: &str = "note-clv-no-cogs";

/// A purchase or spend model's name (`bgnbd` → BG/NBD), as a note argument.
fn model_name(id: &str) -> Note {
    Note::both(
        name(Lang::En, Kind::Model, id),
        name(Lang::Zh, Kind::Model, id),
    )
}

/// Customers with a repeat purchase a purchase-model fit needs.
pub const MIN_REPEATERS: usize = 5;

/// Holdout MAEs within this share of the best count as a tie, broken by likelihood.
const MAE_TIE: f64 = 0.01;

fn report(fit: &custval_clv::Fit) -> ModelReport {
    ModelReport {
        model: fit.model.name().to_string(),
        params: fit
            .params
            .iter()
            .map(|(k, v)| ((*k).to_string(), *v))
            .collect(),
        log_likelihood: fit.log_likelihood,
        customers: fit.n_customers,
        converged: fit.converged,
        iterations: fit.iterations,
        grad_norm: fit.grad_norm,
    }
}

/// (frequency, recency, T) in model units for customers with a first purchase by `end`.
fn rft(p: &PurchaseSummary, end: i32, unit: f64, calibration: bool) -> Option<(f64, f64, f64)> {
    let first = p.first?;
    if first > end {
        return None;
    }
    let (days, last) = if calibration {
        (p.cal_days, p.cal_last?)
    } else {
        (p.days, p.last?)
    };
    Some((
        f64::from(days.saturating_sub(1)),
        f64::from(last - first) / unit,
        f64::from(end - first) / unit,
    ))
}

/// Fills `p_alive`, `expected_purchases_12m` and `clv_12m` in `table` and reports the models.
pub fn apply(
    table: &mut FeatureTable,
    as_of: i32,
    calibration_end: i32,
    settings: &ClvSettings,
    fmt_date: &dyn Fn(i32) -> String,
) -> ClvReport {
    let mut out = ClvReport::default();
    let unit = settings.unit.days();
    let SummaryColumns {
        rows,
        x,
        tx,
        t,
        m,
        margins,
        spend,
    } = summary_columns(table, as_of, unit);
    out.fallback_margin = fallback_margin(&margins, &spend, settings, &mut out.notes);
    if rows.len() < 10 {
        out.notes
            .push(Note::msg("note-clv-too-few").arg("customers", rows.len().to_string()));
        return out;
    }
    // Issue 17: with (almost) no repeat purchase the purchase models have nothing to fit and
    // their optimizers wander towards degenerate limits (minutes for Pareto/NBD).
    let repeaters = x.iter().filter(|v| **v > 0.0).count();
    if repeaters < MIN_REPEATERS {
        out.notes.push(
            Note::msg("note-clv-few-repeaters")
                .arg("repeaters", repeaters.to_string())
                .arg("customers", rows.len().to_string())
                .arg("min", MIN_REPEATERS.to_string()),
        );
        return out;
    }
    let data = ClvData::rft(x.clone(), tx.clone(), t.clone());
    let candidates: Vec<Model> = match settings.model {
        Some(m) if blind_at_x0(m) => vec![m, Model::MbgNbd],
        Some(m) => vec![m],
        None => vec![Model::BgNbd, Model::MbgNbd, Model::ParetoNbd],
    };
    let holdout = HoldoutData::build(table, calibration_end, as_of, unit);
    if holdout.is_none() {
        out.notes.push(Note::msg("note-clv-no-holdout"));
    }
    let check = |m: Model, start: &[f64]| {
        holdout
            .as_ref()
            .and_then(|h| h.check(m, start, calibration_end, as_of, fmt_date))
    };
    let mut fits = fit_candidates(&candidates, &data, &check, &mut out.notes);
    let Some(pick) = choose(&fits, settings.model) else {
        return out;
    };
    let why = pick.1;
    let (fit, calibration) = fits.swap_remove(pick.0);
    let p_alive_x0 = blind_at_x0(fit.model)
        .then(|| {
            // The best-ranked remaining candidate that can tell.
            let order = rank(&fits);
            order
                .into_iter()
                .map(|k| &fits[k].0)
                .find(|f| !blind_at_x0(f.model))
                .map(|f| f.fitted)
        })
        .flatten();
    out.choice = Some(ModelChoice {
        name: fit.model.name().to_string(),
        why,
        holdout_mae: calibration.as_ref().map(|c| c.mae),
        candidates: candidates_report(&fit, &calibration, &fits),
        p_alive_x0_model: p_alive_x0.map(|m| m.model().name().to_string()),
    });
    if let Some(m) = p_alive_x0 {
        out.notes.push(
            Note::msg("note-clv-alive-from-other")
                .arg("model", model_name(fit.model.name()))
                .arg("other", model_name(m.model().name())),
        );
    }
    let span = t.iter().copied().fold(0.0, f64::max);
    let dropout = fit.fitted.dropout_share(span);
    let p_alive_identified = dropout.is_none_or(|d| d >= MIN_DROPOUT_SHARE);
    if let (false, Some(d)) = (p_alive_identified, dropout) {
        out.notes.push(
            Note::msg("note-clv-alive-hidden")
                .arg("model", model_name(fit.model.name()))
                .arg("share", format!("{:.2}", 100.0 * d))
                .arg("days", format!("{:.0}", span * unit)),
        );
    }
    if !fit.converged {
        out.notes.push(
            Note::msg("note-clv-not-converged")
                .arg("model", model_name(fit.model.name()))
                .arg("norm", format!("{:.2e}", fit.grad_norm)),
        );
    }
    out.purchases = Some(report(&fit));
    let gg = fit_spend(&x, &m, &mut out);
    let fitted = FittedClv {
        purchases: fit.fitted,
        spend: gg,
        p_alive_x0,
        base_gap_days: table.base_gap_days,
        p_alive_identified,
    };
    if let Err(e) = predict_into(table, as_of, settings, &fitted, out.fallback_margin) {
        out.notes.push(Note::Text(e));
        return out;
    }
    out.fitted = Some(fitted);
    out.calibration = calibration;
    out
}

/// The margin of customers without their own: the configured one, else the company's observed
/// gross margin (spend-weighted), else 1 (CLV on revenue, noted).
fn fallback_margin(
    margins: &[f64],
    spend: &[f64],
    settings: &ClvSettings,
    notes: &mut Vec<Note>,
) -> f64 {
    let observed: (f64, f64) = margins
        .iter()
        .zip(spend)
        .filter(|(mg, s)| mg.is_finite() && **s > 0.0)
        .fold((0.0, 0.0), |(p, s), (mg, sp)| (p + mg * sp, s + sp));
    match settings.margin {
        Some(fixed) => fixed,
        None if observed.1 > 0.0 => observed.0 / observed.1,
        None => {
            notes.push(Note::msg(NO_COGS));
            1.0
        }
    }
}

/// Fits each candidate purchase model, each with its holdout check (`check`, from its fitted
/// parameters); a model that fails to fit is noted and left out.
fn fit_candidates(
    candidates: &[Model],
    data: &ClvData,
    check: &dyn Fn(Model, &[f64]) -> Option<Calibration>,
    notes: &mut Vec<Note>,
) -> Vec<(custval_clv::Fit, Option<Calibration>)> {
    let mut fits = Vec::new();
    for m in candidates {
        match custval_clv::fit(*m, data, &FitOptions::default()) {
            Ok(f) => {
                let start: Vec<f64> = f.params.iter().map(|(_, v)| *v).collect();
                let cal = check(*m, &start);
                fits.push((f, cal));
            }
            Err(e) => notes.push(
                Note::msg("note-clv-model-failed")
                    .arg("model", model_name(m.name()))
                    .arg("error", e.to_string()),
            ),
        }
    }
    fits
}

/// The chosen model first, then the other candidates, as the report lists them.
fn candidates_report(
    fit: &custval_clv::Fit,
    calibration: &Option<Calibration>,
    others: &[(custval_clv::Fit, Option<Calibration>)],
) -> Vec<Candidate> {
    std::iter::once((fit, calibration))
        .chain(others.iter().map(|(f, c)| (f, c)))
        .map(|(f, c)| Candidate {
            name: f.model.name().to_string(),
            holdout_mae: c.as_ref().map(|c| c.mae),
            log_likelihood: f.log_likelihood,
            converged: f.converged,
        })
        .collect()
}

/// The Gamma-Gamma spend model on (frequency, mean repeat spend), reported in `out`; `None`
/// (noted) when it cannot be fitted.
fn fit_spend(x: &[f64], m: &[f64], out: &mut ClvReport) -> Option<custval_clv::GammaGamma> {
    match custval_clv::fit(
        Model::GammaGamma,
        &ClvData::spend(x.to_vec(), m.to_vec()),
        &FitOptions::default(),
    ) {
        Ok(f) => {
            out.spend = Some(report(&f));
            match f.fitted {
                custval_clv::FittedModel::GammaGamma(g) => Some(g),
                _ => None,
            }
        }
        Err(e) => {
            out.notes
                .push(Note::msg("note-clv-spend-failed").arg("error", e.to_string()));
            None
        }
    }
}

/// Per customer: sales + service cost of the last 12 months, `NaN` when neither is known
/// (the CLV then deducts nothing).
fn cost_12m(table: &FeatureTable) -> Vec<f64> {
    let cost_cols = [
        table.col(Feature::SalesCost12m),
        table.col(Feature::ServiceCost12m),
    ];
    (0..table.purchase_days.len())
        .map(|c| {
            let known: Vec<f64> = cost_cols
                .iter()
                .map(|col| col[c])
                .filter(|v| v.is_finite())
                .collect();
            if known.is_empty() {
                f64::NAN
            } else {
                known.iter().sum()
            }
        })
        .collect()
}

/// A customer's CLV margin and where it comes from: the configured one, else its own
/// observed gross margin, else the company's (`fallback`).
fn margin_of(settings: &ClvSettings, own: Option<f64>, fallback: f64) -> (f64, MarginFrom) {
    match settings.margin {
        Some(fixed) => (fixed, MarginFrom::Configured),
        None => match own.filter(|v| v.is_finite()) {
            Some(own) => (own, MarginFrom::Customer),
            None => (fallback, MarginFrom::Company),
        },
    }
}

/// Candidate positions, best first: holdout MAE (within [`MAE_TIE`] a tie), then
/// log-likelihood. Candidates without a holdout check rank by likelihood after those with one.
fn rank(fits: &[(custval_clv::Fit, Option<Calibration>)]) -> Vec<usize> {
    let best = fits
        .iter()
        .filter_map(|(_, c)| c.as_ref().map(|c| c.mae))
        .fold(f64::INFINITY, f64::min);
    let band = |c: &Option<Calibration>| match c {
        Some(c) if c.mae <= best * (1.0 + MAE_TIE) => 0.0,
        Some(c) => c.mae,
        None => f64::INFINITY,
    };
    let mut order: Vec<usize> = (0..fits.len()).collect();
    order.sort_by(|&i, &j| {
        band(&fits[i].1).total_cmp(&band(&fits[j].1)).then(
            fits[j]
                .0
                .log_likelihood
                .total_cmp(&fits[i].0.log_likelihood),
        )
    });
    order
}

/// The position of the model to use and why, in words.
fn choose(
    fits: &[(custval_clv::Fit, Option<Calibration>)],
    configured: Option<Model>,
) -> Option<(usize, String)> {
    if let Some(m) = configured {
        let k = fits.iter().position(|(f, _)| f.model == m)?;
        return Some((k, format!("{} is the configured clv_model", m.name())));
    }
    let order = rank(fits);
    let k = *order.first()?;
    let (f, c) = &fits[k];
    let others: Vec<String> = order[1..]
        .iter()
        .map(|&j| {
            let (g, d) = &fits[j];
            match d {
                Some(d) => format!(
                    "{} MAE {:.4}, log-likelihood {:.1}",
                    g.model.name(),
                    d.mae,
                    g.log_likelihood
                ),
                None => format!("{} log-likelihood {:.1}", g.model.name(), g.log_likelihood),
            }
        })
        .collect();
    let tied = c.as_ref().is_some_and(|c| {
        order[1..].iter().any(|&j| {
            fits[j]
                .1
                .as_ref()
                .is_some_and(|d| d.mae <= c.mae * (1.0 + MAE_TIE))
        })
    });
    let how = match c {
        Some(c) if tied => format!(
            "holdout MAE {:.4}, within 1% of the lowest, and the highest log-likelihood {:.1} among those",
            c.mae, f.log_likelihood
        ),
        Some(c) => format!(
            "the lowest holdout MAE {:.4} per customer (log-likelihood {:.1})",
            c.mae, f.log_likelihood
        ),
        None => format!(
            "no holdout check possible; the highest log-likelihood {:.1}",
            f.log_likelihood
        ),
    };
    let why = if others.is_empty() {
        format!("{}: {how}", f.model.name())
    } else {
        format!("{}: {how}; against {}", f.model.name(), others.join("; "))
    };
    Some((k, why))
}

/// Fills `p_alive`, `expected_purchases_12m` and `clv_12m` of every customer of `table` from
/// fitted models: each customer's figures depend only on its own purchase summary, its costs
/// and the fit, which is what lets a provisional update reuse a run's fit for a few customers.
/// The error is the note to report.
pub fn predict_into(
    table: &mut FeatureTable,
    as_of: i32,
    settings: &ClvSettings,
    fitted: &FittedClv,
    fallback_margin: f64,
) -> Result<(), String> {
    let unit = settings.unit.days();
    let n = table.purchase_days.len();
    let SummaryColumns {
        rows,
        x,
        tx,
        t,
        m,
        margins,
        spend,
    } = summary_columns(table, as_of, unit);
    let gg = fitted.spend;
    let mut data = ClvData::rft(x.clone(), tx.clone(), t.clone());
    data.monetary_value = m.clone();
    let horizon = settings.horizon_months * (365.25 / 12.0) / unit;
    let opts = PredictOptions {
        horizon,
        discount_rate: (1.0 + settings.annual_discount_rate).powf(1.0 / 12.0) - 1.0,
        period: (365.25 / 12.0) / unit,
        margin: 1.0,
        spend: gg,
    };
    let preds = if rows.is_empty() {
        Vec::new()
    } else {
        predict(&fitted.purchases, &data, &opts)
            .map_err(|e| format!("CLV predictions failed: {e}"))?
    };
    if fitted.base_gap_days.is_some() {
        // The run's base rhythm, also when only a few customers are rescored.
        table.set_base_gap(fitted.base_gap_days);
    }
    let cost_12m = cost_12m(table);
    let mut p_alive = vec![f64::NAN; n];
    let mut expected = vec![f64::NAN; n];
    let mut clv = vec![f64::NAN; n];
    let mut parts: Vec<Option<ClvPartsRow>> = vec![None; n];
    for (k, &c) in rows.iter().enumerate() {
        let p = &preds[k];
        p_alive[c] = match &fitted.p_alive_x0 {
            _ if !fitted.p_alive_identified => f64::NAN,
            Some(m) if x[k] == 0.0 => m.p_alive(x[k], tx[k], t[k]).unwrap_or(f64::NAN),
            _ => p.p_alive,
        };
        expected[c] = p.expected_purchases;
        let discounted_purchases = || {
            custval_clv::discounted_purchases(
                &fitted.purchases,
                horizon,
                opts.period,
                opts.discount_rate,
                x[k],
                tx[k],
                t[k],
            )
            .unwrap_or(p.expected_purchases)
        };
        // (discounted purchases, expected spend per purchase, where it comes from).
        let (discounted, spend_each, spend_from) = match (p.clv, p.expected_spend) {
            // Gamma-Gamma: clv = spend × discounted purchases (margin 1 in `opts`).
            (Some(v), Some(s)) if gg.is_some() => {
                let d = if s > 0.0 {
                    v / s
                } else {
                    discounted_purchases()
                };
                (d, s, SpendFrom::GammaGamma)
            }
            // Without a spend model: the customer's mean repeat spend, else its 12-month spend.
            _ if m[k] > 0.0 => (discounted_purchases(), m[k], SpendFrom::MeanRepeatSpend),
            _ => (
                discounted_purchases(),
                spend.get(c).copied().unwrap_or(0.0).max(0.0),
                SpendFrom::Spend12m,
            ),
        };
        let revenue = match p.clv {
            Some(v) if gg.is_some() => v,
            _ => discounted * spend_each,
        };
        let (margin, margin_from) = margin_of(settings, margins.get(c).copied(), fallback_margin);
        let cost = if cost_12m[c].is_finite() {
            cost_12m[c]
        } else {
            0.0
        };
        clv[c] = revenue * margin - cost * p.p_alive;
        parts[c] = Some(ClvPartsRow {
            purchases: p.expected_purchases,
            discounted,
            spend: spend_each,
            spend_from,
            margin,
            margin_from,
            cost_12m: cost_12m[c],
            cost_weight: p.p_alive,
        });
    }
    table.clv_parts = parts;
    *table.col_mut(Feature::PAlive) = p_alive;
    *table.col_mut(Feature::ExpectedPurchases12m) = expected;
    *table.col_mut(Feature::Clv12m) = clv;
    Ok(())
}

/// The calibration summary and holdout counts every candidate model is checked on.
struct HoldoutData {
    data: ClvData,
    holdout: Vec<f64>,
    unit: f64,
}

impl HoldoutData {
    fn build(table: &FeatureTable, calibration_end: i32, as_of: i32, unit: f64) -> Option<Self> {
        let (mut x, mut tx, mut t, mut fh) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for p in &table.purchase_days {
            if let Some((f, r, big_t)) = rft(p, calibration_end, unit, true) {
                x.push(f);
                tx.push(r);
                t.push(big_t);
                fh.push(f64::from(p.holdout_days));
            }
        }
        let repeaters = x.iter().filter(|v| **v > 0.0).count();
        if x.len() < 10 || repeaters < 5 || as_of <= calibration_end {
            return None;
        }
        Some(Self {
            data: ClvData::rft(x, tx, t),
            holdout: fh,
            unit,
        })
    }

    /// Refits `model` on the calibration history and compares its holdout predictions with
    /// what happened.
    /// `start`: the full-history fit, a close starting point.
    fn check(
        &self,
        model: Model,
        start: &[f64],
        calibration_end: i32,
        as_of: i32,
        fmt_date: &dyn Fn(i32) -> String,
    ) -> Option<Calibration> {
        let opts = FitOptions {
            initial: Some(start.to_vec()),
            ..FitOptions::default()
        };
        let fit = custval_clv::fit(model, &self.data, &opts).ok()?;
        let dh = vec![f64::from(as_of - calibration_end) / self.unit; self.holdout.len()];
        let rep = holdout_report(&fit.fitted, &self.data, &self.holdout, &dh).ok()?;
        Some(Calibration {
            calibration_end: fmt_date(calibration_end),
            holdout_days: as_of - calibration_end,
            buckets: rep
                .buckets
                .iter()
                .map(|b| {
                    (
                        b.frequency.clone(),
                        b.n_customers,
                        b.predicted_total,
                        b.actual_total,
                    )
                })
                .collect(),
            mae: rep.mae,
            rmse: rep.rmse,
            total_predicted: rep.total_predicted,
            total_actual: rep.total_actual,
        })
    }
}

/// The purchase-model columns of the customers with a purchase up to `as_of` (`rows` maps
/// them back), and every customer's 12-month margin and spend: what a fit and a prediction
/// with frozen parameters both start from.
struct SummaryColumns {
    rows: Vec<usize>,
    x: Vec<f64>,
    tx: Vec<f64>,
    t: Vec<f64>,
    m: Vec<f64>,
    margins: Vec<f64>,
    spend: Vec<f64>,
}

fn summary_columns(table: &FeatureTable, as_of: i32, unit: f64) -> SummaryColumns {
    let mut c = SummaryColumns {
        rows: Vec::new(),
        x: Vec::new(),
        tx: Vec::new(),
        t: Vec::new(),
        m: Vec::new(),
        margins: Vec::new(),
        spend: Vec::new(),
    };
    for (k, p) in table.purchase_days.iter().enumerate() {
        if let Some((f, r, big_t)) = rft(p, as_of, unit, false) {
            c.rows.push(k);
            c.x.push(f);
            c.tx.push(r);
            c.t.push(big_t);
            c.m.push(if f > 0.0 { p.repeat_mean.max(0.0) } else { 0.0 });
        }
    }
    let col = |feature: Feature| table.col(feature).to_vec();
    c.margins = col(Feature::GrossMargin12m);
    c.spend = col(Feature::Spend12m);
    c
}
