//! XLSX output through `rust_xlsxwriter` in constant-memory mode: one sheet, bold frozen header,
//! typed cells, real dates, column widths from the content.

use std::fs::File;
use std::path::Path;

use rust_xlsxwriter::{ColNum, Format, RowNum, Workbook, Worksheet, XlsxError};

use crate::date::excel_serial;
use crate::number::format_number;
use crate::{Cell, ExportError, Table, XLSX_SHEET_NAME, effective_headers, longest_row};

/// Data rows that fit under the header (Excel has 1,048,576 rows).
const MAX_DATA_ROWS: usize = 1_048_575;
const MAX_COLUMNS: usize = 16_384;
/// Integers beyond this lose digits as Excel numbers (15 significant digits); they go as text.
const MAX_EXACT_INT: i64 = 999_999_999_999_999;
const MIN_WIDTH: f64 = 8.0;
const MAX_WIDTH: f64 = 60.0;

pub(crate) fn check_limits(path: &Path, table: &Table) -> Result<(), ExportError> {
    if table.rows.len() > MAX_DATA_ROWS {
        return Err(ExportError::TooManyRows {
            path: path.to_path_buf(),
            rows: table.rows.len(),
        });
    }
    let columns = longest_row(table).max(table.headers.len());
    if columns > MAX_COLUMNS {
        return Err(ExportError::TooManyColumns {
            path: path.to_path_buf(),
            columns,
        });
    }
    Ok(())
}

/// Display width of text in Excel's character units: East Asian wide characters count double.
pub fn display_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// Width of one character in fixed-width cells: East Asian wide characters (CJK ideographs,
/// kana, hangul, full-width forms) take two, everything else one.
pub fn char_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

fn cell_width(cell: &Cell) -> usize {
    match cell {
        Cell::Empty => 0,
        Cell::Text(s) => display_width(s),
        Cell::Number(x) => format_number(*x).map_or(0, |s| s.len()),
        Cell::Int(i) => i.to_string().len(),
        Cell::Date(_) => 10,
        Cell::Bool(_) => 5,
    }
}

fn column_widths(headers: &[std::borrow::Cow<'_, str>], table: &Table) -> Vec<f64> {
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h) + 2).collect();
    for row in &table.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell_width(cell));
        }
    }
    widths
        .into_iter()
        .map(|w| (w as f64 + 1.0).clamp(MIN_WIDTH, MAX_WIDTH))
        .collect()
}

fn write_cell(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    cell: &Cell,
    date_format: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => {
            sheet.write_string(row, col, s)?;
        }
        Cell::Number(x) if x.is_finite() => {
            sheet.write_number(row, col, *x)?;
        }
        Cell::Number(_) => {}
        Cell::Int(i) if (-MAX_EXACT_INT..=MAX_EXACT_INT).contains(i) => {
            sheet.write_number(row, col, *i as f64)?;
        }
        Cell::Int(i) => {
            sheet.write_string(row, col, i.to_string())?;
        }
        Cell::Date(d) => match excel_serial(*d) {
            Some(serial) => {
                sheet.write_number_with_format(row, col, serial, date_format)?;
            }
            None => {
                sheet.write_string(row, col, crate::format_date(*d))?;
            }
        },
        Cell::Bool(b) => {
            sheet.write_boolean(row, col, *b)?;
        }
    }
    Ok(())
}

fn build(workbook: &mut Workbook, table: &Table) -> Result<(), XlsxError> {
    let width = longest_row(table).max(table.headers.len());
    let headers = effective_headers(&table.headers, width);
    let widths = column_widths(&headers, table);
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");

    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(XLSX_SHEET_NAME)?;
    // Limits were checked before: every index below fits in RowNum / ColNum.
    for (col, w) in widths.iter().enumerate() {
        sheet.set_column_width(col as ColNum, *w)?;
    }
    if !headers.is_empty() {
        sheet.set_freeze_panes(1, 0)?;
    }
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as ColNum, h.as_ref(), &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = (r + 1) as RowNum;
        for (col, cell) in row.iter().enumerate() {
            write_cell(sheet, r, col as ColNum, cell, &date_format)?;
        }
    }
    Ok(())
}

pub(crate) fn write_xlsx(path: &Path, file: &mut File, table: &Table) -> Result<(), ExportError> {
    let xlsx_err = |source| ExportError::Xlsx {
        path: path.to_path_buf(),
        source,
    };
    let mut workbook = Workbook::new();
    // The sheet's temporary data lives next to the target, not in a possibly small /tmp.
    workbook
        .set_tempdir(crate::atomic::parent_dir(path))
        .map_err(xlsx_err)?;
    build(&mut workbook, table).map_err(xlsx_err)?;
    workbook.save_to_writer(file).map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::display_width;

    #[test]
    fn cjk_counts_double() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("客户编号"), 8);
        assert_eq!(display_width("ＡＢ"), 4);
    }
}
