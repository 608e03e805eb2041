//! Issuer key files.
//!
//! `PREFIX.key` holds the secret seed (JSON, mode 0600, refused on load when
//! group/world readable); `PREFIX.pub` holds the public key with the issuer
//! id, display name and key id, and is what a verifier adds to its trust list.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::code::time;
use crate::code::{self, KeyId};
use crate::fs::atomic;

const SECRET_TAG: &str = "payqr secret key v1";
const PUBLIC_TAG: &str = "payqr public key v1";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: already exists (use --force to replace it)")]
    Exists(PathBuf),
    #[error("{path}: is readable by group or others (mode {mode:o}); run: chmod 600 {path}")]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("{path}: not a payqr {what} file: {reason}")]
    Format {
        path: PathBuf,
        what: &'static str,
        reason: String,
    },
    #[error("invalid issuer id: {0}")]
    Issuer(code::FormatError),
    /// The display name verifiers are shown: same rules as signed text.
    #[error("invalid issuer name: {0}")]
    Name(code::FormatError),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[derive(Serialize, Deserialize)]
struct SecretFile {
    payqr: String,
    issuer: String,
    name: String,
    key_id: String,
    created: String,
    seed: String,
}

/// A public key file's content.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PublicKeyFile {
    pub payqr: String,
    pub issuer: String,
    pub name: String,
    pub key_id: String,
    pub created: String,
    pub public_key: String,
}

/// An issuer's signing key, loaded.
pub struct IssuerKey {
    pub issuer: String,
    pub name: String,
    pub key_id: KeyId,
    pub signing_key: SigningKey,
    pub created: String,
}

/// Longest issuer display name, in bytes (twice a description: official
/// names are long, 北京市公安局公安交通管理局 is 39 bytes).
pub const MAX_NAME_LEN: usize = 192;

impl IssuerKey {
    pub fn generate(issuer: &str, name: &str, now: u64) -> Result<IssuerKey, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("operating system random source failed");
        IssuerKey::from_seed(issuer, name, seed, now)
    }

    /// A key from a known seed (tests, test vectors).
    pub fn from_seed(
        issuer: &str,
        name: &str,
        seed: [u8; 32],
        now: u64,
    ) -> Result<IssuerKey, KeyError> {
        code::check_issuer(issuer).map_err(KeyError::Issuer)?;
        code::check_text("name", name, MAX_NAME_LEN).map_err(KeyError::Name)?;
        let signing_key = SigningKey::from_bytes(&seed);
        Ok(IssuerKey {
            issuer: issuer.to_string(),
            name: name.to_string(),
            key_id: KeyId::of(&signing_key.verifying_key()),
            signing_key,
            created: time::format_utc(now),
        })
    }

    pub fn public(&self) -> PublicKeyFile {
        PublicKeyFile {
            payqr: PUBLIC_TAG.to_string(),
            issuer: self.issuer.clone(),
            name: self.name.clone(),
            key_id: self.key_id.to_string(),
            created: self.created.clone(),
            public_key: B64.encode(self.signing_key.verifying_key().as_bytes()),
        }
    }

    /// Writes `PREFIX.key` (0600, never silently overwritten) and `PREFIX.pub`.
    pub fn save(&self, prefix: &Path, force: bool) -> Result<(PathBuf, PathBuf), KeyError> {
        let key_path = with_suffix(prefix, "key");
        let pub_path = with_suffix(prefix, "pub");
        if !force {
            for p in [&key_path, &pub_path] {
                if p.exists() {
                    return Err(KeyError::Exists(p.clone()));
                }
            }
        }
        let secret = SecretFile {
            payqr: SECRET_TAG.to_string(),
            issuer: self.issuer.clone(),
            name: self.name.clone(),
            key_id: self.key_id.to_string(),
            created: self.created.clone(),
            seed: B64.encode(self.signing_key.to_bytes()),
        };
        let mut json = serde_json::to_string_pretty(&secret).expect("serializable");
        json.push('\n');
        atomic::write_secret(&key_path, json.as_bytes(), force).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                KeyError::Exists(key_path.clone())
            } else {
                KeyError::Io {
                    path: key_path.clone(),
                    source: e,
                }
            }
        })?;
        let mut json = serde_json::to_string_pretty(&self.public()).expect("serializable");
        json.push('\n');
        atomic::write_atomic(&pub_path, json.as_bytes()).map_err(io_err(&pub_path))?;
        Ok((key_path, pub_path))
    }

    pub fn load(path: &Path) -> Result<IssuerKey, KeyError> {
        if let Err(mode) = atomic::check_private(path).map_err(io_err(path))? {
            return Err(KeyError::TooOpen {
                path: path.to_path_buf(),
                mode,
            });
        }
        let text = std::fs::read_to_string(path).map_err(io_err(path))?;
        let bad = |reason: String| KeyError::Format {
            path: path.to_path_buf(),
            what: "secret key",
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
        let mut key = IssuerKey::from_seed(&f.issuer, &f.name, seed, 0)?;
        key.created = f.created;
        if key.key_id.to_string() != f.key_id {
            return Err(bad(format!(
                "key_id {} does not match the key ({})",
                f.key_id, key.key_id
            )));
        }
        Ok(key)
    }
}

impl PublicKeyFile {
    pub fn load(path: &Path) -> Result<PublicKeyFile, KeyError> {
        let text = std::fs::read_to_string(path).map_err(io_err(path))?;
        let f: PublicKeyFile = serde_json::from_str(&text).map_err(|e| KeyError::Format {
            path: path.to_path_buf(),
            what: "public key",
            reason: e.to_string(),
        })?;
        f.check().map_err(|reason| KeyError::Format {
            path: path.to_path_buf(),
            what: "public key",
            reason,
        })?;
        Ok(f)
    }

    /// Consistency: tag, issuer syntax, key bytes, key id matches the key.
    pub fn check(&self) -> Result<(), String> {
        if self.payqr != PUBLIC_TAG {
            return Err(format!("tag {:?}", self.payqr));
        }
        code::check_issuer(&self.issuer).map_err(|e| e.to_string())?;
        let key = self.verifying_key()?;
        if KeyId::of(&key).to_string() != self.key_id {
            return Err(format!("key_id {} does not match the key", self.key_id));
        }
        Ok(())
    }

    pub fn verifying_key(&self) -> Result<VerifyingKey, String> {
        decode_public(&self.public_key)
    }
}

pub fn decode_public(b64: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = B64
        .decode(b64.trim())
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or("public_key is not 32 bytes of base64")?;
    let key =
        VerifyingKey::from_bytes(&bytes).map_err(|_| "public_key is not a valid Ed25519 point")?;
    if key.is_weak() {
        return Err("public_key is a weak (small-order) key".into());
    }
    Ok(key)
}

/// Whether `path` is an existing payqr key file, secret or public: named
/// `*.key`/`*.pub` as [`IssuerKey::save`] names them, or holding a key
/// file's tag whatever its name. Outputs are never written over one.
pub fn is_key_file(path: &Path) -> bool {
    use std::io::Read;
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("key") || e.eq_ignore_ascii_case("pub"))
    {
        return true;
    }
    // Key files are a few hundred bytes; a bigger file is something else.
    let mut buf = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(1 << 16).read_to_end(&mut buf));
    #[derive(Deserialize)]
    struct Tag {
        payqr: String,
    }
    read.is_ok()
        && serde_json::from_slice::<Tag>(&buf)
            .is_ok_and(|t| t.payqr == SECRET_TAG || t.payqr == PUBLIC_TAG)
}

fn with_suffix(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("bj");
        let k = IssuerKey::generate("bj-traffic", "北京交管", 1_795_000_000).unwrap();
        let (kp, pp) = k.save(&prefix, false).unwrap();
        let back = IssuerKey::load(&kp).unwrap();
        assert_eq!(back.key_id, k.key_id);
        assert_eq!(back.name, "北京交管");
        let p = PublicKeyFile::load(&pp).unwrap();
        assert_eq!(p.verifying_key().unwrap(), k.signing_key.verifying_key());
        assert!(matches!(k.save(&prefix, false), Err(KeyError::Exists(_))));
    }

    #[cfg(unix)]
    #[test]
    fn open_secret_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let k = IssuerKey::generate("x", "X", 0).unwrap();
        let (kp, _) = k.save(&dir.path().join("x"), false).unwrap();
        std::fs::set_permissions(&kp, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            IssuerKey::load(&kp),
            Err(KeyError::TooOpen { .. })
        ));
    }

    #[test]
    fn tampered_public_file_rejected() {
        let k = IssuerKey::generate("x", "X", 0).unwrap();
        let other = IssuerKey::generate("x", "X", 0).unwrap();
        let mut p = k.public();
        p.public_key = other.public().public_key;
        assert!(p.check().is_err());
    }
}
