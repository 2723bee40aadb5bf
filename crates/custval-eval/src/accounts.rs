//! Key-account computations inside an evaluation: wallet and share-of-wallet
//! estimates from comparable customers, cross-sell suggestions from peers and association
//! rules, and risk levels — all from `custval-accounts`, fed with this run's features.
//!
//! They run after the features and the CLV step and before the indicators, because the wallet
//! gap and the cross-sell breadth are potential indicators: a customer's estimated wallet is
//! what "strategic value" (客户份额) scores. SWOT suggestions need the classes, so the
//! per-customer detail (`details`) asks for them when it is built ([`swot`]).

use custval_accounts::{
    AccountsConfig, CrossSell, CrossSellInput, CrossSellModel, PeerWallets, RiskAssessment,
    RiskFacts, SwotFacts, SwotSuggestion, WalletEstimate, WalletInput,
};
use custval_model::{Dataset, Day};

use crate::error::EvalError;
use crate::features::{Feature, FeatureTable};

/// What the key-account step found, one entry per customer of the dataset.
pub struct AccountsOut {
    pub wallets: Vec<WalletEstimate>,
    pub cross_sell: Vec<Vec<CrossSell>>,
    pub risk: Vec<RiskAssessment>,
    /// Percentile (0–1) of each customer's gross margin among customers with a margin.
    pub margin_percentile: Vec<f64>,
    /// Share (0–1) of the customers with a known average payment delay whose delay is lower
    /// than this customer's (`NaN` without one): the `payment_delay_percentile` action rules
    /// read, so that "late" is judged against the base, not an absolute number of days.
    pub payment_delay_percentile: Vec<f64>,
}

/// Known values of a feature, ascending.
pub(crate) fn sorted_known(table: &FeatureTable, f: Feature) -> Vec<f64> {
    let mut v: Vec<f64> = col(table, f)
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    v.sort_unstable_by(f64::total_cmp);
    v
}

/// Share of `sorted` strictly below each value (`NaN` for unknown values or an empty base).
fn share_below(values: &[f64], sorted: &[f64]) -> Vec<f64> {
    values
        .iter()
        .map(|&m| {
            if !m.is_finite() || sorted.is_empty() {
                return f64::NAN;
            }
            sorted.partition_point(|x| *x < m) as f64 / sorted.len() as f64
        })
        .collect()
}

fn col(table: &FeatureTable, f: Feature) -> &[f64] {
    table.col(f)
}

fn known(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Categories each customer bought (a positive line) up to `as_of`, sorted and distinct.
fn bought(data: &Dataset, as_of: Day) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); data.customers.len()];
    for t in &data.tx {
        if t.day <= as_of && t.amount > 0.0 && t.category != custval_model::NO_CATEGORY {
            out[t.cust as usize].push(t.category);
        }
    }
    for b in &mut out {
        b.sort_unstable();
        b.dedup();
    }
    out
}

/// What the key-account step fits on the whole customer base: peer wallets and the cross-sell
/// model. A run keeps it, so that a provisional update estimates a few customers against the
/// run's peers instead of refitting on those few.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AccountsModel {
    pub wallets: PeerWallets,
    pub cross_sell: CrossSellModel,
}

fn wallet_inputs<'a>(data: &'a Dataset, table: &FeatureTable) -> Vec<WalletInput<'a>> {
    let (spend, prev, six) = (
        col(table, Feature::Spend12m),
        col(table, Feature::SpendPrev12m),
        col(table, Feature::Spend6m),
    );
    let at = |v: &[f64], c: usize| v.get(c).copied().unwrap_or(f64::NAN);
    data.customers
        .iter()
        .enumerate()
        .map(|(c, info)| WalletInput {
            industry: info.industry.as_deref(),
            size: info.size.as_deref(),
            spend_12m: at(spend, c),
            known_wallet: info.wallet.filter(|w| *w > 0.0),
            spend_prev_12m: at(prev, c),
            spend_6m: at(six, c),
        })
        .collect()
}

fn cross_sell_inputs<'a>(data: &'a Dataset, bought: &'a [Vec<u32>]) -> Vec<CrossSellInput<'a>> {
    data.customers
        .iter()
        .zip(bought)
        .map(|(info, b)| CrossSellInput {
            industry: info.industry.as_deref(),
            size: info.size.as_deref(),
            bought: b,
        })
        .collect()
}

fn accounts_err(e: custval_accounts::AccountsError) -> EvalError {
    EvalError::Plan(format!("accounts: {e}"))
}

/// Estimates wallets (filling `wallet`, `share_of_wallet`, `wallet_gap`), suggests cross-sell
/// categories (filling `cross_sell_gap` and `table.cross_sell`) and assesses risk, with models
/// fitted on `data`'s customers (returned, for the run to keep).
pub fn apply(
    data: &Dataset,
    as_of: Day,
    table: &mut FeatureTable,
    cfg: &AccountsConfig,
) -> Result<(AccountsOut, AccountsModel), EvalError> {
    let wallets =
        PeerWallets::fit(&wallet_inputs(data, table), &cfg.wallet).map_err(accounts_err)?;
    let bought = bought(data, as_of);
    let cross_sell =
        CrossSellModel::fit(&cross_sell_inputs(data, &bought), &bought, &cfg.cross_sell)
            .map_err(accounts_err)?;
    let model = AccountsModel {
        wallets,
        cross_sell,
    };
    let margins = sorted_known(table, Feature::GrossMargin12m);
    let delays = sorted_known(table, Feature::AvgPaymentDelayDays);
    let out = apply_fitted(data, as_of, table, cfg, &model, &margins, &delays);
    Ok((out, model))
}

/// [`apply`] with fitted models: each customer's wallet, cross-sell and risk depend only on
/// its own figures and the models. `sorted_margins` are the gross margins the SWOT margin
/// percentile is measured against, ascending; `sorted_delays` the same for the average
/// payment delays.
pub fn apply_fitted(
    data: &Dataset,
    as_of: Day,
    table: &mut FeatureTable,
    cfg: &AccountsConfig,
    model: &AccountsModel,
    sorted_margins: &[f64],
    sorted_delays: &[f64],
) -> AccountsOut {
    let n = data.customers.len();
    let spend: Vec<f64> = col(table, Feature::Spend12m).to_vec();
    let wallets: Vec<WalletEstimate> = wallet_inputs(data, table)
        .iter()
        .map(|w| model.wallets.estimate(w))
        .collect();
    for (f, pick) in [
        (
            Feature::Wallet,
            (|w: &WalletEstimate| w.wallet) as fn(&WalletEstimate) -> Option<f64>,
        ),
        (Feature::ShareOfWallet, |w| w.share_of_wallet),
        (Feature::WalletGap, |w| w.wallet_gap),
    ] {
        for (x, w) in table.col_mut(f).iter_mut().zip(&wallets) {
            *x = pick(w).unwrap_or(f64::NAN);
        }
    }

    let bought = bought(data, as_of);
    let cross_sell: Vec<Vec<CrossSell>> = cross_sell_inputs(data, &bought)
        .iter()
        .map(|i| model.cross_sell.suggest(i))
        .collect();
    for (x, s) in table
        .col_mut(Feature::CrossSellGap)
        .iter_mut()
        .zip(&cross_sell)
    {
        *x = s.len() as f64;
    }
    table.cross_sell = cross_sell
        .iter()
        .map(|s| s.iter().map(|x| x.category).collect())
        .collect();

    let (delay, overdue, prev_spend, orders, complaints) = (
        col(table, Feature::AvgPaymentDelayDays),
        col(table, Feature::OverdueAmount),
        col(table, Feature::SpendPrev12m),
        col(table, Feature::Orders12m),
        col(table, Feature::Complaints12m),
    );
    let at = |v: &[f64], c: usize| v.get(c).copied().and_then(known);
    let risk: Vec<RiskAssessment> = (0..n)
        .map(|c| {
            custval_accounts::assess_risk(
                &RiskFacts {
                    avg_payment_delay_days: at(delay, c),
                    prev_avg_payment_delay_days: None,
                    overdue_amount: at(overdue, c),
                    spend_12m: at(&spend, c),
                    prev_spend_12m: at(prev_spend, c),
                    orders_12m: at(orders, c),
                    prev_orders_12m: None,
                    complaints_12m: at(complaints, c).map(|x| x.max(0.0) as u32),
                },
                &cfg.risk,
            )
        })
        .collect();

    // Margin percentile for the SWOT "high margin" strength.
    let margin_percentile = share_below(col(table, Feature::GrossMargin12m), sorted_margins);
    let payment_delay_percentile =
        share_below(col(table, Feature::AvgPaymentDelayDays), sorted_delays);
    AccountsOut {
        wallets,
        cross_sell,
        risk,
        margin_percentile,
        payment_delay_percentile,
    }
}

/// SWOT suggestions for customer `c`, from its features and the key-account step.
pub fn swot(
    table: &FeatureTable,
    out: &AccountsOut,
    cfg: &AccountsConfig,
    categories: &[String],
    c: usize,
) -> Vec<SwotSuggestion> {
    let at = |f: Feature| col(table, f).get(c).copied().and_then(known);
    let share = |f: Feature| match (at(f), at(Feature::Spend12m)) {
        (Some(s), Some(v)) if v > 0.0 => Some(s / v),
        _ => None,
    };
    let service_share = share(Feature::ServiceCost12m);
    let costs: Vec<(String, f64)> = [
        Feature::SalesCost12m,
        Feature::ServiceCost12m,
        Feature::Returns12m,
    ]
    .into_iter()
    .filter_map(|f| at(f).map(|v| (f.id().to_string(), v)))
    .collect();
    let facts = SwotFacts {
        gross_margin_rate: at(Feature::GrossMargin12m),
        gross_margin_percentile: out.margin_percentile.get(c).copied().and_then(known),
        tenure_days: at(Feature::TenureDays),
        nps: at(Feature::Nps),
        csat: at(Feature::Csat),
        avg_payment_delay_days: at(Feature::AvgPaymentDelayDays),
        payment_delay_trend_days: None,
        service_cost_share: service_share,
        sales_cost_share: share(Feature::SalesCost12m),
        net_contribution: at(Feature::NetContribution12m),
        clv: at(Feature::Clv12m),
        revenue: at(Feature::Spend12m),
        costs,
        wallet_gap: at(Feature::WalletGap),
        share_of_wallet: at(Feature::ShareOfWallet),
        cross_sell: out.cross_sell.get(c).cloned().unwrap_or_default(),
        p_alive: at(Feature::PAlive),
        prev_p_alive: None,
        satisfaction: at(Feature::Csat),
        prev_satisfaction: None,
        spend_12m: at(Feature::Spend12m),
        prev_spend_12m: at(Feature::SpendPrev12m),
        complaints_12m: at(Feature::Complaints12m).map(|x| x.max(0.0) as u32),
    };
    custval_accounts::suggest_swot(&facts, &cfg.swot, categories)
}
