//! The one quantile custval computes: type 7, with one answer on empty input.
//!
//! Type 7 (Hyndman & Fan 1996) is the default of R's `quantile()`, NumPy's `quantile`, Excel's
//! `PERCENTILE.INC` and DuckDB's `quantile_cont`: for n values sorted ascending, `h = (n − 1)·p`,
//! and the quantile interpolates linearly between the order statistics at `⌊h⌋` and `⌈h⌉`
//! (0-based). It never leaves the range of the data.
//!
//! **No value, no quantile:** with nothing to cut, or `p` outside [0, 1] (NaN included), the
//! answer is `None`. Callers that need a number for that case say which one at the call site
//! (0.0 for a winsorizing bound, NaN for a score cut), so the choice is visible where it
//! matters instead of hidden in one of several copies.
//!
//! [`quantile_sorted`] is the definition; [`quantile`] and [`quantiles`] take unsorted values,
//! leave NaN and ±∞ out as missing (interpolating towards an infinity is never a useful cut),
//! and use selection (`select_nth_unstable`, O(n)) for one quantile or one sort for several.

use std::borrow::Borrow;

/// Type-7 quantile at probability `p` of values sorted ascending; `None` when `sorted` is empty
/// or `p` is outside [0, 1].
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&p) {
        return None;
    }
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p;
    let lo = (h.floor() as usize).min(last);
    let hi = (h.ceil() as usize).min(last);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Type-7 quantile at probability `p` of the finite values among `values` (in any order: a
/// slice, a vector or an iterator of numbers); `None` when there is none or `p` is outside
/// [0, 1]. O(n) time, one copy of the values.
pub fn quantile<I>(values: I, p: f64) -> Option<f64>
where
    I: IntoIterator,
    I::Item: Borrow<f64>,
{
    if !(0.0..=1.0).contains(&p) {
        return None;
    }
    let mut finite: Vec<f64> = values
        .into_iter()
        .map(|v| *v.borrow())
        .filter(|v| v.is_finite())
        .collect();
    let last = finite.len().checked_sub(1)?;
    let h = last as f64 * p;
    let lo = (h.floor() as usize).min(last);
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

/// Type-7 quantiles at several probabilities of the finite values among `values`, sorting
/// once; `None` when there is no finite value or any probability is outside [0, 1].
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

/// The median (type-7 quantile at 0.5) of the finite values among `values`.
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    // R: quantile(1:10, c(.1, .25, .5, .9)) (type 7 is R's default) = 1.9, 3.25, 5.5, 9.1;
    // numpy.percentile(range(1, 11), [10, 25, 50, 90]) and Excel PERCENTILE.INC agree.
    #[test]
    fn matches_r_numpy_and_excel() {
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        for (p, want) in [
            (0.1, 1.9),
            (0.25, 3.25),
            (0.5, 5.5),
            (0.9, 9.1),
            (0.0, 1.0),
            (1.0, 10.0),
        ] {
            assert!(close(quantile_sorted(&x, p), want), "{p}");
            assert!(close(quantile(x.iter().rev().copied(), p), want), "{p}");
        }
        let many = quantiles(&x, &[0.1, 0.25, 0.5, 0.9]).unwrap_or_default();
        assert_eq!(many.len(), 4);
        for (got, want) in many.iter().zip([1.9, 3.25, 5.5, 9.1]) {
            assert!((got - want).abs() < 1e-12);
        }
        // Excel: PERCENTILE.INC({10,20,30,40,50}, 0.9) = 46; ({15,20,35,40,50}, 0.4) = 29.
        assert!(close(
            quantile_sorted(&[10.0, 20.0, 30.0, 40.0, 50.0], 0.9),
            46.0
        ));
        assert!(close(
            quantile_sorted(&[15.0, 20.0, 35.0, 40.0, 50.0], 0.4),
            29.0
        ));
        // R: quantile(c(1, 3, 3, 7), .4) = 3; quantile(c(1, 2, 3, 4), .9) = 3.7.
        assert!(close(quantile([7.0, 3.0, 1.0, 3.0], 0.4), 3.0));
        assert!(close(quantile([4.0, 1.0, 3.0, 2.0], 0.9), 3.7));
        assert!(close(quantile_sorted(&[7.0], 0.9), 7.0));
    }

    #[test]
    fn ignores_missing_values() {
        let x = [f64::NAN, 4.0, f64::INFINITY, 2.0, f64::NEG_INFINITY, 3.0];
        assert_eq!(quantile(x, 0.5), Some(3.0));
        assert_eq!(median(&x), Some(3.0));
        assert_eq!(quantile(x, 0.0), Some(2.0));
        assert_eq!(quantile(x, 1.0), Some(4.0));
        assert_eq!(quantile([f64::NAN, 5.0], 0.5), Some(5.0));
    }

    #[test]
    fn none_when_nothing_to_cut() {
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(quantile::<[f64; 0]>([], 0.5), None);
        assert_eq!(quantile([f64::NAN], 0.5), None);
        assert_eq!(quantile([1.0], 1.5), None);
        assert_eq!(quantile_sorted(&[1.0], -0.1), None);
        assert_eq!(quantile_sorted(&[1.0], f64::NAN), None);
        assert_eq!(quantiles(&[1.0], &[0.5, -0.1]), None);
        assert_eq!(quantiles(&[], &[0.5]), None);
        assert_eq!(median(&[]), None);
        assert_eq!(quantile([5.0], 0.7), Some(5.0));
    }

    proptest! {
        #[test]
        fn selection_agrees_with_sorting(
            xs in proptest::collection::vec(-1e6f64..1e6, 1..200),
            p in 0.0f64..=1.0,
        ) {
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            let a = quantile(xs.iter().copied(), p);
            let b = quantile_sorted(&sorted, p);
            prop_assert!(a.is_some() && b.is_some());
            let (a, b) = (a.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN));
            prop_assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()));
            prop_assert!(a >= sorted[0] && a <= sorted[sorted.len() - 1]);
        }
    }
}
