//! `payqr notice`: print a lost notice again, byte for byte, from the
//! payload the ledger kept, without issuing a new code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use payqr::code::SignedCode;
use payqr::issue::issuance::MODULE_PX;
use payqr::issue::notice::{self, NoticeStyle};
use payqr::issue::render;
use payqr::ledger::Ledger;
use payqr::trust::TrustList;

use super::{CmdResult, Failure, Outcome, check_outputs, tz_or_local};

/// Print a code's notice (or QR image) again from the ledger.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Example:
  payqr notice 4f2a9c0e1b3d5a7f --ledger ledger.jsonl --trust trust.json --tz +08:00 \\
      --out 4f2a9c0e1b3d5a7f.notice.svg

The ledger (JSON lines) keeps each issued code's payload text, so the notice,
SVG or PNG comes out byte-identical to what issue wrote, given the same --tz
(the due time is shown in it) and the issuer's name from the trust list. The
code stays the same code: nothing is issued or recorded. Codes issued before
payqr kept payloads, and codes in CSV ledgers, cannot be printed again: issue
a new one with issue --reissue. Exit 0 when written, 2 when the code is not
in the ledger or its payload is not kept.")]
pub struct Args {
    /// The code id: 16 hex digits, as on the notice and in the manifest.
    #[arg(value_name = "CODE_ID")]
    pub code_id: String,
    /// The ledger the code was issued into (it must exist).
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,
    /// Trust list naming the issuer (the name printed on the notice).
    #[arg(long, value_name = "FILE")]
    pub trust: PathBuf,
    /// Issuer id, when codes of several issuers share the code id.
    #[arg(long, value_name = "ID")]
    pub issuer: Option<String>,
    /// What to print: notice-svg (the A6 notice), svg or png (the QR image).
    #[arg(long, value_name = "FORMAT", default_value = "notice-svg",
          value_parser = ["notice-svg", "svg", "png"])]
    pub format: String,
    /// Offset the due time is shown in, as given to issue (default: this machine's).
    #[arg(long, value_name = "OFFSET")]
    pub tz: Option<String>,
    /// Write here (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(a: Args) -> CmdResult {
    check_outputs(
        &[("--ledger", Some(&a.ledger)), ("--trust", Some(&a.trust))],
        &[("--out", a.out.as_deref())],
    )?;
    let tz = tz_or_local(a.tz.as_deref())?;
    if !a.ledger.is_file() {
        return Err(Failure::new(format!(
            "{}: no such ledger",
            a.ledger.display()
        )));
    }
    let trust = TrustList::load(&a.trust)?;
    let ledger = Ledger::new(&a.ledger);
    let found = ledger.issued_payloads(&a.code_id, a.issuer.as_deref())?;
    let one = match found.as_slice() {
        [] => {
            return Err(Failure::new(format!(
                "{}: no code {} was issued in it",
                a.ledger.display(),
                a.code_id.trim()
            )));
        }
        [one] => one,
        many => {
            let issuers: Vec<&str> = many.iter().map(|f| f.issuer.as_str()).collect();
            return Err(Failure::new(format!(
                "code id {} was issued by several issuers ({}): give --issuer",
                a.code_id.trim(),
                issuers.join(", ")
            )));
        }
    };
    let Some(text) = &one.payload else {
        return Err(Failure::new(format!(
            "{}: seq {}: the ledger does not keep this code's payload (issued before payqr \
             kept payloads, or a CSV ledger)",
            a.ledger.display(),
            one.seq
        ))
        .hint("issue a new code for the same reference: payqr issue --reissue"));
    };
    let signed = if payqr::emv::is_emv(text) {
        payqr::emv::profile::extract(text)?.signed
    } else {
        SignedCode::parse_text(text)?
    };
    // The chain vouches for the line; this vouches that the line's
    // payload is the code the record describes.
    if one.payload_sha256.as_deref() != Some(signed.digest_hex().as_str()) {
        return Err(Failure::new(format!(
            "{}: seq {}: the kept payload does not match the record's payload_sha256",
            a.ledger.display(),
            one.seq
        )));
    }
    let issuer_name = trust
        .issuer_name(&one.issuer)
        .ok_or_else(|| {
            Failure::new(format!(
                "issuer {:?} is not in the trust list {}",
                one.issuer,
                a.trust.display()
            ))
        })?
        .to_string();
    let symbol = render::encode(text).map_err(Failure::new)?;
    let quiet = render::DEFAULT_QUIET_MODULES;
    let bytes = match a.format.as_str() {
        "png" => symbol.to_png(MODULE_PX, quiet),
        "svg" => symbol.to_svg(MODULE_PX, quiet).into_bytes(),
        _ => notice::to_svg(&signed, &symbol, &NoticeStyle { issuer_name, tz })
            .map_err(Failure::new)?
            .into_bytes(),
    };
    match &a.out {
        Some(p) => payqr::fs::atomic::write_atomic(p, &bytes)
            .map_err(|e| Failure::new(format!("{}: {e}", p.display())))?,
        None => {
            let mut out = std::io::stdout().lock();
            if a.format == "png" && out.is_terminal() {
                return Err(Failure::new("a PNG is not for the terminal").hint("give --out FILE"));
            }
            out.write_all(&bytes)?;
        }
    }
    Ok(Outcome::Success)
}
