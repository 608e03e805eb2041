//! Issue 17, the clerk: keys in a new folder, the .pub given as --key,
//! batch --kind defaulting like single issuance, every bad row of a CSV
//! in one run with a hint at decimal commas, one amount grammar.

mod common;
use common::*;

#[test]
fn keygen_creates_the_missing_key_folder_owner_only() {
    let d = tempfile::tempdir().unwrap();
    let r = keygen(d.path(), "bj-traffic", "BJ", "keys/bj-2026", &[]).expect(0);
    assert!(d.path().join("keys/bj-2026.key").is_file(), "{}", r.stderr);
    assert!(d.path().join("keys/bj-2026.pub").is_file());
    // Mode bits are Unix's (Windows: the key file's own access list, tests/windows_key_acl.rs).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.path().join("keys"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
}

#[test]
fn a_public_key_given_as_key_is_named_a_public_key() {
    let d = setup();
    let r = payqr(d.path(), &quick_issue("test-issuer.pub", &[])).expect(2);
    assert!(r.stderr.contains("is a public key"), "{}", r.stderr);
    assert!(r.stderr.contains("test-issuer.key"), "{}", r.stderr);
    assert!(!r.stderr.contains("chmod"), "{}", r.stderr);
}

fn batch(dir: &std::path::Path, csv: &str, extra: &[&str]) -> Run {
    std::fs::write(dir.join("b.csv"), csv).unwrap();
    let mut args = issue_batch_args("b.csv", &["--expires-in", "4h", "--now", ISSUED]);
    args.extend_from_slice(extra);
    payqr(dir, &args)
}

#[test]
fn batch_kind_defaults_to_fine_like_single_issuance() {
    let d = setup();
    batch(
        d.path(),
        "reference,amount\nA1,200.00\n",
        &["--manifest", "m.csv"],
    )
    .expect(0);
    let m = std::fs::read_to_string(d.path().join("m.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(m.as_bytes());
    let head = rdr.headers().unwrap().clone();
    let k = head.iter().position(|h| h == "kind").expect("kind column");
    let row = rdr.records().next().unwrap().unwrap();
    assert_eq!(&row[k], "fine");
}

#[test]
fn every_bad_row_in_one_run_with_a_decimal_comma_hint() {
    let d = setup();
    let r = batch(
        d.path(),
        "reference,amount\nA1,200,00\nA2,100.00\nA3,\"1,000\"\nA4,abc\nA5,7,5\n",
        &["--dry-run"],
    )
    .expect(2);
    // Line 2 no longer stops the check: lines 4, 5 and 6 are reported too.
    for l in ["b.csv:2:", "b.csv:4:", "b.csv:5:", "b.csv:6:"] {
        assert!(r.stderr.contains(l), "{l} missing:\n{}", r.stderr);
    }
    assert!(!r.stderr.contains("b.csv:3:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("decimal comma; write 200.00"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("decimal comma; write 7.5"),
        "{}",
        r.stderr
    );
    assert!(!d.path().join("out").exists());
}

#[test]
fn one_amount_grammar_for_issuance_no_comma() {
    let d = setup();
    let single = |amount: &str| {
        payqr(
            d.path(),
            &[
                "issue",
                "--key",
                "test-issuer.key",
                "--amount",
                amount,
                "--currency",
                "CNY",
                "--payee",
                "P",
                "--ref",
                "R",
                "--expires-in",
                "1h",
            ],
        )
    };
    // Thousands separators were accepted while 200,00 was refused.
    let r = single("1,000").expect(2);
    assert!(r.stderr.contains("write 1000"), "{}", r.stderr);
    let r = single("200,00").expect(2);
    assert!(r.stderr.contains("write 200.00"), "{}", r.stderr);
    single("1000.00").expect(0);
    // The same grammar in a batch cell.
    let r = batch(
        d.path(),
        "reference,amount\nB1,\"2,500.00\"\n",
        &["--dry-run"],
    )
    .expect(2);
    assert!(r.stderr.contains("write 2500.00"), "{}", r.stderr);
}

#[test]
fn a_single_code_missing_a_flag_names_the_flag_not_an_empty_cell() {
    let d = setup();
    for (flag, named) in [
        ("--expires-in", "--expires-in/--expires-at"),
        ("--payee", "--payee"),
    ] {
        // The single code's arguments without `flag` and its value.
        let mut args = single_args("京A1", ISSUED, &["--svg", "one.svg"]);
        let at = args.iter().position(|a| *a == flag).unwrap();
        args.drain(at..at + 2);
        let r = payqr(d.path(), &args).expect(2);
        assert!(
            r.stderr
                .contains(&format!("error: {named} is required for a single code")),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("empty"), "{}", r.stderr);
        assert!(!d.path().join("one.svg").exists());
    }
}
