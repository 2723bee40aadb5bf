//! Who is asking: sessions for the pages, bearer tokens for the API, CSRF tokens, the login
//! rate limit, and what each role may do.
//!
//! Design choices:
//! - **Sessions live in memory** (a map from a random 256-bit id to the user): a restart of
//!   the server logs everybody out, which is acceptable for one process serving a team and
//!   keeps secrets out of the database. The cookie is `HttpOnly`, `SameSite=Strict`, `Path=/`,
//!   and `Secure` when [`crate::Options::secure_cookies`] is set (HTTPS or behind a TLS proxy).
//!   Sessions expire after [`crate::Options::session_idle`] without a request.
//! - **CSRF**: every session has its own random token, embedded in each form and checked on
//!   every POST (compared in constant time). The login form, which has no session yet, uses a
//!   double-submit cookie. `SameSite=Strict` is a second line of defence, not the only one.
//! - **Login rate limit**: failures are counted per user name and per client IP in a sliding
//!   window; past the limit a login is refused with 429 *before* the password is checked, so
//!   that guessing is slow whatever the password hashing costs.
//! - **The user is snapshotted at login** and checked against the store on every request
//!   ([`session_current`]): a role, owner id or password changed anywhere (the settings page,
//!   `custval user passwd` in another process) or a deleted user ends the session. API tokens
//!   are looked up on every request (the store keeps only their SHA-256) and refused once
//!   expired or revoked ([`token_user`]).
//! - **Audit**: each request's audit entries record the client address ([`audit_source`]);
//!   logins (success and failure) and logouts are audited ([`audit_login`]).
//! - Randomness comes from the operating system (`getrandom`), never from a seeded generator.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use custval_store::User;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "custval_session";
/// Name of the login form's double-submit cookie.
pub const LOGIN_COOKIE: &str = "custval_login";
/// Name of the language cookie.
pub const LANG_COOKIE: &str = "custval_lang";

/// 32 random bytes from the OS as 64 hex digits. `None` only if the OS refuses randomness.
pub fn random_token() -> Option<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).ok()?;
    let mut s = String::with_capacity(64);
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    Some(s)
}

/// A random password of 16 letters and digits (no look-alikes such as 0/O, 1/l), from the
/// OS random source; about 94 bits. `None` only if the OS refuses randomness.
pub fn random_password() -> Option<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::with_capacity(16);
    while out.len() < 16 {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).ok()?;
        // Rejection sampling keeps every character equally likely.
        for x in b {
            let limit = 256 - 256 % ALPHABET.len();
            if (x as usize) < limit && out.len() < 16 {
                out.push(ALPHABET[x as usize % ALPHABET.len()] as char);
            }
        }
    }
    Some(out)
}

/// Equality that takes the same time wherever the strings differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k.trim() == name).then(|| v.trim())
    })
}

/// A `Set-Cookie` value with the app's attributes; `max_age` in seconds (0 deletes).
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<u64>,
    secure: bool,
    http_only: bool,
) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Strict");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    if let Some(s) = max_age {
        c.push_str(&format!("; Max-Age={s}"));
    }
    c
}

/// A logged-in user's session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    /// The CSRF token of this session's forms.
    pub csrf: String,
    last_seen: Instant,
    /// When the session began (wall clock, compared with a password change in the store).
    opened_at: chrono::DateTime<chrono::Utc>,
}

/// Every live session, by id.
#[derive(Debug, Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Opens a session for `user`; returns its id, or `None` without OS randomness.
    pub fn open(&self, user: User) -> Option<String> {
        let id = random_token()?;
        let csrf = random_token()?;
        let mut map = self.map.lock().ok()?;
        map.insert(
            id.clone(),
            Session {
                user,
                csrf,
                last_seen: Instant::now(),
                opened_at: chrono::Utc::now(),
            },
        );
        Some(id)
    }

    /// The session, if it exists and was used within `idle`; refreshes its clock.
    pub fn get(&self, id: &str, idle: Duration) -> Option<Session> {
        let mut map = self.map.lock().ok()?;
        let now = Instant::now();
        match map.get_mut(id) {
            Some(s) if now.duration_since(s.last_seen) <= idle => {
                s.last_seen = now;
                Some(s.clone())
            }
            Some(_) => {
                map.remove(id);
                None
            }
            None => None,
        }
    }

    /// Ends a session.
    pub fn close(&self, id: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(id);
        }
    }

    /// Drops sessions idle for longer than `idle` (called now and then).
    /// Ends every session of the user `name` (after their role changed or they were
    /// deleted: sessions hold a snapshot of the user).
    pub fn close_user(&self, name: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.retain(|_, s| s.user.name != name);
        }
    }

    pub fn sweep(&self, idle: Duration) {
        if let Ok(mut map) = self.map.lock() {
            let now = Instant::now();
            map.retain(|_, s| now.duration_since(s.last_seen) <= idle);
        }
    }
}

/// Login attempts per user name and per client address in a sliding window.
///
/// An attempt is counted *before* the password is checked, in the same locked step as the
/// check of the limits ([`LoginLimiter::begin`]), and forgiven when it succeeds: counting after
/// the slow argon2 verify let 200 parallel wrong passwords for one user through 102
/// verifications against a limit of 5 (issue 18). User names are case-sensitive, as the store's
/// are, so they are counted as typed. The per-address limit (four times the per-user one) stops
/// password spraying from one address; a user who logged in from that address within
/// [`TRUST_DAYS`] days is exempt from it (only its own per-user limit applies), so that an
/// attack from behind a shared office NAT does not lock out the colleagues behind it.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    state: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    by_user: HashMap<String, Vec<Instant>>,
    by_ip: HashMap<IpAddr, Vec<Instant>>,
    /// (user, address) pairs with a successful login, and when.
    trusted: HashMap<(String, IpAddr), Instant>,
}

/// Days a successful login from an address exempts that user there from the address limit.
pub const TRUST_DAYS: u64 = 30;

fn recent(v: &mut Vec<Instant>, window: Duration, now: Instant) -> usize {
    v.retain(|t| now.duration_since(*t) < window);
    v.len()
}

impl LoginLimiter {
    /// At most `max_failures` attempts per user and `4 × max_failures` per address (for users
    /// without a recent login from it) within `window`.
    pub fn new(max_failures: usize, window: Duration) -> LoginLimiter {
        LoginLimiter {
            max_failures,
            window,
            state: Mutex::new(LimiterState::default()),
        }
    }

    /// Checks the limits and, when within them, counts this attempt at once: true means the
    /// password may be verified now. Call [`LoginLimiter::succeeded`] when it was right.
    pub fn begin(&self, user: &str, ip: IpAddr) -> bool {
        let now = Instant::now();
        let Ok(mut st) = self.state.lock() else {
            return false;
        };
        let trust = Duration::from_secs(TRUST_DAYS * 24 * 3600);
        let trusted = st
            .trusted
            .get(&(user.to_string(), ip))
            .is_some_and(|t| now.duration_since(*t) < trust);
        let user_n = st
            .by_user
            .get_mut(user)
            .map_or(0, |v| recent(v, self.window, now));
        let ip_n = st
            .by_ip
            .get_mut(&ip)
            .map_or(0, |v| recent(v, self.window, now));
        if user_n >= self.max_failures || (!trusted && ip_n >= self.max_failures * 4) {
            return false;
        }
        st.by_user.entry(user.to_string()).or_default().push(now);
        st.by_ip.entry(ip).or_default().push(now);
        true
    }

    /// A verified login: forgets the user's failures, takes this attempt off the address's
    /// count, and trusts the pair.
    pub fn succeeded(&self, user: &str, ip: IpAddr) {
        if let Ok(mut st) = self.state.lock() {
            st.by_user.remove(user);
            if let Some(v) = st.by_ip.get_mut(&ip) {
                v.pop();
            }
            // Bounded: trust entries older than the trust period go when the map grows.
            if st.trusted.len() > 100_000 {
                let trust = Duration::from_secs(TRUST_DAYS * 24 * 3600);
                let now = Instant::now();
                st.trusted.retain(|_, t| now.duration_since(*t) < trust);
            }
            st.trusted.insert((user.to_string(), ip), Instant::now());
        }
    }

    /// Seconds until the window ends (for `Retry-After`).
    pub fn retry_after(&self) -> u64 {
        self.window.as_secs().max(1)
    }
}

/// Whether a session still stands for the user as the store has them now: the user exists,
/// has the role and owner id the session was opened with, and has not changed password since.
/// Sessions live in this process's memory, so a change made elsewhere (`custval user passwd`,
/// another server on the same store) can only end them here, on their next request. A store
/// error ends the session too (fail closed).
pub async fn session_current<S: custval_store::Store>(store: &S, s: &Session) -> bool {
    match store.account(&s.user.name).await {
        Ok(Some(a)) => {
            let changed = a.password_changed_at.as_deref().is_some_and(|t| {
                chrono::DateTime::parse_from_rfc3339(t).map_or(true, |t| t >= s.opened_at)
            });
            a.user.role == s.user.role && a.user.owner_id == s.user.owner_id && !changed
        }
        Ok(None) => false,
        Err(e) => {
            tracing::error!("checking the session of {}: {e}", s.user.name);
            false
        }
    }
}

/// The user of an API bearer token, or why it is refused (the text of the JSON 401 body).
/// An expired or revoked token says so, with its date: whoever presents it holds the token
/// already, and the message tells its owner what to do.
pub async fn token_user<S: custval_store::Store>(
    store: &S,
    token: &str,
) -> Result<Result<User, String>, custval_store::StoreError> {
    use custval_store::TokenCheck;
    Ok(match store.check_token(token).await? {
        TokenCheck::Valid(u) => Ok(u),
        TokenCheck::Unknown => Err("unknown token".to_string()),
        TokenCheck::Expired(at) => Err(format!(
            "token expired at {at}; create a new one (custval token create)"
        )),
        TokenCheck::Revoked(at) => Err(format!("token revoked at {at}")),
    })
}

/// Middleware: every audit entry a request writes records the client's address as its
/// source ("web" when the server runs without connect info, as in tests).
pub async fn audit_source(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let source = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "web".to_string(), |c| c.0.ip().to_string());
    custval_store::with_audit_source(source, next.run(req)).await
}

/// Audits a login attempt that reached the password check (refusals by the rate limit are not
/// audited: an attacker could fill the append-only log with them). A failure names the user
/// only when such a user exists, so that a password typed into the name field is never kept
/// in a log that cannot be erased. An audit that cannot be written is logged and does not
/// change the answer.
pub async fn audit_login<S: custval_store::Store>(store: &S, name: &str, ok: bool) {
    let done = if ok {
        store
            .audit(name, "login", name, &serde_json::json!({}))
            .await
    } else {
        match store.user(name).await {
            Ok(Some(u)) => {
                store
                    .audit(
                        &u.name,
                        "login_failed",
                        &u.name,
                        &serde_json::json!({"reason": if u.has_password { "wrong password" } else { "token-only user" }}),
                    )
                    .await
            }
            Ok(None) => {
                store
                    .audit(
                        "-",
                        "login_failed",
                        "-",
                        &serde_json::json!({"reason": "unknown user"}),
                    )
                    .await
            }
            Err(e) => Err(e),
        }
    };
    if let Err(e) = done {
        tracing::error!("auditing a login: {e}");
    }
}

/// Audits a logout (best effort, like [`audit_login`]).
pub async fn audit_logout<S: custval_store::Store>(store: &S, name: &str) {
    if let Err(e) = store
        .audit(name, "logout", name, &serde_json::json!({}))
        .await
    {
        tracing::error!("auditing a logout: {e}");
    }
}

// The role rules live in custval-app, the one place the CLI, the pages and the API read them.
pub use custval_app::access::{Permission, mask, may, scope};

#[cfg(test)]
mod tests {
    use super::*;
    use custval_store::Role;

    fn user(role: Role, owner: Option<&str>) -> User {
        User {
            name: "u".into(),
            role,
            owner_id: owner.map(str::to_string),
            has_password: true,
            created_at: String::new(),
        }
    }

    #[test]
    fn tokens_are_random_hex() {
        let a = random_token().unwrap_or_default();
        let b = random_token().unwrap_or_default();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn passwords_are_random_and_readable() {
        let p = random_password().unwrap_or_default();
        assert_eq!(p.len(), 16);
        assert!(
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c))
        );
        assert_ne!(p, random_password().unwrap_or_default());
    }

    #[test]
    fn cookies_parse_and_print() {
        let h = "a=1; custval_session=abc ; lang=zh";
        assert_eq!(cookie(h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(h, "missing"), None);
        let c = set_cookie(SESSION_COOKIE, "x", None, true, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!set_cookie("a", "b", Some(0), false, false).contains("Secure"));
    }

    #[test]
    fn constant_time_equality() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }

    #[test]
    fn limiter_counts_per_user_and_ip() {
        let l = LoginLimiter::new(2, Duration::from_secs(60));
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert!(l.begin("ann", ip));
        assert!(l.begin("ann", ip));
        assert!(
            !l.begin("ann", ip),
            "two attempts counted before any verify"
        );
        // Names are case-sensitive, like the store's users.
        assert!(l.begin("Ann", ip));
        assert!(l.begin("bob", ip));
        l.succeeded("ann", ip);
        assert!(l.begin("ann", ip));
        for k in 0..8 {
            l.begin(&format!("x{k}"), ip);
        }
        assert!(!l.begin("carol", ip), "the address limit");
        assert!(l.begin("carol", [10, 0, 0, 1].into()));
        // ann logged in from this address before: the address limit does not lock her out.
        assert!(l.begin("ann", ip));
    }

    /// Issue 18: the limit was checked before the argon2 verify and counted after it, so
    /// parallel attempts all passed the check. Now at most `max_failures` get through.
    #[test]
    fn regression_parallel_attempts_cannot_race_the_limit() {
        let l = std::sync::Arc::new(LoginLimiter::new(5, Duration::from_secs(60)));
        let passed = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for t in 0..8u8 {
                let (l, passed) = (l.clone(), &passed);
                s.spawn(move || {
                    for _ in 0..25 {
                        if l.begin("victim", [192, 0, 2, t].into()) {
                            passed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                });
            }
        });
        assert_eq!(passed.load(std::sync::atomic::Ordering::SeqCst), 5);
    }

    #[test]
    fn sessions_expire() {
        let s = Sessions::default();
        let id = s.open(user(Role::Admin, None)).unwrap_or_default();
        assert!(s.get(&id, Duration::from_secs(60)).is_some());
        assert!(s.get(&id, Duration::ZERO).is_none());
        assert!(s.get(&id, Duration::from_secs(60)).is_none());
    }
}
