//! Ed25519 keys held in a PKCS#11 token (an HSM, a smart card, SoftHSM2).
//!
//! The secret never leaves the token: payqr generates the key pair inside it
//! (CKM_EC_EDWARDS_KEY_PAIR_GEN, sensitive and not extractable) and asks it
//! for each signature (CKM_EDDSA, pure Ed25519, so the signatures are the
//! ones a file key would make and verify with any Ed25519 verifier). A
//! token's sessions may not be shared between threads, so the signer keeps
//! a pool: each signing thread takes a session, signs, puts it back.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::RawAuthPin;
use ed25519_dalek::VerifyingKey;

use crate::code::hex::{parse_hex_vec, to_hex};
use serde::{Deserialize, Serialize};

/// DER of the OID 1.3.101.112 (id-Ed25519), the CKA_EC_PARAMS of an
/// Ed25519 key (PKCS#11 3.0 §2.3.5).
const ED25519_OID_DER: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x70];

/// Where a token key is: written into the key reference file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRef {
    /// The PKCS#11 module (shared library) to load.
    pub module: PathBuf,
    /// The token's label (CKA_LABEL of the token, as `--token` gave it).
    pub token: String,
    /// The key objects' CKA_LABEL.
    pub label: String,
    /// The key objects' CKA_ID, hex.
    pub id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("PKCS#11 module {module}: {source}")]
    Module {
        module: PathBuf,
        source: cryptoki::error::Error,
    },
    #[error("no PKCS#11 token labelled {0:?} (is it plugged in and initialised?)")]
    NoToken(String),
    #[error("token {token:?}: no Ed25519 private key labelled {label:?} with id {id}")]
    NoKey {
        token: String,
        label: String,
        id: String,
    },
    #[error("token {token:?}: logging in failed (wrong PIN?): {source}")]
    Login {
        token: String,
        source: cryptoki::error::Error,
    },
    #[error("token {token:?}: {what}: {source}")]
    Call {
        token: String,
        what: &'static str,
        source: cryptoki::error::Error,
    },
    #[error("token {token:?}: {reason}")]
    Bad { token: String, reason: String },
}

impl TokenError {
    fn bad(token: &str, reason: impl Into<String>) -> TokenError {
        TokenError::Bad {
            token: token.to_string(),
            reason: reason.into(),
        }
    }
}

/// A logged-in token and its key, able to sign from many threads.
pub struct TokenSigner {
    token_ref: TokenRef,
    pkcs11: Pkcs11,
    slot: Slot,
    public: VerifyingKey,
    /// Idle sessions with their handle to the private key. The first one
    /// logged in; PKCS#11 shares that login with every later session of
    /// this process, and it lasts while any session stays open.
    pool: Mutex<Vec<(Session, ObjectHandle)>>,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("token_ref", &self.token_ref)
            .finish_non_exhaustive()
    }
}

fn load_module(module: &Path) -> Result<Pkcs11, TokenError> {
    let err = |source| TokenError::Module {
        module: module.to_path_buf(),
        source,
    };
    let p = Pkcs11::new(module).map_err(err)?;
    p.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .map_err(err)?;
    Ok(p)
}

fn find_slot(p: &Pkcs11, token: &str) -> Result<Slot, TokenError> {
    let call = |what| {
        move |source| TokenError::Call {
            token: token.to_string(),
            what,
            source,
        }
    };
    for slot in p.get_slots_with_token().map_err(call("listing slots"))? {
        let info = p.get_token_info(slot).map_err(call("reading token info"))?;
        if info.label().trim_end() == token {
            return Ok(slot);
        }
    }
    Err(TokenError::NoToken(token.to_string()))
}

fn login(s: &Session, token: &str, pin: &[u8]) -> Result<(), TokenError> {
    let pin = RawAuthPin::new(Box::new(pin.to_vec()));
    match s.login_with_raw(UserType::User, &pin) {
        Ok(()) => Ok(()),
        Err(cryptoki::error::Error::Pkcs11(cryptoki::error::RvError::UserAlreadyLoggedIn, _)) => {
            Ok(())
        }
        Err(source) => Err(TokenError::Login {
            token: token.to_string(),
            source,
        }),
    }
}

/// The 32 public key bytes out of a CKA_EC_POINT: PKCS#11 3.0 says a DER
/// OCTET STRING; some tokens give the raw bytes.
fn public_from_ec_point(token: &str, point: &[u8]) -> Result<VerifyingKey, TokenError> {
    let raw: &[u8] = match point {
        [0x04, 0x20, rest @ ..] if rest.len() == 32 => rest,
        p if p.len() == 32 => p,
        _ => {
            return Err(TokenError::bad(
                token,
                format!("CKA_EC_POINT of {} bytes is no Ed25519 key", point.len()),
            ));
        }
    };
    let bytes: [u8; 32] = raw.try_into().expect("32 bytes");
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| TokenError::bad(token, "CKA_EC_POINT is not a valid Ed25519 point"))
}

/// Generates an Ed25519 key pair inside the token: private key sensitive,
/// never extractable, kept on the token. Gives where it is and its public
/// key.
pub fn generate(
    module: &Path,
    token: &str,
    pin: &[u8],
    label: &str,
) -> Result<(TokenRef, VerifyingKey), TokenError> {
    let p = load_module(module)?;
    let slot = find_slot(&p, token)?;
    let call = |what| {
        move |source| TokenError::Call {
            token: token.to_string(),
            what,
            source,
        }
    };
    let s = p.open_rw_session(slot).map_err(call("opening a session"))?;
    login(&s, token, pin)?;
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).expect("operating system random source failed");
    let public_template = [
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Verify(true),
        Attribute::EcParams(ED25519_OID_DER.to_vec()),
        Attribute::Label(label.as_bytes().to_vec()),
        Attribute::Id(id.to_vec()),
    ];
    let private_template = [
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        Attribute::Label(label.as_bytes().to_vec()),
        Attribute::Id(id.to_vec()),
    ];
    let (public, _private) = s
        .generate_key_pair(
            &Mechanism::EccEdwardsKeyPairGen,
            &public_template,
            &private_template,
        )
        .map_err(call(
            "generating an Ed25519 key pair (does the token support EdDSA?)",
        ))?;
    let attrs = s
        .get_attributes(public, &[AttributeType::EcPoint])
        .map_err(call("reading the public key"))?;
    let point = attrs
        .into_iter()
        .find_map(|a| match a {
            Attribute::EcPoint(v) => Some(v),
            _ => None,
        })
        .ok_or_else(|| TokenError::bad(token, "the public key has no CKA_EC_POINT"))?;
    let key = public_from_ec_point(token, &point)?;
    Ok((
        TokenRef {
            module: module.to_path_buf(),
            token: token.to_string(),
            label: label.to_string(),
            id: to_hex(&id),
        },
        key,
    ))
}

impl TokenSigner {
    /// Logs in to the token and finds the key, checking it is the key
    /// `expected` names (a reference file pointing at another key, or a
    /// token swapped for another, is refused before anything is signed).
    pub fn open(
        r: &TokenRef,
        pin: &[u8],
        expected: &VerifyingKey,
    ) -> Result<TokenSigner, TokenError> {
        let p = load_module(&r.module)?;
        let slot = find_slot(&p, &r.token)?;
        let s = p.open_ro_session(slot).map_err(|source| TokenError::Call {
            token: r.token.clone(),
            what: "opening a session",
            source,
        })?;
        login(&s, &r.token, pin)?;
        let signer = TokenSigner {
            token_ref: r.clone(),
            pkcs11: p,
            slot,
            public: *expected,
            pool: Mutex::new(vec![]),
        };
        let handle = signer.find_key(&s)?;
        signer.check_public(&s)?;
        signer.pool.lock().expect("pool").push((s, handle));
        Ok(signer)
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.public
    }

    fn find_key(&self, s: &Session) -> Result<ObjectHandle, TokenError> {
        let r = &self.token_ref;
        let id =
            parse_hex_vec(&r.id).ok_or_else(|| TokenError::bad(&r.token, "key id is not hex"))?;
        let found = s
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::KeyType(KeyType::EC_EDWARDS),
                Attribute::Label(r.label.as_bytes().to_vec()),
                Attribute::Id(id),
            ])
            .map_err(|source| TokenError::Call {
                token: r.token.clone(),
                what: "finding the key",
                source,
            })?;
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(TokenError::NoKey {
                token: r.token.clone(),
                label: r.label.clone(),
                id: r.id.clone(),
            }),
            _ => Err(TokenError::bad(
                &r.token,
                format!(
                    "{} private keys share label {:?} and id",
                    found.len(),
                    r.label
                ),
            )),
        }
    }

    /// The token's public key for this label and id must be the expected one.
    fn check_public(&self, s: &Session) -> Result<(), TokenError> {
        let r = &self.token_ref;
        let id =
            parse_hex_vec(&r.id).ok_or_else(|| TokenError::bad(&r.token, "key id is not hex"))?;
        let call = |what| {
            move |source| TokenError::Call {
                token: r.token.clone(),
                what,
                source,
            }
        };
        let found = s
            .find_objects(&[
                Attribute::Class(ObjectClass::PUBLIC_KEY),
                Attribute::Label(r.label.as_bytes().to_vec()),
                Attribute::Id(id),
            ])
            .map_err(call("finding the public key"))?;
        let [public] = found.as_slice() else {
            return Err(TokenError::bad(
                &r.token,
                format!("expected one public key labelled {:?}", r.label),
            ));
        };
        let point = s
            .get_attributes(*public, &[AttributeType::EcPoint])
            .map_err(call("reading the public key"))?
            .into_iter()
            .find_map(|a| match a {
                Attribute::EcPoint(v) => Some(v),
                _ => None,
            })
            .ok_or_else(|| TokenError::bad(&r.token, "the public key has no CKA_EC_POINT"))?;
        if public_from_ec_point(&r.token, &point)? != self.public {
            return Err(TokenError::bad(
                &r.token,
                format!(
                    "key {:?} is not the key this reference file names (another token, or the key was replaced)",
                    r.label
                ),
            ));
        }
        Ok(())
    }

    /// Signs `msg` with pure Ed25519 inside the token.
    pub fn sign(&self, msg: &[u8]) -> Result<[u8; 64], TokenError> {
        let r = &self.token_ref;
        let call = |what| {
            move |source| TokenError::Call {
                token: r.token.clone(),
                what,
                source,
            }
        };
        let taken = self.pool.lock().expect("pool").pop();
        let (s, h) = match taken {
            Some(x) => x,
            None => {
                let s = self
                    .pkcs11
                    .open_ro_session(self.slot)
                    .map_err(call("opening a session"))?;
                let h = self.find_key(&s)?;
                (s, h)
            }
        };
        let mech = Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure));
        let sig = s.sign(&mech, h, msg).map_err(call("signing"));
        // A session that failed goes back too: it is still open and logged
        // in, and the error is returned either way.
        self.pool.lock().expect("pool").push((s, h));
        let sig = sig?;
        sig.try_into().map_err(|v: Vec<u8>| {
            TokenError::bad(&r.token, format!("a {}-byte signature", v.len()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_point_forms() {
        let k = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]).verifying_key();
        let mut der = vec![0x04, 0x20];
        der.extend_from_slice(k.as_bytes());
        assert_eq!(public_from_ec_point("t", &der).unwrap(), k);
        assert_eq!(public_from_ec_point("t", k.as_bytes()).unwrap(), k);
        assert!(public_from_ec_point("t", &der[1..]).is_err());
    }

    #[test]
    fn hex_round_trip() {
        let unhex = parse_hex_vec;
        assert_eq!(
            unhex(&to_hex(&[0, 0xab, 0xff])).unwrap(),
            vec![0, 0xab, 0xff]
        );
        assert!(unhex("abc").is_none());
        assert!(unhex("zz").is_none());
        // Nothing but digits: from_str_radix took a sign.
        assert!(unhex("+a").is_none());
        assert_eq!(unhex("AB").unwrap(), vec![0xab]);
    }
}
