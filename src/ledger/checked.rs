//! What one record says, read and checked: the code it names ([`CodeKey`]),
//! and its event typed ([`Checked`], [`What`]) with the facts the state keeps
//! of it (a redemption, a loss, a cancellation). Below the state, which
//! applies them, and the line format, which checks lines in parallel.

use sha2::{Digest, Sha256};

use super::chain::Hash;
use super::error::RecordError;
use super::record::{Event, RawRecord, Record, Text};
use crate::code::currency::Currency;
use crate::code::time;
use crate::code::{CodeId, KeyId, Kind, parse_hex};

/// What names a code: code ids are unique per issuer only, so every
/// lookup takes the issuer too. The issuer is held as 64 bits of its
/// SHA-256 ([`issuer_tag`]): 16 bytes a key, where the name would cost an
/// allocation per code. Two issuer names sharing a tag would need a
/// second preimage of 64 bits against a name already in the trust list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeKey {
    pub id: CodeId,
    pub issuer: u64,
}

impl CodeKey {
    pub fn of(issuer: &str, id: CodeId) -> CodeKey {
        CodeKey {
            id,
            issuer: issuer_tag(issuer),
        }
    }
}

/// 64 bits of SHA-256 over the issuer name. A ledger names a handful of
/// issuers: each thread remembers the last one, so a full load hashes
/// almost nothing.
pub fn issuer_tag(issuer: &str) -> u64 {
    thread_local! {
        static LAST: std::cell::RefCell<(String, u64)> =
            const { std::cell::RefCell::new((String::new(), 0)) };
    }
    LAST.with_borrow_mut(|(name, tag)| {
        if *name != issuer || name.is_empty() {
            let d = Sha256::digest(issuer.as_bytes());
            *tag = u64::from_be_bytes(d[..8].try_into().expect("8 bytes"));
            issuer.clone_into(name);
        }
        *tag
    })
}

/// Records lost from the ledger, as a `lost` record (`payqr ledger repair
/// --record-loss`) says: evidence (the index) showed the ledger had once
/// been longer than it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// The seq of the `lost` record.
    pub seq: u64,
    /// When the loss was recorded (UTC seconds).
    pub time: u64,
    /// Records and bytes the evidence covered beyond what was left (at
    /// least this many: a ledger rewritten to the same length loses
    /// records the count cannot show).
    pub records: u64,
    pub bytes: u64,
    /// How long the ledger was, and the hash of its last line then, as
    /// the evidence recorded them.
    pub covered: u64,
    pub hash: Hash,
    /// Where the evidence came from (the index file name).
    pub source: String,
}

// The loss record is built here, beside [`Loss`], so that `record.rs`
// (what a line says) does not stand on the checked facts.
impl Record {
    /// The record of a loss (seq assigned on append): `txn` holds the
    /// details, `channel` is `repair`, `source` names the evidence.
    pub fn lost(loss: &Loss, now: u64) -> Record {
        Record {
            txn: Some(loss.details()),
            channel: Some("repair".into()),
            source: Some(loss.source.clone()),
            ..Record::new(
                Event::Lost,
                time::format_utc(now),
                String::new(),
                String::new(),
            )
        }
    }
}

impl Loss {
    /// The `txn` text of a `lost` record.
    pub(super) fn details(&self) -> String {
        format!(
            "records={};bytes={};covered={};hash={}",
            self.records,
            self.bytes,
            self.covered,
            crate::code::to_hex(&self.hash)
        )
    }

    fn parse(txn: &str) -> Option<(u64, u64, u64, Hash)> {
        let mut it = txn.split(';');
        let mut field = |name: &str| it.next()?.strip_prefix(name)?.strip_prefix('=');
        let records = field("records")?.parse().ok()?;
        let bytes = field("bytes")?.parse().ok()?;
        let covered = field("covered")?.parse().ok()?;
        let hash = parse_hex(field("hash")?)?;
        it.next()
            .is_none()
            .then_some((records, bytes, covered, hash))
    }
}

/// A cancellation as recorded (`payqr cancel`), with its text fields
/// exactly as signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled {
    pub seq: u64,
    pub time: String,
    pub key_id: KeyId,
    /// All-before cancellations: the bound (UTC seconds) and its text.
    pub before: Option<(u64, String)>,
    pub reason: String,
    pub signature: String,
}

/// The key under which an all-before cancellation of `key_id` is kept
/// (state and index): a code id no payqr code has in practice (0xffffffff
/// then the key id: a random code id matches with odds 2^-64).
pub fn rule_key(issuer: &str, key_id: KeyId) -> CodeKey {
    let k = key_id.0;
    CodeKey::of(
        issuer,
        CodeId([0xff, 0xff, 0xff, 0xff, k[0], k[1], k[2], k[3]]),
    )
}

/// A redemption as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    pub seq: u64,
    pub time: u64,
    pub txn: Option<String>,
    pub channel: String,
    pub source: Option<String>,
}

/// A record whose fields have been read and checked, before it meets the
/// state: what can be done for every line at once, in parallel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub seq: u64,
    /// The code's issuer and id (empty and zero in a `lost` record).
    pub key: CodeKey,
    pub code_id: CodeId,
    pub issuer: String,
    pub what: What,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Issued(IssuedFields),
    Redeemed(Redemption),
    /// Boxed: rare, and every line read carries a `What`.
    Lost(Box<Loss>),
    Cancelled(Box<Cancelled>),
}

pub(super) fn cancel_what(code_id: CodeId, c: &Cancelled) -> String {
    match &c.before {
        Some(_) => format!("key {} (all before)", c.key_id),
        None => format!("code {code_id}"),
    }
}

/// The fields of an `issued` record besides seq, code id and issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedFields {
    pub kind: Kind,
    pub amount: u64,
    pub currency: Currency,
    pub payee: String,
    pub reference: String,
    pub issued_at: u64,
    pub expires_at: u64,
    pub payload_sha256: Option<[u8; 32]>,
    /// The code this one replaces (same issuer).
    pub replaces: Option<CodeId>,
    /// The key that signed it (`None` when the record's is not a key id).
    pub key_id: Option<KeyId>,
}

/// Checks a record's fields, in the order errors are reported.
pub(super) fn check(r: RawRecord) -> Result<Checked, RecordError> {
    use RecordError::Missing;
    let utc = chrono::FixedOffset::east_opt(0).expect("utc");
    let when = |field: &'static str, v: Option<&str>| -> Result<u64, RecordError> {
        let s = v.ok_or(Missing { field })?;
        time::parse_time(s, 0, utc).map_err(|source| RecordError::Time { field, source })
    };
    let bad_id = |field: &'static str| move |source| RecordError::Id { field, source };
    let time = when("time", Some(&r.time))?;
    if let Some(judged) = r.judged_at.as_deref() {
        when("judged_at", Some(judged))?;
    }
    if r.event == Event::Lost {
        // A loss names no code: issuer and code id stay empty.
        if !r.issuer.is_empty() || !r.code_id.is_empty() {
            return Err(RecordError::LostNamesCode);
        }
        let txn = r.txn.as_deref().ok_or(Missing { field: "txn" })?;
        let (records, bytes, covered, hash) = Loss::parse(txn).ok_or(RecordError::LostTxn)?;
        return Ok(Checked {
            seq: r.seq,
            key: CodeKey {
                id: CodeId([0; 8]),
                issuer: 0,
            },
            code_id: CodeId([0; 8]),
            issuer: String::new(),
            what: What::Lost(Box::new(Loss {
                seq: r.seq,
                time,
                records,
                bytes,
                covered,
                hash,
                source: r.source.map(|t| t.0.into_owned()).unwrap_or_default(),
            })),
        });
    }
    if r.event == Event::Cancelled {
        crate::code::check_issuer(&r.issuer)?;
        let key_id: KeyId = r
            .key_id
            .as_deref()
            .ok_or(Missing { field: "key_id" })?
            .parse()
            .map_err(bad_id("key_id"))?;
        let reason = r.txn.ok_or(RecordError::NoReason)?.0.into_owned();
        let signature = r.source.ok_or(RecordError::NoSignature)?.0.into_owned();
        let before = match r.issued_at.as_deref() {
            None | Some("") => None,
            Some(b) => Some((when("issued_at", Some(b))?, b.to_string())),
        };
        let (key, code_id) = match (&*r.code_id, &before) {
            ("", Some(_)) => {
                let k = rule_key(&r.issuer, key_id);
                (k, k.id)
            }
            (id, None) if !id.is_empty() => {
                let id: CodeId = id.parse().map_err(bad_id("code_id"))?;
                (CodeKey::of(&r.issuer, id), id)
            }
            _ => {
                return Err(RecordError::CancelShape);
            }
        };
        // `time` was checked above; the record keeps its text, as signed.
        let _ = time;
        return Ok(Checked {
            seq: r.seq,
            key,
            code_id,
            issuer: r.issuer.0.into_owned(),
            what: What::Cancelled(Box::new(Cancelled {
                seq: r.seq,
                time: r.time.0.into_owned(),
                key_id,
                before,
                reason,
                signature,
            })),
        });
    }
    let code_id: CodeId = r.code_id.parse().map_err(bad_id("code_id"))?;
    crate::code::check_issuer(&r.issuer)?;
    let what = match r.event {
        Event::Issued => {
            fn need<'a>(field: &'static str, v: Option<Text<'a>>) -> Result<Text<'a>, RecordError> {
                v.ok_or(Missing { field })
            }
            let currency = need("currency", r.currency)?;
            let currency = Currency::from_code(&currency)
                .ok_or_else(|| RecordError::Currency(currency.0.to_string()))?;
            What::Issued(IssuedFields {
                kind: r.kind.ok_or(Missing { field: "kind" })?,
                amount: r.amount.filter(|&a| a > 0).ok_or(RecordError::Amount)?,
                currency,
                payee: need("payee", r.payee)?.0.into_owned(),
                reference: need("reference", r.reference)?.0.into_owned(),
                issued_at: when("issued_at", r.issued_at.as_deref())?,
                expires_at: when("expires_at", r.expires_at.as_deref())?,
                payload_sha256: match r.payload_sha256.as_deref() {
                    None => None,
                    Some(h) => Some(crate::code::parse_hex(h).ok_or(RecordError::PayloadHash)?),
                },
                replaces: match r.replaces.as_deref() {
                    None | Some("") => None,
                    Some(id) => Some(id.parse().map_err(bad_id("replaces"))?),
                },
                key_id: r.key_id.as_deref().and_then(|k| k.parse().ok()),
            })
        }
        Event::Redeemed => What::Redeemed(Redemption {
            seq: r.seq,
            time,
            txn: r.txn.map(|t| t.0.into_owned()),
            channel: r.channel.map(|t| t.0.into_owned()).unwrap_or_default(),
            source: r.source.map(|t| t.0.into_owned()),
        }),
        // Returned above; named so the match stays exhaustive.
        Event::Lost | Event::Cancelled => return Err(RecordError::Misread),
    };
    Ok(Checked {
        seq: r.seq,
        key: CodeKey::of(&r.issuer, code_id),
        code_id,
        issuer: r.issuer.0.into_owned(),
        what,
    })
}
