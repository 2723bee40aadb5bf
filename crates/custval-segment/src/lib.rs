//! Customer segmentation that needs nothing but numbers: RFM scores and segments, and
//! ABC (Pareto, 二八法则) classes.
//!
//! Pure computation: no I/O, no clock, no randomness. Callers aggregate transactions into
//! recency/frequency/monetary values (the CLI does it while reading the file) and hand them in.
//!
//! Conventions, stated once so that every output can cite them:
//! - **Quantile breaks** are type 7 (linear interpolation between order statistics, the
//!   default of R, NumPy and DuckDB's `quantile_cont`): with `bins` = 5 the four breaks are the
//!   20/40/60/80 % quantiles of the values over all customers.
//! - **Scores** count the breaks a value passes: for frequency and monetary (more is better)
//!   `score = 1 + #{breaks t : value > t}`; for recency in days (less is better)
//!   `score = bins − #{breaks t : value > t}`. Equal values therefore always get equal scores,
//!   and when many customers share a value (most have one order) several breaks coincide and
//!   some scores are not used. That is the honest outcome; `ntile`-style ranking, which splits
//!   ties arbitrarily, is not used.
//! - `rfm_score = 100·R + 10·F + M`.
//! - **Segments** are ordered rules on the scores; the first match wins, else "Others"
//!   ([`rfm::RuleSet`]). The Chinese eight classes compare raw values with their mean (or
//!   median) instead ([`rfm::Cn8`]).
//! - **ABC**: values sorted descending (ties by input order); a customer is in the first class
//!   while the cumulative share *including it* is within the first cut, and so on
//!   ([`abc::classify`]).

pub mod abc;
pub mod rfm;

/// Errors from segmentation inputs.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SegmentError {
    #[error("no customers to score")]
    Empty,
    #[error("bins must be between 2 and 10, got {0}")]
    Bins(u8),
    #[error("cuts must increase strictly within (0, 1], got {0:?}")]
    Cuts(Vec<f64>),
    #[error("the values sum to {0}, so shares cannot be computed (need a positive total)")]
    NonPositiveTotal(f64),
    #[error("value {value} at row {row} is not a finite number")]
    NotFinite { row: usize, value: f64 },
    #[error("segment rule file: {0}")]
    Rules(String),
}
