//! Shifted-beta-geometric contract model (Fader & Hardie 2007, "How to Project Customer
//! Retention"; DERL from Fader & Hardie 2010, "Customer-Base Valuation in a Contractual
//! Setting"). Each customer churns at the end of a period with probability θ ~ Beta(α, β).
//!
//! Input: the alive counts of one cohort, n₀ (cohort size), n₁, …, n_k, as in the paper's
//! tables. Per-customer churn periods reduce to these counts (n_t = customers whose contract
//! lasted more than t periods), so one form serves both.

use serde::{Deserialize, Serialize};

use crate::error::ClvError;
use crate::optimize::Objective;
use crate::special::{ln_beta, ln_hyp2f1};

/// sBG parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShiftedBetaGeometric {
    pub alpha: f64,
    pub beta: f64,
}

impl ShiftedBetaGeometric {
    /// S(t) = B(α, β+t)/B(α, β): share of the cohort still a customer after t periods.
    pub fn survival(&self, t: f64) -> f64 {
        (ln_beta(self.alpha, self.beta + t) - ln_beta(self.alpha, self.beta)).exp()
    }

    /// r_t = (β+t−1)/(α+β+t−1): share of those alive at t−1 who renew at t (t ≥ 1).
    pub fn retention(&self, t: f64) -> f64 {
        (self.beta + t - 1.0) / (self.alpha + self.beta + t - 1.0)
    }

    /// P(T = t): share of the cohort churning at the end of period t (t ≥ 1).
    pub fn churn_probability(&self, t: f64) -> f64 {
        (ln_beta(self.alpha + 1.0, self.beta + t - 1.0) - ln_beta(self.alpha, self.beta)).exp()
    }

    /// Discounted expected residual lifetime of a customer who has made `renewals` renewals
    /// (Fader & Hardie 2010, eq. 6 with n − 1 = renewals): the expected number of further
    /// payments, the next renewal undiscounted and each later one discounted by (1+d) per
    /// period — Σ_{t≥n} P(T > t | T > n−1)/(1+d)^{t−n}.
    pub fn derl(&self, discount_rate: f64, renewals: f64) -> Result<f64, ClvError> {
        if !(discount_rate.is_finite() && discount_rate > 0.0) {
            return Err(ClvError::InvalidOption {
                name: "discount_rate",
                reason: "DERL needs a finite discount rate > 0",
            });
        }
        let ShiftedBetaGeometric { alpha, beta } = *self;
        let n = renewals + 1.0;
        let ln_ratio = ln_beta(alpha, beta + n) - ln_beta(alpha, beta + n - 1.0);
        let z = 1.0 / (1.0 + discount_rate);
        Ok((ln_ratio + ln_hyp2f1(1.0, beta + n, alpha + beta + n, z)).exp())
    }
}

pub(crate) struct SbgObjective {
    pub alive: Vec<f64>,
}

/// Log-likelihood of alive counts n₀ … n_k (churners in each period, survivors censored).
pub(crate) fn sbg_ll(alpha: f64, beta: f64, alive: &[f64]) -> f64 {
    let mut ll = 0.0;
    let mut ln_s = 0.0; // ln S(t−1)
    for t in 1..alive.len() {
        let tf = t as f64;
        let den = alpha + beta + tf - 1.0;
        let ln_p = ln_s + (alpha / den).ln();
        ln_s += ((beta + tf - 1.0) / den).ln();
        ll += (alive[t - 1] - alive[t]) * ln_p;
    }
    if let Some(&last) = alive.last() {
        ll += last * ln_s;
    }
    ll
}

impl Objective for SbgObjective {
    fn ll(&self, p: &[f64], _grad: Option<&mut [f64]>) -> f64 {
        sbg_ll(p[0], p[1], &self.alive)
    }
    fn has_gradient(&self) -> bool {
        false
    }
    fn total_weight(&self) -> f64 {
        self.alive.first().copied().unwrap_or(1.0).max(1.0)
    }
}

pub(crate) fn validate(alive: &[f64]) -> Result<(), ClvError> {
    if alive.len() < 2 {
        return Err(ClvError::Empty(
            "sBG needs alive counts for at least two periods",
        ));
    }
    for (row, w) in alive.windows(2).enumerate() {
        if !(w[1].is_finite() && w[1] >= 0.0 && w[1] <= w[0]) {
            return Err(crate::data::invalid(
                row + 1,
                "alive",
                w[1],
                "alive counts must be finite, >= 0 and non-increasing",
            ));
        }
    }
    if !(alive[0] > 0.0 && alive[0].is_finite()) {
        return Err(crate::data::invalid(
            0,
            "alive",
            alive[0],
            "cohort size must be > 0",
        ));
    }
    Ok(())
}
