//! Keys held in a PKCS#11 token, tested for real against SoftHSM2 (not a
//! mock): a fresh token in a temporary directory, `payqr keygen --pkcs11`
//! making the Ed25519 key inside it, a batch of 10,000 codes signed by the
//! token, every code verified with the ordinary trust list.
//!
//! SoftHSM2 missing is a failure, not a pass: install it with
//! `apt-get install softhsm2` (.ci/run does). `PAYQR_SKIP_HSM=1` skips these
//! tests explicitly, saying so.

mod common;
use common::*;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const MODULES: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
];
const PIN: &str = "246810";

/// A SoftHSM2 with its own configuration and one initialised token.
struct Hsm {
    dir: tempfile::TempDir,
    module: PathBuf,
    conf: PathBuf,
}

impl Hsm {
    /// None (after saying SKIPPED) only when PAYQR_SKIP_HSM=1.
    fn new(label: &str) -> Option<Hsm> {
        let module = MODULES.iter().map(PathBuf::from).find(|p| p.exists());
        let util = Command::new("softhsm2-util").arg("--version").output();
        let (Some(module), Ok(_)) = (module, util) else {
            if std::env::var("PAYQR_SKIP_HSM").as_deref() == Ok("1") {
                eprintln!(
                    "SKIPPED: SoftHSM2 PKCS#11 tests (PAYQR_SKIP_HSM=1; install with: apt-get install softhsm2)"
                );
                return None;
            }
            panic!(
                "SoftHSM2 not installed: apt-get install softhsm2 (or set PAYQR_SKIP_HSM=1 to skip these tests explicitly)"
            );
        };
        let dir = tempfile::tempdir().unwrap();
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).unwrap();
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .unwrap();
        let o = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", &conf)
            .args([
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                "13579111",
            ])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "softhsm2-util --init-token: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::fs::write(dir.path().join("pin"), format!("{PIN}\n")).unwrap();
        Some(Hsm { dir, module, conf })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn payqr(&self, args: &[&str], input: &str) -> Run {
        let mut cmd = common::command();
        cmd.current_dir(self.path())
            .env("SOFTHSM2_CONF", &self.conf)
            .args(args);
        run_cmd(cmd, input)
    }

    fn keygen(&self, token: &str, out: &str) -> Run {
        self.payqr(
            &[
                "keygen",
                "--issuer",
                "bj-traffic",
                "--name",
                "BJ HSM",
                "--out",
                out,
                "--pkcs11",
                self.module.to_str().unwrap(),
                "--token",
                token,
                "--pin-file",
                "pin",
            ],
            "",
        )
    }

    fn batch(&self, csv: &str, out: &str, pin: &str) -> Run {
        let manifest = format!("{out}.csv");
        let unlock = [
            "--pin-file",
            pin,
            "--format",
            "svg",
            "--manifest",
            &manifest,
        ];
        self.payqr(&fines_batch_with("hsm.key", csv, out, &unlock), "")
    }
}

#[test]
fn softhsm_keygen_batch_of_10000_signed_in_the_token_all_verify() {
    let Some(hsm) = Hsm::new("payqr-batch") else {
        return;
    };
    let r = hsm.keygen("payqr-batch", "hsm").expect(0);
    assert!(
        r.stdout.contains("token payqr-batch key hsm"),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(hsm.path().join("hsm.key")).unwrap();
    assert!(text.contains("\"payqr token key v1\""), "{text}");
    assert!(!text.contains("seed"), "{text}");

    let mut csv = String::from("reference,amount,expires_in\n");
    for i in 0..10_000 {
        writeln!(csv, "HSM{i:06},{}.00,4h", 50 + i % 400).unwrap();
    }
    std::fs::write(hsm.path().join("big.csv"), csv).unwrap();
    let r = hsm.batch("big.csv", "out", "pin").expect(0);
    assert!(r.stderr.contains("issued 10000 code(s)"), "{}", r.stderr);
    assert!(!r.stderr.contains("not encrypted"), "{}", r.stderr);

    hsm.payqr(&["trust", "add", "hsm.pub", "--trust", "trust.json"], "")
        .expect(0);
    let p = manifest_payloads(&hsm.path().join("out.csv"));
    assert_eq!(p.len(), 10_000);
    // Fed from a file: 10,000 verdicts would fill a pipe we are still writing.
    let input = hsm.path().join("payloads.txt");
    std::fs::write(&input, p.join("\n") + "\n").unwrap();
    let o = common::command()
        .current_dir(hsm.path())
        .args(["verify", "--trust", "trust.json", "--at", DURING, "-"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("VALID:")).count(),
        10_000
    );
}

#[test]
fn softhsm_same_batch_twice_same_codes_and_wrong_pin_writes_nothing() {
    let Some(hsm) = Hsm::new("payqr-small") else {
        return;
    };
    hsm.keygen("payqr-small", "hsm").expect(0);
    let fines = fixtures().join("fines.csv");
    let fines = fines.to_str().unwrap();
    hsm.batch(fines, "a", "pin").expect(0);
    hsm.batch(fines, "b", "pin").expect(0);
    // Code ids are keyed by the token's deterministic signature: a rerun
    // (e.g. resuming an interrupted batch) gives the very same codes.
    let a = manifest_payloads(&hsm.path().join("a.csv"));
    assert_eq!(a.len(), 22);
    assert_eq!(a, manifest_payloads(&hsm.path().join("b.csv")));

    std::fs::write(hsm.path().join("badpin"), "000000\n").unwrap();
    let r = hsm.batch(fines, "c", "badpin").expect(2);
    assert!(r.stderr.contains("wrong PIN"), "{}", r.stderr);
    assert!(!hsm.path().join("c").exists() && !hsm.path().join("c.csv").exists());
}

#[test]
fn softhsm_reference_file_naming_another_key_is_refused() {
    let Some(hsm) = Hsm::new("payqr-swap") else {
        return;
    };
    hsm.keygen("payqr-swap", "hsm").expect(0);
    hsm.keygen("payqr-swap", "other").expect(0);
    // hsm.key edited to claim other's public key: the token's key for
    // hsm's label is not that key, and nothing is signed.
    let other: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(hsm.path().join("other.key")).unwrap())
            .unwrap();
    let mut mine: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(hsm.path().join("hsm.key")).unwrap())
            .unwrap();
    mine["public_key"] = other["public_key"].clone();
    mine["key_id"] = other["key_id"].clone();
    std::fs::write(hsm.path().join("hsm.key"), mine.to_string()).unwrap();
    let fines = fixtures().join("fines.csv");
    let r = hsm.batch(fines.to_str().unwrap(), "out", "pin").expect(2);
    assert!(
        r.stderr
            .contains("is not the key this reference file names"),
        "{}",
        r.stderr
    );
    assert!(!hsm.path().join("out").exists());
}
