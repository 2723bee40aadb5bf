//! The HTML pages: who is asking (the [`Viewer`] extractor), errors as pages, login, logout,
//! the language switch and the static assets; the pages themselves are in the submodules.
//!
//! Every page handler takes a [`Viewer`], which redirects to the login page when there is no
//! valid session, and checks the role before reading anything. Forms are POSTed with the
//! session's CSRF token ([`check_csrf`]); a missing or wrong token is 403 and changes nothing.
//! After a successful POST the handler redirects (303) so that reloading does not repost.

mod accounts;
mod admin;
mod customers;
mod dashboard;
mod dynamics;

use std::fmt::Display;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use custval_app::AppError;
use custval_app::access::Actor;
use custval_model::{CustomerResult, Day, RunInfo};
use custval_store::{Store, User};
use serde::Deserialize;

use crate::Shared;
use crate::auth::{self, LANG_COOKIE, LOGIN_COOKIE, SESSION_COOKIE};
use crate::i18n::{self, Lang, Msg};
use crate::views::{Chrome, Texts, encode, safe_next};

pub use accounts::{accounts, plan_form, plan_save};
pub use admin::{add_user, delete_user, run_config, runs, settings, update_user};
pub use customers::{customer, customers, export_csv, export_xlsx, override_clear, override_set};
pub use dashboard::dashboard;
pub use dynamics::{acknowledge, alerts, assign, compare};

/// The page language of a request: the `lang` cookie, else `Accept-Language`, else English.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    let cookies = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(l) = auth::cookie(cookies, LANG_COOKIE).and_then(i18n::parse_code) {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(i18n::from_accept_language)
        .unwrap_or_default()
}

fn cookie_of(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| auth::cookie(h, name).map(str::to_string))
}

/// A signed-in user, with the session's CSRF token and the page language.
pub struct Viewer {
    pub user: User,
    pub csrf: String,
    pub lang: Lang,
    pub sid: String,
    /// Path and query of the request.
    pub here: String,
}

impl Viewer {
    /// The page chrome for this viewer.
    pub fn chrome(&self, title: impl Into<String>, active: &str) -> Chrome {
        Chrome::signed_in(&self.user, &self.csrf, self.lang, title, &self.here, active)
    }

    /// An error page in the viewer's language.
    pub fn fail(&self, status: StatusCode, msg: Msg) -> PageError {
        PageError::new(self.lang, status, msg)
    }

    /// A server error, logged with its cause; the page says only that something went wrong.
    pub fn internal(&self, e: impl Display) -> PageError {
        tracing::error!("{e}");
        self.fail(StatusCode::INTERNAL_SERVER_ERROR, Msg::ServerError)
    }

    /// An application service's refusal as a page: unknown or not the viewer's (404), the
    /// role (403), a bad value (400); anything else is a server error.
    pub fn app_error(&self, e: AppError) -> PageError {
        match e {
            AppError::UnknownCustomer(_)
            | AppError::UnknownAlert(_)
            | AppError::NoRuns
            | AppError::Store(custval_store::StoreError::RunNotFound(_))
            | AppError::Invalid { what: "run", .. } => {
                self.fail(StatusCode::NOT_FOUND, Msg::NotFound)
            }
            AppError::Forbidden => self.fail(StatusCode::FORBIDDEN, Msg::Forbidden),
            AppError::Invalid { .. } | AppError::BadInput { .. } => {
                self.fail(StatusCode::BAD_REQUEST, Msg::BadRequest)
            }
            e => self.internal(e),
        }
    }

    /// The actor the application services act for.
    pub fn actor(&self) -> Actor<'_> {
        Actor::User(&self.user)
    }
}

/// Picks the run asked for (or the latest) with page errors.
pub(crate) async fn run_for<S: Store>(
    app: &Shared<S>,
    v: &Viewer,
    run: Option<i64>,
) -> Result<RunInfo, PageError> {
    match custval_app::pick_run(&app.store, run).await {
        Ok(r) => Ok(r),
        Err(AppError::NoRuns)
        | Err(AppError::Store(custval_store::StoreError::RunNotFound(_)))
        | Err(AppError::Invalid { what: "run", .. }) => {
            Err(v.fail(StatusCode::NOT_FOUND, Msg::NoRuns))
        }
        Err(e) => Err(v.internal(e)),
    }
}

/// The customer's result in `run` if `v` may see it (see `custval_app::access`); 404
/// otherwise, also for another owner's customer, so that a sales user cannot probe which ids
/// exist.
pub(crate) async fn visible<S: Store>(
    app: &Shared<S>,
    v: &Viewer,
    run: &RunInfo,
    id: &str,
) -> Result<CustomerResult, PageError> {
    custval_app::access::visible_result(&app.store, v.actor(), run, id)
        .await
        .map_err(|e| v.app_error(e))
}

impl<S: Store + 'static> FromRequestParts<Shared<S>> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Shared<S>) -> Result<Viewer, Response> {
        let lang = lang_of(&parts.headers);
        let here = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let session = cookie_of(&parts.headers, SESSION_COOKIE).and_then(|sid| {
            app.sessions
                .get(&sid, app.options.session_idle)
                .map(|s| (sid, s))
        });
        // A session whose user changed in the store since (password, role, deletion) ends.
        let session = match session {
            Some((sid, s)) if !auth::session_current(&app.store, &s).await => {
                app.sessions.close(&sid);
                None
            }
            other => other,
        };
        match session {
            Some((sid, s)) => Ok(Viewer {
                user: s.user,
                csrf: s.csrf,
                lang,
                sid,
                here,
            }),
            None => Err(Redirect::to(&format!("/login?next={}", encode(&here))).into_response()),
        }
    }
}

/// The client's address (unspecified when the server runs without connect info).
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<ClientIp, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()),
        ))
    }
}

/// An error shown as a page.
#[derive(Debug)]
pub struct PageError {
    lang: Lang,
    status: StatusCode,
    msg: Msg,
}

impl PageError {
    pub fn new(lang: Lang, status: StatusCode, msg: Msg) -> PageError {
        PageError { lang, status, msg }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Texts,
    chrome: Chrome,
    status: String,
    message: &'static str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            t: Texts(self.lang),
            chrome: Chrome::anonymous(self.lang, self.status.to_string(), "/"),
            status: self.status.to_string(),
            message: self.msg.text(self.lang),
        };
        let body = page
            .render()
            .unwrap_or_else(|_| self.msg.text(self.lang).to_string());
        (self.status, Html(body)).into_response()
    }
}

/// Renders a template, or a server error page.
pub fn render<T: Template>(v: &Viewer, page: &T) -> Result<Response, PageError> {
    page.render()
        .map(|b| Html(b).into_response())
        .map_err(|e| v.internal(e))
}

/// Checks a form's CSRF token against the session's.
pub fn check_csrf(v: &Viewer, token: Option<&str>) -> Result<(), PageError> {
    match token {
        Some(t) if auth::same(t, &v.csrf) => Ok(()),
        _ => Err(v.fail(StatusCode::FORBIDDEN, Msg::CsrfFailed)),
    }
}

/// Today (UTC) as a day number (see `custval_app::today`).
pub fn today() -> Day {
    custval_app::today()
}

/// Parses `YYYY-MM-DD`.
pub fn parse_day(s: &str) -> Option<Day> {
    let mut it = s.trim().splitn(3, '-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    custval_model::date::days_from_ymd(y, m, d)
}

/// An empty form field is no value.
pub fn some(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

// ---------------------------------------------------------------------------------------
// login, logout, language, assets

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Texts,
    chrome: Chrome,
    token: String,
    next: String,
    user: String,
}

#[derive(Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

fn login_page(
    lang: Lang,
    next: &str,
    user: &str,
    error: Option<Msg>,
    secure: bool,
    status: StatusCode,
) -> Response {
    let Some(token) = auth::random_token() else {
        return PageError::new(lang, StatusCode::INTERNAL_SERVER_ERROR, Msg::ServerError)
            .into_response();
    };
    let mut chrome = Chrome::anonymous(lang, Msg::Login.text(lang), "/login");
    chrome.error = error.map(|m| m.text(lang).to_string());
    let page = LoginPage {
        t: Texts(lang),
        chrome,
        token: token.clone(),
        next: next.to_string(),
        user: user.to_string(),
    };
    match page.render() {
        Ok(body) => (
            status,
            [(
                header::SET_COOKIE,
                auth::set_cookie(LOGIN_COOKIE, &token, Some(3600), secure, true),
            )],
            Html(body),
        )
            .into_response(),
        Err(e) => {
            tracing::error!("{e}");
            PageError::new(lang, StatusCode::INTERNAL_SERVER_ERROR, Msg::ServerError)
                .into_response()
        }
    }
}

pub async fn login_form<S: Store + 'static>(
    State(app): State<Shared<S>>,
    headers: HeaderMap,
    Query(q): Query<NextParam>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    login_page(
        lang_of(&headers),
        &next,
        "",
        None,
        app.options.secure_cookies,
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    token: Option<String>,
    next: Option<String>,
}

pub async fn login<S: Store + 'static>(
    State(app): State<Shared<S>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let lang = lang_of(&headers);
    let secure = app.options.secure_cookies;
    let next = safe_next(f.next.as_deref());
    // Double-submit check: the form's token must equal the cookie set with the form.
    let cookie = cookie_of(&headers, LOGIN_COOKIE);
    let token_ok = matches!((&cookie, &f.token), (Some(c), Some(t)) if auth::same(c, t));
    if !token_ok {
        return PageError::new(lang, StatusCode::FORBIDDEN, Msg::CsrfFailed).into_response();
    }
    let name = f.user.trim().to_string();
    if !app.limiter.begin(&name, ip) {
        let mut r = login_page(
            lang,
            &next,
            &name,
            Some(Msg::TooManyAttempts),
            secure,
            StatusCode::TOO_MANY_REQUESTS,
        );
        if let Ok(v) = HeaderValue::from_str(&app.limiter.retry_after().to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    match app.store.verify_password(&name, &f.password).await {
        Ok(Some(user)) => {
            app.limiter.succeeded(&name, ip);
            auth::audit_login(&app.store, &name, true).await;
            let Some(sid) = app.sessions.open(user) else {
                return PageError::new(lang, StatusCode::INTERNAL_SERVER_ERROR, Msg::ServerError)
                    .into_response();
            };
            let mut r = Redirect::to(&next).into_response();
            let h = r.headers_mut();
            for c in [
                auth::set_cookie(SESSION_COOKIE, &sid, None, secure, true),
                auth::set_cookie(LOGIN_COOKIE, "", Some(0), secure, true),
            ] {
                if let Ok(v) = HeaderValue::from_str(&c) {
                    h.append(header::SET_COOKIE, v);
                }
            }
            r
        }
        Ok(None) => {
            // Already counted by `begin`.
            auth::audit_login(&app.store, &name, false).await;
            login_page(
                lang,
                &next,
                &name,
                Some(Msg::BadLogin),
                secure,
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(e) => {
            tracing::error!("login: {e}");
            PageError::new(lang, StatusCode::INTERNAL_SERVER_ERROR, Msg::ServerError)
                .into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

pub async fn logout<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&v, f.csrf.as_deref())?;
    app.sessions.close(&v.sid);
    auth::audit_logout(&app.store, &v.user.name).await;
    let mut r = Redirect::to("/login").into_response();
    if let Ok(c) = HeaderValue::from_str(&auth::set_cookie(
        SESSION_COOKIE,
        "",
        Some(0),
        app.options.secure_cookies,
        true,
    )) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(r)
}

/// `GET /lang/{en|zh}?next=…`: remembers the language in a cookie and goes back.
pub async fn set_lang(Path(code): Path<String>, Query(q): Query<NextParam>) -> Response {
    let next = safe_next(q.next.as_deref());
    let mut r = Redirect::to(&next).into_response();
    if let Some(lang) = i18n::parse_code(&code)
        && let Ok(c) = HeaderValue::from_str(&auth::set_cookie(
            LANG_COOKIE,
            i18n::code(lang),
            Some(365 * 24 * 3600),
            false,
            false,
        ))
    {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

pub async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
        .into_response()
}

pub async fn not_found(headers: HeaderMap) -> Response {
    PageError::new(lang_of(&headers), StatusCode::NOT_FOUND, Msg::NotFound).into_response()
}
