//! Maximum-likelihood fitting over log-parameters.
//!
//! All model parameters are positive, so the optimizer works on θ = ln(parameter): the problem
//! becomes unconstrained and the scales of r (~0.2) and α (~10) stop mattering. The objective is
//! the mean negative log-likelihood per customer plus `penalizer · Σ parameter²` (lifetimes'
//! convention, so a penalizer means the same in both tools). L-BFGS with a More–Thuente line
//! search (argmin) does the work; Nelder–Mead restarts it when L-BFGS stalls on a ridge.

use std::sync::Mutex;

use argmin::core::{CostFunction, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::neldermead::NelderMead;
use argmin::solver::quasinewton::LBFGS;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::ClvError;

/// Options for [`crate::fit`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FitOptions {
    /// L2 penalty on the parameters (0 = plain maximum likelihood).
    pub penalizer: f64,
    /// Iteration cap per L-BFGS run.
    pub max_iter: u64,
    /// Convergence: norm of the gradient of the mean negative log-likelihood w.r.t. θ.
    pub grad_tol: f64,
    /// How many of the model's starting points to try even when the first converges (≥ 1).
    pub n_starts: usize,
    /// A starting point in natural parameters, tried first (for example a previous fit).
    pub initial: Option<Vec<f64>>,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            penalizer: 0.0,
            max_iter: 500,
            grad_tol: 1e-6,
            n_starts: 1,
            initial: None,
        }
    }
}

/// A log-likelihood the optimizer can maximize.
pub(crate) trait Objective: Sync {
    /// Total weighted log-likelihood at natural parameters `p`; when `grad` is given and the
    /// model has an analytic gradient, fill it with ∂LL/∂p.
    fn ll(&self, p: &[f64], grad: Option<&mut [f64]>) -> f64;
    fn has_gradient(&self) -> bool;
    fn total_weight(&self) -> f64;
}

/// Result of [`minimize`], in natural parameters.
pub(crate) struct Optimum {
    pub params: Vec<f64>,
    pub log_likelihood: f64,
    pub converged: bool,
    pub iterations: u64,
    pub grad_norm: f64,
    /// Whether the Nelder–Mead fallback ran (L-BFGS had stalled from every start).
    #[cfg_attr(not(test), allow(dead_code))]
    pub fallback: bool,
}

/// Last evaluated point: θ, cost, gradient (argmin asks for cost and gradient separately).
type Cache = Mutex<Option<(Vec<f64>, f64, Vec<f64>)>>;

struct Problem<'a> {
    obj: &'a dyn Objective,
    penalizer: f64,
    cache: Cache,
}

/// Cost returned where the likelihood is not finite: large, so line searches back off.
const BAD_COST: f64 = 1e100;

impl<'a> Problem<'a> {
    fn new(obj: &'a dyn Objective, penalizer: f64) -> Self {
        Problem {
            obj,
            penalizer,
            cache: Mutex::new(None),
        }
    }

    fn cost_only(&self, theta: &[f64]) -> f64 {
        let p: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
        if !p.iter().all(|v| v.is_finite()) {
            // Line searches step to NaN or overflowing θ; the likelihood there means nothing
            // and can be slow to find out.
            return BAD_COST;
        }
        let w = self.obj.total_weight();
        let pen: f64 = p.iter().map(|v| v * v).sum::<f64>() * self.penalizer;
        let c = -self.obj.ll(&p, None) / w + pen;
        if c.is_finite() { c } else { BAD_COST }
    }

    fn eval(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        if let Ok(guard) = self.cache.lock()
            && let Some((t, c, g)) = guard.as_ref()
            && t.as_slice() == theta
        {
            return (*c, g.clone());
        }
        let n = theta.len();
        let p: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
        let w = self.obj.total_weight();
        let mut grad = vec![0.0; n];
        let cost = if self.obj.has_gradient() {
            let ll = self.obj.ll(&p, Some(&mut grad));
            for i in 0..n {
                grad[i] = -grad[i] * p[i] / w + 2.0 * self.penalizer * p[i] * p[i];
            }
            let pen: f64 = p.iter().map(|v| v * v).sum::<f64>() * self.penalizer;
            -ll / w + pen
        } else {
            // Central differences in θ; the objective is smooth and O(1), so h = 1e-5 gives
            // gradients good to ~1e-10. The 2n evaluations are independent: run them in
            // parallel.
            let h = 1e-5;
            let c = self.cost_only(theta);
            let diffs: Vec<f64> = (0..2 * n)
                .into_par_iter()
                .map(|k| {
                    let mut th = theta.to_vec();
                    th[k / 2] += if k % 2 == 0 { h } else { -h };
                    self.cost_only(&th)
                })
                .collect();
            for i in 0..n {
                grad[i] = (diffs[2 * i] - diffs[2 * i + 1]) / (2.0 * h);
            }
            c
        };
        let (cost, grad) =
            if cost.is_finite() && cost < BAD_COST && grad.iter().all(|g| g.is_finite()) {
                (cost, grad)
            } else {
                // Pull back towards the origin of θ (parameters ~1) from a region that overflows.
                (BAD_COST, theta.to_vec())
            };
        if let Ok(mut guard) = self.cache.lock() {
            *guard = Some((theta.to_vec(), cost, grad.clone()));
        }
        (cost, grad)
    }
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, theta: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        Ok(self.eval(theta).0)
    }
}

/// Nelder–Mead's view of a problem: the cost alone. It never needs a gradient, and a gradient
/// that breaks down (overflows) is one way L-BFGS stalls, so the fallback must not depend on it.
struct CostOnly<'a, 'b>(&'a Problem<'b>);

impl CostFunction for CostOnly<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, theta: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        Ok(self.0.cost_only(theta))
    }
}

impl Gradient for Problem<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, theta: &Vec<f64>) -> Result<Vec<f64>, argmin::core::Error> {
        Ok(self.eval(theta).1)
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|g| g * g).sum::<f64>().sqrt()
}

/// One L-BFGS run from `theta0`; returns (θ, cost, iterations). Errors of the solver (a line
/// search that cannot make progress) return the best point reached.
fn lbfgs(problem: &Problem<'_>, theta0: Vec<f64>, opts: &FitOptions) -> (Vec<f64>, f64, u64) {
    let fallback = {
        let c = problem.eval(&theta0).0;
        (theta0.clone(), c, 0)
    };
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(opts.grad_tol * 0.1)
        .and_then(|s| s.with_tolerance_cost(1e-15));
    let Ok(solver) = solver else { return fallback };
    let run = Executor::new(Problem::new(problem.obj, problem.penalizer), solver)
        .configure(|s| s.param(theta0).max_iters(opts.max_iter))
        .run();
    match run {
        Ok(res) => {
            let st = res.state();
            match st.get_best_param() {
                Some(p) => (p.clone(), st.get_best_cost(), st.get_iter()),
                None => fallback,
            }
        }
        Err(_) => fallback,
    }
}

fn nelder_mead(problem: &Problem<'_>, theta0: &[f64], max_iter: u64) -> (Vec<f64>, f64, u64) {
    let n = theta0.len();
    let mut simplex = vec![theta0.to_vec()];
    for i in 0..n {
        let mut v = theta0.to_vec();
        v[i] += 0.5;
        simplex.push(v);
    }
    let fallback = (theta0.to_vec(), problem.cost_only(theta0), 0);
    let Ok(solver) = NelderMead::new(simplex).with_sd_tolerance(1e-12) else {
        return fallback;
    };
    let run = Executor::new(CostOnly(problem), solver)
        .configure(|s| s.max_iters(max_iter))
        .run();
    match run {
        Ok(res) => {
            let st = res.state();
            match st.get_best_param() {
                Some(p) => (p.clone(), st.get_best_cost(), st.get_iter()),
                None => fallback,
            }
        }
        Err(_) => fallback,
    }
}

/// Maximizes `obj` from each of `starts` (natural parameters) and returns the best optimum.
pub(crate) fn minimize(
    obj: &dyn Objective,
    starts: &[Vec<f64>],
    opts: &FitOptions,
) -> Result<Optimum, ClvError> {
    if !(opts.penalizer.is_finite() && opts.penalizer >= 0.0) {
        return Err(ClvError::InvalidOption {
            name: "penalizer",
            reason: "must be finite and >= 0",
        });
    }
    let problem = Problem::new(obj, opts.penalizer);
    let mut all_starts: Vec<Vec<f64>> = Vec::new();
    if let Some(init) = &opts.initial {
        all_starts.push(init.clone());
    }
    all_starts.extend(starts.iter().cloned());
    // (θ, cost, gradient norm) of the best run so far.
    let mut best: Option<(Vec<f64>, f64, f64)> = None;
    let mut total_iter = 0;
    for (k, start) in all_starts.iter().enumerate() {
        if start.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
            continue;
        }
        let theta0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
        let (theta, cost, it) = lbfgs(&problem, theta0, opts);
        total_iter += it;
        let g = norm(&problem.eval(&theta).1);
        if best.as_ref().is_none_or(|b| cost < b.1) {
            best = Some((theta, cost, g));
        }
        let converged = best.as_ref().is_some_and(|b| b.2 <= opts.grad_tol * 10.0);
        if converged && k + 1 >= opts.n_starts.max(1) {
            break;
        }
    }
    let Some((mut theta, mut cost, mut g)) = best else {
        return Err(ClvError::InvalidOption {
            name: "initial",
            reason: "no valid starting point (parameters must be finite and > 0)",
        });
    };
    let fallback = g > opts.grad_tol * 10.0;
    if fallback {
        // Stalled: walk with Nelder–Mead, then let L-BFGS polish.
        let (t2, _, it2) = nelder_mead(&problem, &theta, opts.max_iter * 4);
        let (t3, c3, it3) = lbfgs(&problem, t2, opts);
        total_iter += it2 + it3;
        if c3 <= cost {
            theta = t3;
            cost = c3;
            g = norm(&problem.eval(&theta).1);
        }
    }
    if cost >= BAD_COST {
        return Err(ClvError::NotConverged {
            iterations: total_iter,
            grad_norm: g,
            log_likelihood: f64::NEG_INFINITY,
        });
    }
    let params: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
    let log_likelihood = obj.ll(&params, None);
    Ok(Optimum {
        params,
        log_likelihood,
        converged: g <= opts.grad_tol * 10.0,
        iterations: total_iter,
        grad_norm: g,
        fallback,
    })
}

/// Solves H d = g for a small symmetric positive-definite H (Cholesky); `None` when H is not
/// positive definite.
fn solve_spd(h: &[Vec<f64>], g: &[f64]) -> Option<Vec<f64>> {
    let n = g.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = h[i][i] - s;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (h[i][j] - s) / l[j][j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (g[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    Some(x)
}

/// BFGS update of a Hessian approximation `h` with the step θ_new − θ_old and the change of
/// the gradient; skipped when the curvature condition sᵀy > 0 fails (the update would lose
/// positive definiteness).
#[allow(clippy::needless_range_loop)]
fn bfgs_update(h: &mut [Vec<f64>], new: &[f64], old: &[f64], g_new: &[f64], g_old: &[f64]) {
    let n = new.len();
    let s: Vec<f64> = (0..n).map(|i| new[i] - old[i]).collect();
    let y: Vec<f64> = (0..n).map(|i| g_new[i] - g_old[i]).collect();
    let sy: f64 = (0..n).map(|i| s[i] * y[i]).sum();
    let hs: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|j| h[i][j] * s[j]).sum())
        .collect();
    let shs: f64 = (0..n).map(|i| s[i] * hs[i]).sum();
    if !(sy > 1e-300 && shs > 1e-300 && sy.is_finite() && shs.is_finite()) {
        return;
    }
    for i in 0..n {
        for j in 0..n {
            h[i][j] += y[i] * y[j] / sy - hs[i] * hs[j] / shs;
        }
    }
}

/// Finishes a large fit from the optimum of a stride sample of its patterns.
///
/// L-BFGS restarted at a good point still spends ~10 iterations relearning the curvature. The
/// sample's objective (a mean per customer, like the full one) has nearly the same Hessian, so
/// Newton steps with the sample's Hessian — computed once, by differences of the analytic
/// gradient — converge in a handful of full-data gradient evaluations. Returns `None` (the
/// caller falls back to L-BFGS) when the sample Hessian is not positive definite, a step does
/// not decrease the objective, or the gradient does not get small.
// A 4×4 matrix reads best indexed.
#[allow(clippy::needless_range_loop)]
pub(crate) fn polish_with_sample_hessian(
    full: &dyn Objective,
    sample: &dyn Objective,
    start: &[f64],
    opts: &FitOptions,
) -> Option<Optimum> {
    if !(full.has_gradient() && sample.has_gradient()) {
        return None;
    }
    let (ps, pf) = (
        Problem::new(sample, opts.penalizer),
        Problem::new(full, opts.penalizer),
    );
    let n = start.len();
    let mut theta: Vec<f64> = start.iter().map(|v| v.ln()).collect();
    let h = 1e-5;
    let mut hess = vec![vec![0.0; n]; n];
    for i in 0..n {
        let mut up = theta.clone();
        up[i] += h;
        let mut down = theta.clone();
        down[i] -= h;
        let (gu, gd) = (ps.eval(&up).1, ps.eval(&down).1);
        for j in 0..n {
            hess[i][j] = (gu[j] - gd[j]) / (2.0 * h);
        }
    }
    for i in 0..n {
        for j in 0..i {
            let m = 0.5 * (hess[i][j] + hess[j][i]);
            hess[i][j] = m;
            hess[j][i] = m;
        }
    }
    let (mut cost, mut grad) = pf.eval(&theta);
    let mut iterations = 0;
    while norm(&grad) > opts.grad_tol * 0.1 {
        if iterations >= 30 {
            return None;
        }
        iterations += 1;
        let step = solve_spd(&hess, &grad)?;
        let mut t = 1.0;
        loop {
            let trial: Vec<f64> = theta.iter().zip(&step).map(|(a, d)| a - t * d).collect();
            let (c, g) = pf.eval(&trial);
            if c <= cost {
                bfgs_update(&mut hess, &trial, &theta, &g, &grad);
                theta = trial;
                cost = c;
                grad = g;
                break;
            }
            t *= 0.5;
            if t < 1e-3 {
                return None;
            }
        }
    }
    if cost >= BAD_COST {
        return None;
    }
    let params: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
    Some(Optimum {
        log_likelihood: full.ll(&params, None),
        params,
        converged: true,
        iterations,
        grad_norm: norm(&grad),
        fallback: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgnbd::BgNbdObjective;
    use crate::data::Patterns;

    /// CDNOW's BG/NBD objective (frequency, recency, T of `testdata/`).
    fn cdnow_bgnbd() -> BgNbdObjective {
        BgNbdObjective {
            patterns: crate::data::cdnow_patterns(),
            modified: false,
        }
    }

    /// The gradient the optimizer uses for Pareto/NBD (analytic, see the `pnbd` module), in
    /// log-parameters with the penalty-free mean objective, against a five-point stencil of the
    /// cost with h = 1e-3, whose error is O(h⁴): they agree to 1e-8 at the CDNOW optimum and
    /// away from it, far inside the 1e-6 gradient tolerance.
    #[test]
    fn pnbd_gradient_matches_a_five_point_stencil() {
        let bg = cdnow_bgnbd();
        let p = &bg.patterns;
        let obj =
            crate::pnbd::ParetoNbdObjective::new(Patterns::new(&p.x, &p.tx, &p.t, Some(&p.w)));
        let problem = Problem::new(&obj, 0.0);
        let published = [0.553_f64, 10.58, 0.606, 11.67];
        for shift in [0.0, 0.3, -0.5] {
            let theta: Vec<f64> = published.iter().map(|v| v.ln() + shift).collect();
            let (_, grad) = problem.eval(&theta);
            let h = 1e-3;
            for i in 0..4 {
                let at = |d: f64| {
                    let mut t = theta.clone();
                    t[i] += d;
                    problem.cost_only(&t)
                };
                let five = (-at(2.0 * h) + 8.0 * at(h) - 8.0 * at(-h) + at(-2.0 * h)) / (12.0 * h);
                assert!(
                    (grad[i] - five).abs() <= 1e-8,
                    "shift {shift}, component {i}: analytic {} vs five-point {five}",
                    grad[i]
                );
            }
            if shift == 0.0 {
                assert!(norm(&grad) < 1e-3, "not near the optimum: {grad:?}");
            }
        }
    }

    /// A gradient that breaks down (NaN, as an overflowing analytic gradient would) farther than
    /// `radius` from `centre` in log-parameters; the likelihood itself stays intact.
    struct GradientBreaksFar {
        inner: BgNbdObjective,
        centre: [f64; 4],
        radius: f64,
    }

    impl Objective for GradientBreaksFar {
        fn ll(&self, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
            let d2: f64 = p
                .iter()
                .zip(self.centre)
                .map(|(v, c)| (v.ln() - c.ln()).powi(2))
                .sum();
            match grad {
                Some(g) if d2.sqrt() > self.radius => {
                    let ll = self.inner.ll(p, Some(&mut *g));
                    g.fill(f64::NAN);
                    ll
                }
                g => self.inner.ll(p, g),
            }
        }
        fn has_gradient(&self) -> bool {
            true
        }
        fn total_weight(&self) -> f64 {
            self.inner.total_weight()
        }
    }

    /// L-BFGS cannot move from any of the starts (every gradient there is NaN), so the fit
    /// must come from Nelder–Mead on the cost alone, polished by L-BFGS inside the region
    /// where the gradient works, and still land on Fader, Hardie & Lee's (2005) CDNOW estimates.
    #[test]
    fn nelder_mead_fallback_reaches_the_published_bgnbd_optimum() {
        let starts = crate::bgnbd::BgNbd::starts(38.86);
        let obj = GradientBreaksFar {
            inner: cdnow_bgnbd(),
            centre: [0.243, 4.414, 0.793, 2.426],
            radius: 0.3,
        };
        // Every start is outside the working region, so the failure is real.
        for s in &starts {
            let mut g = [0.0; 4];
            obj.ll(s, Some(&mut g));
            assert!(g.iter().all(|v| v.is_nan()), "start {s:?} has a gradient");
        }
        let o = minimize(&obj, &starts, &FitOptions::default()).expect("fit");
        assert!(o.fallback, "Nelder–Mead did not run");
        assert!(o.converged, "grad norm {}", o.grad_norm);
        let published = [0.243, 4.414, 0.793, 2.426];
        for (got, want) in o.params.iter().zip(published) {
            assert!(
                (got - want).abs() <= 0.0005,
                "{:?} vs {published:?}",
                o.params
            );
        }
        assert!(
            (o.log_likelihood - -9582.4).abs() <= 0.05,
            "LL {}",
            o.log_likelihood
        );
        // The same fit with a working gradient needs no fallback.
        let plain = minimize(&obj.inner, &starts, &FitOptions::default()).expect("fit");
        assert!(!plain.fallback);
        for (a, b) in o.params.iter().zip(&plain.params) {
            assert!(
                (a - b).abs() <= 1e-4 * b,
                "{:?} vs {:?}",
                o.params,
                plain.params
            );
        }
    }
}
