//! The writer lock: `flock` on `<ledger>.lock`, a dedicated file that is
//! never renamed or deleted (a lock on the ledger itself would be lost the
//! moment anyone renamed it).

use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::LedgerError;

/// A held lock on `<ledger>.lock`; released on drop. A reader may hold
/// none (see [`take`]).
pub struct LockGuard {
    _file: Option<File>,
}

pub(super) fn lock_path(ledger: &Path) -> PathBuf {
    let mut s = ledger.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

pub(super) fn take(ledger: &Path, exclusive: bool) -> Result<LockGuard, LedgerError> {
    let lock = lock_path(ledger);
    // A reader creates no file and needs no write access: it opens the
    // lock file read-only (flock works on any open file), and reads
    // without a lock when the file is missing (no writer ever ran here)
    // or unreadable (a read-only copy of someone else's ledger). That is
    // still safe: a writer adds whole lines with one write() and a reader
    // ignores an incomplete last line (a read racing a write may see part
    // of it), so an unlocked reader sees the ledger as it was after some
    // append, never a half record. At worst it sees lines that a failed
    // append is about to cut back; a reader only reports, and writers,
    // which always lock, decide against the ledger as it is then.
    let opened = if exclusive {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
    } else {
        match File::open(&lock) {
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::PermissionDenied) => {
                return Ok(LockGuard { _file: None });
            }
            other => other,
        }
    };
    let file = opened.map_err(|source| LedgerError::Io {
        path: lock.clone(),
        source,
    })?;
    if locking_disabled() {
        return Ok(LockGuard { _file: Some(file) });
    }
    let r = if exclusive {
        file.lock()
    } else {
        file.lock_shared()
    };
    r.map_err(|source| LedgerError::LockUnsupported {
        path: ledger.to_path_buf(),
        lock,
        source,
    })?;
    Ok(LockGuard { _file: Some(file) })
}

/// Debug builds only: `PAYQR_TEST_NO_LOCK=1` skips the lock, so a test can
/// show that the concurrency test fails without it.
fn locking_disabled() -> bool {
    cfg!(debug_assertions) && std::env::var_os("PAYQR_TEST_NO_LOCK").is_some()
}
