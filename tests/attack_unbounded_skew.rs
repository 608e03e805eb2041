//! Issue 13, route 10: time claims that widen what is valid.
//!
//! - `--skew` had no bound: `--skew 18446744073709551615s` made a 2026
//!   code valid in 1970 and in 2099. Now more than 1h is refused (exit 2).
//! - `redeem --at` redeemed a code as of a claimed time (e.g. before it
//!   expired) while the ledger recorded only the wall clock. Now the
//!   redemption record carries both: `time` (wall clock) and `judged_at`.

mod common;
use common::*;

use sha2::{Digest, Sha256};

fn verify_at(d: &std::path::Path, at: &str, skew: &str, text: &str) -> Run {
    payqr(
        d,
        &[
            "verify",
            "--trust",
            "trust.json",
            "--json",
            "--at",
            at,
            "--skew",
            skew,
            "--text",
            text,
        ],
    )
}

#[test]
fn skew_beyond_an_hour_is_refused() {
    let d = setup();
    let text = issue_one(d.path(), "京A12345", &[]);
    // 1970 and 2099, with the skew that made both valid.
    for at in ["@0", "2099-01-01T00:00:00Z", DURING] {
        for skew in ["18446744073709551615s", "1h1s", "2h", "1d", "3w"] {
            let r = verify_at(d.path(), at, skew, &text).expect(2);
            assert!(
                r.stderr.contains("more than the limit of 1h"),
                "{}",
                r.stderr
            );
            assert!(r.stdout.is_empty(), "{}", r.stdout);
        }
    }
    // The limit itself is accepted, and widens validity by exactly that.
    // The code: issued 08:00 +08:00, expires 4h later (12:00 +08:00).
    let status = |at: &str, skew: &str| {
        let r = verify_at(d.path(), at, skew, &text);
        json(&r)["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status("2026-11-23T13:00:00+08:00", "1h"), "valid");
    assert_eq!(status("2026-11-23T13:00:01+08:00", "1h"), "expired");
    assert_eq!(status("2026-11-23T07:00:00+08:00", "60m"), "valid");
    assert_eq!(
        status("2026-11-23T06:59:59+08:00", "3600s"),
        "not_yet_valid"
    );
    assert_eq!(status("2026-11-23T06:59:59+08:00", "5m"), "not_yet_valid");
    // redeem shares the flag and the limit.
    let r = payqr(
        d.path(),
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--ledger",
            "l.jsonl",
            "--at",
            "@0",
            "--skew",
            "18446744073709551615s",
            "--text",
            &text,
        ],
    )
    .expect(2);
    assert!(
        r.stderr.contains("more than the limit of 1h"),
        "{}",
        r.stderr
    );
    assert!(!d.path().join("l.jsonl").exists());
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn utc(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s:?}: {e}"))
        .timestamp()
}

fn redeem_at(d: &std::path::Path, ledger: &str, at: &str, text: &str) -> Run {
    payqr(
        d,
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--ledger",
            ledger,
            "--at",
            at,
            // Human text in this zone; the ledger and JSON stay UTC.
            "--tz",
            "+08:00",
            "--json",
            "--text",
            text,
        ],
    )
}

#[test]
fn redeem_at_records_the_claimed_time_beside_the_wall_clock() {
    let d = setup();
    let text = issue_one(d.path(), "京A12345", &["--ledger", "l.jsonl"]);
    // Judged as of DURING (09:00 +08:00, before the code expired at 12:00),
    // though the wall clock may be long past it.
    let before = now_secs();
    let r = redeem_at(d.path(), "l.jsonl", DURING, &text).expect(0);
    let after = now_secs();
    let ledger = std::fs::read_to_string(d.path().join("l.jsonl")).unwrap();
    let line = ledger.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["event"], "redeemed", "{line}");
    assert_eq!(v["judged_at"], "2026-11-23T01:00:00Z", "{line}");
    let t = utc(v["time"].as_str().unwrap());
    assert!((before - 1..=after + 1).contains(&t), "{line}");
    // The note is human text: in --tz, as every time a person reads.
    assert!(
        r.stderr
            .contains("judging as of 2026-11-23 09:00:00 +08:00 (--at)"),
        "{}",
        r.stderr
    );
    payqr(d.path(), &["ledger", "check", "--ledger", "l.jsonl"]).expect(0);
    // The record is believed like any other: a second redemption is refused.
    redeem_at(d.path(), "l.jsonl", DURING, &text).expect(1);
    // Without --at nothing is claimed (the code is judged now).
    let fresh = payqr(
        d.path(),
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--amount",
            "1.00",
            "--currency",
            "CNY",
            "--payee",
            "P",
            "--ref",
            "now",
            "--expires-in",
            "1h",
            "--ledger",
            "l.jsonl",
        ],
    )
    .expect(0)
    .stdout;
    payqr(
        d.path(),
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--ledger",
            "l.jsonl",
            "--text",
            fresh.trim(),
        ],
    )
    .expect(0);
    let ledger = std::fs::read_to_string(d.path().join("l.jsonl")).unwrap();
    let last = ledger.lines().last().unwrap();
    assert!(
        last.contains(r#""event":"redeemed""#) && !last.contains("judged_at"),
        "{last}"
    );
}

/// Every record of a CSV file, read strictly: a row wider or narrower than
/// the header is an error, as it is to other tools.
fn strict_csv(path: &std::path::Path) -> Vec<csv::StringRecord> {
    let mut r = csv::ReaderBuilder::new().from_path(path).unwrap();
    r.records()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A CSV ledger as payqr wrote it before the `judged_at` column: the same
/// records without that column, checksums and chain made anew.
fn legacy_copy(new: &str) -> String {
    let mut lines = new.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(",judged_at,prev,crc"), "{header}");
    let mut out = header.replace(",judged_at,prev,crc", ",prev,crc") + "\n";
    let mut prev = [0u8; 16];
    for line in lines {
        let mut parts = line.rsplitn(3, ',');
        let (_crc, _prev, record) = (parts.next(), parts.next(), parts.next().unwrap());
        let record = record.strip_suffix(',').expect("empty judged_at last");
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let body = format!("{record},{}", hex(&prev));
        let crc = hex(&crc32fast::hash(body.as_bytes()).to_be_bytes());
        let line = format!("{body},{crc}");
        prev.copy_from_slice(&Sha256::digest(line.as_bytes())[..16]);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn csv_ledgers_record_both_times_and_old_ones_stay_readable() {
    let d = setup();
    let a = issue_one(d.path(), "京A1", &["--ledger", "l.csv"]);
    issue_one(d.path(), "京A2", &["--ledger", "l.csv"]);
    let new = std::fs::read_to_string(d.path().join("l.csv")).unwrap();
    // A CSV ledger written by payqr before judged_at.
    let old = legacy_copy(&new);
    std::fs::write(d.path().join("old.csv"), &old).unwrap();
    payqr(d.path(), &["ledger", "check", "--ledger", "old.csv"]).expect(0);
    assert_eq!(strict_csv(&d.path().join("old.csv")).len(), 2);

    // New CSV ledger: the claimed time has its column.
    redeem_at(d.path(), "l.csv", DURING, &a).expect(0);
    let rows = strict_csv(&d.path().join("l.csv"));
    let header = csv::ReaderBuilder::new()
        .from_path(d.path().join("l.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let last = rows.last().unwrap();
    assert_eq!(&last[col("event")], "redeemed");
    assert_eq!(&last[col("judged_at")], "2026-11-23T01:00:00Z");
    assert!((utc(&last[col("time")]) - now_secs()).abs() < 60);
    payqr(d.path(), &["ledger", "check", "--ledger", "l.csv"]).expect(0);

    // The old ledger keeps its shape: appends match its header, and a
    // claim it has no column for is refused before anything is written.
    issue_one(d.path(), "京A3", &["--ledger", "old.csv"]);
    let grown = std::fs::read_to_string(d.path().join("old.csv")).unwrap();
    assert_eq!(grown.lines().next(), old.lines().next());
    assert_eq!(strict_csv(&d.path().join("old.csv")).len(), 3);
    let r = redeem_at(d.path(), "old.csv", DURING, &a).expect(2);
    assert!(
        r.stderr.contains("predates the judged_at column"),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("\"redeemed\":true"), "{}", r.stdout);
    assert_eq!(
        std::fs::read_to_string(d.path().join("old.csv")).unwrap(),
        grown
    );
    payqr(d.path(), &["ledger", "check", "--ledger", "old.csv"]).expect(0);
}
