//! Dynamic management (skeleton; being written).
