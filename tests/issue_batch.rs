//! keygen, trust and batch issuance through the binary.

mod common;
use common::*;

fn batch(dir: &std::path::Path, csv: &str, out: &str, extra: &[&str]) -> Run {
    payqr(dir, &fines_batch(csv, out, &[&["--json"], extra].concat()))
}

/// Rasterizes the QR drawing of an SVG written by payqr (a QR image or a
/// notice: one path of `Mx yhNv1h-Nz` module runs) at 4 px per module and
/// scans it, so the test checks what a printer would draw.
fn scan_svg(svg: &str) -> Vec<String> {
    let d = svg
        .split(" d=\"")
        .nth(1)
        .expect("a path")
        .split('"')
        .next()
        .unwrap();
    let mut runs = Vec::new();
    for run in d.split('M').filter(|r| !r.is_empty()) {
        let (xy, rest) = run.split_once('h').expect("run");
        let (x, y) = xy.split_once(' ').expect("x y");
        let len = rest.split('v').next().unwrap();
        let n = |s: &str| s.parse::<u32>().expect("module coordinate");
        runs.push((n(x), n(y), n(len)));
    }
    // The path is offset by the quiet zone: as much again on the far side.
    let quiet = runs.iter().map(|r| r.0).min().unwrap();
    let side = runs.iter().map(|r| r.0 + r.2).max().unwrap() + quiet;
    let px = 4;
    let mut img = image::GrayImage::from_pixel(side * px, side * px, image::Luma([255]));
    for (x, y, len) in runs {
        for xx in x * px..(x + len) * px {
            for yy in y * px..(y + 1) * px {
                img.put_pixel(xx, yy, image::Luma([0]));
            }
        }
    }
    payqr::verify::scan::scan_image(&image::DynamicImage::ImageLuma8(img))
}

/// (shard directory, file name) of every file under `out`, which must hold
/// only shard directories.
fn files_under(out: &std::path::Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for shard in std::fs::read_dir(out).unwrap() {
        let shard = shard.unwrap();
        let name = shard.file_name().to_string_lossy().into_owned();
        if name == "manifest.csv" {
            continue;
        }
        assert!(shard.file_type().unwrap().is_dir(), "{name} is not a shard");
        for f in std::fs::read_dir(shard.path()).unwrap() {
            let f = f.unwrap().file_name().to_string_lossy().into_owned();
            files.push((name.clone(), f));
        }
    }
    files.sort();
    files
}

#[test]
fn keygen_writes_private_key_and_never_overwrites() {
    let d = tempfile::tempdir().unwrap();
    let r = keygen(d.path(), "sh-water", "上海水务", "k", &[]).expect(0);
    assert!(r.stdout.starts_with("key_id "));
    // Mode bits are Unix's; a Windows key's access list: tests/windows_key_acl.rs.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.path().join("k.key"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
    let before = std::fs::read(d.path().join("k.key")).unwrap();
    let r = keygen(d.path(), "sh-water", "x", "k", &[]).expect(2);
    assert!(
        r.stderr.contains("already exists") && r.stderr.contains("hint"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(d.path().join("k.key")).unwrap(), before);
    keygen(d.path(), "sh-water", "x", "k", &["--force"]).expect(0);
    assert_ne!(std::fs::read(d.path().join("k.key")).unwrap(), before);
    let r = keygen(d.path(), "Bad Issuer", "x", "b", &[]).expect(2);
    assert!(r.stderr.contains("issuer"), "{}", r.stderr);
}

// Unix only: Windows warns about a readable key instead of refusing it
// (src/fs/winacl.rs says why; tests/windows_key_acl.rs tests the warning).
#[cfg(unix)]
#[test]
fn readable_secret_key_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let d = setup();
    std::fs::set_permissions(
        d.path().join("test-issuer.key"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let r = payqr(d.path(), &quick_issue("test-issuer.key", &[])).expect(2);
    assert!(
        r.stderr.contains("readable by group or others") && r.stderr.contains("chmod 600"),
        "{}",
        r.stderr
    );
}

#[test]
fn trust_list_holds_rotation_keys_of_several_issuers() {
    let d = setup();
    keygen(d.path(), "bj-traffic", "BJ 2027", "bj2027", &[]).expect(0);
    keygen(d.path(), "sh-water", "SH", "sh", &[]).expect(0);
    payqr(
        d.path(),
        &[
            "trust",
            "add",
            "bj2027.pub",
            "--trust",
            "trust.json",
            "--not-before",
            "2027-01-01T00:00:00+08:00",
        ],
    )
    .expect(0);
    payqr(
        d.path(),
        &["trust", "add", "sh.pub", "--trust", "trust.json"],
    )
    .expect(0);
    let r = payqr(
        d.path(),
        &["trust", "add", "sh.pub", "--trust", "trust.json"],
    )
    .expect(0);
    // Idempotent (issue 17): the same key again is success, not a change.
    assert!(r.stdout.contains("already trusted"), "{}", r.stdout);
    let r = payqr(
        d.path(),
        &["trust", "list", "--trust", "trust.json", "--json"],
    )
    .expect(0);
    let rows: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows.iter().filter(|r| r["issuer"] == "bj-traffic").count(),
        2
    );
    assert_eq!(rows[1]["not_before"], "2026-12-31T16:00:00Z");
    // A code from the 2027 key issued in 2026 is outside its window.
    let r = payqr(
        d.path(),
        &[
            "issue",
            "--key",
            "bj2027.key",
            "--amount",
            "1",
            "--currency",
            "CNY",
            "--payee",
            "P",
            "--ref",
            "R",
            "--expires-in",
            "1h",
            "--now",
            ISSUED,
        ],
    )
    .expect(0);
    let v = payqr(
        d.path(),
        &[
            "verify",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--json",
            "--text",
            r.stdout.trim(),
        ],
    )
    .expect(1);
    assert_eq!(json(&v)["status"], "key_not_valid");
}

#[test]
fn fixture_batch_every_image_decodes_and_fits_version_8() {
    let d = setup();
    let r = batch(
        d.path(),
        fixtures().join("fines.csv").to_str().unwrap(),
        "out",
        &[
            "--format",
            "png,svg,notice-svg",
            "--manifest",
            "out/manifest.csv",
            "--ledger",
            "ledger.jsonl",
            "--tz",
            "+08:00",
        ],
    )
    .expect(0);
    let v = json(&r);
    assert_eq!(v["issued"], 22);
    assert_eq!(v["files"], 66);
    let versions = v["qr_versions"].as_object().unwrap();
    for (ver, _) in versions {
        assert!(
            ver.parse::<u8>().unwrap() <= 8,
            "QR version {ver} > 8: {versions:?}"
        );
    }
    let manifest = std::fs::read_to_string(d.path().join("out/manifest.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(manifest.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "code_id");
    let mut n = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        n += 1;
        let (png, svg, notice) = (&rec[9], &rec[10], &rec[12]);
        let payload = &rec[11];
        let shard = &rec[0][..2];
        // The manifest names files with the platform's separator.
        let png = png.replace('\\', "/");
        assert!(
            png.ends_with(&format!("out/{shard}/{}.png", &rec[0])),
            "{png}"
        );
        // Every generated PNG scans back to exactly its payload; so does
        // every SVG, QR image and printable notice, once rasterized.
        let texts = payqr::verify::scan::scan_file(&d.path().join(png)).unwrap();
        assert_eq!(texts, vec![payload.to_string()]);
        for svg in [svg, notice] {
            let text = std::fs::read_to_string(d.path().join(svg)).unwrap();
            assert_eq!(scan_svg(&text), vec![payload.to_string()], "{svg}");
        }
    }
    assert_eq!(n, 22);
    let r = payqr(d.path(), &["ledger", "check", "--ledger", "ledger.jsonl"]).expect(0);
    assert!(
        r.stdout.contains("22 records, 22 issued, 0 redeemed"),
        "{}",
        r.stdout
    );
    // A rerun skips every reference already in the ledger.
    let v = json(
        &batch(
            d.path(),
            fixtures().join("fines.csv").to_str().unwrap(),
            "out",
            &["--ledger", "ledger.jsonl"],
        )
        .expect(0),
    );
    assert_eq!(v["issued"], 0);
    assert_eq!(v["skipped"], 22);
}

#[test]
fn batch_is_deterministic_for_same_key_and_time() {
    let d = setup();
    let csv = fixtures().join("bills.csv");
    for out in ["a", "b"] {
        batch(
            d.path(),
            csv.to_str().unwrap(),
            out,
            &[
                "--format",
                "png,svg,notice-svg",
                "--manifest",
                &format!("{out}.csv"),
                "--ledger",
                &format!("{out}.jsonl"),
                "--tz",
                "+08:00",
            ],
        )
        .expect(0);
    }
    let a = std::fs::read_to_string(d.path().join("a.csv")).unwrap();
    let b = std::fs::read_to_string(d.path().join("b.csv")).unwrap();
    // Paths in the manifest use the platform's separator ('\\' on Windows).
    let (a, b) = (a.replace('\\', "/"), b.replace('\\', "/"));
    assert_eq!(a.replace("a/", ""), b.replace("b/", ""));
    assert_eq!(
        std::fs::read(d.path().join("a.jsonl")).unwrap(),
        std::fs::read(d.path().join("b.jsonl")).unwrap()
    );
    let files = files_under(&d.path().join("a"));
    assert_eq!(files, files_under(&d.path().join("b")));
    assert_eq!(files.len(), 3 * 8);
    for (shard, name) in files {
        let read = |out: &str| std::fs::read(d.path().join(out).join(&shard).join(&name)).unwrap();
        assert!(read("a") == read("b"), "{shard}/{name} differs");
    }
}

#[test]
fn dry_run_checks_and_counts_but_writes_nothing() {
    let d = setup();
    let csv = fixtures().join("fines.csv");
    let csv = csv.to_str().unwrap();
    batch(d.path(), csv, "out", &["--ledger", "l.jsonl"]).expect(0);
    std::fs::write(
        d.path().join("more.csv"),
        "reference,amount,expires_in\nBJ2611230001,200.00,4h\nNEW-1,5,4h\n",
    )
    .unwrap();
    let before = std::fs::read(d.path().join("l.jsonl")).unwrap();
    let r = batch(
        d.path(),
        "more.csv",
        "dry",
        &["--ledger", "l.jsonl", "--dry-run"],
    )
    .expect(0);
    let v = json(&r);
    assert_eq!(
        (
            v["rows"].as_u64(),
            v["would_issue"].as_u64(),
            v["would_skip"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert!(!d.path().join("dry").exists());
    assert_eq!(std::fs::read(d.path().join("l.jsonl")).unwrap(), before);
    std::fs::write(d.path().join("bad.csv"), "reference,amount\nX,1.001\n").unwrap();
    let r = batch(d.path(), "bad.csv", "dry", &["--dry-run"]).expect(2);
    assert!(r.stderr.contains("bad.csv:2: amount:"), "{}", r.stderr);
}

#[test]
fn reissue_replaces_codes_and_is_recorded_in_a_csv_ledger() {
    let d = setup();
    let csv = fixtures().join("bills.csv");
    let csv = csv.to_str().unwrap();
    batch(
        d.path(),
        csv,
        "out",
        &["--ledger", "l.csv", "--manifest", "m1.csv"],
    )
    .expect(0);
    let r = batch(
        d.path(),
        csv,
        "out",
        &["--ledger", "l.csv", "--manifest", "m2.csv", "--reissue"],
    )
    .expect(0);
    let v = json(&r);
    assert_eq!(
        (
            v["issued"].as_u64(),
            v["reissued"].as_u64(),
            v["skipped"].as_u64()
        ),
        (Some(8), Some(8), Some(0))
    );
    let old: Vec<csv::StringRecord> = csv::Reader::from_path(d.path().join("m1.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    let new: Vec<csv::StringRecord> = csv::Reader::from_path(d.path().join("m2.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    for (o, n) in old.iter().zip(&new) {
        assert_eq!(&o[1], &n[1], "same reference, same order");
        assert_ne!(&o[0], &n[0]);
        assert_eq!(&n[13], &o[0], "replaces column names the old code");
    }
    let r = payqr(d.path(), &["ledger", "check", "--ledger", "l.csv"]).expect(0);
    assert!(r.stdout.contains("16 records, 16 issued"), "{}", r.stdout);
    let ledger = std::fs::read_to_string(d.path().join("l.csv")).unwrap();
    assert!(
        ledger
            .lines()
            .next()
            .unwrap()
            .ends_with(",replaces,judged_at,prev,crc"),
        "{ledger}"
    );
    assert_eq!(ledger.lines().filter(|l| l.contains(&old[0][0])).count(), 2);
    // Without --reissue nothing is issued twice.
    let v = json(&batch(d.path(), csv, "out", &["--ledger", "l.csv"]).expect(0));
    assert_eq!(
        (v["issued"].as_u64(), v["skipped"].as_u64()),
        (Some(0), Some(8))
    );
}

#[test]
fn bad_rows_are_all_reported_and_nothing_is_written() {
    let d = setup();
    std::fs::write(
        d.path().join("bad.csv"),
        "reference,amount,expires_in\n京A1,200.00,4h\n京A2,2OO.00,4h\n京A3,1.234,4h\n京A4,10,4 hours\n,10,4h\n京A1,5,4h\n",
    )
    .unwrap();
    let r = batch(
        d.path(),
        "bad.csv",
        "out",
        &["--ledger", "ledger.jsonl", "--manifest", "m.csv"],
    )
    .expect(2);
    for want in [
        "bad.csv:3: amount:",
        "bad.csv:4: amount:",
        "bad.csv:5: expires_in:",
        "bad.csv:6: reference: empty",
        "bad.csv:7: reference:",
    ] {
        assert!(r.stderr.contains(want), "missing {want:?} in\n{}", r.stderr);
    }
    assert!(r.stderr.contains("nothing was issued"));
    assert!(!d.path().join("out").exists());
    assert!(!d.path().join("ledger.jsonl").exists());
    assert!(!d.path().join("m.csv").exists());
}

#[test]
fn file_names_never_come_from_user_text() {
    let d = setup();
    std::fs::write(
        d.path().join("evil.csv"),
        "reference,amount,expires_in\n../../escape,1,4h\n/etc/passwd,1,4h\n",
    )
    .unwrap();
    batch(d.path(), "evil.csv", "out", &[]).expect(0);
    let files = files_under(&d.path().join("out"));
    assert_eq!(files.len(), 2);
    for (shard, n) in files {
        assert!(
            n.len() == 20 && n.ends_with(".png") && n[..16].chars().all(|c| c.is_ascii_hexdigit()),
            "{n}"
        );
        assert_eq!(shard, n[..2], "{n} is not in its shard");
    }
    assert!(!d.path().join("escape").exists());
}

#[test]
fn single_issue_refuses_a_reference_already_in_the_ledger() {
    let d = setup();
    issue_one(d.path(), "京A12345", &["--ledger", "l.jsonl"]);
    let r = payqr(
        d.path(),
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--amount",
            "1",
            "--currency",
            "CNY",
            "--payee",
            "P",
            "--ref",
            "京A12345",
            "--expires-in",
            "1h",
            "--ledger",
            "l.jsonl",
        ],
    )
    .expect(2);
    assert!(r.stderr.contains("already issued"), "{}", r.stderr);
    let r = payqr(
        d.path(),
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--amount",
            "1.001",
            "--currency",
            "CNY",
            "--payee",
            "P",
            "--ref",
            "X",
            "--expires-in",
            "1h",
        ],
    )
    .expect(2);
    assert!(r.stderr.contains("--amount"), "{}", r.stderr);
}

#[test]
fn terminal_drawing_is_printed_after_the_payload() {
    let d = setup();
    let r = payqr(d.path(), &quick_issue("test-issuer.key", &["--terminal"])).expect(0);
    let mut lines = r.stdout.lines();
    assert!(lines.next().unwrap().starts_with("PQ1:"));
    let art: Vec<&str> = lines.collect();
    assert!(art.len() > 15, "{}", r.stdout);
    assert!(
        art.iter().all(|l| l.chars().all(|c| " ▀▄█".contains(c))),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("QR version"), "{}", r.stderr);
}
