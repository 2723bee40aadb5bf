//! Reports of an evaluation run that a manager reads without any other tool: one self-contained
//! HTML file, or an Excel workbook.
//!
//! The caller (the CLI's `custval report --run ID --output FILE`) fills a [`ReportData`] from the
//! store and calls [`write_html`], [`write_xlsx`] or [`write_report`] (which picks by extension).
//! This crate computes nothing about customers: it formats, draws and writes.
//!
//! Design decisions a newcomer might question:
//! - **Charts are inline SVG generated in Rust** (modules `svg` and `charts`), not a JavaScript chart
//!   library: the report must work offline, as an e-mail attachment and on paper, and an HTML
//!   file that loads nothing cannot break or leak. Each chart has a `<title>`, a `<desc>`, an
//!   `aria-label` and a `<details>` table view of its numbers.
//! - **askama templates** for the page, so every value is HTML-escaped by default; SVG markup is
//!   the only unescaped insertion and escapes its own text.
//! - **Two languages from one string table** ([`Lang`], [`Msg`]): labels, headings and number
//!   style (English `¥1,234,567`; Chinese `¥123.4万`, `¥1.20亿`) follow [`ReportData::language`].
//! - **Never NaN on the page**: non-finite numbers print as `—`, are left blank in Excel and
//!   become `0` in SVG coordinates; empty inputs draw a "No data." chart.
//! - **Atomic writes**: a report is rendered to memory, written to a temporary file in the
//!   target's directory and renamed over the target, so a failure never leaves half a report.
//!   `custval-export` keeps its equivalent helper private, so this crate has its own small one.
//! - **The dynamics section** (migration heatmap and flows, alerts, overrides, backtest lift)
//!   draws from [`Dynamics`] in modules `dynamics` and `dyn_charts`; each part that the data
//!   lacks (a first run has no migration) shows a one-line "no data" sentence instead.
//! - **The charts are public** ([`chart`], [`bar_chart`]) so that the web app embeds the same
//!   SVG (and table views) instead of a JavaScript chart library.
//! - The XLSX is built in memory (not `rust_xlsxwriter`'s constant-memory mode): a report's
//!   tables are small, and in-memory mode is what allows shared strings and autofilters.

mod atomic;
mod charts;
mod data;
mod dyn_charts;
mod dynamics;
mod embed;
mod format;
mod html;
mod i18n;
mod svg;
mod xlsx;

use std::path::{Path, PathBuf};

pub use data::{
    AlertRow, BacktestMethod, BacktestView, BudgetRow, CalibrationRow, ClassRow, ClvModel,
    Dynamics, HistogramBin, MigrationView, OverrideRow, ReportData, RfmHeatmap, RunInfo, Scatter,
    ScatterPoint, TierRow, TopCustomer, WeightNote, WeightRow,
};
pub use embed::{Bar, ChartKind, ChartView, TableCell, bar_chart, chart};
pub use html::SECTION_IDS;
pub use i18n::{Lang, Msg};

/// Why a report could not be produced. Every variant about a file names it.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The HTML template failed to render (a formatting error; not expected in practice).
    #[error("cannot render the HTML report: {source}")]
    Render {
        #[source]
        source: askama::Error,
    },
    /// The workbook could not be built.
    #[error("{path}: cannot build the workbook: {source}")]
    Xlsx {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// The target's directory does not exist; nothing was created.
    #[error("{path}: cannot write: the directory {dir} does not exist")]
    MissingDirectory { path: PathBuf, dir: PathBuf },
    /// Creating, writing or renaming the file failed.
    #[error("{path}: cannot write: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// [`write_report`] was given a path whose extension is neither `.html`/`.htm` nor `.xlsx`.
    #[error("{path}: unknown report format: the file name must end in .html or .xlsx")]
    UnknownFormat { path: PathBuf },
}

/// The report file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// One self-contained HTML file.
    Html,
    /// An Excel workbook.
    Xlsx,
}

impl ReportFormat {
    /// The format named by the path's extension (`.html`, `.htm`, `.xlsx`, any case), or `None`.
    pub fn from_path(path: &Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "html" | "htm" => Some(ReportFormat::Html),
            "xlsx" => Some(ReportFormat::Xlsx),
            _ => None,
        }
    }
}

/// Renders the report as one self-contained HTML document (UTF-8, inline CSS and SVG, no
/// scripts and no external resources).
pub fn render_html(data: &ReportData) -> Result<String, ReportError> {
    html::render(data).map_err(|source| ReportError::Render { source })
}

/// Renders the HTML report and writes it to `path` atomically.
pub fn write_html(data: &ReportData, path: &Path) -> Result<(), ReportError> {
    let page = render_html(data)?;
    atomic::write_bytes(path, page.as_bytes())
}

/// Builds the Excel workbook (sheets Summary, Tiers, Classes, Weights, Budget, Top customers,
/// then CLV calibration, Migration, Alerts, Overrides and Backtest when the report has them;
/// Chinese names for [`Lang::Zh`]) and writes it to `path` atomically.
pub fn write_xlsx(data: &ReportData, path: &Path) -> Result<(), ReportError> {
    let bytes = xlsx::build(data).map_err(|source| ReportError::Xlsx {
        path: path.to_path_buf(),
        source,
    })?;
    atomic::write_bytes(path, &bytes)
}

/// The workbook's sheet names for `data`, in order (they depend on the language and on which
/// optional parts the report has: CLV calibration, migration, alerts, overrides, backtest).
pub fn xlsx_sheet_names(data: &ReportData) -> Vec<&'static str> {
    xlsx::sheet_names(data)
}

/// Writes the report in the format named by `path`'s extension (see [`ReportFormat::from_path`]).
pub fn write_report(data: &ReportData, path: &Path) -> Result<(), ReportError> {
    match ReportFormat::from_path(path) {
        Some(ReportFormat::Html) => write_html(data, path),
        Some(ReportFormat::Xlsx) => write_xlsx(data, path),
        None => Err(ReportError::UnknownFormat {
            path: path.to_path_buf(),
        }),
    }
}
