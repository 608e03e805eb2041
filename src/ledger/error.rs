//! What can go wrong with a ledger. Its own module so the parts of the
//! ledger (lock, index, line reading) can report errors without standing on
//! `ledger/mod.rs`, which stands on them.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}:{line}: {reason}")]
    Line {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{path}:{line}: last line is incomplete (a write was interrupted)")]
    Torn { path: PathBuf, line: u64 },
    #[error("{path}: cannot lock it: the file system does not support locking ({source})")]
    LockUnsupported { path: PathBuf, source: io::Error },
    #[error("{path}: {reason}")]
    Conflict { path: PathBuf, reason: String },
    #[error("{path}: {reason}")]
    IndexMismatch { path: PathBuf, reason: String },
    /// Evidence (the index) that records were lost from the ledger, not
    /// yet recorded by `payqr ledger repair --record-loss`.
    #[error("{path}: lost records: {reason}")]
    Lost { path: PathBuf, reason: String },
}
