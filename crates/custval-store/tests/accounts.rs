//! The key-account reads (plan facts of a list page, plans in review order, open alert
//! counts) and user changes and deletions, each audited.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::*;
use custval_store::prelude::*;
use custval_store::{NewAlert, Role, StoreError};

fn alert(id: &str, owner: &str, rule: &str) -> NewAlert {
    NewAlert {
        customer_id: id.to_string(),
        owner: Some(owner.to_string()),
        rule: rule.to_string(),
        severity: "warning".to_string(),
        body: "{}".to_string(),
    }
}

#[tokio::test]
async fn plan_facts_reviews_and_open_alerts() {
    let (_dir, store) = fresh().await;
    store
        .import_customers(&[
            customer("C1", "One", None),
            customer("C2", "Two", None),
            customer("C3", "Three", None),
            customer("C4", "Four", None),
        ])
        .await
        .unwrap();
    let mut rows = vec![
        result("C1", "A", 90.0),
        result("C2", "A", 80.0),
        result("C3", "B", 50.0),
        result("C4", "A", 70.0),
    ];
    rows[3].owner = Some("rep2".to_string());
    let alerts = [
        alert("C1", "rep1", "p_alive_drop"),
        alert("C1", "rep1", "spend_drop"),
        alert("C2", "rep1", "spend_drop"),
        alert("C4", "rep2", "spend_drop"),
    ];
    let run = store
        .create_run(10, "", "{}", 1.0, &rows, &alerts)
        .await
        .unwrap();
    let plan = |review: Option<&str>| serde_json::json!({"customer_id": "x", "goals": [], "next_review": review});
    for (id, review) in [
        ("C1", Some("2026-03-01")),
        ("C2", None),
        ("C3", Some("2025-01-01")),
        ("C4", Some("2025-12-01")),
    ] {
        store
            .save_account_plan(id, &plan(review), "mia")
            .await
            .unwrap();
    }
    // One alert acknowledged: no longer open.
    let c2 = store
        .alerts(&custval_store::AlertQuery {
            customer_id: Some("C2".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(store.acknowledge_alert(c2[0].id, "mia").await.unwrap());

    let ids: Vec<String> = ["C2", "C1", "C9"].iter().map(|s| s.to_string()).collect();
    let facts = store.plan_facts(run, &ids).await.unwrap();
    let got: Vec<(&str, bool, Option<&str>, u64)> = facts
        .iter()
        .map(|f| {
            (
                f.customer_id.as_str(),
                f.has_plan,
                f.next_review.as_deref(),
                f.open_alerts,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("C2", true, None, 0),
            ("C1", true, Some("2026-03-01"), 2),
            ("C9", false, None, 0)
        ],
        "in the order asked, unknown ids included"
    );
    assert!(store.plan_facts(run, &[]).await.unwrap().is_empty());

    // Review order: tier A only, dated plans only, earliest first; C3 is tier B.
    let a = vec!["A".to_string()];
    let reviews = store.plan_reviews(run, &a, None).await.unwrap();
    assert_eq!(
        reviews,
        [
            ("C4".to_string(), "2025-12-01".to_string()),
            ("C1".to_string(), "2026-03-01".to_string())
        ]
    );
    let ab = vec!["A".to_string(), "B".to_string()];
    assert_eq!(store.plan_reviews(run, &ab, None).await.unwrap().len(), 3);
    let mine = store.plan_reviews(run, &a, Some("rep1")).await.unwrap();
    assert_eq!(mine, [("C1".to_string(), "2026-03-01".to_string())]);
    assert!(store.plan_reviews(run, &[], None).await.unwrap().is_empty());

    assert_eq!(store.open_alert_count(run, None).await.unwrap(), 3);
    assert_eq!(store.open_alert_count(run, Some("rep1")).await.unwrap(), 2);
    assert_eq!(store.open_alert_count(run, Some("rep9")).await.unwrap(), 0);
    assert_eq!(store.open_alert_count(run + 1, None).await.unwrap(), 0);

    // The counts are kept, not counted (schema v7): acknowledging moves them, assigning or
    // acknowledging twice does not, and they match a count of the alerts themselves.
    let open = store
        .alerts(&custval_store::AlertQuery {
            run: Some(run),
            owner: Some("rep1".into()),
            status: Some("open".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        store
            .assign_alert(open[0].id, Some("rep2"), "boss")
            .await
            .unwrap()
    );
    assert_eq!(store.open_alert_count(run, Some("rep1")).await.unwrap(), 2);
    assert!(store.acknowledge_alert(open[0].id, "rep1").await.unwrap());
    assert!(store.acknowledge_alert(open[0].id, "rep1").await.unwrap());
    assert_eq!(store.open_alert_count(run, Some("rep1")).await.unwrap(), 1);
    assert_eq!(store.open_alert_count(run, None).await.unwrap(), 2);
    let counted = store
        .alerts(&custval_store::AlertQuery {
            run: Some(run),
            status: Some("open".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .len();
    assert_eq!(counted, 2);
    // Raised alerts are counted whatever their status (the dashboard's alerts-per-run trend):
    // the run raised four (C1 twice, C2, C4), C2's acknowledged above; rep1 owns C1 and C2.
    assert_eq!(store.alert_count(run, None).await.unwrap(), 4);
    assert_eq!(store.alert_count(run, Some("rep1")).await.unwrap(), 3);
    assert_eq!(store.alert_count(run, Some("rep9")).await.unwrap(), 0);
    assert_eq!(store.alert_count(run + 1, None).await.unwrap(), 0);
}

#[tokio::test]
async fn users_are_changed_and_deleted_with_an_audit_trail() {
    let (_dir, store) = fresh().await;
    store
        .add_user("root", Role::Admin, None, Some("pw-long-enough"))
        .await
        .unwrap();
    store
        .add_user("sam", Role::Sales, Some("rep1"), Some("pw-long-enough"))
        .await
        .unwrap();
    let token = store.create_token("sam").await.unwrap();

    let changed = store
        .update_user("sam", Role::Manager, None, "root")
        .await
        .unwrap();
    assert_eq!(
        (changed.role, changed.owner_id.clone()),
        (Role::Manager, None)
    );
    assert_eq!(store.user("sam").await.unwrap(), Some(changed.clone()));
    assert!(changed.has_password, "the password is kept");
    assert!(matches!(
        store.update_user("nobody", Role::Sales, None, "root").await,
        Err(StoreError::UnknownUser(_))
    ));

    store.delete_user("sam", "root").await.unwrap();
    assert_eq!(store.user("sam").await.unwrap(), None);
    assert_eq!(
        store.user_for_token(&token).await.unwrap(),
        None,
        "a deleted user's token stops working"
    );
    assert!(matches!(
        store.delete_user("sam", "root").await,
        Err(StoreError::UnknownUser(_))
    ));

    let log = store.audit_log(10).await.unwrap();
    let actions: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str(), e.subject.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("root", "delete_user", "sam"),
            ("root", "update_user", "sam")
        ]
    );
    assert_eq!(log[1].detail["role"]["from"], "sales");
    assert_eq!(log[1].detail["role"]["to"], "manager");
    assert_eq!(log[1].detail["owner_id"]["from"], "rep1");
    assert_eq!(log[0].detail["tokens_revoked"], 1);
}
