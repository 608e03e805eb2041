//! Chinese text in and out: an issuer name given on the command line comes
//! back from `trust list` as the same UTF-8 bytes, and a file name in
//! Chinese is read and written. On Windows (run under Wine by
//! scripts/wine-test.sh) the arguments arrive as UTF-16 and are turned
//! into UTF-8; output to a pipe or file is UTF-8 bytes whatever the
//! console code page (to a console, Rust's std writes UTF-16 through
//! WriteConsoleW, so no code page is involved either). On Unix the same
//! test checks the same bytes.

mod common;

use common::*;

#[test]
fn chinese_names_come_back_as_utf8() {
    let d = tempfile::tempdir().unwrap();
    let name = "北京市政公用缴费中心";
    let r = payqr(
        d.path(),
        &[
            "keygen",
            "--issuer",
            "bj-utilities",
            "--name",
            name,
            "--out",
            "缴费",
            "--unencrypted",
        ],
    )
    .expect(0);
    assert!(r.stdout.contains("缴费.key"), "{}", r.stdout);
    payqr(
        d.path(),
        &["trust", "add", "缴费.pub", "--trust", "信任.json"],
    )
    .expect(0);
    let out = common::command()
        .current_dir(d.path())
        .args(["trust", "list", "--trust", "信任.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Raw bytes, not a lossy decode: the name must be there as UTF-8.
    let want = name.as_bytes();
    assert!(
        out.stdout.windows(want.len()).any(|w| w == want),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(std::str::from_utf8(&out.stdout).is_ok());
}
