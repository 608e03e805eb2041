use super::*;

#[test]
fn xs_decimal_forms() {
    let ok = |t: &str| xs_decimal(t).map(|a| (a.units, a.scale));
    assert_eq!(ok(".6"), Ok((6, 1)));
    assert_eq!(ok("6."), Ok((6, 0)));
    assert_eq!(ok("+06.50"), Ok((650, 2)));
    assert_eq!(ok("0"), Ok((0, 0)));
    assert_eq!(ok("-0.00"), Ok((0, 2)));
    assert_eq!(ok(" \n12.34\t"), Ok((1234, 2)));
    assert_eq!(ok("1.00000000"), Ok((100000000, 8)));
    assert_eq!(ok("999999999999999999"), Ok((999999999999999999, 0)));
    for bad in [
        "", ".", "+", "1e3", "1E3", "1,000.00", "12,5", "1.2.3", "- 1", "0x10", "1 000",
    ] {
        let e = xs_decimal(bad).unwrap_err();
        assert!(matches!(e, XsDecimalError::Syntax(_)), "{bad:?}");
        assert!(e.to_string().contains("not an xs:decimal"), "{bad:?}");
    }
    let err = |t: &str| xs_decimal(t).unwrap_err().to_string();
    assert!(err("-1").contains("negative"));
    assert!(err("0.000001").contains("5 digits"));
    assert!(err("1000000000000000000").contains("18 digits"));
}

#[test]
fn exact_sums_show_two_decimals_at_least() {
    assert_eq!(show(0), "0.00");
    assert_eq!(show(-150_000), "-1.50");
    assert_eq!(show(123_456), "1.23456");
    let a = xs_decimal("1.000000").unwrap();
    assert_eq!(exact(a), Some(100_000));
    assert_eq!(inexact(80_000_000_000, 2).unwrap().to_string(), "800000.00");
}

#[test]
fn transaction_ids_name_one_transaction() {
    let ntry = |r: &str, txs: &str| {
        format!(
            "<Ntry><Amt Ccy=\"EUR\">2.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
             <AcctSvcrRef>{r}</AcctSvcrRef><NtryDtls>{txs}</NtryDtls></Ntry>"
        )
    };
    let tx = |refs: &str, amt: &str| {
        format!("<TxDtls><Refs>{refs}</Refs><Amt Ccy=\"EUR\">{amt}</Amt></TxDtls>")
    };
    let xml = format!(
        "<Document><BkToCstmrStmt><Stmt>{}{}{}{}{}</Stmt></BkToCstmrStmt></Document>",
        // a batch repeating its entry's reference: by position
        ntry(
            "B1",
            &(tx("<AcctSvcrRef>B1</AcctSvcrRef>", "1.50")
                + &tx("<AcctSvcrRef>B1</AcctSvcrRef>", ".5"))
        ),
        // one transaction: its own reference, else TxId, else UETR
        ntry(
            "E2",
            &tx("<AcctSvcrRef>T2</AcctSvcrRef><TxId>X</TxId>", "2")
        ),
        ntry("E3", &tx("<EndToEndId>P</EndToEndId><TxId>X3</TxId>", "2")),
        ntry("E4", &tx("<UETR>u-4</UETR>", "2")),
        // the same reference on two entries: no id at all
        ntry("S", &tx("<AcctSvcrRef>S</AcctSvcrRef>", "2")) + &ntry("S", ""),
    );
    let tz = FixedOffset::east_opt(0).unwrap();
    let p = parse(Path::new("t.xml"), xml.as_bytes(), Format::Camt053, tz).unwrap();
    let ids: Vec<Option<&str>> = p.iter().map(|p| p.txn_id.as_deref()).collect();
    assert_eq!(
        ids,
        [
            Some("B1/1"),
            Some("B1/2"),
            Some("T2"),
            Some("X3"),
            Some("u-4"),
            None,
            None
        ]
    );
}
