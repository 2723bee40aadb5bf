//! The language and currency of everything this process prints for people, and the CLI's own
//! messages in that language.
//!
//! One place decides them at start: `--lang` wins, else `[ui] lang` of the workspace's
//! `custval.toml` (beside the store), else English; the currency is `[ui] currency` (CNY by
//! default), set once for the process so every money cell prints its symbol. The texts live in
//! the one catalogue (`custval-i18n`, `cli.ftl`); JSON and CSV keep their ids in any language.

use std::path::{Path, PathBuf};

use anyhow::Result;
pub use custval_i18n::{Arg, Kind, Lang};

/// The language and currency for this run: the flag, else the workspace config, else defaults.
/// A bad `[ui]` value is an error naming its line; a config broken elsewhere is left to the
/// commands that read all of it (so `user list` still works while `evaluate` says what is
/// wrong).
pub fn settings(db: &str, flag: Option<Lang>) -> Result<(Lang, custval_i18n::Currency)> {
    let path = default_config_path(db);
    let ui = match std::fs::read_to_string(&path) {
        Err(_) => custval_config::Ui::default(),
        Ok(text) => match custval_config::ui(&text) {
            Ok(ui) => ui,
            Err(e) if e.key.starts_with("ui") => {
                anyhow::bail!("{}: {e}", path.display())
            }
            Err(_) => custval_config::Ui::default(),
        },
    };
    let lang = flag.unwrap_or(match ui.lang {
        custval_config::UiLang::En => Lang::En,
        custval_config::UiLang::Zh => Lang::Zh,
    });
    let currency = custval_i18n::Currency::parse(&ui.currency).unwrap_or_default();
    Ok((lang, currency))
}

/// A message of the catalogue without arguments.
pub fn t(lang: Lang, id: &str) -> String {
    custval_i18n::text(lang, id).to_string()
}

/// A message of the catalogue with arguments.
pub fn f(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    custval_i18n::format(lang, id, args)
}

/// An engine id's name in `lang` (a class, stage, rule…); ids without a name stay as given.
pub fn name(lang: Lang, kind: Kind, id: &str) -> String {
    custval_i18n::name(lang, kind, id).to_string()
}

/// A quarantine reason in `lang`: English as it always was, Chinese from the catalogue with
/// the same column and value.
pub fn reason(lang: Lang, r: &custval_ingest::Reason) -> String {
    use custval_ingest::Reason as R;
    if lang == Lang::En {
        return r.to_string();
    }
    let s = Arg::Str;
    match r {
        R::Missing { column } => f(lang, "cli-reason-missing", &[("column", s(column))]),
        R::BadDate { column, value } => f(
            lang,
            "cli-reason-bad-date",
            &[("column", s(column)), ("value", s(value))],
        ),
        R::BadSerialDate { column, serial } => f(
            lang,
            "cli-reason-bad-date",
            &[("column", s(column)), ("value", s(serial))],
        ),
        R::BadNumber { column, value } => f(
            lang,
            "cli-reason-bad-number",
            &[("column", s(column)), ("value", s(value))],
        ),
        R::BadValue { column, value } => f(
            lang,
            "cli-reason-bad-value",
            &[("column", s(column)), ("value", s(value))],
        ),
        R::UnexpectedDate {
            column,
            date,
            expected,
        } => f(
            lang,
            match expected {
                custval_ingest::Expected::Number => "cli-reason-date-for-number",
                custval_ingest::Expected::Text => "cli-reason-date-for-text",
            },
            &[("column", s(column)), ("date", s(date))],
        ),
        R::CellError { column, error } => f(
            lang,
            "cli-reason-cell-error",
            &[("column", s(column)), ("error", s(error))],
        ),
        R::NotAMonth { column, value } => f(
            lang,
            "cli-reason-not-a-month",
            &[("column", s(column)), ("value", s(value))],
        ),
        R::NeitherGiven { first, second } => f(
            lang,
            "cli-reason-neither-given",
            &[("first", s(first)), ("second", s(second))],
        ),
        R::OutOfRange {
            column,
            value,
            low,
            high,
        } => {
            let (v, lo, hi) = (value.to_string(), low.to_string(), high.to_string());
            f(
                lang,
                "cli-reason-out-of-range",
                &[
                    ("column", s(column)),
                    ("value", s(&v)),
                    ("low", s(&lo)),
                    ("high", s(&hi)),
                ],
            )
        }
        R::NotYesNo { column, value } => f(
            lang,
            "cli-reason-not-yes-no",
            &[("column", s(column)), ("value", s(value))],
        ),
        R::ContractEndsBeforeStart => t(lang, "cli-reason-contract-ends-before-start"),
        R::DueBeforeInvoice => t(lang, "cli-reason-due-before-invoice"),
        R::Other(text) => text.clone(),
    }
}

/// The common errors in Chinese (no run yet, an unknown tier or class, a missing file, a
/// short password…), found by type in the error's chain; `None` in English or for other
/// errors, which print as they are.
pub fn error_line(lang: Lang, e: &anyhow::Error) -> Option<String> {
    use custval_app::AppError;
    use custval_store::StoreError;
    if lang == Lang::En {
        return None;
    }
    let s = Arg::Str;
    for cause in e.chain() {
        if let Some(a) = cause.downcast_ref::<AppError>() {
            match a {
                AppError::NoRuns => return Some(t(lang, "cli-err-no-runs")),
                AppError::Invalid { what, value, valid } => {
                    let id = format!("cli-what-{}", what.replace(' ', "-"));
                    let what = if custval_i18n::has(lang, &id) {
                        t(lang, &id)
                    } else {
                        (*what).to_string()
                    };
                    return Some(f(
                        lang,
                        "cli-err-invalid",
                        &[("what", s(&what)), ("value", s(value)), ("valid", s(valid))],
                    ));
                }
                AppError::NotInRun { run, customer } => {
                    let run = run.to_string();
                    return Some(f(
                        lang,
                        "cli-err-not-in-run",
                        &[("id", s(customer)), ("run", s(&run))],
                    ));
                }
                AppError::UnknownCustomer(id) => {
                    return Some(f(lang, "cli-err-unknown-customer", &[("id", s(id))]));
                }
                _ => {}
            }
        }
        if let Some(st) = cause.downcast_ref::<StoreError>() {
            match st {
                StoreError::NotInitialised { path } => {
                    let path = path.display().to_string();
                    return Some(f(lang, "cli-err-no-store", &[("path", s(&path))]));
                }
                StoreError::RunNotFound(run) => {
                    let run = run.to_string();
                    return Some(f(lang, "cli-err-run-not-found", &[("run", s(&run))]));
                }
                StoreError::UnknownCustomer(id) => {
                    return Some(f(lang, "cli-err-unknown-customer", &[("id", s(id))]));
                }
                StoreError::UnknownUser(name) => {
                    return Some(f(lang, "cli-err-unknown-user", &[("name", s(name))]));
                }
                StoreError::WeakPassword(n) => {
                    let n = n.to_string();
                    return Some(f(lang, "cli-err-weak-password", &[("n", s(&n))]));
                }
                _ => {}
            }
        }
        if let Some(custval_ingest::IngestError::Io { path, source }) =
            cause.downcast_ref::<custval_ingest::IngestError>()
        {
            let path = path.display().to_string();
            return Some(if source.kind() == std::io::ErrorKind::NotFound {
                f(lang, "cli-err-file-not-found", &[("path", s(&path))])
            } else {
                let why = source.to_string();
                f(
                    lang,
                    "cli-err-file-unreadable",
                    &[("path", s(&path)), ("why", s(&why))],
                )
            });
        }
    }
    None
}

/// `custval.toml` beside the store file (or in the current directory for a URL).
pub fn default_config_path(db: &str) -> PathBuf {
    if db.contains("://") {
        return PathBuf::from("custval.toml");
    }
    Path::new(db)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("custval.toml"), |p| p.join("custval.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use custval_ingest::Reason as R;

    fn every_reason() -> Vec<R> {
        let c = || "amount".to_string();
        vec![
            R::Missing { column: c() },
            R::BadDate {
                column: c(),
                value: "soon".into(),
            },
            R::BadSerialDate {
                column: c(),
                serial: "1e9".into(),
            },
            R::BadNumber {
                column: c(),
                value: "many".into(),
            },
            R::BadValue {
                column: c(),
                value: "inf".into(),
            },
            R::UnexpectedDate {
                column: c(),
                date: "2024-01-31".into(),
                expected: custval_ingest::Expected::Number,
            },
            R::UnexpectedDate {
                column: c(),
                date: "2024-01-31".into(),
                expected: custval_ingest::Expected::Text,
            },
            R::CellError {
                column: c(),
                error: "#DIV/0!".into(),
            },
            R::NotAMonth {
                column: "period".into(),
                value: "Q3".into(),
            },
            R::NeitherGiven {
                first: "csat".into(),
                second: "nps".into(),
            },
            R::OutOfRange {
                column: "nps".into(),
                value: 11.0,
                low: 0.0,
                high: 10.0,
            },
            R::NotYesNo {
                column: "renewed".into(),
                value: "maybe".into(),
            },
            R::ContractEndsBeforeStart,
            R::DueBeforeInvoice,
        ]
    }

    /// English stays the typed reason's own sentence; Chinese has a sentence of its own for
    /// every kind, naming the same column and value and no English word.
    #[test]
    fn reasons_in_both_languages() {
        for r in every_reason() {
            assert_eq!(reason(Lang::En, &r), r.to_string());
            let zh = reason(Lang::Zh, &r);
            assert_ne!(zh, r.to_string(), "{r:?}");
            let data = [
                "amount", "period", "csat", "nps", "renewed", "soon", "many", "inf", "Q3", "maybe",
                "DIV", "e9",
            ];
            let words: Vec<String> = custval_i18n::scan::latin_words(&zh)
                .into_iter()
                .filter(|w| !data.contains(&w.as_str()))
                .collect();
            assert!(words.is_empty(), "{zh}: {words:?}");
        }
    }
}
