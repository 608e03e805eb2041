//! Issue 13, route 11: reconcile totals that lie.
//!
//! - Sums saturated at u64::MAX minor units: two payments of
//!   184467440737095516.15 CNY (the largest amount a settlement row or a
//!   code can hold) showed as one, and parts that overshot a code's amount
//!   by more than u64 can hold "added up" to it exactly.
//! - A code's expected amount was counted again on every duplicate (and
//!   late duplicate) row, so the expected totals exceeded what was issued.
//!
//! Now sums are exact (or the command fails, exit 2, naming the total and
//! writing no report) and each code's amount is expected on one row.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::Path;

/// u64::MAX minor units of a two-digit currency.
const MAX: &str = "184467440737095516.15";
const MAX_MINOR: u64 = u64::MAX;

/// Issues a fine of `amount` CNY into l.jsonl; returns its code id.
fn issue(d: &Path, reference: &str, amount: &str) -> String {
    let r = payqr(
        d,
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
            reference,
            "--expires-in",
            "4h",
            "--now",
            ISSUED,
            "--ledger",
            "l.jsonl",
        ],
    )
    .expect(0);
    let at = r.stderr.find(", code ").expect("code id on stderr") + 7;
    r.stderr[at..at + 16].to_string()
}

/// Reconciles `rows` (code id, amount, paid_at) against l.jsonl as of
/// DURING (09:00 +08:00; the codes expire at 12:00 +08:00).
fn reconcile(d: &Path, rows: &[(&str, &str, &str)], extra: &[&str]) -> Run {
    let mut text = String::from("code_id,amount,paid_at,txn_id\n");
    for (i, (code, amount, paid_at)) in rows.iter().enumerate() {
        text.push_str(&format!("{code},{amount},{paid_at},T{i}\n"));
    }
    std::fs::write(d.join("s.csv"), text).unwrap();
    let mut args = vec![
        "reconcile",
        "--ledger",
        "l.jsonl",
        "--settlement",
        "s.csv",
        "--map",
        "paid_at=paid_at,txn_id=txn_id",
        "--at",
        DURING,
        "--tz",
        "+08:00",
    ];
    args.extend_from_slice(extra);
    payqr(d, &args)
}

const PAID: &str = "2026-11-23T09:30:00+08:00";
const LATE: &str = "2026-11-23T13:00:00+08:00";

/// status -> (count, paid, expected) of the CNY totals.
fn totals(v: &serde_json::Value) -> BTreeMap<String, (u64, u64, u64)> {
    v["summary"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["currency"], "CNY", "{t}");
            let n = |k: &str| t[k].as_u64().unwrap_or_else(|| panic!("{k}: {t}"));
            (
                t["status"].as_str().unwrap().to_string(),
                (n("count"), n("paid_minor"), n("expected_minor")),
            )
        })
        .collect()
}

#[test]
fn totals_past_what_a_report_holds_fail_and_write_nothing() {
    let d = setup();
    let a = issue(d.path(), "A", MAX);
    let b = issue(d.path(), "B", MAX);
    let rows = [(a.as_str(), MAX, PAID), (b.as_str(), MAX, PAID)];
    let r = reconcile(
        d.path(),
        &rows,
        &["--json", "--report", "r.csv", "--html", "r.html"],
    );
    let r = r.expect(2);
    assert!(
        r.stderr.contains(
            "the paid total of matched rows is 368934881474191032.30 CNY, more than a report \
             total can hold (184467440737095516.15 CNY)"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(!d.path().join("r.csv").exists() && !d.path().join("r.html").exists());
}

#[test]
fn parts_that_overshoot_past_u64_are_not_a_match() {
    let d = setup();
    let c = issue(d.path(), "C", MAX);
    // 0.01 and then the whole amount: overpaid by 0.01, which a saturating
    // sum turned into exactly the amount ("matched", exit 0).
    let rows = [(c.as_str(), "0.01", PAID), (c.as_str(), MAX, PAID)];
    let r = reconcile(d.path(), &rows, &["--json"]).expect(2);
    assert!(
        r.stderr
            .contains("the paid total of amount_mismatch rows is 184467440737095516.16 CNY"),
        "{}",
        r.stderr
    );
}

#[test]
fn large_totals_that_fit_are_exact() {
    let d = setup();
    // Half of u64::MAX (rounded down) twice: one minor unit below the limit.
    let half = "92233720368547758.07";
    let a = issue(d.path(), "A", half);
    let b = issue(d.path(), "B", half);
    let rows = [(a.as_str(), half, PAID), (b.as_str(), half, PAID)];
    let v = json(&reconcile(d.path(), &rows, &["--json"]).expect(0));
    let want = MAX_MINOR - 1;
    assert_eq!(totals(&v)["matched"], (2, want, want));
    let r = reconcile(d.path(), &rows, &[]).expect(0);
    assert!(r.stdout.contains("184467440737095516.14"), "{}", r.stdout);
}

#[test]
fn a_codes_expected_amount_counts_once() {
    let d = setup();
    let x = issue(d.path(), "X", "200.00"); // paid, then twice more
    let y = issue(d.path(), "Y", "100.00"); // paid late, then again
    let z = issue(d.path(), "Z", "50.00"); // paid in two parts, then again
    let v_ = issue(d.path(), "V", "30.00"); // two parts that fall short
    issue(d.path(), "W", "10.00"); // unpaid
    let rows = [
        (x.as_str(), "200.00", PAID),
        (x.as_str(), "200.00", PAID),
        (y.as_str(), "100.00", LATE),
        (z.as_str(), "20.00", PAID),
        (x.as_str(), "200.00", LATE),
        (z.as_str(), "30.00", PAID),
        (y.as_str(), "100.00", LATE),
        (z.as_str(), "50.00", PAID),
        (v_.as_str(), "10.00", PAID),
        (v_.as_str(), "10.00", PAID),
    ];
    let v = json(&reconcile(d.path(), &rows, &["--json", "--report", "r.jsonl"]).expect(1));
    let t = totals(&v);
    let want: BTreeMap<String, (u64, u64, u64)> = [
        ("matched", (3, 25000, 25000)),
        ("late", (1, 10000, 10000)),
        ("duplicate", (4, 55000, 0)),
        ("amount_mismatch", (2, 2000, 3000)),
        ("unpaid_open", (1, 0, 1000)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(t, want);
    // Every issued code is expected exactly once across the totals.
    let expected: u64 = t.values().map(|v| v.2).sum();
    assert_eq!(expected, 20000 + 10000 + 5000 + 3000 + 1000);
    // The report's expected column adds up to the same: one row per code.
    let report = std::fs::read_to_string(d.path().join("r.jsonl")).unwrap();
    let mut per_code: BTreeMap<String, u64> = BTreeMap::new();
    for line in report.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(e) = row["expected_minor"].as_u64() {
            *per_code
                .entry(row["code_id"].as_str().unwrap().into())
                .or_default() += e;
        }
    }
    assert_eq!(per_code.len(), 5, "{report}");
    assert_eq!(per_code[&x], 20000);
    assert_eq!(per_code[&y], 10000);
    assert_eq!(per_code[&z], 5000);
}
