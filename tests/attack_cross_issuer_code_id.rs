//! Issue 13, route 4: code ids are unique per issuer only (FORMAT.md), so
//! one trusted issuer's code must not burn another issuer's code that
//! happens to share its code id. Every ledger lookup is keyed by (issuer,
//! code id): full loads, the index, `redeem -` batches, and reconcile,
//! where a settlement row naming a shared code id gets its own status.

mod common;
use common::*;

use std::path::Path;

use payqr::code::currency::Currency;
use payqr::code::{Code, CodeId, Kind};
use payqr::trust::keys::IssuerKey;

/// 2026-11-23T00:00:00Z, common::ISSUED.
const T0: u64 = 1_795_392_000;

/// A fine of `key`'s issuer with the given code id, as its payload text.
fn code(key: &IssuerKey, id: CodeId, reference: &str) -> String {
    Code {
        issuer: key.issuer.clone(),
        key_id: key.key_id,
        code_id: id,
        kind: Kind::Fine,
        amount: 20000,
        currency: Currency::from_code("CNY").unwrap(),
        payee: "FINES".into(),
        reference: reference.into(),
        issued_at: T0,
        expires_at: T0 + 4 * 3600,
        description: None,
    }
    .sign(&key.signing_key)
    .unwrap()
    .to_text()
}

/// Two trusted issuers (the test key's bj-traffic and a new sh-water).
fn two_issuers(d: &Path) -> (IssuerKey, IssuerKey) {
    keygen(d, "sh-water", "Water", "sh", &[]).expect(0);
    payqr(d, &["trust", "add", "sh.pub", "--trust", "trust.json"]).expect(0);
    let bj = IssuerKey::load(&d.join("test-issuer.key")).unwrap();
    let sh = IssuerKey::load(&d.join("sh.key")).unwrap();
    assert_ne!(bj.issuer, sh.issuer);
    (bj, sh)
}

fn redeem(d: &Path, ledger: &str, payloads: &[&str], index: bool) -> Run {
    let mut cmd = common::command();
    cmd.current_dir(d).args([
        "redeem",
        "--trust",
        "trust.json",
        "--at",
        DURING,
        "--ledger",
        ledger,
        "--txn",
        "T",
        "--json",
        "-",
    ]);
    if index {
        // An index for any ledger, folded on every command (debug builds).
        cmd.env("PAYQR_TEST_INDEX", "1,0");
    }
    run_cmd(cmd, &(payloads.join("\n") + "\n"))
}

fn statuses(r: &Run) -> Vec<String> {
    r.stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["status"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn one_issuers_code_does_not_burn_anothers_with_the_same_code_id() {
    for index in [false, true] {
        for ledger in ["l.jsonl", "l.csv"] {
            let d = setup();
            let p = d.path();
            let (bj, sh) = two_issuers(p);
            let id = CodeId([0x42; 8]);
            let a = code(&bj, id, "BJ-1");
            let b = code(&sh, id, "SH-1");
            // Filler codes, so the index has entries around the shared id.
            let fill: Vec<String> = (1..=5u8)
                .map(|i| code(&bj, CodeId([i; 8]), &format!("BJ-F{i}")))
                .collect();
            let fill: Vec<&str> = fill.iter().map(String::as_str).collect();
            redeem(p, ledger, &fill, index).expect(0);

            redeem(p, ledger, &[&a], index).expect(0);
            // The other issuer's code with the same id is its own code.
            let r = redeem(p, ledger, &[&b], index).expect(0);
            assert_eq!(statuses(&r), ["valid"], "{}", r.stdout);
            // Each is paid once.
            for c in [&a, &b] {
                let r = redeem(p, ledger, &[c], index).expect(1);
                assert_eq!(statuses(&r), ["already_redeemed"], "{}", r.stdout);
            }
            let r = payqr(
                p,
                &[
                    "verify",
                    "--trust",
                    "trust.json",
                    "--at",
                    DURING,
                    "--ledger",
                    ledger,
                    "--text",
                    &b,
                ],
            )
            .expect(1);
            assert!(r.stdout.contains("redeemed"), "{}", r.stdout);
            let r = payqr(p, &["ledger", "check", "--ledger", ledger]).expect(0);
            assert!(r.stdout.contains("7 redeemed"), "{}", r.stdout);
        }
    }
}

#[test]
fn both_in_one_batch_are_both_redeemed() {
    let d = setup();
    let p = d.path();
    let (bj, sh) = two_issuers(p);
    let id = CodeId([0x17; 8]);
    let (a, b) = (code(&bj, id, "BJ-2"), code(&sh, id, "SH-2"));
    let r = redeem(p, "l.jsonl", &[&a, &b, &a], true).expect(1);
    assert_eq!(
        statuses(&r),
        ["valid", "valid", "already_redeemed"],
        "{}",
        r.stdout
    );
}

#[test]
fn reconcile_calls_a_code_id_of_two_issuers_ambiguous() {
    let d = setup();
    let p = d.path();
    let (bj, sh) = two_issuers(p);
    // Issue both codes into the ledger: a batch for each issuer, then the
    // shared id written in by hand would break the chain, so instead the
    // two codes are issued through the library's ledger API.
    let id = CodeId([0x99; 8]);
    let lg = payqr::ledger::Ledger::new(&p.join("l.jsonl"));
    let lock = lg.lock().unwrap();
    let mut st = lg.load(&lock).unwrap();
    let recs = [(&bj, "BJ-3"), (&sh, "SH-3")]
        .iter()
        .map(|(k, r)| {
            let signed = payqr::code::SignedCode::parse_text(&code(k, id, r)).unwrap();
            payqr::ledger::Record::issued(&signed, T0)
        })
        .collect();
    lg.append(&lock, &mut st, recs).unwrap();
    drop(lock);
    std::fs::write(
        p.join("s.csv"),
        format!(
            "code_id,amount,currency,paid_at,txn_id\n{id},200.00,CNY,2026-11-23T09:00:00+08:00,TX\n"
        ),
    )
    .unwrap();
    let r = payqr(
        p,
        &[
            "reconcile",
            "--ledger",
            "l.jsonl",
            "--settlement",
            "s.csv",
            "--at",
            DURING,
            "--report",
            "r.jsonl",
            "--apply",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = std::fs::read_to_string(p.join("r.jsonl")).unwrap();
    let row: serde_json::Value = report
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["source"] == "settlement")
        .unwrap();
    assert_eq!(row["status"], "ambiguous", "{row}");
    assert!(row["note"].as_str().unwrap().contains("2 issuers"), "{row}");
    // Nothing was applied to either code.
    let r = payqr(p, &["ledger", "check", "--ledger", "l.jsonl"]).expect(0);
    assert!(r.stdout.contains("0 redeemed"), "{}", r.stdout);
}
