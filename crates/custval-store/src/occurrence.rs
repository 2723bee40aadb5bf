//! Occurrence indexes of import keys: the n-th row with the same key in one import gets n.
//!
//! Keys are reduced to 64-bit fingerprints (SipHash from `std`, never persisted, so its
//! algorithm may change between Rust versions without harm). Most keys occur once, so the
//! common case is one entry in a set of `u64` (about 9 bytes per key); only repeated keys get
//! a counter. The crate docs give the collision odds and why a collision is harmless for
//! re-imports.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

/// Hasher for keys that are already fingerprints: passes the `u64` through.
#[derive(Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn write(&mut self, bytes: &[u8]) {
        // Only reached if something other than a u64 is hashed; fold the bytes in.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Fast = BuildHasherDefault<PassThrough>;

/// Counts of fingerprints seen so far in one import.
#[derive(Default)]
pub(crate) struct Occurrences {
    seen: HashSet<u64, Fast>,
    repeats: HashMap<u64, u32, Fast>,
}

impl Occurrences {
    /// The occurrence index of this key: 0 the first time, then 1, 2, …
    pub(crate) fn next(&mut self, fingerprint: u64) -> u32 {
        if self.seen.insert(fingerprint) {
            return 0;
        }
        let n = self.repeats.entry(fingerprint).or_insert(0);
        *n += 1;
        *n
    }
}

/// A fingerprint builder; fields are hashed with their `Hash` impls (strings are terminated,
/// options carry their discriminant, so field boundaries cannot blur).
pub(crate) struct Fingerprint(DefaultHasher);

impl Fingerprint {
    /// Starts a fingerprint for one kind of key (`domain` keeps kinds apart).
    pub(crate) fn new(domain: u8) -> Fingerprint {
        let mut h = DefaultHasher::new();
        h.write_u8(domain);
        Fingerprint(h)
    }

    pub(crate) fn add<T: Hash + ?Sized>(mut self, v: &T) -> Fingerprint {
        v.hash(&mut self.0);
        self
    }

    /// Adds a number as SQLite compares it: -0.0 equals 0.0.
    pub(crate) fn add_f64(self, v: f64) -> Fingerprint {
        let v = if v == 0.0 { 0.0 } else { v };
        self.add(&v.to_bits())
    }

    pub(crate) fn add_opt_f64(self, v: Option<f64>) -> Fingerprint {
        match v {
            None => self.add(&0u8),
            Some(x) => self.add(&1u8).add_f64(x),
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_count_per_key() {
        let mut o = Occurrences::default();
        let a = Fingerprint::new(1).add("O1").add(&false).finish();
        let b = Fingerprint::new(1).add("O1").add(&true).finish();
        assert_ne!(a, b);
        assert_eq!(o.next(a), 0);
        assert_eq!(o.next(b), 0);
        assert_eq!(o.next(a), 1);
        assert_eq!(o.next(a), 2);
        assert_eq!(o.next(b), 1);
    }

    #[test]
    fn field_boundaries_and_zero_signs() {
        let ab_c = Fingerprint::new(0).add("ab").add("c").finish();
        let a_bc = Fingerprint::new(0).add("a").add("bc").finish();
        assert_ne!(ab_c, a_bc);
        let z = Fingerprint::new(0).add_f64(0.0).finish();
        let nz = Fingerprint::new(0).add_f64(-0.0).finish();
        assert_eq!(z, nz);
        let none = Fingerprint::new(0).add_opt_f64(None).finish();
        let zero = Fingerprint::new(0).add_opt_f64(Some(0.0)).finish();
        assert_ne!(none, zero);
    }
}
