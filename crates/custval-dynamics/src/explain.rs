//! The shared way of saying things: the [`Explain`] trait every decision and alert follows, and
//! the number formatting every sentence uses, both from custval-base.
//!
//! One home for the formatting means a share prints the same in a migration matrix, an alert, a
//! KPI line and the other crates' sentences (percentages trimmed, money with thousands
//! separators and two decimals, no "-0.0").

pub use custval_base::Explain;
pub(crate) use custval_base::format::{fixed, money, percent, trimmed as num};
pub(crate) use custval_base::{known, known_opt};
