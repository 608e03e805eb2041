//! A state holding a chosen set of codes, for a backend that reads the
//! records of just those codes (a database query) instead of a file.

use super::{CodeKey, LedgerState};

impl LedgerState {
    /// An empty state that keeps only `codes` (their issue, redemption,
    /// replacement and cancellation records) as records are placed in it:
    /// what [`super::Ledger::load_codes`] returns for a file.
    pub fn holding(codes: impl IntoIterator<Item = CodeKey>) -> LedgerState {
        let mut state = LedgerState::default();
        state.only = Some(codes.into_iter().collect());
        state
    }
}
