//! A tiny seeded random number generator for k-means sampling and k-means++ seeding.
//!
//! SplitMix64 (Steele, Lea & Flood 2014; the seeding generator Vigna recommends for xoshiro):
//! 64 bits of state, statistically good enough for choosing sample rows and initial centres,
//! and fully determined by the seed, so a clustering can be reproduced exactly. Written here
//! rather than taken from `rand` so that results never change with a dependency upgrade.

/// SplitMix64 state.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform index in `0..n` (`n > 0`) by multiply-shift; the bias is below 2⁻⁴⁰ for any
    /// n a customer table can have, far below what sampling rows could notice.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// Mixes several numbers into one seed, so each (k, restart) pair gets its own stream.
pub(crate) fn derive_seed(parts: &[u64]) -> u64 {
    let mut rng = SplitMix64::new(0x243F_6A88_85A3_08D3);
    let mut acc = 0u64;
    for p in parts {
        rng.state ^= p.wrapping_add(acc);
        acc = rng.next_u64();
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference output of Vigna's splitmix64.c with the state starting at 0.
    #[test]
    fn matches_reference_splitmix64() {
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn below_stays_in_range_and_f64_in_unit_interval() {
        let mut r = SplitMix64::new(42);
        for n in [1usize, 2, 3, 7, 1000] {
            for _ in 0..1000 {
                assert!(r.below(n) < n);
            }
        }
        for _ in 0..1000 {
            let u = r.next_f64();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn derived_seeds_differ() {
        assert_ne!(derive_seed(&[1, 2, 0]), derive_seed(&[1, 2, 1]));
        assert_ne!(derive_seed(&[1, 3, 0]), derive_seed(&[1, 2, 0]));
        assert_eq!(derive_seed(&[9, 9]), derive_seed(&[9, 9]));
    }
}
