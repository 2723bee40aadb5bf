//! Key accounts (issue 9) as a person reads them: one customer's wallet and share of wallet
//! with the peer group behind the estimate, risk level with its evidence, cross-sell
//! categories with their figures and the SWOT suggestions — all read back from the run's
//! stored detail, never recomputed — and the key-accounts list of a run.
//!
//! The list is the customers of the config's plan tiers (`[accounts] plan_tiers`), a page at a
//! time. It is never a scan of the run: for the store's orders (score, spend, CLV, name, id)
//! each plan tier is one indexed page query and the tiers are concatenated in config order
//! (a page that straddles two tiers asks both); for the review order it starts from the saved
//! plans with a review date, which are few, and reads the page's results by key. The figures
//! beside each row (next review, open alerts) come in one query for the page.

use std::str::FromStr;

use custval_accounts::{Explain, RiskEvidence, SwotSuggestion, WalletEstimate, WalletSource};
use custval_model::{CustomerResult, Day, RunInfo};
use custval_store::{ResultQuery, ResultSort, Store};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::access::Actor;
use crate::customers::Lister;

/// The plan tiers of the run's config (`[]` when the stored config no longer parses).
pub fn plan_tiers(run: &RunInfo) -> Vec<String> {
    custval_eval::from_config::plan(&run.config)
        .map(|(p, _)| p.accounts.plan_tiers)
        .unwrap_or_default()
}

/// A wallet and share of wallet with where they come from.
#[derive(Debug, Clone, Serialize)]
pub struct WalletView {
    pub wallet: Option<f64>,
    pub spend_12m: Option<f64>,
    pub share_of_wallet: Option<f64>,
    pub wallet_gap: Option<f64>,
    /// `known` (imported), `peers` (estimated) or `none` (no estimate).
    pub source: String,
    /// The peer group of an estimate, e.g. `industry=医药, size=key`.
    pub peer_group: Option<String>,
    /// Buying peers in that group.
    pub peers: Option<usize>,
    /// The percentile of the peers' spend used, in [0, 1].
    pub percentile: Option<f64>,
    /// Why there is no estimate (`none`), in English and Chinese.
    pub no_estimate_en: Option<String>,
    pub no_estimate_zh: Option<String>,
    /// The whole explanation, in English and Chinese.
    pub explain_en: String,
    pub explain_zh: String,
}

impl From<&WalletEstimate> for WalletView {
    fn from(w: &WalletEstimate) -> WalletView {
        let (source, peer_group, peers, percentile, why) = match &w.source {
            WalletSource::Known => ("known", None, None, None, None),
            WalletSource::Peers {
                group,
                peers,
                percentile,
                ..
            } => (
                "peers",
                Some(group.clone()),
                Some(*peers),
                Some(*percentile),
                None,
            ),
            WalletSource::None { reason } => ("none", None, None, None, Some(reason)),
        };
        WalletView {
            wallet: w.wallet,
            spend_12m: w.spend_12m,
            share_of_wallet: w.share_of_wallet,
            wallet_gap: w.wallet_gap,
            source: source.to_string(),
            peer_group,
            peers,
            percentile,
            no_estimate_en: why.map(Explain::explain_en),
            no_estimate_zh: why.map(Explain::explain_zh),
            explain_en: w.explain_en(),
            explain_zh: w.explain_zh(),
        }
    }
}

/// A risk level and the rules that set it.
#[derive(Debug, Clone, Serialize)]
pub struct RiskView {
    /// `none`, `low`, `medium` or `high`.
    pub level: String,
    /// Sum of the weights of the triggered rules.
    pub score: f64,
    pub evidence: Vec<RiskEvidence>,
}

/// One cross-sell category with the figures behind it (support, confidence and lift of an
/// association rule, or the peers' penetration), in English and Chinese.
#[derive(Debug, Clone, Serialize)]
pub struct CrossSellLine {
    pub category: String,
    pub why_en: Option<String>,
    pub why_zh: Option<String>,
}

/// The key-account facts of one customer's result.
#[derive(Debug, Clone, Serialize)]
pub struct KeyAccount {
    pub customer_id: String,
    pub run: i64,
    pub tier: String,
    /// Whether the tier is one of the config's plan tiers.
    pub in_plan_tiers: bool,
    /// `None` when the run estimated no wallet for this customer (not a key account or a
    /// growth customer).
    pub wallet: Option<WalletView>,
    /// `None` when no risk rule fired.
    pub risk: Option<RiskView>,
    pub cross_sell: Vec<CrossSellLine>,
    /// Data-driven SWOT hints, each naming its figure and threshold (plan tiers only).
    pub suggestions: Vec<SwotSuggestion>,
}

/// The key-account facts of `result`, a result of `run`, from its stored detail.
pub fn key_account(
    run: &RunInfo,
    result: &CustomerResult,
    plan_tiers: &[String],
) -> Result<KeyAccount, AppError> {
    let d: custval_eval::classes::Detail =
        serde_json::from_str(&result.detail).map_err(|e| AppError::Detail {
            run: run.id,
            customer: result.customer_id.clone(),
            source: e,
        })?;
    let cross_sell = d
        .cross_sell
        .iter()
        .enumerate()
        .map(|(i, c)| CrossSellLine {
            category: c.clone(),
            why_en: d.cross_sell_why.get(i).map(|w| w.0.clone()),
            why_zh: d.cross_sell_why.get(i).map(|w| w.1.clone()),
        })
        .collect();
    Ok(KeyAccount {
        customer_id: result.customer_id.clone(),
        run: run.id,
        tier: result.tier.clone(),
        in_plan_tiers: plan_tiers.contains(&result.tier),
        wallet: d.wallet.as_ref().map(WalletView::from),
        risk: d.risk.as_ref().filter(|r| r.flagged()).map(|r| RiskView {
            level: r.level.id().to_string(),
            score: r.score,
            evidence: r.evidence.clone(),
        }),
        cross_sell,
        suggestions: d.swot,
    })
}

/// Orders of the key-accounts list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySort {
    /// Tier by tier, highest score first.
    #[default]
    Score,
    Spend12m,
    Clv,
    Name,
    CustomerId,
    /// Next review date, earliest (most overdue) first; only plans with a review date.
    Review,
}

impl FromStr for KeySort {
    type Err = String;

    fn from_str(s: &str) -> Result<KeySort, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "score" => Ok(KeySort::Score),
            "spend_12m" | "spend" => Ok(KeySort::Spend12m),
            "clv" => Ok(KeySort::Clv),
            "name" => Ok(KeySort::Name),
            "customer_id" | "id" => Ok(KeySort::CustomerId),
            "review" | "next_review" => Ok(KeySort::Review),
            other => Err(format!(
                "unknown sort {other:?}: expected score, spend_12m, clv, name, customer_id or review"
            )),
        }
    }
}

impl KeySort {
    /// The snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            KeySort::Score => "score",
            KeySort::Spend12m => "spend_12m",
            KeySort::Clv => "clv",
            KeySort::Name => "name",
            KeySort::CustomerId => "customer_id",
            KeySort::Review => "review",
        }
    }

    fn store_sort(self) -> ResultSort {
        match self {
            KeySort::Score | KeySort::Review => ResultSort::Score,
            KeySort::Spend12m => ResultSort::Spend12m,
            KeySort::Clv => ResultSort::Clv,
            KeySort::Name => ResultSort::Name,
            KeySort::CustomerId => ResultSort::CustomerId,
        }
    }
}

/// Which key accounts to list.
#[derive(Debug, Clone, Default)]
pub struct KeyAccountQuery {
    /// One plan tier, or all of them (`None`). A tier that is not a plan tier lists nothing.
    pub tier: Option<String>,
    /// Only this owner's customers (a sales user's list).
    pub owner: Option<String>,
    pub sort: KeySort,
    pub offset: u64,
    pub limit: u64,
}

/// One key account of the list.
#[derive(Debug, Clone, Serialize)]
pub struct KeyAccountRow {
    pub customer_id: String,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub tier: String,
    pub score: f64,
    pub spend_12m: Option<f64>,
    pub clv: Option<f64>,
    /// `low`, `medium` or `high`; `None` when no risk rule fired.
    pub risk: Option<String>,
    pub share_of_wallet: Option<f64>,
    pub has_plan: bool,
    /// `YYYY-MM-DD`.
    pub next_review: Option<String>,
    pub open_alerts: u64,
}

/// A page of key accounts.
#[derive(Debug, Clone, Serialize)]
pub struct KeyAccountPage {
    pub run: i64,
    /// The plan tiers of the run's config.
    pub plan_tiers: Vec<String>,
    /// Key accounts matching in all (for the review order: those with a review date).
    pub total: u64,
    pub rows: Vec<KeyAccountRow>,
}

/// Only the wallet of a stored detail (the rest is skipped while parsing).
#[derive(Deserialize)]
struct WalletOnly {
    #[serde(default)]
    wallet: Option<WalletEstimate>,
}

/// A page of the key accounts of `run`, whose plan tiers are `plan_tiers` (see
/// [`plan_tiers`]). The tiers are the ones shown (overrides in force on `today` and
/// provisional results applied, as in every customer list, see [`crate::customers`]), except
/// in the review order, which starts from the saved plans of the run's tiers.
pub async fn key_accounts<S: Store>(
    store: &S,
    run: &RunInfo,
    plan_tiers: &[String],
    q: &KeyAccountQuery,
    today: Day,
) -> Result<KeyAccountPage, AppError> {
    let tiers: Vec<String> = match &q.tier {
        Some(t) => plan_tiers.iter().filter(|p| *p == t).cloned().collect(),
        None => plan_tiers.to_vec(),
    };
    let mut total = 0u64;
    let mut results: Vec<CustomerResult> = Vec::new();
    if q.sort == KeySort::Review {
        let reviews = store
            .plan_reviews(run.id, &tiers, q.owner.as_deref())
            .await?;
        total = reviews.len() as u64;
        let start = usize::try_from(q.offset).unwrap_or(usize::MAX);
        let take = usize::try_from(q.limit).unwrap_or(usize::MAX);
        for (id, _) in reviews.iter().skip(start).take(take) {
            if let Some(r) = store.result(run.id, id).await? {
                results.push(r);
            }
        }
    } else {
        let (mut skip, mut need) = (q.offset, q.limit);
        for t in &tiers {
            let rq = ResultQuery {
                tier: Some(t.clone()),
                owner: q.owner.clone(),
                sort: q.sort.store_sort(),
                ..ResultQuery::default()
            };
            // The caller has put the viewer's owner scope in `q.owner`.
            let list = Lister::new(store, Actor::Local(""), run.clone(), rq, today).await?;
            let (n, shown) = list.shown(skip, need).await?;
            total += n;
            skip = skip.saturating_sub(n);
            need = need.saturating_sub(shown.len() as u64);
            results.extend(shown.into_iter().map(|s| s.result));
        }
    }
    let ids: Vec<String> = results.iter().map(|r| r.customer_id.clone()).collect();
    let facts = store.plan_facts(run.id, &ids).await?;
    let rows = results
        .into_iter()
        .zip(facts)
        .map(|(r, f)| {
            let share = serde_json::from_str::<WalletOnly>(&r.detail)
                .ok()
                .and_then(|w| w.wallet)
                .and_then(|w| w.share_of_wallet);
            KeyAccountRow {
                customer_id: r.customer_id,
                name: r.name,
                owner: r.owner,
                tier: r.tier,
                score: r.score,
                spend_12m: r.spend_12m,
                clv: r.clv,
                risk: r.risk.filter(|l| l != "none"),
                share_of_wallet: share,
                has_plan: f.has_plan,
                next_review: f.next_review,
                open_alerts: f.open_alerts,
            }
        })
        .collect();
    Ok(KeyAccountPage {
        run: run.id,
        plan_tiers: plan_tiers.to_vec(),
        total,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_parse_and_print() {
        for s in [
            KeySort::Score,
            KeySort::Spend12m,
            KeySort::Clv,
            KeySort::Name,
            KeySort::CustomerId,
            KeySort::Review,
        ] {
            assert_eq!(s.id().parse::<KeySort>(), Ok(s));
        }
        assert_eq!("".parse::<KeySort>(), Ok(KeySort::Score));
        assert!("risk".parse::<KeySort>().is_err());
    }
}
