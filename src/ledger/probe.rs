//! The conflict checks of an append: a batch of new records against the
//! state and against each other, before anything is written.

use std::collections::HashSet;

use super::checked::{self, CodeKey, What};
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
    pub(super) fn check(&mut self, state: &LedgerState, r: &Record) -> Result<(), String> {
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
            return Err(format!("code {id} was not loaded for this append"));
        }
        match r.event {
            Event::Issued => {
                if state.knows_code(&key) || !self.issued.insert(key) {
                    return Err(format!("code {id} is already issued"));
                }
                if let Some(old) = r.replaces.as_deref() {
                    let old = CodeKey {
                        id: old.parse()?,
                        ..key
                    };
                    if !loaded(&old) {
                        return Err(format!("code {} was not loaded for this append", old.id));
                    }
                    // A paid code stays paid: a reissue would make the
                    // same fine payable again.
                    if state.is_redeemed(&old) || self.redeemed.contains(&old) {
                        return Err(format!(
                            "code {} is already redeemed; a paid code is not reissued",
                            old.id
                        ));
                    }
                    if let Some(by) = state.replaced_by(&old) {
                        return Err(format!(
                            "code {} was already replaced by code {}",
                            old.id, by.by
                        ));
                    }
                    if !self.replaced.insert(old) {
                        return Err(format!("code {} is replaced twice", old.id));
                    }
                }
            }
            Event::Redeemed => {
                if let Some(by) = state.replaced_by(&key) {
                    return Err(format!(
                        "code {id} was replaced by code {} (reissued); only that code can be redeemed",
                        by.by
                    ));
                }
                if self.replaced.contains(&key) {
                    return Err(format!("code {id} is replaced in this same append"));
                }
                if let Some(c) = state.cancelled.get(&key) {
                    return Err(format!(
                        "code {id} was cancelled at {} ({}); it is not redeemed",
                        c.time, c.reason
                    ));
                }
                if self.cancelled.contains(&key) {
                    return Err(format!("code {id} is cancelled in this same append"));
                }
                if state.redemption(&key).is_some() || !self.redeemed.insert(key) {
                    return Err(format!("code {id} is already redeemed"));
                }
            }
            Event::Lost | Event::Cancelled => {}
        }
        Ok(())
    }

    /// A cancellation: of a code this ledger issued (so a typo is caught)
    /// and that is not paid, or of every code of a key before a time;
    /// never twice.
    fn check_cancel(&mut self, state: &LedgerState, r: &Record) -> Result<(), String> {
        let c = checked::check(RawRecord::from(r.clone()))?;
        let loaded = state.only.as_ref().is_none_or(|o| o.contains(&c.key));
        if !loaded || state.refs_only {
            return Err(format!("code {} was not loaded for this append", c.code_id));
        }
        let What::Cancelled(what) = &c.what else {
            return Err("not a cancellation".into());
        };
        let name = match &what.before {
            Some((_, b)) => format!("every code of key {} issued before {b}", what.key_id),
            None => format!("code {}", c.code_id),
        };
        if let Some(prev) = state.cancelled.get(&c.key) {
            return Err(format!(
                "{name} is already cancelled (at {}: {})",
                prev.time, prev.reason
            ));
        }
        if !self.cancelled.insert(c.key) {
            return Err(format!("{name} is cancelled twice in this append"));
        }
        if what.before.is_none() {
            if !state.knows_code(&c.key) && !self.issued.contains(&c.key) {
                return Err(format!(
                    "code {} of {} was never issued in this ledger",
                    c.code_id, c.issuer
                ));
            }
            // Money already taken is refunded, not cancelled: a cancelled
            // code that was paid would leave the payment unexplained.
            if let Some(red) = state.redemption(&c.key) {
                return Err(format!(
                    "code {} is already redeemed (at {}{}); a paid code is not cancelled: refund it",
                    c.code_id,
                    crate::code::time::format_utc(red.time),
                    red.txn
                        .as_deref()
                        .map(|t| format!(", txn {t}"))
                        .unwrap_or_default()
                ));
            }
            if self.redeemed.contains(&c.key) {
                return Err(format!(
                    "code {} is redeemed in this same append",
                    c.code_id
                ));
            }
        }
        Ok(())
    }
}
