//! Excel workbooks through `calamine`. A sheet is small enough (Excel stops at 1,048,576 rows)
//! to be read whole and processed on one thread.

use std::path::Path;

use calamine::{Data, Range, Reader, open_workbook_auto};

use crate::{Cell, FoldResult, IngestError, Plan, ReadOptions, Row, ScanReport, with_cells};

/// Reads the chosen sheet once; [`crate::Source`] keeps it for the scan.
pub(crate) fn load(path: &Path, options: &ReadOptions) -> Result<Range<Data>, IngestError> {
    let err = |message: String| IngestError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    let mut wb =
        open_workbook_auto(path).map_err(|e| err(format!("cannot open the workbook: {e}")))?;
    let names = wb.sheet_names();
    let name = match &options.sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(err(format!(
                    "no sheet named {s:?} (sheets: {})",
                    names.join(", ")
                )));
            }
            s.clone()
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| err("the workbook has no sheets".into()))?,
    };
    // calamine can panic on a damaged sheet (issue 18: a `<dimension ref="M1:D5"/>` whose end
    // precedes its start overflows a subtraction in builds with overflow checks). A workbook a
    // user hands us is untrusted input: its failure is an error naming the file, not a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| wb.worksheet_range(&name)))
        .map_err(|_| err(format!("cannot read sheet {name:?}: the sheet is damaged")))?
        .map_err(|e| err(format!("cannot read sheet {name:?}: {e}")))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

pub(crate) fn headers(path: &Path, range: &Range<Data>) -> Result<Vec<String>, IngestError> {
    let Some(first) = range.rows().next() else {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    };
    Ok(first
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let h = cell_text(c).trim().to_string();
            if h.is_empty() {
                format!("column{}", i + 1)
            } else {
                h
            }
        })
        .collect())
}

pub(crate) fn scan<S, I, F>(
    range: &Range<Data>,
    plan: &Plan<'_>,
    init: &I,
    fold: &F,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(Vec<S>, ScanReport), IngestError>
where
    I: Fn() -> S,
    F: Fn(&mut S, &Row<'_>) -> FoldResult,
{
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let total = range.height() as u64;
    let mut state = init();
    let mut report = ScanReport::default();
    let n = plan.columns.len();
    // Text cells that hold numbers need owned strings that outlive the row's cells.
    let mut scratch: Vec<String> = vec![String::new(); n];
    for (k, row) in range.rows().enumerate().skip(1) {
        let line = first_row + k as u64 + 1;
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let mut bad = None;
        for (i, &col) in plan.columns.iter().enumerate() {
            scratch[i] = match row.get(col) {
                Some(Data::String(s)) => s.clone(),
                Some(c @ (Data::Float(_) | Data::Int(_) | Data::Bool(_)))
                    if plan.fields[i].kind == crate::Kind::Text =>
                {
                    cell_text(c)
                }
                Some(Data::DateTimeIso(s)) => s.clone(),
                Some(Data::DateTime(dt)) if plan.fields[i].kind == crate::Kind::Text => {
                    crate::parse::days_from_excel_serial(dt.as_f64())
                        .map(crate::parse::format_date)
                        .unwrap_or_default()
                }
                _ => String::new(),
            };
            if let Some(Data::Error(e)) = row.get(col) {
                bad.get_or_insert(crate::Reason::CellError {
                    column: plan.fields[i].column.clone(),
                    error: e.to_string(),
                });
            }
        }
        let raw = || row.iter().map(cell_text).collect::<Vec<_>>();
        if let Some(reason) = bad {
            report.read += 1;
            report.rejected.push(crate::Rejected {
                line,
                reason,
                fields: raw(),
            });
            continue;
        }
        let scratch = &scratch;
        with_cells(
            n,
            |i| {
                let col = plan.columns[i];
                Some(match row.get(col) {
                    None | Some(Data::Empty) => Cell::Null,
                    Some(Data::Float(f)) if plan.fields[i].kind != crate::Kind::Text => {
                        Cell::Num(*f)
                    }
                    Some(Data::Int(v)) if plan.fields[i].kind != crate::Kind::Text => {
                        Cell::Num(*v as f64)
                    }
                    Some(Data::DateTime(dt)) => match plan.fields[i].kind {
                        crate::Kind::Date => Cell::Num(dt.as_f64()),
                        crate::Kind::Number => Cell::Num(dt.as_f64()),
                        crate::Kind::Text => Cell::Str(&scratch[i]),
                    },
                    _ => Cell::Str(&scratch[i]),
                })
            },
            |cells| plan.finish_row(line, cells, &mut state, fold, &mut report, raw),
        );
        if k % 65_536 == 0 {
            progress(k as u64, total);
        }
    }
    progress(total, total);
    Ok((vec![state], report))
}
