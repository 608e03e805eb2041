//! Every message a person reads, in English and Simplified Chinese: the
//! verdicts and the command line's common errors and hints ([`verdict`],
//! [`cli`]), the printable notice ([`notice`]) and the HTML report
//! ([`report`]).
//!
//! Each message is declared once with both texts (the `catalog!` macro in
//! [`lang`]); it becomes a function taking the language and one value per
//! `{placeholder}`. The test below fails when a message lacks its Chinese
//! text or its two texts name different placeholders.
//!
//! The library's typed errors are worded here too ([`errors`],
//! [`problems`]) and rendered by the CLI matching on their variants; the
//! library's own Display stays English (its API). `--help` of the counter
//! commands has its Chinese in [`help`].
//!
//! What is not translated, on purpose: machine output (JSON keys and
//! status values, CSV headers and values, `KEY VALUE` lines), which
//! scripts parse; free text inside a library error (a file system's or
//! CSV reader's words, a check's reason); clap's own words (Usage:,
//! Options:, its parse errors) and the man pages and completions.

#[macro_use]
pub mod lang;
pub mod admin;
pub mod cli;
pub mod errors;
pub mod help;
pub mod notice;
pub mod problems;
pub mod report;
pub mod verdict;

pub use lang::{Entry, Lang};

/// Every catalog, by module name.
pub fn catalogs() -> [(&'static str, &'static [Entry]); 7] {
    [
        ("admin", admin::CATALOG),
        ("verdict", verdict::CATALOG),
        ("cli", cli::CATALOG),
        ("errors", errors::CATALOG),
        ("problems", problems::CATALOG),
        ("notice", notice::CATALOG),
        ("report", report::CATALOG),
    ]
}

/// A length of time as a clerk says it: "2h 0m" / "2小时0分".
pub fn duration(lang: Lang, secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => verdict::secs(lang, &s),
        (0, 0, _) => verdict::mins_secs(lang, &m, &s),
        (0, _, _) => verdict::hours_mins(lang, &h, &m),
        _ => verdict::days_hours(lang, &d, &h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn is_cjk(c: char) -> bool {
        matches!(c as u32, 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
    }

    /// The rule: every message has a Chinese text that is not the English
    /// one copied, and both texts use exactly the placeholders the message
    /// declares (a value never silently dropped in one language).
    fn problems(module: &str, catalog: &[Entry]) -> Vec<String> {
        let mut problems = Vec::new();
        let mut names = BTreeSet::new();
        for e in catalog {
            let id = format!("{module}::{}", e.name);
            if !names.insert(e.name) {
                problems.push(format!("{id}: declared twice"));
            }
            if e.en.trim().is_empty() {
                problems.push(format!("{id}: no English text"));
            }
            if e.zh.trim().is_empty() || !e.zh.chars().any(is_cjk) || e.zh == e.en {
                problems.push(format!("{id}: no Chinese translation ({:?})", e.zh));
            }
            let declared: BTreeSet<&str> = e.args.iter().copied().collect();
            for (lang, text) in [("en", e.en), ("zh", e.zh)] {
                let used: BTreeSet<&str> = lang::placeholders(text).into_iter().collect();
                if used != declared {
                    problems.push(format!(
                        "{id}: {lang} uses placeholders {used:?}, the message declares {declared:?}"
                    ));
                }
            }
        }
        problems
    }

    #[test]
    fn every_message_has_both_languages_with_the_same_placeholders() {
        let mut all = Vec::new();
        for (module, catalog) in catalogs() {
            assert!(!catalog.is_empty(), "{module}: empty catalog");
            all.extend(problems(module, catalog));
        }
        assert!(all.is_empty(), "catalog problems:\n{}", all.join("\n"));
    }

    /// The rule is not vacuous: each kind of bad entry is caught.
    #[test]
    fn the_rule_catches_a_bad_entry() {
        let bad = [
            (
                "no translation",
                Entry {
                    name: "a",
                    args: &["n"],
                    en: "{n} rows",
                    zh: "",
                },
            ),
            (
                "English copied",
                Entry {
                    name: "b",
                    args: &["n"],
                    en: "{n} rows",
                    zh: "{n} rows",
                },
            ),
            (
                "other placeholder",
                Entry {
                    name: "c",
                    args: &["n"],
                    en: "{n} rows",
                    zh: "{m} 行",
                },
            ),
            (
                "placeholder dropped",
                Entry {
                    name: "d",
                    args: &["n"],
                    en: "{n} rows",
                    zh: "若干行",
                },
            ),
            (
                "undeclared",
                Entry {
                    name: "e",
                    args: &[],
                    en: "{n} rows",
                    zh: "{n} 行",
                },
            ),
        ];
        for (what, e) in bad {
            assert!(!problems("t", &[e]).is_empty(), "{what} passed the rule");
        }
        let good = Entry {
            name: "f",
            args: &["n"],
            en: "{n} rows",
            zh: "{n} 行",
        };
        assert!(problems("t", &[good]).is_empty());
        assert!(
            !problems("t", &[good, good]).is_empty(),
            "a duplicate passed"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration(Lang::En, 7200), "2h 0m");
        assert_eq!(duration(Lang::ZhCn, 7200), "2小时0分");
        assert_eq!(duration(Lang::ZhCn, 90_000), "1天1小时");
        assert_eq!(duration(Lang::ZhCn, 59), "59秒");
    }
}
