//! The `custval` binary: argument parsing, progress, output formats and exit codes.
//!
//! This is the edge of the system. Each subcommand turns its clap arguments into plain calls
//! on the library crates (`custval-ingest` reads, `custval-segment`, `custval-weights` and
//! `custval-clv` compute, `custval-export` writes); no computation lives here. Errors from the
//! libraries are typed; this binary alone flattens them with `anyhow` into one line on stderr
//! and exit status 1 (clap's usage errors exit 2).
//!
//! Output conventions (README.md, "Conventions" of the CLI contract): `--format json` prints exactly one JSON
//! document on stdout; everything for humans (progress bars, notes, warnings) goes to stderr.

mod commands;
mod input;
mod output;
mod progress;
mod show;
mod ui;

use std::process::ExitCode;

/// Commands allocate one small string or row per customer, from several threads at once;
/// mimalloc serves that pattern markedly faster than the system allocator (see
/// benchmarks/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

/// Customer value evaluation and key-account management (客户价值评估与大客户管理).
#[derive(Debug, Parser)]
#[command(
    name = "custval",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("CUSTVAL_COMMIT"), ")"),
    about,
    long_about = None,
    max_term_width = 100
)]
struct Cli {
    /// The store: a SQLite file path or a postgres:// URL.
    #[arg(
        long,
        global = true,
        default_value = "custval.db",
        value_name = "PATH|URL"
    )]
    db: String,

    /// Only errors on stderr (no progress bars or notes).
    #[arg(long, short, global = true)]
    quiet: bool,

    /// Language of what people read (tables, notes, errors, reports): en or zh. Default:
    /// `[ui] lang` of custval.toml beside the store, else en. JSON and CSV keep their ids.
    #[arg(long, global = true, value_enum, value_name = "en|zh")]
    lang: Option<commands::workspace::Lang>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a realistic synthetic company (customers, orders, costs, …) to a folder.
    Generate(commands::generate::Args),
    /// RFM scores and segments per customer from a transactions file.
    Rfm(commands::rfm::Args),
    /// ABC (Pareto) classes by cumulative share of value.
    Abc(commands::abc::Args),
    /// Indicator weights: AHP, entropy, CRITIC.
    #[command(subcommand)]
    Weights(commands::weights::Command),
    /// Rank alternatives (customers) on several indicators.
    #[command(subcommand)]
    Rank(commands::weights::RankCommand),
    /// Generate a demo company and run the analysis on it.
    Demo(commands::demo::Args),
    /// Customer lifetime value models: fit, predict, summarize transactions.
    #[command(subcommand)]
    Clv(commands::clv::Command),
    /// Create the store (--db) and the default evaluation config custval.toml.
    Init(commands::workspace::InitArgs),
    /// Import a table (transactions, customers, costs, …) into the store.
    Import(commands::import::Args),
    /// Evaluate every customer as of a date (or a series of dates) and store the run.
    Evaluate(commands::workspace::EvaluateArgs),
    /// Serve the web app (dashboard, customers, API) on the store.
    Serve(commands::serve::ServeArgs),
    /// Users of the web app and API.
    #[command(subcommand)]
    User(commands::serve::UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(commands::serve::TokenCommand),
    /// List the customers of a run.
    #[command(subcommand)]
    Customers(commands::workspace::CustomersCommand),
    /// One customer's result, explained.
    #[command(subcommand)]
    Customer(commands::workspace::CustomerCommand),
    /// Write a run's report: self-contained HTML with charts, or an Excel workbook.
    Report(commands::workspace::ReportArgs),
    /// Every evaluation run: tiers, alerts, hysteresis and CLV calibration over time.
    Runs(commands::dynamics::RunsArgs),
    /// Tier migration matrix between two runs (counts and value share).
    Migrations(commands::dynamics::MigrationsArgs),
    /// Alerts a run raised against the previous run; acknowledge or deliver them.
    Alerts(commands::dynamics::AlertsArgs),
    /// Override a customer's tier with a reason (audited), or clear the override.
    Override(commands::dynamics::OverrideArgs),
    /// A key account's plan: SWOT, goals, actions, with suggestions from the data.
    #[command(subcommand)]
    Plan(commands::plan::PlanCommand),
    /// Class KPIs between two runs, and the effect of a strategy on the customers it treated.
    Kpis(commands::dynamics::KpisArgs),
    /// How well the score, RFM and CLV at a date ranked the value realized afterwards.
    Backtest(commands::dynamics::BacktestArgs),
    /// The audit log: who did what, when and from where (logins, overrides, exports, …).
    Audit(commands::access::AuditArgs),
    /// A consistent copy of the SQLite store (safe while others use it).
    Backup(commands::workspace::BackupArgs),
    /// Print shell completions: `custval completions bash > ~/.local/share/bash-completion/completions/custval`.
    Completions(CompletionsArgs),
}

#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Writes the completion script for `shell` to stdout, from the same clap definition that
/// parses the arguments (so completions never drift from the commands).
fn completions(a: CompletionsArgs) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(a.shell, &mut cmd, "custval", &mut out);
    std::io::Write::flush(&mut out)?;
    Ok(())
}

/// What every command gets besides its own arguments.
pub struct Globals {
    pub db: String,
    pub quiet: bool,
    /// The language of human-facing output (see `ui::settings`).
    pub lang: ui::Lang,
}

fn main() -> ExitCode {
    // A panic is a bug; still, the user gets one line and no backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("custval: internal error: {msg} (please report this)");
    }));
    let cli = Cli::parse();
    // sqlx warns about every statement over a second; on a million rows that is expected.
    let filter = if cli.quiet {
        "error"
    } else {
        "warn,sqlx=error"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CUSTVAL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter)),
        )
        .with_writer(std::io::stderr)
        .without_time()
        .init();
    custval_store::set_default_audit_source(commands::session::actor());
    let (lang, currency) = match ui::settings(&cli.db, cli.lang.map(Into::into)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("custval: {}", one_line(&e));
            return ExitCode::from(1);
        }
    };
    custval_i18n::set_currency(currency);
    let g = Globals {
        db: cli.db,
        quiet: cli.quiet,
        lang,
    };
    let result = match cli.command {
        Command::Generate(a) => commands::generate::run(a, &g),
        Command::Rfm(a) => commands::rfm::run(a, &g),
        Command::Abc(a) => commands::abc::run(a, &g),
        Command::Weights(c) => commands::weights::run(c, &g),
        Command::Rank(c) => commands::weights::run_rank(c, &g),
        Command::Demo(a) => commands::demo::run(a, &g),
        Command::Clv(c) => commands::clv::run(c, &g),
        Command::Init(a) => commands::workspace::init(a, &g),
        Command::Import(a) => commands::workspace::import(a, &g),
        Command::Evaluate(a) => commands::workspace::evaluate(a, &g),
        Command::Serve(a) => commands::serve::serve(a, &g),
        Command::User(c) => commands::serve::user(c, &g),
        Command::Token(c) => commands::serve::token(c, &g),
        Command::Customers(c) => commands::workspace::customers(c, &g),
        Command::Customer(c) => commands::workspace::customer(c, &g),
        Command::Report(a) => commands::workspace::report(a, &g),
        Command::Runs(a) => commands::dynamics::runs(a, &g),
        Command::Migrations(a) => commands::dynamics::migrations(a, &g),
        Command::Alerts(a) => commands::dynamics::alerts(a, &g),
        Command::Override(a) => commands::dynamics::override_tier(a, &g),
        Command::Kpis(a) => commands::dynamics::kpis(a, &g),
        Command::Plan(c) => commands::plan::run(c, &g),
        Command::Backtest(a) => commands::dynamics::backtest(a, &g),
        Command::Completions(a) => completions(a),
        Command::Backup(a) => commands::workspace::backup(a, &g),
        Command::Audit(a) => commands::access::audit(a, &g),
    };
    // Every store the command opened is closed, its WAL checkpointed into the file.
    commands::session::close_opened();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let line = ui::error_line(lang, &e).unwrap_or_else(|| one_line(&e));
            eprintln!("custval: {line}");
            ExitCode::from(1)
        }
    }
}

/// The error and its causes on one line, without repeating a cause already in the message.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every argument of every subcommand, path first, that has no help text (issue 21: a new
    /// user reads `--help` before anything else).
    fn undocumented(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            let has_help = arg
                .get_help()
                .is_some_and(|h| !h.to_string().trim().is_empty());
            if !has_help {
                out.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            if sub.get_about().is_none() {
                out.push(format!("{path} {} (the subcommand)", sub.get_name()));
            }
            undocumented(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn every_argument_has_help_text() {
        let cmd = super::Cli::command();
        let mut missing = Vec::new();
        undocumented(&cmd, "custval", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:#?}");
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
