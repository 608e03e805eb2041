//! `payqr redeem`: verify, then record the payment so it can never happen twice.

use std::path::PathBuf;

use payqr::ledger::Backend;
use payqr::redeem::{Counter, Item, redeem};
use payqr::verify::{Status, Verdict};

use super::{CmdResult, Failure, Outcome, check_outputs};

mod error;

use crate::cmd::output::{self, Check, CheckArgs};
use error::Error;

/// Verify codes and record their redemption in the ledger.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  payqr redeem --trust trust.json --ledger ledger.jsonl --txn POS-0001 photo.jpg
  scanner-gun | payqr redeem --trust trust.json --ledger ledger.jsonl -

A code is redeemed at most once: the ledger is locked (LEDGER.lock) while a
code is checked and recorded, and success is printed only after the record is
on disk. With `-`, lines that arrive together (up to 4096) are checked under
one lock and committed with one fsync (group commit); a scanner gun typing one
line at a time still gets each verdict at once. A code is named by its issuer
and code id. A code replaced by a reissue (issue --reissue) is refused as
`replaced`, naming the code that replaces it. Exit 0 when every code was
redeemed, 1 when any was refused, 2 when the ledger shows lost records (see
`payqr ledger repair --record-loss`).

With a PostgreSQL ledger (--ledger postgres://..., set up by `payqr ledger
init`), each group is one transaction holding the chain head's lock, and
success is printed only after COMMIT; the database refuses a second
redemption of a code. A lost connection (server restart, killed backend) is
tried again for up to 20 s (PAYQR_PG_RETRY_SECS) and never records a code
twice.

--at judges the codes as of another time (e.g. payments taken while a counter
was offline). The ledger then records both times: `time`, the wall clock of
the write, and `judged_at`, the time given, so a code redeemed after it
expired shows as such. --skew is at most 1h.")]
pub struct Args {
    #[command(flatten)]
    pub check: CheckArgs,
    /// The ledger that records redemptions: a file (JSON lines, or CSV if
    /// *.csv), or PostgreSQL: postgres://USER@HOST/DB?schema=NAME.
    #[arg(long, value_name = "FILE|URL")]
    pub ledger: PathBuf,
    /// Your transaction reference (receipt number), stored with the redemption.
    #[arg(long, value_name = "REF")]
    pub txn: Option<String>,
}

/// Most stdin lines handled under one lock and made durable by one fsync.
const BATCH: usize = 4096;

pub fn run(a: Args) -> CmdResult {
    if let Some(txn) = a.txn.as_deref() {
        output::check_txn(txn).map_err(Error::Txn)?;
    }
    let mut inputs = vec![("--trust", Some(a.check.trust.as_path()))];
    inputs.extend(a.check.images.iter().map(|p| ("IMAGE", Some(p.as_path()))));
    check_outputs(&inputs, &[("--ledger", Some(a.ledger.as_path()))])?;
    let Check {
        inputs,
        trust,
        clock,
        tz,
        json,
    } = a.check.resolve().map_err(Error::Check)?;
    let ledger = Backend::open(&a.ledger).map_err(Error::Ledger)?;
    // A time given with --at is a claim: recorded beside the wall clock,
    // never instead of it.
    let counter = Counter {
        trust: &trust,
        clock,
        txn: a.txn.as_deref(),
        channel: "counter",
        judged_later: a.check.at.is_some(),
    };
    if counter.judged_later {
        // Human text, so in --tz like every time a person reads; the
        // ledger's `judged_at` keeps UTC.
        let at = payqr::code::time::format_in(clock.at, tz);
        let note = payqr::i18n::cli::judging_as_of(crate::cmd::lang(), &at);
        eprintln!("{note}");
    }
    let mut out = std::io::stdout().lock();
    let mut all_ok = true;
    let mut read = 0usize;
    let errors = output::for_each_batch(&inputs, BATCH, |items| {
        read += items.len();
        let redeemed = redeem(&ledger, &items, &counter);
        let retries = ledger.take_retries();
        if retries > 0 {
            let name = payqr::sanitize::for_terminal(&ledger.name());
            let lang = crate::cmd::lang();
            eprintln!("{}", payqr::i18n::admin::reconnected(lang, &name, &retries));
        }
        if ledger.take_recovered() > 0 {
            let name = payqr::sanitize::for_terminal(&ledger.name());
            let lang = crate::cmd::lang();
            eprintln!("{}", payqr::i18n::admin::recovered_commit(lang, &name));
        }
        match redeemed {
            Ok(verdicts) => {
                all_ok &= verdicts.iter().all(|v| v.status == Status::Valid);
                emit_all(&mut out, json, &items, &verdicts, clock.at, tz)
            }
            Err(e) => {
                // What was recorded before the failure is acknowledged.
                let n = e.committed;
                emit_all(&mut out, json, &items[..n], &e.verdicts[..n], clock.at, tz)?;
                Err(Error::Ledger(e.source).into())
            }
        }
    })?;
    if errors > 0 {
        return Err(Error::Unreadable(errors).into());
    }
    if read == 0 {
        return Err(crate::cmd::verdict::nothing_read());
    }
    Ok(Outcome::from_ok(all_ok))
}

fn emit_all(
    out: &mut impl std::io::Write,
    json: bool,
    items: &[Item],
    verdicts: &[Verdict],
    at: u64,
    tz: chrono::FixedOffset,
) -> Result<(), Failure> {
    for (item, v) in items.iter().zip(verdicts) {
        emit_redeem(out, json, &item.source, v, at, tz)?;
    }
    Ok(())
}

fn emit_redeem(
    out: &mut impl std::io::Write,
    json: bool,
    source: &str,
    v: &Verdict,
    at: u64,
    tz: chrono::FixedOffset,
) -> Result<(), Failure> {
    if json {
        let mut j = output::json_value(source, v);
        j["redeemed"] = serde_json::json!(v.status == Status::Valid);
        writeln!(out, "{j}")?;
    } else {
        let colour = crate::cmd::verdict::colour_stdout();
        let act = crate::cmd::verdict::Act::Redeem;
        let text = crate::cmd::verdict::render(source, v, act, at, tz, colour);
        write!(out, "{text}")?;
    }
    out.flush()?;
    Ok(())
}
