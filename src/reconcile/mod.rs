//! Reconciliation: every settlement row and every issued code gets a status.
//!
//! Rows are matched against the ledger by code id; the rows of one code are
//! taken in file order: parts of a partial payment add up until the code's
//! amount is reached, later payments are duplicates, refunds are netted.
//! Every issued code that no row names is then listed as unpaid or
//! redeemed elsewhere. Matched codes can be turned into redemption records
//! ([`apply_records`]); running that again adds nothing, because a
//! redemption this module wrote is recognised by its channel and the
//! provider's transaction id — also when the same payment shows up again
//! in the next day's file.
//!
//! A report row holds indexes into the ledger and the settlement files and
//! a compact [`Note`], not strings: a million rows stay small, and text is
//! only made when a row is written out ([`Report::view`]).

pub mod html;
pub mod settlement;

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Write};

use chrono::FixedOffset;
use serde::{Deserialize, Serialize, Serializer};

use crate::code::CodeId;
use crate::code::currency::{AmountError, Currency};
use crate::code::time;
use crate::ledger::{
    CodeKey, IssuedFields, Ledger, LedgerError, LedgerState, LockGuard, Loss, Record, Redemption,
    What, issuer_tag,
};
use crate::reconcile::settlement::{Payment, Settlement};
use crate::sanitize::for_report;

mod breakdown;
pub use breakdown::{Breakdown, Net};

/// The ledger channel of redemptions written by [`apply_records`].
pub const CHANNEL: &str = "settlement";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Matched,
    AmountMismatch,
    CurrencyMismatch,
    Duplicate,
    Late,
    AlreadyRedeemed,
    Unknown,
    Refunded,
    Repeated,
    UnpaidOpen,
    UnpaidExpired,
    RedeemedElsewhere,
    /// A payment to a code replaced by a reissue: the code to pay was
    /// another one, so the payment is never a match.
    Replaced,
    /// The row's code id was issued by more than one issuer in the ledger
    /// (code ids are unique per issuer only): which code was paid cannot
    /// be told from the row.
    Ambiguous,
}

impl Status {
    pub const ALL: [Status; 14] = [
        Status::Matched,
        Status::AmountMismatch,
        Status::CurrencyMismatch,
        Status::Duplicate,
        Status::Late,
        Status::AlreadyRedeemed,
        Status::Unknown,
        Status::Refunded,
        Status::Repeated,
        Status::UnpaidOpen,
        Status::UnpaidExpired,
        Status::RedeemedElsewhere,
        Status::Replaced,
        Status::Ambiguous,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Matched => "matched",
            Status::AmountMismatch => "amount_mismatch",
            Status::CurrencyMismatch => "currency_mismatch",
            Status::Duplicate => "duplicate",
            Status::Late => "late",
            Status::AlreadyRedeemed => "already_redeemed",
            Status::Unknown => "unknown",
            Status::Refunded => "refunded",
            Status::Repeated => "repeated",
            Status::UnpaidOpen => "unpaid_open",
            Status::UnpaidExpired => "unpaid_expired",
            Status::RedeemedElsewhere => "redeemed_elsewhere",
            Status::Replaced => "replaced",
            Status::Ambiguous => "ambiguous",
        }
    }

    /// Whether someone has to look at it. An open unpaid code may still be
    /// paid; a code redeemed through another channel with no settlement
    /// row is the normal case for counter payments; a refund that settles
    /// its payment leaves nothing to do; a repeated row is a payment the
    /// provider listed twice, not a second payment.
    pub fn is_discrepancy(self) -> bool {
        !matches!(
            self,
            Status::Matched
                | Status::UnpaidOpen
                | Status::RedeemedElsewhere
                | Status::Refunded
                | Status::Repeated
        )
    }

    /// Every status for which [`Status::is_discrepancy`] holds.
    pub fn discrepancies() -> Vec<Status> {
        Status::ALL
            .into_iter()
            .filter(|s| s.is_discrepancy())
            .collect()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Status, String> {
        let s = s.trim();
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Status::ALL.iter().map(|st| st.as_str()).collect();
                format!("{s:?} is not a status (one of: {})", names.join(", "))
            })
    }
}

/// Where a report row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Payment `index` of settlement file `file`.
    Settlement { file: u32, index: u32 },
    /// Issued code `index` of the ledger (in ledger order), with no row.
    Ledger { index: u32 },
}

/// Why a row has its status, in a few bytes; [`Report::view`] words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    None,
    NotCodeId,
    NotIssued,
    /// The code is in another currency than the payment.
    OtherCurrency,
    BadAmount(Box<AmountError>),
    /// Short by this many minor units; row `k` of the `parts` rows paid.
    Underpaid {
        short: u64,
        k: u32,
        parts: u32,
    },
    /// Over by this many minor units; row `k` of the `parts` rows paid.
    Overpaid {
        over: u64,
        k: u32,
        parts: u32,
    },
    /// Part `k` of `n` rows that add up to the amount.
    Part {
        k: u32,
        n: u32,
    },
    /// The code was already paid by the row on this line of this file.
    PaidOn {
        file: u32,
        line: u64,
    },
    /// Seconds after expiry.
    Late(u64),
    /// A redemption in the ledger from another payment or channel.
    Redeemed,
    /// An earlier apply of this very payment (this file, or an earlier one
    /// carrying the same transaction id).
    Applied,
    Refund,
    /// Paid back by the refund on this line.
    RefundedOn {
        file: u32,
        line: u64,
    },
    /// The refunds of the code do not add up to what was overpaid or paid.
    RefundMismatch,
    /// The same transaction id was listed on this line before.
    RepeatOf {
        file: u32,
        line: u64,
    },
    ExpiredAgo(u64),
    ExpiresIn(u64),
    /// Replaced by this code (its direct successor) in a reissue.
    ReplacedBy(CodeId),
    /// Issued by this many issuers.
    Ambiguous(u32),
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub status: Status,
    pub source: Source,
    /// The issued code the row is about (index into `LedgerState::issued`).
    pub code: Option<u32>,
    pub note: Note,
    /// Whether this row carries its code's expected amount: one row per
    /// code does (see [`classify_code`]), so totals count it once.
    pub expected: bool,
}

/// Totals of one status in one currency (`None`: rows with no known currency).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Total {
    pub status: Status,
    pub currency: Option<String>,
    pub count: u64,
    /// Net money in: refunds count negative, so the totals of a file agree
    /// with the provider's own net figures.
    pub paid_minor: i128,
    pub expected_minor: u64,
    /// Net fees charged: a fee given back with a refund counts negative.
    pub fee_minor: i128,
}

/// Totals per status and currency, in status order. Minor units of
/// different currencies are never added together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub totals: Vec<Total>,
}

impl Summary {
    /// Rows with this status, in all currencies.
    pub fn count(&self, status: Status) -> u64 {
        self.totals
            .iter()
            .filter(|t| t.status == status)
            .map(|t| t.count)
            .sum()
    }
}

/// A total that a [`Total`] (minor units in a `u64`) cannot hold: the
/// report fails rather than show a wrong sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalTooLarge {
    pub status: Status,
    pub currency: Option<Currency>,
    /// "paid", "expected" or "fee".
    pub what: &'static str,
    /// The exact sum, in minor units.
    pub sum: i128,
}

impl fmt::Display for TotalTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sum, max, unit) = match self.currency {
            Some(c) => (
                decimal(self.sum, c.exponent),
                c.format_amount(u64::MAX),
                c.code,
            ),
            None => (self.sum.to_string(), u64::MAX.to_string(), "minor units"),
        };
        write!(
            f,
            "the {} total of {} rows is {sum} {unit}, more than a report total can hold \
             ({max} {unit}); nothing was reported",
            self.what, self.status
        )
    }
}

impl std::error::Error for TotalTooLarge {}

/// Minor units as a major-unit decimal, for sums past a `u64`.
fn decimal(minor: i128, exponent: u8) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let digits = minor.unsigned_abs().to_string();
    let e = usize::from(exponent);
    if e == 0 {
        return format!("{sign}{digits}");
    }
    let digits = format!("{digits:0>width$}", width = e + 1);
    let (int, frac) = digits.split_at(digits.len() - e);
    format!("{sign}{int}.{frac}")
}

/// The classification of some settlement files against the issued codes.
pub struct Report<'a> {
    pub book: &'a Book,
    pub files: &'a [Settlement],
    /// Settlement rows in file order, then unpaid codes in ledger order.
    pub rows: Vec<Row>,
    pub summary: Summary,
    /// Unpaid codes are judged open or expired as of this time.
    pub at: u64,
}

/// Multiply-rotate hashing (the Fx hash of rustc) for the code-id and
/// transaction-id maps: SipHash's flooding resistance buys nothing for
/// keys from one's own ledger and provider file, and at a million rows it
/// was the largest single cost of a run.
#[derive(Default)]
struct FxHasher(u64);

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

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The transaction id recorded for a settlement row: its own, or
/// "<source>:<line>" when the file has none, so that a rerun over the
/// same file finds it again.
fn txn_key(p: &Payment, file: &Settlement) -> String {
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
    codes: Vec<BookCode>,
    /// Every reference, one after the other; a code's ends at its `text_end`.
    text: String,
    /// Distinct issuers and currencies, which codes name by position.
    issuers: Vec<String>,
    currencies: Vec<Currency>,
    /// (code id, position) sorted by id, and where ids starting with each
    /// two-byte prefix begin in it: a lookup is one table read and a short
    /// search, not twenty steps over a million entries.
    by_code: Vec<(u64, u32)>,
    prefix_start: Vec<u32>,
    /// The tag ([`issuer_tag`]) of each of `issuers`: redemptions and
    /// replacements are keyed by (issuer, code id).
    issuer_tags: Vec<u64>,
    redeemed: HashMap<CodeKey, Redemption>,
    /// Codes replaced by a reissue → the code replacing them.
    replaced: HashMap<CodeKey, CodeId>,
    /// Losses the ledger records (`lost` records): reported, so that a
    /// reconciliation never looks complete over records known missing.
    pub losses: Vec<Loss>,
    /// Issuer lookups while loading (not kept after).
    issuer_ids: FxMap<String, u32>,
}

#[derive(Debug, Clone, Copy)]
struct BookCode {
    code_id: CodeId,
    amount: u64,
    expires_at: u64,
    text_end: u64,
    issuer: u32,
    currency: u16,
}

/// The terms of an issued code.
struct Terms {
    amount: u64,
    currency: Currency,
    expires_at: u64,
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

impl Book {
    /// Reads and checks every record of the ledger (see
    /// [`Ledger::load_each`]) and keeps what reconciliation needs: the
    /// issued codes and every redemption.
    pub fn load(ledger: &Ledger, lock: &LockGuard) -> Result<Book, LedgerError> {
        let path = ledger.path().display().to_string();
        Book::load_each(&path, |each| ledger.load_each(lock, each))
    }

    /// The book of any ledger ([`crate::ledger::Backend`]): a PostgreSQL
    /// ledger streams its records through in bounded memory, as a file's
    /// are read.
    pub fn load_backend(ledger: &mut crate::ledger::Backend) -> Result<Book, LedgerError> {
        let name = ledger.name();
        Book::load_each(&name, |each| ledger.load_each(each, false))
    }

    /// The book of the records `load` hands to its callback, in order.
    fn load_each(
        name: &str,
        load: impl FnOnce(
            &mut (dyn FnMut(&crate::ledger::Checked) + Send),
        ) -> Result<LedgerState, LedgerError>,
    ) -> Result<Book, LedgerError> {
        let mut book = Book::default();
        let mut failed = None;
        let mut replaced = HashMap::new();
        let mut state = load(&mut |c: &crate::ledger::Checked| {
            if let (What::Issued(f), None) = (&c.what, &failed) {
                failed = book.push(c.code_id, &c.issuer, f).err();
                if let Some(old) = f.replaces {
                    replaced.insert(CodeKey { id: old, ..c.key }, c.code_id);
                }
            }
        })?;
        if let Some(e) = failed {
            return Err(LedgerError::Conflict {
                path: name.into(),
                reason: e,
            });
        }
        book.redeemed = std::mem::take(&mut state.redeemed);
        book.replaced = replaced;
        book.losses = std::mem::take(&mut state.losses);
        book.seal();
        Ok(book)
    }

    /// The book of a state loaded in full.
    pub fn from_state(state: &LedgerState) -> Result<Book, String> {
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
            };
            book.push(c.code_id, &c.issuer, &f)?;
        }
        book.redeemed = state.redeemed.clone();
        book.replaced = state.replaced.iter().map(|(k, r)| (*k, r.by)).collect();
        book.losses = state.losses.clone();
        book.seal();
        Ok(book)
    }

    fn push(&mut self, code_id: CodeId, issuer: &str, f: &IssuedFields) -> Result<(), String> {
        let too_many = || "too many codes for one reconciliation".to_string();
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
    fn seal(&mut self) {
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
    fn terms(&self, i: u32) -> Terms {
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
fn bucket_sort<T: Copy + Ord + Send>(items: Vec<T>, key: impl Fn(&T) -> u64) -> (Vec<T>, Vec<u32>) {
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
fn txn_hash(t: &str, refund: bool) -> u64 {
    fn mix(mut z: u64) -> u64 {
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

/// Classifies every payment (in file order) and every issued code no
/// payment refers to. `at` decides whether an unpaid code has expired.
/// Fails only when a total is too large for the summary to hold exactly.
pub fn reconcile<'a>(
    book: &'a Book,
    files: &'a [Settlement],
    at: u64,
) -> Result<Report<'a>, TotalTooLarge> {
    use rayon::prelude::*;
    let total: usize = files.iter().map(|f| f.payments.len()).sum();
    let mut rows: Vec<Row> = Vec::with_capacity(total + book.len() / 16);
    for (f, file) in files.iter().enumerate() {
        rows.par_extend(file.payments.par_iter().enumerate().map(|(i, p)| {
            let found = p.code.id().map(|id| book.positions(&id));
            let code = match found.as_deref() {
                Some(&[c]) => Some(c),
                _ => None,
            };
            let (status, note) = match found.as_deref() {
                None => (Status::Unknown, Note::NotCodeId),
                Some([]) => (Status::Unknown, Note::NotIssued),
                Some([c]) => match book.replaced_by(*c) {
                    Some(by) => (Status::Replaced, Note::ReplacedBy(by)),
                    None => (Status::Unknown, Note::None),
                },
                Some(many) => (Status::Ambiguous, Note::Ambiguous(many.len() as u32)),
            };
            Row {
                status,
                source: Source::Settlement {
                    file: f as u32,
                    index: i as u32,
                },
                code,
                note,
                expected: false,
            }
        }));
    }
    let payment = |row: &Row| -> Option<&'a Payment> {
        match row.source {
            Source::Settlement { file, index } => {
                Some(&files[file as usize].payments[index as usize])
            }
            Source::Ledger { .. } => None,
        }
    };
    // The same provider transaction listed again (two daily files
    // overlapping, or a file given twice): the same money, once. Rows are
    // taken together by a hash of their transaction id, then compared.
    // Each is (32 bits of the hash, row) in one number: sorting plain
    // numbers is quick, and the few ids that share 32 bits of hash by
    // chance are told apart by comparing them.
    let txns: Vec<u64> = rows
        .par_iter()
        .enumerate()
        .filter_map(|(r, row)| {
            let p = payment(row)?;
            let t = p.txn_id.as_deref()?;
            Some(txn_hash(t, p.refund) & !0xffff_ffff | r as u64)
        })
        .collect();
    let (txns, _) = bucket_sort(txns, |&t| t);
    let key = |r: u32| {
        let p = payment(&rows[r as usize]);
        (
            p.and_then(|p| p.txn_id.as_deref()),
            p.is_some_and(|p| p.refund),
            r,
        )
    };
    let mut group_rows: Vec<u32> = Vec::new();
    let mut repeats: Vec<(u32, u32)> = Vec::new();
    for group in txns.chunk_by(|a, b| a >> 32 == b >> 32) {
        if group.len() == 1 {
            continue;
        }
        // Rows whose ids share 32 bits of hash: sorted by id, then row,
        // the first row of each id is the first listing, the others repeat
        // it (a sort, so a big group is no slower than it needs to be).
        group_rows.clear();
        group_rows.extend(group.iter().map(|&t| t as u32));
        group_rows.sort_by_key(|&r| key(r));
        for same in group_rows.chunk_by(|&a, &b| {
            let (ka, kb) = (key(a), key(b));
            (ka.0, ka.1) == (kb.0, kb.1)
        }) {
            repeats.extend(same[1..].iter().map(|&r| (r, same[0])));
        }
    }
    for (r, first) in repeats {
        let Source::Settlement { file, .. } = rows[first as usize].source else {
            continue;
        };
        let line = payment(&rows[first as usize]).map_or(0, |q| q.line);
        let row = &mut rows[r as usize];
        row.status = Status::Repeated;
        row.note = Note::RepeatOf { file, line };
    }
    drop(txns);
    // How many rows name each code (repeats aside), up to 255.
    // A payment to a replaced code keeps its status: it is no part of
    // the code's payment (nor of its successor's).
    let settled = |s: Status| matches!(s, Status::Repeated | Status::Replaced);
    let mut count = vec![0u8; book.len()];
    for row in &rows {
        if let (Some(c), false) = (row.code, settled(row.status)) {
            count[c as usize] = count[c as usize].saturating_add(1);
        }
    }
    // A code named by one row (nearly all of them) is classified on its
    // own, in parallel; the rows of the others are taken together, code by
    // code and in file order.
    rows.par_iter_mut()
        .for_each_init(Scratch::default, |scratch, row| {
            if let (Some(c), false) = (row.code, settled(row.status))
                && count[c as usize] == 1
            {
                classify_code(
                    book,
                    files,
                    c,
                    &[(c, 0)],
                    std::slice::from_mut(row),
                    scratch,
                );
            }
        });
    let mut named: Vec<(u32, u32)> = rows
        .par_iter()
        .enumerate()
        .filter(|(_, row)| !settled(row.status))
        .filter_map(|(r, row)| Some((row.code?, r as u32)))
        .filter(|&(c, _)| count[c as usize] > 1)
        .collect();
    // Pairs are distinct: a code's rows stay in file order.
    named.par_sort_unstable();
    let mut scratch = Scratch::default();
    for group in named.chunk_by(|a, b| a.0 == b.0) {
        classify_code(book, files, group[0].0, group, &mut rows, &mut scratch);
    }
    drop(named);
    let has_row = count;
    for (i, &seen) in has_row.iter().enumerate() {
        if seen > 0 {
            continue;
        }
        let code = &book.codes[i];
        let redemption = book.redemption(&book.key(i as u32));
        // A replaced code is not owed: its successor is (and is listed).
        if redemption.is_none() && book.replaced_by(i as u32).is_some() {
            continue;
        }
        let (status, note) = match redemption {
            Some(_) => (Status::RedeemedElsewhere, Note::Redeemed),
            None if code.expires_at < at => (
                Status::UnpaidExpired,
                Note::ExpiredAgo(at - code.expires_at),
            ),
            None => (Status::UnpaidOpen, Note::ExpiresIn(code.expires_at - at)),
        };
        rows.push(Row {
            status,
            source: Source::Ledger { index: i as u32 },
            code: Some(i as u32),
            note,
            // A code with no settlement row: its own row carries it.
            expected: true,
        });
    }
    let mut report = Report {
        book,
        files,
        rows,
        summary: Summary::default(),
        at,
    };
    report.summary = report.summarize()?;
    Ok(report)
}

/// Buffers reused from one code to the next (rows, or (row, file, line)
/// of refunds): a million codes need no million small allocations.
#[derive(Default)]
struct Scratch {
    pending: Vec<u32>,
    paid_rows: Vec<u32>,
    duplicates: Vec<u32>,
    refunds: Vec<(u32, u32, u64)>,
}

/// Gives a status to every row naming one code (`members`, in file order).
///
/// Precedence for a payment row, first that applies wins: currency
/// mismatch (amounts in different currencies cannot be compared), an
/// amount that cannot be read, duplicate (the code was already paid: the
/// money must go back whatever else is wrong), amount mismatch (the parts
/// so far overshoot, or never reach, the amount), already redeemed (money
/// taken twice matters more than money taken late), late, matched.
///
/// One row of the code carries its expected amount into the totals, the
/// one that decides it: the payment (or last part) that reached or
/// overshot the amount; else the last part of an underpayment; else the
/// first row in the code's currency (a refund, an unreadable amount).
/// Never a duplicate or a repeat. A code whose rows are all in another
/// currency is expected in no total: its amount cannot be added to theirs.
fn classify_code(
    book: &Book,
    files: &[Settlement],
    c: u32,
    members: &[(u32, u32)],
    rows: &mut [Row],
    scratch: &mut Scratch,
) {
    let code = &book.terms(c);
    let payment = |row: &Row| -> Option<(&Payment, &Settlement, u32)> {
        let Source::Settlement { file, index } = row.source else {
            return None;
        };
        let f = &files[file as usize];
        Some((&f.payments[index as usize], f, file))
    };
    let redemption = book.redemption(&book.key(c));
    let Scratch {
        pending,
        paid_rows,
        duplicates,
        refunds,
    } = scratch;
    for v in [&mut *pending, &mut *paid_rows, &mut *duplicates] {
        v.clear();
    }
    refunds.clear();
    // Exact sums (i128: no saturation, and room for signed amounts): a
    // saturated sum of parts could equal the amount by accident.
    let mut pending_sum = 0i128;
    // The row that completed (or overshot) the payment: file, line.
    let mut paid_by: Option<(u32, u64)> = None;
    let mut paid_row: Option<u32> = None;
    let mut first_in_currency: Option<u32> = None;
    let mut paid_sum = 0i128;
    let mut duplicate_sum = 0i128;
    let mut refund_sum = 0i128;
    let amount = i128::from(code.amount);
    for &(_, r) in members {
        // Only settlement rows name codes here.
        let Some((p, file, file_no)) = payment(&rows[r as usize]) else {
            continue;
        };
        let currency = p.currency.unwrap_or(code.currency);
        if currency == code.currency && first_in_currency.is_none() {
            first_in_currency = Some(r);
        }
        let (status, note) = if currency != code.currency {
            (Status::CurrencyMismatch, Note::OtherCurrency)
        } else {
            match p.amount.minor(currency.exponent) {
                Err(e) => (Status::AmountMismatch, Note::BadAmount(Box::new(e))),
                Ok(minor) if p.refund => {
                    refunds.push((r, file_no, p.line));
                    refund_sum += i128::from(minor);
                    (Status::Refunded, Note::Refund)
                }
                Ok(minor) => {
                    if let Some((f, line)) = paid_by {
                        duplicates.push(r);
                        duplicate_sum += i128::from(minor);
                        (Status::Duplicate, Note::PaidOn { file: f, line })
                    } else {
                        let sum = pending_sum + i128::from(minor);
                        pending.push(r);
                        pending_sum = sum;
                        if sum < amount {
                            continue;
                        }
                        paid_rows.clear();
                        paid_rows.append(pending);
                        let n = paid_rows.len() as u32;
                        let (status, note) = if sum > amount {
                            // Less than the last part: the sum before it
                            // was short of the amount.
                            let over = u64::try_from(sum - amount).expect("below one part");
                            // k is set per part below.
                            let (k, parts) = (n, n);
                            (Status::AmountMismatch, Note::Overpaid { over, k, parts })
                        } else {
                            completion(code, redemption, p, file)
                        };
                        paid_by = Some((file_no, p.line));
                        paid_row = Some(r);
                        paid_sum = sum;
                        for (k, &part) in paid_rows.iter().enumerate() {
                            let row = &mut rows[part as usize];
                            row.status = status;
                            let k = k as u32 + 1;
                            row.note = match (&note, n) {
                                (Note::None, 2..) => Note::Part { k, n },
                                (&Note::Overpaid { over, parts, .. }, _) => {
                                    Note::Overpaid { over, k, parts }
                                }
                                _ => note.clone(),
                            };
                        }
                        continue;
                    }
                }
            }
        };
        let row = &mut rows[r as usize];
        row.status = status;
        row.note = note;
    }
    if let Some(r) = paid_row.or(pending.last().copied()).or(first_in_currency) {
        rows[r as usize].expected = true;
    }
    if !pending.is_empty() {
        let short = u64::try_from(amount - pending_sum).expect("short of a u64 amount");
        let parts = pending.len() as u32;
        for (k, &r) in pending.iter().enumerate() {
            rows[r as usize].status = Status::AmountMismatch;
            rows[r as usize].note = Note::Underpaid {
                short,
                k: k as u32 + 1,
                parts,
            };
        }
    }
    if refunds.is_empty() {
        return;
    }
    let (_, file, line) = refunds[0];
    let settled: &[u32] = if !duplicates.is_empty() && refund_sum == duplicate_sum {
        // The second payment went back: what is left is one payment.
        duplicates
    } else if refund_sum == paid_sum + duplicate_sum && paid_by.is_some() {
        // Everything went back: the code is not paid.
        paid_rows.extend_from_slice(duplicates);
        paid_rows
    } else {
        for &(r, _, _) in refunds.iter() {
            rows[r as usize].status = Status::AmountMismatch;
            rows[r as usize].note = Note::RefundMismatch;
        }
        return;
    };
    for &r in settled {
        rows[r as usize].status = Status::Refunded;
        rows[r as usize].note = Note::RefundedOn { file, line };
    }
}

/// The status of a payment (or the last part of one) that pays the code's
/// amount exactly.
fn completion(
    code: &Terms,
    redemption: Option<&Redemption>,
    p: &Payment,
    file: &Settlement,
) -> (Status, Note) {
    // A redemption written by an earlier apply of this very payment: still
    // a match, so rerunning (or reading the payment again in the next
    // day's file) changes nothing.
    let applied = redemption
        .is_some_and(|r| r.channel == CHANNEL && r.txn.as_deref() == Some(&txn_key(p, file)));
    match (redemption, p.paid_at) {
        (Some(_), _) if !applied => (Status::AlreadyRedeemed, Note::Redeemed),
        (_, Some(t)) if t > code.expires_at => (Status::Late, Note::Late(t - code.expires_at)),
        (Some(_), _) => (Status::Matched, Note::Applied),
        (None, _) => (Status::Matched, Note::None),
    }
}

/// A row worded for output. Amounts are minor units of `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowView<'a> {
    pub status: Status,
    /// "settlement" or "ledger".
    pub source: &'static str,
    /// The settlement file (its source name) and line.
    pub file: Option<&'a str>,
    pub line: Option<u64>,
    /// Canonical id of an issued code; the cell as written otherwise.
    pub code_id: String,
    pub issuer: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub currency: Option<&'static str>,
    /// The code's amount; `None` when unknown or in another currency.
    pub expected_minor: Option<u64>,
    /// The amount paid, negative for a refund (money paid back); `None`
    /// when there is no payment or it cannot be read in `currency`.
    pub paid_minor: Option<i128>,
    /// The provider's fee, negative when a refund gives it back.
    pub fee_minor: Option<i128>,
    pub refund: bool,
    #[serde(serialize_with = "utc")]
    pub paid_at: Option<u64>,
    #[serde(serialize_with = "utc")]
    pub expires_at: Option<u64>,
    pub txn_id: Option<&'a str>,
    /// Whether the ledger records a redemption of this code (any channel).
    pub redeemed: bool,
    pub note: String,
}

fn utc<S: Serializer>(t: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&time::format_utc(*t)),
        None => s.serialize_none(),
    }
}

/// The amounts of a row, without making any text.
struct Amounts {
    currency: Option<Currency>,
    expected: Option<u64>,
    /// Signed: negative on a refund row.
    paid: Option<i128>,
    fee: Option<i128>,
}

impl<'a> Report<'a> {
    fn payment(&self, source: Source) -> Option<(&'a Payment, &'a Settlement)> {
        match source {
            Source::Settlement { file, index } => {
                let f = &self.files[file as usize];
                Some((&f.payments[index as usize], f))
            }
            Source::Ledger { .. } => None,
        }
    }

    fn code(&self, row: &Row) -> Option<IssuedCode<'a>> {
        row.code.map(|c| self.book.code(c))
    }

    fn amounts(&self, row: &Row) -> Amounts {
        let code = row.code.map(|c| self.book.terms(c));
        let code = code.as_ref();
        let Some((p, _)) = self.payment(row.source) else {
            return Amounts {
                currency: code.map(|c| c.currency),
                expected: code.map(|c| c.amount),
                paid: None,
                fee: None,
            };
        };
        // The amount is read with the exponent of the currency it was paid
        // in: the row's, or the code's when the file has no currency.
        let currency = p.currency.or(code.map(|c| c.currency));
        let exp = |c: Currency| c.exponent;
        // A refund is money out, and the fee it gives back a fee credited.
        let sign: i128 = if p.refund { -1 } else { 1 };
        Amounts {
            currency,
            // A code's amount is expected once, on the row that carries it
            // (see `classify_code`); only comparable amounts share a row.
            expected: code
                .filter(|c| Some(c.currency) == currency && row.expected)
                .map(|c| c.amount),
            paid: currency
                .and_then(|c| p.amount.minor(exp(c)).ok())
                .map(|m| sign * i128::from(m)),
            fee: p
                .fee
                .and_then(|f| currency.and_then(|c| f.minor(exp(c)).ok()))
                .map(|m| sign * i128::from(m)),
        }
    }

    fn summarize(&self) -> Result<Summary, TotalTooLarge> {
        use rayon::prelude::*;
        // (status, currency, [count, paid, expected, fee]): a handful of
        // groups, found by a scan that compares numbers; ordered at the end.
        type Groups = Vec<(Status, Option<Currency>, [i128; 4])>;
        // Exact signed sums (refunds are negative): at most 2^32 rows of at
        // most 2^64 each fit an i128 many times over, so any grouping of the
        // rows gives the same totals, checked against what a total can hold
        // at the end.
        let add =
            |groups: &mut Groups, status: Status, currency: Option<Currency>, more: [i128; 4]| {
                let at = match groups.iter().position(|g| {
                    g.0 == status
                        && g.1.map(|c| c.numeric) == currency.map(|c| c.numeric)
                        && g.1.map(|c| c.code) == currency.map(|c| c.code)
                }) {
                    Some(at) => at,
                    None => {
                        groups.push((status, currency, [0; 4]));
                        groups.len() - 1
                    }
                };
                for (g, more) in groups[at].2.iter_mut().zip(more) {
                    *g += more;
                }
            };
        let mut groups = self
            .rows
            .par_chunks(1 << 14)
            .map(|rows| {
                let mut groups = Groups::new();
                for r in rows {
                    let a = self.amounts(r);
                    let sums = [
                        1,
                        a.paid.unwrap_or(0),
                        i128::from(a.expected.unwrap_or(0)),
                        a.fee.unwrap_or(0),
                    ];
                    add(&mut groups, r.status, a.currency, sums);
                }
                groups
            })
            .reduce(Groups::new, |mut a, b| {
                for (status, currency, sums) in b {
                    add(&mut a, status, currency, sums);
                }
                a
            });
        // In status order, then by currency code (none first).
        groups.sort_by(|a, b| (a.0, a.1.map(|c| c.code)).cmp(&(b.0, b.1.map(|c| c.code))));
        let totals = groups
            .into_iter()
            .map(|(status, currency, [count, paid, expected, fee])| {
                let too_large = |what: &'static str, sum: i128| TotalTooLarge {
                    status,
                    currency,
                    what,
                    sum,
                };
                let fit = |what: &'static str, sum: i128| {
                    u64::try_from(sum).map_err(|_| too_large(what, sum))
                };
                // Net sums may be negative (refunds), but no larger in size
                // than an unsigned total can be.
                let fit_signed = |what: &'static str, sum: i128| {
                    if sum.unsigned_abs() <= u128::from(u64::MAX) {
                        Ok(sum)
                    } else {
                        Err(too_large(what, sum))
                    }
                };
                Ok(Total {
                    status,
                    currency: currency.map(|c| c.code.to_string()),
                    count: fit("count", count)?,
                    paid_minor: fit_signed("paid", paid)?,
                    expected_minor: fit("expected", expected)?,
                    fee_minor: fit_signed("fee", fee)?,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Summary { totals })
    }

    /// A row worded for output.
    pub fn view(&self, row: &Row) -> RowView<'a> {
        let code = self.code(row);
        let payment = self.payment(row.source);
        let a = self.amounts(row);
        let redemption = row
            .code
            .and_then(|c| self.book.redemption(&self.book.key(c)));
        let line_of = |file: u32, line: u64| {
            if self.files.len() > 1 {
                format!("{}:{line}", self.files[file as usize].source)
            } else {
                format!("line {line}")
            }
        };
        let money = |minor: u64| match a.currency {
            Some(c) => format!("{} {c}", c.format_amount(minor)),
            None => minor.to_string(),
        };
        let note = match &row.note {
            Note::None => String::new(),
            Note::NotCodeId => "not a code id (16 hex digits)".into(),
            Note::NotIssued => "code id not issued in the ledger".into(),
            Note::OtherCurrency => match (code, a.currency) {
                (Some(c), Some(paid)) => format!(
                    "paid in {paid}, the code is for {} {}",
                    c.currency.format_amount(c.amount),
                    c.currency
                ),
                _ => "another currency".into(),
            },
            Note::BadAmount(e) => e.to_string(),
            Note::Underpaid {
                short, parts: 1, ..
            } => format!("underpaid by {}", money(*short)),
            Note::Underpaid { short, parts, .. } => {
                format!("underpaid by {} ({parts} partial payments)", money(*short))
            }
            Note::Overpaid { over, parts: 1, .. } => format!("overpaid by {}", money(*over)),
            Note::Overpaid { over, parts, .. } => {
                format!("overpaid by {} ({parts} partial payments)", money(*over))
            }
            Note::Part { k, n } => format!("partial payment {k} of {n}"),
            Note::PaidOn { file, line } => {
                format!("code already paid on {}", line_of(*file, *line))
            }
            Note::Late(secs) => format!("paid {} after expiry", time::humanize(*secs)),
            Note::Redeemed => redemption.map(redeemed_note).unwrap_or_default(),
            Note::Applied => match redemption {
                Some(r) => format!(
                    "applied to the ledger at seq {}{}",
                    r.seq,
                    r.source
                        .as_deref()
                        .map(|s| format!(" from {s}"))
                        .unwrap_or_default()
                ),
                None => String::new(),
            },
            Note::Refund => "refund".into(),
            Note::RefundedOn { file, line } => {
                format!("refunded on {}", line_of(*file, *line))
            }
            Note::RefundMismatch => {
                "refunds do not add up to a duplicate or the whole payment".into()
            }
            Note::RepeatOf { file, line } => {
                format!("same transaction as {}", line_of(*file, *line))
            }
            Note::ExpiredAgo(s) => format!("expired {} ago", time::humanize(*s)),
            Note::ExpiresIn(s) => format!("expires in {}", time::humanize(*s)),
            Note::ReplacedBy(by) => format!("the code was replaced by code {by} (reissued)"),
            Note::Ambiguous(n) => format!("code id issued by {n} issuers in the ledger"),
        };
        let code_id = match (code, payment) {
            (Some(c), _) => c.code_id.to_string(),
            (None, Some((p, _))) => p.code.to_string(),
            (None, None) => String::new(),
        };
        RowView {
            status: row.status,
            source: if payment.is_some() {
                "settlement"
            } else {
                "ledger"
            },
            file: payment.map(|(_, f)| f.source.as_str()),
            line: payment.map(|(p, _)| p.line),
            code_id,
            issuer: code.map(|c| c.issuer),
            reference: code.map(|c| c.reference),
            currency: a.currency.map(|c| c.code),
            expected_minor: a.expected,
            paid_minor: a.paid,
            fee_minor: a.fee,
            refund: payment.is_some_and(|(p, _)| p.refund),
            paid_at: payment.and_then(|(p, _)| p.paid_at),
            expires_at: code.map(|c| c.expires_at),
            txn_id: match payment {
                Some((p, _)) => p.txn_id.as_deref(),
                None => redemption.and_then(|r| r.txn.as_deref()),
            },
            redeemed: redemption.is_some(),
            note,
        }
    }

    /// Whether any row has one of the `fail_on` statuses
    /// (e.g. [`Status::discrepancies`]).
    pub fn has_discrepancy(&self, fail_on: &[Status]) -> bool {
        self.rows.iter().any(|r| fail_on.contains(&r.status))
    }

    /// One CSV line per row. Amounts are major-unit decimals ("200.00", a
    /// number to a spreadsheet), times RFC 3339 in `tz`; text cells are
    /// neutralized against formula injection, with control, bidi and
    /// invisible characters escaped ([`for_report`]).
    pub fn to_csv(&self, w: impl Write, tz: FixedOffset) -> io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(CSV_HEADER)?;
        for r in &self.rows {
            let v = self.view(r);
            let currency = v.currency.and_then(Currency::from_code);
            let amount = |minor: Option<i128>| match (minor, currency) {
                (Some(m), Some(c)) => c.format_signed(m),
                _ => String::new(),
            };
            let when = |t: Option<u64>| t.map(|t| time::format_in(t, tz)).unwrap_or_default();
            let text = |s: Option<&str>| for_report(s.unwrap_or_default());
            out.write_record([
                v.status.as_str(),
                v.source,
                &text(v.file),
                &v.line.map(|l| l.to_string()).unwrap_or_default(),
                &text(Some(&v.code_id)),
                &text(v.issuer),
                &text(v.reference),
                v.currency.unwrap_or_default(),
                &amount(v.expected_minor.map(i128::from)),
                &amount(v.paid_minor),
                &amount(v.fee_minor),
                if v.refund { "refund" } else { "" },
                &when(v.paid_at),
                &when(v.expires_at),
                &text(v.txn_id),
                &text(Some(&v.note)),
            ])?;
        }
        out.flush()
    }

    /// One JSON object per row per line.
    pub fn to_json_lines(&self, mut w: impl Write) -> io::Result<()> {
        for r in &self.rows {
            serde_json::to_writer(&mut w, &self.view(r))?;
            w.write_all(b"\n")?;
        }
        w.flush()
    }
}

const CSV_HEADER: [&str; 16] = [
    "status",
    "source",
    "file",
    "line",
    "code_id",
    "issuer",
    "reference",
    "currency",
    "expected",
    "paid",
    "fee",
    "kind",
    "paid_at",
    "expires_at",
    "txn_id",
    "note",
];

fn redeemed_note(r: &Redemption) -> String {
    let mut note = format!(
        "redeemed via {} at {} (ledger seq {}",
        r.channel,
        time::format_utc(r.time),
        r.seq
    );
    if let Some(txn) = &r.txn {
        note.push_str(&format!(", txn {txn}"));
    }
    note.push(')');
    note
}

/// Redemption records for every code a payment (or its last part) matched
/// and the ledger does not yet record as redeemed; each names the
/// provider's transaction id and the settlement file it came from.
/// Reconcile against a state loaded under the exclusive ledger lock and
/// append the records under that same lock, so no redemption can slip in
/// between (`Ledger::append` would refuse the whole batch if one did).
pub fn apply_records(report: &Report, now: u64) -> Vec<Record> {
    let mut done = vec![false; report.book.len()];
    let mut records = Vec::new();
    for r in report.rows.iter().rev() {
        // From the end: the last matched part of a partial payment is the
        // one that completed it, and its transaction id is recorded.
        let (Status::Matched, Some(c), Some((p, file))) =
            (r.status, r.code, report.payment(r.source))
        else {
            continue;
        };
        let code = report.book.code(c);
        if done[c as usize] || report.book.redemption(&report.book.key(c)).is_some() {
            continue;
        }
        done[c as usize] = true;
        records.push(Record::redeemed(
            code.issuer,
            code.code_id,
            now,
            Some(txn_key(p, file)),
            CHANNEL,
            Some(file.source.clone()),
        ));
    }
    records.reverse();
    records
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{Code, KeyId, Kind, SignedCode};
    use crate::ledger::Ledger;
    use crate::reconcile::settlement::{ColumnMap, Options, parse_settlement};
    use ed25519_dalek::SigningKey;
    use std::path::Path;

    const ISSUED: u64 = 1_795_000_000;
    const EXPIRES: u64 = ISSUED + 4 * 3600;
    /// Reconciliation time: after EXPIRES.
    const AT: u64 = EXPIRES + 3600;

    fn code(n: u8, currency: &str, amount: u64, expires_at: u64, reference: &str) -> SignedCode {
        let k = SigningKey::from_bytes(&[9u8; 32]);
        Code {
            issuer: "bj-traffic".into(),
            key_id: KeyId::of(&k.verifying_key()),
            code_id: CodeId([n; 8]),
            kind: Kind::Fine,
            amount,
            currency: Currency::from_code(currency).unwrap(),
            payee: "BJ-FINES".into(),
            reference: reference.into(),
            issued_at: ISSUED,
            expires_at,
            description: None,
        }
        .sign(&k)
        .unwrap()
    }

    fn id(n: u8) -> String {
        CodeId([n; 8]).to_string()
    }

    /// A ledger in a fresh directory with 200.00 CNY fines 1..=10 and
    /// 13..=16, code 7 expiring after AT, a 1500 JPY bill 11, and counter
    /// redemptions of codes 6 and 9.
    fn ledger(dir: &Path, name: &str) -> (Ledger, LedgerState) {
        let l = Ledger::new(&dir.join(name));
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let mut recs: Vec<Record> = (1..=10)
            .chain(13..=16)
            .map(|n| {
                let expires = if n == 7 { AT + 86_400 } else { EXPIRES };
                let c = code(n, "CNY", 20000, expires, &format!("京A1234{n}"));
                Record::issued(&c, ISSUED)
            })
            .collect();
        recs.push(Record::issued(
            &code(11, "JPY", 1500, EXPIRES, "W-11"),
            ISSUED,
        ));
        for n in [6, 9] {
            let txn = Some(format!("C{n}"));
            let r = Record::redeemed(
                "bj-traffic",
                CodeId([n; 8]),
                ISSUED + 60,
                txn,
                "counter",
                None,
            );
            recs.push(r);
        }
        l.append(&lock, &mut st, recs).unwrap();
        (l, st)
    }

    fn settlement(dir: &Path, name: &str, text: &str) -> Settlement {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let opts = Options {
            format: None,
            map: ColumnMap::default(),
            tz: chrono::FixedOffset::east_opt(8 * 3600),
            encoding: None,
        };
        parse_settlement(&path, &opts).unwrap()
    }

    /// One row per settlement status, plus a txn-less row (line 12).
    fn bank_file() -> String {
        let late = time::format_utc(EXPIRES + 60);
        [
            "code_id,amount,currency,paid_at,txn_id".to_string(),
            format!("{},200.00,CNY,2026-11-18 16:00,B1", id(1)),
            format!("{},150.00,,,B2", id(2)),
            format!("{},200.00,USD,,B3", id(3)),
            format!("{},200.00,,,B4", id(4)),
            format!("{},200.00,,,B4b", id(4)),
            format!("{},200.00,CNY,{late},B5", id(5)),
            format!("{},200.00,CNY,,B6", id(6)),
            "=HYPERLINK(\"x\"),1.00,,,B0".to_string(),
            format!("{},200.00,,,B12", id(12)),
            format!("{},200.001,,,B10", id(10)),
            format!("{},1500,JPY,,", id(11)),
        ]
        .join("\n")
    }

    fn statuses(report: &Report) -> Vec<(Status, String)> {
        report
            .rows
            .iter()
            .map(|r| (r.status, report.view(r).code_id))
            .collect()
    }

    #[test]
    fn every_status() {
        let dir = tempfile::tempdir().unwrap();
        let (_l, st) = ledger(dir.path(), "l.jsonl");
        let files = [settlement(dir.path(), "bank.csv", &bank_file())];
        let b = Book::from_state(&st).unwrap();
        let report = reconcile(&b, &files, AT).unwrap();
        use Status::*;
        let expected = vec![
            (Matched, id(1)),
            (AmountMismatch, id(2)),
            (CurrencyMismatch, id(3)),
            (Matched, id(4)),
            (Duplicate, id(4)),
            (Late, id(5)),
            (AlreadyRedeemed, id(6)),
            (Unknown, "=HYPERLINK(\"x\")".to_string()),
            (Unknown, id(12)),
            (AmountMismatch, id(10)),
            (Matched, id(11)),
            // Codes without a settlement row, in ledger order.
            (UnpaidOpen, id(7)),
            (UnpaidExpired, id(8)),
            (RedeemedElsewhere, id(9)),
            (UnpaidExpired, id(13)),
            (UnpaidExpired, id(14)),
            (UnpaidExpired, id(15)),
            (UnpaidExpired, id(16)),
        ];
        assert_eq!(statuses(&report), expected);

        let v: Vec<RowView> = report.rows.iter().map(|r| report.view(r)).collect();
        assert_eq!(
            (v[1].expected_minor, v[1].paid_minor),
            (Some(20000), Some(15000))
        );
        assert_eq!(v[1].note, "underpaid by 50.00 CNY");
        // Paid in USD: the row carries the USD amount, the CNY one is in the note.
        assert_eq!(v[2].currency, Some("USD"));
        assert_eq!((v[2].expected_minor, v[2].paid_minor), (None, Some(20000)));
        assert_eq!(v[2].note, "paid in USD, the code is for 200.00 CNY");
        assert_eq!(v[4].note, "code already paid on line 5");
        assert_eq!(v[5].note, "paid 1m 0s after expiry");
        assert!(
            v[6].note.contains("via counter") && v[6].note.contains("txn C6"),
            "{}",
            v[6].note
        );
        assert_eq!(v[9].paid_minor, None);
        assert!(v[9].note.contains("3 fraction digits"), "{}", v[9].note);
        assert_eq!(v[10].line, Some(12));
        assert_eq!(v[13].txn_id, Some("C9"));

        // Totals are per currency: CNY and JPY matches are not added up.
        let matched: Vec<_> = report
            .summary
            .totals
            .iter()
            .filter(|t| t.status == Matched)
            .map(|t| {
                (
                    t.currency.as_deref(),
                    t.count,
                    t.paid_minor,
                    t.expected_minor,
                )
            })
            .collect();
        assert_eq!(
            matched,
            vec![(Some("CNY"), 2, 40000, 40000), (Some("JPY"), 1, 1500, 1500)]
        );
        assert_eq!(report.summary.count(Unknown), 2);
        assert!(report.has_discrepancy(&Status::discrepancies()));
        assert!(report.has_discrepancy(&[Late]));
        assert!(!report.has_discrepancy(&[]));
    }

    #[test]
    fn partial_payments_overpayment_and_refunds() {
        let dir = tempfile::tempdir().unwrap();
        let (_l, st) = ledger(dir.path(), "l.jsonl");
        let text = [
            "code_id,amount,txn_id,refund".to_string(),
            // 1: two parts that add up; 2: two parts that fall short;
            format!("{},120.00,P1a,", id(1)),
            format!("{},100.00,P2a,", id(2)),
            format!("{},80.00,P1b,", id(1)),
            format!("{},50.00,P2b,", id(2)),
            // 3: overpaid; 4: paid twice, the second refunded;
            format!("{},250.00,P3,", id(3)),
            format!("{},200.00,P4,", id(4)),
            format!("{},200.00,P4b,", id(4)),
        ]
        .join("\n");
        let mut s = settlement(dir.path(), "bank.csv", &text);
        // 4's second payment and all of 5 are paid back.
        let refund = |code: u8, line: u64, txn: &str| Payment {
            line,
            code: crate::reconcile::settlement::CodeRef::Id(CodeId([code; 8])),
            amount: crate::reconcile::settlement::Amount {
                units: 200,
                scale: 0,
            },
            fee: None,
            currency: None,
            paid_at: None,
            txn_id: Some(txn.into()),
            refund: true,
        };
        s.payments.push(refund(4, 9, "R4"));
        s.payments.push(Payment {
            refund: false,
            txn_id: Some("P5".into()),
            ..refund(5, 10, "")
        });
        s.payments.push(refund(5, 11, "R5"));
        let files = [s];
        let b = Book::from_state(&st).unwrap();
        let report = reconcile(&b, &files, AT).unwrap();
        let v: Vec<(Status, String)> = report
            .rows
            .iter()
            .take(10)
            .map(|r| (r.status, report.view(r).note))
            .collect();
        use Status::*;
        assert_eq!(
            v,
            vec![
                (Matched, "partial payment 1 of 2".into()),
                (
                    AmountMismatch,
                    "underpaid by 50.00 CNY (2 partial payments)".into()
                ),
                (Matched, "partial payment 2 of 2".into()),
                (
                    AmountMismatch,
                    "underpaid by 50.00 CNY (2 partial payments)".into()
                ),
                (AmountMismatch, "overpaid by 50.00 CNY".into()),
                (Matched, String::new()),
                (Refunded, "refunded on line 9".into()),
                (Refunded, "refund".into()),
                (Refunded, "refunded on line 11".into()),
                (Refunded, "refund".into()),
            ]
        );
        // Only codes whose payment stands are redeemed: 1 (by its last
        // part) and 4.
        let recs = apply_records(&report, AT);
        let applied: Vec<_> = recs
            .iter()
            .map(|r| (r.code_id.clone(), r.txn.clone()))
            .collect();
        assert_eq!(
            applied,
            vec![(id(1), Some("P1b".into())), (id(4), Some("P4".into()))]
        );
    }

    #[test]
    fn apply_is_idempotent_and_the_next_days_file_repeats_nothing() {
        for name in ["l.jsonl", "l.csv"] {
            let dir = tempfile::tempdir().unwrap();
            let (l, _) = ledger(dir.path(), name);
            let files = [settlement(dir.path(), "bank.csv", &bank_file())];
            let before = {
                let lock = l.lock().unwrap();
                let mut st = l.load(&lock).unwrap();
                let b = Book::from_state(&st).unwrap();
                let report = reconcile(&b, &files, AT).unwrap();
                let recs = apply_records(&report, AT);
                let applied: Vec<_> = recs
                    .iter()
                    .map(|r| (r.code_id.clone(), r.txn.clone()))
                    .collect();
                let source = &files[0].source;
                assert!(source.starts_with("bank.csv@"), "{source}");
                // Codes 1, 4 (first row only) and 11; 11 has no txn id.
                assert_eq!(
                    applied,
                    vec![
                        (id(1), Some("B1".into())),
                        (id(4), Some("B4".into())),
                        (id(11), Some(format!("{source}:12"))),
                    ]
                );
                assert!(recs.iter().all(|r| r.channel.as_deref() == Some(CHANNEL)
                    && r.source.as_deref() == Some(source.as_str())));
                let s = statuses(&report);
                l.append(&lock, &mut st, recs).unwrap();
                s
            };
            // A fresh load from disk, as a second run would do.
            let lock = l.lock_shared().unwrap();
            let st = l.load(&lock).unwrap();
            // Read in full, or just what reconciliation keeps: the same.
            let b = Book::load(&l, &lock).unwrap();
            assert_eq!(b.len(), st.issued.len());
            for (i, c) in st.issued.iter().enumerate() {
                let k = b.code(i as u32);
                assert_eq!(b.position(&c.code_id), Some(i as u32));
                assert_eq!(
                    (
                        k.code_id,
                        k.issuer,
                        k.reference,
                        k.amount,
                        k.currency,
                        k.expires_at
                    ),
                    (
                        c.code_id,
                        &*c.issuer,
                        &*c.reference,
                        c.amount,
                        c.currency,
                        c.expires_at
                    )
                );
                let k = CodeKey::of(&c.issuer, c.code_id);
                assert_eq!(b.redemption(&k), st.redemption(&k));
            }
            assert_eq!(b.position(&CodeId([0xee; 8])), None);
            let again = reconcile(&b, &files, AT).unwrap();
            assert_eq!(statuses(&again), before, "{name}");
            assert!(apply_records(&again, AT + 5).is_empty(), "{name}");
            let matched: Vec<RowView> = again
                .rows
                .iter()
                .filter(|r| r.status == Status::Matched)
                .map(|r| again.view(r))
                .collect();
            assert!(
                matched
                    .iter()
                    .all(|r| r.redeemed && r.note.starts_with("applied to the ledger"))
            );
            assert_eq!(matched.len(), 3);

            // The next day's file lists code 1's payment again (same
            // transaction id): still the same payment, not a second one.
            // Its txn-less row is another payment now: already redeemed.
            let next = format!(
                "code_id,amount,txn_id\n{},200.00,B1\n{},1500,\n",
                id(1),
                id(11)
            );
            let files = [settlement(dir.path(), "bank-2.csv", &next)];
            let b = Book::from_state(&st).unwrap();
            let other = reconcile(&b, &files, AT).unwrap();
            assert_eq!(other.rows[0].status, Status::Matched);
            assert_eq!(other.rows[1].status, Status::AlreadyRedeemed);

            // Both days in one run: the overlap is listed once.
            let both = [
                settlement(dir.path(), "bank.csv", &bank_file()),
                settlement(dir.path(), "bank-2.csv", &next),
            ];
            let b = Book::from_state(&st).unwrap();
            let r = reconcile(&b, &both, AT).unwrap();
            let row = &r.rows[11];
            assert_eq!(row.status, Status::Repeated);
            assert!(
                r.view(row)
                    .note
                    .starts_with("same transaction as bank.csv@")
            );
        }
    }

    #[test]
    fn csv_output_neutralizes_formulas_and_keeps_amounts_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::new(&dir.path().join("l.jsonl"));
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let c = code(1, "CNY", 20000, EXPIRES, "@SUM(A1)");
        l.append(&lock, &mut st, vec![Record::issued(&c, ISSUED)])
            .unwrap();
        let text = format!(
            "code_id,amount,txn_id\n{},200.00,-T1\n=1+2,3.5,+T2\n",
            id(1)
        );
        let files = [settlement(dir.path(), "bank.csv", &text)];
        let b = Book::from_state(&st).unwrap();
        let report = reconcile(&b, &files, ISSUED).unwrap();
        let mut out = Vec::new();
        let cst = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        report.to_csv(&mut out, cst).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        let src = &files[0].source;
        assert_eq!(
            lines,
            vec![
                "status,source,file,line,code_id,issuer,reference,currency,expected,paid,fee,kind,paid_at,expires_at,txn_id,note",
                &format!(
                    "matched,settlement,{src},2,{},bj-traffic,'@SUM(A1),CNY,200.00,200.00,,,,2026-11-18 23:06:40 +08:00,'-T1,",
                    id(1)
                ),
                &format!(
                    "unknown,settlement,{src},3,'=1+2,,,,,,,,,,'+T2,not a code id (16 hex digits)"
                ),
            ]
        );

        let mut json = Vec::new();
        report.to_json_lines(&mut json).unwrap();
        let first: serde_json::Value =
            serde_json::from_str(String::from_utf8(json).unwrap().lines().next().unwrap()).unwrap();
        assert_eq!(first["status"], "matched");
        assert_eq!(first["line"], 2);
        assert_eq!(first["expires_at"], "2026-11-18T15:06:40Z");
        assert_eq!(first["paid_minor"], 20000);
    }

    #[test]
    fn bucket_sort_sorts() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut items: Vec<(u64, u32)> = (0..50_000u32)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Some keys twice, some in one bucket.
                let k = if i % 7 == 0 { 42 } else { x };
                (k, i)
            })
            .collect();
        let (sorted, starts) = bucket_sort(items.clone(), |e| e.0);
        items.sort_unstable();
        assert_eq!(sorted, items);
        assert_eq!(starts.len(), (1 << 16) + 1);
        assert_eq!(starts[1 << 16] as usize, items.len());
        for (b, w) in starts.windows(2).enumerate() {
            let run = &sorted[w[0] as usize..w[1] as usize];
            assert!(run.iter().all(|e| (e.0 >> 48) as usize == b));
        }
    }

    #[test]
    fn status_names() {
        for s in Status::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        assert!("paid".parse::<Status>().is_err());
        assert_eq!(Status::discrepancies().len(), 9);
    }
}
