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
//! - one redemption, one issue, one replacement and one cancellation per
//!   (issuer, code id) are unique indexes: the database refuses a second
//!   one whatever the client does;
//! - nothing is acknowledged before COMMIT returned. A connection lost on
//!   the way (server restart, a killed backend) is retried with the same
//!   request id, stored with each record: a retry finds its own committed
//!   records and reports them as its own, never writes them again;
//! - `records` is append-only (a trigger refuses UPDATE, DELETE and
//!   TRUNCATE), and `chain_head` remembers how many records the chain
//!   holds and how the last one hashed: records removed anyway are found
//!   like the file ledger's checkpoint finds them.
//!
//! The parts: `schema` (migrations), `chain` (the head, reading and
//! inserting rows), `write` (appends, lookups, the redemption session),
//! `scan` (full reads), `payload` (issued payloads for `payqr notice`) and
//! `transfer` (export to and import from a file).

mod chain;
mod payload;
mod scan;
mod schema;
mod transfer;
mod write;

pub use write::PgSession;

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use postgres::{Client, Config, NoTls};

use super::{LedgerError, Reason};
use crate::code::to_hex;

/// Whether a `--ledger` value names a PostgreSQL ledger, not a file.
pub fn is_url(s: &str) -> bool {
    let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// How long a command keeps trying to reach the server (a restart takes
/// seconds) before it fails; `PAYQR_PG_RETRY_SECS` changes it.
fn retry_window() -> Duration {
    let secs = std::env::var("PAYQR_PG_RETRY_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20u64);
    Duration::from_secs(secs)
}

/// A PostgreSQL ledger: where it is, and one connection (kept between
/// calls; a [`PgSession`] borrows it while it runs).
pub struct PgLedger {
    /// The connection string with any password hidden: what errors name.
    shown: String,
    config: Config,
    schema: String,
    /// A Mutex, not a Cell: a batch's committer thread writes through a
    /// shared reference.
    client: Mutex<Option<Client>>,
    /// Transactions tried again since [`PgLedger::take_retries`].
    retries: AtomicU32,
    /// Retries that found their request committed (the COMMIT's answer
    /// was lost) since [`PgLedger::take_recovered`].
    recovered: AtomicU32,
    /// A session's retry found a code changed since it was judged (see
    /// [`PgLedger::take_stale`]).
    stale: AtomicBool,
    /// The schema's version was found current on this connection's server.
    schema_ok: AtomicBool,
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

impl From<LedgerError> for Fail {
    fn from(e: LedgerError) -> Fail {
        Fail::Final(e)
    }
}

/// Debug builds only: PAYQR_TEST_PG_LOSE_COMMIT=N drops the connection
/// right after the Nth COMMIT of this process succeeded, as a network
/// failure would between the server committing and the client hearing
/// it, so tests can see a retry find its own records.
fn answer_lost() -> bool {
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
            reason: Box::new(Reason::Other(reason)),
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
        // On Windows the driver has no Unix sockets and reads `host=/dir`
        // as a host name: say so rather than call a folder a remote host.
        #[cfg(not(unix))]
        if let Some(dir) = config.get_hosts().iter().find_map(|h| match h {
            postgres::config::Host::Tcp(name) if name.starts_with('/') => Some(name),
            _ => None,
        }) {
            return Err(bad(format!(
                "host={dir} names a Unix socket folder, and Unix sockets are not available \
                 on Windows: connect to localhost (or 127.0.0.1) instead"
            )));
        }
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
            client: Mutex::new(None),
            retries: AtomicU32::new(0),
            recovered: AtomicU32::new(0),
            stale: AtomicBool::new(false),
            schema_ok: AtomicBool::new(false),
        })
    }

    /// How many transactions were tried again (after a lost connection)
    /// since the last call: for a note to the operator.
    pub fn take_retries(&self) -> u32 {
        self.retries.swap(0, Ordering::Relaxed)
    }

    /// How many requests, since the last call, were found committed by a
    /// retry after their COMMIT's answer was lost (acknowledged once, not
    /// written again).
    pub fn take_recovered(&self) -> u32 {
        self.recovered.swap(0, Ordering::Relaxed)
    }

    /// Whether the last failed session append was refused only because
    /// its connection was lost before it wrote and, in the new
    /// transaction, a code turned out changed meanwhile (another counter
    /// redeemed it): nothing was written, and the caller may judge again.
    /// Reading it clears it.
    pub fn take_stale(&self) -> bool {
        self.stale.swap(false, Ordering::Relaxed)
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
            reason: Box::new(Reason::Other(reason.to_string())),
        }
    }

    fn line_err(&self, seq: u64, reason: impl Into<Reason>) -> LedgerError {
        LedgerError::Line {
            path: PathBuf::from(&self.shown),
            line: seq,
            reason: Box::new(reason.into()),
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

    /// The kept connection, taken out (a session or a transaction holds
    /// it); [`PgLedger::put_back`] returns it.
    fn take_client(&self) -> Option<Client> {
        self.client.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    fn put_back(&self, client: Option<Client>) {
        *self.client.lock().unwrap_or_else(|p| p.into_inner()) = client;
    }

    /// Runs `op` in one transaction, again on a new connection when the
    /// connection fails, until `retry_window` has passed. `op` must be
    /// safe to run again: writers carry a request id and find their own
    /// committed records.
    fn run<T>(&self, op: impl FnMut(&mut Client) -> Result<T, Fail>) -> Result<T, LedgerError> {
        let mut slot = self.take_client();
        let r = self.run_on(&mut slot, op);
        self.put_back(slot);
        r
    }

    /// [`PgLedger::run`] on a connection the caller holds (`None`: make
    /// one); a connection that failed is left `None`.
    fn run_on<T>(
        &self,
        slot: &mut Option<Client>,
        mut op: impl FnMut(&mut Client) -> Result<T, Fail>,
    ) -> Result<T, LedgerError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(50);
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            if slot.as_ref().is_some_and(|c| c.is_closed()) {
                *slot = None;
            }
            let tried = match slot {
                Some(c) => op(c),
                None => match self.config.connect(NoTls) {
                    Err(e) => Err(Fail::Retry(e)),
                    Ok(c) => op(slot.insert(c)),
                },
            };
            match tried {
                Ok(v) => return Ok(v),
                Err(Fail::Final(e)) => {
                    // The transaction may still be open: end it, so the
                    // connection can be used again.
                    if let Some(c) = slot.as_mut()
                        && c.batch_execute("ROLLBACK").is_err()
                    {
                        *slot = None;
                    }
                    return Err(e);
                }
                Err(Fail::AnswerLost) => {
                    *slot = None;
                    self.retries.fetch_add(1, Ordering::Relaxed);
                }
                Err(Fail::Retry(e)) if !transient(&e) => {
                    // The transaction is dead; the connection may not be.
                    *slot = None;
                    return Err(self.db_err(&e));
                }
                Err(Fail::Retry(e)) => {
                    *slot = None;
                    self.schema_ok.store(false, Ordering::Relaxed);
                    self.retries.fetch_add(1, Ordering::Relaxed);
                    if started.elapsed() + pause > retry_window() {
                        let mut err = self.db_err(&e);
                        if let LedgerError::Conflict { reason, .. } = &mut err {
                            **reason = Reason::Other(format!(
                                "{reason}; gave up after {attempts} attempt(s) in {:.0} s; \
                                 nothing in this batch was acknowledged (running it again \
                                 never records anything twice)",
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
}

/// COMMIT, and only then may anything be acknowledged.
fn commit(client: &mut impl postgres::GenericClient) -> Result<(), Fail> {
    client.batch_execute("COMMIT").map_err(Fail::Retry)?;
    if answer_lost() {
        return Err(Fail::AnswerLost);
    }
    Ok(())
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
        let socket = PgLedger::open("postgresql://u@localhost/db?host=/tmp/pgsock");
        #[cfg(unix)]
        socket.unwrap();
        // No Unix sockets on Windows: refused, and the error says why
        // (before, it called the folder a remote host without TLS).
        #[cfg(not(unix))]
        {
            let e = socket.err().unwrap().to_string();
            assert!(e.contains("not available on Windows"), "{e}");
        }
    }
}
