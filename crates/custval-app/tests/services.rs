//! The other services of custval-app on a real SQLite store: evaluate and store a run, pick a
//! run, explain a customer, migrations and alerts between two runs, the key-accounts list
//! (an override counts), account plans, and the report's data. Each test states what a front
//! end relies on; the numbers themselves are the engines' (tested in their crates).

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{day, evaluate, store_with_owners};
use custval_app::AppError;
use custval_app::key_accounts::{KeyAccountQuery, KeySort};
use custval_store::AlertQuery;
use custval_store::prelude::*;

#[tokio::test]
async fn a_second_run_compares_with_the_first_and_every_front_end_reads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with_owners(&dir).await;
    let first = store.latest_run().await.expect("runs").expect("run");

    // evaluate_one: a second, later run, compared with the first.
    let out = evaluate(&store, day(2025, 9, 30), async {}).await;
    assert_eq!(out.previous_run, Some(first.id));
    assert_eq!(out.tiers.values().sum::<u64>(), out.customers);
    assert_eq!(out.as_of, "2025-09-30");

    // pick_run: the latest by default; an unknown id names the runs there are.
    let latest = custval_app::pick_run(&store, None).await.expect("latest");
    assert_eq!(latest.id, out.run);
    match custval_app::pick_run(&store, Some(999)).await {
        Err(AppError::Invalid { what, valid, .. }) => {
            assert_eq!(what, "run");
            assert!(
                valid.contains(&format!("{} (2025-09-30)", out.run)),
                "{valid}"
            );
        }
        other => panic!("{other:?}"),
    }

    // customer_view: explained, with its tier history over both runs.
    let shown = custval_app::customer_view(&store, &latest, "C005", day(2025, 10, 1))
        .await
        .expect("view")
        .expect("in the run");
    let j = serde_json::to_value(&shown).expect("json");
    assert_eq!(j["customer_id"], "C005");
    assert!(
        j["contributions"]
            .as_object()
            .is_some_and(|c| !c.is_empty()),
        "{j}"
    );
    assert_eq!(j["tier_history"].as_array().map(Vec::len), Some(2), "{j}");
    assert!(
        custval_app::customer_view(&store, &latest, "NOPE", day(2025, 10, 1))
            .await
            .expect("view")
            .is_none()
    );

    // Migrations: every customer of both runs counted once.
    let m = custval_app::dynamics::migrations(&store, first.id, out.run)
        .await
        .expect("migrations");
    let counted: u64 = m.matrix.iter().flatten().sum();
    assert_eq!(counted, out.customers.max(first.customers));
    assert_eq!(m.labels.last().map(String::as_str), Some("none"));

    // Alerts of the second run, as listed to every front end.
    let alerts = custval_app::dynamics::alerts(
        &store,
        &AlertQuery {
            run: Some(out.run),
            ..AlertQuery::default()
        },
    )
    .await
    .expect("alerts");
    assert_eq!(
        alerts.len() as u64,
        out.alerts.values().sum::<u64>(),
        "the alerts evaluate reported are the alerts listed"
    );
    assert!(alerts.iter().all(|a| a.run == out.run));
}

#[tokio::test]
async fn an_override_makes_a_key_account_and_plans_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with_owners(&dir).await;
    let run = store.latest_run().await.expect("runs").expect("run");
    let tiers = custval_app::key_accounts::plan_tiers(&run);
    assert_eq!(tiers, ["A"], "the default plan tiers");
    let today = day(2025, 4, 15);
    let q = KeyAccountQuery {
        tier: None,
        owner: None,
        sort: KeySort::Score,
        offset: 0,
        limit: 1000,
    };
    let before = custval_app::key_accounts::key_accounts(&store, &run, &tiers, &q, today)
        .await
        .expect("list");
    assert_eq!(before.total, before.rows.len() as u64);
    assert!(before.rows.iter().all(|r| r.tier == "A"));
    let c = store
        .snapshot(run.id)
        .await
        .expect("snapshot")
        .into_iter()
        .find(|r| r.tier == "C")
        .expect("a tier-C customer");
    store
        .set_override(&c.customer_id, "A", "strategic", "ann", None)
        .await
        .expect("override");
    let after = custval_app::key_accounts::key_accounts(&store, &run, &tiers, &q, today)
        .await
        .expect("list");
    assert_eq!(after.total, before.total + 1);
    let row = after
        .rows
        .iter()
        .find(|r| r.customer_id == c.customer_id)
        .expect("the overridden customer is a key account");
    assert_eq!(row.tier, "A");

    // A plan: saved, then read back as the account manager's view.
    let mut view =
        custval_app::plans::plan_view(&store, &run, &c.customer_id, custval_accounts::Lang::En)
            .await
            .expect("view")
            .expect("a key account has a plan view");
    view.plan.goals = vec!["renew the framework contract".into()];
    custval_app::plans::save_plan(&store, &view.plan, "ann")
        .await
        .expect("save");
    let again =
        custval_app::plans::plan_view(&store, &run, &c.customer_id, custval_accounts::Lang::En)
            .await
            .expect("view")
            .expect("view");
    assert_eq!(again.plan.goals, ["renew the framework contract"]);
}

#[tokio::test]
async fn the_report_data_covers_every_customer_of_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with_owners(&dir).await;
    let run = store.latest_run().await.expect("runs").expect("run");
    let summary = custval_app::summary(&run).expect("summary");
    let results = store.snapshot(run.id).await.expect("snapshot");
    let data =
        custval_app::report_data::build(&run, &summary, &results, &[], custval_report::Lang::En);
    let in_tiers: u64 = data.tiers.iter().map(|t| t.customers).sum();
    assert_eq!(in_tiers, run.customers);
    assert_eq!(
        data.tiers
            .iter()
            .map(|t| t.tier.as_str())
            .collect::<Vec<_>>(),
        ["A", "B", "C"]
    );
    let last = data.pareto.last().copied().expect("a curve");
    assert!(
        (last.0 - 1.0).abs() < 1e-9 && (last.1 - 1.0).abs() < 1e-9,
        "{last:?}"
    );
}
