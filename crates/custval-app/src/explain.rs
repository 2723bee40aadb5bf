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
    /// Why P(alive) is absent, when the run says (issue 17: a fit with no drop-out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_alive_note: Option<String>,
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
    /// What the CLV is made of (`None` without a CLV, or in runs stored before issue 17).
    pub clv_parts: Option<ClvPartsOut>,
    /// The profit waterfall of the 12 months to `as_of` (`None` in runs stored before
    /// issue 17).
    pub profit: Option<ProfitOut>,
    /// Set when the figures above are a provisional update's, not the run's (see
    /// [`crate::provisional`]); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisional: Option<crate::provisional::Mark>,
}

/// `CLV = expected purchases × discount factor × expected spend × margin − cost to serve`,
/// with the figures the run used and the model they came from.
#[derive(Debug, Clone, Serialize)]
pub struct ClvPartsOut {
    pub formula: String,
    /// The purchase model of the run, and its holdout mean absolute error per customer.
    pub model: Option<String>,
    pub holdout_mae: Option<f64>,
    /// Why the run chose that model.
    pub model_why: Option<String>,
    pub horizon_months: f64,
    /// Expected purchases over the horizon (undiscounted, P(alive) included).
    pub expected_purchases: f64,
    pub discount: DiscountOut,
    /// Expected spend per purchase.
    pub expected_spend: f64,
    /// `gamma_gamma`, or without a spend model `mean_repeat_spend` / `spend_12m`.
    pub spend_model: String,
    pub margin: f64,
    /// `customer` (its own 12-month gross margin), `company` (the company's; 1 = revenue when
    /// there is no cost of goods) or `configured` (`clv_margin`).
    pub margin_source: String,
    /// Sales + service cost of the last 12 months (`None`: no cost data).
    pub cost_12m: Option<f64>,
    /// The P(alive) the cost is weighted by (the purchase model's own).
    pub cost_p_alive: f64,
    /// `cost_12m × cost_p_alive` (0 without cost data).
    pub cost_to_serve: f64,
    /// expected purchases × discount factor × expected spend × margin.
    pub discounted_profit: f64,
    /// The run's CLV: `discounted_profit − cost_to_serve` up to the rounding of the parts
    /// kept (nine significant digits).
    pub clv: f64,
    pub explain: String,
    pub explain_zh: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiscountOut {
    /// The configured annual discount rate (applied monthly).
    pub annual_rate: f64,
    /// Discounted ÷ undiscounted expected purchases (`None` when no purchase is expected).
    pub factor: Option<f64>,
}

/// The profit waterfall, 12 months to `as_of`: revenue before returns − returns − product
/// cost − sales cost − service cost = net contribution. Amounts are positive; `None` = no data
/// for that step (not deducted).
#[derive(Debug, Clone, Serialize)]
pub struct ProfitOut {
    pub revenue: f64,
    pub returns: f64,
    pub product_cost: Option<f64>,
    pub sales_cost: Option<f64>,
    pub service_cost: Option<f64>,
    /// `None` without cost of goods.
    pub net_contribution: Option<f64>,
    /// The same as signed steps, in order, for display.
    pub steps: Vec<ProfitStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfitStep {
    /// `revenue`, `returns`, `product_cost`, `sales_cost`, `service_cost`, `net_contribution`.
    pub id: String,
    pub label: String,
    pub label_zh: String,
    /// Revenue and the net contribution as they are, deductions negative; `None`: no data.
    pub amount: Option<f64>,
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
    let (indicators, contributions) = indicator_lines(&summary, &d);
    let rules = rule_lines(&summary, r, &d);
    let plan = custval_eval::from_config::plan(&run.config)
        .ok()
        .map(|(p, _)| p);
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
        p_alive_note: p_alive_note(r, &summary),
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
        actions: match &plan {
            Some(plan) => custval_eval::classes::render_actions(&d.actions, plan, &d.cross_sell),
            None => Vec::new(),
        },
        clv_parts: d
            .clv_parts
            .as_ref()
            .map(|p| clv_parts(p, r.clv, &summary.clv, plan.as_ref().map(|p| &p.clv))),
        profit: d.profit.as_ref().map(profit),
        cross_sell: d.cross_sell,
        override_,
        tier_history: history,
        wallet: d.wallet.as_ref().map(wallet_out),
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

/// Each indicator of the run as this customer scored on it, and the points by indicator id.
fn indicator_lines(
    summary: &custval_eval::RunSummary,
    d: &Detail,
) -> (Vec<IndicatorLine>, std::collections::BTreeMap<String, f64>) {
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
    (indicators, contributions)
}

/// The rule behind the tier and each class, by classification.
fn rule_lines(
    summary: &custval_eval::RunSummary,
    r: &CustomerResult,
    d: &Detail,
) -> std::collections::BTreeMap<String, ClassLine> {
    let line = |class: &str, (rule, rule_zh): (String, String)| ClassLine {
        class: class.to_string(),
        rule,
        rule_zh,
    };
    let basis = &summary.classes.tier_basis;
    let mut rules = std::collections::BTreeMap::new();
    // The ABC cut explains the computed tier; when hysteresis kept or moved the tier against
    // the previous run, its decision comes first.
    let computed = r.raw_tier.as_deref().unwrap_or(&r.tier);
    let (mut tier_en, mut tier_zh) = (
        d.tier_rule.explain_en(computed, basis),
        d.tier_rule.explain_zh(computed, feature_zh(basis)),
    );
    if let Some(h) = &d.hysteresis {
        use custval_dynamics::Explain as _;
        tier_en = format!("{} (computed: {tier_en})", h.explain_en());
        tier_zh = format!("{}（计算结果：{tier_zh}）", h.explain_zh());
    }
    rules.insert("tier".to_string(), line(&r.tier, (tier_en, tier_zh)));
    let classes = [
        (
            "value_class",
            &r.value_class,
            d.value_rule.explain_en(),
            d.value_rule.explain_zh(),
        ),
        (
            "potential_tier",
            &r.potential_tier,
            d.potential_rule.explain_en(),
            d.potential_rule.explain_zh(),
        ),
        (
            "lifecycle",
            &r.lifecycle,
            d.lifecycle_rule.explain_en(),
            d.lifecycle_rule.explain_zh(),
        ),
        (
            "profit_loyalty",
            &r.profit_loyalty,
            d.profit_loyalty_rule.explain_en(),
            d.profit_loyalty_rule.explain_zh(),
        ),
    ];
    for (key, class, en, zh) in classes {
        rules.insert(key.to_string(), line(class, (en, zh)));
    }
    if let Some(k) = r.cluster
        && let Some(c) = summary.classes.clusters.iter().find(|c| c.id == k)
    {
        rules.insert(
            "cluster".to_string(),
            line(
                &k.to_string(),
                (c.description_en.clone(), c.description_zh.clone()),
            ),
        );
    }
    rules
}

/// Why P(alive) is not shown, when the fit cannot tell.
fn p_alive_note(r: &CustomerResult, summary: &custval_eval::RunSummary) -> Option<String> {
    match (r.p_alive, &summary.clv.fitted) {
        (None, Some(f)) if !f.p_alive_identified => Some(
            "not shown: the purchase model found no drop-out in this history, so it cannot tell \
             whether a quiet customer has gone; the lifecycle stage judges recency against the \
             purchase rhythm"
                .to_string(),
        ),
        _ => None,
    }
}

fn wallet_out(w: &custval_accounts::WalletEstimate) -> WalletOut {
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
}

/// The CLV parts of a customer as shown, with the run's model and settings.
fn clv_parts(
    p: &custval_eval::breakdown::ClvParts,
    stored: Option<f64>,
    report: &custval_eval::clv::ClvReport,
    settings: Option<&custval_eval::clv::ClvSettings>,
) -> ClvPartsOut {
    let model = report
        .choice
        .as_ref()
        .map(|c| c.name.clone())
        .or_else(|| report.purchases.as_ref().map(|m| m.model.clone()));
    let holdout_mae = report
        .choice
        .as_ref()
        .and_then(|c| c.holdout_mae)
        .or_else(|| report.calibration.as_ref().map(|c| c.mae));
    let horizon_months = settings.map_or(12.0, |s| s.horizon_months);
    let annual_rate = settings.map_or(0.0, |s| s.annual_discount_rate);
    let no_cogs = report.notes.iter().any(|n| {
        n.id() == Some(custval_eval::clv::NO_COGS) || n.to_string().starts_with("no cost of goods")
    });
    let (margin_en, margin_zh) = match p.margin_from {
        custval_eval::breakdown::MarginFrom::Customer => ("its own", "自身"),
        custval_eval::breakdown::MarginFrom::Company if no_cogs => {
            ("no cost of goods: on revenue", "无产品成本数据：按收入计")
        }
        custval_eval::breakdown::MarginFrom::Company => ("the company's", "公司整体"),
        custval_eval::breakdown::MarginFrom::Configured => ("configured", "配置值"),
    };
    let (spend_en, spend_zh) = match p.spend_from {
        custval_eval::breakdown::SpendFrom::GammaGamma => ("Gamma-Gamma", "Gamma-Gamma 模型"),
        custval_eval::breakdown::SpendFrom::MeanRepeatSpend => {
            ("its mean repeat spend", "其复购平均消费")
        }
        custval_eval::breakdown::SpendFrom::Spend12m => ("its 12-month spend", "其近12个月消费"),
    };
    let model_name = model.clone().unwrap_or_else(|| "?".into());
    let model_name_zh = custval_i18n::name(
        custval_i18n::Lang::Zh,
        custval_i18n::Kind::Model,
        &model_name,
    );
    let mae = holdout_mae.map_or_else(String::new, |m| format!(", holdout MAE {m:.3}"));
    let mae_zh = holdout_mae.map_or_else(String::new, |m| format!("，留出期 MAE {m:.3}"));
    let factor = p
        .discount
        .map_or_else(|| "—".to_string(), |f| format!("{f:.3}"));
    let rate = format!("{:.1}%", annual_rate * 100.0);
    let cost = match p.cost_12m {
        Some(c) => format!(
            "{} cost to serve ({} × P(alive) {:.3})",
            num(p.cost_to_serve(), 2),
            num(c, 2),
            p.cost_weight
        ),
        None => "0 cost to serve (no cost data)".to_string(),
    };
    let cost_zh = match p.cost_12m {
        Some(c) => format!(
            "服务成本 {}（{} × 存活概率 {:.3}）",
            num(p.cost_to_serve(), 2),
            num(c, 2),
            p.cost_weight
        ),
        None => "服务成本 0（无成本数据）".to_string(),
    };
    let clv = stored.unwrap_or_else(|| p.clv());
    ClvPartsOut {
        formula:
            "CLV = expected purchases × discount factor × expected spend × margin − cost to serve"
                .into(),
        explain: format!(
            "CLV = {:.3} expected purchases in {horizon_months} months ({model_name}{mae}) × {factor} discount factor ({rate} a year) × {} expected spend ({spend_en}) × {:.3} margin ({margin_en}) − {cost} = {}",
            p.purchases,
            num(p.spend, 2),
            p.margin,
            num(clv, 2)
        ),
        explain_zh: format!(
            "CLV = 预计购买次数 {:.3}（{horizon_months} 个月，{model_name_zh}{mae_zh}）× 折现系数 {factor}（年折现率 {rate}）× 预计单次消费 {}（{spend_zh}）× 毛利率 {:.3}（{margin_zh}）− {cost_zh} = {}",
            p.purchases,
            num(p.spend, 2),
            p.margin,
            num(clv, 2)
        ),
        model,
        holdout_mae,
        model_why: report.choice.as_ref().map(|c| c.why.clone()),
        horizon_months,
        expected_purchases: p.purchases,
        discount: DiscountOut {
            annual_rate,
            factor: p.discount,
        },
        expected_spend: p.spend,
        spend_model: p.spend_from.id().to_string(),
        margin: p.margin,
        margin_source: p.margin_from.id().to_string(),
        cost_12m: p.cost_12m,
        cost_p_alive: p.cost_weight,
        cost_to_serve: p.cost_to_serve(),
        discounted_profit: p.discounted_profit(),
        clv,
    }
}

/// The stored waterfall as shown.
fn profit(w: &custval_eval::breakdown::Profit) -> ProfitOut {
    let step = |id: &str, en: &str, zh: &str, amount: Option<f64>| ProfitStep {
        id: id.into(),
        label: en.into(),
        label_zh: zh.into(),
        amount,
    };
    // `0.0 - x`, not `-x`: no "-0.0" in the JSON.
    let neg = |v: Option<f64>| v.map(|x| 0.0 - x);
    ProfitOut {
        revenue: w.revenue,
        returns: w.returns,
        product_cost: w.product_cost,
        sales_cost: w.sales_cost,
        service_cost: w.service_cost,
        net_contribution: w.net,
        steps: vec![
            step(
                "revenue",
                "Revenue (before returns)",
                "收入（退货前）",
                Some(w.revenue),
            ),
            step("returns", "Returns", "退货", Some(0.0 - w.returns)),
            step(
                "product_cost",
                "Product cost",
                "产品成本",
                neg(w.product_cost),
            ),
            step("sales_cost", "Sales cost", "销售成本", neg(w.sales_cost)),
            step(
                "service_cost",
                "Service cost",
                "服务成本",
                neg(w.service_cost),
            ),
            step("net_contribution", "Net contribution", "净贡献", w.net),
        ],
    }
}

/// A built-in feature's Chinese name (`spend_12m` → 近12个月消费额); other ids as given.
fn feature_zh(id: &str) -> &str {
    custval_config::BUILTIN_FEATURES
        .iter()
        .find(|f| f.id == id)
        .map_or(id, |f| f.label_zh)
}
