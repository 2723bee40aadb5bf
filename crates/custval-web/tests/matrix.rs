//! The access-control matrix (issue 18), generated from the router: every route of
//! [`custval_web::routes`] (the table the router is built from) is called as every role and
//! signed out, on customers that are the user's own, another owner's and formerly the
//! user's (moved from rep01 to rep02 between the runs), in the old and the current run
//! (`?run=`), over a real server on port 0 and a real SQLite store. Each answer is checked
//! against the route's declared [`Access`] rule, and its body for the names and ids of
//! customers the user may not see and for unmasked contact details.
//!
//! A route the matrix cannot call (a path parameter it does not know how to fill) fails the
//! test, so a new route cannot be added untested.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::SocketAddr;

use common::{Client, PASSWORD, day};
use custval_model::{CustomerRecord, TxRecord};
use custval_store::prelude::*;
use custval_store::{AlertQuery, OpenOptions, Role, SqliteStore};
use custval_web::{API_PREFIX, Access, Method, Permission, RouteSpec, may, routes};

const N: usize = 120;
const OWNERS: [&str; 4] = ["rep01", "rep02", "rep03", "rep04"];

/// Fixed-width ids and names, so that no one is a substring of another.
fn cid(i: usize) -> String {
    format!("MX{i:03}Q")
}
fn cname(i: usize) -> String {
    format!("Firma {i:03} GmbH")
}
fn phone(i: usize) -> String {
    format!("555-7{i:03}")
}
fn email(i: usize) -> String {
    format!("buyer{i:03}@matrix.example")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Actor {
    Anonymous,
    Admin,
    Analyst,
    Manager,
    /// Sales, owner rep01.
    Sam,
    /// Sales, owner rep02.
    Sue,
}

const ACTORS: [Actor; 6] = [
    Actor::Anonymous,
    Actor::Admin,
    Actor::Analyst,
    Actor::Manager,
    Actor::Sam,
    Actor::Sue,
];

impl Actor {
    fn user(self) -> Option<&'static str> {
        match self {
            Actor::Anonymous => None,
            Actor::Admin => Some("admin"),
            Actor::Analyst => Some("ana"),
            Actor::Manager => Some("mia"),
            Actor::Sam => Some("sam"),
            Actor::Sue => Some("sue"),
        }
    }
    fn role(self) -> Option<Role> {
        match self {
            Actor::Anonymous => None,
            Actor::Admin => Some(Role::Admin),
            Actor::Analyst => Some(Role::Analyst),
            Actor::Manager => Some(Role::Manager),
            Actor::Sam | Actor::Sue => Some(Role::Sales),
        }
    }
    fn owner(self) -> Option<&'static str> {
        match self {
            Actor::Sam => Some("rep01"),
            Actor::Sue => Some("rep02"),
            _ => None,
        }
    }
}

/// Which customer a case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// rep01's in every run (sam's own).
    Own,
    /// rep02's in every run.
    Other,
    /// rep01's in the old run, rep02's now.
    Former,
    /// No customer named (lists unfiltered, pages without a customer).
    Unnamed,
}

const KINDS: [Kind; 4] = [Kind::Own, Kind::Other, Kind::Former, Kind::Unnamed];

/// The fixture: the store, the server and who owns what.
struct Fixture {
    base: String,
    store: SqliteStore,
    /// Customer index of each named kind.
    index: BTreeMap<Kind, usize>,
    /// Old run, current run.
    runs: [i64; 2],
    /// Alert id of a kind's customer in a run.
    alerts: BTreeMap<(Kind, i64), i64>,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Fixture {
    /// The owner of customer `i` in `run` (the move happens before the current run).
    fn owner_in(&self, i: usize, run: i64) -> &'static str {
        if i == self.index[&Kind::Former] && run == self.runs[1] {
            "rep02"
        } else {
            OWNERS[i % OWNERS.len()]
        }
    }

    fn owner_now(&self, i: usize) -> &'static str {
        self.owner_in(i, self.runs[1])
    }
}

/// xorshift64*: deterministic data without a dependency.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn customer(i: usize, owner: &str) -> CustomerRecord {
    CustomerRecord {
        customer_id: cid(i),
        name: Some(cname(i)),
        industry: Some(["医药", "制造业"][i % 2].to_string()),
        region: Some(["华东", "华南", "华北"][i % 3].to_string()),
        size: Some(if i % 5 == 0 { "key" } else { "small" }.to_string()),
        signup_date: Some(day(2023, 8, 1) + (i as i32 * 83) % 360),
        owner: Some(owner.to_string()),
        phone: Some(phone(i)),
        email: Some(email(i)),
        wallet: None,
    }
}

async fn evaluate(store: &SqliteStore, as_of: custval_model::Day) -> i64 {
    let (plan, _) = custval_eval::from_config::plan(custval_config::DEFAULT_TOML).expect("plan");
    custval_app::evaluate_one(store, as_of, custval_config::DEFAULT_TOML, &plan)
        .await
        .expect("evaluate");
    store.runs().await.expect("runs")[0].id
}

async fn alerts_of(store: &SqliteStore, run: i64) -> Vec<custval_store::StoredAlert> {
    store
        .alerts(&AlertQuery {
            run: Some(run),
            ..Default::default()
        })
        .await
        .expect("alerts")
}

/// Imports the company, evaluates three runs (the first is only a baseline for the alerts
/// of the second) and moves the former customer from rep01 to rep02 before the third.
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("custval.db");
    let mut store = SqliteStore::open(&db.display().to_string(), OpenOptions { create: true })
        .await
        .expect("store");
    // Contact fields are stored sealed: the store needs a key to import them.
    let key = custval_store::crypto::Key::generate().expect("key");
    store.unlock(Some(key)).await.expect("unlock");
    let mut rng = Rng(0x5DEE_CE66_D1CE_4E5B);
    let customers: Vec<CustomerRecord> = (0..N)
        .map(|i| customer(i, OWNERS[i % OWNERS.len()]))
        .collect();
    // Purchases as in tests/common: Poisson-like gaps with per-customer rates, a fifth of the
    // customers stop buying a year before the end (so that alerts fire).
    let end = day(2025, 6, 30);
    let mut txs = Vec::new();
    for (i, c) in customers.iter().enumerate() {
        let scale = if i % 5 == 0 { 20_000.0 } else { 1_500.0 };
        let rate = 0.01 + rng.unit() * 0.05;
        let stop = if rng.unit() < 0.3 { end - 250 } else { end };
        let mut d = c.signup_date.expect("signup");
        let mut k = 0;
        while d <= stop {
            let amount = (scale * (0.3 + rng.unit() * 1.4) * 100.0).round() / 100.0;
            txs.push(TxRecord {
                order_id: Some(format!("{}-{k:03}", c.customer_id)),
                customer_id: c.customer_id.clone(),
                date: d,
                amount,
                cost: Some((amount * (0.55 + rng.unit() * 0.3) * 100.0).round() / 100.0),
                category: Some(["药品", "器械", "软件许可"][k % 3].to_string()),
                quantity: Some(1.0),
                channel: Some("direct".to_string()),
            });
            k += 1;
            d += 1 + (-(rng.unit().max(1e-9)).ln() / rate) as i32;
        }
    }
    store.import_customers(&customers).await.expect("customers");
    store.import_transactions(&txs).await.expect("transactions");
    evaluate(&store, day(2024, 12, 31)).await;
    let old = evaluate(&store, day(2025, 3, 31)).await;
    // The former customer: rep01's with an alert in the old run, moved to rep02 before the
    // current run; own and other: customers with alerts in both runs where there are some.
    let alerted = |alerts: &[custval_store::StoredAlert]| -> BTreeSet<usize> {
        alerts
            .iter()
            .filter_map(|a| a.customer_id[2..5].parse().ok())
            .collect()
    };
    let in_old = alerted(&alerts_of(&store, old).await);
    eprintln!("matrix: customers with alerts in the old run: {in_old:?}");
    let pick = |owner: &str, skip: Option<usize>, with: &BTreeSet<usize>| {
        let of_owner = |i: &usize| OWNERS[i % OWNERS.len()] == owner && Some(*i) != skip;
        with.iter()
            .copied()
            .find(of_owner)
            .or_else(|| in_old.iter().copied().find(of_owner))
            .or_else(|| (0..N).find(of_owner))
            .expect("a customer of the owner")
    };
    let former = pick("rep01", None, &in_old);
    store
        .import_customers(&[customer(former, "rep02")])
        .await
        .expect("move to rep02");
    let current = evaluate(&store, day(2025, 6, 30)).await;
    let in_both: BTreeSet<usize> = alerted(&alerts_of(&store, current).await)
        .intersection(&in_old)
        .copied()
        .collect();
    eprintln!("matrix: customers with alerts in both runs: {in_both:?}");
    let own = pick("rep01", Some(former), &in_both);
    let other = pick("rep02", None, &in_both);
    let index = BTreeMap::from([
        (Kind::Own, own),
        (Kind::Other, other),
        (Kind::Former, former),
    ]);
    let mut alerts = BTreeMap::new();
    for run in [old, current] {
        let found = alerts_of(&store, run).await;
        for (kind, i) in &index {
            if let Some(a) = found.iter().find(|a| a.customer_id == cid(*i)) {
                alerts.insert((*kind, run), a.id);
            }
        }
    }
    eprintln!("matrix: customers {index:?}, alerts (kind, run) → id {alerts:?}");
    for (name, role, owner) in [
        ("admin", Role::Admin, None),
        ("ana", Role::Analyst, None),
        ("mia", Role::Manager, None),
        ("sam", Role::Sales, Some("rep01")),
        ("sue", Role::Sales, Some("rep02")),
    ] {
        store
            .add_user(name, role, owner, Some(PASSWORD))
            .await
            .expect("user");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let s = store.clone();
    let task = tokio::spawn(async move {
        let options = custval_web::Options {
            prewarm: false,
            ..Default::default()
        };
        custval_web::launch_with_listener(s, listener, options, async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    Fixture {
        base: format!("http://{addr}"),
        store,
        index,
        runs: [old, current],
        alerts,
        _dir: dir,
        stop: Some(tx),
        task: Some(task),
    }
}

/// What a case must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The route did its work: 200 for a GET or an API call, 303 (not to the login page, no
    /// error) for a form; a public route: any 2xx or 3xx.
    Ok,
    /// Signed out on a page: 303 to the login page.
    Login,
    /// Signed out on the API: 401.
    Unauthorized,
    Forbidden,
    NotFound,
}

/// Whether `actor` may see a customer of `kind`: everyone but sales sees every customer; a
/// sales user only as its current owner, whatever the run.
fn sees(actor: Actor, kind: Kind) -> bool {
    match actor {
        Actor::Anonymous => false,
        Actor::Sam => kind == Kind::Own,
        Actor::Sue => matches!(kind, Kind::Other | Kind::Former),
        _ => true,
    }
}

/// The answer the route's access rule prescribes.
fn expected(route: &RouteSpec, actor: Actor, kind: Kind) -> Expect {
    let Some(role) = actor.role() else {
        return match route.access {
            Access::Public => Expect::Ok,
            _ if route.is_api() => Expect::Unauthorized,
            _ => Expect::Login,
        };
    };
    let allowed = |p: Option<Permission>| {
        if p.is_none_or(|p| may(role, p)) {
            Expect::Ok
        } else {
            Expect::Forbidden
        }
    };
    match route.access {
        Access::Public | Access::SignedIn => Expect::Ok,
        Access::Role(p) => allowed(Some(p)),
        Access::Customer(p) if sees(actor, kind) => allowed(p),
        Access::Alert(p) if sees(actor, kind) => allowed(Some(p)),
        Access::Customer(_) | Access::Alert(_) => Expect::NotFound,
    }
}

/// Where a route names a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// `{id}` is a customer id.
    Path,
    /// `{id}` is an alert id (of the kind's customer in the case's run).
    Alert,
    /// A query filter of that name.
    Filter(&'static str),
    None,
}

fn slot(path: &str) -> Slot {
    let p = path.strip_prefix(API_PREFIX).unwrap_or(path);
    if p.starts_with("/customers/{id}") {
        Slot::Path
    } else if p.starts_with("/alerts/{id}") {
        Slot::Alert
    } else {
        match (path.starts_with(API_PREFIX), p) {
            (false, "/customers" | "/export/customers.csv" | "/export/customers.xlsx") => {
                Slot::Filter("q")
            }
            (true, "/customers") => Slot::Filter("search"),
            (true, "/alerts") => Slot::Filter("customer_id"),
            _ => Slot::None,
        }
    }
}

/// How a route picks its run: `?run=`, `?from=&to=` or a run id in the path.
fn takes_run(route: &RouteSpec) -> Option<&'static str> {
    let p = route.path.strip_prefix(API_PREFIX).unwrap_or(route.path);
    if route.path.contains("/runs/{id}") {
        return Some("path");
    }
    if route.method != Method::Get {
        return None;
    }
    match p {
        "/runs/compare" | "/migrations" => Some("to"),
        "/" if route.is_api() => None,
        "/"
        | "/accounts"
        | "/alerts"
        | "/customers"
        | "/customers/{id}"
        | "/customers/{id}/plan"
        | "/export/customers.csv"
        | "/export/customers.xlsx" => Some("run"),
        _ => None,
    }
}

/// One request of the matrix.
struct Planned {
    /// Path and query, `{name}` still unfilled (filled with a fresh user when sent).
    url: String,
    /// Customer shown by the case, for the leak check's run.
    run: i64,
}

/// The request of `route` for a customer of `kind` in `run`; `Ok(None)` when the case does
/// not apply (a kind for a route that names no customer, no alert of that customer).
fn plan(fx: &Fixture, route: &RouteSpec, kind: Kind, run: i64) -> Result<Option<Planned>, String> {
    let slot = slot(route.path);
    let by_run = takes_run(route);
    let applies = match slot {
        Slot::None => kind == Kind::Unnamed,
        Slot::Path | Slot::Alert => kind != Kind::Unnamed,
        Slot::Filter(_) => true,
    };
    if !applies {
        return Ok(None);
    }
    // Routes that do not depend on the run are called for the current run only (an alert
    // route depends on it: the alert is one of that run's).
    if by_run.is_none() && slot != Slot::Alert && run != fx.runs[1] {
        return Ok(None);
    }
    let mut url = String::new();
    for seg in route.path.split('/').skip(1) {
        url.push('/');
        match seg {
            "{id}" => match slot {
                Slot::Path => url.push_str(&cid(fx.index[&kind])),
                Slot::Alert => match fx.alerts.get(&(kind, run)) {
                    Some(a) => url.push_str(&a.to_string()),
                    None => return Ok(None),
                },
                _ if by_run == Some("path") => url.push_str(&run.to_string()),
                _ => return Err(format!("{}: what is {{id}}?", route.path)),
            },
            "{code}" => url.push_str("en"),
            "{name}" => url.push_str("{name}"),
            s if s.starts_with('{') => {
                return Err(format!(
                    "{} {}: the matrix does not know how to fill {s}; teach it (tests/matrix.rs)",
                    route.method.as_str(),
                    route.path
                ));
            }
            s => url.push_str(s),
        }
    }
    let mut query = Vec::new();
    match by_run {
        Some("run") => query.push(format!("run={run}")),
        Some("to") => query.push(format!("from=1&to={run}")),
        _ => {}
    }
    if let (Slot::Filter(name), Some(i)) = (slot, fx.index.get(&kind)) {
        query.push(format!("{name}={}", cid(*i)));
    }
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    // Alert actions and POSTs act on the current state; the alert's own run is the case's.
    let run = if slot == Slot::Alert || by_run.is_some() {
        run
    } else {
        fx.runs[1]
    };
    Ok(Some(Planned { url, run }))
}

/// The form fields of a page POST (besides the CSRF token).
fn form_fields(path: &str, fresh: &str) -> Vec<(String, String)> {
    let f = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    match path {
        "/customers/{id}/override" => f(&[("tier", "A"), ("reason", "matrix")]),
        "/customers/{id}/plan" => f(&[("goals", "matrix goal")]),
        "/alerts/{id}/ack" => f(&[("back", "/alerts")]),
        "/alerts/{id}/assign" => f(&[("assignee", "mia"), ("back", "/alerts")]),
        "/settings/users" => f(&[
            ("name", fresh),
            ("role", "sales"),
            ("owner_id", "rep03"),
            ("password", PASSWORD),
        ]),
        "/settings/users/{name}" => f(&[("role", "analyst"), ("owner_id", "")]),
        _ => Vec::new(),
    }
}

/// The JSON body of an API call.
fn json_body(route: &RouteSpec, customer: Option<&str>) -> Option<serde_json::Value> {
    let p = route.path.strip_prefix(API_PREFIX).unwrap_or(route.path);
    match (route.method, p) {
        (Method::Post, "/customers/{id}/override") => {
            Some(serde_json::json!({"tier": "A", "reason": "matrix"}))
        }
        (Method::Put, "/customers/{id}/plan") => {
            let plan = custval_accounts::AccountPlan::new(customer.unwrap_or_default());
            serde_json::to_value(plan).ok()
        }
        (Method::Post, "/alerts/{id}/assign") => Some(serde_json::json!({"assignee": "mia"})),
        _ => None,
    }
}

/// The text of a body: an XLSX export's XML parts, else the bytes as UTF-8.
fn text_of(bytes: &[u8]) -> String {
    if bytes.starts_with(b"PK")
        && let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes))
    {
        let mut out = String::new();
        for k in 0..zip.len() {
            if let Ok(mut f) = zip.by_index(k) {
                let _ = f.read_to_string(&mut out);
            }
        }
        return out;
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// What the body must not hold: the id and name of every customer `actor` may not see in
/// `run` (for sales: neither theirs in that run nor theirs now), and contact details in
/// clear for the roles that see them masked.
fn forbidden(fx: &Fixture, actor: Actor, run: i64) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..N {
        let hidden = match actor {
            Actor::Anonymous => true,
            Actor::Sam | Actor::Sue => {
                let me = actor.owner();
                me != Some(fx.owner_in(i, run)) && me != Some(fx.owner_now(i))
            }
            _ => false,
        };
        if hidden {
            out.push(cid(i));
            out.push(cname(i));
        }
        if actor
            .role()
            .is_none_or(|r| !may(r, Permission::PersonalData))
        {
            out.push(phone(i));
            out.push(email(i));
        }
    }
    out
}

fn judge(
    want: Expect,
    public: bool,
    method: Method,
    api: bool,
    status: u16,
    location: &str,
) -> bool {
    match want {
        Expect::Ok if public => (200..400).contains(&status),
        Expect::Ok if method == Method::Get || api => status == 200,
        Expect::Ok => {
            status == 303 && !location.starts_with("/login") && !location.contains("err=")
        }
        Expect::Login => status == 303 && location.starts_with("/login"),
        Expect::Unauthorized => status == 401,
        Expect::Forbidden => status == 403,
        Expect::NotFound => status == 404,
    }
}

struct Actors {
    clients: BTreeMap<Actor, Client>,
    csrf: BTreeMap<Actor, String>,
    tokens: BTreeMap<Actor, String>,
}

async fn sign_in(fx: &Fixture, actor: Actor) -> Client {
    let mut c = Client::new(&fx.base);
    if let Some(user) = actor.user() {
        let r = c.login(user, PASSWORD).await;
        assert_eq!(r.status(), 303, "login of {user}");
    }
    c
}

async fn actors(fx: &Fixture) -> Actors {
    let mut a = Actors {
        clients: BTreeMap::new(),
        csrf: BTreeMap::new(),
        tokens: BTreeMap::new(),
    };
    for actor in ACTORS {
        let c = sign_in(fx, actor).await;
        if let Some(user) = actor.user() {
            a.csrf.insert(actor, c.csrf().await);
            a.tokens
                .insert(actor, fx.store.create_token(user).await.expect("token"));
        }
        a.clients.insert(actor, c);
    }
    a
}

/// Sends one case; returns status, Location and body text.
async fn send(
    fx: &Fixture,
    who: &Actors,
    actor: Actor,
    route: &RouteSpec,
    url: &str,
    customer: Option<&str>,
    fresh: &str,
) -> (u16, String, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let full = format!("{}{url}", fx.base);
    let r = if route.is_api() {
        let method = reqwest::Method::from_bytes(route.method.as_str().as_bytes()).expect("m");
        let mut req = http.request(method, &full);
        if let Some(t) = who.tokens.get(&actor) {
            req = req.bearer_auth(t);
        }
        if let Some(b) = json_body(route, customer) {
            req = req.json(&b);
        }
        req.send().await.expect("api call")
    } else if route.path == "/login" && route.method == Method::Post {
        // Signing in is the public POST: the actor's own user, or sam for a visitor.
        let mut c = Client::new(&fx.base);
        c.login(actor.user().unwrap_or("sam"), PASSWORD).await
    } else if route.path == "/logout" {
        // Logging out ends the session: a session of its own.
        let c = sign_in(fx, actor).await;
        let csrf = if actor.user().is_some() {
            c.csrf().await
        } else {
            String::new()
        };
        c.post(url, &[("csrf", csrf.as_str())]).await
    } else {
        let c = &who.clients[&actor];
        match route.method {
            Method::Get => c.get(url).await,
            _ => {
                let mut form = form_fields(route.path, fresh);
                if let Some(t) = who.csrf.get(&actor) {
                    form.push(("csrf".into(), t.clone()));
                }
                let pairs: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                c.post(url, &pairs).await
            }
        }
    };
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = r.bytes().await.unwrap_or_default();
    (status, location, text_of(&bytes))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_by_every_role_on_every_kind_of_customer_in_both_runs() {
    let t0 = std::time::Instant::now();
    let fx = fixture().await;
    eprintln!("matrix: fixture ready in {:.1?}", t0.elapsed());
    let who = actors(&fx).await;
    eprintln!("matrix: signed in in {:.1?}", t0.elapsed());
    let table = routes();
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    let mut cases = 0usize;
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut fresh_users = 0usize;
    for route in &table {
        eprintln!(
            "matrix: {} {} at {:.1?}, {cases} cases so far",
            route.method.as_str(),
            route.path,
            t0.elapsed()
        );
        for kind in KINDS {
            for run in fx.runs {
                let planned = match plan(&fx, route, kind, run) {
                    Ok(Some(p)) => p,
                    Ok(None) => continue,
                    Err(e) => {
                        failures.push(e);
                        continue;
                    }
                };
                for actor in ACTORS {
                    if !seen.insert((actor, route.method, planned.url.clone())) {
                        continue;
                    }
                    let mut url = planned.url.clone();
                    fresh_users += 1;
                    let fresh = format!("tmp{fresh_users:04}");
                    if url.contains("{name}") {
                        // A user of its own to change or delete.
                        fx.store
                            .add_user(&fresh, Role::Sales, Some("rep03"), Some(PASSWORD))
                            .await
                            .expect("fresh user");
                        url = url.replace("{name}", &fresh);
                    }
                    let customer = fx.index.get(&kind).map(|i| cid(*i));
                    let want = expected(route, actor, kind);
                    let (status, location, body) =
                        send(&fx, &who, actor, route, &url, customer.as_deref(), &fresh).await;
                    cases += 1;
                    *by_rule.entry(format!("{:?}", route.access)).or_default() += 1;
                    let public = route.access == Access::Public;
                    // Logging out ends on the login page.
                    let logout = route.path == "/logout" && want == Expect::Ok;
                    let right = (logout && status == 303)
                        || judge(
                            want,
                            public,
                            route.method,
                            route.is_api(),
                            status,
                            &location,
                        );
                    if !right {
                        failures.push(format!(
                            "{:?} {} {url} ({kind:?}): {status} {location}, expected {want:?}",
                            actor,
                            route.method.as_str()
                        ));
                    }
                    // The filter a case types is echoed back (the search box, page and language links):
                    // that is the user's own input, not another customer's data.
                    let mut body = body;
                    if let (Slot::Filter(name), Some(id)) = (slot(route.path), &customer) {
                        body = body
                            .replace(&format!("value=\"{id}\""), "")
                            .replace(&format!("{name}={id}"), "")
                            .replace(&format!("%3D{id}"), "");
                    }
                    for secret in forbidden(&fx, actor, planned.run) {
                        if let Some(at) = body.find(&secret) {
                            let around: String = body[at.saturating_sub(60)..]
                                .chars()
                                .take(120 + secret.len())
                                .collect();
                            failures.push(format!(
                                "LEAK {:?} {} {url} ({kind:?}): the body holds {secret:?}: …{around}…",
                                actor,
                                route.method.as_str()
                            ));
                        }
                    }
                }
            }
        }
    }
    // Every route of the table was called at least once by every actor.
    for route in &table {
        for actor in ACTORS {
            let hit = seen
                .iter()
                .any(|(a, m, u)| *a == actor && *m == route.method && matches(route.path, u));
            if !hit {
                failures.push(format!(
                    "{:?} never called {} {}",
                    actor,
                    route.method.as_str(),
                    route.path
                ));
            }
        }
    }
    println!(
        "access matrix: {cases} cases over {} routes × {} actors × customer kinds × runs; by rule: {by_rule:?}; {} failures",
        table.len(),
        ACTORS.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases > 500, "{cases} cases");
    fx.stop().await;
}

impl Fixture {
    async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.expect("server task");
        }
    }
}

/// Whether the concrete `url` is an instance of the route pattern `path`.
fn matches(path: &str, url: &str) -> bool {
    let url = url.split('?').next().unwrap_or(url);
    let (a, b): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), url.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(p, u)| p.starts_with('{') || p == u)
}

/// Issue 18 (schemathesis against the OpenAPI document): paging outside the documented
/// ranges was clamped and answered 200, an unknown alert status gave an empty list, a plan
/// with an unknown field and a plan that breaks a rule must answer the documented bodies.
#[tokio::test]
async fn regression_api_answers_what_the_openapi_document_says() {
    let fx = fixture().await;
    let token = fx.store.create_token("admin").await.expect("token");
    let http = reqwest::Client::new();
    let own = cid(fx.index[&Kind::Own]);
    let call = |method: reqwest::Method, path: String, body: Option<serde_json::Value>| {
        let mut req = http
            .request(method, format!("{}{path}", fx.base))
            .bearer_auth(&token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
    };
    for (path, want) in [
        ("/api/v1/customers?per_page=1000", 200),
        ("/api/v1/customers?per_page=1001", 400),
        ("/api/v1/customers?page=0", 400),
        ("/api/v1/customers?page=9223372036854775808", 400),
        ("/api/v1/alerts?per_page=5000", 400),
        ("/api/v1/alerts?status=acknowledged", 200),
        ("/api/v1/alerts?status=", 200),
        ("/api/v1/alerts?status=closed", 400),
        ("/api/v1/runs/9223372036854775808", 400),
    ] {
        let r = call(reqwest::Method::GET, path.to_string(), None)
            .await
            .expect("api");
        assert_eq!(r.status().as_u16(), want, "{path}");
        let body: serde_json::Value = r.json().await.expect("JSON");
        if want == 400 {
            assert!(
                body["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{path}"
            );
        }
    }
    let plan = |extra: serde_json::Value| {
        let mut p = serde_json::json!({"customer_id": own, "goals": ["grow"]});
        if let (Some(p), Some(e)) = (p.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        p
    };
    let path = format!("/api/v1/customers/{own}/plan");
    let r = call(
        reqwest::Method::PUT,
        path.clone(),
        Some(plan(serde_json::json!({"colour": "red"}))),
    )
    .await
    .expect("api");
    assert_eq!(r.status(), 400, "an unknown field");
    let r = call(
        reqwest::Method::PUT,
        path.clone(),
        Some(plan(serde_json::json!({
            "next_review": "2025-01-01",
            "actions": [{"date": "2025-02-01", "action": "call"}]
        }))),
    )
    .await
    .expect("api");
    assert_eq!(r.status(), 422, "review before the last action");
    let body: serde_json::Value = r.json().await.expect("JSON");
    assert!(
        body["problems"].as_array().is_some_and(|p| !p.is_empty()),
        "{body}"
    );
    let r = call(
        reqwest::Method::PUT,
        path,
        Some(plan(serde_json::json!({}))),
    )
    .await
    .expect("api");
    assert_eq!(r.status(), 200);
    fx.stop().await;
}

/// Issue 18 (found by the matrix): the override forms checked the role before the customer,
/// so a sales user got 403 for another owner's customer where every other route answers 404,
/// as if it did not exist. Visibility comes first now, as in the API.
#[tokio::test]
async fn regression_override_forms_answer_404_for_another_owners_customer() {
    let fx = fixture().await;
    let mut sam = Client::new(&fx.base);
    assert_eq!(sam.login("sam", PASSWORD).await.status(), 303);
    let csrf = sam.csrf().await;
    for (kind, want) in [(Kind::Own, 403), (Kind::Other, 404), (Kind::Former, 404)] {
        let id = cid(fx.index[&kind]);
        for path in [
            format!("/customers/{id}/override"),
            format!("/customers/{id}/override/clear"),
        ] {
            let form = [("csrf", csrf.as_str()), ("tier", "A"), ("reason", "probe")];
            let status = sam.post(&path, &form).await.status().as_u16();
            assert_eq!(status, want, "{kind:?} {path}");
        }
    }
    fx.stop().await;
}
