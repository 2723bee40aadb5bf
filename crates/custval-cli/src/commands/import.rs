//! `custval import <table> FILE`: reads a company's export into the store.
//!
//! Columns are found by their canonical field name, by a built-in alias (the English and
//! Chinese headers CRMs and ERPs commonly export, e.g. `客户编号`, `下单日期`), or by the user's
//! `--map field=column`. A row that cannot be read goes to the quarantine file with its line and
//! reason; the accepted rows are stored in one database transaction, so a failure stores
//! nothing and the previous state stays intact.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use custval_ingest::{Field, FoldResult, Kind, Reason, Source};
use custval_model::{
    ContractRecord, CostRecord, CustomerRecord, InteractionKind, InteractionRecord, PaymentRecord,
    SurveyRecord, TxRecord,
};
use serde::Serialize;

use crate::input::InputOpts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    Transactions,
    Customers,
    Costs,
    Interactions,
    Surveys,
    Contracts,
    Payments,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which table the file holds.
    pub table: Table,
    /// CSV, XLSX or Parquet file.
    pub file: PathBuf,
    /// Column names for fields, e.g. `--map customer_id=客户编号,amount=金额`.
    #[arg(long, value_delimiter = ',', value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    #[command(flatten)]
    pub input: InputOpts,
    /// table or json.
    #[arg(long, default_value = "table")]
    pub format: crate::output::ReportFormat,
    /// After importing transactions, do not rescore the customers they touch (by default they
    /// get a provisional result with the latest run's parameters until the next evaluate).
    #[arg(long)]
    pub no_update: bool,
}

/// One field a table has: canonical name, kind, required, and aliases tried in order.
struct Spec {
    name: &'static str,
    kind: Kind,
    required: bool,
    aliases: &'static [&'static str],
}

use Kind::{Date, Number, Text};

const fn req(name: &'static str, kind: Kind, aliases: &'static [&'static str]) -> Spec {
    Spec {
        name,
        kind,
        required: true,
        aliases,
    }
}
const fn opt(name: &'static str, kind: Kind, aliases: &'static [&'static str]) -> Spec {
    Spec {
        name,
        kind,
        required: false,
        aliases,
    }
}

const CUSTOMER_ID: &[&str] = &[
    "customer",
    "client_id",
    "客户编号",
    "客户ID",
    "客户id",
    "客户代码",
    "客户号",
];

const TRANSACTIONS: &[Spec] = &[
    opt(
        "order_id",
        Text,
        &["order", "order_no", "订单号", "订单编号", "单号"],
    ),
    req("customer_id", Text, CUSTOMER_ID),
    req(
        "order_date",
        Date,
        &["date", "下单日期", "订单日期", "日期", "交易日期"],
    ),
    req(
        "amount",
        Number,
        &["revenue", "sales", "金额", "订单金额", "销售额", "实付金额"],
    ),
    opt("cost", Number, &["cogs", "成本", "销售成本"]),
    opt(
        "category",
        Text,
        &["product_category", "品类", "产品类别", "类别"],
    ),
    opt("quantity", Number, &["qty", "数量"]),
    opt("channel", Text, &["渠道", "销售渠道"]),
];

const CUSTOMERS: &[Spec] = &[
    req("customer_id", Text, CUSTOMER_ID),
    opt(
        "name",
        Text,
        &["customer_name", "客户名称", "名称", "公司名称"],
    ),
    opt("industry", Text, &["行业", "所属行业"]),
    opt("region", Text, &["区域", "地区", "大区"]),
    opt("size", Text, &["规模", "企业规模"]),
    opt(
        "signup_date",
        Date,
        &[
            "first_contact",
            "created",
            "注册日期",
            "建档日期",
            "首次接触日期",
        ],
    ),
    opt(
        "owner",
        Text,
        &["sales_rep", "负责人", "销售代表", "客户经理"],
    ),
    opt("phone", Text, &["电话", "手机"]),
    opt("email", Text, &["邮箱", "电子邮件"]),
    opt("wallet", Number, &["钱包份额", "采购总额", "品类总支出"]),
];

const COSTS: &[Spec] = &[
    req("customer_id", Text, CUSTOMER_ID),
    req("period", Text, &["month", "期间", "月份"]),
    opt("sales_cost", Number, &["销售费用", "销售成本"]),
    opt("service_cost", Number, &["服务成本", "服务费用"]),
];

const INTERACTIONS: &[Spec] = &[
    req("customer_id", Text, CUSTOMER_ID),
    req("date", Date, &["日期", "时间"]),
    req("kind", Text, &["type", "类型"]),
];

const SURVEYS: &[Spec] = &[
    req("customer_id", Text, CUSTOMER_ID),
    req("date", Date, &["日期"]),
    opt("csat", Number, &["satisfaction", "满意度"]),
    opt("nps", Number, &["推荐值", "净推荐值"]),
];

const CONTRACTS: &[Spec] = &[
    req("customer_id", Text, CUSTOMER_ID),
    req("start", Date, &["start_date", "开始日期"]),
    opt("end", Date, &["end_date", "结束日期", "到期日期"]),
    opt("renewed", Text, &["续签", "是否续签"]),
];

const PAYMENTS: &[Spec] = &[
    req("customer_id", Text, CUSTOMER_ID),
    req("invoice_date", Date, &["开票日期", "发票日期"]),
    req("due_date", Date, &["到期日", "应付日期"]),
    opt("paid_date", Date, &["付款日期", "回款日期"]),
    opt("amount", Number, &["金额", "发票金额"]),
];

fn specs(table: Table) -> &'static [Spec] {
    match table {
        Table::Transactions => TRANSACTIONS,
        Table::Customers => CUSTOMERS,
        Table::Costs => COSTS,
        Table::Interactions => INTERACTIONS,
        Table::Surveys => SURVEYS,
        Table::Contracts => CONTRACTS,
        Table::Payments => PAYMENTS,
    }
}

/// Resolves each field to a column of the file: `--map` first, then the name, then aliases.
/// Returns the fields to scan and, per spec, its position among them.
fn resolve(
    source: &Source,
    table: Table,
    map: &[String],
) -> Result<(Vec<Field>, Vec<Option<usize>>)> {
    let specs = specs(table);
    let mut mapped: Vec<(&str, &str)> = Vec::new();
    for m in map {
        let Some((field, column)) = m.split_once('=') else {
            bail!("--map {m:?}: expected FIELD=COLUMN, e.g. customer_id=客户编号");
        };
        let field = field.trim();
        if !specs.iter().any(|s| s.name == field) {
            let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
            bail!(
                "--map {m:?}: {field:?} is not a field of this table (fields: {})",
                known.join(", ")
            );
        }
        mapped.push((field, column.trim()));
    }
    let mut fields = Vec::new();
    let mut pos = Vec::new();
    for s in specs {
        let column = match mapped.iter().find(|(f, _)| *f == s.name) {
            Some((_, c)) => {
                if !source.has_column(c) {
                    source.column_index(c)?; // the error lists the file's columns
                }
                Some((*c).to_string())
            }
            None => std::iter::once(&s.name)
                .chain(s.aliases.iter())
                .find(|c| source.has_column(c))
                .map(|c| (*c).to_string()),
        };
        match column {
            Some(c) => {
                pos.push(Some(fields.len()));
                fields.push(if s.required {
                    Field::required(c, s.kind)
                } else {
                    Field::optional(c, s.kind)
                });
            }
            None if s.required => bail!(
                "{}: no column for the field {:?} (looked for {:?} and {}); the file has: {}; map it with --map {}=<column>",
                source.path().display(),
                s.name,
                s.name,
                s.aliases.join(", "),
                source.headers().join(", "),
                s.name
            ),
            None => pos.push(None),
        }
    }
    Ok((fields, pos))
}

/// Parsed records of one table.
pub enum Records {
    Transactions(Vec<TxRecord>),
    Customers(Vec<CustomerRecord>),
    Costs(Vec<CostRecord>),
    Interactions(Vec<InteractionRecord>),
    Surveys(Vec<SurveyRecord>),
    Contracts(Vec<ContractRecord>),
    Payments(Vec<PaymentRecord>),
}

/// "2024-07", "2024/7", "202407", "2024年7月" or a full date → the first day of that month.
fn parse_period(text: &str) -> Option<i32> {
    let t = text.trim();
    if let Some(d) = custval_ingest::parse::parse_date(t) {
        let (y, m, _) = custval_ingest::parse::ymd_from_days(d);
        return custval_ingest::parse::days_from_ymd(y, m, 1);
    }
    let digits: Vec<u32> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match digits.as_slice() {
        [y, m] => custval_ingest::parse::days_from_ymd(*y as i32, *m, 1),
        [ym] if *ym > 100_000 => {
            custval_ingest::parse::days_from_ymd((ym / 100) as i32, ym % 100, 1)
        }
        _ => None,
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "已续签" | "续签" => Some(true),
        "false" | "no" | "n" | "0" | "否" | "未续签" => Some(false),
        _ => None,
    }
}

/// A row's value of field `k` (position in the spec list).
struct Get<'a, 'r> {
    row: &'a custval_ingest::Row<'r>,
    pos: &'a [Option<usize>],
}
impl Get<'_, '_> {
    fn text(&self, k: usize) -> Option<String> {
        self.pos[k]
            .and_then(|i| self.row.text(i))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }
    fn date(&self, k: usize) -> Option<i32> {
        self.pos[k].and_then(|i| self.row.date(i))
    }
    fn number(&self, k: usize) -> Option<f64> {
        self.pos[k].and_then(|i| self.row.number(i))
    }
}

impl Records {
    fn new(table: Table) -> Records {
        match table {
            Table::Transactions => Records::Transactions(Vec::new()),
            Table::Customers => Records::Customers(Vec::new()),
            Table::Costs => Records::Costs(Vec::new()),
            Table::Interactions => Records::Interactions(Vec::new()),
            Table::Surveys => Records::Surveys(Vec::new()),
            Table::Contracts => Records::Contracts(Vec::new()),
            Table::Payments => Records::Payments(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Records::Transactions(v) => v.len(),
            Records::Customers(v) => v.len(),
            Records::Costs(v) => v.len(),
            Records::Interactions(v) => v.len(),
            Records::Surveys(v) => v.len(),
            Records::Contracts(v) => v.len(),
            Records::Payments(v) => v.len(),
        }
    }

    /// Adds one row, or says why the row breaks a rule of its table (e.g. a bad period);
    /// the scan then quarantines it with that reason.
    fn push(&mut self, g: &Get) -> FoldResult {
        // Required fields are present: the scan rejected rows without them.
        let id = || g.text(0).unwrap_or_default();
        match self {
            Records::Transactions(v) => v.push(TxRecord {
                order_id: g.text(0),
                customer_id: g.text(1).unwrap_or_default(),
                date: g.date(2).unwrap_or_default(),
                amount: g.number(3).unwrap_or_default(),
                cost: g.number(4),
                category: g.text(5),
                quantity: g.number(6),
                channel: g.text(7),
            }),
            Records::Customers(v) => v.push(CustomerRecord {
                customer_id: id(),
                name: g.text(1),
                industry: g.text(2),
                region: g.text(3),
                size: g.text(4),
                signup_date: g.date(5),
                owner: g.text(6),
                phone: g.text(7),
                email: g.text(8),
                wallet: g.number(9),
            }),
            Records::Costs(v) => {
                let text = g.text(1).unwrap_or_default();
                let period = parse_period(&text).ok_or_else(|| Reason::NotAMonth {
                    column: "period".into(),
                    value: text.clone(),
                })?;
                v.push(CostRecord {
                    customer_id: id(),
                    period,
                    sales_cost: g.number(2).unwrap_or(0.0),
                    service_cost: g.number(3).unwrap_or(0.0),
                });
            }
            Records::Interactions(v) => v.push(InteractionRecord {
                customer_id: id(),
                date: g.date(1).unwrap_or_default(),
                kind: InteractionKind::parse(&g.text(2).unwrap_or_default()),
            }),
            Records::Surveys(v) => {
                let (csat, nps) = (g.number(2), g.number(3));
                if csat.is_none() && nps.is_none() {
                    return Err(Reason::NeitherGiven {
                        first: "csat".into(),
                        second: "nps".into(),
                    });
                }
                if let Some(n) = nps.filter(|n| !(0.0..=10.0).contains(n)) {
                    return Err(Reason::OutOfRange {
                        column: "nps".into(),
                        value: n,
                        low: 0.0,
                        high: 10.0,
                    });
                }
                v.push(SurveyRecord {
                    customer_id: id(),
                    date: g.date(1).unwrap_or_default(),
                    csat,
                    nps,
                });
            }
            Records::Contracts(v) => {
                let renewed = match g.text(3) {
                    None => None,
                    Some(t) => Some(parse_bool(&t).ok_or_else(|| Reason::NotYesNo {
                        column: "renewed".into(),
                        value: t.to_string(),
                    })?),
                };
                let start = g.date(1).unwrap_or_default();
                let end = g.date(2);
                if end.is_some_and(|e| e < start) {
                    return Err(Reason::ContractEndsBeforeStart);
                }
                v.push(ContractRecord {
                    customer_id: id(),
                    start,
                    end,
                    renewed,
                });
            }
            Records::Payments(v) => {
                let (invoice, due) = (g.date(1).unwrap_or_default(), g.date(2).unwrap_or_default());
                if due < invoice {
                    return Err(Reason::DueBeforeInvoice);
                }
                v.push(PaymentRecord {
                    customer_id: id(),
                    invoice_date: invoice,
                    due_date: due,
                    paid_date: g.date(3),
                    amount: g.number(4),
                });
            }
        }
        Ok(())
    }
}

/// Rows per batch handed to the store while the file is still being read.
const BATCH: usize = 50_000;

/// What reading a file for import produced.
pub struct Read {
    pub source: Source,
    pub report: custval_ingest::ScanReport,
}

/// Reads a file and hands its records to `sink` in batches of about [`BATCH`] rows while the
/// file is still being read (memory stays bounded whatever the file's size). `sink` runs on
/// the calling thread; the file is parsed on worker threads. Rows that cannot be read are in
/// the returned report, not in any batch. `progress` gets (bytes or rows read, total) now
/// and then, from the reader's threads.
pub fn stream(
    table: Table,
    file: &std::path::Path,
    map: &[String],
    input: &InputOpts,
    progress: &(dyn Fn(u64, u64) + Sync),
    mut sink: impl FnMut(Records) -> Result<()>,
) -> Result<Read> {
    let source = input.open(file)?;
    let (fields, pos) = resolve(&source, table, map)?;
    let (tx, rx) = crossbeam_channel::bounded::<Records>(4);
    let scanned = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let tx = tx;
            let r = source.scan(
                &fields,
                || Records::new(table),
                |batch: &mut Records, row| {
                    batch.push(&Get { row, pos: &pos })?;
                    if batch.len() >= BATCH {
                        // A closed channel means the consumer failed; its error is reported.
                        let _ = tx.send(std::mem::replace(batch, Records::new(table)));
                    }
                    Ok(())
                },
                progress,
            );
            r.map(|(parts, report)| {
                for p in parts {
                    if p.len() > 0 {
                        let _ = tx.send(p);
                    }
                }
                report
            })
        });
        let mut sunk = Ok(());
        for batch in rx.iter() {
            if sunk.is_ok() {
                sunk = sink(batch);
            }
        }
        let report = reader
            .join()
            .map_err(|_| anyhow::anyhow!("the file reader stopped unexpectedly"))?;
        sunk?;
        anyhow::Ok(report)
    })?;
    let report = scanned.with_context(|| format!("reading {}", file.display()))?;
    Ok(Read { source, report })
}

/// The contract's JSON answer.
#[derive(Debug, Serialize)]
pub struct ImportOutput {
    pub table: String,
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub duplicates: u64,
    pub quarantine: Option<String>,
    pub seconds: f64,
    /// The provisional update after a transactions import: customers rescored, as-of date,
    /// seconds, alerts (or why it was skipped); absent when none was attempted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisional: Option<serde_json::Value>,
}
