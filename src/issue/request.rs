//! One code asked for, before any check: the fields as a CSV row or the
//! command line gives them. Single and batch issuance both turn a
//! [`Request`] into a [`BatchRow`] with [`Request::check`], so a code from
//! flags obeys exactly the rules a batch row does.

use chrono::FixedOffset;

use crate::code;
use crate::code::currency::Currency;
use crate::code::time;
use crate::issue::problem::Problem;
use crate::issue::row::{BatchRow, Defaults};

/// The fields of one code as given (CSV cells or flags). `None`, an empty
/// or all-blank value falls back to the [`Defaults`]; values are trimmed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Request<'a> {
    pub reference: Option<&'a str>,
    /// In major units, e.g. `200.00`; the currency sets the decimals.
    pub amount: Option<&'a str>,
    /// `fine` or `bill`.
    pub kind: Option<&'a str>,
    /// ISO 4217 code, e.g. `CNY`.
    pub currency: Option<&'a str>,
    pub payee: Option<&'a str>,
    /// An absolute time (a time without an offset is in the `tz` given).
    pub expires_at: Option<&'a str>,
    /// A duration from the issue time, e.g. `4h`, `30d`.
    pub expires_in: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// Why a request was refused: the field (a CSV column name) and the
/// problem, e.g. `amount`: `must be greater than zero`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldError {
    pub field: &'static str,
    pub problem: Problem,
}

impl<'a> Request<'a> {
    /// Checks every field and fills the missing ones from `d`; `line` is
    /// kept in the row (the CSV line, for reports). Times without an
    /// offset are read in `tz`; the expiry must fall after `issued_at`
    /// and at most ten years later.
    pub fn check(
        &self,
        line: u64,
        d: &Defaults,
        issued_at: u64,
        tz: FixedOffset,
    ) -> Result<BatchRow, FieldError> {
        let cell = |v: Option<&'a str>| v.map(str::trim).filter(|s| !s.is_empty());
        let e = |field: &'static str, problem: Problem| FieldError { field, problem };
        let reference = cell(self.reference)
            .ok_or_else(|| e("reference", Problem::Empty))?
            .to_string();
        code::check_text("reference", &reference, code::MAX_REFERENCE_LEN)
            .map_err(|x| e("reference", Problem::Text(x)))?;
        let kind = match cell(self.kind) {
            Some(k) => k
                .parse()
                .map_err(|m: code::ParseKindError| e("kind", Problem::Kind(m)))?,
            None => d
                .kind
                .ok_or_else(|| e("kind", Problem::NoDefault { flag: "--kind" }))?,
        };
        let currency = match cell(self.currency) {
            Some(c) => Currency::from_code(c)
                .ok_or_else(|| e("currency", Problem::Currency(c.to_string())))?,
            None => d
                .currency
                .ok_or_else(|| e("currency", Problem::NoDefault { flag: "--currency" }))?,
        };
        let amount_text = cell(self.amount).ok_or_else(|| e("amount", Problem::Empty))?;
        let amount = currency
            .parse_amount(amount_text)
            .map_err(|x| e("amount", Problem::Amount(x)))?;
        if amount == 0 {
            return Err(e("amount", Problem::Zero));
        }
        let payee = match cell(self.payee) {
            Some(p) => p.to_string(),
            None => d
                .payee
                .clone()
                .ok_or_else(|| e("payee", Problem::NoDefault { flag: "--payee" }))?,
        };
        code::check_text("payee", &payee, code::MAX_PAYEE_LEN)
            .map_err(|x| e("payee", Problem::Text(x)))?;
        let expires_at = match (cell(self.expires_at), cell(self.expires_in)) {
            (Some(_), Some(_)) => {
                return Err(e("expires_at", Problem::BothExpiries));
            }
            (Some(t), None) => {
                time::parse_time(t, issued_at, tz).map_err(|x| e("expires_at", Problem::Time(x)))?
            }
            (None, Some(dur)) => {
                issued_at
                    + time::parse_duration(dur).map_err(|x| e("expires_in", Problem::Time(x)))?
            }
            (None, None) => match (d.expires_at, d.expires_in) {
                (Some(t), _) => t,
                (None, Some(s)) => issued_at + s,
                (None, None) => {
                    return Err(e(
                        "expires_in",
                        Problem::NoDefault {
                            flag: "--expires-in/--expires-at",
                        },
                    ));
                }
            },
        };
        if expires_at <= issued_at {
            return Err(e("expires_at", Problem::NotAfterIssue(expires_at)));
        }
        if expires_at - issued_at > code::MAX_VALIDITY_SECS {
            return Err(e("expires_at", Problem::TooLate));
        }
        let description = cell(self.description)
            .map(String::from)
            .or_else(|| d.description.clone());
        if let Some(desc) = &description {
            code::check_text("description", desc, code::MAX_DESCRIPTION_LEN)
                .map_err(|x| e("description", Problem::Text(x)))?;
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
}
