//! One memory budget for every image this process decodes and scans.
//!
//! `payqr verify a.png b.png ...` reads images on every core, and each
//! image is scanned in two lanes. Per-image limits alone let N images of
//! the largest accepted size hold N times that much at once (six 16384²
//! PNGs took 2.6 GB). So before a decoder allocates anything, the bytes
//! the image will need (estimated from its header: see `load`) are
//! reserved here; an image that can never fit is refused at once, one that
//! fits but not now waits until running ones release theirs. A waiting
//! thread holds no reservation, so waiting cannot deadlock, and an image
//! alone always fits, so one-at-a-time always makes progress.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Bytes of decoded pixels and working copies that all scans in this
/// process may hold at once. 160 MiB: a 12 MP phone photo takes ~50 MB
/// (decode, grey copy and the scanner's views), so two fit side by side;
/// with the process itself (~15 MB) and allocator slack this keeps
/// `payqr verify` under 256 MB of resident memory whatever the images.
pub const MEMORY_BUDGET: u64 = 160 << 20;

struct Budget {
    used: Mutex<u64>,
    freed: Condvar,
}

static BUDGET: Budget = Budget {
    used: Mutex::new(0),
    freed: Condvar::new(),
};

fn used() -> MutexGuard<'static, u64> {
    // The counter is a plain number: a panic elsewhere cannot leave it
    // half-updated, so a poisoned lock is still right.
    BUDGET.used.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Bytes held from the budget until dropped.
#[derive(Debug)]
pub(super) struct Reservation {
    bytes: u64,
}

/// Reserves `bytes`, waiting while other images hold too much; `None` if
/// `bytes` exceeds the whole budget and could never be granted.
pub(super) fn reserve(bytes: u64) -> Option<Reservation> {
    if bytes > MEMORY_BUDGET {
        return None;
    }
    let mut used = used();
    while *used + bytes > MEMORY_BUDGET {
        used = BUDGET
            .freed
            .wait(used)
            .unwrap_or_else(PoisonError::into_inner);
    }
    *used += bytes;
    Some(Reservation { bytes })
}

impl Reservation {
    /// Gives back all but `bytes` (e.g. the decoder's buffers once the
    /// grey picture exists); never grows.
    pub(super) fn shrink_to(&mut self, bytes: u64) {
        if bytes < self.bytes {
            release(self.bytes - bytes);
            self.bytes = bytes;
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        release(self.bytes);
    }
}

fn release(bytes: u64) {
    let mut used = used();
    *used -= bytes;
    drop(used);
    BUDGET.freed.notify_all();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn never_grants_more_than_the_budget_at_once() {
        assert!(reserve(MEMORY_BUDGET + 1).is_none());
        // Eight threads each wanting 40 % of the budget: at most two hold
        // theirs at any moment, and all finish.
        let held = Arc::new(AtomicU64::new(0));
        let peak = Arc::new(AtomicU64::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (held, peak) = (Arc::clone(&held), Arc::clone(&peak));
                std::thread::spawn(move || {
                    let want = MEMORY_BUDGET * 2 / 5;
                    let mut r = reserve(want).unwrap();
                    let now = held.fetch_add(want, Ordering::SeqCst) + want;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    held.fetch_sub(want, Ordering::SeqCst);
                    r.shrink_to(1);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(peak.load(Ordering::SeqCst) <= MEMORY_BUDGET);
    }
}
