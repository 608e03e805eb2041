//! The book: the issued codes of the ledger, indexed for matching
//! settlement rows by code id and transaction id.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::code::currency::Currency;
use crate::code::{CodeId, KeyId};
use crate::ledger::{
    Cancelled, CodeKey, IssuedFields, Ledger, LedgerError, LedgerState, LockGuard, Loss,
    Redemption, What, issuer_tag,
};
use crate::reconcile::settlement::{Payment, Settlement};

/// Multiply-rotate hashing (the Fx hash of rustc) for the code-id and
/// transaction-id maps: SipHash's flooding resistance buys nothing for
/// keys from one's own ledger and provider file, and at a million rows it
/// was the largest single cost of a run.
#[derive(Default)]
pub(super) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(b));
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The transaction id recorded for a settlement row: its own, or
/// "<source>:<line>" when the file has none, so that a rerun over the
/// same file finds it again.
pub(super) fn txn_key(p: &Payment, file: &Settlement) -> String {
    match &p.txn_id {
        Some(t) => t.to_string(),
        None => format!("{}:{}", file.source, p.line),
    }
}

/// What reconciliation needs of the ledger, compact: ~70 bytes an issued
/// code where the full [`LedgerState`] keeps ~300 (and builds lookups
/// reconciliation does not use), so a million codes and a million
/// settlement rows fit in a few hundred MB. Read it with [`Book::load`];
/// every ledger line is checked as by a full load.
#[derive(Debug, Default)]
pub struct Book {
    /// Issued codes in ledger order.
    pub(super) codes: Vec<BookCode>,
    /// Every reference, one after the other; a code's ends at its `text_end`.
    pub(super) text: String,
    /// Distinct issuers and currencies, which codes name by position.
    pub(super) issuers: Vec<String>,
    pub(super) currencies: Vec<Currency>,
    /// (code id, position) sorted by id, and where ids starting with each
    /// two-byte prefix begin in it: a lookup is one table read and a short
    /// search, not twenty steps over a million entries.
    pub(super) by_code: Vec<(u64, u32)>,
    pub(super) prefix_start: Vec<u32>,
    /// The tag ([`issuer_tag`]) of each of `issuers`: redemptions and
    /// replacements are keyed by (issuer, code id).
    pub(super) issuer_tags: Vec<u64>,
    pub(super) redeemed: HashMap<CodeKey, Redemption>,
    /// Codes replaced by a reissue → the code replacing them.
    pub(super) replaced: HashMap<CodeKey, CodeId>,
    /// Issued codes (positions) their issuer cancelled, one by one or by
    /// an all-before cancellation of their key.
    cancelled: HashSet<u32>,
    /// Losses the ledger records (`lost` records): reported, so that a
    /// reconciliation never looks complete over records known missing.
    pub losses: Vec<Loss>,
    /// Issuer lookups while loading (not kept after).
    pub(super) issuer_ids: FxMap<String, u32>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct BookCode {
    pub(super) code_id: CodeId,
    pub(super) amount: u64,
    pub(super) expires_at: u64,
    pub(super) text_end: u64,
    pub(super) issuer: u32,
    pub(super) currency: u16,
}

/// The terms of an issued code.
pub(super) struct Terms {
    pub(super) amount: u64,
    pub(super) currency: Currency,
    pub(super) expires_at: u64,
}

/// An issued code as reconciliation sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuedCode<'a> {
    pub code_id: CodeId,
    pub issuer: &'a str,
    pub reference: &'a str,
    pub amount: u64,
    pub currency: Currency,
    pub expires_at: u64,
}

/// More codes, issuers or currencies than a book indexes (2^32 codes,
/// 2^16 currencies): a limit of the book, not a fault in the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many codes for one reconciliation")]
pub struct TooManyCodes;

impl Book {
    /// Reads and checks every record of the ledger (see
    /// [`Ledger::load_each`]) and keeps what reconciliation needs: the
    /// issued codes and every redemption.
    pub fn load(ledger: &Ledger, lock: &LockGuard) -> Result<Book, LedgerError> {
        let path = ledger.path().display().to_string();
        Book::load_with(&path, |each| ledger.load_each(lock, each))
    }

    /// The book of any ledger ([`crate::ledger::Backend`]): a PostgreSQL
    /// ledger streams its records through in bounded memory, as a file's
    /// are read.
    pub fn load_backend(ledger: &crate::ledger::Backend) -> Result<Book, LedgerError> {
        Book::load_with(&ledger.name(), |each| ledger.load_each(each))
    }

    /// The book of the records `load` hands to its callback, in order.
    fn load_with(
        name: &str,
        load: impl FnOnce(
            &mut (dyn FnMut(&crate::ledger::Checked) + Send),
        ) -> Result<LedgerState, LedgerError>,
    ) -> Result<Book, LedgerError> {
        let mut book = Book::default();
        let mut failed = None;
        let mut replaced = HashMap::new();
        // (position, key, issue time) of every code, for all-before
        // cancellations, which may come after the codes they cancel.
        let mut keyed: Vec<(u32, Option<KeyId>, u64)> = Vec::new();
        let mut state = load(&mut |c: &crate::ledger::Checked| {
            if let (What::Issued(f), None) = (&c.what, &failed) {
                failed = book.push(c.code_id, &c.issuer, f).err();
                keyed.push((
                    book.codes.len().saturating_sub(1) as u32,
                    f.key_id,
                    f.issued_at,
                ));
                if let Some(old) = f.replaces {
                    replaced.insert(CodeKey { id: old, ..c.key }, c.code_id);
                }
            }
        })?;
        if let Some(e) = failed {
            return Err(LedgerError::Conflict {
                path: name.into(),
                reason: Box::new(e.to_string().into()),
            });
        }
        book.redeemed = std::mem::take(&mut state.redeemed);
        book.replaced = replaced;
        book.losses = std::mem::take(&mut state.losses);
        book.seal();
        book.cancel(&state.cancelled, keyed);
        Ok(book)
    }

    /// Notes which codes the ledger's cancellations cover.
    fn cancel(
        &mut self,
        cancelled: &HashMap<CodeKey, Cancelled>,
        keyed: Vec<(u32, Option<KeyId>, u64)>,
    ) {
        if cancelled.is_empty() {
            return;
        }
        for i in 0..self.codes.len() as u32 {
            if cancelled.contains_key(&self.key(i)) {
                self.cancelled.insert(i);
            }
        }
        let rules: Vec<(u64, KeyId, u64)> = cancelled
            .iter()
            .filter_map(|(k, c)| Some((k.issuer, c.key_id, c.before.as_ref()?.0)))
            .collect();
        if rules.is_empty() {
            return;
        }
        for (i, kid, at) in keyed {
            let tag = self.issuer_tags[self.codes[i as usize].issuer as usize];
            if rules
                .iter()
                .any(|&(t, k, before)| t == tag && Some(k) == kid && at < before)
            {
                self.cancelled.insert(i);
            }
        }
    }

    /// Whether issued code `i` was cancelled by its issuer.
    pub fn is_cancelled(&self, i: u32) -> bool {
        self.cancelled.contains(&i)
    }

    /// The book of a state loaded in full.
    pub fn from_state(state: &LedgerState) -> Result<Book, TooManyCodes> {
        let mut book = Book::default();
        for c in &state.issued {
            let f = IssuedFields {
                kind: c.kind,
                amount: c.amount,
                currency: c.currency,
                payee: String::new(),
                reference: c.reference.clone(),
                issued_at: c.issued_at,
                expires_at: c.expires_at,
                payload_sha256: None,
                replaces: c.replaces,
                key_id: c.key_id,
            };
            book.push(c.code_id, &c.issuer, &f)?;
        }
        book.redeemed = state.redeemed.clone();
        book.replaced = state.replaced.iter().map(|(k, r)| (*k, r.by)).collect();
        book.losses = state.losses.clone();
        book.seal();
        let keyed = (0..)
            .zip(&state.issued)
            .map(|(i, c)| (i, c.key_id, c.issued_at));
        book.cancel(&state.cancelled, keyed.collect());
        Ok(book)
    }

    pub(super) fn push(
        &mut self,
        code_id: CodeId,
        issuer: &str,
        f: &IssuedFields,
    ) -> Result<(), TooManyCodes> {
        let too_many = || TooManyCodes;
        let issuer = match self.issuer_ids.get(issuer) {
            Some(&i) => i,
            None => {
                let i = u32::try_from(self.issuers.len()).map_err(|_| too_many())?;
                self.issuers.push(issuer.to_string());
                self.issuer_tags.push(issuer_tag(issuer));
                self.issuer_ids.insert(issuer.to_string(), i);
                i
            }
        };
        let currency = match self.currencies.iter().position(|c| *c == f.currency) {
            Some(i) => i,
            None => {
                self.currencies.push(f.currency);
                self.currencies.len() - 1
            }
        };
        self.text.push_str(&f.reference);
        self.codes.push(BookCode {
            code_id,
            amount: f.amount,
            expires_at: f.expires_at,
            text_end: self.text.len() as u64,
            issuer,
            currency: u16::try_from(currency).map_err(|_| too_many())?,
        });
        u32::try_from(self.codes.len()).map_err(|_| too_many())?;
        Ok(())
    }

    /// Builds the lookup by code id once every code is in.
    pub(super) fn seal(&mut self) {
        self.issuer_ids = FxMap::default();
        self.codes.shrink_to_fit();
        self.text.shrink_to_fit();
        // Ids as big-endian numbers sort as the ids do.
        let by_code: Vec<(u64, u32)> = self
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| (u64::from_be_bytes(c.code_id.0), i as u32))
            .collect();
        let (by_code, starts) = bucket_sort(by_code, |e| e.0);
        self.by_code = by_code;
        self.prefix_start = starts;
    }

    /// How many codes were issued.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Issued code `i` (in ledger order).
    pub fn code(&self, i: u32) -> IssuedCode<'_> {
        let c = &self.codes[i as usize];
        let start = match i {
            0 => 0,
            _ => self.codes[i as usize - 1].text_end as usize,
        };
        IssuedCode {
            code_id: c.code_id,
            issuer: &self.issuers[c.issuer as usize],
            reference: &self.text[start..c.text_end as usize],
            amount: c.amount,
            currency: self.currencies[usize::from(c.currency)],
            expires_at: c.expires_at,
        }
    }

    /// What a payment of code `i` is checked against.
    pub(super) fn terms(&self, i: u32) -> Terms {
        let c = &self.codes[i as usize];
        Terms {
            amount: c.amount,
            currency: self.currencies[usize::from(c.currency)],
            expires_at: c.expires_at,
        }
    }

    /// The positions of the issued codes with this id, of every issuer
    /// (ids are unique per issuer only), in ledger order.
    pub fn positions(&self, id: &CodeId) -> Vec<u32> {
        let id = u64::from_be_bytes(id.0);
        let p = (id >> 48) as usize;
        let (Some(&lo), Some(&hi)) = (self.prefix_start.get(p), self.prefix_start.get(p + 1))
        else {
            return Vec::new();
        };
        let run = self.by_code.get(lo as usize..hi as usize).unwrap_or(&[]);
        let at = run.partition_point(|e| e.0 < id);
        run[at..]
            .iter()
            .take_while(|e| e.0 == id)
            .map(|e| e.1)
            .collect()
    }

    /// The position of the issued code with this id, when exactly one
    /// issuer issued it.
    pub fn position(&self, id: &CodeId) -> Option<u32> {
        match self.positions(id)[..] {
            [i] => Some(i),
            _ => None,
        }
    }

    /// The (issuer, code id) of issued code `i`.
    pub fn key(&self, i: u32) -> CodeKey {
        let c = &self.codes[i as usize];
        CodeKey {
            id: c.code_id,
            issuer: self.issuer_tags[c.issuer as usize],
        }
    }

    pub fn redemption(&self, key: &CodeKey) -> Option<&Redemption> {
        self.redeemed.get(key)
    }

    /// The code that replaced issued code `i`, if a reissue did.
    pub fn replaced_by(&self, i: u32) -> Option<CodeId> {
        self.replaced.get(&self.key(i)).copied()
    }
}

/// Sorts `items` by `key` (then by the whole item): into 65,536 buckets by
/// the key's top 16 bits, then each (small, for keys spread like hashes
/// or random ids) bucket on its own. Also returns where each bucket
/// starts (65,537 entries). A million items take a few ms, where a
/// comparison sort took ~100.
pub(super) fn bucket_sort<T: Copy + Ord + Send>(
    items: Vec<T>,
    key: impl Fn(&T) -> u64,
) -> (Vec<T>, Vec<u32>) {
    use rayon::prelude::*;
    let bucket = |t: &T| (key(t) >> 48) as usize;
    let mut starts = vec![0u32; (1 << 16) + 1];
    for t in &items {
        starts[bucket(t) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut at: Vec<u32> = starts[..1 << 16].to_vec();
    let mut sorted = items.clone();
    for t in items {
        let b = bucket(&t);
        sorted[at[b] as usize] = t;
        at[b] += 1;
    }
    let mut rest = &mut sorted[..];
    let mut buckets = Vec::with_capacity(1 << 16);
    for w in starts.windows(2) {
        let (this, tail) = rest.split_at_mut((w[1] - w[0]) as usize);
        buckets.push(this);
        rest = tail;
    }
    buckets
        .par_iter_mut()
        .with_min_len(256)
        .for_each(|b| b.sort_unstable());
    (sorted, starts)
}

/// A 64-bit hash of a transaction id and whether it is a refund: 8 bytes
/// at a time, each word mixed in with the splitmix64 finalizer. (The Fx
/// hash gave ids that differ in a few digits the same value by the
/// hundred thousand.)
pub(super) fn txn_hash(t: &str, refund: bool) -> u64 {
    pub(super) fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    let mut h = mix(u64::from(refund) | (t.len() as u64) << 1);
    for chunk in t.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = mix(h.wrapping_add(0x9e37_79b9_7f4a_7c15) ^ u64::from_le_bytes(word));
    }
    h
}
