//! What the ledger says, checked and indexed in memory.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash as _, Hasher};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::chain::{GENESIS, Hash};
use super::checked::{Cancelled, Loss, Redemption, cancel_what, check};
use super::error::StateError;
// Named through the state by the database backend (ledger/postgres/) too.
pub(super) use super::checked::{Checked, CodeKey, What, rule_key};
use super::record::{RawRecord, Record};
use crate::code::currency::Currency;
use crate::code::{CodeId, KeyId, Kind};

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
    /// The code this one replaces (`payqr issue --reissue`).
    pub replaces: Option<CodeId>,
    /// The key that signed it (for all-before cancellations).
    pub key_id: Option<KeyId>,
}
/// A code replaced by a reissue: the code that replaces it (its direct
/// successor, which may itself be replaced later) and the seq of that
/// code's `issued` record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    pub by: CodeId,
    pub seq: u64,
}
/// Everything the ledger says, indexed. From [`super::Ledger::load_codes`]
/// it holds only the codes asked for, but counts every record.
#[derive(Debug)]
pub struct LedgerState {
    /// Issued codes in ledger order (empty in a references-only state).
    pub issued: Vec<Issued>,
    /// (Issuer, code id) → position in `issued`, or the issuing record's
    /// seq in a references-only state (20 bytes a code: at 1,000,000 codes
    /// every byte here is a megabyte of a full load's ≤ 300 MB).
    by_code: Sorted<CodeKey>,
    /// (issuer, reference) by a 32-bit hash, checked against `issued` on
    /// lookup: 1M references as owned string pairs would cost ~100 MB.
    by_reference: Sorted<u32>,
    pub redeemed: HashMap<CodeKey, Redemption>,
    /// Codes replaced by a reissue, and by which code.
    pub replaced: HashMap<CodeKey, Replacement>,
    /// Cancelled codes, and all-before cancellations under [`rule_key`].
    pub cancelled: HashMap<CodeKey, Cancelled>,
    /// Losses recorded in the ledger (`lost` records), in ledger order.
    pub losses: Vec<Loss>,
    pub records: u64,
    /// Whether the file ends in a partial line (ignored, reported).
    pub torn_tail: bool,
    /// Where the next record goes: bytes through the last complete line.
    pub(super) end: u64,
    /// The hash of the last complete record's line (the next one's `prev`).
    pub(super) last_hash: Hash,
    /// Only these codes are kept (a partial state); `None` keeps all.
    pub(super) only: Option<HashSet<CodeKey>>,
    /// A references-only state (see [`super::Ledger::load_references`]):
    /// no `issued` records and no redemptions, just which code each
    /// (issuer, reference) got, in `refs`.
    pub(super) refs_only: bool,
    /// (SHA-256 of issuer and reference, truncated; (seq, code id)) in a
    /// references-only state: 32 bytes a code.
    refs: Sorted<[u8; 16], (u64, CodeId)>,
    /// Redeemed codes (with the redemption's seq) in a references-only
    /// state, which keeps no redemption itself: a reissue must know
    /// whether the code it replaces was paid.
    redeemed_refs: Sorted<CodeKey, u64>,
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
            replaced: HashMap::new(),
            cancelled: HashMap::new(),
            losses: Vec::new(),
            records: 0,
            torn_tail: false,
            end: 0,
            last_hash: GENESIS,
            only: None,
            refs_only: false,
            refs: Sorted::default(),
            redeemed_refs: Sorted::default(),
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
    pub fn issued(&self, key: &CodeKey) -> Option<&Issued> {
        if self.refs_only {
            return None;
        }
        let i = self.by_code.range(*key).first()?.1;
        Some(&self.issued[i as usize])
    }

    /// Whether the state has seen the code issued (in any kind of state
    /// that kept the code).
    pub fn knows_code(&self, key: &CodeKey) -> bool {
        !self.by_code.range(*key).is_empty()
    }

    /// The redemption of a code (never in a references-only state, which
    /// knows only [`LedgerState::is_redeemed`]).
    pub fn redemption(&self, key: &CodeKey) -> Option<&Redemption> {
        self.redeemed.get(key)
    }

    /// Whether the code was redeemed, in any kind of state that kept it.
    pub fn is_redeemed(&self, key: &CodeKey) -> bool {
        self.redeemed.contains_key(key) || !self.redeemed_refs.range(*key).is_empty()
    }

    /// The cancellation that applies to a code: its own, or an all-before
    /// cancellation of its key covering its issue time. Needs the code's
    /// key and its key's [`rule_key`] loaded.
    pub fn cancellation(
        &self,
        issuer: &str,
        key_id: KeyId,
        code_id: CodeId,
        issued_at: u64,
    ) -> Option<&Cancelled> {
        if let Some(c) = self.cancelled.get(&CodeKey::of(issuer, code_id)) {
            return Some(c);
        }
        self.cancelled
            .get(&rule_key(issuer, key_id))
            .filter(|c| c.before.as_ref().is_some_and(|b| issued_at < b.0))
    }

    /// The code that replaced this one, if a reissue did.
    pub fn replaced_by(&self, key: &CodeKey) -> Option<&Replacement> {
        self.replaced.get(key)
    }

    /// References paid more than once through a chain of reissues (a code
    /// and the code replacing it both redeemed), from a full load: each
    /// as the redeemed codes of the chain, oldest first. payqr refuses
    /// both steps that lead there (reissuing a paid code, redeeming a
    /// replaced one); this finds ledgers written before it did.
    pub fn double_payments(&self) -> Vec<Vec<&Issued>> {
        let mut chains: HashMap<CodeKey, Vec<&Issued>> = HashMap::new();
        for key in self.redeemed.keys() {
            let Some(mut c) = self.issued(key) else {
                continue;
            };
            let paid = c;
            // Back to the first code of the chain (bounded: a cycle would
            // need a code replacing one issued after it).
            for _ in 0..=self.issued.len() {
                match c
                    .replaces
                    .and_then(|id| self.issued(&CodeKey::of(&c.issuer, id)))
                {
                    Some(p) if p.seq < c.seq => c = p,
                    _ => break,
                }
            }
            chains
                .entry(CodeKey::of(&c.issuer, c.code_id))
                .or_default()
                .push(paid);
        }
        let mut twice: Vec<Vec<&Issued>> = chains.into_values().filter(|v| v.len() > 1).collect();
        for v in &mut twice {
            v.sort_by_key(|c| c.seq);
        }
        twice.sort_by_key(|v| v[0].seq);
        twice
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
    pub(super) fn seal(&mut self) -> Result<(), (u64, StateError)> {
        self.by_reference.seal();
        self.refs.seal();
        if let Some(seq) = self.redeemed_refs.seal() {
            let id = self.redeemed_refs.items.iter().find(|e| e.1 == seq);
            let code = id.map(|e| e.0.id);
            return Err((seq, StateError::RedeemedTwiceSorted { code }));
        }
        let Some(v) = self.by_code.seal() else {
            return Ok(());
        };
        if self.refs_only {
            let code = self.by_code.items.iter().find(|e| e.1 == v).map(|e| e.0.id);
            return Err((u64::from(v), StateError::IssuedTwice { code }));
        }
        let c = &self.issued[v as usize];
        let code = Some(c.code_id);
        Err((c.seq, StateError::IssuedTwice { code }))
    }

    fn keeps(&self, key: &CodeKey) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(key))
    }

    /// Checks one record against the state and applies it.
    pub(super) fn apply(&mut self, r: Record) -> Result<(), StateError> {
        self.check_seq(r.seq)?;
        self.insert(r)?;
        self.records += 1;
        Ok(())
    }

    /// Whether `seq` is the next record's number.
    pub(super) fn check_seq(&self, seq: u64) -> Result<(), StateError> {
        if seq != self.next_seq() {
            return Err(StateError::Seq {
                found: seq,
                expected: self.next_seq(),
            });
        }
        Ok(())
    }

    /// Checks a record's fields and, if the state keeps its code, records
    /// it (no sequence check: the index hands records over out of order).
    pub(super) fn insert(&mut self, r: Record) -> Result<(), StateError> {
        self.place(check(RawRecord::from(r))?)
    }

    /// Records a checked record if the state keeps its code.
    pub(super) fn place(&mut self, c: Checked) -> Result<(), StateError> {
        let (key, code_id) = (c.key, c.code_id);
        match c.what {
            What::Issued(f) => {
                if let Some(old) = f.replaces {
                    // Kept with the code replaced, whether or not this
                    // state keeps the new one: that is what a redemption
                    // of the old code must find.
                    let old = CodeKey { id: old, ..key };
                    if old == key {
                        return Err(StateError::ReplacesItself(code_id));
                    }
                    if self.keeps(&old) {
                        let by = Replacement {
                            by: code_id,
                            seq: c.seq,
                        };
                        if let Some(first) = self.replaced.insert(old, by) {
                            return Err(StateError::ReplacedTwice {
                                code: old.id,
                                first_by: first.by,
                                first_seq: first.seq,
                            });
                        }
                    }
                }
                if !self.keeps(&key) {
                    return Ok(());
                }
                // A second issue of the id is found by seal().
                if self.refs_only {
                    let digest = reference_digest(&c.issuer, &f.reference);
                    self.refs.push(digest, (c.seq, code_id));
                    let seq = u32::try_from(c.seq).map_err(|_| StateError::TooManyRecords)?;
                    self.by_code.push(key, seq);
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
                    replaces: f.replaces,
                    key_id: f.key_id,
                    issuer: share(&mut self.shared.0, c.issuer),
                };
                let i = u32::try_from(self.issued.len()).map_err(|_| StateError::TooManyCodes)?;
                let rk = reference_key(&issued.issuer, &issued.reference);
                self.by_reference.push(rk, i);
                self.by_code.push(key, i);
                self.issued.push(issued);
            }
            What::Redeemed(redemption) => {
                if !self.keeps(&key) {
                    return Ok(());
                }
                if self.refs_only {
                    // A second redemption is found by seal().
                    self.redeemed_refs.push(key, redemption.seq);
                    return Ok(());
                }
                if let Some(prev) = self.redeemed.get(&key) {
                    return Err(StateError::RedeemedTwice {
                        code: code_id,
                        first_seq: prev.seq,
                    });
                }
                self.redeemed.insert(key, redemption);
            }
            What::Lost(loss) => self.losses.push(*loss),
            What::Cancelled(c) => {
                if !self.keeps(&key) {
                    return Ok(());
                }
                if let Some(prev) = self.cancelled.get(&key) {
                    return Err(StateError::CancelledTwice {
                        what: cancel_what(code_id, &c),
                        first_seq: prev.seq,
                    });
                }
                self.cancelled.insert(key, *c);
            }
        }
        Ok(())
    }
}

/// The first code issued twice among (code, position) pairs, as
/// [`LedgerState::seal`] names it: its later position.
pub(super) fn issued_twice(ids: Vec<(CodeKey, u32)>) -> Option<(CodeKey, u32)> {
    let mut sorted = Sorted {
        items: ids,
        sorted: 0,
    };
    let i = sorted.seal()?;
    sorted.items.into_iter().find(|e| e.1 == i)
}

#[cfg(test)]
mod tests;
