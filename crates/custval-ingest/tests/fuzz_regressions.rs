//! Inputs the fuzz targets (`fuzz/`, `benchmarks/fuzz/run.sh`) found to crash a reader, each
//! kept as a regression test with its reproducer (issue 18).

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use custval_ingest::{IngestError, ReadOptions, Source};

/// issue 18: fuzz found that an XLSX sheet whose `<dimension ref="M1:D5"/>` ends before it
/// starts made calamine subtract with overflow: a panic in every build with overflow checks
/// (tests, debug binaries). It must be a one-line error naming the file.
#[test]
fn regression_fuzz_found_a_reversed_xlsx_dimension_panics() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("damaged.xlsx");
    std::fs::write(
        &path,
        include_bytes!("data/issue18_reversed_dimension.xlsx"),
    )
    .expect("write");
    match Source::open(&path, ReadOptions::default()) {
        Err(e @ IngestError::Workbook { .. }) => {
            let shown = e.to_string();
            assert!(
                shown.contains("damaged.xlsx") && shown.contains("the sheet is damaged"),
                "{shown}"
            );
            assert!(!shown.contains('\n'), "{shown}");
        }
        other => panic!("expected a workbook error, got {other:?}"),
    }
}
