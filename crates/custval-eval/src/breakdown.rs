//! What a customer's CLV and 12-month profit are made of, stored with its detail so that the
//! explanation is the run's (issue 17, item 3).
//!
//! - **CLV parts**: `CLV = expected purchases × discount factor × expected spend × margin −
//!   cost to serve`, where the discount factor is the purchase model's discounted expected
//!   purchases over its undiscounted ones (each period's purchases are discounted at the
//!   period's end, see `custval_clv::predict`), and the cost to serve is the last 12 months'
//!   sales + service cost weighted by the purchase model's P(alive). [`crate::clv`] fills one
//!   [`ClvPartsRow`] per customer as it predicts, from the same figures as the CLV itself, so
//!   the parts multiply out to the stored CLV (up to the nine significant digits kept: to the
//!   cent below ten million).
//! - **Profit waterfall** (12 months to the as-of date): revenue before returns − returns −
//!   product cost − sales cost − service cost = net contribution, from the feature columns.
//!   A missing cost stays `None`: the net contribution (the `net_contribution_12m` feature)
//!   deducts only the costs that are known.
//!
//! Compact on purpose: a run at a million customers stores a million of these.

use serde::{Deserialize, Serialize};

use crate::features::{Feature, FeatureTable};
pub use crate::types::{ClvPartsRow, MarginFrom, SpendFrom};

/// The stored CLV parts of a customer (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClvParts {
    /// Expected purchases over the CLV horizon, undiscounted.
    pub purchases: f64,
    /// Discounted ÷ undiscounted expected purchases (`None` when no purchase is expected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<f64>,
    /// Expected spend per purchase.
    pub spend: f64,
    #[serde(default, skip_serializing_if = "SpendFrom::is_gamma_gamma")]
    pub spend_from: SpendFrom,
    pub margin: f64,
    pub margin_from: MarginFrom,
    /// Sales + service cost of the last 12 months (`None`: no cost data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_12m: Option<f64>,
    /// The P(alive) the cost is weighted by.
    pub cost_weight: f64,
}

impl ClvParts {
    /// The parts of a prediction row, rounded as stored.
    pub fn of(row: &ClvPartsRow) -> Self {
        let r = round9;
        ClvParts {
            purchases: r(row.purchases),
            discount: (row.purchases > 0.0 && row.discounted.is_finite())
                .then(|| r(row.discounted / row.purchases)),
            spend: r(row.spend),
            spend_from: row.spend_from,
            margin: r(row.margin),
            margin_from: row.margin_from,
            cost_12m: row.cost_12m.is_finite().then(|| cents(row.cost_12m)),
            cost_weight: r(row.cost_weight),
        }
    }

    /// Expected purchases × discount factor × expected spend × margin: the discounted gross
    /// profit before the cost to serve.
    pub fn discounted_profit(&self) -> f64 {
        self.purchases * self.discount.unwrap_or(0.0) * self.spend * self.margin
    }

    /// The 12-month cost weighted by P(alive) (0 without cost data).
    pub fn cost_to_serve(&self) -> f64 {
        self.cost_12m.unwrap_or(0.0) * self.cost_weight
    }

    /// The CLV the parts make.
    pub fn clv(&self) -> f64 {
        self.discounted_profit() - self.cost_to_serve()
    }
}

/// The stored profit waterfall of a customer, 12 months to the as-of date. Amounts are
/// positive; every step after `revenue` is deducted. `None`: no data for that step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Profit {
    /// Gross revenue, before returns.
    pub revenue: f64,
    pub returns: f64,
    /// Cost of the goods sold (net revenue − gross profit); `None` without cost of goods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_cost: Option<f64>,
    /// `None` without cost of goods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net: Option<f64>,
}

impl Profit {
    /// Customer `c`'s waterfall from the feature columns (`None` when they are absent).
    pub fn of(table: &FeatureTable, c: usize) -> Option<Self> {
        let known = |feature: Feature| table.col(feature).get(c).copied().filter(|v| v.is_finite());
        let spend = known(Feature::Spend12m)?;
        let returns = known(Feature::Returns12m).unwrap_or(0.0);
        Some(Profit {
            revenue: cents(spend + returns),
            returns: cents(returns),
            product_cost: known(Feature::GrossProfit12m).map(|gp| cents(spend - gp)),
            sales_cost: known(Feature::SalesCost12m).map(cents),
            service_cost: known(Feature::ServiceCost12m).map(cents),
            net: known(Feature::NetContribution12m).map(cents),
        })
    }

    /// Revenue minus every known step: equals `net` (up to the cents kept) whenever it is
    /// known.
    pub fn steps_total(&self) -> f64 {
        self.revenue
            - self.returns
            - self.product_cost.unwrap_or(0.0)
            - self.sales_cost.unwrap_or(0.0)
            - self.service_cost.unwrap_or(0.0)
    }
}

/// Nine significant digits: the parts' product stays within a cent of the CLV.
fn round9(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let mag = 10f64.powi(8 - x.abs().log10().floor() as i32);
    let r = (x * mag).round() / mag;
    if r.is_finite() { r } else { x }
}

/// Money as stored: to the cent.
fn cents(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r.is_finite() { r } else { x }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ClvPartsRow {
        ClvPartsRow {
            purchases: 2.5,
            discounted: 2.4,
            spend: 40.0,
            spend_from: SpendFrom::GammaGamma,
            margin: 0.3,
            margin_from: MarginFrom::Customer,
            cost_12m: 12.0,
            cost_weight: 0.8,
        }
    }

    #[test]
    fn parts_multiply_out_to_the_clv() {
        let p = ClvParts::of(&row());
        // 2.4 discounted purchases × 40 × 0.3 − 12 × 0.8.
        assert!((p.clv() - (2.4 * 40.0 * 0.3 - 9.6)).abs() < 1e-9);
        assert_eq!(p.discount, Some(0.96));
        assert!((p.cost_to_serve() - 9.6).abs() < 1e-12);
    }

    #[test]
    fn nine_significant_digits_are_kept() {
        assert_eq!(round9(45_105.886_579_160_93), 45_105.886_6);
        assert_eq!(round9(0.919_315_787_833), 0.919_315_788);
        assert_eq!(round9(-0.0), -0.0);
    }

    #[test]
    fn no_expected_purchase_has_no_discount_factor_and_no_profit() {
        let p = ClvParts::of(&ClvPartsRow {
            purchases: 0.0,
            discounted: 0.0,
            cost_12m: f64::NAN,
            ..row()
        });
        assert_eq!(p.discount, None);
        assert_eq!(p.cost_12m, None);
        assert_eq!(p.clv(), 0.0);
    }

    #[test]
    fn stored_parts_round_trip_and_stay_compact() {
        let p = ClvParts::of(&row());
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("spend_from"), "{json}");
        assert!(json.len() < 160, "{json}");
        let back: ClvParts = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        let pr = Profit {
            revenue: 100.0,
            returns: 10.0,
            product_cost: None,
            sales_cost: None,
            service_cost: None,
            net: None,
        };
        let json = serde_json::to_string(&pr).unwrap();
        assert_eq!(json, r#"{"revenue":100.0,"returns":10.0}"#);
        assert_eq!(serde_json::from_str::<Profit>(&json).unwrap(), pr);
    }
}
