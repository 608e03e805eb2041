//! What every subcommand shares: how a command came out ([`Outcome`],
//! [`Failure`]), time flags, the output-is-input check. Its own module so
//! that the subcommands and the verdict printer stand on it without standing
//! on `cmd/mod.rs`, which dispatches to them.

use std::fmt::Display;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;

/// How a command that ran to the end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: a code was not valid, a redemption refused, a discrepancy.
    Negative,
}

impl Outcome {
    pub fn from_ok(ok: bool) -> Outcome {
        if ok {
            Outcome::Success
        } else {
            Outcome::Negative
        }
    }
}

/// A command that could not do its job (exit 2 unless stated).
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    /// Extra lines (e.g. every bad CSV row), printed indented.
    pub details: Vec<String>,
    pub hint: Option<String>,
    pub(super) broken_pipe: bool,
}

impl Failure {
    pub fn new(message: impl Display) -> Failure {
        Failure {
            code: 2,
            message: message.to_string(),
            details: vec![],
            hint: None,
            broken_pipe: false,
        }
    }

    pub fn hint(mut self, hint: impl Display) -> Failure {
        self.hint = Some(hint.to_string());
        self
    }

    pub fn details(mut self, details: Vec<String>) -> Failure {
        self.details = details;
        self
    }

    pub fn is_broken_pipe(&self) -> bool {
        self.broken_pipe
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        let mut f = Failure::new(format!("writing output: {e}"));
        f.broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        f
    }
}

/// Lets library errors flow into `Failure` with `?`, via their one-line Display.
macro_rules! failure_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Failure { Failure::new(e) }
        }
    )*};
}
failure_from!(
    payqr::trust::keys::KeyError,
    payqr::fs::clobber::ClobberError,
    payqr::fs::atomic::PathError,
    payqr::trust::TrustError,
    payqr::trust::anchor::AnchorError,
    payqr::code::time::TimeError,
    payqr::code::FormatError,
    payqr::emv::config::ConfigError,
    payqr::emv::profile::ProfileError
);

/// A ledger error in the reader's language (`errtext::ledger_error`).
impl From<payqr::ledger::LedgerError> for Failure {
    fn from(e: payqr::ledger::LedgerError) -> Failure {
        Failure::new(crate::cmd::errtext::ledger_error(lang(), &e))
    }
}

pub type CmdResult = Result<Outcome, Failure>;

/// The language messages are shown in, once the command line is read.
static LANG: std::sync::OnceLock<payqr::i18n::Lang> = std::sync::OnceLock::new();

/// The language of every human message: `--lang`, else `PAYQR_LANG`, else
/// `lang` in payqr.toml (those three through clap, see `config.rs`), else
/// the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, POSIX precedence), else
/// English. Before the command line is read (a bad config file): the
/// environment's.
pub fn lang() -> payqr::i18n::Lang {
    *LANG.get_or_init(env_lang)
}

fn env_lang() -> payqr::i18n::Lang {
    let env = |k: &str| std::env::var(k).ok();
    match env("PAYQR_LANG")
        .as_deref()
        .and_then(payqr::i18n::Lang::parse)
    {
        Some(l) => l,
        None => payqr::i18n::Lang::from_env(env),
    }
}

/// Fixes the language once the command line is read (`flag`: `--lang`,
/// or what clap filled in from `PAYQR_LANG` or the config file).
pub fn set_lang(flag: Option<payqr::i18n::Lang>) {
    let _ = LANG.set(flag.unwrap_or_else(env_lang));
}

/// Parses `--tz`, defaulting to this machine's offset.
pub fn tz_or_local(tz: Option<&str>) -> Result<FixedOffset, Failure> {
    match tz {
        Some(s) => Ok(payqr::code::time::parse_offset(s)?),
        None => Ok(payqr::code::time::local_offset()),
    }
}

/// Parses `--at`/`--now` style flags: a time, or the clock when absent.
pub fn time_or_now(t: Option<&str>, tz: FixedOffset) -> Result<u64, Failure> {
    let now = payqr::code::time::now();
    match t {
        Some(s) => Ok(payqr::code::time::parse_time(s, now, tz)?),
        None => Ok(now),
    }
}

/// A command's files, as (flag, path): absent optional flags are None.
pub type Files<'a> = [(&'a str, Option<&'a Path>)];

/// Refuses, before anything is written, an output that is the same file as
/// an input or another output, or that holds a key file (exit 2, naming
/// both flags). A file written in place (ledger, trust list) is an output.
pub fn check_outputs(inputs: &Files, outputs: &Files) -> Result<(), Failure> {
    let present = |v: &Files<'_>| -> Vec<(String, PathBuf)> {
        v.iter()
            .filter_map(|(f, p)| Some((f.to_string(), (*p)?.to_path_buf())))
            // A PostgreSQL ledger is a URL, not a file that can collide.
            .filter(|(_, p)| !p.to_str().is_some_and(payqr::ledger::postgres::is_url))
            .collect()
    };
    let ins = present(inputs);
    let mut outs = present(outputs);
    // A ledger's writers also keep its index beside it (the lock is on the
    // ledger file itself).
    for (_, p) in ins
        .iter()
        .chain(&outs.clone())
        .filter(|(f, _)| f == "--ledger")
    {
        let l = payqr::ledger::Ledger::new(p);
        outs.push(("--ledger's index".into(), l.index_path()));
    }
    payqr::fs::clobber::check(&view(&ins), &view(&outs), payqr::trust::keys::is_key_file)?;
    Ok(())
}

fn view(v: &[(String, PathBuf)]) -> Vec<(&str, &Path)> {
    v.iter().map(|(f, p)| (f.as_str(), p.as_path())).collect()
}
