//! Pages for admins and analysts: the runs list, a run's evaluation config with its
//! validation, and the settings page (users and roles: adding, changing the role or owner
//! id, deleting; the latest audit log with its sources, filtered by action and actor).
//!
//! An admin cannot change their own role or delete themselves, so that the last admin cannot
//! lock everybody out by a slip. A changed or deleted user's sessions end at once (sessions
//! hold the user as it was at login); the store audits both changes.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use custval_store::{AuditQuery, Role, Store, StoreError};
use serde::Deserialize;

use super::{PageError, Viewer, check_csrf, render, some};
use crate::Shared;
use crate::auth::{Permission, may};
use crate::i18n::{self, Msg};
use crate::views::{Chrome, Texts};

/// Audit entries shown on the settings page.
const AUDIT_SHOWN: u64 = 50;

pub struct RunRow {
    pub id: i64,
    pub as_of: String,
    pub created: String,
    pub customers: String,
    pub seconds: String,
}

#[derive(Template)]
#[template(path = "runs.html")]
struct RunsPage {
    t: Texts,
    chrome: Chrome,
    runs: Vec<RunRow>,
}

fn require(v: &Viewer, p: Permission) -> Result<(), PageError> {
    if may(v.user.role, p) {
        Ok(())
    } else {
        Err(v.fail(StatusCode::FORBIDDEN, Msg::Forbidden))
    }
}

pub async fn runs<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
) -> Result<Response, PageError> {
    require(&v, Permission::Runs)?;
    let lang = v.lang;
    let runs = app.store.runs().await.map_err(|e| v.internal(e))?;
    let page = RunsPage {
        t: Texts(lang),
        chrome: v.chrome(Msg::Runs.text(lang), "/runs"),
        runs: runs
            .iter()
            .map(|r| RunRow {
                id: r.id,
                as_of: i18n::date(lang, r.as_of),
                created: i18n::datetime(lang, &r.created_at),
                customers: i18n::count(r.customers),
                seconds: i18n::fixed(r.seconds, 1),
            })
            .collect(),
    };
    render(&v, &page)
}

#[derive(Template)]
#[template(path = "config.html")]
struct ConfigPage {
    t: Texts,
    chrome: Chrome,
    run_label: String,
    valid: bool,
    error: String,
    warnings: Vec<String>,
    text: String,
}

pub async fn run_config<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&v, Permission::Runs)?;
    let lang = v.lang;
    let run = match app.store.run(id).await {
        Ok(r) => r,
        Err(StoreError::RunNotFound(_)) => return Err(v.fail(StatusCode::NOT_FOUND, Msg::NotFound)),
        Err(e) => return Err(v.internal(e)),
    };
    let (valid, error, warnings) = match custval_config::load(&run.config) {
        Ok(val) => (
            true,
            String::new(),
            val.warnings.iter().map(ToString::to_string).collect(),
        ),
        Err(e) => (false, e.to_string(), Vec::new()),
    };
    let page = ConfigPage {
        t: Texts(lang),
        chrome: v.chrome(Msg::Config.text(lang), "/runs"),
        run_label: format!(
            "{} {} · {} {}",
            Msg::Run.text(lang),
            run.id,
            Msg::AsOf.text(lang),
            i18n::date(lang, run.as_of)
        ),
        valid,
        error,
        warnings,
        text: run.config,
    };
    render(&v, &page)
}

pub struct UserRow {
    pub name: String,
    /// URL-encoded name, for the forms' actions.
    pub enc: String,
    pub role_id: &'static str,
    pub owner_id: String,
    /// The viewer themselves: no role change, no delete.
    pub is_me: bool,
    pub role: &'static str,
    pub can_log_in: &'static str,
    pub created: String,
}

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    /// The action's id (what the filter matches) and its name in the page's language.
    pub action_id: String,
    pub action: String,
    pub subject: String,
    /// Client address (web, API) or `cli:<OS user>`.
    pub source: String,
    pub detail: String,
}

pub struct RoleOpt {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    t: Texts,
    chrome: Chrome,
    users: Vec<UserRow>,
    roles: Vec<RoleOpt>,
    audit: Vec<AuditRow>,
    /// The audit filters as given (echoed in the filter form).
    audit_action: String,
    audit_actor: String,
}

#[derive(Deserialize)]
pub struct SettingsParams {
    done: Option<String>,
    err: Option<String>,
    /// Audit entries whose action contains this text.
    action: Option<String>,
    /// Audit entries of this actor only.
    actor: Option<String>,
}

pub async fn settings<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Query(q): Query<SettingsParams>,
) -> Result<Response, PageError> {
    require(&v, Permission::Admin)?;
    let lang = v.lang;
    let users = app.store.users().await.map_err(|e| v.internal(e))?;
    let audit_action = some(&q.action).unwrap_or_default();
    let audit_actor = some(&q.actor).unwrap_or_default();
    let audit = app
        .store
        .audit_query(&AuditQuery {
            limit: AUDIT_SHOWN,
            action: Some(audit_action.clone()),
            actor: Some(audit_actor.clone()),
        })
        .await
        .map_err(|e| v.internal(e))?;
    let mut chrome = v.chrome(Msg::Settings.text(lang), "/settings");
    chrome.flash = match q.done.as_deref() {
        Some("added") => Some(Msg::UserAdded.text(lang).to_string()),
        Some("changed") => Some(Msg::UserChanged.text(lang).to_string()),
        Some("deleted") => Some(Msg::UserDeleted.text(lang).to_string()),
        _ => None,
    };
    chrome.error = q.err.clone();
    let page = SettingsPage {
        t: Texts(lang),
        chrome,
        users: users
            .iter()
            .map(|u| UserRow {
                name: u.name.clone(),
                enc: crate::views::encode(&u.name),
                role_id: u.role.as_str(),
                owner_id: u.owner_id.clone().unwrap_or_default(),
                is_me: u.name == v.user.name,
                role: Msg::role(u.role, lang),
                can_log_in: if u.has_password {
                    Msg::Yes.text(lang)
                } else {
                    Msg::No.text(lang)
                },
                created: i18n::datetime(lang, &u.created_at),
            })
            .collect(),
        roles: [Role::Admin, Role::Analyst, Role::Manager, Role::Sales]
            .into_iter()
            .map(|r| RoleOpt {
                value: r.as_str(),
                label: Msg::role(r, lang),
            })
            .collect(),
        audit: audit
            .into_iter()
            .map(|a| AuditRow {
                at: i18n::datetime(lang, &a.at),
                actor: a.actor,
                action: audit_action(lang, &a.action),
                action_id: a.action,
                subject: audit_subject(lang, &a.subject),
                source: if a.source.is_empty() {
                    i18n::DASH.to_string()
                } else {
                    a.source
                },
                detail: audit_detail(lang, &a.detail),
            })
            .collect(),
        audit_action,
        audit_actor,
    };
    render(&v, &page)
}

/// An audit action's name in `lang` (`add_user` → 添加用户); an action without one as given.
fn audit_action(lang: i18n::Lang, action: &str) -> String {
    let id = format!("web-audit-{}", action.replace('.', "-"));
    if custval_i18n::has(i18n::Lang::En, &id) {
        custval_i18n::text(lang, &id).to_string()
    } else {
        action.to_string()
    }
}

/// An audit subject (`customer C0001`, `run 2`, `alert 7`, a user name) with its kind in `lang`.
fn audit_subject(lang: i18n::Lang, subject: &str) -> String {
    if let Some((kind, rest)) = subject.split_once(' ') {
        let id = format!("web-audit-subject-{kind}");
        if custval_i18n::has(i18n::Lang::En, &id) {
            return format!("{} {rest}", custval_i18n::text(lang, &id));
        }
    }
    subject.to_string()
}

/// An audit entry's detail (a JSON object) as `key: value` pairs in `lang`: known keys, roles
/// and reasons by name, other values as recorded.
fn audit_detail(lang: i18n::Lang, detail: &serde_json::Value) -> String {
    let serde_json::Value::Object(map) = detail else {
        return match detail {
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
    };
    let named = |prefix: &str, id: &str| {
        let key = format!("{prefix}{}", id.replace([' ', '-', '.'], "_"));
        custval_i18n::has(i18n::Lang::En, &key).then(|| custval_i18n::text(lang, &key).to_string())
    };
    let (colon, sep) = match lang {
        i18n::Lang::En => (": ", "; "),
        i18n::Lang::Zh => ("：", "；"),
    };
    map.iter()
        .map(|(k, v)| {
            let key = named("web-audit-key-", k).unwrap_or_else(|| k.clone());
            let value = match v {
                serde_json::Value::Null => i18n::DASH.to_string(),
                serde_json::Value::String(s) if k == "role" => s
                    .parse::<Role>()
                    .map_or_else(|_| s.clone(), |r| Msg::role(r, lang).to_string()),
                serde_json::Value::String(s) => {
                    named("web-audit-value-", s).unwrap_or_else(|| s.clone())
                }
                other => other.to_string(),
            };
            format!("{key}{colon}{value}")
        })
        .collect::<Vec<_>>()
        .join(sep)
}

#[derive(Deserialize)]
pub struct AddUserForm {
    csrf: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    owner_id: Option<String>,
    password: Option<String>,
}

pub async fn add_user<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Form(f): Form<AddUserForm>,
) -> Result<Response, PageError> {
    check_csrf(&v, f.csrf.as_deref())?;
    require(&v, Permission::Admin)?;
    let back_err = |msg: String| {
        Redirect::to(&format!(
            "/settings{}",
            crate::views::query(&[("err", &msg)])
        ))
        .into_response()
    };
    let name = f.name.trim();
    if name.is_empty() {
        return Ok(back_err(Msg::BadRequest.text(v.lang).to_string()));
    }
    let role: Role = match f.role.parse() {
        Ok(r) => r,
        Err(e) => return Ok(back_err(format!("{e}"))),
    };
    let owner = some(&f.owner_id);
    let password = some(&f.password);
    match app
        .store
        .add_user(name, role, owner.as_deref(), password.as_deref())
        .await
    {
        Ok(_) => {
            app.store
                .audit(
                    &v.user.name,
                    "add_user",
                    name,
                    &serde_json::json!({"role": role.as_str(), "owner_id": owner}),
                )
                .await
                .map_err(|e| v.internal(e))?;
            Ok(Redirect::to("/settings?done=added").into_response())
        }
        Err(e @ (StoreError::UserExists(_) | StoreError::WeakPassword(_))) => {
            Ok(back_err(e.to_string()))
        }
        Err(e) => Err(v.internal(e)),
    }
}

#[derive(Deserialize)]
pub struct UpdateUserForm {
    csrf: Option<String>,
    #[serde(default)]
    role: String,
    owner_id: Option<String>,
}

fn settings_err(msg: &str) -> Response {
    Redirect::to(&format!(
        "/settings{}",
        crate::views::query(&[("err", msg)])
    ))
    .into_response()
}

/// `POST /settings/users/{name}`: changes a user's role and owner id (admins; audited by the
/// store). The user's sessions end, so the new role applies at their next request.
pub async fn update_user<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(name): Path<String>,
    Form(f): Form<UpdateUserForm>,
) -> Result<Response, PageError> {
    check_csrf(&v, f.csrf.as_deref())?;
    require(&v, Permission::Admin)?;
    let role: Role = match f.role.parse() {
        Ok(r) => r,
        Err(e) => return Ok(settings_err(&format!("{e}"))),
    };
    if name == v.user.name && role != v.user.role {
        return Ok(settings_err(Msg::NotYourself.text(v.lang)));
    }
    let owner = some(&f.owner_id);
    match app
        .store
        .update_user(&name, role, owner.as_deref(), &v.user.name)
        .await
    {
        Ok(_) => {
            if name != v.user.name {
                app.sessions.close_user(&name);
            }
            Ok(Redirect::to("/settings?done=changed").into_response())
        }
        Err(StoreError::UnknownUser(_)) => Err(v.fail(StatusCode::NOT_FOUND, Msg::UnknownUser)),
        Err(e) => Err(v.internal(e)),
    }
}

#[derive(Deserialize)]
pub struct DeleteUserForm {
    csrf: Option<String>,
}

/// `POST /settings/users/{name}/delete`: deletes a user and their API tokens (admins, never
/// themselves; audited by the store) and ends their sessions.
pub async fn delete_user<S: Store + 'static>(
    State(app): State<Shared<S>>,
    v: Viewer,
    Path(name): Path<String>,
    Form(f): Form<DeleteUserForm>,
) -> Result<Response, PageError> {
    check_csrf(&v, f.csrf.as_deref())?;
    require(&v, Permission::Admin)?;
    if name == v.user.name {
        return Ok(settings_err(Msg::NotYourself.text(v.lang)));
    }
    match app.store.delete_user(&name, &v.user.name).await {
        Ok(()) => {
            app.sessions.close_user(&name);
            Ok(Redirect::to("/settings?done=deleted").into_response())
        }
        Err(StoreError::UnknownUser(_)) => Err(v.fail(StatusCode::NOT_FOUND, Msg::UnknownUser)),
        Err(e) => Err(v.internal(e)),
    }
}
