//! Benefit or cost: which way an indicator points.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Whether more of an indicator is better (`Benefit`, e.g. revenue) or worse (`Cost`, e.g. days
/// since last order, service cost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Larger values are better.
    #[default]
    Benefit,
    /// Smaller values are better.
    Cost,
}

impl Direction {
    /// Directions for `n` columns where the listed 0-based indices are cost columns.
    ///
    /// Indices out of range are ignored here; the CLI resolves names to indices and reports
    /// unknown names itself.
    pub fn from_cost_indices(n: usize, cost: &[usize]) -> Vec<Direction> {
        (0..n)
            .map(|j| {
                if cost.contains(&j) {
                    Direction::Cost
                } else {
                    Direction::Benefit
                }
            })
            .collect()
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Benefit => "benefit",
            Direction::Cost => "cost",
        })
    }
}

impl FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "benefit" | "max" | "profit" => Ok(Direction::Benefit),
            "cost" | "min" => Ok(Direction::Cost),
            other => Err(format!(
                "unknown direction `{other}` (expected benefit or cost)"
            )),
        }
    }
}
