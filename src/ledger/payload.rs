//! The payload texts kept in issued records (JSON-lines ledgers, and
//! PostgreSQL's rows, which hold the same lines), for printing a lost
//! notice again without issuing a new code.

use std::io::{BufRead, BufReader};

use super::checked::CodeKey;
use super::line;
use super::record::{Event, LedgerFormat, Record};
use super::state::LedgerState;
use super::{Ledger, LedgerError};
use crate::code::CodeId;

/// What a lost notice is looked up by: the code id printed on it, or the
/// reference the clerk knows it by (the plate, the bill number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    CodeId(&'a str),
    Reference(&'a str),
}

/// Why an issued code can no longer be paid, as the ledger says. A notice
/// of such a code would send the payer to a counter that refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotPayable {
    /// `issue --reissue` replaced it by this code.
    ReplacedBy(CodeId),
    /// `payqr cancel` cancelled it (its own cancellation or its key's
    /// all-before one): the reason given.
    Cancelled(String),
    /// It was redeemed: when (UTC seconds).
    Redeemed(u64),
}

/// One issued record of the code asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedPayload {
    pub seq: u64,
    pub issuer: String,
    pub code_id: String,
    /// The payload's SHA-256 as the record states it.
    pub payload_sha256: Option<String>,
    /// The payload text, when the record keeps it (JSON-lines ledgers from
    /// the version that added it on).
    pub payload: Option<String>,
    /// Whether the ledger says the code can no longer be paid, and why.
    pub not_payable: Option<NotPayable>,
}

impl Ledger {
    /// The issued records of `code_id` (of `issuer`, when given), read
    /// under a shared lock after the whole ledger was checked (checksums
    /// and hash chain, [`Ledger::load`]): a payload edited in the file is
    /// refused there, never printed.
    pub fn issued_payloads(
        &self,
        code_id: &str,
        issuer: Option<&str>,
    ) -> Result<Vec<IssuedPayload>, LedgerError> {
        self.issued_payloads_by(Lookup::CodeId(code_id), issuer)
    }

    /// [`Ledger::issued_payloads`] by code id or by reference. A reference
    /// finds the codes issued for it that no reissue replaced (one per
    /// issuer): a reissued fine is found as its live code, never as the
    /// code it replaced.
    pub fn issued_payloads_by(
        &self,
        lookup: Lookup<'_>,
        issuer: Option<&str>,
    ) -> Result<Vec<IssuedPayload>, LedgerError> {
        let lock = self.lock_shared()?;
        let state = self.load(&lock)?;
        let wanted: Vec<String> = match lookup {
            Lookup::CodeId(id) => vec![id.trim().to_ascii_lowercase()],
            Lookup::Reference(r) => state
                .issued
                .iter()
                .filter(|c| c.reference == r && issuer.is_none_or(|i| i == &*c.issuer))
                .filter(|c| {
                    state
                        .replaced_by(&CodeKey::of(&c.issuer, c.code_id))
                        .is_none()
                })
                .map(|c| c.code_id.to_string())
                .collect(),
        };
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let io = |source| LedgerError::Io {
            path: self.path.clone(),
            source,
        };
        let f = std::fs::File::open(&self.path).map_err(io)?;
        let mut found = Vec::new();
        let mut first = true;
        for (n, l) in BufReader::new(f).split(b'\n').enumerate() {
            let l = l.map_err(io)?;
            let header = std::mem::replace(&mut first, false) && self.format == LedgerFormat::Csv;
            // Cheap filter first: most lines are other codes.
            if header
                || !wanted
                    .iter()
                    .any(|id| memchr::memmem::find(&l, id.as_bytes()).is_some())
            {
                continue;
            }
            let r = line::decode(self.format, &l, None).map_err(|reason| LedgerError::Line {
                path: self.path.clone(),
                line: n as u64 + 1,
                reason: Box::new(reason.into()),
            })?;
            if r.event != Event::Issued
                || !wanted.contains(&r.code_id)
                || issuer.is_some_and(|i| i != r.issuer)
            {
                continue;
            }
            found.push(IssuedPayload::of(self.format, &l, r, &state));
        }
        drop(lock);
        Ok(found)
    }
}

impl IssuedPayload {
    /// The issued record `r`, decoded from `line`, with its payload text
    /// (JSON lines keep it) and what `state` says against paying it. One
    /// reading for the file ledger and PostgreSQL, whose rows hold the
    /// same JSON lines.
    pub(super) fn of(
        format: LedgerFormat,
        line: &[u8],
        r: Record,
        state: &LedgerState,
    ) -> IssuedPayload {
        let payload = match format {
            LedgerFormat::Jsonl => serde_json::from_slice::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v["payload"].as_str().map(String::from)),
            LedgerFormat::Csv => None,
        };
        let not_payable = not_payable(state, &r.issuer, &r.code_id);
        IssuedPayload {
            seq: r.seq,
            issuer: r.issuer,
            code_id: r.code_id,
            payload_sha256: r.payload_sha256,
            payload,
            not_payable,
        }
    }
}

/// What the checked state says against paying the code, if anything.
fn not_payable(state: &LedgerState, issuer: &str, code_id: &str) -> Option<NotPayable> {
    let id: CodeId = code_id.parse().ok()?;
    let key = CodeKey::of(issuer, id);
    if let Some(r) = state.replaced_by(&key) {
        return Some(NotPayable::ReplacedBy(r.by));
    }
    if let Some(c) = state.issued(&key)
        && let Some(key_id) = c.key_id
        && let Some(x) = state.cancellation(issuer, key_id, id, c.issued_at)
    {
        return Some(NotPayable::Cancelled(x.reason.clone()));
    }
    state.redemption(&key).map(|r| NotPayable::Redeemed(r.time))
}
