//! The sealed seed inside an encrypted secret key file (docs/FORMAT.md,
//! "Encrypted secret key files").
//!
//! The 32-byte seed is sealed with XChaCha20-Poly1305 under a key that
//! Argon2id derives from the passphrase; the KDF's costs and salt travel
//! in the file so they can be raised later without breaking old files. The
//! associated data binds every other field of the file, so changing the
//! issuer, name, key id or costs fails authentication like a wrong
//! passphrase does: an attacker with write access cannot relabel a key.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub const KDF: &str = "argon2id";
pub const AEAD: &str = "xchacha20poly1305";

/// Argon2id costs: memory in KiB, passes, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfCost {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

/// What new files get: RFC 9106's second recommended setting's memory and
/// passes (64 MiB, 3) with one lane, about a fifth of a second on one core.
/// Guessing costs an attacker the same per passphrase.
pub const DEFAULT_COST: KdfCost = KdfCost {
    m_kib: 64 * 1024,
    t: 3,
    p: 1,
};

/// Bounds on costs read from a file: a file is input, and one asking for
/// 100 GiB or an hour of hashing must be refused, not obeyed. The lower
/// bounds are Argon2's own minimums (the test vector uses them, so it runs
/// in a millisecond); files payqr writes always use [`DEFAULT_COST`].
const MAX_M_KIB: u32 = 4 * 1024 * 1024;
const MAX_T: u32 = 64;
const MAX_P: u32 = 16;

/// The `encryption` object of an encrypted key file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    pub kdf: String,
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
    /// 16 bytes, base64.
    pub salt: String,
    pub aead: String,
    /// 24 bytes, base64.
    pub nonce: String,
    /// 32 bytes of sealed seed and the 16-byte tag, base64.
    pub ciphertext: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptError {
    #[error("unsupported {what} {name:?} (this payqr knows {known})")]
    Unsupported {
        what: &'static str,
        name: String,
        known: &'static str,
    },
    #[error("Argon2id costs m_kib={m_kib} t={t} p={p} are out of bounds")]
    Cost { m_kib: u32, t: u32, p: u32 },
    #[error("{0} is not valid base64 of the right length")]
    Encoding(&'static str),
    /// Wrong passphrase and altered file look alike, by design of the AEAD.
    #[error("wrong passphrase, or the file was altered (authentication failed)")]
    Authentication,
    #[error("the passphrase is empty")]
    EmptyPassphrase,
}

impl Sealed {
    pub fn cost(&self) -> KdfCost {
        KdfCost {
            m_kib: self.m_kib,
            t: self.t,
            p: self.p,
        }
    }
}

/// Seals `seed` with fresh random salt and nonce.
pub fn seal(
    seed: &[u8; 32],
    passphrase: &[u8],
    aad: &[u8],
    cost: KdfCost,
) -> Result<Sealed, CryptError> {
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut salt).expect("operating system random source failed");
    getrandom::fill(&mut nonce).expect("operating system random source failed");
    seal_with(seed, passphrase, aad, cost, salt, nonce)
}

/// Seals with given salt and nonce (the test vector; never reuse a nonce).
pub fn seal_with(
    seed: &[u8; 32],
    passphrase: &[u8],
    aad: &[u8],
    cost: KdfCost,
    salt: [u8; 16],
    nonce: [u8; 24],
) -> Result<Sealed, CryptError> {
    if passphrase.is_empty() {
        return Err(CryptError::EmptyPassphrase);
    }
    let key = derive(passphrase, &salt, cost)?;
    let cipher = XChaCha20Poly1305::new_from_slice(&key[..]).expect("32-byte key");
    let ciphertext = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: seed,
                aad: &aad_with(aad, cost, &salt),
            },
        )
        .expect("encryption of 32 bytes cannot fail");
    Ok(Sealed {
        kdf: KDF.into(),
        m_kib: cost.m_kib,
        t: cost.t,
        p: cost.p,
        salt: B64.encode(salt),
        aead: AEAD.into(),
        nonce: B64.encode(nonce),
        ciphertext: B64.encode(ciphertext),
    })
}

/// Opens a sealed seed: one error for a wrong passphrase and for any
/// altered byte of the file.
pub fn open(
    sealed: &Sealed,
    passphrase: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<[u8; 32]>, CryptError> {
    if sealed.kdf != KDF {
        return Err(CryptError::Unsupported {
            what: "kdf",
            name: sealed.kdf.clone(),
            known: KDF,
        });
    }
    if sealed.aead != AEAD {
        return Err(CryptError::Unsupported {
            what: "aead",
            name: sealed.aead.clone(),
            known: AEAD,
        });
    }
    let salt: [u8; 16] = decode(&sealed.salt, "salt")?;
    let nonce: [u8; 24] = decode(&sealed.nonce, "nonce")?;
    let ciphertext: [u8; 48] = decode(&sealed.ciphertext, "ciphertext")?;
    let cost = sealed.cost();
    let key = derive(passphrase, &salt, cost)?;
    let cipher = XChaCha20Poly1305::new_from_slice(&key[..]).expect("32-byte key");
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &ciphertext,
                    aad: &aad_with(aad, cost, &salt),
                },
            )
            .map_err(|_| CryptError::Authentication)?,
    );
    let mut seed = Zeroizing::new([0u8; 32]);
    seed.copy_from_slice(&plain);
    Ok(seed)
}

fn decode<const N: usize>(b64: &str, what: &'static str) -> Result<[u8; N], CryptError> {
    B64.decode(b64.trim())
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or(CryptError::Encoding(what))
}

fn derive(passphrase: &[u8], salt: &[u8], c: KdfCost) -> Result<Zeroizing<[u8; 32]>, CryptError> {
    let bad = CryptError::Cost {
        m_kib: c.m_kib,
        t: c.t,
        p: c.p,
    };
    if c.m_kib > MAX_M_KIB || c.t > MAX_T || c.p > MAX_P {
        return Err(bad);
    }
    let params = Params::new(c.m_kib, c.t, c.p, Some(32)).map_err(|_| bad)?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase, salt, &mut key[..])
        .map_err(|_| CryptError::Cost {
            m_kib: c.m_kib,
            t: c.t,
            p: c.p,
        })?;
    Ok(key)
}

/// The caller's associated data followed by the KDF's name, costs and salt
/// and the AEAD's name, each length-prefixed: lowering the costs in the
/// file is detected even though the derived key would simply differ.
fn aad_with(aad: &[u8], c: KdfCost, salt: &[u8]) -> Vec<u8> {
    let mut v = aad.to_vec();
    for f in [
        KDF.as_bytes(),
        c.m_kib.to_string().as_bytes(),
        c.t.to_string().as_bytes(),
        c.p.to_string().as_bytes(),
        salt,
        AEAD.as_bytes(),
    ] {
        push_field(&mut v, f);
    }
    v
}

/// Appends one field as a 4-byte big-endian length and its bytes.
pub fn push_field(v: &mut Vec<u8>, f: &[u8]) {
    v.extend_from_slice(&(f.len() as u32).to_be_bytes());
    v.extend_from_slice(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: KdfCost = KdfCost {
        m_kib: 8,
        t: 1,
        p: 1,
    };

    #[test]
    fn round_trip_and_every_alteration_fails() {
        let seed = [9u8; 32];
        let s = seal(&seed, b"correct horse", b"aad", CHEAP).unwrap();
        assert_eq!(*open(&s, b"correct horse", b"aad").unwrap(), seed);
        assert_eq!(
            open(&s, b"correct horsf", b"aad"),
            Err(CryptError::Authentication)
        );
        assert_eq!(
            open(&s, b"correct horse", b"aae"),
            Err(CryptError::Authentication)
        );
        let mut t = s.clone();
        t.t = 2;
        assert_eq!(
            open(&t, b"correct horse", b"aad"),
            Err(CryptError::Authentication)
        );
        let mut c = B64.decode(&s.ciphertext).unwrap();
        c[0] ^= 1;
        let mut t = s.clone();
        t.ciphertext = B64.encode(c);
        assert_eq!(
            open(&t, b"correct horse", b"aad"),
            Err(CryptError::Authentication)
        );
    }

    #[test]
    fn hostile_costs_refused_before_hashing() {
        let mut s = seal(&[1u8; 32], b"pw", b"", CHEAP).unwrap();
        s.m_kib = u32::MAX;
        assert!(matches!(open(&s, b"pw", b""), Err(CryptError::Cost { .. })));
    }

    #[test]
    fn empty_passphrase_refused() {
        assert_eq!(
            seal(&[1u8; 32], b"", b"", CHEAP).unwrap_err(),
            CryptError::EmptyPassphrase
        );
    }
}
