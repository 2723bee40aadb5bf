//! The crate's error type: each variant carries what a user needs to find the bad input.

use thiserror::Error;

/// Everything that can go wrong in this crate.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ClvError {
    /// No rows (or, for Gamma-Gamma, no rows with frequency > 0).
    #[error("no customers to fit: {0}")]
    Empty(&'static str),
    /// Columns of different lengths.
    #[error("column `{column}` has {got} rows, expected {expected}")]
    LengthMismatch {
        column: &'static str,
        expected: usize,
        got: usize,
    },
    /// A value outside its domain (negative, NaN, recency after T, …).
    #[error("row {row}: {column} = {value} is invalid: {reason}")]
    InvalidValue {
        row: usize,
        column: &'static str,
        value: f64,
        reason: &'static str,
    },
    /// A required column is missing for the model.
    #[error("model {model} needs column `{column}`")]
    MissingColumn {
        model: &'static str,
        column: &'static str,
    },
    /// A parameter name not known for the model, or one missing.
    #[error("model {model}: {problem} parameter `{name}` (expected {expected})")]
    Parameter {
        model: &'static str,
        problem: &'static str,
        name: String,
        expected: &'static str,
    },
    /// A parameter value outside its domain.
    #[error("model {model}: parameter {name} = {value} must be finite and > 0")]
    InvalidParameter {
        model: &'static str,
        name: &'static str,
        value: f64,
    },
    /// Some prediction needs a condition on the parameters (e.g. a > 1 for E[X(t)] of BG/NBD).
    #[error("{what} is undefined: {reason}")]
    Undefined {
        what: &'static str,
        reason: &'static str,
    },
    /// The optimizer failed on every starting point.
    #[error(
        "fit did not converge after {iterations} iterations (gradient norm {grad_norm:e}, log-likelihood {log_likelihood})"
    )]
    NotConverged {
        iterations: u64,
        grad_norm: f64,
        log_likelihood: f64,
    },
    /// An invalid option (negative penalizer, zero horizon, …).
    #[error("invalid option {name}: {reason}")]
    InvalidOption {
        name: &'static str,
        reason: &'static str,
    },
    /// Summary builder: a date or amount problem in the transactions of one customer.
    #[error("transaction {index}: {reason}")]
    Transaction { index: usize, reason: &'static str },
}
