//! The PostgreSQL ledger against a real server (tests/pg_support): schema
//! set-up, exactly-once redemption enforced by the database, `ledger
//! check` finding tampering and lost records, export/import keeping the
//! chain, and clear errors when the server cannot be reached.

mod common;
mod pg_support;

use common::*;
use pg_support::{PgServer, sign_many};

fn redeem(dir: &std::path::Path, url: &str, texts: &[String]) -> Run {
    let input: String = texts.iter().map(|t| format!("{t}\n")).collect();
    payqr_stdin(
        dir,
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--json",
            "--txn",
            "T1",
            "--ledger",
            url,
            "-",
        ],
        &input,
    )
}

/// Error lines on stderr (notes aside): a failure is one line.
fn errors(r: &Run) -> usize {
    r.stderr
        .lines()
        .filter(|l| !l.starts_with("payqr: note:"))
        .count()
}

#[test]
fn init_is_idempotent_and_required() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let url = pg.url("bureau");
    let texts = sign_many(d.path(), "I", 1);
    // Before init: refused with the fix named, nothing created.
    let r = redeem(d.path(), &url, &texts).expect(2);
    assert!(r.stderr.contains("payqr ledger init"), "{}", r.stderr);
    assert_eq!(errors(&r), 1, "{}", r.stderr);
    let r = payqr(d.path(), &["ledger", "init", "--ledger", &url]).expect(0);
    assert!(
        r.stdout.contains("applied migration(s) 1, 2"),
        "{}",
        r.stdout
    );
    let r = payqr(d.path(), &["ledger", "init", "--ledger", &url]).expect(0);
    assert!(r.stdout.contains("up to date"), "{}", r.stdout);
    assert_eq!(pg.psql("SELECT count(*) FROM bureau.migrations"), "2");
    // A file path is not a database.
    payqr(d.path(), &["ledger", "init", "--ledger", "l.jsonl"]).expect(2);
}

#[test]
fn a_code_is_redeemed_once_and_the_database_enforces_it() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let url = pg.url("payqr");
    payqr(d.path(), &["ledger", "init", "--ledger", &url]).expect(0);
    let texts = sign_many(d.path(), "R", 3);
    let r = redeem(d.path(), &url, &texts[..1]).expect(0);
    assert_eq!(acknowledged(&r.stdout).len(), 1);
    // Again, and twice in one batch with a new one: refused, named.
    let batch = [texts[0].clone(), texts[1].clone(), texts[1].clone()];
    let r = redeem(d.path(), &url, &batch).expect(1);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["status"], "already_redeemed", "{}", r.stdout);
    assert_eq!(lines[1]["redeemed"], true);
    assert_eq!(lines[2]["status"], "already_redeemed");
    assert_eq!(
        pg.psql(
            "SELECT count(*), count(DISTINCT code_id) FROM payqr.records WHERE event = 'redeemed'"
        ),
        "2|2"
    );
    // The database itself refuses a second redemption row, and any edit.
    let id = pg.psql("SELECT code_id FROM payqr.records WHERE seq = 1");
    let dup = format!(
        "INSERT INTO payqr.records (seq, event, issuer, code_id, prev, hash, line) \
         VALUES (99, 'redeemed', (SELECT issuer FROM payqr.records WHERE seq = 1), '{id}', \
         '\\x11111111111111111111111111111111', '\\x22222222222222222222222222222222', 'x')"
    );
    let out = std::process::Command::new("psql")
        .args(["-X", "-h"])
        .arg(pg.socket_dir())
        .args(["-U", "payqr", "-d", "postgres", "-c", &dup])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("records_one_redemption"), "{err}");
    let out = std::process::Command::new("psql")
        .args(["-X", "-h"])
        .arg(pg.socket_dir())
        .args(["-U", "payqr", "-d", "postgres", "-c"])
        .arg("DELETE FROM payqr.records WHERE seq = 2")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("append-only"),
        "{out:?}"
    );
    let r = payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(0);
    assert!(
        r.stdout.contains("2 records, 0 issued, 2 redeemed"),
        "{}",
        r.stdout
    );
}

#[test]
fn check_finds_edits_and_lost_records() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let url = pg.url("payqr");
    payqr(d.path(), &["ledger", "init", "--ledger", &url]).expect(0);
    let texts = sign_many(d.path(), "C", 4);
    redeem(d.path(), &url, &texts).expect(0);
    payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(0);
    // Someone with the rights goes around the trigger.
    let around = |sql: &str| {
        pg.psql(&format!(
            "ALTER TABLE payqr.records DISABLE TRIGGER USER; {sql}; \
             ALTER TABLE payqr.records ENABLE TRIGGER USER"
        ))
    };
    around(
        "UPDATE payqr.records SET line = replace(line, '\"txn\":\"T1\"', '\"txn\":\"T2\"') WHERE seq = 3",
    );
    let r = payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(1);
    assert!(r.stdout.contains(":3: checksum mismatch"), "{}", r.stdout);
    around(
        "UPDATE payqr.records SET line = replace(line, '\"txn\":\"T2\"', '\"txn\":\"T1\"') WHERE seq = 3",
    );
    payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(0);
    // A column that disagrees with its line (what the unique index sees).
    around("UPDATE payqr.records SET code_id = '0000000000000000' WHERE seq = 2");
    let r = payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(1);
    assert!(r.stdout.contains(":2: the row's columns"), "{}", r.stdout);
    around("UPDATE payqr.records SET code_id = (line::json)->>'code_id' WHERE seq = 2");
    // The last record deleted: every remaining line is sound, the head
    // remembers.
    around("DELETE FROM payqr.records WHERE seq = 4");
    let r = payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(1);
    assert!(
        r.stdout.contains("lost records: the chain head says 4"),
        "{}",
        r.stdout
    );
    // One in the middle: named by its number.
    around("DELETE FROM payqr.records WHERE seq = 2");
    let r = payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(1);
    assert!(r.stdout.contains(":2: record 2 is missing"), "{}", r.stdout);
}

#[test]
fn export_and_import_keep_the_same_lines_and_chain() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    // A bureau starts on a file: codes issued and some redeemed there.
    let p = d.path();
    for i in 0..5 {
        issue_one(p, &format!("E{i}"), &["--ledger", "start.jsonl"]);
    }
    let texts = sign_many(p, "F", 3);
    let input: String = texts.iter().map(|t| format!("{t}\n")).collect();
    payqr_stdin(
        p,
        &[
            "redeem",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--ledger",
            "start.jsonl",
            "-",
        ],
        &input,
    )
    .expect(0);
    let file = std::fs::read(p.join("start.jsonl")).unwrap();
    let url = pg.url("moved");
    payqr(p, &["ledger", "init", "--ledger", &url]).expect(0);
    let r = payqr(
        p,
        &[
            "ledger",
            "import",
            "--ledger",
            &url,
            "--from",
            "start.jsonl",
        ],
    )
    .expect(0);
    assert!(r.stdout.contains("imported 8 record(s)"), "{}", r.stdout);
    // Only into an empty ledger.
    let r = payqr(
        p,
        &[
            "ledger",
            "import",
            "--ledger",
            &url,
            "--from",
            "start.jsonl",
        ],
    )
    .expect(2);
    assert!(r.stderr.contains("already holds 8"), "{}", r.stderr);
    let r = payqr(p, &["ledger", "check", "--ledger", &url]).expect(0);
    assert!(
        r.stdout.contains("8 records, 5 issued, 3 redeemed"),
        "{}",
        r.stdout
    );
    // The PostgreSQL ledger goes on: a code redeemed there is refused
    // again, a new one is chained after the file's last line.
    let r = redeem(p, &url, &texts[..1]).expect(1);
    assert!(r.stdout.contains("redeemed"), "{}", r.stdout);
    let more = sign_many(p, "G", 1);
    redeem(p, &url, &more).expect(0);
    payqr(
        p,
        &["ledger", "export", "--ledger", &url, "--to", "back.jsonl"],
    )
    .expect(0);
    let back = std::fs::read(p.join("back.jsonl")).unwrap();
    // The file's bytes are the start of the export, byte for byte.
    assert_eq!(&back[..file.len()], &file[..]);
    assert_eq!(
        back[file.len()..].iter().filter(|&&b| b == b'\n').count(),
        1
    );
    let r = payqr(p, &["ledger", "check", "--ledger", "back.jsonl"]).expect(0);
    assert!(
        r.stdout.contains("9 records, 5 issued, 4 redeemed"),
        "{}",
        r.stdout
    );
    // Export never overwrites.
    payqr(
        p,
        &["ledger", "export", "--ledger", &url, "--to", "back.jsonl"],
    )
    .expect(2);
    // Round trip: the export imported elsewhere exports the same bytes.
    let url2 = pg.url("again");
    payqr(p, &["ledger", "init", "--ledger", &url2]).expect(0);
    payqr(
        p,
        &[
            "ledger",
            "import",
            "--ledger",
            &url2,
            "--from",
            "back.jsonl",
        ],
    )
    .expect(0);
    payqr(
        p,
        &["ledger", "export", "--ledger", &url2, "--to", "again.jsonl"],
    )
    .expect(0);
    assert_eq!(std::fs::read(p.join("again.jsonl")).unwrap(), back);
}

#[test]
fn an_unreachable_server_is_one_clear_line_and_nothing_acknowledged() {
    let d = setup();
    let texts = sign_many(d.path(), "U", 1);
    let url = format!(
        "postgresql:///postgres?host={}&user=payqr",
        d.path().join("nosock").display()
    );
    let input = format!("{}\n", texts[0]);
    let mut cmd = common::command();
    cmd.current_dir(d.path())
        .env("PAYQR_PG_RETRY_SECS", "1")
        .args([
            "redeem",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--ledger",
            &url,
            "-",
        ]);
    let r = run_cmd(cmd, &input).expect(2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(errors(&r), 1, "{}", r.stderr);
    assert!(r.stderr.contains("gave up after"), "{}", r.stderr);
    // A password never shows in a message.
    let r = payqr(
        d.path(),
        &[
            "ledger",
            "check",
            "--ledger",
            "postgres://u:hunter2@db.example/x",
        ],
    )
    .expect(2);
    assert!(
        !r.stderr.contains("hunter2") && r.stderr.contains("without TLS"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_commit_whose_answer_was_lost_is_retried_without_a_second_redemption() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let url = pg.url("payqr");
    payqr(d.path(), &["ledger", "init", "--ledger", &url]).expect(0);
    let texts = sign_many(d.path(), "L", 3);
    let input: String = texts.iter().map(|t| format!("{t}\n")).collect();
    // The first COMMIT succeeds on the server, and the client never
    // hears it (debug builds inject this): the retry must find its own
    // records, acknowledge them, and write nothing again.
    let mut cmd = common::command();
    cmd.current_dir(d.path())
        .env("PAYQR_TEST_PG_LOSE_COMMIT", "1")
        .args(["redeem", "--trust", "trust.json", "--at", DURING, "--json"])
        .args(["--ledger", &url, "-"]);
    let r = run_cmd(cmd, &input).expect(0);
    assert_eq!(acknowledged(&r.stdout).len(), 3, "{}", r.stdout);
    // (Lines that arrive together are one batch, one COMMIT: the first
    // batch holds one code or more.)
    assert!(
        r.stderr.contains("committed by this same request"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("connection was lost and made again (1 time(s))"),
        "{}",
        r.stderr
    );
    assert_eq!(
        pg.psql("SELECT count(*), count(DISTINCT code_id) FROM payqr.records"),
        "3|3"
    );
    // A new run of the same codes (another request): plainly refused.
    let r = redeem(d.path(), &url, &texts).expect(1);
    assert!(acknowledged(&r.stdout).is_empty());
    assert!(
        r.stdout.matches("already redeemed").count() == 3,
        "{}",
        r.stdout
    );
    payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(0);
}
