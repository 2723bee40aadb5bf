//! From text to [`Config`]: TOML syntax, schema, and the defaults of absent sections.
//!
//! The text is parsed twice: once by `toml::de::DeTable` for the spans of every key (the
//! [`SourceMap`]), once by serde into the typed [`Config`]. Parsing is cheap next to an
//! evaluation, and keeping the typed structs free of spans keeps them plain for the engine.

use serde::Deserialize;
use toml::de::DeTable;

use crate::error::{ConfigError, ErrorKind, SourceMap};
use crate::schema::{Config, DimensionWeights, Ui};
use crate::suggest::did_you_mean;

/// The configuration `custval init` writes: a commented B2B evaluation system.
pub const DEFAULT_TOML: &str = include_str!("default.toml");

/// [`DEFAULT_TOML`] as a [`Config`].
pub fn default_config() -> Config {
    // Cannot fail: tests parse and validate DEFAULT_TOML. The fallback (empty lists, default
    // sections) only keeps this function free of panics.
    parse_plain(DEFAULT_TOML).map_or_else(|_| empty_config(), |(c, _)| c)
}

fn empty_config() -> Config {
    Config {
        evaluation: Default::default(),
        tiers: Default::default(),
        classes: Default::default(),
        indicators: Vec::new(),
        weights: Default::default(),
        budget: Default::default(),
        playbooks: Vec::new(),
        actions: Vec::new(),
        hysteresis: Default::default(),
        alerts: Default::default(),
        webhook: Default::default(),
        accounts: Default::default(),
        ui: Default::default(),
    }
}

/// Parses a `custval.toml` text: TOML syntax and the schema (unknown keys, types, choices),
/// with absent sections filled in from the default configuration:
///
/// - no `[[indicator]]` at all: the default indicators; no `[weights.<dimension>]` block:
///   the default block when the indicators are the default ones, else equal weights;
/// - no `[[playbook]]` / `[[action]]`: the default playbooks / actions (write `playbook = []`
///   or `action = []` for none);
/// - any other absent key: its documented default.
///
/// Semantic checks (formulas, weights, names) are [`crate::validate`]'s; [`crate::load`] does
/// both with line numbers.
///
/// # Errors
/// [`ErrorKind::Syntax`] or [`ErrorKind::Schema`], naming the key, line and column.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    parse_with_map(text).map(|(config, _)| config)
}

/// [`parse`], keeping the source map for validation.
pub(crate) fn parse_with_map(text: &str) -> Result<(Config, SourceMap<'_>), ConfigError> {
    let (mut config, map) = parse_plain(text)?;
    if !(map.contains("indicator")
        && map.contains("playbook")
        && map.contains("action")
        && map.contains("weights.current")
        && map.contains("weights.potential"))
    {
        let defaults = default_config();
        let default_indicators = !map.contains("indicator");
        if default_indicators {
            config.indicators = defaults.indicators;
        }
        let fill = |mine: &mut DimensionWeights, theirs: DimensionWeights, path: &str| {
            if !map.contains(path) && default_indicators {
                *mine = theirs;
            }
        };
        fill(
            &mut config.weights.current,
            defaults.weights.current,
            "weights.current",
        );
        fill(
            &mut config.weights.potential,
            defaults.weights.potential,
            "weights.potential",
        );
        if !map.contains("playbook") {
            config.playbooks = defaults.playbooks;
        }
        if !map.contains("action") {
            config.actions = defaults.actions;
        }
    }
    Ok((config, map))
}

/// Only the `[ui]` section of a `custval.toml` text, checked (syntax of the whole text, the
/// schema and values of `[ui]`): every command reads it for the language of its output, while
/// only the commands that evaluate need the whole file valid.
///
/// # Errors
/// A syntax error anywhere, or a bad `[ui]` key or value, naming the key and line.
pub fn ui(text: &str) -> Result<Ui, ConfigError> {
    /// The file seen through `[ui]` alone; other sections are ignored here.
    #[derive(Deserialize)]
    struct UiOnly {
        #[serde(default)]
        ui: Ui,
    }
    let (table, errors) = DeTable::parse_recoverable(text);
    let map = SourceMap::new(text, table.get_ref());
    if let Some(e) = errors.first() {
        return Err(located(&map, text, ErrorKind::Syntax, e));
    }
    let only = UiOnly::deserialize(
        toml::de::Deserializer::parse(text)
            .map_err(|e| located(&map, text, ErrorKind::Syntax, &e))?,
    )
    .map_err(|e| located(&map, text, ErrorKind::Schema, &e))?;
    match crate::validate::ui_error(&only.ui, Some(&map)) {
        Some(e) => Err(e),
        None => Ok(only.ui),
    }
}

/// Syntax and schema only, no defaults filled.
fn parse_plain(text: &str) -> Result<(Config, SourceMap<'_>), ConfigError> {
    let (table, errors) = DeTable::parse_recoverable(text);
    let map = SourceMap::new(text, table.get_ref());
    if let Some(e) = errors.first() {
        return Err(located(&map, text, ErrorKind::Syntax, e));
    }
    match Config::deserialize(
        toml::de::Deserializer::parse(text)
            .map_err(|e| located(&map, text, ErrorKind::Syntax, &e))?,
    ) {
        Ok(config) => Ok((config, map)),
        Err(e) => Err(located(&map, text, ErrorKind::Schema, &e)),
    }
}

/// A toml error as a [`ConfigError`]: the key from the span, the message made friendlier.
fn located(map: &SourceMap<'_>, text: &str, kind: ErrorKind, e: &toml::de::Error) -> ConfigError {
    let offset = e.span().map(|s| s.start);
    let (line, column) = match offset {
        Some(o) => {
            let (l, c) = map.position(o);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    let key = offset
        .and_then(|o| map.path_at(o).map(str::to_owned))
        .or_else(|| offset.and_then(|o| key_on_line(text, o)))
        .unwrap_or_default();
    let message = friendlier(e.message());
    ConfigError {
        kind,
        key,
        line,
        column,
        message: match kind {
            ErrorKind::Syntax => format!("TOML syntax: {message}"),
            _ => message,
        },
    }
}

/// For a syntax error the span may lie outside every parsed key; the text before `=` on the
/// error's line is then the best guess at the key.
fn key_on_line(text: &str, offset: usize) -> Option<String> {
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && !key.starts_with('#')).then(|| key.to_owned())
}

/// serde's "unknown field `idd`, expected `id` or `x`" gains "(did you mean `id`?)", and
/// the same for unknown choices ("unknown variant").
fn friendlier(message: &str) -> String {
    let message = message.trim_end();
    for (prefix, what) in [("unknown field `", "key"), ("unknown variant `", "value")] {
        let Some(rest) = message.strip_prefix(prefix) else {
            continue;
        };
        let ticks: Vec<&str> = rest.split('`').collect();
        // ["idd", ", expected ", "id", " or ", "x", ""]: the name, then every other piece.
        let Some(name) = ticks.first() else {
            continue;
        };
        let expected: Vec<&str> = ticks.iter().skip(2).step_by(2).copied().collect();
        let tail = rest.get(name.len() + 1..).unwrap_or("");
        return format!(
            "unknown {what} `{name}`{}{tail}",
            did_you_mean(name, expected.iter().copied())
        );
    }
    message.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn friendlier_messages() {
        assert_eq!(
            friendlier("unknown field `idd`, expected `id` or `x`"),
            "unknown key `idd` (did you mean `id`?), expected `id` or `x`"
        );
        assert_eq!(
            friendlier("unknown variant `minmx`, expected one of `minmax`, `rank`"),
            "unknown value `minmx` (did you mean `minmax`?), expected one of `minmax`, `rank`"
        );
        assert_eq!(friendlier("missing field `id`"), "missing field `id`");
    }

    #[test]
    fn key_guess_on_a_broken_line() {
        assert_eq!(key_on_line("a = 1\nb = \n", 10).as_deref(), Some("b"));
        assert_eq!(key_on_line("[x\n", 1), None);
    }
}
