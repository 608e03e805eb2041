//! Settlement files: what a payment provider or bank says was paid.
//!
//! A settlement file is a CSV (or TSV) export with one payment per row.
//! Column names differ between providers, so a [`ColumnMap`] says which
//! column holds what. Parsing is strict where a mistake would move money
//! (amount syntax, currency codes, times, text encoding) and lenient where
//! it would not: a code id that is not valid is kept, and reconciliation
//! reports the row as unknown.
//!
//! Every row problem is collected (up to [`MAX_ROW_ERRORS`]) so a file can
//! be fixed in one pass instead of one error per run.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;
use csv::StringRecord;

use crate::code::CodeId;
use crate::currency::{self, AmountError, Currency};
use crate::time;

/// Row errors collected before parsing stops.
pub const MAX_ROW_ERRORS: usize = 20;

const KEYS: &str = "code_id, amount, currency, paid_at, txn_id";

/// Which settlement column holds which field.
///
/// `code_id` and `amount` are required. An optional field set to `None`
/// means "the column of the same name, if the header has one"; set to a
/// column name, that column must exist. [`ColumnMap::default`] maps every
/// field to the column of its own name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    pub code_id: String,
    pub amount: String,
    pub currency: Option<String>,
    pub paid_at: Option<String>,
    pub txn_id: Option<String>,
}

impl Default for ColumnMap {
    fn default() -> ColumnMap {
        ColumnMap {
            code_id: "code_id".into(),
            amount: "amount".into(),
            currency: None,
            paid_at: None,
            txn_id: None,
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
                _ => return Err(ColumnMapError::UnknownKey(key.to_string())),
            }
            given.push(key);
        }
        Ok(map)
    }
}

/// One settlement row, checked but not yet matched against the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Line of the file where the row starts (the header is line 1).
    pub line: u64,
    /// The code id cell as written (trimmed).
    pub code_id_text: String,
    /// `None` when the cell is not a code id; reconciliation calls the row unknown.
    pub code_id: Option<CodeId>,
    /// The amount in major units as written ("200.00"); its syntax is
    /// checked, its conversion waits for the currency (see [`Payment::amount_minor`]).
    pub amount_text: String,
    pub currency: Option<Currency>,
    /// Unix seconds, UTC.
    pub paid_at: Option<u64>,
    pub txn_id: Option<String>,
}

impl Payment {
    /// The amount in minor units of `currency`. The row's own currency
    /// column is optional, so the exponent may only be known from the code
    /// the row pays; that is why the text is kept until now.
    pub fn amount_minor(&self, currency: Currency) -> Result<u64, AmountError> {
        currency.parse_amount(&self.amount_text)
    }
}

/// A problem with one row: `FILE:LINE: field: problem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub path: PathBuf,
    pub line: u64,
    /// The field ("amount"), or `None` for a problem with the row as a whole.
    pub field: Option<String>,
    pub problem: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.path.display(), self.line)?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.problem)
    }
}

impl std::error::Error for RowError {}

#[derive(Debug, thiserror::Error)]
pub enum SettlementError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}:{line}: header: {problem}")]
    Header {
        path: PathBuf,
        line: u64,
        problem: String,
    },
    /// Every bad row found, one per line of the message, in file order.
    #[error("{}", rows_message(.0))]
    Rows(Vec<RowError>),
}

fn rows_message(errors: &[RowError]) -> String {
    let mut lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    if let (MAX_ROW_ERRORS, Some(first)) = (errors.len(), errors.first()) {
        lines.push(format!(
            "{}: stopped after {MAX_ROW_ERRORS} errors",
            first.path.display()
        ));
    }
    lines.join("\n")
}

/// Column indexes of the mapped fields in one file.
struct Columns {
    code_id: usize,
    amount: usize,
    currency: Option<usize>,
    paid_at: Option<usize>,
    txn_id: Option<usize>,
}

/// Reads and checks a settlement file. Naive times in `paid_at` are read
/// in `tz`; RFC 3339 times keep their own offset.
pub fn parse_settlement(
    path: &Path,
    map: &ColumnMap,
    tz: FixedOffset,
) -> Result<Vec<Payment>, SettlementError> {
    let bytes = fs::read(path).map_err(|source| SettlementError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let delimiter = delimiter(path, bytes);
    let header_err = |line: u64, problem: String| SettlementError::Header {
        path: path.to_path_buf(),
        line,
        problem,
    };

    // flexible: a row with the wrong number of fields is reported with the
    // others instead of stopping the reader.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let unterminated = unterminated_quote(bytes, delimiter);
    let mut records = reader.byte_records().peekable();
    let header = match records.next() {
        None => return Err(header_err(1, "the file is empty".into())),
        Some(Err(e)) => return Err(header_err(1, e.to_string())),
        Some(Ok(r)) => r,
    };
    let mut lines = Lines::new(bytes);
    let header_line = lines.of_record(header.position());
    if let (Some(line), None) = (unterminated, records.peek()) {
        return Err(header_err(line, "unterminated quoted field".into()));
    }
    let header = StringRecord::from_byte_record(header).map_err(|e| {
        header_err(
            header_line,
            format!("column {}: not valid UTF-8", e.utf8_error().field() + 1),
        )
    })?;
    let cols = resolve(&header, map).map_err(|p| header_err(header_line, p))?;

    let mut payments = Vec::new();
    let mut errors: Vec<RowError> = Vec::new();
    let row_err = |line: u64, field: Option<String>, problem: String| RowError {
        path: path.to_path_buf(),
        line,
        field,
        problem,
    };
    while let Some(record) = records.next() {
        // With an unterminated quote, the last record has swallowed the
        // rest of the file: its cells mean nothing, so only that is said.
        if unterminated.is_some() && records.peek().is_none() {
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = lines.of_record(e.position());
                errors.push(row_err(line, None, e.to_string()));
                continue;
            }
        };
        let line = lines.of_record(record.position());
        if record.len() != header.len() {
            errors.push(row_err(
                line,
                None,
                format!(
                    "{} fields, but the header has {}",
                    record.len(),
                    header.len()
                ),
            ));
        } else {
            match StringRecord::from_byte_record(record) {
                Ok(record) => match payment(&record, line, &cols, map, tz) {
                    Ok(p) => payments.push(p),
                    Err(es) => errors.extend(
                        es.into_iter()
                            .map(|(field, problem)| row_err(line, Some(field), problem)),
                    ),
                },
                Err(e) => {
                    let column = header
                        .get(e.utf8_error().field())
                        .unwrap_or_default()
                        .trim();
                    errors.push(row_err(
                        line,
                        Some(column.to_string()),
                        "not valid UTF-8 (save the file as UTF-8)".into(),
                    ));
                }
            }
        }
        if errors.len() >= MAX_ROW_ERRORS {
            break;
        }
    }
    if let Some(line) = unterminated
        && errors.len() < MAX_ROW_ERRORS
    {
        errors.push(row_err(line, None, "unterminated quoted field".into()));
    }
    if errors.is_empty() {
        Ok(payments)
    } else {
        errors.truncate(MAX_ROW_ERRORS);
        Err(SettlementError::Rows(errors))
    }
}

/// Line numbers of records, from their byte offsets. The csv crate's own
/// `Position::line` is one short after CRLF line endings (its offset points
/// at the LF of the previous terminator; BurntSushi/rust-csv#395) and
/// never advances on a bare CR, and these numbers end up in error messages
/// and transaction ids.
struct Lines<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Lines<'a> {
        Lines {
            bytes,
            counted_to: 0,
            line: 1,
        }
    }

    /// The line a record starts on; records must come in file order.
    fn of_record(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(p) = position else {
            return self.line;
        };
        // Skip what is left of the previous record's terminator: a record
        // never starts with CR or LF (blank lines are not records).
        let mut start = usize::try_from(p.byte()).unwrap_or(usize::MAX);
        while let Some(b'\r' | b'\n') = self.bytes.get(start) {
            start += 1;
        }
        let start = start.min(self.bytes.len());
        for i in self.counted_to..start {
            if ends_line(self.bytes, i) {
                self.line += 1;
            }
        }
        self.counted_to = self.counted_to.max(start);
        self.line
    }
}

/// Whether byte `i` ends a line: LF, or CR not followed by LF.
fn ends_line(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\n' => true,
        b'\r' => bytes.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// Tab when the file is named .tsv or its header has tabs and no commas
/// (a comma-free tab-separated header is unambiguous); comma otherwise.
fn delimiter(path: &Path, bytes: &[u8]) -> u8 {
    let tsv_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    if tsv_name || (header.contains(&b'\t') && !header.contains(&b',')) {
        b'\t'
    } else {
        b','
    }
}

/// Finds the mapped columns in the header (cells compared trimmed).
fn resolve(header: &StringRecord, map: &ColumnMap) -> Result<Columns, String> {
    let find = |name: &str| -> Result<Option<usize>, String> {
        let mut hits = header.iter().enumerate().filter(|(_, h)| h.trim() == name);
        match (hits.next(), hits.next()) {
            (Some(_), Some(_)) => Err(format!("column {name:?} appears more than once")),
            (hit, _) => Ok(hit.map(|(i, _)| i)),
        }
    };
    let missing = |field: &str, name: &str| {
        let names: Vec<String> = header.iter().map(|h| format!("{:?}", h.trim())).collect();
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
    })
}

/// Checks one row; on failure, every (field, problem) found in it.
fn payment(
    record: &StringRecord,
    line: u64,
    cols: &Columns,
    map: &ColumnMap,
    tz: FixedOffset,
) -> Result<Payment, Vec<(String, String)>> {
    let mut problems = Vec::new();
    // Name the column too when the user mapped the field to another name.
    let field = |key: &str, column: Option<&str>| match column {
        Some(c) if c != key => format!("{key} (column {c:?})"),
        _ => key.to_string(),
    };
    let cell = |i: Option<usize>| {
        i.map(|i| record[i].trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };

    let code_id_text = record[cols.code_id].trim().to_string();
    let amount_text = record[cols.amount].trim().to_string();
    if let Err(e) = check_amount_syntax(&amount_text) {
        problems.push((field("amount", Some(&map.amount)), e.to_string()));
    }
    let currency = cell(cols.currency).and_then(|c| {
        let found = Currency::from_code(&c);
        if found.is_none() {
            problems.push((
                field("currency", map.currency.as_deref()),
                format!("{c:?} is not an ISO 4217 currency code"),
            ));
        }
        found
    });
    let paid_at = cell(cols.paid_at).and_then(|t| {
        // "now" is fine on a command line but means nothing in a file.
        let parsed = if t.eq_ignore_ascii_case("now") {
            Err(time::TimeError::Time(t))
        } else {
            time::parse_time(&t, 0, tz)
        };
        parsed
            .map_err(|e| problems.push((field("paid_at", map.paid_at.as_deref()), e.to_string())))
            .ok()
    });
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Payment {
        line,
        code_id: code_id_text.parse().ok(),
        code_id_text,
        amount_text,
        currency,
        paid_at,
        txn_id: cell(cols.txn_id),
    })
}

/// Checks the syntax of an amount before its currency is known. Too many
/// fraction digits for the currency is not a syntax error: reconciliation
/// reports it as an amount mismatch.
fn check_amount_syntax(text: &str) -> Result<(), AmountError> {
    match currency::parse_minor(text, 0) {
        Ok(_) | Err(AmountError::TooPrecise { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The line where a quoted field opens and never closes, if any. The csv
/// crate accepts such a field at the end of input, silently swallowing
/// the rest of the file into one cell. This follows its quoting rules
/// ('"' opens a quoted field only at the start of a field, '""' is an
/// escaped quote inside one) to catch that case.
fn unterminated_quote(bytes: &[u8], delimiter: u8) -> Option<u64> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut state, mut line, mut opened_at) = (State::FieldStart, 1, 1);
    for (i, &b) in bytes.iter().enumerate() {
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::FieldStart, b'"') => {
                opened_at = line;
                State::Quoted
            }
            (_, b'\n' | b'\r') => State::FieldStart,
            (_, b) if b == delimiter => State::FieldStart,
            _ => State::Unquoted,
        };
        if ends_line(bytes, i) {
            line += 1;
        }
    }
    (state == State::Quoted).then_some(opened_at)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        parse_settlement(&path, map, FixedOffset::east_opt(8 * 3600).unwrap())
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

    const ID: &str = "0101010101010101";

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
        assert_eq!(ps[0].code_id, Some(CodeId([1; 8])));
        assert_eq!(ps[0].amount_minor(cny), Ok(20000));
        assert_eq!(ps[0].currency, Some(cny));
        // Naive times are read in the given zone (+08:00 here).
        assert_eq!(
            ps[0].paid_at,
            time::parse_time("2026-11-23T08:00:00Z", 0, utc()).ok()
        );
        assert_eq!(ps[0].txn_id.as_deref(), Some("T1"));
        assert_eq!(ps[1].code_id, None);
        assert_eq!(ps[1].code_id_text, "not-an-id");
        assert_eq!((ps[1].currency, ps[1].txn_id.as_deref()), (None, None));
        assert_eq!(ps[1].paid_at, ps[0].paid_at);
        // No final newline is fine; ids are case-insensitive.
        assert_eq!(ps[2].code_id, Some(CodeId([1; 8])));
        assert_eq!(ps[2].amount_minor(cny), Ok(123450));
        assert_eq!(ps[2].paid_at, None);
    }

    #[test]
    fn optional_columns_absent_and_custom_map() {
        let ps = parse(format!("code_id,amount\n{ID},5\n").as_bytes()).unwrap();
        assert_eq!(
            (ps[0].currency, ps[0].paid_at, &ps[0].txn_id),
            (None, None, &None)
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
        assert_eq!(ps[0].code_id, Some(CodeId([1; 8])));
        assert_eq!(ps[0].amount_text, "200.00");
        // A .tsv name wins even when the header has a comma in it.
        let tsv = format!("code_id\tamount\tmemo, free text\n{ID}\t1,000.00\tx, y\n");
        let ps = parse_as("s.tsv", tsv.as_bytes(), &ColumnMap::default()).unwrap();
        assert_eq!(ps[0].amount_text, "1,000.00");
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
        assert_eq!(es.len(), MAX_ROW_ERRORS);
        assert_eq!(es[19].line, 21);
        assert!(err.to_string().ends_with("stopped after 20 errors"));
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        let text = format!("code_id,amount,txn_id\n{ID},1,\"ok\"\"x\"\n{ID},2,\"T2\n{ID},3,T3\n");
        let errs = row_errors(text.as_bytes());
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(
            errs[0].ends_with("s.csv:3: unterminated quoted field"),
            "{}",
            errs[0]
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
        let errs = row_errors(&bytes);
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].ends_with("s.csv:3: memo: not valid UTF-8 (save the file as UTF-8)"),
            "{}",
            errs[0]
        );
        let err = parse(b"code_id,amount,\xFF\n").unwrap_err().to_string();
        assert!(
            err.ends_with("s.csv:1: header: column 3: not valid UTF-8"),
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
            err.ends_with("s.csv:1: header: unterminated quoted field"),
            "{err}"
        );
    }
}
