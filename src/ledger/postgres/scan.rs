//! Full reads: every record in seq order from one snapshot, a page at a
//! time, each line checked as a file ledger's load checks it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use postgres::IsolationLevel;

use super::super::record::LedgerFormat;
use super::super::state::{Checked, LedgerState, What, issued_twice};
use super::super::{Ledger, LedgerError, StateError, read_lines};
use super::{Fail, PgLedger};
use crate::code::to_hex;

/// Rows fetched at a time by a full read: memory stays bounded whatever
/// the ledger's size.
const PAGE: i32 = 10_000;

impl PgLedger {
    /// Reads every record in seq order, `PAGE` rows at a time from a
    /// portal (bounded memory), in one read-only snapshot, checking each
    /// line as a file ledger's load does: checksum, chain, seq, fields,
    /// and that the row's columns say what its line says. Each record
    /// goes to `each` and to `place` (which builds the state). Then the
    /// chain head must name the last record: records removed show up as
    /// [`LedgerError::Lost`].
    pub(super) fn scan(
        &self,
        state: &mut LedgerState,
        mut each: impl FnMut(&Checked, &str),
        mut place: impl FnMut(&mut LedgerState, Checked) -> Result<(), StateError> + Send,
    ) -> Result<(), LedgerError> {
        // One read of everything: a retry starts again from nothing.
        let start = std::mem::take(state);
        let fake = Ledger::new(Path::new(&self.shown));
        // Records handed out cannot be taken back: a read that lost its
        // connection after that fails rather than hand them out twice.
        let mut emitted = false;
        let out = self.run(|client| {
            let me = self;
            if emitted {
                return Err(Fail::Final(me.err(
                    "the connection was lost in the middle of reading the ledger; nothing was \
                     changed: run the command again",
                )));
            }
            let mut st = LedgerState::default();
            st.only = start.only.clone();
            st.refs_only = start.refs_only;
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(Fail::Retry)?;
            me.check_schema(&mut tx)?;
            let head = me.read_head(&mut tx)?;
            let portal = tx
                .bind(
                    &format!(
                        "SELECT seq, event, issuer, code_id, line FROM {} ORDER BY seq",
                        me.t("records")
                    ),
                    &[],
                )
                .map_err(Fail::Retry)?;
            let mut bytes = Vec::new();
            let mut ends = Vec::new();
            let mut read = Vec::new();
            let mut starts = Vec::new();
            loop {
                let rows = tx.query_portal(&portal, PAGE).map_err(Fail::Retry)?;
                if rows.is_empty() {
                    break;
                }
                bytes.clear();
                starts.clear();
                let mut columns = Vec::with_capacity(rows.len());
                for (i, row) in rows.iter().enumerate() {
                    let seq: i64 = row.get(0);
                    let want = st.records + 1 + i as u64;
                    if seq as u64 != want {
                        return Err(Fail::Final(me.line_err(
                            want,
                            format!("record {want} is missing (the next row holds seq {seq})"),
                        )));
                    }
                    let text: &str = row.get(4);
                    if text.contains('\n') {
                        return Err(Fail::Final(
                            me.line_err(want, "the line holds a line break"),
                        ));
                    }
                    starts.push(bytes.len());
                    bytes.extend_from_slice(text.as_bytes());
                    bytes.push(b'\n');
                    let (event, issuer, code_id): (&str, &str, &str) =
                        (row.get(1), row.get(2), row.get(3));
                    columns.push((event.to_string(), issuer.to_string(), code_id.to_string()));
                }
                read_lines(LedgerFormat::Jsonl, &bytes, &mut ends, &mut read);
                let first = st.records + 1;
                fake.apply_lines(&mut st, &mut read, &mut |st, c, _| {
                    let (event, issuer, code_id) = &columns[(c.seq - first) as usize];
                    let (e, i, id) = match &c.what {
                        What::Issued(_) => ("issued", c.issuer.as_str(), c.code_id.to_string()),
                        What::Redeemed(_) => ("redeemed", c.issuer.as_str(), c.code_id.to_string()),
                        What::Lost(_) => ("lost", "", String::new()),
                        What::Cancelled(_) => {
                            ("cancelled", c.issuer.as_str(), c.code_id.to_string())
                        }
                    };
                    if (e, i, id.as_str()) != (event.as_str(), issuer.as_str(), code_id.as_str()) {
                        return Err(StateError::Columns {
                            event: event.clone(),
                            issuer: issuer.clone(),
                            code_id: code_id.clone(),
                        });
                    }
                    let k = (c.seq - first) as usize;
                    let end = starts.get(k + 1).map_or(bytes.len(), |&e| e) - 1;
                    each(
                        &c,
                        std::str::from_utf8(&bytes[starts[k]..end]).unwrap_or_default(),
                    );
                    emitted = true;
                    place(st, c)
                })?;
            }
            tx.commit().map_err(Fail::Retry)?;
            st.seal()
                .map_err(|(seq, e)| Fail::Final(me.line_err(seq, e)))?;
            if (st.records, st.last_hash) != head {
                return Err(Fail::Final(LedgerError::Lost {
                    path: PathBuf::from(&me.shown),
                    reason: format!(
                        "the chain head says {} record(s) ending in a line hashed {}, the table \
                         holds {} ending in {}",
                        head.0,
                        to_hex(&head.1),
                        st.records,
                        to_hex(&st.last_hash)
                    ),
                }));
            }
            Ok(st)
        })?;
        *state = out;
        Ok(())
    }

    /// Every record read and checked ([`PgLedger::scan`]): what `ledger
    /// check` reports.
    pub fn load(&self) -> Result<LedgerState, LedgerError> {
        let mut state = LedgerState::default();
        self.scan(&mut state, |_, _| {}, |st, c| st.place(c))?;
        Ok(state)
    }

    /// Like [`Ledger::load_each`]: every record to `each` in order; the
    /// state keeps the redemptions and losses, no issued code, so a
    /// million codes stream through in bounded memory (reconcile keeps
    /// its own compact book).
    pub fn load_each(&self, mut each: impl FnMut(&Checked)) -> Result<LedgerState, LedgerError> {
        let mut state = LedgerState::default();
        state.only = Some(HashSet::new());
        let mut issued = Vec::new();
        self.scan(
            &mut state,
            |c, _| each(c),
            |st, c| {
                match &c.what {
                    What::Issued(_) => {
                        let i =
                            u32::try_from(issued.len()).map_err(|_| StateError::TooManyCodes)?;
                        issued.push((c.key, i));
                        return Ok(());
                    }
                    What::Redeemed(_) => {
                        if let Some(only) = st.only.as_mut() {
                            only.insert(c.key);
                        }
                    }
                    What::Lost(_) => {}
                    What::Cancelled(_) => {
                        if let Some(only) = st.only.as_mut() {
                            only.insert(c.key);
                        }
                    }
                }
                st.place(c)
            },
        )?;
        // The unique index makes a second issue impossible; a table that
        // lost it is still caught.
        if let Some((key, _)) = issued_twice(issued) {
            let code = Some(key.id);
            return Err(self.err(StateError::IssuedTwice { code }));
        }
        Ok(state)
    }
}
