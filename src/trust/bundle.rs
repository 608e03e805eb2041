//! Signed trust bundles: a trust list (issuers, keys with their windows,
//! revoked keys) plus cancelled codes, a sequence number, an issue and an
//! expiry time, signed by an offline trust anchor ([`super::anchor`]).
//!
//! Layout (docs/FORMAT.md §9), integers big-endian:
//!
//! ```text
//! "PAYQR-TRUST-BUNDLE-1\n"          21 bytes
//! header length H                   u32
//! header                            H bytes of JSON (BundleHeader)
//! cancelled count N                 u64
//! cancelled codes                   N × 16 bytes, strictly increasing
//! signature                         64 bytes: Ed25519 by the anchor over
//!                                   "payqr-trust-bundle-v1\n" ‖ all bytes before it
//! ```
//!
//! A cancelled code is held as 128 bits of SHA-256 over its issuer and
//! code id ([`cancel_hash`]), sorted: a million take 16 MB and are found by
//! binary search, with no parsing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::anchor::{AnchorKey, AnchorPub, Endorsement, EndorsementError};
use super::entry::{CancelRule, TrustedKey};
use crate::code::CodeId;
use crate::code::time;

pub const MAGIC: &[u8] = b"PAYQR-TRUST-BUNDLE-1\n";
pub const DOMAIN: &[u8] = b"payqr-trust-bundle-v1\n";
const TAG: &str = "payqr trust bundle v1";
/// Domain prefix of a cancelled-code hash.
pub const CANCEL_HASH_DOMAIN: &[u8] = b"payqr-cancelled-code-v1\n";
/// Largest header accepted: keys and rules, not codes, go there.
const MAX_HEADER: usize = 16 << 20;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BundleError {
    #[error("not a payqr trust bundle: {0}")]
    Format(String),
    #[error(
        "bundle is signed by anchor {signed_by}, which is not the pinned anchor {pinned} nor endorsed by it"
    )]
    WrongAnchor { signed_by: String, pinned: String },
    #[error("{0}")]
    Endorsement(EndorsementError),
    #[error("bundle signature does not verify with anchor {0}: the file was altered")]
    BadSignature(String),
    #[error("bundle expired at {expires_at} (now {now}); ask for a fresh bundle")]
    Expired { expires_at: String, now: String },
    #[error(
        "bundle sequence {got} is not greater than the trust list's {have}: an old or replayed bundle (rollback refused)"
    )]
    Rollback { got: u64, have: u64 },
}

/// What a bundle says besides its cancelled-code hashes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundleHeader {
    pub payqr: String,
    pub sequence: u64,
    pub issued_at: String,
    pub expires_at: String,
    /// Key id of the anchor whose signature closes the file.
    pub signed_by: String,
    /// Anchor rotation: each endorses the next anchor, starting from one a
    /// verifier may pin; the last one reached is pinned after an update.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endorsements: Vec<Endorsement>,
    pub keys: Vec<TrustedKey>,
    /// "Every code of this key issued before T" cancellations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancel_rules: Vec<CancelRule>,
}

/// A bundle, read and checked.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub header: BundleHeader,
    pub issued_at: u64,
    pub expires_at: u64,
    /// Sorted, strictly increasing.
    pub cancelled: Vec<[u8; 16]>,
    /// The anchor that signed it, and the anchor to pin after it.
    pub signer: AnchorPub,
    pub pin: AnchorPub,
}

/// The 128-bit hash a bundle holds for a cancelled code.
pub fn cancel_hash(issuer: &str, code_id: CodeId) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(CANCEL_HASH_DOMAIN);
    h.update(issuer.as_bytes());
    h.update(b"\n");
    h.update(code_id.0);
    let d = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}

/// What goes into a new bundle.
pub struct Contents {
    pub sequence: u64,
    pub issued_at: u64,
    pub expires_at: u64,
    pub endorsements: Vec<Endorsement>,
    pub keys: Vec<TrustedKey>,
    pub cancel_rules: Vec<CancelRule>,
    /// Any order, duplicates allowed: sorted and deduplicated here.
    pub cancelled: Vec<[u8; 16]>,
}

/// Builds and signs a bundle file.
pub fn make(anchor: &AnchorKey, mut c: Contents) -> Vec<u8> {
    c.cancelled.sort_unstable();
    c.cancelled.dedup();
    let header = BundleHeader {
        payqr: TAG.into(),
        sequence: c.sequence,
        issued_at: time::format_utc(c.issued_at),
        expires_at: time::format_utc(c.expires_at),
        signed_by: anchor.key_id.to_string(),
        endorsements: c.endorsements,
        keys: c.keys,
        cancel_rules: c.cancel_rules,
    };
    let json = serde_json::to_vec(&header).expect("serializable");
    let mut out =
        Vec::with_capacity(MAGIC.len() + 4 + json.len() + 8 + c.cancelled.len() * 16 + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u32).to_be_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&(c.cancelled.len() as u64).to_be_bytes());
    for h in &c.cancelled {
        out.extend_from_slice(h);
    }
    let sig = anchor.sign(DOMAIN, &out);
    out.extend_from_slice(&sig);
    out
}

fn utc(field: &str, s: &str) -> Result<u64, BundleError> {
    time::parse_time(s, 0, chrono::FixedOffset::east_opt(0).expect("utc"))
        .map_err(|e| BundleError::Format(format!("{field}: {e}")))
}

/// Reads a bundle and checks its signature against `pinned` (the anchor a
/// trust list pins) or an anchor `pinned` endorsed, directly or through a
/// chain, then its expiry against `now`. The sequence is the caller's to
/// compare (see [`Bundle::check_sequence`]). Nothing here trusts a byte
/// before the signature has verified.
pub fn open(bytes: &[u8], pinned: &AnchorPub, now: u64) -> Result<Bundle, BundleError> {
    let bad = |s: &str| BundleError::Format(s.to_string());
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| bad("no magic"))?;
    if rest.len() < 4 + 8 + 64 {
        return Err(bad("truncated"));
    }
    let hlen = u32::from_be_bytes(rest[..4].try_into().expect("4")) as usize;
    if hlen > MAX_HEADER || rest.len() < 4 + hlen + 8 + 64 {
        return Err(bad("truncated header"));
    }
    let header_bytes = &rest[4..4 + hlen];
    let after = &rest[4 + hlen..];
    let n = u64::from_be_bytes(after[..8].try_into().expect("8"));
    let body = &after[8..after.len() - 64];
    if n.checked_mul(16) != Some(body.len() as u64) {
        return Err(bad("cancelled-code count does not match the file's length"));
    }
    let header: BundleHeader = serde_json::from_slice(header_bytes)
        .map_err(|e| BundleError::Format(format!("header: {e}")))?;
    if header.payqr != TAG {
        return Err(BundleError::Format(format!("tag {:?}", header.payqr)));
    }
    // Walk the endorsements from the pinned anchor: the signer must be on
    // that chain, and the chain's end is pinned next.
    let mut chain = vec![*pinned];
    for e in &header.endorsements {
        let last = *chain.last().expect("non-empty");
        if e.from == last.key_id.to_string() {
            let next = e.check(&last).map_err(BundleError::Endorsement)?;
            chain.push(next);
        }
    }
    let signer = *chain
        .iter()
        .find(|a| a.key_id.to_string() == header.signed_by)
        .ok_or_else(|| BundleError::WrongAnchor {
            signed_by: header.signed_by.clone(),
            pinned: pinned.key_id.to_string(),
        })?;
    let signed = &bytes[..bytes.len() - 64];
    let sig: [u8; 64] = bytes[bytes.len() - 64..].try_into().expect("64");
    if !signer.verify(DOMAIN, signed, &sig) {
        return Err(BundleError::BadSignature(signer.key_id.to_string()));
    }
    let issued_at = utc("issued_at", &header.issued_at)?;
    let expires_at = utc("expires_at", &header.expires_at)?;
    if expires_at < issued_at {
        return Err(bad("expires_at is before issued_at"));
    }
    if now > expires_at {
        return Err(BundleError::Expired {
            expires_at: header.expires_at.clone(),
            now: time::format_utc(now),
        });
    }
    let cancelled: Vec<[u8; 16]> = body
        .chunks_exact(16)
        .map(|c| c.try_into().expect("16"))
        .collect();
    if cancelled.windows(2).any(|w| w[0] >= w[1]) {
        return Err(bad("cancelled codes are not sorted"));
    }
    Ok(Bundle {
        pin: *chain.last().expect("non-empty"),
        header,
        issued_at,
        expires_at,
        cancelled,
        signer,
    })
}

impl Bundle {
    /// Refuses a bundle not newer than the list's (`have`): rollback or replay.
    pub fn check_sequence(&self, have: Option<u64>) -> Result<(), BundleError> {
        match have {
            Some(have) if self.header.sequence <= have => Err(BundleError::Rollback {
                got: self.header.sequence,
                have,
            }),
            _ => Ok(()),
        }
    }
}

/// The signature bytes of a bundle file, base64 (for display).
pub fn signature_b64(bytes: &[u8]) -> String {
    B64.encode(&bytes[bytes.len().saturating_sub(64)..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(seq: u64) -> Contents {
        Contents {
            sequence: seq,
            issued_at: 1_000,
            expires_at: 2_000,
            endorsements: vec![],
            keys: vec![],
            cancel_rules: vec![],
            cancelled: vec![
                cancel_hash("x", CodeId([2; 8])),
                cancel_hash("x", CodeId([1; 8])),
                cancel_hash("x", CodeId([1; 8])),
            ],
        }
    }

    #[test]
    fn round_trip_and_refusals() {
        let a = AnchorKey::from_seed([1; 32], 0);
        let other = AnchorKey::from_seed([2; 32], 0);
        let b = make(&a, contents(5));
        let got = open(&b, &a.public(), 1_500).unwrap();
        assert_eq!(got.cancelled.len(), 2);
        assert_eq!(got.header.sequence, 5);
        assert!(matches!(
            open(&b, &other.public(), 1_500),
            Err(BundleError::WrongAnchor { .. })
        ));
        assert!(matches!(
            open(&b, &a.public(), 2_001),
            Err(BundleError::Expired { .. })
        ));
        assert!(got.check_sequence(Some(5)).is_err());
        assert!(got.check_sequence(Some(4)).is_ok());
        // Every byte is covered by the signature.
        for i in (0..b.len()).step_by(7) {
            let mut t = b.clone();
            t[i] ^= 0x10;
            assert!(open(&t, &a.public(), 1_500).is_err(), "byte {i}");
        }
    }

    #[test]
    fn rotation_through_endorsements() {
        let a = AnchorKey::from_seed([1; 32], 0);
        let b = AnchorKey::from_seed([2; 32], 0);
        let c = AnchorKey::from_seed([3; 32], 0);
        let mut k = contents(1);
        k.endorsements = vec![a.endorse(&b.public()), b.endorse(&c.public())];
        // Signed by the newest anchor, opened by a verifier pinning the oldest.
        let bytes = make(&c, k);
        let got = open(&bytes, &a.public(), 1_500).unwrap();
        assert_eq!(got.pin, c.public());
        // Pinning b: a's endorsement is skipped, b's followed.
        assert_eq!(open(&bytes, &b.public(), 1_500).unwrap().pin, c.public());
        // Without the chain, c is a stranger to a.
        let bytes = make(&c, contents(1));
        assert!(matches!(
            open(&bytes, &a.public(), 1_500),
            Err(BundleError::WrongAnchor { .. })
        ));
    }
}
