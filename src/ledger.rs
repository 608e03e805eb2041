//! The ledger: an append-only local file recording every issued and every
//! redeemed code. JSON lines by default, CSV when the file name ends in
//! `.csv`; both carry the same fields so other tools can read either.
//!
//! Rules that keep money safe:
//! - a writer holds an exclusive lock on `<ledger>.lock`, a dedicated file
//!   that is never renamed or deleted (locking the ledger itself breaks as
//!   soon as anyone renames it); readers take the shared lock;
//! - new records go out in a single `write` of whole lines followed by
//!   `sync_data`; only then does a command report success;
//! - loading checks every line (sequence numbers, fields, no second issue
//!   of a code id, no second redemption) and names the first bad line.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::code::{CodeId, Kind, SignedCode};
use crate::currency::Currency;
use crate::time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerFormat {
    Jsonl,
    Csv,
}

impl LedgerFormat {
    pub fn for_path(path: &Path) -> LedgerFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => LedgerFormat::Csv,
            _ => LedgerFormat::Jsonl,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    Issued,
    Redeemed,
}

/// One ledger line. Issued records fill the code fields; redeemed records
/// fill txn/channel/source. Times are UTC RFC 3339; amounts minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub time: String,
    pub event: Event,
    pub issuer: String,
    pub code_id: String,
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub amount: Option<u64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub payee: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub issued_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub payload_sha256: Option<String>,
    #[serde(default)]
    pub txn: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// Issued records of `payqr issue --reissue`: the code id this code
    /// replaces (same issuer and reference).
    #[serde(default)]
    pub replaces: Option<String>,
}

impl Record {
    /// The record of a freshly issued code (seq assigned on append).
    pub fn issued(code: &SignedCode, now: u64) -> Record {
        let c = &code.code;
        Record {
            seq: 0,
            time: time::format_utc(now),
            event: Event::Issued,
            issuer: c.issuer.clone(),
            code_id: c.code_id.to_string(),
            key_id: Some(c.key_id.to_string()),
            kind: Some(c.kind),
            amount: Some(c.amount),
            currency: Some(c.currency.code.to_string()),
            payee: Some(c.payee.clone()),
            reference: Some(c.reference.clone()),
            issued_at: Some(time::format_utc(c.issued_at)),
            expires_at: Some(time::format_utc(c.expires_at)),
            payload_sha256: Some(code.digest_hex()),
            txn: None,
            channel: None,
            source: None,
            replaces: None,
        }
    }

    /// The record of a redemption (seq assigned on append).
    pub fn redeemed(
        issuer: &str,
        code_id: CodeId,
        now: u64,
        txn: Option<String>,
        channel: &str,
        source: Option<String>,
    ) -> Record {
        Record {
            seq: 0,
            time: time::format_utc(now),
            event: Event::Redeemed,
            issuer: issuer.to_string(),
            code_id: code_id.to_string(),
            key_id: None,
            kind: None,
            amount: None,
            currency: None,
            payee: None,
            reference: None,
            issued_at: None,
            expires_at: None,
            payload_sha256: None,
            txn,
            channel: Some(channel.to_string()),
            source,
            replaces: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}:{line}: {reason}")]
    Line {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{path}:{line}: last line is incomplete (a write was interrupted)")]
    Torn { path: PathBuf, line: u64 },
    #[error("{path}: cannot lock {lock}: the file system does not support locking ({source})")]
    LockUnsupported {
        path: PathBuf,
        lock: PathBuf,
        source: io::Error,
    },
    #[error("{path}: {reason}")]
    Conflict { path: PathBuf, reason: String },
}

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

/// Everything the ledger says, indexed.
#[derive(Debug, Default)]
pub struct LedgerState {
    /// Issued codes in ledger order.
    pub issued: Vec<Issued>,
    by_code: HashMap<CodeId, usize>,
    by_reference: HashMap<(String, String), CodeId>,
    pub redeemed: HashMap<CodeId, Redemption>,
    pub records: u64,
    /// Whether the file ends in a partial line (ignored, reported).
    pub torn_tail: bool,
}

impl LedgerState {
    pub fn issued(&self, id: &CodeId) -> Option<&Issued> {
        self.by_code.get(id).map(|&i| &self.issued[i])
    }

    pub fn redemption(&self, id: &CodeId) -> Option<&Redemption> {
        self.redeemed.get(id)
    }

    pub fn code_for_reference(&self, issuer: &str, reference: &str) -> Option<CodeId> {
        self.by_reference
            .get(&(issuer.to_string(), reference.to_string()))
            .copied()
    }

    pub fn next_seq(&self) -> u64 {
        self.records + 1
    }

    /// Checks one record against the state and applies it.
    fn apply(&mut self, r: &Record) -> Result<(), String> {
        if r.seq != self.next_seq() {
            return Err(format!(
                "seq {} out of order (expected {})",
                r.seq,
                self.next_seq()
            ));
        }
        let utc = chrono::FixedOffset::east_opt(0).expect("utc");
        let when = |field: &str, v: &Option<String>| -> Result<u64, String> {
            let s = v.as_deref().ok_or(format!("{field}: missing"))?;
            time::parse_time(s, 0, utc).map_err(|e| format!("{field}: {e}"))
        };
        let time = when("time", &Some(r.time.clone()))?;
        let code_id: CodeId = r.code_id.parse().map_err(|e| format!("code_id: {e}"))?;
        crate::code::check_issuer(&r.issuer).map_err(|e| e.to_string())?;
        match r.event {
            Event::Issued => {
                if self.by_code.contains_key(&code_id) {
                    return Err(format!("code {code_id} issued twice"));
                }
                let need =
                    |field: &str, v: &Option<String>| v.clone().ok_or(format!("{field}: missing"));
                let currency = need("currency", &r.currency)?;
                let currency = Currency::from_code(&currency)
                    .ok_or(format!("currency: unknown {currency:?}"))?;
                let issued = Issued {
                    seq: r.seq,
                    issuer: r.issuer.clone(),
                    code_id,
                    kind: r.kind.ok_or("kind: missing")?,
                    amount: r
                        .amount
                        .filter(|&a| a > 0)
                        .ok_or("amount: missing or zero")?,
                    currency,
                    payee: need("payee", &r.payee)?,
                    reference: need("reference", &r.reference)?,
                    issued_at: when("issued_at", &r.issued_at)?,
                    expires_at: when("expires_at", &r.expires_at)?,
                    payload_sha256: r.payload_sha256.clone(),
                };
                self.by_reference
                    .insert((issued.issuer.clone(), issued.reference.clone()), code_id);
                self.by_code.insert(code_id, self.issued.len());
                self.issued.push(issued);
            }
            Event::Redeemed => {
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
                        txn: r.txn.clone(),
                        channel: r.channel.clone().unwrap_or_default(),
                        source: r.source.clone(),
                    },
                );
            }
        }
        self.records += 1;
        Ok(())
    }
}

/// A held lock on `<ledger>.lock`; released on drop.
pub struct LockGuard {
    _file: File,
}

pub struct Ledger {
    path: PathBuf,
    format: LedgerFormat,
}

const CSV_FIELDS: usize = 18;

impl Ledger {
    pub fn new(path: &Path) -> Ledger {
        Ledger {
            path: path.to_path_buf(),
            format: LedgerFormat::for_path(path),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn format(&self) -> LedgerFormat {
        self.format
    }

    fn io(&self, source: io::Error) -> LedgerError {
        LedgerError::Io {
            path: self.path.clone(),
            source,
        }
    }

    pub fn lock_path(&self) -> PathBuf {
        let mut s = self.path.as_os_str().to_owned();
        s.push(".lock");
        PathBuf::from(s)
    }

    fn take_lock(&self, exclusive: bool) -> Result<LockGuard, LedgerError> {
        let lock = self.lock_path();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
            .map_err(|source| LedgerError::Io {
                path: lock.clone(),
                source,
            })?;
        let r = if exclusive {
            file.lock()
        } else {
            file.lock_shared()
        };
        r.map_err(|source| LedgerError::LockUnsupported {
            path: self.path.clone(),
            lock,
            source,
        })?;
        Ok(LockGuard { _file: file })
    }

    /// Exclusive lock for writers; blocks until other writers are done.
    pub fn lock(&self) -> Result<LockGuard, LedgerError> {
        self.take_lock(true)
    }

    /// Shared lock for readers.
    pub fn lock_shared(&self) -> Result<LockGuard, LedgerError> {
        self.take_lock(false)
    }

    /// Reads and checks every record. A missing file is an empty ledger.
    /// A torn final line is ignored and flagged in `torn_tail`.
    pub fn load(&self, _lock: &LockGuard) -> Result<LedgerState, LedgerError> {
        let mut bytes = Vec::new();
        match File::open(&self.path) {
            Ok(mut f) => {
                f.read_to_end(&mut bytes).map_err(|e| self.io(e))?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(LedgerState::default()),
            Err(e) => return Err(self.io(e)),
        }
        let mut state = LedgerState::default();
        let complete = match bytes.iter().rposition(|&b| b == b'\n') {
            Some(i) => i + 1,
            None => 0,
        };
        if complete < bytes.len() {
            state.torn_tail = true;
        }
        let body = &bytes[..complete];
        let line_err = |line: u64, reason: String| LedgerError::Line {
            path: self.path.clone(),
            line,
            reason,
        };
        match self.format {
            LedgerFormat::Jsonl => {
                for (i, line) in body.split_inclusive(|&b| b == b'\n').enumerate() {
                    let n = i as u64 + 1;
                    let line = &line[..line.len() - 1];
                    if line.is_empty() {
                        return Err(line_err(n, "empty line".into()));
                    }
                    let r: Record = serde_json::from_slice(line)
                        .map_err(|e| line_err(n, format!("not a ledger record: {e}")))?;
                    state.apply(&r).map_err(|e| line_err(n, e))?;
                }
            }
            LedgerFormat::Csv => {
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .from_reader(body);
                let headers = rdr
                    .headers()
                    .map_err(|e| line_err(1, e.to_string()))?
                    .clone();
                // CSV_FIELDS - 1: ledgers written before `replaces` existed.
                if !headers.is_empty() && !(CSV_FIELDS - 1..=CSV_FIELDS).contains(&headers.len()) {
                    return Err(line_err(
                        1,
                        format!(
                            "header has {} columns, expected {CSV_FIELDS}",
                            headers.len()
                        ),
                    ));
                }
                for rec in rdr.records() {
                    let rec = rec.map_err(|e| {
                        let line = e.position().map_or(0, |p| p.line());
                        line_err(line, e.to_string())
                    })?;
                    let n = rec.position().map_or(0, |p| p.line());
                    let r: Record = rec
                        .deserialize(Some(&headers))
                        .map_err(|e| line_err(n, format!("not a ledger record: {e}")))?;
                    state.apply(&r).map_err(|e| line_err(n, e))?;
                }
            }
        }
        Ok(state)
    }

    fn encode(&self, records: &[Record], with_header: bool) -> Vec<u8> {
        match self.format {
            LedgerFormat::Jsonl => {
                let mut out = Vec::new();
                for r in records {
                    // Drop null fields: a redemption line stays short.
                    let mut v = serde_json::to_value(r).expect("serializable");
                    if let Some(map) = v.as_object_mut() {
                        map.retain(|_, v| !v.is_null());
                    }
                    serde_json::to_writer(&mut out, &v).expect("in-memory write");
                    out.push(b'\n');
                }
                out
            }
            LedgerFormat::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .has_headers(with_header)
                    .from_writer(Vec::new());
                for r in records {
                    w.serialize(r).expect("in-memory write");
                }
                w.into_inner().expect("in-memory write")
            }
        }
    }

    /// Appends records under the exclusive lock: assigns sequence numbers,
    /// checks them against `state`, writes all lines at once, syncs, and
    /// only then updates `state`. On any error nothing is acknowledged.
    pub fn append(
        &self,
        _lock: &LockGuard,
        state: &mut LedgerState,
        mut records: Vec<Record>,
    ) -> Result<(), LedgerError> {
        if records.is_empty() {
            return Ok(());
        }
        if state.torn_tail {
            return Err(LedgerError::Torn {
                path: self.path.clone(),
                line: state.records + 1,
            });
        }
        for (seq, r) in (state.next_seq()..).zip(records.iter_mut()) {
            r.seq = seq;
        }
        // Check the whole batch first, so a conflict (second redemption,
        // duplicate id) writes nothing at all.
        let mut probe = Probe::default();
        for r in &records {
            probe
                .check(state, r)
                .map_err(|reason| LedgerError::Conflict {
                    path: self.path.clone(),
                    reason,
                })?;
        }
        let mut f = OpenOptions::new()
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(|e| self.io(e))?;
        let empty = f.metadata().map_err(|e| self.io(e))?.len() == 0;
        let bytes = self.encode(&records, empty && self.format == LedgerFormat::Csv);
        // One write of whole lines, then sync: the record is acknowledged
        // only once it is on disk.
        f.write_all(&bytes).map_err(|e| self.io(e))?;
        f.sync_data().map_err(|e| self.io(e))?;
        if empty {
            crate::fsutil::sync_parent(&self.path).map_err(|e| self.io(e))?;
        }
        for r in &records {
            state.apply(r).map_err(|reason| LedgerError::Conflict {
                path: self.path.clone(),
                reason,
            })?;
        }
        Ok(())
    }
}

/// Conflict checks for a batch of new records against the state and each
/// other, without touching the state.
#[derive(Default)]
struct Probe {
    issued: std::collections::HashSet<String>,
    redeemed: std::collections::HashSet<String>,
}

impl Probe {
    fn check(&mut self, state: &LedgerState, r: &Record) -> Result<(), String> {
        let id: CodeId = r.code_id.parse()?;
        match r.event {
            Event::Issued => {
                if state.issued(&id).is_some() || !self.issued.insert(r.code_id.clone()) {
                    return Err(format!("code {id} is already issued"));
                }
            }
            Event::Redeemed => {
                if state.redemption(&id).is_some() || !self.redeemed.insert(r.code_id.clone()) {
                    return Err(format!("code {id} is already redeemed"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{Code, KeyId};
    use ed25519_dalek::SigningKey;

    fn code(n: u8) -> SignedCode {
        let k = SigningKey::from_bytes(&[3u8; 32]);
        Code {
            issuer: "bj-traffic".into(),
            key_id: KeyId::of(&k.verifying_key()),
            code_id: CodeId([n; 8]),
            kind: Kind::Fine,
            amount: 20000,
            currency: Currency::from_code("CNY").unwrap(),
            payee: "BJ-FINES".into(),
            reference: format!("京A1234{n}"),
            issued_at: 1_795_000_000,
            expires_at: 1_795_014_400,
            description: None,
        }
        .sign(&k)
        .unwrap()
    }

    fn both() -> Vec<(tempfile::TempDir, Ledger)> {
        ["l.jsonl", "l.csv"]
            .iter()
            .map(|name| {
                let d = tempfile::tempdir().unwrap();
                let l = Ledger::new(&d.path().join(name));
                (d, l)
            })
            .collect()
    }

    #[test]
    fn append_reload_and_refuse_double_redemption() {
        for (_d, l) in both() {
            let lock = l.lock().unwrap();
            let mut st = l.load(&lock).unwrap();
            let recs = vec![Record::issued(&code(1), 5), Record::issued(&code(2), 5)];
            l.append(&lock, &mut st, recs).unwrap();
            let r = Record::redeemed(
                "bj-traffic",
                CodeId([1; 8]),
                9,
                Some("T1".into()),
                "counter",
                None,
            );
            l.append(&lock, &mut st, vec![r.clone()]).unwrap();
            let err = l.append(&lock, &mut st, vec![r]).unwrap_err();
            assert!(err.to_string().contains("already redeemed"), "{err}");
            let st = l.load(&lock).unwrap();
            assert_eq!(st.records, 3);
            assert_eq!(st.issued.len(), 2);
            assert_eq!(
                st.redemption(&CodeId([1; 8])).unwrap().txn.as_deref(),
                Some("T1")
            );
            assert_eq!(
                st.code_for_reference("bj-traffic", "京A12342"),
                Some(CodeId([2; 8]))
            );
            assert!(l.lock_path().exists());
        }
    }

    #[test]
    fn bad_lines_are_named() {
        for (_d, l) in both() {
            let lock = l.lock().unwrap();
            let mut st = l.load(&lock).unwrap();
            l.append(
                &lock,
                &mut st,
                vec![Record::issued(&code(1), 5), Record::issued(&code(2), 5)],
            )
            .unwrap();
            let text = std::fs::read_to_string(l.path()).unwrap();
            // Swap the two records: sequence numbers go out of order.
            let lines: Vec<&str> = text.lines().collect();
            let n = lines.len();
            let mut swapped: Vec<&str> = lines.clone();
            swapped.swap(n - 1, n - 2);
            std::fs::write(l.path(), swapped.join("\n") + "\n").unwrap();
            let err = l.load(&lock).unwrap_err().to_string();
            assert!(
                err.contains(&format!(":{}:", n - 1)) && err.contains("seq"),
                "{err}"
            );
            // A torn tail is flagged, and appending refuses to build on it.
            std::fs::write(l.path(), text.clone() + "{\"seq\":3").unwrap();
            let mut st = l.load(&lock).unwrap();
            assert!(st.torn_tail);
            assert!(
                l.append(&lock, &mut st, vec![Record::issued(&code(3), 5)])
                    .is_err()
            );
        }
    }
}
