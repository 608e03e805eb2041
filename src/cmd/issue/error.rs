//! What can stop `payqr issue`, each with what to do about it.

use payqr::i18n::{Lang, problems as p};
use payqr::issue::batch::{BatchError, MAX_ROW_ERRORS};
use payqr::issue::issuance::IssueError;
use payqr::issue::problem::Problem;
use payqr::issue::run::RunError;
use payqr::issue::single::SingleError;

use crate::cmd::{Failure, errtext};

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
                if let Problem::NoDefault { .. } = f.problem {
                    // No cell to be empty: the flag itself is missing.
                    return Failure::new(msg::need_flag(lang, &flag));
                }
                Failure::new(msg::bad_flag(
                    lang,
                    &flag,
                    &errtext::problem(lang, &f.problem),
                ))
            }
            Error::Single(SingleError::AlreadyIssued { reference, code }) => {
                Failure::new(p::already_issued(lang, &format!("{reference:?}"), &code))
                    .hint(msg::already_issued_hint(lang))
            }
            Error::Single(SingleError::Profile(e)) => {
                Failure::new(errtext::profile_error(lang, &e))
            }
            Error::Single(e) => Failure::new(e),
            Error::Batch(e) => batch(lang, e),
            Error::Interrupted { done, total } => Failure {
                code: EXIT_INTERRUPTED,
                ..Failure::new(msg::interrupted(lang, &done, &total))
            },
        }
    }
}

/// A batch run that stopped: each bad row in the reader's language.
fn batch(lang: Lang, e: RunError) -> Failure {
    use payqr::i18n::cli as msg;
    let path = |p: &std::path::Path| p.display().to_string();
    match e {
        RunError::Rows { path: f, errors } => {
            let stopped = if errors.len() >= MAX_ROW_ERRORS {
                p::stopped_counting(lang)
            } else {
                String::new()
            };
            let details = errors.iter().map(|e| errtext::row_error(lang, e)).collect();
            Failure::new(p::bad_rows(lang, &path(&f), &errors.len(), &stopped)).details(details)
        }
        RunError::NotEmv { path: f, problems } => {
            let details = problems
                .iter()
                .map(|(line, e)| {
                    p::emv_row(lang, &path(&f), line, &errtext::profile_error(lang, e))
                })
                .collect();
            Failure::new(p::not_emv(lang, &path(&f), &problems.len())).details(details)
        }
        RunError::Read(BatchError::Io { path: f, source }) => {
            Failure::new(p::file_error(lang, &path(&f), &source))
        }
        RunError::Read(BatchError::Rows(errors)) => {
            let details = errors.iter().map(|e| errtext::row_error(lang, e)).collect();
            Failure::new(RunError::Read(BatchError::Rows(errors))).details(details)
        }
        RunError::Changed(row) => Failure::new(p::changed(lang, &errtext::row_error(lang, &row))),
        RunError::OutDir { path: f, source } => {
            Failure::new(p::file_error(lang, &path(&f), &source))
        }
        RunError::Manifest(e) => Failure::new(issue_error(lang, e)),
        RunError::Issue(e) => {
            Failure::new(issue_error(lang, e)).hint(msg::issue_stopped_hint(lang))
        }
        RunError::Ledger(e) => e.into(),
    }
}

fn issue_error(lang: Lang, e: IssueError) -> String {
    match e {
        IssueError::Io { path, source } => p::file_error(lang, &path.display(), &source),
        IssueError::Changed(row) => p::changed(lang, &errtext::row_error(lang, &row)),
        e => e.to_string(),
    }
}
