//! Dynamic management on the command line: `migrations`, `alerts`, `override`, `backtest`.
//!
//! The work is `custval_app::dynamics`' (shared with the web server); this module parses the
//! arguments, audits what users change, and renders tables or the contract's JSON.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use custval_model::{Day, RunId};
use custval_store::AlertQuery;
use custval_store::prelude::*;

use crate::Globals;
use crate::commands::session::{actor, block_on, open, parse_day, pick_run, today};
use crate::commands::workspace::load_plan;
use crate::output::{self, ReportFormat, num, num_or_dash, pct, text_table};
use crate::ui::{Arg, Kind, Lang, f, name, t};

// ---------------------------------------------------------------------------------------
// migrations

#[derive(Debug, clap::Args)]
pub struct MigrationsArgs {
    /// The earlier run.
    #[arg(long, value_name = "RUN")]
    pub from: RunId,
    /// The later run.
    #[arg(long, value_name = "RUN")]
    pub to: RunId,
    /// List the customers behind one cell instead, e.g. `--cell A,B` (`none` for customers in
    /// only one of the runs).
    #[arg(long, value_name = "FROM,TO")]
    pub cell: Option<String>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

pub fn migrations(a: MigrationsArgs, g: &Globals) -> Result<()> {
    if let Some(cell) = &a.cell {
        let Some((f, t)) = cell.split_once(',') else {
            bail!("--cell {cell:?}: expected FROM,TO, e.g. A,B");
        };
        let ids = block_on(async {
            let store = open(g, false).await?;
            anyhow::Ok(
                custval_app::dynamics::migration_cell(&store, a.from, a.to, f.trim(), t.trim())
                    .await?,
            )
        })??;
        return match a.format {
            ReportFormat::Json => output::print_json(&ids),
            ReportFormat::Table => output::print_text(&ids.join("\n")),
        };
    }
    let m = block_on(async {
        let store = open(g, false).await?;
        anyhow::Ok(custval_app::dynamics::migrations(&store, a.from, a.to).await?)
    })??;
    match a.format {
        ReportFormat::Json => output::print_json(&m),
        ReportFormat::Table => {
            let mut head = vec![format!("run {} \\ run {}", m.from, m.to)];
            head.extend(m.labels.iter().cloned());
            let heads: Vec<&str> = head.iter().map(String::as_str).collect();
            let rows = m.labels.iter().enumerate().map(|(i, l)| {
                let mut row = vec![l.clone()];
                for j in 0..m.labels.len() {
                    row.push(format!(
                        "{} ({})",
                        num(m.matrix[i][j] as f64, 0),
                        pct(m.value_share[i][j])
                    ));
                }
                row
            });
            let mut out = format!(
                "Tier migration from run {} ({}) to run {} ({}): customers (share of 12-month spend)\n",
                m.from, m.from_as_of, m.to, m.to_as_of
            );
            out.push_str(&text_table(&heads, rows));
            out.push_str(&format!("\n{}\n", m.explain));
            output::print_text(&out)
        }
    }
}

// ---------------------------------------------------------------------------------------
// alerts

#[derive(Debug, clap::Args)]
pub struct AlertsArgs {
    /// The run (default: the latest).
    #[arg(long)]
    pub run: Option<RunId>,
    /// Only alerts of this rule (e.g. spend_drop, upgrade_candidate).
    #[arg(long)]
    pub rule: Option<String>,
    /// Only alerts of this severity: info, warning or critical.
    #[arg(long)]
    pub severity: Option<String>,
    /// Only open (not acknowledged) alerts.
    #[arg(long)]
    pub open: bool,
    /// Every alert (default: the top 50 by severity, then money at stake).
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// Show the top N alerts by severity, then money at stake.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
    /// Acknowledge an alert by id (audited) instead of listing.
    #[arg(long, value_name = "ID")]
    pub ack: Option<i64>,
    /// Post the run's alerts to the webhook of custval.toml (`[webhook] url`).
    #[arg(long)]
    pub deliver: bool,
    /// The evaluation config (default: custval.toml beside the store), for --deliver.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

/// `alerts --ack ID`.
fn acknowledge(id: i64, g: &Globals) -> Result<()> {
    let done = block_on(async {
        let store = open(g, false).await?;
        anyhow::Ok(store.acknowledge_alert(id, &actor()).await?)
    })??;
    if !done {
        bail!("no alert {id}");
    }
    if !g.quiet {
        eprintln!("alert {id} acknowledged");
    }
    Ok(())
}

pub fn alerts(a: AlertsArgs, g: &Globals) -> Result<()> {
    if let Some(id) = a.ack {
        return acknowledge(id, g);
    }
    if a.deliver {
        let (_, plan) = load_plan(a.config.as_deref(), g)?;
        let Some((url, min)) = plan.webhook.clone() else {
            bail!("no webhook: set [webhook] url in custval.toml");
        };
        let d = block_on(async {
            let store = open(g, false).await?;
            let run = pick_run(&store, a.run).await?;
            anyhow::Ok(custval_app::dynamics::deliver(&store, run.id, &url, &min).await?)
        })??;
        return match a.format {
            ReportFormat::Json => output::print_json(&d),
            ReportFormat::Table => output::print_text(&format!(
                "posted {} alerts to {} (HTTP {})",
                d.sent, d.url, d.status
            )),
        };
    }
    let ranked = block_on(async {
        let store = open(g, false).await?;
        let q = AlertQuery {
            run: a.run,
            rule: a.rule.clone(),
            severity: a.severity.clone(),
            status: a.open.then(|| "open".to_string()),
            ..AlertQuery::default()
        };
        let limit = (!a.all).then_some(a.limit);
        anyhow::Ok(custval_app::dynamics::ranked_alerts(&store, &q, limit).await?)
    })??;
    let shown = ranked.alerts.len();
    let lang = g.lang;
    let (shown_n, total_n) = (num(shown as f64, 0), num(ranked.total as f64, 0));
    let left_out = (shown < ranked.total).then(|| {
        f(
            lang,
            "cli-alerts-left-out",
            &[("shown", Arg::Str(&shown_n)), ("total", Arg::Str(&total_n))],
        )
    });
    match a.format {
        ReportFormat::Json => {
            if let Some(note) = &left_out
                && !g.quiet
            {
                eprintln!("{note}");
            }
            output::print_json(&ranked.alerts)
        }
        ReportFormat::Table => {
            let run = ranked.run.to_string();
            let when = [("run", Arg::Str(&run)), ("as_of", Arg::Str(&ranked.as_of))];
            if ranked.alerts.is_empty() {
                return output::print_text(&f(lang, "cli-alerts-none", &when));
            }
            let zh = lang == Lang::Zh;
            let mut rows = Vec::new();
            for (customer, alerts) in ranked.by_customer() {
                let first = alerts[0];
                let who = match &first.name {
                    Some(n) if !n.is_empty() => format!("{customer} {n}"),
                    _ => customer.to_string(),
                };
                for (i, x) in alerts.iter().enumerate() {
                    rows.push(vec![
                        if i == 0 { who.clone() } else { String::new() },
                        if zh {
                            name(lang, Kind::Severity, &x.severity)
                        } else {
                            x.severity.clone()
                        },
                        if zh {
                            custval_i18n::money(lang, x.at_stake)
                        } else {
                            num(x.at_stake, 2)
                        },
                        if zh {
                            name(lang, Kind::Rule, &x.rule)
                        } else {
                            x.rule.clone()
                        },
                        (if zh { &x.explain_zh } else { &x.explain }).clone(),
                        (if zh { &x.action_zh } else { &x.action }).clone(),
                        x.id.to_string(),
                    ]);
                }
            }
            let mut out = f(lang, "cli-alerts-title", &when);
            out.push('\n');
            let headers: Vec<String> = [
                "cli-alerts-customer",
                "cli-alerts-severity",
                "cli-alerts-at-stake",
                "cli-alerts-rule",
                "cli-alerts-what",
                "cli-alerts-action",
                "cli-alerts-id",
            ]
            .iter()
            .map(|id| t(lang, id))
            .collect();
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            out.push_str(&text_table(&headers, rows));
            out.push('\n');
            out.push_str(
                &left_out.unwrap_or_else(|| {
                    f(lang, "cli-alerts-count", &[("total", Arg::Str(&total_n))])
                }),
            );
            output::print_text(&out)
        }
    }
}

// ---------------------------------------------------------------------------------------
// override

#[derive(Debug, clap::Args)]
pub struct OverrideArgs {
    /// The customer id.
    pub id: String,
    /// The tier that wins over the computed one.
    #[arg(long, required_unless_present = "clear")]
    pub tier: Option<String>,
    /// Why (kept with the override and in the audit log).
    #[arg(long, required_unless_present = "clear")]
    pub reason: Option<String>,
    /// Last day the override is in force (default: until cleared).
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub until: Option<Day>,
    /// Remove the customer's override instead (audited).
    #[arg(long, conflicts_with_all = ["tier", "reason", "until"])]
    pub clear: bool,
    /// Who is overriding (default: $USER).
    #[arg(long)]
    pub author: Option<String>,
}

/// Sets or clears an override through the one override service of the web app and the API.
pub fn override_tier(a: OverrideArgs, g: &Globals) -> Result<()> {
    let author = a.author.clone().unwrap_or_else(actor);
    let who = custval_app::access::Actor::Local(&author);
    if a.clear {
        let cleared = block_on(async {
            let store = open(g, false).await?;
            anyhow::Ok(custval_app::overrides::clear(&store, who, &a.id).await?)
        })??;
        if !g.quiet {
            eprintln!(
                "{}",
                if cleared {
                    format!("override of {} removed", a.id)
                } else {
                    format!("{} had no override", a.id)
                }
            );
        }
        return Ok(());
    }
    let (Some(tier), Some(reason)) = (a.tier.as_deref(), a.reason.as_deref()) else {
        bail!("--tier and --reason are required");
    };
    let set = block_on(async {
        let store = open(g, false).await?;
        let new = custval_app::overrides::NewOverride {
            customer_id: &a.id,
            tier,
            reason,
            until: a.until,
        };
        anyhow::Ok(custval_app::overrides::set(&store, who, &new, today()).await?)
    })??;
    if !g.quiet {
        eprintln!(
            "{} is tier {} by {}{}: {}",
            a.id,
            set.tier,
            set.author,
            set.until
                .map(|u| format!(" until {}", custval_eval::format_day(u)))
                .unwrap_or_default(),
            set.reason
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// backtest

#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// Rank the customers as of this date…
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub as_of: Day,
    /// …and compare with the value they realized in the following days.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i32).range(1..=3660))]
    pub horizon: i32,
    /// Also backtest an external ranking: a CSV with columns customer_id and score (the method
    /// is named after the file); repeatable.
    #[arg(long, value_name = "FILE")]
    pub compare: Vec<PathBuf>,
    /// The evaluation config (default: custval.toml beside the store).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

/// Reads `customer_id,score` rows.
fn read_ranking(path: &PathBuf) -> Result<(String, HashMap<String, f64>)> {
    let name = path
        .file_stem()
        .map_or_else(|| "external".into(), |s| s.to_string_lossy().into_owned());
    let mut r = csv::Reader::from_path(path).with_context(|| format!("{}", path.display()))?;
    let headers = r.headers()?.clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == n)
    };
    let (Some(ci), Some(si)) = (col("customer_id"), col("score")) else {
        bail!("{}: needs columns customer_id and score", path.display());
    };
    let mut out = HashMap::new();
    for (k, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{} line {}", path.display(), k + 2))?;
        let score: f64 =
            rec.get(si).unwrap_or("").trim().parse().with_context(|| {
                format!("{} line {}: score is not a number", path.display(), k + 2)
            })?;
        out.insert(rec.get(ci).unwrap_or("").to_string(), score);
    }
    Ok((name, out))
}

pub fn backtest(a: BacktestArgs, g: &Globals) -> Result<()> {
    let (_, plan) = load_plan(a.config.as_deref(), g)?;
    let extra = a
        .compare
        .iter()
        .map(read_ranking)
        .collect::<Result<Vec<_>>>()?;
    let report = block_on(async {
        let store = open(g, false).await?;
        anyhow::Ok(
            custval_app::dynamics::backtest(&store, a.as_of, a.horizon, &plan, &extra).await?,
        )
    })??;
    match a.format {
        ReportFormat::Json => output::print_json(&report),
        ReportFormat::Table => {
            let rows = report.methods.iter().map(|(name, q)| {
                vec![
                    name.clone(),
                    num_or_dash(q.gini, 3),
                    num_or_dash(q.auc, 3),
                    num_or_dash(q.spearman, 3),
                    num_or_dash(q.lift_top_decile, 3),
                    q.top_share.map_or_else(|| "—".into(), pct),
                ]
            });
            let mut out = format!(
                "Backtest: ranking as of {} vs net spend in the next {} days ({} customers, {} realized)\n",
                report.as_of,
                report.horizon_days,
                num(report.customers as f64, 0),
                num(report.realized_total, 2)
            );
            out.push_str(&text_table(
                &[
                    "method",
                    "Gini (top 20%)",
                    "AUC",
                    "Spearman",
                    "lift, top decile",
                    "value in top 20%",
                ],
                rows,
            ));
            out.push_str(&format!("\n{}\n", report.explain));
            output::print_text(&out)
        }
    }
}

// ---------------------------------------------------------------------------------------
// runs

#[derive(Debug, clap::Args)]
pub struct RunsArgs {
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

pub fn runs(a: RunsArgs, g: &Globals) -> Result<()> {
    let lines = block_on(async {
        let store = open(g, false).await?;
        anyhow::Ok(custval_app::dynamics::run_lines(&store).await?)
    })??;
    match a.format {
        ReportFormat::Json => output::print_json(&lines),
        ReportFormat::Table => {
            let rows = lines.iter().map(|l| {
                let tiers: Vec<String> = l.tiers.iter().map(|(k, n)| format!("{k} {n}")).collect();
                let alerts: Vec<String> =
                    l.alerts.iter().map(|(k, n)| format!("{k} {n}")).collect();
                vec![
                    l.run.to_string(),
                    l.as_of.clone(),
                    num(l.customers as f64, 0),
                    tiers.join(", "),
                    if alerts.is_empty() {
                        "—".into()
                    } else {
                        alerts.join(", ")
                    },
                    l.tier_changes_held_back
                        .map_or_else(|| "—".into(), |n| n.to_string()),
                    format!(
                        "{} / {}",
                        num_or_dash(l.clv_predicted_purchases, 0),
                        num_or_dash(l.clv_actual_purchases, 0)
                    ),
                    num_or_dash(l.clv_mae, 3),
                ]
            });
            output::print_text(&text_table(
                &[
                    "run",
                    "as of",
                    "customers",
                    "tiers",
                    "alerts",
                    "held back",
                    "CLV holdout predicted / actual",
                    "MAE",
                ],
                rows,
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------
// kpis

#[derive(Debug, clap::Args)]
pub struct KpisArgs {
    /// The run that classified the customers (the period starts at its as-of date).
    #[arg(long, value_name = "RUN")]
    pub from: RunId,
    /// The run whose as-of date ends the period.
    #[arg(long, value_name = "RUN")]
    pub to: RunId,
    /// Group by this class variable of the `from` run.
    #[arg(long, default_value = "value_class", value_parser = clap::builder::PossibleValuesParser::new(custval_app::dynamics::KPI_GROUPS))]
    pub by: String,
    /// Customers a strategy treated (a CSV with a customer_id column, or one id per line):
    /// compares them with the untreated customers.
    #[arg(long, value_name = "FILE")]
    pub treated: Option<PathBuf>,
    /// Restrict the treated-vs-untreated comparison to one class of `--by`.
    #[arg(long, value_name = "CLASS", requires = "treated")]
    pub class: Option<String>,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

/// Customer ids of a treated list: the `customer_id` column of a CSV, or one id per line.
fn read_ids(path: &PathBuf) -> Result<std::collections::HashSet<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let header: Vec<&str> = first.split(',').map(str::trim).collect();
    let out: std::collections::HashSet<String> =
        match header.iter().position(|h| *h == "customer_id") {
            Some(col) => lines
                .filter_map(|l| l.split(',').nth(col).map(|v| v.trim().to_string()))
                .filter(|v| !v.is_empty())
                .collect(),
            None => std::iter::once(first)
                .chain(lines)
                .map(|l| l.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect(),
        };
    if out.is_empty() {
        bail!("{}: no customer ids", path.display());
    }
    Ok(out)
}

pub fn kpis(a: KpisArgs, g: &Globals) -> Result<()> {
    if !(a.level > 0.0 && a.level < 1.0) {
        bail!("--level {} must be between 0 and 1", a.level);
    }
    let treated = a.treated.as_ref().map(read_ids).transpose()?;
    let report = block_on(async {
        let store = open(g, false).await?;
        anyhow::Ok(
            custval_app::dynamics::kpis(
                &store,
                a.from,
                a.to,
                &a.by,
                treated.as_ref().map(|t| (t, a.class.as_deref())),
                a.level,
            )
            .await?,
        )
    })??;
    match a.format {
        ReportFormat::Json => output::print_json(&report),
        ReportFormat::Table => {
            let rows = report.kpis.classes.iter().map(|k| {
                vec![
                    k.class.clone(),
                    num(k.customers as f64, 0),
                    k.retention_rate.map_or_else(|| "—".into(), pct),
                    num(k.revenue, 2),
                    k.margin.map_or_else(|| "—".into(), |m| num(m, 2)),
                    k.average_clv.map_or_else(|| "—".into(), |c| num(c, 2)),
                ]
            });
            let mut out = format!(
                "Class KPIs by {} of run {} ({}), over the period to run {} ({})\n",
                report.by, report.from, report.from_as_of, report.to, report.to_as_of
            );
            out.push_str(&text_table(
                &[
                    "class",
                    "customers",
                    "bought again",
                    "revenue",
                    "margin",
                    "average CLV",
                ],
                rows,
            ));
            out.push('\n');
            for line in &report.explain {
                out.push_str(&format!("{line}\n"));
            }
            output::print_text(&out)
        }
    }
}
