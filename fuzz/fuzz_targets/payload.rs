//! The payload parser: binary form and `PQ1:` text form. Whatever parses
//! must re-encode to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payqr::code::SignedCode;

fuzz_target!(|data: &[u8]| {
    if let Ok(code) = SignedCode::from_bytes(data) {
        assert_eq!(code.to_bytes(), data);
        let again = SignedCode::parse_text(&code.to_text()).expect("own text parses");
        assert_eq!(again.to_bytes(), data);
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(code) = SignedCode::parse_text(text)
    {
        let again = SignedCode::parse_text(&code.to_text()).expect("own text parses");
        assert_eq!(again.to_bytes(), code.to_bytes());
    }
});
