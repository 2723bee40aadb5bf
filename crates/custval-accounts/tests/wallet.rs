//! Wallet estimates end to end: peer percentiles checked against values computed by hand
//! (NumPy's `np.percentile` default and Excel's `PERCENTILE.INC` give the same), fallbacks,
//! caps, and the invariants over random bases.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_accounts::{
    Beyond, Explain, Fallback, NoPeers, PeerGrouping, WalletConfig, WalletEstimate, WalletInput,
    WalletSource, estimate_wallets,
};
use proptest::prelude::*;

fn input<'a>(industry: Option<&'a str>, size: Option<&'a str>, spend: f64) -> WalletInput<'a> {
    WalletInput {
        industry,
        size,
        spend_12m: spend,
        ..WalletInput::default()
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// pharma/large: ten buyers spending 10, 20, …, 100; pharma/small: three buyers (5, 6, 7) and
/// one customer who bought nothing; retail: two buyers; one customer without industry; one
/// with an imported wallet.
fn base() -> Vec<WalletInput<'static>> {
    let mut v: Vec<_> = (1..=10)
        .map(|k| input(Some("pharma"), Some("large"), 10.0 * k as f64))
        .collect();
    for s in [5.0, 6.0, 7.0, 0.0] {
        v.push(input(Some("pharma"), Some("small"), s));
    }
    v.push(input(Some("retail"), None, 50.0));
    v.push(input(Some("retail"), Some("large"), 70.0));
    v.push(input(None, Some("large"), 40.0));
    v.push(WalletInput {
        known_wallet: Some(400.0),
        ..input(Some("retail"), None, 100.0)
    });
    v
}

#[test]
fn industry_size_group_percentile() {
    let est = estimate_wallets(&base(), &WalletConfig::default()).unwrap();
    // Sorted spends 10..=100, p = 0.9: h = 9 × 0.9 = 8.1 → 90 + 0.1 × (100 − 90) = 91.
    let e = &est[2]; // spend 30
    assert!(close(e.wallet, 91.0));
    assert!(close(e.share_of_wallet, 30.0 / 91.0));
    assert!(close(e.wallet_gap, 61.0));
    assert!(!e.capped);
    match &e.source {
        WalletSource::Peers {
            group,
            peers,
            percentile,
            peer_wallet,
            fallback,
            beyond,
        } => {
            assert_eq!(*beyond, None);
            assert_eq!(group, "industry=pharma, size=large");
            assert_eq!(*peers, 10);
            assert_eq!(*percentile, 0.9);
            assert!((peer_wallet - 91.0).abs() < 1e-9);
            assert_eq!(*fallback, None);
        }
        other => panic!("expected peers, got {other:?}"),
    }
    assert_eq!(
        e.explain_en(),
        "wallet estimated at 91.00: the 90th percentile (type 7) of the 12-month spend of 10 buying peers, industry=pharma, size=large; 12-month spend 30.00 is a share of wallet of 33%, wallet gap 61.00"
    );
    assert!(
        e.explain_zh().contains("第90百分位数"),
        "{}",
        e.explain_zh()
    );
    assert!(e.explain_zh().contains("客户份额 33%"));
}

/// Issue 17: a top spender's wallet was raised to its spend, so every top account showed a
/// 100 % share of wallet and no gap. With nothing else known, its wallet is now unknown (and so
/// are share and gap), with the reason.
#[test]
fn top_spender_without_other_estimate_has_an_unknown_wallet() {
    let est = estimate_wallets(&base(), &WalletConfig::default()).unwrap();
    let e = &est[9]; // spend 100 ≥ 91; pharma has one band of ten buyers, so no band fit
    assert!(!e.capped);
    assert_eq!(e.wallet, None);
    assert_eq!((e.share_of_wallet, e.wallet_gap), (None, None));
    assert!(matches!(
        &e.source,
        WalletSource::Peers { beyond: Some(Beyond::Unknown), peer_wallet, .. } if (peer_wallet - 91.0).abs() < 1e-9
    ));
    let en = e.explain_en();
    assert!(
        en.contains("12-month spend 100.00 is at or above the 90th percentile")
            && en.contains("the wallet is at least 100.00 but unknown"),
        "{en}"
    );
    assert!(
        e.explain_zh().contains("客户钱包至少为 100.00"),
        "{}",
        e.explain_zh()
    );
}

/// Issue 17: a top spender that bought more a year earlier gets that as its wallet.
#[test]
fn top_spender_wallet_from_its_previous_year() {
    let mut inputs = base();
    inputs[9].spend_prev_12m = 150.0;
    inputs[9].spend_6m = 55.0; // run rate 110: above the spend too, but 150 is not the smallest
    let est = estimate_wallets(&inputs, &WalletConfig::default()).unwrap();
    let e = &est[9];
    assert!(close(e.wallet, 110.0), "{e:?}");
    assert!(matches!(
        &e.source,
        WalletSource::Peers {
            beyond: Some(Beyond::RunRate { .. }),
            ..
        }
    ));
    inputs[9].spend_6m = 40.0; // run rate 80 < spend: the previous year is what is left
    let e = &estimate_wallets(&inputs, &WalletConfig::default()).unwrap()[9];
    assert!(close(e.wallet, 150.0));
    assert!(close(e.share_of_wallet, 100.0 / 150.0));
    assert!(close(e.wallet_gap, 50.0));
    assert!(
        e.explain_en().contains(
            "so the wallet is estimated at 150.00: its own 12-month spend a year earlier"
        ),
        "{}",
        e.explain_en()
    );
}

/// Issue 17: the size bands' percentiles, fitted log-linearly by hand. tools/small: buyers
/// 1..=9 and 20 (median 5.5; type 7 p90: h = 8.1 → 9 + 0.1·11 = 10.1); tools/large: 10..=100
/// (median 55, p90 91). Two bands: the line passes through ln 10.1 and ln 91, so one band above
/// small is exactly 91 and one beyond large is 91²/10.1.
#[test]
fn top_spender_wallet_one_size_band_up() {
    let mut inputs: Vec<WalletInput<'static>> = (1..=9)
        .map(|k| input(Some("tools"), Some("small"), k as f64))
        .collect();
    inputs.push(input(Some("tools"), Some("small"), 20.0));
    inputs.extend((1..=10).map(|k| input(Some("tools"), Some("large"), 10.0 * k as f64)));
    let est = estimate_wallets(&inputs, &WalletConfig::default()).unwrap();
    let small_top = &est[9];
    assert!(close(small_top.wallet, 91.0), "{small_top:?}");
    assert!(close(small_top.wallet_gap, 71.0));
    match &small_top.source {
        WalletSource::Peers {
            beyond: Some(Beyond::SizeBands {
                band, next, bands, ..
            }),
            ..
        } => {
            assert_eq!(
                (band.as_str(), next.as_deref(), *bands),
                ("small", Some("large"), 2)
            );
        }
        other => panic!("expected a size-band estimate, got {other:?}"),
    }
    assert!(
        small_top
            .explain_en()
            .contains("the 90th percentile fitted for size=large, one band above size=small"),
        "{}",
        small_top.explain_en()
    );
    let large_top = &est[19];
    assert!(close(large_top.wallet, 91.0 * 91.0 / 10.1), "{large_top:?}");
    assert!(
        large_top
            .explain_en()
            .contains("one band beyond the largest, size=large")
    );
    // A customer below its group's percentile keeps the peer estimate.
    assert!(close(est[12].wallet, 91.0));
}

#[test]
fn small_group_falls_back_to_industry() {
    let est = estimate_wallets(&base(), &WalletConfig::default()).unwrap();
    // pharma buyers sorted: 5, 6, 7, 10, 20, …, 100 (n = 13); h = 12 × 0.9 = 10.8 →
    // 80 + 0.8 × (90 − 80) = 88 (np.percentile(x, 90) = 88.0).
    let non_buyer = &est[13];
    assert!(close(non_buyer.wallet, 88.0));
    assert_eq!(non_buyer.share_of_wallet, Some(0.0));
    assert!(close(non_buyer.wallet_gap, 88.0));
    match &non_buyer.source {
        WalletSource::Peers {
            group,
            peers,
            fallback,
            ..
        } => {
            assert_eq!(group, "industry=pharma");
            assert_eq!(*peers, 13);
            assert_eq!(
                *fallback,
                Some(Fallback::TooFewInGroup {
                    group: "industry=pharma, size=small".into(),
                    peers: 3
                })
            );
        }
        other => panic!("expected peers, got {other:?}"),
    }
    assert!(
        non_buyer
            .explain_en()
            .contains("only 3 in industry=pharma, size=small")
    );
}

#[test]
fn no_estimate_without_industry_or_enough_peers() {
    let est = estimate_wallets(&base(), &WalletConfig::default()).unwrap();
    assert_eq!(
        est[14].source,
        WalletSource::None {
            reason: NoPeers::TooFewPeers {
                group: "industry=retail".into(),
                peers: 3,
                min_peers: 10
            }
        }
    );
    assert_eq!(est[14].wallet, None);
    assert_eq!(est[14].share_of_wallet, None);
    assert_eq!(
        est[16].source,
        WalletSource::None {
            reason: NoPeers::NoIndustry
        }
    );
    assert_eq!(
        est[16].explain_en(),
        "no wallet estimate: industry unknown, so there are no comparable customers"
    );
}

#[test]
fn imported_wallet_wins_and_is_never_raised() {
    let est = estimate_wallets(&base(), &WalletConfig::default()).unwrap();
    let e = &est[17];
    assert_eq!(e.source, WalletSource::Known);
    assert_eq!(e.share_of_wallet, Some(0.25));
    assert_eq!(e.wallet_gap, Some(300.0));
    let over = WalletEstimate::new(500.0, Some(400.0), WalletSource::Known);
    assert_eq!(over.wallet, Some(400.0));
    assert_eq!(over.share_of_wallet, Some(1.0));
    assert!(over.explain_en().contains("capped at 100%"));
}

#[test]
fn strict_and_industry_groupings() {
    let strict = WalletConfig {
        grouping: PeerGrouping::IndustrySizeStrict,
        ..WalletConfig::default()
    };
    let est = estimate_wallets(&base(), &strict).unwrap();
    assert!(matches!(
        est[13].source,
        WalletSource::None {
            reason: NoPeers::TooFewPeers { peers: 3, .. }
        }
    ));
    let industry = WalletConfig {
        grouping: PeerGrouping::Industry,
        min_peers: 3,
        percentile: 0.5,
    };
    let est = estimate_wallets(&base(), &industry).unwrap();
    // retail buyers 50, 70, 100 → median 70.
    assert!(close(est[14].wallet, 70.0));
}

#[test]
fn invalid_config_is_an_error() {
    let bad = WalletConfig {
        percentile: f64::NAN,
        ..WalletConfig::default()
    };
    assert!(estimate_wallets(&base(), &bad).is_err());
}

const INDUSTRIES: [Option<&str>; 4] = [Some("a"), Some("b"), Some(""), None];
const SIZES: [Option<&str>; 3] = [Some("s"), Some("l"), None];

proptest! {
    #[test]
    fn share_in_unit_interval_and_wallet_covers_estimated_spend(
        rows in proptest::collection::vec(
            (0usize..4, 0usize..3, prop_oneof![Just(f64::NAN), -100.0f64..1e6], proptest::option::of(-10.0f64..1e6)),
            0..300,
        ),
        p in 0.0f64..=1.0,
        min_peers in 1usize..6,
    ) {
        let inputs: Vec<WalletInput<'_>> = rows
            .iter()
            .map(|&(i, s, spend, known)| WalletInput {
                industry: INDUSTRIES[i],
                size: SIZES[s],
                spend_12m: spend,
                known_wallet: known,
                ..WalletInput::default()
            })
            .collect();
        let cfg = WalletConfig { percentile: p, min_peers, ..WalletConfig::default() };
        let est = estimate_wallets(&inputs, &cfg).unwrap();
        prop_assert_eq!(est.len(), inputs.len());
        for (e, c) in est.iter().zip(&inputs) {
            if let Some(share) = e.share_of_wallet {
                prop_assert!((0.0..=1.0).contains(&share));
            }
            if let Some(gap) = e.wallet_gap {
                prop_assert!(gap >= 0.0);
            }
            if let Some(w) = e.wallet {
                prop_assert!(w > 0.0 && w.is_finite());
            }
            if let (WalletSource::Peers { .. }, Some(w), Some(s)) = (&e.source, e.wallet, e.spend_12m) {
                prop_assert!(w >= s, "estimated wallet {} below spend {}", w, s);
            }
            if c.known_wallet.is_some_and(|w| w > 0.0) {
                prop_assert_eq!(&e.source, &WalletSource::Known);
            }
            // Issue 17: a full share of wallet only for an imported wallet.
            if e.share_of_wallet == Some(1.0) {
                prop_assert_eq!(&e.source, &WalletSource::Known);
            }
            prop_assert!(!e.explain_en().is_empty() && !e.explain_zh().is_empty());
        }
    }
}

/// A million customers in well under a few seconds in release builds:
/// `cargo test -p custval-accounts --release --test wallet -- --ignored --nocapture`.
#[test]
#[ignore]
fn scale_one_million() {
    let industries: Vec<String> = (0..40).map(|i| format!("industry{i}")).collect();
    let sizes = ["small", "medium", "large", "xl"];
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let inputs: Vec<WalletInput<'_>> = (0..1_000_000usize)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            WalletInput {
                industry: Some(industries[i % 40].as_str()),
                size: Some(sizes[(i / 40) % 4]),
                spend_12m: (x % 100_000) as f64,
                ..WalletInput::default()
            }
        })
        .collect();
    let t = std::time::Instant::now();
    let est = estimate_wallets(&inputs, &WalletConfig::default()).unwrap();
    eprintln!("1M wallet estimates in {:?}", t.elapsed());
    assert_eq!(est.len(), 1_000_000);
}
