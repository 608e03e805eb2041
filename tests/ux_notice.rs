//! Issue 17, the clerk: `payqr notice CODE_ID` prints a lost notice again,
//! byte-identical, from the payload the ledger keeps; nothing is issued.

mod common;
use common::*;

use std::path::Path;

fn issue_batch(p: &Path, ledger: &str) {
    std::fs::write(
        p.join("fines.csv"),
        "reference,amount,description\n京A12345,200.00,闯红灯\n京B7,50,\n",
    )
    .unwrap();
    payqr(
        p,
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--from",
            "fines.csv",
            "--out-dir",
            "out",
            "--format",
            "png,svg,notice-svg",
            "--manifest",
            "m.csv",
            "--ledger",
            ledger,
            "--currency",
            "CNY",
            "--payee",
            "BJ-FINES",
            "--expires-in",
            "30d",
            "--now",
            ISSUED,
            "--tz",
            "+08:00",
        ],
    )
    .expect(0);
}

fn code_ids(p: &Path) -> Vec<String> {
    let mut rdr = csv::Reader::from_path(p.join("m.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let i = head.iter().position(|h| h == "code_id").unwrap();
    rdr.records().map(|r| r.unwrap()[i].to_string()).collect()
}

fn file_of(p: &Path, id: &str, ext: &str) -> std::path::PathBuf {
    p.join("out").join(&id[..2]).join(format!("{id}.{ext}"))
}

#[test]
fn a_deleted_notice_is_printed_again_byte_for_byte() {
    let d = setup();
    let p = d.path();
    issue_batch(p, "ledger.jsonl");
    let ledger_before = std::fs::read(p.join("ledger.jsonl")).unwrap();
    for id in code_ids(p) {
        for (ext, format) in [("notice.svg", "notice-svg"), ("svg", "svg"), ("png", "png")] {
            let f = file_of(p, &id, ext);
            let original = std::fs::read(&f).unwrap();
            std::fs::remove_file(&f).unwrap();
            payqr(
                p,
                &[
                    "notice",
                    &id,
                    "--ledger",
                    "ledger.jsonl",
                    "--trust",
                    "trust.json",
                    "--tz",
                    "+08:00",
                    "--format",
                    format,
                    "--out",
                    f.to_str().unwrap(),
                ],
            )
            .expect(0);
            assert!(std::fs::read(&f).unwrap() == original, "{id}.{ext} differs");
        }
    }
    // Nothing was issued or recorded.
    assert_eq!(
        std::fs::read(p.join("ledger.jsonl")).unwrap(),
        ledger_before
    );
    // A single code's ledger record keeps its payload too: stdout.
    let text = issue_one(p, "京C1", &["--ledger", "ledger.jsonl", "--svg", "one.svg"]);
    let r = payqr(
        p,
        &[
            "verify",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--json",
            "--text",
            &text,
        ],
    );
    let id = json(&r)["code_id"].as_str().unwrap().to_string();
    let r = payqr(
        p,
        &[
            "notice",
            &id,
            "--ledger",
            "ledger.jsonl",
            "--trust",
            "trust.json",
            "--format",
            "svg",
        ],
    )
    .expect(0);
    assert_eq!(
        r.stdout,
        std::fs::read_to_string(p.join("one.svg")).unwrap()
    );
}

#[test]
fn an_edited_payload_or_an_unknown_code_is_refused() {
    let d = setup();
    let p = d.path();
    issue_batch(p, "ledger.jsonl");
    let id = code_ids(p).remove(0);
    let r = payqr(
        p,
        &[
            "notice",
            "0123456789abcdef",
            "--ledger",
            "ledger.jsonl",
            "--trust",
            "trust.json",
        ],
    )
    .expect(2);
    assert!(
        r.stderr.contains("no code 0123456789abcdef"),
        "{}",
        r.stderr
    );
    // One character of a kept payload changed: the checksum and chain refuse it.
    let text = std::fs::read_to_string(p.join("ledger.jsonl")).unwrap();
    let at = text.find("\"payload\":\"PQ1:").unwrap() + 16;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(p.join("ledger.jsonl"), bytes).unwrap();
    let r = payqr(
        p,
        &[
            "notice",
            &id,
            "--ledger",
            "ledger.jsonl",
            "--trust",
            "trust.json",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.is_empty());
}

#[test]
fn old_ledgers_stay_readable_and_say_why_no_reprint() {
    let d = setup();
    let p = d.path();
    // A CSV ledger keeps its columns (no payload): still written and read.
    issue_batch(p, "ledger.csv");
    let id = code_ids(p).remove(0);
    payqr(p, &["ledger", "check", "--ledger", "ledger.csv"]).expect(0);
    let r = payqr(
        p,
        &[
            "notice",
            &id,
            "--ledger",
            "ledger.csv",
            "--trust",
            "trust.json",
        ],
    )
    .expect(2);
    assert!(
        r.stderr.contains("does not keep this code's payload"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--reissue"), "{}", r.stderr);
    let header = std::fs::read_to_string(p.join("ledger.csv")).unwrap();
    assert!(
        !header.lines().next().unwrap().contains("payload,"),
        "{header}"
    );
}
