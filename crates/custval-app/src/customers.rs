//! The customer list: one service behind `custval customers list`, the web list page,
//! `GET /api/v1/customers` and the CSV and XLSX exports of both front ends, so that a filter
//! gives the same customers, tiers and columns wherever it is typed.
//!
//! What a list shows is what the customer page shows: a provisional update since the run
//! (only on the latest run, see [`crate::provisional`]) replaces the run's figures, and an
//! override in force wins over the tier. Filters and sorting apply to those shown values, so
//! a customer overridden to tier A is in the tier-A list, sorted by its provisional score.
//!
//! How, without loading a run into memory: the store filters, sorts and pages the run's rows;
//! the few customers whose shown row differs from the stored one (overrides and provisional
//! results, usually a handful, at most the customers of the imports since the run) are read
//! once, filtered here with the store's rules, and merged into the store's order. A page of a
//! list with no such customer is the store's page as it is. With some, a page is merged from
//! the store's rows up to its end, so deep pages cost what their offset costs; exports stream
//! the whole list in chunks ([`Lister::for_each_chunk`]).

use std::cmp::Ordering;
use std::collections::HashMap;

use custval_export::{Cell, Table};
use custval_model::{CustomerResult, Day, RunInfo};
use custval_store::{ResultQuery, ResultSort, Store};
use serde::Serialize;

use crate::AppError;
use crate::access::Actor;

/// The columns of every customer export (CSV and XLSX, command line and web), in order.
pub const EXPORT_HEADERS: [&str; 19] = [
    "customer_id",
    "name",
    "tier",
    "value_class",
    "potential_tier",
    "lifecycle",
    "profit_loyalty",
    "rfm_segment",
    "score",
    "value_score",
    "potential_score",
    "spend_12m",
    "clv_12m",
    "p_alive",
    "industry",
    "region",
    "owner",
    "override",
    "provisional",
];

/// Store rows read per call while streaming a list.
const CHUNK: u64 = 50_000;

/// How a row shows a provisional update's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisionalTag {
    /// The date the provisional figures are as of.
    pub as_of: String,
    pub based_on_run: i64,
    /// What the run itself said.
    pub run_tier: String,
    pub run_score: f64,
}

impl ProvisionalTag {
    /// One line for tables and exports.
    pub fn text(&self) -> String {
        format!(
            "provisional as of {} (run {}: tier {}) / 临时结果",
            self.as_of, self.based_on_run, self.run_tier
        )
    }
}

/// One customer of a list, as every front end shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListRow {
    pub customer_id: String,
    pub name: Option<String>,
    /// The tier shown: the override's when one is in force.
    pub tier: String,
    pub value_class: String,
    pub potential_tier: String,
    pub lifecycle: String,
    pub profit_loyalty: String,
    pub rfm_segment: Option<String>,
    pub score: f64,
    pub value_score: f64,
    pub potential_score: f64,
    pub spend_12m: Option<f64>,
    /// Expected value over the next 12 months (`clv_12m` in exports).
    pub clv: Option<f64>,
    pub p_alive: Option<f64>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub owner: Option<String>,
    /// The override in force: who, the computed tier and why.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisional: Option<ProvisionalTag>,
}

impl ListRow {
    fn new(r: CustomerResult) -> ListRow {
        ListRow {
            customer_id: r.customer_id,
            name: r.name,
            tier: r.tier,
            value_class: r.value_class,
            potential_tier: r.potential_tier,
            lifecycle: r.lifecycle,
            profit_loyalty: r.profit_loyalty,
            rfm_segment: r.rfm_segment,
            score: r.score,
            value_score: r.value_score,
            potential_score: r.potential_score,
            spend_12m: r.spend_12m,
            clv: r.clv,
            p_alive: r.p_alive,
            industry: r.industry,
            region: r.region,
            owner: r.owner,
            override_: None,
            provisional: None,
        }
    }

    /// The row's cells, in [`EXPORT_HEADERS`] order.
    pub fn cells(&self) -> Vec<Cell> {
        let text = |s: &Option<String>| s.clone().map_or(Cell::Empty, Cell::Text);
        let num = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Number);
        vec![
            Cell::Text(self.customer_id.clone()),
            text(&self.name),
            Cell::Text(self.tier.clone()),
            Cell::Text(self.value_class.clone()),
            Cell::Text(self.potential_tier.clone()),
            Cell::Text(self.lifecycle.clone()),
            Cell::Text(self.profit_loyalty.clone()),
            text(&self.rfm_segment),
            Cell::Number(self.score),
            Cell::Number(self.value_score),
            Cell::Number(self.potential_score),
            num(self.spend_12m),
            num(self.clv),
            num(self.p_alive),
            text(&self.industry),
            text(&self.region),
            text(&self.owner),
            text(&self.override_),
            self.provisional
                .as_ref()
                .map_or(Cell::Empty, |p| Cell::Text(p.text())),
        ]
    }
}

/// An empty export table with [`EXPORT_HEADERS`].
pub fn export_table() -> Table {
    Table {
        headers: EXPORT_HEADERS.iter().map(|h| (*h).to_string()).collect(),
        rows: Vec::new(),
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct ListPage {
    /// Customers matching the filters in all.
    pub total: u64,
    pub rows: Vec<ListRow>,
    /// Of the rows, how many show provisional figures.
    pub provisional: u64,
}

/// A customer as shown: the run's result, or its provisional replacement, with the
/// override's tier.
#[derive(Debug, Clone)]
pub struct Shown {
    pub result: CustomerResult,
    /// The override's note when one is in force (`result.tier` is the override's).
    pub override_: Option<String>,
    pub provisional: Option<ProvisionalTag>,
}

impl Shown {
    fn stored(result: CustomerResult) -> Shown {
        Shown {
            result,
            override_: None,
            provisional: None,
        }
    }

    /// The list row (the detail is dropped).
    pub fn row(self) -> ListRow {
        let mut row = ListRow::new(self.result);
        row.override_ = self.override_;
        row.provisional = self.provisional;
        row
    }
}

/// A customer whose shown row differs from the run's row.
struct Changed {
    /// The run's row matches the filters (the store counts and lists it).
    stored_matches: bool,
    /// As shown; `None` when that does not match the filters.
    shown: Option<Shown>,
}

/// A list of one run for one actor and one set of filters, ready to page or stream.
pub struct Lister<'s, S> {
    store: &'s S,
    run: RunInfo,
    query: ResultQuery,
    /// Customers whose shown row differs from the run's, by id.
    changed: HashMap<String, Changed>,
    /// The shown rows of `changed` that match, in list order.
    extra: Vec<Shown>,
    /// How many of the run's rows the store lists that `changed` replaces.
    replaced: u64,
}

impl<'s, S: Store> Lister<'s, S> {
    /// Checks the filters (an unknown tier or class is [`AppError::Invalid`]), forces the
    /// actor's owner scope and reads the overrides in force on `today` and the run's
    /// provisional results.
    pub async fn new(
        store: &'s S,
        actor: Actor<'_>,
        run: RunInfo,
        query: ResultQuery,
        today: Day,
    ) -> Result<Lister<'s, S>, AppError> {
        let mut query = crate::filters::result_query(query)?;
        if let Some(owner) = actor.scope() {
            query.owner = Some(owner);
        }
        let overrides: HashMap<String, custval_store::Override> = store
            .active_overrides(today)
            .await?
            .into_iter()
            .map(|o| (o.customer_id.clone(), o))
            .collect();
        let provisional = if crate::provisional::is_latest(store, &run).await?
            && store.provisional_count(run.id).await? > 0
        {
            store.provisional_all(run.id).await?
        } else {
            Vec::new()
        };
        let mut ids: Vec<String> = overrides.keys().cloned().collect();
        ids.extend(provisional.iter().map(|p| p.result.customer_id.clone()));
        ids.sort_unstable();
        ids.dedup();
        let mut changed = HashMap::new();
        let stored = if ids.is_empty() {
            Vec::new()
        } else {
            store.snapshot_of(run.id, &ids).await?
        };
        let provisional: HashMap<&str, &custval_store::ProvisionalResult> = provisional
            .iter()
            .map(|p| (p.result.customer_id.as_str(), p))
            .collect();
        for r in stored {
            let stored_matches = matches(&r, &query);
            let mut shown = r.clone();
            let mut tag = None;
            if let Some(p) = provisional.get(r.customer_id.as_str()) {
                shown = p.result.clone();
                tag = Some(ProvisionalTag {
                    as_of: custval_eval::format_day(p.as_of),
                    based_on_run: run.id,
                    run_tier: r.tier.clone(),
                    run_score: r.score,
                });
            }
            let mut note = None;
            if let Some(o) = overrides.get(&r.customer_id) {
                let computed = std::mem::replace(&mut shown.tier, o.tier.clone());
                note = Some(format!(
                    "overridden by {} (computed {computed}): {}",
                    o.author, o.reason
                ));
            }
            let shown = matches(&shown, &query).then_some(Shown {
                result: shown,
                override_: note,
                provisional: tag,
            });
            changed.insert(
                r.customer_id.clone(),
                Changed {
                    stored_matches,
                    shown,
                },
            );
        }
        let mut extra: Vec<Shown> = changed.values().filter_map(|c| c.shown.clone()).collect();
        extra.sort_by(|a, b| order(query.sort, &a.result, &b.result));
        let replaced = changed.values().filter(|c| c.stored_matches).count() as u64;
        Ok(Lister {
            store,
            run,
            query,
            changed,
            extra,
            replaced,
        })
    }

    /// The run listed.
    pub fn run(&self) -> &RunInfo {
        &self.run
    }

    /// The filters as checked, with the actor's scope (for the audit log of an export).
    pub fn query(&self) -> &ResultQuery {
        &self.query
    }

    /// Rows `offset..offset + limit` of the list and the list's total.
    pub async fn page(&self, offset: u64, limit: u64) -> Result<ListPage, AppError> {
        let (total, shown) = self.shown(offset, limit).await?;
        let rows: Vec<ListRow> = shown.into_iter().map(Shown::row).collect();
        let provisional = rows.iter().filter(|r| r.provisional.is_some()).count() as u64;
        Ok(ListPage {
            total,
            rows,
            provisional,
        })
    }

    /// [`Lister::page`] with the whole results (details included), and the total.
    pub async fn shown(&self, offset: u64, limit: u64) -> Result<(u64, Vec<Shown>), AppError> {
        // The store's page as it is; long pages go through `merge`, which reads in chunks.
        if self.changed.is_empty() && limit <= CHUNK {
            let q = ResultQuery {
                offset,
                limit,
                ..self.query.clone()
            };
            let page = self.store.results(self.run.id, &q).await?;
            return Ok((
                page.total,
                page.results.into_iter().map(Shown::stored).collect(),
            ));
        }
        let mut out = Vec::new();
        let mut skip = offset;
        let total = self
            .merge(offset.saturating_add(limit), |s| {
                if skip > 0 {
                    skip -= 1;
                } else if (out.len() as u64) < limit {
                    out.push(s);
                }
            })
            .await?;
        Ok((total, out))
    }

    /// The whole list, in order, in chunks of at most `chunk` rows (exports); returns the
    /// number of rows.
    pub async fn for_each_chunk(
        &self,
        chunk: usize,
        mut f: impl FnMut(Vec<ListRow>),
    ) -> Result<u64, AppError> {
        let mut buf = Vec::with_capacity(chunk.min(CHUNK as usize));
        let mut n = 0;
        self.merge(u64::MAX, |s| {
            buf.push(s.row());
            n += 1;
            if buf.len() >= chunk {
                f(std::mem::take(&mut buf));
            }
        })
        .await?;
        if !buf.is_empty() {
            f(buf);
        }
        Ok(n)
    }

    /// Feeds the list's first `want` rows in order to `emit`, merging the store's rows (less
    /// the changed customers) with the changed customers' shown rows; returns the total.
    async fn merge(&self, want: u64, mut emit: impl FnMut(Shown)) -> Result<u64, AppError> {
        let mut extra = self.extra.iter().peekable();
        let mut emitted = 0u64;
        let mut offset = 0u64;
        let mut total = None;
        // At least one read: it gives the total even when no row is wanted.
        loop {
            let limit = CHUNK.min(want.saturating_sub(emitted).saturating_add(self.replaced));
            let q = ResultQuery {
                offset,
                limit,
                ..self.query.clone()
            };
            let page = self.store.results(self.run.id, &q).await?;
            total.get_or_insert(page.total);
            let n = page.results.len() as u64;
            for r in page.results {
                if self.changed.contains_key(&r.customer_id) {
                    continue;
                }
                while emitted < want
                    && extra
                        .peek()
                        .is_some_and(|e| order(self.query.sort, &e.result, &r) == Ordering::Less)
                {
                    if let Some(e) = extra.next() {
                        emit(e.clone());
                        emitted += 1;
                    }
                }
                if emitted < want {
                    emit(Shown::stored(r));
                    emitted += 1;
                }
            }
            offset += n;
            if n < limit || emitted >= want {
                break;
            }
        }
        for e in extra {
            if emitted >= want {
                break;
            }
            emit(e.clone());
            emitted += 1;
        }
        let stored_total = total.unwrap_or(0);
        Ok(stored_total - self.replaced.min(stored_total) + self.extra.len() as u64)
    }
}

/// True when `r` passes `q`'s filters, with the store's rules: equality on tier, industry,
/// region and owner; a class on any of the four class columns; the search a substring of the
/// id or the name, ASCII letters case-insensitive (SQLite's `LIKE`).
pub fn matches(r: &CustomerResult, q: &ResultQuery) -> bool {
    let eq =
        |want: &Option<String>, have: Option<&str>| want.as_deref().is_none_or(|w| have == Some(w));
    let class_ok = q.class.as_deref().is_none_or(|c| {
        [
            &r.value_class,
            &r.lifecycle,
            &r.potential_tier,
            &r.profit_loyalty,
        ]
        .iter()
        .any(|v| v.as_str() == c)
    });
    let search_ok = q
        .search
        .as_deref()
        .filter(|s| !s.is_empty())
        .is_none_or(|s| {
            let s = s.to_ascii_lowercase();
            r.customer_id.to_ascii_lowercase().contains(&s)
                || r.name
                    .as_deref()
                    .is_some_and(|n| n.to_ascii_lowercase().contains(&s))
        });
    eq(&q.tier, Some(&r.tier))
        && eq(&q.industry, r.industry.as_deref())
        && eq(&q.region, r.region.as_deref())
        && eq(&q.owner, r.owner.as_deref())
        && class_ok
        && search_ok
}

/// The store's list order (see `ResultSort`): a run's own order is score descending, then
/// customer id, and it breaks the ties of the other sorts; missing values come last.
pub fn order(sort: ResultSort, a: &CustomerResult, b: &CustomerResult) -> Ordering {
    let run_order = || {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    };
    let desc_missing_last = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    match sort {
        ResultSort::Score => run_order(),
        ResultSort::Clv => desc_missing_last(a.clv, b.clv).then_with(run_order),
        ResultSort::Spend12m => desc_missing_last(a.spend_12m, b.spend_12m).then_with(run_order),
        ResultSort::CustomerId => a.customer_id.cmp(&b.customer_id),
        ResultSort::Name => match (&a.name, &b.name) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
        .then_with(|| a.customer_id.cmp(&b.customer_id)),
    }
}
