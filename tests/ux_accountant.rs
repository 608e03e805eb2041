//! Issue 17, the accountant: machine-readable times are RFC 3339 in every
//! JSON and CSV output (human text stays in --tz), and the HTML report's
//! table lists every row that did not match, not only discrepancies.

mod common;
use common::*;

fn rfc3339(v: &serde_json::Value, field: &str) {
    let s = v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} missing: {v}"));
    assert!(
        chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "{field} is not RFC 3339: {s:?}"
    );
}

#[test]
fn verify_issue_and_redeem_json_times_are_rfc3339() {
    let d = setup();
    let p = d.path();
    let r = payqr(
        p,
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--amount",
            "200.00",
            "--currency",
            "CNY",
            "--payee",
            "P",
            "--ref",
            "R1",
            "--expires-in",
            "4h",
            "--now",
            ISSUED,
            "--tz",
            "+08:00",
            "--json",
        ],
    )
    .expect(0);
    let issued = json(&r);
    rfc3339(&issued, "issued_at");
    rfc3339(&issued, "expires_at");
    // The instant is kept: 08:00+08:00 is 00:00Z.
    assert_eq!(issued["issued_at"], "2026-11-23T00:00:00Z");
    let text = issued["payload"].as_str().unwrap().to_string();
    let common = [
        "--trust",
        "trust.json",
        "--at",
        DURING,
        "--tz",
        "+08:00",
        "--json",
    ];
    let v = json(&payqr(p, &[&["verify"][..], &common, &["--text", &text]].concat()).expect(0));
    rfc3339(&v, "issued_at");
    rfc3339(&v, "expires_at");
    let r = payqr(
        p,
        &[
            &["redeem", "--ledger", "l.jsonl"][..],
            &common,
            &["--text", &text],
        ]
        .concat(),
    )
    .expect(0);
    rfc3339(&json(&r), "expires_at");
    let again = payqr(
        p,
        &[
            &["redeem", "--ledger", "l.jsonl"][..],
            &common,
            &["--text", &text],
        ]
        .concat(),
    )
    .expect(1);
    rfc3339(&json(&again), "redeemed_at");
    // Human text still speaks --tz.
    let h = payqr(
        p,
        &[
            "verify",
            "--trust",
            "trust.json",
            "--at",
            DURING,
            "--tz",
            "+08:00",
            "--text",
            &text,
        ],
    )
    .expect(0);
    assert!(
        h.stdout.contains("(2026-11-23 12:00:00 +08:00)"),
        "{}",
        h.stdout
    );
}

#[test]
fn report_csv_times_are_rfc3339_and_html_lists_every_unmatched_row() {
    let d = setup();
    let p = d.path();
    issue_fixture_fines(p);
    let wx = fixtures().join("settlement").join("wechat-2026-11-23.csv");
    payqr(
        p,
        &[
            "reconcile",
            "--ledger",
            "ledger.jsonl",
            "--settlement",
            wx.to_str().unwrap(),
            "--at",
            "2026-11-24T09:00:00+08:00",
            "--tz",
            "+08:00",
            "--report",
            "r.csv",
            "--html",
            "r.html",
        ],
    )
    .expect(1);
    let mut rdr = csv::Reader::from_path(p.join("r.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let mut statuses = std::collections::BTreeSet::new();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        rows += 1;
        statuses.insert(rec[col("status")].to_string());
        for c in ["paid_at", "expires_at"] {
            let t = &rec[col(c)];
            assert!(
                t.is_empty() || chrono::DateTime::parse_from_rfc3339(t).is_ok(),
                "{c} {t:?} is not RFC 3339"
            );
        }
    }
    assert!(rows > 0);
    // The fixture leaves codes open and holds a refund: both in the table.
    assert!(
        statuses.contains("unpaid_open") && statuses.contains("refunded"),
        "{statuses:?}"
    );
    let html = std::fs::read_to_string(p.join("r.html")).unwrap();
    let table = &html[html.find("<h2>Discrepancies").unwrap()..];
    for s in &statuses {
        if s != "matched" {
            assert!(
                table.contains(&format!("<td>{s}</td>")),
                "{s} missing from the HTML table"
            );
        }
    }
    assert!(!table.contains("<td>matched</td>"));
}

/// `reconcile --help` names every key a column map takes (the library's
/// list) and the grouping values (issue 17 review: it did not mention
/// grouping=comma|dot|apostrophe).
#[test]
fn reconcile_help_names_every_map_key_and_grouping() {
    let d = tempfile::tempdir().unwrap();
    let help = payqr(d.path(), &["reconcile", "--help"]).expect(0).stdout;
    let map = help
        .split("--map <MAP>")
        .nth(1)
        .and_then(|s| s.split("\n      --").next())
        .unwrap_or_else(|| panic!("no --map in:\n{help}"));
    let map = map.split_whitespace().collect::<Vec<_>>().join(" ");
    for key in payqr::reconcile::settlement::generic::KEYS.split(", ") {
        assert!(map.contains(key), "--map help lacks {key}: {map}");
    }
    let names: Vec<&str> = payqr::code::amount::Grouping::NAMES
        .split(", ")
        .map(|n| n.split(' ').next().unwrap())
        .collect();
    assert!(
        map.contains(&format!("grouping={}", names.join("|"))),
        "{map}"
    );
}

/// Times without an offset in a generic or camt settlement file are read as
/// UTC unless --tz (or PAYQR_TZ, or tz in payqr.toml) says otherwise, on any
/// machine: the file's meaning must not depend on where reconcile runs
/// (README, "The accountant"; `reconcile --help` on --tz). WeChat and Alipay
/// bills, written in Beijing time, default to +08:00.
#[test]
fn naive_settlement_times_are_utc_whatever_the_machine_zone() {
    let d = setup();
    let p = d.path();
    issue_fixture_fines(p);
    let generic = fixtures().join("settlement/generic-fees.csv");
    let wechat = fixtures().join("settlement/wechat-2026-11-23.csv");
    let paid = |tz_env: &str, file: &std::path::Path, extra: &[&str]| -> Vec<String> {
        let mut c = command();
        c.current_dir(p)
            .env("TZ", tz_env)
            .env_remove("PAYQR_TZ")
            .env_remove("PAYQR_CONFIG")
            .env("HOME", p)
            .args(["reconcile", "--ledger", "ledger.jsonl", "--settlement"])
            .arg(file)
            .args(["--report", "r.jsonl", "--at", "2026-11-24T09:00:00+08:00"])
            .args(extra);
        let r = run_cmd(c, "");
        assert!(r.code <= 1, "exit {}: {}", r.code, r.stderr);
        std::fs::read_to_string(p.join("r.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter_map(|v| v["paid_at"].as_str().map(str::to_owned))
            .collect()
    };
    let map = [
        "--map",
        "code_id=out_trade_no,amount=net,currency=currency,paid_at=paid_at,txn_id=transaction_id",
        "--fee-column",
        "fee",
    ];
    // generic-fees.csv's first row was paid at "2026-11-23 09:00:00".
    for zone in ["UTC", "Asia/Shanghai", "America/New_York"] {
        let got = paid(zone, &generic, &map);
        assert!(
            got.contains(&"2026-11-23T09:00:00Z".to_owned()),
            "TZ={zone}: {got:?}"
        );
        // The WeChat bill's first row, 09:10:05 Beijing time.
        let got = paid(zone, &wechat, &[]);
        assert!(
            got.contains(&"2026-11-23T01:10:05Z".to_owned()),
            "TZ={zone}: {got:?}"
        );
    }
    // --tz still decides.
    let mut with_tz = map.to_vec();
    with_tz.extend(["--tz", "+08:00"]);
    let got = paid("America/New_York", &generic, &with_tz);
    assert!(got.contains(&"2026-11-23T01:00:00Z".to_owned()), "{got:?}");
}
