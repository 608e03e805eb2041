//! `payqr ledger`: inspect and repair the ledger.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;

use payqr::ledger::{Ledger, LedgerError};

use super::{CmdResult, Failure, Outcome};

/// Inspect and repair the ledger of issued and redeemed codes.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Check every record, its checksum and the hash chain; report counts or the first bad line.
    #[command(after_help = "\
Example:
  payqr ledger check --ledger ledger.jsonl

Exit status 0 when the ledger is sound, 1 when a line is bad or the last line is torn.")]
    Check {
        #[arg(long, value_name = "FILE")]
        ledger: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cut off an incomplete last line left by an interrupted write.
    #[command(after_help = "\
Example:
  payqr ledger repair --ledger ledger.jsonl

Only a last line without its newline is removed (it was never acknowledged).
A bad complete line is reported and nothing is changed: restore it from a
backup. Exit status 0 when the ledger is whole afterwards, 1 otherwise.")]
    Repair {
        #[arg(long, value_name = "FILE")]
        ledger: PathBuf,
    },
}

pub fn run(a: Args) -> CmdResult {
    match a.action {
        Action::Check { ledger, json } => check(&ledger, json),
        Action::Repair { ledger } => repair(&ledger),
    }
}

fn existing(path: &Path) -> Result<Ledger, Failure> {
    if !path.exists() {
        return Err(Failure::new(format!("{}: no such ledger", path.display())));
    }
    Ok(Ledger::new(path))
}

fn check(ledger: &Path, json: bool) -> CmdResult {
    let l = existing(ledger)?;
    let lock = l.lock_shared()?;
    let mut out = std::io::stdout().lock();
    match l
        .load(&lock)
        .and_then(|st| l.check_index(&lock, &st).map(|()| st))
    {
        Ok(st) => {
            let redeemed = st.redeemed.len();
            if json {
                let v = json!({"ok": !st.torn_tail, "records": st.records, "issued": st.issued.len(),
                    "redeemed": redeemed, "torn_tail": st.torn_tail});
                writeln!(out, "{v}")?;
            } else {
                writeln!(
                    out,
                    "{}: {} records, {} issued, {} redeemed; checksums and hash chain verified",
                    ledger.display(),
                    st.records,
                    st.issued.len(),
                    redeemed
                )?;
            }
            if st.torn_tail {
                let ledger = payqr::sanitize::path_for_terminal(ledger);
                eprintln!(
                    "payqr: {ledger}: last line is incomplete (an interrupted write); it is ignored"
                );
                eprintln!("  hint: payqr ledger repair --ledger {ledger} cuts it off");
            }
            Ok(Outcome::from_ok(!st.torn_tail))
        }
        Err(e) => {
            if json {
                writeln!(out, "{}", json!({"ok": false, "error": e.to_string()}))?;
            } else {
                // A bad line is quoted: it may hold anything.
                writeln!(out, "{}", payqr::sanitize::for_terminal(&e.to_string()))?;
            }
            Ok(Outcome::Negative)
        }
    }
}

fn repair(ledger: &Path) -> CmdResult {
    let l = existing(ledger)?;
    let lock = l.lock()?;
    let mut out = std::io::stdout().lock();
    match l.repair(&lock) {
        Ok(0) => writeln!(out, "{}: whole, nothing to repair", ledger.display())?,
        Ok(n) => writeln!(
            out,
            "{}: cut {n} byte(s) of an incomplete last line",
            ledger.display()
        )?,
        // A bad complete line is a finding (exit 1); an I/O failure is not.
        Err(e @ LedgerError::Line { .. }) => {
            writeln!(out, "{}", payqr::sanitize::for_terminal(&e.to_string()))?;
            return Ok(Outcome::Negative);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Outcome::Success)
}
