//! A validated `custval.toml` (crate `custval-config`) as an evaluation [`Plan`].
//!
//! The config crate has already checked everything that can be checked without data (names,
//! formulas and their types, weights summing to 1, AHP consistency); this adapter only maps
//! its types onto the engine's and wraps the compiled formulas in closures.

use std::sync::Arc;

use custval_config::{
    self as cfg, ClvModel, MissingRule, Normalization, ResolvedWeights, TierMethod, TimeUnit,
    Validated,
};

use custval_i18n::Note;

use crate::clv::ClvSettings;
use crate::pipeline::HOLDOUT_DAYS;
use crate::plan::{
    ActionPlan, BudgetPlan, ClassPlan, Dimension, IndicatorPlan, Objective, Plan, PlaybookPlan,
    TierPlan, WeightPlan,
};
use crate::scoring::{Direction, Missing, Norm};

fn weight_plan(w: &ResolvedWeights) -> WeightPlan {
    let ahp_note = |cr: f64| Note::msg("note-prior-ahp").arg("cr", format!("{cr:.3}"));
    let note = match (&w.ahp, w.method) {
        (Some(a), _) => ahp_note(a.result.cr),
        (None, cfg::WeightMethod::Expert) => Note::msg("note-prior-expert"),
        (None, cfg::WeightMethod::Equal) => Note::msg("note-prior-equal"),
        (None, m) => Note::from(m.as_str()),
    };
    if let (Some(days), Some(prior)) = (w.calibrate_days, w.subjective.clone()) {
        return WeightPlan::Calibrated {
            prior,
            note: match &w.ahp {
                Some(a) => ahp_note(a.result.cr),
                None => Note::msg("note-prior-expert"),
            },
            alpha: w.alpha,
            horizon_days: i32::try_from(days).unwrap_or(365),
        };
    }
    match (w.subjective.clone(), w.objective) {
        (Some(s), None) => WeightPlan::Given { weights: s, note },
        (None, Some(cfg::Objective::Entropy)) => WeightPlan::Entropy,
        (None, Some(cfg::Objective::Critic)) => WeightPlan::Critic,
        (Some(s), Some(o)) => WeightPlan::Combined {
            subjective: s,
            note: match &w.ahp {
                Some(a) => ahp_note(a.result.cr),
                None => Note::msg("note-prior-expert"),
            },
            objective: match o {
                cfg::Objective::Entropy => Objective::Entropy,
                cfg::Objective::Critic => Objective::Critic,
            },
            alpha: w.alpha,
        },
        (None, None) => {
            let n = w.indicators.len().max(1);
            WeightPlan::Given {
                weights: vec![1.0 / n as f64; w.indicators.len()],
                note: Note::msg("note-prior-equal"),
            }
        }
    }
}

/// The plan of a validated config.
pub fn from_validated(v: &Validated) -> Plan {
    let c = &v.config;
    let indicators = indicator_plans(v);
    let actions = action_plans(v);
    let playbooks = playbook_plans(c);
    let e = &c.evaluation;
    Plan {
        indicators,
        weights_current: weight_plan(&v.current),
        weights_potential: weight_plan(&v.potential),
        current_weight: e.current_weight,
        potential_weight: e.potential_weight,
        clv: clv_settings(e),
        tiers: TierPlan {
            basis: c.tiers.basis.clone(),
            by_count: c.tiers.method == TierMethod::Count,
            a: c.tiers.a,
            b: c.tiers.b,
            loss_makers_top_tier: c.tiers.loss_makers_top_tier,
        },
        classes: class_plan(&c.classes),
        playbooks,
        actions,
        budget: (c.budget.total > 0.0).then(|| BudgetPlan {
            total: c.budget.total,
            basis: c.budget.basis.as_str().to_string(),
            by: c.budget.by.clone(),
        }),
        hysteresis: c.hysteresis,
        accounts: c.accounts.clone(),
        alerts: c.alerts.clone(),
        webhook: (!c.webhook.url.is_empty()).then(|| {
            (
                c.webhook.url.clone(),
                c.webhook
                    .min_severity
                    .clone()
                    .unwrap_or_else(|| "warning".into()),
            )
        }),
    }
}

/// The plan's indicators: each config indicator with its compiled formula as a closure.
fn indicator_plans(v: &Validated) -> Vec<IndicatorPlan> {
    let c = &v.config;
    c.indicators
        .iter()
        .zip(&v.indicators)
        .map(|(ind, compiled)| {
            let f = compiled.formula.clone();
            IndicatorPlan {
                id: ind.id.clone(),
                name_en: ind.label_en().to_string(),
                name_zh: ind.label_zh().to_string(),
                unit: ind.unit.clone(),
                dimension: match ind.dimension {
                    cfg::Dimension::Current => Dimension::Current,
                    cfg::Dimension::Potential => Dimension::Potential,
                },
                direction: match ind.direction {
                    cfg::Direction::Benefit => Direction::Benefit,
                    cfg::Direction::Cost => Direction::Cost,
                },
                norm: match ind.normalization {
                    Normalization::Minmax => Norm::Minmax,
                    Normalization::Rank => Norm::Rank,
                    Normalization::Zscore => Norm::Zscore,
                    Normalization::LogMinmax => Norm::LogMinmax,
                    Normalization::None => Norm::None,
                },
                missing: match ind.missing {
                    MissingRule::Zero => Missing::Zero,
                    MissingRule::Median => Missing::Median,
                    MissingRule::Min => Missing::Min,
                    MissingRule::Worst => Missing::Worst,
                    MissingRule::Exclude => Missing::Exclude,
                },
                formula_text: ind.formula_text().to_string(),
                formula: Arc::new(move |nums: &[f64], texts: &[&str]| f.eval_number(nums, texts)),
            }
        })
        .collect()
}

/// The plan's action rules, each with its compiled condition and the variables it reads.
fn action_plans(v: &Validated) -> Vec<ActionPlan> {
    let c = &v.config;
    c.actions
        .iter()
        .zip(&v.actions)
        .map(|(a, compiled)| {
            let f = compiled.when.clone();
            ActionPlan {
                id: a.id.clone(),
                when_text: a.when.clone(),
                variables: compiled
                    .when
                    .variables()
                    .iter()
                    .map(|v| v.name.clone())
                    .collect(),
                when: Arc::new(move |nums: &[f64], texts: &[&str]| f.eval_bool(nums, texts)),
                text_en: a.text.clone(),
                text_zh: if a.text_zh.is_empty() {
                    a.text.clone()
                } else {
                    a.text_zh.clone()
                },
                priority: i64::from(a.priority),
                family: a.family.clone(),
            }
        })
        .collect()
}

/// The plan's playbooks (those naming a class), Chinese texts defaulting to English.
fn playbook_plans(c: &cfg::Config) -> Vec<PlaybookPlan> {
    c.playbooks
        .iter()
        .filter_map(|p| {
            let (var, value) = p.class_parts()?;
            Some(PlaybookPlan {
                variable: var.to_string(),
                value: value.to_string(),
                fields: p
                    .fields()
                    .into_iter()
                    .map(|(f, en, zh)| {
                        (
                            f.to_string(),
                            en.to_string(),
                            if zh.is_empty() {
                                en.to_string()
                            } else {
                                zh.to_string()
                            },
                        )
                    })
                    .collect(),
                family: p.family.clone(),
            })
        })
        .collect()
}

/// The CLV settings of the `[evaluation]` table.
fn clv_settings(e: &cfg::Evaluation) -> ClvSettings {
    ClvSettings {
        model: match e.clv_model {
            ClvModel::Auto => None,
            ClvModel::Bgnbd => Some(custval_clv::Model::BgNbd),
            ClvModel::Mbgnbd => Some(custval_clv::Model::MbgNbd),
            ClvModel::Pnbd => Some(custval_clv::Model::ParetoNbd),
        },
        unit: match e.time_unit {
            TimeUnit::Day => custval_clv::TimeUnit::Day,
            TimeUnit::Week => custval_clv::TimeUnit::Week,
            TimeUnit::Month => custval_clv::TimeUnit::Month,
        },
        horizon_months: f64::from(e.clv_horizon_months),
        annual_discount_rate: e.annual_discount_rate,
        margin: match e.margin {
            cfg::Margin::Observed => None,
            cfg::Margin::Fixed(m) => Some(m),
        },
        holdout_days: HOLDOUT_DAYS,
    }
}

/// The class settings of the `[classes]` table.
fn class_plan(c: &cfg::Classes) -> ClassPlan {
    let l = &c.lifecycle;
    ClassPlan {
        value_high_quantile: c.value_high_quantile,
        potential_high_quantile: c.potential_high_quantile,
        potential_tier_high: c.potential_tier_high,
        potential_tier_medium: c.potential_tier_medium,
        cluster_features: c.cluster_features.clone(),
        k_min: c.k_min as usize,
        k_max: c.k_max as usize,
        seed: c.seed,
        profit_measure: c.profit_measure.clone(),
        loyalty_measure: c.loyalty_measure.clone(),
        profit_quantile: c.profit_quantile,
        loyalty_quantile: c.loyalty_quantile,
        lifecycle: custval_classify::LifecycleThresholds {
            new_days: l.new_days,
            churn_p_alive: l.churn_p_alive,
            churn_recency_days: l.churn_recency_days,
            decline_p_alive: l.decline_p_alive,
            decline_spend_growth: l.decline_spend_growth,
            loyal_tenure_days: l.loyal_tenure_days,
            loyal_orders_12m: l.loyal_orders_12m,
            loyal_p_alive: l.loyal_p_alive,
            lapse_ratio: l.lapse_ratio,
            churn_ratio: l.churn_ratio,
        },
    }
}

/// Parses, validates and converts a config text; returns the plan and the warnings.
pub fn plan(text: &str) -> Result<(Plan, Vec<String>), custval_config::ConfigError> {
    let v = custval_config::load(text)?;
    let warnings = v.warnings.iter().map(ToString::to_string).collect();
    Ok((from_validated(&v), warnings))
}

/// Playbook lines per "variable:value" of a stored config, for reports (empty if the stored
/// text no longer parses).
pub fn playbook_lines(text: &str, zh: bool) -> Vec<(String, Vec<(String, String)>)> {
    let Ok(c) = custval_config::parse(text) else {
        return Vec::new();
    };
    c.playbooks
        .iter()
        .map(|p| {
            (
                p.class.clone(),
                p.fields()
                    .into_iter()
                    .map(|(f, en, cn)| {
                        (
                            f.to_string(),
                            if zh && !cn.is_empty() { cn } else { en }.to_string(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}
