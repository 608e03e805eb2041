//! Image bytes → QR texts: decoding under limits, both detectors, the
//! panic guard. Any panic that escapes, hang or runaway allocation is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payqr::scan::{ScanLimits, scan_bytes_with};

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the limit checks themselves are
    // what is being exercised on larger claimed sizes.
    let limits = ScanLimits {
        max_width: 1024,
        max_height: 1024,
        max_alloc: 16 << 20,
    };
    if let Ok(texts) = scan_bytes_with(data, &limits) {
        for t in texts {
            // Texts reach the payload parser next, as in `payqr verify`.
            let _ = payqr::code::SignedCode::parse_text(&t);
        }
    }
});
