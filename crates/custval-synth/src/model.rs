//! The simulation of one customer from its own RNG (the parameter tables are in `params`).

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::{Beta, Distribution, Exp1, Gamma, StandardNormal};

use crate::SynthError;
use crate::chunk::ChunkData;
use crate::date::{month_end, month_index, month_start};
use crate::fmt::to_cents;
use crate::params::{
    CATEGORIES, CONSUMER, DECLINE_FACTOR, Flavour, GROW_FACTOR, INDUSTRY_TABLE, Industry,
    MAX_ORDERS_PER_CUSTOMER, REGION_SHARES, SIZES, SegmentParams, TREND_SHARE,
};

/// The per-customer random number generator (xoshiro256++, seeded from `(seed, index)`).
pub(crate) type CustRng = Xoshiro256PlusPlus;

struct SegDists {
    params: SegmentParams,
    lambda: Gamma<f64>,
    dropout: Beta<f64>,
    nu: Gamma<f64>,
    spend: Gamma<f64>,
}

/// The model of one run, shared read-only by all worker threads.
pub(crate) struct Model {
    seed: u64,
    flavour: Flavour,
    pub(crate) start_day: i32,
    pub(crate) end_day: i32,
    pub(crate) trend_start: i32,
    seg: Vec<SegDists>,
    size_cum: [f64; 4],
    industry_cum: [f64; 5],
    pub(crate) size_labels: [&'static str; 4],
    region_cum: [f64; 7],
}

fn cumulative<const N: usize>(w: [f64; N]) -> [f64; N] {
    let total: f64 = w.iter().sum();
    let mut out = [0.0; N];
    let mut acc = 0.0;
    for (o, x) in out.iter_mut().zip(w) {
        acc += x / total;
        *o = acc;
    }
    out[N - 1] = f64::INFINITY;
    out
}

fn pick_cum(cum: &[f64], u: f64) -> usize {
    cum.iter().position(|&c| u < c).unwrap_or(cum.len() - 1)
}

/// SplitMix64 finalizer: a bijective 64-bit mixer with full avalanche.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The RNG of customer `index` under `seed`: independent of chunking and thread count.
pub(crate) fn customer_rng(seed: u64, index: u64) -> CustRng {
    CustRng::seed_from_u64(mix64(mix64(seed) ^ mix64(index ^ 0x5DEE_CE66_D1CE_4E5B)))
}

fn invalid(what: &str, s: usize, v: f64) -> SynthError {
    SynthError::InvalidOptions(format!(
        "segment {} ({}): {what} = {v} must be positive and finite",
        s, SIZES[s]
    ))
}

/// What the later tables need to know about a simulated customer.
#[derive(Clone, Copy)]
struct Profile {
    index: u64,
    size: usize,
    trend: usize,
    signup: i32,
    late_payer: bool,
    /// Service-load multiplier (4 for high-maintenance accounts).
    hm: f64,
    satisfaction: f64,
    dropout_day: Option<i32>,
    last_active: i32,
    /// End of the window in which the customer interacts: 30 days after dropout at most.
    window_end: i32,
    retail: bool,
}

/// A customer's first draws: who it is and the parameters of its behaviour.
#[derive(Clone, Copy)]
struct Traits {
    size: usize,
    retail: bool,
    industry: usize,
    region: usize,
    signup: i32,
    lambda: f64,
    p_dropout: f64,
    nu: f64,
    expected_spend: f64,
    trend: usize,
    late_payer: bool,
    high_maintenance: bool,
    satisfaction: f64,
    share_of_wallet: f64,
}

/// Scratch buffers reused across the customers of a chunk.
#[derive(Default)]
pub(crate) struct Scratch {
    orders: Vec<(i32, i64)>,
    events: Vec<(i32, u8)>,
    months: Vec<(i32, i64, u32)>,
    cats: Vec<u8>,
}

fn uniform(rng: &mut CustRng) -> f64 {
    rng.random::<f64>()
}

fn normal(rng: &mut CustRng) -> f64 {
    StandardNormal.sample(rng)
}

/// Poisson variate for small means (Knuth), normal approximation above 30.
fn poisson(rng: &mut CustRng, mean: f64) -> u32 {
    if mean.is_nan() || mean <= 0.0 {
        return 0;
    }
    if mean > 30.0 {
        return (mean + mean.sqrt() * normal(rng)).round().max(0.0) as u32;
    }
    let l = (-mean).exp();
    let mut k = 0;
    let mut p = uniform(rng);
    while p > l {
        k += 1;
        p *= uniform(rng);
    }
    k
}

/// A uniform day in `[from, to]` (inclusive); `from` when the range is empty.
fn day_in(rng: &mut CustRng, from: i32, to: i32) -> i32 {
    if to <= from {
        from
    } else {
        rng.random_range(from..=to)
    }
}

impl Model {
    pub(crate) fn new(
        seed: u64,
        flavour: Flavour,
        start_day: i32,
        end_day: i32,
        segments: &[SegmentParams; 4],
    ) -> Result<Self, SynthError> {
        let mut seg = Vec::with_capacity(4);
        for (i, p) in segments.iter().enumerate() {
            for (name, v) in [
                ("share", p.share),
                ("r", p.r),
                ("alpha", p.alpha),
                ("a", p.a),
                ("b", p.b),
                ("spend_shape", p.spend_shape),
                ("q", p.q),
                ("gamma", p.gamma),
                ("signup_skew", p.signup_skew),
            ] {
                if !(v.is_finite() && v > 0.0) {
                    return Err(invalid(name, i, v));
                }
            }
            let lambda = Gamma::new(p.r, 1.0).map_err(|_| invalid("r", i, p.r))?;
            let dropout = Beta::new(p.a, p.b).map_err(|_| invalid("a", i, p.a))?;
            let nu = Gamma::new(p.q, 1.0).map_err(|_| invalid("q", i, p.q))?;
            let spend = Gamma::new(p.spend_shape, 1.0)
                .map_err(|_| invalid("spend_shape", i, p.spend_shape))?;
            seg.push(SegDists {
                params: *p,
                lambda,
                dropout,
                nu,
                spend,
            });
        }
        let span = end_day - start_day + 1;
        let trend_start = end_day + 1 - (span / 3).min(182);
        Ok(Model {
            seed,
            flavour,
            size_labels: flavour.size_labels(),
            start_day,
            end_day,
            trend_start,
            seg,
            size_cum: cumulative([
                segments[0].share,
                segments[1].share,
                segments[2].share,
                segments[3].share,
            ]),
            industry_cum: cumulative([0, 1, 2, 3, 4].map(|i| INDUSTRY_TABLE[i].share)),
            region_cum: cumulative(REGION_SHARES),
        })
    }

    /// Simulates customer `index` and appends its rows to `out`. The draws from the customer's
    /// RNG happen in a fixed order (traits, categories, channel, orders, transactions, the
    /// other tables, the customer row): changing that order changes every file.
    pub(crate) fn simulate(&self, index: u64, out: &mut ChunkData, sc: &mut Scratch) {
        let mut rng = customer_rng(self.seed, index);
        let rng = &mut rng;
        let tr = self.traits(rng);
        let sd = &self.seg[tr.size];
        let sp = &sd.params;
        pick_categories(&INDUSTRY_TABLE[tr.industry], tr.size, rng, &mut sc.cats);
        let channel_pref = channel_pref(tr.size, tr.retail, rng);
        let dropout_day = self.orders(&tr, sd, rng, &mut sc.orders);
        let revenue = transactions(index, channel_pref, tr.retail, rng, out, sc);
        let last_active = dropout_day.unwrap_or(self.end_day);
        let profile = Profile {
            index,
            size: tr.size,
            trend: tr.trend,
            signup: tr.signup,
            late_payer: tr.late_payer,
            hm: if tr.high_maintenance { 4.0 } else { 1.0 },
            satisfaction: tr.satisfaction,
            dropout_day,
            last_active,
            window_end: (last_active + 30).min(self.end_day),
            retail: tr.retail,
        };
        self.interactions(&profile, rng, out, sc);
        self.surveys(&profile, sp, rng, out);
        self.contracts(&profile, sp, rng, out);
        self.payments(&profile, sp, rng, out, sc);
        self.costs(&profile, sp, rng, out, sc);
        customer_row(index, &tr, rng, out);
        self.truth_row(index, &tr, dropout_day, sc.orders.len(), revenue, out);
    }

    /// The customer's band, industry, region, signup, purchase and spend parameters, trend and
    /// behaviour traits: the first draws from its RNG.
    fn traits(&self, rng: &mut CustRng) -> Traits {
        let size = pick_cum(&self.size_cum, uniform(rng));
        let retail = self.flavour == Flavour::Retail;
        let industry = pick_cum(&self.industry_cum, uniform(rng));
        let industry = if retail { CONSUMER } else { industry };
        let region = pick_cum(&self.region_cum, uniform(rng));
        let ind = &INDUSTRY_TABLE[industry];
        let sd = &self.seg[size];
        let sp = &sd.params;
        let end = self.end_day;

        // Signup: larger customers tend to be older accounts.
        let span = f64::from(end - self.start_day + 1);
        let signup = (self.start_day + (span * uniform(rng).powf(sp.signup_skew)) as i32).min(end);

        // Purchase process and spend parameters.
        let lambda = sd.lambda.sample(rng) / sp.alpha;
        let p_dropout = sd.dropout.sample(rng);
        let nu = sd.nu.sample(rng) / sp.gamma * ind.spend_mult.recip();
        let nu = nu.max(1e-12);
        let expected_spend = sp.spend_shape / nu;

        // Trend, payment behaviour, satisfaction.
        let eligible = signup < self.trend_start - 60;
        let u = uniform(rng);
        let trend = if !eligible {
            0
        } else if u < TREND_SHARE {
            1
        } else if u < 2.0 * TREND_SHARE {
            2
        } else {
            0
        };
        let late_p = 0.10
            + if size == 0 { 0.05 } else { 0.0 }
            + ind.late_extra
            + if trend == 1 { 0.20 } else { 0.0 };
        let late_payer = uniform(rng) < late_p && !retail;
        let high_maintenance = uniform(rng) < 0.05;
        let satisfaction = 0.7 * normal(rng) + [0.0, -0.3, 0.4][trend]
            - if late_payer { 0.2 } else { 0.0 }
            - if high_maintenance { 0.4 } else { 0.0 };
        let share_of_wallet = 0.1 + 0.8 * (uniform(rng) + uniform(rng)) / 2.0;
        Traits {
            size,
            retail,
            industry,
            region,
            signup,
            lambda,
            p_dropout,
            nu,
            expected_spend,
            trend,
            late_payer,
            high_maintenance,
            satisfaction,
            share_of_wallet,
        }
    }

    /// BG/NBD purchases into `orders`: trial at signup, then Poisson(λ·m(t)) by thinning,
    /// dropout after each repeat purchase with probability p. Returns the dropout day.
    fn orders(
        &self,
        tr: &Traits,
        sd: &SegDists,
        rng: &mut CustRng,
        orders: &mut Vec<(i32, i64)>,
    ) -> Option<i32> {
        let Traits {
            signup,
            lambda,
            p_dropout,
            nu,
            trend,
            ..
        } = *tr;
        let factor = [1.0, DECLINE_FACTOR, GROW_FACTOR][trend];
        let m_max = factor.max(1.0);
        let horizon = f64::from(self.end_day - signup + 1);
        let trend_t = f64::from(self.trend_start - signup);
        orders.clear();
        let mut dropout_day = None;
        let amount = |rng: &mut CustRng| to_cents(sd.spend.sample(rng) / nu).max(100);
        let first = amount(rng);
        orders.push((signup, first));
        if lambda > 0.0 {
            let rate = lambda * m_max;
            let mut t = 0.0;
            loop {
                let e: f64 = Exp1.sample(rng);
                t += e / rate;
                if t >= horizon || orders.len() as u32 >= MAX_ORDERS_PER_CUSTOMER {
                    break;
                }
                if trend != 0 {
                    let m = if t >= trend_t { factor } else { 1.0 };
                    if m < m_max && uniform(rng) * m_max >= m {
                        continue;
                    }
                }
                let day = signup + t as i32;
                orders.push((day, amount(rng)));
                if uniform(rng) < p_dropout {
                    dropout_day = Some(day);
                    break;
                }
            }
        }
        dropout_day
    }

    /// The truth row: the generating parameters and what came of them.
    fn truth_row(
        &self,
        index: u64,
        tr: &Traits,
        dropout_day: Option<i32>,
        orders: usize,
        revenue: i64,
        out: &mut ChunkData,
    ) {
        let t = &mut out.truth;
        t.index.push(index);
        t.trend.push(tr.trend as u8);
        t.trend_start.push(if tr.trend == 0 {
            None
        } else {
            Some(self.trend_start)
        });
        t.lambda.push(tr.lambda);
        t.p_dropout.push(tr.p_dropout);
        t.dropout_day.push(dropout_day);
        t.nu.push(tr.nu);
        t.expected_spend.push(tr.expected_spend);
        t.late_payer.push(tr.late_payer);
        t.satisfaction.push(tr.satisfaction);
        t.share_of_wallet.push(tr.share_of_wallet);
        t.high_maintenance.push(tr.high_maintenance);
        t.orders.push(orders as u32);
        t.revenue_cents.push(revenue);
    }

    /// Service tickets and complaints per order, complaints of decliners, inquiries (more for growers), referrals from satisfaction; leaves them sorted in `sc.events`.
    fn interactions(&self, c: &Profile, rng: &mut CustRng, out: &mut ChunkData, sc: &mut Scratch) {
        let Profile {
            index,
            size,
            trend,
            signup,
            late_payer,
            hm,
            satisfaction,
            window_end,
            ..
        } = *c;
        let end = self.end_day;
        let years = f64::from(window_end - signup + 1) / 365.25;
        // Interactions.
        sc.events.clear();
        for &(day, _) in &sc.orders {
            if uniform(rng) < 0.10 * hm {
                let d = (day + rng.random_range(0..15)).min(end);
                sc.events.push((d, 0));
            }
            if uniform(rng) < 0.01 + if late_payer { 0.01 } else { 0.0 } {
                let d = (day + rng.random_range(0..30)).min(end);
                sc.events.push((d, 1));
            }
        }
        if trend == 1 {
            for _ in 0..poisson(rng, 1.5 + size as f64) {
                sc.events
                    .push((day_in(rng, (self.trend_start - 60).max(signup), end), 1));
            }
        }
        for _ in 0..poisson(rng, (0.3 + 0.3 * size as f64) * years) {
            sc.events.push((day_in(rng, signup, window_end), 2));
        }
        if trend == 2 {
            for _ in 0..poisson(rng, 2.0) {
                sc.events
                    .push((day_in(rng, (self.trend_start - 30).max(signup), end), 2));
            }
        }
        for _ in 0..poisson(rng, 0.25 * satisfaction.exp() * years) {
            sc.events.push((day_in(rng, signup, window_end), 3));
        }
        sc.events.sort_unstable();
        for &(d, k) in &sc.events {
            out.interactions.index.push(index);
            out.interactions.date.push(d);
            out.interactions.kind.push(k);
        }
    }

    /// Surveys, correlated with satisfaction and the trend.
    fn surveys(&self, c: &Profile, sp: &SegmentParams, rng: &mut CustRng, out: &mut ChunkData) {
        let Profile {
            index,
            trend,
            signup,
            satisfaction,
            window_end,
            ..
        } = *c;
        let years = f64::from(window_end - signup + 1) / 365.25;
        // Surveys, correlated with satisfaction and the trend.
        let n_surveys = poisson(rng, sp.surveys_per_year * years);
        let first_survey = out.surveys.date.len();
        for _ in 0..n_surveys {
            let d = day_in(rng, signup, window_end);
            let s_t = satisfaction
                + if d >= self.trend_start {
                    [0.0, -1.2, 0.4][trend]
                } else {
                    0.0
                };
            let csat = (3.6 + 0.9 * s_t + 0.5 * normal(rng))
                .round()
                .clamp(1.0, 5.0) as u8;
            let nps = (7.0 + 2.0 * s_t + normal(rng)).round().clamp(0.0, 10.0) as u8;
            out.surveys.index.push(index);
            out.surveys.date.push(d);
            out.surveys.csat.push(csat);
            out.surveys.nps.push(nps);
        }
        sort_surveys(out, first_survey);
    }

    /// Annual contracts from signup, renewed while the customer is alive.
    fn contracts(&self, c: &Profile, sp: &SegmentParams, rng: &mut CustRng, out: &mut ChunkData) {
        let Profile {
            index,
            trend,
            signup,
            dropout_day,
            ..
        } = *c;
        let end = self.end_day;
        // Annual contracts from signup, renewed while the customer is alive.
        if uniform(rng) < sp.contract_share {
            let mut start = signup;
            loop {
                let cend = start + 364;
                let renewed = if cend >= end {
                    None
                } else {
                    let alive = dropout_day.is_none_or(|d| d > cend - 30);
                    let lost = trend == 1 && cend >= self.trend_start && uniform(rng) < 0.6;
                    Some(alive && !lost)
                };
                out.contracts.index.push(index);
                out.contracts.start.push(start);
                out.contracts.end.push(cend);
                out.contracts.renewed.push(renewed);
                if renewed != Some(true) {
                    break;
                }
                start = cend + 1;
            }
        }
    }

    /// One invoice per month with orders; late payers pay late, some never.
    fn payments(
        &self,
        c: &Profile,
        sp: &SegmentParams,
        rng: &mut CustRng,
        out: &mut ChunkData,
        sc: &Scratch,
    ) {
        let Profile {
            index,
            late_payer,
            dropout_day,
            retail,
            ..
        } = *c;
        let end = self.end_day;
        // Monthly invoices and payments.
        let n_months = sc.months.len();
        for (k, &(mi, amt, _)) in sc.months.iter().enumerate() {
            let invoice = month_end(mi).min(end);
            let due = invoice + sp.payment_terms_days;
            let delay = if late_payer {
                {
                    let e: f64 = Exp1.sample(rng);
                    10 + (35.0 * e) as i32
                }
            } else {
                (4.0 * normal(rng) - 2.0).round().clamp(-15.0, 5.0) as i32
            };
            let bad_debt =
                late_payer && dropout_day.is_some() && k + 1 == n_months && uniform(rng) < 0.5;
            let paid = if retail { invoice } else { due + delay };
            out.payments.index.push(index);
            out.payments.invoice.push(invoice);
            out.payments.due.push(due);
            out.payments.paid.push(if bad_debt || paid > end {
                None
            } else {
                Some(paid)
            });
            out.payments.amount.push(amt);
        }
    }

    /// Monthly sales and service costs while the account is worked (tickets from `sc.events`).
    fn costs(
        &self,
        c: &Profile,
        sp: &SegmentParams,
        rng: &mut CustRng,
        out: &mut ChunkData,
        sc: &Scratch,
    ) {
        let Profile {
            index,
            signup,
            hm,
            last_active,
            ..
        } = *c;
        let end = self.end_day;
        // Monthly sales and service costs while the account is worked.
        let first_month = month_index(signup);
        let last_month = month_index((last_active + 62).min(end));
        let n_months = sc.months.len();
        let mut mo = 0;
        let mut ev = 0;
        for mi in first_month..=last_month {
            let mut orders_in = 0;
            while mo < n_months && sc.months[mo].0 < mi {
                mo += 1;
            }
            if mo < n_months && sc.months[mo].0 == mi {
                orders_in = sc.months[mo].2;
            }
            let (ms, me) = (month_start(mi), month_end(mi));
            let mut tickets = 0;
            while ev < sc.events.len() && sc.events[ev].0 < ms {
                ev += 1;
            }
            let mut j = ev;
            while j < sc.events.len() && sc.events[j].0 <= me {
                if sc.events[j].1 <= 1 {
                    tickets += 1;
                }
                j += 1;
            }
            let sales = sp.monthly_sales_cost * (0.3 * normal(rng)).exp();
            let service = (sp.service_cost_base
                + sp.service_cost_per_order * f64::from(orders_in)
                + sp.service_cost_per_ticket * f64::from(tickets))
                * hm;
            out.costs.index.push(index);
            out.costs.month.push(mi);
            out.costs.sales.push(to_cents(sales));
            out.costs.service.push(to_cents(service));
        }
    }
}

/// The categories a customer buys (more for larger ones), weighted by its industry's mix.
fn pick_categories(ind: &Industry, size: usize, rng: &mut CustRng, cats: &mut Vec<u8>) {
    let breadth = [1, 2, 3, 4][size] + rng.random_range(0..=1);
    cats.clear();
    let total_w: f64 = ind.category_weights.iter().sum();
    let mut tries = 0;
    while cats.len() < breadth && tries < 50 {
        tries += 1;
        let mut x = uniform(rng) * total_w;
        let mut c = 0;
        for (j, w) in ind.category_weights.iter().enumerate() {
            if x < *w {
                c = j;
                break;
            }
            x -= w;
            c = j;
        }
        let c = c as u8;
        if ind.category_weights[usize::from(c)] > 0.0 && !cats.contains(&c) {
            cats.push(c);
        }
    }
    if cats.is_empty() {
        cats.push(0);
    }
}

/// The channel a customer mostly orders through, by size band (retail: web or app).
fn channel_pref(size: usize, retail: bool, rng: &mut CustRng) -> u8 {
    match size {
        _ if retail => {
            if uniform(rng) < 0.6 {
                2
            } else {
                4
            }
        }
        0 => {
            if uniform(rng) < 0.5 {
                2
            } else {
                1
            }
        }
        1 => 1,
        2 => 0,
        _ => {
            if uniform(rng) < 0.6 {
                0
            } else {
                3
            }
        }
    }
}

/// One transaction per order in `sc.orders` (category, cost, quantity, channel), with the
/// monthly totals in `sc.months`. Returns the customer's revenue in cents.
fn transactions(
    index: u64,
    channel_pref: u8,
    retail: bool,
    rng: &mut CustRng,
    out: &mut ChunkData,
    sc: &mut Scratch,
) -> i64 {
    let tx = &mut out.transactions;
    sc.months.clear();
    let mut revenue = 0i64;
    for (seq, &(day, amt)) in sc.orders.iter().enumerate() {
        let cat = if sc.cats.len() == 1 || uniform(rng) < 0.5 {
            sc.cats[0]
        } else {
            sc.cats[rng.random_range(0..sc.cats.len())]
        };
        let c = &CATEGORIES[usize::from(cat)];
        let margin = c.margin * (0.85 + 0.3 * uniform(rng));
        let cost = (amt as f64 * (1.0 - margin)).round() as i64;
        let qty = ((amt as f64 / 100.0) / c.unit_price).round().max(1.0) as u32;
        let channel = if uniform(rng) < 0.85 {
            channel_pref
        } else if retail {
            [2, 4][rng.random_range(0..2)]
        } else {
            rng.random_range(0..4u8)
        };
        tx.index.push(index);
        tx.seq.push(seq as u32 + 1);
        tx.date.push(day);
        tx.amount.push(amt);
        tx.cost.push(cost);
        tx.category.push(cat);
        tx.quantity.push(qty);
        tx.channel.push(channel);
        revenue += amt;
        let mi = month_index(day);
        match sc.months.last_mut() {
            Some(last) if last.0 == mi => {
                last.1 += amt;
                last.2 += 1;
            }
            _ => sc.months.push((mi, amt, 1)),
        }
    }
    revenue
}

/// The customer row; the wallet is known for about half of the B2B customers.
fn customer_row(index: u64, tr: &Traits, rng: &mut CustRng, out: &mut ChunkData) {
    let annual_spend = tr.lambda * 365.25 * tr.expected_spend;
    let wallet = if uniform(rng) < 0.5 && !tr.retail {
        let w = annual_spend / tr.share_of_wallet * (0.15 * normal(rng)).exp();
        Some(to_cents((w / 100.0).round().max(1.0) * 100.0))
    } else {
        None
    };
    let name = if tr.retail {
        crate::names::person_name(rng)
    } else {
        crate::names::company_name(rng, tr.region, tr.industry)
    };
    let owner = if tr.size >= 2 {
        rng.random_range(1..=5u16)
    } else {
        rng.random_range(6..=20u16)
    };
    let c = &mut out.customers;
    c.index.push(index);
    c.name.push(name);
    c.industry.push(tr.industry as u8);
    c.region.push(tr.region as u8);
    c.size.push(tr.size as u8);
    c.signup.push(tr.signup);
    c.owner.push(owner);
    c.wallet.push(wallet);
}

/// Sorts the surveys appended since `from` by date (they were drawn unordered).
fn sort_surveys(out: &mut ChunkData, from: usize) {
    let s = &mut out.surveys;
    let n = s.date.len();
    if n - from < 2 {
        return;
    }
    let mut rows: Vec<(i32, u8, u8)> = (from..n)
        .map(|i| (s.date[i], s.csat[i], s.nps[i]))
        .collect();
    rows.sort_unstable();
    for (k, (d, c, p)) in rows.into_iter().enumerate() {
        s.date[from + k] = d;
        s.csat[from + k] = c;
        s.nps[from + k] = p;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_rng_depends_on_seed_and_index_only() {
        let a: u64 = customer_rng(1, 5).random();
        let b: u64 = customer_rng(1, 5).random();
        let c: u64 = customer_rng(2, 5).random();
        let d: u64 = customer_rng(1, 6).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn poisson_mean_is_right() {
        let mut rng = customer_rng(0, 0);
        let n = 20_000;
        let s: u32 = (0..n).map(|_| poisson(&mut rng, 2.5)).sum();
        let m = f64::from(s) / f64::from(n);
        assert!((m - 2.5).abs() < 0.05, "{m}");
    }
}
