//! Evaluation reports (skeleton; being written).
