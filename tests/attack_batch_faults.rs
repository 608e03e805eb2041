//! Issue 13, route 8: every durable write of batch issuance (image and
//! notice files, `syncfs`, renames, the manifest, the ledger) and of a
//! single issue's `--png`/`--svg` goes through the fault layer. For a
//! fault at the n-th write, sync or rename, for every n reached: exit 2,
//! nothing acknowledged that is not on disk, no half-written file under a
//! final name, and a rerun completes with byte-identical results.
//!
//! Faults come from PAYQR_FAULT=OP:N:KIND, honoured by debug builds only.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

const FAULTS: [(&str, &str); 7] = [
    ("write", "eio"),
    ("write", "enospc"),
    ("write", "torn"),
    ("fsync", "eio"),
    ("fsync", "enospc"),
    ("rename", "eio"),
    ("rename", "enospc"),
];

/// Three codes in chunks of two: two chunks, each with its files, syncs,
/// renames and ledger append, then the manifest.
const ROWS: &str = "reference,amount\nF1,10.00\nF2,20.00\nF3,30.50\n";
const CODES: usize = 3;

fn batch(dir: &Path, fault: Option<String>) -> Run {
    let mut cmd = common::command();
    cmd.current_dir(dir)
        .args(["issue", "--key", "test-issuer.key", "--from", "rows.csv"])
        .args(["--out-dir", "out", "--kind", "fine", "--currency", "CNY"])
        .args(["--payee", "X", "--expires-in", "4h", "--now", ISSUED])
        .args(["--format", "png,svg,notice-svg"])
        .args(["--ledger", "l.jsonl", "--manifest", "manifest.csv"])
        .env("PAYQR_TEST_CHUNK_ROWS", "2")
        .env_remove("PAYQR_FAULT");
    if let Some(f) = fault {
        cmd.env("PAYQR_FAULT", f);
    }
    let r = run_cmd(cmd, "");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

/// Every file under `dir/out`, by path relative to it.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut v = BTreeMap::new();
    let out = dir.join("out");
    let Ok(shards) = std::fs::read_dir(&out) else {
        return v;
    };
    for s in shards {
        for f in std::fs::read_dir(s.unwrap().path()).unwrap() {
            let f = f.unwrap().path();
            // '/' on Windows too: the checks below split names on it.
            let name = f
                .strip_prefix(&out)
                .unwrap()
                .display()
                .to_string()
                .replace('\\', "/");
            v.insert(name, std::fs::read(&f).unwrap());
        }
    }
    v
}

fn read(p: &Path) -> Option<Vec<u8>> {
    std::fs::read(p).ok()
}

/// Whole lines of `b` (each with its newline).
fn lines(b: &[u8]) -> Vec<&[u8]> {
    b.split_inclusive(|&c| c == b'\n').collect()
}

fn hit(r: &Run) -> bool {
    r.stderr.contains("os error 5") || r.stderr.contains("os error 28")
}

#[test]
fn batch_issue_survives_a_fault_at_every_write_sync_and_rename() {
    let want_dir = setup();
    std::fs::write(want_dir.path().join("rows.csv"), ROWS).unwrap();
    let r = batch(want_dir.path(), None).expect(0);
    assert!(r.stderr.contains("issued 3"), "{}", r.stderr);
    let want_files = tree(want_dir.path());
    let want_ledger = read(&want_dir.path().join("l.jsonl")).unwrap();
    let want_manifest = read(&want_dir.path().join("manifest.csv")).unwrap();
    assert_eq!(want_files.len(), CODES * 3);
    assert_eq!(lines(&want_ledger).len(), CODES);

    let d = setup();
    std::fs::write(d.path().join("rows.csv"), ROWS).unwrap();
    let clean = || {
        let _ = std::fs::remove_dir_all(d.path().join("out"));
        // A fresh ledger: its checkpoint and index go with it (left alone,
        // they are evidence of lost records and stop every writer).
        for f in [
            "l.jsonl",
            "l.jsonl.ckpt",
            "l.jsonl.idx",
            "manifest.csv",
            ".manifest.csv.tmp",
        ] {
            let _ = std::fs::remove_file(d.path().join(f));
        }
    };
    let mut reached: BTreeMap<&str, u64> = BTreeMap::new();
    for (op, kind) in FAULTS {
        for n in 1.. {
            clean();
            let fault = format!("{op}:{n}:{kind}");
            let r = batch(d.path(), Some(fault.clone()));
            if !hit(&r) {
                // Past the last operation of this kind: a clean run.
                assert_eq!(r.code, 0, "{fault}: {}", r.stderr);
                let e = reached.entry(op).or_default();
                *e = (*e).max(n - 1);
                break;
            }
            assert_eq!(r.code, 2, "{fault}: {}", r.stderr);
            assert!(!r.stderr.contains("payqr: issued"), "{fault}: {}", r.stderr);

            // The ledger holds whole records, the first k of the whole
            // run's, byte for byte (a torn or failed write was cut back).
            let ledger = read(&d.path().join("l.jsonl")).unwrap_or_default();
            let want_lines = lines(&want_ledger);
            let got = lines(&ledger);
            assert!(
                ledger.is_empty() || ledger.ends_with(b"\n"),
                "{fault}: torn ledger"
            );
            assert!(
                got.len() <= CODES && got[..] == want_lines[..got.len()],
                "{fault}: ledger is not a prefix of the whole run's"
            );
            // No file under a final name is half-written or foreign; every
            // code in the ledger has all its files.
            let files = tree(d.path());
            for (name, bytes) in &files {
                let final_name = !name.rsplit('/').next().unwrap().starts_with('.');
                if final_name {
                    assert!(
                        want_files.get(name) == Some(bytes),
                        "{fault}: {name} is not the whole run's file"
                    );
                }
            }
            let recorded = String::from_utf8_lossy(&ledger).into_owned();
            for name in want_files.keys() {
                let id = &name[3..19];
                if recorded.contains(id) {
                    assert!(files.contains_key(name), "{fault}: {name} missing");
                }
            }
            // The manifest, if one was put in place, lists a prefix of the
            // whole run's codes, all of them recorded in the ledger.
            if let Some(m) = read(&d.path().join("manifest.csv")) {
                let (got, want) = (lines(&m), lines(&want_manifest));
                assert!(
                    got.len() <= want.len() && got[..] == want[..got.len()],
                    "{fault}: manifest is not a prefix of the whole run's:\n{}",
                    String::from_utf8_lossy(&m)
                );
                for row in &got[1..] {
                    let id = String::from_utf8_lossy(&row[..16]).into_owned();
                    assert!(recorded.contains(&id), "{fault}: {id} listed, not recorded");
                }
            }

            // A rerun completes with exactly the whole run's output.
            let r = batch(d.path(), None).expect(0);
            let _ = r;
            assert!(tree(d.path()) == want_files, "{fault}: rerun files differ");
            assert!(
                read(&d.path().join("l.jsonl")).as_deref() == Some(&want_ledger[..]),
                "{fault}: rerun ledger differs"
            );
            assert!(
                read(&d.path().join("manifest.csv")).as_deref() == Some(&want_manifest[..]),
                "{fault}: rerun manifest differs"
            );
        }
    }
    eprintln!("operations reached: {reached:?}");
    // Every image and notice file is written and renamed through the fault
    // layer, each chunk's syncfs (before and after its renames) too, and
    // the manifest's write, sync and rename.
    let files = (CODES * 3) as u64;
    let (chunks, manifest) = (2, 1);
    // Writes: the files, one ledger append per chunk, the manifest.
    let writes = files + chunks + manifest;
    // Renames: the files and the manifest.
    let renames = files + manifest;
    // Syncs: two syncfs and one ledger sync per chunk, the new ledger's
    // directory, the manifest and its directory.
    let syncs = 3 * chunks + 1 + 2 * manifest;
    assert!(reached["write"] >= writes, "{reached:?}");
    assert!(reached["rename"] >= renames, "{reached:?}");
    assert!(reached["fsync"] >= syncs, "{reached:?}");
}

#[test]
fn single_issue_images_are_whole_or_absent_under_every_fault() {
    let d = setup();
    let mut reached = 0;
    for (op, kind) in FAULTS {
        for n in 1.. {
            for f in ["one.png", "one.svg", "s.jsonl"] {
                std::fs::write(d.path().join(f), b"").unwrap();
            }
            std::fs::write(d.path().join("one.png"), b"OLD").unwrap();
            std::fs::write(d.path().join("one.svg"), b"OLD").unwrap();
            for f in ["s.jsonl", "s.jsonl.ckpt", "s.jsonl.idx"] {
                let _ = std::fs::remove_file(d.path().join(f));
            }
            let fault = format!("{op}:{n}:{kind}");
            let mut cmd = common::command();
            cmd.current_dir(d.path())
                .args(["issue", "--key", "test-issuer.key", "--amount", "5.00"])
                .args(["--currency", "CNY", "--payee", "X", "--ref", "S1"])
                .args(["--expires-in", "4h", "--now", ISSUED])
                .args([
                    "--png", "one.png", "--svg", "one.svg", "--ledger", "s.jsonl",
                ])
                .env("PAYQR_FAULT", &fault);
            let r = run_cmd(cmd, "");
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
            let png = read(&d.path().join("one.png")).unwrap();
            let svg = read(&d.path().join("one.svg")).unwrap();
            // Old content or a whole new file, never half of one.
            assert!(
                png == b"OLD" || png.ends_with(b"IEND\xaeB`\x82"),
                "{fault}: png"
            );
            assert!(
                svg == b"OLD" || svg.trim_ascii_end().ends_with(b"</svg>"),
                "{fault}: svg"
            );
            if !hit(&r) {
                assert_eq!(r.code, 0, "{fault}: {}", r.stderr);
                assert!(png != b"OLD" && svg != b"OLD");
                break;
            }
            reached += 1;
            assert_eq!(r.code, 2, "{fault}: {}", r.stderr);
            // Nothing acknowledged: no payload printed, no code recorded.
            assert!(!r.stdout.contains("PQ1:"), "{fault}: {}", r.stdout);
            let ledger = read(&d.path().join("s.jsonl")).unwrap_or_default();
            assert!(
                ledger.is_empty() || r.stderr.contains("s.jsonl"),
                "{fault}: recorded though an image write failed"
            );
            let leftovers: Vec<_> = std::fs::read_dir(d.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tmp"))
                .collect();
            assert!(leftovers.is_empty(), "{fault}: {leftovers:?}");
        }
    }
    // Two files, each written, synced, renamed and its directory synced.
    assert!(
        reached >= 3 * 2 + 2 * 4 + 2 * 2,
        "only {reached} faults reached"
    );
}
