//! Detached signatures of release files (`SHA256SUMS`), made with a payqr
//! key pair (docs/FORMAT.md, "Release signatures").
//!
//! The signed message is `payqr-release-v1\n` followed by the file's
//! bytes: the prefix keeps a release signature from ever being a valid
//! payment code signature (and the reverse), although both use Ed25519
//! keys made by `payqr keygen`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, VerifyingKey};

use crate::code::KeyId;
use crate::trust::keys::IssuerKey;

/// The domain-separation prefix of every signed message, and the first
/// word of a signature file.
pub const DOMAIN: &str = "payqr-release-v1";

fn message(file: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(DOMAIN.len() + 1 + file.len());
    m.extend_from_slice(DOMAIN.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(file);
    m
}

/// Why [`sign`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The signer failed (a hardware token unplugged or refusing): its words.
    #[error("{0}")]
    Signer(String),
}

/// Why [`verify`] refused a signature file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("not a payqr release signature: no final newline")]
    NoFinalNewline,
    #[error("not a payqr release signature: expected 3 words on one line")]
    NotThreeWords,
    #[error("not a payqr release signature: tag {0:?}")]
    Tag(String),
    #[error("signed by key {signed_by}, not by {key}")]
    OtherKey { signed_by: String, key: KeyId },
    #[error("signature is not 64 bytes of base64")]
    NotBase64,
    #[error("signature does not match the file: it was changed or signed by another key")]
    Mismatch,
}

/// The signature file's text: `payqr-release-v1 <key id> <base64 sig>\n`.
pub fn sign(key: &IssuerKey, file: &[u8]) -> Result<String, SignError> {
    let sig = key
        .signing_key
        .try_sign(&message(file))
        .map_err(|e| SignError::Signer(crate::code::signing_failure(&e)))?;
    Ok(format!(
        "{DOMAIN} {} {}\n",
        key.key_id,
        B64.encode(sig.to_bytes())
    ))
}

/// Checks `sig_text` (a signature file) over `file` with `key`. The one
/// line must name this key's id; any other text, key or byte is refused.
pub fn verify(key: &VerifyingKey, file: &[u8], sig_text: &str) -> Result<(), VerifyError> {
    let line = sig_text
        .strip_suffix('\n')
        .ok_or(VerifyError::NoFinalNewline)?;
    let mut parts = line.split(' ');
    let (Some(tag), Some(id), Some(b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::NotThreeWords);
    };
    if tag != DOMAIN {
        return Err(VerifyError::Tag(tag.to_string()));
    }
    let want = KeyId::of(key);
    if id != want.to_string() {
        return Err(VerifyError::OtherKey {
            signed_by: id.to_string(),
            key: want,
        });
    }
    let bytes: [u8; 64] = B64
        .decode(b64)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or(VerifyError::NotBase64)?;
    key.verify_strict(&message(file), &Signature::from_bytes(&bytes))
        .map_err(|_| VerifyError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_refuses_changes() {
        let k = IssuerKey::generate("payqr-release", "payqr releases", 0).unwrap();
        let pk = k.signing_key.verifying_key();
        let sums = b"abc123  payqr-0.1.0-x86_64-linux-musl.tar.gz\n";
        let sig = sign(&k, sums).unwrap();
        verify(&pk, sums, &sig).unwrap();
        let mut bad = sums.to_vec();
        bad[0] = b'b';
        assert!(verify(&pk, &bad, &sig).is_err());
        let other = IssuerKey::generate("x", "X", 0).unwrap();
        assert!(verify(&other.signing_key.verifying_key(), sums, &sig).is_err());
        // A bare signature over the file (no domain prefix) is refused.
        let raw = k.signing_key.sign(sums);
        let forged = format!("{DOMAIN} {} {}\n", k.key_id, B64.encode(raw.to_bytes()));
        assert!(verify(&pk, sums, &forged).is_err());
    }
}
