//! What can go wrong with a ledger. Its own module so the parts of the
//! ledger (lock, index, line reading) can report errors without standing on
//! `ledger/mod.rs`, which stands on them.
//!
//! [`LedgerError::Line`] and [`LedgerError::Conflict`] carry a [`Reason`]:
//! a line's framing or syntax ([`LineError`]), a record's fields
//! ([`RecordError`]), what it contradicts in the records before it
//! ([`StateError`]), why an append is refused ([`ConflictError`]) or cannot
//! be encoded ([`EncodeError`]), each variant with the values its message
//! names. The messages are the text payqr printed when these were strings.
//! (Boxed: a `Result` with a [`LedgerError`] stays small on the hot path.)

use std::io;
use std::path::PathBuf;

use crate::code::CodeId;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}:{line}: {reason}")]
    Line {
        path: PathBuf,
        line: u64,
        reason: Box<Reason>,
    },
    #[error("{path}:{line}: last line is incomplete (a write was interrupted)")]
    Torn { path: PathBuf, line: u64 },
    #[error("{path}: cannot lock it: the file system does not support locking ({source})")]
    LockUnsupported { path: PathBuf, source: io::Error },
    #[error("{path}: {reason}")]
    Conflict { path: PathBuf, reason: Box<Reason> },
    #[error("{path}: {reason}")]
    IndexMismatch { path: PathBuf, reason: String },
    /// Evidence (the index) that records were lost from the ledger, not
    /// yet recorded by `payqr ledger repair --record-loss`.
    #[error("{path}: lost records: {reason}")]
    Lost { path: PathBuf, reason: String },
}

/// Why a line is not a ledger record: its framing, checksum, chain or
/// syntax ([`super::line`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("not a ledger record (too short for its prev and crc fields)")]
    TooShort,
    #[error("not a ledger record (no prev and crc fields at the end)")]
    NotFramed,
    #[error("checksum mismatch: the line was altered or damaged")]
    Checksum,
    #[error(
        "hash chain broken: prev does not match the line before (a line was removed, inserted \
         or moved)"
    )]
    ChainBroken,
    /// The JSON or CSV parser's own message.
    #[error("not a ledger record: {0}")]
    Syntax(String),
    #[error("not a ledger record: empty")]
    Empty,
    #[error("not a ledger record: {found} fields, expected {expected}")]
    Fields { found: usize, expected: usize },
    /// A CSV ledger's first line is not the header (`want`).
    #[error("header is not {want:?}")]
    CsvHeader { want: &'static str },
}

/// Why a record cannot be written as a line ([`super::line::encode`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The JSON or CSV writer's own message.
    #[error("{0}")]
    Writer(String),
    #[error(
        "this CSV ledger predates the {column} column, so it cannot record a redemption \
         judged as of another time (--at); start a new ledger, or redeem without --at"
    )]
    PredatesColumn { column: &'static str },
    #[error("{column} is not the last column")]
    NotLastColumn { column: &'static str },
    #[error("a field holds a line break; a CSV ledger keeps one record per line")]
    LineBreak,
}

/// Why a record's fields are not valid ([`super::checked`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("{field}: missing")]
    Missing { field: &'static str },
    #[error("{field}: {source}")]
    Time {
        field: &'static str,
        source: crate::code::time::TimeError,
    },
    #[error("{field}: {source}")]
    Id {
        field: &'static str,
        source: crate::code::ParseIdError,
    },
    #[error(transparent)]
    Issuer(#[from] crate::code::FormatError),
    #[error("lost: issuer and code_id must be empty")]
    LostNamesCode,
    #[error("txn: not records=N;bytes=N;covered=N;hash=<32 hex> (a lost record)")]
    LostTxn,
    #[error("txn: missing (the reason)")]
    NoReason,
    #[error("source: missing (the signature)")]
    NoSignature,
    #[error("cancelled: give code_id, or an empty code_id and issued_at (all before)")]
    CancelShape,
    #[error("currency: unknown {0:?}")]
    Currency(String),
    #[error("amount: missing or zero")]
    Amount,
    #[error("payload_sha256: not 64 hex digits")]
    PayloadHash,
    /// Not reached: the events named are returned earlier.
    #[error("lost: misread")]
    Misread,
}

/// What a record contradicts in the records before it, found as the
/// ledger is read ([`super::LedgerState`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("seq {found} out of order (expected {expected})")]
    Seq { found: u64, expected: u64 },
    #[error("code {0} replaces itself")]
    ReplacesItself(CodeId),
    #[error("code {code} replaced twice (first by code {first_by} at seq {first_seq})")]
    ReplacedTwice {
        code: CodeId,
        first_by: CodeId,
        first_seq: u64,
    },
    /// Issued twice; `code` is `None` only if the state lost track of it.
    #[error("code {} issued twice", shown(code))]
    IssuedTwice { code: Option<CodeId> },
    /// Redeemed twice, found when sorting (no first seq at hand).
    #[error("code {} redeemed twice", shown(code))]
    RedeemedTwiceSorted { code: Option<CodeId> },
    #[error("code {code} redeemed twice (first at seq {first_seq})")]
    RedeemedTwice { code: CodeId, first_seq: u64 },
    /// `what`: `code <id>` or `key <id> (all before)`.
    #[error("{what} cancelled twice (first at seq {first_seq})")]
    CancelledTwice { what: String, first_seq: u64 },
    /// A PostgreSQL row whose columns (copies of its line's fields, which
    /// lookups and unique indexes use) say otherwise than its line.
    #[error(
        "the row's columns (event {event:?}, issuer {issuer:?}, code_id {code_id:?}) do not \
         say what its line says"
    )]
    Columns {
        event: String,
        issuer: String,
        code_id: String,
    },
    /// Two records of one code for the same slot of the index (its
    /// `issued`, `redeemed`, `replaced` or `cancelled` line).
    #[error("code {code} {what} twice")]
    Twice { code: CodeId, what: &'static str },
    #[error("too many records")]
    TooManyRecords,
    #[error("too many codes")]
    TooManyCodes,
}

/// A code id as the messages name it: empty when not known.
fn shown(code: &Option<CodeId>) -> String {
    code.map(|c| c.to_string()).unwrap_or_default()
}

/// Why an append is refused before anything is written: the new records
/// against the ledger and each other ([`super::probe`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConflictError {
    #[error(transparent)]
    Id(#[from] crate::code::ParseIdError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("code {0} was not loaded for this append")]
    NotLoaded(CodeId),
    #[error("code {0} is already issued")]
    AlreadyIssued(CodeId),
    #[error("code {0} is already redeemed; a paid code is not reissued")]
    PaidNotReissued(CodeId),
    #[error("code {code} was already replaced by code {by}")]
    AlreadyReplaced { code: CodeId, by: CodeId },
    #[error("code {0} is replaced twice")]
    ReplacedTwice(CodeId),
    #[error("code {code} was replaced by code {by} (reissued); only that code can be redeemed")]
    Replaced { code: CodeId, by: CodeId },
    #[error("code {0} is replaced in this same append")]
    ReplacedInAppend(CodeId),
    #[error("code {code} was cancelled at {time} ({reason}); it is not redeemed")]
    Cancelled {
        code: CodeId,
        time: String,
        reason: String,
    },
    #[error("code {0} is cancelled in this same append")]
    CancelledInAppend(CodeId),
    #[error("code {0} is already redeemed")]
    AlreadyRedeemed(CodeId),
    #[error("not a cancellation")]
    NotCancellation,
    /// `what`: `code <id>` or `every code of key <id> issued before <time>`.
    #[error("{what} is already cancelled (at {time}: {reason})")]
    AlreadyCancelled {
        what: String,
        time: String,
        reason: String,
    },
    #[error("{what} is cancelled twice in this append")]
    CancelledTwice { what: String },
    #[error("code {code} of {issuer} was never issued in this ledger")]
    NeverIssued { code: CodeId, issuer: String },
    /// `time`: seconds since 1970, UTC.
    #[error(
        "code {code} is already redeemed (at {}{}); a paid code is not cancelled: refund it",
        crate::code::time::format_utc(*time),
        txn.as_deref().map(|t| format!(", txn {t}")).unwrap_or_default()
    )]
    PaidNotCancelled {
        code: CodeId,
        time: u64,
        txn: Option<String>,
    },
    #[error("code {0} is redeemed in this same append")]
    RedeemedInAppend(CodeId),
    /// Found by a writer that holds the lock: someone wrote without it.
    #[error("the ledger changed while this command held it ({found} bytes, expected {expected})")]
    Changed { found: u64, expected: u64 },
    #[error("the ledger file was replaced while this command held its lock; nothing was written")]
    FileReplaced,
}

/// Why a line is refused or an append is: one of the typed errors above, or
/// (`Other`) a reason of a kind met once (a CSV header, a database).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error(transparent)]
    Line(#[from] LineError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Conflict(#[from] ConflictError),
    /// A write or sync failed (`write`, its message), and the lines written
    /// could not be cut off again.
    #[error("{write}; the file was not cut back because {why}: run `payqr ledger check`")]
    NotCutBack { write: String, why: NotCutBack },
    #[error("{0}")]
    Other(String),
}

impl From<String> for Reason {
    fn from(s: String) -> Reason {
        Reason::Other(s)
    }
}

impl From<&str> for Reason {
    fn from(s: &str) -> Reason {
        Reason::Other(s.to_string())
    }
}

/// Why a writer did not cut the ledger back after a failed write: it
/// never cuts bytes it did not write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotCutBack {
    /// Reading or cutting the file failed (the system's message).
    #[error("{0}")]
    Io(String),
    #[error("it is shorter ({len} bytes) than before ({start})")]
    Shorter { len: u64, start: u64 },
    #[error("it holds {extra} bytes past its old end, more than this command wrote ({wrote})")]
    Longer { extra: u64, wrote: u64 },
    #[error("the bytes past its old end are not the ones this command wrote")]
    NotOurs,
    #[error("its last line before this write is not the one this command read")]
    LineBefore,
}
