//! Issue 19: a release's SHA256SUMS is signed with a payqr key, and the
//! signature refuses a changed file, another key and a payment-code key
//! confusion (the domain prefix).

mod common;

use std::path::Path;
use std::process::Output;

fn payqr(dir: &Path, args: &[&str]) -> Output {
    common::command()
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

#[test]
fn signed_sums_verify_and_tampered_ones_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    for (id, out) in [("payqr-release", "rel"), ("someone-else", "other")] {
        let o = payqr(
            dir,
            &[
                "keygen",
                "--unencrypted",
                "--issuer",
                id,
                "--name",
                id,
                "--out",
                out,
            ],
        );
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    }
    let sums = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  payqr-0.1.0-x86_64-windows.zip\n";
    std::fs::write(dir.join("SHA256SUMS"), sums).unwrap();

    let o = payqr(dir, &["release", "sign", "--key", "rel.key", "SHA256SUMS"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let sig = std::fs::read_to_string(dir.join("SHA256SUMS.sig")).unwrap();
    assert!(sig.starts_with("payqr-release-v1 "), "{sig}");

    let verify = |key: &str| {
        code(&payqr(
            dir,
            &["release", "verify", "--pub", key, "SHA256SUMS"],
        ))
    };
    assert_eq!(verify("rel.pub"), 0);
    assert_eq!(verify("other.pub"), 1, "another key's public key passed");

    // One hash digit changed: refused.
    std::fs::write(dir.join("SHA256SUMS"), sums.replacen("e", "f", 1)).unwrap();
    let o = payqr(
        dir,
        &["release", "verify", "--pub", "rel.pub", "SHA256SUMS"],
    );
    assert_eq!(code(&o), 1);
    assert!(String::from_utf8_lossy(&o.stderr).contains("BAD signature"));

    // A line appended: refused.
    std::fs::write(dir.join("SHA256SUMS"), format!("{sums}00  evil.exe\n")).unwrap();
    assert_eq!(verify("rel.pub"), 1);

    // Restored: good again; a missing signature is an input error.
    std::fs::write(dir.join("SHA256SUMS"), sums).unwrap();
    assert_eq!(verify("rel.pub"), 0);
    std::fs::remove_file(dir.join("SHA256SUMS.sig")).unwrap();
    assert_eq!(verify("rel.pub"), 2);
}
