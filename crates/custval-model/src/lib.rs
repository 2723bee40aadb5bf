//! Domain records shared by ingestion, store and evaluation: plain data, no I/O (skeleton; being written).
