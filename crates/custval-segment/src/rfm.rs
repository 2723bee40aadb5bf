//! RFM: recency, frequency, monetary scores by quantile breaks, and named segments.

use serde::{Deserialize, Serialize};

use crate::SegmentError;
use custval_base::quantile::quantile_sorted;

/// One customer's aggregated purchase history at the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RfmValues {
    /// Days from the last purchase to the as-of date.
    pub recency_days: i64,
    /// Orders (rows) up to the as-of date.
    pub frequency: u64,
    /// Sum of amounts up to the as-of date (refunds net).
    pub monetary: f64,
}

/// The quantile breaks used for scoring: `bins - 1` values per dimension, ascending.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thresholds {
    pub bins: u8,
    pub method: &'static str,
    pub recency_days: Vec<f64>,
    pub frequency: Vec<f64>,
    pub monetary: Vec<f64>,
}

/// One customer's scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RfmScore {
    pub r_score: u8,
    pub f_score: u8,
    pub m_score: u8,
    pub rfm_score: u16,
}

const METHOD: &str = "type-7 quantile breaks at k/bins; score = 1 + breaks passed (recency: bins - breaks exceeded); equal values get equal scores";

fn breaks(mut v: Vec<f64>, bins: u8) -> Vec<f64> {
    v.sort_unstable_by(f64::total_cmp);
    (1..bins)
        // No customer, no break: NaN, which every value fails to pass.
        .map(|k| quantile_sorted(&v, f64::from(k) / f64::from(bins)).unwrap_or(f64::NAN))
        .collect()
}

fn passed(value: f64, breaks: &[f64]) -> u8 {
    breaks.iter().filter(|t| value > **t).count() as u8
}

/// Computes the breaks over all customers and every customer's scores.
pub fn score(values: &[RfmValues], bins: u8) -> Result<(Thresholds, Vec<RfmScore>), SegmentError> {
    if !(2..=10).contains(&bins) {
        return Err(SegmentError::Bins(bins));
    }
    if values.is_empty() {
        return Err(SegmentError::Empty);
    }
    for (row, v) in values.iter().enumerate() {
        if !v.monetary.is_finite() {
            return Err(SegmentError::NotFinite {
                row,
                value: v.monetary,
            });
        }
    }
    let t = Thresholds {
        bins,
        method: METHOD,
        recency_days: breaks(values.iter().map(|v| v.recency_days as f64).collect(), bins),
        frequency: breaks(values.iter().map(|v| v.frequency as f64).collect(), bins),
        monetary: breaks(values.iter().map(|v| v.monetary).collect(), bins),
    };
    let scores = values
        .iter()
        .map(|v| score_one(v, bins, &t.recency_days, &t.frequency, &t.monetary))
        .collect();
    Ok((t, scores))
}

/// One customer's scores against given breaks (`bins - 1` ascending values per dimension):
/// what [`score`] does per customer, for scoring a customer against the breaks of an earlier
/// population.
pub fn score_one(
    v: &RfmValues,
    bins: u8,
    recency_breaks: &[f64],
    frequency_breaks: &[f64],
    monetary_breaks: &[f64],
) -> RfmScore {
    let r = bins.saturating_sub(passed(v.recency_days as f64, recency_breaks));
    let f = 1 + passed(v.frequency as f64, frequency_breaks);
    let m = 1 + passed(v.monetary, monetary_breaks);
    RfmScore {
        r_score: r,
        f_score: f,
        m_score: m,
        rfm_score: 100 * u16::from(r) + 10 * u16::from(f) + u16::from(m),
    }
}

/// A named segment: inclusive score ranges for R, F and M.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub name: String,
    #[serde(default = "full")]
    pub r: [u8; 2],
    #[serde(default = "full")]
    pub f: [u8; 2],
    #[serde(default = "full")]
    pub m: [u8; 2],
}

fn full() -> [u8; 2] {
    [1, u8::MAX]
}

impl Rule {
    fn matches(&self, s: &RfmScore) -> bool {
        let within = |v: u8, r: [u8; 2]| r[0] <= v && v <= r[1];
        within(s.r_score, self.r) && within(s.f_score, self.f) && within(s.m_score, self.m)
    }
}

/// Ordered segment rules; the first rule that matches names the segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    #[serde(rename = "segment")]
    pub rules: Vec<Rule>,
    /// The name given when no rule matches.
    #[serde(default = "others")]
    pub otherwise: String,
    /// The score scale the rules are written for; scores on another number of bins are
    /// rescaled to it (`1 + floor((s − 1)·scale / bins)`).
    #[serde(default)]
    pub scale: Option<u8>,
}

fn others() -> String {
    "Others".to_string()
}

/// A segment row: name and inclusive R, F, M score ranges.
pub type TableRow = (&'static str, [u8; 2], [u8; 2], [u8; 2]);

/// The default segment table, written for scores 1–5. Published in `custval rfm --help`.
pub const DEFAULT_TABLE: &[TableRow] = &[
    ("Champions", [4, 5], [4, 5], [4, 5]),
    ("Can't Lose Them", [1, 2], [4, 5], [4, 5]),
    ("Loyal Customers", [3, 5], [3, 5], [1, 5]),
    ("At Risk", [1, 2], [3, 5], [1, 5]),
    ("New Customers", [5, 5], [1, 1], [1, 5]),
    ("Promising", [4, 4], [1, 1], [1, 5]),
    ("Potential Loyalist", [4, 5], [2, 2], [1, 5]),
    ("Need Attention", [3, 3], [1, 2], [1, 5]),
    ("About To Sleep", [2, 2], [1, 2], [1, 5]),
    ("Lost", [1, 1], [1, 2], [1, 5]),
];

impl RuleSet {
    /// The default table (see [`DEFAULT_TABLE`]).
    pub fn default_table() -> RuleSet {
        RuleSet {
            rules: DEFAULT_TABLE
                .iter()
                .map(|(n, r, f, m)| Rule {
                    name: (*n).to_string(),
                    r: *r,
                    f: *f,
                    m: *m,
                })
                .collect(),
            otherwise: others(),
            scale: Some(5),
        }
    }

    /// Parses a user rule file:
    /// ```toml
    /// otherwise = "Others"   # optional
    /// [[segment]]
    /// name = "Champions"
    /// r = [4, 5]             # inclusive score range; omitted = any
    /// f = [4, 5]
    /// m = [4, 5]
    /// ```
    pub fn from_toml_str(text: &str, bins: u8) -> Result<RuleSet, SegmentError> {
        let set: RuleSet = toml::from_str(text).map_err(|e| SegmentError::Rules(e.to_string()))?;
        if set.rules.is_empty() {
            return Err(SegmentError::Rules("no [[segment]] rules".into()));
        }
        let top = set.scale.unwrap_or(bins);
        for rule in &set.rules {
            for (dim, [lo, hi]) in [("r", rule.r), ("f", rule.f), ("m", rule.m)] {
                let hi = if hi == u8::MAX { top } else { hi };
                if lo < 1 || lo > hi || hi > top {
                    return Err(SegmentError::Rules(format!(
                        "segment {:?}: {dim} = [{lo}, {hi}] is not a range within 1..={top}",
                        rule.name
                    )));
                }
            }
        }
        Ok(set)
    }

    /// The segment name for a customer's scores on `bins` bins.
    pub fn name<'a>(&'a self, s: &RfmScore, bins: u8) -> &'a str {
        let s = match self.scale {
            Some(scale) if scale != bins => {
                let re =
                    |v: u8| 1 + ((u16::from(v) - 1) * u16::from(scale) / u16::from(bins)) as u8;
                RfmScore {
                    r_score: re(s.r_score),
                    f_score: re(s.f_score),
                    m_score: re(s.m_score),
                    rfm_score: s.rfm_score,
                }
            }
            _ => *s,
        };
        self.rules
            .iter()
            .find(|r| r.matches(&s))
            .map_or(self.otherwise.as_str(), |r| r.name.as_str())
    }
}

/// What "high" is measured against for the eight Chinese classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    Mean,
    Median,
}

/// The eight classes (重要价值客户 …): R, F and M each high or low against the mean or
/// median of the raw values. R is high when recency in days is *below* the center (recent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cn8 {
    pub basis: Basis,
    pub recency_days: f64,
    pub frequency: f64,
    pub monetary: f64,
}

/// The published mapping: (R high, F high, M high) → class.
pub const CN8_TABLE: &[(bool, bool, bool, &str, &str)] = &[
    (true, true, true, "重要价值客户", "important value"),
    (true, false, true, "重要发展客户", "important development"),
    (false, true, true, "重要保持客户", "important retention"),
    (false, false, true, "重要挽留客户", "important win-back"),
    (true, true, false, "一般价值客户", "general value"),
    (true, false, false, "一般发展客户", "general development"),
    (false, true, false, "一般保持客户", "general retention"),
    (false, false, false, "一般挽留客户", "general win-back"),
];

impl Cn8 {
    pub fn new(values: &[RfmValues], basis: Basis) -> Result<Cn8, SegmentError> {
        if values.is_empty() {
            return Err(SegmentError::Empty);
        }
        let center = |mut v: Vec<f64>| match basis {
            Basis::Mean => v.iter().sum::<f64>() / v.len() as f64,
            Basis::Median => {
                v.sort_unstable_by(f64::total_cmp);
                // `values` is not empty (checked above); NaN as before if it were.
                quantile_sorted(&v, 0.5).unwrap_or(f64::NAN)
            }
        };
        Ok(Cn8 {
            basis,
            recency_days: center(values.iter().map(|v| v.recency_days as f64).collect()),
            frequency: center(values.iter().map(|v| v.frequency as f64).collect()),
            monetary: center(values.iter().map(|v| v.monetary).collect()),
        })
    }

    /// The class of one customer, with the three high/low flags.
    pub fn classify(&self, v: &RfmValues) -> (&'static str, [bool; 3]) {
        let r = (v.recency_days as f64) < self.recency_days;
        let f = (v.frequency as f64) > self.frequency;
        let m = v.monetary > self.monetary;
        let name = CN8_TABLE
            .iter()
            .find(|(a, b, c, _, _)| *a == r && *b == f && *c == m)
            .map_or("一般挽留客户", |row| row.3);
        (name, [r, f, m])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(r: i64, f: u64, m: f64) -> RfmValues {
        RfmValues {
            recency_days: r,
            frequency: f,
            monetary: m,
        }
    }

    #[test]
    fn scores_follow_breaks() {
        let values: Vec<_> = (1..=10)
            .map(|i| v(i * 10, i as u64, i as f64 * 100.0))
            .collect();
        let (t, s) = score(&values, 5).expect("scores");
        for (got, want) in t.frequency.iter().zip([2.8, 4.6, 6.4, 8.2]) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        // Most recent customer (10 days) gets R = 5; the most frequent gets F = 5.
        assert_eq!(s[0].r_score, 5);
        assert_eq!(s[9].r_score, 1);
        assert_eq!(s[9].f_score, 5);
        assert_eq!(s[0].f_score, 1);
        assert_eq!(s[9].rfm_score, 155);
    }

    #[test]
    fn ties_get_equal_scores() {
        let mut values: Vec<_> = (0..80).map(|_| v(30, 1, 50.0)).collect();
        values.extend((0..20).map(|i| v(5, 2 + i, 500.0)));
        let (t, s) = score(&values, 5).expect("scores");
        assert_eq!(t.frequency[..3], [1.0, 1.0, 1.0]);
        assert!(
            s[..80]
                .iter()
                .all(|x| x.f_score == 1 && x.r_score == s[0].r_score)
        );
        assert!(s[80..].iter().all(|x| x.f_score >= 4));
    }

    #[test]
    fn default_table_covers_every_score() {
        let set = RuleSet::default_table();
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    let s = RfmScore {
                        r_score: r,
                        f_score: f,
                        m_score: m,
                        rfm_score: 0,
                    };
                    assert_ne!(set.name(&s, 5), "Others", "{r}{f}{m}");
                }
            }
        }
    }

    #[test]
    fn rule_file() {
        let text = "[[segment]]\nname = \"Top\"\nr = [3, 3]\n[[segment]]\nname = \"Rest\"\n";
        let set = RuleSet::from_toml_str(text, 3).expect("rules");
        let s = |r| RfmScore {
            r_score: r,
            f_score: 1,
            m_score: 1,
            rfm_score: 0,
        };
        assert_eq!(set.name(&s(3), 3), "Top");
        assert_eq!(set.name(&s(2), 3), "Rest");
        assert!(RuleSet::from_toml_str("[[segment]]\nname = \"x\"\nr = [4, 6]\n", 5).is_err());
        assert!(RuleSet::from_toml_str("nonsense", 5).is_err());
    }

    #[test]
    fn cn8_against_mean() {
        let values = vec![v(10, 5, 1000.0), v(100, 1, 10.0), v(50, 3, 400.0)];
        let c = Cn8::new(&values, Basis::Mean).expect("cn8");
        assert_eq!(c.classify(&values[0]).0, "重要价值客户");
        assert_eq!(c.classify(&values[1]).0, "一般挽留客户");
    }
}
