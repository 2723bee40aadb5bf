//! Fuzzes the formula language of custval-config: compiling arbitrary text against the
//! built-in scope, and evaluating what compiles with arbitrary inputs (NaN, infinities,
//! huge and tiny numbers, every class value, arbitrary text).
//!
//! Properties: no panic and no stack overflow (nesting is bounded); a compiled formula's value
//! has its static type; a number is finite or missing, never NaN or infinite; `eval_number`
//! and `eval_bool` agree with `eval`; evaluation is deterministic; the formula's source
//! compiles again to the same type and variables; `compile_as` accepts exactly its own type.
#![no_main]

use custval_config::formula::{Scope, Type, Value, compile, compile_as};
use libfuzzer_sys::fuzz_target;

const SPECIAL: [f64; 10] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    1.0,
    -1.0,
    f64::MAX,
    f64::MIN_POSITIVE,
    1e-320,
];

// Input: the formula's text, then optionally a NUL byte and the bytes that choose inputs (so
// that seeds are plain formulas).
fuzz_target!(|data: &[u8]| {
    let (text, inputs) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let src = String::from_utf8_lossy(text);
    let src = src.as_ref();
    let scope = Scope::builtin();
    let Ok(formula) = compile(src, &scope) else {
        return;
    };
    let again = compile(formula.source(), &scope).expect("a compiled source compiles again");
    assert_eq!(again.ty(), formula.ty());
    assert_eq!(again.variables(), formula.variables());
    for ty in [Type::Number, Type::Bool, Type::Text] {
        assert_eq!(compile_as(src, &scope, ty).is_ok(), ty == formula.ty());
    }

    // Inputs: each byte picks a special value or a small number; text slots take one of the
    // variable's known values, nothing (missing) or a fragment of the formula itself.
    let number_slots = scope.number_names().len();
    let text_names = scope.text_names();
    let mut bytes = inputs.iter().copied().cycle();
    let numbers: Vec<f64> = (0..number_slots)
        .map(|_| match bytes.next() {
            Some(b) if usize::from(b) < SPECIAL.len() => SPECIAL[usize::from(b)],
            Some(b) => f64::from(b) - 128.0,
            None => f64::NAN,
        })
        .collect();
    let texts: Vec<&str> = text_names
        .iter()
        .map(|name| {
            let pick = usize::from(bytes.next().unwrap_or(0));
            match scope.text_values(name) {
                Some(values) if pick < values.len() => values[pick].as_str(),
                _ if pick % 3 == 0 => "",
                _ => src.get(..pick.min(src.len())).unwrap_or(""),
            }
        })
        .collect();

    for (numbers, texts) in [(numbers.as_slice(), texts.as_slice()), (&[][..], &[][..])] {
        let value = formula.eval(numbers, texts);
        assert_eq!(value, formula.eval(numbers, texts), "not deterministic");
        match (formula.ty(), value) {
            (Type::Number, Value::Number(x)) => {
                assert!(x.is_finite(), "number {x}");
                assert_eq!(formula.eval_number(numbers, texts).to_bits(), x.to_bits());
            }
            (Type::Number, Value::Missing) => {
                assert!(formula.eval_number(numbers, texts).is_nan())
            }
            (Type::Bool, Value::Bool(b)) => {
                assert_eq!(formula.eval_bool(numbers, texts), b)
            }
            (Type::Text, Value::Text(_) | Value::Missing) => {}
            (ty, v) => panic!("a formula of type {ty:?} gave {v:?}"),
        }
    }
});
