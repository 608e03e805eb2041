//! What the index and the checkpoint beside a ledger say it held (their
//! headers), and the evidence of lost records they give: a header that
//! covers more than the ledger holds, or a covered part that no longer ends
//! with the line it recorded. Paths in, errors out: it never opens the
//! ledger for writing nor stands on [`super::Ledger`].

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::chain::{self, Hash};
use super::error::LedgerError;
use crate::fs::platform::read_exact_at;

pub(super) const MAGIC: &[u8; 8] = b"PAYQRIX4";
/// The index before entry checksums (48-byte entries): evidence only.
const MAGIC_V3: &[u8; 8] = b"PAYQRIX3";
/// The index before cancellations (40-byte entries): evidence only.
const MAGIC_V2: &[u8; 8] = b"PAYQRIX2";
/// The index of payqr 0.1 (keyed by code id alone): its header is read as
/// evidence, its entries never.
const MAGIC_V1: &[u8; 8] = b"PAYQRIX1";
/// `<ledger>.ckpt`: an index header with no entries, rewritten after
/// every append (see [`checkpoint`]).
const MAGIC_CHECKPOINT: &[u8; 8] = b"PAYQRCK1";
pub(super) const HEADER: u64 = 64;
/// What an index header says the ledger held when it was written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Header {
    pub end: u64,
    pub records: u64,
    pub last_hash: Hash,
    pub count: u64,
    pub current: bool,
    /// What every entry's checksum of a current index starts from (see
    /// [`seal`]).
    pub seal: u32,
}

impl Header {
    /// An intact header (its CRC matches) of either index version.
    pub(super) fn read(file: &mut File) -> Option<Header> {
        let mut h = [0u8; HEADER as usize];
        file.read_exact(&mut h).ok()?;
        let u = |i: usize| u64::from_le_bytes(h[i..i + 8].try_into().expect("8 bytes"));
        let crc = u32::from_le_bytes(h[48..52].try_into().expect("4 bytes"));
        let current = &h[..8] == MAGIC;
        let known = current
            || [MAGIC_V1, MAGIC_V2, MAGIC_V3, MAGIC_CHECKPOINT]
                .iter()
                .any(|m| h[..8] == m[..]);
        if !known || crc != crc32fast::hash(&h[..48]) || u(8) == 0 {
            return None;
        }
        Some(Header {
            end: u(8),
            records: u(16),
            last_hash: h[24..40].try_into().expect("16 bytes"),
            count: u(40),
            current,
            seal: seal(&h),
        })
    }

    /// Whether the ledger (`None`: missing) still ends the covered part
    /// with the line whose hash the index recorded.
    pub(super) fn matches(&self, ledger: Option<&File>, ledger_len: u64) -> bool {
        let Some(ledger) = ledger else {
            return false;
        };
        self.end <= ledger_len && ends_with(ledger, self.end, &self.last_hash)
    }
}

/// The intact header of the index at `path`, if there is one.
pub(super) fn header(path: &Path) -> Option<Header> {
    Header::read(&mut File::open(path).ok()?)
}

/// Whether the line of `file` that ends at `end` hashes to `want`.
pub(super) fn ends_with(file: &File, end: u64, want: &Hash) -> bool {
    line_before(file, end)
        .ok()
        .flatten()
        .is_some_and(|l| chain::hash(&l) == *want)
}

/// The line that ends at `end` (exclusive of its newline at `end - 1`).
fn line_before(file: &File, end: u64) -> io::Result<Option<Vec<u8>>> {
    let mut want = 1024u64;
    loop {
        let start = end.saturating_sub(want);
        let mut b = vec![0u8; (end - start) as usize];
        read_exact_at(file, &mut b, start)?;
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

/// The CRC-32 of a header's magic, covered length, record count and last
/// line hash (its first 40 bytes), which every entry's checksum starts
/// from: an entry checks only under the header of the index it was
/// written for (not one copied from an older index of the same ledger).
/// The entry count is not in it, since entries are written before their
/// count is known; the header's own CRC and the file's length vouch for it.
pub(super) fn seal(header: &[u8]) -> u32 {
    crc32fast::hash(&header[..40])
}

/// The 64-byte header of an index covering `end` bytes and `records`
/// records whose last line hashes to `last_hash`, with `count` entries.
pub(super) fn header_bytes(
    magic: &[u8; 8],
    end: u64,
    records: u64,
    last_hash: &Hash,
    count: u64,
) -> Vec<u8> {
    let mut b = Vec::with_capacity(HEADER as usize);
    b.extend_from_slice(magic);
    b.extend_from_slice(&end.to_le_bytes());
    b.extend_from_slice(&records.to_le_bytes());
    b.extend_from_slice(last_hash);
    b.extend_from_slice(&count.to_le_bytes());
    let crc = crc32fast::hash(&b);
    b.extend_from_slice(&crc.to_le_bytes());
    b.resize(HEADER as usize, 0);
    b
}

/// Notes, after an append is on disk, how long the ledger is and how its
/// last line hashes, in `<ledger>.ckpt`: the index covers only what it
/// had folded in (up to 1,000 records fewer), a ledger under 10,000
/// records has none, and records cut off after that point would go
/// unseen. One write of 64 bytes in place, not synced: after a crash it
/// may be older than the ledger (which was synced first), never newer;
/// a torn one fails its CRC and is no evidence. Best effort: an
/// acknowledged record never fails for want of it.
pub(super) fn checkpoint(path: &Path, end: u64, records: u64, last_hash: &Hash) {
    let b = header_bytes(MAGIC_CHECKPOINT, end, records, last_hash, 0);
    let _ = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .and_then(|f| crate::fs::platform::write_all_at(&f, &b, 0));
}

/// Evidence of lost records: one of `paths` (the index, any version,
/// header intact, and the checkpoint) covers more than the ledger at
/// `ledger` (`file`; `None`: missing) holds, or the ledger no longer ends
/// that part with the line it recorded. `now` is what is left (records,
/// bytes) when known.
pub(super) fn evidence(
    ledger: &Path,
    paths: [PathBuf; 2],
    file: Option<&File>,
    len: u64,
    now: Option<(u64, u64)>,
) -> Result<(), LedgerError> {
    // A damaged or foreign file is no evidence about the ledger.
    let Some((path, h)) = paths
        .into_iter()
        .filter_map(|p| Some((header(&p)?, p)))
        .filter(|(h, _)| !h.matches(file, len))
        .max_by_key(|(h, _)| h.end)
        .map(|(h, p)| (p, h))
    else {
        return Ok(());
    };
    let now = match (file, now) {
        (None, _) => "is missing".to_string(),
        (_, Some((records, end))) => format!("now has {records} records and {end} bytes"),
        (_, None) => format!("now has {len} bytes"),
    };
    Err(LedgerError::Lost {
        path: ledger.to_path_buf(),
        reason: format!(
            "{} covered {} records and {} bytes of the ledger, which {now} and does not end \
             that part with the line it recorded: records were removed from the end or the \
             ledger was rewritten. Nothing is written to it until `payqr ledger repair \
             --record-loss` records the loss in the ledger",
            path.display(),
            h.records,
            h.end,
        ),
    })
}
