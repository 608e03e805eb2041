//! Issue 16, ledger safety: the `<ledger>.idx` header has a CRC, but an
//! entry's pointers were believed as read, and an ABSENT pointer (`u64::MAX`)
//! cannot be checked against the ledger. An entry edited to say "not
//! redeemed" (or "not cancelled"), or a byte flipped anywhere among the
//! entries (a key that no longer matches makes the code vanish from the
//! index, and with it its redemption), must never make a redeemed or
//! cancelled code redeemable again, nor refuse a code that is not.
//!
//! The entries are found from the header alone (FORMAT.md: a 64-byte
//! header, the entry count at byte 40, entries sorted, each starting with
//! its 8-byte code id, then the issuer tag and the offsets of the `issued`,
//! `redeemed`, `replaced` and `cancelled` lines), whatever an entry's size.

mod common;
use common::*;

use std::path::Path;

/// An index from 10 records on, its tail folded in only past 1,000 lines
/// (debug builds): what the test writes into the index stays there.
const INDEX: (&str, &str) = ("PAYQR_TEST_INDEX", "10,1000");
const LEDGER: &str = "l.jsonl";

fn run(d: &Path, args: &[&str], input: &str) -> Run {
    let mut cmd = command();
    cmd.current_dir(d).args(args).env(INDEX.0, INDEX.1);
    run_cmd(cmd, input)
}

fn redeem(d: &Path, payloads: &[&str]) -> Run {
    let args = ["redeem", "--trust", "trust.json", "--at", DURING];
    let mut args = args.to_vec();
    args.extend(["--ledger", LEDGER, "--json", "-"]);
    run(d, &args, &(payloads.join("\n") + "\n"))
}

fn verify(d: &Path, payload: &str) -> Run {
    let args = ["verify", "--trust", "trust.json", "--at", DURING];
    let mut args = args.to_vec();
    args.extend(["--ledger", LEDGER, "--json", "--text", payload]);
    run(d, &args, "")
}

/// Issues `n` fines; (code id, payload) in manifest order.
fn issue(d: &Path, n: usize) -> Vec<(String, String)> {
    let mut rows = String::from("reference,amount,expires_in\n");
    for i in 0..n {
        rows.push_str(&format!("F{i},10.00,4h\n"));
    }
    std::fs::write(d.join("rows.csv"), rows).unwrap();
    let args = ["issue", "--key", "test-issuer.key", "--from", "rows.csv"];
    let mut args = args.to_vec();
    args.extend(["--out-dir", "out", "--kind", "fine", "--currency", "CNY"]);
    args.extend(["--payee", "X", "--now", ISSUED, "--ledger", LEDGER]);
    args.extend(["--manifest", "m.csv"]);
    run(d, &args, "").expect(0);
    let mut rdr = csv::Reader::from_path(d.join("m.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (id, payload) = (col("code_id"), col("payload"));
    rdr.records()
        .map(|r| r.unwrap())
        .map(|r| (r[id].to_string(), r[payload].to_string()))
        .collect()
}

/// Entry size and the byte range of the entry of `code_id`.
fn entry_of(idx: &[u8], code_id: &str) -> (usize, std::ops::Range<usize>) {
    let count = u64::from_le_bytes(idx[40..48].try_into().unwrap()) as usize;
    assert!(count > 0, "no entries");
    let size = (idx.len() - 64) / count;
    assert_eq!(64 + size * count, idx.len(), "entry size");
    let id: Vec<u8> = (0..8)
        .map(|i| u8::from_str_radix(&code_id[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let i = (0..count)
        .find(|i| idx[64 + i * size..][..8] == id[..])
        .unwrap_or_else(|| panic!("no entry for {code_id}"));
    (size, 64 + i * size..64 + (i + 1) * size)
}

/// The ledger, its index and checkpoint as they are now, to put back.
struct Saved(Vec<(String, Vec<u8>)>);

impl Saved {
    fn take(d: &Path) -> Saved {
        let names = [
            LEDGER.to_string(),
            format!("{LEDGER}.idx"),
            format!("{LEDGER}.ckpt"),
        ];
        Saved(
            names
                .into_iter()
                .map(|n| (n.clone(), std::fs::read(d.join(&n)).unwrap()))
                .collect(),
        )
    }
    fn put_back(&self, d: &Path) {
        for (n, b) in &self.0 {
            std::fs::write(d.join(n), b).unwrap();
        }
    }
}

/// Redeems `a`, then has the index rebuilt so that it covers the
/// redemption (its `redeemed` pointer is in the index, not in the tail
/// read past it); returns the index bytes.
fn index_with_redemption(d: &Path, a: &str, b: &str) -> Vec<u8> {
    redeem(d, &[a]).expect(0);
    std::fs::remove_file(d.join(format!("{LEDGER}.idx"))).unwrap();
    // A full scan (no index), which writes the index before recording.
    redeem(d, &[b]).expect(0);
    std::fs::read(d.join(format!("{LEDGER}.idx"))).unwrap()
}

fn status(r: &Run) -> Vec<String> {
    r.stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| v["status"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn an_entry_edited_to_not_redeemed_does_not_pay_twice() {
    let d = setup();
    let p = d.path();
    let codes = issue(p, 20);
    let (a_id, a) = (&codes[3].0, codes[3].1.as_str());
    let idx = index_with_redemption(p, a, &codes[4].1);
    let (_, at) = entry_of(&idx, a_id);
    // Offset 24 of the entry: the `redeemed` line, set here.
    assert_ne!(idx[at.start + 24..at.start + 32], [0xff; 8]);
    let mut edited = idx.clone();
    edited[at.start + 24..at.start + 32].fill(0xff);
    std::fs::write(p.join(format!("{LEDGER}.idx")), &edited).unwrap();
    // The header (and its CRC) untouched: only the entry says otherwise.
    assert_eq!(edited[..64], idx[..64]);

    let v = verify(p, a).expect(1);
    assert_eq!(status(&v), ["already_redeemed"], "{}", v.stdout);
    let r = redeem(p, &[a, &codes[5].1]).expect(1);
    assert_eq!(
        status(&r),
        ["already_redeemed", "valid"],
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(acknowledged(&r.stdout), [codes[5].0.as_str()]);
    // And once more, through whatever index that left behind.
    let r = redeem(p, &[a]).expect(1);
    assert_eq!(status(&r), ["already_redeemed"]);
    run(p, &["ledger", "check", "--ledger", LEDGER], "").expect(0);
}

#[test]
fn an_entry_edited_to_not_cancelled_does_not_accept_a_cancelled_code() {
    let d = setup();
    let p = d.path();
    let codes = issue(p, 20);
    let (c_id, c) = (&codes[7].0, codes[7].1.as_str());
    let args = ["cancel", "--key", "test-issuer.key", "--ledger", LEDGER];
    let mut args = args.to_vec();
    args.extend(["--reason", "issued by mistake", c_id]);
    run(p, &args, "").expect(0);
    std::fs::remove_file(p.join(format!("{LEDGER}.idx"))).ok();
    redeem(p, &[&codes[8].1]).expect(0);
    let idx = std::fs::read(p.join(format!("{LEDGER}.idx"))).unwrap();
    let (_, at) = entry_of(&idx, c_id);
    // Offset 40: the `cancelled` line.
    assert_ne!(idx[at.start + 40..at.start + 48], [0xff; 8]);
    let mut edited = idx.clone();
    edited[at.start + 40..at.start + 48].fill(0xff);
    std::fs::write(p.join(format!("{LEDGER}.idx")), &edited).unwrap();

    let v = verify(p, c).expect(1);
    assert_eq!(status(&v), ["cancelled"], "{}", v.stdout);
    let r = redeem(p, &[c]).expect(1);
    assert_eq!(status(&r), ["cancelled"], "{}\n{}", r.stdout, r.stderr);
    assert!(acknowledged(&r.stdout).is_empty());
}

#[test]
fn a_byte_flipped_among_the_entries_never_changes_a_verdict() {
    let d = setup();
    let p = d.path();
    let codes = issue(p, 20);
    let (a_id, a) = (&codes[3].0, codes[3].1.as_str());
    let idx = index_with_redemption(p, a, &codes[4].1);
    let saved = Saved::take(p);
    let (size, at) = entry_of(&idx, a_id);
    let mut rng = Rng(0x1d5e_ed16);
    for round in 0..48 {
        saved.put_back(p);
        // Half in the redeemed code's own entry, half anywhere among them.
        let i = match round % 2 {
            0 => at.start + rng.below(size as u64) as usize,
            _ => 64 + rng.below((idx.len() - 64) as u64) as usize,
        };
        let flip = 1 + rng.below(255) as u8;
        let mut bad = idx.clone();
        bad[i] ^= flip;
        std::fs::write(p.join(format!("{LEDGER}.idx")), &bad).unwrap();
        // A code never redeemed, one redeemed: each judged as it is.
        let fresh = &codes[10 + round % 10];
        let r = redeem(p, &[a, &fresh.1]);
        let why = format!("byte {i} ^ {flip:#04x}:\n{}\n{}", r.stdout, r.stderr);
        assert_eq!(r.code, 1, "{why}");
        assert_eq!(status(&r), ["already_redeemed", "valid"], "{why}");
        assert_eq!(acknowledged(&r.stdout), [fresh.0.as_str()], "{why}");
    }
}
