//! `payqr verify`: is this code official, unexpired and unpaid?

use std::path::{Path, PathBuf};

use payqr::ledger::{Backend, CodeKey, Ledger, PgLedger};
use payqr::verify::{Status, Verdict, verify_text};

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
not_yet_valid, already_redeemed, replaced (reissued: the reason names the code that
replaces it; with --ledger), cancelled (by its issuer: payqr cancel, from the
ledger or the trust bundle), no_code. A trust list from a bundle older than
--stale-after is reported stale in every verdict; past its expiry verify
refuses (exit 2) unless --allow-stale, which every verdict then records.
Without --ledger a valid code's payment status is not checked, and the
verdict says so. The first line of each verdict is VALID or REFUSED and why
(in colour on a terminal; none with NO_COLOR), then the facts; --json fields:
docs/FORMAT.md section 8. Exit 0 when every code is valid, 1 when any is not
or stdin held no code, 2 when an input or the ledger could not be read
(a missing ledger is an error: verify creates no file).")]
pub struct Args {
    #[command(flatten)]
    pub check: CheckArgs,
    /// Also report codes already redeemed in this ledger (read only; it must
    /// exist): a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME).
    #[arg(long, value_name = "FILE|URL")]
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
    // A PostgreSQL ledger is asked per code, as the file's index is.
    let pg = match a.ledger.as_deref() {
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
    let mut read = 0usize;
    let errors = output::for_each_item(&inputs, |item| {
        read += 1;
        let mut v = match &item.text {
            Some(t) => verify_text(t, &trust, clock, None),
            None => Verdict::no_code(),
        };
        // Only a code valid in every other way is looked up, and only it:
        // through the index (which `redeem` and `issue` keep) that is a few
        // milliseconds on a million-code ledger, where loading the whole
        // ledger took ~1 s and ~220 MB for every call of `payqr verify`.
        if let (Some(code), Some(text)) = (&v.code, &item.text)
            && v.status == Status::Valid
            && (ledger.is_some() || pg.is_some())
        {
            let c = &code.code;
            let key = CodeKey::of(&c.issuer, c.code_id);
            let rule = payqr::ledger::rule_key(&c.issuer, c.key_id);
            let state = match (&ledger, &pg) {
                (Some(ledger), _) => {
                    let lock = ledger.lock_shared()?;
                    ledger.lookup_codes(&lock, &[key, rule])?
                }
                (None, Some(pg)) => pg.lookup(&[key, rule])?,
                (None, None) => unreachable!("checked above"),
            };
            if state.redemption(&key).is_some()
                || state.replaced_by(&key).is_some()
                || state
                    .cancellation(&c.issuer, c.key_id, c.code_id, c.issued_at)
                    .is_some()
            {
                // Judged again with the ledger, so that the verdict names
                // the redemption or the code that replaced this one (the
                // text decides the profile).
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
    if read == 0 {
        return Err(crate::cmd::verdict::nothing_read());
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
