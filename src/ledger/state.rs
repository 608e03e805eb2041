//! What the ledger says, checked and indexed in memory.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash as _, Hasher};

use super::line::{GENESIS, Hash};
use super::record::{Event, Record};
use crate::code::{CodeId, Kind};
use crate::currency::Currency;
use crate::time;

/// A code as the ledger knows it from its `issued` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub seq: u64,
    pub issuer: String,
    pub code_id: CodeId,
    pub kind: Kind,
    pub amount: u64,
    pub currency: Currency,
    pub payee: String,
    pub reference: String,
    pub issued_at: u64,
    pub expires_at: u64,
    pub payload_sha256: Option<String>,
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

/// Everything the ledger says, indexed. From [`super::Ledger::load_codes`]
/// it holds only the codes asked for, but counts every record.
#[derive(Debug)]
pub struct LedgerState {
    /// Issued codes in ledger order.
    pub issued: Vec<Issued>,
    by_code: HashMap<CodeId, u32>,
    /// (issuer, reference) by a 64-bit hash, checked against `issued` on
    /// lookup: 1M references as owned string pairs would cost ~100 MB.
    by_reference: HashMap<u64, u32>,
    /// The rare references whose hash another one took first.
    reference_collisions: Vec<u32>,
    pub redeemed: HashMap<CodeId, Redemption>,
    pub records: u64,
    /// Whether the file ends in a partial line (ignored, reported).
    pub torn_tail: bool,
    /// Where the next record goes: bytes through the last complete line.
    pub(super) end: u64,
    /// The hash of the last complete record's line (the next one's `prev`).
    pub(super) last_hash: Hash,
    /// Only these codes are kept (a partial state); `None` keeps all.
    pub(super) only: Option<HashSet<CodeId>>,
}

impl Default for LedgerState {
    fn default() -> LedgerState {
        LedgerState {
            issued: Vec::new(),
            by_code: HashMap::new(),
            by_reference: HashMap::new(),
            reference_collisions: Vec::new(),
            redeemed: HashMap::new(),
            records: 0,
            torn_tail: false,
            end: 0,
            last_hash: GENESIS,
            only: None,
        }
    }
}

fn reference_key(issuer: &str, reference: &str) -> u64 {
    let mut h = DefaultHasher::new();
    (issuer, reference).hash(&mut h);
    h.finish()
}

impl LedgerState {
    pub fn issued(&self, id: &CodeId) -> Option<&Issued> {
        self.by_code.get(id).map(|&i| &self.issued[i as usize])
    }

    pub fn redemption(&self, id: &CodeId) -> Option<&Redemption> {
        self.redeemed.get(id)
    }

    pub fn code_for_reference(&self, issuer: &str, reference: &str) -> Option<CodeId> {
        let is = |&i: &u32| {
            let c = &self.issued[i as usize];
            c.issuer == issuer && c.reference == reference
        };
        self.by_reference
            .get(&reference_key(issuer, reference))
            .into_iter()
            .chain(&self.reference_collisions)
            .filter(|i| is(i))
            .max()
            .map(|&i| self.issued[i as usize].code_id)
    }

    pub fn next_seq(&self) -> u64 {
        self.records + 1
    }

    fn same_reference(&self, i: u32, other: &Issued) -> bool {
        let c = &self.issued[i as usize];
        c.issuer == other.issuer && c.reference == other.reference
    }

    fn keeps(&self, id: &CodeId) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(id))
    }

    /// Checks one record against the state and applies it.
    pub(super) fn apply(&mut self, r: Record) -> Result<(), String> {
        if r.seq != self.next_seq() {
            return Err(format!(
                "seq {} out of order (expected {})",
                r.seq,
                self.next_seq()
            ));
        }
        self.insert(r)?;
        self.records += 1;
        Ok(())
    }

    /// Checks a record's fields and, if the state keeps its code, records
    /// it (no sequence check: the index hands records over out of order).
    pub(super) fn insert(&mut self, r: Record) -> Result<(), String> {
        let utc = chrono::FixedOffset::east_opt(0).expect("utc");
        let when = |field: &str, v: Option<&str>| -> Result<u64, String> {
            let s = v.ok_or(format!("{field}: missing"))?;
            time::parse_time(s, 0, utc).map_err(|e| format!("{field}: {e}"))
        };
        let time = when("time", Some(&r.time))?;
        let code_id: CodeId = r.code_id.parse().map_err(|e| format!("code_id: {e}"))?;
        crate::code::check_issuer(&r.issuer).map_err(|e| e.to_string())?;
        match r.event {
            Event::Issued => {
                let need = |field: &str, v: Option<String>| v.ok_or(format!("{field}: missing"));
                let currency = need("currency", r.currency)?;
                let currency = Currency::from_code(&currency)
                    .ok_or(format!("currency: unknown {currency:?}"))?;
                let issued = Issued {
                    seq: r.seq,
                    code_id,
                    kind: r.kind.ok_or("kind: missing")?,
                    amount: r
                        .amount
                        .filter(|&a| a > 0)
                        .ok_or("amount: missing or zero")?,
                    currency,
                    payee: need("payee", r.payee)?,
                    reference: need("reference", r.reference)?,
                    issued_at: when("issued_at", r.issued_at.as_deref())?,
                    expires_at: when("expires_at", r.expires_at.as_deref())?,
                    payload_sha256: r.payload_sha256,
                    issuer: r.issuer,
                };
                if !self.keeps(&code_id) {
                    return Ok(());
                }
                if self.by_code.contains_key(&code_id) {
                    return Err(format!("code {code_id} issued twice"));
                }
                let i = u32::try_from(self.issued.len()).map_err(|_| "too many codes")?;
                let key = reference_key(&issued.issuer, &issued.reference);
                // The latest code for a reference wins, as it always has.
                match self.by_reference.get(&key) {
                    Some(&j) if !self.same_reference(j, &issued) => {
                        self.reference_collisions.push(i)
                    }
                    _ => {
                        self.by_reference.insert(key, i);
                    }
                }
                self.by_code.insert(code_id, i);
                self.issued.push(issued);
            }
            Event::Redeemed => {
                if !self.keeps(&code_id) {
                    return Ok(());
                }
                if let Some(prev) = self.redeemed.get(&code_id) {
                    return Err(format!(
                        "code {code_id} redeemed twice (first at seq {})",
                        prev.seq
                    ));
                }
                self.redeemed.insert(
                    code_id,
                    Redemption {
                        seq: r.seq,
                        time,
                        txn: r.txn,
                        channel: r.channel.unwrap_or_default(),
                        source: r.source,
                    },
                );
            }
        }
        Ok(())
    }
}
