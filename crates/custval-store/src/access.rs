//! What the store says about API tokens and the audit log besides users: a token's listing and
//! status, the outcome of checking a presented token, audit log filters, and where audited
//! actions come from (the *source* of an entry).
//!
//! The source is not a parameter of every audited method: overrides, alert changes, plan saves
//! and user changes all audit inside their own transaction, and each front end knows the
//! source once per request or process. So the web app wraps each request in
//! [`with_audit_source`] (the client's address), the CLI sets a process default once with
//! [`set_default_audit_source`] (`cli:<OS user>`), and every entry written inside takes it.

use std::future::Future;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::types::User;

/// Default lifetime of a new API token, in days.
pub const TOKEN_DEFAULT_DAYS: u32 = 90;
/// Longest lifetime a token may be given, in days: every token is renewed at least yearly.
pub const TOKEN_MAX_DAYS: u32 = 365;

/// Whether a token is accepted now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
        }
    }
}

/// An API token as listed: never the token, never its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub user: String,
    /// RFC 3339 UTC, as every time below.
    pub created_at: String,
    /// `None`: no expiry (only tokens written by hand; every path that creates one sets it).
    pub expires_at: Option<String>,
    /// Accurate to a minute: writes are throttled.
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    pub status: TokenStatus,
}

/// A newly created token: the secret, shown once, and its listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub token: String,
    pub info: TokenInfo,
}

/// A user and when their password last changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub user: User,
    /// RFC 3339 UTC; `None` when unchanged since the user was added.
    pub password_changed_at: Option<String>,
}

/// What a presented token is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    Valid(User),
    /// The token existed and expired at this time.
    Expired(String),
    /// The token was revoked at this time.
    Revoked(String),
    Unknown,
}

/// Which audit entries to read: the latest `limit`, newest first, optionally only those whose
/// action contains `action` (so `token` finds `create_token` and `revoke_token`) and whose
/// actor is exactly `actor`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuditQuery {
    pub limit: u64,
    pub action: Option<String>,
    pub actor: Option<String>,
}

tokio::task_local! {
    static SOURCE: String;
}

static DEFAULT_SOURCE: OnceLock<String> = OnceLock::new();

/// Runs `f` with `source` recorded as the origin of every audit entry it writes (the web app:
/// one request, with the client's address).
pub fn with_audit_source<F: Future>(
    source: String,
    f: F,
) -> tokio::task::futures::TaskLocalFuture<String, F> {
    SOURCE.scope(source, f)
}

/// The origin of audit entries written outside [`with_audit_source`] by this process (the
/// CLI: `cli:<OS user>`); the first call wins.
pub fn set_default_audit_source(source: String) {
    let _ = DEFAULT_SOURCE.set(source);
}

/// The source an audit entry written now records.
pub(crate) fn audit_source() -> String {
    SOURCE
        .try_with(Clone::clone)
        .ok()
        .or_else(|| DEFAULT_SOURCE.get().cloned())
        .unwrap_or_default()
}

/// Days of a token lifetime as the CLI takes it: `90d`, `12w` (or a bare number of days);
/// between 1 day and [`TOKEN_MAX_DAYS`].
pub fn parse_token_lifetime(s: &str) -> Result<u32, String> {
    let t = s.trim().to_ascii_lowercase();
    if t == "never" {
        return Err(format!(
            "tokens always expire (at most {TOKEN_MAX_DAYS} days): a forgotten token in a script \
             or a log would otherwise stay valid for ever; give e.g. --expires {TOKEN_MAX_DAYS}d \
             and create a new one before it ends"
        ));
    }
    let (num, mult) = if let Some(n) = t.strip_suffix('w') {
        (n, 7)
    } else if let Some(n) = t.strip_suffix('d') {
        (n, 1)
    } else {
        (t.as_str(), 1)
    };
    let days = num
        .trim()
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| {
            format!("{s:?} is not a lifetime: expected days or weeks, e.g. 90d or 12w")
        })?;
    if days == 0 || days > TOKEN_MAX_DAYS {
        return Err(format!(
            "{s:?}: a token lives between 1 and {TOKEN_MAX_DAYS} days"
        ));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes() {
        assert_eq!(parse_token_lifetime("90d"), Ok(90));
        assert_eq!(parse_token_lifetime("12w"), Ok(84));
        assert_eq!(parse_token_lifetime(" 30 "), Ok(30));
        assert_eq!(parse_token_lifetime("365D"), Ok(365));
        for bad in ["0d", "366d", "53w", "never", "1m", "-5d", "d", ""] {
            assert!(parse_token_lifetime(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn the_source_of_a_scope_wins_over_the_default() {
        set_default_audit_source("cli:test".into());
        assert_eq!(audit_source(), "cli:test");
        let inner = with_audit_source("192.0.2.7".into(), async { audit_source() }).await;
        assert_eq!(inner, "192.0.2.7");
    }
}
