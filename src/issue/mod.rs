//! Issuing codes: batch rows from CSV ([`batch`]), issuing them to sharded
//! files, a manifest and the ledger ([`issuance`]), QR symbols to
//! PNG/SVG/terminal ([`render`]) and printable A6 notices ([`notice`]).

pub mod batch;
pub mod issuance;
pub mod notice;
pub mod render;
