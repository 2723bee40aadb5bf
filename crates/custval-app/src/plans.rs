//! Account plans (客户计划) for key accounts: the saved plan, the data-driven SWOT suggestions
//! of the customer's latest result, and a draft that merges them (suggestions marked as such,
//! the user's own entries untouched).

use custval_accounts::{AccountPlan, Lang, SwotSuggestion};
use custval_model::RunInfo;
use custval_store::Store;
use serde::Serialize;

use crate::AppError;

/// What `plan show` prints and `GET /api/v1/customers/{id}/plan` returns.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub customer_id: String,
    pub run: i64,
    pub tier: String,
    /// Whether the customer's tier is one of the plan tiers of the run's config.
    pub in_plan_tiers: bool,
    /// The saved plan, or an empty one.
    pub plan: AccountPlan,
    pub saved: bool,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    /// Suggestions from the run's figures, each naming the figure behind it.
    pub suggestions: Vec<SwotSuggestion>,
    /// The plan with the suggestions merged in as marked entries (what `--adopt-suggestions`
    /// saves).
    pub draft: AccountPlan,
}

/// The plan view of a customer in `run`; `None` when the customer is not in the run.
pub async fn plan_view<S: Store>(
    store: &S,
    run: &RunInfo,
    customer_id: &str,
    lang: Lang,
) -> Result<Option<PlanView>, AppError> {
    let Some(result) = store.result(run.id, customer_id).await? else {
        return Ok(None);
    };
    plan_view_of(store, run, result, lang).await.map(Some)
}

/// The plan view of a result of `run` already read (the web's customer page has it).
pub async fn plan_view_of<S: Store>(
    store: &S,
    run: &RunInfo,
    result: custval_model::CustomerResult,
    lang: Lang,
) -> Result<PlanView, AppError> {
    let tiers = crate::key_accounts::plan_tiers(run);
    plan_view_with_tiers(store, run, result, &tiers, lang).await
}

/// [`plan_view_of`] with the run's plan tiers already known (finding them compiles the
/// config; the web server keeps them per run).
pub async fn plan_view_with_tiers<S: Store>(
    store: &S,
    run: &RunInfo,
    result: custval_model::CustomerResult,
    plan_tiers: &[String],
    lang: Lang,
) -> Result<PlanView, AppError> {
    let customer_id = result.customer_id.as_str();
    let detail: custval_eval::classes::Detail =
        serde_json::from_str(&result.detail).map_err(|e| AppError::Detail {
            run: run.id,
            customer: customer_id.to_string(),
            source: e,
        })?;
    let stored = store.account_plan(customer_id).await?;
    let (plan, updated_at, updated_by) = match &stored {
        Some(p) => (
            serde_json::from_value(p.plan.clone()).map_err(|e| {
                AppError::Plan(format!(
                    "the saved plan of {customer_id} is unreadable: {e}"
                ))
            })?,
            Some(p.updated_at.clone()),
            Some(p.updated_by.clone()),
        ),
        None => {
            let mut p = AccountPlan::new(customer_id);
            p.owner = result.owner.clone();
            (p, None, None)
        }
    };
    let draft = plan.with_suggestions(&detail.swot, lang);
    Ok(PlanView {
        customer_id: customer_id.to_string(),
        run: run.id,
        in_plan_tiers: plan_tiers.contains(&result.tier),
        tier: result.tier,
        saved: stored.is_some(),
        plan,
        updated_at,
        updated_by,
        suggestions: detail.swot,
        draft,
    })
}

/// Validates and saves a plan (audited as `actor`).
pub async fn save_plan<S: Store>(
    store: &S,
    plan: &AccountPlan,
    actor: &str,
) -> Result<(), AppError> {
    let problems = plan.problems();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(AppError::Plan(list.join("; ")));
    }
    let json = serde_json::to_value(plan).map_err(|e| AppError::Plan(e.to_string()))?;
    store
        .save_account_plan(&plan.customer_id, &json, actor)
        .await?;
    Ok(())
}
