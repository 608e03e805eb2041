//! reconcile through the binary: the fixture settlement yields every status.

mod common;
use common::*;

const MAP: &str = "code_id=out_trade_no,amount=total_fee,currency=fee_type,paid_at=time_end,txn_id=transaction_id";
const NEXT_MORNING: &str = "2026-11-24T09:00:00+08:00";

fn issue_fixture_fines(d: &std::path::Path) -> Vec<csv::StringRecord> {
    let fines = fixtures().join("fines.csv");
    let extra = ["--manifest", "m.csv", "--ledger", "ledger.jsonl"];
    payqr(d, &fines_batch(fines.to_str().unwrap(), "out", &extra)).expect(0);
    csv::Reader::from_path(d.join("m.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .collect()
}

fn reconcile(d: &std::path::Path, extra: &[&str]) -> Run {
    let settlement = fixtures().join("settlement.csv");
    let mut args = vec![
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
    ];
    args.extend_from_slice(extra);
    payqr(d, &args)
}

fn counts(summary: &serde_json::Value) -> std::collections::BTreeMap<String, u64> {
    let mut m = std::collections::BTreeMap::new();
    for t in summary["summary"]["totals"].as_array().unwrap() {
        *m.entry(t["status"].as_str().unwrap().to_string())
            .or_default() += t["count"].as_u64().unwrap();
    }
    m
}

#[test]
fn fixture_settlement_yields_every_status_and_apply_is_idempotent() {
    let d = setup();
    let manifest = issue_fixture_fines(d.path());
    // Fines 4 and 9 were paid at a counter before the settlement arrived.
    for n in ["BJ2611230004", "BJ2611230009"] {
        let rec = manifest.iter().find(|r| &r[1] == n).unwrap();
        payqr(
            d.path(),
            &judge_args(
                "redeem",
                &[
                    "--ledger",
                    "ledger.jsonl",
                    "--txn",
                    "POS-1",
                    "--text",
                    &rec[11],
                ],
            ),
        )
        .expect(0);
    }
    let r = reconcile(d.path(), &["--json", "--report", "report.csv", "--apply"]).expect(1);
    let v = json(&r);
    let want: std::collections::BTreeMap<String, u64> = [
        ("matched", 4),
        ("amount_mismatch", 1),
        ("currency_mismatch", 1),
        ("late", 1),
        ("already_redeemed", 1),
        ("duplicate", 1),
        ("unknown", 2),
        ("unpaid_expired", 2),
        ("redeemed_elsewhere", 1),
        ("unpaid_open", 11),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(counts(&v), want);
    assert_eq!(v["applied"], 4);
    let report = std::fs::read_to_string(d.path().join("report.csv")).unwrap();
    assert_eq!(report.lines().count(), 1 + 11 + 14, "{report}");
    // The rerun recognises its own earlier --apply: same statuses, nothing new.
    let v = json(&reconcile(d.path(), &["--json", "--apply"]).expect(1));
    assert_eq!(counts(&v), want);
    assert_eq!(v["applied"], 0);
    let check = payqr(d.path(), &["ledger", "check", "--ledger", "ledger.jsonl"]).expect(0);
    assert!(
        check.stdout.contains("22 issued, 6 redeemed"),
        "{}",
        check.stdout
    );
    // Applied codes now verify as redeemed.
    let rec = manifest.iter().find(|r| &r[1] == "BJ2611230001").unwrap();
    let v = payqr(
        d.path(),
        &judge_args(
            "verify",
            &["--ledger", "ledger.jsonl", "--json", "--text", &rec[11]],
        ),
    )
    .expect(1);
    assert_eq!(json(&v)["status"], "already_redeemed");
}

#[test]
fn fail_on_selects_what_counts_and_text_summary_prints() {
    let d = setup();
    issue_fixture_fines(d.path());
    let r = reconcile(d.path(), &["--fail-on", "unknown"]).expect(1);
    assert!(
        r.stdout.contains("matched") && r.stdout.contains("unknown"),
        "{}",
        r.stdout
    );
    reconcile(d.path(), &["--fail-on", "redeemed_elsewhere"]).expect(0);
    let r = reconcile(d.path(), &["--fail-on", "bogus"]).expect(2);
    assert!(r.stderr.contains("unknown status"), "{}", r.stderr);
}

#[test]
fn bad_settlement_rows_are_named() {
    let d = setup();
    issue_fixture_fines(d.path());
    let run = |text: &str, extra: &[&str]| {
        std::fs::write(d.path().join("s.csv"), text).unwrap();
        let mut args = vec![
            "reconcile",
            "--ledger",
            "ledger.jsonl",
            "--settlement",
            "s.csv",
            "--at",
            NEXT_MORNING,
        ];
        args.extend_from_slice(extra);
        payqr(d.path(), &args).expect(2).stderr
    };
    let err = run("code_id,amount\n675be34eff20121e,abc\n", &[]);
    assert!(err.contains("s.csv:2: amount: \"abc\""), "{err}");
    // A truncated file (a quote left open) is refused, not half read.
    let err = run(
        "code_id,amount\n675be34eff20121e,1\n675be34eff20121e,\"200\n",
        &[],
    );
    assert!(err.contains("s.csv:3: unterminated quoted field"), "{err}");
    let err = run("code_id,amount\n", &["--map", "code_id=nope"]);
    assert!(err.contains("nope"), "{err}");
    let err = run("code_id,amount\n", &["--format", "mt940"]);
    assert!(err.contains("--format") && err.contains("camt054"), "{err}");
}
