//! Customer classification (skeleton; being written).
