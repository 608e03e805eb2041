//! One interface over both ledgers: the file ([`Ledger`], the default)
//! and PostgreSQL ([`PgLedger`], for many counters on many machines).
//! `--ledger` picks one: a `postgres://` or `postgresql://` URL is a
//! database, anything else a file.
//!
//! Both give the same guarantees: a code is redeemed at most once, a
//! redemption is acknowledged only once it is durable (fsync, COMMIT),
//! and every record is in the same hash chain, which `ledger check`
//! proves on either.

use std::collections::HashSet;
use std::path::Path;

use super::postgres::{self, PgLedger};
use super::{Checked, CodeKey, Ledger, LedgerError, LedgerState, Record};

/// What a redemption batch did with each record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redeemed {
    /// Recorded now.
    New,
    /// Recorded by this same request in an attempt whose answer was lost
    /// (the connection broke during COMMIT): acknowledged, not written
    /// again.
    SameRequest,
    /// Not recorded: the code was redeemed already (possibly earlier in
    /// the same batch) or replaced by a reissue; the state returned names
    /// which.
    Refused,
}

pub enum Backend {
    File(Ledger),
    Postgres(Box<PgLedger>),
}

impl Backend {
    /// The ledger a `--ledger` value names (nothing is opened yet).
    pub fn open(arg: &Path) -> Result<Backend, LedgerError> {
        match arg.to_str() {
            Some(s) if postgres::is_url(s) => Ok(Backend::Postgres(Box::new(PgLedger::open(s)?))),
            _ => Ok(Backend::File(Ledger::new(arg))),
        }
    }

    /// Whether a `--ledger` value names a PostgreSQL ledger.
    pub fn is_postgres(arg: &Path) -> bool {
        arg.to_str().is_some_and(postgres::is_url)
    }

    /// How messages name the ledger (a URL without its password).
    pub fn name(&self) -> String {
        match self {
            Backend::File(l) => l.path().display().to_string(),
            Backend::Postgres(p) => p.shown().to_string(),
        }
    }

    /// Records the redemptions of `records`, each code at most once ever:
    /// codes already redeemed, replaced by a reissue, or earlier in the
    /// same batch are refused, the rest recorded in one durable write
    /// (file: under the exclusive lock, one write and fsync; PostgreSQL:
    /// one transaction under the chain head's lock, acknowledged after
    /// COMMIT). Returns each record's fate and the state of their codes
    /// afterwards, which names what a refusal met.
    pub fn redeem(
        &mut self,
        records: Vec<Record>,
    ) -> Result<(LedgerState, Vec<Redeemed>), LedgerError> {
        match self {
            Backend::Postgres(p) => p.redeem(records),
            Backend::File(l) => {
                let keys: Vec<CodeKey> = records.iter().filter_map(key_of).collect();
                let lock = l.lock()?;
                let mut state = l.load_codes(&lock, &keys)?;
                let mut fresh = Vec::new();
                let mut done = Vec::with_capacity(records.len());
                let mut in_batch = HashSet::new();
                for r in records {
                    let Some(key) = key_of(&r) else {
                        // Not a code id: the append names it.
                        fresh.push(r);
                        done.push(Redeemed::New);
                        continue;
                    };
                    let refused = state.redemption(&key).is_some()
                        || state.replaced_by(&key).is_some()
                        || !in_batch.insert(key);
                    if refused {
                        done.push(Redeemed::Refused);
                    } else {
                        fresh.push(r);
                        done.push(Redeemed::New);
                    }
                }
                l.append(&lock, &mut state, fresh)?;
                Ok((state, done))
            }
        }
    }

    /// How many transactions were tried again after a lost connection
    /// since the last call (always 0 for a file).
    pub fn take_retries(&mut self) -> u32 {
        match self {
            Backend::Postgres(p) => p.take_retries(),
            Backend::File(_) => 0,
        }
    }

    /// Every record in ledger order to `each`, checked; the state keeps
    /// the redemptions and losses (what reconcile needs beside its book).
    pub fn load_each(
        &mut self,
        each: impl FnMut(&Checked) + Send,
        exclusive: bool,
    ) -> Result<LedgerState, LedgerError> {
        match self {
            Backend::Postgres(p) => p.load_each(each),
            Backend::File(l) => {
                let lock = if exclusive {
                    l.lock()?
                } else {
                    l.lock_shared()?
                };
                l.load_each(&lock, each)
            }
        }
    }
}

fn key_of(r: &Record) -> Option<CodeKey> {
    Some(CodeKey::of(&r.issuer, r.code_id.parse().ok()?))
}
