//! Occurrence indexes of import keys: the n-th row with the same key in one import gets n.
//!
//! Keys are reduced to 64-bit fingerprints (a wyhash-style multiply-fold hash written here;
//! fingerprints are never persisted, so the function may change between versions). Most keys occur once, so the
//! common case is one entry in a set of `u64` (about 9 bytes per key); only repeated keys get
//! a counter. The crate docs give the collision odds and why a collision is harmless for
//! re-imports.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

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

/// Hasher for text keys (the import's customer, category and channel maps): the
/// [`Fingerprint`] fold over 8-byte words instead of `std`'s SipHash. When rows come by date or
/// shuffled, every row's customer id is a map lookup (grouped by customer, one per customer),
/// and SipHash was the larger part of that lookup.
#[derive(Default)]
pub(crate) struct TextHasher(u64);

impl Hasher for TextHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = Fingerprint(self.0 ^ bytes.len() as u64).bytes(bytes).0;
    }

    fn finish(&self) -> u64 {
        Fingerprint(self.0).finish()
    }
}

/// A `HashMap` keyed by text, with [`TextHasher`].
pub(crate) type TextMap<V> = HashMap<String, V, BuildHasherDefault<TextHasher>>;

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

const K0: u64 = 0xa076_1d64_78bd_642f;
const K1: u64 = 0xe703_7ed1_a0b4_28db;
const K2: u64 = 0x8ebc_6af0_9c88_c6e3;

/// 64×64→128-bit multiply folded to 64 bits: the mixing step of the wyhash family, a fast
/// non-cryptographic hash whose output is close to uniform on real keys.
fn fold(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

/// A fingerprint builder over the fields of a key. Every field is fed as whole 64-bit words
/// and strings carry their length, so field boundaries cannot blur ("ab","c" ≠ "a","bc").
/// Written here rather than using `std`'s SipHash, which cost 4% of a bulk import.
pub(crate) struct Fingerprint(u64);

impl Fingerprint {
    /// Starts a fingerprint for one kind of key (`domain` keeps kinds apart).
    pub(crate) fn new(domain: u8) -> Fingerprint {
        Fingerprint(fold(u64::from(domain) ^ K0, K1))
    }

    fn word(self, w: u64) -> Fingerprint {
        Fingerprint(fold(self.0 ^ w ^ K1, K2 ^ K0))
    }

    pub(crate) fn add_i32(self, v: i32) -> Fingerprint {
        self.word(u64::from(v as u32))
    }

    pub(crate) fn add_bool(self, v: bool) -> Fingerprint {
        self.word(u64::from(v))
    }

    /// Folds bytes in as little-endian words, the last one zero-padded.
    fn bytes(self, bytes: &[u8]) -> Fingerprint {
        let mut f = self;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            f = f.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            f = f.word(u64::from_le_bytes(w));
        }
        f
    }

    pub(crate) fn add_str(self, s: &str) -> Fingerprint {
        let bytes = s.as_bytes();
        self.word(bytes.len() as u64 ^ K2).bytes(bytes)
    }

    pub(crate) fn add_opt_str(self, s: Option<&str>) -> Fingerprint {
        match s {
            None => self.word(K0),
            Some(s) => self.word(1).add_str(s),
        }
    }

    pub(crate) fn add_opt_i32(self, v: Option<i32>) -> Fingerprint {
        match v {
            None => self.word(K0),
            Some(v) => self.word(1).add_i32(v),
        }
    }

    /// Adds a number as SQLite compares it: -0.0 equals 0.0.
    pub(crate) fn add_f64(self, v: f64) -> Fingerprint {
        let v = if v == 0.0 { 0.0 } else { v };
        self.word(v.to_bits())
    }

    pub(crate) fn add_opt_f64(self, v: Option<f64>) -> Fingerprint {
        match v {
            None => self.word(K0),
            Some(x) => self.word(1).add_f64(x),
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        // A final avalanche so that low and high bits both depend on every word.
        fold(self.0 ^ K2, K1 ^ K2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_count_per_key() {
        let mut o = Occurrences::default();
        let a = Fingerprint::new(1).add_str("O1").add_bool(false).finish();
        let b = Fingerprint::new(1).add_str("O1").add_bool(true).finish();
        assert_ne!(a, b);
        assert_eq!(o.next(a), 0);
        assert_eq!(o.next(b), 0);
        assert_eq!(o.next(a), 1);
        assert_eq!(o.next(a), 2);
        assert_eq!(o.next(b), 1);
    }

    #[test]
    fn field_boundaries_and_zero_signs() {
        let ab_c = Fingerprint::new(0).add_str("ab").add_str("c").finish();
        let a_bc = Fingerprint::new(0).add_str("a").add_str("bc").finish();
        assert_ne!(ab_c, a_bc);
        let pad = Fingerprint::new(0).add_str("a\0").finish();
        assert_ne!(pad, Fingerprint::new(0).add_str("a").finish());
        assert_ne!(
            Fingerprint::new(0).add_str("").finish(),
            Fingerprint::new(1).add_str("").finish()
        );
        let z = Fingerprint::new(0).add_f64(0.0).finish();
        let nz = Fingerprint::new(0).add_f64(-0.0).finish();
        assert_eq!(z, nz);
        let none = Fingerprint::new(0).add_opt_f64(None).finish();
        let zero = Fingerprint::new(0).add_opt_f64(Some(0.0)).finish();
        assert_ne!(none, zero);
        assert_ne!(
            Fingerprint::new(0).add_opt_str(None).finish(),
            Fingerprint::new(0).add_opt_str(Some("")).finish()
        );
    }

    #[test]
    fn text_maps_find_what_they_hold() {
        let mut m: TextMap<usize> = TextMap::default();
        let names: Vec<String> = (0..10_000)
            .map(|i| format!("C{i:07}"))
            .chain(["".into(), "新客户".into(), "a,b\n".into()])
            .collect();
        for (i, n) in names.iter().enumerate() {
            m.insert(n.clone(), i);
        }
        assert_eq!(m.len(), names.len());
        for (i, n) in names.iter().enumerate() {
            assert_eq!(m.get(n.as_str()), Some(&i));
        }
        assert_eq!(m.get("C9999999"), None);
    }

    #[test]
    fn no_collisions_among_a_million_order_ids() {
        // Order ids as exports write them, and near-identical natural keys.
        let mut seen = HashSet::new();
        for i in 0..500_000u32 {
            assert!(
                seen.insert(
                    Fingerprint::new(1)
                        .add_str(&format!("O{i:07}-0001"))
                        .add_bool(false)
                        .finish()
                )
            );
            assert!(
                seen.insert(
                    Fingerprint::new(2)
                        .add_str("C0000001")
                        .add_i32(i as i32)
                        .add_f64(f64::from(i) * 0.01)
                        .add_opt_str(None)
                        .finish()
                )
            );
        }
    }
}
