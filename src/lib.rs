//! payqr: issue, verify and reconcile Ed25519-signed payment QR codes.
//!
//! The library holds every rule; the `payqr` binary (`src/main.rs`,
//! `src/cmd/`) is a thin layer of argument parsing and printing over it.
//! The modules read as the workflow, each standing only on those below it:
//!
//! - [`code`]: the signed code itself — format (docs/FORMAT.md), base45,
//!   currencies, times, test vectors. Everything else stands on it.
//! - [`issue`]: batch rows from CSV, issuing them to files, a manifest and
//!   the ledger, QR rendering (PNG/SVG/terminal), printable notices.
//! - [`verify`]: the verdict on a payload (signature, trust, time, ledger),
//!   and reading payloads out of images (`verify::scan`).
//! - [`trust`]: the trust list of issuers and keys; key files (`trust::keys`).
//! - [`ledger`]: the append-only, hash-chained record of issued and redeemed
//!   codes.
//! - [`reconcile`]: settlement files (`reconcile::settlement`) matched
//!   against the ledger, totals, the HTML report.
//! - [`emv`]: EMV MPM payloads (any scheme's) and payqr's EMV profile.
//! - [`release`]: detached signatures over release artifacts.
//! - Shared ground: [`fs`] (durable writes, atomic replace, locks that follow
//!   a file's identity, output-is-input checks, the Unix/Windows
//!   differences), [`input`] (text encodings and CSV quoting of input
//!   files), [`sanitize`] (untrusted text made safe to show).

pub mod code;
pub mod emv;
pub mod fs;
pub mod input;
pub mod issue;
pub mod ledger;
pub mod reconcile;
pub mod release;
pub mod sanitize;
pub mod trust;
pub mod verify;
