//! A generic CSV/TSV settlement export: one payment per row, columns named
//! by a [`ColumnMap`], UTF-8.

use std::path::Path;

use chrono::FixedOffset;

use crate::input::encoding::TextEncoding;

use super::{
    Amount, CodeRef, Currencies, Errors, MAX_ROW_ERRORS, Payment, RowError, SettlementError, Table,
    cell, decode, parse_paid_at,
};

const KEYS: &str = "code_id, amount, currency, paid_at, txn_id, fee";

/// Which settlement column holds which field.
///
/// `code_id` and `amount` are required. An optional field set to `None`
/// means "the column of the same name, if the header has one"; set to a
/// column name, that column must exist. [`ColumnMap::default`] maps every
/// field to the column of its own name.
///
/// `fee` is a fee the provider deducted before paying out: the amount
/// column is then net of it, and the fee is added back before the amount
/// is compared with the code's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    pub code_id: String,
    pub amount: String,
    pub currency: Option<String>,
    pub paid_at: Option<String>,
    pub txn_id: Option<String>,
    pub fee: Option<String>,
}

impl Default for ColumnMap {
    fn default() -> ColumnMap {
        ColumnMap {
            code_id: "code_id".into(),
            amount: "amount".into(),
            currency: None,
            paid_at: None,
            txn_id: None,
            fee: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnMapError {
    #[error("column map: {0:?} is not KEY=COLUMN")]
    NotPair(String),
    #[error("column map: unknown key {0:?} (keys: {KEYS})")]
    UnknownKey(String),
    #[error("column map: key {0} is given twice")]
    Repeated(String),
    #[error("column map: key {0} has an empty column name")]
    EmptyColumn(String),
}

impl ColumnMap {
    /// Parses "code_id=Reference,amount=Paid,txn_id=Id". Keys not given
    /// keep their defaults.
    pub fn parse(spec: &str) -> Result<ColumnMap, ColumnMapError> {
        let mut map = ColumnMap::default();
        let mut given: Vec<&str> = Vec::new();
        for pair in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let (key, column) = pair
                .split_once('=')
                .ok_or_else(|| ColumnMapError::NotPair(pair.trim().to_string()))?;
            let (key, column) = (key.trim(), column.trim());
            if column.is_empty() {
                return Err(ColumnMapError::EmptyColumn(key.to_string()));
            }
            if given.contains(&key) {
                return Err(ColumnMapError::Repeated(key.to_string()));
            }
            let column = column.to_string();
            match key {
                "code_id" => map.code_id = column,
                "amount" => map.amount = column,
                "currency" => map.currency = Some(column),
                "paid_at" => map.paid_at = Some(column),
                "txn_id" => map.txn_id = Some(column),
                "fee" => map.fee = Some(column),
                _ => return Err(ColumnMapError::UnknownKey(key.to_string())),
            }
            given.push(key);
        }
        Ok(map)
    }
}

/// Column indexes of the mapped fields in one file.
struct Columns {
    code_id: usize,
    amount: usize,
    currency: Option<usize>,
    paid_at: Option<usize>,
    txn_id: Option<usize>,
    fee: Option<usize>,
}

/// Reads a generic file. Naive times are read in `tz`; RFC 3339 times keep
/// their own offset.
pub fn parse(
    path: &Path,
    bytes: &[u8],
    map: &ColumnMap,
    tz: FixedOffset,
    encoding: Option<TextEncoding>,
) -> Result<Vec<Payment>, SettlementError> {
    parse_in_pieces(path, bytes, map, tz, encoding, PIECE)
}

fn parse_in_pieces(
    path: &Path,
    bytes: &[u8],
    map: &ColumnMap,
    tz: FixedOffset,
    encoding: Option<TextEncoding>,
    piece: usize,
) -> Result<Vec<Payment>, SettlementError> {
    use rayon::prelude::*;
    // UTF-8 (the default) is borrowed, not copied: the million-row path.
    let text = decode(path, bytes, encoding.unwrap_or_default())?;
    let text: &str = &text;
    let delimiter = delimiter(path, text);
    let mut table = Table::new(path, text, delimiter, 1)?;
    let header_err = |line: u64, problem: String| SettlementError::Header {
        path: path.to_path_buf(),
        line,
        problem,
    };
    let (header_line, header): (u64, Vec<String>) = match table.next()? {
        None => return Err(header_err(1, "the file is empty".into())),
        Some((line, r)) => (line, (0..r.len()).map(|i| cell(r, i).to_string()).collect()),
    };
    let cols = resolve(&header, map).map_err(|p| header_err(header_line, p))?;
    let names = FieldNames::new(map);
    let rows = |table: Table| rows(table, header.len(), &cols, &names, tz);

    // A big file with no quotes has one record per line: it is cut into
    // pieces at line ends and the pieces are read in parallel, each from
    // its own line 1, then renumbered. Anything else is read in one go.
    let bytes = text.as_bytes();
    let body = match memchr::memchr(b'\n', bytes) {
        Some(nl)
            if header_line == 1
                && bytes.len() > piece
                && !bytes[..nl]
                    .strip_suffix(b"\r")
                    .unwrap_or(&bytes[..nl])
                    .contains(&b'\r')
                && memchr::memchr(b'"', bytes).is_none() =>
        {
            &text[nl + 1..]
        }
        _ => return rows(table).finish(),
    };
    let mut pieces = Vec::new();
    let mut rest = body;
    while rest.len() > piece {
        let Some(nl) = memchr::memchr(b'\n', &rest.as_bytes()[piece..]) else {
            break;
        };
        let (first, tail) = rest.split_at(piece + nl + 1);
        pieces.push(first);
        rest = tail;
    }
    pieces.push(rest);
    // Renumbered from line 2 and joined in file order, stopping where a
    // read of the whole file would have stopped. A few pieces per thread
    // at a time: the rows of every piece at once would double the memory.
    let mut all = Rows::default();
    let mut before = 1;
    for wave in pieces.chunks(4 * rayon::current_num_threads().max(1)) {
        let read: Vec<(Rows, u64)> = wave
            .par_iter()
            .map(|piece| {
                let lines = super::count_lines(piece.as_bytes());
                let rows = match Table::new(path, piece, delimiter, 1) {
                    Ok(t) => rows(t),
                    Err(e) => Rows::failed(e),
                };
                (rows, lines)
            })
            .collect();
        for (mut piece, lines) in read {
            piece.shift(before);
            before += lines;
            if all.join(piece) {
                return all.finish();
            }
        }
    }
    all.finish()
}

/// Bytes of a settlement file read as one piece.
const PIECE: usize = 1 << 20;

/// The rows of (part of) a file: payments, row errors, and a problem
/// that stopped the reading after those errors.
#[derive(Default)]
struct Rows {
    payments: Vec<Payment>,
    errors: Vec<RowError>,
    fatal: Option<SettlementError>,
}

impl Rows {
    fn failed(e: SettlementError) -> Rows {
        Rows {
            fatal: Some(e),
            ..Rows::default()
        }
    }

    /// Adds `by` to every line number.
    fn shift(&mut self, by: u64) {
        for p in &mut self.payments {
            p.line += by;
        }
        for e in &mut self.errors {
            e.line += by;
        }
        if let Some(SettlementError::File { line, .. }) = &mut self.fatal {
            *line += by;
        }
    }

    /// Appends the rows of the next piece; whether reading stops here
    /// (enough errors, or a fatal one).
    fn join(&mut self, next: Rows) -> bool {
        self.payments.extend(next.payments);
        for e in next.errors {
            if self.errors.len() >= MAX_ROW_ERRORS {
                return true;
            }
            self.errors.push(e);
        }
        if self.errors.len() >= MAX_ROW_ERRORS {
            return true;
        }
        self.fatal = next.fatal;
        self.fatal.is_some()
    }

    fn finish(self) -> Result<Vec<Payment>, SettlementError> {
        if let Some(e) = self.fatal {
            return Err(e);
        }
        if self.errors.is_empty() {
            Ok(self.payments)
        } else {
            Err(SettlementError::Rows(self.errors))
        }
    }
}

/// Reads the records of `table` (after the header).
fn rows(
    mut table: Table,
    fields: usize,
    cols: &Columns,
    names: &FieldNames,
    tz: FixedOffset,
) -> Rows {
    let mut payments = Vec::new();
    let mut errors = Errors::new(table.path);
    let mut currencies = Currencies::default();
    loop {
        let (line, record) = match table.next() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                return Rows {
                    payments,
                    errors: errors.rows,
                    fatal: Some(e),
                };
            }
        };
        if record.len() != fields {
            let problem = format!("{} fields, but the header has {}", record.len(), fields);
            errors.push(line, None, problem);
        } else if let Some(p) = payment(record, line, cols, names, tz, &mut currencies, &mut errors)
        {
            payments.push(p);
        }
        if errors.full() {
            break;
        }
    }
    Rows {
        payments,
        errors: errors.rows,
        fatal: None,
    }
}

/// Tab when the file is named .tsv or its header has tabs and no commas
/// (a comma-free tab-separated header is unambiguous); comma otherwise.
fn delimiter(path: &Path, text: &str) -> u8 {
    let tsv_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let header = text.lines().next().unwrap_or_default();
    if tsv_name || (header.contains('\t') && !header.contains(',')) {
        b'\t'
    } else {
        b','
    }
}

/// Finds the mapped columns in the header (cells compared trimmed).
fn resolve(header: &[String], map: &ColumnMap) -> Result<Columns, String> {
    let find = |name: &str| -> Result<Option<usize>, String> {
        let mut hits = header.iter().enumerate().filter(|(_, h)| *h == name);
        match (hits.next(), hits.next()) {
            (Some(_), Some(_)) => Err(format!("column {name:?} appears more than once")),
            (hit, _) => Ok(hit.map(|(i, _)| i)),
        }
    };
    let missing = |field: &str, name: &str| {
        let names: Vec<String> = header.iter().map(|h| format!("{h:?}")).collect();
        format!(
            "no column {name:?} for {field}; the header has {}",
            names.join(", ")
        )
    };
    let required = |field: &str, name: &str| find(name)?.ok_or_else(|| missing(field, name));
    let optional = |field: &str, name: &Option<String>| match name {
        Some(name) => required(field, name).map(Some),
        None => find(field),
    };
    Ok(Columns {
        code_id: required("code_id", &map.code_id)?,
        amount: required("amount", &map.amount)?,
        currency: optional("currency", &map.currency)?,
        paid_at: optional("paid_at", &map.paid_at)?,
        txn_id: optional("txn_id", &map.txn_id)?,
        fee: map.fee.as_deref().map(|f| required("fee", f)).transpose()?,
    })
}

/// How fields are named in errors: with the column too when the user
/// mapped the field to another name. Built once, not per row.
struct FieldNames {
    amount: String,
    currency: String,
    paid_at: String,
    fee: String,
}

impl FieldNames {
    fn new(map: &ColumnMap) -> FieldNames {
        let field = |key: &str, column: Option<&str>| match column {
            Some(c) if c != key => format!("{key} (column {c:?})"),
            _ => key.to_string(),
        };
        FieldNames {
            amount: field("amount", Some(&map.amount)),
            currency: field("currency", map.currency.as_deref()),
            paid_at: field("paid_at", map.paid_at.as_deref()),
            fee: field("fee", map.fee.as_deref()),
        }
    }
}

/// Checks one row; its problems go to `errors`.
fn payment(
    record: &csv::ByteRecord,
    line: u64,
    cols: &Columns,
    names: &FieldNames,
    tz: FixedOffset,
    currencies: &mut Currencies,
    errors: &mut Errors,
) -> Option<Payment> {
    let optional = |i: Option<usize>| i.map(|i| cell(record, i)).filter(|s| !s.is_empty());
    let mut ok = true;
    let mut fail = |field: &str, problem: String| {
        errors.push(line, Some(field), problem);
        ok = false;
    };
    let amount = Amount::parse(cell(record, cols.amount))
        .map_err(|e| fail(&names.amount, e.to_string()))
        .ok();
    let fee = optional(cols.fee).and_then(|f| {
        Amount::parse(f)
            .map_err(|e| fail(&names.fee, e.to_string()))
            .ok()
    });
    let currency = optional(cols.currency).and_then(|c| {
        currencies
            .parse(c)
            .map_err(|e| fail(&names.currency, e))
            .ok()
    });
    let paid_at = optional(cols.paid_at).and_then(|t| {
        parse_paid_at(t, tz)
            .map_err(|e| fail(&names.paid_at, e))
            .ok()
    });
    // The amount column is net of the fee: the payer paid both.
    let gross = match (amount, fee) {
        (Some(a), Some(f)) => a.checked_add(f).or_else(|| {
            fail(&names.amount, "amount plus fee is too large".into());
            None
        }),
        (a, _) => a,
    };
    let amount = gross.filter(|_| ok)?;
    Some(Payment {
        line,
        code: CodeRef::from_text(cell(record, cols.code_id)),
        amount,
        fee,
        currency,
        paid_at,
        txn_id: optional(cols.txn_id).map(Into::into),
        refund: false,
    })
}

#[cfg(test)]
mod tests {
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
    fn parse_as(
        name: &str,
        bytes: &[u8],
        map: &ColumnMap,
    ) -> Result<Vec<Payment>, SettlementError> {
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
             {},\"1,234.5\",cny,,T3,",
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
    }

    #[test]
    fn tsv_by_header_or_name_and_bom() {
        let tsv = format!("\u{FEFF}code_id\tamount\n{ID}\t200.00\n");
        let ps = parse(tsv.as_bytes()).unwrap();
        assert_eq!(ps[0].code.id(), Some(CodeId([1; 8])));
        assert_eq!(minor(&ps[0]), 20000);
        // A .tsv name wins even when the header has a comma in it.
        let tsv = format!("code_id\tamount\tmemo, free text\n{ID}\t1,000.00\tx, y\n");
        let ps = parse_as("s.tsv", tsv.as_bytes(), &ColumnMap::default()).unwrap();
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
}
