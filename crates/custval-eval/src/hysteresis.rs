//! Tier hysteresis inside an evaluation: the ABC cut gives each customer a computed tier; with
//! the previous run's tiers, `custval-dynamics` decides the tier the run keeps.
//!
//! It runs with the tiers (`classes`), before playbooks and action rules, so that a customer kept in A by
//! hysteresis also gets A's playbook (the tier the company acts on is the kept one). The
//! boundaries are this run's: the lowest tier-basis value still in A, and in B.

use std::collections::HashMap;

use custval_dynamics::{
    HysteresisConfig, HysteresisInput, HysteresisSummary, TierDecision, TierScale,
    apply_hysteresis, summarize_hysteresis,
};

use crate::error::EvalError;

/// The previous run's stored tier and streak per customer id.
pub type PreviousTiers = HashMap<String, (String, u32)>;

/// What hysteresis did to one run.
pub struct Applied {
    /// Per customer: the computed tier when the kept tier differs.
    pub raw: Vec<Option<String>>,
    pub streak: Vec<u32>,
    /// Per customer: the decision when it is worth explaining (a tier kept, or changed).
    pub decisions: Vec<Option<TierDecision>>,
    pub summary: Option<HysteresisSummary>,
}

const TIERS: [&str; 3] = ["A", "B", "C"];

/// Applies hysteresis to `tier` (computed ABC tiers, replaced by the kept ones). `values` is
/// the tier basis per customer, `ids` the customer ids.
pub fn apply(
    cfg: &HysteresisConfig,
    ids: &[&str],
    values: &[f64],
    tier: &mut [String],
    previous: Option<&PreviousTiers>,
) -> Result<Applied, EvalError> {
    // The boundaries only matter against a previous run.
    let bounds = match previous {
        Some(_) => bounds(tier, values),
        None => (0.0, 0.0),
    };
    apply_with_bounds(cfg, ids, values, tier, previous, bounds)
}

/// The tier boundaries hysteresis measures against: the lowest tier-basis value of the
/// computed A tier, and of B (a run's boundaries; a provisional update reuses its run's).
pub fn bounds(tier: &[String], values: &[f64]) -> (f64, f64) {
    let n = tier.len();
    let lowest = |t: &str| {
        (0..n)
            .filter(|&c| tier[c] == t)
            .map(|c| values[c])
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min)
    };
    let max = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let a = lowest("A");
    let a = if a.is_finite() { a } else { max };
    let b = lowest("B");
    let b = if b.is_finite() { b.min(a) } else { a };
    (a, b)
}

/// [`apply`] with given boundaries `(a, b)` (see [`bounds`]).
pub fn apply_with_bounds(
    cfg: &HysteresisConfig,
    ids: &[&str],
    values: &[f64],
    tier: &mut [String],
    previous: Option<&PreviousTiers>,
    (a, b): (f64, f64),
) -> Result<Applied, EvalError> {
    let n = tier.len();
    let mut out = Applied {
        raw: vec![None; n],
        streak: vec![0; n],
        decisions: vec![None; n],
        summary: None,
    };
    let Some(previous) = previous else {
        return Ok(out);
    };
    let err = |e: custval_dynamics::DynamicsError| EvalError::Plan(format!("hysteresis: {e}"));
    let scale = TierScale::new(&TIERS, &[a, b]).map_err(err)?;
    let mut all = Vec::with_capacity(n);
    for c in 0..n {
        let prev = previous.get(ids[c]);
        let outcome = apply_hysteresis(
            cfg,
            &scale,
            &HysteresisInput {
                metric: values[c],
                raw_tier: &tier[c],
                previous: prev.map(|(t, _)| t.as_str()),
                streak_before: prev.map_or(0, |(_, s)| *s),
            },
        )
        .map_err(err)?;
        if outcome.effective != tier[c] {
            out.raw[c] = Some(std::mem::replace(&mut tier[c], outcome.effective));
        }
        out.streak[c] = outcome.streak;
        if matches!(
            outcome.decision,
            TierDecision::Kept { .. } | TierDecision::Changed { .. }
        ) {
            out.decisions[c] = Some(outcome.decision.clone());
        }
        all.push(outcome.decision);
    }
    out.summary = Some(summarize_hysteresis(&scale, &all));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prev(pairs: &[(&str, &str)]) -> PreviousTiers {
        pairs
            .iter()
            .map(|(id, t)| (id.to_string(), (t.to_string(), 0)))
            .collect()
    }

    #[test]
    fn a_customer_just_below_the_a_boundary_stays_a_within_the_margin() {
        let ids = ["x", "y", "z", "w"];
        // Computed: A down to 100, B is z at 95, C is w at 40.
        let values = [200.0, 100.0, 95.0, 40.0];
        let mut tier: Vec<String> = ["A", "A", "B", "C"].map(String::from).to_vec();
        let cfg = HysteresisConfig {
            margin: 0.10,
            consecutive_runs: 1,
        };
        let p = prev(&[("x", "A"), ("y", "A"), ("z", "A"), ("w", "B")]);
        let got = apply(&cfg, &ids, &values, &mut tier, Some(&p)).unwrap();
        // z is 5 % below A's lowest 100 (inside the 10 % band): kept in A. w is 58 % below
        // B's lowest 95: drops to C.
        assert_eq!(tier, ["A", "A", "A", "C"].map(String::from).to_vec());
        assert_eq!(got.raw[2].as_deref(), Some("B"));
        assert_eq!(got.raw[3], None);
        assert!(matches!(got.decisions[2], Some(TierDecision::Kept { .. })));
        assert!(matches!(
            got.decisions[3],
            Some(TierDecision::Changed { .. })
        ));
        let s = got.summary.unwrap();
        assert_eq!((s.raw_changes, s.suppressed(), s.applied), (2, 1, 1));
    }

    #[test]
    fn without_a_previous_run_tiers_are_untouched() {
        let mut tier = vec!["A".to_string(), "C".to_string()];
        let got = apply(
            &HysteresisConfig::default(),
            &["a", "b"],
            &[10.0, 1.0],
            &mut tier,
            None,
        )
        .unwrap();
        assert_eq!(tier, ["A", "C"]);
        assert!(got.summary.is_none() && got.raw.iter().all(Option::is_none));
    }
}
