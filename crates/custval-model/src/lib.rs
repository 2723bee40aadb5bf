//! The records custval works on, as plain data shared by the edges (ingestion, store) and the
//! pure engine (evaluation).
//!
//! Why a crate of its own: the store must not depend on the engine, nor the engine on the
//! store, yet both speak of the same orders, customers and payments. Putting the vocabulary
//! here keeps each of them replaceable (a PostgreSQL store, a DataFusion feature extractor)
//! without touching the other.
//!
//! Two shapes on purpose:
//! - **Records** ([`TxRecord`], [`CustomerRecord`], …) are what an import file row becomes:
//!   customer ids as text, every optional field an `Option`. They cross the import boundary
//!   once and are not kept in memory in bulk.
//! - **The [`Dataset`]** is what an evaluation reads: customers interned to dense `u32` keys,
//!   categories interned, transactions as 24-byte [`Tx`] values sorted by customer and day. At
//!   20M transactions that is ~0.5 GB instead of several GB of strings, and per-customer work
//!   becomes a walk over contiguous slices.
//!
//! Dates are whole days since 1970-01-01 (`i32`), the same convention as `custval-ingest`.

pub mod date;

use serde::{Deserialize, Serialize};

/// Days since 1970-01-01.
pub type Day = i32;

/// The tiers a customer can be in, highest first: the one list every crate, filter and chart
/// uses.
pub const TIERS: [&str; 3] = ["A", "B", "C"];

/// One order line as imported. A negative `amount` is a return or refund; it nets against
/// revenue in every feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TxRecord {
    pub order_id: Option<String>,
    pub customer_id: String,
    pub date: Day,
    pub amount: f64,
    /// Cost of goods for the line, when the company exports it (gross margin needs it).
    pub cost: Option<f64>,
    pub category: Option<String>,
    pub quantity: Option<f64>,
    pub channel: Option<String>,
}

/// Customer master data. Contact details are personal data: stored, never used for scoring,
/// masked for roles that must not see them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerRecord {
    pub customer_id: String,
    pub name: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub size: Option<String>,
    pub signup_date: Option<Day>,
    pub owner: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Estimated total spend of the customer in the company's category (share of wallet).
    pub wallet: Option<f64>,
}

/// Sales and service cost attributed to a customer for one period (a month).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostRecord {
    pub customer_id: String,
    /// First day of the period.
    pub period: Day,
    pub sales_cost: f64,
    pub service_cost: f64,
}

/// A service contact, complaint, new-business inquiry or referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InteractionRecord {
    pub customer_id: String,
    pub date: Day,
    pub kind: InteractionKind,
}

/// A survey answer: satisfaction (CSAT, usually 1–5) and/or NPS (0–10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyRecord {
    pub customer_id: String,
    pub date: Day,
    pub csat: Option<f64>,
    pub nps: Option<f64>,
}

/// A contract term; `renewed` is unknown while the term runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractRecord {
    pub customer_id: String,
    pub start: Day,
    pub end: Option<Day>,
    pub renewed: Option<bool>,
}

/// An invoice and when it was paid (unpaid: `paid_date` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentRecord {
    pub customer_id: String,
    pub invoice_date: Day,
    pub due_date: Day,
    pub paid_date: Option<Day>,
    pub amount: Option<f64>,
}

/// What an interaction was. Exports name these in many ways; [`InteractionKind::parse`]
/// accepts the English and Chinese names in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionKind {
    ServiceTicket,
    Complaint,
    Inquiry,
    Referral,
    Other,
}

impl InteractionKind {
    /// Maps a kind as written in a file; unknown kinds are [`InteractionKind::Other`] (kept,
    /// counted nowhere) rather than rejected, because CRMs invent new contact types often.
    pub fn parse(text: &str) -> InteractionKind {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "service_ticket" | "service" | "ticket" | "support" | "服务" | "服务工单" | "工单"
            | "售后" => InteractionKind::ServiceTicket,
            "complaint" | "complain" | "投诉" => InteractionKind::Complaint,
            "inquiry" | "enquiry" | "new_business" | "lead" | "咨询" | "新业务咨询" | "询价" => {
                InteractionKind::Inquiry
            }
            "referral" | "refer" | "推荐" | "转介绍" => InteractionKind::Referral,
            _ => InteractionKind::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InteractionKind::ServiceTicket => "service_ticket",
            InteractionKind::Complaint => "complaint",
            InteractionKind::Inquiry => "inquiry",
            InteractionKind::Referral => "referral",
            InteractionKind::Other => "other",
        }
    }
}

/// Sentinel for "no category" in [`Tx::category`].
pub const NO_CATEGORY: u32 = u32::MAX;

/// One order line in a [`Dataset`]: 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tx {
    /// Dense customer key: index into [`Dataset::customers`].
    pub cust: u32,
    /// Index into [`Dataset::categories`], or [`NO_CATEGORY`].
    pub category: u32,
    pub day: Day,
    /// Cost of goods as `f32` (NaN = unknown): margins need two significant digits, and the
    /// saved bytes matter at 20M lines.
    pub cost: f32,
    pub amount: f64,
}

/// A customer's master data as the engine needs it (no personal data).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerInfo {
    pub id: String,
    pub name: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub size: Option<String>,
    pub owner: Option<String>,
    pub signup: Option<Day>,
    pub wallet: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    pub cust: u32,
    pub period: Day,
    pub sales: f64,
    pub service: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interaction {
    pub cust: u32,
    pub day: Day,
    pub kind: InteractionKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Survey {
    pub cust: u32,
    pub day: Day,
    pub csat: Option<f64>,
    pub nps: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contract {
    pub cust: u32,
    pub start: Day,
    pub end: Option<Day>,
    pub renewed: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Payment {
    pub cust: u32,
    pub invoice: Day,
    pub due: Day,
    pub paid: Option<Day>,
    pub amount: Option<f64>,
}

/// Everything an evaluation reads, with customers interned to dense keys.
///
/// Invariants the loader guarantees and the engine relies on: every `cust` is a valid index
/// into `customers`; `tx` is sorted by (`cust`, `day`); the other tables are sorted by `cust`.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub customers: Vec<CustomerInfo>,
    pub categories: Vec<String>,
    pub tx: Vec<Tx>,
    pub costs: Vec<Cost>,
    pub interactions: Vec<Interaction>,
    pub surveys: Vec<Survey>,
    pub contracts: Vec<Contract>,
    pub payments: Vec<Payment>,
}

impl Dataset {
    /// Sorts every table into the order the engine expects; loaders call it once.
    pub fn sort(&mut self) {
        self.tx.sort_unstable_by_key(|t| (t.cust, t.day));
        self.costs.sort_by_key(|c| (c.cust, c.period));
        self.interactions.sort_by_key(|i| (i.cust, i.day));
        self.surveys.sort_by_key(|s| (s.cust, s.day));
        self.contracts.sort_by_key(|c| (c.cust, c.start));
        self.payments.sort_by_key(|p| (p.cust, p.invoice));
    }

    /// Frees the fact tables (order lines, costs, interactions, surveys, contracts,
    /// payments), keeping customers and categories: what an evaluation needs once its
    /// per-customer features are computed.
    pub fn release_facts(&mut self) {
        self.tx = Vec::new();
        self.costs = Vec::new();
        self.interactions = Vec::new();
        self.surveys = Vec::new();
        self.contracts = Vec::new();
        self.payments = Vec::new();
    }

    /// Splits a table sorted by customer into one slice per customer (`ranges[c]` holds
    /// customer `c`'s rows): O(rows), no allocation per customer.
    pub fn ranges_by_customer<T>(&self, rows: &[T], cust: impl Fn(&T) -> u32) -> Vec<(u32, u32)> {
        let n = self.customers.len();
        let mut ranges = vec![(0u32, 0u32); n];
        let mut start = 0usize;
        while start < rows.len() {
            let c = cust(&rows[start]);
            let mut end = start + 1;
            while end < rows.len() && cust(&rows[end]) == c {
                end += 1;
            }
            if let Some(r) = ranges.get_mut(c as usize) {
                *r = (start as u32, end as u32);
            }
            start = end;
        }
        ranges
    }
}

/// Identifier of an evaluation run.
pub type RunId = i64;

/// One evaluation run as stored: immutable once written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub id: RunId,
    pub as_of: Day,
    /// RFC 3339 UTC timestamp of when the run was stored.
    pub created_at: String,
    pub customers: u64,
    pub seconds: f64,
    /// The `custval.toml` text the run used, verbatim (a run is reproducible from it).
    pub config: String,
    /// Run-level results as JSON chosen by the engine (weights, normalization parameters, cuts,
    /// CLV fit and calibration, tier and class counts). Opaque to the store.
    pub meta: String,
}

/// What a run stores for one customer. The columns the store filters and sorts on are
/// fields; everything else the engine needs to explain the result is in `detail` (JSON text,
/// opaque to the store) so that the schema does not change when an explanation gains a field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerResult {
    pub customer_id: String,
    pub name: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub owner: Option<String>,
    pub tier: String,
    pub value_class: String,
    pub potential_tier: String,
    pub lifecycle: String,
    pub profit_loyalty: String,
    pub cluster: Option<u32>,
    pub rfm_segment: Option<String>,
    pub score: f64,
    pub value_score: f64,
    pub potential_score: f64,
    pub spend_12m: Option<f64>,
    pub clv: Option<f64>,
    pub p_alive: Option<f64>,
    /// The computed tier when hysteresis kept another one in `tier`; `None` when `tier` is
    /// the computed tier.
    pub raw_tier: Option<String>,
    /// Consecutive runs, this one included, in which the computed tier differed from the
    /// stored one (0 when they agree): what hysteresis by runs counts.
    pub tier_streak: u32,
    /// Figures that alert and risk rules compare between runs.
    pub signals: Signals,
    /// Risk level (`low`, `medium`, `high`) when a risk rule fired; `None` otherwise.
    pub risk: Option<String>,
    pub detail: String,
}

/// Per-customer figures of a run that alert and risk rules compare with the previous run.
/// `None` is unknown (no survey, no invoice), never zero.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Signals {
    /// Net spend in the 12 months before the 12-month window: the same period a year earlier.
    pub spend_prev_12m: Option<f64>,
    pub orders_12m: Option<f64>,
    /// Mean days paid after the due date, of invoices due in the 12-month window.
    pub payment_delay: Option<f64>,
    /// Amount of invoices past due and unpaid at the as-of date.
    pub overdue: Option<f64>,
    pub csat: Option<f64>,
    pub nps: Option<f64>,
    pub complaints_12m: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interaction_kinds_in_english_and_chinese() {
        assert_eq!(
            InteractionKind::parse("新业务咨询"),
            InteractionKind::Inquiry
        );
        assert_eq!(
            InteractionKind::parse(" Referral "),
            InteractionKind::Referral
        );
        assert_eq!(InteractionKind::parse("投诉"), InteractionKind::Complaint);
        assert_eq!(InteractionKind::parse("site visit"), InteractionKind::Other);
    }

    #[test]
    fn ranges_split_sorted_rows_per_customer() {
        let mut d = Dataset {
            customers: vec![CustomerInfo::default(); 3],
            ..Dataset::default()
        };
        d.interactions = vec![
            Interaction {
                cust: 2,
                day: 5,
                kind: InteractionKind::Referral,
            },
            Interaction {
                cust: 0,
                day: 1,
                kind: InteractionKind::Inquiry,
            },
            Interaction {
                cust: 2,
                day: 3,
                kind: InteractionKind::Complaint,
            },
        ];
        d.sort();
        let r = d.ranges_by_customer(&d.interactions, |i| i.cust);
        assert_eq!(r, vec![(0, 1), (0, 0), (1, 3)]);
        assert_eq!(std::mem::size_of::<Tx>(), 24);
    }
}
