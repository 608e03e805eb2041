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
//! - every entry read is checked (its CRC-32, which also covers its
//!   position and the header) before it is believed, and so is every line
//!   it points at (checksum, code id, event). The entry check is what makes
//!   an ABSENT pointer (`u64::MAX`: "not redeemed", "not cancelled", "not
//!   replaced") or an absent entry trustworthy: no line can vouch for a
//!   line that is not there, and a damaged entry believed would make a
//!   redeemed code redeemable again. A damaged entry makes the index be
//!   ignored and rebuilt from the ledger, never merged into a new one.
//!   The checksums find damage and hand edits, not a forger who recomputes
//!   them (as for the ledger's own lines, FORMAT.md §4);
//! - an index whose header is intact but which covers more than the ledger
//!   holds, or whose last covered line is not there any more, is evidence
//!   of lost records: nothing may write to the ledger until `payqr ledger
//!   repair --record-loss` records the loss in the ledger itself.
//!
//! Layout (integers little-endian): a 64-byte header (`PAYQRIX4`, prefix
//! length, records, last line hash (16 bytes), entry count, CRC-32 of the
//! header so far), then 52-byte entries ([`entry`]) sorted by key: code id
//! (8 bytes), issuer tag ([`issuer_tag`], 8 bytes big-endian), offset of
//! the `issued` line, of the `redeemed` line, of the `issued` line of the
//! code that replaces it, and of the `cancelled` line (`u64::MAX`: none),
//! then the CRC-32, started from the CRC-32 of the header's first 40 bytes
//! ([`seal`]), of the entry's position (u64) and its 48 bytes; an
//! all-before cancellation is filed under [`rule_key`]. `PAYQRIX1`
//! (entries keyed by code id alone), `PAYQRIX2` (40-byte entries, before
//! cancellations) and `PAYQRIX3` (48-byte entries without checksums)
//! indexes are never used for lookups, but their headers are still
//! evidence of what the ledger held.

use crate::fs::platform::read_exact_at;
use std::collections::HashSet;
use std::fs::File;
use std::io;
use std::path::Path;

use super::chain::Hash;
use super::checked::{CodeKey, issuer_tag, rule_key};
use super::evidence::{self, HEADER, Header, MAGIC, header_bytes, seal};
use super::line;
use super::record::{Event, Record};
use super::{Ledger, LedgerError, LedgerState, StateError};
use crate::code::CodeId;
use entry::{ENTRY, Entry, NONE, put};

mod entry;

/// Entries read at a time when the whole index is gone through (768 KB).
const PIECE: u64 = 16 << 10;

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
/// An index of the current version whose header and size are intact.
struct Index {
    file: File,
    end: u64,
    records: u64,
    last_hash: Hash,
    count: u64,
    seal: u32,
}

/// An entry of the index failed its checksum: the index is not believed
/// (nor merged into a new one) but rebuilt from the ledger.
struct Damaged;

/// A look-up in the index: an I/O error, or what it found, or that it is
/// damaged.
type Lookup<T> = io::Result<Result<T, Damaged>>;

impl Index {
    /// The usable index of a header already checked against the ledger.
    fn read(path: &Path) -> Option<Index> {
        let mut file = File::open(path).ok()?;
        let h = Header::read(&mut file)?;
        let len = file.metadata().ok()?.len();
        if !h.current || h.count.checked_mul(ENTRY)?.checked_add(HEADER)? != len {
            return None;
        }
        Some(Index {
            file,
            end: h.end,
            records: h.records,
            last_hash: h.last_hash,
            count: h.count,
            seal: h.seal,
        })
    }

    fn entry(&self, i: u64) -> Lookup<Entry> {
        let mut b = [0u8; ENTRY as usize];
        read_exact_at(&self.file, &mut b, HEADER + i * ENTRY)?;
        Ok(match Entry::intact(self.seal, i, &b) {
            true => Ok(Entry::decode(&b)),
            false => Err(Damaged),
        })
    }

    /// Binary search on disk: ~20 reads of 52 bytes for 1M codes. Every
    /// entry it reads is checked, and that is enough: if the code has an
    /// entry, the search ends on it or between two neighbours that
    /// checked, so a damaged entry of this code is read and found, and a
    /// damaged key elsewhere cannot hide it. An absent pointer is believed
    /// only from an entry that checked.
    fn find(&self, key: CodeKey) -> Lookup<Option<Entry>> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let e = match self.entry(mid)? {
                Ok(e) => e,
                Err(Damaged) => return Ok(Err(Damaged)),
            };
            match e.key.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Ok(Some(e))),
            }
        }
        Ok(Ok(None))
    }

    /// The entries of these codes; every entry compared with a key is
    /// checked first (see [`Index::find`]).
    fn find_all(&self, ids: &HashSet<CodeKey>) -> Lookup<Vec<Entry>> {
        // Many codes (a batch from stdin): the index read once from the
        // start beats thousands of small reads. It is read a piece at a
        // time, the keys sorted so that each piece is searched only for
        // the keys it can hold and reading stops past the greatest: one
        // piece in memory, not the whole index (48 MB at 1,000,000 codes,
        // read into fresh pages for every group of a `redeem -`).
        if ids.len() > 64 {
            let mut want: Vec<[u8; 16]> = ids.iter().map(Entry::key_bytes).collect();
            want.sort_unstable();
            let mut want = &want[..];
            let mut buf = vec![0u8; (PIECE.min(self.count) * ENTRY) as usize];
            let mut found = Vec::new();
            let mut at = 0;
            while at < self.count && !want.is_empty() {
                let n = PIECE.min(self.count - at) as usize;
                let piece = &mut buf[..n * ENTRY as usize];
                read_exact_at(&self.file, piece, HEADER + at * ENTRY)?;
                let seal = self.seal;
                // The entry at `i` of the piece, if it checks: the piece's
                // last one (which decides which keys the piece may hold)
                // and each one a search compares with.
                let entry = |i: usize| {
                    let raw = &piece[i * ENTRY as usize..][..ENTRY as usize];
                    Entry::intact(seal, at + i as u64, raw).then_some(raw)
                };
                let Some(last) = entry(n - 1) else {
                    return Ok(Err(Damaged));
                };
                let here = want.partition_point(|k| k[..] <= last[..16]);
                for k in &want[..here] {
                    let (mut lo, mut hi) = (0, n);
                    while lo < hi {
                        let mid = lo + (hi - lo) / 2;
                        let Some(e) = entry(mid) else {
                            return Ok(Err(Damaged));
                        };
                        match e[..16].cmp(&k[..]) {
                            std::cmp::Ordering::Less => lo = mid + 1,
                            std::cmp::Ordering::Greater => hi = mid,
                            std::cmp::Ordering::Equal => {
                                found.push(Entry::decode(e));
                                break;
                            }
                        }
                    }
                }
                want = &want[here..];
                at += n as u64;
            }
            return Ok(Ok(found));
        }
        let mut v = Vec::new();
        for id in ids {
            match self.find(*id)? {
                Ok(e) => v.extend(e),
                Err(Damaged) => return Ok(Err(Damaged)),
            }
        }
        Ok(Ok(v))
    }
}

/// What a line an entry points at must be.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Want {
    Issued(CodeKey),
    Redeemed(CodeKey),
    /// The `issued` line of a code replacing this one.
    Replaces(CodeKey),
    Cancelled(CodeKey),
}

/// The records the entries point at (all before `end`), each line once,
/// or `None` if one is not what its entry claims (a damaged index:
/// rebuild it).
fn read_records(
    ledger: &Ledger,
    file: &File,
    entries: &[Entry],
    end: u64,
) -> io::Result<Option<Vec<Record>>> {
    let mut wants: Vec<(u64, Want)> = Vec::new();
    for e in entries {
        let k = e.key;
        for (offset, want) in [
            (e.issued, Want::Issued(k)),
            (e.redeemed, Want::Redeemed(k)),
            (e.replaced, Want::Replaces(k)),
            (e.cancelled, Want::Cancelled(k)),
        ] {
            if offset != NONE {
                wants.push((offset, want));
            }
        }
    }
    // A reissue's line is both the new code's `issued` line and the old
    // code's `replaced` one: read, and hand over, once.
    wants.sort_unstable();
    let mut out = Vec::new();
    for same in wants.chunk_by(|a, b| a.0 == b.0) {
        let Some(text) = line_at(file, same[0].0, end)? else {
            return Ok(None);
        };
        let Ok(r) = line::decode(ledger.format(), &text, None) else {
            return Ok(None);
        };
        let id: Option<CodeId> = r.code_id.parse().ok();
        let key = id.map(|id| CodeKey::of(&r.issuer, id));
        let ok = same.iter().all(|(_, want)| match *want {
            Want::Issued(k) => r.event == Event::Issued && key == Some(k),
            Want::Redeemed(k) => r.event == Event::Redeemed && key == Some(k),
            Want::Cancelled(k) => {
                r.event == Event::Cancelled
                    && (key == Some(k)
                        || (r.code_id.is_empty()
                            && r.key_id
                                .as_deref()
                                .and_then(|x| x.parse().ok())
                                .is_some_and(|kid| rule_key(&r.issuer, kid) == k)))
            }
            Want::Replaces(k) => {
                r.event == Event::Issued
                    && issuer_tag(&r.issuer) == k.issuer
                    && r.replaces.as_deref().and_then(|s| s.parse().ok()) == Some(k.id)
            }
        });
        if !ok {
            return Ok(None);
        }
        out.push(r);
    }
    // In ledger order, as a scan would apply them.
    out.sort_by_key(|r| r.seq);
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
                    .extend(new.flat_map(|(r, &o)| Entry::of_record(r, o)).flatten());
                t.end = end;
                t.records += records.len() as u64;
                t.last_hash = last_hash;
            }
            _ => *cache = None,
        }
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
        read_exact_at(file, &mut b, offset)?;
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
/// See [`Ledger::load_codes`].
pub(super) fn load_codes(
    ledger: &Ledger,
    ids: HashSet<CodeKey>,
    may_write: bool,
) -> Result<LedgerState, LedgerError> {
    let wanted = ids.len();
    let mut state = LedgerState::default();
    state.only = Some(ids);
    let file = match File::open(ledger.path()) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A missing ledger whose index survives lost every record.
            evidence::evidence(ledger.path(), ledger.evidence_paths(), None, 0, None)?;
            return Ok(state);
        }
        Err(e) => return Err(ledger.io(e)),
    };
    let len = file.metadata().map_err(|e| ledger.io(e))?.len();
    // Before anything is read or rebuilt: an index covering more than
    // the file holds is kept, and stops every writer and reader here.
    evidence::evidence(
        ledger.path(),
        ledger.evidence_paths(),
        Some(&file),
        len,
        None,
    )?;
    let path = ledger.index_path();
    let (min, tail_max) = ledger.limits;
    let only = state.only.as_ref().expect("set above");
    let mut cache = ledger.tail.lock().unwrap_or_else(|e| e.into_inner());
    let mut damaged = false;
    if let Some(ix) = Index::read(&path) {
        // The tail this process read before, if the ledger still ends it
        // with the line it remembers (another process may have appended).
        let seen = cache.take().filter(|t| {
            t.base == (ix.end, ix.last_hash)
                && t.end <= len
                && evidence::ends_with(&file, t.end, &t.last_hash)
        });
        let reused = seen.is_some();
        let mut tail = seen.unwrap_or(Tail {
            base: (ix.end, ix.last_hash),
            entries: Vec::new(),
            end: ix.end,
            records: ix.records,
            last_hash: ix.last_hash,
        });
        // A damaged entry, or one pointing at a line that is not what it
        // claims: the index is not believed, and rebuilt below.
        let records = match ix.find_all(only).map_err(|e| ledger.io(e))? {
            Ok(mut found) => {
                found.extend(tail.entries.iter().filter(|e| only.contains(&e.key)));
                read_records(ledger, &file, &found, tail.end).map_err(|e| ledger.io(e))?
            }
            Err(Damaged) => None,
        };
        damaged = records.is_none();
        if let Some(records) = records {
            for r in records {
                state.insert(r).map_err(|e| ledger.conflict(e))?;
            }
            state.seal().map_err(|(_, e)| ledger.conflict(e))?;
            state.records = tail.records;
            state.end = tail.end;
            state.last_hash = tail.last_hash;
            ledger.scan(&mut state, |r, offset| {
                tail.entries
                    .extend(Entry::of(r, offset).into_iter().flatten())
            })?;
            // Fold the tail in once reading it costs more than it should: a
            // fresh process reads all of it, a big batch once for thousands
            // of codes, a process that kept it only what is new.
            let limit = match reused {
                true => 32 * tail_max,
                false => tail_max.max(8 * wanted),
            };
            if may_write && tail.entries.len() > limit {
                write(ledger, &state, Some(ix), std::mem::take(&mut tail.entries))?;
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
    ledger.scan(&mut state, |r, offset| {
        entries.extend(Entry::of(r, offset).into_iter().flatten())
    })?;
    // A damaged index is replaced whatever the size: left, it would be
    // found damaged again by every look-up that reaches the damage.
    if may_write && (state.records >= min || damaged) {
        write(ledger, &state, None, entries)?;
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
/// code, replacing the old index atomically. `entries` are new entries
/// (any order), merged with those of `base`, the index being replaced,
/// which is read a piece at a time: folding a tail into a 1,000,000-code
/// index then holds the new index's bytes, not three copies of it.
fn write(
    ledger: &Ledger,
    state: &LedgerState,
    base: Option<Index>,
    mut entries: Vec<Entry>,
) -> Result<(), LedgerError> {
    // Stable, and the old index's entry goes first: of two entries of one
    // code, the older comes first, as when everything was sorted at once.
    entries.sort_by_key(|e| e.key);
    let most = base.as_ref().map_or(0, |ix| ix.count) + entries.len() as u64;
    let mut b = Vec::with_capacity((HEADER + most * ENTRY) as usize);
    // The header goes here once the count is known.
    b.resize(HEADER as usize, 0);
    let seal = seal(&header_bytes(
        MAGIC,
        state.end,
        state.records,
        &state.last_hash,
        0,
    ));
    let mut last: Option<Entry> = None;
    let mut new = entries.into_iter().peekable();
    if let Some(ix) = base {
        let mut buf = vec![0u8; (PIECE.min(ix.count) * ENTRY) as usize];
        let mut last_old: Option<CodeKey> = None;
        let mut at = 0;
        while at < ix.count {
            let n = PIECE.min(ix.count - at);
            let piece = &mut buf[..(n * ENTRY) as usize];
            read_exact_at(&ix.file, piece, HEADER + at * ENTRY).map_err(|e| ledger.io(e))?;
            for (j, raw) in piece.chunks_exact(ENTRY as usize).enumerate() {
                let old = Entry::decode(raw);
                if !Entry::intact(ix.seal, at + j as u64, raw)
                    || last_old.replace(old.key).is_some_and(|k| k >= old.key)
                {
                    // Fails its checksum, or out of order: damaged. It
                    // cannot be merged with (the new index would vouch for
                    // the damage), and lookups in it are not to be
                    // trusted: removed, the next open rebuilds it from the
                    // ledger. Its header matched the ledger, so no
                    // evidence of a loss goes with it.
                    drop(ix);
                    let _ = std::fs::remove_file(ledger.index_path());
                    return Ok(());
                }
                while let Some(e) = new.next_if(|e| e.key < old.key) {
                    merge(ledger, &mut b, seal, &mut last, e)?;
                }
                merge(ledger, &mut b, seal, &mut last, old)?;
            }
            at += n;
        }
        // Closed before it is replaced: Windows refuses a rename over a
        // file this process still has open (Wine, FAT, SMB shares; NTFS
        // allows it only with POSIX semantics).
        drop(ix);
    }
    for e in new {
        merge(ledger, &mut b, seal, &mut last, e)?;
    }
    if let Some(m) = last {
        put(&mut b, seal, &m);
    }
    let count = (b.len() as u64 - HEADER) / ENTRY;
    let header = header_bytes(MAGIC, state.end, state.records, &state.last_hash, count);
    b[..HEADER as usize].copy_from_slice(&header);
    let path = ledger.index_path();
    // Through the fault layer like every durable write; the directory is
    // not synced because losing the rename only loses the index, which is
    // rebuilt.
    crate::fs::atomic::write_atomic_rebuildable(&path, &b)
        .map_err(|source| LedgerError::Io { path, source })
}

/// Adds `e` to the entries being written (sorted by key): into `last` if
/// it is the same code, else `last` goes out and `e` takes its place.
fn merge(
    ledger: &Ledger,
    b: &mut Vec<u8>,
    seal: u32,
    last: &mut Option<Entry>,
    e: Entry,
) -> Result<(), LedgerError> {
    match last {
        Some(m) if m.key == e.key => {
            let code = e.key.id;
            let twice = |what| ledger.conflict(StateError::Twice { code, what });
            for (mine, theirs, what) in [
                (&mut m.issued, e.issued, "issued"),
                (&mut m.redeemed, e.redeemed, "redeemed"),
                (&mut m.replaced, e.replaced, "replaced"),
                (&mut m.cancelled, e.cancelled, "cancelled"),
            ] {
                if theirs != NONE {
                    if *mine != NONE {
                        return Err(twice(what));
                    }
                    *mine = theirs;
                }
            }
        }
        _ => {
            if let Some(m) = last.replace(e) {
                put(b, seal, &m);
            }
        }
    }
    Ok(())
}
