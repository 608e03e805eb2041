//! Settlement files: what a payment provider or bank says was paid.
//!
//! Formats: a generic CSV/TSV with a [`ColumnMap`] ([`generic`]), the WeChat
//! Pay trade bill ([`wechat`]), the Alipay bill ([`alipay`]) and ISO 20022
//! camt.052 / camt.053 / camt.054 ([`camt`]); [`detect`] tells them apart.
//!
//! Parsing is strict where a mistake would move money: text must decode in
//! the file's encoding (no replacement characters), amounts, currencies and
//! times must parse, a truncated file is an error, and totals the file
//! carries about itself are checked. It is lenient where it would not: a
//! reference that is not a code id is kept, and reconciliation reports the
//! row as unknown. Row problems are collected (up to [`MAX_ROW_ERRORS`]) so
//! a file can be fixed in one pass.

pub mod alipay;
pub mod camt;
pub mod generic;
pub mod wechat;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;

use crate::code::CodeId;
use crate::code::currency::{self, AmountError, Currency};
use crate::code::time;
use crate::input::encoding::{self, TextEncoding};

pub use generic::{ColumnMap, ColumnMapError};

/// Row errors collected before parsing stops.
pub const MAX_ROW_ERRORS: usize = 20;

/// The layout of a settlement file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Generic,
    Wechat,
    Alipay,
    Camt052,
    Camt053,
    Camt054,
}

impl Format {
    pub const NAMES: &str = "auto, generic, wechat, alipay, camt052, camt053, camt054";

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Generic => "generic",
            Format::Wechat => "wechat",
            Format::Alipay => "alipay",
            Format::Camt052 => "camt052",
            Format::Camt053 => "camt053",
            Format::Camt054 => "camt054",
        }
    }

    /// `None` for "auto".
    pub fn parse(s: &str) -> Result<Option<Format>, String> {
        let all = [
            Format::Generic,
            Format::Wechat,
            Format::Alipay,
            Format::Camt052,
            Format::Camt053,
            Format::Camt054,
        ];
        let s = s.trim();
        if s.eq_ignore_ascii_case("auto") {
            return Ok(None);
        }
        all.into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .map(Some)
            .ok_or_else(|| format!("{s:?} is not a settlement format (one of: {})", Self::NAMES))
    }

    /// Chinese providers write Beijing time without an offset.
    pub fn default_tz(self) -> Option<FixedOffset> {
        match self {
            Format::Wechat | Format::Alipay => FixedOffset::east_opt(8 * 3600),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tells the format from the first bytes: XML root, WeChat header, Alipay
/// preamble (in GB18030 or UTF-8); anything else is generic.
pub fn detect(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    if text.trim_start().starts_with('<') {
        // The message element names the message whatever its namespace
        // prefix or version; the first one written wins.
        let by_element = [
            ("BkToCstmrAcctRpt", Format::Camt052),
            ("BkToCstmrStmt", Format::Camt053),
            ("BkToCstmrDbtCdtNtfctn", Format::Camt054),
        ]
        .into_iter()
        .filter_map(|(name, f)| Some((text.find(name)?, f)))
        .min_by_key(|(at, _)| *at);
        return match by_element {
            Some((_, f)) => f,
            None if text.contains("camt.052") => Format::Camt052,
            None if text.contains("camt.054") => Format::Camt054,
            None => Format::Camt053,
        };
    }
    let (gbk, _, _) = encoding_rs::GB18030.decode(head);
    // The header, as written or re-saved as GBK by Excel.
    for first_line in [&text, &gbk].map(|t| t.lines().next().unwrap_or_default()) {
        if first_line.contains("交易时间") && first_line.contains("商户订单号") {
            return Format::Wechat;
        }
    }
    if text.starts_with('#') && (text.contains("支付宝") || gbk.contains("支付宝"))
        || gbk.starts_with('#') && gbk.contains("支付宝")
    {
        return Format::Alipay;
    }
    Format::Generic
}

/// A decimal amount as written, exact: `units` / 10^`scale`. Its value in
/// minor units waits for the currency, which may only be known from the
/// code the row pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub units: u64,
    pub scale: u8,
}

impl Amount {
    /// Parses "200.00", "1,234.5" (see [`currency::parse_minor`]).
    pub fn parse(text: &str) -> Result<Amount, AmountError> {
        let t = text.trim();
        let scale = t.split_once('.').map_or(0, |(_, f)| f.len());
        let scale = u8::try_from(scale).map_err(|_| AmountError::Overflow(t.to_string()))?;
        Ok(Amount {
            units: currency::parse_minor(t, scale)?,
            scale,
        })
    }

    /// In minor units of a currency with this exponent. More fraction
    /// digits than it has (other than zeros) is an error, never a rounding.
    pub fn minor(self, exponent: u8) -> Result<u64, AmountError> {
        let overflow = || AmountError::Overflow(self.to_string());
        if self.scale <= exponent {
            let f = 10u64
                .checked_pow(u32::from(exponent - self.scale))
                .ok_or_else(overflow)?;
            return self.units.checked_mul(f).ok_or_else(overflow);
        }
        let d = 10u64
            .checked_pow(u32::from(self.scale - exponent))
            .ok_or_else(overflow)?;
        if self.units.is_multiple_of(d) {
            Ok(self.units / d)
        } else {
            Err(AmountError::TooPrecise {
                text: self.to_string(),
                digits: usize::from(self.scale),
                exponent,
            })
        }
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        let scale = self.scale.max(other.scale);
        let a = self.minor(scale).ok()?;
        let b = other.minor(scale).ok()?;
        Some(Amount {
            units: a.checked_add(b)?,
            scale,
        })
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&currency::format_minor(self.units, self.scale))
    }
}

/// What a row names as the code paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRef {
    Id(CodeId),
    /// The cell as written (trimmed) when it is not a code id.
    Text(Box<str>),
}

impl CodeRef {
    pub fn from_text(s: &str) -> CodeRef {
        let s = s.trim();
        match parse_code_id(s) {
            Some(id) => CodeRef::Id(id),
            None => CodeRef::Text(s.into()),
        }
    }

    pub fn id(&self) -> Option<CodeId> {
        match self {
            CodeRef::Id(id) => Some(*id),
            CodeRef::Text(_) => None,
        }
    }
}

impl fmt::Display for CodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeRef::Id(id) => id.fmt(f),
            CodeRef::Text(t) => f.write_str(t),
        }
    }
}

/// 16 hex digits without allocating (`CodeId::from_str` builds an error
/// message for every miss, and unknown references are common).
fn parse_code_id(s: &str) -> Option<CodeId> {
    let b = s.as_bytes();
    if b.len() != 16 {
        return None;
    }
    let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 8];
    for (i, o) in out.iter_mut().enumerate() {
        *o = nibble(b[2 * i])? << 4 | nibble(b[2 * i + 1])?;
    }
    Some(CodeId(out))
}

/// One settlement row (or camt transaction), checked but not yet matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Line of the file where the row starts.
    pub line: u64,
    pub code: CodeRef,
    /// What the payer paid (a refund: what was paid back), fees included.
    pub amount: Amount,
    /// The provider's fee, when the file says.
    pub fee: Option<Amount>,
    pub currency: Option<Currency>,
    /// Unix seconds, UTC.
    pub paid_at: Option<u64>,
    /// The provider's transaction (or refund) id, only where the format
    /// makes it one: reconciliation takes rows sharing an id (and
    /// direction) as one transaction listed twice. A reference that may
    /// name several transactions (a camt batch's `AcctSvcrRef`) is no id.
    pub txn_id: Option<Box<str>>,
    /// Money paid back to the payer rather than paid in.
    pub refund: bool,
}

/// One parsed file.
#[derive(Debug, Clone)]
pub struct Settlement {
    pub path: PathBuf,
    /// Names the file in redemption records: its name plus a digest of its
    /// content ("wechat-2026-11-23.csv@3f2a9c01d4e5"). A rerun on the same
    /// file is recognised as already applied, while another day's file that
    /// happens to have the same name never is.
    pub source: String,
    pub format: Format,
    pub payments: Vec<Payment>,
}

/// How to read a file.
#[derive(Debug, Clone)]
pub struct Options {
    /// `None`: [`detect`].
    pub format: Option<Format>,
    /// Columns of a generic file.
    pub map: ColumnMap,
    /// Offset of times written without one; `None`: the format's default
    /// (+08:00 for Chinese providers), else this machine's.
    pub tz: Option<FixedOffset>,
    /// `None`: UTF-8 for generic files; WeChat Pay and Alipay bills are
    /// read as UTF-8 when they are valid UTF-8, else as GB18030 (how
    /// Alipay writes them, and how Chinese Excel re-saves either).
    pub encoding: Option<TextEncoding>,
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
    /// The file as a whole is wrong: bad encoding, truncated, totals that
    /// do not add up, not the format it claims.
    #[error("{path}:{line}: {problem}")]
    File {
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

/// Reads, decodes and checks one settlement file.
pub fn parse_settlement(path: &Path, opts: &Options) -> Result<Settlement, SettlementError> {
    let bytes = fs::read(path).map_err(|source| SettlementError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = unpack(path, bytes)?;
    let format = opts.format.unwrap_or_else(|| detect(&bytes));
    let tz = opts
        .tz
        .or(format.default_tz())
        .unwrap_or_else(time::local_offset);
    let payments = match format {
        Format::Generic => generic::parse(path, &bytes, &opts.map, tz, opts.encoding)?,
        Format::Wechat => wechat::parse(path, &bytes, tz, opts.encoding)?,
        Format::Alipay => alipay::parse(path, &bytes, tz, opts.encoding)?,
        Format::Camt052 | Format::Camt053 | Format::Camt054 => {
            camt::parse(path, &bytes, format, tz)?
        }
    };
    Ok(Settlement {
        path: path.to_path_buf(),
        source: source_name(path, &bytes),
        format,
        payments,
    })
}

/// Largest file a compressed download may expand to: far above any real
/// day's bill, and a bound on what a crafted archive can make us allocate.
const MAX_UNPACKED: u64 = 4 << 30;

/// A gzip-compressed download (the WeChat Pay API's `tar_type=GZIP`, or a
/// `.csv.gz`) is expanded; a zip archive (how Alipay serves its bills) is
/// refused with what to do, since it holds several files.
fn unpack(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>, SettlementError> {
    use std::io::Read;
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(file_error(
            path,
            1,
            "a zip archive, not a settlement file: unzip it and pass the bill inside \
             (for Alipay, the 业务明细 CSV, not the 业务明细(汇总) one)",
        ));
    }
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    let read = flate2::read::MultiGzDecoder::new(&bytes[..])
        .take(MAX_UNPACKED + 1)
        .read_to_end(&mut out);
    match read {
        Ok(n) if n as u64 > MAX_UNPACKED => Err(file_error(
            path,
            1,
            format!("gzip data expands beyond {} GiB", MAX_UNPACKED >> 30),
        )),
        Ok(_) => Ok(out),
        Err(e) => Err(file_error(
            path,
            1,
            format!("gzip data is damaged or truncated ({e})"),
        )),
    }
}

fn source_name(path: &Path, bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{name}@{}", crate::code::to_hex(&digest[..6]))
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file as UTF-8 text without its BOM; invalid bytes are an error
/// naming their line (for XML, whose encoding is not a command-line choice).
fn decode_utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, SettlementError> {
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
fn decode<'a>(
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
fn decode_chinese<'a>(
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
fn line_at(bytes: &[u8], offset: usize) -> u64 {
    1 + count_lines(&bytes[..offset.min(bytes.len())])
}

/// Line numbers of records, from their byte offsets, counting from
/// `first`. The csv crate's own `Position::line` is one short after CRLF
/// line endings (its offset points at the LF of the previous terminator;
/// BurntSushi/rust-csv#395) and never advances on a bare CR, and these
/// numbers end up in error messages and transaction ids.
struct Lines<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8], first: u64) -> Lines<'a> {
        Lines {
            bytes,
            counted_to: 0,
            line: first,
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
fn ends_line(bytes: &[u8], i: usize) -> bool {
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
struct Table<'a> {
    path: &'a Path,
    reader: csv::Reader<&'a [u8]>,
    lines: Lines<'a>,
    record: csv::ByteRecord,
}

impl<'a> Table<'a> {
    /// `text` starts on line `first` of the file. A quote that never
    /// closes is an error at the line where it opens.
    fn new(
        path: &'a Path,
        text: &'a str,
        delimiter: u8,
        first: u64,
    ) -> Result<Table<'a>, SettlementError> {
        let bytes = text.as_bytes();
        if let Some(open) = crate::issue::batch::unterminated_quote_line(bytes) {
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
    fn next(&mut self) -> Result<Option<(u64, &csv::ByteRecord)>, SettlementError> {
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
fn cell(record: &csv::ByteRecord, i: usize) -> &str {
    record
        .get(i)
        .and_then(|c| std::str::from_utf8(c).ok())
        .unwrap_or_default()
        .trim()
}

/// Index of the header cell equal to `name` (trimmed, after `strip`).
fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// A time cell: RFC 3339, or naive in `tz` ("now" means nothing in a file).
fn parse_paid_at(text: &str, tz: FixedOffset) -> Result<u64, String> {
    if let Some(t) = naive_seconds(text, tz) {
        return Ok(t);
    }
    if text.eq_ignore_ascii_case("now") {
        return Err(time::TimeError::Time(text.into()).to_string());
    }
    time::parse_time(text, 0, tz).map_err(|e| e.to_string())
}

/// "YYYY-MM-DD HH:MM:SS" (or with a 'T'), the form nearly every provider
/// writes, read in `tz` without chrono's format interpreter, which was the
/// largest cost of parsing a million rows. Anything else (or anything
/// invalid) is left to [`time::parse_time`], which accepts the same.
fn naive_seconds(text: &str, tz: FixedOffset) -> Option<u64> {
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
struct Currencies(Option<Currency>);

impl Currencies {
    fn parse(&mut self, text: &str) -> Result<Currency, String> {
        if let Some(c) = self.0.filter(|c| c.code.eq_ignore_ascii_case(text)) {
            return Ok(c);
        }
        let c = parse_currency(text)?;
        self.0 = Some(c);
        Ok(c)
    }
}

/// A currency cell.
fn parse_currency(text: &str) -> Result<Currency, String> {
    Currency::from_code(text).ok_or_else(|| format!("{text:?} is not an ISO 4217 currency code"))
}

/// Collects row errors up to [`MAX_ROW_ERRORS`].
struct Errors<'a> {
    path: &'a Path,
    rows: Vec<RowError>,
}

impl<'a> Errors<'a> {
    fn new(path: &'a Path) -> Errors<'a> {
        Errors {
            path,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, line: u64, field: Option<&str>, problem: impl Into<String>) {
        if self.rows.len() < MAX_ROW_ERRORS {
            self.rows.push(RowError {
                path: self.path.to_path_buf(),
                line,
                field: field.map(str::to_string),
                problem: problem.into(),
            });
        }
    }

    fn full(&self) -> bool {
        self.rows.len() >= MAX_ROW_ERRORS
    }

    fn finish<T>(self, ok: T) -> Result<T, SettlementError> {
        if self.rows.is_empty() {
            Ok(ok)
        } else {
            Err(SettlementError::Rows(self.rows))
        }
    }
}

fn file_error(path: &Path, line: u64, problem: impl Into<String>) -> SettlementError {
    SettlementError::File {
        path: path.to_path_buf(),
        line,
        problem: problem.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact() {
        let a = Amount::parse("1,234.50").unwrap();
        assert_eq!(
            a,
            Amount {
                units: 123450,
                scale: 2
            }
        );
        assert_eq!(a.minor(2), Ok(123450));
        assert_eq!(a.minor(3), Ok(1234500));
        assert_eq!(
            a.minor(0),
            Err(AmountError::TooPrecise {
                text: "1234.50".into(),
                digits: 2,
                exponent: 0
            })
        );
        assert_eq!(Amount::parse("1500.0").unwrap().minor(0), Ok(1500));
        let sum = Amount::parse("199.5")
            .unwrap()
            .checked_add(Amount::parse("0.50").unwrap());
        assert_eq!(sum.unwrap().minor(2), Ok(20000));
        assert!(Amount::parse("-1").is_err());
        assert!(Amount::parse("1e3").is_err());
    }

    #[test]
    fn code_refs() {
        assert_eq!(
            CodeRef::from_text(" 0101010101010101 ").id(),
            Some(CodeId([1; 8]))
        );
        assert_eq!(
            CodeRef::from_text("0A0A0A0A0A0A0A0A").id(),
            Some(CodeId([10; 8]))
        );
        let t = CodeRef::from_text("=1+2");
        assert_eq!((t.id(), t.to_string()), (None, "=1+2".to_string()));
        assert_eq!(CodeRef::from_text("010101010101010g").id(), None);
    }

    #[test]
    fn formats_by_name_and_content() {
        assert_eq!(Format::parse("auto"), Ok(None));
        assert_eq!(Format::parse("CAMT053"), Ok(Some(Format::Camt053)));
        assert!(Format::parse("mt940").unwrap_err().contains("camt054"));
        assert_eq!(detect(b"code_id,amount\n"), Format::Generic);
        assert_eq!(
            detect("\u{FEFF}交易时间,公众账号ID,商户订单号\r\n".as_bytes()),
            Format::Wechat
        );
        let (gbk, _, _) = encoding_rs::GB18030.encode("#支付宝业务明细查询\n");
        assert_eq!(detect(&gbk), Format::Alipay);
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\">"),
            Format::Camt054
        );
        assert_eq!(detect(b"<Document><BkToCstmrStmt>"), Format::Camt053);
        assert_eq!(
            detect(b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.052.001.13\"><BkToCstmrAcctRpt>"),
            Format::Camt052
        );
        // The element decides, not a version string in a comment.
        assert_eq!(
            detect(b"<!-- see camt.054 --><x:Document><x:BkToCstmrStmtV01>"),
            Format::Camt053
        );
    }

    #[test]
    fn the_fast_time_path_agrees_with_parse_time() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        for t in [
            "2026-11-23 23:59:59",
            "2026-11-23T00:00:00",
            "2024-02-29 12:00:00",
            "1970-01-01 08:00:00",
        ] {
            let fast = naive_seconds(t, cst);
            assert!(fast.is_some(), "{t}");
            assert_eq!(fast, time::parse_time(t, 0, cst).ok(), "{t}");
        }
        // Not the shape, or not a time: left to parse_time (which refuses
        // the invalid ones).
        for t in [
            "2026-11-23 16:00",
            "2026-02-30 10:00:00",
            "2026-11-23 24:00:00",
            "1970-01-01 07:59:59",
        ] {
            assert_eq!(naive_seconds(t, cst), None, "{t}");
        }
        assert!(parse_paid_at("2026-02-30 10:00:00", cst).is_err());
        assert_eq!(
            parse_paid_at("2026-11-23 16:00", cst),
            time::parse_time("2026-11-23T08:00:00Z", 0, FixedOffset::east_opt(0).unwrap())
                .map_err(|e| e.to_string())
        );
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = decode_utf8(Path::new("s.csv"), b"a\r\nb\n\xB7\xA3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.csv:3: not valid UTF-8 (byte 0xB7); save the file as UTF-8"
        );
        assert_eq!(
            decode_utf8(Path::new("s"), b"\xEF\xBB\xBFok").unwrap(),
            "ok"
        );
    }
}
