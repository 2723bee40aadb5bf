//! `custval serve`, `custval user` and `custval token`: the web app on the store, and its
//! users (the user and token subcommands beyond `user add` are in `access.rs`).
//!
//! `serve` prints the URL as the first line on stdout (so that scripts and tests can read
//! the port chosen for `--listen 127.0.0.1:0`), then serves until Ctrl-C or SIGTERM, letting
//! requests in flight finish. Passwords are never taken from the command line, where other
//! users of the machine could read them: `--password-stdin` reads one line, otherwise a
//! random password is generated and printed once.

use std::io::Write;

use anyhow::{Context, Result, bail};
use custval_store::Role;
use custval_store::prelude::*;

use crate::Globals;
use crate::commands::{access, session};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,
    /// Mark cookies Secure: set when users reach the app over HTTPS (e.g. behind a TLS proxy).
    #[arg(long)]
    pub secure_cookies: bool,
}

/// Serves the web app on the store until stopped.
pub fn serve(a: ServeArgs, g: &Globals) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(serve_async(a, g))
}

pub async fn serve_async(a: ServeArgs, g: &Globals) -> Result<()> {
    let store = session::open(g, false).await?;
    let first_admin = if store.users().await?.is_empty() {
        Some(first_admin_hint(&g.db, g.lang))
    } else {
        None
    };
    let listener = tokio::net::TcpListener::bind(&a.listen)
        .await
        .with_context(|| format!("cannot listen on {}", a.listen))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    // Listen for SIGTERM before anyone can learn the URL: a supervisor (or a test) that stops
    // the server as soon as it is up must get a clean stop, not the default kill.
    let stop = shutdown_signal();
    // Notes first, then the URL: whoever reads the URL line may stop the server at once.
    if !g.quiet {
        if let Some(hint) = &first_admin {
            eprintln!("{hint}");
        }
        eprintln!("serving {} on http://{addr}/ (Ctrl-C to stop)", g.db);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "http://{addr}/")?;
    out.flush()?;
    drop(out);
    let options = custval_web::Options {
        secure_cookies: a.secure_cookies,
        ..Default::default()
    };
    custval_web::launch_with_listener(store, listener, options, stop).await?;
    if !g.quiet {
        eprintln!("stopped");
    }
    Ok(())
}

/// What to do on a store with no users yet: nobody can sign in until an admin exists. The
/// command names the store when it is not the default one, so it can be pasted as is.
pub fn first_admin_hint(db: &str, lang: crate::ui::Lang) -> String {
    let db_arg = match db {
        "custval.db" => String::new(),
        _ if db.contains(char::is_whitespace) => format!("--db '{db}' "),
        _ => format!("--db {db} "),
    };
    format!(
        "{}\n  custval {db_arg}user add NAME --role admin",
        crate::ui::t(lang, "cli-serve-no-users")
    )
}

/// Completes on Ctrl-C or SIGTERM. The SIGTERM handler is installed when this is called, not
/// when the future is first polled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async move {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user of the web app and API.
    Add(UserAddArgs),
    /// List the users: name, role, owner id, created, whether they can log in.
    List(access::UserListArgs),
    /// Set a user's password (generated and printed once, or --password-stdin); their web
    /// sessions end.
    Passwd(access::UserPasswdArgs),
}

#[derive(Debug, clap::Args)]
pub struct UserAddArgs {
    /// The user name (login).
    pub name: String,
    /// admin (everything), analyst (runs, config, all customers), manager (all customers,
    /// overrides, alerts) or sales (only the customers they own).
    #[arg(long, value_name = "admin|analyst|manager|sales")]
    pub role: String,
    /// For sales users: the `owner` value of the customers they own.
    #[arg(long, value_name = "OWNER")]
    pub owner_id: Option<String>,
    /// Read the password from the first line of stdin instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Adds, lists or changes users; prints a generated password on stdout once.
pub fn user(c: UserCommand, g: &Globals) -> Result<()> {
    let a = match c {
        UserCommand::Add(a) => a,
        UserCommand::List(a) => return access::user_list(a, g),
        UserCommand::Passwd(a) => return access::user_passwd(a, g),
    };
    let role: Role = a.role.parse()?;
    if role == Role::Sales && a.owner_id.is_none() {
        bail!("a sales user sees only their own customers: give --owner-id OWNER");
    }
    let (password, generated) = access::read_or_generate_password(a.password_stdin)?;
    let user = add_user(g, &a.name, role, a.owner_id.as_deref(), &password)?;
    if generated {
        crate::output::print_text(&password)?;
    }
    if !g.quiet {
        eprintln!(
            "added user {} ({}{})",
            user.name,
            user.role,
            user.owner_id
                .as_deref()
                .map(|o| format!(", owner {o}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// Adds a user to the store and audits it.
pub fn add_user(
    g: &Globals,
    name: &str,
    role: Role,
    owner: Option<&str>,
    password: &str,
) -> Result<custval_store::User> {
    session::block_on(async {
        let store = session::open(g, false).await?;
        let user = store.add_user(name, role, owner, Some(password)).await?;
        store
            .audit(
                &session::actor(),
                "add_user",
                name,
                &serde_json::json!({"role": role.as_str(), "owner_id": owner}),
            )
            .await?;
        anyhow::Ok(user)
    })?
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (shown once; only its hash is stored).
    Create(access::TokenCreateArgs),
    /// List API tokens: id, user, created, expires, last used, status (never the token).
    List(access::TokenListArgs),
    /// Revoke an API token by id: the API refuses it from the next request.
    Revoke(access::TokenRevokeArgs),
}

pub fn token(c: TokenCommand, g: &Globals) -> Result<()> {
    match c {
        TokenCommand::Create(a) => access::token_create(a, g),
        TokenCommand::List(a) => access::token_list(a, g),
        TokenCommand::Revoke(a) => access::token_revoke(a, g),
    }
}
