//! End-to-end checks of the files custval-export writes: read back with independent readers
//! (the `csv` crate, calamine, serde_json), as a user's tools would.

// Test code: a failed unwrap, expect or panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

use std::fs;
use std::path::Path;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use custval_export::{
    Cell, ExportError, Quarantined, Table, TableFormat, XLSX_SHEET_NAME, csv_bytes,
    default_quarantine_path, format_date, json_bytes, json_value, write_quarantine, write_table,
};
use serde_json::json;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn sample() -> Table {
    Table {
        headers: vec![
            "customer_id".into(),
            "客户名称".into(),
            "monetary".into(),
            "frequency".into(),
            "last_order".into(),
            "active".into(),
            "note".into(),
        ],
        rows: vec![
            vec![
                Cell::Text("C001".into()),
                Cell::Text("北京华联商贸有限公司".into()),
                Cell::Number(1234.5),
                Cell::Int(12),
                Cell::Date(19_723), // 2024-01-01
                Cell::Bool(true),
                Cell::Text("quote \" comma , newline\nend".into()),
            ],
            vec![
                Cell::Text("C002".into()),
                Cell::Text("上海「测试」客户".into()),
                Cell::Number(-0.25),
                Cell::Int(1),
                Cell::Date(-1), // 1969-12-31
                Cell::Bool(false),
                Cell::Empty,
            ],
            vec![
                Cell::Text("C003".into()),
                Cell::Empty,
                Cell::Number(1e20),
                Cell::Int(0),
                Cell::Date(0),
                Cell::Empty,
                Cell::Text("=HYPERLINK(\"http://x\")".into()),
            ],
        ],
    }
}

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(BOM), "CSV must start with a UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[BOM.len()..]);
    reader
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_round_trip_keeps_text_numbers_and_dates() {
    let table = sample();
    let bytes = csv_bytes(&table);
    let rows = read_csv(&bytes);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0], table.headers);
    assert_eq!(
        rows[1],
        [
            "C001",
            "北京华联商贸有限公司",
            "1234.5",
            "12",
            "2024-01-01",
            "TRUE",
            "quote \" comma , newline\nend"
        ]
    );
    assert_eq!(
        rows[2],
        [
            "C002",
            "上海「测试」客户",
            "-0.25",
            "1",
            "1969-12-31",
            "FALSE",
            ""
        ]
    );
    // 1e20 in plain digits; the formula is neutralized with a leading quote.
    assert_eq!(
        rows[3],
        [
            "C003",
            "",
            "100000000000000000000",
            "0",
            "1970-01-01",
            "",
            "'=HYPERLINK(\"http://x\")"
        ]
    );
}

#[test]
fn csv_uses_crlf_and_quotes_only_when_needed() {
    let table = Table {
        headers: vec!["a".into(), "b".into()],
        rows: vec![vec![Cell::Text("x y".into()), Cell::Text("p,q".into())]],
    };
    assert_eq!(csv_bytes(&table), b"\xEF\xBB\xBFa,b\r\nx y,\"p,q\"\r\n");
}

#[test]
fn csv_formula_guard_leaves_numbers_and_dashes_alone() {
    let table = Table {
        headers: vec!["v".into()],
        rows: vec![
            vec![Cell::Number(-5.0)],
            vec![Cell::Text("-5".into())],
            vec![Cell::Text("+86 138".into())],
            vec![Cell::Text("@user".into())],
        ],
    };
    let rows = read_csv(&csv_bytes(&table));
    let col: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(col, ["v", "-5", "-5", "'+86 138", "'@user"]);
}

/// Issue 18: a cell beginning with `-` was not guarded, and Excel runs `-2+3+cmd|…` as a
/// formula. A lone `-` and a plain negative number stay as they are.
#[test]
fn regression_csv_formula_guard_covers_the_minus_sign() {
    let table = Table {
        headers: vec!["v".into()],
        rows: vec![
            vec![Cell::Text("-2+3+cmd|' /C calc'!A0".into())],
            vec![Cell::Text("-".into())],
            vec![Cell::Text("-12.5".into())],
            vec![Cell::Text("-A1".into())],
            vec![Cell::Text("\tx".into())],
        ],
    };
    let rows = read_csv(&csv_bytes(&table));
    let col: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        col,
        ["v", "'-2+3+cmd|' /C calc'!A0", "-", "-12.5", "'-A1", "'\tx"]
    );
}

#[test]
fn ragged_rows_are_padded_or_get_extra_columns() {
    let table = Table {
        headers: vec!["a".into(), "b".into()],
        rows: vec![
            vec![Cell::Int(1)],
            vec![Cell::Int(1), Cell::Int(2), Cell::Int(3), Cell::Int(4)],
        ],
    };
    let rows = read_csv(&csv_bytes(&table));
    assert_eq!(rows[0], ["a", "b", "extra1", "extra2"]);
    assert_eq!(rows[1], ["1", "", "", ""]);
    assert_eq!(rows[2], ["1", "2", "3", "4"]);
    assert_eq!(
        json_value(&table),
        json!([
            {"a": 1, "b": null, "extra1": null, "extra2": null},
            {"a": 1, "b": 2, "extra1": 3, "extra2": 4}
        ])
    );
}

#[test]
fn json_shape() {
    let v = json_value(&sample());
    assert_eq!(
        v[0],
        json!({
            "customer_id": "C001",
            "客户名称": "北京华联商贸有限公司",
            "monetary": 1234.5,
            "frequency": 12,
            "last_order": "2024-01-01",
            "active": true,
            "note": "quote \" comma , newline\nend"
        })
    );
    assert_eq!(v[1]["note"], json!(null));
    assert_eq!(v[2]["客户名称"], json!(null));
    // JSON text is not Excel: no formula guard.
    assert_eq!(v[2]["note"], json!("=HYPERLINK(\"http://x\")"));
    assert!(v[0]["frequency"].is_i64());
}

#[test]
fn json_bytes_keeps_header_order_and_equals_json_value() {
    let table = sample();
    let text = String::from_utf8(json_bytes(&table)).expect("utf-8");
    let parsed: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(parsed, json_value(&table));
    let first = text.find("\"customer_id\"").expect("key");
    let last = text.find("\"note\"").expect("key");
    assert!(
        first < text.find("\"monetary\"").expect("key")
            && text.find("\"active\"").expect("key") < last
    );
}

#[test]
fn json_non_finite_numbers_and_duplicate_headers() {
    let table = Table {
        headers: vec!["x".into(), "x".into()],
        rows: vec![vec![Cell::Number(f64::NAN), Cell::Number(f64::INFINITY)]],
    };
    assert_eq!(json_value(&table), json!([{"x": null, "x_2": null}]));
    let parsed: serde_json::Value =
        serde_json::from_slice(&json_bytes(&table)).expect("valid JSON");
    assert_eq!(parsed, json!([{"x": null, "x_2": null}]));
}

#[test]
fn format_from_path() {
    assert_eq!(
        TableFormat::from_path(Path::new("a/b.CSV")),
        Some(TableFormat::Csv)
    );
    assert_eq!(
        TableFormat::from_path(Path::new("r.xlsx")),
        Some(TableFormat::Xlsx)
    );
    assert_eq!(
        TableFormat::from_path(Path::new("r.json")),
        Some(TableFormat::Json)
    );
    assert_eq!(TableFormat::from_path(Path::new("r.xls")), None);
    assert_eq!(TableFormat::from_path(Path::new("json")), None);
}

#[test]
fn iso_dates() {
    assert_eq!(format_date(0), "1970-01-01");
    assert_eq!(format_date(19_783), "2024-03-01");
    assert_eq!(format_date(-25_508), "1900-03-01");
}

#[test]
fn written_csv_and_json_files_match_the_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let table = sample();
    let csv_path = dir.path().join("rfm.csv");
    write_table(&csv_path, TableFormat::Csv, &table).expect("write csv");
    assert_eq!(fs::read(&csv_path).expect("read"), csv_bytes(&table));
    let json_path = dir.path().join("rfm.json");
    write_table(&json_path, TableFormat::Json, &table).expect("write json");
    assert_eq!(fs::read(&json_path).expect("read"), json_bytes(&table));
    // Only the two targets: no temporary files left behind.
    assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 2);
}

#[cfg(unix)]
#[test]
fn new_files_get_the_same_mode_as_any_created_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.csv");
    write_table(&path, TableFormat::Csv, &sample()).expect("write");
    let reference = dir.path().join("reference");
    fs::File::create(&reference).expect("create");
    let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(
        mode(&path),
        mode(&reference),
        "0666 minus umask, not tempfile's 0600"
    );
}

#[cfg(unix)]
#[test]
fn replacing_a_file_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.json");
    fs::write(&path, b"[]").expect("seed");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    write_table(&path, TableFormat::Json, &sample()).expect("write");
    let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn xlsx_read_back_with_calamine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("结果.xlsx");
    let table = sample();
    write_table(&path, TableFormat::Xlsx, &table).expect("write xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).expect("open");
    assert_eq!(wb.sheet_names(), vec![XLSX_SHEET_NAME.to_string()]);
    let range = wb.worksheet_range(XLSX_SHEET_NAME).expect("sheet");
    assert_eq!(range.get_size(), (4, 7));
    let headers: Vec<String> = (0..7)
        .map(|c| range.get((0, c)).expect("header").to_string())
        .collect();
    assert_eq!(headers, table.headers);

    let r1: Vec<&Data> = (0..7).map(|c| range.get((1, c)).expect("cell")).collect();
    assert_eq!(r1[0], &Data::String("C001".into()));
    assert_eq!(r1[1], &Data::String("北京华联商贸有限公司".into()));
    assert_eq!(r1[2], &Data::Float(1234.5));
    assert_eq!(r1[3].as_f64(), Some(12.0));
    assert_eq!(date_serial(r1[4]), 45_292.0); // 2024-01-01
    assert_eq!(r1[5], &Data::Bool(true));
    assert_eq!(r1[6], &Data::String("quote \" comma , newline\nend".into()));
    assert_eq!(date_serial(range.get((2, 4)).expect("cell")), 25_568.0); // 1969-12-31
    assert_eq!(date_serial(range.get((3, 4)).expect("cell")), 25_569.0); // 1970-01-01
    assert_eq!(range.get((2, 6)), Some(&Data::Empty));
    // XLSX keeps text as text: no formula guard, no quote.
    assert_eq!(
        range.get((3, 6)),
        Some(&Data::String("=HYPERLINK(\"http://x\")".into()))
    );
}

/// The serial number of a cell Excel shows as a date (a number with a date format).
fn date_serial(cell: &Data) -> f64 {
    match cell {
        Data::DateTime(dt) => {
            assert!(dt.is_datetime(), "{dt:?}");
            dt.as_f64()
        }
        other => panic!("expected a date, got {other:?}"),
    }
}

#[test]
fn xlsx_long_integers_are_text_and_old_dates_are_iso_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.xlsx");
    let table = Table {
        headers: vec!["id".into(), "d".into()],
        rows: vec![vec![
            Cell::Int(1_234_567_890_123_456_789),
            Cell::Date(-30_000),
        ]],
    };
    write_table(&path, TableFormat::Xlsx, &table).expect("write");
    let mut wb: Xlsx<_> = open_workbook(&path).expect("open");
    let range = wb.worksheet_range(XLSX_SHEET_NAME).expect("sheet");
    assert_eq!(
        range.get((1, 0)),
        Some(&Data::String("1234567890123456789".into()))
    );
    assert_eq!(range.get((1, 1)), Some(&Data::String(format_date(-30_000))));
}

#[test]
fn xlsx_header_is_bold_and_frozen() {
    // Inspect the sheet XML: calamine does not expose styles or panes.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.xlsx");
    write_table(&path, TableFormat::Xlsx, &sample()).expect("write");
    let file = fs::File::open(&path).expect("open");
    let mut zip = zip_entries(file);
    let sheet = zip.remove("xl/worksheets/sheet1.xml").expect("sheet xml");
    assert!(sheet.contains("state=\"frozen\""), "{sheet}");
    assert!(sheet.contains("<cols>"), "column widths set");
    let styles = zip.remove("xl/styles.xml").expect("styles");
    assert!(styles.contains("<b/>"), "a bold font exists");
    assert!(styles.contains("yyyy-mm-dd"), "date format exists");
}

/// The text of every part of an XLSX (zip) file, by name.
fn zip_entries(file: fs::File) -> std::collections::HashMap<String, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(file).expect("zip");
    let mut out = std::collections::HashMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("utf-8 part");
        out.insert(entry.name().expect("name").to_string(), text);
    }
    out
}

#[test]
fn quarantine_layout_with_extra_columns_and_chinese_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("订单.quarantine.csv");
    let headers = vec![
        "客户编号".to_string(),
        "日期".to_string(),
        "金额".to_string(),
    ];
    let rows = vec![
        Quarantined {
            line: 7,
            reason: "bad date in 日期: \"2024-13-45\"".into(),
            fields: vec!["K001".into(), "2024-13-45".into(), "¥1,200".into()],
        },
        Quarantined {
            line: 9,
            reason: "missing amount".into(),
            fields: vec!["K002".into()],
        },
        Quarantined {
            line: 12,
            reason: "too many fields".into(),
            fields: vec![
                "K003".into(),
                "2024-01-02".into(),
                "5".into(),
                "多余".into(),
                "=cmd".into(),
            ],
        },
    ];
    write_quarantine(&path, &headers, &rows).expect("write");
    let bytes = fs::read(&path).expect("read");
    let text = std::str::from_utf8(&bytes).expect("utf-8");
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("\r\n"));
    let got = read_csv(&bytes);
    assert_eq!(
        got,
        vec![
            vec![
                "line",
                "reason",
                "客户编号",
                "日期",
                "金额",
                "extra1",
                "extra2"
            ],
            vec![
                "7",
                "bad date in 日期: \"2024-13-45\"",
                "K001",
                "2024-13-45",
                "¥1,200",
                "",
                ""
            ],
            vec!["9", "missing amount", "K002", "", "", "", ""],
            vec![
                "12",
                "too many fields",
                "K003",
                "2024-01-02",
                "5",
                "多余",
                "'=cmd"
            ],
        ]
    );
}

#[test]
fn quarantine_without_extra_fields_has_exactly_the_source_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("q.csv");
    let headers = vec!["a".to_string(), "b".to_string()];
    write_quarantine(&path, &headers, &[]).expect("write");
    assert_eq!(
        fs::read(&path).expect("read"),
        b"\xEF\xBB\xBFline,reason,a,b\r\n"
    );
}

#[test]
fn default_quarantine_path_is_next_to_the_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("orders.csv");
    assert_eq!(
        default_quarantine_path(&input),
        dir.path().join("orders.quarantine.csv")
    );
    assert_eq!(
        default_quarantine_path(&dir.path().join("订单.xlsx")),
        dir.path().join("订单.quarantine.csv")
    );
    assert_eq!(
        default_quarantine_path(Path::new("orders.csv")),
        Path::new("orders.quarantine.csv")
    );
}

#[test]
fn default_quarantine_path_falls_back_to_the_current_directory() {
    // A directory that does not exist is as unwritable as a read-only one, and works for root.
    let input = Path::new("/nonexistent-custval-dir/orders.csv");
    assert_eq!(
        default_quarantine_path(input),
        Path::new(".").join("orders.quarantine.csv")
    );
}

#[test]
fn writing_into_a_missing_directory_fails_clearly_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-dir");
    for (format, name) in [
        (TableFormat::Csv, "out.csv"),
        (TableFormat::Xlsx, "out.xlsx"),
        (TableFormat::Json, "out.json"),
    ] {
        let path = missing.join(name);
        let err = write_table(&path, format, &sample()).expect_err("must fail");
        assert!(
            matches!(err, ExportError::MissingDirectory { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains(name) && msg.contains("does not exist"),
            "{msg}"
        );
    }
    let err = write_quarantine(&missing.join("q.csv"), &[], &[]).expect_err("must fail");
    assert!(matches!(err, ExportError::MissingDirectory { .. }));
    assert!(!missing.exists());
    assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 0);
}

#[test]
fn failed_xlsx_write_keeps_the_previous_file_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.xlsx");
    fs::write(&path, b"previous").expect("seed");
    // A string longer than Excel's 32,767-character cell limit makes the workbook fail mid-write.
    let table = Table {
        headers: vec!["a".into()],
        rows: vec![
            vec![Cell::Text("ok".into())],
            vec![Cell::Text("x".repeat(40_000))],
        ],
    };
    let err = write_table(&path, TableFormat::Xlsx, &table).expect_err("must fail");
    assert!(matches!(err, ExportError::Xlsx { .. }), "{err:?}");
    assert!(err.to_string().contains("out.xlsx"), "{err}");
    assert_eq!(fs::read(&path).expect("read"), b"previous");
    assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
}

#[test]
fn replacing_an_existing_file_is_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.csv");
    fs::write(
        &path,
        "old content that is longer than the new one ".repeat(100),
    )
    .expect("seed");
    let table = Table {
        headers: vec!["a".into()],
        rows: vec![],
    };
    write_table(&path, TableFormat::Csv, &table).expect("write");
    assert_eq!(fs::read(&path).expect("read"), b"\xEF\xBB\xBFa\r\n");
}
