//! The evaluation engine (being written): features as of a date, indicators, weights, scores,
//! classes, CLV and recommended actions, as pure computation over a `custval_model::Dataset`.

pub mod clv;
pub mod features;
pub mod scoring;
