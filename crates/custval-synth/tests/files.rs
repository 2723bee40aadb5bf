//! The files: determinism, headers, row counts, parsing back, errors.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::collections::HashSet;
use std::fs;

use common::{gen_into, read_csv};
use custval_synth::{Format, GenerateOptions, SynthError, Table, generate};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn bytes_of(dir: &std::path::Path, format: Format) -> Vec<(String, Vec<u8>)> {
    Table::ALL
        .iter()
        .map(|t| {
            let name = t.file_name(format);
            let b = fs::read(dir.join(&name)).expect("read");
            (name, b)
        })
        .collect()
}

#[test]
fn same_seed_gives_byte_identical_files_whatever_the_threads_and_chunks() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let c = tempfile::tempdir().expect("tmp");
    gen_into(a.path(), 3_000, 11, Format::Csv);
    // One thread and a different chunk size must not change a byte.
    let opts = GenerateOptions {
        customers: 3_000,
        seed: 11,
        chunk_size: 337,
        threads: 1,
        output_dir: b.path().to_path_buf(),
        ..Default::default()
    };
    generate(&opts, &mut |_| {}).expect("generate");
    assert_eq!(
        bytes_of(a.path(), Format::Csv),
        bytes_of(b.path(), Format::Csv)
    );
    gen_into(c.path(), 3_000, 12, Format::Csv);
    for ((name, x), (_, y)) in bytes_of(a.path(), Format::Csv)
        .iter()
        .zip(bytes_of(c.path(), Format::Csv))
    {
        assert_ne!(x, &y, "{name} should differ between seeds");
    }
}

#[test]
fn parquet_is_deterministic_too() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    gen_into(a.path(), 1_500, 3, Format::Parquet);
    gen_into(b.path(), 1_500, 3, Format::Parquet);
    assert_eq!(
        bytes_of(a.path(), Format::Parquet),
        bytes_of(b.path(), Format::Parquet)
    );
}

#[test]
fn headers_row_counts_and_values_parse_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = gen_into(dir.path(), 2_000, 5, Format::Csv);
    assert_eq!(s.rows(Table::Customers), 2_000);
    assert_eq!(s.rows(Table::Truth), 2_000);
    let tx_per_customer = s.rows(Table::Transactions) as f64 / 2_000.0;
    assert!(
        (12.0..32.0).contains(&tx_per_customer),
        "{tx_per_customer} transactions per customer"
    );
    for t in &s.tables {
        let raw = fs::read(&t.path).expect("read");
        assert!(
            !raw.starts_with(&[0xEF, 0xBB, 0xBF]),
            "no BOM in {}",
            t.path.display()
        );
        assert_eq!(raw.len() as u64, t.bytes, "{}", t.path.display());
        let csv = read_csv(&t.path);
        assert_eq!(csv.headers, t.table.columns(), "{}", t.path.display());
        assert_eq!(csv.rows.len() as u64, t.rows, "{}", t.path.display());
        assert!(t.rows > 0, "{} is empty", t.path.display());
    }
    let must = [
        (
            Table::Transactions,
            &[
                "order_id",
                "customer_id",
                "order_date",
                "amount",
                "cost",
                "category",
            ][..],
        ),
        (
            Table::Customers,
            &[
                "customer_id",
                "name",
                "industry",
                "region",
                "size",
                "signup_date",
                "owner",
                "phone",
                "email",
                "wallet",
            ],
        ),
        (
            Table::Costs,
            &["customer_id", "period", "sales_cost", "service_cost"],
        ),
        (Table::Interactions, &["customer_id", "date", "kind"]),
        (Table::Surveys, &["customer_id", "date", "csat", "nps"]),
        (
            Table::Contracts,
            &["customer_id", "start", "end", "renewed"],
        ),
        (
            Table::Payments,
            &[
                "customer_id",
                "invoice_date",
                "due_date",
                "paid_date",
                "amount",
            ],
        ),
        (
            Table::Truth,
            &[
                "customer_id",
                "size",
                "trend",
                "lambda",
                "p_dropout",
                "dropout_day",
                "nu",
                "expected_spend_per_order",
                "late_payer",
            ],
        ),
    ];
    for (t, cols) in must {
        let have = t.columns();
        for c in cols {
            assert!(have.contains(c), "{} lacks {c}", t.name());
        }
    }

    let (lo, hi) = (common::day("2024-07-01"), common::day("2026-06-30"));
    let tx = read_csv(&dir.path().join("transactions.csv"));
    let mut ids = HashSet::new();
    for r in &tx.rows {
        assert!(ids.insert(r[0].to_string()), "duplicate order_id {}", &r[0]);
        let d = common::day(&r[2]);
        assert!((lo..=hi).contains(&d), "{}", &r[2]);
        let amount: f64 = r[3].parse().expect("amount");
        let cost: f64 = r[4].parse().expect("cost");
        assert!(amount >= 1.0 && cost > 0.0 && cost < amount, "{r:?}");
        let q: u32 = r[6].parse().expect("quantity");
        assert!(q >= 1);
    }
    let cu = read_csv(&dir.path().join("customers.csv"));
    let wallets = cu.rows.iter().filter(|r| !r[9].is_empty()).count() as f64 / cu.rows.len() as f64;
    assert!((0.4..0.6).contains(&wallets), "wallet known for {wallets}");
    for r in &cu.rows {
        assert!(
            r[1].ends_with("有限公司") || r[1].ends_with("医院"),
            "{}",
            &r[1]
        );
        assert!(r[7].starts_with("555-") && r[8].ends_with("@example.com"));
        assert!(r[6].starts_with("rep"));
        common::day(&r[5]);
    }
    let kinds: HashSet<String> = read_csv(&dir.path().join("interactions.csv"))
        .rows
        .iter()
        .map(|r| r[2].to_string())
        .collect();
    for k in ["service_ticket", "complaint", "inquiry", "referral"] {
        assert!(kinds.contains(k), "no {k}");
    }
    for r in &read_csv(&dir.path().join("surveys.csv")).rows {
        let csat: u8 = r[2].parse().expect("csat");
        let nps: u8 = r[3].parse().expect("nps");
        assert!((1..=5).contains(&csat) && nps <= 10);
    }
    for r in &read_csv(&dir.path().join("contracts.csv")).rows {
        assert!(common::day(&r[1]) < common::day(&r[2]));
        assert!(["true", "false", ""].contains(&&r[3]));
    }
    for r in &read_csv(&dir.path().join("payments.csv")).rows {
        assert!(common::day(&r[1]) < common::day(&r[2]));
        if !r[3].is_empty() {
            assert!(common::day(&r[3]) <= hi);
        }
    }
    for r in &read_csv(&dir.path().join("costs.csv")).rows {
        assert_eq!(r[1].len(), 7, "period {}", &r[1]);
        let s: f64 = r[2].parse().expect("sales");
        let v: f64 = r[3].parse().expect("service");
        assert!(s > 0.0 && v > 0.0);
    }
}

#[test]
fn parquet_files_read_back_with_the_same_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = gen_into(dir.path(), 1_200, 9, Format::Parquet);
    for t in &s.tables {
        if t.table == Table::Truth {
            assert!(t.path.extension().is_some_and(|e| e == "csv"));
            continue;
        }
        let file = fs::File::open(&t.path).expect("open");
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("parquet")
            .build()
            .expect("reader");
        let mut rows = 0;
        for batch in reader {
            let batch = batch.expect("batch");
            let names: Vec<String> = batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            assert_eq!(names, t.table.columns());
            rows += batch.num_rows() as u64;
        }
        assert_eq!(rows, t.rows, "{}", t.path.display());
    }
    // Same content as the CSV run.
    let csv_dir = tempfile::tempdir().expect("tmp");
    let c = gen_into(csv_dir.path(), 1_200, 9, Format::Csv);
    for t in Table::ALL {
        assert_eq!(s.rows(t), c.rows(t), "{}", t.name());
    }
}

#[test]
fn zero_customers_writes_header_only_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = gen_into(dir.path(), 0, 1, Format::Csv);
    assert_eq!(s.total_rows(), 0);
    let cu = read_csv(&dir.path().join("customers.csv"));
    assert!(cu.rows.is_empty() && cu.headers[0] == "customer_id");
}

#[test]
fn progress_reports_every_chunk_up_to_the_total() {
    let dir = tempfile::tempdir().expect("tmp");
    let opts = GenerateOptions {
        customers: 2_500,
        chunk_size: 1_000,
        output_dir: dir.path().into(),
        ..Default::default()
    };
    let mut seen = Vec::new();
    let s = generate(&opts, &mut |p| seen.push(p)).expect("generate");
    assert_eq!(
        seen.iter().map(|p| p.customers_done).collect::<Vec<_>>(),
        [1_000, 2_000, 2_500]
    );
    assert!(seen.iter().all(|p| p.customers_total == 2_500));
    let last = seen.last().expect("progress");
    assert_eq!(last.rows_written, s.total_rows());
    assert_eq!(last.transactions_written, s.rows(Table::Transactions));
}

#[test]
fn unwritable_output_dir_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("not-a-dir");
    fs::write(&file, b"x").expect("write");
    let out = file.join("sub");
    let opts = GenerateOptions {
        customers: 10,
        output_dir: out.clone(),
        ..Default::default()
    };
    let err = generate(&opts, &mut |_| {}).expect_err("must fail");
    assert!(
        matches!(err, SynthError::CreateDir { ref path, .. } if *path == out),
        "{err:?}"
    );
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}

#[test]
fn invalid_options_are_rejected() {
    let dir = tempfile::tempdir().expect("tmp");
    for opts in [
        GenerateOptions {
            months: 0,
            output_dir: dir.path().into(),
            ..Default::default()
        },
        GenerateOptions {
            chunk_size: 0,
            output_dir: dir.path().into(),
            ..Default::default()
        },
    ] {
        assert!(matches!(
            generate(&opts, &mut |_| {}),
            Err(SynthError::InvalidOptions(_))
        ));
    }
    let mut opts = GenerateOptions {
        output_dir: dir.path().into(),
        ..Default::default()
    };
    let mut segs = custval_synth::default_segments();
    segs[2].alpha = -1.0;
    opts.segments = Some(segs);
    assert!(
        matches!(generate(&opts, &mut |_| {}), Err(SynthError::InvalidOptions(m)) if m.contains("alpha"))
    );
    assert!("xlsx".parse::<Format>().is_err());
    assert_eq!("Parquet".parse::<Format>().ok(), Some(Format::Parquet));
}

#[test]
fn retail_flavour_writes_consumers_without_contracts_or_wallets() {
    let dir = tempfile::tempdir().expect("tmp");
    let opts = GenerateOptions {
        customers: 2_000,
        seed: 8,
        flavour: custval_synth::Flavour::Retail,
        output_dir: dir.path().into(),
        ..Default::default()
    };
    let s = generate(&opts, &mut |_| {}).expect("generate");
    assert_eq!(s.rows(Table::Contracts), 0);
    let per_customer = s.rows(Table::Transactions) as f64 / 2_000.0;
    assert!((2.0..10.0).contains(&per_customer), "{per_customer}");
    let cu = read_csv(&dir.path().join("customers.csv"));
    for r in &cu.rows {
        assert_eq!(&r[2], "个人消费者");
        assert!(custval_synth::RETAIL_SIZES.contains(&&r[4]), "{}", &r[4]);
        assert!(
            r[1].chars().count() <= 3 && !r[1].contains("公司"),
            "{}",
            &r[1]
        );
        assert!(r[9].is_empty(), "no wallet in retail");
    }
    for r in &read_csv(&dir.path().join("payments.csv")).rows {
        assert_eq!(&r[1], &r[3], "retail pays at invoice");
    }
    for r in &read_csv(&dir.path().join("transactions.csv")).rows {
        assert!(["online", "store"].contains(&&r[7]), "{}", &r[7]);
    }
    assert!(
        read_csv(&dir.path().join("truth.csv"))
            .rows
            .iter()
            .all(|r| &r[11] == "false")
    );
}
