//! Fills the report's input from a stored run: the run summary (JSON meta) and the results.
//!
//! All numbers come from the run as stored; this module only aggregates (Pareto curve, CLV
//! histogram, sampled scatter) and picks labels, so the report shows what `customer show`
//! and `customers list` show.

use custval_classify::{LifecycleStage, PotentialTier, ProfitLoyaltyClass, ValueClass};
use custval_eval::RunSummary;
use custval_model::{CustomerResult, RunInfo};
use custval_report::{
    BudgetRow, CalibrationRow, ClassRow, ClvModel, HistogramBin, Lang, ReportData, RfmHeatmap,
    Scatter, ScatterPoint, TierRow, TopCustomer, WeightNote, WeightRow,
};

/// Most points drawn in the scatter (sampled evenly by rank).
const SCATTER_POINTS: usize = 3000;
/// Points of the Pareto curve.
const PARETO_POINTS: usize = 200;

fn label(dimension: &str, id: &str, zh: bool) -> String {
    let found = match dimension {
        "value_class" => ValueClass::ALL
            .iter()
            .find(|c| c.id() == id)
            .map(|c| (c.label_en(), c.label_zh())),
        "lifecycle" => LifecycleStage::ALL
            .iter()
            .find(|c| c.id() == id)
            .map(|c| (c.label_en(), c.label_zh())),
        "potential_tier" => PotentialTier::ALL
            .iter()
            .find(|c| c.id() == id)
            .map(|c| (c.label_en(), c.label_zh())),
        "profit_loyalty" => ProfitLoyaltyClass::ALL
            .iter()
            .find(|c| c.id() == id)
            .map(|c| (c.label_en(), c.label_zh())),
        _ => None,
    };
    match found {
        Some((en, cn)) => (if zh { cn } else { en }).to_string(),
        None => id.to_string(),
    }
}

fn class_rule(dimension: &str, class: &str, s: &RunSummary, lang: Lang) -> String {
    use custval_report::Msg;
    let c = &s.classes;
    let one = |x: f64| format!("{x:.1}");
    let (v, p) = (one(c.value_cut), one(c.potential_cut));
    let (hi, mid) = (one(c.potential_tier_cuts.0), one(c.potential_tier_cuts.1));
    let (v, p, hi, mid) = (v.as_str(), p.as_str(), hi.as_str(), mid.as_str());
    let f = |m: Msg, args: &[(&str, &str)]| m.fill(lang, args);
    match (dimension, class) {
        ("value_class", "negative_value") => Msg::RuleNegativeValue.text(lang).to_string(),
        ("value_class", "most_valuable") => f(Msg::RuleMostValuable, &[("value", v)]),
        ("value_class", "secondary") => f(Msg::RuleSecondary, &[("value", v), ("potential", p)]),
        ("value_class", "maintain") => f(Msg::RuleMaintain, &[("value", v), ("potential", p)]),
        ("potential_tier", "high") => f(Msg::RulePotentialHigh, &[("high", hi)]),
        ("potential_tier", "medium") => {
            f(Msg::RulePotentialMedium, &[("medium", mid), ("high", hi)])
        }
        ("potential_tier", "low") => f(Msg::RulePotentialLow, &[("medium", mid)]),
        ("profit_loyalty", k) => {
            let op = |yes: bool| if yes { "≥" } else { "<" };
            let (profit, loyalty) = (
                format!("{:.2}", c.profit_cut),
                format!("{:.0}", c.loyalty_cut),
            );
            f(
                Msg::RuleProfitLoyalty,
                &[
                    ("profit_op", op(matches!(k, "true_friend" | "butterfly"))),
                    ("profit", profit.as_str()),
                    ("loyalty_op", op(matches!(k, "true_friend" | "barnacle"))),
                    ("loyalty", loyalty.as_str()),
                ],
            )
        }
        ("lifecycle", _) => Msg::RuleLifecycle.text(lang).to_string(),
        ("cluster", _) => c.cluster_selection.render(lang),
        _ => String::new(),
    }
}

/// Builds the report input. `playbooks` maps "variable:value" to (field, text) lines.
pub fn build(
    run: &RunInfo,
    summary: &RunSummary,
    results: &[CustomerResult],
    playbooks: &[(String, Vec<(String, String)>)],
    lang: Lang,
) -> ReportData {
    let zh = lang == Lang::Zh;
    ReportData {
        language: lang,
        run: custval_report::RunInfo {
            id: run.id,
            as_of: custval_eval::format_day(run.as_of),
            created_at: local_time(&run.created_at),
            customers: run.customers,
            seconds: run.seconds,
            config_summary: config_summary(summary, lang),
            clv_model: clv_model(summary),
        },
        tiers: tier_rows(summary, results, lang),
        classes: class_rows(summary, playbooks, zh),
        pareto: pareto_curve(results),
        scatter: scatter(summary, results),
        rfm_heatmap: RfmHeatmap {
            customers: summary.classes.rfm_grid,
            mean_monetary: summary.classes.rfm_grid_monetary,
        },
        clv_histogram: clv_histogram(results),
        weights: weight_rows(summary, zh),
        weight_notes: summary
            .weights
            .iter()
            .map(|w| WeightNote {
                dimension: format!("{:?}", w.dimension).to_lowercase(),
                note: w.note.render(lang),
            })
            .collect(),
        budget: budget_rows(summary, zh),
        top_customers: top_customers(run, results, zh),
        alerts: Vec::new(),
        notes: summary.notes.iter().map(|n| n.render(lang)).collect(),
        dynamics: custval_report::Dynamics::default(),
    }
}

/// Net spend over the last 12 months, returns netted, never below zero: the value the
/// report's shares and curves are of.
fn spend(r: &CustomerResult) -> f64 {
    r.spend_12m.unwrap_or(0.0).max(0.0)
}

/// The run's RFC 3339 creation stamp in this machine's local time (`YYYY-MM-DD HH:MM:SS`), which
/// the report writes as a date and time in its language; a stamp that does not parse is kept.
fn local_time(stamp: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| stamp.to_string())
}

/// The tier basis as a reader says it: the default `spend_12m` by name, any other basis (an
/// indicator or result variable the user chose) as written in custval.toml.
fn basis_name(basis: &str, lang: Lang) -> String {
    match basis {
        "spend_12m" => custval_report::Msg::TierRuleSpend.text(lang).to_string(),
        other => other.to_string(),
    }
}

fn tier_rows(summary: &RunSummary, results: &[CustomerResult], lang: Lang) -> Vec<TierRow> {
    use custval_report::Msg;
    let total_spend: f64 = results.iter().map(spend).sum();
    custval_model::TIERS
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let (n, v) = results
                .iter()
                .filter(|r| r.tier == *t)
                .fold((0u64, 0.0), |(n, v), r| (n + 1, v + spend(r)));
            let cut = summary.classes.tier_cuts.get(k).copied().unwrap_or(1.0);
            let basis = basis_name(&summary.classes.tier_basis, lang);
            TierRow {
                tier: (*t).to_string(),
                customers: n,
                value: v,
                value_share: if total_spend > 0.0 {
                    v / total_spend
                } else {
                    0.0
                },
                rule: Msg::TierRule.fill(
                    lang,
                    &[
                        ("basis", basis.as_str()),
                        ("cut", format!("{:.0}%", 100.0 * cut).as_str()),
                    ],
                ),
            }
        })
        .collect()
}

fn class_rows(
    summary: &RunSummary,
    playbooks: &[(String, Vec<(String, String)>)],
    zh: bool,
) -> Vec<ClassRow> {
    let mut classes = Vec::new();
    for dim in [
        "value_class",
        "potential_tier",
        "lifecycle",
        "profit_loyalty",
        "cluster",
    ] {
        let Some(counts) = summary.classes.counts.get(dim) else {
            continue;
        };
        for (class, (n, s, _)) in counts {
            let key = format!("{dim}:{class}");
            let playbook = playbooks
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            let label = if dim == "cluster" {
                cluster_label(summary, class, zh)
            } else {
                label(dim, class, zh)
            };
            classes.push(ClassRow {
                dimension: dim.to_string(),
                class: class.clone(),
                label,
                customers: *n,
                value: *s,
                rule: class_rule(dim, class, summary, if zh { Lang::Zh } else { Lang::En }),
                playbook,
            });
        }
    }
    classes
}

/// A behavioural cluster's id with its description.
fn cluster_label(summary: &RunSummary, class: &str, zh: bool) -> String {
    summary
        .classes
        .clusters
        .iter()
        .find(|c| c.id.to_string() == *class)
        .map(|c| {
            format!(
                "{class}: {}",
                if zh {
                    &c.description_zh
                } else {
                    &c.description_en
                }
            )
        })
        .unwrap_or_else(|| match class {
            // Prospects: no purchases, so no behaviour to cluster.
            "none" => {
                custval_i18n::text(if zh { Lang::Zh } else { Lang::En }, "cluster-none").to_string()
            }
            _ => class.to_string(),
        })
}

/// The Pareto (Lorenz) curve of spend, at most about [`PARETO_POINTS`] points.
fn pareto_curve(results: &[CustomerResult]) -> Vec<(f64, f64)> {
    let total_spend: f64 = results.iter().map(spend).sum();
    let mut sorted: Vec<f64> = results.iter().map(spend).collect();
    sorted.sort_unstable_by(|a, b| b.total_cmp(a));
    let n = sorted.len().max(1);
    let mut pareto = vec![(0.0, 0.0)];
    let mut cum = 0.0;
    let step = (n / PARETO_POINTS).max(1);
    for (i, v) in sorted.iter().enumerate() {
        cum += v;
        if (i + 1) % step == 0 || i + 1 == sorted.len() {
            pareto.push((
                (i + 1) as f64 / n as f64,
                if total_spend > 0.0 {
                    cum / total_spend
                } else {
                    0.0
                },
            ));
        }
    }
    pareto
}

/// Value × potential, every `len / SCATTER_POINTS`-th customer.
fn scatter(summary: &RunSummary, results: &[CustomerResult]) -> Scatter {
    let stride = (results.len() / SCATTER_POINTS).max(1);
    Scatter {
        points: results
            .iter()
            .step_by(stride)
            .map(|r| ScatterPoint {
                x: r.value_score,
                y: r.potential_score,
                class: r.value_class.clone(),
            })
            .collect(),
        x_cut: summary.classes.value_cut,
        y_cut: summary.classes.potential_cut,
    }
}

/// CLV in 20 bins over the 1st–99th percentile, so that a few whales do not flatten the
/// picture; the outer bins take the tails.
fn clv_histogram(results: &[CustomerResult]) -> Vec<HistogramBin> {
    let clvs: Vec<f64> = results
        .iter()
        .filter_map(|r| r.clv)
        .filter(|v| v.is_finite())
        .collect();
    if clvs.is_empty() {
        return Vec::new();
    }
    let mut s = clvs.clone();
    s.sort_unstable_by(f64::total_cmp);
    let lo = s[s.len() / 100];
    let hi = s[(s.len() * 99 / 100).min(s.len() - 1)];
    let bins = 20usize;
    let width = ((hi - lo) / bins as f64).max(f64::MIN_POSITIVE);
    let mut counts = vec![0u64; bins];
    for v in &clvs {
        let k = (((v - lo) / width).floor().max(0.0) as usize).min(bins - 1);
        counts[k] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(k, c)| HistogramBin {
            lo: lo + k as f64 * width,
            hi: lo + (k + 1) as f64 * width,
            customers: c,
        })
        .collect()
}

fn weight_rows(summary: &RunSummary, zh: bool) -> Vec<WeightRow> {
    summary
        .indicators
        .iter()
        .map(|i| {
            let dim = format!("{:?}", i.dimension).to_lowercase();
            WeightRow {
                method: summary
                    .weights
                    .iter()
                    .find(|w| w.dimension == i.dimension)
                    .map(|w| w.method.clone())
                    .unwrap_or_default(),
                dimension: dim,
                indicator: i.id.clone(),
                label: if zh {
                    i.name_zh.clone()
                } else {
                    i.name_en.clone()
                },
                weight: i.weight,
                direction: format!("{:?}", i.params.direction).to_lowercase(),
                normalization: serde_json::to_value(i.params.norm)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            }
        })
        .collect()
}

fn budget_rows(summary: &RunSummary, zh: bool) -> Vec<BudgetRow> {
    summary
        .budget
        .as_ref()
        .map(|b| {
            b.lines
                .iter()
                .map(|(class, _, amount, share, _)| BudgetRow {
                    class: class.clone(),
                    label: label(&b.by, class, zh),
                    amount: *amount,
                    share: *share,
                    basis: b.basis.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The 50 best-scored customers with their recommended actions.
fn top_customers(run: &RunInfo, results: &[CustomerResult], zh: bool) -> Vec<TopCustomer> {
    let plan = custval_eval::from_config::plan(&run.config)
        .ok()
        .map(|(p, _)| p);
    let mut top: Vec<&CustomerResult> = results.iter().collect();
    top.sort_by(|a, b| b.score.total_cmp(&a.score));
    top.iter()
        .take(50)
        .map(|r| {
            let actions = serde_json::from_str::<custval_eval::classes::Detail>(&r.detail)
                .map(|d| match &plan {
                    Some(p) => custval_eval::classes::render_actions(&d.actions, p, &d.cross_sell)
                        .into_iter()
                        .map(|a| if zh { a.text_zh } else { a.text })
                        .collect(),
                    None => Vec::new(),
                })
                .unwrap_or_default();
            TopCustomer {
                customer_id: r.customer_id.clone(),
                name: r.name.clone().unwrap_or_default(),
                tier: r.tier.clone(),
                value_class: label("value_class", &r.value_class, zh),
                value_class_id: r.value_class.clone(),
                lifecycle: label("lifecycle", &r.lifecycle, zh),
                lifecycle_id: r.lifecycle.clone(),
                score: r.score,
                value_score: r.value_score,
                potential_score: r.potential_score,
                clv: r.clv.unwrap_or(f64::NAN),
                p_alive: r.p_alive.unwrap_or(f64::NAN),
                actions,
            }
        })
        .collect()
}

fn clv_model(summary: &RunSummary) -> Option<ClvModel> {
    summary.clv.purchases.as_ref().map(|m| ClvModel {
        name: m.model.clone(),
        parameters: m.params.clone(),
        log_likelihood: m.log_likelihood,
        converged: m.converged,
        calibration: summary.clv.calibration.as_ref().map(|c| {
            c.buckets
                .iter()
                .map(|(b, n, p, a)| CalibrationRow {
                    bucket: b.clone(),
                    customers: *n as u64,
                    predicted: *p,
                    actual: *a,
                })
                .collect()
        }),
    })
}

fn config_summary(summary: &RunSummary, lang: Lang) -> Vec<String> {
    use custval_report::Msg;
    let (current, potential) = (
        summary.current_weight.to_string(),
        summary.potential_weight.to_string(),
    );
    let mut lines = vec![
        Msg::ScoreFormula.fill(
            lang,
            &[
                ("current", current.as_str()),
                ("potential", potential.as_str()),
            ],
        ),
        Msg::IndicatorCount.fill(
            lang,
            &[("count", summary.indicators.len().to_string().as_str())],
        ),
    ];
    if let Some(c) = &summary.clv.calibration {
        let (predicted, actual, mae) = (
            format!("{:.0}", c.total_predicted),
            format!("{:.0}", c.total_actual),
            format!("{:.3}", c.mae),
        );
        lines.push(Msg::HoldoutLine.fill(
            lang,
            &[
                ("date", c.calibration_end.as_str()),
                ("predicted", predicted.as_str()),
                ("actual", actual.as_str()),
                ("mae", mae.as_str()),
            ],
        ));
    }
    lines
}

/// The report's dynamics section for `run`: the migration since the previous run, what
/// hysteresis held back, the run's most severe alerts, the overrides in force on `today`, and a
/// backtest when the caller ran one.
pub async fn dynamics<S: custval_store::Store>(
    store: &S,
    run: &RunInfo,
    summary: &RunSummary,
    lang: Lang,
    today: custval_model::Day,
    backtest: Option<&crate::dynamics::BacktestReport>,
) -> Result<custval_report::Dynamics, crate::AppError> {
    use custval_dynamics::Explain as _;
    let zh = lang == Lang::Zh;
    let pick = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
    let migration = match store.previous_run(run.as_of).await? {
        Some(prev) => {
            let m = crate::dynamics::migrations(store, prev.id, run.id).await?;
            Some(custval_report::MigrationView {
                from_run: prev.id,
                from_as_of: m.from_as_of.clone(),
                labels: m.labels.clone(),
                explain: pick(&m.explain, &m.explain_zh),
                matrix: m.matrix,
                value_share: m.value_share,
                stayed: m.stayed,
                upgraded: m.upgraded,
                downgraded: m.downgraded,
                entered: m.entered,
                left: m.left,
            })
        }
        None => None,
    };
    let hysteresis = summary
        .hysteresis
        .as_ref()
        .map(|h| pick(&h.explain_en(), &h.explain_zh()));
    let all = crate::dynamics::alerts(
        store,
        &custval_store::AlertQuery {
            run: Some(run.id),
            ..custval_store::AlertQuery::default()
        },
    )
    .await?;
    let mut counts: Vec<(String, u64)> = ["critical", "warning", "info"]
        .iter()
        .map(|s| {
            (
                s.to_string(),
                all.iter().filter(|a| a.severity == *s).count() as u64,
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    counts.shrink_to_fit();
    let mut alerts = Vec::new();
    for a in all.iter().take(REPORT_ALERTS) {
        let name = store
            .result(run.id, &a.customer_id)
            .await?
            .and_then(|r| r.name);
        alerts.push(custval_report::AlertRow {
            customer_id: a.customer_id.clone(),
            name,
            rule: a.rule.clone(),
            severity: a.severity.clone(),
            explain: pick(&a.explain, &a.explain_zh),
            action: pick(&a.action, &a.action_zh),
        });
    }
    let overrides = store
        .active_overrides(today)
        .await?
        .into_iter()
        .map(|o| custval_report::OverrideRow {
            customer_id: o.customer_id,
            tier: o.tier,
            author: o.author,
            reason: o.reason,
            until: o.until.map(custval_eval::format_day),
        })
        .collect();
    let backtest = backtest.map(|b| custval_report::BacktestView {
        as_of: b.as_of.clone(),
        horizon_days: b.horizon_days,
        customers: b.customers as u64,
        methods: b
            .methods
            .iter()
            .map(|(name, q)| custval_report::BacktestMethod {
                name: name.clone(),
                gini: q.gini,
                auc: q.auc,
                spearman: q.spearman,
                lift_by_decile: q.lift_by_decile.clone(),
                top_share: q.top_share,
            })
            .collect(),
        best: b.best.clone(),
        explain: pick(&b.explain, &b.explain_zh),
    });
    Ok(custval_report::Dynamics {
        migration,
        hysteresis,
        alert_counts: counts,
        alerts,
        overrides,
        backtest,
    })
}

/// Most alerts listed in a report (most severe first); the counts cover all of them.
const REPORT_ALERTS: usize = 50;
