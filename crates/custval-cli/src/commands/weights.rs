//! `custval weights …` and `custval rank topsis`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use custval_ingest::{Field, Kind, Rejected, ScanReport};
use custval_weights::{Direction, ahp, critic, entropy, table, topsis};
use serde::Serialize;

use crate::Globals;
use crate::input::InputOpts;
use crate::output::{self, num};

pub use crate::output::ReportFormat as Fmt;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Analytic hierarchy process: a comparison matrix or a hierarchy file.
    #[command(after_long_help = "\
Matrix text: rows separated by ';', entries by spaces, fractions allowed, '?' for a missing
judgement (filled by Harker's method). CR = CI / RI; consistent when CR < 0.1.
RI tables: saaty (1980: 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49), alonso-lamata,
donegan-dodd.")]
    Ahp(AhpArgs),
    /// Entropy weights (熵权法) from a numeric table.
    Entropy(ObjectiveArgs),
    /// CRITIC weights from a numeric table.
    Critic(ObjectiveArgs),
}

#[derive(Debug, clap::Args)]
pub struct AhpArgs {
    /// Pairwise comparison matrix, e.g. "1 3 5; 1/3 1 3; 1/5 1/3 1".
    #[arg(
        long,
        conflicts_with = "hierarchy",
        required_unless_present = "hierarchy"
    )]
    pub matrix: Option<String>,
    /// A hierarchy of criteria and sub-criteria (TOML).
    #[arg(long, value_name = "FILE.toml")]
    pub hierarchy: Option<PathBuf>,
    /// Random-index table for the consistency ratio.
    #[arg(long, value_name = "saaty|alonso-lamata|donegan-dodd")]
    pub ri: Option<ahp::RiTable>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Fmt,
}

#[derive(Debug, clap::Args)]
pub struct ObjectiveArgs {
    /// Numeric table: one row per customer, one column per indicator, optional first id column.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Columns where smaller is better.
    #[arg(long, value_delimiter = ',', value_name = "COL,...")]
    pub cost: Vec<String>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Fmt,
    #[command(flatten)]
    pub opts: InputOpts,
}

#[derive(Debug, clap::Subcommand)]
pub enum RankCommand {
    /// TOPSIS: closeness to the ideal (vector normalization).
    Topsis(TopsisArgs),
}

#[derive(Debug, clap::Args)]
pub struct TopsisArgs {
    /// Numeric table: one row per alternative, one column per indicator, optional first id column.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// One weight per indicator column, in column order (normalized to sum 1).
    #[arg(long, value_name = "w1,w2,...")]
    pub weights: String,
    /// Columns where smaller is better.
    #[arg(long, value_delimiter = ',', value_name = "COL,...")]
    pub cost: Vec<String>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Fmt,
    #[command(flatten)]
    pub opts: InputOpts,
}

pub fn run(c: Command, g: &Globals) -> Result<()> {
    match c {
        Command::Ahp(a) => run_ahp(a),
        Command::Entropy(a) => run_objective(a, g, "entropy"),
        Command::Critic(a) => run_objective(a, g, "critic"),
    }
}

fn run_ahp(a: AhpArgs) -> Result<()> {
    if let Some(path) = &a.hierarchy {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the hierarchy file", path.display()))?;
        let mut h =
            ahp::Hierarchy::from_toml_str(&text).with_context(|| path.display().to_string())?;
        if let Some(ri) = a.ri {
            h = h.with_ri(ri);
        }
        let r = h.analyze().with_context(|| path.display().to_string())?;
        return match a.format {
            Fmt::Json => output::print_json(&r),
            Fmt::Table => {
                let v = serde_json::to_value(&r)?;
                let mut text = String::new();
                if let Some(gw) = v.get("global_weights").and_then(|x| x.as_object()) {
                    text.push_str(&output::text_table(
                        &["indicator", "global weight"],
                        gw.iter().map(|(k, w)| {
                            vec![k.clone(), format!("{:.4}", w.as_f64().unwrap_or(0.0))]
                        }),
                    ));
                }
                text.push_str(&format!(
                    "\nall matrices consistent (CR < 0.1): {}\n(--format json for every node's λmax, CI, CR)",
                    v.get("all_consistent").and_then(|x| x.as_bool()).unwrap_or(false)
                ));
                output::print_text(&text)
            }
        };
    }
    let Some(m) = &a.matrix else {
        bail!("give --matrix or --hierarchy");
    };
    let r = ahp::analyze_str(m, a.ri.unwrap_or_default()).context("--matrix")?;
    match a.format {
        Fmt::Json => output::print_json(&r),
        Fmt::Table => {
            let mut text = output::text_table(
                &["criterion", "weight"],
                r.weights
                    .iter()
                    .enumerate()
                    .map(|(i, w)| vec![format!("{}", i + 1), format!("{w:.4}")]),
            );
            text.push_str(&format!(
                "\nλmax {:.4} · CI {:.4} · CR {:.4} ({}) · {}",
                r.lambda_max,
                r.ci,
                r.cr,
                a.ri.unwrap_or_default().name(),
                if r.consistent {
                    "consistent (CR < 0.1)"
                } else {
                    "NOT consistent (CR ≥ 0.1): revise the judgements (--format json lists the worst)"
                }
            ));
            output::print_text(&text)
        }
    }
}

/// A numeric table: indicator names, values by column, and an optional id per row.
pub struct NumericTable {
    pub ids: Option<Vec<String>>,
    pub names: Vec<String>,
    pub columns: Vec<Vec<f64>>,
}

/// Reads an all-numeric table; a first column that is not numeric is taken as the row id.
/// Rows with a non-numeric value are quarantined.
pub fn read_numeric_table(path: &Path, opts: &InputOpts, g: &Globals) -> Result<NumericTable> {
    let source = opts.open(path)?;
    let headers = source.headers().to_vec();
    let fields: Vec<Field> = headers
        .iter()
        .map(|h| Field::optional(h.clone(), Kind::Text))
        .collect();
    let (rows, mut report) = source.read_all(&fields)?;
    let is_number = |s: &str| custval_ingest::parse::parse_number(s).is_some();
    let first_is_id = rows
        .iter()
        .any(|r| r.text(0).is_some_and(|s| !is_number(s)));
    let start = usize::from(first_is_id);
    anyhow::ensure!(
        headers.len() > start,
        "{}: no indicator columns (only an id column)",
        path.display()
    );
    let mut ids = Vec::new();
    let mut data: Vec<Vec<f64>> = Vec::new();
    for r in &rows {
        let mut vals = Vec::with_capacity(headers.len() - start);
        let mut bad = None;
        for (j, h) in headers.iter().enumerate().skip(start) {
            match r.text(j).map(custval_ingest::parse::parse_number) {
                Some(Some(v)) => vals.push(v),
                Some(None) => {
                    bad = Some(custval_ingest::Reason::BadNumber {
                        column: h.clone(),
                        value: r.text(j).unwrap_or("").to_string(),
                    });
                    break;
                }
                None => {
                    bad = Some(custval_ingest::Reason::Missing { column: h.clone() });
                    break;
                }
            }
        }
        match bad {
            Some(reason) => report.rejected.push(Rejected {
                line: r.line,
                reason,
                fields: r
                    .values
                    .iter()
                    .enumerate()
                    .map(|(j, _)| r.text(j).unwrap_or("").to_string())
                    .collect(),
            }),
            None => {
                if first_is_id {
                    ids.push(r.text(0).unwrap_or("").to_string());
                }
                data.push(vals);
            }
        }
    }
    report.rejected.sort_by_key(|r| r.line);
    let report = ScanReport {
        read: report.read,
        rejected: report.rejected,
    };
    opts.settle(&source, &report, g)?;
    Ok(NumericTable {
        ids: first_is_id.then_some(ids),
        names: headers[start..].to_vec(),
        columns: table::columns_from_rows(&data)?,
    })
}

fn run_objective(a: ObjectiveArgs, g: &Globals, method: &str) -> Result<()> {
    let t = read_numeric_table(&a.input, &a.opts, g)?;
    let dirs = table::directions_from_cost_names(&t.names, &a.cost).context("--cost")?;
    let w = if method == "entropy" {
        entropy::weights(&t.columns, &dirs)?
    } else {
        critic::weights(&t.columns, &dirs)?
    };
    let named = table::NamedWeights::new(t.names.clone(), w)?;
    match a.format {
        Fmt::Json => output::print_json(&named),
        Fmt::Table => {
            let mut text = output::text_table(
                &["indicator", "direction", "weight"],
                named
                    .columns
                    .iter()
                    .zip(&named.weights)
                    .zip(&dirs)
                    .map(|((c, w), d)| {
                        vec![
                            c.clone(),
                            if *d == Direction::Cost {
                                "cost"
                            } else {
                                "benefit"
                            }
                            .to_string(),
                            format!("{w:.4}"),
                        ]
                    }),
            );
            text.push_str(&format!(
                "\n{method} weights over {} rows (min-max normalized; cost columns reversed)",
                num(t.columns.first().map_or(0, Vec::len) as f64, 0)
            ));
            output::print_text(&text)
        }
    }
}

#[derive(Serialize)]
struct TopsisOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    ids: Option<&'a [String]>,
    columns: &'a [String],
    weights: Vec<f64>,
    #[serde(flatten)]
    result: &'a topsis::TopsisResult,
}

pub fn run_rank(c: RankCommand, g: &Globals) -> Result<()> {
    let RankCommand::Topsis(a) = c;
    let t = read_numeric_table(&a.input, &a.opts, g)?;
    let weights = table::parse_weight_list(&a.weights).context("--weights")?;
    anyhow::ensure!(
        weights.len() == t.names.len(),
        "--weights has {} values but {} has {} indicator columns ({})",
        weights.len(),
        a.input.display(),
        t.names.len(),
        t.names.join(", ")
    );
    let dirs = table::directions_from_cost_names(&t.names, &a.cost).context("--cost")?;
    let r = topsis::rank(&t.columns, &weights, &dirs)?;
    let sum: f64 = weights.iter().sum();
    let out = TopsisOut {
        ids: t.ids.as_deref(),
        columns: &t.names,
        weights: weights.iter().map(|w| w / sum).collect(),
        result: &r,
    };
    match a.format {
        Fmt::Json => output::print_json(&out),
        Fmt::Table => {
            let text = output::text_table(
                &["row", "closeness", "rank"],
                r.closeness
                    .iter()
                    .zip(&r.rank)
                    .enumerate()
                    .map(|(i, (c, k))| {
                        vec![
                            t.ids
                                .as_ref()
                                .map_or_else(|| (i + 1).to_string(), |ids| ids[i].clone()),
                            format!("{c:.4}"),
                            k.to_string(),
                        ]
                    }),
            );
            output::print_text(&text)
        }
    }
}
