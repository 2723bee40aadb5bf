//! The crate's one error type, in a leaf module so that every step can return it without
//! depending on the modules that call it.

/// Why an evaluation could not be completed. Nothing is stored when one occurs.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("there are no customers as of this date; import transactions or customers first")]
    NoCustomers,
    #[error("weights: {0}")]
    Weights(String),
    #[error("classification: {0}")]
    Classify(String),
    #[error("plan: {0}")]
    Plan(String),
}
