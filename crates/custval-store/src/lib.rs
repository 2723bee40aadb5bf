//! The custval workspace store: a company's imported data, evaluation runs and their alerts,
//! provisional results, overrides, account plans, the audit log, and the users and API tokens
//! of the web app, in SQLite (through `sqlx`).
//!
//! The store's interface is a set of role traits, one per part of the application: imports
//! ([`ImportStore`]), what an evaluation reads ([`DatasetStore`]), runs and results
//! ([`RunStore`]), provisional results ([`ProvisionalStore`]), alerts ([`AlertStore`]),
//! account plans ([`PlanStore`]), customers and their personal data ([`CustomerStore`]),
//! overrides ([`OverrideStore`]), the audit log ([`AuditStore`]), users and tokens
//! ([`UserStore`]). [`Store`] is all of them together: custval-app, the CLI and the web app
//! program against `S: Store`. [`SqliteStore`] implements every role on an embedded file
//! (`./custval.db`); a PostgreSQL store would implement the same traits and pass the same
//! integration tests. Methods return `Send` futures so that axum handlers can await them.
//! What this crate is not: it computes nothing about customers (that is `custval-eval`, a
//! pure engine reading the [`Dataset`] loaded here) and it parses no files (that is
//! `custval-ingest`).
//!
//! # Opening
//! [`SqliteStore::open`] applies the embedded migrations (`migrations/*.sql`), and sets WAL
//! journaling (readers never block the writer), `synchronous=NORMAL` (durable at checkpoints,
//! never corrupt), foreign keys on, and a busy timeout of [`BUSY_TIMEOUT_SECS`] so that two
//! `custval evaluate` processes on one file wait for each other instead of failing. Writes
//! start with `BEGIN IMMEDIATE`: a deferred transaction that read first could not upgrade to a
//! write lock while another process writes, and would fail at once instead of waiting. A new
//! store gets 16 KiB pages (fewer B-tree splits and WAL frames for bulk writes). The two bulk
//! writers — an import session and a run write — take a connection out of the pool, turn
//! foreign keys off on it and use `INSERT OR FAIL`, so that SQLite keeps no statement journal;
//! `sqlite/batch.rs` says why that is safe and what it saves. The bundled SQLite is compiled
//! without memory statistics (`.cargo/config.toml`), which removes a process-wide mutex from
//! every SQLite allocation.
//!
//! # Schema
//! The current tables and indexes are in `docs/schema.sql` (generated from the migrations by
//! `tests/schema.rs`); the migrations in `migrations/*.sql` say how each came to be. In short:
//! - `customers(key INTEGER PRIMARY KEY, customer_id UNIQUE, master data…)`. Every fact table
//!   (`transactions`, `costs`, `interactions`, `surveys`, `contracts`, `payments`, `overrides`)
//!   references the dense integer `key`, not the text id: at 20M order lines an integer is a
//!   few bytes instead of a repeated string, joins and the `(cust, day)` index stay small, and
//!   the loader remaps keys to the [`Dataset`]'s dense `0..n` with an array instead of a hash
//!   map. Dates are `INTEGER` days since 1970-01-01 (the model's [`Day`]), amounts `REAL`,
//!   categories and channels interned in their own tables (their ids carry no foreign-key
//!   clause: only the store writes them, and two lookups per order line cost 8% of an import).
//! - `runs` and `results`: a run is one row plus one `results` row per customer, written in
//!   one transaction and never modified, so a failed evaluation leaves earlier runs as they
//!   were and a run is visible only when complete. `results` holds the columns lists filter
//!   and sort on, each with a `(run_id, column, score)` index so that a page of 50 out of a
//!   million rows reads about 50 index entries, and `run_counts` the number of results per
//!   value of each filter column, so that a list's total is a lookup rather than a count of a
//!   million entries. The engine's explanation (`detail`) is opaque JSON in `result_details`:
//!   the store never looks inside it, so an explanation can gain a field without a migration,
//!   and keeping it out of `results` keeps scans narrow. A run of 2,000 customers or more
//!   stores each detail as a zstd frame compressed with a dictionary trained on the run's own
//!   details (`runs.detail_dict`, schema v6; about a sixth of the JSON), and readers get the
//!   JSON back either way (`detail_codec.rs`). Results keep the customer's text id (a snapshot
//!   that outlives later changes to `customers`).
//! - `overrides`, `audit_log`, `users`, `tokens` (only a token's SHA-256 is stored; passwords
//!   are argon2id PHC strings). Since schema v8 tokens expire and can be revoked, and the
//!   audit log records each entry's source and refuses updates and deletes (triggers).
//! - Personal fields (phone, e-mail) only sealed, in `customers.personal` (schema v9, module
//!   [`crypto`]): [`SqliteStore::unlock`] gives the store its key, which the file never holds;
//!   [`CustomerStore::personal`] reads them, [`CustomerStore::forget_customer`] erases them.
//!
//! # Import keys: why duplicates never double-count
//! Re-importing a file (or an overlapping export) must store nothing twice, yet two identical
//! rows in one file can be two real order lines. Each stored row therefore carries a key and
//! its *occurrence index* (`line`): the n-th row with the same key within one import call (or
//! one [`ImportSession`]) gets `line = n`. Re-importing the same rows yields the same keys and
//! indexes, which are already stored, so every row counts as a duplicate:
//! - transactions with an order id: `(order_id, refund, line)` where `refund` is the sign of
//!   the amount, so order lines sharing an order id are lines 0, 1, … and a refund row with the
//!   order's id is a separate line;
//! - transactions without an order id: `(customer, day, amount, category, line)`;
//! - customers: `customer_id`, upserted (changed fields overwrite, identical rows are
//!   duplicates); costs: `(customer, period)`, upserted;
//! - interactions and surveys: all fields plus `line`; contracts and payments: all fields but
//!   the outcome learnt later (`renewed`, `paid_date`) plus `line`, and that outcome is updated
//!   when a later export knows it (otherwise an invoice exported unpaid and later paid would be
//!   stored twice).
//!
//! Occurrences are counted on 64-bit fingerprints of the keys (a hash set of `u64`: 9 to 18
//! bytes per distinct key while an import session runs, 300 MB at 20M lines). Two different
//! keys sharing a fingerprint — odds about n²/2⁶⁵, 1 in 90 000 for a 20M-line import — only
//! shift the second one's `line` by one; a re-import of the same file shifts it identically
//! and still stores nothing twice.
//!
//! Rows of fact tables for a customer id not yet in `customers` create a stub customer (id
//! only), so that the order of imports does not matter; a later customers import fills it in.
//!
//! # Loading without leakage
//! [`DatasetStore::load_dataset`] returns what was known on `as_of` and nothing later, so that a
//! backtest at a past date sees what an evaluation on that day would have seen: transactions,
//! interactions and surveys dated `<= as_of`; costs of periods starting `<= as_of`; contracts
//! started `<= as_of`, with `renewed` unknown while the term ends after `as_of`; invoices dated
//! `<= as_of`, unpaid if paid after `as_of`; customers who signed up by `as_of` (or whose
//! signup is unknown) or bought by then, with a signup date after `as_of` hidden. Master data
//! (name, industry, owner) is not historised: the current values are returned. All of it is
//! read from one snapshot, consistent even while an import commits (on two connections whose
//! snapshots are taken under a momentary write lock). How the load reaches 20M lines in
//! seconds through sqlx is explained in `sqlite/load.rs`.

/// Every role trait and [`Store`], for code that calls store methods on a concrete store:
/// `use custval_store::prelude::*;`.
pub mod prelude {
    pub use crate::{
        AlertStore, AuditStore, CustomerStore, DatasetStore, ImportSession, ImportStore,
        OverrideStore, PlanStore, ProvisionalStore, RunStore, Store, UserStore,
    };
}

/// The fewest characters a password may have, for every way of setting one.
pub const MIN_PASSWORD_CHARS: usize = 8;

mod access;
pub mod crypto;
mod detail_codec;
mod error;
mod occurrence;
mod provisional;
mod sqlite;
mod types;

use std::future::Future;

pub use access::{
    Account, AuditQuery, NewToken, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenCheck, TokenInfo,
    TokenStatus, parse_token_lifetime, set_default_audit_source, with_audit_source,
};
pub use custval_model::{
    ContractRecord, CostRecord, CustomerRecord, CustomerResult, Dataset, Day, InteractionKind,
    InteractionRecord, PaymentRecord, RunId, RunInfo, SurveyRecord, TxRecord,
};
pub use error::{BUSY_TIMEOUT_SECS, StoreError};
pub use provisional::{ProvisionalAlert, ProvisionalResult};
pub use sqlite::{Forgotten, KeyReport, Personal, SqliteImport, SqliteStore};
pub use types::{
    AlertQuery, AuditEntry, ImportCounts, MonthSpend, NewAlert, OpenOptions, Override, PlanFacts,
    ResultPage, ResultQuery, ResultSort, Role, StoredAlert, StoredPlan, TableCounts, TierPoint,
    User,
};

/// One import transaction, possibly fed in several chunks (a 20M-line file need not be in
/// memory at once). Nothing is visible to others until [`ImportSession::commit`]; dropping the
/// session rolls everything back, and after any error the session refuses to commit.
/// Occurrence indexes (see the crate docs) run across all chunks of a table.
pub trait ImportSession: Send {
    fn transactions(
        &mut self,
        rows: &[TxRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send;
    fn customers(
        &mut self,
        rows: &[CustomerRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send;
    fn costs(
        &mut self,
        rows: &[CostRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send;
    fn interactions(
        &mut self,
        rows: &[InteractionRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send;
    fn surveys(
        &mut self,
        rows: &[SurveyRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send;
    fn contracts(
        &mut self,
        rows: &[ContractRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send;
    fn payments(
        &mut self,
        rows: &[PaymentRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send;
    /// Makes every accepted row visible at once.
    fn commit(self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Rows of one table that an import takes: the one path from a slice of records to the
/// [`ImportSession`] method for their table, so that [`ImportStore::import_rows`] serves every
/// table.
pub trait ImportRows: Sized + Sync {
    /// Feeds `rows` to `session`'s method for this table.
    fn feed<S: ImportSession>(
        session: &mut S,
        rows: &[Self],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send;
}

macro_rules! import_rows {
    ($($record:ty => $table:ident),* $(,)?) => {$(
        impl ImportRows for $record {
            fn feed<S: ImportSession>(
                session: &mut S,
                rows: &[Self],
            ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send {
                session.$table(rows)
            }
        }
    )*};
}

import_rows!(
    TxRecord => transactions,
    CustomerRecord => customers,
    CostRecord => costs,
    InteractionRecord => interactions,
    SurveyRecord => surveys,
    ContractRecord => contracts,
    PaymentRecord => payments,
);

// The store's roles. Each is what one part of the application needs; a store (SQLite now,
// PostgreSQL later) implements all of them, and [`Store`] names the whole. Every method is one
// database transaction unless it says otherwise.

/// Writing imported rows: an import session, or one table in one call.
pub trait ImportStore: Send + Sync {
    type Import: ImportSession;

    /// Starts an import transaction (waits for another writer up to the busy timeout).
    fn begin_import(&self) -> impl Future<Output = Result<Self::Import, StoreError>> + Send;

    /// Imports rows of one table in one transaction: all accepted rows are stored, or none
    /// (customers and costs are upserted by their keys, see the crate docs).
    fn import_rows<R: ImportRows>(
        &self,
        rows: &[R],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send {
        async move {
            let mut s = self.begin_import().await?;
            let counts = R::feed(&mut s, rows).await?;
            s.commit().await?;
            Ok(counts)
        }
    }

    /// Imports order lines in one transaction ([`Self::import_rows`]).
    fn import_transactions(
        &self,
        rows: &[TxRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send {
        self.import_rows(rows)
    }

    /// Imports customers (upserted by id) in one transaction ([`Self::import_rows`]).
    fn import_customers(
        &self,
        rows: &[CustomerRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send {
        self.import_rows(rows)
    }

    /// Imports costs (upserted by customer and period) in one transaction ([`Self::import_rows`]).
    fn import_costs(
        &self,
        rows: &[CostRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send {
        self.import_rows(rows)
    }

    /// Imports interactions in one transaction ([`Self::import_rows`]).
    fn import_interactions(
        &self,
        rows: &[InteractionRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send {
        self.import_rows(rows)
    }

    /// Imports survey answers in one transaction ([`Self::import_rows`]).
    fn import_surveys(
        &self,
        rows: &[SurveyRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send {
        self.import_rows(rows)
    }

    /// Imports contract terms in one transaction ([`Self::import_rows`]).
    fn import_contracts(
        &self,
        rows: &[ContractRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send {
        self.import_rows(rows)
    }

    /// Imports invoices and payments in one transaction ([`Self::import_rows`]).
    fn import_payments(
        &self,
        rows: &[PaymentRecord],
    ) -> impl Future<Output = Result<ImportCounts, StoreError>> + Send {
        self.import_rows(rows)
    }
}

/// What an evaluation reads: the data known on a date, and marks of the order lines stored so far.
pub trait DatasetStore: Send + Sync {
    /// Everything known on `as_of` and nothing later (see the crate docs), customers keyed
    /// `0..n`, tables sorted as [`Dataset::sort`] says.
    fn load_dataset(&self, as_of: Day) -> impl Future<Output = Result<Dataset, StoreError>> + Send;

    /// [`Self::load_dataset`] restricted to some customers (unknown ids are skipped).
    fn load_dataset_for(
        &self,
        customer_ids: &[String],
        as_of: Day,
    ) -> impl Future<Output = Result<Dataset, StoreError>> + Send;

    /// A mark of the order lines stored so far (the newest line's sequence number, 0 when
    /// none): an evaluation takes it before loading its data, so that it can find the order
    /// lines imported while it ran ([`Self::ordering_since`]).
    fn order_mark(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// The customers with order lines stored after `mark` ([`Self::order_mark`]), by id, and
    /// the latest order day among those lines.
    fn ordering_since(
        &self,
        mark: i64,
    ) -> impl Future<Output = Result<(Vec<String>, Option<Day>), StoreError>> + Send;

    /// The day of the earliest order line, `None` when there is none (what `evaluate --as-of`
    /// an earlier date names in its error).
    fn first_order_day(&self) -> impl Future<Output = Result<Option<Day>, StoreError>> + Send;
}

/// Evaluation runs and their results: written once, whole, then only read (or deleted by an
/// admin).
pub trait RunStore: Send + Sync {
    /// Stores a complete run and the alerts it raised in one transaction and returns its id.
    /// `meta` must be JSON.
    fn create_run(
        &self,
        as_of: Day,
        config: &str,
        meta: &str,
        seconds: f64,
        results: &[CustomerResult],
        alerts: &[NewAlert],
    ) -> impl Future<Output = Result<RunId, StoreError>> + Send;

    /// [`Self::create_run`] with the detail of `results[i]` built by `detail(i)` while the run
    /// is written, batch by batch, instead of read from `results[i].detail`: the details of
    /// a large run (about 2 KB each) are then never all in memory at once. The alerts are
    /// taken by value and written first, then freed before the results and details (a run
    /// may raise hundreds of thousands).
    #[allow(clippy::too_many_arguments)]
    fn create_run_with_details(
        &self,
        as_of: Day,
        config: &str,
        meta: &str,
        seconds: f64,
        results: &[CustomerResult],
        detail: &(dyn Fn(usize) -> String + Sync),
        alerts: Vec<NewAlert>,
    ) -> impl Future<Output = Result<RunId, StoreError>> + Send;

    /// The run before a date: the latest as-of date strictly before `as_of` (the newest run
    /// of that date). What hysteresis and alerts compare a new run with.
    fn previous_run(
        &self,
        as_of: Day,
    ) -> impl Future<Output = Result<Option<RunInfo>, StoreError>> + Send;

    /// Every result of a run without its detail, by customer id (a narrow scan: comparing two
    /// runs of a million customers reads these).
    fn snapshot(
        &self,
        run: RunId,
    ) -> impl Future<Output = Result<Vec<CustomerResult>, StoreError>> + Send;

    /// [`Self::snapshot`] handed to `each` one result at a time, so that a caller keeping a
    /// few fields of a million results never holds the million whole.
    fn snapshot_each<F: FnMut(CustomerResult) + Send>(
        &self,
        run: RunId,
        each: F,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Results of some customers in a run, without their detail, by customer id (unknown ids
    /// are skipped): what a provisional update compares with.
    fn snapshot_of(
        &self,
        run: RunId,
        customer_ids: &[String],
    ) -> impl Future<Output = Result<Vec<CustomerResult>, StoreError>> + Send;

    /// Every run, latest first: by as-of date descending, ties by the latest created.
    fn runs(&self) -> impl Future<Output = Result<Vec<RunInfo>, StoreError>> + Send;

    /// One run, or [`StoreError::RunNotFound`].
    fn run(&self, id: RunId) -> impl Future<Output = Result<RunInfo, StoreError>> + Send;

    /// The latest run, if any: the latest as-of date, ties by the latest created (a backfill
    /// of older dates does not become the latest run).
    fn latest_run(&self) -> impl Future<Output = Result<Option<RunInfo>, StoreError>> + Send;

    /// Deletes a run and its results (an admin action; the caller audits it).
    fn delete_run(&self, id: RunId) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A filtered, sorted page of a run's results and the number matching.
    fn results(
        &self,
        run: RunId,
        query: &ResultQuery,
    ) -> impl Future<Output = Result<ResultPage, StoreError>> + Send;

    /// One customer's result in a run.
    fn result(
        &self,
        run: RunId,
        customer_id: &str,
    ) -> impl Future<Output = Result<Option<CustomerResult>, StoreError>> + Send;

    /// A customer's tier in every run that scored them, oldest first.
    fn tier_history(
        &self,
        customer_id: &str,
    ) -> impl Future<Output = Result<Vec<TierPoint>, StoreError>> + Send;
}

/// Provisional results: customers rescored after an import with the latest run's frozen
/// parameters, kept beside that run.
pub trait ProvisionalStore: Send + Sync {
    /// Replaces these customers' provisional results (scored with run `run`'s parameters as of
    /// `as_of`) and their provisional alerts, in one transaction; provisional rows based on any
    /// other run are dropped. Writes nothing and returns false when `run` is no longer the
    /// latest run (a run stored meanwhile: rescore against it).
    fn save_provisional(
        &self,
        run: RunId,
        as_of: Day,
        results: &[CustomerResult],
        alerts: &[NewAlert],
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The provisional results based on run `run` of these customers, by customer id.
    fn provisional(
        &self,
        run: RunId,
        customer_ids: &[String],
    ) -> impl Future<Output = Result<Vec<ProvisionalResult>, StoreError>> + Send;

    /// Every provisional result based on run `run`, by customer id (the list service overlays
    /// them on the run's rows; there are as many as customers touched by imports since).
    fn provisional_all(
        &self,
        run: RunId,
    ) -> impl Future<Output = Result<Vec<ProvisionalResult>, StoreError>> + Send;

    /// How many customers have a provisional result based on run `run`.
    fn provisional_count(&self, run: RunId)
    -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Provisional alerts based on run `run`, of one customer or all, newest first.
    fn provisional_alerts(
        &self,
        run: RunId,
        customer_id: Option<&str>,
    ) -> impl Future<Output = Result<Vec<ProvisionalAlert>, StoreError>> + Send;
}

/// The alerts a run raised and what users do with them.
pub trait AlertStore: Send + Sync {
    /// Alerts matching a query, most severe first.
    fn alerts(
        &self,
        query: &AlertQuery,
    ) -> impl Future<Output = Result<Vec<StoredAlert>, StoreError>> + Send;

    /// The (customer id, rule) of every alert of a run: what deciding whether an alert is new
    /// needs, without the bodies (a run may hold hundreds of thousands).
    fn alert_keys(
        &self,
        run: RunId,
    ) -> impl Future<Output = Result<Vec<(String, String)>, StoreError>> + Send;

    /// One alert.
    fn alert(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<StoredAlert>, StoreError>> + Send;

    /// Acknowledges an alert (audited); false when there is no such alert.
    fn acknowledge_alert(
        &self,
        id: i64,
        actor: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Assigns an alert to a user name, or unassigns with `None` (audited); false when there is
    /// no such alert.
    fn assign_alert(
        &self,
        id: i64,
        assignee: Option<&str>,
        actor: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Number of `open` alerts of a run (of one owner's customers, when given).
    fn open_alert_count(
        &self,
        run: RunId,
        owner: Option<&str>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Number of alerts a run raised, whatever their status now (of one owner's customers,
    /// when given): fixed once the run is written, so callers may keep it (the dashboard's
    /// alerts-per-run trend). One index range, counted.
    fn alert_count(
        &self,
        run: RunId,
        owner: Option<&str>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Records that a webhook accepted these alerts.
    fn mark_alerts_delivered(
        &self,
        ids: &[i64],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Account plans of key customers.
pub trait PlanStore: Send + Sync {
    /// A customer's account plan, if one was saved.
    fn account_plan(
        &self,
        customer_id: &str,
    ) -> impl Future<Output = Result<Option<StoredPlan>, StoreError>> + Send;

    /// Saves (replaces) a customer's account plan and audits it; the customer must exist.
    fn save_account_plan(
        &self,
        customer_id: &str,
        plan: &serde_json::Value,
        actor: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The saved plan's next review and the open alerts of `run` for each of `customer_ids`
    /// (in the order given; at most a list page at a time).
    fn plan_facts(
        &self,
        run: RunId,
        customer_ids: &[String],
    ) -> impl Future<Output = Result<Vec<PlanFacts>, StoreError>> + Send;

    /// The customers of `run` in one of `tiers` (and of `owner`, when given) whose saved plan
    /// has a next review date, by that date (earliest first), then id: `(customer id, date)`.
    fn plan_reviews(
        &self,
        run: RunId,
        tiers: &[String],
        owner: Option<&str>,
    ) -> impl Future<Output = Result<Vec<(String, String)>, StoreError>> + Send;
}

/// Customers as stored: master data, personal data (sealed), order history, row counts.
pub trait CustomerStore: Send + Sync {
    /// A customer's master data (contact details included: callers mask them by role).
    fn customer(
        &self,
        customer_id: &str,
    ) -> impl Future<Output = Result<Option<CustomerRecord>, StoreError>> + Send;

    /// Number of customers, stubs included.
    fn customer_count(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// A customer's latest `limit` order lines, newest first (a purchase timeline).
    fn transactions_of(
        &self,
        customer_id: &str,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<TxRecord>, StoreError>> + Send;

    /// A customer's net spend per calendar month over the days `from..=to`, oldest month first;
    /// months without order lines are left out. Reads the customer's `(cust, day)` index range
    /// only, so it costs the same on a store of any size.
    fn monthly_spend(
        &self,
        customer_id: &str,
        from: Day,
        to: Day,
    ) -> impl Future<Output = Result<Vec<MonthSpend>, StoreError>> + Send;

    /// Row counts of every table.
    fn table_counts(&self) -> impl Future<Output = Result<TableCounts, StoreError>> + Send;

    /// A customer's personal fields (phone, e-mail), decrypted, or why they are not available
    /// (no key, wrong key, forgotten); `None` for an unknown customer. Callers mask by role.
    fn personal(
        &self,
        customer_id: &str,
    ) -> impl Future<Output = Result<Option<Personal>, StoreError>> + Send;

    /// Erases a customer's personal data — name, phone, e-mail, the name in every run's
    /// results and alerts, the account plan — keeping orders, runs and scores, and audits it
    /// (`forget_customer`, with the reason) in the same transaction. A customer already
    /// forgotten is no error (the request is audited again); an unknown id is
    /// [`StoreError::UnknownCustomer`]. Needs no key: sealed values are simply deleted.
    fn forget_customer(
        &self,
        customer_id: &str,
        reason: &str,
        actor: &str,
    ) -> impl Future<Output = Result<Forgotten, StoreError>> + Send;
}

/// Manual tier overrides, audited with the change.
pub trait OverrideStore: Send + Sync {
    /// Overrides a customer's tier (until the end of day `until`, or until cleared), replacing
    /// any earlier override, and audits it in the same transaction.
    fn set_override(
        &self,
        customer_id: &str,
        tier: &str,
        reason: &str,
        author: &str,
        until: Option<Day>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Clears a customer's override and audits it; false when none was set.
    fn clear_override(
        &self,
        customer_id: &str,
        author: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The override in force on `today`, if any.
    fn active_override(
        &self,
        customer_id: &str,
        today: Day,
    ) -> impl Future<Output = Result<Option<Override>, StoreError>> + Send;

    /// Every override in force on `today`, by customer id.
    fn active_overrides(
        &self,
        today: Day,
    ) -> impl Future<Output = Result<Vec<Override>, StoreError>> + Send;
}

/// The append-only audit log.
pub trait AuditStore: Send + Sync {
    /// Appends to the audit log.
    fn audit(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &serde_json::Value,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The latest `limit` audit entries, newest first.
    fn audit_log(
        &self,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;

    /// Audit entries matching `query`, newest first.
    fn audit_query(
        &self,
        query: &AuditQuery,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;
}

/// Users of the web app and the API, their passwords and API tokens.
pub trait UserStore: Send + Sync {
    /// Adds a user; without a password the user can only use API tokens.
    fn add_user(
        &self,
        name: &str,
        role: Role,
        owner_id: Option<&str>,
        password: Option<&str>,
    ) -> impl Future<Output = Result<User, StoreError>> + Send;

    /// The user, when the password is theirs; `None` for a wrong password, an unknown user or
    /// a token-only user (all three take the same time).
    fn verify_password(
        &self,
        name: &str,
        password: &str,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    fn user(&self, name: &str) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    /// Every user, by name.
    fn users(&self) -> impl Future<Output = Result<Vec<User>, StoreError>> + Send;

    /// Changes a user's role and owner id, audited as `actor`; [`StoreError::UnknownUser`]
    /// when there is no such user.
    fn update_user(
        &self,
        name: &str,
        role: Role,
        owner_id: Option<&str>,
        actor: &str,
    ) -> impl Future<Output = Result<User, StoreError>> + Send;

    /// Deletes a user and their API tokens, audited as `actor`; [`StoreError::UnknownUser`]
    /// when there is no such user.
    fn delete_user(
        &self,
        name: &str,
        actor: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Sets a user's password (at least [`MIN_PASSWORD_CHARS`] characters), audited as `actor`;
    /// [`StoreError::UnknownUser`] when there is no such user. Web sessions opened before
    /// end (the web app compares [`Account::password_changed_at`] with the session's start).
    fn set_password(
        &self,
        name: &str,
        password: &str,
        actor: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The user and when their password last changed: what a web session is checked against
    /// on each request.
    fn account(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<Account>, StoreError>> + Send;

    /// A new API token for the user (shown once: only its SHA-256 is stored).
    fn create_token(&self, name: &str) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// The user a token belongs to, when the token is valid now (not expired, not revoked).
    fn user_for_token(
        &self,
        token: &str,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    /// A new API token for the user, valid for `days` days (at most [`TOKEN_MAX_DAYS`]),
    /// audited as `actor` in the same transaction. The token is shown once: only its SHA-256
    /// is stored.
    fn create_token_for(
        &self,
        name: &str,
        days: u32,
        actor: &str,
    ) -> impl Future<Output = Result<NewToken, StoreError>> + Send;

    /// Every token (of one user, when given), newest first, with its status now.
    fn tokens(
        &self,
        user: Option<&str>,
    ) -> impl Future<Output = Result<Vec<TokenInfo>, StoreError>> + Send;

    /// Revokes a token, audited as `actor`; false when it was already revoked,
    /// [`StoreError::UnknownToken`] when there is no such token.
    fn revoke_token(
        &self,
        id: i64,
        actor: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// What a presented token is worth now; a valid token's last use is recorded (at most
    /// once a minute, so that reads stay reads).
    fn check_token(
        &self,
        token: &str,
    ) -> impl Future<Output = Result<TokenCheck, StoreError>> + Send;
}

/// The whole workspace store: every role. Generic code takes `S: Store`; code holding a
/// concrete store calls role methods with the role traits in scope.
pub trait Store:
    ImportStore
    + DatasetStore
    + RunStore
    + ProvisionalStore
    + AlertStore
    + PlanStore
    + CustomerStore
    + OverrideStore
    + AuditStore
    + UserStore
{
}

impl<T> Store for T where
    T: ImportStore
        + DatasetStore
        + RunStore
        + ProvisionalStore
        + AlertStore
        + PlanStore
        + CustomerStore
        + OverrideStore
        + AuditStore
        + UserStore
{
}
