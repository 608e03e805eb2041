//! The hash chain: every line names the first 16 bytes of SHA-256 over the
//! line before it, so a deleted, inserted or reordered line breaks the
//! chain. Its own module because both the line format (which writes and
//! checks `prev`) and the ledger state (which remembers the last link) stand
//! on it, and neither should stand on the other for it.

use sha2::{Digest, Sha256};

/// A link of the chain: the truncated SHA-256 of a whole line.
pub type Hash = [u8; 16];

/// What the first record's `prev` holds.
pub const GENESIS: Hash = [0; 16];

/// The hash of a line (without its newline) as the next record's `prev`.
pub fn hash(line: &[u8]) -> Hash {
    let d = Sha256::digest(line);
    let mut h = [0u8; 16];
    h.copy_from_slice(&d[..16]);
    h
}
