//! What a trust list is made of, as its file and a signed bundle carry
//! it: the trusted keys with their windows, the all-before cancel rules,
//! and which bundle the list came from. Below both the list and the bundle
//! format, which share these types.

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::keys;
use crate::code::KeyId;
use crate::code::time;

/// Why one key entry of a trust list (or a bundle) is refused.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum EntryError {
    #[error("{0}")]
    PublicKey(String),
    #[error("key_id {0} does not match its public_key")]
    KeyIdMismatch(String),
    #[error("{0}")]
    Issuer(String),
    #[error("{field}: {reason}")]
    Time { field: &'static str, reason: String },
    /// An inverted window accepts no code.
    #[error(
        "key {key_id} of {issuer}: not_before {not_before} is later than not_after {not_after}"
    )]
    Inverted {
        key_id: String,
        issuer: String,
        not_before: String,
        not_after: String,
    },
}

/// One trusted key. Times are UTC RFC 3339 strings in the file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TrustedKey {
    pub issuer: String,
    pub name: String,
    pub key_id: String,
    pub public_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    pub added_at: String,
}

/// A trusted key ready for verification.
#[derive(Debug, Clone)]
pub struct Entry {
    pub meta: TrustedKey,
    pub key: VerifyingKey,
    pub key_id: KeyId,
    pub not_before: Option<u64>,
    pub not_after: Option<u64>,
    pub revoked_at: Option<u64>,
}

fn parse_stamp(field: &'static str, s: &Option<String>) -> Result<Option<u64>, EntryError> {
    s.as_deref()
        .map(|t| {
            time::parse_time(t, 0, chrono::FixedOffset::east_opt(0).expect("utc")).map_err(|e| {
                EntryError::Time {
                    field,
                    reason: e.to_string(),
                }
            })
        })
        .transpose()
}

impl Entry {
    pub(super) fn from_meta(meta: TrustedKey) -> Result<Entry, EntryError> {
        let key = keys::decode_public(&meta.public_key)
            .map_err(|e| EntryError::PublicKey(e.to_string()))?;
        let key_id = KeyId::of(&key);
        if key_id.to_string() != meta.key_id {
            return Err(EntryError::KeyIdMismatch(meta.key_id));
        }
        crate::code::check_issuer(&meta.issuer).map_err(|e| EntryError::Issuer(e.to_string()))?;
        let not_before = parse_stamp("not_before", &meta.not_before)?;
        let not_after = parse_stamp("not_after", &meta.not_after)?;
        // An inverted window accepts no code: almost surely a typo in a
        // date, which would otherwise show up only as refused payments.
        if let (Some(nb), Some(na)) = (not_before, not_after)
            && nb > na
        {
            return Err(EntryError::Inverted {
                key_id: meta.key_id.clone(),
                issuer: meta.issuer.clone(),
                not_before: meta.not_before.clone().unwrap_or_default(),
                not_after: meta.not_after.clone().unwrap_or_default(),
            });
        }
        Ok(Entry {
            not_before,
            not_after,
            revoked_at: parse_stamp("revoked_at", &meta.revoked_at)?,
            meta,
            key,
            key_id,
        })
    }

    /// Whether a code issued at `t` falls in the key's validity window.
    pub fn valid_at(&self, t: u64) -> bool {
        self.not_before.is_none_or(|nb| t >= nb) && self.not_after.is_none_or(|na| t <= na)
    }
}

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

/// Why a cancel rule is refused; each names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error(transparent)]
    Issuer(#[from] crate::code::FormatError),
    /// The key id as given, and why it is not one.
    #[error("key_id: {reason}")]
    KeyId { key_id: String, reason: String },
    #[error("before: {0}")]
    Before(#[source] time::TimeError),
}

impl CancelRule {
    /// Checks the fields; returns the bound in UTC seconds.
    pub fn check(&self) -> Result<u64, RuleError> {
        crate::code::check_issuer(&self.issuer)?;
        self.key_id.parse::<KeyId>().map_err(|e| RuleError::KeyId {
            key_id: self.key_id.clone(),
            reason: e.to_string(),
        })?;
        time::parse_time(
            &self.before,
            0,
            chrono::FixedOffset::east_opt(0).expect("utc"),
        )
        .map_err(RuleError::Before)
    }
}
