//! Issue 13, route 3: records cut off the end of a ledger whose index
//! remembers them must stop every writer (exit 2) and `verify --ledger`,
//! not be re-indexed away, until `payqr ledger repair --record-loss`
//! records the loss in the ledger itself, where `ledger check` and
//! `reconcile` report it from then on.

mod common;
use common::*;

use std::path::Path;

/// Small limits so a test-sized ledger keeps an index, folded after every
/// command (debug builds only): the index always covers the whole ledger.
const INDEX: (&str, &str) = ("PAYQR_TEST_INDEX", "10,0");

fn run(d: &Path, args: &[&str], input: &str) -> Run {
    let mut cmd = common::command();
    cmd.current_dir(d).args(args).env(INDEX.0, INDEX.1);
    run_cmd(cmd, input)
}

fn redeem(d: &Path, ledger: &str, payload: &str) -> Run {
    run(
        d,
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--ledger",
            ledger,
            "--txn",
            "T",
            "-",
        ],
        &format!("{payload}\n"),
    )
}

/// Issues `n` fines into `ledger`; returns their payloads in ledger order.
fn issue(d: &Path, ledger: &str, n: usize) -> Vec<String> {
    let mut rows = String::from("reference,amount,expires_in\n");
    for i in 0..n {
        rows.push_str(&format!("F{i},10.00,4h\n"));
    }
    std::fs::write(d.join("rows.csv"), rows).unwrap();
    run(
        d,
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--from",
            "rows.csv",
            "--out-dir",
            "out",
            "--kind",
            "fine",
            "--currency",
            "CNY",
            "--payee",
            "X",
            "--now",
            ISSUED,
            "--ledger",
            ledger,
            "--manifest",
            "m.csv",
        ],
        "",
    )
    .expect(0);
    manifest_payloads(&d.join("m.csv"))
}

fn cut_last_lines(path: &Path, n: usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(path, lines[..lines.len() - n].join("\n") + "\n").unwrap();
}

#[test]
fn a_truncated_ledger_stops_writers_until_the_loss_is_recorded() {
    for ledger in ["l.jsonl", "l.csv"] {
        let d = setup();
        let p = d.path();
        let codes = issue(p, ledger, 30);
        for c in &codes[..3] {
            redeem(p, ledger, c).expect(0);
        }
        assert!(p.join(format!("{ledger}.idx")).exists());
        // The 3 redemptions and 7 issued codes cut off the end.
        cut_last_lines(&p.join(ledger), 10);
        let idx = std::fs::read(p.join(format!("{ledger}.idx"))).unwrap();
        // What the checkpoint vouches for (every append rewrites it;
        // FORMAT.md §4: records at byte 16) beyond the records left: all
        // 10 cut records, where the index saw only what it had folded in.
        let ckpt = std::fs::read(p.join(format!("{ledger}.ckpt"))).unwrap();
        let covered = u64::from_le_bytes(ckpt[16..24].try_into().unwrap());
        let header = u64::from(ledger.ends_with(".csv"));
        let text = std::fs::read_to_string(p.join(ledger)).unwrap();
        let left = text.lines().count() as u64 - header;
        let lost = covered - left;
        assert_eq!(lost, 10, "{covered} {left}");

        // Every writer refuses, naming the ledger and what is missing; a
        // code whose redemption was cut is not accepted again.
        let r = redeem(p, ledger, &codes[0]).expect(2);
        assert!(r.stderr.contains(ledger), "{}", r.stderr);
        assert!(r.stderr.contains("lost records"), "{}", r.stderr);
        assert!(r.stderr.contains("--record-loss"), "{}", r.stderr);
        let r = run(
            p,
            &[
                "issue",
                "--key",
                "test-issuer.key",
                "--amount",
                "1",
                "--currency",
                "CNY",
                "--payee",
                "X",
                "--ref",
                "NEW",
                "--expires-in",
                "4h",
                "--ledger",
                ledger,
            ],
            "",
        )
        .expect(2);
        assert!(r.stderr.contains("lost records"), "{}", r.stderr);
        std::fs::write(
            p.join("s.csv"),
            "code_id,amount,currency,paid_at,txn_id\n0000000000000001,1,CNY,2026-11-23T09:00:00+08:00,T\n",
        )
        .unwrap();
        let reconcile = [
            "reconcile",
            "--ledger",
            ledger,
            "--settlement",
            "s.csv",
            "--at",
            DURING,
            "--json",
        ];
        let mut apply = reconcile.to_vec();
        apply.push("--apply");
        let r = run(p, &apply, "").expect(2);
        assert!(r.stderr.contains("lost records"), "{}", r.stderr);
        // Readers report it too.
        let r = run(
            p,
            &[
                "verify",
                "--trust",
                "trust.json",
                "--at",
                DURING,
                "--ledger",
                ledger,
                "--text",
                &codes[0],
            ],
            "",
        )
        .expect(2);
        assert!(r.stderr.contains("lost records"), "{}", r.stderr);
        let r = run(p, &["ledger", "check", "--ledger", ledger], "").expect(1);
        assert!(r.stdout.contains("records were removed"), "{}", r.stdout);
        // Nothing above rewrote the index, the evidence.
        assert_eq!(std::fs::read(p.join(format!("{ledger}.idx"))).unwrap(), idx);

        // Plain repair does not make it go away.
        let r = run(p, &["ledger", "repair", "--ledger", ledger], "").expect(1);
        assert!(r.stderr.contains("--record-loss"), "{}", r.stderr);
        redeem(p, ledger, &codes[0]).expect(2);

        // Recording the loss: a chained record saying what was lost.
        let r = run(
            p,
            &["ledger", "repair", "--ledger", ledger, "--record-loss"],
            "",
        )
        .expect(0);
        assert!(
            r.stdout.contains(&format!("{lost} record(s)")),
            "{}",
            r.stdout
        );
        let text = std::fs::read_to_string(p.join(ledger)).unwrap();
        let last = text.lines().last().unwrap();
        assert!(
            last.contains("lost") && last.contains(&format!("records={lost};")),
            "{last}"
        );
        // ledger check passes, and reports the loss every time.
        for _ in 0..2 {
            let r = run(p, &["ledger", "check", "--ledger", ledger], "").expect(0);
            assert!(r.stdout.contains("records a loss"), "{}", r.stdout);
            assert!(
                r.stdout.contains(&format!("{lost} record(s)")),
                "{}",
                r.stdout
            );
        }
        // So does reconcile, on stderr and in its JSON.
        let r = run(p, &reconcile, "");
        assert!(r.stderr.contains("records a loss"), "{}", r.stderr);
        let v = json(&r);
        assert_eq!(v["ledger_losses"][0]["records"], lost, "{v}");
        // Writers work again.
        redeem(p, ledger, &codes[5]).expect(0);
        let r = run(p, &["ledger", "check", "--ledger", ledger], "").expect(0);
        assert!(r.stdout.contains("records a loss"), "{}", r.stdout);
    }
}

#[test]
fn a_deleted_ledger_with_its_index_left_is_a_loss() {
    let d = setup();
    let p = d.path();
    let codes = issue(p, "l.jsonl", 12);
    redeem(p, "l.jsonl", &codes[0]).expect(0);
    std::fs::remove_file(p.join("l.jsonl")).unwrap();
    let r = redeem(p, "l.jsonl", &codes[0]).expect(2);
    assert!(r.stderr.contains("is missing"), "{}", r.stderr);
    assert!(!p.join("l.jsonl").exists(), "nothing was written");
}

/// Without an index (a ledger under 10,000 records has none), or past the
/// part the index covers, the checkpoint every append leaves beside the
/// ledger (`LEDGER.ckpt`) is the evidence.
#[test]
fn records_cut_past_the_index_or_without_one_are_seen() {
    for ledger in ["l.jsonl", "l.csv"] {
        let d = setup();
        let p = d.path();
        let codes = issue(p, ledger, 5);
        let plain = |args: &[&str], input: &str| {
            let mut cmd = common::command();
            cmd.current_dir(p).args(args).env_remove("PAYQR_TEST_INDEX");
            run_cmd(cmd, input)
        };
        let redeem_args = [
            "redeem",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--ledger",
            ledger,
            "-",
        ];
        for c in &codes[..2] {
            plain(&redeem_args, &format!("{c}\n")).expect(0);
        }
        // `issue` above ran with a small index limit: drop its index so
        // only the checkpoint is left to tell.
        let _ = std::fs::remove_file(p.join(format!("{ledger}.idx")));
        cut_last_lines(&p.join(ledger), 1);
        let r = plain(&redeem_args, &format!("{}\n", codes[1])).expect(2);
        assert!(r.stderr.contains(".ckpt"), "{}", r.stderr);
        plain(&["ledger", "check", "--ledger", ledger], "").expect(1);
        let r = plain(
            &["ledger", "repair", "--ledger", ledger, "--record-loss"],
            "",
        )
        .expect(0);
        assert!(r.stdout.contains("1 record(s)"), "{}", r.stdout);
        let r = plain(&["ledger", "check", "--ledger", ledger], "").expect(0);
        assert!(r.stdout.contains("records a loss"), "{}", r.stdout);
        plain(&redeem_args, &format!("{}\n", codes[2])).expect(0);
    }
}
