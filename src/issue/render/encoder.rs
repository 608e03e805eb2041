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
//! module by module by [`penalty_reference`], the definition the bit-set
//! scorer is tested against.
//!
//! Tests check the symbols bit for bit against the `qrcode` crate for
//! every version, level and mask, and the bit-set penalty against the
//! module-by-module one.

use std::sync::OnceLock;

use super::{EcLevel, Symbol};

/// Light modules kept around each row/column bit set, so the finder-pattern
/// rule's "4 light modules beside it" can look past the symbol's edge
/// without shifting bits out.
const MARGIN: usize = 4;

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

/// The two bits the format information gives the level (not in L-M-Q-H
/// order: L = 01, M = 00, Q = 11, H = 10).
fn level_format_bits(ec: EcLevel) -> u32 {
    match ec {
        EcLevel::L => 1,
        EcLevel::M => 0,
        EcLevel::Q => 3,
        EcLevel::H => 2,
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

struct Template {
    width: usize,
    /// Row-major: which modules are function patterns (format area
    /// included), and the colours of those patterns (format area light).
    function: Vec<bool>,
    function_dark: Vec<bool>,
    /// Data modules (x, y) in placement order: two-column zigzag from the
    /// bottom-right corner, skipping the vertical timing pattern.
    order: Vec<(u8, u8)>,
    /// The 30 format-information modules: (x, y, bit of the 15-bit word).
    format_cells: Vec<(u8, u8, u8)>,
    /// Bit sets (only for widths up to FAST_MAX_WIDTH, else empty): the
    /// function patterns by row and by column, and for each mask the data
    /// modules it inverts, by row and by column. Bit `x + MARGIN` of row
    /// `y` is module (x, y).
    function_rows: Vec<u128>,
    function_cols: Vec<u128>,
    mask_rows: [Vec<u128>; 8],
    mask_cols: [Vec<u128>; 8],
}

fn template(version: u8) -> &'static Template {
    static TEMPLATES: [OnceLock<Template>; 40] = [const { OnceLock::new() }; 40];
    TEMPLATES[version as usize - 1].get_or_init(|| Template::build(version))
}

/// Whether mask `m` inverts the module at column `x`, row `y`.
// Written as the specification's table 10 gives them.
#[allow(clippy::manual_is_multiple_of)]
fn mask_bit(m: u8, x: usize, y: usize) -> bool {
    match m {
        0 => (x + y) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (x + y) % 3 == 0,
        4 => (x / 3 + y / 2) % 2 == 0,
        5 => x * y % 2 + x * y % 3 == 0,
        6 => (x * y % 2 + x * y % 3) % 2 == 0,
        _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
    }
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

/// The 15-bit format information word for a level and mask.
fn format_word(ec: EcLevel, mask: u8) -> u32 {
    let data = level_format_bits(ec) << 3 | u32::from(mask);
    let mut rem = data;
    for _ in 0..10 {
        rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    }
    (data << 10 | rem) ^ 0x5412
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

/// Row and column bit sets of the modules for which `f(x, y)` holds.
fn bit_sets(w: usize, f: impl Fn(usize, usize) -> bool) -> (Vec<u128>, Vec<u128>) {
    let mut rows = vec![0u128; w];
    let mut cols = vec![0u128; w];
    for (y, row) in rows.iter_mut().enumerate() {
        for (x, col) in cols.iter_mut().enumerate() {
            if f(x, y) {
                *row |= 1 << (x + MARGIN);
                *col |= 1 << (y + MARGIN);
            }
        }
    }
    (rows, cols)
}

// ---------------------------------------------------------------------------
// Placement, masking and penalty: bit sets.

fn place_and_mask_fast(t: &Template, codewords: &[u8], ec: EcLevel, mask: Option<u8>) -> Vec<bool> {
    let w = t.width;
    let mut rows = t.function_rows.clone();
    let mut cols = t.function_cols.clone();
    for (i, &(x, y)) in t.order.iter().take(codewords.len() * 8).enumerate() {
        if (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1 {
            rows[y as usize] |= 1 << (x as usize + MARGIN);
            cols[x as usize] |= 1 << (y as usize + MARGIN);
        }
    }

    let mut best: Option<u32> = None;
    let (mut r, mut c) = (vec![0u128; w], vec![0u128; w]);
    let mut best_rows = vec![0u128; w];
    for m in mask.map_or(0..8, |m| m..m + 1) {
        apply_mask(t, &rows, &cols, ec, m, &mut r, &mut c);
        let score = if mask.is_some() {
            0
        } else {
            penalty_bits(&r, &c, w)
        };
        if best.is_none_or(|s| score < s) {
            best = Some(score);
            best_rows.copy_from_slice(&r);
        }
    }
    let mut dark = Vec::with_capacity(w * w);
    for row in &best_rows {
        dark.extend((0..w).map(|x| (row >> (x + MARGIN)) & 1 == 1));
    }
    dark
}

/// Rows and columns of the symbol under mask `m`, format information drawn.
fn apply_mask(
    t: &Template,
    rows: &[u128],
    cols: &[u128],
    ec: EcLevel,
    m: u8,
    r: &mut [u128],
    c: &mut [u128],
) {
    for ((out, &base), &flip) in r.iter_mut().zip(rows).zip(&t.mask_rows[m as usize]) {
        *out = base ^ flip;
    }
    for ((out, &base), &flip) in c.iter_mut().zip(cols).zip(&t.mask_cols[m as usize]) {
        *out = base ^ flip;
    }
    let word = format_word(ec, m);
    for &(x, y, bit) in &t.format_cells {
        if (word >> bit) & 1 == 1 {
            r[y as usize] |= 1 << (x as usize + MARGIN);
            c[x as usize] |= 1 << (y as usize + MARGIN);
        }
    }
}

/// The specification's penalty score from row and column bit sets; equal
/// to [`penalty_reference`] (tested).
///
/// Scoring is mostly popcounts (a dozen per row and column). The x86-64
/// baseline Rust compiles for has no POPCNT instruction, and its software
/// popcount made the whole encoder 2x slower, so where the CPU has POPCNT
/// (every x86-64 CPU since 2008) the same code runs compiled with it.
fn penalty_bits(rows: &[u128], cols: &[u128], w: usize) -> u32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU supports POPCNT, checked just above.
        return unsafe { penalty_bits_popcnt(rows, cols, w) };
    }
    penalty_bits_portable(rows, cols, w)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn penalty_bits_popcnt(rows: &[u128], cols: &[u128], w: usize) -> u32 {
    penalty_bits_portable(rows, cols, w)
}

// Inlined so that the POPCNT variant above compiles it with POPCNT.
#[inline(always)]
fn penalty_bits_portable(rows: &[u128], cols: &[u128], w: usize) -> u32 {
    let inside: u128 = ((1u128 << w) - 1) << MARGIN;
    let mut score = 0;
    let mut dark = 0;
    for &line in rows.iter().chain(cols) {
        score += line_penalty(line, inside);
    }
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (la, lb) = (!a & inside, !b & inside);
        let both_dark = a & b & (a >> 1) & (b >> 1);
        let both_light = la & lb & (la >> 1) & (lb >> 1);
        score += 3 * (both_dark.count_ones() + both_light.count_ones());
    }
    for &row in rows {
        dark += row.count_ones();
    }
    score + balance_penalty(dark as usize, w * w)
}

/// Runs of five or more (rule 1) and finder look-alikes (rule 3) in one
/// row or column.
#[inline(always)]
fn line_penalty(d: u128, inside: u128) -> u32 {
    let mut score = 0;
    for c in [d, !d & inside] {
        // A run of length L >= 5 holds L - 4 windows of five and scores
        // 3 + (L - 5) = (L - 4) + 2: count windows, plus 2 per run start.
        let five = c & (c >> 1) & (c >> 2) & (c >> 3) & (c >> 4);
        let starts = five & !(c << 1);
        score += five.count_ones() + 2 * starts.count_ones();
    }
    // Dark-light-dark×3-light-dark, with four light modules after it or
    // before it (outside the symbol counts as light).
    let core = d & !(d >> 1) & (d >> 2) & (d >> 3) & (d >> 4) & !(d >> 5) & (d >> 6);
    let light_after = !((d >> 7) | (d >> 8) | (d >> 9) | (d >> 10));
    let light_before = !((d << 1) | (d << 2) | (d << 3) | (d << 4));
    score += 40 * ((core & light_after).count_ones() + (core & light_before).count_ones());
    score
}

/// Rule 4: 10 points for every full 5 % the dark share is away from 50 %.
fn balance_penalty(dark: usize, total: usize) -> u32 {
    let off = (dark * 20).abs_diff(total * 10);
    (off.div_ceil(total).saturating_sub(1) * 10) as u32
}

// ---------------------------------------------------------------------------
// Placement, masking and penalty: module by module.

fn place_and_mask_reference(
    t: &Template,
    codewords: &[u8],
    ec: EcLevel,
    mask: Option<u8>,
) -> Vec<bool> {
    let w = t.width;
    let mut base = t.function_dark.clone();
    for (i, &(x, y)) in t.order.iter().take(codewords.len() * 8).enumerate() {
        base[y as usize * w + x as usize] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1;
    }
    let mut best: Option<(u32, Vec<bool>)> = None;
    for m in mask.map_or(0..8, |m| m..m + 1) {
        let mut s = base.clone();
        for y in 0..w {
            for x in 0..w {
                if !t.function[y * w + x] && mask_bit(m, x, y) {
                    s[y * w + x] ^= true;
                }
            }
        }
        let word = format_word(ec, m);
        for &(x, y, bit) in &t.format_cells {
            s[y as usize * w + x as usize] = (word >> bit) & 1 == 1;
        }
        let score = if mask.is_some() {
            0
        } else {
            penalty_reference(&s, w)
        };
        if best.as_ref().is_none_or(|(b, _)| score < *b) {
            best = Some((score, s));
        }
    }
    best.map(|(_, s)| s).unwrap_or_default()
}

/// The penalty score, rule by rule over the modules (`dark` row-major):
/// 1. each run of L >= 5 same-colour modules in a row or column: L - 2;
/// 2. each 2×2 block of one colour: 3;
/// 3. each 1:1:3:1:1 dark-light-dark-light-dark run with 4 light modules
///    on either side in a row or column (outside the symbol is light): 40,
///    once per side;
/// 4. 10 for every full 5 % the dark share is away from 50 %.
fn penalty_reference(dark: &[bool], w: usize) -> u32 {
    let at = |x: usize, y: usize| dark[y * w + x];
    let mut score = 0;
    for line in 0..w {
        for horizontal in [true, false] {
            let get = |i: usize| if horizontal { at(i, line) } else { at(line, i) };
            // Rule 1.
            let mut run = 1;
            for i in 1..=w {
                if i < w && get(i) == get(i - 1) {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += run as u32 - 2;
                    }
                    run = 1;
                }
            }
            // Rule 3, on the line padded with 4 light modules each side.
            let padded: Vec<bool> = (0..w + 8)
                .map(|i| (MARGIN..w + MARGIN).contains(&i) && get(i - MARGIN))
                .collect();
            const CORE: [bool; 7] = [true, false, true, true, true, false, true];
            for win in padded.windows(11) {
                if win[..7] == CORE && win[7..].iter().all(|&d| !d) {
                    score += 40;
                }
                if win[4..] == CORE && win[..4].iter().all(|&d| !d) {
                    score += 40;
                }
            }
        }
    }
    // Rule 2.
    for y in 0..w - 1 {
        for x in 0..w - 1 {
            let c = at(x, y);
            if at(x + 1, y) == c && at(x, y + 1) == c && at(x + 1, y + 1) == c {
                score += 3;
            }
        }
    }
    score + balance_penalty(dark.iter().filter(|&&d| d).count(), w * w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::render::tests::payload;

    const LEVELS: [EcLevel; 4] = [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H];

    /// The same symbol from the `qrcode` crate: same version, level and
    /// mask, one alphanumeric segment.
    fn reference_symbol(text: &str, version: u8, ec: EcLevel, mask: u8) -> Vec<bool> {
        use qrcode::Version;
        use qrcode::canvas::{Canvas, MaskPattern};
        let v = Version::Normal(i16::from(version));
        let mut bits = qrcode::bits::Bits::new(v);
        bits.push_alphanumeric_data(text.as_bytes()).unwrap();
        bits.push_terminator(ec.into()).unwrap();
        let raw = bits.into_bytes();
        let (data_cw, ec_cw) = qrcode::ec::construct_codewords(&raw, v, ec.into()).unwrap();
        let mut canvas = Canvas::new(v, ec.into());
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data_cw, &ec_cw);
        let pattern = [
            MaskPattern::Checkerboard,
            MaskPattern::HorizontalLines,
            MaskPattern::VerticalLines,
            MaskPattern::DiagonalLines,
            MaskPattern::LargeCheckerboard,
            MaskPattern::Fields,
            MaskPattern::Diamonds,
            MaskPattern::Meadow,
        ][mask as usize];
        canvas.apply_mask(pattern);
        canvas
            .into_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect()
    }

    #[test]
    fn every_version_level_and_mask_matches_the_qrcode_crate() {
        for version in 1..=40u8 {
            for (li, &ec) in LEVELS.iter().enumerate() {
                // The longest text the version holds, so padding and the
                // last block are exercised, and a short one.
                let max = (1..5000)
                    .take_while(|&n| data_bits(n, version) <= 8 * data_codewords(version, ec))
                    .last()
                    .unwrap();
                for len in [max, 5.min(max)] {
                    let text = payload(len.max(4), u64::from(version) * 8 + li as u64);
                    let text = &text[..len];
                    for mask in 0..8 {
                        let ours = encode_at(text.as_bytes(), version, ec, Some(mask)).unwrap();
                        assert_eq!(ours.width, 17 + 4 * version as usize);
                        let theirs = reference_symbol(text, version, ec, mask);
                        assert!(
                            ours.dark == theirs,
                            "version {version} {ec:?} mask {mask} length {len} differs"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn bit_set_penalty_equals_module_penalty() {
        for version in 1..=25u8 {
            let t = template(version);
            for seed in 0..3u64 {
                let text = payload(10 + 7 * version as usize + seed as usize, seed + 100);
                let Some(data) = data_codewords_for(text.as_bytes(), version, EcLevel::M) else {
                    continue;
                };
                let cw = add_ec_and_interleave(&data, version, EcLevel::M);
                for mask in 0..8 {
                    let sym = place_and_mask_fast(t, &cw, EcLevel::M, Some(mask));
                    assert_eq!(
                        sym,
                        place_and_mask_reference(t, &cw, EcLevel::M, Some(mask))
                    );
                    let (rows, cols) = bit_sets(t.width, |x, y| sym[y * t.width + x]);
                    let expected = penalty_reference(&sym, t.width);
                    assert_eq!(
                        penalty_bits(&rows, &cols, t.width),
                        expected,
                        "version {version} mask {mask}"
                    );
                    assert_eq!(penalty_bits_portable(&rows, &cols, t.width), expected);
                }
            }
        }
    }

    #[test]
    fn penalty_rules_score_known_patterns() {
        // All light 21×21: rule 1 gives 21 runs of 21 per row and column
        // (19 each), rule 2 20×20 blocks, rule 4 the maximum 90, rule 3
        // nothing.
        let w = 21;
        let light = vec![false; w * w];
        assert_eq!(penalty_reference(&light, w), 2 * 21 * 19 + 3 * 400 + 90);
        let (r, c) = bit_sets(w, |_, _| false);
        assert_eq!(penalty_bits(&r, &c, w), penalty_reference(&light, w));
        // One finder look-alike in an otherwise checkerboard row scores
        // rule 3 on the side where it meets 4 light modules.
        let mut board: Vec<bool> = (0..w * w).map(|i| (i / w + i % w) % 2 == 0).collect();
        let base = penalty_reference(&board, w);
        for (x, d) in [
            true, false, true, true, true, false, true, false, false, false, false,
        ]
        .into_iter()
        .enumerate()
        {
            board[10 * w + x] = d;
        }
        let (r, c) = bit_sets(w, |x, y| board[y * w + x]);
        let with = penalty_bits(&r, &c, w);
        assert_eq!(with, penalty_reference(&board, w));
        assert!(with >= base + 40, "{with} vs {base}");
    }

    #[test]
    fn chosen_mask_has_the_lowest_penalty() {
        for seed in 0..20 {
            let text = payload(150 + 5 * seed, seed as u64);
            let sym = encode(text.as_bytes(), EcLevel::M).unwrap();
            let scores: Vec<u32> = (0..8)
                .map(|m| {
                    let s = encode_at(text.as_bytes(), sym.version, EcLevel::M, Some(m)).unwrap();
                    penalty_reference(&s.dark, s.width)
                })
                .collect();
            let best = penalty_reference(&sym.dark, sym.width);
            assert_eq!(best, *scores.iter().min().unwrap(), "{scores:?}");
        }
    }

    #[test]
    fn large_versions_take_the_reference_path_and_still_pick_the_best() {
        let text = payload(1500, 9);
        let sym = encode(text.as_bytes(), EcLevel::M).unwrap();
        assert!(sym.width > FAST_MAX_WIDTH, "version {}", sym.version);
        let min = (0..8)
            .map(|m| {
                let s = encode_at(text.as_bytes(), sym.version, EcLevel::M, Some(m)).unwrap();
                penalty_reference(&s.dark, s.width)
            })
            .min()
            .unwrap();
        assert_eq!(penalty_reference(&sym.dark, sym.width), min);
    }

    #[test]
    fn version_capacity_boundaries() {
        // Version 1-M holds 20 alphanumeric characters, version 40-L 4,296.
        assert_eq!(encode(&b"A".repeat(20), EcLevel::M).unwrap().version, 1);
        assert_eq!(encode(&b"A".repeat(21), EcLevel::M).unwrap().version, 2);
        assert_eq!(encode(&b"A".repeat(4296), EcLevel::L).unwrap().version, 40);
        assert!(encode(&b"A".repeat(4297), EcLevel::L).is_none());
        assert!(encode(b"lower case", EcLevel::M).is_none());
        // An empty text is a valid (if useless) symbol, not a panic.
        let empty = encode(b"", EcLevel::H).unwrap();
        assert_eq!((empty.version, empty.width), (1, 21));
    }
}
