//! One interface over both ledgers: the file ([`Ledger`], the default)
//! and PostgreSQL ([`PgLedger`], for many counters on many machines).
//! `--ledger` picks one: a `postgres://` or `postgresql://` URL is a
//! database, anything else a file.
//!
//! Both give the same guarantees: a code is redeemed at most once, a
//! redemption is acknowledged only once it is durable (fsync, COMMIT),
//! and every record is in the same hash chain, which `ledger check`
//! proves on either. Redemption runs one policy on both
//! (`payqr::redeem::redeem`, through its `RedeemLedger` trait, which both
//! backends and this enum implement).

use std::path::Path;

use super::payload::{IssuedPayload, Lookup};
use super::postgres::{self, PgLedger};
use super::{Checked, Ledger, LedgerError, LedgerState};

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

    /// How many transactions were tried again after a lost connection
    /// since the last call (always 0 for a file).
    pub fn take_retries(&self) -> u32 {
        match self {
            Backend::Postgres(p) => p.take_retries(),
            Backend::File(_) => 0,
        }
    }

    /// How many requests were found committed by a retry after their
    /// COMMIT's answer was lost, since the last call (0 for a file).
    pub fn take_recovered(&self) -> u32 {
        match self {
            Backend::Postgres(p) => p.take_recovered(),
            Backend::File(_) => 0,
        }
    }

    /// Every record in ledger order to `each`, checked; the state keeps
    /// the redemptions, cancellations and losses (what reconcile needs
    /// beside its book). A file is read under its shared lock, a database
    /// from one snapshot.
    pub fn load_each(&self, each: impl FnMut(&Checked) + Send) -> Result<LedgerState, LedgerError> {
        match self {
            Backend::Postgres(p) => p.load_each(each),
            Backend::File(l) => {
                let lock = l.lock_shared()?;
                l.load_each(&lock, each)
            }
        }
    }

    /// The issued records of a code id or a reference, with their payload
    /// texts and what the ledger says against paying them: what `payqr
    /// notice` prints from ([`Ledger::issued_payloads_by`]).
    pub fn issued_payloads_by(
        &self,
        lookup: Lookup<'_>,
        issuer: Option<&str>,
    ) -> Result<Vec<IssuedPayload>, LedgerError> {
        match self {
            Backend::Postgres(p) => p.issued_payloads_by(lookup, issuer),
            Backend::File(l) => l.issued_payloads_by(lookup, issuer),
        }
    }
}
