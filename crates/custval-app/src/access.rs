//! Who may see and do what: the one set of role rules of the command line, the web pages and
//! the REST API.
//!
//! Four roles: an admin may do everything; an analyst runs evaluations and reads runs; a
//! manager overrides tiers, handles alerts and sees personal data; a sales user sees only the
//! customers whose current owner they are. Everybody edits the account plans of the customers
//! they see. The command line works on a store file its user already holds, so it acts as
//! [`Actor::Local`] with every right; the web front ends act for a logged-in [`User`].
//!
//! The order of the checks is part of the rule: visibility first, then the role. A sales user
//! asking about another owner's customer is told "not found", never "forbidden", so that the
//! answer does not reveal that the customer exists.

use custval_model::{CustomerResult, RunInfo};
use custval_store::{Role, Store, StoreError, User};

use crate::AppError;

/// What a role may do. Sales users are further restricted to their own customers by
/// [`scope`].
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
    /// is the account manager's working record, so sales edit the plans of the customers they
    /// own (the [`scope`] still applies), managers and admins any, and analysts any, as they
    /// prepare the data-driven SWOT.
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

/// Whether `user` may see customer `id` at all, in any run: a scoped (sales) user must be the
/// customer's **current** owner, as the customers table says now. Checking the owner stored
/// with the run in `?run=` let a former owner open an old run and read the new owner's plan,
/// new orders and master data (issue 18). `run_owner` decides only for a customer without
/// master data.
pub async fn may_see_customer<S: Store>(
    store: &S,
    user: &User,
    id: &str,
    run_owner: Option<&str>,
) -> Result<bool, StoreError> {
    if scope(user).is_none() {
        return Ok(true);
    }
    let current = store.customer(id).await?;
    let owner = match &current {
        Some(c) => c.owner.as_deref(),
        None => run_owner,
    };
    Ok(can_see(user, owner))
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

/// On whose behalf a service acts.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// The command line: whoever holds the store file, with every right, named for the audit
    /// log (`$USER` or `--author`).
    Local(&'a str),
    /// A user of the web app or the API.
    User(&'a User),
}

impl Actor<'_> {
    /// The name written in the audit log and on overrides.
    pub fn name(&self) -> &str {
        match self {
            Actor::Local(name) => name,
            Actor::User(u) => &u.name,
        }
    }

    /// True when the actor has `p`.
    pub fn may(&self, p: Permission) -> bool {
        match self {
            Actor::Local(_) => true,
            Actor::User(u) => may(u.role, p),
        }
    }

    /// The owner filter forced on the actor's lists (sales users only).
    pub fn scope(&self) -> Option<String> {
        match self {
            Actor::Local(_) => None,
            Actor::User(u) => scope(u),
        }
    }

    /// [`may_see_customer`] for this actor.
    pub async fn may_see<S: Store>(
        &self,
        store: &S,
        id: &str,
        run_owner: Option<&str>,
    ) -> Result<bool, StoreError> {
        match self {
            Actor::Local(_) => Ok(true),
            Actor::User(u) => may_see_customer(store, u, id, run_owner).await,
        }
    }

    /// Fails with [`AppError::Forbidden`] unless the actor has `p`.
    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.may(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Customer `id`'s result in `run` as `actor` may see it: [`AppError::UnknownCustomer`] when
/// the customer is not in the run or is not the actor's (the same answer, on purpose).
pub async fn visible_result<S: Store>(
    store: &S,
    actor: Actor<'_>,
    run: &RunInfo,
    id: &str,
) -> Result<CustomerResult, AppError> {
    let unknown = || AppError::UnknownCustomer(id.to_string());
    let r = store.result(run.id, id).await?.ok_or_else(unknown)?;
    if !actor.may_see(store, id, r.owner.as_deref()).await? {
        return Err(unknown());
    }
    Ok(r)
}

/// Alert `id` as `actor` may see it: [`AppError::UnknownAlert`] when it does not exist or its
/// customer is not the actor's (the same answer, on purpose).
pub async fn visible_alert<S: Store>(
    store: &S,
    actor: Actor<'_>,
    id: i64,
) -> Result<custval_store::StoredAlert, AppError> {
    let a = store.alert(id).await?.ok_or(AppError::UnknownAlert(id))?;
    if !actor
        .may_see(store, &a.customer_id, a.owner.as_deref())
        .await?
    {
        return Err(AppError::UnknownAlert(id));
    }
    Ok(a)
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
    fn roles_and_scope() {
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
        let local = Actor::Local("ana");
        assert!(local.may(Permission::Admin) && local.scope().is_none());
        assert_eq!(local.name(), "ana");
        assert!(Actor::User(&sales).require(Permission::Override).is_err());
    }

    #[test]
    fn masks_personal_data_for_roles_without_it() {
        let a = user(Role::Analyst, None);
        assert_eq!(mask(&a, "li@example.com"), "l***@example.com");
        assert_eq!(mask(&a, "555-1234"), "555*****");
        assert_eq!(mask(&user(Role::Manager, None), "555-1234"), "555-1234");
    }
}
