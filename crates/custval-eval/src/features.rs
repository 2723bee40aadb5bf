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
//! Columns are typed: [`Feature`] names each one and is its index, so the computation below
//! reads and writes `v[Feature::Spend12m]`, never a string. Names only come in at the edge,
//! from a configuration (`Feature::from_str`, an [`UnknownFeature`] error, or
//! [`FeatureTable::get`]).
//!
//! Missing is `NaN` in the columns (a feature that cannot be known for a customer, e.g. a
//! margin without cost data); what to do with it is the indicator's missing-data rule, not a
//! silent zero here. Counts that are truly zero are zero.

use std::ops::{Index, IndexMut};
use std::str::FromStr;

use custval_model::{
    Contract, CustomerInfo, Dataset, Day, Interaction, InteractionKind, NO_CATEGORY, Payment,
    Survey, Tx,
};
use rayon::prelude::*;

use crate::progress::{Counter, NoProgress, Progress, Step};

/// Days in the 12-month window.
pub const YEAR_DAYS: Day = 365;
/// Days in the 6-month windows.
pub const HALF_DAYS: Day = 182;
/// Share of an industry's buyers that must buy a category before its absence counts as a
/// cross-sell gap for a customer of that industry.
pub const CROSS_SELL_PEER_SHARE: f64 = 0.3;

/// Declares [`Feature`] and [`FEATURES`] from one list, so that a variant's index and its
/// id's position cannot disagree.
macro_rules! feature_columns {
    ($($variant:ident = $id:literal,)*) => {
        /// A built-in feature column; `feature as usize` is its index in [`FEATURES`] and in
        /// [`FeatureTable::columns`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Feature {
            $($variant,)*
        }

        impl Feature {
            /// Every feature, in column order.
            pub const ALL: &'static [Feature] = &[$(Feature::$variant,)*];

            /// The id used in configurations and stored results.
            pub const fn id(self) -> &'static str {
                match self {
                    $(Feature::$variant => $id,)*
                }
            }
        }

        /// Feature ids in column order. Must list every id of
        /// `custval_config::BUILTIN_FEATURES` (a test checks it), CLV ones included: the engine
        /// fills those after fitting.
        pub const FEATURES: &[&str] = &[$($id,)*];
    };
}

feature_columns! {
    Spend12m = "spend_12m",
    Orders12m = "orders_12m",
    Aov12m = "aov_12m",
    Categories12m = "categories_12m",
    GrossProfit12m = "gross_profit_12m",
    GrossMargin12m = "gross_margin_12m",
    SalesCost12m = "sales_cost_12m",
    ServiceCost12m = "service_cost_12m",
    NetContribution12m = "net_contribution_12m",
    TenureDays = "tenure_days",
    RecencyDays = "recency_days",
    OrdersTotal = "orders_total",
    SpendTotal = "spend_total",
    Returns12m = "returns_12m",
    RenewalRate = "renewal_rate",
    PaymentOnTimeRate = "payment_on_time_rate",
    AvgPaymentDelayDays = "avg_payment_delay_days",
    OverdueAmount = "overdue_amount",
    Spend6m = "spend_6m",
    SpendPrev6m = "spend_prev_6m",
    SpendGrowth6m = "spend_growth_6m",
    IndustryGrowth = "industry_growth",
    Inquiries12m = "inquiries_12m",
    Referrals12m = "referrals_12m",
    Complaints12m = "complaints_12m",
    Tickets12m = "tickets_12m",
    Csat = "csat",
    Nps = "nps",
    PAlive = "p_alive",
    ExpectedPurchases12m = "expected_purchases_12m",
    Clv12m = "clv_12m",
    CrossSellGap = "cross_sell_gap",
    Wallet = "wallet",
    ShareOfWallet = "share_of_wallet",
    WalletGap = "wallet_gap",
    Frequency = "frequency",
    TXDays = "t_x_days",
    AgeDays = "age_days",
    SpendPrev12m = "spend_prev_12m",
    MeanInterpurchaseDays = "mean_interpurchase_days",
    RecencyRatio = "recency_ratio",
}

impl Feature {
    /// Number of built-in features (columns of a [`FeatureTable`]).
    pub const COUNT: usize = Feature::ALL.len();

    /// Index in [`FEATURES`] and [`FeatureTable::columns`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The feature of an id, `None` when it is not a built-in feature.
    pub fn from_id(id: &str) -> Option<Feature> {
        Feature::ALL.iter().copied().find(|f| f.id() == id)
    }
}

/// A name that is not a built-in feature id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a built-in feature")]
pub struct UnknownFeature(pub String);

impl FromStr for Feature {
    type Err = UnknownFeature;
    fn from_str(id: &str) -> Result<Feature, UnknownFeature> {
        Feature::from_id(id).ok_or_else(|| UnknownFeature(id.to_string()))
    }
}

/// Index of a feature id in [`FEATURES`].
pub fn feature_index(id: &str) -> Option<usize> {
    Feature::from_id(id).map(Feature::index)
}

/// Columns of features, one value per customer of the dataset (same order), `NaN` = missing.
#[derive(Debug, Clone)]
pub struct FeatureTable {
    /// One column per [`Feature`], in [`FEATURES`] order.
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
    /// (`None`: no prediction); see the `breakdown` module.
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
    /// A column by feature id (a name from a configuration); `None` for an unknown id.
    pub fn get(&self, id: &str) -> Option<&[f64]> {
        Feature::from_id(id).map(|f| self.col(f))
    }
    /// Replaces a column by feature id; an unknown id is ignored.
    pub fn set(&mut self, id: &str, values: Vec<f64>) {
        if let Some(f) = Feature::from_id(id) {
            self.columns[f.index()] = values;
        }
    }
    /// A feature's column.
    pub fn col(&self, f: Feature) -> &[f64] {
        &self.columns[f.index()]
    }
    /// A feature's column, to change.
    pub fn col_mut(&mut self, f: Feature) -> &mut Vec<f64> {
        &mut self.columns[f.index()]
    }

    /// The gap a customer's recency is judged against: its own mean gap between orders when
    /// it has one, else the base's; and whether it is its own.
    pub fn expected_gap(&self, c: usize) -> Option<(f64, bool)> {
        let own = self
            .col(Feature::MeanInterpurchaseDays)
            .get(c)
            .copied()
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
        let recency = self.col(Feature::RecencyDays);
        let ratio: Vec<f64> = (0..self.purchase_days.len())
            .map(|c| match (recency.get(c), self.expected_gap(c)) {
                (Some(r), Some((g, _))) if r.is_finite() => r / g,
                _ => f64::NAN,
            })
            .collect();
        *self.col_mut(Feature::RecencyRatio) = ratio;
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

/// One customer's features, indexed by [`Feature`]; `NaN` = missing.
struct Values([f64; Feature::COUNT]);

impl Index<Feature> for Values {
    type Output = f64;
    fn index(&self, f: Feature) -> &f64 {
        &self.0[f.index()]
    }
}

impl IndexMut<Feature> for Values {
    fn index_mut(&mut self, f: Feature) -> &mut f64 {
        &mut self.0[f.index()]
    }
}

/// The day windows of one computation (see the module docs).
struct Window {
    as_of: Day,
    /// Start (exclusive) of the last 12 months, of the year before them, of the last 6
    /// months and of the 6 before those.
    year: Day,
    prev_year: Day,
    half: Day,
    prev_half: Day,
    calibration_end: Day,
}

impl Window {
    fn new(as_of: Day, calibration_end: Day) -> Window {
        Window {
            as_of,
            year: as_of - YEAR_DAYS,
            prev_year: as_of - 2 * YEAR_DAYS,
            half: as_of - HALF_DAYS,
            prev_half: as_of - 2 * HALF_DAYS,
            calibration_end,
        }
    }
    /// In the last 12 months.
    fn in_year(&self, day: Day) -> bool {
        day > self.year && day <= self.as_of
    }
}

/// Each customer's rows in every fact table (the tables are sorted by customer).
struct Ranges {
    tx: Vec<(u32, u32)>,
    costs: Vec<(u32, u32)>,
    interactions: Vec<(u32, u32)>,
    surveys: Vec<(u32, u32)>,
    contracts: Vec<(u32, u32)>,
    payments: Vec<(u32, u32)>,
}

impl Ranges {
    fn new(data: &Dataset) -> Ranges {
        Ranges {
            tx: data.ranges_by_customer(&data.tx, |t| t.cust),
            costs: data.ranges_by_customer(&data.costs, |c| c.cust),
            interactions: data.ranges_by_customer(&data.interactions, |i| i.cust),
            surveys: data.ranges_by_customer(&data.surveys, |s| s.cust),
            contracts: data.ranges_by_customer(&data.contracts, |c| c.cust),
            payments: data.ranges_by_customer(&data.payments, |p| p.cust),
        }
    }
}

/// Customer `c`'s rows of a fact table.
fn rows_of<'a, T>(rows: &'a [T], ranges: &[(u32, u32)], c: usize) -> &'a [T] {
    &rows[ranges[c].0 as usize..ranges[c].1 as usize]
}

/// What a customer's order lines add up to, as of the date.
#[derive(Default)]
struct Orders {
    spend_12m: f64,
    spend_6m: f64,
    spend_prev_6m: f64,
    spend_total: f64,
    spend_prev_year: f64,
    returns_12m: f64,
    /// Amount and gross profit of the last 12 months' lines with a known cost.
    margin_amount: f64,
    margin_profit: f64,
    orders_12m: u32,
    orders_total: u32,
    /// Distinct categories bought in the last 12 months.
    categories_12m: usize,
    /// Categories ever bought, ascending, without repeats.
    bought: Vec<u32>,
    purchases: PurchaseSummary,
}

impl Orders {
    /// Nets a customer's order lines per day (lines and refunds of a day first, then the day
    /// counts as a purchase when positive), days in order.
    fn scan(txs: &[Tx], w: &Window) -> Orders {
        let mut o = Orders::default();
        let mut cats_12m: Vec<u32> = Vec::new();
        let mut repeat_sum = 0.0;
        let mut i = 0;
        while i < txs.len() {
            let day = txs[i].day;
            let mut net = 0.0;
            let mut j = i;
            while j < txs.len() && txs[j].day == day {
                let t = &txs[j];
                if t.day <= w.as_of {
                    net += t.amount;
                    o.add_line(t, w, &mut cats_12m);
                }
                j += 1;
            }
            if day <= w.as_of {
                o.add_day(day, net, w, &mut repeat_sum);
            }
            i = j;
        }
        let p = &mut o.purchases;
        p.days = o.orders_total;
        p.repeat_mean = if o.orders_total > 1 {
            repeat_sum / f64::from(o.orders_total - 1)
        } else {
            0.0
        };
        o.bought.sort_unstable();
        o.bought.dedup();
        cats_12m.sort_unstable();
        cats_12m.dedup();
        o.categories_12m = cats_12m.len();
        o
    }

    /// One order line dated on or before the as-of date.
    fn add_line(&mut self, t: &Tx, w: &Window, cats_12m: &mut Vec<u32>) {
        let bought = t.amount > 0.0 && t.category != NO_CATEGORY;
        if t.day > w.year {
            if t.amount < 0.0 {
                self.returns_12m -= t.amount;
            }
            if t.cost.is_finite() {
                self.margin_amount += t.amount;
                self.margin_profit += t.amount - f64::from(t.cost);
            }
            if bought {
                cats_12m.push(t.category);
            }
        }
        if bought {
            self.bought.push(t.category);
        }
    }

    /// One day's net amount, the day on or before the as-of date.
    fn add_day(&mut self, day: Day, net: f64, w: &Window, repeat_sum: &mut f64) {
        self.spend_total += net;
        if day > w.year {
            self.spend_12m += net;
        } else if day > w.prev_year {
            self.spend_prev_year += net;
        }
        if day > w.half {
            self.spend_6m += net;
        } else if day > w.prev_half {
            self.spend_prev_6m += net;
        }
        if net <= 0.0 {
            return;
        }
        self.orders_total += 1;
        if day > w.year {
            self.orders_12m += 1;
        }
        let p = &mut self.purchases;
        if p.first.is_none() {
            p.first = Some(day);
        } else {
            *repeat_sum += net;
        }
        p.last = Some(day);
        if day <= w.calibration_end {
            p.cal_days += 1;
            p.cal_last = Some(day);
        } else if p.cal_days > 0 {
            p.holdout_days += 1;
        }
    }

    /// Spend, orders, margin and profit of the last 12 months, and the 6-month figures.
    fn write_spend(&self, v: &mut Values) {
        v[Feature::Spend12m] = self.spend_12m;
        v[Feature::Orders12m] = f64::from(self.orders_12m);
        if self.orders_12m > 0 {
            v[Feature::Aov12m] = self.spend_12m / f64::from(self.orders_12m);
        }
        v[Feature::Categories12m] = self.categories_12m as f64;
        if self.margin_amount > 0.0 {
            let m = self.margin_profit / self.margin_amount;
            v[Feature::GrossMargin12m] = m;
            v[Feature::GrossProfit12m] = m * self.spend_12m;
        } else if self.spend_12m <= 0.0 {
            v[Feature::GrossProfit12m] = 0.0;
        }
        v[Feature::OrdersTotal] = f64::from(self.orders_total);
        v[Feature::SpendTotal] = self.spend_total;
        v[Feature::Returns12m] = self.returns_12m;
        v[Feature::Spend6m] = self.spend_6m;
        v[Feature::SpendPrev6m] = self.spend_prev_6m;
        v[Feature::SpendPrev12m] = self.spend_prev_year;
        if self.spend_prev_6m > 0.0 {
            v[Feature::SpendGrowth6m] = (self.spend_6m - self.spend_prev_6m) / self.spend_prev_6m;
        }
    }

    /// Tenure, recency and the purchase-timing figures of the CLV summary.
    fn write_timing(&self, v: &mut Values, info: &CustomerInfo, as_of: Day) {
        let p = &self.purchases;
        let start = match (p.first, info.signup.filter(|s| *s <= as_of)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(s) = start {
            v[Feature::TenureDays] = f64::from(as_of - s);
        }
        if let Some(l) = p.last {
            v[Feature::RecencyDays] = f64::from(as_of - l);
            v[Feature::Frequency] = f64::from(self.orders_total.saturating_sub(1));
        }
        if let (Some(f), Some(l)) = (p.first, p.last) {
            v[Feature::TXDays] = f64::from(l - f);
            v[Feature::AgeDays] = f64::from(as_of - f);
            if self.orders_total > 1 && l > f {
                v[Feature::MeanInterpurchaseDays] =
                    f64::from(l - f) / f64::from(self.orders_total - 1);
            }
        }
    }
}

/// Sales and service cost of the last 12 months (only when the base has cost data as of
/// the date), and the net contribution they leave of the gross profit.
fn write_costs(v: &mut Values, costs: &[custval_model::Cost], w: &Window, has_costs: bool) {
    let (mut sales, mut service) = (0.0, 0.0);
    for cost in costs {
        if w.in_year(cost.period) {
            sales += cost.sales;
            service += cost.service;
        }
    }
    if has_costs {
        v[Feature::SalesCost12m] = sales;
        v[Feature::ServiceCost12m] = service;
    }
    let gp = v[Feature::GrossProfit12m];
    if gp.is_finite() {
        v[Feature::NetContribution12m] = gp - sales - service;
    }
}

/// Share of the contracts ended by the date that were renewed.
fn write_renewal(v: &mut Values, contracts: &[Contract], as_of: Day) {
    let (mut ended, mut renewed) = (0u32, 0u32);
    for ct in contracts {
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
        v[Feature::RenewalRate] = f64::from(renewed) / f64::from(ended);
    }
}

/// Payment punctuality over the invoices due by the date; `any_payments`: the base has
/// payment data at all (then a customer without invoices owes 0).
fn write_payments(v: &mut Values, payments: &[Payment], as_of: Day, any_payments: bool) {
    let (mut due, mut on_time, mut delay, mut overdue) = (0u32, 0u32, 0.0, 0.0);
    for p in payments {
        if p.invoice > as_of || p.due > as_of {
            continue;
        }
        due += 1;
        match p.paid.filter(|d| *d <= as_of) {
            Some(d) if d <= p.due => on_time += 1,
            Some(d) => delay += f64::from(d - p.due),
            None => {
                delay += f64::from(as_of - p.due);
                overdue += p.amount.unwrap_or(0.0);
            }
        }
    }
    if due > 0 {
        v[Feature::PaymentOnTimeRate] = f64::from(on_time) / f64::from(due);
        v[Feature::AvgPaymentDelayDays] = delay / f64::from(due);
        v[Feature::OverdueAmount] = overdue;
    } else if any_payments {
        v[Feature::OverdueAmount] = 0.0;
    }
}

/// Inquiries, referrals, complaints and service tickets of the last 12 months.
fn write_interactions(v: &mut Values, interactions: &[Interaction], w: &Window) {
    for f in [
        Feature::Inquiries12m,
        Feature::Referrals12m,
        Feature::Complaints12m,
        Feature::Tickets12m,
    ] {
        v[f] = 0.0;
    }
    for it in interactions {
        if w.in_year(it.day) {
            let f = match it.kind {
                InteractionKind::Inquiry => Feature::Inquiries12m,
                InteractionKind::Referral => Feature::Referrals12m,
                InteractionKind::Complaint => Feature::Complaints12m,
                InteractionKind::ServiceTicket => Feature::Tickets12m,
                InteractionKind::Other => continue,
            };
            v[f] += 1.0;
        }
    }
}

/// CSAT and NPS: the last 12 months' mean; else the latest answer ever given (a satisfied
/// customer who was asked two years ago is still better known than an unknown one).
fn write_surveys(v: &mut Values, surveys: &[Survey], w: &Window) {
    #[derive(Default)]
    struct Answers {
        sum: f64,
        n: u32,
        last: Option<f64>,
    }
    impl Answers {
        fn add(&mut self, x: Option<f64>, recent: bool) {
            if let Some(x) = x {
                self.last = Some(x);
                if recent {
                    self.sum += x;
                    self.n += 1;
                }
            }
        }
        fn value(&self) -> f64 {
            if self.n > 0 {
                self.sum / f64::from(self.n)
            } else {
                self.last.unwrap_or(f64::NAN)
            }
        }
    }
    let (mut csat, mut nps) = (Answers::default(), Answers::default());
    for s in surveys {
        if s.day > w.as_of {
            continue;
        }
        let recent = s.day > w.year;
        csat.add(s.csat, recent);
        nps.add(s.nps, recent);
    }
    v[Feature::Csat] = csat.value();
    v[Feature::Nps] = nps.value();
}

/// The customer's known wallet, the share of it the last 12 months' spend holds, and the gap.
fn write_wallet(v: &mut Values, info: &CustomerInfo, spend_12m: f64) {
    if let Some(w) = info.wallet.filter(|w| *w > 0.0) {
        v[Feature::Wallet] = w;
        v[Feature::ShareOfWallet] = (spend_12m.max(0.0) / w).min(1.0);
        v[Feature::WalletGap] = (w - spend_12m.max(0.0)).max(0.0);
    }
}

/// One customer's figures before the industry-level ones.
struct Row {
    values: Values,
    bought: Vec<u32>,
    purchases: PurchaseSummary,
    spend_prev_year: f64,
}

/// What every per-customer figure reads: the data, its rows per customer and the windows.
struct Inputs<'a> {
    data: &'a Dataset,
    ranges: Ranges,
    w: Window,
    /// The base has cost rows as of the date: cost rows after it must not turn "no cost
    /// data" into 0 (issue 17: the stored profit waterfall of an earlier date changed with
    /// later rows).
    has_costs: bool,
}

impl Inputs<'_> {
    /// Customer `c`'s own features (every one but the industry-level and CLV ones).
    fn row(&self, c: usize) -> Row {
        let (d, r, w) = (self.data, &self.ranges, &self.w);
        let mut v = Values([f64::NAN; Feature::COUNT]);
        let info = &d.customers[c];
        let orders = Orders::scan(rows_of(&d.tx, &r.tx, c), w);
        orders.write_spend(&mut v);
        write_costs(&mut v, rows_of(&d.costs, &r.costs, c), w, self.has_costs);
        orders.write_timing(&mut v, info, w.as_of);
        write_renewal(&mut v, rows_of(&d.contracts, &r.contracts, c), w.as_of);
        let payments = rows_of(&d.payments, &r.payments, c);
        write_payments(&mut v, payments, w.as_of, !d.payments.is_empty());
        write_interactions(&mut v, rows_of(&d.interactions, &r.interactions, c), w);
        write_surveys(&mut v, rows_of(&d.surveys, &r.surveys, c), w);
        write_wallet(&mut v, info, orders.spend_12m);
        Row {
            values: v,
            bought: orders.bought,
            purchases: orders.purchases,
            spend_prev_year: orders.spend_prev_year,
        }
    }
}

/// Industry-level figures, which need all customers: growth of each industry's spend, and
/// which categories its buyers commonly buy.
struct Industries {
    /// Per customer: its industry's index (`None`: no industry).
    of: Vec<Option<usize>>,
    /// Per industry: last 12 months' spend over the 12 before (`None`: nothing before).
    growth: Vec<Option<f64>>,
    /// Per industry: its common categories, most bought first.
    common: Vec<Vec<u32>>,
}

impl Industries {
    fn new(data: &Dataset, rows: &[Row]) -> Industries {
        let mut names: Vec<&str> = data
            .customers
            .iter()
            .filter_map(|c| c.industry.as_deref())
            .collect();
        names.sort_unstable();
        names.dedup();
        let of: Vec<Option<usize>> = data
            .customers
            .iter()
            .map(|c| {
                c.industry
                    .as_deref()
                    .and_then(|i| names.binary_search(&i).ok())
            })
            .collect();
        let k = names.len();
        let (mut now, mut prev) = (vec![0.0; k], vec![0.0; k]);
        let mut buyers = vec![0u32; k];
        let mut by_cat = vec![vec![0u32; data.categories.len()]; k];
        for (row, ind) in rows.iter().zip(&of) {
            let Some(k) = *ind else { continue };
            now[k] += row.values[Feature::Spend12m];
            prev[k] += row.spend_prev_year;
            if !row.bought.is_empty() {
                buyers[k] += 1;
                for &cat in &row.bought {
                    if let Some(slot) = by_cat[k].get_mut(cat as usize) {
                        *slot += 1;
                    }
                }
            }
        }
        let growth = now
            .iter()
            .zip(&prev)
            .map(|(n, p)| (*p > 0.0).then(|| n / p - 1.0))
            .collect();
        let common = by_cat
            .iter()
            .zip(&buyers)
            .map(|(counts, b)| common_categories(counts, *b))
            .collect();
        Industries { of, growth, common }
    }
}

/// Categories bought by at least [`CROSS_SELL_PEER_SHARE`] of an industry's `buyers` (and at
/// least one), most bought first.
fn common_categories(counts: &[u32], buyers: u32) -> Vec<u32> {
    let need = (CROSS_SELL_PEER_SHARE * f64::from(buyers)).max(1.0);
    let mut cats: Vec<(u32, u32)> = counts
        .iter()
        .enumerate()
        .filter(|(_, n)| f64::from(**n) >= need)
        .map(|(cat, n)| (cat as u32, *n))
        .collect();
    cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    cats.into_iter().map(|(cat, _)| cat).collect()
}

/// Computes every feature except the CLV ones (`p_alive`, `expected_purchases_12m`, `clv_12m`),
/// which stay `NaN` until the engine fills them.
///
/// `calibration_end` (before `as_of`) splits each customer's purchase days for the CLV model's
/// holdout check; see [`PurchaseSummary`].
pub fn compute(data: &Dataset, as_of: Day, calibration_end: Day) -> FeatureTable {
    compute_reporting(data, as_of, calibration_end, &NoProgress)
}

/// [`compute`], reporting the per-customer pass to `progress` once per chunk of customers.
pub fn compute_reporting(
    data: &Dataset,
    as_of: Day,
    calibration_end: Day,
    progress: &dyn Progress,
) -> FeatureTable {
    let n = data.customers.len();
    let inputs = Inputs {
        data,
        ranges: Ranges::new(data),
        w: Window::new(as_of, calibration_end),
        has_costs: data.costs.iter().any(|c| c.period <= as_of),
    };
    let counter = Counter::start(progress, Step::Features, n as u64);
    let rows: Vec<Row> = (0..n)
        .into_par_iter()
        .map(|c| {
            let row = inputs.row(c);
            counter.tick(c);
            row
        })
        .collect();
    counter.finish();
    let industries = Industries::new(data, &rows);

    let mut columns: Vec<Vec<f64>> = (0..Feature::COUNT).map(|_| Vec::with_capacity(n)).collect();
    let mut cross_sell = Vec::with_capacity(n);
    let mut purchase_days = Vec::with_capacity(n);
    for (mut row, ind) in rows.into_iter().zip(&industries.of) {
        if let Some(k) = *ind {
            if let Some(g) = industries.growth[k] {
                row.values[Feature::IndustryGrowth] = g;
            }
            let gaps: Vec<u32> = industries.common[k]
                .iter()
                .copied()
                .filter(|cat| row.bought.binary_search(cat).is_err())
                .collect();
            row.values[Feature::CrossSellGap] = gaps.len() as f64;
            cross_sell.push(gaps);
        } else {
            cross_sell.push(Vec::new());
        }
        for (col, x) in columns.iter_mut().zip(row.values.0) {
            col.push(x);
        }
        purchase_days.push(row.purchases);
    }
    let base = base_gap(&columns[Feature::MeanInterpurchaseDays.index()]);
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

    #[test]
    fn features_are_typed_columns_and_names_resolve_only_at_the_edge() {
        assert_eq!(Feature::COUNT, FEATURES.len());
        for (i, f) in Feature::ALL.iter().enumerate() {
            assert_eq!(f.index(), i);
            assert_eq!(f.id(), FEATURES[i]);
            assert_eq!(f.id().parse::<Feature>(), Ok(*f));
        }
        assert_eq!(
            "spend_13m".parse::<Feature>(),
            Err(UnknownFeature("spend_13m".into()))
        );
        assert_eq!(feature_index("recency_ratio"), Some(FEATURES.len() - 1));
    }
}
