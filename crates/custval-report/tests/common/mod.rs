//! A representative report for the integration tests: three tiers, classes of several dimensions
//! with playbooks, a few hundred scatter points, a filled RFM grid, a CLV model with calibration,
//! and user text that tries to inject markup.

#![allow(dead_code)]

use custval_report::*;

/// Text that must come out escaped wherever it appears.
pub const EVIL: &str = "<script>alert('x')</script>";

/// A tiny deterministic generator (splitmix64) for the scatter points.
pub struct SplitMix(u64);

impl SplitMix {
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub fn representative(lang: Lang) -> ReportData {
    let mut rng = SplitMix(42);
    let classes = ["most_valuable", "secondary", "ordinary", "negative"];
    let points = (0..400)
        .map(|i| ScatterPoint {
            x: rng.next_f64() * 100.0,
            y: rng.next_f64() * 100.0,
            class: classes[i % classes.len()].to_string(),
        })
        .chain(std::iter::once(ScatterPoint {
            x: 50.0,
            y: 50.0,
            class: EVIL.to_string(),
        }))
        .collect();
    let mut heat = RfmHeatmap::default();
    for r in 0..5 {
        for f in 0..5 {
            heat.customers[r][f] = ((r + 1) * (f + 2) * 37) as u64;
            heat.mean_monetary[r][f] = 150.0 * (r + f + 1) as f64;
        }
    }
    heat.customers[0][4] = 0; // an empty cell shows a dash, not NaN
    heat.mean_monetary[0][4] = f64::NAN;
    let pareto = (0..=100)
        .map(|i| {
            let x = i as f64 / 100.0;
            (x, 1.0 - (1.0 - x).powi(5))
        })
        .collect();
    ReportData {
        language: lang,
        run: RunInfo {
            id: 17,
            as_of: "2024-06-30".into(),
            created_at: "2024-07-01T08:00:00Z".into(),
            customers: 12_345,
            seconds: 3.25,
            config_summary: vec![
                "ABC cut: 80% / 95% of 12-month spend".into(),
                format!("industry: {EVIL}"),
            ],
            clv_model: Some(ClvModel {
                name: "BG/NBD + Gamma-Gamma".into(),
                parameters: vec![
                    ("r".into(), 0.2426),
                    ("alpha".into(), 4.4136),
                    ("a".into(), 0.7929),
                    ("b".into(), 2.4259),
                ],
                log_likelihood: -9582.43,
                converged: true,
                calibration: Some(vec![
                    CalibrationRow {
                        bucket: "0".into(),
                        customers: 1411,
                        predicted: 0.23,
                        actual: 0.24,
                    },
                    CalibrationRow {
                        bucket: "7+".into(),
                        customers: 83,
                        predicted: 5.6,
                        actual: 5.9,
                    },
                ]),
            }),
        },
        tiers: vec![
            TierRow {
                tier: "A".into(),
                customers: 2_469,
                value: 9_876_543.21,
                value_share: 0.8,
                rule: "top customers making 80% of 12-month spend".into(),
            },
            TierRow {
                tier: "B".into(),
                customers: 3_704,
                value: 1_851_851.0,
                value_share: 0.15,
                rule: "next customers up to 95%".into(),
            },
            TierRow {
                tier: "C".into(),
                customers: 6_172,
                value: 617_284.0,
                value_share: 0.05,
                rule: format!("the rest {EVIL}"),
            },
        ],
        classes: vec![
            ClassRow {
                dimension: "value_class".into(),
                class: "most_valuable".into(),
                label: "Most valuable".into(),
                customers: 617,
                value: 4_938_271.0,
                rule: "value score ≥ 60 and potential score ≥ 60".into(),
                playbook: vec![
                    ("service level".into(), "dedicated account manager".into()),
                    ("contact".into(), "monthly visit".into()),
                ],
            },
            ClassRow {
                dimension: "value_class".into(),
                class: "negative".into(),
                label: EVIL.into(),
                customers: 900,
                value: -12_000.0,
                rule: "cost exceeds profit".into(),
                playbook: vec![("action".into(), EVIL.into())],
            },
            ClassRow {
                dimension: "lifecycle".into(),
                class: "declining".into(),
                label: "Declining".into(),
                customers: 1_200,
                value: 345_678.0,
                rule: "spend down 30% year on year".into(),
                playbook: vec![],
            },
        ],
        pareto,
        scatter: Scatter {
            points,
            x_cut: 60.0,
            y_cut: 55.0,
        },
        rfm_heatmap: heat,
        clv_histogram: (0..12)
            .map(|i| HistogramBin {
                lo: i as f64 * 500.0,
                hi: (i + 1) as f64 * 500.0,
                customers: (1200 / (i + 1)) as u64,
            })
            .collect(),
        weights: vec![
            WeightRow {
                dimension: "value".into(),
                indicator: "monetary_12m".into(),
                label: "12-month spend".into(),
                method: "AHP".into(),
                weight: 0.45,
                direction: "benefit".into(),
                normalization: "min-max".into(),
            },
            WeightRow {
                dimension: "value".into(),
                indicator: "service_cost".into(),
                label: "Service cost".into(),
                method: "AHP".into(),
                weight: 0.2,
                direction: "cost".into(),
                normalization: "min-max".into(),
            },
            WeightRow {
                dimension: "potential".into(),
                indicator: "share_of_wallet_gap".into(),
                label: EVIL.into(),
                method: "entropy".into(),
                weight: 0.35,
                direction: "benefit".into(),
                normalization: "z-score".into(),
            },
        ],
        weight_notes: vec![WeightNote {
            dimension: "value".into(),
            note: "AHP CR = 0.03 (Saaty RI)".into(),
        }],
        budget: vec![
            BudgetRow {
                class: "most_valuable".into(),
                label: "Most valuable".into(),
                amount: 600_000.0,
                share: 0.6,
                basis: "proportional to value".into(),
            },
            BudgetRow {
                class: "secondary".into(),
                label: EVIL.into(),
                amount: 400_000.0,
                share: 0.4,
                basis: "expected return".into(),
            },
        ],
        top_customers: (0..50)
            .map(|i| TopCustomer {
                customer_id: format!("C{:05}", i + 1),
                name: if i == 3 {
                    EVIL.into()
                } else {
                    format!("Customer {}", i + 1)
                },
                tier: "A".into(),
                value_class: "most_valuable".into(),
                lifecycle: "loyal".into(),
                score: 99.0 - i as f64,
                value_score: 95.0 - i as f64 / 2.0,
                potential_score: 80.0,
                clv: 123_456.0 - 1000.0 * i as f64,
                p_alive: 0.97,
                actions: vec!["quarterly business review (most valuable)".into()],
            })
            .collect(),
        alerts: vec![format!("P(alive) fell for 12 A customers {EVIL}")],
        notes: vec!["weights: config key `foo` unknown, ignored".into()],
        dynamics: custval_report::Dynamics::default(),
    }
}
