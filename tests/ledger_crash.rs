//! kill -9 torture: batch issues and redemptions are SIGKILLed at seeded
//! random moments. After every kill the ledger opens (once a torn last line
//! is repaired), every acknowledged redemption and every completed issue is
//! in it, and no code is redeemed twice (loading refuses a second one).
//!
//! 1,000 iterations by default; PAYQR_TORTURE_ITERATIONS=N for a long run.
//!
//! On Windows (run under Wine by scripts/wine-test.sh) the kill is
//! `TerminateProcess`, as abrupt as SIGKILL: no destructor, no flush. A
//! killed process exits with code 1 there, so a kill is counted when the
//! child was still running as it was killed. Process start is much slower
//! under Wine, so the kill window is stretched to what one uninterrupted
//! run takes on this machine.

mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use payqr::ledger::Ledger;

/// Iterations per ledger before a fresh one (alternately JSON lines, CSV).
const EPISODE: usize = 50;

#[test]
fn sigkill_at_random_moments_loses_nothing_acknowledged() {
    let iterations: usize = std::env::var("PAYQR_TORTURE_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let d = setup();
    let texts = issue_many(d.path(), "K", 16);
    let mut rng = Rng(0x6b11_1000);
    let (mut killed, mut torn, mut acked_total, mut issues_done) = (0, 0, 0, 0);
    let mut acked: Vec<String> = Vec::new();
    let mut issued_refs: Vec<String> = Vec::new();
    let mut ledger = d.path().join("none");
    // Kill anywhere from before start to after the end: the window is at
    // least what a whole run takes here (~15 ms for a redemption and ~50 ms
    // for an issue in a debug build on Linux; far more under Wine). It is
    // the median of five runs after a warm-up, each into a ledger of its
    // own: one cold first run (under Wine it starts the wineserver and
    // loads every DLL) made the window so wide that only 11 of 120 kills
    // landed mid-run there.
    let (redeem_window, issue_window) = {
        let time = |args: &[&str], input: &str| {
            let start = std::time::Instant::now();
            payqr_stdin(d.path(), args, input);
            start.elapsed().as_micros() as u64
        };
        let median = |run: &dyn Fn(usize) -> u64| {
            run(0);
            let mut t: Vec<u64> = (1..=5).map(run).collect();
            t.sort_unstable();
            t[2]
        };
        let issue = median(&|i| {
            let rows = format!("reference,amount\nC{i},10.00\n");
            std::fs::write(d.path().join(format!("rows{i}.csv")), rows).unwrap();
            let (rows, ledger) = (format!("rows{i}.csv"), format!("calib-i{i}.jsonl"));
            time(
                &["issue", "--key", "test-issuer.key", "--from", &rows]
                    .into_iter()
                    .chain(["--out-dir", "out", "--kind", "fine", "--currency", "CNY"])
                    .chain(["--payee", "X", "--expires-in", "4h", "--now", ISSUED])
                    .chain(["--ledger", &ledger])
                    .collect::<Vec<_>>(),
                "",
            )
        });
        let redeem = median(&|i| {
            let ledger = format!("calib-r{i}.jsonl");
            time(
                &["redeem", "--trust", "trust.json", "--at", DURING, "--json"]
                    .into_iter()
                    .chain(["--txn", "C", "--ledger", &ledger, "-"])
                    .collect::<Vec<_>>(),
                &texts[..4].join("\n"),
            )
        });
        (redeem.max(20_000), issue.max(60_000))
    };
    for it in 0..iterations {
        if it.is_multiple_of(EPISODE) {
            let ext = if (it / EPISODE).is_multiple_of(2) {
                "jsonl"
            } else {
                "csv"
            };
            ledger = d.path().join(format!("e{}.{ext}", it / EPISODE));
            acked.clear();
            issued_refs.clear();
        }
        let mut cmd = common::command();
        cmd.current_dir(d.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // One in eight iterations is a batch issue of two new codes; the
        // rest redeem 4 of the 16 codes, in one batch.
        let refs: Vec<String> = if rng.below(8) == 0 {
            let refs = vec![format!("I{it}a"), format!("I{it}b")];
            let rows = format!("reference,amount\n{},10.00\n{},20.00\n", refs[0], refs[1]);
            std::fs::write(d.path().join("rows.csv"), rows).unwrap();
            cmd.args(["issue", "--key", "test-issuer.key", "--from", "rows.csv"])
                .args(["--out-dir", "out", "--kind", "fine", "--currency", "CNY"])
                .args([
                    "--payee",
                    "X",
                    "--expires-in",
                    "4h",
                    "--now",
                    ISSUED,
                    "--ledger",
                ])
                .arg(&ledger);
            refs
        } else {
            cmd.args(["redeem", "--trust", "trust.json", "--at", DURING, "--json"])
                .args(["--txn", &format!("T{it}"), "--ledger"])
                .arg(&ledger)
                .arg("-");
            Vec::new()
        };
        let mut child = cmd.spawn().unwrap();
        let input: String = (0..4)
            .map(|_| format!("{}\n", texts[rng.below(texts.len() as u64) as usize]))
            .collect();
        // The child may already be gone: a broken pipe is part of the game.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        let window = if refs.is_empty() {
            redeem_window
        } else {
            issue_window
        };
        std::thread::sleep(Duration::from_micros(rng.below(window)));
        let running = child.try_wait().unwrap().is_none();
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        // Unix: killed by a signal, no exit code. Windows: TerminateProcess
        // makes it exit 1 (also payqr's "negative result"; a run still going
        // an instant before the kill did not exit on its own).
        let was_killed = if cfg!(windows) {
            running && out.status.code() == Some(1)
        } else {
            out.status.code().is_none()
        };
        if was_killed {
            killed += 1;
        }
        // Printed means acknowledged: redeem prints only after the fsync.
        let now_acked = acknowledged(&String::from_utf8_lossy(&out.stdout));
        acked_total += now_acked.len();
        acked.extend(now_acked);
        if out.status.code() == Some(0) && !refs.is_empty() {
            issues_done += 1;
            issued_refs.extend(refs);
        }

        let l = Ledger::new(&ledger);
        let lock = l.lock().unwrap();
        let mut state = l
            .load(&lock)
            .unwrap_or_else(|e| panic!("iteration {it}: the ledger does not open: {e}"));
        if state.torn_tail {
            torn += 1;
            l.repair(&lock).unwrap();
            state = l.load(&lock).unwrap();
            assert!(!state.torn_tail, "iteration {it}: repair left a torn tail");
        }
        for id in &acked {
            let key = payqr::ledger::CodeKey::of("bj-traffic", id.parse().unwrap());
            assert!(
                state.redemption(&key).is_some(),
                "iteration {it}: acknowledged redemption of {id} is missing"
            );
        }
        for r in &issued_refs {
            assert!(
                state.code_for_reference("bj-traffic", r).is_some(),
                "iteration {it}: issued code {r} is missing"
            );
        }
    }
    eprintln!(
        "{iterations} iterations: {killed} killed mid-run, {torn} torn tails repaired, \
         {acked_total} acknowledged redemptions and {issues_done} completed batch issues all present"
    );
    assert!(
        killed > iterations / 4,
        "kills should land mid-run: {killed}"
    );
}
