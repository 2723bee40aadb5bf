//! The HTML report's dynamics section (动态管理) as preformatted strings: the tier migration
//! since the previous run, what hysteresis held back, the run's alerts, manual overrides, and
//! the backtest of the rankings.
//!
//! Design choices:
//! - **Each part stands alone and says when it is empty**: a first run has no migration, a run
//!   may raise no alert, a report may come without a backtest. The template shows a one-line
//!   "no data" sentence for each missing part instead of hiding the heading, so a reader knows
//!   the part exists and why it is empty (the hysteresis sentence, being a footnote, is simply
//!   left out).
//! - **Ids from the data are translated where known** (alert rules, severities, the `score`,
//!   `rfm` and `clv` methods) and shown as given otherwise, like the dimensions elsewhere.
//! - **Severity badges carry their text**, not only a colour, so they read in grey print and for
//!   colour-blind readers; the CSS class comes from a fixed list, never from the data.
//! - The caller's sentences (`explain`, actions) are already in the report's language and are
//!   shown as given (askama escapes them).

use crate::charts::{Chart, TableView, Td, nm, txt};
use crate::data::{BacktestView, Dynamics, MigrationView};
use crate::dyn_charts;
use crate::format::{DASH, count, date_time, fixed, percent};
use crate::i18n::{Lang, Msg, method_name, rule_name, severity_name};

/// A headline figure of the migration.
pub(crate) struct Figure {
    pub(crate) label: &'static str,
    pub(crate) value: String,
}

/// The migration part: sentence, figures, heatmap and flows.
pub(crate) struct MigrationPart {
    pub(crate) heading: String,
    pub(crate) explain: String,
    pub(crate) figures: Vec<Figure>,
    pub(crate) heatmap: Chart,
    pub(crate) flows: Chart,
}

/// Alerts of one severity.
pub(crate) struct SeverityCount {
    pub(crate) label: String,
    pub(crate) count: String,
    pub(crate) class: &'static str,
}

/// One alert, formatted.
pub(crate) struct AlertView<'a> {
    pub(crate) customer_id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) rule: &'a str,
    pub(crate) severity: &'a str,
    pub(crate) class: &'static str,
    pub(crate) explain: &'a str,
    pub(crate) action: &'a str,
}

/// One backtested method's row.
pub(crate) struct MethodView {
    pub(crate) name: String,
    pub(crate) best: bool,
    pub(crate) cells: Vec<Td>,
}

/// The backtest part: what was tested, the comparison and the lift chart.
pub(crate) struct BacktestPart {
    pub(crate) meta: String,
    pub(crate) explain: String,
    pub(crate) headers: Vec<Td>,
    pub(crate) methods: Vec<MethodView>,
    pub(crate) lift: Chart,
}

/// Everything the template shows in the dynamics section.
pub(crate) struct DynamicsView<'a> {
    pub(crate) migration: Option<MigrationPart>,
    pub(crate) hysteresis: Option<&'a str>,
    pub(crate) counts: Vec<SeverityCount>,
    /// "Alerts of this run: Critical 2 · Warning 5", for the summary; `None` without alerts.
    pub(crate) counts_line: Option<String>,
    /// "Most severe alerts shown: 50 of 132" when the list is shorter than the counts.
    pub(crate) shown_note: Option<String>,
    pub(crate) alerts: Vec<AlertView<'a>>,
    pub(crate) overrides: TableView,
    pub(crate) backtest: Option<BacktestPart>,
}

/// The CSS class of a severity badge; unknown severities get a neutral badge.
pub(crate) fn severity_class(id: &str) -> &'static str {
    match id {
        "critical" => "sev-critical",
        "warning" => "sev-warning",
        "info" => "sev-notice",
        _ => "sev-other",
    }
}

fn migration(lang: Lang, m: &MigrationView) -> MigrationPart {
    let date = |d: &str| {
        if d.is_empty() {
            String::new()
        } else {
            Msg::AsOfParen.format(lang, &[("date", date_time(lang, d).as_str().into())])
        }
    };
    let heading = format!(
        "{} #{}{}",
        Msg::MigrationSince.text(lang),
        m.from_run,
        date(&m.from_as_of)
    );
    let figures = [
        (Msg::Stayed, m.stayed),
        (Msg::Upgraded, m.upgraded),
        (Msg::Downgraded, m.downgraded),
        (Msg::Entered, m.entered),
        (Msg::Left, m.left),
    ]
    .into_iter()
    .map(|(msg, n)| Figure {
        label: msg.text(lang),
        value: count(n),
    })
    .collect();
    MigrationPart {
        heading,
        explain: m.explain.clone(),
        figures,
        heatmap: dyn_charts::migration_heatmap(lang, m),
        flows: dyn_charts::tier_flows(lang, m),
    }
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| DASH.to_string(), |v| fixed(v, decimals))
}

fn backtest(lang: Lang, b: &BacktestView) -> BacktestPart {
    let colon = Msg::Colon.text(lang);
    let meta = format!(
        "{}{colon}{} · {}{colon}{}{} · {}{colon}{}",
        Msg::AsOf.text(lang),
        if b.as_of.is_empty() {
            DASH.to_string()
        } else {
            date_time(lang, &b.as_of)
        },
        Msg::Horizon.text(lang),
        b.horizon_days,
        Msg::DaysUnit.text(lang),
        Msg::Customers.text(lang),
        count(b.customers)
    );
    let headers = [
        (Msg::Gini, true),
        (Msg::Auc, true),
        (Msg::Spearman, true),
        (Msg::TopShare, true),
    ];
    let mut head = vec![txt(Msg::Method.text(lang))];
    head.extend(headers.iter().map(|(m, num)| Td {
        text: m.text(lang).to_string(),
        num: *num,
        ..Td::default()
    }));
    let methods = b
        .methods
        .iter()
        .map(|m| MethodView {
            name: method_name(lang, &m.name).to_string(),
            best: b.best.as_deref() == Some(m.name.as_str()),
            cells: vec![
                nm(opt(m.gini, 3)),
                nm(opt(m.auc, 3)),
                nm(opt(m.spearman, 3)),
                nm(m.top_share.map_or_else(|| DASH.to_string(), percent)),
            ],
        })
        .collect();
    BacktestPart {
        meta,
        explain: b.explain.clone(),
        headers: head,
        methods,
        lift: dyn_charts::lift(lang, b),
    }
}

fn overrides(lang: Lang, d: &Dynamics) -> TableView {
    let mut table = TableView::new(
        lang,
        &[
            Msg::CustomerId,
            Msg::Tier,
            Msg::Author,
            Msg::Reason,
            Msg::Until,
        ],
    );
    for o in &d.overrides {
        table.rows.push(vec![
            txt(&o.customer_id),
            txt(&o.tier),
            txt(&o.author),
            txt(&o.reason),
            txt(o.until.as_deref().map_or_else(
                || Msg::UntilCleared.text(lang).to_string(),
                |d| date_time(lang, d),
            )),
        ]);
    }
    table
}

/// The dynamics section of `d` in `lang`.
pub(crate) fn view(lang: Lang, d: &Dynamics) -> DynamicsView<'_> {
    let colon = Msg::Colon.text(lang);
    let counts: Vec<SeverityCount> = d
        .alert_counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(sev, n)| SeverityCount {
            label: severity_name(lang, sev).to_string(),
            count: count(*n),
            class: severity_class(sev),
        })
        .collect();
    let counts_line = (!counts.is_empty()).then(|| {
        let parts: Vec<String> = counts
            .iter()
            .map(|c| format!("{} {}", c.label, c.count))
            .collect();
        format!("{}{colon}{}", Msg::RunAlerts.text(lang), parts.join(" · "))
    });
    let total: u64 = d.alert_counts.iter().map(|(_, n)| n).sum();
    let shown = d.alerts.len() as u64;
    let shown_note = (shown > 0 && total > shown).then(|| {
        let (shown, total) = (count(shown), count(total));
        let of = Msg::ShownOf.format(
            lang,
            &[
                ("shown", shown.as_str().into()),
                ("total", total.as_str().into()),
            ],
        );
        format!("{}{colon}{of}", Msg::AlertsShown.text(lang))
    });
    let alerts = d
        .alerts
        .iter()
        .map(|a| AlertView {
            customer_id: &a.customer_id,
            name: a.name.as_deref().unwrap_or(""),
            rule: rule_name(lang, &a.rule),
            severity: severity_name(lang, &a.severity),
            class: severity_class(&a.severity),
            explain: &a.explain,
            action: &a.action,
        })
        .collect();
    DynamicsView {
        migration: d.migration.as_ref().map(|m| migration(lang, m)),
        hysteresis: d.hysteresis.as_deref().filter(|h| !h.trim().is_empty()),
        counts,
        counts_line,
        shown_note,
        alerts,
        overrides: overrides(lang, d),
        backtest: d.backtest.as_ref().map(|b| backtest(lang, b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{AlertRow, BacktestMethod, OverrideRow};

    #[test]
    fn empty_dynamics_has_no_parts() {
        let d = Dynamics::default();
        let v = view(Lang::En, &d);
        assert!(v.migration.is_none() && v.backtest.is_none() && v.hysteresis.is_none());
        assert!(v.counts.is_empty() && v.counts_line.is_none() && v.alerts.is_empty());
        assert!(v.overrides.rows.is_empty());
    }

    #[test]
    fn alerts_counts_and_overrides_are_translated() {
        let d = Dynamics {
            alert_counts: vec![
                ("critical".into(), 2),
                ("warning".into(), 0),
                ("odd".into(), 1),
            ],
            alerts: vec![AlertRow {
                customer_id: "C1".into(),
                rule: "spend_drop".into(),
                severity: "critical".into(),
                ..Default::default()
            }],
            overrides: vec![OverrideRow {
                customer_id: "C2".into(),
                tier: "A".into(),
                until: None,
                ..Default::default()
            }],
            hysteresis: Some("  ".into()),
            ..Default::default()
        };
        let v = view(Lang::Zh, &d);
        assert_eq!(v.counts_line.as_deref(), Some("本批次预警：严重 2 · odd 1"));
        assert_eq!(v.shown_note.as_deref(), Some("列出最严重的预警：1 / 3"));
        assert_eq!(v.alerts[0].rule, "消费下滑");
        assert_eq!(v.alerts[0].class, "sev-critical");
        assert_eq!(v.counts[1].class, "sev-other");
        assert_eq!(v.overrides.rows[0][4].text, "直至撤销");
        assert!(v.hysteresis.is_none());
    }

    #[test]
    fn backtest_marks_the_best_method() {
        let b = BacktestView {
            as_of: "2023-06-30".into(),
            horizon_days: 365,
            customers: 1200,
            methods: vec![
                BacktestMethod {
                    name: "rfm".into(),
                    gini: Some(0.41),
                    ..Default::default()
                },
                BacktestMethod {
                    name: "score".into(),
                    gini: Some(0.6234),
                    auc: Some(0.8117),
                    spearman: None,
                    top_share: Some(0.712),
                    ..Default::default()
                },
            ],
            best: Some("score".into()),
            ..Default::default()
        };
        let p = backtest(Lang::En, &b);
        assert_eq!(
            p.meta,
            "As of: 2023-06-30 · Horizon: 365 days · Customers: 1,200"
        );
        assert!(!p.methods[0].best && p.methods[1].best);
        let cells: Vec<&str> = p.methods[1].cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(cells, ["0.623", "0.812", DASH, "71.2%"]);
    }
}
