//! Fuzzes the Parquet reader of custval-ingest: arbitrary bytes as a `.parquet` file, opened and
//! read with fields of every kind; see [`custval_fuzz::check_table`] for the properties.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| custval_fuzz::check_table("parquet", data));
