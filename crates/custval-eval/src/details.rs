//! The per-customer explanation of a run ([`Detail`]), built on demand.
//!
//! A detail (the figures behind every point, the rule behind every class, the actions with
//! their reasons, wallet, risk and SWOT) is about 2 KB of JSON, so a million of them held
//! together cost two gigabytes. The engine therefore returns its results without details and
//! keeps what they are built from in a [`DetailContext`]; the store asks it for one batch of
//! details at a time while writing the run. The dataset itself is not kept: a detail needs
//! only the customer's size band and the category names besides the engine's own columns.
//!
//! Determinism: [`DetailContext::detail_json`] is a pure function of the evaluation, so the
//! JSON stored for a customer is the same whenever it is built.

use custval_model::{CustomerResult, Dataset};
use rayon::prelude::*;

use crate::accounts::AccountsOut;
use crate::classes::{Classified, Detail, MAX_ACTIONS, Source, StoredAction, playbook_field};
use crate::features::{FEATURES, FeatureTable, feature_index};
use crate::helpers::{fmt_value, opt, round6};
use crate::plan::{Dimension, Plan, STRING_VARS};
use crate::scoring::points;
use crate::types::IndicatorUsed;
use custval_classify::ValueClass;

/// The numeric result variables after the indicators, in `custval_config::RESULT_VARIABLES`
/// order.
const RESULT_SLOTS: [&str; 4] = [
    "score",
    "current_score",
    "potential_score",
    "payment_delay_percentile",
];

/// What the details of one evaluation are built from (owned, so the dataset can be dropped).
pub struct DetailContext<'p> {
    plan: &'p Plan,
    table: FeatureTable,
    raw: Vec<Vec<f64>>,
    normalized: Vec<Vec<f64>>,
    indicators: Vec<IndicatorUsed>,
    value: Vec<f64>,
    potential: Vec<f64>,
    total: Vec<f64>,
    cl: Classified,
    accounts: AccountsOut,
    categories: Vec<String>,
    sizes: Vec<Option<String>>,
    accounts_cfg: custval_accounts::AccountsConfig,
    /// Per dimension: its weight in the total, its indicators' positions and weights.
    dims: Vec<(f64, Vec<usize>, Vec<f64>)>,
}

/// The engine's per-customer columns a [`DetailContext`] takes over.
pub(crate) struct Parts {
    pub table: FeatureTable,
    pub raw: Vec<Vec<f64>>,
    pub normalized: Vec<Vec<f64>>,
    pub indicators: Vec<IndicatorUsed>,
    pub value: Vec<f64>,
    pub potential: Vec<f64>,
    pub total: Vec<f64>,
    pub cl: Classified,
    pub accounts: AccountsOut,
}

impl<'p> DetailContext<'p> {
    pub(crate) fn new(data: &Dataset, plan: &'p Plan, parts: Parts) -> DetailContext<'p> {
        let dims = [
            (Dimension::Current, plan.current_weight),
            (Dimension::Potential, plan.potential_weight),
        ]
        .into_iter()
        .map(|(dim, dim_weight)| {
            let idx: Vec<usize> = (0..parts.indicators.len())
                .filter(|j| parts.indicators[*j].dimension == dim)
                .collect();
            let w = idx.iter().map(|j| parts.indicators[*j].weight).collect();
            (dim_weight, idx, w)
        })
        .collect();
        DetailContext {
            plan,
            table: parts.table,
            raw: parts.raw,
            normalized: parts.normalized,
            indicators: parts.indicators,
            value: parts.value,
            potential: parts.potential,
            total: parts.total,
            cl: parts.cl,
            accounts: parts.accounts,
            categories: data.categories.clone(),
            sizes: data.customers.iter().map(|c| c.size.clone()).collect(),
            accounts_cfg: plan.accounts.settings(),
            dims,
        }
    }

    /// Customers covered (the run's results, in the same order).
    pub fn len(&self) -> usize {
        self.sizes.len()
    }

    /// Whether the evaluation had no customers.
    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// The explanation of customer `c`, whose result is `r` (the evaluation's `results[c]`).
    pub fn detail(&self, c: usize, r: &CustomerResult) -> Detail {
        let plan = self.plan;
        let cl = &self.cl;
        let accounts = &self.accounts;
        let table = &self.table;
        // Customers whose wallet, cross-sell reasons are worth their bytes in the detail.
        let key = plan.accounts.plan_tiers.contains(&cl.tier[c])
            || matches!(
                cl.value[c].class,
                ValueClass::MostValuable | ValueClass::Secondary
            );
        let gaps: Vec<String> = table.cross_sell[c]
            .iter()
            .filter_map(|k| self.categories.get(*k as usize).cloned())
            .collect();
        let actions = self.actions(c, r, !gaps.is_empty());
        let (norm_row, pts) = self.points(c);
        Detail {
            raw: self.raw.iter().map(|col| opt(col[c]).map(round6)).collect(),
            norm: norm_row.iter().map(|v| opt(*v).map(round6)).collect(),
            points: pts,
            tier_rule: cl.tier_rule[c],
            hysteresis: cl.hysteresis.decisions[c].clone(),
            value_rule: cl.value[c].rule,
            potential_rule: cl.potential[c].rule,
            lifecycle_rule: cl.lifecycle[c].rule,
            profit_loyalty_rule: cl.profit_loyalty[c].rule,
            actions,
            cross_sell: gaps,
            cross_sell_why: if key {
                accounts.cross_sell[c]
                    .iter()
                    .map(|x| {
                        (
                            x.explain_en(&self.categories),
                            x.explain_zh(&self.categories),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            },
            wallet: key.then(|| accounts.wallets[c].clone()),
            risk: (accounts.risk[c].level != custval_accounts::RiskLevel::None)
                .then(|| accounts.risk[c].clone()),
            swot: if plan.accounts.plan_tiers.contains(&cl.tier[c]) {
                crate::accounts::swot(table, accounts, &self.accounts_cfg, &self.categories, c)
            } else {
                Vec::new()
            },
            clv_parts: table
                .clv_parts
                .get(c)
                .copied()
                .flatten()
                .map(|row| crate::breakdown::ClvParts::of(&row)),
            profit: crate::breakdown::Profit::of(table, c),
        }
    }

    /// Customer `c`'s numeric slots as action rules read them: features, indicators, then
    /// [`RESULT_SLOTS`].
    fn slots(&self, c: usize) -> Vec<f64> {
        let mut slots: Vec<f64> = Vec::with_capacity(FEATURES.len() + self.raw.len() + 3);
        slots.extend(self.table.columns.iter().map(|col| col[c]));
        slots.extend(self.raw.iter().map(|col| col[c]));
        slots.extend([
            self.total[c],
            self.value[c],
            self.potential[c],
            self.accounts
                .payment_delay_percentile
                .get(c)
                .copied()
                .unwrap_or(f64::NAN),
        ]);
        slots
    }

    /// Customer `c`'s string variables, in [`STRING_VARS`] order.
    fn strings(&self, c: usize, r: &CustomerResult) -> Vec<String> {
        let cl = &self.cl;
        STRING_VARS
            .iter()
            .map(|v| match *v {
                "tier" => cl.tier[c].clone(),
                "value_class" => cl.value[c].class.id().to_string(),
                "potential_tier" => cl.potential[c].class.id().to_string(),
                "lifecycle" => cl.lifecycle[c].class.id().to_string(),
                "profit_loyalty" => cl.profit_loyalty[c].class.id().to_string(),
                "industry" => r.industry.clone().unwrap_or_default(),
                "region" => r.region.clone().unwrap_or_default(),
                "size" => self.sizes[c].clone().unwrap_or_default(),
                "owner" => r.owner.clone().unwrap_or_default(),
                "rfm_segment" => cl.rfm[c].clone().unwrap_or_default(),
                _ => String::new(),
            })
            .collect()
    }

    /// Customer `c`'s actions: the rules that hold (by priority, with the figures they read),
    /// a cross-sell offer when it has `gaps` and a class to grow, then its playbooks; one
    /// per family, at most [`MAX_ACTIONS`].
    fn actions(&self, c: usize, r: &CustomerResult, gaps: bool) -> Vec<StoredAction> {
        let plan = self.plan;
        let slots = self.slots(c);
        let strings = self.strings(c, r);
        let str_refs: Vec<&str> = strings.iter().map(String::as_str).collect();
        let nf = FEATURES.len();
        // A rule's variable as the figures show it (names come from the configuration).
        let value_of = |name: &str| -> String {
            if let Some(k) = STRING_VARS.iter().position(|v| *v == name) {
                return strings[k].clone();
            }
            if let Some(i) = feature_index(name) {
                return fmt_value(slots[i]);
            }
            if let Some(j) = self.indicators.iter().position(|i| i.id == name) {
                return fmt_value(slots[nf + j]);
            }
            if let Some(k) = RESULT_SLOTS.iter().position(|v| *v == name) {
                return fmt_value(slots[nf + self.raw.len() + k]);
            }
            "?".into()
        };

        let mut actions: Vec<(i64, StoredAction)> = Vec::new();
        for a in &plan.actions {
            if (a.when)(&slots, &str_refs) {
                let figures: Vec<String> = a
                    .variables
                    .iter()
                    .map(|v| format!("{v} = {}", value_of(v)))
                    .collect();
                actions.push((
                    a.priority,
                    StoredAction {
                        id: a.id.clone(),
                        source: Source::Rule,
                        figures: figures.join(", "),
                        overrode: Vec::new(),
                    },
                ));
            }
        }
        // Stable: rules of equal priority stay in file order.
        actions.sort_by_key(|(p, _)| *p);
        let mut actions: Vec<StoredAction> = actions.into_iter().map(|(_, a)| a).collect();
        let value = self.cl.value[c].class;
        if gaps && matches!(value, ValueClass::MostValuable | ValueClass::Secondary) {
            actions.push(StoredAction {
                id: "cross_sell".into(),
                source: Source::CrossSell,
                figures: format!(
                    "value_class = {}, industry = {}",
                    value.id(),
                    r.industry.as_deref().unwrap_or("?")
                ),
                overrode: Vec::new(),
            });
        }
        for pb in &plan.playbooks {
            let k = STRING_VARS.iter().position(|v| *v == pb.variable);
            if k.is_some_and(|k| strings[k] == pb.value)
                && let Some(field) = playbook_field(pb)
            {
                actions.push(StoredAction {
                    id: format!("playbook:{}:{}", pb.variable, pb.value),
                    source: Source::Playbook,
                    figures: field.to_string(),
                    overrode: Vec::new(),
                });
            }
        }
        let mut actions = one_per_family(actions, plan);
        actions.truncate(MAX_ACTIONS);
        actions
    }

    /// Customer `c`'s normalized indicator values and the points each brings to the total.
    fn points(&self, c: usize) -> (Vec<f64>, Vec<f64>) {
        let norm_row: Vec<f64> = self.normalized.iter().map(|col| col[c]).collect();
        let mut pts = vec![0.0; self.indicators.len()];
        for (dim_weight, idx, w) in &self.dims {
            let row: Vec<f64> = idx.iter().map(|j| norm_row[*j]).collect();
            for (p, j) in points(&row, w).into_iter().zip(idx) {
                pts[*j] = p * dim_weight;
            }
        }
        (norm_row, pts)
    }

    /// Fills every result's `detail` (`results` in the evaluation's order), on the rayon pool.
    pub fn fill(&self, results: &mut [CustomerResult]) {
        results
            .par_iter_mut()
            .enumerate()
            .for_each(|(c, r)| r.detail = self.detail_json(c, r));
    }

    /// [`Self::detail`] as the JSON the store keeps, in a string of exactly its length
    /// (`serde_json::to_string` grows its buffer by doubling).
    pub fn detail_json(&self, c: usize, r: &CustomerResult) -> String {
        DETAIL_BUF.with(|buf| {
            let mut buf = buf.borrow_mut();
            buf.clear();
            match serde_json::to_writer(&mut *buf, &self.detail(c, r)) {
                // serde_json writes UTF-8 only; checked, not lossy (`from_utf8_lossy` walked
                // the text chunk by chunk: 4% of a run write's CPU).
                Ok(()) => std::str::from_utf8(&buf).map_or_else(|_| String::new(), str::to_owned),
                Err(_) => String::new(),
            }
        })
    }
}

/// Keeps, of each action family, only the first action (actions arrive most urgent first:
/// rules by priority, then cross-sell, then playbooks), which records the ids it overrode
/// (issue 17: "Review for strategic abandonment" next to "Renew early").
pub(crate) fn one_per_family(actions: Vec<StoredAction>, plan: &Plan) -> Vec<StoredAction> {
    let mut kept: Vec<StoredAction> = Vec::with_capacity(actions.len());
    let mut families: Vec<(String, usize)> = Vec::new();
    for a in actions {
        let Some(family) = crate::classes::action_family(&a, plan) else {
            kept.push(a);
            continue;
        };
        match families.iter().find(|(f, _)| *f == family) {
            Some((_, k)) => kept[*k].overrode.push(a.id),
            None => {
                families.push((family, kept.len()));
                kept.push(a);
            }
        }
    }
    kept
}

thread_local! {
    /// A worker's serialization buffer, reused from one customer to the next.
    static DETAIL_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}
