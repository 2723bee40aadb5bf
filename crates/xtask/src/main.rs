//! `cargo run -p xtask -- <task>`: custval's project chores, written in Rust so that no
//! shell-script zoo grows next to the code (the rust-analyzer `xtask` convention).
//!
//! Tasks:
//! - `tidy`: the checks of [`xtask::tidy`] (also run by `cargo test -p xtask`), printing every
//!   offence as `file:line: [rule] message`, the structure rules included whether or not
//!   [`xtask::tidy::ENFORCE_STRUCTURE`] makes the test fail on them; exit status 1 when there is
//!   any.
//!
//! End-to-end comparisons with peer tools live in `benchmarks/` as scripts for now, because
//! they drive Python (DuckDB, lifetimes); `bench-rfm` and friends may move here later.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run -p xtask -- <task>

tasks:
  tidy    list every tidy offence: source files without a //! header, to-do
          markers without a reason, files over the line limit, paths outside
          the repository, module cycles, long functions without a reason,
          documentation naming files that are not in the repository
  help    print this message
";

fn workspace_root() -> PathBuf {
    // crates/xtask -> the workspace root
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(|p| p.parent())
        .map(PathBuf::from)
        .unwrap_or(manifest)
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("tidy") => match xtask::tidy::check_workspace(&workspace_root()) {
            Ok(offences) if offences.is_empty() => {
                eprintln!("tidy: no offences");
                ExitCode::SUCCESS
            }
            Ok(offences) => {
                for o in &offences {
                    println!("{o}");
                }
                eprintln!("tidy: {} offence(s)", offences.len());
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("tidy: {e}");
                ExitCode::FAILURE
            }
        },
        None | Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("xtask: unknown task {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
