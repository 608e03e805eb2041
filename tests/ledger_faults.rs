//! Fault injection: the n-th write, fsync or rename fails (EIO, ENOSPC, or a
//! write torn half way), for every n the command reaches. Each time the
//! command exits non-zero, prints no success, and leaves a ledger that opens
//! with exactly the records it had; without a fault it succeeds.
//!
//! Faults come from PAYQR_FAULT=OP:N:KIND, honoured by debug builds only.

mod common;

use std::path::Path;

use common::*;
use payqr::ledger::{Ledger, LedgerState};

const FAULTS: [(&str, &str); 7] = [
    ("write", "eio"),
    ("write", "enospc"),
    ("write", "torn"),
    ("fsync", "eio"),
    ("fsync", "enospc"),
    ("rename", "eio"),
    ("rename", "enospc"),
];

fn run_with(dir: &Path, args: &[&str], stdin: &str, fault: Option<String>) -> Run {
    let mut cmd = common::command();
    cmd.current_dir(dir)
        .args(args)
        // Keep an index from the first record and rewrite it whenever its
        // tail holds a record, so index writes and renames are hit too.
        .env("PAYQR_TEST_INDEX", "1,1")
        .env_remove("PAYQR_FAULT");
    if let Some(f) = fault {
        cmd.env("PAYQR_FAULT", f);
    }
    let out = common::run_cmd(cmd, stdin);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

fn state(path: &Path) -> LedgerState {
    let l = Ledger::new(path);
    let lock = l.lock_shared().unwrap();
    l.load(&lock)
        .unwrap_or_else(|e| panic!("{}: ledger does not open: {e}", path.display()))
}

/// Checks a faulted run, given the ledger's bytes before and after.
type Faulted<'a> = dyn Fn(&Run, &[u8], &[u8]) + 'a;

/// Runs `args` once per fault and per n until a run meets no fault;
/// `prepare` resets the ledger; `success` is what a successful run prints.
/// After each fault, `faulted` checks the run and the ledger's bytes
/// before and after. Returns how many faults fired.
fn every_fault(
    dir: &Path,
    ledger: &Path,
    prepare: &dyn Fn(),
    args: &[&str],
    stdin: &str,
    success: &str,
    faulted: &Faulted<'_>,
) -> usize {
    let mut fired = 0;
    for (op, kind) in FAULTS {
        for n in 1.. {
            prepare();
            let before = std::fs::read(ledger).unwrap_or_default();
            let r = run_with(dir, args, stdin, Some(format!("{op}:{n}:{kind}")));
            let hit = r.stderr.contains("os error 5") || r.stderr.contains("os error 28");
            if !hit {
                assert_eq!(r.code, 0, "{op}:{n}:{kind}: {}", r.stderr);
                assert!(r.stdout.contains(success) || r.stderr.contains(success));
                break;
            }
            fired += 1;
            eprintln!("  {op}:{n}:{kind}: {}", r.stderr.trim());
            assert_eq!(r.code, 2, "{op}:{n}:{kind}: {}", r.stderr);
            let after = std::fs::read(ledger).unwrap_or_default();
            if ledger.exists() {
                assert!(!state(ledger).torn_tail, "{op}:{n}:{kind}: torn tail left");
            }
            faulted(&r, &before, &after);
        }
    }
    fired
}

/// Nothing was acknowledged and nothing changed (a torn write was cut back).
fn unchanged(success: &'static str) -> impl Fn(&Run, &[u8], &[u8]) {
    move |r, before, after| {
        assert!(!r.stdout.contains(success) && !r.stderr.contains(success));
        assert!(
            before == after,
            "ledger changed:\n{}",
            String::from_utf8_lossy(after)
        );
    }
}

#[test]
fn redeem_and_batch_issue_survive_every_fault() {
    let d = setup();
    let texts = issue_many(d.path(), "F", 3);
    let input: String = texts.iter().map(|t| format!("{t}\n")).collect();
    for ext in ["jsonl", "csv"] {
        // A ledger with two issued codes, no index yet.
        let (ledger_s, base_s) = match ext {
            "jsonl" => ("f.jsonl", "base.jsonl"),
            _ => ("f.csv", "base.csv"),
        };
        let (ledger, base) = (d.path().join(ledger_s), d.path().join(base_s));
        let rows = "reference,amount\nB1,10.00\nB2,20.00\n";
        std::fs::write(d.path().join("rows.csv"), rows).unwrap();
        let issue = [
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
            "--expires-in",
            "4h",
            "--now",
            ISSUED,
            "--ledger",
        ];
        let issue_into = |to: &'static str| [&issue[..], &[to]].concat();
        let r = run_with(d.path(), &issue_into(base_s), "", None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let reset = || {
            std::fs::copy(&base, &ledger).unwrap();
            let _ = std::fs::remove_file(Ledger::new(&ledger).index_path());
            // A reset behind payqr's back is a loss its checkpoint would show.
            let _ = std::fs::remove_file(Ledger::new(&ledger).checkpoint_path());
        };

        let redeem = [
            "redeem",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--txn",
            "T",
            "--ledger",
            ledger_s,
            "-",
        ];
        // Stdin lines that arrived apart are separate batches: an earlier
        // batch may be acknowledged before a later one fails. Exactly the
        // acknowledged redemptions are in the ledger, never another.
        let acked_only = |r: &Run, _: &[u8], _: &[u8]| {
            let acked = r.stdout.matches("REDEEMED: ").count();
            let st = state(&ledger);
            assert_eq!((st.records, st.redeemed.len()), (2 + acked as u64, acked));
        };
        let fired = every_fault(
            d.path(),
            &ledger,
            &reset,
            &redeem,
            &input,
            "REDEEMED: ",
            &acked_only,
        );
        // Index write + fsync + rename, ledger write + fsync, each kind.
        assert!(fired >= 11, "{ext}: only {fired} faults reached");
        assert_eq!(state(&ledger).redeemed.len(), 3);
        eprintln!("{ext}: redeem: {fired} injected faults");

        let no_ledger = || {
            let _ = std::fs::remove_file(&ledger);
            // The evidence of the deleted ledger goes with it.
            let _ = std::fs::remove_file(Ledger::new(&ledger).index_path());
            let _ = std::fs::remove_file(Ledger::new(&ledger).checkpoint_path());
        };
        let fired = every_fault(
            d.path(),
            &ledger,
            &no_ledger,
            &issue_into(ledger_s),
            "",
            "payqr: issued 2",
            &unchanged("payqr: issued 2"),
        );
        assert!(fired >= 5, "{ext}: only {fired} faults reached");
        assert_eq!(state(&ledger).issued.len(), 2);
        eprintln!("{ext}: batch issue: {fired} injected faults");

        let torn = || {
            reset();
            let mut b = std::fs::read(&base).unwrap();
            b.extend_from_slice(b"{\"seq\":3,");
            std::fs::write(&ledger, b).unwrap();
        };
        let repair = ["ledger", "repair", "--ledger", ledger_s];
        // The cut may reach the file before its sync fails: either way the
        // ledger opens with the same records.
        let whole = std::fs::read(&base).unwrap();
        let same_or_cut = |r: &Run, before: &[u8], after: &[u8]| {
            assert!(!r.stdout.contains("cut 9"));
            assert!(
                after == before || after == whole,
                "{}",
                String::from_utf8_lossy(after)
            );
        };
        let fired = every_fault(
            d.path(),
            &ledger,
            &torn,
            &repair,
            "",
            "cut 9 byte",
            &same_or_cut,
        );
        assert!(fired >= 2, "{ext}: only {fired} faults reached");
        assert!(!state(&ledger).torn_tail);
        eprintln!("{ext}: repair: {fired} injected faults");
    }
}
