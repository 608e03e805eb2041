//! Issue 13, route 2: the writer lock belongs to the ledger file, not to
//! the string that names it. Through a hard link, a symlink, a relative,
//! an absolute or a `..` path, a second writer waits for the first; two
//! `redeem` processes racing through two names never both redeem one code,
//! and the hash chain stays whole.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use payqr::ledger::Ledger;

fn redeem(dir: &Path, ledger: &str, txn: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_payqr"));
    cmd.current_dir(dir)
        .args(["redeem", "--trust", "trust.json", "--at", DURING, "--json"])
        .args(["--txn", txn, "--ledger", ledger, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Starts `cmd` with `payload` on its stdin.
fn start(mut cmd: Command, payload: &str) -> Child {
    use std::io::Write;
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{payload}\n").as_bytes()).unwrap();
    child
}

/// Whether `child` is still running after `wait`.
fn still_running(child: &mut Child, wait: Duration) -> bool {
    let until = Instant::now() + wait;
    while Instant::now() < until {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

/// The names of `d/l.jsonl` a user might type, relative to `d`.
fn aliases(d: &Path) -> Vec<(&'static str, String)> {
    let abs: PathBuf = d.join("l.jsonl");
    vec![
        ("hard link", "hard.jsonl".to_string()),
        ("symlink", "soft.jsonl".to_string()),
        ("relative", "./l.jsonl".to_string()),
        ("absolute", abs.display().to_string()),
        ("dot-dot", "sub/../l.jsonl".to_string()),
    ]
}

fn make_aliases(d: &Path) {
    let l = d.join("l.jsonl");
    std::fs::hard_link(&l, d.join("hard.jsonl")).unwrap();
    std::os::unix::fs::symlink(&l, d.join("soft.jsonl")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
}

/// Every record of the ledger, loaded and checked (chain, seq, no second
/// redemption).
fn check(d: &Path) -> payqr::ledger::LedgerState {
    let l = Ledger::new(&d.join("l.jsonl"));
    let lock = l.lock_shared().unwrap();
    l.load(&lock)
        .unwrap_or_else(|e| panic!("the ledger does not verify: {e}"))
}

#[test]
fn a_writer_through_any_name_waits_for_the_lock() {
    let d = setup();
    let texts = issue_many(d.path(), "W", 5);
    let ledger = d.path().join("l.jsonl");
    // One record, so the file and its names exist.
    let first = format!("reference,amount\nW-seed,1.00\n");
    std::fs::write(d.path().join("seed.csv"), first).unwrap();
    payqr(
        d.path(),
        &[
            "issue", "--key", "test-issuer.key", "--from", "seed.csv", "--out-dir", "out",
            "--kind", "fine", "--currency", "CNY", "--payee", "X", "--expires-in", "4h",
            "--now", ISSUED, "--ledger", "l.jsonl",
        ],
    )
    .expect(0);
    make_aliases(d.path());
    for ((what, alias), text) in aliases(d.path()).into_iter().zip(&texts) {
        let l = Ledger::new(&ledger);
        let held = l.lock().unwrap();
        let mut child = start(redeem(d.path(), &alias, what), text);
        let waited = still_running(&mut child, Duration::from_millis(1500));
        drop(held);
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            waited,
            "{what} ({alias}): redeem did not wait for the lock held on l.jsonl: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{what}: {stdout}");
        assert_eq!(acknowledged(&stdout).len(), 1, "{what}: {stdout}");
    }
    assert_eq!(check(d.path()).redeemed.len(), 5);
}

#[test]
fn two_redeems_through_two_names_never_both_redeem() {
    let d = setup();
    const ROUNDS: usize = 12;
    let texts = issue_many(d.path(), "R", ROUNDS);
    std::fs::write(d.path().join("l.jsonl"), b"").unwrap();
    make_aliases(d.path());
    let names = aliases(d.path());
    let mut doubles = Vec::new();
    for (round, text) in texts.iter().enumerate() {
        // The plain name against each other name in turn.
        let (what, other) = &names[round % names.len()];
        let mut a = redeem(d.path(), "l.jsonl", "A");
        let b = redeem(d.path(), other, "B");
        // Every third round the first writer's sync fails (ENOSPC): its
        // cut-back must never take the other writer's redemption with it.
        if round % 3 == 2 {
            a.env("PAYQR_FAULT", "fsync:1:enospc");
        }
        let (a, b) = (start(a, text), start(b, text));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let acked: Vec<String> = [&a, &b]
            .iter()
            .flat_map(|o| acknowledged(&String::from_utf8_lossy(&o.stdout)))
            .collect();
        if acked.len() > 1 {
            doubles.push(format!("round {round} ({what} {other}): both redeemed"));
        }
        let st = check(d.path());
        for id in &acked {
            assert!(
                st.redemption(&id.parse().unwrap()).is_some(),
                "round {round} ({what}): acknowledged redemption {id} was erased"
            );
        }
    }
    assert!(doubles.is_empty(), "{doubles:#?}");
}
