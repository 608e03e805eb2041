//! Reading input files written by other programs, shared by batch issuance
//! and settlement parsing: text encodings ([`encoding`]) and CSV quoting
//! ([`quotes`]).

pub mod encoding;
pub mod quotes;
