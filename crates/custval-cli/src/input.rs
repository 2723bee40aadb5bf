//! Options shared by every command that reads a table, and what happens to rejected rows.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use custval_ingest::{EncodingChoice, ReadOptions, ScanReport, Source};

use crate::Globals;
use crate::ui::Arg;

/// How to read an input table.
#[derive(Debug, Clone, clap::Args)]
pub struct InputOpts {
    /// Text encoding of CSV input.
    #[arg(long, default_value = "auto", value_name = "auto|utf-8|gbk|gb18030")]
    pub encoding: EncodingChoice,
    /// XLSX: the sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// CSV delimiter (default: sniffed among , ; tab |).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Where to write rejected rows (default: INPUT.quarantine.csv next to the input).
    #[arg(long, value_name = "FILE")]
    pub quarantine: Option<PathBuf>,
    /// Fail if any row is rejected, instead of quarantining it.
    #[arg(long)]
    pub strict: bool,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err("a single ASCII character, or 'tab'".into()),
    }
}

impl InputOpts {
    pub fn open(&self, path: &Path) -> Result<Source> {
        let opts = ReadOptions {
            encoding: self.encoding,
            sheet: self.sheet.clone(),
            delimiter: self.delimiter,
            ..ReadOptions::default()
        };
        Ok(Source::open(path, opts)?)
    }

    /// Reports rejected rows: writes the quarantine file and says so on stderr, or fails under
    /// `--strict`. Fails when nothing at all was accepted. Returns the quarantine path.
    pub fn settle(
        &self,
        source: &Source,
        report: &ScanReport,
        g: &Globals,
    ) -> Result<Option<PathBuf>> {
        let path = source.path();
        if report.read == 0 {
            bail!("{}: no data rows after the header", path.display());
        }
        if report.rejected.is_empty() {
            return Ok(None);
        }
        let first = &report.rejected[0];
        if self.strict {
            return Err(custval_ingest::IngestError::Strict {
                path: path.to_path_buf(),
                read: report.read,
                rejected: report.rejected.len() as u64,
                line: first.line,
                reason: first.reason.to_string(),
            }
            .into());
        }
        let qpath = self
            .quarantine
            .clone()
            .unwrap_or_else(|| custval_export::default_quarantine_path(path));
        let rows: Vec<custval_export::Quarantined> = report
            .rejected
            .iter()
            .map(|r| custval_export::Quarantined {
                line: r.line,
                // Read in Excel by the people who fix the rows: in their language.
                reason: crate::ui::reason(g.lang, &r.reason),
                fields: r.fields.clone(),
            })
            .collect();
        custval_export::write_quarantine(&qpath, source.headers(), &rows)
            .with_context(|| format!("writing the quarantine file {}", qpath.display()))?;
        let (file, quarantine) = (path.display().to_string(), qpath.display().to_string());
        let (read, rejected, line) = (
            report.read.to_string(),
            report.rejected.len().to_string(),
            first.line.to_string(),
        );
        let reason = crate::ui::reason(g.lang, &first.reason);
        let args = [
            ("file", Arg::Str(&file)),
            ("read", Arg::Str(&read)),
            ("rejected", Arg::Str(&rejected)),
            ("line", Arg::Str(&line)),
            ("reason", Arg::Str(&reason)),
            ("quarantine", Arg::Str(&quarantine)),
        ];
        if report.accepted() == 0 {
            bail!(crate::ui::f(g.lang, "cli-err-no-usable-rows", &args));
        }
        if !g.quiet {
            eprintln!("{}", crate::ui::f(g.lang, "cli-note-rows-rejected", &args));
        }
        Ok(Some(qpath))
    }
}

/// Parses `YYYY-MM-DD` (or any date form the ingest crate accepts) given on the command line.
pub fn parse_date_arg(s: &str) -> Result<i32, String> {
    custval_ingest::parse::parse_date(s)
        .ok_or_else(|| format!("{s:?} is not a date (use YYYY-MM-DD)"))
}
