//! verify and redeem, driven through the binary: every verdict status.

mod common;
use common::*;

fn verify(dir: &std::path::Path, extra: &[&str]) -> Run {
    payqr(dir, &judge_args("verify", &[&["--json"], extra].concat()))
}

#[test]
fn issued_png_verifies_as_valid() {
    let d = setup();
    let text = issue_one(
        d.path(),
        "京A12345",
        &[
            "--png",
            "fine.png",
            "--svg",
            "fine.svg",
            "--description",
            "闯红灯",
        ],
    );
    assert!(text.starts_with("PQ1:"));
    let r = verify(d.path(), &["fine.png"]).expect(0);
    let v = json(&r);
    assert_eq!(v["status"], "valid");
    assert_eq!(v["reference"], "京A12345");
    assert_eq!(v["amount_minor"], 20000);
    assert_eq!(v["currency"], "CNY");
    assert_eq!(v["description"], "闯红灯");
    assert_eq!(v["source"], "fine.png");
    let svg = std::fs::read_to_string(d.path().join("fine.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"));
    // Human output names the verdict and the facts.
    let r = payqr(
        d.path(),
        &judge_args("verify", &["--tz", "+08:00", "fine.png"]),
    )
    .expect(0);
    assert!(
        r.stdout
            .contains("VALID: official, unexpired; payment status NOT checked (no --ledger)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("200.00 CNY") && r.stdout.contains("expires in 3h 0m"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("2026-11-23 12:00:00 +08:00"),
        "{}",
        r.stdout
    );
}

#[test]
fn changed_character_is_rejected() {
    let d = setup();
    let text = issue_one(d.path(), "京A12345", &[]);
    // Change one payload character at several places: never valid.
    for pos in [6, text.len() / 2, text.len() - 3] {
        let mut chars: Vec<char> = text.chars().collect();
        chars[pos] = if chars[pos] == 'A' { 'B' } else { 'A' };
        let bad: String = chars.into_iter().collect();
        let r = verify(d.path(), &["--text", &bad]).expect(1);
        let status = json(&r)["status"].as_str().unwrap().to_string();
        assert!(
            ["malformed", "bad_signature"].contains(&status.as_str()),
            "pos {pos}: {status}"
        );
    }
}

#[test]
fn untrusted_key_is_unknown_issuer() {
    let d = setup();
    keygen(d.path(), "bj-traffic", "Fraudster", "fake", &[]).expect(0);
    let r = payqr(
        d.path(),
        &[
            "issue",
            "--key",
            "fake.key",
            "--amount",
            "200",
            "--currency",
            "CNY",
            "--payee",
            "X",
            "--ref",
            "R1",
            "--expires-in",
            "4h",
            "--now",
            ISSUED,
        ],
    )
    .expect(0);
    let v = json(&verify(d.path(), &["--text", r.stdout.trim()]).expect(1));
    assert_eq!(v["status"], "unknown_issuer");
    assert!(v["reason"].as_str().unwrap().contains("not a trusted key"));
}

#[test]
fn expired_and_not_yet_valid() {
    let d = setup();
    let text = issue_one(d.path(), "R1", &[]);
    let r = payqr(
        d.path(),
        &[
            "verify",
            "--trust",
            "trust.json",
            "--json",
            "--at",
            "2026-11-23T12:05:01+08:00",
            "--text",
            &text,
        ],
    )
    .expect(1);
    assert_eq!(json(&r)["status"], "expired");
    // Within the 5 minute default skew it is still valid.
    payqr(
        d.path(),
        &[
            "verify",
            "--trust",
            "trust.json",
            "--at",
            "2026-11-23T12:04:00+08:00",
            "--text",
            &text,
        ],
    )
    .expect(0);
    let r = payqr(
        d.path(),
        &[
            "verify",
            "--trust",
            "trust.json",
            "--json",
            "--at",
            "2026-11-23T07:00:00+08:00",
            "--text",
            &text,
        ],
    )
    .expect(1);
    assert_eq!(json(&r)["status"], "not_yet_valid");
}

#[test]
fn revoked_key_is_refused() {
    let d = setup();
    let text = issue_one(d.path(), "R1", &[]);
    let key_id = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(fixtures().join("test-issuer.pub")).unwrap(),
    )
    .unwrap()["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    payqr(
        d.path(),
        &["trust", "revoke", &key_id, "--trust", "trust.json"],
    )
    .expect(0);
    let v = json(&verify(d.path(), &["--text", &text]).expect(1));
    assert_eq!(v["status"], "revoked");
    let list = payqr(
        d.path(),
        &["trust", "list", "--trust", "trust.json", "--json"],
    )
    .expect(0);
    assert_eq!(json(&list)["status"], "revoked");
}

#[test]
fn malformed_and_no_code() {
    let d = setup();
    let v = json(&verify(d.path(), &["--text", "https://pay.example.com/?x=1"]).expect(1));
    assert_eq!(v["status"], "malformed");
    // A real image with no QR code in it.
    let blank = image::GrayImage::from_pixel(200, 200, image::Luma([255u8]));
    blank.save(d.path().join("blank.png")).unwrap();
    let v = json(&verify(d.path(), &["blank.png"]).expect(1));
    assert_eq!(v["status"], "no_code");
}

#[test]
fn unreadable_images_are_clear_errors() {
    let d = setup();
    std::fs::write(d.path().join("empty.png"), b"").unwrap();
    std::fs::write(
        d.path().join("notes.jpg"),
        b"these are not the pixels you are looking for",
    )
    .unwrap();
    let r = verify(d.path(), &["empty.png"]).expect(2);
    assert!(
        r.stderr.contains("payqr: error: empty.png:"),
        "{}",
        r.stderr
    );
    let r = verify(d.path(), &["notes.jpg"]).expect(2);
    assert!(
        r.stderr.contains("payqr: error: notes.jpg:"),
        "{}",
        r.stderr
    );
    let r = verify(d.path(), &["missing.png"]).expect(2);
    assert!(r.stderr.contains("missing.png"), "{}", r.stderr);
}

#[test]
fn redeem_twice_is_refused_jsonl_and_csv() {
    for ledger in ["ledger.jsonl", "ledger.csv"] {
        let d = setup();
        issue_one(
            d.path(),
            "京A12345",
            &["--png", "fine.png", "--ledger", ledger],
        );
        let base = judge_args("redeem", &["--ledger", ledger]);
        let r = payqr(
            d.path(),
            &[&base[..], &["--txn", "POS-1", "fine.png"]].concat(),
        )
        .expect(0);
        assert!(
            r.stdout.starts_with("REDEEMED: ") && r.stdout.contains("  fine.png: fine"),
            "{}",
            r.stdout
        );
        let r = payqr(
            d.path(),
            &[&base[..], &["--txn", "POS-2", "fine.png"]].concat(),
        )
        .expect(1);
        assert!(
            r.stdout
                .contains("REFUSED: already_redeemed: already redeemed at"),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("txn POS-1"), "{}", r.stdout);
        let v = json(&verify(d.path(), &["--ledger", ledger, "fine.png"]).expect(1));
        assert_eq!(v["status"], "already_redeemed");
        let r = payqr(d.path(), &["ledger", "check", "--ledger", ledger]).expect(0);
        assert!(
            r.stdout.contains("2 records, 1 issued, 1 redeemed"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn redeem_refuses_invalid_codes_and_records_nothing() {
    let d = setup();
    let text = issue_one(d.path(), "R1", &[]);
    let r = payqr(
        d.path(),
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--ledger",
            "l.jsonl",
            "--at",
            "2026-12-01T00:00:00Z",
            "--text",
            &text,
        ],
    )
    .expect(1);
    assert!(r.stdout.contains("REFUSED: expired"), "{}", r.stdout);
    assert!(
        !d.path().join("l.jsonl").exists()
            || std::fs::read_to_string(d.path().join("l.jsonl"))
                .unwrap()
                .is_empty()
    );
}

#[test]
fn stdin_one_payload_per_line() {
    let d = setup();
    let a = issue_one(d.path(), "R1", &[]);
    let b = issue_one(d.path(), "R2", &[]);
    let input = format!("{a}\r\n\n{b}\nnot a code\n");
    let r = payqr_stdin(d.path(), &judge_args("verify", &["--json", "-"]), &input).expect(1);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["status"], "valid");
    assert_eq!(lines[0]["source"], "stdin:1");
    assert_eq!(lines[1]["source"], "stdin:3");
    assert_eq!(lines[2]["status"], "malformed");
    // Redeem from stdin: both redeemed, then both refused.
    let args = judge_args("redeem", &["--ledger", "l.jsonl", "-"]);
    payqr_stdin(d.path(), &args, &format!("{a}\n{b}\n")).expect(0);
    payqr_stdin(d.path(), &args, &format!("{a}\n{b}\n")).expect(1);
}

#[test]
fn concurrent_redemptions_exactly_one_wins() {
    let d = setup();
    let text = issue_one(d.path(), "R1", &[]);
    for round in 0..5 {
        // Spawn truly concurrently.
        let procs: Vec<_> = (0..6)
            .map(|i| {
                common::command()
                    .current_dir(d.path())
                    .args(judge_args(
                        "redeem",
                        &[
                            "--ledger",
                            &format!("c{round}.jsonl"),
                            "--txn",
                            &format!("T{i}"),
                            "--text",
                            &text,
                        ],
                    ))
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let codes: Vec<i32> = procs
            .into_iter()
            .map(|p| p.wait_with_output().unwrap().status.code().unwrap())
            .collect();
        assert_eq!(
            codes.iter().filter(|&&c| c == 0).count(),
            1,
            "round {round}: {codes:?}"
        );
        assert_eq!(
            codes.iter().filter(|&&c| c == 1).count(),
            5,
            "round {round}: {codes:?}"
        );
        let r = payqr(
            d.path(),
            &["ledger", "check", "--ledger", &format!("c{round}.jsonl")],
        )
        .expect(0);
        assert!(
            r.stdout.contains("1 records, 0 issued, 1 redeemed"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn escape_sequences_are_not_printed_raw() {
    let d = setup();
    let r = payqr(
        d.path(),
        &[
            "verify",
            "--trust",
            "trust.json",
            "--text",
            "PQ1:\u{1b}[2J\u{1b}[32mVALID",
        ],
    )
    .expect(1);
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
}

#[test]
fn many_images_report_in_input_order() {
    let d = setup();
    // Photos are scanned on several threads; verdicts still come out in
    // the order the images were named.
    let refs = ["京A00001", "京A00002", "京A00003", "京A00004"];
    for (i, r) in refs.iter().enumerate() {
        issue_one(d.path(), r, &["--png", &format!("{i}.png")]);
    }
    let url = payqr::issue::render::encode("https://pay.example.com/?x=1")
        .unwrap()
        .to_png(4, 4);
    std::fs::write(d.path().join("url.png"), url).unwrap();
    let blank = image::GrayImage::from_pixel(300, 300, image::Luma([255u8]));
    blank.save(d.path().join("blank.png")).unwrap();
    std::fs::write(d.path().join("empty.png"), b"").unwrap();
    let names = [
        "3.png",
        "blank.png",
        "1.png",
        "url.png",
        "empty.png",
        "0.png",
        "2.png",
    ];
    let r = verify(d.path(), &names).expect(2);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str)> = lines
        .iter()
        .map(|v| (v["source"].as_str().unwrap(), v["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("3.png", "valid"),
            ("blank.png", "no_code"),
            ("1.png", "valid"),
            ("url.png", "malformed"),
            ("0.png", "valid"),
            ("2.png", "valid"),
        ]
    );
    assert_eq!(lines[0]["reference"], refs[3]);
    assert_eq!(lines[4]["reference"], refs[0]);
    assert!(
        r.stderr.contains("payqr: error: empty.png: file is empty"),
        "{}",
        r.stderr
    );
}

#[test]
fn verify_with_ledger_looks_codes_up_and_writes_nothing() {
    let d = setup();
    let texts: Vec<String> = ["V1", "V2", "V3"]
        .iter()
        .map(|r| issue_one(d.path(), r, &["--ledger", "l.jsonl"]))
        .collect();
    let redeem = |text: &str, txn: &str, index: &str| {
        let mut cmd = common::command();
        cmd.current_dir(d.path())
            .args(judge_args("redeem", &["--ledger", "l.jsonl"]))
            .args(["--txn", txn, "--text", text])
            .env("PAYQR_TEST_INDEX", index);
        run_cmd(cmd, "").expect(0);
    };
    // The first redemption writes the index (debug builds: from 1 record);
    // the second is appended past it, in the tail the index does not cover.
    redeem(&texts[0], "POS-1", "1,1000");
    redeem(&texts[1], "POS-2", "100000,1000");
    let idx = d.path().join("l.jsonl.idx");
    let before = (
        std::fs::read(d.path().join("l.jsonl")).unwrap(),
        std::fs::read(&idx).unwrap(),
    );
    let verdicts = |env_index: &str| -> Vec<serde_json::Value> {
        let mut cmd = common::command();
        cmd.current_dir(d.path())
            .args(judge_args("verify", &["--ledger", "l.jsonl"]))
            .args(["--json", "-"])
            .env("PAYQR_TEST_INDEX", env_index);
        let r = run_cmd(cmd, &(texts.join("\n") + "\n")).expect(1);
        r.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    for with_index in [true, false] {
        if !with_index {
            // Without an index the ledger is read whole; a writer would
            // build the index now, a verifier must not.
            std::fs::remove_file(&idx).unwrap();
        }
        let v = verdicts("1,1000");
        let statuses: Vec<&str> = v.iter().map(|j| j["status"].as_str().unwrap()).collect();
        assert_eq!(
            statuses,
            ["already_redeemed", "already_redeemed", "valid"],
            "index {with_index}"
        );
        assert!(
            v[0]["reason"].as_str().unwrap().contains("txn POS-1"),
            "{}",
            v[0]
        );
        assert!(
            v[1]["reason"].as_str().unwrap().contains("txn POS-2"),
            "{}",
            v[1]
        );
        assert_eq!(std::fs::read(d.path().join("l.jsonl")).unwrap(), before.0);
        assert_eq!(idx.exists(), with_index, "verify wrote an index");
        if with_index {
            assert_eq!(std::fs::read(&idx).unwrap(), before.1);
        }
    }
}
