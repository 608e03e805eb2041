//! Secret keys encrypted under a passphrase, through the binary: made
//! encrypted by default, unlocked from a file, a descriptor or the
//! environment (never an argument), a wrong passphrase or an altered file
//! refused with one error and nothing written, clear keys warned about and
//! converted by `payqr key encrypt`.

mod common;
use common::*;

use std::path::Path;

const PASS: &str = "a long passphrase for tests\n";

fn keygen(dir: &Path, prefix: &str) -> Run {
    std::fs::write(dir.join("pass"), PASS).unwrap();
    payqr(
        dir,
        &[
            "keygen",
            "--issuer",
            "sh-water",
            "--name",
            "SH Water",
            "--out",
            prefix,
            "--passphrase-file",
            "pass",
        ],
    )
}

fn batch(dir: &Path, key: &str, out: &str, extra: &[&str]) -> Run {
    let csv = fixtures().join("fines.csv");
    let manifest = format!("{out}-manifest.csv");
    let ledger = format!("{out}-ledger.jsonl");
    let mut rest = vec![
        "--format",
        "svg",
        "--manifest",
        &manifest,
        "--ledger",
        &ledger,
    ];
    rest.extend_from_slice(extra);
    payqr(
        dir,
        &fines_batch_with(key, csv.to_str().unwrap(), out, &rest),
    )
}

// Mode bits are Unix's; a Windows key's access list: tests/windows_key_acl.rs.
#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn keygen_encrypts_by_default_and_a_batch_unlocks_it_from_a_file() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    keygen(dir, "sh").expect(0);
    let text = std::fs::read_to_string(dir.join("sh.key")).unwrap();
    assert!(text.contains("\"payqr secret key v2\""), "{text}");
    assert!(text.contains("\"argon2id\"") && text.contains("\"xchacha20poly1305\""));
    assert!(!text.contains("\"seed\""), "the seed is in clear: {text}");
    #[cfg(unix)]
    assert_eq!(mode(&dir.join("sh.key")), 0o600);

    let r = batch(dir, "sh.key", "out", &["--passphrase-file", "pass"]).expect(0);
    assert!(!r.stderr.contains("not encrypted"), "{}", r.stderr);
    payqr(dir, &["trust", "add", "sh.pub", "--trust", "trust.json"]).expect(0);
    let p = manifest_payloads(&dir.join("out-manifest.csv"));
    assert_eq!(p.len(), 22);
    let v = payqr_stdin(
        dir,
        &["verify", "--trust", "trust.json", "--at", DURING, "-"],
        &(p.join("\n") + "\n"),
    )
    .expect(0);
    assert_eq!(
        v.stdout.lines().filter(|l| l.starts_with("VALID:")).count(),
        22,
        "{}",
        v.stdout
    );
}

#[test]
fn wrong_passphrase_is_one_error_and_the_batch_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    keygen(dir, "sh").expect(0);
    std::fs::write(dir.join("wrong"), "a long passphrase for tests!\n").unwrap();
    let r = batch(dir, "sh.key", "out", &["--passphrase-file", "wrong"]).expect(2);
    let errors: Vec<&str> = r.stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains("sh.key: wrong passphrase, or the file was altered"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
    for f in ["out", "out-manifest.csv", "out-ledger.jsonl"] {
        assert!(!dir.join(f).exists(), "{f} was written");
    }
}

#[test]
fn an_altered_key_file_fails_authentication() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    keygen(dir, "sh").expect(0);
    let key = dir.join("sh.key");
    let text = std::fs::read_to_string(&key).unwrap();
    // Relabelling the key (another display name) is as wrong as a bad byte.
    std::fs::write(&key, text.replace("SH Water", "SH Water Co")).unwrap();
    let r = batch(dir, "sh.key", "out", &["--passphrase-file", "pass"]).expect(2);
    assert!(r.stderr.contains("authentication failed"), "{}", r.stderr);
    assert!(!dir.join("out").exists());
}

#[test]
fn passphrase_from_env_or_descriptor_never_from_an_argument() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    keygen(dir, "sh").expect(0);
    // The environment names a file.
    let mut cmd = common::command();
    cmd.current_dir(dir)
        .env("PAYQR_PASSPHRASE_FILE", dir.join("pass"))
        .args(["release", "sign", "--key", "sh.key", "pass"]);
    run_cmd(cmd, "").expect(0);
    assert!(dir.join("pass.sig").exists());
    // A descriptor the shell opened.
    // Unix only: sh opens descriptor 3 for the child; on Windows
    // --passphrase-fd is refused with a hint (src/cmd/unlock.rs).
    #[cfg(unix)]
    {
        let mut cmd = std::process::Command::new("sh");
        for k in LANGUAGE_ENV {
            cmd.env_remove(k);
        }
        cmd.current_dir(dir).arg("-c").arg(format!(
            "{} release sign --key sh.key --out fd.sig --passphrase-fd 3 pass 3<pass",
            env!("CARGO_BIN_EXE_payqr")
        ));
        run_cmd(cmd, "").expect(0);
        assert_eq!(
            std::fs::read(dir.join("fd.sig")).unwrap(),
            std::fs::read(dir.join("pass.sig")).unwrap()
        );
    }
    // There is no flag that takes the passphrase itself.
    let r = payqr(
        dir,
        &[
            "release",
            "sign",
            "--key",
            "sh.key",
            "--passphrase",
            PASS.trim(),
            "pass",
        ],
    )
    .expect(2);
    assert!(r.stderr.contains("unexpected argument"), "{}", r.stderr);
}

#[test]
fn without_a_terminal_or_a_file_the_error_says_how_to_give_one() {
    if std::fs::File::open("/dev/tty").is_ok() {
        // Run from a terminal, payqr would (rightly) ask on it and wait.
        eprintln!("SKIPPED: this check needs no controlling terminal (CI has none)");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    keygen(dir, "sh").expect(0);
    let mut cmd = common::command();
    cmd.current_dir(dir)
        .env_remove("PAYQR_PASSPHRASE_FILE")
        .args(["release", "sign", "--key", "sh.key", "pass"]);
    let r = run_cmd(cmd, "").expect(2);
    assert!(r.stderr.contains("--passphrase-file"), "{}", r.stderr);
    assert!(!dir.join("pass.sig").exists());
}

#[test]
fn clear_key_warns_and_key_encrypt_converts_it_keeping_ids() {
    let d = setup();
    let dir = d.path();
    let r = batch(dir, "test-issuer.key", "out1", &[]).expect(0);
    assert!(
        r.stderr
            .contains("test-issuer.key is not encrypted: anyone who copies it can sign codes"),
        "{}",
        r.stderr
    );
    let before = manifest_payloads(&dir.join("out1-manifest.csv"));

    std::fs::write(dir.join("pass"), PASS).unwrap();
    let r = payqr(
        dir,
        &[
            "key",
            "encrypt",
            "test-issuer.key",
            "--passphrase-file",
            "pass",
        ],
    )
    .expect(0);
    assert!(r.stdout.contains("key_id 555a6599"), "{}", r.stdout);
    let text = std::fs::read_to_string(dir.join("test-issuer.key")).unwrap();
    assert!(text.contains("payqr secret key v2") && !text.contains("\"seed\""));
    #[cfg(unix)]
    assert_eq!(mode(&dir.join("test-issuer.key")), 0o600);

    // Without the passphrase the converted key no longer loads.
    std::fs::write(dir.join("wrong"), "nope\n").unwrap();
    batch(
        dir,
        "test-issuer.key",
        "out2",
        &["--passphrase-file", "wrong"],
    )
    .expect(2);
    let r = batch(
        dir,
        "test-issuer.key",
        "out2",
        &["--passphrase-file", "pass"],
    )
    .expect(0);
    assert!(!r.stderr.contains("not encrypted"), "{}", r.stderr);
    // Same key, same issue time: the very same codes.
    assert_eq!(manifest_payloads(&dir.join("out2-manifest.csv")), before);
    // Encrypting twice is refused.
    let r = payqr(
        dir,
        &[
            "key",
            "encrypt",
            "test-issuer.key",
            "--passphrase-file",
            "pass",
        ],
    )
    .expect(2);
    assert!(r.stderr.contains("already encrypted"), "{}", r.stderr);
}

#[test]
fn keygen_unencrypted_is_explicit_and_refuses_a_passphrase() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::write(dir.join("pass"), PASS).unwrap();
    payqr(
        dir,
        &[
            "keygen",
            "--issuer",
            "x",
            "--name",
            "X",
            "--out",
            "x",
            "--unencrypted",
        ],
    )
    .expect(0);
    assert!(
        std::fs::read_to_string(dir.join("x.key"))
            .unwrap()
            .contains("payqr secret key v1")
    );
    payqr(
        dir,
        &[
            "keygen",
            "--issuer",
            "x",
            "--name",
            "X",
            "--out",
            "y",
            "--unencrypted",
            "--passphrase-file",
            "pass",
        ],
    )
    .expect(2);
}
