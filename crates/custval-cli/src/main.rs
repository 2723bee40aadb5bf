//! The `custval` binary (placeholder while the workspace is set up).
fn main() {}
