//! Many counters, one PostgreSQL ledger: 8 processes × 2 counters (16
//! `payqr redeem -` processes) redeem the same 1,000 codes at once, each
//! in its own order, a few lines at a time. Exactly 1,000 redemptions
//! are acknowledged, none twice, none lost. Then the same with the server
//! killed and restarted (`pg_ctl restart -m immediate`) in the middle:
//! every acknowledged redemption is there afterwards, none twice.

mod common;
mod pg_support;

use std::collections::HashMap;
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use pg_support::{PgServer, sign_many_with_ids};

const MACHINES: usize = 8;
const COUNTERS: usize = 2;
const CODES: usize = 1000;
/// Lines a counter sends at once: each chunk is about one transaction.
const CHUNK: usize = 25;

struct Counter {
    acked: Vec<String>,
    exit: Option<i32>,
    stderr: String,
}

/// Runs every counter at once; `during` runs while they work.
fn run_counters(
    dir: &std::path::Path,
    url: &str,
    texts: &[String],
    during: impl FnOnce(),
) -> Vec<Counter> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let children: Vec<_> = (0..MACHINES * COUNTERS)
        .map(|c| {
            let mut order: Vec<usize> = (0..texts.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let mut child = common::command()
                .current_dir(dir)
                .env("PAYQR_PG_RETRY_SECS", "60")
                .args(["redeem", "--trust", "trust.json", "--at", DURING, "--json"])
                .args(["--txn", &format!("M{}C{}", c / COUNTERS, c % COUNTERS)])
                .args(["--ledger", url, "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            let lines: Vec<String> = order.iter().map(|&i| format!("{}\n", texts[i])).collect();
            // A scanner gun, fast: a few lines at a time.
            let feeder = std::thread::spawn(move || {
                for chunk in lines.chunks(CHUNK) {
                    if stdin.write_all(chunk.concat().as_bytes()).is_err() {
                        return;
                    }
                    let _ = stdin.flush();
                    std::thread::sleep(Duration::from_millis(3));
                }
            });
            // Its output read as it comes: a full pipe would stop it.
            let reader = std::thread::spawn(move || child.wait_with_output().unwrap());
            (reader, feeder)
        })
        .collect();
    during();
    children
        .into_iter()
        .map(|(reader, feeder)| {
            let out = reader.join().unwrap();
            feeder.join().unwrap();
            Counter {
                acked: acknowledged(&String::from_utf8_lossy(&out.stdout)),
                exit: out.status.code(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        })
        .collect()
}

/// Redemptions in the database: code id → how many rows.
fn in_database(pg: &PgServer) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    let rows = pg.psql("SELECT code_id FROM payqr.records WHERE event = 'redeemed'");
    for id in rows.lines().filter(|l| !l.is_empty()) {
        *m.entry(id.to_string()).or_insert(0) += 1;
    }
    m
}

#[test]
fn sixteen_counters_redeem_a_thousand_codes_exactly_once() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let url = pg.url("payqr");
    payqr(d.path(), &["ledger", "init", "--ledger", &url]).expect(0);
    let (texts, ids): (Vec<String>, Vec<String>) =
        sign_many_with_ids(d.path(), "K", CODES).into_iter().unzip();
    let started = Instant::now();
    let counters = run_counters(d.path(), &url, &texts, || {});
    let secs = started.elapsed().as_secs_f64();
    let mut acked: HashMap<&str, usize> = HashMap::new();
    for (n, c) in counters.iter().enumerate() {
        assert!(
            matches!(c.exit, Some(0 | 1)),
            "counter {n}: exit {:?}: {}",
            c.exit,
            c.stderr
        );
        for id in &c.acked {
            *acked.entry(id.as_str()).or_insert(0) += 1;
        }
    }
    let total: usize = acked.values().sum();
    let doubles = acked.values().filter(|&&n| n > 1).count();
    let lost = ids
        .iter()
        .filter(|id| !acked.contains_key(id.as_str()))
        .count();
    eprintln!(
        "{} counters, {CODES} codes: {total} acknowledged, {doubles} double, {lost} lost in {secs:.1} s",
        counters.len()
    );
    assert_eq!((total, doubles, lost), (CODES, 0, 0));
    let db = in_database(&pg);
    assert_eq!(db.len(), CODES);
    assert!(db.values().all(|&n| n == 1));
    let r = payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(0);
    assert!(
        r.stdout
            .contains(&format!("{CODES} records, 0 issued, {CODES} redeemed")),
        "{}",
        r.stdout
    );
}

#[test]
fn a_server_restart_mid_run_loses_no_acknowledged_redemption_and_doubles_none() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let url = pg.url("payqr");
    payqr(d.path(), &["ledger", "init", "--ledger", &url]).expect(0);
    let (texts, ids): (Vec<String>, Vec<String>) =
        sign_many_with_ids(d.path(), "S", CODES).into_iter().unzip();
    let mut before_restart = 0;
    let counters = run_counters(d.path(), &url, &texts, || {
        // Once some redemptions are in, kill the server without a
        // checkpoint; it recovers from its WAL.
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(30) {
            let n: usize = pg
                .psql("SELECT count(*) FROM payqr.records")
                .parse()
                .unwrap();
            if n >= 150 {
                before_restart = n;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        pg.restart_immediate();
    });
    assert!(before_restart >= 150, "the restart came before any work");
    let mut acked: HashMap<String, usize> = HashMap::new();
    let mut gave_up = 0;
    let reconnected = counters
        .iter()
        .filter(|c| c.stderr.contains("connection was lost and made again"))
        .count();
    for (n, c) in counters.iter().enumerate() {
        assert!(
            matches!(c.exit, Some(0..=2)),
            "counter {n}: exit {:?}: {}",
            c.exit,
            c.stderr
        );
        assert!(!c.stderr.contains("panicked"), "{}", c.stderr);
        if c.exit == Some(2) {
            gave_up += 1;
            eprintln!("counter {n} gave up: {}", c.stderr.trim());
        }
        for id in &c.acked {
            *acked.entry(id.clone()).or_insert(0) += 1;
        }
    }
    let db = in_database(&pg);
    let doubles = acked.values().filter(|&&n| n > 1).count();
    let missing = acked.keys().filter(|id| !db.contains_key(*id)).count();
    eprintln!(
        "restart after {before_restart} records, {reconnected} counter(s) reconnected: {} acknowledged, {doubles} double, {missing} acknowledged but missing, {gave_up} counter(s) gave up, {} in the database",
        acked.values().sum::<usize>(),
        db.len()
    );
    // The restart hit counters at work: they lost their connections.
    assert!(reconnected > 0, "no counter saw the restart");
    assert_eq!(doubles, 0);
    assert_eq!(missing, 0);
    assert!(
        db.values().all(|&n| n == 1),
        "a code redeemed twice in the database"
    );
    // Counters retry through the restart: all of them finish.
    assert_eq!(gave_up, 0);
    assert_eq!(acked.len(), CODES, "every code acknowledged once");
    assert!(ids.iter().all(|id| db.contains_key(id)));
    payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(0);
}

#[test]
fn transactions_killed_mid_way_are_retried_and_never_doubled() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let url = pg.url("payqr");
    payqr(d.path(), &["ledger", "init", "--ledger", &url]).expect(0);
    let (texts, ids): (Vec<String>, Vec<String>) =
        sign_many_with_ids(d.path(), "X", 300).into_iter().unzip();
    let mut killed = 0;
    let counters = run_counters(d.path(), &url, &texts, || {
        // Kill every payqr backend, in whatever state it is (inside a
        // transaction, holding the chain head, committing), again and
        // again while the counters work.
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(3) {
            let n = pg.psql(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = 'payqr') k",
            );
            killed += n.parse::<usize>().unwrap();
            std::thread::sleep(Duration::from_millis(150));
        }
    });
    let mut acked: HashMap<&str, usize> = HashMap::new();
    for (n, c) in counters.iter().enumerate() {
        assert!(
            matches!(c.exit, Some(0 | 1)),
            "counter {n}: exit {:?}: {}",
            c.exit,
            c.stderr
        );
        for id in &c.acked {
            *acked.entry(id.as_str()).or_insert(0) += 1;
        }
    }
    let db = in_database(&pg);
    eprintln!(
        "{killed} backend(s) killed: {} acknowledged, {} in the database",
        acked.values().sum::<usize>(),
        db.len()
    );
    assert!(killed > 0, "no backend was killed");
    assert!(acked.values().all(|&n| n == 1), "a code acknowledged twice");
    assert_eq!(acked.len(), ids.len());
    assert!(ids.iter().all(|id| db.get(id) == Some(&1)));
    assert_eq!(db.len(), ids.len());
    payqr(d.path(), &["ledger", "check", "--ledger", &url]).expect(0);
}
