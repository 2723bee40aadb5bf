//! `customer show` as text: the explanation itself is built by `custval_app::explain`, shared
//! with the web server; this module only lays it out, in English or Chinese.
//!
//! The explanation carries its sentences in both languages (`rule_zh`, `explain_zh`,
//! `text_zh`, …); what it holds only in English (how an indicator was normalized, the score
//! formula) is rebuilt here from the run summary's figures with the catalogue's sentences, and
//! names of classes, stages and rules come from the catalogue's domain names. English output is
//! what it always was (ids as ids), so scripts reading it keep working.

use custval_app::explain::Shown;

use crate::output::{num, num_or_dash as opt, text_table};
use crate::ui::{Arg, Kind, Lang, f, name, t};

/// The explanation as the terminal shows it: the figures, then why (score, classes), then
/// what to do and the account's context. `summary` (the run's) gives the Chinese lines that
/// the explanation holds only in English.
pub fn text(s: &Shown, lang: Lang, summary: Option<&custval_eval::RunSummary>) -> String {
    let mut out = head(s, lang);
    out.push_str(&why(s, lang, summary));
    out.push_str(&what_to_do(s, lang));
    out
}

/// Money in a table cell: as it always was in English, 万/亿 with the currency in Chinese.
fn money(lang: Lang, x: Option<f64>) -> String {
    match (lang, x) {
        (Lang::Zh, Some(v)) => custval_i18n::money(lang, v),
        _ => opt(x, 2),
    }
}

/// Who, the tier and figures, the CLV and profit breakdowns, and any provisional mark or
/// override.
fn head(s: &Shown, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let run = s.run.to_string();
    let mut out = format!(
        "{} {}  {}\n",
        s.customer_id,
        s.name.as_deref().unwrap_or(""),
        f(
            lang,
            "cli-show-run",
            &[("run", Arg::Str(&run)), ("as_of", Arg::Str(&s.as_of))]
        )
    );
    let (class, stage) = if zh {
        (
            name(lang, Kind::Class, &s.class),
            name(lang, Kind::Lifecycle, &s.lifecycle_stage),
        )
    } else {
        (s.class.clone(), s.lifecycle_stage.clone())
    };
    let (score, value, potential) = (
        format!("{:.1}", s.score),
        format!("{:.1}", s.value_score),
        format!("{:.1}", s.potential_score),
    );
    out.push_str(&f(
        lang,
        "cli-show-tier-line",
        &[
            ("tier", Arg::Str(&s.tier)),
            ("class", Arg::Str(&class)),
            ("stage", Arg::Str(&stage)),
            ("score", Arg::Str(&score)),
            ("value", Arg::Str(&value)),
            ("potential", Arg::Str(&potential)),
        ],
    ));
    out.push('\n');
    let (clv, p_alive, spend) = (
        money(lang, s.clv),
        opt(s.p_alive, 3),
        money(lang, s.spend_12m),
    );
    out.push_str(&f(
        lang,
        "cli-show-figures",
        &[
            ("clv", Arg::Str(&clv)),
            ("p_alive", Arg::Str(&p_alive)),
            ("spend", Arg::Str(&spend)),
        ],
    ));
    out.push('\n');
    if let Some(note) = &s.p_alive_note {
        if zh {
            out.push_str(&t(lang, "cli-show-p-alive-unidentified"));
        } else {
            out.push_str(&format!("P(alive) {note}"));
        }
        out.push('\n');
    }
    if let Some(c) = &s.clv_parts {
        let explain = if zh { &c.explain_zh } else { &c.explain };
        out.push_str(&format!(
            "\n{}\n  {explain}\n",
            t(lang, "cli-show-clv-explained")
        ));
    }
    out.push_str(&profit(s, lang));
    out.push_str(&provisional(s, lang));
    if let Some(o) = &s.override_ {
        let until = o
            .until
            .as_deref()
            .map(|u| f(lang, "cli-show-override-until", &[("until", Arg::Str(u))]))
            .unwrap_or_default();
        out.push_str(&f(
            lang,
            "cli-show-override",
            &[
                ("tier", Arg::Str(&o.tier)),
                ("computed", Arg::Str(&o.computed_tier)),
                ("author", Arg::Str(&o.author)),
                ("reason", Arg::Str(&o.reason)),
            ],
        ));
        out.push_str(&until);
        out.push('\n');
    }
    out
}

/// The profit waterfall of the 12 months up to the as-of date (empty when not computed).
fn profit(s: &Shown, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    if let Some(w) = &s.profit {
        out.push_str(&format!(
            "\n{}\n",
            f(lang, "cli-show-profit", &[("as_of", Arg::Str(&s.as_of))])
        ));
        for st in &w.steps {
            let amount = match (st.amount, st.id.as_str()) {
                (Some(v), _) if zh => custval_i18n::money(lang, v),
                (Some(v), _) => num(v, 2),
                (None, "net_contribution") => t(lang, "cli-show-profit-no-cogs"),
                (None, _) => t(lang, "cli-show-profit-no-data"),
            };
            let rule = if st.id == "net_contribution" {
                "  = "
            } else {
                "    "
            };
            let label = if zh { &st.label_zh } else { &st.label };
            out.push_str(&format!("{rule}{}{amount:>16}\n", pad(label, 26)));
        }
    }
    out
}

/// The provisional mark of an import since the run, with the alerts it raised (empty when none).
fn provisional(s: &Shown, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    if let Some(p) = &s.provisional {
        if zh {
            out.push_str(&format!("{}\n", p.note_zh));
        } else {
            out.push_str(&format!("{}\n{}\n", p.note, p.note_zh));
        }
        for a in &p.alerts {
            let field = |k: &str| a.get(k).and_then(|v| v.as_str()).unwrap_or("");
            let (severity, rule, explain) = if zh {
                (
                    name(lang, Kind::Severity, field("severity")),
                    name(lang, Kind::Rule, field("rule")),
                    field("explain_zh").to_string(),
                )
            } else {
                (
                    field("severity").to_string(),
                    field("rule").to_string(),
                    field("explain_en").to_string(),
                )
            };
            out.push_str(&f(
                lang,
                "cli-show-provisional-alert",
                &[
                    ("severity", Arg::Str(&severity)),
                    ("rule", Arg::Str(&rule)),
                    ("explain", Arg::Str(&explain)),
                ],
            ));
            out.push('\n');
        }
    }
    out
}

/// `text` padded with spaces to `width` columns, counting a CJK character as two.
fn pad(text: &str, width: usize) -> String {
    let used: usize = text
        .chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

/// The indicators behind the score and the rules behind the classes.
fn why(s: &Shown, lang: Lang, summary: Option<&custval_eval::RunSummary>) -> String {
    let zh = lang == Lang::Zh;
    let mut out = format!("\n{}\n", t(lang, "cli-show-why-score"));
    let headers: Vec<String> = [
        "cli-col-indicator",
        "cli-col-dimension",
        "cli-col-raw",
        "cli-col-normalized",
        "cli-col-weight",
        "cli-col-points",
        "cli-col-how",
    ]
    .iter()
    .map(|id| t(lang, id))
    .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    out.push_str(&text_table(
        &headers,
        s.indicators.iter().map(|i| {
            let used = summary.and_then(|m| m.indicators.iter().find(|u| u.id == i.id));
            vec![
                if zh { i.name_zh.clone() } else { i.id.clone() },
                if zh {
                    name(lang, Kind::Dimension, &i.dimension)
                } else {
                    i.dimension.clone()
                },
                opt(i.raw, 2),
                opt(i.normalized, 3),
                num(i.weight, 3),
                num(i.points, 2),
                match (zh, used) {
                    (true, Some(u)) => how_zh(u),
                    (true, None) => String::new(),
                    (false, _) => i.how.clone(),
                },
            ]
        }),
    ));
    let formula = match (zh, summary) {
        (true, Some(m)) => {
            let p = |x: f64| format!("{x:.1}");
            let (cw, pw) = (m.current_weight.to_string(), m.potential_weight.to_string());
            let (v, pot, total) = (p(s.value_score), p(s.potential_score), p(s.score));
            f(
                lang,
                "cli-show-score-formula",
                &[
                    ("cw", Arg::Str(&cw)),
                    ("value", Arg::Str(&v)),
                    ("pw", Arg::Str(&pw)),
                    ("potential", Arg::Str(&pot)),
                    ("score", Arg::Str(&total)),
                ],
            )
        }
        (true, None) => String::new(),
        (false, _) => s.score_formula.clone(),
    };
    out.push_str(&format!(
        "\n{formula}\n\n{}\n",
        t(lang, "cli-show-why-classes")
    ));
    for (k, c) in &s.rules {
        if zh {
            let (key, class) = match k.as_str() {
                "tier" => (t(lang, "cli-show-tier"), c.class.clone()),
                "value_class" => (
                    name(lang, Kind::Dimension, k),
                    name(lang, Kind::Class, &c.class),
                ),
                "potential_tier" => (
                    name(lang, Kind::Dimension, k),
                    name(lang, Kind::Potential, &c.class),
                ),
                "lifecycle" => (
                    name(lang, Kind::Dimension, k),
                    name(lang, Kind::Lifecycle, &c.class),
                ),
                "profit_loyalty" => (
                    name(lang, Kind::Dimension, k),
                    name(lang, Kind::Loyalty, &c.class),
                ),
                _ => (name(lang, Kind::Dimension, k), c.class.clone()),
            };
            out.push_str(&format!("  {key}：{class} — {}\n", c.rule_zh));
        } else {
            out.push_str(&format!("  {k}: {} — {}\n", c.class, c.rule));
        }
    }
    out
}

/// How an indicator of the run was scored, in Chinese, from the run's own parameters.
fn how_zh(u: &custval_eval::engine::IndicatorUsed) -> String {
    use custval_eval::scoring::{Direction, Missing, Norm};
    let lang = Lang::Zh;
    if u.excluded.is_some() {
        return t(lang, "cli-how-excluded");
    }
    let p = &u.params;
    let s = |x: f64, d: usize| num(x, d);
    let norm = match p.norm {
        Norm::Minmax => {
            let (lo, hi) = (s(p.lo, 2), s(p.hi, 2));
            f(
                lang,
                "cli-how-minmax",
                &[("lo", Arg::Str(&lo)), ("hi", Arg::Str(&hi))],
            )
        }
        Norm::LogMinmax => {
            let (lo, hi) = (format!("{:.3}", p.lo), format!("{:.3}", p.hi));
            f(
                lang,
                "cli-how-log-minmax",
                &[("lo", Arg::Str(&lo)), ("hi", Arg::Str(&hi))],
            )
        }
        Norm::Rank => {
            let n = p.known.to_string();
            f(lang, "cli-how-rank", &[("n", Arg::Str(&n))])
        }
        Norm::Zscore => {
            let (mean, sd) = (format!("{:.3}", p.mean), format!("{:.3}", p.sd));
            f(
                lang,
                "cli-how-zscore",
                &[("mean", Arg::Str(&mean)), ("sd", Arg::Str(&sd))],
            )
        }
        Norm::None => t(lang, "cli-how-as-is"),
    };
    let dir = match p.direction {
        Direction::Benefit => t(lang, "cli-how-benefit"),
        Direction::Cost => t(lang, "cli-how-cost"),
    };
    let missing = match (p.imputed, p.missing) {
        (Some(v), _) => {
            let v = s(v, 3);
            f(lang, "cli-how-missing-value", &[("value", Arg::Str(&v))])
        }
        (None, Missing::Zero) => t(lang, "cli-how-missing-zero"),
        (None, Missing::Median) => t(lang, "cli-how-missing-median"),
        (None, Missing::Min) => t(lang, "cli-how-missing-min"),
        (None, Missing::Worst) => t(lang, "cli-how-missing-worst"),
        (None, Missing::Exclude) => t(lang, "cli-how-missing-exclude"),
    };
    format!("{norm}，{dir}；{missing}")
}

/// Actions, risk, wallet, cross-sell, SWOT suggestions and the tier history.
fn what_to_do(s: &Shown, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = format!("\n{}\n", t(lang, "cli-show-actions"));
    if s.actions.is_empty() {
        out.push_str(&format!("  {}\n", t(lang, "cli-show-none")));
    }
    for (k, a) in s.actions.iter().enumerate() {
        let (text, reason) = if zh {
            (&a.text_zh, &a.reason_zh)
        } else {
            (&a.text, &a.reason)
        };
        out.push_str(&format!(
            "  {}. {text}\n     {}\n",
            k + 1,
            f(lang, "cli-show-because", &[("reason", Arg::Str(reason))])
        ));
    }
    if let Some(r) = &s.risk {
        let level = if zh {
            name(lang, Kind::Risk, &r.level)
        } else {
            r.level.clone()
        };
        out.push_str(&format!(
            "\n{}\n",
            f(lang, "cli-show-risk", &[("level", Arg::Str(&level))])
        ));
        for e in &r.evidence {
            let line = if zh { &e.explain_zh } else { &e.explain_en };
            out.push_str(&format!("  - {line}\n"));
        }
    }
    if let Some(w) = &s.wallet {
        let source = if zh {
            t(lang, &format!("cli-show-wallet-{}", w.source))
        } else {
            w.source.clone()
        };
        let explain = if zh { &w.explain_zh } else { &w.explain };
        out.push_str(&format!(
            "\n{}\n",
            f(
                lang,
                "cli-show-wallet",
                &[
                    ("source", Arg::Str(&source)),
                    ("explain", Arg::Str(explain))
                ]
            )
        ));
    }
    if !s.cross_sell_reasons.is_empty() {
        out.push_str(&format!("\n{}\n", t(lang, "cli-show-cross-sell")));
        for r in &s.cross_sell_reasons {
            out.push_str(&format!("  - {}\n", if zh { &r.zh } else { &r.en }));
        }
    }
    if !s.swot_suggestions.is_empty() {
        out.push_str(&format!("\n{}\n", t(lang, "cli-show-swot")));
        for p in &s.swot_suggestions {
            if zh {
                let quadrant = t(lang, &format!("cli-swot-{}", p.quadrant.id()));
                out.push_str(&format!("  {quadrant}：{}\n", p.text_zh));
            } else {
                out.push_str(&format!("  {:?}: {}\n", p.quadrant, p.text_en));
            }
        }
    }
    if s.tier_history.len() > 1 {
        let h: Vec<String> = s
            .tier_history
            .iter()
            .map(|p| format!("{} {}", custval_eval::format_day(p.as_of), p.tier))
            .collect();
        out.push_str(&format!(
            "\n{}\n",
            f(
                lang,
                "cli-show-tier-history",
                &[("history", Arg::Str(&h.join(" → ")))]
            )
        ));
    }
    out
}
