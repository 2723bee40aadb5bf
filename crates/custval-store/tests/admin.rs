//! Overrides with their audit entries, the audit log, users, passwords and tokens.

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
use custval_store::{Role, StoreError};

#[tokio::test]
async fn overrides_are_audited_and_expire() {
    let (_dir, store) = fresh().await;
    store
        .import_customers(&[customer("C1", "One", None), customer("C2", "Two", None)])
        .await
        .unwrap();
    let today = d(2026, 1, 10);

    assert!(matches!(
        store.set_override("C9", "A", "vip", "ann", None).await,
        Err(StoreError::UnknownCustomer(_))
    ));
    store
        .set_override("C1", "A", "strategic partner", "ann", Some(d(2026, 3, 31)))
        .await
        .unwrap();
    let o = store.active_override("C1", today).await.unwrap().unwrap();
    assert_eq!(
        (o.tier.as_str(), o.reason.as_str(), o.author.as_str()),
        ("A", "strategic partner", "ann")
    );
    assert_eq!(o.until, Some(d(2026, 3, 31)));
    // In force through its last day, not after.
    assert!(
        store
            .active_override("C1", d(2026, 3, 31))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .active_override("C1", d(2026, 4, 1))
            .await
            .unwrap()
            .is_none()
    );

    // A new override replaces the old one.
    store
        .set_override("C1", "B", "downgrade", "bob", None)
        .await
        .unwrap();
    store
        .set_override("C2", "C", "dispute", "bob", None)
        .await
        .unwrap();
    let o = store.active_override("C1", today).await.unwrap().unwrap();
    assert_eq!((o.tier.as_str(), o.until), ("B", None));
    let all = store.active_overrides(today).await.unwrap();
    assert_eq!(
        all.iter()
            .map(|o| (o.customer_id.as_str(), o.tier.as_str()))
            .collect::<Vec<_>>(),
        [("C1", "B"), ("C2", "C")]
    );

    assert!(store.clear_override("C1", "cat").await.unwrap());
    assert!(!store.clear_override("C1", "cat").await.unwrap());
    assert!(store.active_override("C1", today).await.unwrap().is_none());
    assert_eq!(store.active_overrides(today).await.unwrap().len(), 1);

    let log = store.audit_log(100).await.unwrap();
    let actions: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str(), e.subject.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("cat", "override.clear", "C1"),
            ("cat", "override.clear", "C1"),
            ("bob", "override.set", "C2"),
            ("bob", "override.set", "C1"),
            ("ann", "override.set", "C1"),
        ]
    );
    assert_eq!(log[4].detail["until"], "2026-03-31");
    assert_eq!(log[4].detail["reason"], "strategic partner");
    assert_eq!(log[0].detail["cleared"], 0);
    assert_eq!(log[1].detail["cleared"], 1);
    assert_eq!(store.table_counts().await.unwrap().overrides, 3);

    store
        .audit(
            "ann",
            "export",
            "customers.xlsx",
            &serde_json::json!({"rows": 12}),
        )
        .await
        .unwrap();
    let log = store.audit_log(1).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].action.as_str(), log[0].detail["rows"].as_i64()),
        ("export", Some(12))
    );
}

#[tokio::test]
async fn users_passwords_and_tokens() {
    let (_dir, store) = fresh().await;
    let admin = store
        .add_user("root", Role::Admin, None, Some("correct horse"))
        .await
        .unwrap();
    assert!(admin.has_password);
    let sales = store
        .add_user("sam", Role::Sales, Some("rep7"), None)
        .await
        .unwrap();
    assert_eq!(
        (sales.role, sales.owner_id.as_deref(), sales.has_password),
        (Role::Sales, Some("rep7"), false)
    );
    assert!(matches!(
        store.add_user("root", Role::Analyst, None, None).await,
        Err(StoreError::UserExists(_))
    ));
    // Issue 18: one password rule for every front end, checked here.
    assert!(matches!(
        store
            .add_user("shorty", Role::Analyst, None, Some("1234567"))
            .await,
        Err(StoreError::WeakPassword(8))
    ));
    assert!(
        store
            .users()
            .await
            .unwrap()
            .iter()
            .all(|u| u.name != "shorty")
    );

    assert_eq!(
        store
            .verify_password("root", "correct horse")
            .await
            .unwrap(),
        Some(admin.clone())
    );
    assert_eq!(store.verify_password("root", "wrong").await.unwrap(), None);
    assert_eq!(
        store.verify_password("sam", "").await.unwrap(),
        None,
        "token-only user"
    );
    assert_eq!(store.verify_password("nobody", "x").await.unwrap(), None);

    assert_eq!(store.user("sam").await.unwrap(), Some(sales.clone()));
    assert_eq!(store.user("nobody").await.unwrap(), None);
    let names: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["root", "sam"]);

    let t1 = store.create_token("sam").await.unwrap();
    let t2 = store.create_token("sam").await.unwrap();
    assert_ne!(t1, t2);
    assert!(t1.starts_with("cvt_") && t1.len() == 4 + 64, "{t1}");
    assert_eq!(
        store.user_for_token(&t1).await.unwrap(),
        Some(sales.clone())
    );
    assert_eq!(store.user_for_token(&t2).await.unwrap(), Some(sales));
    assert_eq!(store.user_for_token("cvt_0000").await.unwrap(), None);
    assert!(matches!(
        store.create_token("nobody").await,
        Err(StoreError::UnknownUser(_))
    ));

    // Only hashes are stored: the token text is nowhere in the file.
    store.close().await;
    let bytes = std::fs::read(store.path()).unwrap();
    let needle = t1.as_bytes();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle));
}
