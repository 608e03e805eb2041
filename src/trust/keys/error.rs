//! What goes wrong with a key file. Its own module so the public key file
//! ([`super::public`]) reports errors without standing on `keys.rs`, which
//! stands on it.

use std::path::{Path, PathBuf};

use crate::code;
use crate::trust::keyfile_crypt::CryptError;
use crate::trust::pkcs11::TokenError;

/// Why the caller has no secret to give, as its own error: the library
/// never prompts, so only the caller knows why (no terminal, an unreadable
/// passphrase file, a vault that refused); [`KeyError::Unlock`] carries it.
pub type NoSecret = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: already exists (use --force to replace it)")]
    Exists(PathBuf),
    #[error("{path}: is readable by group or others (mode {mode:o}); run: chmod 600 {path}")]
    TooOpen { path: PathBuf, mode: u32 },

    #[error("{path}: not a payqr {what} file: {reason}")]
    Format {
        path: PathBuf,
        what: &'static str,
        reason: String,
    },
    #[error("invalid issuer id: {0}")]
    Issuer(code::FormatError),
    /// The display name verifiers are shown: same rules as signed text.
    #[error("invalid issuer name: {0}")]
    Name(code::FormatError),
    /// A wrong passphrase, an altered file, hostile KDF costs.
    #[error("{path}: {source}")]
    Crypt { path: PathBuf, source: CryptError },
    /// The passphrase or PIN could not be had (no terminal, unreadable
    /// passphrase file, none given where one is needed).
    #[error("{path}: {source}")]
    Unlock { path: PathBuf, source: NoSecret },
    #[error("{path}: {source}")]
    Token { path: PathBuf, source: TokenError },
    #[error("{0}: is already encrypted (or held in a token)")]
    AlreadyEncrypted(PathBuf),
}

/// A public key that fails its checks (a `.pub` file, a trust list entry).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublicKeyError {
    #[error("tag {0:?}")]
    Tag(String),
    #[error("{0}")]
    Issuer(String),
    #[error("public_key is not 32 bytes of base64")]
    Encoding,
    #[error("public_key is not a valid Ed25519 point")]
    Point,
    #[error("public_key is a weak (small-order) key")]
    Weak,
    #[error("key_id {0} does not match the key")]
    KeyId(String),
}

pub(super) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}
