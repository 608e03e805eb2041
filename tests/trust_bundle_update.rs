//! Issue 15, signed trust bundles: a merchant's trust list is replaced only
//! by a bundle signed by the anchor it pins (or one that anchor endorsed),
//! newer than the list (no rollback, no replay), not expired, not altered;
//! nothing is written otherwise. Verify reports a stale list and refuses an
//! expired one unless --allow-stale, which the verdict records.

mod common;
use common::*;

use std::path::Path;

fn bundle(d: &Path, anchor: &str, master: &str, out: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "trust", "bundle", "--anchor", anchor, "--trust", master, "--out", out,
    ];
    args.extend_from_slice(extra);
    payqr(d, &args)
}

fn update(d: &Path, file: &str, anchor: Option<&str>) -> Run {
    let mut args = vec!["trust", "update", file, "--trust", "local.json"];
    if let Some(a) = anchor {
        args.extend(["--anchor", a]);
    }
    payqr(d, &args)
}

fn read(d: &Path, f: &str) -> Vec<u8> {
    std::fs::read(d.join(f)).unwrap()
}

/// A refused update: exit 2, one line naming the problem, the list as it was.
fn refused(d: &Path, file: &str, anchor: Option<&str>, want: &str) {
    let before = std::fs::read(d.join("local.json")).ok();
    let r = update(d, file, anchor).expect(2);
    assert!(r.stderr.contains(want), "want {want:?}: {}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_eq!(std::fs::read(d.join("local.json")).ok(), before, "{file}");
}

fn anchors(d: &Path, names: &[&str]) {
    for n in names {
        payqr(d, &["anchor", "keygen", "--out", n]).expect(0);
    }
}

#[test]
fn update_accepts_only_newer_unexpired_bundles_of_the_pinned_anchor() {
    let t = setup();
    let d = t.path();
    anchors(d, &["a", "b"]);
    // A second authority list, signed by b, trusting the same issuer.
    std::fs::copy(d.join("trust.json"), d.join("other.json")).unwrap();
    bundle(d, "a.key", "trust.json", "s1.pqt", &[]).expect(0);
    bundle(d, "b.key", "other.json", "b1.pqt", &["--sequence", "9"]).expect(0);

    // The first update needs an anchor to pin, and the right one.
    refused(d, "s1.pqt", None, "pins no anchor");
    refused(d, "s1.pqt", Some("b.pub"), "not the pinned anchor");
    assert!(!d.join("local.json").exists());
    let r = update(d, "s1.pqt", Some("a.pub")).expect(0);
    assert!(r.stdout.contains("sequence 1"), "{}", r.stdout);

    // A bundle of another anchor, even with a higher sequence.
    refused(d, "b1.pqt", None, "not the pinned anchor");
    // --anchor cannot re-pin: b is not the list's anchor.
    refused(
        d,
        "b1.pqt",
        Some("b.pub"),
        "is not the anchor this trust list pins",
    );

    // Replay of the same bundle, and rollback to an older one.
    bundle(d, "a.key", "trust.json", "s2.pqt", &[]).expect(0);
    refused(d, "s1.pqt", None, "rollback refused");
    update(d, "s2.pqt", None).expect(0);
    refused(d, "s2.pqt", None, "rollback refused");
    refused(d, "s1.pqt", None, "rollback refused");
    // The sequence comes from the authority's list: the next is 3, and a
    // flag may not go back.
    bundle(d, "a.key", "trust.json", "x.pqt", &["--sequence", "2"]).expect(2);

    // Tampered: any byte changed (header, hashes or signature).
    bundle(d, "a.key", "trust.json", "s3.pqt", &[]).expect(0);
    let good = read(d, "s3.pqt");
    for at in [30, good.len() / 2, good.len() - 70, good.len() - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        std::fs::write(d.join("bad.pqt"), &bad).unwrap();
        let before = read(d, "local.json");
        let r = update(d, "bad.pqt", None).expect(2);
        assert!(r.stderr.contains("bad.pqt"), "{}", r.stderr);
        assert_eq!(read(d, "local.json"), before);
    }
    std::fs::write(d.join("cut.pqt"), &good[..good.len() - 10]).unwrap();
    refused(d, "cut.pqt", None, "cut.pqt");

    // Expired: issued 10 days ago, valid 7 days.
    let old = (chrono::Utc::now() - chrono::Duration::days(10)).to_rfc3339();
    bundle(
        d,
        "a.key",
        "trust.json",
        "old.pqt",
        &["--now", &old, "--valid-for", "7d"],
    )
    .expect(0);
    refused(d, "old.pqt", None, "expired");

    update(d, "s3.pqt", None).expect(0);
    let list = payqr(d, &["trust", "list", "--trust", "local.json"]).expect(0);
    let a_id = std::fs::read_to_string(d.join("a.pub")).unwrap();
    let a_id: serde_json::Value = serde_json::from_str(&a_id).unwrap();
    let a_id = a_id["key_id"].as_str().unwrap();
    assert!(
        list.stdout.contains("bundle sequence 3") && list.stdout.contains(a_id),
        "{}",
        list.stdout
    );
    // The list still verifies codes.
    let code = issue_one(d, "R1", &[]);
    payqr(
        d,
        &[
            "verify",
            "--trust",
            "local.json",
            "--at",
            DURING,
            "--text",
            &code,
        ],
    )
    .expect(0);
}

#[test]
fn stale_lists_are_reported_and_expired_ones_refused_unless_allowed() {
    let t = setup();
    let d = t.path();
    anchors(d, &["a"]);
    let code = issue_one(d, "R1", &[]);
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--trust",
            "local.json",
            "--at",
            DURING,
            "--text",
            &code,
        ];
        args.extend_from_slice(extra);
        payqr(d, &args)
    };
    // The same in Chinese (issue 17): the warning is Chinese, JSON's
    // trust_warning stays English.
    let verify_zh = |extra: &[&str]| {
        let mut cmd = common::command();
        cmd.current_dir(d)
            .args(["verify", "--trust", "local.json", "--at", DURING, "--text"])
            .arg(&code)
            .args(extra)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("PAYQR_LANG")
            .env("LANG", "zh_CN.UTF-8");
        run_cmd(cmd, "")
    };
    // Fresh: no word about staleness.
    bundle(d, "a.key", "trust.json", "s1.pqt", &[]).expect(0);
    update(d, "s1.pqt", Some("a.pub")).expect(0);
    let r = verify(&["--json"]).expect(0);
    assert!(json(&r).get("trust_stale").is_none(), "{}", r.stdout);

    // Issued two days ago: stale past the default 24 h, not past 72 h.
    let two_days = (chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339();
    bundle(d, "a.key", "trust.json", "s2.pqt", &["--now", &two_days]).expect(0);
    update(d, "s2.pqt", None).expect(0);
    let r = verify(&[]).expect(0);
    assert!(
        r.stdout.starts_with("VALID:") && r.stdout.contains("stale"),
        "{}",
        r.stdout
    );
    let j = json(&verify(&["--json"]).expect(0));
    assert_eq!(j["trust_stale"], true);
    assert_eq!(j["allow_stale"], false);
    let r = verify_zh(&[]).expect(0);
    assert!(
        r.stderr
            .contains("payqr: 警告：信任列表已过时：信任包 2 签发于 2天0小时前（")
            && r.stderr.contains("）；请运行 payqr trust update")
            && r.stdout.contains("  [信任列表已过时："),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let zh = json(&verify_zh(&["--json"]).expect(0));
    assert_eq!(zh["trust_warning"], j["trust_warning"]);
    let r = verify(&["--json", "--stale-after", "72h"]).expect(0);
    assert!(json(&r).get("trust_stale").is_none());

    // Expired after it was received: refused, unless --allow-stale,
    // which every verdict then records.
    bundle(d, "a.key", "trust.json", "s3.pqt", &["--valid-for", "2s"]).expect(0);
    update(d, "s3.pqt", None).expect(0);
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let r = verify(&[]).expect(2);
    assert!(r.stderr.contains("expired"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let r = verify(&["--allow-stale"]).expect(0);
    assert!(r.stdout.contains("--allow-stale"), "{}", r.stdout);
    let r = verify_zh(&[]).expect(2);
    assert!(
        r.stderr.contains("local.json：信任包 3 已于 ") && r.stderr.contains(" 过期；未核验任何码"),
        "{}",
        r.stderr
    );
    let r = verify_zh(&["--allow-stale"]).expect(0);
    assert!(
        r.stdout.contains("过期；仍照常核验（--allow-stale）]"),
        "{}",
        r.stdout
    );
    let j = json(&verify(&["--allow-stale", "--json"]).expect(0));
    assert_eq!(j["allow_stale"], true);
    assert_eq!(j["status"], "valid");
    // redeem too.
    payqr(
        d,
        &[
            "redeem",
            "--trust",
            "local.json",
            "--ledger",
            "l.jsonl",
            "--at",
            DURING,
            "--text",
            &code,
        ],
    )
    .expect(2);
    let r = payqr(
        d,
        &[
            "redeem",
            "--trust",
            "local.json",
            "--ledger",
            "l.jsonl",
            "--at",
            DURING,
            "--allow-stale",
            "--json",
            "--text",
            &code,
        ],
    )
    .expect(0);
    assert_eq!(json(&r)["allow_stale"], true);

    // A hand-made list never goes stale.
    let r = payqr(
        d,
        &[
            "verify",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--json",
            "--text",
            &code,
        ],
    )
    .expect(0);
    assert!(json(&r).get("trust_stale").is_none());
}

#[test]
fn anchor_rotation_pins_the_endorsed_anchor() {
    let t = setup();
    let d = t.path();
    anchors(d, &["a", "c"]);
    bundle(d, "a.key", "trust.json", "s1.pqt", &[]).expect(0);
    update(d, "s1.pqt", Some("a.pub")).expect(0);
    // c without a's endorsement is a stranger.
    bundle(d, "c.key", "trust.json", "c-alone.pqt", &[]).expect(0);
    refused(d, "c-alone.pqt", None, "not the pinned anchor");
    // A forged endorsement (c vouching for itself under a's id) fails.
    payqr(
        d,
        &[
            "anchor", "endorse", "--anchor", "c.key", "--next", "c.pub", "--out", "self.e",
        ],
    )
    .expect(2);
    payqr(
        d,
        &[
            "anchor", "endorse", "--anchor", "a.key", "--next", "c.pub", "--out", "a-c.e",
        ],
    )
    .expect(0);
    let mut forged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("a-c.e")).unwrap()).unwrap();
    let sig = forged["signature"].as_str().unwrap().to_string();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    forged["signature"] = format!("{flipped}{}", &sig[1..]).into();
    std::fs::write(d.join("forged.e"), forged.to_string()).unwrap();
    bundle(
        d,
        "c.key",
        "trust.json",
        "c-forged.pqt",
        &["--endorsement", "forged.e"],
    )
    .expect(0);
    refused(d, "c-forged.pqt", None, "endorsement");
    // Signed by c, carrying a's endorsement: accepted, c pinned.
    bundle(
        d,
        "c.key",
        "trust.json",
        "c1.pqt",
        &["--endorsement", "a-c.e"],
    )
    .expect(0);
    let r = update(d, "c1.pqt", None).expect(0);
    assert!(r.stdout.contains("anchor rotated"), "{}", r.stdout);
    // From now on a's bundles are refused, c's accepted without the
    // endorsement; the old anchor's file is still a known name.
    bundle(
        d,
        "a.key",
        "trust.json",
        "a-late.pqt",
        &["--sequence", "50"],
    )
    .expect(0);
    refused(d, "a-late.pqt", None, "not the pinned anchor");
    refused(d, "a-late.pqt", Some("a.pub"), "not the pinned anchor");
    bundle(d, "c.key", "trust.json", "c2.pqt", &["--sequence", "60"]).expect(0);
    update(d, "c2.pqt", None).expect(0);
    let list = payqr(d, &["trust", "list", "--trust", "local.json", "--json"]).expect(0);
    let first: serde_json::Value =
        serde_json::from_str(list.stdout.lines().next().unwrap()).unwrap();
    let c: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("c.pub")).unwrap()).unwrap();
    assert_eq!(first["bundle"]["anchor_id"], c["key_id"]);
    assert_eq!(first["bundle"]["sequence"], 60);
}

#[test]
fn anchor_keys_are_their_own_kind_and_never_overwritten() {
    let t = setup();
    let d = t.path();
    anchors(d, &["a"]);
    let before = read(d, "a.key");
    payqr(d, &["anchor", "keygen", "--out", "a"]).expect(2);
    assert_eq!(read(d, "a.key"), before);
    // Mode bits are Unix's; a Windows key's access list: tests/windows_key_acl.rs.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("a.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // An issuer key is no anchor and an anchor no issuer key.
    bundle(d, "test-issuer.key", "trust.json", "x.pqt", &[]).expect(2);
    payqr(d, &["trust", "add", "a.pub", "--trust", "trust.json"]).expect(2);
    assert!(!d.join("x.pqt").exists());
}

/// `anchor keygen --out offline/anchor` in a fresh checkout (README, "The
/// clerk"): the missing folder is made, owner only, as issuer keygen does.
#[test]
fn anchor_keygen_creates_a_missing_key_folder() {
    let t = setup();
    let d = t.path();
    payqr(d, &["anchor", "keygen", "--out", "offline/anchor"]).expect(0);
    assert!(d.join("offline/anchor.key").is_file());
    assert!(d.join("offline/anchor.pub").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("offline"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
