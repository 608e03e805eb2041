//! Locks that follow a file's identity, whatever name reaches it.
//!
//! A lock file named after the path string (`<ledger>.lock`) is not shared
//! by two names of one file: through a hard link, a symlink, or a path
//! spelled differently (`./l.jsonl`, `/abs/l.jsonl`, `d/../l.jsonl`) two
//! writers each took "the" lock and both appended. Canonicalizing the path
//! fixes symlinks and spellings but not hard links, which have different
//! canonical paths.
//!
//! So the lock is an `flock` on the file itself: every name of a file
//! opens the same inode, and flock locks the inode's open file
//! description, whatever name opened it. The one thing that can move a name
//! to another inode is a rename over it (or a delete and re-create): a
//! process that locked the old inode would then exclude nobody. Hence the
//! check after locking: the path must still name the inode just locked
//! (same device and inode number), else the lock is dropped and taken
//! again on what the path names now. A writer that replaces the file by
//! rename while holding the lock does it as its last step, so a waiter
//! that wakes on the old inode finds the new one and locks that. And a
//! holder whose file was replaced by someone else finds out before it
//! writes, with [`FileLock::names`].
//!
//! flock (not fcntl): fcntl locks are dropped when the process closes any
//! descriptor of the file, which reading the file does all the time.
//!
//! On Windows the same design holds with `LockFileEx` on one byte past any
//! real end of the file and the file's (volume serial, file index) as its
//! identity; see [`crate::fs::platform::lock`].

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

use crate::fs::platform::{self, FileId};

/// A held `flock` on a file; released on drop.
#[derive(Debug)]
pub struct FileLock {
    file: File,
    id: FileId,
    locked: bool,
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the file would release it too, but Windows does that
        // only "eventually"; the next writer should not wait for it.
        if self.locked {
            let _ = platform::unlock(&self.file);
        }
    }
}

/// Whether to create a missing file (writers) or fail with `NotFound`
/// (readers create nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Create,
    Fail,
}

/// How often a lock is taken again because the file was replaced between
/// opening and locking it, before giving up.
const TRIES: usize = 100;

/// Takes an `flock` on the file `path` names (exclusive or shared),
/// blocking until it is free. `lock` = false skips the flock itself
/// (debug tests that show what happens without it).
pub fn lock(path: &Path, exclusive: bool, missing: Missing, lock: bool) -> io::Result<FileLock> {
    for _ in 0..TRIES {
        let mut opts = OpenOptions::new();
        opts.read(true);
        if missing == Missing::Create {
            // Append-only: this descriptor never writes, but creating needs
            // write access, and append cannot overwrite anything.
            opts.append(true).create(true);
        }
        let file = opts.open(path)?;
        if lock {
            platform::lock(&file, exclusive)?;
        }
        let id = platform::file_id(&file)?;
        match platform::path_id(path) {
            Ok(now) if now == id => {
                return Ok(FileLock {
                    file,
                    id,
                    locked: lock,
                });
            }
            // Replaced or removed between open and lock: lock again what
            // the name reaches now.
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(
        "the file kept being replaced while it was being locked",
    ))
}

impl FileLock {
    /// Whether `file` (opened by name after locking) is the locked file.
    /// A writer checks this before writing: if the name was moved to
    /// another file meanwhile, this lock guards nothing there.
    pub fn names(&self, file: &File) -> io::Result<bool> {
        Ok(platform::file_id(file)? == self.id)
    }

    /// The locked file's identity ([`FileId`]).
    pub fn id(&self) -> FileId {
        self.id
    }

    /// The locked file, opened read-only (append-only besides when it may
    /// have been created).
    pub fn file(&self) -> &File {
        &self.file
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Whether taking a lock on `b` waits while `a` is held.
    fn excludes(a: &Path, b: &Path) -> bool {
        let held = lock(a, true, Missing::Create, true).unwrap();
        let (tx, rx) = mpsc::channel();
        let b = b.to_path_buf();
        let t = std::thread::spawn(move || {
            let l = lock(&b, true, Missing::Create, true).unwrap();
            tx.send(()).unwrap();
            drop(l);
        });
        let waited = rx.recv_timeout(Duration::from_millis(200)).is_err();
        drop(held);
        rx.recv_timeout(Duration::from_secs(10)).ok();
        t.join().unwrap();
        waited
    }

    #[test]
    fn every_name_of_a_file_shares_its_lock() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("l.jsonl");
        std::fs::write(&p, b"").unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::hard_link(&p, d.path().join("hard.jsonl")).unwrap();
        #[cfg_attr(not(unix), allow(unused_mut))]
        let mut names = vec!["hard.jsonl", "sub/../l.jsonl", "./l.jsonl"];
        // Windows makes symlinks only with a privilege tests lack.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&p, d.path().join("soft.jsonl")).unwrap();
            names.push("soft.jsonl");
        }
        for other in names {
            assert!(excludes(&p, &d.path().join(other)), "{other}");
        }
        assert!(!excludes(&p, &d.path().join("another.jsonl")));
    }

    #[test]
    fn a_file_replaced_by_rename_is_locked_again() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("trust.json");
        std::fs::write(&p, b"old").unwrap();
        let held = lock(&p, true, Missing::Fail, true).unwrap();
        // Replaced while locked: the holder sees it, and a new locker
        // locks the new file at once (the old lock guards nothing there).
        let tmp = d.path().join("new");
        std::fs::write(&tmp, b"new").unwrap();
        if !platform::rename_over_open(&tmp, &p).unwrap() {
            // Windows without POSIX renames: a locked file cannot be
            // replaced at all, so the holder's lock still names it.
            let f = File::open(&p).unwrap();
            assert!(held.names(&f).unwrap());
            assert_eq!(std::fs::read(&p).unwrap(), b"old");
            return;
        }
        let f = File::open(&p).unwrap();
        assert!(!held.names(&f).unwrap());
        let again = lock(&p, true, Missing::Fail, true).unwrap();
        assert!(again.names(&f).unwrap());
        assert_ne!(again.id(), held.id());
        drop((held, again));
        let e = lock(&d.path().join("none"), false, Missing::Fail, true).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(!d.path().join("none").exists());
    }
}
