//! Delimited text: sniffing, and a parallel block parser.
//!
//! One thread reads the (decoded) byte stream and cuts it into blocks that end on a record
//! boundary; worker threads parse blocks with the `csv` crate and fold rows into their own
//! states. Cutting is quote-aware, so quoted fields with embedded newlines stay whole.
//!
//! Line endings: LF, CRLF and a bare CR (classic Mac, some Excel exports) all end a line, as
//! they do in Excel and in the `csv` crate. The cutter, the line counter and the fast parser
//! look for LF only, so the decoded stream goes through [`BareCrToLf`], which turns every line
//! ending into LF: a CR-only or mixed file reads as the same rows as its LF twin, with the same
//! line numbers (issue 18: a CR-only file imported as one row, a bare CR inside an LF file
//! silently merged two orders, and after a CRLF header the fast parser's line numbers were one
//! too high).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use encoding_rs::{Encoding, UTF_8};

use crate::encoding::{DecodingReader, binary_offset, detect};
use crate::{
    Cell, FoldResult, IngestError, Plan, ReadOptions, Row, ScanReport, join_workers, with_cells,
};

const SAMPLE: usize = 64 << 10;
/// Largest and smallest blocks handed to a parser thread. A file is cut into about eight
/// blocks per thread, so that a small file (a 30 MB summary) still keeps every core busy and
/// does not wait for one 4 MiB read before parsing starts.
const BLOCK: usize = 4 << 20;
const MIN_BLOCK: usize = 256 << 10;

fn block_size(file_len: u64, threads: usize) -> usize {
    let per = file_len / (threads.max(1) as u64 * 8);
    (per as usize).clamp(MIN_BLOCK, BLOCK)
}

#[derive(Debug, Clone)]
pub(crate) struct CsvLayout {
    pub headers: Vec<String>,
    pub encoding: &'static Encoding,
    bom: usize,
    delimiter: u8,
    /// Decoded bytes of the header record, including its line end.
    header_len: usize,
    /// Physical lines the header spans (a quoted header name may hold a newline).
    header_lines: u64,
}

impl CsvLayout {
    pub fn detect(path: &Path, options: &ReadOptions) -> Result<CsvLayout, IngestError> {
        let (encoding, bom) = sniff_encoding(path, options)?;
        let mut layout = CsvLayout {
            headers: Vec::new(),
            encoding,
            bom,
            delimiter: options.delimiter.unwrap_or(b','),
            header_len: 0,
            header_lines: 1,
        };
        let text = layout.header_text(path, options)?;
        let first_line_end = memchr::memchr(b'\n', &text).unwrap_or(text.len());
        if std::str::from_utf8(&text[..first_line_end]).is_err() {
            return Err(encoding_error(path, 1, encoding));
        }
        if options.delimiter.is_none() {
            layout.delimiter = sniff_delimiter(&text[..first_line_end]);
        }
        layout.read_header(path, &text)?;
        Ok(layout)
    }

    /// Decoded text from the start of the file up to at least the end of the first line (or
    /// the whole file, when it has one line).
    fn header_text(&self, path: &Path, options: &ReadOptions) -> Result<Vec<u8>, IngestError> {
        let mut stream = self.open(path, None)?;
        let mut text = Vec::new();
        loop {
            let before = text.len();
            let eof = match (&mut stream).take(SAMPLE as u64).read_to_end(&mut text) {
                Ok(_) => text.len() - before < SAMPLE,
                // Malformed input further on: the header may still be complete; the scan
                // reports the failing line.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    if memchr::memchr(b'\n', &text).is_none() {
                        return Err(encoding_error(path, 1, self.encoding));
                    }
                    true
                }
                Err(source) => {
                    return Err(IngestError::Io {
                        path: path.to_path_buf(),
                        source,
                    });
                }
            };
            if memchr::memchr(b'\n', &text).is_some() || eof {
                return Ok(text);
            }
            if text.len() > options.max_record_bytes {
                return Err(IngestError::RecordTooLong {
                    path: path.to_path_buf(),
                    line: 1,
                    limit: options.max_record_bytes,
                });
            }
        }
    }

    /// The header record at the start of `text`: its names (blank ones become `columnN`), its
    /// length and the lines it spans.
    fn read_header(&mut self, path: &Path, text: &[u8]) -> Result<(), IngestError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(text);
        let mut rec = csv::ByteRecord::new();
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => {
                return Err(IngestError::Empty {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => {
                return Err(IngestError::Csv {
                    path: path.to_path_buf(),
                    line: 1,
                    message: e.to_string(),
                });
            }
        }
        self.header_len = rdr.position().byte() as usize;
        self.header_lines = rdr.position().line().saturating_sub(1).max(1);
        self.headers = rec
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = String::from_utf8_lossy(h);
                let h = h.trim_start_matches('\u{feff}').trim();
                if h.is_empty() {
                    format!("column{}", i + 1)
                } else {
                    h.to_string()
                }
            })
            .collect();
        Ok(())
    }

    /// The file as a UTF-8 byte stream, BOM skipped; `counter` counts raw bytes read.
    fn open(
        &self,
        path: &Path,
        counter: Option<Arc<AtomicU64>>,
    ) -> Result<Box<dyn Read + Send>, IngestError> {
        let io = |source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        file.seek(SeekFrom::Start(self.bom as u64)).map_err(io)?;
        let counted = Counting {
            inner: file,
            counter,
        };
        Ok(if self.encoding == UTF_8 {
            Box::new(BareCrToLf::new(counted))
        } else {
            Box::new(BareCrToLf::new(DecodingReader::new(counted, self.encoding)))
        })
    }
}

/// The file's encoding and BOM length from its first 64 KiB (UTF-16 by its BOM; a binary file
/// is an error).
fn sniff_encoding(
    path: &Path,
    options: &ReadOptions,
) -> Result<(&'static Encoding, usize), IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut sample = Vec::with_capacity(SAMPLE);
    (&mut file)
        .take(SAMPLE as u64)
        .read_to_end(&mut sample)
        .map_err(io)?;
    let complete = sample.len() < SAMPLE;
    let utf16 = sample.starts_with(b"\xFF\xFE") || sample.starts_with(b"\xFE\xFF");
    if utf16 {
        let enc = if sample[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        return Ok((enc, 2));
    }
    if let Some(offset) = binary_offset(&sample) {
        return Err(IngestError::Binary {
            path: path.to_path_buf(),
            offset,
        });
    }
    let d = detect(&sample, options.encoding, complete);
    Ok((d.encoding, d.bom))
}

/// Turns every line ending into LF: CRLF loses its CR and a bare CR becomes LF, so that the
/// cutter, the line counter, the header reader and both parsers see one convention (issue 18).
/// A CRLF inside a quoted field becomes LF too: still a line break in the cell. Works in place
/// in the caller's buffer with one byte of look-ahead: a CR at the end of a read needs the next
/// byte to be decided, which is then held for the next call.
pub(crate) struct BareCrToLf<R> {
    inner: R,
    held: Option<u8>,
}

impl<R: Read> BareCrToLf<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self { inner, held: None }
    }

    fn read_one(&mut self) -> std::io::Result<Option<u8>> {
        let mut one = [0u8];
        loop {
            match self.inner.read(&mut one) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(one[0])),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl<R: Read> Read for BareCrToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        // A read whose bytes all vanish (a lone CR before a held LF) must not look like the
        // end of the stream: go on until something is produced or the input ends.
        loop {
            let mut n = 0;
            if let Some(b) = self.held.take() {
                out[0] = b;
                n = 1;
            }
            if n < out.len() {
                n += self.inner.read(&mut out[n..])?;
            }
            if n == 0 {
                return Ok(0);
            }
            // The byte after the last one, when the last one is a CR.
            let after = if out[n - 1] == b'\r' {
                let next = self.read_one()?;
                self.held = next;
                next
            } else {
                None
            };
            // Most files have no CR at all: one memchr pass, no copy.
            let Some(first) = memchr::memchr(b'\r', &out[..n]) else {
                return Ok(n);
            };
            let mut w = first;
            for r in first..n {
                let b = out[r];
                if b == b'\r' {
                    let next = if r + 1 < n { Some(out[r + 1]) } else { after };
                    if next == Some(b'\n') {
                        continue; // CRLF: the LF that follows ends the line
                    }
                    out[w] = b'\n';
                } else {
                    out[w] = b;
                }
                w += 1;
            }
            if w > 0 {
                return Ok(w);
            }
        }
    }
}

struct Counting<R> {
    inner: R,
    counter: Option<Arc<AtomicU64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(c) = &self.counter {
            c.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

fn encoding_error(path: &Path, line: u64, encoding: &'static Encoding) -> IngestError {
    IngestError::Encoding {
        path: path.to_path_buf(),
        line,
        encoding: encoding.name(),
        hint: if encoding == UTF_8 {
            "; the file is not UTF-8 or mixes encodings (try --encoding gbk)"
        } else {
            "; the file mixes encodings or is not in this encoding (try --encoding utf-8 or gb18030)"
        },
    }
}

/// Picks the delimiter that occurs most often outside quotes in the header line.
fn sniff_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &c in line {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(k) = cands.iter().position(|d| *d == c) {
                counts[k] += 1;
            }
        }
    }
    let mut best = 0;
    for k in 1..4 {
        if counts[k] > counts[best] {
            best = k;
        }
    }
    cands[best]
}

/// Index of the `\n` that ends the last complete record in `buf`, if any.
pub(crate) fn last_record_end(buf: &[u8], delimiter: u8) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf);
    }
    #[derive(PartialEq)]
    enum St {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut st = St::FieldStart;
    let mut last = None;
    let mut prev: Option<usize> = None;
    for pos in memchr::memchr3_iter(b'"', b'\n', delimiter, buf) {
        // Ordinary bytes between two events move the state on.
        if prev.is_none_or(|p| pos > p + 1) && (prev.is_some() || pos > 0) {
            st = match st {
                St::FieldStart | St::Unquoted | St::QuoteInQuoted => St::Unquoted,
                St::Quoted => St::Quoted,
            };
        }
        let c = buf[pos];
        st = match (st, c) {
            (St::FieldStart, b'"') => St::Quoted,
            (St::Quoted, b'"') => St::QuoteInQuoted,
            (St::QuoteInQuoted, b'"') => St::Quoted,
            (St::Unquoted, b'"') => St::Unquoted,
            (St::Quoted, _) => St::Quoted,
            (_, b'\n') => {
                last = Some(pos);
                St::FieldStart
            }
            (_, _) => St::FieldStart,
        };
        prev = Some(pos);
    }
    last
}

/// Appends up to `want` bytes; returns whether the end of input was reached.
fn read_full(r: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    buf.reserve(want);
    // `read_to_end` fills spare capacity without zeroing it first.
    let n = r.take(want as u64).read_to_end(buf)?;
    Ok(n < want)
}

struct Block {
    bytes: Vec<u8>,
    first_line: u64,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn scan<S, I, F>(
    path: &Path,
    layout: &CsvLayout,
    options: &ReadOptions,
    threads: usize,
    plan: &Plan<'_>,
    init: &I,
    fold: &F,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(Vec<S>, ScanReport), IngestError>
where
    S: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &Row<'_>) -> FoldResult + Sync,
{
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let counter = Arc::new(AtomicU64::new(0));
    let mut stream = layout.open(path, Some(counter.clone()))?;
    let stop = AtomicBool::new(false);
    let workers = threads.max(1);
    std::thread::scope(|scope| {
        let (tx, rx) = crossbeam_channel::bounded::<Block>(workers * 2);
        let (free_tx, free_rx) = crossbeam_channel::unbounded::<Vec<u8>>();
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let rx = rx.clone();
                let free_tx = free_tx.clone();
                let stop = &stop;
                scope.spawn(move || {
                    let mut state = init();
                    let mut report = ScanReport::default();
                    for block in rx.iter() {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        if let Err(e) =
                            parse_block(path, layout, &block, plan, &mut state, fold, &mut report)
                        {
                            stop.store(true, Ordering::Relaxed);
                            return Err(e);
                        }
                        let _ = free_tx.send(block.bytes);
                    }
                    Ok((state, report))
                })
            })
            .collect();
        drop(rx);
        let read = cut_blocks(
            path,
            layout,
            options,
            &mut *stream,
            &tx,
            &free_rx,
            &stop,
            block_size(total, workers),
            &|| progress(counter.load(Ordering::Relaxed), total),
        );
        drop(tx);
        let joined = join_workers(handles, read.err(), || IngestError::Csv {
            path: path.to_path_buf(),
            line: 0,
            message: "a parser thread stopped unexpectedly".into(),
        });
        progress(total, total);
        joined
    })
}

#[allow(clippy::too_many_arguments)]
fn cut_blocks(
    path: &Path,
    layout: &CsvLayout,
    options: &ReadOptions,
    stream: &mut dyn Read,
    tx: &crossbeam_channel::Sender<Block>,
    free: &crossbeam_channel::Receiver<Vec<u8>>,
    stop: &AtomicBool,
    block: usize,
    tick: &dyn Fn(),
) -> Result<(), IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Skip the header record.
    let mut header = Vec::new();
    read_full(stream, &mut header, layout.header_len).map_err(io)?;
    let mut line = 1 + layout.header_lines;
    let mut carry: Vec<u8> = Vec::new();
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut buf = free
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(block * 2));
        buf.clear();
        buf.extend_from_slice(&carry);
        let eof = match read_full(stream, &mut buf, block) {
            Ok(eof) => eof,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
                return Err(encoding_error(path, line + lines, layout.encoding));
            }
            Err(e) => return Err(io(e)),
        };
        tick();
        if eof {
            let tail =
                last_record_end(&buf, layout.delimiter).map_or(buf.len(), |e| buf.len() - e - 1);
            if tail > options.max_record_bytes {
                let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
                return Err(IngestError::RecordTooLong {
                    path: path.to_path_buf(),
                    line: line + lines,
                    limit: options.max_record_bytes,
                });
            }
            if !buf.is_empty() {
                let _ = tx.send(Block {
                    bytes: buf,
                    first_line: line,
                });
            }
            return Ok(());
        }
        match last_record_end(&buf, layout.delimiter) {
            Some(end) => {
                carry.clear();
                carry.extend_from_slice(&buf[end + 1..]);
                buf.truncate(end + 1);
                let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
                if tx
                    .send(Block {
                        bytes: buf,
                        first_line: line,
                    })
                    .is_err()
                {
                    return Ok(());
                }
                line += lines;
            }
            None => {
                if buf.len() > options.max_record_bytes {
                    return Err(IngestError::RecordTooLong {
                        path: path.to_path_buf(),
                        line,
                        limit: options.max_record_bytes,
                    });
                }
                carry = buf;
            }
        }
        if carry.len() > options.max_record_bytes {
            return Err(IngestError::RecordTooLong {
                path: path.to_path_buf(),
                line,
                limit: options.max_record_bytes,
            });
        }
    }
}

fn parse_block<S, F>(
    path: &Path,
    layout: &CsvLayout,
    block: &Block,
    plan: &Plan<'_>,
    state: &mut S,
    fold: &F,
    report: &mut ScanReport,
) -> Result<(), IngestError>
where
    F: Fn(&mut S, &Row<'_>) -> FoldResult,
{
    let max_col = plan.columns.iter().copied().max().unwrap_or(0);
    if memchr::memchr(b'"', &block.bytes).is_none() && max_col < SPLIT_FIELDS {
        return split_block(path, layout, block, plan, max_col, state, fold, report);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(layout.delimiter)
        .from_reader(&block.bytes[..]);
    let mut rec = csv::ByteRecord::new();
    let n = plan.columns.len();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                let line = e
                    .position()
                    .map_or(block.first_line, |p| block.first_line + p.line() - 1);
                return Err(IngestError::Csv {
                    path: PathBuf::from(path),
                    line,
                    message: e.to_string(),
                });
            }
        }
        let line = rec
            .position()
            .map_or(block.first_line, |p| block.first_line + p.line() - 1);
        let rec = &rec;
        with_cells(
            n,
            |i| match rec.get(plan.columns[i]) {
                Some(bytes) => std::str::from_utf8(bytes).ok().map(Cell::Str),
                None => Some(Cell::Null),
            },
            |cells| {
                plan.finish_row(line, cells, state, fold, report, || {
                    rec.iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect()
                })
            },
        )
        .ok_or_else(|| encoding_error(path, line, layout.encoding))?;
    }
}

/// Fields a quote-free line is split into by hand before falling back to the `csv` crate.
const SPLIT_FIELDS: usize = 64;

/// The fast path for blocks without any quote character: a record is a line, fields are cut
/// at the delimiter, and only the columns up to the last one requested are looked at. The
/// result is what the `csv` crate would give for such input (empty lines skipped, CRLF
/// accepted), at a fraction of the cost. Only the fields used are checked for valid UTF-8.
#[allow(clippy::too_many_arguments)]
fn split_block<S, F>(
    path: &Path,
    layout: &CsvLayout,
    block: &Block,
    plan: &Plan<'_>,
    max_col: usize,
    state: &mut S,
    fold: &F,
    report: &mut ScanReport,
) -> Result<(), IngestError>
where
    F: Fn(&mut S, &Row<'_>) -> FoldResult,
{
    let bytes = &block.bytes[..];
    let delim = layout.delimiter;
    let mut cells = vec![Cell::Null; plan.columns.len()];
    let mut line = block.first_line;
    let mut pos = 0;
    let mut bounds = [(0usize, 0usize); SPLIT_FIELDS];
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |e| pos + e);
        let mut rec = &bytes[pos..end];
        if let [head @ .., b'\r'] = rec {
            rec = head;
        }
        if !rec.is_empty() {
            // Cut fields up to the last requested column.
            let mut count = 0;
            let mut start = 0;
            for d in memchr::memchr_iter(delim, rec) {
                bounds[count] = (start, d);
                count += 1;
                start = d + 1;
                if count > max_col {
                    break;
                }
            }
            if count <= max_col {
                bounds[count] = (start, rec.len());
                count += 1;
            }
            // The row's cells are filled in place (see the Parquet scan for why).
            for (c, &col) in cells.iter_mut().zip(plan.columns) {
                *c = if col >= count {
                    Cell::Null
                } else {
                    let (a, b) = bounds[col];
                    match std::str::from_utf8(&rec[a..b]) {
                        Ok(text) => Cell::Str(text),
                        Err(_) => return Err(encoding_error(path, line, layout.encoding)),
                    }
                };
            }
            plan.finish_row(line, &cells, state, fold, report, || {
                rec.split(|b| *b == delim)
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect()
            });
        }
        line += 1;
        pos = end + 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    fn through_cr_filter(bytes: &[u8], chunk: usize) -> Vec<u8> {
        // A reader that hands out at most `chunk` bytes per call, to put CRs at read edges.
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = BareCrToLf::new(Chunks(bytes, chunk));
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk.max(1)];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn every_line_ending_becomes_lf() {
        for chunk in [1, 2, 3, 5, 64] {
            assert_eq!(through_cr_filter(b"a\rb\r\nc\nd\r", chunk), b"a\nb\nc\nd\n");
            assert_eq!(through_cr_filter(b"\r\r\n\r", chunk), b"\n\n\n");
            assert_eq!(through_cr_filter(b"\r\n", chunk), b"\n");
            assert_eq!(through_cr_filter(b"x", chunk), b"x");
            assert_eq!(through_cr_filter(b"", chunk), b"");
        }
    }

    use super::*;

    #[test]
    fn sniffs() {
        assert_eq!(sniff_delimiter(b"a,b,c"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a,b\";c;d"), b';');
    }

    #[test]
    fn cuts_outside_quotes() {
        let buf = b"a,b\n\"x\ny\",2\nc,\"d\n";
        // The last newline is inside an open quote; the one before it ends a record.
        assert_eq!(last_record_end(buf, b','), Some(11));
        let buf = b"a,\"he said \"\"hi\"\"\"\nb,c\n";
        assert_eq!(last_record_end(buf, b','), Some(buf.len() - 1));
        let buf = b"5\" disk,1\n";
        assert_eq!(last_record_end(buf, b','), Some(9));
    }
}
