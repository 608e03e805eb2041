//! Flag values parsed once, by clap, when the command line is read: a bad
//! value is a usage error (exit 2) before anything is opened, and `run()`
//! functions get typed values, never strings to parse again.
//!
//! These parsers return `Result<_, String>` on purpose: clap takes any
//! error convertible into `Box<dyn Error>`, shows only its text (after
//! "invalid value 'X' for '--flag': "), and nothing matches on it, since
//! clap exits with its usage error first. The typed errors are the
//! library's (`TimeError`, `UnknownFormat`, `UnknownStatus`), turned into
//! that text here.

use chrono::FixedOffset;

use payqr::code::currency::Currency;
use payqr::code::time;
use payqr::verify::MAX_SKEW;

/// `--tz`: `+08:00`, `-05:30`, `Z`, `UTC`.
pub fn tz(s: &str) -> Result<FixedOffset, String> {
    time::parse_offset(s).map_err(|e| e.to_string())
}

/// `--skew`: a duration of at most [`MAX_SKEW`] (1h).
pub fn skew(s: &str) -> Result<u64, String> {
    let skew = time::parse_duration(s).map_err(|e| e.to_string())?;
    if skew > MAX_SKEW {
        // A clock off by more than an hour is wrong (a bad time zone, a
        // dead battery): to be fixed, not tolerated.
        return Err(format!(
            "--skew {}: more than the limit of 1h (a clock off by more than an hour is to be set right, not tolerated)",
            s.trim()
        ));
    }
    Ok(skew)
}

/// `--currency`: an ISO 4217 code, any case.
pub fn currency(s: &str) -> Result<Currency, String> {
    Currency::from_code(s).ok_or_else(|| format!("{s:?} is not an ISO 4217 currency"))
}

/// One item of `issue --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    Png,
    Svg,
    NoticeSvg,
}

/// An item of `issue --format LIST`, any case.
pub fn out_format(s: &str) -> Result<OutFormat, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "png" => Ok(OutFormat::Png),
        "svg" => Ok(OutFormat::Svg),
        "notice-svg" => Ok(OutFormat::NoticeSvg),
        other => Err(format!("unknown format {other:?} (png, svg, notice-svg)")),
    }
}

/// The formats of `issue --format`, folded together.
pub fn formats(list: &[OutFormat]) -> payqr::issue::issuance::Formats {
    let mut f = payqr::issue::issuance::Formats::default();
    for item in list {
        match item {
            OutFormat::Png => f.png = true,
            OutFormat::Svg => f.svg = true,
            OutFormat::NoticeSvg => f.notice_svg = true,
        }
    }
    f
}

/// `reconcile --format`: a settlement format, or `auto` (None: told by
/// each file's content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementFormat(pub Option<payqr::reconcile::settlement::Format>);

pub fn settlement_format(s: &str) -> Result<SettlementFormat, String> {
    payqr::reconcile::settlement::Format::parse(s)
        .map(SettlementFormat)
        .map_err(|e| e.to_string())
}

/// An item of `reconcile --fail-on LIST`: a status name, any case
/// ([`payqr::reconcile::Status`]'s `FromStr`).
pub fn status(s: &str) -> Result<payqr::reconcile::Status, String> {
    s.parse().map_err(|e| format!("unknown status: {e}"))
}

/// `--lang`: `en` or `zh-CN` (also `zh`, `zh_CN`; any case). Possible
/// values, so that completions offer them.
pub fn lang() -> impl clap::builder::TypedValueParser<Value = payqr::i18n::Lang> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new([
        PossibleValue::new("en").help("English (the default)"),
        PossibleValue::new("zh-CN")
            .aliases(["zh", "zh_CN", "zh-Hans"])
            .help("Simplified Chinese"),
    ])
    .map(|s| payqr::i18n::Lang::parse(&s).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_once_and_refuse_clearly() {
        assert_eq!(tz("+08:00").unwrap().local_minus_utc(), 8 * 3600);
        assert!(tz("+25:00").is_err());
        assert_eq!(skew("1h").unwrap(), 3600);
        assert!(
            skew("1h1s")
                .unwrap_err()
                .contains("more than the limit of 1h")
        );
        assert_eq!(currency("cny").unwrap().code, "CNY");
        assert!(currency("XYZ").is_err());
        assert_eq!(out_format(" Notice-SVG ").unwrap(), OutFormat::NoticeSvg);
        let f = formats(&[OutFormat::Png, OutFormat::NoticeSvg]);
        assert!(f.png && f.notice_svg && !f.svg);
        assert_eq!(
            status("MATCHED").unwrap(),
            payqr::reconcile::Status::Matched
        );
        assert!(status("bogus").unwrap_err().contains("unknown status"));
    }
}
