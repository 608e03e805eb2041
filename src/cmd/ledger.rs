//! `payqr ledger`: inspect and repair the ledger.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;

use payqr::i18n::{Lang, admin};
use payqr::ledger::{Backend, Ledger, LedgerError, LedgerState, PgLedger};

use super::{CmdResult, Failure, Outcome};

pub type Args = super::group::Group<Action>;

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Check every record, its checksum and the hash chain; report counts or the first bad line.
    #[command(after_help = "\
Example:
  payqr ledger check --ledger ledger.jsonl

Also reported: evidence of lost records (the checkpoint LEDGER.ckpt or the index
LEDGER.idx covers more than the ledger holds: see `ledger repair --record-loss`), a reference paid twice
through a reissue (a code and the code replacing it both redeemed), and every
loss recorded in the ledger (reported always; it does not fail the check).

Exit status 0 when the ledger is sound, 1 when a line is bad, the last line is
torn, records are missing, or a reference was paid twice.")]
    Check {
        /// A file ledger, or a PostgreSQL one (postgres://USER@HOST/DB?schema=NAME).
        #[arg(long, value_name = "FILE|URL")]
        ledger: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cut off an incomplete last line left by an interrupted write; record lost records.
    #[command(after_help = "\
Examples:
  payqr ledger repair --ledger ledger.jsonl
  payqr ledger repair --ledger ledger.jsonl --record-loss

Only a last line without its newline is removed (it was never acknowledged).
A bad complete line is reported and nothing is changed: restore it from a
backup.

When the checkpoint LEDGER.ckpt (rewritten after every append) or the index
LEDGER.idx covers more than the ledger holds (records cut off the end, the
ledger replaced by an older copy), every command that writes
refuses (exit 2) and so does verify --ledger: a redemption on a lost line could
otherwise be accepted again. --record-loss appends a `lost` record saying how
many records and bytes were lost and the hash of the last line that was
covered, chained like any record, and then drops the stale index. The loss
stays in the ledger for good: `ledger check` and `reconcile` report it on every
run. Restore the lost records from a backup first if you can.

Exit status 0 when the ledger is whole afterwards, 1 otherwise.")]
    Repair {
        /// The file ledger (a PostgreSQL URL is refused: see `ledger check`).
        #[arg(long, value_name = "FILE")]
        ledger: PathBuf,
        /// Record the loss that the index shows as a `lost` record in the
        /// ledger, so that writing can resume.
        #[arg(long)]
        record_loss: bool,
    },
    /// Create or update the schema of a PostgreSQL ledger (idempotent).
    #[command(after_help = "\
Example:
  payqr ledger init --ledger 'postgres://payqr@localhost/bureau?schema=payqr'
  payqr ledger init --ledger 'postgresql:///bureau?host=/run/postgresql'

Creates the schema (default `payqr`, or ?schema=NAME) and runs every migration
not yet applied, each once, recorded in SCHEMA.migrations. Running it again
changes nothing. payqr connects without TLS: over a Unix socket or loopback,
or to another host only with sslmode=disable on a trusted network.")]
    Init {
        /// A postgres:// or postgresql:// connection string.
        #[arg(long, value_name = "URL")]
        ledger: String,
    },
    /// Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain.
    #[command(after_help = "\
Example:
  payqr ledger export --ledger 'postgres://payqr@localhost/bureau' --to ledger.jsonl

Every record is read and checked (as `ledger check` does) from one snapshot
and written to a new file, renamed into place only when complete; the file is
then read back as a file ledger and must end in the same hash.")]
    Export {
        /// A postgres:// or postgresql:// connection string.
        #[arg(long, value_name = "URL")]
        ledger: String,
        /// The new JSON-lines ledger (must not exist).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain.
    #[command(after_help = "\
Example:
  payqr ledger import --ledger 'postgres://payqr@localhost/bureau' --from ledger.jsonl

The file is checked whole first (checksums, chain, index evidence); then every
line goes in unchanged, with its seq and hash, in one transaction: all or
nothing. The PostgreSQL ledger must be empty. Stop the counters writing to the
file first: records added to it afterwards are not copied.")]
    Import {
        /// A postgres:// or postgresql:// connection string.
        #[arg(long, value_name = "URL")]
        ledger: String,
        /// The JSON-lines ledger to copy.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
}

pub fn run(a: Args) -> CmdResult {
    match a.action {
        Action::Check { ledger, json } => check(&ledger, json),
        Action::Repair {
            ledger,
            record_loss,
        } => repair(&ledger, record_loss),
        Action::Init { ledger } => {
            let pg = pg(&ledger)?;
            let applied = pg.init()?;
            let mut out = std::io::stdout().lock();
            if applied.is_empty() {
                writeln!(out, "{}: schema {} is up to date", pg.shown(), pg.schema())?;
            } else {
                let v: Vec<String> = applied.iter().map(ToString::to_string).collect();
                writeln!(
                    out,
                    "{}: schema {}: applied migration(s) {}",
                    pg.shown(),
                    pg.schema(),
                    v.join(", ")
                )?;
            }
            Ok(Outcome::Success)
        }
        Action::Export { ledger, to } => {
            let pg = pg(&ledger)?;
            let n = pg.export(&to)?;
            writeln!(
                std::io::stdout().lock(),
                "{}: exported {n} record(s) to {}; same lines, same hash chain",
                pg.shown(),
                payqr::sanitize::path_for_terminal(&to)
            )?;
            Ok(Outcome::Success)
        }
        Action::Import { ledger, from } => {
            let pg = pg(&ledger)?;
            let n = pg.import(&from)?;
            writeln!(
                std::io::stdout().lock(),
                "{}: imported {n} record(s) from {}; same lines, same hash chain",
                pg.shown(),
                payqr::sanitize::path_for_terminal(&from)
            )?;
            Ok(Outcome::Success)
        }
    }
}

fn pg(url: &str) -> Result<PgLedger, Failure> {
    if !payqr::ledger::postgres::is_url(url) {
        return Err(Failure::new(format!(
            "--ledger: {}: not a postgres:// or postgresql:// connection string",
            payqr::sanitize::for_terminal(url)
        )));
    }
    Ok(PgLedger::open(url)?)
}

fn existing(path: &Path) -> Result<Ledger, Failure> {
    if !path.exists() {
        return Err(Failure::new(format!("{}: no such ledger", path.display())));
    }
    Ok(Ledger::new(path))
}

fn check(ledger: &Path, json: bool) -> CmdResult {
    let backend = Backend::open(ledger)?;
    let name = backend.name();
    let loaded = match backend {
        Backend::Postgres(p) => p.load(),
        Backend::File(_) => {
            let l = existing(ledger)?;
            let lock = l.lock_shared()?;
            l.load_unchecked(&lock)
                .and_then(|st| l.check_index(&lock, &st).map(|()| st))
        }
    };
    report(&name, json, loaded)
}

/// What `ledger check` says of a ledger loaded (or not), named `ledger`.
fn report(ledger: &str, json: bool, loaded: Result<LedgerState, LedgerError>) -> CmdResult {
    let mut out = std::io::stdout().lock();
    let lang = crate::cmd::lang();
    match loaded {
        Ok(st) => {
            let redeemed = st.redeemed.len();
            let twice = st.double_payments();
            let ok = !st.torn_tail && twice.is_empty();
            // JSON keeps English; the text is in the reader's language.
            let twice_in = |lang: Lang| -> Vec<String> {
                twice
                    .iter()
                    .map(|chain| {
                        let codes: Vec<String> = chain
                            .iter()
                            .map(|c| admin::code_at_seq(lang, &c.code_id, &c.seq))
                            .collect();
                        admin::paid_twice(
                            lang,
                            &format!("{:?}", chain[0].reference),
                            &chain[0].issuer,
                            &codes.join(&admin::list_sep(lang)),
                        )
                    })
                    .collect()
            };
            let loss_in = |lang: Lang| -> Vec<String> {
                st.losses
                    .iter()
                    .map(|x| {
                        admin::loss(
                            lang,
                            &x.seq,
                            &payqr::code::time::format_utc(x.time),
                            &x.records,
                            &x.bytes,
                            &x.covered,
                            &payqr::code::to_hex(&x.hash),
                        )
                    })
                    .collect()
            };
            let (twice_text, loss_text) = (twice_in(Lang::En), loss_in(Lang::En));
            if json {
                let v = json!({"ok": ok, "records": st.records, "issued": st.issued.len(),
                    "redeemed": redeemed, "cancelled": st.cancelled.len(),
                    "torn_tail": st.torn_tail,
                    "double_payments": twice_text, "losses": loss_text});
                writeln!(out, "{v}")?;
            } else {
                let line = admin::check_ok(
                    lang,
                    &payqr::sanitize::for_terminal(ledger),
                    &st.records,
                    &st.issued.len(),
                    &redeemed,
                    &match st.cancelled.len() {
                        0 => String::new(),
                        n => admin::n_cancellations(lang, &n),
                    },
                );
                writeln!(out, "{line}")?;
                for t in twice_in(lang).iter().chain(&loss_in(lang)) {
                    writeln!(out, "{}: {t}", payqr::sanitize::for_terminal(ledger))?;
                }
            }
            if st.torn_tail {
                let ledger = payqr::sanitize::for_terminal(ledger);
                eprintln!("{}", admin::torn_tail(lang, &ledger));
                eprintln!("{}", admin::torn_tail_hint(lang, &ledger));
            }
            Ok(Outcome::from_ok(ok))
        }
        Err(e) => {
            if json {
                writeln!(out, "{}", json!({"ok": false, "error": e.to_string()}))?;
            } else {
                // A bad line is quoted: it may hold anything.
                let text = crate::cmd::errtext::ledger_error(lang, &e);
                writeln!(out, "{}", payqr::sanitize::for_terminal(&text))?;
            }
            if matches!(e, LedgerError::Lost { .. }) {
                eprintln!(
                    "{}",
                    admin::lost_hint(lang, &payqr::sanitize::for_terminal(ledger))
                );
            }
            Ok(Outcome::Negative)
        }
    }
}

fn repair(ledger: &Path, record_loss: bool) -> CmdResult {
    let lang = crate::cmd::lang();
    if Backend::is_postgres(ledger) {
        // Nothing to cut or index: every write is one transaction, so a
        // PostgreSQL ledger has no torn line, and its rows are append-only.
        let pg = pg(&ledger.to_string_lossy())?;
        return Err(Failure::new(admin::repair_not_pg(lang, &pg.shown()))
            .hint(admin::repair_not_pg_hint(lang)));
    }
    let l = existing(ledger)?;
    let lock = l.lock_for_repair()?;
    let mut out = std::io::stdout().lock();
    match l.repair(&lock) {
        Ok(0) => {}
        Ok(n) => writeln!(out, "{}", admin::repair_cut(lang, &ledger.display(), &n))?,
        // A bad complete line is a finding (exit 1); an I/O failure is not.
        Err(e @ LedgerError::Line { .. }) => {
            writeln!(out, "{}", payqr::sanitize::for_terminal(&e.to_string()))?;
            return Ok(Outcome::Negative);
        }
        Err(e) => return Err(e.into()),
    }
    if record_loss {
        return match l.record_loss(&lock, payqr::code::time::now())? {
            Some(x) => {
                let line = admin::loss_recorded(
                    lang,
                    &ledger.display(),
                    &x.seq,
                    &x.records,
                    &x.bytes,
                    &x.source,
                    &x.covered,
                    &payqr::code::to_hex(&x.hash),
                );
                writeln!(out, "{line}")?;
                Ok(Outcome::Success)
            }
            None => {
                writeln!(out, "{}", admin::no_loss(lang, &ledger.display()))?;
                Ok(Outcome::Success)
            }
        };
    }
    if let Some(x) = l.find_loss(&lock)? {
        let line = admin::missing(lang, &ledger.display(), &x.records, &x.bytes, &x.source);
        writeln!(out, "{line}")?;
        let shown = payqr::sanitize::for_terminal(&ledger.display().to_string());
        eprintln!("{}", admin::missing_hint(lang, &shown));
        return Ok(Outcome::Negative);
    }
    let shown = payqr::sanitize::for_terminal(&ledger.display().to_string());
    writeln!(out, "{}", admin::whole(lang, &shown))?;
    Ok(Outcome::Success)
}
