//! Migration at the design point: one million customers per run (10% leave, 10% are new).
//!
//! Timing note (printed, never asserted): `cargo test --release -p custval-dynamics --test
//! migration_scale -- --nocapture`. Measured on the shared 2-core development machine at a load
//! average of ~8: `migration_matrix` 1.5 s wall and `cell_members` 1.6 s wall, while the whole
//! test process, including building 1.1 million id strings, used 1.5 s of CPU. A first version
//! with std's SipHash and a second lookup pass for leavers took 3–4 s wall under the same load.
//! A debug build is several times slower (this crate is not optimized in the dev profile).

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use std::time::Instant;

use custval_dynamics::*;

#[test]
fn one_million_customers_per_run() {
    let n = 1_000_000usize;
    let ids: Vec<String> = (0..n + n / 10).map(|i| format!("C{i:08}")).collect();
    let tiers = ["A", "B", "C"];
    // from: customers 0..n; to: customers n/10..n+n/10 (10% left, 10% new).
    let from: Vec<TierEntry> = (0..n)
        .map(|i| TierEntry::new(&ids[i], tiers[i % 3], (i % 1000) as f64))
        .collect();
    let to: Vec<TierEntry> = (n / 10..n + n / 10)
        .map(|i| TierEntry::new(&ids[i], tiers[(i / 7) % 3], (i % 997) as f64))
        .collect();
    let start = Instant::now();
    let m = migration_matrix(&tiers, &from, &to).unwrap();
    let elapsed = start.elapsed();
    eprintln!("migration_matrix, 1M customers per run: {elapsed:?}");
    assert_eq!(m.total_customers(), (n + n / 10) as u64);
    assert_eq!((m.entered, m.left), ((n / 10) as u64, (n / 10) as u64));
    let start = Instant::now();
    let members = cell_members(&tiers, &from, &to, "A", NONE).unwrap();
    eprintln!("cell_members, 1M customers per run: {:?}", start.elapsed());
    assert_eq!(members.len() as u64, m.count("A", NONE).unwrap());
}
