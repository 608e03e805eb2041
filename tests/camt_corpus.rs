//! Measures the camt parser on a directory of public camt.052/053/054
//! files (not committed: see docs/FORMAT.md and the corpus's SOURCES.md):
//!
//!     PAYQR_CAMT_CORPUS=/work/shared/corpus/camt \
//!         cargo test --release --test camt_corpus -- --ignored --nocapture
//!
//! For every file it prints one line (`right`, `refused`, `wrong`) and then
//! a table per message and version. A file is read right when payqr
//! accepts it and the money it reports, per currency and direction, after
//! collapsing rows that share a transaction id the way reconciliation
//! does, equals the booked entries the file lists; and, where the file has
//! them, its balances (opening + entries = closing) and `TxsSummry` agree.
//! Refusals are listed with their reason, and with whether the file's own
//! control sums add up (a refusal of a file that adds up is suspect).
//!
//! The reference totals are computed here from the XML with their own
//! small decimal reader, independently of the parser under test.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

mod camt_ref;

use camt_ref::{Reference, Totals, micro, reference};
use payqr::reconcile::settlement::{Options, parse_settlement};

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) {
            out.push(p);
        }
    }
}

#[derive(Default)]
struct Row {
    files: u32,
    right: u32,
    right_checked: u32,
    refused_ok: u32,
    refused_bad: u32,
    wrong: u32,
}

#[test]
#[ignore = "needs PAYQR_CAMT_CORPUS=<dir of public camt files>"]
fn camt_corpus() {
    let Some(dir) = std::env::var_os("PAYQR_CAMT_CORPUS") else {
        eprintln!("set PAYQR_CAMT_CORPUS to a directory of camt files");
        return;
    };
    let dir = PathBuf::from(dir);
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    let mut table: BTreeMap<String, Row> = BTreeMap::new();
    let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
    let opts = Options {
        format: None,
        map: Default::default(),
        tz: chrono::FixedOffset::east_opt(0),
        encoding: None,
    };
    for f in &files {
        let name = f.strip_prefix(&dir).unwrap_or(f).display().to_string();
        let xml = match std::fs::read(f) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => panic!("{name}: {e}"),
        };
        let xml = xml.trim_start_matches('\u{feff}');
        let r = match reference(xml) {
            Ok(r) => r,
            Err(e) => Reference {
                version: format!("? ({e})"),
                entries: Totals::new(),
                controls: Vec::new(),
            },
        };
        let row = table.entry(r.version.clone()).or_default();
        row.files += 1;
        let controls_ok = r.controls.iter().all(|c| c.1);
        let verdict = match parse_settlement(f, &opts) {
            Err(e) => {
                let first = e.to_string();
                let first = first.lines().next().unwrap_or_default();
                let reason = first.split_once(": ").map_or(first, |(_, r)| r).to_string();
                // Group reasons without their numbers.
                let key: String = reason
                    .chars()
                    .map(|c| if c.is_ascii_digit() { '#' } else { c })
                    .collect();
                *reasons.entry(key).or_default() += 1;
                if controls_ok && !r.controls.is_empty() {
                    row.refused_ok += 1;
                } else {
                    row.refused_bad += 1;
                }
                format!("refused ({}): {reason}", controls_label(&r))
            }
            Ok(s) => {
                let mut got = Totals::new();
                let mut seen = HashSet::new();
                for p in &s.payments {
                    if let Some(t) = &p.txn_id
                        && !seen.insert((t.clone(), p.refund))
                    {
                        continue; // reconciliation's "repeated"
                    }
                    let ccy = p.currency.map_or("?".to_string(), |c| c.code.to_string());
                    let v = micro(&p.amount.to_string()).expect("payqr amount");
                    let t = got.entry(ccy).or_default();
                    if p.refund {
                        t.1 += v;
                    } else {
                        t.0 += v;
                    }
                }
                let expected: Totals = r
                    .entries
                    .iter()
                    .filter(|(_, v)| **v != (0, 0))
                    .map(|(k, v)| (k.clone(), *v))
                    .collect();
                let got: Totals = got.into_iter().filter(|(_, v)| *v != (0, 0)).collect();
                if got == expected && controls_ok {
                    row.right += 1;
                    row.right_checked += u32::from(!r.controls.is_empty());
                    format!("right ({})", controls_label(&r))
                } else {
                    row.wrong += 1;
                    format!(
                        "wrong: payqr {got:?} file {expected:?} ({})",
                        controls_label(&r)
                    )
                }
            }
        };
        println!("{name}: {verdict}");
    }
    println!(
        "\nversion            files  right (with controls)  refused (controls agree / none or bad)  wrong"
    );
    let mut total = Row::default();
    for (v, r) in &table {
        println!(
            "{v:<18} {:>5}  {:>5} ({:>3})            {:>5} / {:<5}                        {:>5}",
            r.files, r.right, r.right_checked, r.refused_ok, r.refused_bad, r.wrong
        );
        total.files += r.files;
        total.right += r.right;
        total.right_checked += r.right_checked;
        total.refused_ok += r.refused_ok;
        total.refused_bad += r.refused_bad;
        total.wrong += r.wrong;
    }
    println!(
        "{:<18} {:>5}  {:>5} ({:>3})            {:>5} / {:<5}                        {:>5}",
        "total",
        total.files,
        total.right,
        total.right_checked,
        total.refused_ok,
        total.refused_bad,
        total.wrong
    );
    println!("\nrefusal reasons:");
    for (k, n) in &reasons {
        println!("{n:>5}  {k}");
    }
}

fn controls_label(r: &Reference) -> String {
    if r.controls.is_empty() {
        return "no control sums".into();
    }
    let bad: Vec<&str> = r.controls.iter().filter(|c| !c.1).map(|c| c.0).collect();
    if bad.is_empty() {
        "control sums agree".into()
    } else {
        format!("file's own {} disagree", bad.join("+"))
    }
}
