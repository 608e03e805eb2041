//! `payqr verify`: is this code official, unexpired and unpaid?

use std::path::PathBuf;

use payqr::ledger::Ledger;
use payqr::trust::TrustList;
use payqr::verify::{Clock, Status, verify_text};

use super::{CmdResult, Failure, Outcome, time_or_now, tz_or_local};
use crate::output::{self, Inputs};

/// Check codes from images, a payload text, or stdin (one payload per line).
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  payqr verify --trust trust.json --ledger ledger.jsonl photo.jpg
  payqr verify --trust trust.json --text 'PQ1:...' --json
  scanner-gun | payqr verify --trust trust.json -

Payloads are PQ1: texts or EMV MPM payloads of the EMV profile (issue --profile emv).
Statuses: valid, bad_signature, malformed, tampered (EMV amount, currency or reference
differ from the signed ones), unknown_issuer, revoked, key_not_valid, expired,
not_yet_valid, redeemed, no_code. Exit 0 when every code is valid, 1 when
any is not, 2 when an input could not be read.")]
pub struct Args {
    /// Images (PNG, JPEG, WebP, ...); `-` reads payload texts from stdin.
    #[arg(value_name = "IMAGE")]
    pub images: Vec<PathBuf>,
    /// A payload text, as a scanner gun types it.
    #[arg(long, value_name = "PAYLOAD")]
    pub text: Option<String>,
    /// Trust list of accepted issuers and keys.
    #[arg(long, value_name = "FILE")]
    pub trust: PathBuf,
    /// Also report codes already redeemed in this ledger.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// Judge as of this time instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Tolerated clock difference between issuer and verifier.
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub skew: String,
    /// Offset for displayed times and times without one (default: this machine's).
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
    let trust = TrustList::load(&a.trust).map_err(|e| {
        Failure::new(e).hint("create one with: payqr trust add ISSUER.pub --trust FILE")
    })?;
    let ledger = match &a.ledger {
        Some(p) => {
            let l = Ledger::new(p);
            let lock = l.lock_shared()?;
            Some(l.load(&lock)?)
        }
        None => None,
    };
    let mut out = std::io::stdout().lock();
    let mut all_valid = true;
    let errors = output::for_each_item(&inputs, |item| {
        let v = match &item.text {
            Some(t) => verify_text(t, &trust, clock, ledger.as_ref()),
            None => output::no_code(),
        };
        all_valid &= v.status == Status::Valid;
        output::emit(&mut out, a.json, &item.source, &v, clock.at, tz)
    })?;
    if errors > 0 {
        return Err(Failure::new(format!("{errors} input(s) could not be read")));
    }
    Ok(Outcome::from_ok(all_valid))
}
