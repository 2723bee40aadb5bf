//! A sentence the engine writes for later readers, in no language yet.
//!
//! Why: a run's notes ("current-value weights calibrated …", "k = 3 chosen by …") are stored with
//! the run and read weeks later in the report, the web app and the CLI, each in its reader's
//! language. Storing English text froze them in English; storing both languages froze the set of
//! languages. A [`Note`] keeps the catalogue id and its arguments instead, and is rendered when it
//! is read, so a translator's fix to `notes.ftl` reaches old runs too.
//!
//! Design choices:
//! - **Arguments are notes themselves**, so a note can hold another (a calibration note holds the
//!   prior's note, "AHP, CR = 0.004"). Numbers are formatted by the engine (fixed decimals, ISO
//!   dates) and passed as text: the digits are the same in both languages.
//! - **Serde untagged**: a plain string reads as [`Note::Text`], so runs stored before notes were
//!   messages still load; a note built by a pure crate that already writes both languages (an
//!   `Explain` implementation) is a [`Note::Both`].
//! - `Display` renders English, so logs and `format!` keep working.

use serde::{Deserialize, Serialize};

use crate::{Arg, Lang};

/// A sentence to be rendered in the reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Note {
    /// Text in one language only: an error message from a library, or a note of a run stored
    /// before notes were messages. Rendered as given.
    Text(String),
    /// The same sentence already written in both languages.
    Both {
        /// English.
        en: String,
        /// Chinese.
        zh: String,
    },
    /// A catalogue message (`note-…` in `notes.ftl`) and its arguments.
    Msg {
        /// The message id.
        id: String,
        /// Named arguments, in the order given.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        args: Vec<(String, Note)>,
    },
}

impl Note {
    /// The catalogue message `id`, arguments to follow with [`Note::arg`].
    pub fn msg(id: &str) -> Note {
        Note::Msg {
            id: id.to_string(),
            args: Vec::new(),
        }
    }

    /// A sentence written in both languages.
    pub fn both(en: impl Into<String>, zh: impl Into<String>) -> Note {
        Note::Both {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// Adds the argument `key` (a text, a number formatted as text, or another note).
    #[must_use]
    pub fn arg(mut self, key: &str, value: impl Into<Note>) -> Note {
        if let Note::Msg { args, .. } = &mut self {
            args.push((key.to_string(), value.into()));
        }
        self
    }

    /// The sentence in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Note::Text(s) => s.clone(),
            Note::Both { en, zh } => match lang {
                Lang::En => en.clone(),
                Lang::Zh => zh.clone(),
            },
            Note::Msg { id, args } => {
                let rendered: Vec<(&str, String)> = args
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.render(lang)))
                    .collect();
                let fargs: Vec<(&str, Arg<'_>)> = rendered
                    .iter()
                    .map(|(k, v)| (*k, Arg::Str(v.as_str())))
                    .collect();
                crate::format(lang, id, &fargs)
            }
        }
    }

    /// The catalogue id of a message note (`None` for text).
    pub fn id(&self) -> Option<&str> {
        match self {
            Note::Msg { id, .. } => Some(id),
            _ => None,
        }
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl From<String> for Note {
    fn from(s: String) -> Note {
        Note::Text(s)
    }
}

impl From<&str> for Note {
    fn from(s: &str) -> Note {
        Note::Text(s.to_string())
    }
}

impl From<&String> for Note {
    fn from(s: &String) -> Note {
        Note::Text(s.clone())
    }
}

impl Default for Note {
    fn default() -> Note {
        Note::Text(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_string_reads_as_text_and_a_message_round_trips() {
        let old: Note = serde_json::from_str("\"entropy weights\"").unwrap();
        assert_eq!(old, Note::Text("entropy weights".into()));
        let n = Note::msg("note-weights-entropy");
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(serde_json::from_str::<Note>(&json).unwrap(), n);
        let both: Note = serde_json::from_str(r#"{"en":"a","zh":"甲"}"#).unwrap();
        assert_eq!(both.render(Lang::Zh), "甲");
    }

    #[test]
    fn nested_notes_render_in_the_readers_language() {
        let prior = Note::msg("note-prior-ahp").arg("cr", "0.004");
        let n = Note::msg("note-weights-combined")
            .arg("alpha", "0.5")
            .arg("prior", prior)
            .arg("rest", "0.5")
            .arg("objective", Note::msg("note-objective-entropy"));
        let en = n.render(Lang::En);
        let zh = n.render(Lang::Zh);
        assert!(en.contains("AHP, CR = 0.004"), "{en}");
        assert!(zh.contains("AHP"), "{zh}");
        assert!(crate::scan::latin_words(&zh).is_empty(), "{zh}");
    }
}
