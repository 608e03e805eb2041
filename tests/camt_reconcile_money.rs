//! Reconciliation keeps every booked camt transaction: two transactions
//! that share a bank reference (`AcctSvcrRef`, which names an entry or a
//! batch, not a transaction) are two payments, not one listed twice.

mod common;
use common::*;

use std::collections::BTreeMap;

const NEXT_MORNING: &str = "2026-11-24T09:00:00+08:00";

// The code ids below are fines that issue_fixture_fines (tests/common)
// issues: 675be34eff20121e (200.00 CNY) and ae2a878b07694fcc (100.00 CNY).

fn entry(amount: &str, code: &str) -> String {
    format!(
        "<Ntry><Amt Ccy=\"CNY\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
         <Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>2026-11-23T10:30:00+08:00</DtTm></BookgDt>\
         <AcctSvcrRef>SAMMEL-20261123</AcctSvcrRef><NtryDtls><TxDtls>\
         <Refs><AcctSvcrRef>SAMMEL-20261123</AcctSvcrRef></Refs>\
         <Amt Ccy=\"CNY\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
         <RmtInf><Strd><CdtrRefInf><Ref>{code}</Ref></CdtrRefInf></Strd></RmtInf>\
         </TxDtls></NtryDtls></Ntry>\n"
    )
}

#[test]
fn two_payments_sharing_a_bank_reference_are_both_counted() {
    let d = setup();
    issue_fixture_fines(d.path());
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.04\">\
         <BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-24T06:00:00+08:00</CreDtTm></GrpHdr>\n\
         <Stmt><Id>S</Id><Acct><Id><Othr><Id>6222020200112233445</Id></Othr></Id></Acct>\n\
         <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"CNY\">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-23</Dt></Dt></Bal>\n\
         <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"CNY\">1300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-23</Dt></Dt></Bal>\n\
         {}{}</Stmt></BkToCstmrStmt></Document>\n",
        entry("200.00", "675be34eff20121e"),
        entry("100.00", "ae2a878b07694fcc"),
    );
    std::fs::write(d.path().join("stmt.xml"), xml).unwrap();
    let r = payqr(
        d.path(),
        &[
            "reconcile",
            "--ledger",
            "ledger.jsonl",
            "--settlement",
            "stmt.xml",
            "--at",
            NEXT_MORNING,
            "--tz",
            "+08:00",
            "--json",
        ],
    );
    let mut statuses = BTreeMap::new();
    for t in json(&r)["summary"]["totals"].as_array().unwrap() {
        let s = t["status"].as_str().unwrap();
        if !s.starts_with("unpaid") {
            statuses.insert(s.to_string(), t["count"].as_u64().unwrap());
        }
    }
    // a2f0fc4: {"matched": 1, "repeated": 1}, the 100.00 gone.
    assert_eq!(statuses, BTreeMap::from([("matched".to_string(), 2)]));
}
