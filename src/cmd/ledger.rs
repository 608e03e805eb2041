//! `payqr ledger`: inspect the ledger.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use payqr::ledger::Ledger;

use super::{CmdResult, Failure, Outcome};

/// Inspect the ledger of issued and redeemed codes.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Check every record; report counts or the first bad line.
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
}

pub fn run(a: Args) -> CmdResult {
    let Action::Check { ledger, json } = a.action;
    if !ledger.exists() {
        return Err(Failure::new(format!(
            "{}: no such ledger",
            ledger.display()
        )));
    }
    let l = Ledger::new(&ledger);
    let lock = l.lock_shared()?;
    let mut out = std::io::stdout().lock();
    match l.load(&lock) {
        Ok(st) => {
            let redeemed = st.redeemed.len();
            if json {
                let v = json!({"ok": !st.torn_tail, "records": st.records, "issued": st.issued.len(),
                    "redeemed": redeemed, "torn_tail": st.torn_tail});
                writeln!(out, "{v}")?;
            } else {
                writeln!(
                    out,
                    "{}: {} records, {} issued, {} redeemed",
                    ledger.display(),
                    st.records,
                    st.issued.len(),
                    redeemed
                )?;
            }
            if st.torn_tail {
                eprintln!(
                    "payqr: {}: last line is incomplete (an interrupted write); it is ignored",
                    ledger.display()
                );
            }
            Ok(Outcome::from_ok(!st.torn_tail))
        }
        Err(e) => {
            if json {
                writeln!(out, "{}", json!({"ok": false, "error": e.to_string()}))?;
            } else {
                writeln!(out, "{e}")?;
            }
            Ok(Outcome::Negative)
        }
    }
}
