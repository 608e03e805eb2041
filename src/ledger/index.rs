//! `<ledger>.idx`: where each code's `issued` and `redeemed` lines start,
//! sorted by code id, so a redemption reads a few dozen bytes instead of
//! the whole ledger. The ledger stays the only truth:
//!
//! - the index covers a prefix of the ledger and names its length and the
//!   hash of its last line; if the ledger does not end that prefix with
//!   that line (truncated, replaced, edited), the index is ignored and
//!   rebuilt by a full scan;
//! - lines past the prefix (the tail) are read and checked on every open,
//!   and once the tail passes a limit the index is rewritten to cover it;
//! - every line the index points at is checked (checksum, code id, event)
//!   before it is believed.
//!
//! Layout (integers little-endian): a 64-byte header (`PAYQRIX1`, prefix
//! length, records, last line hash (16 bytes), entry count, CRC-32 of the
//! header so far), then 24-byte entries: code id (8 bytes), offset of the
//! `issued` line, offset of the `redeemed` line (`u64::MAX`: none).

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::line::{self, Hash};
use super::record::{Event, Record};
use super::state::{Checked, What};
use super::{Ledger, LedgerError, LedgerState, disk};
use crate::code::CodeId;

const MAGIC: &[u8; 8] = b"PAYQRIX1";
const HEADER: u64 = 64;
const ENTRY: u64 = 24;
const NONE: u64 = u64::MAX;

#[derive(Debug, Clone, Copy)]
struct Entry {
    id: CodeId,
    issued: u64,
    redeemed: u64,
}

impl Entry {
    fn of_record(r: &Record, offset: u64) -> Option<Entry> {
        let id = r.code_id.parse().ok()?;
        let (issued, redeemed) = match r.event {
            Event::Issued => (offset, NONE),
            Event::Redeemed => (NONE, offset),
        };
        Some(Entry {
            id,
            issued,
            redeemed,
        })
    }

    fn of(c: &Checked, offset: u64) -> Option<Entry> {
        let (issued, redeemed) = match c.what {
            What::Issued(_) => (offset, NONE),
            What::Redeemed(_) => (NONE, offset),
        };
        Some(Entry {
            id: c.code_id,
            issued,
            redeemed,
        })
    }

    fn decode(b: &[u8]) -> Entry {
        let u = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        Entry {
            id: CodeId(b[..8].try_into().expect("8 bytes")),
            issued: u(8),
            redeemed: u(16),
        }
    }
}

/// (records before an index is kept, tail records before it is rewritten)
pub(super) fn limits() -> (u64, usize) {
    // Debug builds let tests shrink the limits to reach the index paths
    // with small ledgers: PAYQR_TEST_INDEX=MIN,TAIL.
    if cfg!(debug_assertions)
        && let Some((min, tail)) = std::env::var("PAYQR_TEST_INDEX")
            .ok()
            .and_then(|v| v.split_once(',').map(|(a, b)| (a.parse(), b.parse())))
            .and_then(|(a, b)| Some((a.ok()?, b.ok()?)))
    {
        return (min, tail);
    }
    // Below 10,000 records a full scan takes a few milliseconds; a tail of
    // 1,000 lines is read in about one, and rewriting a 1M-code index
    // (24 MB) every 1,000 redemptions costs well under 1 ms each.
    (10_000, 1_000)
}

/// An index whose header matches the ledger as it is now.
struct Index {
    file: File,
    end: u64,
    records: u64,
    last_hash: Hash,
    count: u64,
}

impl Index {
    /// An index whose header and size are intact, whatever the ledger says.
    fn read(path: &Path) -> Option<Index> {
        let mut file = File::open(path).ok()?;
        let mut h = [0u8; HEADER as usize];
        file.read_exact(&mut h).ok()?;
        let u = |i: usize| u64::from_le_bytes(h[i..i + 8].try_into().expect("8 bytes"));
        let crc = u32::from_le_bytes(h[48..52].try_into().expect("4 bytes"));
        if &h[..8] != MAGIC || crc != crc32fast::hash(&h[..48]) {
            return None;
        }
        let (end, records, count) = (u(8), u(16), u(40));
        let len = file.metadata().ok()?.len();
        if end == 0 || count.checked_mul(ENTRY)?.checked_add(HEADER)? != len {
            return None;
        }
        Some(Index {
            file,
            end,
            records,
            last_hash: h[24..40].try_into().expect("16 bytes"),
            count,
        })
    }

    /// Whether the ledger still ends the covered part with the line whose
    /// hash the index recorded.
    fn matches(&self, ledger: &File, ledger_len: u64) -> bool {
        self.end <= ledger_len
            && line_before(ledger, self.end)
                .ok()
                .flatten()
                .is_some_and(|l| line::hash(&l) == self.last_hash)
    }

    fn open(path: &Path, ledger: &File, ledger_len: u64) -> Option<Index> {
        Index::read(path).filter(|ix| ix.matches(ledger, ledger_len))
    }

    fn entry(&self, i: u64) -> io::Result<Entry> {
        let mut b = [0u8; ENTRY as usize];
        self.file.read_exact_at(&mut b, HEADER + i * ENTRY)?;
        Ok(Entry::decode(&b))
    }

    fn all(&self) -> io::Result<Vec<Entry>> {
        let mut b = vec![0u8; (self.count * ENTRY) as usize];
        self.file.read_exact_at(&mut b, HEADER)?;
        Ok(b.chunks_exact(ENTRY as usize).map(Entry::decode).collect())
    }

    /// Binary search on disk: ~20 reads of 24 bytes for 1M codes.
    fn find(&self, id: CodeId) -> io::Result<Option<Entry>> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let e = self.entry(mid)?;
            match e.id.cmp(&id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Some(e)),
            }
        }
        Ok(None)
    }

    /// The entries of these codes.
    fn find_all(&self, ids: &HashSet<CodeId>) -> io::Result<Vec<Entry>> {
        // Many codes (a batch from stdin): one read of the whole index
        // beats thousands of small ones; search the bytes as they are.
        if ids.len() > 64 {
            let mut b = vec![0u8; (self.count * ENTRY) as usize];
            self.file.read_exact_at(&mut b, HEADER)?;
            let entries: Vec<&[u8]> = b.chunks_exact(ENTRY as usize).collect();
            return Ok(ids
                .iter()
                .filter_map(|id| entries.binary_search_by(|e| e[..8].cmp(&id.0)).ok())
                .map(|i| Entry::decode(entries[i]))
                .collect());
        }
        let mut v = Vec::new();
        for id in ids {
            v.extend(self.find(*id)?);
        }
        Ok(v)
    }
}

/// The records the entries point at (all before `end`), or `None` if one
/// is not what its entry claims (a damaged index: rebuild it).
fn read_records(
    ledger: &Ledger,
    file: &File,
    entries: &[Entry],
    end: u64,
) -> io::Result<Option<Vec<Record>>> {
    let mut out = Vec::new();
    for e in entries {
        for (offset, event) in [(e.issued, Event::Issued), (e.redeemed, Event::Redeemed)] {
            if offset == NONE {
                continue;
            }
            let Some(text) = line_at(file, offset, end)? else {
                return Ok(None);
            };
            match line::decode(ledger.format(), &text, None) {
                Ok(r) if r.event == event && r.code_id == e.id.to_string() => out.push(r),
                _ => return Ok(None),
            }
        }
    }
    Ok(Some(out))
}

/// What a process has read past the index, kept between the batches of one
/// `redeem -` so a batch reads only the lines it has not seen yet.
#[derive(Debug)]
pub(super) struct Tail {
    /// The index this tail extends: its covered length and last hash.
    base: (u64, Hash),
    /// One entry per record between the index's end and `end`.
    entries: Vec<Entry>,
    end: u64,
    records: u64,
    last_hash: Hash,
}

impl Tail {
    /// Notes records this process appended at `offsets` (the tail must end
    /// where they start, else it is dropped).
    pub(super) fn appended(
        cache: &mut Option<Tail>,
        from: u64,
        records: &[Record],
        offsets: &[u64],
        end: u64,
        last_hash: Hash,
    ) {
        match cache {
            Some(t) if t.end == from => {
                let new = records.iter().zip(offsets);
                t.entries
                    .extend(new.filter_map(|(r, &o)| Entry::of_record(r, o)));
                t.end = end;
                t.records += records.len() as u64;
                t.last_hash = last_hash;
            }
            _ => *cache = None,
        }
    }
}

/// The line that ends at `end` (exclusive of its newline at `end - 1`).
fn line_before(file: &File, end: u64) -> io::Result<Option<Vec<u8>>> {
    let mut want = 1024u64;
    loop {
        let start = end.saturating_sub(want);
        let mut b = vec![0u8; (end - start) as usize];
        file.read_exact_at(&mut b, start)?;
        if b.last() != Some(&b'\n') {
            return Ok(None);
        }
        b.pop();
        if let Some(i) = b.iter().rposition(|&c| c == b'\n') {
            return Ok(Some(b.split_off(i + 1)));
        }
        if start == 0 {
            return Ok(Some(b));
        }
        want *= 4;
    }
}

/// The line that starts at `offset`, if it ends (with a newline) by `end`.
fn line_at(file: &File, offset: u64, end: u64) -> io::Result<Option<Vec<u8>>> {
    let mut want = 1024u64;
    loop {
        let stop = end.min(offset.saturating_add(want));
        if stop <= offset {
            return Ok(None);
        }
        let mut b = vec![0u8; (stop - offset) as usize];
        file.read_exact_at(&mut b, offset)?;
        if let Some(i) = b.iter().position(|&c| c == b'\n') {
            b.truncate(i);
            return Ok(Some(b));
        }
        if stop == end {
            return Ok(None);
        }
        want *= 4;
    }
}

/// See [`Ledger::check_index`].
pub(super) fn check(ledger: &Ledger, state: &LedgerState) -> Result<(), LedgerError> {
    let path = ledger.index_path();
    // A damaged or foreign index is no evidence about the ledger.
    let Some(ix) = Index::read(&path) else {
        return Ok(());
    };
    let file = File::open(ledger.path()).map_err(|e| ledger.io(e))?;
    if ix.matches(&file, state.end) {
        return Ok(());
    }
    Err(LedgerError::IndexMismatch {
        path: ledger.path().to_path_buf(),
        reason: format!(
            "{} covered {} records and {} bytes of the ledger, which now has {} records and {} \
             bytes and does not end that part with the line it recorded: records were removed \
             from the end or the ledger was rewritten (if it was restored from an older copy, \
             delete the index)",
            path.display(),
            ix.records,
            ix.end,
            state.records,
            state.end
        ),
    })
}

/// See [`Ledger::load_codes`].
pub(super) fn load_codes(
    ledger: &Ledger,
    ids: HashSet<CodeId>,
    may_write: bool,
) -> Result<LedgerState, LedgerError> {
    let wanted = ids.len();
    let mut state = LedgerState::default();
    state.only = Some(ids);
    let file = match File::open(ledger.path()) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(state),
        Err(e) => return Err(ledger.io(e)),
    };
    let len = file.metadata().map_err(|e| ledger.io(e))?.len();
    let path = ledger.index_path();
    let (min, tail_max) = ledger.limits;
    let only = state.only.as_ref().expect("set above");
    let mut cache = ledger.tail.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(ix) = Index::open(&path, &file, len) {
        // The tail this process read before, if the ledger still ends it
        // with the line it remembers (another process may have appended).
        let seen = cache.take().filter(|t| {
            t.base == (ix.end, ix.last_hash)
                && t.end <= len
                && line_before(&file, t.end)
                    .ok()
                    .flatten()
                    .map(|l| line::hash(&l))
                    == Some(t.last_hash)
        });
        let reused = seen.is_some();
        let mut tail = seen.unwrap_or(Tail {
            base: (ix.end, ix.last_hash),
            entries: Vec::new(),
            end: ix.end,
            records: ix.records,
            last_hash: ix.last_hash,
        });
        let mut found = ix.find_all(only).map_err(|e| ledger.io(e))?;
        found.extend(tail.entries.iter().filter(|e| only.contains(&e.id)));
        if let Some(records) =
            read_records(ledger, &file, &found, tail.end).map_err(|e| ledger.io(e))?
        {
            for r in records {
                state.insert(r).map_err(|e| ledger.conflict(e))?;
            }
            state.seal().map_err(|(_, e)| ledger.conflict(e))?;
            state.records = tail.records;
            state.end = tail.end;
            state.last_hash = tail.last_hash;
            ledger.scan(&mut state, |r, offset| {
                tail.entries.extend(Entry::of(r, offset))
            })?;
            // Fold the tail in once reading it costs more than it should: a
            // fresh process reads all of it, a big batch once for thousands
            // of codes, a process that kept it only what is new.
            let limit = match reused {
                true => 32 * tail_max,
                false => tail_max.max(8 * wanted),
            };
            if may_write && tail.entries.len() > limit {
                let mut all = ix.all().map_err(|e| ledger.io(e))?;
                all.append(&mut tail.entries);
                write(ledger, &state, all)?;
                tail.base = (state.end, state.last_hash);
            }
            tail.end = state.end;
            tail.records = state.records;
            tail.last_hash = state.last_hash;
            *cache = (!state.torn_tail).then_some(tail);
            return Ok(state);
        }
    }
    let mut entries = Vec::new();
    ledger.scan(&mut state, |r, offset| entries.extend(Entry::of(r, offset)))?;
    if may_write && state.records >= min {
        write(ledger, &state, entries)?;
        *cache = (!state.torn_tail).then(|| Tail {
            base: (state.end, state.last_hash),
            entries: Vec::new(),
            end: state.end,
            records: state.records,
            last_hash: state.last_hash,
        });
    }
    Ok(state)
}

/// Writes the index for the ledger up to `state.end`: sorted, one entry per
/// code, replacing the old index atomically.
fn write(ledger: &Ledger, state: &LedgerState, mut entries: Vec<Entry>) -> Result<(), LedgerError> {
    entries.sort_by_key(|e| e.id);
    let mut merged: Vec<Entry> = Vec::with_capacity(entries.len());
    for e in entries {
        match merged.last_mut() {
            Some(m) if m.id == e.id => {
                let twice = |what: &str| ledger.conflict(format!("code {} {what} twice", e.id));
                if e.issued != NONE {
                    if m.issued != NONE {
                        return Err(twice("issued"));
                    }
                    m.issued = e.issued;
                }
                if e.redeemed != NONE {
                    if m.redeemed != NONE {
                        return Err(twice("redeemed"));
                    }
                    m.redeemed = e.redeemed;
                }
            }
            _ => merged.push(e),
        }
    }
    let mut b = Vec::with_capacity(HEADER as usize + merged.len() * ENTRY as usize);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&state.end.to_le_bytes());
    b.extend_from_slice(&state.records.to_le_bytes());
    b.extend_from_slice(&state.last_hash);
    b.extend_from_slice(&(merged.len() as u64).to_le_bytes());
    let crc = crc32fast::hash(&b);
    b.extend_from_slice(&crc.to_le_bytes());
    b.resize(HEADER as usize, 0);
    for e in &merged {
        b.extend_from_slice(&e.id.0);
        b.extend_from_slice(&e.issued.to_le_bytes());
        b.extend_from_slice(&e.redeemed.to_le_bytes());
    }
    let path = ledger.index_path();
    let index_err = |source| LedgerError::Io {
        path: path.clone(),
        source,
    };
    // Not fsutil::write_atomic: these writes go through the fault layer.
    // Synced before the rename so a crash never leaves a renamed index
    // with missing data; the directory is not synced because losing the
    // rename only loses the index, which is rebuilt.
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp_name);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        disk::write(&mut f, &b)?;
        disk::sync_data(&f)?;
        disk::rename(&tmp, &path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(index_err)
}
