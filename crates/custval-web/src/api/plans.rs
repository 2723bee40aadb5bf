//! Key-account plans in the REST API: `GET /api/v1/customers/{id}/plan` returns what
//! `custval plan show --format json` prints (the saved plan, the data's SWOT suggestions with
//! their figures, the draft merging them), and `PUT` replaces the plan, as
//! `custval plan edit --file` does: the body is the plan document (`plan` of the GET), checked
//! with the same rules, and every save is audited with the token's user.
//!
//! Roles are the pages': every role may edit the plans of the customers it sees; a sales
//! token's other-owner customer is 404, as if it did not exist. A plan that breaks a rule is
//! 422 with every problem listed.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use custval_accounts::AccountPlan;
use custval_app::AppError;
use custval_store::{Store, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiUser, ErrorBody, forbidden, internal, not_found, run_of, visible};
use crate::Shared;
use crate::auth::{Permission, may};

/// Which run and language.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Run id whose suggestions to show (default: the latest run).
    run: Option<i64>,
    /// Language of the suggestions merged into the draft: `en` (default) or `zh`.
    lang: Option<String>,
}

/// Why a plan was refused: every broken rule.
#[derive(Serialize, ToSchema)]
pub struct PlanProblems {
    error: String,
    problems: Vec<String>,
}

/// The plan document `PUT` takes: custval-accounts' `AccountPlan`, described here, beside the
/// API, so that the pure crate needs no OpenAPI dependency (the document said "any JSON" and
/// the server refused all but plans, issue 18). Unknown fields are refused, as the real type
/// refuses them.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a description for the document only
pub struct PlanDocument {
    /// The customer's id: must be the path's.
    customer_id: String,
    /// The account manager.
    owner: Option<String>,
    /// Goals for the account.
    #[serde(default)]
    goals: Vec<PlanEntry>,
    #[serde(default)]
    swot: PlanSwot,
    /// Next review; not before the last action's date.
    #[schema(format = Date)]
    next_review: Option<String>,
    /// Actions taken, with dates and outcomes.
    #[serde(default)]
    actions: Vec<PlanActionDoc>,
    /// Suggestion codes not to propose again.
    #[serde(default)]
    dismissed_suggestions: Vec<String>,
}

/// The SWOT of a plan: free text per quadrant.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
#[allow(dead_code)] // a description for the document only
pub struct PlanSwot {
    strengths: Vec<PlanEntry>,
    weaknesses: Vec<PlanEntry>,
    opportunities: Vec<PlanEntry>,
    threats: Vec<PlanEntry>,
}

/// A goal or SWOT entry: not blank.
#[derive(Deserialize, Serialize, ToSchema)]
#[schema(pattern = r"\S")]
#[allow(dead_code)] // a description for the document only
pub struct PlanEntry(String);

/// One action taken with a key account.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a description for the document only
pub struct PlanActionDoc {
    #[schema(format = Date)]
    date: String,
    /// What was done (not blank).
    #[schema(pattern = r"\S")]
    action: String,
    /// What came of it, once known.
    outcome: Option<String>,
}

fn lang_of(q: Option<&str>) -> Result<custval_accounts::Lang, ApiError> {
    match q.map(str::trim) {
        None | Some("") | Some("en") => Ok(custval_accounts::Lang::En),
        Some("zh") => Ok(custval_accounts::Lang::Zh),
        Some(other) => Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("lang {other:?}: expected en or zh"),
        )),
    }
}

async fn plan_json<S: Store>(
    app: &Shared<S>,
    user: &User,
    id: &str,
    run: Option<i64>,
    lang: custval_accounts::Lang,
) -> Result<Response, ApiError> {
    let run = run_of(app, run).await?;
    let result = visible(app, user, &run, id).await?;
    let tiers = app.plan_tiers.get(&run);
    let view = custval_app::plans::plan_view_with_tiers(&app.store, &run, result, &tiers, lang)
        .await
        .map_err(internal)?;
    Ok(Json(view).into_response())
}

/// A key account's plan with the data's suggestions: what `custval plan show --format json`
/// prints (`plan`, `suggestions` each naming its figure and threshold, `draft`, `saved`,
/// `updated_at`, `updated_by`, `in_plan_tiers`).
#[utoipa::path(
    get,
    path = "/api/v1/customers/{id}/plan",
    params(("id" = String, Path, description = "Customer id"), PlanQuery),
    responses(
        (status = 200, description = "The plan view", body = serde_json::Value),
        (status = 400, description = "Bad language", body = ErrorBody),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 404, description = "Unknown customer, not in the run, or not yours", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
pub async fn get_plan<S: Store + 'static>(
    State(app): State<Shared<S>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Query(q): Query<PlanQuery>,
) -> Result<Response, ApiError> {
    let lang = lang_of(q.lang.as_deref())?;
    plan_json(&app, &user, &id, q.run, lang).await
}

/// Replaces a key account's plan (audited). The body is the plan document: `customer_id`
/// (must be the path's), `owner`, `goals`, `swot` {`strengths`, `weaknesses`,
/// `opportunities`, `threats`}, `next_review` (YYYY-MM-DD), `actions` [{`date`, `action`,
/// `outcome`}], `dismissed_suggestions`. Returns the plan view after the save.
#[utoipa::path(
    put,
    path = "/api/v1/customers/{id}/plan",
    params(("id" = String, Path, description = "Customer id"), PlanQuery),
    request_body(content = PlanDocument, description = "The plan document (`plan` in the GET answer)"),
    responses(
        (status = 200, description = "The plan view after the save", body = serde_json::Value),
        (status = 400, description = "Not a plan document, or for another customer", body = ErrorBody),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 403, description = "Role may not edit plans", body = ErrorBody),
        (status = 404, description = "Unknown customer, not in the run, or not yours", body = ErrorBody),
        (status = 422, description = "The plan breaks a rule", body = PlanProblems)
    ),
    security(("bearer" = []))
)]
pub async fn put_plan<S: Store + 'static>(
    State(app): State<Shared<S>>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Query(q): Query<PlanQuery>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let lang = lang_of(q.lang.as_deref())?;
    // Visibility first: a sales token must not learn that another owner's customer exists.
    let run = run_of(&app, None).await?;
    visible(&app, &user, &run, &id).await?;
    if !may(user.role, Permission::Plans) {
        return Err(forbidden());
    }
    let plan: AccountPlan = serde_json::from_slice(&body)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, format!("not a plan document: {e}")))?;
    if plan.customer_id != id {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("the plan is for {:?}, not {id:?}", plan.customer_id),
        ));
    }
    let problems: Vec<String> = plan.problems().iter().map(ToString::to_string).collect();
    if !problems.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(PlanProblems {
                error: "the plan breaks a rule".into(),
                problems,
            }),
        )
            .into_response());
    }
    match custval_app::plans::save_plan(&app.store, &plan, &user.name).await {
        Ok(()) => {}
        // The documented 422 body, with its problem (it was the bare error body).
        Err(AppError::Plan(msg)) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(PlanProblems {
                    error: "the plan breaks a rule".into(),
                    problems: vec![msg],
                }),
            )
                .into_response());
        }
        Err(AppError::Store(custval_store::StoreError::UnknownCustomer(_))) => {
            return Err(not_found());
        }
        Err(e) => return Err(internal(e)),
    }
    plan_json(&app, &user, &id, Some(run.id), lang).await
}
