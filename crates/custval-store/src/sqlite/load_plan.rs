//! The SQL of a dataset load, fixed once per load: which statement reads each table and how
//! its integer columns are packed into one value (see the `load` module docs for why).

use custval_model::Day;

use Kind::{Int, OptReal, Real};

/// Sentinel for a NULL day inside a packed value: day `i32::MIN` is 5.8 million years BC.
pub(super) const NULL_DAY: i64 = i32::MIN as i64;

/// SQL for "the low 32 bits of a day column".
pub(super) fn d32(col: &str) -> String {
    format!("({col} & 4294967295)")
}

/// Bits needed for values `0..=max`.
pub(super) fn bits(max: u64) -> u32 {
    64 - max.leading_zeros()
}

/// Interaction kinds as 3-bit codes in SQL, and back.
pub(super) const KIND_CODE_SQL: &str = "CASE kind WHEN 'service_ticket' THEN 0 WHEN 'complaint' THEN 1 \
     WHEN 'inquiry' THEN 2 WHEN 'referral' THEN 3 ELSE 4 END";

/// The tables a load reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    Customers,
    Transactions,
    Costs,
    Interactions,
    Surveys,
    Contracts,
    Payments,
}

/// What a statement's column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Int,
    OptInt,
    Real,
    OptReal,
}

/// A statement as its columns and the rest (`FROM … WHERE …`).
pub(super) struct Select {
    cols: Vec<(String, Kind)>,
    rest: String,
}

impl Select {
    /// One row per table row; or, with `agg`, one row per statement: each column as the
    /// comma-separated text of its values (`group_concat` iterates the rows once, so the
    /// columns stay aligned). Numbers are exact in text: integers trivially, `REAL`s as
    /// [`real_text`] writes them, which always read back to the same `f64`; a NULL is an
    /// empty item. SQLite formats and Rust parses these faster than sqlx hands over values
    /// one by one.
    fn sql(&self, agg: bool) -> String {
        let cols: Vec<String> = self
            .cols
            .iter()
            .map(|(e, k)| match (agg, k) {
                (false, _) => e.clone(),
                (true, Kind::Int) => format!("group_concat({e})"),
                (true, Kind::OptInt) => {
                    format!("group_concat(CASE WHEN {e} IS NULL THEN '' ELSE {e} END)")
                }
                (true, Kind::Real) => format!("group_concat({})", real_text(e)),
                (true, Kind::OptReal) => format!(
                    "group_concat(CASE WHEN {e} IS NULL THEN '' ELSE {} END)",
                    real_text(e)
                ),
            })
            .collect();
        format!("SELECT {} {}", cols.join(", "), self.rest)
    }

    fn kinds(&self) -> Vec<Kind> {
        self.cols.iter().map(|c| c.1).collect()
    }
}

/// SQL for a `REAL` as exact text. Amounts are almost always whole cents: then the integer
/// number of cents (`x = round(100x) / 100` checked in SQL, in the same IEEE division Rust
/// repeats, so `load::parse_real` gets the same bits back); anything else, and zero (whose sign
/// the cents would lose), as 17 significant digits, which always contain a `.` or an `e`.
/// SQLite's `printf` of a double costs several times an integer's formatting, and the load
/// formats 40 million of them.
pub(super) fn real_text(e: &str) -> String {
    format!(
        "CASE WHEN {e} <> 0 AND abs({e}) < 1e13 AND round({e} * 100) / 100.0 = {e} \
         THEN CAST(round({e} * 100) AS INTEGER) ELSE printf('%!.17g', {e}) END"
    )
}

/// Everything fixed for one load: the SQL of every table and how its values are packed.
pub(super) struct Plan {
    pub(super) as_of: Day,
    /// JSON array of the subset's customer ids.
    pub(super) ids: Option<String>,
    /// Customer keys fit in 31 bits: `(cust << 32) | day` packing.
    pub(super) packed: bool,
    /// Bits of the category id packed beside the customer key in order lines, if they fit.
    pub(super) tx_cat_bits: Option<u32>,
    /// The interaction kind's 3 bits fit beside the customer key.
    pub(super) packed_kind: bool,
    /// Everything packs: fact tables are read as aggregated texts (see [`Select::sql`]).
    pub(super) agg: bool,
    /// Column kinds of the six fact tables' statements.
    kinds: [Vec<Kind>; 6],
    customers: String,
    transactions: String,
    costs: String,
    interactions: String,
    surveys: String,
    contracts: String,
    payments: String,
}

impl Plan {
    pub(super) fn new(as_of: Day, ids: Option<String>, max_key: i64, max_category: i64) -> Plan {
        let key_bits = bits(max_key.max(0) as u64);
        let cat_bits = bits(max_category.max(0) as u64);
        let packed = key_bits <= 31;
        let tx_cat_bits = (key_bits + cat_bits <= 31).then_some(cat_bits);
        let packed_kind = key_bits + 3 <= 31;
        let agg = packed && packed_kind && tx_cat_bits.is_some();
        // Customer restriction of a subset load (`?2`), range of the statement (`?3`, `?4`).
        let sub = if ids.is_some() {
            " AND cust IN (SELECT key FROM customers WHERE customer_id IN \
             (SELECT value FROM json_each(?2)))"
        } else {
            ""
        };
        let customers = format!(
            "SELECT key, json_array(customer_id, name, industry, region, size, owner), signup, \
             wallet FROM customers c WHERE (signup IS NULL OR signup <= ?1 OR EXISTS \
             (SELECT 1 FROM transactions t WHERE t.cust = c.key AND t.day <= ?1)){} \
             AND key >= ?3 AND key < ?4",
            if ids.is_some() {
                " AND customer_id IN (SELECT value FROM json_each(?2))"
            } else {
                ""
            }
        );
        let transactions = transactions_select(tx_cat_bits, sub);
        let costs = costs_select(packed, sub);
        let interactions = interactions_select(packed_kind, sub);
        let surveys = surveys_select(packed, sub);
        let contracts = contracts_select(sub);
        let payments = payments_select(packed, sub);
        Plan {
            as_of,
            ids,
            packed,
            tx_cat_bits,
            packed_kind,
            agg,
            customers,
            transactions: transactions.sql(agg),
            costs: costs.sql(agg),
            interactions: interactions.sql(agg),
            surveys: surveys.sql(agg),
            contracts: contracts.sql(agg),
            payments: payments.sql(agg),
            kinds: [
                transactions.kinds(),
                costs.kinds(),
                interactions.kinds(),
                surveys.kinds(),
                contracts.kinds(),
                payments.kinds(),
            ],
        }
    }

    /// Column kinds of a fact table's statement (for reading its aggregated texts).
    pub(super) fn kinds(&self, table: Table) -> &[Kind] {
        let i = match table {
            Table::Customers | Table::Transactions => 0,
            Table::Costs => 1,
            Table::Interactions => 2,
            Table::Surveys => 3,
            Table::Contracts => 4,
            Table::Payments => 5,
        };
        &self.kinds[i]
    }

    pub(super) fn sql(&self, table: Table) -> &str {
        match table {
            Table::Customers => &self.customers,
            Table::Transactions => &self.transactions,
            Table::Costs => &self.costs,
            Table::Interactions => &self.interactions,
            Table::Surveys => &self.surveys,
            Table::Contracts => &self.contracts,
            Table::Payments => &self.payments,
        }
    }
}

/// A statement's range on a table's rowid (`?3`, `?4`).
const BY_ID: &str = " AND id >= ?3 AND id < ?4";

fn col(e: &str, k: Kind) -> (String, Kind) {
    (e.to_string(), k)
}

/// SQL for `(customer << 32) | day` of a day column.
fn cust_day(day_col: &str) -> String {
    format!("((cust << 32) | {})", d32(day_col))
}

/// Order lines: `((customer << category bits) | category) << 32 | day`, amount, cost.
fn transactions_select(tx_cat_bits: Option<u32>, sub: &str) -> Select {
    Select {
        cols: match tx_cat_bits {
            Some(cb) => vec![
                col(
                    &format!(
                        "((((cust << {cb}) | ifnull(category, 0)) << 32) | {})",
                        d32("day")
                    ),
                    Int,
                ),
                col("amount", Real),
                col("cost", OptReal),
            ],
            None => vec![
                col("cust", Int),
                col("ifnull(category, 0)", Int),
                col("day", Int),
                col("amount", Real),
                col("cost", OptReal),
            ],
        },
        rest: format!("FROM transactions WHERE day <= ?1{sub}{BY_ID}"),
    }
}

/// Costs, ranged by customer key (the table has no rowid).
fn costs_select(packed: bool, sub: &str) -> Select {
    Select {
        cols: if packed {
            vec![
                col(&cust_day("period"), Int),
                col("sales", Real),
                col("service", Real),
            ]
        } else {
            vec![
                col("cust", Int),
                col("period", Int),
                col("sales", Real),
                col("service", Real),
            ]
        },
        rest: format!("FROM costs WHERE period <= ?1{sub} AND cust >= ?3 AND cust < ?4"),
    }
}

/// Interactions: `((customer << 3) | kind code) << 32 | day`.
fn interactions_select(packed_kind: bool, sub: &str) -> Select {
    Select {
        cols: if packed_kind {
            vec![col(
                &format!("((((cust << 3) | {KIND_CODE_SQL}) << 32) | {})", d32("day")),
                Int,
            )]
        } else {
            vec![col("cust", Int), col("day", Int), col(KIND_CODE_SQL, Int)]
        },
        rest: format!("FROM interactions WHERE day <= ?1{sub}{BY_ID}"),
    }
}

fn surveys_select(packed: bool, sub: &str) -> Select {
    Select {
        cols: if packed {
            vec![
                col(&cust_day("day"), Int),
                col("csat", OptReal),
                col("nps", OptReal),
            ]
        } else {
            vec![
                col("cust", Int),
                col("day", Int),
                col("csat", OptReal),
                col("nps", OptReal),
            ]
        },
        rest: format!("FROM surveys WHERE day <= ?1{sub}{BY_ID}"),
    }
}

/// Contracts: (customer), (start), (renewed code, end or `NULL_DAY`).
fn contracts_select(sub: &str) -> Select {
    Select {
        cols: vec![
            col("cust", Int),
            col("start_day", Int),
            col(
                &format!(
                    "((CASE WHEN renewed IS NULL THEN 0 WHEN renewed THEN 2 ELSE 1 END \
                     << 32) | {})",
                    d32(&format!("ifnull(end_day, {NULL_DAY})"))
                ),
                Int,
            ),
        ],
        rest: format!("FROM contracts WHERE start_day <= ?1{sub}{BY_ID}"),
    }
}

/// Invoices: (customer, invoice), (due, paid or `NULL_DAY`), amount.
fn payments_select(packed: bool, sub: &str) -> Select {
    Select {
        cols: if packed {
            vec![
                col(&cust_day("invoice"), Int),
                col(
                    &format!(
                        "(({} << 32) | {})",
                        d32("due"),
                        d32(&format!("ifnull(paid, {NULL_DAY})"))
                    ),
                    Int,
                ),
                col("amount", OptReal),
            ]
        } else {
            vec![
                col("cust", Int),
                col("invoice", Int),
                col("due", Int),
                col("paid", Kind::OptInt),
                col("amount", OptReal),
            ]
        },
        rest: format!("FROM payments WHERE invoice <= ?1{sub}{BY_ID}"),
    }
}
