//! The signed code: payqr's payload format, version 1 (spec: docs/FORMAT.md).
//!
//! A code is a canonical byte string (`body`) followed by a 64-byte Ed25519
//! signature over `DOMAIN || body`. Its text form, the one a QR symbol or a
//! scanner gun carries, is `PQ1:` followed by the base45 of `body || sig`,
//! which uses only the QR alphanumeric character set.
//!
//! There is deliberately no algorithm field and no public key in the payload:
//! the verifier looks the key up by (issuer, key id) in its own trust list,
//! which pins the key type. Decoding is strict — every field has exactly one
//! accepted encoding, so two different byte strings never mean the same code.

pub mod amount;
pub mod base45;
pub mod currency;
pub mod decimal;
pub mod hex;
pub mod time;

pub(crate) use hex::parse_hex;
pub use hex::to_hex;
use std::fmt;

use ed25519_dalek::ed25519::signature::Keypair;
use ed25519_dalek::{Signature, Signer, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::code::currency::Currency;

/// Text prefix: "PQ" + format version + ':' (all QR-alphanumeric).
pub const TEXT_PREFIX: &str = "PQ1:";
/// Format version byte, first byte of every body.
pub const VERSION: u8 = 1;
/// Domain separation for signatures: a payqr signature can never be
/// replayed as a signature over some other protocol's message, or vice versa.
pub const DOMAIN: &[u8] = b"payqr/code/v1\0";
pub const SIGNATURE_LEN: usize = 64;

pub const MAX_ISSUER_LEN: usize = 32;
pub const MAX_PAYEE_LEN: usize = 64;
pub const MAX_REFERENCE_LEN: usize = 64;
pub const MAX_DESCRIPTION_LEN: usize = 96;
/// Longest validity accepted: ten years of 365 days.
pub const MAX_VALIDITY_SECS: u64 = 10 * 365 * 86_400;

/// What the code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Fine,
    Bill,
}

impl Kind {
    fn to_byte(self) -> u8 {
        match self {
            Kind::Fine => 1,
            Kind::Bill => 2,
        }
    }

    fn from_byte(b: u8) -> Option<Kind> {
        match b {
            1 => Some(Kind::Fine),
            2 => Some(Kind::Bill),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Fine => "fine",
            Kind::Bill => "bill",
        }
    }
}

/// A kind that is neither fine nor bill (as read: trimmed, lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a kind (expected fine or bill)")]
pub struct ParseKindError(pub String);

impl std::str::FromStr for Kind {
    type Err = ParseKindError;
    fn from_str(s: &str) -> Result<Kind, ParseKindError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fine" => Ok(Kind::Fine),
            "bill" => Ok(Kind::Bill),
            other => Err(ParseKindError(other.to_string())),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Four bytes naming a key within its issuer: the first bytes of
/// SHA-256("payqr/key-id/v1\0" || public key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 4]);

impl KeyId {
    pub fn of(key: &VerifyingKey) -> KeyId {
        let mut h = Sha256::new();
        h.update(b"payqr/key-id/v1\0");
        h.update(key.as_bytes());
        let d = h.finalize();
        KeyId([d[0], d[1], d[2], d[3]])
    }
}

/// Text that is not an id: what was given and which id was wanted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a {what} ({digits} hex digits)", digits = 2 * .bytes)]
pub struct ParseIdError {
    pub text: String,
    /// "key id" or "code id".
    pub what: &'static str,
    pub bytes: usize,
}

/// Display as lower-case hex and FromStr from hex (either case, blanks
/// around allowed) for an id that is a byte array: one definition for
/// [`KeyId`] and [`CodeId`].
macro_rules! hex_id {
    ($id:ident, $n:literal, $what:literal) => {
        impl fmt::Display for $id {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                hex::write_hex(f, &self.0)
            }
        }

        impl std::str::FromStr for $id {
            type Err = ParseIdError;
            fn from_str(s: &str) -> Result<$id, ParseIdError> {
                parse_hex::<$n>(s).map($id).ok_or_else(|| ParseIdError {
                    text: s.to_string(),
                    what: $what,
                    bytes: $n,
                })
            }
        }
    };
}

hex_id!(KeyId, 4, "key id");
hex_id!(CodeId, 8, "code id");

/// Eight bytes naming a code within its issuer, shown as 16 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodeId(pub [u8; 8]);

impl CodeId {
    /// A fresh random id (single codes).
    pub fn random() -> CodeId {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).expect("operating system random source failed");
        CodeId(b)
    }

    /// A deterministic id for batch issuance: keyed by the issuer's secret
    /// seed, so ids are unguessable to outsiders yet the same batch issued
    /// twice with the same key and clock gives the same ids.
    pub fn derive(seed: &[u8; 32], reference: &str, issued_at: u64) -> CodeId {
        let mut h = Sha256::new();
        h.update(b"payqr/code-id/v1\0");
        h.update(seed);
        h.update((reference.len() as u64).to_be_bytes());
        h.update(reference.as_bytes());
        h.update(issued_at.to_be_bytes());
        let d = h.finalize();
        let mut b = [0u8; 8];
        b.copy_from_slice(&d[..8]);
        CodeId(b)
    }
}

/// The signed fields of a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub issuer: String,
    pub key_id: KeyId,
    pub code_id: CodeId,
    pub kind: Kind,
    /// Integer minor units of `currency` (fen for CNY, yen for JPY).
    pub amount: u64,
    pub currency: Currency,
    pub payee: String,
    pub reference: String,
    /// Unix seconds, UTC.
    pub issued_at: u64,
    /// Unix seconds, UTC; strictly after `issued_at`.
    pub expires_at: u64,
    pub description: Option<String>,
}

/// Why bytes or text are not a valid payqr code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not a payqr code (text does not start with {TEXT_PREFIX:?})")]
    NotPayqr,
    #[error("bad base45 text: {0}")]
    Base45(#[from] base45::Base45Error),
    #[error("unsupported format version {0}")]
    UnknownVersion(u8),
    #[error("unknown kind byte {0}")]
    UnknownKind(u8),
    #[error("unknown ISO 4217 currency number {0}")]
    UnknownCurrency(u16),
    #[error("truncated in field {0}")]
    Truncated(&'static str),
    #[error("{0} trailing bytes after the signature")]
    TrailingBytes(usize),
    #[error("field {0}: non-canonical or oversized integer")]
    NonCanonicalInt(&'static str),
    #[error("field {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// The signer failed (a hardware token unplugged or refusing).
    #[error("signing failed: {0}")]
    Signing(String),
}

/// The cause a signer gave, not just "signature error".
pub fn signing_failure(e: &ed25519_dalek::SignatureError) -> String {
    use std::error::Error as _;
    match e.source() {
        Some(cause) => cause.to_string(),
        None => e.to_string(),
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> FormatError {
    FormatError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// Checks a text field: UTF-8 is given; nothing [`crate::sanitize::is_unsafe`]
/// (control, bidi, line-separator or invisible format characters) and no
/// surrounding whitespace (they make two codes look alike on screen, or
/// rewrite the screen), and a byte length within `max`.
pub fn check_text(field: &'static str, s: &str, max: usize) -> Result<(), FormatError> {
    if s.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if s.len() > max {
        return Err(invalid(
            field,
            format!("{} bytes, at most {max} allowed", s.len()),
        ));
    }
    if s.trim() != s {
        return Err(invalid(field, "leading or trailing whitespace"));
    }
    crate::sanitize::check_text(s, max).map_err(|reason| invalid(field, reason.to_string()))
}

pub fn check_issuer(s: &str) -> Result<(), FormatError> {
    let ok_char = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.';
    if s.is_empty() || s.len() > MAX_ISSUER_LEN {
        return Err(invalid(
            "issuer",
            format!("must be 1..={MAX_ISSUER_LEN} bytes"),
        ));
    }
    if !s.bytes().all(ok_char) {
        return Err(invalid("issuer", "only a-z, 0-9, '-' and '.' are allowed"));
    }
    let edge = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !edge(s.as_bytes()[0]) || !edge(s.as_bytes()[s.len() - 1]) {
        return Err(invalid(
            "issuer",
            "must start and end with a letter or digit",
        ));
    }
    Ok(())
}

impl Code {
    /// Checks every field against the format's rules.
    pub fn validate(&self) -> Result<(), FormatError> {
        check_issuer(&self.issuer)?;
        if self.amount == 0 {
            return Err(invalid("amount", "must be greater than zero"));
        }
        check_text("payee", &self.payee, MAX_PAYEE_LEN)?;
        check_text("reference", &self.reference, MAX_REFERENCE_LEN)?;
        if let Some(d) = &self.description {
            check_text("description", d, MAX_DESCRIPTION_LEN)?;
        }
        if self.expires_at <= self.issued_at {
            return Err(invalid("expires_at", "must be after issued_at"));
        }
        if self.expires_at - self.issued_at > MAX_VALIDITY_SECS {
            return Err(invalid("expires_at", "validity longer than ten years"));
        }
        Ok(())
    }

    /// The canonical body bytes (what is signed, minus the domain).
    pub fn to_bytes(&self) -> Result<Vec<u8>, FormatError> {
        self.validate()?;
        let mut out = Vec::with_capacity(64 + self.payee.len() + self.reference.len());
        out.push(VERSION);
        out.push(self.kind.to_byte());
        put_str(&mut out, &self.issuer);
        out.extend_from_slice(&self.key_id.0);
        out.extend_from_slice(&self.code_id.0);
        out.extend_from_slice(&self.currency.numeric.to_be_bytes());
        put_varint(&mut out, self.amount);
        put_varint(&mut out, self.issued_at);
        put_varint(&mut out, self.expires_at - self.issued_at);
        put_str(&mut out, &self.payee);
        put_str(&mut out, &self.reference);
        put_str(&mut out, self.description.as_deref().unwrap_or(""));
        Ok(out)
    }

    /// Parses exactly one canonical body; trailing bytes are an error.
    pub fn from_bytes(body: &[u8]) -> Result<Code, FormatError> {
        let mut r = Reader { buf: body, pos: 0 };
        let version = r.byte("version")?;
        if version != VERSION {
            return Err(FormatError::UnknownVersion(version));
        }
        let kind_byte = r.byte("kind")?;
        let kind = Kind::from_byte(kind_byte).ok_or(FormatError::UnknownKind(kind_byte))?;
        let issuer = r.string("issuer")?;
        let key_id = KeyId(r.array("key_id")?);
        let code_id = CodeId(r.array("code_id")?);
        let numeric = u16::from_be_bytes(r.array("currency")?);
        let currency =
            Currency::from_numeric(numeric).ok_or(FormatError::UnknownCurrency(numeric))?;
        let amount = r.varint("amount")?;
        let issued_at = r.varint("issued_at")?;
        let validity = r.varint("validity")?;
        let payee = r.string("payee")?;
        let reference = r.string("reference")?;
        let description = r.string("description")?;
        if r.pos != body.len() {
            return Err(FormatError::TrailingBytes(body.len() - r.pos));
        }
        if validity == 0 {
            return Err(invalid("validity", "must be greater than zero"));
        }
        let expires_at = issued_at
            .checked_add(validity)
            .ok_or(FormatError::NonCanonicalInt("validity"))?;
        let code = Code {
            issuer,
            key_id,
            code_id,
            kind,
            amount,
            currency,
            payee,
            reference,
            issued_at,
            expires_at,
            description: (!description.is_empty()).then_some(description),
        };
        code.validate()?;
        Ok(code)
    }

    /// Signs the code. The key's id must be the one the code names. Any
    /// Ed25519 signer: an [`ed25519_dalek::SigningKey`], or a key in a token
    /// ([`crate::trust::keys::Signer`]), whose failure is an error here.
    pub fn sign<S>(&self, key: &S) -> Result<SignedCode, FormatError>
    where
        S: Signer<Signature> + Keypair<VerifyingKey = VerifyingKey> + ?Sized,
    {
        if KeyId::of(&key.verifying_key()) != self.key_id {
            return Err(invalid("key_id", "does not match the signing key"));
        }
        let body = self.to_bytes()?;
        let signature = key
            .try_sign(&signing_message(&body))
            .map_err(|e| FormatError::Signing(signing_failure(&e)))?
            .to_bytes();
        Ok(SignedCode {
            code: self.clone(),
            body,
            signature,
        })
    }
}

fn signing_message(body: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(DOMAIN.len() + body.len());
    msg.extend_from_slice(DOMAIN);
    msg.extend_from_slice(body);
    msg
}

/// A parsed code with its signature. Parsing does NOT check the signature:
/// call [`SignedCode::verify_signature`] with a key from the trust list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCode {
    pub code: Code,
    pub body: Vec<u8>,
    pub signature: [u8; SIGNATURE_LEN],
}

impl SignedCode {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.body.clone();
        out.extend_from_slice(&self.signature);
        out
    }

    /// The text form carried by the QR symbol: `PQ1:` + base45.
    pub fn to_text(&self) -> String {
        format!("{TEXT_PREFIX}{}", base45::encode(&self.to_bytes()))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<SignedCode, FormatError> {
        if bytes.len() < SIGNATURE_LEN + 2 {
            return Err(FormatError::Truncated(if bytes.is_empty() {
                "version"
            } else {
                "signature"
            }));
        }
        let (body, sig) = bytes.split_at(bytes.len() - SIGNATURE_LEN);
        // Check the version before anything else so a future format gets the
        // precise "unsupported version" error, not a confusing field error.
        if body[0] != VERSION {
            return Err(FormatError::UnknownVersion(body[0]));
        }
        let code = Code::from_bytes(body)?;
        let mut signature = [0u8; SIGNATURE_LEN];
        signature.copy_from_slice(sig);
        Ok(SignedCode {
            code,
            body: body.to_vec(),
            signature,
        })
    }

    /// Parses the text form. Surrounding whitespace (a scanner gun's
    /// newline) is ignored; anything else must be exact.
    pub fn parse_text(text: &str) -> Result<SignedCode, FormatError> {
        let t = text.trim_matches(|c: char| c == '\r' || c == '\n' || c == ' ' || c == '\t');
        let rest = t.strip_prefix(TEXT_PREFIX).ok_or(FormatError::NotPayqr)?;
        let bytes = base45::decode(rest)?;
        SignedCode::from_bytes(&bytes)
    }

    /// Strict Ed25519 verification (rejects small-order keys and
    /// non-canonical signatures) of the signature over DOMAIN || body.
    pub fn verify_signature(&self, key: &VerifyingKey) -> bool {
        let sig = Signature::from_bytes(&self.signature);
        key.verify_strict(&signing_message(&self.body), &sig)
            .is_ok()
    }

    /// SHA-256 of the text form's bytes, hex; lets a ledger tell two
    /// different payloads with the same code id apart.
    pub fn digest_hex(&self) -> String {
        to_hex(&Sha256::digest(self.to_bytes()))
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // Lengths are checked by validate(); all maxima are < 256.
    out.push(s.len() as u8);
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&[u8], FormatError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or(FormatError::Truncated(field))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn byte(&mut self, field: &'static str) -> Result<u8, FormatError> {
        Ok(self.take(1, field)?[0])
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], FormatError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, field)?);
        Ok(a)
    }

    /// Unsigned LEB128, minimal length, at most 64 bits.
    fn varint(&mut self, field: &'static str) -> Result<u64, FormatError> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = self.byte(field)?;
            let bits = u64::from(b & 0x7f);
            if i == 9 && b > 1 {
                return Err(FormatError::NonCanonicalInt(field));
            }
            v |= bits << (7 * i);
            if b & 0x80 == 0 {
                if i > 0 && b == 0 {
                    return Err(FormatError::NonCanonicalInt(field));
                }
                return Ok(v);
            }
        }
        Err(FormatError::NonCanonicalInt(field))
    }

    fn string(&mut self, field: &'static str) -> Result<String, FormatError> {
        let len = self.byte(field)? as usize;
        let bytes = self.take(len, field)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| invalid(field, "not valid UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    #[test]
    fn hex_by_table() {
        assert_eq!(parse_hex::<2>(" 0aFf "), Some([0x0a, 0xff]));
        assert_eq!(parse_hex::<2>("09af"), Some([0x09, 0xaf]));
        for bad in ["0g00", "000", "00000", "0:00", "+100", "\u{e9}00"] {
            assert_eq!(parse_hex::<2>(bad), None, "{bad}");
        }
    }

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn sample() -> Code {
        let k = key();
        Code {
            issuer: "bj-traffic".into(),
            key_id: KeyId::of(&k.verifying_key()),
            code_id: CodeId([1, 2, 3, 4, 5, 6, 7, 8]),
            kind: Kind::Fine,
            amount: 20000,
            currency: Currency::from_code("CNY").unwrap(),
            payee: "110000-FINES".into(),
            reference: "京A·12345".into(),
            issued_at: 1_795_000_000,
            expires_at: 1_795_014_400,
            description: Some("闯红灯".into()),
        }
    }

    #[test]
    fn round_trip() {
        let signed = sample().sign(&key()).unwrap();
        let text = signed.to_text();
        assert!(text.starts_with("PQ1:"));
        let back = SignedCode::parse_text(&format!("{text}\r\n")).unwrap();
        assert_eq!(back, signed);
        assert!(back.verify_signature(&key().verifying_key()));
        let other = SigningKey::from_bytes(&[8u8; 32]);
        assert!(!back.verify_signature(&other.verifying_key()));
    }

    #[test]
    fn every_truncation_rejected() {
        let bytes = sample().sign(&key()).unwrap().to_bytes();
        for n in 0..bytes.len() {
            let r = SignedCode::from_bytes(&bytes[..n]);
            // A cut inside the signature can still parse (the body loses its
            // tail bytes to the signature slot) only if the body stays
            // canonical — it must then fail the signature check.
            match r {
                Err(_) => {}
                Ok(c) => assert!(!c.verify_signature(&key().verifying_key()), "len {n}"),
            }
        }
    }

    #[test]
    fn every_bit_flip_rejected() {
        let bytes = sample().sign(&key()).unwrap().to_bytes();
        let vk = key().verifying_key();
        for i in 0..bytes.len() * 8 {
            let mut b = bytes.clone();
            b[i / 8] ^= 1 << (i % 8);
            if let Ok(c) = SignedCode::from_bytes(&b) {
                assert!(!c.verify_signature(&vk), "bit {i} flip verified");
            }
        }
    }

    #[test]
    fn trailing_bytes_and_bad_version() {
        let signed = sample().sign(&key()).unwrap();
        let mut body = signed.body.clone();
        body.push(0);
        assert_eq!(Code::from_bytes(&body), Err(FormatError::TrailingBytes(1)));
        let mut b = signed.to_bytes();
        b[0] = 2;
        assert_eq!(
            SignedCode::from_bytes(&b),
            Err(FormatError::UnknownVersion(2))
        );
        let mut b = signed.body.clone();
        b[1] = 9;
        assert_eq!(Code::from_bytes(&b), Err(FormatError::UnknownKind(9)));
    }

    #[test]
    fn non_minimal_varint_rejected() {
        let mut r = Reader {
            buf: &[0x80, 0x00],
            pos: 0,
        };
        assert_eq!(r.varint("x"), Err(FormatError::NonCanonicalInt("x")));
        let mut r = Reader {
            buf: &[0xff; 10],
            pos: 0,
        };
        assert!(r.varint("x").is_err());
        let mut r = Reader {
            buf: &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            pos: 0,
        };
        assert_eq!(r.varint("x"), Ok(u64::MAX));
    }

    #[test]
    fn rejects_bad_fields() {
        let mut c = sample();
        c.reference = "A\u{202E}B".into();
        assert!(c.to_bytes().is_err());
        let mut c = sample();
        c.issuer = "BJ".into();
        assert!(c.to_bytes().is_err());
        let mut c = sample();
        c.expires_at = c.issued_at;
        assert!(c.to_bytes().is_err());
        let mut c = sample();
        c.description = Some(String::new());
        assert!(c.to_bytes().is_err());
    }

    #[test]
    fn not_payqr() {
        assert_eq!(
            SignedCode::parse_text("https://example.com"),
            Err(FormatError::NotPayqr)
        );
        assert!(matches!(
            SignedCode::parse_text("PQ1:a"),
            Err(FormatError::Base45(_))
        ));
    }
}
