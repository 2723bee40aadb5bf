//! Test fixture: a temporary SQLite store with a small generated company (customers with
//! owners rep01–rep04, two years of orders), two evaluation runs, one user per role and API
//! tokens; a real server on 127.0.0.1:0; and a small HTTP client that keeps a session.

#![allow(dead_code)]

pub mod browser;

use std::net::SocketAddr;

use custval_model::{CustomerRecord, Day, TxRecord};
use custval_store::prelude::*;
use custval_store::{OpenOptions, Role, SqliteStore};
use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use reqwest::redirect::Policy;

pub const PASSWORD: &str = "correct horse battery";
pub const CUSTOMERS: usize = 240;
pub const OWNERS: [&str; 4] = ["rep01", "rep02", "rep03", "rep04"];

/// xorshift64*: deterministic test data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub fn day(y: i32, m: u32, d: u32) -> Day {
    custval_model::date::days_from_ymd(y, m, d).expect("date")
}

/// The owner of customer number `i`.
pub fn owner_of(i: usize) -> &'static str {
    OWNERS[i % OWNERS.len()]
}

pub fn customer_id(i: usize) -> String {
    format!("C{:04}", i + 1)
}

/// Imports the company and evaluates it at two dates (run 1 older, run 2 latest).
pub async fn populate(store: &SqliteStore) {
    let industries = ["医药", "制造业", "零售", "金融"];
    let regions = ["华东", "华南", "华北"];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut customers = Vec::new();
    let mut txs = Vec::new();
    let end = day(2025, 6, 30);
    for i in 0..CUSTOMERS {
        let id = customer_id(i);
        let signup = end - 700 + (rng.unit() * 400.0) as i32;
        customers.push(CustomerRecord {
            customer_id: id.clone(),
            name: Some(format!("客户{} Co.", i + 1)),
            industry: Some(industries[i % industries.len()].to_string()),
            region: Some(regions[i % regions.len()].to_string()),
            size: Some(if i % 10 == 0 { "key" } else { "small" }.to_string()),
            signup_date: Some(signup),
            owner: Some(owner_of(i).to_string()),
            phone: Some(format!("555-{:04}", i)),
            email: Some(format!("buyer{i}@example.com")),
            wallet: None,
        });
        // Bigger accounts buy more often and more; some stop buying early.
        let scale = if i % 10 == 0 { 20_000.0 } else { 1_500.0 };
        let rate = 0.01 + rng.unit() * 0.05;
        let stop = if rng.unit() < 0.2 { end - 250 } else { end };
        let mut d = signup;
        let mut k = 0;
        while d <= stop {
            let amount = (scale * (0.3 + rng.unit() * 1.4) * 100.0).round() / 100.0;
            txs.push(TxRecord {
                order_id: Some(format!("O{:04}-{k:03}", i + 1)),
                customer_id: id.clone(),
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
    let (plan, _) = custval_eval::from_config::plan(custval_config::DEFAULT_TOML).expect("plan");
    for as_of in [day(2025, 3, 31), end] {
        custval_app::evaluate_one(store, as_of, custval_config::DEFAULT_TOML, &plan)
            .await
            .expect("evaluate");
    }
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
}

/// A running server on a populated store.
pub struct Server {
    pub base: String,
    pub store: SqliteStore,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// The latest run's tier-A customers (the default config's plan tier), best score first.
pub async fn key_accounts(s: &Server) -> Vec<custval_store::CustomerResult> {
    let run = s.store.latest_run().await.expect("store").expect("run");
    s.store
        .results(
            run.id,
            &custval_store::ResultQuery {
                tier: Some("A".into()),
                limit: 1000,
                ..custval_store::ResultQuery::default()
            },
        )
        .await
        .expect("results")
        .results
}

impl Server {
    pub async fn start() -> Server {
        Server::start_with(custval_web::Options::default()).await
    }

    pub async fn start_with(options: custval_web::Options) -> Server {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("custval.db");
        let mut store = SqliteStore::open(&db.display().to_string(), OpenOptions { create: true })
            .await
            .expect("store");
        // Personal fields are stored only sealed: the store needs a key to import them.
        let key = custval_store::crypto::Key::generate().expect("key");
        store.unlock(Some(key)).await.expect("unlock");
        populate(&store).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let s = store.clone();
        let task = tokio::spawn(async move {
            custval_web::launch_with_listener(s, listener, options, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        Server {
            base: format!("http://{addr}"),
            store,
            _dir: dir,
            stop: Some(tx),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client logged in as `user`.
    pub async fn login(&self, user: &str) -> Client {
        let mut c = Client::new(&self.base);
        let r = c.login(user, PASSWORD).await;
        assert_eq!(r.status(), 303, "login of {user}");
        assert!(c.session.is_some(), "session cookie for {user}");
        c
    }

    pub async fn token(&self, user: &str) -> String {
        self.store.create_token(user).await.expect("token")
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.expect("server task");
        }
    }
}

/// An HTTP client that keeps the session and language cookies and does not follow redirects.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub session: Option<String>,
    pub lang: Option<String>,
    pub login_cookie: Option<String>,
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<(String, String)> {
    headers.get_all(SET_COOKIE).iter().find_map(|v| {
        let s = v.to_str().ok()?;
        let (kv, _) = s.split_once(';').unwrap_or((s, ""));
        let (k, val) = kv.split_once('=')?;
        (k.trim() == name).then(|| (val.trim().to_string(), s.to_string()))
    })
}

/// The value of the first `name="NAME" value="…"` in a page.
pub fn field(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_string())
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .expect("client"),
            base: base.to_string(),
            session: None,
            lang: None,
            login_cookie: None,
        }
    }

    fn cookies(&self) -> String {
        let mut v = Vec::new();
        if let Some(s) = &self.session {
            v.push(format!("custval_session={s}"));
        }
        if let Some(l) = &self.lang {
            v.push(format!("custval_lang={l}"));
        }
        if let Some(l) = &self.login_cookie {
            v.push(format!("custval_login={l}"));
        }
        v.join("; ")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookies())
            .send()
            .await
            .expect("GET")
    }

    pub async fn get_with(&self, path: &str, name: &str, value: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookies())
            .header(name, value)
            .send()
            .await
            .expect("GET")
    }

    /// GET that must answer 200; returns the body.
    pub async fn page(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.text().await.expect("body")
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookies())
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// The CSRF token of the session (read from a page's logout form).
    pub async fn csrf(&self) -> String {
        field(&self.page("/customers").await, "csrf").expect("csrf field")
    }

    pub async fn login(&mut self, user: &str, password: &str) -> reqwest::Response {
        let r = self.get("/login").await;
        let (token, _) = cookie_value(r.headers(), "custval_login").expect("login cookie");
        self.login_cookie = Some(token.clone());
        let body = r.text().await.expect("body");
        assert_eq!(field(&body, "token").as_deref(), Some(token.as_str()));
        let r = self
            .post(
                "/login",
                &[("user", user), ("password", password), ("token", &token)],
            )
            .await;
        if let Some((sid, _)) = cookie_value(r.headers(), "custval_session") {
            self.session = Some(sid);
        }
        r
    }
}
