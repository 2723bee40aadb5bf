//! `customer show` as text: the explanation itself is built by `custval_app::explain`, shared
//! with the web server.

use custval_app::explain::Shown;

use crate::output::{num, num_or_dash as opt, text_table};

/// The explanation as the terminal shows it: the figures, then why (score, classes), then
/// what to do and the account's context.
pub fn text(s: &Shown) -> String {
    let mut out = head(s);
    out.push_str(&why(s));
    out.push_str(&what_to_do(s));
    out
}

/// Who, the tier and figures, the CLV and profit breakdowns, and any provisional mark or
/// override.
fn head(s: &Shown) -> String {
    let mut out = format!(
        "{} {}  (run {} as of {})\n",
        s.customer_id,
        s.name.as_deref().unwrap_or(""),
        s.run,
        s.as_of
    );
    out.push_str(&format!(
        "tier {}  ·  {}  ·  {}  ·  score {:.1} (current value {:.1}, potential {:.1})\n",
        s.tier, s.class, s.lifecycle_stage, s.score, s.value_score, s.potential_score
    ));
    out.push_str(&format!(
        "CLV 12m {}  ·  P(alive) {}  ·  12-month spend {}\n",
        opt(s.clv, 2),
        opt(s.p_alive, 3),
        opt(s.spend_12m, 2)
    ));
    if let Some(note) = &s.p_alive_note {
        out.push_str(&format!("P(alive) {note}\n"));
    }
    if let Some(c) = &s.clv_parts {
        out.push_str(&format!("\nCLV explained\n  {}\n", c.explain));
    }
    if let Some(w) = &s.profit {
        out.push_str(&format!("\nProfit, 12 months to {}\n", s.as_of));
        for st in &w.steps {
            let amount = match (st.amount, st.id.as_str()) {
                (Some(v), _) => num(v, 2),
                (None, "net_contribution") => "— (no cost of goods)".to_string(),
                (None, _) => "— (no data, not deducted)".to_string(),
            };
            let rule = if st.id == "net_contribution" {
                "  = "
            } else {
                "    "
            };
            out.push_str(&format!("{rule}{:<26}{amount:>16}\n", st.label));
        }
    }
    if let Some(p) = &s.provisional {
        out.push_str(&format!("{}\n{}\n", p.note, p.note_zh));
        for a in &p.alerts {
            let field = |k: &str| a.get(k).and_then(|v| v.as_str()).unwrap_or("");
            out.push_str(&format!(
                "provisional alert ({}): {} {}\n",
                field("severity"),
                field("rule"),
                field("explain_en")
            ));
        }
    }
    if let Some(o) = &s.override_ {
        out.push_str(&format!(
            "OVERRIDE: tier {} (computed {}) by {}: {}{}\n",
            o.tier,
            o.computed_tier,
            o.author,
            o.reason,
            o.until
                .as_deref()
                .map(|u| format!(" until {u}"))
                .unwrap_or_default()
        ));
    }
    out
}

/// The indicators behind the score and the rules behind the classes.
fn why(s: &Shown) -> String {
    let mut out = String::from("\nWhy this score\n");
    out.push_str(&text_table(
        &[
            "indicator",
            "dimension",
            "raw",
            "normalized",
            "weight",
            "points",
            "how",
        ],
        s.indicators.iter().map(|i| {
            vec![
                i.id.clone(),
                i.dimension.clone(),
                opt(i.raw, 2),
                opt(i.normalized, 3),
                num(i.weight, 3),
                num(i.points, 2),
                i.how.clone(),
            ]
        }),
    ));
    out.push_str(&format!("\n{}\n\nWhy these classes\n", s.score_formula));
    for (k, c) in &s.rules {
        out.push_str(&format!("  {k}: {} — {}\n", c.class, c.rule));
    }
    out
}

/// Actions, risk, wallet, cross-sell, SWOT suggestions and the tier history.
fn what_to_do(s: &Shown) -> String {
    let mut out = String::from("\nRecommended actions\n");
    if s.actions.is_empty() {
        out.push_str("  (none)\n");
    }
    for (k, a) in s.actions.iter().enumerate() {
        out.push_str(&format!(
            "  {}. {}\n     because {}\n",
            k + 1,
            a.text,
            a.reason
        ));
    }
    if let Some(r) = &s.risk {
        out.push_str(&format!("\nRisk: {}\n", r.level));
        for e in &r.evidence {
            out.push_str(&format!("  - {}\n", e.explain_en));
        }
    }
    if let Some(w) = &s.wallet {
        out.push_str(&format!("\nWallet ({}): {}\n", w.source, w.explain));
    }
    if !s.cross_sell_reasons.is_empty() {
        out.push_str("\nCross-sell\n");
        for r in &s.cross_sell_reasons {
            out.push_str(&format!("  - {}\n", r.en));
        }
    }
    if !s.swot_suggestions.is_empty() {
        out.push_str(
            "\nSWOT suggestions (from the data; `custval plan show` to keep them in a plan)\n",
        );
        for p in &s.swot_suggestions {
            out.push_str(&format!("  {:?}: {}\n", p.quadrant, p.text_en));
        }
    }
    if s.tier_history.len() > 1 {
        let h: Vec<String> = s
            .tier_history
            .iter()
            .map(|p| format!("{} {}", custval_eval::format_day(p.as_of), p.tier))
            .collect();
        out.push_str(&format!("\nTier history: {}\n", h.join(" → ")));
    }
    out
}
