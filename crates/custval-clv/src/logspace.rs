//! Sums of numbers held as logarithms: ln(e^a + e^b) and ln(e^a − e^b), without overflow.
//!
//! A leaf module of their own because both the special functions (`special`) and the
//! quadrature behind the hypergeometric function (`hyp2f1_quad`) add terms in log space, and
//! `special` calls the quadrature.

/// ln(e^a + e^b) without overflow; handles -inf operands.
#[inline]
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if hi == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// ln(e^a − e^b) for a ≥ b; −inf when the difference vanishes or rounding makes it negative.
#[inline]
pub fn log_sub_exp(a: f64, b: f64) -> f64 {
    if b >= a {
        return f64::NEG_INFINITY;
    }
    a + (-(b - a).exp_m1()).ln()
}
