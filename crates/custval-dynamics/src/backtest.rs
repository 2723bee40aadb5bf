//! Backtest (回测): does a ranking score at an as-of date order customers by the value they
//! actually brought in the following horizon?
//!
//! Design choices:
//! - **Gini and AUC are for a binary label**: "the customer is in the top 20% of realized
//!   value". What a tiering needs is to find the few customers who will matter (A is the top
//!   ~20% making ~80% of value, 二八法则); a label keeps the measure about finding them rather
//!   than about ordering the long tail of small customers, whose order matters little. AUC is
//!   the Mann–Whitney U statistic over (top-20%, rest) pairs with tied predictions counted
//!   half (computed through average ranks); Gini = 2·AUC − 1, so a perfect ranking gives 1, a
//!   reversed one −1 and a random one about 0.
//! - **The label with ties in realized value**: let `cut` be the ⌈0.2·n⌉-th largest realized
//!   value. Positive means `realized ≥ cut`, so equal outcomes get equal labels (the positive
//!   share can exceed 20%). When that makes everybody positive (e.g. most customers realized 0
//!   and so did the cut) positive means `realized > cut`. With no positive or no negative
//!   customer, AUC and Gini are `None`.
//! - **Spearman's ρ** is Pearson's correlation of average ranks (ties get the mean rank), the
//!   standard treatment of ties; `None` when either side is constant.
//! - **Lift by decile without favouring input order**: customers are sorted by prediction,
//!   best first; a group of tied predictions occupies a run of positions and its realized value
//!   is spread evenly over that run, so a decile boundary through a tied group takes the
//!   group's value in proportion to the positions on each side. The result does not depend on
//!   the input order (a tested invariant); a constant prediction gives lift 1 everywhere.
//! - **Missing predictions (NaN) rank last**, tied with each other (and with −∞): a method that
//!   cannot score a customer gets no credit for it. Realized values must be finite (a customer
//!   who bought nothing realized 0); the function errors otherwise.

use serde::{Deserialize, Serialize};

use crate::DynamicsError;
use crate::explain::{Explain, fixed, percent};
use crate::stats::{average_ranks, pearson};

/// Share of customers with the highest realized value that forms the positive label.
pub const TOP_FRACTION: f64 = 0.2;

/// How well one prediction ranks realized value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankQuality {
    /// Customers.
    pub n: usize,
    /// Customers labelled top-20% by realized value.
    pub positives: usize,
    /// The realized value at the label cut.
    pub label_cut: f64,
    /// Sum of realized values.
    pub realized_total: f64,
    /// 2·AUC − 1; `None` without both labels.
    pub gini: Option<f64>,
    /// Mann–Whitney AUC for the top-20% label; `None` without both labels.
    pub auc: Option<f64>,
    /// Spearman rank correlation of prediction and realized value; `None` if either is constant.
    pub spearman: Option<f64>,
    /// Ten values, best predicted decile first: the decile's share of realized value ÷ 0.1.
    /// Empty when the realized total is not positive.
    pub lift_by_decile: Vec<f64>,
    /// `lift_by_decile[0]`.
    pub lift_top_decile: Option<f64>,
    /// Share of realized value captured by the top 20% predicted.
    pub top_share: Option<f64>,
}

/// A prediction as a sort key: NaN becomes −∞ so that missing predictions rank last.
fn key(p: f64) -> f64 {
    if p.is_nan() { f64::NEG_INFINITY } else { p }
}

/// The label "in the top 20 % of realized value" (ties as the module docs say) and its cut.
/// `realized` must not be empty.
pub fn top_label(realized: &[f64]) -> (Vec<bool>, f64) {
    let n = realized.len();
    if n == 0 {
        return (Vec::new(), f64::NAN);
    }
    let mut desc = realized.to_vec();
    desc.sort_by(|a, b| b.total_cmp(a));
    let k = ((TOP_FRACTION * n as f64).ceil() as usize).clamp(1, n);
    let cut = desc[k - 1];
    let mut label: Vec<bool> = realized.iter().map(|&r| r >= cut).collect();
    if label.iter().all(|&l| l) {
        label = realized.iter().map(|&r| r > cut).collect();
    }
    (label, cut)
}

/// Mann–Whitney AUC of `predicted` (NaN ranks last) for `label`; `None` without both labels
/// or on different lengths. What weight calibration maximizes (`2·AUC − 1` is the Gini).
pub fn label_auc(predicted: &[f64], label: &[bool]) -> Option<f64> {
    if predicted.len() != label.len() {
        return None;
    }
    let keys: Vec<f64> = predicted.iter().map(|&p| key(p)).collect();
    auc_of_ranks(&average_ranks(&keys), label)
}

fn auc_of_ranks(pred_ranks: &[f64], label: &[bool]) -> Option<f64> {
    let n = label.len();
    let positives = label.iter().filter(|&&l| l).count();
    if positives == 0 || positives == n {
        return None;
    }
    let (p, q) = (positives as f64, (n - positives) as f64);
    let rank_sum: f64 = pred_ranks
        .iter()
        .zip(label)
        .filter(|(_, l)| **l)
        .map(|(r, _)| r)
        .sum();
    Some(((rank_sum - p * (p + 1.0) / 2.0) / (p * q)).clamp(0.0, 1.0))
}

/// Measures how well `predicted` ranks `realized` (one entry per customer, same order).
///
/// Errors on different lengths, no customers, or a non-finite realized value.
pub fn rank_quality(predicted: &[f64], realized: &[f64]) -> Result<RankQuality, DynamicsError> {
    let n = predicted.len();
    if realized.len() != n {
        return Err(DynamicsError::LengthMismatch {
            what: "realized",
            expected: n,
            got: realized.len(),
        });
    }
    if n == 0 {
        return Err(DynamicsError::TooFew {
            what: "a backtest",
            needed: 1,
            got: 0,
        });
    }
    if let Some((index, &value)) = realized.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(DynamicsError::NotFinite {
            what: "realized value",
            index,
            value,
        });
    }
    let keys: Vec<f64> = predicted.iter().map(|&p| key(p)).collect();

    let (label, cut) = top_label(realized);
    let positives = label.iter().filter(|&&l| l).count();
    let pred_ranks = average_ranks(&keys);
    let auc = auc_of_ranks(&pred_ranks, &label);
    let spearman = pearson(&pred_ranks, &average_ranks(realized));

    let realized_total: f64 = realized.iter().sum();
    let (lift_by_decile, top_share) = if realized_total > 0.0 {
        let (deciles, top) = spread_by_position(&keys, realized, n);
        let lifts = deciles.iter().map(|v| v / realized_total / 0.1).collect();
        (lifts, Some(top / realized_total))
    } else {
        (Vec::new(), None)
    };

    Ok(RankQuality {
        n,
        positives,
        label_cut: cut,
        realized_total,
        gini: auc.map(|a| 2.0 * a - 1.0),
        auc,
        spearman,
        lift_top_decile: lift_by_decile.first().copied(),
        lift_by_decile,
        top_share,
    })
}

/// Realized value per predicted decile (best first) and within the top `TOP_FRACTION`, with
/// tied predictions' value spread evenly over the positions they occupy.
fn spread_by_position(keys: &[f64], realized: &[f64], n: usize) -> ([f64; 10], f64) {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| keys[b].total_cmp(&keys[a]));
    let nf = n as f64;
    let top_end = TOP_FRACTION * nf;
    let mut deciles = [0.0; 10];
    let mut top = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && keys[order[j]] == keys[order[i]] {
            j += 1;
        }
        let value: f64 = order[i..j].iter().map(|&c| realized[c]).sum();
        let (s, e) = (i as f64, j as f64);
        let per_position = value / (e - s);
        for (d, slot) in deciles.iter_mut().enumerate() {
            let (lo, hi) = (d as f64 * nf / 10.0, (d + 1) as f64 * nf / 10.0);
            let overlap = e.min(hi) - s.max(lo);
            if overlap > 0.0 {
                *slot += per_position * overlap;
            }
        }
        let overlap = e.min(top_end) - s;
        if overlap > 0.0 {
            top += per_position * overlap;
        }
        i = j;
    }
    (deciles, top)
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| fixed(v, decimals))
}

impl Explain for RankQuality {
    fn explain_en(&self) -> String {
        let lift = match (self.lift_top_decile, self.top_share) {
            (Some(l), Some(t)) => format!(
                "the top 10% by score brought {} of realized value (lift {}), the top 20% brought {}",
                percent(l * 0.1),
                fixed(l, 2),
                percent(t)
            ),
            _ => "no positive realized value to share out".to_string(),
        };
        format!(
            "{} customers: {lift}; Gini {} (AUC {}) for finding the top-20% customers by realized \
             value; Spearman rank correlation {}",
            self.n,
            opt(self.gini, 3),
            opt(self.auc, 3),
            opt(self.spearman, 3)
        )
    }

    fn explain_zh(&self) -> String {
        let lift = match (self.lift_top_decile, self.top_share) {
            (Some(l), Some(t)) => format!(
                "得分前10%的客户贡献实际价值的 {}（提升度 {}），前20%贡献 {}",
                percent(l * 0.1),
                fixed(l, 2),
                percent(t)
            ),
            _ => "实际价值合计不为正，无法计算价值占比".to_string(),
        };
        format!(
            "{} 个客户：{lift}；识别实际价值前20%客户的基尼系数 {}（AUC {}）；斯皮尔曼等级相关系数 {}",
            self.n,
            opt(self.gini, 3),
            opt(self.auc, 3),
            opt(self.spearman, 3)
        )
    }
}

/// One ranking method's quality in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodQuality {
    /// The method's name as given (e.g. "score", "rfm", "clv").
    pub method: String,
    /// Its quality.
    pub quality: RankQuality,
}

/// Several ranking methods backtested on the same realized values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankingComparison {
    /// Methods in the order given.
    pub methods: Vec<MethodQuality>,
    /// The method with the highest Gini (the first given wins a tie); `None` if no Gini is
    /// defined.
    pub best: Option<String>,
}

/// Backtests several predictions (`(name, scores)`, scores in the order of `realized`) and names
/// the one with the highest Gini.
pub fn compare_rankings(
    methods: &[(&str, &[f64])],
    realized: &[f64],
) -> Result<RankingComparison, DynamicsError> {
    let mut out = Vec::with_capacity(methods.len());
    for (name, scores) in methods {
        out.push(MethodQuality {
            method: name.to_string(),
            quality: rank_quality(scores, realized)?,
        });
    }
    let mut best: Option<(&MethodQuality, f64)> = None;
    for m in &out {
        if let Some(g) = m.quality.gini {
            if best.is_none_or(|(_, b)| g > b) {
                best = Some((m, g));
            }
        }
    }
    let best = best.map(|(m, _)| m.method.clone());
    Ok(RankingComparison { methods: out, best })
}

/// A ranking method's Chinese name (`score` → 综合得分).
fn method_zh(id: &str) -> &str {
    custval_i18n::name(custval_i18n::Lang::Zh, custval_i18n::Kind::Method, id)
}

impl Explain for RankingComparison {
    fn explain_en(&self) -> String {
        let list: Vec<String> = self
            .methods
            .iter()
            .map(|m| format!("{} Gini {}", m.method, opt(m.quality.gini, 3)))
            .collect();
        match &self.best {
            Some(b) => format!("{b} ranks realized value best ({})", list.join(", ")),
            None => format!("no method could be rated ({})", list.join(", ")),
        }
    }

    fn explain_zh(&self) -> String {
        let list: Vec<String> = self
            .methods
            .iter()
            .map(|m| {
                format!(
                    "{} 基尼系数 {}",
                    method_zh(&m.method),
                    opt(m.quality.gini, 3)
                )
            })
            .collect();
        match &self.best {
            Some(b) => format!(
                "{} 对实际价值的排序效果最好（{}）",
                method_zh(b),
                list.join("，")
            ),
            None => format!("无法评价任何方法（{}）", list.join("，")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn mann_whitney_by_pair_counting() {
        // realized: top 20% of 10 are the two customers with 10 and 9.
        let realized = [10.0, 9.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let pred = [0.5, 0.9, 0.7, 0.5, 0.3, 0.2, 0.1, 0.1, 0.0, 0.6];
        let q = rank_quality(&pred, &realized).unwrap();
        assert_eq!(q.positives, 2);
        // 0.9 beats all 8 negatives; 0.5 beats 5, ties 1 (half), loses 2: U = 13.5 of 16 pairs.
        assert!(close(q.auc.unwrap(), 13.5 / 16.0, 1e-12));
        assert!(close(q.gini.unwrap(), 2.0 * 13.5 / 16.0 - 1.0, 1e-12));
    }

    #[test]
    fn spearman_textbook_example() {
        // IQ and weekly hours of TV of ten people: ρ = 1 − 6·194/(10·99) = −29/165.
        let iq = [
            106.0, 100.0, 86.0, 101.0, 99.0, 103.0, 97.0, 113.0, 112.0, 110.0,
        ];
        let tv = [7.0, 27.0, 2.0, 50.0, 28.0, 29.0, 20.0, 12.0, 6.0, 17.0];
        let q = rank_quality(&iq, &tv).unwrap();
        assert!(close(q.spearman.unwrap(), -29.0 / 165.0, 1e-12));
    }

    #[test]
    fn spearman_with_ties_uses_average_ranks() {
        // Ranks of x = (1, 2.5, 2.5, 4) against (1, 2, 3, 4): r = 4.5 / √(4.5·5) = 3/√10.
        let q = rank_quality(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!(close(q.spearman.unwrap(), 3.0 / 10f64.sqrt(), 1e-12));
    }

    #[test]
    fn perfect_and_reversed() {
        let realized: Vec<f64> = (1..=100).map(|i| i as f64).collect();
        let q = rank_quality(&realized, &realized).unwrap();
        assert_eq!(q.gini, Some(1.0));
        assert!(close(q.spearman.unwrap(), 1.0, 1e-12));
        // Top decile holds 91..=100: 955 of 5050.
        assert!(close(
            q.lift_top_decile.unwrap(),
            955.0 / 5050.0 / 0.1,
            1e-12
        ));
        assert!(close(
            q.top_share.unwrap(),
            (81..=100).sum::<i32>() as f64 / 5050.0,
            1e-12
        ));
        let reversed: Vec<f64> = realized.iter().map(|v| -v).collect();
        let q = rank_quality(&reversed, &realized).unwrap();
        assert_eq!(q.gini, Some(-1.0));
        assert!(close(q.spearman.unwrap(), -1.0, 1e-12));
    }

    #[test]
    fn constant_prediction_is_neutral() {
        let realized: Vec<f64> = (0..37).map(|i| (i * i) as f64).collect();
        let q = rank_quality(&vec![1.0; 37], &realized).unwrap();
        assert_eq!(q.auc, Some(0.5));
        assert_eq!(q.spearman, None);
        for l in &q.lift_by_decile {
            assert!(close(*l, 1.0, 1e-12), "{:?}", q.lift_by_decile);
        }
        assert!(close(q.top_share.unwrap(), 0.2, 1e-12));
    }

    #[test]
    fn tied_group_split_across_a_decile_boundary() {
        // n = 10, one customer per decile; the two best are tied and split their 30 evenly.
        let pred = [9.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0];
        let realized = [10.0, 20.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 5.0, 5.0];
        let q = rank_quality(&pred, &realized).unwrap();
        let total = 100.0;
        assert!(close(q.lift_by_decile[0], 15.0 / total / 0.1, 1e-12));
        assert!(close(q.lift_by_decile[1], 15.0 / total / 0.1, 1e-12));
        assert!(close(q.lift_by_decile[9], 5.0 / total / 0.1, 1e-12));
    }

    #[test]
    fn nan_predictions_rank_last() {
        let realized = [100.0, 1.0, 2.0, 3.0, 4.0];
        let with_nan = rank_quality(&[f64::NAN, 5.0, 4.0, 3.0, 2.0], &realized).unwrap();
        let with_min = rank_quality(&[f64::NEG_INFINITY, 5.0, 4.0, 3.0, 2.0], &realized).unwrap();
        assert_eq!(with_nan, with_min);
        assert_eq!(with_nan.auc, Some(0.0));
    }

    #[test]
    fn label_falls_back_to_strictly_above_when_all_tie() {
        // 9 of 10 realized 0: cut is 0, so positive means > 0.
        let mut realized = vec![0.0; 10];
        realized[3] = 50.0;
        let pred: Vec<f64> = (0..10)
            .map(|i| if i == 3 { 10.0 } else { i as f64 * 0.1 })
            .collect();
        let q = rank_quality(&pred, &realized).unwrap();
        assert_eq!(q.positives, 1);
        assert_eq!(q.auc, Some(1.0));
        let q = rank_quality(&pred, &[0.0; 10]).unwrap();
        assert_eq!((q.auc, q.top_share), (None, None));
        assert!(q.lift_by_decile.is_empty());
    }

    #[test]
    fn errors() {
        assert!(rank_quality(&[1.0], &[1.0, 2.0]).is_err());
        assert!(rank_quality(&[], &[]).is_err());
        assert!(rank_quality(&[1.0], &[f64::NAN]).is_err());
    }

    #[test]
    fn comparison_names_the_best() {
        let realized: Vec<f64> = (0..50).map(|i| i as f64).collect();
        let good: Vec<f64> = realized.clone();
        let bad: Vec<f64> = realized.iter().map(|v| (v * 7.0) % 13.0).collect();
        let c = compare_rankings(&[("rfm", &bad), ("clv", &good)], &realized).unwrap();
        assert_eq!(c.best.as_deref(), Some("clv"));
        assert!(c.explain_en().starts_with("clv ranks realized value best"));
        // Issue 21: the Chinese sentence names the methods in Chinese, not by id.
        let zh = c.explain_zh();
        assert!(zh.contains("CLV 对实际价值的排序效果最好"), "{zh}");
        assert!(zh.contains("RFM 得分 基尼系数"), "{zh}");
        let q = &c.methods[1].quality;
        assert!(q.explain_en().contains("Gini 1.000"), "{}", q.explain_en());
        assert!(q.explain_zh().contains("基尼系数 1.000"));
    }
}
