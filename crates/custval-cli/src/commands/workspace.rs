//! The workspace commands: `init`, `import`, `evaluate`, `customers list`, `customer show`
//! and `report`, over the store (`--db`, SQLite by default).
//!
//! Each command opens the store, does one thing and closes it. The store's methods are
//! async (sqlx); a single-threaded tokio runtime drives them, while the evaluation itself runs
//! synchronously on rayon's threads between two awaits.

pub use crate::ui::default_config_path;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use custval_model::{Day, RunId};
use custval_store::prelude::*;
use custval_store::{ResultQuery, ResultSort};

use crate::Globals;
use crate::commands::import::{self, Records};
use crate::output::{self, Destination, Format, ReportFormat, num};
use crate::progress;
use custval_app::access::Actor;

// The store session helpers moved to `session`; these names stay for the commands that
// import them from here.
pub use crate::commands::session::{actor, block_on, open, parse_day, pick_run, today};

/// `custval backup FILE`: a consistent copy of the store, while others may keep using it.
pub fn backup(a: BackupArgs, g: &Globals) -> Result<()> {
    if a.file.exists() && !a.force {
        bail!(
            "{} exists: choose another file or pass --force to replace it",
            a.file.display()
        );
    }
    block_on(async {
        let store = open(g, false).await?;
        store.backup(&a.file).await?;
        store
            .audit(
                &actor(),
                "backup",
                &a.file.display().to_string(),
                &serde_json::json!({ "file": a.file.display().to_string() }),
            )
            .await?;
        anyhow::Ok(())
    })??;
    if !g.quiet {
        eprintln!("backed up {} to {}", g.db, a.file.display());
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Where to write the copy (a SQLite file).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

// ---------------------------------------------------------------------------------------
// init

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Overwrite an existing custval.toml with the default.
    #[arg(long)]
    pub force: bool,
}

pub fn init(a: InitArgs, g: &Globals) -> Result<()> {
    block_on(async {
        let store = open(g, true).await?;
        let counts = store.table_counts().await?;
        let cfg = default_config_path(&g.db);
        let wrote = if cfg.exists() && !a.force {
            false
        } else {
            custval_export::write_bytes_atomic(&cfg, custval_config::DEFAULT_TOML.as_bytes())
                .with_context(|| format!("writing {}", cfg.display()))?;
            true
        };
        if !g.quiet {
            eprintln!(
                "store ready: {} ({} customers, {} transactions, {} runs)",
                g.db, counts.customers, counts.transactions, counts.runs
            );
            if wrote {
                eprintln!(
                    "wrote the default evaluation config {} (edit it to choose indicators and weights)",
                    cfg.display()
                );
            } else {
                eprintln!(
                    "kept the existing {} (use --force to replace it with the default)",
                    cfg.display()
                );
            }
            eprintln!(
                "next: custval import transactions FILE, then custval evaluate --as-of YYYY-MM-DD"
            );
        }
        Ok(())
    })?
}

// ---------------------------------------------------------------------------------------
// import

pub fn import(a: import::Args, g: &Globals) -> Result<()> {
    use custval_store::ImportSession;
    let start = Instant::now();
    let rt = crate::commands::session::runtime()?;
    // Dropping an unfinished session rolls back through the runtime, so every early return
    // below must happen inside its context (a regression once: a refused file panicked).
    let _context = rt.enter();
    let store = rt.block_on(open(g, false))?;
    // One transaction for the whole file: batches are written while the file is read, and
    // nothing is visible (or kept) unless the file as a whole is accepted.
    let mut session = rt.block_on(store.begin_import())?;
    let mut counts = custval_store::ImportCounts::default();
    let nothing = || format!("{}: nothing was stored", a.file.display());
    // The customers the file's order lines touch and their latest day, for the update.
    // A hash set, not an ordered one: rows by date or shuffled make every row a lookup, and a
    // B-tree of a million ids costs a cache miss per level there (sorted once at the end).
    let mut touched = std::collections::HashSet::new();
    let mut latest_day: Option<Day> = None;
    let bar = progress::bytes(
        g,
        &format!(
            "{}: {}",
            progress::label(g, "cmd-import"),
            progress::label(g, "reading")
        ),
    );
    let shown = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let read = import::stream(a.table, &a.file, &a.map, &a.input, &shown, |batch| {
        let c = rt.block_on(async {
            match &batch {
                Records::Transactions(v) => session.transactions(v).await,
                Records::Customers(v) => session.customers(v).await,
                Records::Costs(v) => session.costs(v).await,
                Records::Interactions(v) => session.interactions(v).await,
                Records::Surveys(v) => session.surveys(v).await,
                Records::Contracts(v) => session.contracts(v).await,
                Records::Payments(v) => session.payments(v).await,
            }
        });
        let c = c.with_context(nothing)?;
        // Only batches that stored something touch customers: a re-imported file (all
        // duplicates) changes nothing and must rescore nobody (issue 17). A batch with some
        // new rows counts all its customers (the session does not say which rows were new).
        if let Records::Transactions(v) = &batch
            && c.accepted > 0
        {
            let mut last: Option<&str> = None;
            for t in v {
                if last != Some(t.customer_id.as_str()) {
                    if !touched.contains(t.customer_id.as_str()) {
                        touched.insert(t.customer_id.clone());
                    }
                    last = Some(t.customer_id.as_str());
                }
                latest_day = Some(latest_day.map_or(t.date, |d| d.max(t.date)));
            }
        }
        counts += c;
        Ok(())
    })?;
    bar.finish_and_clear();
    // Rejected rows: quarantine, or refuse the file (strict mode, or nothing usable); a
    // refusal drops the session, which rolls everything back.
    let quarantine = a.input.settle(&read.source, &read.report, g)?;
    let phases = progress::Phases::new(g, "import");
    let rows = num(counts.accepted as f64, 0);
    phases.next("writing", progress::msg(g, "rows", &[("rows", &rows)]));
    rt.block_on(session.commit()).with_context(nothing)?;
    let provisional = if a.no_update || touched.is_empty() || counts.accepted == 0 {
        None
    } else {
        let mut ids: Vec<String> = touched.into_iter().collect();
        ids.sort_unstable();
        let customers = num(ids.len() as f64, 0);
        phases.next(
            "provisional",
            progress::msg(g, "customers", &[("customers", &customers)]),
        );
        match rt.block_on(custval_app::provisional::update(&store, &ids, latest_day)) {
            Ok(Some(u)) => serde_json::to_value(&u).ok(),
            Ok(None) => None,
            // The import is stored; a failed update only leaves the run's figures shown.
            Err(e) => {
                if !g.quiet {
                    phases.suspend(|| eprintln!("warning: provisional update skipped: {e}"));
                }
                Some(serde_json::json!({ "skipped": e.to_string() }))
            }
        }
    };
    drop(phases);
    let (read_rows, rejected) = (read.report.read, read.report.rejected.len() as u64);
    let out = import::ImportOutput {
        table: format!("{:?}", a.table).to_lowercase(),
        read: read_rows,
        accepted: counts.accepted,
        rejected,
        duplicates: counts.duplicates,
        quarantine: quarantine.map(|p| p.display().to_string()),
        seconds: start.elapsed().as_secs_f64(),
        provisional,
    };
    print_import(&out, &a.file, a.format)
}

/// The import's summary: one JSON document, or a line for people.
fn print_import(out: &import::ImportOutput, file: &Path, format: ReportFormat) -> Result<()> {
    match format {
        ReportFormat::Json => output::print_json(out),
        ReportFormat::Table if out.accepted == 0 && out.rejected == 0 => {
            output::print_text(&format!(
                "{}: read {} rows: 0 new rows ({} duplicates): nothing changed",
                file.display(),
                out.read,
                out.duplicates
            ))
        }
        ReportFormat::Table => output::print_text(
            &(format!(
                "{}: read {} rows: {} stored, {} already there (duplicates), {} rejected{} in {:.1} s",
                file.display(),
                out.read,
                out.accepted,
                out.duplicates,
                out.rejected,
                out.quarantine
                    .as_deref()
                    .map(|q| format!(" (see {q})"))
                    .unwrap_or_default(),
                out.seconds
            ) + &provisional_text(out.provisional.as_ref())),
        ),
    }
}

/// The table-format line about a provisional update.
fn provisional_text(p: Option<&serde_json::Value>) -> String {
    let Some(p) = p else {
        return String::new();
    };
    if let Some(why) = p.get("skipped").and_then(|v| v.as_str()) {
        return format!("\nprovisional update skipped: {why}");
    }
    let get = |k: &str| p.get(k).map(ToString::to_string).unwrap_or_default();
    format!(
        "\nprovisional update (临时更新): {} customers rescored as of {} with the parameters of \
         run {} ({} tier changes, {} new alerts) in {:.2} s; the next evaluate replaces it",
        get("customers"),
        p.get("as_of").and_then(|v| v.as_str()).unwrap_or("?"),
        get("based_on_run"),
        get("tier_changes"),
        get("alerts"),
        p.get("seconds")
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(0.0)
    )
}

// ---------------------------------------------------------------------------------------
// evaluate

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("when").required(true).args(["as_of", "from"])))]
pub struct EvaluateArgs {
    /// Evaluate as of this date: only data up to it is used.
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub as_of: Option<Day>,
    /// First period end of a series (with --to and --every).
    #[arg(long, value_parser = parse_day, value_name = "DATE", requires_all = ["to", "every"])]
    pub from: Option<Day>,
    /// Last period end of a series (with --from and --every).
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub to: Option<Day>,
    /// One run per month end or per quarter end (with --from and --to).
    #[arg(long, value_enum)]
    pub every: Option<Every>,
    /// The evaluation config (default: custval.toml beside the store).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Every {
    Month,
    Quarter,
}

pub use custval_app::RunOut;

/// Reads and validates the config; returns its text and the plan.
pub fn load_plan(path: Option<&Path>, g: &Globals) -> Result<(String, custval_eval::plan::Plan)> {
    let path = path.map_or_else(|| default_config_path(&g.db), Path::to_path_buf);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{}: cannot read the evaluation config (run custval init to write the default)",
            path.display()
        )
    })?;
    let (plan, warnings) = custval_eval::from_config::plan(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if !g.quiet {
        for w in warnings {
            eprintln!("{}: warning: {w}", path.display());
        }
    }
    Ok((text, plan))
}

/// Month ends (or quarter ends) from `from` to `to`, inclusive, starting at `from`'s period.
fn period_ends(from: Day, to: Day, every: Every) -> Vec<Day> {
    let step = match every {
        Every::Month => 1,
        Every::Quarter => 3,
    };
    let (mut y, mut m, _) = custval_eval::civil(from);
    if every == Every::Quarter {
        m = m.div_ceil(3) * 3;
    }
    let mut out = Vec::new();
    loop {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let end = custval_ingest::parse::days_from_ymd(ny, nm, 1).map(|d| d - 1);
        match end {
            Some(e) if e <= to => out.push(e),
            _ => break,
        }
        m += step;
        while m > 12 {
            m -= 12;
            y += 1;
        }
    }
    out
}

/// A run's summary for the terminal; class names in the output language.
fn run_text(r: &RunOut, lang: crate::ui::Lang) -> String {
    use crate::ui::{Arg, Kind, Lang, f, name};
    let zh = lang == Lang::Zh;
    let sep = if zh { "，" } else { ", " };
    let counts = |m: &std::collections::BTreeMap<String, u64>, kind: Option<Kind>| {
        let v: Vec<String> = m
            .iter()
            .map(|(k, n)| match kind {
                Some(kind) if zh => format!("{} {n}", name(lang, kind, k)),
                _ => format!("{k} {n}"),
            })
            .collect();
        v.join(sep)
    };
    let (run, customers, seconds) = (
        r.run.to_string(),
        r.customers.to_string(),
        format!("{:.1}", r.seconds),
    );
    let tiers = counts(&r.tiers, None);
    let mut s = f(
        lang,
        "cli-run-line",
        &[
            ("run", Arg::Str(&run)),
            ("as_of", Arg::Str(&r.as_of)),
            ("customers", Arg::Str(&customers)),
            ("seconds", Arg::Str(&seconds)),
            ("tiers", Arg::Str(&tiers)),
        ],
    );
    if let Some(vc) = r.classes.get("value_class") {
        let v = counts(vc, Some(Kind::Class));
        s.push_str("\n  ");
        s.push_str(&f(
            lang,
            "cli-run-value-classes",
            &[("counts", Arg::Str(&v))],
        ));
    }
    if let Some(lc) = r.classes.get("lifecycle") {
        let v = counts(lc, Some(Kind::Lifecycle));
        s.push_str("\n  ");
        s.push_str(&f(lang, "cli-run-lifecycle", &[("counts", Arg::Str(&v))]));
    }
    if let Some(p) = r.previous_run {
        let a = if r.alerts.is_empty() {
            crate::ui::t(lang, "cli-run-no-alerts")
        } else {
            counts(&r.alerts, Some(Kind::Severity))
        };
        let (p, held) = (p.to_string(), r.tier_changes_held_back.to_string());
        s.push_str("\n  ");
        s.push_str(&f(
            lang,
            "cli-run-against",
            &[
                ("previous", Arg::Str(&p)),
                ("held", Arg::Str(&held)),
                ("alerts", Arg::Str(&a)),
            ],
        ));
    }
    for n in &r.notes {
        let n = n.render(lang);
        s.push_str("\n  ");
        s.push_str(&f(lang, "cli-run-note", &[("note", Arg::Str(&n))]));
    }
    s
}

pub fn evaluate(a: EvaluateArgs, g: &Globals) -> Result<()> {
    let (text, plan) = load_plan(a.config.as_deref(), g)?;
    let dates = match (a.as_of, a.from, a.to, a.every) {
        (Some(d), _, _, _) => vec![d],
        (None, Some(f), Some(t), Some(e)) => {
            if t < f {
                bail!("--to is before --from");
            }
            let d = period_ends(f, t, e);
            if d.is_empty() {
                bail!("no period ends between --from and --to");
            }
            d
        }
        _ => bail!("give --as-of DATE, or --from DATE --to DATE --every month|quarter"),
    };
    let (runs, latest) = block_on(async {
        let store = open(g, false).await?;
        let mut runs = Vec::new();
        for d in &dates {
            let prefix = if dates.len() > 1 {
                format!(
                    "{} {}",
                    progress::label(g, "cmd-evaluate"),
                    custval_eval::format_day(*d)
                )
            } else {
                progress::label(g, "cmd-evaluate")
            };
            let steps = progress::Steps::new(g, prefix);
            let r =
                custval_app::evaluate_one_reporting(&store, *d, &text, &plan, steps.hook()).await?;
            drop(steps);
            if !g.quiet && a.format == ReportFormat::Table && dates.len() > 1 {
                eprintln!("run {} as of {} done", r.run, r.as_of);
            }
            runs.push(r);
        }
        // "The latest run" is the latest as-of date, not the last one made (issue 17).
        let latest = pick_run(&store, None).await?;
        anyhow::Ok((runs, latest))
    })??;
    if !g.quiet {
        let latest_day = custval_eval::format_day(latest.as_of);
        if runs.iter().all(|r| r.run != latest.id) {
            let (first, last) = (&runs[0].as_of, &runs[runs.len() - 1].as_of);
            let made = if first == last {
                format!("as of {first} is")
            } else {
                format!("as of {first} … {last} are")
            };
            eprintln!(
                "warning: the run{} {made} older than run {} as of {latest_day}, which stays the \
                 latest run: alerts, customers list, customer show and the dashboard read run {} \
                 unless --run says otherwise",
                if runs.len() > 1 { "s" } else { "" },
                latest.id,
                latest.id
            );
        } else if dates.len() > 1 {
            eprintln!("the latest run is now run {} as of {latest_day}", latest.id);
        }
    }
    match (a.format, a.as_of.is_some()) {
        (ReportFormat::Json, true) => output::print_json(&runs[0]),
        (ReportFormat::Json, false) => {
            output::print_json(&serde_json::json!({ "runs": runs, "latest_run": latest.id }))
        }
        (ReportFormat::Table, _) => {
            let text: Vec<String> = runs.iter().map(|r| run_text(r, g.lang)).collect();
            output::print_text(&text.join("\n"))
        }
    }
}

// ---------------------------------------------------------------------------------------
// customers list / customer show

#[derive(Debug, clap::Subcommand)]
pub enum CustomersCommand {
    /// The customers of a run, filtered and sorted.
    List(ListArgs),
}

#[derive(Debug, clap::Subcommand)]
pub enum CustomerCommand {
    /// One customer's result, explained.
    Show(ShowArgs),
    /// Erase a customer's personal data (name, phone, e-mail); orders, runs and scores stay.
    /// Audited with the reason.
    Forget(crate::commands::privacy::ForgetArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The run (default: the latest).
    #[arg(long)]
    pub run: Option<RunId>,
    /// Only this tier (A, B or C with the default config; a manual override counts).
    #[arg(long)]
    pub tier: Option<String>,
    /// A value class, lifecycle stage, potential tier or profit-loyalty class.
    #[arg(long)]
    pub class: Option<String>,
    /// Only customers of this industry (as imported, e.g. 制造业).
    #[arg(long)]
    pub industry: Option<String>,
    /// Only customers of this owner (the `owner` column of the customers table).
    #[arg(long)]
    pub owner: Option<String>,
    /// Substring of the id or name.
    #[arg(long)]
    pub search: Option<String>,
    /// score, clv, spend_12m, customer_id or name.
    #[arg(long, default_value = "score")]
    pub sort: ResultSort,
    /// At most this many rows (default: all for files, 50 on a terminal).
    #[arg(long)]
    pub limit: Option<u64>,
    /// table, json or csv on stdout (xlsx needs --output); with --output, the file format
    /// when its extension does not say.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write every matching customer to this file (.csv, .xlsx, .json).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Lists a run's customers through the one list service the web app and the API use: the
/// same rows, tiers (overrides and provisional results applied) and export columns.
pub fn customers(c: CustomersCommand, g: &Globals) -> Result<()> {
    let CustomersCommand::List(a) = c;
    let dest = output::destination(a.format, a.output.as_deref())?;
    let to_terminal = matches!(dest, Destination::Stdout(Format::Table));
    let limit = a
        .limit
        .unwrap_or(if to_terminal { 50 } else { u64::MAX / 2 });
    let author = actor();
    let phases = progress::Phases::new(g, "customers");
    let (run, page) = block_on(async {
        let store = open(g, false).await?;
        let run = pick_run(&store, a.run).await?;
        let (id, customers) = (run.id.to_string(), num(run.customers as f64, 0));
        phases.next(
            "listing",
            progress::msg(g, "run", &[("run", &id), ("customers", &customers)]),
        );
        // An unknown tier or class is an error naming the valid ones (issue 17), checked
        // where the web API checks it.
        let query = ResultQuery {
            tier: a.tier.clone(),
            class: a.class.clone(),
            industry: a.industry.clone(),
            owner: a.owner.clone(),
            search: a.search.clone(),
            sort: a.sort,
            ..ResultQuery::default()
        };
        let lister =
            custval_app::customers::Lister::new(&store, Actor::Local(&author), run, query, today())
                .await?;
        let page = lister.page(0, limit).await?;
        // A list written to a file is an export, audited like the web app's (issue 18).
        if let Some(file) = &a.output {
            let detail = serde_json::json!({
                "file": file.display().to_string(), "rows": page.rows.len(),
                "tier": a.tier, "class": a.class, "industry": a.industry, "owner": a.owner,
                "search": a.search,
            });
            let run_name = format!("run {}", lister.run().id);
            store
                .audit(&author, "export_customers", &run_name, &detail)
                .await?;
        }
        anyhow::Ok((lister.run().clone(), page))
    })??;
    // Only a file takes long to write; the other outputs go out with the spinner gone.
    let phases = matches!(dest, Destination::File(..)).then_some(phases);
    let rows = &page.rows;
    let table = || {
        let mut t = custval_app::customers::export_table();
        t.rows = rows.iter().map(|r| r.cells()).collect();
        t
    };
    match dest {
        Destination::Stdout(Format::Json) => output::print_json(rows),
        Destination::Stdout(Format::Csv) => {
            output::print_bytes(&custval_export::csv_bytes(&table()))
        }
        Destination::Stdout(_) => output::print_text(&list_text(rows, &run, &page, g.lang)),
        Destination::File(path, tf) => {
            if let Some(p) = &phases {
                let (n, to) = (num(rows.len() as f64, 0), path.display().to_string());
                p.next(
                    "writing",
                    progress::msg(g, "rows-to", &[("rows", &n), ("path", &to)]),
                );
            }
            output::write_file(&path, tf, &table())?;
            drop(phases);
            if !g.quiet {
                eprintln!(
                    "wrote {} customers of run {} to {}",
                    rows.len(),
                    run.id,
                    path.display()
                );
            }
            Ok(())
        }
    }
}

/// The customer list as a terminal table, with what it shows of how many.
fn list_text(
    rows: &[custval_app::customers::ListRow],
    run: &custval_model::RunInfo,
    page: &custval_app::customers::ListPage,
    lang: crate::ui::Lang,
) -> String {
    use crate::ui::{Arg, Kind, Lang, f, name, t};
    let zh = lang == Lang::Zh;
    let money = |x: Option<f64>| match (zh, x) {
        (_, None) => String::new(),
        (true, Some(v)) => custval_i18n::money(lang, v),
        (false, Some(v)) => num(v, 2),
    };
    let headers: Vec<String> = [
        "cli-list-customer",
        "cli-list-name",
        "cli-list-tier",
        "cli-list-class",
        "cli-list-lifecycle",
        "cli-list-score",
        "cli-list-spend",
        "cli-list-clv",
        "cli-list-p-alive",
    ]
    .iter()
    .map(|id| t(lang, id))
    .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut text = output::text_table(
        &headers,
        rows.iter().map(|r| {
            let tier = Arg::Str(&r.tier);
            vec![
                r.customer_id.clone(),
                r.name.clone().unwrap_or_default(),
                match (&r.override_, &r.provisional) {
                    (Some(_), _) => f(lang, "cli-list-tier-override", &[("tier", tier)]),
                    (None, Some(_)) => f(lang, "cli-list-tier-provisional", &[("tier", tier)]),
                    _ => r.tier.clone(),
                },
                if zh {
                    name(lang, Kind::Class, &r.value_class)
                } else {
                    r.value_class.clone()
                },
                if zh {
                    name(lang, Kind::Lifecycle, &r.lifecycle)
                } else {
                    r.lifecycle.clone()
                },
                num(r.score, 1),
                money(r.spend_12m),
                money(r.clv),
                r.p_alive.map_or(String::new(), |v| num(v, 3)),
            ]
        }),
    );
    let (id, as_of, shown, total) = (
        run.id.to_string(),
        custval_eval::format_day(run.as_of),
        rows.len().to_string(),
        page.total.to_string(),
    );
    text.push('\n');
    text.push_str(&f(
        lang,
        "cli-list-footer",
        &[
            ("run", Arg::Str(&id)),
            ("as_of", Arg::Str(&as_of)),
            ("shown", Arg::Str(&shown)),
            ("total", Arg::Str(&total)),
        ],
    ));
    if page.provisional > 0 {
        let n = page.provisional.to_string();
        text.push('\n');
        text.push_str(&f(lang, "cli-list-provisional", &[("n", Arg::Str(&n))]));
    }
    text
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The customer id.
    pub id: String,
    /// The run (default: the latest).
    #[arg(long)]
    pub run: Option<RunId>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

pub fn customer(c: CustomerCommand, g: &Globals) -> Result<()> {
    let a = match c {
        CustomerCommand::Show(a) => a,
        CustomerCommand::Forget(f) => return crate::commands::privacy::forget(f, g),
    };
    let (shown, personal, run) = block_on(async {
        let store = open(g, false).await?;
        let run = pick_run(&store, a.run).await?;
        let shown = custval_app::customer_view(&store, &run, &a.id, today())
            .await?
            .ok_or_else(|| not_in_run(g.lang, &a.id, run.id))?;
        let personal = crate::commands::privacy::personal_of(&store, &a.id, g).await?;
        anyhow::Ok((shown, personal, run))
    })??;
    match a.format {
        // `personal`: `{"status": "available", "phone", "email"}`, `{"status": "unavailable",
        // "reason"}` or `{"status": "forgotten", "at"}`; absent without personal data.
        ReportFormat::Json => {
            let mut v = serde_json::to_value(&shown)?;
            if let (Some(p), Some(obj)) = (&personal, v.as_object_mut()) {
                obj.insert("personal".into(), serde_json::to_value(p)?);
            }
            output::print_json(&v)
        }
        ReportFormat::Table => {
            // The summary gives the Chinese of what the explanation holds in English only.
            let summary = custval_app::summary(&run).ok();
            let mut text = crate::show::text(&shown, g.lang, summary.as_ref());
            if let Some(p) = &personal {
                text.push_str(&crate::commands::privacy::text(p, g.lang));
            }
            output::print_text(&text)
        }
    }
}

/// "customer X is not in run N", in the output language.
pub fn not_in_run(lang: crate::ui::Lang, id: &str, run: RunId) -> anyhow::Error {
    use crate::ui::Arg;
    let run = run.to_string();
    anyhow::anyhow!(crate::ui::f(
        lang,
        "cli-err-not-in-run",
        &[("id", Arg::Str(id)), ("run", Arg::Str(&run))]
    ))
}

// ---------------------------------------------------------------------------------------
// report

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The run (default: the latest).
    #[arg(long)]
    pub run: Option<RunId>,
    /// FILE.html (self-contained, with charts) or FILE.xlsx.
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    /// Add a backtest to the dynamics section: rank the customers as of this date…
    #[arg(long, value_parser = parse_day, value_name = "DATE", requires = "horizon")]
    pub backtest_as_of: Option<Day>,
    /// …against the value they realized in the following days.
    #[arg(long, value_name = "DAYS", requires = "backtest_as_of", value_parser = clap::value_parser!(i32).range(1..=3660))]
    pub horizon: Option<i32>,
    /// The evaluation config for the backtest (default: custval.toml beside the store).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `--lang` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese (简体中文).
    Zh,
}

impl From<Lang> for custval_i18n::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::En => custval_i18n::Lang::En,
            Lang::Zh => custval_i18n::Lang::Zh,
        }
    }
}

pub fn report(a: ReportArgs, g: &Globals) -> Result<()> {
    if custval_report::ReportFormat::from_path(&a.output).is_none() {
        bail!("{}: the report is .html or .xlsx", a.output.display());
    }
    let backtest_plan = match a.backtest_as_of {
        Some(_) => Some(load_plan(a.config.as_deref(), g)?.1),
        None => None,
    };
    let lang = g.lang;
    let phases = progress::Phases::new(g, "report");
    let (run, results, dynamics) = block_on(async {
        let store = open(g, false).await?;
        let run = pick_run(&store, a.run).await?;
        let q = ResultQuery {
            limit: u64::MAX / 2,
            ..ResultQuery::default()
        };
        let (id, customers) = (run.id.to_string(), num(run.customers as f64, 0));
        phases.next(
            "reading-results",
            progress::msg(g, "run", &[("run", &id), ("customers", &customers)]),
        );
        let page = store.results(run.id, &q).await?;
        store
            .audit(
                "cli",
                "export_report",
                &format!("run {}", run.id),
                &serde_json::json!({"output": a.output.display().to_string()}),
            )
            .await?;
        let summary = custval_app::summary(&run)?;
        let backtest = match (a.backtest_as_of, a.horizon, &backtest_plan) {
            (Some(d), Some(h), Some(plan)) => {
                let days = h.to_string();
                phases.next("backtest", progress::msg(g, "horizon", &[("days", &days)]));
                Some(custval_app::dynamics::backtest(&store, d, h, plan, &[]).await?)
            }
            _ => None,
        };
        phases.next("runs-alerts", "");
        let dynamics = custval_app::report_data::dynamics(
            &store,
            &run,
            &summary,
            lang,
            today(),
            backtest.as_ref(),
        )
        .await?;
        anyhow::Ok((run, page.results, dynamics))
    })??;
    let customers = num(results.len() as f64, 0);
    phases.next(
        "building",
        progress::msg(g, "customers", &[("customers", &customers)]),
    );
    let summary = custval_app::summary(&run)?;
    let playbooks =
        custval_eval::from_config::playbook_lines(&run.config, lang == custval_i18n::Lang::Zh);
    let mut data = custval_app::report_data::build(&run, &summary, &results, &playbooks, lang);
    data.dynamics = dynamics;
    phases.next("writing", a.output.display().to_string());
    custval_report::write_report(&data, &a.output)
        .with_context(|| format!("writing {}", a.output.display()))?;
    drop(phases);
    if !g.quiet {
        eprintln!(
            "wrote the report of run {} ({} customers) to {}",
            run.id,
            results.len(),
            a.output.display()
        );
    }
    Ok(())
}
