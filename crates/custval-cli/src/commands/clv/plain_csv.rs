//! A fast path for reading plain numeric customer summaries in `clv fit` and `clv holdout`.
//!
//! `custval-ingest` reads every CSV dialect (quotes, encodings, delimiters, formatted numbers
//! such as "1,200" or "12%"), and at 100k rows that generality is two thirds of `clv fit`'s
//! time. Summaries written by programs (`custval clv summary`, pandas) are plain: UTF-8,
//! commas, no quotes, decimal numbers. This reader accepts exactly that and gives up (`None`)
//! on anything else — a quote, a blank line inside the data, a row of another width, a field
//! outside the plain-number alphabet, a row the model's checks would quarantine — and the
//! general reader then reads the file as before, so every row is used or quarantined exactly
//! as it would have been. A field is read only when it passes the same plain-ASCII test as
//! `custval_ingest::parse::parse_number`'s own fast path and parses with the same
//! `str::parse::<f64>`, so the values are bit-identical to the general reader's.

use std::path::Path;

use rayon::prelude::*;

/// Below this many bytes the data are parsed on one thread.
const PARALLEL_MIN_BYTES: usize = 256 << 10;

/// Rows read: per row its physical line (the header is line 1) and the wanted columns, flat.
pub(super) struct Plain {
    pub lines: Vec<u64>,
    pub nums: Vec<f64>,
}

/// What one block of lines gave: its lines (numbered from 0 within the block) and values.
struct Block {
    lines: Vec<u64>,
    nums: Vec<f64>,
    line_count: u64,
}

/// Reads `path` when it is a plain CSV whose header is `headers`; `wanted[k]` is the file
/// column of the k-th value of a row, and `check` says whether a row may be used.
pub(super) fn read<C>(path: &Path, headers: &[String], wanted: &[usize], check: C) -> Option<Plain>
where
    C: Fn(&[f64]) -> Result<(), String> + Sync,
{
    let bytes = std::fs::read(path).ok()?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(body).ok()?;
    let header_end = text.find('\n')?;
    let header = text[..header_end]
        .strip_suffix('\r')
        .unwrap_or(&text[..header_end]);
    if header.contains('"') || header.split(',').count() != headers.len() {
        return None;
    }
    if !header
        .split(',')
        .zip(headers)
        .all(|(h, want)| h.trim() == want)
    {
        return None;
    }
    let data = &text[header_end + 1..];
    // A field index → its slot in the row, so a row is parsed in one pass over its fields.
    let mut slot_of = vec![usize::MAX; headers.len()];
    for (k, &col) in wanted.iter().enumerate() {
        *slot_of.get_mut(col)? = k;
    }
    let blocks = split_on_lines(data, rayon::current_num_threads());
    let parsed: Vec<Option<Block>> = if blocks.len() > 1 {
        blocks
            .par_iter()
            .map(|b| parse_block(b, &slot_of, wanted.len(), &check))
            .collect()
    } else {
        blocks
            .iter()
            .map(|b| parse_block(b, &slot_of, wanted.len(), &check))
            .collect()
    };
    let mut out = Plain {
        lines: Vec::new(),
        nums: Vec::new(),
    };
    // Line 1 is the header; the first data line is line 2.
    let mut first_line = 2;
    for block in parsed {
        let block = block?;
        out.lines.extend(block.lines.iter().map(|l| l + first_line));
        if out.nums.is_empty() {
            out.nums = block.nums;
        } else {
            out.nums.extend(block.nums);
        }
        first_line += block.line_count;
    }
    (!out.lines.is_empty()).then_some(out)
}

/// Cuts `data` into about `parts` pieces that end after a newline (the last piece may end
/// without one).
fn split_on_lines(data: &str, parts: usize) -> Vec<&str> {
    let parts = parts.min(data.len() / PARALLEL_MIN_BYTES).max(1);
    let mut out = Vec::with_capacity(parts);
    let mut rest = data;
    for k in (1..parts).rev() {
        let target = rest.len() / (k + 1);
        match rest.as_bytes()[target..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                let (head, tail) = rest.split_at(target + i + 1);
                out.push(head);
                rest = tail;
            }
            None => break,
        }
    }
    out.push(rest);
    out
}

/// Parses the lines of one block; `None` as soon as a line is not plain. One pass over the
/// bytes finds the field and line ends (a general splitter costs more per field than these
/// short fields hold).
fn parse_block<C>(block: &str, slot_of: &[usize], width: usize, check: &C) -> Option<Block>
where
    C: Fn(&[f64]) -> Result<(), String>,
{
    let b = block.as_bytes();
    let rows = b.len() / 16 + 1;
    let mut lines = Vec::with_capacity(rows);
    let mut nums = Vec::with_capacity(rows * width);
    let mut row = vec![0.0; width];
    let mut line_count = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) == Some(&b'\n')) {
            // An empty line: only a file's final line end may leave one; the general reader
            // decides what blank lines inside the data mean.
            let end = if b[i] == b'\r' { i + 2 } else { i + 1 };
            if end == b.len() {
                line_count += 1;
                break;
            }
            return None;
        }
        let mut field = 0;
        loop {
            let start = i;
            while i < b.len() && b[i] != b',' && b[i] != b'\n' {
                i += 1;
            }
            let mut text = &b[start..i];
            let line_end = i == b.len() || b[i] == b'\n';
            if line_end && let Some(t) = text.strip_suffix(b"\r") {
                text = t;
            }
            let slot = *slot_of.get(field)?;
            if slot != usize::MAX {
                row[slot] = number(text)?;
            } else if text.contains(&b'"') {
                return None;
            }
            field += 1;
            i += 1;
            if line_end {
                break;
            }
        }
        if field != slot_of.len() || check(&row).is_err() {
            return None;
        }
        lines.push(line_count);
        nums.extend_from_slice(&row);
        line_count += 1;
    }
    Some(Block {
        lines,
        nums,
        line_count,
    })
}

/// A field as a number, or `None` when it is not in the plain-number alphabet (ASCII digits,
/// `.`, `-`, `+`, `e`, `E`, at least one digit) or not finite — the test of the general
/// reader's own fast path, which then parses with `str::parse::<f64>`.
///
/// Most fields are short decimals (`38.857143`): those are computed here as an exact integer
/// divided by an exact power of ten (at most 2^53 and 10^22), which IEEE division rounds
/// correctly — the same value any correct parser returns (Clinger's fast path, the one
/// `str::parse` itself takes first). Everything else goes through `str::parse`.
fn number(field: &[u8]) -> Option<f64> {
    let (negative, digits) = match field.first() {
        Some(b'-') => (true, &field[1..]),
        _ => (false, field),
    };
    let mut mantissa: u64 = 0;
    let mut decimals: Option<i32> = None;
    let mut simple = !digits.is_empty() && digits.len() <= 18;
    if simple {
        for &c in digits {
            match c {
                b'0'..=b'9' => {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    if let Some(d) = decimals.as_mut() {
                        *d += 1;
                    }
                }
                b'.' if decimals.is_none() => decimals = Some(0),
                _ => {
                    simple = false;
                    break;
                }
            }
        }
    }
    let k = decimals.unwrap_or(0);
    // A lone "." or "-" has no digit; those and long mantissas take the general path.
    let has_digit = digits.len() > usize::from(decimals.is_some());
    if simple && has_digit && mantissa <= 1 << 53 && k <= 22 {
        let v = mantissa as f64 / POW10[k as usize];
        return Some(if negative { -v } else { v });
    }
    let plain = field
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'))
        && field.iter().any(u8::is_ascii_digit);
    if !plain {
        return None;
    }
    std::str::from_utf8(field)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// 10^0 … 10^22, all exact in f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn check_ok(_: &[f64]) -> Result<(), String> {
        Ok(())
    }

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("custval-plain-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn reads_plain_rows_with_their_lines() {
        let p = write(
            "plain.csv",
            "\u{feff}id,frequency,recency,T\r\n7,2,30.43,38.86\r\n8,0,0,1e1\r\n",
        );
        let h = headers(&["id", "frequency", "recency", "T"]);
        let got = read(&p, &h, &[1, 2, 3], check_ok).expect("plain");
        assert_eq!(got.lines, vec![2, 3]);
        assert_eq!(got.nums, vec![2.0, 30.43, 38.86, 0.0, 0.0, 10.0]);
    }

    #[test]
    fn gives_up_on_anything_the_general_reader_must_judge() {
        let h = headers(&["frequency", "recency", "T"]);
        for (name, text) in [
            ("quoted.csv", "frequency,recency,T\n\"1\",2,3\n"),
            ("blank.csv", "frequency,recency,T\n1,2,3\n\n1,2,3\n"),
            ("short.csv", "frequency,recency,T\n1,2\n"),
            ("long.csv", "frequency,recency,T\n1,2,3,4\n"),
            ("formatted.csv", "frequency,recency,T\n1,\"1,200\",3\n"),
            ("percent.csv", "frequency,recency,T\n1,2,3%\n"),
            ("space.csv", "frequency,recency,T\n1, 2,3\n"),
            ("empty_field.csv", "frequency,recency,T\n1,,3\n"),
            ("nan.csv", "frequency,recency,T\n1,NaN,3\n"),
            ("header.csv", "frequency;recency;T\n1;2;3\n"),
            ("no_rows.csv", "frequency,recency,T\n"),
        ] {
            let p = write(name, text);
            assert!(read(&p, &h, &[0, 1, 2], check_ok).is_none(), "{name}");
        }
        let p = write("rejected.csv", "frequency,recency,T\n1,5,3\n");
        let refuse = |v: &[f64]| {
            if v[1] > v[2] {
                Err("recency > T".to_string())
            } else {
                Ok(())
            }
        };
        assert!(read(&p, &h, &[0, 1, 2], refuse).is_none());
    }

    /// The short-decimal path gives the bits `str::parse` gives.
    #[test]
    fn numbers_match_str_parse_bit_for_bit() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "0.0",
            "1",
            "38.857143",
            "0.142857",
            "-12.5",
            "007",
            "1.",
            ".5",
            "-.5",
            "9007199254740993",
            "123456789012345678",
            "1234567890123456789",
            "0.1",
            "0.3",
            "1e5",
            "1E-3",
            "+2",
            "2.5e+3",
            "0.0000000000000000000001",
            "1.7976931348623157",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        for _ in 0..20_000 {
            let r = next();
            let int = (r >> 20) % 100_000;
            let frac = r % 1_000_000;
            cases.push(format!("{int}.{frac:06}"));
            cases.push(format!("-{}.{}", r % 1000, r % 97));
            cases.push(format!(
                "{}",
                f64::from_bits(0x3FF0_0000_0000_0000 | (r >> 12)) * 1e3
            ));
        }
        for c in &cases {
            let want = c.parse::<f64>().ok().filter(|v| v.is_finite());
            let got = number(c.as_bytes());
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{c}");
        }
        for bad in [
            "", "-", ".", "1,5", "12%", " 1", "1 ", "NaN", "inf", "1e999", "--1", "x",
        ] {
            assert_eq!(number(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn blocks_keep_file_order_and_line_numbers() {
        let mut text = String::from("frequency,recency,T\n");
        for i in 0..40_000 {
            text.push_str(&format!("{},{}.5,{}.75\n", i % 7, i, i + 1));
        }
        let p = write("big.csv", &text);
        let h = headers(&["frequency", "recency", "T"]);
        let got = read(&p, &h, &[0, 1, 2], check_ok).expect("plain");
        assert_eq!(got.lines.len(), 40_000);
        for (i, line) in got.lines.iter().enumerate() {
            assert_eq!(*line, i as u64 + 2);
            assert_eq!(got.nums[3 * i + 1], i as f64 + 0.5);
        }
        for parts in 1..6 {
            let pieces = split_on_lines(&text, parts);
            assert_eq!(pieces.concat(), text);
        }
    }
}
