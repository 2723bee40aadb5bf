//! The small helpers that several custval crates need and that must give the same answer
//! everywhere: how figures are printed ([`format`]), the [`Explain`] trait every explained
//! result implements ([`explain`]), the type-7 quantile ([`quantile`]) and the fixed colours of
//! tiers and classes ([`palette`]).
//!
//! Why a crate of its own: these used to be copied into each crate that needed them, and the
//! copies drifted (three answers for the quantile of nothing, two `Explain` traits a front end
//! had to import separately). This crate is pure and has no dependencies, so any crate, pure or
//! edge, can use it without pulling anything else in.

pub mod explain;
pub mod format;
pub mod palette;
pub mod quantile;

pub use explain::Explain;

/// The finite value of `x`, or `None` for NaN and ±∞ (treated as missing everywhere).
pub fn known(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The finite value inside an `Option`, so `Some(NaN)` counts as missing too.
pub fn known_opt(x: Option<f64>) -> Option<f64> {
    x.and_then(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_drops_non_finite() {
        assert_eq!(known(1.5), Some(1.5));
        assert_eq!(known(f64::NAN), None);
        assert_eq!(known(f64::INFINITY), None);
        assert_eq!(known_opt(Some(f64::INFINITY)), None);
        assert_eq!(known_opt(Some(2.0)), Some(2.0));
        assert_eq!(known_opt(None), None);
    }
}
