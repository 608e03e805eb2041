//! The chain on PostgreSQL: the head row every writer locks first, the
//! rows of a set of codes read back as a state, and records encoded after
//! the head and inserted.

use postgres::{GenericClient, Row};

use super::super::chain::Hash;
use super::super::line;
use super::super::record::{Event, LedgerFormat, Record};
use super::super::state::{Checked, CodeKey, LedgerState, rule_key};
use super::{Fail, PgLedger};
use crate::code::KeyId;

impl PgLedger {
    /// Locks the chain head for this transaction: (seq, hash) of the last
    /// record. Every writer takes it first, so appends form one chain.
    pub(super) fn lock_head(&self, tx: &mut impl GenericClient) -> Result<(u64, Hash), Fail> {
        let row = tx
            .query_one(
                &format!("SELECT seq, hash FROM {} FOR UPDATE", self.t("chain_head")),
                &[],
            )
            .map_err(Fail::Retry)?;
        self.head_of(&row)
    }

    /// The head as it is (a reader's snapshot), not locked.
    pub(super) fn read_head(&self, tx: &mut impl GenericClient) -> Result<(u64, Hash), Fail> {
        let row = tx
            .query_one(
                &format!("SELECT seq, hash FROM {}", self.t("chain_head")),
                &[],
            )
            .map_err(Fail::Retry)?;
        self.head_of(&row)
    }

    fn head_of(&self, row: &Row) -> Result<(u64, Hash), Fail> {
        let seq: i64 = row.get(0);
        let hash: Vec<u8> = row.get(1);
        let hash: Hash = hash
            .try_into()
            .map_err(|_| Fail::Final(self.err("chain_head.hash is not 16 bytes")))?;
        Ok((seq as u64, hash))
    }

    /// The state of these codes as the rows say (each line checked): their
    /// issue, redemption, replacement and cancellation records. Rows are
    /// found by code id (an issuer is a hash in a [`CodeKey`]); the state
    /// keeps only the keys asked for. Counts the head's records.
    pub(super) fn load_keys(
        &self,
        tx: &mut impl GenericClient,
        codes: &[CodeKey],
        head: (u64, Hash),
    ) -> Result<LedgerState, Fail> {
        let mut ids: Vec<String> = codes.iter().map(|k| k.id.to_string()).collect();
        ids.sort_unstable();
        ids.dedup();
        let rows = if ids.is_empty() {
            Vec::new()
        } else {
            tx.query(
                &format!(
                    "SELECT seq, line FROM {r} WHERE code_id = ANY($1)
                     UNION
                     SELECT seq, line FROM {r} WHERE replaces = ANY($1)
                     ORDER BY 1",
                    r = self.t("records")
                ),
                &[&ids],
            )
            .map_err(Fail::Retry)?
        };
        let mut state = LedgerState::holding(codes.iter().copied());
        for row in rows {
            let seq: i64 = row.get(0);
            let text: &str = row.get(1);
            let checked = self.checked_line(seq as u64, text)?;
            state
                .place(checked)
                .map_err(|e| Fail::Final(self.line_err(seq as u64, e)))?;
        }
        state
            .seal()
            .map_err(|(seq, e)| Fail::Final(self.line_err(seq, e)))?;
        state.records = head.0;
        state.end = head.0;
        state.last_hash = head.1;
        Ok(state)
    }

    /// One stored line, checked (checksum, fields) and read.
    pub(super) fn checked_line(&self, seq: u64, text: &str) -> Result<Checked, Fail> {
        match line::Read::line(LedgerFormat::Jsonl, text.as_bytes()) {
            line::Read::Bad(e) => Err(Fail::Final(self.line_err(seq, e))),
            line::Read::Framed { record, .. } => {
                let (found, checked) = record.map_err(|e| Fail::Final(self.line_err(seq, e)))?;
                let checked = checked.map_err(|e| Fail::Final(self.line_err(seq, e)))?;
                if found != seq {
                    return Err(Fail::Final(self.line_err(
                        seq,
                        format!("the line says seq {found}, the row says {seq}"),
                    )));
                }
                Ok(checked)
            }
        }
    }

    /// Encodes `records` after the head and inserts them with one
    /// statement; moves the head. Returns the new head.
    pub(super) fn insert(
        &self,
        tx: &mut impl GenericClient,
        head: (u64, Hash),
        records: &mut [Record],
        request: &str,
    ) -> Result<(u64, Hash), Fail> {
        let mut rows = Rows::default();
        let mut hash = head.1;
        let mut buf = Vec::new();
        for (seq, r) in (head.0 + 1..).zip(records.iter_mut()) {
            r.seq = seq;
            buf.clear();
            let prev = hash;
            hash = line::encode(LedgerFormat::Jsonl, r, &prev, &mut buf)
                .map_err(|e| Fail::Final(self.err(e)))?;
            buf.pop(); // the newline: a row holds the line itself
            let text = String::from_utf8(buf.clone())
                .map_err(|_| Fail::Final(self.err("a record is not UTF-8")))?;
            rows.push(r, prev, hash, text);
        }
        rows.insert(self, tx, request)?;
        let new_head = (head.0 + records.len() as u64, hash);
        self.set_head(tx, new_head)?;
        Ok(new_head)
    }

    pub(super) fn set_head(
        &self,
        tx: &mut impl GenericClient,
        head: (u64, Hash),
    ) -> Result<(), Fail> {
        tx.execute(
            &format!("UPDATE {} SET seq = $1, hash = $2", self.t("chain_head")),
            &[&(head.0 as i64), &head.1.to_vec()],
        )
        .map_err(Fail::Retry)?;
        Ok(())
    }

    /// Whether request `request` committed records already (an earlier
    /// attempt whose COMMIT answer was lost).
    pub(super) fn request_done(
        &self,
        tx: &mut impl GenericClient,
        request: &str,
    ) -> Result<bool, Fail> {
        let done: Option<i64> = tx
            .query_one(
                &format!(
                    "SELECT max(seq) FROM {} WHERE request = $1",
                    self.t("records")
                ),
                &[&request],
            )
            .map_err(Fail::Retry)?
            .get(0);
        if done.is_some() {
            self.recovered
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(done.is_some())
    }

    /// A constraint refusing an insert is final: with the head locked it
    /// means a writer went around the lock, and nothing was written.
    fn insert_failed(&self, e: postgres::Error) -> Fail {
        match e.as_db_error() {
            Some(db) if db.code().code() == "23505" => Fail::Final(self.err(format!(
                "the database refused a duplicate ({}): nothing was recorded",
                db.constraint().unwrap_or("unique constraint")
            ))),
            _ => Fail::Retry(e),
        }
    }
}

/// The code id column of a record: its code, or for an all-before
/// cancellation (no code) the key it is kept under ([`rule_key`]), so
/// the unique index allows one such rule per key.
pub(super) fn code_id_column(r: &Record) -> String {
    if r.event == Event::Cancelled && r.code_id.is_empty() {
        let key: Option<KeyId> = r.key_id.as_deref().and_then(|k| k.parse().ok());
        if let Some(k) = key {
            return rule_key(&r.issuer, k).id.to_string();
        }
    }
    r.code_id.clone()
}

/// The event column's name of each kind of record.
pub(super) fn event_name(e: Event) -> &'static str {
    match e {
        Event::Issued => "issued",
        Event::Redeemed => "redeemed",
        Event::Lost => "lost",
        Event::Cancelled => "cancelled",
    }
}

/// Rows for `records`, a column each, inserted by one statement.
#[derive(Default)]
pub(super) struct Rows {
    pub(super) seqs: Vec<i64>,
    events: Vec<&'static str>,
    issuers: Vec<String>,
    ids: Vec<String>,
    references: Vec<Option<String>>,
    replaces: Vec<Option<String>>,
    prevs: Vec<Vec<u8>>,
    hashes: Vec<Vec<u8>>,
    lines: Vec<String>,
}

impl Rows {
    /// The row of `r` (seq assigned), whose line `text` hashes to `hash`.
    pub(super) fn push(&mut self, r: &Record, prev: Hash, hash: Hash, text: String) {
        self.seqs.push(r.seq as i64);
        self.events.push(event_name(r.event));
        self.issuers.push(r.issuer.clone());
        self.ids.push(code_id_column(r));
        self.references.push(match r.event {
            Event::Issued => r.reference.clone(),
            _ => None,
        });
        self.replaces.push(match r.event {
            Event::Issued => r.replaces.clone().filter(|s| !s.is_empty()),
            _ => None,
        });
        self.prevs.push(prev.to_vec());
        self.hashes.push(hash.to_vec());
        self.lines.push(text);
    }

    pub(super) fn insert(
        self,
        pg: &PgLedger,
        tx: &mut impl GenericClient,
        request: &str,
    ) -> Result<(), Fail> {
        if self.seqs.is_empty() {
            return Ok(());
        }
        let requests = vec![request; self.seqs.len()];
        tx.execute(
            &format!(
                "INSERT INTO {} (seq, event, issuer, code_id, reference, replaces, request, \
                 prev, hash, line) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], \
                 $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[], $9::bytea[], \
                 $10::text[])",
                pg.t("records")
            ),
            &[
                &self.seqs,
                &self.events,
                &self.issuers,
                &self.ids,
                &self.references,
                &self.replaces,
                &requests,
                &self.prevs,
                &self.hashes,
                &self.lines,
            ],
        )
        .map_err(|e| pg.insert_failed(e))?;
        Ok(())
    }
}
