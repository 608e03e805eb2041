//! Passphrases and PINs, and the one loader of secret keys every command
//! uses ([`load_key`]).
//!
//! A secret comes from the terminal without echo, or for scripts from a
//! file (`--passphrase-file`, `$PAYQR_PASSPHRASE_FILE`, `--pin-file`,
//! `$PAYQR_PIN_FILE`) or an inherited file descriptor (`--passphrase-fd`):
//! never from a command-line argument, which other users see in `ps` and
//! shells keep in their history.

use std::path::{Path, PathBuf};

use payqr::i18n::cli as msg;
use payqr::trust::keyfile_crypt::CryptError;
use payqr::trust::keys::{Answer, Ask, IssuerKey, KeyError, Storage};
use zeroize::Zeroizing;

use super::{Failure, lang};

pub const PASSPHRASE_ENV: &str = "PAYQR_PASSPHRASE_FILE";
pub const PIN_ENV: &str = "PAYQR_PIN_FILE";

/// Where a key's passphrase or a token's PIN comes from.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct UnlockArgs {
    /// Read the key passphrase from the first line of FILE instead of the
    /// terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument.
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_fd")]
    pub passphrase_file: Option<PathBuf>,
    /// Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE).
    #[arg(long, value_name = "N")]
    pub passphrase_fd: Option<u32>,
    /// Read a PKCS#11 token's user PIN from the first line of FILE instead
    /// of the terminal (also: $PAYQR_PIN_FILE).
    #[arg(long, value_name = "FILE")]
    pub pin_file: Option<PathBuf>,
}

impl UnlockArgs {
    /// The passphrase: flag, then environment, then the terminal (asked
    /// twice when `new`, so a typo cannot lock a fresh key away).
    pub fn passphrase(&self, prompt: &str, new: bool) -> Answer {
        if let Some(p) = &self.passphrase_file {
            return read_secret_file(p);
        }
        if let Some(fd) = self.passphrase_fd {
            return read_fd(fd);
        }
        if let Some(p) = std::env::var_os(PASSPHRASE_ENV).filter(|v| !v.is_empty()) {
            return read_secret_file(Path::new(&p));
        }
        let how = format!("give --passphrase-file FILE, --passphrase-fd N or set {PASSPHRASE_ENV}");
        let first = ask_terminal(prompt, &how)?;
        if new {
            let again = ask_terminal("Same passphrase again: ", &how)?;
            if again != first {
                return Err("the two passphrases differ".into());
            }
        }
        Ok(first)
    }

    pub fn pin(&self, token: &str) -> Answer {
        if let Some(p) = &self.pin_file {
            return read_secret_file(p);
        }
        if let Some(p) = std::env::var_os(PIN_ENV).filter(|v| !v.is_empty()) {
            return read_secret_file(Path::new(&p));
        }
        ask_terminal(
            &format!("User PIN of token {token}: "),
            &format!("give --pin-file FILE or set {PIN_ENV}"),
        )
    }
}

fn ask_terminal(prompt: &str, how: &str) -> Answer {
    let s = rpassword::prompt_password(prompt)
        .map_err(|e| format!("no terminal to ask for it on ({e}): {how}"))?;
    let s = Zeroizing::new(s.into_bytes());
    if s.is_empty() {
        return Err("empty".into());
    }
    Ok(s)
}

/// The first line of a file, without its line ending.
fn read_secret_file(path: &Path) -> Answer {
    let bytes = Zeroizing::new(
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?,
    );
    first_line(&bytes).ok_or_else(|| format!("{} holds an empty first line", path.display()).into())
}

fn read_fd(fd: u32) -> Answer {
    #[cfg(unix)]
    {
        // /dev/fd/N reopens the inherited descriptor without unsafe code.
        let bytes = Zeroizing::new(
            std::fs::read(format!("/dev/fd/{fd}"))
                .map_err(|e| format!("cannot read file descriptor {fd}: {e}"))?,
        );
        first_line(&bytes)
            .ok_or_else(|| format!("file descriptor {fd} gave an empty first line").into())
    }
    #[cfg(not(unix))]
    {
        Err(
            format!("--passphrase-fd {fd}: not available on this system; use --passphrase-file")
                .into(),
        )
    }
}

fn first_line(bytes: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let line = bytes[..end].strip_suffix(b"\r").unwrap_or(&bytes[..end]);
    (!line.is_empty()).then(|| Zeroizing::new(line.to_vec()))
}

/// Loads the secret key at `path` for a command: asks for its passphrase or
/// PIN as `u` says, warns on stderr when it is stored in clear. Called once
/// per run, before any output is written.
pub fn load_key(path: &Path, u: &UnlockArgs) -> Result<IssuerKey, Failure> {
    super::keyfile::refuse_public(path)?;
    let key = IssuerKey::open(path, &mut |ask| match ask {
        Ask::Passphrase(p) => u.passphrase(&msg::passphrase_prompt(lang(), &p.display()), false),
        Ask::Pin { token } => u.pin(token),
    })
    .map_err(key_failure)?;
    // Windows: other accounts may read the key (a warning there, not a
    // refusal: src/fs/winacl.rs says why).
    if let Some(w) = IssuerKey::exposure_warning(path) {
        let w = payqr::sanitize::for_terminal(&w);
        eprintln!("{}", msg::warning_line(lang(), &w));
    }
    if key.storage == Storage::Clear {
        eprintln!("{}", msg::key_in_clear(lang(), &path.display()));
    }
    Ok(key)
}

/// A key error with what to do about it.
pub fn key_failure(e: KeyError) -> Failure {
    let hint = match &e {
        KeyError::Crypt {
            source: CryptError::Authentication,
            ..
        } => Some(msg::wrong_passphrase_hint(lang())),
        KeyError::Token { .. } => Some(msg::token_key_hint(lang())),
        _ => None,
    };
    let f = Failure::new(e);
    match hint {
        Some(h) => f.hint(h),
        None => f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_strips_line_endings_only() {
        assert_eq!(&first_line(b"pw \r\nrest").unwrap()[..], b"pw ");
        assert_eq!(&first_line(b"pw").unwrap()[..], b"pw");
        assert!(first_line(b"\nsecond").is_none());
        assert!(first_line(b"").is_none());
    }
}
