//! One customer's result with everything that explains it: what `customer show --format json`
//! prints and what `GET /api/v1/customers/{id}` returns, so the two can never disagree.
//!
//! The explanation is rebuilt from what the run stored — the indicator definitions and
//! normalization parameters in the run summary, and the customer's raw values, normalized
//! values, points, rules and actions in its detail — never recomputed from today's data, so it
//! is the explanation of that run.

use custval_classify::Explain;
use custval_eval::classes::{Action, Detail};
use custval_model::{CustomerResult, RunInfo};
use custval_store::{Override, TierPoint};
use serde::Serialize;

use custval_export::grouped as num;

use crate::AppError;

#[derive(Debug, Serialize)]
pub struct IndicatorLine {
    pub id: String,
    pub name: String,
    pub name_zh: String,
    pub dimension: String,
    pub raw: Option<f64>,
    pub normalized: Option<f64>,
    /// Weight within its dimension.
    pub weight: f64,
    /// Points of the total score.
    pub points: f64,
    pub how: String,
}

#[derive(Debug, Serialize)]
pub struct ClassLine {
    pub class: String,
    pub rule: String,
    pub rule_zh: String,
}

#[derive(Debug, Serialize)]
pub struct OverrideOut {
    pub tier: String,
    pub reason: String,
    pub author: String,
    pub until: Option<String>,
    pub created_at: String,
    pub computed_tier: String,
}

#[derive(Debug, Serialize)]
pub struct Shown {
    pub customer_id: String,
    pub name: Option<String>,
    pub industry: Option<String>,
    pub owner: Option<String>,
    pub run: i64,
    pub as_of: String,
    pub score: f64,
    pub value_score: f64,
    pub potential_score: f64,
    pub tier: String,
    pub class: String,
    pub potential_tier: String,
    pub lifecycle_stage: String,
    pub profit_loyalty: String,
    pub cluster: Option<u32>,
    pub rfm_segment: Option<String>,
    pub clv: Option<f64>,
    pub p_alive: Option<f64>,
    pub spend_12m: Option<f64>,
    /// Indicator id → points of the total score.
    pub contributions: std::collections::BTreeMap<String, f64>,
    pub indicators: Vec<IndicatorLine>,
    pub score_formula: String,
    pub rules: std::collections::BTreeMap<String, ClassLine>,
    pub actions: Vec<Action>,
    pub cross_sell: Vec<String>,
    #[serde(rename = "override")]
    pub override_: Option<OverrideOut>,
    pub tier_history: Vec<TierPoint>,
    /// Where share of wallet and wallet gap come from (key accounts and growth customers).
    pub wallet: Option<WalletOut>,
    /// Why each cross-sell category (peers' penetration or an association rule's figures).
    pub cross_sell_reasons: Vec<Reason>,
    /// Risk level (`low`, `medium`, `high`) and the rules that fired; `None` when none did.
    pub risk: Option<RiskOut>,
    /// Data-driven SWOT suggestions for an account plan (customers in the plan tiers).
    pub swot_suggestions: Vec<custval_accounts::SwotSuggestion>,
    /// Set when the figures above are a provisional update's, not the run's (see
    /// [`crate::provisional`]); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisional: Option<crate::provisional::Mark>,
}

/// A sentence in both languages.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    pub en: String,
    pub zh: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WalletOut {
    pub wallet: Option<f64>,
    pub share_of_wallet: Option<f64>,
    pub wallet_gap: Option<f64>,
    /// `known` (imported), `peers` (estimated) or `none`.
    pub source: String,
    pub explain: String,
    pub explain_zh: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskOut {
    pub level: String,
    pub evidence: Vec<custval_accounts::RiskEvidence>,
}

fn how(p: &custval_eval::scoring::NormParams) -> String {
    use custval_eval::scoring::Norm;
    let dir = match p.direction {
        custval_eval::scoring::Direction::Benefit => "more is better",
        custval_eval::scoring::Direction::Cost => "less is better",
    };
    let norm = match p.norm {
        Norm::Minmax => format!(
            "min-max between {} and {} (1st–99th percentile)",
            num(p.lo, 2),
            num(p.hi, 2)
        ),
        Norm::LogMinmax => format!("min-max of ln(1+x) between {:.3} and {:.3}", p.lo, p.hi),
        Norm::Rank => format!("percentile rank among {} customers", p.known),
        Norm::Zscore => format!(
            "normal CDF of the z-score (mean {:.3}, sd {:.3})",
            p.mean, p.sd
        ),
        Norm::None => "taken as is (0–1)".into(),
    };
    let missing = match p.imputed {
        Some(v) => format!("; missing → {}", num(v, 3)),
        None => format!("; missing → {:?}", p.missing).to_lowercase(),
    };
    format!("{norm}, {dir}{missing}")
}

/// How an indicator of the run was scored, or why it was left out of the run.
fn how_used(ind: &custval_eval::engine::IndicatorUsed) -> String {
    match &ind.excluded {
        Some(why) => format!(
            "excluded from this run: {why}; its weight went to the other indicators of its dimension"
        ),
        None => how(&ind.params),
    }
}

/// The explanation of `r`, a result of `run`, with the override in force and the tier
/// history.
pub fn explain(
    run: &RunInfo,
    r: &CustomerResult,
    ov: Option<Override>,
    history: Vec<TierPoint>,
) -> Result<Shown, AppError> {
    let summary = crate::summary(run)?;
    let d: Detail = serde_json::from_str(&r.detail).map_err(|e| AppError::Detail {
        run: run.id,
        customer: r.customer_id.clone(),
        source: e,
    })?;
    let mut indicators = Vec::new();
    let mut contributions = std::collections::BTreeMap::new();
    for (j, ind) in summary.indicators.iter().enumerate() {
        let points = d.points.get(j).copied().unwrap_or(0.0);
        contributions.insert(ind.id.clone(), points);
        indicators.push(IndicatorLine {
            id: ind.id.clone(),
            name: ind.name_en.clone(),
            name_zh: ind.name_zh.clone(),
            dimension: format!("{:?}", ind.dimension).to_lowercase(),
            raw: d.raw.get(j).copied().flatten(),
            normalized: d.norm.get(j).copied().flatten(),
            weight: ind.weight,
            points,
            how: how_used(ind),
        });
    }
    let basis = &summary.classes.tier_basis;
    let mut rules = std::collections::BTreeMap::new();
    // The ABC cut explains the computed tier; when hysteresis kept or moved the tier against
    // the previous run, its decision comes first.
    let computed = r.raw_tier.as_deref().unwrap_or(&r.tier);
    let (mut tier_en, mut tier_zh) = (
        d.tier_rule.explain_en(computed, basis),
        d.tier_rule.explain_zh(computed, basis),
    );
    if let Some(h) = &d.hysteresis {
        use custval_dynamics::Explain as _;
        tier_en = format!("{} (computed: {tier_en})", h.explain_en());
        tier_zh = format!("{}（计算结果：{tier_zh}）", h.explain_zh());
    }
    rules.insert(
        "tier".to_string(),
        ClassLine {
            class: r.tier.clone(),
            rule: tier_en,
            rule_zh: tier_zh,
        },
    );
    rules.insert(
        "value_class".to_string(),
        ClassLine {
            class: r.value_class.clone(),
            rule: d.value_rule.explain_en(),
            rule_zh: d.value_rule.explain_zh(),
        },
    );
    rules.insert(
        "potential_tier".to_string(),
        ClassLine {
            class: r.potential_tier.clone(),
            rule: d.potential_rule.explain_en(),
            rule_zh: d.potential_rule.explain_zh(),
        },
    );
    rules.insert(
        "lifecycle".to_string(),
        ClassLine {
            class: r.lifecycle.clone(),
            rule: d.lifecycle_rule.explain_en(),
            rule_zh: d.lifecycle_rule.explain_zh(),
        },
    );
    rules.insert(
        "profit_loyalty".to_string(),
        ClassLine {
            class: r.profit_loyalty.clone(),
            rule: d.profit_loyalty_rule.explain_en(),
            rule_zh: d.profit_loyalty_rule.explain_zh(),
        },
    );
    if let Some(k) = r.cluster
        && let Some(c) = summary.classes.clusters.iter().find(|c| c.id == k)
    {
        rules.insert(
            "cluster".to_string(),
            ClassLine {
                class: k.to_string(),
                rule: c.description_en.clone(),
                rule_zh: c.description_zh.clone(),
            },
        );
    }
    let override_ = ov.map(|o| OverrideOut {
        tier: o.tier,
        reason: o.reason,
        author: o.author,
        until: o.until.map(custval_eval::format_day),
        created_at: o.created_at,
        computed_tier: r.tier.clone(),
    });
    Ok(Shown {
        customer_id: r.customer_id.clone(),
        name: r.name.clone(),
        industry: r.industry.clone(),
        owner: r.owner.clone(),
        run: run.id,
        as_of: custval_eval::format_day(run.as_of),
        score: r.score,
        value_score: r.value_score,
        potential_score: r.potential_score,
        tier: override_
            .as_ref()
            .map_or_else(|| r.tier.clone(), |o| o.tier.clone()),
        class: r.value_class.clone(),
        potential_tier: r.potential_tier.clone(),
        lifecycle_stage: r.lifecycle.clone(),
        profit_loyalty: r.profit_loyalty.clone(),
        cluster: r.cluster,
        rfm_segment: r.rfm_segment.clone(),
        clv: r.clv,
        p_alive: r.p_alive,
        spend_12m: r.spend_12m,
        contributions,
        indicators,
        score_formula: format!(
            "score = {} × current value score ({:.1}) + {} × potential score ({:.1}) = {:.1}; each indicator's points = 100 × weight × normalized value × dimension weight",
            summary.current_weight,
            r.value_score,
            summary.potential_weight,
            r.potential_score,
            r.score
        ),
        rules,
        actions: match custval_eval::from_config::plan(&run.config) {
            Ok((plan, _)) => {
                custval_eval::classes::render_actions(&d.actions, &plan, &d.cross_sell)
            }
            Err(_) => Vec::new(),
        },
        cross_sell: d.cross_sell,
        override_,
        tier_history: history,
        wallet: d.wallet.as_ref().map(|w| {
            use custval_accounts::Explain as _;
            WalletOut {
                wallet: w.wallet,
                share_of_wallet: w.share_of_wallet,
                wallet_gap: w.wallet_gap,
                source: match w.source {
                    custval_accounts::WalletSource::Known => "known",
                    custval_accounts::WalletSource::Peers { .. } => "peers",
                    custval_accounts::WalletSource::None { .. } => "none",
                }
                .to_string(),
                explain: w.explain_en(),
                explain_zh: w.explain_zh(),
            }
        }),
        cross_sell_reasons: d
            .cross_sell_why
            .iter()
            .map(|(en, zh)| Reason {
                en: en.clone(),
                zh: zh.clone(),
            })
            .collect(),
        risk: d.risk.as_ref().map(|a| RiskOut {
            level: a.level.id().to_string(),
            evidence: a.evidence.clone(),
        }),
        swot_suggestions: d.swot.clone(),
        provisional: None,
    })
}
