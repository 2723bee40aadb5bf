//! Records the commit the binary is built from, for `custval --version`.
//!
//! Asks git (when the source is a checkout and git is installed); a build from a source archive
//! can set `CUSTVAL_COMMIT` instead, and anything else prints `unknown`. Hand-written rather than
//! a crate such as vergen: one `git rev-parse` is all it takes.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-env-changed=CUSTVAL_COMMIT");
    println!("cargo:rerun-if-changed=build.rs");
    let commit = std::env::var("CUSTVAL_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| {
            let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
            // Rebuild when HEAD moves: a new commit rewrites HEAD or a ref under refs/.
            if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
                let dir = PathBuf::from(dir);
                for p in ["HEAD", "refs", "packed-refs"] {
                    let p = dir.join(p);
                    if p.exists() {
                        println!("cargo:rerun-if-changed={}", p.display());
                    }
                }
            }
            Some(commit)
        })
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=CUSTVAL_COMMIT={commit}");
}
