//! `PREFIX.pub`: the public key with the issuer id, display name and key
//! id, what a verifier adds to its trust list.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::error::{KeyError, PublicKeyError, io_err};
use crate::code::{self, KeyId};

pub(super) const PUBLIC_TAG: &str = "payqr public key v1";

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

/// The public key of a file, checked against its key id.
pub(super) fn check_public(b64: &str, key_id: &str) -> Result<VerifyingKey, PublicKeyError> {
    let key = decode_public(b64)?;
    if KeyId::of(&key).to_string() != key_id {
        return Err(PublicKeyError::KeyId(key_id.to_string()));
    }
    Ok(key)
}

impl PublicKeyFile {
    pub fn load(path: &Path) -> Result<PublicKeyFile, KeyError> {
        let text = std::fs::read_to_string(path).map_err(io_err(path))?;
        let f: PublicKeyFile = serde_json::from_str(&text).map_err(|e| KeyError::Format {
            path: path.to_path_buf(),
            what: "public key",
            reason: e.to_string(),
        })?;
        f.check().map_err(|e| KeyError::Format {
            path: path.to_path_buf(),
            what: "public key",
            reason: e.to_string(),
        })?;
        Ok(f)
    }

    /// Consistency: tag, issuer syntax, key bytes, key id matches the key.
    pub fn check(&self) -> Result<(), PublicKeyError> {
        if self.payqr != PUBLIC_TAG {
            return Err(PublicKeyError::Tag(self.payqr.clone()));
        }
        code::check_issuer(&self.issuer).map_err(|e| PublicKeyError::Issuer(e.to_string()))?;
        check_public(&self.public_key, &self.key_id)?;
        Ok(())
    }

    pub fn verifying_key(&self) -> Result<VerifyingKey, PublicKeyError> {
        decode_public(&self.public_key)
    }
}

pub fn decode_public(b64: &str) -> Result<VerifyingKey, PublicKeyError> {
    let bytes: [u8; 32] = B64
        .decode(b64.trim())
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or(PublicKeyError::Encoding)?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| PublicKeyError::Point)?;
    if key.is_weak() {
        return Err(PublicKeyError::Weak);
    }
    Ok(key)
}
