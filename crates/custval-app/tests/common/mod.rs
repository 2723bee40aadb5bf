//! A small store shared by custval-app's tests: 80 customers with two years of orders
//! (deterministic), master data with owners, evaluated once.

#![allow(dead_code)]

use custval_model::{CustomerRecord, Day, TxRecord};
use custval_store::prelude::*;
use custval_store::{OpenOptions, SqliteStore};

pub fn day(y: i32, m: u32, d: u32) -> Day {
    custval_model::date::days_from_ymd(y, m, d).expect("date")
}

pub fn order(id: &str, customer: usize, date: Day, amount: f64) -> TxRecord {
    TxRecord {
        order_id: Some(id.to_string()),
        customer_id: format!("C{customer:03}"),
        date,
        amount,
        cost: None,
        category: None,
        quantity: Some(1.0),
        channel: None,
    }
}

/// A store of 80 customers with two years of orders (deterministic), evaluated once.
pub async fn store_with_a_run(dir: &tempfile::TempDir) -> SqliteStore {
    build(dir, false).await
}

/// [`store_with_a_run`] with master data (names, industries, owners `rep0`..`rep2`) imported
/// before the run.
pub async fn store_with_owners(dir: &tempfile::TempDir) -> SqliteStore {
    build(dir, true).await
}

async fn build(dir: &tempfile::TempDir, master: bool) -> SqliteStore {
    let db = dir.path().join("custval.db");
    let store = SqliteStore::open(&db.display().to_string(), OpenOptions { create: true })
        .await
        .expect("store");
    if master {
        add_master_data(&store).await;
    }
    let mut txs = Vec::new();
    let start = day(2024, 1, 1);
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for c in 0..80 {
        let gap = 10 + (next() * 80.0) as i32;
        let stop = if c % 5 == 0 { 300 } else { 700 };
        let mut d = (next() * 60.0) as i32;
        let mut k = 0;
        while d < stop {
            let amount = (50.0 + next() * 900.0 * (1 + c % 7) as f64).round();
            txs.push(order(&format!("O{c:03}-{k:03}"), c, start + d, amount));
            d += gap + (next() * 30.0) as i32;
            k += 1;
        }
    }
    store.import_transactions(&txs).await.expect("import");
    evaluate(&store, day(2025, 3, 31), async {}).await;
    store
}

/// The default configuration with BG/NBD as the purchase model: "auto" also fits Pareto/NBD,
/// and the test is not about the model.
pub fn config() -> String {
    custval_config::DEFAULT_TOML.replace("clv_model = \"auto\"", "clv_model = \"bgnbd\"")
}

pub async fn evaluate(
    store: &SqliteStore,
    as_of: Day,
    after_load: impl std::future::Future<Output = ()>,
) -> custval_app::RunOut {
    let text = config();
    let (plan, _) = custval_eval::from_config::plan(&text).expect("plan");
    custval_app::evaluate_one_then(store, as_of, &text, &plan, after_load)
        .await
        .expect("evaluate")
}

/// Owners of the test customers: `rep{c % 3}`.
pub fn owner_of(c: usize) -> String {
    format!("rep{}", c % 3)
}

/// Master data for the 80 customers, with owners and names.
pub async fn add_master_data(store: &SqliteStore) {
    let rows: Vec<CustomerRecord> = (0..80)
        .map(|c| CustomerRecord {
            customer_id: format!("C{c:03}"),
            name: Some(format!("Company {c:03}")),
            industry: Some(if c % 2 == 0 { "制造" } else { "金融" }.to_string()),
            region: Some("east".to_string()),
            size: None,
            signup_date: None,
            owner: Some(owner_of(c)),
            phone: None,
            email: None,
            wallet: None,
        })
        .collect();
    store.import_customers(&rows).await.expect("customers");
}
