//! Cancellations: an issuer's signed word that a code it issued (or every
//! code of one key issued before a time) must not be paid.
//!
//! Signed message (docs/FORMAT.md §10): `payqr-cancel-v1\n` followed by six
//! fields, each as its length (u32 big-endian) and its UTF-8 bytes:
//! issuer, key id (8 hex), code id (16 hex, or empty for an all-before
//! cancellation), before (RFC 3339 UTC, or empty for a single code), time
//! (RFC 3339 UTC), reason. Signed with the issuer's key named by key id.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer};
use serde::{Deserialize, Serialize};

use super::keys::IssuerKey;
use super::{Lookup, TrustList};
use crate::code::time;
use crate::code::{CodeId, KeyId};
use crate::ledger::{Cancelled, Event, Record};

pub const DOMAIN: &[u8] = b"payqr-cancel-v1\n";
const TAG: &str = "payqr cancellation v1";
/// Longest reason, in bytes.
pub const MAX_REASON: usize = 200;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CancelError {
    #[error("{0}")]
    Field(String),
    #[error("cancellation of {what}: key {key_id} of {issuer} is not in the trust list")]
    UnknownKey {
        what: String,
        issuer: String,
        key_id: String,
    },
    #[error(
        "cancellation of {what}: signature does not verify with key {key_id} of {issuer} (forged or altered)"
    )]
    BadSignature {
        what: String,
        issuer: String,
        key_id: String,
    },
}

/// What is cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Code(CodeId),
    /// Every code of the signing key issued before this time (UTC seconds).
    Before(u64),
}

/// One signed cancellation, as exported (JSON lines, `payqr cancel --json`)
/// and as a `cancelled` ledger record carries it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Cancellation {
    pub payqr: String,
    pub issuer: String,
    pub key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    pub time: String,
    pub reason: String,
    pub signature: String,
}

fn message(
    issuer: &str,
    key_id: &str,
    code_id: &str,
    before: &str,
    time: &str,
    reason: &str,
) -> Vec<u8> {
    let mut m = DOMAIN.to_vec();
    for f in [issuer, key_id, code_id, before, time, reason] {
        m.extend_from_slice(&(f.len() as u32).to_be_bytes());
        m.extend_from_slice(f.as_bytes());
    }
    m
}

/// Checks a reason: 1..=200 bytes, nothing unsafe to show.
pub fn check_reason(reason: &str) -> Result<(), CancelError> {
    if reason.trim().is_empty() {
        return Err(CancelError::Field("reason: must not be empty".into()));
    }
    crate::sanitize::check_text(reason, MAX_REASON)
        .map_err(|e| CancelError::Field(format!("reason: {e}")))
}

impl Cancellation {
    /// Signs a cancellation with the issuer's key.
    pub fn sign(
        key: &IssuerKey,
        target: Target,
        now: u64,
        reason: &str,
    ) -> Result<Cancellation, CancelError> {
        check_reason(reason)?;
        let (code_id, before) = match target {
            Target::Code(id) => (Some(id.to_string()), None),
            Target::Before(t) => (None, Some(time::format_utc(t))),
        };
        let time = time::format_utc(now);
        let kid = key.key_id.to_string();
        let m = message(
            &key.issuer,
            &kid,
            code_id.as_deref().unwrap_or(""),
            before.as_deref().unwrap_or(""),
            &time,
            reason,
        );
        Ok(Cancellation {
            payqr: TAG.into(),
            issuer: key.issuer.clone(),
            key_id: kid,
            code_id,
            before,
            time,
            reason: reason.into(),
            signature: B64.encode(key.signing_key.sign(&m).to_bytes()),
        })
    }

    /// The fields checked: what it cancels.
    pub fn target(&self) -> Result<Target, CancelError> {
        let f = |s: String| CancelError::Field(s);
        if self.payqr != TAG {
            return Err(f(format!("tag {:?}", self.payqr)));
        }
        crate::code::check_issuer(&self.issuer).map_err(|e| f(e.to_string()))?;
        self.key_id
            .parse::<KeyId>()
            .map_err(|e| f(format!("key_id: {e}")))?;
        let utc = chrono::FixedOffset::east_opt(0).expect("utc");
        time::parse_time(&self.time, 0, utc).map_err(|e| f(format!("time: {e}")))?;
        check_reason(&self.reason)?;
        match (&self.code_id, &self.before) {
            (Some(id), None) => Ok(Target::Code(
                id.parse().map_err(|e| f(format!("code_id: {e}")))?,
            )),
            (None, Some(b)) => Ok(Target::Before(
                time::parse_time(b, 0, utc).map_err(|e| f(format!("before: {e}")))?,
            )),
            _ => Err(f("exactly one of code_id and before must be given".into())),
        }
    }

    /// "code X of ISSUER" or "codes of key K of ISSUER before T".
    pub fn what(&self) -> String {
        match (&self.code_id, &self.before) {
            (Some(id), _) => format!("code {id} of {}", self.issuer),
            (_, Some(b)) => format!("codes of key {} of {} before {b}", self.key_id, self.issuer),
            _ => format!("nothing of {}", self.issuer),
        }
    }

    /// Checks the fields and the signature against the issuer's key in
    /// `trust` (revoked keys included: a cancellation only ever refuses).
    pub fn verify(&self, trust: &TrustList) -> Result<Target, CancelError> {
        let target = self.target()?;
        let kid: KeyId = self.key_id.parse().expect("checked");
        let unknown = || CancelError::UnknownKey {
            what: self.what(),
            issuer: self.issuer.clone(),
            key_id: self.key_id.clone(),
        };
        let Lookup::Found(entry) = trust.lookup(&self.issuer, kid) else {
            return Err(unknown());
        };
        let sig: [u8; 64] = B64
            .decode(&self.signature)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| CancelError::Field("signature: not 64 bytes of base64".into()))?;
        let m = message(
            &self.issuer,
            &self.key_id,
            self.code_id.as_deref().unwrap_or(""),
            self.before.as_deref().unwrap_or(""),
            &self.time,
            &self.reason,
        );
        entry
            .key
            .verify_strict(&m, &Signature::from_bytes(&sig))
            .map_err(|_| CancelError::BadSignature {
                what: self.what(),
                issuer: self.issuer.clone(),
                key_id: self.key_id.clone(),
            })?;
        Ok(target)
    }
}

impl Cancellation {
    /// The `cancelled` ledger record carrying this cancellation.
    pub fn to_record(&self) -> Record {
        Record {
            key_id: Some(self.key_id.clone()),
            issued_at: self.before.clone(),
            txn: Some(self.reason.clone()),
            channel: Some("cancel".into()),
            source: Some(self.signature.clone()),
            ..Record::new(
                Event::Cancelled,
                self.time.clone(),
                self.issuer.clone(),
                self.code_id.clone().unwrap_or_default(),
            )
        }
    }

    /// The cancellation a `cancelled` ledger record carries.
    pub fn from_ledger(issuer: &str, code_id: CodeId, c: &Cancelled) -> Cancellation {
        Cancellation {
            payqr: TAG.into(),
            issuer: issuer.into(),
            key_id: c.key_id.to_string(),
            code_id: c.before.is_none().then(|| code_id.to_string()),
            before: c.before.as_ref().map(|b| b.1.clone()),
            time: c.time.clone(),
            reason: c.reason.clone(),
            signature: c.signature.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_and_checked() {
        let k = IssuerKey::from_seed("bj-traffic", "BJ", [7; 32], 0).unwrap();
        let mut t = TrustList::default();
        t.add(&k.public(), None, None, 0).unwrap();
        let c =
            Cancellation::sign(&k, Target::Code(CodeId([1; 8])), 100, "issued by mistake").unwrap();
        assert_eq!(c.verify(&t).unwrap(), Target::Code(CodeId([1; 8])));
        let mut bad = c.clone();
        bad.reason = "other".into();
        assert!(matches!(
            bad.verify(&t),
            Err(CancelError::BadSignature { .. })
        ));
        let mut moved = c.clone();
        moved.code_id = Some(CodeId([2; 8]).to_string());
        assert!(moved.verify(&t).is_err());
        assert!(matches!(
            c.verify(&TrustList::default()),
            Err(CancelError::UnknownKey { .. })
        ));
        let all = Cancellation::sign(&k, Target::Before(50), 100, "key lost").unwrap();
        assert_eq!(all.verify(&t).unwrap(), Target::Before(50));
        assert!(Cancellation::sign(&k, Target::Before(50), 100, " ").is_err());
    }
}
