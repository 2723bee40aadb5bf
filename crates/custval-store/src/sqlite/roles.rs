//! The role traits implemented for [`SqliteStore`]: each method hands its work to the module
//! of its subject (`load`, `runs`, `provisional`, `alerts`, `plans`, `admin`, `privacy`), so
//! that this file shows which function serves which role.

use custval_model::{CustomerRecord, CustomerResult, Dataset, Day, RunId, RunInfo, TxRecord};

use super::{
    Personal, SqliteImport, SqliteStore, admin, alerts, load, plans, privacy, provisional, runs,
};
use crate::access::{Account, AuditQuery, NewToken, TokenCheck, TokenInfo};
use crate::error::ctx;
use crate::types::{
    AlertQuery, AuditEntry, MonthSpend, NewAlert, Override, PlanFacts, ResultPage, ResultQuery,
    Role, StoredAlert, StoredPlan, TableCounts, TierPoint, User,
};
use crate::{
    AlertStore, AuditStore, CustomerStore, DatasetStore, Forgotten, ImportStore, OverrideStore,
    PlanStore, ProvisionalStore, RunStore, StoreError, UserStore,
};

impl ImportStore for SqliteStore {
    type Import = SqliteImport;

    async fn begin_import(&self) -> Result<SqliteImport, StoreError> {
        SqliteImport::begin(&self.pool, self.privacy.clone()).await
    }
}

impl DatasetStore for SqliteStore {
    async fn load_dataset(&self, as_of: Day) -> Result<Dataset, StoreError> {
        load::load(&self.pool, None, as_of).await
    }

    async fn load_dataset_for(
        &self,
        customer_ids: &[String],
        as_of: Day,
    ) -> Result<Dataset, StoreError> {
        load::load(&self.pool, Some(customer_ids), as_of).await
    }

    async fn order_mark(&self) -> Result<i64, StoreError> {
        provisional::order_mark(&self.pool).await
    }

    async fn ordering_since(&self, mark: i64) -> Result<(Vec<String>, Option<Day>), StoreError> {
        provisional::ordering_since(&self.pool, mark).await
    }

    async fn first_order_day(&self) -> Result<Option<Day>, StoreError> {
        sqlx::query_scalar("SELECT min(day) FROM transactions")
            .fetch_one(&self.pool)
            .await
            .map_err(ctx("reading the first order day"))
    }
}

impl RunStore for SqliteStore {
    async fn create_run(
        &self,
        as_of: Day,
        config: &str,
        meta: &str,
        seconds: f64,
        results: &[CustomerResult],
        alerts: &[NewAlert],
    ) -> Result<RunId, StoreError> {
        let run = runs::NewRun {
            as_of,
            config,
            meta,
            seconds,
            results,
            details: runs::Details::Stored,
            alerts: alerts.to_vec(),
        };
        runs::create_run(&self.pool, run).await
    }

    async fn create_run_with_details(
        &self,
        as_of: Day,
        config: &str,
        meta: &str,
        seconds: f64,
        results: &[CustomerResult],
        detail: &(dyn Fn(usize) -> String + Sync),
        alerts: Vec<NewAlert>,
    ) -> Result<RunId, StoreError> {
        let run = runs::NewRun {
            as_of,
            config,
            meta,
            seconds,
            results,
            details: runs::Details::Built(detail),
            alerts,
        };
        runs::create_run(&self.pool, run).await
    }

    async fn previous_run(&self, as_of: Day) -> Result<Option<RunInfo>, StoreError> {
        runs::previous_run(&self.pool, as_of).await
    }

    async fn snapshot(&self, run: RunId) -> Result<Vec<CustomerResult>, StoreError> {
        runs::snapshot(&self.pool, run).await
    }

    async fn snapshot_each<F: FnMut(CustomerResult) + Send>(
        &self,
        run: RunId,
        each: F,
    ) -> Result<(), StoreError> {
        runs::snapshot_each(&self.pool, run, each).await
    }

    async fn snapshot_of(
        &self,
        run: RunId,
        customer_ids: &[String],
    ) -> Result<Vec<CustomerResult>, StoreError> {
        provisional::snapshot_of(&self.pool, run, customer_ids).await
    }

    async fn runs(&self) -> Result<Vec<RunInfo>, StoreError> {
        runs::runs(&self.pool).await
    }

    async fn run(&self, id: RunId) -> Result<RunInfo, StoreError> {
        runs::run(&self.pool, id)
            .await?
            .ok_or(StoreError::RunNotFound(id))
    }

    async fn latest_run(&self) -> Result<Option<RunInfo>, StoreError> {
        runs::latest_run(&self.pool).await
    }

    async fn delete_run(&self, id: RunId) -> Result<(), StoreError> {
        runs::delete_run(&self.pool, id).await
    }

    async fn results(&self, run: RunId, query: &ResultQuery) -> Result<ResultPage, StoreError> {
        runs::results(&self.pool, run, query).await
    }

    async fn result(
        &self,
        run: RunId,
        customer_id: &str,
    ) -> Result<Option<CustomerResult>, StoreError> {
        runs::result(&self.pool, run, customer_id).await
    }

    async fn tier_history(&self, customer_id: &str) -> Result<Vec<TierPoint>, StoreError> {
        runs::tier_history(&self.pool, customer_id).await
    }
}

impl ProvisionalStore for SqliteStore {
    async fn save_provisional(
        &self,
        run: RunId,
        as_of: Day,
        results: &[CustomerResult],
        alerts: &[NewAlert],
    ) -> Result<bool, StoreError> {
        provisional::save(&self.pool, run, as_of, results, alerts).await
    }

    async fn provisional(
        &self,
        run: RunId,
        customer_ids: &[String],
    ) -> Result<Vec<crate::ProvisionalResult>, StoreError> {
        provisional::results(&self.pool, run, customer_ids).await
    }

    async fn provisional_all(
        &self,
        run: RunId,
    ) -> Result<Vec<crate::ProvisionalResult>, StoreError> {
        provisional::all(&self.pool, run).await
    }

    async fn provisional_count(&self, run: RunId) -> Result<u64, StoreError> {
        provisional::count(&self.pool, run).await
    }

    async fn provisional_alerts(
        &self,
        run: RunId,
        customer_id: Option<&str>,
    ) -> Result<Vec<crate::ProvisionalAlert>, StoreError> {
        provisional::alerts(&self.pool, run, customer_id).await
    }
}

impl AlertStore for SqliteStore {
    async fn alerts(&self, query: &AlertQuery) -> Result<Vec<StoredAlert>, StoreError> {
        alerts::list(&self.pool, query).await
    }

    async fn alert_keys(&self, run: RunId) -> Result<Vec<(String, String)>, StoreError> {
        sqlx::query_as("SELECT customer_id, rule FROM alerts WHERE run_id = ?")
            .bind(run)
            .fetch_all(&self.pool)
            .await
            .map_err(ctx("reading a run's alerts"))
    }

    async fn alert(&self, id: i64) -> Result<Option<StoredAlert>, StoreError> {
        alerts::one(&self.pool, id).await
    }

    async fn acknowledge_alert(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        alerts::acknowledge(&self.pool, id, actor).await
    }

    async fn assign_alert(
        &self,
        id: i64,
        assignee: Option<&str>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        alerts::assign(&self.pool, id, assignee, actor).await
    }

    async fn open_alert_count(&self, run: RunId, owner: Option<&str>) -> Result<u64, StoreError> {
        plans::open_alert_count(&self.pool, run, owner).await
    }

    async fn alert_count(&self, run: RunId, owner: Option<&str>) -> Result<u64, StoreError> {
        alerts::count(&self.pool, run, owner).await
    }

    async fn mark_alerts_delivered(&self, ids: &[i64]) -> Result<(), StoreError> {
        alerts::mark_delivered(&self.pool, ids).await
    }
}

impl PlanStore for SqliteStore {
    async fn account_plan(&self, customer_id: &str) -> Result<Option<StoredPlan>, StoreError> {
        plans::get(&self.pool, customer_id).await
    }

    async fn save_account_plan(
        &self,
        customer_id: &str,
        plan: &serde_json::Value,
        actor: &str,
    ) -> Result<(), StoreError> {
        plans::save(&self.pool, customer_id, plan, actor).await
    }

    async fn plan_facts(
        &self,
        run: RunId,
        customer_ids: &[String],
    ) -> Result<Vec<PlanFacts>, StoreError> {
        plans::facts(&self.pool, run, customer_ids).await
    }

    async fn plan_reviews(
        &self,
        run: RunId,
        tiers: &[String],
        owner: Option<&str>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        plans::reviews(&self.pool, run, tiers, owner).await
    }
}

impl CustomerStore for SqliteStore {
    async fn customer(&self, customer_id: &str) -> Result<Option<CustomerRecord>, StoreError> {
        let Some(mut rec) = admin::customer(&self.pool, customer_id).await? else {
            return Ok(None);
        };
        // Personal fields are sealed: filled in when this store has the key.
        match privacy::personal(&self.pool, &self.privacy, customer_id).await? {
            Some(Personal::Available { phone, email }) => {
                rec.phone = phone;
                rec.email = email;
            }
            _ => {
                rec.phone = None;
                rec.email = None;
            }
        }
        Ok(Some(rec))
    }

    async fn customer_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
            .fetch_one(&self.pool)
            .await
            .map_err(ctx("counting customers"))?;
        Ok(n.max(0) as u64)
    }

    async fn transactions_of(
        &self,
        customer_id: &str,
        limit: u64,
    ) -> Result<Vec<TxRecord>, StoreError> {
        admin::transactions_of(&self.pool, customer_id, limit).await
    }

    async fn monthly_spend(
        &self,
        customer_id: &str,
        from: Day,
        to: Day,
    ) -> Result<Vec<MonthSpend>, StoreError> {
        admin::monthly_spend(&self.pool, customer_id, from, to).await
    }

    async fn table_counts(&self) -> Result<TableCounts, StoreError> {
        admin::table_counts(&self.pool).await
    }

    async fn personal(&self, customer_id: &str) -> Result<Option<Personal>, StoreError> {
        privacy::personal(&self.pool, &self.privacy, customer_id).await
    }

    async fn forget_customer(
        &self,
        customer_id: &str,
        reason: &str,
        actor: &str,
    ) -> Result<Forgotten, StoreError> {
        privacy::forget(&self.pool, customer_id, reason, actor).await
    }
}

impl OverrideStore for SqliteStore {
    async fn set_override(
        &self,
        customer_id: &str,
        tier: &str,
        reason: &str,
        author: &str,
        until: Option<Day>,
    ) -> Result<(), StoreError> {
        admin::set_override(&self.pool, customer_id, tier, reason, author, until).await
    }

    async fn clear_override(&self, customer_id: &str, author: &str) -> Result<bool, StoreError> {
        admin::clear_override(&self.pool, customer_id, author).await
    }

    async fn active_override(
        &self,
        customer_id: &str,
        today: Day,
    ) -> Result<Option<Override>, StoreError> {
        Ok(
            admin::active_overrides(&self.pool, Some(customer_id), today)
                .await?
                .pop(),
        )
    }

    async fn active_overrides(&self, today: Day) -> Result<Vec<Override>, StoreError> {
        admin::active_overrides(&self.pool, None, today).await
    }
}

impl AuditStore for SqliteStore {
    async fn audit(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(ctx("writing the audit log"))?;
        admin::audit(&mut conn, actor, action, subject, detail).await
    }

    async fn audit_log(&self, limit: u64) -> Result<Vec<AuditEntry>, StoreError> {
        admin::audit_log(&self.pool, limit).await
    }

    async fn audit_query(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        admin::audit_query(&self.pool, query).await
    }
}

impl UserStore for SqliteStore {
    async fn add_user(
        &self,
        name: &str,
        role: Role,
        owner_id: Option<&str>,
        password: Option<&str>,
    ) -> Result<User, StoreError> {
        admin::add_user(&self.pool, name, role, owner_id, password).await
    }

    async fn verify_password(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        admin::verify_password(&self.pool, name, password).await
    }

    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        admin::user(&self.pool, name).await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        admin::users(&self.pool).await
    }

    async fn update_user(
        &self,
        name: &str,
        role: Role,
        owner_id: Option<&str>,
        actor: &str,
    ) -> Result<User, StoreError> {
        admin::update_user(&self.pool, name, role, owner_id, actor).await
    }

    async fn delete_user(&self, name: &str, actor: &str) -> Result<(), StoreError> {
        admin::delete_user(&self.pool, name, actor).await
    }

    async fn set_password(
        &self,
        name: &str,
        password: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        admin::set_password(&self.pool, name, password, actor).await
    }

    async fn account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        admin::account(&self.pool, name).await
    }

    async fn create_token(&self, name: &str) -> Result<String, StoreError> {
        admin::create_token(&self.pool, name).await
    }

    async fn user_for_token(&self, token: &str) -> Result<Option<User>, StoreError> {
        admin::user_for_token(&self.pool, token).await
    }

    async fn create_token_for(
        &self,
        name: &str,
        days: u32,
        actor: &str,
    ) -> Result<NewToken, StoreError> {
        admin::create_token_for(&self.pool, name, days, actor).await
    }

    async fn tokens(&self, user: Option<&str>) -> Result<Vec<TokenInfo>, StoreError> {
        admin::tokens(&self.pool, user).await
    }

    async fn revoke_token(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        admin::revoke_token(&self.pool, id, actor).await
    }

    async fn check_token(&self, token: &str) -> Result<TokenCheck, StoreError> {
        admin::check_token(&self.pool, token).await
    }
}
