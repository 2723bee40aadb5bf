//! `custval user list|passwd`, `custval token create|list|revoke` and `custval audit`: who may
//! use the web app and the API, and what they did (issue 18).
//!
//! Secrets appear once, on stdout, and only when this command made them: a generated password,
//! a new token. Lists never show a token or its hash. Every change is audited as
//! `cli:<OS user>` (the store records the same as the entry's source).

use std::io::BufRead;

use anyhow::{Context, Result, bail};
use custval_store::prelude::*;
use custval_store::{AuditQuery, TOKEN_DEFAULT_DAYS, TokenInfo, parse_token_lifetime};

use crate::Globals;
use crate::commands::session::{self, actor};
use crate::output::{self, ReportFormat, text_table};

/// A password from the first line of stdin (`--password-stdin`), or a generated one; true
/// when generated (the caller prints it once).
pub fn read_or_generate_password(from_stdin: bool) -> Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        if p.chars().count() < custval_store::MIN_PASSWORD_CHARS {
            bail!(
                "the password must have at least {} characters",
                custval_store::MIN_PASSWORD_CHARS
            );
        }
        Ok((p, false))
    } else {
        let p = custval_web::random_password()
            .context("the operating system gave no random numbers for a password")?;
        Ok((p, true))
    }
}

/// An RFC 3339 UTC time as `YYYY-MM-DD HH:MM` (UTC), a dash for none.
fn when(t: Option<&str>) -> String {
    match t {
        Some(t) if t.len() >= 16 => format!("{} {}", &t[..10], &t[11..16]),
        Some(t) => t.to_string(),
        None => "-".to_string(),
    }
}

#[derive(Debug, clap::Args)]
pub struct UserListArgs {
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

/// Lists the users: name, role, owner id, created, whether they have a password.
pub fn user_list(a: UserListArgs, g: &Globals) -> Result<()> {
    let users = session::block_on(async {
        let store = session::open(g, false).await?;
        anyhow::Ok(store.users().await?)
    })??;
    match a.format {
        ReportFormat::Json => {
            let v: Vec<serde_json::Value> = users
                .iter()
                .map(|u| {
                    serde_json::json!({
                        "name": u.name,
                        "role": u.role.as_str(),
                        "owner_id": u.owner_id,
                        "created_at": u.created_at,
                        "has_password": u.has_password,
                    })
                })
                .collect();
            output::print_json(&v)
        }
        ReportFormat::Table => {
            if users.is_empty() {
                if !g.quiet {
                    eprintln!("no users yet: custval user add NAME --role admin");
                }
                return Ok(());
            }
            output::print_text(&text_table(
                &["name", "role", "owner", "created", "password"],
                users.iter().map(|u| {
                    vec![
                        u.name.clone(),
                        u.role.as_str().to_string(),
                        u.owner_id.clone().unwrap_or_else(|| "-".into()),
                        when(Some(&u.created_at)),
                        if u.has_password {
                            "yes"
                        } else {
                            "no (tokens only)"
                        }
                        .to_string(),
                    ]
                }),
            ))
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct UserPasswdArgs {
    /// The user name.
    pub name: String,
    /// Read the new password from the first line of stdin instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Sets a user's password (generated and printed once unless read from stdin); their web
/// sessions opened before end at their next request.
pub fn user_passwd(a: UserPasswdArgs, g: &Globals) -> Result<()> {
    let (password, generated) = read_or_generate_password(a.password_stdin)?;
    session::block_on(async {
        let store = session::open(g, false).await?;
        store.set_password(&a.name, &password, &actor()).await?;
        anyhow::Ok(())
    })??;
    if generated {
        output::print_text(&password)?;
    }
    if !g.quiet {
        eprintln!(
            "changed the password of {}; their web sessions end at their next request",
            a.name
        );
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct TokenCreateArgs {
    /// The user the token acts as.
    #[arg(long)]
    pub user: String,
    /// Lifetime: days (90d) or weeks (12w), at most 365 days. Tokens always expire.
    #[arg(long, value_name = "Nd|Nw", default_value = "90d", value_parser = parse_token_lifetime)]
    pub expires: u32,
}

/// Creates a token and prints it on stdout (shown once; only its SHA-256 is stored).
pub fn token_create(a: TokenCreateArgs, g: &Globals) -> Result<()> {
    let new = session::block_on(async {
        let store = session::open(g, false).await?;
        anyhow::Ok(store.create_token_for(&a.user, a.expires, &actor()).await?)
    })??;
    output::print_text(&new.token)?;
    if !g.quiet {
        eprintln!(
            "token {} for {}, expires {} UTC{} (revoke: custval token revoke {})",
            new.info.id,
            new.info.user,
            when(new.info.expires_at.as_deref()),
            if a.expires == TOKEN_DEFAULT_DAYS {
                " (the default 90 days; --expires to change)"
            } else {
                ""
            },
            new.info.id
        );
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct TokenListArgs {
    /// Only this user's tokens.
    #[arg(long)]
    pub user: Option<String>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

/// Lists tokens, newest first: id, user, created, expires, last used, status (never the token).
pub fn token_list(a: TokenListArgs, g: &Globals) -> Result<()> {
    let tokens: Vec<TokenInfo> = session::block_on(async {
        let store = session::open(g, false).await?;
        if let Some(u) = &a.user
            && store.user(u).await?.is_none()
        {
            bail!("unknown user {u:?} (see custval user list)");
        }
        anyhow::Ok(store.tokens(a.user.as_deref()).await?)
    })??;
    match a.format {
        ReportFormat::Json => output::print_json(&tokens),
        ReportFormat::Table => {
            if tokens.is_empty() {
                if !g.quiet {
                    eprintln!("no tokens");
                }
                return Ok(());
            }
            output::print_text(&text_table(
                &["id", "user", "created", "expires", "last used", "status"],
                tokens.iter().map(|t| {
                    vec![
                        t.id.to_string(),
                        t.user.clone(),
                        when(Some(&t.created_at)),
                        t.expires_at
                            .as_deref()
                            .map_or_else(|| "never".into(), |e| when(Some(e))),
                        when(t.last_used_at.as_deref()),
                        t.status.as_str().to_string(),
                    ]
                }),
            ))
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct TokenRevokeArgs {
    /// The token's id (see `custval token list`).
    pub id: i64,
}

/// Revokes a token: the API refuses it from the next request.
pub fn token_revoke(a: TokenRevokeArgs, g: &Globals) -> Result<()> {
    let done = session::block_on(async {
        let store = session::open(g, false).await?;
        anyhow::Ok(store.revoke_token(a.id, &actor()).await?)
    })??;
    if !g.quiet {
        if done {
            eprintln!("revoked token {}", a.id);
        } else {
            eprintln!("token {} was already revoked", a.id);
        }
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The latest N entries.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: u64,
    /// Only actions containing this text (e.g. login, token, override, export).
    #[arg(long, value_name = "A")]
    pub action: Option<String>,
    /// Only this actor (a user name, or cli:<OS user>).
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

/// The audit log, newest first: when, who, what, which, from where, details.
pub fn audit(a: AuditArgs, g: &Globals) -> Result<()> {
    let q = AuditQuery {
        limit: a.limit,
        action: a.action,
        actor: a.actor,
    };
    let log = session::block_on(async {
        let store = session::open(g, false).await?;
        anyhow::Ok(store.audit_query(&q).await?)
    })??;
    match a.format {
        ReportFormat::Json => output::print_json(&log),
        ReportFormat::Table => {
            if log.is_empty() {
                if !g.quiet {
                    eprintln!("no audit entries match");
                }
                return Ok(());
            }
            output::print_text(&text_table(
                &["at (UTC)", "actor", "action", "subject", "from", "detail"],
                log.iter().map(|e| {
                    let mut detail = e.detail.to_string();
                    if detail.chars().count() > 60 {
                        detail = detail.chars().take(59).collect::<String>() + "…";
                    }
                    vec![
                        e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
                        e.actor.clone(),
                        e.action.clone(),
                        e.subject.clone(),
                        if e.source.is_empty() {
                            "-".into()
                        } else {
                            e.source.clone()
                        },
                        detail,
                    ]
                }),
            ))
        }
    }
}
