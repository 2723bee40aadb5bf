//! Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"):
//! a customer's transaction values are Gamma(p, ν), ν ~ Gamma(q, v). Fitted on the customers
//! with at least one repeat purchase, from their number of repeat purchases x and mean spend m̄.

use serde::{Deserialize, Serialize};

use crate::data::{ClvData, sum_chunks};
use crate::error::ClvError;
use crate::optimize::Objective;
use crate::special::{digamma, ln_gamma};

/// Gamma-Gamma parameters (p, q, v); the paper's γ is `v` here, as in the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    pub p: f64,
    pub q: f64,
    pub v: f64,
}

impl GammaGamma {
    /// Log density of the mean spend m̄ of x transactions.
    pub fn log_likelihood(&self, x: f64, m: f64) -> f64 {
        let GammaGamma { p, q, v } = *self;
        let px = p * x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
            + q * v.ln()
            + (px - 1.0) * m.ln()
            + px * x.ln()
            - (px + q) * (x * m + v).ln()
    }

    /// E[M | x, m̄]: the customer's expected spend per transaction, a weighted mean of the
    /// population mean pv/(q−1) and the customer's own m̄. With x = 0 this is the population
    /// mean; it needs q > 1 (infinite otherwise).
    pub fn conditional_expected_spend(&self, x: f64, m: f64) -> f64 {
        let GammaGamma { p, q, v } = *self;
        let den = p * x + q - 1.0;
        if den <= 0.0 {
            return f64::INFINITY;
        }
        p * (v + x * m) / den
    }
}

/// The likelihood over the customers with frequency > 0 (the others carry no spend
/// information).
pub(crate) struct GammaGammaObjective {
    pub x: Vec<f64>,
    pub m: Vec<f64>,
    pub w: Vec<f64>,
    pub total_weight: f64,
}

impl GammaGammaObjective {
    pub fn new(data: &ClvData) -> Result<Self, ClvError> {
        data.validate_spend()?;
        let mut obj = GammaGammaObjective {
            x: Vec::new(),
            m: Vec::new(),
            w: Vec::new(),
            total_weight: 0.0,
        };
        for i in 0..data.len() {
            let w = data.weight(i);
            if data.frequency[i] > 0.0 && w > 0.0 {
                obj.x.push(data.frequency[i]);
                obj.m.push(data.monetary_value[i]);
                obj.w.push(w);
                obj.total_weight += w;
            }
        }
        if obj.x.is_empty() {
            return Err(ClvError::Empty(
                "Gamma-Gamma needs customers with frequency > 0",
            ));
        }
        Ok(obj)
    }
}

impl Objective for GammaGammaObjective {
    fn ll(&self, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let model = GammaGamma {
            p: p[0],
            q: p[1],
            v: p[2],
        };
        let (pp, q, v) = (p[0], p[1], p[2]);
        let with_grad = grad.is_some();
        let (dgq, lnv) = (digamma(q), v.ln());
        let acc = sum_chunks::<4, _>(self.x.len(), |rg| {
            let mut a = [0.0; 4];
            for i in rg {
                let (x, m, w) = (self.x[i], self.m[i], self.w[i]);
                a[0] += w * model.log_likelihood(x, m);
                if with_grad {
                    let px = pp * x;
                    let lxm = (x * m + v).ln();
                    let d = digamma(px + q);
                    a[1] += w * x * (d - digamma(px) + m.ln() + x.ln() - lxm);
                    a[2] += w * (d - dgq + lnv - lxm);
                    a[3] += w * (q / v - (px + q) / (x * m + v));
                }
            }
            a
        });
        if let Some(g) = grad {
            g.copy_from_slice(&acc[1..4]);
        }
        acc[0]
    }
    fn has_gradient(&self) -> bool {
        true
    }
    fn total_weight(&self) -> f64 {
        self.total_weight
    }
}

pub(crate) fn starts(mean_spend: f64) -> Vec<Vec<f64>> {
    let m = mean_spend.max(1e-6);
    vec![vec![1.0, 2.0, m], vec![1.0, 1.0, 1.0], vec![5.0, 3.0, m]]
}
