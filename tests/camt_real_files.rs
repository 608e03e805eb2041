//! Real camt.052/053/054 files from public repositories
//! (fixtures/settlement/camt/SOURCES.md): payqr's totals must equal what
//! each file states about itself — its booked entries, and where it has
//! them its balances (opening + entries = closing) and `TxsSummry`.

mod camt_ref;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use camt_ref::{Totals, micro, reference};
use payqr::reconcile::settlement::{Options, Payment, SettlementError, parse_settlement};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/settlement/camt")
}

fn parse(path: &Path) -> Result<Vec<Payment>, SettlementError> {
    let opts = Options {
        format: None,
        map: Default::default(),
        tz: chrono::FixedOffset::east_opt(0),
        encoding: None,
    };
    parse_settlement(path, &opts).map(|s| s.payments)
}

/// Credits and debits per currency, counting rows that share a
/// transaction id (and direction) once, as reconciliation does.
fn totals(payments: &[Payment]) -> Totals {
    let mut got = Totals::new();
    let mut seen = HashSet::new();
    for p in payments {
        if let Some(t) = &p.txn_id
            && !seen.insert((t.clone(), p.refund))
        {
            continue;
        }
        let ccy = p.currency.map_or("?".into(), |c| c.code.to_string());
        let v = micro(&p.amount.to_string()).unwrap();
        let t = got.entry(ccy).or_default();
        if p.refund {
            t.1 += v;
        } else {
            t.0 += v;
        }
    }
    got.into_iter().filter(|(_, v)| *v != (0, 0)).collect()
}

fn expected(xml: &str) -> (Totals, Vec<(&'static str, bool)>) {
    let r = reference(xml).unwrap();
    let t = r
        .entries
        .into_iter()
        .filter(|(_, v)| *v != (0, 0))
        .collect();
    (t, r.controls)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The file that contradicts itself (see `refused_when_a_transaction_contradicts_its_entry`).
const CONTRADICTS: &str = "moov-camt053.001.04-postfinance.xml";

#[test]
fn every_real_file_adds_up_to_its_own_totals() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .filter(|p| !p.ends_with(CONTRADICTS))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let mut with_controls = 0;
    for f in &files {
        let xml = std::fs::read_to_string(f).unwrap();
        let (want, controls) = expected(&xml);
        assert!(controls.iter().all(|c| c.1), "{f:?}: {controls:?}");
        with_controls += usize::from(!controls.is_empty());
        let got = parse(f).unwrap_or_else(|e| panic!("{}", e));
        assert_eq!(totals(&got), want, "{f:?}");
    }
    assert!(with_controls >= 4, "{with_controls}");
}

#[test]
fn a_batch_may_itemise_fewer_transactions_than_it_holds() {
    // Btch/NbOfTxs 86 and 3, one TxDtls each carrying the whole amount:
    // refused on a2f0fc4 ("Btch/NbOfTxs is 86 but the entry lists 1
    // transactions").
    let p = parse(&dir().join("subite-camt053.001.08-batch.xml")).unwrap();
    let amounts: Vec<String> = p.iter().map(|p| p.amount.to_string()).collect();
    assert_eq!(amounts, ["828531.98", "0.2", "5793.97"]);
    // Only part of a batch itemised: the rest is a row of its own.
    let d = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(dir().join("subite-camt053.001.08-batch.xml")).unwrap();
    let xml = xml.replace(
        "<TxDtls><Amt Ccy=\"EUR\">828531.98</Amt></TxDtls>",
        "<TxDtls><Amt Ccy=\"EUR\">28531.98</Amt></TxDtls>",
    );
    let p = parse(&write(d.path(), "part.xml", &xml)).unwrap();
    assert_eq!(p[0].amount.to_string(), "28531.98");
    assert_eq!(p[1].amount.to_string(), "800000.00");
    assert_eq!(
        p[1].code.to_string(),
        "85 of 86 batch transactions not itemised"
    );
    assert_eq!(totals(&p), expected(&xml).0);
}

#[test]
fn a_batch_without_individual_amounts_is_one_row() {
    // Refused on a2f0fc4 ("TxDtls/Amt: missing in a batch entry").
    let p = parse(&dir().join("genkgo-camt054.001.02-batch-no-amounts.xml")).unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].amount.to_string().as_str(), p[0].refund),
        ("200000", true)
    );
}

#[test]
fn every_xs_decimal_form_is_read() {
    // The return's CHF 500.00, in entry and transaction, written in other
    // xs:decimal forms: refused on a2f0fc4 ("not a decimal amount").
    let d = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(dir().join("moov-camt054.001.04-return.xml")).unwrap();
    for form in ["500.", "+500.00", "0500.00", " 500\n", "500.00000"] {
        let text = xml.replace(">500.00<", &format!(">{form}<"));
        let p = parse(&write(d.path(), "f.xml", &text)).unwrap_or_else(|e| panic!("{form:?}: {e}"));
        assert_eq!(totals(&p), expected(&xml).0, "{form:?}");
    }
    // ".6" as well, in entry and transaction alike.
    let text = xml.replace(">500.00<", ">.6<");
    let p = parse(&write(d.path(), "f.xml", &text)).unwrap_or_else(|e| panic!(".6: {e}"));
    assert_eq!(p[0].amount.to_string(), "0.6");
    for form in [
        "5e2",
        "500,00",
        "1,500.00",
        "-500.00",
        "500.0.0",
        ".",
        "500.000001",
    ] {
        let text = xml.replace(">500.00<", &format!(">{form}<"));
        let err = parse(&write(d.path(), "f.xml", &text))
            .unwrap_err()
            .to_string();
        assert!(err.contains("Ntry/Amt: "), "{form:?}: {err}");
    }
}

#[test]
fn a_transaction_in_another_currency_books_the_account_amount() {
    // The return's transaction written as a EUR 520.00 instruction with
    // its CHF 500.00 counter value: the CHF is what the account booked.
    // a2f0fc4 reported EUR 520.00.
    let d = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(dir().join("moov-camt054.001.04-return.xml")).unwrap();
    let text = xml.replacen(
        "<Amt Ccy=\"CHF\">500.00</Amt>\n\t\t\t\t\t\t<CdtDbtInd>CRDT</CdtDbtInd>",
        "<Amt Ccy=\"EUR\">520.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
         <AmtDtls><InstdAmt><Amt Ccy=\"EUR\">520.00</Amt></InstdAmt>\
         <CntrValAmt><Amt Ccy=\"CHF\">500.00</Amt></CntrValAmt></AmtDtls>",
        1,
    );
    assert_ne!(text, xml);
    let p = parse(&write(d.path(), "fx.xml", &text)).unwrap();
    assert_eq!(totals(&p), expected(&xml).0);
    // With no amount in the account currency the entry's is booked, and
    // one in it that disagrees is refused.
    let text = text.replace("<CntrValAmt><Amt Ccy=\"CHF\">500.00</Amt></CntrValAmt>", "");
    let p = parse(&write(d.path(), "fx.xml", &text)).unwrap();
    assert_eq!(totals(&p), expected(&xml).0);
    let text = text.replace(
        "Ccy=\"EUR\">520.00</Amt><CdtDbtInd>",
        "Ccy=\"CHF\">520.00</Amt><CdtDbtInd>",
    );
    let err = parse(&write(d.path(), "fx.xml", &text))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("TxDtls/Amt: 520.00 CHF but its entry books 500.00 CHF"),
        "{err}"
    );
}

#[test]
fn refused_when_a_transaction_contradicts_its_entry() {
    // A DBIT entry of 77.70 whose only transaction says CRDT: accepted
    // silently on a2f0fc4.
    let f = dir().join(CONTRADICTS);
    let err = parse(&f).unwrap_err().to_string();
    assert!(
        err.ends_with(":132: TxDtls/CdtDbtInd: CRDT but its entry is DBIT"),
        "{err}"
    );
    // An amount that differs from the entry's, in the account currency.
    let d = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(&f).unwrap().replacen(
        "<Amt Ccy=\"CHF\">4.50</Amt>\n\t\t\t\t\t\t<CdtDbtInd>",
        "<Amt Ccy=\"CHF\">4.60</Amt>\n\t\t\t\t\t\t<CdtDbtInd>",
        1,
    );
    let err = parse(&write(d.path(), "a.xml", &xml))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("TxDtls/Amt: 4.60 CHF but its entry books 4.50 CHF"),
        "{err}"
    );
}

#[test]
fn a_shared_bank_reference_drops_no_money() {
    // The PostFinance statement with its one contradiction mended: two
    // entries (1537.00 and 1692.22) share AcctSvcrRef 07582000303KBMSU.
    // On a2f0fc4 both rows carried it as their transaction id and
    // reconciliation counted the second as a repeat of the first.
    let d = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(dir().join(CONTRADICTS))
        .unwrap()
        .replacen(
            "<Amt Ccy=\"CHF\">77.70</Amt>\n\t\t\t\t\t\t<CdtDbtInd>CRDT</CdtDbtInd>",
            "<Amt Ccy=\"CHF\">77.70</Amt>\n\t\t\t\t\t\t<CdtDbtInd>DBIT</CdtDbtInd>",
            1,
        );
    let (want, controls) = expected(&xml);
    // Its balances add up (the bank closes the day by value date).
    assert_eq!(controls, [("balances", true)]);
    let p = parse(&write(d.path(), "pf.xml", &xml)).unwrap();
    let ids: Vec<_> = p.iter().filter_map(|p| p.txn_id.clone()).collect();
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    assert_eq!(totals(&p), want);
    assert_eq!(
        want,
        BTreeMap::from([("CHF".to_string(), (4_733_720_000, 77_700_000))])
    );
}

#[test]
fn the_booked_amount_in_the_account_currency_is_reconciled() {
    // Entry 5 of the Finnish sample: EUR 1000.00 paid out as USD 750.00 and
    // JPY 79255 instructed, each booked as TxAmt EUR 500.00.
    let p = parse(&dir().join("moov-camt054.001.02-fi-amtdtls.xml")).unwrap();
    let out: Vec<String> = p
        .iter()
        .filter(|p| p.refund)
        .map(|p| format!("{} {}", p.amount, p.currency.unwrap().code))
        .collect();
    assert!(
        out.ends_with(&["500.00 EUR".to_string(), "500.00 EUR".to_string()]),
        "{out:?}"
    );
}

#[test]
fn a_reversal_is_booked_in_the_direction_it_says() {
    // CRDT with RvslInd true (a returned payment coming back): money in.
    // a2f0fc4 turned it into a debit.
    let p = parse(&dir().join("moov-camt054.001.04-return.xml")).unwrap();
    assert_eq!(p.len(), 1);
    assert!(!p[0].refund);
}

/// A minimal message of each kind and version, written for this test (no
/// public file of every version exists): elements are read by name, so
/// every namespace version must read the same.
#[test]
fn every_namespace_version_reads_the_same() {
    let d = tempfile::tempdir().unwrap();
    for (kind, message, report) in [
        ("052", "BkToCstmrAcctRpt", "Rpt"),
        ("053", "BkToCstmrStmt", "Stmt"),
        ("054", "BkToCstmrDbtCdtNtfctn", "Ntfctn"),
    ] {
        for v in 2..=13 {
            let ns = format!("urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.{v:02}");
            let xml = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{ns}"><{message}><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-23T10:00:00</CreDtTm></GrpHdr>
<{report}><Id>R</Id><Acct><Id><IBAN>CH9300762011623852957</IBAN></Id></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-23</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">150.6</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-23</Dt></Dt></Bal>
<TxsSummry><TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>60.6</Sum></TtlCdtNtries><TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>10</Sum></TtlDbtNtries></TxsSummry>
<Ntry><Amt Ccy="CHF">60.6</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef>
<NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>
<TxDtls><Refs><AcctSvcrRef>B1</AcctSvcrRef></Refs><Amt Ccy="CHF">.6</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>
<TxDtls><Refs><AcctSvcrRef>B1</AcctSvcrRef></Refs><Amt Ccy="CHF">60.</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="CHF">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt><AcctSvcrRef>B2</AcctSvcrRef></Ntry>
</{report}></{message}></Document>
"#
            );
            let f = write(d.path(), &format!("camt.{kind}.{v:02}.xml"), &xml);
            let (want, controls) = expected(&xml);
            assert_eq!(controls.len(), 3, "{ns}");
            assert!(controls.iter().all(|c| c.1), "{ns}");
            let p = parse(&f).unwrap_or_else(|e| panic!("{ns}: {e}"));
            assert_eq!(p.len(), 3, "{ns}");
            assert_eq!(totals(&p), want, "{ns}");
        }
    }
}
