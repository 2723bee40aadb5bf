//! Progress on stderr for the long commands (reading files, import, evaluate, report, export):
//! the one place that decides whether and how progress is drawn.
//!
//! Progress shows only when stderr is a terminal and `-q` is not given; otherwise every bar is
//! hidden and nothing at all is written (a log or a pipe gets no escape codes, and stdout,
//! where `--format json` goes, is never touched). Bars redraw at most 8 times a second; the
//! ones that wait on a single long call (a store load, a workbook being zipped) tick on their
//! own so that the spinner and the elapsed time move.
//!
//! Every word on a bar comes from the catalogue (`progress.ftl`, ids `progress-…`), in the
//! language of the rest of the output.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use custval_eval::progress::{NoProgress, Progress, Step};
use custval_i18n::{Arg, Lang};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Globals;

/// Redraws per second at most.
const HZ: u8 = 8;
/// How often a bar that waits on one long call redraws by itself.
const TICK: Duration = Duration::from_millis(120);

const SPIN: &str = "{prefix} {spinner} {msg} {elapsed}";

/// A bar over bytes, with its rate and the time left, in `lang`.
fn bytes_template(lang: Lang) -> String {
    format!(
        "{{prefix}} {{bar:30}} {{percent:>3}}% {{binary_bytes_per_sec}} {} {{eta}}",
        custval_i18n::text(lang, "progress-eta")
    )
}

/// A bar over a count, with what it counts and the time left, in `lang`.
fn count_template(lang: Lang) -> String {
    format!(
        "{{prefix}} {{bar:30}} {{percent:>3}}% {{human_pos}}/{{human_len}} {{msg}} {} {{eta}}",
        custval_i18n::text(lang, "progress-eta")
    )
}

/// The word for `id` on a bar (`reading` → `progress-reading`), in the output's language.
pub fn label(g: &Globals, id: &str) -> String {
    custval_i18n::text(g.lang, &format!("progress-{id}")).to_string()
}

/// What a phase is doing (`rows` → "1,000 rows"), from `progress-msg-{id}` with `args`.
pub fn msg(g: &Globals, id: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<(&str, Arg<'_>)> = args.iter().map(|(k, v)| (*k, Arg::Str(v))).collect();
    custval_i18n::format(g.lang, &format!("progress-msg-{id}"), &args)
}

/// Whether progress is drawn at all: stderr is a terminal and `-q` was not given.
pub fn shown(g: &Globals) -> bool {
    !g.quiet && std::io::stderr().is_terminal()
}

fn styled(g: &Globals, len: Option<u64>, template: &str, label: &str) -> ProgressBar {
    if !shown(g) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr_with_hz(HZ));
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_prefix(label.to_string());
    bar
}

/// A bar over the bytes (or rows) of a file being read, with its rate and ETA; the reader
/// sets the length once it knows it. `label` is already in words (see [`label`]).
pub fn bytes(g: &Globals, label: &str) -> ProgressBar {
    styled(g, Some(0), &bytes_template(g.lang), label)
}

/// A bar over `len` things (customers, orders, rows) with ETA; the unit `unit_id`
/// (`progress-unit-…`) follows the count.
pub fn count(g: &Globals, label: &str, len: u64, unit_id: &str) -> ProgressBar {
    let bar = styled(g, Some(len), &count_template(g.lang), label);
    bar.set_message(self::label(g, &format!("unit-{unit_id}")));
    bar
}

/// A spinner with the elapsed time for a phase whose length is unknown; `msg` says what it
/// is doing (e.g. how many rows it writes).
pub fn spinner(g: &Globals, label: &str, msg: &str) -> ProgressBar {
    let bar = styled(g, None, SPIN, label);
    bar.set_message(msg.to_string());
    bar.enable_steady_tick(TICK);
    bar
}

/// A command's phases one after the other on one line: each [`Phases::next`] replaces the
/// label and message and restarts the elapsed time. Cleared when dropped.
pub struct Phases {
    bar: ProgressBar,
    command: String,
    lang: Lang,
}

impl Phases {
    /// The phases of the command `command_id` (`progress-cmd-…`).
    pub fn new(g: &Globals, command_id: &str) -> Phases {
        let command = label(g, &format!("cmd-{command_id}"));
        Phases {
            bar: spinner(g, &command, ""),
            command,
            lang: g.lang,
        }
    }

    /// Starts the phase `label_id` (`reading-results` → "reading results"), with `msg`
    /// ("200,000 customers", see [`msg`]).
    pub fn next(&self, label_id: &str, msg: impl Into<String>) {
        let label = custval_i18n::text(self.lang, &format!("progress-{label_id}")).to_string();
        self.bar.reset();
        self.bar.set_prefix(format!("{}: {label}", self.command));
        self.bar.set_message(msg.into());
    }

    /// Runs `f` (which prints to stderr) with the line cleared, then redraws it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }
}

impl Drop for Phases {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// The label of an evaluation step on the bar, in `lang`.
pub fn step_label(lang: Lang, step: Step) -> &'static str {
    let id = match step {
        Step::Load => "progress-step-load",
        Step::Calibrate => "progress-step-calibrate",
        Step::Features => "progress-step-features",
        Step::ClvFit => "progress-step-clv",
        Step::KeyAccounts => "progress-step-key-accounts",
        Step::Scores => "progress-step-scores",
        Step::Classes => "progress-step-classes",
        Step::Alerts => "progress-step-alerts",
        Step::Write => "progress-step-write",
    };
    custval_i18n::text(lang, id)
}

/// An evaluation's steps on one bar: a spinner while a step does not count, a bar with ETA
/// (customers or results done) while it does. Reports come from any thread, once per chunk.
/// Each finished step stays on the terminal as a line with its time, so a step shorter than a
/// redraw is still seen, and the user learns where the time went.
pub struct Steps {
    bar: ProgressBar,
    prefix: String,
    lang: Lang,
    current: Mutex<Option<(Step, std::time::Instant)>>,
}

impl Steps {
    /// `prefix` heads every label ("evaluate", "evaluate 2024-12-31").
    pub fn new(g: &Globals, prefix: String) -> Steps {
        let bar = styled(g, None, SPIN, &prefix);
        bar.enable_steady_tick(TICK);
        Steps {
            bar,
            prefix,
            lang: g.lang,
            current: Mutex::new(None),
        }
    }

    /// What the engine should report to: this bar when it is shown, else nothing at all.
    pub fn hook(&self) -> &dyn Progress {
        if self.bar.is_hidden() {
            &NoProgress
        } else {
            self
        }
    }
}

impl Progress for Steps {
    fn report(&self, step: Step, done: u64, total: u64) {
        let Ok(mut current) = self.current.lock() else {
            return;
        };
        if current.map(|(s, _)| s) != Some(step) {
            if let Some((done_step, since)) = *current {
                self.done_line(done_step, since);
            }
            *current = Some((step, std::time::Instant::now()));
            self.bar.reset();
            let template = if total > 0 {
                count_template(self.lang)
            } else {
                SPIN.to_string()
            };
            if let Ok(style) = ProgressStyle::with_template(&template) {
                self.bar.set_style(style);
            }
            self.bar
                .set_prefix(format!("{}: {}", self.prefix, step_label(self.lang, step)));
            self.bar.set_message(match (step, total) {
                (_, 0) => "",
                (Step::Write, _) => custval_i18n::text(self.lang, "progress-unit-results"),
                _ => custval_i18n::text(self.lang, "progress-unit-customers"),
            });
        }
        if total > 0 {
            self.bar.set_length(total);
            self.bar.set_position(done);
        }
    }
}

impl Steps {
    /// Leaves "evaluate: features  1.2 s" above the bar (nothing when the bar is hidden).
    fn done_line(&self, step: Step, since: std::time::Instant) {
        let seconds = format!("{:.1}", since.elapsed().as_secs_f64());
        self.bar.println(custval_i18n::format(
            self.lang,
            "progress-step-done",
            &[
                ("prefix", Arg::Str(&self.prefix)),
                ("step", Arg::Str(step_label(self.lang, step))),
                ("seconds", Arg::Str(&seconds)),
            ],
        ));
    }
}

impl Drop for Steps {
    fn drop(&mut self) {
        if let Ok(current) = self.current.lock()
            && let Some((step, since)) = *current
        {
            self.done_line(step, since);
        }
        self.bar.finish_and_clear();
    }
}
