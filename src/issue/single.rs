//! Issuing one code (from flags, a form, a request to a server): checked
//! by the rules a batch row obeys ([`Request::check`]), signed, drawn,
//! written and recorded.

use std::path::Path;

use chrono::FixedOffset;

use crate::code::{CodeId, Kind, SignedCode};
use crate::emv;
use crate::fs::atomic::{PathError, Staged};
use crate::issue::batch::Defaults;
use crate::issue::issuance::MODULE_PX;
use crate::issue::render::{self, RenderError, Symbol};
use crate::issue::request::{FieldError, Request};
use crate::ledger::{Backend, LedgerError, Record};
use crate::trust::keys::IssuerKey;

/// Everything besides the request that decides a single code.
pub struct Single<'a> {
    pub key: &'a IssuerKey,
    pub issued_at: u64,
    /// The EMV profile's settings; `None` issues a `PQ1:` text.
    pub emv: Option<&'a emv::config::Config>,
    /// Where to write the QR symbol as PNG and as SVG (both or neither).
    pub png: Option<&'a Path>,
    pub svg: Option<&'a Path>,
    /// The ledger that records the code; it refuses a reference it holds.
    /// A file, or PostgreSQL (the reference is checked again, atomically,
    /// when the code is recorded).
    pub ledger: Option<&'a Backend>,
}

/// A code issued: signed, its payload text, its QR symbol.
pub struct IssuedCode {
    pub signed: SignedCode,
    pub text: String,
    pub symbol: Symbol,
}

#[derive(Debug, thiserror::Error)]
pub enum SingleError {
    /// A field of the request is wrong (named as the CSV column).
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Profile(#[from] emv::profile::ProfileError),
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The ledger already holds a code for this reference.
    #[error("reference {reference:?} was already issued as code {code}")]
    AlreadyIssued { reference: String, code: CodeId },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Write(#[from] PathError),
}

/// Issues one code. Its id is random (a batch derives its ids so reruns
/// are reproducible; one code has nothing to rerun), and it is a fine
/// unless the request or `defaults` say otherwise. The images are written
/// whole or not at all, and the code is recorded only once they are in
/// place; with a ledger, the lock is held from the reference check to the
/// record, so two clerks cannot both issue a code for one reference.
pub fn issue_single(
    request: &Request,
    defaults: &Defaults,
    tz: FixedOffset,
    s: &Single,
) -> Result<IssuedCode, SingleError> {
    let mut d = defaults.clone();
    d.kind = Some(d.kind.unwrap_or(Kind::Fine));
    let row = request.check(0, &d, s.issued_at, tz)?;
    let mut code = row.to_code(s.key, s.issued_at);
    code.code_id = CodeId::random();
    let (signed, text) = emv::profile::sign_payload(&code, &s.key.signing_key, s.emv)?;
    let symbol = render::encode(&text)?;
    if let Some(Backend::Postgres(pg)) = s.ledger
        && let Some((Some(prev), _)) = pg.references(&s.key.issuer, &[&row.reference])?.first()
    {
        return Err(SingleError::AlreadyIssued {
            reference: row.reference,
            code: *prev,
        });
    }
    let guard = match s.ledger {
        Some(Backend::Postgres(_)) | None => None,
        Some(Backend::File(l)) => {
            let lock = l.lock()?;
            // Only references matter here: a big ledger costs ~50 bytes a code.
            let state = l.load_references(&lock)?;
            if let Some(prev) = state.code_for_reference(&s.key.issuer, &row.reference) {
                return Err(SingleError::AlreadyIssued {
                    reference: row.reference,
                    code: prev,
                });
            }
            Some((l, lock, state))
        }
    };
    let quiet = render::DEFAULT_QUIET_MODULES;
    let mut images = Staged::default();
    if let Some(p) = s.png {
        images.add(p, &symbol.to_png(MODULE_PX, quiet))?;
    }
    if let Some(p) = s.svg {
        images.add(p, symbol.to_svg(MODULE_PX, quiet).as_bytes())?;
    }
    images.commit()?;
    let mut record = Record::issued(&signed, s.issued_at);
    record.payload = Some(text.clone()); // for `payqr notice`
    match (guard, s.ledger) {
        (Some((l, lock, mut state)), _) => l.append(&lock, &mut state, vec![record])?,
        (None, Some(Backend::Postgres(pg))) => pg.append(vec![record])?,
        _ => {}
    }
    Ok(IssuedCode {
        signed,
        text,
        symbol,
    })
}
