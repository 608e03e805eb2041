//! One entry of `<ledger>.idx` (see [`super`]): a code's key and where its
//! lines start, as 48 bytes and their checksum.

use crate::code::CodeId;
use crate::ledger::checked::{Checked, CodeKey, What, rule_key};
use crate::ledger::evidence::HEADER;
use crate::ledger::record::{Event, Record};

/// An entry: its 48 bytes, then their CRC-32 (see [`Entry::sum`]).
pub(super) const ENTRY: u64 = 52;
const BODY: usize = 48;
pub(super) const NONE: u64 = u64::MAX;

#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub key: CodeKey,
    pub issued: u64,
    pub redeemed: u64,
    /// The `issued` line of the code replacing this one.
    pub replaced: u64,
    /// The `cancelled` line.
    pub cancelled: u64,
}

impl Entry {
    fn new(key: CodeKey) -> Entry {
        Entry {
            key,
            issued: NONE,
            redeemed: NONE,
            replaced: NONE,
            cancelled: NONE,
        }
    }

    /// The entries a record at `offset` makes: its code's, and for a
    /// reissue also the replaced code's.
    fn of_parts(
        key: CodeKey,
        event: Event,
        replaces: Option<CodeId>,
        offset: u64,
    ) -> [Option<Entry>; 2] {
        match event {
            Event::Issued => [
                Some(Entry {
                    issued: offset,
                    ..Entry::new(key)
                }),
                replaces.map(|id| Entry {
                    replaced: offset,
                    ..Entry::new(CodeKey { id, ..key })
                }),
            ],
            Event::Redeemed => [
                Some(Entry {
                    redeemed: offset,
                    ..Entry::new(key)
                }),
                None,
            ],
            Event::Cancelled => [
                Some(Entry {
                    cancelled: offset,
                    ..Entry::new(key)
                }),
                None,
            ],
            Event::Lost => [None, None],
        }
    }

    pub(super) fn of_record(r: &Record, offset: u64) -> [Option<Entry>; 2] {
        if r.event == Event::Cancelled && r.code_id.is_empty() {
            let Some(kid) = r.key_id.as_deref().and_then(|k| k.parse().ok()) else {
                return [None, None];
            };
            return Entry::of_parts(rule_key(&r.issuer, kid), r.event, None, offset);
        }
        let Ok(id) = r.code_id.parse() else {
            return [None, None];
        };
        let replaces = r.replaces.as_deref().and_then(|s| s.parse().ok());
        Entry::of_parts(CodeKey::of(&r.issuer, id), r.event, replaces, offset)
    }

    pub(super) fn of(c: &Checked, offset: u64) -> [Option<Entry>; 2] {
        match &c.what {
            What::Issued(f) => Entry::of_parts(c.key, Event::Issued, f.replaces, offset),
            What::Redeemed(_) => Entry::of_parts(c.key, Event::Redeemed, None, offset),
            What::Cancelled(_) => Entry::of_parts(c.key, Event::Cancelled, None, offset),
            What::Lost(_) => [None, None],
        }
    }

    /// The key as the index sorts it: code id, then the tag big-endian.
    pub(super) fn key_bytes(key: &CodeKey) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&key.id.0);
        b[8..].copy_from_slice(&key.issuer.to_be_bytes());
        b
    }

    /// The checksum of the entry at position `i` whose 48 bytes are
    /// `body`, in the index whose header gives `seal`: a flipped bit, an
    /// edited pointer, an entry moved to another place or copied from
    /// another index does not check.
    fn sum(seal: u32, i: u64, body: &[u8]) -> u32 {
        let mut h = crc32fast::Hasher::new_with_initial(seal);
        h.update(&i.to_le_bytes());
        h.update(&body[..BODY]);
        h.finalize()
    }

    /// Whether `raw`, as read at position `i`, is the entry written there.
    pub(super) fn intact(seal: u32, i: u64, raw: &[u8]) -> bool {
        let stored = u32::from_le_bytes(raw[BODY..BODY + 4].try_into().expect("4 bytes"));
        stored == Entry::sum(seal, i, raw)
    }

    pub(super) fn decode(b: &[u8]) -> Entry {
        let u = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        Entry {
            key: CodeKey {
                id: CodeId(b[..8].try_into().expect("8 bytes")),
                issuer: u64::from_be_bytes(b[8..16].try_into().expect("8 bytes")),
            },
            issued: u(16),
            redeemed: u(24),
            replaced: u(32),
            cancelled: u(40),
        }
    }
}

/// One entry as the index stores it, after those in `b`.
pub(super) fn put(b: &mut Vec<u8>, seal: u32, e: &Entry) {
    let start = b.len();
    let i = (start as u64 - HEADER) / ENTRY;
    b.extend_from_slice(&Entry::key_bytes(&e.key));
    b.extend_from_slice(&e.issued.to_le_bytes());
    b.extend_from_slice(&e.redeemed.to_le_bytes());
    b.extend_from_slice(&e.replaced.to_le_bytes());
    b.extend_from_slice(&e.cancelled.to_le_bytes());
    let sum = Entry::sum(seal, i, &b[start..]);
    b.extend_from_slice(&sum.to_le_bytes());
}
