//! Issuing codes. One code asked for is a [`Request`] (the fields as a CSV
//! row or a form gives them), checked into a row by the same rules for a
//! single code ([`issue_single`]) and a batch ([`run_batch`]: the whole
//! CSV validated first, the ledger locked for the run, files, manifest and
//! ledger records written chunk by chunk so an interrupted run resumes).
//!
//! Parts: [`request`] (the checks), [`batch`] (CSV rows), [`issuance`]
//! (codes to sharded files, a manifest and the ledger), [`run`] and
//! [`single`] (the entry points), [`render`] (QR symbols to
//! PNG/SVG/terminal), [`notice`] (printable A6 notices).

pub mod batch;
mod csv_hint;
pub mod issuance;
pub mod notice;
pub mod problem;
pub mod render;
pub mod request;
pub mod row;
pub mod run;
pub mod single;

pub use request::{FieldError, Request};
pub use run::{Batch, run_batch};
pub use single::{Single, issue_single};
