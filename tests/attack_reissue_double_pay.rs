//! Issue 13, route 1: a reissued fine must not leave the old code payable.
//! The old code is refused (`replaced`, naming its successor) by verify and
//! redeem, whether the ledger is read in full or through its index, in
//! JSON-lines and CSV ledgers; a paid code is not reissued; reconcile never
//! matches a payment to a replaced code; and `ledger check` finds a
//! reference paid twice in a ledger written before these rules.

mod common;
use common::*;

use std::path::Path;

const ROW: &str = "reference,amount,expires_in\n京A12345,200.00,4h\n";

/// Issues (or with `reissue`, reissues) the one fine of `one.csv`; returns
/// the run and the manifest row (code_id, payload, replaces).
fn issue(d: &Path, ledger: &str, run: &str, reissue: bool) -> (Run, Option<[String; 3]>) {
    let manifest = format!("m-{run}.csv");
    let mut args = fines_batch(
        "one.csv",
        run,
        &["--ledger", ledger, "--manifest", &manifest],
    );
    if reissue {
        args.push("--reissue");
    }
    let r = payqr(d, &args);
    let text = std::fs::read_to_string(d.join(&manifest)).unwrap_or_default();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let row = rdr.records().next().map(|rec| {
        let rec = rec.unwrap();
        [
            rec[col("code_id")].to_string(),
            rec[col("payload")].to_string(),
            rec[col("replaces")].to_string(),
        ]
    });
    (r, row)
}

fn redeem(d: &Path, ledger: &str, payload: &str, env: &[(&str, &str)]) -> Run {
    let mut cmd = common::command();
    cmd.current_dir(d).args([
        "redeem",
        "--trust",
        "trust.json",
        "--at",
        DURING,
        "--ledger",
        ledger,
        "--txn",
        "R1",
        "-",
    ]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_cmd(cmd, &format!("{payload}\n"))
}

fn verify(d: &Path, ledger: &str, payload: &str) -> Run {
    payqr(
        d,
        &[
            "verify",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--ledger",
            ledger,
            "--text",
            payload,
        ],
    )
}

#[test]
fn a_replaced_code_is_refused_and_a_paid_code_is_not_reissued() {
    // No index, then an index for every ledger (the path `redeem -` and
    // `verify --ledger` take on big ledgers).
    for env in [vec![], vec![("PAYQR_TEST_INDEX", "1,0")]] {
        for ledger in ["l.jsonl", "l.csv"] {
            let d = setup();
            let p = d.path();
            std::fs::write(p.join("one.csv"), ROW).unwrap();
            let (r, a) = issue(p, ledger, "a", false);
            r.expect(0);
            let a = a.unwrap();
            let (r, b) = issue(p, ledger, "b", true);
            r.expect(0);
            let b = b.unwrap();
            assert_eq!(b[2], a[0], "the reissue names the code it replaces");

            // The old code: refused by redeem and by verify, naming B.
            let r = redeem(p, ledger, &a[1], &env).expect(1);
            assert!(r.stdout.contains("REFUSED: replaced"), "{}", r.stdout);
            assert!(r.stdout.contains(&b[0]), "names the new code: {}", r.stdout);
            let r = verify(p, ledger, &a[1]).expect(1);
            assert!(r.stdout.contains("replaced"), "{}", r.stdout);
            assert!(r.stdout.contains(&b[0]), "{}", r.stdout);

            // A chain: B replaced by C. A names its direct successor B, B names C.
            let (r, c) = issue(p, ledger, "c", true);
            r.expect(0);
            let c = c.unwrap();
            assert_eq!(c[2], b[0]);
            for (old, new) in [(&a, &b), (&b, &c)] {
                let r = redeem(p, ledger, &old[1], &env).expect(1);
                assert!(r.stdout.contains("REFUSED: replaced"), "{}", r.stdout);
                assert!(r.stdout.contains(&new[0]), "{}", r.stdout);
            }

            // The newest code is paid once.
            redeem(p, ledger, &c[1], &env).expect(0);
            let r = redeem(p, ledger, &c[1], &env).expect(1);
            assert!(
                r.stdout.contains("REFUSED: already_redeemed"),
                "{}",
                r.stdout
            );

            // A paid code is not reissued: the ledger gains no record.
            let before = std::fs::read(p.join(ledger)).unwrap();
            let (r, d2) = issue(p, ledger, "d", true);
            let r = r.expect(1);
            assert!(r.stderr.contains("not reissued"), "{}", r.stderr);
            assert!(r.stderr.contains(&c[0]), "{}", r.stderr);
            assert!(d2.is_none(), "no code issued");
            assert_eq!(std::fs::read(p.join(ledger)).unwrap(), before);

            let r = payqr(p, &["ledger", "check", "--ledger", ledger]).expect(0);
            assert!(r.stdout.contains("1 redeemed"), "{}", r.stdout);
        }
    }
}

#[test]
fn reconcile_never_matches_a_payment_to_a_replaced_code() {
    let d = setup();
    let p = d.path();
    std::fs::write(p.join("one.csv"), ROW).unwrap();
    let (r, a) = issue(p, "l.jsonl", "a", false);
    r.expect(0);
    let (r, b) = issue(p, "l.jsonl", "b", true);
    r.expect(0);
    let (a, b) = (a.unwrap(), b.unwrap());
    let s = format!(
        "code_id,amount,currency,paid_at,txn_id\n{},200.00,CNY,2026-11-23T09:00:00+08:00,TX1\n",
        a[0]
    );
    std::fs::write(p.join("s.csv"), s).unwrap();
    let r = payqr(
        p,
        &[
            "reconcile",
            "--ledger",
            "l.jsonl",
            "--settlement",
            "s.csv",
            "--at",
            DURING,
            "--report",
            "r.jsonl",
            "--apply",
        ],
    );
    assert_eq!(
        r.code, 1,
        "a replaced payment is a discrepancy: {}",
        r.stderr
    );
    let report = std::fs::read_to_string(p.join("r.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let paid = rows
        .iter()
        .find(|r| r["code_id"] == a[0].as_str() && r["source"] == "settlement")
        .expect("the payment row");
    assert_eq!(paid["status"], "replaced", "{paid}");
    assert!(paid["note"].as_str().unwrap().contains(&b[0]), "{paid}");
    // The successor is still owed; the replaced code is not listed as owed.
    assert!(
        rows.iter()
            .any(|r| r["code_id"] == b[0].as_str() && r["status"] == "unpaid_open")
    );
    assert!(
        !rows
            .iter()
            .any(|r| r["code_id"] == a[0].as_str() && r["source"] == "ledger")
    );
    // --apply wrote no redemption.
    let r = payqr(p, &["ledger", "check", "--ledger", "l.jsonl"]).expect(0);
    assert!(r.stdout.contains("0 redeemed"), "{}", r.stdout);
}

/// Rewrites a JSON-lines ledger's `prev` and `crc` fields (as payqr writes
/// them: FORMAT.md §4) after lines were edited, so only the rules checked
/// beyond the chain can find the edit.
fn rechain(lines: &[String]) -> String {
    use sha2::Digest;
    let mut prev = [0u8; 16];
    let mut out = String::new();
    for l in lines {
        let mut v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(l).unwrap();
        v.remove("prev");
        v.remove("crc");
        let mut body = serde_json::to_string(&v).unwrap();
        body.pop();
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        body.push_str(&format!(r#","prev":"{}""#, hex(&prev)));
        let crc = crc32fast::hash(body.as_bytes());
        let line = format!(r#"{body},"crc":"{crc:08x}"}}"#);
        prev.copy_from_slice(&sha2::Sha256::digest(line.as_bytes())[..16]);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn ledger_check_reports_a_reference_paid_twice_through_a_reissue() {
    let d = setup();
    let p = d.path();
    std::fs::write(p.join("one.csv"), ROW).unwrap();
    let (r, a) = issue(p, "l.jsonl", "a", false);
    r.expect(0);
    let (r, b) = issue(p, "l.jsonl", "b", true);
    r.expect(0);
    let (a, b) = (a.unwrap(), b.unwrap());
    redeem(p, "l.jsonl", &b[1], &[]).expect(0);
    // What payqr 0.1 let happen: the old code redeemed as well.
    let text = std::fs::read_to_string(p.join("l.jsonl")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let paid_b = lines.last().unwrap().clone();
    let mut v: serde_json::Value = serde_json::from_str(&paid_b).unwrap();
    v["code_id"] = a[0].as_str().into();
    v["seq"] = (lines.len() as u64 + 1).into();
    lines.push(v.to_string());
    std::fs::write(p.join("l.jsonl"), rechain(&lines)).unwrap();
    let r = payqr(p, &["ledger", "check", "--ledger", "l.jsonl"]).expect(1);
    assert!(r.stdout.contains("paid twice"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&a[0]) && r.stdout.contains(&b[0]),
        "{}",
        r.stdout
    );
    let r = payqr(p, &["ledger", "check", "--ledger", "l.jsonl", "--json"]).expect(1);
    assert_eq!(json(&r)["double_payments"].as_array().unwrap().len(), 1);
}
