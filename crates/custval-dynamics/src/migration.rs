//! Migration matrix (迁移矩阵) between two evaluation runs: how many customers moved from each
//! tier to each other tier, and how much value those moves carry.
//!
//! Design choices:
//! - **Tiers are labels in a given order, best first** (e.g. `A, B, C`). An extra row and column
//!   named [`NONE`] hold customers present in only one run: the `none` row are customers new in
//!   the `to` run (entered), the `none` column customers gone from it (left). The `none`/`none`
//!   cell is always 0.
//! - **Value share** of a cell is the cell's value over the whole run's value. For every column
//!   but `none` the value is the customers' value in the `to` run over the `to` run's total, so
//!   those columns sum to 1 and read "where today's value sits and where it came from". Customers
//!   who left have no `to` value, so the `none` column uses their `from` value over the `from`
//!   run's total: "the share of last run's value that walked away". A non-finite value counts as
//!   0; negative values (e.g. a negative CLV) are kept as they are. When a run's total is not
//!   positive there is nothing to share and its shares are 0 (the totals are reported).
//! - **O(n) with hashing**: one hash map from customer id (the crate's fast non-cryptographic
//!   hasher) joins the runs: one insert per `from` customer, one entry lookup per `to`
//!   customer; leavers are found from a flag vector, not by hashing again. At a million
//!   customers per run the work is bound by cache misses on the ids, not by arithmetic. Sums
//!   are accumulated in input order (never hash-map order), so results are bit-for-bit
//!   repeatable. Timing note in `tests/migration_scale.rs`.
//! - The customers behind a cell are listed on demand by [`cell_members`], which re-scans the two
//!   inputs instead of keeping a million ids inside [`Migration`].

use serde::{Deserialize, Serialize};

use crate::DynamicsError;
use crate::explain::{Explain, known, percent};
use crate::hash::{FastMap, fast_map};

/// The label of the extra row (entered) and column (left) for customers in only one run.
pub const NONE: &str = "none";

/// One customer in one run: its id, tier label and value (what value share measures, e.g.
/// 12-month spend or CLV, chosen by the caller).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierEntry<'a> {
    /// Customer id, unique within a run.
    pub customer_id: &'a str,
    /// Tier label; must be one of the tiers given to the function.
    pub tier: &'a str,
    /// The customer's value in this run; non-finite counts as 0.
    pub value: f64,
}

impl<'a> TierEntry<'a> {
    /// Shorthand constructor.
    pub fn new(customer_id: &'a str, tier: &'a str, value: f64) -> Self {
        Self {
            customer_id,
            tier,
            value,
        }
    }
}

/// The migration matrix between two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    /// Row and column labels: the given tiers, best first, then [`NONE`].
    pub tiers: Vec<String>,
    /// `matrix[i][j]`: customers in tier `tiers[i]` in the `from` run and `tiers[j]` in the `to`
    /// run.
    pub matrix: Vec<Vec<u64>>,
    /// `value_share[i][j]`: share of run value held by the customers of cell `(i, j)`; the `to`
    /// run's value over its total, except the `none` column (from-run value over its total).
    pub value_share: Vec<Vec<f64>>,
    /// Customers in both runs in the same tier.
    pub stayed: u64,
    /// Customers in both runs who moved to a better tier.
    pub upgraded: u64,
    /// Customers in both runs who moved to a worse tier.
    pub downgraded: u64,
    /// Customers only in the `to` run (the `none` row).
    pub entered: u64,
    /// Customers only in the `from` run (the `none` column).
    pub left: u64,
    /// Customers in the `from` run.
    pub from_customers: u64,
    /// Customers in the `to` run.
    pub to_customers: u64,
    /// Sum of finite values in the `from` run.
    pub from_total: f64,
    /// Sum of finite values in the `to` run.
    pub to_total: f64,
}

impl Migration {
    /// Index of a row or column label (a tier or [`NONE`]).
    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.tiers.iter().position(|t| t == label)
    }

    /// Count of the cell `(from_tier, to_tier)`; `None` for an unknown label.
    pub fn count(&self, from_tier: &str, to_tier: &str) -> Option<u64> {
        let (i, j) = (self.index_of(from_tier)?, self.index_of(to_tier)?);
        Some(self.matrix[i][j])
    }

    /// Value share of the cell `(from_tier, to_tier)`; `None` for an unknown label.
    pub fn share(&self, from_tier: &str, to_tier: &str) -> Option<f64> {
        let (i, j) = (self.index_of(from_tier)?, self.index_of(to_tier)?);
        Some(self.value_share[i][j])
    }

    /// Customers in either run (every cell of the matrix added up).
    pub fn total_customers(&self) -> u64 {
        self.matrix.iter().flatten().sum()
    }
}

impl Explain for Migration {
    fn explain_en(&self) -> String {
        let both = self.stayed + self.upgraded + self.downgraded;
        format!(
            "{} customers in both runs: {} stayed in their tier, {} moved up, {} moved down \
             ({} of them); {} entered and {} left (holding {} of the previous run's value)",
            both,
            self.stayed,
            self.upgraded,
            self.downgraded,
            share_of(self.downgraded, both),
            self.entered,
            self.left,
            percent(self.left_value_share()),
        )
    }

    fn explain_zh(&self) -> String {
        let both = self.stayed + self.upgraded + self.downgraded;
        format!(
            "两次运行均在的客户 {} 个：{} 个等级不变，{} 个升级，{} 个降级（占 {}）；\
             新进入 {} 个，流失 {} 个（占上次运行价值的 {}）",
            both,
            self.stayed,
            self.upgraded,
            self.downgraded,
            share_of(self.downgraded, both),
            self.entered,
            self.left,
            percent(self.left_value_share()),
        )
    }
}

impl Migration {
    /// Share of the `from` run's value held by customers who left (the `none` column).
    pub fn left_value_share(&self) -> f64 {
        let last = self.tiers.len() - 1;
        self.value_share.iter().map(|row| row[last]).sum()
    }
}

fn share_of(part: u64, whole: u64) -> String {
    if whole == 0 {
        percent(0.0)
    } else {
        percent(part as f64 / whole as f64)
    }
}

/// Validated tier labels with a lookup from label to index.
struct TierIndex<'t> {
    labels: Vec<String>,
    index: FastMap<&'t str, usize>,
}

impl<'t> TierIndex<'t> {
    fn new(tiers: &[&'t str]) -> Result<Self, DynamicsError> {
        if tiers.is_empty() {
            return Err(DynamicsError::NoTiers);
        }
        let mut index = fast_map(tiers.len());
        for (i, &t) in tiers.iter().enumerate() {
            if t == NONE {
                return Err(DynamicsError::ReservedTier(t.to_string()));
            }
            if index.insert(t, i).is_some() {
                return Err(DynamicsError::DuplicateTier(t.to_string()));
            }
        }
        let mut labels: Vec<String> = tiers.iter().map(|t| t.to_string()).collect();
        labels.push(NONE.to_string());
        Ok(Self { labels, index })
    }

    fn none(&self) -> usize {
        self.labels.len() - 1
    }

    fn get(&self, entry: &TierEntry<'_>) -> Result<usize, DynamicsError> {
        self.index
            .get(entry.tier)
            .copied()
            .ok_or_else(|| DynamicsError::UnknownTier {
                tier: entry.tier.to_string(),
                customer_id: entry.customer_id.to_string(),
            })
    }
}

/// Both runs joined on customer id: each entry's tier index and where it went.
struct Joined {
    /// Per `to` entry: (tier index in `from`, or `none`; tier index in `to`).
    to_cells: Vec<(usize, usize)>,
    /// Per `from` entry: its tier index and whether it is absent from `to` (left).
    from_cells: Vec<(usize, bool)>,
}

/// Joins the runs with one hash map: one insert per `from` customer and one entry lookup per
/// `to` customer; customers who left are found from a flag vector, not by hashing again.
/// Rejects duplicates within a run and unknown tiers.
fn join(
    index: &TierIndex<'_>,
    from: &[TierEntry<'_>],
    to: &[TierEntry<'_>],
) -> Result<Joined, DynamicsError> {
    const TO_ONLY: usize = usize::MAX;
    let none = index.none();
    let duplicate = |run: &'static str, id: &str| DynamicsError::DuplicateCustomer {
        run,
        customer_id: id.to_string(),
    };
    // id → (position in `from` or TO_ONLY, seen in `to`).
    let mut map = fast_map::<&str, (usize, bool)>(from.len() + to.len() / 8);
    let mut from_cells = Vec::with_capacity(from.len());
    for (pos, e) in from.iter().enumerate() {
        from_cells.push((index.get(e)?, true));
        if map.insert(e.customer_id, (pos, false)).is_some() {
            return Err(duplicate("from", e.customer_id));
        }
    }
    let mut to_cells = Vec::with_capacity(to.len());
    for e in to {
        let j = index.get(e)?;
        let slot = map.entry(e.customer_id).or_insert((TO_ONLY, false));
        if slot.1 {
            return Err(duplicate("to", e.customer_id));
        }
        slot.1 = true;
        let i = if slot.0 == TO_ONLY {
            none
        } else {
            from_cells[slot.0].1 = false;
            from_cells[slot.0].0
        };
        to_cells.push((i, j));
    }
    Ok(Joined {
        to_cells,
        from_cells,
    })
}

/// Builds the migration matrix from run `from` to run `to`.
///
/// `tiers` are the tier labels, best first; every entry's tier must be one of them, and
/// [`NONE`] is reserved. Errors on an empty or duplicated tier list, an unknown tier, or a
/// customer id twice in one run.
pub fn migration_matrix(
    tiers: &[&str],
    from: &[TierEntry<'_>],
    to: &[TierEntry<'_>],
) -> Result<Migration, DynamicsError> {
    let index = TierIndex::new(tiers)?;
    let k = index.labels.len();
    let none = index.none();
    let joined = join(&index, from, to)?;

    let mut matrix = vec![vec![0u64; k]; k];
    let mut value = vec![vec![0.0f64; k]; k];
    let (mut stayed, mut upgraded, mut downgraded, mut entered, mut left) = (0, 0, 0, 0, 0);
    let from_total: f64 = from.iter().filter_map(|e| known(e.value)).sum();
    let to_total: f64 = to.iter().filter_map(|e| known(e.value)).sum();

    // Every customer of the `to` run lands in a column other than `none`, in input order.
    for (e, &(i, j)) in to.iter().zip(&joined.to_cells) {
        if i == none {
            entered += 1;
        } else {
            match i.cmp(&j) {
                std::cmp::Ordering::Equal => stayed += 1,
                std::cmp::Ordering::Greater => upgraded += 1,
                std::cmp::Ordering::Less => downgraded += 1,
            }
        }
        matrix[i][j] += 1;
        value[i][j] += known(e.value).unwrap_or(0.0);
    }
    // Customers of the `from` run missing in `to` land in the `none` column with their old value.
    for (e, &(i, gone)) in from.iter().zip(&joined.from_cells) {
        if gone {
            left += 1;
            matrix[i][none] += 1;
            value[i][none] += known(e.value).unwrap_or(0.0);
        }
    }

    let value_share = value
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(j, &v)| {
                    let total = if j == none { from_total } else { to_total };
                    if total > 0.0 { v / total } else { 0.0 }
                })
                .collect()
        })
        .collect();

    Ok(Migration {
        tiers: index.labels,
        matrix,
        value_share,
        stayed,
        upgraded,
        downgraded,
        entered,
        left,
        from_customers: from.len() as u64,
        to_customers: to.len() as u64,
        from_total,
        to_total,
    })
}

/// The customers behind one cell of the matrix, sorted by id.
///
/// `from_tier` and `to_tier` are tier labels or [`NONE`] (`(NONE, "A")`: new customers now in
/// A; `("A", NONE)`: customers who were in A and left). Validates the inputs like
/// [`migration_matrix`], and errors on a label that is neither a tier nor [`NONE`].
pub fn cell_members(
    tiers: &[&str],
    from: &[TierEntry<'_>],
    to: &[TierEntry<'_>],
    from_tier: &str,
    to_tier: &str,
) -> Result<Vec<String>, DynamicsError> {
    let index = TierIndex::new(tiers)?;
    let none = index.none();
    let label = |l: &str| -> Result<usize, DynamicsError> {
        if l == NONE {
            Ok(none)
        } else {
            index
                .index
                .get(l)
                .copied()
                .ok_or_else(|| DynamicsError::UnknownTier {
                    tier: l.to_string(),
                    customer_id: String::new(),
                })
        }
    };
    let (want_i, want_j) = (label(from_tier)?, label(to_tier)?);
    let joined = join(&index, from, to)?;

    let mut out = Vec::new();
    if want_j != none {
        for (e, &cell) in to.iter().zip(&joined.to_cells) {
            if cell == (want_i, want_j) {
                out.push(e.customer_id.to_string());
            }
        }
    } else if want_i != none {
        for (e, &(i, gone)) in from.iter().zip(&joined.from_cells) {
            if gone && i == want_i {
                out.push(e.customer_id.to_string());
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e<'a>(id: &'a str, tier: &'a str, v: f64) -> TierEntry<'a> {
        TierEntry::new(id, tier, v)
    }

    #[test]
    fn small_matrix_by_hand() {
        let from = [
            e("1", "A", 100.0),
            e("2", "A", 50.0),
            e("3", "B", 30.0),
            e("4", "C", 20.0),
        ];
        let to = [
            e("1", "A", 120.0),
            e("2", "B", 40.0),
            e("3", "A", 60.0),
            e("5", "C", 20.0),
        ];
        let m = migration_matrix(&["A", "B", "C"], &from, &to).unwrap();
        assert_eq!(m.tiers, ["A", "B", "C", "none"]);
        assert_eq!(m.count("A", "A"), Some(1));
        assert_eq!(m.count("A", "B"), Some(1));
        assert_eq!(m.count("B", "A"), Some(1));
        assert_eq!(m.count("C", "none"), Some(1));
        assert_eq!(m.count("none", "C"), Some(1));
        assert_eq!(m.count("none", "none"), Some(0));
        assert_eq!((m.stayed, m.upgraded, m.downgraded), (1, 1, 1));
        assert_eq!((m.entered, m.left), (1, 1));
        assert_eq!(m.total_customers(), 5);
        // to total 240: A→A holds 120/240; the customer who left held 20 of the from total 200.
        assert_eq!(m.share("A", "A"), Some(0.5));
        assert_eq!(m.share("B", "A"), Some(0.25));
        assert_eq!(m.share("C", "none"), Some(0.1));
        assert_eq!(m.left_value_share(), 0.1);
        assert!(
            m.explain_en().contains("1 moved down"),
            "{}",
            m.explain_en()
        );
        assert!(m.explain_zh().contains("流失 1 个"), "{}", m.explain_zh());
    }

    #[test]
    fn members_of_cells() {
        let from = [e("x", "A", 1.0), e("y", "A", 1.0), e("z", "B", 1.0)];
        let to = [e("y", "B", 1.0), e("x", "B", 1.0), e("w", "A", 1.0)];
        let tiers = ["A", "B"];
        assert_eq!(
            cell_members(&tiers, &from, &to, "A", "B").unwrap(),
            ["x", "y"]
        );
        assert_eq!(cell_members(&tiers, &from, &to, "B", NONE).unwrap(), ["z"]);
        assert_eq!(cell_members(&tiers, &from, &to, NONE, "A").unwrap(), ["w"]);
        assert!(
            cell_members(&tiers, &from, &to, NONE, NONE)
                .unwrap()
                .is_empty()
        );
        assert!(cell_members(&tiers, &from, &to, "Q", "A").is_err());
    }

    #[test]
    fn rejects_bad_input() {
        let ok = [e("1", "A", 1.0)];
        assert!(matches!(
            migration_matrix(&[], &ok, &ok),
            Err(DynamicsError::NoTiers)
        ));
        assert!(matches!(
            migration_matrix(&["A", "none"], &ok, &ok),
            Err(DynamicsError::ReservedTier(_))
        ));
        assert!(matches!(
            migration_matrix(&["A", "A"], &ok, &ok),
            Err(DynamicsError::DuplicateTier(_))
        ));
        let dup = [e("1", "A", 1.0), e("1", "A", 2.0)];
        assert!(matches!(
            migration_matrix(&["A"], &ok, &dup),
            Err(DynamicsError::DuplicateCustomer { run: "to", .. })
        ));
        let unknown = [e("1", "Z", 1.0)];
        assert!(matches!(
            migration_matrix(&["A"], &unknown, &ok),
            Err(DynamicsError::UnknownTier { .. })
        ));
    }

    #[test]
    fn non_positive_totals_give_zero_shares() {
        let from = [e("1", "A", f64::NAN)];
        let to = [e("1", "A", 0.0)];
        let m = migration_matrix(&["A"], &from, &to).unwrap();
        assert_eq!(m.share("A", "A"), Some(0.0));
        assert_eq!(m.from_total, 0.0);
    }
}
