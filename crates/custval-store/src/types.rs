//! The plain values the [`Store`](crate::Store) API takes and returns besides the shared
//! records of `custval-model`: import counts, result queries and pages, overrides, audit
//! entries, users and roles.
//!
//! They live here rather than in `custval-model` because only the store's callers (CLI, web)
//! need them; the evaluation engine never sees a user or an audit entry.

use std::fmt;
use std::ops::AddAssign;
use std::str::FromStr;

use custval_model::{CustomerResult, Day, RunId};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// How to open a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenOptions {
    /// Create the file if it is missing (`custval init`); otherwise a missing file is
    /// [`StoreError::NotInitialised`].
    pub create: bool,
}

/// What an import call did: `accepted` rows were stored (inserted, or for upserted tables
/// inserted or changed), `duplicates` were already there unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportCounts {
    pub accepted: u64,
    pub duplicates: u64,
}

impl AddAssign for ImportCounts {
    fn add_assign(&mut self, other: ImportCounts) {
        self.accepted += other.accepted;
        self.duplicates += other.duplicates;
    }
}

/// Row counts of the store's tables, for `custval status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TableCounts {
    pub customers: u64,
    pub transactions: u64,
    pub costs: u64,
    pub interactions: u64,
    pub surveys: u64,
    pub contracts: u64,
    pub payments: u64,
    pub runs: u64,
    pub overrides: u64,
    pub users: u64,
    pub audit_log: u64,
}

/// Order of a result list. Each has its natural direction (scores and money descending, ids
/// and names ascending); ties are broken by the list order (score, then customer id) so that
/// pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultSort {
    #[default]
    Score,
    Clv,
    Spend12m,
    CustomerId,
    Name,
}

impl FromStr for ResultSort {
    type Err = String;

    fn from_str(s: &str) -> Result<ResultSort, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "score" => Ok(ResultSort::Score),
            "clv" => Ok(ResultSort::Clv),
            "spend_12m" | "spend" => Ok(ResultSort::Spend12m),
            "customer_id" | "id" => Ok(ResultSort::CustomerId),
            "name" => Ok(ResultSort::Name),
            other => Err(format!(
                "unknown sort {other:?}: expected score, clv, spend_12m, customer_id or name"
            )),
        }
    }
}

/// Filters, order and page of a result list. Filters combine with AND; `None` means no filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultQuery {
    pub tier: Option<String>,
    /// Matches any of `value_class`, `lifecycle`, `potential_tier` or `profit_loyalty`.
    pub class: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    /// The account owner (a sales user sees only their own).
    pub owner: Option<String>,
    /// Substring of the customer id or name; ASCII letters match case-insensitively.
    pub search: Option<String>,
    pub sort: ResultSort,
    pub offset: u64,
    pub limit: u64,
}

impl Default for ResultQuery {
    /// No filter, by score, the first 50.
    fn default() -> ResultQuery {
        ResultQuery {
            tier: None,
            class: None,
            industry: None,
            region: None,
            owner: None,
            search: None,
            sort: ResultSort::Score,
            offset: 0,
            limit: 50,
        }
    }
}

/// One page of results and how many match in all.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ResultPage {
    pub total: u64,
    pub results: Vec<CustomerResult>,
}

/// A customer's tier in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierPoint {
    pub run: RunId,
    pub as_of: Day,
    pub tier: String,
    pub score: f64,
}

/// A customer's net spend in one calendar month (refunds netted), for the customer page's
/// spend line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonthSpend {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// Sum of the month's order lines (returns are negative).
    pub amount: f64,
    /// Number of order lines.
    pub lines: u64,
}

/// A manual tier override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub customer_id: String,
    pub tier: String,
    pub reason: String,
    pub author: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// Last day the override applies (inclusive); `None` until cleared.
    pub until: Option<Day>,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
    /// From where: the client address (web, API) or `cli:<OS user>`; empty before schema v8.
    #[serde(default)]
    pub source: String,
}

/// An alert raised by a run, stored with it. `body` is the alert as its rule wrote it
/// (evidence, explanation, suggested action) as JSON, opaque to the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAlert {
    pub customer_id: String,
    /// The customer's owner, so that a sales user's alert list is one index range.
    pub owner: Option<String>,
    pub rule: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    pub body: String,
}

/// A stored alert and what users did with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAlert {
    pub id: i64,
    pub run: RunId,
    pub customer_id: String,
    pub owner: Option<String>,
    pub rule: String,
    pub severity: String,
    pub body: serde_json::Value,
    /// `open` or `acknowledged`.
    pub status: String,
    pub assignee: Option<String>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
    /// When a webhook accepted it (RFC 3339 UTC).
    pub delivered_at: Option<String>,
}

/// Which alerts to list; `None` is no filter. Most severe first, then by customer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AlertQuery {
    pub run: Option<RunId>,
    pub customer_id: Option<String>,
    pub owner: Option<String>,
    pub status: Option<String>,
    pub rule: Option<String>,
    pub severity: Option<String>,
    pub offset: u64,
    /// 0 means no limit.
    pub limit: u64,
}

/// A customer's account plan as stored: the plan document (custval-accounts' `AccountPlan` as
/// JSON) and who saved it last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPlan {
    pub customer_id: String,
    pub plan: serde_json::Value,
    /// RFC 3339 UTC.
    pub updated_at: String,
    pub updated_by: String,
}

/// What the key-accounts list shows beside a customer's result: the next review date of its
/// saved plan and its open alerts in a run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanFacts {
    pub customer_id: String,
    /// Whether a plan was saved.
    pub has_plan: bool,
    /// The plan's `next_review` (`YYYY-MM-DD`), if set.
    pub next_review: Option<String>,
    /// Alerts of the run still `open`.
    pub open_alerts: u64,
}

/// What a user may do (DOMAIN §11); sales users see only the customers they own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Analyst,
    Manager,
    Sales,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Manager => "manager",
            Role::Sales => "sales",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Role, StoreError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "analyst" => Ok(Role::Analyst),
            "manager" => Ok(Role::Manager),
            "sales" => Ok(Role::Sales),
            _ => Err(StoreError::UnknownRole(s.to_string())),
        }
    }
}

/// A user of the web app and API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The `owner` value of the customers a sales user may see.
    pub owner_id: Option<String>,
    /// False for token-only users.
    pub has_password: bool,
    /// RFC 3339 UTC.
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_print() {
        for r in [Role::Admin, Role::Analyst, Role::Manager, Role::Sales] {
            assert_eq!(r.as_str().parse::<Role>().ok(), Some(r));
        }
        assert_eq!(" Sales ".parse::<Role>().ok(), Some(Role::Sales));
        assert!(matches!(
            "boss".parse::<Role>(),
            Err(StoreError::UnknownRole(_))
        ));
    }

    #[test]
    fn sorts_parse() {
        assert_eq!("clv".parse::<ResultSort>(), Ok(ResultSort::Clv));
        assert_eq!("spend_12m".parse::<ResultSort>(), Ok(ResultSort::Spend12m));
        assert!("rank".parse::<ResultSort>().is_err());
    }
}
