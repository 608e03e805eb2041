//! Library errors are types a program can match on (issue 16), each
//! variant carrying the values its message names, while the message text
//! stays what the CLI printed before. On e4e5381 these operations
//! returned `Result<_, String>`: this file did not compile there.

use payqr::code::{CodeId, KeyId, Kind, ParseIdError, ParseKindError};
use payqr::emv::tlv::{self, EmvError, ValueError};
use payqr::input::encoding::{TextEncoding, UnknownEncoding};
use payqr::reconcile::Status;
use payqr::reconcile::UnknownStatus;
use payqr::reconcile::settlement::camt::{XsDecimalError, xs_decimal};
use payqr::reconcile::settlement::{Format, UnknownFormat};
use payqr::release::{self, VerifyError};
use payqr::sanitize::{TextError, check_text};
use payqr::trust::keys::IssuerKey;

#[test]
fn ids_and_kinds() {
    let e = "12345".parse::<CodeId>().unwrap_err();
    assert_eq!(
        e,
        ParseIdError {
            text: "12345".into(),
            what: "code id",
            bytes: 8
        }
    );
    assert_eq!(e.to_string(), "\"12345\" is not a code id (16 hex digits)");
    let e = "xyz".parse::<KeyId>().unwrap_err();
    assert_eq!(e.to_string(), "\"xyz\" is not a key id (8 hex digits)");
    // Display and FromStr are one definition for both ids: they round-trip.
    let id: CodeId = " 0123456789ABCDEF ".parse().unwrap();
    assert_eq!(id.to_string(), "0123456789abcdef");
    assert_eq!(id.to_string().parse::<CodeId>(), Ok(id));
    let k: KeyId = "555A6599".parse().unwrap();
    assert_eq!(k.to_string(), "555a6599");
    assert_eq!(
        " Parking ".parse::<Kind>(),
        Err(ParseKindError("parking".into()))
    );
    assert_eq!(
        ParseKindError("parking".into()).to_string(),
        "\"parking\" is not a kind (expected fine or bill)"
    );
}

#[test]
fn names_of_formats_statuses_encodings() {
    assert_eq!(Format::parse(" mt940 "), Err(UnknownFormat("mt940".into())));
    assert_eq!(
        UnknownFormat("mt940".into()).to_string(),
        "\"mt940\" is not a settlement format (one of: auto, generic, wechat, alipay, camt052, camt053, camt054)"
    );
    let e = "paid".parse::<Status>().unwrap_err();
    assert_eq!(e, UnknownStatus("paid".into()));
    assert!(
        e.to_string()
            .starts_with("\"paid\" is not a status (one of: matched, "),
        "{e}"
    );
    assert_eq!(
        TextEncoding::parse("latin1"),
        Err(UnknownEncoding("latin1".into()))
    );
}

#[test]
fn emv_values_name_the_field_problem() {
    assert_eq!(
        tlv::check_value(&[52], "92"),
        Err(ValueError::NotDigits {
            value: "92".into(),
            digits: 4
        })
    );
    assert_eq!(
        tlv::check_value(&[59], &"A".repeat(30)),
        Err(ValueError::TooLong { chars: 30, max: 25 })
    );
    let p = payqr::emv::seal("0002015930ABCDEFGHIJKLMNOPQRSTUVWXYZ0123");
    match tlv::parse(&p).unwrap_err() {
        e @ EmvError::Field {
            problem: ValueError::TooLong { chars: 30, max: 25 },
            ..
        } => assert_eq!(
            e.to_string(),
            "59 Merchant Name: 30 characters, at most 25 allowed"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn amounts_text_and_release_signatures() {
    assert_eq!(xs_decimal("-1"), Err(XsDecimalError::Negative("-1".into())));
    assert_eq!(
        check_text("abc", 2),
        Err(TextError::TooLong { len: 3, max: 2 })
    );
    assert_eq!(
        check_text("a\u{202e}", 64).unwrap_err().to_string(),
        "bidi control U+202E is not allowed"
    );
    let key = IssuerKey::generate("rel", "Release", 1_800_000_000).unwrap();
    let other = IssuerKey::generate("rel", "Release", 1_800_000_000).unwrap();
    let sig = release::sign(&key, b"SUMS").unwrap();
    assert_eq!(release::verify(&key.verifying_key(), b"SUMS", &sig), Ok(()));
    assert_eq!(
        release::verify(&key.verifying_key(), b"SUMS!", &sig),
        Err(VerifyError::Mismatch)
    );
    match release::verify(&other.verifying_key(), b"SUMS", &sig) {
        Err(e @ VerifyError::OtherKey { .. }) => {
            assert!(e.to_string().starts_with("signed by key "), "{e}")
        }
        r => panic!("{r:?}"),
    }
    assert_eq!(
        release::verify(&key.verifying_key(), b"SUMS", "x y\n"),
        Err(VerifyError::NotThreeWords)
    );
}
