//! A temporary workspace (a store, its custval.toml and generated data) driven through the
//! real binary.

use std::path::PathBuf;

use serde_json::Value;

use super::{custval, json, ok};

pub struct Ws {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub db: String,
}

impl Ws {
    /// A workspace with a generated company of `n` customers imported (all seven tables).
    pub fn generated(n: u32, months: u32) -> Ws {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().to_path_buf();
        let db = root.join("custval.db").display().to_string();
        ok(&custval()
            .args([
                "generate",
                "--customers",
                &n.to_string(),
                "--months",
                &months.to_string(),
                "--seed",
                "3",
            ])
            .args(["--output", &root.join("data").display().to_string()])
            .output()
            .expect("run"));
        let ws = Ws {
            _dir: dir,
            root,
            db,
        };
        ok(&ws.cmd(&["init"]).output().expect("run"));
        for t in [
            "customers",
            "transactions",
            "costs",
            "interactions",
            "surveys",
            "contracts",
            "payments",
        ] {
            let file = ws.root.join("data").join(format!("{t}.csv"));
            let j = json(
                &ws.cmd(&["import", t, &file.display().to_string(), "--format", "json"])
                    .output()
                    .expect("run"),
            );
            assert_eq!(j["rejected"], 0, "{t}: {j}");
            assert!(j["accepted"].as_u64().unwrap_or(0) > 0, "{t}: {j}");
        }
        ws
    }

    pub fn empty() -> Ws {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().to_path_buf();
        let db = root.join("custval.db").display().to_string();
        let ws = Ws {
            _dir: dir,
            root,
            db,
        };
        ok(&ws.cmd(&["init"]).output().expect("run"));
        ws
    }

    pub fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = custval();
        c.current_dir(&self.root)
            .args(["--db", &self.db])
            .args(args);
        c
    }

    pub fn run_json(&self, args: &[&str]) -> Value {
        json(&self.cmd(args).output().expect("run"))
    }

    pub fn path(&self, name: &str) -> String {
        self.root.join(name).display().to_string()
    }

    pub fn write(&self, name: &str, text: &str) -> String {
        let p = self.root.join(name);
        std::fs::write(&p, text).expect("write");
        p.display().to_string()
    }
}
