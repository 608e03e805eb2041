//! A QR Model 2 encoder for texts made only of the 45 characters of the
//! alphanumeric mode: every `PQ1:` payload, in one segment.
//!
//! Why by hand: most of the cost of a QR symbol is choosing its mask. The
//! specification masks the symbol eight ways, scores each for patterns
//! that confuse readers (long runs, 2×2 blocks, finder look-alikes,
//! unbalanced dark area) and keeps the lowest score. `fast_qr` spent
//! ~160 µs a code on that and `qrcode` ~1,300 µs, walking module by
//! module; batch issuance does it for every fine. Here each row and each
//! column of the symbol is one `u128` bit set, so a rule costs a few
//! shifts, ANDs and popcounts per line. Everything that depends only on
//! the version (function patterns, the zigzag order of data modules, the
//! eight mask patterns) is built once per version and shared between
//! threads.
//!
//! Symbols wider than [`FAST_MAX_WIDTH`] (version 26 and up, ~1,100
//! alphanumeric characters at level M, far beyond any payload) are scored
//! module by module by `mask::penalty_reference`, the definition the bit-set
//! scorer is tested against.
//!
//! Tests check the symbols bit for bit against the `qrcode` crate for
//! every version, level and mask, and the bit-set penalty against the
//! module-by-module one.

use std::sync::OnceLock;

use super::{EcLevel, Symbol};

/// Widest symbol whose rows and columns fit a `u128` with margins.
const FAST_MAX_WIDTH: usize = 128 - 2 * MARGIN;

/// Whether `b` is one of the 45 characters of the QR alphanumeric mode.
pub(super) fn is_alphanumeric(b: u8) -> bool {
    alphanumeric_value(b).is_some()
}

fn alphanumeric_value(b: u8) -> Option<u16> {
    Some(match b {
        b'0'..=b'9' => (b - b'0') as u16,
        b'A'..=b'Z' => (b - b'A') as u16 + 10,
        b' ' => 36,
        b'$' => 37,
        b'%' => 38,
        b'*' => 39,
        b'+' => 40,
        b'-' => 41,
        b'.' => 42,
        b'/' => 43,
        b':' => 44,
        _ => return None,
    })
}

/// Encodes `text` (alphanumeric characters only) in the smallest symbol at
/// level `ec`, with the lowest-penalty mask. `None` if no version holds it
/// or a character is outside the alphanumeric set.
pub(super) fn encode(text: &[u8], ec: EcLevel) -> Option<Symbol> {
    let version = (1..=40u8).find(|&v| data_bits(text.len(), v) <= 8 * data_codewords(v, ec))?;
    encode_at(text, version, ec, None)
}

/// Encodes `text` in the given version, with the given mask or the best
/// one. `None` if it does not fit or is not alphanumeric.
fn encode_at(text: &[u8], version: u8, ec: EcLevel, mask: Option<u8>) -> Option<Symbol> {
    let data = data_codewords_for(text, version, ec)?;
    let codewords = add_ec_and_interleave(&data, version, ec);
    let t = template(version);
    let dark = if t.width <= FAST_MAX_WIDTH {
        place_and_mask_fast(t, &codewords, ec, mask)
    } else {
        place_and_mask_reference(t, &codewords, ec, mask)
    };
    Some(Symbol {
        version,
        width: t.width,
        dark,
    })
}

// ---------------------------------------------------------------------------
// Capacity tables (ISO/IEC 18004:2015 table 9), indexed [level][version].

/// Error-correction codewords per block.
const EC_PER_BLOCK: [[u8; 41]; 4] = [
    // L
    [
        0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28,
        30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    // M
    [
        0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ],
    // Q
    [
        0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30,
        30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    // H
    [
        0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
];

/// Number of error-correction blocks.
const BLOCKS: [[u8; 41]; 4] = [
    // L
    [
        0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13,
        14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
    ],
    // M
    [
        0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21,
        23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ],
    // Q
    [
        0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29,
        34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ],
    // H
    [
        0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32,
        35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ],
];

fn level_index(ec: EcLevel) -> usize {
    match ec {
        EcLevel::L => 0,
        EcLevel::M => 1,
        EcLevel::Q => 2,
        EcLevel::H => 3,
    }
}

/// Modules left for data and error correction once the function patterns
/// (finders, timing, alignment, format and version information) are drawn.
fn raw_data_modules(version: u8) -> usize {
    let v = version as usize;
    let mut n = (16 * v + 128) * v + 64;
    if v >= 2 {
        let align = v / 7 + 2;
        n -= (25 * align - 10) * align - 55;
        if v >= 7 {
            n -= 36;
        }
    }
    n
}

fn data_codewords(version: u8, ec: EcLevel) -> usize {
    let l = level_index(ec);
    let v = version as usize;
    raw_data_modules(version) / 8 - EC_PER_BLOCK[l][v] as usize * BLOCKS[l][v] as usize
}

/// Width of the character count field of an alphanumeric segment.
fn count_bits(version: u8) -> usize {
    match version {
        1..=9 => 9,
        10..=26 => 11,
        _ => 13,
    }
}

/// Bits of one alphanumeric segment of `chars` characters.
fn data_bits(chars: usize, version: u8) -> usize {
    4 + count_bits(version) + 11 * (chars / 2) + 6 * (chars % 2)
}

// ---------------------------------------------------------------------------
// Data codewords.

struct BitWriter {
    bytes: Vec<u8>,
    bits: usize,
}

impl BitWriter {
    fn push(&mut self, value: u32, len: usize) {
        for i in (0..len).rev() {
            if self.bits.is_multiple_of(8) {
                self.bytes.push(0);
            }
            if (value >> i) & 1 == 1 {
                let last = self.bytes.len() - 1;
                self.bytes[last] |= 0x80 >> (self.bits % 8);
            }
            self.bits += 1;
        }
    }
}

/// Mode indicator, count, characters, terminator and padding: the data
/// codewords of `version` at `ec`, or `None` if the text does not fit or
/// is not alphanumeric.
fn data_codewords_for(text: &[u8], version: u8, ec: EcLevel) -> Option<Vec<u8>> {
    let capacity = data_codewords(version, ec);
    let needed = data_bits(text.len(), version);
    if needed > 8 * capacity || text.len() >= 1 << count_bits(version) {
        return None;
    }
    let mut w = BitWriter {
        bytes: Vec::with_capacity(capacity),
        bits: 0,
    };
    w.push(0b0010, 4);
    w.push(text.len() as u32, count_bits(version));
    let mut pairs = text.chunks_exact(2);
    for pair in &mut pairs {
        let v = alphanumeric_value(pair[0])? * 45 + alphanumeric_value(pair[1])?;
        w.push(u32::from(v), 11);
    }
    if let [last] = pairs.remainder() {
        w.push(u32::from(alphanumeric_value(*last)?), 6);
    }
    // Terminator (up to four zero bits), then zero bits to the byte
    // boundary, then the alternating pad codewords.
    let terminator = (8 * capacity - w.bits).min(4);
    w.push(0, terminator);
    w.push(0, (8 - w.bits % 8) % 8);
    for pad in [0xEC, 0x11].into_iter().cycle() {
        if w.bytes.len() >= capacity {
            break;
        }
        w.bytes.push(pad);
    }
    Some(w.bytes)
}

// ---------------------------------------------------------------------------
// Reed-Solomon over GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.

struct Gf {
    /// exp[i] = α^i, doubled so a sum of two logs needs no modulo.
    exp: [u8; 512],
    log: [u8; 256],
}

const GF: Gf = {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        exp[i + 255] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11D;
        }
        i += 1;
    }
    Gf { exp, log }
};

fn gf_mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        GF.exp[GF.log[a as usize] as usize + GF.log[b as usize] as usize]
    }
}

/// The generator polynomial of degree `degree` (leading 1 omitted),
/// highest power first.
fn rs_divisor(degree: usize) -> &'static [u8] {
    static DIVISORS: [OnceLock<Vec<u8>>; 31] = [const { OnceLock::new() }; 31];
    DIVISORS[degree].get_or_init(|| {
        let mut d = vec![0u8; degree];
        d[degree - 1] = 1;
        let mut root = 1u8;
        for _ in 0..degree {
            for j in 0..degree {
                d[j] = gf_mul(d[j], root);
                if j + 1 < degree {
                    d[j] ^= d[j + 1];
                }
            }
            root = gf_mul(root, 2);
        }
        d
    })
}

/// The `divisor.len()` error-correction codewords of `data`.
fn rs_remainder(data: &[u8], divisor: &[u8], out: &mut Vec<u8>) {
    let n = divisor.len();
    let mut rem = [0u8; 30];
    let rem = &mut rem[..n];
    for &b in data {
        let factor = b ^ rem[0];
        rem.copy_within(1.., 0);
        rem[n - 1] = 0;
        if factor != 0 {
            let lf = GF.log[factor as usize] as usize;
            for (r, &d) in rem.iter_mut().zip(divisor) {
                if d != 0 {
                    *r ^= GF.exp[GF.log[d as usize] as usize + lf];
                }
            }
        }
    }
    out.extend_from_slice(rem);
}

/// Splits the data codewords into blocks, appends each block's
/// error-correction codewords and interleaves them column by column, as
/// they are laid into the symbol.
fn add_ec_and_interleave(data: &[u8], version: u8, ec: EcLevel) -> Vec<u8> {
    let (l, v) = (level_index(ec), version as usize);
    let blocks = BLOCKS[l][v] as usize;
    let ec_len = EC_PER_BLOCK[l][v] as usize;
    let raw = raw_data_modules(version) / 8;
    // Short blocks come first; the others hold one more data codeword.
    let short = blocks - raw % blocks;
    let short_data = raw / blocks - ec_len;
    let start = |b: usize| b * short_data + b.saturating_sub(short);
    let divisor = rs_divisor(ec_len);

    let mut ecc = Vec::with_capacity(blocks * ec_len);
    for b in 0..blocks {
        let len = short_data + usize::from(b >= short);
        rs_remainder(&data[start(b)..start(b) + len], divisor, &mut ecc);
    }
    let mut out = Vec::with_capacity(raw);
    for i in 0..=short_data {
        for b in 0..blocks {
            if i < short_data || b >= short {
                out.push(data[start(b) + i]);
            }
        }
    }
    for i in 0..ec_len {
        for b in 0..blocks {
            out.push(ecc[b * ec_len + i]);
        }
    }
    debug_assert_eq!(out.len(), raw);
    out
}

// ---------------------------------------------------------------------------
// Per-version template: function patterns and data module order.

fn template(version: u8) -> &'static Template {
    static TEMPLATES: [OnceLock<Template>; 40] = [const { OnceLock::new() }; 40];
    TEMPLATES[version as usize - 1].get_or_init(|| Template::build(version))
}

/// Centre coordinates of the alignment patterns (both axes).
fn alignment_positions(version: u8) -> Vec<usize> {
    let v = version as usize;
    if v == 1 {
        return Vec::new();
    }
    let count = v / 7 + 2;
    let width = 17 + 4 * v;
    let step = if v == 32 {
        26
    } else {
        (v * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    };
    let mut pos: Vec<usize> = (0..count - 1).map(|i| width - 7 - i * step).collect();
    pos.push(6);
    pos.reverse();
    pos
}

impl Template {
    fn build(version: u8) -> Self {
        let w = 17 + 4 * version as usize;
        let mut function = vec![false; w * w];
        let mut dark = vec![false; w * w];
        let mut set = |x: usize, y: usize, d: bool| {
            function[y * w + x] = true;
            dark[y * w + x] = d;
        };
        for i in 0..w {
            set(6, i, i % 2 == 0);
            set(i, 6, i % 2 == 0);
        }
        // Finder patterns with their light separators.
        for (cx, cy) in [(3, 3), (w - 4, 3), (3, w - 4)] {
            for dy in -4i32..=4 {
                for dx in -4i32..=4 {
                    let (x, y) = (cx as i32 + dx, cy as i32 + dy);
                    if (0..w as i32).contains(&x) && (0..w as i32).contains(&y) {
                        let dist = dx.abs().max(dy.abs());
                        set(x as usize, y as usize, dist != 2 && dist != 4);
                    }
                }
            }
        }
        let align = alignment_positions(version);
        let last = align.len().saturating_sub(1);
        for (i, &ax) in align.iter().enumerate() {
            for (j, &ay) in align.iter().enumerate() {
                // Not over the three finder patterns.
                if (i == 0 && (j == 0 || j == last)) || (i == last && j == 0) {
                    continue;
                }
                for dy in -2i32..=2 {
                    for dx in -2i32..=2 {
                        let (x, y) = ((ax as i32 + dx) as usize, (ay as i32 + dy) as usize);
                        set(x, y, dx.abs().max(dy.abs()) != 1);
                    }
                }
            }
        }
        // Format information: reserved light here, drawn per mask.
        let mut format_cells = Vec::with_capacity(30);
        for i in 0..=5 {
            format_cells.push((8, i, i));
        }
        format_cells.push((8, 7, 6));
        format_cells.push((8, 8, 7));
        format_cells.push((7, 8, 8));
        for i in 9..15 {
            format_cells.push((14 - i, 8, i));
        }
        for i in 0..8 {
            format_cells.push((w - 1 - i, 8, i));
        }
        for i in 8..15 {
            format_cells.push((8, w - 15 + i, i));
        }
        for &(x, y, _) in &format_cells {
            set(x, y, false);
        }
        // The dark module beside the bottom-left finder.
        set(8, w - 8, true);
        // Version information (version 7 and up): 6 bits and a BCH code.
        if version >= 7 {
            let v = u32::from(version);
            let mut rem = v;
            for _ in 0..12 {
                rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
            }
            let bits = v << 12 | rem;
            for i in 0..18 {
                let d = (bits >> i) & 1 == 1;
                let (a, b) = (w - 11 + i % 3, i / 3);
                set(a, b, d);
                set(b, a, d);
            }
        }

        let mut order = Vec::with_capacity(raw_data_modules(version));
        let mut right = w - 1;
        loop {
            if right == 6 {
                right = 5;
            }
            let upward = (right + 1) & 2 == 0;
            for vert in 0..w {
                let y = if upward { w - 1 - vert } else { vert };
                for x in [right, right - 1] {
                    if !function[y * w + x] {
                        order.push((x as u8, y as u8));
                    }
                }
            }
            if right < 2 {
                break;
            }
            right -= 2;
        }
        debug_assert_eq!(order.len(), raw_data_modules(version));

        let format_cells = format_cells
            .into_iter()
            .map(|(x, y, b)| (x as u8, y as u8, b as u8))
            .collect();
        let mut t = Template {
            width: w,
            function,
            function_dark: dark,
            order,
            format_cells,
            function_rows: Vec::new(),
            function_cols: Vec::new(),
            mask_rows: Default::default(),
            mask_cols: Default::default(),
        };
        if w <= FAST_MAX_WIDTH {
            let (rows, cols) = bit_sets(w, |x, y| t.function_dark[y * w + x]);
            t.function_rows = rows;
            t.function_cols = cols;
            for m in 0..8u8 {
                let (rows, cols) = bit_sets(w, |x, y| !t.function[y * w + x] && mask_bit(m, x, y));
                t.mask_rows[m as usize] = rows;
                t.mask_cols[m as usize] = cols;
            }
        }
        t
    }
}

mod mask;
mod template;

use mask::{place_and_mask_fast, place_and_mask_reference};
use template::{MARGIN, Template, bit_sets, mask_bit};

#[cfg(test)]
mod tests;
