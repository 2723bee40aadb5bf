//! Loading a [`Dataset`] as of a date, for the whole store or some customers.
//!
//! The no-leakage rule is in the crate docs; here it is a `WHERE` clause per table plus the
//! outcome fields blanked in Rust (`renewed`, `paid`, a future `signup`).
//!
//! Speed (figures in the crate's benchmark, `tests/bench.rs`): sqlx copies every value of
//! every row (an allocation and a free each, on its worker thread, under SQLite's global
//! allocator mutex), which dwarfs SQLite's own scan. So:
//! - SQL packs a row's integer columns into one 64-bit value — `(customer << 32) | day`, with
//!   the category or interaction kind in spare high bits.
//! - Fact tables are read in ranges of [`CHUNK_ROWS`] rows, and each range comes back as ONE
//!   row: every column is the `group_concat` text of its values, `REAL`s as whole cents when
//!   they are exactly that, else with 17 significant digits (exact either way: they read
//!   back to the same `f64`, see `load_plan::real_text`). SQLite formats and Rust
//!   parses 20M lines faster than sqlx hands over 60M values, and Rust parses range `i`
//!   while sqlx's worker thread runs the statement of range `i + 1`.
//! - Customers (text fields) come row by row, their six texts as one JSON array; rows are
//!   drained in bursts with a millisecond's sleep instead of a wake-up per row, and a range's
//!   rows are freed together after its statement (freeing each row while the worker
//!   allocated the next made the two threads fight over the allocator's lock).
//! - Customer keys beyond 2³¹ (never produced by the store) disable packing; the same
//!   statements then return plain columns row by row. Tests compare both paths.
//! - A whole-store load reads order lines on one connection and the other fact tables on a
//!   second, at once: SQLite's side (scan, `group_concat`) bounds it, and each connection has
//!   its own worker thread (1M customers: 20.3 s → 15.0 s; no gain before SQLite was built
//!   without its global allocator mutex). So that an import committing half-way cannot hand
//!   the engine lines of customers it did not load, both snapshots are taken while a third
//!   connection holds the write lock for a moment; if another writer holds it, the load reads
//!   everything on one connection instead, without waiting.
//!
//! Rows are decoded into the compact model types, and [`Dataset::sort`] orders the result.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use custval_model::{
    Contract, Cost, CustomerInfo, Dataset, Day, Interaction, InteractionKind, NO_CATEGORY, Payment,
    Survey, Tx,
};
use futures::{FutureExt, TryStreamExt};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Row, Sqlite, SqlitePool, Transaction};

use super::load_plan::{Kind, NULL_DAY, Plan, Table};
use crate::StoreError;
use crate::error::ctx;

const DOING: &str = "loading the dataset";

/// Rows per statement (per range): 262 144 order lines are a ~16 MB text per column when
/// aggregated, or ~100 MB of sqlx rows until they are freed together when not.
const CHUNK_ROWS: i64 = 262_144;

/// Cost periods assumed per customer when sizing customer ranges of `costs` (no rowid).
const PERIODS_PER_CUSTOMER: i64 = 32;

/// A customer's text fields as the loader's JSON array carries them.
type Texts = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn get<'r, T>(row: &'r SqliteRow, i: usize) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(i).map_err(ctx(DOING))
}

/// A stored day; out-of-range values (impossible through the import API) saturate.
fn day(v: i64) -> Day {
    v.clamp(i64::from(Day::MIN), i64::from(Day::MAX)) as Day
}

/// Low 32 bits of a packed value as a day (SQL wrote `day & 0xffffffff`).
fn low_day(v: u64) -> Day {
    (v & 0xffff_ffff) as u32 as i32
}

/// An interaction kind from its 3-bit code (`KIND_CODE_SQL` in `load_plan`).
fn kind_of(code: u64) -> InteractionKind {
    match code {
        0 => InteractionKind::ServiceTicket,
        1 => InteractionKind::Complaint,
        2 => InteractionKind::Inquiry,
        3 => InteractionKind::Referral,
        _ => InteractionKind::Other,
    }
}

/// Maps the store's customer keys to the dataset's dense `0..n`: an array indexed by key
/// (SQLite allocates keys densely), or a hash map if rows were written behind the store's
/// back with huge keys.
enum KeyMap {
    Dense(Vec<u32>),
    Sparse(HashMap<u64, u32>),
}

impl KeyMap {
    const ABSENT: u32 = u32::MAX;

    fn build(keys: &[u64], sparse: bool) -> KeyMap {
        if sparse {
            return KeyMap::Sparse(
                keys.iter()
                    .enumerate()
                    .map(|(i, &k)| (k, i as u32))
                    .collect(),
            );
        }
        let len = keys.iter().max().map_or(0, |&m| m as usize + 1);
        let mut v = vec![KeyMap::ABSENT; len];
        for (i, &k) in keys.iter().enumerate() {
            v[k as usize] = i as u32;
        }
        KeyMap::Dense(v)
    }

    fn get(&self, key: u64) -> Option<u32> {
        match self {
            KeyMap::Dense(v) => {
                let k = usize::try_from(key).ok()?;
                v.get(k).copied().filter(|&d| d != KeyMap::ABSENT)
            }
            KeyMap::Sparse(m) => m.get(&key).copied(),
        }
    }
}

/// One statement: a table's rows with `lo <= range column < hi`.
#[derive(Debug, Clone, Copy)]
struct Job {
    table: Table,
    lo: i64,
    hi: i64,
}

/// `[lo, lo + step)`, … covering `lo..=last`; one unbounded job for subsets and sparse keys.
fn jobs(table: Table, lo: i64, last: i64, step: i64, whole: bool, out: &mut Vec<Job>) {
    if whole {
        out.push(Job {
            table,
            lo: i64::MIN,
            hi: i64::MAX,
        });
        return;
    }
    let mut a = lo;
    while a <= last {
        let b = a.saturating_add(step.max(1));
        out.push(Job {
            table,
            lo: a,
            hi: b,
        });
        if b == i64::MAX {
            break;
        }
        a = b;
    }
}

/// Reads an item written by `load_plan::real_text`: digits only are cents.
fn parse_real(x: &str) -> Option<f64> {
    if x.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        // |cents| < 1e15 < 2^53: the conversion to f64 is exact.
        x.parse::<i64>().ok().map(|cents| cents as f64 / 100.0)
    } else {
        x.parse::<f64>().ok()
    }
}

/// Access to the columns of one table row, from a row or from aggregated texts.
trait Cols {
    fn int(&self, i: usize) -> Result<i64, StoreError>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    fn real(&self, i: usize) -> Result<f64, StoreError>;
    fn opt_real(&self, i: usize) -> Result<Option<f64>, StoreError>;
}

impl Cols for SqliteRow {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        get(self, i)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        get(self, i)
    }
    fn real(&self, i: usize) -> Result<f64, StoreError> {
        get(self, i)
    }
    fn opt_real(&self, i: usize) -> Result<Option<f64>, StoreError> {
        get(self, i)
    }
}

/// A column of an aggregated statement, parsed.
enum Parsed {
    Ints(Vec<Option<i64>>),
    Reals(Vec<Option<f64>>),
}

impl Parsed {
    fn len(&self) -> usize {
        match self {
            Parsed::Ints(v) => v.len(),
            Parsed::Reals(v) => v.len(),
        }
    }

    /// Parses `text` (NULL: no rows) as values of `kind`.
    fn parse(text: Option<&str>, kind: Kind) -> Result<Parsed, StoreError> {
        let bad = |item: &str| StoreError::InvalidRecord {
            table: "dataset",
            row: 0,
            reason: format!("unreadable value {item:?} in an aggregated column"),
        };
        let items = text.map(|t| t.split(',')).into_iter().flatten();
        Ok(match kind {
            Kind::Int | Kind::OptInt => Parsed::Ints(
                items
                    .map(|x| {
                        if x.is_empty() {
                            Ok(None)
                        } else {
                            x.parse::<i64>().map(Some).map_err(|_| bad(x))
                        }
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Real | Kind::OptReal => Parsed::Reals(
                items
                    .map(|x| {
                        if x.is_empty() {
                            Ok(None)
                        } else {
                            parse_real(x).map(Some).ok_or_else(|| bad(x))
                        }
                    })
                    .collect::<Result<_, _>>()?,
            ),
        })
    }
}

/// Row `j` of an aggregated statement's parsed columns.
struct AggRow<'a> {
    cols: &'a [Parsed],
    j: usize,
}

impl AggRow<'_> {
    fn missing(&self, i: usize) -> StoreError {
        StoreError::InvalidRecord {
            table: "dataset",
            row: self.j,
            reason: format!("aggregated column {i} has no value where one is required"),
        }
    }
}

impl Cols for AggRow<'_> {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?.ok_or_else(|| self.missing(i))
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.cols.get(i) {
            Some(Parsed::Ints(v)) => Ok(v.get(self.j).copied().flatten()),
            _ => Err(self.missing(i)),
        }
    }
    fn real(&self, i: usize) -> Result<f64, StoreError> {
        self.opt_real(i)?.ok_or_else(|| self.missing(i))
    }
    fn opt_real(&self, i: usize) -> Result<Option<f64>, StoreError> {
        match self.cols.get(i) {
            Some(Parsed::Reals(v)) => Ok(v.get(self.j).copied().flatten()),
            _ => Err(self.missing(i)),
        }
    }
}

/// What the statements decoded. Customers carry their store key (phase 1); fact rows carry
/// dense keys already (phase 2) and order lines the store's category id.
#[derive(Default)]
struct Part {
    customers: Vec<(u64, CustomerInfo)>,
    tx: Vec<Tx>,
    costs: Vec<Cost>,
    interactions: Vec<Interaction>,
    surveys: Vec<Survey>,
    contracts: Vec<Contract>,
    payments: Vec<Payment>,
}

/// Decodes a customer row (phase 1).
fn decode_customer(plan: &Plan, row: &SqliteRow, part: &mut Part) -> Result<(), StoreError> {
    let as_of = plan.as_of;
    let key: i64 = get(row, 0)?;
    let text: &str = get(row, 1)?;
    let (id, name, industry, region, size, owner): Texts =
        serde_json::from_str(text).map_err(|e| StoreError::InvalidRecord {
            table: "customers",
            row: usize::try_from(key).unwrap_or(0),
            reason: format!("unreadable text fields: {e}"),
        })?;
    let signup: Option<i64> = get(row, 2)?;
    part.customers.push((
        key as u64,
        CustomerInfo {
            id,
            name,
            industry,
            region,
            size,
            owner,
            // A signup after as_of was not known then (the customer bought earlier).
            signup: signup.map(day).filter(|&s| s <= as_of),
            wallet: get(row, 3)?,
        },
    ));
    Ok(())
}

/// Decodes one row of a fact table into `part`; rows of customers outside the dataset are skipped.
fn decode(
    plan: &Plan,
    keys: &KeyMap,
    table: Table,
    row: &impl Cols,
    part: &mut Part,
) -> Result<(), StoreError> {
    match table {
        Table::Customers => Err(StoreError::InvalidRecord {
            table: "customers",
            row: 0,
            reason: "customers are not a fact table".to_string(),
        }),
        Table::Transactions => decode_tx(plan, keys, row, part),
        Table::Costs => decode_cost(plan, keys, row, part),
        Table::Interactions => decode_interaction(plan, keys, row, part),
        Table::Surveys => decode_survey(plan, keys, row, part),
        Table::Contracts => decode_contract(plan, keys, row, part),
        Table::Payments => decode_payment(plan, keys, row, part),
    }
}

#[inline]
fn decode_tx(
    plan: &Plan,
    keys: &KeyMap,
    row: &impl Cols,
    part: &mut Part,
) -> Result<(), StoreError> {
    let (cust, category, dd, i) = match plan.tx_cat_bits {
        Some(cb) => {
            let p = row.int(0)? as u64;
            let hi = p >> 32;
            (hi >> cb, hi & ((1u64 << cb) - 1), low_day(p), 1)
        }
        None => {
            let cust: i64 = row.int(0)?;
            let cat: i64 = row.int(1)?;
            (cust as u64, cat as u64, day(row.int(2)?), 3)
        }
    };
    if let Some(cust) = keys.get(cust) {
        let cost: Option<f64> = row.opt_real(i + 1)?;
        part.tx.push(Tx {
            cust,
            // The store's id for now; renumbered after the load.
            category: u32::try_from(category)
                .ok()
                .filter(|&c| c > 0)
                .unwrap_or(NO_CATEGORY),
            day: dd,
            cost: cost.map_or(f32::NAN, |c| c as f32),
            amount: row.real(i)?,
        });
    }
    Ok(())
}

#[inline]
fn decode_cost(
    plan: &Plan,
    keys: &KeyMap,
    row: &impl Cols,
    part: &mut Part,
) -> Result<(), StoreError> {
    let (cust, period, i) = if plan.packed {
        let p = row.int(0)? as u64;
        (p >> 32, low_day(p), 1)
    } else {
        (row.int(0)? as u64, day(row.int(1)?), 2)
    };
    if let Some(cust) = keys.get(cust) {
        part.costs.push(Cost {
            cust,
            period,
            sales: row.real(i)?,
            service: row.real(i + 1)?,
        });
    }
    Ok(())
}

#[inline]
fn decode_interaction(
    plan: &Plan,
    keys: &KeyMap,
    row: &impl Cols,
    part: &mut Part,
) -> Result<(), StoreError> {
    let (cust, dd, code) = if plan.packed_kind {
        let p = row.int(0)? as u64;
        ((p >> 32) >> 3, low_day(p), (p >> 32) & 7)
    } else {
        let code: i64 = row.int(2)?;
        (row.int(0)? as u64, day(row.int(1)?), code as u64)
    };
    if let Some(cust) = keys.get(cust) {
        part.interactions.push(Interaction {
            cust,
            day: dd,
            kind: kind_of(code),
        });
    }
    Ok(())
}

#[inline]
fn decode_survey(
    plan: &Plan,
    keys: &KeyMap,
    row: &impl Cols,
    part: &mut Part,
) -> Result<(), StoreError> {
    let (cust, dd, i) = if plan.packed {
        let p = row.int(0)? as u64;
        (p >> 32, low_day(p), 1)
    } else {
        (row.int(0)? as u64, day(row.int(1)?), 2)
    };
    if let Some(cust) = keys.get(cust) {
        part.surveys.push(Survey {
            cust,
            day: dd,
            csat: row.opt_real(i)?,
            nps: row.opt_real(i + 1)?,
        });
    }
    Ok(())
}

#[inline]
fn decode_contract(
    plan: &Plan,
    keys: &KeyMap,
    row: &impl Cols,
    part: &mut Part,
) -> Result<(), StoreError> {
    let cust: i64 = row.int(0)?;
    let p = row.int(2)? as u64;
    let end = Some(low_day(p)).filter(|&e| i64::from(e) != NULL_DAY);
    let renewed = match p >> 32 {
        2 => Some(true),
        1 => Some(false),
        _ => None,
    };
    if let Some(cust) = keys.get(cust as u64) {
        part.contracts.push(Contract {
            cust,
            start: day(row.int(1)?),
            end,
            // The renewal decision is known when the term ends, not before.
            renewed: if end.is_some_and(|e| e > plan.as_of) {
                None
            } else {
                renewed
            },
        });
    }
    Ok(())
}

#[inline]
fn decode_payment(
    plan: &Plan,
    keys: &KeyMap,
    row: &impl Cols,
    part: &mut Part,
) -> Result<(), StoreError> {
    let (cust, invoice, due, paid, i) = if plan.packed {
        let p = row.int(0)? as u64;
        let q = row.int(1)? as u64;
        let paid = Some(low_day(q)).filter(|&p| i64::from(p) != NULL_DAY);
        (p >> 32, low_day(p), low_day(q >> 32), paid, 2)
    } else {
        let cust: i64 = row.int(0)?;
        let paid: Option<i64> = row.opt_int(3)?;
        (
            cust as u64,
            day(row.int(1)?),
            day(row.int(2)?),
            paid.map(day),
            4,
        )
    };
    if let Some(cust) = keys.get(cust) {
        part.payments.push(Payment {
            cust,
            invoice,
            due,
            // Paid after as_of: still unpaid on as_of.
            paid: paid.filter(|&p| p <= plan.as_of),
            amount: row.opt_real(i)?,
        });
    }
    Ok(())
}

/// Decodes the one row of an aggregated statement (see `Select::sql` in `load_plan`).
fn decode_agg(
    plan: &Plan,
    keys: &KeyMap,
    table: Table,
    row: &SqliteRow,
    part: &mut Part,
) -> Result<(), StoreError> {
    let kinds = plan.kinds(table);
    let mut cols = Vec::with_capacity(kinds.len());
    for (i, kind) in kinds.iter().enumerate() {
        let text: Option<&str> = get(row, i)?;
        cols.push(Parsed::parse(text, *kind)?);
    }
    let n = cols.first().map_or(0, Parsed::len);
    if cols.iter().any(|c| c.len() != n) {
        return Err(StoreError::InvalidRecord {
            table: "dataset",
            row: 0,
            reason: "aggregated columns of different lengths".to_string(),
        });
    }
    for j in 0..n {
        decode(plan, keys, table, &AggRow { cols: &cols, j }, part)?;
    }
    Ok(())
}

/// Runs one job's statement row by row, decoding into `part`.
async fn run_job(
    conn: &mut SqliteConnection,
    plan: &Plan,
    keys: &KeyMap,
    job: Job,
    part: &mut Part,
) -> Result<(), StoreError> {
    // Rows are kept until the statement is done and freed together (see the module docs).
    let mut keep = Vec::new();
    let mut rows = sqlx::query(plan.sql(job.table))
        .bind(plan.as_of)
        .bind(plan.ids.as_deref())
        .bind(job.lo)
        .bind(job.hi)
        .fetch(&mut *conn);
    let mut burst = 0usize;
    loop {
        // Drain what the worker has produced. When nothing is ready in the middle of a
        // stream, sleep a millisecond rather than await the next row; at the start of a
        // statement, or after a trickle, wait normally.
        let next = match rows.try_next().now_or_never() {
            Some(next) => next,
            None if burst >= 1024 => {
                burst = 0;
                tokio::time::sleep(Duration::from_millis(1)).await;
                continue;
            }
            None => {
                burst = 0;
                rows.try_next().await
            }
        };
        burst += 1;
        match next.map_err(ctx(DOING))? {
            Some(row) => {
                if job.table == Table::Customers {
                    decode_customer(plan, &row, part)?;
                } else {
                    decode(plan, keys, job.table, &row, part)?;
                }
                keep.push(row);
            }
            None => break,
        }
    }
    drop(rows);
    drop(keep);
    Ok(())
}

/// Takes the write lock on `conn` if no other writer holds it, without waiting.
async fn try_write_lock(conn: &mut SqliteConnection) -> bool {
    sqlx::query("PRAGMA busy_timeout = 0")
        .execute(&mut *conn)
        .await
        .is_ok()
        && sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *conn)
            .await
            .is_ok()
}

/// Runs `jobs` in order, decoding into one [`Part`].
async fn run_all(
    conn: &mut SqliteConnection,
    plan: &Plan,
    keys: &KeyMap,
    jobs: Vec<Job>,
) -> Result<Part, StoreError> {
    let mut part = Part::default();
    let mut current: Option<(Table, Instant)> = None;
    // An aggregated statement's row waiting to be decoded: decoding it overlaps with the
    // next statement, which sqlx's worker thread runs meanwhile.
    let mut pending: Option<(Table, SqliteRow)> = None;
    for job in jobs {
        match current {
            Some((t, _)) if t == job.table => {}
            _ => {
                if let Some((t, since)) = current {
                    tracing::debug!(table = ?t, seconds = since.elapsed().as_secs_f64(), "loaded");
                }
                current = Some((job.table, Instant::now()));
            }
        }
        if plan.agg && job.table != Table::Customers {
            let fetch = sqlx::query(plan.sql(job.table))
                .bind(plan.as_of)
                .bind(plan.ids.as_deref())
                .bind(job.lo)
                .bind(job.hi)
                .fetch_one(&mut *conn);
            let previous = pending.take();
            let (row, decoded) = tokio::join!(fetch, async {
                match &previous {
                    Some((t, row)) => decode_agg(plan, keys, *t, row, &mut part),
                    None => Ok(()),
                }
            });
            decoded?;
            pending = Some((job.table, row.map_err(ctx(DOING))?));
        } else {
            if let Some((t, row)) = pending.take() {
                decode_agg(plan, keys, t, &row, &mut part)?;
            }
            run_job(conn, plan, keys, job, &mut part).await?;
        }
    }
    if let Some((t, row)) = pending.take() {
        decode_agg(plan, keys, t, &row, &mut part)?;
    }
    if let Some((t, since)) = current {
        tracing::debug!(table = ?t, seconds = since.elapsed().as_secs_f64(), "loaded");
    }
    Ok(part)
}

/// The read transactions of a load and the bounds of its tables (`SNAPSHOT_BOUNDS`'s 13
/// values). A whole-store load gets a second transaction when no other writer holds the write
/// lock: both snapshots are taken under it (see the module docs); a subset load is small and
/// stays on one connection.
async fn snapshots(
    pool: &SqlitePool,
    subset: bool,
) -> Result<
    (
        Transaction<'static, Sqlite>,
        Option<Transaction<'static, Sqlite>>,
        Vec<i64>,
    ),
    StoreError,
> {
    let mut lock = None;
    if !subset {
        let mut conn = pool.acquire().await.map_err(ctx(DOING))?;
        conn.close_on_drop();
        if try_write_lock(&mut conn).await {
            lock = Some(conn);
        }
    }
    let mut a = pool.begin().await.map_err(ctx(DOING))?;
    let row = sqlx::query(SNAPSHOT_BOUNDS)
        .fetch_one(&mut *a)
        .await
        .map_err(ctx(DOING))?;
    let mut b = None;
    if let Some(mut lock) = lock {
        let mut second = pool.begin().await.map_err(ctx(DOING))?;
        sqlx::query("SELECT count(*) FROM categories")
            .fetch_one(&mut *second)
            .await
            .map_err(ctx(DOING))?;
        b = Some(second);
        sqlx::query("ROLLBACK")
            .execute(&mut *lock)
            .await
            .map_err(ctx(DOING))?;
    }
    let n: Vec<i64> = (0..13).map(|i| get(&row, i)).collect::<Result<_, _>>()?;
    Ok((a, b, n))
}

/// The largest customer key, the number of customers, the largest category id, and the
/// smallest and largest id of each rowid table.
const SNAPSHOT_BOUNDS: &str = "SELECT ifnull((SELECT max(key) FROM customers), 0), \
     (SELECT count(*) FROM customers), \
     ifnull((SELECT max(id) FROM categories), 0), \
     ifnull((SELECT min(id) FROM transactions), 0), ifnull((SELECT max(id) FROM transactions), -1), \
     ifnull((SELECT min(id) FROM interactions), 0), ifnull((SELECT max(id) FROM interactions), -1), \
     ifnull((SELECT min(id) FROM surveys), 0), ifnull((SELECT max(id) FROM surveys), -1), \
     ifnull((SELECT min(id) FROM contracts), 0), ifnull((SELECT max(id) FROM contracts), -1), \
     ifnull((SELECT min(id) FROM payments), 0), ifnull((SELECT max(id) FROM payments), -1)";

/// The jobs of phase 2: order lines, and the other fact tables (`n` as [`snapshots`] gives it).
fn fact_jobs(n: &[i64], max_key: i64, whole: bool, sparse: bool) -> (Vec<Job>, Vec<Job>) {
    let mut lines = Vec::new();
    jobs(
        Table::Transactions,
        n[3],
        n[4],
        CHUNK_ROWS,
        whole,
        &mut lines,
    );
    let mut list = Vec::new();
    let cust_step = (CHUNK_ROWS / PERIODS_PER_CUSTOMER).max(1);
    jobs(
        Table::Costs,
        0,
        max_key,
        cust_step,
        whole || sparse,
        &mut list,
    );
    jobs(Table::Payments, n[11], n[12], CHUNK_ROWS, whole, &mut list);
    jobs(
        Table::Interactions,
        n[5],
        n[6],
        CHUNK_ROWS,
        whole,
        &mut list,
    );
    jobs(Table::Surveys, n[7], n[8], CHUNK_ROWS, whole, &mut list);
    jobs(Table::Contracts, n[9], n[10], CHUNK_ROWS, whole, &mut list);
    (lines, list)
}

/// Categories: only those of loaded lines enter the dataset (a category first sold after
/// as_of must not appear), renumbered densely in id order.
fn keep_used_categories(d: &mut Dataset, names: Vec<(i64, String)>, max_category: i64) {
    let mut used = vec![false; max_category.max(0) as usize + 1];
    for t in &d.tx {
        if let Some(u) = used.get_mut(t.category as usize) {
            *u = true;
        }
    }
    let mut remap = vec![NO_CATEGORY; used.len()];
    for (id, name) in names {
        let Some(i) = usize::try_from(id)
            .ok()
            .filter(|&i| i < used.len() && used[i])
        else {
            continue;
        };
        remap[i] = d.categories.len() as u32;
        d.categories.push(name);
    }
    for t in &mut d.tx {
        t.category = remap
            .get(t.category as usize)
            .copied()
            .unwrap_or(NO_CATEGORY);
    }
}

pub(crate) async fn load(
    pool: &SqlitePool,
    subset: Option<&[String]>,
    as_of: Day,
) -> Result<Dataset, StoreError> {
    let started = Instant::now();
    let ids = match subset {
        Some(ids) => Some(
            serde_json::to_string(ids).map_err(|e| StoreError::InvalidRecord {
                table: "customers",
                row: 0,
                reason: e.to_string(),
            })?,
        ),
        None => None,
    };
    let whole = ids.is_some();
    let (mut a, b, n) = snapshots(pool, whole).await?;
    let (max_key, n_customers, max_category) = (n[0], n[1], n[2]);
    // Keys are dense unless rows were written behind the store's back.
    let sparse = max_key > 4 * n_customers + 65_536;
    let plan = Plan::new(as_of, ids, max_key, max_category);

    // Phase 1: customers, then the key map.
    let mut list = Vec::new();
    jobs(
        Table::Customers,
        0,
        max_key,
        CHUNK_ROWS,
        whole || sparse,
        &mut list,
    );
    let no_keys = KeyMap::Dense(Vec::new());
    let mut part = run_all(&mut a, &plan, &no_keys, list).await?;
    part.customers.sort_unstable_by_key(|c| c.0);
    let store_keys: Vec<u64> = part.customers.iter().map(|c| c.0).collect();
    let keys = KeyMap::build(&store_keys, sparse);
    let mut d = Dataset {
        customers: part.customers.into_iter().map(|c| c.1).collect(),
        ..Dataset::default()
    };

    // Phase 2: the fact tables; order lines on one connection and the rest on the other
    // when there are two (about 10 s each at a million customers), else all on one.
    let (mut lines, mut list) = fact_jobs(&n, max_key, whole, sparse);
    let part = match b {
        Some(mut b) => {
            let (on_a, on_b) = tokio::join!(
                run_all(&mut a, &plan, &keys, lines),
                run_all(&mut b, &plan, &keys, list)
            );
            let (mut part, other) = (on_a?, on_b?);
            b.commit().await.map_err(ctx(DOING))?;
            part.costs = other.costs;
            part.interactions = other.interactions;
            part.surveys = other.surveys;
            part.contracts = other.contracts;
            part.payments = other.payments;
            part
        }
        None => {
            lines.append(&mut list);
            run_all(&mut a, &plan, &keys, lines).await?
        }
    };
    let names: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM categories ORDER BY id")
        .fetch_all(&mut *a)
        .await
        .map_err(ctx(DOING))?;
    a.commit().await.map_err(ctx(DOING))?;
    d.tx = part.tx;
    d.costs = part.costs;
    d.interactions = part.interactions;
    d.surveys = part.surveys;
    d.contracts = part.contracts;
    d.payments = part.payments;
    keep_used_categories(&mut d, names, max_category);
    super::load_order::sort(&mut d);
    tracing::debug!(
        customers = d.customers.len(),
        transactions = d.tx.len(),
        seconds = started.elapsed().as_secs_f64(),
        "dataset loaded"
    );
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::super::load_plan::{bits, real_text};
    use super::*;

    #[test]
    fn packed_days_round_trip() {
        for d in [0, 1, -1, 20_000, -719_468, i32::MAX, i32::MIN] {
            let packed = (5u64 << 32) | (i64::from(d) as u64 & 0xffff_ffff);
            assert_eq!(low_day(packed), d);
            assert_eq!(packed >> 32, 5);
        }
        assert_eq!(bits(0), 0);
        assert_eq!(bits(1), 1);
        assert_eq!(bits(1_000_000), 20);
        assert_eq!(kind_of(3), InteractionKind::Referral);
    }

    #[test]
    fn jobs_cover_the_range_once() {
        let mut v = Vec::new();
        jobs(Table::Transactions, 1, 10, 4, false, &mut v);
        let b: Vec<(i64, i64)> = v.iter().map(|j| (j.lo, j.hi)).collect();
        assert_eq!(b, [(1, 5), (5, 9), (9, 13)]);
        v.clear();
        jobs(Table::Transactions, 0, -1, 4, false, &mut v);
        assert!(v.is_empty(), "an empty table needs no statement");
        jobs(Table::Costs, 0, 10, 4, true, &mut v);
        assert_eq!((v[0].lo, v[0].hi), (i64::MIN, i64::MAX));
        jobs(Table::Costs, i64::MAX - 1, i64::MAX, 4, false, &mut v);
        assert_eq!(v.last().map(|j| j.hi), Some(i64::MAX));
    }

    #[test]
    fn key_maps_dense_and_sparse() {
        let dense = KeyMap::build(&[1, 2, 5], false);
        assert_eq!(
            (dense.get(5), dense.get(3), dense.get(99)),
            (Some(2), None, None)
        );
        let sparse = KeyMap::build(&[7, 1 << 40], true);
        assert_eq!((sparse.get(1 << 40), sparse.get(8)), (Some(1), None));
    }

    /// Every REAL comes back with the same bits through SQLite's text and [`parse_real`],
    /// whole cents or not.
    #[tokio::test]
    async fn reals_read_back_exactly() {
        let pool = SqlitePool::connect("sqlite::memory:").await.unwrap();
        let mut values = vec![
            5074.94,
            -3327.33,
            0.01,
            -0.01,
            0.1 + 0.2,
            1.0 / 3.0,
            0.0,
            -0.0,
            0.005,
            1e13,
            -1e13,
            9_999_999_999_999.99,
            12_345_678.9,
            1e-300,
            5e-324,
            f64::MAX,
            f64::MIN,
            2.5e15,
            100.0,
            -7.0,
        ];
        // Parsed cents, as a CSV import produces them, across magnitudes.
        let mut x = 1u64;
        for i in 0..2000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let cents = (x >> 11) % 10u64.pow(1 + (i % 14) as u32);
            let v: f64 = format!("{}.{:02}", cents / 100, cents % 100)
                .parse()
                .unwrap();
            values.push(if i % 3 == 0 { -v } else { v });
            values.push(v * 1.000_000_1);
        }
        let sql = format!("SELECT group_concat({})", real_text("?1"));
        for v in values {
            let text: String = sqlx::query_scalar(&sql)
                .bind(v)
                .fetch_one(&pool)
                .await
                .unwrap();
            let back = parse_real(&text).unwrap();
            // SQLite prints -0.0 as 0.0 (and stores it as the integer 0 on disk anyway).
            let want = if v == 0.0 { 0.0 } else { v };
            assert_eq!(back.to_bits(), want.to_bits(), "{v:e} came back as {text}");
        }
    }
}
