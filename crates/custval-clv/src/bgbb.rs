//! BG/BB (Fader, Hardie & Shang 2010): discrete transaction opportunities. While alive a
//! customer transacts at each opportunity with probability p ~ Beta(α, β) and dies before the
//! next one with probability θ ~ Beta(γ, δ). Data come as (x, t_x, n) patterns with counts.

use serde::{Deserialize, Serialize};

use crate::data::Patterns;
use crate::optimize::Objective;
use crate::special::{ln_beta, ln_gamma, log_add_exp};

/// BG/BB parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BgBb {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub delta: f64,
}

impl BgBb {
    /// Log-likelihood of one customer with x transactions, the last at opportunity t_x, out of n.
    pub fn log_likelihood(&self, x: f64, tx: f64, n: f64) -> f64 {
        let BgBb {
            alpha,
            beta,
            gamma,
            delta,
        } = *self;
        let lb_ab = ln_beta(alpha, beta);
        let lb_gd = ln_beta(gamma, delta);
        let mut ll = ln_beta(alpha + x, beta + n - x) - lb_ab + ln_beta(gamma, delta + n) - lb_gd;
        // Died after opportunity t_x + i, i = 0 … n − t_x − 1.
        let extra = (n - tx).max(0.0) as u64;
        for i in 0..extra {
            let i = i as f64;
            let term = ln_beta(alpha + x, beta + tx - x + i) - lb_ab
                + ln_beta(gamma + 1.0, delta + tx + i)
                - lb_gd;
            ll = log_add_exp(ll, term);
        }
        ll
    }

    /// P(alive at opportunity n+1 | x, t_x, n).
    pub fn p_alive(&self, x: f64, tx: f64, n: f64) -> f64 {
        let BgBb {
            alpha,
            beta,
            gamma,
            delta,
        } = *self;
        let num = ln_beta(alpha + x, beta + n - x) - ln_beta(alpha, beta)
            + ln_beta(gamma, delta + n + 1.0)
            - ln_beta(gamma, delta);
        (num - self.log_likelihood(x, tx, n)).exp().clamp(0.0, 1.0)
    }

    /// δ/(γ−1)·Γ(γ+δ)/Γ(1+δ)·[Γ(1+δ+m)/Γ(γ+δ+m) − Γ(1+δ+m+k)/Γ(γ+δ+m+k)]: the expected number
    /// of opportunities alive in (m, m+k], up to the beta-binomial factor. γ = 1 is a removable
    /// singularity; it is stepped around by 1e-7.
    fn alive_opportunities(&self, m: f64, k: f64) -> f64 {
        let delta = self.delta;
        let mut gamma = self.gamma;
        if (gamma - 1.0).abs() < 1e-7 {
            gamma = 1.0 + 1e-7;
        }
        let base = ln_gamma(gamma + delta) - ln_gamma(1.0 + delta);
        let u = base + ln_gamma(1.0 + delta + m) - ln_gamma(gamma + delta + m);
        let v = base + ln_gamma(1.0 + delta + m + k) - ln_gamma(gamma + delta + m + k);
        // (e^u − e^v)/(γ−1) ≥ 0 for either sign of γ − 1.
        delta * u.exp() * (-(v - u).exp_m1()) / (gamma - 1.0)
    }

    /// Unconditional E[X(n)]: transactions of a new customer in the first n opportunities.
    pub fn expected_purchases(&self, n: f64) -> f64 {
        let p = self.alpha / (self.alpha + self.beta);
        (p * self.alive_opportunities(0.0, n)).max(0.0)
    }

    /// P(X(n) = x): probability that a new customer makes x transactions in the first n
    /// opportunities (FHS 2010 eq. 7): alive throughout, or dead after opportunity i ≥ x having
    /// made all x before. `n` is rounded down to whole opportunities.
    pub fn prob_n_purchases(&self, n: f64, x: u32) -> f64 {
        let BgBb {
            alpha,
            beta,
            gamma,
            delta,
        } = *self;
        let n = n.floor();
        let xf = f64::from(x);
        if n.is_nan() || n < xf {
            return 0.0;
        }
        let lb_ab = ln_beta(alpha, beta);
        let lb_gd = ln_beta(gamma, delta);
        let ln_choose = |m: f64| ln_gamma(m + 1.0) - ln_gamma(xf + 1.0) - ln_gamma(m - xf + 1.0);
        let mut acc = ln_choose(n) + ln_beta(alpha + xf, beta + n - xf) - lb_ab
            + ln_beta(gamma, delta + n)
            - lb_gd;
        let mut i = xf;
        while i < n {
            let term = ln_choose(i) + ln_beta(alpha + xf, beta + i - xf) - lb_ab
                + ln_beta(gamma + 1.0, delta + i)
                - lb_gd;
            acc = log_add_exp(acc, term);
            i += 1.0;
        }
        acc.exp().clamp(0.0, 1.0)
    }

    /// E[X(n, n+k) | x, t_x, n]: expected transactions in the next k opportunities.
    pub fn conditional_expected_purchases(&self, k: f64, x: f64, tx: f64, n: f64) -> f64 {
        self.p_alive(x, tx, n) * self.expected_purchases_if_alive(k, x, n)
    }

    /// The same for a customer alive at opportunity n+1 (FHS 2010 eq. 13 divided by P(alive));
    /// it does not depend on t_x.
    pub fn expected_purchases_if_alive(&self, k: f64, x: f64, n: f64) -> f64 {
        if k <= 0.0 {
            return 0.0;
        }
        let BgBb {
            alpha,
            beta,
            gamma,
            delta,
        } = *self;
        // B(α+x+1, β+n−x) / [B(α+x, β+n−x) · B(γ, δ+n+1)/B(γ, δ)].
        let ln_ratio = ln_beta(alpha + x + 1.0, beta + n - x)
            - ln_beta(alpha + x, beta + n - x)
            - ln_beta(gamma, delta + n + 1.0)
            + ln_beta(gamma, delta);
        (ln_ratio.exp() * self.alive_opportunities(n, k)).max(0.0)
    }
}

pub(crate) struct BgBbObjective {
    pub patterns: Patterns,
}

impl Objective for BgBbObjective {
    fn ll(&self, p: &[f64], _grad: Option<&mut [f64]>) -> f64 {
        let m = BgBb {
            alpha: p[0],
            beta: p[1],
            gamma: p[2],
            delta: p[3],
        };
        let pat = &self.patterns;
        (0..pat.len())
            .map(|i| pat.w[i] * m.log_likelihood(pat.x[i], pat.tx[i], pat.t[i]))
            .sum()
    }
    fn has_gradient(&self) -> bool {
        false
    }
    fn total_weight(&self) -> f64 {
        self.patterns.total_weight
    }
}

pub(crate) fn starts() -> Vec<Vec<f64>> {
    vec![
        vec![1.0, 1.0, 1.0, 1.0],
        vec![0.5, 0.5, 0.5, 2.0],
        vec![2.0, 1.0, 1.0, 5.0],
    ]
}
