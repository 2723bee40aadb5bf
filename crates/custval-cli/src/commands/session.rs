//! What every store command needs: a runtime for the store's futures, opening the store with
//! its key (and closing every store opened when the command ends), today's date, the local
//! user for the audit log, and the run a command reads.
//!
//! A module of its own so that the commands depend on it and not on each other.

use anyhow::{Context, Result};
use custval_model::{Day, RunId, RunInfo};
use custval_store::{OpenOptions, SqliteStore};

use crate::Globals;

/// A single-threaded runtime for the store's futures (sqlx runs SQLite on its own thread).
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Runs a future to completion on a fresh single-threaded runtime.
pub fn block_on<F: std::future::Future>(f: F) -> Result<F::Output> {
    Ok(runtime()?.block_on(f))
}

/// Every store this process opened. [`close_opened`] closes them when the command ends.
static OPENED: std::sync::Mutex<Vec<SqliteStore>> = std::sync::Mutex::new(Vec::new());

pub async fn open(g: &Globals, create: bool) -> Result<SqliteStore> {
    let mut store = SqliteStore::open(&g.db, OpenOptions { create }).await?;
    // The key of the personal fields; `init` (create) makes one when none is found.
    crate::commands::store_key::unlock(&mut store, g, create).await?;
    if let Ok(mut opened) = OPENED.lock() {
        opened.push(store.clone());
    }
    Ok(store)
}

/// Closes every store the command opened, checkpointing the WAL into the database file, so
/// that when a command has ended, copying `custval.db` alone copies everything it wrote
/// (issue 18). Bounded in time: a connection some failed work never returned must not hang the
/// exit.
pub fn close_opened() {
    let stores = OPENED
        .lock()
        .map(|mut v| std::mem::take(&mut *v))
        .unwrap_or_default();
    if stores.is_empty() {
        return;
    }
    let _ = block_on(async {
        for s in stores {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), s.close()).await;
        }
    });
}

/// Today (UTC) as a day number (see `custval_app::today`).
pub fn today() -> Day {
    custval_app::today()
}

/// The local user, for the audit log of command-line changes.
pub fn actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .map(|u| format!("cli:{u}"))
        .unwrap_or_else(|_| "cli".to_string())
}

pub fn parse_day(s: &str) -> Result<Day, String> {
    custval_ingest::parse::parse_date(s)
        .ok_or_else(|| format!("{s:?} is not a date (expected YYYY-MM-DD)"))
}

/// The run asked for, or the latest one.
pub async fn pick_run(store: &SqliteStore, run: Option<RunId>) -> Result<RunInfo> {
    Ok(custval_app::pick_run(store, run).await?)
}
