//! The generative model: static tables (sizes, industries, regions, categories) and the
//! simulation of one customer from its own RNG.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::{Beta, Distribution, Exp1, Gamma, StandardNormal};

use crate::SynthError;
use crate::chunk::ChunkData;
use crate::date::{month_end, month_index, month_start};
use crate::fmt::to_cents;

/// The per-customer random number generator (xoshiro256++, seeded from `(seed, index)`).
pub(crate) type CustRng = Xoshiro256PlusPlus;

/// Size bands, smallest first (the `size` column).
pub const SIZES: [&str; 4] = ["small", "medium", "large", "key"];

/// Size bands of the retail case (the `size` column), least valuable first.
pub const RETAIL_SIZES: [&str; 4] = ["occasional", "regular", "loyal", "vip"];

/// Which company to simulate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Flavour {
    /// A B2B supplier with key accounts (hospitals, pharmacy chains, manufacturers, …): the
    /// default.
    #[default]
    B2b,
    /// A retailer / e-commerce shop selling to consumers (repeat buyers): industry
    /// `个人消费者`, person names, small orders, higher dropout, no contracts, paid at once.
    Retail,
}

impl Flavour {
    /// The `size` labels of the four bands.
    pub fn size_labels(self) -> [&'static str; 4] {
        match self {
            Flavour::B2b => SIZES,
            Flavour::Retail => RETAIL_SIZES,
        }
    }

    /// The default band parameters of the flavour.
    pub fn default_segments(self) -> [SegmentParams; 4] {
        match self {
            Flavour::B2b => default_segments(),
            Flavour::Retail => retail_segments(),
        }
    }
}

impl std::str::FromStr for Flavour {
    type Err = SynthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "b2b" => Ok(Flavour::B2b),
            "retail" => Ok(Flavour::Retail),
            other => Err(SynthError::InvalidOptions(format!(
                "unknown flavour {other:?} (expected b2b or retail)"
            ))),
        }
    }
}

/// Industries (the `industry` column), with their English meaning in [`INDUSTRIES_EN`].
pub const INDUSTRIES: [&str; 6] = ["医药", "制造业", "零售", "金融", "信息技术", "个人消费者"];

/// English names of [`INDUSTRIES`], index for index.
pub const INDUSTRIES_EN: [&str; 6] = [
    "pharma (hospitals, pharmacy chains)",
    "manufacturing",
    "retail chains",
    "finance",
    "IT / software",
    "consumers (retail case)",
];

/// Regions (the `region` column).
pub const REGIONS: [&str; 7] = ["华东", "华南", "华北", "华中", "西南", "西北", "东北"];

/// Sales channels (the `channel` column of transactions).
pub const CHANNELS: [&str; 5] = ["direct", "distributor", "online", "tender", "store"];

/// Interaction kinds (the `kind` column of interactions).
pub const INTERACTION_KINDS: [&str; 4] = ["service_ticket", "complaint", "inquiry", "referral"];

/// Trends written to `truth.csv`.
pub const TRENDS: [&str; 3] = ["stable", "decline", "grow"];

/// A product category with its gross margin and typical unit price.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Category {
    /// The `category` value.
    pub name: &'static str,
    /// Mean gross margin (profit / amount); each order varies by ±15 % of it.
    pub margin: f64,
    /// Typical unit price in yuan (gives `quantity`).
    pub unit_price: f64,
}

/// The product catalogue.
pub const CATEGORIES: [Category; 13] = [
    Category {
        name: "药品",
        margin: 0.22,
        unit_price: 800.0,
    },
    Category {
        name: "医疗器械",
        margin: 0.35,
        unit_price: 12_000.0,
    },
    Category {
        name: "医用耗材",
        margin: 0.28,
        unit_price: 300.0,
    },
    Category {
        name: "工业零部件",
        margin: 0.20,
        unit_price: 1_500.0,
    },
    Category {
        name: "原材料",
        margin: 0.12,
        unit_price: 5_000.0,
    },
    Category {
        name: "软件许可",
        margin: 0.70,
        unit_price: 20_000.0,
    },
    Category {
        name: "技术服务",
        margin: 0.40,
        unit_price: 8_000.0,
    },
    Category {
        name: "硬件设备",
        margin: 0.15,
        unit_price: 15_000.0,
    },
    Category {
        name: "日用消费品",
        margin: 0.18,
        unit_price: 100.0,
    },
    Category {
        name: "服装",
        margin: 0.45,
        unit_price: 300.0,
    },
    Category {
        name: "美妆个护",
        margin: 0.55,
        unit_price: 150.0,
    },
    Category {
        name: "食品生鲜",
        margin: 0.20,
        unit_price: 60.0,
    },
    Category {
        name: "数码家电",
        margin: 0.12,
        unit_price: 2_000.0,
    },
];

/// Industry mix: share of customers, spend multiplier, category preferences.
struct Industry {
    share: f64,
    spend_mult: f64,
    late_extra: f64,
    category_weights: [f64; 13],
}

const INDUSTRY_TABLE: [Industry; 6] = [
    Industry {
        share: 0.30,
        spend_mult: 1.0,
        late_extra: 0.10,
        category_weights: [
            5.0, 3.0, 4.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0,
        ],
    },
    Industry {
        share: 0.25,
        spend_mult: 1.3,
        late_extra: 0.0,
        category_weights: [
            0.0, 0.0, 0.0, 5.0, 4.0, 0.5, 1.0, 2.0, 0.2, 0.0, 0.0, 0.0, 0.0,
        ],
    },
    Industry {
        share: 0.20,
        spend_mult: 0.6,
        late_extra: 0.03,
        category_weights: [
            1.0, 0.0, 0.5, 0.0, 0.5, 0.5, 0.5, 1.0, 5.0, 0.0, 0.0, 0.0, 0.0,
        ],
    },
    Industry {
        share: 0.10,
        spend_mult: 1.6,
        late_extra: -0.05,
        category_weights: [
            0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 3.0, 2.0, 0.3, 0.0, 0.0, 0.0, 0.0,
        ],
    },
    Industry {
        share: 0.15,
        spend_mult: 1.2,
        late_extra: 0.0,
        category_weights: [
            0.0, 0.0, 0.0, 0.5, 0.0, 4.0, 4.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0,
        ],
    },
    // Consumers: only in the retail case.
    Industry {
        share: 0.0,
        spend_mult: 1.0,
        late_extra: 0.0,
        category_weights: [
            0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 4.0, 3.0, 4.0, 1.5,
        ],
    },
];

/// Index of 个人消费者 in [`INDUSTRIES`].
const CONSUMER: usize = 5;

const REGION_SHARES: [f64; 7] = [0.32, 0.20, 0.18, 0.12, 0.10, 0.04, 0.04];

/// Generating parameters of one size band (Fader–Hardie–Lee naming).
///
/// Time is in days. Each customer of the band draws a purchase rate `λ ~ Gamma(r, α)` (shape
/// `r`, **rate** `α`, mean `r/α` purchases per day) and a dropout probability
/// `p ~ Beta(a, b)`; after signing up (the first, "trial" order) it buys by a Poisson process
/// with rate `λ` and after each repeat purchase drops out for good with probability `p`
/// (BG/NBD). Order amounts follow the gamma–gamma model: `ν ~ Gamma(q, γ)` (rate `γ`) per
/// customer, divided by the industry's spend multiplier, and each amount `~ Gamma(p_spend, ν)`,
/// so the customer's mean order value is `p_spend / ν`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SegmentParams {
    /// Share of customers in this band (the shares are normalized).
    pub share: f64,
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate of the purchase-rate distribution (per day).
    pub alpha: f64,
    /// Dropout Beta `a`.
    pub a: f64,
    /// Dropout Beta `b`.
    pub b: f64,
    /// Shape of each order amount (gamma–gamma `p`).
    pub spend_shape: f64,
    /// Shape of the spend-rate distribution (gamma–gamma `q`).
    pub q: f64,
    /// Rate of the spend-rate distribution (gamma–gamma `γ`, in 1/yuan).
    pub gamma: f64,
    /// How strongly larger customers sign up early: signup = start + span · u^`signup_skew`.
    pub signup_skew: f64,
    /// Mean monthly sales cost (yuan).
    pub monthly_sales_cost: f64,
    /// Payment terms (days from invoice to due date).
    pub payment_terms_days: i32,
    /// Share of customers with annual contracts.
    pub contract_share: f64,
    /// Survey rate per year.
    pub surveys_per_year: f64,
    /// Monthly service cost of an account with no orders (yuan).
    pub service_cost_base: f64,
    /// Service cost per order (yuan).
    pub service_cost_per_order: f64,
    /// Service cost per service ticket or complaint (yuan).
    pub service_cost_per_ticket: f64,
}

impl SegmentParams {
    /// Mean order value of the band before the industry multiplier: `p_spend · γ / (q − 1)`.
    pub fn mean_order_value(&self) -> f64 {
        if self.q > 1.0 {
            self.spend_shape * self.gamma / (self.q - 1.0)
        } else {
            f64::INFINITY
        }
    }
}

/// The default size bands, in the order of [`SIZES`] (small, medium, large, key).
///
/// | band | share | r | α (1/day) | mean λ (per year) | a | b | mean p | p_spend | q | γ | mean order (¥) | terms |
/// |---|---|---|---|---|---|---|---|---|---|---|---|---|
/// | small  | 62 % | 1.5 | 22 | 24.9  | 1 | 14 | 0.067 | 3 | 6 | 4 166.7  | 2 500  | 30 d |
/// | medium | 25 % | 2.0 | 18 | 40.6  | 1 | 24 | 0.040 | 3 | 6 | 6 666.7  | 4 000  | 45 d |
/// | large  | 10 % | 2.5 | 14 | 65.2  | 1 | 39 | 0.025 | 3 | 6 | 11 666.7 | 7 000  | 60 d |
/// | key    | 3 %  | 3.0 | 10 | 109.6 | 1 | 59 | 0.017 | 3 | 6 | 20 000   | 12 000 | 90 d |
///
/// With a 24-month window this gives about 20 orders per customer (small ≈ 13, key ≈ 75) and
/// the top 20 % of customers hold about 75–80 % of revenue. Industry spend multipliers: 医药 1.0,
/// 制造业 1.3, 零售 0.6, 金融 1.6, 信息技术 1.2.
pub fn default_segments() -> [SegmentParams; 4] {
    // `mean_order` is the band's mean order value p_spend·γ/(q − 1) before the industry multiplier.
    let base =
        |share, r, alpha, b, mean_order: f64, skew, cost, terms, contract, surveys| SegmentParams {
            share,
            r,
            alpha,
            a: 1.0,
            b,
            spend_shape: 3.0,
            q: 6.0,
            gamma: mean_order * 5.0 / 3.0,
            signup_skew: skew,
            monthly_sales_cost: cost,
            payment_terms_days: terms,
            contract_share: contract,
            surveys_per_year: surveys,
            service_cost_base: 30.0,
            service_cost_per_order: 60.0,
            service_cost_per_ticket: 300.0,
        };
    let scaled = |p: SegmentParams, k: f64| SegmentParams {
        service_cost_base: p.service_cost_base * k,
        service_cost_per_order: p.service_cost_per_order * k,
        service_cost_per_ticket: p.service_cost_per_ticket * k,
        ..p
    };
    [
        scaled(
            base(0.62, 1.5, 22.0, 14.0, 2_500.0, 1.3, 80.0, 30, 0.2, 0.3),
            1.0,
        ),
        scaled(
            base(0.25, 2.0, 18.0, 24.0, 4_000.0, 1.6, 300.0, 45, 0.6, 0.8),
            2.0,
        ),
        scaled(
            base(0.10, 2.5, 14.0, 39.0, 7_000.0, 2.0, 1_200.0, 60, 0.9, 1.5),
            4.0,
        ),
        scaled(
            base(0.03, 3.0, 10.0, 59.0, 12_000.0, 3.0, 5_000.0, 90, 1.0, 3.0),
            8.0,
        ),
    ]
}

/// The retail case's bands (occasional, regular, loyal, vip): consumers buying small baskets,
/// more of them dropping out.
///
/// | band | share | r | α (1/day) | mean λ (per year) | a | b | mean p | mean order (¥) |
/// |---|---|---|---|---|---|---|---|---|
/// | occasional | 60 % | 0.6 | 60 | 3.7  | 1 | 3  | 0.25  | 150 |
/// | regular    | 28 % | 1.0 | 40 | 9.1  | 1 | 5  | 0.17  | 250 |
/// | loyal      | 10 % | 1.5 | 25 | 21.9 | 1 | 9  | 0.10  | 350 |
/// | vip        | 2 %  | 2.0 | 15 | 48.7 | 1 | 15 | 0.063 | 600 |
///
/// Spend: p_spend = 3, q = 6, γ = mean order · 5/3. No contracts, paid at once, no wallet.
pub fn retail_segments() -> [SegmentParams; 4] {
    let band = |share, r, alpha, b, mean_order: f64, surveys| SegmentParams {
        share,
        r,
        alpha,
        a: 1.0,
        b,
        spend_shape: 3.0,
        q: 6.0,
        gamma: mean_order * 5.0 / 3.0,
        signup_skew: 1.0,
        monthly_sales_cost: 2.0,
        payment_terms_days: 0,
        contract_share: 0.0,
        surveys_per_year: surveys,
        service_cost_base: 0.5,
        service_cost_per_order: 4.0,
        service_cost_per_ticket: 30.0,
    };
    [
        band(0.60, 0.6, 60.0, 3.0, 150.0, 0.1),
        band(0.28, 1.0, 40.0, 5.0, 250.0, 0.2),
        band(0.10, 1.5, 25.0, 9.0, 350.0, 0.4),
        band(0.02, 2.0, 15.0, 15.0, 600.0, 0.8),
    ]
}

/// Multiplier on the purchase rate after `trend_start` for decliners.
pub const DECLINE_FACTOR: f64 = 0.25;
/// Multiplier on the purchase rate after `trend_start` for growers.
pub const GROW_FACTOR: f64 = 2.0;
/// Share of eligible customers built to decline, and to grow.
pub const TREND_SHARE: f64 = 0.10;
/// Safety cap on orders per customer (never reached with the defaults).
pub const MAX_ORDERS_PER_CUSTOMER: u32 = 50_000;

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

    /// Simulates customer `index` and appends its rows to `out`.
    pub(crate) fn simulate(&self, index: u64, out: &mut ChunkData, sc: &mut Scratch) {
        let mut rng = customer_rng(self.seed, index);
        let rng = &mut rng;
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

        // Categories the customer buys and its preferred channel.
        let breadth = [1, 2, 3, 4][size] + rng.random_range(0..=1);
        sc.cats.clear();
        let total_w: f64 = ind.category_weights.iter().sum();
        let mut tries = 0;
        while sc.cats.len() < breadth && tries < 50 {
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
            if ind.category_weights[usize::from(c)] > 0.0 && !sc.cats.contains(&c) {
                sc.cats.push(c);
            }
        }
        if sc.cats.is_empty() {
            sc.cats.push(0);
        }
        let channel_pref: u8 = match size {
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
        };

        // BG/NBD purchases: trial at signup, then Poisson(λ·m(t)) by thinning, dropout after each
        // repeat purchase with probability p.
        let factor = [1.0, DECLINE_FACTOR, GROW_FACTOR][trend];
        let m_max = factor.max(1.0);
        let horizon = f64::from(end - signup + 1);
        let trend_t = f64::from(self.trend_start - signup);
        sc.orders.clear();
        let mut dropout_day = None;
        let amount = |rng: &mut CustRng| to_cents(sd.spend.sample(rng) / nu).max(100);
        let first = amount(rng);
        sc.orders.push((signup, first));
        if lambda > 0.0 {
            let rate = lambda * m_max;
            let mut t = 0.0;
            loop {
                let e: f64 = Exp1.sample(rng);
                t += e / rate;
                if t >= horizon || sc.orders.len() as u32 >= MAX_ORDERS_PER_CUSTOMER {
                    break;
                }
                if trend != 0 {
                    let m = if t >= trend_t { factor } else { 1.0 };
                    if m < m_max && uniform(rng) * m_max >= m {
                        continue;
                    }
                }
                let day = signup + t as i32;
                sc.orders.push((day, amount(rng)));
                if uniform(rng) < p_dropout {
                    dropout_day = Some(day);
                    break;
                }
            }
        }
        let last_active = dropout_day.unwrap_or(end);

        // Transactions and monthly totals.
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

        // Interactions.
        sc.events.clear();
        let hm = if high_maintenance { 4.0 } else { 1.0 };
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
        let window_end = (last_active + 30).min(end);
        let years = f64::from(window_end - signup + 1) / 365.25;
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

        // Monthly sales and service costs while the account is worked.
        let first_month = month_index(signup);
        let last_month = month_index((last_active + 62).min(end));
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

        // Customer row (wallet known for about half).
        let annual_spend = lambda * 365.25 * expected_spend;
        let wallet = if uniform(rng) < 0.5 && !retail {
            let w = annual_spend / share_of_wallet * (0.15 * normal(rng)).exp();
            Some(to_cents((w / 100.0).round().max(1.0) * 100.0))
        } else {
            None
        };
        let name = if retail {
            crate::names::person_name(rng)
        } else {
            crate::names::company_name(rng, region, industry)
        };
        let owner = if size >= 2 {
            rng.random_range(1..=5u16)
        } else {
            rng.random_range(6..=20u16)
        };
        let c = &mut out.customers;
        c.index.push(index);
        c.name.push(name);
        c.industry.push(industry as u8);
        c.region.push(region as u8);
        c.size.push(size as u8);
        c.signup.push(signup);
        c.owner.push(owner);
        c.wallet.push(wallet);

        let t = &mut out.truth;
        t.index.push(index);
        t.trend.push(trend as u8);
        t.trend_start.push(if trend == 0 {
            None
        } else {
            Some(self.trend_start)
        });
        t.lambda.push(lambda);
        t.p_dropout.push(p_dropout);
        t.dropout_day.push(dropout_day);
        t.nu.push(nu);
        t.expected_spend.push(expected_spend);
        t.late_payer.push(late_payer);
        t.satisfaction.push(satisfaction);
        t.share_of_wallet.push(share_of_wallet);
        t.high_maintenance.push(high_maintenance);
        t.orders.push(sc.orders.len() as u32);
        t.revenue_cents.push(revenue);
    }
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
