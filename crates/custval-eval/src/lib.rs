//! The evaluation engine: features as of a date, indicators, weights, scores, classes, CLV and actions: pure computation (skeleton; being written).
