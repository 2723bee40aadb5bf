//! End-to-end test in a real headless Chromium (Debian's `/usr/bin/chromium`, installed by
//! `.ci/run`): login → dashboard → customer list → customer 360 → override → key accounts →
//! a key account's SWOT suggestions → plan edit saved → CSV export → Chinese, checking what the page shows and saving screenshots under the target directory
//! (`CARGO_TARGET_TMPDIR/screenshots`).
//!
//! The browser is driven over the Chrome DevTools Protocol with a minimal synchronous client
//! (a WebSocket and JSON messages) rather than a large CDP crate: the test needs a handful of
//! commands. The test is skipped, with a message, only when Chromium is not installed.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Server;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

const CHROMIUM: &str = "/usr/bin/chromium";

/// A headless Chromium and a CDP session on one page.
struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn b64decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

impl Browser {
    fn launch(downloads: &Path) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--window-size=1400,1000",
                "--remote-debugging-port=0",
                "--lang=en-US",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        // Chromium writes its DevTools port and browser path to the profile when ready.
        let port_file = profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        let text = loop {
            if let Ok(t) = std::fs::read_to_string(&port_file)
                && t.lines().count() >= 2
            {
                break t;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "chromium did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let mut lines = text.lines();
        let port = lines.next().unwrap_or("").trim().to_string();
        let path = lines.next().unwrap_or("").trim().to_string();
        let stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("devtools");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let (ws, _) =
            tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream).expect("websocket");
        let mut b = Browser {
            child,
            ws,
            next_id: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}), false);
        let target_id = target["targetId"].as_str().unwrap_or("").to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
            false,
        );
        b.session = attached["sessionId"].as_str().unwrap_or("").to_string();
        b.call(
            "Browser.setDownloadBehavior",
            json!({"behavior": "allow", "downloadPath": downloads.display().to_string()}),
            false,
        );
        b.call("Page.enable", json!({}), true);
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
            true,
        );
        b
    }

    /// Sends a command (to the page session when `page`) and waits for its result.
    fn call(&mut self, method: &str, params: Value, page: bool) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if page {
            msg["sessionId"] = json!(self.session);
        }
        self.ws.send(Message::text(msg.to_string())).expect("send");
        loop {
            let m = self.ws.read().expect("read");
            let Message::Text(t) = m else { continue };
            let v: Value = serde_json::from_str(t.as_str()).expect("json");
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Evaluates JavaScript in the page and returns its value.
    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
            true,
        );
        r["result"]["value"].clone()
    }

    /// Runs `action` (which navigates) and waits for the new document to finish loading.
    fn navigate_by(&mut self, action: &str) {
        self.eval("window.__old = true");
        self.eval(action);
        let started = Instant::now();
        loop {
            let done = self.eval("!window.__old && document.readyState === 'complete'");
            if done == json!(true) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "page did not load after {action}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn goto(&mut self, url: &str) {
        self.navigate_by(&format!("location.href = {}", json!(url)));
    }

    fn text(&mut self) -> String {
        self.eval("document.body.innerText")
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn url(&mut self) -> String {
        self.eval("location.href")
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn screenshot(&mut self, path: &Path) {
        let r = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
            true,
        );
        let png = b64decode(r["data"].as_str().unwrap_or(""));
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let mut f = std::fs::File::create(path).expect("screenshot file");
        f.write_all(&png).expect("write screenshot");
    }
}

fn wait_for_file(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let started = Instant::now();
    loop {
        if path.exists() && !dir.join(format!("{name}.crdownload")).exists() {
            return path;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "download of {name} did not arrive"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

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
