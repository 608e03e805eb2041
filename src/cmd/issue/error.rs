//! What can stop `payqr issue`, each with what to do about it.

use payqr::issue::run::RunError;
use payqr::issue::single::SingleError;

use crate::cmd::Failure;

/// Exit status of a batch stopped by Ctrl-C (the shell's 128 + SIGINT).
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Debug)]
pub enum Error {
    /// A single code lacks a flag it cannot do without.
    NeedFlag(&'static str),
    /// `--profile emv` without `--emv-config`.
    NeedEmvConfig,
    /// `--emv-config` without `--profile emv`.
    EmvConfigUnused,
    Single(SingleError),
    Batch(RunError),
    /// Ctrl-C: rows done of the file's rows.
    Interrupted {
        done: u64,
        total: u64,
    },
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        use payqr::i18n::cli as msg;
        let lang = crate::cmd::lang();
        match e {
            Error::NeedFlag(flag) => {
                Failure::new(msg::need_flag(lang, &flag)).hint(msg::need_flag_hint(lang))
            }
            Error::NeedEmvConfig => {
                Failure::new(msg::need_emv_config(lang)).hint(msg::need_emv_config_hint(lang))
            }
            Error::EmvConfigUnused => Failure::new(msg::emv_config_unused(lang)),
            Error::Single(SingleError::Field(f)) => {
                // Named as the flag the value came from, not the CSV column.
                let flag = match f.field {
                    "reference" => "--ref".to_string(),
                    "expires_at" | "expires_in" => "--expires-in/--expires-at".to_string(),
                    other => format!("--{other}"),
                };
                Failure::new(msg::bad_flag(lang, &flag, &f.problem))
            }
            Error::Single(e @ SingleError::AlreadyIssued { .. }) => {
                Failure::new(e).hint(msg::already_issued_hint(lang))
            }
            Error::Single(e) => Failure::new(e),
            Error::Batch(RunError::Rows { path, errors }) => {
                let details = errors.iter().map(ToString::to_string).collect();
                Failure::new(RunError::Rows { path, errors }).details(details)
            }
            Error::Batch(RunError::NotEmv { path, problems }) => {
                let details = problems.clone();
                Failure::new(RunError::NotEmv { path, problems }).details(details)
            }
            Error::Batch(e @ RunError::Issue(_)) => {
                Failure::new(e).hint(msg::issue_stopped_hint(lang))
            }
            Error::Batch(e) => Failure::new(e),
            Error::Interrupted { done, total } => Failure {
                code: EXIT_INTERRUPTED,
                ..Failure::new(msg::interrupted(lang, &done, &total))
            },
        }
    }
}
