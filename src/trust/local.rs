//! The trust list as a signed bundle left it: which bundle (sequence,
//! times, pinned anchor), the cancelled codes beside it, freshness, and
//! the update that replaces the list ([`TrustList::update`]) and the
//! bundle made from a list ([`TrustList::make_bundle`]).
//!
//! The cancelled-code hashes of a bundle live in a file beside the list,
//! `<list>.<sequence>.cancelled` ("PAYQRCX1", count u64 BE, sorted 16-byte
//! hashes): a million as JSON would take ~40 MB and a second to parse. The
//! list names that file and its count, and is replaced (atomically) only
//! after the file is on disk, so a reader sees the old list with its old
//! file or the new list with its new one; the file before is kept one
//! update longer for a reader that read the old list just before.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::anchor::{AnchorKey, AnchorPub, Endorsement};
use super::bundle::{self, Bundle, Contents};
use super::{Entry, TrustError, TrustList};
use crate::code::time;
use crate::code::{CodeId, KeyId};
use crate::fs::atomic;

const CX_MAGIC: &[u8; 8] = b"PAYQRCX1";

/// Which signed bundle a trust list came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundleInfo {
    pub sequence: u64,
    pub issued_at: String,
    pub expires_at: String,
    /// The pinned anchor's public key (base64) and key id.
    pub anchor: String,
    pub anchor_id: String,
    /// Anchors pinned before a rotation (key ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_anchors: Vec<String>,
    pub received_at: String,
    /// How many cancelled codes, and the file beside the list holding them.
    pub cancelled: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_file: Option<String>,
}

/// "Every code of key `key_id` of `issuer` issued before `before` is
/// cancelled" (`payqr cancel --all-before`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct CancelRule {
    pub issuer: String,
    pub key_id: String,
    pub before: String,
}

impl CancelRule {
    /// Checks the fields; returns the bound in UTC seconds.
    pub fn check(&self) -> Result<u64, String> {
        crate::code::check_issuer(&self.issuer).map_err(|e| e.to_string())?;
        self.key_id
            .parse::<KeyId>()
            .map_err(|e| format!("key_id: {e}"))?;
        time::parse_time(
            &self.before,
            0,
            chrono::FixedOffset::east_opt(0).expect("utc"),
        )
        .map_err(|e| format!("before: {e}"))
    }
}

/// How old the list is, for verify and redeem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Made by hand (`trust add`): no bundle, no expiry.
    HandMade,
    Fresh {
        age: u64,
    },
    /// Older than the warning age, or issued in this machine's future (a
    /// clock set back, or a list from a machine whose clock ran ahead).
    Stale {
        age: u64,
        why: String,
    },
    Expired {
        expires_at: String,
    },
}

/// What `trust update` did.
#[derive(Debug, Clone)]
pub struct UpdateOutcome {
    pub sequence: u64,
    pub previous: Option<u64>,
    pub keys: usize,
    pub cancelled: u64,
    pub rules: usize,
    pub anchor_id: String,
    /// Set when the bundle rotated the pinned anchor.
    pub rotated_from: Option<String>,
    pub expires_at: String,
}

fn sidecar_name(list: &Path, sequence: u64) -> String {
    let name = list
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "trust".into());
    format!("{name}.{sequence}.cancelled")
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
    fn contains(&self, h: &[u8; 16]) -> Result<bool, String> {
        let Some((file, path)) = &self.file else {
            return Ok(false);
        };
        let (mut lo, mut hi) = (0u64, self.count);
        let mut e = [0u8; 16];
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            crate::fs::platform::read_exact_at(file, &mut e, 16 + mid * 16)
                .map_err(|err| format!("{}: {err}", path.display()))?;
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

impl TrustList {
    /// The bundle this list came from, if any.
    pub fn bundle(&self) -> Option<&BundleInfo> {
        self.bundle.as_ref()
    }

    pub fn cancel_rules(&self) -> impl Iterator<Item = &CancelRule> {
        self.rules.iter().map(|r| &r.0)
    }

    pub fn cancelled_count(&self) -> u64 {
        self.cancelled.len()
    }

    /// Why a code is cancelled by this list, if it is: an all-before rule
    /// of its key, or its hash among the bundle's cancelled codes.
    pub fn cancellation(
        &self,
        issuer: &str,
        key_id: KeyId,
        code_id: CodeId,
        issued_at: u64,
    ) -> Option<String> {
        let kid = key_id.to_string();
        for (r, before) in &self.rules {
            if r.issuer == issuer && r.key_id == kid && issued_at < *before {
                return Some(format!(
                    "every code of key {kid} issued before {} was cancelled (trust list)",
                    r.before
                ));
            }
        }
        if self.cancelled.is_empty() {
            return None;
        }
        let seq = self.bundle.as_ref().map_or(0, |b| b.sequence);
        match self
            .cancelled
            .contains(&bundle::cancel_hash(issuer, code_id))
        {
            Ok(true) => Some(format!("cancelled by its issuer (trust bundle {seq})")),
            Ok(false) => None,
            // Fail closed: a code that cannot be checked is not paid.
            Err(e) => Some(format!(
                "cannot read the cancelled codes of trust bundle {seq} ({e}): refused"
            )),
        }
    }

    /// How fresh the list is at `now` (wall clock), warning past `warn_after`.
    pub fn freshness(&self, now: u64, warn_after: u64) -> Freshness {
        let Some(b) = &self.bundle else {
            return Freshness::HandMade;
        };
        let utc = chrono::FixedOffset::east_opt(0).expect("utc");
        let issued = time::parse_time(&b.issued_at, 0, utc).unwrap_or(0);
        let expires = time::parse_time(&b.expires_at, 0, utc).unwrap_or(0);
        if now > expires {
            return Freshness::Expired {
                expires_at: b.expires_at.clone(),
            };
        }
        if now + crate::verify::MAX_SKEW < issued {
            return Freshness::Stale {
                age: 0,
                why: format!(
                    "trust bundle {} was issued at {}, after this machine's clock ({}): check the clock",
                    b.sequence,
                    b.issued_at,
                    time::format_utc(now)
                ),
            };
        }
        let age = now.saturating_sub(issued);
        if age > warn_after {
            return Freshness::Stale {
                age,
                why: format!(
                    "trust list is stale: bundle {} issued {} ago (at {}); run payqr trust update",
                    b.sequence,
                    time::humanize(age),
                    b.issued_at
                ),
            };
        }
        Freshness::Fresh { age }
    }

    /// Replaces the list at `path` with a signed bundle's, under the list's
    /// lock: only a bundle signed by the pinned anchor (or one it endorsed),
    /// not expired at `now`, with a sequence greater than the list's. The
    /// first update pins `anchor`; later ones check it against the pin.
    /// Nothing is written unless every check passes.
    pub fn update(
        path: &Path,
        bundle_path: &Path,
        bytes: &[u8],
        anchor: Option<&AnchorPub>,
        now: u64,
    ) -> Result<UpdateOutcome, TrustError> {
        let real = super::real_path(path).map_err(|source| TrustError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let _lock = super::lock(&real)?;
        let current = TrustList::load_or_new(&real)?;
        let pinned = match (&current.bundle, anchor) {
            (None, None) => {
                return Err(TrustError::NoAnchor {
                    path: path.to_path_buf(),
                });
            }
            (None, Some(a)) => *a,
            (Some(b), given) => {
                let pinned =
                    AnchorPub::from_base64(&b.anchor).map_err(|reason| TrustError::Format {
                        path: path.to_path_buf(),
                        reason: format!("bundle.anchor: {reason}"),
                    })?;
                if let Some(g) = given {
                    let id = g.key_id.to_string();
                    if *g != pinned && !b.former_anchors.contains(&id) {
                        return Err(TrustError::AnchorMismatch {
                            given: id,
                            pinned: b.anchor_id.clone(),
                        });
                    }
                }
                pinned
            }
        };
        let berr = |source| TrustError::Bundle {
            path: bundle_path.to_path_buf(),
            source,
        };
        let b: Bundle = bundle::open(bytes, &pinned, now).map_err(berr)?;
        let previous = current.bundle.as_ref().map(|x| x.sequence);
        b.check_sequence(previous).map_err(berr)?;
        let mut list = TrustList::default();
        for (i, meta) in b.header.keys.iter().enumerate() {
            let e = Entry::from_meta(meta.clone()).map_err(|r| TrustError::Format {
                path: bundle_path.to_path_buf(),
                reason: super::ListError::Key {
                    index: i + 1,
                    source: r,
                }
                .to_string(),
            })?;
            list.entries.push(e);
        }
        for (i, rule) in b.header.cancel_rules.iter().enumerate() {
            let before = rule.check().map_err(|r| TrustError::Format {
                path: bundle_path.to_path_buf(),
                reason: format!("cancel rule #{}: {r}", i + 1),
            })?;
            list.rules.push((rule.clone(), before));
        }
        let mut former = current
            .bundle
            .as_ref()
            .map(|x| x.former_anchors.clone())
            .unwrap_or_default();
        let rotated_from = (b.pin != pinned).then(|| pinned.key_id.to_string());
        if let Some(old) = &rotated_from
            && !former.contains(old)
        {
            former.push(old.clone());
        }
        let count = b.cancelled.len() as u64;
        let file = (count > 0).then(|| sidecar_name(&real, b.header.sequence));
        list.made_sequence = current.made_sequence;
        list.bundle = Some(BundleInfo {
            sequence: b.header.sequence,
            issued_at: b.header.issued_at.clone(),
            expires_at: b.header.expires_at.clone(),
            anchor: b.pin.to_base64(),
            anchor_id: b.pin.key_id.to_string(),
            former_anchors: former,
            received_at: time::format_utc(now),
            cancelled: count,
            cancelled_file: file.clone(),
        });
        // The cancelled codes first, under a new name: the list that names
        // them is replaced only once they are on disk.
        if let Some(name) = &file {
            let p = real.with_file_name(name);
            let mut out = Vec::with_capacity(16 + b.cancelled.len() * 16);
            out.extend_from_slice(CX_MAGIC);
            out.extend_from_slice(&count.to_be_bytes());
            for h in &b.cancelled {
                out.extend_from_slice(h);
            }
            atomic::write_atomic(&p, &out).map_err(|source| TrustError::Io { path: p, source })?;
        }
        list.save(&real)?;
        // Keep the new file and the one before (a reader may have read the
        // old list a moment ago); older ones go.
        let keep_prev = current
            .bundle
            .as_ref()
            .and_then(|x| x.cancelled_file.clone());
        remove_old_sidecars(&real, &[file.as_deref(), keep_prev.as_deref()]);
        Ok(UpdateOutcome {
            sequence: b.header.sequence,
            previous,
            keys: list.entries.len(),
            cancelled: count,
            rules: list.rules.len(),
            anchor_id: b.pin.key_id.to_string(),
            rotated_from,
            expires_at: b.header.expires_at,
        })
    }

    /// Signs a bundle of the list at `path` with `anchor`, valid from `now`
    /// for `valid_for` seconds, and records its sequence in the list (under
    /// its lock). The sequence is `sequence` if given (it must exceed the
    /// last one made), else one more than the last. `write` gets the bytes
    /// and must have them on disk before the list records the sequence.
    #[allow(clippy::too_many_arguments)]
    pub fn make_bundle(
        path: &Path,
        anchor: &AnchorKey,
        now: u64,
        valid_for: u64,
        sequence: Option<u64>,
        endorsements: Vec<Endorsement>,
        mut rules: Vec<CancelRule>,
        cancelled: Vec<[u8; 16]>,
        write: impl FnOnce(&[u8]) -> Result<(), TrustError>,
    ) -> Result<u64, TrustError> {
        TrustList::edit(path, false, |list| {
            let last = list
                .made_sequence
                .max(list.bundle.as_ref().map(|b| b.sequence));
            let seq = match (sequence, last) {
                (Some(s), Some(have)) if s <= have => {
                    return Err(TrustError::Sequence { got: s, have });
                }
                (Some(s), _) => s,
                (None, l) => l.unwrap_or(0) + 1,
            };
            rules.extend(list.rules.iter().map(|r| r.0.clone()));
            rules.sort();
            rules.dedup();
            let bytes = bundle::make(
                anchor,
                Contents {
                    sequence: seq,
                    issued_at: now,
                    expires_at: now.saturating_add(valid_for),
                    endorsements,
                    keys: list.entries.iter().map(|e| e.meta.clone()).collect(),
                    cancel_rules: rules,
                    cancelled,
                },
            );
            write(&bytes)?;
            list.made_sequence = Some(seq);
            Ok(seq)
        })
    }
}

fn remove_old_sidecars(list: &Path, keep: &[Option<&str>]) {
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
