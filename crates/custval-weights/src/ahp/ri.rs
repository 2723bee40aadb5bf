//! Random-index tables for the consistency ratio CR = CI / RI.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Result, WeightsError};

/// A named random-index table (the mean CI of random reciprocal matrices on Saaty's scale).
/// See the crate docs for the sources of each table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiTable {
    /// Saaty (1980), n = 1..=10: 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49.
    #[default]
    Saaty,
    /// Alonso & Lamata (2006), 100 000 random matrices, n = 1..=15.
    AlonsoLamata,
    /// Donegan & Dodd (1991), n = 1..=20.
    DoneganDodd,
}

// Index i holds RI for n = i + 1.
const SAATY: [f64; 10] = [0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49];
const ALONSO_LAMATA: [f64; 15] = [
    0.0, 0.0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854, 1.5141, 1.5365,
    1.5551, 1.5713, 1.5838,
];
const DONEGAN_DODD: [f64; 20] = [
    0.0, 0.0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213, 1.4497,
    1.4643, 1.4822, 1.4969, 1.5078, 1.5153, 1.5262, 1.5313, 1.5371,
];

impl RiTable {
    /// All tables, for help texts.
    pub const ALL: [RiTable; 3] = [RiTable::Saaty, RiTable::AlonsoLamata, RiTable::DoneganDodd];

    /// The table's values, index `n − 1`.
    pub fn values(self) -> &'static [f64] {
        match self {
            RiTable::Saaty => &SAATY,
            RiTable::AlonsoLamata => &ALONSO_LAMATA,
            RiTable::DoneganDodd => &DONEGAN_DODD,
        }
    }

    /// RI for an `n`×`n` matrix.
    ///
    /// # Errors
    /// [`WeightsError::NoRandomIndex`] when `n` is 0 or beyond the table: an extrapolated RI
    /// would be a guess presented as a published value.
    pub fn ri(self, n: usize) -> Result<f64> {
        let values = self.values();
        n.checked_sub(1)
            .and_then(|i| values.get(i))
            .copied()
            .ok_or(WeightsError::NoRandomIndex {
                n,
                table: self.name(),
                max: values.len(),
            })
    }

    /// The kebab-case name used on the command line and in TOML.
    pub fn name(self) -> &'static str {
        match self {
            RiTable::Saaty => "saaty",
            RiTable::AlonsoLamata => "alonso-lamata",
            RiTable::DoneganDodd => "donegan-dodd",
        }
    }
}

impl fmt::Display for RiTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RiTable {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "saaty" => Ok(RiTable::Saaty),
            "alonso-lamata" => Ok(RiTable::AlonsoLamata),
            "donegan-dodd" => Ok(RiTable::DoneganDodd),
            other => Err(format!(
                "unknown random-index table `{other}` (expected saaty, alonso-lamata or donegan-dodd)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lookup_and_names() {
        assert_eq!(RiTable::Saaty.ri(3).unwrap(), 0.58);
        assert_eq!(RiTable::Saaty.ri(10).unwrap(), 1.49);
        assert!(RiTable::Saaty.ri(11).is_err());
        assert!(RiTable::Saaty.ri(0).is_err());
        assert_eq!(RiTable::AlonsoLamata.ri(4).unwrap(), 0.8815);
        assert_eq!(RiTable::DoneganDodd.ri(3).unwrap(), 0.4914);
        for t in RiTable::ALL {
            assert_eq!(t.name().parse::<RiTable>().unwrap(), t);
            assert_eq!(t.ri(1).unwrap(), 0.0);
            assert_eq!(t.ri(2).unwrap(), 0.0);
        }
        assert_eq!(
            serde_json::to_string(&RiTable::AlonsoLamata).unwrap(),
            "\"alonso-lamata\""
        );
    }
}
