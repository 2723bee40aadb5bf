//! The formula language through its public API: precedence, missing values, functions, type
//! errors, suggestions, and the never-panic / never-NaN invariants.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_config::features::BUILTIN_FEATURES;
use custval_config::formula::{MAX_DEPTH, Scope, Type, Value, compile, compile_as};
use proptest::prelude::*;

/// A scope with three numbers `a`, `b`, `c` and two texts `tier` (A/B/C) and `industry`.
fn scope() -> Scope {
    let mut s = Scope::new();
    s.add_number("a");
    s.add_number("b");
    s.add_number("c");
    s.add_text("tier", Some(vec!["A".into(), "B".into(), "C".into()]));
    s.add_text("industry", None);
    s
}

fn num(src: &str, nums: &[f64]) -> Option<f64> {
    let f = compile(src, &scope()).unwrap_or_else(|e| panic!("{src}: {e}"));
    assert_eq!(f.ty(), Type::Number, "{src}");
    f.eval(nums, &["A", "pharma"]).as_number()
}

fn cond(src: &str, nums: &[f64], texts: &[&str]) -> bool {
    let f = compile(src, &scope()).unwrap_or_else(|e| panic!("{src}: {e}"));
    assert_eq!(f.ty(), Type::Bool, "{src}");
    match f.eval(nums, texts) {
        Value::Bool(b) => b,
        other => panic!("{src}: {other:?}"),
    }
}

fn err(src: &str) -> custval_config::formula::FormulaError {
    match compile(src, &scope()) {
        Ok(_) => panic!("{src} compiled"),
        Err(e) => e,
    }
}

const N: f64 = f64::NAN;

#[test]
fn precedence_and_associativity() {
    let v = [2.0, 3.0, 4.0];
    assert_eq!(num("a + b * c", &v), Some(14.0));
    assert_eq!(num("(a + b) * c", &v), Some(20.0));
    assert_eq!(num("c - b - a", &v), Some(-1.0));
    assert_eq!(num("c / a / a", &v), Some(1.0));
    assert_eq!(num("-a * b", &v), Some(-6.0));
    assert_eq!(num("- -a", &v), Some(2.0));
    assert_eq!(num("a - -b", &v), Some(5.0));
    assert_eq!(num("1e3 + .5", &v), Some(1000.5));
    // or binds looser than and; not looser than comparisons.
    assert!(cond("a > 5 and b > 5 or c > 3", &v, &[]));
    assert!(!cond("a > 5 and (b > 5 or c > 3)", &v, &[]));
    assert!(cond("not a > 5", &v, &[]));
    assert!(cond("not a > 1 or b == 3", &v, &[]));
    assert!(cond("a + 1 == b", &v, &[]));
    assert!(cond("(a < b) == (b < c)", &v, &[]));
    assert!(cond("true and not false", &v, &[]));
}

#[test]
fn missing_propagates_and_comparisons_are_false() {
    assert_eq!(num("a + b", &[1.0, N, 0.0]), None);
    assert_eq!(num("max(a, b, c)", &[1.0, N, 0.0]), None);
    assert_eq!(num("abs(b)", &[1.0, N, 0.0]), None);
    assert_eq!(num("coalesce(b, a)", &[1.0, N, 0.0]), Some(1.0));
    assert_eq!(num("coalesce(b, c / 0)", &[1.0, N, 0.0]), None);
    assert!(cond("is_missing(b)", &[1.0, N], &[]));
    assert!(!cond("is_missing(a)", &[1.0, N], &[]));
    assert!(!cond("b < 1", &[1.0, N], &[]));
    assert!(!cond("b >= 1", &[1.0, N], &[]));
    assert!(!cond("b == b", &[1.0, N], &[]));
    assert!(!cond("b != 1", &[1.0, N], &[]));
    assert!(cond("not b != 1", &[1.0, N], &[]));
    // if evaluates only the chosen branch.
    assert_eq!(num("if(a > 0, a, b)", &[1.0, N]), Some(1.0));
    assert_eq!(num("if(a < 0, a, b)", &[1.0, N]), None);
    // Slots beyond the slice and infinite inputs read as missing.
    assert_eq!(num("c", &[1.0]), None);
    assert_eq!(num("a", &[f64::INFINITY]), None);
    // Texts: "" is missing; comparisons with it are false both ways.
    assert!(!cond("industry == 'x'", &[], &["A", ""]));
    assert!(!cond("industry != 'x'", &[], &["A", ""]));
    assert!(cond("is_missing(industry)", &[], &["A", ""]));
    assert!(cond(
        "coalesce(industry, 'none') == 'none'",
        &[],
        &["A", ""]
    ));
}

#[test]
fn arithmetic_edge_cases_give_missing_not_nan() {
    let v = [0.0, -1.0, 1e308];
    assert_eq!(num("1 / a", &v), None);
    assert_eq!(num("a / a", &v), None);
    assert_eq!(num("ln(a)", &v), None);
    assert_eq!(num("ln(b)", &v), None);
    assert_eq!(num("log10(b)", &v), None);
    assert_eq!(num("sqrt(b)", &v), None);
    assert_eq!(num("exp(1000)", &v), None);
    assert_eq!(num("c * 10", &v), None);
    assert_eq!(num("clamp(a, 1, -1)", &v), None);
}

#[test]
fn functions() {
    let v = [4.0, -2.5, 100.0];
    assert_eq!(num("min(a, b, c)", &v), Some(-2.5));
    assert_eq!(num("max(a, b, c)", &v), Some(100.0));
    assert_eq!(num("max(a)", &v), Some(4.0));
    assert_eq!(num("abs(b)", &v), Some(2.5));
    assert_eq!(num("ln(exp(a))", &v), Some(4.0));
    assert_eq!(num("log10(c)", &v), Some(2.0));
    assert_eq!(num("sqrt(a)", &v), Some(2.0));
    assert_eq!(num("clamp(c, 0, 10)", &v), Some(10.0));
    assert_eq!(num("clamp(b, -1, 1)", &v), Some(-1.0));
    assert_eq!(num("clamp(a, 0, 10)", &v), Some(4.0));
    assert_eq!(num("if(tier == 'A', 1, 0)", &v), Some(1.0));
    assert_eq!(num("if(tier == 'B', 1, 0)", &v), Some(0.0));
    assert!(cond("if(a > 0, b < 0, false)", &v, &[]));
    assert!(cond(
        "tier == \"A\" and industry != 'retail'",
        &v,
        &["A", "pharma"]
    ));
    let f = compile("if(a > 0, tier, industry)", &scope()).unwrap();
    assert_eq!(f.eval(&v, &["A", "x"]), Value::Text("A"));
    assert_eq!(f.eval(&[-1.0], &["A", ""]), Value::Missing);
}

#[test]
fn variables_are_listed_once_in_order() {
    let f = compile("b > 1 and tier == 'A' and b < a", &scope()).unwrap();
    let names: Vec<&str> = f.variables().iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["b", "tier", "a"]);
    assert_eq!(f.variables()[1].ty, Type::Text);
    assert_eq!(f.variables()[1].slot, 0);
    assert_eq!(f.variables()[2].slot, 0);
    assert_eq!(
        compile("c", &scope())
            .unwrap()
            .as_variable()
            .map(|v| v.slot),
        Some(2)
    );
    assert!(compile("c + 0", &scope()).unwrap().as_variable().is_none());
}

#[test]
fn type_errors_point_at_the_operand() {
    let e = err("tier + 1");
    assert_eq!(e.column, 1);
    assert!(
        e.message.contains("`tier` is text") && e.message.contains("`+`"),
        "{}",
        e.message
    );
    let e = err("a + (b > 1)");
    assert_eq!(e.column, 5, "{}", e.message);
    assert!(err("a == 'x'").message.contains("cannot compare a number"));
    assert!(err("tier < 'B'").message.contains("`==` or `!=`"));
    assert!(
        err("a and b > 1")
            .message
            .contains("`and` needs true/false")
    );
    assert!(err("not a").message.contains("`not`"));
    assert!(err("if(a, 1, 2)").message.contains("condition of if()"));
    assert!(err("if(a > 1, 1, tier)").message.contains("same type"));
    assert!(err("coalesce(a, tier)").message.contains("same type"));
    assert!(err("sqrt(tier)").message.contains("sqrt()"));
    assert!(err("clamp(a, 1)").message.contains("3 arguments"));
    assert!(err("abs()").message.contains("found 0 arguments"));
    assert!(err("-tier").message.contains("`-`"));
}

#[test]
fn compile_as_checks_the_result_type() {
    let e = compile_as("a + 1", &scope(), Type::Bool).unwrap_err();
    assert!(
        e.message.contains("must give true/false") && e.message.contains("compare"),
        "{}",
        e.message
    );
    let e = compile_as("  a > 1", &scope(), Type::Number).unwrap_err();
    assert_eq!(e.column, 3);
    assert!(e.message.contains("must give a number"));
    assert!(compile_as("tier", &scope(), Type::Number).is_err());
    assert!(compile_as("a > 1", &scope(), Type::Bool).is_ok());
}

#[test]
fn unknown_names_suggest_the_closest() {
    let s = Scope::builtin();
    let e = compile("spnd_12m / 2", &s).unwrap_err();
    assert_eq!(
        e.message,
        "unknown feature `spnd_12m` (did you mean `spend_12m`?)"
    );
    assert_eq!((e.offset, e.column), (0, 1));
    let e = compile("spend_12m + revenue", &s).unwrap_err();
    assert_eq!(e.message, "unknown feature `revenue`");
    assert_eq!(e.column, 13);
    let e = compile("mx(spend_12m, 1)", &s).unwrap_err();
    assert!(
        e.message
            .starts_with("unknown function `mx` (did you mean `max`?)"),
        "{}",
        e.message
    );
    assert!(
        compile("spend_12m(1)", &s)
            .unwrap_err()
            .message
            .contains("not a function")
    );
    assert!(
        compile("abs + 1", &s)
            .unwrap_err()
            .message
            .contains("is a function")
    );
    let e = compile("value_class == 'most_valueable'", &s).unwrap_err();
    assert!(
        e.message.contains("did you mean 'most_valuable'"),
        "{}",
        e.message
    );
    assert_eq!(e.column, 16);
    assert!(
        compile("tier == 'D'", &s)
            .unwrap_err()
            .message
            .contains("'A', 'B', 'C'")
    );
    // Free-text variables accept any value.
    assert!(compile("industry == 'anything'", &s).is_ok());
    // Hidden names explain why.
    let mut s = Scope::builtin();
    s.hide("tier", "tiers are computed from the scores");
    let e = compile("tier == 'A'", &s).unwrap_err();
    assert_eq!(
        e.message,
        "`tier` cannot be used here: tiers are computed from the scores"
    );
    s.reveal("tier");
    assert!(compile("tier == 'A'", &s).is_ok());
}

#[test]
fn syntax_errors_have_columns() {
    let e = err("a +");
    assert_eq!(e.column, 4);
    assert!(e.message.contains("end of the formula"));
    assert_eq!(err("(a + b").column, 7);
    assert!(err("a b").message.contains("operator is missing"));
    assert!(err("a < b < c").message.contains("chained"));
    assert!(err("").message.contains("empty"));
    assert!(err("   ").message.contains("empty"));
    assert!(err("max(a b)").message.contains("expected `,` or `)`"));
    assert!(err("a = 1").message.contains("=="));
    let e = err("a +\n  # ");
    assert_eq!((e.line, e.column), (2, 3));
    let e = err("'客户' == tier + é");
    assert_eq!(e.column, 16, "{}", e.message);
}

#[test]
fn nesting_is_bounded() {
    let deep = format!(
        "{}a{}",
        "(".repeat(MAX_DEPTH + 5),
        ")".repeat(MAX_DEPTH + 5)
    );
    assert!(err(&deep).message.contains("nested too deeply"));
    let ok = format!("{}a{}", "(".repeat(10), ")".repeat(10));
    assert!(compile(&ok, &scope()).is_ok());
    let chain = vec!["a"; 10_000].join(" + ");
    assert!(err(&chain).message.contains("nested too deeply"));
    let negs = format!("{}a", "-".repeat(10_000));
    assert!(err(&negs).message.contains("nested too deeply"));
    let nots = format!("{}a > 1", "not ".repeat(10_000));
    assert!(err(&nots).message.contains("nested too deeply"));
}

#[test]
fn builtin_scope_layout() {
    let s = Scope::builtin();
    assert_eq!(s.number_names().len(), BUILTIN_FEATURES.len());
    assert_eq!(s.number_slot("spend_prev_12m"), Some(38));
    // Issue 17 appended the rhythm features after it.
    assert_eq!(
        s.number_slot("recency_ratio"),
        Some(BUILTIN_FEATURES.len() - 1)
    );
    assert_eq!(s.text_slot("tier"), Some(0));
    assert_eq!(s.text_slot("rfm_segment"), Some(9));
}

/// A few grammar pieces that make random strings more likely to reach deep parser states.
fn formula_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a".to_string()),
        Just("tier".to_string()),
        Just("'A'".to_string()),
        Just("1".to_string()),
        Just("0".to_string()),
        Just("-".to_string()),
        Just("+".to_string()),
        Just("/".to_string()),
        Just("*".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(",".to_string()),
        Just(" and ".to_string()),
        Just(" or ".to_string()),
        Just("not ".to_string()),
        Just("<".to_string()),
        Just("==".to_string()),
        Just("ln(".to_string()),
        Just("max(".to_string()),
        Just("clamp(".to_string()),
        Just("if(".to_string()),
        Just("coalesce(".to_string()),
        Just("is_missing(".to_string()),
        Just("1e308".to_string()),
        "[ -~]{0,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn any_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(1e308),
        Just(-1e308),
        any::<f64>(),
    ]
}

proptest! {
    #[test]
    fn compile_never_panics_on_arbitrary_text(src in any::<String>()) {
        let _ = compile(&src, &scope());
    }

    #[test]
    fn eval_never_yields_nan_or_infinity(
        src in formula_like(),
        a in any_number(),
        b in any_number(),
        c in any_number(),
        tier in prop_oneof![Just(""), Just("A"), Just("Z")],
    ) {
        if let Ok(f) = compile(&src, &scope()) {
            match f.eval(&[a, b, c], &[tier, "x"]) {
                Value::Number(v) => prop_assert!(v.is_finite(), "{src} gave {v}"),
                Value::Bool(_) | Value::Text(_) | Value::Missing => {}
            }
            let n = f.eval_number(&[a, b, c], &[tier]);
            prop_assert!(n.is_finite() || n.is_nan());
        }
    }
}
