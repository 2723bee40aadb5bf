//! Output formats shared by the commands: readable tables, JSON, CSV and XLSX files.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use custval_export::{Table, TableFormat};

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable table (default).
    Table,
    Json,
    /// CSV, UTF-8 with BOM (opens in Excel).
    Csv,
    Xlsx,
}

/// `--format` for reports that are one document (weights, model fits): a table or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
}

/// Where a result goes: stdout in a format, or a file whose format comes from `--format` or its
/// extension.
pub enum Destination {
    Stdout(Format),
    File(PathBuf, TableFormat),
}

pub fn destination(format: Option<Format>, output: Option<&Path>) -> Result<Destination> {
    match output {
        None => {
            let f = format.unwrap_or(Format::Table);
            anyhow::ensure!(
                f != Format::Xlsx,
                "--format xlsx needs --output FILE.xlsx (a workbook cannot go to a terminal)"
            );
            Ok(Destination::Stdout(f))
        }
        Some(path) => {
            let tf = match format {
                Some(Format::Csv) => TableFormat::Csv,
                Some(Format::Xlsx) => TableFormat::Xlsx,
                Some(Format::Json) => TableFormat::Json,
                Some(Format::Table) | None => TableFormat::from_path(path).ok_or_else(|| {
                    anyhow::anyhow!(
                        "{}: cannot tell the output format from the extension; use .csv, .xlsx or .json, or --format",
                        path.display()
                    )
                })?,
            };
            Ok(Destination::File(path.to_path_buf(), tf))
        }
    }
}

/// Writes a table to a file.
pub fn write_file(path: &Path, format: TableFormat, table: &Table) -> Result<()> {
    custval_export::write_table(path, format, table)
        .with_context(|| format!("writing {}", path.display()))
}

/// Prints a JSON document on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Prints raw bytes (CSV) on stdout.
pub fn print_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// Prints text on stdout.
pub fn print_text(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// A readable table with CJK-aware column widths.
pub fn text_table(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
    t.set_header(headers.iter().copied());
    for r in rows {
        t.add_row(r);
    }
    t.to_string()
}

pub use custval_export::grouped as num;

/// [`num`], or a dash for a missing value.
pub fn num_or_dash(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "—".into(), |v| num(v, decimals))
}

pub fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Whether an error is a closed stdout (e.g. `custval rfm … | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// Orders customer ids so that numeric ids sort as numbers ("2" before "10") and come before
/// other ids, which sort as text. `key` is `id.parse::<u64>().ok()`, computed once per id.
pub fn id_order(a: (Option<u64>, &str), b: (Option<u64>, &str)) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Greater, Less};
    match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.1.cmp(b.1)),
        (Some(_), None) => Less,
        (None, Some(_)) => Greater,
        (None, None) => a.1.cmp(b.1),
    }
}

/// [`id_order`] for two ids given as text (parses them on every call; prefer `id_order` in
/// large sorts).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    id_order((a.parse().ok(), a), (b.parse().ok(), b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group() {
        assert_eq!(num(1234567.891, 2), "1,234,567.89");
        assert_eq!(num(-1234.0, 0), "-1,234");
        assert_eq!(num(12.0, 1), "12.0");
        assert_eq!(num(-0.0001, 2), "0.00");
    }
}
