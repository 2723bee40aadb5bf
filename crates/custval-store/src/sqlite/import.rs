//! Imports: [`SqliteImport`], one `BEGIN IMMEDIATE` transaction fed in chunks.
//!
//! Speed comes from multi-row `INSERT … VALUES (…),(…)` statements of [`BATCH`] rows with
//! bound parameters (one prepared statement per table and batch size, cached by sqlx on the
//! session's single connection), `ON CONFLICT DO NOTHING` + `rows_affected` to count
//! duplicates, and the customer, category and channel maps loaded once per session, so that
//! a row costs a hash lookup rather than a query. `ON CONFLICT` rather than `INSERT OR IGNORE`
//! on purpose: `OR IGNORE` would also silently skip rows that break a `NOT NULL` or `CHECK`
//! constraint and count them as duplicates, where an import must fail and store nothing.
//!
//! The session runs on a `batch::begin_bulk` connection: `INSERT OR FAIL` and foreign keys off.
//! Every customer key it writes comes from its own customer map (stubs are created first, in
//! the same transaction), so the per-row lookup into `customers` that SQLite would add checks
//! nothing the session has not already guaranteed — and it was 10.5 s of 38 s of SQLite's
//! insert work for 20M order lines (sqlite3, the same rows with and without the pragma). `FAIL`
//! instead of `ABORT` for the constraints that are not keys (`NOT NULL`, `CHECK`) still fails
//! the call, and a failed call fails the session, whose transaction is then rolled back.
//!
//! Row order: a fact table that is empty when the session first writes to it (the first load
//! of a store) gets its indexes only at commit: the session drops them and `CREATE INDEX`
//! rebuilds them from the table, sorting their keys in one pass. Fed row by row, an index in
//! (customer, day) or order-id order is an append when the export is grouped by customer but a
//! random B-tree insert when it is sorted by date or shuffled, which cost 2.4–4× the customer
//! order's import time at 100k customers (`benchmarks/workspace/NOTES.md`, issue 19). Nothing
//! else changes: within one session every row's key is new by construction (its `line` counts
//! the earlier rows with the same key fingerprint, and key-equal rows have equal
//! fingerprints), so the conflict clauses cannot fire in an empty table and are left out; a
//! duplicate key there would make `CREATE UNIQUE INDEX` fail the commit, not store it. A table
//! that already holds rows keeps its indexes (rebuilding them would cost every earlier row).
//! `costs` has no index apart from its primary key (`WITHOUT ROWID`), so it is not deferred.
//!
//! Each call first validates its rows and resolves their customer keys (creating stubs), then
//! writes batch after batch; while sqlx's worker thread executes batch `i`, this thread
//! computes the occurrence indexes and binds the parameters of batch `i + 1`
//! (`batch::run_batches`), so the two cores overlap. A failure in any batch leaves earlier batches
//! written inside the transaction: its rollback is what guarantees that nothing of the call is
//! stored (the integration tests exercise exactly that).

use std::collections::HashMap;
use std::sync::Arc;

use custval_model::{
    ContractRecord, CostRecord, CustomerRecord, InteractionRecord, PaymentRecord, SurveyRecord,
    TxRecord,
};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Row, Sqlite, SqlitePool};

use super::batch::{
    BATCH, BatchSql, LARGE_WRITE, add, arguments, begin_bulk, checkpoint, commit_bulk, run_batches,
    values_sql,
};
use super::privacy::{self, Fields, KeyState};

use crate::error::ctx;
use crate::occurrence::{Fingerprint, Occurrences, TextMap};
use crate::types::ImportCounts;
use crate::{ImportSession, StoreError};

/// A text → integer key table (customers, categories, channels), loaded once per session.
struct Interner {
    table: &'static str,
    key_col: &'static str,
    name_col: &'static str,
    map: Option<TextMap<i64>>,
}

impl Interner {
    fn new(table: &'static str, key_col: &'static str, name_col: &'static str) -> Interner {
        Interner {
            table,
            key_col,
            name_col,
            map: None,
        }
    }

    /// The whole name → key map, read in ranges of keys, each range as ONE row of three
    /// `group_concat` texts (keys, byte lengths, names run together), so that a million
    /// customers cost three texts per range instead of a million sqlx rows. Importing one row
    /// into a store of a million customers took 1.38–1.46 s, most of it this map (0.44 s for
    /// the statement, about as much again turning its rows into the map); now 0.53–0.86 s, of
    /// which the four range statements are 0.26 s. The byte lengths, not a separator, split the
    /// names, which may hold any character.
    async fn load(
        table: &str,
        key_col: &str,
        name_col: &str,
        conn: &mut SqliteConnection,
        range: i64,
    ) -> Result<TextMap<i64>, StoreError> {
        let doing = || format!("importing: reading {table}");
        let sql = format!(
            "SELECT count(*), max(k), group_concat(k), group_concat(n), group_concat(name, '') \
             FROM (SELECT {key_col} AS k, length(CAST({name_col} AS BLOB)) AS n, {name_col} AS name \
                   FROM {table} WHERE {key_col} > ? ORDER BY {key_col} LIMIT {range})"
        );
        let mut map = TextMap::default();
        let mut after = i64::MIN;
        loop {
            let row = sqlx::query(&sql)
                .bind(after)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| StoreError::sql(doing(), e))?;
            let n: i64 = row.try_get(0).map_err(|e| StoreError::sql(doing(), e))?;
            if n == 0 {
                return Ok(map);
            }
            after = row.try_get(1).map_err(|e| StoreError::sql(doing(), e))?;
            let keys: &str = row.try_get(2).map_err(|e| StoreError::sql(doing(), e))?;
            let lens: &str = row.try_get(3).map_err(|e| StoreError::sql(doing(), e))?;
            let names: &[u8] = row.try_get(4).map_err(|e| StoreError::sql(doing(), e))?;
            let bad = || {
                StoreError::sql(
                    doing(),
                    sqlx::Error::Protocol("a malformed key list".into()),
                )
            };
            map.reserve(usize::try_from(n).unwrap_or(0));
            let mut at = 0usize;
            for (k, len) in keys.split(',').zip(lens.split(',')) {
                let key: i64 = k.parse().map_err(|_| bad())?;
                let len: usize = len.parse().map_err(|_| bad())?;
                let name = names.get(at..at + len).ok_or_else(bad)?;
                at += len;
                let name = std::str::from_utf8(name).map_err(|_| bad())?;
                map.insert(name.to_string(), key);
            }
            if at != names.len() || n < range {
                return if at == names.len() {
                    Ok(map)
                } else {
                    Err(bad())
                };
            }
        }
    }

    /// Keys for `names`, inserting the unknown ones (stub rows).
    async fn resolve(
        &mut self,
        conn: &mut SqliteConnection,
        names: &[Option<&str>],
    ) -> Result<Vec<Option<i64>>, StoreError> {
        let doing = format!("importing: looking up {}", self.table);
        if self.map.is_none() {
            self.map =
                Some(Self::load(self.table, self.key_col, self.name_col, conn, MAP_RANGE).await?);
        }
        let map = self.map.get_or_insert_with(TextMap::default);
        let mut out = Vec::with_capacity(names.len());
        let mut missing: Vec<&str> = Vec::new();
        // Exports are usually grouped by customer: skip the hash for a repeated name.
        let mut last: Option<(&str, i64)> = None;
        for name in names {
            let Some(name) = *name else {
                out.push(None);
                continue;
            };
            match last {
                Some((l, k)) if l == name => out.push(Some(k)),
                _ => match map.get(name) {
                    Some(&k) => {
                        last = Some((name, k));
                        out.push(Some(k));
                    }
                    None => {
                        missing.push(name);
                        out.push(None);
                    }
                },
            }
        }
        if missing.is_empty() {
            return Ok(out);
        }
        missing.sort_unstable();
        missing.dedup();
        let prefix = format!(
            "INSERT OR FAIL INTO {} ({}) VALUES ",
            self.table, self.name_col
        );
        let suffix = format!(" RETURNING {}, {}", self.key_col, self.name_col);
        for chunk in missing.chunks(BATCH) {
            let sql = values_sql(&prefix, 1, chunk.len(), &suffix);
            let mut q = sqlx::query(&sql);
            for name in chunk {
                q = q.bind(*name);
            }
            let rows = q
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| StoreError::sql(doing.clone(), e))?;
            for row in rows {
                let key: i64 = row
                    .try_get(0)
                    .map_err(|e| StoreError::sql(doing.clone(), e))?;
                let name: String = row
                    .try_get(1)
                    .map_err(|e| StoreError::sql(doing.clone(), e))?;
                map.insert(name, key);
            }
        }
        for (o, name) in out.iter_mut().zip(names) {
            if o.is_none() {
                *o = name.and_then(|n| map.get(n).copied());
            }
        }
        Ok(out)
    }

    /// Records keys a customers upsert returned, when the map is already loaded.
    fn learn(&mut self, name: String, key: i64) {
        if let Some(map) = self.map.as_mut() {
            map.insert(name, key);
        }
    }
}

/// Keys per statement when an [`Interner`] reads its map.
const MAP_RANGE: i64 = 262_144;

/// An import transaction on one connection taken out of the pool (closed when the session
/// ends, see the module docs). See [`ImportSession`].
pub struct SqliteImport {
    /// Inside `BEGIN IMMEDIATE` until `commit` or `rollback`; dropping it closes the
    /// connection, which rolls an unfinished import back.
    tx: PoolConnection<Sqlite>,
    pool: SqlitePool,
    /// The key personal fields are sealed with (see `privacy`).
    privacy: Arc<KeyState>,
    /// Rows accepted so far (a large import checkpoints the WAL after its commit).
    accepted: u64,
    customers: Interner,
    categories: Interner,
    channels: Interner,
    occ_tx: Occurrences,
    occ_interactions: Occurrences,
    occ_surveys: Occurrences,
    occ_contracts: Occurrences,
    occ_payments: Occurrences,
    /// Fact tables this session has written to, and for each the `CREATE INDEX` statements
    /// of the indexes it dropped because the table was empty (rebuilt at commit; see the
    /// module docs). An empty list: the table had rows, its indexes stay.
    deferred: Vec<(&'static str, Vec<String>)>,
    /// Set by the first error: the session then refuses to go on or commit.
    failed: Option<String>,
}

/// Checks a number the store must keep finite.
fn finite(table: &'static str, row: usize, field: &str, v: f64) -> Result<(), StoreError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(StoreError::InvalidRecord {
            table,
            row,
            reason: format!("{field} is {v}, not a finite number"),
        })
    }
}

fn finite_opt(
    table: &'static str,
    row: usize,
    field: &str,
    v: Option<f64>,
) -> Result<(), StoreError> {
    v.map_or(Ok(()), |v| finite(table, row, field, v))
}

fn has_id(table: &'static str, row: usize, id: &str) -> Result<(), StoreError> {
    if id.trim().is_empty() {
        Err(StoreError::InvalidRecord {
            table,
            row,
            reason: "customer_id is empty".to_string(),
        })
    } else {
        Ok(())
    }
}

/// A label that is absent or blank is no label.
fn label(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

impl SqliteImport {
    pub(crate) async fn begin(
        pool: &SqlitePool,
        privacy: Arc<KeyState>,
    ) -> Result<SqliteImport, StoreError> {
        let tx = begin_bulk(pool, "starting an import").await?;
        Ok(SqliteImport {
            tx,
            pool: pool.clone(),
            privacy,
            accepted: 0,
            customers: Interner::new("customers", "key", "customer_id"),
            categories: Interner::new("categories", "id", "name"),
            channels: Interner::new("channels", "id", "name"),
            occ_tx: Occurrences::default(),
            occ_interactions: Occurrences::default(),
            occ_surveys: Occurrences::default(),
            occ_contracts: Occurrences::default(),
            occ_payments: Occurrences::default(),
            deferred: Vec::new(),
            failed: None,
        })
    }

    /// Whether `table` was empty when this session first wrote to it; if so its indexes are
    /// dropped now and rebuilt at commit (see the module docs). Asked once per table.
    async fn fresh(&mut self, table: &'static str) -> Result<bool, StoreError> {
        if let Some((_, indexes)) = self.deferred.iter().find(|(t, _)| *t == table) {
            return Ok(!indexes.is_empty());
        }
        let doing = || format!("importing {table}: deferring its indexes");
        let empty: bool = sqlx::query_scalar(&format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| StoreError::sql(doing(), e))?;
        let mut indexes = Vec::new();
        if empty {
            // `sql IS NULL`: an index SQLite made for a constraint, which cannot be dropped.
            let found: Vec<(String, String)> = sqlx::query_as(
                "SELECT name, sql FROM sqlite_master \
                 WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
            )
            .bind(table)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(|e| StoreError::sql(doing(), e))?;
            for (name, sql) in found {
                sqlx::query(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))
                    .execute(&mut *self.tx)
                    .await
                    .map_err(|e| StoreError::sql(doing(), e))?;
                indexes.push(sql);
            }
        }
        let fresh = !indexes.is_empty();
        self.deferred.push((table, indexes));
        Ok(fresh)
    }

    /// Rebuilds the indexes [`Self::fresh`] dropped, inside the import's transaction.
    async fn build_deferred(&mut self) -> Result<(), StoreError> {
        for (table, indexes) in std::mem::take(&mut self.deferred) {
            let started = std::time::Instant::now();
            for sql in &indexes {
                sqlx::query(sql).execute(&mut *self.tx).await.map_err(|e| {
                    StoreError::sql(format!("importing {table}: building {sql}"), e)
                })?;
            }
            if !indexes.is_empty() {
                tracing::debug!(
                    table,
                    indexes = indexes.len(),
                    seconds = started.elapsed().as_secs_f64(),
                    "deferred indexes built"
                );
            }
        }
        Ok(())
    }

    /// Refuses to go on after a failure.
    fn check(&self) -> Result<(), StoreError> {
        match &self.failed {
            Some(why) => Err(StoreError::ImportAborted(why.clone())),
            None => Ok(()),
        }
    }

    /// Poisons the session when a call failed.
    fn record(&mut self, r: Result<ImportCounts, StoreError>) -> Result<ImportCounts, StoreError> {
        match &r {
            Ok(c) => self.accepted += c.accepted,
            Err(e) => self.failed = Some(e.to_string()),
        }
        r
    }

    /// Customer keys of `ids` in order, creating stubs for unknown ids (all validated
    /// non-empty by the caller).
    async fn customer_keys(&mut self, ids: &[&str]) -> Result<Vec<i64>, StoreError> {
        let names: Vec<Option<&str>> = ids.iter().map(|s| Some(*s)).collect();
        let keys = self.customers.resolve(&mut self.tx, &names).await?;
        Ok(keys.into_iter().map(|k| k.unwrap_or(0)).collect())
    }

    async fn tx_rows(&mut self, rows: &[TxRecord]) -> Result<ImportCounts, StoreError> {
        const DOING: &str = "importing transactions";
        const COLS: usize = 10;
        const PREFIX: &str = "INSERT OR FAIL INTO transactions \
             (cust, day, amount, cost, category, quantity, channel, order_id, refund, line) VALUES ";
        for (i, r) in rows.iter().enumerate() {
            has_id("transactions", i, &r.customer_id)?;
            finite("transactions", i, "amount", r.amount)?;
            finite_opt("transactions", i, "cost", r.cost)?;
            finite_opt("transactions", i, "quantity", r.quantity)?;
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.customer_id.as_str()).collect();
        let custs = self.customer_keys(&ids).await?;
        let cats: Vec<Option<&str>> = rows.iter().map(|r| label(&r.category)).collect();
        let cats = self.categories.resolve(&mut self.tx, &cats).await?;
        let chans: Vec<Option<&str>> = rows.iter().map(|r| label(&r.channel)).collect();
        let chans = self.channels.resolve(&mut self.tx, &chans).await?;
        // An empty table's rows need no conflict clause (see the module docs).
        let fresh = self.fresh("transactions").await?;
        let sql = BatchSql::new(
            PREFIX,
            COLS,
            if fresh { "" } else { " ON CONFLICT DO NOTHING" },
            rows.len(),
        );
        let occ = &mut self.occ_tx;
        let build = |b: usize| {
            let start = b * BATCH;
            let chunk = &rows[start..rows.len().min(start + BATCH)];
            let mut args = arguments(chunk.len(), COLS);
            for (i, r) in chunk.iter().enumerate() {
                let refund = r.amount < 0.0;
                let order = label(&r.order_id);
                let fp = match order {
                    Some(order) => Fingerprint::new(1).add_str(order).add_bool(refund),
                    None => Fingerprint::new(2)
                        .add_str(&r.customer_id)
                        .add_i32(r.date)
                        .add_f64(r.amount)
                        .add_opt_str(label(&r.category)),
                };
                let line = occ.next(fp.finish());
                add!(
                    args,
                    DOING,
                    custs[start + i],
                    r.date,
                    r.amount,
                    r.cost,
                    cats[start + i],
                    r.quantity,
                    chans[start + i],
                    order,
                    refund,
                    i64::from(line),
                );
            }
            Ok(sqlx::query_with(sql.for_rows(chunk.len()), args))
        };
        let batches = rows.len().div_ceil(BATCH);
        let accepted = run_batches(&mut self.tx, batches, build, DOING).await?;
        Ok(ImportCounts {
            accepted,
            duplicates: rows.len() as u64 - accepted,
        })
    }

    /// Customers are upserted; their personal fields (phone, e-mail) are stored only sealed
    /// (`privacy`), and a forgotten customer's name and personal fields are not taken back in.
    async fn customer_rows(&mut self, rows: &[CustomerRecord]) -> Result<ImportCounts, StoreError> {
        const DOING: &str = "importing customers";
        const COLS: usize = 9;
        const PREFIX: &str = "INSERT OR FAIL INTO customers (customer_id, name, industry, region, size, \
             signup, owner, personal, wallet) VALUES ";
        // `phone`/`email` are the plaintext columns of older stores: cleared, never written.
        const SUFFIX: &str = " ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, \
             industry = excluded.industry, region = excluded.region, size = excluded.size, \
             signup = excluded.signup, owner = excluded.owner, personal = excluded.personal, \
             phone = NULL, email = NULL, wallet = excluded.wallet \
             WHERE customers.name IS NOT excluded.name OR customers.industry IS NOT excluded.industry \
             OR customers.region IS NOT excluded.region OR customers.size IS NOT excluded.size \
             OR customers.signup IS NOT excluded.signup OR customers.owner IS NOT excluded.owner \
             OR customers.personal IS NOT excluded.personal OR customers.phone IS NOT NULL \
             OR customers.email IS NOT NULL OR customers.wallet IS NOT excluded.wallet \
             RETURNING key, customer_id";
        let mut any_personal = false;
        for (i, r) in rows.iter().enumerate() {
            has_id("customers", i, &r.customer_id)?;
            finite_opt("customers", i, "wallet", r.wallet)?;
            any_personal |= !Fields::new(r.phone.as_deref(), r.email.as_deref()).is_empty();
        }
        if any_personal {
            // Refuse before writing anything: no key means no personal fields (never plaintext).
            let key = self.privacy.key()?.clone();
            privacy::bind_key(&mut self.tx, &key).await?;
        }
        let sql = BatchSql::new(PREFIX, COLS, SUFFIX, rows.len());
        let mut accepted = 0;
        // Sequential: the returned keys feed the session's customer map.
        for chunk in rows.chunks(BATCH) {
            let stored = self.stored_personal(chunk).await?;
            let mut args = arguments(chunk.len(), COLS);
            for r in chunk {
                let (forgotten, old) = stored
                    .get(r.customer_id.as_str())
                    .map_or((false, None), |(f, o)| (*f, o.as_deref()));
                let fields = Fields::new(r.phone.as_deref(), r.email.as_deref());
                let personal = if forgotten {
                    None
                } else {
                    self.sealed_value(&r.customer_id, &fields, old)?
                };
                let name = if forgotten { None } else { r.name.as_deref() };
                add!(
                    args,
                    DOING,
                    r.customer_id.as_str(),
                    name,
                    r.industry.as_deref(),
                    r.region.as_deref(),
                    r.size.as_deref(),
                    r.signup_date,
                    r.owner.as_deref(),
                    personal,
                    r.wallet,
                );
            }
            let returned = sqlx::query_with(sql.for_rows(chunk.len()), args)
                .fetch_all(&mut *self.tx)
                .await
                .map_err(ctx(DOING))?;
            accepted += returned.len() as u64;
            for row in returned {
                let key: i64 = row.try_get(0).map_err(ctx(DOING))?;
                let id: String = row.try_get(1).map_err(ctx(DOING))?;
                self.customers.learn(id, key);
            }
        }
        Ok(ImportCounts {
            accepted,
            duplicates: rows.len() as u64 - accepted,
        })
    }

    /// For the chunk's customers already stored: whether they were forgotten, and their
    /// sealed personal value.
    async fn stored_personal(
        &mut self,
        chunk: &[CustomerRecord],
    ) -> Result<HashMap<String, (bool, Option<Vec<u8>>)>, StoreError> {
        let marks = vec!["?"; chunk.len()].join(",");
        let sql = format!(
            "SELECT customer_id, forgotten_at IS NOT NULL, personal FROM customers \
             WHERE customer_id IN ({marks}) AND (forgotten_at IS NOT NULL OR personal IS NOT NULL)"
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q.bind(r.customer_id.as_str());
        }
        let rows = q
            .fetch_all(&mut *self.tx)
            .await
            .map_err(ctx("importing customers"))?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?))))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(ctx("importing customers"))
    }

    /// The sealed value to store for `fields`: the stored one when it holds the same fields (a
    /// fresh nonce would make every re-imported row look changed), else a new seal.
    fn sealed_value(
        &self,
        customer_id: &str,
        fields: &Fields,
        old: Option<&[u8]>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        if let (KeyState::Ready(key), Some(old)) = (self.privacy.as_ref(), old)
            && privacy::open(key, customer_id, old).ok().as_ref() == Some(fields)
        {
            return Ok(Some(old.to_vec()));
        }
        privacy::seal(&self.privacy, customer_id, fields)
    }

    async fn cost_rows(&mut self, rows: &[CostRecord]) -> Result<ImportCounts, StoreError> {
        const DOING: &str = "importing costs";
        const COLS: usize = 4;
        const PREFIX: &str = "INSERT OR FAIL INTO costs (cust, period, sales, service) VALUES ";
        const SUFFIX: &str = " ON CONFLICT (cust, period) DO UPDATE SET sales = excluded.sales, \
             service = excluded.service \
             WHERE costs.sales IS NOT excluded.sales OR costs.service IS NOT excluded.service";
        for (i, r) in rows.iter().enumerate() {
            has_id("costs", i, &r.customer_id)?;
            finite("costs", i, "sales_cost", r.sales_cost)?;
            finite("costs", i, "service_cost", r.service_cost)?;
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.customer_id.as_str()).collect();
        let custs = self.customer_keys(&ids).await?;
        let sql = BatchSql::new(PREFIX, COLS, SUFFIX, rows.len());
        let build = |b: usize| {
            let start = b * BATCH;
            let chunk = &rows[start..rows.len().min(start + BATCH)];
            let mut args = arguments(chunk.len(), COLS);
            for (i, r) in chunk.iter().enumerate() {
                add!(
                    args,
                    DOING,
                    custs[start + i],
                    r.period,
                    r.sales_cost,
                    r.service_cost,
                );
            }
            Ok(sqlx::query_with(sql.for_rows(chunk.len()), args))
        };
        let batches = rows.len().div_ceil(BATCH);
        let accepted = run_batches(&mut self.tx, batches, build, DOING).await?;
        Ok(ImportCounts {
            accepted,
            duplicates: rows.len() as u64 - accepted,
        })
    }

    async fn interaction_rows(
        &mut self,
        rows: &[InteractionRecord],
    ) -> Result<ImportCounts, StoreError> {
        const DOING: &str = "importing interactions";
        const COLS: usize = 4;
        const PREFIX: &str = "INSERT OR FAIL INTO interactions (cust, day, kind, line) VALUES ";
        for (i, r) in rows.iter().enumerate() {
            has_id("interactions", i, &r.customer_id)?;
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.customer_id.as_str()).collect();
        let custs = self.customer_keys(&ids).await?;
        // An empty table's rows need no conflict clause (see the module docs).
        let fresh = self.fresh("interactions").await?;
        let sql = BatchSql::new(
            PREFIX,
            COLS,
            if fresh { "" } else { " ON CONFLICT DO NOTHING" },
            rows.len(),
        );
        let occ = &mut self.occ_interactions;
        let build = |b: usize| {
            let start = b * BATCH;
            let chunk = &rows[start..rows.len().min(start + BATCH)];
            let mut args = arguments(chunk.len(), COLS);
            for (i, r) in chunk.iter().enumerate() {
                let fp = Fingerprint::new(3)
                    .add_str(&r.customer_id)
                    .add_i32(r.date)
                    .add_str(r.kind.as_str());
                let line = occ.next(fp.finish());
                add!(
                    args,
                    DOING,
                    custs[start + i],
                    r.date,
                    r.kind.as_str(),
                    i64::from(line),
                );
            }
            Ok(sqlx::query_with(sql.for_rows(chunk.len()), args))
        };
        let batches = rows.len().div_ceil(BATCH);
        let accepted = run_batches(&mut self.tx, batches, build, DOING).await?;
        Ok(ImportCounts {
            accepted,
            duplicates: rows.len() as u64 - accepted,
        })
    }

    async fn survey_rows(&mut self, rows: &[SurveyRecord]) -> Result<ImportCounts, StoreError> {
        const DOING: &str = "importing surveys";
        const COLS: usize = 5;
        const PREFIX: &str = "INSERT OR FAIL INTO surveys (cust, day, csat, nps, line) VALUES ";
        for (i, r) in rows.iter().enumerate() {
            has_id("surveys", i, &r.customer_id)?;
            finite_opt("surveys", i, "csat", r.csat)?;
            finite_opt("surveys", i, "nps", r.nps)?;
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.customer_id.as_str()).collect();
        let custs = self.customer_keys(&ids).await?;
        // An empty table's rows need no conflict clause (see the module docs).
        let fresh = self.fresh("surveys").await?;
        let sql = BatchSql::new(
            PREFIX,
            COLS,
            if fresh { "" } else { " ON CONFLICT DO NOTHING" },
            rows.len(),
        );
        let occ = &mut self.occ_surveys;
        let build = |b: usize| {
            let start = b * BATCH;
            let chunk = &rows[start..rows.len().min(start + BATCH)];
            let mut args = arguments(chunk.len(), COLS);
            for (i, r) in chunk.iter().enumerate() {
                let fp = Fingerprint::new(4)
                    .add_str(&r.customer_id)
                    .add_i32(r.date)
                    .add_opt_f64(r.csat)
                    .add_opt_f64(r.nps);
                let line = occ.next(fp.finish());
                add!(
                    args,
                    DOING,
                    custs[start + i],
                    r.date,
                    r.csat,
                    r.nps,
                    i64::from(line),
                );
            }
            Ok(sqlx::query_with(sql.for_rows(chunk.len()), args))
        };
        let batches = rows.len().div_ceil(BATCH);
        let accepted = run_batches(&mut self.tx, batches, build, DOING).await?;
        Ok(ImportCounts {
            accepted,
            duplicates: rows.len() as u64 - accepted,
        })
    }

    async fn contract_rows(&mut self, rows: &[ContractRecord]) -> Result<ImportCounts, StoreError> {
        const DOING: &str = "importing contracts";
        const COLS: usize = 5;
        const PREFIX: &str =
            "INSERT OR FAIL INTO contracts (cust, start_day, end_day, renewed, line) VALUES ";
        const SUFFIX: &str = " ON CONFLICT (cust, start_day, ifnull(end_day, ''), line) \
             DO UPDATE SET renewed = excluded.renewed \
             WHERE excluded.renewed IS NOT NULL AND contracts.renewed IS NOT excluded.renewed";
        for (i, r) in rows.iter().enumerate() {
            has_id("contracts", i, &r.customer_id)?;
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.customer_id.as_str()).collect();
        let custs = self.customer_keys(&ids).await?;
        // An empty table's rows need no conflict clause (see the module docs).
        let fresh = self.fresh("contracts").await?;
        let sql = BatchSql::new(PREFIX, COLS, if fresh { "" } else { SUFFIX }, rows.len());
        let occ = &mut self.occ_contracts;
        let build = |b: usize| {
            let start = b * BATCH;
            let chunk = &rows[start..rows.len().min(start + BATCH)];
            let mut args = arguments(chunk.len(), COLS);
            for (i, r) in chunk.iter().enumerate() {
                let fp = Fingerprint::new(5)
                    .add_str(&r.customer_id)
                    .add_i32(r.start)
                    .add_opt_i32(r.end);
                let line = occ.next(fp.finish());
                add!(
                    args,
                    DOING,
                    custs[start + i],
                    r.start,
                    r.end,
                    r.renewed,
                    i64::from(line),
                );
            }
            Ok(sqlx::query_with(sql.for_rows(chunk.len()), args))
        };
        let batches = rows.len().div_ceil(BATCH);
        let accepted = run_batches(&mut self.tx, batches, build, DOING).await?;
        Ok(ImportCounts {
            accepted,
            duplicates: rows.len() as u64 - accepted,
        })
    }

    async fn payment_rows(&mut self, rows: &[PaymentRecord]) -> Result<ImportCounts, StoreError> {
        const DOING: &str = "importing payments";
        const COLS: usize = 6;
        const PREFIX: &str =
            "INSERT OR FAIL INTO payments (cust, invoice, due, paid, amount, line) VALUES ";
        const SUFFIX: &str = " ON CONFLICT (cust, invoice, due, ifnull(amount, ''), line) \
             DO UPDATE SET paid = excluded.paid \
             WHERE excluded.paid IS NOT NULL AND payments.paid IS NOT excluded.paid";
        for (i, r) in rows.iter().enumerate() {
            has_id("payments", i, &r.customer_id)?;
            finite_opt("payments", i, "amount", r.amount)?;
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.customer_id.as_str()).collect();
        let custs = self.customer_keys(&ids).await?;
        // An empty table's rows need no conflict clause (see the module docs).
        let fresh = self.fresh("payments").await?;
        let sql = BatchSql::new(PREFIX, COLS, if fresh { "" } else { SUFFIX }, rows.len());
        let occ = &mut self.occ_payments;
        let build = |b: usize| {
            let start = b * BATCH;
            let chunk = &rows[start..rows.len().min(start + BATCH)];
            let mut args = arguments(chunk.len(), COLS);
            for (i, r) in chunk.iter().enumerate() {
                let fp = Fingerprint::new(6)
                    .add_str(&r.customer_id)
                    .add_i32(r.invoice_date)
                    .add_i32(r.due_date)
                    .add_opt_f64(r.amount);
                let line = occ.next(fp.finish());
                add!(
                    args,
                    DOING,
                    custs[start + i],
                    r.invoice_date,
                    r.due_date,
                    r.paid_date,
                    r.amount,
                    i64::from(line),
                );
            }
            Ok(sqlx::query_with(sql.for_rows(chunk.len()), args))
        };
        let batches = rows.len().div_ceil(BATCH);
        let accepted = run_batches(&mut self.tx, batches, build, DOING).await?;
        Ok(ImportCounts {
            accepted,
            duplicates: rows.len() as u64 - accepted,
        })
    }

    /// Abandons the import explicitly (dropping the session does the same).
    pub async fn rollback(mut self) -> Result<(), StoreError> {
        sqlx::query("ROLLBACK")
            .execute(&mut *self.tx)
            .await
            .map(drop)
            .map_err(ctx("rolling back an import"))
    }
}

impl ImportSession for SqliteImport {
    async fn transactions(&mut self, rows: &[TxRecord]) -> Result<ImportCounts, StoreError> {
        self.check()?;
        let r = self.tx_rows(rows).await;
        self.record(r)
    }

    async fn customers(&mut self, rows: &[CustomerRecord]) -> Result<ImportCounts, StoreError> {
        self.check()?;
        let r = self.customer_rows(rows).await;
        self.record(r)
    }

    async fn costs(&mut self, rows: &[CostRecord]) -> Result<ImportCounts, StoreError> {
        self.check()?;
        let r = self.cost_rows(rows).await;
        self.record(r)
    }

    async fn interactions(
        &mut self,
        rows: &[InteractionRecord],
    ) -> Result<ImportCounts, StoreError> {
        self.check()?;
        let r = self.interaction_rows(rows).await;
        self.record(r)
    }

    async fn surveys(&mut self, rows: &[SurveyRecord]) -> Result<ImportCounts, StoreError> {
        self.check()?;
        let r = self.survey_rows(rows).await;
        self.record(r)
    }

    async fn contracts(&mut self, rows: &[ContractRecord]) -> Result<ImportCounts, StoreError> {
        self.check()?;
        let r = self.contract_rows(rows).await;
        self.record(r)
    }

    async fn payments(&mut self, rows: &[PaymentRecord]) -> Result<ImportCounts, StoreError> {
        self.check()?;
        let r = self.payment_rows(rows).await;
        self.record(r)
    }

    async fn commit(mut self) -> Result<(), StoreError> {
        self.check()?;
        self.build_deferred().await?;
        commit_bulk(self.tx, "committing an import").await?;
        if self.accepted >= LARGE_WRITE {
            checkpoint(&self.pool).await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map read in ranges (here of 3 keys) holds every name once with its key, names with
    /// commas, newlines and multi-byte characters included.
    #[tokio::test]
    async fn interner_maps_read_in_ranges_hold_every_name() {
        use sqlx::Connection;
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        sqlx::query("CREATE TABLE channels (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
            .execute(&mut conn)
            .await
            .unwrap();
        let names = ["a", "b,c", "新\n渠道", "d", "e", "f", "g"];
        for (i, n) in names.iter().enumerate() {
            sqlx::query("INSERT INTO channels VALUES (?, ?)")
                .bind((i as i64) * 10 - 5)
                .bind(*n)
                .execute(&mut conn)
                .await
                .unwrap();
        }
        for range in [1, 3, 7, 100] {
            let map = Interner::load("channels", "id", "name", &mut conn, range)
                .await
                .unwrap();
            assert_eq!(map.len(), names.len(), "range {range}");
            for (i, n) in names.iter().enumerate() {
                assert_eq!(map[*n], (i as i64) * 10 - 5);
            }
        }
    }
}
