//! custval's project chores as a library, so that `cargo run -p xtask -- tidy` and the
//! `tests/tidy.rs` test run exactly the same checks.
//!
//! Why it exists: review should not have to catch a crate without a header, an `unwrap()` that
//! can panic on a user's file, a `TODO` nobody can act on or a file that grew past reading. The
//! [`tidy`] module finds those mechanically, across every crate, and lists every offence with its
//! `file:line` instead of stopping at the first.
//!
//! Design choice: the checks work on a light lexical pass (comments and string literals blanked
//! out, see [`tidy::code_lines`]) rather than a full parser such as `syn`. That keeps this crate
//! dependency-free and fast to build on a shared machine, at the price of rules that are textual:
//! a method that happens to be called `expect` is flagged too, and "test code" means everything
//! after the first `#[cfg(test)]` line of a file (the convention that test modules come last).

pub mod tidy;
