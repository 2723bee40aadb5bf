#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use custval_synth::{Format, GenerateOptions, GenerateSummary, generate};

pub fn gen_into(dir: &Path, customers: u64, seed: u64, format: Format) -> GenerateSummary {
    let opts = GenerateOptions {
        customers,
        seed,
        format,
        output_dir: dir.to_path_buf(),
        ..Default::default()
    };
    generate(&opts, &mut |_| {}).expect("generate")
}

pub struct Csv {
    pub headers: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl Csv {
    pub fn col(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
}

pub fn read_csv(path: &Path) -> Csv {
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = rdr
        .headers()
        .expect("headers")
        .iter()
        .map(String::from)
        .collect();
    let rows = rdr
        .records()
        .collect::<Result<Vec<_>, _>>()
        .expect("records");
    Csv { headers, rows }
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
pub fn day(s: &str) -> i64 {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"));
    d.signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch"))
        .num_days()
}

/// Truth rows keyed by customer_id: column name → value.
pub fn truth(dir: &Path) -> HashMap<String, HashMap<String, String>> {
    let t = read_csv(&dir.join("truth.csv"));
    t.rows
        .iter()
        .map(|r| {
            let m: HashMap<String, String> = t
                .headers
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect();
            (r[0].to_string(), m)
        })
        .collect()
}
