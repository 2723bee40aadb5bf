//! Integration tests of the key-account pages (issue 9 in the web app), the plan API, user
//! changes on the settings page and the dashboard's open-alert count: a real server on port 0
//! over a temporary SQLite store, driven over HTTP.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{Server, owner_of};
use custval_store::ResultQuery;
use custval_store::prelude::*;
use serde_json::Value;

/// A tier-A customer of `owner` and a tier-A customer of another owner.
async fn own_and_other_key(s: &Server, owner: &str) -> (String, String) {
    let all = common::key_accounts(s).await;
    let own = all
        .iter()
        .find(|r| r.owner.as_deref() == Some(owner))
        .map(|r| r.customer_id.clone());
    let other = all
        .iter()
        .find(|r| r.owner.as_deref() != Some(owner))
        .map(|r| r.customer_id.clone());
    (
        own.expect("own key account"),
        other.expect("other key account"),
    )
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_customer_page_shows_the_key_account_with_its_figures() {
    let s = Server::start().await;
    let key = common::key_accounts(&s).await;
    assert!(!key.is_empty(), "the fixture has tier-A customers");
    let admin = s.login("admin").await;

    // The page shows what the stored detail holds: wallet (or why not), risk, suggestions.
    let mut seen_suggestion = false;
    let mut seen_wallet = false;
    for r in key.iter().take(8) {
        let page = admin.page(&format!("/customers/{}", r.customer_id)).await;
        assert!(page.contains("id=\"key-account\""), "{}", r.customer_id);
        assert!(page.contains("id=\"swot-suggestions\""));
        assert!(page.contains("id=\"risk-level\""));
        let plan = custval_app::plans::plan_view(
            &s.store,
            &s.store.latest_run().await.expect("store").expect("run"),
            &r.customer_id,
            custval_accounts::Lang::En,
        )
        .await
        .expect("plan view")
        .expect("in run");
        for sug in &plan.suggestions {
            seen_suggestion = true;
            // Marked as a suggestion, with the figure behind it.
            assert!(page.contains("class=\"badge-suggestion\">Suggestion<"));
            // Issue 21: the figure is named in words, not by its id.
            let named = custval_i18n::text(
                custval_i18n::Lang::En,
                &format!("web-acc-figure-{}", sug.figure),
            )
            .to_string();
            assert!(
                page.contains(&format!("Figure: {named} = ")),
                "{}: {}",
                r.customer_id,
                sug.figure
            );
        }
        if page.contains("id=\"share-of-wallet\"") {
            seen_wallet = true;
            assert!(page.contains("id=\"peer-count\"") || page.contains("imported"));
        } else {
            assert!(
                page.contains("id=\"wallet-none\"") || page.contains("No wallet estimate"),
                "{}: a wallet or the reason there is none",
                r.customer_id
            );
        }
    }
    assert!(seen_suggestion, "some key account has SWOT suggestions");
    assert!(seen_wallet, "some key account has a wallet estimate");

    // The same in Chinese.
    let mut zh = s.login("admin").await;
    zh.lang = Some("zh".into());
    let page = zh.page(&format!("/customers/{}", key[0].customer_id)).await;
    assert!(page.contains("大客户管理"));
    assert!(page.contains("客户计划"));
    s.stop().await;
}

#[tokio::test]
async fn a_plan_is_edited_in_the_form_validated_like_the_cli_and_audited() {
    let s = Server::start().await;
    let id = common::key_accounts(&s).await[0].customer_id.clone();
    let mia = s.login("mia").await;
    let csrf = mia.csrf().await;
    let path = format!("/customers/{id}/plan");

    // The form is filled with the draft: suggestions as marked lines.
    let form = mia.page(&path).await;
    assert!(form.contains("id=\"plan-form\""));
    let view: Value = serde_json::to_value(
        custval_app::plans::plan_view(
            &s.store,
            &s.store.latest_run().await.expect("store").expect("run"),
            &id,
            custval_accounts::Lang::En,
        )
        .await
        .expect("view")
        .expect("in run"),
    )
    .expect("json");
    for q in ["strengths", "weaknesses", "opportunities", "threats"] {
        for e in view["draft"]["swot"][q].as_array().expect("list") {
            let e = e.as_str().unwrap_or_default();
            assert!(e.starts_with("[suggested:"), "{e}");
            let escaped = e
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert!(
                form.contains(&escaped) || form.contains(e),
                "draft line in the form: {e}"
            );
        }
    }

    // No CSRF token: 403, nothing saved.
    let r = mia.post(&path, &[("goals", "Grow")]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(s.store.account_plan(&id).await.expect("store"), None);

    // The CLI's rules: a bad date and an action without text are refused, all problems shown,
    // what was typed kept.
    let r = mia
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("goals", "Win the oncology tender"),
                ("next_review", "2025-02-30"),
                ("actions", "2025-05-02 | Visited the buyer\n2025-06-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.expect("body");
    assert!(body.contains("id=\"plan-problems\""));
    assert!(body.contains("next_review = &#34;2025-02-30&#34;") || body.contains("2025-02-30"));
    assert!(body.contains("actions[1] has no action text"));
    assert!(body.contains("Win the oncology tender"));
    assert_eq!(s.store.account_plan(&id).await.expect("store"), None);

    // A valid plan: saved, audited, shown on the customer page; the overdue review flagged.
    let r = mia
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("owner", "rep01"),
                ("goals", "Win the oncology tender\nRenew the 2026 contract"),
                ("strengths", "Long relationship with the head pharmacist"),
                ("threats", "A competitor offers longer payment terms"),
                ("next_review", "2025-07-15"),
                (
                    "actions",
                    "2025-05-02 | Visited the buyer | Pilot agreed\n2025-06-01 | Sent the offer",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let loc = location(&r);
    assert!(loc.contains("done=plan"), "{loc}");
    let stored = s
        .store
        .account_plan(&id)
        .await
        .expect("store")
        .expect("saved");
    assert_eq!(stored.updated_by, "mia");
    let plan: custval_accounts::AccountPlan =
        serde_json::from_value(stored.plan).expect("plan document");
    assert_eq!(
        plan.goals,
        ["Win the oncology tender", "Renew the 2026 contract"]
    );
    assert_eq!(plan.actions.len(), 2);
    assert_eq!(plan.actions[0].outcome.as_deref(), Some("Pilot agreed"));
    assert_eq!(plan.next_review.as_deref(), Some("2025-07-15"));
    let log = s.store.audit_log(5).await.expect("audit");
    assert!(
        log.iter().any(|e| e.actor == "mia"
            && e.action == "save_account_plan"
            && e.subject == format!("customer {id}")),
        "{log:?}"
    );
    let page = mia.page(&format!("/customers/{id}?done=plan")).await;
    assert!(page.contains("Account plan saved."));
    assert!(page.contains("Renew the 2026 contract"));
    assert!(page.contains("Pilot agreed"));
    assert!(page.contains("class=\"overdue\""), "2025-07-15 is past");
    s.stop().await;
}

#[tokio::test]
async fn a_sales_user_reads_and_edits_only_their_own_plans() {
    let s = Server::start().await;
    let (own, other) = own_and_other_key(&s, "rep01").await;
    let sam = s.login("sam").await;
    let csrf = sam.csrf().await;

    // Pages: own plan 200, another owner's 404 (as if it did not exist), also for a POST.
    assert_eq!(
        sam.get(&format!("/customers/{own}/plan")).await.status(),
        200
    );
    assert_eq!(
        sam.get(&format!("/customers/{other}/plan")).await.status(),
        404
    );
    let r = sam
        .post(
            &format!("/customers/{other}/plan"),
            &[("csrf", csrf.as_str()), ("goals", "steal")],
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(s.store.account_plan(&other).await.expect("store"), None);
    let r = sam
        .post(
            &format!("/customers/{own}/plan"),
            &[("csrf", csrf.as_str()), ("goals", "Grow the account")],
        )
        .await;
    assert_eq!(r.status(), 303, "sales edit their own customers' plans");
    assert!(s.store.account_plan(&own).await.expect("store").is_some());

    // The key-accounts list: only rep01's customers.
    let list = sam.page("/accounts").await;
    assert!(list.contains(&format!("data-id=\"{own}\"")));
    assert!(!list.contains(&format!("data-id=\"{other}\"")));
    for r in common::key_accounts(&s).await {
        if r.owner.as_deref() != Some("rep01") {
            assert!(!list.contains(&format!("data-id=\"{}\"", r.customer_id)));
        }
    }

    // The API: the same rules with a sales token.
    let http = reqwest::Client::new();
    let token = s.token("sam").await;
    let get = |id: &str| {
        http.get(s.url(&format!("/api/v1/customers/{id}/plan")))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(get(&own).await.expect("api").status(), 200);
    assert_eq!(get(&other).await.expect("api").status(), 404);
    let body = serde_json::json!({"customer_id": other, "goals": ["steal"]});
    let r = http
        .put(s.url(&format!("/api/v1/customers/{other}/plan")))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), 404);
    assert_eq!(s.store.account_plan(&other).await.expect("store"), None);
    s.stop().await;
}

#[tokio::test]
async fn the_plan_api_reads_and_replaces_plans_with_the_cli_rules() {
    let s = Server::start().await;
    let id = common::key_accounts(&s).await[0].customer_id.clone();
    let http = reqwest::Client::new();
    let token = s.token("mia").await;
    let url = s.url(&format!("/api/v1/customers/{id}/plan"));

    let view: Value = http
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    assert_eq!(view["customer_id"], id.as_str());
    assert_eq!(view["saved"], false);
    assert_eq!(view["in_plan_tiers"], true);
    for sug in view["suggestions"].as_array().expect("suggestions") {
        assert!(sug["figure"].is_string() && sug["value"].is_number());
        assert!(sug["threshold"].is_number());
    }
    let zh: Value = http
        .get(format!("{url}?lang=zh"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    let marked = |v: &Value, marker: &str| {
        ["strengths", "weaknesses", "opportunities", "threats"]
            .iter()
            .flat_map(|q| {
                v["draft"]["swot"][q]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .all(|e| e.as_str().unwrap_or_default().starts_with(marker))
    };
    assert!(marked(&view, "[suggested:") && marked(&zh, "[建议:"));
    assert_eq!(
        http.get(format!("{url}?lang=fr"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("api")
            .status(),
        400
    );

    // Another customer's plan in the body: 400; rule breaks: 422 with every problem.
    let put = |body: Value| http.put(&url).bearer_auth(&token).json(&body).send();
    let r = put(serde_json::json!({"customer_id": "someone-else"}))
        .await
        .expect("api");
    assert_eq!(r.status(), 400);
    let r = put(serde_json::json!({"customer_id": id, "unknown": 1}))
        .await
        .expect("api");
    assert_eq!(r.status(), 400, "unknown fields are refused as by the CLI");
    let r = put(serde_json::json!({
        "customer_id": id,
        "goals": [" "],
        "next_review": "2025-01-01",
        "actions": [{"date": "2025-03-01", "action": "Visit"}]
    }))
    .await
    .expect("api");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    let problems: Vec<&str> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        problems,
        [
            "goals[0] is blank",
            "next_review 2025-01-01 is before the last action on 2025-03-01"
        ]
    );
    assert_eq!(s.store.account_plan(&id).await.expect("store"), None);

    let r = put(serde_json::json!({
        "customer_id": id,
        "owner": "rep01",
        "goals": ["Double the share of wallet"],
        "swot": {"opportunities": ["Oncology line not yet bought"]},
        "next_review": "2099-01-31",
        "actions": [{"date": "2025-03-01", "action": "Visit", "outcome": "Interested"}]
    }))
    .await
    .expect("api");
    assert_eq!(r.status(), 200);
    let saved: Value = r.json().await.expect("json");
    assert_eq!(saved["saved"], true);
    assert_eq!(saved["updated_by"], "mia");
    assert_eq!(saved["plan"]["goals"][0], "Double the share of wallet");
    let log = s.store.audit_log(3).await.expect("audit");
    assert_eq!(log[0].action, "save_account_plan");
    assert_eq!(log[0].actor, "mia");

    // The OpenAPI document describes both operations.
    let doc: Value = http
        .get(s.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    let ops = &doc["paths"]["/api/v1/customers/{id}/plan"];
    assert!(ops["get"].is_object() && ops["put"].is_object(), "{ops}");
    assert!(ops["put"]["responses"]["422"].is_object());
    s.stop().await;
}

#[tokio::test]
async fn the_key_accounts_page_lists_plan_tiers_with_reviews_and_alerts() {
    let s = Server::start().await;
    let key = common::key_accounts(&s).await;
    let run = s.store.latest_run().await.expect("store").expect("run");
    let admin = s.login("admin").await;
    let page = admin.page("/accounts").await;
    assert!(page.contains("id=\"accounts\""));
    let rows = page.matches("<tr data-id=").count();
    assert_eq!(rows, key.len().min(50), "one row per tier-A customer");
    for r in key.iter().take(50) {
        assert!(page.contains(&format!("data-id=\"{}\"", r.customer_id)));
    }
    let all = s
        .store
        .results(run.id, &ResultQuery::default())
        .await
        .expect("results")
        .results;
    let not_key = all
        .iter()
        .find(|r| r.tier != "A")
        .map(|r| r.customer_id.clone())
        .expect("a non-key customer");
    assert!(!page.contains(&format!("data-id=\"{not_key}\"")));

    // Open alerts per row are the run's open alerts of that customer.
    let facts = s
        .store
        .plan_facts(run.id, &[key[0].customer_id.clone()])
        .await
        .expect("facts");
    let open = custval_app::dynamics::alerts(
        &s.store,
        &custval_store::AlertQuery {
            run: Some(run.id),
            customer_id: Some(key[0].customer_id.clone()),
            status: Some("open".into()),
            ..Default::default()
        },
    )
    .await
    .expect("alerts");
    assert_eq!(facts[0].open_alerts, open.len() as u64);

    // Review order: plans with a review date, earliest first; a past date is overdue.
    let save = |id: String, review: &'static str| {
        let store = s.store.clone();
        async move {
            let mut p = custval_accounts::AccountPlan::new(&id);
            p.next_review = Some(review.to_string());
            custval_app::plans::save_plan(&store, &p, "admin")
                .await
                .expect("save");
        }
    };
    save(key[1].customer_id.clone(), "2099-05-01").await;
    save(key[2].customer_id.clone(), "2020-01-31").await;
    let page = admin.page("/accounts?sort=review").await;
    assert_eq!(page.matches("<tr data-id=").count(), 2);
    let first = page
        .find(&format!("data-id=\"{}\"", key[2].customer_id))
        .expect("overdue row");
    let second = page
        .find(&format!("data-id=\"{}\"", key[1].customer_id))
        .expect("later row");
    assert!(first < second, "earliest review first");
    assert!(page.contains("class=\"overdue\""));
    assert!(page.contains("2020-01-31 · overdue"));

    // Other orders come from the store's indexes; an unknown one is a bad request.
    let by_name = admin.page("/accounts?sort=name").await;
    assert_eq!(by_name.matches("<tr data-id=").count(), key.len().min(50));
    assert_eq!(admin.get("/accounts?sort=risk").await.status(), 400);
    // A tier that is not a plan tier lists nothing.
    let none = admin.page("/accounts?tier=C").await;
    assert_eq!(none.matches("<tr data-id=").count(), 0);
    s.stop().await;
}

#[tokio::test]
async fn admins_change_and_delete_users_but_not_themselves() {
    let s = Server::start().await;
    let admin = s.login("admin").await;
    let csrf = admin.csrf().await;
    let sue = s.login("sue").await;
    assert_eq!(sue.get("/").await.status(), 200);

    // CSRF and role checks.
    assert_eq!(
        admin
            .post("/settings/users/sue", &[("role", "manager")])
            .await
            .status(),
        403
    );
    let mia = s.login("mia").await;
    let mia_csrf = mia.csrf().await;
    assert_eq!(
        mia.post(
            "/settings/users/sue",
            &[("csrf", mia_csrf.as_str()), ("role", "manager")]
        )
        .await
        .status(),
        403
    );

    // Change sue from sales (rep02) to manager: saved, audited, her session ends.
    let r = admin
        .post(
            "/settings/users/sue",
            &[
                ("csrf", csrf.as_str()),
                ("role", "manager"),
                ("owner_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).contains("done=changed"));
    let u = s.store.user("sue").await.expect("store").expect("sue");
    assert_eq!((u.role, u.owner_id), (custval_store::Role::Manager, None));
    let r = sue.get("/").await;
    assert_eq!(r.status(), 303, "the old session is gone");
    assert!(location(&r).starts_with("/login"));
    let log = s.store.audit_log(5).await.expect("audit");
    assert_eq!(
        (
            log[0].actor.as_str(),
            log[0].action.as_str(),
            log[0].subject.as_str()
        ),
        ("admin", "update_user", "sue")
    );
    assert_eq!(log[0].detail["role"]["from"], "sales");
    // After logging in again she sees every owner's customers.
    let sue = s.login("sue").await;
    let list = sue.page("/accounts").await;
    let owners: std::collections::BTreeSet<&str> = (0..common::CUSTOMERS).map(owner_of).collect();
    assert!(owners.len() > 1 && list.contains("id=\"accounts\""));

    // No changing one's own role or deleting oneself.
    let r = admin
        .post(
            "/settings/users/admin",
            &[("csrf", csrf.as_str()), ("role", "sales")],
        )
        .await;
    assert!(location(&r).contains("err="), "{}", location(&r));
    assert_eq!(
        s.store.user("admin").await.expect("store").map(|u| u.role),
        Some(custval_store::Role::Admin)
    );
    let r = admin
        .post("/settings/users/admin/delete", &[("csrf", csrf.as_str())])
        .await;
    assert!(location(&r).contains("err="));
    assert!(s.store.user("admin").await.expect("store").is_some());

    // Delete sam: gone with his token, audited, his session ended.
    let sam = s.login("sam").await;
    let token = s.token("sam").await;
    assert_eq!(
        admin.post("/settings/users/sam/delete", &[]).await.status(),
        403,
        "CSRF"
    );
    let r = admin
        .post("/settings/users/sam/delete", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).contains("done=deleted"));
    assert_eq!(s.store.user("sam").await.expect("store"), None);
    assert_eq!(sam.get("/").await.status(), 303);
    let r = reqwest::Client::new()
        .get(s.url("/api/v1/customers"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), 401);
    let log = s.store.audit_log(1).await.expect("audit");
    assert_eq!(
        (log[0].action.as_str(), log[0].subject.as_str()),
        ("delete_user", "sam")
    );
    assert_eq!(
        admin
            .post("/settings/users/nobody/delete", &[("csrf", csrf.as_str())])
            .await
            .status(),
        404
    );
    let page = admin.page("/settings?done=deleted").await;
    assert!(page.contains("User deleted."));
    assert!(!page.contains("data-user=\"sam\""));
    s.stop().await;
}

#[tokio::test]
async fn the_dashboard_counts_open_alerts_and_links_them() {
    let s = Server::start().await;
    let run = s.store.latest_run().await.expect("store").expect("run");
    let all = s.store.open_alert_count(run.id, None).await.expect("count");
    let mine = s
        .store
        .open_alert_count(run.id, Some("rep01"))
        .await
        .expect("count");
    let admin = s.login("admin").await;
    let page = admin.page("/").await;
    let at = page
        .find(&format!("id=\"open-alerts-count\">{all}<"))
        .expect("the count of open alerts");
    let tag = &page[page[..at].rfind("<a ").expect("a link")..at];
    assert!(
        tag.contains(&format!("/alerts?run={}", run.id)) && tag.contains("status=open"),
        "{tag}"
    );
    let sam = s.login("sam").await;
    let page = sam.page("/").await;
    assert!(page.contains(&format!("id=\"open-alerts-count\">{mine}<")));
    s.stop().await;
}
