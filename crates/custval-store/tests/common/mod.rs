//! Helpers shared by the integration tests: a fresh store in a temporary directory and short
//! record constructors.
#![allow(dead_code)]

use custval_model::InteractionKind;
use custval_store::{
    ContractRecord, CostRecord, CustomerRecord, CustomerResult, Day, InteractionRecord,
    OpenOptions, PaymentRecord, SqliteStore, SurveyRecord, TxRecord,
};
use tempfile::TempDir;

/// A new, initialised store in its own temporary directory (kept alive by the `TempDir`).
pub async fn fresh() -> (TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("custval.db");
    let mut store = SqliteStore::open(path.to_str().unwrap(), OpenOptions { create: true })
        .await
        .unwrap();
    // Personal fields are stored only sealed: the store needs a key to import them.
    let key = custval_store::crypto::Key::generate().unwrap();
    store.unlock(Some(key)).await.unwrap();
    (dir, store)
}

/// Days since 1970-01-01 of a calendar date.
pub fn d(y: i32, m: u32, day: u32) -> Day {
    let date = chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    (date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as Day
}

pub fn tx(order: Option<&str>, cust: &str, date: Day, amount: f64) -> TxRecord {
    TxRecord {
        order_id: order.map(str::to_string),
        customer_id: cust.to_string(),
        date,
        amount,
        cost: None,
        category: None,
        quantity: None,
        channel: None,
    }
}

pub fn txc(order: Option<&str>, cust: &str, date: Day, amount: f64, category: &str) -> TxRecord {
    TxRecord {
        category: Some(category.to_string()),
        cost: Some(amount / 2.0),
        quantity: Some(1.0),
        channel: Some("web".to_string()),
        ..tx(order, cust, date, amount)
    }
}

pub fn customer(id: &str, name: &str, signup: Option<Day>) -> CustomerRecord {
    CustomerRecord {
        customer_id: id.to_string(),
        name: Some(name.to_string()),
        industry: Some("医药".to_string()),
        region: Some("华东".to_string()),
        size: Some("medium".to_string()),
        signup_date: signup,
        owner: Some("rep1".to_string()),
        phone: Some("555-0001".to_string()),
        email: Some(format!("{id}@example.com")),
        wallet: None,
    }
}

pub fn cost(cust: &str, period: Day, sales: f64, service: f64) -> CostRecord {
    CostRecord {
        customer_id: cust.to_string(),
        period,
        sales_cost: sales,
        service_cost: service,
    }
}

pub fn interaction(cust: &str, date: Day, kind: InteractionKind) -> InteractionRecord {
    InteractionRecord {
        customer_id: cust.to_string(),
        date,
        kind,
    }
}

pub fn survey(cust: &str, date: Day, csat: Option<f64>, nps: Option<f64>) -> SurveyRecord {
    SurveyRecord {
        customer_id: cust.to_string(),
        date,
        csat,
        nps,
    }
}

pub fn contract(cust: &str, start: Day, end: Option<Day>, renewed: Option<bool>) -> ContractRecord {
    ContractRecord {
        customer_id: cust.to_string(),
        start,
        end,
        renewed,
    }
}

pub fn payment(
    cust: &str,
    invoice: Day,
    due: Day,
    paid: Option<Day>,
    amount: Option<f64>,
) -> PaymentRecord {
    PaymentRecord {
        customer_id: cust.to_string(),
        invoice_date: invoice,
        due_date: due,
        paid_date: paid,
        amount,
    }
}

/// A result row with the filterable fields set.
pub fn result(id: &str, tier: &str, score: f64) -> CustomerResult {
    CustomerResult {
        customer_id: id.to_string(),
        name: Some(format!("Name {id}")),
        industry: Some("retail".to_string()),
        region: Some("north".to_string()),
        owner: Some("rep1".to_string()),
        tier: tier.to_string(),
        value_class: "most_valuable".to_string(),
        potential_tier: "high".to_string(),
        lifecycle: "loyal".to_string(),
        profit_loyalty: "true_friend".to_string(),
        cluster: Some(1),
        rfm_segment: Some("Champions".to_string()),
        score,
        value_score: score,
        potential_score: score / 2.0,
        spend_12m: Some(score * 100.0),
        clv: Some(score * 10.0),
        p_alive: Some(0.9),
        detail: format!("{{\"id\":\"{id}\"}}"),
        ..CustomerResult::default()
    }
}
