//! Loading a [`Dataset`] as of a date, for the whole store or some customers.
//!
//! The no-leakage rule is in the crate docs; here it is a `WHERE` clause per table plus two
//! outcome fields blanked in Rust (`renewed`, `paid`). Everything is read in one deferred
//! read transaction: with WAL it is a snapshot, so an import committing half-way through the
//! load cannot hand the engine transactions of customers it did not load.
//!
//! Speed: each table is streamed (`fetch`, not `fetch_all`) and decoded by column index into
//! the compact model types, so 20M order lines never exist as rows in memory at once. Table
//! scans run in file order and [`Dataset::sort`] orders the result; a file imported in
//! customer order is then already nearly sorted.

use custval_model::{
    Contract, Cost, CustomerInfo, Dataset, Day, Interaction, InteractionKind, NO_CATEGORY, Payment,
    Survey, Tx,
};
use futures::TryStreamExt;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::StoreError;
use crate::error::ctx;

const DOING: &str = "loading the dataset";

/// Maps the store's customer keys to the dataset's dense `0..n`.
struct KeyMap(Vec<u32>);

impl KeyMap {
    const ABSENT: u32 = u32::MAX;

    fn get(&self, key: i64) -> Option<u32> {
        let k = usize::try_from(key).ok()?;
        self.0.get(k).copied().filter(|&d| d != KeyMap::ABSENT)
    }
}

fn get<'r, T>(row: &'r SqliteRow, i: usize) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(i).map_err(ctx(DOING))
}

fn day(v: i64) -> Day {
    v.clamp(i64::from(Day::MIN), i64::from(Day::MAX)) as Day
}

/// The `AND cust IN (…)` restriction of a subset load (`?2` is a JSON array of customer ids).
fn subset_clause(subset: bool) -> &'static str {
    if subset {
        " AND cust IN (SELECT key FROM customers WHERE customer_id IN (SELECT value FROM json_each(?2)))"
    } else {
        ""
    }
}

pub(crate) async fn load(
    pool: &SqlitePool,
    subset: Option<&[String]>,
    as_of: Day,
) -> Result<Dataset, StoreError> {
    let ids_json = match subset {
        Some(ids) => Some(
            serde_json::to_string(ids).map_err(|e| StoreError::InvalidRecord {
                table: "customers",
                row: 0,
                reason: e.to_string(),
            })?,
        ),
        None => None,
    };
    let sub = subset_clause(ids_json.is_some());
    let mut tx = pool.begin().await.map_err(ctx(DOING))?;
    let mut d = Dataset::default();

    // Customers: signed up by as_of (or unknown), or bought by as_of.
    let cust_sub = if ids_json.is_some() {
        " AND customer_id IN (SELECT value FROM json_each(?2))"
    } else {
        ""
    };
    let sql = format!(
        "SELECT key, customer_id, name, industry, region, size, owner, signup, wallet \
         FROM customers c WHERE (signup IS NULL OR signup <= ?1 OR EXISTS \
         (SELECT 1 FROM transactions t WHERE t.cust = c.key AND t.day <= ?1)){cust_sub} \
         ORDER BY key"
    );
    let mut dense = Vec::new();
    {
        let mut q = sqlx::query(&sql).bind(as_of);
        if let Some(j) = &ids_json {
            q = q.bind(j.as_str());
        }
        let mut rows = q.fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
            let key: i64 = get(&row, 0)?;
            let k = usize::try_from(key).unwrap_or(0);
            if dense.len() <= k {
                dense.resize(k + 1, KeyMap::ABSENT);
            }
            dense[k] = d.customers.len() as u32;
            let signup: Option<i64> = get(&row, 7)?;
            d.customers.push(CustomerInfo {
                id: get(&row, 1)?,
                name: get(&row, 2)?,
                industry: get(&row, 3)?,
                region: get(&row, 4)?,
                size: get(&row, 5)?,
                owner: get(&row, 6)?,
                // A signup after as_of was not known then (the customer bought earlier).
                signup: signup.map(day).filter(|&s| s <= as_of),
                wallet: get(&row, 8)?,
            });
        }
    }
    let keys = KeyMap(dense);

    // Categories: every id, then only those used by the loaded lines enter the dataset (a
    // category first sold after as_of must not appear).
    let mut cat_names: Vec<Option<String>> = Vec::new();
    {
        let mut rows = sqlx::query("SELECT id, name FROM categories").fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
            let id: i64 = get(&row, 0)?;
            let name: String = get(&row, 1)?;
            let i = usize::try_from(id).unwrap_or(0);
            if cat_names.len() <= i {
                cat_names.resize(i + 1, None);
            }
            cat_names[i] = Some(name);
        }
    }

    let sql =
        format!("SELECT cust, day, amount, cost, category FROM transactions WHERE day <= ?1{sub}");
    let mut used = vec![false; cat_names.len()];
    {
        let mut q = sqlx::query(&sql).bind(as_of);
        if let Some(j) = &ids_json {
            q = q.bind(j.as_str());
        }
        let mut rows = q.fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
            let Some(cust) = keys.get(get(&row, 0)?) else {
                continue;
            };
            let cost: Option<f64> = get(&row, 3)?;
            let category: Option<i64> = get(&row, 4)?;
            let category = match category.and_then(|c| usize::try_from(c).ok()) {
                Some(c) if c < used.len() => {
                    used[c] = true;
                    c as u32
                }
                _ => NO_CATEGORY,
            };
            d.tx.push(Tx {
                cust,
                category,
                day: day(get(&row, 1)?),
                cost: cost.map_or(f32::NAN, |c| c as f32),
                amount: get(&row, 2)?,
            });
        }
    }
    // Renumber the used categories densely, in id order.
    let mut remap = vec![NO_CATEGORY; cat_names.len()];
    for (id, name) in cat_names.into_iter().enumerate() {
        if let (true, Some(name)) = (used[id], name) {
            remap[id] = d.categories.len() as u32;
            d.categories.push(name);
        }
    }
    for t in &mut d.tx {
        if t.category != NO_CATEGORY {
            t.category = remap[t.category as usize];
        }
    }

    let sql = format!("SELECT cust, period, sales, service FROM costs WHERE period <= ?1{sub}");
    {
        let mut q = sqlx::query(&sql).bind(as_of);
        if let Some(j) = &ids_json {
            q = q.bind(j.as_str());
        }
        let mut rows = q.fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
            if let Some(cust) = keys.get(get(&row, 0)?) {
                d.costs.push(Cost {
                    cust,
                    period: day(get(&row, 1)?),
                    sales: get(&row, 2)?,
                    service: get(&row, 3)?,
                });
            }
        }
    }

    let sql = format!("SELECT cust, day, kind FROM interactions WHERE day <= ?1{sub}");
    {
        let mut q = sqlx::query(&sql).bind(as_of);
        if let Some(j) = &ids_json {
            q = q.bind(j.as_str());
        }
        let mut rows = q.fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
            if let Some(cust) = keys.get(get(&row, 0)?) {
                let kind: &str = get(&row, 2)?;
                d.interactions.push(Interaction {
                    cust,
                    day: day(get(&row, 1)?),
                    kind: InteractionKind::parse(kind),
                });
            }
        }
    }

    let sql = format!("SELECT cust, day, csat, nps FROM surveys WHERE day <= ?1{sub}");
    {
        let mut q = sqlx::query(&sql).bind(as_of);
        if let Some(j) = &ids_json {
            q = q.bind(j.as_str());
        }
        let mut rows = q.fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
            if let Some(cust) = keys.get(get(&row, 0)?) {
                d.surveys.push(Survey {
                    cust,
                    day: day(get(&row, 1)?),
                    csat: get(&row, 2)?,
                    nps: get(&row, 3)?,
                });
            }
        }
    }

    let sql = format!(
        "SELECT cust, start_day, end_day, renewed FROM contracts WHERE start_day <= ?1{sub}"
    );
    {
        let mut q = sqlx::query(&sql).bind(as_of);
        if let Some(j) = &ids_json {
            q = q.bind(j.as_str());
        }
        let mut rows = q.fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
            if let Some(cust) = keys.get(get(&row, 0)?) {
                let end: Option<i64> = get(&row, 2)?;
                let end = end.map(day);
                let renewed: Option<bool> = get(&row, 3)?;
                d.contracts.push(Contract {
                    cust,
                    start: day(get(&row, 1)?),
                    end,
                    // The renewal decision is known when the term ends, not before.
                    renewed: if end.is_some_and(|e| e > as_of) {
                        None
                    } else {
                        renewed
                    },
                });
            }
        }
    }

    let sql =
        format!("SELECT cust, invoice, due, paid, amount FROM payments WHERE invoice <= ?1{sub}");
    {
        let mut q = sqlx::query(&sql).bind(as_of);
        if let Some(j) = &ids_json {
            q = q.bind(j.as_str());
        }
        let mut rows = q.fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(ctx(DOING))? {
            if let Some(cust) = keys.get(get(&row, 0)?) {
                let paid: Option<i64> = get(&row, 3)?;
                d.payments.push(Payment {
                    cust,
                    invoice: day(get(&row, 1)?),
                    due: day(get(&row, 2)?),
                    // Paid after as_of: still unpaid on as_of.
                    paid: paid.map(day).filter(|&p| p <= as_of),
                    amount: get(&row, 4)?,
                });
            }
        }
    }
    tx.commit().await.map_err(ctx(DOING))?;
    d.sort();
    Ok(d)
}
