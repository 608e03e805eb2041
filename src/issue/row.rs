//! A validated row of issuance input and the defaults it is checked
//! against. Shared by the batch reader (`batch.rs`) and single requests
//! (`request.rs`); it lives apart so that neither of those names the other.

use crate::code::currency::Currency;
use crate::code::{Code, CodeId, Kind};
use crate::input::encoding::TextEncoding;
use crate::trust::keys::IssuerKey;

/// Values used where the CSV has no column (or an empty cell).
#[derive(Debug, Clone)]
pub struct Defaults {
    pub kind: Option<Kind>,
    pub currency: Option<Currency>,
    pub payee: Option<String>,
    /// Validity in seconds from the issue time.
    pub expires_in: Option<u64>,
    pub expires_at: Option<u64>,
    pub description: Option<String>,
    /// How the CSV file is encoded (Chinese Excel saves GBK).
    pub encoding: TextEncoding,
}

/// One validated row, ready to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub line: u64,
    pub reference: String,
    pub kind: Kind,
    pub amount: u64,
    pub currency: Currency,
    pub payee: String,
    pub expires_at: u64,
    pub description: Option<String>,
}

impl BatchRow {
    /// The code for this row; the id is derived from the key, reference
    /// and issue time so reissuing the same batch is reproducible.
    pub fn to_code(&self, key: &IssuerKey, issued_at: u64) -> Code {
        self.to_code_replacing(key, issued_at, None)
    }

    /// The code for this row that replaces code `replaces` (a reissue),
    /// or a first code when `replaces` is None.
    pub fn to_code_replacing(
        &self,
        key: &IssuerKey,
        issued_at: u64,
        replaces: Option<CodeId>,
    ) -> Code {
        Code {
            issuer: key.issuer.clone(),
            key_id: key.key_id,
            code_id: self.code_id_replacing(key, issued_at, replaces),
            kind: self.kind,
            amount: self.amount,
            currency: self.currency,
            payee: self.payee.clone(),
            reference: self.reference.clone(),
            issued_at,
            expires_at: self.expires_at,
            description: self.description.clone(),
        }
    }

    /// The id of [`to_code_replacing`](Self::to_code_replacing)'s code. A
    /// reissue mixes the replaced id into the derivation, so it gets a new
    /// id even at the same issue time. References hold no control
    /// characters, so the NUL separator cannot be forged by a reference.
    pub fn code_id_replacing(
        &self,
        key: &IssuerKey,
        issued_at: u64,
        replaces: Option<CodeId>,
    ) -> CodeId {
        let seed = key.id_secret();
        match replaces {
            None => CodeId::derive(seed, &self.reference, issued_at),
            Some(old) => CodeId::derive(seed, &format!("{}\0{old}", self.reference), issued_at),
        }
    }
}
