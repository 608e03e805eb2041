//! The redemption policy on PostgreSQL, and on whichever ledger a
//! `--ledger` value names: the same [`super::redeem`] runs on both, only
//! the session differs (the file's lock, or a transaction holding the
//! database's chain head).

use super::{FileSession, RedeemLedger, RedeemSession};
use crate::ledger::postgres::PgSession;
use crate::ledger::{Backend, CodeKey, LedgerError, LedgerState, PgLedger, Record};

impl RedeemLedger for PgLedger {
    type Session<'s> = PgSession<'s>;

    fn begin(&self, codes: &[CodeKey]) -> Result<PgSession<'_>, LedgerError> {
        PgLedger::begin(self, codes)
    }

    fn judged_stale(&self, _error: &LedgerError) -> bool {
        self.take_stale()
    }
}

impl RedeemSession for PgSession<'_> {
    fn state(&self) -> &LedgerState {
        PgSession::state(self)
    }

    fn append(&mut self, records: Vec<Record>) -> Result<(), LedgerError> {
        PgSession::append(self, records)
    }
}

/// A session of either backend (one per group: the size of the larger
/// variant costs nothing worth boxing for).
#[allow(clippy::large_enum_variant)]
pub enum BackendSession<'l> {
    File(FileSession<'l>),
    Postgres(PgSession<'l>),
}

impl RedeemLedger for Backend {
    type Session<'s> = BackendSession<'s>;

    fn begin(&self, codes: &[CodeKey]) -> Result<BackendSession<'_>, LedgerError> {
        Ok(match self {
            Backend::File(l) => BackendSession::File(RedeemLedger::begin(l, codes)?),
            Backend::Postgres(p) => BackendSession::Postgres(PgLedger::begin(p, codes)?),
        })
    }

    fn judged_stale(&self, error: &LedgerError) -> bool {
        match self {
            Backend::File(l) => l.judged_stale(error),
            Backend::Postgres(p) => p.take_stale(),
        }
    }
}

impl RedeemSession for BackendSession<'_> {
    fn state(&self) -> &LedgerState {
        match self {
            BackendSession::File(s) => s.state(),
            BackendSession::Postgres(s) => s.state(),
        }
    }

    fn append(&mut self, records: Vec<Record>) -> Result<(), LedgerError> {
        match self {
            BackendSession::File(s) => s.append(records),
            BackendSession::Postgres(s) => s.append(records),
        }
    }
}
