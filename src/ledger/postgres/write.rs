//! Writing and asking: appends (issued codes, cancellations, reconcile's
//! redemptions), the redemption session, and the lookups of codes and
//! references that come before a write.

use postgres::{Client, GenericClient};

use super::super::chain::{GENESIS, Hash};
use super::super::record::{Event, Record};
use super::super::state::{CodeKey, LedgerState};
use super::super::{LedgerError, Probe};
use super::chain::code_id_column;
use super::{Fail, PgLedger, commit, new_request_id};
use crate::code::CodeId;

/// The codes a set of records touches: each record's own, and the code a
/// reissue replaces.
fn keys_of(records: &[Record]) -> Vec<CodeKey> {
    let mut keys = Vec::new();
    for r in records {
        if let Ok(id) = code_id_column(r).parse::<CodeId>() {
            keys.push(CodeKey::of(&r.issuer, id));
        }
        let old = r.replaces.as_deref().filter(|s| !s.is_empty());
        if let Some(Ok(old)) = old.map(str::parse::<CodeId>) {
            keys.push(CodeKey::of(&r.issuer, old));
        }
    }
    keys
}

impl PgLedger {
    /// Appends records (issued codes, cancellations, reconcile's
    /// redemptions) as the file ledger's `append` does: all or nothing,
    /// refused on any conflict (a code issued, redeemed or cancelled
    /// already, a reference already issued unless the record replaces its
    /// code). One transaction under the chain head's lock; a retry after a
    /// lost answer finds its own records and does not write them again.
    pub fn append(&self, records: Vec<Record>) -> Result<(), LedgerError> {
        if records.is_empty() {
            return Ok(());
        }
        let request = new_request_id();
        let codes = keys_of(&records);
        self.run(|client| {
            client.batch_execute("BEGIN").map_err(Fail::Retry)?;
            self.check_schema(client)?;
            let head = self.lock_head(client)?;
            if self.request_done(client, &request)? {
                // An earlier attempt committed: its answer was lost.
                return commit(client);
            }
            let state = self.load_keys(client, &codes, head)?;
            let mut probe = Probe::default();
            for r in &records {
                probe
                    .check(&state, r)
                    .map_err(|e| Fail::Final(self.err(e)))?;
            }
            self.check_references(client, &records)?;
            let mut records = records.clone();
            self.insert(client, head, &mut records, &request)?;
            commit(client)
        })
    }

    /// Refuses a new code (not a reissue) for a reference that has one: in
    /// the writing transaction, under the head's lock, so two clerks
    /// issuing the same reference at once cannot both succeed.
    fn check_references(
        &self,
        tx: &mut impl GenericClient,
        records: &[Record],
    ) -> Result<(), Fail> {
        let (issuers, references): (Vec<&str>, Vec<&str>) = records
            .iter()
            .filter(|r| r.event == Event::Issued)
            .filter(|r| r.replaces.as_deref().is_none_or(str::is_empty))
            .map(|r| {
                (
                    r.issuer.as_str(),
                    r.reference.as_deref().unwrap_or_default(),
                )
            })
            .unzip();
        if issuers.is_empty() {
            return Ok(());
        }
        let found = tx
            .query_opt(
                &format!(
                    "SELECT r.reference, r.code_id FROM {} r
                       JOIN unnest($1::text[], $2::text[]) AS k(issuer, reference)
                         ON r.issuer = k.issuer AND r.reference = k.reference
                      WHERE r.event = 'issued' LIMIT 1",
                    self.t("records")
                ),
                &[&issuers, &references],
            )
            .map_err(Fail::Retry)?;
        match found {
            None => Ok(()),
            Some(row) => {
                let (reference, id): (&str, &str) = (row.get(0), row.get(1));
                Err(Fail::Final(self.err(format!(
                    "reference {reference:?} was already issued as code {id}"
                ))))
            }
        }
    }

    /// The state of these codes, read only (one snapshot): what `verify
    /// --ledger` judges a code against.
    pub fn lookup(&self, codes: &[CodeKey]) -> Result<LedgerState, LedgerError> {
        self.run(|client| {
            client
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(Fail::Retry)?;
            self.check_schema(client)?;
            let head = self.read_head(client)?;
            let state = self.load_keys(client, codes, head)?;
            commit(client)?;
            Ok(state)
        })
    }

    /// For each reference of `issuer`, the latest code issued for it and
    /// whether that code was redeemed: what a batch asks for each chunk
    /// before it signs (skip, reissue or issue), and a single code before
    /// it draws. [`PgLedger::append`] checks again, atomically.
    pub fn references(
        &self,
        issuer: &str,
        references: &[&str],
    ) -> Result<Vec<(Option<CodeId>, bool)>, LedgerError> {
        let rows = self.run(|client| {
            client
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(Fail::Retry)?;
            self.check_schema(client)?;
            let rows = client
                .query(
                    &format!(
                        "SELECT c.code_id, EXISTS (SELECT 1 FROM {r} p WHERE p.event = 'redeemed'
                                AND p.issuer = $1 AND p.code_id = c.code_id)
                           FROM unnest($2::text[]) WITH ORDINALITY AS k(reference, i)
                           LEFT JOIN LATERAL (SELECT code_id FROM {r} WHERE event = 'issued'
                                AND issuer = $1 AND reference = k.reference
                                ORDER BY seq DESC LIMIT 1) c ON true
                          ORDER BY k.i",
                        r = self.t("records")
                    ),
                    &[&issuer, &references],
                )
                .map_err(Fail::Retry)?;
            commit(client)?;
            Ok(rows)
        })?;
        rows.iter()
            .map(|row| {
                let id: Option<&str> = row.get(0);
                let paid: Option<bool> = row.get(1);
                let id = id
                    .map(str::parse::<CodeId>)
                    .transpose()
                    .map_err(|e| self.err(format!("a code_id column: {e}")))?;
                Ok((id, id.is_some() && paid == Some(true)))
            })
            .collect()
    }

    /// Starts a redemption session over `codes`: a transaction holding the
    /// chain head's lock, and what the rows say about those codes.
    pub fn begin(&self, codes: &[CodeKey]) -> Result<PgSession<'_>, LedgerError> {
        let mut session = PgSession {
            pg: self,
            client: self.take_client(),
            open: false,
            head: (0, GENESIS),
            codes: codes.to_vec(),
            state: LedgerState::holding(codes.iter().copied()),
        };
        session.reopen()?;
        Ok(session)
    }
}

/// One redemption session on PostgreSQL: a transaction that holds the
/// chain head's row lock (so sessions of all counters take turns, as the
/// file ledger's lock makes them), and the state of its codes read in it.
/// [`PgSession::append`] commits; a later append in the same session opens
/// a new transaction, reads the codes again and checks its records
/// against what it finds, so nothing another counter wrote in between is
/// overlooked. Dropped without an append: rolled back, nothing written.
pub struct PgSession<'l> {
    pg: &'l PgLedger,
    client: Option<Client>,
    /// A transaction is open on `client` and holds the head's lock.
    open: bool,
    head: (u64, Hash),
    codes: Vec<CodeKey>,
    state: LedgerState,
}

impl PgSession<'_> {
    fn reopen(&mut self) -> Result<(), LedgerError> {
        let (pg, codes) = (self.pg, &self.codes);
        let (head, state) = pg.run_on(&mut self.client, |c| {
            c.batch_execute("BEGIN").map_err(Fail::Retry)?;
            pg.check_schema(c)?;
            let head = pg.lock_head(c)?;
            let state = pg.load_keys(c, codes, head)?;
            Ok((head, state))
        })?;
        (self.head, self.state, self.open) = (head, state, true);
        Ok(())
    }

    /// What the ledger says about the session's codes, with what this
    /// session appended.
    pub fn state(&self) -> &LedgerState {
        &self.state
    }

    /// Inserts `records` after the head and commits: all or none, and
    /// only returns once COMMIT did. The unique indexes refuse a second
    /// redemption whatever happened before. A connection lost on the way
    /// is made again and the transaction run again with the same request
    /// id: if the lost one had committed, its records are found and not
    /// written twice.
    pub fn append(&mut self, records: Vec<Record>) -> Result<(), LedgerError> {
        if records.is_empty() {
            return Ok(());
        }
        let request = new_request_id();
        let pg = self.pg;
        let codes = &self.codes;
        let (mut open, mut head) = (self.open, self.head);
        let mut state = std::mem::take(&mut self.state);
        let done = pg.run_on(&mut self.client, |c| {
            if !open {
                c.batch_execute("BEGIN").map_err(Fail::Retry)?;
                pg.check_schema(c)?;
                head = pg.lock_head(c)?;
                let mine = pg.request_done(c, &request)?;
                state = pg.load_keys(c, codes, head)?;
                if mine {
                    // Committed by an attempt whose answer was lost: the
                    // state just read holds its records.
                    commit(c)?;
                    return Ok(None);
                }
            }
            // Whatever happens next, this transaction ends here: a retry
            // begins a new one and reads the codes again.
            let judged_here = std::mem::replace(&mut open, false);
            let mut probe = Probe::default();
            for r in &records {
                if let Err(e) = probe.check(&state, r) {
                    // Judged in a transaction that was lost: the caller
                    // may judge again ([`PgLedger::take_stale`]).
                    pg.stale
                        .store(!judged_here, std::sync::atomic::Ordering::Relaxed);
                    let why = match judged_here {
                        true => String::new(),
                        false => " (changed since it was judged; nothing of this group was \
                                  recorded)"
                            .into(),
                    };
                    return Err(Fail::Final(pg.err(format!("{e}{why}"))));
                }
            }
            let mut recs = records.clone();
            pg.insert(c, head, &mut recs, &request)?;
            commit(c)?;
            Ok(Some(recs))
        });
        self.open = false;
        let done = match done {
            Ok(d) => d,
            Err(e) => {
                self.state = state;
                return Err(e);
            }
        };
        if let Some(recs) = done {
            for r in recs {
                state.apply(r).map_err(|e| pg.err(e))?;
            }
            state.seal().map_err(|(_, e)| pg.err(e))?;
        }
        self.state = state;
        Ok(())
    }
}

impl Drop for PgSession<'_> {
    fn drop(&mut self) {
        if self.open
            && let Some(c) = self.client.as_mut()
            && c.batch_execute("ROLLBACK").is_err()
        {
            self.client = None;
        }
        self.pg.put_back(self.client.take());
    }
}
