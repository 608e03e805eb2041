use super::super::{Options, Settlement, parse_settlement};
use super::*;
use crate::code::CodeId;
use crate::code::currency::Currency;
use crate::code::time;
use std::fs;

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap()
}

/// Writes `bytes` to `name` in a fresh directory and parses it.
fn parse_as(name: &str, bytes: &[u8], map: &ColumnMap) -> Result<Vec<Payment>, SettlementError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    let opts = Options {
        format: None,
        map: map.clone(),
        tz: FixedOffset::east_opt(8 * 3600),
        encoding: None,
    };
    parse_settlement(&path, &opts).map(|s: Settlement| s.payments)
}

fn parse(bytes: &[u8]) -> Result<Vec<Payment>, SettlementError> {
    parse_as("s.csv", bytes, &ColumnMap::default())
}

fn row_errors(bytes: &[u8]) -> Vec<String> {
    match parse(bytes) {
        Err(SettlementError::Rows(es)) => es.iter().map(ToString::to_string).collect(),
        other => panic!("expected row errors, got {other:?}"),
    }
}

fn minor(p: &Payment) -> u64 {
    p.amount.minor(2).unwrap()
}

const ID: &str = "0101010101010101";

#[test]
fn pieces_read_like_the_whole() {
    let path = Path::new("s.csv");
    let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    let map = ColumnMap::default();
    for end in ["\n", "\r\n"] {
        let mut text = format!("code_id,amount,currency,paid_at,txn_id{end}");
        for i in 0..3000 {
            let row = match i % 500 {
                17 => format!("{ID},x,CNY,2026-11-23 08:00:00,T{i}"),
                18 => format!("{ID},1{end}"),
                19 => end.to_string(),
                20 => format!("{ID},1,CNY,bad,T{i}{end}{end}"),
                _ => format!("{i:016x},{i}.50,CNY,2026-11-23 08:00:00,T{i}"),
            };
            text.push_str(&row);
            text.push_str(end);
        }
        for errors in [0, 2, 60] {
            // Clean, a few bad rows, or more than are reported.
            let text: String = text
                .split_inclusive(end)
                .enumerate()
                .filter(|(n, l)| {
                    !(l.contains(",x,")
                        || l.contains(",bad,")
                        || l.starts_with(&format!("{ID},1{end}")))
                        || n / 500 < errors
                })
                .map(|(_, l)| l)
                .collect();
            let whole = parse_in_pieces(path, text.as_bytes(), &map, tz, None, usize::MAX);
            for piece in [1, 100, 4096] {
                let pieces = parse_in_pieces(path, text.as_bytes(), &map, tz, None, piece);
                match (&whole, &pieces) {
                    (Ok(a), Ok(b)) => assert!(a == b, "{end:?} {errors} {piece}"),
                    (Err(a), Err(b)) => {
                        assert_eq!(a.to_string(), b.to_string(), "{end:?} {errors} {piece}")
                    }
                    _ => panic!("{end:?} {errors} {piece}: {whole:?} {pieces:?}"),
                }
            }
            if errors == 0 {
                assert!(whole.as_ref().unwrap().len() > 2900);
            } else {
                assert!(whole.is_err());
            }
        }
    }
}

#[test]
fn parses_rows_with_optional_columns() {
    let text = format!(
        "code_id,amount,currency,paid_at,txn_id,memo\n\
         {ID},200.00,CNY,2026-11-23 16:00,T1,x\n\
         not-an-id,1500,,2026-11-23T08:00:00Z,,\n\
         {},1234.5,cny,,T3,",
        ID.to_uppercase()
    );
    let ps = parse(text.as_bytes()).unwrap();
    assert_eq!(ps.len(), 3);
    let cny = Currency::from_code("CNY").unwrap();
    assert_eq!(ps[0].line, 2);
    assert_eq!(ps[0].code.id(), Some(CodeId([1; 8])));
    assert_eq!(minor(&ps[0]), 20000);
    assert_eq!(ps[0].currency, Some(cny));
    // Naive times are read in the given zone (+08:00 here).
    assert_eq!(
        ps[0].paid_at,
        time::parse_time("2026-11-23T08:00:00Z", 0, utc()).ok()
    );
    assert_eq!(ps[0].txn_id.as_deref(), Some("T1"));
    assert_eq!(ps[1].code, CodeRef::Text("not-an-id".into()));
    assert_eq!((ps[1].currency, ps[1].txn_id.as_deref()), (None, None));
    assert_eq!(ps[1].paid_at, ps[0].paid_at);
    // No final newline is fine; ids are case-insensitive.
    assert_eq!(ps[2].code.id(), Some(CodeId([1; 8])));
    assert_eq!(minor(&ps[2]), 123450);
    assert_eq!(ps[2].paid_at, None);
}

#[test]
fn optional_columns_absent_and_custom_map() {
    let ps = parse(format!("code_id,amount\n{ID},5\n").as_bytes()).unwrap();
    assert_eq!(
        (ps[0].currency, ps[0].paid_at, &ps[0].txn_id, ps[0].fee),
        (None, None, &None, None)
    );

    let map = ColumnMap::parse("code_id=Ref, amount=Paid,txn_id=Id").unwrap();
    let ps = parse_as("s.csv", format!("Ref,Paid,Id\n{ID},5,X\n").as_bytes(), &map).unwrap();
    assert_eq!(ps[0].txn_id.as_deref(), Some("X"));

    // A column named in the map must exist; the error lists the header.
    let map = ColumnMap::parse("amount=Paid,currency=Cur").unwrap();
    let err = parse_as("s.csv", b"code_id,Paid\n", &map)
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with(
            r#"s.csv:1: header: no column "Cur" for currency; the header has "code_id", "Paid""#
        ),
        "{err}"
    );
}

#[test]
fn fee_is_added_back_to_the_net_amount() {
    let map = ColumnMap::parse("amount=net,fee=Fee").unwrap();
    let text = format!("code_id,net,Fee\n{ID},199.40,0.6\n{ID},200.00,\n{ID},1,x\n");
    let err = parse_as("s.csv", text.as_bytes(), &map)
        .unwrap_err()
        .to_string();
    assert!(err.ends_with(r#"s.csv:4: fee (column "Fee"): "x" is not a decimal amount (digits with an optional '.' fraction)"#), "{err}");
    let ps = parse_as("s.csv", text.replace(",x", ",0").as_bytes(), &map).unwrap();
    assert_eq!(minor(&ps[0]), 20000);
    assert_eq!(ps[0].fee, Some(Amount { units: 6, scale: 1 }));
    assert_eq!((minor(&ps[1]), ps[1].fee), (20000, None));
}

#[test]
fn column_map_syntax() {
    assert_eq!(ColumnMap::parse("").unwrap(), ColumnMap::default());
    assert_eq!(
        ColumnMap::parse("paid_at=When").unwrap().paid_at.as_deref(),
        Some("When")
    );
    assert_eq!(
        ColumnMap::parse("amout=x"),
        Err(ColumnMapError::UnknownKey("amout".into()))
    );
    assert_eq!(
        ColumnMap::parse("amount"),
        Err(ColumnMapError::NotPair("amount".into()))
    );
    assert_eq!(
        ColumnMap::parse("amount=a,amount=b"),
        Err(ColumnMapError::Repeated("amount".into()))
    );
    assert_eq!(
        ColumnMap::parse("txn_id="),
        Err(ColumnMapError::EmptyColumn("txn_id".into()))
    );
    assert_eq!(
        ColumnMap::parse("grouping=space"),
        Err(ColumnMapError::Grouping("space".into()))
    );
}

#[test]
fn tsv_by_header_or_name_and_bom() {
    let tsv = format!("\u{FEFF}code_id\tamount\n{ID}\t200.00\n");
    let ps = parse(tsv.as_bytes()).unwrap();
    assert_eq!(ps[0].code.id(), Some(CodeId([1; 8])));
    assert_eq!(minor(&ps[0]), 20000);
    // A .tsv name wins even when the header has a comma in it (and the
    // amounts, grouped as the map declares).
    let tsv = format!("code_id\tamount\tmemo, free text\n{ID}\t1,000.00\tx, y\n");
    let map = ColumnMap::parse("grouping=comma").unwrap();
    let ps = parse_as("s.tsv", tsv.as_bytes(), &map).unwrap();
    assert_eq!(minor(&ps[0]), 100000);
}

#[test]
fn row_errors_are_collected_with_lines() {
    let text = format!(
        "code_id,amount,currency,paid_at\n\
         {ID},200.00,CNY,\n\
         {ID},2OO.00,CNY,\n\
         {ID},1,RMB,yesterday\n\
         {ID},1\n\
         {ID},-1,,\n"
    );
    let errs = row_errors(text.as_bytes());
    assert_eq!(errs.len(), 5, "{errs:#?}");
    assert!(errs[0].ends_with(r#"s.csv:3: amount: "2OO.00" is not a decimal amount (digits with an optional '.' fraction)"#), "{}", errs[0]);
    assert!(errs[1].contains(":4: currency: \"RMB\""), "{}", errs[1]);
    assert!(
        errs[2].contains(":4: paid_at: \"yesterday\""),
        "{}",
        errs[2]
    );
    assert!(
        errs[3].ends_with(":5: 2 fields, but the header has 4"),
        "{}",
        errs[3]
    );
    assert!(errs[4].contains(":6: amount: negative"), "{}", errs[4]);
    // Too many fraction digits is left to reconciliation.
    assert!(parse(format!("code_id,amount\n{ID},1.23456\n").as_bytes()).is_ok());
}

#[test]
fn line_numbers_with_any_line_ending() {
    for end in ["\n", "\r\n", "\r"] {
        let text = [
            "code_id,amount,txn_id",
            &format!("{ID},1,\"a{end}b\""),
            "",
            &format!("{ID},2,"),
            &format!("{ID},x,"),
        ]
        .join(end);
        let ps = parse_as(
            "s.csv",
            text.replace(",x,", ",3,").as_bytes(),
            &ColumnMap::default(),
        )
        .unwrap();
        let lines: Vec<u64> = ps.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 5, 6], "{end:?}");
        assert_eq!(ps[0].txn_id.as_deref(), Some(&*format!("a{end}b")));
        let errs = row_errors(text.as_bytes());
        assert!(errs[0].contains(":6: amount:"), "{end:?}: {}", errs[0]);
    }
}

#[test]
fn stops_after_max_errors() {
    let mut text = String::from("code_id,amount\n");
    for _ in 0..30 {
        text.push_str("x,bad\n");
    }
    let err = parse(text.as_bytes()).unwrap_err();
    let SettlementError::Rows(es) = &err else {
        panic!("{err}")
    };
    assert_eq!(es.len(), super::super::MAX_ROW_ERRORS);
    assert_eq!(es[19].line, 21);
    assert!(err.to_string().ends_with("stopped after 20 errors"));
}

#[test]
fn unterminated_quote_is_an_error() {
    let text = format!("code_id,amount,txn_id\n{ID},1,\"ok\"\"x\"\n{ID},2,\"T2\n{ID},3,T3\n");
    let err = parse(text.as_bytes()).unwrap_err().to_string();
    assert!(
        err.ends_with("s.csv:3: unterminated quoted field (is the file truncated?)"),
        "{err}"
    );
    // Quoted fields spanning lines are fine, and later lines keep their numbers.
    let text = format!("code_id,amount,txn_id\n{ID},1,\"a\nb\"\n{ID},oops,\n");
    let errs = row_errors(text.as_bytes());
    assert!(errs[0].contains(":4: amount:"), "{}", errs[0]);
}

#[test]
fn invalid_utf8_names_the_line() {
    let mut bytes = format!("code_id,amount,memo\n{ID},1,ok\n{ID},1,").into_bytes();
    bytes.extend_from_slice(b"\xB7\xA3\xBF\xEE\n");
    let err = parse(&bytes).unwrap_err().to_string();
    assert!(
        err.ends_with("s.csv:3: not valid UTF-8 (byte 0xB7); if the file was saved as GBK, pass --encoding gbk"),
        "{err}"
    );
}

#[test]
fn header_problems() {
    let err = parse(b"").unwrap_err().to_string();
    assert!(err.ends_with("s.csv:1: header: the file is empty"), "{err}");
    let err = parse(b"code_id,amount,amount\n").unwrap_err().to_string();
    assert!(err.contains("\"amount\" appears more than once"), "{err}");
    let err = parse(b"code_id,\"amount\n").unwrap_err().to_string();
    assert!(
        err.ends_with("s.csv:1: unterminated quoted field (is the file truncated?)"),
        "{err}"
    );
}
