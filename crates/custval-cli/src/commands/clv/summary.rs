//! `custval clv summary`: order lines in any order → one (frequency, recency, T[, monetary
//! value][, holdout]) row per customer, grouped with `custval_ingest::group`.

use anyhow::{Result, anyhow, bail};
use custval_clv::{SummaryOptions, TimeUnit};
use custval_export::{Cell, Table};
use custval_ingest::group::{Fold, Grouper, group};
use custval_ingest::{Field, Kind, ScanReport, Source};

use super::{SummaryArgs, Unit, emit_table, number_cell};
use crate::Globals;
use crate::output::{self, Format, natural_cmp};
use crate::progress;

/// One customer's purchases: (day, amount).
type Days = Vec<(i32, f64)>;

/// Every purchase (day, amount) of a customer, gathered from rows in any order.
#[derive(Clone, Copy)]
struct Gather;

impl Fold for Gather {
    type Row = (i32, f64);
    type State = Days;
    fn init(&self, row: &(i32, f64)) -> Days {
        vec![*row]
    }
    fn fold(&self, s: &mut Days, row: &(i32, f64)) {
        s.push(*row);
    }
    fn merge(&self, into: &mut Days, from: Days) {
        into.extend(from);
    }
}

struct Purchases {
    customers: Grouper<Gather>,
    after_end: u64,
}

pub(super) fn run_summary(a: SummaryArgs, g: &Globals) -> Result<()> {
    let format = match (a.format, &a.output) {
        (None, None) => Some(Format::Csv),
        (f, _) => f,
    };
    let dest = output::destination(format, a.output.as_deref())?;
    if let Some(cal) = a.calibration_end {
        anyhow::ensure!(
            cal <= a.observation_end,
            "--calibration-end {} is after --observation-end {}",
            custval_ingest::parse::format_date(cal),
            custval_ingest::parse::format_date(a.observation_end)
        );
    }
    let opts = SummaryOptions {
        observation_end: a.observation_end,
        calibration_end: a.calibration_end,
        unit: match a.unit {
            Unit::Day => TimeUnit::Day,
            Unit::Week => TimeUnit::Week,
            Unit::Month => TimeUnit::Month,
        },
    };
    let source = a.opts.open(&a.transactions)?;
    let (customers, after_end) = read_purchases(&a, &source, g)?;
    let table = summary_table(&a, &customers, &opts)?;
    if table.rows.is_empty() {
        bail!(
            "{}: no customer made a purchase on or before {}",
            a.transactions.display(),
            custval_ingest::parse::format_date(a.calibration_end.unwrap_or(a.observation_end))
        );
    }
    if after_end > 0 && !g.quiet {
        eprintln!(
            "{}: {} rows dated after {} were ignored",
            a.transactions.display(),
            after_end,
            custval_ingest::parse::format_date(a.observation_end)
        );
    }
    emit_table(dest, &table, "customers", g)
}

/// Each customer's purchase days, by customer id.
type ByCustomer = Vec<(Box<str>, Days)>;

/// Every customer's purchases up to the observation end, by customer id in natural order,
/// and the number of rows dated after it.
fn read_purchases(a: &SummaryArgs, source: &Source, g: &Globals) -> Result<(ByCustomer, u64)> {
    let mut fields = vec![
        Field::required(a.customer_col.as_str(), Kind::Text),
        Field::required(a.date_col.as_str(), Kind::Date),
    ];
    if let Some(col) = &a.amount_col {
        fields.push(Field::required(col.as_str(), Kind::Number));
    }
    let end = a.observation_end;
    let bar = progress::bytes(g, &progress::label(g, "reading"));
    let (parts, report): (Vec<Purchases>, ScanReport) = source.scan(
        &fields,
        || Purchases {
            customers: Grouper::new(Gather),
            after_end: 0,
        },
        |p: &mut Purchases, row| {
            let (Some(id), Some(day)) = (row.text(0), row.date(1)) else {
                return Err("missing field".into());
            };
            let amount = row.number(2).unwrap_or(0.0);
            if day > end {
                p.after_end += 1;
                return Ok(());
            }
            p.customers
                .add(id, (day, amount))
                .map_err(|e| e.to_string().into())
        },
        &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )?;
    bar.finish_and_clear();
    a.opts.settle(source, &report, g)?;
    let after_end: u64 = parts.iter().map(|p| p.after_end).sum();
    let mut customers = group(parts.into_iter().map(|p| p.customers).collect());
    customers.sort_unstable_by(|x, y| natural_cmp(&x.0, &y.0));
    Ok((customers, after_end))
}

/// One row per customer who bought by the (calibration) end.
fn summary_table(
    a: &SummaryArgs,
    customers: &[(Box<str>, Days)],
    opts: &SummaryOptions,
) -> Result<Table> {
    let with_amount = a.amount_col.is_some();
    let mut headers = vec!["customer_id", "frequency", "recency", "T"];
    if with_amount {
        headers.push("monetary_value");
    }
    if a.calibration_end.is_some() {
        headers.extend(["frequency_holdout", "duration_holdout"]);
    }
    let mut table = Table {
        headers: headers.iter().map(|s| (*s).to_string()).collect(),
        rows: Vec::with_capacity(customers.len()),
    };
    let mut days = Vec::new();
    let mut amounts = Vec::new();
    for (id, purchases) in customers {
        days.clear();
        amounts.clear();
        days.extend(purchases.iter().map(|p| p.0));
        amounts.extend(purchases.iter().map(|p| p.1));
        let s = custval_clv::summarize_customer(&days, with_amount.then_some(&amounts[..]), opts)
            .map_err(|e| anyhow!("{}: customer {id}: {e}", a.transactions.display()))?;
        let Some(s) = s else { continue };
        let mut row = vec![
            Cell::Text(id.to_string()),
            number_cell(s.frequency),
            number_cell(s.recency),
            number_cell(s.t),
        ];
        if with_amount {
            row.push(number_cell((s.monetary_value * 1e6).round() / 1e6));
        }
        if let (Some(fh), Some(dh)) = (s.frequency_holdout, s.duration_holdout) {
            row.push(number_cell(fh));
            row.push(number_cell(dh));
        }
        table.rows.push(row);
    }
    Ok(table)
}
