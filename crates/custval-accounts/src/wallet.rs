//! Wallet (total spend of the customer in the company's category) and share of wallet
//! (客户份额): what more the company could win.
//!
//! # Where the wallet comes from
//! 1. **Imported** (`customers.wallet`): used when it is a finite number above zero; zero,
//!    negative or non-finite imports are ignored, like the evaluation engine does.
//! 2. **Estimated from peers**: the configured high percentile (default the
//!    90th) of the 12-month spend of comparable customers, grouped as in [`crate::peers`]
//!    (industry × size band, falling back to the whole industry when that group has fewer
//!    than `min_peers` buyers). Only **buyers** count as peers (12-month spend above zero):
//!    a customer who bought nothing says nothing about how much such customers can spend. The
//!    customer itself counts among its peers when it is a buyer, so every member of a group gets
//!    the same estimate; the group's spends are sorted once, which keeps the whole base at
//!    O(n log n).
//! 3. **None**: no industry, or too few buyers; the reason is kept.
//!
//! # The percentile
//! Hyndman & Fan type 7, the default of NumPy (`np.percentile`, `np.quantile`), R's
//! `quantile()` and Excel's `PERCENTILE.INC`: with the n spends sorted ascending,
//! h = (n − 1)·p and the value interpolates linearly between the order statistics at ⌊h⌋ and
//! ⌊h⌋ + 1 (0-based). It never leaves the range of the data.
//!
//! # Customers who spend more than their peers' percentile
//! The top spenders of every group spend more than its 90th percentile, and they are the key
//! accounts whose strategic value matters most, so a peer percentile below their spend says
//! nothing about them (issue 17: raising the wallet to the spend showed every top account at a
//! 100 % share with no gap). Their wallet is estimated another way, from whichever of these
//! exceed the spend, the smallest (the most conservative) winning:
//! - **size bands**: within the industry, the bands' percentiles, ordered by their median
//!   spend, are fitted log-linearly (least squares of ln Q_p on the band's rank; at least two
//!   bands of `min_peers` buyers, and only when larger bands spend more). The wallet is the
//!   fitted percentile one band up: a customer that already buys like a larger company is
//!   given the headroom of one. This is a high-quantile regression of spend on size, in the
//!   spirit of IBM's customer-wallet models (Rosset et al., KDD 2005), reduced to what a size
//!   band can say;
//! - **a year earlier**: its own 12-month spend of the year before (what it used to buy);
//! - **run rate**: its last six months' spend at a yearly rate (where its demand is going).
//!
//! When none exceeds the spend, the wallet is unknown (at least the spend) and so are share and
//! gap: a share of wallet of 100 % is shown only for an imported wallet.
//!
//! # Share and gap
//! Share of wallet = spend / wallet, capped at 1; the gap = max(wallet − spend, 0). A negative
//! 12-month spend (refunds exceeding orders) counts as zero. An imported wallet is data and is
//! never changed: when the spend exceeds it, the share is capped at 100 % and the gap is 0,
//! with the reason. An unknown (non-finite) spend leaves share and gap unknown.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::AccountsError;
use crate::explain::{Explain, known, money, percent};
use crate::peers::{Fallback, GroupIndex, NoPeers, PeerGrouping, group_label, size_name};
use custval_base::quantile::quantile_sorted;
use custval_i18n::Lang;

/// One customer's inputs to the wallet estimate.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WalletInput<'a> {
    /// Industry (行业); `None` or empty = unknown.
    pub industry: Option<&'a str>,
    /// Size band; `None` or empty = unknown.
    pub size: Option<&'a str>,
    /// Net spend of the last 12 months; NaN = unknown.
    pub spend_12m: f64,
    /// The wallet from the customers table, when imported.
    pub known_wallet: Option<f64>,
    /// Net spend of the 12 months before the last 12; NaN or 0 = nothing known.
    pub spend_prev_12m: f64,
    /// Net spend of the last 6 months; NaN or 0 = nothing known.
    pub spend_6m: f64,
}

/// How wallets are estimated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WalletConfig {
    /// Percentile of the peers' 12-month spend taken as the wallet, in [0, 1] (0.9).
    pub percentile: f64,
    /// Fewest buyers a peer group needs to give an estimate (10).
    pub min_peers: usize,
    /// How peers are grouped (industry × size, falling back to industry).
    pub grouping: PeerGrouping,
}

impl Default for WalletConfig {
    fn default() -> Self {
        Self {
            percentile: 0.9,
            min_peers: 10,
            grouping: PeerGrouping::IndustrySize,
        }
    }
}

impl WalletConfig {
    /// The percentile lies in [0, 1] and at least one peer is required.
    pub fn validate(&self) -> Result<(), AccountsError> {
        if !(0.0..=1.0).contains(&self.percentile) {
            return Err(AccountsError::Config {
                field: "wallet.percentile",
                value: self.percentile,
                reason: "must be between 0 and 1",
            });
        }
        if self.min_peers == 0 {
            return Err(AccountsError::Config {
                field: "wallet.min_peers",
                value: 0.0,
                reason: "must be at least 1",
            });
        }
        Ok(())
    }
}

/// Where a customer's wallet figure comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "source")]
pub enum WalletSource {
    /// Imported from the customers table.
    Known,
    /// A percentile of comparable buyers' 12-month spend.
    Peers {
        /// The peer group, e.g. "industry=pharma, size=large".
        group: String,
        /// Buyers in the group (the customer included when it is one).
        peers: usize,
        /// The percentile used, in [0, 1].
        percentile: f64,
        /// The percentile of the peers' spend (the wallet unless the customer spends more).
        peer_wallet: f64,
        /// Set when the industry × size group could not be used.
        fallback: Option<Fallback>,
        /// Set when the customer spends at least `peer_wallet`: how its wallet was set instead.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        beyond: Option<Beyond>,
    },
    /// No wallet.
    None {
        /// Why not.
        reason: NoPeers,
    },
}

/// How the wallet of a customer spending at least its peers' percentile was set (see the
/// module header).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum Beyond {
    /// The percentile one size band up, from the log-linear fit of the industry's bands.
    SizeBands {
        /// The customer's band.
        band: String,
        /// The next larger band, `None` beyond the largest.
        next: Option<String>,
        /// Bands in the fit.
        bands: usize,
        /// The fitted percentile one band up (the wallet).
        fitted: f64,
    },
    /// Its own 12-month spend a year earlier (the wallet).
    PreviousYear { spend_prev_12m: f64 },
    /// Its last six months' spend at a yearly rate.
    RunRate { spend_6m: f64, run_rate: f64 },
    /// No estimate exceeds the spend: the wallet is unknown.
    Unknown,
}

impl Beyond {
    /// The wallet this method gives.
    pub fn wallet(&self) -> Option<f64> {
        match *self {
            Beyond::SizeBands { fitted, .. } => Some(fitted),
            Beyond::PreviousYear { spend_prev_12m } => Some(spend_prev_12m),
            Beyond::RunRate { run_rate, .. } => Some(run_rate),
            Beyond::Unknown => None,
        }
    }

    fn explain_en(&self, percentile: f64) -> String {
        match self {
            Beyond::SizeBands {
                band, next, bands, ..
            } => {
                let up = match next {
                    Some(n) => format!("size={n}, one band above size={band}"),
                    None => format!("one band beyond the largest, size={band}"),
                };
                format!(
                    "the {} percentile fitted for {up} (log-linear fit of the {} percentiles of the industry's {bands} size bands)",
                    ordinal(percentile),
                    ordinal(percentile)
                )
            }
            Beyond::PreviousYear { .. } => "its own 12-month spend a year earlier".into(),
            Beyond::RunRate { spend_6m, .. } => format!(
                "its last six months' spend ({}) at a yearly rate",
                money(*spend_6m)
            ),
            Beyond::Unknown => String::new(),
        }
    }

    fn explain_zh(&self, percentile: f64) -> String {
        match self {
            Beyond::SizeBands {
                band, next, bands, ..
            } => {
                let up = match next {
                    Some(n) => format!(
                        "规模 {}（比 {} 高一档）",
                        size_name(Lang::Zh, n),
                        size_name(Lang::Zh, band)
                    ),
                    None => format!("比最大规模 {} 再高一档", size_name(Lang::Zh, band)),
                };
                format!(
                    "{up}的第{}百分位数（对本行业 {bands} 个规模档的第{}百分位数做对数线性拟合）",
                    pct_number(percentile),
                    pct_number(percentile)
                )
            }
            Beyond::PreviousYear { .. } => "该客户上一年的12个月消费".into(),
            Beyond::RunRate { spend_6m, .. } => {
                format!("按近6个月消费（{}）折算的全年消费", money(*spend_6m))
            }
            Beyond::Unknown => String::new(),
        }
    }
}

/// A customer's wallet, share of wallet and wallet gap, with their source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalletEstimate {
    /// Wallet (imported or estimated).
    pub wallet: Option<f64>,
    /// Where it comes from.
    pub source: WalletSource,
    /// The 12-month spend used (negative counted as 0); `None` when unknown.
    pub spend_12m: Option<f64>,
    /// Spend / wallet, capped at 1.
    pub share_of_wallet: Option<f64>,
    /// max(wallet − spend, 0).
    pub wallet_gap: Option<f64>,
    /// The spend exceeded the imported wallet or the peer estimate, so the share was capped at
    /// 1 (and a peer estimate raised to the spend).
    pub capped: bool,
}

impl WalletEstimate {
    /// Share and gap of a spend against a wallet (either may be missing). A wallet that is not
    /// a finite number above zero counts as missing; a spend above the wallet caps the share
    /// at 1 (only an imported wallet can be below the spend, see the module header).
    pub fn new(spend_12m: f64, wallet: Option<f64>, source: WalletSource) -> Self {
        let spend = known(spend_12m).map(|s| s.max(0.0));
        let wallet = wallet.filter(|w| w.is_finite() && *w > 0.0);
        let (share, gap, capped) = match (spend, wallet) {
            (Some(s), Some(w)) => ((s / w).min(1.0).into(), (w - s).max(0.0).into(), s > w),
            _ => (None, None, false),
        };
        Self {
            wallet,
            source,
            spend_12m: spend,
            share_of_wallet: share,
            wallet_gap: gap,
            capped,
        }
    }

    fn figures_en(&self) -> String {
        match (self.spend_12m, self.share_of_wallet, self.wallet_gap) {
            (Some(s), Some(share), Some(gap)) if self.capped => format!(
                "12-month spend {} exceeds it, so share of wallet is capped at {} and the wallet gap is {}",
                money(s),
                percent(share),
                money(gap)
            ),
            (Some(s), Some(share), Some(gap)) => format!(
                "12-month spend {} is a share of wallet of {}, wallet gap {}",
                money(s),
                percent(share),
                money(gap)
            ),
            _ => "12-month spend unknown, so share of wallet is unknown".into(),
        }
    }

    fn figures_zh(&self) -> String {
        match (self.spend_12m, self.share_of_wallet, self.wallet_gap) {
            (Some(s), Some(share), Some(gap)) if self.capped => format!(
                "近12个月消费 {} 超过该值，客户份额按上限 {} 计，份额缺口为 {}",
                money(s),
                percent(share),
                money(gap)
            ),
            (Some(s), Some(share), Some(gap)) => format!(
                "近12个月消费 {}，客户份额 {}，份额缺口 {}",
                money(s),
                percent(share),
                money(gap)
            ),
            _ => "近12个月消费未知，客户份额未知".into(),
        }
    }
}

impl Explain for WalletEstimate {
    fn explain_en(&self) -> String {
        let wallet = self.wallet.map(money).unwrap_or_default();
        match &self.source {
            WalletSource::Known => format!(
                "wallet {wallet} imported from the customers table; {}",
                self.figures_en()
            ),
            WalletSource::Peers {
                group,
                peers,
                percentile,
                peer_wallet: pw,
                fallback,
                beyond,
            } => {
                let fb = fallback
                    .as_ref()
                    .map(|f| format!(" ({})", f.explain_en()))
                    .unwrap_or_default();
                let pw = money(*pw);
                let peer_text = format!(
                    "the {} percentile (type 7) of the 12-month spend of {peers} buying peers, {group}{fb}",
                    ordinal(*percentile)
                );
                let spend = self.spend_12m.map(money).unwrap_or_default();
                match beyond {
                    None => format!(
                        "wallet estimated at {pw}: {peer_text}; {}",
                        self.figures_en()
                    ),
                    Some(Beyond::Unknown) => format!(
                        "12-month spend {spend} is at or above {peer_text} ({pw}), and no other estimate (size bands, its spend a year earlier, its recent run rate) exceeds it: the wallet is at least {spend} but unknown, and so are share of wallet and gap (import customers.wallet to measure them)"
                    ),
                    Some(b) => format!(
                        "12-month spend {spend} is at or above {peer_text} ({pw}), so the wallet is estimated at {wallet}: {}; {}",
                        b.explain_en(*percentile),
                        self.figures_en()
                    ),
                }
            }
            WalletSource::None { reason } => {
                format!("no wallet estimate: {}", reason.explain_en())
            }
        }
    }

    fn explain_zh(&self) -> String {
        let wallet = self.wallet.map(money).unwrap_or_default();
        match &self.source {
            WalletSource::Known => format!(
                "客户钱包（品类总支出）{wallet}，取自客户表；{}",
                self.figures_zh()
            ),
            WalletSource::Peers {
                group,
                peers,
                percentile,
                peer_wallet: pw,
                fallback,
                beyond,
            } => {
                let fb = fallback
                    .as_ref()
                    .map(|f| format!("（{}）", f.explain_zh()))
                    .unwrap_or_default();
                let pw = money(*pw);
                let peer_text = format!(
                    "可比客户（{}，有消费的 {peers} 个）近12个月消费的第{}百分位数（第7类插值）{fb}",
                    group_label(Lang::Zh, group),
                    pct_number(*percentile)
                );
                let spend = self.spend_12m.map(money).unwrap_or_default();
                match beyond {
                    None => format!("客户钱包估计为 {pw}：{peer_text}；{}", self.figures_zh()),
                    Some(Beyond::Unknown) => format!(
                        "近12个月消费 {spend} 不低于{peer_text}（{pw}），其他估计（规模档、上一年消费、近期消费速度）均不超过该消费：客户钱包至少为 {spend}，但无法估计，客户份额和份额缺口未知（可在客户表中导入客户钱包数据）"
                    ),
                    Some(b) => format!(
                        "近12个月消费 {spend} 不低于{peer_text}（{pw}），客户钱包改用{}，估计为 {wallet}；{}",
                        b.explain_zh(*percentile),
                        self.figures_zh()
                    ),
                }
            }
            WalletSource::None { reason } => {
                format!("无法估计客户钱包：{}", reason.explain_zh())
            }
        }
    }
}

/// 0.9 → "90", 0.925 → "92.5".
fn pct_number(p: f64) -> String {
    let s = crate::explain::fixed(p * 100.0, 1);
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// 0.9 → "90th", 0.91 → "91st", 0.925 → "92.5th".
fn ordinal(p: f64) -> String {
    let n = pct_number(p);
    let suffix = match n.parse::<u32>() {
        Ok(k) if (11..=13).contains(&(k % 100)) => "th",
        Ok(k) if k % 10 == 1 => "st",
        Ok(k) if k % 10 == 2 => "nd",
        Ok(k) if k % 10 == 3 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A peer group's buyers and its wallet estimate.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
struct GroupWallet {
    buyers: usize,
    wallet: f64,
}

/// Peer wallets fitted on the whole customer base: estimates one customer at a time, so that a
/// customer can be re-estimated between runs (new orders) without refitting.
///
/// Serializable, so that a run can keep it for provisional updates between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeerWallets {
    config: WalletConfig,
    groups: GroupIndex<GroupWallet>,
    /// Per industry, the log-linear fit of its size bands' percentiles (absent in older runs).
    #[serde(default)]
    bands: BTreeMap<String, BandFit>,
}

/// ln Q_p(band) ≈ intercept + slope · rank, bands ranked by median spend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct BandFit {
    /// Band names from the smallest median spend to the largest.
    order: Vec<String>,
    intercept: f64,
    slope: f64,
}

impl BandFit {
    /// Least squares of ln Q_p on the rank over bands of at least `min_peers` buyers, ranked by
    /// their median; `None` with fewer than two such bands or when larger bands do not spend
    /// more (a slope ≤ 0 says size does not predict the wallet).
    fn fit(bands: &BTreeMap<String, Vec<f64>>, p: f64, min_peers: usize) -> Option<BandFit> {
        let mut stats: Vec<(f64, f64, &str)> = bands
            .iter()
            .filter(|(_, v)| v.len() >= min_peers)
            .filter_map(|(name, v)| {
                let median = quantile_sorted(v, 0.5)?;
                let q = quantile_sorted(v, p).filter(|q| *q > 0.0)?;
                Some((median, q.ln(), name.as_str()))
            })
            .collect();
        if stats.len() < 2 {
            return None;
        }
        stats.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(b.2)));
        let n = stats.len() as f64;
        let mean_k = (n - 1.0) / 2.0;
        let mean_y = stats.iter().map(|s| s.1).sum::<f64>() / n;
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for (k, s) in stats.iter().enumerate() {
            let dk = k as f64 - mean_k;
            sxy += dk * (s.1 - mean_y);
            sxx += dk * dk;
        }
        let slope = sxy / sxx;
        (slope.is_finite() && slope > 0.0).then(|| BandFit {
            order: stats.iter().map(|s| s.2.to_string()).collect(),
            intercept: mean_y - slope * mean_k,
            slope,
        })
    }

    /// The fitted percentile one band above `band`, with the next band's name.
    fn one_up(&self, band: &str) -> Option<(f64, Option<String>, usize)> {
        let k = self.order.iter().position(|b| b == band)?;
        let fitted = (self.intercept + self.slope * (k + 1) as f64).exp();
        fitted
            .is_finite()
            .then(|| (fitted, self.order.get(k + 1).cloned(), self.order.len()))
    }
}

impl PeerWallets {
    /// Sorts each peer group's buyer spends once and keeps its percentile. O(n log n).
    pub fn fit(
        customers: &[WalletInput<'_>],
        config: &WalletConfig,
    ) -> Result<Self, AccountsError> {
        config.validate()?;
        let mut spends = GroupIndex::<Vec<f64>>::default();
        for c in customers {
            let Some(industry) = crate::peers::norm(c.industry) else {
                continue;
            };
            if let Some(s) = known(c.spend_12m).filter(|s| *s > 0.0) {
                spends.add(industry, crate::peers::norm(c.size), |v| v.push(s));
            }
        }
        let p = config.percentile;
        let spends = spends.map(|mut v| {
            v.sort_unstable_by(f64::total_cmp);
            v
        });
        let bands = spends
            .size_bands()
            .filter_map(|(industry, bands)| {
                BandFit::fit(bands, p, config.min_peers).map(|f| (industry.to_string(), f))
            })
            .collect();
        let groups = spends.map(|v| GroupWallet {
            buyers: v.len(),
            wallet: quantile_sorted(&v, p).unwrap_or(f64::NAN),
        });
        Ok(Self {
            config: *config,
            groups,
            bands,
        })
    }

    /// The wallet of a customer spending `spend` ≥ its peers' percentile: the smallest estimate
    /// above the spend, or [`Beyond::Unknown`].
    fn beyond(&self, c: &WalletInput<'_>, spend: f64) -> Beyond {
        let mut found: Vec<Beyond> = Vec::new();
        if let (Some(industry), Some(band)) =
            (crate::peers::norm(c.industry), crate::peers::norm(c.size))
            && let Some((fitted, next, bands)) =
                self.bands.get(industry).and_then(|f| f.one_up(band))
        {
            found.push(Beyond::SizeBands {
                band: band.to_string(),
                next,
                bands,
                fitted,
            });
        }
        if let Some(prev) = known(c.spend_prev_12m) {
            found.push(Beyond::PreviousYear {
                spend_prev_12m: prev,
            });
        }
        if let Some(s6) = known(c.spend_6m) {
            found.push(Beyond::RunRate {
                spend_6m: s6,
                run_rate: 2.0 * s6,
            });
        }
        found
            .into_iter()
            .filter_map(|b| b.wallet().filter(|w| *w > spend).map(|w| (w, b)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map_or(Beyond::Unknown, |(_, b)| b)
    }

    /// The wallet estimate of one customer (imported wallet first, then peers).
    pub fn estimate(&self, c: &WalletInput<'_>) -> WalletEstimate {
        if let Some(w) = c.known_wallet.filter(|w| w.is_finite() && *w > 0.0) {
            return WalletEstimate::new(c.spend_12m, Some(w), WalletSource::Known);
        }
        let cfg = &self.config;
        match self
            .groups
            .resolve(c.industry, c.size, cfg.grouping, cfg.min_peers, |g| {
                g.buyers
            }) {
            Ok(r) => {
                let peer_wallet = r.value.wallet;
                let beyond = known(c.spend_12m)
                    .filter(|s| *s > 0.0 && *s >= peer_wallet)
                    .map(|s| self.beyond(c, s));
                let wallet = match &beyond {
                    Some(b) => b.wallet(),
                    None => Some(peer_wallet),
                };
                WalletEstimate::new(
                    c.spend_12m,
                    wallet,
                    WalletSource::Peers {
                        group: r.group,
                        peers: r.value.buyers,
                        percentile: cfg.percentile,
                        peer_wallet,
                        fallback: r.fallback,
                        beyond,
                    },
                )
            }
            Err(reason) => WalletEstimate::new(c.spend_12m, None, WalletSource::None { reason }),
        }
    }
}

/// Every customer's wallet estimate, in input order. O(n log n).
pub fn estimate_wallets(
    customers: &[WalletInput<'_>],
    config: &WalletConfig,
) -> Result<Vec<WalletEstimate>, AccountsError> {
    let fitted = PeerWallets::fit(customers, config)?;
    Ok(customers.iter().map(|c| fitted.estimate(c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_naturally() {
        assert_eq!(ordinal(0.9), "90th");
        assert_eq!(ordinal(0.91), "91st");
        assert_eq!(ordinal(0.92), "92nd");
        assert_eq!(ordinal(0.83), "83rd");
        assert_eq!(ordinal(0.11), "11th");
        assert_eq!(ordinal(0.925), "92.5th");
    }

    #[test]
    fn share_and_gap() {
        let e = WalletEstimate::new(250.0, Some(1000.0), WalletSource::Known);
        assert_eq!(e.share_of_wallet, Some(0.25));
        assert_eq!(e.wallet_gap, Some(750.0));
        assert!(!e.capped);
        let e = WalletEstimate::new(1500.0, Some(1000.0), WalletSource::Known);
        assert_eq!(e.share_of_wallet, Some(1.0));
        assert_eq!(e.wallet_gap, Some(0.0));
        assert!(e.capped);
        assert!(
            e.explain_en().contains("capped at 100%"),
            "{}",
            e.explain_en()
        );
        assert!(e.explain_zh().contains("上限 100%"));
        let e = WalletEstimate::new(-50.0, Some(1000.0), WalletSource::Known);
        assert_eq!(e.spend_12m, Some(0.0));
        assert_eq!(e.share_of_wallet, Some(0.0));
        let e = WalletEstimate::new(f64::NAN, Some(1000.0), WalletSource::Known);
        assert_eq!((e.share_of_wallet, e.wallet_gap), (None, None));
        assert_eq!(e.wallet, Some(1000.0));
    }

    #[test]
    fn config_is_checked_and_strict() {
        assert!(WalletConfig::default().validate().is_ok());
        let bad = WalletConfig {
            percentile: 1.2,
            ..WalletConfig::default()
        };
        assert!(bad.validate().is_err());
        let bad = WalletConfig {
            min_peers: 0,
            ..WalletConfig::default()
        };
        assert!(bad.validate().is_err());
        let c: WalletConfig = serde_json::from_str(r#"{"percentile": 0.8}"#).unwrap();
        assert_eq!(c.min_peers, 10);
        assert!(serde_json::from_str::<WalletConfig>(r#"{"percentil": 0.8}"#).is_err());
        let c: WalletConfig = serde_json::from_str(r#"{"grouping": "industry"}"#).unwrap();
        assert_eq!(c.grouping, PeerGrouping::Industry);
    }
}
