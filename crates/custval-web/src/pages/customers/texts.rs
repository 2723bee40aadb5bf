//! The customer pages' sentences in the reader's language: the score formula, how each
//! indicator was normalized (or why it was left out), personal-data states and the provisional
//! mark of a list row.
//!
//! Why in the web crate: custval-app writes these texts in English once, for the API and the
//! CLI's JSON, where they must stay byte-identical. The page rebuilds the Chinese from the same
//! figures the run stored (its summary's normalization parameters and weights), with the
//! sentence patterns in `web-customers.ftl`, so no English id or word reaches a Chinese page.

use custval_app::customers::ProvisionalTag;
use custval_app::explain::Shown;
use custval_eval::RunSummary;
use custval_eval::scoring::{Direction, Missing, Norm, NormParams};
use custval_i18n::{Arg, Kind};

use super::super::parse_day;
use crate::i18n::{self, Lang};

fn fmt(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    custval_i18n::format(lang, id, args)
}

/// The score formula with this customer's figures; English is the app's own sentence.
pub fn formula(shown: &Shown, summary: Option<&RunSummary>, lang: Lang) -> String {
    let Some(s) = summary.filter(|_| lang != Lang::En) else {
        return shown.score_formula.clone();
    };
    fmt(
        lang,
        "web-cust-formula",
        &[
            ("cw", Arg::Str(&s.current_weight.to_string())),
            ("vs", Arg::Str(&format!("{:.1}", shown.value_score))),
            ("pw", Arg::Str(&s.potential_weight.to_string())),
            ("ps", Arg::Str(&format!("{:.1}", shown.potential_score))),
            ("s", Arg::Str(&format!("{:.1}", shown.score))),
        ],
    )
}

/// How indicator `id` was scored in the run (or why it was left out); `english` is the app's
/// sentence, used as is in English and when the run no longer lists the indicator.
pub fn how(id: &str, english: &str, summary: Option<&RunSummary>, lang: Lang) -> String {
    let ind = summary.and_then(|s| s.indicators.iter().find(|i| i.id == id));
    let Some(ind) = ind.filter(|_| lang != Lang::En) else {
        return english.to_string();
    };
    let p = &ind.params;
    if ind.excluded.is_some() {
        let why = if p.known == 0 {
            fmt(lang, "web-cust-how-no-values", &[])
        } else {
            fmt(
                lang,
                "web-cust-how-same-value",
                &[("value", Arg::Str(&i18n::fixed(p.min, 2)))],
            )
        };
        return fmt(lang, "web-cust-how-excluded", &[("why", Arg::Str(&why))]);
    }
    fmt(
        lang,
        "web-cust-how",
        &[
            ("norm", Arg::Str(&norm_text(p, lang))),
            ("direction", Arg::Str(direction(p.direction, lang))),
            ("missing", Arg::Str(&missing_text(p, lang))),
        ],
    )
}

fn norm_text(p: &NormParams, lang: Lang) -> String {
    let n = |x: f64, d: usize| i18n::fixed(x, d);
    match p.norm {
        Norm::Minmax => fmt(
            lang,
            "web-cust-norm-minmax",
            &[("lo", Arg::Str(&n(p.lo, 2))), ("hi", Arg::Str(&n(p.hi, 2)))],
        ),
        Norm::LogMinmax => fmt(
            lang,
            "web-cust-norm-log",
            &[("lo", Arg::Str(&n(p.lo, 3))), ("hi", Arg::Str(&n(p.hi, 3)))],
        ),
        Norm::Rank => fmt(
            lang,
            "web-cust-norm-rank",
            &[("known", Arg::Str(&i18n::count(p.known)))],
        ),
        Norm::Zscore => fmt(
            lang,
            "web-cust-norm-z",
            &[
                ("mean", Arg::Str(&n(p.mean, 3))),
                ("sd", Arg::Str(&n(p.sd, 3))),
            ],
        ),
        Norm::None => fmt(lang, "web-cust-norm-none", &[]),
    }
}

fn direction(d: Direction, lang: Lang) -> &'static str {
    let id = match d {
        Direction::Benefit => "benefit",
        Direction::Cost => "cost",
    };
    custval_i18n::name(lang, Kind::Direction, id)
}

fn missing_text(p: &NormParams, lang: Lang) -> String {
    if let Some(v) = p.imputed {
        return fmt(
            lang,
            "web-cust-missing-imputed",
            &[("value", Arg::Str(&i18n::fixed(v, 3)))],
        );
    }
    let id = match p.missing {
        Missing::Zero => "web-cust-missing-zero",
        Missing::Median => "web-cust-missing-median",
        Missing::Min => "web-cust-missing-min",
        Missing::Worst => "web-cust-missing-worst",
        Missing::Exclude => "web-cust-missing-exclude",
    };
    fmt(lang, id, &[])
}

/// A list row's provisional mark: the date of the update's figures and what the run said.
pub fn provisional(tag: &ProvisionalTag, lang: Lang) -> String {
    let date = parse_day(&tag.as_of).map_or_else(|| tag.as_of.clone(), |d| i18n::date(lang, d));
    fmt(
        lang,
        "web-cust-provisional",
        &[
            ("date", Arg::Str(&date)),
            ("run", Arg::Num(tag.based_on_run as f64)),
            ("tier", Arg::Str(&tag.run_tier)),
        ],
    )
}

/// "Erased on DATE" for a forgotten customer's personal fields.
pub fn erased_on(at: &str, lang: Lang) -> String {
    let day = at.get(..10).unwrap_or(at);
    let date = parse_day(day).map_or_else(|| day.to_string(), |d| i18n::date(lang, d));
    fmt(lang, "web-cust-erased-on", &[("date", Arg::Str(&date))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use custval_i18n::scan::latin_words;

    fn params(norm: Norm, missing: Missing, imputed: Option<f64>) -> NormParams {
        NormParams {
            direction: Direction::Cost,
            norm,
            missing,
            lo: 1.5,
            hi: 12_000.0,
            mean: 3.0,
            sd: 1.25,
            imputed,
            known: 1234,
            min: 0.0,
            max: 1.0,
            sorted: Vec::new(),
        }
    }

    #[test]
    fn every_normalization_reads_as_chinese() {
        for norm in [
            Norm::Minmax,
            Norm::LogMinmax,
            Norm::Rank,
            Norm::Zscore,
            Norm::None,
        ] {
            for (missing, imputed) in [
                (Missing::Zero, Some(0.0)),
                (Missing::Median, Some(2.0)),
                (Missing::Min, Some(1.0)),
                (Missing::Worst, None),
                (Missing::Exclude, None),
            ] {
                let p = params(norm, missing, imputed);
                let text = fmt(
                    Lang::Zh,
                    "web-cust-how",
                    &[
                        ("norm", Arg::Str(&norm_text(&p, Lang::Zh))),
                        ("direction", Arg::Str(direction(p.direction, Lang::Zh))),
                        ("missing", Arg::Str(&missing_text(&p, Lang::Zh))),
                    ],
                );
                assert!(latin_words(&text).is_empty(), "{text}");
                assert!(!text.contains("web-cust"), "{text}");
            }
        }
        let t = provisional(
            &ProvisionalTag {
                as_of: "2025-07-15".into(),
                based_on_run: 3,
                run_tier: "B".into(),
                run_score: 50.0,
            },
            Lang::Zh,
        );
        assert!(t.contains("2025年7月15日") && t.contains('3'), "{t}");
        assert!(latin_words(&t).is_empty(), "{t}");
        assert!(latin_words(&erased_on("2026-01-02T10:00:00Z", Lang::Zh)).is_empty());
    }
}
