//! Helpers shared by the end-to-end test files: the real binary, the reference data, and the
//! two outcomes every command must have (one JSON document, or one clean error line).

#![allow(dead_code)]

pub mod http;
pub mod ws;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// The `custval` binary built for these tests, with no log filter and no key inherited.
pub fn custval() -> Command {
    let mut c = Command::cargo_bin("custval").expect("binary");
    c.env_remove("CUSTVAL_LOG")
        .env_remove("CUSTVAL_KEY")
        .env_remove("CUSTVAL_KEY_FILE");
    c
}

/// A file of `testdata/`, the public reference data sets kept in the repository.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(name)
}

/// Stdout of a command that must have succeeded.
pub fn ok(out: &Output) -> &[u8] {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    &out.stdout
}

/// Stdout of a successful command, as the one JSON document it must be.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(ok(out)).expect("stdout is one JSON document")
}

/// Runs a command expected to fail cleanly: exit 1, one line on stderr, no panic.
pub fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}
