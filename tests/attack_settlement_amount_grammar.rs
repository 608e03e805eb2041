//! One amount grammar everywhere (issue 17): a settlement file's amounts
//! obey the grammar a clerk's do — no ',' unless the file's number format
//! is declared (`--map grouping=comma|dot|apostrophe`), never guessed.
//! Before, "1,234.50" in a settlement file was read as 1234.50 while the
//! same text was refused at issuance.

mod common;
use common::*;

use std::path::Path;

const AT: &str = "2026-11-24T09:00:00+08:00";

/// Issues one CNY fine of `amount`; returns its code id.
fn issue(d: &Path, amount: &str) -> String {
    std::fs::write(d.join("b.csv"), format!("reference,amount\nR1,{amount}\n")).unwrap();
    payqr(
        d,
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--from",
            "b.csv",
            "--out-dir",
            "out",
            "--manifest",
            "m.csv",
            "--ledger",
            "ledger.jsonl",
            "--kind",
            "fine",
            "--currency",
            "CNY",
            "--payee",
            "P",
            "--expires-in",
            "7d",
            "--now",
            ISSUED,
        ],
    )
    .expect(0);
    let mut m = csv::Reader::from_path(d.join("m.csv")).unwrap();
    let k = m
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "code_id")
        .unwrap();
    m.records().next().unwrap().unwrap()[k].to_string()
}

fn reconcile(d: &Path, file: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "reconcile",
        "--ledger",
        "ledger.jsonl",
        "--settlement",
        file,
        "--at",
        AT,
        "--tz",
        "+08:00",
        "--json",
    ];
    args.extend_from_slice(extra);
    payqr(d, &args)
}

/// (count, paid) of the matched total.
fn matched(r: &Run) -> (u64, i64) {
    let v = json(r);
    let t = v["summary"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == "matched")
        .unwrap_or_else(|| panic!("no matched total: {v}"))
        .clone();
    (
        t["count"].as_u64().unwrap(),
        t["paid_minor"].as_i64().unwrap(),
    )
}

fn generic(d: &Path, id: &str, amount: &str) {
    std::fs::write(
        d.join("s.csv"),
        format!("code_id,amount,currency,paid_at\n{id},\"{amount}\",CNY,2026-11-23 09:00:00\n"),
    )
    .unwrap();
}

#[test]
fn a_grouped_settlement_amount_is_refused_in_one_line_with_a_hint() {
    let d = setup();
    let id = issue(d.path(), "1234.50");
    generic(d.path(), &id, "1,234.50");
    let r = reconcile(d.path(), "s.csv", &[]).expect(2);
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("s.csv:2: amount: \"1,234.50\""))
        .unwrap_or_else(|| panic!("no line naming file, line and field:\n{}", r.stderr));
    assert!(line.contains("thousands separators"), "{line}");
    assert!(line.contains("grouping=comma"), "no hint: {line}");
    // Nothing was reconciled, nothing written to stdout.
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn a_declared_grouping_reads_the_bank_export_exactly() {
    let d = setup();
    let id = issue(d.path(), "1234.50");
    generic(d.path(), &id, "1,234.50");
    let r = reconcile(d.path(), "s.csv", &["--map", "grouping=comma"]).expect(0);
    assert_eq!(matched(&r), (1, 123450));
    // A decimal-comma export, declared as such.
    generic(d.path(), &id, "1.234,50");
    let r = reconcile(d.path(), "s.csv", &["--map", "grouping=dot"]).expect(0);
    assert_eq!(matched(&r), (1, 123450));
    // A declaration that does not fit the file is an error, not a misreading.
    let r = reconcile(d.path(), "s.csv", &["--map", "grouping=comma"]).expect(2);
    assert!(
        r.stderr.contains("s.csv:2: amount: \"1.234,50\" is not an amount grouped as declared (comma: like 1,234.50)"),
        "{}",
        r.stderr
    );
    let r = reconcile(d.path(), "s.csv", &["--map", "grouping=space"]).expect(2);
    assert!(r.stderr.contains("grouping=\"space\""), "{}", r.stderr);
}

#[test]
fn a_decimal_comma_settlement_amount_is_refused_not_read_as_grouping() {
    let d = setup();
    let id = issue(d.path(), "200.00");
    // "200,00" was refused before too; "200,000" was read as 200000.00.
    generic(d.path(), &id, "200,000");
    let r = reconcile(d.path(), "s.csv", &[]).expect(2);
    assert!(
        r.stderr.contains("s.csv:2: amount: \"200,000\""),
        "{}",
        r.stderr
    );
}

#[test]
fn a_wechat_bill_with_a_grouped_amount_is_refused_naming_the_cell() {
    let d = setup();
    issue(d.path(), "200.00");
    let bill = std::fs::read_to_string(fixtures().join("settlement/wechat-2026-11-23.csv"))
        .unwrap()
        .replacen(",`200.00,", ",\"`1,200.00\",", 1);
    std::fs::write(d.path().join("w.csv"), bill).unwrap();
    let r = reconcile(d.path(), "w.csv", &[]).expect(2);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("w.csv:5: 应结订单金额: \"1,200.00\"")
                && l.contains("thousands separators")),
        "{}",
        r.stderr
    );
}

#[test]
fn the_hint_for_a_dot_grouped_decimal_comma_is_the_right_number() {
    let d = setup();
    let r = payqr(
        d.path(),
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--amount",
            "1.234,50",
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
    .expect(2);
    // It said "write 1.23450" (a thousandth of the amount meant).
    assert!(r.stderr.contains("write 1234.50"), "{}", r.stderr);
    assert!(!r.stderr.contains("1.23450"), "{}", r.stderr);
}
