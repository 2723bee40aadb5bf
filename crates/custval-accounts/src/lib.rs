//! Key-account management (issue 9).
pub mod explain;
pub mod peers;
pub mod wallet;

pub use explain::Explain;
pub use peers::{Fallback, NoPeers, PeerGrouping};
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
}
