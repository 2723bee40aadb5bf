//! `custval.toml`: the evaluation system of a custval workspace — indicators, weights, tiers,
//! classes, playbooks, action rules and budget — with its parser, its validation and the
//! formula language that lets a company add indicators and rules without recompiling.
//!
//! It is **not** the engine: nothing here reads data, computes a feature or a score. It is
//! pure, synchronous code (no I/O, no clock): the CLI reads the file, calls [`load`], and
//! hands the [`Validated`] result to `custval-eval`.
//!
//! # Entry points
//! - [`load`]`(text)`: parse and validate; every error names the key and the line.
//! - [`parse`]`(text)` and [`validate`]`(&config)` separately (a config built in code gets
//!   key-only messages).
//! - [`DEFAULT_TOML`] / [`default_config`]: the commented default that `custval init`
//!   writes — a B2B system with 9 current-value indicators weighted by AHP, 9 potential
//!   indicators with combined expert + entropy weights, playbooks for every value class and
//!   lifecycle stage and 8 action rules.
//! - [`formula`]: the formula language on its own.
//! - [`features`]: the built-in features and class variables a formula may use.
//!
//! ```
//! let v = custval_config::load(custval_config::DEFAULT_TOML)?;
//! assert!(v.warnings.is_empty());
//! // One numbers row per customer in `v.scope` slot order (NaN = missing), one texts row.
//! let mut numbers = vec![f64::NAN; v.scope.number_names().len()];
//! let mut texts = vec![""; v.scope.text_names().len()];
//! numbers[v.scope.number_slot("p_alive").unwrap_or(0)] = 0.4;
//! texts[v.scope.text_slot("value_class").unwrap_or(0)] = "most_valuable";
//! let protect = &v.actions[0];
//! assert!(protect.when.eval_bool(&numbers, &texts));
//!
//! let e = custval_config::load("[tiers]\nbasis = \"spend12m\"\n").unwrap_err();
//! assert_eq!(
//!     e.to_string(),
//!     "line 2, column 9: tiers.basis: `spend12m` is not a numeric feature, indicator or score (did you mean `spend_12m`?)"
//! );
//! # Ok::<(), custval_config::ConfigError>(())
//! ```
//!
//! # Why a formula language and not SQL
//! Indicators and action rules are formulas over built-in per-customer features that the
//! engine computes as of the evaluation date. Compared with letting users write SQL:
//! - they work identically on SQLite and PostgreSQL (and any future back end), because they
//!   never reach the database;
//! - they cannot leak data from after the as-of date: the engine computes every feature with
//!   the date cut, and a formula sees only those figures;
//! - they cannot inject SQL or touch other tables;
//! - they are validated before a run: an unknown name is an error with its line and column
//!   and the closest known name ("unknown feature `spnd_12m` (did you mean `spend_12m`?)"),
//!   and types are checked (`tier + 1` is an error, an indicator must be a number, a `when`
//!   must be true/false);
//! - they are fast over a million customers: compiled once to a small typed tree whose
//!   variables are resolved to slot indices, then evaluated per customer without allocation
//!   or name lookups.
//!
//! # Error reporting
//! Types carry no spans (they stay plain data for the engine); instead the text is also parsed
//! into a map from key paths (`indicator[3].formula`, arrays counted from 1) to spans, which
//! turns any error into `line 40, column 11: indicator[3].formula: …`. A formula error points
//! at the column inside the formula when the string has no escapes. Validation records every
//! error and reports the first in the file. An inconsistent AHP matrix (CR ≥ 0.1) is a
//! [`Warning`] naming the judgement to revise, not an error: the weights are still usable.

mod error;
pub mod features;
pub mod formula;
mod load;
mod schema;
mod suggest;
mod validate;

pub use error::{ConfigError, ErrorKind, Warning};
pub use features::{
    BUILTIN_FEATURES, CLASS_VARIABLES, ClassVariable, FeatureInfo, RESULT_VARIABLES,
};
pub use load::{DEFAULT_TOML, default_config, parse, ui};
pub use schema::{
    Accounts, Action, Budget, BudgetBasis, Classes, ClvModel, Config, Dimension, DimensionWeights,
    Direction, Evaluation, Indicator, Lifecycle, Margin, MissingRule, Normalization, Objective,
    Playbook, Subjective, TierMethod, Tiers, TimeUnit, Ui, UiLang, Webhook, WeightMethod, Weights,
};
pub use validate::{
    AhpWeights, CompiledAction, CompiledIndicator, ResolvedWeights, Validated,
    WEIGHT_SUM_TOLERANCE, validate,
};

/// Parses and validates a `custval.toml` text.
///
/// Checks, beyond TOML syntax and the schema: indicator ids unique and snake_case; every
/// formula compiles to a number against the built-in features and the indicators above it
/// (so no cycles); each dimension has indicators; expert weights cover exactly the
/// dimension's indicators and sum to 1; an AHP `order` matches, its matrix parses and has the
/// order's size (CR ≥ 0.1 is a warning naming the worst judgement); tier cuts
/// 0 < a < b ≤ 1; current_weight + potential_weight = 1; quantiles and thresholds in range;
/// the tier basis, cluster features and profit/loyalty measures name numeric features or
/// indicators; playbook classes name a class variable and one of its values; every action
/// `when` compiles to true/false.
///
/// # Errors
/// The first problem in the file, as a [`ConfigError`] with key, line and column.
pub fn load(text: &str) -> Result<Validated, ConfigError> {
    let (config, map) = load::parse_with_map(text)?;
    validate::validate_with(config, Some(&map))
}

/// `snake_case`: a lower-case ASCII letter, then lower-case letters, digits and `_`.
pub fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
