//! CSV output: UTF-8 with BOM, CRLF line ends, RFC 4180 quoting, formula-injection guard; and
//! the quarantine file of rejected rows.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::atomic::{parent_dir, write_atomically};
use crate::number::{format_number, write_number};
use crate::{Cell, ExportError, Quarantined, Table, effective_headers, longest_row};

const BOM: &str = "\u{feff}";
const LINE_END: &str = "\r\n";

/// Text as Excel should show it: a leading `'` before text that Excel would otherwise run as a
/// formula (beginning with `=`, `+`, `@`, a tab or a CR, the OWASP list; or with `-` unless it is
/// a lone `-` or a plain negative number, which Excel reads as a number, not a formula).
fn guard_formula(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        Some('-') if text.len() > 1 && !is_plain_number(&text[1..]) => {
            Cow::Owned(format!("'{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

/// Digits with at most one decimal point: `12`, `0.5`, `1.`.
fn is_plain_number(s: &str) -> bool {
    let mut dots = 0;
    let mut digits = 0;
    for c in s.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && dots <= 1
}

/// Appends one field with RFC 4180 quoting (only when it contains `,`, `"`, CR or LF).
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        for c in field.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(field);
    }
}

fn push_record<'a>(out: &mut String, fields: impl IntoIterator<Item = Cow<'a, str>>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, &guard_formula(&field));
    }
    out.push_str(LINE_END);
}

/// Appends one cell; numbers are written in place (they never need quotes or the guard).
fn push_cell(out: &mut String, cell: &Cell) {
    use std::fmt::Write;
    match cell {
        Cell::Number(x) => write_number(out, *x),
        // Writing to a String cannot fail.
        Cell::Int(i) => {
            let _ = write!(out, "{i}");
        }
        other => push_field(out, &guard_formula(&cell_text(other))),
    }
}

fn cell_text(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(s) => Cow::Borrowed(s.as_str()),
        Cell::Number(x) => Cow::Owned(format_number(*x).unwrap_or_default()),
        Cell::Int(i) => Cow::Owned(i.to_string()),
        Cell::Date(d) => Cow::Owned(crate::format_date(*d)),
        Cell::Bool(true) => Cow::Borrowed("TRUE"),
        Cell::Bool(false) => Cow::Borrowed("FALSE"),
    }
}

/// Rows formatted per parallel task; big enough that a task outweighs its scheduling.
const ROWS_PER_TASK: usize = 16_384;

/// One CSV line being written by [`write_rows_csv`] or [`rows_csv_bytes`]: fields are appended
/// in order with the same quoting, formula guard and number format as a [`Table`]'s cells.
pub struct CsvLine<'a> {
    out: &'a mut String,
    first: bool,
}

impl CsvLine<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    /// A text field (quoted when needed, guarded against formula injection).
    pub fn text(&mut self, text: &str) {
        self.sep();
        push_field(self.out, &guard_formula(text));
    }

    /// An integer field.
    pub fn int(&mut self, i: i64) {
        use std::fmt::Write;
        self.sep();
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{i}");
    }

    /// A number in plain notation, as [`Cell::Number`] is written.
    pub fn number(&mut self, x: f64) {
        self.sep();
        write_number(self.out, x);
    }

    /// An empty field.
    pub fn empty(&mut self) {
        self.sep();
    }

    fn cell(&mut self, cell: &Cell) {
        self.sep();
        push_cell(self.out, cell);
    }
}

/// Calls `emit` with the CSV text in order, in pieces: first the header line (starting with the
/// BOM), then groups of rows, each written by `row(index, line)`. Rows are formatted on all
/// cores, because a result of half a million customers is otherwise the slowest step of a
/// command.
fn for_each_line<'h>(
    headers: impl IntoIterator<Item = Cow<'h, str>>,
    rows: usize,
    row: &(dyn Fn(usize, &mut CsvLine<'_>) + Sync),
    mut emit: impl FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut line = String::with_capacity(256);
    line.push_str(BOM);
    // A header-row guard is applied too: a column named `=SUM(...)` is still text.
    push_record(&mut line, headers);
    emit(&line)?;
    let group = ROWS_PER_TASK * rayon::current_num_threads().max(1);
    for start in (0..rows).step_by(group) {
        let end = (start + group).min(rows);
        let texts: Vec<String> = (start..end)
            .into_par_iter()
            .step_by(ROWS_PER_TASK)
            .map(|from| {
                let to = (from + ROWS_PER_TASK).min(end);
                let mut out = String::with_capacity((to - from) * 64);
                for k in from..to {
                    row(
                        k,
                        &mut CsvLine {
                            out: &mut out,
                            first: true,
                        },
                    );
                    out.push_str(LINE_END);
                }
                out
            })
            .collect();
        for t in &texts {
            emit(t)?;
        }
    }
    Ok(())
}

/// A table's lines: its cells, and empty fields up to the longest row.
fn for_each_table_line(
    table: &Table,
    emit: impl FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let width = longest_row(table).max(table.headers.len());
    for_each_line(
        effective_headers(&table.headers, width),
        table.rows.len(),
        &|k, line| {
            let cells = &table.rows[k];
            for cell in cells {
                line.cell(cell);
            }
            for _ in cells.len()..width {
                line.empty();
            }
        },
        emit,
    )
}

/// Writes rows straight to a CSV file (atomically), without building a [`Table`] of cells
/// first: for results of a million rows the cells cost more than the text. Same format as
/// [`csv_bytes`].
pub fn write_rows_csv(
    path: &Path,
    headers: &[&str],
    rows: usize,
    row: impl Fn(usize, &mut CsvLine<'_>) + Sync,
) -> Result<(), ExportError> {
    write_atomically(path, |file| {
        let mut w = BufWriter::with_capacity(1 << 16, file);
        for_each_line(headers.iter().map(|h| Cow::Borrowed(*h)), rows, &row, |t| {
            w.write_all(t.as_bytes())
        })
        .and_then(|()| w.flush())
        .map_err(|source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// The rows as CSV bytes, as [`write_rows_csv`] writes them.
pub fn rows_csv_bytes(
    headers: &[&str],
    rows: usize,
    row: impl Fn(usize, &mut CsvLine<'_>) + Sync,
) -> Vec<u8> {
    let mut out = String::new();
    // Appending to a String cannot fail.
    let _ = for_each_line(headers.iter().map(|h| Cow::Borrowed(*h)), rows, &row, |t| {
        out.push_str(t);
        Ok(())
    });
    out.into_bytes()
}

/// The table as CSV bytes: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting, numbers in plain
/// notation, dates ISO, booleans `TRUE`/`FALSE`, text guarded against formula injection (see the
/// crate documentation).
pub fn csv_bytes(table: &Table) -> Vec<u8> {
    let mut out = String::new();
    // Appending to a String cannot fail.
    let _ = for_each_table_line(table, |line| {
        out.push_str(line);
        Ok(())
    });
    out.into_bytes()
}

pub(crate) fn write_table_csv(file: &mut File, table: &Table) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 16, file);
    for_each_table_line(table, |line| w.write_all(line.as_bytes()))?;
    w.flush()
}

/// Writes rejected rows to a CSV file (UTF-8 with BOM, CRLF, RFC 4180), atomically.
///
/// Columns: `line`, `reason`, then the source file's headers. A row with fewer fields than
/// headers is padded with empty fields; fields beyond the headers go to extra columns named
/// `extra1`, `extra2`, … (never joined into the last column), so every rejected row is shown as
/// it was read. Text fields get the same formula-injection guard as [`csv_bytes`].
pub fn write_quarantine(
    path: &Path,
    source_headers: &[String],
    rows: &[Quarantined],
) -> Result<(), ExportError> {
    let longest = rows.iter().map(|r| r.fields.len()).max().unwrap_or(0);
    let width = longest.max(source_headers.len());
    write_atomically(path, |file| {
        let result = (|| {
            let mut w = BufWriter::with_capacity(1 << 16, file);
            let mut line = String::with_capacity(256);
            line.push_str(BOM);
            let headers = [Cow::Borrowed("line"), Cow::Borrowed("reason")]
                .into_iter()
                .chain(effective_headers(source_headers, width));
            push_record(&mut line, headers);
            w.write_all(line.as_bytes())?;
            for row in rows {
                line.clear();
                let fields = [
                    Cow::Owned(row.line.to_string()),
                    Cow::Borrowed(row.reason.as_str()),
                ]
                .into_iter()
                .chain(row.fields.iter().map(|f| Cow::Borrowed(f.as_str())))
                .chain(std::iter::repeat_n(
                    Cow::Borrowed(""),
                    width - row.fields.len(),
                ));
                push_record(&mut line, fields);
                w.write_all(line.as_bytes())?;
            }
            w.flush()
        })();
        result.map_err(|source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Where the quarantine file for `input` goes by default: next to the input, with
/// `.quarantine.csv` replacing the extension (`orders.csv` → `orders.quarantine.csv`,
/// `订单.xlsx` → `订单.quarantine.csv`).
///
/// If the input's directory is not writable (checked by creating and removing a temporary file
/// there, because permission bits do not tell the whole story: read-only mounts, ACLs, root), the
/// file goes to the current directory instead (`./orders.quarantine.csv`). The caller should
/// print the path it finally used.
pub fn default_quarantine_path(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".to_string());
    let name = format!("{stem}.quarantine.csv");
    let dir = parent_dir(input);
    if dir_is_writable(&dir) {
        match input.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.join(name),
            _ => PathBuf::from(name),
        }
    } else {
        Path::new(".").join(name)
    }
}

fn dir_is_writable(dir: &Path) -> bool {
    tempfile::Builder::new()
        .prefix(".custval-probe.")
        .tempfile_in(dir)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_guard() {
        let mut s = String::new();
        push_record(
            &mut s,
            [
                "a,b",
                "say \"hi\"",
                "two\nlines",
                "=1+2",
                "+1",
                "@x",
                "-5",
                "\tx",
                "plain",
            ]
            .into_iter()
            .map(Cow::Borrowed),
        );
        assert_eq!(
            s,
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",'=1+2,'+1,'@x,-5,'\tx,plain\r\n"
        );
    }

    #[test]
    fn guard_then_quote_cr() {
        let mut s = String::new();
        push_record(&mut s, [Cow::Borrowed("\rx")]);
        assert_eq!(s, "\"'\rx\"\r\n");
    }
}
