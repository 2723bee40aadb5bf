//! Action reasons in words, from what a stored action keeps: the figures its rule read
//! (`variable = value, …`) and the playbook field it came from.
//!
//! Why a module: the stored figures are written once per customer with the configuration's
//! variable names (`p_alive = 0.42`), which is what an export and the English reason show; a
//! Chinese reader needs the variable's Chinese label and the value's Chinese name instead
//! (存活概率 0.42，价值类别 最有价值客户), never the rule's formula. The sentences are in the
//! message catalogue (`explain.ftl`); this module only finds the names.

use std::borrow::Cow;

use custval_i18n::{Arg, Kind, Lang, format, has, name, text};

use crate::plan::Plan;

/// A variable's label in `lang`: a built-in feature, a class variable, a result variable or
/// one of the run's indicators; an unknown name is shown as given.
fn variable_label<'a>(lang: Lang, var: &'a str, plan: &'a Plan) -> &'a str {
    let zh = lang == Lang::Zh;
    if let Some(f) = custval_config::features::feature(var) {
        return if zh { f.label_zh } else { f.label_en };
    }
    if let Some(v) = custval_config::features::class_variable(var) {
        return if zh { v.label_zh } else { v.label_en };
    }
    if let Some(v) = custval_config::RESULT_VARIABLES
        .iter()
        .find(|v| v.name == var)
    {
        return if zh { v.label_zh } else { v.label_en };
    }
    if let Some(i) = plan.indicators.iter().find(|i| i.id == var) {
        return if zh { &i.name_zh } else { &i.name_en };
    }
    var
}

/// A class variable's value as `lang` names it (`most_valuable` → 最有价值客户, size `key` →
/// 大客户); data values (an industry, a region) and numbers are shown as given.
pub(crate) fn value_name<'a>(lang: Lang, var: &str, value: &'a str) -> Cow<'a, str> {
    let kind = match var {
        "value_class" => Kind::Class,
        "potential_tier" => Kind::Potential,
        "lifecycle" => Kind::Lifecycle,
        "profit_loyalty" => Kind::Loyalty,
        "rfm_segment" => Kind::Segment,
        "size" => {
            let id = format!("explain-size-{value}");
            return if has(lang, &id) {
                Cow::Owned(text(lang, &id).to_string())
            } else {
                Cow::Borrowed(value)
            };
        }
        _ => {
            return Cow::Borrowed(match value {
                "missing" => text(lang, "explain-value-missing"),
                "?" => text(lang, "explain-value-unknown"),
                _ => value,
            });
        }
    };
    Cow::Borrowed(name(lang, kind, value))
}

/// Stored figures (`var = value, var = value`) with each variable's label and each value's
/// name in `lang`, joined the language's way.
pub(crate) fn figures(lang: Lang, stored: &str, plan: &Plan) -> String {
    stored
        .split(", ")
        .map(|part| match part.split_once(" = ") {
            Some((var, value)) => format(
                lang,
                "explain-figure",
                &[
                    ("name", variable_label(lang, var, plan).into()),
                    ("value", Arg::Str(&value_name(lang, var, value))),
                ],
            ),
            None => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(text(lang, "explain-figures-sep"))
}

/// The reason of an action rule. English keeps the rule's id and condition (what a user
/// edits in custval.toml); Chinese names only the figures, in words.
pub(crate) fn rule_reason(lang: Lang, id: &str, when: &str, stored: &str, plan: &Plan) -> String {
    let figures = match lang {
        Lang::En => stored.to_string(),
        Lang::Zh => figures(lang, stored, plan),
    };
    format(
        lang,
        "explain-action-rule",
        &[
            ("id", id.into()),
            ("when", when.into()),
            ("figures", figures.as_str().into()),
        ],
    )
}

/// The reason of a cross-sell offer: the customer's class and industry, the categories'
/// count.
pub(crate) fn cross_sell_reason(lang: Lang, stored: &str, count: usize, plan: &Plan) -> String {
    let figures = match lang {
        Lang::En => stored.to_string(),
        Lang::Zh => figures(lang, stored, plan),
    };
    format(
        lang,
        "explain-action-cross-sell",
        &[
            ("figures", figures.as_str().into()),
            ("count", count.into()),
        ],
    )
}

/// A playbook field's label (`service_level` → Service level / 服务水平); an unknown field as
/// given.
pub fn playbook_field_label(lang: Lang, field: &str) -> String {
    let id = format!("explain-playbook-field-{field}");
    if has(lang, &id) {
        text(lang, &id).to_string()
    } else {
        field.to_string()
    }
}

/// A playbook's class as `explain-action-playbook` and `explain-playbook-name` take it: the
/// ids in English, the variable's label and the value's name in Chinese.
fn playbook_class<'a>(
    lang: Lang,
    var: &'a str,
    value: &'a str,
    plan: &'a Plan,
) -> (&'a str, Cow<'a, str>) {
    match lang {
        Lang::En => (var, Cow::Borrowed(value)),
        Lang::Zh => (
            variable_label(lang, var, plan),
            value_name(lang, var, value),
        ),
    }
}

/// The reason of a playbook action: the class it is for and the field used. English keeps the
/// ids as written in custval.toml.
pub(crate) fn playbook_reason(
    lang: Lang,
    var: &str,
    value: &str,
    field: &str,
    plan: &Plan,
) -> String {
    let (var, value) = playbook_class(lang, var, value, plan);
    let field = match lang {
        Lang::En => field.to_string(),
        Lang::Zh => playbook_field_label(lang, field),
    };
    format(
        lang,
        "explain-action-playbook",
        &[
            ("variable", var.into()),
            ("value", Arg::Str(&value)),
            ("field", field.as_str().into()),
        ],
    )
}

/// What a reason says about the actions an action overrode: their ids in English, their
/// words (an action's text, a playbook's class) in Chinese.
pub(crate) fn overrides(lang: Lang, ids: &[String], family: &str, plan: &Plan) -> String {
    let list = match lang {
        Lang::En => ids.join(", "),
        Lang::Zh => ids
            .iter()
            .map(|id| format!("“{}”", action_name(lang, id, plan)))
            .collect::<Vec<_>>()
            .join("、"),
    };
    format(
        lang,
        "explain-action-overrides",
        &[("list", list.as_str().into()), ("family", family.into())],
    )
}

/// An action by its id in `lang`'s words: a rule's text, a playbook's class; else the id.
fn action_name(lang: Lang, id: &str, plan: &Plan) -> String {
    if let Some((var, value)) = id.strip_prefix("playbook:").and_then(|r| r.split_once(':')) {
        let (var, value) = playbook_class(lang, var, value, plan);
        return format(
            lang,
            "explain-playbook-name",
            &[("variable", var.into()), ("value", Arg::Str(&value))],
        );
    }
    match plan.actions.iter().find(|a| a.id == id) {
        Some(a) if lang == Lang::Zh && !a.text_zh.is_empty() => a.text_zh.clone(),
        Some(a) if !a.text_en.is_empty() => a.text_en.clone(),
        _ => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::classes::{Source, StoredAction, render_actions};
    use custval_i18n::scan::latin_words;

    fn stored(id: &str, source: Source, figures: &str, overrode: &[&str]) -> StoredAction {
        StoredAction {
            id: id.into(),
            source,
            figures: figures.into(),
            overrode: overrode.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn chinese_reasons_name_figures_in_words_and_english_keeps_the_ids() {
        let (plan, _) = crate::from_config::plan(custval_config::DEFAULT_TOML).unwrap();
        let actions = [
            stored(
                "protect_key_account",
                Source::Rule,
                "value_class = most_valuable, p_alive = 0.420",
                &["playbook:value_class:most_valuable"],
            ),
            stored(
                "cross_sell",
                Source::CrossSell,
                "value_class = secondary, industry = 金融",
                &[],
            ),
            stored(
                "playbook:lifecycle:declining",
                Source::Playbook,
                "retention",
                &["win_back_call"],
            ),
            stored(
                "upgrade_candidate",
                Source::Rule,
                "tier = C, potential_tier = high, size = key, spend_growth_6m = missing",
                &[],
            ),
        ];
        let out = render_actions(&actions, &plan, &["办公耗材".into()]);
        for a in &out {
            assert!(latin_words(&a.reason_zh).is_empty(), "{}", a.reason_zh);
        }
        assert_eq!(
            out[0].reason,
            "rule protect_key_account: value_class == 'most_valuable' and p_alive < 0.6 \
             (value_class = most_valuable, p_alive = 0.420); overrides \
             playbook:value_class:most_valuable (family relationship)"
        );
        assert!(
            out[0].reason_zh.contains("价值类别 最有价值客户"),
            "{}",
            out[0].reason_zh
        );
        assert!(out[0].reason_zh.contains("0.420"), "{}", out[0].reason_zh);
        assert_eq!(
            out[2].reason,
            "playbook for lifecycle = declining (retention); overrides win_back_call (family lifecycle)"
        );
        assert!(
            out[2].reason_zh.contains("衰退客户"),
            "{}",
            out[2].reason_zh
        );
        assert!(
            out[2].reason_zh.contains("挽回电话"),
            "{}",
            out[2].reason_zh
        );
        assert!(
            out[3].reason_zh.contains("规模 大客户"),
            "{}",
            out[3].reason_zh
        );
    }
}
