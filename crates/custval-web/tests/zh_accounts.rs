//! Issue 21 in Chinese on the alerts, key-accounts and plan pages: a real server on port 0 over
//! the test company, pages fetched with the `lang=zh` cookie, and every Latin word a reader
//! would see (custval-i18n's scan) must be one of the data's own ids or names. Also the alerts
//! page's shape: a customer's alerts together, groups in the order of their worst alert, owner
//! and assignee in distinct columns.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{Client, Server};
use custval_i18n::scan::{html_text, latin_words};
use custval_store::prelude::*;
use custval_store::{AlertQuery, ResultQuery};

/// Strings of the test data that are Latin by nature, longest first so that a name is removed
/// before an id it might contain: customer names and ids, owners, user names, suggestion codes.
struct DataWords(Vec<String>);

impl DataWords {
    async fn of(s: &Server) -> DataWords {
        let run = s.store.latest_run().await.expect("store").expect("run");
        let results = s
            .store
            .results(
                run.id,
                &ResultQuery {
                    limit: 10_000,
                    ..ResultQuery::default()
                },
            )
            .await
            .expect("results")
            .results;
        let mut words: Vec<String> = Vec::new();
        for r in &results {
            words.push(r.customer_id.clone());
            words.extend(r.name.clone());
            words.extend(r.owner.clone());
        }
        for u in s.store.users().await.expect("users") {
            words.push(u.name);
        }
        // The language switcher names English in English, as every bilingual site does.
        words.push("English".into());
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        words.dedup();
        DataWords(words)
    }

    /// `words` plus the suggestion codes of the customers' plans (ids the plan format uses).
    fn with(&self, more: &[String]) -> DataWords {
        let mut words = self.0.clone();
        words.extend(more.iter().cloned());
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        DataWords(words)
    }

    /// The Latin words of `html` as a reader sees it, the data's own strings removed.
    fn untranslated(&self, html: &str) -> Vec<String> {
        let mut text = html_text(html);
        for w in &self.0 {
            text = text.replace(w.as_str(), " ");
        }
        latin_words(&text)
    }
}

async fn zh(s: &Server, user: &str) -> Client {
    let mut c = s.login(user).await;
    c.lang = Some("zh".into());
    c
}

/// The part of a page from the element with `id` to the end of its section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id} on the page"));
    // From the opening tag, so that its attributes are not read as text.
    let at = page[..at].rfind('<').unwrap_or(at);
    let rest = &page[at..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The suggestion codes of a customer's plan in the latest run.
async fn suggestion_codes(s: &Server, id: &str) -> Vec<String> {
    let run = s.store.latest_run().await.expect("store").expect("run");
    let view = custval_app::plans::plan_view(&s.store, &run, id, custval_accounts::Lang::Zh)
        .await
        .expect("plan view")
        .expect("in the run");
    view.suggestions.iter().map(|x| x.code.clone()).collect()
}

#[tokio::test]
async fn the_alerts_page_reads_in_chinese() {
    let s = Server::start().await;
    let data = DataWords::of(&s).await;
    for user in ["admin", "sam"] {
        let c = zh(&s, user).await;
        let mut pages = vec![c.page("/alerts").await];
        pages.push(c.page("/alerts?severity=critical").await);
        pages.push(c.page("/alerts?page=2").await);
        for page in &pages {
            assert!(page.contains("lang=\"zh-CN\""));
            let words = data.untranslated(page);
            assert!(
                words.is_empty(),
                "{user}: untranslated on /alerts: {words:?}"
            );
        }
        assert!(
            pages[0].contains("id=\"alerts\""),
            "{user}: the fixture raises alerts"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn the_key_accounts_list_reads_in_chinese() {
    let s = Server::start().await;
    let data = DataWords::of(&s).await;
    for user in ["admin", "sam"] {
        let c = zh(&s, user).await;
        for path in ["/accounts", "/accounts?sort=review", "/accounts?sort=name"] {
            let page = c.page(path).await;
            let words = data.untranslated(&page);
            assert!(
                words.is_empty(),
                "{user}: untranslated on {path}: {words:?}"
            );
        }
    }
    s.stop().await;
}

#[tokio::test]
async fn key_account_panels_and_plan_editors_read_in_chinese() {
    let s = Server::start().await;
    let data = DataWords::of(&s).await;
    let c = zh(&s, "admin").await;
    let key = common::key_accounts(&s).await;
    assert!(key.len() >= 8, "the fixture has key accounts");
    let (mut risky, mut suggested) = (0, 0);
    for r in &key {
        let codes = suggestion_codes(&s, &r.customer_id).await;
        let data = data.with(&codes);
        suggested += usize::from(!codes.is_empty());
        let page = c.page(&format!("/customers/{}", r.customer_id)).await;
        let panel = section(&page, "key-account");
        risky += usize::from(panel.contains("class=\"evidence\"><li>"));
        let words = data.untranslated(panel);
        assert!(
            words.is_empty(),
            "{}: untranslated in the key-account panel: {words:?}\n{}",
            r.customer_id,
            custval_i18n::scan::html_text(panel)
        );
        let editor = c.page(&format!("/customers/{}/plan", r.customer_id)).await;
        let words = data.untranslated(&editor);
        assert!(
            words.is_empty(),
            "{}: untranslated in the plan editor: {words:?}",
            r.customer_id
        );
    }
    assert!(suggested > 0, "some key accounts have suggestions");
    eprintln!(
        "key accounts {}, with risk evidence or cross-sell {risky}",
        key.len()
    );

    // A saved plan shows the user's text as typed and the adopted suggestion with its badge.
    let id = &key[0].customer_id;
    let editor = c.page(&format!("/customers/{id}/plan")).await;
    let csrf = common::field(&editor, "csrf").expect("csrf");
    let r = c
        .post(
            &format!("/customers/{id}/plan"),
            &[
                ("csrf", csrf.as_str()),
                ("owner", "rep01"),
                ("next_review", "2020-01-15"),
                ("goals", "续签年度合同"),
                ("actions", "2019-12-02 | 季度回顾 | 同意试点"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = c.page(&format!("/customers/{id}")).await;
    let panel = section(&page, "key-account");
    assert!(panel.contains("续签年度合同") && panel.contains("已逾期"));
    let words = data.untranslated(panel);
    assert!(words.is_empty(), "saved plan: {words:?}");

    // An invalid plan comes back with its problems in Chinese.
    let r = c
        .post(
            &format!("/customers/{id}/plan"),
            &[
                ("csrf", csrf.as_str()),
                ("next_review", "2025-02-30"),
                ("actions", "yesterday | 拜访"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.expect("body");
    let problems = section(&body, "plan-problems");
    let words = data.with(&["yesterday".to_string()]).untranslated(problems);
    assert!(words.is_empty(), "plan problems: {words:?}");
    s.stop().await;
}

/// The alert ids of a page, in order, with the customer of each row.
fn shown(page: &str) -> Vec<(i64, String)> {
    page.split("class=\"alert-row\" data-id=\"")
        .skip(1)
        .map(|rest| {
            let id = rest.split('"').next().and_then(|x| x.parse().ok());
            let cust = rest
                .split("data-customer=\"")
                .nth(1)
                .and_then(|x| x.split('"').next());
            (id.expect("id"), cust.expect("customer").to_string())
        })
        .collect()
}

#[tokio::test]
async fn alerts_come_grouped_by_customer_worst_first_with_owner_and_assignee_apart() {
    let s = Server::start().await;
    let ranked = custval_app::dynamics::ranked_alerts(
        &s.store,
        &AlertQuery {
            run: Some(2),
            ..AlertQuery::default()
        },
        None,
    )
    .await
    .expect("ranked");
    // Expected: customers in the order of their worst alert, each customer's alerts in rank order.
    let expected: Vec<(i64, String)> = ranked
        .by_customer()
        .into_iter()
        .flat_map(|(c, list)| list.into_iter().map(move |a| (a.id, c.to_string())))
        .collect();
    let c = zh(&s, "admin").await;
    let mut seen = Vec::new();
    let mut path = "/alerts".to_string();
    loop {
        let page = c.page(&path).await;
        seen.extend(shown(&page));
        let Some(next) = page
            .split("rel=\"next\"")
            .next()
            .and_then(|h| h.rsplit("href=\"").next())
            .filter(|_| page.contains("rel=\"next\""))
        else {
            break;
        };
        path = next.split('"').next().expect("href").replace("&amp;", "&");
    }
    assert_eq!(seen, expected);
    // One customer's alerts are never split by another's.
    let mut customers: Vec<&str> = seen.iter().map(|(_, c)| c.as_str()).collect();
    customers.dedup();
    let mut unique = customers.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(customers.len(), unique.len());

    let page = c.page("/alerts").await;
    let head = page
        .split("<thead>")
        .nth(1)
        .and_then(|h| h.split("</thead>").next())
        .expect("a table head");
    let headers: Vec<&str> = head
        .split("<th")
        .skip(1)
        .filter_map(|h| h.split('>').nth(1)?.split('<').next())
        .filter(|h| !h.is_empty())
        .collect();
    let mut unique = headers.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), headers.len(), "distinct headers: {headers:?}");
    for h in ["客户负责人", "处理人", "涉及金额", "预警内容", "建议行动"] {
        assert!(headers.contains(&h), "{h} in {headers:?}");
    }
    assert!(!headers.contains(&"操作"), "{headers:?}");
    // Customer names are shown, clipped on one line with the full name on hover.
    let first = &ranked.alerts[0];
    if let Some(name) = &first.name {
        assert!(page.contains(&format!("title=\"{name}\"")), "{name}");
    }
    // Badges never wrap.
    assert!(page.contains("class=\"sev sev-"));
    let css = c.page("/static/app.css").await;
    let rule = css
        .lines()
        .find(|l| l.starts_with(".sev {"))
        .expect(".sev rule");
    assert!(rule.contains("white-space: nowrap"), "{rule}");
    s.stop().await;
}
