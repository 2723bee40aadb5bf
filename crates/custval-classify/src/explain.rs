//! One shape for every classified customer: the class plus the rule that put it there.
//!
//! Rules are enums holding only the figures their sentence names, so a million results cost
//! tens of megabytes; the sentences are rendered when someone looks (a customer-360 page, an
//! export). The [`Explain`] trait and the figure formats are custval-base's, shared with every
//! crate that explains its results; the config checks every classifier shares live here.

use serde::{Deserialize, Serialize};

pub use custval_base::Explain;
pub(crate) use custval_base::format::{fixed, percent};
pub(crate) use custval_base::known;

/// A customer's class and the rule that decided it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Assigned<C, R> {
    /// The class (a small `Copy` enum with a snake_case id).
    pub class: C,
    /// The deciding rule with its figures.
    pub rule: R,
}

impl<C, R: Explain> Assigned<C, R> {
    /// The deciding rule in English, e.g. "current value score 81.2 ≥ high cut 64.0 (top 20%)".
    pub fn rule_en(&self) -> String {
        self.rule.explain_en()
    }

    /// The deciding rule in Chinese, e.g. "当前价值得分 81.2 ≥ 高值线 64.0（前20%）".
    pub fn rule_zh(&self) -> String {
        self.rule.explain_zh()
    }
}

/// Checks that a quantile or share lies strictly between 0 and 1.
pub(crate) fn open_unit(field: &'static str, value: f64) -> Result<(), crate::ClassifyError> {
    if value > 0.0 && value < 1.0 {
        Ok(())
    } else {
        Err(crate::ClassifyError::Config {
            field,
            value,
            reason: "must be strictly between 0 and 1",
        })
    }
}

/// Checks that a per-customer input has one entry per customer.
pub(crate) fn same_len(
    what: &'static str,
    expected: usize,
    got: usize,
) -> Result<(), crate::ClassifyError> {
    if expected == got {
        Ok(())
    } else {
        Err(crate::ClassifyError::LengthMismatch {
            what,
            expected,
            got,
        })
    }
}
