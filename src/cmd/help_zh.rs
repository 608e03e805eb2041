//! `--help` in Chinese: after the clap tree is built, when the language
//! is Chinese, each payqr-owned `about` (a command's) and `help` (an
//! argument's) is replaced from [`payqr::i18n::help::HELP`], keyed by the
//! command's path (`verify`, `trust add`) and, for an argument,
//! `path:id` (`verify:trust`; the root is `payqr`). clap's own words
//! (Usage:, Options:, its parse errors) stay English. Man pages and
//! completions are made from the untouched tree: they stay English.

use clap::Command;
use payqr::i18n::Lang;

/// The language `--help` is shown in, known before clap parses: `--lang`
/// in argv, else `PAYQR_LANG`, else `lang` from the config file, else the
/// locale. A value that is not a language is left for clap to refuse.
pub fn lang_before_parse(
    args: &[std::ffi::OsString],
    file_lang: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Lang {
    let mut flag = None;
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            flag = it.next().map(|v| v.into_owned());
        } else if let Some(v) = a.strip_prefix("--lang=") {
            flag = Some(v.to_string());
        }
    }
    flag.as_deref()
        .and_then(Lang::parse)
        .or_else(|| env("PAYQR_LANG").as_deref().and_then(Lang::parse))
        .or_else(|| file_lang.and_then(Lang::parse))
        .unwrap_or_else(|| Lang::from_env(env))
}

/// The Chinese text for `key`, if the catalog has one.
fn zh(key: &str) -> Option<&'static str> {
    payqr::i18n::help::HELP
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, t)| *t)
}

/// `cmd` with its help texts in `lang` (unchanged in English).
pub fn localize(cmd: Command, lang: Lang) -> Command {
    match lang {
        Lang::En => cmd,
        Lang::ZhCn => walk(cmd, "payqr"),
    }
}

fn walk(mut cmd: Command, path: &str) -> Command {
    if let Some(t) = zh(path) {
        cmd = cmd.about(t).long_about(None);
    }
    if path == "payqr" {
        cmd = cmd.after_help(payqr::i18n::help::EXIT_CODES_ZH);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        if let Some(t) = zh(&format!("{path}:{id}")) {
            cmd = cmd.mut_arg(id, |a| a.help(t).long_help(None));
        }
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let sub = if path == "payqr" {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(name, |c| walk(c, &sub));
    }
    cmd
}

/// Every payqr-owned help text of the tree, by key: (key, English).
/// Hidden commands and arguments are left out (not shown by --help).
#[cfg(test)]
pub fn texts(cmd: &Command) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect(cmd, "payqr", &mut out);
    out
}

#[cfg(test)]
fn collect(cmd: &Command, path: &str, out: &mut Vec<(String, String)>) {
    if let Some(a) = cmd.get_about() {
        out.push((path.to_string(), a.to_string()));
    }
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        if let Some(h) = a.get_help() {
            out.push((format!("{path}:{}", a.get_id()), h.to_string()));
        }
    }
    for s in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let sub = if path == "payqr" {
            s.get_name().to_string()
        } else {
            format!("{path} {}", s.get_name())
        };
        collect(s, &sub, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::cli::Cli;
    use clap::CommandFactory;

    /// Every visible command (the counter's and the administrator's): each
    /// help text must have its Chinese (hidden ones are not shown).
    fn covered(_key: &str) -> bool {
        true
    }

    #[test]
    fn every_help_text_has_chinese() {
        let all = texts(&Cli::command());
        let missing: Vec<String> = all
            .iter()
            .filter(|(k, _)| covered(k) && zh(k).is_none())
            .map(|(k, en)| format!("{k:?} => {en:?}"))
            .collect();
        assert!(
            missing.is_empty(),
            "{} help text(s) without Chinese (src/i18n/help.rs):\n{}",
            missing.len(),
            missing.join("\n")
        );
    }

    #[test]
    fn every_catalog_key_names_a_help_text_and_is_chinese() {
        let all = texts(&Cli::command());
        let mut seen = std::collections::BTreeSet::new();
        for (k, t) in payqr::i18n::help::HELP {
            assert!(seen.insert(*k), "{k}: given twice");
            assert!(
                all.iter().any(|(key, _)| key == k),
                "{k}: no such command or argument (renamed?)"
            );
            assert!(
                t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{k}: not Chinese: {t}"
            );
        }
    }

    #[test]
    fn the_localized_tree_shows_chinese_and_stays_valid() {
        let cmd = localize(Cli::command(), Lang::ZhCn);
        cmd.clone().debug_assert();
        let after = texts(&cmd);
        for (k, _) in after.iter().filter(|(k, _)| covered(k)) {
            let t = &after.iter().find(|(x, _)| x == k).unwrap().1;
            assert_eq!(Some(t.as_str()), zh(k), "{k}");
        }
        // English: the tree as it is.
        assert_eq!(
            texts(&localize(Cli::command(), Lang::En)),
            texts(&Cli::command())
        );
    }

    #[test]
    fn the_language_is_read_before_clap() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let none = |_: &str| None;
        let zh_env = |k: &str| (k == "LANG").then(|| "zh_CN.UTF-8".to_string());
        let cases = [
            (
                lang_before_parse(&args(&["payqr", "verify", "--help"]), None, none),
                Lang::En,
            ),
            (
                lang_before_parse(&args(&["payqr", "verify", "--help"]), None, zh_env),
                Lang::ZhCn,
            ),
            (
                lang_before_parse(&args(&["payqr", "--lang", "zh-CN", "verify"]), None, none),
                Lang::ZhCn,
            ),
            (
                lang_before_parse(&args(&["payqr", "verify", "--lang=en"]), None, zh_env),
                Lang::En,
            ),
            (
                lang_before_parse(&args(&["payqr", "verify"]), Some("zh-CN"), none),
                Lang::ZhCn,
            ),
            (
                lang_before_parse(
                    &args(&["payqr", "verify", "--", "--lang", "zh"]),
                    None,
                    none,
                ),
                Lang::En,
            ),
        ];
        for (i, (got, want)) in cases.into_iter().enumerate() {
            assert_eq!(got, want, "case {i}");
        }
    }
}
