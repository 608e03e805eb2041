//! What can stop `payqr redeem`, each with what to do about it. A code
//! refused is not an error (a verdict, exit 1); these stop the command.

use payqr::ledger::LedgerError;

use crate::cmd::Failure;
use crate::cmd::output::CheckError;

#[derive(Debug)]
pub enum Error {
    /// `--txn` is empty, too long or holds unsafe characters.
    Txn(crate::cmd::output::TxnError),
    /// The codes, the trust list or the time could not be had.
    Check(CheckError),
    /// The ledger could not be read or written: nothing after the codes
    /// already printed was redeemed.
    Ledger(LedgerError),
    /// Images that could not be read (each reported as it came).
    Unreadable(usize),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        use payqr::i18n::cli as msg;
        let lang = crate::cmd::lang();
        match e {
            Error::Txn(problem) => Failure::new(msg::bad_txn(lang, &problem.to_string())),
            Error::Check(e) => e.into(),
            Error::Ledger(e) => e.into(),
            Error::Unreadable(n) => Failure::new(msg::unreadable_inputs(lang, &n)),
        }
    }
}
