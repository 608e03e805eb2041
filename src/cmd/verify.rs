//! `payqr verify`: is this code official, unexpired and unpaid?

use std::path::{Path, PathBuf};

use payqr::ledger::{Backend, CodeKey, Ledger, PgLedger};
use payqr::verify::{Status, verify_text};

use super::{CmdResult, Failure, Outcome};
use crate::cmd::output::{self, Check, CheckArgs};

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
not_yet_valid, redeemed, replaced (reissued: the reason names the code that
replaces it; with --ledger), no_code. Without --ledger a valid code's payment
status is not checked, and the verdict says so. Exit 0 when every code is
valid, 1 when any is not, 2 when an input or the ledger could not be read
(a missing ledger is an error: verify creates no file).")]
pub struct Args {
    #[command(flatten)]
    pub check: CheckArgs,
    /// Also report codes already redeemed in this ledger (read only; it must exist).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

pub fn run(a: Args) -> CmdResult {
    let Check {
        inputs,
        trust,
        clock,
        tz,
        json,
    } = a.check.resolve()?;
    // A PostgreSQL ledger is asked per code, like the file's index.
    let mut pg = match a.ledger.as_deref() {
        Some(p) if Backend::is_postgres(p) => Some(PgLedger::open(&p.to_string_lossy())?),
        _ => None,
    };
    if let (Some(path), None) = (&a.ledger, &pg) {
        must_exist(path)?;
    }
    let ledger = a
        .ledger
        .as_deref()
        .filter(|_| pg.is_none())
        .map(Ledger::new);
    let mut out = std::io::stdout().lock();
    let mut all_valid = true;
    let errors = output::for_each_item(&inputs, |item| {
        let mut v = match &item.text {
            Some(t) => verify_text(t, &trust, clock, None),
            None => output::no_code(),
        };
        // Only a code valid in every other way is looked up, and only it:
        // through the index (which `redeem` and `issue` keep) that is a few
        // milliseconds on a million-code ledger, where loading the whole
        // ledger took ~1 s and ~220 MB for every call of `payqr verify`.
        if let (Some(ledger), Some(code), Some(text)) = (&ledger, &v.code, &item.text)
            && v.status == Status::Valid
        {
            let key = CodeKey::of(&code.code.issuer, code.code.code_id);
            let lock = ledger.lock_shared()?;
            let state = ledger.lookup_codes(&lock, &[key])?;
            drop(lock);
            if state.redemption(&key).is_some() || state.replaced_by(&key).is_some() {
                // Judged again with the ledger, so that the verdict names
                // the redemption or the code that replaced this one (the
                // text decides the profile).
                v = verify_text(text, &trust, clock, Some(&state));
            }
        }
        if let (Some(pg), Some(code), Some(text)) = (pg.as_mut(), &v.code, &item.text)
            && v.status == Status::Valid
        {
            let c = &code.code;
            let key = CodeKey::of(&c.issuer, c.code_id);
            let state = pg.lookup(&[(c.issuer.clone(), c.code_id.to_string())])?;
            if state.redemption(&key).is_some() || state.replaced_by(&key).is_some() {
                v = verify_text(text, &trust, clock, Some(&state));
            }
        }
        all_valid &= v.status == Status::Valid;
        let checked = ledger.is_some() || pg.is_some();
        output::emit(&mut out, json, &item.source, &v, checked, clock.at, tz)
    })?;
    if errors > 0 {
        return Err(Failure::new(format!("{errors} input(s) could not be read")));
    }
    Ok(Outcome::from_ok(all_valid))
}

/// A ledger that is not there is an error, not an empty ledger: a typo in
/// `--ledger` must not turn every paid code into "not yet paid". (Writers
/// start a new ledger; a reader has nothing to read.)
fn must_exist(path: &Path) -> Result<(), Failure> {
    match std::fs::File::open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Failure::new(format!(
            "{}: no such ledger; nothing was verified",
            path.display()
        ))
        .hint("give the ledger that issue and redeem write, or leave out --ledger")),
        Err(e) => Err(Failure::new(format!("{}: {e}", path.display()))),
    }
}
