//! Moving between a file and PostgreSQL: `ledger export` writes the rows
//! as a JSON-lines file, `ledger import` fills an empty database ledger
//! from one; the lines are the same bytes both ways, so the chain is too.

use std::path::{Path, PathBuf};

use super::super::chain::{self, GENESIS};
use super::super::line;
use super::super::record::LedgerFormat;
use super::super::state::LedgerState;
use super::super::{Ledger, LedgerError, Reason, StateError};
use super::chain::Rows;
use super::{Fail, PgLedger, new_request_id};

impl PgLedger {
    /// Writes every record, checked, to a new JSON-lines file ledger: the
    /// same lines byte for byte, so the same chain. Streams through a
    /// temporary file beside `to`, synced and renamed into place only
    /// once every record was read and checked; `to` must not exist.
    /// Returns the records.
    pub fn export(&self, to: &Path) -> Result<u64, LedgerError> {
        use std::io::Write;
        let io = |e: std::io::Error| LedgerError::Io {
            path: to.to_path_buf(),
            source: e,
        };
        if LedgerFormat::for_path(to) != LedgerFormat::Jsonl {
            return Err(self.err(format!(
                "{}: export writes a JSON-lines ledger (the chain is over JSON lines)",
                to.display()
            )));
        }
        if to.exists() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "exists already; export writes a new ledger",
            )));
        }
        let mut tmp_name = to.as_os_str().to_owned();
        tmp_name.push(".export-tmp");
        let tmp = PathBuf::from(tmp_name);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io)?;
        let mut out =
            std::io::BufWriter::with_capacity(1 << 20, crate::fs::durable::Writer::new(file));
        let mut failed = None;
        let mut state = LedgerState::default();
        let scanned = self.scan(
            &mut state,
            |_, text| {
                if failed.is_none() {
                    failed = out
                        .write_all(text.as_bytes())
                        .and_then(|()| out.write_all(b"\n"))
                        .err();
                }
            },
            |_, _| Ok(()),
        );
        let finished = scanned.and_then(|()| {
            if let Some(e) = failed {
                return Err(io(e));
            }
            let file = out
                .into_inner()
                .map_err(|e| io(e.into_error()))?
                .into_file()
                .map_err(io)?;
            crate::fs::durable::sync_data(&file).map_err(io)?;
            crate::fs::durable::rename(&tmp, to).map_err(io)?;
            crate::fs::durable::sync_parent(to).map_err(io)
        });
        if let Err(e) = finished {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        // Read back as a file ledger: same records, same last hash.
        let file = Ledger::new(to);
        let lock = file.lock_shared()?;
        let back = file.load(&lock)?;
        if (back.records, back.last_hash) != (state.records, state.last_hash) {
            return Err(io(std::io::Error::other(
                "the exported file does not read back as the same chain",
            )));
        }
        Ok(state.records)
    }

    /// Copies a JSON-lines file ledger into this (empty) one, line for
    /// line: every line checked first, then inserted in one transaction
    /// with its own seq, prev and hash, so the chain is the file's.
    /// Returns the records copied.
    pub fn import(&self, from: &Path) -> Result<u64, LedgerError> {
        if LedgerFormat::for_path(from) != LedgerFormat::Jsonl {
            return Err(self.err(format!(
                "{}: import reads a JSON-lines ledger (a CSV ledger's chain is over its CSV \
                 lines; convert it first)",
                from.display()
            )));
        }
        let file = Ledger::new(from);
        let lock = file.lock_shared()?;
        let state = file.load(&lock)?;
        if state.torn_tail {
            return Err(LedgerError::Torn {
                path: from.to_path_buf(),
                line: state.records + 1,
            });
        }
        let text = std::fs::read(from).map_err(|e| LedgerError::Io {
            path: from.to_path_buf(),
            source: e,
        })?;
        let text = &text[..state.end as usize];
        let request = new_request_id();
        let count = state.records;
        self.run(|client| {
            let me = self;
            let mut tx = client.transaction().map_err(Fail::Retry)?;
            me.check_schema(&mut tx)?;
            let head = me.lock_head(&mut tx)?;
            let mine: Option<i64> = tx
                .query_one(
                    &format!(
                        "SELECT max(seq) FROM {} WHERE request = $1",
                        me.t("records")
                    ),
                    &[&request],
                )
                .map_err(Fail::Retry)?
                .get(0);
            if mine.is_some() {
                return Ok(count);
            }
            if head.0 != 0 {
                return Err(Fail::Final(me.err(format!(
                    "the ledger already holds {} record(s); import fills an empty one",
                    head.0
                ))));
            }
            let mut prev = GENESIS;
            let mut seq = 0u64;
            let mut rows = Rows::default();
            for l in text.split_inclusive(|&b| b == b'\n') {
                let l = &l[..l.len() - 1];
                seq += 1;
                let bad = |e: Reason| Fail::Final(file.line_err(seq, e));
                let r =
                    line::decode(LedgerFormat::Jsonl, l, Some(&prev)).map_err(|e| bad(e.into()))?;
                if r.seq != seq {
                    let found = r.seq;
                    return Err(bad(StateError::Seq {
                        found,
                        expected: seq,
                    }
                    .into()));
                }
                let hash = chain::hash(l);
                let text = String::from_utf8(l.to_vec()).map_err(|_| bad("not UTF-8".into()))?;
                rows.push(&r, prev, hash, text);
                prev = hash;
                if rows.seqs.len() == 5000 {
                    std::mem::take(&mut rows).insert(me, &mut tx, &request)?;
                }
            }
            rows.insert(me, &mut tx, &request)?;
            me.set_head(&mut tx, (seq, prev))?;
            tx.commit().map_err(Fail::Retry)?;
            Ok(seq)
        })
    }
}
