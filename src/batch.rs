//! Batch issuance input: a CSV of fines or bills, validated as a whole.
//!
//! Columns: `reference`, `amount` (required); `kind`, `currency`, `payee`,
//! `expires_at` or `expires_in`, `description` (optional, defaulting to the
//! command-line flags). Every row is checked before anything is signed or
//! written, and every problem is reported as `FILE:LINE: field: problem`.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;

use crate::code::{self, Code, CodeId, Kind};
use crate::currency::Currency;
use crate::keys::IssuerKey;
use crate::time;

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

/// Values used where the CSV has no column (or an empty cell).
#[derive(Debug, Clone)]
pub struct Defaults {
    pub kind: Option<Kind>,
    pub currency: Option<Currency>,
    pub payee: Option<String>,
    /// Validity in seconds from the issue time.
    pub expires_in: Option<u64>,
    pub expires_at: Option<u64>,
    pub description: Option<String>,
}

/// One validated row, ready to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub line: u64,
    pub reference: String,
    pub kind: Kind,
    pub amount: u64,
    pub currency: Currency,
    pub payee: String,
    pub expires_at: u64,
    pub description: Option<String>,
}

impl BatchRow {
    /// The code for this row; the id is derived from the key, reference
    /// and issue time so reissuing the same batch is reproducible.
    pub fn to_code(&self, key: &IssuerKey, issued_at: u64) -> Code {
        Code {
            issuer: key.issuer.clone(),
            key_id: key.key_id,
            code_id: CodeId::derive(&key.signing_key.to_bytes(), &self.reference, issued_at),
            kind: self.kind,
            amount: self.amount,
            currency: self.currency,
            payee: self.payee.clone(),
            reference: self.reference.clone(),
            issued_at,
            expires_at: self.expires_at,
            description: self.description.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub path: PathBuf,
    pub line: u64,
    pub field: String,
    pub problem: String,
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

/// Reads and validates a whole batch file.
pub fn read_batch(
    path: &Path,
    defaults: &Defaults,
    issued_at: u64,
    tz: FixedOffset,
) -> Result<Vec<BatchRow>, BatchError> {
    let bytes = std::fs::read(path).map_err(|source| BatchError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_batch(path, &bytes, defaults, issued_at, tz)
}

fn err(path: &Path, line: u64, field: &str, problem: impl Into<String>) -> RowError {
    RowError {
        path: path.to_path_buf(),
        line,
        field: field.to_string(),
        problem: problem.into(),
    }
}

pub fn parse_batch(
    path: &Path,
    bytes: &[u8],
    defaults: &Defaults,
    issued_at: u64,
    tz: FixedOffset,
) -> Result<Vec<BatchRow>, BatchError> {
    let one = |e: RowError| BatchError::Rows(vec![e]);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Strict UTF-8: a clerk's file saved as GBK must fail loudly, naming
    // the line, rather than turn 京 into replacement characters.
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        return Err(one(err(
            path,
            line,
            "file",
            "not valid UTF-8 (save the file as UTF-8)",
        )));
    }
    if let Some(line) = unterminated_quote_line(bytes) {
        return Err(one(err(path, line, "file", "unterminated quoted field")));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| one(err(path, 1, "header", e.to_string())))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect::<Vec<_>>();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            let problem = format!("unknown column {h:?} (known: {})", COLUMNS.join(", "));
            return Err(one(err(path, 1, "header", problem)));
        }
    }
    for need in ["reference", "amount"] {
        if !headers.iter().any(|h| h == need) {
            return Err(one(err(
                path,
                1,
                "header",
                format!("missing required column {need:?}"),
            )));
        }
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let cols: HashMap<&str, Option<usize>> = COLUMNS.iter().map(|&c| (c, col(c))).collect();

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(err(path, line, "row", e.to_string()));
                break;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let cell = |name: &str| -> Option<&str> {
            cols[name]
                .and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        match parse_row(path, line, &cell, defaults, issued_at, tz) {
            Ok(row) => {
                if let Some(first) = seen.insert(row.reference.clone(), line) {
                    errors.push(err(
                        path,
                        line,
                        "reference",
                        format!("{:?} repeats line {first}", row.reference),
                    ));
                } else {
                    rows.push(row);
                }
            }
            Err(e) => errors.push(e),
        }
        if errors.len() >= MAX_ROW_ERRORS {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(BatchError::Rows(errors));
    }
    Ok(rows)
}

fn parse_row<'a>(
    path: &Path,
    line: u64,
    cell: &dyn Fn(&str) -> Option<&'a str>,
    d: &Defaults,
    issued_at: u64,
    tz: FixedOffset,
) -> Result<BatchRow, RowError> {
    let e = |field: &str, problem: String| err(path, line, field, problem);
    let reference = cell("reference")
        .ok_or_else(|| e("reference", "empty".into()))?
        .to_string();
    code::check_text("reference", &reference, code::MAX_REFERENCE_LEN)
        .map_err(|x| e("reference", strip_field(x)))?;
    let kind = match cell("kind") {
        Some(k) => k.parse().map_err(|m| e("kind", m))?,
        None => d
            .kind
            .ok_or_else(|| e("kind", "empty and no --kind given".into()))?,
    };
    let currency = match cell("currency") {
        Some(c) => Currency::from_code(c)
            .ok_or_else(|| e("currency", format!("{c:?} is not an ISO 4217 currency")))?,
        None => d
            .currency
            .ok_or_else(|| e("currency", "empty and no --currency given".into()))?,
    };
    let amount_text = cell("amount").ok_or_else(|| e("amount", "empty".into()))?;
    let amount = currency
        .parse_amount(amount_text)
        .map_err(|x| e("amount", x.to_string()))?;
    if amount == 0 {
        return Err(e("amount", "must be greater than zero".into()));
    }
    let payee = match cell("payee") {
        Some(p) => p.to_string(),
        None => d
            .payee
            .clone()
            .ok_or_else(|| e("payee", "empty and no --payee given".into()))?,
    };
    code::check_text("payee", &payee, code::MAX_PAYEE_LEN)
        .map_err(|x| e("payee", strip_field(x)))?;
    let expires_at = match (cell("expires_at"), cell("expires_in")) {
        (Some(_), Some(_)) => {
            return Err(e(
                "expires_at",
                "give expires_at or expires_in, not both".into(),
            ));
        }
        (Some(t), None) => {
            time::parse_time(t, issued_at, tz).map_err(|x| e("expires_at", x.to_string()))?
        }
        (None, Some(dur)) => {
            issued_at + time::parse_duration(dur).map_err(|x| e("expires_in", x.to_string()))?
        }
        (None, None) => match (d.expires_at, d.expires_in) {
            (Some(t), _) => t,
            (None, Some(s)) => issued_at + s,
            (None, None) => {
                return Err(e(
                    "expires_in",
                    "empty and no --expires-in/--expires-at given".into(),
                ));
            }
        },
    };
    if expires_at <= issued_at {
        return Err(e(
            "expires_at",
            format!(
                "{} is not after the issue time",
                time::format_utc(expires_at)
            ),
        ));
    }
    if expires_at - issued_at > code::MAX_VALIDITY_SECS {
        return Err(e(
            "expires_at",
            "more than ten years after the issue time".into(),
        ));
    }
    let description = cell("description")
        .map(String::from)
        .or_else(|| d.description.clone());
    if let Some(desc) = &description {
        code::check_text("description", desc, code::MAX_DESCRIPTION_LEN)
            .map_err(|x| e("description", strip_field(x)))?;
    }
    Ok(BatchRow {
        line,
        reference,
        kind,
        amount,
        currency,
        payee,
        expires_at,
        description,
    })
}

/// "field reference: control character" → "control character".
fn strip_field(e: code::FormatError) -> String {
    match e {
        code::FormatError::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// The csv crate accepts a quote left open at end of file as a normal
/// record (a truncated file would then lose its tail silently): find it.
pub fn unterminated_quote_line(bytes: &[u8]) -> Option<u64> {
    let mut in_quotes = false;
    let mut line = 1u64;
    let mut open_line = 0u64;
    let mut field_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && field_start {
            in_quotes = true;
            open_line = line;
        }
        field_start = matches!(b, b',' | b'\t' | b'\n' | b'\r') && !in_quotes;
        if b == b'\n' {
            line += 1;
        }
        i += 1;
    }
    in_quotes.then_some(open_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults {
        Defaults {
            kind: Some(Kind::Fine),
            currency: Currency::from_code("CNY"),
            payee: Some("BJ-FINES".into()),
            expires_in: Some(14_400),
            expires_at: None,
            description: None,
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
}
