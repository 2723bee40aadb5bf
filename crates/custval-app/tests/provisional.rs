//! Provisional updates and evaluations that overlap (issue 18 finding 5): an import that
//! commits while an evaluation runs must not lose its provisional update. The overlap is made
//! deterministic by importing in the evaluation's `after_load` hook, i.e. after it loaded its
//! data and before it stores its run.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{day, evaluate, order, store_with_a_run};
use custval_app::provisional;
use custval_model::TxRecord;
use custval_store::SqliteStore;
use custval_store::prelude::*;

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
