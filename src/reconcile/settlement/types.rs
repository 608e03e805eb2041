//! What a settlement file says, whatever its format: payments, amounts as
//! written, the references that name codes, and the errors.

use std::fmt;
use std::io;
use std::path::PathBuf;

use chrono::FixedOffset;

use crate::code::CodeId;
use crate::code::currency::{self, AmountError, Currency, Grouping};

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
    pub fn parse(s: &str) -> Result<Option<Format>, UnknownFormat> {
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
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }

    /// Chinese providers write Beijing time without an offset.
    pub fn default_tz(self) -> Option<FixedOffset> {
        match self {
            Format::Wechat | Format::Alipay => FixedOffset::east_opt(8 * 3600),
            _ => None,
        }
    }
}

/// A settlement format name [`Format::parse`] does not know (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a settlement format (one of: {names})", names = Format::NAMES)]
pub struct UnknownFormat(pub String);

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// Parses "200.00", "1234.5": the one amount grammar
    /// ([`crate::code::amount`]), so "1,234.50" and "200,00" are refused.
    pub fn parse(text: &str) -> Result<Amount, AmountError> {
        let t = text.trim();
        let scale = t.split_once('.').map_or(0, |(_, f)| f.len());
        let scale = u8::try_from(scale).map_err(|_| AmountError::Overflow(t.to_string()))?;
        Ok(Amount {
            units: currency::parse_minor(t, scale)?,
            scale,
        })
    }

    /// [`Amount::parse`] of a cell in a file whose grouping was declared
    /// ("1,234.50" with [`Grouping::Comma`]); `None`: the plain grammar.
    pub fn parse_grouped(text: &str, grouping: Option<Grouping>) -> Result<Amount, AmountError> {
        match grouping {
            None => Amount::parse(text),
            Some(g) => Amount::parse(&g.ungroup(text)?),
        }
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
/// for every miss, and unknown references are common).
fn parse_code_id(s: &str) -> Option<CodeId> {
    crate::code::parse_hex::<8>(s).map(CodeId)
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

/// A problem with one row: `FILE:LINE: field: problem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub path: PathBuf,
    pub line: u64,
    /// The field ("amount"), or `None` for a problem with the row as a whole.
    pub field: Option<String>,
    pub problem: String,
    /// The typed cause of `problem`, when it has one: for a caller that
    /// words it in another language (`problem` is its English text).
    pub cause: Option<RowCause>,
}

/// A row problem's typed cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowCause {
    #[error(transparent)]
    Amount(AmountError),
    /// An amount of a generic file: a ',' in it comes with how to declare
    /// the file's grouping in the column map.
    #[error("{}", grouped_amount(.0))]
    GenericAmount(AmountError),
    #[error(transparent)]
    Time(crate::code::time::TimeError),
}

fn grouped_amount(e: &AmountError) -> String {
    if e.is_comma() {
        format!(
            "{e}; or, if the file writes amounts so, declare it in the column map: \
             --map ...,grouping=comma (1,234.50) or grouping=dot (1.234,50)"
        )
    } else {
        e.to_string()
    }
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
