//! `custval.toml` end to end: the default file, defaults of absent sections, one test per
//! error kind (each checks the key and the line), the AHP consistency warning, and that no
//! input makes the loader panic.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_config::{
    ConfigError, DEFAULT_TOML, Dimension, ErrorKind, Margin, WeightMethod, default_config, load,
    parse, validate,
};
use proptest::prelude::*;

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
}

fn load_err(text: &str) -> ConfigError {
    match load(text) {
        Ok(_) => panic!("loaded:\n{text}"),
        Err(e) => e,
    }
}

/// Asserts kind, key and line, and that the rendered message names both.
fn check(e: &ConfigError, kind: ErrorKind, key: &str, line: usize) {
    assert_eq!(e.kind, kind, "{e}");
    assert_eq!(e.key, key, "{e}");
    assert_eq!(e.line, Some(line), "{e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("line {line}, column ")),
        "{shown}"
    );
    assert!(shown.contains(key), "{shown}");
}

/// A small custom system: two current indicators (one derived) and one potential.
const SMALL: &str = r#"
[[indicator]]
id = "spend_12m"
dimension = "current"

[[indicator]]
id = "profit_per_order"
name = "Gross profit per order"
dimension = "current"
formula = "gross_profit_12m / max(orders_12m, 1)"

[[indicator]]
id = "p_alive"
dimension = "potential"
normalization = "none"
"#;

#[test]
fn calibrated_weights_need_a_prior_and_a_sane_horizon() {
    let text = DEFAULT_TOML.replace("prior = \"ahp\"\n", "");
    let err = load_err(&text);
    assert!(err.to_string().contains("weights.current.prior"), "{err}");
    let text = DEFAULT_TOML.replace("prior = \"ahp\"\n", "prior = \"ahp\"\nhorizon_days = 5\n");
    let err = load_err(&text);
    assert!(err.to_string().contains("horizon_days"), "{err}");
}

#[test]
fn default_config_parses_and_validates_without_warnings() {
    let v = load(DEFAULT_TOML).unwrap();
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
    assert_eq!(v.config, default_config());
    assert_eq!(v.indicators.len(), 18);
    assert_eq!(v.actions.len(), 8);
    assert_eq!(v.config.playbooks.len(), 10);
    // AHP over all nine current indicators, consistent.
    let ahp = v.current.ahp.as_ref().unwrap();
    assert_eq!(ahp.order.len(), 9);
    assert!(
        ahp.result.consistent && ahp.result.cr < 0.1,
        "CR {}",
        ahp.result.cr
    );
    // Issue 17: the default current weights are calibrated, with the AHP as their prior.
    assert_eq!(v.current.method, WeightMethod::Calibrated);
    assert_eq!(v.current.calibrate_days, Some(365));
    assert!(v.current.fixed().is_none());
    let w = v.current.subjective.as_deref().unwrap();
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    // Net contribution is the heaviest current indicator.
    let net = v
        .current
        .indicators
        .iter()
        .position(|i| i == "net_contribution_12m")
        .unwrap();
    assert!(w.iter().all(|x| *x <= w[net]));
    // Potential: half expert, half calibrated (issue 17; entropy was the earlier default).
    assert_eq!(v.potential.method, WeightMethod::Calibrated);
    assert_eq!(v.potential.objective, None);
    assert_eq!(v.potential.alpha, 0.5);
    assert!(v.potential.fixed().is_none());
    // Every value class and lifecycle stage has a bilingual playbook.
    for class in custval_config::features::VALUE_CLASS_VALUES
        .iter()
        .map(|c| format!("value_class:{c}"))
        .chain(
            custval_config::features::LIFECYCLE_VALUES
                .iter()
                .map(|c| format!("lifecycle:{c}")),
        )
    {
        let p = v
            .config
            .playbooks
            .iter()
            .find(|p| p.class == class)
            .unwrap_or_else(|| panic!("{class}"));
        assert!(!p.goal.is_empty() && !p.goal_zh.is_empty(), "{class}");
        for (field, en, zh) in p.fields() {
            assert_eq!(en.is_empty(), zh.is_empty(), "{class}.{field}");
        }
    }
    // Missing-data rules of the default: the median for rates and survey scores, zero for growth.
    let rule = |id: &str| {
        v.config
            .indicators
            .iter()
            .find(|i| i.id == id)
            .unwrap()
            .missing
    };
    use custval_config::MissingRule::*;
    assert_eq!(rule("renewal_rate"), Median);
    assert_eq!(rule("csat"), Median);
    assert_eq!(rule("payment_on_time_rate"), Median);
    assert_eq!(rule("spend_growth_6m"), Zero);
}

#[test]
fn slots_follow_features_then_indicators_then_scores() {
    let v = load(DEFAULT_TOML).unwrap();
    let features = custval_config::BUILTIN_FEATURES.len();
    for (i, ind) in v.indicators.iter().enumerate() {
        assert_eq!(ind.slot, features + i);
    }
    assert_eq!(v.result_slot("score"), Some(features + 18));
    let names = v.scope.number_names();
    // score, current_score, potential_score, payment_delay_percentile (issue 17).
    assert_eq!(names.len(), features + 18 + 4);
    assert_eq!(names[features + 18], "score");
    // An action reading a score compiles against the full scope and evaluates by slot.
    let a = &v.actions[0];
    assert_eq!(a.id, "protect_key_account");
    let vars: Vec<&str> = a.when.variables().iter().map(|v| v.name.as_str()).collect();
    assert_eq!(vars, ["value_class", "p_alive"]);
    let mut numbers = vec![f64::NAN; names.len()];
    let mut texts = vec![""; v.scope.text_names().len()];
    texts[1] = "most_valuable";
    assert!(!a.when.eval_bool(&numbers, &texts));
    numbers[v.scope.number_slot("p_alive").unwrap()] = 0.3;
    assert!(a.when.eval_bool(&numbers, &texts));
}

#[test]
fn an_empty_file_is_the_default_and_struct_defaults_match_it() {
    assert_eq!(parse("").unwrap(), default_config());
    let d = default_config();
    assert_eq!(d.evaluation, Default::default());
    assert_eq!(d.tiers, Default::default());
    assert_eq!(d.classes, Default::default());
    assert_eq!(d.budget, Default::default());
    // One changed key keeps the rest of its section.
    let c = parse("[evaluation]\nmargin = 0.3\n").unwrap();
    assert_eq!(c.evaluation.margin, Margin::Fixed(0.3));
    assert_eq!(c.evaluation.clv_horizon_months, 12);
    assert_eq!(c.indicators, d.indicators);
    assert_eq!(c.weights, d.weights);
}

#[test]
fn custom_indicators_without_weights_get_equal_weights() {
    let v = load(SMALL).unwrap();
    assert_eq!(v.current.method, WeightMethod::Equal);
    assert_eq!(v.current.fixed(), Some(&[0.5, 0.5][..]));
    assert_eq!(v.potential.fixed(), Some(&[1.0][..]));
    let derived = v.indicator("profit_per_order").unwrap();
    let vars: Vec<&str> = derived
        .formula
        .variables()
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(vars, ["gross_profit_12m", "orders_12m"]);
    assert_eq!(v.config.indicators[1].label_en(), "Gross profit per order");
    assert_eq!(v.config.indicators[0].label_zh(), "近12个月消费额");
    // Default playbooks and actions still apply.
    assert_eq!(v.config.actions.len(), 8);
    // `action = []` means none.
    let none = load(&format!("action = []\n{SMALL}")).unwrap();
    assert!(none.actions.is_empty());
}

#[test]
fn later_indicators_may_use_earlier_ones() {
    let text = format!(
        "{SMALL}\n[[indicator]]\nid = \"profit_score\"\ndimension = \"potential\"\nformula = \"ln(1 + max(profit_per_order, 0)) * p_alive\"\n"
    );
    let v = load(&text).unwrap();
    let f = &v.indicator("profit_score").unwrap().formula;
    let slot = v.indicator("profit_per_order").unwrap().slot;
    assert!(f.variables().iter().any(|x| x.slot == slot));
}

#[test]
fn syntax_error() {
    let text = "[evaluation]\nclv_model = \n";
    let e = load_err(text);
    check(&e, ErrorKind::Syntax, "evaluation.clv_model", 2);
    assert!(e.message.starts_with("TOML syntax"), "{e}");
    let e = load_err("[tiers\nbasis = 'x'\n");
    assert_eq!((e.kind, e.line), (ErrorKind::Syntax, Some(1)));
}

#[test]
fn schema_errors_name_the_key() {
    // Unknown key, with a suggestion.
    let text = DEFAULT_TOML.replacen(
        "normalization = \"minmax\"",
        "normalisation = \"minmax\"",
        1,
    );
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Schema,
        "indicator[4].normalisation",
        line_of(&text, "normalisation"),
    );
    assert!(e.message.contains("did you mean `normalization`"), "{e}");
    // Unknown choice.
    let text = SMALL.replace("normalization = \"none\"", "normalization = \"log\"");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Schema,
        "indicator[3].normalization",
        line_of(&text, "\"log\""),
    );
    assert!(e.message.contains("log_minmax"), "{e}");
    // Wrong type.
    let text = format!("[classes]\nk_min = \"two\"\n{SMALL}");
    check(&load_err(&text), ErrorKind::Schema, "classes.k_min", 2);
    // Missing required key: the block's header line.
    let text = SMALL.replace("dimension = \"potential\"\n", "");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Schema,
        "indicator[3]",
        line_of(&text, "id = \"p_alive\"") - 1,
    );
    assert!(e.message.contains("dimension"), "{e}");
    // A misspelt section.
    let text = format!("{SMALL}\n[weight.current]\nmethod = 'equal'\n");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Schema,
        "weight",
        line_of(&text, "[weight.current]"),
    );
    assert!(e.message.contains("did you mean `weights`"), "{e}");
    // A margin that is neither "observed" nor a number.
    let e = load_err("[evaluation]\nmargin = \"estimated\"\n");
    check(&e, ErrorKind::Schema, "evaluation.margin", 2);
    // A method that needs a field it does not have.
    let text = format!("{SMALL}\n[weights.current]\nmethod = \"expert\"\n");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Schema,
        "weights.current.expert",
        line_of(&text, "[weights.current]"),
    );
}

#[test]
fn duplicate_indicator() {
    let text = format!("{SMALL}\n[[indicator]]\nid = \"spend_12m\"\ndimension = \"potential\"\n");
    let e = load_err(&text);
    let second = text
        .match_indices("id = \"spend_12m\"")
        .nth(1)
        .map(|(i, _)| text[..i].matches('\n').count() + 1);
    check(&e, ErrorKind::Duplicate, "indicator[4].id", second.unwrap());
    assert!(e.message.contains("first at line 2"), "{e}");
}

#[test]
fn name_errors() {
    let text = SMALL.replace("\"profit_per_order\"", "\"Profit-per-order\"");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Name,
        "indicator[2].id",
        line_of(&text, "Profit-per-order"),
    );
    let text = format!("[tiers]\nbasis = \"spend_12\"\n{SMALL}");
    let e = load_err(&text);
    check(&e, ErrorKind::Name, "tiers.basis", 2);
    assert!(e.message.contains("did you mean `spend_12m`"), "{e}");
    let text = format!("{SMALL}\n[[playbook]]\nclass = \"value_class:most_valueable\"\n");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Name,
        "playbook[1].class",
        line_of(&text, "most_valueable"),
    );
    assert!(e.message.contains("did you mean `most_valuable`"), "{e}");
    let text = format!("{SMALL}\n[[playbook]]\nclass = \"segment:x\"\n");
    check(
        &load_err(&text),
        ErrorKind::Name,
        "playbook[1].class",
        line_of(&text, "segment:x"),
    );
    let text = format!("[budget]\nby = \"valueclass\"\n{SMALL}");
    let e = load_err(&text);
    check(&e, ErrorKind::Name, "budget.by", 2);
    assert!(e.message.contains("value_class"), "{e}");
    let text = format!("[classes]\ncluster_features = [\"spend_12m\", \"orders\"]\n{SMALL}");
    check(
        &load_err(&text),
        ErrorKind::Name,
        "classes.cluster_features[2]",
        2,
    );
    let text = SMALL.replace("\"profit_per_order\"", "\"tier\"");
    assert!(load_err(&text).message.contains("built-in variable"));
}

#[test]
fn formula_errors_point_into_the_formula() {
    let text = SMALL.replace("gross_profit_12m /", "gross_profit_12 /");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Formula,
        "indicator[2].formula",
        line_of(&text, "gross_profit_12 /"),
    );
    assert_eq!(e.column, Some(12), "{e}");
    assert!(e.message.contains("did you mean `gross_profit_12m`"), "{e}");
    // An indicator defined further down (so no cycles).
    let text = SMALL.replace("max(orders_12m, 1)", "max(orders_12m, 1) * later");
    let text = format!(
        "{text}\n[[indicator]]\nid = \"later\"\ndimension = \"potential\"\nformula = \"spend_12m * 2\"\n"
    );
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Formula,
        "indicator[2].formula",
        line_of(&text, "* later"),
    );
    assert!(e.message.contains("defined further down (line"), "{e}");
    // Itself.
    let text = SMALL.replace("max(orders_12m, 1)", "profit_per_order");
    assert!(load_err(&text).message.contains("cannot use itself"));
    // Classes computed from scores are not available to indicators.
    let text = SMALL.replace("max(orders_12m, 1)", "if(tier == 'A', 1, 2)");
    assert!(load_err(&text).message.contains("derived from the scores"));
    // A feature-named indicator with another formula.
    let text = SMALL.replace(
        "id = \"spend_12m\"\n",
        "id = \"spend_12m\"\nformula = \"spend_12m / 2\"\n",
    );
    check(
        &load_err(&text),
        ErrorKind::Formula,
        "indicator[1].formula",
        line_of(&text, "spend_12m / 2"),
    );
    // A non-feature id without a formula.
    let text = SMALL.replace("formula = \"gross_profit_12m / max(orders_12m, 1)\"\n", "");
    check(
        &load_err(&text),
        ErrorKind::Formula,
        "indicator[2].id",
        line_of(&text, "profit_per_order"),
    );
    // Indicator formulas must be numbers; `when` must be true/false.
    let text = SMALL.replace("max(orders_12m, 1)", "max(orders_12m, 1) > 3");
    assert!(load_err(&text).message.contains("must give a number"));
    let text =
        format!("{SMALL}\n[[action]]\nid = \"call\"\nwhen = \"p_alive * 2\"\ntext = \"Call\"\n");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Formula,
        "action[1].when",
        line_of(&text, "p_alive * 2"),
    );
    assert!(e.message.contains("must give true/false"), "{e}");
    let text =
        format!("{SMALL}\n[[action]]\nid = \"call\"\nwhen = \"tier == 'D'\"\ntext = \"Call\"\n");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Formula,
        "action[1].when",
        line_of(&text, "tier == 'D'"),
    );
    assert_eq!(e.column, Some(17), "{e}");
}

#[test]
fn range_errors() {
    let text = format!("[tiers]\na = 0.9\nb = 0.8\n{SMALL}");
    let e = load_err(&text);
    check(&e, ErrorKind::Range, "tiers.b", 3);
    let text = format!("[evaluation]\ncurrent_weight = 0.7\npotential_weight = 0.4\n{SMALL}");
    let e = load_err(&text);
    check(&e, ErrorKind::Range, "evaluation.potential_weight", 3);
    assert!(e.message.contains("= 1.1; they must add up to 1"), "{e}");
    let text = format!("[classes]\nvalue_high_quantile = 1.5\n{SMALL}");
    check(
        &load_err(&text),
        ErrorKind::Range,
        "classes.value_high_quantile",
        2,
    );
    let text = format!("[classes.lifecycle]\nchurn_p_alive = 0.6\n{SMALL}");
    check(
        &load_err(&text),
        ErrorKind::Range,
        "classes.lifecycle.churn_p_alive",
        2,
    );
    let text = format!("[evaluation]\nmargin = 1.2\n{SMALL}");
    check(&load_err(&text), ErrorKind::Range, "evaluation.margin", 2);
}

#[test]
fn expert_weight_errors() {
    let weights = "\n[weights.current]\nmethod = \"expert\"\nexpert = { spend_12m = 0.5, profit_per_order = 0.4 }\n";
    let text = format!("{SMALL}{weights}");
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Weights,
        "weights.current.expert",
        line_of(&text, "expert = {"),
    );
    assert!(e.message.contains("add up to 0.9, not 1"), "{e}");
    let text = text.replace("profit_per_order = 0.4", "p_alive = 0.5");
    let e = load_err(&text);
    assert_eq!(e.key, "weights.current.expert.p_alive", "{e}");
    assert!(e.message.contains("potential indicator"), "{e}");
    let text = format!(
        "{SMALL}\n[weights.current]\nmethod = \"expert\"\n\n[weights.current.expert]\nspend_12m = 1.0\n"
    );
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Weights,
        "weights.current.expert",
        line_of(&text, "[weights.current.expert]"),
    );
    assert!(e.message.contains("missing `profit_per_order`"), "{e}");
    let ok = format!("{SMALL}{}", weights.replace("0.4", "0.5"));
    let v = load(&ok).unwrap();
    assert_eq!(v.current.fixed(), Some(&[0.5, 0.5][..]));
}

#[test]
fn ahp_errors() {
    let text = format!(
        "{SMALL}\n[weights.current]\nmethod = \"ahp\"\norder = [\"spend_12m\", \"profit_per_order\"]\nmatrix = \"1 2 3; 1/2 1 2; 1/3 1/2 1\"\n"
    );
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Ahp,
        "weights.current.matrix",
        line_of(&text, "matrix ="),
    );
    assert!(e.message.contains("3×3 but `order` lists 2"), "{e}");
    // A bad entry on the third row of a multi-line matrix points at that row's line.
    let text = format!(
        "{SMALL}\n[weights.current]\nmethod = \"ahp\"\norder = [\"spend_12m\", \"profit_per_order\"]\nmatrix = '''\n1 2\n\n1/2 x\n'''\n"
    );
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Ahp,
        "weights.current.matrix",
        line_of(&text, "1/2 x"),
    );
    let text = format!(
        "{SMALL}\n[weights.current]\nmethod = \"ahp\"\norder = [\"spend_12m\", \"spend_12m\"]\nmatrix = \"1 2; 1/2 1\"\n"
    );
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Duplicate,
        "weights.current.order[2]",
        line_of(&text, "order ="),
    );
}

#[test]
fn inconsistent_ahp_is_a_warning_naming_the_worst_judgement() {
    // Saaty's scale, three items: 1 ≻ 2 (3), 2 ≻ 3 (3), but 3 ≻ 1 (3): a cycle, CR far above 0.1.
    let text = format!(
        "{}\n[[indicator]]\nid = \"orders_12m\"\ndimension = \"current\"\n\n[weights.current]\nmethod = \"ahp\"\norder = [\"spend_12m\", \"profit_per_order\", \"orders_12m\"]\nmatrix = \"1 3 1/3; 1/3 1 3; 3 1/3 1\"\n",
        SMALL
    );
    let v = load(&text).unwrap();
    assert_eq!(v.warnings.len(), 1, "{:?}", v.warnings);
    let w = &v.warnings[0];
    assert_eq!(w.key, "weights.current.matrix");
    assert_eq!(w.line, Some(line_of(&text, "matrix =")));
    let ahp = v.current.ahp.as_ref().unwrap();
    assert!(ahp.result.cr > 0.1);
    let worst = &ahp.result.inconsistent_judgements[0];
    let names = ["spend_12m", "profit_per_order", "orders_12m"];
    let expected = format!(
        "row {} `{}` vs column {} `{}`",
        worst.row,
        names[worst.row - 1],
        worst.column,
        names[worst.column - 1]
    );
    assert!(w.message.contains(&expected), "{}", w.message);
    assert!(
        w.message.contains(&format!("CR = {:.3}", ahp.result.cr)),
        "{}",
        w.message
    );
    // The weights are still usable, aligned with the file order of the indicators.
    let fixed = v.current.fixed().unwrap();
    assert_eq!(
        v.current.indicators,
        ["spend_12m", "profit_per_order", "orders_12m"]
    );
    assert!((fixed.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn a_fairly_inconsistent_matrix_names_the_judgement_to_revise() {
    // A consistent 4×4 matrix (weights 8:4:2:1) with one judgement reversed (1 vs 4: 1/8).
    let text = format!(
        "{}\n[[indicator]]\nid = \"orders_12m\"\ndimension = \"current\"\n[[indicator]]\nid = \"aov_12m\"\ndimension = \"current\"\n\n[weights.current]\nmethod = \"ahp\"\norder = [\"spend_12m\", \"profit_per_order\", \"orders_12m\", \"aov_12m\"]\nmatrix = \"1 2 4 1/8; 1/2 1 2 4; 1/4 1/2 1 2; 8 1/4 1/2 1\"\n",
        SMALL
    );
    let v = load(&text).unwrap();
    let w = &v.warnings[0];
    assert!(
        w.message
            .contains("row 1 `spend_12m` vs column 4 `aov_12m`: given 1/8"),
        "{}",
        w.message
    );
}

#[test]
fn unused_weight_fields_warn() {
    let text = format!(
        "{SMALL}\n[weights.current]\nmethod = \"equal\"\nalpha = 0.3\nexpert = {{ spend_12m = 1.0 }}\n"
    );
    let v = load(&text).unwrap();
    let keys: Vec<&str> = v.warnings.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(keys, ["weights.current.alpha", "weights.current.expert"]);
    assert!(v.warnings.iter().all(|w| w.line.is_some()));
}

#[test]
fn validate_without_text_names_the_key() {
    let mut config = default_config();
    config.tiers.a = 1.2;
    let e = validate(&config).unwrap_err();
    assert_eq!(
        (e.kind, e.key.as_str(), e.line),
        (ErrorKind::Range, "tiers.a", None)
    );
    assert!(e.to_string().starts_with("tiers.a: "), "{e}");
    config.tiers.a = 0.8;
    config
        .indicators
        .retain(|i| i.dimension == Dimension::Current);
    let e = validate(&config).unwrap_err();
    assert_eq!(e.key, "indicator");
    assert!(e.message.contains("potential"), "{e}");
}

#[test]
fn the_first_error_in_the_file_is_reported() {
    let text =
        format!("[tiers]\nbasis = \"nothing\"\n\n[evaluation]\nclv_horizon_months = 0\n{SMALL}");
    check(&load_err(&text), ErrorKind::Name, "tiers.basis", 2);
}

#[test]
fn config_round_trips_through_toml() {
    let d = default_config();
    let text = toml::to_string(&d).unwrap();
    assert_eq!(parse(&text).unwrap(), d);
}

proptest! {
    #[test]
    fn loader_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = load(&text);
    }

    #[test]
    fn loader_never_panics_on_damaged_default(cut in 0..DEFAULT_TOML.len(), len in 0usize..40, junk in "[ -~\n]{0,8}") {
        let mut start = cut;
        while !DEFAULT_TOML.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(DEFAULT_TOML.len());
        while !DEFAULT_TOML.is_char_boundary(end) {
            end -= 1;
        }
        let text = format!("{}{junk}{}", &DEFAULT_TOML[..start], &DEFAULT_TOML[end..]);
        if let Err(e) = load(&text) {
            // Every error from text has a line.
            prop_assert!(e.line.is_some(), "{e}");
        }
    }
}

#[test]
fn regression_bom_at_start_of_file() {
    // Windows editors save UTF-8 with a byte-order mark.
    let text = format!("\u{feff}[tiers]\na = 0.7\n{SMALL}");
    let v = load(&text).unwrap();
    assert_eq!(v.config.tiers.a, 0.7);
    let e = load_err("\u{feff}[tiers]\na = 7\n");
    check(&e, ErrorKind::Range, "tiers.a", 2);
}

/// Issue 17: `family` groups actions that contradict each other; it must be snake_case.
#[test]
fn action_families_are_snake_case_and_default_ones_are_set() {
    let text = format!(
        "{SMALL}\n[[action]]\nid = \"call\"\nwhen = \"p_alive < 0.5\"\ntext = \"Call\"\nfamily = \"Relationship\"\n"
    );
    let e = load_err(&text);
    check(
        &e,
        ErrorKind::Name,
        "action[1].family",
        line_of(&text, "Relationship"),
    );
    let text = format!(
        "{SMALL}\n[[action]]\nid = \"call\"\nwhen = \"p_alive < 0.5\"\ntext = \"Call\"\nfamily = \"relationship\"\npriority = 1\n"
    );
    assert!(load(&text).is_ok());
    let c = custval_config::parse(&text).expect("valid");
    assert_eq!(c.actions[0].family.as_deref(), Some("relationship"));
    let d = custval_config::parse(DEFAULT_TOML).expect("default");
    let fam = |id: &str| {
        d.actions
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| a.family.clone())
    };
    assert_eq!(fam("review_abandonment"), fam("protect_key_account"));
    assert_eq!(fam("onboarding"), fam("win_back_call"));
    assert!(!d.tiers.loss_makers_top_tier);
}

/// `[ui]` (issue 21): the language and currency of outputs, in the default file and checked
/// with their lines; `custval_config::ui` reads the section alone, whatever the rest holds.
#[test]
fn ui_language_and_currency() {
    let v = load(DEFAULT_TOML).unwrap();
    assert_eq!(v.config.ui.lang, custval_config::UiLang::En);
    assert_eq!(v.config.ui.currency, "CNY");
    assert_eq!(default_config().ui, custval_config::Ui::default());

    let text = format!("{SMALL}\n[ui]\nlang = \"zh\"\ncurrency = \"USD\"\n");
    let v = load(&text).unwrap();
    assert_eq!(v.config.ui.lang, custval_config::UiLang::Zh);
    assert_eq!(v.config.ui.currency, "USD");

    let text = format!("{SMALL}\n[ui]\nlang = \"fr\"\n");
    let e = load_err(&text);
    assert_eq!(e.kind, ErrorKind::Schema, "{e}");
    assert_eq!(e.line, Some(line_of(&text, "lang = \"fr\"")), "{e}");
    assert!(e.to_string().contains("zh"), "{e}");

    for bad in ["usd", "US", "EURO", "¥"] {
        let text = format!("{SMALL}\n[ui]\ncurrency = \"{bad}\"\n");
        let e = load_err(&text);
        check(
            &e,
            ErrorKind::Range,
            "ui.currency",
            line_of(&text, "currency ="),
        );
        assert!(e.to_string().contains("ISO 4217"), "{e}");
    }

    // The section alone: other sections are not validated, [ui] is.
    let ui = custval_config::ui("[tiers]\nbasis = \"nonsense\"\n[ui]\nlang = \"zh\"\n").unwrap();
    assert_eq!(ui.lang, custval_config::UiLang::Zh);
    assert_eq!(ui.currency, "CNY");
    assert_eq!(
        custval_config::ui("").unwrap(),
        custval_config::Ui::default()
    );
    let e = custval_config::ui("[ui]\ncurrency = \"rmb\"\n").unwrap_err();
    check(&e, ErrorKind::Range, "ui.currency", 2);
    let e = custval_config::ui("[ui]\nlanguage = \"zh\"\n").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Schema, "{e}");
    assert_eq!(e.line, Some(2), "{e}");
}
