//! EMVCo Merchant-Presented Mode (MPM) QR codes: the text format payment
//! apps across Asia and Latin America scan (PIX, PromptPay, QRIS, SGQR, …).
//!
//! - [`tlv`]: a strict parser for ANY MPM payload (nested templates, CRC,
//!   duplicate ids, field names), used by `payqr emv parse` and by verify;
//! - [`config`]: the issuer's EMV settings (merchant account, MCC, names);
//! - [`profile`]: payqr's EMV profile, an MPM payload that carries a payqr
//!   signature in unreserved templates (spec: docs/FORMAT.md §5).

pub mod config;
pub mod profile;
pub mod tlv;

/// CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no
/// reflection, no final XOR), the checksum of EMV MPM object 63.
pub fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Completes a payload: appends object 63 ("6304" and the CRC of
/// everything before it, "6304" included).
pub fn seal(objects: &str) -> String {
    let mut text = format!("{objects}6304");
    let crc = crc16(text.as_bytes());
    text.push_str(&format!("{crc:04X}"));
    text
}

/// Whether a payload text is an EMV MPM code rather than a `PQ1:` code: every
/// MPM payload starts with object 00, Payload Format Indicator "01".
pub fn is_emv(text: &str) -> bool {
    text.trim_start().starts_with("000201")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value() {
        // The catalogue check value of CRC-16/CCITT-FALSE.
        assert_eq!(crc16(b"123456789"), 0x29B1);
        assert_eq!(crc16(b""), 0xFFFF);
    }
}
