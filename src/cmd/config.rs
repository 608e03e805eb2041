//! Defaults for `--trust`, `--ledger`, `--tz` and `--lang` from the environment and
//! a `payqr.toml`, so a counter does not repeat them on every call, and
//! `payqr config show` to see what is in effect and why.
//!
//! Precedence, per setting: the flag, then the environment variable
//! (`PAYQR_TRUST`, `PAYQR_LEDGER`, `PAYQR_TZ`, `PAYQR_LANG`), then the
//! config file, then the built-in default (for `--lang`: the locale, see
//! [`crate::cmd::lang`]). The file is the one named by `--config FILE`, else
//! by `PAYQR_CONFIG`, else `payqr.toml` in the user config folder
//! (`$XDG_CONFIG_HOME/payqr/`, `~/.config/payqr/`; `%APPDATA%\payqr\` on
//! Windows) if it exists. A file named by `--config` or `PAYQR_CONFIG`
//! must exist.
//!
//! The file is a small subset of TOML: `key = "value"` lines, `#`
//! comments, blank lines. Paths in it are relative to the file's folder.
//! An unknown key or any other line is an error naming FILE:LINE, so a typo
//! never silently leaves a default unset.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CmdResult, Failure, Outcome};

pub type Args = super::group::Group<Action>;

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Print each setting's value and where it came from.
    #[command(after_help = "\
Example:
  PAYQR_LEDGER=/srv/payqr/ledger.jsonl payqr config show

payqr.toml (found by --config FILE, else PAYQR_CONFIG, else payqr.toml in the
user config folder: $XDG_CONFIG_HOME/payqr or ~/.config/payqr; %APPDATA%\\payqr
on Windows):
  trust = \"/srv/payqr/trust.json\"
  ledger = \"/srv/payqr/ledger.jsonl\"
  tz = \"+08:00\"
  lang = \"zh-CN\"
Paths are relative to the file's folder. Precedence: flag > environment
(PAYQR_TRUST, PAYQR_LEDGER, PAYQR_TZ, PAYQR_LANG) > file > built-in (for
lang: the locale, LC_ALL > LC_MESSAGES > LANG, else en).")]
    Show,
}

/// A setting the file and the environment can give.
pub struct Setting {
    /// The clap argument id (the flag without `--`) and the file's key.
    pub key: &'static str,
    pub env: &'static str,
    /// Relative values in the file are resolved against its folder.
    pub is_path: bool,
    /// What applies when nothing is given.
    pub builtin: &'static str,
}

pub const SETTINGS: [Setting; 4] = [
    Setting {
        key: "trust",
        env: "PAYQR_TRUST",
        is_path: true,
        builtin: "none: --trust is required where used",
    },
    Setting {
        key: "ledger",
        env: "PAYQR_LEDGER",
        is_path: true,
        builtin: "none: verify checks no payment status; redeem and reconcile require --ledger",
    },
    Setting {
        key: "tz",
        env: "PAYQR_TZ",
        is_path: false,
        builtin: "this machine's offset (reconcile: +08:00 for WeChat/Alipay bills, UTC for other files' naive times)",
    },
    Setting {
        key: "lang",
        env: "PAYQR_LANG",
        is_path: false,
        builtin: "the locale (LC_ALL, else LC_MESSAGES, else LANG: zh_CN.* is zh-CN), else en",
    },
];

pub const CONFIG_ENV: &str = "PAYQR_CONFIG";
pub const FILE_NAME: &str = "payqr.toml";

/// Where the config file was found, and how.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub how: &'static str,
}

/// The file's values, by key.
#[derive(Debug, Default, Clone)]
pub struct FileValues {
    pub found: Option<Found>,
    pub values: Vec<(&'static str, String)>,
}

impl FileValues {
    fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The value of `--config` in the raw arguments (it must be known before
/// clap parses, since it sets clap's defaults).
fn config_flag(args: &[std::ffi::OsString]) -> Option<PathBuf> {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let s = a.to_string_lossy();
        if s == "--" {
            break;
        }
        if s == "--config" {
            return it.next().map(PathBuf::from);
        }
        if let Some(v) = s.strip_prefix("--config=") {
            return Some(PathBuf::from(v));
        }
    }
    None
}

fn user_config_dir() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        return var("APPDATA").map(|d| d.join("payqr"));
    }
    var("XDG_CONFIG_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("payqr"))
}

/// Finds and reads the config file.
pub fn load(flag: Option<&Path>) -> Result<FileValues, Failure> {
    let named = match flag {
        Some(p) => Some(Found {
            path: p.to_path_buf(),
            how: "--config",
        }),
        None => std::env::var_os(CONFIG_ENV)
            .filter(|v| !v.is_empty())
            .map(|v| Found {
                path: PathBuf::from(v),
                how: CONFIG_ENV,
            }),
    };
    let found = match named {
        Some(f) => f,
        None => match user_config_dir().map(|d| d.join(FILE_NAME)) {
            Some(p) if p.is_file() => Found {
                path: p,
                how: "user config folder",
            },
            _ => return Ok(FileValues::default()),
        },
    };
    let text = std::fs::read_to_string(&found.path).map_err(|e| {
        Failure::new(format!(
            "{}: {e} (config file, from {})",
            found.path.display(),
            found.how
        ))
    })?;
    let values = parse(&found.path, &text)?;
    Ok(FileValues {
        found: Some(found),
        values,
    })
}

/// Parses the `key = "value"` subset of TOML.
pub fn parse(path: &Path, text: &str) -> Result<Vec<(&'static str, String)>, Failure> {
    let base = path.parent().unwrap_or(Path::new(""));
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let bad = |why: &str| Failure::new(format!("{}:{}: {why}", path.display(), i + 1));
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(bad("expected key = \"value\""));
        };
        let k = k.trim();
        let Some(setting) = SETTINGS.iter().find(|s| s.key == k) else {
            let keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
            return Err(bad(&format!(
                "unknown key {k:?} (known: {})",
                keys.join(", ")
            )));
        };
        let v = v.trim();
        // A trailing comment after the closing quote is allowed.
        let value = v
            .strip_prefix('"')
            .and_then(|rest| rest.split_once('"'))
            .filter(|(_, after)| {
                let after = after.trim();
                after.is_empty() || after.starts_with('#')
            })
            .map(|(inner, _)| inner)
            .ok_or_else(|| bad(&format!("{k}: the value must be a \"quoted string\"")))?;
        if value.contains('\\') && !cfg!(windows) {
            return Err(bad(&format!("{k}: escapes are not supported")));
        }
        if value.is_empty() {
            return Err(bad(&format!("{k}: empty value")));
        }
        if setting.key == "lang" && payqr::i18n::Lang::parse(value).is_none() {
            return Err(bad(&format!(
                "lang: unknown language {value:?} (en, zh-CN)"
            )));
        }
        if out.iter().any(|(key, _)| *key == setting.key) {
            return Err(bad(&format!("{k} given twice")));
        }
        // A PostgreSQL URL is not a path: never joined to the file's folder.
        let value = if setting.is_path
            && Path::new(value).is_relative()
            && !payqr::ledger::postgres::is_url(value)
        {
            base.join(value).display().to_string()
        } else {
            value.to_string()
        };
        out.push((setting.key, value));
    }
    Ok(out)
}

/// The command tree with each setting's environment variable attached
/// (shown in --help and the man pages) and, when a file gives a value,
/// that value as the default (so a flag and the variable still win).
/// `cli` is the bare tree (`Cli::command()`), built by the caller so that
/// this module never names `cli.rs`, which names this one for `Args`.
pub fn command(cli: clap::Command, file: &FileValues) -> clap::Command {
    apply(cli, file)
}

fn apply(mut cmd: clap::Command, file: &FileValues) -> clap::Command {
    for s in &SETTINGS {
        if cmd.get_arguments().any(|a| a.get_id() == s.key) {
            let default = file
                .get(s.key)
                .map(|v| -> &'static str { Box::leak(v.into()) });
            cmd = cmd.mut_arg(s.key, |a| {
                let a = a.env(s.env).hide_env_values(true);
                match default {
                    Some(v) => a.default_value(v).required(false),
                    None => a,
                }
            });
        }
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, |c| apply(c, file));
    }
    cmd
}

/// Matches the command line against `cli` (the bare tree) with the
/// defaults of the environment and the config file in place.
pub fn matches(cli: clap::Command) -> Result<clap::ArgMatches, Failure> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let file = load(config_flag(&args).as_deref())?;
    // --help is shown before any command runs: its language is read here.
    let lang =
        super::help_zh::lang_before_parse(&args, file.get("lang"), |k| std::env::var(k).ok());
    let cmd = super::help_zh::localize(command(cli, &file), lang);
    Ok(cmd.get_matches_from(args))
}

/// `payqr config show`.
pub fn run(a: Args, flag: Option<&Path>) -> CmdResult {
    let Action::Show = a.action;
    let file = load(flag)?;
    let mut out = std::io::stdout().lock();
    match &file.found {
        Some(f) => writeln!(out, "config\t{}\t(from {})", f.path.display(), f.how)?,
        None => writeln!(
            out,
            "config\t-\t(no --config, no {CONFIG_ENV}, no {FILE_NAME} in the user config folder)"
        )?,
    }
    for s in &SETTINGS {
        let env = std::env::var(s.env).ok().filter(|v| !v.is_empty());
        let (value, from) = match (env, file.get(s.key), &file.found) {
            (Some(v), _, _) => (v, format!("environment {}", s.env)),
            (None, Some(v), Some(f)) => (v.to_string(), format!("file {}", f.path.display())),
            _ => ("-".to_string(), format!("built-in: {}", s.builtin)),
        };
        writeln!(
            out,
            "{}\t{}\t({from})",
            s.key,
            payqr::sanitize::for_terminal(&value)
        )?;
    }
    Ok(Outcome::Success)
}
