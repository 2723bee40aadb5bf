//! Peer groups: comparable customers, by industry and size band, shared by the wallet
//! estimate and the peer cross-sell source so that both mean the same thing by "peers".
//!
//! Comparable customers are those of the same industry and size band.
//! Small groups give noisy figures, so a group counts only with at least `min_peers` members;
//! with [`PeerGrouping::IndustrySize`] (the default) a customer whose industry × size group is
//! too small, or whose size is unknown, falls back to its whole industry, and the result says
//! so. A customer without an industry has no peers at all: guessing across industries would
//! compare a hospital with a pharmacy chain. Industry and size are compared exactly after
//! trimming spaces; an empty string is missing. The index is two nested ordered maps (industry,
//! then size), built in one pass; ordered so that a run's stored summary, which keeps the
//! index for provisional updates, serializes the same way every time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::explain::Explain;
use custval_i18n::Lang;

/// How peers are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerGrouping {
    /// Same industry and size band; when that group is too small or the size is unknown, the
    /// whole industry (the default).
    #[default]
    IndustrySize,
    /// Same industry and size band, no fallback: too small means no peers.
    IndustrySizeStrict,
    /// Same industry, whatever the size.
    Industry,
}

/// Why a customer has no usable peer group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum NoPeers {
    /// The customer's industry is unknown.
    NoIndustry,
    /// The customer's size band is unknown and the grouping has no fallback.
    NoSize,
    /// The group (after any fallback) has fewer members than required.
    TooFewPeers {
        /// The last group tried, e.g. "industry=pharma".
        group: String,
        /// Its members.
        peers: usize,
        /// The configured minimum.
        min_peers: usize,
    },
}

impl Explain for NoPeers {
    fn explain_en(&self) -> String {
        match self {
            NoPeers::NoIndustry => "industry unknown, so there are no comparable customers".into(),
            NoPeers::NoSize => "size band unknown, so there are no comparable customers".into(),
            NoPeers::TooFewPeers {
                group,
                peers,
                min_peers,
            } => format!(
                "only {peers} comparable customers ({group}), fewer than the {min_peers} required"
            ),
        }
    }

    fn explain_zh(&self) -> String {
        match self {
            NoPeers::NoIndustry => "行业未知，没有可比客户".into(),
            NoPeers::NoSize => "规模未知，没有可比客户".into(),
            NoPeers::TooFewPeers {
                group,
                peers,
                min_peers,
            } => format!(
                "可比客户（{}）仅 {peers} 个，少于要求的 {min_peers} 个",
                group_label(Lang::Zh, group)
            ),
        }
    }
}

/// Why the industry-wide group was used instead of the industry × size group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "why")]
pub enum Fallback {
    /// The customer's size band is unknown.
    SizeUnknown,
    /// The industry × size group was too small.
    TooFewInGroup {
        /// The narrower group, e.g. "industry=pharma, size=large".
        group: String,
        /// Its members.
        peers: usize,
    },
}

impl Fallback {
    /// English clause, e.g. "only 4 in industry=pharma, size=large, so the whole industry".
    pub fn explain_en(&self) -> String {
        match self {
            Fallback::SizeUnknown => "size band unknown, so the whole industry is used".into(),
            Fallback::TooFewInGroup { group, peers } => {
                format!("only {peers} in {group}, so the whole industry is used")
            }
        }
    }

    /// Chinese clause.
    pub fn explain_zh(&self) -> String {
        match self {
            Fallback::SizeUnknown => "规模未知，改用整个行业".into(),
            Fallback::TooFewInGroup { group, peers } => {
                format!(
                    "{} 仅 {peers} 个，改用整个行业",
                    group_label(Lang::Zh, group)
                )
            }
        }
    }
}

/// A size band as `lang` names it (`key` → 大客户); a band the catalogue does not know (a
/// company's own bands) is shown as given.
pub fn size_name(lang: Lang, band: &str) -> String {
    let id = format!("explain-size-{band}");
    if custval_i18n::has(lang, &id) {
        custval_i18n::text(lang, &id).to_string()
    } else {
        band.to_string()
    }
}

/// A group's [`label`] in `lang`: `industry=金融, size=key` → `行业=金融、规模=大客户` in
/// Chinese, unchanged in English. Labels are stored (in a run's details) in their English
/// form, so older runs read the same way.
pub fn group_label(lang: Lang, group: &str) -> String {
    let Some(rest) = group.strip_prefix("industry=") else {
        return group.to_string();
    };
    match rest.rsplit_once(", size=") {
        Some((industry, size)) => custval_i18n::format(
            lang,
            "explain-peer-group",
            &[
                ("industry", industry.into()),
                ("size", size_name(lang, size).as_str().into()),
            ],
        ),
        None => custval_i18n::format(
            lang,
            "explain-peer-group-industry",
            &[("industry", rest.into())],
        ),
    }
}

/// A trimmed, non-empty key or `None`.
pub(crate) fn norm(key: Option<&str>) -> Option<&str> {
    key.map(str::trim).filter(|k| !k.is_empty())
}

/// The group's label: "industry=pharma" or "industry=pharma, size=large".
pub(crate) fn label(industry: &str, size: Option<&str>) -> String {
    match size {
        Some(s) => format!("industry={industry}, size={s}"),
        None => format!("industry={industry}"),
    }
}

/// Per-group values of type `T` for every industry and every industry × size pair.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct GroupIndex<T> {
    industries: BTreeMap<String, Level<T>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Level<T> {
    all: T,
    by_size: BTreeMap<String, T>,
}

/// A resolved peer group: its value, label and any fallback taken.
#[derive(Debug)]
pub(crate) struct Resolved<'a, T> {
    pub value: &'a T,
    pub group: String,
    pub fallback: Option<Fallback>,
}

impl<T: Default> GroupIndex<T> {
    /// Adds a member with normalized keys: `add(value)` runs on the industry's value and, with
    /// a size, on the industry × size value.
    pub(crate) fn add(&mut self, industry: &str, size: Option<&str>, mut add: impl FnMut(&mut T)) {
        if !self.industries.contains_key(industry) {
            self.industries
                .insert(industry.to_string(), Level::default());
        }
        if let Some(level) = self.industries.get_mut(industry) {
            add(&mut level.all);
            if let Some(s) = size {
                if !level.by_size.contains_key(s) {
                    level.by_size.insert(s.to_string(), T::default());
                }
                if let Some(v) = level.by_size.get_mut(s) {
                    add(v);
                }
            }
        }
    }
}

impl<T> GroupIndex<T> {
    /// Every industry with its size-band groups (ordered by name).
    pub(crate) fn size_bands(&self) -> impl Iterator<Item = (&str, &BTreeMap<String, T>)> {
        self.industries
            .iter()
            .map(|(k, level)| (k.as_str(), &level.by_size))
    }

    /// Turns every group's value into another.
    pub(crate) fn map<U>(self, mut f: impl FnMut(T) -> U) -> GroupIndex<U> {
        GroupIndex {
            industries: self
                .industries
                .into_iter()
                .map(|(k, level)| {
                    let all = f(level.all);
                    let by_size = level.by_size.into_iter().map(|(s, v)| (s, f(v))).collect();
                    (k, Level { all, by_size })
                })
                .collect(),
        }
    }

    /// The peer group of a customer, following `grouping`; `members` counts a group's peers.
    pub(crate) fn resolve(
        &self,
        industry: Option<&str>,
        size: Option<&str>,
        grouping: PeerGrouping,
        min_peers: usize,
        members: impl Fn(&T) -> usize,
    ) -> Result<Resolved<'_, T>, NoPeers> {
        let industry = norm(industry).ok_or(NoPeers::NoIndustry)?;
        let size = norm(size);
        let level = self.industries.get(industry);
        let too_few = |group: String, peers: usize| NoPeers::TooFewPeers {
            group,
            peers,
            min_peers,
        };
        let whole = |fallback: Option<Fallback>| match level {
            Some(l) if members(&l.all) >= min_peers => Ok(Resolved {
                value: &l.all,
                group: label(industry, None),
                fallback,
            }),
            _ => Err(too_few(
                label(industry, None),
                level.map_or(0, |l| members(&l.all)),
            )),
        };
        if grouping == PeerGrouping::Industry {
            return whole(None);
        }
        let Some(size) = size else {
            return match grouping {
                PeerGrouping::IndustrySizeStrict => Err(NoPeers::NoSize),
                _ => whole(Some(Fallback::SizeUnknown)),
            };
        };
        let narrow = level.and_then(|l| l.by_size.get(size));
        let narrow_count = narrow.map_or(0, &members);
        match narrow {
            Some(v) if narrow_count >= min_peers => Ok(Resolved {
                value: v,
                group: label(industry, Some(size)),
                fallback: None,
            }),
            _ if grouping == PeerGrouping::IndustrySizeStrict => {
                Err(too_few(label(industry, Some(size)), narrow_count))
            }
            _ => whole(Some(Fallback::TooFewInGroup {
                group: label(industry, Some(size)),
                peers: narrow_count,
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> GroupIndex<usize> {
        let mut g = GroupIndex::<usize>::default();
        for _ in 0..3 {
            g.add("pharma", Some("large"), |c| *c += 1);
        }
        for _ in 0..2 {
            g.add("pharma", Some("small"), |c| *c += 1);
        }
        g.add("pharma", None, |c| *c += 1);
        g
    }

    #[test]
    fn narrow_group_when_big_enough() {
        let g = index();
        let r = g
            .resolve(
                Some("pharma"),
                Some("large"),
                PeerGrouping::IndustrySize,
                3,
                |c| *c,
            )
            .unwrap();
        assert_eq!(*r.value, 3);
        assert_eq!(r.group, "industry=pharma, size=large");
        assert_eq!(group_label(Lang::Zh, &r.group), "行业=pharma、规模=大型");
        assert_eq!(group_label(Lang::Zh, "industry=医药"), "行业=医药");
        assert_eq!(
            group_label(Lang::En, &r.group),
            "industry=pharma, size=large"
        );
        assert_eq!(r.fallback, None);
    }

    #[test]
    fn falls_back_to_industry() {
        let g = index();
        let r = g
            .resolve(
                Some(" pharma "),
                Some("small"),
                PeerGrouping::IndustrySize,
                3,
                |c| *c,
            )
            .unwrap();
        assert_eq!(*r.value, 6);
        assert_eq!(r.group, "industry=pharma");
        assert_eq!(
            r.fallback,
            Some(Fallback::TooFewInGroup {
                group: "industry=pharma, size=small".into(),
                peers: 2
            })
        );
        let r = g
            .resolve(
                Some("pharma"),
                Some(""),
                PeerGrouping::IndustrySize,
                3,
                |c| *c,
            )
            .unwrap();
        assert_eq!(r.fallback, Some(Fallback::SizeUnknown));
    }

    #[test]
    fn strict_and_missing() {
        let g = index();
        let strict = PeerGrouping::IndustrySizeStrict;
        assert_eq!(
            g.resolve(Some("pharma"), Some("small"), strict, 3, |c| *c)
                .unwrap_err(),
            NoPeers::TooFewPeers {
                group: "industry=pharma, size=small".into(),
                peers: 2,
                min_peers: 3
            }
        );
        assert_eq!(
            g.resolve(Some("pharma"), None, strict, 3, |c| *c)
                .unwrap_err(),
            NoPeers::NoSize
        );
        assert_eq!(
            g.resolve(None, Some("large"), strict, 3, |c| *c)
                .unwrap_err(),
            NoPeers::NoIndustry
        );
        assert_eq!(
            g.resolve(Some("retail"), None, PeerGrouping::Industry, 1, |c| *c)
                .unwrap_err(),
            NoPeers::TooFewPeers {
                group: "industry=retail".into(),
                peers: 0,
                min_peers: 1
            }
        );
    }
}
