//! Wallet (total spend of the customer in the company's category) and share of wallet
//! (客户份额), the strategic value of seed 003: what more the company could win.
//!
//! # Where the wallet comes from
//! 1. **Imported** (`customers.wallet`): used when it is a finite number above zero; zero,
//!    negative or non-finite imports are ignored, like the evaluation engine does.
//! 2. **Estimated from peers** (`DOMAIN.md` §3): the configured high percentile (default the
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
//! # Share and gap
//! Share of wallet = spend / wallet, capped at 1; the gap = max(wallet − spend, 0). A negative
//! 12-month spend (refunds exceeding orders) counts as zero. A customer cannot spend more than
//! its wallet, so when it spends more than its peer estimate (the top spenders of a group do)
//! the estimated wallet is raised to its spend (share 100 %, gap 0), the peer figure is kept
//! in [`WalletSource::Peers`], and the explanation says so. An imported wallet is data and is
//! never changed: when the spend exceeds it, the share is capped at 100 % and the gap is 0,
//! again with the reason. An unknown (non-finite) spend leaves share and gap unknown.

use serde::{Deserialize, Serialize};

use crate::AccountsError;
use crate::explain::{Explain, known, money, percent};
use crate::peers::{Fallback, GroupIndex, NoPeers, PeerGrouping};

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
    },
    /// No wallet.
    None {
        /// Why not.
        reason: NoPeers,
    },
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
    /// a finite number above zero counts as missing; a peer estimate below the spend is raised
    /// to the spend (see the module header).
    pub fn new(spend_12m: f64, wallet: Option<f64>, source: WalletSource) -> Self {
        let spend = known(spend_12m).map(|s| s.max(0.0));
        let mut wallet = wallet.filter(|w| w.is_finite() && *w > 0.0);
        let (share, gap, capped) = match (spend, wallet) {
            (Some(s), Some(w)) => {
                if s > w && matches!(source, WalletSource::Peers { .. }) {
                    wallet = Some(s);
                }
                ((s / w).min(1.0).into(), (w - s).max(0.0).into(), s > w)
            }
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
        let peers = matches!(self.source, WalletSource::Peers { .. });
        match (self.spend_12m, self.share_of_wallet, self.wallet_gap) {
            (Some(s), Some(share), Some(gap)) if self.capped && peers => format!(
                "12-month spend {} exceeds it, so the wallet is taken as the spend: share of wallet capped at {}, wallet gap {}",
                money(s),
                percent(share),
                money(gap)
            ),
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
        let peers = matches!(self.source, WalletSource::Peers { .. });
        match (self.spend_12m, self.share_of_wallet, self.wallet_gap) {
            (Some(s), Some(share), Some(gap)) if self.capped && peers => format!(
                "近12个月消费 {} 超过该值，客户钱包按消费额计：客户份额按上限 {} 计，份额缺口 {}",
                money(s),
                percent(share),
                money(gap)
            ),
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
            } => {
                let fb = fallback
                    .as_ref()
                    .map(|f| format!(" ({})", f.explain_en()))
                    .unwrap_or_default();
                let pw = money(*pw);
                format!(
                    "wallet estimated at {pw}: the {} percentile (type 7) of the 12-month spend of {peers} buying peers, {group}{fb}; {}",
                    ordinal(*percentile),
                    self.figures_en()
                )
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
            } => {
                let fb = fallback
                    .as_ref()
                    .map(|f| format!("（{}）", f.explain_zh()))
                    .unwrap_or_default();
                let pw = money(*pw);
                format!(
                    "客户钱包估计为 {pw}：可比客户（{group}，有消费的 {peers} 个）近12个月消费的第{}百分位数（第7类插值）{fb}；{}",
                    pct_number(*percentile),
                    self.figures_zh()
                )
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

/// Type-7 percentile (NumPy's default, Excel's `PERCENTILE.INC`) of values sorted ascending;
/// `None` when empty or `p` is outside [0, 1].
pub fn percentile_type7(sorted: &[f64], p: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&p) {
        return None;
    }
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p;
    let lo = (h.floor() as usize).min(last);
    let hi = (lo + 1).min(last);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
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
        let groups = spends.map(|mut v| {
            v.sort_unstable_by(f64::total_cmp);
            GroupWallet {
                buyers: v.len(),
                wallet: percentile_type7(&v, p).unwrap_or(f64::NAN),
            }
        });
        Ok(Self {
            config: *config,
            groups,
        })
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
            Ok(r) => WalletEstimate::new(
                c.spend_12m,
                Some(r.value.wallet),
                WalletSource::Peers {
                    group: r.group,
                    peers: r.value.buyers,
                    percentile: cfg.percentile,
                    peer_wallet: r.value.wallet,
                    fallback: r.fallback,
                },
            ),
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

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    // Hand-computed type 7 (NumPy default / Excel PERCENTILE.INC):
    // [10, 20, 30, 40, 50] at 0.9: h = 4·0.9 = 3.6 → 40 + 0.6·10 = 46.
    // [1..=10] at 0.9: h = 8.1 → 9 + 0.1·1 = 9.1; at 0.25: h = 2.25 → 3.25.
    // [15, 20, 35, 40, 50] at 0.4: h = 1.6 → 20 + 0.6·15 = 29 (numpy.percentile(..., 40)).
    #[test]
    fn percentile_matches_numpy_and_excel() {
        assert!(close(
            percentile_type7(&[10.0, 20.0, 30.0, 40.0, 50.0], 0.9),
            46.0
        ));
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!(close(percentile_type7(&x, 0.9), 9.1));
        assert!(close(percentile_type7(&x, 0.25), 3.25));
        assert!(close(
            percentile_type7(&[15.0, 20.0, 35.0, 40.0, 50.0], 0.4),
            29.0
        ));
        assert!(close(percentile_type7(&[7.0], 0.9), 7.0));
        assert!(close(percentile_type7(&x, 1.0), 10.0));
        assert!(close(percentile_type7(&x, 0.0), 1.0));
        assert_eq!(percentile_type7(&[], 0.5), None);
        assert_eq!(percentile_type7(&x, 1.5), None);
    }

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
