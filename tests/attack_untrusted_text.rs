//! Untrusted text (issue 13, route 13): control, bidi and invisible
//! characters from image file names, settlement files, `--txn` and signed
//! fields never reach a terminal or a report raw, and are refused where
//! they would be signed or stored.

mod common;
use common::*;

/// Characters that must never come out raw: ESC (terminal escapes), RLO
/// (bidi override), ALM, LINE SEPARATOR, ZERO WIDTH SPACE, a TAG letter.
const UNSAFE: [char; 6] = [
    '\u{1b}',
    '\u{202e}',
    '\u{61c}',
    '\u{2028}',
    '\u{200b}',
    '\u{e0041}',
];

fn assert_clean(what: &str, text: &str) {
    for c in UNSAFE {
        assert!(
            !text.contains(c),
            "{what} holds raw U+{:04X}: {text:?}",
            c as u32
        );
    }
}

#[test]
fn image_file_name_is_escaped_on_the_error_path() {
    let d = setup();
    // Windows file names cannot hold control characters (ERROR_INVALID_NAME):
    // there the name carries the bidi override and a zero-width space.
    #[cfg(not(windows))]
    let (name, shown) = (
        "fine\u{1b}[2J\u{1b}[32mVALID\u{202e}.png",
        "fine\\x1b[2J\\x1b[32mVALID\\u{202e}.png: not an image",
    );
    #[cfg(windows)]
    let (name, shown) = (
        "fine\u{200b}VALID\u{202e}.png",
        "fine\\u{200b}VALID\\u{202e}.png: not an image",
    );
    std::fs::write(d.path().join(name), b"not an image at all").unwrap();
    let r = payqr(d.path(), &["verify", "--trust", "trust.json", name]).expect(2);
    assert_clean("stderr", &r.stderr);
    assert_clean("stdout", &r.stdout);
    assert!(r.stderr.contains(shown), "{}", r.stderr);
}

#[test]
fn settlement_text_is_escaped_in_csv_and_html_reports() {
    let d = setup();
    let text = issue_one(d.path(), "REF-1", &["--ledger", "ledger.jsonl"]);
    let code_id = json(&payqr(
        d.path(),
        &[
            "verify",
            "--trust",
            "trust.json",
            "--text",
            &text,
            "--json",
            "--at",
            DURING,
        ],
    ))["code_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let evil = "=cmd|' /C calc'!A0\u{1b}[2J\u{202e}\u{200b}";
    std::fs::write(
        d.path().join("s.csv"),
        format!(
            "code_id,amount,currency,paid_at,txn_id\n\
             {code_id},200.00,CNY,2026-11-23T09:15:00+08:00,\"{evil}\"\n\
             ffffffffffffffff,1.00,CNY,2026-11-23T09:16:00+08:00,\"x{evil}\"\n"
        ),
    )
    .unwrap();
    let r = payqr(
        d.path(),
        &[
            "reconcile",
            "--ledger",
            "ledger.jsonl",
            "--settlement",
            "s.csv",
            "--report",
            "r.csv",
            "--html",
            "r.html",
            "--at",
            DURING,
        ],
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert_clean("stdout", &r.stdout);
    assert_clean("stderr", &r.stderr);
    let csv = std::fs::read_to_string(d.path().join("r.csv")).unwrap();
    assert_clean("CSV report", &csv);
    // Escaped visibly, and still guarded against formula injection.
    assert!(
        csv.contains("'=cmd|' /C calc'!A0\\x1b[2J\\u{202e}\\u{200b}"),
        "{csv}"
    );
    let html = std::fs::read_to_string(d.path().join("r.html")).unwrap();
    assert_clean("HTML report", &html);
}

#[test]
fn txn_is_validated_before_anything_is_stored() {
    let d = setup();
    let text = issue_one(d.path(), "REF-2", &["--ledger", "ledger.jsonl"]);
    let before = std::fs::read(d.path().join("ledger.jsonl")).unwrap();
    let long = "T".repeat(65);
    for txn in [
        "POS\u{1b}[2J1",
        "POS-\u{202e}1",
        "POS\u{2028}1",
        "POS\u{200b}1",
        "",
        long.as_str(),
    ] {
        let r = payqr(
            d.path(),
            &[
                "redeem",
                "--trust",
                "trust.json",
                "--ledger",
                "ledger.jsonl",
                "--txn",
                txn,
                "--text",
                &text,
                "--at",
                DURING,
            ],
        )
        .expect(2);
        assert!(r.stderr.contains("--txn: "), "{}", r.stderr);
        assert_clean("stderr", &r.stderr);
        assert_eq!(
            std::fs::read(d.path().join("ledger.jsonl")).unwrap(),
            before,
            "--txn {txn:?} changed the ledger"
        );
    }
    // An ordinary receipt number, including non-ASCII text, is taken.
    payqr(
        d.path(),
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--ledger",
            "ledger.jsonl",
            "--txn",
            "收据-0001",
            "--text",
            &text,
            "--at",
            DURING,
        ],
    )
    .expect(0);
}

/// Descriptions of exactly four UTF-8 bytes, each holding a character a
/// screen does not show as itself.
const HIDDEN: [&str; 5] = [
    "ab\u{61c}",
    "a\u{2028}",
    "a\u{200b}",
    "\u{e0041}",
    "a\u{202e}",
];

#[test]
fn issue_refuses_hidden_characters_in_signed_fields() {
    let d = setup();
    for hidden in HIDDEN {
        for (flag, value) in [
            ("--description", format!("speeding {hidden} zone")),
            ("--payee", format!("BJ{hidden}FINES")),
        ] {
            let mut args = vec![
                "issue",
                "--key",
                "test-issuer.key",
                "--amount",
                "200.00",
                "--currency",
                "CNY",
                "--ref",
                "REF-3",
                "--expires-in",
                "4h",
                "--now",
                ISSUED,
            ];
            if flag != "--payee" {
                args.extend(["--payee", "110000-FINES"]);
            }
            args.extend([flag, value.as_str()]);
            let r = payqr(d.path(), &args).expect(2);
            assert!(
                r.stdout.is_empty(),
                "{flag} {hidden:?} issued: {}",
                r.stdout
            );
            assert_clean("stderr", &r.stderr);
        }
    }
    // A batch row: refused with FILE:LINE: field.
    std::fs::write(
        d.path().join("fines.csv"),
        "reference,amount,description\nA1,10.00,ok\nA2,10.00,red\u{200b}light\n",
    )
    .unwrap();
    let batch = fines_batch(
        "fines.csv",
        "out",
        &["--manifest", "m.csv", "--expires-in", "30d"],
    );
    let r = payqr(d.path(), &batch).expect(2);
    assert!(
        r.stderr
            .contains("fines.csv:3: description: invisible format character U+200B"),
        "{}",
        r.stderr
    );
    // A display name shown to verifiers: same rules.
    let r = keygen(d.path(), "evil", "Beijing\u{202e}", "evil", &[]).expect(2);
    assert!(r.stderr.contains("name"), "{}", r.stderr);
}

#[test]
fn verify_never_prints_hidden_characters_of_forged_codes() {
    let d = setup();
    let text = issue_one(d.path(), "REF-4", &["--description", "abcd"]);
    let bytes = payqr::code::base45::decode(text.strip_prefix("PQ1:").unwrap()).unwrap();
    let at = bytes
        .windows(4)
        .position(|w| w == b"abcd")
        .expect("description in the body");
    for hidden in HIDDEN {
        // Same length, so the code still parses; the signature no longer
        // matches (bad_signature), or the field is refused (malformed).
        let mut forged = bytes.clone();
        forged[at..at + 4].copy_from_slice(hidden.as_bytes());
        let forged = format!("PQ1:{}", payqr::code::base45::encode(&forged));
        for extra in [&[][..], &["--json"][..]] {
            let mut args = vec![
                "verify",
                "--trust",
                "trust.json",
                "--text",
                &forged,
                "--at",
                DURING,
            ];
            args.extend_from_slice(extra);
            let r = payqr(d.path(), &args).expect(1);
            assert_clean("verify output", &r.stdout);
            assert_clean("stderr", &r.stderr);
            assert!(r.stdout.contains("malformed"), "{hidden:?}: {}", r.stdout);
        }
    }
}
