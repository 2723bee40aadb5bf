//! Group scanned rows by a text key (the customer id) whatever order the file lists them in.
//!
//! Why this exists: exports from an ERP or a shop are ordered by date or by order id, so the
//! rows of one customer are spread over the whole file. One hash table per scan worker keyed by
//! id then costs several cache misses per row (the table slot, the id's bytes, the running
//! totals) once the customers outgrow the CPU caches — on 10M date-ordered rows for 500k
//! customers that made `custval rfm` 3× slower than on the same rows grouped by customer.
//!
//! So each worker groups in two steps, as vectorized engines do (radix-partitioned
//! aggregation):
//!
//! 1. **Buffer** ([`Grouper::add`]): the row's key and partial state are appended to one of
//!    [`PARTITIONS`] buffers chosen by bits of the key's hash — a sequential write, which costs
//!    the same in any row order. A row with the same key as the row before it is folded into
//!    that row's record instead ([`Fold::absorb`]), so a file grouped by customer buffers one
//!    record per customer and block of rows.
//! 2. **Flush**, when [`FLUSH_ROWS`] records are buffered and after the scan: partition by
//!    partition, the buffered records are folded into that partition's table. A partition
//!    holds about 1/256 of the worker's customers, so its table stays in the CPU cache while
//!    its few thousand records go through it. The buffers are then emptied and reused.
//!
//! Finally [`group`] merges the workers' tables partition by partition, in parallel; no
//! customer is in two partitions, so no other merge is needed.
//!
//! Memory: the tables (one entry per customer and worker: hash, key, state) plus buffers of a
//! bounded number of records, allocated once and reused. An earlier version kept every row's
//! record until the end of the scan (about 40 bytes a row: 700 MiB on 10M rows), and on a
//! virtual machine zeroing those fresh pages took half of the run.
//!
//! The result is in no particular order: callers sort it (by id, or by the first line a key
//! appeared on when the output must keep file order).

use std::hash::BuildHasher;

use rayon::prelude::*;

/// Number of partitions (a power of two). 256 keeps a partition's table cache-sized up to a
/// few million customers per worker while the append buffers (256 write streams) stay few.
pub const PARTITIONS: usize = 256;

/// Records a worker buffers before folding them into its tables. About four per partition and
/// table entry at half a million customers, so that loading a table's cache lines is shared by
/// several records; 32 MiB for a 16-byte state.
pub const FLUSH_ROWS: usize = 1 << 20;

/// Key bytes a worker buffers before a flush, whatever the number of records (long keys).
const FLUSH_KEY_BYTES: usize = 64 << 20;

/// What to keep per key, and how rows combine into it.
pub trait Fold {
    /// One row's contribution (or a run of rows of one key), buffered until a flush.
    type Row: Copy;
    /// A key's aggregate.
    type State;
    /// The state of a key from its first record.
    fn init(&self, row: &Self::Row) -> Self::State;
    /// Adds a further record to a key's state.
    fn fold(&self, state: &mut Self::State, row: &Self::Row);
    /// Adds the state another worker built for the same key.
    fn merge(&self, into: &mut Self::State, from: Self::State);
    /// When the row before had the same key: folds `new` into the buffered `kept` and returns
    /// true, or returns false to buffer both (callers that need every row, or a full counter).
    fn absorb(&self, kept: &mut Self::Row, new: &Self::Row) -> bool {
        let _ = (kept, new);
        false
    }
}

/// A key longer than a buffer's offsets can address (4 GiB); no real id comes close.
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

struct Rec<R> {
    hash: u64,
    off: u32,
    len: u32,
    row: R,
}

/// One partition's buffered records; emptied, not freed, by a flush.
struct Buffer<R> {
    recs: Vec<Rec<R>>,
    keys: Vec<u8>,
}

struct Entry {
    hash: u64,
    off: usize,
    len: usize,
}

/// One partition's keys and states. Keys live in one arena, not one allocation each, so that
/// comparing a key reads memory next to its neighbours'.
struct Table<S> {
    index: hashbrown::HashTable<u32>,
    keys: Vec<u8>,
    entries: Vec<Entry>,
    states: Vec<S>,
}

impl<S> Default for Table<S> {
    fn default() -> Self {
        Table {
            index: hashbrown::HashTable::new(),
            keys: Vec::new(),
            entries: Vec::new(),
            states: Vec::new(),
        }
    }
}

impl<S> Table<S> {
    fn key(&self, e: &Entry) -> &[u8] {
        &self.keys[e.off..e.off + e.len]
    }

    /// The index of `key`'s entry, if the table has it.
    #[inline]
    fn find(&self, hash: u64, key: &[u8]) -> Option<usize> {
        let (keys, entries) = (&self.keys, &self.entries);
        self.index
            .find(hash, |&k| {
                let e = &entries[k as usize];
                e.len == key.len() && keys[e.off..e.off + e.len] == *key
            })
            .map(|&k| k as usize)
    }

    /// Adds a key that [`Self::find`] did not find.
    fn insert(&mut self, hash: u64, key: &[u8], state: S) {
        // A partition of one worker holding 4G keys would need hundreds of GiB first.
        let k = self.entries.len() as u32;
        self.entries.push(Entry {
            hash,
            off: self.keys.len(),
            len: key.len(),
        });
        self.keys.extend_from_slice(key);
        self.states.push(state);
        let entries = &self.entries;
        self.index
            .insert_unique(hash, k, |&j| entries[j as usize].hash);
    }
}

/// One worker's rows, grouped by key. Make one per scan worker, then hand them all to [`group`].
pub struct Grouper<F: Fold> {
    fold: F,
    buffers: Vec<Buffer<F::Row>>,
    tables: Vec<Table<F::State>>,
    buffered: usize,
    buffered_key_bytes: usize,
    /// Partition of the last record buffered, to fold a run of one key into it.
    last: Option<usize>,
    rows: u64,
}

impl<F: Fold> Grouper<F> {
    pub fn new(fold: F) -> Self {
        Grouper {
            fold,
            buffers: (0..PARTITIONS)
                .map(|_| Buffer {
                    recs: Vec::new(),
                    keys: Vec::new(),
                })
                .collect(),
            tables: (0..PARTITIONS).map(|_| Table::default()).collect(),
            buffered: 0,
            buffered_key_bytes: 0,
            last: None,
            rows: 0,
        }
    }

    /// Rows added so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Adds one row's contribution for `key`.
    #[inline]
    pub fn add(&mut self, key: &str, row: F::Row) -> Result<(), KeyTooLong> {
        self.rows += 1;
        let key = key.as_bytes();
        if let Some(p) = self.last {
            let buf = &mut self.buffers[p];
            if let Some(rec) = buf.recs.last_mut()
                && rec.len as usize == key.len()
                && buf.keys[rec.off as usize..] == *key
                && self.fold.absorb(&mut rec.row, &row)
            {
                return Ok(());
            }
        }
        if key.len() > u32::MAX as usize {
            return Err(KeyTooLong(key.len()));
        }
        if self.buffered >= FLUSH_ROWS || self.buffered_key_bytes + key.len() > FLUSH_KEY_BYTES {
            self.flush();
        }
        let hash = hash_key(key);
        let p = partition_of(hash);
        let buf = &mut self.buffers[p];
        // Below 4 GiB: a flush empties the buffers well before (FLUSH_KEY_BYTES), and one key
        // alone was checked above.
        let off = buf.keys.len() as u32;
        buf.keys.extend_from_slice(key);
        buf.recs.push(Rec {
            hash,
            off,
            len: key.len() as u32,
            row,
        });
        self.buffered += 1;
        self.buffered_key_bytes += key.len();
        self.last = Some(p);
        Ok(())
    }

    /// Folds the buffered records into the tables, partition by partition, and empties the
    /// buffers (keeping their memory for the next records).
    fn flush(&mut self) {
        let fold = &self.fold;
        for (buf, table) in self.buffers.iter_mut().zip(&mut self.tables) {
            for r in &buf.recs {
                let key = &buf.keys[r.off as usize..r.off as usize + r.len as usize];
                match table.find(r.hash, key) {
                    Some(k) => fold.fold(&mut table.states[k], &r.row),
                    None => table.insert(r.hash, key, fold.init(&r.row)),
                }
            }
            buf.recs.clear();
            buf.keys.clear();
        }
        self.buffered = 0;
        self.buffered_key_bytes = 0;
        self.last = None;
    }
}

/// Every key's state over all workers' rows, in no particular order. Records fold in worker
/// order and, within a worker, in the order the worker saw them; the workers' final flushes and
/// the merge of their tables run in parallel on rayon's pool.
pub fn group<F>(mut workers: Vec<Grouper<F>>) -> Vec<(Box<str>, F::State)>
where
    F: Fold + Send + Sync,
    F::Row: Send,
    F::State: Send,
{
    workers.par_iter_mut().for_each(Grouper::flush);
    // Partition-major, so that each merge task owns, and then frees, its tables.
    let mut by_part: Vec<Vec<Table<F::State>>> = (0..PARTITIONS).map(|_| Vec::new()).collect();
    let mut folds = Vec::with_capacity(workers.len());
    for w in workers {
        for (p, t) in w.tables.into_iter().enumerate() {
            by_part[p].push(t);
        }
        folds.push(w.fold);
    }
    let Some(fold) = folds.first() else {
        return Vec::new();
    };
    let groups: Vec<Vec<(Box<str>, F::State)>> = by_part
        .into_par_iter()
        .map(|tables| {
            let mut tables = tables.into_iter();
            let Some(mut into) = tables.next() else {
                return Vec::new();
            };
            for t in tables {
                for (e, s) in t.entries.iter().zip(t.states) {
                    let key = &t.keys[e.off..e.off + e.len];
                    match into.find(e.hash, key) {
                        Some(k) => fold.merge(&mut into.states[k], s),
                        None => into.insert(e.hash, key, s),
                    }
                }
            }
            let states = std::mem::take(&mut into.states);
            // Keys came in as &str, so the bytes are valid UTF-8 and nothing is replaced.
            into.entries
                .iter()
                .map(|e| {
                    String::from_utf8_lossy(into.key(e))
                        .into_owned()
                        .into_boxed_str()
                })
                .zip(states)
                .collect()
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

    /// Sum and count per key; runs fold unless `keep_rows`.
    #[derive(Clone, Copy)]
    struct Sum {
        keep_rows: bool,
    }

    impl Fold for Sum {
        type Row = (f64, u32);
        type State = (f64, u32);
        fn init(&self, row: &(f64, u32)) -> (f64, u32) {
            *row
        }
        fn fold(&self, s: &mut (f64, u32), row: &(f64, u32)) {
            s.0 += row.0;
            s.1 += row.1;
        }
        fn merge(&self, into: &mut (f64, u32), from: (f64, u32)) {
            self.fold(into, &from);
        }
        fn absorb(&self, kept: &mut (f64, u32), new: &(f64, u32)) -> bool {
            if self.keep_rows {
                return false;
            }
            self.fold(kept, new);
            true
        }
    }

    fn sums(rows: &[(&str, f64)], workers: usize, keep_rows: bool) -> Vec<(String, f64, u32)> {
        let mut ws: Vec<Grouper<Sum>> = (0..workers)
            .map(|_| Grouper::new(Sum { keep_rows }))
            .collect();
        for (i, (k, v)) in rows.iter().enumerate() {
            ws[i % workers].add(k, (*v, 1)).unwrap();
        }
        let mut out: Vec<(String, f64, u32)> = group(ws)
            .into_iter()
            .map(|(k, (s, n))| (k.into_string(), s, n))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn as_ref(r: &[(String, f64)]) -> Vec<(&str, f64)> {
        r.iter().map(|(k, v)| (k.as_str(), *v)).collect()
    }

    #[test]
    fn same_totals_in_any_order_and_any_worker_split() {
        let mut rows: Vec<(String, f64)> = Vec::new();
        for i in 0..5000u32 {
            for j in 0..(i % 7 + 1) {
                rows.push((format!("C{:05}", i), f64::from(j + 1)));
            }
        }
        let grouped = sums(&as_ref(&rows), 1, false);
        assert_eq!(grouped.len(), 5000);
        // Interleave (as a date-ordered export would) and spread over workers.
        let mut shuffled = rows.clone();
        let n = shuffled.len();
        for i in 0..n {
            let j = (i * 7919 + 13) % n;
            shuffled.swap(i, j);
        }
        for workers in [1, 2, 3, 8] {
            for keep_rows in [false, true] {
                assert_eq!(
                    sums(&as_ref(&shuffled), workers, keep_rows),
                    grouped,
                    "{workers} workers, keep rows {keep_rows}"
                );
            }
        }
        let c3 = grouped.iter().find(|g| g.0 == "C00003").unwrap();
        assert_eq!((c3.1, c3.2), (1.0 + 2.0 + 3.0 + 4.0, 4));
    }

    #[test]
    fn runs_fold_into_one_record_unless_refused() {
        let mut g = Grouper::new(Sum { keep_rows: false });
        for k in ["a", "a", "a", "b", "a"] {
            g.add(k, (1.0, 1)).unwrap();
        }
        assert_eq!(g.buffered, 3, "a-run, b, a");
        assert_eq!(g.rows(), 5);
        let mut keep = Grouper::new(Sum { keep_rows: true });
        for k in ["a", "a", "a"] {
            keep.add(k, (1.0, 1)).unwrap();
        }
        assert_eq!(keep.buffered, 3);
        let out = group(vec![g, keep]);
        let mut out: Vec<_> = out.into_iter().map(|(k, s)| (k.into_string(), s)).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(out, [("a".into(), (7.0, 7)), ("b".into(), (1.0, 1))]);
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
        let out = sums(&rows, 2, false);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], (String::new(), 4.0, 2));
        assert_eq!(out[1].1, 6.0);
    }

    /// Regression: rows of a key seen before and after a flush must end in one state.
    #[test]
    fn flushes_in_the_middle_of_a_scan_keep_one_state_per_key() {
        let mut g = Grouper::new(Sum { keep_rows: true });
        let n = FLUSH_ROWS * 2 + 17;
        for i in 0..n {
            g.add(if i % 3 == 0 { "three" } else { "other" }, (1.0, 1))
                .unwrap();
        }
        assert!(g.buffered < FLUSH_ROWS, "flushed while adding");
        let mut out = group(vec![g]);
        out.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].1.1 as usize, n.div_ceil(3));
        assert_eq!(out[0].1.1 as usize, n - n.div_ceil(3));
    }

    #[test]
    fn no_workers_give_no_groups() {
        assert!(group(Vec::<Grouper<Sum>>::new()).is_empty());
    }
}
