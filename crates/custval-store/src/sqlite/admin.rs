//! The customer-360 reads, overrides, the audit log, users and API tokens.
//!
//! Overrides, user changes and deletions are written in one transaction with their audit
//! entries, so none can exist without its audit trail. Passwords are argon2id (the crate's default
//! parameters) in PHC strings, hashed and verified on tokio's blocking pool because one hash
//! takes tens of milliseconds; a login for an unknown or token-only user hashes anyway so
//! that the answer takes the same time either way. API tokens are 32 bytes from the OS random
//! source, shown once, and stored as their SHA-256 only: a stolen database yields no usable
//! token, and a plain hash suffices because the token has 256 bits of entropy. A token
//! expires (90 days by default, a year at most) and can be revoked; its last use is written at
//! most once a minute and never waits for another writer. Every audit entry records its
//! source (`crate::access`), and the log refuses updates and deletes (migration 0008).

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use custval_model::{CustomerRecord, Day, TxRecord};
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Row, SqlitePool};

use super::{count, now_rfc3339};
use crate::StoreError;
use crate::access::{
    Account, AuditQuery, NewToken, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenCheck, TokenInfo,
    TokenStatus,
};
use crate::error::{BUSY_TIMEOUT_SECS, ctx};
use crate::types::{AuditEntry, MonthSpend, Override, Role, TableCounts, User};

pub(crate) async fn customer(
    pool: &SqlitePool,
    customer_id: &str,
) -> Result<Option<CustomerRecord>, StoreError> {
    const DOING: &str = "reading a customer";
    let row = sqlx::query(
        "SELECT customer_id, name, industry, region, size, signup, owner, phone, email, wallet \
         FROM customers WHERE customer_id = ?",
    )
    .bind(customer_id)
    .fetch_optional(pool)
    .await
    .map_err(ctx(DOING))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let rec = (|| -> Result<CustomerRecord, sqlx::Error> {
        let signup: Option<i64> = row.try_get(5)?;
        Ok(CustomerRecord {
            customer_id: row.try_get(0)?,
            name: row.try_get(1)?,
            industry: row.try_get(2)?,
            region: row.try_get(3)?,
            size: row.try_get(4)?,
            signup_date: signup.map(|d| d as Day),
            owner: row.try_get(6)?,
            phone: row.try_get(7)?,
            email: row.try_get(8)?,
            wallet: row.try_get(9)?,
        })
    })()
    .map_err(ctx(DOING))?;
    Ok(Some(rec))
}

pub(crate) async fn transactions_of(
    pool: &SqlitePool,
    customer_id: &str,
    limit: u64,
) -> Result<Vec<TxRecord>, StoreError> {
    const DOING: &str = "reading a customer's transactions";
    let rows = sqlx::query(
        "SELECT t.order_id, c.customer_id, t.day, t.amount, t.cost, cat.name, t.quantity, ch.name \
         FROM customers c JOIN transactions t ON t.cust = c.key \
         LEFT JOIN categories cat ON cat.id = t.category \
         LEFT JOIN channels ch ON ch.id = t.channel \
         WHERE c.customer_id = ? ORDER BY t.day DESC, t.id DESC LIMIT ?",
    )
    .bind(customer_id)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(ctx(DOING))?;
    rows.iter()
        .map(|row| {
            let day: i64 = row.try_get(2)?;
            Ok(TxRecord {
                order_id: row.try_get(0)?,
                customer_id: row.try_get(1)?,
                date: day as Day,
                amount: row.try_get(3)?,
                cost: row.try_get(4)?,
                category: row.try_get(5)?,
                quantity: row.try_get(6)?,
                channel: row.try_get(7)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(ctx(DOING))
}

/// One customer's net spend and lines per day over a day range, oldest first.
const MONTHLY_SPEND: &str = "SELECT t.day, sum(t.amount), count(*) \
     FROM customers c JOIN transactions t ON t.cust = c.key \
     WHERE c.customer_id = ? AND t.day BETWEEN ? AND ? GROUP BY t.day ORDER BY t.day";

pub(crate) async fn monthly_spend(
    pool: &SqlitePool,
    customer_id: &str,
    from: Day,
    to: Day,
) -> Result<Vec<MonthSpend>, StoreError> {
    const DOING: &str = "reading a customer's monthly spend";
    // Summed per day in SQL over the `(cust, day)` index range, per month here with the one
    // civil-date routine (SQLite's date functions would be a second calendar).
    let rows = sqlx::query(MONTHLY_SPEND)
        .bind(customer_id)
        .bind(i64::from(from))
        .bind(i64::from(to))
        .fetch_all(pool)
        .await
        .map_err(ctx(DOING))?;
    let mut months: Vec<MonthSpend> = Vec::new();
    for row in &rows {
        let day: i64 = row.try_get(0).map_err(ctx(DOING))?;
        let amount: f64 = row.try_get(1).map_err(ctx(DOING))?;
        let lines: i64 = row.try_get(2).map_err(ctx(DOING))?;
        let (year, month, _) = custval_model::date::ymd_from_days(day as Day);
        match months.last_mut() {
            Some(m) if m.year == year && m.month == month => {
                m.amount += amount;
                m.lines += count(lines);
            }
            _ => months.push(MonthSpend {
                year,
                month,
                amount,
                lines: count(lines),
            }),
        }
    }
    Ok(months)
}

pub(crate) async fn table_counts(pool: &SqlitePool) -> Result<TableCounts, StoreError> {
    const DOING: &str = "counting rows";
    let row = sqlx::query(
        "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM transactions), \
         (SELECT count(*) FROM costs), (SELECT count(*) FROM interactions), \
         (SELECT count(*) FROM surveys), (SELECT count(*) FROM contracts), \
         (SELECT count(*) FROM payments), (SELECT count(*) FROM runs), \
         (SELECT count(*) FROM overrides), (SELECT count(*) FROM users), \
         (SELECT count(*) FROM audit_log)",
    )
    .fetch_one(pool)
    .await
    .map_err(ctx(DOING))?;
    let n = |i: usize| -> Result<u64, StoreError> {
        let v: i64 = row.try_get(i).map_err(ctx(DOING))?;
        Ok(count(v))
    };
    Ok(TableCounts {
        customers: n(0)?,
        transactions: n(1)?,
        costs: n(2)?,
        interactions: n(3)?,
        surveys: n(4)?,
        contracts: n(5)?,
        payments: n(6)?,
        runs: n(7)?,
        overrides: n(8)?,
        users: n(9)?,
        audit_log: n(10)?,
    })
}

/// A day as `YYYY-MM-DD`, for audit details a person reads.
fn iso(day: Day) -> String {
    // 719_163 = days from 0001-01-01 (CE day 1) to 1970-01-01.
    chrono::NaiveDate::from_num_days_from_ce_opt(day + 719_163)
        .map_or_else(|| day.to_string(), |d| d.to_string())
}

async fn customer_key(conn: &mut SqliteConnection, customer_id: &str) -> Result<i64, StoreError> {
    let key: Option<i64> = sqlx::query_scalar("SELECT key FROM customers WHERE customer_id = ?")
        .bind(customer_id)
        .fetch_optional(conn)
        .await
        .map_err(ctx("looking up a customer"))?;
    key.ok_or_else(|| StoreError::UnknownCustomer(customer_id.to_string()))
}

pub(crate) async fn set_override(
    pool: &SqlitePool,
    customer_id: &str,
    tier: &str,
    reason: &str,
    author: &str,
    until: Option<Day>,
) -> Result<(), StoreError> {
    const DOING: &str = "setting an override";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let key = customer_key(&mut tx, customer_id).await?;
    let now = now_rfc3339();
    // The new override replaces any earlier one (kept as history).
    sqlx::query(
        "UPDATE overrides SET cleared_at = ?, cleared_by = ? WHERE cust = ? AND cleared_at IS NULL",
    )
    .bind(&now)
    .bind(author)
    .bind(key)
    .execute(&mut *tx)
    .await
    .map_err(ctx(DOING))?;
    sqlx::query(
        "INSERT INTO overrides (cust, tier, reason, author, created_at, until) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(key)
    .bind(tier)
    .bind(reason)
    .bind(author)
    .bind(&now)
    .bind(until)
    .execute(&mut *tx)
    .await
    .map_err(ctx(DOING))?;
    let detail = serde_json::json!({
        "tier": tier,
        "reason": reason,
        "until": until.map(iso),
    });
    audit(&mut tx, author, "override.set", customer_id, &detail).await?;
    tx.commit().await.map_err(ctx(DOING))
}

pub(crate) async fn clear_override(
    pool: &SqlitePool,
    customer_id: &str,
    author: &str,
) -> Result<bool, StoreError> {
    const DOING: &str = "clearing an override";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let key = customer_key(&mut tx, customer_id).await?;
    let done = sqlx::query(
        "UPDATE overrides SET cleared_at = ?, cleared_by = ? WHERE cust = ? AND cleared_at IS NULL",
    )
    .bind(now_rfc3339())
    .bind(author)
    .bind(key)
    .execute(&mut *tx)
    .await
    .map_err(ctx(DOING))?;
    let cleared = done.rows_affected();
    let detail = serde_json::json!({ "cleared": cleared });
    audit(&mut tx, author, "override.clear", customer_id, &detail).await?;
    tx.commit().await.map_err(ctx(DOING))?;
    Ok(cleared > 0)
}

/// Overrides in force on `today`, one customer's or everyone's, by customer id.
pub(crate) async fn active_overrides(
    pool: &SqlitePool,
    customer_id: Option<&str>,
    today: Day,
) -> Result<Vec<Override>, StoreError> {
    const DOING: &str = "reading overrides";
    let one = if customer_id.is_some() {
        " AND c.customer_id = ?"
    } else {
        ""
    };
    let sql = format!(
        "SELECT c.customer_id, o.tier, o.reason, o.author, o.created_at, o.until \
         FROM overrides o JOIN customers c ON c.key = o.cust \
         WHERE o.cleared_at IS NULL AND (o.until IS NULL OR o.until >= ?){one} \
         ORDER BY c.customer_id, o.id"
    );
    let mut q = sqlx::query(&sql).bind(today);
    if let Some(id) = customer_id {
        q = q.bind(id);
    }
    let rows = q.fetch_all(pool).await.map_err(ctx(DOING))?;
    rows.iter()
        .map(|row| {
            let until: Option<i64> = row.try_get(5)?;
            Ok(Override {
                customer_id: row.try_get(0)?,
                tier: row.try_get(1)?,
                reason: row.try_get(2)?,
                author: row.try_get(3)?,
                created_at: row.try_get(4)?,
                until: until.map(|d| d as Day),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(ctx(DOING))
}

/// Appends an audit entry on `conn` (inside the caller's transaction when there is one).
pub(crate) async fn audit(
    conn: &mut SqliteConnection,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, detail, source) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(now_rfc3339())
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(detail.to_string())
    .bind(crate::access::audit_source())
    .execute(conn)
    .await
    .map_err(ctx("writing the audit log"))?;
    Ok(())
}

pub(crate) async fn audit_log(
    pool: &SqlitePool,
    limit: u64,
) -> Result<Vec<AuditEntry>, StoreError> {
    audit_query(
        pool,
        &AuditQuery {
            limit,
            ..AuditQuery::default()
        },
    )
    .await
}

pub(crate) async fn audit_query(
    pool: &SqlitePool,
    q: &AuditQuery,
) -> Result<Vec<AuditEntry>, StoreError> {
    const DOING: &str = "reading the audit log";
    let action = q.action.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let actor = q.actor.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let mut sql = String::from(
        "SELECT id, at, actor, action, subject, detail, source FROM audit_log WHERE 1 = 1",
    );
    if action.is_some() {
        sql.push_str(" AND instr(action, ?) > 0");
    }
    if actor.is_some() {
        sql.push_str(" AND actor = ?");
    }
    sql.push_str(" ORDER BY id DESC LIMIT ?");
    let mut query = sqlx::query(&sql);
    if let Some(a) = action {
        query = query.bind(a);
    }
    if let Some(a) = actor {
        query = query.bind(a);
    }
    let rows = query
        .bind(i64::try_from(q.limit).unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await
        .map_err(ctx(DOING))?;
    rows.iter()
        .map(|row| {
            let detail: String = row.try_get(5)?;
            Ok(AuditEntry {
                id: row.try_get(0)?,
                at: row.try_get(1)?,
                actor: row.try_get(2)?,
                action: row.try_get(3)?,
                subject: row.try_get(4)?,
                // The CHECK keeps it JSON; a hand-edited file still reads as text.
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
                source: row.try_get(6)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(ctx(DOING))
}

const USER_COLS: &str = "name, role, owner_id, password_hash IS NOT NULL, created_at";

fn user_row(row: &SqliteRow) -> Result<User, StoreError> {
    const DOING: &str = "reading a user";
    let role: String = row.try_get(1).map_err(ctx(DOING))?;
    Ok(User {
        name: row.try_get(0).map_err(ctx(DOING))?,
        role: role.parse()?,
        owner_id: row.try_get(2).map_err(ctx(DOING))?,
        has_password: row.try_get(3).map_err(ctx(DOING))?,
        created_at: row.try_get(4).map_err(ctx(DOING))?,
    })
}

fn random_bytes<const N: usize>(doing: &'static str) -> Result<[u8; N], StoreError> {
    let mut b = [0u8; N];
    OsRng
        .try_fill_bytes(&mut b)
        .map_err(|e| StoreError::Crypto {
            doing,
            message: e.to_string(),
        })?;
    Ok(b)
}

/// Runs a CPU-heavy password computation off the async threads.
async fn blocking<T: Send + 'static>(
    doing: &'static str,
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Crypto {
            doing,
            message: e.to_string(),
        })?
}

fn hash_password(password: &str, salt: &[u8; 16]) -> Result<String, StoreError> {
    const DOING: &str = "hashing a password";
    let crypto = |e: argon2::password_hash::Error| StoreError::Crypto {
        doing: DOING,
        message: e.to_string(),
    };
    let salt = SaltString::encode_b64(salt).map_err(crypto)?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(crypto)?;
    Ok(hash.to_string())
}

pub(crate) async fn add_user(
    pool: &SqlitePool,
    name: &str,
    role: Role,
    owner_id: Option<&str>,
    password: Option<&str>,
) -> Result<User, StoreError> {
    const DOING: &str = "adding a user";
    // Every front end (CLI, settings page, API) gets the same rule here: the settings page
    // accepted a 1-character password while `user add` required 8 (issue 18).
    if password.is_some_and(|p| p.chars().count() < crate::MIN_PASSWORD_CHARS) {
        return Err(StoreError::WeakPassword(crate::MIN_PASSWORD_CHARS));
    }
    if name.trim().is_empty() {
        return Err(StoreError::InvalidRecord {
            table: "users",
            row: 0,
            reason: "the user name is empty".to_string(),
        });
    }
    let hash = match password {
        Some(pw) => {
            let salt = random_bytes::<16>(DOING)?;
            let pw = pw.to_string();
            Some(blocking(DOING, move || hash_password(&pw, &salt)).await?)
        }
        None => None,
    };
    let row = sqlx::query(&format!(
        "INSERT INTO users (name, role, owner_id, password_hash, created_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING {USER_COLS}"
    ))
    .bind(name)
    .bind(role.as_str())
    .bind(owner_id)
    .bind(hash)
    .bind(now_rfc3339())
    .fetch_one(pool)
    .await
    .map_err(|e| {
        let taken = matches!(&e, sqlx::Error::Database(db) if db.is_unique_violation());
        if taken {
            StoreError::UserExists(name.to_string())
        } else {
            StoreError::sql(DOING, e)
        }
    })?;
    user_row(&row)
}

pub(crate) async fn verify_password(
    pool: &SqlitePool,
    name: &str,
    password: &str,
) -> Result<Option<User>, StoreError> {
    const DOING: &str = "checking a password";
    let row = sqlx::query(&format!(
        "SELECT {USER_COLS}, password_hash FROM users WHERE name = ?"
    ))
    .bind(name)
    .fetch_optional(pool)
    .await
    .map_err(ctx(DOING))?;
    let stored: Option<String> = match &row {
        Some(r) => r.try_get(5).map_err(ctx(DOING))?,
        None => None,
    };
    let pw = password.to_string();
    let ok = blocking(DOING, move || {
        match stored {
            Some(stored) => {
                let parsed = PasswordHash::new(&stored).map_err(|e| StoreError::Crypto {
                    doing: DOING,
                    message: format!("stored hash unreadable: {e}"),
                })?;
                Ok(Argon2::default()
                    .verify_password(pw.as_bytes(), &parsed)
                    .is_ok())
            }
            None => {
                // Same work as a verification, so timing does not reveal the user exists.
                hash_password(&pw, &[0u8; 16])?;
                Ok(false)
            }
        }
    })
    .await?;
    match (ok, row) {
        (true, Some(row)) => Ok(Some(user_row(&row)?)),
        _ => Ok(None),
    }
}

pub(crate) async fn user(pool: &SqlitePool, name: &str) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE name = ?"))
        .bind(name)
        .fetch_optional(pool)
        .await
        .map_err(ctx("reading a user"))?;
    row.as_ref().map(user_row).transpose()
}

pub(crate) async fn users(pool: &SqlitePool) -> Result<Vec<User>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {USER_COLS} FROM users ORDER BY name"))
        .fetch_all(pool)
        .await
        .map_err(ctx("listing users"))?;
    rows.iter().map(user_row).collect()
}

pub(crate) async fn update_user(
    pool: &SqlitePool,
    name: &str,
    role: Role,
    owner_id: Option<&str>,
    actor: &str,
) -> Result<User, StoreError> {
    const DOING: &str = "changing a user";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let before = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE name = ?"))
        .bind(name)
        .fetch_optional(&mut *tx)
        .await
        .map_err(ctx(DOING))?
        .ok_or_else(|| StoreError::UnknownUser(name.to_string()))?;
    let before = user_row(&before)?;
    let row = sqlx::query(&format!(
        "UPDATE users SET role = ?, owner_id = ? WHERE name = ? RETURNING {USER_COLS}"
    ))
    .bind(role.as_str())
    .bind(owner_id)
    .bind(name)
    .fetch_one(&mut *tx)
    .await
    .map_err(ctx(DOING))?;
    let after = user_row(&row)?;
    let detail = serde_json::json!({
        "role": {"from": before.role.as_str(), "to": role.as_str()},
        "owner_id": {"from": before.owner_id, "to": owner_id},
    });
    audit(&mut tx, actor, "update_user", name, &detail).await?;
    tx.commit().await.map_err(ctx(DOING))?;
    Ok(after)
}

pub(crate) async fn delete_user(
    pool: &SqlitePool,
    name: &str,
    actor: &str,
) -> Result<(), StoreError> {
    const DOING: &str = "deleting a user";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE name = ?"))
        .bind(name)
        .fetch_optional(&mut *tx)
        .await
        .map_err(ctx(DOING))?
        .ok_or_else(|| StoreError::UnknownUser(name.to_string()))?;
    let user = user_row(&row)?;
    // Tokens go explicitly, not only through the foreign key's cascade, so that a store
    // opened without `foreign_keys` cannot keep a deleted user's token working.
    let tokens =
        sqlx::query("DELETE FROM tokens WHERE user_id = (SELECT id FROM users WHERE name = ?)")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(ctx(DOING))?
            .rows_affected();
    sqlx::query("DELETE FROM users WHERE name = ?")
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    let detail = serde_json::json!({
        "role": user.role.as_str(),
        "owner_id": user.owner_id,
        "tokens_revoked": tokens,
    });
    audit(&mut tx, actor, "delete_user", name, &detail).await?;
    tx.commit().await.map_err(ctx(DOING))
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Prefix of API tokens, so that secret scanners and people recognise one.
const TOKEN_PREFIX: &str = "cvt_";

/// A time as stored in `*_at` columns (RFC 3339 UTC, milliseconds): such texts compare as
/// the times they stand for.
fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Shortest time between two recorded uses of a token: the write is skipped within it.
const LAST_USED_EVERY_SECS: i64 = 60;

fn new_token_text(doing: &'static str) -> Result<String, StoreError> {
    let bytes = random_bytes::<32>(doing)?;
    let mut token = String::with_capacity(TOKEN_PREFIX.len() + 64);
    token.push_str(TOKEN_PREFIX);
    for b in bytes {
        token.push_str(&format!("{b:02x}"));
    }
    Ok(token)
}

/// A token valid for the default lifetime, not audited (the caller audits).
pub(crate) async fn create_token(pool: &SqlitePool, name: &str) -> Result<String, StoreError> {
    let mut conn = pool.acquire().await.map_err(ctx("creating a token"))?;
    Ok(insert_token(&mut conn, name, TOKEN_DEFAULT_DAYS)
        .await?
        .token)
}

async fn insert_token(
    conn: &mut SqliteConnection,
    name: &str,
    days: u32,
) -> Result<NewToken, StoreError> {
    const DOING: &str = "creating a token";
    if days == 0 || days > TOKEN_MAX_DAYS {
        return Err(StoreError::InvalidRecord {
            table: "tokens",
            row: 0,
            reason: format!("a token lives between 1 and {TOKEN_MAX_DAYS} days, not {days}"),
        });
    }
    let user_id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE name = ?")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await
        .map_err(ctx(DOING))?;
    let user_id = user_id.ok_or_else(|| StoreError::UnknownUser(name.to_string()))?;
    let token = new_token_text(DOING)?;
    let now = chrono::Utc::now();
    let created_at = stamp(now);
    let expires_at = stamp(now + chrono::Duration::days(i64::from(days)));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tokens (user_id, sha256, created_at, expires_at) VALUES (?, ?, ?, ?) \
         RETURNING id",
    )
    .bind(user_id)
    .bind(token_hash(&token))
    .bind(&created_at)
    .bind(&expires_at)
    .fetch_one(&mut *conn)
    .await
    .map_err(ctx(DOING))?;
    Ok(NewToken {
        token,
        info: TokenInfo {
            id,
            user: name.to_string(),
            created_at,
            expires_at: Some(expires_at),
            last_used_at: None,
            revoked_at: None,
            status: TokenStatus::Active,
        },
    })
}

pub(crate) async fn create_token_for(
    pool: &SqlitePool,
    name: &str,
    days: u32,
    actor: &str,
) -> Result<NewToken, StoreError> {
    const DOING: &str = "creating a token";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let new = insert_token(&mut tx, name, days).await?;
    let detail = serde_json::json!({
        "token_id": new.info.id,
        "expires_at": new.info.expires_at,
    });
    audit(&mut tx, actor, "create_token", name, &detail).await?;
    tx.commit().await.map_err(ctx(DOING))?;
    Ok(new)
}

fn status_at(expires_at: Option<&str>, revoked_at: Option<&str>, now: &str) -> TokenStatus {
    if revoked_at.is_some() {
        TokenStatus::Revoked
    } else if expires_at.is_some_and(|e| e <= now) {
        TokenStatus::Expired
    } else {
        TokenStatus::Active
    }
}

pub(crate) async fn tokens(
    pool: &SqlitePool,
    user: Option<&str>,
) -> Result<Vec<TokenInfo>, StoreError> {
    const DOING: &str = "listing tokens";
    let one = if user.is_some() {
        " WHERE u.name = ?"
    } else {
        ""
    };
    let sql = format!(
        "SELECT t.id, u.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at \
         FROM tokens t JOIN users u ON u.id = t.user_id{one} ORDER BY t.id DESC"
    );
    let mut q = sqlx::query(&sql);
    if let Some(u) = user {
        q = q.bind(u);
    }
    let rows = q.fetch_all(pool).await.map_err(ctx(DOING))?;
    let now = now_rfc3339();
    rows.iter()
        .map(|row| {
            let expires_at: Option<String> = row.try_get(3)?;
            let revoked_at: Option<String> = row.try_get(5)?;
            Ok(TokenInfo {
                id: row.try_get(0)?,
                user: row.try_get(1)?,
                created_at: row.try_get(2)?,
                status: status_at(expires_at.as_deref(), revoked_at.as_deref(), &now),
                expires_at,
                last_used_at: row.try_get(4)?,
                revoked_at,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(ctx(DOING))
}

pub(crate) async fn revoke_token(
    pool: &SqlitePool,
    id: i64,
    actor: &str,
) -> Result<bool, StoreError> {
    const DOING: &str = "revoking a token";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let row = sqlx::query(
        "SELECT u.name, t.revoked_at FROM tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(ctx(DOING))?
    .ok_or(StoreError::UnknownToken(id))?;
    let user: String = row.try_get(0).map_err(ctx(DOING))?;
    let revoked: Option<String> = row.try_get(1).map_err(ctx(DOING))?;
    if revoked.is_some() {
        return Ok(false);
    }
    sqlx::query("UPDATE tokens SET revoked_at = ? WHERE id = ?")
        .bind(now_rfc3339())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(ctx(DOING))?;
    audit(
        &mut tx,
        actor,
        "revoke_token",
        &user,
        &serde_json::json!({ "token_id": id }),
    )
    .await?;
    tx.commit().await.map_err(ctx(DOING))?;
    Ok(true)
}

pub(crate) async fn check_token(pool: &SqlitePool, token: &str) -> Result<TokenCheck, StoreError> {
    const DOING: &str = "checking a token";
    let row = sqlx::query(
        "SELECT u.name, u.role, u.owner_id, u.password_hash IS NOT NULL, u.created_at, \
         t.id, t.expires_at, t.revoked_at, t.last_used_at \
         FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.sha256 = ?",
    )
    .bind(token_hash(token.trim()))
    .fetch_optional(pool)
    .await
    .map_err(ctx(DOING))?;
    let Some(row) = row else {
        return Ok(TokenCheck::Unknown);
    };
    let id: i64 = row.try_get(5).map_err(ctx(DOING))?;
    let expires_at: Option<String> = row.try_get(6).map_err(ctx(DOING))?;
    let revoked_at: Option<String> = row.try_get(7).map_err(ctx(DOING))?;
    let last_used: Option<String> = row.try_get(8).map_err(ctx(DOING))?;
    let now = chrono::Utc::now();
    let now_s = stamp(now);
    match status_at(expires_at.as_deref(), revoked_at.as_deref(), &now_s) {
        TokenStatus::Revoked => return Ok(TokenCheck::Revoked(revoked_at.unwrap_or_default())),
        TokenStatus::Expired => return Ok(TokenCheck::Expired(expires_at.unwrap_or_default())),
        TokenStatus::Active => {}
    }
    let user = user_row(&row)?;
    let due = stamp(now - chrono::Duration::seconds(LAST_USED_EVERY_SECS));
    if last_used.as_deref().is_none_or(|t| t <= due.as_str()) {
        record_use(pool, id, &now_s, &due).await;
    }
    Ok(TokenCheck::Valid(user))
}

/// Records a token's use, unless another writer holds the store: the answer to an API read
/// must not wait for an import to commit just to note the time (the next use records it).
async fn record_use(pool: &SqlitePool, id: i64, now: &str, due: &str) {
    let Ok(mut conn) = pool.acquire().await else {
        return;
    };
    // The pool's connections wait up to the busy timeout for a lock; this one does not.
    if sqlx::query("PRAGMA busy_timeout = 0")
        .execute(&mut *conn)
        .await
        .is_err()
    {
        conn.close_on_drop();
        return;
    }
    let done = sqlx::query(
        "UPDATE tokens SET last_used_at = ? \
         WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)",
    )
    .bind(now)
    .bind(id)
    .bind(due)
    .execute(&mut *conn)
    .await;
    if let Err(e) = done {
        tracing::debug!("token {id}: last use not recorded: {e}");
    }
    let restore = format!("PRAGMA busy_timeout = {}", BUSY_TIMEOUT_SECS * 1000);
    if sqlx::query(&restore).execute(&mut *conn).await.is_err() {
        // Never hand a connection without the busy timeout back to the pool.
        conn.close_on_drop();
    }
}

pub(crate) async fn user_for_token(
    pool: &SqlitePool,
    token: &str,
) -> Result<Option<User>, StoreError> {
    match check_token(pool, token).await? {
        TokenCheck::Valid(u) => Ok(Some(u)),
        _ => Ok(None),
    }
}

pub(crate) async fn set_password(
    pool: &SqlitePool,
    name: &str,
    password: &str,
    actor: &str,
) -> Result<(), StoreError> {
    const DOING: &str = "setting a password";
    if password.chars().count() < crate::MIN_PASSWORD_CHARS {
        return Err(StoreError::WeakPassword(crate::MIN_PASSWORD_CHARS));
    }
    // Hashed before the write lock is taken: argon2 takes tens of milliseconds.
    let salt = random_bytes::<16>(DOING)?;
    let pw = password.to_string();
    let hash = blocking(DOING, move || hash_password(&pw, &salt)).await?;
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(ctx(DOING))?;
    let done =
        sqlx::query("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?")
            .bind(hash)
            .bind(now_rfc3339())
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(ctx(DOING))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::UnknownUser(name.to_string()));
    }
    audit(&mut tx, actor, "set_password", name, &serde_json::json!({})).await?;
    tx.commit().await.map_err(ctx(DOING))
}

pub(crate) async fn account(pool: &SqlitePool, name: &str) -> Result<Option<Account>, StoreError> {
    const DOING: &str = "reading a user";
    let row = sqlx::query(&format!(
        "SELECT {USER_COLS}, password_changed_at FROM users WHERE name = ?"
    ))
    .bind(name)
    .fetch_optional(pool)
    .await
    .map_err(ctx(DOING))?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Account {
        user: user_row(&row)?,
        password_changed_at: row.try_get(5).map_err(ctx(DOING))?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso(0), "1970-01-01");
        assert_eq!(iso(20_454), "2026-01-01");
    }

    #[test]
    fn password_hashes_are_argon2id_and_verify() {
        let h = hash_password("s3cret", &[7u8; 16]).unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"s3cret", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"secret", &parsed)
                .is_err()
        );
    }

    /// The customer page's spend line: months netted and ordered, other customers and days
    /// outside the range left out, and the read an index range (no scan of the fact table).
    #[tokio::test]
    async fn monthly_spend_nets_by_month_from_the_index() {
        use crate::ImportStore;
        let (_dir, store) = super::super::temp_store().await;
        let day = |y, m, d| custval_model::date::days_from_ymd(y, m, d).unwrap();
        let tx = |cust: &str, date: Day, amount: f64, order: &str| TxRecord {
            order_id: Some(order.to_string()),
            customer_id: cust.to_string(),
            date,
            amount,
            cost: None,
            category: None,
            quantity: None,
            channel: None,
        };
        store
            .import_transactions(&[
                tx("C1", day(2024, 12, 31), 7.0, "O0"),
                tx("C1", day(2025, 1, 3), 10.0, "O1"),
                tx("C1", day(2025, 1, 3), 5.0, "O2"),
                tx("C1", day(2025, 1, 20), -4.0, "O3"),
                tx("C1", day(2025, 3, 1), 2.5, "O4"),
                tx("C1", day(2025, 4, 1), 99.0, "O5"),
                tx("C2", day(2025, 1, 3), 1000.0, "O6"),
            ])
            .await
            .unwrap();
        let months = monthly_spend(&store.pool, "C1", day(2025, 1, 1), day(2025, 3, 31))
            .await
            .unwrap();
        let got: Vec<(i32, u32, f64, u64)> = months
            .iter()
            .map(|m| (m.year, m.month, m.amount, m.lines))
            .collect();
        assert_eq!(got, vec![(2025, 1, 11.0, 3), (2025, 3, 2.5, 1)]);
        assert!(
            monthly_spend(&store.pool, "NOPE", 0, day(2030, 1, 1))
                .await
                .unwrap()
                .is_empty()
        );
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {MONTHLY_SPEND}"))
                .bind("C1")
                .bind(0_i64)
                .bind(1_i64)
                .fetch_all(&store.pool)
                .await
                .unwrap();
        let detail: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
        assert!(
            detail
                .iter()
                .any(|d| d.contains("transactions_cust_day") && d.contains("day>? AND day<?")),
            "{detail:?}"
        );
        assert!(detail.iter().all(|d| !d.starts_with("SCAN")), "{detail:?}");
    }
}
