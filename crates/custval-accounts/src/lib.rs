//! Key-account management (issue 9): what an account manager works with every day, computed
//! from per-customer figures the evaluation engine already has.
//!
//! - [`wallet`]: the customer's wallet (total spend in the company's category), imported or
//!   estimated from comparable customers, and share of wallet (客户份额) and the wallet gap:
//!   what more the company could win.
//! - [`cross_sell`]: categories a customer has not bought, from its peers' penetration and from
//!   pairwise association rules over baskets (support, confidence, lift), merged and ranked.
//! - [`swot`]: data-driven SWOT suggestions (SWOT分析), each naming its figure and threshold.
//! - [`plan`]: the account plan record (owner, goals, the user's SWOT, next review, actions)
//!   with validation and the merge of suggestions into a marked draft.
//! - [`risk`]: risk-customer rules (风险客户) with a level, the evidence, and the alert
//!   when a key account becomes risky.
//!
//! # What this crate is not
//! No store, no I/O, no clock, no async, no global randomness: it takes plain per-customer
//! values (indices, `&str` ids, `f64` with NaN or `Option` for missing, category ids `u32` as
//! in `custval-model`) and returns plain serde types. Reading data, keeping plans, deciding
//! which customers are key accounts and what "today" is belong to the engine, store and CLI.
//!
//! # Design choices
//! - **Every figure explains itself, in English and Chinese.** Bulk results that exist for every
//!   customer (wallet estimates, cross-sell suggestions) store only figures and render their
//!   sentences on demand ([`Explain`], [`CrossSell::explain_en`]), which keeps a million of
//!   them small; results made for the few customers someone looks at (risk evidence, SWOT
//!   suggestions) carry their sentences as fields, ready to store as JSON.
//! - **Fit once, then one customer at a time.** [`PeerWallets`] and [`CrossSellModel`] are fitted
//!   on the whole base (O(n log n) and one pass over the baskets) and then answer per customer,
//!   so the near-real-time path can re-estimate a customer after new orders without refitting;
//!   [`estimate_wallets`] and [`suggest_cross_sell`] do both for the full run.
//! - **One meaning of "peers"** ([`peers`]): same industry and size band, falling back to the
//!   industry when the group is too small, used by both the wallet and cross-sell.
//! - **Type-7 percentiles** (NumPy's default, Excel's `PERCENTILE.INC`), the workspace's
//!   convention, so an estimate can be reproduced in a spreadsheet.
//! - **Missing is not evidence**: an unknown figure never triggers a risk rule or a SWOT
//!   suggestion, and never makes an estimate up.
//! - **Configs** are serde structs with defaults and `deny_unknown_fields`, so a typo in
//!   `custval.toml` is an error rather than a silently ignored setting; each has `validate()`.

pub mod cross_sell;
pub mod explain;
pub mod peers;
pub mod plan;
pub mod risk;
pub mod swot;
pub mod wallet;

pub use cross_sell::{
    AssociationRule, AssociationRules, CrossSell, CrossSellConfig, CrossSellInput, CrossSellModel,
    CrossSellSource, PeerLevel, PeerPenetration, suggest_cross_sell,
};
pub use explain::Explain;
pub use peers::{Fallback, NoPeers, PeerGrouping};
pub use plan::{AccountPlan, Lang, PlanAction, PlanError, Swot, is_iso_date, suggested_code};
pub use risk::{
    ComplaintsRule, OverdueRule, PaymentDelayRule, RiskAssessment, RiskConfig, RiskEvidence,
    RiskFacts, RiskLevel, RiskLevels, RiskRule, ShrinkingRule, assess_risk, became_risky,
};
pub use swot::{Quadrant, SwotConfig, SwotFacts, SwotSuggestion, suggest_swot};
pub use wallet::{
    Beyond, PeerWallets, WalletConfig, WalletEstimate, WalletInput, WalletSource, estimate_wallets,
};

/// Errors from inputs and configuration of the account computations.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AccountsError {
    /// A configuration value is outside its allowed range.
    #[error("{field} = {value} is invalid: {reason}")]
    Config {
        /// The setting, e.g. "wallet.percentile".
        field: &'static str,
        /// The value given.
        value: f64,
        /// What is allowed.
        reason: &'static str,
    },
    /// The baskets hold more distinct categories than the rule miner is configured for.
    #[error("more than {max} distinct categories in the baskets (cross_sell.max_categories)")]
    TooManyCategories {
        /// The configured maximum.
        max: usize,
    },
}

/// Every setting of this crate in one section (for the `[accounts]` table of `custval.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsConfig {
    /// Wallet estimates.
    pub wallet: WalletConfig,
    /// Cross-sell suggestions.
    pub cross_sell: CrossSellConfig,
    /// SWOT suggestion thresholds.
    pub swot: SwotConfig,
    /// Risk rules.
    pub risk: RiskConfig,
}

impl AccountsConfig {
    /// Validates every part.
    pub fn validate(&self) -> Result<(), AccountsError> {
        self.wallet.validate()?;
        self.cross_sell.validate()?;
        self.swot.validate()?;
        self.risk.validate()
    }
}
