//! Writes custval's result tables (RFM scores, ABC classes, customer lists, quarantined rows) so
//! that they open correctly in Excel and in scripts, and so that a failed write never leaves a
//! half-written file behind.
//!
//! Why a crate of its own: every command that produces a table (`rfm`, `abc`, `clv predict`,
//! `customers list`, `import`'s quarantine) must agree on how a number, a date and a Chinese
//! customer name reach the file. Doing it once here keeps the CLI a thin layer and keeps the
//! Excel-specific knowledge in one place.
//!
//! Design decisions a newcomer might question:
//! - **One in-memory [`Table`] of typed [`Cell`]s** rather than a writer per command. Result
//!   tables have one row per customer (hundreds of thousands at most), so holding them is cheap,
//!   and every format sees the same types: a number stays a number in CSV, XLSX and JSON.
//! - **Atomic writes**: every file is written to a temporary file in the target's directory and
//!   renamed over the target only when complete ([`write_table`], [`write_quarantine`]). A crash,
//!   a full disk or an XLSX limit leaves the previous file (or nothing) in place. Writing into a
//!   directory that does not exist is [`ExportError::MissingDirectory`], and nothing is created.
//!   New files get the usual `0666 & !umask` permissions, not the temporary file's `0600`.
//! - **CSV is UTF-8 with a BOM and CRLF line ends** ([`csv_bytes`]). The BOM is what makes Excel
//!   read UTF-8 (without it, Chinese text is shown as mojibake in a Chinese-locale Excel). CRLF is
//!   what RFC 4180 specifies; Excel, pandas, DuckDB and the `csv` crate read both. Fields are
//!   quoted only when they contain a comma, a double quote, CR or LF (RFC 4180 quoting).
//! - **Numbers are written plainly**: integers without `.0`, other numbers in the shortest form
//!   that reads back to the same `f64` (`1234.5`, never `1.2345e3`). Only outside
//!   `1e-7 <= |x| < 1e21` (the JavaScript rule) is scientific notation used (`1e21`, `1.5e-8`),
//!   which Excel also parses. NaN and infinities have no Excel representation: they are written as
//!   empty cells (CSV, XLSX) and `null` (JSON).
//! - **Formula injection guard in CSV only**: a text cell beginning with `=`, `+`, `@`, a tab, a
//!   CR or `-` (OWASP's list) would be run as a formula by Excel, so it is written with a leading
//!   `'` (Excel shows the text, and the quote is visible in other tools: this deliberately changes
//!   the data). Two texts beginning with `-` are left alone, because Excel does not run them: a
//!   lone `-` placeholder and a plain negative number such as `-12.5` (issue 18 added `-`, which
//!   `-2+3+cmd|' /C calc'!A0` exploits); negative numbers are [`Cell::Number`] and never affected. XLSX stores text as text
//!   and JSON has no formulas, so neither is changed.
//! - **XLSX** ([`rust_xlsxwriter`], constant-memory mode, sheet `custval`): bold, frozen header
//!   row; numbers as numbers; dates as real Excel dates formatted `yyyy-mm-dd`; column widths from
//!   the longest value (CJK characters count double, clamped to 8..=60). Integers with more than
//!   15 digits are written as text, because Excel keeps only 15 significant digits. Dates Excel
//!   cannot represent (before 1900-03-01 or after 9999-12-31) are written as ISO text.
//! - **JSON** ([`json_value`], [`json_bytes`]): an array of one object per row, keyed by header.
//!   `json_value` returns a [`serde_json::Value`], whose key order is serde_json's (alphabetical
//!   unless the `preserve_order` feature is on somewhere in the build); `json_bytes`, used by
//!   [`write_table`], keeps the header order.
//! - **Ragged rows are not an error**: a row shorter than the headers is padded with empty cells;
//!   cells beyond the headers get columns named `extra1`, `extra2`, … in every format, so no
//!   value is dropped silently. Quarantine files follow the same rule.
//!
//! What it is not for: reading files (see `custval-ingest`) or deciding what the columns are.
//!
//! A known Excel limitation this crate cannot fix in CSV: Excel converts text that looks like a
//! number (`000123`, an 18-digit order id) to a number when it opens a CSV. Use XLSX when such
//! identifiers must survive a round trip through Excel.

mod atomic;
mod csv_out;
mod date;
mod json_out;
mod number;
mod xlsx_out;

use std::path::{Path, PathBuf};

pub use csv_out::{
    CsvLine, csv_bytes, default_quarantine_path, rows_csv_bytes, write_quarantine, write_rows_csv,
};
pub use custval_model::date::format_date;
pub use json_out::{json_bytes, json_value};
pub use number::grouped;
pub use xlsx_out::{char_width, display_width};

/// Name of the single worksheet in every XLSX file this crate writes.
pub const XLSX_SHEET_NAME: &str = "custval";

/// One value of a result table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value: an empty CSV field, a blank XLSX cell, JSON `null`.
    Empty,
    Text(String),
    Number(f64),
    Int(i64),
    /// Days since 1970-01-01 (negative before).
    Date(i32),
    Bool(bool),
}

/// A result table: column names and rows of cells, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The file formats [`write_table`] can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Xlsx,
    Json,
}

impl TableFormat {
    /// The format named by the path's extension (`.csv`, `.xlsx`, `.json`, any case), or `None`.
    pub fn from_path(path: &Path) -> Option<TableFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(TableFormat::Csv),
            "xlsx" => Some(TableFormat::Xlsx),
            "json" => Some(TableFormat::Json),
            _ => None,
        }
    }
}

/// A row that ingestion rejected, as it was read, for the quarantine file.
#[derive(Clone, Debug, PartialEq)]
pub struct Quarantined {
    /// Line number as a user sees it (the header is line 1).
    pub line: u64,
    pub reason: String,
    pub fields: Vec<String>,
}

/// Why a file could not be written. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: cannot write: the directory {dir} does not exist")]
    MissingDirectory { path: PathBuf, dir: PathBuf },
    #[error("{path}: cannot write: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot write the workbook: {source}")]
    Xlsx {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    #[error(
        "{path}: {rows} data rows do not fit in an Excel sheet (at most 1048575); write CSV instead"
    )]
    TooManyRows { path: PathBuf, rows: usize },
    #[error(
        "{path}: {columns} columns do not fit in an Excel sheet (at most 16384); write CSV instead"
    )]
    TooManyColumns { path: PathBuf, columns: usize },
}

/// Writes bytes to `path` atomically (a temporary file renamed over it), for any file custval
/// writes besides tables (configs, reports).
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    atomic::write_atomically(path, |f| {
        use std::io::Write;
        f.write_all(bytes).map_err(|source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Writes `table` to `path` in `format`, atomically (temporary file in the same directory, then
/// rename). On error the target is untouched and no temporary file remains.
pub fn write_table(path: &Path, format: TableFormat, table: &Table) -> Result<(), ExportError> {
    match format {
        TableFormat::Csv => atomic::write_atomically(path, |file| {
            csv_out::write_table_csv(file, table).map_err(|source| ExportError::Io {
                path: path.to_path_buf(),
                source,
            })
        }),
        TableFormat::Json => {
            let bytes = json_bytes(table);
            atomic::write_atomically(path, |file| {
                use std::io::Write;
                file.write_all(&bytes).map_err(|source| ExportError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            })
        }
        TableFormat::Xlsx => {
            xlsx_out::check_limits(path, table)?;
            atomic::write_atomically(path, |file| xlsx_out::write_xlsx(path, file, table))
        }
    }
}

/// The column names actually written: the headers, then `extra1`, `extra2`, … for cells beyond
/// them in the longest row.
pub(crate) fn effective_headers<'a>(
    headers: &'a [String],
    longest_row: usize,
) -> Vec<std::borrow::Cow<'a, str>> {
    let mut out: Vec<std::borrow::Cow<'a, str>> = headers
        .iter()
        .map(|h| std::borrow::Cow::Borrowed(h.as_str()))
        .collect();
    for i in 1..=longest_row.saturating_sub(headers.len()) {
        out.push(std::borrow::Cow::Owned(format!("extra{i}")));
    }
    out
}

pub(crate) fn longest_row(table: &Table) -> usize {
    table.rows.iter().map(Vec::len).max().unwrap_or(0)
}
