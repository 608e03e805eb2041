//! Reading input files written by other programs: text encodings
//! ([`encoding`]) shared by batch issuance and settlement parsing.

pub mod encoding;
