//! Amounts as camt writes them (xs:decimal), exact, and the exact sums
//! the balance checks add up.

use super::super::types::Amount;

/// Why an amount element's text is not an amount the camt schema allows
/// (each variant holds the text, trimmed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XsDecimalError {
    #[error("{0:?} is not an xs:decimal amount")]
    Syntax(String),
    #[error("{0:?} is negative: amounts are written without sign, the direction is CdtDbtInd")]
    Negative(String),
    #[error("{0:?} has more than 5 digits after the point (the schema allows 5)")]
    Fraction(String),
    #[error("{0:?} has more than 18 digits (the schema allows 18)")]
    Digits(String),
}

/// An ISO 20022 amount (`ActiveOrHistoricCurrencyAndAmount`): an
/// xs:decimal — optional `+`, digits with at most one `.`, which may lead
/// or trail (".6", "6.", "+06.50"), surrounding XML whitespace — that the
/// schema bounds to at most 18 digits, 5 of them after the point, and to
/// no less than zero (the direction is `CdtDbtInd`). Exponents, thousands
/// separators and decimal commas are not xs:decimal and are refused.
pub fn xs_decimal(written: &str) -> Result<Amount, XsDecimalError> {
    let t = written.trim_matches([' ', '\t', '\r', '\n']);
    let bad = || XsDecimalError::Syntax(t.to_string());
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'+') => (false, &t[1..]),
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let int = int.trim_start_matches('0');
    let significant = frac.trim_end_matches('0');
    if negative && !(int.is_empty() && significant.is_empty()) {
        return Err(XsDecimalError::Negative(t.to_string()));
    }
    if significant.len() > 5 {
        return Err(XsDecimalError::Fraction(t.to_string()));
    }
    if int.len() + significant.len() > 18 {
        return Err(XsDecimalError::Digits(t.to_string()));
    }
    // Keep the fraction digits as written (they show in messages) while
    // they fit, else only the significant ones.
    let frac = if int.len() + frac.len() <= 18 {
        frac
    } else {
        significant
    };
    let units = format!("{int}{frac}");
    let units = if units.is_empty() {
        0
    } else {
        units.parse::<u64>().map_err(|_| bad())?
    };
    Ok(Amount {
        units,
        scale: frac.len() as u8,
    })
}

/// Amounts added exactly at 5 decimals (the most the schema allows), as
/// signed numbers: balances may be negative.
pub(super) fn exact(a: Amount) -> Option<i128> {
    let u = i128::from(a.units);
    if a.scale <= 5 {
        return Some(u * 10i128.pow(u32::from(5 - a.scale)));
    }
    let d = 10i128.checked_pow(u32::from(a.scale - 5))?;
    (u % d == 0).then(|| u / d)
}

/// The inverse of [`exact`] for a non-negative value, with no more
/// decimals than needed (and at least `scale`).
pub(super) fn inexact(v: i128, scale: u8) -> Option<Amount> {
    let (mut units, mut s) = (u64::try_from(v).ok()?, 5u8);
    while s > scale.min(5) && units % 10 == 0 {
        units /= 10;
        s -= 1;
    }
    Some(Amount { units, scale: s })
}

pub(super) fn show(v: i128) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let m = v.unsigned_abs();
    let s = format!("{sign}{}.{:05}", m / 100_000, m % 100_000);
    // Trim the padding back to two decimals at least.
    let trimmed = s.trim_end_matches('0');
    let point = trimmed.find('.').unwrap_or(trimmed.len());
    s[..(point + 3).max(trimmed.len())].to_string()
}
