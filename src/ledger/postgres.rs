//! The ledger on PostgreSQL (15+): for many counters on many machines,
//! where a file on shared storage cannot be locked reliably.
//!
//! Every record is stored as the very JSON line a JSON-lines file ledger
//! would hold (`line`), so the chain, the checksums and every check are
//! the file ledger's own ([`super::line`], [`super::state`]); the other
//! columns are copies of fields of that line, there for the constraints
//! and lookups (`ledger check` proves they agree with the line).
//!
//! Rules (docs/FORMAT.md, "PostgreSQL ledger"):
//! - one writer at a time extends the chain: every writing transaction
//!   first locks the single `chain_head` row (`SELECT ... FOR UPDATE`),
//!   reads the head's seq and hash, checks its records against the rows
//!   of their codes, inserts them with the next seqs chained to the head,
//!   moves the head and commits. `seq` is the primary key and `prev` is
//!   unique, so even a writer that skipped the lock could not fork the
//!   chain;
//! - one redemption, one issue and one replacement per (issuer, code id)
//!   are unique indexes: the database refuses a second one whatever the
//!   client does;
//! - nothing is acknowledged before COMMIT returned. A connection lost on
//!   the way (server restart, a killed backend) is retried with the same
//!   request id, stored with each record: a retry finds its own committed
//!   records and reports them as its own, never writes them again;
//! - `records` is append-only (a trigger refuses UPDATE, DELETE and
//!   TRUNCATE), and `chain_head` remembers how many records the chain
//!   holds and how the last one hashed: records removed anyway are found
//!   like the file ledger's checkpoint finds them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use postgres::{Client, Config, IsolationLevel, NoTls, Row};

use super::backend::Redeemed;
use super::line::{self, GENESIS, Hash};
use super::record::{Event, LedgerFormat, Record};
use super::state::{Checked, CodeKey, LedgerState, What};
use super::{Ledger, LedgerError, Probe};
use crate::code::{CodeId, to_hex};

/// Whether a `--ledger` value names a PostgreSQL ledger, not a file.
pub fn is_url(s: &str) -> bool {
    let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The migrations, in order; each runs once, in the transaction that
/// records it in `migrations`. `{s}` is the schema.
const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "records, chain head, uniqueness and append-only",
    r#"
CREATE TABLE {s}.chain_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq bigint NOT NULL CHECK (seq >= 0),
    hash bytea NOT NULL CHECK (length(hash) = 16)
);
INSERT INTO {s}.chain_head (one, seq, hash) VALUES (true, 0, '\x00000000000000000000000000000000');
CREATE TABLE {s}.records (
    seq bigint PRIMARY KEY CHECK (seq >= 1),
    event text NOT NULL CHECK (event IN ('issued', 'redeemed', 'lost')),
    issuer text NOT NULL,
    code_id text NOT NULL,
    reference text,
    replaces text,
    request text,
    prev bytea NOT NULL UNIQUE CHECK (length(prev) = 16),
    hash bytea NOT NULL CHECK (length(hash) = 16),
    line text NOT NULL
);
CREATE UNIQUE INDEX records_one_issue ON {s}.records (issuer, code_id) WHERE event = 'issued';
CREATE UNIQUE INDEX records_one_redemption ON {s}.records (issuer, code_id) WHERE event = 'redeemed';
CREATE UNIQUE INDEX records_one_replacement ON {s}.records (issuer, replaces) WHERE replaces IS NOT NULL;
CREATE INDEX records_by_reference ON {s}.records (issuer, reference) WHERE event = 'issued';
CREATE INDEX records_by_request ON {s}.records (request) WHERE request IS NOT NULL;
CREATE FUNCTION {s}.records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payqr ledger records are append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON {s}.records
    FOR EACH ROW EXECUTE FUNCTION {s}.records_append_only();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON {s}.records
    FOR EACH STATEMENT EXECUTE FUNCTION {s}.records_append_only();
"#,
)];

/// Rows fetched at a time by a full read: memory stays bounded whatever
/// the ledger's size.
const PAGE: i32 = 10_000;

/// How long a command keeps trying to reach the server (a restart takes
/// seconds) before it fails; `PAYQR_PG_RETRY_SECS` changes it.
fn retry_window() -> Duration {
    let secs = std::env::var("PAYQR_PG_RETRY_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20u64);
    Duration::from_secs(secs)
}

/// A PostgreSQL ledger: where it is, and one connection.
pub struct PgLedger {
    /// The connection string with any password hidden: what errors name.
    shown: String,
    config: Config,
    schema: String,
    client: Option<Client>,
    /// Transactions tried again since [`PgLedger::take_retries`].
    retries: u32,
}

/// Why a transaction attempt failed: worth another try on a new
/// connection, or final.
enum Fail {
    Retry(postgres::Error),
    Final(LedgerError),
    /// COMMIT went through but its answer is treated as lost (a fault
    /// only debug builds inject, see [`answer_lost`]).
    AnswerLost,
}

/// Debug builds only: PAYQR_TEST_PG_LOSE_COMMIT=N drops the connection
/// right after the Nth COMMIT of this process succeeded, as a network
/// failure would between the server committing and the client hearing
/// it, so tests can see a retry find its own records.
fn answer_lost() -> bool {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COMMITS: AtomicU32 = AtomicU32::new(0);
    if !cfg!(debug_assertions) {
        return false;
    }
    let Some(n) = std::env::var("PAYQR_TEST_PG_LOSE_COMMIT")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    else {
        return false;
    };
    COMMITS.fetch_add(1, Ordering::Relaxed) + 1 == n
}

/// COMMIT, and only then may anything be acknowledged.
fn commit(tx: postgres::Transaction) -> Result<(), Fail> {
    tx.commit().map_err(Fail::Retry)?;
    if answer_lost() {
        return Err(Fail::AnswerLost);
    }
    Ok(())
}

impl From<LedgerError> for Fail {
    fn from(e: LedgerError) -> Fail {
        Fail::Final(e)
    }
}

/// Errors that say the connection or the server went away (or the server
/// asks to try again): the transaction did not commit, or its outcome is
/// unknown, and the request id settles which.
fn transient(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        None => e.as_db_error().is_none(),
        Some(c) => {
            let c = c.code();
            c.starts_with("08") // connection exception
                || c.starts_with("57P") // admin/crash shutdown, cannot connect now
                || c == "40001" // serialization failure
                || c == "40P01" // deadlock detected
        }
    }
}

impl PgLedger {
    /// Parses `postgres://user@host/db?schema=NAME` (or `postgresql://`;
    /// `host=/dir` names a Unix socket directory). Connects later.
    pub fn open(url: &str) -> Result<PgLedger, LedgerError> {
        let shown = hide_password(url);
        let bad = |reason: String| LedgerError::Conflict {
            path: PathBuf::from(&shown),
            reason,
        };
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut schema = "payqr".to_string();
        let mut kept = Vec::new();
        for kv in query.split('&').filter(|s| !s.is_empty()) {
            match kv.split_once('=') {
                Some(("schema", v)) => schema = v.to_string(),
                _ => kept.push(kv),
            }
        }
        let valid = !schema.is_empty()
            && schema.len() <= 63
            && schema.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(bad(format!(
                "schema {schema:?}: use lowercase letters, digits and _ (at most 63)"
            )));
        }
        let rebuilt = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config: Config = rebuilt
            .parse()
            .map_err(|e| bad(format!("not a PostgreSQL connection string: {e}")))?;
        // payqr links no TLS library: it talks to a server over a Unix
        // socket or loopback only, unless told plainly that the network
        // path is trusted (sslmode=disable), so a password or a ledger
        // never crosses a network in clear by accident.
        let remote = config.get_hosts().iter().any(|h| match h {
            postgres::config::Host::Tcp(name) => !is_loopback(name),
            #[cfg(unix)]
            postgres::config::Host::Unix(_) => false,
        });
        if remote && config.get_ssl_mode() != postgres::config::SslMode::Disable {
            return Err(bad(
                "payqr connects without TLS, so only over a Unix socket or loopback; for \
                 another host use a local tunnel, or add sslmode=disable if the network is \
                 trusted"
                    .into(),
            ));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if config.get_application_name().is_none() {
            config.application_name("payqr");
        }
        Ok(PgLedger {
            shown,
            config,
            schema,
            client: None,
            retries: 0,
        })
    }

    /// How many transactions were tried again (after a lost connection)
    /// since the last call: for a note to the operator.
    pub fn take_retries(&mut self) -> u32 {
        std::mem::take(&mut self.retries)
    }

    /// The connection string as errors show it (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    pub fn schema(&self) -> &str {
        &self.schema
    }

    fn err(&self, reason: impl std::fmt::Display) -> LedgerError {
        LedgerError::Conflict {
            path: PathBuf::from(&self.shown),
            reason: reason.to_string(),
        }
    }

    fn db_err(&self, e: &postgres::Error) -> LedgerError {
        // The server's message, on one line.
        let text = match e.as_db_error() {
            Some(db) => format!("{} ({})", db.message(), db.code().code()),
            None => {
                let mut s = e.to_string();
                let mut src = std::error::Error::source(e);
                while let Some(inner) = src {
                    s = format!("{s}: {inner}");
                    src = inner.source();
                }
                s
            }
        };
        self.err(format!("database: {}", text.replace('\n', " ")))
    }

    /// A table name qualified with the schema (checked when opened).
    fn t(&self, table: &str) -> String {
        format!("{}.{table}", self.schema)
    }

    /// The connection, made (again) if there is none or it broke.
    fn client(&mut self) -> Result<&mut Client, postgres::Error> {
        if self.client.as_ref().is_none_or(|c| c.is_closed()) {
            self.client = None;
            self.client = Some(self.config.connect(NoTls)?);
        }
        Ok(self.client.as_mut().expect("just connected"))
    }

    /// Runs `op` in one transaction, again on a new connection when the
    /// connection fails, until `retry_window` has passed. `op` must be
    /// safe to run again: writers carry a request id and find their own
    /// committed records.
    fn run<T>(
        &mut self,
        mut op: impl FnMut(&mut Client, &PgLedger) -> Result<T, Fail>,
    ) -> Result<T, LedgerError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(50);
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let tried = match self.client() {
                Err(e) => Err(Fail::Retry(e)),
                Ok(_) => {
                    let mut client = self.client.take().expect("connected");
                    let r = op(&mut client, self);
                    self.client = Some(client);
                    r
                }
            };
            match tried {
                Ok(v) => return Ok(v),
                Err(Fail::Final(e)) => return Err(e),
                Err(Fail::AnswerLost) => {
                    self.client = None;
                    self.retries += 1;
                }
                Err(Fail::Retry(e)) if !transient(&e) => return Err(self.db_err(&e)),
                Err(Fail::Retry(e)) => {
                    self.client = None;
                    self.retries += 1;
                    if started.elapsed() + pause > retry_window() {
                        let mut err = self.db_err(&e);
                        if let LedgerError::Conflict { reason, .. } = &mut err {
                            reason.push_str(&format!(
                                "; gave up after {attempts} attempt(s) in {:.0} s; nothing \
                                 in this batch was acknowledged (running it again never \
                                 records anything twice)",
                                started.elapsed().as_secs_f64()
                            ));
                        }
                        return Err(err);
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(1));
                }
            }
        }
    }

    /// Creates the schema, or brings it up to date: every migration not
    /// yet recorded runs once, under an advisory lock so two `init`s at
    /// once do not race. Returns the versions applied now.
    pub fn init(&mut self) -> Result<Vec<i32>, LedgerError> {
        self.run(|client, me| {
            let mut tx = client.transaction().map_err(Fail::Retry)?;
            tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&me.schema])
                .map_err(Fail::Retry)?;
            tx.batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {s};
                 CREATE TABLE IF NOT EXISTS {s}.migrations (
                     version integer PRIMARY KEY,
                     name text NOT NULL,
                     applied_at timestamptz NOT NULL DEFAULT now())",
                s = me.schema
            ))
            .map_err(Fail::Retry)?;
            let have: i32 = tx
                .query_one(
                    &format!(
                        "SELECT coalesce(max(version), 0) FROM {}",
                        me.t("migrations")
                    ),
                    &[],
                )
                .map_err(Fail::Retry)?
                .get(0);
            let mut applied = Vec::new();
            for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > have) {
                tx.batch_execute(&sql.replace("{s}", &me.schema))
                    .map_err(Fail::Retry)?;
                tx.execute(
                    &format!(
                        "INSERT INTO {} (version, name) VALUES ($1, $2)",
                        me.t("migrations")
                    ),
                    &[version, name],
                )
                .map_err(Fail::Retry)?;
                applied.push(*version);
            }
            tx.commit().map_err(Fail::Retry)?;
            Ok(applied)
        })
    }

    /// Errs unless the schema is there and fully migrated.
    fn check_schema(&self, tx: &mut postgres::Transaction) -> Result<(), Fail> {
        let want = MIGRATIONS.last().map_or(0, |m| m.0);
        let found = tx
            .query_opt(
                "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = 'migrations'",
                &[&self.schema],
            )
            .map_err(Fail::Retry)?;
        let have: i32 = match found {
            None => 0,
            Some(_) => tx
                .query_one(
                    &format!(
                        "SELECT coalesce(max(version), 0) FROM {}",
                        self.t("migrations")
                    ),
                    &[],
                )
                .map_err(Fail::Retry)?
                .get(0),
        };
        if have < want {
            return Err(Fail::Final(self.err(format!(
                "schema {} is not set up (version {have}, payqr needs {want}): run `payqr ledger \
                 init --ledger URL`",
                self.schema
            ))));
        }
        if have > want {
            return Err(Fail::Final(self.err(format!(
                "schema {} is at version {have}, newer than this payqr knows ({want}): upgrade \
                 payqr",
                self.schema
            ))));
        }
        Ok(())
    }

    /// Locks the chain head for this transaction: (seq, hash) of the last
    /// record. Every writer takes it first, so appends form one chain.
    fn lock_head(&self, tx: &mut postgres::Transaction) -> Result<(u64, Hash), Fail> {
        let row = tx
            .query_one(
                &format!("SELECT seq, hash FROM {} FOR UPDATE", self.t("chain_head")),
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

    /// The state of these codes as the rows say (each line checked):
    /// their issue, redemption and replacement records, with the request
    /// id each redemption was written by. Counts the head's records.
    fn load_keys(
        &self,
        tx: &mut postgres::Transaction,
        codes: &[(String, String)],
        head: (u64, Hash),
    ) -> Result<(LedgerState, HashMap<CodeKey, String>), Fail> {
        let issuers: Vec<&str> = codes.iter().map(|c| c.0.as_str()).collect();
        let ids: Vec<&str> = codes.iter().map(|c| c.1.as_str()).collect();
        let rows = tx
            .query(
                &format!(
                    "SELECT r.seq, r.line, r.request FROM {r} r
                       JOIN unnest($1::text[], $2::text[]) AS k(issuer, code_id)
                         ON r.issuer = k.issuer AND r.code_id = k.code_id
                     UNION
                     SELECT r.seq, r.line, r.request FROM {r} r
                       JOIN unnest($1::text[], $2::text[]) AS k(issuer, code_id)
                         ON r.issuer = k.issuer AND r.replaces = k.code_id
                     ORDER BY 1",
                    r = self.t("records")
                ),
                &[&issuers, &ids],
            )
            .map_err(Fail::Retry)?;
        let mut state = LedgerState::default();
        let keys: HashSet<CodeKey> = codes
            .iter()
            .filter_map(|(issuer, id)| Some(CodeKey::of(issuer, id.parse().ok()?)))
            .collect();
        state.only = Some(keys);
        let mut requests = HashMap::new();
        for row in rows {
            let seq: i64 = row.get(0);
            let text: &str = row.get(1);
            let request: Option<String> = row.get(2);
            let checked = self.checked_line(seq as u64, text)?;
            if let (What::Redeemed(_), Some(req)) = (&checked.what, request) {
                requests.insert(checked.key, req);
            }
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
        Ok((state, requests))
    }

    fn line_err(&self, seq: u64, reason: String) -> LedgerError {
        LedgerError::Line {
            path: PathBuf::from(&self.shown),
            line: seq,
            reason,
        }
    }

    /// One stored line, checked (checksum, fields) and read.
    fn checked_line(&self, seq: u64, text: &str) -> Result<Checked, Fail> {
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
    fn insert(
        &self,
        tx: &mut postgres::Transaction,
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

    fn set_head(&self, tx: &mut postgres::Transaction, head: (u64, Hash)) -> Result<(), Fail> {
        tx.execute(
            &format!("UPDATE {} SET seq = $1, hash = $2", self.t("chain_head")),
            &[&(head.0 as i64), &head.1.to_vec()],
        )
        .map_err(Fail::Retry)?;
        Ok(())
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

    /// Records redemptions, exactly once each: in one transaction under
    /// the chain head's lock, each record whose code is neither redeemed
    /// nor replaced (nor redeemed earlier in `records`) is inserted; the
    /// rest are refused. Acknowledged only once COMMIT returned. Returns
    /// what happened to each record, and the state of their codes after
    /// (which names the redemption or replacement a refusal met).
    pub fn redeem(
        &mut self,
        records: Vec<Record>,
    ) -> Result<(LedgerState, Vec<Redeemed>), LedgerError> {
        let request = new_request_id();
        let codes: Vec<(String, String)> = records
            .iter()
            .map(|r| (r.issuer.clone(), r.code_id.clone()))
            .collect();
        self.run(|client, me| {
            let mut tx = client.transaction().map_err(Fail::Retry)?;
            me.check_schema(&mut tx)?;
            let head = me.lock_head(&mut tx)?;
            let (mut state, requests) = me.load_keys(&mut tx, &codes, head)?;
            let mut verdicts = Vec::with_capacity(records.len());
            let mut fresh = Vec::new();
            let mut in_batch = HashSet::new();
            for r in &records {
                let id: CodeId = r.code_id.parse().map_err(|e| Fail::Final(me.err(e)))?;
                let key = CodeKey::of(&r.issuer, id);
                let v = if state.redemption(&key).is_some() {
                    // Ours from an attempt whose COMMIT went through
                    // though its answer was lost: acknowledged, once.
                    if requests.get(&key).map(String::as_str) == Some(request.as_str())
                        && in_batch.insert(key)
                    {
                        Redeemed::SameRequest
                    } else {
                        Redeemed::Refused
                    }
                } else if state.replaced_by(&key).is_some() || !in_batch.insert(key) {
                    Redeemed::Refused
                } else {
                    fresh.push(r.clone());
                    Redeemed::New
                };
                verdicts.push(v);
            }
            let mut probe = Probe::default();
            for r in &fresh {
                probe.check(&state, r).map_err(|e| Fail::Final(me.err(e)))?;
            }
            if !fresh.is_empty() {
                me.insert(&mut tx, head, &mut fresh, &request)?;
            }
            commit(tx)?;
            for r in fresh {
                state.apply(r).map_err(|e| Fail::Final(me.err(e)))?;
            }
            state.seal().map_err(|(_, e)| Fail::Final(me.err(e)))?;
            Ok((state, verdicts))
        })
    }

    /// Appends records (issued codes, reconcile's redemptions) as the file
    /// ledger's `append` does: all or nothing, refused on any conflict
    /// (a code issued or redeemed already, a reference already issued
    /// unless the record replaces its code). A retry after a lost answer
    /// finds its own records and does not write them again.
    pub fn append(&mut self, records: Vec<Record>) -> Result<(), LedgerError> {
        if records.is_empty() {
            return Ok(());
        }
        let request = new_request_id();
        let mut codes: Vec<(String, String)> = Vec::new();
        for r in &records {
            codes.push((r.issuer.clone(), r.code_id.clone()));
            if let Some(old) = r.replaces.as_deref().filter(|s| !s.is_empty()) {
                codes.push((r.issuer.clone(), old.to_string()));
            }
        }
        self.run(|client, me| {
            let mut tx = client.transaction().map_err(Fail::Retry)?;
            me.check_schema(&mut tx)?;
            let head = me.lock_head(&mut tx)?;
            let done: Option<i64> = tx
                .query_one(
                    &format!(
                        "SELECT max(seq) FROM {} WHERE request = $1",
                        me.t("records")
                    ),
                    &[&request],
                )
                .map_err(Fail::Retry)?
                .get(0);
            if done.is_some() {
                // An earlier attempt committed: its answer was lost.
                return Ok(());
            }
            let (state, _) = me.load_keys(&mut tx, &codes, head)?;
            let mut probe = Probe::default();
            for r in &records {
                probe.check(&state, r).map_err(|e| Fail::Final(me.err(e)))?;
                if r.event == Event::Issued && r.replaces.as_deref().is_none_or(str::is_empty) {
                    let reference = r.reference.as_deref().unwrap_or_default();
                    let prev = tx
                        .query_opt(
                            &format!(
                                "SELECT code_id FROM {} WHERE event = 'issued' AND issuer = $1 \
                                 AND reference = $2 LIMIT 1",
                                me.t("records")
                            ),
                            &[&r.issuer, &reference],
                        )
                        .map_err(Fail::Retry)?;
                    if let Some(row) = prev {
                        let id: &str = row.get(0);
                        return Err(Fail::Final(me.err(format!(
                            "reference {reference:?} was already issued as code {id}"
                        ))));
                    }
                }
            }
            let mut records = records.clone();
            me.insert(&mut tx, head, &mut records, &request)?;
            commit(tx)?;
            Ok(())
        })
    }

    /// The state of these codes (issuer, code id), read only: what
    /// `verify --ledger` judges a code against.
    pub fn lookup(&mut self, codes: &[(String, String)]) -> Result<LedgerState, LedgerError> {
        self.run(|client, me| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(Fail::Retry)?;
            me.check_schema(&mut tx)?;
            let row = tx
                .query_one(
                    &format!("SELECT seq, hash FROM {}", me.t("chain_head")),
                    &[],
                )
                .map_err(Fail::Retry)?;
            let head = me.head_of(&row)?;
            let (state, _) = me.load_keys(&mut tx, codes, head)?;
            tx.commit().map_err(Fail::Retry)?;
            Ok(state)
        })
    }

    /// The latest code issued for (issuer, reference), if any: what a
    /// single `issue` checks before it writes images ([`PgLedger::append`]
    /// checks again, atomically).
    pub fn code_for_reference(
        &mut self,
        issuer: &str,
        reference: &str,
    ) -> Result<Option<String>, LedgerError> {
        self.run(|client, me| {
            let mut tx = client.transaction().map_err(Fail::Retry)?;
            me.check_schema(&mut tx)?;
            let row = tx
                .query_opt(
                    &format!(
                        "SELECT code_id FROM {} WHERE event = 'issued' AND issuer = $1 AND \
                         reference = $2 ORDER BY seq DESC LIMIT 1",
                        me.t("records")
                    ),
                    &[&issuer, &reference],
                )
                .map_err(Fail::Retry)?;
            Ok(row.map(|r| r.get(0)))
        })
    }

    /// Reads every record in seq order, `PAGE` rows at a time from a
    /// portal (bounded memory), in one read-only snapshot, checking each
    /// line as a file ledger's load does: checksum, chain, seq, fields,
    /// and that the row's columns say what its line says. Each record
    /// goes to `each` and to `place` (which builds the state). Then the
    /// chain head must name the last record: records removed show up as
    /// [`LedgerError::Lost`].
    fn scan(
        &mut self,
        state: &mut LedgerState,
        mut each: impl FnMut(&Checked, &str),
        mut place: impl FnMut(&mut LedgerState, Checked) -> Result<(), String> + Send,
    ) -> Result<(), LedgerError> {
        // One read of everything: a retry starts again from nothing.
        let start = std::mem::take(state);
        let fake = Ledger::new(Path::new(&self.shown));
        // Records handed out cannot be taken back: a read that lost its
        // connection after that fails rather than hand them out twice.
        let mut emitted = false;
        let out = self.run(|client, me| {
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
            let head_row = tx
                .query_one(
                    &format!("SELECT seq, hash FROM {}", me.t("chain_head")),
                    &[],
                )
                .map_err(Fail::Retry)?;
            let head = me.head_of(&head_row)?;
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
                            me.line_err(want, "the line holds a line break".into()),
                        ));
                    }
                    starts.push(bytes.len());
                    bytes.extend_from_slice(text.as_bytes());
                    bytes.push(b'\n');
                    let (event, issuer, code_id): (&str, &str, &str) =
                        (row.get(1), row.get(2), row.get(3));
                    columns.push((event.to_string(), issuer.to_string(), code_id.to_string()));
                }
                super::read_lines(LedgerFormat::Jsonl, &bytes, &mut ends, &mut read);
                let first = st.records + 1;
                fake.apply_lines(&mut st, &mut read, &mut |st, c, _| {
                    let (event, issuer, code_id) = &columns[(c.seq - first) as usize];
                    let (e, i, id) = match &c.what {
                        What::Issued(_) => ("issued", c.issuer.as_str(), c.code_id.to_string()),
                        What::Redeemed(_) => ("redeemed", c.issuer.as_str(), c.code_id.to_string()),
                        What::Lost(_) => ("lost", "", String::new()),
                    };
                    if (e, i, id.as_str()) != (event.as_str(), issuer.as_str(), code_id.as_str()) {
                        return Err(format!(
                            "the row's columns (event {event:?}, issuer {issuer:?}, code_id \
                             {code_id:?}) do not say what its line says"
                        ));
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
    pub fn load(&mut self) -> Result<LedgerState, LedgerError> {
        let mut state = LedgerState::default();
        self.scan(&mut state, |_, _| {}, |st, c| st.place(c))?;
        Ok(state)
    }

    /// Like [`Ledger::load_each`]: every record to `each` in order; the
    /// state keeps the redemptions and losses, no issued code, so a
    /// million codes stream through in bounded memory (reconcile keeps
    /// its own compact book).
    pub fn load_each(
        &mut self,
        mut each: impl FnMut(&Checked),
    ) -> Result<LedgerState, LedgerError> {
        let mut state = LedgerState::default();
        state.only = Some(HashSet::new());
        let mut issued = Vec::new();
        self.scan(
            &mut state,
            |c, _| each(c),
            |st, c| {
                match &c.what {
                    What::Issued(_) => {
                        let i = u32::try_from(issued.len()).map_err(|_| "too many codes")?;
                        issued.push((c.key, i));
                        return Ok(());
                    }
                    What::Redeemed(_) => {
                        if let Some(only) = st.only.as_mut() {
                            only.insert(c.key);
                        }
                    }
                    What::Lost(_) => {}
                }
                st.place(c)
            },
        )?;
        // The unique index makes a second issue impossible; a table that
        // lost it is still caught.
        if let Some((key, _)) = super::state::issued_twice(issued) {
            return Err(self.err(format!("code {} issued twice", key.id)));
        }
        Ok(state)
    }

    /// Writes every record, checked, to a new JSON-lines file ledger: the
    /// same lines byte for byte, so the same chain. Streams through a
    /// temporary file beside `to`, synced and renamed into place only
    /// once every record was read and checked; `to` must not exist.
    /// Returns the records.
    pub fn export(&mut self, to: &Path) -> Result<u64, LedgerError> {
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
    pub fn import(&mut self, from: &Path) -> Result<u64, LedgerError> {
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
        self.run(|client, me| {
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
                let bad = |e: String| Fail::Final(file.line_err(seq, e));
                let r = line::decode(LedgerFormat::Jsonl, l, Some(&prev)).map_err(bad)?;
                if r.seq != seq {
                    return Err(bad(format!("seq {} out of order (expected {seq})", r.seq)));
                }
                let hash = line::hash(l);
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

/// Rows for `records`, a column each, inserted by one statement.
#[derive(Default)]
struct Rows {
    seqs: Vec<i64>,
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
    fn push(&mut self, r: &Record, prev: Hash, hash: Hash, text: String) {
        self.seqs.push(r.seq as i64);
        self.events.push(event_name(r.event));
        self.issuers.push(r.issuer.clone());
        self.ids.push(r.code_id.clone());
        self.references.push(match r.event {
            Event::Issued => r.reference.clone(),
            _ => None,
        });
        self.replaces
            .push(r.replaces.clone().filter(|s| !s.is_empty()));
        self.prevs.push(prev.to_vec());
        self.hashes.push(hash.to_vec());
        self.lines.push(text);
    }

    fn insert(
        self,
        pg: &PgLedger,
        tx: &mut postgres::Transaction,
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

fn event_name(e: Event) -> &'static str {
    match e {
        Event::Issued => "issued",
        Event::Redeemed => "redeemed",
        Event::Lost => "lost",
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// 128 random bits naming one request (a redemption batch, an append):
/// stored with its records, so a retry knows its own.
fn new_request_id() -> String {
    let mut b = [0u8; 16];
    // Without randomness a fixed id would make retries of different
    // requests look like one: fall back to time and pid, still distinct.
    if getrandom::fill(&mut b).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        b.copy_from_slice(&(t ^ (u128::from(std::process::id()) << 96)).to_le_bytes());
    }
    to_hex(&b)
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`.
fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth_end, _) = rest
        .char_indices()
        .find(|&(_, c)| c == '/' || c == '?')
        .unwrap_or((rest.len(), ' '));
    let authority = &rest[..auth_end];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{}", &rest[auth_end..]),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_recognised_and_passwords_hidden() {
        assert!(is_url("postgres://u@localhost/db"));
        assert!(is_url("PostgreSQL://u@localhost/db"));
        assert!(!is_url("ledger.jsonl"));
        assert!(!is_url("postgres"));
        assert_eq!(
            hide_password("postgres://u:s3cret@localhost/db?schema=x"),
            "postgres://u:***@localhost/db?schema=x"
        );
        assert_eq!(hide_password("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn schema_and_tls_rules() {
        let l = PgLedger::open("postgres://u@localhost/db?schema=bureau_1").unwrap();
        assert_eq!(l.schema(), "bureau_1");
        assert_eq!(
            PgLedger::open("postgres://u@127.0.0.1/db")
                .unwrap()
                .schema(),
            "payqr"
        );
        for bad in ["x;drop", "Upper", "", "1abc"] {
            let e = PgLedger::open(&format!("postgres://u@localhost/db?schema={bad}"));
            assert!(e.is_err(), "{bad}");
        }
        let e = PgLedger::open("postgres://u:pw@db.example/db")
            .err()
            .unwrap();
        let e = e.to_string();
        assert!(e.contains("without TLS") && !e.contains("pw@"), "{e}");
        PgLedger::open("postgres://u@db.example/db?sslmode=disable").unwrap();
        PgLedger::open("postgresql://u@localhost/db?host=/tmp/pgsock").unwrap();
    }
}
