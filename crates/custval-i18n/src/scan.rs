//! Finds words a Chinese reader would not expect in Chinese output: runs of Latin letters that
//! are not on a short allow-list of ids, units and acronyms.
//!
//! Why: a page can look translated while one table cell still says `p_alive_low` or `Lost`.
//! The front ends' tests render every page, the report and the CLI's tables in Chinese and
//! assert that this scan finds nothing; data that is legitimately Latin (customer ids, a
//! company's own product names) is taken out by the caller before scanning.

/// Words allowed in Chinese output: the product's name, acronyms of the methods, units,
/// currency codes and tier letters.
pub const ALLOWED: &[&str] = &[
    "custval",
    "RFM",
    "CLV",
    "NPS",
    "ABC",
    "AHP",
    "CRITIC",
    "TOPSIS",
    "BG",
    "MBG",
    "BB",
    "sBG",
    "NBD",
    "Pareto",
    "Gamma",
    "Gamma-Gamma",
    "MAE",
    "ID",
    "CSV",
    "XLSX",
    "JSON",
    "API",
    "HTML",
    "URL",
    "SQL",
    "CNY",
    "USD",
    "EUR",
    "HKD",
    "GBP",
    "JPY",
    "K",
    "M",
    "KPI",
    "SWOT",
    "P",
    "R",
    "F",
    "vs",
    "CR",
    "CI",
    "RI",
    "OK",
    "PDF",
    "SVG",
    "UTC",
    "Excel",
    "PostgreSQL",
    "SQLite",
    // The language switch names English in English.
    "English",
];

/// The Latin words (two or more ASCII letters, or one that is not an allowed tier letter) of
/// `text` that are not on [`ALLOWED`], in order of appearance.
///
/// Letters joined by `_` count as one word (`p_alive_low`), so an id shown raw is caught whole.
/// Single capital letters A, B, C (tiers) and the letters on the allow-list pass.
pub fn latin_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, found: &mut Vec<String>| {
        let w = word.trim_matches('_');
        if !w.is_empty() && w.chars().any(|c| c.is_ascii_alphabetic()) && !allowed(w) {
            found.push(w.to_string());
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut found);
        }
    }
    flush(&mut word, &mut found);
    found
}

fn allowed(w: &str) -> bool {
    // Numbers with a unit or a suffix (`12px`, `3x`, `2025Q1`) are not words.
    if w.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return true;
    }
    // A score or a cell of a score grid: R5, F1, M3, A1.
    if let Some(rest) = w.get(1..)
        && w.len() <= 3
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_digit())
        && matches!(&w[..1], "R" | "F" | "M" | "A" | "B" | "C")
    {
        return true;
    }
    if w.len() == 1 {
        return matches!(w, "A" | "B" | "C" | "K" | "M" | "P" | "R" | "F" | "x" | "s");
    }
    ALLOWED.contains(&w)
}

/// The text of an HTML document as a reader sees it: tags, comments, `<script>` and `<style>`
/// bodies and attribute values removed (except `title`, `alt`, `placeholder` and
/// `aria-label`, which a reader does see), entities for `&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&#39;` and `&nbsp;` decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        rest = &rest[lt..];
        let lower = rest.get(..10).unwrap_or(rest).to_ascii_lowercase();
        let close = if lower.starts_with("<!--") {
            "-->"
        } else if lower.starts_with("<script") {
            "</script>"
        } else if lower.starts_with("<style") {
            "</style>"
        } else {
            ">"
        };
        let Some(end) = rest.find(close) else {
            rest = "";
            break;
        };
        let tag = &rest[..end];
        if close == ">" {
            for attr in ["title=\"", "alt=\"", "placeholder=\"", "aria-label=\""] {
                if let Some(i) = tag.find(attr) {
                    let v = &tag[i + attr.len()..];
                    out.push_str(v.split('"').next().unwrap_or(""));
                    out.push(' ');
                }
            }
        }
        rest = &rest[end + close.len()..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_english_words_are_found() {
        assert_eq!(
            latin_words("风险升至high，规则 p_alive_low；等级 A，RFM 得分 3"),
            vec!["high", "p_alive_low"]
        );
        assert!(latin_words("¥123.5万 · CLV · 12px · 2025年 · R5 F1 · English").is_empty());
        assert_eq!(latin_words("R5x Rx5"), vec!["R5x", "Rx5"]);
    }

    #[test]
    fn html_text_keeps_what_a_reader_sees() {
        let t = html_text(
            r#"<p class="x" title="提示">客户 <b>Lost</b></p><script>var a=1;</script><!-- c -->"#,
        );
        assert_eq!(latin_words(&t), vec!["Lost"]);
        assert!(t.contains("提示"));
    }
}
