//! One customer list, whatever the front end (issue 20): the same filtered list through
//! `customers list --format json`, `GET /api/v1/customers`, the CLI's CSV export and the web
//! app's CSV export gives the same customers in the same order, with the same tiers and the
//! same export columns — with a tier override and a provisional result in it, which must be
//! applied to the filter too (an override to A is in the tier-A list; a provisional upgrade is
//! listed at its new tier).
//!
//! Everything is real: the binary, a SQLite file, `custval serve` on port 0 and its login.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::http::{get, request, set_cookie};
use common::ok;
use common::ws::Ws;
use serde_json::Value;

/// (id, tier) of a JSON list.
fn ids_tiers(rows: &[Value]) -> Vec<(String, String)> {
    rows.iter()
        .map(|r| {
            (
                r["customer_id"].as_str().unwrap_or("").to_string(),
                r["tier"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The header and the rows of a CSV export (UTF-8 with or without BOM).
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("row").iter().map(str::to_string).collect())
        .collect();
    (headers, rows)
}

#[test]
fn issue_20_cli_api_and_exports_list_the_same_customers_with_overrides_and_provisional() {
    let ws = Ws::generated(400, 24);
    ws.run_json(&["evaluate", "--as-of", "2026-06-30", "--format", "json"]);
    let all = ws.run_json(&["customers", "list", "--limit", "100000", "--format", "json"]);
    let all = all.as_array().expect("list").clone();
    let of_tier = |t: &str| -> Vec<String> {
        all.iter()
            .filter(|r| r["tier"] == t)
            .map(|r| r["customer_id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let (cs, bs) = (of_tier("C"), of_tier("B"));
    let overridden = cs[0].clone();
    let upgraded = cs[1].clone();
    let downgraded = of_tier("A")[0].clone();
    assert!(!bs.is_empty());

    // An override up to A, one down to C, and a provisional upgrade from new orders.
    for (id, tier) in [(&overridden, "A"), (&downgraded, "C")] {
        ok(&ws
            .cmd(&[
                "override",
                id,
                "--tier",
                tier,
                "--reason",
                "strategic account",
            ])
            .output()
            .expect("run"));
    }
    let csv = format!(
        "order_id,customer_id,order_date,amount,cost,category\n\
         NEW-1,{upgraded},2026-07-03,900000.00,300000.00,技术服务\n\
         NEW-2,{upgraded},2026-07-09,900000.00,300000.00,技术服务\n"
    );
    let file = ws.write("new.csv", &csv);
    let j = ws.run_json(&["import", "transactions", &file, "--format", "json"]);
    assert_eq!(j["provisional"]["customers"], 1, "{j}");

    // The CLI's list of tier A.
    let cli = ws.run_json(&[
        "customers",
        "list",
        "--tier",
        "A",
        "--limit",
        "100000",
        "--format",
        "json",
    ]);
    let cli = cli.as_array().expect("list").clone();
    let cli_ids = ids_tiers(&cli);
    let row = |id: &str| cli.iter().find(|r| r["customer_id"] == id);
    let o = row(&overridden).expect("the customer overridden to A is in the tier-A list");
    assert!(
        o["override"]
            .as_str()
            .is_some_and(|n| n.contains("computed C")),
        "{o}"
    );
    assert!(
        row(&downgraded).is_none(),
        "overridden down to C: not in the tier-A list"
    );
    let p = row(&upgraded).expect("the provisional upgrade is listed at its new tier");
    assert_eq!(p["provisional"]["run_tier"], "C", "{p}");
    assert!(cli_ids.iter().all(|(_, t)| t == "A"));

    // The CLI's CSV export of the same filter: the same rows, in the same order.
    let out = ws
        .cmd(&["customers", "list", "--tier", "A", "--format", "csv"])
        .output()
        .expect("run");
    let (cli_headers, cli_rows) = csv_rows(&String::from_utf8_lossy(ok(&out)));
    let col = |h: &[String], name: &str| h.iter().position(|x| x == name).expect(name);
    let (id_col, tier_col) = (col(&cli_headers, "customer_id"), col(&cli_headers, "tier"));
    let csv_ids: Vec<(String, String)> = cli_rows
        .iter()
        .map(|r| (r[id_col].clone(), r[tier_col].clone()))
        .collect();
    assert_eq!(csv_ids, cli_ids);
    for must in ["override", "provisional", "region", "rfm_segment"] {
        assert!(
            cli_headers.iter().any(|h| h == must),
            "{must}: {cli_headers:?}"
        );
    }

    // The server: an API token and a signed-in web user.
    ok(&ws
        .cmd(&["user", "add", "boss", "--role", "admin", "--password-stdin"])
        .write_stdin("a long enough secret\n")
        .output()
        .expect("run"));
    let out = ws
        .cmd(&["token", "create", "--user", "boss"])
        .output()
        .expect("run");
    let token = String::from_utf8_lossy(ok(&out)).trim().to_string();
    let bin = assert_cmd::cargo::cargo_bin("custval");
    let mut server = Command::new(bin)
        .args(["--db", &ws.db, "serve", "--listen", "127.0.0.1:0"])
        .env_remove("CUSTVAL_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let url = BufReader::new(server.stdout.take().expect("stdout"))
        .lines()
        .next()
        .expect("a first line")
        .expect("utf-8");

    // The API's list, page by page.
    let mut api = Vec::new();
    let mut total = 0;
    for page in 1.. {
        let (status, body) = get(
            &url,
            &format!("/api/v1/customers?tier=A&per_page=7&page={page}"),
            Some(&token),
        );
        assert_eq!(status, 200, "{body}");
        let v: Value = serde_json::from_str(&body).expect("json");
        total = v["total"].as_u64().expect("total");
        let rows = v["customers"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            break;
        }
        api.extend(rows);
    }
    assert_eq!(
        ids_tiers(&api),
        cli_ids,
        "API and CLI list the same customers"
    );
    assert_eq!(
        total as usize,
        cli_ids.len(),
        "the total counts the shown tiers"
    );
    let api_row = api
        .iter()
        .find(|r| r["customer_id"] == *overridden)
        .expect("row");
    assert_eq!(
        api_row["override"],
        row(&overridden).expect("row")["override"]
    );
    for (a, c) in api.iter().zip(&cli) {
        assert_eq!(a, c, "the API row is the CLI row");
    }

    // The web app's CSV export: log in, then the same filter.
    let (_, head, _) = request(&url, "GET", "/login", "", "");
    let login = set_cookie(&head, "custval_login").expect("login cookie");
    let (status, head, _) = request(
        &url,
        "POST",
        "/login",
        &format!(
            "Cookie: custval_login={login}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        ),
        &format!("user=boss&password=a+long+enough+secret&token={login}"),
    );
    assert_eq!(status, 303, "{head}");
    let session = set_cookie(&head, "custval_session").expect("session");
    let (status, _, body) = request(
        &url,
        "GET",
        "/export/customers.csv?tier=A",
        &format!("Cookie: custval_session={session}\r\n"),
        "",
    );
    assert_eq!(status, 200);
    let (web_headers, web_rows) = csv_rows(&body);
    assert_eq!(web_headers, cli_headers, "one export column set");
    assert_eq!(web_rows, cli_rows, "the web export is the CLI export");

    // The web list page shows the override's tier for that customer.
    let (status, _, page) = request(
        &url,
        "GET",
        &format!("/customers?tier=A&q={overridden}"),
        &format!("Cookie: custval_session={session}\r\n"),
        "",
    );
    assert_eq!(status, 200);
    assert!(
        page.contains(&overridden) && page.contains("mark override"),
        "{page}"
    );

    let _ = server.kill();
    let _ = server.wait();
}
