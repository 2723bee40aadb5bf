//! Atomic file replacement for the report files, through `custval-export`'s writer (temporary
//! file next to the target, synced, renamed over it; a replaced file keeps its permissions). A
//! failed write leaves the previous report (or nothing) in place. This module only maps its
//! errors onto [`ReportError`].

use std::path::Path;

use custval_export::ExportError;

use crate::ReportError;

/// Replaces `path` with `bytes` atomically.
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    custval_export::write_bytes_atomic(path, bytes).map_err(|e| match e {
        ExportError::MissingDirectory { path, dir } => ReportError::MissingDirectory { path, dir },
        ExportError::Io { path, source } => ReportError::Io { path, source },
        other => ReportError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(other.to_string()),
        },
    })
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
