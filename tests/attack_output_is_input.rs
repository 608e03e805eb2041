//! Attack: name an input (the ledger, the secret key, the CSV, a settlement
//! file) or another output as an output, by the same string or through a
//! hard link, a symlink or a `..` path. Every command refuses before it
//! writes anything (exit 2, naming both flags), never writes over a key
//! file, and a command that fails leaves every old output whole
//! (issue 13, route 6).

mod common;

use std::path::{Path, PathBuf};

struct Run {
    code: i32,
    stderr: String,
}

fn payqr(dir: &Path, args: &[&str]) -> Run {
    let o = common::command()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run payqr");
    let r = Run {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

const ISSUED: &str = "2026-11-23T08:00:00+08:00";
const MAP: &str = "code_id=out_trade_no,amount=total_fee,currency=fee_type,paid_at=time_end,txn_id=transaction_id";

/// A dir with the test key (0600), its public key, a trust list, a CSV of
/// fines, and a ledger holding them.
fn setup() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    for f in ["test-issuer.key", "test-issuer.pub", "fines.csv"] {
        std::fs::copy(fixture(f), p.join(f)).unwrap();
    }
    std::fs::copy(fixture("settlement.csv"), p.join("settlement.csv")).unwrap();
    // Unix: the key must be 0600 to load; Windows has no mode bits.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            p.join("test-issuer.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    let r = payqr(
        p,
        &["trust", "add", "test-issuer.pub", "--trust", "trust.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = payqr(
        p,
        &batch(&["--manifest", "m.csv", "--ledger", "ledger.jsonl"]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    d
}

fn batch<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    common::fines_batch("fines.csv", "out", extra)
}

fn single<'a>(reference: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    common::single_args(reference, ISSUED, extra)
}

fn reconcile<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "reconcile",
        "--ledger",
        "ledger.jsonl",
        "--settlement",
        "settlement.csv",
        "--map",
        MAP,
        "--at",
        "2026-11-24T09:00:00+08:00",
        "--tz",
        "+08:00",
    ];
    v.extend_from_slice(extra);
    v
}

/// Every regular file under `dir` (not following links) with its bytes
/// (symlinks as their target), so a test can show nothing changed.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            let name = e.path();
            if name.extension().is_some_and(|x| x == "lock") {
                continue;
            }
            if t.is_dir() {
                todo.push(name);
            } else if t.is_symlink() {
                let target = std::fs::read_link(&name).unwrap();
                out.push((name, target.into_os_string().into_encoded_bytes()));
            } else {
                let bytes = std::fs::read(&name).unwrap();
                out.push((name, bytes));
            }
        }
    }
    out.sort();
    out
}

/// Runs `args`, which must be refused with exit 2 naming `flags`, and
/// checks that no file in the dir changed.
fn refused(dir: &Path, args: &[&str], flags: &[&str]) {
    let before = snapshot(dir);
    let r = payqr(dir, args);
    assert_eq!(r.code, 2, "{args:?} was not refused: {}", r.stderr);
    for f in flags {
        assert!(
            r.stderr.contains(f),
            "{args:?}: {f} not named: {}",
            r.stderr
        );
    }
    assert!(
        snapshot(dir) == before,
        "{args:?}: files changed although the command was refused"
    );
}

#[test]
fn reconcile_never_writes_a_report_over_its_ledger() {
    let d = setup();
    let p = d.path();
    refused(
        p,
        &reconcile(&["--report", "ledger.jsonl"]),
        &["--report", "--ledger"],
    );
    refused(
        p,
        &reconcile(&["--html", "ledger.jsonl"]),
        &["--html", "--ledger"],
    );
    refused(
        p,
        &reconcile(&["--report", "./out/../ledger.jsonl", "--apply"]),
        &["--report", "--ledger"],
    );
    // Identity, not strings: a hard link and a symlink to the ledger.
    std::fs::hard_link(p.join("ledger.jsonl"), p.join("hard.jsonl")).unwrap();
    refused(
        p,
        &reconcile(&["--report", "hard.jsonl"]),
        &["--report", "--ledger"],
    );
    // Symlinks: Unix only (Windows makes them only with a privilege); hard links above run on both.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("ledger.jsonl", p.join("soft.jsonl")).unwrap();
        refused(
            p,
            &reconcile(&["--html", "soft.jsonl"]),
            &["--html", "--ledger"],
        );
    }
    // The settlement file is an input too, and the two outputs must differ.
    refused(
        p,
        &reconcile(&["--report", "settlement.csv"]),
        &["--report", "--settlement"],
    );
    refused(
        p,
        &reconcile(&["--report", "r.csv", "--html", "out/../r.csv"]),
        &["--report", "--html"],
    );
    // A key file is never an output, input or not.
    refused(
        p,
        &reconcile(&["--html", "test-issuer.pub"]),
        &["--html", "key"],
    );
    // Distinct outputs still work.
    let r = payqr(p, &reconcile(&["--report", "r.csv", "--html", "r.html"]));
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert!(p.join("r.csv").exists() && p.join("r.html").exists());
}

#[test]
fn issue_never_writes_over_its_key_ledger_or_csv() {
    let d = setup();
    let p = d.path();
    // Batch: the manifest over the ledger, the key, the CSV.
    refused(
        p,
        &batch(&["--manifest", "ledger.jsonl", "--ledger", "ledger.jsonl"]),
        &["--manifest", "--ledger"],
    );
    refused(
        p,
        &batch(&["--manifest", "test-issuer.key"]),
        &["--manifest", "--key"],
    );
    refused(
        p,
        &batch(&[
            "--manifest",
            "./fines.csv",
            "--reissue",
            "--ledger",
            "l2.jsonl",
        ]),
        &["--manifest", "--from"],
    );
    // Single: the image over the secret key (directly or through a link),
    // over another key file, over the ledger, over the other image.
    refused(
        p,
        &single("R-1", &["--png", "test-issuer.key"]),
        &["--png", "--key"],
    );
    // Symlinks: Unix only (Windows makes them only with a privilege); hard links above run on both.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("test-issuer.key", p.join("key-link")).unwrap();
        refused(
            p,
            &single("R-1", &["--svg", "key-link"]),
            &["--svg", "--key"],
        );
    }
    refused(
        p,
        &single("R-1", &["--png", "test-issuer.pub"]),
        &["--png", "key"],
    );
    refused(
        p,
        &single(
            "R-1",
            &["--svg", "ledger.jsonl", "--ledger", "ledger.jsonl"],
        ),
        &["--svg", "--ledger"],
    );
    refused(
        p,
        &single("R-1", &["--png", "x.img", "--svg", "out/../x.img"]),
        &["--png", "--svg"],
    );
    // Distinct outputs still work.
    let r = payqr(
        p,
        &single(
            "R-1",
            &[
                "--png",
                "x.png",
                "--svg",
                "x.svg",
                "--ledger",
                "ledger.jsonl",
            ],
        ),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn trust_add_never_writes_the_list_over_a_key() {
    let d = setup();
    let p = d.path();
    refused(
        p,
        &[
            "trust",
            "add",
            "test-issuer.pub",
            "--trust",
            "test-issuer.pub",
        ],
        &["--trust"],
    );
}

/// A batch's per-code files never land on an input, even one placed
/// exactly where a code's image goes (the code ids are reproducible).
#[test]
fn a_batch_never_writes_a_code_image_over_an_input() {
    let d = setup();
    let p = d.path();
    // The setup's batch wrote out/XX/ID.png for every row; the same rows
    // issued at the same time in a fresh dir get the same ids.
    let manifest = std::fs::read_to_string(p.join("m.csv")).unwrap();
    let first_png = manifest
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .find(|f| f.ends_with(".png"))
        .unwrap()
        .to_string();
    let e = tempfile::tempdir().unwrap();
    let q = e.path();
    for f in ["test-issuer.key", "fines.csv"] {
        std::fs::copy(p.join(f), q.join(f)).unwrap();
    }
    // The CSV itself sits where its first row's image would be written.
    let slot = q.join(&first_png);
    std::fs::create_dir_all(slot.parent().unwrap()).unwrap();
    std::fs::rename(q.join("fines.csv"), &slot).unwrap();
    let csv_before = std::fs::read(&slot).unwrap();
    let mut args = batch(&[]);
    let i = args.iter().position(|a| *a == "fines.csv").unwrap();
    args[i] = &first_png;
    let before = snapshot(q);
    let r = payqr(q, &args);
    assert_eq!(r.code, 2, "not refused: {}", r.stderr);
    assert!(r.stderr.contains("--from"), "{}", r.stderr);
    assert!(
        std::fs::read(&slot).unwrap() == csv_before,
        "the CSV was replaced"
    );
    assert!(snapshot(q) == before);
}

#[test]
fn a_failed_command_leaves_every_old_output_whole() {
    let d = setup();
    let p = d.path();
    std::fs::write(p.join("old.csv"), b"old report\n").unwrap();
    // The report could be written, the HTML cannot (no such directory):
    // the command fails and the old report is still there.
    let r = payqr(
        p,
        &reconcile(&["--report", "old.csv", "--html", "nodir/r.html"]),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        std::fs::read(p.join("old.csv")).unwrap() == b"old report\n",
        "the old report was replaced by a failed command"
    );

    std::fs::write(p.join("old.png"), b"old png").unwrap();
    let ledger_before = std::fs::read(p.join("ledger.jsonl")).unwrap();
    let r = payqr(
        p,
        &single(
            "R-2",
            &[
                "--png",
                "old.png",
                "--svg",
                "nodir/x.svg",
                "--ledger",
                "ledger.jsonl",
            ],
        ),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        std::fs::read(p.join("old.png")).unwrap() == b"old png",
        "the old image was replaced by a failed command"
    );
    assert!(
        std::fs::read(p.join("ledger.jsonl")).unwrap() == ledger_before,
        "a code whose images failed is not recorded"
    );
}

/// A batch's temporary files have fixed names (a rerun overwrites what an
/// interrupted run left); one planted as a symlink must not lead the
/// write to the file it points to.
// Unix only: Windows makes symlinks only with a privilege.
#[cfg(unix)]
#[test]
fn a_symlink_at_a_temporary_name_is_not_written_through() {
    let d = setup();
    let p = d.path();
    std::fs::write(p.join("precious.txt"), b"precious\n").unwrap();
    std::os::unix::fs::symlink("precious.txt", p.join(".m2.csv.tmp")).unwrap();
    let r = payqr(p, &batch(&["--manifest", "m2.csv", "--ledger", "l2.jsonl"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read(p.join("precious.txt")).unwrap() == b"precious\n",
        "the manifest was written through a symlink at its temporary name"
    );
    let m2 = std::fs::symlink_metadata(p.join("m2.csv")).unwrap();
    assert!(
        m2.file_type().is_file(),
        "the manifest is a file of its own"
    );
}
