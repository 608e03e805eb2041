//! What the ledger says, checked and indexed in memory.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash as _, Hasher};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::line::{GENESIS, Hash};
use super::record::{Event, RawRecord, Record, Text};
use crate::code::{CodeId, Kind};
use crate::currency::Currency;
use crate::time;

/// A code as the ledger knows it from its `issued` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub seq: u64,
    /// Shared with the codes before it of the same issuer (and `payee`
    /// likewise): a ledger holds a handful of distinct values, and an
    /// allocation each would be ~50 MB at 1,000,000 codes.
    pub issuer: Arc<str>,
    pub code_id: CodeId,
    pub kind: Kind,
    pub amount: u64,
    pub currency: Currency,
    pub payee: Arc<str>,
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
    /// Issued codes in ledger order (empty in a references-only state).
    pub issued: Vec<Issued>,
    /// Code id → position in `issued`, or the issuing record's seq in a
    /// references-only state (12 bytes a code: at 1,000,000 codes every
    /// byte here is a megabyte of a full load's ≤ 300 MB).
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
    /// A references-only state (see [`super::Ledger::load_references`]):
    /// no `issued` records and no redemptions, just which code each
    /// (issuer, reference) got, in `refs`.
    pub(super) refs_only: bool,
    /// (SHA-256 of issuer and reference, truncated; (seq, code id)) in a
    /// references-only state: 32 bytes a code.
    refs: Sorted<[u8; 16], (u64, CodeId)>,
    /// The issuer and payee of the last code placed, to share.
    shared: (Option<Arc<str>>, Option<Arc<str>>),
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
            refs_only: false,
            refs: Sorted::default(),
            shared: (None, None),
        }
    }
}

/// (key, value) pairs kept sorted for binary search: 16 bytes a code for
/// `by_code`, where a HashMap at 1M codes takes ~34 MB. New pairs are
/// pushed unsorted and merged in by `seal`.
#[derive(Debug)]
struct Sorted<K, V = u32> {
    items: Vec<(K, V)>,
    sorted: usize,
}

impl<K, V> Default for Sorted<K, V> {
    fn default() -> Sorted<K, V> {
        Sorted {
            items: Vec::new(),
            sorted: 0,
        }
    }
}

impl<K: Ord + Copy, V: Ord + Copy> Sorted<K, V> {
    fn push(&mut self, key: K, v: V) {
        self.items.push((key, v));
    }

    fn range(&self, key: K) -> &[(K, V)] {
        debug_assert_eq!(self.sorted, self.items.len(), "lookup before seal");
        let lo = self.items.partition_point(|e| e.0 < key);
        let hi = lo + self.items[lo..].partition_point(|e| e.0 == key);
        &self.items[lo..hi]
    }

    /// Sorts new pairs in; returns the greater value of a key that is now
    /// there twice, if any (the least such, when there are several).
    fn seal(&mut self) -> Option<V> {
        let base = self.sorted;
        if self.items.len() == base {
            return None;
        }
        // Sort the new pairs alone and merge them in from the back, in
        // place: a batch that appends a chunk at a time to a million codes
        // then costs one linear pass per chunk, not a sort of everything.
        let mut fresh = self.items.split_off(base);
        fresh.sort_unstable();
        let first = fresh[0];
        self.items.resize(base + fresh.len(), first);
        let (mut i, mut k) = (base, self.items.len());
        while let Some(&f) = fresh.last() {
            k -= 1;
            if i > 0 && self.items[i - 1] > f {
                self.items[k] = self.items[i - 1];
                i -= 1;
            } else {
                self.items[k] = f;
                fresh.pop();
            }
        }
        self.sorted = self.items.len();
        self.items
            .windows(2)
            .filter(|w| w[0].0 == w[1].0)
            .map(|w| w[0].1.max(w[1].1))
            .min()
    }
}

/// `s` as the shared string in `last` if equal, else as the new one.
fn share(last: &mut Option<Arc<str>>, s: String) -> Arc<str> {
    match last {
        Some(l) if **l == *s => Arc::clone(l),
        _ => Arc::clone(last.insert(Arc::from(s))),
    }
}

/// The key of (issuer, reference) in a references-only state. A
/// cryptographic hash, not `reference_key`'s 32 bits: that state keeps no
/// strings to check a match against, and a collision there would skip a
/// row of a batch as already issued. 128 bits of SHA-256 make one as
/// unlikely as forging a signature.
fn reference_digest(issuer: &str, reference: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update((issuer.len() as u64).to_le_bytes());
    h.update(issuer.as_bytes());
    h.update(reference.as_bytes());
    let d = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
    k
}

fn reference_key(issuer: &str, reference: &str) -> u32 {
    let mut h = DefaultHasher::new();
    (issuer, reference).hash(&mut h);
    h.finish() as u32
}

impl LedgerState {
    /// The issued record of a code (never in a references-only state).
    pub fn issued(&self, id: &CodeId) -> Option<&Issued> {
        if self.refs_only {
            return None;
        }
        let i = self.by_code.range(*id).first()?.1;
        Some(&self.issued[i as usize])
    }

    /// Whether the state has seen the code issued (in any kind of state
    /// that kept the code).
    pub fn knows_code(&self, id: &CodeId) -> bool {
        !self.by_code.range(*id).is_empty()
    }

    pub fn redemption(&self, id: &CodeId) -> Option<&Redemption> {
        self.redeemed.get(id)
    }

    pub fn code_for_reference(&self, issuer: &str, reference: &str) -> Option<CodeId> {
        // The latest code for a reference wins.
        if self.refs_only {
            let key = reference_digest(issuer, reference);
            return self.refs.range(key).iter().map(|e| e.1).max().map(|v| v.1);
        }
        self.by_reference
            .range(reference_key(issuer, reference))
            .iter()
            .map(|&(_, i)| &self.issued[i as usize])
            .filter(|c| &*c.issuer == issuer && c.reference == reference)
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
        self.refs.seal();
        let Some(v) = self.by_code.seal() else {
            return Ok(());
        };
        if self.refs_only {
            let id = self.by_code.items.iter().find(|e| e.1 == v).map(|e| e.0);
            let id = id.map(|id| id.to_string()).unwrap_or_default();
            return Err((u64::from(v), format!("code {id} issued twice")));
        }
        let c = &self.issued[v as usize];
        Err((c.seq, format!("code {} issued twice", c.code_id)))
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
                if !self.keeps(&code_id) {
                    return Ok(());
                }
                // A second issue of the id is found by seal().
                if self.refs_only {
                    let key = reference_digest(&c.issuer, &f.reference);
                    self.refs.push(key, (c.seq, code_id));
                    let seq = u32::try_from(c.seq).map_err(|_| "too many records")?;
                    self.by_code.push(code_id, seq);
                    return Ok(());
                }
                let issued = Issued {
                    seq: c.seq,
                    code_id,
                    kind: f.kind,
                    amount: f.amount,
                    currency: f.currency,
                    payee: share(&mut self.shared.1, f.payee),
                    reference: f.reference,
                    issued_at: f.issued_at,
                    expires_at: f.expires_at,
                    payload_sha256: f.payload_sha256,
                    issuer: share(&mut self.shared.0, c.issuer),
                };
                let i = u32::try_from(self.issued.len()).map_err(|_| "too many codes")?;
                let key = reference_key(&issued.issuer, &issued.reference);
                self.by_reference.push(key, i);
                self.by_code.push(code_id, i);
                self.issued.push(issued);
            }
            What::Redeemed(redemption) => {
                if !self.keeps(&code_id) || self.refs_only {
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
    if let Some(judged) = r.judged_at.as_deref() {
        when("judged_at", Some(judged))?;
    }
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

#[cfg(test)]
mod tests {
    use super::Sorted;

    /// A tiny deterministic generator (xorshift): no test dependency.
    fn keys(seed: u64, n: usize) -> Vec<u32> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 5000) as u32
            })
            .collect()
    }

    #[test]
    fn sealing_in_chunks_matches_one_sort_and_finds_duplicates() {
        for chunk in [1, 3, 63, 64, 500, 4000] {
            let all = keys(chunk as u64 + 1, 4000);
            let mut s: Sorted<u32, u32> = Sorted::default();
            let mut first_dup = None;
            for (c, part) in all.chunks(chunk).enumerate() {
                for (j, &k) in part.iter().enumerate() {
                    s.push(k, (c * chunk + j) as u32);
                }
                let twice = s.seal();
                if first_dup.is_none() {
                    first_dup = twice;
                }
                assert!(s.items.windows(2).all(|w| w[0] <= w[1]), "chunk {chunk}");
            }
            let mut want: Vec<(u32, u32)> = all.iter().copied().zip(0..).collect();
            want.sort_unstable();
            assert_eq!(s.items, want, "chunk {chunk}");
            // 4,000 draws from 5,000 keys repeat early; the first seal
            // that saw a repeat names the later of a repeated pair.
            let dup = first_dup.expect("a repeated key");
            let k = all[dup as usize];
            assert!(all[..dup as usize].contains(&k), "chunk {chunk}: {dup}");
            let found: Vec<u32> = s.range(k).iter().map(|e| e.1).collect();
            assert!(found.len() >= 2 && found.contains(&dup));
        }
    }
}
