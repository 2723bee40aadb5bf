//! custval's project chores as a library, so that `cargo run -p xtask -- tidy` and the
//! `tests/tidy.rs` test run exactly the same checks.
//!
//! Why it exists: review should not have to catch a module without a header, a `TODO` nobody
//! can act on, a file or a function that grew past reading, modules that depend on each other in
//! a circle, or documentation pointing to a file that is not here. The [`tidy`] module finds
//! those mechanically, across every crate, and lists every offence with its `file:line` instead
//! of stopping at the first. Code that can panic is clippy's to find (the workspace lints).
//!
//! Design choice: the checks work on a light lexical pass (comments and string literals blanked
//! out, see [`tidy::code_lines`]) rather than a full parser such as `syn`. That keeps this crate
//! dependency-free and fast to build on a shared machine, at the price of rules that read text:
//! the module graph follows `crate::`/`super::` paths and `use` imports as written (not macro
//! expansions or glob imports), and a function's length runs from its `fn` to its closing brace.

pub mod tidy;
