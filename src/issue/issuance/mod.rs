//! Batch issuance: validated CSV rows in, signed codes out as image files
//! in sharded directories, a manifest and ledger records.
//!
//! Rows go through in chunks of [`CHUNK_ROWS`]: each chunk is signed and
//! rendered on all cores, its files are made durable, and only then are
//! its ledger records appended. An interrupted run (Ctrl-C, kill, power
//! loss) therefore leaves the ledger describing exactly the codes whose
//! files exist, and a rerun skips them, listing them in its manifest again
//! (so a resumed run's manifest is the one an uninterrupted run writes).
//! Output depends only on the rows, the key and the issue time, never on
//! thread timing. Every write, sync and rename goes through
//! [`crate::fs::durable`], so fault tests reach each of them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, BufWriter, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use rayon::prelude::*;
use thiserror::Error;

use crate::code::time;
use crate::code::{Code, CodeId, SignedCode};
use crate::emv::profile::ProfileError;
use crate::fs::{atomic, durable};
use crate::issue::batch::{BatchRow, RowError, Rows};
use crate::issue::notice::{self, NoticeStyle};
use crate::issue::render;
use crate::ledger::{CodeKey, Ledger, LedgerError, LedgerState, LockGuard, PgLedger, Record};
use crate::trust::keys::IssuerKey;

/// Rows per chunk by default: large enough that the per-chunk costs (two file-system
/// syncs, one ledger append) are small next to the per-code work, small
/// enough that Ctrl-C stops within a second or two.
pub const CHUNK_ROWS: usize = 2048;

/// [`CHUNK_ROWS`], or in debug builds `PAYQR_TEST_CHUNK_ROWS=N`, so tests
/// get many chunks (and interruptions between them) from a few rows.
pub fn chunk_rows() -> usize {
    let test = cfg!(debug_assertions)
        .then(|| std::env::var("PAYQR_TEST_CHUNK_ROWS").ok())
        .flatten()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0);
    test.unwrap_or(CHUNK_ROWS)
}

/// Pixels per QR module in PNG output: 4 px keeps a ~57-module code at
/// ~260 px, sharp when printed at 300 dpi in a 2-3 cm square.
pub const MODULE_PX: u32 = 4;

/// Columns of the manifest CSV, one row per code issued by the run
/// (columns added after 0.1 go at the end, so positions stay valid).
pub const MANIFEST_COLUMNS: &[&str] = &[
    "code_id",
    "reference",
    "kind",
    "amount",
    "amount_minor",
    "currency",
    "payee",
    "issued_at",
    "expires_at",
    "png",
    "svg",
    "payload",
    "notice",
    "replaces",
];

/// Which files to write for each code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Formats {
    pub png: bool,
    pub svg: bool,
    /// A printable A6 notice ([`crate::issue::notice`]), `CODE_ID.notice.svg`.
    pub notice_svg: bool,
    /// The notice's language (English unless told).
    pub notice_lang: crate::i18n::Lang,
}

/// Signs a code and gives the text it is published as (and drawn into its
/// QR symbol): the `PQ1:` text, or an EMV payload whose signature also
/// covers the EMV fields ([`crate::emv::profile::sign_payload`]).
pub type PayloadText<'a> = dyn Fn(&Code) -> Result<(SignedCode, String), ProfileError> + Sync + 'a;

/// Everything that decides the output of a batch besides its rows.
pub struct Job<'a> {
    pub key: &'a IssuerKey,
    pub issued_at: u64,
    pub out_dir: &'a Path,
    pub formats: Formats,
    pub notice: NoticeStyle,
    pub payload_text: &'a PayloadText<'a>,
    /// Issue a new code for references the ledger already holds, linking
    /// it to the code it replaces, instead of skipping them.
    pub reissue: bool,
    /// Rows per chunk, normally [`CHUNK_ROWS`].
    pub chunk_rows: usize,
}

/// How far a batch got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Rows read and dealt with (issued or skipped).
    pub rows: u64,
    /// Codes issued, reissues included.
    pub issued: u64,
    /// Of those, codes that replace an earlier code (`--reissue`).
    pub reissued: u64,
    /// Rows skipped because the ledger already holds their reference.
    pub skipped: u64,
    /// Rows not reissued because the code they would replace was already
    /// redeemed (paid): (CSV line, that code). A reissue would make the
    /// same fine payable twice.
    pub paid: Vec<(u64, CodeId)>,
    pub files: u64,
    /// Codes per QR version.
    pub versions: BTreeMap<u8, u64>,
}

/// The ledger a batch records into: a file held locked for the whole run,
/// or PostgreSQL, where each chunk is one transaction under the chain
/// head's lock (writers take turns, so the chain cannot fork) that checks
/// the chunk's references again before it records them.
pub enum LedgerSession<'a> {
    File {
        ledger: &'a Ledger,
        lock: &'a LockGuard,
        state: &'a mut LedgerState,
    },
    Postgres(&'a PgLedger),
}

impl LedgerSession<'_> {
    /// For each reference of `issuer`: the latest code issued for it, and
    /// whether that code was redeemed.
    fn references(
        &self,
        issuer: &str,
        references: &[&str],
    ) -> Result<Vec<(Option<CodeId>, bool)>, LedgerError> {
        match self {
            LedgerSession::File { state, .. } => Ok(references
                .iter()
                .map(|r| {
                    let prev = state.code_for_reference(issuer, r);
                    let paid = prev.is_some_and(|id| state.is_redeemed(&CodeKey::of(issuer, id)));
                    (prev, paid)
                })
                .collect()),
            LedgerSession::Postgres(pg) => pg.references(issuer, references),
        }
    }

    /// Records a chunk's codes, all or none.
    fn append(&mut self, records: Vec<Record>) -> Result<(), LedgerError> {
        match self {
            LedgerSession::File {
                ledger,
                lock,
                state,
            } => ledger.append(lock, state, records),
            LedgerSession::Postgres(pg) => pg.append(records),
        }
    }
}

#[derive(Debug, Error)]
pub enum IssueError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{0} (the file changed after it was checked)")]
    Changed(RowError),
    #[error("{path}:{line}: {reason}")]
    Code {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> IssueError + '_ {
    move |source| IssueError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The subdirectory of a code's files: the first two hex digits of its id
/// (256 shards). Ids are keyed hashes, so shards fill evenly: a million
/// codes put ~3,900 files of each format in each.
pub fn shard_of(id: &CodeId) -> String {
    format!("{:02x}", id.0[0])
}

/// The shard a batch puts a file named `name` in, when the name is one
/// `make` gives a code's file (`ID.png`, `ID.svg`, `ID.notice.svg`) or
/// its temporary (`.ID.png.tmp`, ...); None for any other name. Lets a
/// command refuse an input that sits where a code's file could go.
pub fn code_file_shard(name: &str) -> Option<String> {
    let name = match name.strip_prefix('.') {
        Some(n) => n.strip_suffix(".tmp")?,
        None => name,
    };
    let id = [".png", ".svg", ".notice.svg"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))?;
    let id: CodeId = id.parse().ok()?;
    Some(shard_of(&id))
}

/// One code signed, rendered and written (under temporary names); or,
/// when `fresh` is false, a code an earlier, interrupted run of this same
/// batch issued, signed again only to be listed in the manifest.
struct Made {
    signed: SignedCode,
    text: String,
    version: u8,
    replaces: Option<CodeId>,
    /// Final paths of the png, svg and notice files (None: not asked for).
    paths: [Option<PathBuf>; 3],
    /// Written by this run, to be renamed into place and recorded.
    fresh: bool,
}

impl Made {
    /// The files this run wrote (none for a code listed again).
    fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.paths.iter().flatten().filter(|_| self.fresh)
    }
}

fn write_temp(path: &Path, bytes: &[u8]) -> Result<(), IssueError> {
    let tmp = atomic::stable_temp_path(path);
    let mut f = atomic::create_fresh(&tmp).map_err(io_err(&tmp))?;
    durable::write(&mut f, bytes).map_err(io_err(&tmp))?;
    // Without syncfs, each file is made durable on its own.
    if durable::PER_FILE_SYNC {
        durable::sync_data(&f).map_err(io_err(&tmp))?;
    }
    Ok(())
}

/// What to do with a row whose reference the ledger may already hold.
#[derive(Clone, Copy)]
enum Plan {
    /// Issue a code (replacing this one, for a reissue).
    Issue(Option<CodeId>),
    /// The ledger holds the very code this batch makes for the row: an
    /// earlier run of it was interrupted after issuing it. List it in the
    /// manifest again, write nothing.
    Relist,
}

fn make(job: &Job, csv: &Path, row: &BatchRow, plan: Plan) -> Result<Made, IssueError> {
    let replaces = match plan {
        Plan::Issue(r) => r,
        Plan::Relist => None,
    };
    let fresh = matches!(plan, Plan::Issue(_));
    let fail = |reason: String| IssueError::Code {
        path: csv.to_path_buf(),
        line: row.line,
        reason,
    };
    let code = row.to_code_replacing(job.key, job.issued_at, replaces);
    let (signed, text) = (job.payload_text)(&code).map_err(|e| fail(e.to_string()))?;
    // File names come from the code id only, never from user text.
    let id = signed.code.code_id.to_string();
    let dir = job.out_dir.join(shard_of(&signed.code.code_id));
    let mut paths = [None, None, None];
    let f = job.formats;
    if !fresh {
        let names = [(f.png, "png"), (f.svg, "svg"), (f.notice_svg, "notice.svg")];
        for (slot, (on, ext)) in paths.iter_mut().zip(names) {
            *slot = on.then(|| dir.join(format!("{id}.{ext}")));
        }
        return Ok(Made {
            signed,
            text,
            version: 0,
            replaces,
            paths,
            fresh,
        });
    }
    let symbol = render::encode(&text).map_err(|e| fail(e.to_string()))?;
    if f.png {
        let p = dir.join(format!("{id}.png"));
        write_temp(&p, &symbol.to_png(MODULE_PX, render::DEFAULT_QUIET_MODULES))?;
        paths[0] = Some(p);
    }
    if f.svg {
        let p = dir.join(format!("{id}.svg"));
        let svg = symbol.to_svg(MODULE_PX, render::DEFAULT_QUIET_MODULES);
        write_temp(&p, svg.as_bytes())?;
        paths[1] = Some(p);
    }
    if f.notice_svg {
        let p = dir.join(format!("{id}.notice.svg"));
        let svg = notice::to_svg(&signed, &symbol, &job.notice).map_err(|e| fail(e.to_string()))?;
        write_temp(&p, svg.as_bytes())?;
        paths[2] = Some(p);
    }
    Ok(Made {
        signed,
        text,
        version: symbol.version(),
        replaces,
        paths,
        fresh,
    })
}

/// Flushes every file written so far on the file system holding `dir`:
/// one `syncfs` per chunk instead of an fsync per file (which costs ~2 ms
/// each on ext4 here, benches/NOTES.md). Without syncfs the files were
/// synced as written; the renames are made durable by syncing each
/// directory that received one.
fn sync_fs(dir: &Path, shards: &BTreeSet<PathBuf>) -> Result<(), IssueError> {
    if !durable::PER_FILE_SYNC {
        return durable::syncfs(dir).map_err(io_err(dir));
    }
    for d in shards {
        durable::sync_dir(d).map_err(io_err(d))?;
    }
    Ok(())
}

/// Issues every row of `rows` (already validated), chunk by chunk, until
/// the rows run out or `stop` is set (checked between chunks). `tick` is
/// called once per row dealt with, from any thread.
///
/// Two stages overlap: this thread signs, renders and writes chunk k+1
/// on all cores while a committer thread makes chunk k durable (sync,
/// rename, sync) and records it in the manifest and the ledger. The syncs
/// wait on the disk, not the CPU, so the overlap hides most of them.
pub fn issue<R: Read>(
    job: &Job,
    mut rows: Rows<R>,
    ledger: Option<LedgerSession>,
    manifest: Option<&mut Manifest>,
    stop: &AtomicBool,
    tick: &(dyn Fn() + Sync),
) -> Result<Tally, IssueError> {
    let csv = rows.path().to_path_buf();
    fs::create_dir_all(job.out_dir).map_err(io_err(job.out_dir))?;
    // The producer asks the ledger which references it holds, the
    // committer appends to it; each holds the lock only briefly.
    let ledger = ledger.map(Mutex::new);
    // Room for one chunk waiting while one is committed: bounded memory.
    let (tx, rx) = mpsc::sync_channel::<Chunk>(1);
    // Codes an interrupted run issued are signed again only for a manifest.
    let relist = manifest.is_some();
    std::thread::scope(|scope| {
        let ledger = ledger.as_ref();
        let committer = scope.spawn(move || commit_all(job, rx, ledger, manifest));
        let produced = produce(job, &csv, &mut rows, ledger, relist, &tx, stop, tick);
        drop(tx);
        let committed = committer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        // A commit error is why production stopped: report it first.
        let tally = committed?;
        produced?;
        Ok(tally)
    })
}

/// One chunk's codes on their way to the committer.
struct Chunk {
    rows: u64,
    skipped: u64,
    paid: Vec<(u64, CodeId)>,
    made: Vec<Made>,
    shards: BTreeSet<PathBuf>,
}

#[allow(clippy::too_many_arguments)]
fn produce<R: Read>(
    job: &Job,
    csv: &Path,
    rows: &mut Rows<R>,
    ledger: Option<&Mutex<LedgerSession>>,
    relist: bool,
    tx: &mpsc::SyncSender<Chunk>,
    stop: &AtomicBool,
    tick: &(dyn Fn() + Sync),
) -> Result<(), IssueError> {
    let mut made_shards: BTreeSet<PathBuf> = BTreeSet::new();
    while !stop.load(Ordering::Relaxed) {
        let chunk = rows
            .by_ref()
            .take(job.chunk_rows.max(1))
            .collect::<Result<Vec<_>, _>>()
            .map_err(IssueError::Changed)?;
        if chunk.is_empty() {
            break;
        }
        // Decide per row, in file order: issue, reissue or skip. Codes of
        // this run still in flight are not in the ledger yet, but the CSV
        // has no repeated reference, so they never matter here.
        let prev: Vec<(Option<CodeId>, bool)> = match ledger {
            Some(l) => {
                let l = l.lock().unwrap_or_else(|p| p.into_inner());
                let refs: Vec<&str> = chunk.iter().map(|r| r.reference.as_str()).collect();
                l.references(&job.key.issuer, &refs)?
            }
            None => vec![(None, false); chunk.len()],
        };
        let mut skipped = 0;
        let mut paid = Vec::new();
        let mut todo = Vec::with_capacity(chunk.len());
        for (row, (prev, was_paid)) in chunk.iter().zip(prev) {
            match prev {
                Some(id) if !job.reissue => {
                    skipped += 1;
                    // Ids derive from the key, the reference and the issue
                    // time: the ledger holding this batch's own id for the
                    // row means an earlier run of this batch issued it. An
                    // uninterrupted run's manifest lists it, so this one
                    // does too.
                    if relist && id == row.code_id_replacing(job.key, job.issued_at, None) {
                        todo.push((row, Plan::Relist));
                    } else {
                        tick();
                    }
                }
                Some(id) if was_paid => {
                    // Never reissue a paid code (the ledger would refuse it).
                    paid.push((row.line, id));
                    tick();
                }
                _ => todo.push((row, Plan::Issue(prev))),
            }
        }
        let mut shards = BTreeSet::new();
        for (row, plan) in &todo {
            if let Plan::Issue(prev) = plan {
                let id = row.code_id_replacing(job.key, job.issued_at, *prev);
                shards.insert(job.out_dir.join(shard_of(&id)));
            }
        }
        for d in shards.difference(&made_shards) {
            fs::create_dir_all(d).map_err(io_err(d))?;
        }
        made_shards.extend(shards.iter().cloned());

        let made: Vec<Result<Made, IssueError>> = todo
            .par_iter()
            .map(|(row, plan)| {
                let m = make(job, csv, row, *plan);
                tick();
                m
            })
            .collect();
        let mut ok = Vec::with_capacity(made.len());
        let mut first_err = None;
        for m in made {
            match m {
                Ok(m) => ok.push(m),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_err {
            // The first failing row in file order is reported; the chunk's
            // temporary files go.
            for p in ok.iter().flat_map(Made::files) {
                let _ = fs::remove_file(atomic::stable_temp_path(p));
            }
            return Err(e);
        }
        let chunk = Chunk {
            rows: chunk.len() as u64,
            skipped,
            paid,
            made: ok,
            shards,
        };
        if tx.send(chunk).is_err() {
            // The committer failed; it reports why.
            break;
        }
    }
    Ok(())
}

/// Makes each chunk durable and records it, in order.
fn commit_all(
    job: &Job,
    rx: mpsc::Receiver<Chunk>,
    ledger: Option<&Mutex<LedgerSession>>,
    mut manifest: Option<&mut Manifest>,
) -> Result<Tally, IssueError> {
    let mut tally = Tally::default();
    for chunk in rx {
        let made = &chunk.made;
        let fresh = made.iter().filter(|m| m.fresh);
        if !chunk.shards.is_empty() {
            sync_fs(job.out_dir, &chunk.shards)?;
            for p in made.iter().flat_map(Made::files) {
                durable::rename(&atomic::stable_temp_path(p), p).map_err(io_err(p))?;
            }
            sync_fs(job.out_dir, &chunk.shards)?;
        }
        if let Some(l) = ledger {
            let records = fresh
                .clone()
                .map(|m| {
                    let mut r = Record::issued(&m.signed, job.issued_at);
                    r.replaces = m.replaces.map(|id| id.to_string());
                    r.payload = Some(m.text.clone()); // for `payqr notice`
                    r
                })
                .collect();
            let mut l = l.lock().unwrap_or_else(|p| p.into_inner());
            l.append(records)?;
        }
        // Listed only once recorded: the manifest never names a code the
        // ledger lacks (a failed append would otherwise leave it listed).
        if let Some(m) = manifest.as_deref_mut() {
            for code in made {
                m.write(code)?;
            }
        }
        for m in fresh {
            tally.issued += 1;
            tally.reissued += u64::from(m.replaces.is_some());
            tally.files += m.files().count() as u64;
            *tally.versions.entry(m.version).or_default() += 1;
        }
        tally.rows += chunk.rows;
        tally.skipped += chunk.skipped;
        tally.paid.extend(chunk.paid);
    }
    Ok(tally)
}

/// The manifest CSV, written as codes are issued to a temporary file next
/// to it and renamed into place by [`finish`](Manifest::finish).
pub struct Manifest {
    path: PathBuf,
    tmp: PathBuf,
    w: csv::Writer<BufWriter<durable::Writer>>,
}

impl Manifest {
    pub fn create(path: &Path) -> Result<Manifest, IssueError> {
        let tmp = atomic::stable_temp_path(path);
        let f = atomic::create_fresh(&tmp).map_err(io_err(&tmp))?;
        let f = durable::Writer::new(f);
        let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, f));
        w.write_record(MANIFEST_COLUMNS)
            .map_err(|e| io_err(&tmp)(e.into()))?;
        Ok(Manifest {
            path: path.to_path_buf(),
            tmp,
            w,
        })
    }

    fn write(&mut self, m: &Made) -> Result<(), IssueError> {
        let c = &m.signed.code;
        let path = |i: usize| {
            m.paths[i]
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        };
        // Clerks open manifests in spreadsheets: user text that starts
        // like a formula is neutralized there (it is exact in the ledger).
        self.w
            .write_record([
                c.code_id.to_string(),
                crate::sanitize::for_spreadsheet(&c.reference).into_owned(),
                c.kind.to_string(),
                c.currency.format_amount(c.amount),
                c.amount.to_string(),
                c.currency.code.to_string(),
                crate::sanitize::for_spreadsheet(&c.payee).into_owned(),
                time::format_utc(c.issued_at),
                time::format_utc(c.expires_at),
                path(0),
                path(1),
                m.text.clone(),
                path(2),
                m.replaces.map(|id| id.to_string()).unwrap_or_default(),
            ])
            .map_err(|e| io_err(&self.tmp)(e.into()))
    }

    /// Flushes, syncs and renames the manifest into place. Called after
    /// an interruption too: the manifest then lists what was issued. If
    /// any write, the sync or the rename failed, the temporary file goes
    /// and whatever manifest was there before stays.
    pub fn finish(self) -> Result<(), IssueError> {
        let Manifest { path, tmp, w } = self;
        let result = (|| {
            let f = w
                .into_inner()
                .map_err(|e| io_err(&tmp)(e.into_error()))?
                .into_inner()
                .map_err(|e| io_err(&tmp)(e.into_error()))?
                .into_file()
                .map_err(io_err(&tmp))?;
            durable::sync_all(&f).map_err(io_err(&tmp))?;
            durable::rename(&tmp, &path).map_err(io_err(&path))
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result?;
        durable::sync_parent(&path).map_err(io_err(&path))
    }
}

#[cfg(test)]
mod tests;
