//! The loaded dataset's order, sorted on the rayon pool (issue 19: row order).

use custval_model::Dataset;
use rayon::prelude::*;

/// [`Dataset::sort`], with the fact tables first sorted on the rayon pool so that its own
/// single-threaded sorts find them in order. Rows arrive in store order (by id), that is in the
/// import's file order: grouped by customer they are already in order (checked in one pass and
/// left exactly as they are), by date or shuffled they are not, and one thread sorting 21M order
/// lines cost about 2 s of the load (issue 19). The stable sorts give what `Dataset::sort`'s
/// stable sorts would; order lines were sorted unstably before too.
pub(crate) fn sort(d: &mut Dataset) {
    let started = std::time::Instant::now();
    if !d.tx.is_sorted_by_key(|t| (t.cust, t.day)) {
        d.tx.par_sort_unstable_by_key(|t| (t.cust, t.day));
    }
    if !d.costs.is_sorted_by_key(|c| (c.cust, c.period)) {
        d.costs.par_sort_by_key(|c| (c.cust, c.period));
    }
    if !d.interactions.is_sorted_by_key(|i| (i.cust, i.day)) {
        d.interactions.par_sort_by_key(|i| (i.cust, i.day));
    }
    if !d.surveys.is_sorted_by_key(|s| (s.cust, s.day)) {
        d.surveys.par_sort_by_key(|s| (s.cust, s.day));
    }
    if !d.contracts.is_sorted_by_key(|c| (c.cust, c.start)) {
        d.contracts.par_sort_by_key(|c| (c.cust, c.start));
    }
    if !d.payments.is_sorted_by_key(|p| (p.cust, p.invoice)) {
        d.payments.par_sort_by_key(|p| (p.cust, p.invoice));
    }
    d.sort();
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "dataset sorted");
}
