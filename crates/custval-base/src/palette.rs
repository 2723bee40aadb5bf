//! Fixed colours per tier and per class, the same on every page, in the report and in XLSX.
//!
//! Why: colours handed out in order of appearance change with the data (most valuable blue in
//! the demo, green elsewhere) and between the dashboard and the report, so a manager cannot learn
//! them. Here each known id has its own colour, from the Okabe–Ito palette (distinguishable with
//! the common colour-vision deficiencies); unknown ids (clusters, a user's own segments) take
//! [`PALETTE`] colours by position.

/// Okabe–Ito colours, for ids without a fixed colour, by position.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442",
];

/// Grey for "none" and unclassified.
pub const NEUTRAL: &str = "#9AA3AD";

/// The colour of a tier letter (A dark blue, B sky blue, C orange); `None` for other ids.
pub fn tier(id: &str) -> Option<&'static str> {
    Some(match id {
        "A" => "#0072B2",
        "B" => "#56B4E9",
        "C" => "#E69F00",
        _ => return None,
    })
}

/// The fixed colour of a class id of any classification (value × potential, lifecycle, potential
/// tier, profitability × loyalty, risk level, severity); `None` for ids without one.
pub fn class(id: &str) -> Option<&'static str> {
    Some(match id {
        // Value × potential: good to bad as blue, green, orange, vermilion.
        "most_valuable" => "#0072B2",
        "secondary" => "#009E73",
        "maintain" => "#E69F00",
        "negative_value" => "#D55E00",
        // Lifecycle: growth greens and blues, decline orange to vermilion.
        "prospect" => "#CC79A7",
        "new" => "#56B4E9",
        "growing" => "#009E73",
        "loyal" => "#0072B2",
        "declining" => "#E69F00",
        "churned" => "#D55E00",
        // Potential tier and risk level share one scale.
        "high" => "#0072B2",
        "medium" => "#56B4E9",
        "low" => "#E69F00",
        // Profitability × loyalty.
        "true_friend" => "#0072B2",
        "butterfly" => "#56B4E9",
        "barnacle" => "#E69F00",
        "stranger" => "#D55E00",
        "not_classified" | "none" => NEUTRAL,
        // Alert severities.
        "critical" => "#D55E00",
        "warning" => "#E69F00",
        "info" => "#56B4E9",
        _ => return None,
    })
}

/// The colour of `id`, the `position`-th of its chart: its fixed colour if it has one (tier or
/// class), else the palette's colour at that position.
pub fn colour(id: &str, position: usize) -> &'static str {
    tier(id)
        .or_else(|| class(id))
        .unwrap_or(PALETTE[position % PALETTE.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_ids_keep_their_colour_whatever_their_position() {
        assert_eq!(colour("most_valuable", 0), colour("most_valuable", 3));
        assert_eq!(colour("A", 5), "#0072B2");
        assert_eq!(colour("cluster 2", 1), PALETTE[1]);
        assert_eq!(colour("cluster 2", 9), PALETTE[1]);
    }

    #[test]
    fn classes_of_one_dimension_are_distinct() {
        for dim in [
            &["most_valuable", "secondary", "maintain", "negative_value"][..],
            &[
                "prospect",
                "new",
                "growing",
                "loyal",
                "declining",
                "churned",
            ],
            &["high", "medium", "low"],
            &["A", "B", "C"],
        ] {
            let mut c: Vec<_> = dim.iter().map(|id| colour(id, 0)).collect();
            c.sort_unstable();
            c.dedup();
            assert_eq!(c.len(), dim.len(), "{dim:?}");
        }
    }
}
