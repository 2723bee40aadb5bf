//! `custval import <table> FILE`: reads a company's export into the store.
//!
//! Columns are found by their canonical field name, by a built-in alias (the English and
//! Chinese headers CRMs and ERPs commonly export, e.g. `客户编号`, `下单日期`), or by the user's
//! `--map field=column`. A row that cannot be read goes to the quarantine file with its line and
//! reason; the accepted rows are stored in one database transaction, so a failure stores
//! nothing and the previous state stays intact.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use custval_ingest::{Field, Kind, OwnedRow, Source};
use custval_model::{
    ContractRecord, CostRecord, CustomerRecord, InteractionKind, InteractionRecord, PaymentRecord,
    SurveyRecord, TxRecord,
};
use serde::Serialize;

use crate::Globals;
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
struct Get<'a> {
    row: &'a OwnedRow,
    pos: &'a [Option<usize>],
}
impl Get<'_> {
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

/// Turns accepted rows into records; rows that fail a table rule (e.g. a bad period) are
/// added to `rejected` with the reason.
fn to_records(
    table: Table,
    rows: &[OwnedRow],
    pos: &[Option<usize>],
    rejected: &mut Vec<custval_ingest::Rejected>,
) -> Records {
    let mut reject = |row: &OwnedRow, reason: String| {
        rejected.push(custval_ingest::Rejected {
            line: row.line,
            reason,
            fields: row
                .values
                .iter()
                .map(|v| match v {
                    custval_ingest::OwnedValue::Missing => String::new(),
                    custval_ingest::OwnedValue::Text(s) => s.clone(),
                    custval_ingest::OwnedValue::Date(d) => custval_ingest::parse::format_date(*d),
                    custval_ingest::OwnedValue::Number(x) => x.to_string(),
                })
                .collect(),
        });
    };
    // Required fields are present: the scan rejected rows without them.
    let id = |g: &Get| g.text(0).unwrap_or_default();
    match table {
        Table::Transactions => Records::Transactions(
            rows.iter()
                .map(|row| Get { row, pos })
                .map(|g| TxRecord {
                    order_id: g.text(0),
                    customer_id: g.text(1).unwrap_or_default(),
                    date: g.date(2).unwrap_or_default(),
                    amount: g.number(3).unwrap_or_default(),
                    cost: g.number(4),
                    category: g.text(5),
                    quantity: g.number(6),
                    channel: g.text(7),
                })
                .collect(),
        ),
        Table::Customers => Records::Customers(
            rows.iter()
                .map(|row| Get { row, pos })
                .map(|g| CustomerRecord {
                    customer_id: id(&g),
                    name: g.text(1),
                    industry: g.text(2),
                    region: g.text(3),
                    size: g.text(4),
                    signup_date: g.date(5),
                    owner: g.text(6),
                    phone: g.text(7),
                    email: g.text(8),
                    wallet: g.number(9),
                })
                .collect(),
        ),
        Table::Costs => {
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let g = Get { row, pos };
                let period_text = g.text(1).unwrap_or_default();
                match parse_period(&period_text) {
                    Some(period) => out.push(CostRecord {
                        customer_id: id(&g),
                        period,
                        sales_cost: g.number(2).unwrap_or(0.0),
                        service_cost: g.number(3).unwrap_or(0.0),
                    }),
                    None => reject(
                        row,
                        format!("period {period_text:?} is not a month (expected e.g. 2024-07)"),
                    ),
                }
            }
            Records::Costs(out)
        }
        Table::Interactions => Records::Interactions(
            rows.iter()
                .map(|row| Get { row, pos })
                .map(|g| InteractionRecord {
                    customer_id: id(&g),
                    date: g.date(1).unwrap_or_default(),
                    kind: InteractionKind::parse(&g.text(2).unwrap_or_default()),
                })
                .collect(),
        ),
        Table::Surveys => {
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let g = Get { row, pos };
                let (csat, nps) = (g.number(2), g.number(3));
                if csat.is_none() && nps.is_none() {
                    reject(row, "neither csat nor nps is given".into());
                    continue;
                }
                if let Some(n) = nps.filter(|n| !(0.0..=10.0).contains(n)) {
                    reject(row, format!("nps {n} is outside 0..10"));
                    continue;
                }
                out.push(SurveyRecord {
                    customer_id: id(&g),
                    date: g.date(1).unwrap_or_default(),
                    csat,
                    nps,
                });
            }
            Records::Surveys(out)
        }
        Table::Contracts => {
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let g = Get { row, pos };
                let renewed = match g.text(3) {
                    None => None,
                    Some(t) => match parse_bool(&t) {
                        Some(b) => Some(b),
                        None => {
                            reject(
                                row,
                                format!("renewed {t:?} is not yes/no (true/false, 是/否)"),
                            );
                            continue;
                        }
                    },
                };
                let start = g.date(1).unwrap_or_default();
                let end = g.date(2);
                if end.is_some_and(|e| e < start) {
                    reject(row, "the contract ends before it starts".into());
                    continue;
                }
                out.push(ContractRecord {
                    customer_id: id(&g),
                    start,
                    end,
                    renewed,
                });
            }
            Records::Contracts(out)
        }
        Table::Payments => {
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let g = Get { row, pos };
                let (invoice, due) = (g.date(1).unwrap_or_default(), g.date(2).unwrap_or_default());
                if due < invoice {
                    reject(row, "the due date is before the invoice date".into());
                    continue;
                }
                out.push(PaymentRecord {
                    customer_id: id(&g),
                    invoice_date: invoice,
                    due_date: due,
                    paid_date: g.date(3),
                    amount: g.number(4),
                });
            }
            Records::Payments(out)
        }
    }
}

/// Reads a file into records, writing rejected rows to the quarantine file.
pub fn read(
    table: Table,
    file: &std::path::Path,
    map: &[String],
    input: &InputOpts,
    g: &Globals,
) -> Result<(Records, u64, u64, Option<PathBuf>)> {
    let source = input.open(file)?;
    let (fields, pos) = resolve(&source, table, map)?;
    let (rows, mut report) = source
        .read_all(&fields)
        .with_context(|| format!("reading {}", file.display()))?;
    let records = to_records(table, &rows, &pos, &mut report.rejected);
    report.rejected.sort_by_key(|r| r.line);
    let quarantine = input.settle(&source, &report, g)?;
    Ok((
        records,
        report.read,
        report.rejected.len() as u64,
        quarantine,
    ))
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
}
