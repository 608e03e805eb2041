//! Helpers for driving the `payqr` binary in integration tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const ISSUED: &str = "2026-11-23T08:00:00+08:00";
pub const DURING: &str = "2026-11-23T09:00:00+08:00";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Fails loudly with both streams when the exit code is not `want`.
    pub fn expect(self, want: i32) -> Run {
        assert_eq!(
            self.code, want,
            "exit {} (want {want})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        self
    }
}

/// The variables that choose payqr's language or its config file (which
/// may set the language): [`command`] clears them all.
pub const LANGUAGE_ENV: [&str; 6] = [
    "LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "LANGUAGE",
    "PAYQR_LANG",
    "PAYQR_CONFIG",
];

/// The payqr binary with none of [`LANGUAGE_ENV`] inherited: every test
/// that asserts English text runs in English whatever the machine's
/// locale (a zh_CN machine would otherwise get Chinese). Every helper
/// here builds on it; a test that wants Chinese sets the variable itself.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_payqr"));
    for k in LANGUAGE_ENV {
        cmd.env_remove(k);
    }
    cmd
}

pub fn payqr(dir: &Path, args: &[&str]) -> Run {
    Run::from(
        command()
            .current_dir(dir)
            .args(args)
            .output()
            .expect("run payqr"),
    )
}

pub fn payqr_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut cmd = command();
    cmd.current_dir(dir).args(args);
    run_cmd(cmd, input)
}

/// Runs a prepared command with `input` on stdin.
pub fn run_cmd(mut cmd: Command, input: &str) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn payqr");
    // A command that does not read stdin may close it first.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    Run::from(child.wait_with_output().unwrap())
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A temp dir holding a copy of the test key (chmod 600) and a trust list
/// that trusts it.
pub fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["test-issuer.key", "test-issuer.pub"] {
        std::fs::copy(fixtures().join(f), dir.path().join(f)).unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("test-issuer.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    // Windows: the copy inherits the temp folder's access list; give it the
    // owner-only one keygen gives (src/fs/winacl.rs), else payqr warns about it.
    // (Not under Wine: it derives access lists from Unix modes, refuses
    // WRITE_DAC on this copy and would ignore the list anyway.)
    #[cfg(windows)]
    if !payqr::fs::winacl::under_wine() {
        use std::os::windows::fs::OpenOptionsExt;
        const WRITE_DAC: u32 = 0x0004_0000;
        let f = std::fs::OpenOptions::new()
            .access_mode(WRITE_DAC)
            .open(dir.path().join("test-issuer.key"))
            .unwrap();
        payqr::fs::winacl::make_private(&f).unwrap();
    }
    payqr(
        dir.path(),
        &["trust", "add", "test-issuer.pub", "--trust", "trust.json"],
    )
    .expect(0);
    dir
}

/// Issues one fine with the test key; returns the payload text.
pub fn issue_one(dir: &Path, reference: &str, extra: &[&str]) -> String {
    issue_one_at(dir, reference, ISSUED, extra)
}

/// [`issue_one`] issued at `now`.
pub fn issue_one_at(dir: &Path, reference: &str, now: &str, extra: &[&str]) -> String {
    let r = payqr(dir, &single_args(reference, now, extra)).expect(0);
    r.stdout.trim().to_string()
}

/// `payqr issue` of one fine with the test key (200.00 CNY to
/// 110000-FINES, for 4h) for `reference` at `now`, then `extra`.
pub fn single_args<'a>(reference: &'a str, now: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "issue",
        "--key",
        "test-issuer.key",
        "--amount",
        "200.00",
        "--currency",
        "CNY",
        "--payee",
        "110000-FINES",
        "--ref",
        reference,
        "--expires-in",
        "4h",
        "--now",
        now,
    ];
    args.extend_from_slice(extra);
    args
}

/// `payqr issue` of one code with `key` and the fewest arguments
/// (1 CNY to P, reference R, for 1h), then `extra`: for tests about what
/// happens before anything is signed (the key refused, the flags).
pub fn quick_issue<'a>(key: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "issue",
        "--key",
        key,
        "--amount",
        "1",
        "--currency",
        "CNY",
        "--payee",
        "P",
        "--ref",
        "R",
        "--expires-in",
        "1h",
    ];
    args.extend_from_slice(extra);
    args
}

/// `payqr issue` of the fines in the CSV file `from` with the test key at
/// [`ISSUED`] into the folder `out` (kind fine, CNY, payee BJ-FINES), then
/// `extra`.
pub fn fines_batch<'a>(from: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    fines_batch_with("test-issuer.key", from, out, extra)
}

/// [`fines_batch`] signed with `key` (an encrypted key file, a token
/// reference) instead of the test key; `extra` carries its unlock flags.
pub fn fines_batch_with<'a>(
    key: &'a str,
    from: &'a str,
    out: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "issue",
        "--key",
        key,
        "--from",
        from,
        "--out-dir",
        out,
        "--kind",
        "fine",
        "--currency",
        "CNY",
        "--payee",
        "BJ-FINES",
        "--now",
        ISSUED,
    ];
    args.extend_from_slice(extra);
    args
}

/// Issues two fines (京A12345 200.00 闯红灯, 京B7 50) into `ledger` as
/// PNG, SVG and A6 notice in `out/`, manifest `m.csv`, due in 30 days,
/// shown in +08:00: what the `payqr notice` tests print again.
pub fn issue_notice_fines(dir: &Path, ledger: &str) {
    std::fs::write(
        dir.join("fines.csv"),
        "reference,amount,description\n京A12345,200.00,闯红灯\n京B7,50,\n",
    )
    .unwrap();
    let extra = [
        "--format",
        "png,svg,notice-svg",
        "--manifest",
        "m.csv",
        "--ledger",
        ledger,
        "--expires-in",
        "30d",
        "--tz",
        "+08:00",
    ];
    payqr(dir, &fines_batch("fines.csv", "out", &extra)).expect(0);
}

/// The `payload` column of a batch's manifest, row by row.
pub fn manifest_payloads(manifest: &Path) -> Vec<String> {
    manifest_column(manifest, "payload")
}

/// One column of a batch's manifest (`code_id`, `payload`, ...), row by row.
pub fn manifest_column(manifest: &Path, column: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(manifest).unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap()[col].to_string())
        .collect()
}

/// `payqr COMMAND` (verify or redeem) with the test trust list, judged at
/// [`DURING`] (while codes issued at [`ISSUED`] for a few hours are
/// valid), then `extra`.
pub fn judge_args<'a>(command: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command, "--trust", "trust.json", "--at", DURING];
    args.extend_from_slice(extra);
    args
}

/// Issues fixtures/fines.csv with the test key at [`ISSUED`] into `out/`
/// and `ledger.jsonl` (CNY, payee BJ-FINES): among its codes are the fines
/// 675be34eff20121e (200.00 CNY) and ae2a878b07694fcc (100.00 CNY).
pub fn issue_fixture_fines(dir: &Path) {
    let fines = fixtures().join("fines.csv");
    let from = fines.to_str().unwrap();
    payqr(
        dir,
        &fines_batch(from, "out", &["--ledger", "ledger.jsonl"]),
    )
    .expect(0);
}

/// `payqr keygen --unencrypted` (no passphrase to give in a test) of
/// `issuer` named `name` to `out`.key/.pub, then `extra`; the caller
/// checks the exit code.
pub fn keygen(dir: &Path, issuer: &str, name: &str, out: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "keygen",
        "--unencrypted",
        "--issuer",
        issuer,
        "--name",
        name,
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    payqr(dir, &args)
}

/// The single JSON line of a `--json` run.
pub fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(r.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// Issues `n` fines with distinct references; returns their payload texts.
pub fn issue_many(dir: &Path, prefix: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| issue_one(dir, &format!("{prefix}{i}"), &[]))
        .collect()
}

/// A small seeded generator (xorshift64*): tests pick "random" moments and
/// subsets that are the same on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The code ids `payqr redeem --json` acknowledged as redeemed.
pub fn acknowledged(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["redeemed"] == true)
        .map(|v| v["code_id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// `CMD --trust trust.json --at DURING --text TEXT` (verify or redeem),
/// with `--ledger LEDGER` when given.
pub fn judge_text_args<'a>(cmd: &'a str, text: &'a str, ledger: Option<&'a str>) -> Vec<&'a str> {
    let mut args = judge_args(cmd, &["--text", text]);
    if let Some(l) = ledger {
        args.extend(["--ledger", l]);
    }
    args
}

/// The code id `verify --json` reads from a payload (the test key trusted).
pub fn code_id_of(dir: &Path, text: &str) -> String {
    let mut args = judge_text_args("verify", text, None);
    args.push("--json");
    json(&payqr(dir, &args))["code_id"]
        .as_str()
        .expect("a code id")
        .to_string()
}

/// `cancel --key test-issuer.key --ledger LEDGER --reason REASON`, then `extra`.
pub fn cancel_args<'a>(ledger: &'a str, reason: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "cancel",
        "--key",
        "test-issuer.key",
        "--ledger",
        ledger,
        "--reason",
        reason,
    ];
    args.extend_from_slice(extra);
    args
}

/// `issue` of the batch file `csv` with the test key into `out/` (CNY to
/// payee P), then `extra`.
pub fn issue_batch_args<'a>(csv: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "issue",
        "--key",
        "test-issuer.key",
        "--from",
        csv,
        "--out-dir",
        "out",
        "--currency",
        "CNY",
        "--payee",
        "P",
    ];
    args.extend_from_slice(extra);
    args
}
