//! The writer lock: `flock` on `<ledger>.lock`, a dedicated file that is
//! never renamed or deleted (a lock on the ledger itself would be lost the
//! moment anyone renamed it).

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::LedgerError;

/// A held lock on `<ledger>.lock`; released on drop.
pub struct LockGuard {
    _file: File,
}

pub(super) fn lock_path(ledger: &Path) -> PathBuf {
    let mut s = ledger.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

pub(super) fn take(ledger: &Path, exclusive: bool) -> Result<LockGuard, LedgerError> {
    let lock = lock_path(ledger);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .map_err(|source| LedgerError::Io {
            path: lock.clone(),
            source,
        })?;
    if locking_disabled() {
        return Ok(LockGuard { _file: file });
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
    Ok(LockGuard { _file: file })
}

/// Debug builds only: `PAYQR_TEST_NO_LOCK=1` skips the lock, so a test can
/// show that the concurrency test fails without it.
fn locking_disabled() -> bool {
    cfg!(debug_assertions) && std::env::var_os("PAYQR_TEST_NO_LOCK").is_some()
}
