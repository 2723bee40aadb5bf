//! Integration tests of the readers on real files written to a temporary directory.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use std::io::Write;
use std::path::Path;

use custval_ingest::{EncodingChoice, Field, Kind, ReadOptions, Source, parse};
use proptest::prelude::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    let mut f = std::fs::File::create(&p).expect("create");
    f.write_all(bytes).expect("write");
    p
}

fn count_rows(src: &Source, fields: &[Field]) -> (u64, Vec<(u64, String)>, f64) {
    let (parts, report) = src
        .scan(
            fields,
            || (0u64, 0.0f64),
            |s: &mut (u64, f64), row| {
                s.0 += 1;
                s.1 += row.number(1).unwrap_or(0.0);
                Ok(())
            },
            &|_, _| {},
        )
        .expect("scan");
    let n: u64 = parts.iter().map(|p| p.0).sum();
    let sum: f64 = parts.iter().map(|p| p.1).sum();
    assert_eq!(
        n + report.rejected.len() as u64,
        report.read,
        "read = accepted + rejected"
    );
    (
        n,
        report
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.to_string()))
            .collect(),
        sum,
    )
}

/// Blocks are cut at record boundaries even when quoted fields hold newlines and delimiters,
/// and line numbers of rejected rows stay exact across blocks and threads.
#[test]
fn parallel_blocks_respect_quotes_and_line_numbers() {
    const ROWS: u64 = 450_000;
    let dir = tempfile::tempdir().expect("tmp");
    let mut text = String::from("id,amount,note\n");
    let mut line = 2u64;
    let mut bad_lines = Vec::new();
    let mut expected_sum = 0.0;
    for i in 0..ROWS {
        if i % 9_973 == 0 {
            text.push_str(&format!("c{i},oops,plain\n"));
            bad_lines.push(line);
            line += 1;
        } else if i % 7 == 0 {
            // A note spanning two physical lines, with a delimiter and escaped quotes inside.
            text.push_str(&format!("c{i},{i},\"two\nlines, \"\"quoted\"\"\"\n"));
            expected_sum += i as f64;
            line += 2;
        } else {
            text.push_str(&format!("c{i},{i},plain note\n"));
            expected_sum += i as f64;
            line += 1;
        }
    }
    assert!(text.len() > 8 << 20, "spans several 4 MiB blocks");
    let p = write(dir.path(), "q.csv", text.as_bytes());
    for threads in [1, 2, 3] {
        let src = Source::open(
            &p,
            ReadOptions {
                threads,
                ..ReadOptions::default()
            },
        )
        .expect("open");
        let fields = [
            Field::required("id", Kind::Text),
            Field::required("amount", Kind::Number),
        ];
        let (n, rejected, sum) = count_rows(&src, &fields);
        assert_eq!(n, ROWS - bad_lines.len() as u64);
        assert_eq!(rejected.iter().map(|r| r.0).collect::<Vec<_>>(), bad_lines);
        assert!(rejected[0].1.contains("bad number in amount"));
        assert!((sum - expected_sum).abs() < 1e-6);
    }
}

#[test]
fn gb18030_and_bom_and_semicolons() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = "客户;金额\n甲;1\n乙;2\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let p = write(dir.path(), "g.csv", &gbk);
    let src = Source::open(&p, ReadOptions::default()).expect("open");
    assert_eq!(src.headers(), ["客户", "金额"]);
    assert!(matches!(src.encoding_name(), Some("GBK") | Some("gb18030")));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let p = write(dir.path(), "b.csv", &bom);
    let src = Source::open(&p, ReadOptions::default()).expect("open");
    assert_eq!(src.headers(), ["客户", "金额"], "BOM stripped");
    assert_eq!(src.encoding_name(), Some("UTF-8"));
    // Forcing the wrong encoding on a GBK file is an error naming the line, not mojibake.
    let p = write(dir.path(), "g2.csv", &gbk);
    let forced = Source::open(
        &p,
        ReadOptions {
            encoding: EncodingChoice::Utf8,
            ..ReadOptions::default()
        },
    );
    let err = forced.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("line 1") && err.contains("UTF-8"), "{err}");
}

#[test]
fn utf16_excel_unicode_text() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut bytes = vec![0xFF, 0xFE];
    for u in "id\tamount\r\nA\t5\r\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let p = write(dir.path(), "u.txt", &bytes);
    let src = Source::open(&p, ReadOptions::default()).expect("open");
    assert_eq!(src.headers(), ["id", "amount"]);
    let fields = [
        Field::required("id", Kind::Text),
        Field::required("amount", Kind::Number),
    ];
    let (rows, report) = src.read_all(&fields).expect("read");
    assert_eq!(report.read, 1);
    assert_eq!(rows[0].number(1), Some(5.0));
}

#[test]
fn columns_match_case_insensitively_and_name_alternatives() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = write(dir.path(), "c.csv", b" Customer_ID , Amount \nA,1\n");
    let src = Source::open(&p, ReadOptions::default()).expect("open");
    assert_eq!(src.column_index("customer_id").ok(), Some(0));
    assert_eq!(src.column_index("AMOUNT").ok(), Some(1));
    let err = src
        .column_index("date")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("Customer_ID, Amount"), "{err}");
}

proptest! {
    #[test]
    fn parsers_never_panic(s in "\\PC{0,40}") {
        let _ = parse::parse_date(&s);
        let _ = parse::parse_number(&s);
    }

    #[test]
    fn parsed_numbers_are_finite(s in "[-+(]?[¥$]?[0-9,]{0,12}(\\.[0-9]{0,4})?[)%]?") {
        if let Some(v) = parse::parse_number(&s) {
            prop_assert!(v.is_finite());
        }
    }

    #[test]
    fn iso_dates_round_trip(days in -700_000i32..2_900_000) {
        let text = parse::format_date(days);
        prop_assert_eq!(parse::parse_date(&text), Some(days));
    }

    #[test]
    fn csv_files_of_random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().expect("tmp");
        let p = write(dir.path(), "r.csv", &bytes);
        if let Ok(src) = Source::open(&p, ReadOptions::default()) {
            let cols: Vec<Field> = src.headers().iter().take(3)
                .map(|h| Field::optional(h.clone(), Kind::Number)).collect();
            let _ = src.read_all(&cols);
        }
    }
}

/// A GBK file with a byte sequence that is not GBK at line 3002 (in a column nobody asked
/// for): the scan fails naming that line instead of returning replacement characters or
/// silently stopping early.
#[test]
fn regression_malformed_gbk_names_the_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut text = String::from("客户,金额,备注\n");
    for i in 0..3000 {
        text.push_str(&format!("客户{i},{i},正常\n"));
    }
    let (mut bytes, _, _) = encoding_rs::GBK.encode(&text);
    let mut bytes = bytes.to_mut().clone();
    bytes.extend_from_slice(b"X,1,\x81\x20\n");
    bytes.extend(encoding_rs::GBK.encode("尾,2,好\n").0.iter());
    let p = write(dir.path(), "bad.csv", &bytes);
    let src = Source::open(
        &p,
        ReadOptions {
            encoding: EncodingChoice::Gbk,
            ..ReadOptions::default()
        },
    )
    .expect("open");
    let fields = [
        Field::required("客户", Kind::Text),
        Field::required("金额", Kind::Number),
    ];
    let err = src
        .read_all(&fields)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("line 3002") && err.contains("GBK"), "{err}");
}

/// The rows of `lines` joined by `ends[i % ends.len()]` after line i (the last line too).
fn with_endings(lines: &[String], ends: &[&str]) -> Vec<u8> {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        out.push_str(ends[i % ends.len()]);
    }
    out.into_bytes()
}

fn read_table(bytes: &[u8]) -> (Vec<custval_ingest::OwnedRow>, u64, usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let p = write(dir.path(), "t.csv", bytes);
    let src = Source::open(&p, ReadOptions::default()).expect("open");
    let fields = [
        Field::required("id", Kind::Text),
        Field::required("amount", Kind::Number),
        Field::optional("note", Kind::Text),
    ];
    let (rows, report) = src.read_all(&fields).expect("scan");
    (rows, report.read, report.rejected.len())
}

/// Issue 18: a CR-only file imported as one row (`read 1 rows`), and a bare CR inside an LF
/// file silently merged two orders. Every line ending Excel writes ends a line.
#[test]
fn regression_cr_line_endings_lose_no_row() {
    let mut lines = vec!["id,amount,note".to_string()];
    for i in 0..120 {
        lines.push(format!("c{i},{i}.5,\"a, b\""));
    }
    let (lf, read, _) = read_table(&with_endings(&lines, &["\n"]));
    assert_eq!((lf.len(), read), (120, 120));
    for ends in [&["\r"][..], &["\r\n"], &["\n", "\r", "\r\n"]] {
        let (rows, read, rejected) = read_table(&with_endings(&lines, ends));
        assert_eq!((rows.len(), read, rejected), (120, 120, 0), "{ends:?}");
        assert_eq!(rows, lf, "{ends:?}");
    }
    // One bare CR in an LF file: a line break, not a lost order.
    let mut bytes = with_endings(&lines, &["\n"]);
    let at = bytes.iter().position(|&b| b == b'\n').expect("lf") + 1;
    let second = at + bytes[at..].iter().position(|&b| b == b'\n').expect("lf");
    bytes[second] = b'\r';
    let (rows, _, _) = read_table(&bytes);
    assert_eq!(rows, lf);
}

proptest! {
    /// For any valid table, changing its line endings (LF, CRLF, CR, mixed) changes nothing
    /// read: the same rows, values and line numbers.
    #[test]
    fn line_endings_change_nothing(
        rows in proptest::collection::vec(("[a-z0-9]{1,6}", -1e6f64..1e6, "[a-z ,]{0,8}", any::<bool>()), 1..60),
        ends in proptest::collection::vec(prop_oneof![Just("\n"), Just("\r\n"), Just("\r")], 1..4),
    ) {
        let mut lines = vec!["id,amount,note".to_string()];
        for (id, amount, note, quoted) in &rows {
            let note = if *quoted || note.contains(',') { format!("\"{note}\"") } else { note.clone() };
            lines.push(format!("{id},{amount},{note}"));
        }
        let (base, read, rejected) = read_table(&with_endings(&lines, &["\n"]));
        prop_assert_eq!((read as usize, rejected), (rows.len(), 0));
        let (other, read2, rejected2) = read_table(&with_endings(&lines, &ends));
        prop_assert_eq!((read2, rejected2), (read, rejected));
        prop_assert_eq!(other, base);
    }
}
