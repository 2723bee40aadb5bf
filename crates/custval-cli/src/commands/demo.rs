//! `custval demo`: the whole journey on a generated company — generate, create a workspace,
//! import every table, evaluate, write the report — and how to continue.
//!
//! Everything lives in the demo folder (`custval-demo/` by default): the generated files, the
//! store `custval.db`, the config `custval.toml` and the reports, so that a demo never touches
//! a real workspace in the current directory. Running it again starts the demo store afresh
//! (only in a folder the generator made, recognized by its `truth.csv`). With `--serve` it
//! then adds demo users (admin, manager, sales) with random passwords, prints them, and
//! serves the web app on the demo store.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use custval_store::prelude::*;

use crate::Globals;
use crate::commands::import::{self, Table};
use crate::commands::{generate, workspace};
use crate::input::InputOpts;
use crate::output::ReportFormat;
use crate::ui::{Arg, Lang, f, t};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Customers in the demo company.
    #[arg(long, default_value_t = 2_000)]
    pub customers: u64,
    /// Where the generated files, the store and the report go.
    #[arg(long, default_value = "custval-demo", value_name = "DIR")]
    pub dir: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Months of history.
    #[arg(long, default_value_t = 36)]
    pub months: u32,
    /// Then serve the web app on the demo store, with demo users (printed passwords).
    #[arg(long)]
    pub serve: bool,
    /// Address for --serve.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,
    /// Start afresh even when the demo store holds account plans or tier overrides that
    /// someone saved (they are lost).
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args, g: &Globals) -> Result<()> {
    let db = a.dir.join("custval.db");
    remove_demo_store(&a.dir, &db, a.force, g.lang)?;
    let note = |s: String| {
        if !g.quiet {
            eprintln!("{s}");
        }
    };
    let (lang, dir, customers) = (g.lang, a.dir.display().to_string(), a.customers.to_string());
    note(f(
        lang,
        "cli-demo-generate",
        &[("customers", Arg::Str(&customers)), ("dir", Arg::Str(&dir))],
    ));
    let summary = generate::generate(
        &generate::Args {
            customers: a.customers,
            seed: a.seed,
            months: a.months,
            end_date: None,
            output: a.dir.clone(),
            format: generate::FileFormat::Csv,
        },
        g,
    )?;
    let dg = Globals {
        db: db.display().to_string(),
        quiet: true,
        lang: g.lang,
    };
    let dbs = db.display().to_string();
    note(f(lang, "cli-demo-init", &[("db", Arg::Str(&dbs))]));
    workspace::init(workspace::InitArgs { force: true }, &dg)?;
    if lang == Lang::Zh {
        // A demo run in Chinese makes a Chinese workspace: later commands read [ui] lang.
        let cfg = a.dir.join("custval.toml");
        let text = std::fs::read_to_string(&cfg)?.replacen("\nlang = \"en\"", "\nlang = \"zh\"", 1);
        custval_export::write_bytes_atomic(&cfg, text.as_bytes())?;
    }
    note(t(lang, "cli-demo-import"));
    import_all(&a.dir, &dg)?;
    let as_of = custval_ingest::parse::parse_date(&summary.end_date.to_string())
        .ok_or_else(|| anyhow::anyhow!("the generator's end date is not a date"))?;
    // A year of quarterly runs, so that migrations, alerts and hysteresis have history.
    let year_before = as_of - 364;
    let end = summary.end_date.to_string();
    note(f(lang, "cli-demo-evaluate", &[("end", Arg::Str(&end))]));
    workspace::evaluate(
        workspace::EvaluateArgs {
            as_of: None,
            from: Some(year_before),
            to: Some(as_of),
            every: Some(workspace::Every::Quarter),
            config: None,
            format: ReportFormat::Table,
        },
        &dg,
    )?;
    note(t(lang, "cli-demo-reports"));
    let (report, report_zh) = write_reports(&a.dir, &dg, year_before)?;
    let hints = hints(&dg, &dbs, year_before)?;
    let (report, report_zh, config) = (
        report.display().to_string(),
        report_zh.display().to_string(),
        a.dir.join("custval.toml").display().to_string(),
    );
    let journey = crate::output::print_text(&format!(
        "\n{}\n{}\n{}\n {}\n  {}\n{}",
        f(
            lang,
            "cli-demo-report",
            &[("en", Arg::Str(&report)), ("zh", Arg::Str(&report_zh))]
        ),
        f(lang, "cli-demo-continue", &[("db", Arg::Str(&dbs))]),
        t(lang, "cli-demo-install"),
        t(lang, "cli-demo-install-else"),
        hints.join("\n  "),
        f(lang, "cli-demo-edit", &[("config", Arg::Str(&config))]),
    ));
    if !a.serve {
        return journey;
    }
    journey?;
    serve_demo(&a, &dg, g)
}

/// Removes the demo store of an earlier run (its WAL files too), refusing to touch a store in
/// a folder the generator did not make, or (without `force`) one holding work someone saved.
fn remove_demo_store(dir: &Path, db: &Path, force: bool, lang: Lang) -> Result<()> {
    if db.exists() {
        if !dir.join("truth.csv").exists() {
            bail!(
                "{} holds a store that the demo did not make; choose another --dir",
                dir.display()
            );
        }
        if !force {
            refuse_if_saved_work(dir, db, lang)?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", db.display()));
            if p.exists() {
                std::fs::remove_file(&p)?;
            }
        }
    }
    Ok(())
}

/// Plans and overrides are what people type into a demo (the generated data comes back
/// with the seed): a new demo would erase them, so it stops and says how to keep them.
fn refuse_if_saved_work(dir: &Path, db: &Path, lang: Lang) -> Result<()> {
    let g = Globals {
        db: db.display().to_string(),
        quiet: true,
        lang: crate::ui::Lang::En,
    };
    let saved = workspace::block_on(saved_work(&g))?.with_context(|| {
        format!(
            "cannot read the demo store {} to check it for saved plans and overrides \
             (--force starts the demo afresh anyway)",
            db.display()
        )
    })?;
    // Stores opened for the check are closed before the file is removed.
    crate::commands::session::close_opened();
    let (plans, overrides) = saved;
    if plans == 0 && overrides == 0 {
        return Ok(());
    }
    let (dir, db) = (dir.display().to_string(), db.display().to_string());
    bail!(f(
        lang,
        "cli-demo-refuse",
        &[
            ("dir", Arg::Str(&dir)),
            ("plans", Arg::Num(plans as f64)),
            ("overrides", Arg::Num(overrides as f64)),
            ("db", Arg::Str(&db)),
        ],
    ))
}

/// The account plans and the overrides in force in an existing demo store. Plans are found
/// through the audit log (every save is audited, and the log is append-only), each checked to
/// be still there (`customer forget` erases a plan).
async fn saved_work(g: &Globals) -> Result<(usize, usize)> {
    let store = workspace::open(g, false).await?;
    let overrides = store.active_overrides(workspace::today()).await?.len();
    let saves = store
        .audit_query(&custval_store::AuditQuery {
            limit: u64::MAX / 2,
            action: Some("save_account_plan".into()),
            actor: None,
        })
        .await?;
    let customers: std::collections::BTreeSet<String> =
        // The log names the subject "customer ID".
        saves
            .into_iter()
            .map(|e| match e.subject.strip_prefix("customer ") {
                Some(id) => id.to_string(),
                None => e.subject,
            })
            .collect();
    let mut plans = 0;
    for c in &customers {
        if store.account_plan(c).await?.is_some() {
            plans += 1;
        }
    }
    Ok((plans, overrides))
}

/// Imports every generated table into the demo store.
fn import_all(dir: &Path, dg: &Globals) -> Result<()> {
    for (table, file) in [
        (Table::Customers, "customers.csv"),
        (Table::Transactions, "transactions.csv"),
        (Table::Costs, "costs.csv"),
        (Table::Interactions, "interactions.csv"),
        (Table::Surveys, "surveys.csv"),
        (Table::Contracts, "contracts.csv"),
        (Table::Payments, "payments.csv"),
    ] {
        workspace::import(
            import::Args {
                table,
                file: dir.join(file),
                map: Vec::new(),
                input: InputOpts {
                    encoding: custval_ingest::EncodingChoice::Auto,
                    sheet: None,
                    delimiter: None,
                    quarantine: None,
                    strict: false,
                },
                format: ReportFormat::Table,
                // No run exists yet: nothing to update provisionally.
                no_update: true,
            },
            dg,
        )?;
    }
    Ok(())
}

/// Writes the English and Chinese reports; returns their paths.
fn write_reports(dir: &Path, dg: &Globals, year_before: i32) -> Result<(PathBuf, PathBuf)> {
    let report = dir.join("report.html");
    let report_zh = dir.join("report-zh.html");
    for (path, lang) in [
        (&report, crate::ui::Lang::En),
        (&report_zh, crate::ui::Lang::Zh),
    ] {
        workspace::report(
            workspace::ReportArgs {
                run: None,
                output: path.clone(),
                // How well the rankings of a year ago ordered the year that followed.
                backtest_as_of: Some(year_before),
                horizon: Some(364),
                config: None,
            },
            &Globals {
                db: dg.db.clone(),
                quiet: dg.quiet,
                lang,
            },
        )?;
    }
    Ok((report, report_zh))
}

/// The commands to try next. They work as typed: the real run ids and the top customer.
fn hints(dg: &Globals, dbs: &str, year_before: i32) -> Result<Vec<String>> {
    let (first_run, last_run, top) = workspace::block_on(async {
        use custval_store::RunStore;
        let store = workspace::open(dg, false).await?;
        let runs = store.runs().await?;
        let top = match runs.iter().max_by_key(|r| (r.as_of, r.id)) {
            Some(latest) => store
                .results(
                    latest.id,
                    &custval_store::ResultQuery {
                        limit: 1,
                        ..Default::default()
                    },
                )
                .await?
                .results
                .into_iter()
                .next()
                .map(|r| r.customer_id),
            None => None,
        };
        let first = runs.iter().map(|r| r.id).min();
        let last = runs.iter().map(|r| r.id).max();
        anyhow::Ok((first, last, top))
    })??;
    let mut hints = vec![format!("custval --db {dbs} customers list --tier A")];
    if let Some(id) = &top {
        hints.push(format!("custval --db {dbs} customer show {id}"));
    }
    hints.push(format!(
        "custval --db {dbs} customers list --class secondary --output secondary.xlsx"
    ));
    hints.push(format!("custval --db {dbs} runs"));
    hints.push(format!("custval --db {dbs} alerts --severity critical"));
    if let (Some(f), Some(l)) = (first_run, last_run) {
        hints.push(format!("custval --db {dbs} migrations --from {f} --to {l}"));
    }
    hints.push(format!(
        "custval --db {dbs} backtest --as-of {} --horizon 364",
        custval_eval::format_day(year_before)
    ));
    Ok(hints)
}

/// Demo users, one per role that a first visit needs: the admin, a manager and a sales
/// representative who owns the key accounts of `rep01`.
const DEMO_USERS: [(&str, custval_store::Role, Option<&str>); 3] = [
    ("admin", custval_store::Role::Admin, None),
    ("manager", custval_store::Role::Manager, None),
    ("sales", custval_store::Role::Sales, Some("rep01")),
];

/// Creates the demo users with random passwords, prints them, and serves the demo store.
fn serve_demo(a: &Args, dg: &Globals, g: &Globals) -> Result<()> {
    let mut lines = vec!["\nWeb app users (passwords are random, shown once):".to_string()];
    for (name, role, owner) in DEMO_USERS {
        let password = custval_web::random_password()
            .ok_or_else(|| anyhow::anyhow!("the operating system gave no random numbers"))?;
        crate::commands::serve::add_user(dg, name, role, owner, &password)?;
        lines.push(format!(
            "  {name:<8} {password}  ({role}{})",
            owner
                .map(|o| format!(", sees customers of {o}"))
                .unwrap_or_default()
        ));
    }
    crate::output::print_text(&lines.join("\n"))?;
    let sg = Globals {
        db: dg.db.clone(),
        quiet: g.quiet,
        lang: g.lang,
    };
    crate::commands::serve::serve(
        crate::commands::serve::ServeArgs {
            listen: a.listen.clone(),
            secure_cookies: false,
        },
        &sg,
    )
}
