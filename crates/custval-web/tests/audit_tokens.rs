//! Issue 18: expired and revoked API tokens are refused with the JSON 401 body; logins,
//! failures, logouts and changes made through the pages are audited with the client's
//! address; admins read and filter the audit log, nobody else; a password or role changed in
//! the store (as `custval user passwd` does from another process) ends open sessions.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{Client, PASSWORD, Server, customer_id};
use custval_store::prelude::*;
use custval_store::{Role, TokenStatus};
use serde_json::Value;
use sqlx::Connection;

async fn api(s: &Server, token: &str) -> (u16, Option<String>, Value) {
    let r = reqwest::Client::new()
        .get(s.url("/api/v1/runs"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    let status = r.status().as_u16();
    let www = r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body: Value = r.json().await.expect("a JSON body");
    (status, www, body)
}

#[tokio::test]
async fn expired_and_revoked_tokens_get_the_json_401() {
    let s = Server::start().await;
    let good = s
        .store
        .create_token_for("ana", 30, "admin")
        .await
        .expect("token");
    let old = s
        .store
        .create_token_for("ana", 30, "admin")
        .await
        .expect("token");
    let gone = s
        .store
        .create_token_for("ana", 30, "admin")
        .await
        .expect("token");

    let (status, _, _) = api(&s, &good.token).await;
    assert_eq!(status, 200);
    // The use is recorded.
    let listed = s.store.tokens(Some("ana")).await.expect("tokens");
    let g = listed
        .iter()
        .find(|t| t.id == good.info.id)
        .expect("listed");
    assert!(g.last_used_at.is_some());

    // Expire one (as the passing of time would), revoke another.
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", s.store.path().display()))
        .await
        .expect("raw");
    sqlx::query("UPDATE tokens SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = ?")
        .bind(old.info.id)
        .execute(&mut c)
        .await
        .expect("expire");
    c.close().await.expect("close");
    assert!(
        s.store
            .revoke_token(gone.info.id, "admin")
            .await
            .expect("revoke")
    );

    for (token, says) in [
        (&old.token, "token expired at 2020-01-01T00:00:00.000Z"),
        (&gone.token, "token revoked at"),
        (&"cvt_not_a_token".to_string(), "unknown token"),
    ] {
        let (status, www, body) = api(&s, token).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(www.as_deref(), Some("Bearer"));
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(says), "{error}");
        assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    }
    let statuses: Vec<TokenStatus> = s
        .store
        .tokens(Some("ana"))
        .await
        .expect("tokens")
        .iter()
        .map(|t| t.status)
        .collect();
    assert_eq!(
        statuses,
        [
            TokenStatus::Revoked,
            TokenStatus::Expired,
            TokenStatus::Active
        ]
    );
    // The good token still works.
    assert_eq!(api(&s, &good.token).await.0, 200);
    s.stop().await;
}

#[tokio::test]
async fn logins_logouts_and_page_changes_are_audited_with_the_client_address() {
    let s = Server::start().await;
    // A failure for a known user names them; for an unknown name, the text typed is not kept.
    let mut c = Client::new(&s.base);
    assert_eq!(c.login("mia", "not her password").await.status(), 401);
    let mut c = Client::new(&s.base);
    assert_eq!(c.login("hunter2-typed-here", "x").await.status(), 401);
    let mut mia = s.login("mia").await;

    // An override through the page: audited by the store, with the address of the request.
    let id = customer_id(3);
    let csrf = mia.csrf().await;
    let r = mia
        .post(
            &format!("/customers/{id}/override"),
            &[
                ("csrf", csrf.as_str()),
                ("tier", "A"),
                ("reason", "strategic"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = mia.post("/logout", &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status(), 303);
    mia.session = None;

    let log = s.store.audit_log(20).await.expect("audit");
    let got: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str(), e.source.as_str()))
        .collect();
    assert_eq!(
        got[..5],
        [
            ("mia", "logout", "127.0.0.1"),
            ("mia", "override.set", "127.0.0.1"),
            ("mia", "login", "127.0.0.1"),
            ("-", "login_failed", "127.0.0.1"),
            ("mia", "login_failed", "127.0.0.1"),
        ]
    );
    assert_eq!(log[3].detail["reason"], "unknown user");
    assert_eq!(log[4].detail["reason"], "wrong password");
    assert!(log.iter().all(|e| !e.detail.to_string().contains("hunter2")
        && !e.actor.contains("hunter2")
        && !e.subject.contains("hunter2")));
    s.stop().await;
}

#[tokio::test]
async fn admins_read_and_filter_the_audit_log_others_get_403() {
    let s = Server::start().await;
    let admin = s.login("admin").await;
    let _ = s.login("mia").await;
    let page = admin.page("/settings").await;
    assert!(page.contains("<th>From</th>"), "the from column");
    assert!(page.contains("<td>127.0.0.1</td>"));
    assert!(page.contains("id=\"audit-filter\""));

    // Filter by action: only logins; by actor: only mia's.
    let logins = admin.page("/settings?action=login&actor=").await;
    let table = &logins[logins.find("id=\"audit\"").expect("audit table")..];
    // Rows carry the action's id; the cell shows its name (issue 21).
    assert!(table.contains("<td data-action=\"login\">Signed in</td>"));
    assert!(!table.contains("data-action=\"override.set\""));
    let mias = admin.page("/settings?action=&actor=mia").await;
    let table = &mias[mias.find("id=\"audit\"").expect("audit table")..];
    assert!(table.contains("<td>mia</td>"));
    assert!(!table.contains("<td>admin</td>"));
    // The filter is echoed, escaped.
    let echoed = admin.page("/settings?action=%22%3E%3Cb%3E").await;
    assert!(
        echoed.contains("value=\"&#34;&#62;&#60;b&#62;\"")
            || echoed.contains("&quot;&gt;&lt;b&gt;")
    );

    for user in ["ana", "mia", "sam"] {
        let c = s.login(user).await;
        assert_eq!(c.get("/settings").await.status(), 403, "{user}");
        assert_eq!(
            c.get("/settings?action=login").await.status(),
            403,
            "{user}"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn a_password_or_role_changed_in_the_store_ends_open_sessions() {
    let s = Server::start().await;
    let ana = s.login("ana").await;
    let sue = s.login("sue").await;
    let mia = s.login("mia").await;
    assert_eq!(ana.get("/customers").await.status(), 200);

    // What `custval user passwd ana` does, from another process.
    s.store
        .set_password("ana", "a brand new secret", "cli:ops")
        .await
        .expect("passwd");
    let r = ana.get("/customers").await;
    assert_eq!(r.status(), 303);
    let to = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(to.starts_with("/login"), "{to}");
    // The old password no longer logs in; the new one does, and that session lives.
    let mut again = Client::new(&s.base);
    assert_eq!(again.login("ana", PASSWORD).await.status(), 401);
    let mut again = Client::new(&s.base);
    assert_eq!(again.login("ana", "a brand new secret").await.status(), 303);
    assert_eq!(again.get("/customers").await.status(), 200);

    // A role or owner changed in the store ends the session too; others are untouched.
    s.store
        .update_user("sue", Role::Sales, Some("rep03"), "cli:ops")
        .await
        .expect("update");
    assert_eq!(sue.get("/customers").await.status(), 303);
    assert_eq!(mia.get("/customers").await.status(), 200);
    // A deleted user's session ends.
    s.store.delete_user("mia", "cli:ops").await.expect("delete");
    assert_eq!(mia.get("/customers").await.status(), 303);
    s.stop().await;
}
