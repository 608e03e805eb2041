//! Issue into and reconcile against a PostgreSQL ledger (a real server,
//! tests/pg_support): one code per reference, reconcile reads the same
//! book as from a file ledger with the same records, and `--apply` marks
//! paid codes once, never a code a counter redeemed meanwhile.

mod common;
mod pg_support;

use common::*;
use pg_support::PgServer;

const NEXT_MORNING: &str = "2026-11-24T09:00:00+08:00";

fn reconcile(d: &std::path::Path, ledger: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "reconcile",
        "--ledger",
        ledger,
        "--settlement",
        "s.csv",
        "--at",
        NEXT_MORNING,
        "--tz",
        "+08:00",
        "--json",
    ];
    args.extend_from_slice(extra);
    let r = payqr(d, &args);
    assert!(matches!(r.code, 0 | 1), "{}", r.stderr);
    json(&r)
}

#[test]
fn issue_then_reconcile_with_apply_on_postgres() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let p = d.path();
    let url = pg.url("payqr");
    payqr(p, &["ledger", "init", "--ledger", &url]).expect(0);
    let mut ids = Vec::new();
    let mut texts = Vec::new();
    for i in 0..3 {
        let issued = issue_one(p, &format!("PG{i}"), &["--ledger", &url, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&issued).unwrap();
        ids.push(v["code_id"].as_str().unwrap().to_string());
        texts.push(v["payload"].as_str().unwrap().to_string());
    }
    // One code per reference, as with a file ledger.
    let again = single_args("PG1", ISSUED, &["--ledger", &url]);
    let r = payqr(p, &again).expect(2);
    assert!(
        r.stderr.contains(&format!(
            "reference \"PG1\" was already issued as code {}",
            ids[1]
        )),
        "{}",
        r.stderr
    );
    // The first code is paid at a counter.
    payqr_stdin(
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
        &format!("{}\n", texts[0]),
    )
    .expect(0);
    let check = payqr(p, &["ledger", "check", "--ledger", &url]).expect(0);
    assert!(
        check.stdout.contains("4 records, 3 issued, 1 redeemed"),
        "{}",
        check.stdout
    );
    // A handheld asks whether a code was paid: from the database.
    let verify = |text: &str, want: i32| {
        let args = [
            "verify",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--json",
            "--ledger",
            &url,
            "--text",
            text,
        ];
        json(&payqr(p, &args).expect(want))
    };
    assert_eq!(verify(&texts[0], 1)["status"], "already_redeemed");
    assert_eq!(verify(&texts[1], 0)["status"], "valid");
    // The provider says all three were paid.
    let rows: String = ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!("{id},200.00,CNY,2026-11-23 09:1{i}:00,TX{i}\n"))
        .collect();
    std::fs::write(
        p.join("s.csv"),
        format!("code_id,amount,currency,paid_at,txn_id\n{rows}"),
    )
    .unwrap();
    // The same report from PostgreSQL as from a file holding the same
    // records.
    payqr(
        p,
        &["ledger", "export", "--ledger", &url, "--to", "copy.jsonl"],
    )
    .expect(0);
    let from_pg = reconcile(p, &url, &[]);
    let from_file = reconcile(p, "copy.jsonl", &[]);
    assert_eq!(from_pg["summary"], from_file["summary"]);
    assert!(
        from_pg["summary"].to_string().contains("already_redeemed"),
        "{from_pg}"
    );
    // --apply marks the two codes paid through the provider, once.
    let applied = reconcile(p, &url, &["--apply"]);
    assert_eq!(applied["applied"], 2, "{applied}");
    let check = payqr(p, &["ledger", "check", "--ledger", &url]).expect(0);
    assert!(
        check.stdout.contains("6 records, 3 issued, 3 redeemed"),
        "{}",
        check.stdout
    );
    let again = reconcile(p, &url, &["--apply"]);
    assert_eq!(again["applied"], 0, "{again}");
    assert_eq!(
        pg.psql("SELECT count(*) FROM payqr.records WHERE event = 'redeemed'"),
        "3"
    );
}

/// `payqr notice` on a PostgreSQL ledger: the rows hold the issued lines,
/// payload included, so a lost notice comes back byte-identical, by code
/// id or by reference; a replaced code is refused, naming its successor;
/// a paid one is printed as a copy, with a warning.
#[test]
fn a_lost_notice_is_printed_again_from_postgres() {
    let Some(pg) = PgServer::start() else { return };
    let d = setup();
    let p = d.path();
    let url = pg.url("payqr");
    payqr(p, &["ledger", "init", "--ledger", &url]).expect(0);
    issue_notice_fines(p, &url);
    let ids = manifest_column(&p.join("m.csv"), "code_id");
    assert_eq!(ids.len(), 2);
    let file_of = |id: &str, dir: &str, ext: &str| {
        std::fs::read(p.join(dir).join(&id[..2]).join(format!("{id}.{ext}"))).unwrap()
    };
    let notice = |what: &str, extra: &[&str]| {
        let mut args = vec!["notice", what, "--ledger", &url, "--tz", "+08:00"];
        args.extend_from_slice(extra);
        payqr(p, &args)
    };
    for id in &ids {
        for (ext, format) in [("notice.svg", "notice-svg"), ("svg", "svg"), ("png", "png")] {
            let out = format!("again.{ext}");
            let extra = ["--trust", "trust.json", "--format", format, "--out", &out];
            notice(id, &extra).expect(0);
            assert!(
                std::fs::read(p.join(&out)).unwrap() == file_of(id, "out", ext),
                "{id} {format}: not byte-identical"
            );
        }
    }
    // By reference, as the clerk knows it.
    let r = notice("京B7", &["--format", "svg"]).expect(0);
    assert!(r.stdout.as_bytes() == file_of(&ids[1], "out", "svg"));
    // Reissued: the old code is refused, the reference finds the new one.
    std::fs::write(p.join("one.csv"), "reference,amount\n京A12345,200.00\n").unwrap();
    let reissue = fines_batch(
        "one.csv",
        "re",
        &[
            "--ledger",
            &url,
            "--manifest",
            "re.csv",
            "--reissue",
            "--expires-in",
            "30d",
        ],
    );
    payqr(p, &reissue).expect(0);
    let new_id = manifest_column(&p.join("re.csv"), "code_id").swap_remove(0);
    let r = notice(&ids[0], &["--format", "svg"]).expect(1);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains(&format!("replaced by code {new_id}")),
        "{}",
        r.stderr
    );
    notice("京A12345", &["--out", "new.png"]).expect(0);
    assert!(std::fs::read(p.join("new.png")).unwrap() == file_of(&new_id, "re", "png"));
    // Paid: a copy, said on stderr.
    let paid = manifest_payloads(&p.join("re.csv")).swap_remove(0);
    payqr_stdin(
        p,
        &judge_args("redeem", &["--ledger", &url, "-"]),
        &format!("{paid}\n"),
    )
    .expect(0);
    let r = notice(&new_id, &["--format", "svg"]).expect(0);
    assert!(
        r.stderr
            .contains(&format!("warning: code {new_id} was already paid (")),
        "{}",
        r.stderr
    );
    // Not in this ledger: exit 2, nothing printed.
    let r = notice("0123456789abcdef", &["--format", "svg"]).expect(2);
    assert!(
        r.stdout.is_empty() && r.stderr.contains("no code"),
        "{}",
        r.stderr
    );
}
