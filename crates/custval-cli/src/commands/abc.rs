//! `custval abc`: Pareto classes by cumulative share.

use std::path::PathBuf;

use anyhow::Result;
use custval_export::{Cell, Table};
use custval_ingest::group::{Fold, Grouper, group};
use custval_ingest::{Field, Kind};
use custval_segment::abc::{self, AbcRow, Basis};
use rayon::slice::ParallelSliceMut;
use serde::Serialize;

use crate::Globals;
use crate::input::InputOpts;
use crate::output::{self, Destination, Format, natural_cmp, num, pct};
use crate::progress;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Values are sorted descending (ties keep file order). A row is in class A while the cumulative
share including it is within the first cut, B within the second, and so on; C after the last
cut. Rows with the same id are summed first, so a transactions file can be given directly.
--by count cuts on the share of customers instead (top 20% = A with --cuts 0.2,0.5).")]
pub struct Args {
    /// Input table (CSV, XLSX or Parquet).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Column with the customer (or item) id.
    #[arg(long, value_name = "COL")]
    pub id_col: String,
    /// Column with the value (revenue, profit, CLV, …).
    #[arg(long, value_name = "COL")]
    pub value_col: String,
    /// Cumulative-share cuts, increasing, within (0, 1].
    #[arg(long, default_value = "0.8,0.95", value_delimiter = ',')]
    pub cuts: Vec<f64>,
    /// Cut by share of value or share of customers.
    #[arg(long, value_enum, default_value = "value")]
    pub by: By,
    /// Write every row to this file (.csv, .xlsx, .json) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// table, json or csv on stdout; with --output, the file format when its extension
    /// does not say.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub opts: InputOpts,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum By {
    Value,
    Count,
}

#[derive(Serialize)]
struct RowOut<'a> {
    id: &'a str,
    value: f64,
    share: f64,
    cumulative_share: f64,
    class: &'a str,
}

/// Per id: the sum of its values (rows in any order).
#[derive(Clone, Copy)]
struct Sum;

impl Fold for Sum {
    type Row = f64;
    type State = f64;
    fn init(&self, row: &f64) -> f64 {
        *row
    }
    fn fold(&self, s: &mut f64, row: &f64) {
        *s += row;
    }
    fn merge(&self, into: &mut f64, from: f64) {
        *into += from;
    }
    fn absorb(&self, kept: &mut f64, new: &f64) -> bool {
        *kept += new;
        true
    }
}

/// Sums values per id, ids in natural order.
pub fn read_values(a: &Args, g: &Globals) -> Result<(Vec<String>, Vec<f64>)> {
    let source = a.opts.open(&a.input)?;
    let fields = [
        Field::required(&a.id_col, Kind::Text),
        Field::required(&a.value_col, Kind::Number),
    ];
    let bar = progress::bytes(g, &progress::label(g, "reading"));
    let (parts, report) = source.scan(
        &fields,
        || Grouper::new(Sum),
        |rows: &mut Grouper<Sum>, row| {
            let (Some(id), Some(v)) = (row.text(0), row.number(1)) else {
                return Err("missing field".into());
            };
            rows.add(id, v).map_err(|e| e.to_string().into())
        },
        &|d, t| {
            bar.set_length(t);
            bar.set_position(d);
        },
    )?;
    bar.finish_and_clear();
    a.opts.settle(&source, &report, g)?;
    let mut grouped = group(parts);
    // Ids in natural order (C2 before C10), so that ids of equal value, which the cumulative
    // share may put in different classes, fall the same way whatever order the file lists
    // rows in (issue 19); they used to keep the order they first appeared in.
    grouped.par_sort_unstable_by(|a, b| natural_cmp(&a.0, &b.0));
    let (ids, values) = grouped
        .into_iter()
        // Classified as printed: the last bits of a sum depend on the order rows were added in
        // and must not order two equal totals.
        .map(|(id, v)| (id.into_string(), super::rfm::round6(v)))
        .unzip();
    Ok((ids, values))
}

pub fn run(a: Args, g: &Globals) -> Result<()> {
    let dest = output::destination(a.format, a.output.as_deref())?;
    let (ids, values) = read_values(&a, g)?;
    let basis = match a.by {
        By::Value => Basis::Value,
        By::Count => Basis::Count,
    };
    let rows = abc::classify(&values, &a.cuts, basis)?;
    emit(&ids, &rows, &a.cuts, dest, g)
}

pub fn emit(
    ids: &[String],
    rows: &[AbcRow],
    cuts: &[f64],
    dest: Destination,
    g: &Globals,
) -> Result<()> {
    let table = || Table {
        headers: ["id", "value", "share", "cumulative_share", "class"]
            .iter()
            .map(|s| (*s).to_string())
            .collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(ids[r.index].clone()),
                    Cell::Number(super::rfm::round6(r.value)),
                    Cell::Number(r.share),
                    Cell::Number(r.cumulative_share),
                    Cell::Text(r.class.clone()),
                ]
            })
            .collect(),
    };
    match dest {
        Destination::Stdout(Format::Json) => output::print_json(
            &rows
                .iter()
                .map(|r| RowOut {
                    id: &ids[r.index],
                    value: super::rfm::round6(r.value),
                    share: r.share,
                    cumulative_share: r.cumulative_share,
                    class: &r.class,
                })
                .collect::<Vec<_>>(),
        ),
        Destination::Stdout(Format::Csv) => {
            output::print_bytes(&custval_export::csv_bytes(&table()))
        }
        Destination::Stdout(_) => {
            let mut text = summary(rows, cuts);
            if rows.len() <= 50 {
                text.push('\n');
                text.push_str(&output::text_table(
                    &["id", "value", "share", "cumulative", "class"],
                    rows.iter().map(|r| {
                        vec![
                            ids[r.index].clone(),
                            num(r.value, 2),
                            pct(r.share),
                            pct(r.cumulative_share),
                            r.class.clone(),
                        ]
                    }),
                ));
            } else {
                text.push_str("\n(use --output FILE.csv|.xlsx or --format json for every row)");
            }
            output::print_text(&text)
        }
        Destination::File(path, tf) => {
            output::write_file(&path, tf, &table())?;
            if !g.quiet {
                eprintln!("wrote {} rows to {}", rows.len(), path.display());
                eprintln!("{}", summary(rows, cuts));
            }
            Ok(())
        }
    }
}

/// Count and value share per class.
pub fn summary(rows: &[AbcRow], cuts: &[f64]) -> String {
    let total: f64 = rows.iter().map(|r| r.value).sum();
    let n = rows.len().max(1) as f64;
    let mut lines = Vec::new();
    for k in 0..=cuts.len() {
        let label = abc::label(k);
        let (count, value) = rows
            .iter()
            .filter(|r| r.class == label)
            .fold((0usize, 0.0), |(c, v), r| (c + 1, v + r.value));
        let rule = match k {
            0 => format!("cumulative share ≤ {}", pct(cuts[0])),
            k if k < cuts.len() => format!("≤ {}", pct(cuts[k])),
            _ => "the rest".to_string(),
        };
        lines.push(vec![
            label,
            num(count as f64, 0),
            pct(count as f64 / n),
            num(value, 2),
            pct(if total != 0.0 { value / total } else { 0.0 }),
            rule,
        ]);
    }
    output::text_table(
        &[
            "class",
            "customers",
            "% customers",
            "value",
            "% value",
            "rule",
        ],
        lines,
    )
}
