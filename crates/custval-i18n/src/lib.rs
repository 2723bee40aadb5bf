//! custval's one message catalogue: every label a user reads, in English and Chinese.
//!
//! Why a crate of its own: the web app, the report, the XLSX export and the CLI all print the
//! same names (a class, a lifecycle stage, a rule), and a sales manager must read the same
//! Chinese word for the same thing on each. Before this crate the web and the report kept their
//! own tables and the classification crates a third; now the text lives in one place, in files a
//! translator can edit without reading Rust.
//!
//! Design choices:
//! - **Project Fluent** (`fluent-bundle`, Mozilla's implementation): `.ftl` files under
//!   `locales/{en,zh}/`, one pair per area (`web.ftl`, `report.ftl`, `cli.ftl`, `domain.ftl`, …),
//!   compiled into the binary with `include_str!`, so a fresh install needs no files beside the
//!   binary and a broken file fails the build's tests, not a user's page.
//! - **Lookups never fail.** [`text`] falls back from Chinese to English and then to the id itself;
//!   a test ([`tests`]) checks that both languages hold the same ids and that every message
//!   formats without error, so the fallbacks are only a safety net.
//! - **`&'static str` for plain messages.** Messages without arguments are formatted once, when
//!   the catalogue is first used, and kept for the life of the process, so callers (askama
//!   templates, tables) borrow them as they borrowed literals before. Messages with arguments go
//!   through [`format`].
//! - **Domain names by kind and id** ([`name`]): the engine's ids (`most_valuable`, `p_alive_low`,
//!   `Champions`) are looked up as `KIND-ID` in `domain.ftl`; an id with no name (a user's own
//!   rule or segment) is shown as given rather than hidden.
//! - Unicode isolation marks around arguments are off: custval's arguments are numbers and names
//!   inside a sentence of the same direction, and the marks would show up in CSV and terminals.
//! - **One currency per process** ([`set_currency`]): a store's amounts carry no currency, and one
//!   process serves one store, so the binary sets the config's `[ui] currency` once at start and
//!   every money cell ([`money`], [`money_short`], [`money_full`]) prints its symbol. The default
//!   is CNY.
//! - **Run notes as messages** ([`Note`]): what the engine notes about a run is stored as a
//!   catalogue id with arguments and rendered when read, in the reader's language.
//! - [`scan`] finds untranslated words in Chinese output, for the tests of every front end.

pub mod note;
pub mod scan;

pub use note::Note;

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

pub use custval_base::format::Currency;
use custval_base::format::{BigAmounts, money_cell};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

/// The language of an output. English is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, `¥1,234,567`.
    #[default]
    En,
    /// Simplified Chinese, `¥123.5万`.
    Zh,
}

impl Lang {
    /// Both languages, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The short code used in cookies, config files and flags (`en`, `zh`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Parses a code (`en`, `zh`, `zh-CN`, `en-US`, any case); `None` for other languages.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        let primary = s.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// How money cells write large amounts in this language: grouped thousands in English,
    /// 万 and 亿 in Chinese.
    pub fn big_amounts(self) -> custval_base::format::BigAmounts {
        match self {
            Lang::En => custval_base::format::BigAmounts::Grouped,
            Lang::Zh => custval_base::format::BigAmounts::WanYi,
        }
    }

    /// The HTML `lang` attribute value.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Zh => 1,
        }
    }
}

/// The `.ftl` files of one language, in load order; ids must be unique across them.
macro_rules! locale_files {
    ($lang:literal: $($file:literal),*) => {
        &[$(($file, include_str!(concat!("../locales/", $lang, "/", $file, ".ftl")))),*]
    };
}

/// The areas, one `.ftl` pair each.
const EN: &[(&str, &str)] = locale_files!("en": "domain", "web", "web-dashboard", "web-customers",
    "web-accounts", "report", "cli", "progress", "explain", "notes");
const ZH: &[(&str, &str)] = locale_files!("zh": "domain", "web", "web-dashboard", "web-customers",
    "web-accounts", "report", "cli", "progress", "explain", "notes");

/// One language's bundle, plus its argument-free messages formatted once.
struct Locale {
    bundle: FluentBundle<FluentResource>,
    plain: HashMap<String, String>,
    /// Parse or format problems found while loading (empty when the files are sound).
    problems: Vec<String>,
}

impl Locale {
    fn load(tag: &str, files: &[(&str, &str)]) -> Locale {
        let mut problems = Vec::new();
        let id = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        bundle.set_use_isolating(false);
        let mut ids = Vec::new();
        for (name, source) in files {
            let resource = match FluentResource::try_new((*source).to_string()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    problems.push(format!("{tag}/{name}.ftl: {errors:?}"));
                    r
                }
            };
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    ids.push(m.id.name.to_string());
                }
            }
            if let Err(errors) = bundle.add_resource(resource) {
                problems.push(format!("{tag}/{name}.ftl: {errors:?}"));
            }
        }
        let mut plain = HashMap::with_capacity(ids.len());
        for id in ids {
            let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle
                .format_pattern(pattern, None, &mut errors)
                .into_owned();
            // A message that needs arguments reports them missing; it is not plain.
            if errors.is_empty() {
                plain.insert(id, text);
            }
        }
        Locale {
            bundle,
            plain,
            problems,
        }
    }
}

static CATALOGUE: LazyLock<[Locale; 2]> =
    LazyLock::new(|| [Locale::load("en-US", EN), Locale::load("zh-CN", ZH)]);

fn locale(lang: Lang) -> &'static Locale {
    &CATALOGUE[lang.index()]
}

/// The message `id` in `lang`: Chinese falls back to English, and a missing id prints as itself.
pub fn text(lang: Lang, id: &str) -> &str {
    if let Some(t) = locale(lang).plain.get(id) {
        return t;
    }
    if lang != Lang::En
        && let Some(t) = locale(Lang::En).plain.get(id)
    {
        return t;
    }
    id
}

/// Whether `lang`'s own files hold the message `id` (no fallback).
pub fn has(lang: Lang, id: &str) -> bool {
    locale(lang).bundle.has_message(id)
}

/// An argument of a message: a number (Fluent picks plural forms and digits) or a text.
#[derive(Clone, Debug)]
pub enum Arg<'a> {
    /// A number.
    Num(f64),
    /// A text, inserted as given.
    Str(&'a str),
}

impl From<f64> for Arg<'_> {
    fn from(x: f64) -> Self {
        Arg::Num(x)
    }
}

impl From<usize> for Arg<'_> {
    fn from(x: usize) -> Self {
        Arg::Num(x as f64)
    }
}

impl From<i64> for Arg<'_> {
    fn from(x: i64) -> Self {
        Arg::Num(x as f64)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Str(s)
    }
}

/// The message `id` in `lang` with its arguments (`{ $name }` in the `.ftl` file). Numbers are
/// best passed already formatted as text (custval-base's formats) when digits matter, since
/// Fluent prints plain numbers with its own rules. Falls back as [`text`] does.
pub fn format(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        match v {
            Arg::Num(x) => fargs.set(*k, FluentValue::from(*x)),
            Arg::Str(s) => fargs.set(*k, FluentValue::from(*s)),
        }
    }
    for l in [lang, Lang::En] {
        let loc = locale(l);
        if let Some(pattern) = loc.bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return loc
                .bundle
                .format_pattern(pattern, Some(&fargs), &mut errors)
                .into_owned();
        }
    }
    id.to_string()
}

static CURRENCY: RwLock<Currency> = RwLock::new(Currency::CNY);

/// Sets the currency of every amount this process prints (the config's `[ui] currency`).
pub fn set_currency(currency: Currency) {
    match CURRENCY.write() {
        Ok(mut c) => *c = currency,
        Err(poisoned) => *poisoned.into_inner() = currency,
    }
}

/// The currency amounts are printed in (CNY unless [`set_currency`] said otherwise).
pub fn currency() -> Currency {
    match CURRENCY.read() {
        Ok(c) => *c,
        Err(poisoned) => *poisoned.into_inner(),
    }
}

/// Money for a table cell in `lang`'s style: grouped thousands in English (`$1,234,568`), 万 and
/// 亿 in Chinese (`¥123.5万`).
pub fn money(lang: Lang, x: f64) -> String {
    money_cell(x, lang.big_amounts(), currency())
}

/// Money where space is short (tiles, chart labels): 万/亿 in Chinese, K/M/B in English
/// (`$1.23M`). Show [`money_full`] beside it on hover.
pub fn money_short(lang: Lang, x: f64) -> String {
    let big = match lang {
        Lang::En => BigAmounts::KiloMega,
        Lang::Zh => BigAmounts::WanYi,
    };
    money_cell(x, big, currency())
}

/// Money in full, with two decimals (`$1,234,567.50`), for tooltips and exports.
pub fn money_full(x: f64) -> String {
    custval_base::format::money_full(x, currency())
}

/// The kinds of ids the engine produces, each a prefix in `domain.ftl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Value × potential class (`most_valuable`).
    Class,
    /// Lifecycle stage (`loyal`).
    Lifecycle,
    /// Lifecycle stage goal (`retention`).
    Goal,
    /// Potential tier (`high`).
    Potential,
    /// Profitability × loyalty class (`true_friend`).
    Loyalty,
    /// RFM segment, by its display name (`Champions`, `Can't Lose Them`).
    Segment,
    /// Alert rule (`p_alive_low`).
    Rule,
    /// Key-account risk rule (`payment_delay_increase`).
    RiskRule,
    /// Key-account risk level (`high`).
    Risk,
    /// Alert severity (`critical`).
    Severity,
    /// Classification dimension (`value_class`).
    Dimension,
    /// Backtested ranking method (`score`).
    Method,
    /// Weight direction (`benefit`).
    Direction,
    /// Purchase or spend model (`pnbd`).
    Model,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Class => "class",
            Kind::Lifecycle => "lifecycle",
            Kind::Goal => "goal",
            Kind::Potential => "potential",
            Kind::Loyalty => "loyalty",
            Kind::Segment => "segment",
            Kind::Rule => "rule",
            Kind::RiskRule => "riskrule",
            Kind::Risk => "risk",
            Kind::Severity => "severity",
            Kind::Dimension => "dimension",
            Kind::Method => "method",
            Kind::Direction => "direction",
            Kind::Model => "model",
        }
    }
}

/// The catalogue id of a domain id: `KIND-id`, with the id folded to lower snake case so that
/// display names such as `Can't Lose Them` find `segment-cant_lose_them`.
pub fn domain_id(kind: Kind, id: &str) -> String {
    let mut key = String::with_capacity(id.len() + 12);
    key.push_str(kind.prefix());
    key.push('-');
    let mut gap = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !key.ends_with('-') {
                key.push('_');
            }
            gap = false;
            key.push(c.to_ascii_lowercase());
        } else if c == '\'' {
            // "Can't" is one word.
        } else {
            gap = true;
        }
    }
    key
}

/// The name of an engine id of `kind` in `lang`; an id without a name is returned as given.
pub fn name(lang: Lang, kind: Kind, id: &str) -> &str {
    lookup_static(lang, &domain_id(kind, id)).unwrap_or(id)
}

fn lookup_static(lang: Lang, id: &str) -> Option<&'static str> {
    locale(lang)
        .plain
        .get(id)
        .or_else(|| locale(Lang::En).plain.get(id))
        .map(String::as_str)
}

/// Every message id of `lang`'s files, sorted (for completeness tests in other crates).
pub fn ids(lang: Lang) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = locale(lang).plain.keys().map(String::as_str).collect();
    v.sort_unstable();
    v
}

/// Problems found while loading the files (parse errors, duplicate ids); empty when sound.
pub fn problems() -> Vec<String> {
    CATALOGUE.iter().flat_map(|l| l.problems.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_ids(lang: Lang) -> Vec<String> {
        let files = match lang {
            Lang::En => EN,
            Lang::Zh => ZH,
        };
        let mut ids = Vec::new();
        for (_, source) in files {
            let Ok(resource) = FluentResource::try_new((*source).to_string()) else {
                continue;
            };
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    ids.push(m.id.name.to_string());
                }
            }
        }
        ids.sort();
        ids
    }

    #[test]
    fn the_files_parse_without_duplicates() {
        assert_eq!(problems(), Vec::<String>::new());
    }

    #[test]
    fn both_languages_hold_the_same_ids() {
        let en = all_ids(Lang::En);
        let zh = all_ids(Lang::Zh);
        let only_en: Vec<_> = en.iter().filter(|i| !zh.contains(i)).collect();
        let only_zh: Vec<_> = zh.iter().filter(|i| !en.contains(i)).collect();
        assert!(
            only_en.is_empty() && only_zh.is_empty(),
            "only in en: {only_en:?}; only in zh: {only_zh:?}"
        );
    }

    #[test]
    fn significant_spaces_survive() {
        assert_eq!(text(Lang::En, "report-Colon"), ": ");
        assert_eq!(text(Lang::Zh, "report-Colon"), "：");
        assert_eq!(text(Lang::En, "report-SecondsUnit"), " s");
    }

    #[test]
    fn domain_names_and_fallbacks() {
        assert_eq!(name(Lang::Zh, Kind::Class, "most_valuable"), "最有价值客户");
        assert_eq!(
            name(Lang::Zh, Kind::Segment, "Can't Lose Them"),
            "不能失去的客户"
        );
        assert_eq!(name(Lang::Zh, Kind::Rule, "my_own_rule"), "my_own_rule");
        assert_eq!(text(Lang::Zh, "no-such-message"), "no-such-message");
        assert_eq!(
            domain_id(Kind::Segment, "About To Sleep"),
            "segment-about_to_sleep"
        );
    }

    #[test]
    fn languages_parse_from_codes_and_tags() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN_us"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::default(), Lang::En);
    }
}
