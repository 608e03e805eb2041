//! Hex, the one place: written lower-case ([`to_hex`]), read leniently
//! where people type ids ([`parse_hex`]) and strictly where payqr wrote it
//! ([`lower_hex`], the ledger's `prev` and `crc`).

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex of any bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    // Table lookup, not format!: the ledger hexes two fields of every line.
    let mut s = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// [`to_hex`] straight into a formatter, without a String (ids shown in
/// Display).
pub fn write_hex<const N: usize>(
    f: &mut std::fmt::Formatter<'_>,
    bytes: &[u8; N],
) -> std::fmt::Result {
    let mut buf = [[0u8; 2]; N];
    for (o, &b) in buf.iter_mut().zip(bytes) {
        *o = [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]];
    }
    // Only ASCII digits went in.
    f.write_str(std::str::from_utf8(buf.as_flattened()).unwrap_or_default())
}

/// Exactly 2N hex digits, either case, blanks around them allowed (ids
/// typed or pasted by people).
pub fn parse_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let b = s.trim().as_bytes();
    if b.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    decode_into(b, &mut out).then_some(out)
}

/// Any even number of hex digits, either case, nothing else (not even
/// blanks): ids of any length that payqr wrote elsewhere (a PKCS#11
/// token's CKA_ID).
pub fn parse_hex_vec(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    let mut out = vec![0u8; b.len() / 2];
    decode_into(b, &mut out).then_some(out)
}

/// Each nibble's value, [`BAD`] for a byte that is not a hex digit.
const NIBBLE: [u8; 256] = {
    let mut t = [BAD; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};
const BAD: u8 = 0xff;

/// Decodes pairs of hex digits (either case) into `out` (half as long as
/// `hex`); false if one is not a digit. By table: a million ledger lines
/// carry two hex fields each.
fn decode_into(hex: &[u8], out: &mut [u8]) -> bool {
    let mut bad = 0;
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let (hi, lo) = (NIBBLE[usize::from(pair[0])], NIBBLE[usize::from(pair[1])]);
        bad |= hi | lo;
        *o = hi << 4 | lo;
    }
    bad & 0xf0 == 0
}

/// Exactly 2N lowercase hex digits, as [`to_hex`] writes them.
pub fn lower_hex<const N: usize>(hex: &[u8]) -> Option<[u8; N]> {
    if hex.len() != 2 * N {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *o = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}
