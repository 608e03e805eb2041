//! Attack: a key whose validity window is inverted (not_before later than
//! not_after) accepts no code at all, and hides a typo in a date. It is
//! refused when added, and a trust list holding one is refused on load,
//! naming the file and the key (issue 13, route 5).

mod common;

use std::path::Path;

fn payqr(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = common::command()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run payqr");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[test]
fn trust_add_refuses_an_inverted_window() {
    let d = tempfile::tempdir().unwrap();
    let pubfile = fixture("test-issuer.pub");
    let (code, _, err) = payqr(
        d.path(),
        &[
            "trust",
            "add",
            pubfile.to_str().unwrap(),
            "--trust",
            "trust.json",
            "--not-before",
            "2027-01-01T00:00:00Z",
            "--not-after",
            "2026-01-01T00:00:00Z",
        ],
    );
    assert_eq!(code, 2, "stderr: {err}");
    assert!(
        err.contains("--not-before") && err.contains("--not-after"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !d.path().join("trust.json").exists(),
        "nothing may be written"
    );

    // A window of one second is not inverted.
    let (code, _, err) = payqr(
        d.path(),
        &[
            "trust",
            "add",
            pubfile.to_str().unwrap(),
            "--trust",
            "trust.json",
            "--not-before",
            "2026-01-01T00:00:00Z",
            "--not-after",
            "2026-01-01T00:00:00Z",
        ],
    );
    assert_eq!(code, 0, "stderr: {err}");
}

#[test]
fn a_trust_list_holding_an_inverted_window_is_refused_on_load() {
    let d = tempfile::tempdir().unwrap();
    let pubfile = fixture("test-issuer.pub");
    let (code, _, err) = payqr(
        d.path(),
        &[
            "trust",
            "add",
            pubfile.to_str().unwrap(),
            "--trust",
            "trust.json",
            "--not-before",
            "2026-01-01T00:00:00Z",
            "--not-after",
            "2027-01-01T00:00:00Z",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let path = d.path().join("trust.json");
    let text = std::fs::read_to_string(&path).unwrap();
    // A hand edit swaps the years.
    let edited = text
        .replace("2026-01-01T00:00:00Z", "@SWAP@")
        .replace("2027-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
        .replace("@SWAP@", "2027-01-01T00:00:00Z");
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap();
    let key_id: String =
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["keys"][0]["key_id"]
            .as_str()
            .unwrap()
            .to_string();

    for args in [
        &["trust", "list", "--trust", "trust.json"][..],
        &["verify", "--trust", "trust.json", "--text", "PQ1:x"][..],
        &["trust", "revoke", &key_id, "--trust", "trust.json"][..],
    ] {
        let (code, _, err) = payqr(d.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.contains("trust.json") && first.contains(&key_id),
            "{args:?}: the error names the file and the key: {err}"
        );
        assert!(first.contains("not_before"), "{args:?}: {err}");
    }
}
