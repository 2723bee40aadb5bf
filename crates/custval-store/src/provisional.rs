//! Provisional results: customers rescored between two runs, after an import.
//!
//! They live beside the runs, never inside one (a run is immutable): one row per customer,
//! naming the run whose frozen parameters scored it and its own as-of date, replaced by each
//! later update and ignored once a newer run exists. See `migrations/0005_provisional.sql`.

use custval_model::{CustomerResult, Day, RunId};
use serde::{Deserialize, Serialize};

/// One customer's provisional result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvisionalResult {
    /// The run whose parameters it was scored with.
    pub run_id: RunId,
    /// The date its features were computed as of.
    pub as_of: Day,
    /// When the update ran (RFC 3339).
    pub created_at: String,
    pub result: CustomerResult,
}

/// An alert a provisional update raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvisionalAlert {
    pub run_id: RunId,
    pub customer_id: String,
    pub owner: Option<String>,
    pub rule: String,
    pub severity: String,
    /// The alert as the rules wrote it (JSON).
    pub body: String,
    pub created_at: String,
}
