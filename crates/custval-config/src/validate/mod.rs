//! Semantic checks of a [`Config`] and its compiled form, [`Validated`].
//!
//! Every check runs and records its errors; the one reported is the first in the file (by
//! line and column), so fixing errors top to bottom always works and a mistake early in the
//! file is not hidden behind a consequence of it further down. Checks that need the text
//! (lines, "was this key written?") use the [`SourceMap`] when there is one and degrade to
//! key-only messages when the config was built in code.

use std::collections::{BTreeMap, HashMap};

use custval_weights::ahp::AhpResult;

use crate::error::{ConfigError, ErrorKind, SourceMap, Warning};
use crate::features::{
    BUILTIN_FEATURES, CLASS_VARIABLES, RESULT_VARIABLES, class_variable, feature,
};
use crate::formula::{Formula, FormulaError, Scope, Type, compile_as};
use crate::schema::{Config, Dimension, Indicator, Objective, TierMethod, Ui, WeightMethod};
use crate::suggest::did_you_mean;
use crate::{Margin, is_snake_case};

mod weights;

/// Allowed deviation of a sum of weights from 1.
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-6;

/// Names a formula reserves: they cannot be indicator or action ids.
const RESERVED: &[&str] = &[
    "and",
    "or",
    "not",
    "true",
    "false",
    "min",
    "max",
    "abs",
    "ln",
    "log10",
    "sqrt",
    "exp",
    "clamp",
    "if",
    "coalesce",
    "is_missing",
];

/// A checked configuration with everything the engine needs precomputed.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The configuration as parsed (defaults filled in).
    pub config: Config,
    /// The slot layout of every formula: numbers are the built-in features, then one slot
    /// per indicator in file order, then [`RESULT_VARIABLES`]; texts are [`CLASS_VARIABLES`].
    pub scope: Scope,
    /// One per `[[indicator]]`, in file order.
    pub indicators: Vec<CompiledIndicator>,
    /// One per `[[action]]`, in file order.
    pub actions: Vec<CompiledAction>,
    /// Weights of the current value dimension.
    pub current: ResolvedWeights,
    /// Weights of the potential dimension.
    pub potential: ResolvedWeights,
    /// Doubtful but valid settings, in file order.
    pub warnings: Vec<Warning>,
}

impl Validated {
    /// The weights of `dimension`.
    pub fn weights(&self, dimension: Dimension) -> &ResolvedWeights {
        match dimension {
            Dimension::Current => &self.current,
            Dimension::Potential => &self.potential,
        }
    }

    /// The compiled indicator `id`.
    pub fn indicator(&self, id: &str) -> Option<&CompiledIndicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// The numeric slot of a result variable (`score`, `current_score`, `potential_score`).
    pub fn result_slot(&self, name: &str) -> Option<usize> {
        RESULT_VARIABLES
            .iter()
            .position(|r| r.name == name)
            .map(|i| BUILTIN_FEATURES.len() + self.indicators.len() + i)
    }
}

/// An indicator's compiled formula and where its value goes.
#[derive(Debug, Clone)]
pub struct CompiledIndicator {
    /// The indicator id.
    pub id: String,
    /// Its dimension.
    pub dimension: Dimension,
    /// Its numeric slot: built-in feature count + its position in the file.
    pub slot: usize,
    /// The numeric formula (the feature itself when no formula was written).
    pub formula: Formula,
}

/// An action rule's compiled condition.
#[derive(Debug, Clone)]
pub struct CompiledAction {
    /// The action id.
    pub id: String,
    /// Its priority (1 = most urgent).
    pub priority: u32,
    /// The true/false `when` formula; [`Formula::variables`] are the figures to show as the
    /// reason.
    pub when: Formula,
}

/// A dimension's weights as far as they are known before the data is read.
///
/// Final weights = `alpha` × `subjective` + (1 − `alpha`) × objective weights computed from
/// the data by `objective`. For expert, AHP and equal weights `alpha` is 1 and there is no
/// objective part ([`ResolvedWeights::fixed`] gives them); for entropy and CRITIC alone
/// `alpha` is 0 and there is no subjective part.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedWeights {
    /// The dimension.
    pub dimension: Dimension,
    /// The configured method.
    pub method: WeightMethod,
    /// The dimension's indicator ids in file order; every weight vector here is aligned
    /// with it.
    pub indicators: Vec<String>,
    /// Expert, AHP or equal weights (summing to 1), when the method has them.
    pub subjective: Option<Vec<f64>>,
    /// The objective method to run on the data, when the method has one.
    pub objective: Option<Objective>,
    /// Share of the subjective weights.
    pub alpha: f64,
    /// The AHP analysis, when AHP was used (weights in `order`, λmax, CI, CR, judgements).
    pub ahp: Option<AhpWeights>,
    /// For `calibrated`: the horizon in days whose net spend the fitted weights rank (the
    /// subjective weights are then the prior, and `alpha` its share).
    pub calibrate_days: Option<u32>,
}

impl ResolvedWeights {
    /// The final weights when they do not depend on the data.
    pub fn fixed(&self) -> Option<&[f64]> {
        match (self.objective, self.calibrate_days) {
            (None, None) => self.subjective.as_deref(),
            _ => None,
        }
    }
}

/// An AHP analysis and the indicator order of its matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct AhpWeights {
    /// Indicator ids in matrix order.
    pub order: Vec<String>,
    /// The analysis by custval-weights (weights in `order`).
    pub result: AhpResult,
}

/// Checks a configuration built in code (errors name the key but have no line).
///
/// # Errors
/// The first problem found; see [`crate::load`] for the list of checks.
pub fn validate(config: &Config) -> Result<Validated, ConfigError> {
    validate_with(config.clone(), None)
}

/// Validation with an optional source map for lines.
pub(crate) fn validate_with(
    config: Config,
    map: Option<&SourceMap<'_>>,
) -> Result<Validated, ConfigError> {
    let mut c = Checker {
        map,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    c.evaluation(&config);
    let (indicators, scope) = c.indicators(&config);
    c.tiers(&config);
    c.classes(&config);
    let current = c.weights(&config, Dimension::Current);
    let potential = c.weights(&config, Dimension::Potential);
    c.budget(&config);
    c.dynamics(&config);
    c.ui(&config.ui);
    c.playbooks(&config);
    let actions = c.actions(&config, &scope);
    if let Some(first) = c.first_error() {
        return Err(first);
    }
    let mut warnings = c.warnings;
    warnings.sort_by_key(|w| w.line.unwrap_or(usize::MAX));
    Ok(Validated {
        config,
        scope,
        indicators,
        actions,
        current,
        potential,
        warnings,
    })
}

/// The first problem of a `[ui]` section, for [`crate::ui`].
pub(crate) fn ui_error(ui: &Ui, map: Option<&SourceMap<'_>>) -> Option<ConfigError> {
    let mut c = Checker {
        map,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    c.ui(ui);
    c.first_error()
}

struct Checker<'m, 't> {
    map: Option<&'m SourceMap<'t>>,
    errors: Vec<ConfigError>,
    warnings: Vec<Warning>,
}

impl Checker<'_, '_> {
    fn first_error(&mut self) -> Option<ConfigError> {
        // Stable: among errors on the same spot, the first recorded wins.
        let key = |e: &ConfigError| (e.line.unwrap_or(usize::MAX), e.column.unwrap_or(usize::MAX));
        let best = self
            .errors
            .iter()
            .enumerate()
            .min_by_key(|(i, e)| (key(e), *i))?
            .0;
        Some(self.errors.swap_remove(best))
    }

    fn position(&self, offset: Option<usize>) -> (Option<usize>, Option<usize>) {
        match (self.map, offset) {
            (Some(m), Some(o)) => {
                let (l, c) = m.position(o);
                (Some(l), Some(c))
            }
            _ => (None, None),
        }
    }

    fn line_of(&self, key: &str) -> Option<usize> {
        self.position(self.map.and_then(|m| m.offset_of(key))).0
    }

    fn error(&mut self, kind: ErrorKind, key: &str, message: impl Into<String>) {
        let offset = self.map.and_then(|m| m.offset_of(key));
        self.error_at(kind, key, offset, message);
    }

    fn error_at(
        &mut self,
        kind: ErrorKind,
        key: &str,
        offset: Option<usize>,
        message: impl Into<String>,
    ) {
        let (line, column) = self.position(offset);
        self.errors.push(ConfigError {
            kind,
            key: key.to_owned(),
            line,
            column,
            message: message.into(),
        });
    }

    fn warn(&mut self, key: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            key: key.to_owned(),
            line: self.line_of(key),
            message: message.into(),
        });
    }

    /// A formula error inside the string at `key` (`src` as written there).
    fn formula_error(&mut self, key: &str, src: &str, e: &FormulaError) {
        let offset = self.map.and_then(|m| {
            m.offset_in_string(key, src, e.offset)
                .or_else(|| m.offset_of(key))
        });
        self.error_at(ErrorKind::Formula, key, offset, e.message.clone());
    }

    /// `lo <(=) value <(=) hi`, as a [`ErrorKind::Range`] error otherwise.
    fn range(&mut self, key: &str, value: f64, lo: (f64, bool), hi: (f64, bool)) -> bool {
        let above = if lo.1 { value >= lo.0 } else { value > lo.0 };
        let below = if hi.1 { value <= hi.0 } else { value < hi.0 };
        if value.is_finite() && above && below {
            return true;
        }
        let open = if lo.1 { '[' } else { '(' };
        let close = if hi.1 { ']' } else { ')' };
        let bound = |v: f64| {
            if v.is_infinite() {
                "∞".to_owned()
            } else {
                v.to_string()
            }
        };
        self.error(
            ErrorKind::Range,
            key,
            format!(
                "{value} is out of range: expected a number in {open}{}, {}{close}",
                bound(lo.0),
                bound(hi.0)
            ),
        );
        false
    }

    fn evaluation(&mut self, config: &Config) {
        let e = &config.evaluation;
        let months = f64::from(e.clv_horizon_months);
        self.range(
            "evaluation.clv_horizon_months",
            months,
            (1.0, true),
            (120.0, true),
        );
        self.range(
            "evaluation.annual_discount_rate",
            e.annual_discount_rate,
            (0.0, true),
            (1.0, false),
        );
        if let Margin::Fixed(m) = e.margin {
            self.range("evaluation.margin", m, (0.0, false), (1.0, true));
        }
        let ok_current = self.range(
            "evaluation.current_weight",
            e.current_weight,
            (0.0, true),
            (1.0, true),
        );
        let ok_potential = self.range(
            "evaluation.potential_weight",
            e.potential_weight,
            (0.0, true),
            (1.0, true),
        );
        let sum = e.current_weight + e.potential_weight;
        if ok_current && ok_potential && (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
            self.error(
                ErrorKind::Range,
                "evaluation.potential_weight",
                format!(
                    "current_weight ({}) + potential_weight ({}) = {}; they must add up to 1",
                    e.current_weight,
                    e.potential_weight,
                    round6(sum)
                ),
            );
        }
    }

    /// Compiles every indicator in file order; returns them and the full scope.
    fn indicators(&mut self, config: &Config) -> (Vec<CompiledIndicator>, Scope) {
        let mut scope = self.indicator_scope(config);
        let dims: Vec<Dimension> = config.indicators.iter().map(|i| i.dimension).collect();
        for d in Dimension::ALL {
            if !dims.contains(d) {
                self.error(
                    ErrorKind::Schema,
                    "indicator",
                    format!(
                        "no indicator has dimension = \"{d}\"; each dimension needs at least one"
                    ),
                );
            }
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut compiled = Vec::new();
        for (i, ind) in config.indicators.iter().enumerate() {
            if let Some(c) = self.compile_indicator(i, ind, &mut scope, &mut seen) {
                compiled.push(c);
            }
        }
        for r in RESULT_VARIABLES {
            scope.reveal(r.name);
            scope.add_number(r.name);
        }
        for v in CLASS_VARIABLES {
            scope.reveal(v.name);
        }
        (compiled, scope)
    }

    /// The scope indicator formulas compile in: the built-in features, with the derived class
    /// variables, the scores and every indicator not yet compiled hidden behind a message
    /// saying why.
    fn indicator_scope(&self, config: &Config) -> Scope {
        let mut scope = Scope::builtin();
        for v in CLASS_VARIABLES.iter().filter(|v| !v.input) {
            scope.hide(
                v.name,
                format!(
                    "`{}` is derived from the scores, which are computed from the indicators; use it in [[action]] rules",
                    v.name
                ),
            );
        }
        for r in RESULT_VARIABLES {
            scope.hide(
                r.name,
                format!(
                    "`{}` is computed from the indicators; use it in [[action]] rules",
                    r.name
                ),
            );
        }
        for (i, ind) in config.indicators.iter().enumerate() {
            if feature(&ind.id).is_none() {
                let line = self
                    .line_of(&format!("indicator[{}]", i + 1))
                    .map(|l| format!(" (line {l})"))
                    .unwrap_or_default();
                scope.hide(
                    &ind.id,
                    format!(
                        "indicator `{}` is defined further down{line}; a formula may use only indicators above it",
                        ind.id
                    ),
                );
            }
        }
        scope
    }

    /// Checks and compiles indicator `i` (its id unique, a feature's formula the feature
    /// itself), gives it a slot and reveals it to the indicators below.
    fn compile_indicator<'c>(
        &mut self,
        i: usize,
        ind: &'c Indicator,
        scope: &mut Scope,
        seen: &mut HashMap<&'c str, usize>,
    ) -> Option<CompiledIndicator> {
        let base = format!("indicator[{}]", i + 1);
        let id_key = format!("{base}.id");
        self.check_id(&id_key, &ind.id, "indicator");
        if let Some(first) = seen.get(ind.id.as_str()) {
            let at = self
                .line_of(&format!("indicator[{}]", first + 1))
                .map(|l| format!(" (first at line {l})"))
                .unwrap_or_default();
            self.error(
                ErrorKind::Duplicate,
                &id_key,
                format!("indicator `{}` is defined twice{at}", ind.id),
            );
        } else {
            seen.insert(&ind.id, i);
        }
        let is_feature = feature(&ind.id).is_some();
        if is_feature {
            // Lower in the scope, a name like `spend_12m` means the feature; an indicator
            // of that name with another formula would make the name ambiguous.
            if let Some(f) = &ind.formula {
                if f.trim() != ind.id {
                    self.error(
                        ErrorKind::Formula,
                        &format!("{base}.formula"),
                        format!(
                            "indicator `{0}` is named after the built-in feature, so its formula must be `{0}` (or be left out); give a derived indicator its own id",
                            ind.id
                        ),
                    );
                }
            }
        } else {
            scope.hide(&ind.id, "an indicator cannot use itself");
        }
        let slot = scope.add_number(&ind.id);
        let (key, src) = match &ind.formula {
            Some(f) => (format!("{base}.formula"), f.as_str()),
            None => (id_key.clone(), ind.id.as_str()),
        };
        let result = if ind.formula.is_none() && !is_feature {
            Err(FormulaError {
                offset: 0,
                line: 1,
                column: 1,
                message: format!(
                    "`{}` is not a built-in feature{}, so the indicator needs a `formula`",
                    ind.id,
                    did_you_mean(&ind.id, BUILTIN_FEATURES.iter().map(|f| f.id))
                ),
            })
        } else {
            compile_as(src, scope, Type::Number)
        };
        scope.reveal(&ind.id);
        match result {
            Ok(formula) => Some(CompiledIndicator {
                id: ind.id.clone(),
                dimension: ind.dimension,
                slot,
                formula,
            }),
            Err(e) => {
                self.formula_error(&key, src, &e);
                None
            }
        }
    }

    /// Ids are snake_case and do not shadow a class variable, result variable or keyword.
    fn check_id(&mut self, key: &str, id: &str, what: &str) {
        if !is_snake_case(id) {
            self.error(
                ErrorKind::Name,
                key,
                format!("{what} id `{id}` must be snake_case: a lower-case letter, then lower-case letters, digits or `_`"),
            );
        } else if class_variable(id).is_some() || RESULT_VARIABLES.iter().any(|r| r.name == id) {
            self.error(
                ErrorKind::Name,
                key,
                format!("`{id}` is a built-in variable; choose another {what} id"),
            );
        } else if RESERVED.contains(&id) {
            self.error(
                ErrorKind::Name,
                key,
                format!("`{id}` is a word of the formula language; choose another {what} id"),
            );
        }
    }

    /// `name` must be a numeric feature or indicator (or a score, when `results`).
    fn numeric_name(&mut self, config: &Config, key: &str, name: &str, results: bool) {
        let indicators = config.indicators.iter().map(|i| i.id.as_str());
        let results_names = RESULT_VARIABLES.iter().filter(|_| results).map(|r| r.name);
        let mut known = BUILTIN_FEATURES
            .iter()
            .map(|f| f.id)
            .chain(indicators)
            .chain(results_names);
        if known.any(|n| n == name) {
            return;
        }
        let indicators = config.indicators.iter().map(|i| i.id.as_str());
        let results_names = RESULT_VARIABLES.iter().filter(|_| results).map(|r| r.name);
        let candidates = BUILTIN_FEATURES
            .iter()
            .map(|f| f.id)
            .chain(indicators)
            .chain(results_names);
        let extra = if results {
            ", indicator or score"
        } else {
            " or indicator"
        };
        self.error(
            ErrorKind::Name,
            key,
            format!(
                "`{name}` is not a numeric feature{extra}{}",
                did_you_mean(name, candidates)
            ),
        );
    }

    fn tiers(&mut self, config: &Config) {
        let t = &config.tiers;
        if self.range("tiers.a", t.a, (0.0, false), (1.0, false)) && t.b <= t.a {
            self.error(
                ErrorKind::Range,
                "tiers.b",
                format!("b ({}) must be greater than a ({})", t.b, t.a),
            );
        } else {
            self.range("tiers.b", t.b, (0.0, false), (1.0, true));
        }
        self.numeric_name(config, "tiers.basis", &t.basis, true);
        if t.method == TierMethod::Count && t.a > 0.5 {
            self.warn(
                "tiers.a",
                format!(
                    "with method = \"count\", a = {} puts {}% of customers in tier A; Pareto tiers by count are usually about 0.2",
                    t.a,
                    round6(t.a * 100.0)
                ),
            );
        }
    }

    fn classes(&mut self, config: &Config) {
        self.class_quantiles(config);
        self.clustering(config);
        let c = &config.classes;
        self.numeric_name(config, "classes.profit_measure", &c.profit_measure, false);
        self.numeric_name(config, "classes.loyalty_measure", &c.loyalty_measure, false);
        self.lifecycle(config);
    }

    /// Quantile cuts in (0, 1); the potential tiers' two shares add up to 1 at most.
    fn class_quantiles(&mut self, config: &Config) {
        let c = &config.classes;
        let open_unit = (0.0, false);
        let open_one = (1.0, false);
        self.range(
            "classes.value_high_quantile",
            c.value_high_quantile,
            open_unit,
            open_one,
        );
        self.range(
            "classes.potential_high_quantile",
            c.potential_high_quantile,
            open_unit,
            open_one,
        );
        self.range(
            "classes.profit_quantile",
            c.profit_quantile,
            open_unit,
            open_one,
        );
        self.range(
            "classes.loyalty_quantile",
            c.loyalty_quantile,
            open_unit,
            open_one,
        );
        let high = self.range(
            "classes.potential_tier_high",
            c.potential_tier_high,
            open_unit,
            open_one,
        );
        let medium = self.range(
            "classes.potential_tier_medium",
            c.potential_tier_medium,
            open_unit,
            open_one,
        );
        if high
            && medium
            && c.potential_tier_high + c.potential_tier_medium > 1.0 + WEIGHT_SUM_TOLERANCE
        {
            self.error(
                ErrorKind::Range,
                "classes.potential_tier_medium",
                format!(
                    "potential_tier_high ({}) + potential_tier_medium ({}) exceed 1",
                    c.potential_tier_high, c.potential_tier_medium
                ),
            );
        }
    }

    /// k-means: distinct numeric features to cluster on and a range of k from 2 to 50.
    fn clustering(&mut self, config: &Config) {
        let c = &config.classes;
        if c.cluster_features.is_empty() {
            self.error(
                ErrorKind::Schema,
                "classes.cluster_features",
                "list at least one feature to cluster on",
            );
        }
        let mut seen = Vec::new();
        for (i, f) in c.cluster_features.iter().enumerate() {
            let key = format!("classes.cluster_features[{}]", i + 1);
            if seen.contains(&f) {
                self.error(ErrorKind::Duplicate, &key, format!("`{f}` is listed twice"));
            }
            seen.push(f);
            self.numeric_name(config, &key, f, false);
        }
        if c.k_min < 2 {
            self.error(
                ErrorKind::Range,
                "classes.k_min",
                format!("k_min is {}; clustering needs at least 2 clusters", c.k_min),
            );
        }
        if c.k_max < c.k_min {
            self.error(
                ErrorKind::Range,
                "classes.k_max",
                format!("k_max ({}) is below k_min ({})", c.k_max, c.k_min),
            );
        } else if c.k_max > 50 {
            self.error(
                ErrorKind::Range,
                "classes.k_max",
                format!(
                    "k_max ({}) is above 50; clusters that many cannot be described",
                    c.k_max
                ),
            );
        }
    }

    /// Lifecycle thresholds in range, and churned a stronger signal than lapsed or declining.
    fn lifecycle(&mut self, config: &Config) {
        let l = &config.classes.lifecycle;
        let days = (0.0, true);
        let inf = (f64::INFINITY, false);
        let unit = ((0.0, true), (1.0, true));
        self.range("classes.lifecycle.new_days", l.new_days, days, inf);
        self.range(
            "classes.lifecycle.churn_recency_days",
            l.churn_recency_days,
            days,
            inf,
        );
        self.range(
            "classes.lifecycle.loyal_tenure_days",
            l.loyal_tenure_days,
            days,
            inf,
        );
        let churn = self.range(
            "classes.lifecycle.churn_p_alive",
            l.churn_p_alive,
            unit.0,
            unit.1,
        );
        let decline = self.range(
            "classes.lifecycle.decline_p_alive",
            l.decline_p_alive,
            unit.0,
            unit.1,
        );
        self.range(
            "classes.lifecycle.loyal_p_alive",
            l.loyal_p_alive,
            unit.0,
            unit.1,
        );
        self.range(
            "classes.lifecycle.decline_spend_growth",
            l.decline_spend_growth,
            (-1.0, true),
            inf,
        );
        let lapse = self.range(
            "classes.lifecycle.lapse_ratio",
            l.lapse_ratio,
            (0.0, false),
            inf,
        );
        let churn_ratio = self.range(
            "classes.lifecycle.churn_ratio",
            l.churn_ratio,
            (0.0, false),
            inf,
        );
        if lapse && churn_ratio && l.churn_ratio < l.lapse_ratio {
            self.error(
                ErrorKind::Range,
                "classes.lifecycle.churn_ratio",
                format!(
                    "churn_ratio ({}) is below lapse_ratio ({}); churned must be the stronger signal",
                    l.churn_ratio, l.lapse_ratio
                ),
            );
        }
        if churn && decline && l.churn_p_alive > l.decline_p_alive {
            self.error(
                ErrorKind::Range,
                "classes.lifecycle.churn_p_alive",
                format!(
                    "churn_p_alive ({}) is above decline_p_alive ({}); churned must be the stronger signal",
                    l.churn_p_alive, l.decline_p_alive
                ),
            );
        }
    }

    fn budget(&mut self, config: &Config) {
        let b = &config.budget;
        self.range("budget.total", b.total, (0.0, true), (f64::INFINITY, false));
        if class_variable(&b.by).is_none() {
            self.error(
                ErrorKind::Name,
                "budget.by",
                format!(
                    "`{}` is not a class variable{} (one of {})",
                    b.by,
                    did_you_mean(&b.by, CLASS_VARIABLES.iter().map(|v| v.name)),
                    CLASS_VARIABLES
                        .iter()
                        .map(|v| v.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }

    fn dynamics(&mut self, config: &Config) {
        if let Err(e) = config.hysteresis.validate() {
            self.error(ErrorKind::Range, "hysteresis", e.to_string());
        }
        if let Err(e) = config.alerts.validate() {
            self.error(ErrorKind::Range, "alerts", e.to_string());
        }
        if let Err(e) = config.accounts.settings().validate() {
            self.error(ErrorKind::Range, "accounts", e.to_string());
        }
        for t in &config.accounts.plan_tiers {
            if !matches!(t.as_str(), "A" | "B" | "C") {
                self.error(
                    ErrorKind::Name,
                    "accounts.plan_tiers",
                    format!("`{t}` is not a tier (A, B or C)"),
                );
            }
        }
        let w = &config.webhook;
        let http = w.url.starts_with("http://") || w.url.starts_with("https://");
        if !(w.url.is_empty() || http) {
            self.error(
                ErrorKind::Range,
                "webhook.url",
                format!("`{}` is not an http:// or https:// URL", w.url),
            );
        }
        if let Some(s) = &w.min_severity
            && !matches!(s.as_str(), "info" | "warning" | "critical")
        {
            self.error(
                ErrorKind::Name,
                "webhook.min_severity",
                format!("`{s}` is not a severity (info, warning or critical)"),
            );
        }
    }

    /// `[ui]`: the language is checked by the schema (`en` or `zh`); the currency here.
    fn ui(&mut self, ui: &Ui) {
        let iso = ui.currency.len() == 3 && ui.currency.bytes().all(|b| b.is_ascii_uppercase());
        if !iso {
            self.error(
                ErrorKind::Range,
                "ui.currency",
                format!(
                    "`{}` is not an ISO 4217 currency code (three upper-case letters, e.g. CNY, USD)",
                    ui.currency
                ),
            );
        }
    }

    /// An action family is a snake_case name.
    fn check_family(&mut self, key: &str, family: Option<&str>) {
        if let Some(f) = family.filter(|f| !is_snake_case(f)) {
            self.error(
                ErrorKind::Name,
                key,
                format!("family `{f}` must be snake_case: a lower-case letter, then lower-case letters, digits or `_`"),
            );
        }
    }

    fn playbooks(&mut self, config: &Config) {
        let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (i, p) in config.playbooks.iter().enumerate() {
            self.check_family(&format!("playbook[{}].family", i + 1), p.family.as_deref());
            let key = format!("playbook[{}].class", i + 1);
            let Some((var, value)) = p.class_parts() else {
                self.error(
                    ErrorKind::Name,
                    &key,
                    format!("class `{}` must be written \"<variable>:<value>\", e.g. \"value_class:most_valuable\" or \"tier:A\"", p.class),
                );
                continue;
            };
            let Some(variable) = class_variable(var) else {
                self.error(
                    ErrorKind::Name,
                    &key,
                    format!(
                        "`{var}` is not a class variable{} (one of {})",
                        did_you_mean(var, CLASS_VARIABLES.iter().map(|v| v.name)),
                        CLASS_VARIABLES
                            .iter()
                            .map(|v| v.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                continue;
            };
            if let Some(values) = variable.values {
                if !values.contains(&value) {
                    self.error(
                        ErrorKind::Name,
                        &key,
                        format!(
                            "`{var}` has no value `{value}`{} (its values: {})",
                            did_you_mean(value, values.iter().copied()),
                            values.join(", ")
                        ),
                    );
                    continue;
                }
            } else if value.is_empty() {
                self.error(
                    ErrorKind::Name,
                    &key,
                    format!("class `{}` has no value after `:`", p.class),
                );
                continue;
            }
            let class = (var.to_owned(), value.to_owned());
            if let Some(first) = seen.get(&class) {
                let at = self
                    .line_of(&format!("playbook[{}]", first + 1))
                    .map(|l| format!(" (first at line {l})"))
                    .unwrap_or_default();
                self.error(
                    ErrorKind::Duplicate,
                    &key,
                    format!("class `{var}:{value}` has two playbooks{at}"),
                );
            } else {
                seen.insert(class, i);
            }
        }
    }

    fn actions(&mut self, config: &Config, scope: &Scope) -> Vec<CompiledAction> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut out = Vec::new();
        for (i, a) in config.actions.iter().enumerate() {
            let base = format!("action[{}]", i + 1);
            let id_key = format!("{base}.id");
            self.check_id(&id_key, &a.id, "action");
            self.check_family(&format!("{base}.family"), a.family.as_deref());
            if let Some(first) = seen.get(a.id.as_str()) {
                let at = self
                    .line_of(&format!("action[{}]", first + 1))
                    .map(|l| format!(" (first at line {l})"))
                    .unwrap_or_default();
                self.error(
                    ErrorKind::Duplicate,
                    &id_key,
                    format!("action `{}` is defined twice{at}", a.id),
                );
            } else {
                seen.insert(&a.id, i);
            }
            if a.text.trim().is_empty() && a.text_zh.trim().is_empty() {
                self.error(
                    ErrorKind::Schema,
                    &format!("{base}.text"),
                    "the action needs a text saying what to do",
                );
            }
            let when_key = format!("{base}.when");
            match compile_as(&a.when, scope, Type::Bool) {
                Ok(when) => out.push(CompiledAction {
                    id: a.id.clone(),
                    priority: a.priority,
                    when,
                }),
                Err(e) => self.formula_error(&when_key, &a.when, &e),
            }
        }
        out
    }
}

/// Rounds for display so that 0.1 + 0.2 reads 0.3.
pub(super) fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
