//! Input columns, their validation, and the compression of customers into unique patterns.

use std::collections::hash_map::Entry;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::error::ClvError;

/// Per-customer model inputs, as columns. Which columns a model reads:
///
/// | model | columns |
/// |---|---|
/// | BG/NBD, MBG/NBD, Pareto/NBD | `frequency`, `recency`, `t` (= T, the customer's age) |
/// | BG/BB | `frequency`, `recency`, `t` (= number of opportunities, `periods`) |
/// | Gamma-Gamma | `frequency`, `monetary_value` (rows with frequency 0 are skipped) |
/// | shifted-beta-geometric | `alive` only |
///
/// `weights`, when present, counts identical customers (one row stands for `weights[i]` of
/// them); every total (log-likelihood, `n_customers`) applies it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ClvData {
    pub frequency: Vec<f64>,
    pub recency: Vec<f64>,
    /// T for the continuous-time models, the number of opportunities for BG/BB.
    pub t: Vec<f64>,
    pub monetary_value: Vec<f64>,
    pub weights: Option<Vec<f64>>,
    /// Shifted-beta-geometric: customers of one cohort still alive at the start of period 0, 1,
    /// 2, … (`alive[0]` is the cohort size). Aggregate counts are what the 2007 paper fits and
    /// what a contract table yields directly; per-customer churn periods reduce to them.
    pub alive: Vec<f64>,
}

impl ClvData {
    /// Frequency / recency / T (or periods for BG/BB) columns.
    pub fn rft(frequency: Vec<f64>, recency: Vec<f64>, t: Vec<f64>) -> Self {
        Self {
            frequency,
            recency,
            t,
            ..Self::default()
        }
    }

    /// Frequency / monetary value columns for Gamma-Gamma.
    pub fn spend(frequency: Vec<f64>, monetary_value: Vec<f64>) -> Self {
        Self {
            frequency,
            monetary_value,
            ..Self::default()
        }
    }

    /// Alive counts of one cohort for the shifted-beta-geometric model.
    pub fn cohort(alive: Vec<f64>) -> Self {
        Self {
            alive,
            ..Self::default()
        }
    }

    /// The same data with a weights column.
    pub fn with_weights(mut self, weights: Vec<f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    pub(crate) fn weight(&self, i: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |w| w[i])
    }

    fn check_len(&self, column: &'static str, got: usize) -> Result<(), ClvError> {
        if got != self.frequency.len() {
            return Err(ClvError::LengthMismatch {
                column,
                expected: self.frequency.len(),
                got,
            });
        }
        Ok(())
    }

    fn check_weights(&self) -> Result<(), ClvError> {
        if let Some(w) = &self.weights {
            self.check_len("weights", w.len())?;
            for (row, &value) in w.iter().enumerate() {
                if !(value.is_finite() && value >= 0.0) {
                    return Err(invalid(row, "weights", value, "must be finite and >= 0"));
                }
            }
        }
        Ok(())
    }

    /// Checks the frequency/recency/T columns. `discrete` adds the BG/BB rules (integers,
    /// x ≤ t_x ≤ n).
    pub(crate) fn validate_rft(&self, model: &'static str, discrete: bool) -> Result<(), ClvError> {
        if self.frequency.is_empty() {
            return Err(ClvError::Empty("the input has no rows"));
        }
        if self.recency.is_empty() {
            return Err(ClvError::MissingColumn {
                model,
                column: "recency",
            });
        }
        if self.t.is_empty() {
            return Err(ClvError::MissingColumn {
                model,
                column: if discrete { "periods" } else { "T" },
            });
        }
        self.check_len("recency", self.recency.len())?;
        self.check_len(if discrete { "periods" } else { "T" }, self.t.len())?;
        self.check_weights()?;
        for row in 0..self.frequency.len() {
            validate_row(
                row,
                self.frequency[row],
                self.recency[row],
                self.t[row],
                discrete,
            )?;
        }
        Ok(())
    }

    pub(crate) fn validate_spend(&self) -> Result<(), ClvError> {
        if self.frequency.is_empty() {
            return Err(ClvError::Empty("the input has no rows"));
        }
        if self.monetary_value.is_empty() {
            return Err(ClvError::MissingColumn {
                model: "gg",
                column: "monetary_value",
            });
        }
        self.check_len("monetary_value", self.monetary_value.len())?;
        self.check_weights()?;
        for (row, (&x, &m)) in self.frequency.iter().zip(&self.monetary_value).enumerate() {
            if !(x.is_finite() && x >= 0.0) {
                return Err(invalid(row, "frequency", x, "must be finite and >= 0"));
            }
            if x > 0.0 && !(m.is_finite() && m > 0.0) {
                return Err(invalid(
                    row,
                    "monetary_value",
                    m,
                    "must be finite and > 0 when frequency > 0",
                ));
            }
        }
        Ok(())
    }
}

pub(crate) fn invalid(
    row: usize,
    column: &'static str,
    value: f64,
    reason: &'static str,
) -> ClvError {
    ClvError::InvalidValue {
        row,
        column,
        value,
        reason,
    }
}

/// One customer's frequency / recency / T (periods) check; `row` only labels the error.
pub(crate) fn validate_row(
    row: usize,
    x: f64,
    tx: f64,
    t: f64,
    discrete: bool,
) -> Result<(), ClvError> {
    if !(x.is_finite() && x >= 0.0) {
        return Err(invalid(row, "frequency", x, "must be finite and >= 0"));
    }
    if !(tx.is_finite() && tx >= 0.0) {
        return Err(invalid(row, "recency", tx, "must be finite and >= 0"));
    }
    if !(t.is_finite() && t >= 0.0) {
        return Err(invalid(row, "T", t, "must be finite and >= 0"));
    }
    // Summaries rounded to 2 decimals can put recency a hair past T.
    if tx > t + 1e-9 * (1.0 + t) {
        return Err(invalid(row, "recency", tx, "is greater than T (periods)"));
    }
    // No repeat purchase means no time of the last one (Pareto/NBD would otherwise integrate
    // from a t_x that does not exist).
    if x == 0.0 && tx != 0.0 {
        return Err(invalid(row, "recency", tx, "must be 0 when frequency is 0"));
    }
    if discrete {
        if x.fract() != 0.0 || tx.fract() != 0.0 || t.fract() != 0.0 {
            return Err(invalid(row, "frequency", x, "BG/BB needs whole numbers"));
        }
        if x > tx {
            return Err(invalid(row, "frequency", x, "is greater than recency"));
        }
    }
    Ok(())
}

/// Customers grouped into unique (x, t_x, T) patterns with summed weights, sorted by x so that
/// everything that depends on x alone (the ln Γ and ln B terms) is computed once per distinct
/// x (`group`/`group_x`). The distinct values of t_x and T together form `times`, so terms like
/// ln(α + T) are computed once per distinct time (`t_idx`, `tx_idx`).
///
/// Real transaction data are dated by day, so even a million customers have a few hundred
/// thousand distinct patterns and a few hundred distinct times at most, and the likelihood
/// costs per pattern, not per customer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Patterns {
    pub x: Vec<f64>,
    pub tx: Vec<f64>,
    pub t: Vec<f64>,
    pub w: Vec<f64>,
    pub group: Vec<u32>,
    pub group_x: Vec<f64>,
    pub times: Vec<f64>,
    pub t_idx: Vec<u32>,
    pub tx_idx: Vec<u32>,
    pub total_weight: f64,
}

impl Patterns {
    pub fn new(x: &[f64], tx: &[f64], t: &[f64], weights: Option<&[f64]>) -> Self {
        // One hash pass merges duplicates (fast on a million rows); only the distinct patterns
        // are then sorted. Values are validated non-negative, where the bit pattern orders
        // like the number.
        // Day-dated data have roughly one distinct pattern per eight customers at a million
        // rows; reserving for that saves most of the rehashing as the table grows.
        let guess = (x.len() / 4).max(1024);
        let mut seen: FxHashMap<(u64, u64, u64), u32> =
            FxHashMap::with_capacity_and_hasher(guess, Default::default());
        let mut keys: Vec<(u64, u64, u64)> = Vec::with_capacity(guess);
        let mut wsum: Vec<f64> = Vec::with_capacity(guess);
        let mut total_weight = 0.0;
        for i in 0..x.len() {
            let wi = weights.map_or(1.0, |w| w[i]);
            total_weight += wi;
            if wi == 0.0 {
                continue;
            }
            let key = (x[i].to_bits(), tx[i].to_bits(), t[i].to_bits());
            match seen.entry(key) {
                Entry::Occupied(e) => wsum[*e.get() as usize] += wi,
                Entry::Vacant(e) => {
                    e.insert(keys.len() as u32);
                    keys.push(key);
                    wsum.push(wi);
                }
            }
        }
        drop(seen);
        // Sorting the keys themselves (not indices into them) keeps the comparisons in cache.
        let mut sorted: Vec<((u64, u64, u64), f64)> = keys.into_iter().zip(wsum).collect();
        sorted.sort_unstable_by_key(|e| e.0);
        let mut p = Patterns {
            total_weight,
            ..Patterns::default()
        };
        let mut time_ids: FxHashMap<u64, u32> = FxHashMap::default();
        let mut time_id = |v: u64, times: &mut Vec<f64>| -> u32 {
            *time_ids.entry(v).or_insert_with(|| {
                times.push(f64::from_bits(v));
                (times.len() - 1) as u32
            })
        };
        for ((kx, ktx, kt), wi) in sorted {
            if p.x.last().is_none_or(|last| last.to_bits() != kx) {
                p.group_x.push(f64::from_bits(kx));
            }
            p.x.push(f64::from_bits(kx));
            p.tx.push(f64::from_bits(ktx));
            p.t.push(f64::from_bits(kt));
            p.w.push(wi);
            p.group.push((p.group_x.len() - 1) as u32);
            p.tx_idx.push(time_id(ktx, &mut p.times));
            p.t_idx.push(time_id(kt, &mut p.times));
        }
        p
    }

    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Weighted mean of T (the scale of the starting points). Summed over the sorted patterns,
    /// so it is the same number whether the customers came one per row or already counted
    /// (`weights`), in any row order.
    pub fn mean_t(&self) -> f64 {
        let (mut wt, mut w) = (0.0, 0.0);
        for (t, wi) in self.t.iter().zip(&self.w) {
            wt += wi * t;
            w += wi;
        }
        if w > 0.0 { wt / w } else { 0.0 }
    }

    /// Every `stride`-th pattern with its weight: a sample spread over all x (the patterns are
    /// sorted by x), for warm starts.
    pub fn stride_sample(&self, stride: usize) -> Patterns {
        let stride = stride.max(1);
        let pick = |v: &[f64]| v.iter().step_by(stride).copied().collect::<Vec<f64>>();
        let (x, tx, t, w) = (pick(&self.x), pick(&self.tx), pick(&self.t), pick(&self.w));
        Patterns::new(&x, &tx, &t, Some(&w))
    }
}

/// Below this many patterns the likelihood runs on one thread (rayon's overhead would dominate).
pub(crate) const PARALLEL_MIN: usize = 20_000;
/// Patterns per rayon task.
pub(crate) const CHUNK: usize = 8_192;

/// Sums `f(range)` over chunks of `0..n`, in parallel when `n` is large. `f` returns a fixed
/// array of partial sums (log-likelihood and gradient components).
///
/// The chunk sums are added in chunk order, whatever thread computed them: a rayon `reduce`
/// combines them in an order that follows work stealing, so the last bits of the likelihood
/// (and with them the optimizer's path near the optimum) could change from run to run.
pub(crate) fn sum_chunks<const K: usize, F>(n: usize, f: F) -> [f64; K]
where
    F: Fn(std::ops::Range<usize>) -> [f64; K] + Sync,
{
    sum_chunks_sized(n, PARALLEL_MIN, CHUNK, f)
}

/// [`sum_chunks`] with its own threshold and chunk length, for kernels whose cost per pattern
/// is far from the BG/NBD one the defaults were set for.
pub(crate) fn sum_chunks_sized<const K: usize, F>(
    n: usize,
    parallel_min: usize,
    chunk: usize,
    f: F,
) -> [f64; K]
where
    F: Fn(std::ops::Range<usize>) -> [f64; K] + Sync,
{
    let chunk = chunk.max(1);
    if n < parallel_min {
        return f(0..n);
    }
    let chunks = n.div_ceil(chunk);
    let parts: Vec<[f64; K]> = (0..chunks)
        .into_par_iter()
        .map(|c| f(c * chunk..((c + 1) * chunk).min(n)))
        .collect();
    let mut total = [0.0; K];
    for part in parts {
        for (x, y) in total.iter_mut().zip(part) {
            *x += y;
        }
    }
    total
}

/// CDNOW's 2,357 customers (frequency, recency, T of `testdata/`) as patterns, for unit tests.
#[cfg(test)]
pub(crate) fn cdnow_patterns() -> Patterns {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/cdnow_customers_summary.csv"
    );
    let text = std::fs::read_to_string(path).expect("cdnow_customers_summary.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| h.trim() == name).expect(name);
    let (fi, ri, ti) = (col("frequency"), col("recency"), col("T"));
    let (mut x, mut tx, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<f64> = line
            .split(',')
            .map(|v| v.trim().parse().expect("number"))
            .collect();
        x.push(f[fi]);
        tx.push(f[ri]);
        t.push(f[ti]);
    }
    Patterns::new(&x, &tx, &t, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the 1M-customer BG/NBD fit summed its chunks with rayon's `reduce`, whose
    /// combination order follows work stealing; the sum must be bit-identical on any number of
    /// threads.
    #[test]
    fn chunk_sums_do_not_depend_on_the_threads() {
        let n = 20 * CHUNK + 123;
        // Terms of very different sizes, so that the order of additions shows in the bits.
        let term =
            |i: usize| ((i * 7919) % 1000) as f64 * 1e-3 + if i % 97 == 0 { 1e9 } else { 0.0 };
        let sum = || {
            sum_chunks::<2, _>(n, |rg| {
                let mut acc = [0.0; 2];
                for i in rg {
                    acc[0] += term(i);
                    acc[1] -= term(i) * 0.5;
                }
                acc
            })
        };
        let mut seen = Vec::new();
        for threads in [1, 2, 3, 8] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            for _ in 0..5 {
                seen.push(pool.install(sum).map(f64::to_bits));
            }
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    }
}
