//! The trust list as a signed bundle left it: which bundle (sequence,
//! times, pinned anchor), the cancelled codes beside it ([`super::cancelled`]),
//! freshness, and the update that replaces the list ([`TrustList::update`])
//! and the bundle made from a list ([`TrustList::make_bundle`]).

use std::path::Path;

use super::TrustList;
use super::anchor::{AnchorKey, AnchorPub, Endorsement};
use super::bundle::{self, Bundle, Contents};
use super::cancelled;
use super::entry::{BundleInfo, CancelRule, Entry};
use super::error::{ListError, TrustError};
use crate::code::time;
use crate::code::{CodeId, KeyId};

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

/// Why the trust list refuses a code as cancelled; the Display is the
/// English reason a verdict gives.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustCancellation {
    /// Every code of the key issued before `before` (RFC 3339, as signed).
    #[error("every code of key {key_id} issued before {before} was cancelled (trust list)")]
    Rule { key_id: String, before: String },
    /// This code, listed in the bundle's cancelled codes.
    #[error("cancelled by its issuer (trust bundle {sequence})")]
    Code { sequence: u64 },
    /// The bundle's cancelled codes could not be read: refused (fail closed).
    #[error("cannot read the cancelled codes of trust bundle {sequence} ({error}): refused")]
    Unreadable { sequence: u64, error: String },
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
    ) -> Option<TrustCancellation> {
        let kid = key_id.to_string();
        for (r, before) in &self.rules {
            if r.issuer == issuer && r.key_id == kid && issued_at < *before {
                return Some(TrustCancellation::Rule {
                    key_id: kid,
                    before: r.before.clone(),
                });
            }
        }
        if self.cancelled.is_empty() {
            return None;
        }
        let sequence = self.bundle.as_ref().map_or(0, |b| b.sequence);
        match self
            .cancelled
            .contains(&bundle::cancel_hash(issuer, code_id))
        {
            Ok(true) => Some(TrustCancellation::Code { sequence }),
            Ok(false) => None,
            // Fail closed: a code that cannot be checked is not paid.
            Err(e) => Some(TrustCancellation::Unreadable {
                sequence,
                error: e.to_string(),
            }),
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
        if now + time::MAX_SKEW < issued {
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
                reason: ListError::Key {
                    index: i + 1,
                    source: r,
                }
                .to_string(),
            })?;
            list.entries.push(e);
        }
        for (i, rule) in b.header.cancel_rules.iter().enumerate() {
            let before = rule.check().map_err(|source| TrustError::Format {
                path: bundle_path.to_path_buf(),
                reason: ListError::Rule {
                    index: i + 1,
                    source,
                }
                .to_string(),
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
        let file = (count > 0).then(|| cancelled::sidecar_name(&real, b.header.sequence));
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
            cancelled::write(&real.with_file_name(name), &b.cancelled)?;
        }
        list.save(&real)?;
        // Keep the new file and the one before (a reader may have read the
        // old list a moment ago); older ones go.
        let keep_prev = current
            .bundle
            .as_ref()
            .and_then(|x| x.cancelled_file.clone());
        cancelled::remove_old_sidecars(&real, &[file.as_deref(), keep_prev.as_deref()]);
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
