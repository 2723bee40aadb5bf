//! Filter values checked once for both front ends (issue 17): an unknown tier, class, alert
//! rule or severity is an error that lists the valid values, never an empty list that looks
//! like "nobody matches". Classes are accepted by id (`most_valuable`), English label
//! (`most valuable customer`) or Chinese label (`最有价值客户`) and turned into the id the store
//! keeps.

use custval_classify::{LifecycleStage, PotentialTier, ProfitLoyaltyClass, ValueClass};
use custval_dynamics::AlertRule;

use crate::AppError;
use custval_model::TIERS;

/// Alert rules raised by the app itself, beside those of `custval-dynamics`.
pub const APP_RULES: [&str; 1] = ["key_account_risky"];

/// Alert severities, most urgent first.
pub const SEVERITIES: [&str; 3] = ["critical", "warning", "info"];

fn invalid(what: &'static str, value: &str, valid: Vec<String>) -> AppError {
    AppError::Invalid {
        what,
        value: value.to_string(),
        valid: valid.join(", "),
    }
}

/// A tier filter (`a` is `A`).
pub fn tier(value: &str) -> Result<String, AppError> {
    let t = value.trim().to_ascii_uppercase();
    if TIERS.contains(&t.as_str()) {
        Ok(t)
    } else {
        Err(invalid(
            "tier",
            value,
            TIERS.iter().map(|t| t.to_string()).collect(),
        ))
    }
}

/// Every class a `--class` filter can name: (id, English label, Chinese label).
pub fn classes() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    out.extend(
        ValueClass::ALL
            .iter()
            .map(|c| (c.id(), c.label_en(), c.label_zh())),
    );
    out.extend(
        PotentialTier::ALL
            .iter()
            .map(|c| (c.id(), c.label_en(), c.label_zh())),
    );
    out.extend(
        LifecycleStage::ALL
            .iter()
            .map(|c| (c.id(), c.label_en(), c.label_zh())),
    );
    out.extend(
        ProfitLoyaltyClass::ALL
            .iter()
            .map(|c| (c.id(), c.label_en(), c.label_zh())),
    );
    out
}

/// A class filter as the id the store keeps.
pub fn class(value: &str) -> Result<String, AppError> {
    let v = value.trim();
    let lower = v.to_lowercase().replace(['-', ' '], "_");
    for (id, en, zh) in classes() {
        if lower == id || v.eq_ignore_ascii_case(en) || v == zh {
            return Ok(id.to_string());
        }
    }
    Err(invalid(
        "class",
        value,
        classes()
            .iter()
            .map(|(id, _, zh)| format!("{id} ({zh})"))
            .collect(),
    ))
}

/// An alert-rule filter.
pub fn rule(value: &str) -> Result<String, AppError> {
    let v = value.trim().to_ascii_lowercase();
    let mut valid: Vec<String> = AlertRule::ALL.iter().map(|r| r.id().to_string()).collect();
    valid.extend(APP_RULES.iter().map(|r| r.to_string()));
    if valid.contains(&v) {
        Ok(v)
    } else {
        Err(invalid("alert rule", value, valid))
    }
}

/// A severity filter.
pub fn severity(value: &str) -> Result<String, AppError> {
    let v = value.trim().to_ascii_lowercase();
    if SEVERITIES.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(invalid(
            "severity",
            value,
            SEVERITIES.iter().map(|s| s.to_string()).collect(),
        ))
    }
}

/// A migration cell's tier: a tier or `none` (customers in only one of the runs).
pub fn cell_tier(value: &str) -> Result<String, AppError> {
    let v = value.trim();
    if v.eq_ignore_ascii_case(custval_dynamics::NONE) {
        return Ok(custval_dynamics::NONE.to_string());
    }
    tier(v).map_err(|_| {
        let mut valid: Vec<String> = TIERS.iter().map(|t| t.to_string()).collect();
        valid.push(custval_dynamics::NONE.to_string());
        invalid("migration cell tier", value, valid)
    })
}

/// Checks and normalizes the tier and class filters of a customer list.
pub fn result_query(
    mut q: custval_store::ResultQuery,
) -> Result<custval_store::ResultQuery, AppError> {
    q.tier = q.tier.as_deref().map(tier).transpose()?;
    q.class = q.class.as_deref().map(class).transpose()?;
    Ok(q)
}

/// Checks and normalizes the rule and severity filters of an alert list.
pub fn alert_query(
    mut q: custval_store::AlertQuery,
) -> Result<custval_store::AlertQuery, AppError> {
    q.rule = q.rule.as_deref().map(rule).transpose()?;
    q.severity = q.severity.as_deref().map(severity).transpose()?;
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_17_unknown_filter_values_are_errors_naming_the_valid_ones() {
        let e = tier("Z").unwrap_err().to_string();
        assert!(e.contains("\"Z\"") && e.contains("A, B, C"), "{e}");
        assert_eq!(tier(" b ").unwrap(), "B");
        let e = class("nonsense").unwrap_err().to_string();
        assert!(
            e.contains("most_valuable (最有价值客户)") && e.contains("churned"),
            "{e}"
        );
        assert_eq!(class("最有价值客户").unwrap(), "most_valuable");
        assert_eq!(class("Most valuable customer").unwrap(), "most_valuable");
        assert_eq!(class("true-friend").unwrap(), "true_friend");
        assert_eq!(class("流失客户").unwrap(), "churned");
        let e = rule("x").unwrap_err().to_string();
        assert!(
            e.contains("spend_drop") && e.contains("key_account_risky"),
            "{e}"
        );
        assert!(severity("urgent").is_err());
        assert_eq!(cell_tier("none").unwrap(), "none");
        assert!(cell_tier("D").unwrap_err().to_string().contains("none"));
    }
}
