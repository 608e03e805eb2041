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

/// The ledger's errors: why a line or an append is refused is a type
/// ([`Reason`]) carrying the codes and numbers it names; the text is what
/// the CLI printed when these were strings (tests/ledger_tamper.rs,
/// tests/verify_redeem.rs and others assert it).
mod ledger {
    use payqr::code::{CodeId, ParseIdError};
    use payqr::ledger::{
        ConflictError, Event, Ledger, LedgerError, LineError, Reason, Record, RecordError,
        StateError,
    };

    fn id(n: u8) -> CodeId {
        CodeId([n; 8])
    }

    fn redeemed(n: u8) -> Record {
        Record::redeemed("bj-traffic", id(n), 1_795_000_000, None, "counter", None)
    }

    /// A ledger holding the redemptions of codes 1 and 2; its lines.
    fn ledger(d: &std::path::Path) -> (Ledger, Vec<String>) {
        let l = Ledger::new(&d.join("l.jsonl"));
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        l.append(&lock, &mut st, vec![redeemed(1), redeemed(2)])
            .unwrap();
        let text = std::fs::read_to_string(l.path()).unwrap();
        (l, text.lines().map(String::from).collect())
    }

    /// Writes `lines`, the last one edited by `edit` with its checksum
    /// recomputed (the forger's edit a checksum alone does not catch),
    /// and loads the ledger.
    /// The line and reason of a refused line.
    fn line(e: &LedgerError) -> (u64, &Reason) {
        match e {
            LedgerError::Line { line, reason, .. } => (*line, reason),
            other => panic!("{other:?}"),
        }
    }

    /// The reason of a refused append.
    fn conflict(e: &LedgerError) -> &Reason {
        match e {
            LedgerError::Conflict { reason, .. } => reason,
            other => panic!("{other:?}"),
        }
    }

    fn load_edited(l: &Ledger, lines: &[String], edit: impl Fn(&str) -> String) -> LedgerError {
        let last = edit(lines.last().unwrap());
        let body = &last[..last.len() - 18];
        let last = format!(
            r#"{body},"crc":"{:08x}"}}"#,
            crc32fast::hash(body.as_bytes())
        );
        let mut all = lines[..lines.len() - 1].to_vec();
        all.push(last);
        std::fs::write(l.path(), all.join("\n") + "\n").unwrap();
        // The checkpoint remembers the old last line: not evidence here.
        let _ = std::fs::remove_file(l.checkpoint_path());
        let lock = l.lock().unwrap();
        l.load(&lock).unwrap_err()
    }

    #[test]
    fn appends_refused_name_the_conflict() {
        let d = tempfile::tempdir().unwrap();
        let (l, _) = ledger(d.path());
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let e = l.append(&lock, &mut st, vec![redeemed(1)]).unwrap_err();
        assert_eq!(
            *conflict(&e),
            Reason::Conflict(ConflictError::AlreadyRedeemed(id(1)))
        );
        assert!(
            e.to_string()
                .ends_with(": code 0101010101010101 is already redeemed"),
            "{e}"
        );
        // A cancellation without its reason: the record's own fields.
        let mut r = Record::new(
            Event::Cancelled,
            "2026-11-23T00:00:00Z".into(),
            "bj-traffic".into(),
            id(2).to_string(),
        );
        r.key_id = Some("555a6599".into());
        let e = l.append(&lock, &mut st, vec![r]).unwrap_err();
        assert_eq!(
            *conflict(&e),
            Reason::Conflict(ConflictError::Record(RecordError::NoReason))
        );
        assert!(
            e.to_string().ends_with(": txn: missing (the reason)"),
            "{e}"
        );
    }

    #[test]
    fn lines_refused_name_line_field_and_values() {
        let d = tempfile::tempdir().unwrap();
        let (l, lines) = ledger(d.path());
        let (one, two) = (id(1).to_string(), id(2).to_string());

        // Damaged: the checksum.
        std::fs::write(
            l.path(),
            lines.join("\n").replacen("counter", "c0unter", 1) + "\n",
        )
        .unwrap();
        let lock = l.lock().unwrap();
        let e = l.load(&lock).unwrap_err();
        assert_eq!(line(&e), (1, &Reason::Line(LineError::Checksum)));
        drop(lock);

        // Code 2's redemption made a second one of code 1.
        let e = load_edited(&l, &lines, |s| s.replace(&two, &one));
        let twice = StateError::RedeemedTwice {
            code: id(1),
            first_seq: 1,
        };
        assert_eq!(line(&e), (2, &Reason::State(twice)));
        assert!(
            e.to_string()
                .ends_with(":2: code 0101010101010101 redeemed twice (first at seq 1)"),
            "{e}"
        );

        // Out of order.
        let e = load_edited(&l, &lines, |s| s.replace(r#""seq":2"#, r#""seq":7"#));
        let seq = StateError::Seq {
            found: 7,
            expected: 2,
        };
        assert_eq!(line(&e), (2, &Reason::State(seq)));
        assert!(
            e.to_string()
                .ends_with(":2: seq 7 out of order (expected 2)")
        );

        // A field that is not what it must be.
        let e = load_edited(&l, &lines, |s| s.replace(&two, "xyz"));
        let bad = RecordError::Id {
            field: "code_id",
            source: ParseIdError {
                text: "xyz".into(),
                what: "code id",
                bytes: 8,
            },
        };
        assert_eq!(line(&e), (2, &Reason::Record(bad)));
        assert!(
            e.to_string()
                .ends_with(":2: code_id: \"xyz\" is not a code id (16 hex digits)"),
            "{e}"
        );
    }
}
