//! The key-account plan record (客户计划): owner, goals, the account manager's SWOT,
//! next review date and the history of actions, as the store keeps it (JSON) and the user edits
//! it (TOML or JSON through `custval plan edit`, or the web app).
//!
//! The SWOT lists hold the user's own text. Data-driven hints ([`crate::swot`]) enter a plan
//! only through [`AccountPlan::with_suggestions`], as entries that start with a marker naming
//! the rule, `[suggested:late_payment] …` (or `[建议:late_payment] …` in Chinese), so a draft
//! shows plainly what the data proposes. Merging again replaces every still-marked entry with
//! the fresh figures and leaves unmarked entries alone: deleting the marker adopts a
//! suggestion as the user's own text. Rule codes listed in `dismissed_suggestions` are not
//! proposed again (list a code there after adopting or rejecting its suggestion).
//!
//! Dates are `YYYY-MM-DD` strings (checked against the calendar, leap years included) rather
//! than a date type: the record stays plain JSON/TOML, and valid ISO dates order correctly as
//! text. There is no clock here, so "review date in the past" is the caller's check.

use serde::{Deserialize, Serialize};

use crate::swot::{Quadrant, SwotSuggestion};

/// The account manager's SWOT: free text per quadrant.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Swot {
    /// 优势.
    pub strengths: Vec<String>,
    /// 劣势.
    pub weaknesses: Vec<String>,
    /// 机会.
    pub opportunities: Vec<String>,
    /// 威胁.
    pub threats: Vec<String>,
}

impl Swot {
    /// The entries of one quadrant.
    pub fn list(&self, q: Quadrant) -> &[String] {
        match q {
            Quadrant::Strength => &self.strengths,
            Quadrant::Weakness => &self.weaknesses,
            Quadrant::Opportunity => &self.opportunities,
            Quadrant::Threat => &self.threats,
        }
    }

    /// The entries of one quadrant, to edit.
    pub fn list_mut(&mut self, q: Quadrant) -> &mut Vec<String> {
        match q {
            Quadrant::Strength => &mut self.strengths,
            Quadrant::Weakness => &mut self.weaknesses,
            Quadrant::Opportunity => &mut self.opportunities,
            Quadrant::Threat => &mut self.threats,
        }
    }
}

/// One action taken with a key account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanAction {
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// What was done.
    pub action: String,
    /// What came of it, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// A key account's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountPlan {
    /// The customer's id.
    pub customer_id: String,
    /// The account manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Goals for the account.
    #[serde(default)]
    pub goals: Vec<String>,
    /// The SWOT (user text, plus marked suggestions in a draft).
    #[serde(default)]
    pub swot: Swot,
    /// Next review, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_review: Option<String>,
    /// Actions taken, with dates and outcomes.
    #[serde(default)]
    pub actions: Vec<PlanAction>,
    /// Suggestion codes not to propose again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dismissed_suggestions: Vec<String>,
}

/// The language of suggestion text merged into a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English text, `[suggested:code]` marker.
    #[default]
    En,
    /// Chinese text, `[建议:code]` marker.
    Zh,
}

const MARKERS: [&str; 2] = ["[suggested:", "[建议:"];

/// The rule code of an entry still marked as a suggestion, or `None` for the user's own text.
pub fn suggested_code(entry: &str) -> Option<&str> {
    let rest = MARKERS.iter().find_map(|m| entry.strip_prefix(m))?;
    rest.split_once(']').map(|(code, _)| code)
}

/// A problem with a plan record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The customer id is empty.
    #[error("the plan has no customer_id")]
    EmptyCustomerId,
    /// A date is not a calendar date written `YYYY-MM-DD`.
    #[error("{field} = {value:?} is not a date written YYYY-MM-DD")]
    BadDate {
        /// Where, e.g. `actions[2].date` or `next_review`.
        field: String,
        /// What was written.
        value: String,
    },
    /// An action has no text.
    #[error("actions[{index}] has no action text")]
    EmptyAction {
        /// 0-based position in `actions`.
        index: usize,
    },
    /// A goal or SWOT entry is blank.
    #[error("{field} is blank")]
    BlankEntry {
        /// Where, e.g. `goals[0]` or `swot.threats[1]`.
        field: String,
    },
    /// The next review is dated before the last action.
    #[error("next_review {next_review} is before the last action on {last_action}")]
    ReviewBeforeLastAction {
        /// The review date.
        next_review: String,
        /// The latest action date.
        last_action: String,
    },
}

/// Is `s` a real calendar date written `YYYY-MM-DD` (proleptic Gregorian, years 0001–9999)?
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

impl AccountPlan {
    /// An empty plan for a customer.
    pub fn new(customer_id: impl Into<String>) -> Self {
        Self {
            customer_id: customer_id.into(),
            owner: None,
            goals: Vec::new(),
            swot: Swot::default(),
            next_review: None,
            actions: Vec::new(),
            dismissed_suggestions: Vec::new(),
        }
    }

    /// The latest valid action date.
    pub fn last_action_date(&self) -> Option<&str> {
        self.actions
            .iter()
            .map(|a| a.date.as_str())
            .filter(|d| is_iso_date(d))
            .max()
    }

    /// Every problem with the record, in field order (empty when valid).
    pub fn problems(&self) -> Vec<PlanError> {
        let mut out = Vec::new();
        if self.customer_id.trim().is_empty() {
            out.push(PlanError::EmptyCustomerId);
        }
        for (i, g) in self.goals.iter().enumerate() {
            if g.trim().is_empty() {
                out.push(PlanError::BlankEntry {
                    field: format!("goals[{i}]"),
                });
            }
        }
        for (name, list) in [
            ("strengths", &self.swot.strengths),
            ("weaknesses", &self.swot.weaknesses),
            ("opportunities", &self.swot.opportunities),
            ("threats", &self.swot.threats),
        ] {
            for (i, e) in list.iter().enumerate() {
                if e.trim().is_empty() {
                    out.push(PlanError::BlankEntry {
                        field: format!("swot.{name}[{i}]"),
                    });
                }
            }
        }
        let review_ok = match &self.next_review {
            Some(r) if !is_iso_date(r) => {
                out.push(PlanError::BadDate {
                    field: "next_review".into(),
                    value: r.clone(),
                });
                false
            }
            _ => true,
        };
        for (i, a) in self.actions.iter().enumerate() {
            if !is_iso_date(&a.date) {
                out.push(PlanError::BadDate {
                    field: format!("actions[{i}].date"),
                    value: a.date.clone(),
                });
            }
            if a.action.trim().is_empty() {
                out.push(PlanError::EmptyAction { index: i });
            }
        }
        if let (true, Some(review), Some(last)) =
            (review_ok, &self.next_review, self.last_action_date())
        {
            if review.as_str() < last {
                out.push(PlanError::ReviewBeforeLastAction {
                    next_review: review.clone(),
                    last_action: last.to_string(),
                });
            }
        }
        out
    }

    /// `Ok` when the record is valid, else its first problem (see [`AccountPlan::problems`]).
    pub fn validate(&self) -> Result<(), PlanError> {
        match self.problems().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// A draft of this plan with the suggestions merged in as marked entries: still-marked
    /// entries are replaced by the fresh ones, the user's own entries are kept, and dismissed
    /// codes are skipped.
    pub fn with_suggestions(&self, suggestions: &[SwotSuggestion], lang: Lang) -> AccountPlan {
        let mut draft = self.clone();
        for q in [
            Quadrant::Strength,
            Quadrant::Weakness,
            Quadrant::Opportunity,
            Quadrant::Threat,
        ] {
            draft
                .swot
                .list_mut(q)
                .retain(|e| suggested_code(e).is_none());
        }
        for s in suggestions {
            if self.dismissed_suggestions.contains(&s.code) {
                continue;
            }
            let entry = match lang {
                Lang::En => format!("[suggested:{}] {}", s.code, s.text_en),
                Lang::Zh => format!("[建议:{}] {}", s.code, s.text_zh),
            };
            draft.swot.list_mut(s.quadrant).push(entry);
        }
        draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates() {
        for ok in ["2024-02-29", "2000-02-29", "2025-12-31", "0001-01-01"] {
            assert!(is_iso_date(ok), "{ok}");
        }
        for bad in [
            "2023-02-29",
            "2100-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "2025-4-03",
            "2025/04/03",
            "0000-01-01",
            "２０２５-01-01",
            "",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }

    #[test]
    fn markers_are_recognised() {
        assert_eq!(
            suggested_code("[suggested:late_payment] x"),
            Some("late_payment")
        );
        assert_eq!(
            suggested_code("[建议:cross_sell:3] y"),
            Some("cross_sell:3")
        );
        assert_eq!(suggested_code("late payment, call CFO"), None);
        assert_eq!(suggested_code("[suggested:unterminated"), None);
    }
}
