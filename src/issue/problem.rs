//! What is wrong with one cell, row or header of a batch file (or with a
//! flag of a single code): typed, so that a caller can word it in another
//! language; the Display is the English text of `FILE:LINE: field: problem`.

use crate::code::amount::AmountError;
use crate::code::time::{self, TimeError};
use crate::code::{FormatError, ParseKindError};

/// One problem. Values are as read (trimmed cells, column names).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("empty")]
    Empty,
    /// Empty, and the flag that gives a default was not given either.
    #[error("empty and no {flag} given")]
    NoDefault { flag: &'static str },
    #[error(transparent)]
    Kind(ParseKindError),
    #[error("{0:?} is not an ISO 4217 currency")]
    Currency(String),
    #[error(transparent)]
    Amount(AmountError),
    #[error("must be greater than zero")]
    Zero,
    /// A text field refused by `code::check_text` (its reason, without
    /// the field name the row already gives).
    #[error("{}", text_reason(.0))]
    Text(FormatError),
    #[error("give expires_at or expires_in, not both")]
    BothExpiries,
    #[error(transparent)]
    Time(TimeError),
    /// The expiry (UTC seconds) is not after the issue time.
    #[error("{} is not after the issue time", time::format_utc(*.0))]
    NotAfterIssue(u64),
    #[error("more than ten years after the issue time")]
    TooLate,
    #[error("{reference:?} repeats line {first}")]
    Repeats { reference: String, first: u64 },
    #[error("unknown column {column:?} (known: {known})")]
    UnknownColumn { column: String, known: String },
    #[error("missing required column {0:?}")]
    MissingColumn(&'static str),
    /// A row with another number of cells than the header; `comma`: the
    /// amount cell and the next look like a decimal comma split them
    /// (`"200"`, `"00"`).
    #[error("{}", field_count(*.cells, *.expected, .comma.as_deref()))]
    FieldCount {
        cells: usize,
        expected: u64,
        comma: Option<Box<(String, String)>>,
    },
    #[error("unterminated quoted field")]
    UnterminatedQuote,
    #[error("not valid UTF-8 (save the file as UTF-8, or pass --encoding gbk if it is GBK)")]
    NotUtf8,
    /// The file could not be read (the system's words).
    #[error("{0}")]
    Io(String),
    /// Any other CSV error (the CSV reader's words).
    #[error("{0}")]
    Csv(String),
}

/// "field reference: control character" → "control character".
fn text_reason(e: &FormatError) -> String {
    match e {
        FormatError::Invalid { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

fn field_count(cells: usize, expected: u64, comma: Option<&(String, String)>) -> String {
    match comma {
        Some((int, frac)) => format!(
            "{cells} cells, the header has {expected}: amount \"{int},{frac}\" looks like a \
             decimal comma; write {int}.{frac} ('.' is the decimal point)"
        ),
        None => format!(
            "{cells} cells, the header has {expected} (a ',' inside a cell? quote the cell)"
        ),
    }
}
