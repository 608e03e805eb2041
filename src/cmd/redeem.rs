//! `payqr redeem`: verify, then record the payment so it can never happen twice.

use std::path::PathBuf;

use payqr::ledger::{Ledger, Record};
use payqr::trust::TrustList;
use payqr::verify::{Clock, Status, verify_text};

use super::{CmdResult, Failure, Outcome, time_or_now, tz_or_local};
use crate::output::{self, Inputs};

/// Verify codes and record their redemption in the ledger.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  payqr redeem --trust trust.json --ledger ledger.jsonl --txn POS-0001 photo.jpg
  scanner-gun | payqr redeem --trust trust.json --ledger ledger.jsonl -

A code is redeemed at most once: the ledger is locked (LEDGER.lock) while a
code is checked and recorded, and success is printed only after the record is
on disk. Exit 0 when every code was redeemed, 1 when any was refused.")]
pub struct Args {
    /// Images; `-` reads payload texts from stdin, one per line.
    #[arg(value_name = "IMAGE")]
    pub images: Vec<PathBuf>,
    /// A payload text.
    #[arg(long, value_name = "PAYLOAD")]
    pub text: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub trust: PathBuf,
    /// The ledger that records redemptions (JSON lines, or CSV if *.csv).
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,
    /// Your transaction reference (receipt number), stored with the redemption.
    #[arg(long, value_name = "REF")]
    pub txn: Option<String>,
    /// Judge as of this time instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub skew: String,
    #[arg(long, value_name = "OFFSET")]
    pub tz: Option<String>,
    /// One JSON object per code.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> CmdResult {
    let tz = tz_or_local(a.tz.as_deref())?;
    let clock = Clock {
        at: time_or_now(a.at.as_deref(), tz)?,
        skew: payqr::time::parse_duration(&a.skew)?,
    };
    let inputs = Inputs::from_args(&a.images, a.text.clone())?;
    let trust = TrustList::load(&a.trust)?;
    let ledger = Ledger::new(&a.ledger);
    let mut out = std::io::stdout().lock();
    let mut all_ok = true;
    let errors = output::for_each_item(&inputs, |item| {
        let Some(text) = &item.text else {
            all_ok = false;
            return output::emit(
                &mut out,
                a.json,
                &item.source,
                &output::no_code(),
                clock.at,
                tz,
            );
        };
        // Check and record under one exclusive lock, taken per code so an
        // idle scanner gun on stdin never blocks other counters.
        let lock = ledger.lock()?;
        let mut state = ledger.load(&lock)?;
        let v = verify_text(text, &trust, clock, Some(&state));
        if v.status == Status::Valid {
            let c = &v.code.as_ref().expect("valid has a code").code;
            let rec = Record::redeemed(
                &c.issuer,
                c.code_id,
                payqr::time::now(),
                a.txn.clone(),
                "counter",
                Some(item.source.clone()),
            );
            ledger.append(&lock, &mut state, vec![rec])?;
        } else {
            all_ok = false;
        }
        drop(lock);
        emit_redeem(&mut out, a.json, &item.source, &v, clock.at, tz)
    })?;
    if errors > 0 {
        return Err(Failure::new(format!("{errors} input(s) could not be read")));
    }
    Ok(Outcome::from_ok(all_ok))
}

fn emit_redeem(
    out: &mut impl std::io::Write,
    json: bool,
    source: &str,
    v: &payqr::verify::Verdict,
    at: u64,
    tz: chrono::FixedOffset,
) -> Result<(), Failure> {
    if json {
        let mut j = output::json_value(source, v, tz);
        j["redeemed"] = serde_json::json!(v.status == Status::Valid);
        writeln!(out, "{j}")?;
    } else {
        let src = payqr::sanitize::for_terminal(source);
        let what = output::describe(v, at, tz);
        if v.status == Status::Valid {
            writeln!(out, "{src}: redeemed: {what}")?;
        } else {
            writeln!(out, "{src}: refused: {}: {what}", v.status.as_str())?;
        }
    }
    out.flush()?;
    Ok(())
}
