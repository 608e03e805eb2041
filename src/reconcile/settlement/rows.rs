//! Reading the rows of a settlement file, shared by the parsers: decoding,
//! line numbers, CSV tables, cells, times, currencies, collected errors.

use std::path::Path;

use chrono::FixedOffset;

use super::types::{Amount, MAX_ROW_ERRORS, RowCause, RowError, SettlementError};

/// A row problem as a parser says it: words, or a typed cause.
pub(super) enum Said {
    Text(String),
    Cause(RowCause),
}

impl From<String> for Said {
    fn from(t: String) -> Said {
        Said::Text(t)
    }
}

impl From<RowCause> for Said {
    fn from(c: RowCause) -> Said {
        Said::Cause(c)
    }
}
use crate::code::currency::{AmountError, Currency};
use crate::code::time;
use crate::input::encoding::{self, TextEncoding};

pub(super) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file as UTF-8 text without its BOM; invalid bytes are an error
/// naming their line (for XML, whose encoding is not a command-line choice).
pub(super) fn decode_utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, SettlementError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        SettlementError::File {
            path: path.to_path_buf(),
            line: line_at(bytes, at),
            problem: format!(
                "not valid UTF-8 (byte 0x{:02X}); save the file as UTF-8",
                bytes[at]
            ),
        }
    })
}

/// The file as text in `encoding`, strictly, without a BOM.
pub(super) fn decode<'a>(
    path: &Path,
    bytes: &'a [u8],
    encoding: TextEncoding,
) -> Result<std::borrow::Cow<'a, str>, SettlementError> {
    encoding::decode(bytes, encoding).map_err(|e| SettlementError::File {
        path: path.to_path_buf(),
        line: e.line,
        problem: e.to_string(),
    })
}

/// A Chinese provider's bill: the encoding given, else UTF-8 when the
/// bytes are UTF-8 (a BOM, or no invalid sequence: GBK Chinese text is
/// practically never valid UTF-8), else GB18030.
pub(super) fn decode_chinese<'a>(
    path: &Path,
    bytes: &'a [u8],
    encoding: Option<TextEncoding>,
) -> Result<std::borrow::Cow<'a, str>, SettlementError> {
    let encoding = encoding.unwrap_or_else(|| {
        if bytes.starts_with(UTF8_BOM) || std::str::from_utf8(bytes).is_ok() {
            TextEncoding::Utf8
        } else {
            TextEncoding::Gb18030
        }
    });
    decode(path, bytes, encoding)
}

/// The 1-based line holding byte `offset`.
pub(super) fn line_at(bytes: &[u8], offset: usize) -> u64 {
    1 + count_lines(&bytes[..offset.min(bytes.len())])
}

/// Line numbers of records, from their byte offsets, counting from
/// `first`. The csv crate's own `Position::line` is one short after CRLF
/// line endings (its offset points at the LF of the previous terminator;
/// BurntSushi/rust-csv#395) and never advances on a bare CR, and these
/// numbers end up in error messages and transaction ids.
pub(super) struct Lines<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) counted_to: usize,
    pub(super) line: u64,
}

impl<'a> Lines<'a> {
    pub(super) fn new(bytes: &'a [u8], first: u64) -> Lines<'a> {
        Lines {
            bytes,
            counted_to: 0,
            line: first,
        }
    }

    /// The line a record starts on; records must come in file order.
    pub(super) fn of_record(&mut self, position: Option<&csv::Position>) -> u64 {
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
        self.line += count_lines(&self.bytes[self.counted_to.min(start)..start]);
        self.counted_to = self.counted_to.max(start);
        self.line
    }
}

/// Line ends in `bytes`: LF, or CR not followed by LF (a CR at the very end
/// counts: what follows starts a line).
pub(super) fn count_lines(bytes: &[u8]) -> u64 {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(|&i| ends_line(bytes, i))
        .count() as u64
}

/// Whether byte `i` ends a line: LF, or CR not followed by LF.
pub(super) fn ends_line(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\n' => true,
        b'\r' => bytes.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// Records of a delimited table, each with the line it starts on. The
/// csv crate accepts a quote left open at the end of input, swallowing the
/// rest of the file into one cell: a truncated file would lose its tail
/// silently, so that is checked first.
pub(super) struct Table<'a> {
    pub(super) path: &'a Path,
    pub(super) reader: csv::Reader<&'a [u8]>,
    pub(super) lines: Lines<'a>,
    pub(super) record: csv::ByteRecord,
}

impl<'a> Table<'a> {
    /// `text` starts on line `first` of the file. A quote that never
    /// closes is an error at the line where it opens.
    pub(super) fn new(
        path: &'a Path,
        text: &'a str,
        delimiter: u8,
        first: u64,
    ) -> Result<Table<'a>, SettlementError> {
        let bytes = text.as_bytes();
        if let Some(open) = crate::input::quotes::unterminated_quote_line(bytes) {
            return Err(file_error(
                path,
                open + first - 1,
                "unterminated quoted field (is the file truncated?)",
            ));
        }
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            // flexible: a row with the wrong number of fields is reported
            // with the others instead of stopping the reader.
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        Ok(Table {
            path,
            reader,
            lines: Lines::new(bytes, first),
            record: csv::ByteRecord::new(),
        })
    }

    /// The next record and its line; `Ok(None)` at the end.
    pub(super) fn next(&mut self) -> Result<Option<(u64, &csv::ByteRecord)>, SettlementError> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| SettlementError::File {
                path: self.path.to_path_buf(),
                line: self.lines.of_record(e.position()),
                problem: e.to_string(),
            })?;
        if !more {
            return Ok(None);
        }
        let line = self.lines.of_record(self.record.position());
        Ok(Some((line, &self.record)))
    }
}

/// Cell `i` of a record as text, trimmed. Records come from valid UTF-8
/// split at ASCII delimiters, so a cell is valid UTF-8 too.
pub(super) fn cell(record: &csv::ByteRecord, i: usize) -> &str {
    record
        .get(i)
        .and_then(|c| std::str::from_utf8(c).ok())
        .unwrap_or_default()
        .trim()
}

/// Every cell of a record as text, each as `clean` reads it ([`cell`], or
/// a provider's variant of it).
pub(super) fn cells(
    record: &csv::ByteRecord,
    clean: fn(&csv::ByteRecord, usize) -> &str,
) -> Vec<String> {
    (0..record.len())
        .map(|i| clean(record, i).to_string())
        .collect()
}

/// Index of the header cell equal to `name` (trimmed, after `strip`).
pub(super) fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// A provider bill's header row: its column names, found by name since
/// providers reorder and add columns; a missing one is an error naming
/// the header's line and what the file then is not.
pub(super) struct Header<'a> {
    path: &'a Path,
    pub(super) line: u64,
    pub(super) names: Vec<String>,
    /// "a WeChat Pay trade bill", for "no column …: not a WeChat Pay trade bill".
    bill: &'static str,
}

impl<'a> Header<'a> {
    /// The next record of `table`, each cell as `clean` reads it; `None`
    /// at the end of the table.
    pub(super) fn read(
        table: &mut Table<'a>,
        clean: fn(&csv::ByteRecord, usize) -> &str,
        bill: &'static str,
    ) -> Result<Option<Header<'a>>, SettlementError> {
        let path = table.path;
        Ok(table.next()?.map(|(line, r)| Header {
            path,
            line,
            names: cells(r, clean),
            bill,
        }))
    }

    pub(super) fn get(&self, name: &str) -> Option<usize> {
        column(&self.names, name)
    }

    /// The first of `names` the header has (a column providers name in
    /// more than one way).
    pub(super) fn first_of(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.get(n))
    }

    pub(super) fn require(&self, name: &str) -> Result<usize, SettlementError> {
        self.get(name).ok_or_else(|| SettlementError::Header {
            path: self.path.to_path_buf(),
            line: self.line,
            problem: format!("no column {name:?}: not {}", self.bill),
        })
    }

    /// [`Header::first_of`], else the error for the first name.
    pub(super) fn require_first_of(&self, names: &[&str]) -> Result<usize, SettlementError> {
        self.first_of(names)
            .map_or_else(|| self.require(names[0]), Ok)
    }
}

/// A time cell: RFC 3339, or naive in `tz` ("now" means nothing in a file).
pub(super) fn parse_paid_at(text: &str, tz: FixedOffset) -> Result<u64, time::TimeError> {
    if let Some(t) = naive_seconds(text, tz) {
        return Ok(t);
    }
    if text.eq_ignore_ascii_case("now") {
        return Err(time::TimeError::Time(text.into()));
    }
    time::parse_time(text, 0, tz)
}

/// "YYYY-MM-DD HH:MM:SS" (or with a 'T'), the form nearly every provider
/// writes, read in `tz` without chrono's format interpreter, which was the
/// largest cost of parsing a million rows. Anything else (or anything
/// invalid) is left to [`time::parse_time`], which accepts the same.
pub(super) fn naive_seconds(text: &str, tz: FixedOffset) -> Option<u64> {
    let b = text.as_bytes();
    let shape = b.len() == 19
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b' ' | b'T')
        && b[13] == b':'
        && b[16] == b':';
    if !shape {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let local = date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    let utc = local.and_utc().timestamp() - i64::from(tz.local_minus_utc());
    u64::try_from(utc).ok()
}

/// Currency cells, remembering the last one read: a file is nearly always
/// in one currency, and the ISO 4217 table is searched line by line.
#[derive(Default)]
pub(super) struct Currencies(Option<Currency>);

impl Currencies {
    pub(super) fn parse(&mut self, text: &str) -> Result<Currency, UnknownCurrency> {
        if let Some(c) = self.0.filter(|c| c.code.eq_ignore_ascii_case(text)) {
            return Ok(c);
        }
        let c = parse_currency(text)?;
        self.0 = Some(c);
        Ok(c)
    }
}

/// A currency cell that names no ISO 4217 currency, as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an ISO 4217 currency code")]
pub struct UnknownCurrency(pub String);

/// A currency cell.
pub(super) fn parse_currency(text: &str) -> Result<Currency, UnknownCurrency> {
    Currency::from_code(text).ok_or_else(|| UnknownCurrency(text.to_string()))
}

/// A signed amount ("-0.60") in units of 10^-`scale`: the Chinese bills
/// write amounts signed from the merchant's side, and add them up in
/// their totals.
pub(super) fn signed_units(text: &str, scale: u8) -> Result<i128, AmountError> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let v = i128::from(Amount::parse(digits).and_then(|a| a.minor(scale))?);
    Ok(if neg { -v } else { v })
}

/// Collects row errors up to [`MAX_ROW_ERRORS`].
pub(super) struct Errors<'a> {
    pub(super) path: &'a Path,
    pub(super) rows: Vec<RowError>,
}

impl<'a> Errors<'a> {
    pub(super) fn new(path: &'a Path) -> Errors<'a> {
        Errors {
            path,
            rows: Vec::new(),
        }
    }

    /// `problem` is a message or an error, shown after `FILE:LINE: FIELD: `.
    pub(super) fn push(&mut self, line: u64, field: Option<&str>, problem: impl ToString) {
        self.push_said(line, field, Said::Text(problem.to_string()));
    }

    /// A problem said in words, or with its typed cause.
    pub(super) fn push_said(&mut self, line: u64, field: Option<&str>, said: Said) {
        if self.rows.len() < MAX_ROW_ERRORS {
            let (problem, cause) = match said {
                Said::Text(t) => (t, None),
                Said::Cause(c) => (c.to_string(), Some(c)),
            };
            self.rows.push(RowError {
                path: self.path.to_path_buf(),
                line,
                field: field.map(str::to_string),
                problem,
                cause,
            });
        }
    }

    /// Whether a record has as many fields as the header; if not, that
    /// is the row's error.
    pub(super) fn same_width(&mut self, line: u64, fields: usize, header: usize) -> bool {
        if fields != header {
            self.push(
                line,
                None,
                format!("{fields} fields, but the header has {header}"),
            );
        }
        fields == header
    }

    pub(super) fn full(&self) -> bool {
        self.rows.len() >= MAX_ROW_ERRORS
    }

    pub(super) fn finish<T>(self, ok: T) -> Result<T, SettlementError> {
        if self.rows.is_empty() {
            Ok(ok)
        } else {
            Err(SettlementError::Rows(self.rows))
        }
    }
}

pub(super) fn file_error(path: &Path, line: u64, problem: impl Into<String>) -> SettlementError {
    SettlementError::File {
        path: path.to_path_buf(),
        line,
        problem: problem.into(),
    }
}
