//! The evaluation configuration (skeleton; being written).
