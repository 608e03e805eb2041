//! What the PostgreSQL ledger lacked (issue 18), against a real server
//! (tests/pg_support): batch issuance through the library's `run_batch`,
//! with two batches at once writing one unforked chain; `payqr cancel`
//! with the file ledger's semantics; the URL from payqr.toml and from
//! PAYQR_LEDGER; `ledger repair` on a URL refused, naming what to do.

mod common;
mod pg_support;

use std::path::Path;

use common::*;
use pg_support::{PgServer, sign_many};

fn batch_args<'a>(csv: &'a str, out: &'a str, url: &'a str) -> Vec<&'a str> {
    vec![
        "issue",
        "--key",
        "test-issuer.key",
        "--from",
        csv,
        "--out-dir",
        out,
        "--kind",
        "fine",
        "--currency",
        "CNY",
        "--payee",
        "110000-FINES",
        "--expires-in",
        "4h",
        "--now",
        ISSUED,
        "--json",
        "--ledger",
        url,
    ]
}

fn rows(d: &Path, name: &str, prefix: &str, n: usize) {
    let mut s = String::from("reference,amount\n");
    for i in 0..n {
        s.push_str(&format!("{prefix}{i},{}.00\n", 10 + i));
    }
    std::fs::write(d.join(name), s).unwrap();
}

/// Runs `payqr` with `args` in `d`, several at once: their results.
fn at_once(d: &Path, runs: &[Vec<&str>]) -> Vec<Run> {
    let children: Vec<_> = runs
        .iter()
        .map(|args| {
            let mut cmd = common::command();
            // Debug builds: small chunks, so the two runs' transactions
            // interleave.
            cmd.current_dir(d)
                .args(args)
                .env("PAYQR_TEST_CHUNK_ROWS", "7");
            std::thread::spawn(move || run_cmd(cmd, ""))
        })
        .collect();
    children.into_iter().map(|c| c.join().unwrap()).collect()
}

#[test]
fn batches_issue_into_postgres_concurrently_on_one_chain() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let p = d.path();
    let url = pg.url("payqr");
    payqr(p, &["ledger", "init", "--ledger", &url]).expect(0);
    rows(p, "a.csv", "A", 60);
    rows(p, "b.csv", "B", 60);
    // Two clerks, two files, one database, at the same time.
    let runs = at_once(
        p,
        &[
            batch_args("a.csv", "out-a", &url),
            batch_args("b.csv", "out-b", &url),
        ],
    );
    for r in &runs {
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    // One chain: seqs 1..120, each record's prev the hash of the one
    // before (ledger check proves it; prev is unique), both files in it.
    let check = payqr(p, &["ledger", "check", "--ledger", &url]).expect(0);
    assert!(
        check.stdout.contains("120 records, 120 issued, 0 redeemed"),
        "{}",
        check.stdout
    );
    assert_eq!(
        pg.psql("SELECT min(seq), max(seq), count(DISTINCT prev) FROM payqr.records"),
        "1|120|120"
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM payqr.records WHERE reference LIKE 'A%'"),
        "60"
    );
    // A rerun of a file issues nothing again: every reference is known.
    let v = json(&payqr(p, &batch_args("a.csv", "out-a", &url)).expect(0));
    assert_eq!(
        (v["issued"].as_u64(), v["skipped"].as_u64()),
        (Some(0), Some(60)),
        "{v}"
    );
    // A dry run counts from the database: 5 known references, 5 new.
    let mut s = String::from("reference,amount\n");
    for i in 0..5 {
        s.push_str(&format!("A{i},1.00\nC{i},1.00\n"));
    }
    std::fs::write(p.join("c.csv"), s).unwrap();
    let mut dry = batch_args("c.csv", "out-c", &url);
    dry.push("--dry-run");
    let v = json(&payqr(p, &dry).expect(0));
    assert_eq!(
        (v["would_issue"].as_u64(), v["would_skip"].as_u64()),
        (Some(5), Some(5)),
        "{v}"
    );
    // The same new file run twice at once: still one code per reference
    // (each chunk's transaction checks its references under the head's
    // lock; a batch's code ids derive from the key and the row, so the
    // same row makes the same code); a run that loses the race stops,
    // naming the code.
    let runs = at_once(
        p,
        &[
            batch_args("c.csv", "out-c1", &url),
            batch_args("c.csv", "out-c2", &url),
        ],
    );
    for r in &runs {
        assert!(
            r.code == 0 || r.stderr.contains("already issued"),
            "exit {}: {}",
            r.code,
            r.stderr
        );
    }
    assert_eq!(
        pg.psql(
            "SELECT count(*) FROM (SELECT reference FROM payqr.records WHERE event = 'issued' \
             GROUP BY reference HAVING count(*) > 1) twice"
        ),
        "0"
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM payqr.records WHERE reference LIKE 'C%'"),
        "5"
    );
    payqr(p, &["ledger", "check", "--ledger", &url]).expect(0);
    // A reissue through a batch replaces the codes (their ids recorded).
    let reissue = [batch_args("b.csv", "out-b2", &url), vec!["--reissue"]].concat();
    let v = json(&payqr(p, &reissue).expect(0));
    assert_eq!(v["reissued"].as_u64(), Some(60), "{v}");
    assert_eq!(
        pg.psql("SELECT count(*) FROM payqr.records WHERE replaces IS NOT NULL"),
        "60"
    );
    payqr(p, &["ledger", "check", "--ledger", &url]).expect(0);
}

fn verify(d: &Path, url: &str, payload: &str, want: i32) -> serde_json::Value {
    json(
        &payqr(
            d,
            &[
                "verify",
                "--trust",
                "trust.json",
                "--at",
                DURING,
                "--json",
                "--ledger",
                url,
                "--text",
                payload,
            ],
        )
        .expect(want),
    )
}

fn cancel(d: &Path, url: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "cancel",
        "--key",
        "test-issuer.key",
        "--ledger",
        url,
        "--reason",
        "issued by mistake",
    ];
    args.extend_from_slice(extra);
    payqr(d, &args)
}

#[test]
fn cancel_into_postgres_is_refused_by_verify_redeem_and_reconcile() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let p = d.path();
    let url = pg.url("payqr");
    payqr(p, &["ledger", "init", "--ledger", &url]).expect(0);
    let mut codes = Vec::new();
    let mut ids = Vec::new();
    for i in 0..4 {
        let v: serde_json::Value = serde_json::from_str(&issue_one(
            p,
            &format!("K{i}"),
            &["--ledger", &url, "--json"],
        ))
        .unwrap();
        codes.push(v["payload"].as_str().unwrap().to_string());
        ids.push(v["code_id"].as_str().unwrap().to_string());
    }
    // Code 1 is paid first.
    payqr(
        p,
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--ledger",
            &url,
            "--text",
            &codes[1],
        ],
    )
    .expect(0);
    let r = cancel(p, &url, &[&ids[0]]).expect(0);
    assert!(
        r.stdout.contains(&format!("cancelled code {}", ids[0])),
        "{}",
        r.stdout
    );
    // Twice, unknown, or already paid: refused, nothing written.
    for (id, want) in [
        (ids[0].as_str(), "already cancelled"),
        ("0123456789abcdef", "never issued"),
        (ids[1].as_str(), "already redeemed"),
    ] {
        let before = pg.psql("SELECT count(*) FROM payqr.records");
        let r = cancel(p, &url, &[ids[2].as_str(), id]).expect(2);
        assert!(r.stderr.contains(want), "{want}: {}", r.stderr);
        assert_eq!(pg.psql("SELECT count(*) FROM payqr.records"), before);
    }
    // verify and redeem answer `cancelled` (exit 1), nothing redeemed.
    assert_eq!(verify(p, &url, &codes[0], 1)["status"], "cancelled");
    assert_eq!(verify(p, &url, &codes[2], 0)["status"], "valid");
    let r = payqr_stdin(
        p,
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--ledger",
            &url,
            "-",
        ],
        &format!("{}\n{}\n", codes[2], codes[0]),
    )
    .expect(1);
    assert!(
        r.stdout.contains("REDEEMED") && r.stdout.contains("REFUSED: cancelled"),
        "{}",
        r.stdout
    );
    assert_eq!(
        pg.psql(&format!(
            "SELECT count(*) FROM payqr.records WHERE event = 'redeemed' AND code_id = '{}'",
            ids[0]
        )),
        "0"
    );
    // Every code of the key issued before a time: code 3 too, and once.
    cancel(p, &url, &["--all-before", "2026-11-23T12:00:00Z"]).expect(0);
    assert_eq!(verify(p, &url, &codes[3], 1)["status"], "cancelled");
    cancel(p, &url, &["--all-before", "2026-11-23T13:00:00Z"]).expect(2);
    // reconcile: a payment to a cancelled code is never matched, as from
    // a file holding the same records.
    let mut csv = String::from("code_id,amount,currency,paid_at,txn_id\n");
    csv.push_str(&format!("{},200.00,CNY,2026-11-23T01:30:00Z,T0\n", ids[0]));
    std::fs::write(p.join("pay.csv"), csv).unwrap();
    payqr(
        p,
        &["ledger", "export", "--ledger", &url, "--to", "copy.jsonl"],
    )
    .expect(0);
    let report = |ledger: &str| {
        payqr(
            p,
            &[
                "reconcile",
                "--ledger",
                ledger,
                "--settlement",
                "pay.csv",
                "--at",
                DURING,
                "--json",
            ],
        )
        .expect(1)
    };
    let (from_pg, from_file) = (json(&report(&url)), json(&report("copy.jsonl")));
    assert_eq!(from_pg["summary"], from_file["summary"]);
    assert!(
        from_pg["summary"].to_string().contains("cancelled"),
        "{from_pg}"
    );
    let check = payqr(p, &["ledger", "check", "--ledger", &url]).expect(0);
    assert!(check.stdout.contains("2 cancellations"), "{}", check.stdout);
}

#[test]
fn the_url_comes_from_the_config_file_and_the_environment() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let p = d.path();
    let url = pg.url("payqr");
    payqr(p, &["ledger", "init", "--ledger", &url]).expect(0);
    let texts = sign_many(p, "CF", 2);
    // payqr.toml: a URL is taken as it is, never joined to the file's
    // folder as a relative path would be.
    std::fs::create_dir(p.join("etc")).unwrap();
    std::fs::write(p.join("etc/payqr.toml"), format!("ledger = \"{url}\"\n")).unwrap();
    let conf = "etc/payqr.toml";
    let shown = payqr(p, &["--config", conf, "config", "show"]).expect(0);
    assert!(
        shown.stdout.contains(&format!("ledger\t{url}\t")),
        "{}",
        shown.stdout
    );
    payqr(
        p,
        &[
            "--config",
            conf,
            "redeem",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--text",
            &texts[0],
        ],
    )
    .expect(0);
    // PAYQR_LEDGER, with no flag and no file.
    let mut cmd = common::command();
    cmd.current_dir(p).env("PAYQR_LEDGER", &url).args([
        "redeem",
        "--trust",
        "trust.json",
        "--at",
        DURING,
        "--text",
        &texts[1],
    ]);
    run_cmd(cmd, "").expect(0);
    assert_eq!(
        pg.psql("SELECT count(*) FROM payqr.records WHERE event = 'redeemed'"),
        "2"
    );
    assert!(!p.join("postgres:").exists() && !p.join("postgresql:").exists());
}

#[test]
fn ledger_repair_on_a_url_is_refused_with_what_to_do() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let url = pg.url("payqr");
    payqr(d.path(), &["ledger", "init", "--ledger", &url]).expect(0);
    for extra in [&[][..], &["--record-loss"][..]] {
        let mut args = vec!["ledger", "repair", "--ledger", &url];
        args.extend_from_slice(extra);
        let r = payqr(d.path(), &args).expect(2);
        assert!(
            r.stderr.contains("ledger repair is for file ledgers")
                && r.stderr.contains("payqr ledger check --ledger URL"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(pg.psql("SELECT count(*) FROM payqr.records"), "0");
}
