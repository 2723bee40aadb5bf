//! Group scanned rows by a text key (the customer id) whatever order the file lists them in.
//!
//! Why this exists: exports from an ERP or a shop are ordered by date or by order id, so the
//! rows of one customer are spread over the whole file. A per-thread hash table keyed by id then
//! costs several cache misses per row (the table slot, the id's bytes, the running totals) once
//! the customers outgrow the CPU caches — on 10M date-ordered rows for 500k customers that made
//! `custval rfm` 3× slower than on the same rows grouped by customer.
//!
//! So grouping runs in two phases, as vectorized engines do (radix-partitioned aggregation):
//!
//! 1. **While scanning** ([`Grouper::add`]), each worker appends the row's partial state to one
//!    of [`PARTITIONS`] partitions chosen by bits of the key's hash. Appending is a sequential
//!    write, so it costs the same in any row order. A row with the same key as the row before
//!    it is folded into that row's record instead (files grouped by customer then store one
//!    record per customer and block of rows, not one per row).
//! 2. **After scanning** ([`group`]), each partition — the records of every worker whose keys
//!    fall in it — is aggregated on its own, in parallel. A partition holds about 1/256 of the
//!    customers, so its hash table stays in the CPU cache, and no customer is in two
//!    partitions, so no second merge is needed.
//!
//! Memory: one record per row in the worst case (hash, key offset and length, the caller's
//! state, and the key bytes; about 40 bytes for an RFM row with an 8-character id), in chunks
//! of bounded size so that growing never copies or doubles the whole buffer.
//!
//! The result is in no particular order: callers sort it (by id, or by the first line a key
//! appeared on when the output must keep file order).

use std::hash::BuildHasher;

use rayon::prelude::*;

/// Number of partitions (a power of two). 256 keeps a partition's table cache-sized up to a few
/// million customers while the per-worker append buffers (256 write streams) stay few.
pub const PARTITIONS: usize = 256;

/// Records per chunk: the first chunk of a partition is small (tiny inputs stay tiny), later
/// chunks double up to this bound so that slack stays under one chunk per partition.
const MAX_CHUNK: usize = 8192;
const FIRST_CHUNK: usize = 64;

/// A key longer than a chunk's offsets can address (4 GiB); no real id comes close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a key of {0} bytes is too long to group by")]
pub struct KeyTooLong(pub usize);

#[inline]
fn hash_key(key: &[u8]) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// Bits 32..40 of the hash pick the partition: hashbrown uses the low bits for the bucket and
/// the top seven for its tags, which must keep varying inside a partition.
#[inline]
fn partition_of(hash: u64) -> usize {
    ((hash >> 32) as usize) & (PARTITIONS - 1)
}

struct Rec<V> {
    hash: u64,
    off: u32,
    len: u32,
    value: V,
}

struct Chunk<V> {
    recs: Vec<Rec<V>>,
    keys: Vec<u8>,
}

impl<V> Chunk<V> {
    fn with_capacity(n: usize) -> Self {
        Chunk {
            recs: Vec::with_capacity(n),
            keys: Vec::with_capacity(n * 12),
        }
    }

    #[inline]
    fn key(&self, r: &Rec<V>) -> &[u8] {
        &self.keys[r.off as usize..r.off as usize + r.len as usize]
    }
}

/// One worker's rows, appended to partitions by key hash. Make one per scan worker.
pub struct Grouper<V> {
    parts: Vec<Vec<Chunk<V>>>,
    /// Partition of the last record appended, to fold a run of one key into it.
    last: Option<usize>,
    rows: u64,
}

impl<V> Default for Grouper<V> {
    fn default() -> Self {
        Grouper {
            parts: (0..PARTITIONS).map(|_| Vec::new()).collect(),
            last: None,
            rows: 0,
        }
    }
}

impl<V: Copy> Grouper<V> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rows added so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Adds one row's state for `key`. When the previous row had the same key, `absorb(kept,
    /// new)` may fold the new state into the kept one and return true; returning false keeps
    /// them as two records (for callers that need every row).
    #[inline]
    pub fn add(
        &mut self,
        key: &str,
        value: V,
        absorb: impl FnOnce(&mut V, &V) -> bool,
    ) -> Result<(), KeyTooLong> {
        self.rows += 1;
        let key = key.as_bytes();
        if let Some(p) = self.last
            && let Some(chunk) = self.parts[p].last_mut()
            && let Some(rec) = chunk.recs.last()
            && rec.len as usize == key.len()
            && chunk.keys[rec.off as usize..] == *key
        {
            let n = chunk.recs.len() - 1;
            if absorb(&mut chunk.recs[n].value, &value) {
                return Ok(());
            }
        }
        let len = u32::try_from(key.len()).map_err(|_| KeyTooLong(key.len()))?;
        let hash = hash_key(key);
        let p = partition_of(hash);
        let chunks = &mut self.parts[p];
        let fits = chunks.last().is_some_and(|c| {
            c.recs.len() < c.recs.capacity() && c.keys.len() + key.len() <= u32::MAX as usize
        });
        if !fits {
            let n = chunks
                .last()
                .map_or(FIRST_CHUNK, |c| (c.recs.capacity() * 2).min(MAX_CHUNK));
            chunks.push(Chunk::with_capacity(n));
        }
        let last = chunks.len() - 1; // at least one chunk: pushed above when none fitted
        let chunk = &mut chunks[last];
        let off = chunk.keys.len() as u32;
        chunk.keys.extend_from_slice(key);
        chunk.recs.push(Rec {
            hash,
            off,
            len,
            value,
        });
        self.last = Some(p);
        Ok(())
    }
}

/// Aggregates the workers' rows per key: `init` makes a key's state from its first record and
/// `fold` adds each further record, in worker order and, within a worker, in the order the
/// worker saw them. Partitions run in parallel on rayon's pool; the result is unordered.
pub fn group<V, S, I, F>(workers: Vec<Grouper<V>>, init: I, fold: F) -> Vec<(Box<str>, S)>
where
    V: Copy + Send,
    S: Send,
    I: Fn(&V) -> S + Sync,
    F: Fn(&mut S, &V) + Sync,
{
    // Transpose to partition-major so that each task owns, and then frees, its input.
    let mut by_part: Vec<Vec<Chunk<V>>> = (0..PARTITIONS).map(|_| Vec::new()).collect();
    for w in workers {
        for (p, chunks) in w.parts.into_iter().enumerate() {
            by_part[p].extend(chunks);
        }
    }
    let groups: Vec<Vec<(Box<str>, S)>> = by_part
        .into_par_iter()
        .map(|chunks| {
            let n: usize = chunks.iter().map(|c| c.recs.len()).sum();
            let mut index = hashbrown::HashTable::<u32>::with_capacity(n.min(1 << 16));
            let mut keys: Vec<(u64, Box<str>)> = Vec::new();
            let mut states: Vec<S> = Vec::new();
            for chunk in &chunks {
                for r in &chunk.recs {
                    let key = chunk.key(r);
                    match index.find(r.hash, |&k| *keys[k as usize].1.as_bytes() == *key) {
                        Some(&k) => fold(&mut states[k as usize], &r.value),
                        None => {
                            let k = keys.len() as u32;
                            // Keys came in as &str, so the bytes are valid UTF-8.
                            let text = String::from_utf8_lossy(key).into_owned().into_boxed_str();
                            keys.push((r.hash, text));
                            states.push(init(&r.value));
                            index.insert_unique(r.hash, k, |&j| keys[j as usize].0);
                        }
                    }
                }
            }
            drop(chunks);
            keys.into_iter().map(|(_, k)| k).zip(states).collect()
        })
        .collect();
    let total = groups.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total);
    for g in groups {
        out.extend(g);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(rows: &[(&str, f64)], workers: usize) -> Vec<(String, f64, u32)> {
        let mut ws: Vec<Grouper<(f64, u32)>> = (0..workers).map(|_| Grouper::new()).collect();
        for (i, (k, v)) in rows.iter().enumerate() {
            ws[i % workers]
                .add(k, (*v, 1), |a, b| {
                    a.0 += b.0;
                    a.1 += b.1;
                    true
                })
                .unwrap();
        }
        let mut out: Vec<(String, f64, u32)> = group(
            ws,
            |v| *v,
            |s, v| {
                s.0 += v.0;
                s.1 += v.1;
            },
        )
        .into_iter()
        .map(|(k, (s, n))| (k.into_string(), s, n))
        .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn same_totals_in_any_order_and_any_worker_split() {
        let mut rows: Vec<(String, f64)> = Vec::new();
        for i in 0..5000u32 {
            for j in 0..(i % 7 + 1) {
                rows.push((format!("C{:05}", i), f64::from(j + 1)));
            }
        }
        fn as_ref(r: &[(String, f64)]) -> Vec<(&str, f64)> {
            r.iter().map(|(k, v)| (k.as_str(), *v)).collect()
        }
        let grouped = sums(&as_ref(&rows), 1);
        assert_eq!(grouped.len(), 5000);
        // Interleave (as a date-ordered export would) and spread over workers.
        let mut shuffled = rows.clone();
        let n = shuffled.len();
        for i in 0..n {
            let j = (i * 7919 + 13) % n;
            shuffled.swap(i, j);
        }
        for workers in [1, 2, 3, 8] {
            assert_eq!(
                sums(&as_ref(&shuffled), workers),
                grouped,
                "{workers} workers"
            );
        }
        let c3 = grouped.iter().find(|g| g.0 == "C00003").unwrap();
        assert_eq!((c3.1, c3.2), (1.0 + 2.0 + 3.0 + 4.0, 4));
    }

    #[test]
    fn runs_fold_into_one_record_unless_refused() {
        let mut g: Grouper<u32> = Grouper::new();
        for k in ["a", "a", "a", "b", "a"] {
            g.add(k, 1, |x, y| {
                *x += y;
                true
            })
            .unwrap();
        }
        let recs: usize = g.parts.iter().flatten().map(|c| c.recs.len()).sum();
        assert_eq!(recs, 3, "a-run, b, a");
        let mut keep: Grouper<u32> = Grouper::new();
        for k in ["a", "a", "a"] {
            keep.add(k, 1, |_, _| false).unwrap();
        }
        let out = group(vec![keep], |_| 1u32, |s, _| *s += 1);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].1, 3);
        assert_eq!(g.rows(), 5);
    }

    #[test]
    fn empty_keys_and_long_keys_group() {
        let long = "x".repeat(100_000);
        let rows = [
            ("", 1.0),
            (long.as_str(), 2.0),
            ("", 3.0),
            (long.as_str(), 4.0),
        ];
        let out = sums(&rows, 2);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], (String::new(), 4.0, 2));
        assert_eq!(out[1].1, 6.0);
    }

    #[test]
    fn many_rows_of_one_partition_span_chunks() {
        let mut g: Grouper<u32> = Grouper::new();
        let n = MAX_CHUNK as u32 * 3 + 5;
        for i in 0..n {
            g.add("same", 1, |_, _| false).unwrap();
            g.add(&format!("k{}", i % 1000), 1, |_, _| false).unwrap();
        }
        assert!(
            g.parts.iter().any(|p| p.len() > 3),
            "one key's partition spans chunks"
        );
        let out = group(vec![g], |_| 1u64, |s, _| *s += 1);
        assert_eq!(out.len(), 1001);
        assert_eq!(out.iter().map(|(_, n)| n).sum::<u64>(), 2 * u64::from(n));
        assert_eq!(
            out.iter().find(|(k, _)| &**k == "same").unwrap().1,
            u64::from(n)
        );
    }
}
