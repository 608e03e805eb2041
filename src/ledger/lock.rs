//! The writer lock: an `flock` on the ledger file itself, taken through
//! [`crate::fs::lock`], so every name of the ledger (hard link, symlink,
//! relative, absolute, `..`) shares one lock. The lock used to be a
//! separate `<ledger>.lock` named after the path string, which two names
//! of one ledger did not share: two writers appended at once.
//!
//! payqr never replaces a ledger by rename (it only appends and, in
//! `ledger repair`, cuts a torn tail in place). If someone else does,
//! [`crate::fs::lock::lock`] locks what the name reaches now, and a
//! writer that locked the old file notices before it writes
//! ([`LockGuard::names`]).

use std::fs::File;
use std::io;
use std::path::Path;

use super::error::LedgerError;
use crate::fs::lock::{self, FileLock, Missing};

/// A held lock on the ledger file; released on drop. `None` for a shared
/// lock on a ledger that does not exist (there is nothing to read or lock,
/// and a reader creates no file).
pub struct LockGuard {
    held: Option<FileLock>,
}

impl LockGuard {
    /// Whether `file`, opened by the ledger's name, is the file this guard
    /// locked. Writers check before writing a byte.
    pub(super) fn names(&self, file: &File) -> io::Result<bool> {
        match &self.held {
            Some(l) => l.names(file),
            None => Ok(false),
        }
    }
}

pub(super) fn take(ledger: &Path, exclusive: bool) -> Result<LockGuard, LedgerError> {
    // Writers create the ledger (empty) so there is a file to lock; readers
    // never create anything.
    let missing = if exclusive {
        Missing::Create
    } else {
        Missing::Fail
    };
    match lock::lock(ledger, exclusive, missing, !locking_disabled()) {
        Ok(l) => Ok(LockGuard { held: Some(l) }),
        Err(e) if !exclusive && e.kind() == io::ErrorKind::NotFound => Ok(LockGuard { held: None }),
        Err(source) if is_unsupported(&source) => Err(LedgerError::LockUnsupported {
            path: ledger.to_path_buf(),
            source,
        }),
        Err(source) => Err(LedgerError::Io {
            path: ledger.to_path_buf(),
            source,
        }),
    }
}

/// flock's answers on a file system without locks.
fn is_unsupported(e: &io::Error) -> bool {
    crate::fs::platform::lock_unsupported(e)
}

/// Debug builds only: `PAYQR_TEST_NO_LOCK=1` skips the lock, so a test can
/// show that the concurrency test fails without it.
fn locking_disabled() -> bool {
    cfg!(debug_assertions) && std::env::var_os("PAYQR_TEST_NO_LOCK").is_some()
}
