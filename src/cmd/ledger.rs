//! `payqr ledger`: inspect and repair the ledger.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;

use payqr::ledger::{Ledger, LedgerError};

use super::{CmdResult, Failure, Outcome};

pub type Args = super::cli::Group<Action>;

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Check every record, its checksum and the hash chain; report counts or the first bad line.
    #[command(after_help = "\
Example:
  payqr ledger check --ledger ledger.jsonl

Also reported: evidence of lost records (the checkpoint LEDGER.ckpt or the index
LEDGER.idx covers more than the ledger holds: see `ledger repair --record-loss`), a reference paid twice
through a reissue (a code and the code replacing it both redeemed), and every
loss recorded in the ledger (reported always; it does not fail the check).

Exit status 0 when the ledger is sound, 1 when a line is bad, the last line is
torn, records are missing, or a reference was paid twice.")]
    Check {
        #[arg(long, value_name = "FILE")]
        ledger: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cut off an incomplete last line left by an interrupted write; record lost records.
    #[command(after_help = "\
Examples:
  payqr ledger repair --ledger ledger.jsonl
  payqr ledger repair --ledger ledger.jsonl --record-loss

Only a last line without its newline is removed (it was never acknowledged).
A bad complete line is reported and nothing is changed: restore it from a
backup.

When the checkpoint LEDGER.ckpt (rewritten after every append) or the index
LEDGER.idx covers more than the ledger holds (records cut off the end, the
ledger replaced by an older copy), every command that writes
refuses (exit 2) and so does verify --ledger: a redemption on a lost line could
otherwise be accepted again. --record-loss appends a `lost` record saying how
many records and bytes were lost and the hash of the last line that was
covered, chained like any record, and then drops the stale index. The loss
stays in the ledger for good: `ledger check` and `reconcile` report it on every
run. Restore the lost records from a backup first if you can.

Exit status 0 when the ledger is whole afterwards, 1 otherwise.")]
    Repair {
        #[arg(long, value_name = "FILE")]
        ledger: PathBuf,
        /// Record the loss that the index shows as a `lost` record in the
        /// ledger, so that writing can resume.
        #[arg(long)]
        record_loss: bool,
    },
}

pub fn run(a: Args) -> CmdResult {
    match a.action {
        Action::Check { ledger, json } => check(&ledger, json),
        Action::Repair {
            ledger,
            record_loss,
        } => repair(&ledger, record_loss),
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
        .load_unchecked(&lock)
        .and_then(|st| l.check_index(&lock, &st).map(|()| st))
    {
        Ok(st) => {
            let redeemed = st.redeemed.len();
            let twice = st.double_payments();
            let ok = !st.torn_tail && twice.is_empty();
            let twice_text: Vec<String> = twice
                .iter()
                .map(|chain| {
                    let codes: Vec<String> = chain
                        .iter()
                        .map(|c| format!("code {} (issued at seq {})", c.code_id, c.seq))
                        .collect();
                    format!(
                        "reference {:?} of {} was paid twice through a reissue: {} all redeemed",
                        chain[0].reference,
                        chain[0].issuer,
                        codes.join(", ")
                    )
                })
                .collect();
            let loss_text: Vec<String> = st
                .losses
                .iter()
                .map(|x| {
                    format!(
                        "seq {} records a loss ({}): {} record(s), {} byte(s) of {} were lost \
                         (the last line then hashed {})",
                        x.seq,
                        payqr::code::time::format_utc(x.time),
                        x.records,
                        x.bytes,
                        x.covered,
                        payqr::code::to_hex(&x.hash)
                    )
                })
                .collect();
            if json {
                let v = json!({"ok": ok, "records": st.records, "issued": st.issued.len(),
                    "redeemed": redeemed, "cancelled": st.cancelled.len(),
                    "torn_tail": st.torn_tail,
                    "double_payments": twice_text, "losses": loss_text});
                writeln!(out, "{v}")?;
            } else {
                writeln!(
                    out,
                    "{}: {} records, {} issued, {} redeemed{}; checksums and hash chain verified",
                    ledger.display(),
                    st.records,
                    st.issued.len(),
                    redeemed,
                    match st.cancelled.len() {
                        0 => String::new(),
                        n => format!(", {n} cancellations"),
                    }
                )?;
                for t in twice_text.iter().chain(&loss_text) {
                    writeln!(out, "{}: {t}", ledger.display())?;
                }
            }
            if st.torn_tail {
                let ledger = payqr::sanitize::path_for_terminal(ledger);
                eprintln!(
                    "payqr: {ledger}: last line is incomplete (an interrupted write); it is ignored"
                );
                eprintln!("  hint: payqr ledger repair --ledger {ledger} cuts it off");
            }
            Ok(Outcome::from_ok(ok))
        }
        Err(e) => {
            if json {
                writeln!(out, "{}", json!({"ok": false, "error": e.to_string()}))?;
            } else {
                // A bad line is quoted: it may hold anything.
                writeln!(out, "{}", payqr::sanitize::for_terminal(&e.to_string()))?;
            }
            if matches!(e, LedgerError::Lost { .. }) {
                eprintln!(
                    "  hint: restore the lost records from a backup, or record the loss: \
                     payqr ledger repair --record-loss --ledger {}",
                    payqr::sanitize::for_terminal(&ledger.display().to_string())
                );
            }
            Ok(Outcome::Negative)
        }
    }
}

fn repair(ledger: &Path, record_loss: bool) -> CmdResult {
    let l = existing(ledger)?;
    let lock = l.lock_for_repair()?;
    let mut out = std::io::stdout().lock();
    match l.repair(&lock) {
        Ok(0) => {}
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
    if record_loss {
        return match l.record_loss(&lock, payqr::code::time::now())? {
            Some(x) => {
                writeln!(
                    out,
                    "{}: recorded at seq {}: {} record(s), {} byte(s) lost ({} covered {} byte(s) \
                     ending in a line hashed {})",
                    ledger.display(),
                    x.seq,
                    x.records,
                    x.bytes,
                    x.source,
                    x.covered,
                    payqr::code::to_hex(&x.hash)
                )?;
                Ok(Outcome::Success)
            }
            None => {
                writeln!(
                    out,
                    "{}: no evidence of lost records; nothing recorded",
                    ledger.display()
                )?;
                Ok(Outcome::Success)
            }
        };
    }
    if let Some(x) = l.find_loss(&lock)? {
        writeln!(
            out,
            "{}: {} record(s), {} byte(s) are missing from what {} covered",
            ledger.display(),
            x.records,
            x.bytes,
            x.source
        )?;
        eprintln!(
            "  hint: restore them from a backup, or record the loss: payqr ledger repair \
             --record-loss --ledger {}",
            payqr::sanitize::for_terminal(&ledger.display().to_string())
        );
        return Ok(Outcome::Negative);
    }
    writeln!(
        out,
        "{}: whole, nothing to repair",
        payqr::sanitize::for_terminal(&ledger.display().to_string())
    )?;
    Ok(Outcome::Success)
}
