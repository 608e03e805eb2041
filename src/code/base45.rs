//! Base45 (RFC 9285): bytes as text in the QR alphanumeric character set.
//!
//! Two bytes become three characters; a final odd byte becomes two. The QR
//! alphanumeric mode stores 11 bits per two characters, so a base45 payload
//! costs ~8.25 bits per byte in a QR symbol and survives scanner guns that
//! "type" what they read. Decoding is strict: a value that does not fit its
//! group, a dangling single character or any character outside the alphabet
//! is an error, so every byte string has exactly one text form.

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Why a string is not valid base45.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base45Error {
    #[error("character {0:?} at offset {1} is not in the base45 alphabet")]
    BadChar(char, usize),
    #[error("length {0} is not a valid base45 length (3n or 3n+2)")]
    BadLength(usize),
    #[error("group at offset {0} encodes a value too large for its bytes")]
    Overflow(usize),
}

pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() / 2 * 3 + 2);
    let mut chunks = data.chunks_exact(2);
    for pair in &mut chunks {
        let mut n = (u32::from(pair[0]) << 8) | u32::from(pair[1]);
        for _ in 0..3 {
            out.push(ALPHABET[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    if let [last] = chunks.remainder() {
        let mut n = u32::from(*last);
        for _ in 0..2 {
            out.push(ALPHABET[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    out
}

fn value(c: u8, at: usize) -> Result<u32, Base45Error> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|p| p as u32)
        .ok_or(Base45Error::BadChar(c as char, at))
}

pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let bytes = text.as_bytes();
    if let Some((i, ch)) = text.char_indices().find(|(_, c)| !c.is_ascii()) {
        return Err(Base45Error::BadChar(ch, i));
    }
    if bytes.len() % 3 == 1 {
        return Err(Base45Error::BadLength(bytes.len()));
    }
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        if rest.len() >= 3 {
            let n =
                value(rest[0], at)? + value(rest[1], at + 1)? * 45 + value(rest[2], at + 2)? * 2025;
            if n > 0xFFFF {
                return Err(Base45Error::Overflow(at));
            }
            out.push((n >> 8) as u8);
            out.push(n as u8);
            at += 3;
        } else {
            let n = value(rest[0], at)? + value(rest[1], at + 1)? * 45;
            if n > 0xFF {
                return Err(Base45Error::Overflow(at));
            }
            out.push(n as u8);
            at += 2;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Examples from RFC 9285 section 4.
    #[test]
    fn rfc_vectors() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
    }

    #[test]
    fn rejects_non_canonical() {
        assert_eq!(decode("GGW"), Err(Base45Error::Overflow(0)));
        assert_eq!(decode("A"), Err(Base45Error::BadLength(1)));
        assert!(matches!(decode("ab"), Err(Base45Error::BadChar('a', 0))));
        assert!(decode("::").is_err()); // 44 + 44*45 > 255
    }

    #[test]
    fn round_trip_all_lengths() {
        let data: Vec<u8> = (0..=255u8).collect();
        for n in 0..data.len() {
            assert_eq!(decode(&encode(&data[..n])).unwrap(), &data[..n]);
        }
    }
}
