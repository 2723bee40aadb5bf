//! A headless Chromium driven over the Chrome DevTools Protocol, for the browser tests.
//!
//! A minimal synchronous client (a WebSocket and JSON messages) rather than a large CDP crate:
//! the tests need a handful of commands. Chromium is Debian's, installed by `.ci/run`; tests
//! skip with a message when it is absent ([`available`]).

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// A headless Chromium and a CDP session on one page.
pub struct Browser {
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
    pub fn launch(downloads: &Path) -> Browser {
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

    /// Sets the page's size in CSS pixels; `mobile` emulates a phone (touch, meta viewport).
    pub fn viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
            true,
        );
        self.call(
            "Emulation.setTouchEmulationEnabled",
            json!({"enabled": mobile}),
            true,
        );
    }

    /// Sends a command (to the page session when `page`) and waits for its result.
    pub fn call(&mut self, method: &str, params: Value, page: bool) -> Value {
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
    pub fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
            true,
        );
        r["result"]["value"].clone()
    }

    /// Runs `action` (which navigates) and waits for the new document to finish loading.
    pub fn navigate_by(&mut self, action: &str) {
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

    pub fn goto(&mut self, url: &str) {
        self.navigate_by(&format!("location.href = {}", json!(url)));
    }

    pub fn text(&mut self) -> String {
        self.eval("document.body.innerText")
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn url(&mut self) -> String {
        self.eval("location.href")
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn screenshot(&mut self, path: &Path) {
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

pub fn wait_for_file(dir: &Path, name: &str) -> PathBuf {
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

/// Whether Chromium is installed; prints why a test is skipped when not.
pub fn available() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    eprintln!(
        "skipping the browser test: {CHROMIUM} is not installed (.ci/run installs Debian's chromium)"
    );
    false
}
