//! Issuer key files.
//!
//! `PREFIX.key` holds the secret (JSON, mode 0600, refused on load when
//! group/world readable) in one of three forms (docs/FORMAT.md, "Secret
//! key files"): the seed sealed under a passphrase (the default), the seed
//! in clear (`keygen --unencrypted`, and files made before encryption
//! existed), or a reference to a key held in a PKCS#11 token. `PREFIX.pub`
//! holds the public key with the issuer id, display name and key id, and is
//! what a verifier adds to its trust list.
//!
//! Every secret key is loaded by [`IssuerKey::open`], whatever the command:
//! it asks its caller for the passphrase or PIN when the file needs one, so
//! the library never prompts and a batch unlocks its key once per run.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::ed25519::signature::Keypair;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::code::time;
use crate::code::{self, KeyId};
use crate::fs::atomic;
use crate::trust::keyfile_crypt::{self, KdfCost, Sealed};
use crate::trust::pkcs11::{TokenError, TokenRef, TokenSigner};

mod error;
mod public;

use error::io_err;
pub use error::{KeyError, NoSecret, PublicKeyError};
use public::{PUBLIC_TAG, check_public};
pub use public::{PublicKeyFile, decode_public};

/// The clear form (v1): kept readable, written only when asked for.
const SECRET_TAG: &str = "payqr secret key v1";
/// The encrypted form (v2).
const SEALED_TAG: &str = "payqr secret key v2";
/// A reference to a key held in a PKCS#11 token.
const TOKEN_TAG: &str = "payqr token key v1";

#[derive(Serialize, Deserialize)]
struct SecretFile {
    payqr: String,
    issuer: String,
    name: String,
    key_id: String,
    created: String,
    seed: String,
}

/// The encrypted form: the public half in clear (so a file names its key
/// without a passphrase), the seed sealed.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedFile {
    payqr: String,
    issuer: String,
    name: String,
    key_id: String,
    created: String,
    public_key: String,
    encryption: Sealed,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    payqr: String,
    issuer: String,
    name: String,
    key_id: String,
    created: String,
    public_key: String,
    pkcs11: TokenRef,
}

/// What signs: a seed in memory (from a clear or an encrypted file), or a
/// key that never leaves its PKCS#11 token. Issuance signs through the
/// `ed25519_dalek::Signer` trait, which both implement, so the code and
/// EMV signing paths take either; a token's failure (unplugged mid-batch)
/// is an error there, never a panic.
// One per run: boxing the file key would only put an indirection on the
// signing path, the hot one.
#[allow(clippy::large_enum_variant)]
pub enum Signer {
    File(SigningKey),
    Token(Box<TokenSigner>),
}

impl Signer {
    pub fn verifying_key(&self) -> VerifyingKey {
        match self {
            Signer::File(k) => k.verifying_key(),
            Signer::Token(t) => t.verifying_key(),
        }
    }
}

impl ed25519_dalek::Signer<Signature> for Signer {
    fn try_sign(&self, msg: &[u8]) -> Result<Signature, ed25519_dalek::SignatureError> {
        match self {
            Signer::File(k) => Ok(ed25519_dalek::Signer::sign(k, msg)),
            Signer::Token(t) => t
                .sign(msg)
                .map(|b| Signature::from_bytes(&b))
                .map_err(ed25519_dalek::SignatureError::from_source),
        }
    }
}

impl Keypair for Signer {
    type VerifyingKey = VerifyingKey;
    fn verifying_key(&self) -> VerifyingKey {
        Signer::verifying_key(self)
    }
}

/// How a secret key file keeps its secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// The seed in clear (v1): works, with a warning from the CLI.
    Clear,
    /// The seed sealed under a passphrase (v2).
    Encrypted,
    /// In a PKCS#11 token.
    Token,
}

/// What [`IssuerKey::open`] needs from its caller to unlock a key.
#[derive(Debug, Clone, Copy)]
pub enum Ask<'a> {
    /// The passphrase of the encrypted key file at this path.
    Passphrase(&'a Path),
    /// The user PIN of this token.
    Pin { token: &'a str },
}

/// The caller's answer to an [`Ask`]: the secret, or why it has none.
pub type Answer = Result<Zeroizing<Vec<u8>>, NoSecret>;

/// An issuer's signing key, loaded.
pub struct IssuerKey {
    pub issuer: String,
    pub name: String,
    pub key_id: KeyId,
    /// The seed, or the token holding the key.
    pub signing_key: Signer,
    pub created: String,
    pub storage: Storage,
    /// Keys batch code ids ([`code::CodeId::derive`]): the seed for a file
    /// key (ids stay what they were), for a token key a hash of the token's
    /// deterministic signature over a fixed message.
    id_secret: Zeroizing<[u8; 32]>,
}

/// Longest issuer display name, in bytes (twice a description: official
/// names are long, 北京市公安局公安交通管理局 is 39 bytes).
pub const MAX_NAME_LEN: usize = 192;

/// The message a token key signs to key its batch code ids. No code,
/// EMV or release message starts with these bytes.
const ID_SECRET_MSG: &[u8] = b"payqr/token-code-id-secret/v1\0";

impl IssuerKey {
    pub fn generate(issuer: &str, name: &str, now: u64) -> Result<IssuerKey, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("operating system random source failed");
        IssuerKey::from_seed(issuer, name, seed, now)
    }

    /// A key from a known seed (tests, test vectors).
    pub fn from_seed(
        issuer: &str,
        name: &str,
        seed: [u8; 32],
        now: u64,
    ) -> Result<IssuerKey, KeyError> {
        check_names(issuer, name)?;
        let signing_key = SigningKey::from_bytes(&seed);
        Ok(IssuerKey {
            issuer: issuer.to_string(),
            name: name.to_string(),
            key_id: KeyId::of(&signing_key.verifying_key()),
            signing_key: Signer::File(signing_key),
            created: time::format_utc(now),
            storage: Storage::Clear,
            id_secret: Zeroizing::new(seed),
        })
    }

    /// The secret batch code ids are derived under.
    pub fn id_secret(&self) -> &[u8; 32] {
        &self.id_secret
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing_key.verifying_key()
    }

    pub fn public(&self) -> PublicKeyFile {
        PublicKeyFile {
            payqr: PUBLIC_TAG.to_string(),
            issuer: self.issuer.clone(),
            name: self.name.clone(),
            key_id: self.key_id.to_string(),
            created: self.created.clone(),
            public_key: B64.encode(self.verifying_key().as_bytes()),
        }
    }

    /// Writes `PREFIX.key` in clear (0600, never silently overwritten) and
    /// `PREFIX.pub`. Tests and `keygen --unencrypted`; see
    /// [`save_encrypted`](Self::save_encrypted).
    pub fn save(&self, prefix: &Path, force: bool) -> Result<(PathBuf, PathBuf), KeyError> {
        let json = self.secret_json(None, keyfile_crypt::DEFAULT_COST)?;
        self.save_json(prefix, force, &json)
    }

    /// Writes `PREFIX.key` sealed under `passphrase` and `PREFIX.pub`.
    pub fn save_encrypted(
        &self,
        prefix: &Path,
        force: bool,
        passphrase: &[u8],
    ) -> Result<(PathBuf, PathBuf), KeyError> {
        let json = self.secret_json(Some(passphrase), keyfile_crypt::DEFAULT_COST)?;
        self.save_json(prefix, force, &json)
    }

    /// The secret key file's text: clear without a passphrase, sealed with
    /// one (under `cost`).
    pub fn secret_json(
        &self,
        passphrase: Option<&[u8]>,
        cost: KdfCost,
    ) -> Result<String, KeyError> {
        let Signer::File(sk) = &self.signing_key else {
            return Err(KeyError::Format {
                path: PathBuf::new(),
                what: "secret key",
                reason: "a token key has no seed to write".into(),
            });
        };
        let seed = Zeroizing::new(sk.to_bytes());
        let mut json = match passphrase {
            None => serde_json::to_string_pretty(&SecretFile {
                payqr: SECRET_TAG.to_string(),
                issuer: self.issuer.clone(),
                name: self.name.clone(),
                key_id: self.key_id.to_string(),
                created: self.created.clone(),
                seed: B64.encode(*seed),
            }),
            Some(pw) => {
                let mut f = SealedFile {
                    payqr: SEALED_TAG.to_string(),
                    issuer: self.issuer.clone(),
                    name: self.name.clone(),
                    key_id: self.key_id.to_string(),
                    created: self.created.clone(),
                    public_key: B64.encode(self.verifying_key().as_bytes()),
                    encryption: placeholder_sealed(),
                };
                f.encryption =
                    keyfile_crypt::seal(&seed, pw, &f.aad(), cost).map_err(|source| {
                        KeyError::Crypt {
                            path: PathBuf::new(),
                            source,
                        }
                    })?;
                serde_json::to_string_pretty(&f)
            }
        }
        .expect("serializable");
        json.push('\n');
        Ok(json)
    }

    fn save_json(
        &self,
        prefix: &Path,
        force: bool,
        json: &str,
    ) -> Result<(PathBuf, PathBuf), KeyError> {
        let key_path = with_suffix(prefix, "key");
        let pub_path = with_suffix(prefix, "pub");
        write_pair(&key_path, &pub_path, json, &self.public(), force)?;
        Ok((key_path, pub_path))
    }

    /// Windows: a warning naming the accounts besides the user, SYSTEM
    /// and Administrators that may read the secret key at `path`, with
    /// the command that fixes it; `None` if there are none (always on
    /// Unix, where [`IssuerKey::load`] refuses such a key instead).
    pub fn exposure_warning(path: &Path) -> Option<String> {
        match atomic::check_private(path) {
            Ok(Err(atomic::Exposure::Readers(who))) => Some(format!(
                "{}: other users may read this secret key ({}); to admit only \
                 yourself run: icacls \"{}\" /inheritance:r /grant:r \"%USERNAME%:F\"",
                path.display(),
                who.join(", "),
                path.display()
            )),
            _ => None,
        }
    }

    /// A key that needs neither passphrase nor PIN: a clear key file
    /// (tests, fixtures). Any other form is refused with the reason, as
    /// [`open`](Self::open) with a caller that has no secrets.
    pub fn load(path: &Path) -> Result<IssuerKey, KeyError> {
        IssuerKey::open(path, &mut |_| {
            Err("needs a passphrase or PIN, and none can be asked for here".into())
        })
    }

    /// Loads any secret key file, asking `ask` for the passphrase of an
    /// encrypted file or the PIN of a token. Everything that can be checked
    /// without the secret (mode, form, key id against public key) is
    /// checked before asking.
    pub fn open(
        path: &Path,
        ask: &mut dyn FnMut(Ask<'_>) -> Answer,
    ) -> Result<IssuerKey, KeyError> {
        match atomic::check_private(path).map_err(io_err(path))? {
            Ok(()) => {}
            Err(atomic::Exposure::Mode(mode)) => {
                return Err(KeyError::TooOpen {
                    path: path.to_path_buf(),
                    mode,
                });
            }
            // Windows: warned about by the caller (`exposure_warning`),
            // not refused; src/fs/winacl.rs says why.
            Err(atomic::Exposure::Readers(_)) => {}
        }
        let text = std::fs::read_to_string(path).map_err(io_err(path))?;
        let bad = |reason: String| KeyError::Format {
            path: path.to_path_buf(),
            what: "secret key",
            reason,
        };
        #[derive(Deserialize)]
        struct Tag {
            payqr: String,
        }
        let tag: Tag = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let unlock = |source| KeyError::Unlock {
            path: path.to_path_buf(),
            source,
        };
        match tag.payqr.as_str() {
            SECRET_TAG => {
                let f: SecretFile = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
                let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
                    B64.decode(f.seed.trim())
                        .ok()
                        .and_then(|v| v.try_into().ok())
                        .ok_or_else(|| bad("seed is not 32 bytes of base64".into()))?,
                );
                let key = IssuerKey::from_seed(&f.issuer, &f.name, *seed, 0)?;
                key.finish(&f.key_id, f.created, Storage::Clear, bad)
            }
            SEALED_TAG => {
                let f: SealedFile = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
                check_names(&f.issuer, &f.name)?;
                let public =
                    check_public(&f.public_key, &f.key_id).map_err(|e| bad(e.to_string()))?;
                let pw = ask(Ask::Passphrase(path)).map_err(unlock)?;
                let seed = keyfile_crypt::open(&f.encryption, &pw, &f.aad()).map_err(|source| {
                    KeyError::Crypt {
                        path: path.to_path_buf(),
                        source,
                    }
                })?;
                let key = IssuerKey::from_seed(&f.issuer, &f.name, *seed, 0)?;
                // Authenticated, so this holds unless the writer was wrong.
                if key.verifying_key() != public {
                    return Err(bad("the sealed seed is not the public_key's".into()));
                }
                key.finish(&f.key_id, f.created, Storage::Encrypted, bad)
            }
            TOKEN_TAG => {
                let f: TokenFile = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
                check_names(&f.issuer, &f.name)?;
                let public =
                    check_public(&f.public_key, &f.key_id).map_err(|e| bad(e.to_string()))?;
                let pin = ask(Ask::Pin {
                    token: &f.pkcs11.token,
                })
                .map_err(unlock)?;
                let token = |source| KeyError::Token {
                    path: path.to_path_buf(),
                    source,
                };
                let signer = TokenSigner::open(&f.pkcs11, &pin, &public).map_err(token)?;
                let id_secret = token_id_secret(&signer).map_err(token)?;
                let key = IssuerKey {
                    issuer: f.issuer,
                    name: f.name,
                    key_id: KeyId::of(&public),
                    signing_key: Signer::Token(Box::new(signer)),
                    created: String::new(),
                    storage: Storage::Token,
                    id_secret,
                };
                key.finish(&f.key_id, f.created, Storage::Token, bad)
            }
            other => Err(bad(format!("tag {other:?}"))),
        }
    }

    fn finish(
        mut self,
        key_id: &str,
        created: String,
        storage: Storage,
        bad: impl Fn(String) -> KeyError,
    ) -> Result<IssuerKey, KeyError> {
        if self.key_id.to_string() != key_id {
            return Err(bad(format!(
                "key_id {key_id} does not match the key ({})",
                self.key_id
            )));
        }
        self.created = created;
        self.storage = storage;
        Ok(self)
    }

    /// A key held in a token: writes the reference file `PREFIX.key` (no
    /// secret in it, but 0600 like every `.key`) and `PREFIX.pub`.
    pub fn save_token_ref(
        issuer: &str,
        name: &str,
        token: &TokenRef,
        public: &VerifyingKey,
        now: u64,
        prefix: &Path,
        force: bool,
    ) -> Result<(KeyId, PathBuf, PathBuf), KeyError> {
        check_names(issuer, name)?;
        let key_id = KeyId::of(public);
        let f = TokenFile {
            payqr: TOKEN_TAG.into(),
            issuer: issuer.into(),
            name: name.into(),
            key_id: key_id.to_string(),
            created: time::format_utc(now),
            public_key: B64.encode(public.as_bytes()),
            pkcs11: token.clone(),
        };
        let mut json = serde_json::to_string_pretty(&f).expect("serializable");
        json.push('\n');
        // The public file is made from a stand-in key carrying the names.
        let shell = IssuerKey {
            issuer: f.issuer.clone(),
            name: f.name.clone(),
            key_id,
            signing_key: Signer::File(SigningKey::from_bytes(&[0; 32])),
            created: f.created.clone(),
            storage: Storage::Token,
            id_secret: Zeroizing::new([0; 32]),
        };
        let pub_json = PublicKeyFile {
            public_key: f.public_key.clone(),
            ..shell.public()
        };
        let key_path = with_suffix(prefix, "key");
        let pub_path = with_suffix(prefix, "pub");
        write_pair(&key_path, &pub_path, &json, &pub_json, force)?;
        Ok((key_id, key_path, pub_path))
    }
}

fn write_pair(
    key_path: &Path,
    pub_path: &Path,
    json: &str,
    public: &PublicKeyFile,
    force: bool,
) -> Result<(), KeyError> {
    if !force {
        for p in [key_path, pub_path] {
            if p.exists() {
                return Err(KeyError::Exists(p.to_path_buf()));
            }
        }
    }
    atomic::write_secret(key_path, json.as_bytes(), force).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists(key_path.to_path_buf())
        } else {
            KeyError::Io {
                path: key_path.to_path_buf(),
                source: e,
            }
        }
    })?;
    let mut pj = serde_json::to_string_pretty(public).expect("serializable");
    pj.push('\n');
    atomic::write_atomic(pub_path, pj.as_bytes()).map_err(io_err(pub_path))
}

/// Encrypts a clear key file in place (`payqr key encrypt`): the new file
/// replaces the old atomically with mode 0600, so a crash leaves one or
/// the other, never a half. The key, and so every code and trust entry,
/// stays the same.
pub fn encrypt_file(path: &Path, passphrase: &[u8]) -> Result<(), KeyError> {
    let key = IssuerKey::load(path).map_err(|e| match e {
        KeyError::Unlock { path, .. } => KeyError::AlreadyEncrypted(path),
        e => e,
    })?;
    if key.storage != Storage::Clear {
        return Err(KeyError::AlreadyEncrypted(path.to_path_buf()));
    }
    let json = key
        .secret_json(Some(passphrase), keyfile_crypt::DEFAULT_COST)
        .map_err(|e| match e {
            KeyError::Crypt { source, .. } => KeyError::Crypt {
                path: path.to_path_buf(),
                source,
            },
            e => e,
        })?;
    atomic::write_secret(path, json.as_bytes(), true).map_err(io_err(path))
}

impl SealedFile {
    /// Associated data: every field but `encryption`, length-prefixed in
    /// file order (docs/FORMAT.md).
    fn aad(&self) -> Vec<u8> {
        let mut v = Vec::new();
        for f in [
            &self.payqr,
            &self.issuer,
            &self.name,
            &self.key_id,
            &self.created,
            &self.public_key,
        ] {
            keyfile_crypt::push_field(&mut v, f.as_bytes());
        }
        v
    }
}

fn placeholder_sealed() -> Sealed {
    Sealed {
        kdf: String::new(),
        m_kib: 0,
        t: 0,
        p: 0,
        salt: String::new(),
        aead: String::new(),
        nonce: String::new(),
        ciphertext: String::new(),
    }
}

fn check_names(issuer: &str, name: &str) -> Result<(), KeyError> {
    code::check_issuer(issuer).map_err(KeyError::Issuer)?;
    code::check_text("name", name, MAX_NAME_LEN).map_err(KeyError::Name)?;
    Ok(())
}

/// A token key's code-id secret: the hash of its signature over a fixed
/// message. Ed25519 signatures are deterministic, so every run with this
/// key gets the same ids (a resumed batch relies on it); a token that
/// signed the message two ways would break that, and is refused.
fn token_id_secret(t: &TokenSigner) -> Result<Zeroizing<[u8; 32]>, TokenError> {
    let a = t.sign(ID_SECRET_MSG)?;
    let b = t.sign(ID_SECRET_MSG)?;
    if a != b {
        return Err(TokenError::Bad {
            token: String::from("(this token)"),
            reason: "its Ed25519 signatures are not deterministic (RFC 8032); batch code ids would change between runs".into(),
        });
    }
    let sig = Signature::from_bytes(&a);
    t.verifying_key()
        .verify_strict(ID_SECRET_MSG, &sig)
        .map_err(|_| TokenError::Bad {
            token: String::from("(this token)"),
            reason: "its signature does not verify with the key's public key".into(),
        })?;
    let mut h = Sha256::new();
    h.update(b"payqr/token-code-id-key/v1\0");
    h.update(a);
    Ok(Zeroizing::new(h.finalize().into()))
}

/// Whether `path` is an existing payqr key file, secret or public: named
/// `*.key`/`*.pub` as [`IssuerKey::save`] names them, or holding a key
/// file's tag whatever its name. Outputs are never written over one.
pub fn is_key_file(path: &Path) -> bool {
    use std::io::Read;
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("key") || e.eq_ignore_ascii_case("pub"))
    {
        return true;
    }
    // Key files are a few hundred bytes; a bigger file is something else.
    let mut buf = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(1 << 16).read_to_end(&mut buf));
    #[derive(Deserialize)]
    struct Tag {
        payqr: String,
    }
    read.is_ok()
        && serde_json::from_slice::<Tag>(&buf).is_ok_and(|t| {
            [SECRET_TAG, SEALED_TAG, TOKEN_TAG, PUBLIC_TAG].contains(&t.payqr.as_str())
        })
}

fn with_suffix(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_encrypted;
