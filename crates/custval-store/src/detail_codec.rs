//! How a run's result details are stored: plain JSON text, or zstd frames compressed with a
//! dictionary trained on the run's own details (schema v6, `runs.detail_dict`).
//!
//! A detail is ~2 KB of JSON with the same keys, rule names and bilingual phrases in every
//! customer's copy; compressed one by one without a dictionary they only halve, because each
//! is too short for zstd to learn its repetitions. A 64 KiB dictionary trained on a sample of
//! the run's details brings them to about a sixth (zstd's CLI on 1,224 details of the 1M
//! benchmark run: 2,177 → 367 bytes on average at level 1, 367 MB/s to compress, 1.2 GB/s to
//! decompress; the run writes 2,000-detail samples). The run
//! write's cost was mostly bytes (2.0 GB of JSON through the WAL and again into the database),
//! so fewer bytes is time saved twice.
//!
//! Small runs (fewer than [`DICT_MIN_RESULTS`] results) stay plain text: a dictionary needs
//! enough samples, and there is nothing to save. Readers tell the two apart by the stored
//! value itself — a zstd frame starts with its magic number, JSON with `{` — so runs written
//! before v6 need no rewrite.

use rayon::prelude::*;
use zstd::bulk::{Compressor, Decompressor};
use zstd::dict::EncoderDictionary;

/// Results from which a run's details are compressed.
pub(crate) const DICT_MIN_RESULTS: usize = 2_000;
/// Details sampled to train the dictionary.
pub(crate) const DICT_SAMPLES: usize = 2_000;
/// Dictionary size: zstd's usual maximum for training (other sizes were not tried).
const DICT_BYTES: usize = 64 * 1024;
/// zstd level: on 1,224 sampled details level 3 compressed to no less than level 1 (454,698
/// against 449,802 bytes), and zstd's fast levels ran little faster at a ratio of 3–3.8×.
const LEVEL: i32 = 1;
/// The zstd frame magic number, little-endian.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Indexes of up to [`DICT_SAMPLES`] results spread evenly over `n`.
pub(crate) fn sample_indexes(n: usize) -> Vec<usize> {
    let k = n.min(DICT_SAMPLES);
    (0..k).map(|i| i * n / k).collect()
}

/// A dictionary trained on `samples`, or `None` when zstd cannot train one from them (then
/// the run stays plain text).
pub(crate) fn train(samples: &[String]) -> Option<Vec<u8>> {
    zstd::dict::from_samples(samples, DICT_BYTES).ok()
}

/// Compresses details with one run's dictionary.
pub(crate) struct Encoder {
    dict: EncoderDictionary<'static>,
}

impl Encoder {
    pub(crate) fn new(dict: &[u8]) -> Encoder {
        Encoder {
            dict: EncoderDictionary::copy(dict, LEVEL),
        }
    }

    /// Compresses `texts` on the rayon pool (one zstd context per piece of work), in order.
    pub(crate) fn compress_all(&self, texts: &[String]) -> std::io::Result<Vec<Vec<u8>>> {
        let piece = texts.len().div_ceil(rayon::current_num_threads()).max(1);
        let pieces: Vec<Vec<Vec<u8>>> = texts
            .par_chunks(piece)
            .map(|chunk| {
                let mut c = Compressor::with_prepared_dictionary(&self.dict)?;
                chunk.iter().map(|t| c.compress(t.as_bytes())).collect()
            })
            .collect::<std::io::Result<_>>()?;
        Ok(pieces.into_iter().flatten().collect())
    }
}

/// Turns stored details back into JSON text, with the run's dictionary when it has one.
pub(crate) struct DetailReader {
    dec: Option<Decompressor<'static>>,
}

impl DetailReader {
    /// For a run whose `detail_dict` is `dict`.
    pub(crate) fn new(dict: Option<&[u8]>) -> std::io::Result<DetailReader> {
        Ok(DetailReader {
            dec: dict.map(Decompressor::with_dictionary).transpose()?,
        })
    }

    /// A reader for plain text details only.
    pub(crate) fn plain() -> DetailReader {
        DetailReader { dec: None }
    }

    /// The JSON text of a stored detail.
    pub(crate) fn text(&mut self, stored: &[u8]) -> Result<String, String> {
        if stored.starts_with(&ZSTD_MAGIC) {
            let dec = self
                .dec
                .as_mut()
                .ok_or("a compressed detail in a run without a dictionary")?;
            let size =
                Decompressor::upper_bound(stored).ok_or("a compressed detail without its size")?;
            let bytes = dec.decompress(stored, size).map_err(|e| e.to_string())?;
            String::from_utf8(bytes).map_err(|e| e.to_string())
        } else {
            std::str::from_utf8(stored)
                .map(str::to_string)
                .map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    r#"{{"raw":[{i}.5,{}],"tier_rule":{{"value":{},"cut":0.8}},"text_zh":"利润率高：毛利率 {}%","text_en":"High margin: {} percent"}}"#,
                    i % 7,
                    i * 13,
                    i % 100,
                    i % 100
                )
            })
            .collect()
    }

    #[test]
    fn compressed_details_read_back_exactly_and_plain_ones_pass_through() {
        let texts = details(3_000);
        let samples: Vec<String> = sample_indexes(texts.len())
            .into_iter()
            .map(|i| texts[i].clone())
            .collect();
        let dict = train(&samples).expect("a dictionary from 2,000 samples");
        let packed = Encoder::new(&dict).compress_all(&texts).unwrap();
        assert_eq!(packed.len(), texts.len());
        let stored: usize = packed.iter().map(Vec::len).sum();
        let plain: usize = texts.iter().map(String::len).sum();
        assert!(stored * 2 < plain, "{stored} bytes for {plain}");
        let mut r = DetailReader::new(Some(&dict)).unwrap();
        for (p, t) in packed.iter().zip(&texts) {
            assert_eq!(&r.text(p).unwrap(), t);
        }
        // Plain JSON reads through either reader; a frame needs the dictionary.
        assert_eq!(r.text(texts[0].as_bytes()).unwrap(), texts[0]);
        assert_eq!(DetailReader::plain().text(b"{}").unwrap(), "{}");
        assert!(DetailReader::plain().text(&packed[0]).is_err());
    }

    #[test]
    fn samples_spread_over_the_run() {
        assert_eq!(sample_indexes(3), vec![0, 1, 2]);
        let s = sample_indexes(1_000_000);
        assert_eq!(s.len(), DICT_SAMPLES);
        assert_eq!(s[1], 500);
        assert!(*s.last().unwrap() < 1_000_000);
    }
}
