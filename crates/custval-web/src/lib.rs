//! The custval web application and REST API: a dashboard, customer lists and the customer-360
//! page for managers and sales people, on the same store as the command line.
//!
//! `custval serve` calls [`launch_with_listener`] with a bound listener; tests bind port 0 and
//! talk to the real server over HTTP. [`router`] builds the axum router alone.
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
//!   their owner id — enforced in the store query or by a check on the customer's owner in
//!   every page, export and API call; another owner's customer is 404, as if it did not
//!   exist). Phone and e-mail are shown to admins and managers; analysts and sales see them
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
mod api_plans;
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
use axum::routing::{get, post};
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

fn build<S: Store + Clone + 'static>(app: Shared<S>) -> Router {
    let timeout = app.options.request_timeout;
    let limit = app.options.body_limit;
    Router::new()
        .route("/", get(pages::dashboard::<S>))
        .route("/login", get(pages::login_form::<S>).post(pages::login::<S>))
        .route("/logout", post(pages::logout::<S>))
        .route("/lang/{code}", get(pages::set_lang))
        .route("/customers", get(pages::customers::<S>))
        .route("/customers/{id}", get(pages::customer::<S>))
        .route(
            "/customers/{id}/override",
            post(pages::override_set::<S>),
        )
        .route(
            "/customers/{id}/override/clear",
            post(pages::override_clear::<S>),
        )
        .route(
            "/customers/{id}/plan",
            get(pages::plan_form::<S>).post(pages::plan_save::<S>),
        )
        .route("/accounts", get(pages::accounts::<S>))
        .route("/export/customers.csv", get(pages::export_csv::<S>))
        .route("/export/customers.xlsx", get(pages::export_xlsx::<S>))
        .route("/runs", get(pages::runs::<S>))
        .route("/runs/compare", get(pages::compare::<S>))
        .route("/alerts", get(pages::alerts::<S>))
        .route("/alerts/{id}/ack", post(pages::acknowledge::<S>))
        .route("/alerts/{id}/assign", post(pages::assign::<S>))
        .route("/runs/{id}/config", get(pages::run_config::<S>))
        .route("/settings", get(pages::settings::<S>))
        .route("/settings/users", post(pages::add_user::<S>))
        .route("/settings/users/{name}", post(pages::update_user::<S>))
        .route(
            "/settings/users/{name}/delete",
            post(pages::delete_user::<S>),
        )
        .route("/static/app.css", get(pages::css))
        .route("/static/app.js", get(pages::js))
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api/v1", api::routes::<S>())
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
