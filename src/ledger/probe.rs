//! The conflict checks of an append: a batch of new records against the
//! state and against each other, before anything is written.

use std::collections::HashSet;

use super::checked::{self, CodeKey, What};
use super::error::ConflictError as E;
use super::record::{Event, RawRecord, Record};
use super::state::LedgerState;
use crate::code::CodeId;

/// Conflict checks for a batch of new records against the state and each
/// other, without touching the state.
#[derive(Default)]
pub(super) struct Probe {
    cancelled: HashSet<CodeKey>,
    issued: HashSet<CodeKey>,
    redeemed: HashSet<CodeKey>,
    replaced: HashSet<CodeKey>,
}

impl Probe {
    pub(super) fn check(&mut self, state: &LedgerState, r: &Record) -> Result<(), E> {
        if r.event == Event::Lost {
            return Ok(());
        }
        if r.event == Event::Cancelled {
            return self.check_cancel(state, r);
        }
        let id: CodeId = r.code_id.parse()?;
        let key = CodeKey::of(&r.issuer, id);
        let loaded = |k: &CodeKey| state.only.as_ref().is_none_or(|o| o.contains(k));
        if !loaded(&key) || (state.refs_only && r.event == Event::Redeemed) {
            return Err(E::NotLoaded(id));
        }
        match r.event {
            Event::Issued => {
                if state.knows_code(&key) || !self.issued.insert(key) {
                    return Err(E::AlreadyIssued(id));
                }
                if let Some(old) = r.replaces.as_deref() {
                    let old = CodeKey {
                        id: old.parse()?,
                        ..key
                    };
                    if !loaded(&old) {
                        return Err(E::NotLoaded(old.id));
                    }
                    // A paid code stays paid: a reissue would make the
                    // same fine payable again.
                    if state.is_redeemed(&old) || self.redeemed.contains(&old) {
                        return Err(E::PaidNotReissued(old.id));
                    }
                    if let Some(by) = state.replaced_by(&old) {
                        return Err(E::AlreadyReplaced {
                            code: old.id,
                            by: by.by,
                        });
                    }
                    if !self.replaced.insert(old) {
                        return Err(E::ReplacedTwice(old.id));
                    }
                }
            }
            Event::Redeemed => {
                if let Some(by) = state.replaced_by(&key) {
                    return Err(E::Replaced {
                        code: id,
                        by: by.by,
                    });
                }
                if self.replaced.contains(&key) {
                    return Err(E::ReplacedInAppend(id));
                }
                if let Some(c) = state.cancelled.get(&key) {
                    return Err(E::Cancelled {
                        code: id,
                        time: c.time.clone(),
                        reason: c.reason.clone(),
                    });
                }
                if self.cancelled.contains(&key) {
                    return Err(E::CancelledInAppend(id));
                }
                if state.redemption(&key).is_some() || !self.redeemed.insert(key) {
                    return Err(E::AlreadyRedeemed(id));
                }
            }
            Event::Lost | Event::Cancelled => {}
        }
        Ok(())
    }

    /// A cancellation: of a code this ledger issued (so a typo is caught)
    /// and that is not paid, or of every code of a key before a time;
    /// never twice.
    fn check_cancel(&mut self, state: &LedgerState, r: &Record) -> Result<(), E> {
        let c = checked::check(RawRecord::from(r.clone()))?;
        let loaded = state.only.as_ref().is_none_or(|o| o.contains(&c.key));
        if !loaded || state.refs_only {
            return Err(E::NotLoaded(c.code_id));
        }
        let What::Cancelled(what) = &c.what else {
            return Err(E::NotCancellation);
        };
        let name = match &what.before {
            Some((_, b)) => format!("every code of key {} issued before {b}", what.key_id),
            None => format!("code {}", c.code_id),
        };
        if let Some(prev) = state.cancelled.get(&c.key) {
            return Err(E::AlreadyCancelled {
                what: name,
                time: prev.time.clone(),
                reason: prev.reason.clone(),
            });
        }
        if !self.cancelled.insert(c.key) {
            return Err(E::CancelledTwice { what: name });
        }
        if what.before.is_none() {
            if !state.knows_code(&c.key) && !self.issued.contains(&c.key) {
                return Err(E::NeverIssued {
                    code: c.code_id,
                    issuer: c.issuer,
                });
            }
            // Money already taken is refunded, not cancelled: a cancelled
            // code that was paid would leave the payment unexplained.
            if let Some(red) = state.redemption(&c.key) {
                return Err(E::PaidNotCancelled {
                    code: c.code_id,
                    time: red.time,
                    txn: red.txn.clone(),
                });
            }
            if self.redeemed.contains(&c.key) {
                return Err(E::RedeemedInAppend(c.code_id));
            }
        }
        Ok(())
    }
}
