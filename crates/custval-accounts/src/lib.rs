//! Key-account management (skeleton; being written).
