//! A whole batch run: the file checked before anything is written, the
//! ledger locked for the run, the codes issued chunk by chunk
//! ([`crate::issue::issuance`]), the manifest put in place — what
//! `payqr issue --from` does, for any program to call.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::FixedOffset;

use crate::emv;
use crate::issue::batch::{self, BatchError, Defaults, RowError};
use crate::issue::issuance::{self, Formats, IssueError, Job, LedgerSession, Manifest, Tally};
use crate::issue::notice::NoticeStyle;
use crate::ledger::{Backend, LedgerError, LedgerState};
use crate::trust::keys::IssuerKey;

/// Everything that decides a batch run.
pub struct Batch<'a> {
    /// The CSV of rows ([`crate::issue::batch`]).
    pub csv: &'a Path,
    pub defaults: &'a Defaults,
    /// Offset of times without one in the CSV, and of the notices' times.
    pub tz: FixedOffset,
    pub key: &'a IssuerKey,
    pub issued_at: u64,
    pub out_dir: &'a Path,
    pub formats: Formats,
    /// The EMV profile's settings; `None` issues `PQ1:` texts.
    pub emv: Option<&'a emv::config::Config>,
    /// The ledger that records the codes: a file, or PostgreSQL.
    pub ledger: Option<&'a Backend>,
    pub manifest: Option<&'a Path>,
    /// Issue new codes for references the ledger holds (needs a ledger).
    pub reissue: bool,
    /// Check the file and count what a run would do; write nothing.
    pub dry_run: bool,
    /// Rows per chunk, normally [`issuance::chunk_rows`].
    pub chunk_rows: usize,
}

/// What a caller watching a run is told.
pub trait Watch: Sync {
    /// The file is valid and holds `rows` rows; writing begins (not called
    /// on a dry run).
    fn started(&self, rows: u64);
    /// One more row dealt with (from any thread).
    fn tick(&self);
}

/// A watcher that ignores everything.
impl Watch for () {
    fn started(&self, _: u64) {}
    fn tick(&self) {}
}

/// How a run that did its job came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `dry_run`: the file is valid; what a real run would do.
    DryRun {
        rows: u64,
        would_issue: u64,
        would_skip: u64,
    },
    /// The rows of the file, and how far the run got: fewer rows done
    /// than the file holds means it was stopped (rerun to continue).
    Done { rows: u64, tally: Tally },
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Bad rows (at most [`batch::MAX_ROW_ERRORS`]); nothing was issued.
    #[error("{}: {} bad row(s){}; nothing was issued", .path.display(), .errors.len(),
        if .errors.len() >= batch::MAX_ROW_ERRORS { " (stopped counting)" } else { "" })]
    Rows {
        path: PathBuf,
        errors: Vec<RowError>,
    },
    /// Rows the EMV profile cannot carry (line and why, each); nothing was
    /// issued.
    #[error("{}: {} row(s) do not fit the EMV profile; nothing was issued", .path.display(), .problems.len())]
    NotEmv {
        path: PathBuf,
        problems: Vec<(u64, emv::profile::ProfileError)>,
    },
    /// The file could not be read.
    #[error(transparent)]
    Read(BatchError),
    /// A row went bad between two readings of the file.
    #[error("{0}")]
    Changed(RowError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("{}: {source}", .path.display())]
    OutDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The manifest could not be created or put in place.
    #[error(transparent)]
    Manifest(IssueError),
    /// Issuing stopped on an error; the codes issued before it are in the
    /// ledger and the manifest, and a rerun continues.
    #[error(transparent)]
    Issue(IssueError),
}

/// Runs a batch: validates the whole file (and, for the EMV profile, that
/// every row fits it) before anything is written; holds the ledger lock
/// for the whole run (shared for a dry run), so two clerks running the
/// same file cannot both issue a code for one reference; issues until the
/// rows run out or `stop` is set; finishes the manifest, which lists what
/// was issued also after an interruption or an error.
pub fn run_batch(b: &Batch, stop: &AtomicBool, watch: &dyn Watch) -> Result<Outcome, RunError> {
    let csv = b.csv;
    let (d, now, tz) = (b.defaults, b.issued_at, b.tz);
    let rows_of = |e: BatchError| match e {
        BatchError::Rows(errors) => RunError::Rows {
            path: csv.to_path_buf(),
            errors,
        },
        other => RunError::Read(other),
    };
    // First pass: the whole file is checked before anything is written.
    let total = batch::validate(csv, d, now, tz).map_err(rows_of)?;
    if b.emv.is_some() {
        check_emv_fits(b, &rows_of)?;
    }
    let mut held = match b.ledger {
        // PostgreSQL: each chunk asks for its references and records its
        // codes in one transaction, which checks them again.
        Some(Backend::Postgres(_)) | None => None,
        Some(Backend::File(l)) => {
            let lock = if b.dry_run {
                l.lock_shared()?
            } else {
                l.lock()?
            };
            // Resuming needs only which references have a code: the
            // references-only state keeps a 1,000,000-code ledger in ~50 MB.
            let state = l.load_references(&lock)?;
            Some((lock, state))
        }
    };
    if b.dry_run {
        let known = match (b.ledger, &held) {
            (Some(Backend::Postgres(pg)), _) => Known::Postgres(pg),
            (_, Some((_, state))) => Known::File(state),
            _ => Known::Nothing,
        };
        return dry_run(b, total, known, &rows_of);
    }
    std::fs::create_dir_all(b.out_dir).map_err(|source| RunError::OutDir {
        path: b.out_dir.to_path_buf(),
        source,
    })?;
    let mut manifest = match b.manifest {
        Some(m) => Some(Manifest::create(m).map_err(RunError::Manifest)?),
        None => None,
    };
    let sign =
        |code: &crate::code::Code| emv::profile::sign_payload(code, &b.key.signing_key, b.emv);
    let job = Job {
        key: b.key,
        issued_at: now,
        out_dir: b.out_dir,
        formats: b.formats,
        notice: NoticeStyle {
            issuer_name: b.key.name.clone(),
            tz,
            lang: b.formats.notice_lang,
        },
        payload_text: &sign,
        reissue: b.reissue,
        chunk_rows: b.chunk_rows,
    };
    watch.started(total);
    let rows = batch::rows(csv, d, now, tz).map_err(rows_of)?;
    let session = match (b.ledger, held.as_mut()) {
        (Some(Backend::File(ledger)), Some((lock, state))) => Some(LedgerSession::File {
            ledger,
            lock,
            state,
        }),
        (Some(Backend::Postgres(pg)), _) => Some(LedgerSession::Postgres(pg)),
        _ => None,
    };
    let result = issuance::issue(&job, rows, session, manifest.as_mut(), stop, &|| {
        watch.tick()
    });
    // The manifest lists whatever was issued, also after an interruption
    // or an error (those codes are in the ledger too).
    if let Some(m) = manifest {
        m.finish().map_err(RunError::Manifest)?;
    }
    drop(held);
    let tally = result.map_err(RunError::Issue)?;
    Ok(Outcome::Done { rows: total, tally })
}

/// The EMV profile takes ASCII references of limited length only: check
/// every row (one more streaming pass) before anything is written.
fn check_emv_fits(b: &Batch, rows_of: &dyn Fn(BatchError) -> RunError) -> Result<(), RunError> {
    let mut problems = Vec::new();
    for row in batch::rows(b.csv, b.defaults, b.issued_at, b.tz).map_err(rows_of)? {
        let row = row.map_err(RunError::Changed)?;
        if let Err(e) = emv::profile::check_fits(&row.to_code(b.key, b.issued_at)) {
            problems.push((row.line, e));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(RunError::NotEmv {
        path: b.csv.to_path_buf(),
        problems,
    })
}

/// What a dry run asks which references have a code.
enum Known<'a> {
    Nothing,
    File(&'a LedgerState),
    Postgres(&'a crate::ledger::PgLedger),
}

/// References asked of PostgreSQL at a time by a dry run.
const DRY_RUN_CHUNK: usize = 10_000;

/// A dry run's counts: rows whose reference the ledger holds are skipped
/// (or, with `reissue`, issued again).
fn dry_run(
    b: &Batch,
    total: u64,
    known_in: Known,
    rows_of: &dyn Fn(BatchError) -> RunError,
) -> Result<Outcome, RunError> {
    let mut known = 0u64;
    let mut pending: Vec<String> = Vec::new();
    let ask = |pending: &mut Vec<String>, pg: &crate::ledger::PgLedger| {
        let refs: Vec<&str> = pending.iter().map(String::as_str).collect();
        let found = pg.references(&b.key.issuer, &refs)?;
        pending.clear();
        Ok::<_, RunError>(found.iter().filter(|f| f.0.is_some()).count() as u64)
    };
    if !matches!(known_in, Known::Nothing) {
        for row in batch::rows(b.csv, b.defaults, b.issued_at, b.tz).map_err(rows_of)? {
            let row = row.map_err(RunError::Changed)?;
            match &known_in {
                Known::File(st) => {
                    known += u64::from(
                        st.code_for_reference(&b.key.issuer, &row.reference)
                            .is_some(),
                    )
                }
                Known::Postgres(pg) => {
                    pending.push(row.reference);
                    if pending.len() == DRY_RUN_CHUNK {
                        known += ask(&mut pending, pg)?;
                    }
                }
                Known::Nothing => {}
            }
        }
        if let Known::Postgres(pg) = &known_in {
            known += ask(&mut pending, pg)?;
        }
    }
    let (would_issue, would_skip) = if b.reissue {
        (total, 0)
    } else {
        (total - known, known)
    };
    Ok(Outcome::DryRun {
        rows: total,
        would_issue,
        would_skip,
    })
}
