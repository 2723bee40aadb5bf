//! Privacy at rest on the command line: finding the store's key when a store is opened,
//! `custval init` creating the key file, and `custval customer forget`.
//!
//! The key comes from `CUSTVAL_KEY`, from the file `CUSTVAL_KEY_FILE` names, or from the key
//! file beside the store (`custval.key` for `custval.db`). `init` creates that file (0600) when
//! the environment names no key: a demanding user gets encryption without a step to forget,
//! and the note tells them to back the key up apart from the store. Every other command only
//! uses a key it finds: it never makes one, so a lost key cannot be silently replaced by a new
//! one (the store remembers its key's id and refuses to seal anything with another).

use anyhow::{Context, Result};

use custval_store::prelude::*;
use custval_store::{Personal, SqliteStore};

use crate::Globals;
use crate::commands::session::{actor, block_on, open};
use crate::output::{self, ReportFormat};

#[derive(Debug, clap::Args)]
pub struct ForgetArgs {
    /// The customer whose personal data to erase.
    pub id: String,
    /// Why (the request it answers); recorded in the audit log.
    #[arg(long)]
    pub reason: String,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

/// `custval customer forget ID --reason TEXT`: erases the customer's personal data (name,
/// phone, e-mail, their copies in runs and alerts, the account plan), keeps the orders, runs
/// and scores, and audits the request.
pub fn forget(a: ForgetArgs, g: &Globals) -> Result<()> {
    if a.reason.trim().is_empty() {
        anyhow::bail!("--reason must say why (the request it answers): it goes to the audit log");
    }
    let done = block_on(async {
        let store = open(g, false).await?;
        store
            .forget_customer(&a.id, a.reason.trim(), &actor())
            .await
            .with_context(|| format!("forgetting customer {:?}", a.id))
    })??;
    match a.format {
        ReportFormat::Json => output::print_json(&done),
        ReportFormat::Table if done.already => output::print_text(&format!(
            "customer {} was already forgotten on {}; nothing left to erase (request audited)",
            done.customer_id, done.at
        )),
        ReportFormat::Table => output::print_text(&format!(
            "forgot customer {}: erased {}; orders, runs and scores kept (audited)",
            done.customer_id,
            if done.erased.is_empty() {
                "nothing (no personal data was stored)".to_string()
            } else {
                done.erased.join(", ")
            }
        )),
    }
}

/// The customer's personal data for `customer show`; a one-line note on stderr when it is
/// stored but cannot be read here (no key, wrong key).
pub async fn personal_of(store: &SqliteStore, id: &str, g: &Globals) -> Result<Option<Personal>> {
    let p = store.personal(id).await?;
    if let Some(Personal::Unavailable { reason }) = &p
        && !g.quiet
    {
        eprintln!("note: phone and e-mail unavailable: {reason}");
    }
    Ok(p.filter(|p| {
        !matches!(
            p,
            Personal::Available {
                phone: None,
                email: None
            }
        )
    }))
}

/// `customer show`'s lines for the personal data.
pub fn text(p: &Personal, lang: crate::ui::Lang) -> String {
    use crate::ui::{Arg, f, t};
    let contact = t(lang, "cli-contact");
    match p {
        Personal::Available { phone, email } => {
            let mut s = format!("\n{contact}\n");
            if let Some(ph) = phone {
                s.push_str(&format!("  {}   {ph}\n", t(lang, "cli-contact-phone")));
            }
            if let Some(em) = email {
                s.push_str(&format!("  {}  {em}\n", t(lang, "cli-contact-email")));
            }
            s
        }
        Personal::Unavailable { .. } => {
            format!("\n{contact}\n  {}\n", t(lang, "cli-contact-unavailable"))
        }
        Personal::Forgotten { at } => format!(
            "\n{}\n",
            f(lang, "cli-contact-forgotten", &[("at", Arg::Str(at))])
        ),
    }
}
