//! The few calls that differ between Unix and Windows, each behind one
//! small function so the rest of payqr has no `cfg`s: positional reads,
//! file identity, the ledger's lock, and what a failed lock means.
//!
//! Where Windows cannot give the Unix guarantee, the function says so
//! (README "Guarantees", Windows notes).

use std::fs::File;
use std::io;
use std::path::Path;

/// What makes two names one file: (device, inode) on Unix, (volume serial
/// number, file index) on Windows. Hard links share it; a file renamed
/// over a name does not.
pub type FileId = (u64, u64);

/// Fills `buf` from `offset` without using the file's cursor as state the
/// caller relies on. Unix: `pread`, the cursor is untouched. Windows:
/// `ReadFile` with an offset, which moves the handle's cursor; payqr only
/// calls this on handles it reads by offset or appends with (an append
/// handle writes at the end whatever the cursor).
pub fn read_exact_at(f: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        f.read_exact_at(buf, offset)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        let (mut buf, mut offset) = (buf, offset);
        while !buf.is_empty() {
            match f.seek_read(buf, offset) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "failed to fill whole buffer",
                    ));
                }
                Ok(n) => {
                    buf = &mut buf[n..];
                    offset += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// Writes all of `buf` at `offset` (`pwrite`; on Windows `WriteFile` with
/// an offset, which moves the cursor, as in [`read_exact_at`]).
pub fn write_all_at(f: &File, buf: &[u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        f.write_all_at(buf, offset)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        let (mut buf, mut offset) = (buf, offset);
        while !buf.is_empty() {
            match f.seek_write(buf, offset) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    buf = &buf[n..];
                    offset += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// The identity of an open file.
pub fn file_id(f: &File) -> io::Result<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = f.metadata()?;
        Ok((m.dev(), m.ino()))
    }
    #[cfg(windows)]
    {
        win::file_id(f)
    }
}

/// The identity of the file `path` names now (following symlinks).
pub fn path_id(path: &Path) -> io::Result<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path)?;
        Ok((m.dev(), m.ino()))
    }
    #[cfg(windows)]
    {
        win::file_id(&win::open_for_id(path)?)
    }
}

/// Blocks until this process holds the lock on `f` (exclusive or shared).
///
/// Unix: `flock`, advisory, on the whole file. Windows: `LockFileEx` is
/// mandatory for the bytes it covers (other handles, even this process's,
/// could no longer read or append them), so the lock covers one byte far
/// past any real end of file instead: every payqr process takes the same
/// byte, and reads and appends of the data are not blocked.
pub fn lock(f: &File, exclusive: bool) -> io::Result<()> {
    #[cfg(unix)]
    {
        if exclusive { f.lock() } else { f.lock_shared() }
    }
    #[cfg(windows)]
    {
        win::lock(f, exclusive)
    }
}

/// Releases [`lock`]. Closing the file releases it too; this does it now
/// (Windows releases a closed handle's locks only "eventually").
pub fn unlock(f: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        f.unlock()
    }
    #[cfg(windows)]
    {
        win::unlock(f)
    }
}

/// Whether a lock error means the file system has no locks at all (an NFS
/// mount without lockd, some FUSE file systems): payqr then refuses to
/// write rather than write unlocked.
pub fn lock_unsupported(e: &io::Error) -> bool {
    #[cfg(unix)]
    let os = matches!(
        e.raw_os_error(),
        Some(libc::ENOLCK) | Some(libc::EOPNOTSUPP)
    );
    // ERROR_NOT_SUPPORTED (50), ERROR_INVALID_FUNCTION (1): what SMB
    // shares and file systems without byte-range locks answer.
    #[cfg(windows)]
    let os = matches!(e.raw_os_error(), Some(50) | Some(1));
    os || e.kind() == io::ErrorKind::Unsupported
}

// unsafe: std exposes neither a file's identity nor a byte-range lock on
// stable Windows, so these are Win32 (FFI) calls, each with its SAFETY note.
#[cfg(windows)]
#[allow(unsafe_code)]
mod win {
    use std::fs::{File, OpenOptions};
    use std::io;
    use std::mem::MaybeUninit;
    use std::os::windows::fs::OpenOptionsExt;
    use std::os::windows::io::AsRawHandle;
    use std::path::Path;

    use windows_sys::Win32::Foundation::HANDLE;
    use windows_sys::Win32::Storage::FileSystem::{
        BY_HANDLE_FILE_INFORMATION, FILE_FLAG_BACKUP_SEMANTICS, GetFileInformationByHandle,
        LOCKFILE_EXCLUSIVE_LOCK, LockFileEx, UnlockFileEx,
    };
    use windows_sys::Win32::System::IO::OVERLAPPED;

    /// The locked byte: the highest offset NTFS accepts a lock at, far
    /// past any file payqr writes (a ledger never reaches 2^62 bytes).
    const LOCK_OFFSET: u64 = 1 << 62;

    fn handle(f: &File) -> HANDLE {
        f.as_raw_handle() as HANDLE
    }

    /// Opens `path` only to ask its identity: no read or write access
    /// (so a file another process holds open or locked still answers),
    /// and backup semantics so a directory opens too.
    pub fn open_for_id(path: &Path) -> io::Result<File> {
        OpenOptions::new()
            .access_mode(0)
            .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
            .open(path)
    }

    pub fn file_id(f: &File) -> io::Result<(u64, u64)> {
        let mut info = MaybeUninit::<BY_HANDLE_FILE_INFORMATION>::uninit();
        // SAFETY: the handle is open for as long as `f` lives, and `info`
        // is a valid out-pointer the call fills on success.
        if unsafe { GetFileInformationByHandle(handle(f), info.as_mut_ptr()) } == 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the call succeeded, so it wrote the whole struct.
        let info = unsafe { info.assume_init() };
        let index = (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow);
        Ok((u64::from(info.dwVolumeSerialNumber), index))
    }

    fn overlapped() -> OVERLAPPED {
        // SAFETY: OVERLAPPED is plain data; all zeros is its documented
        // initial state, the offset set below.
        let mut o: OVERLAPPED = unsafe { std::mem::zeroed() };
        o.Anonymous.Anonymous.Offset = LOCK_OFFSET as u32;
        o.Anonymous.Anonymous.OffsetHigh = (LOCK_OFFSET >> 32) as u32;
        o
    }

    pub fn lock(f: &File, exclusive: bool) -> io::Result<()> {
        let flags = if exclusive {
            LOCKFILE_EXCLUSIVE_LOCK
        } else {
            0
        };
        let mut o = overlapped();
        // SAFETY: a synchronous handle (std opens without OVERLAPPED), so
        // the call returns only once the lock is held or refused; `o`
        // outlives it.
        if unsafe { LockFileEx(handle(f), flags, 0, 1, 0, &mut o) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    pub fn unlock(f: &File) -> io::Result<()> {
        let mut o = overlapped();
        // SAFETY: as in `lock`.
        if unsafe { UnlockFileEx(handle(f), 0, 1, 0, &mut o) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

/// Test helper: renames `from` over `to`, which the caller holds open.
/// `Ok(false)`: Windows refused (`ERROR_ACCESS_DENIED`), as it does where
/// a rename cannot use POSIX semantics (Wine, FAT/exFAT, SMB shares,
/// Windows before 10 1607): there a file payqr holds open cannot be
/// replaced under it at all, which is the attack the callers' tests play.
/// On Unix the rename always succeeds.
#[cfg(test)]
pub(crate) fn rename_over_open(from: &Path, to: &Path) -> io::Result<bool> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(true),
        Err(e) if cfg!(windows) && e.kind() == io::ErrorKind::PermissionDenied => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn read_exact_at_reads_the_range_and_refuses_past_the_end() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        std::fs::File::create(&p)
            .unwrap()
            .write_all(b"0123456789")
            .unwrap();
        let f = File::open(&p).unwrap();
        let mut b = [0u8; 4];
        read_exact_at(&f, &mut b, 3).unwrap();
        assert_eq!(&b, b"3456");
        let e = read_exact_at(&f, &mut b, 8).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn ids_follow_the_file_not_the_name() {
        let d = tempfile::tempdir().unwrap();
        let (a, b, c) = (d.path().join("a"), d.path().join("b"), d.path().join("c"));
        std::fs::write(&a, b"a").unwrap();
        std::fs::write(&c, b"c").unwrap();
        std::fs::hard_link(&a, &b).unwrap();
        let fa = File::open(&a).unwrap();
        let id = file_id(&fa).unwrap();
        assert_eq!(id, path_id(&b).unwrap());
        assert_ne!(path_id(&a).unwrap(), path_id(&c).unwrap());
        // Closed first: Windows may refuse a rename over an open file
        // (see `rename_over_open`), which is not what this test is about.
        drop(fa);
        std::fs::rename(&c, &a).unwrap();
        assert_ne!(id, path_id(&a).unwrap());
        assert_eq!(id, path_id(&b).unwrap());
    }

    #[test]
    fn rename_over_an_open_file_replaces_it_or_is_refused_on_windows() {
        let d = tempfile::tempdir().unwrap();
        let (a, c) = (d.path().join("a"), d.path().join("c"));
        std::fs::write(&a, b"a").unwrap();
        std::fs::write(&c, b"c").unwrap();
        let fa = File::open(&a).unwrap();
        if rename_over_open(&c, &a).unwrap() {
            assert_eq!(std::fs::read(&a).unwrap(), b"c");
            assert_ne!(file_id(&fa).unwrap(), path_id(&a).unwrap());
        } else {
            assert_eq!(std::fs::read(&a).unwrap(), b"a");
            assert_eq!(file_id(&fa).unwrap(), path_id(&a).unwrap());
        }
    }
}
