//! The fast path for plain numeric CSVs: [`Source::plain_numbers`] and
//! [`Source::plain_counted`], which `clv fit`, `clv holdout` and `clv predict` try before
//! [`Source::scan`].
//!
//! [`Source::scan`] reads every CSV dialect (quotes, encodings, delimiters, formatted numbers
//! such as "1,200" or "12%"), and at 100k rows that generality is two thirds of `clv fit`'s
//! time. Summaries written by programs (`custval clv summary`, pandas) are plain: UTF-8,
//! commas, no quotes, decimal numbers. This reader accepts exactly that and gives up (`None`)
//! on anything else — a quote, a blank line inside the data, a row of another width, a field
//! outside the plain-number alphabet, a row the caller's check refuses — and the caller then
//! scans the file as before, so every row is used or quarantined exactly as it would have
//! been. A field is read only when it passes the same plain-ASCII test as
//! [`crate::parse::parse_number`]'s own fast path and parses with the same
//! `str::parse::<f64>`, so the values are bit-identical to the general reader's.
//!
//! Memory is the cost that varies: on this kind of VM every fresh page the process touches is
//! zeroed by the kernel (often as a 2 MiB huge page, with the host faulting it in behind), and
//! at a million rows that zeroing was from 5 % to 60 % of the process's CPU time, run to run.
//! So the file is never held whole: each thread reads its own byte range with positioned reads
//! into one reused buffer, and a count ([`Source::plain_counted`]) keeps only the distinct
//! rows with their counts.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::{Format, Source};

/// How the data are cut: at most `parts` ranges of at least `min_bytes`, read `piece` bytes
/// at a time.
#[derive(Clone, Copy)]
struct Split {
    parts: u64,
    min_bytes: u64,
    piece: usize,
}

impl Split {
    /// One range per thread, none under 256 KiB; reads of 512 KiB, small enough to stay in
    /// cache, large enough to keep the system calls negligible (40 for a million rows).
    fn threads() -> Split {
        Split {
            parts: rayon::current_num_threads() as u64,
            min_bytes: 256 << 10,
            piece: 512 << 10,
        }
    }
}
/// The header line must end within this many bytes.
const MAX_HEADER: usize = 1 << 20;

/// Rows read: per row its physical line (the header is line 1) and the wanted columns, flat.
#[derive(Debug)]
pub struct PlainRows {
    pub lines: Vec<u64>,
    pub nums: Vec<f64>,
}

/// Where the parsed rows of one byte range go.
trait Sink {
    /// Takes the row on `line` (numbered from 0 within the range); `false` when the row may
    /// not be used.
    fn take(&mut self, line: u64, row: &[f64]) -> bool;
}

/// Every row, in file order.
struct Rows<'c, C> {
    check: &'c C,
    lines: Vec<u64>,
    nums: Vec<f64>,
}

impl<C: Fn(&[f64]) -> Result<(), String>> Sink for Rows<'_, C> {
    fn take(&mut self, line: u64, row: &[f64]) -> bool {
        if (self.check)(row).is_err() {
            return false;
        }
        self.lines.push(line);
        self.nums.extend_from_slice(row);
        true
    }
}

/// Distinct three-value rows (by their bits) with how often each occurs. The check is a
/// function of the values, so it runs once per distinct row. (Numbering each column's values
/// first, to key the rows on one packed `u64`, was measured: 30 % more instructions, no fewer
/// cache misses.)
struct Counts<'c, C> {
    check: &'c C,
    seen: FxHashMap<[u64; 3], u32>,
}

impl<'c, C> Counts<'c, C> {
    fn new(check: &'c C) -> Self {
        Counts {
            check,
            seen: FxHashMap::default(),
        }
    }

    /// The distinct rows (their values' bits) with their counts.
    #[cfg(test)]
    fn into_rows(self) -> impl Iterator<Item = ([u64; 3], f64)> {
        self.seen.into_iter().map(|(key, n)| (key, f64::from(n)))
    }
}

impl<C: Fn(&[f64]) -> Result<(), String>> Sink for Counts<'_, C> {
    fn take(&mut self, _line: u64, row: &[f64]) -> bool {
        let key = [row[0].to_bits(), row[1].to_bits(), row[2].to_bits()];
        if let Some(n) = self.seen.get_mut(&key) {
            // Four billion identical customers are beyond any file.
            *n = n.saturating_add(1);
            return true;
        }
        if (self.check)(row).is_err() {
            return false;
        }
        self.seen.insert(key, 1);
        true
    }
}

/// The distinct three-value rows of a plain CSV with how often each occurs
/// ([`Source::plain_counted`]).
#[derive(Debug)]
pub struct PlainCounts {
    /// One table per byte range read.
    parts: Vec<FxHashMap<[u64; 3], u32>>,
}

impl PlainCounts {
    /// The number of distinct rows.
    pub fn distinct(&self) -> usize {
        self.parts.iter().map(FxHashMap::len).sum()
    }

    /// The distinct rows (values in the order asked for) with their counts, in no particular
    /// order.
    pub fn into_rows(self) -> impl Iterator<Item = ([f64; 3], f64)> {
        self.parts.into_iter().flat_map(|seen| {
            seen.into_iter().map(|(key, n)| {
                (
                    [
                        f64::from_bits(key[0]),
                        f64::from_bits(key[1]),
                        f64::from_bits(key[2]),
                    ],
                    f64::from(n),
                )
            })
        })
    }
}

impl Source {
    /// Whether the fast path may read this file at all: a CSV in UTF-8.
    fn may_be_plain(&self) -> bool {
        self.format() == Format::Csv && self.encoding_name() == Some("UTF-8")
    }

    /// The numbers of columns `wanted` (header indexes; row `r`'s values are
    /// `nums[r * wanted.len()..][..wanted.len()]`) of every row, when the file is a plain
    /// numeric CSV (see the module docs) and `check` accepts every row; `None` otherwise, and
    /// then [`Source::scan`] reads it.
    pub fn plain_numbers<C>(&self, wanted: &[usize], check: C) -> Option<PlainRows>
    where
        C: Fn(&[f64]) -> Result<(), String> + Sync,
    {
        if !self.may_be_plain() {
            return None;
        }
        read(self.path(), self.headers(), wanted, check)
    }

    /// The rows of three columns `wanted` (header indexes) as distinct rows with their
    /// counts, when the file is a plain numeric CSV and `check` (which sees each distinct row
    /// once, its values in the order of `wanted`) accepts every row; `None` otherwise, or
    /// when there are no rows. What a fit that weighs identical customers by their count needs.
    pub fn plain_counted<C>(&self, wanted: [usize; 3], check: C) -> Option<PlainCounts>
    where
        C: Fn(&[f64]) -> Result<(), String> + Sync,
    {
        if !self.may_be_plain() {
            return None;
        }
        let parts = scan(
            self.path(),
            self.headers(),
            &wanted,
            Split::threads(),
            || Counts::new(&check),
        )?;
        let counts = PlainCounts {
            parts: parts.into_iter().map(|(c, _)| c.seen).collect(),
        };
        (counts.distinct() > 0).then_some(counts)
    }
}

/// Reads `path` when it is a plain CSV whose header is `headers`; `wanted[k]` is the file
/// column of the k-th value of a row, and `check` says whether a row may be used.
fn read<C>(path: &Path, headers: &[String], wanted: &[usize], check: C) -> Option<PlainRows>
where
    C: Fn(&[f64]) -> Result<(), String> + Sync,
{
    let parts = scan(path, headers, wanted, Split::threads(), || Rows {
        check: &check,
        lines: Vec::new(),
        nums: Vec::new(),
    })?;
    let mut out = PlainRows {
        lines: Vec::new(),
        nums: Vec::new(),
    };
    // Line 1 is the header; the first data line is line 2.
    let mut first_line = 2;
    for (rows, line_count) in parts {
        out.lines.extend(rows.lines.iter().map(|l| l + first_line));
        if out.nums.is_empty() {
            out.nums = rows.nums;
        } else {
            out.nums.extend(rows.nums);
        }
        first_line += line_count;
    }
    (!out.lines.is_empty()).then_some(out)
}

/// Checks the header, then parses the data in byte ranges, one per thread; per range its sink
/// and its number of lines, in file order. `None` when anything is not plain.
fn scan<S, M>(
    path: &Path,
    headers: &[String],
    wanted: &[usize],
    split: Split,
    make: M,
) -> Option<Vec<(S, u64)>>
where
    S: Sink + Send,
    M: Fn() -> S + Sync,
{
    let file = File::open(path).ok()?;
    let file_len = file.metadata().ok()?.len();
    let data_start = check_header(&file, headers)?;
    // A field index → its slot in the row, so a row is parsed in one pass over its fields.
    let mut slot_of = vec![usize::MAX; headers.len()];
    for (k, &col) in wanted.iter().enumerate() {
        *slot_of.get_mut(col)? = k;
    }
    let data_len = file_len.checked_sub(data_start)?;
    let parts = split.parts.min(data_len / split.min_bytes.max(1)).max(1);
    let bound = |k: u64| data_start + data_len * k / parts;
    let run = |k: u64| {
        let mut range = Range {
            file: &file,
            file_len,
            from: bound(k),
            to: bound(k + 1),
            skip_first: k > 0,
            piece: split.piece,
        };
        let mut sink = make();
        let mut parser = Parser {
            slot_of: &slot_of,
            row: vec![0.0; wanted.len()],
            line: 0,
        };
        range.read(&mut parser, &mut sink)?;
        Some((sink, parser.line))
    };
    let out: Vec<Option<(S, u64)>> = if parts > 1 {
        (0..parts).into_par_iter().map(run).collect()
    } else {
        vec![run(0)]
    };
    out.into_iter().collect()
}

/// Reads up to the end of the header line and checks it is exactly `headers`, comma
/// separated, without quotes; returns the offset of the first data byte.
fn check_header(file: &File, headers: &[String]) -> Option<u64> {
    let mut buf = Vec::new();
    let mut chunk = vec![0; 64 << 10];
    let end = loop {
        let n = file.read_at(&mut chunk, buf.len() as u64).ok()?;
        let before = buf.len();
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf[before..].iter().position(|&c| c == b'\n') {
            break before + i;
        }
        if n == 0 || buf.len() > MAX_HEADER {
            return None;
        }
    };
    let bom = if buf.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let line = std::str::from_utf8(&buf[bom..end]).ok()?;
    let header = line.strip_suffix('\r').unwrap_or(line);
    if header.contains('"') || header.split(',').count() != headers.len() {
        return None;
    }
    if !header
        .split(',')
        .zip(headers)
        .all(|(h, want)| h.trim() == want)
    {
        return None;
    }
    Some(end as u64 + 1)
}

/// One thread's share of the data: the lines that start in `from..to`. The line that starts
/// before `to` is read to its end; a range after the first skips the line it starts inside
/// of (its predecessor reads it).
struct Range<'f> {
    file: &'f File,
    file_len: u64,
    from: u64,
    to: u64,
    skip_first: bool,
    piece: usize,
}

impl Range<'_> {
    fn read<S: Sink>(&mut self, parser: &mut Parser<'_>, sink: &mut S) -> Option<()> {
        let mut buf = vec![0; self.piece.max(1)];
        // File offset of buf[0], bytes in buf, and the next offset to read.
        let (mut start, mut filled) = (self.from - u64::from(self.skip_first), 0);
        let mut next = start;
        let mut skipping = self.skip_first;
        loop {
            if filled == buf.len() {
                // A line longer than the buffer.
                buf.resize(buf.len() * 2, 0);
            }
            let want = (buf.len() - filled).min(usize::try_from(self.file_len - next).ok()?);
            let n = if want == 0 {
                0
            } else {
                self.file
                    .read_at(&mut buf[filled..filled + want], next)
                    .ok()?
            };
            filled += n;
            next += n as u64;
            let eof = n == 0 || next >= self.file_len;
            let mut pos = 0;
            if skipping {
                match buf[..filled].iter().position(|&c| c == b'\n') {
                    Some(i) => {
                        pos = i + 1;
                        skipping = false;
                    }
                    None if eof => return Some(()),
                    None => {
                        start += filled as u64;
                        filled = 0;
                        continue;
                    }
                }
            }
            let line_start = start + pos as u64;
            if line_start >= self.to || pos == filled && eof {
                return Some(());
            }
            // The last line of the range ends at the first newline at or after `to − 1`.
            let search = pos + usize::try_from(self.to - line_start).ok()? - 1;
            if search < filled
                && let Some(i) = buf[search..filled].iter().position(|&c| c == b'\n')
            {
                let end = search + i + 1;
                return parser.parse(&buf[pos..end], eof && end == filled, sink);
            }
            if eof {
                return parser.parse(&buf[pos..filled], true, sink);
            }
            // Parse the complete lines; the unfinished one moves to the front.
            let end = match buf[pos..filled].iter().rposition(|&c| c == b'\n') {
                Some(i) => {
                    let end = pos + i + 1;
                    parser.parse(&buf[pos..end], false, sink)?;
                    end
                }
                None => pos,
            };
            buf.copy_within(end..filled, 0);
            start += end as u64;
            filled -= end;
        }
    }
}

/// Parses whole lines into rows for a sink, counting the lines.
struct Parser<'s> {
    slot_of: &'s [usize],
    row: Vec<f64>,
    /// Lines parsed so far (the next line's number within the range).
    line: u64,
}

impl Parser<'_> {
    /// Parses `b`, which holds whole lines (the last one without its newline only at the end
    /// of the file, `ends_file`); `None` as soon as a line is not plain. One pass over the
    /// bytes finds the field and line ends (a general splitter costs more per field than these
    /// short fields hold).
    fn parse<S: Sink>(&mut self, b: &[u8], ends_file: bool, sink: &mut S) -> Option<()> {
        std::str::from_utf8(b).ok()?;
        let slot_of = self.slot_of;
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) == Some(&b'\n')) {
                // An empty line: only a file's final line end may leave one; the general reader
                // decides what blank lines inside the data mean.
                let end = if b[i] == b'\r' { i + 2 } else { i + 1 };
                if end == b.len() && ends_file {
                    self.line += 1;
                    break;
                }
                return None;
            }
            let mut field = 0;
            loop {
                let start = i;
                while i < b.len() && b[i] != b',' && b[i] != b'\n' {
                    i += 1;
                }
                let mut text = &b[start..i];
                let line_end = i == b.len() || b[i] == b'\n';
                if line_end && let Some(t) = text.strip_suffix(b"\r") {
                    text = t;
                }
                let slot = *slot_of.get(field)?;
                if slot != usize::MAX {
                    self.row[slot] = number(text)?;
                } else if text.contains(&b'"') {
                    return None;
                }
                field += 1;
                i += 1;
                if line_end {
                    break;
                }
            }
            if field != slot_of.len() || !sink.take(self.line, &self.row) {
                return None;
            }
            self.line += 1;
        }
        Some(())
    }
}

/// A field as a number, or `None` when it is not in the plain-number alphabet (ASCII digits,
/// `.`, `-`, `+`, `e`, `E`, at least one digit) or not finite — the test of the general
/// reader's own fast path, which then parses with `str::parse::<f64>`.
///
/// Most fields are short decimals (`38.857143`): those are computed here as an exact integer
/// divided by an exact power of ten (at most 2^53 and 10^22), which IEEE division rounds
/// correctly — the same value any correct parser returns (Clinger's fast path, the one
/// `str::parse` itself takes first). Everything else goes through `str::parse`.
fn number(field: &[u8]) -> Option<f64> {
    let (negative, digits) = match field.first() {
        Some(b'-') => (true, &field[1..]),
        _ => (false, field),
    };
    let mut mantissa: u64 = 0;
    let mut decimals: Option<i32> = None;
    let mut simple = !digits.is_empty() && digits.len() <= 18;
    if simple {
        for &c in digits {
            match c {
                b'0'..=b'9' => {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    if let Some(d) = decimals.as_mut() {
                        *d += 1;
                    }
                }
                b'.' if decimals.is_none() => decimals = Some(0),
                _ => {
                    simple = false;
                    break;
                }
            }
        }
    }
    let k = decimals.unwrap_or(0);
    // A lone "." or "-" has no digit; those and long mantissas take the general path.
    let has_digit = digits.len() > usize::from(decimals.is_some());
    if simple && has_digit && mantissa <= 1 << 53 && k <= 22 {
        let v = mantissa as f64 / POW10[k as usize];
        return Some(if negative { -v } else { v });
    }
    let plain = field
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'))
        && field.iter().any(u8::is_ascii_digit);
    if !plain {
        return None;
    }
    std::str::from_utf8(field)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// 10^0 … 10^22, all exact in f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn check_ok(_: &[f64]) -> Result<(), String> {
        Ok(())
    }

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("custval-plain-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn reads_plain_rows_with_their_lines() {
        let p = write(
            "plain.csv",
            "\u{feff}id,frequency,recency,T\r\n7,2,30.43,38.86\r\n8,0,0,1e1\r\n",
        );
        let h = headers(&["id", "frequency", "recency", "T"]);
        let got = read(&p, &h, &[1, 2, 3], check_ok).expect("plain");
        assert_eq!(got.lines, vec![2, 3]);
        assert_eq!(got.nums, vec![2.0, 30.43, 38.86, 0.0, 0.0, 10.0]);
    }

    #[test]
    fn gives_up_on_anything_the_general_reader_must_judge() {
        let h = headers(&["frequency", "recency", "T"]);
        for (name, text) in [
            ("quoted.csv", "frequency,recency,T\n\"1\",2,3\n"),
            ("blank.csv", "frequency,recency,T\n1,2,3\n\n1,2,3\n"),
            ("short.csv", "frequency,recency,T\n1,2\n"),
            ("long.csv", "frequency,recency,T\n1,2,3,4\n"),
            ("formatted.csv", "frequency,recency,T\n1,\"1,200\",3\n"),
            ("percent.csv", "frequency,recency,T\n1,2,3%\n"),
            ("space.csv", "frequency,recency,T\n1, 2,3\n"),
            ("empty_field.csv", "frequency,recency,T\n1,,3\n"),
            ("nan.csv", "frequency,recency,T\n1,NaN,3\n"),
            ("header.csv", "frequency;recency;T\n1;2;3\n"),
            ("no_rows.csv", "frequency,recency,T\n"),
        ] {
            let p = write(name, text);
            assert!(read(&p, &h, &[0, 1, 2], check_ok).is_none(), "{name}");
        }
        let p = write("rejected.csv", "frequency,recency,T\n1,5,3\n");
        let refuse = |v: &[f64]| {
            if v[1] > v[2] {
                Err("recency > T".to_string())
            } else {
                Ok(())
            }
        };
        assert!(read(&p, &h, &[0, 1, 2], refuse).is_none());
    }

    /// The short-decimal path gives the bits `str::parse` gives.
    #[test]
    fn numbers_match_str_parse_bit_for_bit() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "0.0",
            "1",
            "38.857143",
            "0.142857",
            "-12.5",
            "007",
            "1.",
            ".5",
            "-.5",
            "9007199254740993",
            "123456789012345678",
            "1234567890123456789",
            "0.1",
            "0.3",
            "1e5",
            "1E-3",
            "+2",
            "2.5e+3",
            "0.0000000000000000000001",
            "1.7976931348623157",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        for _ in 0..20_000 {
            let r = next();
            let int = (r >> 20) % 100_000;
            let frac = r % 1_000_000;
            cases.push(format!("{int}.{frac:06}"));
            cases.push(format!("-{}.{}", r % 1000, r % 97));
            cases.push(format!(
                "{}",
                f64::from_bits(0x3FF0_0000_0000_0000 | (r >> 12)) * 1e3
            ));
        }
        for c in &cases {
            let want = c.parse::<f64>().ok().filter(|v| v.is_finite());
            let got = number(c.as_bytes());
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{c}");
        }
        for bad in [
            "", "-", ".", "1,5", "12%", " 1", "1 ", "NaN", "inf", "1e999", "--1", "x",
        ] {
            assert_eq!(number(bad.as_bytes()), None, "{bad}");
        }
    }

    fn rows(path: &Path, h: &[String], wanted: &[usize], split: Split) -> Option<PlainRows> {
        let parts = scan(path, h, wanted, split, || Rows {
            check: &check_ok,
            lines: Vec::new(),
            nums: Vec::new(),
        })?;
        let mut out = PlainRows {
            lines: Vec::new(),
            nums: Vec::new(),
        };
        let mut first_line = 2;
        for (r, line_count) in parts {
            out.lines.extend(r.lines.iter().map(|l| l + first_line));
            out.nums.extend(r.nums);
            first_line += line_count;
        }
        Some(out)
    }

    /// Every way of cutting the data into ranges and reads — ranges that start inside a line,
    /// on a newline, on a CR of a CRLF, reads of one byte — gives every row once, in file
    /// order, with its line.
    #[test]
    fn ranges_keep_file_order_and_line_numbers() {
        let h = headers(&["id", "frequency", "recency", "T"]);
        for (name, eol, tail) in [
            ("lf.csv", "\n", ""),
            ("crlf.csv", "\r\n", ""),
            ("blank_end.csv", "\n", "\n"),
            ("no_final_newline.csv", "\n", "x"),
        ] {
            let mut text = format!("id,frequency,recency,T{eol}");
            let n = 300;
            for i in 0..n {
                text.push_str(&format!("c{i},{},{}.5,{}.75{eol}", i % 7, i, i + 1));
            }
            if tail == "x" {
                text.truncate(text.len() - eol.len());
            } else {
                text.push_str(tail);
            }
            let p = write(name, &text);
            for parts in 1..=7 {
                for piece in [1, 2, 5, 64, 4096] {
                    let split = Split {
                        parts,
                        min_bytes: 1,
                        piece,
                    };
                    let got = rows(&p, &h, &[1, 2, 3], split)
                        .unwrap_or_else(|| panic!("{name} parts {parts} piece {piece}"));
                    assert_eq!(got.lines.len(), n, "{name} parts {parts} piece {piece}");
                    for (i, line) in got.lines.iter().enumerate() {
                        assert_eq!(*line, i as u64 + 2, "{name} {parts} {piece}");
                        assert_eq!(
                            got.nums[3 * i + 1],
                            i as f64 + 0.5,
                            "{name} {parts} {piece}"
                        );
                        assert_eq!(got.nums[3 * i + 2], i as f64 + 1.75);
                    }
                }
            }
        }
    }

    /// A blank line inside the data is the general reader's to judge, wherever the ranges cut.
    #[test]
    fn a_blank_line_inside_gives_up_on_every_cut() {
        let h = headers(&["frequency", "recency", "T"]);
        let mut text = String::from("frequency,recency,T\n");
        for i in 0..50 {
            text.push_str(&format!("{},{i},{}\n", i % 3, i + 1));
            if i == 24 {
                text.push('\n');
            }
        }
        let p = write("blank_inside.csv", &text);
        for parts in 1..=7 {
            for piece in [1, 3, 4096] {
                let split = Split {
                    parts,
                    min_bytes: 1,
                    piece,
                };
                assert!(rows(&p, &h, &[0, 1, 2], split).is_none(), "{parts} {piece}");
            }
        }
    }

    /// The counting sink sees the same rows as the row sink, on any cut.
    #[test]
    fn counts_are_the_rows_counted() {
        let h = headers(&["frequency", "recency", "T"]);
        let mut text = String::from("frequency,recency,T\n");
        for i in 0..2_000 {
            text.push_str(&format!("{},{}.25,{}\n", i % 5, i % 11, 11 + i % 13));
        }
        let p = write("counts.csv", &text);
        let mut want: FxHashMap<[u64; 3], f64> = FxHashMap::default();
        let all = rows(&p, &h, &[0, 1, 2], Split::threads()).expect("rows");
        for r in all.nums.chunks(3) {
            *want
                .entry([r[0].to_bits(), r[1].to_bits(), r[2].to_bits()])
                .or_default() += 1.0;
        }
        for parts in [1, 2, 5] {
            let split = Split {
                parts,
                min_bytes: 1,
                piece: 100,
            };
            let got = scan(&p, &h, &[0, 1, 2], split, || Counts::new(&check_ok)).expect("counts");
            let mut merged: FxHashMap<[u64; 3], f64> = FxHashMap::default();
            for (c, _) in got {
                for (k, n) in c.into_rows() {
                    *merged.entry(k).or_default() += n;
                }
            }
            assert_eq!(merged, want, "parts {parts}");
        }
    }
}
