//! Windows: a secret key that other users may read (its access list grants
//! read to Everyone, Users, ...) is warned about on stderr, naming them and
//! the `icacls` command that admits only the user; the command still runs.
//! src/fs/winacl.rs says why Windows warns where Unix refuses.

// Windows only: on Unix such a key is refused, which
// tests/issue_batch.rs::readable_secret_key_is_refused proves (chmod 644).
#![cfg(windows)]

mod common;

use common::*;
use std::os::windows::fs::OpenOptionsExt;

/// S-1-1-0, "Everyone".
const EVERYONE: [u8; 12] = [1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0];
const WRITE_DAC: u32 = 0x0004_0000;

fn issue(d: &std::path::Path) -> Run {
    payqr(d, &quick_issue("test-issuer.key", &[]))
}

#[test]
fn a_key_everyone_may_read_is_warned_about() {
    let d = setup();
    if !payqr::fs::winacl::under_wine() {
        // setup() gave the key keygen's owner-only access list.
        let r = issue(d.path()).expect(0);
        assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    }
    // Under Wine the key reads as Everyone's already (Wine derives the
    // access list from its Unix mode and refuses WRITE_DAC on it).
    if !payqr::fs::winacl::under_wine() {
        let f = std::fs::OpenOptions::new()
            .access_mode(WRITE_DAC)
            .open(d.path().join("test-issuer.key"))
            .unwrap();
        let me = payqr::fs::winacl::current_user().unwrap();
        payqr::fs::winacl::set_dacl(&f, &[&me, &EVERYONE]).unwrap();
    }
    let r = issue(d.path()).expect(0);
    assert!(
        r.stderr.contains("payqr: warning: ")
            && r.stderr
                .contains("other users may read this secret key (Everyone)")
            && r.stderr.contains("icacls"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.starts_with("PQ1:"), "{}", r.stdout);
}
