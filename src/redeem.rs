//! Redemption: verify codes, then record their payment so that a code is
//! paid at most once — the policy a counter, a server or another program
//! calls, with the `payqr redeem` command as one caller among them.
//!
//! [`redeem`] takes a group of payload texts and judges them in three
//! steps:
//! 1. signatures, keys and times, which do not depend on the ledger, are
//!    checked on every core before the ledger is touched (the signature
//!    check is most of the cost of a redemption);
//! 2. under one exclusive session of the ledger ([`RedeemLedger::begin`]:
//!    the file ledger's lock, a database's transaction), every code still
//!    valid is judged again against what the ledger says about it: a code
//!    already redeemed, or replaced by a reissue, is refused, the verdict
//!    naming the earlier redemption or the code to pay instead;
//! 3. the same code twice in one group: what came before it is committed
//!    first, so the second one is judged against the first (refused).
//!
//! A verdict of [`Status::Valid`] is returned only once its record is
//! durable ([`RedeemSession::append`] returned): a caller that prints
//! "redeemed" after [`redeem`] returns never acknowledges a payment the
//! ledger could lose.
//!
//! The ledger is reached only through [`RedeemLedger`] and
//! [`RedeemSession`], two small traits, so a second backend (a database
//! shared by many counters) plugs in beside the file [`Ledger`].

mod backend;

pub use backend::BackendSession;

use std::collections::HashSet;

use rayon::prelude::*;

use crate::code::time;
use crate::ledger::{CodeKey, Ledger, LedgerError, LedgerState, LockGuard, Record};
use crate::trust::TrustList;
use crate::verify::{Clock, Status, Verdict, verify_text};

/// One thing to judge: a payload text with where it came from (a file
/// name, `stdin:12`, a terminal id), or `text: None` for an image in which
/// no QR code was found (judged [`Status::NoCode`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where the payload came from; stored with the redemption.
    pub source: String,
    pub text: Option<String>,
}

impl Item {
    /// A payload text from `source`.
    pub fn text(source: impl Into<String>, text: impl Into<String>) -> Item {
        Item {
            source: source.into(),
            text: Some(text.into()),
        }
    }
}

/// Who redeems and when: everything besides the codes and the ledger.
#[derive(Debug, Clone, Copy)]
pub struct Counter<'a> {
    pub trust: &'a TrustList,
    /// The moment codes are judged at, with the tolerated skew.
    pub clock: Clock,
    /// The caller's transaction reference (receipt number), stored with
    /// each redemption.
    pub txn: Option<&'a str>,
    /// How the payment was taken (`counter` for the CLI), stored with each
    /// redemption.
    pub channel: &'a str,
    /// Whether `clock.at` is a claimed time rather than the wall clock
    /// (payments taken offline): then each record keeps both, `time` the
    /// wall clock of the write and `judged_at` the time judged at.
    pub judged_later: bool,
}

/// What redemption needs from a ledger: an exclusive session over a set of
/// codes. The file [`Ledger`] implements it with its lock; another backend
/// implements it with a transaction.
pub trait RedeemLedger {
    type Session<'s>: RedeemSession
    where
        Self: 's;

    /// Takes the exclusive right to record redemptions and reads what the
    /// ledger says about `codes` (the valid codes of one group). Held until
    /// the session is dropped; sessions of two callers never overlap.
    fn begin(&self, codes: &[CodeKey]) -> Result<Self::Session<'_>, LedgerError>;

    /// Whether `error`, just returned by a session of this ledger, means
    /// only that the session lost its exclusive right before it wrote (a
    /// database connection lost and made again, its lock released by the
    /// server meanwhile) and found a code changed since it was judged: the
    /// group is then judged again from its first item not yet committed.
    /// A file's lock is never lost under its holder: never, by default.
    fn judged_stale(&self, _error: &LedgerError) -> bool {
        false
    }
}

/// One exclusive session of a [`RedeemLedger`].
pub trait RedeemSession {
    /// What the ledger says about the codes the session began with, and
    /// every record appended through it since.
    fn state(&self) -> &LedgerState;

    /// Records `records` durably, all or none, and updates
    /// [`state`](Self::state). Returns only once they survive a crash (a
    /// database: committed); the ledger itself refuses a second
    /// redemption of a code. May be called more than once per session (a
    /// code repeated in a group commits what came before it), and with no
    /// records; the session stays exclusive until dropped.
    fn append(&mut self, records: Vec<Record>) -> Result<(), LedgerError>;
}

/// The file ledger's session: its exclusive lock and the state of the
/// codes asked for, read through its index.
pub struct FileSession<'l> {
    ledger: &'l Ledger,
    lock: LockGuard,
    state: LedgerState,
}

impl RedeemLedger for Ledger {
    type Session<'s> = FileSession<'s>;

    fn begin(&self, codes: &[CodeKey]) -> Result<FileSession<'_>, LedgerError> {
        let lock = self.lock()?;
        let state = self.load_codes(&lock, codes)?;
        Ok(FileSession {
            ledger: self,
            lock,
            state,
        })
    }
}

impl RedeemSession for FileSession<'_> {
    fn state(&self) -> &LedgerState {
        &self.state
    }

    fn append(&mut self, records: Vec<Record>) -> Result<(), LedgerError> {
        self.ledger.append(&self.lock, &mut self.state, records)
    }
}

/// A ledger failure part-way through a group. The first `committed`
/// verdicts are final (their records are durable) and may be reported;
/// no later item was redeemed.
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct RedeemError {
    pub committed: usize,
    pub verdicts: Vec<Verdict>,
    #[source]
    pub source: LedgerError,
}

/// Judges and redeems `items` (one group: one ledger session, one durable
/// write when no code repeats), returning one verdict per item in order.
/// An item is redeemed exactly when its verdict is [`Status::Valid`]; any
/// other verdict says why it was refused.
pub fn redeem<L: RedeemLedger + ?Sized>(
    ledger: &L,
    items: &[Item],
    counter: &Counter,
) -> Result<Vec<Verdict>, RedeemError> {
    let mut verdicts = verify_all(items, counter.trust, counter.clock);
    let mut committed = 0;
    match record(ledger, items, counter, &mut verdicts, &mut committed) {
        Ok(()) => Ok(verdicts),
        Err(source) => Err(RedeemError {
            committed,
            verdicts,
            source,
        }),
    }
}

/// How often a group is judged again after its session went stale.
const STALE_RETRIES: u32 = 5;

/// Step 2 and 3 of [`redeem`]; `committed` counts the leading verdicts
/// whose records are durable. A session that went stale before writing
/// ([`RedeemLedger::judged_stale`]) wrote nothing: the items after
/// `committed` get their first verdicts back and are judged again.
fn record<L: RedeemLedger + ?Sized>(
    ledger: &L,
    items: &[Item],
    counter: &Counter,
    verdicts: &mut [Verdict],
    committed: &mut usize,
) -> Result<(), LedgerError> {
    let mut tries = 0;
    loop {
        match record_from(ledger, items, counter, verdicts, committed) {
            Err(e) if tries < STALE_RETRIES && ledger.judged_stale(&e) => {
                tries += 1;
                // The first verdicts again, judged anew rather than kept:
                // the same items, trust list and clock give the same
                // verdicts, and a copy of every group's verdicts held for
                // a retry only PostgreSQL ever needs cost 1.9 MB of peak
                // heap on a 10,000-line `redeem -` (heaptrack).
                let from = *committed;
                let again = verify_all(&items[from..], counter.trust, counter.clock);
                verdicts[from..].clone_from_slice(&again);
            }
            done => return done,
        }
    }
}

/// One session over the items from `committed` on.
fn record_from<L: RedeemLedger + ?Sized>(
    ledger: &L,
    items: &[Item],
    counter: &Counter,
    verdicts: &mut [Verdict],
    committed: &mut usize,
) -> Result<(), LedgerError> {
    let start = *committed;
    let keys: Vec<CodeKey> = verdicts[start..]
        .iter()
        .filter(|v| v.status == Status::Valid)
        .filter_map(|v| {
            let c = &v.code.as_ref()?.code;
            // The code, and its key's all-before cancellation if any.
            Some([
                CodeKey::of(&c.issuer, c.code_id),
                crate::ledger::rule_key(&c.issuer, c.key_id),
            ])
        })
        .flatten()
        .collect();
    // A session even when nothing is valid: the ledger is checked (a
    // damaged or truncated ledger fails the group) and created if missing,
    // whatever the codes.
    let mut session = ledger.begin(&keys)?;
    let judged_at = counter
        .judged_later
        .then(|| time::format_utc(counter.clock.at));
    // Records of this group, and the verdicts they acknowledge.
    let mut records = Vec::new();
    let mut in_group = HashSet::new();
    for i in start..items.len() {
        if verdicts[i].status != Status::Valid {
            continue;
        }
        let Some(code) = verdicts[i].code.as_ref() else {
            continue;
        };
        let c = &code.code;
        let key = CodeKey::of(&c.issuer, c.code_id);
        let (issuer, code_id) = (c.issuer.clone(), c.code_id);
        if in_group.contains(&key) {
            // The same code twice in one group: commit what came before,
            // so this one is judged against it (refused).
            session.append(std::mem::take(&mut records))?;
            *committed = i;
            in_group.clear();
        }
        let state = session.state();
        if state.redemption(&key).is_some()
            || state.replaced_by(&key).is_some()
            || state
                .cancellation(&c.issuer, c.key_id, c.code_id, c.issued_at)
                .is_some()
        {
            // Judged again with the ledger: the verdict names the earlier
            // redemption, or the code that replaced this one. Re-read from
            // the text: the profile (PQ1 or EMV) decides how the signature
            // is checked.
            if let Some(text) = items[i].text.as_deref() {
                verdicts[i] = verify_text(text, counter.trust, counter.clock, Some(state));
            }
            continue;
        }
        in_group.insert(key);
        let mut r = Record::redeemed(
            &issuer,
            code_id,
            time::now(),
            counter.txn.map(String::from),
            counter.channel,
            Some(items[i].source.clone()),
        );
        r.judged_at = judged_at.clone();
        records.push(r);
    }
    // One write and one fsync for the group; only then any success.
    session.append(records)?;
    *committed = items.len();
    Ok(())
}

/// Fewest items worth spreading over the thread pool: below this, handing
/// work to other threads costs more than it saves, and a scanner gun's
/// one-code group gets its verdict on the calling thread.
const PARALLEL_MIN: usize = 64;

/// Verdicts without the ledger (signature, trust, time), on every core.
fn verify_all(items: &[Item], trust: &TrustList, clock: Clock) -> Vec<Verdict> {
    let one = |item: &Item| match &item.text {
        Some(text) => verify_text(text, trust, clock, None),
        None => Verdict::no_code(),
    };
    if items.len() < PARALLEL_MIN {
        return items.iter().map(one).collect();
    }
    items.par_iter().map(one).collect()
}
