//! What one ledger line says: an issued code or a redemption.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::code::{CodeId, Kind, SignedCode};
use crate::time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerFormat {
    Jsonl,
    Csv,
}

impl LedgerFormat {
    pub fn for_path(path: &Path) -> LedgerFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => LedgerFormat::Csv,
            _ => LedgerFormat::Jsonl,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    Issued,
    Redeemed,
}

/// One ledger line. Issued records fill the code fields; redeemed records
/// fill txn/channel/source. Times are UTC RFC 3339; amounts minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub time: String,
    pub event: Event,
    pub issuer: String,
    pub code_id: String,
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub amount: Option<u64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub payee: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub issued_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub payload_sha256: Option<String>,
    #[serde(default)]
    pub txn: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// Issued records of `payqr issue --reissue`: the code id this code
    /// replaces (same issuer and reference).
    #[serde(default)]
    pub replaces: Option<String>,
}

impl Record {
    /// The record of a freshly issued code (seq assigned on append).
    pub fn issued(code: &SignedCode, now: u64) -> Record {
        let c = &code.code;
        Record {
            seq: 0,
            time: time::format_utc(now),
            event: Event::Issued,
            issuer: c.issuer.clone(),
            code_id: c.code_id.to_string(),
            key_id: Some(c.key_id.to_string()),
            kind: Some(c.kind),
            amount: Some(c.amount),
            currency: Some(c.currency.code.to_string()),
            payee: Some(c.payee.clone()),
            reference: Some(c.reference.clone()),
            issued_at: Some(time::format_utc(c.issued_at)),
            expires_at: Some(time::format_utc(c.expires_at)),
            payload_sha256: Some(code.digest_hex()),
            txn: None,
            channel: None,
            source: None,
            replaces: None,
        }
    }

    /// The record of a redemption (seq assigned on append).
    pub fn redeemed(
        issuer: &str,
        code_id: CodeId,
        now: u64,
        txn: Option<String>,
        channel: &str,
        source: Option<String>,
    ) -> Record {
        Record {
            seq: 0,
            time: time::format_utc(now),
            event: Event::Redeemed,
            issuer: issuer.to_string(),
            code_id: code_id.to_string(),
            key_id: None,
            kind: None,
            amount: None,
            currency: None,
            payee: None,
            reference: None,
            issued_at: None,
            expires_at: None,
            payload_sha256: None,
            txn,
            channel: Some(channel.to_string()),
            source,
            replaces: None,
        }
    }
}
