//! Issue 18: API tokens expire, are listed and revoked, record their last use without turning
//! every read into a write; passwords change; the audit log records its source, filters, and
//! refuses updates and deletes.

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
use custval_store::{
    AuditQuery, Role, SqliteStore, StoreError, TokenCheck, TokenStatus, with_audit_source,
};
use sqlx::Connection;

/// A second, raw connection on the store's file: what a script or the sqlite3 shell could do.
async fn raw(store: &SqliteStore) -> sqlx::SqliteConnection {
    let url = format!("sqlite://{}", store.path().display());
    sqlx::SqliteConnection::connect(&url).await.unwrap()
}

async fn set_column(store: &SqliteStore, sql: &str, value: &str, id: i64) {
    let mut c = raw(store).await;
    sqlx::query(sql)
        .bind(value)
        .bind(id)
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
}

fn ago(seconds: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::seconds(seconds))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[tokio::test]
async fn tokens_expire_are_listed_revoked_and_audited() {
    let (_dir, store) = fresh().await;
    store
        .add_user("sam", Role::Sales, Some("rep7"), None)
        .await
        .unwrap();
    store
        .add_user("ann", Role::Analyst, None, None)
        .await
        .unwrap();
    let (t1, t2, t3) = with_audit_source("192.0.2.10".into(), async {
        let t1 = store.create_token_for("sam", 90, "root").await.unwrap();
        let t2 = store.create_token_for("sam", 7, "root").await.unwrap();
        let t3 = store.create_token_for("ann", 365, "root").await.unwrap();
        (t1, t2, t3)
    })
    .await;
    assert!(t1.token.starts_with("cvt_") && t1.token.len() == 68);
    // The expiry is the lifetime after creation.
    let created = chrono::DateTime::parse_from_rfc3339(&t1.info.created_at).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(t1.info.expires_at.as_deref().unwrap()).unwrap();
    assert_eq!((expires - created).num_days(), 90);
    assert!(matches!(
        store.create_token_for("sam", 366, "root").await,
        Err(StoreError::InvalidRecord { .. })
    ));
    assert!(matches!(
        store.create_token_for("nobody", 30, "root").await,
        Err(StoreError::UnknownUser(_))
    ));

    // Listed newest first, per user on request, all active.
    let all = store.tokens(None).await.unwrap();
    assert_eq!(
        all.iter()
            .map(|t| (t.id, t.user.as_str(), t.status))
            .collect::<Vec<_>>(),
        [
            (t3.info.id, "ann", TokenStatus::Active),
            (t2.info.id, "sam", TokenStatus::Active),
            (t1.info.id, "sam", TokenStatus::Active),
        ]
    );
    assert_eq!(store.tokens(Some("sam")).await.unwrap().len(), 2);
    assert!(all.iter().all(|t| t.last_used_at.is_none()));

    // Valid: the user; the first use is recorded.
    let sam = store.user("sam").await.unwrap().unwrap();
    assert_eq!(
        store.check_token(&t1.token).await.unwrap(),
        TokenCheck::Valid(sam.clone())
    );
    let used = store.tokens(Some("sam")).await.unwrap()[1]
        .last_used_at
        .clone();
    assert!(used.is_some());
    // Within the minute, a use writes nothing.
    store.check_token(&t1.token).await.unwrap();
    assert_eq!(
        store.tokens(Some("sam")).await.unwrap()[1].last_used_at,
        used
    );
    // After it, the use is recorded again.
    let old = ago(120);
    set_column(
        &store,
        "UPDATE tokens SET last_used_at = ? WHERE id = ?",
        &old,
        t1.info.id,
    )
    .await;
    store.check_token(&t1.token).await.unwrap();
    let again = store.tokens(Some("sam")).await.unwrap()[1]
        .last_used_at
        .clone()
        .unwrap();
    assert!(again > old, "{again} > {old}");

    // Expired: refused, listed as expired.
    let past = ago(1);
    set_column(
        &store,
        "UPDATE tokens SET expires_at = ? WHERE id = ?",
        &past,
        t2.info.id,
    )
    .await;
    assert_eq!(
        store.check_token(&t2.token).await.unwrap(),
        TokenCheck::Expired(past)
    );
    assert_eq!(store.user_for_token(&t2.token).await.unwrap(), None);

    // Revoked: refused at once, listed as revoked; a second revoke changes nothing.
    assert!(store.revoke_token(t1.info.id, "root").await.unwrap());
    assert!(!store.revoke_token(t1.info.id, "root").await.unwrap());
    assert!(matches!(
        store.revoke_token(9999, "root").await,
        Err(StoreError::UnknownToken(9999))
    ));
    assert!(matches!(
        store.check_token(&t1.token).await.unwrap(),
        TokenCheck::Revoked(_)
    ));
    assert_eq!(store.user_for_token(&t1.token).await.unwrap(), None);
    assert_eq!(
        store.check_token("cvt_nothing").await.unwrap(),
        TokenCheck::Unknown
    );
    let sam_tokens = store.tokens(Some("sam")).await.unwrap();
    assert_eq!(
        sam_tokens.iter().map(|t| t.status).collect::<Vec<_>>(),
        [TokenStatus::Expired, TokenStatus::Revoked]
    );
    assert!(sam_tokens[1].revoked_at.is_some());
    // The other token still works.
    assert!(matches!(
        store.check_token(&t3.token).await.unwrap(),
        TokenCheck::Valid(_)
    ));

    // Creation and revocation are audited, with the token id and the source.
    let log = store
        .audit_query(&AuditQuery {
            limit: 10,
            action: Some("token".into()),
            actor: None,
        })
        .await
        .unwrap();
    let got: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.subject.as_str(), e.source.as_str()))
        .collect();
    assert_eq!(
        got[1..],
        [
            ("create_token", "ann", "192.0.2.10"),
            ("create_token", "sam", "192.0.2.10"),
            ("create_token", "sam", "192.0.2.10"),
        ]
    );
    assert_eq!(got[0].0, "revoke_token");
    assert_eq!(log[0].detail["token_id"], t1.info.id);
    assert_eq!(log[3].detail["expires_at"], t1.info.expires_at.unwrap());

    // Only hashes are stored: no token text anywhere in the file or its WAL.
    store.close().await;
    let mut bytes = std::fs::read(store.path()).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", store.path().display())) {
        bytes.extend(wal);
    }
    for t in [&t1.token, &t2.token, &t3.token] {
        let secret = &t.as_bytes()[4..];
        assert!(!bytes.windows(secret.len()).any(|w| w == secret), "{t}");
    }
}

#[tokio::test]
async fn passwords_change_and_are_audited() {
    let (_dir, store) = fresh().await;
    store
        .add_user("li", Role::Manager, None, Some("first password"))
        .await
        .unwrap();
    let before = store.account("li").await.unwrap().unwrap();
    assert_eq!(before.password_changed_at, None);
    assert!(matches!(
        store.set_password("li", "short", "root").await,
        Err(StoreError::WeakPassword(8))
    ));
    assert!(matches!(
        store.set_password("nobody", "long enough", "root").await,
        Err(StoreError::UnknownUser(_))
    ));
    store
        .set_password("li", "second password", "root")
        .await
        .unwrap();
    assert!(
        store
            .verify_password("li", "first password")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .verify_password("li", "second password")
            .await
            .unwrap()
            .is_some()
    );
    let after = store.account("li").await.unwrap().unwrap();
    assert!(after.password_changed_at.is_some());
    assert_eq!(after.user, before.user);
    assert_eq!(store.account("nobody").await.unwrap(), None);
    // A token-only user can be given a password.
    store
        .add_user("tok", Role::Sales, None, None)
        .await
        .unwrap();
    store
        .set_password("tok", "now a login", "root")
        .await
        .unwrap();
    assert!(store.user("tok").await.unwrap().unwrap().has_password);

    let log = store
        .audit_query(&AuditQuery {
            limit: 10,
            action: Some("password".into()),
            actor: Some("root".into()),
        })
        .await
        .unwrap();
    assert_eq!(
        log.iter()
            .map(|e| (e.action.as_str(), e.subject.as_str()))
            .collect::<Vec<_>>(),
        [("set_password", "tok"), ("set_password", "li")]
    );
    // Nothing of the password in the entry.
    assert_eq!(log[1].detail, serde_json::json!({}));
}

#[tokio::test]
async fn the_audit_log_filters_by_action_and_actor() {
    let (_dir, store) = fresh().await;
    for (actor, action) in [
        ("ann", "login"),
        ("bob", "login_failed"),
        ("ann", "export_customers"),
        ("ann", "logout"),
        ("bob", "login"),
    ] {
        store
            .audit(actor, action, actor, &serde_json::json!({}))
            .await
            .unwrap();
    }
    let q = |action: Option<&str>, actor: Option<&str>, limit: u64| AuditQuery {
        limit,
        action: action.map(str::to_string),
        actor: actor.map(str::to_string),
    };
    let actions = |log: Vec<custval_store::AuditEntry>| {
        log.into_iter()
            .map(|e| format!("{}:{}", e.actor, e.action))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        actions(
            store
                .audit_query(&q(Some("login"), None, 10))
                .await
                .unwrap()
        ),
        ["bob:login", "bob:login_failed", "ann:login"]
    );
    assert_eq!(
        actions(store.audit_query(&q(None, Some("ann"), 2)).await.unwrap()),
        ["ann:logout", "ann:export_customers"]
    );
    assert_eq!(
        actions(
            store
                .audit_query(&q(Some("login"), Some("bob"), 10))
                .await
                .unwrap()
        ),
        ["bob:login", "bob:login_failed"]
    );
    // A blank filter is no filter; the unfiltered read is `audit_log`.
    assert_eq!(
        store
            .audit_query(&q(Some(" "), None, 100))
            .await
            .unwrap()
            .len(),
        5
    );
    assert_eq!(store.audit_log(100).await.unwrap().len(), 5);
}

/// Issue 18: the audit log is append-only. A trigger refuses any UPDATE or DELETE, whoever
/// runs it — this program or a raw connection on the file.
#[tokio::test]
async fn regression_the_audit_log_refuses_updates_and_deletes() {
    let (_dir, store) = fresh().await;
    store
        .audit(
            "ann",
            "override.set",
            "C1",
            &serde_json::json!({"tier": "A"}),
        )
        .await
        .unwrap();
    let mut c = raw(&store).await;
    for sql in [
        "UPDATE audit_log SET actor = 'mallory'",
        "UPDATE audit_log SET detail = '{}' WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ] {
        let err = sqlx::query(sql).execute(&mut c).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    // An insert still works.
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, detail) \
         VALUES ('2026-01-01T00:00:00.000Z', 'x', 'y', 'z', '{}')",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    let log = store.audit_log(10).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[1].actor.as_str(), log[1].detail["tier"].as_str()),
        ("ann", Some("A"))
    );
    // Entries written without a source (a raw insert, or before schema v8) read as "".
    assert_eq!(log[0].source, "");
}

/// Upgrading a schema-v7 store: a token made before tokens expired keeps working, now with an
/// expiry 90 days after the upgrade; earlier audit entries read with an empty source and are
/// append-only from then on.
#[tokio::test]
async fn upgrading_a_v7_store_gives_old_tokens_an_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let v7 = dir.path().join("v7");
    std::fs::create_dir(&v7).unwrap();
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    for e in std::fs::read_dir(&here).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.as_str() < "0008" {
            std::fs::copy(&p, v7.join(&name)).unwrap();
        }
    }
    let path = dir.path().join("custval.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    {
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::migrate::Migrator::new(v7.as_path())
            .await
            .unwrap()
            .run(&mut c)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO users (name, role, created_at) VALUES ('old', 'analyst', '2020-01-01T00:00:00.000Z')",
        )
        .execute(&mut c)
        .await
        .unwrap();
        // The SHA-256 of "cvt_old".
        use sha2::Digest;
        sqlx::query(
            "INSERT INTO tokens (user_id, sha256, created_at) VALUES (1, ?, '2020-01-01T00:00:00.000Z')",
        )
        .bind(sha2::Sha256::digest(b"cvt_old").to_vec())
        .execute(&mut c)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, detail) \
             VALUES ('2020-01-01T00:00:00.000Z', 'cli', 'add_user', 'old', '{}')",
        )
        .execute(&mut c)
        .await
        .unwrap();
        c.close().await.unwrap();
    }
    let store = SqliteStore::open(
        path.to_str().unwrap(),
        custval_store::OpenOptions { create: false },
    )
    .await
    .unwrap();
    let t = &store.tokens(None).await.unwrap()[0];
    assert_eq!(t.status, TokenStatus::Active);
    let expires = chrono::DateTime::parse_from_rfc3339(t.expires_at.as_deref().unwrap()).unwrap();
    let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
    assert!((89 * 24..=90 * 24).contains(&days), "{days} hours");
    assert!(matches!(
        store.check_token("cvt_old").await.unwrap(),
        TokenCheck::Valid(_)
    ));
    let log = store.audit_log(10).await.unwrap();
    assert_eq!(
        (log[0].action.as_str(), log[0].source.as_str()),
        ("add_user", "")
    );
    let mut c = raw(&store).await;
    assert!(
        sqlx::query("DELETE FROM audit_log")
            .execute(&mut c)
            .await
            .is_err()
    );
}
