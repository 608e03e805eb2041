//! The cancelled-code hashes of a bundle live in a file beside the list,
//! `<list>.<sequence>.cancelled` ("PAYQRCX1", count u64 BE, sorted 16-byte
//! hashes): a million as JSON would take ~40 MB and a second to parse. The
//! list names that file and its count, and is replaced (atomically) only
//! after the file is on disk, so a reader sees the old list with its old
//! file or the new list with its new one; the file before is kept one
//! update longer for a reader that read the old list just before.

use std::path::{Path, PathBuf};

use super::entry::BundleInfo;
use super::error::TrustError;
use crate::fs::atomic;

const CX_MAGIC: &[u8; 8] = b"PAYQRCX1";

pub(super) fn sidecar_name(list: &Path, sequence: u64) -> String {
    let name = list
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "trust".into());
    format!("{name}.{sequence}.cancelled")
}

/// Writes the cancelled-code file `path` holding `hashes` (sorted, as the
/// signed bundle had them), atomically.
pub(super) fn write(path: &Path, hashes: &[[u8; 16]]) -> Result<(), TrustError> {
    let mut out = Vec::with_capacity(16 + hashes.len() * 16);
    out.extend_from_slice(CX_MAGIC);
    out.extend_from_slice(&(hashes.len() as u64).to_be_bytes());
    for h in hashes {
        out.extend_from_slice(h);
    }
    atomic::write_atomic(path, &out).map_err(|source| TrustError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The cancelled-code file of a list, searched in place: a million
/// hashes are 16 MB, and reading them all cost ~100 ms per verify where a
/// binary search reads ~20 entries of 16 bytes.
#[derive(Debug, Default)]
pub struct CancelSet {
    file: Option<(std::fs::File, PathBuf)>,
    count: u64,
}

impl CancelSet {
    pub fn len(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Whether `h` is in the set; `Err` when the file cannot be read.
    pub(super) fn contains(&self, h: &[u8; 16]) -> Result<bool, TrustError> {
        let Some((file, path)) = &self.file else {
            return Ok(false);
        };
        let (mut lo, mut hi) = (0u64, self.count);
        let mut e = [0u8; 16];
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            crate::fs::platform::read_exact_at(file, &mut e, 16 + mid * 16).map_err(|source| {
                TrustError::Io {
                    path: path.clone(),
                    source,
                }
            })?;
            match e.cmp(h) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(true),
            }
        }
        Ok(false)
    }
}

/// Opens the cancelled-code file a list names (none when it names none),
/// checking its header and length against the list. Its entries were
/// checked (sorted, signed) when `trust update` wrote them.
pub(super) fn open_cancelled(
    list: &Path,
    info: Option<&BundleInfo>,
) -> Result<CancelSet, TrustError> {
    let Some(info) = info else {
        return Ok(CancelSet::default());
    };
    let Some(name) = &info.cancelled_file else {
        return Ok(CancelSet::default());
    };
    let path = list.with_file_name(name);
    let bad = |reason: String| TrustError::Cancelled {
        path: path.clone(),
        reason,
    };
    if name.contains(['/', '\\']) {
        return Err(bad("the list names a file outside its folder".into()));
    }
    let io = |source| TrustError::Io {
        path: path.clone(),
        source,
    };
    let file = std::fs::File::open(&path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut head = [0u8; 16];
    crate::fs::platform::read_exact_at(&file, &mut head, 0)
        .map_err(|_| bad("no PAYQRCX1 header".into()))?;
    if &head[..8] != CX_MAGIC {
        return Err(bad("no PAYQRCX1 header".into()));
    }
    let n = u64::from_be_bytes(head[8..16].try_into().expect("8"));
    if n != info.cancelled || n.checked_mul(16).and_then(|b| b.checked_add(16)) != Some(len) {
        return Err(bad(format!(
            "{len} bytes for {n} hashes; the list says {} codes",
            info.cancelled
        )));
    }
    Ok(CancelSet {
        file: Some((file, path)),
        count: n,
    })
}

pub(super) fn remove_old_sidecars(list: &Path, keep: &[Option<&str>]) {
    let Some(dir) = list.parent() else { return };
    let Some(name) = list.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let Ok(rd) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return;
    };
    for e in rd.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let ours = n
            .strip_prefix(&format!("{name}."))
            .and_then(|r| r.strip_suffix(".cancelled"))
            .is_some_and(|seq| seq.bytes().all(|b| b.is_ascii_digit()) && !seq.is_empty());
        if ours && !keep.contains(&Some(n.as_str())) {
            let _ = std::fs::remove_file(PathBuf::from(dir).join(&n));
        }
    }
}
