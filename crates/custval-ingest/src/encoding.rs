//! Encoding detection and a strict decoding reader.

use std::io::Read;

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};

/// The encoding a user asks for (`--encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    #[default]
    Auto,
    Utf8,
    Gbk,
    Gb18030,
}

impl std::str::FromStr for EncodingChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "auto" => Ok(EncodingChoice::Auto),
            "utf8" | "utf8bom" => Ok(EncodingChoice::Utf8),
            "gbk" | "cp936" | "gb2312" => Ok(EncodingChoice::Gbk),
            "gb18030" => Ok(EncodingChoice::Gb18030),
            other => Err(format!(
                "unknown encoding {other:?}: use auto, utf-8, gbk or gb18030"
            )),
        }
    }
}

/// The result of looking at the start of a file.
pub(crate) struct Detected {
    pub encoding: &'static Encoding,
    /// Bytes of BOM to skip.
    pub bom: usize,
}

/// Decides the encoding from a sample of the file's first bytes.
pub(crate) fn detect(sample: &[u8], choice: EncodingChoice, complete: bool) -> Detected {
    let bom = if sample.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let encoding = match choice {
        EncodingChoice::Utf8 => UTF_8,
        // encoding_rs decodes GBK as GB18030 (a superset), which is what real GBK files need.
        EncodingChoice::Gbk => GBK,
        EncodingChoice::Gb18030 => GB18030,
        EncodingChoice::Auto if bom == 3 => UTF_8,
        EncodingChoice::Auto => {
            let body = &sample[bom..];
            match std::str::from_utf8(body) {
                Ok(_) => UTF_8,
                // A multi-byte character cut by the end of the sample is still UTF-8.
                Err(e) if !complete && e.error_len().is_none() => UTF_8,
                Err(_) => {
                    let mut det =
                        chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                    det.feed(body, complete);
                    // Chinese tables first: tld "cn" biases the guess toward GBK family.
                    let guess = det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
                    if guess == UTF_8 { GB18030 } else { guess }
                }
            }
        }
    };
    Detected { encoding, bom }
}

/// Whether a sample looks like binary data; returns the offset of the first NUL byte.
pub(crate) fn binary_offset(sample: &[u8]) -> Option<usize> {
    memchr::memchr(0, sample)
}

/// A reader that decodes any encoding to UTF-8 and fails on malformed input instead of
/// inserting replacement characters.
pub(crate) struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    pending: Vec<u8>,
    pending_pos: usize,
    failed: bool,
}

impl<R: Read> DecodingReader<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; 1 << 16],
            start: 0,
            end: 0,
            eof: false,
            pending: Vec::with_capacity(1 << 17),
            pending_pos: 0,
            failed: false,
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.pending_pos < self.pending.len() {
                let n = buf.len().min(self.pending.len() - self.pending_pos);
                buf[..n].copy_from_slice(&self.pending[self.pending_pos..self.pending_pos + n]);
                self.pending_pos += n;
                return Ok(n);
            }
            if self.failed {
                return Err(malformed());
            }
            if self.eof && self.start == self.end {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.start = 0;
                self.end = n;
                if n == 0 {
                    self.eof = true;
                }
            }
            self.pending.clear();
            self.pending_pos = 0;
            let cap = self
                .decoder
                .max_utf8_buffer_length_without_replacement(self.end - self.start)
                .unwrap_or(1 << 18)
                .max(16);
            self.pending.resize(cap, 0);
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.start..self.end],
                &mut self.pending,
                self.eof,
            );
            self.start += read;
            self.pending.truncate(written);
            if let encoding_rs::DecoderResult::Malformed(_, _) = result {
                // Hand on what decoded cleanly, then fail: the reader of this stream knows
                // how many lines it has seen and names the line.
                self.failed = true;
                self.eof = true;
                self.start = self.end;
                if self.pending.is_empty() {
                    return Err(malformed());
                }
            }
        }
    }
}

fn malformed() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        "malformed input for the encoding",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_gbk() {
        let (bytes, _, _) = GBK.encode("客户编号,订单日期,金额\nC001,2024-01-31,100\n");
        let d = detect(&bytes, EncodingChoice::Auto, true);
        assert!(
            d.encoding == GBK || d.encoding == GB18030,
            "{}",
            d.encoding.name()
        );
    }

    #[test]
    fn detects_utf8_bom() {
        let d = detect("\u{feff}客户,金额\n".as_bytes(), EncodingChoice::Auto, true);
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.bom, 3);
    }

    #[test]
    fn decoding_reader_round_trips() {
        let text = "客户编号,金额\n甲公司,100\n".repeat(5000);
        let (bytes, _, _) = GBK.encode(&text);
        let mut r = DecodingReader::new(&bytes[..], GBK);
        let mut out = String::new();
        r.read_to_string(&mut out).ok();
        assert_eq!(out, text);
    }
}
