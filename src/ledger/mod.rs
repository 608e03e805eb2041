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
mod chain;
mod checked;
mod error;
mod evidence;
mod index;
mod line;
mod lock;
mod loss;
mod partial;
pub mod payload;
pub mod postgres;
mod probe;
mod record;
mod state;

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::fs::durable as disk;
use probe::Probe;

pub use backend::Backend;
pub use checked::{
    Cancelled, Checked, CodeKey, IssuedFields, Loss, Redemption, What, issuer_tag, rule_key,
};
pub use error::{
    ConflictError, EncodeError, LedgerError, LineError, NotCutBack, Reason, RecordError, StateError,
};
pub use lock::LockGuard;
pub use postgres::PgLedger;
pub use record::{Event, LedgerFormat, Record};
pub use state::{Issued, LedgerState, Replacement};

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

    fn line_err(&self, line: u64, reason: impl Into<Reason>) -> LedgerError {
        LedgerError::Line {
            path: self.path.clone(),
            line,
            reason: Box::new(reason.into()),
        }
    }

    fn conflict(&self, reason: impl Into<Reason>) -> LedgerError {
        LedgerError::Conflict {
            path: self.path.clone(),
            reason: Box::new(reason.into()),
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
            self.missing_is_a_loss()?;
        }
        lock::take(&self.path, true)
    }

    /// Errs ([`LedgerError::Lost`]) if the ledger is missing and its index
    /// or checkpoint says it held records. Another writer may create the
    /// ledger and record (rewriting the checkpoint) between the caller's
    /// finding it missing and this read: that is no loss, so the evidence
    /// counts only if the ledger is still missing after it was read.
    /// (Concurrent first redemptions into a new ledger failed so.)
    fn missing_is_a_loss(&self) -> Result<(), LedgerError> {
        match evidence::evidence(&self.path, self.evidence_paths(), None, 0, None) {
            Err(e) if !self.path.exists() => Err(e),
            _ => Ok(()),
        }
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
        let file = match File::open(&self.path) {
            Ok(f) => Some(f),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(self.io(e)),
        };
        evidence::evidence(
            &self.path,
            self.evidence_paths(),
            file.as_ref(),
            state.end,
            Some((state.records, state.end)),
        )
    }

    /// The evidence files beside a ledger: the index and the checkpoint.
    fn evidence_paths(&self) -> [PathBuf; 2] {
        [self.index_path(), self.checkpoint_path()]
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
                    let i = u32::try_from(ids.len()).map_err(|_| StateError::TooManyCodes)?;
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
                What::Cancelled(_) => {
                    if let Some(only) = state.only.as_mut() {
                        only.insert(c.key);
                    }
                }
            }
            state.place(c)
        })?;
        let header_lines = u64::from(self.format == LedgerFormat::Csv);
        state
            .seal()
            .map_err(|(seq, e)| self.line_err(seq + header_lines, e))?;
        if let Some((key, i)) = state::issued_twice(ids) {
            let seq = seqs[i as usize];
            let e = StateError::IssuedTwice { code: Some(key.id) };
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
        mut place: impl FnMut(&mut LedgerState, Checked, u64) -> Result<(), StateError> + Send,
    ) -> Result<(), LedgerError> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound && state.end == 0 => return Ok(()),
            Err(e) => return Err(self.io(e)),
        };
        file.seek(SeekFrom::Start(state.end))
            .map_err(|e| self.io(e))?;
        // No bigger than what is left to read: a redemption's tail is
        // often empty, and the chunk is for full loads.
        let left = file.metadata().map_err(|e| self.io(e))?.len();
        let left = usize::try_from(left.saturating_sub(state.end)).unwrap_or(usize::MAX);
        let mut buf = vec![0u8; self.chunk.min(left.saturating_add(1)).max(1)];
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
                    return Err(self.line_err(1, LineError::CsvHeader { want }));
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
        place: &mut impl FnMut(&mut LedgerState, Checked, u64) -> Result<(), StateError>,
    ) -> Result<(), LedgerError> {
        let header_lines = u64::from(self.format == LedgerFormat::Csv);
        for (len, read) in lines.drain(..) {
            let no = state.records + 1 + header_lines;
            let err = |e: Reason| self.line_err(no, e);
            let (prev, hash, record) = match read {
                line::Read::Bad(e) => return Err(err(e.into())),
                line::Read::Framed { prev, hash, record } => (prev, hash, record),
            };
            if prev != Some(state.last_hash) {
                return Err(err(LineError::ChainBroken.into()));
            }
            let (seq, checked) = record.map_err(|e| err(e.into()))?;
            state.check_seq(seq).map_err(|e| err(e.into()))?;
            let offset = state.end;
            let checked = checked.map_err(|e| err(e.into()))?;
            place(state, checked, offset).map_err(|e| err(e.into()))?;
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
            return Err(self.conflict(ConflictError::Changed {
                found: len,
                expected: state.end,
            }));
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
                Err(why) => self.conflict(Reason::NotCutBack {
                    write: e.to_string(),
                    why,
                }),
            });
        }
        let end = state.end + bytes.len() as u64;
        evidence::checkpoint(
            &self.checkpoint_path(),
            end,
            state.records + records.len() as u64,
            &hash,
        );
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
        Err(self.conflict(ConflictError::FileReplaced))
    }

    /// After a failed write or sync, cuts the file back to `state.end`, the
    /// length it had when this writer checked it, but only once it has
    /// verified that everything past that point is its own: the file is
    /// no longer than what it wrote, the bytes there are a prefix of its
    /// lines, and the line before still hashes to `state.last_hash`. The
    /// lock should make anything else impossible; a writer still never
    /// truncates bytes it did not write, nor below where it started.
    /// Errs with the reason it did not cut.
    fn cut_back(&self, f: &File, state: &LedgerState, ours: &[u8]) -> Result<(), NotCutBack> {
        let io = |e: io::Error| NotCutBack::Io(e.to_string());
        let start = state.end;
        let len = f.metadata().map_err(io)?.len();
        if len < start {
            return Err(NotCutBack::Shorter { len, start });
        }
        let extra = len - start;
        let wrote = ours.len() as u64;
        if extra > wrote {
            return Err(NotCutBack::Longer { extra, wrote });
        }
        let mut there = vec![0u8; extra as usize];
        crate::fs::platform::read_exact_at(f, &mut there, start).map_err(io)?;
        if there[..] != ours[..there.len()] {
            return Err(NotCutBack::NotOurs);
        }
        if state.records > 0 && !ends_with_line_hashed(f, start, &state.last_hash) {
            return Err(NotCutBack::LineBefore);
        }
        if extra > 0 {
            f.set_len(start).map_err(io)?;
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
fn ends_with_line_hashed(f: &File, end: u64, want: &chain::Hash) -> bool {
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
    chain::hash(&body[start..]) == *want
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

#[cfg(test)]
mod tests;
