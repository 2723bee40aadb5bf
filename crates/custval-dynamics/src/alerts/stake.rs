//! Money at stake and materiality (issue 17): every alert says how much money it is about, in
//! the store's currency, and only customers whose value is material relative to the base may
//! raise warnings; only key accounts with a large amount at stake raise critical alerts.
//!
//! Why relative cutoffs: an absolute amount means nothing across companies (a CD shop and a
//! machine-tool maker), while "the top fifth of the base by value" means the same in both,
//! and keeps a normal run's alert list short enough to be worked through.

use serde::{Deserialize, Serialize};

use super::{CustomerFacts, CutoffAmong, MaterialityRule, UpgradeCandidateRule};
use crate::explain::known_opt;
use custval_base::quantile::quantile;

/// What an alert's money at stake measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StakeBasis {
    /// The 12-month spend at the previous run (a key account's yearly business).
    SpendPreviousRun,
    /// The 12-month spend at the previous run times the fall in P(alive): the yearly business
    /// the fall puts at risk.
    SpendTimesPAliveFall,
    /// The fall in 12-month spend against the comparison period.
    SpendFall,
    /// The 12-month spend now (the credit exposure of a late payer, the business of an
    /// unsatisfied customer).
    Spend,
    /// The customer's CLV (what an upgrade could grow).
    Clv,
}

impl StakeBasis {
    /// Stable snake_case id (the serde name), put in the evidence as `at_stake_basis`.
    pub fn id(self) -> &'static str {
        match self {
            StakeBasis::SpendPreviousRun => "spend_12m_previous_run",
            StakeBasis::SpendTimesPAliveFall => "spend_12m_previous_run_x_p_alive_fall",
            StakeBasis::SpendFall => "spend_fall",
            StakeBasis::Spend => "spend_12m",
            StakeBasis::Clv => "clv",
        }
    }

    /// English words.
    pub fn label_en(self) -> &'static str {
        match self {
            StakeBasis::SpendPreviousRun => "its 12-month spend at the previous run",
            StakeBasis::SpendTimesPAliveFall => {
                "12-month spend at the previous run × the fall in P(alive)"
            }
            StakeBasis::SpendFall => "the fall in 12-month spend",
            StakeBasis::Spend => "its 12-month spend",
            StakeBasis::Clv => "its CLV",
        }
    }

    /// Chinese words.
    pub fn label_zh(self) -> &'static str {
        match self {
            StakeBasis::SpendPreviousRun => "上次评估时的近12个月消费",
            StakeBasis::SpendTimesPAliveFall => "上次评估时的近12个月消费 × 存活概率降幅",
            StakeBasis::SpendFall => "近12个月消费的降幅",
            StakeBasis::Spend => "近12个月消费",
            StakeBasis::Clv => "客户终身价值",
        }
    }
}

/// The run's materiality cutoffs (type-7 quantiles of customer value over the run).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Materiality {
    /// The top share whose value is material.
    pub top_share: f64,
    /// The value at that cutoff: customers below it raise no warning.
    pub min_value: f64,
    /// The top share whose value sets the critical amount.
    pub critical_top_share: f64,
    /// A key account's alert is critical from this amount at stake.
    pub critical_at_stake: f64,
}

/// A customer's value for materiality: the largest known of its 12-month spend now, a year
/// earlier, at the previous run, and its CLV. `None` when none is known.
pub fn customer_value(cur: &CustomerFacts, prev: Option<&CustomerFacts>) -> Option<f64> {
    [
        cur.spend_12m,
        cur.spend_prev_12m,
        cur.clv,
        prev.and_then(|p| p.spend_12m),
    ]
    .into_iter()
    .filter_map(known_opt)
    .reduce(f64::max)
}

/// The cutoffs over a run's customers (their own values, without the previous run); `None`
/// when no customer has a known value.
pub fn materiality(rule: &MaterialityRule, facts: &[CustomerFacts]) -> Option<Materiality> {
    let values: Vec<f64> = facts
        .iter()
        .filter_map(|f| customer_value(f, None))
        .collect();
    materiality_of_values(rule, &values)
}

/// [`materiality`] from the customers' values ([`customer_value`] without a previous run);
/// non-finite values are ignored.
pub fn materiality_of_values(rule: &MaterialityRule, values: &[f64]) -> Option<Materiality> {
    let values = || values.iter().copied().filter(|v| v.is_finite());
    Some(Materiality {
        top_share: rule.top_share,
        min_value: quantile(values(), 1.0 - rule.top_share)?,
        critical_top_share: rule.critical_top_share,
        critical_at_stake: quantile(values(), 1.0 - rule.critical_top_share)?,
    })
}

/// The potential score at the upgrade rule's top-share cutoff (a type-7 quantile at
/// `1 − top_share`) over the rule's population; `None` when nobody there has a potential score.
pub fn upgrade_cutoff(rule: &UpgradeCandidateRule, facts: &[CustomerFacts]) -> Option<f64> {
    upgrade_cutoff_of(
        rule,
        facts.iter().map(|f| (f.tier.as_deref(), f.potential_score)),
    )
}

/// [`upgrade_cutoff`] from each customer's (tier, potential score) alone: a caller with a
/// million results need not build a million [`CustomerFacts`] for two fields.
pub fn upgrade_cutoff_of<'a>(
    rule: &UpgradeCandidateRule,
    customers: impl IntoIterator<Item = (Option<&'a str>, Option<f64>)>,
) -> Option<f64> {
    let pool = customers
        .into_iter()
        .filter(|(tier, _)| match rule.cutoff_among {
            CutoffAmong::All => true,
            CutoffAmong::Candidates => tier.is_some_and(|t| rule.tiers.iter().any(|x| x == t)),
        });
    quantile(
        pool.filter_map(|(_, score)| known_opt(score)),
        1.0 - rule.top_share,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::{AlertConfig, AlertContext, AlertRule, Severity, alerts_for_run};

    fn cust(id: &str, tier: &str, spend_prev: f64, spend_now: f64) -> CustomerFacts {
        CustomerFacts {
            tier: Some(tier.to_string()),
            spend_12m: Some(spend_now),
            spend_prev_12m: Some(spend_prev),
            ..CustomerFacts::new(id)
        }
    }

    /// Issue 17: a hundred customers whose spend all fell by half used to raise a hundred
    /// alerts; now only the top fifth by value alert, each with its money at stake, and
    /// only the key accounts with a large loss are critical; the list is ranked by severity
    /// then money at stake.
    #[test]
    fn issue_17_only_material_customers_alert_ranked_by_money_at_stake() {
        let cfg = AlertConfig::default();
        let cur: Vec<CustomerFacts> = (1..=100)
            .map(|i| {
                let tier = if i > 90 { "A" } else { "C" };
                cust(&format!("c{i:03}"), tier, 100.0 * i as f64, 50.0 * i as f64)
            })
            .collect();
        let mut ctx = AlertContext::new(&["A", "B", "C"]);
        ctx.materiality = materiality(&cfg.materiality, &cur);
        let m = ctx.materiality.unwrap();
        // Type 7 at 0.8 of 100..10,000: 8,020; at 0.95: 9,505.
        assert!((m.min_value - 8020.0).abs() < 1e-9, "{m:?}");
        assert!((m.critical_at_stake - 9505.0).abs() < 1e-9, "{m:?}");
        let alerts = alerts_for_run(&cfg, &ctx, &cur, &[]).unwrap();
        assert_eq!(alerts.len(), 20, "{alerts:#?}");
        assert!(alerts.iter().all(|a| a.rule == AlertRule::SpendDrop));
        // Critical: key accounts (tier A) losing at least 9,505 — none lose that much (the
        // largest fall is 5,000), so all are warnings.
        assert!(alerts.iter().all(|a| a.severity == Severity::Warning));
        let stakes: Vec<f64> = alerts.iter().map(|a| a.at_stake).collect();
        assert_eq!(stakes[0], 5000.0);
        assert!(stakes.windows(2).all(|w| w[0] >= w[1]), "{stakes:?}");
        let top = &alerts[0];
        assert_eq!(top.customer_id, "c100");
        assert_eq!(
            top.evidence["at_stake_basis"],
            crate::alerts::Evidence::Text("spend_fall".into())
        );
        assert!(
            top.explain_en
                .contains("¥5,000.00 at stake (the fall in 12-month spend)"),
            "{}",
            top.explain_en
        );
        assert!(
            top.explain_zh.contains("涉及金额 ¥5,000.00"),
            "{}",
            top.explain_zh
        );

        // A key account losing more than the critical amount is critical.
        let mut big = cur.clone();
        big[99] = cust("c100", "A", 20_000.0, 1_000.0);
        ctx.materiality = materiality(&cfg.materiality, &big);
        let alerts = alerts_for_run(&cfg, &ctx, &big, &[]).unwrap();
        assert_eq!(alerts[0].customer_id, "c100");
        assert_eq!(alerts[0].severity, Severity::Critical);
        assert_eq!(alerts[0].at_stake, 19_000.0);
        assert_eq!(
            alerts
                .iter()
                .filter(|a| a.severity == Severity::Critical)
                .count(),
            1
        );
    }

    /// Issue 17: under BG/NBD a customer without repeat purchases has P(alive) = 1 whatever
    /// happens, so its first repeat purchase "drops" P(alive): no evidence of lapsing.
    #[test]
    fn issue_17_p_alive_of_one_exactly_is_no_basis_for_a_drop_alert() {
        let cfg = AlertConfig::default();
        let ctx = AlertContext::new(&["A", "B", "C"]);
        let prev = CustomerFacts {
            p_alive: Some(1.0),
            spend_12m: Some(500.0),
            ..CustomerFacts::new("x")
        };
        let cur = CustomerFacts {
            p_alive: Some(0.4),
            spend_12m: Some(900.0),
            ..CustomerFacts::new("x")
        };
        let got = crate::alerts::alerts_for_customer(&cfg, &ctx, &cur, Some(&prev));
        assert!(got.is_empty(), "{got:?}");
        let prev = CustomerFacts {
            p_alive: Some(0.9),
            ..prev
        };
        let got = crate::alerts::alerts_for_customer(&cfg, &ctx, &cur, Some(&prev));
        assert_eq!(got.len(), 1);
        // 500 × (0.9 − 0.4) = 250 at stake.
        assert!((got[0].at_stake - 250.0).abs() < 1e-9, "{got:?}");
    }
}
