//! The override service and the role rules behind it: the same checks in the same order for
//! the command line, the pages and the API (visibility, then the role, then the values), and
//! an override in force wins in `customer_view` and in the key-accounts list.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use common::{day, store_with_owners};
use custval_app::AppError;
use custval_app::access::{Actor, visible_result};
use custval_app::overrides::{NewOverride, clear, set};
use custval_store::Role;
use custval_store::prelude::*;

#[tokio::test]
async fn overrides_check_visibility_then_role_then_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_with_owners(&dir).await;
    let today = day(2025, 4, 15);
    let run = store.latest_run().await.expect("runs").expect("run");
    let rita = store
        .add_user("rita", Role::Sales, Some("rep1"), None)
        .await
        .expect("sales");
    let mia = store
        .add_user("mia", Role::Manager, None, None)
        .await
        .expect("manager");
    let alan = store
        .add_user("alan", Role::Analyst, None, None)
        .await
        .expect("analyst");
    // C001 is rep1's (rita's), C002 rep2's.
    let ok = |id| NewOverride {
        customer_id: id,
        tier: "a",
        reason: " key hospital ",
        until: Some(day(2099, 12, 31)),
    };

    // Unknown customer: the same answer for everybody.
    for who in [Actor::Local("cli"), Actor::User(&mia), Actor::User(&rita)] {
        let e = set(&store, who, &ok("NOPE"), today).await.err();
        assert!(matches!(e, Some(AppError::UnknownCustomer(_))), "{e:?}");
    }
    // Another owner's customer is unknown to a sales user (not forbidden: no probing)...
    let e = set(&store, Actor::User(&rita), &ok("C002"), today)
        .await
        .err();
    assert!(matches!(e, Some(AppError::UnknownCustomer(_))), "{e:?}");
    let e = visible_result(&store, Actor::User(&rita), &run, "C002")
        .await
        .err();
    assert!(matches!(e, Some(AppError::UnknownCustomer(_))), "{e:?}");
    // ...their own is forbidden (sales may not override), as for an analyst.
    let e = set(&store, Actor::User(&rita), &ok("C001"), today)
        .await
        .err();
    assert!(matches!(e, Some(AppError::Forbidden)), "{e:?}");
    let e = set(&store, Actor::User(&alan), &ok("C002"), today)
        .await
        .err();
    assert!(matches!(e, Some(AppError::Forbidden)), "{e:?}");
    // The values, once the role may.
    let bad_tier = NewOverride {
        tier: "Z",
        ..ok("C002")
    };
    let e = set(&store, Actor::User(&mia), &bad_tier, today).await.err();
    assert!(
        matches!(e, Some(AppError::Invalid { what: "tier", .. })),
        "{e:?}"
    );
    let no_reason = NewOverride {
        reason: "  ",
        ..ok("C002")
    };
    let e = set(&store, Actor::User(&mia), &no_reason, today)
        .await
        .err();
    assert!(
        matches!(e, Some(AppError::BadInput { what: "reason", .. })),
        "{e:?}"
    );
    let past = NewOverride {
        until: Some(day(2025, 1, 1)),
        ..ok("C002")
    };
    let e = set(&store, Actor::User(&mia), &past, today).await.err();
    assert!(
        matches!(e, Some(AppError::BadInput { what: "until", .. })),
        "{e:?}"
    );
    assert!(
        store
            .active_override("C002", today)
            .await
            .expect("read")
            .is_none(),
        "nothing written by a refused override"
    );

    // Set: normalized tier and reason, the author is the actor, read back as stored.
    let o = set(&store, Actor::User(&mia), &ok("C002"), today)
        .await
        .expect("set");
    assert_eq!((o.tier.as_str(), o.reason.as_str()), ("A", "key hospital"));
    assert_eq!(o.author, "mia");
    assert!(!o.created_at.is_empty());
    let shown = custval_app::customer_view(&store, &run, "C002", today)
        .await
        .expect("view")
        .expect("in the run");
    let j = serde_json::to_value(&shown).expect("json");
    assert_eq!(j["tier"], "A", "the override wins on the customer page");
    assert_eq!(j["override"]["author"], "mia");
    let audit = store.audit_log(100).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.actor == "mia" && e.subject.contains("C002")),
        "{audit:?}"
    );

    // Clear: the same checks; then nothing to clear.
    let e = clear(&store, Actor::User(&rita), "C002").await.err();
    assert!(matches!(e, Some(AppError::UnknownCustomer(_))), "{e:?}");
    assert!(
        clear(&store, Actor::Local("cli"), "C002")
            .await
            .expect("clear")
    );
    assert!(
        !clear(&store, Actor::Local("cli"), "C002")
            .await
            .expect("clear")
    );
}
