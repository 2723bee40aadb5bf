//! The custval web application and REST API: a dashboard, customer lists and the customer-360
//! page for managers and sales people, on the same store as the command line.
//!
//! `custval serve` calls [`launch_with_listener`] with a bound listener; tests bind port 0 and
//! talk to the real server over HTTP. [`router`] builds the axum router alone, from the route
//! table [`routes`] lists: every route with its [`Access`] rule, which `tests/matrix.rs` checks
//! for every role, customer kind and run.
//!
//! Design decisions a newcomer might question:
//! - **Server-rendered HTML** (askama templates rendered to strings, every value escaped) with
//!   no JavaScript build step: the CSS and a few lines of vanilla JS are embedded with
//!   `include_str!`, and the charts are the report's server-side SVG (`custval-report`), each
//!   with a table view. Nothing is loaded from another origin, so the app works offline and
//!   the Content-Security-Policy can forbid everything but itself.
//! - **Generic over [`Store`]**: handlers take any store (SQLite today, PostgreSQL later).
//! - **Roles** (see `auth`): admin (everything), analyst (runs, config, all customers),
//!   manager (all customers, overrides, alerts), sales (only the customers whose `owner` is
//!   their owner id — enforced in the store query (`auth::scope`) or, on every route with a
//!   customer or an alert in its path, by `custval_app::access::may_see_customer` (the current owner, in any
//!   run); another owner's customer is 404, as if it did not exist, before any 403). Phone and e-mail are shown to admins and managers; analysts and sales see them
//!   masked.
//! - **Sessions are in memory**: a restart logs everybody out (documented in `auth`).
//! - **The dashboard of a run is computed once** and kept in memory (`cache`): runs are
//!   immutable, and aggregating a million results on every request would be far too slow.
//!   The list pages read one indexed page from the store per request.
//! - **The REST API** (`/api/v1`, bearer tokens, OpenAPI at `/api/v1/openapi.json`) applies
//!   the same role rules and returns what `customer show --format json` prints.
//! - Middleware (tower-http): gzip compression, request tracing, a body size limit and a
//!   request timeout; security headers on every response.

mod api;
mod auth;
mod cache;
pub mod i18n;
mod pages;
mod views;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{delete, get, post, put};
use custval_store::Store;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use auth::{Permission, may, random_password};
pub use i18n::Lang;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The listener failed (accepting connections, reading its address).
    #[error("web server: {0}")]
    Io(#[from] std::io::Error),
}

/// How the server behaves. `Default` suits a server on loopback or behind a TLS proxy that
/// sets nothing special.
#[derive(Debug, Clone)]
pub struct Options {
    /// Mark cookies `Secure` (the site is served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// Longest time a request may take (exports of large lists included).
    pub request_timeout: Duration,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Failed logins allowed per user name within `login_window` (four times as many per IP).
    pub login_max_failures: usize,
    /// The window of the login rate limit.
    pub login_window: Duration,
    /// Compute the latest run's dashboard when the server starts, so that the first visitor
    /// does not wait for it.
    pub prewarm: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            secure_cookies: false,
            session_idle: Duration::from_secs(8 * 3600),
            request_timeout: Duration::from_secs(300),
            body_limit: 1 << 20,
            login_max_failures: 5,
            login_window: Duration::from_secs(15 * 60),
            prewarm: true,
        }
    }
}

/// The state every handler shares.
pub(crate) struct App<S> {
    pub store: S,
    pub options: Options,
    pub sessions: auth::Sessions,
    pub limiter: auth::LoginLimiter,
    pub cache: cache::DashboardCache,
    pub plan_tiers: cache::PlanTierCache,
}

pub(crate) type Shared<S> = Arc<App<S>>;

/// The application's router on `store`, with its middleware. Serve it with connect info
/// (`into_make_service_with_connect_info::<SocketAddr>`) so that the login limit sees client
/// addresses.
pub fn router<S: Store + Clone + 'static>(store: S, options: Options) -> Router {
    let app = Arc::new(App {
        store,
        limiter: auth::LoginLimiter::new(options.login_max_failures, options.login_window),
        sessions: auth::Sessions::default(),
        cache: cache::DashboardCache::default(),
        plan_tiers: cache::PlanTierCache::default(),
        options,
    });
    build(app)
}

/// An HTTP method of the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// The method's name, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// Who may call a route. Every route of the app declares one in [`routes`], the table the
/// router is built from, and `tests/matrix.rs` calls every route as every role on customers
/// of every kind and checks the answer against it.
///
/// A signed-out caller is sent to the login page (pages) or gets 401 (API) on every route
/// but the public ones. Denials are 403 for a role that lacks the permission and 404 for a
/// customer the user may not see, checked first so that a sales user cannot tell another
/// owner's customer from one that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (login, language, assets, health, the OpenAPI document).
    Public,
    /// Any signed-in user; lists, charts and exports hold only the customers of
    /// `auth::scope` (for sales: those the run recorded as theirs).
    SignedIn,
    /// A signed-in user whose role has the permission.
    Role(Permission),
    /// The customer `{id}` of the path: visible only under `custval_app::access::may_see_customer` (a sales
    /// user as its current owner, in any run; 404 otherwise), then the permission if any.
    Customer(Option<Permission>),
    /// The alert `{id}` of the path: its customer visible under `custval_app::access::may_see_customer`
    /// (404 otherwise), then the permission.
    Alert(Permission),
}

/// One route of the app: method, path pattern (axum syntax, `{param}`) and access rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

impl RouteSpec {
    /// True for the REST API's routes (under [`API_PREFIX`]).
    pub fn is_api(&self) -> bool {
        self.path.starts_with(API_PREFIX)
    }
}

/// Where the REST API is nested.
pub const API_PREFIX: &str = "/api/v1";

/// Every route the app serves, with its access rule: the table [`router`] is built from
/// (nothing else adds a route), so that tests can enumerate them all.
pub fn routes() -> Vec<RouteSpec> {
    table::<custval_store::SqliteStore>()
        .into_iter()
        .map(|(spec, _)| spec)
        .collect()
}

type Handler<S> = axum::routing::MethodRouter<Shared<S>>;

/// The route table with its handlers. Adding a route means adding a line here, which cannot
/// be written without an [`Access`] rule.
// Long because it is the table: one entry per route, read top to bottom beside the others'
// access rules; split up, a route's rule could no longer be checked at a glance.
fn table<S: Store + Clone + 'static>() -> Vec<(RouteSpec, Handler<S>)> {
    use Access::{Alert, Customer, Public, Role, SignedIn};
    use Method::{Delete, Get, Post, Put};
    use Permission as P;
    let r = |method, path, access, h: Handler<S>| {
        (
            RouteSpec {
                method,
                path,
                access,
            },
            h,
        )
    };
    vec![
        r(Get, "/", SignedIn, get(pages::dashboard::<S>)),
        r(Get, "/login", Public, get(pages::login_form::<S>)),
        r(Post, "/login", Public, post(pages::login::<S>)),
        r(Post, "/logout", SignedIn, post(pages::logout::<S>)),
        r(Get, "/lang/{code}", Public, get(pages::set_lang)),
        r(Get, "/customers", SignedIn, get(pages::customers::<S>)),
        r(
            Get,
            "/customers/{id}",
            Customer(None),
            get(pages::customer::<S>),
        ),
        r(
            Post,
            "/customers/{id}/override",
            Customer(Some(P::Override)),
            post(pages::override_set::<S>),
        ),
        r(
            Post,
            "/customers/{id}/override/clear",
            Customer(Some(P::Override)),
            post(pages::override_clear::<S>),
        ),
        r(
            Get,
            "/customers/{id}/plan",
            Customer(Some(P::Plans)),
            get(pages::plan_form::<S>),
        ),
        r(
            Post,
            "/customers/{id}/plan",
            Customer(Some(P::Plans)),
            post(pages::plan_save::<S>),
        ),
        r(Get, "/accounts", SignedIn, get(pages::accounts::<S>)),
        r(
            Get,
            "/export/customers.csv",
            SignedIn,
            get(pages::export_csv::<S>),
        ),
        r(
            Get,
            "/export/customers.xlsx",
            SignedIn,
            get(pages::export_xlsx::<S>),
        ),
        r(Get, "/runs", Role(P::Runs), get(pages::runs::<S>)),
        r(
            Get,
            "/runs/compare",
            Role(P::Runs),
            get(pages::compare::<S>),
        ),
        r(Get, "/alerts", SignedIn, get(pages::alerts::<S>)),
        r(
            Post,
            "/alerts/{id}/ack",
            Alert(P::Alerts),
            post(pages::acknowledge::<S>),
        ),
        r(
            Post,
            "/alerts/{id}/assign",
            Alert(P::Alerts),
            post(pages::assign::<S>),
        ),
        r(
            Get,
            "/runs/{id}/config",
            Role(P::Runs),
            get(pages::run_config::<S>),
        ),
        r(Get, "/settings", Role(P::Admin), get(pages::settings::<S>)),
        r(
            Post,
            "/settings/users",
            Role(P::Admin),
            post(pages::add_user::<S>),
        ),
        r(
            Post,
            "/settings/users/{name}",
            Role(P::Admin),
            post(pages::update_user::<S>),
        ),
        r(
            Post,
            "/settings/users/{name}/delete",
            Role(P::Admin),
            post(pages::delete_user::<S>),
        ),
        r(Get, "/static/app.css", Public, get(pages::css)),
        r(Get, "/static/app.js", Public, get(pages::js)),
        r(Get, "/healthz", Public, get(|| async { "ok" })),
        // The REST API (bearer tokens).
        r(Get, "/api/v1/openapi.json", Public, get(api::openapi_json)),
        r(
            Get,
            "/api/v1/customers",
            SignedIn,
            get(api::list_customers::<S>),
        ),
        r(
            Get,
            "/api/v1/customers/{id}",
            Customer(None),
            get(api::get_customer::<S>),
        ),
        r(
            Post,
            "/api/v1/customers/{id}/override",
            Customer(Some(P::Override)),
            post(api::set_override::<S>),
        ),
        r(
            Delete,
            "/api/v1/customers/{id}/override",
            Customer(Some(P::Override)),
            delete(api::clear_override::<S>),
        ),
        r(
            Get,
            "/api/v1/customers/{id}/plan",
            Customer(Some(P::Plans)),
            get(api::plans::get_plan::<S>),
        ),
        r(
            Put,
            "/api/v1/customers/{id}/plan",
            Customer(Some(P::Plans)),
            put(api::plans::put_plan::<S>),
        ),
        r(Get, "/api/v1/runs", Role(P::Runs), get(api::list_runs::<S>)),
        r(
            Get,
            "/api/v1/runs/{id}",
            Role(P::Runs),
            get(api::get_run::<S>),
        ),
        r(
            Get,
            "/api/v1/migrations",
            Role(P::Runs),
            get(api::migrations::<S>),
        ),
        r(Get, "/api/v1/alerts", SignedIn, get(api::alerts::<S>)),
        r(
            Post,
            "/api/v1/alerts/{id}/acknowledge",
            Alert(P::Alerts),
            post(api::acknowledge_alert::<S>),
        ),
        r(
            Post,
            "/api/v1/alerts/{id}/assign",
            Alert(P::Alerts),
            post(api::assign_alert::<S>),
        ),
    ]
}

fn build<S: Store + Clone + 'static>(app: Shared<S>) -> Router {
    let timeout = app.options.request_timeout;
    let limit = app.options.body_limit;
    let mut site = Router::new();
    let mut api = Router::new();
    // axum merges the method routers of one path (GET and POST of /login, …).
    for (spec, handler) in table::<S>() {
        match spec.path.strip_prefix(API_PREFIX) {
            Some(rest) => api = api.route(rest, handler),
            None => site = site.route(spec.path, handler),
        }
    }
    site.nest(API_PREFIX, api::finish(api))
        .fallback(pages::not_found)
        .with_state(app)
        .layer(axum::middleware::from_fn(auth::audit_source))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        // The security headers wrap everything above, so that the answers the layers give by
        // themselves (413 too large, 408 timeout) carry them too (issue 18: they did not).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Pages, exports and API answers hold personal and commercial data: no browser or proxy
        // keeps a copy. The static assets set their own (public) caching.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// Serves the app on `listener` until `shutdown` completes, then finishes the requests in
/// flight (graceful shutdown). With [`Options::prewarm`], the latest run's dashboard is
/// computed in the background as the server starts.
pub async fn launch_with_listener<S, F>(
    store: S,
    listener: tokio::net::TcpListener,
    options: Options,
    shutdown: F,
) -> Result<(), WebError>
where
    S: Store + Clone + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let app = Arc::new(App {
        store,
        limiter: auth::LoginLimiter::new(options.login_max_failures, options.login_window),
        sessions: auth::Sessions::default(),
        cache: cache::DashboardCache::default(),
        plan_tiers: cache::PlanTierCache::default(),
        options,
    });
    if app.options.prewarm {
        let warm = app.clone();
        tokio::spawn(async move {
            if let Err(e) = cache::prewarm(&warm).await {
                tracing::warn!("computing the dashboard of the latest run: {e}");
            }
        });
    }
    let sweeper = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            sweeper.sessions.sweep(sweeper.options.session_idle);
        }
    });
    let router = build(app);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The route table is the one list of routes: no route twice, and a route that names a
    /// customer or an alert in its path declares the rule that checks it.
    #[test]
    fn every_route_declares_the_rule_its_path_needs() {
        let table = routes();
        let mut seen = std::collections::BTreeSet::new();
        for r in &table {
            assert!(seen.insert((r.method, r.path)), "{r:?} twice");
            let p = r.path.strip_prefix(API_PREFIX).unwrap_or(r.path);
            if p.starts_with("/customers/{id}") {
                assert!(matches!(r.access, Access::Customer(_)), "{r:?}");
            }
            if p.starts_with("/alerts/{id}") {
                assert!(matches!(r.access, Access::Alert(_)), "{r:?}");
            }
            if r.access == Access::Public {
                assert!(
                    r.method == Method::Get || r.path == "/login",
                    "a public route that changes something: {r:?}"
                );
            }
        }
    }

    /// Issue 18: the OpenAPI document and the router list the same API operations.
    #[test]
    fn the_openapi_document_lists_every_api_route() {
        let doc = api::openapi();
        let mut documented = std::collections::BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                (Method::Get, &item.get),
                (Method::Post, &item.post),
                (Method::Put, &item.put),
                (Method::Delete, &item.delete),
            ] {
                if op.is_some() {
                    documented.insert((method, path.clone()));
                }
            }
        }
        let served: std::collections::BTreeSet<(Method, String)> = routes()
            .into_iter()
            .filter(|r| r.is_api() && !r.path.ends_with("/openapi.json"))
            .map(|r| (r.method, r.path.to_string()))
            .collect();
        assert_eq!(documented, served);
    }
}
