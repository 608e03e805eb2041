//! Issue 16, "typed flags": `--tz`, `--skew`, `--currency`, `--format` and
//! `--fail-on` are parsed once, by clap, when the command line is read. A
//! bad value is a usage error (exit 2, clap's "invalid value" naming the
//! flag) before any file is opened; `--fail-on` takes status names in any
//! case, as `reconcile::Status::from_str` does (it re-implemented the
//! match, case-sensitively: `--fail-on MATCHED` was refused).

mod common;
use common::*;

const MAP: &str = "code_id=out_trade_no,amount=total_fee,currency=fee_type,paid_at=time_end,txn_id=transaction_id";
const NEXT_MORNING: &str = "2026-11-24T09:00:00+08:00";

fn issue_fixture_fines(d: &std::path::Path) {
    let fines = fixtures().join("fines.csv");
    payqr(
        d,
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--from",
            fines.to_str().unwrap(),
            "--out-dir",
            "out",
            "--ledger",
            "ledger.jsonl",
            "--kind",
            "fine",
            "--currency",
            "cny",
            "--payee",
            "BJ-FINES",
            "--now",
            ISSUED,
        ],
    )
    .expect(0);
}

fn reconcile(d: &std::path::Path, fail_on: &str) -> Run {
    let settlement = fixtures().join("settlement.csv");
    payqr(
        d,
        &[
            "reconcile",
            "--ledger",
            "ledger.jsonl",
            "--settlement",
            settlement.to_str().unwrap(),
            "--map",
            MAP,
            "--at",
            NEXT_MORNING,
            "--tz",
            "+08:00",
            "--fail-on",
            fail_on,
        ],
    )
}

#[test]
fn fail_on_takes_status_names_in_any_case() {
    let d = setup();
    issue_fixture_fines(d.path());
    // The fixture settlement has matched rows and unknown ones.
    reconcile(d.path(), "MATCHED").expect(1);
    reconcile(d.path(), "Unknown,matched").expect(1);
    reconcile(d.path(), "REDEEMED_ELSEWHERE").expect(0);
    let r = reconcile(d.path(), "matchd").expect(2);
    assert!(r.stderr.contains("unknown status"), "{}", r.stderr);
    assert!(r.stderr.contains("--fail-on"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn a_bad_value_fails_at_parse_before_any_file_is_touched() {
    let d = tempfile::tempdir().unwrap();
    // No key, no trust list, no ledger exist: a flag checked inside the
    // command would report those first, or create the ledger.
    let cases: [&[&str]; 5] = [
        &[
            "issue", "--key", "none.key", "--amount", "1", "--ref", "A", "--tz", "+25:00",
        ],
        &[
            "issue",
            "--key",
            "none.key",
            "--amount",
            "1",
            "--ref",
            "A",
            "--currency",
            "XYZ",
        ],
        &[
            "issue",
            "--key",
            "none.key",
            "--from",
            "x.csv",
            "--out-dir",
            "o",
            "--format",
            "png,jpg",
        ],
        &[
            "redeem",
            "--trust",
            "none.json",
            "--ledger",
            "l.jsonl",
            "--tz",
            "8",
            "--text",
            "x",
        ],
        &[
            "verify",
            "--trust",
            "none.json",
            "--skew",
            "2h",
            "--text",
            "x",
        ],
    ];
    for args in cases {
        let r = payqr(d.path(), args).expect(2);
        assert!(r.stderr.contains("invalid value"), "{args:?}: {}", r.stderr);
        assert!(
            !r.stderr.contains("none."),
            "{args:?} opened a file: {}",
            r.stderr
        );
        assert!(
            !d.path().join("l.jsonl").exists(),
            "{args:?} created the ledger"
        );
    }
    let r = payqr(d.path(), cases[2]);
    assert!(r.stderr.contains("unknown format \"jpg\""), "{}", r.stderr);
    let r = payqr(d.path(), cases[4]);
    assert!(
        r.stderr.contains("more than the limit of 1h"),
        "{}",
        r.stderr
    );
}
