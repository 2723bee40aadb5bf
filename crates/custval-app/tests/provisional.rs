//! Provisional updates and evaluations that overlap (issue 18 finding 5): an import that
//! commits while an evaluation runs must not lose its provisional update. The overlap is made
//! deterministic by importing in the evaluation's `after_load` hook, i.e. after it loaded its
//! data and before it stores its run.

use custval_app::provisional;
use custval_model::{Day, TxRecord};
use custval_store::prelude::*;
use custval_store::{OpenOptions, SqliteStore};

fn day(y: i32, m: u32, d: u32) -> Day {
    custval_model::date::days_from_ymd(y, m, d).expect("date")
}

fn order(id: &str, customer: usize, date: Day, amount: f64) -> TxRecord {
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
async fn store_with_a_run(dir: &tempfile::TempDir) -> SqliteStore {
    let db = dir.path().join("custval.db");
    let store = SqliteStore::open(&db.display().to_string(), OpenOptions { create: true })
        .await
        .expect("store");
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
fn config() -> String {
    custval_config::DEFAULT_TOML.replace("clv_model = \"auto\"", "clv_model = \"bgnbd\"")
}

async fn evaluate(
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

/// The CLI's import: store the orders, then the provisional update of their customers.
async fn import_with_update(store: &SqliteStore, rows: &[TxRecord]) {
    store.import_transactions(rows).await.expect("import");
    let ids: Vec<String> = rows.iter().map(|r| r.customer_id.clone()).collect();
    let latest = rows.iter().map(|r| r.date).max();
    provisional::update(store, &ids, latest)
        .await
        .expect("update")
        .expect("a run to update against");
}

#[tokio::test]
async fn issue_18_an_import_during_evaluate_keeps_its_provisional_update() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with_a_run(&dir).await;
    let as_of = day(2025, 6, 30);
    let big = order("LATE-1", 3, as_of, 250_000.0);
    let out = evaluate(&store, as_of, import_with_update(&store, &[big])).await;

    let run = store.latest_run().await.expect("runs").expect("a run");
    assert_eq!(run.id, out.run, "the new run is the latest");
    let stored = store
        .snapshot_of(run.id, &["C003".to_string()])
        .await
        .expect("result")
        .remove(0);
    // The run was computed from data loaded before the import: it misses the order.
    let kept = provisional::of_customer(&store, &run, "C003")
        .await
        .expect("read")
        .expect("the import's provisional update survives the run");
    let (spend_run, spend_kept) = (
        stored.spend_12m.unwrap_or(0.0),
        kept.0.result.spend_12m.unwrap_or(0.0),
    );
    assert!(
        (spend_kept - spend_run - 250_000.0).abs() < 1e-6,
        "run {spend_run}, provisional {spend_kept}"
    );
    assert_eq!(kept.0.run_id, run.id, "rescored against the new run");
    let p = out.provisional.expect("evaluate reports the kept update");
    assert_eq!((p.based_on_run, p.customers), (run.id, 1));

    // Nothing imported meanwhile: nothing is provisional after the next run.
    let later = evaluate(&store, day(2025, 7, 31), async {}).await;
    assert!(later.provisional.is_none());
    let run = store.latest_run().await.expect("runs").expect("a run");
    assert!(
        provisional::of_customer(&store, &run, "C003")
            .await
            .expect("read")
            .is_none()
    );
}

#[tokio::test]
async fn issue_18_an_update_scored_against_a_superseded_run_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with_a_run(&dir).await;
    let old = store.latest_run().await.expect("runs").expect("a run");
    let new = evaluate(&store, day(2025, 6, 30), async {}).await.run;
    let ids = ["C007".to_string()];
    let mine = store.snapshot_of(new, &ids).await.expect("result");
    assert!(
        store
            .save_provisional(new, day(2025, 6, 30), &mine, &[])
            .await
            .expect("save")
    );
    // An update that began before the run was stored: the store refuses it and keeps the
    // rows based on the new run.
    let stale = store.snapshot_of(old.id, &ids).await.expect("result");
    assert!(
        !store
            .save_provisional(old.id, old.as_of, &stale, &[])
            .await
            .expect("save")
    );
    assert_eq!(store.provisional_count(new).await.expect("count"), 1);
    // The service retries against the latest run.
    let out = provisional::update(&store, &ids, None)
        .await
        .expect("update")
        .expect("a run");
    assert_eq!(out.based_on_run, new);
}
