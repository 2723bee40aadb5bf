//! Reads the tables a company exports — CSV in UTF-8, UTF-8 with BOM, GBK or GB18030, XLSX
//! workbooks and Parquet files — into typed rows, and accounts for every row it reads.
//!
//! Why a crate of its own: every custval command that takes a file (`rfm`, `abc`, `clv`,
//! `weights`, `import`) must agree on what a date is, what an amount is, which column is meant
//! and what happens to a row that cannot be read. Doing that once here is what lets the product
//! promise that *every row read is either accepted or quarantined with a reason*.
//!
//! Design decisions a newcomer might question:
//! - **Callers ask for named fields with a kind** ([`Field`]: text, date or number) instead of
//!   receiving string records. The parsing of `2024年1月31日`, `¥1,234` or `(120.00)` then
//!   happens in one place ([`parse`]), and a failure becomes a quarantine reason that names the
//!   column and the value.
//! - **Scans fold rows into per-thread partial states** ([`Source::scan`]) that the caller
//!   merges. Memory therefore grows with what the caller keeps (for RFM: one entry per
//!   customer), not with the number of rows, and a CSV is parsed on all cores: the file is cut
//!   into blocks at record boundaries (quote-aware) and each block is parsed by a worker.
//! - **Encoding is detected, never guessed silently wrong**: a BOM wins; else valid UTF-8 is
//!   UTF-8; else `chardetng` decides (GBK/GB18030 in practice). Malformed bytes in the chosen
//!   encoding are an error naming the line, not replacement characters in customer names.
//! - **Line numbers are the ones a user sees in a text editor or Excel**: the header is line 1.
//!   For XLSX it is the sheet's row number; for Parquet the 1-based record number plus one, so
//!   that the first data record is "line 2" everywhere.
//!
//! What it is not for: writing files (see `custval-export`), or knowing what the columns mean
//! (the caller maps `customer_id` to `客户编号`).

mod csv_source;
mod encoding;
pub mod group;
mod parquet_source;
pub mod parse;
mod plain_csv;
mod reason;
mod xlsx_source;

use std::path::{Path, PathBuf};

pub use encoding::EncodingChoice;
pub use plain_csv::{PlainCounts, PlainRows};
pub use reason::{Expected, Reason};

/// Errors that stop a whole file; rows that fail are [`Rejected`] instead.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: cannot read the file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    #[error(
        "{path}: unsupported file type {ext:?}; use .csv, .tsv or .txt (text), .xlsx/.xls (Excel) or .parquet"
    )]
    UnsupportedFormat { path: PathBuf, ext: String },
    #[error("{path}: no column named {wanted:?} (the file has: {available})")]
    MissingColumn {
        path: PathBuf,
        wanted: String,
        available: String,
    },
    #[error("{path}: column {name:?} appears more than once in the header")]
    DuplicateColumn { path: PathBuf, name: String },
    #[error(
        "{path}: line {line}: a record longer than {limit} bytes; this does not look like a table"
    )]
    RecordTooLong {
        path: PathBuf,
        line: u64,
        limit: usize,
    },
    #[error("{path}: line {line}: bytes that are not valid {encoding}{hint}")]
    Encoding {
        path: PathBuf,
        line: u64,
        encoding: &'static str,
        hint: &'static str,
    },
    #[error(
        "{path}: this is not a text table (binary data near byte {offset}); expected CSV, XLSX or Parquet"
    )]
    Binary { path: PathBuf, offset: usize },
    #[error("{path}: line {line}: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{path}: {message}")]
    Workbook { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Parquet { path: PathBuf, message: String },
    #[error(
        "{path}: {rejected} of {read} rows were rejected and --strict is set (first: line {line}: {reason})"
    )]
    Strict {
        path: PathBuf,
        read: u64,
        rejected: u64,
        line: u64,
        reason: String,
    },
}

/// How a field's text is to be understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A calendar date; becomes days since 1970-01-01.
    Date,
    /// An amount or count; see [`parse::parse_number`] for the accepted forms.
    Number,
}

/// A column the caller wants, by the name it has in the file.
#[derive(Debug, Clone)]
pub struct Field {
    /// Column name as in the file's header (matched case-insensitively, trimmed).
    pub column: String,
    pub kind: Kind,
    /// A row with this field empty is rejected ("missing …"); an optional empty field is
    /// [`Value::Missing`].
    pub required: bool,
}

impl Field {
    pub fn required(column: impl Into<String>, kind: Kind) -> Self {
        Field {
            column: column.into(),
            kind,
            required: true,
        }
    }
    pub fn optional(column: impl Into<String>, kind: Kind) -> Self {
        Field {
            column: column.into(),
            kind,
            required: false,
        }
    }
}

/// A parsed field value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Missing,
    Text(&'a str),
    Date(i32),
    Number(f64),
}

/// One accepted row: the requested fields in the order they were requested.
#[derive(Debug)]
pub struct Row<'a> {
    /// Line number as a user sees it (header = line 1).
    pub line: u64,
    pub values: &'a [Value<'a>],
}

impl Row<'_> {
    pub fn text(&self, i: usize) -> Option<&str> {
        match self.values.get(i) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }
    pub fn date(&self, i: usize) -> Option<i32> {
        match self.values.get(i) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }
    pub fn number(&self, i: usize) -> Option<f64> {
        match self.values.get(i) {
            Some(Value::Number(v)) => Some(*v),
            _ => None,
        }
    }
}

/// A row that was read but not accepted, with everything needed to find and fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub line: u64,
    pub reason: Reason,
    /// The row's fields as read (all columns for text files, the requested ones otherwise).
    pub fields: Vec<String>,
}

/// Options that apply to every format.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub encoding: EncodingChoice,
    /// XLSX: the sheet to read (default: the first one).
    pub sheet: Option<String>,
    /// CSV: the delimiter (default: sniffed from the header among `,` `;` tab `|`).
    pub delimiter: Option<u8>,
    /// Worker threads for CSV and Parquet (0 = one per core).
    pub threads: usize,
    /// CSV: a record longer than this is an error, so a 2 GB line is refused, not buffered.
    pub max_record_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: EncodingChoice::Auto,
            sheet: None,
            delimiter: None,
            threads: 0,
            max_record_bytes: 8 << 20,
        }
    }
}

/// The physical format of a table, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Parquet,
}

impl Format {
    pub fn from_path(path: &Path) -> Result<Format, IngestError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "txt" | "tab" => Ok(Format::Csv),
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Ok(Format::Xlsx),
            "parquet" | "pq" => Ok(Format::Parquet),
            _ => Err(IngestError::UnsupportedFormat {
                path: path.to_path_buf(),
                ext,
            }),
        }
    }
}

/// Everything a scan found besides the caller's states.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// Data rows read (accepted + rejected).
    pub read: u64,
    /// Rejected rows, in file order.
    pub rejected: Vec<Rejected>,
}

impl ScanReport {
    pub fn accepted(&self) -> u64 {
        self.read - self.rejected.len() as u64
    }
}

/// What the per-row callback of a scan may say about a row it was given.
pub type FoldResult = Result<(), Reason>;

/// An opened table: its format, encoding, delimiter and header are known.
#[derive(Debug)]
pub struct Source {
    path: PathBuf,
    format: Format,
    options: ReadOptions,
    headers: Vec<String>,
    csv: Option<csv_source::CsvLayout>,
    /// An XLSX sheet, read once when the file is opened.
    sheet: Option<calamine::Range<calamine::Data>>,
}

impl Source {
    /// Opens a table and reads its header. Fails on a missing, empty or binary file.
    pub fn open(path: impl AsRef<Path>, options: ReadOptions) -> Result<Source, IngestError> {
        let path = path.as_ref().to_path_buf();
        let format = Format::from_path(&path)?;
        let meta = std::fs::metadata(&path).map_err(|source| IngestError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            return Err(IngestError::Io {
                path,
                source: std::io::Error::other("is a directory, not a file"),
            });
        }
        if meta.len() == 0 {
            return Err(IngestError::Empty { path });
        }
        let mut sheet = None;
        let (headers, csv) = match format {
            Format::Csv => {
                let layout = csv_source::CsvLayout::detect(&path, &options)?;
                (layout.headers.clone(), Some(layout))
            }
            Format::Xlsx => {
                let range = xlsx_source::load(&path, &options)?;
                let headers = xlsx_source::headers(&path, &range)?;
                sheet = Some(range);
                (headers, None)
            }
            Format::Parquet => (parquet_source::headers(&path)?, None),
        };
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(IngestError::Empty { path });
        }
        Ok(Source {
            path,
            format,
            options,
            headers,
            csv,
            sheet,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Column names as in the file (trimmed, BOM removed).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The encoding a CSV file was read in (`None` for XLSX and Parquet).
    pub fn encoding_name(&self) -> Option<&'static str> {
        self.csv.as_ref().map(|c| c.encoding.name())
    }

    /// Whether the file has a column of this name (case-insensitive, trimmed).
    pub fn has_column(&self, name: &str) -> bool {
        self.column_index(name).is_ok()
    }

    /// Index of a column by name, case-insensitively; a clear error names the columns present.
    pub fn column_index(&self, name: &str) -> Result<usize, IngestError> {
        let wanted = name.trim();
        let mut found = None;
        for (i, h) in self.headers.iter().enumerate() {
            if h.trim().eq_ignore_ascii_case(wanted) || h.trim() == wanted {
                if found.is_some() {
                    return Err(IngestError::DuplicateColumn {
                        path: self.path.clone(),
                        name: wanted.to_string(),
                    });
                }
                found = Some(i);
            }
        }
        found.ok_or_else(|| IngestError::MissingColumn {
            path: self.path.clone(),
            wanted: wanted.to_string(),
            available: self.headers.join(", "),
        })
    }

    /// Reads every row, turns the requested fields into [`Value`]s and folds accepted rows into
    /// per-worker states made by `init`. Rows the fields cannot be parsed from, and rows
    /// `fold` refuses with a reason, are reported as rejected; nothing is silently dropped.
    ///
    /// `progress` is called now and then with (bytes or rows done, total).
    pub fn scan<S, I, F>(
        &self,
        fields: &[Field],
        init: I,
        fold: F,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<(Vec<S>, ScanReport), IngestError>
    where
        S: Send,
        I: Fn() -> S + Sync,
        F: Fn(&mut S, &Row<'_>) -> FoldResult + Sync,
    {
        let columns = fields
            .iter()
            .map(|f| self.column_index(&f.column))
            .collect::<Result<Vec<_>, _>>()?;
        let plan = Plan {
            fields,
            columns: &columns,
        };
        let threads = match self.options.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let (states, mut report) = match (&self.csv, self.format) {
            (Some(layout), _) => csv_source::scan(
                &self.path,
                layout,
                &self.options,
                threads,
                &plan,
                &init,
                &fold,
                progress,
            )?,
            (None, Format::Xlsx) => match &self.sheet {
                Some(range) => xlsx_source::scan(range, &plan, &init, &fold, progress)?,
                None => {
                    return Err(IngestError::Empty {
                        path: self.path.clone(),
                    });
                }
            },
            (None, _) => parquet_source::scan(&self.path, threads, &plan, &init, &fold, progress)?,
        };
        report.rejected.sort_by_key(|r| r.line);
        Ok((states, report))
    }

    /// Reads all rows into memory in file order; for small tables (weights, CLV summaries).
    pub fn read_all(&self, fields: &[Field]) -> Result<(Vec<OwnedRow>, ScanReport), IngestError> {
        let (parts, report) = self.scan(
            fields,
            Vec::new,
            |rows: &mut Vec<OwnedRow>, row| {
                rows.push(OwnedRow::from(row));
                Ok(())
            },
            &|_, _| {},
        )?;
        let mut rows: Vec<OwnedRow> = parts.into_iter().flatten().collect();
        rows.sort_by_key(|r| r.line);
        Ok((rows, report))
    }
}

/// A row kept beyond the scan.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedRow {
    pub line: u64,
    pub values: Vec<OwnedValue>,
}

/// A parsed value that owns its text.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedValue {
    Missing,
    Text(String),
    Date(i32),
    Number(f64),
}

impl From<&Row<'_>> for OwnedRow {
    fn from(row: &Row<'_>) -> Self {
        OwnedRow {
            line: row.line,
            values: row
                .values
                .iter()
                .map(|v| match v {
                    Value::Missing => OwnedValue::Missing,
                    Value::Text(s) => OwnedValue::Text((*s).to_string()),
                    Value::Date(d) => OwnedValue::Date(*d),
                    Value::Number(x) => OwnedValue::Number(*x),
                })
                .collect(),
        }
    }
}

impl OwnedRow {
    pub fn text(&self, i: usize) -> Option<&str> {
        match self.values.get(i) {
            Some(OwnedValue::Text(s)) => Some(s),
            _ => None,
        }
    }
    pub fn date(&self, i: usize) -> Option<i32> {
        match self.values.get(i) {
            Some(OwnedValue::Date(d)) => Some(*d),
            _ => None,
        }
    }
    pub fn number(&self, i: usize) -> Option<f64> {
        match self.values.get(i) {
            Some(OwnedValue::Number(x)) => Some(*x),
            _ => None,
        }
    }
}

/// Builds one row's cells with `cell(i)` for each requested field, in scratch that is not
/// zero-filled per row (on the stack up to [`STACK_FIELDS`] fields), and hands them to `use_`.
/// `None` from `cell` (a field that is not valid text) stops the row and returns `None`; the
/// caller names the error. An `Option` rather than a `Result` with the large error type keeps
/// the per-field value in registers, which showed in profiles at millions of rows.
pub(crate) fn with_cells<'a, R>(
    n: usize,
    mut cell: impl FnMut(usize) -> Option<Cell<'a>>,
    use_: impl FnOnce(&[Cell<'a>]) -> R,
) -> Option<R> {
    if n <= STACK_FIELDS {
        let mut stack: arrayvec::ArrayVec<Cell<'a>, STACK_FIELDS> = arrayvec::ArrayVec::new();
        for i in 0..n {
            stack.push(cell(i)?);
        }
        Some(use_(&stack))
    } else {
        let heap = (0..n).map(cell).collect::<Option<Vec<_>>>()?;
        Some(use_(&heap))
    }
}

/// What a scan worker hands back.
pub(crate) type WorkerResult<S> = Result<(S, ScanReport), IngestError>;

/// Joins scan workers: collects their states, merges their reports, and keeps the error at the
/// earliest line when several failed (`first_err` is one the caller already has). `lost` makes
/// the error for a worker that stopped without a result.
pub(crate) fn join_workers<S>(
    handles: Vec<std::thread::ScopedJoinHandle<'_, WorkerResult<S>>>,
    mut first_err: Option<IngestError>,
    lost: impl Fn() -> IngestError,
) -> Result<(Vec<S>, ScanReport), IngestError> {
    let mut states = Vec::with_capacity(handles.len());
    let mut report = ScanReport::default();
    for h in handles {
        match h.join() {
            Ok(Ok((s, r))) => {
                states.push(s);
                report.read += r.read;
                report.rejected.extend(r.rejected);
            }
            Ok(Err(e)) => {
                first_err = Some(match first_err {
                    Some(prev) if error_line(&prev) <= error_line(&e) => prev,
                    _ => e,
                });
            }
            Err(_) => {
                first_err.get_or_insert_with(&lost);
            }
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok((states, report)),
    }
}

/// The line an error names, for choosing the earliest; errors without one sort last.
fn error_line(e: &IngestError) -> u64 {
    match e {
        IngestError::Encoding { line, .. }
        | IngestError::Csv { line, .. }
        | IngestError::RecordTooLong { line, .. } => *line,
        _ => u64::MAX,
    }
}

/// The requested fields and where they are in the file.
pub(crate) struct Plan<'a> {
    pub fields: &'a [Field],
    pub columns: &'a [usize],
}

/// A field as a format delivers it, before it is checked against the requested [`Kind`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Null,
    Str(&'a str),
    Num(f64),
    Date(i32),
}

/// How many fields a row may request before scratch space moves from the stack to the heap.
pub(crate) const STACK_FIELDS: usize = 8;

impl Plan<'_> {
    /// Checks one cell against its field; `Err` is the quarantine reason. Inlined: returned
    /// through memory, the value cost a store-forwarding stall per field in profiles.
    #[inline(always)]
    fn convert<'t>(&self, i: usize, cell: Cell<'t>) -> Result<Value<'t>, Reason> {
        let field = &self.fields[i];
        match cell {
            Cell::Null => self.missing(i),
            Cell::Str(raw) => {
                let s = raw.trim();
                if s.is_empty() {
                    return self.missing(i);
                }
                match field.kind {
                    Kind::Text => Ok(Value::Text(s)),
                    Kind::Date => {
                        parse::parse_date(s)
                            .map(Value::Date)
                            .ok_or_else(|| Reason::BadDate {
                                column: field.column.clone(),
                                value: s.to_string(),
                            })
                    }
                    Kind::Number => {
                        parse::parse_number(s)
                            .map(Value::Number)
                            .ok_or_else(|| Reason::BadNumber {
                                column: field.column.clone(),
                                value: s.to_string(),
                            })
                    }
                }
            }
            Cell::Num(x) => match field.kind {
                Kind::Number if x.is_finite() => Ok(Value::Number(x)),
                Kind::Date => parse::days_from_excel_serial(x)
                    .map(Value::Date)
                    .ok_or_else(|| Reason::BadSerialDate {
                        column: field.column.clone(),
                        serial: x.to_string(),
                    }),
                _ => Err(Reason::BadValue {
                    column: field.column.clone(),
                    value: x.to_string(),
                }),
            },
            Cell::Date(d) => match field.kind {
                Kind::Date => Ok(Value::Date(d)),
                _ => Err(Reason::UnexpectedDate {
                    column: field.column.clone(),
                    date: parse::format_date(d),
                    expected: if field.kind == Kind::Number {
                        Expected::Number
                    } else {
                        Expected::Text
                    },
                }),
            },
        }
    }

    fn missing<'t>(&self, i: usize) -> Result<Value<'t>, Reason> {
        if self.fields[i].required {
            Err(Reason::Missing {
                column: self.fields[i].column.clone(),
            })
        } else {
            Ok(Value::Missing)
        }
    }

    /// Turns one row's cells into values and hands them to `fold`, or records the rejection.
    /// `raw` is only called for a rejected row, to keep what was read.
    pub(crate) fn finish_row<S, F>(
        &self,
        line: u64,
        cells: &[Cell<'_>],
        state: &mut S,
        fold: &F,
        report: &mut ScanReport,
        raw: impl FnOnce() -> Vec<String>,
    ) where
        F: Fn(&mut S, &Row<'_>) -> FoldResult,
    {
        report.read += 1;
        // Scratch that is not zero-filled per row: at ten million rows the fill was measurable.
        let mut stack: arrayvec::ArrayVec<Value<'_>, STACK_FIELDS> = arrayvec::ArrayVec::new();
        let mut heap = Vec::new();
        let small = cells.len() <= STACK_FIELDS;
        for (i, cell) in cells.iter().enumerate() {
            match self.convert(i, *cell) {
                Ok(v) if small => stack.push(v),
                Ok(v) => heap.push(v),
                Err(reason) => {
                    report.rejected.push(Rejected {
                        line,
                        reason,
                        fields: raw(),
                    });
                    return;
                }
            }
        }
        let values: &[Value<'_>] = if small { &stack } else { &heap };
        if let Err(reason) = fold(state, &Row { line, values }) {
            report.rejected.push(Rejected {
                line,
                reason,
                fields: raw(),
            });
        }
    }
}
