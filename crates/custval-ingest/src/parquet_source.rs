//! Parquet through the `arrow`/`parquet` crates. Row groups are spread over worker threads,
//! each with its own reader, so decoding runs on all cores.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Date32Array, Float64Array, StringArray, StringViewArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};

use crate::{Cell, FoldResult, IngestError, Kind, Plan, Row, ScanReport, join_workers};

fn builder(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>, IngestError> {
    let file = File::open(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| IngestError::Parquet {
        path: path.to_path_buf(),
        message: format!("not a readable Parquet file: {e}"),
    })
}

pub(crate) fn headers(path: &Path) -> Result<Vec<String>, IngestError> {
    Ok(builder(path)?
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().trim().to_string())
        .collect())
}

enum ColView {
    Str(StringArray),
    View(StringViewArray),
    F64(Float64Array),
    D32(Date32Array),
}

fn view(path: &Path, array: &ArrayRef, kind: Kind, name: &str) -> Result<ColView, IngestError> {
    let err = |e: arrow::error::ArrowError| IngestError::Parquet {
        path: path.to_path_buf(),
        message: format!("column {name:?}: {e}"),
    };
    let dt = array.data_type();
    let is_text = matches!(
        dt,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    );
    let cast = |to: &DataType| arrow::compute::cast(array, to).map_err(err);
    let typed_err = |what: &str| IngestError::Parquet {
        path: path.to_path_buf(),
        message: format!("column {name:?}: cannot read as {what}"),
    };
    Ok(match (kind, dt) {
        (Kind::Date, DataType::Date32)
        | (Kind::Date, DataType::Date64)
        | (Kind::Date, DataType::Timestamp(_, _)) => {
            ColView::D32(downcast(&cast(&DataType::Date32)?).ok_or_else(|| typed_err("dates"))?)
        }
        (Kind::Text, DataType::Utf8View) => {
            ColView::View(downcast(array).ok_or_else(|| typed_err("text"))?)
        }
        (Kind::Text, _) | (_, _) if is_text || kind == Kind::Text => {
            ColView::Str(downcast(&cast(&DataType::Utf8)?).ok_or_else(|| typed_err("text"))?)
        }
        _ if dt.is_numeric() || matches!(dt, DataType::Boolean) => {
            ColView::F64(downcast(&cast(&DataType::Float64)?).ok_or_else(|| typed_err("numbers"))?)
        }
        _ => {
            return Err(IngestError::Parquet {
                path: path.to_path_buf(),
                message: format!("column {name:?} has type {dt}, which cannot hold a {kind:?}"),
            });
        }
    })
}

/// The array as its concrete Arrow type, when it is one.
fn downcast<T: Array + Clone + 'static>(array: &ArrayRef) -> Option<T> {
    array.as_any().downcast_ref::<T>().cloned()
}

#[inline(always)]
fn cell(v: &ColView, i: usize) -> Cell<'_> {
    match v {
        ColView::Str(a) if a.is_valid(i) => Cell::Str(a.value(i)),
        ColView::View(a) if a.is_valid(i) => Cell::Str(a.value(i)),
        ColView::F64(a) if a.is_valid(i) => Cell::Num(a.value(i)),
        ColView::D32(a) if a.is_valid(i) => Cell::Date(a.value(i)),
        _ => Cell::Null,
    }
}

fn cell_text(c: Cell<'_>) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Str(s) => s.to_string(),
        Cell::Num(x) => x.to_string(),
        Cell::Date(d) => crate::parse::format_date(d),
    }
}

pub(crate) fn scan<S, I, F>(
    path: &Path,
    threads: usize,
    plan: &Plan<'_>,
    init: &I,
    fold: &F,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(Vec<S>, ScanReport), IngestError>
where
    S: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &Row<'_>) -> FoldResult + Sync,
{
    let arrow_meta = reader_metadata(path)?;
    let meta = arrow_meta.metadata().clone();
    let groups = meta.num_row_groups();
    let mut starts = Vec::with_capacity(groups);
    let mut total: u64 = 0;
    for g in 0..groups {
        starts.push(total);
        total += meta.row_group(g).num_rows().max(0) as u64;
    }
    let workers = threads.clamp(1, groups.max(1));
    let done = AtomicU64::new(0);
    let shared = GroupScan {
        path,
        plan,
        arrow_meta: &arrow_meta,
        fold,
        done: &done,
        total,
        progress,
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (shared, starts) = (&shared, &starts);
                scope.spawn(move || shared.worker(w, workers, starts, init()))
            })
            .collect();
        join_workers(handles, None, || IngestError::Parquet {
            path: path.to_path_buf(),
            message: "a reader thread stopped unexpectedly".into(),
        })
    })
}

/// The file's Arrow metadata, parsed once for every worker, with text columns as string views:
/// short ids (≤ 12 bytes) sit inline in the view and longer ones point into the decoded page,
/// instead of being copied into one offsets-and-bytes buffer per batch.
fn reader_metadata(path: &Path) -> Result<ArrowReaderMetadata, IngestError> {
    let b = builder(path)?;
    let fields: Vec<Field> = b
        .schema()
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 => {
                f.as_ref().clone().with_data_type(DataType::Utf8View)
            }
            _ => f.as_ref().clone(),
        })
        .collect();
    let schema = Arc::new(Schema::new_with_metadata(
        fields,
        b.schema().metadata().clone(),
    ));
    let options = ArrowReaderOptions::new().with_schema(schema);
    match ArrowReaderMetadata::try_new(b.metadata().clone(), options) {
        Ok(m) => Ok(m),
        // A file whose text columns cannot be views (an unusual logical type) is read as it is.
        Err(_) => ArrowReaderMetadata::try_new(b.metadata().clone(), ArrowReaderOptions::new())
            .map_err(|e| IngestError::Parquet {
                path: path.to_path_buf(),
                message: e.to_string(),
            }),
    }
}

/// What the workers of one scan share: each opens the file once (its own offset) and builds
/// one reader per row group from the parsed metadata.
struct GroupScan<'a, 'p, F> {
    path: &'a Path,
    plan: &'a Plan<'p>,
    arrow_meta: &'a ArrowReaderMetadata,
    fold: &'a F,
    /// Rows read by all workers so far, and in the file, for `progress`.
    done: &'a AtomicU64,
    total: u64,
    progress: &'a (dyn Fn(u64, u64) + Sync),
}

impl<F> GroupScan<'_, '_, F> {
    /// Worker `w` of `workers`: row groups w, w + workers, … folded into `state`.
    fn worker<S>(
        &self,
        w: usize,
        workers: usize,
        starts: &[u64],
        mut state: S,
    ) -> Result<(S, ScanReport), IngestError>
    where
        F: Fn(&mut S, &Row<'_>) -> FoldResult,
    {
        let path = self.path;
        let mut report = ScanReport::default();
        let file = File::open(path).map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        for g in (w..starts.len()).step_by(workers) {
            self.row_group(&file, g, starts[g], &mut state, &mut report)?;
        }
        Ok((state, report))
    }

    /// Reads row group `g` (its first row is row `row0` of the file) in batches.
    fn row_group<S>(
        &self,
        file: &File,
        g: usize,
        mut row0: u64,
        state: &mut S,
        report: &mut ScanReport,
    ) -> Result<(), IngestError>
    where
        F: Fn(&mut S, &Row<'_>) -> FoldResult,
    {
        let (path, plan) = (self.path, self.plan);
        let file = file.try_clone().map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let b = ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.arrow_meta.clone());
        let mask = ProjectionMask::roots(b.parquet_schema(), plan.columns.iter().copied());
        // Projected batches keep the file's column order; map requested → batch index.
        let mut sorted: Vec<usize> = plan.columns.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let reader = b
            .with_projection(mask)
            .with_row_groups(vec![g])
            .with_batch_size(65_536)
            .build()
            .map_err(|e| IngestError::Parquet {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        for batch in reader {
            let batch = batch.map_err(|e| IngestError::Parquet {
                path: path.to_path_buf(),
                message: format!("row group {g}: {e}"),
            })?;
            self.batch(&batch, &sorted, row0, state, report)?;
            row0 += batch.num_rows() as u64;
            let d = self
                .done
                .fetch_add(batch.num_rows() as u64, Ordering::Relaxed);
            (self.progress)(d + batch.num_rows() as u64, self.total);
        }
        Ok(())
    }

    /// Folds the rows of one batch; `sorted` maps the plan's columns to the batch's.
    #[inline]
    fn batch<S>(
        &self,
        batch: &RecordBatch,
        sorted: &[usize],
        row0: u64,
        state: &mut S,
        report: &mut ScanReport,
    ) -> Result<(), IngestError>
    where
        F: Fn(&mut S, &Row<'_>) -> FoldResult,
    {
        let plan = self.plan;
        let views = plan
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let k = sorted.binary_search(c).unwrap_or(0);
                view(
                    self.path,
                    batch.column(k),
                    plan.fields[i].kind,
                    &plan.fields[i].column,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        // One row's cells, filled in place: building them through a returned value per cell
        // stalled on the stack round trip (a quarter of the scan in a profile on 10M rows).
        let mut cells = vec![Cell::Null; views.len()];
        for r in 0..batch.num_rows() {
            let line = row0 + r as u64 + 2;
            for (c, v) in cells.iter_mut().zip(&views) {
                *c = cell(v, r);
            }
            plan.finish_row(line, &cells, state, self.fold, report, || {
                cells.iter().map(|c| cell_text(*c)).collect()
            });
        }
        Ok(())
    }
}
