//! Issue 13, route 7: a batch interrupted (Ctrl-C, kill -9) and rerun
//! ends with the manifest, files and ledger of a run never interrupted,
//! byte for byte; so does rerunning a batch that had finished.

// Unix only: the attacks use Unix signals (SIGINT/SIGKILL to a child); the rest of
// the suite runs on Windows under Wine (scripts/wine-test.sh).
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const ROWS: usize = 400;

fn batch(dir: &Path) -> Command {
    let mut cmd = common::command();
    cmd.current_dir(dir)
        .args(["issue", "--key", "test-issuer.key", "--from", "rows.csv"])
        .args(["--out-dir", "out", "--kind", "fine", "--currency", "CNY"])
        .args(["--payee", "X", "--expires-in", "4h", "--now", ISSUED])
        .args(["--format", "png,svg,notice-svg"])
        .args(["--ledger", "l.jsonl", "--manifest", "manifest.csv"])
        // Chunks of 40 rows (debug builds): ten chunks to stop between.
        .env("PAYQR_TEST_CHUNK_ROWS", "40")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn setup_rows() -> tempfile::TempDir {
    let d = setup();
    let mut rows = String::from("reference,amount\n");
    for i in 0..ROWS {
        rows.push_str(&format!("京B{i:05},{}.50\n", 10 + i));
    }
    std::fs::write(d.path().join("rows.csv"), rows).unwrap();
    d
}

fn run(dir: &Path) -> Run {
    let out = batch(dir).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir/out` (temporary ones included) and the manifest
/// and ledger, with their bytes.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for f in ["manifest.csv", "l.jsonl"] {
        v.push((
            f.to_string(),
            std::fs::read(dir.join(f)).unwrap_or_default(),
        ));
    }
    let out = dir.join("out");
    let mut shards: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    shards.sort();
    for s in shards {
        let mut files: Vec<_> = std::fs::read_dir(&s)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let name = f.strip_prefix(&out).unwrap().display().to_string();
            v.push((name, std::fs::read(&f).unwrap()));
        }
    }
    v
}

fn lines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// Sends `signal` once the first chunk is in the ledger; returns the exit
/// status (None: killed by the signal).
fn interrupt(dir: &Path, signal: i32) -> Option<i32> {
    let mut child = batch(dir).spawn().unwrap();
    let ledger = dir.join("l.jsonl");
    let until = Instant::now() + Duration::from_secs(60);
    while std::fs::metadata(&ledger).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(Instant::now() < until, "no chunk was committed in 60 s");
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: kill only sends a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, signal) };
    let status = child.wait().unwrap();
    status.code()
}

fn compare(what: &str, got: &[(String, Vec<u8>)], want: &[(String, Vec<u8>)]) {
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "{what}: files differ");
    for ((name, g), (_, w)) in got.iter().zip(want) {
        assert!(
            g == w,
            "{what}: {name} differs: {} lines, want {}",
            lines(g),
            lines(w)
        );
    }
}

#[test]
fn a_resumed_batch_writes_what_an_uninterrupted_one_writes() {
    let whole = setup_rows();
    run(whole.path()).expect(0);
    let want = outputs(whole.path());
    assert_eq!(lines(&want[0].1), ROWS + 1, "manifest of the whole run");

    // A finished batch run again: nothing issued, the same manifest.
    let r = run(whole.path()).expect(0);
    assert!(
        r.stderr.contains(&format!("skipped {ROWS}")),
        "{}",
        r.stderr
    );
    compare("rerun of a finished batch", &outputs(whole.path()), &want);

    for (what, signal) in [("Ctrl-C", libc::SIGINT), ("kill -9", libc::SIGKILL)] {
        let d = setup_rows();
        let status = interrupt(d.path(), signal);
        let done = lines(&std::fs::read(d.path().join("l.jsonl")).unwrap());
        assert!(done < ROWS, "{what}: the batch finished before the signal");
        match signal {
            libc::SIGINT => assert_eq!(status, Some(130), "{what}"),
            _ => assert_eq!(status, None, "{what}"),
        }
        let mut r = run(d.path());
        if r.code == 2 && r.stderr.contains("incomplete") {
            // kill -9 in the middle of the ledger write: a torn line.
            payqr(d.path(), &["ledger", "repair", "--ledger", "l.jsonl"]).expect(0);
            r = run(d.path());
        }
        let r = r.expect(0);
        eprintln!("{what} after {done} codes; rerun: {}", r.stderr.trim());
        // Temporary files a kill left behind are overwritten and renamed
        // by the rerun: nothing but the final files remains.
        compare(what, &outputs(d.path()), &want);
    }
}
