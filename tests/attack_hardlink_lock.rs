//! Issue 13, route 2: the writer lock belongs to the ledger file, not to
//! the string that names it. Through a hard link, a symlink, a relative,
//! an absolute or a `..` path, a second writer waits for the first; two
//! `redeem` processes racing through two names never both redeem one code,
//! and the hash chain stays whole.

// On Windows (run under Wine by scripts/wine-test.sh) every name but the
// symlink is played: Windows makes symlinks only with a privilege (Developer
// Mode or an administrator), which a test cannot count on.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use payqr::ledger::{Ledger, Record};

fn redeem(dir: &Path, ledger: &str, txn: &str) -> Command {
    let mut cmd = common::command();
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
    let mut v = vec![
        ("hard link", "hard.jsonl".to_string()),
        ("relative", "./l.jsonl".to_string()),
        ("absolute", abs.display().to_string()),
        ("dot-dot", "sub/../l.jsonl".to_string()),
    ];
    if cfg!(unix) {
        v.insert(1, ("symlink", "soft.jsonl".to_string()));
    }
    v
}

fn make_aliases(d: &Path) {
    let l = d.join("l.jsonl");
    std::fs::hard_link(&l, d.join("hard.jsonl")).unwrap();
    // Symlinks: Unix only (Windows makes them only with a privilege).
    #[cfg(unix)]
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
    let first = "reference,amount\nW-seed,1.00\n";
    std::fs::write(d.path().join("seed.csv"), first).unwrap();
    payqr(
        d.path(),
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--from",
            "seed.csv",
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
            "l.jsonl",
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
    // One redemption per name (4 on Windows, which has no symlink here).
    assert_eq!(check(d.path()).redeemed.len(), aliases(d.path()).len());
}

#[test]
fn two_redeems_through_two_names_never_both_redeem() {
    let d = setup();
    const ROUNDS: usize = 12;
    let text = issue_many(d.path(), "R", 1).remove(0);
    // 4,000 redemptions of other codes: reading them takes each process a
    // while, so two writers that do not exclude each other both read the
    // ledger before either appends.
    let base = d.path().join("base.jsonl");
    {
        let l = Ledger::new(&base);
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let others = (0..4000u64)
            .map(|i| {
                let id = payqr::code::CodeId((i | 1 << 60).to_be_bytes());
                Record::redeemed("other", id, 1_795_000_000, None, "counter", None)
            })
            .collect();
        l.append(&lock, &mut st, others).unwrap();
    }
    let mut doubles = Vec::new();
    for round in 0..ROUNDS {
        // A fresh ledger each round, so one code can be redeemed again;
        // reached as `rN.jsonl` and through a hard link or a symlink.
        let (plain, other) = (format!("r{round}.jsonl"), format!("r{round}-alias.jsonl"));
        std::fs::copy(&base, d.path().join(&plain)).unwrap();
        let what = if round % 2 == 0 || cfg!(windows) {
            std::fs::hard_link(d.path().join(&plain), d.path().join(&other)).unwrap();
            "hard link"
        } else {
            // Symlinks: Unix only (Windows makes them only with a privilege).
            #[cfg(unix)]
            std::os::unix::fs::symlink(&plain, d.path().join(&other)).unwrap();
            "symlink"
        };
        let mut a = redeem(d.path(), &plain, "A");
        let mut b = redeem(d.path(), &other, "B");
        // Every third round the first writer's sync fails (ENOSPC): its
        // cut-back must never take the other writer's redemption with it.
        if round % 3 == 2 {
            a.env("PAYQR_FAULT", "fsync:1:enospc");
        }
        // Both started and waiting on stdin, then given the payload at
        // once: their lock, load and append overlap as much as they can.
        let (mut a, mut b) = (a.spawn().unwrap(), b.spawn().unwrap());
        let (mut ia, mut ib) = (a.stdin.take().unwrap(), b.stdin.take().unwrap());
        std::thread::sleep(Duration::from_millis(100));
        let line = format!("{text}\n");
        ia.write_all(line.as_bytes()).unwrap();
        ib.write_all(line.as_bytes()).unwrap();
        drop((ia, ib));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let acked: Vec<String> = [&a, &b]
            .iter()
            .flat_map(|o| acknowledged(&String::from_utf8_lossy(&o.stdout)))
            .collect();
        // Excluded writers run one after the other: the second finds the
        // code redeemed (exit 1). Exit 2 means it found the ledger changed
        // under its feet: it ran at the same time as the other.
        for (who, o) in [("A", &a), ("B", &b)] {
            let err = String::from_utf8_lossy(&o.stderr);
            let injected = who == "A" && round % 3 == 2 && err.contains("os error 28");
            if !matches!(o.status.code(), Some(0 | 1)) && !injected {
                doubles.push(format!("round {round} ({what}) {who}: {}", err.trim()));
            }
        }
        if acked.len() > 1 {
            doubles.push(format!("round {round} ({what}): both redeemed"));
        }
        let l = Ledger::new(&d.path().join(&plain));
        let lock = l.lock_shared().unwrap();
        match l.load(&lock) {
            Ok(st) => {
                for id in &acked {
                    let key = payqr::ledger::CodeKey::of("bj-traffic", id.parse().unwrap());
                    if st.redemption(&key).is_none() {
                        doubles.push(format!("round {round} ({what}): acknowledged {id} erased"));
                    }
                }
            }
            Err(e) => doubles.push(format!("round {round} ({what}): ledger broken: {e}")),
        }
    }
    assert!(
        doubles.is_empty(),
        "{} of {ROUNDS} rounds: {doubles:#?}",
        doubles.len()
    );
}
