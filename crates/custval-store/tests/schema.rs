//! `docs/schema.sql` is the store's current schema: every table, index and trigger as SQLite
//! reports it after all migrations, so that a reader need not replay `migrations/*.sql`. This
//! test rebuilds it from a fresh store and fails when the file differs; with `CUSTVAL_BLESS=1`
//! it writes the file instead:
//!
//! ```text
//! CUSTVAL_BLESS=1 cargo test -p custval-store --test schema
//! ```

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use std::path::PathBuf;

use custval_store::{OpenOptions, SqliteStore};

const BLESS: &str = "CUSTVAL_BLESS=1 cargo test -p custval-store --test schema";

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema.sql")
}

/// The schema of a fresh store: tables, then indexes, triggers and views, each by name.
/// sqlx's own bookkeeping table and SQLite's internal objects are left out.
async fn current_schema() -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("custval.db");
    let store = SqliteStore::open(path.to_str().unwrap(), OpenOptions { create: true })
        .await
        .unwrap();
    store.close().await;
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&path))
        .await
        .unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT type, name, sql FROM sqlite_master \
         WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%' \
         ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'trigger' THEN 2 \
         ELSE 3 END, name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    let mut out = String::new();
    out.push_str(
        "-- The custval store's current schema, generated: do not edit. Every table, then every\n\
         -- index, trigger and view, by name, as SQLite reports them (sqlite_master) after all of\n\
         -- crates/custval-store/migrations/*.sql; sqlx's _sqlx_migrations table is left out.\n",
    );
    out.push_str(&format!(
        "-- Regenerate after adding a migration:\n--   {BLESS}\n"
    ));
    out.push_str(
        "-- The same test without CUSTVAL_BLESS fails while this file is stale (it runs in CI).\n",
    );
    let mut last_type = "";
    for (kind, name, sql) in &rows {
        if kind != last_type {
            out.push_str(&format!("\n-- {kind}s\n"));
            last_type = kind;
        }
        out.push_str(&format!("\n-- {name}\n{};\n", sql.trim_end()));
    }
    out
}

#[tokio::test]
async fn docs_schema_sql_is_current() {
    let want = current_schema().await;
    let path = schema_path();
    if std::env::var_os("CUSTVAL_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let line = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || have.lines().count().min(want.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "docs/schema.sql is stale (it first differs from the migrated schema at line \
             {line}); regenerate it with\n    {BLESS}\nand commit it"
        );
    }
}
