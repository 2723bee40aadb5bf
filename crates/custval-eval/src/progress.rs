//! How far a run has got, for a front end that shows it (a bar on a terminal), without the
//! engine knowing how it is shown.
//!
//! The engine calls [`Progress::report`] when a step starts and, in the long per-customer
//! passes, once per chunk of [`CHUNK`] customers (never per customer: a report may cost an
//! atomic add and a lock in the caller). The steps before and after the engine (loading the
//! dataset, writing the run) are reported by the code that runs them, with the same enum, so a
//! front end shows one sequence. The default is [`NoProgress`], which does nothing.

/// The steps of one evaluation, in the order a run goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Reading the company's data as of the date (the store).
    Load,
    /// Calibrated weights: the evaluations at two earlier dates (only when the plan asks).
    Calibrate,
    /// Built-in features per customer.
    Features,
    /// The purchase and spend models, P(alive) and CLV.
    ClvFit,
    /// Wallet, cross-sell and risk.
    KeyAccounts,
    /// Indicators, normalization, weights and scores.
    Scores,
    /// Tiers, classes, budget and the results.
    Classes,
    /// Alerts against the previous run.
    Alerts,
    /// Writing the run with its details (the store).
    Write,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 9] = [
        Step::Load,
        Step::Calibrate,
        Step::Features,
        Step::ClvFit,
        Step::KeyAccounts,
        Step::Scores,
        Step::Classes,
        Step::Alerts,
        Step::Write,
    ];

    /// A short stable id (`clv_fit`), for labels and message ids.
    pub fn id(self) -> &'static str {
        match self {
            Step::Load => "load",
            Step::Calibrate => "calibrate",
            Step::Features => "features",
            Step::ClvFit => "clv_fit",
            Step::KeyAccounts => "key_accounts",
            Step::Scores => "scores",
            Step::Classes => "classes",
            Step::Alerts => "alerts",
            Step::Write => "write",
        }
    }
}

/// Customers between two reports of a per-customer pass.
pub const CHUNK: u64 = 4096;

/// Receives progress reports; called from any of rayon's threads.
pub trait Progress: Sync {
    /// `step` has done `done` of `total` units (customers, results); `total` 0 means the step
    /// does not count (a front end shows a spinner).
    fn report(&self, step: Step, done: u64, total: u64);
}

/// Reports nothing: the default of every entry point that takes no [`Progress`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&self, _: Step, _: u64, _: u64) {}
}

impl<F: Fn(Step, u64, u64) + Sync> Progress for F {
    fn report(&self, step: Step, done: u64, total: u64) {
        self(step, done, total);
    }
}

/// Counts a parallel pass over `total` items and reports every [`CHUNK`] of them: one atomic
/// add per chunk, none per item.
pub struct Counter<'a> {
    step: Step,
    total: u64,
    done: std::sync::atomic::AtomicU64,
    progress: &'a dyn Progress,
}

impl<'a> Counter<'a> {
    /// Reports the start of `step` (0 of `total`).
    pub fn start(progress: &'a dyn Progress, step: Step, total: u64) -> Counter<'a> {
        progress.report(step, 0, total);
        Counter {
            step,
            total,
            done: std::sync::atomic::AtomicU64::new(0),
            progress,
        }
    }

    /// Item `i` is done: every [`CHUNK`]th index adds a chunk and reports.
    #[inline]
    pub fn tick(&self, i: usize) {
        if (i as u64 + 1) % CHUNK == 0 {
            let done = self
                .done
                .fetch_add(CHUNK, std::sync::atomic::Ordering::Relaxed)
                + CHUNK;
            self.progress
                .report(self.step, done.min(self.total), self.total);
        }
    }

    /// Reports the pass complete.
    pub fn finish(&self) {
        self.progress.report(self.step, self.total, self.total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_counter_reports_per_chunk_and_at_the_end() {
        let seen = Mutex::new(Vec::new());
        let hook = |s: Step, d: u64, t: u64| seen.lock().unwrap().push((s, d, t));
        let n = 3 * CHUNK as usize + 5;
        let c = Counter::start(&hook, Step::Features, n as u64);
        for i in 0..n {
            c.tick(i);
        }
        c.finish();
        let seen = seen.into_inner().unwrap();
        let n = n as u64;
        assert_eq!(seen.first(), Some(&(Step::Features, 0, n)));
        assert_eq!(seen.last(), Some(&(Step::Features, n, n)));
        // Start, three chunks, end: not one report per customer.
        assert_eq!(seen.len(), 5);
    }

    #[test]
    fn step_ids_are_distinct() {
        let ids: std::collections::HashSet<&str> = Step::ALL.iter().map(|s| s.id()).collect();
        assert_eq!(ids.len(), Step::ALL.len());
    }
}
