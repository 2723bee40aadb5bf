//! Timings on generated data, ignored by default. Generate a company, then run in release:
//!
//! ```text
//! custval generate --customers 100000 --output /tmp/g100k
//! CUSTVAL_BENCH_DIR=/tmp/g100k cargo test --release -p custval-store --test bench -- --ignored --nocapture
//! ```
//!
//! CSV rows are parsed in chunks and fed to one import session, as the CLI will; parse time
//! is reported apart from store time. `CUSTVAL_BENCH_KEEP=path` keeps the database;
//! `CUSTVAL_BENCH_DB=path` with `bench_load_existing` times loads of a kept database;
//! `CUSTVAL_BENCH_LOG=1` prints the store's debug timings (per table).

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use custval_model::InteractionKind;
use custval_store::prelude::*;
use custval_store::{
    ContractRecord, CostRecord, CustomerRecord, Day, ImportCounts, ImportSession,
    InteractionRecord, OpenOptions, PaymentRecord, ResultQuery, ResultSort, SqliteStore,
    SurveyRecord, TxRecord,
};

const CHUNK: usize = 100_000;

/// The allocator of the `custval` binary, so that the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn dir() -> PathBuf {
    PathBuf::from(std::env::var("CUSTVAL_BENCH_DIR").unwrap_or_else(|_| "/tmp/g100k".into()))
}

/// `YYYY-MM-DD` or `YYYY-MM` (first of the month) to days since 1970-01-01.
fn day(s: &str) -> Day {
    let p: Vec<i32> = s.split('-').map(|x| x.parse().unwrap()).collect();
    let (y, m, d) = (p[0], p[1], *p.get(2).unwrap_or(&1));
    // Days from civil (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn num(s: &str) -> Option<f64> {
    (!s.is_empty()).then(|| s.parse().unwrap())
}

/// A CSV file read in chunks of parsed records; parse time is kept apart.
struct Chunks<R, P: Fn(&csv::StringRecord) -> R> {
    rdr: csv::Reader<std::fs::File>,
    parse: P,
    parse_t: Duration,
    rows: usize,
}

impl<R, P: Fn(&csv::StringRecord) -> R> Chunks<R, P> {
    fn new(path: &Path, parse: P) -> Self {
        Chunks {
            rdr: csv::Reader::from_path(path).unwrap(),
            parse,
            parse_t: Duration::ZERO,
            rows: 0,
        }
    }

    fn next(&mut self) -> Option<Vec<R>> {
        let t = Instant::now();
        let mut rec = csv::StringRecord::new();
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK && self.rdr.read_record(&mut rec).unwrap() {
            chunk.push((self.parse)(&rec));
        }
        self.parse_t += t.elapsed();
        self.rows += chunk.len();
        (!chunk.is_empty()).then_some(chunk)
    }
}

/// Feeds every chunk of a file to one session method; returns (rows, parse time, store
/// time, counts).
macro_rules! feed {
    ($session:expr, $method:ident, $path:expr, $parse:expr) => {{
        let mut chunks = Chunks::new(&$path, $parse);
        let mut store_t = Duration::ZERO;
        let mut counts = ImportCounts::default();
        while let Some(c) = chunks.next() {
            let t = Instant::now();
            counts += $session.$method(&c).await.unwrap();
            store_t += t.elapsed();
        }
        (chunks.rows, chunks.parse_t, store_t, counts)
    }};
}

fn tx_rec(r: &csv::StringRecord) -> TxRecord {
    TxRecord {
        order_id: opt(&r[0]),
        customer_id: r[1].to_string(),
        date: day(&r[2]),
        amount: r[3].parse().unwrap(),
        cost: num(&r[4]),
        category: opt(&r[5]),
        quantity: num(&r[6]),
        channel: opt(&r[7]),
    }
}

async fn import_transactions(store: &SqliteStore, label: &str) -> ImportCounts {
    let path = dir().join("transactions.csv");
    let t = Instant::now();
    let mut s = store.begin_import().await.unwrap();
    let (n, parse_t, store_t, counts) = feed!(s, transactions, path, tx_rec);
    let t_commit = Instant::now();
    s.commit().await.unwrap();
    let commit_t = t_commit.elapsed();
    println!(
        "{label}: {n} transactions: store {:.2} s + commit {:.2} s (CSV parse {:.2} s, wall {:.2} s): {counts:?}",
        store_t.as_secs_f64(),
        commit_t.as_secs_f64(),
        parse_t.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    counts
}

async fn import_others(store: &SqliteStore) {
    let base = dir();
    let t = Instant::now();
    let mut s = store.begin_import().await.unwrap();
    let (n, _, st, _) = feed!(s, customers, base.join("customers.csv"), |r| {
        CustomerRecord {
            customer_id: r[0].to_string(),
            name: opt(&r[1]),
            industry: opt(&r[2]),
            region: opt(&r[3]),
            size: opt(&r[4]),
            signup_date: (!r[5].is_empty()).then(|| day(&r[5])),
            owner: opt(&r[6]),
            phone: opt(&r[7]),
            email: opt(&r[8]),
            wallet: num(&r[9]),
        }
    });
    println!("  customers {n}: {:.2} s", st.as_secs_f64());
    let (n, _, st, _) = feed!(s, costs, base.join("costs.csv"), |r| CostRecord {
        customer_id: r[0].to_string(),
        period: day(&r[1]),
        sales_cost: r[2].parse().unwrap(),
        service_cost: r[3].parse().unwrap(),
    });
    println!("  costs {n}: {:.2} s", st.as_secs_f64());
    let (n, _, st, _) = feed!(s, interactions, base.join("interactions.csv"), |r| {
        InteractionRecord {
            customer_id: r[0].to_string(),
            date: day(&r[1]),
            kind: InteractionKind::parse(&r[2]),
        }
    });
    println!("  interactions {n}: {:.2} s", st.as_secs_f64());
    let (n, _, st, _) = feed!(s, surveys, base.join("surveys.csv"), |r| SurveyRecord {
        customer_id: r[0].to_string(),
        date: day(&r[1]),
        csat: num(&r[2]),
        nps: num(&r[3]),
    });
    println!("  surveys {n}: {:.2} s", st.as_secs_f64());
    let (n, _, st, _) = feed!(s, contracts, base.join("contracts.csv"), |r| {
        ContractRecord {
            customer_id: r[0].to_string(),
            start: day(&r[1]),
            end: (!r[2].is_empty()).then(|| day(&r[2])),
            renewed: (!r[3].is_empty()).then(|| &r[3] == "true"),
        }
    });
    println!("  contracts {n}: {:.2} s", st.as_secs_f64());
    let (n, _, st, _) = feed!(s, payments, base.join("payments.csv"), |r| PaymentRecord {
        customer_id: r[0].to_string(),
        invoice_date: day(&r[1]),
        due_date: day(&r[2]),
        paid_date: (!r[3].is_empty()).then(|| day(&r[3])),
        amount: num(&r[4]),
    });
    println!("  payments {n}: {:.2} s", st.as_secs_f64());
    s.commit().await.unwrap();
    println!(
        "other tables imported in {:.2} s (wall, CSV parsing included)",
        t.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: needs generated data and a release build"]
async fn bench_import_and_load() {
    if std::env::var("CUSTVAL_BENCH_LOG").is_ok() {
        tracing_subscriber::fmt()
            .with_env_filter("custval_store=debug")
            .with_writer(std::io::stderr)
            .init();
    }
    let tmp =
        tempfile::tempdir_in(std::env::var("CUSTVAL_BENCH_TMP").unwrap_or_else(|_| "/tmp".into()))
            .unwrap();
    // CUSTVAL_BENCH_KEEP=path keeps the database for inspection.
    let path = std::env::var("CUSTVAL_BENCH_KEEP")
        .map(PathBuf::from)
        .unwrap_or_else(|_| tmp.path().join("bench.db"));
    let mut store = SqliteStore::open(path.to_str().unwrap(), OpenOptions { create: true })
        .await
        .unwrap();
    // Customers carry phone and e-mail, which are stored only sealed.
    let key = custval_store::crypto::Key::generate().unwrap();
    store.unlock(Some(key)).await.unwrap();
    let first = import_transactions(&store, "first import").await;
    assert_eq!(first.duplicates, 0);
    if std::env::var("CUSTVAL_BENCH_IMPORT_ONLY").is_ok() {
        return;
    }
    let again = import_transactions(&store, "re-import").await;
    assert_eq!(again.accepted, 0);
    import_others(&store).await;

    for _ in 0..std::env::var("CUSTVAL_BENCH_LOADS")
        .map(|s| s.parse().unwrap())
        .unwrap_or(0)
    {
        let t = Instant::now();
        let data = store.load_dataset(day("2026-06-30")).await.unwrap();
        println!(
            "extra load_dataset: {} transactions in {:.2} s",
            data.tx.len(),
            t.elapsed().as_secs_f64()
        );
    }
    let t = Instant::now();
    let data = store.load_dataset(day("2026-06-30")).await.unwrap();
    println!(
        "load_dataset: {} customers, {} transactions, {} costs, {} payments in {:.2} s",
        data.customers.len(),
        data.tx.len(),
        data.costs.len(),
        data.payments.len(),
        t.elapsed().as_secs_f64()
    );
    assert_eq!(data.tx.len() as u64, first.accepted);
    let t = Instant::now();
    let past = store.load_dataset(day("2025-06-30")).await.unwrap();
    println!(
        "load_dataset as of 2025-06-30: {} transactions in {:.2} s",
        past.tx.len(),
        t.elapsed().as_secs_f64()
    );
    let size = std::fs::metadata(&path).unwrap().len();
    println!("database file: {:.0} MB", size as f64 / 1e6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: a release build"]
async fn bench_runs_and_pages() {
    if std::env::var("CUSTVAL_BENCH_LOG").is_ok() {
        tracing_subscriber::fmt()
            .with_env_filter("custval_store=debug")
            .with_writer(std::io::stderr)
            .init();
    }
    let n: usize = std::env::var("CUSTVAL_BENCH_RESULTS")
        .map(|s| s.parse().unwrap())
        .unwrap_or(1_000_000);
    let (_dir, store) = common::fresh().await;
    // CUSTVAL_BENCH_KEEP_RUNS=path keeps the database for inspection.
    let store = match std::env::var("CUSTVAL_BENCH_KEEP_RUNS") {
        Ok(p) => SqliteStore::open(&p, OpenOptions { create: true })
            .await
            .unwrap(),
        Err(_) => store,
    };
    let rows: Vec<_> = (0..n)
        .map(|i| {
            // A deterministic shuffle of scores.
            let score = ((i as u64 * 2_654_435_761) % n as u64) as f64 / n as f64 * 100.0;
            let mut r = common::result(&format!("C{i:07}"), ["A", "B", "C"][(i * 7) % 3], score);
            r.owner = Some(format!("rep{}", i % 40));
            r.lifecycle = ["new", "loyal", "declining", "churned"][i % 4].to_string();
            r.detail = format!(r#"{{"contributions":{{"spend":{score},"margin":1.5,"tenure":2.5}},"actions":["call","visit"],"id":"C{i}"}}"#);
            r
        })
        .collect();
    let t = Instant::now();
    let run = store
        .create_run(20_000, "[x]", "{}", 1.0, &rows, &[])
        .await
        .unwrap();
    println!(
        "create_run: {n} results in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let queries = [
        ("all by score", ResultQuery::default()),
        (
            "tier B page 3",
            ResultQuery {
                tier: Some("B".into()),
                offset: 100,
                ..ResultQuery::default()
            },
        ),
        (
            "owner rep7",
            ResultQuery {
                owner: Some("rep7".into()),
                ..ResultQuery::default()
            },
        ),
        (
            "class churned",
            ResultQuery {
                class: Some("churned".into()),
                ..ResultQuery::default()
            },
        ),
        (
            "tier A + owner",
            ResultQuery {
                tier: Some("A".into()),
                owner: Some("rep3".into()),
                ..ResultQuery::default()
            },
        ),
        (
            "by customer id",
            ResultQuery {
                sort: ResultSort::CustomerId,
                offset: 5000,
                ..ResultQuery::default()
            },
        ),
        (
            "by clv",
            ResultQuery {
                sort: ResultSort::Clv,
                ..ResultQuery::default()
            },
        ),
        (
            "by name",
            ResultQuery {
                sort: ResultSort::Name,
                ..ResultQuery::default()
            },
        ),
        (
            "search",
            ResultQuery {
                search: Some("c00012".into()),
                ..ResultQuery::default()
            },
        ),
    ];
    for (label, q) in &queries {
        // Warm once, then time the best of three.
        store.results(run, q).await.unwrap();
        let mut best = f64::MAX;
        let mut total = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let page = store.results(run, q).await.unwrap();
            best = best.min(t.elapsed().as_secs_f64());
            total = page.total;
        }
        println!(
            "results {label}: total {total}, page in {:.1} ms",
            best * 1e3
        );
    }
    let t = Instant::now();
    let r = store.result(run, "C0500000").await.unwrap();
    println!(
        "result(): {:.2} ms ({})",
        t.elapsed().as_secs_f64() * 1e3,
        r.is_some()
    );
    let t = Instant::now();
    let h = store.tier_history("C0500000").await.unwrap();
    println!(
        "tier_history: {:.2} ms ({})",
        t.elapsed().as_secs_f64() * 1e3,
        h.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: needs a kept database (CUSTVAL_BENCH_DB) and a release build"]
async fn bench_load_existing() {
    if std::env::var("CUSTVAL_BENCH_LOG").is_ok() {
        tracing_subscriber::fmt()
            .with_env_filter("custval_store=debug")
            .with_writer(std::io::stderr)
            .init();
    }
    let path = std::env::var("CUSTVAL_BENCH_DB").unwrap();
    let store = SqliteStore::open(&path, OpenOptions { create: false })
        .await
        .unwrap();
    for as_of in ["2026-06-30", "2026-06-30", "2025-06-30"] {
        let t = Instant::now();
        let data = store.load_dataset(day(as_of)).await.unwrap();
        println!(
            "load_dataset as of {as_of}: {} customers, {} transactions, {} costs, {} payments in {:.2} s",
            data.customers.len(),
            data.tx.len(),
            data.costs.len(),
            data.payments.len(),
            t.elapsed().as_secs_f64()
        );
    }
    let ids: Vec<String> = (1..=1000).map(|i| format!("C{:07}", i * 97)).collect();
    let t = Instant::now();
    let sub = store
        .load_dataset_for(&ids, day("2026-06-30"))
        .await
        .unwrap();
    println!(
        "load_dataset_for 1000 customers: {} transactions in {:.3} s",
        sub.tx.len(),
        t.elapsed().as_secs_f64()
    );
}
