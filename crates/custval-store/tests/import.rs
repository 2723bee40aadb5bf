//! Imports against a real SQLite file: duplicates never double-count, returns net, one call
//! is one transaction, concurrent writers wait for each other.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::*;
use custval_model::InteractionKind;
use custval_store::prelude::*;
use custval_store::{ImportCounts, ImportSession, OpenOptions, SqliteStore, StoreError, TxRecord};
use proptest::prelude::*;

fn counts(accepted: u64, duplicates: u64) -> ImportCounts {
    ImportCounts {
        accepted,
        duplicates,
    }
}

#[tokio::test]
async fn open_missing_file_without_create_is_not_initialised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.db");
    let err = SqliteStore::open(path.to_str().unwrap(), OpenOptions { create: false })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotInitialised { .. }), "{err:?}");
    assert!(err.to_string().contains("custval init"), "{err}");
    assert!(
        !path.exists(),
        "opening without create must not create the file"
    );
}

#[tokio::test]
async fn postgres_urls_are_planned_not_supported() {
    let err = SqliteStore::open(
        "postgres://u@localhost/custval",
        OpenOptions { create: true },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Unsupported { .. }), "{err:?}");
    assert!(err.to_string().contains("planned"), "{err}");
}

#[tokio::test]
async fn reopening_keeps_data_and_uses_wal() {
    let (dir, store) = fresh().await;
    store
        .import_transactions(&[tx(Some("O1"), "C1", d(2025, 1, 1), 10.0)])
        .await
        .unwrap();
    store.close().await;
    let path = dir.path().join("custval.db");
    let url = format!("sqlite://{}", path.display());
    let again = SqliteStore::open(&url, OpenOptions { create: false })
        .await
        .unwrap();
    assert_eq!(again.table_counts().await.unwrap().transactions, 1);
    // WAL is a property of the file: a plain connection sees it.
    let mode: String = {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut c)
            .await
            .unwrap()
    };
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn reimporting_transactions_stores_nothing_twice() {
    let (_dir, store) = fresh().await;
    let day = d(2025, 3, 1);
    let rows = vec![
        // An order with two identical lines and a third line: three lines.
        txc(Some("O1"), "C1", day, 50.0, "tea"),
        txc(Some("O1"), "C1", day, 50.0, "tea"),
        txc(Some("O1"), "C1", day, 20.0, "cups"),
        // A refund of the same order: a separate line, netted on load.
        txc(Some("O1"), "C1", day + 5, -20.0, "cups"),
        // Rows without an order id: two identical ones are two purchases.
        tx(None, "C2", day, 9.5),
        tx(None, "C2", day, 9.5),
        tx(None, "C2", day, 7.0),
        // Blank order ids count as none.
        tx(Some(""), "C3", day, 1.0),
    ];
    let first = store.import_transactions(&rows).await.unwrap();
    assert_eq!(first, counts(8, 0));
    let again = store.import_transactions(&rows).await.unwrap();
    assert_eq!(again, counts(0, 8));
    assert_eq!(store.table_counts().await.unwrap().transactions, 8);

    // An overlapping export: the old rows plus a new line of O1 and a third identical C2 row.
    let mut more = rows.clone();
    more.push(txc(Some("O1"), "C1", day, 5.0, "tea"));
    more.push(tx(None, "C2", day, 9.5));
    let third = store.import_transactions(&more).await.unwrap();
    assert_eq!(third, counts(2, 8));
    assert_eq!(store.table_counts().await.unwrap().transactions, 10);

    // Stub customers were created, the refund is stored and nets.
    assert_eq!(store.customer_count().await.unwrap(), 3);
    let data = store.load_dataset(day + 10).await.unwrap();
    let c1 = data.customers.iter().position(|c| c.id == "C1").unwrap() as u32;
    let net: f64 = data
        .tx
        .iter()
        .filter(|t| t.cust == c1)
        .map(|t| t.amount)
        .sum();
    assert_eq!(net, 50.0 + 50.0 + 20.0 - 20.0 + 5.0);
    assert!(data.tx.iter().any(|t| t.amount == -20.0));
    let timeline = store.transactions_of("C1", 2).await.unwrap();
    assert_eq!(timeline.len(), 2);
    assert_eq!(timeline[0].amount, -20.0);
    assert_eq!(timeline[0].category.as_deref(), Some("cups"));
    assert_eq!(timeline[0].channel.as_deref(), Some("web"));
    assert_eq!(timeline[0].order_id.as_deref(), Some("O1"));
}

#[tokio::test]
async fn customers_upsert_by_id() {
    let (_dir, store) = fresh().await;
    // Orders first: a stub customer.
    store
        .import_transactions(&[tx(Some("O1"), "C1", d(2025, 1, 2), 3.0)])
        .await
        .unwrap();
    assert_eq!(store.customer("C1").await.unwrap().unwrap().name, None);

    let rows = vec![
        customer("C1", "Acme", Some(d(2024, 5, 1))),
        customer("C2", "Beta", None),
    ];
    assert_eq!(store.import_customers(&rows).await.unwrap(), counts(2, 0));
    assert_eq!(store.import_customers(&rows).await.unwrap(), counts(0, 2));
    let mut changed = rows.clone();
    changed[1].owner = Some("rep9".to_string());
    assert_eq!(
        store.import_customers(&changed).await.unwrap(),
        counts(1, 1)
    );
    let c1 = store.customer("C1").await.unwrap().unwrap();
    assert_eq!(c1, rows[0]);
    assert_eq!(
        store
            .customer("C2")
            .await
            .unwrap()
            .unwrap()
            .owner
            .as_deref(),
        Some("rep9")
    );
    assert_eq!(store.customer_count().await.unwrap(), 2);
    assert_eq!(store.customer("C9").await.unwrap(), None);
}

#[tokio::test]
async fn other_tables_count_duplicates_and_update_outcomes() {
    let (_dir, store) = fresh().await;
    let jan = d(2025, 1, 1);
    let costs = vec![cost("C1", jan, 10.0, 5.0), cost("C1", jan + 31, 12.0, 0.0)];
    assert_eq!(store.import_costs(&costs).await.unwrap(), counts(2, 0));
    assert_eq!(store.import_costs(&costs).await.unwrap(), counts(0, 2));
    let changed = vec![cost("C1", jan, 11.0, 5.0)];
    assert_eq!(store.import_costs(&changed).await.unwrap(), counts(1, 0));

    let inter = vec![
        interaction("C1", jan, InteractionKind::Complaint),
        interaction("C1", jan, InteractionKind::Complaint),
        interaction("C1", jan, InteractionKind::Referral),
    ];
    assert_eq!(
        store.import_interactions(&inter).await.unwrap(),
        counts(3, 0)
    );
    assert_eq!(
        store.import_interactions(&inter).await.unwrap(),
        counts(0, 3)
    );

    let surveys = vec![
        survey("C1", jan, Some(4.0), None),
        survey("C1", jan, Some(4.0), None),
        survey("C1", jan, None, Some(9.0)),
    ];
    assert_eq!(store.import_surveys(&surveys).await.unwrap(), counts(3, 0));
    assert_eq!(store.import_surveys(&surveys).await.unwrap(), counts(0, 3));

    let contracts = vec![
        contract("C1", jan, Some(jan + 364), None),
        contract("C1", jan, None, None),
    ];
    assert_eq!(
        store.import_contracts(&contracts).await.unwrap(),
        counts(2, 0)
    );
    assert_eq!(
        store.import_contracts(&contracts).await.unwrap(),
        counts(0, 2)
    );
    // A later export knows the renewal: updated in place, not a second contract.
    let renewed = vec![contract("C1", jan, Some(jan + 364), Some(true))];
    assert_eq!(
        store.import_contracts(&renewed).await.unwrap(),
        counts(1, 0)
    );
    // An older export without the outcome does not erase it.
    assert_eq!(
        store.import_contracts(&contracts[..1]).await.unwrap(),
        counts(0, 1)
    );

    let pays = vec![
        payment("C1", jan, jan + 30, None, Some(100.0)),
        payment("C1", jan, jan + 30, None, None),
    ];
    assert_eq!(store.import_payments(&pays).await.unwrap(), counts(2, 0));
    assert_eq!(store.import_payments(&pays).await.unwrap(), counts(0, 2));
    let paid = vec![payment("C1", jan, jan + 30, Some(jan + 40), Some(100.0))];
    assert_eq!(store.import_payments(&paid).await.unwrap(), counts(1, 0));

    let n = store.table_counts().await.unwrap();
    assert_eq!(
        (n.costs, n.interactions, n.surveys, n.contracts, n.payments),
        (2, 3, 3, 2, 2)
    );
    assert_eq!(n.customers, 1, "a stub customer for C1");

    let data = store.load_dataset(jan + 400).await.unwrap();
    assert_eq!(data.costs[0].sales, 11.0);
    let c = data.contracts.iter().find(|c| c.end.is_some()).unwrap();
    assert_eq!(c.renewed, Some(true));
    let p = data.payments.iter().find(|p| p.amount.is_some()).unwrap();
    assert_eq!(p.paid, Some(jan + 40));
}

#[tokio::test]
async fn a_failing_call_stores_nothing() {
    let (_dir, store) = fresh().await;
    store
        .import_transactions(&[tx(Some("O0"), "C0", d(2025, 1, 1), 1.0)])
        .await
        .unwrap();
    let before = store.table_counts().await.unwrap();

    // A CHECK violation (NPS 11) after several batches were written.
    let mut surveys: Vec<_> = (0..1200)
        .map(|i| survey(&format!("S{i}"), d(2025, 1, 1), Some(3.0), Some(7.0)))
        .collect();
    surveys[1100].nps = Some(11.0);
    let err = store.import_surveys(&surveys).await.unwrap_err();
    assert!(err.to_string().contains("importing surveys"), "{err}");
    assert_eq!(
        store.table_counts().await.unwrap(),
        before,
        "no survey, no stub customer"
    );

    // A number that is not finite, found in the fourth batch.
    let mut rows: Vec<TxRecord> = (0..2000)
        .map(|i| {
            tx(
                Some(&format!("N{i}")),
                &format!("N{}", i % 70),
                d(2025, 2, 1),
                2.0,
            )
        })
        .collect();
    rows[1700].amount = f64::NAN;
    let err = store.import_transactions(&rows).await.unwrap_err();
    match &err {
        StoreError::InvalidRecord { table, row, .. } => {
            assert_eq!((*table, *row), ("transactions", 1700))
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(store.table_counts().await.unwrap(), before);

    // An empty customer id.
    let err = store
        .import_costs(&[cost("C0", 1, 1.0, 1.0), cost(" ", 1, 1.0, 1.0)])
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("costs row 1: customer_id is empty"),
        "{err}"
    );
    assert_eq!(store.table_counts().await.unwrap(), before);
}

#[tokio::test]
async fn sessions_take_chunks_and_roll_back_when_dropped() {
    let (_dir, store) = fresh().await;
    let rows: Vec<TxRecord> = (0..10)
        .map(|i| tx(Some("O1"), "C1", d(2025, 1, 1), 1.0 + i as f64 * 0.0))
        .collect();
    // Ten identical lines of one order fed in three chunks: lines 0..9, all stored.
    let mut s = store.begin_import().await.unwrap();
    let mut total = ImportCounts::default();
    for chunk in rows.chunks(4) {
        total += s.transactions(chunk).await.unwrap();
    }
    s.customers(&[customer("C1", "One", None)]).await.unwrap();
    assert_eq!(
        store.table_counts().await.unwrap().transactions,
        0,
        "invisible before commit"
    );
    s.commit().await.unwrap();
    assert_eq!(total, counts(10, 0));
    assert_eq!(store.table_counts().await.unwrap().transactions, 10);
    // Re-importing in other chunk sizes: all duplicates.
    let mut s = store.begin_import().await.unwrap();
    let mut total = ImportCounts::default();
    for chunk in rows.chunks(3) {
        total += s.transactions(chunk).await.unwrap();
    }
    s.commit().await.unwrap();
    assert_eq!(total, counts(0, 10));

    // Dropped without commit: rolled back.
    {
        let mut s = store.begin_import().await.unwrap();
        s.transactions(&[tx(Some("O2"), "C2", 1, 1.0)])
            .await
            .unwrap();
    }
    assert_eq!(store.table_counts().await.unwrap().transactions, 10);
    assert_eq!(store.customer_count().await.unwrap(), 1);

    // After an error the session refuses to go on.
    let mut s = store.begin_import().await.unwrap();
    s.transactions(&[tx(Some("O3"), "C3", 1, 1.0)])
        .await
        .unwrap();
    assert!(s.transactions(&[tx(Some("O4"), "", 1, 1.0)]).await.is_err());
    let err = s
        .transactions(&[tx(Some("O5"), "C5", 1, 1.0)])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ImportAborted(_)), "{err:?}");
    assert!(matches!(
        s.commit().await,
        Err(StoreError::ImportAborted(_))
    ));
    assert_eq!(store.table_counts().await.unwrap().transactions, 10);
}

/// The fact tables' indexes, as SQLite keeps their definitions.
async fn fact_indexes(path: &std::path::Path) -> Vec<(String, String)> {
    use sqlx::Connection;
    let url = format!("sqlite://{}", path.display());
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         AND tbl_name IN ('transactions', 'interactions', 'surveys', 'contracts', 'payments') \
         ORDER BY name",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
}

/// Issue 19: a first load into empty tables builds their indexes at commit instead of row by
/// row. The same indexes come back (and stay if the session is dropped), repeated and
/// ±0 keys within the session are still lines of their own, and the rebuilt unique indexes
/// make the next import of the same rows all duplicates.
#[tokio::test]
async fn a_first_load_builds_its_indexes_at_commit() {
    let (dir, store) = fresh().await;
    let path = dir.path().join("custval.db");
    let before = fact_indexes(&path).await;
    assert!(before.len() >= 7, "{before:?}");
    let jan = d(2025, 1, 1);
    let lines = vec![
        tx(Some("O1"), "C1", jan, 5.0),
        tx(Some("O1"), "C1", jan, 5.0),
        tx(Some("O1"), "C1", jan, -5.0),
        tx(None, "C2", jan, 0.0),
        tx(None, "C2", jan, -0.0),
        tx(None, "C2", jan, 3.0),
    ];
    let pays = vec![
        payment("C1", jan, jan + 30, None, Some(0.0)),
        payment("C1", jan, jan + 30, None, Some(-0.0)),
        payment("C1", jan, jan + 30, None, None),
    ];
    let contracts = vec![
        contract("C1", jan, Some(jan + 364), None),
        contract("C1", jan, Some(jan + 364), None),
    ];
    let surveys = vec![
        survey("C1", jan, Some(4.0), None),
        survey("C1", jan, Some(4.0), None),
    ];
    let inter = vec![
        interaction("C1", jan, InteractionKind::Complaint),
        interaction("C1", jan, InteractionKind::Complaint),
    ];
    let load = |twice: bool| {
        let store = &store;
        let (lines, pays, contracts, surveys, inter) =
            (&lines, &pays, &contracts, &surveys, &inter);
        async move {
            let mut s = store.begin_import().await.unwrap();
            let mut n = ImportCounts::default();
            // In two calls: the second finds the table already deferred by this session.
            n += s.transactions(&lines[..2]).await.unwrap();
            n += s.transactions(&lines[2..]).await.unwrap();
            n += s.payments(pays).await.unwrap();
            n += s.contracts(contracts).await.unwrap();
            n += s.surveys(surveys).await.unwrap();
            n += s.interactions(inter).await.unwrap();
            if twice {
                n += s.transactions(&lines[..1]).await.unwrap();
            }
            (s, n)
        }
    };
    // Dropped: nothing stored, every index still there.
    let (s, _) = load(false).await;
    drop(s);
    assert_eq!(fact_indexes(&path).await, before);
    assert_eq!(store.table_counts().await.unwrap().transactions, 0);

    let (s, n) = load(true).await;
    s.commit().await.unwrap();
    assert_eq!(
        n,
        counts(16, 0),
        "a repeated row in one session is a line of its own"
    );
    assert_eq!(fact_indexes(&path).await, before);
    let t = store.table_counts().await.unwrap();
    assert_eq!(
        (
            t.transactions,
            t.payments,
            t.contracts,
            t.surveys,
            t.interactions
        ),
        (7, 3, 2, 2, 2)
    );

    // Tables with rows keep their indexes, which find every row again.
    let (s, n) = load(false).await;
    s.commit().await.unwrap();
    assert_eq!(n, counts(0, 15));
    assert_eq!(fact_indexes(&path).await, before);
    assert_eq!(store.table_counts().await.unwrap(), t);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_on_one_file_both_succeed() {
    let (dir, a) = fresh().await;
    let path = dir.path().join("custval.db");
    let b = SqliteStore::open(path.to_str().unwrap(), OpenOptions { create: false })
        .await
        .unwrap();
    let batch = |prefix: &str| -> Vec<TxRecord> {
        (0..20_000)
            .map(|i| {
                tx(
                    Some(&format!("{prefix}{i}")),
                    &format!("C{}", i % 500),
                    d(2025, 1, 1) + i % 300,
                    1.0,
                )
            })
            .collect()
    };
    let (ra, rb) = (batch("A"), batch("B"));
    // Both stores import the same shared rows too: each row must be stored exactly once.
    let shared = batch("S");
    let (x, y, z, w) = tokio::join!(
        a.import_transactions(&ra),
        b.import_transactions(&rb),
        a.import_transactions(&shared),
        b.import_transactions(&shared),
    );
    assert_eq!(x.unwrap(), counts(20_000, 0));
    assert_eq!(y.unwrap(), counts(20_000, 0));
    let (z, w) = (z.unwrap(), w.unwrap());
    assert_eq!(z.accepted + w.accepted, 20_000);
    assert_eq!(z.duplicates + w.duplicates, 20_000);
    assert_eq!(a.table_counts().await.unwrap().transactions, 60_000);
    assert_eq!(b.customer_count().await.unwrap(), 500);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Any rows, imported in any chunking, then again: stored once, every row counted once.
    #[test]
    fn reimport_is_idempotent(
        rows in prop::collection::vec(
            (prop::option::of(0u8..6), 0u8..4, 0i32..5, prop::sample::select(vec![-3.0, 1.0, 2.5])),
            0..60,
        ),
        chunk in 1usize..20,
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let (_dir, store) = fresh().await;
            let recs: Vec<TxRecord> = rows
                .iter()
                .map(|(o, c, day, amt)| {
                    let order = o.map(|o| format!("O{o}"));
                    tx(order.as_deref(), &format!("C{c}"), *day, *amt)
                })
                .collect();
            let first = store.import_transactions(&recs).await.unwrap();
            prop_assert_eq!(first, counts(recs.len() as u64, 0));
            let mut s = store.begin_import().await.unwrap();
            let mut again = ImportCounts::default();
            for c in recs.chunks(chunk) {
                again += s.transactions(c).await.unwrap();
            }
            s.commit().await.unwrap();
            prop_assert_eq!(again, counts(0, recs.len() as u64));
            let data = store.load_dataset(10).await.unwrap();
            let total: f64 = data.tx.iter().map(|t| t.amount).sum();
            let expected: f64 = recs.iter().map(|r| r.amount).sum();
            prop_assert!((total - expected).abs() < 1e-9);
            Ok(())
        })?;
    }
}
