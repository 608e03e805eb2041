//! N processes redeem overlapping sets of codes at once, round after round:
//! no code is ever redeemed twice and no acknowledged redemption is lost.
//!
//! Run with PAYQR_TEST_NO_LOCK=1 (debug builds honour it) to see this test
//! fail without the ledger lock.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;
use payqr::ledger::Ledger;

const PROCESSES: usize = 8;
const ROUNDS: usize = 20;
const CODES: usize = 12;

fn rounds(ext: &str) {
    let d = setup();
    let texts = issue_many(d.path(), "C", CODES);
    let mut rng = Rng(0x5eed_0001);
    // Violations are counted, not asserted at once, so a run without the
    // lock reports how often each one happens.
    let (mut acks, mut doubles, mut lost, mut errors, mut broken) = (0, 0, 0, 0, 0);
    for round in 0..ROUNDS {
        let ledger = d.path().join(format!("r{round}.{ext}"));
        let children: Vec<_> = (0..PROCESSES)
            .map(|p| {
                // Each process gets 6 of the 12 codes, starting at a
                // different one, in a shuffled order: every code is wanted
                // by several processes at once.
                let mut mine: Vec<&String> = (0..6).map(|k| &texts[(p + k) % CODES]).collect();
                for i in (1..mine.len()).rev() {
                    mine.swap(i, rng.below(i as u64 + 1) as usize);
                }
                let mut cmd = common::command();
                cmd.current_dir(d.path())
                    .args(["redeem", "--trust", "trust.json", "--at", DURING, "--json"])
                    .args(["--txn", &format!("P{p}"), "--ledger"])
                    .arg(&ledger)
                    .arg("-")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                // Every other round goes through the index (kept from the
                // first record, its tail folded in after 2 records).
                if round % 2 == 1 {
                    cmd.env("PAYQR_TEST_INDEX", "1,2");
                }
                let mut child = cmd.spawn().unwrap();
                let input: String = mine.iter().map(|t| format!("{t}\n")).collect();
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(input.as_bytes())
                    .unwrap();
                (p, child)
            })
            .collect();
        let mut acked_by: Vec<(String, usize)> = Vec::new();
        for (p, child) in children {
            let out = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let code = out.status.code();
            if !matches!(code, Some(0 | 1)) {
                errors += 1;
                eprintln!(
                    "round {round} process {p}: exit {code:?}: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
            acked_by.extend(acknowledged(&stdout).into_iter().map(|id| (id, p)));
        }
        for (i, (id, _)) in acked_by.iter().enumerate() {
            acks += 1;
            if acked_by[..i].iter().any(|(other, _)| other == id) {
                doubles += 1;
            }
        }
        let l = Ledger::new(&ledger);
        let state = match l.load(&l.lock_shared().unwrap()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("round {round}: ledger broken: {e}");
                broken += 1;
                continue;
            }
        };
        for (id, p) in &acked_by {
            let key = payqr::ledger::CodeKey::of("bj-traffic", id.parse().unwrap());
            let r = state.redemption(&key);
            if r.and_then(|r| r.txn.as_deref()) != Some(format!("P{p}").as_str()) {
                lost += 1;
            }
        }
        // Every code was wanted by someone, and valid: each is redeemed once.
        if (state.redeemed.len(), state.records) != (CODES, CODES as u64) {
            eprintln!("round {round}: {} records", state.records);
            broken += 1;
        }
    }
    eprintln!(
        "{ext}: {PROCESSES} processes x {ROUNDS} rounds: {acks} acknowledged, \
         {doubles} double redemptions, {lost} lost, {errors} failed runs, {broken} bad ledgers"
    );
    assert_eq!((doubles, lost, errors, broken), (0, 0, 0, 0));
    assert_eq!(acks, ROUNDS * CODES);
}

#[test]
fn concurrent_redeemers_jsonl() {
    rounds("jsonl");
}

#[test]
fn concurrent_redeemers_csv() {
    rounds("csv");
}
