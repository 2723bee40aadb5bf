//! Issue 18, privacy at rest in the web app: the customer page shows the decrypted contact to
//! the roles that may see it (masked for the others, see web.rs), and a forgotten customer as
//! forgotten, with nothing of their name or contact.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{Server, customer_id};
use custval_store::prelude::*;

#[tokio::test]
async fn a_forgotten_customer_shows_as_forgotten_and_the_others_still_decrypt() {
    let s = Server::start().await;
    let (gone, kept) = (customer_id(0), customer_id(1));
    let admin = s.login("admin").await;
    let page = admin.page(&format!("/customers/{gone}")).await;
    assert!(
        page.contains("buyer0@example.com"),
        "decrypted for an admin"
    );
    assert!(page.contains("客户1 Co."));

    s.store
        .forget_customer(&gone, "erasure request", "admin")
        .await
        .expect("forget");
    let page = admin.page(&format!("/customers/{gone}")).await;
    assert!(
        page.contains("Personal data") && page.contains("erased on"),
        "{page}"
    );
    assert!(!page.contains("buyer0@example.com") && !page.contains("555-0000"));
    assert!(
        !page.contains("客户1 Co."),
        "the name is gone from the page"
    );
    // The other customers are untouched and still decrypted.
    let page = admin.page(&format!("/customers/{kept}")).await;
    assert!(page.contains("buyer1@example.com"));
    assert!(!page.contains("erased on"));
    s.stop().await;
}
