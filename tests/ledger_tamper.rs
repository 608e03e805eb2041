//! Tampering is found by `payqr ledger check`: an edited amount (with or
//! without a recomputed checksum), a deleted line, reordered lines, and
//! (through the index) lines cut off the end.

mod common;

use common::*;

/// A ledger with three issued codes, the first redeemed; its lines.
fn ledger(d: &std::path::Path, name: &str) -> Vec<String> {
    let texts: Vec<String> = ["T1", "T2", "T3"]
        .iter()
        .map(|r| issue_one(d, r, &["--ledger", name]))
        .collect();
    // Redeem with an index kept from the first record (debug builds), so
    // `ledger check` has something to compare the ledger's end with.
    let mut redeem = common::command();
    redeem
        .current_dir(d)
        .args(["redeem", "--trust", "trust.json", "--at", DURING])
        .args(["--ledger", name, "--text", &texts[0]])
        .env("PAYQR_TEST_INDEX", "1,1000");
    run_cmd(redeem, "").expect(0);
    assert!(d.join(format!("{name}.idx")).exists());
    let text = std::fs::read_to_string(d.join(name)).unwrap();
    text.lines().map(String::from).collect()
}

fn check(d: &std::path::Path, name: &str, lines: &[String]) -> Run {
    std::fs::write(d.join(name), lines.join("\n") + "\n").unwrap();
    payqr(d, &["ledger", "check", "--ledger", name])
}

/// The CRC-32 field recomputed over the edited line, as a forger would.
fn refresh_crc(line: &str, csv: bool) -> String {
    let cut = if csv { 9 } else { 18 };
    let body = &line[..line.len() - cut];
    let crc = format!("{:08x}", crc32fast::hash(body.as_bytes()));
    if csv {
        format!("{body},{crc}")
    } else {
        format!(r#"{body},"crc":"{crc}"}}"#)
    }
}

#[test]
fn edits_deletions_and_reordering_are_detected() {
    let d = setup();
    for name in ["t.jsonl", "t.csv"] {
        let csv = name.ends_with(".csv");
        let lines = ledger(d.path(), name);
        // Line numbers of the records in the file.
        let (first, second) = if csv { (2, 3) } else { (1, 2) };
        let r = check(d.path(), name, &lines).expect(0);
        assert!(
            r.stdout.contains("4 records, 3 issued, 1 redeemed"),
            "{}",
            r.stdout
        );

        let amount = |l: &str| {
            let (from, to) = if csv {
                (",20000,", ",20001,")
            } else {
                (":20000,", ":20001,")
            };
            assert!(l.contains(from), "{l}");
            l.replacen(from, to, 1)
        };
        let mut edited = lines.clone();
        edited[second - 1] = amount(&lines[second - 1]);
        let r = check(d.path(), name, &edited).expect(1);
        assert!(
            r.stdout
                .contains(&format!("{name}:{second}: checksum mismatch")),
            "{}",
            r.stdout
        );

        // A forger who also fixes the checksum breaks the chain instead.
        edited[second - 1] = refresh_crc(&edited[second - 1], csv);
        let r = check(d.path(), name, &edited).expect(1);
        assert!(
            r.stdout
                .contains(&format!("{name}:{}: hash chain broken", second + 1)),
            "{}",
            r.stdout
        );

        let mut deleted = lines.clone();
        deleted.remove(second - 1);
        let r = check(d.path(), name, &deleted).expect(1);
        assert!(
            r.stdout
                .contains(&format!("{name}:{second}: hash chain broken")),
            "{}",
            r.stdout
        );

        let mut reordered = lines.clone();
        reordered.swap(first - 1, second - 1);
        let r = check(d.path(), name, &reordered).expect(1);
        assert!(
            r.stdout
                .contains(&format!("{name}:{first}: hash chain broken")),
            "{}",
            r.stdout
        );

        // Bit rot in the redemption line.
        let mut rotten = lines.clone();
        let last = rotten.len() - 1;
        rotten[last] = rotten[last].replacen("T", "U", 1);
        let r = check(d.path(), name, &rotten).expect(1);
        assert!(
            r.stdout.contains(&format!("{name}:{}: checksum", last + 1)),
            "{}",
            r.stdout
        );

        // The last two lines cut off: every line left is sound, but the
        // index (written before the redemption, so covering the three
        // issues) remembers a longer ledger. Cutting only the redemption,
        // past what the index covers, would go unseen.
        let r = check(d.path(), name, &lines[..lines.len() - 2]).expect(1);
        assert!(
            r.stdout.contains("records were removed from the end"),
            "{}",
            r.stdout
        );

        check(d.path(), name, &lines).expect(0);
    }
}
