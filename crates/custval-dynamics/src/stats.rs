//! Small statistics the other modules share: average ranks, and the normal and Student-t
//! distributions (written by hand: the crate takes no numerical dependency). Quantiles are
//! custval-base's type 7, the convention of every custval crate.
//!
//! - **Average ranks** give tied values the mean of the ranks they span, the usual treatment
//!   for Spearman's ρ and the Mann–Whitney U statistic.
//! - **Distributions**: `ln Γ` by the Lanczos approximation (g = 7, 9 terms), the regularized
//!   incomplete beta function by its continued fraction (modified Lentz), the regularized
//!   incomplete gamma function by series / continued fraction. The normal CDF is
//!   `Φ(x) = ½·erfc(−x/√2)` with `erfc(z) = Q(½, z²)`; the t CDF uses
//!   `P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½)`. Quantiles invert the CDFs by bisection, which is slow
//!   next to a closed-form approximation but cannot diverge and reaches full f64 precision in
//!   under 200 steps; it is called a handful of times per report.

/// 1-based average ranks of `keys` in increasing order (ties get the mean rank they span).
pub(crate) fn average_ranks(keys: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]));
    let mut ranks = vec![0.0; keys.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && keys[order[j]] == keys[order[i]] {
            j += 1;
        }
        // Positions i..j (0-based) share ranks i+1..=j, whose mean is (i + 1 + j) / 2.
        let r = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            ranks[k] = r;
        }
        i = j;
    }
    ranks
}

/// Pearson correlation; `None` when fewer than 2 values or either side is constant.
pub(crate) fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 2 || y.len() != n {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Mean and sample variance (n − 1 denominator).
pub(crate) fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    (m, if x.len() > 1 { ss / (n - 1.0) } else { 0.0 })
}

/// ln Γ(x): the CLV engine's Lanczos implementation, one copy for the workspace.
pub(crate) use custval_clv::special::ln_gamma;

/// Continued fraction of the incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..100_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// Regularized incomplete beta function I_x(a, b).
pub(crate) fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry
    // I_x(a, b) = 1 − I_{1−x}(b, a) on the other side.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Regularized upper incomplete gamma function Q(a, x).
pub(crate) fn inc_gamma_upper(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let ln_front = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // Series for P(a, x).
        let mut sum = 1.0 / a;
        let mut term = sum;
        let mut ap = a;
        for _ in 0..100_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        1.0 - sum * ln_front.exp()
    } else {
        // Continued fraction for Q(a, x) (modified Lentz).
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..100_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        ln_front.exp() * h
    }
}

/// Standard normal CDF Φ(x).
pub(crate) fn normal_cdf(x: f64) -> f64 {
    // Φ(x) = ½ erfc(−x/√2) and erfc(z) = Q(½, z²) for z ≥ 0.
    let z = x / std::f64::consts::SQRT_2;
    let tail = 0.5 * inc_gamma_upper(0.5, z * z);
    if x >= 0.0 { 1.0 - tail } else { tail }
}

/// Student-t CDF with `df` degrees of freedom (df > 0, may be fractional).
pub(crate) fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * inc_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Above this many degrees of freedom the t distribution is taken as normal: the quantiles
/// then differ by less than 1e-6.
const T_AS_NORMAL_DF: f64 = 1e7;

/// Inverts an increasing CDF on `(0, ∞)` for `p ∈ (0.5, 1)` by bracketing and bisection.
fn invert_upper(cdf: impl Fn(f64) -> f64, p: f64) -> f64 {
    let mut hi = 1.0;
    while cdf(hi) < p && hi < 1e300 {
        hi *= 2.0;
    }
    let mut lo = 0.0;
    for _ in 0..2_000 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Quantile of a symmetric distribution from its upper-half inverse.
fn symmetric_quantile(p: f64, upper: impl Fn(f64) -> f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    if p == 0.5 {
        0.0
    } else if p > 0.5 {
        upper(p)
    } else {
        -upper(1.0 - p)
    }
}

/// Standard normal quantile z_p for p in (0, 1); NaN outside.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    symmetric_quantile(p, |p| invert_upper(normal_cdf, p))
}

/// Student-t quantile t_p(df) for p in (0, 1) and df > 0; `df = ∞` gives the normal quantile.
pub(crate) fn t_quantile(p: f64, df: f64) -> f64 {
    if df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if df > T_AS_NORMAL_DF {
        return normal_quantile(p);
    }
    symmetric_quantile(p, |p| invert_upper(|t| t_cdf(t, df), p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn ln_gamma_known_values() {
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-13));
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-13
        ));
        assert!(close(ln_gamma(1.0), 0.0, 1e-14));
        assert!(close(ln_gamma(0.1), 9.513_507_698_668_732f64.ln(), 1e-12));
    }

    #[test]
    fn normal_cdf_and_quantile_match_tables() {
        assert!(close(normal_cdf(0.0), 0.5, 1e-15));
        assert!(close(normal_cdf(1.96), 0.975_002_104_851_780, 1e-12));
        assert!(close(normal_cdf(-1.0), 0.158_655_253_931_457, 1e-12));
        assert!(close(normal_quantile(0.975), 1.959_963_984_540_054, 1e-9));
        assert!(close(normal_quantile(0.995), 2.575_829_303_548_901, 1e-9));
        assert!(close(normal_quantile(0.05), -1.644_853_626_951_472, 1e-9));
        assert!(normal_quantile(1.0).is_nan());
    }

    #[test]
    fn t_quantile_closed_forms() {
        // df = 1 is Cauchy: t_p = tan(π(p − ½)); df = 2: t_p = (2p − 1)/√(2p(1 − p)).
        for p in [0.6, 0.9, 0.975, 0.995] {
            let cauchy = (std::f64::consts::PI * (p - 0.5)).tan();
            assert!(
                close(t_quantile(p, 1.0), cauchy, 1e-8 * cauchy.max(1.0)),
                "p={p}"
            );
            let two = (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
            assert!(close(t_quantile(p, 2.0), two, 1e-9), "p={p}");
        }
    }

    #[test]
    fn t_quantile_matches_published_table() {
        // Two-sided 95% column of the usual t table (three decimals).
        let table = [
            (1.0, 12.706),
            (2.0, 4.303),
            (5.0, 2.571),
            (10.0, 2.228),
            (20.0, 2.086),
            (30.0, 2.042),
            (60.0, 2.000),
            (120.0, 1.980),
        ];
        for (df, t) in table {
            assert!(close(t_quantile(0.975, df), t, 5e-4), "df={df}");
        }
        assert!(close(t_quantile(0.95, 10.0), 1.812, 5e-4));
        assert!(close(t_quantile(0.995, 10.0), 3.169, 5e-4));
        assert!(close(t_quantile(0.975, f64::INFINITY), 1.960, 5e-4));
        assert!(close(t_quantile(0.975, 1e9), 1.959_964, 1e-6));
        assert!(close(t_quantile(0.975, 1e6), 1.959_966, 1e-5));
        assert!(close(t_quantile(0.025, 10.0), -2.228, 5e-4));
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 20.0, 5.0]),
            [2.0, 3.5, 3.5, 1.0]
        );
    }
}
