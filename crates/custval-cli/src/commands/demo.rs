//! `custval demo`: generate a company and walk through the analysis on it.

use std::path::PathBuf;

use anyhow::Result;
use custval_segment::abc::{self, Basis};
use custval_segment::rfm;

use crate::Globals;
use crate::commands::{abc as abc_cmd, generate, rfm as rfm_cmd};
use crate::input::InputOpts;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Customers in the demo company.
    #[arg(long, default_value_t = 2_000)]
    pub customers: u64,
    /// Where the generated files go.
    #[arg(long, default_value = "custval-demo", value_name = "DIR")]
    pub dir: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

pub fn run(a: Args, g: &Globals) -> Result<()> {
    let gen_args = generate::Args {
        customers: a.customers,
        seed: a.seed,
        months: 24,
        end_date: None,
        output: a.dir.clone(),
        format: generate::FileFormat::Csv,
    };
    eprintln!(
        "1/3 generating a B2B company with {} customers in {}",
        a.customers,
        a.dir.display()
    );
    let summary = generate::generate(&gen_args, g)?;
    let as_of = custval_ingest::parse::parse_date(&summary.end_date.to_string())
        .ok_or_else(|| anyhow::anyhow!("the generator's end date is not a date"))?;
    let tx = a.dir.join("transactions.csv");
    eprintln!("2/3 RFM segments as of {}", summary.end_date);
    let opts = InputOpts {
        encoding: custval_ingest::EncodingChoice::Auto,
        sheet: None,
        delimiter: None,
        quarantine: None,
        strict: false,
    };
    let source = opts.open(&tx)?;
    let agg = rfm_cmd::aggregate(&source, "customer_id", "order_date", "amount", as_of, g)?;
    opts.settle(&source, &agg.report, g)?;
    let (thresholds, scores) = rfm::score(&agg.values, 5)?;
    let rules = rfm::RuleSet::default_table();
    let mut counts: Vec<(String, usize, f64)> = Vec::new();
    for (v, s) in agg.values.iter().zip(&scores) {
        let name = rules.name(s, 5);
        match counts.iter_mut().find(|c| c.0 == name) {
            Some(c) => {
                c.1 += 1;
                c.2 += v.monetary;
            }
            None => counts.push((name.to_string(), 1, v.monetary)),
        }
    }
    counts.sort_by(|x, y| y.2.total_cmp(&x.2));
    let total: f64 = agg.values.iter().map(|v| v.monetary).sum();
    let n = agg.values.len() as f64;
    let mut text = format!(
        "custval demo — {} customers, {} orders, {} to {}\n\nRFM segments (monetary breaks {}):\n",
        agg.values.len(),
        agg.report.accepted(),
        summary.start_date,
        summary.end_date,
        thresholds
            .monetary
            .iter()
            .map(|x| crate::output::num(*x, 0))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    text.push_str(&crate::output::text_table(
        &["segment", "customers", "% customers", "% revenue"],
        counts.iter().map(|(name, c, m)| {
            vec![
                name.clone(),
                c.to_string(),
                crate::output::pct(*c as f64 / n),
                crate::output::pct(m / total),
            ]
        }),
    ));
    eprintln!("3/3 ABC classes by revenue");
    let cuts = [0.8, 0.95];
    let values: Vec<f64> = agg.values.iter().map(|v| v.monetary).collect();
    let rows = abc::classify(&values, &cuts, Basis::Value)?;
    text.push_str("\n\nABC classes by revenue (二八法则):\n");
    text.push_str(&abc_cmd::summary(&rows, &cuts));
    text.push_str(&format!(
        "\n\nNext: custval rfm --transactions {tx} --customer-col customer_id --date-col order_date \\\n        --amount-col amount --as-of {end} --output rfm.xlsx\n      custval abc --input {tx} --id-col customer_id --value-col amount --output abc.csv\n",
        tx = tx.display(),
        end = summary.end_date
    ));
    crate::output::print_text(&text)
}
