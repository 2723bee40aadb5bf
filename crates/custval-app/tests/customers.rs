//! The customer list service against a plain reference: the whole run read into memory,
//! provisional results and overrides applied, filtered and sorted with the store's rules.
//! Every sort, several filters and page sizes (pages that straddle the changed customers)
//! must give the reference's rows and total.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{day, order, owner_of, store_with_owners};
use custval_app::access::Actor;
use custval_app::customers::{ListRow, Lister, matches, order as list_order};
use custval_model::{CustomerResult, Day};
use custval_store::prelude::*;
use custval_store::{ResultQuery, ResultSort, Role, SqliteStore};

const SORTS: [ResultSort; 5] = [
    ResultSort::Score,
    ResultSort::Clv,
    ResultSort::Spend12m,
    ResultSort::CustomerId,
    ResultSort::Name,
];

fn today() -> Day {
    day(2025, 4, 15)
}

/// The list as the reference computes it: (id, tier shown, override?, provisional?).
async fn reference(store: &SqliteStore, q: &ResultQuery) -> Vec<(String, String, bool, bool)> {
    let run = store.latest_run().await.expect("runs").expect("run");
    let mut all: Vec<CustomerResult> = store.snapshot(run.id).await.expect("snapshot");
    let overrides = store.active_overrides(today()).await.expect("overrides");
    let ids: Vec<String> = all.iter().map(|r| r.customer_id.clone()).collect();
    let provisional = store.provisional(run.id, &ids).await.expect("provisional");
    let mut marks = Vec::new();
    for r in &mut all {
        let p = provisional
            .iter()
            .find(|p| p.result.customer_id == r.customer_id);
        if let Some(p) = p {
            *r = p.result.clone();
        }
        let o = overrides.iter().find(|o| o.customer_id == r.customer_id);
        if let Some(o) = o {
            r.tier = o.tier.clone();
        }
        marks.push((r.customer_id.clone(), o.is_some(), p.is_some()));
    }
    let mut shown: Vec<&CustomerResult> = all.iter().filter(|r| matches(r, q)).collect();
    shown.sort_by(|a, b| list_order(q.sort, a, b));
    shown
        .iter()
        .map(|r| {
            let (_, o, p) = marks
                .iter()
                .find(|(id, _, _)| *id == r.customer_id)
                .cloned()
                .unwrap_or_default();
            (r.customer_id.clone(), r.tier.clone(), o, p)
        })
        .collect()
}

fn summary(rows: &[ListRow]) -> Vec<(String, String, bool, bool)> {
    rows.iter()
        .map(|r| {
            (
                r.customer_id.clone(),
                r.tier.clone(),
                r.override_.is_some(),
                r.provisional.is_some(),
            )
        })
        .collect()
}

/// Pages of `per_page` through the whole list, and the total each page reported.
async fn paged(
    store: &SqliteStore,
    actor: Actor<'_>,
    q: &ResultQuery,
    per_page: u64,
) -> (Vec<ListRow>, Vec<u64>) {
    let run = store.latest_run().await.expect("runs").expect("run");
    let lister = Lister::new(store, actor, run, q.clone(), today())
        .await
        .expect("lister");
    let (mut rows, mut totals) = (Vec::new(), Vec::new());
    let mut offset = 0;
    loop {
        let page = lister.page(offset, per_page).await.expect("page");
        totals.push(page.total);
        if page.rows.is_empty() {
            break;
        }
        offset += page.rows.len() as u64;
        rows.extend(page.rows);
    }
    (rows, totals)
}

async fn check(store: &SqliteStore, q: &ResultQuery) {
    let want = reference(store, q).await;
    for per_page in [1, 7, 50, 1000] {
        let (rows, totals) = paged(store, Actor::Local("test"), q, per_page).await;
        assert_eq!(summary(&rows), want, "{q:?}, {per_page} a page");
        assert!(
            totals.iter().all(|&t| t == want.len() as u64),
            "{q:?}: totals {totals:?}, want {}",
            want.len()
        );
    }
}

#[tokio::test]
async fn the_list_is_the_reference_list_with_overrides_and_provisional_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with_owners(&dir).await;
    let run = store.latest_run().await.expect("runs").expect("run");
    let all = store.snapshot(run.id).await.expect("snapshot");
    let by_tier = |t: &str| -> Vec<String> {
        all.iter()
            .filter(|r| r.tier == t)
            .map(|r| r.customer_id.clone())
            .collect()
    };
    let (a, c) = (by_tier("A"), by_tier("C"));
    assert!(a.len() >= 2 && c.len() >= 3, "A {a:?} C {c:?}");

    // Nothing changed yet: the store's pages as they are.
    for sort in SORTS {
        check(
            &store,
            &ResultQuery {
                sort,
                ..ResultQuery::default()
            },
        )
        .await;
    }

    // Two overrides (up and down), one expired, and provisional results from new orders.
    store
        .set_override(&c[0], "A", "strategic", "ann", None)
        .await
        .expect("override");
    store
        .set_override(&a[0], "C", "leaving", "ann", Some(day(2099, 1, 1)))
        .await
        .expect("override");
    store
        .set_override(&c[1], "B", "old", "ann", Some(day(2025, 1, 1)))
        .await
        .expect("expired override");
    let late = day(2025, 4, 10);
    let rows: Vec<_> = [c[2].clone(), a[1].clone()]
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let n: usize = id[1..].parse().expect("numbered id");
            order(&format!("LATE-{k}"), n, late, 400_000.0)
        })
        .collect();
    store.import_transactions(&rows).await.expect("import");
    let ids: Vec<String> = rows.iter().map(|r| r.customer_id.clone()).collect();
    custval_app::provisional::update(&store, &ids, Some(late))
        .await
        .expect("update")
        .expect("a run");

    let shown = reference(&store, &ResultQuery::default()).await;
    let tier_of = |id: &str| shown.iter().find(|r| r.0 == id).map(|r| r.1.clone());
    assert_eq!(tier_of(&c[0]).as_deref(), Some("A"), "override up");
    assert_eq!(tier_of(&a[0]).as_deref(), Some("C"), "override down");
    assert_eq!(
        tier_of(&c[1]).as_deref(),
        Some("C"),
        "an expired override is not in force"
    );
    assert!(shown.iter().any(|r| r.3), "provisional rows");

    for sort in SORTS {
        for q in [
            ResultQuery::default(),
            ResultQuery {
                tier: Some("A".into()),
                ..ResultQuery::default()
            },
            ResultQuery {
                tier: Some("c".into()),
                ..ResultQuery::default()
            },
            ResultQuery {
                owner: Some(owner_of(2)),
                ..ResultQuery::default()
            },
            ResultQuery {
                industry: Some("金融".into()),
                tier: Some("B".into()),
                ..ResultQuery::default()
            },
            ResultQuery {
                search: Some("company 0".into()),
                ..ResultQuery::default()
            },
        ] {
            let mut q = q;
            q.sort = sort;
            if q.tier.as_deref() == Some("c") {
                q.tier = Some("C".into()); // the reference takes checked filters
                let mut lower = q.clone();
                lower.tier = Some("c".into());
                let run = store.latest_run().await.expect("runs").expect("run");
                let l = Lister::new(&store, Actor::Local("t"), run, lower, today())
                    .await
                    .expect("a lower-case tier is accepted");
                assert_eq!(l.query().tier.as_deref(), Some("C"));
            }
            check(&store, &q).await;
        }
    }

    // The override's note says who and what was computed.
    let (rows, _) = paged(
        &store,
        Actor::Local("t"),
        &ResultQuery {
            tier: Some("A".into()),
            ..ResultQuery::default()
        },
        100,
    )
    .await;
    let o = rows.iter().find(|r| r.customer_id == c[0]).expect("row");
    let note = o.override_.as_deref().unwrap_or("");
    assert!(note.contains("ann") && note.contains("computed C") && note.contains("strategic"));

    // An export streams the same list.
    let lister = Lister::new(
        &store,
        Actor::Local("t"),
        run.clone(),
        ResultQuery::default(),
        today(),
    )
    .await
    .expect("lister");
    let mut streamed = Vec::new();
    let n = lister
        .for_each_chunk(9, |chunk| {
            assert!(chunk.len() <= 9);
            streamed.extend(chunk);
        })
        .await
        .expect("stream");
    assert_eq!(n as usize, streamed.len());
    assert_eq!(
        summary(&streamed),
        reference(&store, &ResultQuery::default()).await
    );
    assert!(
        streamed
            .iter()
            .all(|r| r.cells().len() == custval_app::customers::EXPORT_HEADERS.len())
    );
}

#[tokio::test]
async fn a_sales_user_lists_only_their_own_customers_and_unknown_filters_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with_owners(&dir).await;
    let run = store.latest_run().await.expect("runs").expect("run");
    let rita = store
        .add_user("rita", Role::Sales, Some("rep1"), None)
        .await
        .expect("user");
    let q = ResultQuery {
        owner: Some("rep2".into()), // ignored: a sales user sees their own
        limit: 1000,
        ..ResultQuery::default()
    };
    let lister = Lister::new(&store, Actor::User(&rita), run.clone(), q, today())
        .await
        .expect("lister");
    let page = lister.page(0, 1000).await.expect("page");
    assert!(!page.rows.is_empty());
    assert!(page.rows.iter().all(|r| r.owner.as_deref() == Some("rep1")));
    assert_eq!(page.total, page.rows.len() as u64);

    for bad in [
        ResultQuery {
            tier: Some("Z".into()),
            ..ResultQuery::default()
        },
        ResultQuery {
            class: Some("nonsense".into()),
            ..ResultQuery::default()
        },
    ] {
        let e = Lister::new(&store, Actor::Local("t"), run.clone(), bad, today())
            .await
            .err()
            .expect("an unknown filter value is an error");
        assert!(e.to_string().contains("valid:"), "{e}");
    }
}
