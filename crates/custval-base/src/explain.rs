//! The one trait every explained result follows: a class's deciding rule (custval-classify), a
//! tier decision or an alert (custval-dynamics), a wallet, risk or SWOT finding
//! (custval-accounts).
//!
//! One trait rather than one per crate so that a front end showing several kinds of result
//! imports one name, and a generic helper can take any of them.

/// Something that can say in words, with its figures, what it decided and why.
pub trait Explain {
    /// A short English sentence naming the figures.
    fn explain_en(&self) -> String;
    /// The same sentence in Chinese, in the product's Chinese terms (客户份额, 风险客户, …).
    fn explain_zh(&self) -> String;
}
