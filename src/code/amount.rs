//! The one amount grammar: how payqr reads a decimal amount wherever it
//! comes from — a flag, a batch row, a settlement file, EMV tag 54.
//!
//! An amount is ASCII digits, optionally a '.' and at least one fraction
//! digit ("200", "200.00", "0.5"); a leading '+' is allowed, a '-' is not
//! (which way money moved is said elsewhere: a refund row, `CdtDbtInd`).
//! No ',' at all: "1,000" (a thousand, or 1.000 in a decimal-comma
//! locale?) and "200,00" (a decimal comma) cannot be told apart safely, so
//! both are refused with the spelling to use. No exponents, inner spaces,
//! other separators or non-ASCII digits. More fraction digits than the
//! currency's exponent is an error (unless they are zeros), never a
//! rounding.
//!
//! A settlement file that groups digits ("1,234.50", "1.234,50") is read
//! only when its column map declares how ([`Grouping`]); the declaration
//! turns each cell into the grammar above, checking that groups are of
//! three digits, so a mistaken declaration is an error, not a misreading.

use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("amount is empty")]
    Empty,
    #[error("{0:?} is not a decimal amount (digits with an optional '.' fraction)")]
    Syntax(String),
    #[error("{text:?} has {digits} fraction digits but the currency has {exponent}")]
    TooPrecise {
        text: String,
        digits: usize,
        exponent: u8,
    },
    #[error("{0:?} is too large")]
    Overflow(String),
    #[error("{text:?}: ',' is not a decimal point (decimal comma?): write {fixed}")]
    DecimalComma { text: String, fixed: String },
    #[error(
        "{text:?}: amounts take no thousands separators (',' is ambiguous: 1,000 or 1.000?): write {fixed}"
    )]
    Separator { text: String, fixed: String },
    #[error("{text:?} is not an amount grouped as declared ({grouping}: like {})", .grouping.example())]
    Grouping { text: String, grouping: Grouping },
    #[error("amount must be greater than zero")]
    Zero,
    #[error("negative amounts are not allowed: {0:?}")]
    Negative(String),
}

impl AmountError {
    /// Whether the text used ',' the way a locale's number format does
    /// (grouping or decimal comma): what a declared [`Grouping`] is for.
    pub fn is_comma(&self) -> bool {
        matches!(
            self,
            AmountError::DecimalComma { .. } | AmountError::Separator { .. }
        )
    }
}

/// Exact decimal → minor units of a currency with this exponent, in the
/// grammar of this module.
pub fn parse_minor(text: &str, exponent: u8) -> Result<u64, AmountError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AmountError::Empty);
    }
    if t.starts_with('-') {
        return Err(AmountError::Negative(t.to_string()));
    }
    if t.contains(',') {
        return Err(comma_error(t));
    }
    let digits = t.strip_prefix('+').unwrap_or(t);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let syntax = || AmountError::Syntax(t.to_string());
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(syntax());
    }
    let mut frac = frac.unwrap_or("");
    if frac.len() > usize::from(exponent) {
        // "1500.0" in a 0-exponent currency is fine: only zeros go.
        let (keep, extra) = frac.split_at(usize::from(exponent));
        if !extra.bytes().all(|b| b == b'0') {
            return Err(AmountError::TooPrecise {
                text: t.to_string(),
                digits: frac.len(),
                exponent,
            });
        }
        frac = keep;
    }
    let overflow = || AmountError::Overflow(t.to_string());
    let mut value: u64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or_else(overflow)?;
    }
    for _ in frac.len()..usize::from(exponent) {
        value = value.checked_mul(10).ok_or_else(overflow)?;
    }
    Ok(value)
}

/// The error for an amount holding a ',', with the spelling it most
/// likely meant: read as thousands grouped by ',' ("1,000" → "1000",
/// "2,500.00" → "2500.00"), else as a decimal comma, possibly with '.'
/// grouping ("200,00" → "200.00", "1.234,50" → "1234.50").
fn comma_error(text: &str) -> AmountError {
    let t = text.strip_prefix('+').unwrap_or(text);
    if let Ok(fixed) = Grouping::Comma.ungroup(t) {
        return AmountError::Separator {
            text: text.to_string(),
            fixed: fixed.into_owned(),
        };
    }
    match Grouping::Dot.ungroup(t) {
        Ok(fixed) => AmountError::DecimalComma {
            text: text.to_string(),
            fixed: fixed.into_owned(),
        },
        Err(_) => AmountError::Syntax(text.to_string()),
    }
}

/// How a settlement file groups the digits of its amounts, declared by
/// whoever knows the file (its column map), never guessed: `Comma`
/// "1,234.50", `Dot` "1.234,50" (so ',' is the decimal mark), `Apostrophe`
/// "1'234.50". Groups are of three digits after a first of one to three;
/// an amount may also be written without grouping ("999.00").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Comma,
    Dot,
    Apostrophe,
}

impl Grouping {
    /// The names [`Grouping::parse`] accepts, with an example each.
    pub const NAMES: &str = "comma (1,234.50), dot (1.234,50), apostrophe (1'234.50)";

    pub fn parse(name: &str) -> Option<Grouping> {
        [Grouping::Comma, Grouping::Dot, Grouping::Apostrophe]
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(name.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Comma => "comma",
            Grouping::Dot => "dot",
            Grouping::Apostrophe => "apostrophe",
        }
    }

    /// One thousand two hundred thirty-four and a half, written so.
    pub fn example(self) -> &'static str {
        match self {
            Grouping::Comma => "1,234.50",
            Grouping::Dot => "1.234,50",
            Grouping::Apostrophe => "1'234.50",
        }
    }

    fn separator(self) -> char {
        match self {
            Grouping::Comma => ',',
            Grouping::Dot => '.',
            Grouping::Apostrophe => '\'',
        }
    }

    fn decimal_mark(self) -> char {
        match self {
            Grouping::Dot => ',',
            Grouping::Comma | Grouping::Apostrophe => '.',
        }
    }

    /// `text` in the plain grammar: group separators checked and removed,
    /// the decimal mark made '.'; a sign is kept. Borrowed when there was
    /// nothing to change.
    pub fn ungroup(self, text: &str) -> Result<Cow<'_, str>, AmountError> {
        let t = text.trim();
        let (sep, mark) = (self.separator(), self.decimal_mark());
        if !t.contains(sep) && mark == '.' {
            return Ok(Cow::Borrowed(t));
        }
        let bad = || AmountError::Grouping {
            text: t.to_string(),
            grouping: self,
        };
        let body = t.trim_start_matches(['+', '-']);
        let sign = &t[..t.len() - body.len()];
        let (int, frac) = match body.split_once(mark) {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if frac.is_some_and(|f| f.contains([sep, mark])) {
            return Err(bad());
        }
        if int.contains(sep) {
            let mut groups = int.split(sep);
            let first = groups.next().unwrap_or_default();
            if !(1..=3).contains(&first.len()) || !groups.all(|g| g.len() == 3) {
                return Err(bad());
            }
        }
        let int = int.replace(sep, "");
        Ok(Cow::Owned(match frac {
            Some(f) => format!("{sign}{int}.{f}"),
            None => format!("{sign}{int}"),
        }))
    }
}

impl fmt::Display for Grouping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// [`format_minor`] with a '-' before negative amounts; exact for any i128.
pub fn format_signed_minor(minor: i128, exponent: u8) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    if exponent == 0 {
        return format!("{sign}{m}");
    }
    let scale = 10u128.pow(u32::from(exponent));
    format!(
        "{sign}{}.{:0width$}",
        m / scale,
        m % scale,
        width = exponent as usize
    )
}

/// Minor units as a major-unit decimal in the grammar ("200.00").
pub fn format_minor(minor: u64, exponent: u8) -> String {
    format_signed_minor(i128::from(minor), exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_amounts() {
        for bad in [
            "", "abc", "1.", ".5", "1,2.00", "1e3", "0x10", "1.2.3", "１２", "1 000", "1'000", "+",
            "++1",
        ] {
            assert!(parse_minor(bad, 2).is_err(), "{bad:?} accepted");
        }
        assert!(matches!(
            parse_minor("-5", 2),
            Err(AmountError::Negative(_))
        ));
        assert!(matches!(
            parse_minor("184467440737095516.16", 2),
            Err(AmountError::Overflow(_))
        ));
        assert_eq!(parse_minor("+1.5", 2), Ok(150));
        assert_eq!(parse_minor(" 1500.000 ", 0), Ok(1500));
    }

    #[test]
    fn a_comma_is_refused_with_what_it_likely_meant() {
        let fixed = |t: &str| match parse_minor(t, 2) {
            Err(AmountError::Separator { fixed, .. }) => format!("sep {fixed}"),
            Err(AmountError::DecimalComma { fixed, .. }) => format!("dec {fixed}"),
            other => format!("{other:?}"),
        };
        assert_eq!(fixed("1,000"), "sep 1000");
        assert_eq!(fixed("1,234.50"), "sep 1234.50");
        assert_eq!(fixed("12,345,678"), "sep 12345678");
        assert_eq!(fixed("200,00"), "dec 200.00");
        assert_eq!(fixed("7,5"), "dec 7.5");
        // Not "1.23450", which the old hint said.
        assert_eq!(fixed("1.234,50"), "dec 1234.50");
        assert!(fixed("1,2.00").starts_with("Err(Syntax"));
    }

    #[test]
    fn a_declared_grouping_is_checked_not_guessed() {
        let read = |g: Grouping, t: &str| g.ungroup(t).map(Cow::into_owned);
        assert_eq!(read(Grouping::Comma, "1,234.50").unwrap(), "1234.50");
        assert_eq!(read(Grouping::Comma, "1,234,567").unwrap(), "1234567");
        assert_eq!(read(Grouping::Comma, "999.00").unwrap(), "999.00");
        assert_eq!(read(Grouping::Comma, "-1,000").unwrap(), "-1000");
        assert_eq!(read(Grouping::Dot, "1.234,50").unwrap(), "1234.50");
        assert_eq!(read(Grouping::Dot, "200,00").unwrap(), "200.00");
        assert_eq!(read(Grouping::Apostrophe, "1'234.50").unwrap(), "1234.50");
        for (g, bad) in [
            (Grouping::Comma, "1,2.00"),
            (Grouping::Comma, "1234,567"),
            (Grouping::Comma, "1,23,456.00"),
            (Grouping::Comma, ",123"),
            (Grouping::Comma, "1.234,50"),
            (Grouping::Dot, "1,234.50"),
            (Grouping::Dot, "1.23,4"),
            (Grouping::Apostrophe, "1'23"),
        ] {
            assert!(
                matches!(g.ungroup(bad), Err(AmountError::Grouping { .. })),
                "{g} {bad:?}"
            );
        }
        assert_eq!(Grouping::parse(" Comma "), Some(Grouping::Comma));
        assert_eq!(Grouping::parse("space"), None);
    }
}
