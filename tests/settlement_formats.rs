//! reconcile on the provider formats in fixtures/settlement/: what each
//! file yields, and that damaged files (truncated, altered totals, bad
//! bytes) are refused with the line named.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::Path;

const NEXT_MORNING: &str = "2026-11-24T09:00:00+08:00";

fn fixture(name: &str) -> String {
    fixtures()
        .join("settlement")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn reconcile(d: &Path, files: &[&str], extra: &[&str]) -> Run {
    let mut args = vec!["reconcile", "--ledger", "ledger.jsonl"];
    for f in files {
        args.extend_from_slice(&["--settlement", f]);
    }
    args.extend_from_slice(&["--at", NEXT_MORNING, "--tz", "+08:00"]);
    args.extend_from_slice(extra);
    payqr(d, &args)
}

/// Counts of the settlement-row statuses (unpaid codes left out).
fn row_counts(r: &Run) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for t in json(r)["summary"]["totals"].as_array().unwrap() {
        let s = t["status"].as_str().unwrap();
        if !s.starts_with("unpaid") {
            *m.entry(s.to_string()).or_default() += t["count"].as_u64().unwrap();
        }
    }
    m
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn every_format_is_detected_and_reconciled() {
    let d = setup();
    issue_fixture_fines(d.path());
    let cases: [(&str, &[(&str, u64)]); 4] = [
        // paid; paid and refunded; paid after expiry; an order number that
        // is no code; paid at 23:59:59 Beijing time (still this day's bill).
        (
            "wechat-2026-11-23.csv",
            &[("matched", 2), ("refunded", 2), ("late", 1), ("unknown", 1)],
        ),
        // GBK: two payments, one paid and refunded.
        ("alipay-2026-11-23.csv", &[("matched", 2), ("refunded", 2)]),
        // a batch booking, a payment in two parts, an overpayment, a
        // payment and its refund; the pending entry is skipped.
        (
            "camt053-2026-11-23.xml",
            &[("matched", 4), ("amount_mismatch", 1), ("refunded", 2)],
        ),
        // a batch, and a payment in USD for a CNY fine.
        (
            "camt054-2026-11-23.xml",
            &[("matched", 2), ("currency_mismatch", 1)],
        ),
    ];
    for (name, want) in cases {
        let r = reconcile(d.path(), &[&fixture(name)], &["--json"]).expect(1);
        assert_eq!(row_counts(&r), counts(want), "{name}");
    }
    // Partial payments and the day cut-off, row by row.
    reconcile(
        d.path(),
        &[&fixture("camt053-2026-11-23.xml")],
        &["--report", "camt.csv"],
    )
    .expect(1);
    let report = std::fs::read_to_string(d.path().join("camt.csv")).unwrap();
    let parts: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("f45cf06fb1121872"))
        .collect();
    assert_eq!(parts.len(), 2, "{report}");
    assert!(parts[0].contains("partial payment 1 of 2") && parts[0].contains(",1500.00,"));
    assert!(parts[1].contains("partial payment 2 of 2") && parts[1].contains(",500.00,"));
    assert!(report.contains("overpaid by 38.00 CNY"), "{report}");
    reconcile(
        d.path(),
        &[&fixture("wechat-2026-11-23.csv")],
        &["--report", "wx.csv"],
    )
    .expect(1);
    let report = std::fs::read_to_string(d.path().join("wx.csv")).unwrap();
    assert!(
        report.contains(",2026-11-23T23:59:59+08:00,"),
        "times are RFC 3339 with their offset: {report}"
    );
}

/// Copies a fixture into the test dir with `edit` applied to its text.
fn altered(d: &Path, name: &str, edit: impl Fn(&str) -> String) -> String {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let path = d.join(name);
    std::fs::write(&path, edit(&text)).unwrap();
    path.to_str().unwrap().to_string()
}

fn refused(d: &Path, file: &str) -> String {
    reconcile(d, &[file], &[]).expect(2).stderr
}

#[test]
fn wechat_bill_totals_and_truncation_are_checked() {
    let d = setup();
    issue_fixture_fines(d.path());
    let name = "wechat-2026-11-23.csv";
    // Cut after the detail rows: no summary.
    let f = altered(d.path(), name, |t| {
        t.split("总交易单数").next().unwrap().to_string()
    });
    let err = refused(d.path(), &f);
    assert!(err.contains("no summary row"), "{err}");
    // Summary header without its row.
    let f = altered(d.path(), name, |t| {
        t.rsplit_once("`6,").unwrap().0.to_string()
    });
    assert!(refused(d.path(), &f).contains("has no summary row after it"));
    // A row's amount changed: the settled total no longer adds up.
    let f = altered(d.path(), name, |t| {
        t.replacen("`CNY,`100.00", "`CNY,`10.00", 1)
    });
    let err = refused(d.path(), &f);
    assert!(
        err.contains(":9: summary: 应结订单总金额 is 485 but the rows add up to 395"),
        "{err}"
    );
    // A row removed: the count does not match.
    let f = altered(d.path(), name, |t| {
        let mut lines: Vec<&str> = t.split("\r\n").collect();
        lines.remove(6);
        lines.join("\r\n")
    });
    assert!(refused(d.path(), &f).contains("总交易单数 is 6 but the rows add up to 5"));
    // A byte that is not UTF-8 on line 3.
    let mut bytes = std::fs::read(fixture(name)).unwrap();
    let at = bytes
        .windows(4)
        .position(|w| w == b"`wx2")
        .map(|first| {
            first
                + 1
                + bytes[first + 1..]
                    .windows(4)
                    .position(|w| w == b"`wx2")
                    .unwrap()
        })
        .unwrap();
    bytes[at + 1] = 0xFF;
    std::fs::write(d.path().join("bad.csv"), bytes).unwrap();
    let err = refused(d.path(), "bad.csv");
    assert!(
        err.contains("bad.csv:3: not valid UTF-8 (byte 0xFF)"),
        "{err}"
    );
}

#[test]
fn alipay_decoding_and_footer_are_checked() {
    let d = setup();
    issue_fixture_fines(d.path());
    let original = std::fs::read(fixture("alipay-2026-11-23.csv")).unwrap();
    let write = |bytes: &[u8]| {
        std::fs::write(d.path().join("a.csv"), bytes).unwrap();
        refused(d.path(), "a.csv")
    };
    // An invalid GBK sequence on line 7 is named, never replaced.
    let mut bytes = original.clone();
    let line7 = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(5)
        .unwrap()
        .0;
    bytes[line7 + 3] = 0xFF;
    let err = write(&bytes);
    assert!(
        err.contains("a.csv:7: not valid GB18030/GBK (byte 0xFF)"),
        "{err}"
    );
    // Cut before the footer: truncated.
    let cut = original.len() - 250;
    let end = original[..cut].iter().rposition(|b| *b == b'\n').unwrap() + 1;
    let err = write(&original[..end]);
    assert!(err.contains("no footer"), "{err}");
    // The trade total altered.
    let (text, _, _) = encoding_rs::GB18030.decode(&original);
    let text = text.replace("共450.00元", "共460.00元");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    let err = write(&bytes);
    assert!(
        err.contains(
            "footer: 交易合计 says 3 row(s), 460.00 yuan received, but the rows have 3, 450.00"
        ),
        "{err}"
    );
}

#[test]
fn camt_control_sums_are_checked() {
    let d = setup();
    issue_fixture_fines(d.path());
    let name = "camt053-2026-11-23.xml";
    // A batch may itemise fewer transactions than it holds (ISO 20022),
    // never more.
    let f = altered(d.path(), name, |t| {
        t.replace("<NbOfTxs>3</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>")
    });
    let err = refused(d.path(), &f);
    assert!(
        err.contains(":43: Btch/NbOfTxs: 2 but the entry lists 3 transactions"),
        "{err}"
    );
    let f = altered(d.path(), name, |t| {
        t.replace("<Sum>2838.00</Sum>", "<Sum>2839.00</Sum>")
    });
    let err = refused(d.path(), &f);
    assert!(
        err.contains("TxsSummry/TtlNtries/Sum is 2839.00 but those entries add up to 2838.00"),
        "{err}"
    );
    // A transaction amount changed: the entry no longer adds up.
    let f = altered(d.path(), name, |t| {
        t.replace(">1500.00</Amt>", ">1400.00</Amt>")
    });
    let err = refused(d.path(), &f);
    assert!(
        err.contains(
            "Ntry/Amt: the entry books 1800.00 CNY CRDT but its transactions net to 1700.00 CNY CRDT"
        ),
        "{err}"
    );
    let f = altered(d.path(), name, |t| t.replace("</BkToCstmrStmt>", ""));
    assert!(refused(d.path(), &f).contains("not well-formed XML"));
}

#[test]
fn the_same_payment_in_two_daily_files_counts_once() {
    let d = setup();
    issue_fixture_fines(d.path());
    let (day1, day2) = (
        fixture("wechat-2026-11-23.csv"),
        fixture("wechat-2026-11-24.csv"),
    );
    let r = reconcile(d.path(), &[&day1], &["--json", "--apply"]).expect(1);
    assert_eq!(json(&r)["applied"], 2);
    // Day 2 lists day 1's payment of code 7 again: the ledger already has
    // it under the same WeChat transaction id, so it is no second payment.
    let r = reconcile(d.path(), &[&day2], &["--json", "--apply"]).expect(1);
    // (Code 14, applied from day 1 and not in day 2, shows as redeemed
    // elsewhere.)
    assert_eq!(
        row_counts(&r),
        counts(&[("matched", 2), ("redeemed_elsewhere", 1)])
    );
    assert_eq!(json(&r)["applied"], 1);
    // Both days in one run: the overlap is listed once, as repeated.
    let r = reconcile(d.path(), &[&day1, &day2], &["--json"]).expect(1);
    let c = row_counts(&r);
    assert_eq!((c["repeated"], c["matched"]), (1, 3), "{c:?}");
}

#[test]
fn fees_netted_by_the_provider_are_added_back() {
    let d = setup();
    issue_fixture_fines(d.path());
    let f = fixture("generic-fees.csv");
    let map = "code_id=out_trade_no,amount=net,paid_at=paid_at,txn_id=transaction_id";
    let r = reconcile(
        d.path(),
        &[&f],
        &["--map", map, "--fee-column", "fee", "--json"],
    )
    .expect(1);
    assert_eq!(
        row_counts(&r),
        counts(&[("matched", 2), ("amount_mismatch", 1)])
    );
    let matched = json(&r)["summary"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == "matched")
        .cloned()
        .unwrap();
    assert_eq!(
        (
            matched["paid_minor"].as_u64(),
            matched["fee_minor"].as_u64()
        ),
        (Some(25000), Some(150))
    );
    // Without the fee column every row looks underpaid.
    let r = reconcile(d.path(), &[&f], &["--map", map, "--json"]).expect(1);
    assert_eq!(row_counts(&r), counts(&[("amount_mismatch", 3)]));
    // Provider bills name their own fee column.
    let err = reconcile(
        d.path(),
        &[&fixture("wechat-2026-11-23.csv")],
        &["--fee-column", "fee"],
    )
    .expect(2)
    .stderr;
    assert!(err.contains("is a wechat file"), "{err}");
}

#[test]
fn html_report_is_one_self_contained_page() {
    let d = setup();
    issue_fixture_fines(d.path());
    reconcile(
        d.path(),
        &[&fixture("wechat-2026-11-23.csv")],
        &["--html", "r.html"],
    )
    .expect(1);
    let html = std::fs::read_to_string(d.path().join("r.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg") && html.contains("Payments per hour (+08:00)"));
    // Eight bars from 09:00 to 23:00 local time... one per hour in between.
    assert_eq!(html.matches("<rect").count(), 15, "{html}");
    assert!(html.contains("11-23 23:00: 1"), "{html}");
    // late, unknown, and six 4-hour fines nobody paid.
    assert!(html.contains("<h2>Discrepancies (8)</h2>"), "{html}");
    assert!(html.contains("ORD-2026-0001"));
    // Nothing fetched from anywhere: no script, no external reference.
    for bad in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
}
