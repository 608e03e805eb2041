//! The payload texts kept in issued records (JSON-lines ledgers), for
//! printing a lost notice again without issuing a new code.

use std::io::{BufRead, BufReader};

use super::line;
use super::record::{Event, LedgerFormat};
use super::{Ledger, LedgerError};

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
        let lock = self.lock_shared()?;
        self.load(&lock)?;
        let io = |source| LedgerError::Io {
            path: self.path.clone(),
            source,
        };
        let f = std::fs::File::open(&self.path).map_err(io)?;
        let mut found = Vec::new();
        let code_id = code_id.trim().to_ascii_lowercase();
        let mut first = true;
        for (n, l) in BufReader::new(f).split(b'\n').enumerate() {
            let l = l.map_err(io)?;
            let header = std::mem::replace(&mut first, false) && self.format == LedgerFormat::Csv;
            // Cheap filter first: most lines are other codes.
            if header || memchr::memmem::find(&l, code_id.as_bytes()).is_none() {
                continue;
            }
            let r = line::decode(self.format, &l, None).map_err(|reason| LedgerError::Line {
                path: self.path.clone(),
                line: n as u64 + 1,
                reason: Box::new(reason.into()),
            })?;
            if r.event != Event::Issued
                || r.code_id != code_id
                || issuer.is_some_and(|i| i != r.issuer)
            {
                continue;
            }
            let payload = match self.format {
                LedgerFormat::Jsonl => serde_json::from_slice::<serde_json::Value>(&l)
                    .ok()
                    .and_then(|v| v["payload"].as_str().map(String::from)),
                LedgerFormat::Csv => None,
            };
            found.push(IssuedPayload {
                seq: r.seq,
                issuer: r.issuer,
                code_id: r.code_id,
                payload_sha256: r.payload_sha256,
                payload,
            });
        }
        drop(lock);
        Ok(found)
    }
}
