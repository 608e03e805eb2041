//! Reconciliation: every settlement row and every issued code gets a status.
//!
//! Rows are matched against the ledger by code id; the rows of one code are
//! taken in file order: parts of a partial payment add up until the code's
//! amount is reached, later payments are duplicates, refunds are netted.
//! Every issued code that no row names is then listed as unpaid or
//! redeemed elsewhere. Matched codes can be turned into redemption records
//! ([`apply_records`]); running that again adds nothing, because a
//! redemption this module wrote is recognised by its channel and the
//! provider's transaction id — also when the same payment shows up again
//! in the next day's file.
//!
//! A report row holds indexes into the ledger and the settlement files and
//! a compact [`Note`], not strings: a million rows stay small, and text is
//! only made when a row is written out ([`Report::view`]).

pub mod html;
pub mod settlement;

mod book;
mod breakdown;
mod classify;
mod report;
mod status;

pub use book::*;
pub use breakdown::{Breakdown, Net};
pub use classify::*;
pub use report::*;
pub use status::*;

#[cfg(test)]
mod tests;
