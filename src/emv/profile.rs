//! payqr's EMV profile: an EMV MPM payload any wallet can pay, carrying a
//! payqr signature any verifier can check offline (docs/FORMAT.md §5).
//!
//! The payload holds 00 "01", 01 "12" (dynamic), the issuer's objects from
//! its [`Config`] (merchant accounts 02–51, 52 MCC, 58 country, 59 name, 60
//! city, optional 61 and 64), the *derived* objects 53 (numeric currency),
//! 54 (amount) and 62 (the reference as 62-01 Bill Number for a bill, 62-05
//! Reference Label for a fine), then the signed code in unreserved
//! templates 80, 81, … and 63 CRC. Order: 00, 01, 52, 53, 54, then
//! ascending ids (see `NUMERIC_FIRST` for why).
//!
//! The signed code is the version-1 body of docs/FORMAT.md §1 and an
//! Ed25519 signature, base45-encoded and cut into parts: template 80 + i
//! holds 00 = [`GUI`] and sub-id i + 1 = part i + 1, so a template never
//! exceeds 99 characters and the parts can be put back in order. The
//! signature is not the `PQ1:` one: it covers
//!
//! ```text
//! "payqr/emv/v1" 0x00 || SHA-256(bound objects) || body
//! ```
//!
//! where the bound objects are every top-level object as it appears in the
//! payload (id, length, value), in payload order, except 53, 54, 62, 63 and
//! payqr's own templates. So the account the wallet pays into, the name it
//! shows and everything else the issuer put there are covered: changing
//! them makes the signature fail (`bad_signature`). The derived objects are
//! not covered by the digest because the body already holds their values;
//! the verifier checks them against it instead, and a difference (an edited
//! amount with a recomputed CRC) is the verdict `tampered`.

use ed25519_dalek::ed25519::signature::Keypair;
use ed25519_dalek::{Signature, Signer, VerifyingKey};
use sha2::{Digest, Sha256};

use super::config::Config;
use super::tlv::{self, EmvError, MAX_VALUE_CHARS, Object, Payload};
use crate::code::base45;
use crate::code::currency::{Currency, parse_minor};
use crate::code::{Code, FormatError, KeyId, Kind, SignedCode};

/// Globally Unique Identifier of payqr's templates: a reverse domain name,
/// in capitals so a QR encoder keeps it in alphanumeric mode with the
/// base45 parts around it.
pub const GUI: &str = "ORG.PAYQR";
/// Signature domain of the EMV profile, distinct from the `PQ1:` domain so
/// neither signature can be replayed as the other.
pub const DOMAIN: &[u8] = b"payqr/emv/v1\0";
/// First unreserved template id used for the signed code.
pub const FIRST_TEMPLATE: u8 = 80;
/// Characters of base45 per template: 99 minus the GUI object (4 + 9) and
/// the part's id and length (4).
pub const PART_CHARS: usize = MAX_VALUE_CHARS - 4 - GUI.len() - 4;
/// Objects placed right after 00 and 01, before the others: their values
/// are digits, so "000201010212" + 52 + 53 + 54 forms one long run a QR
/// encoder stores in numeric mode (3.3 instead of 5.5 bits a character),
/// which is what keeps a typical fine within QR version 12. EMV fixes only
/// the first (00) and last (63) positions.
const NUMERIC_FIRST: [u8; 5] = [0, 1, 52, 53, 54];
/// Ids whose values the verifier derives from the signed body.
const DERIVED: [u8; 3] = [53, 54, 62];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("{0}")]
    Emv(#[from] EmvError),
    #[error("EMV code without a payqr signature (no template 80-99 with GUI {GUI})")]
    Unsigned,
    #[error("payqr templates: {0}")]
    Parts(String),
    #[error("payqr templates: {0}")]
    Base45(#[from] base45::Base45Error),
    #[error("signed code: {0}")]
    Format(#[from] FormatError),
    #[error("{field}: {problem}")]
    Field {
        field: &'static str,
        problem: String,
    },
}

/// Signs `code` and makes its payload text: the `PQ1:` form without an EMV
/// configuration, the EMV profile with one.
pub fn sign_payload<S>(
    code: &Code,
    key: &S,
    emv: Option<&Config>,
) -> Result<(SignedCode, String), ProfileError>
where
    S: Signer<Signature> + Keypair<VerifyingKey = VerifyingKey> + ?Sized,
{
    match emv {
        None => {
            let signed = code.sign(key)?;
            let text = signed.to_text();
            Ok((signed, text))
        }
        Some(config) => sign_emv(code, key, config),
    }
}

/// The EMV profile payload of `code` for the issuer described by `config`.
pub fn sign_emv<S>(
    code: &Code,
    key: &S,
    config: &Config,
) -> Result<(SignedCode, String), ProfileError>
where
    S: Signer<Signature> + Keypair<VerifyingKey = VerifyingKey> + ?Sized,
{
    if KeyId::of(&key.verifying_key()) != code.key_id {
        return Err(ProfileError::Field {
            field: "key_id",
            problem: "does not match the signing key".into(),
        });
    }
    let body = code.to_bytes()?;
    let derived = derived(code)?;
    let mut objects: Vec<(u8, String)> = vec![(0, "01".into()), (1, "12".into())];
    objects.extend(config.objects.iter().cloned());
    objects.extend(derived);
    // Final order before signing: the digest covers the objects in payload
    // order. payqr's templates (80 and up) are appended after all of them.
    objects.sort_by_key(|(id, _)| (!NUMERIC_FIRST.contains(id), *id));
    let digest = bound_digest(objects.iter().map(|(id, v)| (*id, tlv::tlv(*id, v))));
    let signature = key
        .try_sign(&signing_message(&digest, &body))
        .map_err(|e| FormatError::Signing(crate::code::signing_failure(&e)))?
        .to_bytes();
    let signed = SignedCode {
        code: code.clone(),
        body,
        signature,
    };
    let b45 = base45::encode(&signed.to_bytes());
    let parts: Vec<&str> = b45
        .as_bytes()
        .chunks(PART_CHARS)
        .map(|c| std::str::from_utf8(c).expect("base45 is ASCII"))
        .collect();
    for (i, part) in parts.iter().enumerate() {
        // At most 7 parts: a body is at most 353 bytes (docs/FORMAT.md §1.1).
        let id = FIRST_TEMPLATE + i as u8;
        objects.push((id, tlv::tlv(0, GUI) + &tlv::tlv(i as u8 + 1, part)));
    }
    let text: String = objects.iter().map(|(id, v)| tlv::tlv(*id, v)).collect();
    Ok((signed, super::seal(&text)))
}

/// Whether `code` can be issued in the EMV profile (its amount and
/// reference fit their EMV fields), so a batch can be checked before
/// anything is written.
pub fn check_fits(code: &Code) -> Result<(), ProfileError> {
    derived(code).map(drop)
}

/// 53, 54 and 62 as the signed code implies them.
fn derived(code: &Code) -> Result<Vec<(u8, String)>, ProfileError> {
    let amount = code.currency.format_amount(code.amount);
    tlv::check_value(&[54], &amount).map_err(|p| ProfileError::Field {
        field: "amount",
        problem: format!("EMV 54 Transaction Amount: {p}"),
    })?;
    let (slot, slot_name) = reference_slot(code.kind);
    tlv::check_value(&[62, slot], &code.reference).map_err(|p| ProfileError::Field {
        field: "reference",
        problem: format!("EMV 62-{slot:02} {slot_name}: {p}"),
    })?;
    Ok(vec![
        (53, format!("{:03}", code.currency.numeric)),
        (54, amount),
        (62, tlv::tlv(slot, &code.reference)),
    ])
}

/// Where the reference goes in 62: a bill's number, or a fine's label.
fn reference_slot(kind: Kind) -> (u8, &'static str) {
    match kind {
        Kind::Bill => (1, "Bill Number"),
        Kind::Fine => (5, "Reference Label"),
    }
}

/// SHA-256 over the bound objects' TLV text, skipping the derived ones and
/// the CRC; the caller leaves out payqr's templates.
fn bound_digest(objects: impl Iterator<Item = (u8, String)>) -> [u8; 32] {
    let mut h = Sha256::new();
    for (id, tlv) in objects {
        if !DERIVED.contains(&id) && id != 63 {
            h.update(tlv.as_bytes());
        }
    }
    h.finalize().into()
}

fn signing_message(digest: &[u8; 32], body: &[u8]) -> Vec<u8> {
    [DOMAIN, digest, body].concat()
}

/// A signed code taken out of an EMV payload, with what it takes to judge it.
#[derive(Debug, Clone)]
pub struct Carried {
    pub signed: SignedCode,
    /// Digest of the bound objects (see the module documentation).
    pub digest: [u8; 32],
    /// How the payload's 53/54/62 differ from the signed code, if they do.
    pub disagreement: Option<Disagreement>,
}

/// How an EMV payload's own 53, 54 or 62 differs from the signed code
/// (the first that does). Values are as written in the payload (`None`:
/// absent); the Display is the English reason a verdict gives.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Disagreement {
    #[error(
        "EMV 53 Transaction Currency is {}, the signed code says {signed} ({:03})",
        given.as_deref().unwrap_or("absent"),
        signed.numeric
    )]
    Currency {
        given: Option<String>,
        signed: Currency,
    },
    #[error(
        "EMV 54 Transaction Amount is {}, the signed code says {signed}",
        given.as_deref().unwrap_or("absent")
    )]
    Amount {
        given: Option<String>,
        /// The signed amount and currency, formatted ("200.00 CNY").
        signed: String,
    },
    #[error(
        "EMV 62 must hold only 62-{slot:02} {slot_name} = the signed reference {reference:?}; \
         62-{slot:02} is {}",
        shown.as_ref().map_or("absent".to_string(), |v| format!("{v:?}"))
    )]
    Reference {
        slot: u8,
        slot_name: &'static str,
        reference: String,
        /// What 62's slot holds.
        shown: Option<String>,
    },
}

/// Strict Ed25519 verification of an EMV profile signature, given the
/// digest of the payload's bound objects ([`Carried::digest`]).
pub fn verify_signature(signed: &SignedCode, digest: &[u8; 32], key: &VerifyingKey) -> bool {
    let sig = Signature::from_bytes(&signed.signature);
    key.verify_strict(&signing_message(digest, &signed.body), &sig)
        .is_ok()
}

fn is_payqr(o: &Object) -> bool {
    (80..=99).contains(&o.id) && o.child(0).is_some_and(|g| g.value == GUI)
}

/// Parses an EMV payload strictly and takes out payqr's signed code.
pub fn extract(text: &str) -> Result<Carried, ProfileError> {
    let payload = tlv::parse(text)?;
    let mut parts: Vec<(u8, &str)> = Vec::new();
    for t in payload.objects.iter().filter(|o| is_payqr(o)) {
        let rest: Vec<&Object> = t.children.iter().filter(|c| c.id != 0).collect();
        match rest.as_slice() {
            [part] => parts.push((part.id, &part.value)),
            _ => {
                return Err(ProfileError::Parts(format!(
                    "template {:02} must hold 00 and exactly one part",
                    t.id
                )));
            }
        }
    }
    if parts.is_empty() {
        return Err(ProfileError::Unsigned);
    }
    parts.sort_by_key(|(n, _)| *n);
    if parts
        .iter()
        .enumerate()
        .any(|(i, (n, _))| usize::from(*n) != i + 1)
    {
        let got: Vec<String> = parts.iter().map(|(n, _)| n.to_string()).collect();
        return Err(ProfileError::Parts(format!(
            "parts {} are not 1..{}",
            got.join(","),
            parts.len()
        )));
    }
    let b45: String = parts.iter().map(|(_, p)| *p).collect();
    let signed = SignedCode::from_bytes(&base45::decode(&b45)?)?;
    let digest = bound_digest(
        payload
            .objects
            .iter()
            .filter(|o| !is_payqr(o))
            .map(|o| (o.id, o.tlv())),
    );
    let disagreement = disagreement(&payload, &signed.code);
    Ok(Carried {
        signed,
        digest,
        disagreement,
    })
}

/// Compares the payload's 53, 54 and 62 with the signed code.
fn disagreement(p: &Payload, c: &Code) -> Option<Disagreement> {
    let cur = c.currency;
    let value = |id: u8| p.get(id).map(|o| o.value.as_str());
    let given = |id: u8| value(id).map(String::from);
    match value(53) {
        Some(v) if v == format!("{:03}", cur.numeric) => {}
        _ => {
            return Some(Disagreement::Currency {
                given: given(53),
                signed: cur,
            });
        }
    }
    match value(54) {
        Some(v) if parse_minor(v, cur.exponent) == Ok(c.amount) => {}
        _ => {
            return Some(Disagreement::Amount {
                given: given(54),
                signed: format!("{} {}", cur.format_amount(c.amount), cur),
            });
        }
    }
    let (slot, slot_name) = reference_slot(c.kind);
    if value(62) != Some(tlv::tlv(slot, &c.reference).as_str()) {
        return Some(Disagreement::Reference {
            slot,
            slot_name,
            reference: c.reference.clone(),
            shown: p
                .get(62)
                .and_then(|o| o.child(slot))
                .map(|o| o.value.clone()),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::CodeId;
    use crate::code::currency::Currency;
    use crate::vectors::test_key;

    fn config() -> Config {
        Config::from_json(
            r#"{ "payqr": "payqr emv config v1",
                 "merchant_accounts": [ { "id": 26, "gui": "CN.GOV.BJ.JTGL",
                                          "fields": { "01": "110000-FINES" } } ],
                 "mcc": "9222", "country": "CN",
                 "merchant_name": "BEIJING TRAFFIC POLICE", "merchant_city": "BEIJING" }"#,
            "test",
        )
        .unwrap()
    }

    fn code(kind: Kind, reference: &str) -> Code {
        let k = test_key();
        Code {
            issuer: k.issuer.clone(),
            key_id: k.key_id,
            code_id: CodeId([7; 8]),
            kind,
            amount: 20000,
            currency: Currency::from_code("CNY").unwrap(),
            payee: "110000-FINES".into(),
            reference: reference.into(),
            issued_at: 1_795_392_000,
            expires_at: 1_795_392_000 + 14_400,
            description: Some("京A12345 闯红灯".into()),
        }
    }

    /// Replaces one object's value and recomputes the CRC, as a forger would.
    fn edit(text: &str, from: &str, to: &str) -> String {
        let body = text[..text.len() - 8].replacen(from, to, 1);
        crate::emv::seal(&body)
    }

    #[test]
    fn round_trip_and_tampering() {
        let k = test_key();
        let (signed, text) =
            sign_emv(&code(Kind::Fine, "BJ2611230001"), &k.signing_key, &config()).unwrap();
        assert!(text.starts_with("00020101021252049222"));
        assert!(text.contains("53031565406200.00"));
        let c = extract(&text).unwrap();
        assert_eq!(c.signed, signed);
        assert_eq!(c.disagreement, None);
        let vk = k.signing_key.verifying_key();
        assert!(verify_signature(&c.signed, &c.digest, &vk));
        // The PQ1 signature is a different message: not interchangeable.
        assert!(!signed.verify_signature(&vk));

        let amount = extract(&edit(&text, "5406200.00", "5406900.00")).unwrap();
        assert!(verify_signature(&amount.signed, &amount.digest, &vk));
        assert!(
            amount
                .disagreement
                .unwrap()
                .to_string()
                .contains("54 Transaction Amount is 900.00")
        );

        let reference = extract(&edit(&text, "BJ2611230001", "BJ2611230009")).unwrap();
        assert!(
            reference
                .disagreement
                .unwrap()
                .to_string()
                .contains("62-05 is \"BJ2611230009\"")
        );

        let currency = extract(&edit(&text, "5303156", "5303840")).unwrap();
        assert!(
            currency
                .disagreement
                .unwrap()
                .to_string()
                .contains("53 Transaction Currency is 840")
        );

        // The account wallets pay into is bound by the signature.
        let account = extract(&edit(&text, "110000-FINES", "666666-THIEF")).unwrap();
        assert_eq!(account.disagreement, None);
        assert!(!verify_signature(&account.signed, &account.digest, &vk));

        let bad_crc = format!("{}0000", &text[..text.len() - 4]);
        assert!(matches!(
            extract(&bad_crc),
            Err(ProfileError::Emv(EmvError::Crc { .. }))
        ));
    }

    #[test]
    fn bills_use_the_bill_number_and_refs_must_fit_emv() {
        let k = test_key();
        let (_, text) =
            sign_emv(&code(Kind::Bill, "W-0100234567"), &k.signing_key, &config()).unwrap();
        assert!(text.contains("62160112W-0100234567"));
        let err = sign_emv(&code(Kind::Fine, "京A12345"), &k.signing_key, &config())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("reference: EMV 62-05 Reference Label: character '京'"));
        let long = "X".repeat(26);
        let err = sign_emv(&code(Kind::Fine, &long), &k.signing_key, &config()).unwrap_err();
        assert!(err.to_string().contains("26 characters, at most 25"));
    }

    #[test]
    fn missing_or_shuffled_parts_are_refused() {
        let k = test_key();
        let (_, text) =
            sign_emv(&code(Kind::Fine, "BJ2611230001"), &k.signing_key, &config()).unwrap();
        let p = tlv::parse(&text).unwrap();
        let without = |drop: u8| {
            let body: String = p
                .objects
                .iter()
                .filter(|o| o.id != drop && o.id != 63)
                .map(Object::tlv)
                .collect();
            crate::emv::seal(&body)
        };
        assert!(matches!(extract(&without(81)), Err(ProfileError::Parts(_))));
        let last = p.objects.iter().filter(|o| is_payqr(o)).count() as u8 + 79;
        assert!(extract(&without(last)).is_err());
        let plain = crate::emv::seal("0002015802CN5303156");
        assert!(matches!(extract(&plain), Err(ProfileError::Unsigned)));
    }
}
