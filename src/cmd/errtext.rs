//! The library's typed errors and refusal facts in the reader's language:
//! each variant matched and worded from the catalog
//! ([`payqr::i18n::errors`]). The library's own Display stays English (it
//! is its API); in English these read exactly as it does (tested below).

use payqr::code::FormatError;
use payqr::code::amount::AmountError;
use payqr::code::base45::Base45Error;
use payqr::code::time::TimeError;
use payqr::emv::profile::{Disagreement, GUI, ProfileError};
use payqr::emv::tlv::EmvError;
use payqr::i18n::{Lang, errors as msg, problems as p};
use payqr::issue::batch::RowError;
use payqr::issue::problem::Problem;
use payqr::ledger::{LedgerError, LineError, Reason};
use payqr::trust::TrustCancellation;
use payqr::verify::{Detail, Malformed};

/// Why a `PQ1:` text is not a code.
pub fn format_error(lang: Lang, e: &FormatError) -> String {
    match e {
        FormatError::NotPayqr => msg::not_payqr(lang, &format!("{:?}", payqr::code::TEXT_PREFIX)),
        FormatError::Base45(b) => msg::bad_base45(lang, &base45_error(lang, b)),
        FormatError::UnknownVersion(v) => msg::unknown_version(lang, v),
        FormatError::UnknownKind(b) => msg::unknown_kind(lang, b),
        FormatError::UnknownCurrency(n) => msg::unknown_currency(lang, n),
        FormatError::Truncated(f) => msg::truncated(lang, f),
        FormatError::TrailingBytes(n) => msg::trailing_bytes(lang, n),
        FormatError::NonCanonicalInt(f) => msg::non_canonical_int(lang, f),
        FormatError::Invalid { field, reason } => msg::invalid_field(lang, field, reason),
        FormatError::Signing(why) => msg::signing_failed(lang, why),
    }
}

fn base45_error(lang: Lang, e: &Base45Error) -> String {
    match e {
        Base45Error::BadChar(c, at) => msg::b45_bad_char(lang, &format!("{c:?}"), at),
        Base45Error::BadLength(n) => msg::b45_bad_length(lang, n),
        Base45Error::Overflow(at) => msg::b45_overflow(lang, at),
    }
}

/// Why an EMV payload is not a payqr code.
pub fn profile_error(lang: Lang, e: &ProfileError) -> String {
    match e {
        ProfileError::Emv(e) => emv_error(lang, e),
        ProfileError::Unsigned => msg::emv_unsigned(lang, &GUI),
        ProfileError::Parts(why) => msg::emv_parts(lang, why),
        ProfileError::Base45(b) => msg::emv_parts(lang, &base45_error(lang, b)),
        ProfileError::Format(f) => msg::emv_signed_code(lang, &format_error(lang, f)),
        ProfileError::Field { field, problem } => msg::emv_profile_field(lang, field, problem),
    }
}

/// Why a text is not a valid EMV payload (`payqr emv` and verify).
pub fn emv_error(lang: Lang, e: &EmvError) -> String {
    match e {
        EmvError::Empty => msg::emv_empty(lang),
        EmvError::Syntax { path, at, problem } => msg::emv_syntax(lang, at, path, problem),
        EmvError::Duplicate {
            path,
            first,
            second,
        } => msg::emv_duplicate(lang, path, first, second),
        EmvError::Structure(why) => msg::emv_structure(lang, why),
        EmvError::Crc { given, computed } => msg::emv_crc(lang, given, &format!("{computed:04X}")),
        EmvError::Field {
            path,
            name,
            problem,
        } => msg::emv_field(lang, path, name, problem),
    }
}

fn disagreement(lang: Lang, d: &Disagreement) -> String {
    let given = |v: &Option<String>| v.clone().unwrap_or_else(|| msg::absent(lang));
    match d {
        Disagreement::Currency { given: g, signed } => {
            msg::tampered_currency(lang, &given(g), signed, &format!("{:03}", signed.numeric))
        }
        Disagreement::Amount { given: g, signed } => msg::tampered_amount(lang, &given(g), signed),
        Disagreement::Reference {
            slot,
            slot_name,
            reference,
            shown,
        } => msg::tampered_reference(
            lang,
            &format!("{slot:02}"),
            slot_name,
            &format!("{reference:?}"),
            &shown
                .as_ref()
                .map_or_else(|| msg::absent(lang), |v| format!("{v:?}")),
        ),
    }
}

fn trust_cancellation(lang: Lang, t: &TrustCancellation) -> String {
    match t {
        TrustCancellation::Rule { key_id, before } => msg::cancelled_rule(lang, key_id, before),
        TrustCancellation::Code { sequence } => msg::cancelled_bundle(lang, sequence),
        TrustCancellation::Unreadable { sequence, error } => {
            msg::cancelled_unreadable(lang, sequence, error)
        }
    }
}

/// A refusal's reason from the verdict's typed detail: malformed,
/// tampered, cancelled. None for a detail worded elsewhere.
pub fn refusal(lang: Lang, d: &Detail) -> Option<String> {
    Some(match d {
        Detail::Malformed(Malformed::Code(e)) => format_error(lang, e),
        Detail::Malformed(Malformed::Emv(e)) => profile_error(lang, e),
        Detail::Tampered(d) => disagreement(lang, d),
        Detail::CancelledInLedger {
            time,
            reason,
            before: None,
        } => msg::cancelled_at(lang, time, reason),
        Detail::CancelledInLedger {
            time,
            reason,
            before: Some((key, before)),
        } => msg::cancelled_before(lang, key, before, time, reason),
        Detail::CancelledInTrust(t) => trust_cancellation(lang, t),
        _ => return None,
    })
}

/// Why an amount was refused (batch rows, flags, settlement files).
pub fn amount_error(lang: Lang, e: &AmountError) -> String {
    let q = |s: &str| format!("{s:?}");
    match e {
        AmountError::Empty => p::amount_empty(lang),
        AmountError::Syntax(t) => p::amount_syntax(lang, &q(t)),
        AmountError::TooPrecise {
            text,
            digits,
            exponent,
        } => p::amount_too_precise(lang, &q(text), digits, exponent),
        AmountError::Overflow(t) => p::amount_overflow(lang, &q(t)),
        AmountError::DecimalComma { text, fixed } => p::amount_decimal_comma(lang, &q(text), fixed),
        AmountError::Separator { text, fixed } => p::amount_separator(lang, &q(text), fixed),
        AmountError::Grouping { text, grouping } => {
            p::amount_grouping(lang, &q(text), grouping, &grouping.example())
        }
        AmountError::Zero => p::amount_zero(lang),
        AmountError::Negative(t) => p::amount_negative(lang, &q(t)),
    }
}

/// Why a time, duration or offset was refused.
pub fn time_error(lang: Lang, e: &TimeError) -> String {
    let q = |s: &str| format!("{s:?}");
    match e {
        TimeError::Duration(t) => p::time_duration(lang, &q(t)),
        TimeError::Time(t) => p::time_time(lang, &q(t)),
        TimeError::Offset(t) => p::time_offset(lang, &q(t)),
        TimeError::BeforeEpoch(t) => p::time_before_epoch(lang, t),
    }
}

/// What is wrong with a batch cell, row or header, or a flag's value.
pub fn problem(lang: Lang, e: &Problem) -> String {
    let q = |s: &str| format!("{s:?}");
    match e {
        Problem::Empty => p::empty(lang),
        Problem::NoDefault { flag } => p::no_default(lang, flag),
        Problem::Kind(k) => p::kind(lang, &q(&k.0)),
        Problem::Currency(c) => p::currency(lang, &q(c)),
        Problem::Amount(a) => amount_error(lang, a),
        Problem::Zero => p::zero(lang),
        // The reason check_text gives (English: data with its field).
        Problem::Text(_) => p::text(lang, e),
        Problem::BothExpiries => p::both_expiries(lang),
        Problem::Time(t) => time_error(lang, t),
        Problem::NotAfterIssue(t) => p::not_after_issue(lang, &payqr::code::time::format_utc(*t)),
        Problem::TooLate => p::too_late(lang),
        Problem::Repeats { reference, first } => p::repeats(lang, &q(reference), first),
        Problem::UnknownColumn { column, known } => p::unknown_column(lang, &q(column), known),
        Problem::MissingColumn(c) => p::missing_column(lang, &q(c)),
        Problem::FieldCount {
            cells,
            expected,
            comma: None,
        } => p::field_count(lang, cells, expected),
        Problem::FieldCount {
            cells,
            expected,
            comma: Some(c),
        } => p::field_count_comma(lang, cells, expected, &c.0, &c.1),
        Problem::UnterminatedQuote => p::unterminated_quote(lang),
        Problem::NotUtf8 => p::not_utf8(lang),
        Problem::Io(why) => p::io(lang, why),
        Problem::Csv(why) => p::csv(lang, why),
    }
}

/// `FILE:LINE: field: problem`; a column keeps its CSV name, the words
/// header, row and file are translated.
pub fn row_error(lang: Lang, e: &RowError) -> String {
    let field = match e.field.as_str() {
        "header" => p::field_header(lang),
        "row" => p::field_row(lang),
        "file" => p::field_file(lang),
        column => column.to_string(),
    };
    p::row_error(
        lang,
        &e.path.display(),
        &e.line,
        &field,
        &problem(lang, &e.problem),
    )
}

/// A ledger error: where, and why a line or the file cannot be believed.
/// Reasons the ledger words itself (conflicts, a database's message) and
/// the operating system's words stay as they are, inside the sentence.
pub fn ledger_error(lang: Lang, e: &LedgerError) -> String {
    match e {
        LedgerError::Line { path, line, reason } => {
            let why = match reason.as_ref() {
                Reason::Line(l) => line_error(lang, l),
                other => other.to_string(),
            };
            msg::ledger_at_line(lang, &path.display(), line, &why)
        }
        LedgerError::Torn { path, line } => msg::ledger_torn(lang, &path.display(), line),
        LedgerError::LockUnsupported { path, source } => {
            msg::ledger_lock_unsupported(lang, &path.display(), source)
        }
        LedgerError::Lost { path, reason } => msg::ledger_lost(lang, &path.display(), reason),
        other => other.to_string(),
    }
}

fn line_error(lang: Lang, e: &LineError) -> String {
    match e {
        LineError::TooShort => msg::line_too_short(lang),
        LineError::NotFramed => msg::line_not_framed(lang),
        LineError::Checksum => msg::line_checksum(lang),
        LineError::ChainBroken => msg::line_chain_broken(lang),
        LineError::Syntax(detail) => msg::line_syntax(lang, detail),
        LineError::Empty => msg::line_empty(lang),
        LineError::Fields { found, expected } => msg::line_fields(lang, found, expected),
        LineError::CsvHeader { want } => msg::line_csv_header(lang, &format!("{want:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use payqr::code::amount::Grouping;

    fn is_zh(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Every variant: English reads as the library's Display, Chinese is
    /// Chinese (the catalog test proves both texts exist; this one that
    /// the CLI picks the right one with the right values).
    /// Ledger errors: English as the library's Display, Chinese for the
    /// words payqr owns (a tampered line is what `ledger check` shows).
    #[test]
    fn ledger_errors_read_as_the_library_in_english() {
        use std::path::PathBuf;
        let lines = [
            LineError::TooShort,
            LineError::NotFramed,
            LineError::Checksum,
            LineError::ChainBroken,
            LineError::Syntax("expected value at line 1 column 1".into()),
            LineError::Empty,
            LineError::Fields {
                found: 3,
                expected: 12,
            },
            LineError::CsvHeader { want: "seq,event" },
        ];
        let path = PathBuf::from("l.jsonl");
        let mut all: Vec<LedgerError> = lines
            .into_iter()
            .map(|l| LedgerError::Line {
                path: path.clone(),
                line: 3,
                reason: Box::new(Reason::Line(l)),
            })
            .collect();
        all.push(LedgerError::Torn {
            path: path.clone(),
            line: 9,
        });
        all.push(LedgerError::LockUnsupported {
            path: path.clone(),
            source: std::io::Error::other("nfs"),
        });
        all.push(LedgerError::Lost {
            path: path.clone(),
            reason: "l.jsonl.idx covered 3 records".into(),
        });
        for e in &all {
            assert_eq!(ledger_error(Lang::En, e), e.to_string());
            let zh = ledger_error(Lang::ZhCn, e);
            assert!(is_zh(&zh) && zh.starts_with("l.jsonl"), "{zh}");
        }
    }

    #[test]
    fn typed_errors_read_as_the_library_in_english() {
        let amounts = [
            AmountError::Empty,
            AmountError::Syntax("1x".into()),
            AmountError::TooPrecise {
                text: "1.234".into(),
                digits: 3,
                exponent: 2,
            },
            AmountError::Overflow("9".repeat(40)),
            AmountError::DecimalComma {
                text: "1,5".into(),
                fixed: "1.5".into(),
            },
            AmountError::Separator {
                text: "1,000.00".into(),
                fixed: "1000.00".into(),
            },
            AmountError::Grouping {
                text: "1.2.3".into(),
                grouping: Grouping::Dot,
            },
            AmountError::Zero,
            AmountError::Negative("-1".into()),
        ];
        let times = [
            TimeError::Duration("4x".into()),
            TimeError::Time("noon".into()),
            TimeError::Offset("+25".into()),
            TimeError::BeforeEpoch("1969-01-01T00:00:00Z".into()),
        ];
        let mut problems: Vec<Problem> = vec![
            Problem::Empty,
            Problem::NoDefault { flag: "--payee" },
            Problem::Kind(payqr::code::ParseKindError("tax".into())),
            Problem::Currency("XXY".into()),
            Problem::Zero,
            Problem::Text(FormatError::Invalid {
                field: "reference",
                reason: "leading or trailing whitespace".into(),
            }),
            Problem::BothExpiries,
            Problem::NotAfterIssue(1_795_392_000),
            Problem::TooLate,
            Problem::Repeats {
                reference: "京A1".into(),
                first: 2,
            },
            Problem::UnknownColumn {
                column: "amout".into(),
                known: "reference, amount".into(),
            },
            Problem::MissingColumn("amount"),
            Problem::FieldCount {
                cells: 4,
                expected: 3,
                comma: None,
            },
            Problem::FieldCount {
                cells: 4,
                expected: 3,
                comma: Some(Box::new(("200".into(), "00".into()))),
            },
            Problem::UnterminatedQuote,
            Problem::NotUtf8,
            Problem::Io("permission denied".into()),
            Problem::Csv("bad".into()),
        ];
        problems.extend(amounts.iter().cloned().map(Problem::Amount));
        problems.extend(times.iter().cloned().map(Problem::Time));
        for e in &problems {
            assert_eq!(problem(Lang::En, e), e.to_string());
            let zh = problem(Lang::ZhCn, e);
            assert!(is_zh(&zh), "{e:?}: {zh}");
            for field in ["amount", "header", "row", "file"] {
                let row = RowError {
                    path: "fines.csv".into(),
                    line: 3,
                    field: field.into(),
                    problem: e.clone(),
                };
                assert_eq!(row_error(Lang::En, &row), row.to_string());
                assert!(row_error(Lang::ZhCn, &row).starts_with("fines.csv:3："));
            }
        }
        let formats = [
            FormatError::NotPayqr,
            FormatError::Base45(Base45Error::BadChar('a', 0)),
            FormatError::Base45(Base45Error::BadLength(4)),
            FormatError::Base45(Base45Error::Overflow(3)),
            FormatError::UnknownVersion(9),
            FormatError::UnknownKind(7),
            FormatError::UnknownCurrency(999),
            FormatError::Truncated("payee"),
            FormatError::TrailingBytes(2),
            FormatError::NonCanonicalInt("amount"),
            FormatError::Signing("token removed".into()),
        ];
        for e in &formats {
            assert_eq!(format_error(Lang::En, e), e.to_string());
            assert!(is_zh(&format_error(Lang::ZhCn, e)), "{e:?}");
            let p = ProfileError::Format(e.clone());
            assert_eq!(profile_error(Lang::En, &p), p.to_string());
        }
        let profiles = [
            ProfileError::Unsigned,
            ProfileError::Parts("parts 2 are not 1..1".into()),
            ProfileError::Base45(Base45Error::BadLength(4)),
            ProfileError::Field {
                field: "reference",
                problem: "not ASCII".into(),
            },
            ProfileError::Emv(EmvError::Empty),
            ProfileError::Emv(EmvError::Crc {
                given: "0000".into(),
                computed: 0xBEEF,
            }),
            ProfileError::Emv(EmvError::Duplicate {
                path: "26".into(),
                first: 4,
                second: 40,
            }),
            ProfileError::Emv(EmvError::Syntax {
                path: "26".into(),
                at: 4,
                problem: "length".into(),
            }),
            ProfileError::Emv(EmvError::Structure("no 63".into())),
        ];
        for e in &profiles {
            assert_eq!(profile_error(Lang::En, e), e.to_string());
            assert!(is_zh(&profile_error(Lang::ZhCn, e)), "{e:?}");
        }
    }
}
