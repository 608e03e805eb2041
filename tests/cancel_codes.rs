//! Issue 15, cancelled codes: `payqr cancel` appends signed cancellations
//! to the ledger; verify and redeem answer `cancelled` (exit 1) from the
//! ledger (read in full or through its index) or, without one, from a
//! trust bundle; reconcile never matches a payment to a cancelled code.
//! A paid code is not cancelled; a second cancellation is refused;
//! `--all-before` cancels every code of a key issued before a time.

mod common;
use common::*;

use std::path::Path;

/// One fine issued at `now`, recorded in `ledger` when given.
fn issue_at(d: &Path, reference: &str, now: &str, ledger: Option<&str>) -> String {
    match ledger {
        Some(l) => issue_one_at(d, reference, now, &["--ledger", l]),
        None => issue_one_at(d, reference, now, &[]),
    }
}

fn verify(d: &Path, trust: &str, ledger: Option<&str>, payload: &str) -> Run {
    let mut args = vec![
        "verify", "--trust", trust, "--at", DURING, "--json", "--text", payload,
    ];
    if let Some(l) = ledger {
        args.extend(["--ledger", l]);
    }
    payqr(d, &args)
}

fn cancel(d: &Path, ledger: &str, extra: &[&str]) -> Run {
    payqr(d, &cancel_args(ledger, "issued by mistake", extra))
}

fn status(r: &Run) -> String {
    json(r)["status"].as_str().unwrap().to_string()
}

fn reconcile(d: &Path, ledger: &str, rows: &[(&str, &str)]) -> Run {
    let mut csv = String::from("code_id,amount,currency,paid_at,txn_id\n");
    for (i, (id, amount)) in rows.iter().enumerate() {
        csv.push_str(&format!("{id},{amount},CNY,2026-11-23T01:30:00Z,T{i}\n"));
    }
    std::fs::write(d.join("pay.csv"), csv).unwrap();
    payqr(
        d,
        &[
            "reconcile",
            "--ledger",
            ledger,
            "--settlement",
            "pay.csv",
            "--map",
            "code_id=code_id,amount=amount,currency=currency,paid_at=paid_at,txn_id=txn_id",
            "--report",
            "report.jsonl",
            "--at",
            DURING,
        ],
    )
}

fn report_status(d: &Path, id: &str) -> String {
    let text = std::fs::read_to_string(d.join("report.jsonl")).unwrap();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["code_id"] == id {
            return v["status"].as_str().unwrap().to_string();
        }
    }
    panic!("{id} not in report:\n{text}");
}

fn one_ledger(ledger: &str, index: bool) {
    let t = setup();
    let d = t.path();
    let run = |args: &[&str]| {
        let mut cmd = common::command();
        cmd.current_dir(d).args(args);
        if index {
            // Debug builds: keep an index from 2 records, fold every record.
            cmd.env("PAYQR_TEST_INDEX", "2,1");
        }
        run_cmd(cmd, "")
    };
    let codes: Vec<String> = (0..4)
        .map(|i| issue_one(d, &format!("R{i}"), &["--ledger", ledger]))
        .collect();
    let ids: Vec<String> = codes.iter().map(|c| code_id_of(d, c)).collect();
    let c = &codes[0];

    // Cancel code 0; the ledger grows by one line.
    let lines = |d: &Path| {
        std::fs::read_to_string(d.join(ledger))
            .unwrap()
            .lines()
            .count()
    };
    let before = lines(d);
    let r = run(&cancel_args(ledger, "issued by mistake", &[&ids[0]])).expect(0);
    assert!(r.stdout.contains(&ids[0]), "{}", r.stdout);
    assert_eq!(lines(d), before + 1);
    assert_eq!(d.join(format!("{ledger}.idx")).exists(), index);
    payqr(d, &["ledger", "check", "--ledger", ledger]).expect(0);

    // verify and redeem: cancelled, exit 1, with the reason; no redemption.
    let v = run(&[
        "verify",
        "--trust",
        "trust.json",
        "--ledger",
        ledger,
        "--at",
        DURING,
        "--json",
        "--text",
        c,
    ])
    .expect(1);
    assert_eq!(status(&v), "cancelled");
    assert!(
        json(&v)["reason"]
            .as_str()
            .unwrap()
            .contains("issued by mistake")
    );
    let r = run(&[
        "redeem",
        "--trust",
        "trust.json",
        "--ledger",
        ledger,
        "--at",
        DURING,
        "--text",
        c,
    ])
    .expect(1);
    assert!(r.stdout.contains("REFUSED: cancelled"), "{}", r.stdout);
    let r = payqr_stdin(
        d,
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--ledger",
            ledger,
            "--at",
            DURING,
            "-",
        ],
        &format!("{}\n{}\n", codes[1], c),
    )
    .expect(1);
    assert!(r.stdout.contains("REDEEMED") && r.stdout.contains("REFUSED: cancelled"));
    let text = std::fs::read_to_string(d.join(ledger)).unwrap();
    assert_eq!(text.matches("redeemed").count(), 1, "{text}");

    // Twice, unknown, or already paid: refused, nothing written.
    for (extra, want) in [
        (ids[0].as_str(), "already cancelled"),
        ("0123456789abcdef", "never issued"),
        (ids[1].as_str(), "already redeemed"),
    ] {
        let before = std::fs::read(d.join(ledger)).unwrap();
        let r = cancel(d, ledger, &[ids[2].as_str(), extra]).expect(2);
        assert!(r.stderr.contains(want), "{want}: {}", r.stderr);
        assert_eq!(std::fs::read(d.join(ledger)).unwrap(), before);
    }

    // reconcile: a payment to the cancelled code is never matched.
    let r = reconcile(d, ledger, &[(&ids[0], "200.00"), (&ids[2], "200.00")]).expect(1);
    assert!(r.stdout.contains("cancelled"), "{}", r.stdout);
    assert_eq!(report_status(d, &ids[0]), "cancelled");
    assert_eq!(report_status(d, &ids[2]), "matched");

    // Into a bundle, and from it (no ledger) at a merchant's.
    payqr(d, &["anchor", "keygen", "--out", "a"]).expect(0);
    payqr(
        d,
        &[
            "trust",
            "bundle",
            "--anchor",
            "a.key",
            "--trust",
            "trust.json",
            "--ledger",
            ledger,
            "--out",
            "b.pqt",
        ],
    )
    .expect(0);
    payqr(
        d,
        &[
            "trust",
            "update",
            "b.pqt",
            "--anchor",
            "a.pub",
            "--trust",
            "local.json",
        ],
    )
    .expect(0);
    let v = verify(d, "local.json", None, c).expect(1);
    assert_eq!(status(&v), "cancelled");
    assert_eq!(
        status(&verify(d, "local.json", None, &codes[2]).expect(0)),
        "valid"
    );
    // A redeem at a merchant with its own ledger refuses it too.
    let r = payqr(
        d,
        &[
            "redeem",
            "--trust",
            "local.json",
            "--ledger",
            "shop.jsonl",
            "--at",
            DURING,
            "--text",
            c,
        ],
    )
    .expect(1);
    assert!(r.stdout.contains("REFUSED: cancelled"), "{}", r.stdout);
}

#[test]
fn cancelled_code_refused_by_verify_redeem_reconcile_jsonl() {
    one_ledger("ledger.jsonl", false);
}

#[test]
fn cancelled_code_refused_by_verify_redeem_reconcile_csv() {
    one_ledger("ledger.csv", false);
}

#[test]
fn cancelled_code_refused_through_the_index() {
    one_ledger("ledger.jsonl", true);
}

#[test]
fn all_before_cancels_every_older_code_of_the_key() {
    let t = setup();
    let d = t.path();
    let old = issue_one(d, "OLD", &["--ledger", "l.jsonl"]);
    let new = issue_at(d, "NEW", "2026-11-23T08:30:00+08:00", Some("l.jsonl"));
    let (old_id, new_id) = (code_id_of(d, &old), code_id_of(d, &new));
    cancel(d, "l.jsonl", &["--all-before", "2026-11-23T08:15:00+08:00"]).expect(0);
    // A second all-before of the same key is refused.
    cancel(d, "l.jsonl", &["--all-before", "2026-11-23T08:20:00+08:00"]).expect(2);
    let v = verify(d, "trust.json", Some("l.jsonl"), &old).expect(1);
    assert_eq!(status(&v), "cancelled");
    assert!(
        json(&v)["reason"]
            .as_str()
            .unwrap()
            .contains("issued before")
    );
    assert_eq!(
        status(&verify(d, "trust.json", Some("l.jsonl"), &new).expect(0)),
        "valid"
    );
    // It covers codes this ledger never saw: a code signed with the key
    // and backdated elsewhere.
    let stray = issue_at(d, "STRAY", "2026-11-23T08:10:00+08:00", None);
    assert_eq!(
        status(&verify(d, "trust.json", Some("l.jsonl"), &stray).expect(1)),
        "cancelled"
    );
    payqr(
        d,
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--ledger",
            "l.jsonl",
            "--at",
            DURING,
            "--text",
            &old,
        ],
    )
    .expect(1);
    let r = reconcile(d, "l.jsonl", &[(&old_id, "200.00"), (&new_id, "200.00")]).expect(1);
    assert!(r.stdout.contains("cancelled"));
    assert_eq!(report_status(d, &old_id), "cancelled");
    assert_eq!(report_status(d, &new_id), "matched");
    // Exported as JSON lines, bundled from that file (not the ledger).
    std::fs::remove_file(d.join("l.jsonl")).unwrap();
    let r = cancel(
        d,
        "l2.jsonl",
        &["--all-before", "2026-11-23T08:15:00+08:00", "--json"],
    )
    .expect(0);
    std::fs::write(d.join("c.jsonl"), &r.stdout).unwrap();
    payqr(d, &["anchor", "keygen", "--out", "a"]).expect(0);
    payqr(
        d,
        &[
            "trust",
            "bundle",
            "--anchor",
            "a.key",
            "--trust",
            "trust.json",
            "--cancellations",
            "c.jsonl",
            "--out",
            "b.pqt",
        ],
    )
    .expect(0);
    payqr(
        d,
        &[
            "trust",
            "update",
            "b.pqt",
            "--anchor",
            "a.pub",
            "--trust",
            "local.json",
        ],
    )
    .expect(0);
    assert_eq!(
        status(&verify(d, "local.json", None, &old).expect(1)),
        "cancelled"
    );
    assert_eq!(
        status(&verify(d, "local.json", None, &new).expect(0)),
        "valid"
    );
}

#[test]
fn a_forged_or_altered_cancellation_is_not_bundled() {
    let t = setup();
    let d = t.path();
    let code = issue_one(d, "R", &["--ledger", "l.jsonl"]);
    let id = code_id_of(d, &code);
    let r = cancel(d, "l.jsonl", &[&id, "--json"]).expect(0);
    payqr(d, &["anchor", "keygen", "--out", "a"]).expect(0);
    let altered = r.stdout.replace("issued by mistake", "issued by mistakf");
    std::fs::write(d.join("c.jsonl"), altered).unwrap();
    let b = payqr(
        d,
        &[
            "trust",
            "bundle",
            "--anchor",
            "a.key",
            "--trust",
            "trust.json",
            "--cancellations",
            "c.jsonl",
            "--out",
            "b.pqt",
        ],
    )
    .expect(2);
    assert!(
        b.stderr.contains("c.jsonl:1") && b.stderr.contains("signature"),
        "{}",
        b.stderr
    );
    assert!(!d.join("b.pqt").exists());
    // An edited reason in the ledger (checksum recomputed or not) is
    // caught too: by the checksum, or by the signature.
    let text = std::fs::read_to_string(d.join("l.jsonl")).unwrap();
    std::fs::write(
        d.join("l.jsonl"),
        text.replace("issued by mistake", "issued by mistakf"),
    )
    .unwrap();
    payqr(
        d,
        &[
            "trust",
            "bundle",
            "--anchor",
            "a.key",
            "--trust",
            "trust.json",
            "--ledger",
            "l.jsonl",
            "--out",
            "b.pqt",
        ],
    )
    .expect(2);
    assert!(!d.join("b.pqt").exists());
}
