//! The one quantile every cut in this crate is computed with: type 7, ignoring missing values.
//!
//! Type 7 (Hyndman & Fan 1996) is the default of R's `quantile()`, NumPy's `quantile` and
//! DuckDB's `quantile_cont`, and the convention of `custval-segment`: for the n known values
//! sorted ascending, `h = (n − 1)·p`, and the quantile interpolates linearly between the
//! order statistics at `⌊h⌋` and `⌊h⌋ + 1` (0-based). It never leaves the range of the data,
//! and with distinct values a share `s` of them lies at or above the `1 − s` quantile, give or
//! take one customer.
//!
//! NaN and ±∞ count as missing and are left out (interpolating towards an infinity yields NaN
//! or ∞, which is never a useful cut). With no finite value, or `p` outside [0, 1], the answer
//! is `None`, so callers must decide what an absent cut means.
//!
//! A single quantile uses selection (`select_nth_unstable`, O(n)); several quantiles of one
//! column sort it once (O(n log n)).

/// Type-7 quantile at probability `p` of the finite values in `values`; `None` when there are
/// none or `p` is not in [0, 1]. O(n) time and one copy of the finite values.
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&p) {
        return None;
    }
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let n = finite.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p;
    let lo = (h.floor() as usize).min(n - 1);
    let (_, at, above) = finite.select_nth_unstable_by(lo, f64::total_cmp);
    let x_lo = *at;
    let frac = h - lo as f64;
    if frac == 0.0 || above.is_empty() {
        return Some(x_lo);
    }
    // The next order statistic is the smallest value above position `lo`.
    let x_hi = above.iter().copied().fold(f64::INFINITY, f64::min);
    Some(x_lo + frac * (x_hi - x_lo))
}

/// Type-7 quantiles at several probabilities of the finite values, sorting once; `None` when
/// there is no finite value or any probability is outside [0, 1].
pub fn quantiles(values: &[f64], ps: &[f64]) -> Option<Vec<f64>> {
    if ps.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return None;
    }
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    finite.sort_unstable_by(f64::total_cmp);
    ps.iter().map(|p| quantile_sorted(&finite, *p)).collect()
}

/// Type-7 quantile of values already sorted ascending and all finite; `None` when `sorted` is
/// empty or `p` is outside [0, 1].
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&p) {
        return None;
    }
    let n = sorted.len();
    let last = n.checked_sub(1)?;
    let h = last as f64 * p;
    let lo = (h.floor() as usize).min(last);
    let hi = (lo + 1).min(last);
    let (x_lo, x_hi) = (sorted[lo], sorted[hi]);
    Some(x_lo + (h - lo as f64) * (x_hi - x_lo))
}

/// The median (type-7 quantile at 0.5) of the finite values.
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Reference values from R: quantile(1:10, c(.1, .25, .5, .9)) (type 7 is R's default)
    // gives 1.9, 3.25, 5.5, 9.1; quantile(c(1, 3, 3, 7), .4) gives 3.
    #[test]
    fn matches_r_type_7() {
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-12);
        assert!(close(quantile(&x, 0.1), 1.9));
        assert!(close(quantile(&x, 0.25), 3.25));
        assert!(close(quantile(&x, 0.5), 5.5));
        assert!(close(quantile(&x, 0.9), 9.1));
        assert!(close(quantile(&[7.0, 3.0, 1.0, 3.0], 0.4), 3.0));
        let many = quantiles(&x, &[0.1, 0.25, 0.5, 0.9]).unwrap();
        for (got, want) in many.iter().zip([1.9, 3.25, 5.5, 9.1]) {
            assert!((got - want).abs() < 1e-12);
        }
    }

    #[test]
    fn ignores_missing_values() {
        let x = [f64::NAN, 4.0, f64::INFINITY, 2.0, f64::NEG_INFINITY, 3.0];
        assert_eq!(quantile(&x, 0.5), Some(3.0));
        assert_eq!(median(&x), Some(3.0));
        assert_eq!(quantile(&x, 0.0), Some(2.0));
        assert_eq!(quantile(&x, 1.0), Some(4.0));
    }

    #[test]
    fn none_when_nothing_to_cut() {
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[f64::NAN], 0.5), None);
        assert_eq!(quantile(&[1.0], 1.5), None);
        assert_eq!(quantile(&[1.0], f64::NAN), None);
        assert_eq!(quantiles(&[1.0], &[0.5, -0.1]), None);
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(quantile(&[5.0], 0.7), Some(5.0));
    }

    proptest! {
        #[test]
        fn selection_agrees_with_sorting(
            xs in proptest::collection::vec(-1e6f64..1e6, 1..200),
            p in 0.0f64..=1.0,
        ) {
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            let a = quantile(&xs, p).unwrap();
            let b = quantile_sorted(&sorted, p).unwrap();
            prop_assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()));
            prop_assert!(a >= sorted[0] && a <= sorted[sorted.len() - 1]);
        }
    }
}
