//! Key rotation (docs/FORMAT.md §2.3) through the binary: the new key is
//! trusted from T, the old key's window is closed at T; the old key's codes
//! issued up to T stay valid, its codes issued after T are refused, and so
//! are the new key's codes dated before T.

mod common;
use common::*;

use std::path::Path;

/// The switch-over time T, and times an hour either side of it.
const T: &str = "2026-11-23T12:00:00+08:00";
const BEFORE: &str = "2026-11-23T11:00:00+08:00";
const AFTER: &str = "2026-11-23T13:00:00+08:00";
/// When the merchant checks: every code here is still unexpired (4 h).
const CHECK: &str = "2026-11-23T14:30:00+08:00";

fn issue(dir: &Path, key: &str, reference: &str, at: &str) -> String {
    payqr(
        dir,
        &[
            "issue",
            "--key",
            key,
            "--kind",
            "fine",
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
            at,
        ],
    )
    .expect(0)
    .stdout
    .trim()
    .to_string()
}

fn verify(dir: &Path, payload: &str) -> Run {
    payqr(
        dir,
        &[
            "verify",
            "--trust",
            "trust.json",
            "--at",
            CHECK,
            "--text",
            payload,
        ],
    )
}

#[test]
fn rotation_keeps_old_codes_and_refuses_the_old_key_after_its_window() {
    // setup(): the TEST key (bj-traffic, 555a6599) trusted with no window.
    let d = setup();
    let dir = d.path();
    let r = keygen(dir, "bj-traffic", "BJ 2027", "bj-2027", &[]).expect(0);
    let new_id = r
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("key_id "))
        .unwrap()
        .to_string();

    // Codes issued before any change.
    let old_early = issue(dir, "test-issuer.key", "OLD-EARLY", BEFORE);
    let old_late = issue(dir, "test-issuer.key", "OLD-LATE", AFTER);
    let new_early = issue(dir, "bj-2027.key", "NEW-EARLY", BEFORE);
    let new_late = issue(dir, "bj-2027.key", "NEW-LATE", AFTER);
    verify(dir, &old_late).expect(0);

    // 1. The new key is trusted from T; 2. the old key's window closes at T.
    payqr(
        dir,
        &[
            "trust",
            "add",
            "bj-2027.pub",
            "--trust",
            "trust.json",
            "--not-before",
            T,
        ],
    )
    .expect(0);
    let r = payqr(
        dir,
        &[
            "trust",
            "close",
            "555a6599",
            "--not-after",
            T,
            "--trust",
            "trust.json",
        ],
    )
    .expect(0);
    assert!(
        r.stdout.contains("closed bj-traffic key 555a6599"),
        "{}",
        r.stdout
    );

    // The old key's code from before T stays valid; its code after T is not.
    let ok = verify(dir, &old_early).expect(0);
    assert!(ok.stdout.starts_with("VALID:"), "{}", ok.stdout);
    let refused = verify(dir, &old_late).expect(1);
    assert!(
        refused.stdout.contains("key_not_valid"),
        "{}",
        refused.stdout
    );
    // The new key's codes count from T only.
    verify(dir, &new_late).expect(0);
    let refused = verify(dir, &new_early).expect(1);
    assert!(
        refused.stdout.contains("key_not_valid"),
        "{}",
        refused.stdout
    );

    // A window is only narrowed: reopening the old key is refused.
    let r = payqr(
        dir,
        &[
            "trust",
            "close",
            "555a6599",
            "--not-after",
            AFTER,
            "--trust",
            "trust.json",
        ],
    )
    .expect(2);
    assert!(
        r.stderr.contains("already refuses codes issued after"),
        "{}",
        r.stderr
    );
    verify(dir, &old_late).expect(1);

    let list = payqr(dir, &["trust", "list", "--trust", "trust.json"]).expect(0);
    assert!(list.stdout.contains(&new_id), "{}", list.stdout);
}
