//! BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam, Denizel & Filiztekin 2007).
//!
//! Both share the Poisson–gamma purchase process (r, α) and a beta (a, b) dropout probability;
//! they differ only in when a customer may drop out: BG/NBD after each repeat purchase, MBG/NBD
//! also right after the first one (so a customer with x = 0 can be dead). One kernel serves
//! both, switched by `modified`.

use serde::{Deserialize, Serialize};

use crate::data::{Patterns, sum_chunks};
use crate::optimize::Objective;
use crate::special::{digamma, ln_beta, ln_gamma, ln_hyp2f1, ln_series_tail};

/// BG/NBD or MBG/NBD parameters (purchase rate ~ Gamma(r, α), dropout p ~ Beta(a, b)).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    /// `true` for MBG/NBD.
    pub modified: bool,
}

/// Per-distinct-x part of the log-likelihood and its gradient w.r.t. (r, α, a, b).
#[inline]
fn group_terms(p: &BgNbd, x: f64, with_grad: bool) -> (f64, [f64; 4]) {
    let BgNbd {
        r,
        alpha,
        a,
        b,
        modified,
    } = *p;
    // MBG/NBD's beta part is B(a, b+x+1)/B(a, b): one more survival step than BG/NBD.
    let bx = if modified { b + x + 1.0 } else { b + x };
    let c = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + ln_gamma(a + b) + ln_gamma(bx)
        - ln_gamma(b)
        - ln_gamma(a + bx);
    if !with_grad {
        return (c, [0.0; 4]);
    }
    let dab = digamma(a + b) - digamma(a + bx);
    (
        c,
        [
            digamma(r + x) - digamma(r) + alpha.ln(),
            r / alpha,
            dab,
            dab + digamma(bx) - digamma(b),
        ],
    )
}

/// Per-evaluation lookup tables: per distinct x the x-only terms, per distinct time ln(α+t)
/// and 1/(α+t).
struct Tables {
    /// (C(x), ∂C/∂(r, α, a, b), ln(b+x−1) or ln(b+x), 1/(that denominator)).
    groups: Vec<(f64, [f64; 4], f64, f64)>,
    ln_at: Vec<f64>,
    inv_at: Vec<f64>,
}

fn tables(m: &BgNbd, pat: &Patterns, with_grad: bool) -> Tables {
    let groups = pat
        .group_x
        .iter()
        .map(|&x| {
            let (c, dc) = group_terms(m, x, with_grad);
            // BG/NBD rows with x = 0 have no dropout term, and b + x − 1 may be ≤ 0 there.
            if !m.modified && x == 0.0 {
                return (c, dc, 0.0, 0.0);
            }
            let bden = if m.modified { m.b + x } else { m.b + x - 1.0 };
            (c, dc, bden.ln(), 1.0 / bden)
        })
        .collect();
    let ln_at = pat.times.iter().map(|t| (m.alpha + t).ln()).collect();
    let inv_at = if with_grad {
        pat.times.iter().map(|t| 1.0 / (m.alpha + t)).collect()
    } else {
        Vec::new()
    };
    Tables {
        groups,
        ln_at,
        inv_at,
    }
}

/// Weighted log-likelihood over `range` of the patterns, plus the gradient when `GRAD`.
/// Returns [ll, ∂r, ∂α, ∂a, ∂b]. Per pattern only one exp and one ln remain, for the
/// likelihood and the gradient alike; everything else is looked up.
#[inline]
fn kernel<const GRAD: bool>(
    p: &BgNbd,
    pat: &Patterns,
    tab: &Tables,
    range: std::ops::Range<usize>,
) -> [f64; 5] {
    let BgNbd { r, a, modified, .. } = *p;
    let ln_a = a.ln();
    let inv_a = 1.0 / a;
    let mut acc = [0.0; 5];
    let (xs, ws, gs) = (
        &pat.x[range.clone()],
        &pat.w[range.clone()],
        &pat.group[range.clone()],
    );
    let (tis, txis) = (&pat.t_idx[range.clone()], &pat.tx_idx[range]);
    for i in 0..xs.len() {
        let (x, w) = (xs[i], ws[i]);
        let (c, dc, ln_bden, inv_bden) = &tab.groups[gs[i] as usize];
        let (ti, txi) = (tis[i] as usize, txis[i] as usize);
        let rx = r + x;
        let lt = tab.ln_at[ti];
        let a3 = -rx * lt;
        // BG/NBD customers with x = 0 cannot have dropped out; MBG/NBD ones can.
        let has_a4 = modified || x > 0.0;
        let (ll, prob4, ltx) = if has_a4 {
            let ltx = tab.ln_at[txi];
            let a4 = ln_a - ln_bden - rx * ltx;
            // ln(e^a3 + e^a4) and the share e^a4/(e^a3 + e^a4) from one exp of the smaller
            // minus the larger (≤ 0, so no overflow) and one ln.
            let d = a4 - a3;
            let e = (-d.abs()).exp();
            let l = a3.max(a4) + (1.0 + e).ln();
            let share = if d > 0.0 { 1.0 } else { e } / (1.0 + e);
            (c + l, share, ltx)
        } else {
            (c + a3, 0.0, 0.0)
        };
        acc[0] += w * ll;
        if GRAD {
            let p3 = 1.0 - prob4;
            acc[1] += w * (dc[0] - p3 * lt - prob4 * ltx);
            acc[2] += w * (dc[1] - rx * (p3 * tab.inv_at[ti] + prob4 * tab.inv_at[txi]));
            acc[3] += w * (dc[2] + prob4 * inv_a);
            acc[4] += w * (dc[3] - prob4 * inv_bden);
        }
    }
    acc
}

/// Likelihood objective over compressed patterns.
pub(crate) struct BgNbdObjective {
    pub patterns: Patterns,
    pub modified: bool,
}

impl Objective for BgNbdObjective {
    fn ll(&self, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let m = BgNbd {
            r: p[0],
            alpha: p[1],
            a: p[2],
            b: p[3],
            modified: self.modified,
        };
        let pat = &self.patterns;
        let with_grad = grad.is_some();
        let tab = tables(&m, pat, with_grad);
        let acc = if with_grad {
            sum_chunks(pat.len(), |rg| kernel::<true>(&m, pat, &tab, rg))
        } else {
            sum_chunks(pat.len(), |rg| kernel::<false>(&m, pat, &tab, rg))
        };
        if let Some(g) = grad {
            g.copy_from_slice(&acc[1..5]);
        }
        acc[0]
    }
    fn has_gradient(&self) -> bool {
        true
    }
    fn total_weight(&self) -> f64 {
        self.patterns.total_weight
    }
}

impl BgNbd {
    pub(crate) fn starts(data_t_mean: f64) -> Vec<Vec<f64>> {
        let scale = data_t_mean.max(1e-3);
        vec![
            vec![0.5, scale / 5.0, 1.0, 2.0],
            vec![1.0, 1.0, 1.0, 1.0],
            vec![0.1, scale, 0.5, 5.0],
        ]
    }

    /// Log-likelihood of one customer.
    pub fn log_likelihood(&self, x: f64, tx: f64, t: f64) -> f64 {
        let pat = Patterns::new(&[x], &[tx], &[t], None);
        kernel::<false>(self, &pat, &tables(self, &pat, false), 0..1)[0]
    }

    /// ln of the odds term a/(b+x−1)·((α+T)/(α+t_x))^{r+x} that separates alive from dead.
    fn ln_dead_odds(&self, x: f64, tx: f64, t: f64) -> f64 {
        if !self.modified && x == 0.0 {
            return f64::NEG_INFINITY;
        }
        let bden = if self.modified {
            self.b + x
        } else {
            self.b + x - 1.0
        };
        self.a.ln() - bden.ln() + (self.r + x) * ((self.alpha + t).ln() - (self.alpha + tx).ln())
    }

    /// P(alive at T | x, t_x, T).
    pub fn p_alive(&self, x: f64, tx: f64, t: f64) -> f64 {
        let lo = self.ln_dead_odds(x, tx, t);
        // 1/(1+e^lo) computed without overflow.
        if lo > 0.0 {
            let e = (-lo).exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + lo.exp())
        }
    }

    /// E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] — P(alive) times
    /// [`Self::expected_purchases_if_alive`].
    pub fn conditional_expected_purchases(&self, t: f64, x: f64, tx: f64, big_t: f64) -> f64 {
        self.p_alive(x, tx, big_t) * self.expected_purchases_if_alive(t, x, big_t)
    }

    /// Expected purchases in (T, T+t] of a customer alive at T with x repeat purchases. It does
    /// not depend on t_x, so predictions compute it once per (x, T).
    pub fn expected_purchases_if_alive(&self, t: f64, x: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let BgNbd {
            r,
            alpha,
            a,
            b,
            modified,
        } = *self;
        let (aa, bb) = if modified { (a, b + 1.0) } else { (a, b) };
        // Both papers' forms: (a+b+x−1)/(a−1)·[1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z)]
        // (times P(alive)), with b → b+1 for MBG/NBD.
        let abx1 = aa + bb + x - 1.0;
        let z = t / (alpha + big_t + t);
        let ln_pow = (r + x) * ((alpha + big_t).ln() - (alpha + big_t + t).ln());
        if abx1 <= 0.0 {
            // Only x = 0 with a + b ≤ 1 (so a < 1): c = a+b−1 ∈ (−1, 0] makes the series'
            // terms negative. Pulling c into the sum, c·[1 − F·₂F₁] = c(1 − F) − F·Σ_{j≥1} u_j
            // with u_j = (A)_j (B)_j z^j / ((c+1)_{j−1} j!) all positive, so
            // E = [F·Σ u_j − c(1 − F)] / (1 − a).
            let (ra, rb) = (r + x, bb + x);
            let ln_u1 = ra.ln() + rb.ln() + z.ln();
            // u_{j+1}/u_j = (A+j)(B+j) z / ((c+j)(j+1)) for j ≥ 1.
            let ln_sum = ln_series_tail(ra, rb, abx1, z, 1.0, ln_u1);
            let value = ((ln_pow + ln_sum).exp() - abx1 * (-ln_pow.exp_m1())) / (1.0 - aa);
            return value.max(0.0);
        }
        let ln_f = ln_pow + ln_hyp2f1(r + x, bb + x, abx1, z);
        let bracket = -ln_f.exp_m1();
        let factor = abx1 / (aa - 1.0);
        (factor * bracket).max(0.0)
    }

    /// Unconditional E[X(t)] for a new customer: the conditional expectation at x = t_x = T = 0
    /// (FHL 2005 eq. 9; Batislam et al. 2007 eq. 10, where P(alive | x = 0, T = 0) = b/(a+b)).
    pub fn expected_purchases(&self, t: f64) -> f64 {
        self.conditional_expected_purchases(t, 0.0, 0.0, 0.0)
    }

    /// P(X(t) = n) for a new customer: FHL 2005 eq. 8 for BG/NBD; for MBG/NBD the same
    /// argument with one more survival flip at time 0 (Batislam et al. 2007).
    pub fn prob_n_purchases(&self, t: f64, n: u32) -> f64 {
        let BgNbd {
            r,
            alpha,
            a,
            b,
            modified,
        } = *self;
        let x = f64::from(n);
        // Survival flips passed by a customer with n repeat purchases who is still alive.
        let flips = if modified { x + 1.0 } else { x };
        let ln_p = alpha.ln() - (alpha + t).ln();
        let ln_q = t.ln() - (alpha + t).ln();
        let ln_nb =
            |j: f64| ln_gamma(r + j) - ln_gamma(r) - ln_gamma(j + 1.0) + r * ln_p + j * ln_q;
        let alive = (ln_beta(a, b + flips) - ln_beta(a, b) + ln_nb(x)).exp();
        if !modified && n == 0 {
            return alive;
        }
        // Died at the last flip, having made all n purchases (Poisson count ≥ n).
        let cdf: f64 = (0..n).map(|j| ln_nb(f64::from(j)).exp()).sum();
        let dead = (ln_beta(a + 1.0, b + flips - 1.0) - ln_beta(a, b)).exp() * (1.0 - cdf).max(0.0);
        alive + dead
    }
}
