//! Generates a synthetic company and prints the figures recorded in BENCH.md.
//!
//! `cargo run --release -p custval-synth --example generate -- CUSTOMERS DIR [csv|parquet] [SEED] [b2b|retail]`

use std::error::Error;

use custval_synth::{Flavour, Format, GenerateOptions, Table, generate};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let customers: u64 = args.get(1).map_or(Ok(100_000), |s| s.parse())?;
    let dir = args.get(2).cloned().unwrap_or_else(|| "synthetic".into());
    let format: Format = args.get(3).map_or(Ok(Format::Csv), |s| s.parse())?;
    let seed: u64 = args.get(4).map_or(Ok(42), |s| s.parse())?;
    let flavour: Flavour = args.get(5).map_or(Ok(Flavour::B2b), |s| s.parse())?;
    let opts = GenerateOptions {
        customers,
        seed,
        format,
        flavour,
        output_dir: dir.into(),
        ..Default::default()
    };
    let mut last = 0;
    let summary = generate(&opts, &mut |p| {
        let pct = p.customers_done * 10 / p.customers_total.max(1);
        if pct != last {
            last = pct;
            eprintln!("{:>3} % customers, {} rows", pct * 10, p.rows_written);
        }
    })?;
    println!("window {} .. {}", summary.start_date, summary.end_date);
    for t in &summary.tables {
        println!(
            "{:<14} {:>12} rows {:>10.1} MB  {}",
            t.table.name(),
            t.rows,
            t.bytes as f64 / 1e6,
            t.path.display()
        );
    }
    println!(
        "total {} rows, {:.1} MB in {:.2} s; {:.2} transactions per customer",
        summary.total_rows(),
        summary.total_bytes() as f64 / 1e6,
        summary.seconds,
        summary.rows(Table::Transactions) as f64 / customers.max(1) as f64
    );
    // Pareto share from truth.csv.
    let mut rdr = csv::Reader::from_path(opts.output_dir.join("truth.csv"))?;
    let col = rdr
        .headers()?
        .iter()
        .position(|h| h == "revenue")
        .ok_or("no revenue column")?;
    let mut rev: Vec<f64> = Vec::new();
    for r in rdr.records() {
        rev.push(r?.get(col).unwrap_or("0").parse()?);
    }
    rev.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = rev.iter().sum();
    let top: f64 = rev.iter().take(rev.len() / 5).sum();
    println!(
        "top 20 % of customers hold {:.1} % of revenue",
        100.0 * top / total.max(1.0)
    );
    Ok(())
}
