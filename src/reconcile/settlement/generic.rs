//! A generic CSV/TSV settlement export: one payment per row, columns named
//! by a [`ColumnMap`], UTF-8.

use std::path::Path;

use chrono::FixedOffset;

use crate::code::currency::Grouping;
use crate::input::encoding::TextEncoding;

use super::rows::{Currencies, Errors, Said, Table, cell, cells, decode, parse_paid_at};
use super::types::{Amount, CodeRef, MAX_ROW_ERRORS, Payment, RowCause, RowError, SettlementError};

/// The keys of a column map (`--map`), as its errors list them.
pub const KEYS: &str = "code_id, amount, currency, paid_at, txn_id, fee, grouping";

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
///
/// `grouping` is not a column: it declares how the file groups the digits
/// of its amounts and fees ("grouping=comma" for "1,234.50"). Without it
/// they are read in the one amount grammar, which has no grouping
/// ([`crate::code::amount`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    pub code_id: String,
    pub amount: String,
    pub currency: Option<String>,
    pub paid_at: Option<String>,
    pub txn_id: Option<String>,
    pub fee: Option<String>,
    pub grouping: Option<Grouping>,
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
            grouping: None,
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
    #[error("column map: grouping={0:?} is not one of {names}", names = Grouping::NAMES)]
    Grouping(String),
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
                "grouping" => {
                    map.grouping =
                        Some(Grouping::parse(&column).ok_or(ColumnMapError::Grouping(column))?);
                }
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
    grouping: Option<Grouping>,
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
        Some((line, r)) => (line, cells(r, cell)),
    };
    let cols = resolve(&header, map).map_err(|p| header_err(header_line, p.to_string()))?;
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
                let lines = super::rows::count_lines(piece.as_bytes());
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
        if errors.same_width(line, record.len(), fields)
            && let Some(p) = payment(record, line, cols, names, tz, &mut currencies, &mut errors)
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

/// Why the header does not fit the column map.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum HeaderError {
    #[error("column {0:?} appears more than once")]
    Repeated(String),
    #[error("no column {column:?} for {field}; the header has {}", quoted(.header))]
    Missing {
        field: &'static str,
        column: String,
        header: Vec<String>,
    },
}

fn quoted(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|h| format!("{h:?}")).collect();
    names.join(", ")
}

/// Finds the mapped columns in the header (cells compared trimmed).
fn resolve(header: &[String], map: &ColumnMap) -> Result<Columns, HeaderError> {
    let find = |name: &str| -> Result<Option<usize>, HeaderError> {
        let mut hits = header.iter().enumerate().filter(|(_, h)| *h == name);
        match (hits.next(), hits.next()) {
            (Some(_), Some(_)) => Err(HeaderError::Repeated(name.to_string())),
            (hit, _) => Ok(hit.map(|(i, _)| i)),
        }
    };
    let missing = |field: &'static str, name: &str| HeaderError::Missing {
        field,
        column: name.to_string(),
        header: header.to_vec(),
    };
    let required =
        |field: &'static str, name: &str| find(name)?.ok_or_else(|| missing(field, name));
    let optional = |field: &'static str, name: &Option<String>| match name {
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
        grouping: map.grouping,
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
    let mut fail = |field: &str, problem: Said| {
        errors.push_said(line, Some(field), problem);
        ok = false;
    };
    let amount = Amount::parse_grouped(cell(record, cols.amount), cols.grouping)
        .map_err(|e| fail(&names.amount, RowCause::GenericAmount(e).into()))
        .ok();
    let fee = optional(cols.fee).and_then(|f| {
        Amount::parse_grouped(f, cols.grouping)
            .map_err(|e| fail(&names.fee, RowCause::GenericAmount(e).into()))
            .ok()
    });
    let currency = optional(cols.currency).and_then(|c| {
        currencies
            .parse(c)
            .map_err(|e| fail(&names.currency, e.to_string().into()))
            .ok()
    });
    let paid_at = optional(cols.paid_at).and_then(|t| {
        parse_paid_at(t, tz)
            .map_err(|e| fail(&names.paid_at, RowCause::Time(e).into()))
            .ok()
    });
    // The amount column is net of the fee: the payer paid both.
    let gross = match (amount, fee) {
        (Some(a), Some(f)) => a.checked_add(f).or_else(|| {
            fail(
                &names.amount,
                "amount plus fee is too large".to_string().into(),
            );
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
mod tests;
