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
mod rows;
mod types;
pub mod wechat;

use std::fs;
use std::path::Path;

use chrono::FixedOffset;

use crate::input::encoding::TextEncoding;

pub use generic::{ColumnMap, ColumnMapError};
pub use types::{
    Amount, CodeRef, Format, MAX_ROW_ERRORS, Payment, RowCause, RowError, Settlement,
    SettlementError, UnknownFormat,
};

use rows::{UTF8_BOM, file_error};

/// How to read a file.
#[derive(Debug, Clone)]
pub struct Options {
    /// `None`: [`detect`].
    pub format: Option<Format>,
    /// Columns of a generic file.
    pub map: ColumnMap,
    /// Offset of times written without one; `None`: the format's default
    /// (+08:00 for WeChat and Alipay bills), else UTC, never this machine's
    /// zone (a file must mean the same wherever it is reconciled).
    pub tz: Option<FixedOffset>,
    /// `None`: UTF-8 for generic files; WeChat Pay and Alipay bills are
    /// read as UTF-8 when they are valid UTF-8, else as GB18030 (how
    /// Alipay writes them, and how Chinese Excel re-saves either).
    pub encoding: Option<TextEncoding>,
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
        .unwrap_or(FixedOffset::east_opt(0).expect("UTC"));
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

#[cfg(test)]
mod tests {
    use super::rows::*;
    use super::*;
    use crate::code::CodeId;
    use crate::code::currency::{self, AmountError};
    use crate::code::time;

    #[test]
    fn amounts_are_exact() {
        let a = Amount::parse("1234.50").unwrap();
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
        // The one amount grammar: a ',' is read only when declared.
        assert!(Amount::parse("1,234.50").unwrap_err().is_comma());
        assert_eq!(
            Amount::parse_grouped("1,234.50", Some(currency::Grouping::Comma)),
            Ok(a)
        );
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
        assert!(
            Format::parse("mt940")
                .unwrap_err()
                .to_string()
                .ends_with("(one of: auto, generic, wechat, alipay, camt052, camt053, camt054)")
        );
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
