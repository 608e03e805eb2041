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
        match e {
            Error::NeedFlag(flag) => Failure::new(format!("{flag} is required for a single code"))
                .hint("batch issuance takes --from FILE.csv --out-dir DIR"),
            Error::NeedEmvConfig => Failure::new("--profile emv needs --emv-config FILE")
                .hint("docs/FORMAT.md section 5 describes the file"),
            Error::EmvConfigUnused => Failure::new("--emv-config needs --profile emv"),
            Error::Single(SingleError::Field(f)) => {
                // Named as the flag the value came from, not the CSV column.
                let flag = match f.field {
                    "reference" => "--ref".to_string(),
                    "expires_at" | "expires_in" => "--expires-in/--expires-at".to_string(),
                    other => format!("--{other}"),
                };
                Failure::new(format!("{flag}: {}", f.problem))
            }
            Error::Single(e @ SingleError::AlreadyIssued { .. }) => Failure::new(e)
                .hint("each fine or bill reference gets one code; check the ledger before reissuing"),
            Error::Single(e) => Failure::new(e),
            Error::Batch(RunError::Rows { path, errors }) => {
                let details = errors.iter().map(ToString::to_string).collect();
                Failure::new(RunError::Rows { path, errors }).details(details)
            }
            Error::Batch(RunError::NotEmv { path, problems }) => {
                let details = problems.clone();
                Failure::new(RunError::NotEmv { path, problems }).details(details)
            }
            Error::Batch(e @ RunError::Issue(_)) => Failure::new(e).hint(
                "codes issued before this point are in the ledger and manifest; rerun the same command to continue",
            ),
            Error::Batch(e) => Failure::new(e),
            Error::Interrupted { done, total } => Failure {
                code: EXIT_INTERRUPTED,
                ..Failure::new(format!(
                    "interrupted after {done} of {total} row(s); rerun the same command to continue"
                ))
            },
        }
    }
}
