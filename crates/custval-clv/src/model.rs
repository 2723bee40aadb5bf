//! The public face: which model, fitting, named parameters, and per-customer predictions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};

use crate::bgbb::{self, BgBb, BgBbObjective};
use crate::bgnbd::{BgNbd, BgNbdObjective};
use crate::data::{ClvData, Patterns};
use crate::error::ClvError;
use crate::gamma_gamma::{self, GammaGamma, GammaGammaObjective};
use crate::optimize::{FitOptions, Objective, Optimum, minimize, polish_with_sample_hessian};
use crate::pnbd::{self, ParetoNbd, ParetoNbdObjective};
use crate::sbg::{self, SbgObjective, ShiftedBetaGeometric};

/// Above this many patterns, BG/NBD, MBG/NBD and Pareto/NBD fits start from a sample of them:
/// below it a plain L-BFGS run costs less than the sample fit plus the finishing steps.
const WARM_START_MIN: usize = 10_000;
/// Patterns the sample aims at: enough for a Hessian that brings the finishing Newton steps to
/// the full optimum in 3–5 iterations (measured on simulated CDNOW-like data, 26k and 123k
/// patterns; 1,100-pattern samples needed one more step).
const WARM_START_SAMPLE: usize = 3_000;
/// Largest stride, so that the sample grows with the data (123k patterns: 5,100).
const WARM_START_MAX_STRIDE: usize = 24;

/// The models this crate fits. `FromStr`/`Display` use the CLI names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Model {
    BgNbd,
    MbgNbd,
    ParetoNbd,
    BgBb,
    GammaGamma,
    ShiftedBetaGeometric,
}

impl Model {
    /// The CLI name (`bgnbd`, `mbgnbd`, `pnbd`, `bgbb`, `gg`, `sbg`).
    pub fn name(self) -> &'static str {
        match self {
            Model::BgNbd => "bgnbd",
            Model::MbgNbd => "mbgnbd",
            Model::ParetoNbd => "pnbd",
            Model::BgBb => "bgbb",
            Model::GammaGamma => "gg",
            Model::ShiftedBetaGeometric => "sbg",
        }
    }

    /// Parameter names, in the order of [`FittedModel::params`].
    pub fn param_names(self) -> &'static [&'static str] {
        match self {
            Model::BgNbd | Model::MbgNbd => &["r", "alpha", "a", "b"],
            Model::ParetoNbd => &["r", "alpha", "s", "beta"],
            Model::BgBb => &["alpha", "beta", "gamma", "delta"],
            Model::GammaGamma => &["p", "q", "v"],
            Model::ShiftedBetaGeometric => &["alpha", "beta"],
        }
    }

    fn expected_names(self) -> &'static str {
        match self {
            Model::BgNbd | Model::MbgNbd => "r, alpha, a, b",
            Model::ParetoNbd => "r, alpha, s, beta",
            Model::BgBb => "alpha, beta, gamma, delta",
            Model::GammaGamma => "p, q, v",
            Model::ShiftedBetaGeometric => "alpha, beta",
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Model {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl FromStr for Model {
    type Err = ClvError;
    fn from_str(s: &str) -> Result<Self, ClvError> {
        Ok(match s {
            "bgnbd" => Model::BgNbd,
            "mbgnbd" => Model::MbgNbd,
            "pnbd" | "paretonbd" => Model::ParetoNbd,
            "bgbb" => Model::BgBb,
            "gg" | "gammagamma" => Model::GammaGamma,
            "sbg" => Model::ShiftedBetaGeometric,
            _ => {
                return Err(ClvError::InvalidOption {
                    name: "model",
                    reason: "expected one of bgnbd, mbgnbd, pnbd, bgbb, gg, sbg",
                });
            }
        })
    }
}

/// A model with its parameters, ready to predict.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "lowercase")]
pub enum FittedModel {
    BgNbd(BgNbd),
    MbgNbd(BgNbd),
    ParetoNbd(ParetoNbd),
    BgBb(BgBb),
    GammaGamma(GammaGamma),
    ShiftedBetaGeometric(ShiftedBetaGeometric),
}

fn check_positive(model: Model, names: &[&'static str], v: &[f64]) -> Result<(), ClvError> {
    for (name, &value) in names.iter().zip(v) {
        if !(value.is_finite() && value > 0.0) {
            return Err(ClvError::InvalidParameter {
                model: model.name(),
                name,
                value,
            });
        }
    }
    Ok(())
}

impl FittedModel {
    /// The share of customers buying at the mean rate that the model expects to have dropped
    /// out within `span` time units: near 0 means the data did not identify any drop-out (a
    /// base observed for a year where nobody seems to leave fits the no-drop-out limit, and
    /// every P(alive) is then ≈ 1 whatever the customer's silence). `None` for models without
    /// a drop-out process.
    ///
    /// BG/NBD: with `n = (r/α)·span` purchase opportunities and p ~ Beta(a, b),
    /// `E[1 − (1 − p)^n] = 1 − B(a, b + n)/B(a, b)` (MBG/NBD: `n + 1`, it can drop at time 0);
    /// Pareto/NBD: `1 − (β/(β + span))^s`, the gamma-mixed exponential lifetime.
    pub fn dropout_share(&self, span: f64) -> Option<f64> {
        use crate::special::ln_gamma;
        match self {
            FittedModel::BgNbd(m) | FittedModel::MbgNbd(m) => {
                let n = m.r / m.alpha * span.max(0.0) + if m.modified { 1.0 } else { 0.0 };
                let ln_ratio = ln_gamma(m.b + n) + ln_gamma(m.a + m.b)
                    - ln_gamma(m.b)
                    - ln_gamma(m.a + m.b + n);
                Some((1.0 - ln_ratio.exp()).clamp(0.0, 1.0))
            }
            FittedModel::ParetoNbd(m) => {
                Some((1.0 - (m.s * (m.beta / (m.beta + span.max(0.0))).ln()).exp()).clamp(0.0, 1.0))
            }
            _ => None,
        }
    }

    /// Builds a model from natural parameters in the order of [`Model::param_names`].
    pub fn from_vec(model: Model, v: &[f64]) -> Result<Self, ClvError> {
        let names = model.param_names();
        if v.len() != names.len() {
            return Err(ClvError::Parameter {
                model: model.name(),
                problem: "wrong number of parameters, e.g.",
                name: format!("{} given", v.len()),
                expected: model.expected_names(),
            });
        }
        check_positive(model, names, v)?;
        Ok(match model {
            Model::BgNbd | Model::MbgNbd => {
                let m = BgNbd {
                    r: v[0],
                    alpha: v[1],
                    a: v[2],
                    b: v[3],
                    modified: model == Model::MbgNbd,
                };
                if m.modified {
                    FittedModel::MbgNbd(m)
                } else {
                    FittedModel::BgNbd(m)
                }
            }
            Model::ParetoNbd => FittedModel::ParetoNbd(ParetoNbd {
                r: v[0],
                alpha: v[1],
                s: v[2],
                beta: v[3],
            }),
            Model::BgBb => FittedModel::BgBb(BgBb {
                alpha: v[0],
                beta: v[1],
                gamma: v[2],
                delta: v[3],
            }),
            Model::GammaGamma => FittedModel::GammaGamma(GammaGamma {
                p: v[0],
                q: v[1],
                v: v[2],
            }),
            Model::ShiftedBetaGeometric => {
                FittedModel::ShiftedBetaGeometric(ShiftedBetaGeometric {
                    alpha: v[0],
                    beta: v[1],
                })
            }
        })
    }

    /// Builds a model from named parameters (`[("r", 0.24), ("alpha", 4.41), …]`, any order).
    /// Every name must be known and present exactly once.
    pub fn from_params(model: Model, params: &[(&str, f64)]) -> Result<Self, ClvError> {
        let names = model.param_names();
        for (name, _) in params {
            if !names.contains(name) {
                return Err(ClvError::Parameter {
                    model: model.name(),
                    problem: "unknown",
                    name: (*name).to_string(),
                    expected: model.expected_names(),
                });
            }
        }
        let mut v = Vec::with_capacity(names.len());
        for want in names {
            let mut found = params.iter().filter(|(n, _)| n == want);
            match (found.next(), found.next()) {
                (Some(&(_, value)), None) => v.push(value),
                (None, _) => {
                    return Err(ClvError::Parameter {
                        model: model.name(),
                        problem: "missing",
                        name: (*want).to_string(),
                        expected: model.expected_names(),
                    });
                }
                (Some(_), Some(_)) => {
                    return Err(ClvError::Parameter {
                        model: model.name(),
                        problem: "repeated",
                        name: (*want).to_string(),
                        expected: model.expected_names(),
                    });
                }
            }
        }
        Self::from_vec(model, &v)
    }

    pub fn model(&self) -> Model {
        match self {
            FittedModel::BgNbd(_) => Model::BgNbd,
            FittedModel::MbgNbd(_) => Model::MbgNbd,
            FittedModel::ParetoNbd(_) => Model::ParetoNbd,
            FittedModel::BgBb(_) => Model::BgBb,
            FittedModel::GammaGamma(_) => Model::GammaGamma,
            FittedModel::ShiftedBetaGeometric(_) => Model::ShiftedBetaGeometric,
        }
    }

    /// Named parameters in the CLI's order.
    pub fn params(&self) -> Vec<(&'static str, f64)> {
        let v: Vec<f64> = match self {
            FittedModel::BgNbd(m) | FittedModel::MbgNbd(m) => vec![m.r, m.alpha, m.a, m.b],
            FittedModel::ParetoNbd(m) => vec![m.r, m.alpha, m.s, m.beta],
            FittedModel::BgBb(m) => vec![m.alpha, m.beta, m.gamma, m.delta],
            FittedModel::GammaGamma(m) => vec![m.p, m.q, m.v],
            FittedModel::ShiftedBetaGeometric(m) => vec![m.alpha, m.beta],
        };
        self.model().param_names().iter().copied().zip(v).collect()
    }

    fn not_a_purchase_model(&self, what: &'static str) -> ClvError {
        ClvError::Undefined {
            what,
            reason: "only BG/NBD, MBG/NBD, Pareto/NBD and BG/BB predict purchases",
        }
    }

    /// Log-likelihood of one customer: (x, t_x, T) for the purchase models, (x, m̄) for
    /// Gamma-Gamma (pass m̄ as `recency`, `t` ignored).
    pub fn log_likelihood(&self, x: f64, tx: f64, t: f64) -> Result<f64, ClvError> {
        Ok(match self {
            FittedModel::BgNbd(m) | FittedModel::MbgNbd(m) => m.log_likelihood(x, tx, t),
            FittedModel::ParetoNbd(m) => m.log_likelihood(x, tx, t),
            FittedModel::BgBb(m) => m.log_likelihood(x, tx, t),
            FittedModel::GammaGamma(m) => m.log_likelihood(x, tx),
            FittedModel::ShiftedBetaGeometric(_) => {
                return Err(ClvError::Undefined {
                    what: "a per-customer log-likelihood for sBG",
                    reason: "sBG is fitted on cohort counts",
                });
            }
        })
    }

    /// P(alive | x, t_x, T) (BG/BB: alive at opportunity n+1, with `t` = n).
    pub fn p_alive(&self, x: f64, tx: f64, t: f64) -> Result<f64, ClvError> {
        Ok(match self {
            FittedModel::BgNbd(m) | FittedModel::MbgNbd(m) => m.p_alive(x, tx, t),
            FittedModel::ParetoNbd(m) => m.p_alive(x, tx, t),
            FittedModel::BgBb(m) => m.p_alive(x, tx, t),
            _ => return Err(self.not_a_purchase_model("P(alive)")),
        })
    }

    /// Expected purchases in the next `horizon` time units (BG/BB: opportunities) given the
    /// customer's history.
    pub fn conditional_expected_purchases(
        &self,
        horizon: f64,
        x: f64,
        tx: f64,
        t: f64,
    ) -> Result<f64, ClvError> {
        Ok(match self {
            FittedModel::BgNbd(m) | FittedModel::MbgNbd(m) => {
                m.conditional_expected_purchases(horizon, x, tx, t)
            }
            FittedModel::ParetoNbd(m) => m.conditional_expected_purchases(horizon, x, tx, t),
            FittedModel::BgBb(m) => m.conditional_expected_purchases(horizon.floor(), x, tx, t),
            _ => return Err(self.not_a_purchase_model("expected purchases")),
        })
    }

    /// Expected purchases in the next `horizon` of a customer known to be alive at T; the
    /// conditional expectation is P(alive) times this. It depends on (x, T) only (BG/BB: x, n).
    pub fn expected_purchases_if_alive(
        &self,
        horizon: f64,
        x: f64,
        t: f64,
    ) -> Result<f64, ClvError> {
        Ok(match self {
            FittedModel::BgNbd(m) | FittedModel::MbgNbd(m) => {
                m.expected_purchases_if_alive(horizon, x, t)
            }
            FittedModel::ParetoNbd(m) => m.expected_purchases_if_alive(horizon, x, t),
            FittedModel::BgBb(m) => m.expected_purchases_if_alive(horizon.floor(), x, t),
            _ => return Err(self.not_a_purchase_model("expected purchases")),
        })
    }

    /// P(X(t) = n) for a newly acquired customer (BG/BB: n transactions in the first ⌊t⌋
    /// opportunities).
    pub fn prob_n_purchases(&self, t: f64, n: u32) -> Result<f64, ClvError> {
        Ok(match self {
            FittedModel::BgNbd(m) | FittedModel::MbgNbd(m) => m.prob_n_purchases(t, n),
            FittedModel::ParetoNbd(m) => m.prob_n_purchases(t, n),
            FittedModel::BgBb(m) => m.prob_n_purchases(t, n),
            _ => return Err(self.not_a_purchase_model("P(X(t) = n)")),
        })
    }

    /// Unconditional E[X(t)] for a newly acquired customer.
    pub fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        Ok(match self {
            FittedModel::BgNbd(m) | FittedModel::MbgNbd(m) => m.expected_purchases(t),
            FittedModel::ParetoNbd(m) => m.expected_purchases(t),
            FittedModel::BgBb(m) => m.expected_purchases(t.floor()),
            _ => return Err(self.not_a_purchase_model("expected purchases")),
        })
    }
}

fn serialize_params<S: Serializer>(
    params: &[(&'static str, f64)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(params.len()))?;
    for (k, v) in params {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

fn serialize_count<S: Serializer>(n: &f64, s: S) -> Result<S::Ok, S::Error> {
    if n.fract() == 0.0 && *n >= 0.0 && *n < 9.0e15 {
        s.serialize_u64(*n as u64)
    } else {
        s.serialize_f64(*n)
    }
}

/// The result of [`fit`]; serializes to the CLI's JSON (without `seconds`, which the CLI adds).
#[derive(Clone, Debug, Serialize)]
pub struct Fit {
    pub model: Model,
    #[serde(serialize_with = "serialize_params")]
    pub params: Vec<(&'static str, f64)>,
    /// Total log-likelihood (weights applied), in the time unit of the input.
    pub log_likelihood: f64,
    /// Customers the fit used (sum of weights; Gamma-Gamma: those with frequency > 0;
    /// sBG: the cohort size). Serialized as an integer when whole, as in the CLI contract.
    #[serde(serialize_with = "serialize_count")]
    pub n_customers: f64,
    pub converged: bool,
    pub iterations: u64,
    /// Norm of the gradient of the mean negative log-likelihood w.r.t. the log-parameters.
    pub grad_norm: f64,
    #[serde(skip)]
    pub fitted: FittedModel,
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Validated frequency/recency/T (periods) columns compressed to patterns.
fn rft_patterns(data: &ClvData, model: Model, discrete: bool) -> Result<Patterns, ClvError> {
    data.validate_rft(model.name(), discrete)?;
    Ok(Patterns::new(
        &data.frequency,
        &data.recency,
        &data.t,
        data.weights.as_deref(),
    ))
}

/// Maximizes the likelihood of a frequency/recency/T model over its patterns. Large inputs
/// first fit a stride sample of the patterns, then finish on all of them with the sample's
/// Hessian (see `polish_with_sample_hessian`); the full-data L-BFGS run from the sample's
/// optimum is the fallback.
fn fit_patterns<O: Objective>(
    patterns: Patterns,
    make: impl Fn(Patterns) -> O,
    mut starts: Vec<Vec<f64>>,
    opts: &FitOptions,
) -> Result<Optimum, ClvError> {
    if patterns.len() <= WARM_START_MIN || opts.initial.is_some() {
        return minimize(&make(patterns), &starts, opts);
    }
    let sample = make(
        patterns
            .stride_sample((patterns.len() / WARM_START_SAMPLE).clamp(2, WARM_START_MAX_STRIDE)),
    );
    let full = make(patterns);
    let warm = minimize(&sample, &starts, opts)?;
    match polish_with_sample_hessian(&full, &sample, &warm.params, opts) {
        Some(mut o) => {
            o.iterations += warm.iterations;
            Ok(o)
        }
        None => {
            starts.insert(0, warm.params);
            minimize(&full, &starts, opts)
        }
    }
}

/// Fits `model` to `data` by maximum likelihood (see [`ClvData`] for the columns each model
/// reads).
pub fn fit(model: Model, data: &ClvData, opts: &FitOptions) -> Result<Fit, ClvError> {
    if let Some(init) = &opts.initial
        && init.len() != model.param_names().len()
    {
        return Err(ClvError::Parameter {
            model: model.name(),
            problem: "wrong number of initial values, e.g.",
            name: format!("{} given", init.len()),
            expected: model.expected_names(),
        });
    }
    let optimum = match model {
        Model::BgNbd | Model::MbgNbd | Model::ParetoNbd => {
            let patterns = rft_patterns(data, model, false)?;
            let t_mean = patterns.mean_t();
            if model == Model::ParetoNbd {
                fit_patterns(
                    patterns,
                    ParetoNbdObjective::new,
                    pnbd::starts(t_mean),
                    opts,
                )?
            } else {
                let modified = model == Model::MbgNbd;
                fit_patterns(
                    patterns,
                    |patterns| BgNbdObjective { patterns, modified },
                    BgNbd::starts(t_mean),
                    opts,
                )?
            }
        }
        Model::BgBb => {
            let patterns = rft_patterns(data, model, true)?;
            minimize(&BgBbObjective { patterns }, &bgbb::starts(), opts)?
        }
        Model::GammaGamma => {
            let obj = GammaGammaObjective::new(data)?;
            let starts = gamma_gamma::starts(mean(&obj.m));
            minimize(&obj, &starts, opts)?
        }
        Model::ShiftedBetaGeometric => {
            sbg::validate(&data.alive)?;
            let obj = SbgObjective {
                alive: data.alive.clone(),
            };
            let starts = vec![vec![1.0, 1.0], vec![0.5, 2.0], vec![2.0, 5.0]];
            minimize(&obj, &starts, opts)?
        }
    };
    let fitted = FittedModel::from_vec(model, &optimum.params)?;
    let n_customers = match model {
        Model::GammaGamma => (0..data.len())
            .filter(|&i| data.frequency[i] > 0.0)
            .map(|i| data.weight(i))
            .sum(),
        Model::ShiftedBetaGeometric => data.alive[0],
        _ => (0..data.len()).map(|i| data.weight(i)).sum(),
    };
    Ok(Fit {
        model,
        params: fitted.params(),
        log_likelihood: optimum.log_likelihood,
        n_customers,
        converged: optimum.converged,
        iterations: optimum.iterations,
        grad_norm: optimum.grad_norm,
        fitted,
    })
}

/// Total log-likelihood of `data` under `model` (weights applied), with the same inputs as
/// [`fit`].
pub fn log_likelihood(model: &FittedModel, data: &ClvData) -> Result<f64, ClvError> {
    let p: Vec<f64> = model.params().iter().map(|(_, v)| *v).collect();
    let kind = model.model();
    Ok(match model {
        FittedModel::BgNbd(_) | FittedModel::MbgNbd(_) => BgNbdObjective {
            patterns: rft_patterns(data, kind, false)?,
            modified: kind == Model::MbgNbd,
        }
        .ll(&p, None),
        FittedModel::ParetoNbd(_) => {
            ParetoNbdObjective::new(rft_patterns(data, kind, false)?).ll(&p, None)
        }
        FittedModel::BgBb(_) => BgBbObjective {
            patterns: rft_patterns(data, kind, true)?,
        }
        .ll(&p, None),
        FittedModel::GammaGamma(_) => GammaGammaObjective::new(data)?.ll(&p, None),
        FittedModel::ShiftedBetaGeometric(m) => {
            sbg::validate(&data.alive)?;
            sbg::sbg_ll(m.alpha, m.beta, &data.alive)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BgNbd, ParetoNbd};

    /// Issue 17: a fit that found drop-out (CDNOW's published BG/NBD, Fader, Hardie & Lee 2005:
    /// r 0.243, α 4.414, a 0.793, b 2.426, over the 78 weeks observed) tells quiet customers
    /// apart; the no-drop-out limit (a → 0) a one-year retail base fits does not.
    #[test]
    fn dropout_share_tells_an_identified_dropout_from_the_limit() {
        let cdnow = FittedModel::BgNbd(BgNbd {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
            modified: false,
        });
        let share = cdnow.dropout_share(78.0).unwrap();
        // n = 0.243/4.414 × 78 ≈ 4.29 opportunities; 1 − B(a, b + n)/B(a, b) ≈ 0.54.
        assert!(share > 0.4 && share < 0.7, "{share}");
        let limit = FittedModel::BgNbd(BgNbd {
            r: 0.8,
            alpha: 5.0,
            a: 1e-7,
            b: 3.0,
            modified: false,
        });
        assert!(limit.dropout_share(52.0).unwrap() < 1e-5);
        // Pareto/NBD: 1 − (β/(β+T))^s; s 0.606, β 11.67 (CDNOW, Fader & Hardie's note).
        let p = FittedModel::ParetoNbd(ParetoNbd {
            r: 0.553,
            alpha: 10.58,
            s: 0.606,
            beta: 11.67,
        });
        let expected = 1.0 - (11.67f64 / (11.67 + 78.0)).powf(0.606);
        assert!((p.dropout_share(78.0).unwrap() - expected).abs() < 1e-12);
        assert!(
            FittedModel::GammaGamma(crate::GammaGamma {
                p: 6.25,
                q: 3.74,
                v: 15.44
            })
            .dropout_share(78.0)
            .is_none()
        );
    }
}
