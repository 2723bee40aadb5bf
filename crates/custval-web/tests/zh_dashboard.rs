//! Issue 21: the dashboard, runs, config, settings and compare pages read wholly in Chinese
//! (no Latin word outside custval-i18n's allow-list once the data's own strings are taken
//! out), and the dashboard draws trends across runs from the store's per-run figures.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{Server, field};
use custval_i18n::scan::{html_text, latin_words};
use custval_store::ResultQuery;
use custval_store::prelude::*;

/// Latin strings that are the data's or the chrome's own, not untranslated text: user and
/// owner names, the fixture's company suffix, and the language switch's "English" (a language
/// is named in its own language).
const DATA_WORDS: &[&str] = &[
    "admin", "ana", "mia", "sam", "sue", "lin", "rep01", "rep02", "rep03", "rep04", "Co", "English",
];

/// The Latin words of a page a Chinese reader should not meet.
fn untranslated(html: &str) -> Vec<String> {
    // The config page shows the run's custval.toml verbatim: the user's own file.
    let html = match (html.find("<pre class=\"config\""), html.find("</pre>")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &html[..a], &html[b..]),
        _ => html.to_string(),
    };
    let mut words: Vec<String> = latin_words(&html_text(&html))
        .into_iter()
        .filter(|w| !DATA_WORDS.contains(&w.as_str()))
        // Customer ids (C0001), and the RFM heatmap's score labels R1–R5, F1–F5: notation,
        // as in Chinese RFM material.
        .filter(|w| {
            let digits = |rest: &str| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
            !["C", "R", "F"]
                .iter()
                .any(|p| w.strip_prefix(p).is_some_and(digits))
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

#[tokio::test]
async fn dashboard_runs_config_settings_and_compare_read_in_chinese() {
    let s = Server::start().await;
    // Audit entries with details: a failed login and a user added from the settings page.
    let mut bad = common::Client::new(&s.base);
    bad.login("admin", "not the password").await;
    let mut c = s.login("admin").await;
    c.lang = Some("zh".into());
    let csrf = field(&c.page("/settings").await, "csrf").unwrap();
    let r = c
        .post(
            "/settings/users",
            &[
                ("csrf", csrf.as_str()),
                ("name", "lin"),
                ("role", "sales"),
                ("owner_id", "rep03"),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);

    let runs = s.store.runs().await.unwrap();
    let mut pages = vec![
        "/".to_string(),
        format!("/?run={}", runs[1].id),
        "/runs".to_string(),
        "/settings".to_string(),
        "/runs/compare".to_string(),
    ];
    pages.extend(runs.iter().map(|r| format!("/runs/{}/config", r.id)));
    for path in &pages {
        let page = c.page(path).await;
        assert!(page.contains("lang=\"zh-CN\""), "{path} in Chinese");
        let words = untranslated(&page);
        assert!(words.is_empty(), "{path}: untranslated {words:?}");
    }

    // Readable times, not RFC 3339, on the runs page and in the audit log.
    let runs_page = c.page("/runs").await;
    for run in &runs {
        let shown = custval_web::i18n::datetime(custval_i18n::Lang::Zh, &run.created_at);
        assert!(shown.contains('年'), "{shown}");
        assert!(runs_page.contains(&shown), "{shown} on the runs page");
    }
    let settings = c.page("/settings").await;
    assert!(settings.contains("添加用户"), "audit action by name");
    assert!(
        settings.contains("角色：销售"),
        "audit detail with its keys and role named"
    );
    assert!(
        settings.contains("密码错误"),
        "failed login reason in Chinese"
    );
    // A sales user's dashboard too (their own trends).
    let mut sam = s.login("sam").await;
    sam.lang = Some("zh".into());
    let words = untranslated(&sam.page("/").await);
    assert!(words.is_empty(), "sales dashboard: untranslated {words:?}");
    s.stop().await;
}

/// The `<svg>` of the chart `id` in a page.
fn chart<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page
        .find(&format!("id=\"chart-{id}\""))
        .unwrap_or_else(|| panic!("chart {id} on the page"));
    let rest = &page[at..];
    &rest[..rest.find("</svg>").expect("svg end")]
}

#[tokio::test]
async fn the_dashboard_draws_trends_across_runs_with_their_figures() {
    let s = Server::start().await;
    let runs = s.store.runs().await.unwrap();
    assert!(runs.len() >= 2, "the fixture holds two runs");
    let admin = s.login("admin").await;
    let page = admin.page("/").await;
    // Charts first: the trends come before the first table.
    let trends_at = page.find("id=\"chart-trend-tiers\"").expect("tier trend");
    assert!(trends_at < page.find("id=\"classes\"").unwrap());
    assert!(trends_at < page.find("id=\"top\"").unwrap());
    let tiers = chart(&page, "trend-tiers");
    let spend = chart(&page, "trend-spend");
    let alerts = chart(&page, "trend-alerts");
    for run in &runs {
        let date = custval_base::format::iso_date(
            i64::from(custval_model::date::ymd_from_days(run.as_of).0),
            custval_model::date::ymd_from_days(run.as_of).1,
            custval_model::date::ymd_from_days(run.as_of).2,
        );
        for tier in custval_model::TIERS {
            let n = s
                .store
                .results(
                    run.id,
                    &ResultQuery {
                        tier: Some(tier.into()),
                        limit: 1,
                        ..ResultQuery::default()
                    },
                )
                .await
                .unwrap()
                .total;
            let tip = format!(
                "Run {} · {date} · Tier {tier}: {} customers",
                run.id,
                custval_base::format::count(n)
            );
            assert!(tiers.contains(&tip), "{tip} in {tiers}");
        }
        assert!(spend.contains(&format!("Run {} · {date} · Tier A: ", run.id)));
        let raised = s.store.alert_count(run.id, None).await.unwrap();
        let open = s.store.open_alert_count(run.id, None).await.unwrap();
        assert!(
            alerts.contains(&format!("Run {} · {date} · Raised: {raised}", run.id)),
            "{alerts}"
        );
        assert!(alerts.contains(&format!("Run {} · {date} · Still open: {open}", run.id)));
    }
    // The older run's dashboard has one run behind it: no trend, a note instead.
    let oldest = runs.last().unwrap().id;
    let old = admin.page(&format!("/?run={oldest}")).await;
    assert!(!old.contains("chart-trend-tiers") && old.contains("id=\"trends-note\""));

    // A sales user's trends count their own customers only.
    let sam = s.login("sam").await;
    let mine = sam.page("/").await;
    let tiers = chart(&mine, "trend-tiers");
    let latest = &runs[0];
    let n = s
        .store
        .results(
            latest.id,
            &ResultQuery {
                tier: Some("A".into()),
                owner: Some("rep01".into()),
                limit: 1,
                ..ResultQuery::default()
            },
        )
        .await
        .unwrap()
        .total;
    assert!(
        tiers.contains(&format!(
            "Tier A: {} customers",
            custval_base::format::count(n)
        )),
        "{tiers}"
    );
    let raised = s.store.alert_count(latest.id, Some("rep01")).await.unwrap();
    assert!(chart(&mine, "trend-alerts").contains(&format!("Raised: {raised}")));
    s.stop().await;
}
