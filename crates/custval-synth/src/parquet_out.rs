//! Arrow `RecordBatch` encoding of a chunk and the Parquet sink.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, RecordBatch, StringArray,
    StringBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::chunk::ChunkData;
use crate::csv_out::push_customer_id;
use crate::date::period_string;
use crate::fmt::push_u64_padded;
use crate::names::{push_email, push_phone};
use crate::params::{CATEGORIES, CHANNELS, INDUSTRIES, INTERACTION_KINDS, REGIONS};
use crate::{SynthError, Table};

fn f(name: &str, dt: DataType, nullable: bool) -> Field {
    Field::new(name, dt, nullable)
}

/// Arrow schema of each Parquet table (truth is always CSV).
pub(crate) fn schema(table: Table) -> SchemaRef {
    use DataType::{Boolean, Date32, Float64, Int32, Utf8};
    let fields = match table {
        Table::Customers => vec![
            f("customer_id", Utf8, false),
            f("name", Utf8, false),
            f("industry", Utf8, false),
            f("region", Utf8, false),
            f("size", Utf8, false),
            f("signup_date", Date32, false),
            f("owner", Utf8, false),
            f("phone", Utf8, false),
            f("email", Utf8, false),
            f("wallet", Float64, true),
        ],
        Table::Transactions => vec![
            f("order_id", Utf8, false),
            f("customer_id", Utf8, false),
            f("order_date", Date32, false),
            f("amount", Float64, false),
            f("cost", Float64, false),
            f("category", Utf8, false),
            f("quantity", Int32, false),
            f("channel", Utf8, false),
        ],
        Table::Costs => vec![
            f("customer_id", Utf8, false),
            f("period", Utf8, false),
            f("sales_cost", Float64, false),
            f("service_cost", Float64, false),
        ],
        Table::Interactions => {
            vec![
                f("customer_id", Utf8, false),
                f("date", Date32, false),
                f("kind", Utf8, false),
            ]
        }
        Table::Surveys => vec![
            f("customer_id", Utf8, false),
            f("date", Date32, false),
            f("csat", Int32, false),
            f("nps", Int32, false),
        ],
        Table::Contracts => vec![
            f("customer_id", Utf8, false),
            f("start", Date32, false),
            f("end", Date32, false),
            f("renewed", Boolean, true),
        ],
        Table::Payments => vec![
            f("customer_id", Utf8, false),
            f("invoice_date", Date32, false),
            f("due_date", Date32, false),
            f("paid_date", Date32, true),
            f("amount", Float64, false),
        ],
        Table::Truth => vec![f("customer_id", Utf8, false)],
    };
    Arc::new(Schema::new(fields))
}

fn strings(n: usize, mut each: impl FnMut(usize, &mut Vec<u8>)) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(n, n * 12);
    let mut buf = Vec::with_capacity(64);
    for i in 0..n {
        buf.clear();
        each(i, &mut buf);
        b.append_value(String::from_utf8_lossy(&buf));
    }
    Arc::new(b.finish())
}

fn ids(index: &[u64], w: usize) -> ArrayRef {
    strings(index.len(), |i, o| push_customer_id(o, index[i], w))
}

fn labels(codes: &[u8], names: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(
        codes.iter().map(|&c| names[usize::from(c)]),
    ))
}

fn money(cents: &[i64]) -> ArrayRef {
    Arc::new(Float64Array::from_iter_values(
        cents.iter().map(|&c| c as f64 / 100.0),
    ))
}

fn dates(d: &[i32]) -> ArrayRef {
    Arc::new(Date32Array::from(d.to_vec()))
}

/// Encodes one table of a chunk as a `RecordBatch`.
pub(crate) fn encode(table: Table, c: &ChunkData, w: usize) -> Result<RecordBatch, SynthError> {
    let cols: Vec<ArrayRef> = match table {
        Table::Customers => customer_columns(c, w),
        Table::Transactions => transaction_columns(c, w),
        Table::Costs => {
            let t = &c.costs;
            vec![
                ids(&t.index, w),
                Arc::new(StringArray::from_iter_values(
                    t.month.iter().map(|&m| period_string(m)),
                )),
                money(&t.sales),
                money(&t.service),
            ]
        }
        Table::Interactions => {
            let t = &c.interactions;
            vec![
                ids(&t.index, w),
                dates(&t.date),
                labels(&t.kind, &INTERACTION_KINDS),
            ]
        }
        Table::Surveys => {
            let t = &c.surveys;
            vec![
                ids(&t.index, w),
                dates(&t.date),
                Arc::new(Int32Array::from_iter_values(
                    t.csat.iter().map(|&v| i32::from(v)),
                )),
                Arc::new(Int32Array::from_iter_values(
                    t.nps.iter().map(|&v| i32::from(v)),
                )),
            ]
        }
        Table::Contracts => {
            let t = &c.contracts;
            vec![
                ids(&t.index, w),
                dates(&t.start),
                dates(&t.end),
                Arc::new(BooleanArray::from(t.renewed.clone())),
            ]
        }
        Table::Payments => {
            let t = &c.payments;
            vec![
                ids(&t.index, w),
                dates(&t.invoice),
                dates(&t.due),
                Arc::new(Date32Array::from(t.paid.clone())),
                money(&t.amount),
            ]
        }
        Table::Truth => vec![ids(&c.truth.index, w)],
    };
    RecordBatch::try_new(schema(table), cols).map_err(|e| SynthError::Arrow {
        table: table.name(),
        message: e.to_string(),
    })
}

/// The customers table's columns.
fn customer_columns(c: &ChunkData, w: usize) -> Vec<ArrayRef> {
    let t = &c.customers;
    vec![
        ids(&t.index, w),
        Arc::new(StringArray::from_iter_values(t.name.iter())),
        labels(&t.industry, &INDUSTRIES),
        labels(&t.region, &REGIONS),
        labels(&t.size, &c.size_labels),
        dates(&t.signup),
        strings(t.index.len(), |i, o| {
            o.extend_from_slice(b"rep");
            push_u64_padded(o, u64::from(t.owner[i]), 2);
        }),
        strings(t.index.len(), |i, o| push_phone(o, t.index[i])),
        strings(t.index.len(), |i, o| push_email(o, t.index[i], w)),
        Arc::new(Float64Array::from_iter(
            t.wallet.iter().map(|v| v.map(|c| c as f64 / 100.0)),
        )),
    ]
}

/// The transactions table's columns.
fn transaction_columns(c: &ChunkData, w: usize) -> Vec<ArrayRef> {
    let t = &c.transactions;
    let names: Vec<&str> = CATEGORIES.iter().map(|c| c.name).collect();
    vec![
        strings(t.index.len(), |i, o| {
            o.push(b'O');
            push_u64_padded(o, t.index[i] + 1, w);
            o.push(b'-');
            push_u64_padded(o, u64::from(t.seq[i]), 4);
        }),
        ids(&t.index, w),
        dates(&t.date),
        money(&t.amount),
        money(&t.cost),
        labels(&t.category, &names),
        Arc::new(Int32Array::from_iter_values(
            t.quantity.iter().map(|&q| q.min(i32::MAX as u32) as i32),
        )),
        labels(&t.channel, &CHANNELS),
    ]
}

/// One Parquet file being written.
pub(crate) struct ParquetSink {
    path: PathBuf,
    writer: ArrowWriter<File>,
}

impl ParquetSink {
    pub(crate) fn create(path: PathBuf, table: Table) -> Result<Self, SynthError> {
        let file = File::create(&path).map_err(|source| SynthError::Io {
            path: path.clone(),
            source,
        })?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("custval-synth {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(file, schema(table), Some(props)).map_err(|e| {
            SynthError::Parquet {
                path: path.clone(),
                message: e.to_string(),
            }
        })?;
        Ok(ParquetSink { path, writer })
    }

    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub(crate) fn write(&mut self, batch: &RecordBatch) -> Result<(), SynthError> {
        self.writer.write(batch).map_err(|e| SynthError::Parquet {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    /// Closes the file and returns its size in bytes.
    pub(crate) fn finish(self) -> Result<u64, SynthError> {
        let path = self.path;
        self.writer.close().map_err(|e| SynthError::Parquet {
            path: path.clone(),
            message: e.to_string(),
        })?;
        std::fs::metadata(&path)
            .map(|m| m.len())
            .map_err(|source| SynthError::Io { path, source })
    }
}
