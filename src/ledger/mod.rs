//! The ledger: an append-only local file recording every issued and every
//! redeemed code. JSON lines by default, CSV when the file name ends in
//! `.csv`; both carry the same fields so other tools can read either.
//!
//! Rules that keep money safe:
//! - a writer holds an exclusive `flock` on the ledger file itself, which
//!   every name of the file shares ([`lock`]);
//! - every line carries a checksum and the hash of the line before
//!   ([`line`]), so damage, edits, deletions and reordering are found;
//! - new records go out in a single `write` of whole lines followed by
//!   `fdatasync` ([`disk`]); only then does a command report success. A
//!   failed write or sync is never retried: the file is cut back to where
//!   it was and the command fails;
//! - loading checks every line and names the first bad one; an
//!   unterminated last line (a torn write) is reported, ignored, and cut
//!   off by [`Ledger::repair`];
//! - `<ledger>.idx` ([`index`]) lets a redemption look up its code without
//!   reading the whole ledger. It is rebuilt from the ledger whenever it is
//!   missing, damaged or stale, so deleting it never loses anything. But
//!   an index covering more than the ledger holds is evidence of lost
//!   records: every load refuses ([`LedgerError::Lost`]) until
//!   [`Ledger::record_loss`] writes the loss into the ledger itself;
//! - codes are named by (issuer, code id) ([`CodeKey`]): code ids are
//!   unique per issuer only;
//! - a code replaced by a reissue cannot be redeemed, and a redeemed code
//!   cannot be replaced ([`Ledger::append`] refuses both).

mod backend;
mod index;
mod line;
mod lock;
pub mod postgres;
mod record;
mod state;

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::code::CodeId;
use crate::fs::durable as disk;

pub use backend::{Backend, Redeemed};
pub use lock::LockGuard;
pub use postgres::PgLedger;
pub use record::{Event, LedgerFormat, Record};
pub use state::{
    Checked, CodeKey, Issued, IssuedFields, LedgerState, Loss, Redemption, Replacement, What,
    issuer_tag,
};

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
    #[error("{path}: cannot lock it: the file system does not support locking ({source})")]
    LockUnsupported { path: PathBuf, source: io::Error },
    #[error("{path}: {reason}")]
    Conflict { path: PathBuf, reason: String },
    #[error("{path}: {reason}")]
    IndexMismatch { path: PathBuf, reason: String },
    /// Evidence (the index) that records were lost from the ledger, not
    /// yet recorded by `payqr ledger repair --record-loss`.
    #[error("{path}: lost records: {reason}")]
    Lost { path: PathBuf, reason: String },
}

pub struct Ledger {
    path: PathBuf,
    format: LedgerFormat,
    /// When to keep an index, and when to fold its tail in.
    limits: (u64, usize),
    /// Lines past the index this process has read (see [`index::Tail`]).
    tail: std::sync::Mutex<Option<index::Tail>>,
    /// How much of the file a load reads at a time (tests make it small).
    chunk: usize,
}

impl Ledger {
    pub fn new(path: &Path) -> Ledger {
        Ledger {
            path: path.to_path_buf(),
            format: LedgerFormat::for_path(path),
            limits: index::limits(),
            tail: std::sync::Mutex::new(None),
            // Big enough that the threads have thousands of lines to share,
            // small enough that the lines in flight stay a few MB.
            chunk: 4 << 20,
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

    fn line_err(&self, line: u64, reason: String) -> LedgerError {
        LedgerError::Line {
            path: self.path.clone(),
            line,
            reason,
        }
    }

    fn conflict(&self, reason: String) -> LedgerError {
        LedgerError::Conflict {
            path: self.path.clone(),
            reason,
        }
    }

    /// The rebuildable index beside the ledger.
    pub fn index_path(&self) -> PathBuf {
        let mut s = self.path.as_os_str().to_owned();
        s.push(".idx");
        PathBuf::from(s)
    }

    /// The checkpoint beside the ledger: its length and last line's hash
    /// after the last append, evidence if records are cut off later.
    pub fn checkpoint_path(&self) -> PathBuf {
        let mut s = self.path.as_os_str().to_owned();
        s.push(".ckpt");
        PathBuf::from(s)
    }

    /// Exclusive lock for writers; blocks until other writers are done.
    /// Creates an empty ledger if there is none, so there is a file to lock.
    pub fn lock(&self) -> Result<LockGuard, LedgerError> {
        // A writer creates a missing ledger so there is a file to lock, but
        // not one whose index or checkpoint says it held records: that is a
        // loss to record (`ledger repair --record-loss`), not a new ledger.
        if !self.path.exists() {
            index::evidence(self, None, 0, None)?;
        }
        lock::take(&self.path, true)
    }

    /// [`Ledger::lock`] for `ledger repair`, which must be able to record
    /// the loss of a ledger deleted outright.
    pub fn lock_for_repair(&self) -> Result<LockGuard, LedgerError> {
        lock::take(&self.path, true)
    }

    /// Shared lock for readers. Creates nothing: a missing ledger gets a
    /// guard that locks nothing (and loads as empty).
    pub fn lock_shared(&self) -> Result<LockGuard, LedgerError> {
        lock::take(&self.path, false)
    }

    /// Reads and checks every record. A missing file is an empty ledger.
    /// A torn final line is ignored and flagged in `torn_tail`. Evidence
    /// of lost records (see [`Ledger::check_index`]) is an error.
    pub fn load(&self, lock: &LockGuard) -> Result<LedgerState, LedgerError> {
        let state = self.load_unchecked(lock)?;
        self.check_index(lock, &state)?;
        Ok(state)
    }

    /// [`Ledger::load`] without the comparison with the index: what
    /// `ledger check` reports and repair works on.
    pub fn load_unchecked(&self, _lock: &LockGuard) -> Result<LedgerState, LedgerError> {
        let mut state = LedgerState::default();
        self.scan(&mut state, |_, _| {})?;
        Ok(state)
    }

    /// Reads and checks every record like [`Ledger::load`], but keeps only
    /// which code each (issuer, reference) got and which code ids exist:
    /// what a batch issue needs to resume and to append, at 48 bytes a
    /// code instead of a few hundred (a 1,000,000-code ledger fits in
    /// ~50 MB). [`LedgerState::issued`] finds nothing in such a state,
    /// and it cannot take redemptions.
    pub fn load_references(&self, lock: &LockGuard) -> Result<LedgerState, LedgerError> {
        let mut state = LedgerState::default();
        state.refs_only = true;
        self.scan(&mut state, |_, _| {})?;
        self.check_index(lock, &state)?;
        Ok(state)
    }

    /// Compares a loaded ledger with its index, which remembers how long
    /// the ledger was and how its last line hashed when the index was
    /// written: whole records cut off the end, or a chain rewritten after
    /// an edit, show up here though every remaining line is sound
    /// ([`LedgerError::Lost`]). Without an (intact) index there is nothing
    /// to compare: if both the index and the lines are gone, nothing can
    /// tell.
    pub fn check_index(&self, _lock: &LockGuard, state: &LedgerState) -> Result<(), LedgerError> {
        index::check(self, state)
    }

    /// The state of just these codes (what a redemption needs), read
    /// through the index when the ledger is big, and every record counted
    /// and checked up to the end of the file, so [`Ledger::append`] can
    /// extend it. `issued`/`redeemed` hold only the codes asked for.
    pub fn load_codes(
        &self,
        _lock: &LockGuard,
        ids: &[CodeKey],
    ) -> Result<LedgerState, LedgerError> {
        index::load_codes(self, ids.iter().copied().collect(), true)
    }

    /// Same as [`Ledger::load_codes`], for readers under a shared lock:
    /// it never writes or refreshes the index (two readers could otherwise
    /// write it at once, and a reader may have no write access). Without a
    /// valid index it reads the whole ledger, keeping only these codes.
    pub fn lookup_codes(
        &self,
        _lock: &LockGuard,
        ids: &[CodeKey],
    ) -> Result<LedgerState, LedgerError> {
        index::load_codes(self, ids.iter().copied().collect(), false)
    }

    /// Reads the ledger from `state`'s end to the end of the file,
    /// checking and applying every complete line; `seen` gets each record
    /// and the offset of its line first.
    fn scan(
        &self,
        state: &mut LedgerState,
        mut seen: impl FnMut(&Checked, u64) + Send,
    ) -> Result<(), LedgerError> {
        self.scan_lines(state, |state, c, offset| {
            seen(&c, offset);
            state.place(c)
        })?;
        let header_lines = u64::from(self.format == LedgerFormat::Csv);
        state
            .seal()
            .map_err(|(seq, e)| self.line_err(seq + header_lines, e))
    }

    /// Reads and checks every record like [`Ledger::load`], but hands each
    /// one to `each` (in ledger order) instead of keeping the issued codes:
    /// for a caller that keeps what it needs in a form of its own. The
    /// state returned counts every record and holds every redemption, and
    /// no issued code. A code issued twice is an error, as in `load`.
    pub fn load_each(
        &self,
        lock: &LockGuard,
        mut each: impl FnMut(&Checked) + Send,
    ) -> Result<LedgerState, LedgerError> {
        // Only redeemed codes are kept: each is let in as its redemption
        // comes, so a second redemption is still found.
        let mut state = LedgerState::default();
        state.only = Some(HashSet::new());
        let mut ids = Vec::new();
        let mut seqs = Vec::new();
        self.scan_lines(&mut state, |state, c, _| {
            each(&c);
            match &c.what {
                What::Issued(_) => {
                    let i = u32::try_from(ids.len()).map_err(|_| "too many codes")?;
                    ids.push((c.key, i));
                    seqs.push(c.seq);
                    // The state keeps no issued code: nothing to place.
                    return Ok(());
                }
                What::Redeemed(_) => {
                    if let Some(only) = state.only.as_mut() {
                        only.insert(c.key);
                    }
                }
                What::Lost(_) => {}
            }
            state.place(c)
        })?;
        let header_lines = u64::from(self.format == LedgerFormat::Csv);
        state
            .seal()
            .map_err(|(seq, e)| self.line_err(seq + header_lines, e))?;
        if let Some((key, i)) = state::issued_twice(ids) {
            let seq = seqs[i as usize];
            let e = format!("code {} issued twice", key.id);
            return Err(self.line_err(seq + header_lines, e));
        }
        self.check_index(lock, &state)?;
        Ok(state)
    }

    /// Reads the ledger from `state`'s end to the end of the file in
    /// chunks of whole lines. Each chunk's lines are framed, checksummed,
    /// hashed, parsed and field-checked in parallel ([`line::Read`]) while
    /// the chunk before is applied: in file order, each line's `prev` is
    /// compared with the line before and its record goes to `place` (after
    /// the seq check), so the first bad line is named exactly as a
    /// line-by-line read would name it.
    fn scan_lines(
        &self,
        state: &mut LedgerState,
        mut place: impl FnMut(&mut LedgerState, Checked, u64) -> Result<(), String> + Send,
    ) -> Result<(), LedgerError> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound && state.end == 0 => return Ok(()),
            Err(e) => return Err(self.io(e)),
        };
        file.seek(SeekFrom::Start(state.end))
            .map_err(|e| self.io(e))?;
        let mut buf = vec![0u8; self.chunk.max(1)];
        let mut filled = 0;
        // Lines read but not yet applied: (length with newline, what it
        // says). Two vectors in turn, kept: allocating one per chunk had the
        // kernel clear fresh pages for every chunk.
        let mut pending: Vec<(usize, line::Read)> = Vec::new();
        let mut next: Vec<(usize, line::Read)> = Vec::new();
        let mut ends: Vec<usize> = Vec::new();
        loop {
            let n = read_full(&mut file, &mut buf[filled..]).map_err(|e| self.io(e))?;
            filled += n;
            let at_eof = filled < buf.len();
            let Some(last) = memchr::memrchr(b'\n', &buf[..filled]) else {
                if at_eof {
                    self.apply_lines(state, &mut pending, &mut place)?;
                    // Nothing more, or a torn line with no newline at all.
                    state.torn_tail |= filled > 0;
                    return Ok(());
                }
                // One line longer than the buffer: make room.
                buf.resize(buf.len() * 2, 0);
                continue;
            };
            let mut lines = &buf[..=last];
            if state.end == 0 && pending.is_empty() && self.format == LedgerFormat::Csv {
                let n = memchr::memchr(b'\n', lines).unwrap_or(last);
                let header = &lines[..n];
                if header != line::csv_header().as_bytes()
                    && header != line::csv_legacy_header().as_bytes()
                {
                    let want = line::csv_header();
                    return Err(self.line_err(1, format!("header is not {want:?}")));
                }
                state.end = n as u64 + 1;
                lines = &lines[n + 1..];
            }
            let format = self.format;
            let ((), applied) = rayon::join(
                || read_lines(format, lines, &mut ends, &mut next),
                || self.apply_lines(state, &mut pending, &mut place),
            );
            applied?;
            std::mem::swap(&mut pending, &mut next);
            if at_eof {
                self.apply_lines(state, &mut pending, &mut place)?;
                state.torn_tail |= last + 1 < filled;
                return Ok(());
            }
            buf.copy_within(last + 1..filled, 0);
            filled -= last + 1;
        }
    }

    /// Applies lines read by [`read_lines`], in order.
    fn apply_lines(
        &self,
        state: &mut LedgerState,
        lines: &mut Vec<(usize, line::Read)>,
        place: &mut impl FnMut(&mut LedgerState, Checked, u64) -> Result<(), String>,
    ) -> Result<(), LedgerError> {
        let header_lines = u64::from(self.format == LedgerFormat::Csv);
        for (len, read) in lines.drain(..) {
            let no = state.records + 1 + header_lines;
            let err = |e: String| self.line_err(no, e);
            let (prev, hash, record) = match read {
                line::Read::Bad(e) => return Err(err(e)),
                line::Read::Framed { prev, hash, record } => (prev, hash, record),
            };
            if prev != Some(state.last_hash) {
                return Err(err(line::CHAIN_BROKEN.into()));
            }
            let (seq, checked) = record.map_err(err)?;
            state.check_seq(seq).map_err(err)?;
            let offset = state.end;
            place(state, checked.map_err(err)?, offset).map_err(err)?;
            state.records += 1;
            state.last_hash = hash;
            state.end += len as u64;
        }
        Ok(())
    }

    /// Appends records under the exclusive lock: assigns sequence numbers,
    /// checks them against `state`, writes all lines at once, syncs, and
    /// only then updates `state`. On any error nothing is acknowledged and
    /// the file is cut back to where it was.
    pub fn append(
        &self,
        lock: &LockGuard,
        state: &mut LedgerState,
        mut records: Vec<Record>,
    ) -> Result<(), LedgerError> {
        if records.is_empty() {
            return Ok(());
        }
        if state.torn_tail {
            return Err(LedgerError::Torn {
                path: self.path.clone(),
                line: state.records + 1 + u64::from(self.format == LedgerFormat::Csv),
            });
        }
        for (seq, r) in (state.next_seq()..).zip(records.iter_mut()) {
            r.seq = seq;
        }
        // Check the whole batch first, so a conflict (second redemption,
        // duplicate id) writes nothing at all.
        let mut probe = Probe::default();
        for r in &records {
            probe.check(state, r).map_err(|e| self.conflict(e))?;
        }
        let mut bytes = Vec::new();
        if state.end == 0 && self.format == LedgerFormat::Csv {
            bytes.extend_from_slice(line::csv_header().as_bytes());
            bytes.push(b'\n');
        }
        let encode = match state.end > 0 && self.is_legacy_csv()? {
            true => line::encode_legacy_csv,
            false => line::encode,
        };
        let mut hash = state.last_hash;
        let mut offsets = Vec::with_capacity(records.len());
        for r in &records {
            offsets.push(state.end + bytes.len() as u64);
            hash = encode(self.format, r, &hash, &mut bytes).map_err(|e| self.conflict(e))?;
        }
        // Not created here: the exclusive lock created the file it locked.
        // Read access is for checking before a cut-back.
        let mut f = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| self.io(e))?;
        self.check_locked(lock, &f)?;
        let len = f.metadata().map_err(|e| self.io(e))?.len();
        if len != state.end {
            // Only a writer that skipped the lock (or a hand edit) gets here;
            // appending would fork the chain.
            return Err(self.conflict(format!(
                "the ledger changed while this command held it ({} bytes, expected {})",
                len, state.end
            )));
        }
        // One write of whole lines, then sync: the record is acknowledged
        // only once it is on disk. A failure is final: no retry (after a
        // failed fsync the kernel may have dropped the dirty pages), and
        // the unacknowledged lines are cut off again.
        // A new ledger's name must be durable too. The lock created the
        // file, so its directory is synced before the first write: a
        // failed directory sync then leaves the file as it was.
        if state.end == 0 {
            disk::sync_parent(&self.path).map_err(|e| self.io(e))?;
        }
        let written = disk::write(&mut f, &bytes).and_then(|()| disk::sync_data(&f));
        if let Err(e) = written {
            return Err(match self.cut_back(&f, state, &bytes) {
                Ok(()) => self.io(e),
                Err(why) => self.conflict(format!(
                    "{e}; the file was not cut back because {why}: run `payqr ledger check`"
                )),
            });
        }
        let end = state.end + bytes.len() as u64;
        index::checkpoint(self, end, state.records + records.len() as u64, &hash);
        let mut tail = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        index::Tail::appended(&mut tail, state.end, &records, &offsets, end, hash);
        drop(tail);
        for r in records {
            state.apply(r).map_err(|e| self.conflict(e))?;
        }
        state.seal().map_err(|(_, e)| self.conflict(e))?;
        state.end = end;
        state.last_hash = hash;
        Ok(())
    }

    /// Whether this is a CSV ledger written before the `judged_at` column:
    /// its new rows must match its header (a load checked the header).
    fn is_legacy_csv(&self) -> Result<bool, LedgerError> {
        if self.format != LedgerFormat::Csv {
            return Ok(false);
        }
        let want = line::csv_legacy_header().len() + 1;
        let mut head = Vec::with_capacity(want);
        File::open(&self.path)
            .and_then(|f| f.take(want as u64).read_to_end(&mut head))
            .map_err(|e| self.io(e))?;
        Ok(head == [line::csv_legacy_header().as_bytes(), b"\n"].concat())
    }

    /// Errs unless `f`, opened by the ledger's name, is the file `lock`
    /// holds: if the name now reaches another file (renamed over, deleted
    /// and re-created), this lock excludes nobody there.
    fn check_locked(&self, lock: &LockGuard, f: &File) -> Result<(), LedgerError> {
        if lock.names(f).map_err(|e| self.io(e))? {
            return Ok(());
        }
        Err(self.conflict(
            "the ledger file was replaced while this command held its lock; nothing was written"
                .into(),
        ))
    }

    /// After a failed write or sync, cuts the file back to `state.end`, the
    /// length it had when this writer checked it, but only once it has
    /// verified that everything past that point is its own: the file is
    /// no longer than what it wrote, the bytes there are a prefix of its
    /// lines, and the line before still hashes to `state.last_hash`. The
    /// lock should make anything else impossible; a writer still never
    /// truncates bytes it did not write, nor below where it started.
    /// Errs with the reason it did not cut.
    fn cut_back(&self, f: &File, state: &LedgerState, ours: &[u8]) -> Result<(), String> {
        let start = state.end;
        let len = f.metadata().map_err(|e| e.to_string())?.len();
        if len < start {
            return Err(format!("it is shorter ({len} bytes) than before ({start})"));
        }
        let extra = len - start;
        if extra > ours.len() as u64 {
            return Err(format!(
                "it holds {extra} bytes past its old end, more than this command wrote ({})",
                ours.len()
            ));
        }
        let mut there = vec![0u8; extra as usize];
        crate::fs::platform::read_exact_at(f, &mut there, start).map_err(|e| e.to_string())?;
        if there[..] != ours[..there.len()] {
            return Err("the bytes past its old end are not the ones this command wrote".into());
        }
        if state.records > 0 && !ends_with_line_hashed(f, start, &state.last_hash) {
            return Err("its last line before this write is not the one this command read".into());
        }
        if extra > 0 {
            f.set_len(start).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Cuts off a torn last line. Returns how many bytes were removed (0
    /// when the ledger was whole). Every complete line must be sound:
    /// repair never drops a record.
    pub fn repair(&self, lock: &LockGuard) -> Result<u64, LedgerError> {
        let state = self.load_unchecked(lock)?;
        if !state.torn_tail {
            return Ok(0);
        }
        let f = OpenOptions::new()
            .write(true)
            .open(&self.path)
            .map_err(|e| self.io(e))?;
        self.check_locked(lock, &f)?;
        let len = f.metadata().map_err(|e| self.io(e))?.len();
        f.set_len(state.end).map_err(|e| self.io(e))?;
        disk::sync_data(&f).map_err(|e| self.io(e))?;
        Ok(len - state.end)
    }
}

impl Ledger {
    /// Evidence of lost records, as a loss to record: `None` when the
    /// index (if any) agrees with the ledger. The ledger must be whole
    /// (every line sound, no torn tail).
    pub fn find_loss(&self, lock: &LockGuard) -> Result<Option<Loss>, LedgerError> {
        let state = self.load_unchecked(lock)?;
        let file = File::open(&self.path).map_err(|e| self.io(e))?;
        // The evidence that covers the most: the index or the checkpoint.
        let found = index::evidence_paths(self)
            .into_iter()
            .filter_map(|p| Some((index::header(&p)?, p)))
            .filter(|(h, _)| !h.matches(Some(&file), state.end))
            .max_by_key(|(h, _)| h.end);
        let Some((h, path)) = found else {
            return Ok(None);
        };
        Ok(Some(Loss {
            seq: 0,
            time: 0,
            records: h.records.saturating_sub(state.records),
            bytes: h.end.saturating_sub(state.end),
            covered: h.end,
            hash: h.last_hash,
            source: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }))
    }

    /// Records the loss the evidence shows (see [`Ledger::find_loss`]) as
    /// a `lost` record chained like any other, then removes the stale
    /// evidence, which the ledger now carries itself (a writer rebuilds
    /// the index; the append rewrote the checkpoint). Returns the loss
    /// recorded, `None` when there was none.
    pub fn record_loss(&self, lock: &LockGuard, now: u64) -> Result<Option<Loss>, LedgerError> {
        let Some(mut loss) = self.find_loss(lock)? else {
            return Ok(None);
        };
        let mut state = self.load_unchecked(lock)?;
        if state.torn_tail {
            return Err(LedgerError::Torn {
                path: self.path.clone(),
                line: state.records + 1 + u64::from(self.format == LedgerFormat::Csv),
            });
        }
        let record = Record::lost(&loss, now);
        self.append(lock, &mut state, vec![record])?;
        loss.seq = state.records;
        loss.time = now;
        for path in index::evidence_paths(self) {
            let stale = match File::open(&self.path) {
                Ok(f) => index::header(&path).is_some_and(|h| !h.matches(Some(&f), state.end)),
                Err(e) => return Err(self.io(e)),
            };
            if stale {
                std::fs::remove_file(&path).map_err(|e| self.io(e))?;
            }
        }
        Ok(Some(loss))
    }
}

/// Reads every line of `lines` (whole lines, each ending in a newline) on
/// its own, in parallel, into `out`: (length with newline, what it says).
fn read_lines(
    format: LedgerFormat,
    lines: &[u8],
    ends: &mut Vec<usize>,
    out: &mut Vec<(usize, line::Read)>,
) {
    use rayon::prelude::*;
    ends.clear();
    ends.extend(memchr::memchr_iter(b'\n', lines));
    let ends = &*ends;
    (0..ends.len())
        .into_par_iter()
        .with_min_len(256)
        .map(|i| {
            let start = if i == 0 { 0 } else { ends[i - 1] + 1 };
            let len = ends[i] + 1 - start;
            (len, line::Read::line(format, &lines[start..ends[i]]))
        })
        .collect_into_vec(out);
}

/// Whether the line ending at byte `end` of `f` (its newline at `end - 1`)
/// hashes to `want`. Lines are a few hundred bytes; one longer than 64 KiB
/// is not one payqr wrote, and counts as a mismatch.
fn ends_with_line_hashed(f: &File, end: u64, want: &line::Hash) -> bool {
    let from = end.saturating_sub(64 << 10);
    let mut buf = vec![0u8; (end - from) as usize];
    if crate::fs::platform::read_exact_at(f, &mut buf, from).is_err() || buf.last() != Some(&b'\n')
    {
        return false;
    }
    let body = &buf[..buf.len() - 1];
    let start = match memchr::memrchr(b'\n', body) {
        Some(i) => i + 1,
        None if from == 0 => 0,
        None => return false,
    };
    line::hash(&body[start..]) == *want
}

/// Reads until `buf` is full or the file ends; returns how much was read.
fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Conflict checks for a batch of new records against the state and each
/// other, without touching the state.
#[derive(Default)]
struct Probe {
    issued: HashSet<CodeKey>,
    redeemed: HashSet<CodeKey>,
    replaced: HashSet<CodeKey>,
}

impl Probe {
    fn check(&mut self, state: &LedgerState, r: &Record) -> Result<(), String> {
        if r.event == Event::Lost {
            return Ok(());
        }
        let id: CodeId = r.code_id.parse()?;
        let key = CodeKey::of(&r.issuer, id);
        let loaded = |k: &CodeKey| state.only.as_ref().is_none_or(|o| o.contains(k));
        if !loaded(&key) || (state.refs_only && r.event == Event::Redeemed) {
            return Err(format!("code {id} was not loaded for this append"));
        }
        match r.event {
            Event::Issued => {
                if state.knows_code(&key) || !self.issued.insert(key) {
                    return Err(format!("code {id} is already issued"));
                }
                if let Some(old) = r.replaces.as_deref() {
                    let old = CodeKey {
                        id: old.parse()?,
                        ..key
                    };
                    if !loaded(&old) {
                        return Err(format!("code {} was not loaded for this append", old.id));
                    }
                    // A paid code stays paid: a reissue would make the
                    // same fine payable again.
                    if state.is_redeemed(&old) || self.redeemed.contains(&old) {
                        return Err(format!(
                            "code {} is already redeemed; a paid code is not reissued",
                            old.id
                        ));
                    }
                    if let Some(by) = state.replaced_by(&old) {
                        return Err(format!(
                            "code {} was already replaced by code {}",
                            old.id, by.by
                        ));
                    }
                    if !self.replaced.insert(old) {
                        return Err(format!("code {} is replaced twice", old.id));
                    }
                }
            }
            Event::Redeemed => {
                if let Some(by) = state.replaced_by(&key) {
                    return Err(format!(
                        "code {id} was replaced by code {} (reissued); only that code can be redeemed",
                        by.by
                    ));
                }
                if self.replaced.contains(&key) {
                    return Err(format!("code {id} is replaced in this same append"));
                }
                if state.redemption(&key).is_some() || !self.redeemed.insert(key) {
                    return Err(format!("code {id} is already redeemed"));
                }
            }
            Event::Lost => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::currency::Currency;
    use crate::code::{Code, KeyId, Kind, SignedCode};
    use ed25519_dalek::SigningKey;

    fn code(n: u16) -> SignedCode {
        let k = SigningKey::from_bytes(&[3u8; 32]);
        let mut id = [7u8; 8];
        id[..2].copy_from_slice(&n.to_be_bytes());
        Code {
            issuer: "bj-traffic".into(),
            key_id: KeyId::of(&k.verifying_key()),
            code_id: CodeId(id),
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

    fn key(n: u16) -> CodeKey {
        CodeKey::of("bj-traffic", code(n).code.code_id)
    }

    fn redeem(n: u16) -> Record {
        let id = code(n).code.code_id;
        Record::redeemed("bj-traffic", id, 9, Some(format!("T{n}")), "counter", None)
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

    /// A ledger with codes 1..=n issued and the odd ones redeemed.
    fn filled(l: &Ledger, n: u16) {
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let recs = (1..=n).map(|i| Record::issued(&code(i), 5)).collect();
        l.append(&lock, &mut st, recs).unwrap();
        for i in (1..=n).step_by(2) {
            l.append(&lock, &mut st, vec![redeem(i)]).unwrap();
        }
    }

    #[test]
    fn append_reload_and_refuse_double_redemption() {
        for (_d, l) in both() {
            let lock = l.lock().unwrap();
            let mut st = l.load(&lock).unwrap();
            let recs = vec![Record::issued(&code(1), 5), Record::issued(&code(2), 5)];
            l.append(&lock, &mut st, recs).unwrap();
            l.append(&lock, &mut st, vec![redeem(1)]).unwrap();
            let err = l.append(&lock, &mut st, vec![redeem(1)]).unwrap_err();
            assert!(err.to_string().contains("already redeemed"), "{err}");
            let st = l.load(&lock).unwrap();
            assert_eq!(st.records, 3);
            assert_eq!(st.issued.len(), 2);
            assert_eq!(st.redemption(&key(1)).unwrap().txn.as_deref(), Some("T1"));
            assert_eq!(
                st.code_for_reference("bj-traffic", "京A12342"),
                Some(code(2).code.code_id)
            );
            // The lock is on the ledger itself: no lock file beside it.
            let lock_files = std::fs::read_dir(_d.path())
                .unwrap()
                .filter(|e| e.as_ref().unwrap().path().extension() == Some("lock".as_ref()))
                .count();
            assert_eq!(lock_files, 0);
        }
    }

    /// A code like `code(n)` but for reference `r` (a reissue of it).
    fn code_for(n: u16, r: &str) -> SignedCode {
        let k = SigningKey::from_bytes(&[3u8; 32]);
        let mut c = code(n).code;
        c.reference = r.to_string();
        c.sign(&k).unwrap()
    }

    #[test]
    fn references_only_state_resumes_and_appends_like_a_full_one() {
        for (_d, l) in both() {
            filled(&l, 130);
            let lock = l.lock().unwrap();
            // Reissue reference 5 as code 900: the latest code wins.
            let mut full = l.load(&lock).unwrap();
            let again = Record::issued(&code_for(900, "京A12345"), 6);
            l.append(&lock, &mut full, vec![again]).unwrap();
            let mut refs = l.load_references(&lock).unwrap();
            assert_eq!((refs.records, refs.issued.len()), (full.records, 0));
            for n in (1..=130).chain([900, 131]) {
                let r = format!("京A1234{n}");
                let want = full.code_for_reference("bj-traffic", &r);
                assert_eq!(refs.code_for_reference("bj-traffic", &r), want, "{r}");
                assert_eq!(refs.code_for_reference("other-issuer", &r), None);
            }
            assert_eq!(
                refs.code_for_reference("bj-traffic", "京A12345"),
                Some(code(900).code.code_id)
            );
            // A code id already in the ledger is refused, a redemption is
            // refused (the state does not know redemptions), a new code
            // is appended and found, in this state and after a reload.
            let dup = vec![Record::issued(&code_for(7, "new"), 6)];
            let err = l.append(&lock, &mut refs, dup).unwrap_err().to_string();
            assert!(err.contains("already issued"), "{err}");
            let err = l.append(&lock, &mut refs, vec![redeem(2)]).unwrap_err();
            assert!(err.to_string().contains("not loaded"), "{err}");
            let new: Vec<Record> = (131..=300).map(|i| Record::issued(&code(i), 6)).collect();
            l.append(&lock, &mut refs, new).unwrap();
            let last = code(300).code;
            assert_eq!(
                refs.code_for_reference("bj-traffic", &last.reference),
                Some(last.code_id)
            );
            let full = l.load(&lock).unwrap();
            assert_eq!((full.records, full.issued.len()), (refs.records, 301));
            let last = CodeKey::of(&last.issuer, last.code_id);
            assert!(refs.knows_code(&last) && full.knows_code(&last));
        }
    }

    #[test]
    fn every_line_carries_prev_and_crc() {
        for (_d, l) in both() {
            filled(&l, 2);
            let text = std::fs::read_to_string(l.path()).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let records = &lines[usize::from(l.format() == LedgerFormat::Csv)..];
            assert_eq!(records.len(), 3);
            // The first record chains to zeros, the next to the first.
            assert!(records[0].contains(&"0".repeat(32)), "{}", records[0]);
            let h = crate::code::to_hex(&line::hash(records[0].as_bytes()));
            assert!(records[1].contains(&h), "{}", records[1]);
            if l.format() == LedgerFormat::Csv {
                assert!(lines[0].ends_with(",prev,crc"), "{}", lines[0]);
            }
        }
    }

    #[test]
    fn bad_lines_are_named_and_torn_tails_repaired() {
        for (_d, l) in both() {
            filled(&l, 2);
            let lock = l.lock().unwrap();
            let text = std::fs::read_to_string(l.path()).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let n = lines.len();
            let mut swapped = lines.clone();
            swapped.swap(n - 1, n - 2);
            std::fs::write(l.path(), swapped.join("\n") + "\n").unwrap();
            let err = l.load(&lock).unwrap_err().to_string();
            assert!(err.contains(&format!(":{}:", n - 1)), "{err}");
            assert!(err.contains("hash chain broken"), "{err}");
            assert_eq!(l.repair(&lock).unwrap_err().to_string(), err);

            // A torn tail is flagged, appending refuses to build on it, and
            // repair cuts exactly the partial line.
            let torn = "{\"seq\":4,\"ti";
            std::fs::write(l.path(), text.clone() + torn).unwrap();
            let mut st = l.load(&lock).unwrap();
            assert!(st.torn_tail);
            assert_eq!(st.records, 3);
            let e = l.append(&lock, &mut st, vec![redeem(2)]).unwrap_err();
            assert!(e.to_string().contains("incomplete"), "{e}");
            assert_eq!(l.repair(&lock).unwrap(), torn.len() as u64);
            assert_eq!(std::fs::read_to_string(l.path()).unwrap(), text);
            assert_eq!(l.repair(&lock).unwrap(), 0);
            let mut st = l.load(&lock).unwrap();
            l.append(&lock, &mut st, vec![redeem(2)]).unwrap();
        }
    }

    #[test]
    fn appends_refuse_a_file_that_changed_underneath() {
        for (_d, l) in both() {
            filled(&l, 2);
            let lock = l.lock().unwrap();
            let mut st = l.load(&lock).unwrap();
            let mut other = l.load(&lock).unwrap();
            l.append(&lock, &mut other, vec![Record::issued(&code(9), 5)])
                .unwrap();
            let e = l
                .append(&lock, &mut st, vec![Record::issued(&code(10), 5)])
                .unwrap_err();
            assert!(e.to_string().contains("changed"), "{e}");
            assert_eq!(l.load(&lock).unwrap().records, 4);
        }
    }

    #[test]
    fn a_failed_write_never_cuts_bytes_it_did_not_write() {
        for (_d, l) in both() {
            filled(&l, 4);
            let lock = l.lock().unwrap();
            let st = l.load(&lock).unwrap();
            let base = std::fs::read(l.path()).unwrap();
            let mut ours = Vec::new();
            line::encode(l.format(), &redeem(2), &st.last_hash, &mut ours).unwrap();
            let f = || {
                OpenOptions::new()
                    .read(true)
                    .append(true)
                    .open(l.path())
                    .unwrap()
            };
            let with = |tail: &[u8]| [&base[..], tail].concat();
            // Half of this writer's line: cut back to where it started.
            std::fs::write(l.path(), with(&ours[..ours.len() / 2])).unwrap();
            l.cut_back(&f(), &st, &ours).unwrap();
            assert_eq!(std::fs::read(l.path()).unwrap(), base);
            // Someone else's line, more than it wrote, a shorter file, or a
            // different line before: it cuts nothing.
            let mut theirs = Vec::new();
            line::encode(l.format(), &redeem(4), &st.last_hash, &mut theirs).unwrap();
            let mut changed_last = base.clone();
            let at = changed_last.len() - 10;
            changed_last[at] ^= 1;
            let cases = [
                (with(&theirs), "not the ones"),
                (with(&[&ours[..], b"x"].concat()), "more than"),
                (base[..base.len() - 1].to_vec(), "shorter"),
                ([&changed_last[..], &ours[..]].concat(), "last line"),
            ];
            for (bytes, why) in cases {
                std::fs::write(l.path(), &bytes).unwrap();
                let e = l.cut_back(&f(), &st, &ours).unwrap_err();
                assert!(e.contains(why), "{why}: {e}");
                assert_eq!(std::fs::read(l.path()).unwrap(), bytes);
            }
        }
    }

    #[test]
    fn a_ledger_replaced_under_the_lock_is_not_written() {
        for (d, l) in both() {
            filled(&l, 2);
            let lock = l.lock().unwrap();
            let mut st = l.load(&lock).unwrap();
            let copy = d.path().join("copy");
            std::fs::copy(l.path(), &copy).unwrap();
            std::fs::rename(&copy, l.path()).unwrap();
            let before = std::fs::read(l.path()).unwrap();
            let e = l.append(&lock, &mut st, vec![redeem(2)]).unwrap_err();
            assert!(e.to_string().contains("replaced"), "{e}");
            assert_eq!(std::fs::read(l.path()).unwrap(), before);
            // A new lock takes the file the name reaches now.
            drop(lock);
            let lock = l.lock().unwrap();
            let mut st = l.load(&lock).unwrap();
            l.append(&lock, &mut st, vec![redeem(2)]).unwrap();
        }
    }

    #[test]
    fn a_second_issue_of_a_code_is_named() {
        for (_d, l) in both() {
            filled(&l, 70);
            let lock = l.lock().unwrap();
            let full = l.load(&lock).unwrap();
            // A state that knows nothing of the codes, at the ledger's end.
            let mut blind = LedgerState::default();
            blind.records = full.records;
            blind.end = full.end;
            blind.last_hash = full.last_hash;
            l.append(&lock, &mut blind, vec![Record::issued(&code(3), 5)])
                .unwrap();
            let line = full.records + 1 + u64::from(l.format() == LedgerFormat::Csv);
            let err = l.load(&lock).unwrap_err().to_string();
            let want = format!(":{line}: code {} issued twice", code(3).code.code_id);
            assert!(err.contains(&want), "{err}");
        }
    }

    #[test]
    fn small_chunks_name_the_same_lines() {
        for (_d, l) in both() {
            filled(&l, 30);
            let lock = l.lock().unwrap();
            let whole = l.load(&lock).unwrap();
            let text = std::fs::read(l.path()).unwrap();
            // Chunks shorter than a line, a line and a bit, and many lines.
            for chunk in [1, 7, 300, 1000, 5000] {
                let small = Ledger {
                    chunk,
                    ..Ledger::new(l.path())
                };
                let st = small.load(&lock).unwrap();
                assert_eq!((st.records, st.end), (whole.records, whole.end));
                assert_eq!(st.issued, whole.issued);
                assert_eq!(st.redeemed, whole.redeemed);
                assert!(!st.torn_tail);
                // A flipped bit on each line in turn is named on that line.
                let starts: Vec<usize> = std::iter::once(0)
                    .chain(memchr::memchr_iter(b'\n', &text).map(|i| i + 1))
                    .filter(|&i| i < text.len())
                    .collect();
                for (n, &at) in starts.iter().enumerate().skip(1).step_by(7) {
                    let mut bad = text.clone();
                    bad[at + 3] ^= 0x01;
                    std::fs::write(l.path(), &bad).unwrap();
                    let e = small.load(&lock).unwrap_err().to_string();
                    assert!(e.contains(&format!(":{}: ", n + 1)), "{chunk}: {e}");
                }
                // A torn tail after a chunk boundary.
                let mut torn = text.clone();
                torn.extend_from_slice(b"{\"seq\":99");
                std::fs::write(l.path(), &torn).unwrap();
                let st = small.load(&lock).unwrap();
                assert!(st.torn_tail);
                assert_eq!(st.end, whole.end);
                std::fs::write(l.path(), &text).unwrap();
            }
        }
    }

    /// The state of a few codes, read through the index or by a scan, is
    /// what a full load says about them.
    fn same_as_full(l: &Ledger, ids: &[CodeKey]) {
        let lock = l.lock().unwrap();
        let full = l.load(&lock).unwrap();
        let part = l.load_codes(&lock, ids).unwrap();
        assert_eq!(part.records, full.records);
        assert_eq!((part.end, part.last_hash), (full.end, full.last_hash));
        for id in ids {
            assert_eq!(part.issued(id), full.issued(id));
            assert_eq!(part.redemption(id), full.redemption(id));
        }
    }

    #[test]
    fn index_answers_like_a_full_load_and_survives_damage() {
        for (_d, l) in both() {
            filled(&l, 40);
            let ids: Vec<CodeKey> = (1..=41).map(key).collect();
            // Below the threshold no index is kept.
            same_as_full(&l, &ids);
            assert!(!l.index_path().exists());
            let l = Ledger {
                limits: (40, 1000),
                ..l
            };
            same_as_full(&l, &ids[..1]);
            assert!(l.index_path().exists());
            same_as_full(&l, &ids[..3]);
            same_as_full(&l, &ids);
            // The index really spares the scan: damage to another code's
            // line goes unseen by load_codes (ledger check finds it).
            let text = std::fs::read(l.path()).unwrap();
            let mut damaged = text.clone();
            let mid = text.len() / 2;
            damaged[mid] ^= 0x20;
            std::fs::write(l.path(), &damaged).unwrap();
            let lock = l.lock().unwrap();
            assert!(l.load(&lock).is_err());
            assert_eq!(l.load_codes(&lock, &ids[..1]).unwrap().records, 60);
            drop(lock);
            std::fs::write(l.path(), &text).unwrap();
            // Past the index: a tail of new records is read on every open.
            let lock = l.lock().unwrap();
            let mut st = l.load_codes(&lock, &ids[1..2]).unwrap();
            l.append(&lock, &mut st, vec![redeem(2)]).unwrap();
            drop(lock);
            same_as_full(&l, &ids[..4]);
            // A damaged, stale or foreign index is ignored.
            let good = std::fs::read(l.index_path()).unwrap();
            let mut bad = good.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            for junk in [bad, good[..100].to_vec(), b"PAYQRIX1".to_vec()] {
                std::fs::write(l.index_path(), junk).unwrap();
                same_as_full(&l, &ids);
            }
            std::fs::remove_file(l.index_path()).unwrap();
            same_as_full(&l, &ids);
        }
    }

    #[test]
    fn the_index_finds_records_cut_off_the_end() {
        for (_d, l) in both() {
            filled(&l, 40);
            let l = Ledger {
                limits: (40, 1000),
                ..l
            };
            let lock = l.lock().unwrap();
            let mut st = l.load_codes(&lock, &[key(2)]).unwrap();
            assert!(l.index_path().exists());
            l.check_index(&lock, &l.load(&lock).unwrap()).unwrap();
            // Growing past the index is fine.
            l.append(&lock, &mut st, vec![redeem(2)]).unwrap();
            l.check_index(&lock, &l.load(&lock).unwrap()).unwrap();
            // Cutting whole lines off leaves a sound file, but not the
            // one the index covered.
            let text = std::fs::read_to_string(l.path()).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let keep = lines.len() - 3;
            std::fs::write(l.path(), lines[..keep].join("\n") + "\n").unwrap();
            let cut = l.load_unchecked(&lock).unwrap();
            let e = l.check_index(&lock, &cut).unwrap_err().to_string();
            assert!(e.contains("records were removed from the end"), "{e}");
            // Every load refuses: nothing is rebuilt over the evidence.
            let idx = std::fs::read(l.index_path()).unwrap();
            for e in [
                l.load(&lock).unwrap_err(),
                l.load_references(&lock).unwrap_err(),
                l.load_each(&lock, |_| {}).unwrap_err(),
                l.load_codes(&lock, &[key(2)]).unwrap_err(),
                l.lookup_codes(&lock, &[key(2)]).unwrap_err(),
            ] {
                assert!(matches!(e, LedgerError::Lost { .. }), "{e}");
            }
            assert_eq!(std::fs::read(l.index_path()).unwrap(), idx);
            // The index alone covered 60 records (before redeem(2)).
            let ckpt = std::fs::read(l.checkpoint_path()).unwrap();
            std::fs::remove_file(l.checkpoint_path()).unwrap();
            assert_eq!(l.find_loss(&lock).unwrap().unwrap().records, 2);
            // Without the index and the checkpoint there is nothing to
            // compare with.
            std::fs::remove_file(l.index_path()).unwrap();
            l.check_index(&lock, &cut).unwrap();
            assert!(l.find_loss(&lock).unwrap().is_none());
            // The checkpoint covered all 61; 58 are left.
            std::fs::write(l.index_path(), &idx).unwrap();
            std::fs::write(l.checkpoint_path(), &ckpt).unwrap();
            let loss = l.find_loss(&lock).unwrap().unwrap();
            assert_eq!(loss.records, 3);
            let recorded = l.record_loss(&lock, 77).unwrap().unwrap();
            assert_eq!((recorded.records, recorded.seq), (3, 59));
            assert!(!l.index_path().exists());
            let st = l.load(&lock).unwrap();
            assert_eq!(st.records, 59);
            assert_eq!(st.losses.len(), 1);
            assert_eq!(st.losses[0].bytes, loss.bytes);
            assert_eq!(st.losses[0].hash, loss.hash);
            assert!(l.find_loss(&lock).unwrap().is_none());
            assert!(l.record_loss(&lock, 78).unwrap().is_none());
            // Writing resumes, and a rebuilt index still sees the loss.
            let mut st = l.load_codes(&lock, &[key(4)]).unwrap();
            l.append(&lock, &mut st, vec![redeem(4)]).unwrap();
            assert_eq!(l.load(&lock).unwrap().losses.len(), 1);
        }
    }

    #[test]
    fn a_process_keeps_its_tail_between_batches() {
        for (_d, l) in both() {
            filled(&l, 60);
            let ids: Vec<CodeKey> = (1..=60).map(key).collect();
            // Two "processes": `a` keeps what it read past the index between
            // its batches (and folds it in after 32), `b` appends between.
            let a = Ledger {
                limits: (40, 1),
                ..Ledger::new(l.path())
            };
            let b = Ledger {
                limits: (40, 1000),
                ..Ledger::new(l.path())
            };
            for k in (2..=60).step_by(2) {
                let lock = a.lock().unwrap();
                let mut st = a.load_codes(&lock, &[key(k)]).unwrap();
                a.append(&lock, &mut st, vec![redeem(k)]).unwrap();
                // A second redemption in the same process is refused.
                let mut st = a.load_codes(&lock, &[key(k)]).unwrap();
                assert!(a.append(&lock, &mut st, vec![redeem(k)]).is_err());
                drop(lock);
                if k % 3 == 0 {
                    let new = code(100 + k);
                    let lock = b.lock().unwrap();
                    let mut st = b
                        .load_codes(&lock, &[CodeKey::of(&new.code.issuer, new.code.code_id)])
                        .unwrap();
                    b.append(&lock, &mut st, vec![Record::issued(&new, 5)])
                        .unwrap();
                }
                same_as_full(&a, &ids);
                same_as_full(&b, &ids);
            }
            let lock = l.lock().unwrap();
            let all = l.load(&lock).unwrap();
            assert_eq!((all.redeemed.len(), all.issued.len()), (60, 70));
        }
    }
}
