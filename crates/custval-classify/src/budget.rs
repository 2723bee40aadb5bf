//! Splitting a marketing or service budget across classes in proportion to a basis (the sum
//! of value, or of expected CLV, of each class's customers).
//!
//! Method, in three steps:
//! 1. **Floors by water-filling.** A class may have a floor share (e.g. at least 10 % for
//!    win-back). Every class without a floor, or whose proportional share already exceeds its
//!    floor, shares what is left in proportion to its basis; a class whose proportional share
//!    would fall below its floor gets exactly the floor, and the rest is re-divided among the
//!    others until nothing changes (at most one pass per class). Bases ≤ 0 count as 0, so such
//!    a class gets nothing unless it has a floor. If no class has a positive basis, the budget
//!    is split among the floored classes in proportion to their floors.
//! 2. **Cents by largest remainder.** The total is counted in cents; every class gets the whole
//!    cents of its exact amount, and the cents left over go one each to the largest fractional
//!    parts (ties: earlier class first). The cents therefore sum exactly to the total, and no
//!    class is more than one cent from its exact amount (a floored class can sit one cent
//!    below its floor).
//! 3. **A sentence per class** naming basis, share and amount.
//!
//! The function is generic over class ids: it takes `(name, basis)` pairs, so it serves value
//! classes, lifecycle stages, tiers or anything else.

use serde::{Deserialize, Serialize};

use crate::ClassifyError;
use crate::explain::{Explain, fixed, percent};

/// Why a class received its amount, with the figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum BudgetRule {
    /// Share of the pool left after floors, in proportion to the basis.
    Proportional {
        basis: f64,
        /// Sum of the positive bases sharing the pool.
        basis_total: f64,
        /// Share of the budget in the pool (1 when no floor applied).
        pool: f64,
        amount: f64,
        total: f64,
    },
    /// The floor share applied because the proportional share was below it.
    Floor {
        basis: f64,
        floor_share: f64,
        /// What the basis alone would have given (before the floor).
        proportional_share: f64,
        amount: f64,
        total: f64,
    },
    /// Basis ≤ 0 and no floor: nothing.
    NonPositiveBasis { basis: f64 },
    /// No class had a positive basis: split in proportion to the floors.
    FloorSpread {
        floor_share: f64,
        floor_total: f64,
        amount: f64,
        total: f64,
    },
}

impl Explain for BudgetRule {
    fn explain_en(&self) -> String {
        match *self {
            BudgetRule::Proportional {
                basis,
                basis_total,
                pool,
                amount,
                total,
            } => {
                let part = share(basis, basis_total);
                if pool < 1.0 {
                    format!(
                        "basis {} of {} ({}), times the {} left after floors = {} of {} → {}",
                        fixed(basis, 2),
                        fixed(basis_total, 2),
                        percent(part),
                        percent(pool),
                        percent(pool * part),
                        fixed(total, 2),
                        fixed(amount, 2)
                    )
                } else {
                    format!(
                        "basis {} of {} = {} of {} → {}",
                        fixed(basis, 2),
                        fixed(basis_total, 2),
                        percent(part),
                        fixed(total, 2),
                        fixed(amount, 2)
                    )
                }
            }
            BudgetRule::Floor {
                basis,
                floor_share,
                proportional_share,
                amount,
                total,
            } => format!(
                "floor {} of {} applies (basis {} alone would give {}) → {}",
                percent(floor_share),
                fixed(total, 2),
                fixed(basis, 2),
                percent(proportional_share),
                fixed(amount, 2)
            ),
            BudgetRule::NonPositiveBasis { basis } => {
                format!("basis {} ≤ 0 and no floor → no budget", fixed(basis, 2))
            }
            BudgetRule::FloorSpread {
                floor_share,
                floor_total,
                amount,
                total,
            } => format!(
                "no class has a positive basis, so the budget follows the floors: {} of {} floors → {} of {} = {}",
                percent(floor_share),
                percent(floor_total),
                percent(share(floor_share, floor_total)),
                fixed(total, 2),
                fixed(amount, 2)
            ),
        }
    }

    fn explain_zh(&self) -> String {
        match *self {
            BudgetRule::Proportional {
                basis,
                basis_total,
                pool,
                amount,
                total,
            } => {
                let part = share(basis, basis_total);
                if pool < 1.0 {
                    format!(
                        "基数 {} / 合计 {}（{}）× 扣除保底后剩余的 {} = {}，预算 {} → {}",
                        fixed(basis, 2),
                        fixed(basis_total, 2),
                        percent(part),
                        percent(pool),
                        percent(pool * part),
                        fixed(total, 2),
                        fixed(amount, 2)
                    )
                } else {
                    format!(
                        "基数 {} / 合计 {} = {}，预算 {} → {}",
                        fixed(basis, 2),
                        fixed(basis_total, 2),
                        percent(part),
                        fixed(total, 2),
                        fixed(amount, 2)
                    )
                }
            }
            BudgetRule::Floor {
                basis,
                floor_share,
                proportional_share,
                amount,
                total,
            } => format!(
                "按基数 {} 仅得 {}，低于保底 {}，按保底分配：预算 {} → {}",
                fixed(basis, 2),
                percent(proportional_share),
                percent(floor_share),
                fixed(total, 2),
                fixed(amount, 2)
            ),
            BudgetRule::NonPositiveBasis { basis } => {
                format!("基数 {} ≤ 0 且无保底 → 不分配预算", fixed(basis, 2))
            }
            BudgetRule::FloorSpread {
                floor_share,
                floor_total,
                amount,
                total,
            } => format!(
                "没有类别的基数为正，按保底比例分配：{} / {} = {}，预算 {} → {}",
                percent(floor_share),
                percent(floor_total),
                percent(share(floor_share, floor_total)),
                fixed(total, 2),
                fixed(amount, 2)
            ),
        }
    }
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// One class's part of the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetLine {
    /// The class id as given.
    pub class: String,
    /// The basis as given.
    pub basis: f64,
    /// Amount in cents (exact; the cents of all lines sum to `total_cents`).
    pub amount_cents: i64,
    /// Amount in currency units (`amount_cents / 100`).
    pub amount: f64,
    /// Share of the total budget (0 when the total is 0).
    pub share: f64,
    /// Why.
    pub rule: BudgetRule,
}

impl BudgetLine {
    /// The rule in English.
    pub fn rule_en(&self) -> String {
        self.rule.explain_en()
    }

    /// The rule in Chinese.
    pub fn rule_zh(&self) -> String {
        self.rule.explain_zh()
    }
}

/// The budget split, one line per class in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetAllocation {
    /// The total, rounded to cents.
    pub total: f64,
    /// The total in cents.
    pub total_cents: i64,
    /// One line per class, in the order of the basis.
    pub lines: Vec<BudgetLine>,
}

/// Largest total countable in cents without losing a cent in an `f64` (2⁵³ cents).
const MAX_CENTS: f64 = 9_007_199_254_740_992.0;

fn check_inputs(
    total: f64,
    bases: &[(String, f64)],
    floors: &[(String, f64)],
) -> Result<Vec<f64>, ClassifyError> {
    if !(total.is_finite() && total >= 0.0 && total * 100.0 < MAX_CENTS) {
        return Err(ClassifyError::Config {
            field: "total",
            value: total,
            reason: "must be a finite amount ≥ 0, below 2^53 cents",
        });
    }
    if bases.is_empty() {
        return Err(ClassifyError::Empty);
    }
    for (i, (class, value)) in bases.iter().enumerate() {
        if !value.is_finite() {
            return Err(ClassifyError::NotFinite {
                class: class.clone(),
                value: *value,
            });
        }
        if bases[..i].iter().any(|(c, _)| c == class) {
            return Err(ClassifyError::DuplicateClass(class.clone()));
        }
    }
    let mut floor = vec![0.0; bases.len()];
    let mut seen = vec![false; bases.len()];
    for (class, f) in floors {
        let i = bases
            .iter()
            .position(|(c, _)| c == class)
            .ok_or_else(|| ClassifyError::UnknownClass(class.clone()))?;
        if seen[i] {
            return Err(ClassifyError::DuplicateClass(class.clone()));
        }
        if !(0.0..=1.0).contains(f) {
            return Err(ClassifyError::Config {
                field: "floor share",
                value: *f,
                reason: "must be in [0, 1]",
            });
        }
        seen[i] = true;
        floor[i] = *f;
    }
    let floor_sum: f64 = floor.iter().sum();
    if floor_sum > 1.0 + 1e-12 {
        return Err(ClassifyError::Config {
            field: "sum of floor shares",
            value: floor_sum,
            reason: "must be at most 1",
        });
    }
    Ok(floor)
}

/// Exact shares by water-filling (step 1 of the module header), plus which rule each follows.
fn exact_shares(bases: &[f64], floor: &[f64]) -> Option<(Vec<f64>, Vec<bool>, f64, f64)> {
    let n = bases.len();
    let pos: Vec<f64> = bases.iter().map(|b| b.max(0.0)).collect();
    let mut floored = vec![false; n];
    loop {
        let pool = 1.0
            - (0..n)
                .filter(|i| floored[*i])
                .map(|i| floor[i])
                .sum::<f64>();
        let basis_total: f64 = (0..n).filter(|i| !floored[*i]).map(|i| pos[i]).sum();
        if basis_total <= 0.0 {
            // Only reachable when no basis is positive (see the module header).
            let floor_total: f64 = floor.iter().sum();
            if floor_total <= 0.0 {
                return None;
            }
            let shares = floor.iter().map(|f| f / floor_total).collect();
            let floored = floor.iter().map(|f| *f > 0.0).collect();
            return Some((shares, floored, 0.0, floor_total));
        }
        let mut changed = false;
        for i in 0..n {
            if !floored[i] && pool * pos[i] / basis_total < floor[i] {
                floored[i] = true;
                changed = true;
            }
        }
        if !changed {
            let shares = (0..n)
                .map(|i| {
                    if floored[i] {
                        floor[i]
                    } else {
                        pool * pos[i] / basis_total
                    }
                })
                .collect();
            return Some((shares, floored, pool, basis_total));
        }
    }
}

/// Cents by largest remainder (step 2): `shares` need not sum exactly to 1.
fn round_cents(shares: &[f64], total_cents: i64) -> Vec<i64> {
    let sum: f64 = shares.iter().sum();
    let exact: Vec<f64> = shares
        .iter()
        .map(|s| {
            if sum > 0.0 {
                s / sum * total_cents as f64
            } else {
                0.0
            }
        })
        .collect();
    let mut cents: Vec<i64> = exact.iter().map(|e| e.floor() as i64).collect();
    let mut left = total_cents - cents.iter().sum::<i64>();
    // Only classes with a positive exact amount may receive a cent.
    let mut order: Vec<usize> = (0..shares.len()).filter(|i| exact[*i] > 0.0).collect();
    order.sort_by(|a, b| {
        let (ra, rb) = (exact[*a] - exact[*a].floor(), exact[*b] - exact[*b].floor());
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    while left > 0 && !order.is_empty() {
        for i in &order {
            if left == 0 {
                break;
            }
            cents[*i] += 1;
            left -= 1;
        }
    }
    // Float noise could over-assign; take cents back from the smallest remainders.
    for i in order.iter().rev() {
        if left >= 0 {
            break;
        }
        if cents[*i] > 0 {
            cents[*i] -= 1;
            left += 1;
        }
    }
    cents
}

/// Splits `total` across the classes of `bases` in proportion to their bases, with optional
/// floor shares per class (`floors`: `(class, share in [0, 1])`, shares summing to ≤ 1).
///
/// Errors: no class, a total that is negative, not finite or too large, a basis that is not
/// finite, a class named twice, a floor for a class without basis, floor shares outside
/// [0, 1] or summing above 1, and a positive total with no positive basis and no floor.
pub fn allocate_budget(
    total: f64,
    bases: &[(String, f64)],
    floors: &[(String, f64)],
) -> Result<BudgetAllocation, ClassifyError> {
    let floor = check_inputs(total, bases, floors)?;
    let total_cents = (total * 100.0).round() as i64;
    let total = total_cents as f64 / 100.0;
    let basis: Vec<f64> = bases.iter().map(|(_, b)| *b).collect();
    let (shares, floored, pool, denom) = match exact_shares(&basis, &floor) {
        Some(s) => s,
        None if total_cents == 0 => (vec![0.0; basis.len()], vec![false; basis.len()], 1.0, 0.0),
        None => return Err(ClassifyError::NoPositiveBasis),
    };
    let spread = pool == 0.0;
    let cents = round_cents(&shares, total_cents);
    let lines = bases
        .iter()
        .enumerate()
        .map(|(i, (class, b))| {
            let amount = cents[i] as f64 / 100.0;
            let rule = if spread && floored[i] {
                BudgetRule::FloorSpread {
                    floor_share: floor[i],
                    floor_total: denom,
                    amount,
                    total,
                }
            } else if floored[i] {
                BudgetRule::Floor {
                    basis: *b,
                    floor_share: floor[i],
                    proportional_share: share(b.max(0.0) * pool, denom),
                    amount,
                    total,
                }
            } else if *b > 0.0 {
                BudgetRule::Proportional {
                    basis: *b,
                    basis_total: denom,
                    pool,
                    amount,
                    total,
                }
            } else {
                BudgetRule::NonPositiveBasis { basis: *b }
            };
            BudgetLine {
                class: class.clone(),
                basis: *b,
                amount_cents: cents[i],
                amount,
                share: share(amount, total),
                rule,
            }
        })
        .collect();
    Ok(BudgetAllocation {
        total,
        total_cents,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn b(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(c, v)| (c.to_string(), *v)).collect()
    }

    #[test]
    fn proportional_with_largest_remainder() {
        // 100.00 in thirds: 33.33 each and one cent to the first (ties: earlier class).
        let a = allocate_budget(100.0, &b(&[("a", 1.0), ("b", 1.0), ("c", 1.0)]), &[]).unwrap();
        let cents: Vec<i64> = a.lines.iter().map(|l| l.amount_cents).collect();
        assert_eq!(cents, [3334, 3333, 3333]);
        assert_eq!(a.total_cents, 10000);
        assert_eq!(
            a.lines[1].rule_en(),
            "basis 1.00 of 3.00 = 33.3% of 100.00 → 33.33"
        );
        assert_eq!(
            a.lines[1].rule_zh(),
            "基数 1.00 / 合计 3.00 = 33.3%，预算 100.00 → 33.33"
        );
    }

    #[test]
    fn largest_remainder_goes_to_the_largest_fraction() {
        // Exact amounts 6.666…, 3.333… of 10.00: 6.67 and 3.33.
        let a = allocate_budget(10.0, &b(&[("x", 2.0), ("y", 1.0)]), &[]).unwrap();
        let cents: Vec<i64> = a.lines.iter().map(|l| l.amount_cents).collect();
        assert_eq!(cents, [667, 333]);
    }

    #[test]
    fn floors_are_filled_first() {
        // Without floor: a 90, b 10, c 0. Floor c at 20% → c 20, a and b share 80 as 9:1.
        let a = allocate_budget(
            100.0,
            &b(&[("a", 9.0), ("b", 1.0), ("c", -5.0)]),
            &b(&[("c", 0.2)]),
        )
        .unwrap();
        let cents: Vec<i64> = a.lines.iter().map(|l| l.amount_cents).collect();
        assert_eq!(cents, [7200, 800, 2000]);
        assert_eq!(
            a.lines[2].rule_en(),
            "floor 20% of 100.00 applies (basis -5.00 alone would give 0%) → 20.00"
        );
        assert_eq!(
            a.lines[0].rule_en(),
            "basis 9.00 of 10.00 (90%), times the 80% left after floors = 72% of 100.00 → 72.00"
        );
        assert!(a.lines[0].rule_zh().contains("扣除保底后剩余的 80%"));
    }

    #[test]
    fn water_filling_raises_floors_over_passes() {
        // Pass 1: b (1/111 of the budget) is below its 30% floor; c (10/111 = 9.0%) is above
        // its 8% floor. Pass 2: the 70% left is shared a:c = 100:10, c gets 6.4% < 8%, so c is
        // floored too and a keeps the remaining 62%.
        let a = allocate_budget(
            1000.0,
            &b(&[("a", 100.0), ("b", 1.0), ("c", 10.0)]),
            &b(&[("b", 0.3), ("c", 0.08)]),
        )
        .unwrap();
        let cents: Vec<i64> = a.lines.iter().map(|l| l.amount_cents).collect();
        assert_eq!(cents, [62000, 30000, 8000]);
    }

    #[test]
    fn non_positive_bases_get_nothing() {
        let a = allocate_budget(50.0, &b(&[("a", 3.0), ("z", 0.0), ("n", -1.0)]), &[]).unwrap();
        assert_eq!(a.lines[1].amount_cents, 0);
        assert_eq!(a.lines[2].amount_cents, 0);
        assert_eq!(
            a.lines[2].rule_en(),
            "basis -1.00 ≤ 0 and no floor → no budget"
        );
        assert_eq!(a.lines[2].rule_zh(), "基数 -1.00 ≤ 0 且无保底 → 不分配预算");
    }

    #[test]
    fn no_positive_basis_follows_floors_or_fails() {
        let a = allocate_budget(
            90.0,
            &b(&[("a", 0.0), ("b", 0.0), ("c", 0.0)]),
            &b(&[("a", 0.1), ("b", 0.2)]),
        )
        .unwrap();
        let cents: Vec<i64> = a.lines.iter().map(|l| l.amount_cents).collect();
        assert_eq!(cents, [3000, 6000, 0]);
        assert!(
            a.lines[0]
                .rule_en()
                .starts_with("no class has a positive basis")
        );
        assert_eq!(
            allocate_budget(90.0, &b(&[("a", 0.0)]), &[]).unwrap_err(),
            ClassifyError::NoPositiveBasis
        );
        let zero = allocate_budget(0.0, &b(&[("a", 0.0)]), &[]).unwrap();
        assert_eq!(zero.lines[0].amount_cents, 0);
    }

    #[test]
    fn input_errors() {
        assert_eq!(
            allocate_budget(1.0, &[], &[]).unwrap_err(),
            ClassifyError::Empty
        );
        assert!(matches!(
            allocate_budget(-1.0, &b(&[("a", 1.0)]), &[]),
            Err(ClassifyError::Config { field: "total", .. })
        ));
        assert_eq!(
            allocate_budget(1.0, &b(&[("a", 1.0), ("a", 2.0)]), &[]).unwrap_err(),
            ClassifyError::DuplicateClass("a".into())
        );
        assert_eq!(
            allocate_budget(1.0, &b(&[("a", 1.0)]), &b(&[("q", 0.1)])).unwrap_err(),
            ClassifyError::UnknownClass("q".into())
        );
        assert!(matches!(
            allocate_budget(
                1.0,
                &b(&[("a", 1.0), ("c", 1.0)]),
                &b(&[("a", 0.7), ("c", 0.6)])
            ),
            Err(ClassifyError::Config {
                field: "sum of floor shares",
                ..
            })
        ));
        assert!(matches!(
            allocate_budget(1.0, &b(&[("a", f64::NAN)]), &[]),
            Err(ClassifyError::NotFinite { .. })
        ));
    }

    proptest! {
        #[test]
        fn cents_sum_exactly_to_the_total(
            total_cents in 0i64..1_000_000_000,
            bases in proptest::collection::vec(-100.0f64..1e6, 1..12),
            floor_pick in proptest::collection::vec(0.0f64..0.08, 0..12),
        ) {
            let total = total_cents as f64 / 100.0;
            let named: Vec<(String, f64)> =
                bases.iter().enumerate().map(|(i, v)| (format!("c{i}"), *v)).collect();
            let floors: Vec<(String, f64)> = floor_pick
                .iter()
                .take(bases.len())
                .enumerate()
                .map(|(i, f)| (format!("c{i}"), *f))
                .collect();
            match allocate_budget(total, &named, &floors) {
                Ok(a) => {
                    prop_assert_eq!(a.total_cents, total_cents);
                    prop_assert_eq!(a.lines.iter().map(|l| l.amount_cents).sum::<i64>(), total_cents);
                    for (line, (_, basis)) in a.lines.iter().zip(&named) {
                        prop_assert!(line.amount_cents >= 0);
                        let floor = floors.iter().find(|(c, _)| *c == line.class).map_or(0.0, |f| f.1);
                        if *basis <= 0.0 && floor == 0.0 {
                            prop_assert_eq!(line.amount_cents, 0);
                        }
                        // Within a cent of the floor.
                        prop_assert!(line.amount_cents as f64 >= floor * total_cents as f64 - 1.0 - 1e-6);
                    }
                }
                Err(e) => prop_assert_eq!(e, ClassifyError::NoPositiveBasis),
            }
        }
    }
}
