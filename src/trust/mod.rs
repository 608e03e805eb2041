//! The trust list: which issuers and keys a verifier accepts.
//!
//! One JSON file holding several issuers and several keys per issuer (key
//! rotation). Each key has a validity window (codes must be issued inside
//! it) and may be revoked; a revoked key is refused for every code, whatever
//! its issue time, because whoever holds a stolen key can backdate codes.

pub mod anchor;
pub mod bundle;
pub mod cancel;
mod cancelled;
mod entry;
mod error;
pub mod keyfile_crypt;
pub mod keys;
mod local;
pub mod pkcs11;

pub use entry::{BundleInfo, CancelRule, Entry, EntryError, RuleError, TrustedKey};
pub use error::{ListError, TrustError};
pub use local::{Freshness, TrustCancellation, UpdateOutcome};

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::code::KeyId;
use crate::code::time;
use crate::fs::atomic;
use crate::trust::keys::PublicKeyFile;

const TAG: &str = "payqr trust list v1";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TrustFile {
    payqr: String,
    /// Set when the list came from a signed bundle (`trust update`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bundle: Option<BundleInfo>,
    /// The sequence of the last bundle made from this list (`trust bundle`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    made_sequence: Option<u64>,
    keys: Vec<TrustedKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    cancel_rules: Vec<CancelRule>,
}

/// What the trust list says about (issuer, key id).
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    UnknownIssuer,
    UnknownKey,
    Found(&'a Entry),
}

#[derive(Debug, Clone, Default)]
pub struct TrustList {
    entries: Vec<Entry>,
    bundle: Option<BundleInfo>,
    made_sequence: Option<u64>,
    /// Cancel rules with their bound in UTC seconds.
    rules: Vec<(CancelRule, u64)>,
    /// Cancelled-code hashes of the bundle: the sorted file beside the
    /// list, opened by [`TrustList::load`] and searched in place.
    cancelled: std::sync::Arc<cancelled::CancelSet>,
}

impl TrustList {
    /// Loads a trust list; a missing file is an error (a verifier that
    /// trusts nothing is almost always a wrong path).
    pub fn load(path: &Path) -> Result<TrustList, TrustError> {
        let text = std::fs::read_to_string(path).map_err(|source| TrustError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut list = Self::parse(&text).map_err(|e| TrustError::Format {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        list.cancelled =
            std::sync::Arc::new(cancelled::open_cancelled(path, list.bundle.as_ref())?);
        Ok(list)
    }

    /// Loads, or starts an empty list when the file does not exist yet.
    pub fn load_or_new(path: &Path) -> Result<TrustList, TrustError> {
        if path.exists() {
            Self::load(path)
        } else {
            Ok(TrustList::default())
        }
    }

    pub fn parse(text: &str) -> Result<TrustList, ListError> {
        let f: TrustFile =
            serde_json::from_str(text).map_err(|e| ListError::Json(e.to_string()))?;
        if f.payqr != TAG {
            return Err(ListError::Tag(f.payqr));
        }
        let mut list = TrustList {
            bundle: f.bundle,
            made_sequence: f.made_sequence,
            ..TrustList::default()
        };
        for (i, rule) in f.cancel_rules.into_iter().enumerate() {
            let before = rule.check().map_err(|source| ListError::Rule {
                index: i + 1,
                source,
            })?;
            list.rules.push((rule, before));
        }
        for (i, meta) in f.keys.into_iter().enumerate() {
            let e = Entry::from_meta(meta).map_err(|source| ListError::Key {
                index: i + 1,
                source,
            })?;
            if list
                .entries
                .iter()
                .any(|x| x.meta.issuer == e.meta.issuer && x.key_id == e.key_id)
            {
                return Err(ListError::Duplicate {
                    index: i + 1,
                    issuer: e.meta.issuer.clone(),
                    key_id: e.key_id.to_string(),
                });
            }
            list.entries.push(e);
        }
        Ok(list)
    }

    pub fn to_json(&self) -> String {
        let f = TrustFile {
            payqr: TAG.to_string(),
            bundle: self.bundle.clone(),
            made_sequence: self.made_sequence,
            keys: self.entries.iter().map(|e| e.meta.clone()).collect(),
            cancel_rules: self.rules.iter().map(|r| r.0.clone()).collect(),
        };
        let mut s = serde_json::to_string_pretty(&f).expect("serializable");
        s.push('\n');
        s
    }

    /// Read-modify-write of the list at `path` under its lock: `f` edits
    /// the list, which is then saved; concurrent edits through any path to
    /// the same list are serialized, so none is lost. With `create`, a
    /// missing file starts an empty list.
    pub fn edit<T>(
        path: &Path,
        create: bool,
        f: impl FnOnce(&mut TrustList) -> Result<T, TrustError>,
    ) -> Result<T, TrustError> {
        let real = real_path(path).map_err(|source| TrustError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let _lock = lock(&real)?;
        let mut list = if create {
            Self::load_or_new(&real)?
        } else {
            Self::load(&real)?
        };
        let out = f(&mut list)?;
        list.save(&real)?;
        Ok(out)
    }

    pub fn save(&self, path: &Path) -> Result<(), TrustError> {
        atomic::write_atomic(path, self.to_json().as_bytes()).map_err(|source| TrustError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Adds a public key with an optional validity window (UTC seconds).
    pub fn add(
        &mut self,
        pubkey: &PublicKeyFile,
        not_before: Option<u64>,
        not_after: Option<u64>,
        now: u64,
    ) -> Result<&Entry, TrustError> {
        if let (Some(nb), Some(na)) = (not_before, not_after)
            && nb > na
        {
            return Err(TrustError::InvertedWindow {
                not_before: time::format_utc(nb),
                not_after: time::format_utc(na),
            });
        }
        if self
            .entries
            .iter()
            .any(|e| e.meta.issuer == pubkey.issuer && e.meta.key_id == pubkey.key_id)
        {
            return Err(TrustError::Duplicate {
                issuer: pubkey.issuer.clone(),
                key_id: pubkey.key_id.clone(),
            });
        }
        let meta = TrustedKey {
            issuer: pubkey.issuer.clone(),
            name: pubkey.name.clone(),
            key_id: pubkey.key_id.clone(),
            public_key: pubkey.public_key.clone(),
            not_before: not_before.map(time::format_utc),
            not_after: not_after.map(time::format_utc),
            revoked_at: None,
            added_at: time::format_utc(now),
        };
        let e = Entry::from_meta(meta).map_err(|e| TrustError::Format {
            path: PathBuf::from("<public key>"),
            reason: e.to_string(),
        })?;
        self.entries.push(e);
        Ok(self.entries.last().expect("just pushed"))
    }

    /// The one entry with this key id (and issuer, when given), with the id
    /// as normalized: none or several is an error naming the id.
    fn find_one(&self, key_id: &str, issuer: Option<&str>) -> Result<(usize, String), TrustError> {
        let key_id = key_id.trim().to_ascii_lowercase();
        let matches: Vec<usize> = (0..self.entries.len())
            .filter(|&i| {
                let m = &self.entries[i].meta;
                m.key_id == key_id && issuer.is_none_or(|iss| m.issuer == iss)
            })
            .collect();
        match matches.as_slice() {
            [] => Err(TrustError::NoSuchKey(key_id)),
            [i] => Ok((*i, key_id)),
            _ => Err(TrustError::Ambiguous(key_id)),
        }
    }

    /// Revokes a key by id (and issuer, when the id is ambiguous).
    pub fn revoke(
        &mut self,
        key_id: &str,
        issuer: Option<&str>,
        now: u64,
    ) -> Result<&Entry, TrustError> {
        let (i, key_id) = self.find_one(key_id, issuer)?;
        let e = &mut self.entries[i];
        if e.revoked_at.is_some() {
            return Err(TrustError::AlreadyRevoked(key_id));
        }
        e.revoked_at = Some(now);
        e.meta.revoked_at = Some(time::format_utc(now));
        Ok(&self.entries[i])
    }

    /// Closes a key's validity window at `not_after` (key rotation): codes
    /// it signed up to then stay valid, later ones are refused.
    pub fn close_window(
        &mut self,
        key_id: &str,
        issuer: Option<&str>,
        not_after: u64,
    ) -> Result<&Entry, TrustError> {
        let (i, key_id) = self.find_one(key_id, issuer)?;
        let e = &mut self.entries[i];
        if let Some(na) = e.not_after
            && na <= not_after
        {
            return Err(TrustError::AlreadyClosed {
                key_id,
                not_after: time::format_utc(na),
            });
        }
        if let Some(nb) = e.not_before
            && nb > not_after
        {
            return Err(TrustError::InvertedWindow {
                not_before: time::format_utc(nb),
                not_after: time::format_utc(not_after),
            });
        }
        e.not_after = Some(not_after);
        e.meta.not_after = Some(time::format_utc(not_after));
        Ok(&self.entries[i])
    }

    pub fn lookup(&self, issuer: &str, key_id: KeyId) -> Lookup<'_> {
        let mut issuer_known = false;
        for e in &self.entries {
            if e.meta.issuer == issuer {
                issuer_known = true;
                if e.key_id == key_id {
                    return Lookup::Found(e);
                }
            }
        }
        if issuer_known {
            Lookup::UnknownKey
        } else {
            Lookup::UnknownIssuer
        }
    }

    /// Display name of an issuer (from its most recently added key).
    pub fn issuer_name(&self, issuer: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.meta.issuer == issuer)
            .map(|e| e.meta.name.as_str())
    }
}

/// The file a trust-list path reaches: symlinks (even dangling ones, for a
/// list not created yet) and `..` resolved. Edits read, lock and replace
/// this path, so an edit through a symlink changes the list it points to
/// and leaves the link a link.
fn real_path(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::canonicalize(&p) {
            Ok(real) => return Ok(real),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p)?;
                p = p.parent().unwrap_or(Path::new("")).join(target);
            }
            _ => return Ok(crate::fs::clobber::entry_of(&p).unwrap_or(p)),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Takes the edit lock of the trust list at `real` (a path from
/// [`real_path`]): `flock` on `<real>.lock`, a file never renamed or
/// deleted. The list itself is replaced by rename at every save (so a
/// reader never sees half a file), which is why a lock on it would be lost.
///
/// What this guarantees: every path that reaches the same directory entry
/// (the name itself, a symlink, a relative or `..` path) takes the same
/// lock, so edits through them are serialized and none is lost. A hard
/// link is a second entry for the same file; the first save through one
/// name replaces that name only, and from then on the other name holds a
/// separate, older list (like a backup) — the two never lose each other's
/// edits, they just stop being one file.
fn lock(real: &Path) -> Result<std::fs::File, TrustError> {
    let mut name = real.as_os_str().to_owned();
    name.push(".lock");
    let lock = PathBuf::from(name);
    let err = |source| TrustError::Lock {
        path: real.to_path_buf(),
        lock: lock.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .map_err(err)?;
    file.lock().map_err(err)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::keys::IssuerKey;

    #[test]
    fn add_lookup_revoke_round_trip() {
        let a1 = IssuerKey::generate("bj-traffic", "Beijing", 0).unwrap();
        let a2 = IssuerKey::generate("bj-traffic", "Beijing", 0).unwrap();
        let b = IssuerKey::generate("sh-water", "Shanghai Water", 0).unwrap();
        let mut t = TrustList::default();
        t.add(&a1.public(), None, Some(1000), 5).unwrap();
        t.add(&a2.public(), Some(1000), None, 5).unwrap();
        t.add(&b.public(), None, None, 5).unwrap();
        assert!(matches!(
            t.add(&b.public(), None, None, 5),
            Err(TrustError::Duplicate { .. })
        ));
        let t = TrustList::parse(&t.to_json()).unwrap();
        match t.lookup("bj-traffic", a2.key_id) {
            Lookup::Found(e) => {
                assert!(e.valid_at(1000) && !e.valid_at(999));
            }
            _ => panic!("a2 not found"),
        }
        assert!(matches!(
            t.lookup("bj-traffic", b.key_id),
            Lookup::UnknownKey
        ));
        assert!(matches!(
            t.lookup("nobody", b.key_id),
            Lookup::UnknownIssuer
        ));
        let mut t = t;
        t.revoke(&b.key_id.to_string(), None, 77).unwrap();
        let t = TrustList::parse(&t.to_json()).unwrap();
        match t.lookup("sh-water", b.key_id) {
            Lookup::Found(e) => assert_eq!(e.revoked_at, Some(77)),
            _ => panic!(),
        }
    }

    #[test]
    fn inverted_window_refused_on_add_and_on_load() {
        let a = IssuerKey::generate("x", "X", 0).unwrap();
        let mut t = TrustList::default();
        assert!(matches!(
            t.add(&a.public(), Some(2000), Some(1999), 0),
            Err(TrustError::InvertedWindow { .. })
        ));
        t.add(&a.public(), Some(1000), Some(2000), 0).unwrap();
        let json = t
            .to_json()
            .replace(&time::format_utc(1000), &time::format_utc(3000));
        let e = TrustList::parse(&json).unwrap_err().to_string();
        assert!(
            e.contains(&a.key_id.to_string()) && e.contains("not_before"),
            "{e}"
        );
    }

    // Unix only: Windows makes symlinks only with a privilege.
    #[cfg(unix)]
    #[test]
    fn edits_through_a_symlink_change_the_list_and_keep_the_link() {
        let d = tempfile::tempdir().unwrap();
        let link = d.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        let a = IssuerKey::generate("x", "X", 0).unwrap();
        // The list does not exist yet: the dangling link is followed.
        TrustList::edit(&link, true, |t| {
            t.add(&a.public(), None, None, 0).map(|_| ())
        })
        .unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            TrustList::load(&d.path().join("real.json"))
                .unwrap()
                .entries()
                .len(),
            1
        );
        assert!(d.path().join("real.json.lock").exists());
    }

    #[test]
    fn edited_key_rejected() {
        let a = IssuerKey::generate("x", "X", 0).unwrap();
        let b = IssuerKey::generate("x", "X", 0).unwrap();
        let mut t = TrustList::default();
        t.add(&a.public(), None, None, 0).unwrap();
        let json = t
            .to_json()
            .replace(&a.public().public_key, &b.public().public_key);
        assert!(TrustList::parse(&json).is_err());
    }
}
