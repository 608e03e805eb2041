//! Lost records: finding the evidence (the index or checkpoint knows of
//! more than the ledger holds) and recording the loss for `payqr ledger
//! repair --record-loss`.

use super::*;

impl Ledger {
    /// Evidence of lost records, as a loss to record: `None` when the
    /// index (if any) agrees with the ledger. The ledger must be whole
    /// (every line sound, no torn tail).
    pub fn find_loss(&self, lock: &LockGuard) -> Result<Option<Loss>, LedgerError> {
        let state = self.load_unchecked(lock)?;
        let file = File::open(&self.path).map_err(|e| self.io(e))?;
        // The evidence that covers the most: the index or the checkpoint.
        let found = self
            .evidence_paths()
            .into_iter()
            .filter_map(|p| Some((evidence::header(&p)?, p)))
            .filter(|(h, _)| !h.matches(Some(&file), state.end))
            .max_by_key(|(h, _)| h.end);
        let Some((h, path)) = found else {
            return Ok(None);
        };
        Ok(Some(Loss {
            seq: 0,
            time: 0,
            records: h.records.saturating_sub(state.records),
            bytes: h.end.saturating_sub(state.end),
            covered: h.end,
            hash: h.last_hash,
            source: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }))
    }

    /// Records the loss the evidence shows (see [`Ledger::find_loss`]) as
    /// a `lost` record chained like any other, then removes the stale
    /// evidence, which the ledger now carries itself (a writer rebuilds
    /// the index; the append rewrote the checkpoint). Returns the loss
    /// recorded, `None` when there was none.
    pub fn record_loss(&self, lock: &LockGuard, now: u64) -> Result<Option<Loss>, LedgerError> {
        let Some(mut loss) = self.find_loss(lock)? else {
            return Ok(None);
        };
        let mut state = self.load_unchecked(lock)?;
        if state.torn_tail {
            return Err(LedgerError::Torn {
                path: self.path.clone(),
                line: state.records + 1 + u64::from(self.format == LedgerFormat::Csv),
            });
        }
        let record = Record::lost(&loss, now);
        self.append(lock, &mut state, vec![record])?;
        loss.seq = state.records;
        loss.time = now;
        for path in self.evidence_paths() {
            let stale = match File::open(&self.path) {
                Ok(f) => evidence::header(&path).is_some_and(|h| !h.matches(Some(&f), state.end)),
                Err(e) => return Err(self.io(e)),
            };
            if stale {
                std::fs::remove_file(&path).map_err(|e| self.io(e))?;
            }
        }
        Ok(Some(loss))
    }
}
