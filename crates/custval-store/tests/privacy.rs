//! Issue 18, privacy at rest: personal fields are stored only sealed, a store without its key
//! still works for everything else, older stores' plaintext is sealed on the first open with
//! a key, and `forget_customer` erases personal data while keeping the history.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::path::Path;

use common::{customer, d, result, tx};
use custval_store::crypto::Key;
use custval_store::prelude::*;
use custval_store::{ImportSession, NewAlert, OpenOptions, Personal, SqliteStore, StoreError};

const PHONE: &str = "+86 138 1234 5678";
const EMAIL: &str = "wang.fang@example.cn";
const NAME: &str = "Zhang Wei Trading Ltd";

fn person(id: &str) -> custval_store::CustomerRecord {
    custval_store::CustomerRecord {
        phone: Some(PHONE.to_string()),
        email: Some(EMAIL.to_string()),
        ..customer(id, NAME, Some(d(2024, 1, 1)))
    }
}

async fn open(path: &Path, key: Option<&Key>) -> (SqliteStore, custval_store::KeyReport) {
    let mut s = SqliteStore::open(path.to_str().unwrap(), OpenOptions { create: true })
        .await
        .unwrap();
    let report = s.unlock(key.cloned()).await.unwrap();
    (s, report)
}

async fn import_customers(
    store: &SqliteStore,
    rows: &[custval_store::CustomerRecord],
) -> Result<custval_store::ImportCounts, StoreError> {
    let mut s = store.begin_import().await?;
    let c = s.customers(rows).await?;
    s.commit().await?;
    Ok(c)
}

/// The database file and its WAL, as bytes.
fn raw_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let wal = db.with_extension("db-wal");
    if let Ok(w) = std::fs::read(&wal) {
        bytes.extend(w);
    }
    bytes
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn issue_18_the_sqlite_file_holds_no_phone_number_or_email() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("custval.db");
    let key = Key::generate().unwrap();
    let (store, _) = open(&db, Some(&key)).await;
    let rows: Vec<_> = (0..50).map(|i| person(&format!("C{i:03}"))).collect();
    import_customers(&store, &rows).await.unwrap();
    // Readable through the store with the key…
    let c = store.customer("C007").await.unwrap().unwrap();
    assert_eq!(c.phone.as_deref(), Some(PHONE));
    assert_eq!(c.email.as_deref(), Some(EMAIL));
    // …and in the file neither before the checkpoint (WAL included) nor after it.
    let before = raw_bytes(&db);
    assert!(contains(&before, "C007"), "the check reads the right file");
    assert!(!contains(&before, PHONE) && !contains(&before, "1234 5678"));
    assert!(!contains(&before, EMAIL) && !contains(&before, "wang.fang"));
    store.close().await;
    let after = raw_bytes(&db);
    assert!(contains(&after, "C007"));
    assert!(!contains(&after, PHONE) && !contains(&after, "1234 5678"));
    assert!(!contains(&after, EMAIL) && !contains(&after, "wang.fang"));
    // Nor the key.
    assert!(!contains(&after, &key.to_hex()));
}

#[tokio::test]
async fn without_a_key_personal_fields_are_refused_and_the_rest_works() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("custval.db");
    let (store, report) = open(&db, None).await;
    assert!(report.problem.is_some());
    let err = import_customers(&store, &[person("C1")])
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no key was given") && err.contains("CUSTVAL_KEY"),
        "{err}"
    );
    assert_eq!(store.customer_count().await.unwrap(), 0, "nothing stored");
    // Master data without personal fields, and orders, import without a key.
    let plain = custval_store::CustomerRecord {
        phone: None,
        email: None,
        ..person("C1")
    };
    import_customers(&store, &[plain]).await.unwrap();
    let mut s = store.begin_import().await.unwrap();
    s.transactions(&[tx(Some("O1"), "C1", d(2024, 2, 1), 10.0)])
        .await
        .unwrap();
    s.commit().await.unwrap();
    assert_eq!(
        store.customer("C1").await.unwrap().unwrap().name.as_deref(),
        Some(NAME)
    );
}

#[tokio::test]
async fn a_wrong_key_leaves_personal_data_unavailable_but_never_mixes_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("custval.db");
    let right = Key::generate().unwrap();
    let (store, _) = open(&db, Some(&right)).await;
    import_customers(&store, &[person("C1")]).await.unwrap();
    store.close().await;

    let wrong = Key::generate().unwrap();
    let (store, report) = open(&db, Some(&wrong)).await;
    let problem = report.problem.unwrap();
    assert!(
        problem.contains(&wrong.id()) && problem.contains(&right.id()),
        "{problem}"
    );
    // The master data still reads; the personal fields say why they are missing.
    let c = store.customer("C1").await.unwrap().unwrap();
    assert_eq!(
        (c.name.as_deref(), c.phone, c.email),
        (Some(NAME), None, None)
    );
    match store.personal("C1").await.unwrap().unwrap() {
        Personal::Unavailable { reason } => assert!(reason.contains(&right.id()), "{reason}"),
        other => panic!("{other:?}"),
    }
    // Sealing anything with the wrong key is refused (two keys in one store lose data).
    let err = import_customers(&store, &[person("C2")])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains(&right.id()), "{err}");
    store.close().await;

    let (store, report) = open(&db, Some(&right)).await;
    assert_eq!(report.problem, None);
    assert_eq!(
        store.personal("C1").await.unwrap(),
        Some(Personal::Available {
            phone: Some(PHONE.into()),
            email: Some(EMAIL.into())
        })
    );
}

#[tokio::test]
async fn re_importing_the_same_customers_stores_nothing_new() {
    // A fresh nonce per seal must not make an unchanged row look changed.
    let (_dir, store) = common::fresh().await;
    let rows: Vec<_> = (0..3).map(|i| person(&format!("C{i}"))).collect();
    assert_eq!(import_customers(&store, &rows).await.unwrap().accepted, 3);
    let again = import_customers(&store, &rows).await.unwrap();
    assert_eq!((again.accepted, again.duplicates), (0, 3));
    // A changed phone is a change.
    let mut changed = rows.clone();
    changed[1].phone = Some("+86 139 0000 0000".into());
    let c = import_customers(&store, &changed).await.unwrap();
    assert_eq!((c.accepted, c.duplicates), (1, 2));
    assert_eq!(
        store
            .customer("C1")
            .await
            .unwrap()
            .unwrap()
            .phone
            .as_deref(),
        Some("+86 139 0000 0000")
    );
}

#[tokio::test]
async fn an_older_stores_plaintext_is_sealed_on_the_first_open_with_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("custval.db");
    let (store, _) = open(&db, None).await;
    let plain = custval_store::CustomerRecord {
        phone: None,
        email: None,
        ..person("C1")
    };
    import_customers(&store, &[plain]).await.unwrap();
    store.close().await;
    // What a store of schema v7 holds: phone and e-mail in the clear (written behind the
    // triggers' back, as the v1 import did).
    {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display()))
            .await
            .unwrap();
        for sql in [
            "DROP TRIGGER customers_no_plaintext_update",
            &format!("UPDATE customers SET phone = '{PHONE}', email = '{EMAIL}'"),
            "UPDATE privacy SET plaintext = 1",
            "PRAGMA wal_checkpoint(TRUNCATE)",
        ] {
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
        c.close().await.unwrap();
    }
    assert!(contains(&raw_bytes(&db), PHONE));

    // Without a key: still readable as it was, and reported as waiting.
    let (store, report) = open(&db, None).await;
    assert!(report.plaintext_left);
    assert_eq!(
        store
            .customer("C1")
            .await
            .unwrap()
            .unwrap()
            .phone
            .as_deref(),
        Some(PHONE)
    );
    store.close().await;

    let key = Key::generate().unwrap();
    let (store, report) = open(&db, Some(&key)).await;
    assert_eq!((report.sealed_now, report.plaintext_left), (1, false));
    assert_eq!(report.store_key_id, Some(key.id()));
    let c = store.customer("C1").await.unwrap().unwrap();
    assert_eq!(
        (c.phone.as_deref(), c.email.as_deref()),
        (Some(PHONE), Some(EMAIL))
    );
    store.close().await;
    let bytes = raw_bytes(&db);
    assert!(
        !contains(&bytes, PHONE),
        "secure_delete overwrote the plaintext"
    );
    assert!(!contains(&bytes, EMAIL));
    // The next open has nothing left to seal.
    let (_store, report) = open(&db, Some(&key)).await;
    assert_eq!(report.sealed_now, 0);
}

#[tokio::test]
async fn forget_erases_personal_data_keeps_history_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("custval.db");
    let key = Key::generate().unwrap();
    let (store, _) = open(&db, Some(&key)).await;
    const SECRET_NAME: &str = "Li Xiaoming Unique Name";
    let forgotten = custval_store::CustomerRecord {
        name: Some(SECRET_NAME.into()),
        ..person("C1")
    };
    import_customers(&store, &[forgotten.clone(), person("C2")])
        .await
        .unwrap();
    let mut s = store.begin_import().await.unwrap();
    s.transactions(&[
        tx(Some("O1"), "C1", d(2024, 2, 1), 10.0),
        tx(Some("O2"), "C1", d(2024, 3, 1), 20.0),
        tx(Some("O3"), "C2", d(2024, 3, 1), 5.0),
    ])
    .await
    .unwrap();
    s.commit().await.unwrap();
    let mut r1 = result("C1", "A", 80.0);
    r1.name = Some(SECRET_NAME.into());
    let rows = vec![r1, result("C2", "B", 40.0)];
    let alert = NewAlert {
        customer_id: "C1".into(),
        owner: Some("rep1".into()),
        rule: "spend_down".into(),
        severity: "warning".into(),
        body: serde_json::json!({"name": SECRET_NAME, "at_stake": 3.0}).to_string(),
    };
    let run = store
        .create_run(d(2024, 6, 30), "", "{}", 1.0, &rows, &[alert])
        .await
        .unwrap();
    store
        .save_account_plan(
            "C1",
            &serde_json::json!({"customer_id": "C1", "goals": [format!("call {SECRET_NAME}")]}),
            "alice",
        )
        .await
        .unwrap();
    let before = store.table_counts().await.unwrap();

    let f = store
        .forget_customer("C1", "request of 2025-01-02", "alice")
        .await
        .unwrap();
    assert!(!f.already);
    assert!(
        f.erased.iter().any(|e| e == "phone and e-mail"),
        "{:?}",
        f.erased
    );
    assert!(
        f.erased.iter().any(|e| e == "account plan"),
        "{:?}",
        f.erased
    );
    // Personal data gone, shown as forgotten.
    let c = store.customer("C1").await.unwrap().unwrap();
    assert_eq!((c.name, c.phone, c.email), (None, None, None));
    assert!(matches!(
        store.personal("C1").await.unwrap(),
        Some(Personal::Forgotten { .. })
    ));
    assert_eq!(store.account_plan("C1").await.unwrap(), None);
    let res = store.result(run, "C1").await.unwrap().unwrap();
    assert_eq!(res.name, None);
    // History kept: orders, the run's scores and tiers; the other customer untouched.
    let after = store.table_counts().await.unwrap();
    assert_eq!(after.transactions, before.transactions);
    assert_eq!(after.customers, before.customers);
    assert_eq!((res.tier.as_str(), res.score), ("A", 80.0));
    assert_eq!(
        store
            .customer("C2")
            .await
            .unwrap()
            .unwrap()
            .phone
            .as_deref(),
        Some(PHONE)
    );
    let alerts = store
        .alerts(&custval_store::AlertQuery {
            run: Some(run),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        !alerts
            .iter()
            .any(|a| a.body.to_string().contains(SECRET_NAME))
    );
    // Audited: who, when, what, why.
    let log = store.audit_log(10).await.unwrap();
    let entry = log.iter().find(|e| e.action == "forget_customer").unwrap();
    assert_eq!(
        (entry.actor.as_str(), entry.subject.as_str()),
        ("alice", "customer C1")
    );
    assert_eq!(entry.detail["reason"], "request of 2025-01-02");
    assert!(!entry.at.is_empty());

    // Idempotent: a second request changes nothing and says so (and is audited too).
    let again = store.forget_customer("C1", "again", "bob").await.unwrap();
    assert!(again.already);
    assert_eq!(again.at, f.at);
    // A later import of the same customers file does not bring the personal data back.
    import_customers(&store, &[forgotten, person("C2")])
        .await
        .unwrap();
    let c = store.customer("C1").await.unwrap().unwrap();
    assert_eq!((c.name, c.phone), (None, None));
    assert_eq!(c.industry.as_deref(), Some("医药"));
    // Unknown id: a clear error.
    let err = store
        .forget_customer("nobody", "x", "alice")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownCustomer(_)), "{err}");

    // Nothing of the forgotten name is left in the file (the audit entry of the plan save
    // aside: the audit log is append-only, SECURITY.md says so).
    store.close().await;
    let bytes = raw_bytes(&db);
    let n = bytes
        .windows(SECRET_NAME.len())
        .filter(|w| *w == SECRET_NAME.as_bytes())
        .count();
    assert!(n <= 1, "the name is still in the file {n} times");
}
