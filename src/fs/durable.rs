//! Every durable write payqr makes goes through here: ledger appends and
//! cut-backs, the index, batch image and notice files, the manifest,
//! `syncfs`, directory syncs, and every temp-file-and-rename output
//! ([`crate::fs::atomic::write_atomic`]). So tests can make the n-th write,
//! sync or rename of any command fail (EIO, ENOSPC, or a torn write that
//! stops half way) and prove that no failure is ever acknowledged and no
//! half-written file ever appears under a final name.
//!
//! Faults are read from `PAYQR_FAULT=OP:N:KIND` (OP `write`, `fsync` or
//! `rename`; KIND `eio`, `enospc` or `torn`) in debug builds only: a release
//! binary cannot be told to fail. Every kind of sync (`fdatasync`, `fsync`,
//! a directory's `fsync`, `syncfs`) counts as `fsync`.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Write,
    Fsync,
    Rename,
}

/// One write of the whole buffer (partial writes are continued by
/// `write_all`; an error leaves the caller to roll back).
pub fn write(f: &mut File, bytes: &[u8]) -> io::Result<()> {
    if let Some(kind) = fault::hit(Op::Write) {
        if kind == Kind::Torn {
            // A crash half way through: part of the line reaches the file.
            f.write_all(&bytes[..bytes.len() / 2])?;
        }
        return Err(kind.error());
    }
    f.write_all(bytes)
}

/// `fdatasync`: the data and the file length, which is all an append needs.
pub fn sync_data(f: &File) -> io::Result<()> {
    if let Some(kind) = fault::hit(Op::Fsync) {
        return Err(kind.error());
    }
    f.sync_data()
}

/// `fsync`: data and metadata (a new file's size and times).
pub fn sync_all(f: &File) -> io::Result<()> {
    if let Some(kind) = fault::hit(Op::Fsync) {
        return Err(kind.error());
    }
    f.sync_all()
}

/// Makes a rename or a new file's name durable: on Linux the directory
/// entry lives in the parent directory, which has to be synced too.
/// Windows has no documented way to flush a directory (a directory
/// handle refuses `FlushFileBuffers`), so there this does nothing: each
/// file's bytes are flushed before its rename, and NTFS journals the
/// rename itself, but a power cut just after a rename may undo it (the
/// old file is then still whole; never a half-written one).
pub fn sync_parent(path: &Path) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    sync_dir(parent)
}

/// `fsync` of a directory: its entries (names created, renamed, removed).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    if let Some(kind) = fault::hit(Op::Fsync) {
        return Err(kind.error());
    }
    #[cfg(windows)]
    {
        let _ = dir;
        Ok(())
    }
    #[cfg(not(windows))]
    File::open(dir)?.sync_all()
}

/// Flushes every file written so far on the file system holding `dir`:
/// one call for many files instead of an fsync per file (~2 ms each on
/// ext4, benches/NOTES.md). Elsewhere than Linux, `dir` itself is synced
/// ([`sync_dir`], nothing on Windows) and the caller must have synced each
/// file (see [`PER_FILE_SYNC`]).
pub fn syncfs(dir: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        if let Some(kind) = fault::hit(Op::Fsync) {
            return Err(kind.error());
        }
        sys_syncfs(&File::open(dir)?)
    }
    #[cfg(not(target_os = "linux"))]
    sync_dir(dir)
}

/// `syncfs(2)` on the file system holding `f`, as a safe call: std has no
/// syncfs, and a file borrowed for the call keeps its descriptor open.
#[cfg(target_os = "linux")]
// unsafe: syncfs is a libc (FFI) call.
#[allow(unsafe_code)]
fn sys_syncfs(f: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: syncfs only uses the descriptor, which `f` keeps open.
    if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Without `syncfs`, each file has to be synced as it is written.
pub const PER_FILE_SYNC: bool = cfg!(not(target_os = "linux"));

/// A file writer whose every `write` goes through [`write`], for
/// buffered output (the manifest). Once a write fails it stays failed:
/// a `BufWriter` would otherwise write its whole buffer again after a
/// torn write, and the file would hold half a buffer twice.
pub struct Writer {
    file: File,
    failed: bool,
}

impl Writer {
    pub fn new(file: File) -> Writer {
        Writer {
            file,
            failed: false,
        }
    }

    /// The file, for its final sync; an error if any write failed.
    pub fn into_file(self) -> io::Result<File> {
        if self.failed {
            return Err(io::Error::other("an earlier write failed"));
        }
        Ok(self.file)
    }
}

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failed {
            return Err(io::Error::other("an earlier write failed"));
        }
        match write(&mut self.file, buf) {
            Ok(()) => Ok(buf.len()),
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Renames `from` over `to`.
///
/// Windows refuses to replace a file that another process has open at
/// that moment without delete sharing (virus scanners, the search
/// indexer, backup agents; Wine too, and it was seen failing 1 in 160
/// `redeem` runs of tests/ledger_concurrency.rs): `ERROR_ACCESS_DENIED`
/// or `ERROR_SHARING_VIOLATION`, for as long as they hold it, usually
/// milliseconds. So there the rename is tried again for about a second
/// before it fails (an error that outlasts that is reported as before).
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(kind) = fault::hit(Op::Rename) {
        return Err(kind.error());
    }
    #[cfg(windows)]
    {
        let mut wait = std::time::Duration::from_millis(1);
        for _ in 0..10 {
            match std::fs::rename(from, to) {
                // ERROR_ACCESS_DENIED (5), ERROR_SHARING_VIOLATION (32).
                Err(e) if matches!(e.raw_os_error(), Some(5 | 32)) => {
                    std::thread::sleep(wait);
                    wait *= 2;
                }
                r => return r,
            }
        }
    }
    std::fs::rename(from, to)
}

/// How an injected fault fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(debug_assertions), allow(dead_code))]
enum Kind {
    Eio,
    Enospc,
    Torn,
}

impl Kind {
    fn error(self) -> io::Error {
        match self {
            Kind::Enospc => io::Error::from_raw_os_error(28),
            Kind::Eio | Kind::Torn => io::Error::from_raw_os_error(5),
        }
    }
}

#[cfg(debug_assertions)]
mod fault {
    use std::sync::Mutex;

    use super::{Kind, Op};

    struct Plan {
        op: Op,
        n: u64,
        kind: Kind,
        seen: u64,
    }

    static PLAN: Mutex<Option<Option<Plan>>> = Mutex::new(None);

    fn parse(s: &str) -> Option<Plan> {
        let mut it = s.split(':');
        let op = match it.next()? {
            "write" => Op::Write,
            "fsync" => Op::Fsync,
            "rename" => Op::Rename,
            _ => return None,
        };
        let n = it.next()?.parse().ok()?;
        let kind = match it.next()? {
            "eio" => Kind::Eio,
            "enospc" => Kind::Enospc,
            "torn" => Kind::Torn,
            _ => return None,
        };
        Some(Plan {
            op,
            n,
            kind,
            seen: 0,
        })
    }

    /// Whether this operation is the one planned to fail.
    pub fn hit(op: Op) -> Option<Kind> {
        let mut plan = PLAN.lock().unwrap_or_else(|e| e.into_inner());
        let plan = plan
            .get_or_insert_with(|| std::env::var("PAYQR_FAULT").ok().as_deref().and_then(parse));
        let p = plan.as_mut().filter(|p| p.op == op)?;
        p.seen += 1;
        (p.seen == p.n).then_some(p.kind)
    }
}

#[cfg(not(debug_assertions))]
mod fault {
    use super::{Kind, Op};

    #[inline(always)]
    pub fn hit(_: Op) -> Option<Kind> {
        None
    }
}
