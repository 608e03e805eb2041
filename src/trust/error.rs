//! What goes wrong with a trust list. Its own module so the parts of the
//! list (the cancelled-code file, the bundle update) report errors without
//! standing on `trust/mod.rs`, which stands on them.

use std::path::PathBuf;

use super::entry::{EntryError, RuleError};
use super::{anchor, bundle, keys};

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: bad trust list: {reason}")]
    Format { path: PathBuf, reason: String },
    #[error(
        "not_before {not_before} is later than not_after {not_after}: the key would accept no code"
    )]
    InvertedWindow {
        not_before: String,
        not_after: String,
    },
    #[error("{path}: cannot lock {lock}: {source}")]
    Lock {
        path: PathBuf,
        lock: PathBuf,
        source: std::io::Error,
    },
    #[error("key {key_id} of issuer {issuer} is already trusted")]
    Duplicate { issuer: String, key_id: String },
    #[error("no key {0} in the trust list")]
    NoSuchKey(String),
    #[error("key id {0} matches keys of several issuers; give --issuer")]
    Ambiguous(String),
    #[error("key {0} is already revoked")]
    AlreadyRevoked(String),
    /// Closing a window only narrows it: a later end would widen trust.
    #[error("key {key_id} already refuses codes issued after {not_after}")]
    AlreadyClosed { key_id: String, not_after: String },
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    #[error(transparent)]
    Anchor(#[from] anchor::AnchorError),
    #[error("{path}: {source}")]
    Bundle {
        path: PathBuf,
        source: bundle::BundleError,
    },
    #[error(
        "{path}: the trust list pins no anchor yet: give --anchor ANCHOR.pub (the anchor's public key, obtained out of band)"
    )]
    NoAnchor { path: PathBuf },
    #[error(
        "--anchor {given} is not the anchor this trust list pins ({pinned}) nor one it pinned before"
    )]
    AnchorMismatch { given: String, pinned: String },
    #[error("{path}: bad cancelled-code file: {reason}")]
    Cancelled { path: PathBuf, reason: String },
    #[error("--sequence {got} is not greater than the last bundle's ({have})")]
    Sequence { got: u64, have: u64 },
}

/// Why a trust list's text is not a trust list.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ListError {
    #[error("{0}")]
    Json(String),
    #[error("tag {0:?}")]
    Tag(String),
    #[error("key #{index}: {source}")]
    Key { index: usize, source: EntryError },
    #[error("key #{index}: duplicate key {key_id} for {issuer}")]
    Duplicate {
        index: usize,
        issuer: String,
        key_id: String,
    },
    #[error("cancel rule #{index}: {source}")]
    Rule { index: usize, source: RuleError },
}
