//! Loading a dataset as of a date: nothing dated later leaks in, keys are dense, tables
//! sorted, subsets restricted.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::*;
use custval_model::{InteractionKind, NO_CATEGORY};
use custval_store::prelude::*;
use custval_store::{Dataset, ImportSession};

/// Two years of a small company, with records on both sides of 2025-06-30.
async fn company() -> (tempfile::TempDir, custval_store::SqliteStore) {
    let (dir, store) = fresh().await;
    store
        .import_customers(&[
            customer("A", "Early", Some(d(2024, 1, 10))),
            customer("B", "Late", Some(d(2025, 9, 1))),
            // Signed up "later" but bought before: present, signup hidden.
            customer("C", "Odd", Some(d(2025, 8, 1))),
            customer("D", "Unknown signup", None),
        ])
        .await
        .unwrap();
    store
        .import_transactions(&[
            txc(Some("1"), "A", d(2024, 2, 1), 100.0, "tea"),
            txc(Some("2"), "A", d(2025, 6, 30), 50.0, "cups"),
            txc(Some("3"), "A", d(2025, 7, 1), 70.0, "pots"),
            txc(Some("4"), "B", d(2025, 9, 2), 10.0, "tea"),
            txc(Some("5"), "C", d(2025, 3, 3), 30.0, "tea"),
            tx(Some("5"), "C", d(2025, 3, 4), -30.0),
        ])
        .await
        .unwrap();
    store
        .import_costs(&[
            cost("A", d(2025, 6, 1), 1.0, 1.0),
            cost("A", d(2025, 7, 1), 2.0, 2.0),
            cost("B", d(2025, 9, 1), 3.0, 3.0),
        ])
        .await
        .unwrap();
    store
        .import_interactions(&[
            interaction("A", d(2025, 6, 30), InteractionKind::Referral),
            interaction("A", d(2025, 7, 2), InteractionKind::Complaint),
        ])
        .await
        .unwrap();
    store
        .import_surveys(&[
            survey("A", d(2025, 1, 1), Some(5.0), Some(10.0)),
            survey("A", d(2025, 12, 1), Some(1.0), Some(0.0)),
        ])
        .await
        .unwrap();
    store
        .import_contracts(&[
            contract("A", d(2024, 1, 1), Some(d(2024, 12, 31)), Some(true)),
            contract("A", d(2025, 1, 1), Some(d(2025, 12, 31)), Some(false)),
            contract("A", d(2026, 1, 1), Some(d(2026, 12, 31)), None),
        ])
        .await
        .unwrap();
    store
        .import_payments(&[
            payment(
                "A",
                d(2025, 5, 1),
                d(2025, 5, 31),
                Some(d(2025, 5, 20)),
                Some(50.0),
            ),
            payment(
                "A",
                d(2025, 6, 1),
                d(2025, 6, 30),
                Some(d(2025, 8, 1)),
                Some(60.0),
            ),
            payment("A", d(2025, 7, 1), d(2025, 7, 31), None, Some(70.0)),
        ])
        .await
        .unwrap();
    (dir, store)
}

fn cust(data: &Dataset, id: &str) -> Option<u32> {
    data.customers
        .iter()
        .position(|c| c.id == id)
        .map(|i| i as u32)
}

#[tokio::test]
async fn nothing_after_as_of_leaks() {
    let (_dir, store) = company().await;
    let as_of = d(2025, 6, 30);
    let data = store.load_dataset(as_of).await.unwrap();

    // Customers: A (signed up), C (bought), D (unknown signup); not B (signs up later).
    let ids: Vec<&str> = data.customers.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["A", "C", "D"]);
    let c = &data.customers[cust(&data, "C").unwrap() as usize];
    assert_eq!(c.signup, None, "a signup after as_of was not known then");
    assert_eq!(data.customers[0].signup, Some(d(2024, 1, 10)));
    assert_eq!(data.customers[0].industry.as_deref(), Some("医药"));

    // Transactions up to and including as_of; the refund is there.
    assert!(data.tx.iter().all(|t| t.day <= as_of));
    assert_eq!(data.tx.len(), 4);
    assert!(
        data.tx
            .iter()
            .any(|t| t.amount == -30.0 && t.category == NO_CATEGORY)
    );
    // Only categories sold by then: "pots" (sold in July) must not appear.
    let mut cats = data.categories.clone();
    cats.sort();
    assert_eq!(cats, ["cups", "tea"]);
    for t in &data.tx {
        if t.category != NO_CATEGORY {
            assert!((t.category as usize) < data.categories.len());
        }
    }
    let a = cust(&data, "A").unwrap();
    let cups = data
        .tx
        .iter()
        .find(|t| t.cust == a && t.amount == 50.0)
        .unwrap();
    assert_eq!(data.categories[cups.category as usize], "cups");
    assert_eq!(cups.cost, 25.0);

    assert_eq!(data.costs.len(), 1);
    assert_eq!(data.costs[0].period, d(2025, 6, 1));
    assert_eq!(data.interactions.len(), 1);
    assert_eq!(data.interactions[0].kind, InteractionKind::Referral);
    assert_eq!(data.surveys.len(), 1);
    assert_eq!(data.surveys[0].nps, Some(10.0));

    // Contracts started by then; the 2025 term ends later, so its renewal is unknown.
    assert_eq!(data.contracts.len(), 2);
    assert_eq!(data.contracts[0].renewed, Some(true));
    assert_eq!(data.contracts[1].renewed, None);

    // Invoices by then; one paid after as_of is still unpaid on as_of.
    assert_eq!(data.payments.len(), 2);
    assert_eq!(data.payments[0].paid, Some(d(2025, 5, 20)));
    assert_eq!(data.payments[1].paid, None);

    // Later, everything is there.
    let all = store.load_dataset(d(2027, 1, 1)).await.unwrap();
    assert_eq!(all.customers.len(), 4);
    assert_eq!(all.tx.len(), 6);
    assert_eq!(all.categories.len(), 3);
    assert_eq!(
        all.contracts
            .iter()
            .filter(|c| c.renewed == Some(false))
            .count(),
        1
    );
    assert_eq!(all.payments[1].paid, Some(d(2025, 8, 1)));
}

#[tokio::test]
async fn keys_are_dense_and_tables_sorted() {
    let (_dir, store) = company().await;
    let data = store.load_dataset(d(2027, 1, 1)).await.unwrap();
    let n = data.customers.len() as u32;
    assert!(data.tx.iter().all(|t| t.cust < n));
    assert!(
        data.tx
            .windows(2)
            .all(|w| (w[0].cust, w[0].day) <= (w[1].cust, w[1].day))
    );
    assert!(
        data.costs
            .windows(2)
            .all(|w| (w[0].cust, w[0].period) <= (w[1].cust, w[1].period))
    );
    assert!(
        data.payments
            .windows(2)
            .all(|w| (w[0].cust, w[0].invoice) <= (w[1].cust, w[1].invoice))
    );
    let ranges = data.ranges_by_customer(&data.tx, |t| t.cust);
    let a = cust(&data, "A").unwrap() as usize;
    assert_eq!(ranges[a].1 - ranges[a].0, 3);
}

#[tokio::test]
async fn subsets_load_only_those_customers() {
    let (_dir, store) = company().await;
    let ids = vec!["C".to_string(), "B".to_string(), "nobody".to_string()];
    let data = store.load_dataset_for(&ids, d(2025, 12, 31)).await.unwrap();
    let names: Vec<&str> = data.customers.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(names, ["B", "C"]);
    assert_eq!(data.tx.len(), 3);
    assert_eq!(data.costs.len(), 1);
    assert!(data.payments.is_empty() && data.contracts.is_empty());
    assert_eq!(data.categories, ["tea"]);
    // The subset of a past date still hides B.
    let early = store.load_dataset_for(&ids, d(2025, 6, 30)).await.unwrap();
    assert_eq!(early.customers.len(), 1);
    assert!(
        store
            .load_dataset_for(&[], d(2025, 6, 30))
            .await
            .unwrap()
            .customers
            .is_empty()
    );
}

/// Everything the loader packs into 64-bit values, at the edges: days before 1970, every
/// interaction kind, open contracts, unpaid invoices. Then the same store with a customer key
/// beyond 2³¹, which forces the unpacked queries: both must load the same data.
#[tokio::test]
async fn packed_and_unpacked_loads_agree() {
    let (dir, store) = fresh().await;
    let old = d(1950, 6, 1);
    let far = d(2150, 1, 1);
    store
        .import_customers(&[customer("P", "Past", Some(old))])
        .await
        .unwrap();
    store
        .import_transactions(&[
            txc(Some("1"), "P", old, 10.0, "a"),
            txc(Some("2"), "P", old - 400, -3.5, "b"),
            tx(None, "P", far, 1e12),
            txc(None, "Q", d(1969, 12, 31), 0.25, "c"),
        ])
        .await
        .unwrap();
    store
        .import_costs(&[
            cost("P", old, 1.5, 2.5),
            cost("Q", d(1969, 12, 1), 0.0, 0.0),
        ])
        .await
        .unwrap();
    let kinds = [
        InteractionKind::ServiceTicket,
        InteractionKind::Complaint,
        InteractionKind::Inquiry,
        InteractionKind::Referral,
        InteractionKind::Other,
    ];
    let inter: Vec<_> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| interaction("P", old - i as i32, *k))
        .collect();
    store.import_interactions(&inter).await.unwrap();
    store
        .import_surveys(&[
            survey("P", old, None, Some(0.0)),
            survey("Q", -1, Some(2.0), None),
        ])
        .await
        .unwrap();
    store
        .import_contracts(&[
            contract("P", old - 365, Some(old - 1), Some(false)),
            contract("P", old, None, Some(true)),
            contract("Q", -10, Some(-1), None),
        ])
        .await
        .unwrap();
    store
        .import_payments(&[
            payment("P", old, old - 5, Some(old - 100), None),
            payment("P", old + 1, old + 30, None, Some(-2.0)),
            payment("Q", -3, -2, Some(-1), Some(7.0)),
        ])
        .await
        .unwrap();
    // Numbers that need all 17 digits (or are subnormal, or huge) must come back bit for bit.
    let tricky = [
        0.1 + 0.2,
        1.0 / 3.0,
        5e-324,
        f64::MAX,
        -123_456_789.123_456_78,
        1e-300,
    ];
    let rows: Vec<_> = tricky
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let mut r = tx(Some(&format!("T{i}")), "P", old + 1, a);
            r.cost = Some(a / 7.0);
            r
        })
        .collect();
    store.import_transactions(&rows).await.unwrap();
    let as_of = d(2100, 1, 1);
    let packed = store.load_dataset(as_of).await.unwrap();
    for a in tricky {
        let t = packed.tx.iter().find(|t| t.amount.to_bits() == a.to_bits());
        let t = t.unwrap_or_else(|| panic!("{a:e} lost"));
        assert_eq!(t.cost.to_bits(), ((a / 7.0) as f32).to_bits());
    }
    let packed = {
        let mut p = packed;
        p.tx.retain(|t| t.day != old + 1);
        p
    };
    assert_eq!(packed.customers.len(), 2);
    assert_eq!(packed.tx.len(), 3);
    assert_eq!(packed.tx[0].day, old - 400);
    assert_eq!(packed.tx[0].amount, -3.5);
    assert_eq!(packed.customers[0].signup, Some(old));
    let got: Vec<InteractionKind> = packed.interactions.iter().map(|i| i.kind).collect();
    assert_eq!(got.len(), 5);
    for k in kinds {
        assert!(got.contains(&k), "{k:?}");
    }
    assert_eq!(packed.contracts[0].end, Some(old - 1));
    assert_eq!(packed.contracts[0].renewed, Some(false));
    assert_eq!(packed.contracts[1].end, None);
    assert_eq!(packed.contracts[1].renewed, Some(true));
    assert_eq!(packed.payments[0].due, old - 5);
    assert_eq!(packed.payments[0].paid, Some(old - 100));
    assert_eq!(packed.payments[1].paid, None);
    assert_eq!(packed.payments[1].amount, Some(-2.0));
    let q = cust(&packed, "Q").unwrap();
    assert!(
        packed
            .payments
            .iter()
            .any(|p| p.cust == q && p.invoice == -3 && p.paid == Some(-1))
    );

    // A customer key beyond 2^31 (written behind the store's back) disables packing and makes
    // keys sparse.
    store.close().await;
    let url = format!("sqlite://{}", dir.path().join("custval.db").display());
    {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(
            "INSERT INTO customers (key, customer_id, signup) VALUES (4294967296, 'Z', NULL)",
        )
        .execute(&mut c)
        .await
        .unwrap();
    }
    let store =
        custval_store::SqliteStore::open(&url, custval_store::OpenOptions { create: false })
            .await
            .unwrap();
    let mut plain = store.load_dataset(as_of).await.unwrap();
    for a in tricky {
        assert!(
            plain.tx.iter().any(|t| t.amount.to_bits() == a.to_bits()),
            "{a:e}"
        );
    }
    plain.tx.retain(|t| t.day != old + 1);
    // Z (unknown signup) is in, last by key, through the sparse key map.
    assert_eq!(plain.customers.len(), 3);
    assert_eq!(plain.customers[2].id, "Z");
    assert_eq!(plain.customers[..2], packed.customers[..]);
    assert_eq!(plain.categories, packed.categories);
    assert_eq!(
        format!("{:?}", plain.tx),
        format!("{:?}", packed.tx),
        "NaN costs compare by text"
    );
    assert_eq!(plain.costs, packed.costs);
    assert_eq!(plain.interactions, packed.interactions);
    assert_eq!(plain.surveys, packed.surveys);
    assert_eq!(plain.contracts, packed.contracts);
    assert_eq!(plain.payments, packed.payments);
}

/// A whole-store load reads on two connections when it can hold the write lock for a moment
/// to align their snapshots, and on one when an import holds it; both read the same dataset,
/// and the import's uncommitted lines are in neither.
#[tokio::test]
async fn a_load_beside_a_running_import_reads_the_same_dataset_on_one_connection() {
    let (_dir, store) = company().await;
    let as_of = d(2025, 12, 31);
    let two = store.load_dataset(as_of).await.unwrap();
    let mut s = store.begin_import().await.unwrap();
    s.transactions(&[tx(Some("LATE"), "A", d(2025, 3, 1), 99.0)])
        .await
        .unwrap();
    let one = store.load_dataset(as_of).await.unwrap();
    assert_eq!(format!("{two:?}"), format!("{one:?}"));
    assert!(one.tx.iter().all(|t| t.amount != 99.0));
    s.rollback().await.unwrap();
}
