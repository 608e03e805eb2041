//! Trust-anchor keys: the offline key that signs trust bundles
//! ([`super::bundle`]), kept apart from issuer keys.
//!
//! `PREFIX.key` and `PREFIX.pub` are JSON like issuer key files but carry
//! their own tags (`payqr anchor secret key v1`, `payqr anchor public key
//! v1`), so an anchor key is never loaded as an issuer key nor the reverse,
//! and every signature an anchor makes starts with a domain prefix no
//! issuer signature has (docs/FORMAT.md §9).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::keys::PublicKeyError;
use crate::code::KeyId;
use crate::code::time;
use crate::fs::atomic;

const SECRET_TAG: &str = "payqr anchor secret key v1";
const PUBLIC_TAG: &str = "payqr anchor public key v1";

/// Domain prefix of an endorsement: the current anchor vouching for the
/// next one (anchor rotation).
pub const ENDORSE_DOMAIN: &[u8] = b"payqr-anchor-endorsement-v1\n";

#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: already exists (an anchor key is never overwritten)")]
    Exists(PathBuf),
    #[error("{path}: is readable by group or others (mode {mode:o}); run: chmod 600 {path}")]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("{path}: not a payqr anchor {what} key: {reason}")]
    Format {
        path: PathBuf,
        what: &'static str,
        reason: String,
    },
}

#[derive(Serialize, Deserialize)]
struct SecretFile {
    payqr: String,
    key_id: String,
    created: String,
    seed: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct PublicFile {
    payqr: String,
    key_id: String,
    created: String,
    public_key: String,
}

/// An anchor's secret key, loaded.
pub struct AnchorKey {
    pub signing_key: SigningKey,
    pub key_id: KeyId,
    pub created: String,
}

/// An anchor's public key: what a verifier pins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnchorPub {
    pub key: VerifyingKey,
    pub key_id: KeyId,
}

fn with_suffix(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

impl AnchorKey {
    pub fn from_seed(seed: [u8; 32], now: u64) -> AnchorKey {
        let signing_key = SigningKey::from_bytes(&seed);
        AnchorKey {
            key_id: KeyId::of(&signing_key.verifying_key()),
            signing_key,
            created: time::format_utc(now),
        }
    }

    pub fn generate(now: u64) -> AnchorKey {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("operating system random source failed");
        AnchorKey::from_seed(seed, now)
    }

    pub fn public(&self) -> AnchorPub {
        AnchorPub {
            key: self.signing_key.verifying_key(),
            key_id: self.key_id,
        }
    }

    /// Writes `PREFIX.key` (0600, created new: never replaces a file) and
    /// `PREFIX.pub`. Nothing is written if either exists.
    pub fn save(&self, prefix: &Path) -> Result<(PathBuf, PathBuf), AnchorError> {
        let key_path = with_suffix(prefix, "key");
        let pub_path = with_suffix(prefix, "pub");
        for p in [&key_path, &pub_path] {
            if p.exists() {
                return Err(AnchorError::Exists(p.clone()));
            }
        }
        let secret = SecretFile {
            payqr: SECRET_TAG.into(),
            key_id: self.key_id.to_string(),
            created: self.created.clone(),
            seed: B64.encode(self.signing_key.to_bytes()),
        };
        let mut json = serde_json::to_string_pretty(&secret).expect("serializable");
        json.push('\n');
        atomic::write_secret(&key_path, json.as_bytes(), false).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                AnchorError::Exists(key_path.clone())
            } else {
                AnchorError::Io {
                    path: key_path.clone(),
                    source: e,
                }
            }
        })?;
        let public = PublicFile {
            payqr: PUBLIC_TAG.into(),
            key_id: self.key_id.to_string(),
            created: self.created.clone(),
            public_key: B64.encode(self.signing_key.verifying_key().as_bytes()),
        };
        let mut json = serde_json::to_string_pretty(&public).expect("serializable");
        json.push('\n');
        atomic::write_atomic(&pub_path, json.as_bytes()).map_err(|source| AnchorError::Io {
            path: pub_path.clone(),
            source,
        })?;
        Ok((key_path, pub_path))
    }

    pub fn load(path: &Path) -> Result<AnchorKey, AnchorError> {
        let io = |source| AnchorError::Io {
            path: path.to_path_buf(),
            source,
        };
        match atomic::check_private(path).map_err(io)? {
            Ok(()) => {}
            Err(atomic::Exposure::Mode(mode)) => {
                return Err(AnchorError::TooOpen {
                    path: path.to_path_buf(),
                    mode,
                });
            }
            // Windows: as for issuer keys, other readers are warned about,
            // not refused (src/fs/winacl.rs says why).
            Err(atomic::Exposure::Readers(_)) => {}
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let bad = |reason: String| AnchorError::Format {
            path: path.to_path_buf(),
            what: "secret",
            reason,
        };
        let f: SecretFile = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if f.payqr != SECRET_TAG {
            return Err(bad(format!("tag {:?}", f.payqr)));
        }
        let seed: [u8; 32] = B64
            .decode(f.seed.trim())
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| bad("seed is not 32 bytes of base64".into()))?;
        let mut k = AnchorKey::from_seed(seed, 0);
        k.created = f.created;
        if k.key_id.to_string() != f.key_id {
            return Err(bad(format!("key_id {} does not match the key", f.key_id)));
        }
        Ok(k)
    }

    /// Signs `domain ‖ message`.
    pub fn sign(&self, domain: &[u8], message: &[u8]) -> [u8; 64] {
        let mut m = Vec::with_capacity(domain.len() + message.len());
        m.extend_from_slice(domain);
        m.extend_from_slice(message);
        self.signing_key.sign(&m).to_bytes()
    }

    /// An endorsement of `next` as the anchor after this one.
    pub fn endorse(&self, next: &AnchorPub) -> Endorsement {
        let signature = self.sign(
            ENDORSE_DOMAIN,
            &endorse_message(&self.public(), next.key.as_bytes()),
        );
        Endorsement {
            from: self.key_id.to_string(),
            next: B64.encode(next.key.as_bytes()),
            signature: B64.encode(signature),
        }
    }
}

fn endorse_message(from: &AnchorPub, next: &[u8; 32]) -> Vec<u8> {
    [from.key.as_bytes().as_slice(), next.as_slice()].concat()
}

impl AnchorPub {
    pub fn from_base64(b64: &str) -> Result<AnchorPub, PublicKeyError> {
        let key = super::keys::decode_public(b64)?;
        Ok(AnchorPub {
            key,
            key_id: KeyId::of(&key),
        })
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.key.as_bytes())
    }

    pub fn load(path: &Path) -> Result<AnchorPub, AnchorError> {
        let text = std::fs::read_to_string(path).map_err(|source| AnchorError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let bad = |reason: String| AnchorError::Format {
            path: path.to_path_buf(),
            what: "public",
            reason,
        };
        let f: PublicFile = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if f.payqr != PUBLIC_TAG {
            return Err(bad(format!("tag {:?}", f.payqr)));
        }
        let p = AnchorPub::from_base64(&f.public_key).map_err(|e| bad(e.to_string()))?;
        if p.key_id.to_string() != f.key_id {
            return Err(bad(format!("key_id {} does not match the key", f.key_id)));
        }
        Ok(p)
    }

    /// Checks a signature over `domain ‖ message` (strict: no malleable
    /// or small-order forms).
    pub fn verify(&self, domain: &[u8], message: &[u8], sig: &[u8; 64]) -> bool {
        let mut m = Vec::with_capacity(domain.len() + message.len());
        m.extend_from_slice(domain);
        m.extend_from_slice(message);
        self.key
            .verify_strict(&m, &Signature::from_bytes(sig))
            .is_ok()
    }
}

/// Why an endorsement does not carry trust to the next anchor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndorsementError {
    /// Signed (it says) by another anchor than the one pinned.
    #[error("endorsement is by anchor {by}, not {anchor}")]
    NotBy { by: String, anchor: KeyId },
    /// The next anchor's public key is not a usable key.
    #[error(transparent)]
    Key(#[from] PublicKeyError),
    #[error("endorsement signature is not 64 bytes of base64")]
    Signature,
    #[error("endorsement of anchor {next} does not verify with anchor {anchor}")]
    Forged { next: KeyId, anchor: KeyId },
}

/// The current anchor (`from`, by key id) vouching for the next one's
/// public key: lets a verifier that pins `from` move to `next`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Endorsement {
    pub from: String,
    pub next: String,
    pub signature: String,
}

impl Endorsement {
    /// The next anchor, if `from` (the anchor this names) signed it.
    pub fn check(&self, from: &AnchorPub) -> Result<AnchorPub, EndorsementError> {
        if self.from != from.key_id.to_string() {
            return Err(EndorsementError::NotBy {
                by: self.from.clone(),
                anchor: from.key_id,
            });
        }
        let next = AnchorPub::from_base64(&self.next)?;
        let sig: [u8; 64] = B64
            .decode(&self.signature)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or(EndorsementError::Signature)?;
        if !from.verify(
            ENDORSE_DOMAIN,
            &endorse_message(from, next.key.as_bytes()),
            &sig,
        ) {
            return Err(EndorsementError::Forged {
                next: next.key_id,
                anchor: from.key_id,
            });
        }
        Ok(next)
    }

    pub fn load(path: &Path) -> Result<Endorsement, AnchorError> {
        let text = std::fs::read_to_string(path).map_err(|source| AnchorError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| AnchorError::Format {
            path: path.to_path_buf(),
            what: "endorsement",
            reason: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_files_are_not_issuer_files() {
        let d = tempfile::tempdir().unwrap();
        let a = AnchorKey::generate(0);
        let (kp, pp) = a.save(&d.path().join("anchor")).unwrap();
        assert_eq!(AnchorKey::load(&kp).unwrap().key_id, a.key_id);
        assert_eq!(AnchorPub::load(&pp).unwrap(), a.public());
        assert!(crate::trust::keys::IssuerKey::load(&kp).is_err());
        assert!(crate::trust::keys::PublicKeyFile::load(&pp).is_err());
        assert!(matches!(
            a.save(&d.path().join("anchor")),
            Err(AnchorError::Exists(_))
        ));
        let issuer = crate::trust::keys::IssuerKey::generate("x", "X", 0).unwrap();
        let (ik, ip) = issuer.save(&d.path().join("issuer"), false).unwrap();
        assert!(AnchorKey::load(&ik).is_err());
        assert!(AnchorPub::load(&ip).is_err());
    }

    #[test]
    fn endorsement_checks() {
        let a = AnchorKey::generate(0);
        let b = AnchorKey::generate(0);
        let e = a.endorse(&b.public());
        assert_eq!(e.check(&a.public()).unwrap(), b.public());
        assert!(e.check(&b.public()).is_err());
        let mut forged = b.endorse(&b.public());
        forged.from = a.key_id.to_string();
        assert!(forged.check(&a.public()).is_err());
    }
}
