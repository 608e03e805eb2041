//! `payqr redeem`: verify, then record the payment so it can never happen twice.

use std::path::PathBuf;

use payqr::ledger::{Backend, Record, Redeemed};
use payqr::trust::TrustList;
use payqr::verify::{Clock, Status, Verdict, verify_text};

use super::{CmdResult, Failure, Outcome, check_outputs};
use crate::cmd::output::{self, Check, CheckArgs, Item};

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
init`), each group is one transaction and success is printed only after
COMMIT; the database refuses a second redemption of a code. A lost connection
(server restart, killed backend) is tried again for up to 20 s
(PAYQR_PG_RETRY_SECS) and never records a code twice.

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
    a.txn.as_deref().map(output::check_txn).transpose()?;
    let mut inputs = vec![("--trust", Some(a.check.trust.as_path()))];
    inputs.extend(a.check.images.iter().map(|p| ("IMAGE", Some(p.as_path()))));
    check_outputs(&inputs, &[("--ledger", Some(a.ledger.as_path()))])?;
    let Check {
        inputs,
        trust,
        clock,
        tz,
        json,
    } = a.check.resolve()?;
    let mut ledger = Backend::open(&a.ledger)?;
    // A time given with --at is a claim: recorded beside the wall clock,
    // never instead of it.
    let judged_at = a
        .check
        .at
        .is_some()
        .then(|| payqr::code::time::format_utc(clock.at));
    if let Some(t) = &judged_at {
        eprintln!(
            "payqr: note: judging as of {t} (--at); the ledger records it beside the time of redemption"
        );
    }
    let mut out = std::io::stdout().lock();
    let mut all_ok = true;
    let errors = output::for_each_batch(&inputs, BATCH, |items| {
        // Signatures, keys and times do not depend on the ledger: check
        // them on every core before taking the lock.
        let mut verdicts = verify_all(&items, &trust, clock);
        // Check and record in one durable write (file: under the
        // exclusive lock, taken per batch so an idle scanner gun on stdin
        // never blocks other counters; PostgreSQL: one transaction).
        let mut records = Vec::new();
        let mut which = Vec::new();
        for (i, v) in verdicts.iter().enumerate() {
            if v.status != Status::Valid {
                continue;
            }
            let c = &v.code.as_ref().expect("a valid verdict has a code").code;
            let mut record = Record::redeemed(
                &c.issuer,
                c.code_id,
                payqr::code::time::now(),
                a.txn.clone(),
                "counter",
                Some(items[i].source.clone()),
            );
            record.judged_at = judged_at.clone();
            records.push(record);
            which.push(i);
        }
        let (state, done) = ledger.redeem(records)?;
        let retries = ledger.take_retries();
        if retries > 0 {
            eprintln!(
                "payqr: note: {}: the connection was lost and made again ({retries} time(s)); \
                 nothing was recorded twice",
                payqr::sanitize::for_terminal(&ledger.name())
            );
        }
        for (&i, fate) in which.iter().zip(done) {
            match fate {
                Redeemed::New => {}
                Redeemed::SameRequest => eprintln!(
                    "payqr: note: {}: the connection was lost while committing; the redemption \
                     had been committed by this same request, and is not recorded twice",
                    payqr::sanitize::for_terminal(&items[i].source)
                ),
                Redeemed::Refused => {
                    // Judged again with the ledger: the verdict names the
                    // earlier redemption, or the code that replaced this
                    // one. Re-read from the text: the profile (PQ1 or EMV)
                    // decides how the signature is checked.
                    let text = items[i]
                        .text
                        .as_deref()
                        .expect("a valid verdict has a text");
                    verdicts[i] = verify_text(text, &trust, clock, Some(&state));
                }
            }
        }
        all_ok &= verdicts.iter().all(|v| v.status == Status::Valid);
        emit_all(&mut out, json, &items, &verdicts, clock.at, tz)
    })?;
    if errors > 0 {
        return Err(Failure::new(format!("{errors} input(s) could not be read")));
    }
    Ok(Outcome::from_ok(all_ok))
}

/// Verdicts for a batch without the ledger, on every core: the signature
/// check is most of the cost of a redemption.
fn verify_all(items: &[Item], trust: &TrustList, clock: Clock) -> Vec<Verdict> {
    let one = |item: &Item| match &item.text {
        Some(text) => verify_text(text, trust, clock, None),
        None => output::no_code(),
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if items.len() < 64 || threads == 1 {
        return items.iter().map(one).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("verification does not panic"))
            .collect()
    })
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
