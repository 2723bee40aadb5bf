//! Property tests of the invariants every caller relies on.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod common;

use custval_dynamics::*;
use proptest::prelude::*;

const TIERS: [&str; 3] = ["A", "B", "C"];

/// A run: for customer ids 0..40, present or not, with a tier and a non-negative value.
fn run() -> impl Strategy<Value = Vec<Option<(usize, f64)>>> {
    prop::collection::vec(prop::option::of((0usize..3, 0.0f64..1000.0)), 40)
}

fn entries<'a>(ids: &'a [String], run: &[Option<(usize, f64)>]) -> Vec<TierEntry<'a>> {
    run.iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|(t, v)| TierEntry::new(&ids[i], TIERS[t], v)))
        .collect()
}

proptest! {
    #[test]
    fn migration_totals_and_shares(from in run(), to in run()) {
        let ids: Vec<String> = (0..40).map(|i| format!("c{i:02}")).collect();
        let (f, t) = (entries(&ids, &from), entries(&ids, &to));
        let m = migration_matrix(&TIERS, &f, &t).unwrap();
        let either = from.iter().zip(&to).filter(|(a, b)| a.is_some() || b.is_some()).count() as u64;
        prop_assert_eq!(m.total_customers(), either);
        prop_assert_eq!(m.stayed + m.upgraded + m.downgraded + m.entered + m.left, either);
        // Row sums without the none column are the to-run's customers per... from tier; column
        // sums without the none row count each to-run customer once.
        let none = 3;
        let to_count: u64 = (0..4).map(|i| (0..3).map(|j| m.matrix[i][j]).sum::<u64>()).sum();
        prop_assert_eq!(to_count, t.len() as u64);
        let from_count: u64 = (0..3).map(|i| m.matrix[i].iter().sum::<u64>()).sum();
        prop_assert_eq!(from_count, f.len() as u64);
        prop_assert_eq!(m.matrix[none][none], 0);
        if m.to_total > 0.0 {
            let s: f64 = (0..4).map(|i| (0..3).map(|j| m.value_share[i][j]).sum::<f64>()).sum();
            prop_assert!((s - 1.0).abs() < 1e-9, "to-run shares sum to {}", s);
        }
        // Listing every cell's members gives back the counts.
        for (i, fi) in m.tiers.iter().enumerate() {
            for (j, tj) in m.tiers.iter().enumerate() {
                let members = cell_members(&TIERS, &f, &t, fi, tj).unwrap();
                prop_assert_eq!(members.len() as u64, m.matrix[i][j]);
            }
        }
    }

    #[test]
    fn hysteresis_off_equals_raw(metric in -100.0f64..2000.0, raw in 0usize..3, prev in prop::option::of(0usize..3), streak in 0u32..5) {
        let scale = TierScale::new(&TIERS, &[1000.0, 200.0]).unwrap();
        let input = HysteresisInput { metric, raw_tier: TIERS[raw], previous: prev.map(|p| TIERS[p]), streak_before: streak };
        let out = apply_hysteresis(&HysteresisConfig::off(), &scale, &input).unwrap();
        prop_assert_eq!(out.effective.as_str(), TIERS[raw]);
        prop_assert!(!out.decision.is_suppressed());
    }

    /// Tier decisions and migration summaries read in Chinese without an English word.
    #[test]
    fn chinese_decisions_and_migrations_hold_no_english(metric in -100.0f64..2000.0, prev in prop::option::of(0usize..3), streak in 0u32..5, margin in 0.0f64..0.5, runs in 1u32..4, from in run(), to in run()) {
        let scale = TierScale::new(&TIERS, &[1000.0, 200.0]).unwrap();
        let raw = scale.tier_for(metric).to_string();
        let input = HysteresisInput { metric, raw_tier: &raw, previous: prev.map(|p| TIERS[p]), streak_before: streak };
        let cfg = HysteresisConfig { margin, consecutive_runs: runs };
        let out = apply_hysteresis(&cfg, &scale, &input).unwrap();
        let zh = out.decision.explain_zh();
        prop_assert!(custval_i18n::scan::latin_words(&zh).is_empty(), "{}", zh);
        let ids: Vec<String> = (0..40).map(|i| format!("c{i:02}")).collect();
        let m = migration_matrix(&TIERS, &entries(&ids, &from), &entries(&ids, &to)).unwrap();
        let zh = m.explain_zh();
        prop_assert!(custval_i18n::scan::latin_words(&zh).is_empty(), "{}", zh);
    }

    #[test]
    fn hysteresis_picks_previous_or_raw(metric in -100.0f64..2000.0, prev in 0usize..3, streak in 0u32..5, margin in 0.0f64..0.5, runs in 1u32..4) {
        let scale = TierScale::new(&TIERS, &[1000.0, 200.0]).unwrap();
        let raw = scale.tier_for(metric).to_string();
        let input = HysteresisInput { metric, raw_tier: &raw, previous: Some(TIERS[prev]), streak_before: streak };
        let cfg = HysteresisConfig { margin, consecutive_runs: runs };
        let out = apply_hysteresis(&cfg, &scale, &input).unwrap();
        prop_assert!(out.effective == raw || out.effective == TIERS[prev]);
        prop_assert!(out.streak < runs);
        // A sentence in each language, never empty.
        prop_assert!(!out.decision.explain_en().is_empty() && !out.decision.explain_zh().is_empty());
    }

    #[test]
    fn backtest_bounds_and_order_independence(
        rows in prop::collection::vec((prop::option::of(0u8..6), 0.0f64..100.0), 2..60),
        seed in 1u64..1000,
    ) {
        // Few distinct predictions (and some NaN) make plenty of ties.
        let pred: Vec<f64> = rows.iter().map(|(p, _)| p.map_or(f64::NAN, f64::from)).collect();
        let realized: Vec<f64> = rows.iter().map(|(_, r)| r.round()).collect();
        let q = rank_quality(&pred, &realized).unwrap();
        if let Some(auc) = q.auc {
            prop_assert!((0.0..=1.0).contains(&auc));
            prop_assert!((q.gini.unwrap() - (2.0 * auc - 1.0)).abs() < 1e-12);
        }
        if let Some(s) = q.spearman {
            prop_assert!((-1.0..=1.0).contains(&s));
        }
        if !q.lift_by_decile.is_empty() {
            let sum: f64 = q.lift_by_decile.iter().sum();
            prop_assert!((sum - 10.0).abs() < 1e-9, "lifts sum to {}", sum);
            prop_assert!((0.0..=1.0 + 1e-12).contains(&q.top_share.unwrap()));
        }
        // Shuffling the customers changes nothing (up to float rounding of sums).
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut rng = common::XorShift::new(seed);
        for i in (1..order.len()).rev() {
            order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        let p2: Vec<f64> = order.iter().map(|&i| pred[i]).collect();
        let r2: Vec<f64> = order.iter().map(|&i| realized[i]).collect();
        let q2 = rank_quality(&p2, &r2).unwrap();
        prop_assert_eq!(q.auc.map(|a| (a * 1e9).round()), q2.auc.map(|a| (a * 1e9).round()));
        prop_assert_eq!(q.spearman.map(|a| (a * 1e9).round()), q2.spearman.map(|a| (a * 1e9).round()));
        for (a, b) in q.lift_by_decile.iter().zip(&q2.lift_by_decile) {
            prop_assert!((a - b).abs() < 1e-9);
        }
    }

    #[test]
    fn welch_interval_contains_the_difference(
        a in prop::collection::vec(-1000.0f64..1000.0, 2..30),
        b in prop::collection::vec(-1000.0f64..1000.0, 2..30),
        level in 0.5f64..0.999,
    ) {
        let w = welch_difference(&a, &b, level).unwrap();
        prop_assert!(w.ci_low <= w.difference && w.difference <= w.ci_high);
        let df_min = (a.len().min(b.len()) - 1) as f64;
        prop_assert!(w.df >= df_min - 1e-9 && w.df <= (a.len() + b.len() - 2) as f64 + 1e-9);
        let wider = welch_difference(&a, &b, (level + 1.0) / 2.0).unwrap();
        prop_assert!(wider.ci_high - wider.ci_low >= w.ci_high - w.ci_low);
    }

    #[test]
    fn alerts_do_not_depend_on_input_order(spends in prop::collection::vec((0.0f64..1000.0, 0.0f64..1000.0, 0.0f64..1.0), 1..30)) {
        let ctx = AlertContext::new(&TIERS);
        let cfg = AlertConfig::default();
        let make = |i: usize, s: f64, p: f64| CustomerFacts {
            tier: Some(TIERS[i % 3].to_string()),
            spend_12m: Some(s),
            p_alive: Some(p),
            ..CustomerFacts::new(format!("c{i}"))
        };
        let prev: Vec<CustomerFacts> = spends.iter().enumerate().map(|(i, &(s, _, _))| make(i, s, 0.9)).collect();
        let cur: Vec<CustomerFacts> = spends.iter().enumerate().map(|(i, &(_, s, p))| make(i + 1, s, p)).collect();
        let a = alerts_for_run(&cfg, &ctx, &cur, &prev).unwrap();
        let mut cur_rev = cur.clone();
        cur_rev.reverse();
        let mut prev_rev = prev.clone();
        prev_rev.reverse();
        let b = alerts_for_run(&cfg, &ctx, &cur_rev, &prev_rev).unwrap();
        prop_assert_eq!(a, b);
    }
}
