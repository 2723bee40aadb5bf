//! Key-account management (issue 9).
pub mod cross_sell;
pub mod explain;
pub mod peers;
pub mod risk;
pub mod swot;
pub mod wallet;

pub use cross_sell::{
    AssociationRule, AssociationRules, CrossSell, CrossSellConfig, CrossSellInput, CrossSellModel,
    CrossSellSource, PeerLevel, PeerPenetration, suggest_cross_sell,
};
pub use explain::Explain;
pub use peers::{Fallback, NoPeers, PeerGrouping};
pub use risk::{
    ComplaintsRule, OverdueRule, PaymentDelayRule, RiskAssessment, RiskConfig, RiskEvidence,
    RiskFacts, RiskLevel, RiskLevels, RiskRule, ShrinkingRule, assess_risk, became_risky,
};
pub use swot::{Quadrant, SwotConfig, SwotFacts, SwotSuggestion, suggest_swot};
pub use wallet::{
    PeerWallets, WalletConfig, WalletEstimate, WalletInput, WalletSource, estimate_wallets,
    percentile_type7,
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
