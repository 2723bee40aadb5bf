//! The store's key for personal fields, found when a store is opened (see `privacy` for where
//! it comes from and why only `init` creates one).

use anyhow::Result;
use custval_store::SqliteStore;
use custval_store::crypto::{self, Key};

use crate::Globals;

/// Gives `store` its key (see the module docs); with `create` (init), creates the key file
/// when none is named or found.
pub async fn unlock(store: &mut SqliteStore, g: &Globals, create: bool) -> Result<()> {
    let note = |s: String| {
        if !g.quiet {
            eprintln!("{s}");
        }
    };
    let mut key = crypto::key_from_environment(&g.db)?.map(|(k, from)| {
        warn_if_readable(&from, g);
        k
    });
    if key.is_none()
        && create
        && !crypto::key_named_by_environment()
        && let Some(path) = crypto::default_key_path(&g.db)
    {
        let k = Key::generate()?;
        k.write_new_file(&path)?;
        note(format!(
            "created the key {} for personal fields (phone, e-mail) in {}: back it up apart \
             from the store; without it they cannot be read",
            k.id(),
            path.display()
        ));
        key = Some(k);
    }
    let report = store.unlock(key).await?;
    if report.sealed_now > 0 {
        note(format!(
            "encrypted the phone and e-mail of {} customers stored in plain text by an older \
             custval (key {})",
            report.sealed_now,
            report.key_id.as_deref().unwrap_or("?")
        ));
    }
    if report.plaintext_left {
        note(
            "warning: this store holds phone numbers or e-mails in plain text (an older \
             custval); run `custval init` to create a key and encrypt them"
                .to_string(),
        );
    }
    Ok(())
}

/// A key file others may read is worth a warning (not an error: the admin may have a reason).
fn warn_if_readable(from: &str, g: &Globals) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = std::path::Path::new(from);
        if !g.quiet
            && path.is_file()
            && let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            eprintln!("warning: the key file {from} is readable by other users (chmod 600 {from})");
        }
    }
    #[cfg(not(unix))]
    let _ = (from, g);
}
