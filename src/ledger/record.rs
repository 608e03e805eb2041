//! What one ledger line says: an issued code or a redemption.

use std::borrow::Cow;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::code::time;
use crate::code::{CodeId, Kind, SignedCode};

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
    /// Records found lost and acknowledged by `payqr ledger repair
    /// --record-loss`: no code; `txn` says how many records and bytes,
    /// and the hash the evidence expected (see docs/FORMAT.md §4).
    Lost,
    /// A signed cancellation (`payqr cancel`): `key_id` signed it, `txn`
    /// is the reason, `source` the signature; `code_id` the code, or empty
    /// with `issued_at` the bound of an all-before cancellation (every
    /// code of `key_id` issued before it). See docs/FORMAT.md §4.
    Cancelled,
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
    /// Redeemed records of `payqr redeem --at`: the time the code was
    /// judged (valid) as of, claimed by the operator; `time` stays the
    /// wall clock of the write. Absent when judged as of `time`. Last, so
    /// CSV ledgers written before it (no such column) are still read.
    #[serde(default)]
    pub judged_at: Option<String>,
    /// Issued records in a JSON-lines ledger: the payload text the QR
    /// symbol carries, so that a lost notice can be printed again byte for
    /// byte (`payqr notice`) without issuing a new code. Covered by the
    /// line's checksum and the hash chain like every field; absent from
    /// older lines and from CSV ledgers (whose columns stay as they were).
    /// Not a serde field: the JSON encoder adds it ([`super::line`]), and
    /// [`super::payload`] reads it.
    #[serde(skip)]
    pub payload: Option<String>,
}

impl Record {
    /// A record of `event` naming only its time, issuer and code id, every
    /// other field empty (seq assigned on append): what each kind of
    /// record starts from, filling in the fields it carries.
    pub fn new(event: Event, time: String, issuer: String, code_id: String) -> Record {
        Record {
            seq: 0,
            time,
            event,
            issuer,
            code_id,
            key_id: None,
            kind: None,
            amount: None,
            currency: None,
            payee: None,
            reference: None,
            issued_at: None,
            expires_at: None,
            payload_sha256: None,
            txn: None,
            channel: None,
            source: None,
            replaces: None,
            judged_at: None,
            payload: None,
        }
    }

    /// The record of a freshly issued code (seq assigned on append).
    pub fn issued(code: &SignedCode, now: u64) -> Record {
        let c = &code.code;
        Record {
            key_id: Some(c.key_id.to_string()),
            kind: Some(c.kind),
            amount: Some(c.amount),
            currency: Some(c.currency.code.to_string()),
            payee: Some(c.payee.clone()),
            reference: Some(c.reference.clone()),
            issued_at: Some(time::format_utc(c.issued_at)),
            expires_at: Some(time::format_utc(c.expires_at)),
            payload_sha256: Some(code.digest_hex()),
            ..Record::new(
                Event::Issued,
                time::format_utc(now),
                c.issuer.clone(),
                c.code_id.to_string(),
            )
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
            txn,
            channel: Some(channel.to_string()),
            source,
            ..Record::new(
                Event::Redeemed,
                time::format_utc(now),
                issuer.to_string(),
                code_id.to_string(),
            )
        }
    }
}

/// A string field read in place when the line has no escapes in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Text<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                // What serde says for a `String` field, so errors read the same.
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_string(Visit)
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Text<'_> {
    fn from(s: String) -> Self {
        Text(Cow::Owned(s))
    }
}

/// [`Record`] with its strings borrowed from the line where possible: the
/// same fields, defaults and types, so it accepts exactly what `Record`
/// accepts, without a dozen allocations per line of a full load.
#[derive(Debug, Deserialize)]
#[serde(rename = "Record")]
#[allow(dead_code)] // key_id and replaces are read (checked as strings), not used
pub(super) struct RawRecord<'a> {
    pub seq: u64,
    #[serde(borrow)]
    pub time: Text<'a>,
    pub event: Event,
    #[serde(borrow)]
    pub issuer: Text<'a>,
    #[serde(borrow)]
    pub code_id: Text<'a>,
    #[serde(default, borrow)]
    pub key_id: Option<Text<'a>>,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub amount: Option<u64>,
    #[serde(default, borrow)]
    pub currency: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub payee: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub reference: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub issued_at: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub expires_at: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub payload_sha256: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub txn: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub channel: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub source: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub replaces: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub judged_at: Option<Text<'a>>,
}

impl From<Record> for RawRecord<'static> {
    fn from(r: Record) -> RawRecord<'static> {
        RawRecord {
            seq: r.seq,
            time: r.time.into(),
            event: r.event,
            issuer: r.issuer.into(),
            code_id: r.code_id.into(),
            key_id: r.key_id.map(Into::into),
            kind: r.kind,
            amount: r.amount,
            currency: r.currency.map(Into::into),
            payee: r.payee.map(Into::into),
            reference: r.reference.map(Into::into),
            issued_at: r.issued_at.map(Into::into),
            expires_at: r.expires_at.map(Into::into),
            payload_sha256: r.payload_sha256.map(Into::into),
            txn: r.txn.map(Into::into),
            channel: r.channel.map(Into::into),
            source: r.source.map(Into::into),
            replaces: r.replaces.map(Into::into),
            judged_at: r.judged_at.map(Into::into),
        }
    }
}
