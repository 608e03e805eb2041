//! The totals a camt file states about itself, read independently of
//! payqr's parser (shared by tests/camt_corpus.rs and
//! tests/camt_real_files.rs).
#![allow(dead_code)]

use std::collections::BTreeMap;

use roxmltree::{Document, Node};

pub fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.tag_name().name() == name)
}

pub fn text<'a>(n: Node<'a, '_>, path: &[&str]) -> Option<&'a str> {
    let mut n = n;
    for p in path {
        n = child(n, p)?;
    }
    n.text().map(str::trim)
}

/// An xs:decimal in millionths (enough for every ISO currency).
pub fn micro(s: &str) -> Option<i128> {
    let s = s.trim();
    let (neg, s) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (i, f) = s.split_once('.').unwrap_or((s, ""));
    if i.is_empty() && f.is_empty()
        || !i.bytes().chain(f.bytes()).all(|b| b.is_ascii_digit())
        || f.len() > 6
    {
        return None;
    }
    let mut v: i128 = 0;
    for b in i.bytes() {
        v = v.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    for k in 0..6 {
        let d = f.as_bytes().get(k).map_or(0, |b| b - b'0');
        v = v.checked_mul(10)?.checked_add(i128::from(d))?;
    }
    Some(if neg { -v } else { v })
}

/// Credit and debit sums per currency, in millionths.
pub type Totals = BTreeMap<String, (i128, i128)>;

pub struct Reference {
    /// "camt.053.001.08" or "?".
    pub version: String,
    pub entries: Totals,
    /// The file's control sums that were present, and whether each agrees
    /// with its entries.
    pub controls: Vec<(&'static str, bool)>,
}

pub fn reference(xml: &str) -> Result<Reference, String> {
    let doc = Document::parse(xml).map_err(|e| format!("not XML: {e}"))?;
    // The Document, also inside an envelope with its AppHdr.
    let root = doc.root_element();
    let root = root
        .children()
        .find(|c| c.tag_name().name() == "Document")
        .unwrap_or(root);
    let ns = root.tag_name().namespace().unwrap_or_default();
    let version = ns
        .rsplit(':')
        .next()
        .filter(|v| v.starts_with("camt."))
        .unwrap_or("?")
        .to_string();
    let mut entries = Totals::new();
    let mut controls = Vec::new();
    let reports = root
        .children()
        .filter(|m| m.is_element())
        .flat_map(|m| m.children())
        .filter(|r| matches!(r.tag_name().name(), "Stmt" | "Rpt" | "Ntfctn"));
    for report in reports {
        let (mut cr, mut db, mut n_cr, mut n_db) = (0i128, 0i128, 0u64, 0u64);
        // Booked net per currency, for the balances.
        let mut nets: BTreeMap<String, i128> = BTreeMap::new();
        let mut later: BTreeMap<(String, String), i128> = BTreeMap::new();
        let (mut all_cr, mut all_db, mut n_all_cr, mut n_all_db) = (0i128, 0i128, 0u64, 0u64);
        for e in report.children().filter(|c| c.tag_name().name() == "Ntry") {
            let amt = child(e, "Amt").ok_or("entry without Amt")?;
            let ccy = amt.attribute("Ccy").unwrap_or("?").to_string();
            let v = micro(amt.text().unwrap_or("")).ok_or("entry Amt unreadable")?;
            let credit = text(e, &["CdtDbtInd"]) == Some("CRDT");
            if credit {
                (all_cr, n_all_cr) = (all_cr + v, n_all_cr + 1);
            } else {
                (all_db, n_all_db) = (all_db + v, n_all_db + 1);
            }
            let status = text(e, &["Sts", "Cd"]).or(text(e, &["Sts"]));
            if status.is_some_and(|s| s != "BOOK") {
                continue;
            }
            *nets.entry(ccy.clone()).or_default() += if credit { v } else { -v };
            // Some banks close the day by value date (PostFinance).
            let value_date = text(e, &["ValDt", "Dt"]).or(text(e, &["ValDt", "DtTm"]));
            if let Some(d) = value_date {
                *later
                    .entry((ccy.clone(), d.get(..10).unwrap_or(d).to_string()))
                    .or_default() += if credit { v } else { -v };
            }
            let t = entries.entry(ccy).or_default();
            if credit {
                t.0 += v;
                (cr, n_cr) = (cr + v, n_cr + 1);
            } else {
                t.1 += v;
                (db, n_db) = (db + v, n_db + 1);
            }
        }
        let balance = |codes: &[&str]| {
            report
                .children()
                .filter(|b| b.tag_name().name() == "Bal")
                .find(|b| {
                    let cd = text(*b, &["Tp", "CdOrPrtry", "Cd"]);
                    cd.is_some_and(|c| codes.contains(&c))
                })
                .and_then(|b| {
                    let amt = child(b, "Amt")?;
                    let v = micro(amt.text()?)?;
                    let v = if text(b, &["CdtDbtInd"]) == Some("DBIT") {
                        -v
                    } else {
                        v
                    };
                    let date = text(b, &["Dt", "Dt"]).or(text(b, &["Dt", "DtTm"]));
                    Some((
                        amt.attribute("Ccy"),
                        v,
                        date.map(|d| d.get(..10).unwrap_or(d)),
                    ))
                })
        };
        // Balances in two currencies are not of one account (test data).
        if let (Some((c1, open, _)), Some((c2, close, close_date))) =
            (balance(&["OPBD", "PRCD"]), balance(&["CLBD"]))
            && c1 == c2
        {
            let net = c1.and_then(|c| nets.get(c)).copied().unwrap_or(0);
            let after: i128 = later
                .iter()
                .filter(|((c, d), _)| Some(c.as_str()) == c1 && Some(d.as_str()) > close_date)
                .map(|(_, v)| *v)
                .sum();
            controls.push((
                "balances",
                open + net == close || close_date.is_some() && open + net - after == close,
            ));
        }
        if let Some(s) = child(report, "TxsSummry") {
            // Summaries count booked entries; some banks count all listed.
            let check = |name: &str, sum: (i128, u64), all: (i128, u64)| {
                let t = child(s, name)?;
                let said_sum = text(t, &["Sum"]).and_then(micro);
                let said_n = text(t, &["NbOfNtries"]).and_then(|n| n.parse::<u64>().ok());
                let ok = |(v, n): (i128, u64)| {
                    said_sum.is_none_or(|x| x == v) && said_n.is_none_or(|x| x == n)
                };
                Some(ok(sum) || ok(all))
            };
            for (name, sum, all) in [
                ("TtlCdtNtries", (cr, n_cr), (all_cr, n_all_cr)),
                ("TtlDbtNtries", (db, n_db), (all_db, n_all_db)),
                (
                    "TtlNtries",
                    (cr + db, n_cr + n_db),
                    (all_cr + all_db, n_all_cr + n_all_db),
                ),
            ] {
                if let Some(ok) = check(name, sum, all) {
                    controls.push(("TxsSummry", ok));
                }
            }
        }
    }
    Ok(Reference {
        version,
        entries,
        controls,
    })
}
