//! Batch issuance input: a CSV of fines or bills, validated as a whole.
//!
//! Columns: `reference`, `amount` (required); `kind`, `currency`, `payee`,
//! `expires_at` or `expires_in`, `description` (optional, defaulting to the
//! command-line flags). Every row is checked before anything is signed or
//! written, and every problem is reported as `FILE:LINE: field: problem`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::hash::Hasher;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::FixedOffset;

use crate::input::encoding::TextReader;
use crate::input::quotes::QuoteScan;
use crate::issue::problem::Problem;
use crate::issue::request::Request;
pub use crate::issue::row::{BatchRow, Defaults};

/// At most this many row errors are collected before giving up.
pub const MAX_ROW_ERRORS: usize = 50;

const COLUMNS: &[&str] = &[
    "reference",
    "amount",
    "kind",
    "currency",
    "payee",
    "expires_at",
    "expires_in",
    "description",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub path: PathBuf,
    pub line: u64,
    pub field: String,
    pub problem: Problem,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.field,
            self.problem
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Row problems, in file order (at most MAX_ROW_ERRORS).
    #[error("{} bad row(s), first: {}", .0.len(), .0[0])]
    Rows(Vec<RowError>),
}

/// Validates a whole batch file in one streaming pass (memory does not
/// grow with the number of rows, apart from 16 bytes per row for the
/// duplicate check) and returns its number of rows. Nothing should be
/// issued from a file this rejects.
pub fn validate(
    path: &Path,
    defaults: &Defaults,
    issued_at: u64,
    tz: FixedOffset,
) -> Result<u64, BatchError> {
    let open = || open_file(path);
    validate_with(path, &open, defaults, issued_at, tz)
}

/// The rows of a file that [`validate`] accepted, read again one at a
/// time. A row error here means the file changed since it was validated.
pub fn rows(
    path: &Path,
    defaults: &Defaults,
    issued_at: u64,
    tz: FixedOffset,
) -> Result<Rows<BufReader<File>>, BatchError> {
    Rows::new(path, open_file(path)?, defaults, issued_at, tz)
}

/// Validates a batch held in memory and returns all its rows.
pub fn parse_batch(
    path: &Path,
    bytes: &[u8],
    defaults: &Defaults,
    issued_at: u64,
    tz: FixedOffset,
) -> Result<Vec<BatchRow>, BatchError> {
    let open = || Ok(bytes);
    validate_with(path, &open, defaults, issued_at, tz)?;
    Rows::new(path, bytes, defaults, issued_at, tz)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| BatchError::Rows(vec![e]))
}

fn open_file(path: &Path) -> Result<BufReader<File>, BatchError> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(|source| BatchError::Io {
            path: path.to_path_buf(),
            source,
        })
}

fn err(path: &Path, line: u64, field: &str, problem: Problem) -> RowError {
    RowError {
        path: path.to_path_buf(),
        line,
        field: field.to_string(),
        problem,
    }
}

/// A fixed-key hash of a reference for the duplicate check: 8 bytes per
/// row instead of the whole text. Equal hashes are only candidates; a
/// second pass compares the texts, so a collision is never reported.
fn reference_hash(reference: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(reference.as_bytes());
    h.finish()
}

fn validate_with<R: Read>(
    path: &Path,
    open: &dyn Fn() -> Result<R, BatchError>,
    defaults: &Defaults,
    issued_at: u64,
    tz: FixedOffset,
) -> Result<u64, BatchError> {
    let mut rows = Rows::new(path, open()?, defaults, issued_at, tz)?;
    let mut errors = Vec::new();
    let mut first_line: HashMap<u64, u64> = HashMap::new();
    let mut collided: HashSet<u64> = HashSet::new();
    let mut count = 0u64;
    let mut last_line = 0;
    for row in rows.by_ref() {
        count += 1;
        match row {
            Ok(row) => {
                last_line = row.line;
                let h = reference_hash(&row.reference);
                if first_line.insert(h, row.line).is_some() {
                    collided.insert(h);
                }
            }
            Err(e) => {
                last_line = e.line;
                errors.push(e);
                if errors.len() >= MAX_ROW_ERRORS {
                    break;
                }
            }
        }
    }
    // A quote left open swallows the rest of the file into one field, so
    // the row errors it caused are noise: report the cause alone.
    if let Some(line) = rows.unterminated_quote() {
        return Err(BatchError::Rows(vec![err(
            path,
            line,
            "file",
            Problem::UnterminatedQuote,
        )]));
    }
    drop(first_line);
    if !collided.is_empty() {
        errors.extend(duplicates(
            path,
            open()?,
            &collided,
            last_line,
            defaults,
            issued_at,
            tz,
        )?);
        errors.sort_by_key(|e| e.line);
        errors.truncate(MAX_ROW_ERRORS);
    }
    if !errors.is_empty() {
        return Err(BatchError::Rows(errors));
    }
    Ok(count)
}

/// The exact duplicate check among rows whose reference hash repeats.
fn duplicates<R: Read>(
    path: &Path,
    reader: R,
    collided: &HashSet<u64>,
    last_line: u64,
    defaults: &Defaults,
    issued_at: u64,
    tz: FixedOffset,
) -> Result<Vec<RowError>, BatchError> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut errors = Vec::new();
    for row in Rows::new(path, reader, defaults, issued_at, tz)?.flatten() {
        if row.line > last_line {
            break;
        }
        if !collided.contains(&reference_hash(&row.reference)) {
            continue;
        }
        if let Some(first) = seen.get(&row.reference) {
            let problem = Problem::Repeats {
                reference: row.reference.clone(),
                first: *first,
            };
            errors.push(err(path, row.line, "reference", problem));
        } else {
            seen.insert(row.reference, row.line);
        }
    }
    Ok(errors)
}

/// Batch rows read one at a time from CSV, each checked on its own (the
/// duplicate check across rows is [`validate`]'s).
pub struct Rows<R: Read> {
    path: PathBuf,
    rdr: csv::Reader<QuoteTap<TextReader<R>>>,
    cols: HashMap<&'static str, Option<usize>>,
    defaults: Defaults,
    issued_at: u64,
    tz: FixedOffset,
    record: csv::StringRecord,
    /// Set after the end of the file or an error the reader cannot pass.
    done: bool,
}

impl<R: Read> Rows<R> {
    fn new(
        path: &Path,
        reader: R,
        defaults: &Defaults,
        issued_at: u64,
        tz: FixedOffset,
    ) -> Result<Self, BatchError> {
        let one = |e: RowError| BatchError::Rows(vec![e]);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(QuoteTap {
                inner: TextReader::new(reader, defaults.encoding),
                scan: QuoteScan::default(),
            });
        let headers = rdr
            .headers()
            .map_err(|e| one(csv_error(path, &e)))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect::<Vec<_>>();
        for h in &headers {
            if !COLUMNS.contains(&h.as_str()) {
                let problem = Problem::UnknownColumn {
                    column: h.clone(),
                    known: COLUMNS.join(", "),
                };
                return Err(one(err(path, 1, "header", problem)));
            }
        }
        for need in ["reference", "amount"] {
            if !headers.iter().any(|h| h == need) {
                return Err(one(err(path, 1, "header", Problem::MissingColumn(need))));
            }
        }
        let col = |name: &str| headers.iter().position(|h| h == name);
        Ok(Rows {
            path: path.to_path_buf(),
            rdr,
            cols: COLUMNS.iter().map(|&c| (c, col(c))).collect(),
            defaults: defaults.clone(),
            issued_at,
            tz,
            record: csv::StringRecord::new(),
            done: false,
        })
    }

    /// The file the rows come from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The line of a quoted field still open at the end of the input.
    fn unterminated_quote(&self) -> Option<u64> {
        self.rdr.get_ref().scan.unterminated()
    }
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<BatchRow, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.rdr.read_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                // A row with the wrong number of cells is that row's
                // problem: reading goes on, so one run lists every bad row.
                if let csv::ErrorKind::UnequalLengths { expected_len, .. } = e.kind() {
                    let line = e.position().map_or(0, |p| p.line());
                    let amount = self.cols["amount"];
                    let problem = super::csv_hint::field_count(&self.record, *expected_len, amount);
                    return Some(Err(err(&self.path, line, "row", problem)));
                }
                self.done = true;
                return Some(Err(csv_error(&self.path, &e)));
            }
        }
        let line = self.record.position().map_or(0, |p| p.line());
        let rec = &self.record;
        let cols = &self.cols;
        let cell = |name: &str| -> Option<&str> { cols[name].and_then(|i| rec.get(i)) };
        let request = Request {
            reference: cell("reference"),
            amount: cell("amount"),
            kind: cell("kind"),
            currency: cell("currency"),
            payee: cell("payee"),
            expires_at: cell("expires_at"),
            expires_in: cell("expires_in"),
            description: cell("description"),
        };
        Some(
            request
                .check(line, &self.defaults, self.issued_at, self.tz)
                .map_err(|e| err(&self.path, line, e.field, e.problem)),
        )
    }
}

/// A CSV reader error as a row error. Strict decoding: a clerk's file
/// saved as GBK and read as UTF-8 (or the reverse) must fail loudly,
/// naming the line, rather than turn 京 into replacement characters.
fn csv_error(path: &Path, e: &csv::Error) -> RowError {
    let line = e.position().map_or(1, |p| p.line());
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => err(path, line, "file", Problem::NotUtf8),
        csv::ErrorKind::Io(io) => err(path, line, "file", Problem::Io(io.to_string())),
        _ => err(path, line, "row", Problem::Csv(e.to_string())),
    }
}

/// Passes bytes through to the CSV reader while watching its quotes.
struct QuoteTap<R> {
    inner: R,
    scan: QuoteScan,
}

impl<R: Read> Read for QuoteTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scan.feed(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Kind;
    use crate::code::currency::Currency;

    fn defaults() -> Defaults {
        Defaults {
            kind: Some(Kind::Fine),
            currency: Currency::from_code("CNY"),
            payee: Some("BJ-FINES".into()),
            expires_in: Some(14_400),
            expires_at: None,
            description: None,
            encoding: Default::default(),
        }
    }

    fn parse(text: &str) -> Result<Vec<BatchRow>, BatchError> {
        parse_batch(
            Path::new("f.csv"),
            text.as_bytes(),
            &defaults(),
            1_000,
            FixedOffset::east_opt(0).unwrap(),
        )
    }

    #[test]
    fn good_rows_with_defaults() {
        let rows =
            parse("reference,amount,description\n京A12345,200.00,闯红灯\n京B54321,50,\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].amount, 20000);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].expires_at, 15_400);
        assert_eq!(rows[0].description.as_deref(), Some("闯红灯"));
        assert_eq!(rows[1].description, None);
    }

    #[test]
    fn every_bad_row_is_reported() {
        let text = "reference,amount,currency,kind\nA,abc,,\nB,1.234,,\n,1,,\nC,1,XYZ,\nD,1,,parking\nA2,1,,\nA2,2,,\n";
        let Err(BatchError::Rows(errs)) = parse(text) else {
            panic!()
        };
        let got: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(got.len(), 6, "{got:#?}");
        assert!(got[0].starts_with("f.csv:2: amount:"));
        assert!(got[1].starts_with("f.csv:3: amount:"));
        assert!(got[2].starts_with("f.csv:4: reference: empty"));
        assert!(got[3].starts_with("f.csv:5: currency:"));
        assert!(got[4].starts_with("f.csv:6: kind:"));
        assert!(got[5].starts_with("f.csv:8: reference:") && got[5].contains("repeats line 7"));
    }

    #[test]
    fn header_and_file_problems() {
        assert!(
            parse("reference,amout\nA,1\n")
                .unwrap_err()
                .to_string()
                .contains("unknown column")
        );
        assert!(
            parse("reference\nA\n")
                .unwrap_err()
                .to_string()
                .contains("missing required column")
        );
        assert!(
            parse("reference,amount\n\"A,1\n")
                .unwrap_err()
                .to_string()
                .contains("unterminated")
        );
        let gbk = b"reference,amount\n\xBE\xA9A1,1\n";
        let e = parse_batch(
            Path::new("f.csv"),
            gbk,
            &defaults(),
            0,
            FixedOffset::east_opt(0).unwrap(),
        );
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("f.csv:2: file: not valid UTF-8")
        );
    }

    #[test]
    fn bom_is_ignored_and_rows_stream_from_a_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.csv");
        std::fs::write(&p, "\u{feff}reference,amount\nA1,1\nA2,2.50\n").unwrap();
        let tz = FixedOffset::east_opt(0).unwrap();
        assert_eq!(validate(&p, &defaults(), 1_000, tz).unwrap(), 2);
        let rows: Vec<BatchRow> = rows(&p, &defaults(), 1_000, tz)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[1].reference.as_str(), rows[1].amount, rows[1].line),
            ("A2", 250, 3)
        );
    }

    #[test]
    fn row_errors_stop_at_the_limit() {
        let mut text = String::from("reference,amount\n");
        for i in 0..MAX_ROW_ERRORS + 10 {
            text.push_str(&format!("R{i},zero\n"));
        }
        let Err(BatchError::Rows(errs)) = parse(&text) else {
            panic!()
        };
        assert_eq!(errs.len(), MAX_ROW_ERRORS);
        assert_eq!(errs.last().unwrap().line, MAX_ROW_ERRORS as u64 + 1);
    }

    #[test]
    fn duplicates_are_exact_and_in_line_order() {
        // Many distinct references (no false duplicates), two repeats, and
        // a bad row between them: all reported in line order.
        let mut text = String::from("reference,amount\n");
        for i in 0..5_000 {
            text.push_str(&format!("R{i},1\n"));
        }
        text.push_str("R17,1\nX,bad\nR4999,2\n");
        let Err(BatchError::Rows(errs)) = parse(&text) else {
            panic!()
        };
        let got: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(got[0].starts_with("f.csv:5002: reference: \"R17\" repeats line 19"));
        assert!(got[1].starts_with("f.csv:5003: amount:"));
        assert!(got[2].starts_with("f.csv:5004: reference: \"R4999\" repeats line 5001"));
    }
}
