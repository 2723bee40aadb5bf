//! Small pieces every page uses: the label lookup for templates, the page chrome (header,
//! navigation, language switch), class names per language, and URL encoding.
//!
//! Everything here turns data into strings; templates only lay strings out, so a template
//! can never print a raw `f64` or an untranslated class id by accident.

use custval_i18n::Kind;
use custval_store::User;

use crate::auth::{Permission, may};
use crate::i18n::{self, Lang, Msg};

/// Label lookup for templates: `t.get(Msg::…)`.
#[derive(Clone, Copy)]
pub struct Texts(pub Lang);

impl Texts {
    /// The label in the page's language.
    pub fn get(&self, m: Msg) -> &'static str {
        m.text(self.0)
    }
}

/// One link of the navigation bar.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// What the layout around every page needs.
pub struct Chrome {
    pub html_lang: &'static str,
    pub title: String,
    /// The current path and query, URL-encoded (the language switch returns here).
    pub here: String,
    pub signed_in: bool,
    pub user: String,
    pub role: &'static str,
    pub csrf: String,
    pub nav: Vec<NavLink>,
    pub lang_code: &'static str,
    pub flash: Option<String>,
    pub error: Option<String>,
}

impl Chrome {
    /// The chrome of a page seen by a signed-in `user`; `active` is the nav entry's href.
    pub fn signed_in(
        user: &User,
        csrf: &str,
        lang: Lang,
        title: impl Into<String>,
        here: &str,
        active: &str,
    ) -> Chrome {
        let mut nav = vec![
            NavLink {
                href: "/",
                label: Msg::Dashboard.text(lang),
                active: false,
            },
            NavLink {
                href: "/customers",
                label: Msg::Customers.text(lang),
                active: false,
            },
            NavLink {
                href: "/accounts",
                label: Msg::KeyAccounts.text(lang),
                active: false,
            },
        ];
        nav.push(NavLink {
            href: "/alerts",
            label: Msg::Alerts.text(lang),
            active: false,
        });
        if may(user.role, Permission::Runs) {
            nav.push(NavLink {
                href: "/runs",
                label: Msg::Runs.text(lang),
                active: false,
            });
        }
        if may(user.role, Permission::Admin) {
            nav.push(NavLink {
                href: "/settings",
                label: Msg::Settings.text(lang),
                active: false,
            });
        }
        for l in &mut nav {
            l.active = l.href == active;
        }
        Chrome {
            html_lang: lang.html_tag(),
            title: title.into(),
            here: encode(here),
            signed_in: true,
            user: user.name.clone(),
            role: Msg::role(user.role, lang),
            csrf: csrf.to_string(),
            nav,
            lang_code: i18n::code(lang),
            flash: None,
            error: None,
        }
    }

    /// The chrome of a page seen before login.
    pub fn anonymous(lang: Lang, title: impl Into<String>, here: &str) -> Chrome {
        Chrome {
            html_lang: lang.html_tag(),
            title: title.into(),
            here: encode(here),
            signed_in: false,
            user: String::new(),
            role: "",
            csrf: String::new(),
            nav: Vec::new(),
            lang_code: i18n::code(lang),
            flash: None,
            error: None,
        }
    }
}

/// The name of a class id of a classification dimension in `lang` (custval-i18n's domain
/// names); an unknown dimension or id is shown as given.
pub fn class_label(dimension: &str, id: &str, lang: Lang) -> String {
    let kind = match dimension {
        "value_class" => Kind::Class,
        "lifecycle" => Kind::Lifecycle,
        "potential_tier" => Kind::Potential,
        "profit_loyalty" => Kind::Loyalty,
        "rfm" | "rfm_segment" => Kind::Segment,
        _ => return id.to_string(),
    };
    custval_i18n::name(lang, kind, id).to_string()
}

/// The name of a class id of any dimension (ids are unique across dimensions).
pub fn any_class_label(id: &str, lang: Lang) -> String {
    for dim in [
        "value_class",
        "lifecycle",
        "potential_tier",
        "profit_loyalty",
    ] {
        let l = class_label(dim, id, lang);
        if l != id {
            return l;
        }
    }
    id.to_string()
}

/// A sales channel's name in `lang` (`direct` → 直销); a channel without a name in the
/// catalogue (a company's own) is shown as given.
pub fn channel_label(channel: &str, lang: Lang) -> String {
    let id = format!("web-cust-channel-{}", channel.trim().to_ascii_lowercase());
    if custval_i18n::has(Lang::En, &id) {
        custval_i18n::text(lang, &id).to_string()
    } else {
        channel.to_string()
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string from non-empty pairs (`?a=1&b=x`), or an empty string.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A local redirect target: paths on this site only (no `//host`, scheme or backslash), else
/// `/`. Browsers drop tabs and line breaks from a URL before they read it, so `/<TAB>/evil`
/// becomes `//evil`, another origin (issue 18): any control character refuses the target.
/// Spaces and non-ASCII characters are percent-encoded, so that the value is always a valid
/// `Location` header (a raw line break there was a 500 after login).
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".to_string();
    };
    if !n.starts_with('/')
        || n.starts_with("//")
        || n.contains('\\')
        || n.chars().any(|c| c.is_control())
    {
        return "/".to_string();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_and_queries() {
        assert_eq!(encode("a b/é"), "a%20b%2F%C3%A9");
        assert_eq!(
            query(&[("tier", "A"), ("q", ""), ("s", "x&y")]),
            "?tier=A&s=x%26y"
        );
        assert_eq!(query(&[("q", "")]), "");
    }

    #[test]
    fn redirects_stay_local() {
        assert_eq!(safe_next(Some("/customers?x=1")), "/customers?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
        // Issue 18: browsers strip tabs and line breaks, so these were `//evil.example`.
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/\r")), "/");
        assert_eq!(safe_next(Some("/\u{7f}x")), "/");
        assert_eq!(safe_next(Some("relative")), "/");
        // Valid header values: non-ASCII and spaces are percent-encoded.
        assert_eq!(
            safe_next(Some("/customers/客户 1")),
            "/customers/%E5%AE%A2%E6%88%B7%201"
        );
    }

    #[test]
    fn classes_are_translated() {
        assert_eq!(
            class_label("value_class", "nonexistent", Lang::Zh),
            "nonexistent"
        );
        let zh = class_label("value_class", "most_valuable", Lang::Zh);
        assert_ne!(zh, "most_valuable");
        assert_eq!(any_class_label("most_valuable", Lang::Zh), zh);
        assert_eq!(channel_label("direct", Lang::Zh), "直销");
        assert_eq!(channel_label("Direct", Lang::En), "direct");
        assert_eq!(channel_label("展会", Lang::Zh), "展会");
    }
}
