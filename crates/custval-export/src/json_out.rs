//! JSON output: an array of one object per row, keyed by header.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use crate::{Cell, Table, effective_headers, longest_row};

fn cell_value(cell: &Cell) -> Value {
    match cell {
        Cell::Empty => Value::Null,
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Number(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
        Cell::Int(i) => Value::from(*i),
        Cell::Date(d) => Value::String(crate::format_date(*d)),
        Cell::Bool(b) => Value::Bool(*b),
    }
}

/// Object keys for the table's columns: the headers (then `extra1`, … for cells beyond them),
/// with a repeated name made unique by a suffix (`amount`, `amount_2`) so no column is lost.
fn keys(table: &Table) -> Vec<String> {
    let width = longest_row(table).max(table.headers.len());
    let mut seen = std::collections::HashSet::new();
    effective_headers(&table.headers, width)
        .into_iter()
        .map(|h| {
            let mut key = h.into_owned();
            if !seen.insert(key.clone()) {
                let base = key.clone();
                let mut n = 2;
                while !seen.insert(format!("{base}_{n}")) {
                    n += 1;
                }
                key = format!("{base}_{n}");
            }
            key
        })
        .collect()
}

/// The table as a JSON array of row objects: numbers as numbers (NaN and infinities as `null`),
/// dates as `"YYYY-MM-DD"`, [`Cell::Empty`] as `null`, every column present in every object.
///
/// Key order inside each object is that of [`serde_json::Map`]: alphabetical unless serde_json's
/// `preserve_order` feature is enabled in the build. Use [`json_bytes`] for header order.
pub fn json_value(table: &Table) -> Value {
    let keys = keys(table);
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let mut obj = Map::new();
            for (i, key) in keys.iter().enumerate() {
                obj.insert(key.clone(), row.get(i).map_or(Value::Null, cell_value));
            }
            Value::Object(obj)
        })
        .collect();
    Value::Array(rows)
}

struct Rows<'a> {
    keys: &'a [String],
    rows: &'a [Vec<Cell>],
}

struct Row<'a> {
    keys: &'a [String],
    cells: &'a [Cell],
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.rows.len()))?;
        for cells in self.rows {
            seq.serialize_element(&Row {
                keys: self.keys,
                cells,
            })?;
        }
        seq.end()
    }
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.keys.len()))?;
        for (i, key) in self.keys.iter().enumerate() {
            match self.cells.get(i).unwrap_or(&Cell::Empty) {
                Cell::Empty => map.serialize_entry(key, &())?,
                Cell::Text(t) => map.serialize_entry(key, t)?,
                Cell::Number(x) if x.is_finite() => map.serialize_entry(key, x)?,
                Cell::Number(_) => map.serialize_entry(key, &())?,
                Cell::Int(v) => map.serialize_entry(key, v)?,
                Cell::Date(d) => map.serialize_entry(key, &crate::format_date(*d))?,
                Cell::Bool(b) => map.serialize_entry(key, b)?,
            }
        }
        map.end()
    }
}

/// The same document as [`json_value`], serialized compactly with each object's keys in header
/// order (what [`write_table`](crate::write_table) writes for [`TableFormat::Json`](crate::TableFormat)).
pub fn json_bytes(table: &Table) -> Vec<u8> {
    let keys = keys(table);
    let rows = Rows {
        keys: &keys,
        rows: &table.rows,
    };
    // Serializing strings, finite numbers, booleans and nulls into a Vec cannot fail; should it
    // ever, the tree-based form is the fallback.
    serde_json::to_vec(&rows)
        .or_else(|_| serde_json::to_vec(&json_value(table)))
        .unwrap_or_else(|_| b"[]".to_vec())
}
