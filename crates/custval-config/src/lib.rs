//! custval.toml (temporary header while being written).

pub mod features;
pub mod formula;
mod suggest;

/// `snake_case`: a lower-case ASCII letter, then lower-case letters, digits and `_`.
pub fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
