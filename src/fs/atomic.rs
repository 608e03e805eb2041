//! Small file-system helpers that keep files whole: a reader never sees a
//! half-written output, and a secret key is never world-readable, not even
//! for the moment between create and chmod.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use crate::fs::durable;

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, fsync, rename over the target, fsync of the directory, each
/// through [`crate::fs::durable`] (so fault tests reach them).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_mode(path, bytes, None)
}

/// [`write_atomic`] for a file rebuilt from others when it is lost (the
/// ledger's index): synced before the rename, so its name never holds a
/// half-written file, but its directory is not synced, so a crash may
/// undo the rename and lose only a file that is rebuilt.
pub fn write_atomic_rebuildable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, None, false)
}

/// A fresh temporary name beside `path` (`.NAME.RANDOM.tmp`), so two
/// writers of one target never share it.
fn temp_path(path: &Path) -> PathBuf {
    let mut rnd = [0u8; 6];
    let _ = getrandom::fill(&mut rnd);
    let tag = crate::code::hex::to_hex(&rnd);
    temp_named(path, &format!(".{tag}"))
}

/// The temporary name of `path` that a rerun reuses (`.NAME.tmp`): batch
/// outputs, where a run killed midway leaves no half-written file under a
/// real name and the next run overwrites what it left.
pub fn stable_temp_path(path: &Path) -> PathBuf {
    temp_named(path, "")
}

fn temp_named(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}{tag}.tmp"))
}

/// Creates the temporary file `tmp` afresh: what an interrupted run left
/// there is removed first, and a symlink planted at the name is removed,
/// never written through (create_new does not follow one).
pub fn create_fresh(tmp: &Path) -> io::Result<File> {
    match fs::remove_file(tmp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    new_file(tmp, None)
}

fn write_atomic_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    replace(path, bytes, mode, true)
}

/// The one temp-file-and-rename: write, sync, close (Windows renames a
/// closed file more readily), rename over `path`, and sync the directory
/// when `sync_dir`. On failure the temporary file is removed.
fn replace(path: &Path, bytes: &[u8], mode: Option<u32>, sync_dir: bool) -> io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = new_file(&tmp, mode)?;
        durable::write(&mut f, bytes)?;
        durable::sync_all(&f)?;
        drop(f);
        durable::rename(&tmp, path)?;
        if sync_dir {
            durable::sync_parent(path)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// An I/O error and the file it concerns.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct PathError {
    pub path: PathBuf,
    pub source: io::Error,
}

/// Outputs of one command, written all or none: each goes to a temporary
/// file beside its target, synced; only once all are written are they
/// renamed into place. A failure before that leaves every old output
/// whole (a dropped `Staged` removes its temporary files); the renames
/// themselves are what can still fail between outputs.
#[derive(Default)]
pub struct Staged {
    /// (temporary, target), in the order added.
    files: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> Result<(), PathError> {
        let tmp = temp_path(path);
        let written = (|| {
            let mut f = new_file(&tmp, None)?;
            durable::write(&mut f, bytes)?;
            durable::sync_all(&f)
        })();
        if let Err(source) = written {
            let _ = fs::remove_file(&tmp);
            return Err(PathError {
                path: path.to_path_buf(),
                source,
            });
        }
        self.files.push((tmp, path.to_path_buf()));
        Ok(())
    }

    pub fn commit(mut self) -> Result<(), PathError> {
        let err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| PathError { path, source }
        };
        let mut done = Vec::new();
        while !self.files.is_empty() {
            let (tmp, path) = &self.files[0];
            durable::rename(tmp, path).map_err(err(path))?;
            done.push(self.files.remove(0).1);
        }
        for path in &done {
            durable::sync_parent(path).map_err(err(path))?;
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (tmp, _) in &self.files {
            let _ = fs::remove_file(tmp);
        }
    }
}

fn new_file(path: &Path, mode: Option<u32>) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode.unwrap_or(0o666));
    }
    // Windows: a secret file gets an owner-only access list while it is
    // still empty (src/fs/winacl.rs), which needs the right to set it.
    #[cfg(windows)]
    let private = mode.is_some_and(|m| m & 0o077 == 0);
    #[cfg(windows)]
    if private {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Foundation::GENERIC_WRITE;
        use windows_sys::Win32::Storage::FileSystem::WRITE_DAC;
        opts.access_mode(GENERIC_WRITE | WRITE_DAC);
    }
    let f = opts.open(path)?;
    #[cfg(windows)]
    if private && let Err(e) = crate::fs::winacl::make_private(&f) {
        drop(f);
        let _ = fs::remove_file(path);
        return Err(e);
    }
    Ok(f)
}

/// Makes a rename durable: on Linux the directory entry lives in the
/// parent directory, which has to be synced too.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    durable::sync_parent(path)
}

/// Writes a secret file readable by its owner only (0600 from birth).
/// Without `force`, an existing file is an `AlreadyExists` error; with it,
/// the old file is replaced atomically.
pub fn write_secret(path: &Path, bytes: &[u8], force: bool) -> io::Result<()> {
    if force {
        return write_atomic_mode(path, bytes, Some(0o600));
    }
    let mut f = new_file(path, Some(0o600))?;
    let res = durable::write(&mut f, bytes).and_then(|()| durable::sync_all(&f));
    if res.is_err() {
        let _ = fs::remove_file(path);
    }
    res?;
    sync_parent(path)
}

/// Why a secret file is not private.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    /// Unix: group or world permission bits are set (the mode).
    Mode(u32),
    /// Windows: accounts besides the user, SYSTEM and Administrators that
    /// the file's access list lets read it (src/fs/winacl.rs).
    Readers(Vec<String>),
}

/// Whether others can read a secret: on Unix group or world permission
/// bits (keys refuse it), on Windows read access for another account
/// (keys warn about it: src/fs/winacl.rs).
pub fn check_private(path: &Path) -> io::Result<Result<(), Exposure>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Ok(Err(Exposure::Mode(mode)));
        }
    }
    #[cfg(windows)]
    {
        let who = crate::fs::winacl::other_readers(path)?;
        if !who.is_empty() {
            return Ok(Err(Exposure::Readers(who)));
        }
    }
    #[cfg(not(any(unix, windows)))]
    let _ = path;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_private_and_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.key");
        // Wine derives access lists from Unix modes: privacy is not
        // checkable there (src/fs/winacl.rs); everything else is.
        #[cfg(windows)]
        let checkable = !crate::fs::winacl::under_wine();
        #[cfg(not(windows))]
        let checkable = true;
        write_secret(&p, b"one", false).unwrap();
        if checkable {
            assert_eq!(check_private(&p).unwrap(), Ok(()));
        }
        let e = write_secret(&p, b"two", false).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&p).unwrap(), b"one");
        write_secret(&p, b"two", true).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        if checkable {
            assert_eq!(check_private(&p).unwrap(), Ok(()));
        }
    }

    #[test]
    fn staged_outputs_are_all_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        fs::write(&a, b"old").unwrap();
        let mut s = Staged::default();
        s.add(&a, b"new").unwrap();
        assert!(s.add(&dir.path().join("nodir/b"), b"x").is_err());
        drop(s);
        assert_eq!(fs::read(&a).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut s = Staged::default();
        s.add(&a, b"new").unwrap();
        s.add(&dir.path().join("b"), b"b").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn atomic_write_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_atomic(&p, b"a").unwrap();
        write_atomic(&p, b"b").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"b");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
