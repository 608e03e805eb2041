//! Windows: a file another process holds open for a moment (a virus
//! scanner, the search indexer, a backup agent) cannot be replaced by
//! rename until it lets go: `ERROR_ACCESS_DENIED` or
//! `ERROR_SHARING_VIOLATION`. A ledger index or a batch output replaced
//! then failed the whole command (seen as 1 failed `redeem` in 160 under
//! Wine, tests/ledger_concurrency.rs). payqr's rename waits for such a
//! holder for about a second.
//!
//! On Unix a rename over an open file always succeeds; the test runs there
//! too and checks the same outcome.

use std::fs::{File, OpenOptions};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Opens `p` the way a scanner does: reading, sharing reads and writes
/// but not deletion (so the file cannot be replaced while it is open).
fn open_like_a_scanner(p: &Path) -> File {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // FILE_SHARE_READ | FILE_SHARE_WRITE, no FILE_SHARE_DELETE.
        o.share_mode(1 | 2);
    }
    o.open(p).unwrap()
}

#[test]
fn a_rename_waits_for_a_brief_holder_of_the_target() {
    let d = tempfile::tempdir().unwrap();
    let (target, tmp) = (d.path().join("l.jsonl.idx"), d.path().join("idx.tmp"));
    std::fs::write(&target, b"old").unwrap();
    std::fs::write(&tmp, b"new").unwrap();
    let (opened, release) = (mpsc::channel(), mpsc::channel::<()>());
    let holder = {
        let target = target.clone();
        let (opened, release) = (opened.0, release.1);
        std::thread::spawn(move || {
            let f = open_like_a_scanner(&target);
            opened.send(()).unwrap();
            // Let go after 100 ms, or sooner if the rename is done.
            let _ = release.recv_timeout(Duration::from_millis(100));
            drop(f);
        })
    };
    opened.1.recv().unwrap();
    let r = payqr::fs::durable::rename(&tmp, &target);
    let _ = release.0.send(());
    holder.join().unwrap();
    r.unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"new");
    assert!(!tmp.exists());
}

/// A holder that does not let go: the rename fails after its retries
/// (about a second), with the old file whole and the new one still there.
#[cfg(windows)]
#[test]
fn a_rename_gives_up_on_a_holder_that_stays() {
    let d = tempfile::tempdir().unwrap();
    let (target, tmp) = (d.path().join("t"), d.path().join("t.tmp"));
    std::fs::write(&target, b"old").unwrap();
    std::fs::write(&tmp, b"new").unwrap();
    let f = open_like_a_scanner(&target);
    let start = std::time::Instant::now();
    let e = payqr::fs::durable::rename(&tmp, &target).unwrap_err();
    let waited = start.elapsed();
    drop(f);
    assert!(matches!(e.raw_os_error(), Some(5 | 32)), "{e}");
    assert!(waited >= Duration::from_millis(500), "{waited:?}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    assert_eq!(std::fs::read(&target).unwrap(), b"old");
    assert_eq!(std::fs::read(&tmp).unwrap(), b"new");
}
