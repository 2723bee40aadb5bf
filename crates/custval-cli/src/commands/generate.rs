//! `custval generate`: a synthetic company, deterministic by seed.

use std::path::PathBuf;

use anyhow::Result;
use custval_synth::{GenerateOptions, GenerateSummary, Table};

use crate::Globals;
use crate::input::parse_date_arg;
use crate::output::{self, num};
use crate::progress;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Customers buy by a Poisson process with a gamma-distributed rate and drop out after each
purchase with a beta-distributed probability (the BG/NBD story); spend per order is
gamma-gamma. Larger customers buy more often and spend more, so a few key accounts make most
of the revenue. Some customers are built to decline or to grow (see truth.csv).
Files: customers, transactions, costs, interactions, surveys, contracts, payments, truth.")]
pub struct Args {
    /// Number of customers.
    #[arg(long)]
    pub customers: u64,
    /// Random seed; the same seed gives byte-identical files.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Months of history.
    #[arg(long, default_value_t = 24)]
    pub months: u32,
    /// Last day of the history (default 2026-06-30).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub end_date: Option<i32>,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub output: PathBuf,
    /// File format of the tables (truth.csv is always CSV).
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FileFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FileFormat {
    Csv,
    Parquet,
}

/// Runs the generator with a progress bar; shared with `custval demo`.
pub fn generate(a: &Args, g: &Globals) -> Result<GenerateSummary> {
    let mut opts = GenerateOptions {
        customers: a.customers,
        seed: a.seed,
        months: a.months,
        output_dir: a.output.clone(),
        format: match a.format {
            FileFormat::Csv => custval_synth::Format::Csv,
            FileFormat::Parquet => custval_synth::Format::Parquet,
        },
        ..GenerateOptions::default()
    };
    if let Some(d) = a.end_date {
        opts.end_date = chrono::NaiveDate::from_num_days_from_ce_opt(d + 719_163)
            .ok_or_else(|| anyhow::anyhow!("--end-date out of range"))?;
    }
    let bar = progress::count(
        g,
        &progress::label(g, "generating"),
        a.customers,
        "customers",
    );
    let summary = custval_synth::generate(&opts, &mut |p| {
        bar.set_position(p.customers_done);
        bar.set_message(format!("customers · {} orders", p.transactions_written));
    })?;
    bar.finish_and_clear();
    Ok(summary)
}

pub fn run(a: Args, g: &Globals) -> Result<()> {
    let s = generate(&a, g)?;
    let mut text = output::text_table(
        &["table", "file", "rows", "MB"],
        s.tables.iter().map(|t| {
            vec![
                t.table.name().to_string(),
                t.path.display().to_string(),
                num(t.rows as f64, 0),
                format!("{:.1}", t.bytes as f64 / 1e6),
            ]
        }),
    );
    text.push_str(&format!(
        "\n{} customers, {} orders from {} to {} in {:.1} s",
        num(s.customers as f64, 0),
        num(s.rows(Table::Transactions) as f64, 0),
        s.start_date,
        s.end_date,
        s.seconds
    ));
    output::print_text(&text)
}
