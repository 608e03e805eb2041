//! `payqr cancel` signs with the issuer's key, and keys are encrypted by
//! default (`keygen` without `--unencrypted`): cancel must unlock the key as
//! issue and release do (--passphrase-file, --passphrase-fd,
//! $PAYQR_PASSPHRASE_FILE), not refuse every encrypted key with "none can
//! be asked for here" — an issuer could otherwise cancel nothing with the
//! key it issues with.

mod common;
use common::*;

#[test]
fn cancel_unlocks_an_encrypted_key() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("pass"), "correct horse battery staple\n").unwrap();
    payqr(
        p,
        &[
            "keygen",
            "--issuer",
            "bj-traffic",
            "--name",
            "BJ",
            "--out",
            "k",
            "--passphrase-file",
            "pass",
        ],
    )
    .expect(0);
    payqr(
        p,
        &[
            "issue",
            "--key",
            "k.key",
            "--passphrase-file",
            "pass",
            "--amount",
            "200.00",
            "--currency",
            "CNY",
            "--payee",
            "110000-FINES",
            "--ref",
            "R1",
            "--expires-in",
            "4h",
            "--ledger",
            "l.jsonl",
        ],
    )
    .expect(0);
    let issued: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(p.join("l.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let code_id = issued["code_id"].as_str().unwrap().to_string();
    let r = payqr(
        p,
        &[
            "cancel",
            "--key",
            "k.key",
            "--passphrase-file",
            "pass",
            "--ledger",
            "l.jsonl",
            "--reason",
            "issued by mistake",
            &code_id,
        ],
    )
    .expect(0);
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
    let ledger = std::fs::read_to_string(p.join("l.jsonl")).unwrap();
    assert!(ledger.contains("\"event\":\"cancelled\""), "{ledger}");
    // A wrong passphrase is refused, and nothing more is recorded.
    std::fs::write(p.join("wrong"), "not the passphrase\n").unwrap();
    payqr(
        p,
        &[
            "cancel",
            "--key",
            "k.key",
            "--passphrase-file",
            "wrong",
            "--ledger",
            "l.jsonl",
            "--reason",
            "again",
            "--all-before",
            "2026-01-01T00:00:00Z",
        ],
    )
    .expect(2);
    assert_eq!(std::fs::read_to_string(p.join("l.jsonl")).unwrap(), ledger);
}
