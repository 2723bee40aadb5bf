//! The parameter tables of the generator: size bands, industries, regions, categories,
//! channels, and the default band parameters of the B2B and retail cases.

use crate::SynthError;

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
pub(crate) struct Industry {
    pub(crate) share: f64,
    pub(crate) spend_mult: f64,
    pub(crate) late_extra: f64,
    pub(crate) category_weights: [f64; 13],
}

pub(crate) const INDUSTRY_TABLE: [Industry; 6] = [
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
pub(crate) const CONSUMER: usize = 5;

pub(crate) const REGION_SHARES: [f64; 7] = [0.32, 0.20, 0.18, 0.12, 0.10, 0.04, 0.04];

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
