//! Issue 13, route 9: misleading `verify` verdicts about payment.
//!
//! - `verify --ledger missing.jsonl` said "valid ... not yet paid" (exit 0)
//!   and created `missing.jsonl.lock`: a typo made every paid code unpaid.
//! - A reader created `<ledger>.lock`, so a user with read-only access to a
//!   ledger could not verify against it at all.
//! - Without `--ledger` the verdict still said "not yet paid".

// Unix only: the attacks use Unix permission bits; the rest of
// the suite runs on Windows under Wine (scripts/wine-test.sh).
#![cfg(unix)]

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Every name in `dir`, to show a command created nothing.
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn verify_args<'a>(ledger: Option<&'a str>, text: &'a str, json: bool) -> Vec<&'a str> {
    let mut args = vec!["verify", "--trust", "trust.json", "--at", DURING];
    if let Some(l) = ledger {
        args.extend(["--ledger", l]);
    }
    if json {
        args.push("--json");
    }
    args.extend(["--text", text]);
    args
}

#[test]
fn a_missing_ledger_is_an_error_and_creates_nothing() {
    let d = setup();
    let text = issue_one(d.path(), "京A12345", &[]);
    let before = names(d.path());
    for json in [false, true] {
        let r = payqr(d.path(), &verify_args(Some("missing.jsonl"), &text, json)).expect(2);
        assert!(
            r.stderr.contains("missing.jsonl: no such ledger"),
            "{}",
            r.stderr
        );
        assert!(!r.stdout.contains("valid"), "{}", r.stdout);
    }
    assert_eq!(names(d.path()), before, "verify created files");
}

#[test]
fn readers_create_no_lock_file() {
    let d = setup();
    let text = issue_one(d.path(), "京A12345", &["--ledger", "ledger.jsonl"]);
    // The writers lock the ledger file itself (flock on its inode), so no
    // lock file exists beside it; a reader must not make one either.
    let before = names(d.path());
    let r = payqr(d.path(), &verify_args(Some("ledger.jsonl"), &text, false)).expect(0);
    assert!(
        r.stdout
            .contains("VALID: official, unexpired, not yet paid"),
        "{}",
        r.stdout
    );
    payqr(d.path(), &["ledger", "check", "--ledger", "ledger.jsonl"]).expect(0);
    assert_eq!(names(d.path()), before, "a reader created files");
}

/// `payqr ARGS` as a user who may only read `dir`: as root (who may write
/// anywhere) through `setpriv` as nobody; `None` when that is impossible.
fn as_reader(dir: &Path, args: &[&str]) -> Option<Run> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
    if !root {
        return Some(payqr(dir, args));
    }
    let mut setpriv = Command::new("setpriv");
    for k in LANGUAGE_ENV {
        setpriv.env_remove(k);
    }
    let out = setpriv
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_payqr"))
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // setpriv itself failed (no such user, no privilege, no access to the binary).
    if stderr.starts_with("setpriv:") {
        eprintln!("skipped: {stderr}");
        return None;
    }
    Some(Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    })
}

#[test]
fn a_read_only_ledger_can_be_verified() {
    use std::os::unix::fs::PermissionsExt;
    let d = setup();
    let paid = issue_one(d.path(), "京A1", &["--ledger", "ledger.jsonl"]);
    let open = issue_one(d.path(), "京A2", &["--ledger", "ledger.jsonl"]);
    payqr(
        d.path(),
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--ledger",
            "ledger.jsonl",
            "--at",
            DURING,
            "--text",
            &paid,
        ],
    )
    .expect(0);
    let mode = |name: &str, m: u32| {
        std::fs::set_permissions(d.path().join(name), std::fs::Permissions::from_mode(m)).unwrap()
    };
    for f in ["ledger.jsonl", "trust.json"] {
        mode(f, 0o444);
    }
    mode(".", 0o555);
    let before = names(d.path());
    let run = |text: &str| as_reader(d.path(), &verify_args(Some("ledger.jsonl"), text, true));
    let Some(r) = run(&open) else { return };
    let v = json(&r.expect(0));
    assert_eq!(
        (v["status"].as_str(), v["ledger_checked"].as_bool()),
        (Some("valid"), Some(true))
    );
    let v = json(&run(&paid).unwrap().expect(1));
    assert_eq!(v["status"], "already_redeemed", "{v}");
    assert_eq!(names(d.path()), before, "a reader created files");
    mode(".", 0o755);
}

#[test]
fn without_a_ledger_payment_is_not_claimed() {
    let d = setup();
    let text = issue_one(d.path(), "京A12345", &["--ledger", "ledger.jsonl"]);
    let r = payqr(d.path(), &verify_args(None, &text, false)).expect(0);
    assert!(
        r.stdout
            .contains("VALID: official, unexpired; payment status NOT checked (no --ledger)"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("not yet paid"), "{}", r.stdout);
    let v = json(&payqr(d.path(), &verify_args(None, &text, true)).expect(0));
    assert_eq!(v["ledger_checked"], false, "{v}");
    let v = json(&payqr(d.path(), &verify_args(Some("ledger.jsonl"), &text, true)).expect(0));
    assert_eq!(v["ledger_checked"], true, "{v}");
}
