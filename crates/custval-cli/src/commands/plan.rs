//! `custval plan show|edit ID`: a key account's plan — SWOT, goals, owner, next review, actions
//! taken — with the data-driven suggestions of its latest result.
//!
//! `edit` either replaces the plan from a TOML or JSON file (the format `plan show --format
//! json` prints under `plan`) or changes it with flags; either way the plan is validated and
//! the save is audited.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use custval_accounts::{AccountPlan, Lang as PlanLang, PlanAction, Quadrant};
use custval_model::{Day, RunId};

use crate::Globals;
use crate::commands::session::{actor, block_on, open, parse_day, pick_run};
use crate::output::{self, ReportFormat};

#[derive(Debug, clap::Subcommand)]
pub enum PlanCommand {
    /// The plan, the suggestions from the data, and the draft that merges them.
    Show(ShowArgs),
    /// Change the plan with flags, or replace it from a file.
    Edit(Box<EditArgs>),
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The customer id.
    pub id: String,
    /// The run whose figures feed the suggestions (default: the latest).
    #[arg(long)]
    pub run: Option<RunId>,
    /// A readable table, or one JSON document on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The customer id.
    pub id: String,
    /// Replace the plan with this file (.toml or .json).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["goal", "strength", "weakness", "opportunity", "threat", "action", "adopt_suggestions"])]
    pub file: Option<PathBuf>,
    /// Add a goal.
    #[arg(long)]
    pub goal: Vec<String>,
    /// Add a strength (SWOT).
    #[arg(long)]
    pub strength: Vec<String>,
    /// Add a weakness (SWOT).
    #[arg(long)]
    pub weakness: Vec<String>,
    /// Add an opportunity (SWOT).
    #[arg(long)]
    pub opportunity: Vec<String>,
    /// Add a threat (SWOT).
    #[arg(long)]
    pub threat: Vec<String>,
    /// Record an action taken: "DATE|what was done" or "DATE|what was done|outcome".
    #[arg(long, value_name = "DATE|ACTION[|OUTCOME]")]
    pub action: Vec<String>,
    /// The account manager.
    #[arg(long)]
    pub owner: Option<String>,
    /// When the plan is next reviewed.
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub next_review: Option<Day>,
    /// Keep the data's current suggestions in the plan (marked as suggestions).
    #[arg(long)]
    pub adopt_suggestions: bool,
    /// Never suggest this code again (e.g. late_payment).
    #[arg(long, value_name = "CODE")]
    pub dismiss: Vec<String>,
    /// Who edits (default: $USER).
    #[arg(long)]
    pub author: Option<String>,
}

/// The plan's language for suggestions: the global `--lang`.
fn plan_lang(l: custval_i18n::Lang) -> PlanLang {
    match l {
        custval_i18n::Lang::En => PlanLang::En,
        custval_i18n::Lang::Zh => PlanLang::Zh,
    }
}

fn quadrant_name(q: Quadrant) -> &'static str {
    match q {
        Quadrant::Strength => "strength",
        Quadrant::Weakness => "weakness",
        Quadrant::Opportunity => "opportunity",
        Quadrant::Threat => "threat",
    }
}

fn text(v: &custval_app::plans::PlanView) -> String {
    let p = &v.plan;
    let mut out = format!(
        "Account plan of {} (tier {} in run {}{})\n",
        v.customer_id,
        v.tier,
        v.run,
        if v.in_plan_tiers {
            ""
        } else {
            "; not in the plan tiers of the config"
        }
    );
    match (&v.updated_at, &v.updated_by) {
        (Some(at), Some(by)) => out.push_str(&format!("saved {at} by {by}\n")),
        _ => out.push_str("not saved yet\n"),
    }
    out.push_str(&format!(
        "owner: {}   next review: {}\n",
        p.owner.as_deref().unwrap_or("—"),
        p.next_review.as_deref().unwrap_or("—")
    ));
    let list = |title: &str, items: &[String], out: &mut String| {
        out.push_str(&format!("{title}:\n"));
        if items.is_empty() {
            out.push_str("  —\n");
        }
        for i in items {
            out.push_str(&format!("  - {i}\n"));
        }
    };
    list("goals", &p.goals, &mut out);
    list("strengths", &p.swot.strengths, &mut out);
    list("weaknesses", &p.swot.weaknesses, &mut out);
    list("opportunities", &p.swot.opportunities, &mut out);
    list("threats", &p.swot.threats, &mut out);
    out.push_str("actions taken:\n");
    if p.actions.is_empty() {
        out.push_str("  —\n");
    }
    for a in &p.actions {
        out.push_str(&format!(
            "  {} {}{}\n",
            a.date,
            a.action,
            a.outcome
                .as_deref()
                .map(|o| format!(" → {o}"))
                .unwrap_or_default()
        ));
    }
    out.push_str("\nSuggestions from the data (each with the figure behind it; `plan edit --adopt-suggestions` keeps them):\n");
    if v.suggestions.is_empty() {
        out.push_str("  —\n");
    }
    for s in &v.suggestions {
        out.push_str(&format!(
            "  [{}] {} ({})\n",
            quadrant_name(s.quadrant),
            s.text_en,
            s.code
        ));
    }
    out
}

/// Parses "DATE|ACTION[|OUTCOME]".
fn parse_action(s: &str) -> Result<PlanAction> {
    let mut parts = s.splitn(3, '|').map(str::trim);
    let (Some(date), Some(action)) = (parts.next(), parts.next()) else {
        bail!("--action {s:?}: expected DATE|ACTION or DATE|ACTION|OUTCOME");
    };
    Ok(PlanAction {
        date: date.to_string(),
        action: action.to_string(),
        outcome: parts.next().filter(|o| !o.is_empty()).map(str::to_string),
    })
}

pub fn run(c: PlanCommand, g: &Globals) -> Result<()> {
    match c {
        PlanCommand::Show(a) => {
            let view = block_on(async {
                let store = open(g, false).await?;
                let run = pick_run(&store, a.run).await?;
                custval_app::plans::plan_view(&store, &run, &a.id, plan_lang(g.lang))
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("customer {:?} is not in run {}", a.id, run.id))
            })??;
            match a.format {
                ReportFormat::Json => output::print_json(&view),
                ReportFormat::Table => output::print_text(&text(&view)),
            }
        }
        PlanCommand::Edit(a) => {
            let author = a.author.clone().unwrap_or_else(actor);
            let plan = block_on(async {
                let store = open(g, false).await?;
                let run = pick_run(&store, None).await?;
                let view = custval_app::plans::plan_view(&store, &run, &a.id, plan_lang(g.lang))
                    .await?
                    .ok_or_else(|| {
                        anyhow::anyhow!("customer {:?} is not in run {}", a.id, run.id)
                    })?;
                let mut plan: AccountPlan = match &a.file {
                    Some(path) => {
                        let text = std::fs::read_to_string(path)
                            .with_context(|| format!("{}", path.display()))?;
                        let parsed: AccountPlan = if path.extension().is_some_and(|e| e == "toml") {
                            toml::from_str(&text).with_context(|| format!("{}", path.display()))?
                        } else {
                            serde_json::from_str(&text)
                                .with_context(|| format!("{}", path.display()))?
                        };
                        if parsed.customer_id != a.id {
                            bail!(
                                "{}: the plan is for {:?}, not {:?}",
                                path.display(),
                                parsed.customer_id,
                                a.id
                            );
                        }
                        parsed
                    }
                    None if a.adopt_suggestions => view.draft.clone(),
                    None => view.plan.clone(),
                };
                plan.goals.extend(a.goal.iter().cloned());
                plan.swot.strengths.extend(a.strength.iter().cloned());
                plan.swot.weaknesses.extend(a.weakness.iter().cloned());
                plan.swot
                    .opportunities
                    .extend(a.opportunity.iter().cloned());
                plan.swot.threats.extend(a.threat.iter().cloned());
                for s in &a.action {
                    plan.actions.push(parse_action(s)?);
                }
                if let Some(o) = &a.owner {
                    plan.owner = Some(o.clone());
                }
                if let Some(d) = a.next_review {
                    plan.next_review = Some(custval_eval::format_day(d));
                }
                for code in &a.dismiss {
                    if !plan.dismissed_suggestions.contains(code) {
                        plan.dismissed_suggestions.push(code.clone());
                    }
                }
                custval_app::plans::save_plan(&store, &plan, &author).await?;
                anyhow::Ok(plan)
            })??;
            if !g.quiet {
                eprintln!(
                    "saved the plan of {} ({} goals, {} SWOT entries, {} actions)",
                    plan.customer_id,
                    plan.goals.len(),
                    plan.swot.strengths.len()
                        + plan.swot.weaknesses.len()
                        + plan.swot.opportunities.len()
                        + plan.swot.threats.len(),
                    plan.actions.len()
                );
            }
            Ok(())
        }
    }
}
