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
                value_class_id: "most_valuable".into(),
                lifecycle: "loyal".into(),
                lifecycle_id: "loyal".into(),
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
        dynamics: dynamics(lang),
    }
}

/// A second run's dynamics: a 4 × 4 migration whose columns add up to this run's tiers
/// (A 2,469, B 3,704, C 6,172), alerts of every severity, two overrides and a backtest of four
/// rankings (one named with markup).
pub fn dynamics(lang: Lang) -> Dynamics {
    let zh = lang == Lang::Zh;
    let pick = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
    let lifts = |decay: f64| -> Vec<f64> {
        // Decreasing lifts that average 1 over the ten deciles.
        let raw: Vec<f64> = (0..10).map(|d| decay.powi(d)).collect();
        let mean = raw.iter().sum::<f64>() / 10.0;
        raw.iter().map(|l| l / mean).collect()
    };
    Dynamics {
        migration: Some(MigrationView {
            from_run: 16,
            from_as_of: "2024-03-31".into(),
            labels: vec!["A".into(), "B".into(), "C".into(), "none".into()],
            matrix: vec![
                vec![2100, 250, 40, 60],
                vec![300, 3000, 350, 90],
                vec![49, 400, 5500, 300],
                vec![20, 54, 282, 0],
            ],
            value_share: vec![
                vec![0.70, 0.02, 0.001, 0.02],
                vec![0.08, 0.11, 0.01, 0.01],
                vec![0.015, 0.015, 0.035, 0.005],
                vec![0.005, 0.005, 0.004, 0.0],
            ],
            stayed: 10_600,
            upgraded: 749,
            downgraded: 640,
            entered: 356,
            left: 450,
            explain: pick(
                "11,989 customers in both runs: 10,600 stayed in their tier, 749 moved up, 640 moved down (5.3% of them); 356 entered and 450 left (holding 3.5% of the previous run's value)",
                "两次运行均在的客户 11,989 个：10,600 个等级不变，749 个升级，640 个降级（占 5.3%）；新进入 356 个，流失 450 个（占上次运行价值的 3.5%）",
            ),
        }),
        hysteresis: Some(pick(
            "Hysteresis kept 37 customers in their previous tier (score within 2 points of the boundary)",
            "迟滞规则使 37 个客户保留原等级（得分距分界不足 2 分）",
        )),
        alert_counts: vec![
            ("critical".into(), 2),
            ("warning".into(), 5),
            ("info".into(), 1),
        ],
        alerts: vec![
            AlertRow {
                customer_id: "C00007".into(),
                name: Some("Customer 7".into()),
                rule: "key_account_dropped".into(),
                severity: "critical".into(),
                explain: pick(
                    "tier A → B; score 81.0 → 64.5",
                    "等级 A → B；得分 81.0 → 64.5",
                ),
                action: pick("account manager visit within 2 weeks", "两周内客户经理拜访"),
            },
            AlertRow {
                customer_id: "C00012".into(),
                name: Some(EVIL.into()),
                rule: "spend_drop".into(),
                severity: "critical".into(),
                explain: format!("spend −62% against the same period {EVIL}"),
                action: EVIL.into(),
            },
            AlertRow {
                customer_id: "C00345".into(),
                name: None,
                rule: "p_alive_low".into(),
                severity: "warning".into(),
                explain: pick("P(alive) 0.91 → 0.48", "活跃概率 0.91 → 0.48"),
                action: pick("win-back offer", "挽回优惠"),
            },
            AlertRow {
                customer_id: "C09876".into(),
                name: Some("Customer 9876".into()),
                rule: "upgrade_candidate".into(),
                severity: "info".into(),
                explain: pick(
                    "potential score 91.2, top decile of C",
                    "潜力得分 91.2，位于 C 类前 10%",
                ),
                action: pick("assign to a B-tier sales rep", "分配给 B 级客户销售"),
            },
        ],
        overrides: vec![
            OverrideRow {
                customer_id: "C00042".into(),
                tier: "A".into(),
                author: "li.wei".into(),
                reason: pick(
                    "strategic account, framework contract signed",
                    "战略客户，已签框架协议",
                ),
                until: Some("2024-12-31".into()),
            },
            OverrideRow {
                customer_id: "C00099".into(),
                tier: "C".into(),
                author: "zhang.min".into(),
                reason: EVIL.into(),
                until: None,
            },
        ],
        backtest: Some(BacktestView {
            as_of: "2023-06-30".into(),
            horizon_days: 365,
            customers: 11_802,
            methods: vec![
                BacktestMethod {
                    name: "score".into(),
                    gini: Some(0.6234),
                    auc: Some(0.8117),
                    spearman: Some(0.5521),
                    lift_by_decile: lifts(0.62),
                    top_share: Some(0.621),
                },
                BacktestMethod {
                    name: "rfm".into(),
                    gini: Some(0.5102),
                    auc: Some(0.7551),
                    spearman: Some(0.4874),
                    lift_by_decile: lifts(0.75),
                    top_share: Some(0.464),
                },
                BacktestMethod {
                    name: "clv".into(),
                    gini: Some(0.5873),
                    auc: Some(0.7937),
                    spearman: None,
                    lift_by_decile: lifts(0.68),
                    top_share: Some(0.549),
                },
                BacktestMethod {
                    name: EVIL.into(),
                    gini: None,
                    auc: None,
                    spearman: None,
                    lift_by_decile: Vec::new(),
                    top_share: None,
                },
            ],
            best: Some("score".into()),
            explain: pick(
                "score ranks realized value best (score Gini 0.623, rfm Gini 0.510, clv Gini 0.587)",
                "score 对实际价值的排序效果最好（score 基尼系数 0.623，rfm 基尼系数 0.510，clv 基尼系数 0.587）",
            ),
        }),
    }
}

/// A Chinese report as `custval report --lang zh` fills it: engine ids for classes, tiers,
/// rules, severities, methods, directions, normalizations, playbook fields and budget bases,
/// Chinese text where the caller supplies text, and the data's own Latin strings (customer ids)
/// listed by [`own_latin`]. Every id the engine emits for a known class or rule is here.
// Long because it is one report's data, field by field, as the CLI fills it.
pub fn chinese() -> ReportData {
    let mut data = representative(Lang::Zh);
    data.run.created_at = "2024-07-01 16:05:09".into();
    data.run.config_summary = vec![
        "综合得分 = 0.6 × 当前价值得分 + 0.4 × 潜力得分".into(),
        "共 9 个指标".into(),
    ];
    let ids = [
        "most_valuable",
        "secondary",
        "maintain",
        "negative_value",
        "most_valuable",
    ];
    for (i, p) in data.scatter.points.iter_mut().enumerate() {
        p.class = ids[i % ids.len()].to_string();
    }
    data.tiers[0].rule = "按近 12 个月净消费额从高到低排序，累计至总额的 80%".into();
    data.tiers[1].rule = "按近 12 个月净消费额从高到低排序，累计至总额的 95%".into();
    data.tiers[2].rule = "按近 12 个月净消费额从高到低排序，累计至总额的 100%".into();
    let class =
        |dimension: &str, class: &str, label: &str, playbook: Vec<(String, String)>| ClassRow {
            dimension: dimension.into(),
            class: class.into(),
            label: label.into(),
            customers: 321,
            value: 1_234_567.0,
            rule: "当前价值得分 ≥ 60.0".into(),
            playbook,
        };
    data.classes = vec![
        class(
            "value_class",
            "most_valuable",
            "最有价值客户",
            vec![
                ("goal".into(), "保持并深化合作".into()),
                ("service_level".into(), "专属客户经理".into()),
                ("contact_frequency".into(), "每月拜访".into()),
                ("account_manager".into(), "资深客户经理".into()),
                ("discount_policy".into(), "年度框架价格".into()),
                ("cross_sell".into(), "推荐新品".into()),
                ("retention".into(), "季度业务回顾".into()),
                ("abandonment".into(), "不适用".into()),
            ],
        ),
        class("value_class", "negative_value", "负值客户", Vec::new()),
        class("potential_tier", "high", "高潜力", Vec::new()),
        class("potential_tier", "medium", "", Vec::new()),
        class("lifecycle", "declining", "衰退客户", Vec::new()),
        class("profit_loyalty", "barnacle", "藤壶", Vec::new()),
        class("cluster", "2", "2：高频小额", Vec::new()),
    ];
    data.weights = vec![
        WeightRow {
            dimension: "current".into(),
            indicator: "spend_12m".into(),
            label: "近12个月消费额".into(),
            method: "AHP".into(),
            weight: 0.45,
            direction: "benefit".into(),
            normalization: "minmax".into(),
        },
        WeightRow {
            dimension: "current".into(),
            indicator: "cost_to_serve".into(),
            label: "服务成本".into(),
            method: "combined".into(),
            weight: 0.2,
            direction: "cost".into(),
            normalization: "log_minmax".into(),
        },
        WeightRow {
            dimension: "potential".into(),
            indicator: "wallet_gap".into(),
            label: "钱包份额缺口".into(),
            method: "entropy".into(),
            weight: 0.35,
            direction: "benefit".into(),
            normalization: "zscore".into(),
        },
    ];
    data.weight_notes = vec![WeightNote {
        dimension: "current".into(),
        note: "AHP, CR = 0.030".into(),
    }];
    data.budget = vec![
        BudgetRow {
            class: "most_valuable".into(),
            label: "最有价值客户".into(),
            amount: 600_000.0,
            share: 0.6,
            basis: "value".into(),
        },
        BudgetRow {
            class: "secondary".into(),
            label: "二级客户".into(),
            amount: 400_000.0,
            share: 0.4,
            basis: "clv".into(),
        },
    ];
    for (i, c) in data.top_customers.iter_mut().enumerate() {
        c.name = format!("上海华东精密机械制造股份有限公司第{}分公司", i + 1);
        c.value_class = "最有价值客户".into();
        c.lifecycle = "忠诚客户".into();
        c.actions = vec!["季度业务回顾（最有价值客户）".into()];
    }
    data.alerts = vec!["12 个 A 类客户活跃概率下降".into()];
    data.notes = vec!["配置提示：未知键已忽略".into()];
    let d = &mut data.dynamics;
    for (a, rule) in d.alerts.iter_mut().zip([
        "key_account_dropped",
        "spend_drop",
        "p_alive_low",
        "key_account_risky",
    ]) {
        a.rule = rule.into();
        a.name = Some("北京某某信息技术有限公司华北区域销售与服务中心".into());
        a.explain = "消费较去年同期下降 62%".into();
        a.action = "两周内客户经理拜访".into();
    }
    d.overrides[1].reason = "战略调整".into();
    d.overrides[0].author = "王经理".into();
    d.overrides[1].author = "张敏".into();
    if let Some(b) = d.backtest.as_mut() {
        b.methods.truncate(3);
        b.explain = "综合得分对实际价值的排序效果最好（基尼系数 0.623）".into();
    }
    data
}

/// The Latin strings of [`chinese`]'s data itself, which a Chinese report shows as they are:
/// customer ids and the CLV model's parameter symbols (r, a, b, from the literature).
pub fn own_latin(data: &ReportData) -> Vec<String> {
    let mut own: Vec<String> = data
        .top_customers
        .iter()
        .map(|c| c.customer_id.clone())
        .chain(data.dynamics.alerts.iter().map(|a| a.customer_id.clone()))
        .chain(
            data.dynamics
                .overrides
                .iter()
                .map(|o| o.customer_id.clone()),
        )
        .collect();
    if let Some(m) = &data.run.clv_model {
        own.extend(m.parameters.iter().map(|(name, _)| name.clone()));
    }
    own
}
