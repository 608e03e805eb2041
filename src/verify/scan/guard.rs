//! Panic guard around the QR decoders.
//!
//! rqrr 0.11 asserts on some degenerate geometry (upstream issue
//! WanzenBug/rqrr#54; the ZXing corpus photo qrcode-6/7.png triggers it),
//! and a decoder crate is a large amount of arithmetic on untrusted
//! input. A panic there must mean "this attempt found nothing", never an
//! aborted `payqr verify` of fifty photos.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs rqrr under `catch_quietly`.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `None` without printing it.
///
/// The panic hook is process-global, so this wraps (once) whatever hook is
/// installed and stays silent only for panics on a thread that is inside
/// `catch_quietly`, i.e. panics that are about to be caught and handled
/// here. Every other panic, on any thread, reaches the previous hook
/// unchanged. An application that installs its own hook later replaces
/// this one; rqrr panics are then merely printed, still caught.
pub(super) fn catch_quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            // `try_with`: a hook must not panic, even during thread exit.
            if !QUIET.try_with(Cell::get).unwrap_or(false) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET.replace(true);
    // AssertUnwindSafe: after a panic, whatever `f` touched (rqrr's
    // working image, the output buffer) is dropped or discarded.
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.set(was_quiet);
    result.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_caught_and_scoped() {
        assert_eq!(catch_quietly(|| 7), Some(7));
        let nested = catch_quietly(|| catch_quietly(|| panic!("rqrr-like failure")));
        assert_eq!(nested, Some(None));
        // Only the dynamic extent of `catch_quietly` is silenced.
        assert!(!QUIET.get());
    }
}
