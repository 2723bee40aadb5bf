//! The web application (skeleton; being written).
