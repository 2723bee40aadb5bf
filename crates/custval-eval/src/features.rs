//! Built-in per-customer features as of an evaluation date: the raw figures every indicator,
//! class and action rule is written in.
//!
//! The no-leakage rule lives here: every feature reads only rows dated on or before `as_of`
//! (the store already cuts the dataset; this module cuts again so that the engine is safe on
//! any `Dataset`, e.g. in tests and in backtests that reuse one load for several dates).
//!
//! Windows are whole days: "12 months" is `(as_of − 365, as_of]`, "6 months" is
//! `(as_of − 182, as_of]` and the 6 before it `(as_of − 364, as_of − 182]`. A purchase is a
//! day with a positive net amount (order lines and refunds of the same day are netted first),
//! the convention of the CLV summaries, so that `orders_12m` and the CLV model's frequency
//! count the same things.
//!
//! Missing is `NaN` in the columns (a feature that cannot be known for a customer, e.g. a
//! margin without cost data); what to do with it is the indicator's missing-data rule, not a
//! silent zero here. Counts that are truly zero are zero.

use custval_model::{Dataset, Day, InteractionKind, NO_CATEGORY};
use rayon::prelude::*;

/// Days in the 12-month window.
pub const YEAR_DAYS: Day = 365;
/// Days in the 6-month windows.
pub const HALF_DAYS: Day = 182;
/// Share of an industry's buyers that must buy a category before its absence counts as a
/// cross-sell gap for a customer of that industry.
pub const CROSS_SELL_PEER_SHARE: f64 = 0.3;

/// Feature ids in column order. Must list every id of `custval_config::BUILTIN_FEATURES`
/// (a test checks it), CLV ones included: the engine fills those after fitting.
pub const FEATURES: &[&str] = &[
    "spend_12m",
    "orders_12m",
    "aov_12m",
    "categories_12m",
    "gross_profit_12m",
    "gross_margin_12m",
    "sales_cost_12m",
    "service_cost_12m",
    "net_contribution_12m",
    "tenure_days",
    "recency_days",
    "orders_total",
    "spend_total",
    "returns_12m",
    "renewal_rate",
    "payment_on_time_rate",
    "avg_payment_delay_days",
    "overdue_amount",
    "spend_6m",
    "spend_prev_6m",
    "spend_growth_6m",
    "industry_growth",
    "inquiries_12m",
    "referrals_12m",
    "complaints_12m",
    "tickets_12m",
    "csat",
    "nps",
    "p_alive",
    "expected_purchases_12m",
    "clv_12m",
    "cross_sell_gap",
    "wallet",
    "share_of_wallet",
    "wallet_gap",
    "frequency",
    "t_x_days",
    "age_days",
    "spend_prev_12m",
    "mean_interpurchase_days",
    "recency_ratio",
];

/// Index of a feature id in [`FEATURES`].
pub fn feature_index(id: &str) -> Option<usize> {
    FEATURES.iter().position(|f| *f == id)
}

/// Columns of features, one value per customer of the dataset (same order), `NaN` = missing.
#[derive(Debug, Clone)]
pub struct FeatureTable {
    pub columns: Vec<Vec<f64>>,
    /// Per customer: categories its industry's peers commonly buy that it has not bought
    /// (indices into `Dataset::categories`), most common first; feeds cross-sell actions.
    pub cross_sell: Vec<Vec<u32>>,
    /// Per customer: the distinct purchase days (positive net) up to `as_of`, for the CLV
    /// summary, kept as (first, last, count, mean repeat-day spend).
    pub purchase_days: Vec<PurchaseSummary>,
    /// The base's typical gap between orders in days: the median over repeat buyers of their
    /// mean gap. One-time buyers' recency is judged against it (`recency_ratio`).
    pub base_gap_days: Option<f64>,
    /// Per customer: the parts of its CLV that are not columns, filled with the CLV
    /// (`None`: no prediction); see `breakdown`.
    pub clv_parts: Vec<Option<crate::types::ClvPartsRow>>,
}

/// What the CLV summary needs from a customer's purchase days.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PurchaseSummary {
    pub first: Option<Day>,
    pub last: Option<Day>,
    /// Distinct purchase days.
    pub days: u32,
    /// Mean net amount of the repeat purchase days (0 without repeats).
    pub repeat_mean: f64,
    /// The same figures cut at the calibration end (for the CLV holdout report): purchase
    /// days up to it, the last of them, and the purchase days after it.
    pub cal_days: u32,
    pub cal_last: Option<Day>,
    pub holdout_days: u32,
}

impl FeatureTable {
    pub fn get(&self, id: &str) -> Option<&[f64]> {
        feature_index(id).map(|i| self.columns[i].as_slice())
    }
    pub fn set(&mut self, id: &str, values: Vec<f64>) {
        if let Some(i) = feature_index(id) {
            self.columns[i] = values;
        }
    }

    /// The gap a customer's recency is judged against: its own mean gap between orders when
    /// it has one, else the base's; and whether it is its own.
    pub fn expected_gap(&self, c: usize) -> Option<(f64, bool)> {
        let own = self
            .get("mean_interpurchase_days")
            .and_then(|v| v.get(c).copied())
            .filter(|g| g.is_finite() && *g > 0.0);
        match own {
            Some(g) => Some((g, true)),
            None => self.base_gap_days.map(|g| (g, false)),
        }
    }

    /// Sets the base's typical gap (a run's, when a few customers are rescored) and
    /// recomputes `recency_ratio` from it.
    pub fn set_base_gap(&mut self, base: Option<f64>) {
        self.base_gap_days = base.filter(|g| g.is_finite() && *g > 0.0);
        let recency = self
            .get("recency_days")
            .map(<[f64]>::to_vec)
            .unwrap_or_default();
        let ratio: Vec<f64> = (0..self.purchase_days.len())
            .map(|c| match (recency.get(c), self.expected_gap(c)) {
                (Some(r), Some((g, _))) if r.is_finite() => r / g,
                _ => f64::NAN,
            })
            .collect();
        self.set("recency_ratio", ratio);
    }
}

/// Median over repeat buyers of their mean gap between orders (days).
fn base_gap(own: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = own
        .iter()
        .copied()
        .filter(|g| g.is_finite() && *g > 0.0)
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_unstable_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    })
}

fn col(id: &str) -> usize {
    // FEATURES is a constant list; an id missing from it is a bug caught by the tests.
    feature_index(id).unwrap_or(usize::MAX)
}

/// Computes every feature except the CLV ones (`p_alive`, `expected_purchases_12m`, `clv_12m`),
/// which stay `NaN` until the engine fills them.
///
/// `calibration_end` (before `as_of`) splits each customer's purchase days for the CLV model's
/// holdout check; see [`PurchaseSummary`].
pub fn compute(data: &Dataset, as_of: Day, calibration_end: Day) -> FeatureTable {
    let n = data.customers.len();
    let tx_r = data.ranges_by_customer(&data.tx, |t| t.cust);
    let cost_r = data.ranges_by_customer(&data.costs, |c| c.cust);
    let int_r = data.ranges_by_customer(&data.interactions, |i| i.cust);
    let sur_r = data.ranges_by_customer(&data.surveys, |s| s.cust);
    let con_r = data.ranges_by_customer(&data.contracts, |c| c.cust);
    let pay_r = data.ranges_by_customer(&data.payments, |p| p.cust);
    // Cost data as of the date: cost rows after it must not turn "no cost data" into 0
    // (issue 17: the stored profit waterfall of an earlier date changed with later rows).
    let has_costs = data.costs.iter().any(|c| c.period <= as_of);
    let y0 = as_of - YEAR_DAYS;
    let h0 = as_of - HALF_DAYS;
    let p0 = as_of - 2 * HALF_DAYS;

    struct Row {
        values: Vec<f64>,
        bought: Vec<u32>,
        purchases: PurchaseSummary,
        spend_prev_year: f64,
    }
    let rows: Vec<Row> = (0..n)
        .into_par_iter()
        .map(|c| {
            let mut v = vec![f64::NAN; FEATURES.len()];
            let info = &data.customers[c];
            let range = |r: &[(u32, u32)]| r[c].0 as usize..r[c].1 as usize;
            let txs = &data.tx[range(&tx_r)];

            // Net amount per day, days in order (tx is sorted by customer and day).
            let (mut spend12, mut spend6, mut prev6, mut spend_total, mut returns12) =
                (0.0, 0.0, 0.0, 0.0, 0.0);
            let mut spend_prev_year = 0.0;
            let (mut margin_amount, mut margin_profit) = (0.0, 0.0);
            let mut bought: Vec<u32> = Vec::new();
            let mut cats12: Vec<u32> = Vec::new();
            let mut purchases = PurchaseSummary::default();
            let (mut orders12, mut orders_total) = (0u32, 0u32);
            let mut repeat_sum = 0.0;
            let mut i = 0;
            while i < txs.len() {
                let day = txs[i].day;
                let mut net = 0.0;
                let mut j = i;
                while j < txs.len() && txs[j].day == day {
                    let t = &txs[j];
                    if t.day <= as_of {
                        net += t.amount;
                        if t.day > y0 {
                            if t.amount < 0.0 {
                                returns12 -= t.amount;
                            }
                            if t.cost.is_finite() {
                                margin_amount += t.amount;
                                margin_profit += t.amount - f64::from(t.cost);
                            }
                            if t.amount > 0.0 && t.category != NO_CATEGORY {
                                cats12.push(t.category);
                            }
                        }
                        if t.amount > 0.0 && t.category != NO_CATEGORY {
                            bought.push(t.category);
                        }
                    }
                    j += 1;
                }
                if day <= as_of {
                    spend_total += net;
                    if day > y0 {
                        spend12 += net;
                    } else if day > as_of - 2 * YEAR_DAYS {
                        spend_prev_year += net;
                    }
                    if day > h0 {
                        spend6 += net;
                    } else if day > p0 {
                        prev6 += net;
                    }
                    if net > 0.0 {
                        orders_total += 1;
                        if day > y0 {
                            orders12 += 1;
                        }
                        if purchases.first.is_none() {
                            purchases.first = Some(day);
                        } else {
                            repeat_sum += net;
                        }
                        purchases.last = Some(day);
                        if day <= calibration_end {
                            purchases.cal_days += 1;
                            purchases.cal_last = Some(day);
                        } else if purchases.cal_days > 0 {
                            purchases.holdout_days += 1;
                        }
                    }
                }
                i = j;
            }
            purchases.days = orders_total;
            purchases.repeat_mean = if orders_total > 1 {
                repeat_sum / f64::from(orders_total - 1)
            } else {
                0.0
            };
            bought.sort_unstable();
            bought.dedup();
            cats12.sort_unstable();
            cats12.dedup();

            v[col("spend_12m")] = spend12;
            v[col("orders_12m")] = f64::from(orders12);
            if orders12 > 0 {
                v[col("aov_12m")] = spend12 / f64::from(orders12);
            }
            v[col("categories_12m")] = cats12.len() as f64;
            if margin_amount > 0.0 {
                let m = margin_profit / margin_amount;
                v[col("gross_margin_12m")] = m;
                v[col("gross_profit_12m")] = m * spend12;
            } else if spend12 <= 0.0 {
                v[col("gross_profit_12m")] = 0.0;
            }
            let (mut sales, mut service) = (0.0, 0.0);
            for k in range(&cost_r) {
                let cost = &data.costs[k];
                if cost.period > y0 && cost.period <= as_of {
                    sales += cost.sales;
                    service += cost.service;
                }
            }
            if has_costs {
                v[col("sales_cost_12m")] = sales;
                v[col("service_cost_12m")] = service;
            }
            let gp = v[col("gross_profit_12m")];
            if gp.is_finite() {
                v[col("net_contribution_12m")] = gp - sales - service;
            }
            let start = match (purchases.first, info.signup.filter(|s| *s <= as_of)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if let Some(s) = start {
                v[col("tenure_days")] = f64::from(as_of - s);
            }
            if let Some(l) = purchases.last {
                v[col("recency_days")] = f64::from(as_of - l);
                v[col("frequency")] = f64::from(orders_total.saturating_sub(1));
            }
            if let (Some(f), Some(l)) = (purchases.first, purchases.last) {
                v[col("t_x_days")] = f64::from(l - f);
                v[col("age_days")] = f64::from(as_of - f);
                if orders_total > 1 && l > f {
                    v[col("mean_interpurchase_days")] =
                        f64::from(l - f) / f64::from(orders_total - 1);
                }
            }
            v[col("orders_total")] = f64::from(orders_total);
            v[col("spend_total")] = spend_total;
            v[col("returns_12m")] = returns12;
            v[col("spend_6m")] = spend6;
            v[col("spend_prev_6m")] = prev6;
            v[col("spend_prev_12m")] = spend_prev_year;
            if prev6 > 0.0 {
                v[col("spend_growth_6m")] = (spend6 - prev6) / prev6;
            }

            let (mut ended, mut renewed) = (0u32, 0u32);
            for k in range(&con_r) {
                let ct = &data.contracts[k];
                if ct.start > as_of {
                    continue;
                }
                if let (Some(end), Some(r)) = (ct.end, ct.renewed)
                    && end <= as_of
                {
                    ended += 1;
                    renewed += u32::from(r);
                }
            }
            if ended > 0 {
                v[col("renewal_rate")] = f64::from(renewed) / f64::from(ended);
            }

            let (mut due, mut on_time, mut delay, mut overdue) = (0u32, 0u32, 0.0, 0.0);
            for k in range(&pay_r) {
                let p = &data.payments[k];
                if p.invoice > as_of || p.due > as_of {
                    continue;
                }
                due += 1;
                let paid = p.paid.filter(|d| *d <= as_of);
                match paid {
                    Some(d) if d <= p.due => on_time += 1,
                    Some(d) => delay += f64::from(d - p.due),
                    None => {
                        delay += f64::from(as_of - p.due);
                        overdue += p.amount.unwrap_or(0.0);
                    }
                }
            }
            if due > 0 {
                v[col("payment_on_time_rate")] = f64::from(on_time) / f64::from(due);
                v[col("avg_payment_delay_days")] = delay / f64::from(due);
                v[col("overdue_amount")] = overdue;
            } else if !data.payments.is_empty() {
                v[col("overdue_amount")] = 0.0;
            }

            let mut counts = [0u32; 4];
            for k in range(&int_r) {
                let it = &data.interactions[k];
                if it.day > y0 && it.day <= as_of {
                    let slot = match it.kind {
                        InteractionKind::Inquiry => 0,
                        InteractionKind::Referral => 1,
                        InteractionKind::Complaint => 2,
                        InteractionKind::ServiceTicket => 3,
                        InteractionKind::Other => continue,
                    };
                    counts[slot] += 1;
                }
            }
            for (slot, id) in [
                "inquiries_12m",
                "referrals_12m",
                "complaints_12m",
                "tickets_12m",
            ]
            .iter()
            .enumerate()
            {
                v[col(id)] = f64::from(counts[slot]);
            }

            let (mut cs, mut cn, mut ns, mut nn) = (0.0, 0u32, 0.0, 0u32);
            let mut last_csat = None;
            let mut last_nps = None;
            for k in range(&sur_r) {
                let s = &data.surveys[k];
                if s.day > as_of {
                    continue;
                }
                if let Some(x) = s.csat {
                    last_csat = Some(x);
                    if s.day > y0 {
                        cs += x;
                        cn += 1;
                    }
                }
                if let Some(x) = s.nps {
                    last_nps = Some(x);
                    if s.day > y0 {
                        ns += x;
                        nn += 1;
                    }
                }
            }
            // The last 12 months' mean; else the latest answer ever given (a satisfied
            // customer who was asked two years ago is still better known than an unknown one).
            v[col("csat")] = if cn > 0 {
                cs / f64::from(cn)
            } else {
                last_csat.unwrap_or(f64::NAN)
            };
            v[col("nps")] = if nn > 0 {
                ns / f64::from(nn)
            } else {
                last_nps.unwrap_or(f64::NAN)
            };

            if let Some(w) = info.wallet.filter(|w| *w > 0.0) {
                v[col("wallet")] = w;
                v[col("share_of_wallet")] = (spend12.max(0.0) / w).min(1.0);
                v[col("wallet_gap")] = (w - spend12.max(0.0)).max(0.0);
            }
            Row {
                values: v,
                bought,
                purchases,
                spend_prev_year,
            }
        })
        .collect();

    // Industry-level figures need all customers: growth of the industry's spend, and which
    // categories its buyers commonly buy.
    let mut industries: Vec<&str> = data
        .customers
        .iter()
        .filter_map(|c| c.industry.as_deref())
        .collect();
    industries.sort_unstable();
    industries.dedup();
    let ind_of: Vec<Option<usize>> = data
        .customers
        .iter()
        .map(|c| {
            c.industry
                .as_deref()
                .and_then(|i| industries.binary_search(&i).ok())
        })
        .collect();
    let ncat = data.categories.len();
    let mut ind_now = vec![0.0; industries.len()];
    let mut ind_prev = vec![0.0; industries.len()];
    let mut ind_buyers = vec![0u32; industries.len()];
    let mut ind_cat = vec![vec![0u32; ncat]; industries.len()];
    for (c, row) in rows.iter().enumerate() {
        if let Some(k) = ind_of[c] {
            ind_now[k] += row.values[col("spend_12m")];
            ind_prev[k] += row.spend_prev_year;
            if !row.bought.is_empty() {
                ind_buyers[k] += 1;
                for &cat in &row.bought {
                    if let Some(slot) = ind_cat[k].get_mut(cat as usize) {
                        *slot += 1;
                    }
                }
            }
        }
    }
    // Per industry: its common categories, most bought first.
    let common: Vec<Vec<u32>> = (0..industries.len())
        .map(|k| {
            let need = (CROSS_SELL_PEER_SHARE * f64::from(ind_buyers[k])).max(1.0);
            let mut cats: Vec<(u32, u32)> = ind_cat[k]
                .iter()
                .enumerate()
                .filter(|(_, n)| f64::from(**n) >= need)
                .map(|(cat, n)| (cat as u32, *n))
                .collect();
            cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            cats.into_iter().map(|(cat, _)| cat).collect()
        })
        .collect();

    let mut columns = vec![Vec::with_capacity(n); FEATURES.len()];
    let mut cross_sell = Vec::with_capacity(n);
    let mut purchase_days = Vec::with_capacity(n);
    for (c, mut row) in rows.into_iter().enumerate() {
        if let Some(k) = ind_of[c] {
            if ind_prev[k] > 0.0 {
                row.values[col("industry_growth")] = ind_now[k] / ind_prev[k] - 1.0;
            }
            let gaps: Vec<u32> = common[k]
                .iter()
                .copied()
                .filter(|cat| row.bought.binary_search(cat).is_err())
                .collect();
            row.values[col("cross_sell_gap")] = gaps.len() as f64;
            cross_sell.push(gaps);
        } else {
            cross_sell.push(Vec::new());
        }
        for (f, x) in row.values.into_iter().enumerate() {
            columns[f].push(x);
        }
        purchase_days.push(row.purchases);
    }
    let base = base_gap(&columns[col("mean_interpurchase_days")]);
    let mut table = FeatureTable {
        columns,
        cross_sell,
        purchase_days,
        base_gap_days: None,
        clv_parts: Vec::new(),
    };
    table.set_base_gap(base);
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use custval_model::{Contract, CustomerInfo, Interaction, Payment, Tx};

    fn tx(cust: u32, day: Day, amount: f64, cost: f32, category: u32) -> Tx {
        Tx {
            cust,
            category,
            day,
            cost,
            amount,
        }
    }

    fn get(t: &FeatureTable, id: &str, c: usize) -> f64 {
        t.get(id).map_or(f64::NAN, |v| v[c])
    }

    fn sample() -> Dataset {
        let mut d = Dataset {
            customers: vec![
                CustomerInfo {
                    id: "A".into(),
                    industry: Some("pharma".into()),
                    signup: Some(0),
                    ..Default::default()
                },
                CustomerInfo {
                    id: "B".into(),
                    industry: Some("pharma".into()),
                    wallet: Some(1000.0),
                    ..Default::default()
                },
            ],
            categories: vec!["drugs".into(), "devices".into()],
            ..Default::default()
        };
        d.tx = vec![
            tx(0, 100, 100.0, 60.0, 0),
            tx(0, 100, 50.0, 30.0, 1),
            tx(0, 300, 200.0, 100.0, 0),
            tx(0, 300, -20.0, -10.0, 0),
            tx(0, 500, 80.0, f32::NAN, 0), // after as_of: must not count
            tx(1, 350, 40.0, f32::NAN, 0),
        ];
        d.payments = vec![
            Payment {
                cust: 0,
                invoice: 100,
                due: 130,
                paid: Some(120),
                amount: Some(150.0),
            },
            Payment {
                cust: 0,
                invoice: 300,
                due: 330,
                paid: Some(420),
                amount: Some(180.0),
            },
        ];
        d.contracts = vec![Contract {
            cust: 0,
            start: 0,
            end: Some(200),
            renewed: Some(true),
        }];
        d.interactions = vec![Interaction {
            cust: 1,
            day: 360,
            kind: InteractionKind::Referral,
        }];
        d.sort();
        d
    }

    #[test]
    fn features_follow_their_definitions_and_ignore_later_rows() {
        let d = sample();
        let t = compute(&d, 400, 200);
        assert_eq!(
            (t.purchase_days[0].cal_days, t.purchase_days[0].holdout_days),
            (1, 1)
        );
        // Customer A: days 100 (150) and 300 (200 − 20 = 180); day 500 is after as_of.
        assert_eq!(get(&t, "spend_12m", 0), 330.0);
        assert_eq!(get(&t, "orders_12m", 0), 2.0);
        assert_eq!(get(&t, "aov_12m", 0), 165.0);
        assert_eq!(get(&t, "categories_12m", 0), 2.0);
        assert_eq!(get(&t, "returns_12m", 0), 20.0);
        // Profit over lines with a cost: (330 − 180) / 330 of spend.
        assert!((get(&t, "gross_margin_12m", 0) - 150.0 / 330.0).abs() < 1e-12);
        assert_eq!(get(&t, "recency_days", 0), 100.0);
        assert_eq!(get(&t, "tenure_days", 0), 400.0);
        assert_eq!(get(&t, "frequency", 0), 1.0);
        assert_eq!(get(&t, "t_x_days", 0), 200.0);
        assert_eq!(get(&t, "age_days", 0), 300.0);
        assert_eq!(get(&t, "renewal_rate", 0), 1.0);
        // Second invoice is due on 330 and paid on 420 > as_of: unpaid as of 400.
        assert_eq!(get(&t, "payment_on_time_rate", 0), 0.5);
        assert_eq!(get(&t, "avg_payment_delay_days", 0), 35.0);
        assert_eq!(get(&t, "overdue_amount", 0), 180.0);
        assert_eq!(t.purchase_days[0].repeat_mean, 180.0);
        // Customer B: no cost data → no margin; wallet known.
        assert!(get(&t, "gross_margin_12m", 1).is_nan());
        assert_eq!(get(&t, "share_of_wallet", 1), 0.04);
        assert_eq!(get(&t, "wallet_gap", 1), 960.0);
        assert_eq!(get(&t, "referrals_12m", 1), 1.0);
        // B has not bought "devices", which 1 of 2 pharma buyers (≥ 30%) bought.
        assert_eq!(get(&t, "cross_sell_gap", 1), 1.0);
        assert_eq!(t.cross_sell[1], vec![1]);
        assert!(get(&t, "p_alive", 0).is_nan());
        // Issue 17: A bought on days 100 and 300 (one gap of 200 days), 100 days ago; B once.
        assert_eq!(get(&t, "mean_interpurchase_days", 0), 200.0);
        assert_eq!(get(&t, "recency_ratio", 0), 0.5);
        assert!(get(&t, "mean_interpurchase_days", 1).is_nan());
        // B is judged against the base's median gap (A's 200 days): 50 / 200.
        assert_eq!(t.base_gap_days, Some(200.0));
        assert_eq!(get(&t, "recency_ratio", 1), 0.25);
    }

    #[test]
    fn an_earlier_date_sees_less() {
        let d = sample();
        let t = compute(&d, 150, 150);
        assert_eq!(get(&t, "spend_12m", 0), 150.0);
        assert_eq!(get(&t, "orders_total", 1), 0.0);
        assert!(get(&t, "recency_days", 1).is_nan());
        assert!(get(&t, "renewal_rate", 0).is_nan());
    }
}
