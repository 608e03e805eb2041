//! What the ledger says, checked and indexed in memory.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash as _, Hasher};

use super::line::{GENESIS, Hash};
use super::record::{Event, RawRecord, Record, Text};
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
    /// SHA-256 of the signed payload (bytes, not hex: 1M codes in memory).
    pub payload_sha256: Option<[u8; 32]>,
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
    by_code: Sorted<CodeId>,
    /// (issuer, reference) by a 32-bit hash, checked against `issued` on
    /// lookup: 1M references as owned string pairs would cost ~100 MB.
    by_reference: Sorted<u32>,
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
            by_code: Sorted::default(),
            by_reference: Sorted::default(),
            redeemed: HashMap::new(),
            records: 0,
            torn_tail: false,
            end: 0,
            last_hash: GENESIS,
            only: None,
        }
    }
}

/// (key, position in `issued`) pairs kept sorted for binary search: 8-12
/// bytes a code, where a HashMap at 1M codes takes ~34 MB. New pairs are
/// pushed unsorted and sorted in by `seal`.
#[derive(Debug)]
struct Sorted<K> {
    items: Vec<(K, u32)>,
    sorted: usize,
}

impl<K> Default for Sorted<K> {
    fn default() -> Sorted<K> {
        Sorted {
            items: Vec::new(),
            sorted: 0,
        }
    }
}

impl<K: Ord + Copy> Sorted<K> {
    fn push(&mut self, key: K, i: u32) {
        self.items.push((key, i));
    }

    fn range(&self, key: K) -> &[(K, u32)] {
        debug_assert_eq!(self.sorted, self.items.len(), "lookup before seal");
        let lo = self.items.partition_point(|e| e.0 < key);
        let hi = lo + self.items[lo..].partition_point(|e| e.0 == key);
        &self.items[lo..hi]
    }

    /// Sorts new pairs in; returns the later position of a key that is
    /// now there twice, if any.
    fn seal(&mut self) -> Option<u32> {
        let fresh = self.items.len() - self.sorted;
        if fresh == 0 {
            return None;
        }
        let mut twice = None;
        if fresh < 64 {
            // A few appended pairs: insert them, no re-sort of a million.
            for e in self.items.split_off(self.sorted) {
                let at = self.items.partition_point(|x| *x < e);
                for n in [at.checked_sub(1), Some(at)].into_iter().flatten() {
                    if self.items.get(n).is_some_and(|x| x.0 == e.0) {
                        twice = twice.max(Some(e.1.max(self.items[n].1)));
                    }
                }
                self.items.insert(at, e);
            }
        } else {
            self.items.sort_unstable();
            twice = self
                .items
                .windows(2)
                .filter(|w| w[0].0 == w[1].0)
                .map(|w| w[1].1)
                .min();
        }
        self.sorted = self.items.len();
        twice
    }
}

fn reference_key(issuer: &str, reference: &str) -> u32 {
    let mut h = DefaultHasher::new();
    (issuer, reference).hash(&mut h);
    h.finish() as u32
}

impl LedgerState {
    pub fn issued(&self, id: &CodeId) -> Option<&Issued> {
        let i = self.by_code.range(*id).first()?.1;
        Some(&self.issued[i as usize])
    }

    pub fn redemption(&self, id: &CodeId) -> Option<&Redemption> {
        self.redeemed.get(id)
    }

    pub fn code_for_reference(&self, issuer: &str, reference: &str) -> Option<CodeId> {
        // The latest code for a reference wins.
        self.by_reference
            .range(reference_key(issuer, reference))
            .iter()
            .map(|&(_, i)| &self.issued[i as usize])
            .filter(|c| c.issuer == issuer && c.reference == reference)
            .max_by_key(|c| c.seq)
            .map(|c| c.code_id)
    }

    pub fn next_seq(&self) -> u64 {
        self.records + 1
    }

    /// Sorts the lookups after records were applied; finds a code issued
    /// twice, as (seq of the second issue, why). Lookups need a sealed state.
    pub(super) fn seal(&mut self) -> Result<(), (u64, String)> {
        self.by_reference.seal();
        match self.by_code.seal() {
            None => Ok(()),
            Some(i) => {
                let c = &self.issued[i as usize];
                Err((c.seq, format!("code {} issued twice", c.code_id)))
            }
        }
    }

    fn keeps(&self, id: &CodeId) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(id))
    }

    /// Checks one record against the state and applies it.
    pub(super) fn apply(&mut self, r: Record) -> Result<(), String> {
        self.check_seq(r.seq)?;
        self.insert(r)?;
        self.records += 1;
        Ok(())
    }

    /// Whether `seq` is the next record's number.
    pub(super) fn check_seq(&self, seq: u64) -> Result<(), String> {
        if seq != self.next_seq() {
            return Err(format!(
                "seq {} out of order (expected {})",
                seq,
                self.next_seq()
            ));
        }
        Ok(())
    }

    /// Checks a record's fields and, if the state keeps its code, records
    /// it (no sequence check: the index hands records over out of order).
    pub(super) fn insert(&mut self, r: Record) -> Result<(), String> {
        self.place(check(RawRecord::from(r))?)
    }

    /// Records a checked record if the state keeps its code.
    pub(super) fn place(&mut self, c: Checked) -> Result<(), String> {
        let code_id = c.code_id;
        match c.what {
            What::Issued(f) => {
                let issued = Issued {
                    seq: c.seq,
                    code_id,
                    kind: f.kind,
                    amount: f.amount,
                    currency: f.currency,
                    payee: f.payee,
                    reference: f.reference,
                    issued_at: f.issued_at,
                    expires_at: f.expires_at,
                    payload_sha256: f.payload_sha256,
                    issuer: c.issuer,
                };
                if !self.keeps(&code_id) {
                    return Ok(());
                }
                // A second issue of the id is found by seal().
                let i = u32::try_from(self.issued.len()).map_err(|_| "too many codes")?;
                let key = reference_key(&issued.issuer, &issued.reference);
                self.by_reference.push(key, i);
                self.by_code.push(code_id, i);
                self.issued.push(issued);
            }
            What::Redeemed(redemption) => {
                if !self.keeps(&code_id) {
                    return Ok(());
                }
                if let Some(prev) = self.redeemed.get(&code_id) {
                    return Err(format!(
                        "code {code_id} redeemed twice (first at seq {})",
                        prev.seq
                    ));
                }
                self.redeemed.insert(code_id, redemption);
            }
        }
        Ok(())
    }
}

/// A record whose fields have been read and checked, before it meets the
/// state: what can be done for every line at once, in parallel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub seq: u64,
    pub code_id: CodeId,
    pub issuer: String,
    pub what: What,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Issued(IssuedFields),
    Redeemed(Redemption),
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
}

/// The first code issued twice among (code, position) pairs, as
/// [`LedgerState::seal`] names it: its later position.
pub(super) fn issued_twice(ids: Vec<(CodeId, u32)>) -> Option<(CodeId, u32)> {
    let mut sorted = Sorted {
        items: ids,
        sorted: 0,
    };
    let i = sorted.seal()?;
    sorted.items.into_iter().find(|e| e.1 == i)
}

/// Checks a record's fields, in the order errors are reported.
pub(super) fn check(r: RawRecord) -> Result<Checked, String> {
    let utc = chrono::FixedOffset::east_opt(0).expect("utc");
    let when = |field: &str, v: Option<&str>| -> Result<u64, String> {
        let s = v.ok_or_else(|| format!("{field}: missing"))?;
        time::parse_time(s, 0, utc).map_err(|e| format!("{field}: {e}"))
    };
    let time = when("time", Some(&r.time))?;
    let code_id: CodeId = r.code_id.parse().map_err(|e| format!("code_id: {e}"))?;
    crate::code::check_issuer(&r.issuer).map_err(|e| e.to_string())?;
    let what = match r.event {
        Event::Issued => {
            fn need<'a>(field: &str, v: Option<Text<'a>>) -> Result<Text<'a>, String> {
                v.ok_or_else(|| format!("{field}: missing"))
            }
            let currency = need("currency", r.currency)?;
            let currency = Currency::from_code(&currency)
                .ok_or_else(|| format!("currency: unknown {:?}", &*currency))?;
            What::Issued(IssuedFields {
                kind: r.kind.ok_or("kind: missing")?,
                amount: r
                    .amount
                    .filter(|&a| a > 0)
                    .ok_or("amount: missing or zero")?,
                currency,
                payee: need("payee", r.payee)?.0.into_owned(),
                reference: need("reference", r.reference)?.0.into_owned(),
                issued_at: when("issued_at", r.issued_at.as_deref())?,
                expires_at: when("expires_at", r.expires_at.as_deref())?,
                payload_sha256: match r.payload_sha256.as_deref() {
                    None => None,
                    Some(h) => {
                        Some(crate::code::parse_hex(h).ok_or("payload_sha256: not 64 hex digits")?)
                    }
                },
            })
        }
        Event::Redeemed => What::Redeemed(Redemption {
            seq: r.seq,
            time,
            txn: r.txn.map(|t| t.0.into_owned()),
            channel: r.channel.map(|t| t.0.into_owned()).unwrap_or_default(),
            source: r.source.map(|t| t.0.into_owned()),
        }),
    };
    Ok(Checked {
        seq: r.seq,
        code_id,
        issuer: r.issuer.0.into_owned(),
        what,
    })
}
