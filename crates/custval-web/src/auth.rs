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
//! - **The user is snapshotted at login**: a role changed in the store applies at the next
//!   login, so changing or deleting a user on the settings page ends their sessions. API
//!   tokens are looked up on every request (the store keeps only their SHA-256).
//! - Randomness comes from the operating system (`getrandom`), never from a seeded generator.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use custval_store::{Role, User};

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

/// Failed logins per user name and per client address in a sliding window.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    by_user: Mutex<HashMap<String, Vec<Instant>>>,
    by_ip: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

fn recent(v: &mut Vec<Instant>, window: Duration, now: Instant) -> usize {
    v.retain(|t| now.duration_since(*t) < window);
    v.len()
}

impl LoginLimiter {
    /// At most `max_failures` failures per user and per IP within `window`. The per-IP limit
    /// is four times the per-user one, so that a shared office address is not locked out by
    /// one user's typos.
    pub fn new(max_failures: usize, window: Duration) -> LoginLimiter {
        LoginLimiter {
            max_failures,
            window,
            by_user: Mutex::new(HashMap::new()),
            by_ip: Mutex::new(HashMap::new()),
        }
    }

    /// True when a login for `user` from `ip` may be tried now.
    pub fn allowed(&self, user: &str, ip: IpAddr) -> bool {
        let now = Instant::now();
        let user_ok = self.by_user.lock().is_ok_and(|mut m| {
            m.get_mut(&user.to_lowercase())
                .is_none_or(|v| recent(v, self.window, now) < self.max_failures)
        });
        let ip_ok = self.by_ip.lock().is_ok_and(|mut m| {
            m.get_mut(&ip)
                .is_none_or(|v| recent(v, self.window, now) < self.max_failures * 4)
        });
        user_ok && ip_ok
    }

    /// Counts a failed login.
    pub fn failed(&self, user: &str, ip: IpAddr) {
        let now = Instant::now();
        if let Ok(mut m) = self.by_user.lock() {
            m.entry(user.to_lowercase()).or_default().push(now);
        }
        if let Ok(mut m) = self.by_ip.lock() {
            m.entry(ip).or_default().push(now);
        }
    }

    /// Forgets a user's failures after a successful login.
    pub fn succeeded(&self, user: &str) {
        if let Ok(mut m) = self.by_user.lock() {
            m.remove(&user.to_lowercase());
        }
    }

    /// Seconds until the window ends (for `Retry-After`).
    pub fn retry_after(&self) -> u64 {
        self.window.as_secs().max(1)
    }
}

/// What a role may do (DOMAIN §11). Sales users are further restricted to their own
/// customers by [`scope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Runs list, run config view.
    Runs,
    /// Set or clear a tier override.
    Override,
    /// Users and roles.
    Admin,
    /// Phone and e-mail unmasked.
    PersonalData,
    /// Alerts (acknowledge, assign).
    Alerts,
    /// Edit a key account's plan (SWOT, goals, review, actions). Every role has it: the plan
    /// is the account manager's working record (DOMAIN §7b), so sales edit the plans of the
    /// customers they own (the [`scope`] still applies), managers and admins any, and
    /// analysts any, as they prepare the data-driven SWOT.
    Plans,
}

/// True when `role` has `p`.
pub fn may(role: Role, p: Permission) -> bool {
    use Permission as P;
    match role {
        Role::Admin => true,
        Role::Analyst => matches!(p, P::Runs | P::Plans),
        Role::Manager => matches!(p, P::Override | P::PersonalData | P::Alerts | P::Plans),
        Role::Sales => matches!(p, P::Plans),
    }
}

/// An owner value no customer has: what a sales user without an owner id is limited to.
const NO_OWNER: &str = "\u{1}no owner";

/// The owner filter forced on `user`'s queries: their owner id for sales, none otherwise.
pub fn scope(user: &User) -> Option<String> {
    match user.role {
        Role::Sales => Some(
            user.owner_id
                .clone()
                .unwrap_or_else(|| NO_OWNER.to_string()),
        ),
        _ => None,
    }
}

/// True when `user` may see a customer owned by `owner`.
pub fn can_see(user: &User, owner: Option<&str>) -> bool {
    match scope(user) {
        None => true,
        Some(o) => owner == Some(o.as_str()),
    }
}

/// A phone number or e-mail as shown to `user`: masked unless the role may see personal
/// data (the first characters and the domain of an e-mail stay, to recognise it).
pub fn mask(user: &User, value: &str) -> String {
    if may(user.role, Permission::PersonalData) {
        return value.to_string();
    }
    if let Some((local, domain)) = value.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let chars: Vec<char> = value.chars().collect();
    let keep = chars.len().saturating_sub(2).min(3);
    let head: String = chars[..keep].iter().collect();
    format!("{head}{}", "*".repeat(chars.len().saturating_sub(keep)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(l.allowed("ann", ip));
        l.failed("ann", ip);
        l.failed("Ann", ip);
        assert!(!l.allowed("ann", ip));
        assert!(l.allowed("bob", ip));
        l.succeeded("ann");
        assert!(l.allowed("ann", ip));
        for _ in 0..8 {
            l.failed("x", ip);
        }
        assert!(!l.allowed("carol", ip));
        assert!(l.allowed("carol", [10, 0, 0, 1].into()));
    }

    #[test]
    fn sessions_expire() {
        let s = Sessions::default();
        let id = s.open(user(Role::Admin, None)).unwrap_or_default();
        assert!(s.get(&id, Duration::from_secs(60)).is_some());
        assert!(s.get(&id, Duration::ZERO).is_none());
        assert!(s.get(&id, Duration::from_secs(60)).is_none());
    }

    #[test]
    fn roles_and_scopes() {
        let sales = user(Role::Sales, Some("rep01"));
        assert_eq!(scope(&sales).as_deref(), Some("rep01"));
        assert!(can_see(&sales, Some("rep01")));
        assert!(!can_see(&sales, Some("rep02")));
        assert!(!can_see(&sales, None));
        let lost = user(Role::Sales, None);
        assert!(!can_see(&lost, None));
        assert!(can_see(&user(Role::Analyst, None), Some("rep02")));
        assert!(may(Role::Manager, Permission::Override));
        assert!(!may(Role::Analyst, Permission::Override));
        assert!(!may(Role::Manager, Permission::Runs));
        assert!(may(Role::Analyst, Permission::Runs));
        assert!(!may(Role::Sales, Permission::Override));
        for role in [Role::Admin, Role::Analyst, Role::Manager, Role::Sales] {
            assert!(may(role, Permission::Plans), "{role:?} edits plans");
        }
    }

    #[test]
    fn personal_data_is_masked_by_role() {
        let a = user(Role::Analyst, None);
        assert_eq!(mask(&a, "li@example.com"), "l***@example.com");
        assert_eq!(mask(&a, "555-1234"), "555*****");
        assert_eq!(mask(&user(Role::Manager, None), "555-1234"), "555-1234");
    }
}
