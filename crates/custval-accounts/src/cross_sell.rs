//! Cross-sell suggestions (交叉销售): categories a customer has not bought that it
//! is likely to buy, from two sources, merged and ranked.
//!
//! - **Peers**: the share of the customer's peer group (as in [`crate::peers`]: industry ×
//!   size band, falling back to the industry) that bought the category: its *penetration*.
//!   Peers are the group's customers with at least one category in the caller's window; the
//!   customer itself is one of them (it has not bought the category, so it only lowers the
//!   share, never raises it).
//! - **Association rules** X → Y over baskets (orders, or each customer's 12-month category
//!   set): support = P(X ∧ Y), confidence = P(Y | X), lift = confidence / P(Y), with baskets
//!   counted once per category (a category twice in one basket is one occurrence). Empty baskets
//!   are not counted. Only pairwise rules: one antecedent category the customer bought, one
//!   consequent it has not. The pair counts are one triangular table over the categories seen
//!   (C·(C − 1)/2 counters, 2 million at C = 2 000), filled in one pass over the baskets: a
//!   basket of k categories costs k²/2 increments, which is what keeps a million customers with
//!   tens to hundreds of categories within seconds.
//!
//! Both sources give a probability-like score in [0, 1] (penetration; confidence), so they are
//! ranked on one scale: a category suggested by both keeps its higher score and that source
//! (equal scores prefer the peers, the simpler sentence). Suggestions are ordered by score,
//! then category id, and cut to `max_suggestions`. A category the customer bought is never
//! suggested.
//!
//! Sentences name categories through the caller's names table (`Dataset::categories`, indexed
//! by the category id); an id outside it prints as "category 7".

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::AccountsError;
use crate::explain::{percent, ratio};
use crate::peers::{GroupIndex, PeerGrouping, norm};

/// One customer's inputs to cross-sell.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CrossSellInput<'a> {
    /// Industry; `None` or empty = unknown.
    pub industry: Option<&'a str>,
    /// Size band; `None` or empty = unknown.
    pub size: Option<&'a str>,
    /// Categories bought in the caller's window (any order, duplicates allowed).
    pub bought: &'a [u32],
}

/// Cross-sell settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrossSellConfig {
    /// Most suggestions per customer (5).
    pub max_suggestions: usize,
    /// How peers are grouped.
    pub grouping: PeerGrouping,
    /// Fewest peers a group needs (10).
    pub min_peers: usize,
    /// Lowest peer penetration suggested (0.3).
    pub min_penetration: f64,
    /// Lowest rule support kept (0.01).
    pub min_support: f64,
    /// Lowest rule confidence kept (0.2).
    pub min_confidence: f64,
    /// Lowest rule lift kept (1.2: the antecedent must raise the odds by a fifth).
    pub min_lift: f64,
    /// Most distinct categories the rule miner accepts (2 000), bounding its memory.
    pub max_categories: usize,
}

impl Default for CrossSellConfig {
    fn default() -> Self {
        Self {
            max_suggestions: 5,
            grouping: PeerGrouping::IndustrySize,
            min_peers: 10,
            min_penetration: 0.3,
            min_support: 0.01,
            min_confidence: 0.2,
            min_lift: 1.2,
            max_categories: 2000,
        }
    }
}

impl CrossSellConfig {
    /// Shares in [0, 1], lift ≥ 0, at least one peer and one category.
    pub fn validate(&self) -> Result<(), AccountsError> {
        let unit = |field, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(AccountsError::Config {
                    field,
                    value,
                    reason: "must be between 0 and 1",
                })
            }
        };
        unit("cross_sell.min_penetration", self.min_penetration)?;
        unit("cross_sell.min_support", self.min_support)?;
        unit("cross_sell.min_confidence", self.min_confidence)?;
        if !(self.min_lift >= 0.0 && self.min_lift.is_finite()) {
            return Err(AccountsError::Config {
                field: "cross_sell.min_lift",
                value: self.min_lift,
                reason: "must be a finite number ≥ 0",
            });
        }
        for (field, v) in [
            ("cross_sell.min_peers", self.min_peers),
            ("cross_sell.max_categories", self.max_categories),
        ] {
            if v == 0 {
                return Err(AccountsError::Config {
                    field,
                    value: 0.0,
                    reason: "must be at least 1",
                });
            }
        }
        Ok(())
    }
}

/// Which peer group a peer suggestion came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerLevel {
    /// Same industry and size band.
    IndustrySize,
    /// Same industry (size unknown, group too small, or configured so).
    Industry,
}

/// Where a suggestion comes from, with its figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "source")]
pub enum CrossSellSource {
    /// Bought by a share of the peer group.
    Peers {
        /// Share of peers who bought the category.
        penetration: f64,
        /// Peers in the group.
        peers: usize,
        /// The group used.
        level: PeerLevel,
    },
    /// An association rule antecedent → category.
    Rule {
        /// The category the customer bought.
        antecedent: u32,
        /// P(antecedent ∧ category) over baskets.
        support: f64,
        /// P(category | antecedent).
        confidence: f64,
        /// confidence / P(category).
        lift: f64,
    },
}

/// One suggested category.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CrossSell {
    /// The category id (index into `Dataset::categories`).
    pub category: u32,
    /// Ranking score in [0, 1]: the penetration or the rule's confidence.
    pub score: f64,
    /// Why.
    pub source: CrossSellSource,
}

/// The category's name from the table, or "category N" / "品类 N".
fn name(categories: &[String], id: u32, zh: bool) -> String {
    match categories.get(id as usize) {
        Some(n) => n.clone(),
        None if zh => format!("品类 {id}"),
        None => format!("category {id}"),
    }
}

impl CrossSell {
    /// English sentence naming the figures; `categories` maps ids to names (may be empty).
    pub fn explain_en(&self, categories: &[String]) -> String {
        let y = name(categories, self.category, false);
        match self.source {
            CrossSellSource::Peers {
                penetration,
                peers,
                level,
            } => {
                let group = match level {
                    PeerLevel::IndustrySize => "same industry and size",
                    PeerLevel::Industry => "same industry",
                };
                format!(
                    "{y}: bought by {} of {peers} comparable customers ({group}), not yet by this customer",
                    percent(penetration)
                )
            }
            CrossSellSource::Rule {
                antecedent,
                support,
                confidence,
                lift,
            } => format!(
                "{y}: {} of baskets with {} also hold {y} (confidence), lift {} over the base rate, support {}",
                percent(confidence),
                name(categories, antecedent, false),
                ratio(lift),
                percent(support)
            ),
        }
    }

    /// Chinese sentence naming the figures.
    pub fn explain_zh(&self, categories: &[String]) -> String {
        let y = name(categories, self.category, true);
        match self.source {
            CrossSellSource::Peers {
                penetration,
                peers,
                level,
            } => {
                let group = match level {
                    PeerLevel::IndustrySize => "同行业同规模",
                    PeerLevel::Industry => "同行业",
                };
                format!(
                    "{y}：{peers} 个可比客户（{group}）中 {} 已购买，该客户尚未购买",
                    percent(penetration)
                )
            }
            CrossSellSource::Rule {
                antecedent,
                support,
                confidence,
                lift,
            } => format!(
                "{y}：购买 {} 的购物篮中有 {} 同时购买 {y}（置信度），提升度 {}，支持度 {}",
                name(categories, antecedent, true),
                percent(confidence),
                ratio(lift),
                percent(support)
            ),
        }
    }
}

/// A pairwise association rule with its counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AssociationRule {
    /// X.
    pub antecedent: u32,
    /// Y.
    pub consequent: u32,
    /// Baskets holding both.
    pub both: u64,
    /// Baskets holding X.
    pub antecedent_count: u64,
    /// Baskets holding Y.
    pub consequent_count: u64,
    /// both / baskets.
    pub support: f64,
    /// both / antecedent_count.
    pub confidence: f64,
    /// confidence / (consequent_count / baskets).
    pub lift: f64,
}

/// The rules mined from a set of baskets, indexed by antecedent.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AssociationRules {
    baskets: u64,
    /// Sorted by antecedent, then confidence descending, then consequent.
    rules: Vec<AssociationRule>,
    by_antecedent: BTreeMap<u32, (usize, usize)>,
}

/// Sorts and dedups `basket` into `buf`.
fn distinct_into(basket: &[u32], buf: &mut Vec<u32>) {
    buf.clear();
    buf.extend_from_slice(basket);
    buf.sort_unstable();
    buf.dedup();
}

impl AssociationRules {
    /// Counts single and pair occurrences over `baskets` in one pass and keeps the rules that
    /// pass `min_support`, `min_confidence` and `min_lift` (all inclusive).
    pub fn mine<B: AsRef<[u32]>>(
        baskets: &[B],
        config: &CrossSellConfig,
    ) -> Result<Self, AccountsError> {
        config.validate()?;
        // Dense indices for the categories seen, in id order.
        let mut ids: Vec<u32> = Vec::new();
        {
            let mut seen: HashMap<u32, ()> = HashMap::new();
            for b in baskets {
                for &c in b.as_ref() {
                    if seen.insert(c, ()).is_none() {
                        ids.push(c);
                        if ids.len() > config.max_categories {
                            return Err(AccountsError::TooManyCategories {
                                max: config.max_categories,
                            });
                        }
                    }
                }
            }
        }
        ids.sort_unstable();
        let dense: HashMap<u32, usize> = ids.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        let k = ids.len();
        let tri = |i: usize, j: usize| i * k - i * (i + 1) / 2 + (j - i - 1);
        let mut single = vec![0u64; k];
        let mut pair = vec![0u64; k * k.saturating_sub(1) / 2];
        let mut n = 0u64;
        let mut buf = Vec::new();
        let mut idx = Vec::new();
        for b in baskets {
            distinct_into(b.as_ref(), &mut buf);
            if buf.is_empty() {
                continue;
            }
            n += 1;
            idx.clear();
            idx.extend(buf.iter().filter_map(|c| dense.get(c).copied()));
            // `ids` is sorted, so dense indices follow the sorted ids: i < j below.
            for (a, &i) in idx.iter().enumerate() {
                single[i] += 1;
                for &j in &idx[a + 1..] {
                    pair[tri(i, j)] += 1;
                }
            }
        }
        let mut rules = Vec::new();
        if n > 0 {
            let nf = n as f64;
            for i in 0..k {
                for j in i + 1..k {
                    let both = pair[tri(i, j)];
                    let support = both as f64 / nf;
                    if both == 0 || support < config.min_support {
                        continue;
                    }
                    for (x, y) in [(i, j), (j, i)] {
                        let confidence = both as f64 / single[x] as f64;
                        let lift = confidence / (single[y] as f64 / nf);
                        if confidence >= config.min_confidence && lift >= config.min_lift {
                            rules.push(AssociationRule {
                                antecedent: ids[x],
                                consequent: ids[y],
                                both,
                                antecedent_count: single[x],
                                consequent_count: single[y],
                                support,
                                confidence,
                                lift,
                            });
                        }
                    }
                }
            }
        }
        rules.sort_by(|a, b| {
            a.antecedent
                .cmp(&b.antecedent)
                .then(b.confidence.total_cmp(&a.confidence))
                .then(a.consequent.cmp(&b.consequent))
        });
        let mut by_antecedent = BTreeMap::new();
        let mut start = 0;
        while start < rules.len() {
            let x = rules[start].antecedent;
            let end = start
                + rules[start..]
                    .iter()
                    .take_while(|r| r.antecedent == x)
                    .count();
            by_antecedent.insert(x, (start, end));
            start = end;
        }
        Ok(Self {
            baskets: n,
            rules,
            by_antecedent,
        })
    }

    /// Non-empty baskets counted.
    pub fn baskets(&self) -> u64 {
        self.baskets
    }

    /// Every rule kept, by antecedent, then confidence descending.
    pub fn rules(&self) -> &[AssociationRule] {
        &self.rules
    }

    /// The rules X → · for one antecedent, confidence descending.
    pub fn from_antecedent(&self, x: u32) -> &[AssociationRule] {
        match self.by_antecedent.get(&x) {
            Some(&(a, b)) => &self.rules[a..b],
            None => &[],
        }
    }

    /// The rule X → Y, if kept.
    pub fn rule(&self, x: u32, y: u32) -> Option<&AssociationRule> {
        self.from_antecedent(x).iter().find(|r| r.consequent == y)
    }
}

/// A peer group's members and its categories above the penetration floor, most common first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct GroupCats {
    members: usize,
    counts: BTreeMap<u32, u32>,
    top: Vec<(u32, f64)>,
}

/// Peer penetration per group, fitted on the whole customer base.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeerPenetration {
    config: CrossSellConfig,
    groups: GroupIndex<GroupCats>,
}

impl PeerPenetration {
    /// Counts, per peer group, the customers who bought each category. O(total categories).
    pub fn fit(
        customers: &[CrossSellInput<'_>],
        config: &CrossSellConfig,
    ) -> Result<Self, AccountsError> {
        config.validate()?;
        let mut groups = GroupIndex::<GroupCats>::default();
        let mut buf = Vec::new();
        for c in customers {
            let Some(industry) = norm(c.industry) else {
                continue;
            };
            distinct_into(c.bought, &mut buf);
            if buf.is_empty() {
                continue;
            }
            groups.add(industry, norm(c.size), |g| {
                g.members += 1;
                for &cat in &buf {
                    *g.counts.entry(cat).or_insert(0) += 1;
                }
            });
        }
        let floor = config.min_penetration;
        let groups = groups.map(|g| {
            let m = g.members.max(1) as f64;
            let mut top: Vec<(u32, f64)> = g
                .counts
                .iter()
                .map(|(&cat, &n)| (cat, f64::from(n) / m))
                .filter(|&(_, p)| p >= floor)
                .collect();
            top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            GroupCats {
                members: g.members,
                counts: BTreeMap::new(),
                top,
            }
        });
        Ok(Self {
            config: *config,
            groups,
        })
    }

    /// Share of the customer's peer group that bought `category` among those above the floor
    /// (`None` without a peer group or below the floor), with the peer count.
    pub fn penetration(&self, c: &CrossSellInput<'_>, category: u32) -> Option<(f64, usize)> {
        let cfg = &self.config;
        let r = self
            .groups
            .resolve(c.industry, c.size, cfg.grouping, cfg.min_peers, |g| {
                g.members
            })
            .ok()?;
        r.value
            .top
            .iter()
            .find(|(cat, _)| *cat == category)
            .map(|&(_, p)| (p, r.value.members))
    }

    fn candidates(&self, c: &CrossSellInput<'_>, bought: &[u32], out: &mut Vec<CrossSell>) {
        let cfg = &self.config;
        let Ok(r) = self
            .groups
            .resolve(c.industry, c.size, cfg.grouping, cfg.min_peers, |g| {
                g.members
            })
        else {
            return;
        };
        let level = if cfg.grouping != PeerGrouping::Industry && r.fallback.is_none() {
            PeerLevel::IndustrySize
        } else {
            PeerLevel::Industry
        };
        let fresh = r
            .value
            .top
            .iter()
            .filter(|(cat, _)| bought.binary_search(cat).is_err())
            .take(cfg.max_suggestions);
        for &(category, penetration) in fresh {
            out.push(CrossSell {
                category,
                score: penetration,
                source: CrossSellSource::Peers {
                    penetration,
                    peers: r.value.members,
                    level,
                },
            });
        }
    }
}

/// Peers and rules together: suggests for one customer at a time.
///
/// Serializable, so that a run can keep it for provisional updates between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrossSellModel {
    config: CrossSellConfig,
    peers: PeerPenetration,
    rules: AssociationRules,
}

impl CrossSellModel {
    /// Fits peer penetration on `customers` and mines rules from `baskets` (orders, or the
    /// customers' own category sets; empty = no rules).
    pub fn fit<B: AsRef<[u32]>>(
        customers: &[CrossSellInput<'_>],
        baskets: &[B],
        config: &CrossSellConfig,
    ) -> Result<Self, AccountsError> {
        Ok(Self {
            config: *config,
            peers: PeerPenetration::fit(customers, config)?,
            rules: AssociationRules::mine(baskets, config)?,
        })
    }

    /// The mined rules.
    pub fn rules(&self) -> &AssociationRules {
        &self.rules
    }

    /// The peer penetration table.
    pub fn peers(&self) -> &PeerPenetration {
        &self.peers
    }

    /// Up to `max_suggestions` categories the customer has not bought, best first.
    pub fn suggest(&self, c: &CrossSellInput<'_>) -> Vec<CrossSell> {
        let k = self.config.max_suggestions;
        let mut bought = Vec::new();
        distinct_into(c.bought, &mut bought);
        let mut cands = Vec::new();
        self.peers.candidates(c, &bought, &mut cands);
        for &x in &bought {
            // Rules from one antecedent are by confidence descending and have distinct
            // consequents, so past the k-th fresh one none can reach the top k through x.
            let fresh = self
                .rules
                .from_antecedent(x)
                .iter()
                .filter(|r| bought.binary_search(&r.consequent).is_err())
                .take(k);
            for r in fresh {
                cands.push(CrossSell {
                    category: r.consequent,
                    score: r.confidence,
                    source: CrossSellSource::Rule {
                        antecedent: x,
                        support: r.support,
                        confidence: r.confidence,
                        lift: r.lift,
                    },
                });
            }
        }
        // Best source per category: higher score; on a tie peers, then higher lift, then the
        // lower antecedent id, so the outcome never depends on input order.
        let rank = |s: &CrossSell| match s.source {
            CrossSellSource::Peers { .. } => (0u8, 0.0, 0u32),
            CrossSellSource::Rule {
                lift, antecedent, ..
            } => (1u8, -lift, antecedent),
        };
        cands.sort_unstable_by(|a, b| {
            a.category
                .cmp(&b.category)
                .then(b.score.total_cmp(&a.score))
                .then_with(|| {
                    let (ra, rb) = (rank(a), rank(b));
                    ra.0.cmp(&rb.0)
                        .then(ra.1.total_cmp(&rb.1))
                        .then(ra.2.cmp(&rb.2))
                })
        });
        cands.dedup_by_key(|s| s.category);
        cands.sort_unstable_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.category.cmp(&b.category))
        });
        cands.truncate(k);
        cands
    }
}

/// Every customer's suggestions, in input order (see [`CrossSellModel`]).
pub fn suggest_cross_sell<B: AsRef<[u32]>>(
    customers: &[CrossSellInput<'_>],
    baskets: &[B],
    config: &CrossSellConfig,
) -> Result<Vec<Vec<CrossSell>>, AccountsError> {
    let model = CrossSellModel::fit(customers, baskets, config)?;
    Ok(customers.iter().map(|c| model.suggest(c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangular_index_covers_every_pair_once() {
        let k = 5usize;
        let tri = |i: usize, j: usize| i * k - i * (i + 1) / 2 + (j - i - 1);
        let mut seen = vec![false; k * (k - 1) / 2];
        for i in 0..k {
            for j in i + 1..k {
                assert!(!seen[tri(i, j)]);
                seen[tri(i, j)] = true;
            }
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn duplicates_and_empty_baskets_do_not_count() {
        let cfg = CrossSellConfig {
            min_support: 0.0,
            min_confidence: 0.0,
            min_lift: 0.0,
            ..CrossSellConfig::default()
        };
        let baskets: Vec<Vec<u32>> = vec![vec![1, 1, 2], vec![], vec![2]];
        let r = AssociationRules::mine(&baskets, &cfg).unwrap();
        assert_eq!(r.baskets(), 2);
        let rule = r.rule(1, 2).unwrap();
        assert_eq!(
            (rule.both, rule.antecedent_count, rule.consequent_count),
            (1, 1, 2)
        );
        assert_eq!(rule.confidence, 1.0);
        assert_eq!(rule.lift, 1.0);
    }

    #[test]
    fn too_many_categories_is_an_error() {
        let cfg = CrossSellConfig {
            max_categories: 3,
            ..CrossSellConfig::default()
        };
        let baskets = vec![vec![1u32, 2, 3, 4]];
        assert_eq!(
            AssociationRules::mine(&baskets, &cfg).unwrap_err(),
            AccountsError::TooManyCategories { max: 3 }
        );
    }

    #[test]
    fn explanations_name_categories_and_figures() {
        let s = CrossSell {
            category: 1,
            score: 0.75,
            source: CrossSellSource::Rule {
                antecedent: 0,
                support: 0.6,
                confidence: 0.75,
                lift: 1.25,
            },
        };
        let names = vec!["diapers".to_string(), "beer".to_string()];
        let en = s.explain_en(&names);
        assert!(en.starts_with("beer: 75% of baskets with diapers"), "{en}");
        assert!(
            en.contains("lift 1.25") && en.contains("support 60%"),
            "{en}"
        );
        let zh = s.explain_zh(&[]);
        assert!(zh.contains("品类 1") && zh.contains("提升度 1.25"), "{zh}");
        let p = CrossSell {
            category: 9,
            score: 0.4,
            source: CrossSellSource::Peers {
                penetration: 0.4,
                peers: 25,
                level: PeerLevel::Industry,
            },
        };
        assert_eq!(
            p.explain_en(&[]),
            "category 9: bought by 40% of 25 comparable customers (same industry), not yet by this customer"
        );
        assert!(
            p.explain_zh(&[])
                .contains("25 个可比客户（同行业）中 40% 已购买")
        );
    }
}
