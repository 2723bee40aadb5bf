//! The workspace store: SQLite through sqlx (migrations, WAL), imports, runs, overrides, audit log, users (skeleton; being written).
