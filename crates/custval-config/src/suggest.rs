//! "Did you mean …?" for misspelt names: the closest candidate by edit distance.
//!
//! Plain Levenshtein distance over characters is enough for names of a few dozen candidates
//! (features, indicator ids, class values); the threshold grows with the word so that a
//! one-letter slip in a short name and two slips in a long one are both caught, while
//! unrelated short names (`x` against `ln`) are not offered.

/// Edit distance (insertions, deletions, substitutions) between `a` and `b`, in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = if len <= 3 { 1 } else { (len / 3).max(2) };
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = edit_distance(&word.to_lowercase(), &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `" (did you mean `x`?)"` or nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("spnd_12m", "spend_12m"), 1);
        assert_eq!(edit_distance("同学", "同学们"), 1);
    }

    #[test]
    fn suggestions() {
        let names = ["spend_12m", "spend_6m", "orders_12m", "ln"];
        assert_eq!(closest("spnd_12m", names), Some("spend_12m"));
        assert_eq!(closest("Spend_12M", names), Some("spend_12m"));
        assert_eq!(closest("x", names), None);
        assert_eq!(closest("revenue", names), None);
        assert_eq!(
            did_you_mean("order_12m", names),
            " (did you mean `orders_12m`?)"
        );
    }
}
