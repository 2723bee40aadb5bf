//! `custval rfm`: one pass over the transactions, then scores and segments.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use custval_export::{Cell, Table};
use custval_ingest::group::{Fold, Grouper};
use custval_ingest::{Field, Kind, Source};
use custval_segment::rfm::{self, Basis, Cn8, RfmScore, RfmValues, RuleSet, Thresholds};
use rayon::iter::{IntoParallelIterator, ParallelIterator};
use rayon::slice::ParallelSliceMut;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::Globals;
use crate::input::{InputOpts, parse_date_arg};
use crate::output::{self, Destination, Format, id_order, num, pct};
use crate::progress;

const AFTER_HELP: &str = "\
Scores: 1..bins by quantile breaks (type 7, like DuckDB's quantile_cont), 5 = best; a value's
score is 1 + the number of breaks it exceeds (recency: bins - that number), so equal values
always get equal scores. rfm_score = 100*R + 10*F + M. Rows dated after --as-of are ignored.
frequency counts rows (orders) and monetary sums amounts, so a refund row (negative amount)
nets against revenue and also counts as a row: remove refund rows first if they should not.

Default segments (scores 1-5, first matching rule wins):
  Champions           R 4-5  F 4-5  M 4-5
  Can't Lose Them     R 1-2  F 4-5  M 4-5
  Loyal Customers     R 3-5  F 3-5
  At Risk             R 1-2  F 3-5
  New Customers       R 5    F 1
  Promising           R 4    F 1
  Potential Loyalist  R 4-5  F 2
  Need Attention      R 3    F 1-2
  About To Sleep      R 2    F 1-2
  Lost                R 1    F 1-2

--segments cn8: R, F and M are high when better than the mean (--cn8-basis median to change):
  R high F high M high  重要价值客户 (important value)
  R high F low  M high  重要发展客户 (important development)
  R low  F high M high  重要保持客户 (important retention)
  R low  F low  M high  重要挽留客户 (important win-back)
  R high F high M low   一般价值客户 (general value)
  R high F low  M low   一般发展客户 (general development)
  R low  F high M low   一般保持客户 (general retention)
  R low  F low  M low   一般挽留客户 (general win-back)
R is high when recency_days < the mean; F and M when above it.

--segments FILE.toml: your own ordered rules, e.g.
  [[segment]]
  name = \"Champions\"
  r = [4, 5]
  f = [4, 5]
  m = [4, 5]";

#[derive(Debug, clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// Transactions file (CSV, XLSX or Parquet).
    #[arg(long, value_name = "FILE")]
    pub transactions: PathBuf,
    /// Column with the customer id.
    #[arg(long, value_name = "COL")]
    pub customer_col: String,
    /// Column with the order date.
    #[arg(long, value_name = "COL")]
    pub date_col: String,
    /// Column with the order amount.
    #[arg(long, value_name = "COL")]
    pub amount_col: String,
    /// The evaluation date (YYYY-MM-DD); later rows are ignored.
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub as_of: i32,
    /// Number of score levels.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(2..=10))]
    pub bins: u8,
    /// Segment scheme: default, cn8, or a TOML rule file.
    #[arg(long, default_value = "default", value_name = "default|cn8|FILE")]
    pub segments: String,
    /// cn8: compare with the mean or the median.
    #[arg(long, value_enum, default_value = "mean")]
    pub cn8_basis: Cn8Basis,
    /// Write all customers to this file (.csv, .xlsx, .json).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// table, json or csv on stdout; with --output, the file format when its extension
    /// does not say.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub input: InputOpts,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Cn8Basis {
    Mean,
    Median,
}

/// One record's totals while reading: a row, or a run of rows of one customer.
#[derive(Debug, Clone, Copy)]
struct Run {
    last: i32,
    count: u32,
    sum: f64,
}

/// A customer's totals over all records.
#[derive(Debug, Clone, Copy)]
struct Agg {
    last: i32,
    count: u64,
    sum: f64,
}

/// How rows add up per customer.
#[derive(Debug, Clone, Copy)]
struct RfmFold;

impl Fold for RfmFold {
    type Row = Run;
    type State = Agg;
    fn init(&self, r: &Run) -> Agg {
        Agg {
            last: r.last,
            count: u64::from(r.count),
            sum: r.sum,
        }
    }
    fn fold(&self, a: &mut Agg, r: &Run) {
        a.last = a.last.max(r.last);
        a.count += u64::from(r.count);
        a.sum += r.sum;
    }
    fn merge(&self, into: &mut Agg, from: Agg) {
        into.last = into.last.max(from.last);
        into.count += from.count;
        into.sum += from.sum;
    }
    fn absorb(&self, kept: &mut Run, new: &Run) -> bool {
        if kept.count == u32::MAX {
            return false;
        }
        kept.last = kept.last.max(new.last);
        kept.count += 1;
        kept.sum += new.sum;
        true
    }
}

/// One scan worker: rows grouped by customer through hash partitions, so that a file ordered
/// by date costs about what one grouped by customer does (see `custval_ingest::group`).
struct Part {
    rows: Grouper<RfmFold>,
    after_as_of: u64,
}

/// Aggregates a transactions file into per-customer RFM values.
pub struct Aggregated {
    pub ids: Vec<String>,
    pub values: Vec<RfmValues>,
    pub after_as_of: u64,
    pub report: custval_ingest::ScanReport,
}

pub fn aggregate(
    source: &Source,
    customer_col: &str,
    date_col: &str,
    amount_col: &str,
    as_of: i32,
    g: &Globals,
) -> Result<Aggregated> {
    let fields = [
        Field::required(customer_col, Kind::Text),
        Field::required(date_col, Kind::Date),
        Field::required(amount_col, Kind::Number),
    ];
    let bar = progress::bytes(g, &progress::label(g, "reading"));
    let started = std::time::Instant::now();
    let (parts, report) = source.scan(
        &fields,
        || Part {
            rows: Grouper::new(RfmFold),
            after_as_of: 0,
        },
        |p: &mut Part, row| {
            let (Some(id), Some(day), Some(amount)) = (row.text(0), row.date(1), row.number(2))
            else {
                return Err("missing field".into());
            };
            if day > as_of {
                p.after_as_of += 1;
                return Ok(());
            }
            let run = Run {
                last: day,
                count: 1,
                sum: amount,
            };
            p.rows.add(id, run).map_err(|e| e.to_string().into())
        },
        &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )?;
    bar.finish_and_clear();
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "scanned");
    let after_as_of = parts.iter().map(|p| p.after_as_of).sum();
    let grouped = custval_ingest::group::group(parts.into_iter().map(|p| p.rows).collect());
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "grouped");
    let mut rows: Vec<(Option<u64>, Box<str>, Agg)> = grouped
        .into_iter()
        .map(|(k, a)| (k.parse().ok(), k, a))
        .collect();
    rows.par_sort_unstable_by(|a, b| id_order((a.0, &a.1), (b.0, &b.1)));
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "sorted");
    let values = rows
        .iter()
        .map(|(_, _, a)| RfmValues {
            recency_days: i64::from(as_of) - i64::from(a.last),
            frequency: a.count,
            // Scored as printed: a sum's last bits depend on the order rows were added in, and
            // must not decide which side of a quintile break a customer falls (issue 19).
            monetary: round6(a.sum),
        })
        .collect();
    Ok(Aggregated {
        ids: rows.into_iter().map(|(_, k, _)| k.into_string()).collect(),
        values,
        after_as_of,
        report,
    })
}

/// How customers get their segment name.
pub enum Scheme {
    Rules(RuleSet, &'static str),
    Cn8(Cn8),
}

impl Scheme {
    pub fn load(spec: &str, bins: u8, basis: Cn8Basis, values: &[RfmValues]) -> Result<Scheme> {
        Ok(match spec {
            "default" => Scheme::Rules(RuleSet::default_table(), "default"),
            "cn8" => Scheme::Cn8(Cn8::new(
                values,
                match basis {
                    Cn8Basis::Mean => Basis::Mean,
                    Cn8Basis::Median => Basis::Median,
                },
            )?),
            path => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("{path}: cannot read the segment rule file"))?;
                let rules =
                    RuleSet::from_toml_str(&text, bins).with_context(|| path.to_string())?;
                Scheme::Rules(rules, "file")
            }
        })
    }

    pub fn name(&self, v: &RfmValues, s: &RfmScore, bins: u8) -> &str {
        match self {
            Scheme::Rules(r, _) => r.name(s, bins),
            Scheme::Cn8(c) => c.classify(v).0,
        }
    }
}

#[derive(Serialize)]
struct CustomerOut<'a> {
    customer_id: &'a str,
    recency_days: i64,
    frequency: u64,
    monetary: f64,
    r_score: u8,
    f_score: u8,
    m_score: u8,
    rfm_score: u16,
    segment: &'a str,
}

#[derive(Serialize)]
struct ThresholdsOut<'a> {
    #[serde(flatten)]
    breaks: &'a Thresholds,
    #[serde(skip_serializing_if = "Option::is_none")]
    cn8: Option<&'a Cn8>,
}

#[derive(Serialize)]
struct SegmentSummary {
    segment: String,
    customers: usize,
    share: f64,
    monetary: f64,
    monetary_share: f64,
}

#[derive(Serialize)]
struct InputOut {
    file: String,
    read: u64,
    accepted: u64,
    rejected: u64,
    ignored_after_as_of: u64,
    quarantine: Option<String>,
}

#[derive(Serialize)]
struct RfmOut<'a> {
    as_of: String,
    segments: &'a str,
    thresholds: ThresholdsOut<'a>,
    summary: Vec<SegmentSummary>,
    input: InputOut,
    customers: Vec<CustomerOut<'a>>,
}

/// Rounds away float noise from summed amounts (1e-6 of a currency unit).
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

pub fn run(a: Args, g: &Globals) -> Result<()> {
    let dest = output::destination(a.format, a.output.as_deref())?;
    let source = a.input.open(&a.transactions)?;
    let agg = aggregate(
        &source,
        &a.customer_col,
        &a.date_col,
        &a.amount_col,
        a.as_of,
        g,
    )?;
    let quarantine = a.input.settle(&source, &agg.report, g)?;
    anyhow::ensure!(
        !agg.values.is_empty(),
        "{}: no transactions on or before the as-of date {}",
        a.transactions.display(),
        custval_ingest::parse::format_date(a.as_of)
    );
    let t0 = std::time::Instant::now();
    let (thresholds, scores) = rfm::score(&agg.values, a.bins)?;
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "scored");
    let scheme = Scheme::load(&a.segments, a.bins, a.cn8_basis, &agg.values)?;
    let names: Vec<&str> = agg
        .values
        .iter()
        .zip(&scores)
        .map(|(v, s)| scheme.name(v, s, a.bins))
        .collect();
    let summary = summarize(&names, &agg.values);
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "segmented");
    if agg.after_as_of > 0 && !g.quiet {
        eprintln!(
            "{}: {} rows dated after {} were ignored",
            a.transactions.display(),
            agg.after_as_of,
            custval_ingest::parse::format_date(a.as_of)
        );
    }
    let out = Scored {
        a: &a,
        agg: &agg,
        thresholds: &thresholds,
        scores: &scores,
        names: &names,
        scheme: &scheme,
        quarantine: quarantine.as_deref(),
    };
    let n = agg.ids.len();
    match dest {
        Destination::Stdout(Format::Json) => output::print_json(&out.json()),
        Destination::Stdout(Format::Csv) => {
            output::print_bytes(&custval_export::rows_csv_bytes(&HEADERS, n, |k, line| {
                out.csv_row(k, line)
            }))
        }
        Destination::Stdout(_) => output::print_text(&out.text(&summary)),
        Destination::File(path, tf) => {
            if tf == custval_export::TableFormat::Json {
                let file = std::fs::File::create(&path)
                    .with_context(|| format!("{}: cannot create", path.display()))?;
                let mut w = std::io::BufWriter::new(file);
                serde_json::to_writer(&mut w, &out.json())?;
                std::io::Write::flush(&mut w)?;
            } else if tf == custval_export::TableFormat::Csv {
                custval_export::write_rows_csv(&path, &HEADERS, n, |k, line| out.csv_row(k, line))
                    .with_context(|| format!("writing {}", path.display()))?;
                tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "written");
            } else {
                let t = out.table();
                tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "table built");
                output::write_file(&path, tf, &t)?;
                tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "written");
            }
            if !g.quiet {
                eprintln!("wrote {} customers to {}", n, path.display());
                eprint!("{}", summary_text(&summary));
                eprintln!();
            }
            Ok(())
        }
    }
}

const HEADERS: [&str; 9] = [
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "rfm_score",
    "segment",
];

/// Everything `rfm` writes, in each output's shape.
struct Scored<'a> {
    a: &'a Args,
    agg: &'a Aggregated,
    thresholds: &'a Thresholds,
    scores: &'a [RfmScore],
    names: &'a [&'a str],
    scheme: &'a Scheme,
    quarantine: Option<&'a Path>,
}

impl Scored<'_> {
    /// Customer `k`'s CSV row. CSV is written row by row on all cores, without a table of
    /// cells in between (half a million rows of cells cost more than their text).
    fn csv_row(&self, k: usize, line: &mut custval_export::CsvLine<'_>) {
        let (v, sc) = (&self.agg.values[k], &self.scores[k]);
        line.text(&self.agg.ids[k]);
        line.int(v.recency_days);
        line.int(v.frequency as i64);
        line.number(round6(v.monetary));
        line.int(i64::from(sc.r_score));
        line.int(i64::from(sc.f_score));
        line.int(i64::from(sc.m_score));
        line.int(i64::from(sc.rfm_score));
        line.text(self.names[k]);
    }

    /// Every customer as cells (half a million rows of cells: built on all cores).
    fn table(&self) -> Table {
        let (agg, scores, names) = (self.agg, self.scores, self.names);
        Table {
            headers: HEADERS.iter().map(|s| (*s).to_string()).collect(),
            rows: (0..agg.ids.len())
                .into_par_iter()
                .map(|k| {
                    let (v, sc) = (&agg.values[k], &scores[k]);
                    vec![
                        Cell::Text(agg.ids[k].clone()),
                        Cell::Int(v.recency_days),
                        Cell::Int(v.frequency as i64),
                        Cell::Number(round6(v.monetary)),
                        Cell::Int(i64::from(sc.r_score)),
                        Cell::Int(i64::from(sc.f_score)),
                        Cell::Int(i64::from(sc.m_score)),
                        Cell::Int(i64::from(sc.rfm_score)),
                        Cell::Text(names[k].to_string()),
                    ]
                })
                .collect(),
        }
    }

    fn cn8(&self) -> Option<&Cn8> {
        match self.scheme {
            Scheme::Cn8(c) => Some(c),
            Scheme::Rules(..) => None,
        }
    }

    fn scheme_name(&self) -> &'static str {
        match self.scheme {
            Scheme::Rules(_, n) => n,
            Scheme::Cn8(_) => "cn8",
        }
    }

    fn json(&self) -> RfmOut<'_> {
        let (a, agg) = (self.a, self.agg);
        RfmOut {
            as_of: custval_ingest::parse::format_date(a.as_of),
            segments: self.scheme_name(),
            thresholds: ThresholdsOut {
                breaks: self.thresholds,
                cn8: self.cn8(),
            },
            summary: summarize(self.names, &agg.values),
            input: InputOut {
                file: a.transactions.display().to_string(),
                read: agg.report.read,
                accepted: agg.report.accepted(),
                rejected: agg.report.rejected.len() as u64,
                ignored_after_as_of: agg.after_as_of,
                quarantine: self.quarantine.map(|p| p.display().to_string()),
            },
            customers: agg
                .ids
                .iter()
                .zip(&agg.values)
                .zip(self.scores.iter().zip(self.names))
                .map(|((id, v), (s, n))| CustomerOut {
                    customer_id: id,
                    recency_days: v.recency_days,
                    frequency: v.frequency,
                    monetary: round6(v.monetary),
                    r_score: s.r_score,
                    f_score: s.f_score,
                    m_score: s.m_score,
                    rfm_score: s.rfm_score,
                    segment: n,
                })
                .collect(),
        }
    }

    /// The terminal report: thresholds, segments, and every customer when there are few.
    fn text(&self, summary: &[SegmentSummary]) -> String {
        let n = self.agg.ids.len();
        let mut text = format!(
            "RFM as of {} — {} customers, {} bins, segments: {}\n\n",
            custval_ingest::parse::format_date(self.a.as_of),
            n,
            self.a.bins,
            self.scheme_name()
        );
        text.push_str(&thresholds_text(self.thresholds, self.cn8()));
        text.push('\n');
        text.push_str(&summary_text(summary));
        text.push('\n');
        if n <= 50 {
            let t = self.table();
            text.push('\n');
            text.push_str(&output::text_table(
                &t.headers.iter().map(String::as_str).collect::<Vec<_>>(),
                t.rows.iter().map(|r| r.iter().map(cell_text).collect()),
            ));
            text.push('\n');
        } else {
            text.push_str(
                "\n(use --output FILE.csv|.xlsx|.json or --format json for every customer)\n",
            );
        }
        text
    }
}

fn summarize(names: &[&str], values: &[RfmValues]) -> Vec<SegmentSummary> {
    let total_m: f64 = values.iter().map(|v| v.monetary).sum();
    let mut by: Vec<SegmentSummary> = Vec::new();
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    for (n, v) in names.iter().zip(values) {
        let k = *index.entry(n).or_insert_with(|| {
            by.push(SegmentSummary {
                segment: (*n).to_string(),
                customers: 0,
                share: 0.0,
                monetary: 0.0,
                monetary_share: 0.0,
            });
            by.len() - 1
        });
        by[k].customers += 1;
        by[k].monetary += v.monetary;
    }
    let n = values.len().max(1) as f64;
    for s in &mut by {
        s.share = s.customers as f64 / n;
        s.monetary_share = if total_m != 0.0 {
            s.monetary / total_m
        } else {
            0.0
        };
        s.monetary = round6(s.monetary);
    }
    by.sort_by(|a, b| b.monetary.total_cmp(&a.monetary));
    by
}

fn summary_text(summary: &[SegmentSummary]) -> String {
    output::text_table(
        &[
            "segment",
            "customers",
            "% customers",
            "monetary",
            "% monetary",
        ],
        summary.iter().map(|s| {
            vec![
                s.segment.clone(),
                num(s.customers as f64, 0),
                pct(s.share),
                num(s.monetary, 2),
                pct(s.monetary_share),
            ]
        }),
    )
}

fn thresholds_text(t: &Thresholds, cn8: Option<&Cn8>) -> String {
    let fmt = |v: &[f64]| v.iter().map(|x| num(*x, 2)).collect::<Vec<_>>().join(" | ");
    let mut s = format!(
        "breaks (type-7 quantiles at k/{}):\n  recency_days: {}\n  frequency:    {}\n  monetary:     {}\n",
        t.bins,
        fmt(&t.recency_days),
        fmt(&t.frequency),
        fmt(&t.monetary)
    );
    if let Some(c) = cn8 {
        s.push_str(&format!(
            "cn8 centers ({:?}): recency_days {} · frequency {} · monetary {}\n",
            c.basis,
            num(c.recency_days, 2),
            num(c.frequency, 2),
            num(c.monetary, 2)
        ));
    }
    s
}

pub fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(x) => format!("{x}"),
        Cell::Int(i) => i.to_string(),
        Cell::Date(d) => custval_ingest::parse::format_date(*d),
        Cell::Bool(b) => b.to_string(),
    }
}
