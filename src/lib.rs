//! payqr: issue, verify and reconcile Ed25519-signed payment QR codes.
//!
//! The library holds every rule; the `payqr` binary (`src/main.rs`,
//! `src/cmd/`) is a thin layer of argument parsing and printing over it.
//! The modules read as the workflow, each standing only on those below it:
//!
//! - [`code`]: the signed code itself — format (docs/FORMAT.md), base45,
//!   currencies, times. Everything else stands on it.
//! - [`issue`]: batch rows from CSV, issuing them to files, a manifest and
//!   the ledger, QR rendering (PNG/SVG/terminal), printable notices.
//! - [`verify`]: the verdict on a payload (signature, trust, time, ledger),
//!   and reading payloads out of images (`verify::scan`).
//! - [`redeem`]: the redemption policy — verify, then record each payment
//!   so a code is paid at most once — over a small ledger interface.
//! - [`trust`]: the trust list of issuers and keys; key files (`trust::keys`).
//! - [`ledger`]: the append-only, hash-chained record of issued and redeemed
//!   codes.
//! - [`reconcile`]: settlement files (`reconcile::settlement`) matched
//!   against the ledger, totals, the HTML report.
//! - [`emv`]: EMV MPM payloads (any scheme's) and payqr's EMV profile.
//! - [`release`]: detached signatures over release artifacts.
//! - [`vectors`]: the test vectors published in docs/FORMAT.md (a signed
//!   code and its EMV form from the public test key); above `code`, `emv`
//!   and `trust`, which it uses.
//! - Shared ground: [`fs`] (durable writes, atomic replace, locks that follow
//!   a file's identity, output-is-input checks, the Unix/Windows
//!   differences), [`input`] (text encodings and CSV quoting of input
//!   files), [`sanitize`] (untrusted text made safe to show).
//!
//! # Example
//!
//! Issue a fine with a key made in memory, then read the payload text
//! back and judge it the way a counter does:
//!
//! ```
//! use payqr::code::{SignedCode, time};
//! use payqr::issue::{Request, Single, batch::Defaults, issue_single};
//! use payqr::trust::{TrustList, keys::IssuerKey};
//! use payqr::verify::{Clock, Status, verify_text};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let now = time::parse_time("2026-11-23T08:00:00+08:00", 0, time::parse_offset("+08:00")?)?;
//! let key = IssuerKey::generate("bj-traffic", "Beijing Traffic Police", now)?;
//!
//! // The rules a batch row obeys apply to this one code too.
//! let request = Request {
//!     reference: Some("京A12345"),
//!     amount: Some("200.00"),
//!     currency: Some("CNY"),
//!     payee: Some("110000-FINES"),
//!     expires_in: Some("4h"),
//!     description: Some("闯红灯"),
//!     ..Request::default()
//! };
//! let defaults = Defaults {
//!     kind: None,
//!     currency: None,
//!     payee: None,
//!     expires_in: None,
//!     expires_at: None,
//!     description: None,
//!     encoding: Default::default(),
//! };
//! let single = Single { key: &key, issued_at: now, emv: None, png: None, svg: None, ledger: None };
//! let issued = issue_single(&request, &defaults, time::parse_offset("+08:00")?, &single)?;
//! println!("{}", issued.text); // PQ1:..., what the QR symbol holds
//!
//! // A verifier trusts the issuer's public key ...
//! let mut trust = TrustList::default();
//! trust.add(&key.public(), None, None, now)?;
//! // ... parses the text it scanned ...
//! let code = SignedCode::parse_text(&issued.text)?;
//! assert_eq!((code.code.amount, code.code.currency.code), (20_000, "CNY"));
//! // ... and judges it: official, unexpired (no ledger: payment not checked).
//! let verdict = verify_text(&issued.text, &trust, Clock { at: now + 60, skew: 300 }, None);
//! assert_eq!(verdict.status, Status::Valid);
//! // Two hours after it expired, the same text is refused.
//! let late = verify_text(&issued.text, &trust, Clock { at: now + 6 * 3600, skew: 300 }, None);
//! assert_eq!(late.status, Status::Expired);
//! # Ok(())
//! # }
//! ```
//!
//! Redeeming (verify, then record the payment once) is [`redeem::redeem`]
//! over a [`ledger::Ledger`].

#![deny(unsafe_code)]

pub mod code;
pub mod emv;
pub mod fs;
pub mod input;
pub mod issue;
pub mod ledger;
pub mod reconcile;
pub mod redeem;
pub mod release;
pub mod sanitize;
pub mod trust;
pub mod vectors;
pub mod verify;
