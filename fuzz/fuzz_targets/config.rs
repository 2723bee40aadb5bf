//! Fuzzes the configuration loader of custval-config: `custval.toml` text → validated config.
//!
//! Properties: no panic; a config that validates writes back to TOML (`toml::to_string`) that parses to the
//! same config and validates again; the resolved weights are finite, non-negative and sum to
//! 1 per dimension; every indicator and action formula evaluates, with every input missing
//! and with inputs taken from the fuzz data, to a finite number (or missing) and true/false.
#![no_main]

use custval_config::{Dimension, WEIGHT_SUM_TOLERANCE, load, parse, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let validated = match load(&text) {
        Ok(v) => v,
        Err(_) => return,
    };
    let config = &validated.config;
    if let Ok(written) = toml::to_string(config) {
        let again = parse(&written)
            .unwrap_or_else(|e| panic!("the written config does not parse: {e}\n{written}"));
        assert_eq!(
            &again, config,
            "write → parse changed the config:\n{written}"
        );
        if let Err(e) = validate(&again) {
            panic!("the written config does not validate: {e}\n{written}");
        }
    }
    for dimension in [Dimension::Current, Dimension::Potential] {
        let w = validated.weights(dimension);
        assert!((0.0..=1.0).contains(&w.alpha), "alpha {}", w.alpha);
        if let Some(subjective) = &w.subjective {
            assert_eq!(subjective.len(), w.indicators.len());
            let sum: f64 = subjective.iter().sum();
            assert!(subjective.iter().all(|x| x.is_finite() && *x >= 0.0));
            assert!(
                (sum - 1.0).abs() <= WEIGHT_SUM_TOLERANCE + 1e-9,
                "{dimension:?} weights sum to {sum}"
            );
        }
    }
    let slots = validated.scope.number_names().len();
    let texts: Vec<&str> = validated
        .scope
        .text_names()
        .iter()
        .map(|name| {
            validated
                .scope
                .text_values(name)
                .and_then(|v| v.first())
                .map_or("", String::as_str)
        })
        .collect();
    let missing = vec![f64::NAN; slots];
    let mut numbers = vec![0.0; slots];
    for (i, chunk) in data.chunks(8).take(slots).enumerate() {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        numbers[i] = f64::from_le_bytes(b);
    }
    for inputs in [&missing, &numbers] {
        for indicator in &validated.indicators {
            let v = indicator.formula.eval_number(inputs, &texts);
            assert!(v.is_finite() || v.is_nan(), "{}: {v}", indicator.id);
        }
        for action in &validated.actions {
            let _ = action.when.eval_bool(inputs, &texts);
        }
    }
});
