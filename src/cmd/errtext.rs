//! The library's typed errors and refusal facts in the reader's language:
//! each variant matched and worded from the catalog
//! ([`payqr::i18n::errors`]). The library's own Display stays English (it
//! is its API); in English these read exactly as it does (tested below).

use payqr::code::FormatError;
use payqr::code::base45::Base45Error;
use payqr::emv::profile::{Disagreement, GUI, ProfileError};
use payqr::emv::tlv::EmvError;
use payqr::i18n::{Lang, errors as msg};
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
