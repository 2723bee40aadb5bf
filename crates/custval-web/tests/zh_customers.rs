//! The customer pages in Chinese (issue 21): the list with and without filters and customer-360
//! pages (a key account, one with an override in force, one with recommended actions) show no
//! English word or raw id outside the data's own Latin strings; the page carries the monthly
//! spend line and the tier strip; the override form starts at the customer's tier and needs a
//! reason, in the browser and on the server.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{Client, Server, customer_id};
use custval_i18n::scan::{html_text, latin_words};
use custval_store::prelude::*;

/// Latin words that are the test data's own, not the page's: customer and order ids
/// (`C0001`, `O0001`), the generated names' `Co.`, owner ids, user names, e-mail addresses, and
/// the language switch's "English" (a language's name in its own language).
fn is_data(word: &str) -> bool {
    let digits_after = |p: &str| {
        word.strip_prefix(p)
            .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit()))
    };
    digits_after("C")
        || digits_after("O")
        || digits_after("rep")
        || digits_after("buyer")
        || matches!(
            word,
            "Co" | "admin" | "ana" | "mia" | "sam" | "sue" | "example" | "com" | "English"
        )
}

/// The page's untranslated words: Latin words that are not on the scan's allow-list and not data.
fn untranslated(html: &str) -> Vec<String> {
    let mut words: Vec<String> = latin_words(&html_text(html))
        .into_iter()
        .filter(|w| !is_data(w))
        .collect();
    words.dedup();
    words
}

async fn zh_client(s: &Server, user: &str) -> Client {
    let mut c = s.login(user).await;
    c.lang = Some("zh".into());
    c
}

#[tokio::test]
async fn the_customer_list_in_chinese_has_no_english_words() {
    let s = Server::start().await;
    let c = zh_client(&s, "admin").await;
    for path in [
        "/customers",
        "/customers?page=2&sort=clv",
        "/customers?tier=A&class=most_valuable&industry=%E9%87%91%E8%9E%8D&sort=spend_12m",
        "/customers?class=loyal&region=%E5%8D%8E%E4%B8%9C&owner=rep01",
        "/customers?class=high&sort=name",
        "/customers?q=%E5%AE%A2%E6%88%B71&sort=customer_id",
        "/customers?tier=C&class=churned",
    ] {
        let page = c.page(path).await;
        assert!(page.contains("lang=\"zh-CN\""), "{path}");
        assert_eq!(untranslated(&page), Vec::<String>::new(), "{path}");
        assert!(
            page.contains("class=\"table-wrap\"") || page.contains("没有"),
            "{path}"
        );
    }
    // A sales user sees the list without the owner filter; still all Chinese.
    let sam = zh_client(&s, "sam").await;
    let page = sam.page("/customers?sort=score").await;
    assert_eq!(untranslated(&page), Vec::<String>::new());
    s.stop().await;
}

/// The first of the first `n` customers whose page (as `c`) contains `needle`.
async fn first_with(c: &Client, n: usize, needle: &str) -> Option<(String, String)> {
    for i in 0..n {
        let id = customer_id(i);
        let page = c.page(&format!("/customers/{id}")).await;
        if page.contains(needle) {
            return Some((id, page));
        }
    }
    None
}

#[tokio::test]
async fn customer_pages_in_chinese_have_no_english_words() {
    let s = Server::start().await;
    let c = zh_client(&s, "admin").await;
    let mut pages = Vec::new();

    // A key account (every tenth generated customer is a key-size account).
    let key = customer_id(0);
    pages.push((key.clone(), c.page(&format!("/customers/{key}")).await));

    // One with recommended actions.
    let (with_actions, page) = first_with(&c, 60, "id=\"actions\"")
        .await
        .expect("a customer with actions");
    pages.push((with_actions, page));

    // One with an override in force, set through the form with a Chinese reason.
    let over = customer_id(5);
    let csrf = c.csrf().await;
    let r = c
        .post(
            &format!("/customers/{over}/override"),
            &[
                ("csrf", csrf.as_str()),
                ("tier", "C"),
                ("reason", "预算冻结，暂缓跟进"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = c.page(&format!("/customers/{over}?done=saved")).await;
    assert!(page.contains("id=\"override-now\""));
    pages.push((over.clone(), page));

    // One of the older run.
    let old = customer_id(7);
    pages.push((
        old.clone(),
        c.page(&format!("/customers/{old}?run=1")).await,
    ));

    for (id, page) in &pages {
        assert_eq!(untranslated(page), Vec::<String>::new(), "customer {id}");
        // The spend line (24 months, a point per month) and the tier strip.
        assert!(page.contains("id=\"chart-spend\""), "{id}");
        assert!(page.contains("月度消费"), "{id}");
        let spend = &page[page.find("id=\"chart-spend\"").unwrap()..];
        assert_eq!(
            spend[..spend.find("</svg>").unwrap()]
                .matches("<circle")
                .count(),
            24,
            "{id}"
        );
        assert!(page.contains("class=\"tier-strip\""), "{id}");
    }
    // Both runs scored these customers: two strip cells each, the run shown outlined.
    let strip = |page: &str| page.matches("class=\"strip-cell\"").count();
    assert!(pages.iter().all(|(_, p)| strip(p) == 2));
    assert!(pages[3].1.contains("data-run=\"1\"><rect"));
    s.stop().await;
}

#[tokio::test]
async fn the_override_form_starts_at_the_current_tier_and_needs_a_reason() {
    let s = Server::start().await;
    let run = s.store.latest_run().await.unwrap().unwrap();
    let c = s.login("mia").await;
    // A customer of each tier: the form's tier is the customer's, not A.
    for tier in ["A", "B", "C"] {
        let r = s
            .store
            .results(
                run.id,
                &custval_store::ResultQuery {
                    tier: Some(tier.into()),
                    limit: 1,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let id = &r.results[0].customer_id;
        let page = c.page(&format!("/customers/{id}")).await;
        let form = &page[page.find("id=\"override-form\"").unwrap()..];
        let select = &form[..form.find("</select>").unwrap()];
        assert!(
            select.contains(&format!("<option value=\"{tier}\" selected>")),
            "{id}: {select}"
        );
        assert_eq!(select.matches(" selected").count(), 1, "{select}");
        assert!(form.contains("id=\"ov-reason\" required"), "{form}");
    }

    // An override in force: the form starts at the override's tier.
    let id = customer_id(2);
    let csrf = c.csrf().await;
    let path = format!("/customers/{id}/override");
    // The server refuses a missing reason as it refuses a blank one.
    let r = c
        .post(&path, &[("csrf", csrf.as_str()), ("tier", "B")])
        .await;
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.ends_with("err=reason"), "{loc}");
    let today = common::day(2025, 7, 1);
    assert_eq!(s.store.active_override(&id, today).await.unwrap(), None);
    let r = c
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("tier", "B"),
                ("reason", "renewal signed"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = c.page(&format!("/customers/{id}")).await;
    let form = &page[page.find("id=\"override-form\"").unwrap()..];
    assert!(form.contains("<option value=\"B\" selected>"), "{form}");
    s.stop().await;
}

#[tokio::test]
async fn the_spend_line_sums_the_customers_orders_by_month() {
    let s = Server::start().await;
    let c = s.login("admin").await;
    let id = customer_id(0);
    let run = s.store.latest_run().await.unwrap().unwrap();
    let page = c.page(&format!("/customers/{id}")).await;
    assert!(page.contains("Monthly spend"));
    // The store's months add up to the customer's order lines in the 24 months.
    let start = custval_model::date::days_from_ymd(2023, 7, 1).unwrap();
    let months = s.store.monthly_spend(&id, start, run.as_of).await.unwrap();
    let lines = s.store.transactions_of(&id, 100_000).await.unwrap();
    let expected: f64 = lines
        .iter()
        .filter(|t| t.date >= start && t.date <= run.as_of)
        .map(|t| t.amount)
        .sum();
    let got: f64 = months.iter().map(|m| m.amount).sum();
    assert!((got - expected).abs() < 1e-6, "{got} vs {expected}");
    assert!(!months.is_empty());
    // The newest month with orders is in the table view, with its figure.
    let last = months.last().unwrap();
    let label = format!("{}-{:02}", last.year, last.month);
    let money = custval_i18n::money(custval_i18n::Lang::En, last.amount);
    let table = &page[page.find("id=\"chart-spend\"").unwrap()..];
    let row = &table[table.find(&format!("<td>{label}</td>")).expect(&label)..];
    assert!(row[..200.min(row.len())].contains(&money), "{row}");
    s.stop().await;
}
