//! Atomic file replacement for the report files: write a temporary file next to the target,
//! sync it, rename it over the target.
//!
//! `custval-export` has the same logic but keeps it private to its own formats; a report is a
//! byte buffer by the time it is written, so a small byte-level version lives here. A failed
//! write leaves the previous report (or nothing) in place and removes the temporary file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ReportError;

/// The directory a path's file lives in (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Replaces `path` with `bytes` atomically.
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let io_err = |source: std::io::Error| ReportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = parent_dir(path);
    if !dir.is_dir() {
        return Err(ReportError::MissingDirectory {
            path: path.to_path_buf(),
            dir,
        });
    }
    let prefix = match path.file_name() {
        Some(name) => format!(".{}.", name.to_string_lossy()),
        None => ".custval-report.".to_string(),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A replaced report keeps its permissions; a new one gets 0666 minus the umask like any file
    // a program creates, not the temporary file's private 0600 (reports are meant to be shared).
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(
            existing
                .clone()
                .unwrap_or_else(|| std::fs::Permissions::from_mode(0o666)),
        );
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(io_err)?;
    if let Some(perms) = existing {
        // The umask may have narrowed the mode given at creation.
        tmp.as_file().set_permissions(perms).map_err(io_err)?;
    }
    tmp.as_file_mut().write_all(bytes).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.html");
        write_bytes(&path, b"one").unwrap();
        write_bytes(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn missing_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope").join("r.html");
        let err = write_bytes(&path, b"x").unwrap_err();
        assert!(matches!(err, ReportError::MissingDirectory { .. }));
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_usual_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A file created the ordinary way gets 0666 minus the umask: the report must match it.
        let reference = dir.path().join("plain");
        std::fs::File::create(&reference).unwrap();
        let path = dir.path().join("r.html");
        write_bytes(&path, b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&reference));
    }
}
