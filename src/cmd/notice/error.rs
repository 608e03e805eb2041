//! What can stop `payqr notice`, each with what to do about it, in the
//! language of [`crate::cmd::lang`].

use std::path::PathBuf;

use payqr::code::CodeId;
use payqr::i18n::cli as msg;

use crate::cmd::Failure;

#[derive(Debug)]
pub enum Error {
    /// `--ledger` names no file.
    NoLedger(PathBuf),
    /// No code with this id was issued in the ledger.
    NotIssued { ledger: PathBuf, code_id: String },
    /// The code id was issued by several issuers: `--issuer` tells which.
    SeveralIssuers {
        code_id: String,
        issuers: Vec<String>,
    },
    /// The ledger line has no payload (older payqr, or a CSV ledger).
    PayloadNotKept { ledger: PathBuf, seq: u64 },
    /// The payload kept is not the one the record's digest names.
    PayloadMismatch { ledger: PathBuf, seq: u64 },
    /// The trust list does not name the issuer (its name is printed).
    IssuerNotTrusted { issuer: String, trust: PathBuf },
    /// `--format png` to a terminal.
    PngToTerminal,
    /// The A6 notice prints the issuer's name: it needs `--trust`.
    NoTrust,
    /// `--format` and `--out`'s extension disagree (format, extension).
    FormatVsExtension(String, String),
    /// A reissue replaced the code (exit 1): its notice would be refused.
    Replaced { code_id: String, by: CodeId },
    /// The code was cancelled (exit 1), for this reason.
    Cancelled { code_id: String, reason: String },
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let lang = crate::cmd::lang();
        match e {
            Error::NoLedger(p) => Failure::new(msg::notice_no_ledger(lang, &p.display())),
            Error::NotIssued { ledger, code_id } => {
                Failure::new(msg::notice_not_issued(lang, &ledger.display(), &code_id))
            }
            Error::SeveralIssuers { code_id, issuers } => Failure::new(
                msg::notice_several_issuers(lang, &code_id, &issuers.join(", ")),
            ),
            Error::PayloadNotKept { ledger, seq } => {
                Failure::new(msg::notice_payload_not_kept(lang, &ledger.display(), &seq))
                    .hint(msg::notice_payload_not_kept_hint(lang))
            }
            Error::PayloadMismatch { ledger, seq } => {
                Failure::new(msg::notice_payload_mismatch(lang, &ledger.display(), &seq))
            }
            Error::IssuerNotTrusted { issuer, trust } => Failure::new(
                msg::notice_issuer_untrusted(lang, &format!("{issuer:?}"), &trust.display()),
            ),
            Error::NoTrust => Failure::new(msg::notice_no_trust(lang)),
            Error::FormatVsExtension(format, ext) => {
                Failure::new(msg::notice_format_vs_extension(lang, &format, &ext))
            }
            Error::Replaced { code_id, by } => {
                let mut f = Failure::new(msg::notice_replaced(lang, &code_id, &by))
                    .hint(msg::notice_replaced_hint(lang, &by));
                f.code = 1;
                f
            }
            Error::Cancelled { code_id, reason } => {
                let mut f = Failure::new(msg::notice_cancelled(lang, &code_id, &reason));
                f.code = 1;
                f
            }
            Error::PngToTerminal => {
                Failure::new(msg::png_to_terminal(lang)).hint(msg::png_to_terminal_hint(lang))
            }
        }
    }
}
