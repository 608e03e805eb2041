//! Issue 17, config: payqr.toml and PAYQR_* variables give defaults for
//! --trust, --ledger and --tz; flag > environment > file > built-in;
//! `payqr config show` says what is in effect and where it came from.

mod common;
use common::*;

use std::path::Path;

/// Runs payqr with only the given PAYQR_* variables and a private config
/// folder (never the user's own).
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = common::command();
    cmd.current_dir(dir).args(args);
    for k in [
        "PAYQR_CONFIG",
        "PAYQR_TRUST",
        "PAYQR_LEDGER",
        "PAYQR_TZ",
        "NO_COLOR",
        "CLICOLOR_FORCE",
    ] {
        cmd.env_remove(k);
    }
    cmd.env("XDG_CONFIG_HOME", dir.join("xdg"))
        .env("HOME", dir.join("home"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_cmd(cmd, "")
}

fn setup_counter() -> (tempfile::TempDir, String) {
    let d = setup();
    let text = issue_one(d.path(), "京A1", &[]);
    std::fs::create_dir_all(d.path().join("etc")).unwrap();
    std::fs::rename(d.path().join("trust.json"), d.path().join("etc/trust.json")).unwrap();
    std::fs::write(d.path().join("etc/ledger.jsonl"), "").unwrap();
    std::fs::write(
        d.path().join("etc/payqr.toml"),
        "# counter 3\ntrust = \"trust.json\"\nledger = \"ledger.jsonl\"  # beside this file\ntz = \"+09:00\"\n",
    )
    .unwrap();
    (d, text)
}

fn verify<'a>(text: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["verify", "--at", DURING, "--text", text];
    v.extend_from_slice(extra);
    v
}

#[test]
fn the_file_gives_trust_ledger_and_tz() {
    let (d, text) = setup_counter();
    let p = d.path();
    // Built-in: no trust list, no default.
    let r = run(p, &verify(&text, &[]), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // --config: paths relative to the file's folder; the ledger is read.
    let r = run(p, &verify(&text, &["--config", "etc/payqr.toml"]), &[]).expect(0);
    assert!(
        r.stdout
            .starts_with("VALID: official, unexpired, not yet paid"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+09:00)"), "{}", r.stdout);
    // PAYQR_CONFIG finds it too, and so does the user config folder.
    run(
        p,
        &verify(&text, &[]),
        &[("PAYQR_CONFIG", "etc/payqr.toml")],
    )
    .expect(0);
    std::fs::create_dir_all(p.join("xdg/payqr")).unwrap();
    let abs = p.join("etc").display().to_string();
    std::fs::write(
        p.join("xdg/payqr/payqr.toml"),
        format!("trust = \"{abs}/trust.json\"\n"),
    )
    .unwrap();
    let r = run(p, &verify(&text, &[]), &[]).expect(0);
    assert!(r.stdout.contains("NOT checked"), "{}", r.stdout);
}

#[test]
fn flag_beats_environment_beats_file() {
    let (d, text) = setup_counter();
    let p = d.path();
    let cfg = [("PAYQR_CONFIG", "etc/payqr.toml")];
    // The environment beats the file: a missing trust list is named.
    let env = [cfg[0], ("PAYQR_TRUST", "nowhere.json")];
    let r = run(p, &verify(&text, &[]), &env);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nowhere.json"), "{}", r.stderr);
    // The flag beats the environment.
    run(p, &verify(&text, &["--trust", "etc/trust.json"]), &env).expect(0);
    // tz: flag > env > file.
    let env = [cfg[0], ("PAYQR_TZ", "+07:00")];
    let r = run(p, &verify(&text, &[]), &env).expect(0);
    assert!(r.stdout.contains("+07:00)"), "{}", r.stdout);
    let r = run(p, &verify(&text, &["--tz", "+05:00"]), &env).expect(0);
    assert!(r.stdout.contains("+05:00)"), "{}", r.stdout);
    // ledger: the environment's (missing) ledger beats the file's.
    let env = [cfg[0], ("PAYQR_LEDGER", "gone.jsonl")];
    let r = run(p, &verify(&text, &[]), &env);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("gone.jsonl"), "{}", r.stderr);
    let r = run(p, &verify(&text, &["--ledger", "etc/ledger.jsonl"]), &env).expect(0);
    assert!(r.stdout.contains("not yet paid"), "{}", r.stdout);
}

#[test]
fn config_show_names_each_value_and_its_source() {
    let (d, _) = setup_counter();
    let p = d.path();
    let r = run(
        p,
        &["config", "show"],
        &[("PAYQR_CONFIG", "etc/payqr.toml"), ("PAYQR_TZ", "+07:00")],
    )
    .expect(0);
    let line = |k: &str| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{k}\t")))
            .unwrap_or_else(|| panic!("no {k}: {}", r.stdout))
            .to_string()
    };
    assert!(
        line("config").contains("etc/payqr.toml\t(from PAYQR_CONFIG)"),
        "{}",
        r.stdout
    );
    assert!(
        line("trust").contains("etc/trust.json\t(file etc/payqr.toml)"),
        "{}",
        r.stdout
    );
    assert!(
        line("tz").contains("+07:00\t(environment PAYQR_TZ)"),
        "{}",
        r.stdout
    );
    let r = run(p, &["config", "show"], &[]).expect(0);
    assert!(r.stdout.contains("ledger\t-\t(built-in"), "{}", r.stdout);
}

#[test]
fn a_bad_config_file_is_refused_naming_the_line() {
    let (d, text) = setup_counter();
    let p = d.path();
    std::fs::write(
        p.join("bad.toml"),
        "trust = \"t.json\"\nleger = \"l.jsonl\"\n",
    )
    .unwrap();
    let r = run(p, &verify(&text, &["--config", "bad.toml"]), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.toml:2: unknown key \"leger\""),
        "{}",
        r.stderr
    );
    let r = run(p, &verify(&text, &["--config", "missing.toml"]), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.toml"), "{}", r.stderr);
}
