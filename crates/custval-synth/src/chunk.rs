//! One chunk of generated customers, held column by column until it is encoded.
//!
//! Customers are referred to by their global index (0-based); `customer_id` strings are only
//! formatted by the encoders.

/// The `customers` table of a chunk.
#[derive(Debug, Default)]
pub(crate) struct Customers {
    pub index: Vec<u64>,
    pub name: Vec<String>,
    pub industry: Vec<u8>,
    pub region: Vec<u8>,
    pub size: Vec<u8>,
    pub signup: Vec<i32>,
    pub owner: Vec<u16>,
    /// Estimated annual category spend in cents, known for about half of the customers.
    pub wallet: Vec<Option<i64>>,
}

/// The `truth` table: each customer's generating parameters.
#[derive(Debug, Default)]
pub(crate) struct Truth {
    pub index: Vec<u64>,
    pub trend: Vec<u8>,
    pub trend_start: Vec<Option<i32>>,
    pub lambda: Vec<f64>,
    pub p_dropout: Vec<f64>,
    pub dropout_day: Vec<Option<i32>>,
    pub nu: Vec<f64>,
    pub expected_spend: Vec<f64>,
    pub late_payer: Vec<bool>,
    pub satisfaction: Vec<f64>,
    pub share_of_wallet: Vec<f64>,
    pub high_maintenance: Vec<bool>,
    pub orders: Vec<u32>,
    pub revenue_cents: Vec<i64>,
}

/// The `transactions` table.
#[derive(Debug, Default)]
pub(crate) struct Transactions {
    pub index: Vec<u64>,
    pub seq: Vec<u32>,
    pub date: Vec<i32>,
    pub amount: Vec<i64>,
    pub cost: Vec<i64>,
    pub category: Vec<u8>,
    pub quantity: Vec<u32>,
    pub channel: Vec<u8>,
}

/// The `costs` table (one row per customer and month).
#[derive(Debug, Default)]
pub(crate) struct Costs {
    pub index: Vec<u64>,
    pub month: Vec<i32>,
    pub sales: Vec<i64>,
    pub service: Vec<i64>,
}

/// The `interactions` table.
#[derive(Debug, Default)]
pub(crate) struct Interactions {
    pub index: Vec<u64>,
    pub date: Vec<i32>,
    pub kind: Vec<u8>,
}

/// The `surveys` table.
#[derive(Debug, Default)]
pub(crate) struct Surveys {
    pub index: Vec<u64>,
    pub date: Vec<i32>,
    pub csat: Vec<u8>,
    pub nps: Vec<u8>,
}

/// The `contracts` table; `renewed` is `None` while the contract is still running.
#[derive(Debug, Default)]
pub(crate) struct Contracts {
    pub index: Vec<u64>,
    pub start: Vec<i32>,
    pub end: Vec<i32>,
    pub renewed: Vec<Option<bool>>,
}

/// The `payments` table (one invoice per customer and month with orders).
#[derive(Debug, Default)]
pub(crate) struct Payments {
    pub index: Vec<u64>,
    pub invoice: Vec<i32>,
    pub due: Vec<i32>,
    pub paid: Vec<Option<i32>>,
    pub amount: Vec<i64>,
}

/// Everything generated for one chunk of customers.
#[derive(Debug, Default)]
pub(crate) struct ChunkData {
    /// The `size` labels of the flavour.
    pub size_labels: [&'static str; 4],
    pub customers: Customers,
    pub truth: Truth,
    pub transactions: Transactions,
    pub costs: Costs,
    pub interactions: Interactions,
    pub surveys: Surveys,
    pub contracts: Contracts,
    pub payments: Payments,
}

impl ChunkData {
    /// Rows per table, in the order of [`crate::Table::ALL`].
    pub(crate) fn rows(&self) -> [u64; 8] {
        [
            self.customers.index.len() as u64,
            self.transactions.index.len() as u64,
            self.costs.index.len() as u64,
            self.interactions.index.len() as u64,
            self.surveys.index.len() as u64,
            self.contracts.index.len() as u64,
            self.payments.index.len() as u64,
            self.truth.index.len() as u64,
        ]
    }
}
