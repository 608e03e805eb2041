//! Decimal digits written straight into a byte buffer, without `format!`
//! or `to_string`: the ledger writes a few numbers on every line, the QR
//! renderer a few on every row of an SVG path.

/// Appends `n` in decimal ASCII, as `n.to_string()` writes it (and as
/// serde_json writes a u64).
pub fn push_decimal(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_as_to_string_writes_them() {
        let mut out = Vec::new();
        for n in [0, 7, 10, 99, 100, 12345, u64::from(u32::MAX), u64::MAX] {
            out.clear();
            out.push(b'x');
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}").as_bytes());
        }
    }
}
