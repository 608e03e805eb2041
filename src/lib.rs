//! payqr: issue, verify and reconcile Ed25519-signed payment QR codes.
//!
//! The library holds every rule; the `payqr` binary is a thin layer of
//! argument parsing and printing over it. Modules, one concern each:
//!
//! - [`code`]: the signed code format (docs/FORMAT.md), [`base45`], [`currency`]
//! - [`keys`]: key files; [`trust`]: the trust list of issuers and keys
//! - [`fsutil`]: whole-file writes; [`clobber`]: no output lands on an input
//! - [`emv`]: EMV MPM payloads (any scheme's) and payqr's EMV profile
//! - [`durable`]: every durable write, sync and rename (fault-injectable in
//!   debug builds); [`fsutil`]: whole-file writes; [`lockfile`]: locks that
//!   follow a file's identity, not its name
//! - [`render`]: QR symbols to PNG/SVG/terminal; [`scan`]: images to payload texts
//! - [`verify`]: the verdict on a payload (signature, trust, time, ledger)
//! - [`ledger`]: the append-only record of issued and redeemed codes
//! - [`batch`]: batch issuance rows from CSV; [`issuance`]: issuing them to
//!   sharded files, a manifest and the ledger; [`notice`]: printable A6 notices
//! - [`settlement`]: settlement file parsing; [`reconcile`]: matching it against the ledger;
//!   [`report_html`]: the one-page HTML report

pub mod base45;
pub mod batch;
pub mod clobber;
pub mod code;
pub mod currency;
pub mod durable;
pub mod emv;
pub mod fsutil;
pub mod issuance;
pub mod keys;
pub mod ledger;
pub mod lockfile;
pub mod notice;
pub mod platform;
pub mod reconcile;
pub mod release;
pub mod render;
pub mod report_html;
pub mod sanitize;
pub mod scan;
pub mod settlement;
pub mod text_encoding;
pub mod time;
pub mod trust;
pub mod vectors;
pub mod verify;
#[cfg(windows)]
pub mod winacl;
