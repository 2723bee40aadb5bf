//! End-to-end test in a real headless Chromium (Debian's `/usr/bin/chromium`, installed by
//! `.ci/run`): login → dashboard → customer list → customer 360 → override → key accounts →
//! a key account's SWOT suggestions → plan edit saved → CSV export → Chinese, checking what the page shows and saving screenshots under the target directory
//! (`CARGO_TARGET_TMPDIR/screenshots`).
//!
//! The browser is driven over the Chrome DevTools Protocol (common/browser.rs). The test is
//! skipped, with a message, only when Chromium is not installed.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::io::Read;
use std::path::Path;

use common::Server;
use common::browser::{Browser, CHROMIUM, wait_for_file};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_journey_login_dashboard_customer_override_export() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!(
            "skipping the browser test: {CHROMIUM} is not installed (.ci/run installs Debian's chromium)"
        );
        return;
    }
    let s = Server::start().await;
    let base = s.base.clone();
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    let downloads = tempfile::tempdir().expect("downloads");
    let dl = downloads.path().to_path_buf();
    let shots_dir = shots.clone();
    let journey = tokio::task::spawn_blocking(move || {
        let mut b = Browser::launch(&dl);
        // Login: an unknown session is sent to the login page and back after it.
        b.goto(&format!("{base}/customers"));
        assert!(b.url().contains("/login?next=%2Fcustomers"), "{}", b.url());
        b.screenshot(&shots_dir.join("01-login.png"));
        b.eval(&format!(
            "document.getElementById('user').value = 'mia'; document.getElementById('password').value = {}",
            json!(common::PASSWORD)
        ));
        b.navigate_by("document.getElementById('login-submit').click()");
        assert!(b.url().ends_with("/customers"), "{}", b.url());
        let list = b.text();
        assert!(list.contains("customers match"), "{list}");
        assert!(list.contains("mia"));

        // Dashboard with its charts.
        b.goto(&format!("{base}/"));
        let dash = b.text();
        assert!(dash.contains("Dashboard") && dash.contains("Top customers and next actions"));
        let charts = b.eval("document.querySelectorAll('svg.chart').length");
        assert!(charts.as_u64().unwrap_or(0) >= 5, "{charts}");
        b.screenshot(&shots_dir.join("02-dashboard.png"));

        // Customer list filtered to tier A, then the first customer.
        b.goto(&format!("{base}/customers?tier=A"));
        b.screenshot(&shots_dir.join("03-customers.png"));
        let first = b
            .eval("document.querySelector('#customers a.cid').textContent")
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(first.starts_with('C'), "{first}");
        b.navigate_by("document.querySelector('#customers a.cid').click()");
        let page = b.text();
        assert!(page.contains("Score explained") && page.contains(&first));
        assert!(page.contains("Recommended actions") && page.contains("Tier history"));
        assert_eq!(
            b.eval("document.querySelectorAll('#chart-contrib svg rect').length > 0"),
            json!(true)
        );

        // Override the tier to C with a reason.
        b.eval("document.getElementById('ov-tier').value = 'C'; document.getElementById('ov-reason').value = 'Browser test: budget frozen'");
        b.navigate_by("document.getElementById('ov-save').click()");
        let after = b.text();
        assert!(after.contains("Override saved."), "{after}");
        assert!(after.contains("Browser test: budget frozen"));
        assert_eq!(
            b.eval("document.getElementById('cust-tier').textContent"),
            json!("C")
        );
        b.screenshot(&shots_dir.join("04-customer-override.png"));

        // Key accounts: the list, then the first key account whose data suggests SWOT points;
        // its panel marks them as suggestions with their figures; a plan edit is saved.
        b.goto(&format!("{base}/accounts"));
        let accounts = b.text();
        assert!(
            accounts.contains("Key accounts") && accounts.contains("Share of wallet"),
            "{accounts}"
        );
        let hrefs = b.eval("Array.from(document.querySelectorAll('#accounts tbody tr td:first-child a')).map(a => a.href)");
        let hrefs: Vec<String> = hrefs
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|h| h.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        assert!(!hrefs.is_empty(), "key accounts listed");
        let key_url = hrefs
            .iter()
            .take(10)
            .find(|h| {
                b.goto(h);
                b.eval("document.querySelectorAll('#swot-suggestions tr.suggestion').length")
                    .as_u64()
                    .unwrap_or(0)
                    > 0
            })
            .cloned()
            .expect("a key account with SWOT suggestions");
        let key = b.text();
        assert!(
            key.contains("Key account") && key.contains("Suggestion"),
            "{key}"
        );
        assert!(
            key.contains("Figure:") && key.contains("threshold"),
            "{key}"
        );
        assert!(key.contains("Risk") && key.contains("Categories to offer"));
        b.eval("document.getElementById('key-account').scrollIntoView()");
        b.screenshot(&shots_dir.join("06-key-account.png"));
        b.navigate_by("document.getElementById('edit-plan').click()");
        assert!(b.url().ends_with("/plan"), "{}", b.url());
        let draft = b
            .eval("['plan-strengths','plan-weaknesses','plan-opportunities','plan-threats'].map(i => document.getElementById(i).value).join('\\n')")
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(
            draft.contains("[suggested:"),
            "the form offers the suggestions: {draft}"
        );
        b.eval("document.getElementById('plan-goals').value = 'Browser test: win the 2026 tender'; document.getElementById('plan-next-review').value = '2099-03-31'; document.getElementById('plan-actions').value = '2025-06-02 | Quarterly review | Pilot agreed'");
        b.screenshot(&shots_dir.join("07-plan-edit.png"));
        b.navigate_by("document.getElementById('plan-save').click()");
        let saved = b.text();
        assert!(saved.contains("Account plan saved."), "{saved}");
        assert!(
            saved.contains("Browser test: win the 2026 tender") && saved.contains("Pilot agreed")
        );
        assert!(
            b.url()
                .starts_with(key_url.split('?').next().unwrap_or_default()),
            "{}",
            b.url()
        );
        b.eval("document.getElementById('saved-plan').scrollIntoView()");
        b.screenshot(&shots_dir.join("08-plan-saved.png"));

        // Export the list as CSV through the page's link. The customer overridden to C is
        // listed at its override's tier (issue 20), so it is in tier C's export, marked.
        b.goto(&format!("{base}/customers?tier=C"));
        b.eval("document.getElementById('export-csv').click()");
        let csv = wait_for_file(&dl, "customers-run2.csv");
        let mut bytes = Vec::new();
        std::fs::File::open(&csv)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .expect("read export");
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM");
        let text = String::from_utf8_lossy(&bytes[3..]).to_string();
        assert!(text.starts_with("customer_id,"));
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("{first},")))
            .unwrap_or_default();
        assert!(
            row.contains(",C,") && row.contains("computed A") && row.contains("budget frozen"),
            "{row}"
        );

        // The same journey's pages in Chinese.
        b.navigate_by("document.querySelector('a[hreflang=\"zh-CN\"]').click()");
        let zh = b.text();
        assert!(zh.contains("客户编号") && zh.contains("导出 Excel"), "{zh}");
        b.goto(&format!("{base}/"));
        let zh = b.text();
        assert!(zh.contains("仪表盘") && zh.contains("万"), "{zh}");
        b.screenshot(&shots_dir.join("05-dashboard-zh.png"));
        first
    });
    let first = journey.await.expect("browser journey");
    // The override went through the store and was audited.
    let today = {
        use chrono::Datelike;
        let d = chrono::Utc::now().date_naive();
        custval_model::date::days_from_ymd(d.year(), d.month(), d.day()).unwrap_or_default()
    };
    use custval_store::prelude::*;
    let ov = s
        .store
        .active_override(&first, today)
        .await
        .expect("store")
        .expect("override");
    assert_eq!((ov.tier.as_str(), ov.author.as_str()), ("C", "mia"));
    let log = s.store.audit_log(10).await.expect("audit");
    assert!(
        log.iter()
            .any(|e| e.action == "export_customers" && e.actor == "mia")
    );
    assert!(
        log.iter()
            .any(|e| e.action == "save_account_plan" && e.actor == "mia"),
        "the plan edit was saved and audited"
    );
    eprintln!("screenshots in {}", shots.display());
    s.stop().await;
}
