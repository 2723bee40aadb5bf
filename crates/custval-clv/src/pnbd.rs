//! Pareto/NBD (Schmittlein, Morrison & Colombo 1987), in the parameterization and likelihood
//! form of Fader & Hardie's note "A Note on Deriving the Pareto/NBD Model and Related
//! Expressions" (2005): purchase rate λ ~ Gamma(r, α), dropout rate μ ~ Gamma(s, β).
//!
//! The likelihood needs ∫_{t_x}^{T} (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ, which the note writes with
//! ₂F₁(r+s+x, ·; r+s+x+1; ·) evaluated at the larger of α, β. Both ₂F₁ values and the difference
//! between them stay in log space ([`ln_hyp2f1`], [`log_sub_exp`]), which is what keeps large
//! x, t_x and T (10⁴) finite where a linear-space ₂F₁ overflows.
//!
//! # The fit's gradient is analytic
//!
//! Each customer's log-likelihood is ln Γ(r+x) − ln Γ(r) plus the log of a sum of two terms:
//! the closed-form survival term, and s/(r+s+x)·A₀ with A₀ = G(t_x) − G(T), where
//! ln G(w) = ln ₂F₁(r+s+x, b; r+s+x+1; z) + power terms, b = s+1 or r+x, z = |α−β|/(max(α,β)+w)
//! (see `ParetoNbd::ln_g`). Everything outside ₂F₁ is differentiated in closed form; ₂F₁ is
//! differentiated w.r.t. its first parameter (with the third), its second and z by
//! `hyp2f1_grad`, which returns [`ln_hyp2f1`]'s value to the last bit and takes the derivatives
//! from the form that is cheap and accurate where the parameters are:
//! * z ≤ 0.9 (α and β within a factor 10, every fit on ordinary data): the same power series
//!   as the value, each term's parameter derivatives (running sums of 1/(a+j)) summed
//!   alongside, for three extra divisions per term;
//! * z > 0.9: the connection formula in 1 − z, which for c = a+1 is a closed-form term and one
//!   series in 1 − z (their derivatives need ψ differences, taken without cancellation at
//!   r, s ~ 10⁸), or, where it cancels or b is near an integer, the means of ∂L/∂θ over the
//!   nodes of the Euler-integral quadrature that `special` uses for the value.
//!
//! One pass gives the value and the gradient, each G once per distinct (x, t_x) and (x, T)
//! pair: about twice the cost of the value alone, where the central differences used before
//! cost nine values (CDNOW: fit 31 ms → 5 ms). The derivatives agree with five-point stencils
//! of the likelihood to ~1e-11 on CDNOW and with mpmath near z = 1, and where ln G is the
//! difference of two terms ~10⁸ (r ~ 10⁸) they are better than the stencils, whose steps
//! magnify the value's rounding (unit tests). A pair for which `hyp2f1_grad` has no answer
//! (arguments out of range) falls back to a five-point stencil of ln G alone.
//!
//! Large fits (over 10,000 patterns) start from a stride sample of the patterns and finish
//! with Newton steps using the sample's Hessian, as BG/NBD does (`model::fit_patterns`).

use rustc_hash::FxHashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::{Patterns, sum_chunks_sized};
use crate::hyp2f1_grad::ln_hyp2f1_shifted_with_grad;
use crate::optimize::Objective;
use crate::special::{
    digamma, ln_beta, ln_gamma, ln_gamma_diff, ln_hyp2f1, log_add_exp, log_sub_exp,
};

/// Pareto/NBD parameters (λ ~ Gamma(r, α), μ ~ Gamma(s, β)).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParetoNbd {
    pub r: f64,
    pub alpha: f64,
    pub s: f64,
    pub beta: f64,
}

impl ParetoNbd {
    /// ln(α^r β^s A₀), A₀ of the note: ₂F₁(..;z₁)/(m+t_x)^{r+s+x} − ₂F₁(..;z₂)/(m+T)^{r+s+x},
    /// m = max(α, β). −inf when t_x = T. The factor α^r β^s is folded in term by term (see
    /// [`Self::ln_g`]) because r ln α and (r+s+x) ln(m+t) cancel: at r ~ 10⁸ (a base of
    /// perfectly regular buyers drives r and α to infinity) the unshifted sum lost every digit.
    #[inline]
    pub(crate) fn ln_a0_scaled(&self, x: f64, tx: f64, t: f64) -> f64 {
        log_sub_exp(self.ln_g(x, tx), self.ln_g(x, t))
    }

    /// One of the two terms of α^r β^s A₀:
    /// ln[₂F₁(r+s+x, b; r+s+x+1; |α−β|/(m+w)) · α^r β^s / (m+w)^{r+s+x}] with b = s+1 when
    /// α ≥ β and b = r+x otherwise; the power terms as r·ln(1 + w/α) etc., without cancellation.
    #[inline]
    fn ln_g(&self, x: f64, w: f64) -> f64 {
        let ParetoNbd { r, alpha, s, beta } = *self;
        let n = r + s + x;
        if alpha >= beta {
            let mw = alpha + w;
            ln_hyp2f1(n, s + 1.0, n + 1.0, (alpha - beta) / mw)
                - r * (w / alpha).ln_1p()
                - x * mw.ln()
                - s * (mw.ln() - beta.ln())
        } else {
            let mw = beta + w;
            ln_hyp2f1(n, r + x, n + 1.0, (beta - alpha) / mw)
                - s * (w / beta).ln_1p()
                - x * mw.ln()
                - r * (mw.ln() - alpha.ln())
        }
    }

    /// [`Self::ln_g`] (the same value, to the last bit) with its gradient w.r.t. (r, α, s, β).
    ///
    /// ln G = H(n, b, z) + power terms, H = ln ₂F₁(n, b; n+1; z), n = r+s+x, z = |α−β|/(m+w):
    /// the chain rule through n, b and z on top of H's own partials from
    /// [`ln_hyp2f1_shifted_with_grad`]. Where that has no answer (arguments out of its range,
    /// such as b or z underflowing to 0), a five-point stencil of ln G alone.
    #[inline]
    fn ln_g_with_grad(&self, x: f64, w: f64) -> (f64, [f64; 4]) {
        let ParetoNbd { r, alpha, s, beta } = *self;
        let n = r + s + x;
        if alpha >= beta {
            let mw = alpha + w;
            let z = (alpha - beta) / mw;
            if let Some((h, [hn, hb, hz])) = ln_hyp2f1_shifted_with_grad(n, s + 1.0, z) {
                let (ln_mw, l1) = (mw.ln(), (w / alpha).ln_1p());
                let v = h - r * l1 - x * ln_mw - s * (ln_mw - beta.ln());
                let grad = [
                    hn - l1,
                    hz * (beta + w) / (mw * mw) + r * w / (alpha * mw) - (x + s) / mw,
                    hn + hb - (ln_mw - beta.ln()),
                    -hz / mw + s / beta,
                ];
                return (v, grad);
            }
        } else {
            let mw = beta + w;
            let z = (beta - alpha) / mw;
            if let Some((h, [hn, hb, hz])) = ln_hyp2f1_shifted_with_grad(n, r + x, z) {
                let (ln_mw, l1) = (mw.ln(), (w / beta).ln_1p());
                let v = h - s * l1 - x * ln_mw - r * (ln_mw - alpha.ln());
                let grad = [
                    hn + hb - (ln_mw - alpha.ln()),
                    -hz / mw + r / alpha,
                    hn - l1,
                    hz * (alpha + w) / (mw * mw) + s * w / (beta * mw) - (x + r) / mw,
                ];
                return (v, grad);
            }
        }
        (self.ln_g(x, w), self.ln_g_numeric_grad(x, w))
    }

    /// ∂ ln G/∂(r, α, s, β) by a five-point stencil in the log-parameters (h = 1e-3, error
    /// O(h⁴) ~ 1e-12): the fallback of [`Self::ln_g_with_grad`]. Not central differences with
    /// a small step: ₂F₁ values near z = 1 carry relative errors of 1e-13 and more, and at
    /// r ~ 10⁸ ln G is ~10³, which a 1e-5 step magnified to ~1e-5 in the gradient.
    #[cold]
    fn ln_g_numeric_grad(&self, x: f64, w: f64) -> [f64; 4] {
        let h = 1e-3;
        let p = [self.r, self.alpha, self.s, self.beta];
        let at = |i: usize, d: f64| {
            let mut q = p;
            q[i] *= d.exp();
            let m = ParetoNbd {
                r: q[0],
                alpha: q[1],
                s: q[2],
                beta: q[3],
            };
            m.ln_g(x, w)
        };
        std::array::from_fn(|i| {
            let five = -at(i, 2.0 * h) + 8.0 * at(i, h) - 8.0 * at(i, -h) + at(i, -2.0 * h);
            five / (12.0 * h * p[i])
        })
    }

    /// ln[α^r β^s / ((α+T)^{r+x} (β+T)^s)] without the cancellation of its large terms.
    #[inline]
    fn ln_survive_scaled(&self, x: f64, t: f64) -> f64 {
        let ParetoNbd { r, alpha, s, beta } = *self;
        -r * (t / alpha).ln_1p() - x * (alpha + t).ln() - s * (t / beta).ln_1p()
    }

    /// Log-likelihood of one customer (the same kernel as the fit, on one pattern).
    pub fn log_likelihood(&self, x: f64, tx: f64, t: f64) -> f64 {
        let obj = ParetoNbdObjective::new(Patterns::new(&[x], &[tx], &[t], None));
        obj.ll(&[self.r, self.alpha, self.s, self.beta], None)
    }

    /// P(alive at T | x, t_x, T).
    pub fn p_alive(&self, x: f64, tx: f64, t: f64) -> f64 {
        let ParetoNbd { r, s, .. } = *self;
        let lo =
            s.ln() - (r + s + x).ln() - self.ln_survive_scaled(x, t) + self.ln_a0_scaled(x, tx, t);
        if lo > 0.0 {
            let e = (-lo).exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + lo.exp())
        }
    }

    /// (1 − (β/(β+t))^{s−1})/(s−1) with its s → 1 limit ln((β+t)/β).
    fn dropout_integral(s: f64, beta: f64, t: f64) -> f64 {
        let l = (beta / (beta + t)).ln();
        if (s - 1.0).abs() < 1e-8 {
            -l
        } else {
            -((s - 1.0) * l).exp_m1() / (s - 1.0)
        }
    }

    /// Unconditional E[X(t)] = rβ/(α(s−1))·[1 − (β/(β+t))^{s−1}].
    pub fn expected_purchases(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        self.r * self.beta / self.alpha * Self::dropout_integral(self.s, self.beta, t)
    }

    /// E[Y(t) | x, t_x, T] = (r+x)(β+T)/((α+T)(s−1))·[1 − ((β+T)/(β+T+t))^{s−1}]·P(alive).
    pub fn conditional_expected_purchases(&self, t: f64, x: f64, tx: f64, big_t: f64) -> f64 {
        self.p_alive(x, tx, big_t) * self.expected_purchases_if_alive(t, x, big_t)
    }

    /// P(X(t) = n) for a newly acquired customer (Fader & Hardie 2006, "Deriving an Expression
    /// for P(X(t) = x) Under the Pareto/NBD Model"): the conditional form below at
    /// x = t_x = T = 0, where the likelihood is 1.
    pub fn prob_n_purchases(&self, t: f64, n: u32) -> f64 {
        self.conditional_prob_n_purchases(t, n, 0.0, 0.0, 0.0)
    }

    /// P(X(T, T+t) = n | x, t_x, T): n purchases in the next t (eq. 16 of Fader & Hardie's
    /// note 028 on the Pareto/NBD conditional PMF, the form lifetimes implements). Three parts: dead already at T (n = 0 only),
    /// alive through T+t with n purchases, and dying inside (T, T+t] after n purchases. The last
    /// is a difference of two ₂F₁ expressions, taken in log space.
    pub fn conditional_prob_n_purchases(&self, t: f64, n: u32, x: f64, tx: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return if n == 0 { 1.0 } else { 0.0 };
        }
        let ParetoNbd { r, alpha, s, beta } = *self;
        let nn = f64::from(n);
        let ln_l = self.log_likelihood(x, tx, big_t);
        let ln_prior = r * alpha.ln() + s * beta.ln() - ln_gamma(r) - ln_l;
        let survive = ln_prior + ln_gamma(r + x + nn) - ln_gamma(nn + 1.0) + nn * t.ln()
            - (r + x + nn) * (alpha + big_t + t).ln()
            - s * (beta + big_t + t).ln();
        let (m, d, b2) = if alpha >= beta {
            (alpha, alpha - beta, s + 1.0)
        } else {
            (beta, beta - alpha, r + x + nn)
        };
        let a1 = r + s + x;
        let c = a1 + nn + 1.0;
        let k = ln_prior + ln_gamma(a1) - ln_gamma(s) + ln_beta(r + x + nn, s + 1.0);
        let upper = ln_hyp2f1(a1, b2, c, d / (m + big_t)) - a1 * (m + big_t).ln();
        let mt = m + big_t + t;
        let (ln_mt, ln_t, z) = (mt.ln(), t.ln(), d / mt);
        let mut lower = f64::NEG_INFINITY;
        // ln[Γ(a1+i)/Γ(a1) · t^i / i!], built up term by term.
        let mut ln_coef = 0.0;
        for i in 0..=n {
            let fi = f64::from(i);
            if i > 0 {
                ln_coef += (a1 + fi - 1.0).ln() + ln_t - fi.ln();
            }
            let term = ln_coef + ln_hyp2f1(a1 + fi, b2, c, z) - (a1 + fi) * ln_mt;
            lower = log_add_exp(lower, term);
        }
        let mut p = log_add_exp(survive, k + log_sub_exp(upper, lower)).exp();
        if n == 0 {
            let alive = ln_prior + ln_gamma(r + x)
                - (r + x) * (alpha + big_t).ln()
                - s * (beta + big_t).ln();
            p += -alive.min(0.0).exp_m1();
        }
        p.clamp(0.0, 1.0)
    }

    /// The same without P(alive): expected purchases in (T, T+t] of a customer alive at T.
    pub fn expected_purchases_if_alive(&self, t: f64, x: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let ParetoNbd { r, alpha, s, beta } = *self;
        let bt = beta + big_t;
        (r + x) * bt / (alpha + big_t) * Self::dropout_integral(s, bt, t)
    }
}

pub(crate) struct ParetoNbdObjective {
    patterns: Patterns,
    /// Distinct (x, t_x) and (x, T) pairs, and each pattern's index into them.
    x_tx: Vec<(f64, f64)>,
    x_t: Vec<(f64, f64)>,
    pat_x_tx: Vec<u32>,
    pat_x_t: Vec<u32>,
}

impl ParetoNbdObjective {
    pub fn new(patterns: Patterns) -> Self {
        let mut x_tx = Vec::new();
        let mut pat_x_tx = Vec::with_capacity(patterns.len());
        let mut x_t = Vec::new();
        let mut pat_x_t = Vec::with_capacity(patterns.len());
        let mut seen: FxHashMap<(u64, u64), u32> = FxHashMap::default();
        for i in 0..patterns.len() {
            let (x, tx, t) = (patterns.x[i], patterns.tx[i], patterns.t[i]);
            // Patterns are sorted by (x, t_x, T), so equal (x, t_x) are adjacent.
            if x_tx.last() != Some(&(x, tx)) {
                x_tx.push((x, tx));
            }
            pat_x_tx.push((x_tx.len() - 1) as u32);
            let id = *seen.entry((x.to_bits(), t.to_bits())).or_insert_with(|| {
                x_t.push((x, t));
                (x_t.len() - 1) as u32
            });
            pat_x_t.push(id);
        }
        Self {
            patterns,
            x_tx,
            x_t,
            pat_x_tx,
            pat_x_t,
        }
    }
}

/// Patterns from which the likelihood is summed in parallel, and patterns per rayon task. A
/// Pareto/NBD pattern costs ~4 transcendental functions in the gradient pass, several times a
/// BG/NBD one, so already a 20k-customer base (6,000 patterns) is worth splitting in chunks.
/// The value-only and the gradient pass use the same chunks: they sum in the same order.
const PARALLEL_MIN: usize = 4096;
const CHUNK: usize = 2048;
/// Pairs (x, t) from which ln G is evaluated in parallel (~0.2 µs each with its gradient).
const PAIRS_PARALLEL_MIN: usize = 1024;

/// ln G over a list of (x, w) pairs, in parallel when long.
fn ln_g_all(m: &ParetoNbd, pairs: &[(f64, f64)]) -> Vec<f64> {
    if pairs.len() < PAIRS_PARALLEL_MIN {
        pairs.iter().map(|&(x, w)| m.ln_g(x, w)).collect()
    } else {
        pairs.par_iter().map(|&(x, w)| m.ln_g(x, w)).collect()
    }
}

/// ln G and its gradient over a list of (x, w) pairs, in parallel when long.
fn ln_g_grad_all(m: &ParetoNbd, pairs: &[(f64, f64)]) -> Vec<(f64, [f64; 4])> {
    if pairs.len() < PAIRS_PARALLEL_MIN {
        pairs.iter().map(|&(x, w)| m.ln_g_with_grad(x, w)).collect()
    } else {
        pairs
            .par_iter()
            .with_min_len(256)
            .map(|&(x, w)| m.ln_g_with_grad(x, w))
            .collect()
    }
}

/// ∂/∂r [ln Γ(r+x) − ln Γ(r)]: the sum Σ_{j<x} 1/(r+j) where [`ln_gamma_diff`] sums logs
/// (whole x up to 1,000), ψ(r+x) − ψ(r) elsewhere.
fn digamma_diff(r: f64, x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    if x.fract() == 0.0 && x <= 1000.0 {
        let mut acc = 0.0;
        let mut j = 0.0;
        while j < x {
            acc += 1.0 / (r + j);
            j += 1.0;
        }
        return acc;
    }
    digamma(r + x) - digamma(r)
}

impl ParetoNbdObjective {
    /// The log-likelihood and its gradient in one pass. The value is computed with the same
    /// operations, in the same order, as the value-only path of [`Objective::ll`], so both give
    /// the same number to the last bit (the optimizer's line search mixes them).
    fn ll_with_grad(&self, m: &ParetoNbd, grad: &mut [f64]) -> f64 {
        let ParetoNbd { r, alpha, s, beta } = *m;
        let pat = &self.patterns;
        // Per distinct x: ln Γ(r+x) − ln Γ(r), its r-derivative, ln(r+s+x) and 1/(r+s+x).
        let per_x: Vec<[f64; 4]> = pat
            .group_x
            .iter()
            .map(|&x| {
                let n = r + s + x;
                [ln_gamma_diff(r, x), digamma_diff(r, x), n.ln(), 1.0 / n]
            })
            .collect();
        let g1 = ln_g_grad_all(m, &self.x_tx);
        let g2 = ln_g_grad_all(m, &self.x_t);
        let (ln_s, inv_s) = (s.ln(), 1.0 / s);
        // Per distinct time: ln(α+t), ln(1+t/α), ln(1+t/β) and the α and β derivatives' factors.
        let per_time: Vec<[f64; 6]> = pat
            .times
            .iter()
            .map(|&t| {
                let (at, bt) = (alpha + t, beta + t);
                [
                    at.ln(),
                    (t / alpha).ln_1p(),
                    (t / beta).ln_1p(),
                    t / (alpha * at),
                    1.0 / at,
                    t / (beta * bt),
                ]
            })
            .collect();
        let sums = sum_chunks_sized::<5, _>(pat.len(), PARALLEL_MIN, CHUNK, |rg| {
            let mut acc = [0.0; 5];
            for i in rg {
                let (x, wi) = (pat.x[i], pat.w[i]);
                let [ln_at, l1a, l1b, ta, inv_at, tb] = per_time[pat.t_idx[i] as usize];
                let [c, dc, ln_n, inv_n] = per_x[pat.group[i] as usize];
                // first = ln[α^r β^s/((α+T)^{r+x}(β+T)^s)], as in the value-only path.
                let first = -(r * l1a) - x * ln_at - s * l1b;
                let d_first = [-l1a, r * ta - x * inv_at, -l1b, s * tb];
                let (ga, da) = &g1[self.pat_x_tx[i] as usize];
                let (gb, db) = &g2[self.pat_x_t[i] as usize];
                // ln_a0 = log_sub_exp(ga, gb), written out to reuse e^{gb−ga} − 1 for
                // ∇ ln(e^{ga} − e^{gb}) = (∇ga − e^{gb−ga} ∇gb)/(1 − e^{gb−ga}); the term is
                // absent when t_x = T.
                let mut d_second = [-inv_n, 0.0, inv_s - inv_n, 0.0];
                let ln_a0 = if gb >= ga {
                    f64::NEG_INFINITY
                } else {
                    let em1 = (gb - ga).exp_m1();
                    let (e, inv_den) = (em1 + 1.0, -1.0 / em1);
                    for k in 0..4 {
                        d_second[k] += (da[k] - e * db[k]) * inv_den;
                    }
                    ga + (-em1).ln()
                };
                let second = ln_s - ln_n + ln_a0;
                // log_add_exp(first, second) written out; its derivative weighs the two terms'
                // gradients by their shares e^{term − total}.
                let (hi, lo) = if first >= second {
                    (first, second)
                } else {
                    (second, first)
                };
                let (total, w_hi, w_lo) = if hi == f64::NEG_INFINITY {
                    (hi, 0.0, 0.0)
                } else {
                    let e = (lo - hi).exp();
                    let w_hi = 1.0 / (1.0 + e);
                    (hi + e.ln_1p(), w_hi, e * w_hi)
                };
                let (w1, w2) = if first >= second {
                    (w_hi, w_lo)
                } else {
                    (w_lo, w_hi)
                };
                acc[0] += wi * (c + total);
                for k in 0..4 {
                    acc[k + 1] += wi * (w1 * d_first[k] + w2 * d_second[k]);
                }
                acc[1] += wi * dc;
            }
            acc
        });
        grad[..4].copy_from_slice(&sums[1..]);
        sums[0]
    }
}

impl Objective for ParetoNbdObjective {
    fn ll(&self, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let m = ParetoNbd {
            r: p[0],
            alpha: p[1],
            s: p[2],
            beta: p[3],
        };
        if let Some(g) = grad {
            return self.ll_with_grad(&m, g);
        }
        let ParetoNbd { r, alpha, s, beta } = m;
        let pat = &self.patterns;
        let consts: Vec<f64> = pat.group_x.iter().map(|&x| ln_gamma_diff(r, x)).collect();
        let ln_n: Vec<f64> = pat.group_x.iter().map(|&x| (r + s + x).ln()).collect();
        let g1 = ln_g_all(&m, &self.x_tx);
        let g2 = ln_g_all(&m, &self.x_t);
        let ln_s = s.ln();
        let ln_at: Vec<f64> = pat.times.iter().map(|t| (alpha + t).ln()).collect();
        let r_at: Vec<f64> = pat.times.iter().map(|t| r * (t / alpha).ln_1p()).collect();
        let s_bt: Vec<f64> = pat.times.iter().map(|t| s * (t / beta).ln_1p()).collect();
        sum_chunks_sized::<1, _>(pat.len(), PARALLEL_MIN, CHUNK, |rg| {
            let mut acc = 0.0;
            for i in rg {
                let (x, ti) = (pat.x[i], pat.t_idx[i] as usize);
                // Both terms carry the factor α^r β^s (see `ParetoNbd::ln_g`).
                let first = -r_at[ti] - x * ln_at[ti] - s_bt[ti];
                let ln_a0 =
                    log_sub_exp(g1[self.pat_x_tx[i] as usize], g2[self.pat_x_t[i] as usize]);
                let gi = pat.group[i] as usize;
                let second = ln_s - ln_n[gi] + ln_a0;
                acc += pat.w[i] * (consts[gi] + log_add_exp(first, second));
            }
            [acc]
        })[0]
    }
    fn has_gradient(&self) -> bool {
        true
    }
    fn total_weight(&self) -> f64 {
        self.patterns.total_weight
    }
}

pub(crate) fn starts(t_mean: f64) -> Vec<Vec<f64>> {
    let scale = t_mean.max(1e-3);
    vec![
        vec![0.5, scale / 4.0, 0.5, scale / 4.0],
        vec![1.0, 1.0, 1.0, 1.0],
        vec![0.2, scale, 1.0, scale],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::cdnow_patterns;
    use crate::optimize::{FitOptions, minimize};

    /// Customers from the hard regions of the likelihood: many purchases, t_x and T up to
    /// 2.5·10⁴, t_x = T, and one-time buyers.
    fn hard_patterns() -> Patterns {
        let (mut x, mut tx, mut t) = (Vec::new(), Vec::new(), Vec::new());
        for &xi in &[0.0, 1.0, 3.0, 20.0, 150.0, 600.0] {
            for &ti in &[0.5, 7.0, 52.0, 800.0, 1e4, 2.5e4] {
                for &f in &[0.0, 0.3, 0.97, 1.0] {
                    if (xi == 0.0) != (f == 0.0) {
                        continue;
                    }
                    x.push(xi);
                    tx.push(ti * f);
                    t.push(ti);
                }
            }
        }
        Patterns::new(&x, &tx, &t, None)
    }

    /// The analytic gradient of the mean log-likelihood in log-parameters against five-point
    /// stencils (h = 1e-3 and 2e-3, error O(h⁴)) of the value-only path, and the value of the
    /// gradient path against the value-only path (the same bits). Returns the largest
    /// difference between the analytic gradient and the h = 1e-3 stencil, and between the two
    /// stencils (the stencil's own noise), both relative to 1 + |stencil|.
    fn check_gradient(obj: &ParetoNbdObjective, p: [f64; 4]) -> (f64, f64) {
        let w = obj.total_weight();
        let mut g = [0.0; 4];
        let with_grad = obj.ll(&p, Some(&mut g));
        let value = obj.ll(&p, None);
        assert_eq!(with_grad.to_bits(), value.to_bits(), "{p:?}");
        let (mut worst, mut noise): (f64, f64) = (0.0, 0.0);
        for i in 0..4 {
            let at = |d: f64| {
                let mut q = p;
                q[i] *= d.exp();
                obj.ll(&q, None) / w
            };
            let five =
                |h: f64| (-at(2.0 * h) + 8.0 * at(h) - 8.0 * at(-h) + at(-2.0 * h)) / (12.0 * h);
            let (f1, f2) = (five(1e-3), five(2e-3));
            let analytic = g[i] * p[i] / w;
            worst = worst.max((analytic - f1).abs() / (1.0 + f1.abs()));
            noise = noise.max((f2 - f1).abs() / (1.0 + f1.abs()));
        }
        (worst, noise)
    }

    #[test]
    fn gradient_matches_a_five_point_stencil() {
        let cdnow = ParetoNbdObjective::new(cdnow_patterns());
        // CDNOW at the published estimates, scaled, with α ≥ β and α < β, and α and β an
        // order of magnitude apart (z > 0.9 for small t: those pairs are differenced).
        for p in [
            [0.553, 10.58, 0.606, 11.67],
            [0.553 * 1.35, 10.58 * 1.35, 0.606 * 1.35, 11.67 * 1.35],
            [0.3, 20.0, 1.5, 5.0],
            [0.55, 3.0, 0.6, 30.0],
            [2.0, 200.0, 0.3, 2.0],
            [0.05, 0.5, 4.0, 80.0],
        ] {
            let (worst, noise) = check_gradient(&cdnow, p);
            println!("CDNOW {p:?}: {worst:e} (stencils differ by {noise:e})");
            assert!(worst < 1e-9, "CDNOW {p:?}: {worst:e}");
        }
        let hard = ParetoNbdObjective::new(hard_patterns());
        for p in [
            [0.553, 10.58, 0.606, 11.67],
            [5.0, 50.0, 2.0, 40.0],
            [1e8, 1e9, 0.01, 50.0],
            [1e-3, 1e-2, 1e-6, 1e3],
            [30.0, 3.0, 0.5, 1e4],
        ] {
            let (worst, noise) = check_gradient(&hard, p);
            println!("hard {p:?}: {worst:e} (stencils differ by {noise:e})");
            assert!(worst < 1e-8, "hard {p:?}: {worst:e}");
        }
        // r ~ 10⁸ with α < β: ln G is the difference of two terms ~10⁸ (ln ₂F₁ and r ln((β+w)/α)),
        // so the likelihood itself carries ~1e-8 of absolute noise, which the stencils magnify
        // to ~1e-6 (they disagree with each other by that much). The analytic gradient has no
        // such cancellation; it must agree with them within their own noise.
        let p = [1e8, 1e9, 3.0, 2e9];
        let (worst, noise) = check_gradient(&hard, p);
        println!("hard {p:?}: {worst:e} (stencils differ by {noise:e})");
        assert!(
            worst < 1e-8 + 4.0 * noise,
            "hard {p:?}: {worst:e} vs noise {noise:e}"
        );
    }

    /// The objective with the gradient left to the optimizer's central differences: the
    /// Pareto/NBD fit as it was before the analytic gradient.
    struct NumericGradient<'a>(&'a ParetoNbdObjective);

    impl Objective for NumericGradient<'_> {
        fn ll(&self, p: &[f64], _grad: Option<&mut [f64]>) -> f64 {
            self.0.ll(p, None)
        }
        fn has_gradient(&self) -> bool {
            false
        }
        fn total_weight(&self) -> f64 {
            self.0.total_weight()
        }
    }

    fn rel_diff(a: &[f64], b: &[f64]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x / y - 1.0).abs())
            .fold(0.0, f64::max)
    }

    /// The fit gives the estimates it gave before the analytic gradient: on CDNOW the numbers
    /// the numeric-gradient fit printed (2026-12-07, commit 774268e), the same fit run here
    /// through [`NumericGradient`], and Fader & Hardie's published r = 0.55, α = 10.58,
    /// s = 0.61, β = 11.67.
    #[test]
    fn fit_gives_the_estimates_of_the_numeric_gradient() {
        let patterns = cdnow_patterns();
        let starts = starts(patterns.mean_t());
        let obj = ParetoNbdObjective::new(patterns);
        let opts = FitOptions::default();
        let analytic = minimize(&obj, &starts, &opts).expect("fit");
        let numeric = minimize(&NumericGradient(&obj), &starts, &opts).expect("fit");
        let before = [
            0.553_275_487_778_253_6,
            10.577_612_526_063_59,
            0.606_213_142_454_755_2,
            11.667_900_995_851_943,
        ];
        println!(
            "analytic {:?} ({} iterations), numeric {:?} ({} iterations)",
            analytic.params, analytic.iterations, numeric.params, numeric.iterations
        );
        assert!(analytic.converged && numeric.converged);
        assert!(rel_diff(&analytic.params, &numeric.params) < 1e-6);
        assert!(rel_diff(&analytic.params, &before) < 1e-6);
        assert!((analytic.log_likelihood - -9_594.973_929_826_865).abs() < 1e-6);
        let published = [0.55, 10.58, 0.61, 11.67];
        assert!(rel_diff(&analytic.params, &published) < 0.01);
    }

    /// The same for more than 10k patterns (CDNOW 16 times over with T shifted by whole
    /// days), where `fit` starts from a sample and finishes with the sample's Hessian.
    #[test]
    fn large_fit_gives_the_estimates_of_the_numeric_gradient() {
        let cd = cdnow_patterns();
        let (mut x, mut tx, mut t, mut w) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for k in 0..16 {
            for i in 0..cd.len() {
                x.push(cd.x[i]);
                tx.push(cd.tx[i]);
                t.push(cd.t[i] + f64::from(k) / 7.0);
                w.push(cd.w[i]);
            }
        }
        let data = crate::ClvData::rft(x.clone(), tx.clone(), t.clone()).with_weights(w.clone());
        let fit = crate::fit(crate::Model::ParetoNbd, &data, &FitOptions::default()).expect("fit");
        let got: Vec<f64> = fit.params.iter().map(|p| p.1).collect();
        let patterns = Patterns::new(&x, &tx, &t, Some(&w));
        assert!(patterns.len() > 10_000, "{} patterns", patterns.len());
        let obj = ParetoNbdObjective::new(patterns);
        let starts = starts(obj.patterns.mean_t());
        let numeric =
            minimize(&NumericGradient(&obj), &starts, &FitOptions::default()).expect("fit");
        println!("fit {got:?}, numeric {:?}", numeric.params);
        assert!(fit.converged && numeric.converged);
        // s and β are strongly correlated here (a flat ridge): a gradient norm of 1e-6 leaves
        // them uncertain to ~3e-6, on both fits.
        assert!(rel_diff(&got, &numeric.params) < 1e-5);
        assert!((fit.log_likelihood - numeric.log_likelihood).abs() < 1e-6);
    }
}
