//! Progress on stderr for the long commands (reading files, import, evaluate, report, export):
//! the one place that decides whether and how progress is drawn.
//!
//! Progress shows only when stderr is a terminal and `-q` is not given; otherwise every bar is
//! hidden and nothing at all is written (a log or a pipe gets no escape codes, and stdout,
//! where `--format json` goes, is never touched). Bars redraw at most 8 times a second; the
//! ones that wait on a single long call (a store load, a workbook being zipped) tick on their
//! own so that the spinner and the elapsed time move.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use custval_eval::progress::{NoProgress, Progress, Step};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Globals;

/// Redraws per second at most.
const HZ: u8 = 8;
/// How often a bar that waits on one long call redraws by itself.
const TICK: Duration = Duration::from_millis(120);

const BYTES: &str = "{prefix} {bar:30} {percent:>3}% {binary_bytes_per_sec} eta {eta}";
const COUNT: &str = "{prefix} {bar:30} {percent:>3}% {human_pos}/{human_len} {msg} eta {eta}";
const SPIN: &str = "{prefix} {spinner} {msg} {elapsed}";

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
/// sets the length once it knows it.
pub fn bytes(g: &Globals, label: &str) -> ProgressBar {
    styled(g, Some(0), BYTES, label)
}

/// A bar over `len` things (customers, orders, rows) with ETA; `unit` follows the count.
pub fn count(g: &Globals, label: &str, len: u64, unit: &str) -> ProgressBar {
    let bar = styled(g, Some(len), COUNT, label);
    bar.set_message(unit.to_string());
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
    command: &'static str,
}

impl Phases {
    pub fn new(g: &Globals, command: &'static str) -> Phases {
        Phases {
            bar: spinner(g, command, ""),
            command,
        }
    }

    /// Starts the phase `label` ("reading results"), with `msg` ("200,000 customers").
    pub fn next(&self, label: &str, msg: impl Into<String>) {
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

/// The label of an evaluation step on the bar.
pub fn step_label(step: Step) -> &'static str {
    match step {
        Step::Load => "load",
        Step::Calibrate => "calibrate weights",
        Step::Features => "features",
        Step::ClvFit => "CLV fit",
        Step::KeyAccounts => "key accounts",
        Step::Scores => "scores",
        Step::Classes => "classes",
        Step::Alerts => "alerts",
        Step::Write => "write",
    }
}

/// An evaluation's steps on one bar: a spinner while a step does not count, a bar with ETA
/// (customers or results done) while it does. Reports come from any thread, once per chunk.
/// Each finished step stays on the terminal as a line with its time, so a step shorter than a
/// redraw is still seen, and the user learns where the time went.
pub struct Steps {
    bar: ProgressBar,
    prefix: String,
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
            let template = if total > 0 { COUNT } else { SPIN };
            if let Ok(style) = ProgressStyle::with_template(template) {
                self.bar.set_style(style);
            }
            self.bar
                .set_prefix(format!("{}: {}", self.prefix, step_label(step)));
            self.bar.set_message(match (step, total) {
                (_, 0) => "",
                (Step::Write, _) => "results",
                _ => "customers",
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
        self.bar.println(format!(
            "{}: {}  {:.1} s",
            self.prefix,
            step_label(step),
            since.elapsed().as_secs_f64()
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
