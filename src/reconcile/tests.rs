use super::book::*;
use super::classify::*;
use super::report::*;
use super::status::*;
use super::*;
#[allow(unused_imports)]
use crate::code::CodeId;
#[allow(unused_imports)]
use crate::code::currency::{AmountError, Currency};
#[allow(unused_imports)]
use crate::code::time;
use crate::code::{Code, KeyId, Kind, SignedCode};
#[allow(unused_imports)]
use crate::ledger::{
    CodeKey, IssuedFields, Ledger, LedgerError, LedgerState, LockGuard, Loss, Record, Redemption,
    What, issuer_tag,
};
use crate::reconcile::settlement::{ColumnMap, Options, parse_settlement};
#[allow(unused_imports)]
use crate::reconcile::settlement::{Payment, Settlement};
use ed25519_dalek::SigningKey;
use std::path::Path;

const ISSUED: u64 = 1_795_000_000;
const EXPIRES: u64 = ISSUED + 4 * 3600;
/// Reconciliation time: after EXPIRES.
const AT: u64 = EXPIRES + 3600;

fn code(n: u8, currency: &str, amount: u64, expires_at: u64, reference: &str) -> SignedCode {
    let k = SigningKey::from_bytes(&[9u8; 32]);
    Code {
        issuer: "bj-traffic".into(),
        key_id: KeyId::of(&k.verifying_key()),
        code_id: CodeId([n; 8]),
        kind: Kind::Fine,
        amount,
        currency: Currency::from_code(currency).unwrap(),
        payee: "BJ-FINES".into(),
        reference: reference.into(),
        issued_at: ISSUED,
        expires_at,
        description: None,
    }
    .sign(&k)
    .unwrap()
}

fn id(n: u8) -> String {
    CodeId([n; 8]).to_string()
}

/// A ledger in a fresh directory with 200.00 CNY fines 1..=10 and
/// 13..=16, code 7 expiring after AT, a 1500 JPY bill 11, and counter
/// redemptions of codes 6 and 9.
fn ledger(dir: &Path, name: &str) -> (Ledger, LedgerState) {
    let l = Ledger::new(&dir.join(name));
    let lock = l.lock().unwrap();
    let mut st = l.load(&lock).unwrap();
    let mut recs: Vec<Record> = (1..=10)
        .chain(13..=16)
        .map(|n| {
            let expires = if n == 7 { AT + 86_400 } else { EXPIRES };
            let c = code(n, "CNY", 20000, expires, &format!("京A1234{n}"));
            Record::issued(&c, ISSUED)
        })
        .collect();
    recs.push(Record::issued(
        &code(11, "JPY", 1500, EXPIRES, "W-11"),
        ISSUED,
    ));
    for n in [6, 9] {
        let txn = Some(format!("C{n}"));
        let r = Record::redeemed(
            "bj-traffic",
            CodeId([n; 8]),
            ISSUED + 60,
            txn,
            "counter",
            None,
        );
        recs.push(r);
    }
    l.append(&lock, &mut st, recs).unwrap();
    (l, st)
}

fn settlement(dir: &Path, name: &str, text: &str) -> Settlement {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let opts = Options {
        format: None,
        map: ColumnMap::default(),
        tz: chrono::FixedOffset::east_opt(8 * 3600),
        encoding: None,
    };
    parse_settlement(&path, &opts).unwrap()
}

/// One row per settlement status, plus a txn-less row (line 12).
fn bank_file() -> String {
    let late = time::format_utc(EXPIRES + 60);
    [
        "code_id,amount,currency,paid_at,txn_id".to_string(),
        format!("{},200.00,CNY,2026-11-18 16:00,B1", id(1)),
        format!("{},150.00,,,B2", id(2)),
        format!("{},200.00,USD,,B3", id(3)),
        format!("{},200.00,,,B4", id(4)),
        format!("{},200.00,,,B4b", id(4)),
        format!("{},200.00,CNY,{late},B5", id(5)),
        format!("{},200.00,CNY,,B6", id(6)),
        "=HYPERLINK(\"x\"),1.00,,,B0".to_string(),
        format!("{},200.00,,,B12", id(12)),
        format!("{},200.001,,,B10", id(10)),
        format!("{},1500,JPY,,", id(11)),
    ]
    .join("\n")
}

fn statuses(report: &Report) -> Vec<(Status, String)> {
    report
        .rows
        .iter()
        .map(|r| (r.status, report.view(r).code_id))
        .collect()
}

#[test]
fn every_status() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, st) = ledger(dir.path(), "l.jsonl");
    let files = [settlement(dir.path(), "bank.csv", &bank_file())];
    let b = Book::from_state(&st).unwrap();
    let report = reconcile(&b, &files, AT).unwrap();
    use Status::*;
    let expected = vec![
        (Matched, id(1)),
        (AmountMismatch, id(2)),
        (CurrencyMismatch, id(3)),
        (Matched, id(4)),
        (Duplicate, id(4)),
        (Late, id(5)),
        (AlreadyRedeemed, id(6)),
        (Unknown, "=HYPERLINK(\"x\")".to_string()),
        (Unknown, id(12)),
        (AmountMismatch, id(10)),
        (Matched, id(11)),
        // Codes without a settlement row, in ledger order.
        (UnpaidOpen, id(7)),
        (UnpaidExpired, id(8)),
        (RedeemedElsewhere, id(9)),
        (UnpaidExpired, id(13)),
        (UnpaidExpired, id(14)),
        (UnpaidExpired, id(15)),
        (UnpaidExpired, id(16)),
    ];
    assert_eq!(statuses(&report), expected);

    let v: Vec<RowView> = report.rows.iter().map(|r| report.view(r)).collect();
    assert_eq!(
        (v[1].expected_minor, v[1].paid_minor),
        (Some(20000), Some(15000))
    );
    assert_eq!(v[1].note, "underpaid by 50.00 CNY");
    // Paid in USD: the row carries the USD amount, the CNY one is in the note.
    assert_eq!(v[2].currency, Some("USD"));
    assert_eq!((v[2].expected_minor, v[2].paid_minor), (None, Some(20000)));
    assert_eq!(v[2].note, "paid in USD, the code is for 200.00 CNY");
    assert_eq!(v[4].note, "code already paid on line 5");
    assert_eq!(v[5].note, "paid 1m 0s after expiry");
    assert!(
        v[6].note.contains("via counter") && v[6].note.contains("txn C6"),
        "{}",
        v[6].note
    );
    assert_eq!(v[9].paid_minor, None);
    assert!(v[9].note.contains("3 fraction digits"), "{}", v[9].note);
    assert_eq!(v[10].line, Some(12));
    assert_eq!(v[13].txn_id, Some("C9"));

    // Totals are per currency: CNY and JPY matches are not added up.
    let matched: Vec<_> = report
        .summary
        .totals
        .iter()
        .filter(|t| t.status == Matched)
        .map(|t| {
            (
                t.currency.as_deref(),
                t.count,
                t.paid_minor,
                t.expected_minor,
            )
        })
        .collect();
    assert_eq!(
        matched,
        vec![(Some("CNY"), 2, 40000, 40000), (Some("JPY"), 1, 1500, 1500)]
    );
    assert_eq!(report.summary.count(Unknown), 2);
    assert!(report.has_discrepancy(&Status::discrepancies()));
    assert!(report.has_discrepancy(&[Late]));
    assert!(!report.has_discrepancy(&[]));
}

#[test]
fn partial_payments_overpayment_and_refunds() {
    let dir = tempfile::tempdir().unwrap();
    let (_l, st) = ledger(dir.path(), "l.jsonl");
    let text = [
        "code_id,amount,txn_id,refund".to_string(),
        // 1: two parts that add up; 2: two parts that fall short;
        format!("{},120.00,P1a,", id(1)),
        format!("{},100.00,P2a,", id(2)),
        format!("{},80.00,P1b,", id(1)),
        format!("{},50.00,P2b,", id(2)),
        // 3: overpaid; 4: paid twice, the second refunded;
        format!("{},250.00,P3,", id(3)),
        format!("{},200.00,P4,", id(4)),
        format!("{},200.00,P4b,", id(4)),
    ]
    .join("\n");
    let mut s = settlement(dir.path(), "bank.csv", &text);
    // 4's second payment and all of 5 are paid back.
    let refund = |code: u8, line: u64, txn: &str| Payment {
        line,
        code: crate::reconcile::settlement::CodeRef::Id(CodeId([code; 8])),
        amount: crate::reconcile::settlement::Amount {
            units: 200,
            scale: 0,
        },
        fee: None,
        currency: None,
        paid_at: None,
        txn_id: Some(txn.into()),
        refund: true,
    };
    s.payments.push(refund(4, 9, "R4"));
    s.payments.push(Payment {
        refund: false,
        txn_id: Some("P5".into()),
        ..refund(5, 10, "")
    });
    s.payments.push(refund(5, 11, "R5"));
    let files = [s];
    let b = Book::from_state(&st).unwrap();
    let report = reconcile(&b, &files, AT).unwrap();
    let v: Vec<(Status, String)> = report
        .rows
        .iter()
        .take(10)
        .map(|r| (r.status, report.view(r).note))
        .collect();
    use Status::*;
    assert_eq!(
        v,
        vec![
            (Matched, "partial payment 1 of 2".into()),
            (
                AmountMismatch,
                "underpaid by 50.00 CNY (2 partial payments)".into()
            ),
            (Matched, "partial payment 2 of 2".into()),
            (
                AmountMismatch,
                "underpaid by 50.00 CNY (2 partial payments)".into()
            ),
            (AmountMismatch, "overpaid by 50.00 CNY".into()),
            (Matched, String::new()),
            (Refunded, "refunded on line 9".into()),
            (Refunded, "refund".into()),
            (Refunded, "refunded on line 11".into()),
            (Refunded, "refund".into()),
        ]
    );
    // Only codes whose payment stands are redeemed: 1 (by its last
    // part) and 4.
    let recs = apply_records(&report, AT);
    let applied: Vec<_> = recs
        .iter()
        .map(|r| (r.code_id.clone(), r.txn.clone()))
        .collect();
    assert_eq!(
        applied,
        vec![(id(1), Some("P1b".into())), (id(4), Some("P4".into()))]
    );
}

#[test]
fn apply_is_idempotent_and_the_next_days_file_repeats_nothing() {
    for name in ["l.jsonl", "l.csv"] {
        let dir = tempfile::tempdir().unwrap();
        let (l, _) = ledger(dir.path(), name);
        let files = [settlement(dir.path(), "bank.csv", &bank_file())];
        let before = {
            let lock = l.lock().unwrap();
            let mut st = l.load(&lock).unwrap();
            let b = Book::from_state(&st).unwrap();
            let report = reconcile(&b, &files, AT).unwrap();
            let recs = apply_records(&report, AT);
            let applied: Vec<_> = recs
                .iter()
                .map(|r| (r.code_id.clone(), r.txn.clone()))
                .collect();
            let source = &files[0].source;
            assert!(source.starts_with("bank.csv@"), "{source}");
            // Codes 1, 4 (first row only) and 11; 11 has no txn id.
            assert_eq!(
                applied,
                vec![
                    (id(1), Some("B1".into())),
                    (id(4), Some("B4".into())),
                    (id(11), Some(format!("{source}:12"))),
                ]
            );
            assert!(recs.iter().all(|r| r.channel.as_deref() == Some(CHANNEL)
                && r.source.as_deref() == Some(source.as_str())));
            let s = statuses(&report);
            l.append(&lock, &mut st, recs).unwrap();
            s
        };
        // A fresh load from disk, as a second run would do.
        let lock = l.lock_shared().unwrap();
        let st = l.load(&lock).unwrap();
        // Read in full, or just what reconciliation keeps: the same.
        let b = Book::load(&l, &lock).unwrap();
        assert_eq!(b.len(), st.issued.len());
        for (i, c) in st.issued.iter().enumerate() {
            let k = b.code(i as u32);
            assert_eq!(b.position(&c.code_id), Some(i as u32));
            assert_eq!(
                (
                    k.code_id,
                    k.issuer,
                    k.reference,
                    k.amount,
                    k.currency,
                    k.expires_at
                ),
                (
                    c.code_id,
                    &*c.issuer,
                    &*c.reference,
                    c.amount,
                    c.currency,
                    c.expires_at
                )
            );
            let k = CodeKey::of(&c.issuer, c.code_id);
            assert_eq!(b.redemption(&k), st.redemption(&k));
        }
        assert_eq!(b.position(&CodeId([0xee; 8])), None);
        let again = reconcile(&b, &files, AT).unwrap();
        assert_eq!(statuses(&again), before, "{name}");
        assert!(apply_records(&again, AT + 5).is_empty(), "{name}");
        let matched: Vec<RowView> = again
            .rows
            .iter()
            .filter(|r| r.status == Status::Matched)
            .map(|r| again.view(r))
            .collect();
        assert!(
            matched
                .iter()
                .all(|r| r.redeemed && r.note.starts_with("applied to the ledger"))
        );
        assert_eq!(matched.len(), 3);

        // The next day's file lists code 1's payment again (same
        // transaction id): still the same payment, not a second one.
        // Its txn-less row is another payment now: already redeemed.
        let next = format!(
            "code_id,amount,txn_id\n{},200.00,B1\n{},1500,\n",
            id(1),
            id(11)
        );
        let files = [settlement(dir.path(), "bank-2.csv", &next)];
        let b = Book::from_state(&st).unwrap();
        let other = reconcile(&b, &files, AT).unwrap();
        assert_eq!(other.rows[0].status, Status::Matched);
        assert_eq!(other.rows[1].status, Status::AlreadyRedeemed);

        // Both days in one run: the overlap is listed once.
        let both = [
            settlement(dir.path(), "bank.csv", &bank_file()),
            settlement(dir.path(), "bank-2.csv", &next),
        ];
        let b = Book::from_state(&st).unwrap();
        let r = reconcile(&b, &both, AT).unwrap();
        let row = &r.rows[11];
        assert_eq!(row.status, Status::Repeated);
        assert!(
            r.view(row)
                .note
                .starts_with("same transaction as bank.csv@")
        );
    }
}

#[test]
fn csv_output_neutralizes_formulas_and_keeps_amounts_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::new(&dir.path().join("l.jsonl"));
    let lock = l.lock().unwrap();
    let mut st = l.load(&lock).unwrap();
    let c = code(1, "CNY", 20000, EXPIRES, "@SUM(A1)");
    l.append(&lock, &mut st, vec![Record::issued(&c, ISSUED)])
        .unwrap();
    let text = format!(
        "code_id,amount,txn_id\n{},200.00,-T1\n=1+2,3.5,+T2\n",
        id(1)
    );
    let files = [settlement(dir.path(), "bank.csv", &text)];
    let b = Book::from_state(&st).unwrap();
    let report = reconcile(&b, &files, ISSUED).unwrap();
    let mut out = Vec::new();
    let cst = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    report.to_csv(&mut out, cst).unwrap();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    let src = &files[0].source;
    assert_eq!(
        lines,
        vec![
            "status,source,file,line,code_id,issuer,reference,currency,expected,paid,fee,kind,paid_at,expires_at,txn_id,note",
            &format!(
                "matched,settlement,{src},2,{},bj-traffic,'@SUM(A1),CNY,200.00,200.00,,,,2026-11-18T23:06:40+08:00,'-T1,",
                id(1)
            ),
            &format!(
                "unknown,settlement,{src},3,'=1+2,,,,,,,,,,'+T2,not a code id (16 hex digits)"
            ),
        ]
    );

    let mut json = Vec::new();
    report.to_json_lines(&mut json).unwrap();
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8(json).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["status"], "matched");
    assert_eq!(first["line"], 2);
    assert_eq!(first["expires_at"], "2026-11-18T15:06:40Z");
    assert_eq!(first["paid_minor"], 20000);
}

#[test]
fn bucket_sort_sorts() {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut items: Vec<(u64, u32)> = (0..50_000u32)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Some keys twice, some in one bucket.
            let k = if i % 7 == 0 { 42 } else { x };
            (k, i)
        })
        .collect();
    let (sorted, starts) = bucket_sort(items.clone(), |e| e.0);
    items.sort_unstable();
    assert_eq!(sorted, items);
    assert_eq!(starts.len(), (1 << 16) + 1);
    assert_eq!(starts[1 << 16] as usize, items.len());
    for (b, w) in starts.windows(2).enumerate() {
        let run = &sorted[w[0] as usize..w[1] as usize];
        assert!(run.iter().all(|e| (e.0 >> 48) as usize == b));
    }
}

#[test]
fn status_names() {
    for s in Status::ALL {
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        assert_eq!(s.as_str().parse::<Status>(), Ok(s));
    }
    assert!("paid".parse::<Status>().is_err());
    // cancelled (issue 15) is one.
    assert_eq!(Status::discrepancies().len(), 10);
}
