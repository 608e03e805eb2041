//! Issue 17, the merchant at the counter: a verdict read at a glance,
//! colour only on a terminal, an empty stdin is not silence, one meaning
//! for each JSON field across verify and redeem, `trust add` twice.

mod common;
use common::*;

use std::path::Path;
#[cfg(target_os = "linux")]
use std::process::Stdio;

fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = common::command();
    cmd.current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_cmd(cmd, "")
}

const ESC: char = '\u{1b}';

#[test]
fn first_line_is_the_verdict_then_the_facts() {
    let d = setup();
    let text = issue_one(d.path(), "京A12345", &["--png", "fine.png"]);
    let args = [
        "verify",
        "--trust",
        "trust.json",
        "--at",
        DURING,
        "--tz",
        "+08:00",
        "fine.png",
    ];
    let r = run_env(d.path(), &args, &[]).expect(0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    // Off a terminal: no escape codes at all.
    assert!(!r.stdout.contains(ESC), "{:?}", r.stdout);
    assert!(lines[0].starts_with("VALID: "), "{}", r.stdout);
    // Without --ledger, the first line itself says payment was not checked.
    assert!(
        lines[0].contains("payment status NOT checked (no --ledger)"),
        "{}",
        r.stdout
    );
    // The facts follow, indented, one topic per line.
    assert!(
        lines[1].starts_with("  fine.png: fine 200.00 CNY"),
        "{}",
        r.stdout
    );
    assert!(lines.iter().any(|l| l.starts_with("  expires in 3h 0m")));
    // With a ledger: not yet paid.
    std::fs::write(d.path().join("ledger.jsonl"), "").unwrap();
    let mut with = args.to_vec();
    with.extend(["--ledger", "ledger.jsonl"]);
    let r = run_env(d.path(), &with, &[]).expect(0);
    assert_eq!(
        r.stdout.lines().next(),
        Some("VALID: official, unexpired, not yet paid")
    );
    // Redeemed, then refused: REDEEMED / REFUSED with the reason.
    let red = [
        "redeem",
        "--trust",
        "trust.json",
        "--ledger",
        "ledger.jsonl",
        "--at",
        DURING,
        "--text",
        &text,
    ];
    let r = run_env(d.path(), &red, &[]).expect(0);
    assert!(r.stdout.starts_with("REDEEMED: "), "{}", r.stdout);
    let r = run_env(d.path(), &red, &[]).expect(1);
    assert!(
        r.stdout
            .starts_with("REFUSED: already_redeemed: already redeemed at "),
        "{}",
        r.stdout
    );
}

#[test]
fn colour_only_when_asked_for_and_never_with_no_color() {
    let d = setup();
    issue_one(d.path(), "京A1", &["--png", "fine.png"]);
    let args = [
        "verify",
        "--trust",
        "trust.json",
        "--at",
        DURING,
        "fine.png",
    ];
    let forced = run_env(d.path(), &args, &[("CLICOLOR_FORCE", "1")]).expect(0);
    assert!(
        forced.stdout.starts_with("\u{1b}[1;32mVALID\u{1b}[0m: "),
        "{:?}",
        forced.stdout
    );
    let no = run_env(
        d.path(),
        &args,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    )
    .expect(0);
    assert!(!no.stdout.contains(ESC), "{:?}", no.stdout);
    // JSON is never coloured.
    let mut j = args.to_vec();
    j.push("--json");
    let r = run_env(d.path(), &j, &[("CLICOLOR_FORCE", "1")]).expect(0);
    assert!(!r.stdout.contains(ESC), "{:?}", r.stdout);
}

/// On a real terminal (a pseudo-terminal): colour; with NO_COLOR: none.
// Linux only: the pseudo-terminal comes from openpty (libc); Windows has
// no pty this test could open (its console is tests/windows_console_text.rs).
#[cfg(target_os = "linux")]
#[test]
fn a_terminal_gets_colour_unless_no_color() {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    let d = setup();
    issue_one(d.path(), "京A1", &["--png", "fine.png"]);
    let on_tty = |no_color: bool| -> String {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty writes two fresh descriptors we then own.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(rc, 0, "openpty");
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut cmd = common::command();
        cmd.current_dir(d.path())
            .args([
                "verify",
                "--trust",
                "trust.json",
                "--at",
                DURING,
                "fine.png",
            ])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .stdout(Stdio::from(slave));
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let status = cmd.status().unwrap();
        drop(cmd); // closes our copy of the slave
        assert!(status.success());
        let mut f = std::fs::File::from(master);
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        // Reading a pty whose slave is closed ends in EIO on Linux.
        while let Ok(n) = f.read(&mut chunk) {
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        String::from_utf8_lossy(&buf).into_owned()
    };
    let coloured = on_tty(false);
    assert!(coloured.contains("\u{1b}[1;32mVALID"), "{coloured:?}");
    let plain = on_tty(true);
    assert!(plain.contains("VALID") && !plain.contains(ESC), "{plain:?}");
}

#[test]
fn empty_stdin_says_no_code_was_read_and_exits_1() {
    let d = setup();
    for cmd in [
        vec!["verify", "--trust", "trust.json", "-"],
        vec![
            "redeem",
            "--trust",
            "trust.json",
            "--ledger",
            "l.jsonl",
            "-",
        ],
    ] {
        let r = payqr_stdin(d.path(), &cmd, "").expect(1);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(
            r.stderr.contains("no code was read from stdin"),
            "{}",
            r.stderr
        );
        // Blank lines are no code either.
        let r = payqr_stdin(d.path(), &cmd, "\n  \n").expect(1);
        assert!(r.stderr.contains("no code was read"), "{}", r.stderr);
    }
}

#[test]
fn status_and_redeemed_mean_one_thing_in_verify_and_redeem() {
    let d = setup();
    let text = issue_one(d.path(), "京A2", &[]);
    let redeem = |d: &Path| {
        payqr(
            d,
            &[
                "redeem",
                "--trust",
                "trust.json",
                "--ledger",
                "ledger.jsonl",
                "--at",
                DURING,
                "--json",
                "--text",
                &text,
            ],
        )
    };
    let first = json(&redeem(d.path()).expect(0));
    assert_eq!(first["status"], "valid");
    assert_eq!(first["redeemed"], true);
    let again = json(&redeem(d.path()).expect(1));
    // The verdict names the earlier redemption without the bare word
    // "redeemed", which in `redeemed: true` means "this call redeemed it".
    assert_eq!(again["status"], "already_redeemed");
    assert_eq!(again["redeemed"], false);
    let v = json(
        &payqr(
            d.path(),
            &[
                "verify",
                "--trust",
                "trust.json",
                "--ledger",
                "ledger.jsonl",
                "--at",
                DURING,
                "--json",
                "--text",
                &text,
            ],
        )
        .expect(1),
    );
    assert_eq!(v["status"], again["status"]);
    assert!(v.get("redeemed").is_none(), "verify never redeems: {v}");
}

#[test]
fn trust_add_twice_is_already_trusted_but_another_key_is_refused() {
    let d = setup(); // has trusted test-issuer.pub once
    let r = payqr(
        d.path(),
        &["trust", "add", "test-issuer.pub", "--trust", "trust.json"],
    )
    .expect(0);
    assert!(r.stdout.starts_with("already trusted"), "{}", r.stdout);
    let list = payqr(d.path(), &["trust", "list", "--trust", "trust.json"]).expect(0);
    assert_eq!(list.stdout.lines().count(), 1, "{}", list.stdout);
    // Another public key under the same issuer and key id: refused.
    let pubtext = std::fs::read_to_string(d.path().join("test-issuer.pub")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&pubtext).unwrap();
    let pk = v["public_key"].as_str().unwrap().to_string();
    let flipped: String = pk
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 5 {
                if c == 'A' { 'B' } else { 'A' }
            } else {
                c
            }
        })
        .collect();
    v["public_key"] = serde_json::json!(flipped);
    std::fs::write(d.path().join("other.pub"), v.to_string()).unwrap();
    let r = payqr(
        d.path(),
        &["trust", "add", "other.pub", "--trust", "trust.json"],
    );
    assert_eq!(r.code, 2, "{} {}", r.stdout, r.stderr);
}

/// Human text gives times in `--tz`, JSON in UTC RFC 3339: a code paid
/// once is refused the second time with its payment time shown both ways.
#[test]
fn a_refusal_gives_its_times_in_tz_and_json_in_utc() {
    let d = setup();
    let p = d.path();
    let text = issue_one(p, "京A12345", &["--ledger", "ledger.jsonl"]);
    let paid = payqr_stdin(
        p,
        &judge_args("redeem", &["--ledger", "ledger.jsonl", "--json", "-"]),
        &format!("{text}\n"),
    )
    .expect(0);
    assert_eq!(json(&paid)["redeemed"], true, "{}", paid.stdout);
    let r = payqr_stdin(
        p,
        &judge_args(
            "verify",
            &["--ledger", "ledger.jsonl", "--tz", "+08:00", "-"],
        ),
        &format!("{text}\n"),
    )
    .expect(1);
    let first = r.stdout.lines().next().unwrap();
    let shown = last_time(first);
    assert!(
        first.starts_with("REFUSED: already_redeemed: already redeemed at ")
            && shown.ends_with(" +08:00"),
        "{first}"
    );
    let r = payqr_stdin(
        p,
        &judge_args(
            "verify",
            &["--ledger", "ledger.jsonl", "--tz", "+08:00", "--json", "-"],
        ),
        &format!("{text}\n"),
    )
    .expect(1);
    let v = json(&r);
    let reason = v["reason"].as_str().unwrap();
    let utc = reason.trim_start_matches("already redeemed at ");
    assert!(utc.ends_with('Z'), "{reason}");
    // The same instant: UTC plus eight hours is what the text showed.
    let t = chrono::DateTime::parse_from_rfc3339(utc).unwrap();
    let local = t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    assert_eq!(
        local.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        shown,
        "{first}"
    );
}

/// The time at the end of a headline: its last 26 characters, as long as
/// "2026-11-23 09:00:00 +08:00".
fn last_time(line: &str) -> String {
    let n = line.chars().count();
    line.chars().skip(n.saturating_sub(26)).collect()
}
