//! `custval clv fit|predict|summary|holdout`: the probabilistic customer-base models of
//! `custval-clv` on files.
//!
//! Files are read with `custval-ingest`: every row is either used or quarantined with its line
//! and reason (a negative frequency, a recency after T, …), exactly as in the other commands.
//! The model computation is the crate's; this module only maps columns to `ClvData`, errors to
//! file lines, and results to the output formats.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use anyhow::{Result, anyhow, bail};
use custval_clv::{
    ClvData, ClvError, Fit, FitOptions, FittedModel, GammaGamma, Model, PredictOptions,
};
use custval_export::{Cell, Table};
use custval_ingest::{Field, Kind, Source};
use serde::Serialize;

use crate::Globals;
use crate::input::{InputOpts, parse_date_arg};
use crate::progress;

use crate::output::{self, Destination, Format, num};

mod summary;

const MODELS_HELP: &str = "\
Models, the input columns they read and their parameters (column names case-insensitive; an
optional `weights` column counts identical customers):
  bgnbd   BG/NBD (Fader, Hardie & Lee 2005): frequency, recency, T -> r, alpha, a, b
  mbgnbd  MBG/NBD (Batislam et al. 2007): frequency, recency, T -> r, alpha, a, b
  pnbd    Pareto/NBD (Schmittlein et al. 1987): frequency, recency, T -> r, alpha, s, beta
  bgbb    BG/BB (Fader, Hardie & Shang 2010): frequency, recency, periods (whole numbers)
          -> alpha, beta, gamma, delta
  gg      Gamma-Gamma spend (Fader & Hardie 2013): frequency, monetary_value (rows with
          frequency 0 are ignored) -> p, q, v
  sbg     shifted-beta-geometric (Fader & Hardie 2007), contract renewals: column `alive`, one
          row per period in order, the customers of one cohort still active at the start of
          the period (first row = cohort size) -> alpha, beta
frequency = repeat purchases, recency = time from the first to the last purchase, T = time
from the first purchase to the end of observation, all in one time unit (see `custval clv
summary`). log_likelihood is the total over customers (weights applied) in that unit;
seconds is the time of the estimation itself (reading the file excluded).

Rows that cannot be used (a negative or non-numeric value, recency greater than T, recency
other than 0 with frequency 0, non-whole BG/BB values) are written to the quarantine file with
their line and reason, or fail the command under --strict.";

const PREDICT_HELP: &str = "\
Adds per row: expected_purchases (conditional expected purchases in the next --horizon time
units; BG/BB: opportunities), p_alive, and with a spend model (--spend-params or --fit-spend,
which need a monetary_value column) expected_spend and clv:

  clv = margin * expected_spend * sum_{k=1..ceil(H/P)} (E[Y(min(kP, H))] - E[Y((k-1)P)]) / (1+D)^k

where E[Y(t)] is the conditional expected number of purchases in the next t time units, H the
horizon, P the discount period (--period, default 1 time unit) and D the rate per period.
lifetimes' customer_lifetime_value(time=12, discount_rate=0.01) on weekly data is
--horizon 52.14 --period 4.345 --discount-rate 0.01.

Output: the input's columns as read (numbers as numbers) then the added ones, one row per
accepted input row, in input order. Without --output: CSV (UTF-8 with BOM) on stdout, or
--format json (an array of row objects) or table.";

const SUMMARY_HELP: &str = "\
Output columns: customer_id, frequency, recency, T [, monetary_value with --amount-col]
[, frequency_holdout, duration_holdout with --calibration-end].
Purchases on the same day merge into one (amounts summed); frequency counts the repeat purchase
days; recency = first to last purchase day, T = first purchase day to the (calibration) end,
both in --unit (default week = 7 days; month = 365.25/12 days); monetary_value = mean amount of
the repeat purchase days (0 without repeats). Customers whose first purchase falls after the
(calibration) end are left out; purchases after --observation-end are ignored.
Without --output: CSV (UTF-8 with BOM) on stdout, or --format json|table.";

fn parse_model(s: &str) -> Result<Model, String> {
    Model::from_str(&s.to_ascii_lowercase()).map_err(|e| e.to_string())
}

/// `--format` of the fit and holdout reports.
pub use crate::output::ReportFormat as Fmt;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Fit a model by maximum likelihood and print its parameters.
    #[command(after_long_help = MODELS_HELP)]
    Fit(FitArgs),
    /// Per-customer expected purchases, P(alive), expected spend and discounted CLV.
    #[command(after_long_help = PREDICT_HELP)]
    Predict(PredictArgs),
    /// Per-customer frequency / recency / T (/ monetary value) from a transactions file.
    #[command(after_long_help = SUMMARY_HELP)]
    Summary(SummaryArgs),
    /// Fit on the calibration columns, compare predictions with the holdout purchases.
    #[command(after_long_help = "\
Input: a summary with a calibration end (`custval clv summary --calibration-end …`): columns
frequency, recency, T (bgbb: periods), frequency_holdout, duration_holdout [, weights].
The report gives, per calibration frequency 0..6 and 7+, the mean actual and predicted holdout
purchases, then the totals and the MAE / RMSE per customer.")]
    Holdout(HoldoutArgs),
}

/// Fitting options shared by `fit`, `predict --fit` and `holdout`.
#[derive(Debug, Clone, clap::Args)]
pub struct FitTuning {
    /// L2 penalty on the parameters (lifetimes' convention: mean negative log-likelihood +
    /// penalizer * sum of squared parameters).
    #[arg(long, default_value_t = 0.0)]
    pub penalizer: f64,
    /// Starting points to try even when the first converges.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=20))]
    pub starts: u64,
    /// Iteration cap per optimizer run.
    #[arg(long, default_value_t = 500)]
    pub max_iter: u64,
}

impl FitTuning {
    fn options(&self) -> Result<FitOptions> {
        anyhow::ensure!(
            self.penalizer.is_finite() && self.penalizer >= 0.0,
            "--penalizer must be a finite number >= 0"
        );
        Ok(FitOptions {
            penalizer: self.penalizer,
            max_iter: self.max_iter,
            n_starts: self.starts as usize,
            ..FitOptions::default()
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// bgnbd, mbgnbd, pnbd, bgbb, gg or sbg (see --help for the columns each reads).
    #[arg(long, value_parser = parse_model, value_name = "MODEL")]
    pub model: Model,
    /// Customer summary (CSV, XLSX or Parquet).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Fmt,
    #[command(flatten)]
    pub tuning: FitTuning,
    #[command(flatten)]
    pub opts: InputOpts,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["params", "fit"])))]
pub struct PredictArgs {
    /// bgnbd, mbgnbd, pnbd or bgbb.
    #[arg(long, value_parser = parse_model, value_name = "MODEL")]
    pub model: Model,
    /// The model's parameters, e.g. r=0.243,alpha=4.414,a=0.793,b=2.426.
    #[arg(long, value_name = "k=v,...")]
    pub params: Option<String>,
    /// Fit the model on the input first (its parameters are reported on stderr).
    #[arg(long)]
    pub fit: bool,
    /// Customer summary (CSV, XLSX or Parquet).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Prediction horizon in the data's time unit (BG/BB: opportunities).
    #[arg(long, value_name = "H")]
    pub horizon: f64,
    /// Discount rate per discount period.
    #[arg(long, default_value_t = 0.0, value_name = "D")]
    pub discount_rate: f64,
    /// Length of a discount period in time units.
    #[arg(long, default_value_t = 1.0, value_name = "P")]
    pub period: f64,
    /// Profit margin applied to spend (1 = revenue).
    #[arg(long, default_value_t = 1.0, value_name = "M")]
    pub margin: f64,
    /// Gamma-Gamma parameters, e.g. p=6.25,q=3.74,v=15.44 (adds expected_spend and clv).
    #[arg(long, value_name = "p=,q=,v=", conflicts_with = "fit_spend")]
    pub spend_params: Option<String>,
    /// Fit a Gamma-Gamma spend model on the input's monetary_value column (adds expected_spend
    /// and clv).
    #[arg(long)]
    pub fit_spend: bool,
    /// Write the rows to this file (.csv, .xlsx, .json).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format. Default: csv on stdout; with --output, the file's extension.
    #[arg(long, value_enum, value_name = "json|csv|table|xlsx")]
    pub format: Option<Format>,
    #[command(flatten)]
    pub tuning: FitTuning,
    #[command(flatten)]
    pub opts: InputOpts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unit {
    Day,
    Week,
    Month,
}

#[derive(Debug, clap::Args)]
pub struct SummaryArgs {
    /// Transactions file (CSV, XLSX or Parquet).
    #[arg(long, value_name = "FILE")]
    pub transactions: PathBuf,
    /// Column with the customer id.
    #[arg(long, value_name = "COL")]
    pub customer_col: String,
    /// Column with the purchase date.
    #[arg(long, value_name = "COL")]
    pub date_col: String,
    /// Column with the amount (adds monetary_value).
    #[arg(long, value_name = "COL")]
    pub amount_col: Option<String>,
    /// End of the observation (YYYY-MM-DD, inclusive); later purchases are ignored.
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub observation_end: i32,
    /// End of the calibration period; purchases after it become frequency_holdout.
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub calibration_end: Option<i32>,
    /// Time unit of recency, T and duration_holdout.
    #[arg(long, value_enum, default_value = "week")]
    pub unit: Unit,
    /// Write the summary to this file (.csv, .xlsx, .json).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format. Default: csv on stdout; with --output, the file's extension.
    #[arg(long, value_enum, value_name = "csv|json|table|xlsx")]
    pub format: Option<Format>,
    #[command(flatten)]
    pub opts: InputOpts,
}

#[derive(Debug, clap::Args)]
pub struct HoldoutArgs {
    /// bgnbd, mbgnbd, pnbd or bgbb.
    #[arg(long, value_parser = parse_model, value_name = "MODEL")]
    pub model: Model,
    /// Summary with frequency_holdout and duration_holdout columns.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Fmt,
    #[command(flatten)]
    pub tuning: FitTuning,
    #[command(flatten)]
    pub opts: InputOpts,
}

pub fn run(c: Command, g: &Globals) -> Result<()> {
    match c {
        Command::Fit(a) => run_fit(a, g),
        Command::Predict(a) => run_predict(a, g),
        Command::Summary(a) => summary::run_summary(a, g),
        Command::Holdout(a) => run_holdout(a, g),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a customer summary

/// Where each model column sits in a record's numbers.
#[derive(Debug, Default)]
struct Cols {
    names: Vec<&'static str>,
    /// Index in the file's header of each numeric column.
    header_idx: Vec<usize>,
    freq: Option<usize>,
    rec: Option<usize>,
    t: Option<usize>,
    money: Option<usize>,
    weights: Option<usize>,
    fh: Option<usize>,
    dh: Option<usize>,
    alive: Option<usize>,
    /// BG/BB rules (whole numbers, frequency <= recency).
    discrete: bool,
}

/// What a command needs besides the model's own columns.
#[derive(Debug, Clone, Copy, Default)]
struct Need {
    /// monetary_value, for a spend model next to a purchase model.
    money: bool,
    /// frequency_holdout and duration_holdout.
    holdout: bool,
}

fn model_columns(model: Model) -> &'static [&'static str] {
    match model {
        Model::BgNbd | Model::MbgNbd | Model::ParetoNbd => &["frequency", "recency", "T"],
        Model::BgBb => &["frequency", "recency", "periods"],
        Model::GammaGamma => &["frequency", "monetary_value"],
        Model::ShiftedBetaGeometric => &["alive"],
    }
}

impl Cols {
    fn plan(model: Model, need: Need, source: &Source) -> Result<Cols> {
        let mut wanted: Vec<&'static str> = model_columns(model).to_vec();
        if need.money && !wanted.contains(&"monetary_value") {
            wanted.push("monetary_value");
        }
        if need.holdout {
            wanted.extend(["frequency_holdout", "duration_holdout"]);
        }
        for name in &wanted {
            if let Err(e) = source.column_index(name) {
                if let custval_ingest::IngestError::MissingColumn { .. } = e {
                    bail!(
                        "{}: no column named {name:?}; model {} reads the columns {} (the file has: {})",
                        source.path().display(),
                        model.name(),
                        wanted.join(", "),
                        source.headers().join(", ")
                    );
                }
                return Err(e.into());
            }
        }
        if model != Model::ShiftedBetaGeometric && source.has_column("weights") {
            wanted.push("weights");
        }
        let mut c = Cols {
            discrete: model == Model::BgBb,
            ..Cols::default()
        };
        for name in wanted {
            let i = c.names.len();
            c.names.push(name);
            c.header_idx.push(source.column_index(name)?);
            let slot = match name {
                "frequency" => &mut c.freq,
                "recency" => &mut c.rec,
                "T" | "periods" => &mut c.t,
                "monetary_value" => &mut c.money,
                "weights" => &mut c.weights,
                "frequency_holdout" => &mut c.fh,
                "duration_holdout" => &mut c.dh,
                _ => &mut c.alive,
            };
            *slot = Some(i);
        }
        Ok(c)
    }

    /// Why a row cannot be used, or `Ok`.
    fn check(&self, v: &[f64]) -> std::result::Result<(), String> {
        for (name, x) in self.names.iter().zip(v) {
            if !x.is_finite() {
                return Err(format!("{name} = {x} is not a finite number"));
            }
            if *x < 0.0 {
                return Err(format!("{name} = {x} is negative"));
            }
        }
        let get = |i: Option<usize>| i.map(|i| v[i]);
        if let (Some(x), Some(tx), Some(t)) = (get(self.freq), get(self.rec), get(self.t)) {
            let tname = if self.discrete { "periods" } else { "T" };
            if tx > t + 1e-9 * (1.0 + t) {
                return Err(format!("recency = {tx} is greater than {tname} = {t}"));
            }
            if x == 0.0 && tx != 0.0 {
                return Err(format!("recency = {tx} must be 0 when frequency is 0"));
            }
            if self.discrete {
                if x.fract() != 0.0 || tx.fract() != 0.0 || t.fract() != 0.0 {
                    return Err("BG/BB needs whole numbers of frequency, recency, periods".into());
                }
                if x > tx {
                    return Err(format!("frequency = {x} is greater than recency = {tx}"));
                }
            }
        }
        if let (Some(x), Some(m)) = (get(self.freq), get(self.money))
            && x > 0.0
            && m <= 0.0
        {
            return Err(format!(
                "monetary_value = {m} must be > 0 when frequency > 0"
            ));
        }
        Ok(())
    }
}

/// Accepted rows, flat: per row its line, the model columns (`nums`, `n` per row) and, for
/// predict, the other columns as read (`text`, `m` per row). Flat vectors keep a million-row
/// read to a few allocations.
#[derive(Default)]
struct Part {
    lines: Vec<u64>,
    nums: Vec<f64>,
    text: Vec<Option<Box<str>>>,
}

/// A customer summary read from a file.
struct Summary {
    cols: Cols,
    rows: Part,
    /// Header indices of the columns carried through as text (predict).
    passthrough: Vec<usize>,
    quarantine: Option<PathBuf>,
    /// When the rows are distinct customers with these counts (a plain file read for a fit).
    counts: Option<Vec<f64>>,
}

impl Summary {
    fn len(&self) -> usize {
        self.rows.nums.len() / self.cols.names.len().max(1)
    }

    fn num(&self, row: usize, i: usize) -> f64 {
        self.rows.nums[row * self.cols.names.len() + i]
    }

    fn text(&self, row: usize, j: usize) -> Option<&str> {
        self.rows.text[row * self.passthrough.len() + j].as_deref()
    }

    fn column(&self, i: Option<usize>) -> Vec<f64> {
        i.map_or_else(Vec::new, |i| {
            (0..self.len()).map(|r| self.num(r, i)).collect()
        })
    }

    fn lines(&self) -> Vec<u64> {
        self.rows.lines.clone()
    }

    fn data(&self, model: Model) -> ClvData {
        let c = &self.cols;
        let mut d = match model {
            Model::GammaGamma => ClvData::spend(self.column(c.freq), self.column(c.money)),
            Model::ShiftedBetaGeometric => ClvData::cohort(self.column(c.alive)),
            _ => {
                let mut d = ClvData::rft(self.column(c.freq), self.column(c.rec), self.column(c.t));
                d.monetary_value = self.column(c.money);
                d
            }
        };
        if let Some(counts) = &self.counts {
            d = d.with_weights(counts.clone());
        } else if c.weights.is_some() {
            d = d.with_weights(self.column(c.weights));
        }
        d
    }
}

/// The kind a typed (XLSX/Parquet) column reads as: text if every cell reads as text, else
/// number, else date; text (rows quarantined) when none fits. CSV cells are all text.
fn probe_kind(source: &Source, column: &str) -> Result<Kind> {
    if source.format() == custval_ingest::Format::Csv {
        return Ok(Kind::Text);
    }
    for kind in [Kind::Text, Kind::Number, Kind::Date] {
        let (_, report) = source.scan(
            &[Field::optional(column, kind)],
            || (),
            |_, _| Ok(()),
            &|_, _| {},
        )?;
        if report.rejected.is_empty() {
            return Ok(kind);
        }
    }
    Ok(Kind::Text)
}

/// `clv fit` of a purchase model on a plain CSV without a weights column: the customers as
/// distinct (frequency, recency, T) rows with their counts as weights, which fits exactly
/// like one row per customer (`custval_clv::Patterns` groups them the same way). `None` when
/// the file is not plain (the caller reads it in full).
fn counted_summary(source: &Source, model: Model, cols: Cols) -> Option<Summary> {
    let purchase = matches!(
        model,
        Model::BgNbd | Model::MbgNbd | Model::ParetoNbd | Model::BgBb
    );
    let order = [cols.freq?, cols.rec?, cols.t?];
    if !purchase || cols.names.len() != 3 {
        return None;
    }
    // The row as the file has it, in the order `Cols` expects.
    let wanted = order.map(|i| cols.header_idx[i]);
    let check = |v: &[f64]| {
        let mut row = [0.0; 3];
        for (k, &i) in order.iter().enumerate() {
            row[i] = v[k];
        }
        cols.check(&row)
    };
    let plain = source.plain_counted(wanted, check)?;
    let distinct = plain.distinct();
    let mut nums = vec![0.0; 3 * distinct];
    let mut counts = Vec::with_capacity(distinct);
    for (values, n) in plain.into_rows() {
        let r = counts.len();
        for (k, &i) in order.iter().enumerate() {
            nums[3 * r + i] = values[k];
        }
        counts.push(n);
    }
    Some(Summary {
        cols,
        rows: Part {
            lines: Vec::new(),
            nums,
            text: Vec::new(),
        },
        passthrough: Vec::new(),
        quarantine: None,
        counts: Some(counts),
    })
}

fn read_summary(
    source: &Source,
    model: Model,
    need: Need,
    passthrough: bool,
    opts: &InputOpts,
    g: &Globals,
) -> Result<Summary> {
    let cols = Cols::plan(model, need, source)?;
    if !passthrough && let Some(plain) = source.plain_numbers(&cols.header_idx, |v| cols.check(v)) {
        let rows = Part {
            lines: plain.lines,
            nums: plain.nums,
            text: Vec::new(),
        };
        return Ok(Summary {
            cols,
            rows,
            passthrough: Vec::new(),
            quarantine: None,
            counts: None,
        });
    }
    let mut fields: Vec<Field> = cols
        .names
        .iter()
        .map(|n| Field::required(*n, Kind::Number))
        .collect();
    let mut extra = Vec::new();
    if passthrough {
        for (i, h) in source.headers().iter().enumerate() {
            if cols.header_idx.contains(&i) {
                continue;
            }
            // A blank or repeated header cannot be asked for by name; such a column is left out.
            if h.trim().is_empty() || source.column_index(h).ok() != Some(i) {
                continue;
            }
            let kind = probe_kind(source, h)?;
            fields.push(Field::optional(h.clone(), kind));
            extra.push(i);
        }
    }
    let n = cols.names.len();
    let bar = progress::bytes(g, &progress::label(g, "reading"));
    let (parts, report) = source.scan(
        &fields,
        Part::default,
        |p: &mut Part, row| {
            let start = p.nums.len();
            for i in 0..n {
                match row.number(i) {
                    Some(x) => p.nums.push(x),
                    None => {
                        p.nums.truncate(start);
                        return Err(custval_ingest::Reason::Missing {
                            column: cols.names[i].to_string(),
                        });
                    }
                }
            }
            if let Err(reason) = cols.check(&p.nums[start..]) {
                p.nums.truncate(start);
                return Err(reason.into());
            }
            p.lines.push(row.line);
            p.text.extend(row.values[n..].iter().map(|v| match *v {
                custval_ingest::Value::Missing => None,
                custval_ingest::Value::Text(s) => Some(s.into()),
                custval_ingest::Value::Number(x) => Some(x.to_string().into()),
                custval_ingest::Value::Date(d) => {
                    Some(custval_ingest::parse::format_date(d).into())
                }
            }));
            Ok(())
        },
        &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )?;
    bar.finish_and_clear();
    let quarantine = opts.settle(source, &report, g)?;
    Ok(Summary {
        cols,
        // Only predictions are printed row by row; a fit sums over customers in any order.
        rows: merge_in_line_order(parts, n, extra.len(), passthrough),
        passthrough: extra,
        quarantine,
        counts: None,
    })
}

/// The workers' rows, in file order when `ordered`.
fn merge_in_line_order(parts: Vec<Part>, n: usize, m: usize, ordered: bool) -> Part {
    let mut all = Part::default();
    for p in parts {
        if all.lines.is_empty() {
            all = p;
        } else {
            all.lines.extend(p.lines);
            all.nums.extend(p.nums);
            all.text.extend(p.text);
        }
    }
    if !ordered || all.lines.is_sorted() {
        return all;
    }
    let mut order: Vec<usize> = (0..all.lines.len()).collect();
    order.sort_unstable_by_key(|&r| all.lines[r]);
    let mut out = Part {
        lines: Vec::with_capacity(order.len()),
        nums: Vec::with_capacity(all.nums.len()),
        text: Vec::with_capacity(all.text.len()),
    };
    for &r in &order {
        out.lines.push(all.lines[r]);
        out.nums.extend_from_slice(&all.nums[r * n..(r + 1) * n]);
        out.text
            .extend(all.text[r * m..(r + 1) * m].iter_mut().map(Option::take));
    }
    out
}

/// A crate error as one line naming the file and, for a bad value, the line.
fn clv_error(e: ClvError, path: &Path, lines: &[u64]) -> anyhow::Error {
    match &e {
        ClvError::InvalidValue {
            row,
            column,
            value,
            reason,
        } => match lines.get(*row) {
            Some(line) => anyhow!(
                "{}: line {line}: {column} = {value} is invalid: {reason}",
                path.display()
            ),
            None => anyhow!("{}: {e}", path.display()),
        },
        ClvError::InvalidOption { .. }
        | ClvError::Parameter { .. }
        | ClvError::InvalidParameter { .. } => anyhow!("{e}"),
        _ => anyhow!("{}: {e}", path.display()),
    }
}

// ---------------------------------------------------------------------------------------------
// fit

#[derive(Serialize)]
struct FitOut<'a> {
    #[serde(flatten)]
    fit: &'a Fit,
    seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    quarantine: Option<String>,
}

fn fit_file(
    model: Model,
    input: &Path,
    tuning: &FitTuning,
    opts: &InputOpts,
    g: &Globals,
) -> Result<(Fit, f64, Summary)> {
    let fit_opts = tuning.options()?;
    let reading = Instant::now();
    let source = opts.open(input)?;
    let cols = Cols::plan(model, Need::default(), &source)?;
    let s = match counted_summary(&source, model, cols) {
        Some(s) => s,
        None => read_summary(&source, model, Need::default(), false, opts, g)?,
    };
    let data = s.data(model);
    tracing::debug!(
        seconds = reading.elapsed().as_secs_f64(),
        "read the summary"
    );
    let started = Instant::now();
    let f =
        custval_clv::fit(model, &data, &fit_opts).map_err(|e| clv_error(e, input, &s.lines()))?;
    let seconds = started.elapsed().as_secs_f64();
    if !f.converged && !g.quiet {
        eprintln!(
            "custval: warning: the {} fit did not converge (gradient norm {:.3e} after {} iterations); try --starts 5 or --penalizer 0.001",
            model.name(),
            f.grad_norm,
            f.iterations
        );
    }
    Ok((f, seconds, s))
}

fn fit_text(f: &Fit, seconds: f64) -> String {
    let mut rows: Vec<Vec<String>> = f
        .params
        .iter()
        .map(|(k, v)| vec![(*k).to_string(), format!("{v:.6}")])
        .collect();
    rows.push(vec![
        "log-likelihood".into(),
        format!("{:.4}", f.log_likelihood),
    ]);
    rows.push(vec!["customers".into(), num(f.n_customers, 0)]);
    rows.push(vec!["converged".into(), f.converged.to_string()]);
    rows.push(vec!["iterations".into(), f.iterations.to_string()]);
    rows.push(vec!["gradient norm".into(), format!("{:.3e}", f.grad_norm)]);
    rows.push(vec!["seconds".into(), format!("{seconds:.3}")]);
    format!(
        "{} fit\n{}",
        f.model.name(),
        output::text_table(&["parameter", "value"], rows)
    )
}

fn run_fit(a: FitArgs, g: &Globals) -> Result<()> {
    let (f, seconds, s) = fit_file(a.model, &a.input, &a.tuning, &a.opts, g)?;
    match a.format {
        Fmt::Json => output::print_json(&FitOut {
            fit: &f,
            seconds,
            quarantine: s.quarantine.map(|p| p.display().to_string()),
        }),
        Fmt::Table => output::print_text(&fit_text(&f, seconds)),
    }
}

// ---------------------------------------------------------------------------------------------
// predict

/// `k=v,k=v` into named values.
fn parse_params(flag: &str, text: &str) -> Result<Vec<(String, f64)>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| anyhow!("{flag}: {kv:?} is not name=value"))?;
            let x: f64 = v
                .trim()
                .parse()
                .map_err(|_| anyhow!("{flag}: {:?} is not a number in {kv:?}", v.trim()))?;
            Ok((k.trim().to_ascii_lowercase(), x))
        })
        .collect()
}

fn model_from_params(flag: &str, model: Model, text: &str) -> Result<FittedModel> {
    let p = parse_params(flag, text)?;
    let named: Vec<(&str, f64)> = p.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    FittedModel::from_params(model, &named).map_err(|e| anyhow!("{flag}: {e}"))
}

fn is_purchase_model(m: Model) -> bool {
    matches!(
        m,
        Model::BgNbd | Model::MbgNbd | Model::ParetoNbd | Model::BgBb
    )
}

/// A text cell as a JSON/CSV value: numbers as numbers, except id-like text with a leading zero
/// ("007") that a number would change.
fn text_cell(s: &str) -> Cell {
    let digits = s.trim_start_matches(['-', '+']);
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && !leading_zero && !s.starts_with('+') => number_cell(x),
        _ => Cell::Text(s.to_string()),
    }
}

/// Whole numbers as integers (JSON `2`, not `2.0`), others as floats.
fn number_cell(x: f64) -> Cell {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Cell::Int(x as i64)
    } else {
        Cell::Number(x)
    }
}

fn run_predict(a: PredictArgs, g: &Globals) -> Result<()> {
    anyhow::ensure!(
        is_purchase_model(a.model),
        "--model {}: predict needs a purchase model (bgnbd, mbgnbd, pnbd or bgbb); give Gamma-Gamma parameters with --spend-params or use --fit-spend",
        a.model.name()
    );
    let format = match (a.format, &a.output) {
        (None, None) => Some(Format::Csv),
        (f, _) => f,
    };
    let dest = output::destination(format, a.output.as_deref())?;
    let given = a
        .params
        .as_deref()
        .map(|p| model_from_params("--params", a.model, p))
        .transpose()?;
    let given_spend = match a.spend_params.as_deref() {
        Some(p) => match model_from_params("--spend-params", Model::GammaGamma, p)? {
            FittedModel::GammaGamma(gg) => Some(gg),
            _ => None,
        },
        None => None,
    };
    let with_spend = given_spend.is_some() || a.fit_spend;
    let source = a.opts.open(&a.input)?;
    let need = Need {
        money: with_spend,
        holdout: false,
    };
    let s = read_summary(&source, a.model, need, true, &a.opts, g)?;
    let data = s.data(a.model);
    let lines = s.lines();
    let fit_opts = a.tuning.options()?;
    let model = match given {
        Some(m) => m,
        None => {
            let f = custval_clv::fit(a.model, &data, &fit_opts)
                .map_err(|e| clv_error(e, &a.input, &lines))?;
            note_fit(&f, g);
            f.fitted
        }
    };
    let spend: Option<GammaGamma> = match given_spend {
        Some(gg) => Some(gg),
        None if a.fit_spend => fit_spend(&data, &fit_opts, &a.input, &lines, g)?,
        None => None,
    };
    let popts = PredictOptions {
        horizon: a.horizon,
        discount_rate: a.discount_rate,
        period: a.period,
        margin: a.margin,
        spend,
    };
    let preds =
        custval_clv::predict(&model, &data, &popts).map_err(|e| clv_error(e, &a.input, &lines))?;

    let table = prediction_table(&s, source.headers(), &preds, spend.is_some());
    emit_table(dest, &table, "customers", g)
}

/// The Gamma-Gamma spend model fitted on the summary's repeat customers (`--fit-spend`).
fn fit_spend(
    data: &ClvData,
    fit_opts: &FitOptions,
    input: &Path,
    lines: &[u64],
    g: &Globals,
) -> Result<Option<GammaGamma>> {
    let mut d = ClvData::spend(data.frequency.clone(), data.monetary_value.clone());
    if let Some(w) = &data.weights {
        d = d.with_weights(w.clone());
    }
    let f = custval_clv::fit(Model::GammaGamma, &d, fit_opts)
        .map_err(|e| clv_error(e, input, lines))?;
    note_fit(&f, g);
    Ok(match f.fitted {
        FittedModel::GammaGamma(gg) => Some(gg),
        _ => None,
    })
}

/// `predict`'s output: every input column in header order, then the predictions (the spend
/// and CLV columns `with_spend`).
fn prediction_table(
    s: &Summary,
    headers: &[String],
    preds: &[custval_clv::Prediction],
    with_spend: bool,
) -> Table {
    let added: &[&str] = if with_spend {
        &["expected_purchases", "p_alive", "expected_spend", "clv"]
    } else {
        &["expected_purchases", "p_alive"]
    };
    enum Src {
        Num(usize),
        Text(usize),
    }
    let mut layout: Vec<(String, Src)> = Vec::new();
    for (hi, h) in headers.iter().enumerate() {
        if added.iter().any(|x| x.eq_ignore_ascii_case(h.trim())) {
            continue; // replaced by the new value
        }
        if let Some(i) = s.cols.header_idx.iter().position(|&x| x == hi) {
            layout.push((h.clone(), Src::Num(i)));
        } else if let Some(j) = s.passthrough.iter().position(|&x| x == hi) {
            layout.push((h.clone(), Src::Text(j)));
        }
    }
    let mut table = Table {
        headers: layout
            .iter()
            .map(|(h, _)| h.clone())
            .chain(added.iter().map(|s| (*s).to_string()))
            .collect(),
        rows: Vec::with_capacity(s.len()),
    };
    for (r, p) in preds.iter().enumerate() {
        let mut row: Vec<Cell> = Vec::with_capacity(table.headers.len());
        for (_, src) in &layout {
            row.push(match src {
                Src::Num(i) => number_cell(s.num(r, *i)),
                Src::Text(j) => s.text(r, *j).map_or(Cell::Empty, text_cell),
            });
        }
        row.push(Cell::Number(p.expected_purchases));
        row.push(Cell::Number(p.p_alive));
        if with_spend {
            row.push(p.expected_spend.map_or(Cell::Empty, Cell::Number));
            row.push(p.clv.map_or(Cell::Empty, Cell::Number));
        }
        table.rows.push(row);
    }
    table
}

fn note_fit(f: &Fit, g: &Globals) {
    if g.quiet {
        return;
    }
    let params: Vec<String> = f
        .params
        .iter()
        .map(|(k, v)| format!("{k}={v:.6}"))
        .collect();
    eprintln!(
        "fitted {}: {} (log-likelihood {:.4}, converged {})",
        f.model.name(),
        params.join(","),
        f.log_likelihood,
        f.converged
    );
    if !f.converged {
        eprintln!(
            "custval: warning: the {} fit did not converge; try --starts 5 or --penalizer 0.001",
            f.model.name()
        );
    }
}

/// Writes a result table: CSV on stdout by default, JSON, a readable table (first 50 rows), or
/// a file.
fn emit_table(dest: Destination, table: &Table, what: &str, g: &Globals) -> Result<()> {
    match dest {
        Destination::Stdout(Format::Json) => {
            let mut bytes = custval_export::json_bytes(table);
            bytes.push(b'\n');
            output::print_bytes(&bytes)
        }
        Destination::Stdout(Format::Table) if table.rows.len() <= 50 => {
            output::print_text(&output::text_table(
                &table.headers.iter().map(String::as_str).collect::<Vec<_>>(),
                table.rows.iter().map(|r| r.iter().map(cell_text).collect()),
            ))
        }
        Destination::Stdout(Format::Table) => {
            let mut text = output::text_table(
                &table.headers.iter().map(String::as_str).collect::<Vec<_>>(),
                table
                    .rows
                    .iter()
                    .take(50)
                    .map(|r| r.iter().map(cell_text).collect()),
            );
            text.push_str(&format!(
                "\n(first 50 of {} {what}; use --output FILE.csv|.xlsx|.json or --format csv|json for all)\n",
                table.rows.len()
            ));
            output::print_text(&text)
        }
        Destination::Stdout(_) => output::print_bytes(&custval_export::csv_bytes(table)),
        Destination::File(path, tf) => {
            output::write_file(&path, tf, table)?;
            if !g.quiet {
                eprintln!("wrote {} {what} to {}", table.rows.len(), path.display());
            }
            Ok(())
        }
    }
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Number(x) => format!("{:.4}", x)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string(),
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Int(i) => i.to_string(),
        Cell::Date(d) => custval_ingest::parse::format_date(*d),
        Cell::Bool(b) => b.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// holdout

#[derive(Serialize)]
struct HoldoutOut<'a> {
    fit: FitOut<'a>,
    #[serde(flatten)]
    report: &'a custval_clv::HoldoutReport,
}

fn run_holdout(a: HoldoutArgs, g: &Globals) -> Result<()> {
    anyhow::ensure!(
        is_purchase_model(a.model),
        "--model {}: the holdout report needs a purchase model (bgnbd, mbgnbd, pnbd or bgbb)",
        a.model.name()
    );
    let fit_opts = a.tuning.options()?;
    let source = a.opts.open(&a.input)?;
    let need = Need {
        money: false,
        holdout: true,
    };
    let s = read_summary(&source, a.model, need, false, &a.opts, g)?;
    let data = s.data(a.model);
    let lines = s.lines();
    let started = Instant::now();
    let f =
        custval_clv::fit(a.model, &data, &fit_opts).map_err(|e| clv_error(e, &a.input, &lines))?;
    let seconds = started.elapsed().as_secs_f64();
    if !f.converged && !g.quiet {
        eprintln!(
            "custval: warning: the {} fit did not converge; try --starts 5 or --penalizer 0.001",
            a.model.name()
        );
    }
    let report =
        custval_clv::holdout_report(&f.fitted, &data, &s.column(s.cols.fh), &s.column(s.cols.dh))
            .map_err(|e| clv_error(e, &a.input, &lines))?;
    match a.format {
        Fmt::Json => output::print_json(&HoldoutOut {
            fit: FitOut {
                fit: &f,
                seconds,
                quarantine: s.quarantine.map(|p| p.display().to_string()),
            },
            report: &report,
        }),
        Fmt::Table => {
            let mut text = fit_text(&f, seconds);
            text.push_str("\n\nholdout: mean purchases per customer by calibration frequency\n");
            text.push_str(&report.to_table());
            output::print_text(&text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_parse() {
        let p = parse_params("--params", "r=0.5, Alpha=2").unwrap_or_default();
        assert_eq!(p, vec![("r".to_string(), 0.5), ("alpha".to_string(), 2.0)]);
        assert!(parse_params("--params", "r").is_err());
        assert!(parse_params("--params", "r=x").is_err());
    }

    #[test]
    fn text_cells() {
        assert_eq!(text_cell("12.5"), Cell::Number(12.5));
        assert_eq!(text_cell("12"), Cell::Int(12));
        assert_eq!(text_cell("007"), Cell::Text("007".into()));
        assert_eq!(text_cell("0.5"), Cell::Number(0.5));
        assert_eq!(text_cell("abc"), Cell::Text("abc".into()));
        assert_eq!(text_cell("inf"), Cell::Text("inf".into()));
    }
}
