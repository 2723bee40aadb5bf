//! custval-synth: the synthetic company generator behind `custval generate` and `custval demo`.
//!
//! # What it is for
//! It writes a realistic, reproducible B2B company (or a retail one, [`Flavour::Retail`]) — customers, transactions, costs,
//! interactions, surveys, contracts, payments — one file per table, plus `truth.csv` with every
//! customer's generating parameters, so that the rest of custval can be demonstrated, tested
//! and benchmarked against data whose ground truth is known. It is an *edge* crate like the
//! ingestion crate: the model crates never touch the file system, this one exists to write
//! files. It is not a general data faker and it does not read anything.
//!
//! # The generative model
//! Every customer belongs to a size band (`small`, `medium`, `large`, `key`; see
//! [`default_segments`] for the parameter table), an industry (医药 pharma: hospitals and
//! pharmacy chains, 制造业 manufacturing, 零售 retail chains, 金融 finance, 信息技术 IT/software)
//! and a region (华东, 华南, 华北, 华中, 西南, 西北, 东北). Time is measured in days.
//!
//! * **Signup** in the observation window (`months` months ending at `end_date`); larger
//!   customers tend to be older accounts. The signup day carries the first ("trial") order.
//! * **Purchases (BG/NBD, Fader–Hardie–Lee 2005)**: rate `λ ~ Gamma(r, α)` (shape `r`, rate
//!   `α`, per day), dropout probability `p ~ Beta(a, b)`. Repeat purchases follow a Poisson
//!   process with rate `λ`; after each repeat purchase the customer drops out for good with
//!   probability `p` (`dropout_day` in `truth.csv`). The expected number of repeat purchases is
//!   [`expected_repeat_purchases`] (population) and [`expected_repeat_purchases_given`]
//!   (given λ and p).
//! * **Spend (gamma–gamma, Fader–Hardie 2013)**: `ν ~ Gamma(q, γ)` per customer, divided by the
//!   industry's spend multiplier; each order amount `~ Gamma(p_spend, ν)`, mean `p_spend / ν`
//!   (`expected_spend_per_order`). The size bands' rates and spend scales differ by an order of
//!   magnitude, so a few key accounts make most of the revenue (about 20 % of customers make
//!   70–80 %).
//! * **Margin** per category (药品 22 %, 软件许可 70 %, …, see [`CATEGORIES`]) varies ±15 % per
//!   order; `cost = amount · (1 − margin)`.
//! * **Trends**: 10 % of the customers old enough are built to *decline* (rate × 0.25 from
//!   `trend_start`, about six months before the end) and 10 % to *grow* (rate × 2), by
//!   thinning the Poisson process; decliners complain more, are more often late payers, renew
//!   contracts less and answer surveys worse; growers send more new-business inquiries.
//! * **Payments**: one invoice per customer and month with orders, due after the band's terms
//!   (30–90 days); late payers (`late_payer`) pay 10 days + Exp(35 days) late, the others
//!   around the due date; some late payers who dropped out never pay their last invoice;
//!   invoices paid after `end_date` have an empty `paid_date`.
//! * **Satisfaction**: a latent score per customer (lower for decliners, late payers and
//!   high-maintenance accounts) drives CSAT (1–5), NPS (0–10) and referrals.
//! * **Costs**: monthly sales cost per band and service cost from orders and tickets
//!   (5 % high-maintenance customers cost four times as much to serve: the negative-value ones).
//! * **Retail case** ([`Flavour::Retail`], e-commerce repeat buyers): the same
//!   model with consumer bands (`occasional`, `regular`, `loyal`, `vip`; [`retail_segments`]),
//!   industry 个人消费者, person names, small baskets, higher dropout, no contracts, no wallet,
//!   paid at once.
//! * **Wallet**: for about half of the customers, the estimated annual category spend
//!   (`annual expected spend / share_of_wallet`, with noise); empty for the others.
//!
//! # Files and columns
//! Dates are `YYYY-MM-DD`, money in yuan with two decimals, CSV in UTF-8 without BOM, comma,
//! header row; Parquet uses `Date32`, `Float64`, `Int32`, `Boolean` and UTF-8 strings.
//!
//! | file | columns |
//! |---|---|
//! | `customers` | `customer_id` (`C0000001`), `name`, `industry`, `region`, `size`, `signup_date`, `owner` (`rep01`–`rep20`; key and large accounts belong to `rep01`–`rep05`), `phone` (`555-…`, fake), `email` (`@example.com`), `wallet` (annual, empty for about half) |
//! | `transactions` | `order_id` (`O0000001-0001`), `customer_id`, `order_date`, `amount`, `cost`, `category`, `quantity`, `channel` (`direct`, `distributor`, `online`, `tender`; retail: `online`, `store`) |
//! | `costs` | `customer_id`, `period` (`YYYY-MM`, from the signup month to two months after dropout), `sales_cost`, `service_cost` |
//! | `interactions` | `customer_id`, `date`, `kind` (`service_ticket`, `complaint`, `inquiry` = new-business inquiry, `referral`) |
//! | `surveys` | `customer_id`, `date`, `csat` (1–5), `nps` (0–10) |
//! | `contracts` | `customer_id`, `start`, `end`, `renewed` (`true`/`false`; empty while the contract runs past `end_date`) |
//! | `payments` | `customer_id`, `invoice_date` (month end), `due_date`, `paid_date` (empty when unpaid), `amount` |
//! | `truth.csv` | `customer_id`, `size`, `industry`, `trend` (`stable`/`decline`/`grow`), `trend_start`, `signup_date`, `lambda` (repeat purchases per day), `p_dropout`, `dropout_day` (date of the last purchase of a customer who dropped out; empty if alive), `nu`, `expected_spend_per_order` (= p_spend/ν, 3/ν by default), `late_payer`, `satisfaction` (latent, ~N(0, 0.7)), `share_of_wallet`, `high_maintenance`, `orders` (including the signup order), `revenue` |
//!
//! # Why it is deterministic
//! Each customer's random number generator (xoshiro256++) is seeded from `(seed, customer
//! index)` through a SplitMix64 mixer, and a customer's rows depend on nothing else. Customers
//! are generated in parallel chunks (rayon) and written in index order, so the files are
//! byte-identical for the same options whatever the number of threads (CSV files also whatever
//! the chunk size; Parquet pages follow the chunks), on the same platform and crate version: the
//! gamma sampler uses `ln`/`exp` from the platform's libm, and a change of the model changes the
//! data.
//!
//! # Why it streams
//! One million customers make about twenty million transactions. Chunks of customers are
//! generated and encoded (hand-rolled CSV or Arrow `RecordBatch`es) on worker threads and written
//! by the calling thread in order, batch by batch through a bounded channel, so memory stays
//! bounded and writing overlaps generation.

mod bgnbd;
mod chunk;
mod csv_out;
mod date;
mod fmt;
mod model;
mod names;
mod params;
mod parquet_out;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use arrow::array::RecordBatch;
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

pub use bgnbd::{expected_repeat_purchases, expected_repeat_purchases_given};
pub use params::{
    CATEGORIES, CHANNELS, Category, DECLINE_FACTOR, Flavour, GROW_FACTOR, INDUSTRIES,
    INDUSTRIES_EN, INTERACTION_KINDS, MAX_ORDERS_PER_CUSTOMER, REGIONS, RETAIL_SIZES, SIZES,
    SegmentParams, TREND_SHARE, TRENDS, default_segments, retail_segments,
};

use chunk::ChunkData;
use model::{Model, Scratch};
use parquet_out::ParquetSink;

/// Output file format of the tables (`truth.csv` is always CSV).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// UTF-8 CSV without BOM, comma, header row.
    #[default]
    Csv,
    /// Parquet (snappy), one row group per about a million rows.
    Parquet,
}

impl Format {
    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = SynthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "parquet" => Ok(Format::Parquet),
            other => Err(SynthError::InvalidOptions(format!(
                "unknown format {other:?} (expected csv or parquet)"
            ))),
        }
    }
}

/// The tables written, in file order of the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Table {
    /// `customers`: master data.
    Customers = 0,
    /// `transactions`: one row per order.
    Transactions = 1,
    /// `costs`: sales and service cost per customer and month.
    Costs = 2,
    /// `interactions`: service tickets, complaints, inquiries, referrals.
    Interactions = 3,
    /// `surveys`: CSAT and NPS answers.
    Surveys = 4,
    /// `contracts`: annual contracts and whether they were renewed.
    Contracts = 5,
    /// `payments`: monthly invoices and when they were paid.
    Payments = 6,
    /// `truth`: each customer's generating parameters (always CSV).
    Truth = 7,
}

impl Table {
    /// All tables in order.
    pub const ALL: [Table; 8] = [
        Table::Customers,
        Table::Transactions,
        Table::Costs,
        Table::Interactions,
        Table::Surveys,
        Table::Contracts,
        Table::Payments,
        Table::Truth,
    ];

    /// The file stem (`transactions`).
    pub fn name(self) -> &'static str {
        match self {
            Table::Customers => "customers",
            Table::Transactions => "transactions",
            Table::Costs => "costs",
            Table::Interactions => "interactions",
            Table::Surveys => "surveys",
            Table::Contracts => "contracts",
            Table::Payments => "payments",
            Table::Truth => "truth",
        }
    }

    /// The column names, as in the header row.
    pub fn columns(self) -> Vec<&'static str> {
        csv_out::header(self).trim_end().split(',').collect()
    }

    /// The file name for a format (`truth.csv` always).
    pub fn file_name(self, format: Format) -> String {
        let ext = if self == Table::Truth {
            "csv"
        } else {
            format.extension()
        };
        format!("{}.{ext}", self.name())
    }
}

/// What to generate. Build it with `GenerateOptions { customers: 1000, output_dir: .., ..Default::default() }`.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateOptions {
    /// Number of customers (0 writes header-only files).
    pub customers: u64,
    /// Seed: the same options and seed give byte-identical files.
    pub seed: u64,
    /// Length of the observation window in calendar months, ending with `end_date`'s month (≥ 1).
    pub months: u32,
    /// Last day of the observation window (default 2026-06-30).
    pub end_date: NaiveDate,
    /// CSV or Parquet.
    pub format: Format,
    /// Directory the files are written to (created if missing; existing files are replaced).
    pub output_dir: PathBuf,
    /// Customers per chunk (memory and progress granularity; does not change the output).
    pub chunk_size: usize,
    /// Worker threads: 0 uses rayon's global pool (all cores); n builds a pool of n threads.
    /// Does not change the output.
    pub threads: usize,
    /// B2B (default) or retail.
    pub flavour: Flavour,
    /// Parameters of the four size bands; `None` takes the flavour's defaults
    /// ([`default_segments`], [`retail_segments`]).
    pub segments: Option<[SegmentParams; 4]>,
}

/// The default end of the observation window: 2026-06-30.
pub fn default_end_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or(NaiveDate::MIN)
}

impl GenerateOptions {
    /// The defaults with `customers` and `output_dir` set.
    pub fn new(customers: u64, output_dir: impl Into<PathBuf>) -> Self {
        GenerateOptions {
            customers,
            output_dir: output_dir.into(),
            ..Default::default()
        }
    }
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            customers: 1_000,
            seed: 42,
            months: 24,
            end_date: default_end_date(),
            format: Format::Csv,
            output_dir: PathBuf::from("synthetic"),
            chunk_size: 10_000,
            threads: 0,
            flavour: Flavour::B2b,
            segments: None,
        }
    }
}

/// Reported after each chunk is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Customers written so far.
    pub customers_done: u64,
    /// Customers to write in total.
    pub customers_total: u64,
    /// Rows written so far, all tables.
    pub rows_written: u64,
    /// Transactions written so far.
    pub transactions_written: u64,
}

/// One file written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSummary {
    /// Which table.
    pub table: Table,
    /// Where it was written.
    pub path: PathBuf,
    /// Data rows (without the header).
    pub rows: u64,
    /// File size in bytes.
    pub bytes: u64,
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateSummary {
    /// Customers generated.
    pub customers: u64,
    /// First day of the observation window.
    pub start_date: NaiveDate,
    /// Last day of the observation window.
    pub end_date: NaiveDate,
    /// The files, in [`Table::ALL`] order.
    pub tables: Vec<TableSummary>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl GenerateSummary {
    /// Rows written to `table`.
    pub fn rows(&self, table: Table) -> u64 {
        self.tables
            .iter()
            .find(|t| t.table == table)
            .map_or(0, |t| t.rows)
    }

    /// Rows written to all files.
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// Bytes written to all files.
    pub fn total_bytes(&self) -> u64 {
        self.tables.iter().map(|t| t.bytes).sum()
    }
}

/// Errors of [`generate`], naming the path at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// An option is out of range.
    #[error("invalid generate options: {0}")]
    InvalidOptions(String),
    /// The output directory cannot be created.
    #[error("cannot create output directory {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file cannot be created or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The Parquet writer failed.
    #[error("cannot write Parquet file {}: {message}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The writer's message.
        message: String,
    },
    /// An Arrow batch could not be built (a bug).
    #[error("cannot build the Arrow batch of table {table}: {message}")]
    Arrow {
        /// The table.
        table: &'static str,
        /// Arrow's message.
        message: String,
    },
}

/// A chunk encoded for writing.
struct Encoded {
    customers: u64,
    rows: [u64; 8],
    csv: Vec<Vec<u8>>,
    batches: Vec<Option<RecordBatch>>,
}

enum Sink {
    Csv {
        path: PathBuf,
        w: BufWriter<File>,
        bytes: u64,
    },
    Parquet(Box<ParquetSink>),
}

impl Sink {
    fn open(dir: &Path, table: Table, format: Format) -> Result<Sink, SynthError> {
        let path = dir.join(table.file_name(format));
        if format == Format::Parquet && table != Table::Truth {
            return Ok(Sink::Parquet(Box::new(ParquetSink::create(path, table)?)));
        }
        let file = File::create(&path).map_err(|source| SynthError::Io {
            path: path.clone(),
            source,
        })?;
        let mut w = BufWriter::with_capacity(1 << 22, file);
        let header = csv_out::header(table).as_bytes();
        w.write_all(header).map_err(|source| SynthError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(Sink::Csv {
            path,
            w,
            bytes: header.len() as u64,
        })
    }

    fn write(&mut self, csv: &[u8], batch: Option<&RecordBatch>) -> Result<(), SynthError> {
        match self {
            Sink::Csv { path, w, bytes } => {
                w.write_all(csv).map_err(|source| SynthError::Io {
                    path: path.clone(),
                    source,
                })?;
                *bytes += csv.len() as u64;
                Ok(())
            }
            Sink::Parquet(p) => match batch {
                Some(b) if b.num_rows() > 0 => p.write(b),
                _ => Ok(()),
            },
        }
    }

    fn finish(self) -> Result<(PathBuf, u64), SynthError> {
        match self {
            Sink::Csv { path, w, bytes } => {
                w.into_inner().map_err(|e| SynthError::Io {
                    path: path.clone(),
                    source: e.into_error(),
                })?;
                Ok((path, bytes))
            }
            Sink::Parquet(p) => {
                let path = p.path().to_path_buf();
                let bytes = p.finish()?;
                Ok((path, bytes))
            }
        }
    }
}

/// The first day of the window: the first day of the month `months − 1` months before `end`'s.
fn window(opts: &GenerateOptions) -> Result<(i32, i32), SynthError> {
    if opts.months == 0 || opts.months > 1200 {
        return Err(SynthError::InvalidOptions(format!(
            "months must be between 1 and 1200, got {}",
            opts.months
        )));
    }
    if opts.chunk_size == 0 {
        return Err(SynthError::InvalidOptions(
            "chunk_size must be at least 1".into(),
        ));
    }
    let e = opts.end_date;
    if !(1900..=9000).contains(&e.year()) {
        return Err(SynthError::InvalidOptions(format!(
            "end_date {e} is out of range (years 1900–9000)"
        )));
    }
    let end_day = date::days_from_civil(e.year(), e.month(), e.day());
    let start_day = date::month_start(date::month_index(end_day) - (opts.months as i32 - 1));
    Ok((start_day, end_day))
}

fn naive(day: i32) -> NaiveDate {
    let (y, m, d) = date::civil_from_days(day);
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Width of the numeric part of `customer_id` (at least 7 digits: `C0000001`).
fn id_width(customers: u64) -> usize {
    fmt::digits(customers).max(7)
}

fn build_chunk(model: &Model, opts: &GenerateOptions, chunk: u64) -> Result<Encoded, SynthError> {
    let size = opts.chunk_size as u64;
    let first = chunk * size;
    let last = (first + size).min(opts.customers);
    let mut data = ChunkData {
        size_labels: model.size_labels,
        ..ChunkData::default()
    };
    let mut scratch = Scratch::default();
    for index in first..last {
        model.simulate(index, &mut data, &mut scratch);
    }
    let w = id_width(opts.customers);
    let mut csv = Vec::with_capacity(8);
    let mut batches = Vec::with_capacity(8);
    for table in Table::ALL {
        if opts.format == Format::Parquet && table != Table::Truth {
            csv.push(Vec::new());
            batches.push(Some(parquet_out::encode(table, &data, w)?));
        } else {
            csv.push(csv_out::encode(table, &data, w));
            batches.push(None);
        }
    }
    Ok(Encoded {
        customers: last - first,
        rows: data.rows(),
        csv,
        batches,
    })
}

/// Generates the synthetic company described by `opts` into `opts.output_dir`, calling
/// `progress` after each chunk of customers is written.
///
/// ```no_run
/// use custval_synth::{generate, GenerateOptions, Format};
/// let opts = GenerateOptions {
///     customers: 10_000,
///     seed: 7,
///     format: Format::Csv,
///     output_dir: "demo-data".into(),
///     ..Default::default()
/// };
/// let summary = generate(&opts, &mut |p| eprintln!("{}/{}", p.customers_done, p.customers_total))?;
/// println!("{} transactions", summary.rows(custval_synth::Table::Transactions));
/// # Ok::<(), custval_synth::SynthError>(())
/// ```
pub fn generate(
    opts: &GenerateOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<GenerateSummary, SynthError> {
    let started = Instant::now();
    let (start_day, end_day) = window(opts)?;
    let segments = opts
        .segments
        .unwrap_or_else(|| opts.flavour.default_segments());
    let model = Model::new(opts.seed, opts.flavour, start_day, end_day, &segments)?;
    let dir = &opts.output_dir;
    std::fs::create_dir_all(dir).map_err(|source| SynthError::CreateDir {
        path: dir.clone(),
        source,
    })?;
    let mut sinks = Table::ALL
        .iter()
        .map(|&t| Sink::open(dir, t, opts.format))
        .collect::<Result<Vec<_>, _>>()?;

    let pool = thread_pool(opts.threads)?;
    let threads = pool
        .as_ref()
        .map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
    let n_chunks = opts.customers.div_ceil(opts.chunk_size as u64);
    let per_batch = (threads as u64 * 2).max(2);
    let pool = pool.as_ref();
    let mut rows = [0u64; 8];
    let mut done = 0u64;
    let model = &model;

    std::thread::scope(|scope| -> Result<(), SynthError> {
        let (tx, rx) = sync_channel::<Vec<Result<Encoded, SynthError>>>(1);
        scope.spawn(move || {
            let mut b = 0;
            while b < n_chunks {
                let end = (b + per_batch).min(n_chunks);
                let work = || -> Vec<_> {
                    (b..end)
                        .into_par_iter()
                        .map(|c| build_chunk(model, opts, c))
                        .collect()
                };
                let out = match pool {
                    Some(p) => p.install(work),
                    None => work(),
                };
                if tx.send(out).is_err() {
                    break;
                }
                b = end;
            }
        });
        for batch in rx {
            for enc in batch {
                let enc = enc?;
                for (k, sink) in sinks.iter_mut().enumerate() {
                    sink.write(&enc.csv[k], enc.batches[k].as_ref())?;
                    rows[k] += enc.rows[k];
                }
                done += enc.customers;
                progress(Progress {
                    customers_done: done,
                    customers_total: opts.customers,
                    rows_written: rows.iter().sum(),
                    transactions_written: rows[Table::Transactions as usize],
                });
            }
        }
        Ok(())
    })?;

    Ok(GenerateSummary {
        customers: opts.customers,
        start_date: naive(start_day),
        end_date: naive(end_day),
        tables: finish_sinks(sinks, &rows)?,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// `threads` = 0: rayon's global pool (`None`); else a pool of that many threads.
fn thread_pool(threads: usize) -> Result<Option<rayon::ThreadPool>, SynthError> {
    if threads == 0 {
        return Ok(None);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map(Some)
        .map_err(|e| SynthError::InvalidOptions(format!("cannot start {threads} threads: {e}")))
}

/// Closes every file; returns each table's path, rows and bytes.
fn finish_sinks(sinks: Vec<Sink>, rows: &[u64; 8]) -> Result<Vec<TableSummary>, SynthError> {
    let mut tables = Vec::with_capacity(8);
    for (k, sink) in sinks.into_iter().enumerate() {
        let (path, bytes) = sink.finish()?;
        tables.push(TableSummary {
            table: Table::ALL[k],
            path,
            rows: rows[k],
            bytes,
        });
    }
    Ok(tables)
}
