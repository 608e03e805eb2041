//! Issue 17, the clerk: `payqr notice CODE_ID` prints a lost notice again,
//! byte-identical, from the payload the ledger keeps; nothing is issued.

mod common;
use common::*;

use std::path::Path;

fn code_ids(p: &Path) -> Vec<String> {
    manifest_column(&p.join("m.csv"), "code_id")
}

fn file_of(p: &Path, id: &str, ext: &str) -> std::path::PathBuf {
    p.join("out").join(&id[..2]).join(format!("{id}.{ext}"))
}

#[test]
fn a_deleted_notice_is_printed_again_byte_for_byte() {
    let d = setup();
    let p = d.path();
    issue_notice_fines(p, "ledger.jsonl");
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
    issue_notice_fines(p, "ledger.jsonl");
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
    issue_notice_fines(p, "ledger.csv");
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

/// `payqr notice ARGS --ledger ledger.jsonl --tz +08:00`, then `extra`.
fn notice(p: &Path, what: &str, extra: &[&str]) -> Run {
    let mut args = vec!["notice", what, "--ledger", "ledger.jsonl", "--tz", "+08:00"];
    args.extend_from_slice(extra);
    payqr(p, &args)
}

#[test]
fn a_notice_is_found_by_its_reference_and_out_names_the_format() {
    let d = setup();
    let p = d.path();
    issue_notice_fines(p, "ledger.jsonl");
    let ids = code_ids(p);
    // By the reference the clerk knows (the plate), no trust list needed
    // for the QR image alone; `--out x.png` writes a PNG, not SVG text.
    notice(p, "京A12345", &["--out", "again.png"]).expect(0);
    assert!(
        std::fs::read(p.join("again.png")).unwrap()
            == std::fs::read(file_of(p, &ids[0], "png")).unwrap(),
        "the PNG printed by reference differs from the one issued"
    );
    // The notice needs the issuer's name: without --trust it says so.
    let r = notice(p, "京A12345", &["--out", "again.notice.svg"]).expect(2);
    assert!(r.stderr.contains("--trust"), "{}", r.stderr);
    assert!(!p.join("again.notice.svg").exists());
    notice(
        p,
        "京A12345",
        &["--trust", "trust.json", "--out", "again.notice.svg"],
    )
    .expect(0);
    assert!(
        std::fs::read(p.join("again.notice.svg")).unwrap()
            == std::fs::read(file_of(p, &ids[0], "notice.svg")).unwrap()
    );
    // A format its file name contradicts is refused, nothing written.
    let r = notice(p, &ids[1], &["--format", "png", "--out", "x.svg"]).expect(2);
    assert!(r.stderr.contains("--format png"), "{}", r.stderr);
    let r = notice(p, &ids[1], &["--format", "svg", "--out", "x.png"]).expect(2);
    assert!(r.stderr.contains("--format svg"), "{}", r.stderr);
    assert!(!p.join("x.svg").exists() && !p.join("x.png").exists());
    // `--ref` reads even 16 hex digits as a reference (none such here).
    let r = notice(p, &ids[1], &["--ref", "--format", "svg"]).expect(2);
    assert!(r.stderr.contains("no code"), "{}", r.stderr);
}

#[test]
fn a_replaced_or_cancelled_code_gets_no_notice_a_paid_one_a_copy() {
    let d = setup();
    let p = d.path();
    issue_notice_fines(p, "ledger.jsonl");
    let ids = code_ids(p);
    // Reissue 京A12345: the old code's notice would be refused at the
    // counter; its reference now prints the new code.
    std::fs::write(p.join("one.csv"), "reference,amount\n京A12345,200.00\n").unwrap();
    payqr(
        p,
        &fines_batch(
            "one.csv",
            "re",
            &[
                "--ledger",
                "ledger.jsonl",
                "--manifest",
                "re.csv",
                "--reissue",
                "--expires-in",
                "30d",
            ],
        ),
    )
    .expect(0);
    let new_id = manifest_column(&p.join("re.csv"), "code_id").swap_remove(0);
    assert_ne!(new_id, ids[0]);
    let r = notice(p, &ids[0], &["--format", "svg"]).expect(1);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains(&format!("replaced by code {new_id}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("payqr notice {new_id}")),
        "{}",
        r.stderr
    );
    notice(p, "京A12345", &["--out", "new.png"]).expect(0);
    let issued = p
        .join("re")
        .join(&new_id[..2])
        .join(format!("{new_id}.png"));
    assert!(std::fs::read(p.join("new.png")).unwrap() == std::fs::read(issued).unwrap());
    // Cancelled: refused with the reason.
    payqr(
        p,
        &cancel_args("ledger.jsonl", "issued by mistake", &[&new_id]),
    )
    .expect(0);
    let r = notice(p, "京A12345", &["--format", "svg"]).expect(1);
    assert!(
        r.stderr.contains("cancelled (issued by mistake)"),
        "{}",
        r.stderr
    );
    // Paid: printed as a copy for the records, with a warning (time in --tz).
    let payload = manifest_payloads(&p.join("m.csv")).swap_remove(1);
    payqr_stdin(
        p,
        &judge_args("redeem", &["--ledger", "ledger.jsonl", "-"]),
        &format!("{payload}\n"),
    )
    .expect(0);
    let r = notice(p, &ids[1], &["--format", "svg"]).expect(0);
    assert!(r.stdout.starts_with("<?xml"), "{}", r.stdout);
    assert!(
        r.stderr
            .contains(&format!("warning: code {} was already paid (", ids[1]))
            && r.stderr.contains("+08:00)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_reference_two_issuers_share_asks_for_the_issuer() {
    let d = setup();
    let p = d.path();
    keygen(p, "sh-water", "Water", "sh", &[]).expect(0);
    payqr(p, &["trust", "add", "sh.pub", "--trust", "trust.json"]).expect(0);
    let bj = issue_one(p, "R-1", &["--ledger", "ledger.jsonl", "--png", "bj.png"]);
    let mut args = single_args(
        "R-1",
        ISSUED,
        &["--ledger", "ledger.jsonl", "--png", "sh.png"],
    );
    args[2] = "sh.key";
    payqr(p, &args).expect(0);
    let r = notice(p, "R-1", &["--format", "png", "--out", "x.png"]).expect(2);
    assert!(
        r.stderr
            .contains("R-1 names codes of several issuers (bj-traffic "),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("sh-water "), "{}", r.stderr);
    assert!(!p.join("x.png").exists());
    for (issuer, png) in [("sh-water", "sh.png"), ("bj-traffic", "bj.png")] {
        notice(p, "R-1", &["--issuer", issuer, "--out", "x.png"]).expect(0);
        assert!(
            std::fs::read(p.join("x.png")).unwrap() == std::fs::read(p.join(png)).unwrap(),
            "{issuer}"
        );
    }
    assert!(bj.starts_with("PQ1:"));
}
