//! Atomic file replacement: write to a temporary file next to the target, then rename.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::ExportError;

/// The directory a path's file lives in (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Runs `write` on a temporary file in the target's directory, syncs it and renames it over
/// `path`. If `write` fails, or anything else does, the temporary file is removed and the target
/// is left as it was.
pub(crate) fn write_atomically<F>(path: &Path, write: F) -> Result<(), ExportError>
where
    F: FnOnce(&mut File) -> Result<(), ExportError>,
{
    let io_err = |source: std::io::Error| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = parent_dir(path);
    if !dir.exists() {
        return Err(ExportError::MissingDirectory {
            path: path.to_path_buf(),
            dir,
        });
    }
    let prefix = match path.file_name() {
        Some(name) => format!(".{}.", name.to_string_lossy()),
        None => ".custval-export.".to_string(),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Replacing a file keeps its permissions; a new file gets 0666 minus the umask, like any
    // file a program creates, rather than the temporary file's private 0600.
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    #[cfg(unix)]
    let default_permissions = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o666)
    };
    #[cfg(unix)]
    builder.permissions(existing.clone().unwrap_or(default_permissions));
    let mut tmp = builder.tempfile_in(&dir).map_err(io_err)?;
    if let Some(perms) = existing {
        // The umask may have narrowed the mode given at creation.
        tmp.as_file().set_permissions(perms).map_err(io_err)?;
    }
    write(tmp.as_file_mut())?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}
