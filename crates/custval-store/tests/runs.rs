//! Runs and results: one transaction per run, newest first, filters, sorts, pages, totals,
//! tier history, deletion.

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
use custval_store::{ResultQuery, ResultSort, StoreError};

fn q() -> ResultQuery {
    ResultQuery::default()
}

#[tokio::test]
async fn runs_are_listed_newest_first_and_readable() {
    let (_dir, store) = fresh().await;
    assert_eq!(store.latest_run().await.unwrap(), None);
    let r1 = store
        .create_run(
            d(2025, 3, 31),
            "[weights]\n",
            r#"{"cuts":[0.8]}"#,
            1.5,
            &[result("C1", "A", 90.0)],
            &[],
        )
        .await
        .unwrap();
    let r2 = store
        .create_run(
            d(2025, 6, 30),
            "x = 1",
            "{}",
            2.0,
            &[result("C1", "B", 60.0), result("C2", "A", 95.0)],
            &[],
        )
        .await
        .unwrap();
    assert!(r2 > r1);
    let runs = store.runs().await.unwrap();
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [r2, r1]);
    let info = store.run(r1).await.unwrap();
    assert_eq!(
        (info.as_of, info.customers, info.seconds),
        (d(2025, 3, 31), 1, 1.5)
    );
    assert_eq!(info.config, "[weights]\n");
    assert_eq!(info.meta, r#"{"cuts":[0.8]}"#);
    assert!(info.created_at.ends_with('Z'), "{}", info.created_at);
    assert_eq!(store.latest_run().await.unwrap().unwrap().id, r2);
    assert!(matches!(
        store.run(999).await,
        Err(StoreError::RunNotFound(999))
    ));

    // Results round-trip field for field.
    let back = store.result(r2, "C1").await.unwrap().unwrap();
    assert_eq!(back, result("C1", "B", 60.0));
    assert_eq!(store.result(r2, "C9").await.unwrap(), None);

    let hist = store.tier_history("C1").await.unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(
        (hist[0].run, hist[0].tier.as_str(), hist[0].score),
        (r1, "A", 90.0)
    );
    assert_eq!(
        (hist[1].run, hist[1].as_of, hist[1].tier.as_str()),
        (r2, d(2025, 6, 30), "B")
    );

    store.delete_run(r1).await.unwrap();
    assert_eq!(store.runs().await.unwrap().len(), 1);
    assert_eq!(store.tier_history("C1").await.unwrap().len(), 1);
    assert!(matches!(
        store.delete_run(r1).await,
        Err(StoreError::RunNotFound(_))
    ));
    assert!(matches!(
        store.results(r1, &q()).await,
        Err(StoreError::RunNotFound(_))
    ));
}

#[tokio::test]
async fn a_failed_run_leaves_earlier_runs_untouched() {
    let (_dir, store) = fresh().await;
    let r1 = store
        .create_run(1, "", "{}", 0.1, &[result("C1", "A", 1.0)], &[])
        .await
        .unwrap();
    let mut bad: Vec<_> = (0..1500)
        .map(|i| result(&format!("C{i}"), "B", i as f64))
        .collect();
    bad[1200].score = f64::NAN;
    let err = store
        .create_run(2, "", "{}", 0.1, &bad, &[])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::InvalidRecord { row: 1200, .. }),
        "{err:?}"
    );
    let mut twice: Vec<_> = (0..1500)
        .map(|i| result(&format!("C{i}"), "B", i as f64))
        .collect();
    twice[1400].customer_id = "C3".to_string();
    // The alerts are written before the results are checked (issue 19): the failed run's
    // rollback takes them back too.
    let alert = custval_store::NewAlert {
        customer_id: "C3".into(),
        owner: None,
        rule: "spend_drop".into(),
        severity: "warning".into(),
        body: "{}".into(),
    };
    let err = store
        .create_run(2, "", "{}", 0.1, &twice, &[alert])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::InvalidRecord { row: 1400, reason, .. }
            if reason.contains("customer C3 appears twice in the run")),
        "{err:?}"
    );
    let alerts = store
        .alerts(&custval_store::AlertQuery::default())
        .await
        .unwrap();
    assert!(alerts.is_empty(), "{alerts:?}");
    assert!(
        store
            .create_run(2, "", "not json", 0.1, &[], &[])
            .await
            .is_err()
    );
    let runs = store.runs().await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].id, r1);
    assert_eq!(store.results(r1, &q()).await.unwrap().total, 1);
}

/// 1000 customers over tiers, classes, owners and names, scores 0..999 (customer i has
/// score i).
fn sample() -> Vec<custval_store::CustomerResult> {
    (0..1000)
        .map(|i| {
            let mut r = result(&format!("C{i:04}"), ["A", "B", "C"][i % 3], i as f64);
            r.owner = Some(format!("rep{}", i % 4));
            r.region = Some(["north", "south"][i % 2].to_string());
            r.industry = Some(["retail", "pharma", "finance", "it", "food"][i % 5].to_string());
            r.value_class = ["most_valuable", "secondary", "negative"][i % 3].to_string();
            r.lifecycle = ["new", "loyal", "declining", "churned"][i % 4].to_string();
            r.clv = if i % 10 == 0 {
                None
            } else {
                Some(((i * 37) % 1000) as f64)
            };
            r.spend_12m = Some(((i * 91) % 1000) as f64);
            r.name = if i == 7 {
                None
            } else {
                Some(format!("Shop {:03} 华", 999 - i))
            };
            r
        })
        .collect()
}

#[tokio::test]
async fn results_filter_sort_and_page() {
    let (_dir, store) = fresh().await;
    let rows = sample();
    let run = store
        .create_run(10, "", "{}", 1.0, &rows, &[])
        .await
        .unwrap();

    // Default: everything by score descending, 50 per page.
    let page = store.results(run, &q()).await.unwrap();
    assert_eq!(page.total, 1000);
    assert_eq!(page.results.len(), 50);
    assert_eq!(page.results[0].customer_id, "C0999");
    assert_eq!(page.results[49].score, 950.0);

    // Tier filter, second page.
    let query = ResultQuery {
        tier: Some("A".into()),
        offset: 50,
        limit: 20,
        ..q()
    };
    let page = store.results(run, &query).await.unwrap();
    assert_eq!(page.total, 334);
    assert_eq!(page.results.len(), 20);
    assert!(page.results.iter().all(|r| r.tier == "A"));
    let expected: Vec<f64> = (0..1000)
        .rev()
        .filter(|i| i % 3 == 0)
        .skip(50)
        .take(20)
        .map(|i| i as f64)
        .collect();
    assert_eq!(
        page.results.iter().map(|r| r.score).collect::<Vec<_>>(),
        expected
    );

    // The last page is short; past the end is empty with the same total.
    let page = store
        .results(
            run,
            &ResultQuery {
                tier: Some("A".into()),
                offset: 330,
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!((page.total, page.results.len()), (334, 4));
    let page = store
        .results(
            run,
            &ResultQuery {
                tier: Some("A".into()),
                offset: 5000,
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!((page.total, page.results.len()), (334, 0));

    // Class matches value_class or lifecycle (or the other two class columns).
    let page = store
        .results(
            run,
            &ResultQuery {
                class: Some("secondary".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 333);
    assert!(page.results.iter().all(|r| r.value_class == "secondary"));
    let page = store
        .results(
            run,
            &ResultQuery {
                class: Some("churned".into()),
                tier: Some("B".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    let n = (0..1000).filter(|i| i % 4 == 3 && i % 3 == 1).count() as u64;
    assert_eq!(page.total, n);
    assert!(
        page.results
            .iter()
            .all(|r| r.lifecycle == "churned" && r.tier == "B")
    );
    let page = store
        .results(
            run,
            &ResultQuery {
                class: Some("true_friend".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1000, "profit_loyalty column");
    let page = store
        .results(
            run,
            &ResultQuery {
                class: Some("nothing".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!((page.total, page.results.len()), (0, 0));

    // Owner, region, industry combine.
    let query = ResultQuery {
        owner: Some("rep1".into()),
        region: Some("south".into()),
        industry: Some("pharma".into()),
        ..q()
    };
    let page = store.results(run, &query).await.unwrap();
    let n = (0..1000)
        .filter(|i| i % 4 == 1 && i % 2 == 1 && i % 5 == 1)
        .count() as u64;
    assert_eq!(page.total, n);

    // Search: id or name substring, ASCII case-insensitive, wildcards literal.
    let page = store
        .results(
            run,
            &ResultQuery {
                search: Some("c012".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 10);
    let page = store
        .results(
            run,
            &ResultQuery {
                search: Some("shop 000".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.results[0].customer_id, "C0999");
    let page = store
        .results(
            run,
            &ResultQuery {
                search: Some("%".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    let page = store
        .results(
            run,
            &ResultQuery {
                search: Some("华".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 999);

    // Sorts.
    let by = |sort| ResultQuery {
        sort,
        limit: 1000,
        ..q()
    };
    let page = store.results(run, &by(ResultSort::Clv)).await.unwrap();
    let clvs: Vec<Option<f64>> = page.results.iter().map(|r| r.clv).collect();
    assert_eq!(clvs[0], Some(999.0));
    assert!(
        clvs.iter().skip(900).all(Option::is_none),
        "unknown CLV last"
    );
    assert!(clvs[..900].windows(2).all(|w| w[0] >= w[1]));
    let page = store.results(run, &by(ResultSort::Spend12m)).await.unwrap();
    assert!(
        page.results
            .windows(2)
            .all(|w| w[0].spend_12m >= w[1].spend_12m)
    );
    let page = store
        .results(run, &by(ResultSort::CustomerId))
        .await
        .unwrap();
    assert_eq!(page.results[0].customer_id, "C0000");
    assert_eq!(page.results[999].customer_id, "C0999");
    let page = store.results(run, &by(ResultSort::Name)).await.unwrap();
    assert_eq!(page.results[0].name.as_deref(), Some("Shop 000 华"));
    assert_eq!(page.results[999].name, None, "no name last");

    // Ties are broken by customer id, so pages never overlap.
    let tied: Vec<_> = (0..30)
        .map(|i| result(&format!("T{i:02}"), "A", 5.0))
        .collect();
    let run2 = store
        .create_run(11, "", "{}", 1.0, &tied, &[])
        .await
        .unwrap();
    let mut seen = Vec::new();
    for p in 0..3 {
        let page = store
            .results(
                run2,
                &ResultQuery {
                    offset: p * 10,
                    limit: 10,
                    ..q()
                },
            )
            .await
            .unwrap();
        seen.extend(page.results.into_iter().map(|r| r.customer_id));
    }
    let expected: Vec<String> = (0..30).map(|i| format!("T{i:02}")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_class_value_in_two_columns_counts_each_customer_once() {
    let (_dir, store) = fresh().await;
    let mut a = result("A", "A", 3.0);
    a.value_class = "watch".into();
    let mut b = result("B", "A", 2.0);
    b.lifecycle = "watch".into();
    let mut c = result("C", "B", 1.0);
    c.value_class = "watch".into();
    c.lifecycle = "watch".into();
    let run = store
        .create_run(1, "", "{}", 0.0, &[a, b, c, result("D", "C", 0.0)], &[])
        .await
        .unwrap();
    let page = store
        .results(
            run,
            &ResultQuery {
                class: Some("watch".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    let ids: Vec<&str> = page
        .results
        .iter()
        .map(|r| r.customer_id.as_str())
        .collect();
    assert_eq!(ids, ["A", "B", "C"]);
    let page = store
        .results(
            run,
            &ResultQuery {
                tier: Some("Z".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!((page.total, page.results.len()), (0, 0));
    let page = store
        .results(
            run,
            &ResultQuery {
                owner: Some("rep1".into()),
                ..q()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 4);
}

#[tokio::test]
async fn alerts_are_stored_with_their_run_and_their_status_changes_are_audited() {
    let (_dir, store) = fresh().await;
    let mut a = result("C1", "A", 90.0);
    a.raw_tier = Some("B".into());
    a.tier_streak = 1;
    a.signals.payment_delay = Some(12.5);
    a.signals.csat = None;
    a.signals.spend_prev_12m = Some(1000.0);
    let r1 = store
        .create_run(d(2025, 3, 31), "", "{}", 1.0, &[a.clone()], &[])
        .await
        .unwrap();
    let alert = |c: &str, sev: &str| custval_store::NewAlert {
        customer_id: c.into(),
        owner: Some("rep1".into()),
        rule: "spend_drop".into(),
        severity: sev.into(),
        body: r#"{"evidence":{"change":-0.4}}"#.into(),
    };
    let r2 = store
        .create_run(
            d(2025, 6, 30),
            "",
            "{}",
            1.0,
            &[result("C1", "B", 60.0), result("C2", "A", 95.0)],
            &[alert("C2", "info"), alert("C1", "critical")],
        )
        .await
        .unwrap();
    let mut keys = store.alert_keys(r2).await.unwrap();
    keys.sort();
    let spend = |c: &str| (c.to_string(), "spend_drop".to_string());
    assert_eq!(keys, [spend("C1"), spend("C2")]);
    assert!(store.alert_keys(r1).await.unwrap().is_empty());
    // Snapshot: no detail, the new columns round-trip, ordered by customer id.
    let snap = store.snapshot(r1).await.unwrap();
    assert_eq!(snap.len(), 1);
    assert_eq!(snap[0].raw_tier.as_deref(), Some("B"));
    assert_eq!(snap[0].tier_streak, 1);
    assert_eq!(snap[0].signals, a.signals);
    assert!(snap[0].detail.is_empty());
    assert_eq!(
        store
            .previous_run(d(2025, 6, 30))
            .await
            .unwrap()
            .map(|r| r.id),
        Some(r1)
    );
    assert_eq!(store.previous_run(d(2025, 3, 31)).await.unwrap(), None);

    let q = custval_store::AlertQuery {
        run: Some(r2),
        ..Default::default()
    };
    let list = store.alerts(&q).await.unwrap();
    assert_eq!(
        list.iter()
            .map(|a| a.customer_id.as_str())
            .collect::<Vec<_>>(),
        ["C1", "C2"],
        "most severe first"
    );
    assert_eq!(list[0].body["evidence"]["change"], -0.4);
    assert_eq!(list[0].status, "open");
    assert!(store.acknowledge_alert(list[0].id, "ann").await.unwrap());
    assert!(
        store
            .assign_alert(list[1].id, Some("bob"), "ann")
            .await
            .unwrap()
    );
    assert!(!store.acknowledge_alert(9999, "ann").await.unwrap());
    let one = store.alert(list[0].id).await.unwrap().unwrap();
    assert_eq!(one.status, "acknowledged");
    assert_eq!(one.acknowledged_by.as_deref(), Some("ann"));
    let open = store
        .alerts(&custval_store::AlertQuery {
            status: Some("open".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].assignee.as_deref(), Some("bob"));
    let log = store.audit_log(10).await.unwrap();
    assert!(log.iter().any(|e| e.action == "acknowledge_alert"));
    assert!(log.iter().any(|e| e.action == "assign_alert"));
    // A bad severity stores nothing of the run.
    let runs_before = store.runs().await.unwrap().len();
    assert!(
        store
            .create_run(d(2025, 9, 30), "", "{}", 1.0, &[], &[alert("C1", "loud")])
            .await
            .is_err()
    );
    assert_eq!(store.runs().await.unwrap().len(), runs_before);
    // Deleting a run deletes its alerts.
    store.delete_run(r2).await.unwrap();
    assert!(store.alerts(&q).await.unwrap().is_empty());
}

/// Schema v4 stores a run's results in list order (score descending, then customer id), and
/// pages are chosen by id: ties in score or CLV must still come out in that order, page after
/// page, and a second run must not interleave with the first.
#[tokio::test]
async fn pages_follow_the_list_order_with_ties_across_runs() {
    let (_dir, store) = fresh().await;
    let rows: Vec<_> = (0..300)
        .map(|i| {
            // Few distinct scores and CLVs: many ties; ids not in score order.
            let mut r = result(
                &format!("K{:03}", (i * 7) % 300),
                ["A", "B"][i % 2],
                (i % 5) as f64,
            );
            r.clv = Some((i % 3) as f64);
            r
        })
        .collect();
    let first = store
        .create_run(10, "", "{}", 1.0, &rows, &[])
        .await
        .unwrap();
    let second = store
        .create_run(20, "", "{}", 1.0, &rows, &[])
        .await
        .unwrap();
    let mut by_score = rows.clone();
    by_score.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    let rank: std::collections::HashMap<&str, usize> = by_score
        .iter()
        .enumerate()
        .map(|(i, r)| (r.customer_id.as_str(), i))
        .collect();
    for run in [first, second] {
        for (tier, sort) in [
            (None, ResultSort::Score),
            (Some("B"), ResultSort::Score),
            (None, ResultSort::Clv),
            (Some("A"), ResultSort::Clv),
        ] {
            let mut got = Vec::new();
            for page in 0..20 {
                let query = ResultQuery {
                    tier: tier.map(str::to_string),
                    sort,
                    offset: page * 17,
                    limit: 17,
                    ..q()
                };
                got.extend(store.results(run, &query).await.unwrap().results);
            }
            let mut want: Vec<_> = by_score
                .iter()
                .filter(|r| tier.is_none_or(|t| r.tier == t))
                .cloned()
                .collect();
            if sort == ResultSort::Clv {
                // CLV descending; ties in list order.
                want.sort_by(|a, b| {
                    b.clv
                        .partial_cmp(&a.clv)
                        .unwrap()
                        .then(rank[a.customer_id.as_str()].cmp(&rank[b.customer_id.as_str()]))
                });
            }
            let ids = |v: &[custval_store::CustomerResult]| {
                v.iter().map(|r| r.customer_id.clone()).collect::<Vec<_>>()
            };
            assert_eq!(ids(&got), ids(&want), "run {run}, tier {tier:?}, {sort:?}");
        }
    }
}

/// Details built while the run is written land with their own results, whatever the list
/// order (the builder is called with the index into `results`).
#[tokio::test]
async fn details_built_during_the_write_follow_their_results() {
    let (_dir, store) = fresh().await;
    let rows: Vec<_> = (0..1234)
        .map(|i| result(&format!("D{i:04}"), "A", ((i * 31) % 97) as f64))
        .collect();
    let detail = |i: usize| format!(r#"{{"for":"{}"}}"#, rows[i].customer_id);
    let run = store
        .create_run_with_details(10, "", "{}", 1.0, &rows, &detail, Vec::new())
        .await
        .unwrap();
    for id in ["D0000", "D0617", "D1233"] {
        let r = store.result(run, id).await.unwrap().unwrap();
        assert_eq!(r.detail, format!(r#"{{"for":"{id}"}}"#));
    }
    let page = store.results(run, &q()).await.unwrap();
    for r in &page.results {
        assert_eq!(r.detail, format!(r#"{{"for":"{}"}}"#, r.customer_id));
    }
}

/// A run of at least 2,000 results stores its details as zstd frames with a dictionary of its
/// own (schema v6); a small run keeps plain JSON. Both read back as the same JSON text, by id
/// and by page, and deleting the compressed run leaves the plain one readable.
#[tokio::test]
async fn large_runs_compress_their_details_and_read_them_back_exactly() {
    let (dir, store) = fresh().await;
    let rows: Vec<_> = (0..2_500)
        .map(|i| result(&format!("Z{i:05}"), "B", ((i * 37) % 101) as f64))
        .collect();
    let detail = |i: usize| {
        format!(
            r#"{{"raw":[{i}.25,{}],"tier_rule":{{"value":{},"cut":0.8}},"why":"利润率高：毛利率 {}%，位于客户的第 {} 百分位"}}"#,
            i % 9,
            i * 17,
            i % 100,
            (i * 7) % 100
        )
    };
    let small = store
        .create_run_with_details(5, "", "{}", 1.0, &rows[..10], &detail, Vec::new())
        .await
        .unwrap();
    let large = store
        .create_run_with_details(10, "", "{}", 1.0, &rows, &detail, Vec::new())
        .await
        .unwrap();
    for i in [0, 1, 1_249, 2_499] {
        let r = store
            .result(large, &rows[i].customer_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.detail, detail(i));
    }
    let mut query = q();
    query.limit = 100;
    query.offset = 2_400;
    let page = store.results(large, &query).await.unwrap();
    assert_eq!(page.results.len(), 100);
    for r in &page.results {
        let i: usize = r.customer_id[1..].parse().unwrap();
        assert_eq!(r.detail, detail(i));
    }
    let r = store.result(small, "Z00003").await.unwrap().unwrap();
    assert_eq!(r.detail, detail(3));

    // What is on disk: blobs for the large run (about a third of the text at most), text for
    // the small one.
    use sqlx::Connection;
    let url = format!("sqlite://{}", dir.path().join("custval.db").display());
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let kinds: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT r.run_id, typeof(d.detail), count(*), sum(length(d.detail)) \
         FROM results r JOIN result_details d ON d.id = r.id GROUP BY 1, 2 ORDER BY 1",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let plain: usize = (0..2_500).map(|i| detail(i).len()).sum();
    assert_eq!(kinds[0], (small, "text".to_string(), 10, kinds[0].3));
    assert_eq!(
        (kinds[1].0, kinds[1].1.as_str(), kinds[1].2),
        (large, "blob", 2_500)
    );
    assert!(
        (kinds[1].3 as usize) * 3 < plain,
        "{} bytes for {plain}",
        kinds[1].3
    );
    let dicts: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT length(detail_dict) FROM runs ORDER BY id")
            .fetch_all(&mut c)
            .await
            .unwrap();
    assert!(
        dicts[0].is_none() && dicts[1].is_some_and(|n| n > 0),
        "{dicts:?}"
    );

    store.delete_run(large).await.unwrap();
    let r = store.result(small, "Z00009").await.unwrap().unwrap();
    assert_eq!(r.detail, detail(9));
}

/// Issue 17: after a backfill (runs of older dates created later), "the latest run" is the
/// one with the latest as-of date, not the highest id; ties go to the latest created.
#[tokio::test]
async fn issue_17_latest_run_is_the_latest_as_of_date_not_the_highest_id() {
    let (_dir, store) = fresh().await;
    let one = |id: &str| vec![result(id, "A", 1.0)];
    let june = store
        .create_run(d(2025, 6, 30), "", "{}", 0.1, &one("C1"), &[])
        .await
        .unwrap();
    let march = store
        .create_run(d(2025, 3, 31), "", "{}", 0.1, &one("C1"), &[])
        .await
        .unwrap();
    assert!(march > june);
    assert_eq!(store.latest_run().await.unwrap().unwrap().id, june);
    let ids: Vec<_> = store.runs().await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(ids, [june, march]);
    // The same date again: the run created last is the latest.
    let june_again = store
        .create_run(d(2025, 6, 30), "", "{}", 0.1, &one("C1"), &[])
        .await
        .unwrap();
    assert_eq!(store.latest_run().await.unwrap().unwrap().id, june_again);
    let ids: Vec<_> = store.runs().await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(ids, [june_again, june, march]);
    assert_eq!(
        store
            .previous_run(d(2025, 6, 30))
            .await
            .unwrap()
            .unwrap()
            .id,
        march
    );
}
