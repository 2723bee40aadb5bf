//! Evaluation runs and their results: written once in one transaction, then only read (or
//! deleted whole by an admin).
//!
//! Writing: results are inserted in multi-row batches (`batch`) in list order (score
//! descending, then customer id), with ids assigned here (the write lock is held), so that
//! within a run `results.id` increases with the list order (schema v4, see
//! `migrations/0004_result_order.sql`). Every filter index is `(run_id, column)`, and SQLite
//! appends the rowid to each entry, so an index delivers a filter's rows already in list order
//! and grows at a few insertion points during the write instead of at random. The
//! `result_details` rows share the ids, without a `RETURNING` round trip.
//!
//! Reading: the list query is built from the filters that are set; a page first selects the
//! ids of its rows from an index alone (`offset + limit` index entries, no table lookups for
//! the skipped rows), then reads those rows and their details. The class filter names a value
//! of one of four columns; the store does not know the engine's vocabularies, so it first
//! probes which column holds that value in the run and filters on that column only.

use std::collections::HashMap;

use custval_model::{CustomerResult, Day, RunId, RunInfo, Signals};
use futures::TryStreamExt;
use rayon::prelude::*;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Row, SqlitePool};

use super::batch::{
    BATCH, BatchSql, LARGE_WRITE, Q, add, arguments, begin_bulk, checkpoint, commit_bulk,
    run_batches,
};
use super::{count, now_rfc3339};
use crate::StoreError;
use crate::detail_codec::{self, DetailReader, Encoder};
use crate::error::{ctx, ctx_io};
use crate::types::{NewAlert, ResultPage, ResultQuery, ResultSort, TierPoint};

/// The result columns in `customer_result`'s order, the detail last so that a snapshot can
/// leave it out.
macro_rules! result_cols {
    () => {
        "r.customer_id, r.name, r.industry, r.region, r.owner, r.tier, r.value_class, \
         r.potential_tier, r.lifecycle, r.profit_loyalty, r.cluster, r.rfm_segment, r.score, \
         r.value_score, r.potential_score, r.spend_12m, r.clv, r.p_alive, r.raw_tier, \
         r.tier_streak, r.spend_prev_12m, r.orders_12m, r.payment_delay, r.overdue, r.csat, \
         r.nps, r.complaints_12m, r.risk"
    };
}
pub(super) const RESULT_COLS_NO_DETAIL: &str = result_cols!();
const RESULT_COLS: &str = concat!(result_cols!(), ", d.detail");
/// Position of the detail column in `RESULT_COLS`.
const DETAIL_COL: usize = 28;

fn run_info(row: &SqliteRow) -> Result<RunInfo, sqlx::Error> {
    let as_of: i64 = row.try_get(1)?;
    let customers: i64 = row.try_get(3)?;
    Ok(RunInfo {
        id: row.try_get(0)?,
        as_of: as_of as Day,
        created_at: row.try_get(2)?,
        customers: count(customers),
        seconds: row.try_get(4)?,
        config: row.try_get(5)?,
        meta: row.try_get(6)?,
    })
}

pub(super) fn customer_result(
    row: &SqliteRow,
    details: &mut DetailReader,
) -> Result<CustomerResult, sqlx::Error> {
    let cluster: Option<i64> = row.try_get(10)?;
    Ok(CustomerResult {
        customer_id: row.try_get(0)?,
        name: row.try_get(1)?,
        industry: row.try_get(2)?,
        region: row.try_get(3)?,
        owner: row.try_get(4)?,
        tier: row.try_get(5)?,
        value_class: row.try_get(6)?,
        potential_tier: row.try_get(7)?,
        lifecycle: row.try_get(8)?,
        profit_loyalty: row.try_get(9)?,
        cluster: cluster.and_then(|c| u32::try_from(c).ok()),
        rfm_segment: row.try_get(11)?,
        score: row.try_get(12)?,
        value_score: row.try_get(13)?,
        potential_score: row.try_get(14)?,
        spend_12m: row.try_get(15)?,
        clv: row.try_get(16)?,
        p_alive: row.try_get(17)?,
        raw_tier: row.try_get(18)?,
        tier_streak: u32::try_from(row.try_get::<i64, _>(19)?).unwrap_or(0),
        signals: Signals {
            spend_prev_12m: row.try_get(20)?,
            orders_12m: row.try_get(21)?,
            payment_delay: row.try_get(22)?,
            overdue: row.try_get(23)?,
            csat: row.try_get(24)?,
            nps: row.try_get(25)?,
            complaints_12m: row.try_get(26)?,
        },
        risk: row.try_get(27)?,
        detail: if row.len() > DETAIL_COL {
            let stored: &[u8] = row.try_get(DETAIL_COL)?;
            details
                .text(stored)
                .map_err(|e| sqlx::Error::ColumnDecode {
                    index: DETAIL_COL.to_string(),
                    source: e.into(),
                })?
        } else {
            String::new()
        },
    })
}

fn invalid(row: usize, reason: String) -> StoreError {
    StoreError::InvalidRecord {
        table: "results",
        row,
        reason,
    }
}

fn check_result(i: usize, r: &CustomerResult) -> Result<(), StoreError> {
    if r.customer_id.is_empty() {
        return Err(invalid(i, "customer_id is empty".to_string()));
    }
    for (field, v) in [
        ("score", Some(r.score)),
        ("value_score", Some(r.value_score)),
        ("potential_score", Some(r.potential_score)),
        ("spend_12m", r.spend_12m),
        ("clv", r.clv),
        ("p_alive", r.p_alive),
        ("spend_prev_12m", r.signals.spend_prev_12m),
        ("orders_12m", r.signals.orders_12m),
        ("payment_delay", r.signals.payment_delay),
        ("overdue", r.signals.overdue),
        ("csat", r.signals.csat),
        ("nps", r.signals.nps),
        ("complaints_12m", r.signals.complaints_12m),
    ] {
        if let Some(v) = v.filter(|v| !v.is_finite()) {
            return Err(invalid(
                i,
                format!("{field} of customer {} is {v}", r.customer_id),
            ));
        }
    }
    Ok(())
}

/// Where a run's details come from.
#[derive(Clone, Copy)]
pub(crate) enum Details<'a> {
    /// Each result's own `detail`.
    Stored,
    /// Built for result `i` while writing, one batch at a time (on the rayon pool).
    Built(&'a (dyn Fn(usize) -> String + Sync)),
}

impl Details<'_> {
    /// The detail of `results[k]`.
    fn text(self, results: &[CustomerResult], k: usize) -> String {
        match self {
            Details::Stored => results[k].detail.clone(),
            Details::Built(detail) => detail(k),
        }
    }
}

/// A run to store.
pub(crate) struct NewRun<'a> {
    pub as_of: Day,
    pub config: &'a str,
    pub meta: &'a str,
    pub seconds: f64,
    pub results: &'a [CustomerResult],
    pub details: Details<'a>,
    pub alerts: Vec<NewAlert>,
}

const DOING: &str = "storing the run";

pub(crate) async fn create_run(pool: &SqlitePool, run: NewRun<'_>) -> Result<RunId, StoreError> {
    let NewRun {
        as_of,
        config,
        meta,
        seconds,
        results,
        details,
        alerts,
    } = run;
    let started = std::time::Instant::now();
    if serde_json::from_str::<serde::de::IgnoredAny>(meta).is_err() {
        return Err(StoreError::InvalidRecord {
            table: "runs",
            row: 0,
            reason: "meta is not JSON".to_string(),
        });
    }
    let mut tx = begin_bulk(pool, DOING).await?;
    // A run writes a dozen indexes at once; a larger page cache for this transaction keeps
    // their working set in memory (the bulk connection is closed after the commit, so the
    // setting dies with it).
    sqlx::query("PRAGMA cache_size = -262144")
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    let run_id: i64 = sqlx::query_scalar(
        "INSERT INTO runs (as_of, created_at, customers, seconds, config, meta) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(as_of)
    .bind(now_rfc3339())
    .bind(results.len() as i64)
    .bind(if seconds.is_finite() { seconds } else { 0.0 })
    .bind(config)
    .bind(meta)
    .fetch_one(&mut *tx)
    .await
    .map_err(ctx(DOING))?;
    // Alerts first, and freed before anything else of the write is allocated: at a million
    // customers the evaluation's peak memory was here, the run's alerts beside the results,
    // the detail context and the dictionary's training (issue 19).
    write_alerts(&mut tx, run_id, alerts).await?;
    // The results are checked after the alerts are written and freed (a failure rolls both
    // back).
    let order = checked_list_order(results)?;
    let dict = write_dictionary(&mut tx, run_id, results, &order, details).await?;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        dictionary = dict.as_ref().map_or(0, Vec::len),
        "detail dictionary trained"
    );
    let encoder = dict.as_deref().map(Encoder::new);
    let base: i64 = sqlx::query_scalar("SELECT ifnull(max(id), 0) FROM results")
        .fetch_one(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    let rows = RunRows {
        run_id,
        base,
        results,
        order: &order,
        details,
        encoder: encoder.as_ref(),
    };
    write_results(&mut tx, &rows).await?;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        "run results and details written"
    );
    write_counts(&mut tx, run_id, results).await?;
    commit_bulk(tx, DOING).await?;
    if results.len() as u64 >= LARGE_WRITE {
        checkpoint(pool).await;
    }
    tracing::debug!(
        run = run_id,
        customers = results.len(),
        seconds = started.elapsed().as_secs_f64(),
        "run stored"
    );
    Ok(run_id)
}

/// Writes a run's alerts and their open counts, and frees them.
async fn write_alerts(
    tx: &mut SqliteConnection,
    run_id: i64,
    alerts: Vec<NewAlert>,
) -> Result<(), StoreError> {
    super::alerts::insert(tx, run_id, &alerts).await?;
    drop(alerts);
    sqlx::query(
        "INSERT INTO alert_open_counts (run_id, owner, n) SELECT run_id, ifnull(owner, ''), \
         count(*) FROM alerts WHERE run_id = ? AND status = 'open' GROUP BY 2",
    )
    .bind(run_id)
    .execute(&mut *tx)
    .await
    .map_err(ctx(DOING))?;
    Ok(())
}

/// Checks every result and that no customer appears twice, and returns the positions of the
/// results in list order (ids follow it, see the module docs).
fn checked_list_order(results: &[CustomerResult]) -> Result<Vec<usize>, StoreError> {
    // Positions sorted by customer id find a customer twice, 4 bytes a result where a hash
    // set of a million ids held ~35 MB at the evaluation's peak.
    for (i, r) in results.iter().enumerate() {
        check_result(i, r)?;
    }
    let mut by_id: Vec<u32> = (0..results.len())
        .map(|i| u32::try_from(i).map_err(|_| invalid(i, "too many results".to_string())))
        .collect::<Result<_, _>>()?;
    by_id.sort_unstable_by(|&a, &b| {
        results[a as usize]
            .customer_id
            .cmp(&results[b as usize].customer_id)
            .then(a.cmp(&b))
    });
    if let Some(w) = by_id
        .windows(2)
        .find(|w| results[w[0] as usize].customer_id == results[w[1] as usize].customer_id)
    {
        let i = w[1] as usize;
        return Err(invalid(
            i,
            format!(
                "customer {} appears twice in the run",
                results[i].customer_id
            ),
        ));
    }
    drop(by_id);
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&results[a], &results[b]);
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    Ok(order)
}

/// Trains the details' dictionary (see `detail_codec`) when the run is large enough and
/// stores it with the run. Trained after the alerts are freed, which holds the write lock
/// about 1.5 s longer at a million customers.
async fn write_dictionary(
    tx: &mut SqliteConnection,
    run_id: i64,
    results: &[CustomerResult],
    order: &[usize],
    details: Details<'_>,
) -> Result<Option<Vec<u8>>, StoreError> {
    let dict = (order.len() >= detail_codec::DICT_MIN_RESULTS)
        .then(|| {
            let samples: Vec<String> = detail_codec::sample_indexes(order.len())
                .into_par_iter()
                .map(|i| details.text(results, order[i]))
                .collect();
            detail_codec::train(&samples)
        })
        .flatten();
    if let Some(dict) = &dict {
        sqlx::query("UPDATE runs SET detail_dict = ? WHERE id = ?")
            .bind(dict.as_slice())
            .bind(run_id)
            .execute(&mut *tx)
            .await
            .map_err(ctx(DOING))?;
    }
    Ok(dict)
}

/// What the results and details batches of a run are built from.
struct RunRows<'a> {
    run_id: i64,
    /// The results' ids are `base + 1 ..` in list order.
    base: i64,
    results: &'a [CustomerResult],
    order: &'a [usize],
    details: Details<'a>,
    encoder: Option<&'a Encoder>,
}

impl RunRows<'_> {
    /// The positions in `order` of batch `b`, and its first position.
    fn chunk(&self, b: usize) -> (usize, &[usize]) {
        let start = b * BATCH;
        (
            start,
            &self.order[start..self.order.len().min(start + BATCH)],
        )
    }
}

const RESULTS_PREFIX: &str = "INSERT OR FAIL INTO results (id, run_id, customer_id, name, \
     industry, region, owner, tier, value_class, potential_tier, lifecycle, profit_loyalty, \
     cluster, rfm_segment, score, value_score, potential_score, spend_12m, clv, p_alive, \
     raw_tier, tier_streak, spend_prev_12m, orders_12m, payment_delay, overdue, csat, nps, \
     complaints_12m, risk) VALUES ";
const RESULTS_COLS: usize = 30;

/// The results statement of batch `b`.
fn results_batch<'q>(
    rows: &'q RunRows<'_>,
    sql: &'q BatchSql,
    b: usize,
) -> Result<Q<'q>, StoreError> {
    let (start, chunk) = rows.chunk(b);
    let mut args = arguments(chunk.len(), RESULTS_COLS);
    for (i, r) in chunk.iter().map(|&k| &rows.results[k]).enumerate() {
        add!(
            args,
            DOING,
            rows.base + 1 + (start + i) as i64,
            rows.run_id,
            r.customer_id.as_str(),
            r.name.as_deref(),
            r.industry.as_deref(),
            r.region.as_deref(),
            r.owner.as_deref(),
            r.tier.as_str(),
            r.value_class.as_str(),
            r.potential_tier.as_str(),
            r.lifecycle.as_str(),
            r.profit_loyalty.as_str(),
            r.cluster.map(i64::from),
            r.rfm_segment.as_deref(),
            r.score,
            r.value_score,
            r.potential_score,
            r.spend_12m,
            r.clv,
            r.p_alive,
            r.raw_tier.as_deref(),
            i64::from(r.tier_streak),
            r.signals.spend_prev_12m,
            r.signals.orders_12m,
            r.signals.payment_delay,
            r.signals.overdue,
            r.signals.csat,
            r.signals.nps,
            r.signals.complaints_12m,
            r.risk.as_deref(),
        );
    }
    Ok(sqlx::query_with(sql.for_rows(chunk.len()), args))
}

/// The details statement of batch `b`: the details built (and compressed) on the rayon pool.
fn details_batch<'q>(
    rows: &'q RunRows<'_>,
    sql: &'q BatchSql,
    b: usize,
) -> Result<Q<'q>, StoreError> {
    let (start, chunk) = rows.chunk(b);
    let mut args = arguments(chunk.len(), 2);
    let texts: Vec<String> = chunk
        .par_iter()
        .map(|&k| rows.details.text(rows.results, k))
        .collect();
    let id = |i: usize| rows.base + 1 + (start + i) as i64;
    match rows.encoder {
        Some(encoder) => {
            let packed = encoder
                .compress_all(&texts)
                .map_err(|e| StoreError::InvalidRecord {
                    table: "result_details",
                    row: start,
                    reason: format!("compressing a detail: {e}"),
                })?;
            for (i, d) in packed.into_iter().enumerate() {
                add!(args, DOING, id(i), d);
            }
        }
        None => {
            for (i, d) in texts.into_iter().enumerate() {
                add!(args, DOING, id(i), d);
            }
        }
    }
    Ok(sqlx::query_with(sql.for_rows(chunk.len()), args))
}

/// Writes the results and their details. Results and details batches alternate: the details
/// of batch `b` (built and compressed on the rayon pool) are made while SQLite inserts the
/// results of batch `b`, whose index work is the run write's largest cost, instead of in a
/// phase of their own.
async fn write_results(tx: &mut SqliteConnection, rows: &RunRows<'_>) -> Result<(), StoreError> {
    let n = rows.order.len();
    let sql = BatchSql::new(RESULTS_PREFIX, RESULTS_COLS, "", n);
    let detail_sql = BatchSql::new(
        "INSERT OR FAIL INTO result_details (id, detail) VALUES ",
        2,
        "",
        n,
    );
    let build = |i: usize| {
        if i % 2 == 0 {
            results_batch(rows, &sql, i / 2)
        } else {
            details_batch(rows, &detail_sql, i / 2)
        }
    };
    run_batches(tx, 2 * n.div_ceil(BATCH), build, DOING).await?;
    Ok(())
}

/// Writes the number of results per value of each filter column, for the lists' totals.
async fn write_counts(
    tx: &mut SqliteConnection,
    run_id: i64,
    results: &[CustomerResult],
) -> Result<(), StoreError> {
    let mut counts: HashMap<(&str, &str), i64> = HashMap::new();
    for r in results {
        for (dim, v) in [
            ("tier", Some(r.tier.as_str())),
            ("value_class", Some(r.value_class.as_str())),
            ("lifecycle", Some(r.lifecycle.as_str())),
            ("potential_tier", Some(r.potential_tier.as_str())),
            ("profit_loyalty", Some(r.profit_loyalty.as_str())),
            ("owner", r.owner.as_deref()),
            ("industry", r.industry.as_deref()),
            ("region", r.region.as_deref()),
        ] {
            if let Some(v) = v {
                *counts.entry((dim, v)).or_insert(0) += 1;
            }
        }
    }
    let counts: Vec<((&str, &str), i64)> = counts.into_iter().collect();
    let count_sql = BatchSql::new(
        "INSERT OR FAIL INTO run_counts (run_id, dim, value, n) VALUES ",
        4,
        "",
        counts.len(),
    );
    let build = |b: usize| {
        let start = b * BATCH;
        let chunk = &counts[start..counts.len().min(start + BATCH)];
        let mut args = arguments(chunk.len(), 4);
        for ((dim, value), n) in chunk {
            add!(args, DOING, run_id, *dim, *value, *n);
        }
        Ok(sqlx::query_with(count_sql.for_rows(chunk.len()), args))
    };
    run_batches(tx, counts.len().div_ceil(BATCH), build, DOING).await?;
    Ok(())
}

const RUN_COLS: &str = "id, as_of, created_at, customers, seconds, config, meta";

/// Latest first: the latest as-of date, ties by the latest created (issue 17: a backfill's
/// runs have higher ids but older dates, and must not become "the latest run").
const LATEST_FIRST: &str = "ORDER BY as_of DESC, id DESC";

/// The latest run's id (the order of [`LATEST_FIRST`]), for writes that must check it inside
/// their own transaction (provisional results).
pub(super) const LATEST_RUN_ID: &str = "SELECT id FROM runs ORDER BY as_of DESC, id DESC LIMIT 1";

pub(crate) async fn runs(pool: &SqlitePool) -> Result<Vec<RunInfo>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {RUN_COLS} FROM runs {LATEST_FIRST}"))
        .fetch_all(pool)
        .await
        .map_err(ctx("listing runs"))?;
    rows.iter()
        .map(|r| run_info(r).map_err(ctx("listing runs")))
        .collect()
}

pub(crate) async fn run(pool: &SqlitePool, id: RunId) -> Result<Option<RunInfo>, StoreError> {
    let row = sqlx::query(&format!("SELECT {RUN_COLS} FROM runs WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(ctx("reading a run"))?;
    row.as_ref()
        .map(run_info)
        .transpose()
        .map_err(ctx("reading a run"))
}

pub(crate) async fn latest_run(pool: &SqlitePool) -> Result<Option<RunInfo>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {RUN_COLS} FROM runs {LATEST_FIRST} LIMIT 1"
    ))
    .fetch_optional(pool)
    .await
    .map_err(ctx("reading the latest run"))?;
    row.as_ref()
        .map(run_info)
        .transpose()
        .map_err(ctx("reading the latest run"))
}

pub(crate) async fn delete_run(pool: &SqlitePool, id: RunId) -> Result<(), StoreError> {
    const DOING: &str = "deleting a run";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    sqlx::query("DELETE FROM result_details WHERE id IN (SELECT id FROM results WHERE run_id = ?)")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    sqlx::query("DELETE FROM alerts WHERE run_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    sqlx::query("DELETE FROM alert_open_counts WHERE run_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    sqlx::query("DELETE FROM run_counts WHERE run_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    sqlx::query("DELETE FROM results WHERE run_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    let done = sqlx::query("DELETE FROM runs WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::RunNotFound(id));
    }
    tx.commit().await.map_err(ctx(DOING))
}

/// A bound value of a dynamically built query.
enum Arg<'a> {
    Int(i64),
    Text(&'a str),
    Owned(String),
}

/// `%`, `_` and `\` taken literally in a LIKE pattern (with `ESCAPE '\'`).
fn like_pattern(s: &str) -> String {
    let mut p = String::with_capacity(s.len() + 2);
    p.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// A list's total known without counting rows.
enum KnownTotal<'a> {
    /// The `run_counts` entry of a column and value.
    Dim(&'static str, &'a str),
    Count(i64),
}

/// The columns a class value may belong to.
const CLASS_COLUMNS: [&str; 4] = [
    "value_class",
    "lifecycle",
    "potential_tier",
    "profit_loyalty",
];

/// A list query's `WHERE` clause and its arguments.
struct Filter<'a> {
    conds: Vec<String>,
    args: Vec<Arg<'a>>,
    /// How many filters are set.
    filters: usize,
    /// The one filter set, when there is one: its total is in `run_counts`.
    known_total: Option<KnownTotal<'a>>,
}

/// The filter of a list query, or `None` when no result can match (a class value no column
/// of the run holds).
async fn filter<'a>(
    tx: &mut SqliteConnection,
    run_id: RunId,
    query: &'a ResultQuery,
) -> Result<Option<Filter<'a>>, StoreError> {
    let mut f = Filter {
        conds: vec!["r.run_id = ?".to_string()],
        args: vec![Arg::Int(run_id)],
        filters: 0,
        known_total: None,
    };
    for (col, v) in [
        ("tier", &query.tier),
        ("industry", &query.industry),
        ("region", &query.region),
        ("owner", &query.owner),
    ] {
        if let Some(v) = v {
            f.conds.push(format!("r.{col} = ?"));
            f.args.push(Arg::Text(v));
            f.filters += 1;
            f.known_total = Some(KnownTotal::Dim(col, v));
        }
    }
    if let Some(class) = &query.class {
        // Which of the class columns hold this value in the run (the store does not know
        // the engine's vocabularies), and how often.
        let hits: Vec<(String, i64)> = sqlx::query_as(
            "SELECT dim, n FROM run_counts WHERE run_id = ? AND value = ? \
             AND dim IN ('value_class', 'lifecycle', 'potential_tier', 'profit_loyalty')",
        )
        .bind(run_id)
        .bind(class.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(ctx(LISTING))?;
        let cols: Vec<&str> = CLASS_COLUMNS
            .into_iter()
            .filter(|c| hits.iter().any(|(d, _)| d == c))
            .collect();
        if cols.is_empty() {
            return Ok(None);
        }
        let ors: Vec<String> = cols.iter().map(|c| format!("r.{c} = ?")).collect();
        f.conds.push(format!("({})", ors.join(" OR ")));
        for _ in &cols {
            f.args.push(Arg::Text(class));
        }
        f.filters += 1;
        // One matching column: its count; several: rows may match twice, so count them.
        f.known_total = match hits.as_slice() {
            [(_, n)] => Some(KnownTotal::Count(*n)),
            _ => None,
        };
    }
    if let Some(s) = query.search.as_deref().filter(|s| !s.is_empty()) {
        f.conds
            .push("(r.customer_id LIKE ? ESCAPE '\\' OR r.name LIKE ? ESCAPE '\\')".to_string());
        f.args.push(Arg::Owned(like_pattern(s)));
        f.args.push(Arg::Owned(like_pattern(s)));
        f.filters += 1;
        f.known_total = None;
    }
    Ok(Some(f))
}

/// The number of results matching `f` (`where_sql` is its joined conditions): a lookup in
/// `run_counts` when one filter is set, a count otherwise.
async fn total(
    tx: &mut SqliteConnection,
    run_id: RunId,
    customers: i64,
    f: &Filter<'_>,
    where_sql: &str,
) -> Result<i64, StoreError> {
    Ok(match (f.filters, &f.known_total) {
        (0, _) => customers,
        (1, Some(KnownTotal::Count(n))) => *n,
        (1, Some(KnownTotal::Dim(dim, value))) => {
            let n: Option<i64> = sqlx::query_scalar(
                "SELECT n FROM run_counts WHERE run_id = ? AND dim = ? AND value = ?",
            )
            .bind(run_id)
            .bind(*dim)
            .bind(*value)
            .fetch_optional(&mut *tx)
            .await
            .map_err(ctx(LISTING))?;
            n.unwrap_or(0)
        }
        _ => {
            let count_sql = format!("SELECT count(*) FROM results r WHERE {where_sql}");
            let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
            for a in &f.args {
                q = match a {
                    Arg::Int(i) => q.bind(*i),
                    Arg::Text(s) => q.bind(*s),
                    Arg::Owned(s) => q.bind(s.as_str()),
                };
            }
            q.fetch_one(&mut *tx).await.map_err(ctx(LISTING))?
        }
    })
}

/// The `ORDER BY` of a sort. Within a run, id order is the list order (score descending,
/// then customer id): the tie-break of the other sorts too.
fn sort_order(sort: ResultSort) -> &'static str {
    match sort {
        ResultSort::Score => "r.id",
        ResultSort::Clv => "r.clv DESC, r.id",
        ResultSort::Spend12m => "r.spend_12m DESC, r.id",
        ResultSort::CustomerId => "r.customer_id",
        ResultSort::Name => "r.name IS NULL, r.name, r.customer_id",
    }
}

const LISTING: &str = "listing results";

pub(crate) async fn results(
    pool: &SqlitePool,
    run_id: RunId,
    query: &ResultQuery,
) -> Result<ResultPage, StoreError> {
    // One read transaction: the count and the page see the same snapshot.
    let mut tx = pool.begin().await.map_err(ctx(LISTING))?;
    let run: Option<(i64, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT customers, detail_dict FROM runs WHERE id = ?")
            .bind(run_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(ctx(LISTING))?;
    let Some((customers, dict)) = run else {
        return Err(StoreError::RunNotFound(run_id));
    };
    let Some(f) = filter(&mut tx, run_id, query).await? else {
        return Ok(ResultPage::default());
    };
    let where_sql = f.conds.join(" AND ");
    let total = total(&mut tx, run_id, customers, &f, &where_sql).await?;

    let order = sort_order(query.sort);
    // The page's ids are chosen from an index alone (the skipped rows cost an index entry
    // each, not a table lookup), then its rows and details are read by id, in page order.
    let page_sql = format!(
        "SELECT {RESULT_COLS} FROM (SELECT r.id FROM results r WHERE {where_sql} \
         ORDER BY {order} LIMIT ? OFFSET ?) p JOIN results r ON r.id = p.id \
         JOIN result_details d ON d.id = r.id ORDER BY {order}"
    );
    let mut q = sqlx::query(&page_sql);
    for a in &f.args {
        q = match a {
            Arg::Int(i) => q.bind(*i),
            Arg::Text(s) => q.bind(*s),
            Arg::Owned(s) => q.bind(s.as_str()),
        };
    }
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let mut rows = q.bind(limit).bind(offset).fetch(&mut *tx);
    let mut out = Vec::new();
    let mut details = DetailReader::new(dict.as_deref()).map_err(ctx_io(LISTING))?;
    while let Some(row) = rows.try_next().await.map_err(ctx(LISTING))? {
        out.push(customer_result(&row, &mut details).map_err(ctx(LISTING))?);
    }
    drop(rows);
    tx.commit().await.map_err(ctx(LISTING))?;
    Ok(ResultPage {
        total: count(total),
        results: out,
    })
}

pub(crate) async fn result(
    pool: &SqlitePool,
    run_id: RunId,
    customer_id: &str,
) -> Result<Option<CustomerResult>, StoreError> {
    const DOING: &str = "reading a result";
    // The run's dictionary comes with the row (one statement, no cache to keep in step with
    // deleted and recreated run ids).
    let row = sqlx::query(&format!(
        "SELECT {RESULT_COLS}, u.detail_dict FROM results r \
         JOIN result_details d ON d.id = r.id JOIN runs u ON u.id = r.run_id \
         WHERE r.run_id = ? AND r.customer_id = ?"
    ))
    .bind(run_id)
    .bind(customer_id)
    .fetch_optional(pool)
    .await
    .map_err(ctx(DOING))?;
    let Some(row) = row else { return Ok(None) };
    let dict: Option<&[u8]> = row.try_get(DETAIL_COL + 1).map_err(ctx(DOING))?;
    let mut details = DetailReader::new(dict).map_err(ctx_io(DOING))?;
    customer_result(&row, &mut details)
        .map(Some)
        .map_err(ctx(DOING))
}

/// Every result of a run without its detail, by customer id: what comparing two runs reads.
pub(crate) async fn snapshot(
    pool: &SqlitePool,
    run_id: RunId,
) -> Result<Vec<CustomerResult>, StoreError> {
    let mut out = Vec::new();
    snapshot_each(pool, run_id, |r| out.push(r)).await?;
    Ok(out)
}

/// [`snapshot`], one result at a time.
pub(crate) async fn snapshot_each(
    pool: &SqlitePool,
    run_id: RunId,
    mut each: impl FnMut(CustomerResult),
) -> Result<(), StoreError> {
    const DOING: &str = "reading a run's results";
    let sql = format!(
        "SELECT {RESULT_COLS_NO_DETAIL} FROM results r WHERE r.run_id = ? ORDER BY r.customer_id"
    );
    let mut rows = sqlx::query(&sql).bind(run_id).fetch(pool);
    let mut plain = DetailReader::plain();
    while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
        each(customer_result(&row, &mut plain).map_err(ctx(DOING))?);
    }
    Ok(())
}

/// The run before a date: the latest as-of date strictly before `as_of`, the newest of those.
pub(crate) async fn previous_run(
    pool: &SqlitePool,
    as_of: Day,
) -> Result<Option<RunInfo>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {RUN_COLS} FROM runs WHERE as_of < ? ORDER BY as_of DESC, id DESC LIMIT 1"
    ))
    .bind(as_of)
    .fetch_optional(pool)
    .await
    .map_err(ctx("reading the previous run"))?;
    row.as_ref()
        .map(run_info)
        .transpose()
        .map_err(ctx("reading the previous run"))
}

pub(crate) async fn tier_history(
    pool: &SqlitePool,
    customer_id: &str,
) -> Result<Vec<TierPoint>, StoreError> {
    const DOING: &str = "reading a tier history";
    let rows = sqlx::query(
        // CROSS JOIN keeps runs outside: one (run_id, customer_id) lookup per run.
        "SELECT runs.id, runs.as_of, r.tier, r.score FROM runs \
         CROSS JOIN results r ON r.run_id = runs.id AND r.customer_id = ? \
         ORDER BY runs.as_of, runs.id",
    )
    .bind(customer_id)
    .fetch_all(pool)
    .await
    .map_err(ctx(DOING))?;
    rows.iter()
        .map(|row| {
            let as_of: i64 = row.try_get(1)?;
            Ok(TierPoint {
                run: row.try_get(0)?,
                as_of: as_of as Day,
                tier: row.try_get(2)?,
                score: row.try_get(3)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(ctx(DOING))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
        assert_eq!(like_pattern("华"), "%华%");
    }
}
