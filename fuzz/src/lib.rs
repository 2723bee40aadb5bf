//! Checks shared by custval's fuzz targets (issue 18): the table readers' invariants and a
//! scratch file for readers that only open paths.
//!
//! Fuzz code may assert and panic: a failed assertion is how libFuzzer reports a broken
//! property. This crate is outside the workspace and outside tidy's `crates/*/src` walk.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use custval_ingest::parse::days_from_ymd;
use custval_ingest::{Field, Kind, OwnedValue, ReadOptions, Source};

/// First and last day a date field may hold: 0001-01-01 and 9999-12-31.
pub fn date_range() -> (i32, i32) {
    (
        days_from_ymd(1, 1, 1).unwrap_or(i32::MIN),
        days_from_ymd(9999, 12, 31).unwrap_or(i32::MAX),
    )
}

/// Writes `bytes` to this process's scratch file `input.<ext>` and returns its path. The
/// readers pick the format by extension and open paths, so the bytes go through a file (one
/// per process, overwritten each run; under `$TMPDIR`, which `run.sh` points at a temporary
/// folder it removes).
pub fn scratch_file(ext: &str, bytes: &[u8]) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("custval-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch folder");
        dir
    });
    let path = dir.join(format!("input.{ext}"));
    std::fs::write(&path, bytes).expect("write the scratch file");
    path
}

/// Reads `data[1..]` as a table of format `ext` and checks what every caller relies on.
///
/// `data[0]` chooses, per column, the kind asked for (text, date or number), whether it is
/// required, and a tiny record limit (to reach the "record too long" path).
///
/// Properties: no panic; errors are one line; every row read is accepted or rejected
/// (`read = accepted + rejected`); accepted rows have one value per field, of the field's
/// kind, none missing where required; dates lie in 0001..=9999, numbers are finite; line
/// numbers are at least 2 (the header is line 1) and no line is reported twice; every
/// rejection has a reason.
pub fn check_table(ext: &str, data: &[u8]) {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    allow_caught_panics();
    let path = scratch_file(ext, file);
    let options = ReadOptions {
        threads: 1,
        max_record_bytes: if selector & 0x80 != 0 { 64 } else { 1 << 20 },
        ..ReadOptions::default()
    };
    let source = match Source::open(&path, options) {
        Ok(source) => source,
        Err(e) => {
            assert_one_line(&e.to_string());
            return;
        }
    };
    let mut fields = Vec::new();
    for (i, header) in source.headers().iter().enumerate().take(12) {
        // Duplicate or blank names cannot be asked for; the reader says so.
        if source.column_index(header).is_err() {
            continue;
        }
        let kind = match (usize::from(selector) + i) % 3 {
            0 => Kind::Text,
            1 => Kind::Date,
            _ => Kind::Number,
        };
        let required = (usize::from(selector >> 2) + i) % 4 == 0;
        fields.push(Field {
            column: header.clone(),
            kind,
            required,
        });
    }
    let (rows, report) = match source.read_all(&fields) {
        Ok(result) => result,
        Err(e) => {
            assert_one_line(&e.to_string());
            return;
        }
    };
    assert_eq!(
        report.read,
        rows.len() as u64 + report.rejected.len() as u64,
        "every row read is accepted or rejected"
    );
    assert_eq!(report.accepted(), rows.len() as u64);
    let (first_day, last_day) = date_range();
    let mut lines = HashSet::new();
    for row in &rows {
        assert!(row.line >= 2, "data line {} before the header", row.line);
        assert!(lines.insert(row.line), "line {} reported twice", row.line);
        assert_eq!(row.values.len(), fields.len());
        for (value, field) in row.values.iter().zip(&fields) {
            match (value, field.kind) {
                (OwnedValue::Missing, _) => {
                    assert!(!field.required, "required {:?} missing", field.column)
                }
                (OwnedValue::Text(_), Kind::Text) => {}
                (OwnedValue::Date(d), Kind::Date) => {
                    assert!((first_day..=last_day).contains(d), "date {d} out of range")
                }
                (OwnedValue::Number(x), Kind::Number) => {
                    assert!(x.is_finite(), "number {x} not finite")
                }
                (v, k) => panic!("{v:?} for a field of kind {k:?}"),
            }
        }
    }
    for rejected in &report.rejected {
        assert!(
            rejected.line >= 2,
            "rejected line {} before the header",
            rejected.line
        );
        assert!(
            lines.insert(rejected.line),
            "line {} reported twice",
            rejected.line
        );
        assert!(
            !rejected.reason.trim().is_empty(),
            "a rejection without a reason"
        );
    }
}

/// libfuzzer-sys's panic hook aborts at the first panic, even one the reader catches: the
/// XLSX reader turns a panic inside calamine into an error on purpose (issue 18). Put the
/// default hook back, so a caught panic is what the product makes of it (an error) and an
/// uncaught one still reaches libfuzzer-sys's `catch_unwind` around the target, which aborts.
fn allow_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| drop(std::panic::take_hook()));
}

/// An error a user reads on a terminal is one line (a file's own text aside, which the
/// messages quote with `{:?}`).
pub fn assert_one_line(message: &str) {
    assert!(!message.contains('\n'), "a multi-line error: {message:?}");
}
