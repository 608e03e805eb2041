//! `payqr notice`: print a lost notice again, byte for byte, from the
//! payload the ledger kept, without issuing a new code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use payqr::code::time::format_in;
use payqr::code::{CodeId, SignedCode};
use payqr::i18n::cli as msg;
use payqr::issue::issuance::MODULE_PX;
use payqr::issue::notice::{self, NoticeStyle};
use payqr::issue::render;
use payqr::ledger::Backend;
use payqr::ledger::payload::{Lookup, NotPayable};
use payqr::trust::TrustList;

use super::{CmdResult, Failure, Outcome, check_outputs, tz_or_local};

mod error;

use error::Error;

/// Print a code's notice (or QR image) again from the ledger.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  payqr notice 4f2a9c0e1b3d5a7f --ledger ledger.jsonl --trust trust.json --tz +08:00 \\
      --out 4f2a9c0e1b3d5a7f.notice.svg
  payqr notice 京A12345 --ledger ledger.jsonl --out fine.png

The ledger (JSON lines or PostgreSQL) keeps each issued code's payload text,
so the notice, SVG or PNG comes out byte-identical to what issue wrote, given
the same --tz (the due time is shown in it) and the issuer's name from the
trust list (only the A6 notice prints it). The code stays the same code:
nothing is issued or recorded. A reference finds the code issued for it that
no reissue replaced. --format defaults to png for --out *.png and to the
notice otherwise. Codes issued before payqr kept payloads, and codes in CSV
ledgers, cannot be printed again: issue a new one with issue --reissue. Exit
0 when written; 1 when the ledger says the code can no longer be paid
(replaced by a reissue, or cancelled), naming why; 2 when it is not in the
ledger or its payload is not kept. A paid code's notice is printed as a copy,
with a warning on stderr.")]
pub struct Args {
    /// The code id (16 hex digits, as on the notice and in the manifest),
    /// or the reference it was issued for.
    #[arg(value_name = "CODE_ID|REFERENCE",
          value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub code_id: String,
    /// Read CODE_ID|REFERENCE as a reference even when it is 16 hex digits.
    #[arg(long = "ref")]
    pub by_reference: bool,
    /// The ledger the code was issued into (it must exist).
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,
    /// Trust list naming the issuer (the name printed on the notice; not
    /// needed for --format svg or png).
    #[arg(long, value_name = "FILE")]
    pub trust: Option<PathBuf>,
    /// Issuer id, when codes of several issuers share the code id or reference.
    #[arg(long, value_name = "ID")]
    pub issuer: Option<String>,
    /// What to print: notice-svg (the A6 notice), svg or png (the QR image)
    /// [default: png for --out *.png, else notice-svg].
    #[arg(long, value_name = "FORMAT", value_parser = ["notice-svg", "svg", "png"])]
    pub format: Option<String>,
    /// Offset the due time is shown in, as given to issue (default: this machine's).
    #[arg(long, value_name = "OFFSET")]
    pub tz: Option<String>,
    /// Write here (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The format asked for, or the one `--out`'s extension names; a PNG
/// written to `x.svg` (or SVG text to `x.png`) is refused, not written.
fn format_of(a: &Args) -> Result<&str, Error> {
    let ext = a
        .out
        .as_deref()
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let format = match (a.format.as_deref(), ext.as_deref()) {
        (Some(f), _) => f,
        (None, Some("png")) => "png",
        (None, _) => "notice-svg",
    };
    let is_png = format == "png";
    match ext.as_deref() {
        Some("png") if !is_png => Err(Error::FormatVsExtension(format.to_string(), "png".into())),
        Some("svg") if is_png => Err(Error::FormatVsExtension(format.to_string(), "svg".into())),
        _ => Ok(format),
    }
}

pub fn run(a: Args) -> CmdResult {
    let format = format_of(&a)?;
    check_outputs(
        &[
            ("--ledger", Some(&a.ledger)),
            ("--trust", a.trust.as_deref()),
        ],
        &[("--out", a.out.as_deref())],
    )?;
    let tz = tz_or_local(a.tz.as_deref())?;
    let ledger = Backend::open(&a.ledger)?;
    if matches!(ledger, Backend::File(_)) && !a.ledger.is_file() {
        return Err(Error::NoLedger(a.ledger.clone()).into());
    }
    // How messages name the ledger: a URL without its password.
    let shown = PathBuf::from(ledger.name());
    // The trust list is read first: a missing one is said before the
    // ledger is read through.
    let trust = match (&a.trust, format) {
        (Some(t), _) => Some((TrustList::load(t)?, t)),
        (None, "notice-svg") => return Err(Error::NoTrust.into()),
        (None, _) => None,
    };
    let asked = a.code_id.trim();
    let lookup = if !a.by_reference && asked.parse::<CodeId>().is_ok() {
        Lookup::CodeId(asked)
    } else {
        Lookup::Reference(asked)
    };
    let mut found = ledger.issued_payloads_by(lookup, a.issuer.as_deref())?;
    if found.is_empty() && matches!(lookup, Lookup::CodeId(_)) {
        // A reference may be 16 hex digits too.
        found = ledger.issued_payloads_by(Lookup::Reference(asked), a.issuer.as_deref())?;
    }
    let one = match found.as_slice() {
        [] => {
            return Err(Error::NotIssued {
                ledger: shown.clone(),
                code_id: asked.to_string(),
            }
            .into());
        }
        [one] => one,
        many => {
            return Err(Error::SeveralIssuers {
                code_id: asked.to_string(),
                issuers: many
                    .iter()
                    .map(|f| format!("{} {}", f.issuer, f.code_id))
                    .collect(),
            }
            .into());
        }
    };
    match &one.not_payable {
        // A paid code's notice is a copy for the records: printed, said.
        Some(NotPayable::Redeemed(at)) => eprintln!(
            "{}",
            msg::notice_redeemed(crate::cmd::lang(), &one.code_id, &format_in(*at, tz))
        ),
        Some(NotPayable::ReplacedBy(by)) => {
            return Err(Error::Replaced {
                code_id: one.code_id.clone(),
                by: *by,
            }
            .into());
        }
        Some(NotPayable::Cancelled(reason)) => {
            return Err(Error::Cancelled {
                code_id: one.code_id.clone(),
                reason: reason.clone(),
            }
            .into());
        }
        None => {}
    }
    let Some(text) = &one.payload else {
        return Err(Error::PayloadNotKept {
            ledger: shown.clone(),
            seq: one.seq,
        }
        .into());
    };
    let signed = if payqr::emv::is_emv(text) {
        payqr::emv::profile::extract(text)?.signed
    } else {
        SignedCode::parse_text(text)?
    };
    // The chain vouches for the line; this vouches that the line's
    // payload is the code the record describes.
    if one.payload_sha256.as_deref() != Some(signed.digest_hex().as_str()) {
        return Err(Error::PayloadMismatch {
            ledger: shown.clone(),
            seq: one.seq,
        }
        .into());
    }
    let symbol = render::encode(text).map_err(Failure::new)?;
    let quiet = render::DEFAULT_QUIET_MODULES;
    let bytes = match (format, trust) {
        ("png", _) => symbol.to_png(MODULE_PX, quiet),
        ("svg", _) => symbol.to_svg(MODULE_PX, quiet).into_bytes(),
        (_, trust) => {
            let (trust, path) = trust.ok_or(Error::NoTrust)?;
            let issuer_name = trust
                .issuer_name(&one.issuer)
                .ok_or_else(|| Error::IssuerNotTrusted {
                    issuer: one.issuer.clone(),
                    trust: path.clone(),
                })?
                .to_string();
            notice::to_svg(
                &signed,
                &symbol,
                &NoticeStyle {
                    issuer_name,
                    tz,
                    lang: crate::cmd::lang(),
                },
            )
            .map_err(Failure::new)?
            .into_bytes()
        }
    };
    match &a.out {
        Some(p) => payqr::fs::atomic::write_atomic(p, &bytes)
            .map_err(|e| Failure::new(format!("{}: {e}", p.display())))?,
        None => {
            let mut out = std::io::stdout().lock();
            if format == "png" && out.is_terminal() {
                return Err(Error::PngToTerminal.into());
            }
            out.write_all(&bytes)?;
        }
    }
    Ok(Outcome::Success)
}
