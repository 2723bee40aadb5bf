//! Personal fields at rest: the key a store was opened with, sealing and opening a customer's
//! personal record, sealing the plaintext rows of older stores, and `forget`.
//!
//! A store opened without its key still works for everything but personal data: imports
//! without phone or e-mail, evaluations, lists, reports. Reading a customer's personal fields
//! then says why they are unavailable, and importing personal fields is refused, because they
//! could only be stored in plaintext or under a key nobody has (see SECURITY.md).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Row, Sqlite, SqlitePool};

use super::now_rfc3339;
use crate::StoreError;
use crate::crypto::{KEY_ENV, KEY_FILE_ENV, Key, KeyError};
use crate::error::ctx;

/// The key this process opened the store with, as checked against the store's key id.
#[derive(Debug, Clone, Default)]
pub(crate) enum KeyState {
    /// No key was given.
    #[default]
    Missing,
    /// The store's key (or a first key for a store that has sealed nothing yet).
    Ready(Key),
    /// A key other than the one the store's values are sealed with.
    Wrong { given: String, store: String },
}

impl KeyState {
    /// Why personal data cannot be read or written, in one line; `None` when it can.
    fn problem(&self) -> Option<String> {
        match self {
            KeyState::Ready(_) => None,
            KeyState::Missing => Some(format!(
                "personal data is encrypted and no key was given: set {KEY_ENV} or \
                 {KEY_FILE_ENV}, or put the key file beside the store (`custval init` creates one)"
            )),
            KeyState::Wrong { given, store } => Some(format!(
                "the key given is key {given}, but the store's personal data is sealed with key \
                 {store}: use that key ({KEY_ENV}, {KEY_FILE_ENV} or the key file beside the store)"
            )),
        }
    }

    pub(crate) fn key(&self) -> Result<&Key, StoreError> {
        match self {
            KeyState::Ready(k) => Ok(k),
            other => Err(StoreError::Crypto {
                doing: "storing personal fields",
                message: other.problem().unwrap_or_default(),
            }),
        }
    }
}

/// The personal fields of a customer, sealed together as one value (JSON inside). New fields
/// (a contact person, an address) join here without a schema change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Fields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Fields {
    pub(crate) fn new(phone: Option<&str>, email: Option<&str>) -> Fields {
        let keep = |s: Option<&str>| s.filter(|s| !s.trim().is_empty()).map(str::to_string);
        Fields {
            phone: keep(phone),
            email: keep(email),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.phone.is_none() && self.email.is_none()
    }
}

/// A customer's personal data as this process can see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Personal {
    /// Readable: the fields (absent when never imported).
    Available {
        phone: Option<String>,
        email: Option<String>,
    },
    /// Stored encrypted, but this process has no key or the wrong one.
    Unavailable { reason: String },
    /// Erased by `customer forget` at this time (RFC 3339).
    Forgotten { at: String },
}

/// What opening a store with a key did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KeyReport {
    /// The id of the key given (16 hex digits), if any.
    pub key_id: Option<String>,
    /// The id of the key the store's values are sealed with, once anything was sealed.
    pub store_key_id: Option<String>,
    /// Customers whose plaintext fields (an older store's) were sealed now.
    pub sealed_now: u64,
    /// True when plaintext fields still wait for a key to seal them.
    pub plaintext_left: bool,
    /// Why personal data cannot be read or written with this key, if it cannot.
    pub problem: Option<String>,
}

/// What `forget` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forgotten {
    pub customer_id: String,
    /// When the personal data was erased (the first time, for a repeated request).
    pub at: String,
    /// True when the customer had already been forgotten (nothing was left to erase).
    pub already: bool,
    /// What was erased (names of fields and records).
    pub erased: Vec<String>,
}

/// Seals `fields` for `customer_id`; `None` when there is nothing to seal.
pub(crate) fn seal(
    state: &KeyState,
    customer_id: &str,
    fields: &Fields,
) -> Result<Option<Vec<u8>>, StoreError> {
    if fields.is_empty() {
        return Ok(None);
    }
    let key = state.key()?;
    let json = serde_json::to_vec(fields).map_err(|e| StoreError::Crypto {
        doing: "storing personal fields",
        message: e.to_string(),
    })?;
    key.seal(customer_id, &json)
        .map(Some)
        .map_err(|e| key_error("storing personal fields", e))
}

/// Opens a sealed personal record.
pub(crate) fn open(key: &Key, customer_id: &str, sealed: &[u8]) -> Result<Fields, KeyError> {
    let json = key.open(customer_id, sealed)?;
    serde_json::from_slice(&json).map_err(|_| KeyError::Open { key_id: key.id() })
}

fn key_error(doing: &'static str, e: KeyError) -> StoreError {
    StoreError::Crypto {
        doing,
        message: e.to_string(),
    }
}

/// Records the key's id as the store's key when the store has none yet, inside the caller's
/// write transaction; an error when the store's values are sealed with another key.
pub(crate) async fn bind_key(conn: &mut SqliteConnection, key: &Key) -> Result<(), StoreError> {
    const DOING: &str = "recording the store's key id";
    let id = key.id();
    sqlx::query("UPDATE privacy SET key_id = ? WHERE id = 1 AND key_id IS NULL")
        .bind(&id)
        .execute(&mut *conn)
        .await
        .map_err(ctx(DOING))?;
    let stored: Option<String> = sqlx::query_scalar("SELECT key_id FROM privacy WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(ctx(DOING))?
        .flatten();
    match stored {
        Some(s) if s != id => Err(StoreError::Crypto {
            doing: "storing personal fields",
            message: KeyState::Wrong {
                given: id,
                store: s,
            }
            .problem()
            .unwrap_or_default(),
        }),
        _ => Ok(()),
    }
}

/// Checks `key` against the store and seals the plaintext fields an older store still holds.
pub(crate) async fn unlock(
    pool: &SqlitePool,
    key: Option<Key>,
) -> Result<(Arc<KeyState>, KeyReport), StoreError> {
    const DOING: &str = "checking the store's key";
    let row = sqlx::query("SELECT key_id, plaintext FROM privacy WHERE id = 1")
        .fetch_optional(pool)
        .await
        .map_err(ctx(DOING))?;
    let (store_id, plaintext) = match row {
        Some(r) => (
            r.try_get::<Option<String>, _>(0).map_err(ctx(DOING))?,
            r.try_get::<i64, _>(1).map_err(ctx(DOING))? != 0,
        ),
        None => (None, false),
    };
    let mut report = KeyReport {
        key_id: key.as_ref().map(Key::id),
        store_key_id: store_id.clone(),
        plaintext_left: plaintext,
        ..KeyReport::default()
    };
    let state = match key {
        None => KeyState::Missing,
        Some(k) => match &store_id {
            Some(s) if *s != k.id() => KeyState::Wrong {
                given: k.id(),
                store: s.clone(),
            },
            _ => KeyState::Ready(k),
        },
    };
    if let (KeyState::Ready(k), true) = (&state, plaintext) {
        report.sealed_now = seal_plaintext(pool, k).await?;
        report.plaintext_left = false;
        report.store_key_id = Some(k.id());
    }
    report.problem = state.problem();
    Ok((Arc::new(state), report))
}

/// Seals every plaintext phone and e-mail of an older store and clears the plaintext, in one
/// transaction, with `secure_delete` on so that SQLite overwrites the freed bytes instead of
/// leaving the old text in the file's free space.
async fn seal_plaintext(pool: &SqlitePool, key: &Key) -> Result<u64, StoreError> {
    const DOING: &str = "encrypting the personal fields of an older store";
    let mut conn = secure_delete_connection(pool, DOING).await?;
    let mut tx = conn
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let n = seal_plaintext_in(&mut tx, key).await?;
    tx.commit().await.map_err(ctx(DOING))?;
    Ok(n)
}

/// A pooled connection with `secure_delete` on: what is deleted or overwritten through it is
/// overwritten in the file, not left in its free space.
async fn secure_delete_connection(
    pool: &SqlitePool,
    doing: &'static str,
) -> Result<PoolConnection<Sqlite>, StoreError> {
    let mut conn = pool.acquire().await.map_err(ctx(doing))?;
    sqlx::query("PRAGMA secure_delete = ON")
        .execute(&mut *conn)
        .await
        .map_err(ctx(doing))?;
    Ok(conn)
}

async fn seal_plaintext_in(conn: &mut SqliteConnection, key: &Key) -> Result<u64, StoreError> {
    const DOING: &str = "encrypting the personal fields of an older store";
    bind_key(conn, key).await?;
    let rows = sqlx::query(
        "SELECT key, customer_id, phone, email, personal FROM customers \
         WHERE phone IS NOT NULL OR email IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(ctx(DOING))?;
    let mut n = 0;
    for row in &rows {
        let k: i64 = row.try_get(0).map_err(ctx(DOING))?;
        let id: String = row.try_get(1).map_err(ctx(DOING))?;
        let phone: Option<String> = row.try_get(2).map_err(ctx(DOING))?;
        let email: Option<String> = row.try_get(3).map_err(ctx(DOING))?;
        let sealed: Option<Vec<u8>> = row.try_get(4).map_err(ctx(DOING))?;
        // A value sealed since (none can be, but never drop one) is kept where plaintext is empty.
        let mut fields = Fields::new(phone.as_deref(), email.as_deref());
        if let Some(s) = &sealed {
            let old = open(key, &id, s).map_err(|e| key_error(DOING, e))?;
            fields.phone = fields.phone.or(old.phone);
            fields.email = fields.email.or(old.email);
        }
        let value = seal(&KeyState::Ready(key.clone()), &id, &fields)?;
        sqlx::query("UPDATE customers SET personal = ?, phone = NULL, email = NULL WHERE key = ?")
            .bind(value)
            .bind(k)
            .execute(&mut *conn)
            .await
            .map_err(ctx(DOING))?;
        n += 1;
    }
    sqlx::query("UPDATE privacy SET plaintext = 0 WHERE id = 1")
        .execute(&mut *conn)
        .await
        .map_err(ctx(DOING))?;
    Ok(n)
}

/// A customer's personal data; `None` for an unknown customer.
pub(crate) async fn personal(
    pool: &SqlitePool,
    state: &KeyState,
    customer_id: &str,
) -> Result<Option<Personal>, StoreError> {
    const DOING: &str = "reading a customer's personal data";
    let row = sqlx::query(
        "SELECT personal, forgotten_at, phone, email FROM customers WHERE customer_id = ?",
    )
    .bind(customer_id)
    .fetch_optional(pool)
    .await
    .map_err(ctx(DOING))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let sealed: Option<Vec<u8>> = row.try_get(0).map_err(ctx(DOING))?;
    let forgotten: Option<String> = row.try_get(1).map_err(ctx(DOING))?;
    if let Some(at) = forgotten {
        return Ok(Some(Personal::Forgotten { at }));
    }
    let Some(sealed) = sealed else {
        // Nothing sealed: an older store's plaintext waiting for a key, or no personal data.
        return Ok(Some(Personal::Available {
            phone: row.try_get(2).map_err(ctx(DOING))?,
            email: row.try_get(3).map_err(ctx(DOING))?,
        }));
    };
    Ok(Some(match state {
        KeyState::Ready(key) => match open(key, customer_id, &sealed) {
            Ok(f) => Personal::Available {
                phone: f.phone,
                email: f.email,
            },
            Err(e) => Personal::Unavailable {
                reason: e.to_string(),
            },
        },
        other => Personal::Unavailable {
            reason: other.problem().unwrap_or_default(),
        },
    }))
}

/// Erases a customer's personal data and keeps the anonymised history, audited in the same
/// transaction. See [`crate::CustomerStore::forget_customer`].
pub(crate) async fn forget(
    pool: &SqlitePool,
    customer_id: &str,
    reason: &str,
    actor: &str,
) -> Result<Forgotten, StoreError> {
    const DOING: &str = "forgetting a customer";
    let mut conn = secure_delete_connection(pool, DOING).await?;
    let mut tx = conn
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let out = forget_in(&mut tx, customer_id, reason, actor).await?;
    tx.commit().await.map_err(ctx(DOING))?;
    Ok(out)
}

async fn forget_in(
    conn: &mut SqliteConnection,
    customer_id: &str,
    reason: &str,
    actor: &str,
) -> Result<Forgotten, StoreError> {
    const DOING: &str = "forgetting a customer";
    let row = sqlx::query(
        "SELECT forgotten_at, name IS NOT NULL, personal IS NOT NULL OR phone IS NOT NULL \
         OR email IS NOT NULL FROM customers WHERE customer_id = ?",
    )
    .bind(customer_id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(ctx(DOING))?;
    let Some(row) = row else {
        return Err(StoreError::UnknownCustomer(customer_id.to_string()));
    };
    let before: Option<String> = row.try_get(0).map_err(ctx(DOING))?;
    let had_name: bool = row.try_get(1).map_err(ctx(DOING))?;
    let had_contact: bool = row.try_get(2).map_err(ctx(DOING))?;
    let mut erased = Vec::new();
    if had_name {
        erased.push("name".to_string());
    }
    if had_contact {
        erased.push("phone and e-mail".to_string());
    }
    let at = before.clone().unwrap_or_else(now_rfc3339);
    sqlx::query(
        "UPDATE customers SET name = NULL, phone = NULL, email = NULL, personal = NULL, \
         forgotten_at = ? WHERE customer_id = ?",
    )
    .bind(&at)
    .bind(customer_id)
    .execute(&mut *conn)
    .await
    .map_err(ctx(DOING))?;
    // The name is also a snapshot in every run's results, in provisional results and in the
    // alerts raised about the customer: erased there too. Scores, tiers and figures stay, so
    // that no run's totals change.
    let steps: [(&str, &str); 5] = [
        (
            "UPDATE results SET name = NULL WHERE customer_id = ? AND name IS NOT NULL",
            "name in run results",
        ),
        (
            "UPDATE provisional_results SET result = json_set(result, '$.name', json('null')) \
             WHERE customer_id = ? AND json_extract(result, '$.name') IS NOT NULL",
            "name in provisional results",
        ),
        (
            "UPDATE alerts SET body = json_remove(body, '$.name') \
             WHERE customer_id = ? AND json_extract(body, '$.name') IS NOT NULL",
            "name in alerts",
        ),
        (
            "UPDATE provisional_alerts SET body = json_remove(body, '$.name') \
             WHERE customer_id = ? AND json_extract(body, '$.name') IS NOT NULL",
            "name in provisional alerts",
        ),
        // An account plan is free text (goals, SWOT, actions) that may name people and hold
        // their contact details; it cannot be anonymised reliably, so it goes.
        (
            "DELETE FROM account_plans WHERE customer_id = ?",
            "account plan",
        ),
    ];
    for (sql, what) in steps {
        let n = sqlx::query(sql)
            .bind(customer_id)
            .execute(&mut *conn)
            .await
            .map_err(ctx(DOING))?
            .rows_affected();
        if n > 0 {
            erased.push(what.to_string());
        }
    }
    super::admin::audit(
        conn,
        actor,
        "forget_customer",
        &format!("customer {customer_id}"),
        &serde_json::json!({
            "reason": reason,
            "erased": erased,
            "already_forgotten": before.is_some(),
            "forgotten_at": at,
        }),
    )
    .await?;
    Ok(Forgotten {
        customer_id: customer_id.to_string(),
        at,
        already: before.is_some(),
        erased,
    })
}
