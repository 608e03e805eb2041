//! The language a message is shown in, how it is chosen from the
//! environment, and the `catalog!` macro every message is declared with.

use std::fmt::Display;

/// A language payqr's messages are written in. English is the default;
/// Simplified Chinese (`zh-CN`) is for Chinese clerks and accountants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag: `en`, `zh-CN` (what `--lang` and HTML's `lang` take).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// A tag as given to `--lang`, `PAYQR_LANG` or `lang =` in payqr.toml:
    /// `en`, `zh-CN` (also `zh`, `zh_CN`, `zh-Hans`; any case). None for a
    /// language payqr has no catalog for.
    pub fn parse(tag: &str) -> Option<Lang> {
        let t = tag.trim().replace('_', "-").to_ascii_lowercase();
        match t.as_str() {
            "en" | "en-us" | "en-gb" | "c" | "posix" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" | "zh-sg" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// A POSIX locale name (`zh_CN.UTF-8`, `en_US.UTF-8@euro`, `C`) to the
    /// language shown: Simplified Chinese for `zh`, `zh_CN`, `zh_SG`;
    /// English for anything else, including `zh_TW`/`zh_HK` (there is no
    /// Traditional catalog) and `C`/`POSIX`.
    pub fn from_locale(locale: &str) -> Lang {
        // language[_territory][.codeset][@modifier]
        let name = locale.split(['.', '@']).next().unwrap_or_default();
        let mut parts = name.split(['_', '-']);
        let language = parts.next().unwrap_or_default();
        let territory = parts.next().unwrap_or_default();
        match (language, territory.to_ascii_uppercase().as_str()) {
            ("zh", "" | "CN" | "SG" | "HANS") => Lang::ZhCn,
            _ => Lang::En,
        }
    }

    /// The language of the locale environment, with POSIX precedence: the
    /// first non-empty of `LC_ALL`, `LC_MESSAGES`, `LANG` decides (so
    /// `LC_ALL=C` keeps English whatever `LANG` says). `get` reads a
    /// variable (`std::env::var` in the binary; a map in tests).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| get(k).filter(|v| !v.is_empty()))
            .map_or(Lang::En, |v| Lang::from_locale(&v))
    }
}

/// One message of the catalog, as declared: its name, the placeholders
/// its function takes, and its text in each language.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub name: &'static str,
    pub args: &'static [&'static str],
    pub en: &'static str,
    pub zh: &'static str,
}

impl Entry {
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::ZhCn => self.zh,
        }
    }
}

/// The `{name}` placeholders of a template, in order of appearance.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        let Some(j) = rest.find('}') else { break };
        let name = &rest[..j];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push(name);
            rest = &rest[j + 1..];
        }
    }
    out
}

/// Fills `{name}` placeholders from `args`. A brace that is not a known
/// placeholder stays as it is (the catalog's test proves none is unknown).
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let value = after.find('}').and_then(|j| {
            args.iter()
                .find(|(n, _)| *n == &after[..j])
                .map(|a| (j, a.1))
        });
        match value {
            Some((j, v)) => {
                out.push_str(&v.to_string());
                rest = &after[j + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Declares messages: each becomes a function `name(lang, arg...) -> String`
/// (so a call site cannot forget a placeholder's value) and an [`Entry`] of
/// the module's `CATALOG` (so a test can check that every message has both
/// languages and the same placeholders in each).
///
/// ```ignore
/// catalog! {
///     /// The first word of a valid verdict.
///     valid() { en: "VALID", zh: "有效" }
///     expired_ago(ago) { en: "expired {ago} ago", zh: "已过期 {ago}" }
/// }
/// ```
macro_rules! catalog {
    ($( $(#[$meta:meta])* $name:ident ( $($arg:ident),* ) { en: $en:literal, zh: $zh:literal } )*) => {
        $(
            $(#[$meta])*
            // One argument per placeholder: a message may have many.
            #[allow(clippy::too_many_arguments)]
            pub fn $name(lang: $crate::i18n::Lang $(, $arg: &dyn std::fmt::Display)*) -> String {
                let template = match lang {
                    $crate::i18n::Lang::En => $en,
                    $crate::i18n::Lang::ZhCn => $zh,
                };
                $crate::i18n::lang::fill(template, &[$((stringify!($arg), $arg)),*])
            }
        )*
        /// Every message of this module, for the completeness test.
        pub const CATALOG: &[$crate::i18n::lang::Entry] = &[$(
            $crate::i18n::lang::Entry {
                name: stringify!($name),
                args: &[$(stringify!($arg)),*],
                en: $en,
                zh: $zh,
            }
        ),*];
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_precedence_is_posix() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_env(env(&[("LANG", "zh_CN.UTF-8")])), Lang::ZhCn);
        assert_eq!(Lang::from_env(env(&[])), Lang::En);
        assert_eq!(
            Lang::from_env(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_env(env(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "zh_CN")])),
            Lang::ZhCn
        );
        // An empty variable is as good as unset.
        assert_eq!(
            Lang::from_env(env(&[("LC_ALL", ""), ("LANG", "zh_CN.GB18030")])),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_locale("zh_TW.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("zh_SG"), Lang::ZhCn);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::En);
        assert_eq!(Lang::parse("zh_cn"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn fill_replaces_known_placeholders_only() {
        let n = 3;
        assert_eq!(fill("{n} row(s) {x}", &[("n", &n)]), "3 row(s) {x}");
        assert_eq!(placeholders("a {b} {c_1} {} {d"), vec!["b", "c_1"]);
    }
}
